//! Offsets and multipliers: text beside an axis that scales or shifts its tick labels.
//!
//! Contract: for each linear axis read from its own labels, a label that looks like an offset or
//! multiplier ("1e9", "×10^4", "+1e4"), belongs to no axis's tick labels, and sits where
//! matplotlib places one (above the frame's top-left corner for y, below its right end for x) is
//! applied to the axis's map and ticks and recorded among its anchors. Runs before shared axes
//! are copied, so a shared axis inherits its neighbour's multiplier.

use std::collections::HashSet;

use kurbo::Rect;

use super::{AxesOptions, Dir, Label, Panel, Scale};

/// Apply an offset or multiplier label written at an axis end ("1e9", "×10^4", "+1e4") to the
/// axis's linear map, and record it.
pub(super) fn apply_offsets(panels: &mut [Panel], labels: &[Label], opts: &AxesOptions) {
    // Labels that are some axis's tick labels are never offsets.
    let ticks: HashSet<String> = panels
        .iter()
        .flat_map(|p| [&p.x, &p.y])
        .flatten()
        .flat_map(|a| a.ticks.iter().map(|t| t.source.clone()))
        .collect();
    for p in panels.iter_mut() {
        let r = p.rect;
        for (dir, axis) in [(Dir::X, p.x.as_mut()), (Dir::Y, p.y.as_mut())] {
            let Some(axis) = axis else { continue };
            if axis.map.scale != Scale::Linear || axis.method.starts_with("shared") {
                continue;
            }
            let used: Vec<&str> = axis.ticks.iter().map(|t| t.source.as_str()).collect();
            let found = labels.iter().find(|l| {
                let t = l.text.replace("\\times", "×");
                let looks = t.contains('e') || t.contains("×10") || t.contains("10^");
                looks
                    && where_offsets_go(l, r, dir, opts)
                    && !used.contains(&l.source.as_str())
                    && !ticks.contains(&l.source)
            });
            let Some(l) = found else { continue };
            let additive = l.text.trim_start().starts_with('+') || l.text.trim_start().starts_with('\u{2212}');
            // The ticks' values become data values too, so they stay on the map.
            if additive {
                axis.map.intercept += l.value;
                axis.ticks.iter_mut().for_each(|t| t.value += l.value);
            } else {
                axis.map.slope *= l.value;
                axis.map.intercept *= l.value;
                axis.ticks.iter_mut().for_each(|t| t.value *= l.value);
            }
            axis.anchors.push(format!(
                "{} '{}' beside the axis applied to its tick labels",
                if additive { "offset" } else { "multiplier" },
                l.text
            ));
        }
    }
}

/// Whether a label sits where matplotlib writes an axis's offset or multiplier: above the
/// frame's top-left corner for y, below the frame at its right end for x.
fn where_offsets_go(l: &Label, r: Rect, dir: Dir, opts: &AxesOptions) -> bool {
    let fs = l.font_size;
    let reach = opts.offset_reach_em * fs;
    match dir {
        Dir::Y => {
            l.bbox.y1 <= r.y0 + opts.label_overlap_em * fs
                && l.bbox.y1 >= r.y0 - opts.offset_above_em * fs
                && l.bbox.x0 <= r.x0 + reach
                && l.bbox.x1 >= r.x0 - opts.offset_left_em * fs
        }
        Dir::X => {
            l.bbox.y0 >= r.y1
                && l.bbox.y0 <= r.y1 + opts.offset_below_em * fs
                && l.bbox.x1 >= r.x1 - reach
                && l.bbox.x0 <= r.x1 + reach
        }
    }
}
