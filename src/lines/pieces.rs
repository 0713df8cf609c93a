//! A drawn path as pieces of vertices: what the producer drew, without simplification.
//!
//! Contract: every `MoveTo` starts a new piece; the on-curve end point of each `LineTo`,
//! `QuadTo` and `CurveTo` is a vertex, flagged `curved` when the segment reaching it was a Bezier;
//! `ClosePath` adds the piece's first vertex again only when it is not already the last one (so a
//! closed outline keeps its closing edge). Coordinates are root user units, as the scene gives them.

use kurbo::{BezPath, PathEl, Point};

/// One vertex of a drawn piece.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawVertex {
    pub at: Point,
    /// Reached by a Bezier segment (its control points are not data).
    pub curved: bool,
}

/// The pieces of a path, each a list of vertices in drawing order.
pub fn pieces(path: &BezPath) -> Vec<Vec<RawVertex>> {
    let mut out: Vec<Vec<RawVertex>> = Vec::new();
    for el in path.elements() {
        match *el {
            PathEl::MoveTo(p) => out.push(vec![RawVertex { at: p, curved: false }]),
            PathEl::LineTo(p) => push(&mut out, p, false),
            PathEl::QuadTo(_, p) | PathEl::CurveTo(_, _, p) => push(&mut out, p, true),
            PathEl::ClosePath => {
                if let Some(piece) = out.last_mut()
                    && let (Some(first), Some(last)) = (piece.first().copied(), piece.last().copied())
                    && first.at != last.at
                {
                    piece.push(RawVertex { at: first.at, curved: false });
                }
            }
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

fn push(out: &mut Vec<Vec<RawVertex>>, p: Point, curved: bool) {
    match out.last_mut() {
        Some(piece) => piece.push(RawVertex { at: p, curved }),
        // A path may not start without a move; SVG treats it as starting at the point.
        None => out.push(vec![RawVertex { at: p, curved }]),
    }
}

/// Whether any piece is closed (its last vertex is its first, with edges between).
pub fn closed(pieces: &[Vec<RawVertex>]) -> bool {
    pieces.iter().any(|p| p.len() >= 3 && p.first().map(|v| v.at) == p.last().map(|v| v.at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_start_pieces_and_curves_are_flagged() {
        let p = BezPath::from_svg("M0,0L1,1L2,0M5,5C6,6 7,6 8,5Z").unwrap();
        let v = pieces(&p);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].len(), 3);
        assert_eq!(v[1].iter().map(|x| x.curved).collect::<Vec<_>>(), vec![false, true, false]);
        assert_eq!(v[1][2].at, Point::new(5.0, 5.0));
        assert!(closed(&v));
    }
}
