//! Label groups: which axis a label at a frame's corner belongs to.
//!
//! Tick labels of one axis line up: a left y axis's labels share their right edge (a column
//! beside the frame), an x axis's labels share their top (a row below it). A label at the corner
//! can look like either axis's (the lowest y label sits as low as the x labels when a figure is
//! squashed vertically); the group it lines up with decides, before either axis looks at it.

use kurbo::Rect;

use super::Label;

/// How far, in font sizes, aligned edges of one group may differ (labels of one axis are aligned
/// exactly by their producer; this covers rounding). Default: 0.35.
const ALIGN_EM: f64 = 0.35;
/// Fewest other labels aligned with a label for a group to exist. Default: 2.
const MIN_OTHERS: usize = 2;

/// Whether `l` is one of a column of labels right-aligned beside the frame's left side (a left
/// y axis): at least [`MIN_OTHERS`] other labels share its right edge, all of them ending at or
/// left of the frame's left edge.
pub(super) fn in_y_column(l: &Label, labels: &[Label], r: Rect) -> bool {
    let beside = |m: &Label| m.bbox.x1 <= r.x0 + 0.3 * m.font_size && m.bbox.y0 < r.y1;
    beside(l)
        && labels
            .iter()
            .filter(|m| !std::ptr::eq(*m, l) && beside(m) && (m.bbox.x1 - l.bbox.x1).abs() <= ALIGN_EM * l.font_size)
            .count()
            >= MIN_OTHERS
}

/// Whether `l` is one of a row of labels top-aligned below the frame (an x axis): at least
/// [`MIN_OTHERS`] other labels share its top, all of them starting at or below the frame's
/// bottom edge and over its width.
pub(super) fn in_x_row(l: &Label, labels: &[Label], r: Rect) -> bool {
    let below = |m: &Label| m.bbox.y0 >= r.y1 - 0.3 * m.font_size && m.bbox.x1 > r.x0 && m.bbox.x0 < r.x1;
    below(l)
        && labels
            .iter()
            .filter(|m| !std::ptr::eq(*m, l) && below(m) && (m.bbox.y0 - l.bbox.y0).abs() <= ALIGN_EM * l.font_size)
            .count()
            >= MIN_OTHERS
}
