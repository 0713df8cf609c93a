//! Panel furniture drawn as strokes: frames, axis lines, grid lines, reference lines and tick
//! marks. None of them is a data series.
//!
//! Contract: a path is furniture when every one of its pieces is. A piece is furniture when all
//! its segments are straight and parallel to an axis and either (a) all its vertices lie on the
//! frame's boundary (a frame outline or an axis line along a side), or (b) it is one segment that
//! spans most of the panel across (a grid, axis or reference line: the producers' convention of
//! drawing those edge to edge), or (c) it is one short segment that touches the frame's edge or
//! lies beyond it (a tick mark, inside or outside the frame), or (d) it is one segment across the
//! other axis at one of that axis's tick positions, covering the run of its own axis's ticks (a
//! grid line: producers draw grid lines at the ticks, whatever the frame's extent; Observable
//! Plot's frameless panels leave the frame's open sides unknown, so (b) alone would miss them). A straight axis-parallel segment
//! that spans the panel is indistinguishable from a constant data line; it is left out, never
//! guessed (the marks stage keeps it as a reference line).

use kurbo::{Point, Rect};

use super::LinesOptions;
use super::pieces::RawVertex;

/// Whether a straight segment is parallel to x (`Some(true)`), to y (`Some(false)`), or neither.
pub fn parallel(a: Point, b: Point, opts: &LinesOptions) -> Option<bool> {
    let (dx, dy) = ((b.x - a.x).abs(), (b.y - a.y).abs());
    let len = dx.max(dy);
    if !(len > 0.0) {
        return None;
    }
    if dy <= opts.parallel_tol * len {
        Some(true)
    } else if dx <= opts.parallel_tol * len {
        Some(false)
    } else {
        None
    }
}

/// A single straight axis-parallel segment: its ends and whether it runs along x.
pub fn rule(piece: &[RawVertex], opts: &LinesOptions) -> Option<(Point, Point, bool)> {
    let [a, b] = piece else { return None };
    if b.curved {
        return None;
    }
    parallel(a.at, b.at, opts).map(|h| (a.at, b.at, h))
}

/// Tick positions of a panel's axes, in root units: `x` along the x axis, `y` along y.
#[derive(Debug, Clone, Default)]
pub struct TickPositions {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
}

/// Whether every piece of a path is panel furniture by rules (a) to (c) of the module contract.
/// Rule (d) is [`grid`], applied per piece once error bars are known: a whisker at a marker on a
/// tick position is no grid line.
pub fn is_furniture(pieces: &[Vec<RawVertex>], frame: Rect, opts: &LinesOptions) -> bool {
    !pieces.is_empty()
        && pieces.iter().all(|p| on_boundary(p, frame, opts) || spans(p, frame, opts) || tick(p, frame, opts))
}

/// Rule (d): one segment across the other axis at one of its tick positions, covering the whole
/// run of its own axis's ticks (grid lines are drawn edge to edge; a stem or a lollipop's stick
/// at a tick position stops at its data).
pub fn grid(piece: &[RawVertex], frame: Rect, ticks: &TickPositions, opts: &LinesOptions) -> bool {
    let Some((a, b, horizontal)) = rule(piece, opts) else { return false };
    let (tx, ty) = tol(frame, opts);
    let covers = |lo: f64, hi: f64, along: &[f64], side: f64, t: f64| {
        let (first, last) = along.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(x, y), &v| (x.min(v), y.max(v)));
        if along.len() >= 2 { lo <= first + t && hi >= last - t } else { hi - lo >= opts.span_frac * side }
    };
    if horizontal {
        ticks.y.iter().any(|&t| (a.y - t).abs() <= ty)
            && covers(a.x.min(b.x), a.x.max(b.x), &ticks.x, frame.width(), tx)
    } else {
        ticks.x.iter().any(|&t| (a.x - t).abs() <= tx)
            && covers(a.y.min(b.y), a.y.max(b.y), &ticks.y, frame.height(), ty)
    }
}

fn tol(frame: Rect, opts: &LinesOptions) -> (f64, f64) {
    (opts.edge_frac * frame.width(), opts.edge_frac * frame.height())
}

fn on_boundary(piece: &[RawVertex], frame: Rect, opts: &LinesOptions) -> bool {
    let (tx, ty) = tol(frame, opts);
    let straight = piece.windows(2).all(|w| !w[1].curved && parallel(w[0].at, w[1].at, opts).is_some());
    let near = |v: f64, e: f64, t: f64| (v - e).abs() <= t;
    let on = |p: Point| {
        let in_x = p.x >= frame.x0 - tx && p.x <= frame.x1 + tx;
        let in_y = p.y >= frame.y0 - ty && p.y <= frame.y1 + ty;
        ((near(p.x, frame.x0, tx) || near(p.x, frame.x1, tx)) && in_y)
            || ((near(p.y, frame.y0, ty) || near(p.y, frame.y1, ty)) && in_x)
    };
    piece.len() >= 2
        && straight
        && piece.iter().all(|v| on(v.at))
        && piece.windows(2).all(|w| on(w[0].at.midpoint(w[1].at)))
}

fn spans(piece: &[RawVertex], frame: Rect, opts: &LinesOptions) -> bool {
    let Some((a, b, horizontal)) = rule(piece, opts) else { return false };
    if horizontal {
        (a.x - b.x).abs() >= opts.span_frac * frame.width()
    } else {
        (a.y - b.y).abs() >= opts.span_frac * frame.height()
    }
}

fn tick(piece: &[RawVertex], frame: Rect, opts: &LinesOptions) -> bool {
    let Some((a, b, horizontal)) = rule(piece, opts) else { return false };
    let (tx, ty) = tol(frame, opts);
    if horizontal {
        // A tick of a y axis: short, at the left or right side, or beyond it.
        let short = (a.x - b.x).abs() <= opts.tick_frac * frame.width();
        let (lo, hi) = (a.x.min(b.x), a.x.max(b.x));
        let touches = [frame.x0, frame.x1].iter().any(|&e| lo <= e + tx && hi >= e - tx);
        short && (touches || hi < frame.x0 || lo > frame.x1)
    } else {
        let short = (a.y - b.y).abs() <= opts.tick_frac * frame.height();
        let (lo, hi) = (a.y.min(b.y), a.y.max(b.y));
        let touches = [frame.y0, frame.y1].iter().any(|&e| lo <= e + ty && hi >= e - ty);
        short && (touches || hi < frame.y0 || lo > frame.y1)
    }
}

#[cfg(test)]
mod tests {
    use super::super::pieces::pieces;
    use super::*;

    fn furn(d: &str) -> bool {
        let p = kurbo::BezPath::from_svg(d).unwrap();
        let ticks = TickPositions { x: vec![120.0, 200.0, 280.0], y: vec![150.0, 250.0] };
        let (frame, opts) = (Rect::new(100.0, 100.0, 500.0, 400.0), LinesOptions::default());
        let ps = pieces(&p);
        is_furniture(&ps, frame, &opts) || ps.iter().all(|piece| grid(piece, frame, &ticks, &opts))
    }

    #[test]
    fn frames_grids_and_ticks_are_furniture_data_is_not() {
        assert!(furn("M100,100L500,100L500,400L100,400Z"), "frame");
        assert!(furn("M100,400L500,400"), "x axis line");
        assert!(furn("M100,250L500,250M100,300L500,300"), "grid lines");
        assert!(furn("M100,250L94,250"), "outside tick");
        assert!(furn("M300,400L300,394"), "inside tick");
        assert!(furn("M110,150L300,150"), "grid line at a y tick across the x ticks, short of the frame's sides");
        assert!(!furn("M110,160L300,160"), "the same away from the ticks");
        assert!(!furn("M200,400L200,250"), "a stem at an x tick, stopping short of the y ticks");
        assert!(!furn("M100,300L200,250L300,280"), "polyline");
        assert!(!furn("M150,300L350,300"), "short constant line");
        assert!(!furn("M150,300L150,250L200,250L200,200"), "steps");
    }
}
