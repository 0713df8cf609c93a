//! Several curves of one style in one path. A producer may stroke every polyline of a style at
//! once (PyMuPDF's `Shape` draws its polylines and strokes them with one `finish`), so one path
//! holds several curves, which may cross. A path's pieces are one line broken where data are
//! missing when each lies beside the others along x; a piece whose x-extent overlaps a piece
//! already in a line is another curve. A piece that could continue more than one curve is kept
//! as its own line and counted as ambiguous, never joined by guess.

use super::Vertex;

/// The curves of one path: each a list of pieces in drawing order.
pub struct Curves {
    pub curves: Vec<Vec<Vec<Vertex>>>,
    /// Pieces that could continue more than one curve (each kept as its own line).
    pub ambiguous: usize,
}

/// Split a path's pieces into curves. Pieces that overlap along x by at most `tol` (root units)
/// lie beside each other (a line broken and resumed at one x).
pub fn split(pieces: Vec<Vec<Vertex>>, tol: f64) -> Curves {
    let mut curves: Vec<Vec<Vec<Vertex>>> = Vec::new();
    // The x-extent of every piece of each curve (a broken line's gaps are not its extent).
    let mut extents: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut ambiguous = 0;
    for piece in pieces {
        let e = extent(&piece);
        let beside = |c: &Vec<(f64, f64)>| c.iter().all(|f| e.1.min(f.1) - e.0.max(f.0) <= tol);
        let open: Vec<usize> = (0..curves.len()).filter(|&k| beside(&extents[k])).collect();
        match open.as_slice() {
            [k] => {
                curves[*k].push(piece);
                extents[*k].push(e);
            }
            many => {
                ambiguous += usize::from(many.len() > 1);
                curves.push(vec![piece]);
                extents.push(vec![e]);
            }
        }
    }
    Curves { curves, ambiguous }
}

fn extent(piece: &[Vertex]) -> (f64, f64) {
    piece.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v.at.x), hi.max(v.at.x)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kurbo::Point;

    fn piece(xs: &[f64]) -> Vec<Vertex> {
        xs.iter().map(|&x| Vertex { at: Point::new(x, x * x), curved: false, outside: false }).collect()
    }

    #[test]
    fn a_line_broken_by_missing_data_stays_one_curve() {
        let c = split(vec![piece(&[0.0, 1.0, 2.0]), piece(&[4.0, 5.0]), piece(&[5.0, 6.0]), piece(&[3.0])], 1e-9);
        assert_eq!((c.curves.len(), c.ambiguous), (1, 0));
    }

    #[test]
    fn overlapping_pieces_are_curves_of_their_own_and_a_piece_fitting_both_is_ambiguous() {
        let pieces = vec![piece(&[0.0, 2.0, 4.0]), piece(&[0.0, 1.5, 4.0]), piece(&[2.5, 3.0]), piece(&[6.0, 7.0])];
        let c = split(pieces, 1e-9);
        // The third piece lies inside the first two curves' range; the fourth could follow either.
        assert_eq!(c.curves.len(), 4);
        assert_eq!(c.ambiguous, 1);
    }
}
