//! Titles: the captions that name a panel and its axes.
//!
//! Contract: the nearest caption just outside one side of a rectangle, centred on it (within a
//! quarter of its length) and within six font sizes: a panel's title above it, the x axis's below,
//! the y axis's left (or right) of it. Unreadable text (glyph outlines) names nothing.

use kurbo::Rect;

use super::{AxesOptions, Caption};

#[derive(Clone, Copy)]
pub(super) enum Side {
    Top,
    Bottom,
    Left,
    Right,
}

/// The nearest caption just outside a side of a rectangle (axis titles, panel titles).
pub(super) fn caption_near(caps: &[Caption], r: Rect, side: Side, opts: &AxesOptions) -> Option<String> {
    let mut best: Option<(f64, &Caption)> = None;
    // Unreadable text (glyph outlines) names nothing.
    for c in caps.iter().filter(|c| !c.text.is_empty()) {
        let b = c.bbox;
        let centred_x = (b.center().x - r.center().x).abs() < opts.title_centre_frac * r.width();
        let centred_y = (b.center().y - r.center().y).abs() < opts.title_centre_frac * r.height();
        let overlap = opts.title_overlap_em * c.font_size;
        let d = match side {
            Side::Top if c.horizontal && centred_x && b.y1 <= r.y0 + overlap => r.y0 - b.y1,
            Side::Bottom if c.horizontal && centred_x && b.y0 >= r.y1 - overlap => b.y0 - r.y1,
            Side::Left if !c.horizontal && centred_y && b.x1 <= r.x0 => r.x0 - b.x1,
            Side::Right if !c.horizontal && centred_y && b.x0 >= r.x1 => b.x0 - r.x1,
            _ => continue,
        };
        if d > opts.title_band_em * c.font_size {
            continue;
        }
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.text.clone())
}
