//! Turned labels: which point of a turned label's box marks its tick.
//!
//! R centres a turned run on its tick; matplotlib centres the box by default, `ha="right"` puts
//! its right end on it, and its 90-degree y labels end near it. Each of the three points (the
//! centre and both ends along the axis) is tried as a full calibration; the one that lets the
//! most labels sit on tick marks or grid lines wins (the centre on a tie).

use super::super::calibrate::{AxisCtx, Note, calibrate_once};
use super::super::{AnchorKind, Axis, Dir, Label};

/// The calibration whose choice of marked point the tick marks confirm best.
pub(in crate::axes) fn best_marked_point(ctx: &AxisCtx, warnings: &mut Vec<Note>) -> Option<Axis> {
    let AxisCtx { dir, labels, .. } = *ctx;
    let score = |a: &Axis| {
        a.ticks.iter().filter(|t| t.used && matches!(t.anchor, AnchorKind::TickMark | AnchorKind::GridLine)).count()
    };
    let ends = match dir {
        Dir::X => ["left end", "right end"],
        Dir::Y => ["top end", "bottom end"],
    };
    let mut best: Option<(usize, Option<Axis>, Vec<Note>, &str)> = None;
    for (name, pick) in [("centre", 0usize), (ends[0], 1), (ends[1], 2)] {
        let moved = moved_labels(labels, dir, pick);
        let mut w = Vec::new();
        let a = calibrate_once(&AxisCtx { labels: &moved, ..*ctx }, &mut w);
        let sc = a.as_ref().map_or(0, score);
        if best.as_ref().is_none_or(|b| sc > b.0) {
            best = Some((sc, a, w, name));
        }
    }
    let (_, axis, w, name) = best?;
    warnings.extend(w);
    axis.map(|mut a| {
        if a.ticks.iter().any(|t| labels.iter().any(|l| l.source == t.source && l.turned.is_some())) {
            a.anchors.push(format!("turned labels mark their ticks with their {name}"));
        }
        a
    })
}

/// The labels with each turned one's marked point moved to its centre (`pick` 0) or the low (1)
/// or high (2) end of its box along the axis.
fn moved_labels(labels: &[Label], dir: Dir, pick: usize) -> Vec<Label> {
    labels
        .iter()
        .map(|l| match (l.turned, dir) {
            (Some(b), Dir::X) => Label { cx: [l.cx, b.x0, b.x1][pick], ..l.clone() },
            (Some(b), Dir::Y) => Label { cy: [l.cy, b.y0, b.y1][pick], ..l.clone() },
            (None, _) => l.clone(),
        })
        .collect()
}
