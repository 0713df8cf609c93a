//! Annotations drawn as strokes are not series: an arrowhead (matplotlib's `->` and `-|>`
//! styles draw it as a "V" of two equal arms meeting at the tip), the shaft that ends at that tip,
//! and a leader line (one straight segment) that starts at a text inside the panel (`annotate`'s
//! line from its label to the point). A line with many vertices ending at a text is a directly
//! labelled series (ggplot2's and Plot's direct labels), so only single segments are leaders.
//! Sizes compare with the panel's (arms at most [`LinesOptions::head_frac`] of its diagonal) and
//! with the text's font size ([`LinesOptions::leader_em`]).

use kurbo::{Point, Rect};

use super::LinesOptions;
use super::pieces::RawVertex;
use crate::axes::Caption;

/// The tip of a piece that is an arrowhead: three vertices, two straight arms of equal length
/// (within 1 %) meeting at the middle vertex at an acute angle, short against the panel.
pub fn arrow_tip(piece: &[RawVertex], frame: Rect, opts: &LinesOptions) -> Option<Point> {
    let [a, tip, b] = piece else { return None };
    if tip.curved || b.curved {
        return None;
    }
    let (u, v) = (a.at - tip.at, b.at - tip.at);
    let (lu, lv) = (u.hypot(), v.hypot());
    let diag = frame.width().hypot(frame.height());
    let equal = (lu - lv).abs() <= 0.01 * lu.max(lv);
    let short = lu > 0.0 && lu <= opts.head_frac * diag;
    let acute = u.dot(v) > 0.0;
    (equal && short && acute).then_some(tip.at)
}

/// Whether a path is an annotation: every piece an arrowhead, a shaft ending at one of the
/// path's arrow tips (or at `tips` of other paths), or a leader from a text.
pub fn is_annotation(
    pieces: &[Vec<RawVertex>],
    frame: Rect,
    tips: &[Point],
    texts: &[Caption],
    opts: &LinesOptions,
) -> bool {
    let diag = frame.width().hypot(frame.height());
    let near_tip = |p: Point| tips.iter().any(|t| (*t - p).hypot() <= opts.edge_frac * diag);
    let leader = |piece: &[RawVertex]| {
        let [a, b] = piece else { return false };
        texts.iter().any(|t| {
            let r = t.bbox.inflate(opts.leader_em * t.font_size, opts.leader_em * t.font_size);
            frame.contains(t.bbox.center()) && (r.contains(a.at) || r.contains(b.at))
        })
    };
    !pieces.is_empty()
        && pieces.iter().all(|p| {
            arrow_tip(p, frame, opts).is_some()
                || p.first().is_some_and(|v| near_tip(v.at))
                || p.last().is_some_and(|v| near_tip(v.at))
                || leader(p)
        })
}
