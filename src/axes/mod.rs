//! Axes: find plot areas (panels) and calibrate their axes from tick labels and geometry.
//!
//! Input: a [`Scene`]. Output: [`Panel`]s in reading order (rows top to bottom, left to right
//! within a row), each with an optional calibrated x and y [`Axis`], plus colour-bar candidates.
//!
//! Method, per axis: numeric tick labels beside the panel give values; their positions come from
//! geometry where the figure has it (tick marks touching the frame, solid grid lines across it),
//! otherwise from the labels' own positions (scale from their spacing), with the offset anchored
//! by the frame's ends when both land on round values. The scale family is chosen by fit
//! quality; a tick that disagrees with the others is left out and reported, never silently used.
//!
//! The pipeline, one module a stage, each stating its contract:
//! - [`text`] reads labels and captions ([`number`] parses them, [`words`] splits runs);
//! - [`geometry`] finds segments and rectangles; [`frames`] proposes and classifies frames;
//! - per axis of a frame ([`calibrate`]): [`groups`] picks its labels, [`anchors`] its tick
//!   marks, grid lines and flush ends, [`hypotheses`] propose positions (one file per producer
//!   convention), [`fit`] chooses the scale family ([`family`]) and map, [`decide`] accepts or
//!   refuses with a reason;
//! - [`panels`] keeps the frames whose axes read (containers dropped, [`frameless`] plots framed
//!   by their tick rows); [`unread`] refuses date and unchecked axes; [`offsets`] applies
//!   multipliers; [`shared`] copies axes across a facet grid; [`titles`] names panels and axes.
//!
//! Tolerances are the fields of [`AxesOptions`], relative to the figure (font size, frame size).
//!
//! Invariants: positions are root user units; an [`AxisMap`] maps position to value exactly as
//! fitted and back; a degenerate fit (fewer than two distinct positions) yields no axis.

use std::collections::BTreeMap;

use kurbo::Rect;
use serde::Serialize;

use crate::scene::{Scene, TextAnchor};
use crate::warning::Warning;

mod anchors;
mod calibrate;
mod dates;
mod decide;
mod family;
mod fit;
mod frameless;
mod frames;
mod geometry;
mod grid;
mod groups;
mod hypotheses;
mod number;
mod offsets;
mod options;
mod panels;
mod rounded;
mod scripts;
mod shared;
mod text;
mod time;
mod titles;
mod unread;
mod words;
pub use family::Scale;
pub use geometry::axis_aligned_rect;
pub use number::parse_number;
pub use options::AxesOptions;
pub use time::TimeAxis;
pub use unread::why_unread;

/// `u = intercept + slope * position`, value = the scale family's inverse of `u`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AxisMap {
    pub scale: Scale,
    pub slope: f64,
    pub intercept: f64,
}

impl AxisMap {
    /// Data value at a root-space coordinate.
    pub fn value(&self, pos: f64) -> f64 {
        self.scale.inverse(self.intercept + self.slope * pos)
    }
    /// Root-space coordinate of a data value, or `None` when it has none (log of a non-positive).
    pub fn position(&self, value: f64) -> Option<f64> {
        let u = self.u(value)?;
        let p = (u - self.intercept) / self.slope;
        p.is_finite().then_some(p)
    }
    fn u(&self, value: f64) -> Option<f64> {
        self.scale.forward(value)
    }
}

/// An axis given by hand in the figure's profile (`figures/<stem>.toml`), for figures whose tick
/// labels cannot be read (text drawn as glyph outlines without characters).
///
/// ```toml
/// [axes."0.x"]            # frame 0 (reading order), x axis
/// scale = "log"           # or "linear"
/// ticks = [[83.85625, 1e18], [505.04808, 1e24]]   # [position in SVG units, value], two or more
/// ```
#[derive(Debug, Clone, serde::Deserialize)]
pub struct AxisOverride {
    pub scale: Scale,
    pub ticks: Vec<[f64; 2]>,
}

impl AxisOverride {
    /// The axis these ticks define, or `None` when they are degenerate.
    pub fn axis(&self, dir: Dir) -> Option<Axis> {
        let unit = AxisMap { scale: self.scale, slope: 1.0, intercept: 0.0 };
        let (p, u): (Vec<f64>, Vec<f64>) = self.ticks.iter().filter_map(|t| Some((t[0], unit.u(t[1])?))).unzip();
        if p.len() < 2 || p.len() != self.ticks.len() {
            return None;
        }
        let (a, b) = fit::linfit(&p, &u)?;
        let map = AxisMap { scale: self.scale, slope: b, intercept: a };
        let ticks = self
            .ticks
            .iter()
            .map(|t| Tick {
                label: format!("{}", t[1]),
                value: t[1],
                position: t[0],
                anchor: AnchorKind::Profile,
                residual: map.position(t[1]).map_or(f64::NAN, |q| t[0] - q),
                used: true,
                checked: false,
                source: "profile".into(),
            })
            .collect();
        Some(Axis {
            dir,
            title: None,
            map,
            ticks,
            anchors: vec!["ticks given in the figure's profile".into()],
            method: "profile".into(),
            time: None,
        })
    }
}

/// Horizontal (x) or vertical (y) axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    X,
    Y,
}

/// Where a tick's position came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnchorKind {
    TickMark,
    GridLine,
    Label,
    Profile,
    /// The frame's end, for an end label drawn flush with it (Vega's `labelFlush` axis labels
    /// and gradient-legend end labels, aligned to stay within the axis's extent).
    FrameEnd,
}

/// One tick label and how it entered the calibration.
#[derive(Debug, Clone, Serialize)]
pub struct Tick {
    pub label: String,
    pub value: f64,
    /// Position used (anchor position, or the label's estimated position).
    pub position: f64,
    pub anchor: AnchorKind,
    /// Position minus the fitted map's position for this value, in SVG units.
    pub residual: f64,
    pub used: bool,
    /// Not used in the fit but checked against it: a label with no anchor of its own on an
    /// anchored axis, whose own position is within [`AxesOptions::unanchored_em`] of where the
    /// fit puts its value.
    pub checked: bool,
    pub source: String,
}

/// A calibrated axis.
#[derive(Debug, Clone, Serialize)]
pub struct Axis {
    pub dir: Dir,
    pub title: Option<String>,
    pub map: AxisMap,
    pub ticks: Vec<Tick>,
    /// Human-readable list of the geometric anchors that fixed the map.
    pub anchors: Vec<String>,
    /// `anchored` (tick marks or grid lines), `label_spacing+frame` or `label_spacing`.
    pub method: String,
    /// A time axis: values are instants (see [`TimeAxis`]).
    pub time: Option<TimeAxis>,
}

impl Axis {
    /// Ticks that disagree with the fit (left out of it, and not a checked label).
    pub fn rejected(&self) -> impl Iterator<Item = &Tick> {
        self.ticks.iter().filter(|t| !t.used && !t.checked)
    }
}

/// What a panel is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PanelKind {
    Data,
    ColourBar,
}

/// A plot area.
#[derive(Debug, Clone, Serialize)]
pub struct Panel {
    pub index: usize,
    pub kind: PanelKind,
    /// The plot area in root user units (y down).
    #[serde(serialize_with = "ser_rect")]
    pub rect: Rect,
    pub title: Option<String>,
    pub x: Option<Axis>,
    pub y: Option<Axis>,
    /// A secondary y axis on the right in other units; points give values on both (`y`, `y2`).
    pub y2: Option<Axis>,
}

fn ser_rect<S: serde::Serializer>(r: &Rect, s: S) -> Result<S::Ok, S::Error> {
    [r.x0, r.y0, r.x1, r.y1].serialize(s)
}

/// A numeric label (superscripts joined), positioned in root space.
#[derive(Debug, Clone)]
pub struct Label {
    pub text: String,
    pub value: f64,
    pub bbox: Rect,
    /// Estimated point the label marks along x (its horizontal centre).
    pub cx: f64,
    /// Estimated point the label marks along y (its vertical centre).
    pub cy: f64,
    pub font_size: f64,
    pub chars: usize,
    pub power_of_ten: bool,
    pub source: String,
    /// The label's text anchor and its exact x (the run's left edge, centre or right edge), when
    /// one text run writes the label; no font metrics are involved.
    pub anchor_x: Option<(TextAnchor, f64)>,
    /// For a turned label: its box. Which point marks the tick depends on the producer's
    /// alignment (R centres the run on it; matplotlib centres the box by default, `ha="right"`
    /// puts its right end on it, and its 90-degree y labels end near it); calibration tries
    /// the centre and both ends along the axis and keeps what the tick marks confirm.
    pub turned: Option<Rect>,
}

/// A text run that is not a number, for titles and legends.
#[derive(Debug, Clone)]
pub struct Caption {
    pub text: String,
    pub bbox: Rect,
    pub font_size: f64,
    pub horizontal: bool,
}

/// Axis-aligned straight segment (tick mark or grid line candidate).
#[derive(Debug, Clone, Copy)]
struct Seg {
    /// Constant coordinate (x for vertical segments, y for horizontal ones).
    at: f64,
    lo: f64,
    hi: f64,
    vertical: bool,
    dashed: bool,
    /// Stroke colour and width, to tell grid lines from spines.
    style: (Option<[u8; 3]>, u64),
}

impl Seg {
    /// Stroke width in root units (kept in `style` in millionths).
    fn width(&self) -> f64 {
        self.style.1 as f64 * 1e-6
    }
}

/// Panels found in a scene, plus the labels and captions the later stages reuse.
#[derive(Debug, Clone)]
pub struct AxesResult {
    pub panels: Vec<Panel>,
    pub labels: Vec<Label>,
    pub captions: Vec<Caption>,
    /// Every text, captions and numbers alike (legend labels may be numbers).
    pub texts: Vec<Caption>,
    /// Frames that looked like data panels but have no readable axis.
    pub uncalibrated: Vec<Unreadable>,
    pub warnings: Vec<Warning>,
}

/// A frame that looks like a data panel but whose axes cannot be read (labels drawn as glyph
/// outlines): where its tick marks are, so a profile needs only their values.
#[derive(Debug, Clone)]
pub struct Unreadable {
    /// Frame index in reading order (data panels, then colour bars), as profiles key it.
    pub frame: usize,
    pub rect: Rect,
    /// Positions of tick marks on the x and y axes, SVG units, ascending.
    pub x_marks: Vec<f64>,
    pub y_marks: Vec<f64>,
}

/// Find the panels of a scene and calibrate their axes.
pub fn find_axes(scene: &Scene, opts: &AxesOptions, overrides: &BTreeMap<String, AxisOverride>) -> AxesResult {
    let mut warnings = Vec::new();
    let (labels, captions) = text::read_texts(scene, opts);
    let segs = geometry::segments(scene);
    let fig = scene.view_box;
    // Rectangles whose edges differ by less than this are one.
    let diag = (fig.width().powi(2) + fig.height().powi(2)).sqrt();
    let tol = opts.same_rect_rel * diag;
    let cands = frames::candidates(scene, fig, opts, tol);
    let classified = frames::classify(&cands, fig, opts, tol);
    let f = panels::Figure { fig, labels: &labels, segs: &segs, opts, overrides, tol };
    let mut c = panels::calibrate_frames(&f, classified, &mut warnings);
    rounded::prefer_label_anchors(&mut c.panels, &labels, opts);
    time::read_year_month_axes(&mut c.panels, &labels, &captions, opts, &mut warnings);
    time::read_year_axes(&mut c.panels, &captions, opts, &mut warnings);
    time::mark_date_axes(&mut c.panels, &mut warnings);
    unread::refuse_time_axes(&mut c.panels, &captions, opts, &mut warnings);
    unread::refuse_unchecked_axes(&mut c.panels, &labels, &captions, opts, &mut warnings);
    let hosted = panels::host_colour_bars(&f, &mut c, &mut warnings);
    let mut panels = c.panels;
    // Offsets first, so that a shared axis inherits its neighbour's multiplier.
    offsets::apply_offsets(&mut panels, &labels, opts);
    shared::share_axes(&mut panels, &segs, tol, opts);
    let uncalibrated = panels::drop_unread(&f, &mut panels, &hosted, &mut warnings);
    panels::name_panels(&mut panels, &captions, opts, &mut warnings);
    let mut texts = captions.clone();
    texts.extend(labels.iter().map(|l| Caption {
        text: l.text.clone(),
        bbox: l.bbox,
        font_size: l.font_size,
        horizontal: true,
    }));
    AxesResult { panels, labels, captions, texts, uncalibrated, warnings }
}

/// The point a label marks along the axis.
fn along(dir: Dir, l: &Label) -> f64 {
    match dir {
        Dir::X => l.cx,
        Dir::Y => l.cy,
    }
}

/// Shortest round-trip formatting of an f64 (Rust's `Display`), tidy for integers.
pub fn fmt_g(v: f64) -> String {
    let r = (v * 1e9).round() / 1e9;
    if (r - v).abs() < 1e-12 * v.abs().max(1.0) { format!("{r}") } else { format!("{v}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_map_round_trips_both_ways() {
        let m = AxisMap { scale: Scale::Log, slope: 0.014245, intercept: 16.8 };
        for p in [0.0, 83.85625, 505.04808] {
            let q = m.position(m.value(p)).expect("position");
            assert!((q - p).abs() < 1e-9, "{p} {q}");
        }
        assert_eq!(m.position(-1.0), None);
    }

    #[test]
    fn rect_detection_accepts_collinear_vertices_and_rejects_curves() {
        let p = kurbo::BezPath::from_svg(
            "M596.9254 72.56563V73.89751 412.19578 413.52766H613.77316V412.19578 73.89751 72.56563Z",
        )
        .expect("path");
        let r = axis_aligned_rect(&p).expect("rect");
        assert_eq!((r.x0, r.y1), (596.9254, 413.52766));
        let c = kurbo::BezPath::from_svg("M0 0C1 0 1 1 0 1Z").expect("path");
        assert!(axis_aligned_rect(&c).is_none());
        let tri = kurbo::BezPath::from_svg("M0 0L10 0L5 5Z").expect("path");
        assert!(axis_aligned_rect(&tri).is_none());
    }
}
