//! Size legends: values encoded by a marker's area, read from a legend of symbols of graded
//! sizes, each with a number to its right (Vega-Lite's and ggplot2's size legends).
//!
//! Convention read: Vega-Lite's `size` channel and ggplot2's `scale_size` map a value linearly to
//! the symbol's *area* (`scale_radius` maps it to the radius; ggplot2's `scale_size_area` maps it
//! to the area of a point whose drawn radius adds a constant stroke allowance, so the radius is
//! affine in the value's square root). The legend draws symbols of the scale at round values with
//! the value written beside each. figdig fits each law ([`SizeLaw`]) through the legend's
//! symbols, keeps the one law that fits within [`SizesOptions::max_misfit`] of the size range
//! (none or several: refused, values left empty), and decodes each data marker of the legend's
//! shape and colour through it. The half-width is the legend fit's largest misfit, in value
//! units at the marker's size. A refused legend still tells which markers are sized, so none is dropped for a size
//! drawn once.
//!
//! Invariants: sizes are measured in root units on both sides, so a scaled figure decodes the
//! same; a legend needs at least [`SizesOptions::min_entries`] symbols of distinct sizes.

use kurbo::{Point, Rect, Shape as _};

use crate::axes::{Caption, Panel, PanelKind, parse_number};
use crate::marks::{Marker, MarkerShape, classify, marker_geometry};
use crate::scene::{ItemKind, Scene};

/// Tolerances of size-legend reading. Every field states its default.
#[derive(Debug, Clone)]
pub struct SizesOptions {
    /// Fewest legend symbols of distinct sizes. Default: 3 (two points fit any line).
    pub min_entries: usize,
    /// Largest misfit of a legend symbol's area (or radius) against the fitted line, as a
    /// fraction of the legend's range of areas (radii). Default: 0.002 (producers write sizes
    /// to 2 or 3 decimals: svglite's 2 decimals on a legend 10 units tall misfit by about 0.0006;
    /// a wrong law misfits by 0.005 or more on ggplot2's and Vega-Lite's legends).
    pub max_misfit: f64,
    /// A law is chosen only when every other law misfits by at least this many times its misfit.
    /// Default: 4 (the true law's misfit is rounding; a wrong one's is curvature, ten times more).
    pub runner_up_factor: f64,
    /// A label sits right of its symbol within this many font sizes of the symbol's edge.
    /// Default: 3.
    pub label_gap_em: f64,
}

impl Default for SizesOptions {
    fn default() -> Self {
        SizesOptions { min_entries: 3, max_misfit: 0.002, runner_up_factor: 4.0, label_gap_em: 3.0 }
    }
}

/// A size scale read from a legend.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SizeScale {
    pub shape: MarkerShape,
    /// The legend symbols' stroke or fill, which data markers share; `None` when each symbol has
    /// its own colour (size and colour encode one field) and markers of any colour decode.
    pub colour: Option<String>,
    /// The law that fits the legend; `None` when none or several did (see `refused`).
    pub law: Option<SizeLaw>,
    /// Why no law was chosen, when none was.
    pub refused: Option<String>,
    /// Each law tried and its largest misfit (fraction of the legend's size range): the evidence
    /// for the law chosen and its runner-up.
    pub misfits: Vec<(SizeLaw, f64)>,
    pub a: f64,
    pub b: f64,
    /// Largest legend misfit, on the law's size side (area, radius or radius units).
    pub resid: f64,
    pub entries: usize,
    /// The largest legend symbol's size (root units).
    pub max_size: f64,
    /// The legend symbols' centres (root units), which tell the legend's rows from plot frames.
    #[serde(skip)]
    pub symbols: Vec<Point>,
}

/// How a symbol's size `s` (its width) follows the value `v`: `f(s) = a + b v`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeLaw {
    /// `s^2 = a + b v` (Vega-Lite, ggplot2 `scale_size_area` without stroke allowance).
    Area,
    /// `s = a + b v` (ggplot2 `scale_radius`).
    Radius,
    /// `s = a + b sqrt(v)`: area proportional to the value, plus a constant added to the radius
    /// (ggplot2's `scale_size_area` through svglite, whose point radius includes its stroke).
    SqrtRadius,
}

impl SizeLaw {
    const ALL: [SizeLaw; 3] = [SizeLaw::Area, SizeLaw::Radius, SizeLaw::SqrtRadius];

    /// The (value-side, size-side) coordinates in which the law is a straight line.
    fn coords(self, v: f64, s: f64) -> (f64, f64) {
        match self {
            SizeLaw::Area => (v, s * s),
            SizeLaw::Radius => (v, s),
            SizeLaw::SqrtRadius => (v.sqrt(), s),
        }
    }

    /// The law's size side of size `s`.
    fn size_side(self, s: f64) -> f64 {
        if self == SizeLaw::Area { s * s } else { s }
    }

    /// The value at size side `y` on the line `y = a + b x`.
    fn value_at(self, y: f64, a: f64, b: f64) -> f64 {
        let x = (y - a) / b;
        if self == SizeLaw::SqrtRadius { x.max(0.0).powi(2) } else { x }
    }
}

impl SizeScale {
    /// The value a marker's size encodes, when it is of the legend's shape and colour.
    pub fn decode(&self, m: &Marker) -> Option<(f64, f64)> {
        let colour = m.stroke.clone().or_else(|| m.fill.clone());
        if m.shape != self.shape || (self.colour.is_some() && colour != self.colour) {
            return None;
        }
        let law = self.law?;
        let y = law.size_side(m.size);
        let v = law.value_at(y, self.a, self.b);
        // Both the legend's symbols and the marker carry the producer's rounding: the half-width
        // is the value's change over twice the legend's largest misfit, at this marker's size.
        let shift = |d: f64| (law.value_at(y + d, self.a, self.b) - v).abs();
        Some((v, shift(2.0 * self.resid).max(shift(-2.0 * self.resid))))
    }
}

/// One legend symbol: its size, shape and colour, and the number beside it.
struct Entry {
    at: Point,
    size: f64,
    shape: MarkerShape,
    colour: Option<String>,
    value: f64,
}

/// The number written right of a symbol on its row, if any.
fn label_right(texts: &[Caption], c: Point, half: f64, opts: &SizesOptions) -> Option<f64> {
    texts
        .iter()
        .filter(|t| t.horizontal && (t.bbox.center().y - c.y).abs() <= 0.5 * t.font_size)
        .filter(|t| {
            t.bbox.x0 >= c.x + half - 0.1 * t.font_size && t.bbox.x0 <= c.x + half + opts.label_gap_em * t.font_size
        })
        .min_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0))
        .and_then(|t| parse_number(&t.text))
}

/// Symbols outside every data panel with a number beside them.
fn entries(scene: &Scene, panels: &[Panel], texts: &[Caption], opts: &SizesOptions) -> Vec<Entry> {
    let frames: Vec<Rect> = panels.iter().filter(|p| p.kind == PanelKind::Data).map(|p| p.rect).collect();
    let mut out = Vec::new();
    for it in &scene.items {
        let ItemKind::Shape(s) = &it.kind else { continue };
        let Some((local, size, closed)) = marker_geometry(s) else { continue };
        let c = s.transform * local;
        if !closed || frames.iter().any(|r| r.contains(c)) || !(size > 0.0) {
            continue;
        }
        let half = s.path.bounding_box().width() / 2.0;
        let Some(value) = label_right(texts, c, half, opts) else { continue };
        let colour = s.stroke.map(|p| p.hex()).or_else(|| s.fill.map(|p| p.hex()));
        out.push(Entry { at: c, size, shape: classify(&s.path), colour, value });
    }
    out
}

/// The legend's symbols: those of the first symbol's shape, and the colour data markers must
/// share. Convention read: when one field drives both size and colour, Vega-Lite merges the two
/// legends into one whose symbols differ in colour too ("for size and stroke color"); every
/// symbol then has its own colour, and markers of any colour are decoded by size (`None`).
/// Symbols of one shared colour keep that colour; a mix of both is read as the first symbol's
/// colour group only.
fn legend_group<'a>(all: &'a [Entry], first: &Entry) -> (Vec<&'a Entry>, Option<String>) {
    let shaped: Vec<&Entry> = all.iter().filter(|e| e.shape == first.shape).collect();
    let mut colours: Vec<&Option<String>> = shaped.iter().map(|e| &e.colour).collect();
    colours.sort();
    colours.dedup();
    if colours.len() == shaped.len() && shaped.len() > 1 {
        return (shaped, None);
    }
    let same = shaped.into_iter().filter(|e| e.colour == first.colour).collect();
    (same, first.colour.clone())
}

/// A line fit of a law: the law, and (a, b, largest misfit in value units, as a fraction).
type LawFit = (SizeLaw, (f64, f64, f64, f64));

/// Least-squares `s = a + b v`: (a, b, largest misfit in value units, the same as a fraction of
/// the range of `s`).
fn fit(pairs: &[(f64, f64)]) -> Option<(f64, f64, f64, f64)> {
    let (a, b, worst_v) = crate::linear::fit_line(pairs)?;
    let range = pairs.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max)
        - pairs.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    (b > 0.0 && range > 0.0).then_some((a, b, worst_v, worst_v * b / range))
}

/// Read the figure's size legend, if it has one; `Err` says why one was refused. Symbols are
/// grouped by shape (a key's background square behind each symbol is a group of its own, of one
/// size); the groups of enough distinct sizes are read, and two that both read are refused.
pub fn read_size_legend(
    scene: &Scene,
    panels: &[Panel],
    texts: &[Caption],
    opts: &SizesOptions,
) -> Result<Option<SizeScale>, String> {
    let all = entries(scene, panels, texts, opts);
    let mut shapes: Vec<MarkerShape> = all.iter().map(|e| e.shape).collect();
    shapes.dedup();
    let mut read: Vec<SizeScale> = Vec::new();
    for (k, shape) in shapes.iter().enumerate() {
        if shapes[..k].contains(shape) {
            continue;
        }
        let Some(first) = all.iter().find(|e| e.shape == *shape) else { continue };
        let (group, colour) = legend_group(&all, first);
        if let Some(r) = read_group(&group, colour, opts) {
            read.push(r);
        }
    }
    match read.len() {
        0 => Ok(None),
        1 => Ok(read.pop()),
        n => Err(format!("{n} groups of legend symbols of graded sizes; their values are left empty")),
    }
}

/// One group's law (`None`: too few distinct sizes to be a size legend).
fn read_group(group: &[&Entry], colour: Option<String>, opts: &SizesOptions) -> Option<SizeScale> {
    let first = group.first()?;
    let mut sizes: Vec<f64> = group.iter().map(|e| e.size).collect();
    sizes.sort_by(f64::total_cmp);
    sizes.dedup();
    if sizes.len() < opts.min_entries {
        return None;
    }
    let tried: Vec<LawFit> = SizeLaw::ALL
        .iter()
        .filter(|law| **law != SizeLaw::SqrtRadius || group.iter().all(|e| e.value >= 0.0))
        .filter_map(|&law| {
            let pairs: Vec<(f64, f64)> = group.iter().map(|e| law.coords(e.value, e.size)).collect();
            fit(&pairs).map(|f| (law, f))
        })
        .collect();
    let best = tried.iter().map(|t| t.1.3).fold(f64::INFINITY, f64::min);
    // Laws that fit, and every law too close behind the best to be told from it.
    let fits: Vec<&LawFit> =
        tried.iter().filter(|t| t.1.3 <= opts.max_misfit.max(best * opts.runner_up_factor)).collect();
    let fits: Vec<&LawFit> = if best <= opts.max_misfit { fits } else { Vec::new() };
    let mut scale = SizeScale {
        shape: first.shape,
        colour,
        law: None,
        refused: None,
        a: f64::NAN,
        b: f64::NAN,
        resid: f64::NAN,
        entries: group.len(),
        misfits: tried.iter().map(|t| (t.0, t.1.3)).collect(),
        max_size: sizes.last().copied().unwrap_or(0.0),
        symbols: group.iter().map(|e| e.at).collect(),
    };
    match fits.as_slice() {
        [(law, (a, b, worst, _))] => {
            // `worst` is in the line's x units: times the slope, in its size units.
            (scale.law, scale.a, scale.b, scale.resid) = (Some(*law), *a, *b, worst * b.abs());
        }
        [] => {
            scale.refused = Some(format!(
                "a size legend of {} symbols fits none of the laws area, radius or radius-by-square-root linear in its values; its values are left empty",
                group.len()
            ))
        }
        several => {
            let names: Vec<String> = several.iter().map(|(l, _)| format!("{l:?}")).collect();
            scale.refused =
                Some(format!("a size legend fits the laws {} alike; its values are left empty", names.join(", ")));
        }
    }
    Some(scale)
}
