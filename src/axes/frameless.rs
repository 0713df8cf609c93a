//! A frame for a plot drawn without one.
//!
//! Observable Plot and d3 draw no frame by default: the x axis is a row of tick marks hanging
//! from one line (the bottom of the plot area) with numeric labels below them, the y axis a column
//! of tick marks reaching left from one line with labels left of them. Those two lines are the
//! plot area's bottom and left edges; its other edges are unknown, so the area reaches to the
//! figure's top and right edges (the fallback is used only when no frame read an axis, so this
//! cannot swallow a neighbouring panel).
//!
//! Facets drawn so repeat an axis: in columns (Plot's `fx`) the x axis under each facet, in rows
//! (`fy`) the y axis beside each. The row (or column) of ticks splits into one plot area per
//! facet where its labels start again, when the parts are copies of one axis; otherwise it stays
//! one area, whose repeated labels its calibration refuses.

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
    // y ticks: short horizontal segments with a label left of them on the tick.
    let y_labelled = |s: &Seg, l: &Label| {
        (l.cy - s.at).abs() <= opts.match_em * l.font_size
            && l.bbox.x1 <= s.hi
            && l.bbox.x1 >= s.lo - reach * l.font_size
    };
    let (x_len, y_len) = (opts.tick_len_frac * view.height(), opts.tick_len_frac * view.width());
    let Some(x_line) = tick_line(segs, labels, tol, true, x_len, x_labelled) else { return Vec::new() };
    let Some(y_line) = tick_line(segs, labels, tol, false, y_len, y_labelled) else { return Vec::new() };
    // Marks on the axis lines are in the plot: Plot and d3 offset marks by half a pixel for crisp
    // strokes, so the area reaches one tick stroke width past each line.
    let w = segs.iter().map(|s| s.width()).fold(0.0, f64::max);
    let r = Rect::new(y_line - w, view.y0, view.x1, x_line + w);
    if !(r.width() > 0.0 && r.height() > 0.0) {
        return Vec::new();
    }
    let x_ticks = labelled_ticks(segs, labels, (true, x_line), tol, x_len, x_labelled);
    if let Some(cols) = facets(&x_ticks, tol) {
        return facet_columns(r, &cols).unwrap_or_else(|| vec![r]);
    }
    let y_ticks = labelled_ticks(segs, labels, (false, y_line), tol, y_len, y_labelled);
    if let Some(rows) = facets(&y_ticks, tol) {
        return facet_rows(r, &rows).unwrap_or_else(|| vec![r]);
    }
    vec![r]
}

/// The ticks of one direction (`vertical` for x) ending on `line` (x ticks hang from it, y ticks
/// reach left from it), in order along the axis, each with its label's value.
fn labelled_ticks(
    segs: &[Seg],
    labels: &[Label],
    (vertical, line): (bool, f64),
    tol: f64,
    max_len: f64,
    labelled: impl Fn(&Seg, &Label) -> bool,
) -> Vec<(f64, f64)> {
    let along = |l: &Label| if vertical { l.cx } else { l.cy };
    let mut ticks: Vec<(f64, f64)> = segs
        .iter()
        .filter(|s| s.vertical == vertical && s.hi - s.lo > 0.0 && s.hi - s.lo < max_len)
        .filter(|s| ((if vertical { s.lo } else { s.hi }) - line).abs() <= tol)
        .filter_map(|s| {
            let l = labels
                .iter()
                .filter(|l| labelled(s, l))
                .min_by(|a, b| (along(a) - s.at).abs().total_cmp(&(along(b) - s.at).abs()))?;
            Some((s.at, l.value))
        })
        .collect();
    ticks.sort_by(|a, b| a.0.total_cmp(&b.0));
    ticks.dedup_by(|a, b| (a.0 - b.0).abs() <= tol);
    ticks
}

/// Facets sharing one scale repeat its axis: a label value repeats where a facet begins, and each
/// facet's ticks are the first facet's moved by one offset. The ticks split so, when there are
/// two or more such copies of an axis of two or more ticks; else `None`.
fn facets(ticks: &[(f64, f64)], tol: f64) -> Option<Vec<Vec<(f64, f64)>>> {
    let mut facets: Vec<Vec<(f64, f64)>> = Vec::new();
    for &(at, v) in ticks {
        match facets.last_mut() {
            Some(f) if !f.iter().any(|t| t.1 == v) => f.push((at, v)),
            _ => facets.push(vec![(at, v)]),
        }
    }
    let first = facets.first()?;
    let copies = facets.iter().all(|f| {
        f.len() == first.len()
            && f.iter().zip(first).all(|(t, u)| t.1 == u.1 && ((t.0 - f[0].0) - (u.0 - first[0].0)).abs() <= tol)
    });
    (facets.len() >= 2 && first.len() >= 2 && copies).then_some(facets)
}

/// Facets in columns (Observable Plot's `fx`, without a frame), each with its own x axis: only
/// the first carries the y axis, so the others are the first's plot area `r` moved by their
/// offset, each ending halfway between its last tick and the next facet's first (the gap between
/// facets is no facet's), the last at `r`'s right. `None` when a facet would not hold its ticks.
fn facet_columns(r: Rect, facets: &[Vec<(f64, f64)>]) -> Option<Vec<Rect>> {
    let first = facets[0][0].0;
    let left = |k: usize| r.x0 + (facets[k][0].0 - first);
    let mut out = Vec::new();
    for (k, f) in facets.iter().enumerate() {
        let last = f[f.len() - 1].0;
        let right = match facets.get(k + 1) {
            Some(next) => ((last + next[0].0) / 2.0).min(left(k + 1)),
            None => r.x1,
        };
        let rect = Rect::new(left(k), r.y0, right, r.y1);
        (rect.x0 <= f[0].0 && last < rect.x1).then_some(())?;
        out.push(rect);
    }
    Some(out)
}

/// Facets in rows (Plot's `fy`), each with its own y axis: only the bottom one carries the x
/// axis, so the others are its plot area `r` moved up by their offset, each starting halfway
/// between the previous facet's lowest tick and its own highest (the top one at `r`'s top).
/// `None` when a facet would not hold its ticks.
fn facet_rows(r: Rect, facets: &[Vec<(f64, f64)>]) -> Option<Vec<Rect>> {
    let base = facets[facets.len() - 1][0].0;
    let bottom = |k: usize| r.y1 + (facets[k][0].0 - base);
    let mut out = Vec::new();
    for (k, f) in facets.iter().enumerate() {
        let last = f[f.len() - 1].0;
        let top = match k.checked_sub(1).map(|p| &facets[p]) {
            Some(prev) => ((prev[prev.len() - 1].0 + f[0].0) / 2.0).max(bottom(k - 1)),
            None => r.y0,
        };
        let rect = Rect::new(r.x0, top, r.x1, bottom(k));
        (rect.y0 < f[0].0 && last <= rect.y1).then_some(())?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tick_row_splits_into_facets_only_where_one_axis_repeats() {
        // Two copies of the axis 0, 5, 10, 190 units apart.
        let row = [(50.0, 0.0), (135.0, 5.0), (220.0, 10.0), (240.0, 0.0), (325.0, 5.0), (410.0, 10.0)];
        let cols = facets(&row, 1e-3).expect("two facets");
        assert_eq!(cols.len(), 2);
        let r = Rect::new(49.0, 0.0, 640.0, 261.0);
        let rects = facet_columns(r, &cols).expect("columns");
        assert_eq!(rects, vec![Rect::new(49.0, 0.0, 230.0, 261.0), Rect::new(239.0, 0.0, 640.0, 261.0)]);
        // One axis, or parts that are not copies (another scale, another spacing), stay whole.
        assert!(facets(&row[..3], 1e-3).is_none());
        let mut other = row;
        other[4].1 = 10.0;
        other[5].1 = 20.0;
        assert!(facets(&other, 1e-3).is_none());
        let mut spaced = row;
        spaced[4].0 += 3.0;
        assert!(facets(&spaced, 1e-3).is_none());
    }
}
