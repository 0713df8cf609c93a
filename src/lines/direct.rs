//! Direct labels: a series named by the text written just past its last vertex (ggplot2 with
//! `geom_text` at each line's end, gghighlight, Observable Plot's `text` at `selectLast`,
//! matplotlib's `ax.text` or `annotate` beside the end) instead of a legend.
//!
//! Convention read: such a label starts right after the end vertex (left-aligned, a small gap)
//! and is centred on it vertically. A label names a line only when it is the one text in that
//! place and the line's end is the nearest line end to it (mutual), so two lines ending together
//! are not named by a guess; lines a legend already named keep their names.

use kurbo::Point;

use crate::axes::{Caption, parse_number};

use super::{LinesOptions, Series, SeriesKind};

/// The end vertex of a line: the last vertex of its last piece.
fn end(s: &Series) -> Option<Point> {
    s.pieces.last().and_then(|p| p.last()).map(|v| v.at)
}

/// Whether caption `c` sits just past `e`: its left edge within
/// [`LinesOptions::direct_label_em`] font sizes after the vertex, its middle on the vertex's
/// height within half a font size.
fn beside(c: &Caption, e: Point, opts: &LinesOptions) -> bool {
    let em = c.font_size;
    c.horizontal
        && c.bbox.x0 >= e.x - 0.2 * em
        && c.bbox.x0 <= e.x + opts.direct_label_em * em
        && (c.bbox.center().y - e.y).abs() <= 0.5 * em
}

/// Name unnamed lines by the text just past their ends (see the module's doc).
pub fn name_by_end_labels(series: &mut [Series], texts: &[Caption], opts: &LinesOptions) {
    let ends: Vec<Option<(usize, Point)>> =
        series.iter().map(|s| end(s).filter(|_| s.kind == SeriesKind::Line).map(|e| (s.panel, e))).collect();
    let labels: Vec<&Caption> =
        texts.iter().filter(|c| !c.text.trim().is_empty() && parse_number(&c.text).is_none()).collect();
    let mut names: Vec<Option<String>> = vec![None; series.len()];
    for (k, s) in series.iter().enumerate() {
        let Some((_, e)) = ends[k] else { continue };
        if s.name.is_some() {
            continue;
        }
        let near: Vec<&&Caption> = labels.iter().filter(|c| beside(c, e, opts)).collect();
        let [c] = near.as_slice() else { continue };
        let anchor = Point::new(c.bbox.x0, c.bbox.center().y);
        // Mutual: no other line's end is as near to this label.
        let mine = (anchor - e).hypot();
        let closer = ends
            .iter()
            .enumerate()
            .any(|(j, o)| j != k && o.is_some_and(|(_, oe)| beside(c, oe, opts) && (anchor - oe).hypot() <= mine));
        if !closer {
            names[k] = Some(c.text.trim().to_string());
        }
    }
    for (s, n) in series.iter_mut().zip(names) {
        if n.is_some() {
            s.name = n;
        }
    }
}
