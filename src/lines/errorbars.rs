//! Error bars: whiskers and caps centred on a marker are that marker's interval, not a series.
//!
//! Contract: a straight axis-parallel segment is a whisker of a marker when it runs through the
//! marker's centre along the bar's direction (a vertical whisker at the marker's x, covering its
//! y; matplotlib `errorbar`, ggplot2 `geom_pointrange`/`geom_errorbar`, gnuplot `errorbars`, Vega
//! `errorbar` all draw them so), strictly inside it: a segment that only ends at a marker is a
//! stem or a lollipop's stick, a series. A cap is
//! a segment across a whisker's end, centred on it. Positions are compared within
//! [`LinesOptions::whisker_frac`] of the marker's size, so the rule scales with the figure.
//! A marker's interval is the span of its whiskers, in root units; a whisker that ends on the
//! frame's edge is flagged as clipped (its true end lies beyond the drawn one).

use kurbo::{Axis, Point, Rect};

use super::LinesOptions;
use super::furniture::rule;
use super::pieces::RawVertex;
use crate::marks::Marker;

/// One marker's interval along one axis, in root units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErrorBar {
    /// Index into the figure's markers.
    pub marker: usize,
    /// Horizontal: an x interval; Vertical: a y interval.
    pub axis: Axis,
    pub lo: f64,
    pub hi: f64,
    /// An end lies on the frame's edge: the drawn bar may have been cut there.
    pub clipped: bool,
}

/// Markers sorted by x, for the range lookups below.
pub struct MarkerIndex<'a> {
    markers: &'a [Marker],
    by_x: Vec<usize>,
    largest: f64,
}

impl<'a> MarkerIndex<'a> {
    pub fn new(markers: &'a [Marker]) -> Self {
        let mut by_x: Vec<usize> = (0..markers.len()).collect();
        by_x.sort_by(|&a, &b| markers[a].centre.x.total_cmp(&markers[b].centre.x));
        let largest = markers.iter().map(|m| m.size).fold(0.0, f64::max);
        MarkerIndex { markers, by_x, largest }
    }

    /// Markers of `panel` whose centre x lies in `x0..=x1` widened by `frac` of the largest
    /// marker's size.
    fn in_x(&self, panel: usize, x0: f64, x1: f64, frac: f64) -> impl Iterator<Item = usize> + '_ {
        let reach = frac * self.largest;
        let start = self.by_x.partition_point(|&i| self.markers[i].centre.x < x0 - reach);
        self.by_x[start..]
            .iter()
            .copied()
            .take_while(move |&i| self.markers[i].centre.x <= x1 + reach)
            .filter(move |&i| self.markers[i].panel == panel)
    }
}

/// A path of the panel: its pieces and its stroke colour.
pub struct PathRef<'a> {
    pub pieces: &'a [Vec<RawVertex>],
    pub stroke: Option<[u8; 3]>,
}

/// What a whisker-like piece is.
enum Whisker {
    /// A whisker of this marker: (marker, axis, lo, hi).
    Of(usize, Axis, f64, f64),
    /// A whisker through several markers that no evidence tells apart.
    Ambiguous,
}

/// The whisker this piece is, if any. Markers of several series can sit on one whisker's line
/// (bars drawn at shared x values); the marker is then the one whose colour the whisker's has
/// (producers draw bars in the series' colour or a tint of it), else the one at the whisker's
/// middle (a symmetric bar); otherwise the whisker is ambiguous.
fn whisker(
    piece: &[RawVertex],
    stroke: Option<[u8; 3]>,
    panel: usize,
    idx: &MarkerIndex,
    opts: &LinesOptions,
) -> Option<Whisker> {
    let (a, b, horizontal) = rule(piece, opts)?;
    let mid = a.midpoint(b);
    // Across the bar, the whisker sits on the marker's centre line; along it, it covers the centre.
    let axis = if horizontal { Axis::Horizontal } else { Axis::Vertical };
    let along = |p: Point| p.get_coord(axis);
    let across = |p: Point| p.get_coord(axis.cross());
    let (lo, hi) = (along(a).min(along(b)), along(a).max(along(b)));
    let (x0, x1) = if horizontal { (lo, hi) } else { (mid.x, mid.x) };
    let covered: Vec<usize> = idx
        .in_x(panel, x0, x1, opts.whisker_frac)
        .filter(|&i| {
            let m = &idx.markers[i];
            let t = opts.whisker_frac * m.size;
            let on_line = (across(mid) - across(m.centre)).abs() <= t;
            // Strictly inside: a segment that only ends at the marker is a stem (matplotlib's
            // `stem`, lollipops), not an error bar.
            on_line && along(m.centre) >= lo + t && along(m.centre) <= hi - t
        })
        .collect();
    let one = |i: usize| Some(Whisker::Of(i, axis, lo, hi));
    match covered.as_slice() {
        [] => None,
        [i] => one(*i),
        many => {
            if let Some(i) = by_colour(many, stroke, idx, opts) {
                return one(i);
            }
            let centred: Vec<usize> = many
                .iter()
                .copied()
                .filter(|&i| {
                    (along(idx.markers[i].centre) - along(mid)).abs() <= opts.whisker_frac * idx.markers[i].size
                })
                .collect();
            match centred.as_slice() {
                [i] => one(*i),
                _ => Some(Whisker::Ambiguous),
            }
        }
    }
}

/// The marker whose colour the whisker's is, or a tint or shade of: a mix with white or black
/// by one factor in every channel (producers draw bars in the series' colour or lighter). The
/// best match must be within [`LinesOptions::mix_tol`] and every other beyond twice it.
fn by_colour(many: &[usize], stroke: Option<[u8; 3]>, idx: &MarkerIndex, opts: &LinesOptions) -> Option<usize> {
    let w = stroke?;
    let mut d: Vec<(f64, usize)> = many
        .iter()
        .filter_map(|&i| {
            let m = &idx.markers[i];
            let c = m.fill.as_deref().or(m.stroke.as_deref()).and_then(crate::marks::parse_hex)?;
            Some((mix_spread(c, w).min(mix_spread(c.map(|v| 255 - v), w.map(|v| 255 - v))), i))
        })
        .collect();
    d.sort_by(|a, b| a.0.total_cmp(&b.0));
    match d.as_slice() {
        [(best, i), (next, _), ..] if *best <= opts.mix_tol && *next > 2.0 * opts.mix_tol => Some(*i),
        _ => None,
    }
}

/// How far `w` is from a mix of `c` with white: the spread across channels of the factor
/// `(255 - w) / (255 - c)` (0 when `w` is exactly such a mix; infinite when no factor in 0..=1
/// fits). Channels within 32 of white carry too little of the colour to weigh.
fn mix_spread(c: [u8; 3], w: [u8; 3]) -> f64 {
    let f: Vec<f64> =
        (0..3).filter(|&k| c[k] <= 223).map(|k| (255.0 - f64::from(w[k])) / (255.0 - f64::from(c[k]))).collect();
    if f.is_empty() || f.iter().any(|v| !(0.0..=1.0 + 1e-9).contains(v)) {
        return f64::INFINITY;
    }
    let (lo, hi) = f.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    hi - lo
}

/// Whiskers of the pieces of one panel's paths, merged per marker and axis; the pieces used are
/// marked in `used` (parallel to `paths`, one flag per piece).
pub fn find(
    paths: &[PathRef],
    panel: usize,
    frame: Rect,
    idx: &MarkerIndex,
    opts: &LinesOptions,
    used: &mut [Vec<bool>],
) -> (Vec<ErrorBar>, usize) {
    let mut bars: Vec<ErrorBar> = Vec::new();
    let mut ambiguous = 0;
    for (pi, path) in paths.iter().enumerate() {
        for (k, piece) in path.pieces.iter().enumerate() {
            let Some(w) = whisker(piece, path.stroke, panel, idx, opts) else { continue };
            used[pi][k] = true;
            let Whisker::Of(marker, axis, lo, hi) = w else {
                ambiguous += 1;
                continue;
            };
            match bars.iter_mut().find(|b| b.marker == marker && b.axis == axis) {
                Some(b) => (b.lo, b.hi) = (b.lo.min(lo), b.hi.max(hi)),
                None => bars.push(ErrorBar { marker, axis, lo, hi, clipped: false }),
            }
        }
    }
    for b in &mut bars {
        let (e0, e1, t) = match b.axis {
            Axis::Horizontal => (frame.x0, frame.x1, opts.edge_frac * frame.width()),
            Axis::Vertical => (frame.y0, frame.y1, opts.edge_frac * frame.height()),
        };
        b.clipped = [b.lo, b.hi].iter().any(|&v| (v - e0).abs() <= t || (v - e1).abs() <= t);
    }
    mark_caps(paths, &bars, idx, opts, used);
    (bars, ambiguous)
}

/// Caps: short segments across a whisker's end, centred on it.
fn mark_caps(paths: &[PathRef], bars: &[ErrorBar], idx: &MarkerIndex, opts: &LinesOptions, used: &mut [Vec<bool>]) {
    for (pi, path) in paths.iter().enumerate() {
        for (k, piece) in path.pieces.iter().enumerate() {
            if used[pi][k] {
                continue;
            }
            let Some((a, b, horizontal)) = rule(piece, opts) else { continue };
            let mid = a.midpoint(b);
            let is_cap = bars.iter().any(|bar| {
                let m = &idx.markers[bar.marker];
                let t = opts.whisker_frac * m.size;
                match (bar.axis, horizontal) {
                    // A vertical bar's cap is horizontal, centred on the marker's x, at an end.
                    (Axis::Vertical, true) => {
                        (mid.x - m.centre.x).abs() <= t && [bar.lo, bar.hi].iter().any(|&e| (mid.y - e).abs() <= t)
                    }
                    (Axis::Horizontal, false) => {
                        (mid.y - m.centre.y).abs() <= t && [bar.lo, bar.hi].iter().any(|&e| (mid.x - e).abs() <= t)
                    }
                    _ => false,
                }
            });
            used[pi][k] = is_cap;
        }
    }
}

/// Markers that are caps of `bars` drawn as filled bars: centred on a bar's end, on its line,
/// and long across it ([`LinesOptions::cap_aspect`]). A cap at two bars' ends is listed twice.
pub fn cap_markers(bars: &[ErrorBar], idx: &MarkerIndex, opts: &LinesOptions) -> Vec<usize> {
    let mut caps: Vec<usize> = Vec::new();
    for bar in bars {
        let m = &idx.markers[bar.marker];
        let t = opts.whisker_frac * m.size;
        // A marker's size along the bar and across it.
        let along_across = |k: usize| {
            let e = idx.markers[k].extent;
            if bar.axis == Axis::Horizontal { (e.width, e.height) } else { (e.height, e.width) }
        };
        for end in [bar.lo, bar.hi] {
            let mut at = m.centre;
            at.set_coord(bar.axis, end);
            caps.extend(idx.in_x(m.panel, at.x, at.x, opts.whisker_frac).filter(|&k| {
                let (along, across) = along_across(k);
                k != bar.marker && (idx.markers[k].centre - at).hypot() <= t && across >= opts.cap_aspect * along
            }));
        }
    }
    caps
}
