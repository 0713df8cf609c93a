//! Legend items drawn as strokes are not series: a legend's frame (a closed outline around an
//! entry's swatch, drawn apart from its fill as matplotlib does), a key's line swatch (a short
//! horizontal stroke through or beside an entry's marker swatch, matplotlib's `o-` key), and
//! anything wholly inside an entry's box; a closed outline round text (a text box's frame). Entries come from the marks stage; positions compare
//! within [`LinesOptions::edge_frac`] of the panel, so the rule scales with the figure.

use kurbo::{Point, Rect};

use super::LinesOptions;
use super::pieces::{RawVertex, closed};
use crate::axes::Caption;
use crate::marks::LegendEntry;

pub fn is_legend(
    pieces: &[Vec<RawVertex>],
    frame: Rect,
    legend: &[LegendEntry],
    texts: &[Caption],
    opts: &LinesOptions,
) -> bool {
    let (tx, ty) = (opts.edge_frac * frame.width(), opts.edge_frac * frame.height());
    let all = || pieces.iter().flatten().map(|v| v.at);
    // A closed outline round text: a legend's or a text box's frame (matplotlib strokes it
    // apart from its fill).
    if closed(pieces) && texts.iter().any(|t| encloses(pieces, t.bbox.center())) {
        return true;
    }
    legend.iter().any(|e| {
        let bbox = e.bbox.inflate(tx, ty);
        all().all(|p| bbox.contains(p)) || (closed(pieces) && encloses(pieces, e.at)) || swatch_line(pieces, e.at, ty)
    })
}

/// A closed piece whose outline goes round the point.
fn encloses(pieces: &[Vec<RawVertex>], p: Point) -> bool {
    pieces.iter().any(|piece| {
        let b = piece.iter().fold(Rect::from_points(piece[0].at, piece[0].at), |r, v| r.union_pt(v.at));
        piece.len() >= 3 && piece.first().map(|v| v.at) == piece.last().map(|v| v.at) && b.contains(p)
    })
}

/// One straight horizontal piece at the swatch's height that reaches it within its own length.
fn swatch_line(pieces: &[Vec<RawVertex>], at: Point, ty: f64) -> bool {
    let [piece] = pieces else { return false };
    let (x0, x1) = piece.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v.at.x), b.max(v.at.x)));
    let level = piece.iter().all(|v| (v.at.y - at.y).abs() <= ty);
    let len = x1 - x0;
    level && len > 0.0 && at.x >= x0 - len && at.x <= x1 + len
}

/// A two-vertex horizontal piece whose middle is a legend line sample's place: the key sample
/// that gnuplot draws as the first piece of its line's own path.
pub fn is_sample_piece(piece: &[RawVertex], legend: &[LegendEntry]) -> bool {
    let [a, b] = piece else { return false };
    let mid = a.at.midpoint(b.at);
    a.at.y == b.at.y && legend.iter().any(|e| matches!(e.swatch, crate::marks::Swatch::Line { .. }) && e.at == mid)
}
