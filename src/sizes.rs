//! Size legends: values encoded by a marker's area, read from a legend of symbols of graded
//! sizes, each with a number to its right (Vega-Lite's and ggplot2's size legends).
//!
//! Convention read: Vega-Lite's `size` channel and ggplot2's `scale_size` map a value linearly to
//! the symbol's *area* (`scale_radius` maps it to the radius). The legend draws symbols of the
//! scale at round values with the value written beside each. figdig fits area = a + b * value
//! (and radius = a + b * value) through the legend's symbols, keeps the one that fits within
//! [`SizesOptions::max_misfit`] of the size range while the other does not (else refuses), and
//! decodes each data marker of the legend's shape and colour through it. The half-width is the
//! legend fit's largest misfit, in value units.
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
    /// fraction of the legend's range of areas (radii). Default: 0.01 (sizes are written to
    /// 3 decimals; a wrong law misfits by 10 % or more).
    pub max_misfit: f64,
    /// A label sits right of its symbol within this many font sizes of the symbol's edge.
    /// Default: 3.
    pub label_gap_em: f64,
}

impl Default for SizesOptions {
    fn default() -> Self {
        SizesOptions { min_entries: 3, max_misfit: 0.01, label_gap_em: 3.0 }
    }
}

/// A size scale read from a legend.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SizeScale {
    pub shape: MarkerShape,
    /// The legend symbols' stroke or fill, which data markers share.
    pub colour: Option<String>,
    /// `true`: area (size squared) is linear in the value; `false`: the size itself is.
    pub by_area: bool,
    pub a: f64,
    pub b: f64,
    /// Largest legend misfit, in value units.
    pub halfwidth: f64,
    pub entries: usize,
}

impl SizeScale {
    /// The value a marker's size encodes, when it is of the legend's shape and colour.
    pub fn decode(&self, m: &Marker) -> Option<(f64, f64)> {
        let colour = m.stroke.clone().or_else(|| m.fill.clone());
        if m.shape != self.shape || (self.colour.is_some() && colour != self.colour) {
            return None;
        }
        let s = if self.by_area { m.size * m.size } else { m.size };
        Some(((s - self.a) / self.b, self.halfwidth))
    }
}

/// One legend symbol: its size, shape and colour, and the number beside it.
struct Entry {
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
        out.push(Entry { size, shape: classify(&s.path), colour, value });
    }
    out
}

/// Least-squares `s = a + b v`: (a, b, largest misfit in value units, the same as a fraction of
/// the range of `s`).
fn fit(pairs: &[(f64, f64)]) -> Option<(f64, f64, f64, f64)> {
    let (a, b, worst_v) = crate::linear::fit_line(pairs)?;
    let range = pairs.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max)
        - pairs.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    (b > 0.0 && range > 0.0).then_some((a, b, worst_v, worst_v * b / range))
}

/// Read the figure's size legend, if it has one; `Err` says why one was refused.
pub fn read_size_legend(
    scene: &Scene,
    panels: &[Panel],
    texts: &[Caption],
    opts: &SizesOptions,
) -> Result<Option<SizeScale>, String> {
    let all = entries(scene, panels, texts, opts);
    let Some(first) = all.first() else { return Ok(None) };
    let group: Vec<&Entry> = all.iter().filter(|e| e.shape == first.shape && e.colour == first.colour).collect();
    let mut sizes: Vec<f64> = group.iter().map(|e| e.size).collect();
    sizes.sort_by(f64::total_cmp);
    sizes.dedup();
    if sizes.len() < opts.min_entries {
        return Ok(None);
    }
    let area: Vec<(f64, f64)> = group.iter().map(|e| (e.value, e.size * e.size)).collect();
    let radius: Vec<(f64, f64)> = group.iter().map(|e| (e.value, e.size)).collect();
    let (fa, fr) = (fit(&area), fit(&radius));
    let ok = |f: Option<(f64, f64, f64, f64)>| f.filter(|f| f.3 <= opts.max_misfit);
    let (by_area, (a, b, halfwidth, _)) = match (ok(fa), ok(fr)) {
        (Some(f), None) => (true, f),
        (None, Some(f)) => (false, f),
        (None, None) => {
            return Err(format!(
                "a size legend of {} symbols fits neither area nor radius linear in its values",
                group.len()
            ));
        }
        (Some(_), Some(_)) => return Err("a size legend fits area and radius alike; its values are left empty".into()),
    };
    Ok(Some(SizeScale {
        shape: first.shape,
        colour: first.colour.clone(),
        by_area,
        a,
        b,
        halfwidth,
        entries: group.len(),
    }))
}
