//! Anchors: the geometry that fixes where an axis's ticks are, and which label each one fixes.
//!
//! Contract: for one axis of a frame and the labels its group holds, the anchors along the axis
//! (tick marks touching the frame's edge, grid lines across it, and frame ends that a flush end
//! label marks), and a one-to-one pairing of labels with anchors: flush end labels first, then
//! nearest pairs first within [`AxesOptions::match_em`](super::AxesOptions::match_em) font sizes.
//! Anchors at one position (a tick mark under a grid line) count once. Nothing here fits a scale.

use super::calibrate::AxisCtx;
use super::geometry::AxisSpan;
use super::hypotheses::flush_end;
use super::{AnchorKind, Dir, Label, Seg, along, grid};

/// An axis's anchors and the labels they fix.
pub(super) struct Anchors {
    /// Anchor positions along the axis and what each one is.
    pub(super) at: Vec<(f64, AnchorKind)>,
    /// Per label of the figure: the index in `at` of its anchor.
    pub(super) of_label: Vec<Option<usize>>,
    /// Per label of the figure: the frame end it is drawn flush with.
    pub(super) flush_end: Vec<Option<f64>>,
}

/// Tick marks touching the frame's edge, and grid lines across the frame (lines on its edges are
/// spines unless they look like the interior grid lines).
pub(super) fn find(ctx: &AxisCtx, ax: &AxisSpan, idx: &[usize]) -> Vec<(f64, AnchorKind)> {
    let AxisCtx { dir, labels, segs, opts, .. } = *ctx;
    let mut anchors: Vec<(f64, AnchorKind)> = Vec::new();
    let mut lines: Vec<&Seg> = Vec::new();
    for s in segs.iter().filter(|s| ax.crosses(dir, s)) {
        if ax.is_tick_mark(s) {
            anchors.push((s.at, AnchorKind::TickMark));
        } else if ax.is_grid_line(s) {
            lines.push(s);
        }
    }
    let label_at: Vec<(f64, f64)> = idx.iter().map(|&li| (along(dir, &labels[li]), labels[li].font_size)).collect();
    let lines = grid::keep_grid_styles(lines, &label_at, opts.match_em);
    let at_edge = |s: &Seg| (s.at - ax.lo).abs() <= ax.slack || (s.at - ax.hi).abs() <= ax.slack;
    let interior: Vec<(Option<[u8; 3]>, u64)> = lines.iter().filter(|s| !at_edge(s)).map(|s| s.style).collect();
    for s in lines {
        if !at_edge(s) || interior.contains(&s.style) {
            anchors.push((s.at, AnchorKind::GridLine));
        }
    }
    anchors
}

/// A label with another panel between it and this one (a colour bar's labels beside a data
/// panel) is that panel's, unless it sits exactly on one of this panel's own anchors.
pub(super) fn blocked(ctx: &AxisCtx, slack: f64, l: &Label) -> bool {
    let AxisCtx { dir, r, others, .. } = *ctx;
    others.iter().any(|o| {
        *o != r
            && match dir {
                Dir::X => o.x0 <= l.cx && l.cx <= o.x1 && o.y0 >= r.y1 - slack && o.y1 <= l.bbox.y0 + slack,
                Dir::Y => {
                    o.y0 <= l.cy
                        && l.cy <= o.y1
                        && ((o.x1 <= r.x0 + slack && o.x0 >= l.bbox.x1 - slack)
                            || (o.x0 >= r.x1 - slack && o.x1 <= l.bbox.x0 + slack))
                }
            }
    })
}

/// Pair the axis's labels (`idx`, in order along the axis) with anchors: flush end labels with
/// their ends, then each other label with its nearest free anchor, closest pairs first.
pub(super) fn match_labels(ctx: &AxisCtx, ax: &AxisSpan, idx: &[usize], at: Vec<(f64, AnchorKind)>) -> Anchors {
    let n = ctx.labels.len();
    let mut m = Anchors { at, of_label: vec![None; n], flush_end: vec![None; n] };
    let mut used = vec![false; m.at.len()];
    match_flush_ends(ctx, ax, idx, &mut m, &mut used);
    match_nearest(ctx, ax.slack, idx, &mut m, &mut used);
    m
}

/// The first and last labels, when drawn flush with the frame's ends, are anchored there: on a
/// tick mark or grid line at the end, else on the end itself.
fn match_flush_ends(ctx: &AxisCtx, ax: &AxisSpan, idx: &[usize], m: &mut Anchors, used: &mut Vec<bool>) {
    let labels = ctx.labels;
    let slack = ax.slack;
    for (li, at_lo) in [(idx[0], true), (idx[idx.len() - 1], false)] {
        if blocked(ctx, slack, &labels[li]) || !flush_end::is_flush(ctx, slack, &labels[li], at_lo) {
            continue;
        }
        let end = if at_lo { ax.lo } else { ax.hi };
        // A tick mark or grid line on the end is the anchor; else the end itself, unless the
        // label has a tick mark of its own off the end (then it is centred on that tick, and
        // only the figure's scaling made its box look flush).
        let l = &labels[li];
        let centre = if ctx.dir == Dir::X { l.cx } else { l.cy };
        let own =
            m.at.iter().any(|a| a.1 != AnchorKind::FrameEnd && (a.0 - centre).abs() <= ctx.opts.match_em * l.font_size);
        let k = match m.at.iter().position(|a| (a.0 - end).abs() <= slack) {
            Some(k) => k,
            None if own => continue,
            None => {
                m.at.push((end, AnchorKind::FrameEnd));
                used.push(false);
                m.at.len() - 1
            }
        };
        m.of_label[li] = Some(k);
        for (j, a) in m.at.iter().enumerate() {
            if (a.0 - end).abs() <= slack {
                used[j] = true;
            }
        }
        m.flush_end[li] = Some(end);
    }
}

/// Each label not flush with an end takes its nearest free anchor within the matching distance
/// (closer for a label another panel blocks), closest pairs first, one to one.
fn match_nearest(ctx: &AxisCtx, slack: f64, idx: &[usize], m: &mut Anchors, used: &mut [bool]) {
    let AxisCtx { dir, labels, opts, .. } = *ctx;
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for &li in idx.iter().filter(|&&li| m.flush_end[li].is_none()) {
        let l = &labels[li];
        for (ai, (a, _)) in m.at.iter().enumerate() {
            let d = (a - along(dir, l)).abs();
            let limit = if blocked(ctx, slack, l) { opts.blocked_match_em } else { opts.match_em };
            if d <= limit * l.font_size {
                pairs.push((d, li, ai));
            }
        }
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (_, li, ai) in pairs {
        if m.of_label[li].is_some() || used[ai] {
            continue;
        }
        m.of_label[li] = Some(ai);
        for (k, a) in m.at.iter().enumerate() {
            if (a.0 - m.at[ai].0).abs() <= slack {
                used[k] = true;
            }
        }
    }
}
