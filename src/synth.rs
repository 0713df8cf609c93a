//! Synthetic scatter-plot figures with exact ground truth.
//!
//! Input: a [`SynthSpec`] — figure size, panels laid out left to right (each with two axes, data
//! series, and tick/grid/legend switches), and the way markers are written ([`MarkerStyle`],
//! `outline`, `nested_transforms`). [`demo_spec`] and [`test_specs`] build ready-made specs from a
//! fixed, tiny deterministic generator (no `rand`).
//!
//! Output: a [`SynthFigure`] — the SVG text and one [`TruePoint`] per drawn data marker, in drawing
//! order, carrying the exact data values from the spec and the absolute marker centre in viewBox
//! units (root user space).
//!
//! Invariants:
//! - Pure: no I/O, no global state, no panics for any input (degenerate axes, NaN data, empty
//!   panels and zero sizes all still produce well-formed XML).
//! - Panel `i` of `n` occupies the `i`-th of `n` equal-width slots; its frame rectangle is the plot
//!   area and the axis range maps exactly onto it (x min at the left edge, y min at the bottom edge;
//!   log axes map `log10(value)` linearly). Computation is in f64 from the data.
//! - Every coordinate is written with Rust's shortest round-trip formatting (`format!("{}", v)`).
//! - A data point is drawn and listed only when both values map to finite positions inside the
//!   frame (edges included), and its marker box (centre ± 5 units) does not overlap the legend box.
//!   Any other point is silently skipped, so points never fall under the legend. The generators
//!   behind [`demo_spec`] and [`test_specs`] only emit points that pass this check (and lie at least
//!   4 units inside the frame, at least 7 units from every other marker of the panel), so for those
//!   specs every spec point is drawn.
//! - The marker centre (`x_svg`, `y_svg`) is the centre of the marker's bounding box for every shape.
//!   With `nested_transforms` the marker coordinates are written in the local space of three nested
//!   groups (`translate+scale`, `matrix(1 0 0 -1 0 0) rotate(a)`, `rotate(-a)`); the rotations cancel,
//!   so the composition is `[s 0 0 -s fx0 fy1]` and `x_svg`/`y_svg` are the intended absolute
//!   centres (re-applying the written transforms agrees to ~1e-12).
//! - Legend swatches are drawn outside the clipped marker groups and never appear in `points`.
//! - Colour bars ([`SynthColourBar`], optional per panel): the bar's frame is `CBAR_WIDTH` wide, a
//!   `CBAR_GAP` right of the panel frame and as tall as it (the panel frame gives up `CBAR_SPACE`
//!   of width for it). The ramp exactly covers the bar's frame: an `<image>` of a PNG data URL with
//!   one row per colour (row 0 = highest bin), or K filled `<rect>`s stacked bottom (lowest) to top.
//!   Then the frame (black stroke, no fill), tick marks touching its right edge, tick labels right
//!   of them (`text-anchor="start"`), and the title rotated beyond them. A point's value `v` (in
//!   `SynthSeries::values`) is normalised (linear, or linear in `log10`) to `t` in [0, 1]; its fill
//!   is the colour of bin `floor(t K)` (clamped to the end bins) and its [`TruePoint::value`] is
//!   `Some(v)`. A point without a finite normalised value keeps the series colour and has no value.
//!   Every map has 256 distinct colours ([`cmap_table`]); K bins sample it evenly. Generated values
//!   stay inside the range and `GEN_BIN_MARGIN` of a bin from its edges, except one deliberate
//!   value just below a bin's top edge in `colour_raster_log_viridis`.
//! - Specs written before colour bars existed still deserialise (`colour_bar`, `values`,
//!   `levels` and `TruePoint::value` default).
//! - Filled shapes (circle, square, diamond, triangle) are painted with the series fill; `Cross`
//!   and `Plus` are stroke-only two-segment paths in the series colour (also in `Element` style,
//!   where SVG has no primitive for disjoint strokes). With `outline`, `Element`/`DefsUse` markers
//!   get a stroke attribute in the series colour, and `PathTransform`/`AbsolutePath` markers are
//!   followed by a separate stroke-only path with the same geometry.

use std::collections::HashSet;

use base64::Engine as _;
use image::ImageEncoder as _;
use serde::{Deserialize, Serialize};

/// Axis scale; `Log` is base 10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SynthScale {
    Linear,
    Log,
}

/// Marker geometry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SynthShape {
    Circle,
    Square,
    Diamond,
    TriangleUp,
    Cross,
    Plus,
}

/// How markers are written into the SVG (mimicking real producers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MarkerStyle {
    /// `<circle>`/`<rect>`/`<polygon>` elements with absolute coordinates.
    Element,
    /// One `<path id>` per shape in `<defs>`, markers are `<use xlink:href x y>` (matplotlib).
    DefsUse,
    /// `<path transform="matrix(1,0,0,-1,tx,ty)">` around the origin, y flipped (MuPDF).
    PathTransform,
    /// `<path d>` with absolute coordinates and no transform (Cairo).
    AbsolutePath,
}

/// One axis: title, scale, data range mapped onto the frame, and tick values.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SynthAxis {
    pub label: String,
    pub scale: SynthScale,
    pub min: f64,
    pub max: f64,
    pub ticks: Vec<f64>,
}

/// One data series: legend name, marker shape, `#rrggbb` colour and data points.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SynthSeries {
    pub name: String,
    pub shape: SynthShape,
    pub fill: String,
    pub points: Vec<(f64, f64)>,
    /// Colour-encoded value of each point (parallel to `points`; empty = none). In a panel with a
    /// colour bar, a point with a value is filled with its bin's colour instead of `fill`.
    #[serde(default)]
    pub values: Vec<f64>,
}

/// Colour map of a colour bar: 256 distinct colours from low to high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SynthCmap {
    /// Dark purple through teal to yellow.
    Viridis,
    /// Dark blue through magenta to yellow.
    Plasma,
    /// White (low) to black (high).
    Greys,
}

/// A vertical colour bar right of a panel's frame, encoding the points' `values`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SynthColourBar {
    pub label: String,
    /// Norm: linear, or linear in `log10(value)`.
    pub scale: SynthScale,
    pub min: f64,
    pub max: f64,
    pub ticks: Vec<f64>,
    pub cmap: SynthCmap,
    /// `true`: one embedded PNG (`<image>`); `false`: a stack of filled `<rect>`s.
    pub raster: bool,
    /// Number K of equal bins (colours) of the bar, 2..=256 (anything else means 256). The bar's
    /// colours are the map's 256 colours sampled at K evenly spaced entries.
    #[serde(default = "default_levels")]
    pub levels: usize,
}

fn default_levels() -> usize {
    256
}

/// One plot panel.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SynthPanel {
    pub x: SynthAxis,
    pub y: SynthAxis,
    pub series: Vec<SynthSeries>,
    pub tick_marks: bool,
    pub grid: bool,
    pub legend: bool,
    /// Optional colour bar beside the frame (right side).
    #[serde(default)]
    pub colour_bar: Option<SynthColourBar>,
}

/// A whole figure. `width`/`height` are the viewBox size; the `width`/`height` attributes are
/// those times `view_scale`, in pt.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SynthSpec {
    pub title: String,
    pub panels: Vec<SynthPanel>,
    pub marker_style: MarkerStyle,
    pub outline: bool,
    pub nested_transforms: bool,
    pub width: f64,
    pub height: f64,
    pub view_scale: f64,
}

/// Ground truth for one drawn data marker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TruePoint {
    pub panel: usize,
    pub series: String,
    pub x: f64,
    pub y: f64,
    /// Absolute marker centre in viewBox units.
    pub x_svg: f64,
    pub y_svg: f64,
    pub fill: String,
    /// The colour-encoded value, when the point's fill comes from its panel's colour bar.
    #[serde(default)]
    pub value: Option<f64>,
}

/// A rendered figure and its ground truth.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SynthFigure {
    pub svg: String,
    pub points: Vec<TruePoint>,
}

const MARGIN_LEFT: f64 = 62.0;
const MARGIN_RIGHT: f64 = 14.0;
const MARGIN_TOP: f64 = 30.0;
const MARGIN_BOTTOM: f64 = 46.0;
const TICK_LEN: f64 = 4.0;
const FONT: &str = "DejaVu Sans";
const TICK_FONT: f64 = 10.0;
const EXP_FONT: f64 = 7.0;
const LEGEND_FONT: f64 = 9.0;
const LEGEND_ROW: f64 = 13.0;
/// Half-size of the box around a marker centre that must stay clear of the legend.
const MARKER_CLEARANCE: f64 = 5.0;
/// Generated points stay this far inside the frame (so markers are not clipped).
const GEN_INSET: f64 = 4.0;
/// Generated markers of one panel are at least this far apart.
const GEN_MIN_SEP: f64 = 7.0;
const KAPPA: f64 = 0.552_284_749_830_793_6;
/// Gap between a panel's frame and its colour bar.
const CBAR_GAP: f64 = 10.0;
const CBAR_WIDTH: f64 = 12.0;
/// Extra right margin of a panel with a colour bar (bar, ticks, labels, title).
const CBAR_SPACE: f64 = 86.0;
/// Width of the colour bar's PNG, in pixels (one row per colour).
const CBAR_PNG_WIDTH: u32 = 8;
/// Generated colour values keep this fraction of a bin away from its edges.
const GEN_BIN_MARGIN: f64 = 0.02;

/// Nine evenly spaced anchors of matplotlib's viridis.
const VIRIDIS: [[u8; 3]; 9] = [
    [0x44, 0x01, 0x54],
    [0x47, 0x2d, 0x7b],
    [0x3b, 0x52, 0x8b],
    [0x2c, 0x72, 0x8e],
    [0x21, 0x91, 0x8c],
    [0x28, 0xae, 0x80],
    [0x5e, 0xc9, 0x62],
    [0xad, 0xdc, 0x30],
    [0xfd, 0xe7, 0x25],
];

/// Nine evenly spaced anchors of matplotlib's plasma.
const PLASMA: [[u8; 3]; 9] = [
    [0x0d, 0x08, 0x87],
    [0x4c, 0x02, 0xa1],
    [0x7e, 0x03, 0xa8],
    [0xa9, 0x23, 0x95],
    [0xcc, 0x47, 0x78],
    [0xe5, 0x6b, 0x5d],
    [0xf8, 0x94, 0x41],
    [0xfd, 0xc3, 0x28],
    [0xf0, 0xf9, 0x21],
];

#[derive(Debug, Clone, Copy, PartialEq)]
struct Rect {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Rect {
    fn contains(&self, (x, y): (f64, f64)) -> bool {
        x >= self.x0 && x <= self.x1 && y >= self.y0 && y <= self.y1
    }

    fn overlaps_box(&self, (x, y): (f64, f64), half: f64) -> bool {
        x + half > self.x0 && x - half < self.x1 && y + half > self.y0 && y - half < self.y1
    }
}

/// SVG affine `[a b c d e f]`: `x' = a x + c y + e`, `y' = b x + d y + f`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Affine([f64; 6]);

impl Affine {
    const IDENTITY: Affine = Affine([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn apply(&self, (x, y): (f64, f64)) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    fn apply_linear(&self, (x, y): (f64, f64)) -> (f64, f64) {
        let [a, b, c, d, _, _] = self.0;
        (a * x + c * y, b * x + d * y)
    }

    fn linear(&self) -> Affine {
        let [a, b, c, d, _, _] = self.0;
        Affine([a, b, c, d, 0.0, 0.0])
    }

    fn det(&self) -> f64 {
        let [a, b, c, d, _, _] = self.0;
        a * d - b * c
    }

    /// Inverse; identity when singular (only reachable with degenerate inputs).
    fn inverse(&self) -> Affine {
        let [a, b, c, d, e, f] = self.0;
        let det = self.det();
        if det == 0.0 || !det.is_finite() {
            return Affine::IDENTITY;
        }
        Affine([d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det])
    }

    /// `self ∘ other` (apply `other` first), as in an SVG transform list `"self other"`.
    #[cfg(test)]
    fn then_inner(&self, other: &Affine) -> Affine {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Affine([
            a * a2 + c * b2,
            b * a2 + d * b2,
            a * c2 + c * d2,
            b * c2 + d * d2,
            a * e2 + c * f2 + e,
            b * e2 + d * f2 + f,
        ])
    }
}

/// Shortest round-trip formatting; negative zero prints as `0`.
fn num(v: f64) -> String {
    if v == 0.0 { "0".to_string() } else { format!("{v}") }
}

fn esc(s: &str) -> String {
    crate::scene::xml_escape(s)
}

/// The frame (plot area) of panel `i`; a panel with a colour bar leaves room for it on the right.
fn frame(spec: &SynthSpec, i: usize) -> Rect {
    let n = spec.panels.len().max(1) as f64;
    let slot = spec.width / n;
    let bar = spec.panels.get(i).is_some_and(|p| p.colour_bar.is_some());
    let right = MARGIN_RIGHT + if bar { CBAR_SPACE } else { 0.0 };
    let i = i as f64;
    Rect { x0: slot * i + MARGIN_LEFT, y0: MARGIN_TOP, x1: slot * (i + 1.0) - right, y1: spec.height - MARGIN_BOTTOM }
}

/// The colour bar's frame beside panel frame `fr`.
fn bar_frame(fr: Rect) -> Rect {
    Rect { x0: fr.x1 + CBAR_GAP, y0: fr.y0, x1: fr.x1 + CBAR_GAP + CBAR_WIDTH, y1: fr.y1 }
}

fn scaled(scale: SynthScale, v: f64) -> Option<f64> {
    match scale {
        SynthScale::Linear => v.is_finite().then_some(v),
        SynthScale::Log => (v > 0.0 && v.is_finite()).then(|| v.log10()),
    }
}

/// Position of `v` between `min` (0) and `max` (1) under `scale`.
fn norm(scale: SynthScale, min: f64, max: f64, v: f64) -> Option<f64> {
    let a = scaled(scale, min)?;
    let b = scaled(scale, max)?;
    let t = scaled(scale, v)?;
    let span = b - a;
    if span == 0.0 || !span.is_finite() {
        return None;
    }
    let f = (t - a) / span;
    f.is_finite().then_some(f)
}

/// Position of `v` along the axis: 0 at `min`, 1 at `max`.
fn fraction(axis: &SynthAxis, v: f64) -> Option<f64> {
    norm(axis.scale, axis.min, axis.max, v)
}

impl SynthColourBar {
    /// The bar as an axis (its ticks and range), for tick placement.
    fn axis(&self) -> SynthAxis {
        SynthAxis {
            label: self.label.clone(),
            scale: self.scale,
            min: self.min,
            max: self.max,
            ticks: self.ticks.clone(),
        }
    }

    /// Number of bins K.
    fn k(&self) -> usize {
        if (2..=256).contains(&self.levels) { self.levels } else { 256 }
    }

    /// Bin of `v` (0 = lowest), values beyond the range clamped to the end bins; `None` when `v`
    /// has no finite normalised position.
    fn bin(&self, v: f64) -> Option<usize> {
        let k = self.k();
        let t = norm(self.scale, self.min, self.max, v)?;
        Some(((t * k as f64).floor().max(0.0) as usize).min(k - 1))
    }

    /// The bar's K colours, lowest value first.
    fn colours(&self) -> Vec<[u8; 3]> {
        let table = cmap_table(self.cmap);
        let k = self.k();
        (0..k).map(|j| table[(j * 255 + (k - 1) / 2) / (k - 1)]).collect()
    }
}

fn lerp_anchors(anchors: &[[u8; 3]], t: f64) -> [u8; 3] {
    let n = anchors.len();
    let pos = t.clamp(0.0, 1.0) * (n - 1) as f64;
    let i = (pos.floor() as usize).min(n - 2);
    let f = pos - i as f64;
    let (a, b) = (anchors[i], anchors[i + 1]);
    let ch = |c: usize| (f64::from(a[c]) + (f64::from(b[c]) - f64::from(a[c])) * f).round().clamp(0.0, 255.0) as u8;
    [ch(0), ch(1), ch(2)]
}

/// The 256 colours of a map, lowest first, all distinct (a colour that repeats an earlier one is
/// nudged by the smallest blue, then green, change that makes it new).
pub fn cmap_table(cmap: SynthCmap) -> Vec<[u8; 3]> {
    let mut seen: HashSet<[u8; 3]> = HashSet::new();
    let mut out = Vec::with_capacity(256);
    for k in 0..256u32 {
        let t = f64::from(k) / 255.0;
        let base = match cmap {
            SynthCmap::Viridis => lerp_anchors(&VIRIDIS, t),
            SynthCmap::Plasma => lerp_anchors(&PLASMA, t),
            SynthCmap::Greys => {
                let g = (255 - k) as u8;
                [g, g, g]
            }
        };
        let mut c = base;
        'search: for d in 0..256i32 {
            for ch in [2usize, 1] {
                for v in [i32::from(base[ch]) + d, i32::from(base[ch]) - d] {
                    if (0..=255).contains(&v) {
                        let mut cand = base;
                        cand[ch] = v as u8;
                        if !seen.contains(&cand) {
                            c = cand;
                            break 'search;
                        }
                    }
                }
            }
        }
        seen.insert(c);
        out.push(c);
    }
    out
}

fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// A PNG data URL of the colours, one row each, highest (last) at the top.
fn png_data_url(colours: &[[u8; 3]]) -> Option<String> {
    let rows = u32::try_from(colours.len()).ok().filter(|&n| n > 0)?;
    let img = image::RgbaImage::from_fn(CBAR_PNG_WIDTH, rows, |_, row| {
        let c = colours[(rows - 1 - row) as usize];
        image::Rgba([c[0], c[1], c[2], 255])
    });
    let mut buf = Vec::new();
    image::codecs::png::PngEncoder::new(&mut buf)
        .write_image(img.as_raw(), CBAR_PNG_WIDTH, rows, image::ExtendedColorType::Rgba8)
        .ok()?;
    Some(format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(&buf)))
}

/// Data -> absolute SVG position inside frame `fr`.
fn to_svg(panel: &SynthPanel, fr: Rect, x: f64, y: f64) -> Option<(f64, f64)> {
    let fx = fraction(&panel.x, x)?;
    let fy = fraction(&panel.y, y)?;
    let p = (fr.x0 + fx * (fr.x1 - fr.x0), fr.y1 - fy * (fr.y1 - fr.y0));
    (p.0.is_finite() && p.1.is_finite()).then_some(p)
}

/// SVG coordinate -> data value; `lo`/`hi` are the coordinates of the axis min/max.
#[cfg(test)]
fn from_svg(axis: &SynthAxis, lo: f64, hi: f64, s: f64) -> f64 {
    let a = scaled(axis.scale, axis.min).unwrap_or(f64::NAN);
    let b = scaled(axis.scale, axis.max).unwrap_or(f64::NAN);
    let t = a + (s - lo) / (hi - lo) * (b - a);
    match axis.scale {
        SynthScale::Linear => t,
        SynthScale::Log => 10f64.powf(t),
    }
}

fn legend_box(panel: &SynthPanel, fr: Rect) -> Option<Rect> {
    if !panel.legend || panel.series.is_empty() {
        return None;
    }
    let chars = panel.series.iter().map(|s| s.name.chars().count()).max().unwrap_or(0) as f64;
    let w = 28.0 + 0.6 * LEGEND_FONT * chars;
    let h = LEGEND_ROW * panel.series.len() as f64 + 6.0;
    let x1 = fr.x1 - 6.0;
    let y0 = fr.y0 + 6.0;
    Some(Rect { x0: x1 - w, y0, x1, y1: y0 + h })
}

fn legend_row_y(lb: Rect, k: usize) -> f64 {
    lb.y0 + 3.0 + LEGEND_ROW * (k as f64 + 0.5)
}

/// Where a data point is drawn, or `None` when render skips it (see module invariants).
fn place(panel: &SynthPanel, fr: Rect, lb: Option<Rect>, x: f64, y: f64) -> Option<(f64, f64)> {
    let p = to_svg(panel, fr, x, y)?;
    if !fr.contains(p) {
        return None;
    }
    if lb.is_some_and(|b| b.overlaps_box(p, MARKER_CLEARANCE)) {
        return None;
    }
    Some(p)
}

/// The nested marker groups of panel `i`: transform strings and their exact composition.
fn nest(i: usize, fr: Rect) -> ([String; 3], Affine) {
    let s = if i.is_multiple_of(2) { 2.0 } else { 0.5 };
    let angle = 30 + 15 * (i % 3);
    let groups = [
        format!("translate({} {}) scale({})", num(fr.x0), num(fr.y1), num(s)),
        format!("matrix(1 0 0 -1 0 0) rotate({angle})"),
        format!("rotate(-{angle})"),
    ];
    (groups, Affine([s, 0.0, 0.0, -s, fr.x0, fr.y1]))
}

enum Geo {
    Circle(f64),
    Poly(Vec<(f64, f64)>),
    Strokes(Vec<[(f64, f64); 2]>),
}

/// Marker geometry around the origin in root-space offsets (y down), bounding box centred on 0.
fn geometry(shape: SynthShape) -> Geo {
    match shape {
        SynthShape::Circle => Geo::Circle(3.0),
        SynthShape::Square => Geo::Poly(vec![(-3.0, -3.0), (3.0, -3.0), (3.0, 3.0), (-3.0, 3.0)]),
        SynthShape::Diamond => Geo::Poly(vec![(0.0, -3.5), (3.5, 0.0), (0.0, 3.5), (-3.5, 0.0)]),
        SynthShape::TriangleUp => Geo::Poly(vec![(0.0, -3.5), (3.5, 3.5), (-3.5, 3.5)]),
        SynthShape::Cross => Geo::Strokes(vec![[(-3.0, -3.0), (3.0, 3.0)], [(-3.0, 3.0), (3.0, -3.0)]]),
        SynthShape::Plus => Geo::Strokes(vec![[(-3.5, 0.0), (3.5, 0.0)], [(0.0, -3.5), (0.0, 3.5)]]),
    }
}

fn shape_key(shape: SynthShape) -> &'static str {
    match shape {
        SynthShape::Circle => "circle",
        SynthShape::Square => "square",
        SynthShape::Diamond => "diamond",
        SynthShape::TriangleUp => "triangle_up",
        SynthShape::Cross => "cross",
        SynthShape::Plus => "plus",
    }
}

/// Path data for `geo`, offsets mapped by `lin` and placed at `c`.
fn path_d(geo: &Geo, c: (f64, f64), lin: &Affine) -> String {
    let pt = |o: (f64, f64)| {
        let (x, y) = lin.apply_linear(o);
        format!("{} {}", num(c.0 + x), num(c.1 + y))
    };
    match geo {
        Geo::Circle(r) => {
            let (r, k) = (*r, KAPPA * *r);
            let mut d = format!("M {}", pt((r, 0.0)));
            let arcs = [
                [(r, k), (k, r), (0.0, r)],
                [(-k, r), (-r, k), (-r, 0.0)],
                [(-r, -k), (-k, -r), (0.0, -r)],
                [(k, -r), (r, -k), (r, 0.0)],
            ];
            for [a, b, e] in arcs {
                d.push_str(&format!(" C {} {} {}", pt(a), pt(b), pt(e)));
            }
            d.push_str(" Z");
            d
        }
        Geo::Poly(v) => {
            let mut d = String::new();
            for (k, o) in v.iter().enumerate() {
                d.push_str(if k == 0 { "M " } else { " L " });
                d.push_str(&pt(*o));
            }
            d.push_str(" Z");
            d
        }
        Geo::Strokes(segs) => {
            let parts: Vec<String> = segs.iter().map(|[a, b]| format!("M {} L {}", pt(*a), pt(*b))).collect();
            parts.join(" ")
        }
    }
}

/// How markers are written in one group: style and the root -> written-space map.
struct Pen {
    style: MarkerStyle,
    outline: bool,
    to_written: Affine,
    /// Suffix of `<defs>` ids used by this pen (`DefsUse`).
    def_suffix: &'static str,
    panel: usize,
}

impl Pen {
    fn def_id(&self, shape: SynthShape) -> String {
        format!("m{}_{}{}", self.panel, shape_key(shape), self.def_suffix)
    }

    fn def(&self, shape: SynthShape) -> String {
        let lin = self.to_written.linear();
        format!("<path id=\"{}\" d=\"{}\"/>\n", self.def_id(shape), path_d(&geometry(shape), (0.0, 0.0), &lin))
    }

    /// Draws one marker centred at root-space `centre`.
    fn marker(&self, out: &mut String, shape: SynthShape, centre: (f64, f64), colour: &str) {
        let (cx, cy) = self.to_written.apply(centre);
        let lin = self.to_written.linear();
        let geo = geometry(shape);
        let sw = num(lin.det().abs().sqrt());
        let c = esc(colour);
        let stroked = matches!(geo, Geo::Strokes(_));
        let inline = if stroked {
            format!("fill=\"none\" stroke=\"{c}\" stroke-width=\"{sw}\"")
        } else if self.outline {
            format!("fill=\"{c}\" stroke=\"{c}\" stroke-width=\"{sw}\"")
        } else {
            format!("fill=\"{c}\"")
        };
        let separate = |out: &mut String, d: &str, transform: &str| {
            if stroked {
                out.push_str(&format!("<path{transform} d=\"{d}\" {inline}/>\n"));
            } else {
                out.push_str(&format!("<path{transform} d=\"{d}\" fill=\"{c}\"/>\n"));
                if self.outline {
                    out.push_str(&format!(
                        "<path{transform} d=\"{d}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"{sw}\"/>\n"
                    ));
                }
            }
        };
        match self.style {
            MarkerStyle::Element => match (&geo, shape) {
                (Geo::Circle(r), _) => {
                    let r = r * lin.det().abs().sqrt();
                    out.push_str(&format!(
                        "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" {inline}/>\n",
                        num(cx),
                        num(cy),
                        num(r)
                    ));
                }
                (Geo::Poly(v), SynthShape::Square) => {
                    let pts: Vec<(f64, f64)> = v.iter().map(|o| lin.apply_linear(*o)).collect();
                    let x0 = pts.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
                    let x1 = pts.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
                    let y0 = pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
                    let y1 = pts.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
                    out.push_str(&format!(
                        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {inline}/>\n",
                        num(cx + x0),
                        num(cy + y0),
                        num(x1 - x0),
                        num(y1 - y0)
                    ));
                }
                (Geo::Poly(v), _) => {
                    // R (svglite) draws triangles as <polygon>s centred on their centroid, not
                    // on their bounding box; the Element style follows it.
                    let (gx, gy) = if v.len() == 3 {
                        (v.iter().map(|p| p.0).sum::<f64>() / 3.0, v.iter().map(|p| p.1).sum::<f64>() / 3.0)
                    } else {
                        (0.0, 0.0)
                    };
                    let pts: Vec<String> = v
                        .iter()
                        .map(|o| {
                            let (x, y) = lin.apply_linear((o.0 - gx, o.1 - gy));
                            format!("{},{}", num(cx + x), num(cy + y))
                        })
                        .collect();
                    out.push_str(&format!("<polygon points=\"{}\" {inline}/>\n", pts.join(" ")));
                }
                (Geo::Strokes(_), _) => {
                    out.push_str(&format!("<path d=\"{}\" {inline}/>\n", path_d(&geo, (cx, cy), &lin)));
                }
            },
            MarkerStyle::DefsUse => {
                out.push_str(&format!(
                    "<use xlink:href=\"#{}\" x=\"{}\" y=\"{}\" {inline}/>\n",
                    self.def_id(shape),
                    num(cx),
                    num(cy)
                ));
            }
            MarkerStyle::PathTransform => {
                let [a, b, c2, d, _, _] = lin.0;
                let flipped = Affine([a, -b, c2, -d, 0.0, 0.0]);
                let path = path_d(&geo, (0.0, 0.0), &flipped);
                let transform = format!(" transform=\"matrix(1,0,0,-1,{},{})\"", num(cx), num(cy));
                separate(out, &path, &transform);
            }
            MarkerStyle::AbsolutePath => {
                let path = path_d(&geo, (cx, cy), &lin);
                separate(out, &path, "");
            }
        }
    }
}

/// Power-of-ten exponent of `v`, if `v` is (to 1e-12 relative) an integral power of ten.
fn pow10_exponent(v: f64) -> Option<i32> {
    if !(v > 0.0) || !v.is_finite() {
        return None;
    }
    let e = v.log10().round();
    if e.abs() > 300.0 {
        return None;
    }
    let p = 10f64.powi(e as i32);
    ((v - p).abs() <= 1e-12 * p).then_some(e as i32)
}

/// Horizontal alignment of a tick label at its anchor.
#[derive(Clone, Copy, PartialEq)]
enum Align {
    /// Centred (x axis).
    Middle,
    /// Ending at the anchor (left y axis).
    End,
    /// Starting at the anchor (colour bar, right side).
    Start,
}

/// Estimated width of a tick label (power-of-ten labels as `10` and a superscript).
fn tick_label_width(scale: SynthScale, v: f64) -> f64 {
    match if scale == SynthScale::Log { pow10_exponent(v) } else { None } {
        None => 0.6 * TICK_FONT * num(v).chars().count() as f64,
        Some(e) => 11.0 + 0.6 * EXP_FONT * e.to_string().chars().count() as f64,
    }
}

/// Tick label aligned at `at` (x) as `align` says, baseline `y`.
fn tick_label(out: &mut String, scale: SynthScale, v: f64, at: f64, y: f64, align: Align) {
    let exp = if scale == SynthScale::Log { pow10_exponent(v) } else { None };
    match exp {
        None => {
            let anchor = match align {
                Align::Middle => "middle",
                Align::End => "end",
                Align::Start => "start",
            };
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-family=\"{FONT}\" font-size=\"{}\" text-anchor=\"{anchor}\">{}</text>\n",
                num(at),
                num(y),
                num(TICK_FONT),
                esc(&num(v))
            ));
        }
        Some(e) => {
            let total = tick_label_width(scale, v);
            let e = e.to_string();
            let start = match align {
                Align::Middle => at - total / 2.0,
                Align::End => at - total,
                Align::Start => at,
            };
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-family=\"{FONT}\" font-size=\"{}\">10</text>\n",
                num(start),
                num(y),
                num(TICK_FONT)
            ));
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-family=\"{FONT}\" font-size=\"{}\">{e}</text>\n",
                num(start + 11.0),
                num(y - 4.0),
                num(EXP_FONT)
            ));
        }
    }
}

/// Tick position along [lo, hi] (coordinates of axis min/max), if the tick is in range.
fn tick_pos(axis: &SynthAxis, v: f64, lo: f64, hi: f64) -> Option<f64> {
    let f = fraction(axis, v)?;
    if !(-1e-9..=1.0 + 1e-9).contains(&f) {
        return None;
    }
    Some(lo + f * (hi - lo))
}

/// Renders `spec` to SVG with its ground-truth points.
pub fn render(spec: &SynthSpec) -> SynthFigure {
    let (w, h) = (spec.width, spec.height);
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" \
         width=\"{}pt\" height=\"{}pt\" viewBox=\"0 0 {} {}\">\n",
        num(w * spec.view_scale),
        num(h * spec.view_scale),
        num(w),
        num(h)
    ));
    out.push_str(&format!(
        "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" stroke=\"none\"/>\n",
        num(w),
        num(h)
    ));
    if !spec.title.is_empty() {
        out.push_str(&format!(
            "<text x=\"{}\" y=\"18\" font-family=\"{FONT}\" font-size=\"12\" text-anchor=\"middle\">{}</text>\n",
            num(w / 2.0),
            esc(&spec.title)
        ));
    }
    let mut points = Vec::new();
    for (i, panel) in spec.panels.iter().enumerate() {
        render_panel(&mut out, &mut points, spec, i, panel);
    }
    out.push_str("</svg>\n");
    SynthFigure { svg: out, points }
}

fn render_panel(out: &mut String, points: &mut Vec<TruePoint>, spec: &SynthSpec, i: usize, panel: &SynthPanel) {
    let fr = frame(spec, i);
    let lb = legend_box(panel, fr);
    out.push_str(&format!("<g id=\"axes_{}\">\n", i + 1));

    // Grid lines (below the markers).
    if panel.grid {
        let grid = "fill=\"none\" stroke=\"#b0b0b0\" stroke-width=\"0.8\"";
        for &t in &panel.x.ticks {
            if let Some(x) = tick_pos(&panel.x, t, fr.x0, fr.x1) {
                out.push_str(&format!("<path d=\"M {0} {1} L {0} {2}\" {grid}/>\n", num(x), num(fr.y1), num(fr.y0)));
            }
        }
        for &t in &panel.y.ticks {
            if let Some(y) = tick_pos(&panel.y, t, fr.y1, fr.y0) {
                out.push_str(&format!("<path d=\"M {1} {0} L {2} {0}\" {grid}/>\n", num(y), num(fr.x0), num(fr.x1)));
            }
        }
    }

    // Marker pens: data markers (maybe nested) and legend swatches (root space).
    let (groups, composition) = nest(i, fr);
    let data_pen = Pen {
        style: spec.marker_style,
        outline: spec.outline,
        to_written: if spec.nested_transforms { composition.inverse() } else { Affine::IDENTITY },
        def_suffix: "",
        panel: i,
    };
    let swatch_pen = Pen {
        style: spec.marker_style,
        outline: spec.outline,
        to_written: Affine::IDENTITY,
        def_suffix: if spec.nested_transforms { "_legend" } else { "" },
        panel: i,
    };

    out.push_str("<defs>\n");
    out.push_str(&format!(
        "<clipPath id=\"clip{i}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath>\n",
        num(fr.x0),
        num(fr.y0),
        num(fr.x1 - fr.x0),
        num(fr.y1 - fr.y0)
    ));
    if spec.marker_style == MarkerStyle::DefsUse {
        let mut shapes: Vec<SynthShape> = Vec::new();
        for s in &panel.series {
            if !shapes.contains(&s.shape) {
                shapes.push(s.shape);
            }
        }
        for &s in &shapes {
            out.push_str(&data_pen.def(s));
        }
        if spec.nested_transforms && lb.is_some() {
            for &s in &shapes {
                out.push_str(&swatch_pen.def(s));
            }
        }
    }
    out.push_str("</defs>\n");

    // Data markers, clipped to the frame.
    out.push_str(&format!("<g clip-path=\"url(#clip{i})\">\n"));
    if spec.nested_transforms {
        for g in &groups {
            out.push_str(&format!("<g transform=\"{g}\">\n"));
        }
    }
    let bar = panel.colour_bar.as_ref().map(|cb| (cb, cb.colours()));
    for s in &panel.series {
        for (j, &(x, y)) in s.points.iter().enumerate() {
            let Some(c) = place(panel, fr, lb, x, y) else { continue };
            // A value the bar can place gives the fill; any other point keeps the series colour.
            let coded = bar.as_ref().zip(s.values.get(j)).and_then(|((cb, colours), &v)| {
                let k = cb.bin(v)?;
                Some((v, hex(colours[k])))
            });
            let (value, fill) = match coded {
                Some((v, f)) => (Some(v), f),
                None => (None, s.fill.clone()),
            };
            data_pen.marker(out, s.shape, c, &fill);
            points.push(TruePoint { panel: i, series: s.name.clone(), x, y, x_svg: c.0, y_svg: c.1, fill, value });
        }
    }
    if spec.nested_transforms {
        for _ in &groups {
            out.push_str("</g>\n");
        }
    }
    out.push_str("</g>\n");

    // Frame on top of the markers.
    out.push_str(&format!(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#000000\" stroke-width=\"1\"/>\n",
        num(fr.x0),
        num(fr.y0),
        num(fr.x1 - fr.x0),
        num(fr.y1 - fr.y0)
    ));

    // Ticks and tick labels.
    let tick = "fill=\"none\" stroke=\"#000000\" stroke-width=\"0.8\"";
    for &t in &panel.x.ticks {
        let Some(x) = tick_pos(&panel.x, t, fr.x0, fr.x1) else { continue };
        if panel.tick_marks {
            out.push_str(&format!(
                "<path d=\"M {0} {1} L {0} {2}\" {tick}/>\n",
                num(x),
                num(fr.y1),
                num(fr.y1 + TICK_LEN)
            ));
        }
        tick_label(out, panel.x.scale, t, x, fr.y1 + 14.0, Align::Middle);
    }
    for &t in &panel.y.ticks {
        let Some(y) = tick_pos(&panel.y, t, fr.y1, fr.y0) else { continue };
        if panel.tick_marks {
            out.push_str(&format!(
                "<path d=\"M {1} {0} L {2} {0}\" {tick}/>\n",
                num(y),
                num(fr.x0 - TICK_LEN),
                num(fr.x0)
            ));
        }
        tick_label(out, panel.y.scale, t, fr.x0 - 7.0, y + 0.35 * TICK_FONT, Align::End);
    }

    // Axis titles.
    if !panel.x.label.is_empty() {
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-family=\"{FONT}\" font-size=\"11\" text-anchor=\"middle\">{}</text>\n",
            num((fr.x0 + fr.x1) / 2.0),
            num(fr.y1 + 32.0),
            esc(&panel.x.label)
        ));
    }
    if !panel.y.label.is_empty() {
        let (x, y) = (num(fr.x0 - 44.0), num((fr.y0 + fr.y1) / 2.0));
        out.push_str(&format!(
            "<text x=\"{x}\" y=\"{y}\" transform=\"rotate(-90 {x} {y})\" font-family=\"{FONT}\" font-size=\"11\" \
             text-anchor=\"middle\">{}</text>\n",
            esc(&panel.y.label)
        ));
    }

    // Legend (not clipped, swatches are not data points).
    if let Some(lb) = lb {
        out.push_str(&format!("<g id=\"legend_{}\">\n", i + 1));
        out.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\" ry=\"2\" fill=\"#ffffff\" stroke=\"#cccccc\" \
             stroke-width=\"0.8\"/>\n",
            num(lb.x0),
            num(lb.y0),
            num(lb.x1 - lb.x0),
            num(lb.y1 - lb.y0)
        ));
        for (k, s) in panel.series.iter().enumerate() {
            let cy = legend_row_y(lb, k);
            swatch_pen.marker(out, s.shape, (lb.x0 + 12.0, cy), &s.fill);
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-family=\"{FONT}\" font-size=\"{}\">{}</text>\n",
                num(lb.x0 + 22.0),
                num(cy + 0.35 * LEGEND_FONT),
                num(LEGEND_FONT),
                esc(&s.name)
            ));
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");
    if let Some(cb) = &panel.colour_bar {
        render_colour_bar(out, i, fr, cb);
    }
}

/// A vertical colour bar right of frame `fr`: the ramp (an image or a stack of rectangles) exactly
/// covering the bar's frame, the frame, tick marks touching its right edge, tick labels right of
/// them, and the bar's title rotated beyond the labels.
fn render_colour_bar(out: &mut String, i: usize, fr: Rect, cb: &SynthColourBar) {
    let b = bar_frame(fr);
    let (w, h) = (b.x1 - b.x0, b.y1 - b.y0);
    let colours = cb.colours();
    out.push_str(&format!("<g id=\"colourbar_{}\">\n", i + 1));
    if cb.raster {
        if let Some(url) = png_data_url(&colours) {
            out.push_str(&format!(
                "<image x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" preserveAspectRatio=\"none\" \
                 xlink:href=\"{url}\"/>\n",
                num(b.x0),
                num(b.y0),
                num(w),
                num(h)
            ));
        }
    } else {
        let k = colours.len() as f64;
        for (j, c) in colours.iter().enumerate() {
            let top = b.y1 - h * (j as f64 + 1.0) / k;
            let bottom = b.y1 - h * j as f64 / k;
            out.push_str(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"none\"/>\n",
                num(b.x0),
                num(top),
                num(w),
                num(bottom - top),
                hex(*c)
            ));
        }
    }
    out.push_str(&format!(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#000000\" stroke-width=\"0.8\"/>\n",
        num(b.x0),
        num(b.y0),
        num(w),
        num(h)
    ));
    let axis = cb.axis();
    let tick = "fill=\"none\" stroke=\"#000000\" stroke-width=\"0.8\"";
    let mut widest: f64 = 0.0;
    for &t in &cb.ticks {
        let Some(y) = tick_pos(&axis, t, b.y1, b.y0) else { continue };
        out.push_str(&format!("<path d=\"M {1} {0} L {2} {0}\" {tick}/>\n", num(y), num(b.x1), num(b.x1 + TICK_LEN)));
        tick_label(out, cb.scale, t, b.x1 + TICK_LEN + 3.0, y + 0.35 * TICK_FONT, Align::Start);
        widest = widest.max(tick_label_width(cb.scale, t));
    }
    if !cb.label.is_empty() {
        let (x, y) = (num(b.x1 + TICK_LEN + 3.0 + widest + 12.0), num((b.y0 + b.y1) / 2.0));
        out.push_str(&format!(
            "<text x=\"{x}\" y=\"{y}\" transform=\"rotate(-90 {x} {y})\" font-family=\"{FONT}\" font-size=\"11\" \
             text-anchor=\"middle\">{}</text>\n",
            esc(&cb.label)
        ));
    }
    out.push_str("</g>\n");
}

/// Tiny deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.unit()
    }

    fn sym(&mut self) -> f64 {
        self.range(-1.0, 1.0)
    }
}

/// Appends up to `n` generated points to series `s` of panel `p`, skipping candidates that render
/// would skip (outside the frame, under the legend), that lie closer than `GEN_INSET` to the frame
/// edge, or closer than `GEN_MIN_SEP` to another marker of the panel. Gives up after `50 n` tries.
fn grow(
    spec: &mut SynthSpec,
    p: usize,
    s: usize,
    n: usize,
    rng: &mut Rng,
    mut sample: impl FnMut(&mut Rng) -> (f64, f64),
) {
    grow_valued(spec, p, s, n, rng, |r| {
        let (x, y) = sample(r);
        (x, y, None)
    });
}

/// [`grow`] for points with colour values (pushed to the series' `values` when `Some`). With a
/// colour bar on the panel, a value must lie inside the bar's range and at least
/// `GEN_BIN_MARGIN` of a bin away from the bin's edges (so its bin is unambiguous).
fn grow_valued(
    spec: &mut SynthSpec,
    p: usize,
    s: usize,
    n: usize,
    rng: &mut Rng,
    mut sample: impl FnMut(&mut Rng) -> (f64, f64, Option<f64>),
) {
    let fr = frame(spec, p);
    let Some(panel) = spec.panels.get(p) else { return };
    let lb = legend_box(panel, fr);
    let inner = Rect { x0: fr.x0 + GEN_INSET, y0: fr.y0 + GEN_INSET, x1: fr.x1 - GEN_INSET, y1: fr.y1 - GEN_INSET };
    let mut placed: Vec<(f64, f64)> =
        panel.series.iter().flat_map(|se| se.points.iter().filter_map(|&(x, y)| place(panel, fr, lb, x, y))).collect();
    let clear_of_edges = |v: f64| {
        panel.colour_bar.as_ref().is_none_or(|cb| {
            norm(cb.scale, cb.min, cb.max, v).is_some_and(|t| {
                let f = t * cb.k() as f64;
                (0.0..=1.0).contains(&t) && f - f.floor() >= GEN_BIN_MARGIN && f - f.floor() <= 1.0 - GEN_BIN_MARGIN
            })
        })
    };
    let mut fresh = Vec::new();
    let mut tries = 0;
    while fresh.len() < n && tries < 50 * n {
        tries += 1;
        let (x, y, v) = sample(rng);
        let Some(q) = place(panel, fr, lb, x, y) else { continue };
        if !inner.contains(q) || placed.iter().any(|o| (o.0 - q.0).hypot(o.1 - q.1) < GEN_MIN_SEP) {
            continue;
        }
        if v.is_some_and(|v| !clear_of_edges(v)) {
            continue;
        }
        placed.push(q);
        fresh.push((x, y, v));
    }
    if let Some(series) = spec.panels.get_mut(p).and_then(|pa| pa.series.get_mut(s)) {
        for (x, y, v) in fresh {
            series.points.push((x, y));
            if let Some(v) = v {
                series.values.push(v);
            }
        }
    }
}

fn axis(label: &str, scale: SynthScale, min: f64, max: f64, ticks: &[f64]) -> SynthAxis {
    SynthAxis { label: label.to_string(), scale, min, max, ticks: ticks.to_vec() }
}

fn series(name: &str, shape: SynthShape, fill: &str) -> SynthSeries {
    SynthSeries { name: name.to_string(), shape, fill: fill.to_string(), points: Vec::new(), values: Vec::new() }
}

fn panel(
    x: SynthAxis,
    y: SynthAxis,
    series: Vec<SynthSeries>,
    tick_marks: bool,
    grid: bool,
    legend: bool,
) -> SynthPanel {
    SynthPanel { x, y, series, tick_marks, grid, legend, colour_bar: None }
}

fn with_bar(p: SynthPanel, bar: SynthColourBar) -> SynthPanel {
    SynthPanel { colour_bar: Some(bar), ..p }
}

#[allow(clippy::too_many_arguments)]
fn colour_bar(
    label: &str,
    scale: SynthScale,
    min: f64,
    max: f64,
    ticks: &[f64],
    cmap: SynthCmap,
    raster: bool,
    levels: usize,
) -> SynthColourBar {
    SynthColourBar { label: label.to_string(), scale, min, max, ticks: ticks.to_vec(), cmap, raster, levels }
}

fn decades(lo: i32, hi: i32) -> Vec<f64> {
    (lo..=hi).map(|e| 10f64.powi(e)).collect()
}

/// The project's demo figure: a log-log scaling-law panel (two noisy power laws, 20 points each,
/// circles and squares) with a legend, and a linear residual panel with negative values
/// (20 diamonds). Tick marks and grid on both; matplotlib-style `<defs>`/`<use>` markers.
pub fn demo_spec() -> SynthSpec {
    use SynthScale::{Linear, Log};
    let log_panel = panel(
        axis("Training compute C (FLOPs)", Log, 1e17, 1e23, &decades(17, 23)),
        axis("Validation loss", Log, 0.5, 20.0, &[1.0, 2.0, 5.0, 10.0]),
        vec![series("Family A", SynthShape::Circle, "#1f77b4"), series("Family B", SynthShape::Square, "#ff7f0e")],
        true,
        true,
        true,
    );
    let lin_panel = panel(
        axis("Compute offset (dex)", Linear, -3.0, 3.0, &[-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0]),
        axis("Loss residual (%)", Linear, -10.0, 10.0, &[-10.0, -5.0, 0.0, 5.0, 10.0]),
        vec![series("Residuals", SynthShape::Diamond, "#2ca02c")],
        true,
        true,
        false,
    );
    let mut spec = SynthSpec {
        title: "Synthetic scaling law (figdig demo)".to_string(),
        panels: vec![log_panel, lin_panel],
        marker_style: MarkerStyle::DefsUse,
        outline: false,
        nested_transforms: false,
        width: 720.0,
        height: 320.0,
        view_scale: 1.0,
    };
    let mut rng = Rng(0x5eed_f1a5);
    grow(&mut spec, 0, 0, 20, &mut rng, |r| {
        let c = 10f64.powf(r.range(17.3, 21.0));
        (c, 2.0e3 * c.powf(-0.155) * (0.08 * r.sym()).exp())
    });
    grow(&mut spec, 0, 1, 20, &mut rng, |r| {
        let c = 10f64.powf(r.range(19.0, 22.7));
        (c, 1.6e3 * c.powf(-0.15) * (0.08 * r.sym()).exp())
    });
    grow(&mut spec, 1, 0, 20, &mut rng, |r| {
        let x = r.range(-2.8, 2.8);
        (x, -2.0 * x + 3.0 * r.sym())
    });
    spec
}

fn spec_of(title: &str, panels: Vec<SynthPanel>, style: MarkerStyle, outline: bool, nested: bool) -> SynthSpec {
    let n = panels.len().max(1) as f64;
    SynthSpec {
        title: title.to_string(),
        panels,
        marker_style: style,
        outline,
        nested_transforms: nested,
        width: 380.0 * n,
        height: 300.0,
        view_scale: 1.0,
    }
}

/// A linear panel with negative values (series 0..k) and a log-log panel, for nested specs.
fn nested_spec(name: &str, style: MarkerStyle, outline: bool, seed: u64) -> SynthSpec {
    use SynthScale::{Linear, Log};
    use SynthShape::*;
    let p0 = panel(
        axis("x", Linear, -5.0, 5.0, &[-4.0, -2.0, 0.0, 2.0, 4.0]),
        axis("y", Linear, -20.0, 20.0, &[-20.0, -10.0, 0.0, 10.0, 20.0]),
        vec![
            series("circles", Circle, "#1f77b4"),
            series("squares", Square, "#ff7f0e"),
            series("diamonds", Diamond, "#2ca02c"),
        ],
        true,
        true,
        true,
    );
    let p1 = panel(
        axis("N", Log, 1.0, 1e4, &decades(0, 4)),
        axis("L", Log, 1e-2, 1e2, &decades(-2, 2)),
        vec![
            series("triangles", TriangleUp, "#9467bd"),
            series("crosses", Cross, "#8c564b"),
            series("pluses", Plus, "#e377c2"),
        ],
        true,
        true,
        false,
    );
    let mut spec = spec_of(name, vec![p0, p1], style, outline, true);
    let mut rng = Rng(seed);
    for s in 0..3 {
        let off = s as f64 * 6.0 - 6.0;
        grow(&mut spec, 0, s, 8, &mut rng, |r| {
            let x = r.range(-4.8, 4.8);
            (x, -2.5 * x + off + 2.0 * r.sym())
        });
        let a = 10f64.powf(s as f64 * 0.5);
        grow(&mut spec, 1, s, 8, &mut rng, |r| {
            let n = 10f64.powf(r.range(0.1, 3.9));
            (n, a * 20.0 * n.powf(-0.6) * (0.2 * r.sym()).exp())
        });
    }
    spec
}

/// Named specs covering linear and log axes, negative values, every [`SynthShape`], every
/// [`MarkerStyle`], nested transforms, tick marks only, grid lines only, `view_scale != 1`, legends.
pub fn test_specs() -> Vec<(String, SynthSpec)> {
    use SynthScale::{Linear, Log};
    use SynthShape::*;
    let mut specs = Vec::new();

    // Linear axes with negative values, <circle>/<rect> elements, ticks + grid + legend.
    let mut s = spec_of(
        "linear elements",
        vec![panel(
            axis("time (s)", Linear, -10.0, 10.0, &[-10.0, -5.0, 0.0, 5.0, 10.0]),
            axis("signal", Linear, -1.0, 1.0, &[-1.0, -0.5, 0.0, 0.5, 1.0]),
            vec![series("alpha", Circle, "#1f77b4"), series("beta", Square, "#d62728")],
            true,
            true,
            true,
        )],
        MarkerStyle::Element,
        false,
        false,
    );
    let mut rng = Rng(11);
    grow(&mut s, 0, 0, 15, &mut rng, |r| {
        let x = r.range(-9.5, 9.5);
        (x, 0.8 * (x * 0.4).sin() + 0.1 * r.sym())
    });
    grow(&mut s, 0, 1, 15, &mut rng, |r| (r.range(-9.5, 9.5), r.range(-0.95, 0.6)));
    specs.push(("linear_element".to_string(), s));

    // Log-log axes, matplotlib-style defs/use with outlines, view_scale 1.25.
    let mut s = spec_of(
        "log defs/use",
        vec![panel(
            axis("tokens", Log, 10.0, 1e5, &decades(1, 5)),
            axis("error", Log, 1e-3, 1.0, &decades(-3, 0)),
            vec![series("diamond law", Diamond, "#2ca02c"), series("triangle law", TriangleUp, "#9467bd")],
            true,
            true,
            true,
        )],
        MarkerStyle::DefsUse,
        true,
        false,
    );
    s.view_scale = 1.25;
    let mut rng = Rng(22);
    grow(&mut s, 0, 0, 15, &mut rng, |r| {
        let n = 10f64.powf(r.range(1.1, 4.9));
        (n, 0.9 * n.powf(-0.5) * (0.15 * r.sym()).exp())
    });
    grow(&mut s, 0, 1, 15, &mut rng, |r| {
        let n = 10f64.powf(r.range(1.1, 4.9));
        (n, 0.3 * n.powf(-0.5) * (0.15 * r.sym()).exp())
    });
    specs.push(("log_defs_use".to_string(), s));

    // MuPDF-style flipped path markers with separate outlines; tick marks only (no grid).
    let mut s = spec_of(
        "path transform, ticks only",
        vec![panel(
            axis("percent", Linear, 0.0, 100.0, &[0.0, 25.0, 50.0, 75.0, 100.0]),
            axis("delta", Linear, -50.0, 50.0, &[-50.0, -25.0, 0.0, 25.0, 50.0]),
            vec![
                series("x marks", Cross, "#8c564b"),
                series("plus marks", Plus, "#e377c2"),
                series("dots", Circle, "#17becf"),
            ],
            true,
            false,
            true,
        )],
        MarkerStyle::PathTransform,
        true,
        false,
    );
    let mut rng = Rng(33);
    for k in 0..3 {
        grow(&mut s, 0, k, 10, &mut rng, |r| (r.range(2.0, 98.0), r.range(-48.0, 30.0)));
    }
    specs.push(("path_transform_ticks_only".to_string(), s));

    // Cairo-style absolute paths; semi-log with plain and power-of-ten labels; grid only; no legend.
    let mut s = spec_of(
        "absolute paths, grid only",
        vec![panel(
            axis("z", Linear, -3.0, 3.0, &[-3.0, -1.5, 0.0, 1.5, 3.0]),
            axis("rate", Log, 0.1, 100.0, &[0.1, 0.5, 1.0, 10.0, 20.0, 100.0]),
            vec![series("squares", Square, "#bcbd22"), series("diamonds", Diamond, "#7f7f7f")],
            false,
            true,
            false,
        )],
        MarkerStyle::AbsolutePath,
        true,
        false,
    );
    s.view_scale = 0.5;
    let mut rng = Rng(44);
    grow(&mut s, 0, 0, 12, &mut rng, |r| {
        let z = r.range(-2.9, 2.9);
        (z, 10f64.powf(0.5 + 0.45 * z + 0.2 * r.sym()))
    });
    grow(&mut s, 0, 1, 12, &mut rng, |r| {
        let z = r.range(-2.9, 2.9);
        (z, 10f64.powf(1.0 - 0.3 * z + 0.2 * r.sym()))
    });
    specs.push(("absolute_path_grid_only".to_string(), s));

    // Every marker style under nested transforms, every shape, two panels.
    for (k, (name, style, outline)) in [
        ("nested_element", MarkerStyle::Element, false),
        ("nested_defs_use", MarkerStyle::DefsUse, true),
        ("nested_path_transform", MarkerStyle::PathTransform, true),
        ("nested_absolute_path", MarkerStyle::AbsolutePath, false),
    ]
    .into_iter()
    .enumerate()
    {
        let mut s = nested_spec(name, style, outline, 100 + k as u64);
        if k % 2 == 1 {
            s.view_scale = 2.0;
        }
        specs.push((name.to_string(), s));
    }

    // Colour-coded points: a raster (PNG) viridis bar with a log norm, matplotlib-style markers.
    let mut s = spec_of(
        "colour bar: raster, log norm, viridis",
        vec![with_bar(
            panel(
                axis("tokens", Log, 1e8, 1e12, &decades(8, 12)),
                axis("loss", Linear, 1.5, 4.5, &[1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5]),
                vec![series("runs", Circle, "#000000")],
                true,
                true,
                false,
            ),
            colour_bar("parameters", Log, 1e7, 1e11, &decades(7, 11), SynthCmap::Viridis, true, 256),
        )],
        MarkerStyle::DefsUse,
        false,
        false,
    );
    let mut rng = Rng(55);
    grow_valued(&mut s, 0, 0, 30, &mut rng, |r| {
        let (lt, lp) = (r.range(8.1, 11.9), r.range(7.1, 10.9));
        (10f64.powf(lt), 1.7 + 2.5 * (-(lp - 7.0) / 2.0).exp() + 0.1 * r.sym(), Some(10f64.powf(lp)))
    });
    // One value just below the top edge of its bin (bin 200 of 256): on a log norm the bin centre
    // is the geometric mean, so a symmetric half-width must still cover this value.
    if let Some(v) = s.panels[0].series[0].values.last_mut() {
        *v = 10f64.powf(7.0 + 4.0 * 200.998 / 256.0);
    }
    specs.push(("colour_raster_log_viridis".to_string(), s));

    // A vector bar of 64 filled rectangles (greys, linear norm), Cairo-style outlined squares.
    let mut s = spec_of(
        "colour bar: vector, linear norm, greys",
        vec![with_bar(
            panel(
                axis("temperature", Linear, -50.0, 50.0, &[-50.0, -25.0, 0.0, 25.0, 50.0]),
                axis("rate", Log, 0.01, 100.0, &decades(-2, 2)),
                vec![series("trials", Square, "#000000")],
                true,
                false,
                false,
            ),
            colour_bar("accuracy", Linear, 0.0, 1.0, &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0], SynthCmap::Greys, false, 64),
        )],
        MarkerStyle::AbsolutePath,
        true,
        false,
    );
    let mut rng = Rng(66);
    grow_valued(&mut s, 0, 0, 30, &mut rng, |r| {
        let acc = r.range(0.05, 0.98);
        (r.range(-48.0, 48.0), 10f64.powf(-1.5 + 3.0 * acc + 0.3 * r.sym()), Some(acc))
    });
    specs.push(("colour_vector_linear_greys".to_string(), s));

    // Two panels, two bars: plasma raster of 128 colours (linear) and viridis vector of 256
    // rectangles (log), markers as elements under nested transforms.
    let mut s = spec_of(
        "two colour bars",
        vec![
            with_bar(
                panel(
                    axis("width", Linear, 0.0, 10.0, &[0.0, 2.0, 4.0, 6.0, 8.0, 10.0]),
                    axis("depth", Linear, 0.0, 50.0, &[0.0, 10.0, 20.0, 30.0, 40.0, 50.0]),
                    vec![series("cells", Diamond, "#000000")],
                    true,
                    true,
                    false,
                ),
                colour_bar("score", Linear, -1.0, 1.0, &[-1.0, -0.5, 0.0, 0.5, 1.0], SynthCmap::Plasma, true, 128),
            ),
            with_bar(
                panel(
                    axis("N", Log, 1e3, 1e6, &decades(3, 6)),
                    axis("L", Log, 0.1, 10.0, &decades(-1, 1)),
                    vec![series("models", Circle, "#000000")],
                    true,
                    false,
                    false,
                ),
                colour_bar("compute", Log, 1e15, 1e21, &decades(15, 21), SynthCmap::Viridis, false, 256),
            ),
        ],
        MarkerStyle::Element,
        false,
        true,
    );
    let mut rng = Rng(77);
    grow_valued(&mut s, 0, 0, 25, &mut rng, |r| {
        let (x, y) = (r.range(0.3, 9.7), r.range(1.0, 49.0));
        (x, y, Some(((x - 5.0) * (y - 25.0) / 125.0 + 0.05 * r.sym()).clamp(-0.97, 0.97)))
    });
    grow_valued(&mut s, 1, 0, 25, &mut rng, |r| {
        let (ln, lc) = (r.range(3.1, 5.9), r.range(15.2, 20.8));
        (10f64.powf(ln), 10f64.powf(1.6 - 0.25 * ln + 0.05 * (lc - 18.0) + 0.1 * r.sym()), Some(10f64.powf(lc)))
    });
    specs.push(("colour_two_bars".to_string(), s));

    // A categorical legend of four marker series with numeric labels (compute budgets).
    let mut s = spec_of(
        "categorical legend",
        vec![panel(
            axis("Training FLOPs", Log, 1e18, 1e22, &decades(18, 22)),
            axis("Parameters", Log, 1e7, 1e11, &decades(7, 11)),
            vec![
                series("6e+18", Circle, "#440154"),
                series("1e+19", Square, "#31688e"),
                series("3e+19", Diamond, "#35b779"),
                series("1e+20", TriangleUp, "#fde725"),
            ],
            true,
            true,
            true,
        )],
        MarkerStyle::Element,
        false,
        false,
    );
    let mut rng = Rng(88);
    for (k, c) in [18.78f64, 19.0, 19.48, 20.0].into_iter().enumerate() {
        grow(&mut s, 0, k, 10, &mut rng, |r| {
            let lc = c + 1.5 * r.unit();
            (10f64.powf(lc), 10f64.powf(0.5 * lc - 0.5 + 0.3 * r.sym()))
        });
    }
    specs.push(("categorical_legend".to_string(), s));

    specs.push(("demo".to_string(), demo_spec()));
    specs
}

#[cfg(test)]
mod tests {
    use super::*;
    use roxmltree::{Document, Node};

    fn figures() -> Vec<(String, SynthSpec, SynthFigure)> {
        test_specs()
            .into_iter()
            .map(|(n, s)| {
                let f = render(&s);
                (n, s, f)
            })
            .collect()
    }

    fn attr(n: Node, name: &str) -> f64 {
        n.attribute(name).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN)
    }

    fn ctm(n: Node) -> Affine {
        let chain: Vec<Node> = n.ancestors().collect();
        let mut m = Affine::IDENTITY;
        for a in chain.iter().rev() {
            if let Some(t) = a.attribute("transform") {
                let t: svgtypes::Transform = t.parse().unwrap();
                m = m.then_inner(&Affine([t.a, t.b, t.c, t.d, t.e, t.f]));
            }
        }
        m
    }

    fn path_points(d: &str) -> Vec<(f64, f64)> {
        let mut v = Vec::new();
        for seg in svgtypes::SimplifyingPathParser::from(d) {
            match seg.unwrap() {
                svgtypes::SimplePathSegment::MoveTo { x, y } | svgtypes::SimplePathSegment::LineTo { x, y } => {
                    v.push((x, y))
                }
                svgtypes::SimplePathSegment::CurveTo { x1, y1, x2, y2, x, y } => v.extend([(x1, y1), (x2, y2), (x, y)]),
                svgtypes::SimplePathSegment::Quadratic { x1, y1, x, y } => v.extend([(x1, y1), (x, y)]),
                svgtypes::SimplePathSegment::ClosePath => {}
            }
        }
        v
    }

    /// Root-space bounding-box centre of a marker element.
    fn centre(doc: &Document, n: Node) -> (f64, f64) {
        let mut m = ctm(n);
        let pts: Vec<(f64, f64)> = match n.tag_name().name() {
            "circle" => {
                let (cx, cy, r) = (attr(n, "cx"), attr(n, "cy"), attr(n, "r"));
                vec![(cx - r, cy - r), (cx + r, cy + r), (cx - r, cy + r), (cx + r, cy - r)]
            }
            "rect" => {
                let (x, y, w, h) = (attr(n, "x"), attr(n, "y"), attr(n, "width"), attr(n, "height"));
                vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
            }
            "polygon" => svgtypes::PointsParser::from(n.attribute("points").unwrap()).collect(),
            "path" => path_points(n.attribute("d").unwrap()),
            "use" => {
                let href = n.attribute(("http://www.w3.org/1999/xlink", "href")).unwrap();
                let id = href.trim_start_matches('#');
                let def = doc.descendants().find(|d| d.attribute("id") == Some(id)).unwrap();
                m = m.then_inner(&Affine([1.0, 0.0, 0.0, 1.0, attr(n, "x"), attr(n, "y")]));
                path_points(def.attribute("d").unwrap())
            }
            other => panic!("unexpected marker element {other}"),
        };
        assert!(!pts.is_empty());
        let pts: Vec<(f64, f64)> = pts.iter().map(|p| m.apply(*p)).collect();
        if n.tag_name().name() == "polygon" && pts.len() == 3 {
            // Triangles written as polygons are centred on their centroid (R's convention).
            return (pts.iter().map(|p| p.0).sum::<f64>() / 3.0, pts.iter().map(|p| p.1).sum::<f64>() / 3.0);
        }
        let x0 = pts.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
        let x1 = pts.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
        let y0 = pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        let y1 = pts.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
        ((x0 + x1) / 2.0, (y0 + y1) / 2.0)
    }

    /// Marker elements per clip group (panel), separate outline paths removed.
    fn markers<'a>(doc: &'a Document) -> Vec<Vec<Node<'a, 'a>>> {
        let mut panels = Vec::new();
        for g in doc.descendants().filter(|n| n.has_tag_name("g") && n.attribute("clip-path").is_some()) {
            let mut v: Vec<Node> = Vec::new();
            for n in g.descendants().filter(|n| {
                n.is_element() && matches!(n.tag_name().name(), "circle" | "rect" | "polygon" | "path" | "use")
            }) {
                let outline_of_prev = v.last().is_some_and(|p| {
                    n.has_tag_name("path")
                        && p.has_tag_name("path")
                        && n.attribute("fill") == Some("none")
                        && p.attribute("fill") != Some("none")
                        && p.attribute("d") == n.attribute("d")
                        && p.attribute("transform") == n.attribute("transform")
                });
                if !outline_of_prev {
                    v.push(n);
                }
            }
            panels.push(v);
        }
        panels
    }

    #[test]
    fn svg_parses_as_xml_with_root_attributes() {
        for (name, spec, fig) in figures() {
            let doc = Document::parse(&fig.svg).unwrap_or_else(|e| panic!("{name}: {e}"));
            let root = doc.root_element();
            assert_eq!(root.tag_name().name(), "svg", "{name}");
            assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2000/svg"), "{name}");
            assert_eq!(root.attribute("width"), Some(format!("{}pt", num(spec.width * spec.view_scale)).as_str()));
            assert_eq!(root.attribute("height"), Some(format!("{}pt", num(spec.height * spec.view_scale)).as_str()));
            assert_eq!(
                root.attribute("viewBox"),
                Some(format!("0 0 {} {}", num(spec.width), num(spec.height)).as_str())
            );
        }
    }

    #[test]
    fn true_points_lie_inside_their_drawn_frames() {
        for (name, spec, fig) in figures() {
            let doc = Document::parse(&fig.svg).unwrap();
            let frames: Vec<Rect> = doc
                .descendants()
                .filter(|n| n.has_tag_name("rect") && n.attribute("stroke") == Some("#000000"))
                .filter(|n| !n.ancestors().any(|a| a.attribute("id").is_some_and(|id| id.starts_with("colourbar_"))))
                .map(|n| {
                    let (x, y) = (attr(n, "x"), attr(n, "y"));
                    Rect { x0: x, y0: y, x1: x + attr(n, "width"), y1: y + attr(n, "height") }
                })
                .collect();
            assert_eq!(frames.len(), spec.panels.len(), "{name}");
            for (i, f) in frames.iter().enumerate() {
                let want = frame(&spec, i);
                assert!((f.x1 - want.x1).abs() < 1e-9 && (f.y1 - want.y1).abs() < 1e-9, "{name}");
                assert_eq!((f.x0, f.y0), (want.x0, want.y0), "{name}");
            }
            assert!(!fig.points.is_empty(), "{name}");
            for p in &fig.points {
                let f = frames[p.panel];
                assert!(f.contains((p.x_svg, p.y_svg)), "{name}: {p:?} outside {f:?}");
            }
        }
    }

    #[test]
    fn data_svg_data_round_trip_is_exact() {
        let mut checked = 0;
        for (name, spec, fig) in figures() {
            for p in &fig.points {
                let panel = &spec.panels[p.panel];
                let fr = frame(&spec, p.panel);
                let x = from_svg(&panel.x, fr.x0, fr.x1, p.x_svg);
                let y = from_svg(&panel.y, fr.y1, fr.y0, p.y_svg);
                for (got, want, ax) in [(x, p.x, &panel.x), (y, p.y, &panel.y)] {
                    let scale = match ax.scale {
                        SynthScale::Linear => want.abs().max((ax.max - ax.min).abs()),
                        SynthScale::Log => want.abs(),
                    };
                    assert!((got - want).abs() <= 1e-12 * scale, "{name}: {got} vs {want}");
                }
                checked += 1;
            }
        }
        assert!(checked > 100);
    }

    #[test]
    fn every_spec_point_is_drawn_once_in_order() {
        for (name, spec, fig) in figures() {
            let want: Vec<(usize, &str, f64, f64)> = spec
                .panels
                .iter()
                .enumerate()
                .flat_map(|(i, p)| {
                    p.series.iter().flat_map(move |s| s.points.iter().map(move |&(x, y)| (i, s.name.as_str(), x, y)))
                })
                .collect();
            let got: Vec<(usize, &str, f64, f64)> =
                fig.points.iter().map(|p| (p.panel, p.series.as_str(), p.x, p.y)).collect();
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn drawn_marker_centres_match_truth() {
        for (name, spec, fig) in figures() {
            let doc = Document::parse(&fig.svg).unwrap();
            let panels = markers(&doc);
            assert_eq!(panels.len(), spec.panels.len(), "{name}");
            for (i, nodes) in panels.iter().enumerate() {
                let truth: Vec<&TruePoint> = fig.points.iter().filter(|p| p.panel == i).collect();
                assert_eq!(nodes.len(), truth.len(), "{name} panel {i}");
                for (n, t) in nodes.iter().zip(&truth) {
                    let (x, y) = centre(&doc, *n);
                    assert!((x - t.x_svg).abs() < 1e-9 && (y - t.y_svg).abs() < 1e-9, "{name}: ({x},{y}) vs {t:?}");
                    let paint = match n.attribute("fill") {
                        Some("none") | None => n.attribute("stroke"),
                        f => f,
                    };
                    assert_eq!(paint, Some(t.fill.as_str()), "{name}");
                    let groups =
                        n.ancestors().filter(|a| a.has_tag_name("g") && a.attribute("transform").is_some()).count();
                    assert_eq!(groups, if spec.nested_transforms { 3 } else { 0 }, "{name}");
                }
            }
        }
    }

    #[test]
    fn markers_use_the_requested_element_kinds() {
        for (name, spec, fig) in figures() {
            let doc = Document::parse(&fig.svg).unwrap();
            for n in markers(&doc).iter().flatten() {
                let tag = n.tag_name().name();
                let stroke_only = n.attribute("fill") == Some("none");
                let ok = match spec.marker_style {
                    MarkerStyle::Element => {
                        matches!(tag, "circle" | "rect" | "polygon") || (tag == "path" && stroke_only)
                    }
                    MarkerStyle::DefsUse => tag == "use",
                    MarkerStyle::PathTransform => {
                        tag == "path" && n.attribute("transform").is_some_and(|t| t.starts_with("matrix(1,0,0,-1,"))
                    }
                    MarkerStyle::AbsolutePath => tag == "path" && n.attribute("transform").is_none(),
                };
                assert!(ok, "{name}: {tag} for {:?}", spec.marker_style);
            }
        }
    }

    #[test]
    fn separate_outlines_follow_fills_in_path_styles() {
        let (_, spec, fig) = figures().into_iter().find(|(n, _, _)| n == "path_transform_ticks_only").unwrap();
        assert!(spec.outline);
        let doc = Document::parse(&fig.svg).unwrap();
        let g = doc.descendants().find(|n| n.attribute("clip-path").is_some()).unwrap();
        let paths: Vec<Node> = g.children().filter(|n| n.has_tag_name("path")).collect();
        let dots = spec.panels[0].series[2].points.len();
        let strokes = spec.panels[0].series[0].points.len() + spec.panels[0].series[1].points.len();
        assert_eq!(paths.len(), strokes + 2 * dots);
        let last = paths[paths.len() - 1];
        assert_eq!(last.attribute("fill"), Some("none"));
        assert_eq!(last.attribute("d"), paths[paths.len() - 2].attribute("d"));
    }

    #[test]
    fn test_specs_cover_the_required_variety() {
        let specs = test_specs();
        let all = || specs.iter().map(|(_, s)| s);
        for style in [MarkerStyle::Element, MarkerStyle::DefsUse, MarkerStyle::PathTransform, MarkerStyle::AbsolutePath]
        {
            assert!(all().any(|s| s.marker_style == style), "{style:?} missing");
            assert!(all().any(|s| s.marker_style == style && s.nested_transforms), "nested {style:?} missing");
        }
        use SynthShape::*;
        for shape in [Circle, Square, Diamond, TriangleUp, Cross, Plus] {
            assert!(
                all().flat_map(|s| &s.panels).flat_map(|p| &p.series).any(|s| s.shape == shape && !s.points.is_empty()),
                "{shape:?} missing"
            );
        }
        let panels = || all().flat_map(|s| &s.panels);
        assert!(panels().any(|p| p.x.scale == SynthScale::Linear));
        assert!(panels().any(|p| p.x.scale == SynthScale::Log && p.y.scale == SynthScale::Log));
        assert!(panels().any(|p| p.series.iter().flat_map(|s| &s.points).any(|&(x, y)| x < 0.0 || y < 0.0)));
        assert!(panels().any(|p| p.tick_marks && !p.grid));
        assert!(panels().any(|p| !p.tick_marks && p.grid));
        assert!(panels().any(|p| p.legend));
        assert!(all().any(|s| s.view_scale != 1.0));
        assert!(all().any(|s| s.outline));
        let bars = || panels().filter_map(|p| p.colour_bar.as_ref());
        for cmap in [SynthCmap::Viridis, SynthCmap::Greys] {
            assert!(bars().any(|b| b.cmap == cmap), "{cmap:?} missing");
        }
        for raster in [true, false] {
            assert!(bars().any(|b| b.raster == raster));
        }
        assert!(bars().any(|b| b.scale == SynthScale::Log) && bars().any(|b| b.scale == SynthScale::Linear));
        assert!(bars().any(|b| b.k() != 256));
        assert!(panels().any(|p| p.legend && p.series.len() >= 3 && p.series.iter().all(|s| !s.points.is_empty())));
        let mut names: Vec<&str> = specs.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), specs.len(), "duplicate spec names");
    }

    #[test]
    fn legend_has_swatches_and_names_clear_of_points() {
        for (name, spec, fig) in figures() {
            let doc = Document::parse(&fig.svg).unwrap();
            for (i, p) in spec.panels.iter().enumerate() {
                let g = doc.descendants().find(|n| n.attribute("id") == Some(format!("legend_{}", i + 1).as_str()));
                assert_eq!(g.is_some(), p.legend && !p.series.is_empty(), "{name}");
                let Some(g) = g else { continue };
                let texts: Vec<&str> =
                    g.children().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
                let names: Vec<&str> = p.series.iter().map(|s| s.name.as_str()).collect();
                assert_eq!(texts, names, "{name}");
                let bx = g.children().find(|n| n.has_tag_name("rect")).unwrap();
                assert_eq!(bx.attribute("stroke"), Some("#cccccc"));
                assert!(bx.attribute("rx").is_some());
                let lb = legend_box(p, frame(&spec, i)).unwrap();
                for t in fig.points.iter().filter(|t| t.panel == i) {
                    assert!(!lb.overlaps_box((t.x_svg, t.y_svg), MARKER_CLEARANCE), "{name}: {t:?} under legend");
                }
            }
        }
    }

    #[test]
    fn render_skips_points_under_the_legend_or_outside() {
        let mut spec = test_specs().remove(0).1;
        let fr = frame(&spec, 0);
        let lb = legend_box(&spec.panels[0], fr).unwrap();
        let p = &spec.panels[0];
        // Data coordinates of the legend centre.
        let cx = from_svg(&p.x, fr.x0, fr.x1, (lb.x0 + lb.x1) / 2.0);
        let cy = from_svg(&p.y, fr.y1, fr.y0, (lb.y0 + lb.y1) / 2.0);
        let before = render(&spec).points.len();
        spec.panels[0].series[0].points.extend([(cx, cy), (100.0, 0.0), (f64::NAN, 0.0)]);
        assert_eq!(render(&spec).points.len(), before);
        spec.panels[0].legend = false;
        assert_eq!(render(&spec).points.len(), before + 1);
    }

    #[test]
    fn tick_labels_split_powers_of_ten() {
        let (_, _, fig) = figures().into_iter().find(|(n, _, _)| n == "absolute_path_grid_only").unwrap();
        let doc = Document::parse(&fig.svg).unwrap();
        let texts: Vec<Node> = doc.descendants().filter(|n| n.has_tag_name("text")).collect();
        let tens = texts.iter().filter(|n| n.text() == Some("10")).count();
        // 0.1, 1, 10, 100 on the log y axis.
        assert_eq!(tens, 4);
        let k = texts.iter().position(|n| n.text() == Some("10")).unwrap();
        let (base, exp) = (texts[k], texts[k + 1]);
        assert_eq!(exp.attribute("font-size"), Some("7"));
        assert_eq!(exp.text(), Some("-1"));
        assert!((attr(exp, "x") - attr(base, "x") - 11.0).abs() < 1e-9);
        assert!((attr(base, "y") - attr(exp, "y") - 4.0).abs() < 1e-9);
        for plain in ["0.5", "20", "-1.5", "0", "3"] {
            let n = texts.iter().find(|n| n.text() == Some(plain)).unwrap_or_else(|| panic!("{plain} missing"));
            assert!(n.attribute("text-anchor").is_some(), "{plain}");
        }
        assert_eq!(pow10_exponent(1e23), Some(23));
        assert_eq!(pow10_exponent(0.001), Some(-3));
        assert_eq!(pow10_exponent(20.0), None);
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(-2.0), "-2");
        assert_eq!(num(1000.0), "1000");
    }

    #[test]
    fn demo_spec_is_deterministic_and_shaped_as_documented() {
        let spec = demo_spec();
        assert_eq!(spec.panels.len(), 2);
        let (log, lin) = (&spec.panels[0], &spec.panels[1]);
        assert!(log.x.scale == SynthScale::Log && log.y.scale == SynthScale::Log && log.legend);
        assert_eq!(log.series.len(), 2);
        assert_ne!(log.series[0].shape, log.series[1].shape);
        let n0: usize = log.series.iter().map(|s| s.points.len()).sum();
        assert!((36..=40).contains(&n0), "{n0}");
        assert!(lin.x.scale == SynthScale::Linear && lin.y.scale == SynthScale::Linear);
        let n1: usize = lin.series.iter().map(|s| s.points.len()).sum();
        assert!((18..=20).contains(&n1), "{n1}");
        assert!(lin.series.iter().flat_map(|s| &s.points).any(|&(_, y)| y < 0.0));
        assert!(spec.panels.iter().all(|p| p.tick_marks && p.grid));
        // Roughly a power law: log-log slope of each series near its generating exponent.
        for (s, want) in log.series.iter().zip([-0.155, -0.15]) {
            let lx: Vec<f64> = s.points.iter().map(|p| p.0.log10()).collect();
            let ly: Vec<f64> = s.points.iter().map(|p| p.1.log10()).collect();
            let (mx, my) = (lx.iter().sum::<f64>() / lx.len() as f64, ly.iter().sum::<f64>() / ly.len() as f64);
            let cov: f64 = lx.iter().zip(&ly).map(|(a, b)| (a - mx) * (b - my)).sum();
            let var: f64 = lx.iter().map(|a| (a - mx).powi(2)).sum();
            assert!((cov / var - want).abs() < 0.03, "slope {}", cov / var);
        }
        let (a, b) = (render(&spec), render(&demo_spec()));
        assert_eq!(a.svg, b.svg);
        assert_eq!(a.points.len(), n0 + n1);
    }

    #[test]
    fn degenerate_specs_render_without_panicking() {
        let mut spec = demo_spec();
        spec.title = "a < b & \"c\"".to_string();
        spec.panels[0].series[0].name = "<&>".to_string();
        spec.panels[0].x.min = spec.panels[0].x.max; // zero span
        spec.panels[1].y.scale = SynthScale::Log; // negative range on a log axis
        let fig = render(&spec);
        Document::parse(&fig.svg).unwrap();
        assert!(fig.points.is_empty());
        for (w, h) in [(0.0, 0.0), (f64::NAN, 10.0), (-5.0, 1e300)] {
            let mut s = demo_spec();
            s.width = w;
            s.height = h;
            s.nested_transforms = true;
            Document::parse(&render(&s).svg).unwrap();
        }
        let mut s = demo_spec();
        s.panels[0].colour_bar = Some(colour_bar("v", SynthScale::Log, 1.0, 1.0, &[1.0], SynthCmap::Plasma, true, 1));
        s.panels[1].colour_bar =
            Some(colour_bar("w", SynthScale::Log, -1.0, 5.0, &[f64::NAN], SynthCmap::Greys, false, 7));
        s.panels[0].series[0].values = vec![f64::NAN, -1.0, 0.0, f64::INFINITY];
        s.panels[1].series[0].values = vec![1.0; 100];
        let fig = render(&s);
        Document::parse(&fig.svg).unwrap();
        assert!(fig.points.iter().all(|p| p.value.is_none()));
        let empty = SynthSpec { panels: Vec::new(), ..demo_spec() };
        let fig = render(&empty);
        Document::parse(&fig.svg).unwrap();
        assert!(fig.points.is_empty());
    }

    #[test]
    fn nested_composition_matches_written_transforms() {
        let fr = Rect { x0: 62.0, y0: 30.0, x1: 366.0, y1: 254.0 };
        for i in 0..4 {
            let (groups, m) = nest(i, fr);
            let mut c = Affine::IDENTITY;
            for g in &groups {
                let t: svgtypes::Transform = g.parse().unwrap();
                c = c.then_inner(&Affine([t.a, t.b, t.c, t.d, t.e, t.f]));
            }
            for (a, b) in c.0.iter().zip(m.0) {
                assert!((a - b).abs() < 1e-12 * (1.0 + b.abs()), "{:?} vs {:?}", c.0, m.0);
            }
            let back = m.inverse();
            let p = back.apply(m.apply((123.25, -7.5)));
            assert!((p.0 - 123.25).abs() < 1e-12 && (p.1 + 7.5).abs() < 1e-12);
        }
    }
    #[test]
    fn colour_maps_have_256_distinct_colours_in_order() {
        for cmap in [SynthCmap::Viridis, SynthCmap::Plasma, SynthCmap::Greys] {
            let t = cmap_table(cmap);
            assert_eq!(t.len(), 256);
            let distinct: HashSet<[u8; 3]> = t.iter().copied().collect();
            assert_eq!(distinct.len(), 256, "{cmap:?}");
            // Close to the anchors (nudges are small).
            let anchors: &[[u8; 3]] = match cmap {
                SynthCmap::Viridis => &VIRIDIS,
                SynthCmap::Plasma => &PLASMA,
                SynthCmap::Greys => &[[255, 255, 255], [0, 0, 0]],
            };
            assert_eq!(t[0], anchors[0]);
            let last = anchors[anchors.len() - 1];
            assert!(t[255].iter().zip(last).all(|(a, b)| a.abs_diff(b) <= 3), "{cmap:?} {:?}", t[255]);
        }
        let bar = SynthColourBar {
            label: String::new(),
            scale: SynthScale::Log,
            min: 1.0,
            max: 1e4,
            ticks: Vec::new(),
            cmap: SynthCmap::Greys,
            raster: false,
            levels: 64,
        };
        let c = bar.colours();
        assert_eq!(c.len(), 64);
        assert_eq!((c[0], c[63]), ([255, 255, 255], [0, 0, 0]));
        assert_eq!(bar.bin(1.0), Some(0));
        assert_eq!(bar.bin(1e4), Some(63));
        assert_eq!(bar.bin(1e2), Some(32));
        assert_eq!(bar.bin(1e5), Some(63));
        assert_eq!(bar.bin(-1.0), None);
        assert_eq!(SynthColourBar { levels: 0, ..bar.clone() }.k(), 256);
    }

    fn colour_figures() -> Vec<(String, SynthSpec, SynthFigure)> {
        figures().into_iter().filter(|(_, s, _)| s.panels.iter().any(|p| p.colour_bar.is_some())).collect()
    }

    #[test]
    fn colour_bars_cover_their_frame_in_value_order() {
        let figs = colour_figures();
        assert!(figs.len() >= 2);
        for (name, spec, fig) in figs {
            let doc = Document::parse(&fig.svg).unwrap();
            for (i, p) in spec.panels.iter().enumerate() {
                let g = doc.descendants().find(|n| n.attribute("id") == Some(format!("colourbar_{}", i + 1).as_str()));
                let Some(cb) = &p.colour_bar else {
                    assert!(g.is_none());
                    continue;
                };
                let g = g.unwrap();
                let b = bar_frame(frame(&spec, i));
                let colours: Vec<String> = cb.colours().into_iter().map(hex).collect();
                let fr =
                    g.children().find(|n| n.has_tag_name("rect") && n.attribute("stroke") == Some("#000000")).unwrap();
                assert_eq!((attr(fr, "x"), attr(fr, "y")), (b.x0, b.y0), "{name}");
                assert!(
                    (attr(fr, "width") - CBAR_WIDTH).abs() < 1e-9 && (attr(fr, "height") - (b.y1 - b.y0)).abs() < 1e-9
                );
                if cb.raster {
                    let im = g.children().find(|n| n.has_tag_name("image")).unwrap();
                    assert_eq!((attr(im, "x"), attr(im, "y")), (b.x0, b.y0), "{name}");
                    assert_eq!(im.attribute("preserveAspectRatio"), Some("none"));
                    let href = im.attribute(("http://www.w3.org/1999/xlink", "href")).unwrap();
                    let data = href.strip_prefix("data:image/png;base64,").unwrap();
                    let bytes = base64::engine::general_purpose::STANDARD.decode(data).unwrap();
                    let img = image::load_from_memory(&bytes).unwrap().to_rgba8();
                    assert_eq!(img.dimensions(), (CBAR_PNG_WIDTH, colours.len() as u32));
                    for (row, px) in img.rows().enumerate() {
                        let px: Vec<&image::Rgba<u8>> = px.collect();
                        let want = &colours[colours.len() - 1 - row];
                        assert!(px.iter().all(|q| hex([q[0], q[1], q[2]]) == *want && q[3] == 255), "{name} row {row}");
                    }
                } else {
                    let cells: Vec<Node> = g
                        .children()
                        .filter(|n| n.has_tag_name("rect") && n.attribute("stroke") == Some("none"))
                        .collect();
                    assert_eq!(cells.len(), colours.len(), "{name}");
                    for (j, (n, c)) in cells.iter().zip(&colours).enumerate() {
                        assert_eq!(n.attribute("fill"), Some(c.as_str()));
                        let (y, h) = (attr(*n, "y"), attr(*n, "height"));
                        let k = colours.len() as f64;
                        let (top, bottom) =
                            (b.y1 - (b.y1 - b.y0) * (j as f64 + 1.0) / k, b.y1 - (b.y1 - b.y0) * j as f64 / k);
                        assert!((y - top).abs() < 1e-9 && (y + h - bottom).abs() < 1e-9, "{name} cell {j}");
                        assert_eq!((attr(*n, "x"), attr(*n, "width")), (b.x0, CBAR_WIDTH));
                    }
                }
                // Tick marks touch the bar's right edge, labels start right of them.
                let ticks: Vec<Node> = g.children().filter(|n| n.has_tag_name("path")).collect();
                assert_eq!(ticks.len(), cb.ticks.len(), "{name}");
                for t in &ticks {
                    let pts = path_points(t.attribute("d").unwrap());
                    assert_eq!(pts[0].0, b.x1);
                    assert_eq!(pts[0].1, pts[1].1);
                }
                let title = g.children().rfind(|n| n.has_tag_name("text")).unwrap();
                assert_eq!(title.text(), Some(cb.label.as_str()));
                assert!(title.attribute("transform").is_some_and(|t| t.starts_with("rotate(-90")));
            }
        }
    }

    #[test]
    fn coloured_markers_take_their_bin_colour_and_value() {
        let mut checked = 0;
        for (name, spec, fig) in colour_figures() {
            let mut k = 0;
            for (i, p) in spec.panels.iter().enumerate() {
                for s in &p.series {
                    assert_eq!(s.values.len(), s.points.len(), "{name}");
                    for &v in &s.values {
                        let t = &fig.points[k];
                        assert_eq!((t.panel, t.value), (i, Some(v)), "{name}");
                        let cb = p.colour_bar.as_ref().unwrap();
                        let bin = cb.bin(v).unwrap();
                        assert_eq!(t.fill, hex(cb.colours()[bin]), "{name}");
                        // Recompute the bin from the normalised position.
                        let pos = norm(cb.scale, cb.min, cb.max, v).unwrap();
                        assert!(pos >= bin as f64 / cb.k() as f64 && pos < (bin + 1) as f64 / cb.k() as f64);
                        k += 1;
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked >= 100, "{checked}");
        // Points without a colour bar keep the series colour and have no value.
        for (_, spec, fig) in figures() {
            for t in &fig.points {
                if spec.panels[t.panel].colour_bar.is_none() {
                    assert!(t.value.is_none());
                }
            }
        }
    }

    #[test]
    fn specs_and_points_without_the_colour_fields_still_load() {
        let json = r##"{"title":"old","marker_style":"Element","outline":false,"nested_transforms":false,
            "width":300,"height":200,"view_scale":1,
            "panels":[{"x":{"label":"x","scale":"Linear","min":0,"max":1,"ticks":[0,1]},
                       "y":{"label":"y","scale":"Log","min":1,"max":10,"ticks":[1,10]},
                       "series":[{"name":"a","shape":"Circle","fill":"#123456","points":[[0.5,3]]}],
                       "tick_marks":true,"grid":false,"legend":false}]}"##;
        let spec: SynthSpec = serde_json::from_str(json).unwrap();
        assert!(spec.panels[0].colour_bar.is_none() && spec.panels[0].series[0].values.is_empty());
        let fig = render(&spec);
        assert_eq!(fig.points.len(), 1);
        assert_eq!(fig.points[0].fill, "#123456");
        let p: TruePoint =
            serde_json::from_str(r##"{"panel":0,"series":"a","x":1,"y":2,"x_svg":3,"y_svg":4,"fill":"#000000"}"##)
                .unwrap();
        assert!(p.value.is_none());
        let bar: SynthColourBar = serde_json::from_str(
            r#"{"label":"v","scale":"Log","min":1,"max":10,"ticks":[],"cmap":"Viridis","raster":true}"#,
        )
        .unwrap();
        assert_eq!(bar.levels, 256);
    }
}
