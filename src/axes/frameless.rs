//! A frame for a plot drawn without one.
//!
//! Observable Plot and d3 draw no frame by default: the x axis is a row of tick marks hanging
//! from one line (the bottom of the plot area) with numeric labels below them, the y axis a column
//! of tick marks reaching left from one line with labels left of them. Those two lines are the
//! plot area's bottom and left edges; its other edges are unknown, so the area reaches to the
//! figure's top and right edges (the fallback is used only when no frame read an axis, so this
//! cannot swallow a neighbouring panel).
//!
//! Facets in columns drawn so (Plot's `fx` facets) repeat the x axis under each facet: the row
//! splits into one plot area per facet where its labels start again, when the parts are copies of
//! one axis; otherwise the row stays one area, whose repeated labels its calibration refuses.

use kurbo::Rect;

use super::{AxesOptions, Label, Seg};

/// The plot areas implied by a row of x tick marks with labels below them and a column of y tick
/// marks with labels left of them: one, or one per facet column (see [`facet_columns`]); none
/// when the figure lacks either.
pub(super) fn frames_from_ticks(segs: &[Seg], labels: &[Label], view: Rect, opts: &AxesOptions) -> Vec<Rect> {
    let tol = opts.same_rect_rel * view.width().hypot(view.height());
    let reach = opts.frameless_label_em;
    // x ticks: short vertical segments with a label below whose centre is on the tick.
    let x_labelled = |s: &Seg, l: &Label| {
        (l.cx - s.at).abs() <= opts.match_em * l.font_size
            && l.bbox.y0 >= s.lo
            && l.bbox.y0 <= s.hi + reach * l.font_size
    };
    let x_len = opts.tick_len_frac * view.height();
    let Some(x_line) = tick_line(segs, labels, tol, true, x_len, x_labelled) else { return Vec::new() };
    // y ticks: short horizontal segments with a label left of them on the tick.
    let y_line = tick_line(segs, labels, tol, false, opts.tick_len_frac * view.width(), |s, l| {
        (l.cy - s.at).abs() <= opts.match_em * l.font_size
            && l.bbox.x1 <= s.hi
            && l.bbox.x1 >= s.lo - reach * l.font_size
    });
    let Some(y_line) = y_line else { return Vec::new() };
    // Marks on the axis lines are in the plot: Plot and d3 offset marks by half a pixel for crisp
    // strokes, so the area reaches one tick stroke width past each line.
    let w = segs.iter().map(|s| s.width()).fold(0.0, f64::max);
    let r = Rect::new(y_line - w, view.y0, view.x1, x_line + w);
    if !(r.width() > 0.0 && r.height() > 0.0) {
        return Vec::new();
    }
    let ticks = labelled_ticks(segs, labels, x_line, tol, x_len, x_labelled);
    facet_columns(r, &ticks, tol).unwrap_or_else(|| vec![r])
}

/// The x ticks hanging from `x_line`, left to right, each with its label's value.
fn labelled_ticks(
    segs: &[Seg],
    labels: &[Label],
    x_line: f64,
    tol: f64,
    max_len: f64,
    labelled: impl Fn(&Seg, &Label) -> bool,
) -> Vec<(f64, f64)> {
    let mut ticks: Vec<(f64, f64)> = segs
        .iter()
        .filter(|s| s.vertical && s.hi - s.lo > 0.0 && s.hi - s.lo < max_len && (s.lo - x_line).abs() <= tol)
        .filter_map(|s| {
            let l = labels
                .iter()
                .filter(|l| labelled(s, l))
                .min_by(|a, b| (a.cx - s.at).abs().total_cmp(&(b.cx - s.at).abs()))?;
            Some((s.at, l.value))
        })
        .collect();
    ticks.sort_by(|a, b| a.0.total_cmp(&b.0));
    ticks.dedup_by(|a, b| (a.0 - b.0).abs() <= tol);
    ticks
}

/// Facets in columns sharing one x scale (Observable Plot's `fx`, without a frame): the row of x
/// ticks is one axis drawn again under each facet, so a label value repeats where a facet begins,
/// and each facet's ticks are the first facet's moved by one offset. Only the first facet carries
/// the y axis; the others are the first's plot area moved by their offset, each ending halfway
/// between its last tick and the next facet's first (the gap between facets is no facet's), the
/// last at `r`'s right. `None` when the row is one axis, or its parts are not copies of one axis.
fn facet_columns(r: Rect, ticks: &[(f64, f64)], tol: f64) -> Option<Vec<Rect>> {
    let mut facets: Vec<Vec<(f64, f64)>> = Vec::new();
    for &(at, v) in ticks {
        match facets.last_mut() {
            Some(f) if !f.iter().any(|t| t.1 == v) => f.push((at, v)),
            _ => facets.push(vec![(at, v)]),
        }
    }
    if facets.len() < 2 {
        return None;
    }
    let first = &facets[0];
    let copies = facets.iter().all(|f| {
        f.len() == first.len()
            && f.iter().zip(first).all(|(t, u)| t.1 == u.1 && ((t.0 - f[0].0) - (u.0 - first[0].0)).abs() <= tol)
    });
    if !copies || first.len() < 2 {
        return None;
    }
    let left = |k: usize| r.x0 + (facets[k][0].0 - first[0].0);
    let mut out = Vec::new();
    for k in 0..facets.len() {
        let right = match facets.get(k + 1) {
            Some(next) => ((facets[k][facets[k].len() - 1].0 + next[0].0) / 2.0).min(left(k + 1)),
            None => r.x1,
        };
        let rect = Rect::new(left(k), r.y0, right, r.y1);
        // Each facet must hold its own ticks, and only those.
        if !(rect.x0 <= facets[k][0].0 && facets[k][facets[k].len() - 1].0 < rect.x1) {
            return None;
        }
        out.push(rect);
    }
    Some(out)
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
