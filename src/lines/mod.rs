//! Line series: every stroked path in a data panel that is not furniture, a marker, a legend
//! item or an error bar, as vertices in drawing order.
//!
//! Input: the [`Scene`], the panels of the axes stage and the marks stage's result (its markers,
//! legend and the items it claimed). Output: [`Series`] (one per drawn path, its pieces and
//! vertices in root units, named from the legend when one entry matches its style) and
//! [`ErrorBar`]s (intervals of markers).
//!
//! Invariants: vertices are the producer's on-curve points, never simplified or resampled, so a
//! curve sampled into 10,000 segments gives 10,000 vertices; every rule compares positions
//! relative to the panel's size or the marker's size, never in absolute units.
//!
//! Modules: [`pieces`] (a path as pieces of vertices), [`furniture`] (frames, grids, ticks),
//! [`errorbars`] (whiskers and caps), [`annotation`] (arrows and leaders), [`naming`] (series
//! names from legend swatches).

mod annotation;
mod bands;
mod continuity;
mod direct;
mod errorbars;
mod furniture;
mod legend;
mod naming;
mod pieces;

use kurbo::{Point, Rect, Shape as _};
use serde::Serialize;

pub use errorbars::ErrorBar;

use crate::axes::{Caption, Panel, PanelKind};
use crate::marks::{Marker, MarksResult};
use crate::scene::{ItemKind, Scene};
use crate::warning::{Warning, WarningKind};
use pieces::RawVertex;

/// Tolerances of line-series detection. Every field states its default.
#[derive(Debug, Clone)]
pub struct LinesOptions {
    /// A segment is parallel to an axis when its offset across it is at most this fraction of its
    /// length. Default: 1e-3 (PDF routes round coordinates to about 1e-3 of a short tick).
    pub parallel_tol: f64,
    /// A straight axis-parallel segment spanning at least this fraction of its panel's side is a
    /// grid, axis or reference line. Default: 0.9 (the marks stage's reference-line rule).
    pub span_frac: f64,
    /// A straight axis-parallel segment at most this fraction of its panel's side that touches
    /// the frame's edge, or lies beyond it, is a tick mark. Default: 0.05 (ticks are a few points
    /// long on panels of a few hundred).
    pub tick_frac: f64,
    /// "On the frame's edge" means within this fraction of the panel's side. Default: 0.005.
    pub edge_frac: f64,
    /// Two pieces of one path that overlap along x by at most this fraction of the panel's width
    /// lie beside each other (one line, broken and resumed at one x); overlapping more, they are
    /// two curves of one style ([`continuity`]). Default: 1e-6 (coordinates' rounding).
    pub piece_overlap_frac: f64,
    /// A path belongs to the panel holding at least this fraction of its vertices (inside the
    /// frame widened by `edge_frac`). Default: 0.5 (a line drawn unclipped past its frame stays
    /// in its panel; a legend swatch beside it does not join).
    pub min_inside_frac: f64,
    /// Whiskers and caps are centred on a marker within this fraction of the marker's size.
    /// Default: 0.05 (producers centre them exactly; PDF routes round to 1e-3 of a marker).
    pub whisker_frac: f64,
    /// A marker centred on a whisker's end and at least this many times as long across the
    /// whisker as along it is the bar's cap drawn as a filled bar (Vega-Lite's `errorbar` ticks,
    /// 5 by 1), not a data point; markers are about as wide as high. Default: 3.
    pub cap_aspect: f64,
    /// Arrowhead arms are at most this fraction of the panel's diagonal. Default: 0.05
    /// (matplotlib's heads are a few points on panels of a few hundred).
    pub head_frac: f64,
    /// A single segment with an end within this many font sizes of a text inside the panel is
    /// that text's leader line. Default: 0.5 (matplotlib shrinks the line 2 points off the box).
    pub leader_em: f64,
    /// A whisker through several markers belongs to the one whose colour it is a mix of (with
    /// white or black) when the mixing factors of its channels spread by at most this, and every
    /// other marker's by more than twice it. Default: 0.03 (8-bit rounding moves a factor by
    /// under 0.016 on channels at least 32 from white).
    pub mix_tol: f64,
    /// A text whose left edge is within this many font sizes after a line's last vertex, and
    /// centred on its height, is the line's direct label (see [`direct`]). Default: 1.5
    /// (producers leave a gap of a few points; the next word over is further).
    pub direct_label_em: f64,
}

impl Default for LinesOptions {
    fn default() -> Self {
        LinesOptions {
            parallel_tol: 1e-3,
            span_frac: 0.9,
            tick_frac: 0.05,
            edge_frac: 0.005,
            piece_overlap_frac: 1e-6,
            min_inside_frac: 0.5,
            whisker_frac: 0.05,
            cap_aspect: 3.0,
            mix_tol: 0.03,
            head_frac: 0.05,
            leader_em: 0.5,
            direct_label_em: 1.5,
        }
    }
}

/// One vertex of a series, in root units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Vertex {
    #[serde(skip)]
    pub at: Point,
    /// Reached by a Bezier segment (the row is an on-curve point of a curve).
    pub curved: bool,
    /// Drawn beyond the panel's frame (an unclipped line).
    pub outside: bool,
}

/// What a series' vertices trace: a drawn line, or an envelope of a filled band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeriesKind {
    Line,
    BandLower,
    BandUpper,
}

impl SeriesKind {
    /// The `mark` column of its rows in points.csv.
    pub fn mark(self) -> &'static str {
        match self {
            SeriesKind::Line => "vertex",
            SeriesKind::BandLower => "band_lower",
            SeriesKind::BandUpper => "band_upper",
        }
    }
}

/// One drawn line: its pieces (broken where the producer lifted the pen), in drawing order.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub panel: usize,
    /// A line, or one envelope of a band (see [`bands`]).
    pub kind: SeriesKind,
    /// The legend label whose line swatch has this stroke's colour and dash, when one does.
    pub name: Option<String>,
    pub stroke: Option<String>,
    pub stroke_width: f64,
    pub dashed: bool,
    pub source: String,
    pub pieces: Vec<Vec<Vertex>>,
    /// The colour bar's value of the stroke, for an unnamed line in a panel whose colours a bar
    /// encodes (training curves coloured by model size), with the half-width of its bin.
    pub value: Option<(f64, f64)>,
}

impl Series {
    pub fn vertex_count(&self) -> usize {
        self.pieces.iter().map(Vec::len).sum()
    }
}

impl LinesResult {
    /// Remove the markers that are error-bar caps drawn as filled bars (found at whiskers' ends
    /// here, after the marks stage took them for markers) and renumber the error bars' markers.
    pub fn drop_cap_markers(&mut self, markers: &mut Vec<Marker>) {
        if self.cap_markers.is_empty() {
            return;
        }
        let mut cap = vec![false; markers.len()];
        for &k in &self.cap_markers {
            cap[k] = true;
        }
        // A kept marker's new index: how many kept markers come before it.
        let new_index: Vec<usize> = cap
            .iter()
            .scan(0, |kept, &c| {
                let k = *kept;
                *kept += usize::from(!c);
                Some(k)
            })
            .collect();
        let mut k = 0;
        markers.retain(|_| {
            k += 1;
            !cap[k - 1]
        });
        self.error_bars.retain(|b| !cap[b.marker]);
        for b in &mut self.error_bars {
            b.marker = new_index[b.marker];
        }
        self.cap_markers.clear();
    }
}

/// The line series and error bars of a figure.
#[derive(Debug, Clone, Default)]
pub struct LinesResult {
    pub series: Vec<Series>,
    pub error_bars: Vec<ErrorBar>,
    /// Markers that are error-bar caps drawn as filled bars, by index.
    pub cap_markers: Vec<usize>,
    pub warnings: Vec<Warning>,
}

/// A stroked path that may be a series, with its panel.
struct Candidate<'a> {
    panel: usize,
    pieces: Vec<Vec<RawVertex>>,
    shape: &'a crate::scene::Shape,
    source: &'a str,
}

/// Find the line series and error bars of the data panels.
pub fn find_lines(
    scene: &Scene,
    panels: &[Panel],
    texts: &[Caption],
    marks: &MarksResult,
    opts: &LinesOptions,
) -> LinesResult {
    let data: Vec<&Panel> = panels.iter().filter(|p| p.kind == PanelKind::Data).collect();
    let mut cands: Vec<Candidate> = Vec::new();
    for it in &scene.items {
        let ItemKind::Shape(s) = &it.kind else { continue };
        if s.glyph || marks.claimed.contains(&it.order) || !s.stroke.is_some_and(|p| p.alpha > 0.0) {
            continue;
        }
        let ps = pieces::pieces(&s.path);
        // A filled closed outline is an area (a bar, a band, a legend key), not a line.
        if s.fill.is_some_and(|f| f.alpha > 0.0) && pieces::closed(&ps) {
            continue;
        }
        let Some(panel) = home_panel(&ps, &data, opts) else { continue };
        if furniture::is_furniture(&ps, panel.rect, opts)
            || legend::is_legend(&ps, panel.rect, &marks.legend, texts, opts)
        {
            continue;
        }
        cands.push(Candidate { panel: panel.index, pieces: ps, shape: s, source: &it.source });
    }
    let mut out = LinesResult::default();
    let idx = errorbars::MarkerIndex::new(&marks.markers);
    for p in &data {
        let tips: Vec<Point> = cands
            .iter()
            .filter(|c| c.panel == p.index)
            .flat_map(|c| c.pieces.iter().filter_map(|piece| annotation::arrow_tip(piece, p.rect, opts)))
            .collect();
        let mine: Vec<&Candidate> = cands
            .iter()
            .filter(|c| c.panel == p.index && !annotation::is_annotation(&c.pieces, p.rect, &tips, texts, opts))
            .collect();
        let paths: Vec<errorbars::PathRef> = mine
            .iter()
            .map(|c| errorbars::PathRef { pieces: &c.pieces, stroke: c.shape.stroke.map(|s| s.rgb) })
            .collect();
        let mut used: Vec<Vec<bool>> = paths.iter().map(|ps| vec![false; ps.pieces.len()]).collect();
        let (bars, ambiguous) = errorbars::find(&paths, p.index, p.rect, &idx, opts, &mut used);
        out.cap_markers.extend(errorbars::cap_markers(&bars, &idx, opts));
        out.error_bars.extend(bars);
        if ambiguous > 0 {
            out.warnings.push(Warning::panel(
                WarningKind::Lines,
                p.index,
                format!("panel {}: {ambiguous} error-bar whiskers run through several markers of like colour; their intervals are left empty", p.index),
            ));
        }
        let ticks = tick_positions(p);
        let mut ambiguous_pieces = 0;
        for (c, used) in mine.iter().zip(&used) {
            let kept: Vec<Vec<Vertex>> = c
                .pieces
                .iter()
                .zip(used)
                .filter(|(piece, u)| !**u && !furniture::grid(piece, p.rect, &ticks, opts))
                .filter(|(piece, _)| !legend::is_sample_piece(piece, &marks.legend))
                .map(|(piece, _)| vertices(piece, p.rect, opts))
                .collect();
            let split = continuity::split(kept, opts.piece_overlap_frac * p.rect.width());
            ambiguous_pieces += split.ambiguous;
            out.series.extend(split.curves.into_iter().map(|pieces| Series {
                panel: p.index,
                kind: SeriesKind::Line,
                name: None,
                stroke: c.shape.stroke.map(|s| s.hex()),
                stroke_width: c.shape.stroke_width,
                dashed: c.shape.dashed,
                source: c.source.to_string(),
                pieces,
                value: None,
            }));
        }
        if ambiguous_pieces > 0 {
            let message = format!(
                "panel {}: {ambiguous_pieces} piece(s) of paths drawing several curves of one style could continue more than one of them; each is kept as a line of its own",
                p.index
            );
            out.warnings.push(Warning::panel(WarningKind::Lines, p.index, message));
        }
    }
    naming::name_series(&mut out.series, panels, &marks.legend, &mut out.warnings);
    direct::name_by_end_labels(&mut out.series, texts, opts);
    // Bands after naming: a legend line swatch of the band's colour names the line, not its band.
    for it in &scene.items {
        let ItemKind::Shape(s) = &it.kind else { continue };
        if s.glyph || marks.claimed.contains(&it.order) || !s.fill.is_some_and(|f| f.alpha > 0.0) {
            continue;
        }
        // A legend's box (rounded, so of many vertices) holds its entries; a band holds none.
        let b = s.path.bounding_box();
        if marks.legend.iter().any(|e| b.contains(e.at)) {
            continue;
        }
        out.series.extend(band_series(s, &it.source, &data, opts));
    }
    for p in &data {
        let mine = || out.series.iter().filter(|s| s.panel == p.index);
        let n: usize = mine().map(|s| s.pieces.iter().flatten().filter(|v| v.outside).count()).sum();
        let lines = mine().filter(|s| s.pieces.iter().flatten().any(|v| v.outside)).count();
        if n > 0 {
            let message = format!(
                "panel {}: {lines} line(s) have {n} vertices beyond the frame (kept, flagged `outside`)",
                p.index
            );
            out.warnings.push(Warning::panel(WarningKind::Lines, p.index, message));
        }
    }
    out
}

/// The two envelopes of a filled band outline in a data panel (see [`bands`]); none otherwise.
fn band_series(s: &crate::scene::Shape, source: &str, data: &[&Panel], opts: &LinesOptions) -> Vec<Series> {
    let ps = pieces::pieces(&s.path);
    let ([outline], Some(panel)) = (ps.as_slice(), home_panel(&ps, data, opts)) else { return Vec::new() };
    for (along, values) in [(kurbo::Axis::Horizontal, panel.y.as_ref()), (kurbo::Axis::Vertical, panel.x.as_ref())] {
        let Some((a, b)) = bands::split(outline, along) else { continue };
        // Across the band: the data value of an envelope's middle vertex (or the page's up).
        let across = |env: &[RawVertex]| {
            let at = env[env.len() / 2].at;
            let q = if along == kurbo::Axis::Horizontal { at.y } else { at.x };
            values.map_or(if along == kurbo::Axis::Horizontal { -q } else { q }, |ax| ax.map.value(q))
        };
        let (upper, lower) = if across(&a) >= across(&b) { (a, b) } else { (b, a) };
        let make = |kind: SeriesKind, env: &[RawVertex]| Series {
            panel: panel.index,
            kind,
            name: None,
            stroke: s.fill.map(|f| f.hex()),
            stroke_width: 0.0,
            dashed: false,
            source: source.to_string(),
            pieces: vec![vertices(env, panel.rect, opts)],
            value: None,
        };
        return vec![make(SeriesKind::BandLower, &lower), make(SeriesKind::BandUpper, &upper)];
    }
    Vec::new()
}

/// Where a panel's ticks are (every tick, used or not).
fn tick_positions(p: &Panel) -> furniture::TickPositions {
    let along = |a: Option<&crate::axes::Axis>| {
        a.map(|a| a.ticks.iter().map(|t| t.position).collect::<Vec<_>>()).unwrap_or_default()
    };
    let mut y = along(p.y.as_ref());
    y.extend(along(p.y2.as_ref()));
    furniture::TickPositions { x: along(p.x.as_ref()), y }
}

/// The data panel holding most of a path's vertices, when it holds at least
/// [`LinesOptions::min_inside_frac`] of them.
fn home_panel<'a>(pieces: &[Vec<RawVertex>], data: &[&'a Panel], opts: &LinesOptions) -> Option<&'a Panel> {
    let total: usize = pieces.iter().map(Vec::len).sum();
    let inside = |r: Rect| {
        let r = r.inflate(opts.edge_frac * r.width(), opts.edge_frac * r.height());
        pieces.iter().flatten().filter(|v| r.contains(v.at)).count()
    };
    let (best, n) = data.iter().map(|p| (*p, inside(p.rect))).max_by_key(|&(_, n)| n)?;
    (n > 0 && n as f64 >= opts.min_inside_frac * total as f64).then_some(best)
}

/// A piece's vertices, flagged beyond the frame; a piece drawn as one point (zero length) gives
/// that point once.
fn vertices(piece: &[RawVertex], frame: Rect, opts: &LinesOptions) -> Vec<Vertex> {
    let r = frame.inflate(opts.edge_frac * frame.width(), opts.edge_frac * frame.height());
    let one_point = piece.iter().all(|v| v.at == piece[0].at);
    let take = if one_point { &piece[..1] } else { piece };
    take.iter().map(|v| Vertex { at: v.at, curved: v.curved, outside: !r.contains(v.at) }).collect()
}
