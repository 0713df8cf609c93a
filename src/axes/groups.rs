//! Label groups: which axis a label at a frame's corner belongs to.
//!
//! Tick labels of one axis line up: a left y axis's labels share their right edge (a column
//! beside the frame), an x axis's labels share their top (a row below it). A label at the corner
//! can look like either axis's (the lowest y label sits as low as the x labels when a figure is
//! squashed vertically); the group it lines up with decides, before either axis looks at it.
//!
//! Contract: for one axis of a frame, the indices of the labels that are its tick labels, in
//! order along the axis, one per position: below the frame for x, left of it for y (right of it
//! for a secondary y axis, or when the left has fewer than two), in the aligned row or column
//! nearest the frame.

use kurbo::Rect;

use super::calibrate::AxisCtx;
use super::{AxesOptions, Dir, Label, along};

/// Whether `l` is one of a column of labels right-aligned beside the frame's left side (a left
/// y axis): at least [`AxesOptions::min_group_others`] other labels share its right edge, all of them ending at or
/// left of the frame's left edge.
pub(super) fn in_y_column(l: &Label, labels: &[Label], r: Rect, opts: &AxesOptions) -> bool {
    let beside = |m: &Label| m.bbox.x1 <= r.x0 + opts.label_overlap_em * m.font_size && m.bbox.y0 < r.y1;
    beside(l)
        && labels
            .iter()
            .filter(|m| {
                !std::ptr::eq(*m, l) && beside(m) && (m.bbox.x1 - l.bbox.x1).abs() <= opts.align_em * l.font_size
            })
            .count()
            >= opts.min_group_others
}

/// Whether `l` is one of a row of labels top-aligned below the frame (an x axis): at least
/// [`AxesOptions::min_group_others`] other labels share its top, all of them starting at or below the frame's
/// bottom edge and over its width.
pub(super) fn in_x_row(l: &Label, labels: &[Label], r: Rect, opts: &AxesOptions) -> bool {
    let below =
        |m: &Label| m.bbox.y0 >= r.y1 - opts.label_overlap_em * m.font_size && m.bbox.x1 > r.x0 && m.bbox.x0 < r.x1;
    below(l)
        && labels
            .iter()
            .filter(|m| {
                !std::ptr::eq(*m, l) && below(m) && (m.bbox.y0 - l.bbox.y0).abs() <= opts.align_em * l.font_size
            })
            .count()
            >= opts.min_group_others
}

/// The tick labels of one axis of the frame (see the module's contract).
pub(super) fn axis_labels(ctx: &AxisCtx) -> Vec<usize> {
    let AxisCtx { dir, labels, opts, .. } = *ctx;
    let mut idx = match dir {
        Dir::X => below(ctx),
        Dir::Y => {
            let left = left_of(ctx);
            if left.len() >= 2 && !ctx.right_side { left } else { right_of(ctx) }
        }
    };
    // One label per position: overlapping duplicates (e.g. two axes sharing labels) are dropped.
    idx.sort_by(|&a, &b| along(dir, &labels[a]).total_cmp(&along(dir, &labels[b])));
    idx.dedup_by(|a, b| {
        (along(dir, &labels[*a]) - along(dir, &labels[*b])).abs() < opts.duplicate_label_em * labels[*a].font_size
    });
    idx
}

/// Indices of the labels that pass `side_ok`.
fn pick(labels: &[Label], side_ok: impl Fn(&Label) -> bool) -> Vec<usize> {
    labels.iter().enumerate().filter(|(_, l)| side_ok(l)).map(|(i, _)| i).collect()
}

/// Tick labels of one axis line up (x labels share a top, left-axis labels a right edge,
/// right-axis labels a left edge): keep the aligned column nearest the frame, so another axis's
/// labels further out (a colour bar's, a neighbour's) are not mixed in.
fn nearest_column(ctx: &AxisCtx, cands: Vec<usize>, key: impl Fn(&Label) -> f64, outward: f64) -> Vec<usize> {
    let labels = ctx.labels;
    let Some(best) = cands.iter().map(|&i| key(&labels[i]) * outward).min_by(f64::total_cmp) else {
        return cands;
    };
    cands
        .into_iter()
        .filter(|&i| (key(&labels[i]) * outward - best).abs() <= ctx.opts.align_em * labels[i].font_size)
        .collect()
}

/// x labels: below the frame, and not wholly beside it (a turned y label at the corner).
fn below(ctx: &AxisCtx) -> Vec<usize> {
    let AxisCtx { r, labels, opts, .. } = *ctx;
    let over = opts.label_overhang_frac * r.width();
    let below = pick(labels, |l| {
        let inside = opts.label_overlap_em * l.font_size;
        !in_y_column(l, labels, r, opts)
            && l.cx >= r.x0 - over
            && l.cx <= r.x1 + over
            && l.bbox.x1 > r.x0 - inside
            && l.bbox.x0 < r.x1 + inside
            && l.bbox.y0 >= r.y1 - inside
            && l.bbox.y0 <= r.y1 + opts.x_label_band_em * l.font_size
    });
    nearest_column(ctx, below, |l| l.bbox.y0, 1.0)
}

/// Beside the frame along y: its box starts above the frame's bottom and ends below its top (a
/// turned x label at the corner lies wholly below it).
fn within_y(r: Rect, l: &Label, opts: &AxesOptions) -> bool {
    let over = opts.label_overhang_frac * r.height();
    l.cy >= r.y0 - over && l.cy <= r.y1 + over && l.bbox.y0 < r.y1 && l.bbox.y1 > r.y0
}

/// Left y labels: right-aligned beside the frame's left side, not one of the x axis's row.
fn left_of(ctx: &AxisCtx) -> Vec<usize> {
    let AxisCtx { r, labels, opts, .. } = *ctx;
    let left = pick(labels, |l| {
        within_y(r, l, opts)
            && !in_x_row(l, labels, r, opts)
            && l.bbox.x1 <= r.x0 + opts.label_overlap_em * l.font_size
            && l.bbox.x1 >= r.x0 - opts.y_label_band_em * l.font_size
    });
    nearest_column(ctx, left, |l| l.bbox.x1, -1.0)
}

/// Right y labels: left-aligned beside the frame's right side. Those with another frame between
/// them and this one (a colour bar's, beside a panel whose own labels are hidden by a shared
/// axis) belong to that frame. On the left such labels are kept and must then sit exactly on this
/// panel's anchors (see [`super::anchors::blocked`]).
fn right_of(ctx: &AxisCtx) -> Vec<usize> {
    let AxisCtx { r, others, labels, opts, .. } = *ctx;
    let beyond_right = |l: &Label| {
        let f = opts.label_overlap_em * l.font_size;
        others
            .iter()
            .any(|o| *o != r && o.x0 >= r.x1 - f && o.x1 <= l.bbox.x0 + f && o.y0 < l.bbox.y1 && l.bbox.y0 < o.y1)
    };
    let right = pick(labels, |l| {
        within_y(r, l, opts)
            && l.bbox.x0 >= r.x1 - opts.label_overlap_em * l.font_size
            && l.bbox.x0 <= r.x1 + opts.y_label_band_em * l.font_size
            && !beyond_right(l)
    });
    nearest_column(ctx, right, |l| l.bbox.x0, 1.0)
}
