//! Warnings as typed data: what kind, which panel and axis, and a sentence for people.
//!
//! Every stage reports what it could not do, or did only approximately, as a [`Warning`]; the
//! binary prints them and figure.json records them, so scripts can act on the kind rather than
//! parse the sentence.

use serde::Serialize;

use crate::axes::Dir;

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// An axis was not read; its values are left empty (the message gives the reason).
    AxisNotRead,
    /// An axis was read, but only approximately (for instance from font metrics alone).
    AxisApproximate,
    /// A tick label disagreed with the others and was left out of the fit.
    TickRejected,
    /// A panel has a second y axis; points give values on both (`y`, `y2`).
    TwinAxis,
    /// A profile's axis could not be used.
    Profile,
    /// A frame that looked like a panel was skipped.
    PanelSkipped,
    /// A colour bar or colour scale could not be read or decoded.
    ColourScale,
    /// A legend entry could not be named.
    Legend,
    /// Marker detection.
    Marks,
    /// An element of the SVG was skipped while reading it.
    Scene,
    /// Line series: a line that could not be named or placed, or vertices beyond the frame.
    Lines,
}

/// One warning.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    pub kind: WarningKind,
    /// Data panel index, where the warning concerns one.
    pub panel: Option<usize>,
    /// Axis, where the warning concerns one.
    pub axis: Option<Dir>,
    pub message: String,
}

impl Warning {
    /// A warning about no particular panel.
    pub fn new(kind: WarningKind, message: impl Into<String>) -> Warning {
        Warning { kind, panel: None, axis: None, message: message.into() }
    }
    /// A warning about one panel.
    pub fn panel(kind: WarningKind, panel: usize, message: impl Into<String>) -> Warning {
        Warning { kind, panel: Some(panel), axis: None, message: message.into() }
    }
    /// A warning about one axis of a panel.
    pub fn axis(kind: WarningKind, panel: usize, axis: Dir, message: impl Into<String>) -> Warning {
        Warning { kind, panel: Some(panel), axis: Some(axis), message: message.into() }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
