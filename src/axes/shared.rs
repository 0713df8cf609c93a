//! Shared axes: panels of a facet grid whose labels only the outer panels carry.
//!
//! Contract: a data panel with no x (or y) axis of its own takes the map of a neighbour aligned
//! with it along that axis (same extent, within `tol`), when its own tick marks, if it has any,
//! sit where the neighbour's used ticks are. An axis copied so is never a donor itself.

use super::{Dir, Panel, PanelKind, Seg};

/// Give an axis with no labels of its own the map of an aligned neighbour (shared axes, where
/// only the outer panels carry labels), when its own tick marks, if any, agree with it.
pub(super) fn share_axes(panels: &mut [Panel], segs: &[Seg], tol: f64) {
    for i in 0..panels.len() {
        if panels[i].kind != PanelKind::Data {
            continue;
        }
        for dir in [Dir::X, Dir::Y] {
            let has = match dir {
                Dir::X => panels[i].x.is_some(),
                Dir::Y => panels[i].y.is_some(),
            };
            if has {
                continue;
            }
            let r = panels[i].rect;
            let donor = panels.iter().enumerate().find_map(|(j, p)| {
                let aligned = match dir {
                    Dir::X => (p.rect.x0 - r.x0).abs() <= tol && (p.rect.x1 - r.x1).abs() <= tol,
                    Dir::Y => (p.rect.y0 - r.y0).abs() <= tol && (p.rect.y1 - r.y1).abs() <= tol,
                };
                let axis = match dir {
                    Dir::X => p.x.as_ref(),
                    Dir::Y => p.y.as_ref(),
                };
                (j != i
                    && p.kind == PanelKind::Data
                    && aligned
                    && axis.is_some_and(|a| !a.method.starts_with("shared")))
                .then(|| (j, axis.cloned()))
            });
            let Some((j, Some(mut axis))) = donor else { continue };
            // Tick marks on this panel's edge must sit where the donor's ticks are.
            let (edge_lo, edge_hi) = match dir {
                Dir::X => (r.y0, r.y1),
                Dir::Y => (r.x0, r.x1),
            };
            let marks: Vec<f64> = segs
                .iter()
                .filter(|s| s.vertical == (dir == Dir::X))
                .filter(|s| {
                    let t = |e: f64| (s.lo - e).abs() <= tol || (s.hi - e).abs() <= tol;
                    s.hi - s.lo < 0.05 * (edge_hi - edge_lo).abs().max(r.width().max(r.height()))
                        && (t(edge_lo) || t(edge_hi))
                })
                .map(|s| s.at)
                .collect();
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
