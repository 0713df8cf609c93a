//! Shared axes: panels of a facet grid whose labels only the outer panels carry.
//!
//! Contract: a data panel with no x (or y) axis of its own takes the map of a neighbour aligned
//! with it along that axis (same extent, within `tol`), when its own tick marks, if it has any,
//! sit where the neighbour's used ticks are. An axis copied so is never a donor itself.

use kurbo::Rect;

use super::{AxesOptions, Axis, Dir, Panel, PanelKind, Seg};

/// Give an axis with no labels of its own the map of an aligned neighbour (shared axes, where
/// only the outer panels carry labels), when its own tick marks, if any, agree with it.
pub(super) fn share_axes(panels: &mut [Panel], segs: &[Seg], tol: f64, opts: &AxesOptions) {
    for i in 0..panels.len() {
        if panels[i].kind != PanelKind::Data {
            continue;
        }
        for dir in [Dir::X, Dir::Y] {
            if axis_of(&panels[i], dir).is_some() {
                continue;
            }
            let r = panels[i].rect;
            let Some((j, mut axis)) = donor(panels, i, dir, tol) else { continue };
            // Tick marks on this panel's edge must sit where the donor's ticks are.
            let marks = edge_marks(r, dir, segs, tol, opts);
            let used: Vec<f64> = axis.ticks.iter().filter(|t| t.used).map(|t| t.position).collect();
            let agree = marks.is_empty() || used.iter().all(|u| marks.iter().any(|m| (m - u).abs() <= tol));
            if !agree {
                continue;
            }
            axis.method = format!("shared from panel {j} (aligned, no labels of its own)");
            axis.anchors =
                vec![format!("map of the aligned neighbour's axis; {} matching tick marks on this panel", marks.len())];
            match dir {
                Dir::X => panels[i].x = Some(axis),
                Dir::Y => panels[i].y = Some(axis),
            }
        }
    }
}

fn axis_of(p: &Panel, dir: Dir) -> Option<&Axis> {
    match dir {
        Dir::X => p.x.as_ref(),
        Dir::Y => p.y.as_ref(),
    }
}

/// The first other data panel aligned with panel `i` along `dir` whose axis was read from its own
/// labels, and a copy of that axis.
fn donor(panels: &[Panel], i: usize, dir: Dir, tol: f64) -> Option<(usize, Axis)> {
    let r = panels[i].rect;
    let found = panels.iter().enumerate().find_map(|(j, p)| {
        let aligned = match dir {
            Dir::X => (p.rect.x0 - r.x0).abs() <= tol && (p.rect.x1 - r.x1).abs() <= tol,
            Dir::Y => (p.rect.y0 - r.y0).abs() <= tol && (p.rect.y1 - r.y1).abs() <= tol,
        };
        let axis = axis_of(p, dir);
        (j != i && p.kind == PanelKind::Data && aligned && axis.is_some_and(|a| !a.method.starts_with("shared")))
            .then(|| (j, axis.cloned()))
    });
    let (j, axis) = found?;
    Some((j, axis?))
}

/// Positions of the tick marks on the frame's edges across `dir` (short segments touching them).
fn edge_marks(r: Rect, dir: Dir, segs: &[Seg], tol: f64, opts: &AxesOptions) -> Vec<f64> {
    let (edge_lo, edge_hi) = match dir {
        Dir::X => (r.y0, r.y1),
        Dir::Y => (r.x0, r.x1),
    };
    segs.iter()
        .filter(|s| s.vertical == (dir == Dir::X))
        .filter(|s| {
            let t = |e: f64| (s.lo - e).abs() <= tol || (s.hi - e).abs() <= tol;
            s.hi - s.lo < opts.tick_len_frac * (edge_hi - edge_lo).abs().max(r.width().max(r.height()))
                && (t(edge_lo) || t(edge_hi))
        })
        .map(|s| s.at)
        .collect()
}
