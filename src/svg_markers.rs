//! SVG `<marker>` placement (SVG 1.1, 11.6): where the markers named by `marker-start`,
//! `marker-mid` and `marker-end` are drawn on a path's vertices, and the transform that puts a
//! marker's content there. Pure geometry; the scene draws the content.
//!
//! Convention read: the marker's reference point (`refX`, `refY`, in its content's coordinates)
//! lands exactly on the vertex, so a marker centred on its reference point marks the vertex;
//! `orient="auto"` turns it along the path's direction there (the bisector at a middle vertex);
//! `markerUnits="strokeWidth"` (the default) scales it by the path's stroke width; a `viewBox`
//! maps the content into `markerWidth` x `markerHeight` (default 3 x 3), uniformly
//! (`preserveAspectRatio` meet, the default).

use kurbo::{Affine, BezPath, PathEl, Point, Vec2};

/// Which of a path's vertices a marker property names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    Start,
    Mid,
    End,
}

/// A vertex with the directions of the segments into and out of it (zero when none).
struct Vertex {
    at: Point,
    dir_in: Vec2,
    dir_out: Vec2,
}

/// The on-curve vertices of a path in drawing order, with the tangents there.
fn vertices(path: &BezPath) -> Vec<Vertex> {
    let mut out: Vec<Vertex> = Vec::new();
    let mut start = Point::ORIGIN;
    let mut last = Point::ORIGIN;
    for el in path.elements() {
        let (to, ctrl_in) = match *el {
            PathEl::MoveTo(p) => {
                start = p;
                last = p;
                out.push(Vertex { at: p, dir_in: Vec2::ZERO, dir_out: Vec2::ZERO });
                continue;
            }
            PathEl::LineTo(p) => (p, last),
            PathEl::QuadTo(c, p) => (p, c),
            PathEl::CurveTo(_, c, p) => (p, c),
            PathEl::ClosePath => (start, last),
        };
        let first_ctrl = match *el {
            PathEl::QuadTo(c, _) | PathEl::CurveTo(c, _, _) => c,
            _ => to,
        };
        if let Some(prev) = out.last_mut() {
            prev.dir_out = first_ctrl - last;
        }
        out.push(Vertex { at: to, dir_in: to - ctrl_in, dir_out: Vec2::ZERO });
        last = to;
    }
    out
}

/// Where markers of `position` go on `path`: each vertex and the angle (radians) of the path's
/// direction there.
pub fn placements(path: &BezPath, position: Position) -> Vec<(Point, f64)> {
    let vs = vertices(path);
    let angle = |v: &Vertex| {
        let d = match (v.dir_in == Vec2::ZERO, v.dir_out == Vec2::ZERO) {
            (true, _) => v.dir_out,
            (_, true) => v.dir_in,
            _ => v.dir_in.normalize() + v.dir_out.normalize(),
        };
        d.y.atan2(d.x)
    };
    let n = vs.len();
    let pick: Vec<&Vertex> = match position {
        Position::Start => vs.first().into_iter().collect(),
        Position::End => vs.last().into_iter().collect(),
        Position::Mid if n > 2 => vs[1..n - 1].iter().collect(),
        Position::Mid => Vec::new(),
    };
    pick.into_iter().map(|v| (v.at, angle(v))).collect()
}

/// A `<marker>`'s attributes, as numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MarkerBox {
    pub ref_x: f64,
    pub ref_y: f64,
    pub width: f64,
    pub height: f64,
    /// `viewBox` (x, y, width, height), when given.
    pub view_box: Option<[f64; 4]>,
    /// `markerUnits="strokeWidth"` (the default): scaled by the stroke width.
    pub stroke_units: bool,
    /// `orient`: `None` for `auto`, else a fixed angle in degrees.
    pub fixed_angle: Option<f64>,
}

/// The transform from a marker's content to the path's user space, at vertex `at` where the
/// path runs at `angle` (radians), drawn with `stroke_width`.
pub fn content_transform(m: &MarkerBox, at: Point, angle: f64, stroke_width: f64) -> Affine {
    let turn = m.fixed_angle.map_or(angle, f64::to_radians);
    let units = if m.stroke_units { stroke_width } else { 1.0 };
    let fit = match m.view_box {
        Some([_, _, w, h]) if w > 0.0 && h > 0.0 => (m.width / w).min(m.height / h),
        _ => 1.0,
    };
    Affine::translate(at.to_vec2())
        * Affine::rotate(turn)
        * Affine::scale(units * fit)
        * Affine::translate((-m.ref_x, -m.ref_y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_sit_on_vertices_and_turn_along_the_path() {
        let p = BezPath::from_svg("M0,0 L10,0 L10,10 L20,10").expect("path");
        assert_eq!(placements(&p, Position::Start), vec![(Point::new(0.0, 0.0), 0.0)]);
        let mid = placements(&p, Position::Mid);
        assert_eq!(mid.iter().map(|m| m.0).collect::<Vec<_>>(), vec![Point::new(10.0, 0.0), Point::new(10.0, 10.0)]);
        assert!((mid[0].1 - std::f64::consts::FRAC_PI_4).abs() < 1e-12, "bisector at a right turn");
        assert_eq!(placements(&p, Position::End), vec![(Point::new(20.0, 10.0), 0.0)]);
    }

    #[test]
    fn the_reference_point_lands_on_the_vertex() {
        let m = MarkerBox {
            ref_x: 5.0,
            ref_y: 5.0,
            width: 3.0,
            height: 3.0,
            view_box: Some([0.0, 0.0, 10.0, 10.0]),
            stroke_units: true,
            fixed_angle: None,
        };
        let t = content_transform(&m, Point::new(40.0, 7.0), 0.7, 2.0);
        let p = t * Point::new(5.0, 5.0);
        assert!((p - Point::new(40.0, 7.0)).hypot() < 1e-12);
        // viewBox 10 into 3 units, times stroke width 2: a content unit is 0.6 user units.
        assert!(((t * Point::new(6.0, 5.0)) - p).hypot() - 0.6 < 1e-12);
    }
}
