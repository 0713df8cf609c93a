//! Geometry: straight segments and rectangles in root space.
//!
//! Contract: from a [`Scene`], the axis-aligned two-point segments (tick mark and grid line
//! candidates) and the rectangles closed paths trace; for one axis of a frame, which segments
//! cross it and whether each is a tick mark touching the frame or a grid line across it. Nothing
//! here reads text or decides a value.

use kurbo::{Point, Rect};

use super::{AxesOptions, Dir, Seg};
use crate::scene::{ItemKind, Scene};

/// One axis of a frame: its extent along the axis (`lo`, `hi`), the frame's edges across it
/// (`edge_lo`, `edge_hi`, `span` apart), and how close a segment must come to count as touching.
pub(super) struct AxisSpan {
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) edge_lo: f64,
    pub(super) edge_hi: f64,
    pub(super) span: f64,
    pub(super) slack: f64,
    /// Stroke widths a segment's end may fall short of an edge ([`AxesOptions::tick_gap_strokes`]).
    gap_strokes: f64,
    /// [`AxesOptions::grid_span_frac`].
    grid_span_frac: f64,
    /// [`AxesOptions::tick_len_frac`].
    tick_len_frac: f64,
}

impl AxisSpan {
    pub(super) fn of(dir: Dir, r: Rect, opts: &AxesOptions) -> AxisSpan {
        let (lo, hi, edge_lo, edge_hi, span) = match dir {
            Dir::X => (r.x0, r.x1, r.y0, r.y1, r.height()),
            Dir::Y => (r.y0, r.y1, r.x0, r.x1, r.width()),
        };
        AxisSpan {
            lo,
            hi,
            edge_lo,
            edge_hi,
            span,
            slack: opts.frame_slack_rel * (hi - lo).abs().max(span),
            gap_strokes: opts.tick_gap_strokes,
            grid_span_frac: opts.grid_span_frac,
            tick_len_frac: opts.tick_len_frac,
        }
    }
    /// A segment across this axis within its extent.
    pub(super) fn crosses(&self, dir: Dir, s: &Seg) -> bool {
        s.vertical == (dir == Dir::X) && s.at >= self.lo - self.slack && s.at <= self.hi + self.slack
    }
    /// How close a segment's end must come to an edge to meet it.
    pub(super) fn near(&self, s: &Seg) -> f64 {
        self.slack.max(self.gap_strokes * s.width())
    }
    /// A grid line: long across the frame and within its edges.
    pub(super) fn is_grid_line(&self, s: &Seg) -> bool {
        let near = self.near(s);
        s.hi - s.lo >= self.grid_span_frac * self.span && s.lo >= self.edge_lo - near && s.hi <= self.edge_hi + near
    }
    /// A tick mark: short against the axis itself (colour bars are narrower than their ticks) and
    /// touching one of the frame's edges.
    pub(super) fn is_tick_mark(&self, s: &Seg) -> bool {
        let near = self.near(s);
        let touches = |e: f64| (s.lo - e).abs() <= near || (s.hi - e).abs() <= near;
        s.hi - s.lo < self.tick_len_frac * (self.hi - self.lo).abs().max(self.span)
            && (touches(self.edge_lo) || touches(self.edge_hi))
    }
}

/// Tick mark positions on one axis of a frame, ascending.
pub(super) fn tick_mark_positions(dir: Dir, r: Rect, segs: &[Seg], opts: &AxesOptions) -> Vec<f64> {
    let ax = AxisSpan::of(dir, r, opts);
    let mut at: Vec<f64> = segs.iter().filter(|s| ax.crosses(dir, s) && ax.is_tick_mark(s)).map(|s| s.at).collect();
    at.sort_by(f64::total_cmp);
    at.dedup_by(|a, b| (*a - *b).abs() <= ax.slack);
    at
}

/// Whether two rectangles' edges are each within `tol` of the other's.
pub(super) fn rect_close(a: Rect, b: Rect, tol: f64) -> bool {
    (a.x0 - b.x0).abs() <= tol && (a.x1 - b.x1).abs() <= tol && (a.y0 - b.y0).abs() <= tol && (a.y1 - b.y1).abs() <= tol
}

/// Whether `inner` lies inside `outer`, give or take `tol`.
pub(super) fn contains(outer: Rect, inner: Rect, tol: f64) -> bool {
    inner.x0 >= outer.x0 - tol && inner.x1 <= outer.x1 + tol && inner.y0 >= outer.y0 - tol && inner.y1 <= outer.y1 + tol
}

/// Fraction of `a`'s area covered by `b`.
pub(super) fn overlap_frac(a: Rect, b: Rect) -> f64 {
    let i = a.intersect(b);
    if a.area() <= 0.0 { 0.0 } else { i.area().max(0.0) / a.area() }
}

/// The rectangle a closed path of straight segments traces, if every vertex lies on its bounds.
pub fn axis_aligned_rect(path: &kurbo::BezPath) -> Option<Rect> {
    use kurbo::PathEl::*;
    let mut pts: Vec<Point> = Vec::new();
    let mut closed = false;
    let els = path.elements();
    // Cairo ends closed paths with a stray move-to; it draws nothing.
    let els = match els.last() {
        Some(MoveTo(_)) if els.len() > 1 => &els[..els.len() - 1],
        _ => els,
    };
    for el in els {
        match el {
            MoveTo(p) => {
                if !pts.is_empty() {
                    return None;
                }
                pts.push(*p)
            }
            LineTo(p) => pts.push(*p),
            ClosePath => closed = true,
            _ => return None,
        }
    }
    if pts.len() < 4 {
        return None;
    }
    let first = pts[0];
    let last = pts[pts.len() - 1];
    let r = Rect::from_points(first, first);
    let r = pts.iter().fold(r, |r, p| r.union_pt(*p));
    let e = 1e-9 * (r.width() + r.height());
    if !(closed || (first - last).hypot() <= e) || r.width() <= 0.0 || r.height() <= 0.0 {
        return None;
    }
    let on_edge = |p: &Point| {
        (p.x - r.x0).abs() <= e || (p.x - r.x1).abs() <= e || (p.y - r.y0).abs() <= e || (p.y - r.y1).abs() <= e
    };
    // Consecutive vertices must share an x or a y (axis-aligned edges).
    let aligned = pts.windows(2).all(|w| (w[0].x - w[1].x).abs() <= e || (w[0].y - w[1].y).abs() <= e);
    (pts.iter().all(on_edge) && aligned).then_some(r)
}

/// Straight axis-aligned single-segment shapes.
pub(super) fn segments(scene: &Scene) -> Vec<Seg> {
    let mut out = Vec::new();
    for it in &scene.items {
        let ItemKind::Shape(s) = &it.kind else { continue };
        let els = s.path.elements();
        let style = (s.stroke.or(s.fill).map(|p| p.rgb), (s.stroke_width * 1e6).round() as u64);
        // Each two-point subpath is a segment: producers draw several ticks in one path
        // (gnuplot's mirrored ticks: "M x y L x' y M u v L u' v").
        let mut i = 0;
        while i + 1 < els.len() {
            let (kurbo::PathEl::MoveTo(a), kurbo::PathEl::LineTo(b)) = (els[i], els[i + 1]) else {
                i += 1;
                continue;
            };
            if matches!(
                els.get(i + 2),
                Some(kurbo::PathEl::LineTo(_) | kurbo::PathEl::CurveTo(..) | kurbo::PathEl::QuadTo(..))
            ) {
                // A longer polyline is not a tick or grid line.
                i += 2;
                continue;
            }
            i += 2;
            let len = (b - a).hypot();
            if len <= 0.0 {
                continue;
            }
            let e = 1e-9 * len.max(1.0);
            if (a.x - b.x).abs() <= e {
                out.push(Seg { at: a.x, lo: a.y.min(b.y), hi: a.y.max(b.y), vertical: true, dashed: s.dashed, style });
            } else if (a.y - b.y).abs() <= e {
                out.push(Seg { at: a.y, lo: a.x.min(b.x), hi: a.x.max(b.x), vertical: false, dashed: s.dashed, style });
            }
        }
    }
    out
}
