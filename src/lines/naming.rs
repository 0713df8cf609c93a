//! Series names from the legend: a line is named by the one legend entry whose line swatch has
//! its stroke colour and dash (matplotlib, ggplot2 and Vega draw line keys with the series' own
//! stroke); when no line swatch matches, a marker swatch of the line's colour names it (a
//! matplotlib `o-` key is a line with a marker on it). When several entries match, those of a
//! legend nearest the line's own panel win (a figure with a legend per panel reuses colours).
//! Two entries still matching one style leave the series unnamed, with a warning: a name is
//! never guessed.

use crate::axes::Panel;
use crate::marks::{LegendEntry, Swatch};
use crate::warning::{Warning, WarningKind};

use super::Series;

pub fn name_series(series: &mut [Series], panels: &[Panel], legend: &[LegendEntry], warnings: &mut Vec<Warning>) {
    for s in series.iter_mut() {
        let lines: Vec<&LegendEntry> = legend
            .iter()
            .filter(
                |e| matches!(&e.swatch, Swatch::Line { stroke, dashed } if *stroke == s.stroke && *dashed == s.dashed),
            )
            .collect();
        let matches = if lines.is_empty() {
            legend
                .iter()
                .filter(|e| {
                    matches!(&e.swatch, Swatch::Marker { fill, stroke, .. }
                        if s.stroke.is_some() && (*fill == s.stroke || *stroke == s.stroke))
                })
                .collect()
        } else {
            lines
        };
        let inside: Vec<&LegendEntry> =
            matches.iter().copied().filter(|e| nearest_panel(panels, e.bbox.center()) == Some(s.panel)).collect();
        let matches = if inside.is_empty() { matches } else { inside };
        let mut labels: Vec<&str> = matches.iter().map(|e| e.label.as_str()).collect();
        labels.dedup();
        match labels.as_slice() {
            [one] => s.name = Some((*one).to_string()),
            [] => {}
            many => warnings.push(Warning::panel(
                WarningKind::Lines,
                s.panel,
                format!(
                    "panel {}: line {} matches {} legend entries ({}); left unnamed",
                    s.panel,
                    s.source,
                    many.len(),
                    many.join(", ")
                ),
            )),
        }
    }
}

/// The data panel whose frame is nearest a point (0 inside it).
fn nearest_panel(panels: &[Panel], at: kurbo::Point) -> Option<usize> {
    let gap = |r: kurbo::Rect| {
        let dx = (r.x0 - at.x).max(at.x - r.x1).max(0.0);
        let dy = (r.y0 - at.y).max(at.y - r.y1).max(0.0);
        dx.hypot(dy)
    };
    panels
        .iter()
        .filter(|p| p.kind == crate::axes::PanelKind::Data)
        .min_by(|a, b| gap(a.rect).total_cmp(&gap(b.rect)))
        .map(|p| p.index)
}
