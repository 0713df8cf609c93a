//! A frame for a plot drawn without one.
//!
//! Observable Plot and d3 draw no frame by default: the x axis is a row of tick marks hanging
//! from one line (the bottom of the plot area) with numeric labels below them, the y axis a column
//! of tick marks reaching left from one line with labels left of them. Those two lines are the
//! plot area's bottom and left edges; its other edges are unknown, so the area reaches to the
//! figure's top and right edges (the fallback is used only when no frame read an axis, so this
//! cannot swallow a neighbouring panel).

use kurbo::Rect;

use super::{AxesOptions, Label, Seg};

/// The plot area implied by a row of x tick marks with labels below them and a column of y tick
/// marks with labels left of them, or `None` when the figure lacks either.
pub(super) fn frame_from_ticks(segs: &[Seg], labels: &[Label], view: Rect, opts: &AxesOptions) -> Option<Rect> {
    let tol = opts.same_rect_rel * view.width().hypot(view.height());
    // x ticks: short vertical segments with a label below whose centre is on the tick.
    let reach = opts.frameless_label_em;
    let x_line = tick_line(segs, labels, tol, true, opts.tick_len_frac * view.height(), |s, l| {
        (l.cx - s.at).abs() <= opts.match_em * l.font_size
            && l.bbox.y0 >= s.lo
            && l.bbox.y0 <= s.hi + reach * l.font_size
    })?;
    // y ticks: short horizontal segments with a label left of them on the tick.
    let y_line = tick_line(segs, labels, tol, false, opts.tick_len_frac * view.width(), |s, l| {
        (l.cy - s.at).abs() <= opts.match_em * l.font_size
            && l.bbox.x1 <= s.hi
            && l.bbox.x1 >= s.lo - reach * l.font_size
    })?;
    // Marks on the axis lines are in the plot: Plot and d3 offset marks by half a pixel for crisp
    // strokes, so the area reaches one tick stroke width past each line.
    let w = segs.iter().map(|s| s.width()).fold(0.0, f64::max);
    let r = Rect::new(y_line - w, view.y0, view.x1, x_line + w);
    (r.width() > 0.0 && r.height() > 0.0).then_some(r)
}

/// The line most labelled ticks of one direction hang from: for vertical ticks their top ends
/// (the data lie above), for horizontal ones their right ends (the data lie right of them).
/// Tick marks are shorter than `max_len` (the rule of frame ticks, against the figure) and carry
/// a label.
fn tick_line(
    segs: &[Seg],
    labels: &[Label],
    tol: f64,
    vertical: bool,
    max_len: f64,
    labelled: impl Fn(&Seg, &Label) -> bool,
) -> Option<f64> {
    let ends: Vec<f64> = segs
        .iter()
        .filter(|s| s.vertical == vertical && s.hi - s.lo > 0.0 && s.hi - s.lo < max_len)
        .filter(|s| labels.iter().any(|l| labelled(s, l)))
        .map(|s| if vertical { s.lo } else { s.hi })
        .collect();
    let mut best: Option<(usize, f64)> = None;
    for &e in &ends {
        let n = ends.iter().filter(|&&f| (f - e).abs() <= tol).count();
        if n >= 2 && best.is_none_or(|b| n > b.0) {
            best = Some((n, e));
        }
    }
    best.map(|b| b.1)
}
