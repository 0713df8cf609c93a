//! Bands: a filled outline that runs forward along one axis on one envelope and back on the
//! other (matplotlib's `fill_between` and `fill_betweenx`, ggplot2's `geom_ribbon` and
//! `geom_area`, Vega's `area` mark with `y2`).
//!
//! Convention read: those producers draw a band as one closed polygon, the first envelope in
//! increasing x and the second in decreasing x, joined at the ends by a vertical edge or a shared
//! vertex. figdig splits the outline at its two turns; an outline that turns more often (a pie
//! wedge, a step-filled histogram, a circle), has fewer than [`MIN_ENVELOPE`] vertices on an
//! envelope (a bar, a legend key), or runs flat between its corners on both sides (a rounded box)
//! is not a band and is skipped, as before.
//!
//! Output: the two envelopes in increasing order along the axis, the one of larger data values
//! (or higher on the page, when the panel has no such axis) first as `band_upper`.

use kurbo::{Axis, Point};

use super::pieces::RawVertex;

/// Fewest vertices on each envelope: a rectangle has two per side.
pub const MIN_ENVELOPE: usize = 3;

/// The two envelopes of a band outline along `along` (in the outline's own drawing order, the
/// second reversed), or `None` when the outline is not a band.
pub fn split(outline: &[RawVertex], along: Axis) -> Option<(Vec<RawVertex>, Vec<RawVertex>)> {
    let coord = |p: Point| if along == Axis::Horizontal { p.x } else { p.y };
    // A point drawn twice in a row (matplotlib repeats the far corner) is one vertex.
    let mut vs: Vec<RawVertex> = outline.to_vec();
    vs.dedup_by(|b, a| a.at == b.at);
    if vs.len() > 1 && vs.first().map(|v| v.at) == vs.last().map(|v| v.at) {
        vs.pop();
    }
    let n = vs.len();
    if n < 2 * MIN_ENVELOPE {
        return None;
    }
    let step = |k: usize| coord(vs[(k + 1) % n].at) - coord(vs[k].at);
    // The forward run starts where the outline turns from going back (or standing) to forward.
    let start = (0..n).find(|&k| step((k + n - 1) % n) <= 0.0 && step(k) > 0.0)?;
    let at = |k: usize| vs[(start + k) % n];
    let forward_len = (0..n).take_while(|&k| step((start + k) % n) > 0.0).count() + 1;
    // A vertical edge at the far end belongs to neither envelope.
    let back_from = if step((start + forward_len - 1) % n) == 0.0 { forward_len } else { forward_len - 1 };
    let forward: Vec<RawVertex> = (0..forward_len).map(at).collect();
    let mut back: Vec<RawVertex> = (back_from..n).map(at).collect();
    // The closing edge back to the start: a shared vertex when it still goes back.
    if step((start + n - 1) % n) < 0.0 {
        back.push(at(0));
    }
    let backward_ok = back.windows(2).all(|w| coord(w[1].at) < coord(w[0].at));
    if !backward_ok || forward.len() < MIN_ENVELOPE || back.len() < MIN_ENVELOPE {
        return None;
    }
    back.reverse();
    // A box with rounded or cut corners (a legend's or a text's frame, `axhspan`) runs flat
    // between its corners on both sides: no envelope there carries data.
    let across = |p: Point| if along == Axis::Horizontal { p.y } else { p.x };
    let flat = |env: &[RawVertex]| {
        let inner = &env[1..env.len() - 1];
        inner.len() >= 2 && inner.windows(2).all(|w| across(w[0].at) == across(w[1].at))
    };
    if flat(&forward) && flat(&back) {
        return None;
    }
    Some((forward, back))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline(pts: &[(f64, f64)]) -> Vec<RawVertex> {
        pts.iter().map(|&(x, y)| RawVertex { at: Point::new(x, y), curved: false }).collect()
    }

    fn xs(v: &[RawVertex]) -> Vec<(f64, f64)> {
        v.iter().map(|v| (v.at.x, v.at.y)).collect()
    }

    #[test]
    fn fill_between_outline_splits_into_its_envelopes() {
        // matplotlib's order: along y1 forward, a vertical edge, along y2 back, closed.
        let o = outline(&[(0.0, 1.0), (1.0, 2.0), (2.0, 1.5), (2.0, 5.0), (1.0, 6.0), (0.0, 5.5), (0.0, 1.0)]);
        let (a, b) = split(&o, Axis::Horizontal).expect("band");
        assert_eq!(xs(&a), vec![(0.0, 1.0), (1.0, 2.0), (2.0, 1.5)]);
        assert_eq!(xs(&b), vec![(0.0, 5.5), (1.0, 6.0), (2.0, 5.0)]);
        // Drawn from another vertex, the same envelopes.
        let rotated = outline(&[(1.0, 6.0), (0.0, 5.5), (0.0, 1.0), (1.0, 2.0), (2.0, 1.5), (2.0, 5.0)]);
        let (a2, b2) = split(&rotated, Axis::Horizontal).expect("band");
        assert_eq!((xs(&a2), xs(&b2)), (xs(&a), xs(&b)));
    }

    #[test]
    fn envelopes_meeting_at_the_ends_share_their_vertices() {
        let o = outline(&[(0.0, 3.0), (1.0, 2.0), (2.0, 2.5), (3.0, 3.0), (2.0, 4.0), (1.0, 4.5)]);
        let (a, b) = split(&o, Axis::Horizontal).expect("band");
        assert_eq!(xs(&a), vec![(0.0, 3.0), (1.0, 2.0), (2.0, 2.5), (3.0, 3.0)]);
        assert_eq!(xs(&b), vec![(0.0, 3.0), (1.0, 4.5), (2.0, 4.0), (3.0, 3.0)]);
    }

    #[test]
    fn rectangles_steps_and_wedges_are_not_bands() {
        let rect = outline(&[(0.0, 0.0), (2.0, 0.0), (2.0, 1.0), (0.0, 1.0), (0.0, 0.0)]);
        assert!(split(&rect, Axis::Horizontal).is_none());
        let steps = outline(&[
            (0.0, 0.0),
            (1.0, 0.0),
            (1.0, 2.0),
            (2.0, 2.0),
            (2.0, 0.0),
            (3.0, 0.0),
            (3.0, -1.0),
            (0.0, -1.0),
        ]);
        assert!(split(&steps, Axis::Horizontal).is_none());
        // A rounded box: curved corners around flat sides.
        let rounded =
            outline(&[(0.0, 1.0), (1.0, 0.0), (5.0, 0.0), (6.0, 1.0), (6.0, 3.0), (5.0, 4.0), (1.0, 4.0), (0.0, 3.0)]);
        assert!(split(&rounded, Axis::Horizontal).is_none());
        let zigzag = outline(&[(0.0, 0.0), (2.0, 1.0), (1.0, 2.0), (3.0, 3.0), (0.0, 4.0), (-1.0, 2.0)]);
        assert!(split(&zigzag, Axis::Horizontal).is_none());
    }
}
