//! Scales: colour bars and categorical legends give marker colours their meaning.
//!
//! Input: the [`Scene`], the panels (colour bars among them, with their calibrated axis) and the
//! markers and legend entries of the marks stage. Output: per colour bar its ordered colour bins,
//! and per marker a decoded value with its half-width, or a series label.
//!
//! Decoding: with K distinct colours in order along the bar, colour k covers the normalised
//! interval [k/K, (k+1)/K] of the bar's extent (its frame); the value is the bin centre mapped
//! through the bar's axis, and half the bin width is its uncertainty. Pixel-row positions are never
//! used. Vector bars (a stack of filled rectangles) use each rectangle's own extent. A fill not
//! exactly in the bar takes the nearest colour by CIEDE2000 and records the distance; past
//! [`ScalesOptions::max_delta_e`] the value stays empty with a warning.
//!
//! Invariants: bins are ordered from the low end of the bar's position axis; every bin colour is
//! distinct; an image is only decoded after its header is checked against the size limit.

use std::collections::HashMap;

use base64::Engine as _;
use kurbo::{Rect, Shape as _};
use palette::color_difference::Ciede2000;
use palette::{IntoColor, Lab, Srgb};
use serde::Serialize;

use crate::axes::{Axis, Panel, PanelKind};
use crate::marks::{LegendEntry, Marker, Swatch};
use crate::scene::{ItemKind, Scene};

/// Options of colour decoding. Every field states its default.
#[derive(Debug, Clone)]
pub struct ScalesOptions {
    /// Largest CIEDE2000 distance for a nearest-colour decode. Default: 3.0.
    pub max_delta_e: f64,
    /// Largest embedded image, in pixels, checked from the header before decoding. Default: 16M.
    pub max_image_pixels: u64,
    /// Share of a panel's marker fills that must be exactly in a bar (or, on a bar sampling a
    /// continuous map, between two neighbouring bins' colours) for the bar to encode that panel.
    /// Default: 0.5.
    pub min_exact_share: f64,
    /// Otherwise, share of the fills that must lie within `max_delta_e` of a bar colour (a
    /// continuous palette drawn in steps). Default: 0.9.
    pub min_near_share: f64,
    /// ... with at least this many distinct fills, so a single-colour series that happens to be
    /// near the ramp is not read as encoded. Default: 3.
    pub min_near_distinct: usize,
    /// How far, in image rows, a raster bar's colour may be drawn outside the bin that K equal
    /// bins over the frame give it before the bar is read as samples of a continuous map (each
    /// colour's value where it is drawn) instead. Default: 0.5.
    pub raster_bin_slop_rows: f64,
    /// Largest distance, in 8-bit sRGB units, of a fill from the segment between two
    /// neighbouring bins' colours for it to be read as lying between them (on a bar whose bins
    /// are where colours are drawn). Default: 1.0.
    pub max_between_rgb: f64,
    /// On a raster bar that lost colours in resampling, how far (in bins) a colour's position may
    /// sit from a whole number of lost colours before it before its bin is in doubt and it covers
    /// both candidate bins. Default: 0.3.
    pub raster_gap_doubt: f64,
}

impl Default for ScalesOptions {
    fn default() -> Self {
        ScalesOptions {
            max_delta_e: 3.0,
            max_image_pixels: 16 << 20,
            min_exact_share: 0.5,
            min_near_share: 0.9,
            min_near_distinct: 3,
            raster_bin_slop_rows: 0.5,
            max_between_rgb: 1.0,
            raster_gap_doubt: 0.3,
        }
    }
}

/// One colour of a bar and the positions (along the bar's axis) it covers.
#[derive(Debug, Clone, Serialize)]
pub struct Bin {
    pub colour: String,
    pub lo: f64,
    pub hi: f64,
}

/// A decoded colour bar.
#[derive(Debug, Clone, Serialize)]
pub struct ColourBar {
    /// Index of the colour-bar panel.
    pub panel: usize,
    /// `raster` or `vector`.
    pub source: String,
    pub title: Option<String>,
    /// Value range of the bar's extent.
    pub range: [f64; 2],
    pub bins: Vec<Bin>,
    /// Data panels whose marker fills this bar encodes.
    pub encodes: Vec<usize>,
    /// Whether the bins are K equal slots of a discrete map over the frame (a raster bar read
    /// as such); otherwise each bin is where its colour is drawn, possibly a sample of a
    /// continuous map, and a fill between two neighbouring bins' colours is interpolated.
    pub equal_bins: bool,
    /// Whether most encoded fills lie between the bar's colours rather than on them: the bar
    /// samples a continuous map, so even a colour found in it is known only to about a bin.
    pub sampled: bool,
    #[serde(skip)]
    pub axis: Axis,
    #[serde(skip)]
    index: HashMap<String, usize>,
}

impl ColourBar {
    /// Value at a bin's centre and its half-width.
    pub fn bin_value(&self, k: usize) -> Option<(f64, f64)> {
        let b = self.bins.get(k)?;
        let (c, hw) = centre_and_halfwidth(&self.axis.map, b.lo, b.hi);
        if !self.sampled {
            return Some((c, hw));
        }
        // A sampled map's colour was taken somewhere in its bin and 8-bit colours repeat around
        // it: the value is known to half a bin beyond the bin's ends.
        let w = (b.hi - b.lo) / 2.0;
        let (v0, v1) = (self.axis.map.value(b.lo - w), self.axis.map.value(b.hi + w));
        Some((c, (v1 - c).abs().max((c - v0).abs())))
    }
    /// Exact bin of a `#rrggbb` colour.
    pub fn exact(&self, colour: &str) -> Option<usize> {
        self.index.get(colour).copied()
    }
    /// The bin whose colour is nearest by CIEDE2000, with the distance.
    pub fn nearest(&self, colour: &str) -> Option<(usize, f64)> {
        let lab = hex_lab(colour)?;
        self.bins
            .iter()
            .enumerate()
            .filter_map(|(k, b)| Some((k, f64::from(lab.difference(hex_lab(&b.colour)?)))))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }
    /// The colour of the bin that a value falls in (for re-mapping decoded values).
    pub fn colour_of(&self, value: f64) -> Option<&str> {
        let p = self.axis.map.position(value)?;
        // Bins read where their colours are drawn may overlap their neighbours: the bin whose
        // centre is nearest is the one a decoded centre came from.
        let centre = |b: &Bin| ((b.lo + b.hi) / 2.0 - p).abs();
        self.bins
            .iter()
            .filter(|b| p >= b.lo.min(b.hi) && p <= b.lo.max(b.hi))
            .min_by(|a, b| centre(a).total_cmp(&centre(b)))
            .map(|b| b.colour.as_str())
    }
}

/// The value at the centre of a bin's positions and a half-width that covers the whole bin: on a
/// log norm the centre is the geometric mean of the edges, so the upper edge is further away than
/// half the bin's width, and the half-width is the larger distance to an edge.
fn centre_and_halfwidth(map: &crate::axes::AxisMap, lo: f64, hi: f64) -> (f64, f64) {
    let c = map.value((lo + hi) / 2.0);
    let (v0, v1) = (map.value(lo), map.value(hi));
    (c, (v1 - c).abs().max((c - v0).abs()))
}

/// CIEDE2000 distance between two `#rrggbb` colours.
pub(crate) fn delta_e(a: &str, b: &str) -> Option<f64> {
    Some(f64::from(hex_lab(a)?.difference(hex_lab(b)?)))
}

fn hex_lab(c: &str) -> Option<Lab> {
    let c = c.strip_prefix('#')?;
    if c.len() != 6 {
        return None;
    }
    let v = u32::from_str_radix(c, 16).ok()?;
    let rgb = Srgb::new(((v >> 16) & 255) as u8, ((v >> 8) & 255) as u8, (v & 255) as u8).into_format::<f32>();
    Some(rgb.into_linear().into_color())
}

/// Why an embedded image could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("not a base64 data URL (external images are never read)")]
    NotDataUrl,
    #[error("bad base64: {0}")]
    Base64(String),
    #[error("cannot read image: {0}")]
    Decode(String),
    #[error("image is {w}x{h} pixels, over the limit of {limit} pixels")]
    TooLarge { w: u32, h: u32, limit: u64 },
}

/// Decode a `data:image/...;base64,` URL to RGBA pixels, refusing oversized images from the header.
pub fn decode_data_url(href: &str, max_pixels: u64) -> Result<image::RgbaImage, ImageError> {
    let rest = href.trim().strip_prefix("data:").ok_or(ImageError::NotDataUrl)?;
    let (meta, data) = rest.split_once(',').ok_or(ImageError::NotDataUrl)?;
    if !meta.ends_with(";base64") {
        return Err(ImageError::NotDataUrl);
    }
    let clean: Vec<u8> = data.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let bytes =
        base64::engine::general_purpose::STANDARD.decode(&clean).map_err(|e| ImageError::Base64(e.to_string()))?;
    let reader = image::ImageReader::new(std::io::Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| ImageError::Decode(e.to_string()))?;
    let (w, h) = reader.into_dimensions().map_err(|e| ImageError::Decode(e.to_string()))?;
    if u64::from(w) * u64::from(h) > max_pixels {
        return Err(ImageError::TooLarge { w, h, limit: max_pixels });
    }
    let reader = image::ImageReader::new(std::io::Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| ImageError::Decode(e.to_string()))?;
    let img = reader.decode().map_err(|e| ImageError::Decode(e.to_string()))?;
    Ok(img.to_rgba8())
}

/// Read every colour bar of the figure and decide which data panels each one encodes.
pub fn read_colour_bars(
    scene: &Scene,
    panels: &[Panel],
    markers: &[Marker],
    opts: &ScalesOptions,
    warnings: &mut Vec<String>,
) -> Vec<ColourBar> {
    let mut bars = Vec::new();
    for p in panels.iter().filter(|p| p.kind == PanelKind::ColourBar) {
        let vertical = p.rect.height() >= p.rect.width();
        let axis = if vertical { p.y.clone() } else { p.x.clone() };
        let Some(axis) = axis else {
            warnings.push(format!("colour bar {}: no calibrated axis; its colours cannot be decoded", p.index));
            continue;
        };
        let (lo, hi) = if vertical { (p.rect.y0, p.rect.y1) } else { (p.rect.x0, p.rect.x1) };
        let bins = vector_bins(scene, p.rect, vertical)
            .map(|(b, s)| (b, s, false))
            .or_else(|| gradient_bins(scene, p.rect, vertical, lo, hi).map(|(b, s)| (b, s, false)))
            .or_else(|| raster_bins(scene, p.rect, vertical, lo, hi, opts, warnings));
        let Some((bins, source, equal_bins)) = bins else {
            warnings.push(format!("colour bar {}: no colour ramp found inside its frame", p.index));
            continue;
        };
        let index = bins.iter().enumerate().map(|(k, b)| (b.colour.clone(), k)).collect();
        let range = [axis.map.value(lo), axis.map.value(hi)];
        let mut bar = ColourBar {
            panel: p.index,
            source,
            // The bar's axis title, else its title above it (ggplot2's legend title).
            title: axis.title.clone().or_else(|| p.title.clone()),
            range,
            bins,
            encodes: Vec::new(),
            equal_bins,
            sampled: false,
            axis,
            index,
        };
        let (mut on, mut off) = (0, 0);
        for d in panels.iter().filter(|d| d.kind == PanelKind::Data) {
            let fills: Vec<&str> =
                markers.iter().filter(|m| m.panel == d.index).filter_map(|m| m.fill.as_deref()).collect();
            let on_bar = fills.iter().filter(|f| bar.exact(f).is_some()).count();
            // On a bar sampling a continuous map a fill between two samples' colours is the
            // map's colour too, as good as one drawn in the bar.
            let exact = fills
                .iter()
                .filter(|f| {
                    bar.exact(f).is_some()
                        || !bar.equal_bins && between_neighbours(&bar, f, opts.max_between_rgb).is_some()
                })
                .count();
            // A continuous palette drawn in coarser steps (gnuplot's colour box) colours markers
            // near but not between its steps: then nearly every fill is close to some step, and
            // the fills vary.
            // Only asked when the exact test fails: a nearest-colour search per fill is costly.
            let n = fills.len() as f64;
            let nearly = || {
                let mut counts: HashMap<&str, usize> = HashMap::new();
                for f in &fills {
                    *counts.entry(f).or_default() += 1;
                }
                counts.len() >= opts.min_near_distinct
                    && counts
                        .iter()
                        .filter(|(f, _)| bar.nearest(f).is_some_and(|(_, de)| de <= opts.max_delta_e))
                        .map(|(_, c)| c)
                        .sum::<usize>() as f64
                        >= opts.min_near_share * n
            };
            if !fills.is_empty() && (exact as f64 >= opts.min_exact_share * n || nearly()) {
                bar.encodes.push(d.index);
                on += on_bar;
                off += fills.len() - on_bar;
            }
        }
        bar.sampled = off > on;
        bars.push(bar);
    }
    bars
}

/// Filled rectangles tiling the bar along its long axis: a vector colour bar.
fn vector_bins(scene: &Scene, frame: Rect, vertical: bool) -> Option<(Vec<Bin>, String)> {
    let tol = 1e-3 * frame.width().max(frame.height());
    let mut rects: Vec<(f64, f64, String)> = Vec::new();
    for it in &scene.items {
        let ItemKind::Shape(s) = &it.kind else { continue };
        let Some(fill) = s.fill.filter(|f| f.alpha > 0.0) else { continue };
        let Some(r) = crate::axes::axis_aligned_rect(&s.path) else { continue };
        let inside =
            r.x0 >= frame.x0 - tol && r.x1 <= frame.x1 + tol && r.y0 >= frame.y0 - tol && r.y1 <= frame.y1 + tol;
        let full_width = if vertical {
            (r.width() - frame.width()).abs() <= 0.05 * frame.width()
        } else {
            (r.height() - frame.height()).abs() <= 0.05 * frame.height()
        };
        let thin = if vertical { r.height() < 0.5 * frame.height() } else { r.width() < 0.5 * frame.width() };
        if inside && full_width && thin {
            let (a, b) = if vertical { (r.y0, r.y1) } else { (r.x0, r.x1) };
            rects.push((a, b, fill.hex()));
        }
    }
    if rects.len() < 3 {
        return None;
    }
    rects.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut sizes: Vec<f64> = rects.iter().map(|r| (r.1 - r.0).abs()).collect();
    sizes.sort_by(f64::total_cmp);
    let cell = sizes[sizes.len() / 2];
    // Adjacent cells of one colour (a bar drawn as many small cells) form one bin.
    let mut bins: Vec<Bin> = Vec::new();
    let mut merged = false;
    for (a, b, c) in rects {
        match bins.last_mut() {
            Some(last) if last.colour == c => {
                last.hi = last.hi.max(b);
                merged = true;
            }
            _ => bins.push(Bin { colour: c, lo: a, hi: b }),
        }
    }
    let distinct: std::collections::HashSet<&str> = bins.iter().map(|b| b.colour.as_str()).collect();
    if distinct.len() != bins.len() || bins.len() < 3 {
        return None;
    }
    // Neighbouring cells of one colour mean the cells sample a continuous map more finely than
    // its 8-bit colours change (ggplot2's `guide_colourbar(raster = FALSE)`): a value of a bin's
    // colour lies short of the neighbouring cells' centres, half a cell beyond the bin's cells.
    if merged {
        for b in &mut bins {
            b.lo -= cell / 2.0;
            b.hi += cell / 2.0;
        }
    }
    Some((bins, "vector".to_string()))
}

/// A bar filled by a linear gradient: sample it finely along the bar's axis; each run of one
/// 8-bit colour is a bin (a continuous ramp has no K, so a bin is where a colour is drawn).
fn gradient_bins(scene: &Scene, frame: Rect, vertical: bool, lo: f64, hi: f64) -> Option<(Vec<Bin>, String)> {
    let g = scene.items.iter().find_map(|it| match &it.kind {
        ItemKind::Shape(s) if s.path.bounding_box().intersect(frame).area() > 0.5 * frame.area() => s.gradient.clone(),
        _ => None,
    })?;
    // Samples finer than any 8-bit step of a ramp across the bar.
    const SAMPLES: usize = 4096;
    let mid = if vertical { frame.center().x } else { frame.center().y };
    let mut bins: Vec<Bin> = Vec::new();
    let step = (hi - lo) / SAMPLES as f64;
    for i in 0..SAMPLES {
        let (a, b) = (lo + step * i as f64, lo + step * (i + 1) as f64);
        let c = (a + b) / 2.0;
        let p = if vertical { kurbo::Point::new(mid, c) } else { kurbo::Point::new(c, mid) };
        let Some(rgb) = g.colour_at(p) else { continue };
        let hex = format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]);
        match bins.last_mut() {
            Some(last) if last.colour == hex => last.hi = b,
            _ => bins.push(Bin { colour: hex, lo: a, hi: b }),
        }
    }
    // A colour met again further along (a ramp that turns back) keeps its first bin only.
    let mut seen = std::collections::HashSet::new();
    bins.retain(|b| seen.insert(b.colour.clone()));
    (bins.len() >= 2).then(|| (bins, "gradient".to_string()))
}

/// The colours of an embedded image along the bar's long axis, as K equal bins over the frame
/// (`true`), or where each colour is drawn when they do not fit equal bins (`false`).
fn raster_bins(
    scene: &Scene,
    frame: Rect,
    vertical: bool,
    lo: f64,
    hi: f64,
    opts: &ScalesOptions,
    warnings: &mut Vec<String>,
) -> Option<(Vec<Bin>, String, bool)> {
    let im = scene.items.iter().find_map(|it| match &it.kind {
        ItemKind::Image(im) if im.rect.intersect(frame).area() > 0.5 * frame.area() => Some((im, &it.source)),
        _ => None,
    })?;
    let (im, src) = im;
    let img = match decode_data_url(&im.href, opts.max_image_pixels) {
        Ok(i) => i,
        Err(e) => {
            warnings.push(format!("{src}: colour-bar image skipped: {e}"));
            return None;
        }
    };
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return None;
    }
    // Walk the middle line of the image along the bar and note where each colour's pixels sit
    // (row centres mapped to root coordinates along the bar's axis).
    let n = if vertical { h } else { w };
    // Colour, sum of positions, rows, first and last row centre.
    let mut seen: Vec<(String, f64, usize, f64, f64)> = Vec::new();
    let mut pitch = 0.0_f64;
    let mut prev: Option<f64> = None;
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut repeated = false;
    let mut last: Option<String> = None;
    for i in 0..n {
        let px = if vertical { img.get_pixel(w / 2, i) } else { img.get_pixel(i, h / 2) };
        let c = format!("#{:02x}{:02x}{:02x}", px[0], px[1], px[2]);
        // Pixels stretch over the element's width and height.
        let (sx, sy) = (im.size.0 / f64::from(w), im.size.1 / f64::from(h));
        let centre = if vertical {
            (im.transform * kurbo::Point::new(im.size.0 / 2.0, (f64::from(i) + 0.5) * sy)).y
        } else {
            (im.transform * kurbo::Point::new((f64::from(i) + 0.5) * sx, im.size.1 / 2.0)).x
        };
        if let Some(p) = prev {
            pitch = (centre - p).abs();
        }
        prev = Some(centre);
        match index.get(&c) {
            Some(&k) => {
                if last.as_deref() != Some(c.as_str()) {
                    repeated = true;
                }
                let e = &mut seen[k];
                e.1 += centre;
                e.2 += 1;
                e.3 = e.3.min(centre);
                e.4 = e.4.max(centre);
            }
            None => {
                index.insert(c.clone(), seen.len());
                seen.push((c.clone(), centre, 1, centre, centre));
            }
        }
        last = Some(c);
    }
    if repeated {
        warnings.push(format!(
            "{src}: colour-bar image repeats a colour along its length; each colour is placed at its mean position"
        ));
    }
    let d = seen.len();
    if d < 2 {
        return None;
    }
    // The colour map's size: the image may have lost a few colours in resampling (a 256-entry
    // map drawn on fewer rows than it has colours), so a count just under a power of two is
    // taken as that power of two.
    let pow2 = d.next_power_of_two();
    let k_levels = if pow2 > d && (pow2 - d) as f64 <= 0.03 * pow2 as f64 { pow2 } else { d };
    let mut placed: Vec<(f64, String, f64, f64)> =
        seen.into_iter().map(|(c, sum, rows, first, last)| (sum / rows as f64, c, first, last)).collect();
    placed.sort_by(|a, b| (a.0 - lo).abs().total_cmp(&(b.0 - lo).abs()));
    let span = hi - lo;
    let kf = k_levels as f64;
    // All colours present: their order is their bin. Some lost: a colour's bin is its rank plus
    // the number of lost colours before it, which its position tells (rounded, and never fewer
    // than for the colour before it). Where the position falls near halfway between two counts
    // (the image's rows straddle a bin edge), the colour's bin is either: it covers both.
    let lost = k_levels.saturating_sub(d);
    let mut gaps = 0usize;
    let bins: Vec<Bin> = placed
        .iter()
        .enumerate()
        .map(|(seq, (p, c, _, _))| {
            let (k0, k1) = if lost == 0 {
                (seq, seq)
            } else {
                let expected = ((p - lo) / span) * kf - 0.5 - seq as f64;
                gaps = (expected.round().max(0.0) as usize).clamp(gaps, lost);
                let other = if (expected - expected.round()).abs() <= opts.raster_gap_doubt {
                    gaps
                } else if expected > expected.round() {
                    (gaps + 1).min(lost)
                } else {
                    gaps.saturating_sub(1)
                };
                let (a, b) = (gaps.min(other), gaps.max(other));
                ((seq + a).min(k_levels - 1), (seq + b).min(k_levels - 1))
            };
            Bin { colour: c.clone(), lo: lo + span * k0 as f64 / kf, hi: lo + span * (k1 as f64 + 1.0) / kf }
        })
        .collect();
    // A map of K discrete colours resampled onto the image draws each colour inside its bin. A
    // continuous map sampled once per row (ggplot2's colour bar: row i shows the value at its
    // centre) repeats a colour on neighbouring rows wherever the map changes by less than an
    // 8-bit step, so its colours drift off equal bins; then each colour covers where it is drawn.
    let slop = opts.raster_bin_slop_rows * pitch;
    let inside = placed.iter().zip(&bins).all(|((_, _, first, last), b)| {
        let (blo, bhi) = (b.lo.min(b.hi), b.lo.max(b.hi));
        *first >= blo - slop && *last <= bhi + slop
    });
    if k_levels == d && !inside && pitch > 0.0 {
        // A value whose colour is drawn on rows first..last lies short of the neighbouring rows,
        // which drew other colours: the bin reaches a whole row beyond its own rows' centres.
        let drawn =
            placed.into_iter().map(|(_, c, first, last)| Bin { colour: c, lo: first - pitch, hi: last + pitch });
        return Some((drawn.collect(), "raster".into(), false));
    }
    Some((bins, "raster".into(), true))
}

/// A marker's decoded colour-bar value.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Decoded {
    pub bar: usize,
    pub value: f64,
    pub halfwidth: f64,
    /// CIEDE2000 distance to the bin colour (0 for an exact match).
    pub delta_e: f64,
}

/// Decode a marker's fill through the bar that encodes its panel.
pub fn decode(bars: &[ColourBar], m: &Marker, opts: &ScalesOptions) -> Result<Option<Decoded>, String> {
    let Some(fill) = m.fill.as_deref() else { return Ok(None) };
    decode_colour(bars, m.panel, fill, &m.source, opts)
}

/// Decode a colour drawn in `panel` (a marker's fill, a line's stroke) through the bar that
/// encodes the panel; `source` names the element in the error.
pub fn decode_colour(
    bars: &[ColourBar],
    panel: usize,
    fill: &str,
    source: &str,
    opts: &ScalesOptions,
) -> Result<Option<Decoded>, String> {
    let Some(bar) = bars.iter().find(|b| b.encodes.contains(&panel)) else { return Ok(None) };
    let (k, de) = match bar.exact(fill) {
        Some(k) => (k, 0.0),
        None => match bar.nearest(fill) {
            Some((k, de)) if de <= opts.max_delta_e => {
                if bar.equal_bins {
                    if let Some(d) = missing_neighbour(bar, k, fill, de) {
                        return Ok(Some(Decoded { bar: bar.panel, ..d }));
                    }
                } else if let Some(d) = between_neighbours(bar, fill, opts.max_between_rgb) {
                    return Ok(Some(d));
                }
                (k, de)
            }
            Some((_, de)) => {
                return Err(format!(
                    "{source}: colour {fill} is {de:.2} CIEDE2000 from every colour of bar {}; value left empty",
                    bar.panel
                ));
            }
            None => return Ok(None),
        },
    };
    Ok(bar.bin_value(k).map(|(value, halfwidth)| Decoded { bar: bar.panel, value, halfwidth, delta_e: de }))
}

/// A fill that is in no bin of a sampled continuous map lies between two neighbouring bins'
/// colours (the map rounded to 8 bits between two samples). Project it, in 8-bit sRGB where the
/// rounding happens, onto the segment between each pair of neighbouring bins' colours and take
/// the pair it lies closest to (within `max_between_rgb`); the value is interpolated between the
/// two bins' centres and the half-width reaches half a bin beyond both centres. `None` when no
/// segment is close.
fn between_neighbours(bar: &ColourBar, fill: &str, max_dist: f64) -> Option<Decoded> {
    let f = hex_rgb(fill)?;
    let mut best: Option<(f64, usize, f64)> = None; // (distance, first bin, t)
    for j in 0..bar.bins.len().saturating_sub(1) {
        let (Some(a), Some(b)) = (hex_rgb(&bar.bins[j].colour), hex_rgb(&bar.bins[j + 1].colour)) else { continue };
        let d: [f64; 3] = std::array::from_fn(|i| b[i] - a[i]);
        let len2: f64 = d.iter().map(|x| x * x).sum();
        if len2 <= 0.0 {
            continue;
        }
        let t = (0..3).map(|i| (f[i] - a[i]) * d[i]).sum::<f64>() / len2;
        if !(0.0..=1.0).contains(&t) {
            continue;
        }
        let dist = (0..3).map(|i| (f[i] - a[i] - t * d[i]).powi(2)).sum::<f64>().sqrt();
        if dist <= max_dist && best.is_none_or(|x| dist < x.0) {
            best = Some((dist, j, t));
        }
    }
    let (_, j, t) = best?;
    let centre = |b: &Bin| (b.lo + b.hi) / 2.0;
    let (pa, pb) = (centre(&bar.bins[j]), centre(&bar.bins[j + 1]));
    let map = &bar.axis.map;
    let value = map.value(pa + t * (pb - pa));
    // Where inside its bin a drawn sample's colour was taken is not known (gnuplot colours each
    // cell of its box by the cell's lower end, ggplot2 by its centre): the interval reaches half
    // a bin beyond both centres, so it holds the value whatever that phase.
    let half = (pb - pa) / 2.0;
    let halfwidth = (value - map.value(pa - half)).abs().max((value - map.value(pb + half)).abs());
    let near = if t <= 0.5 { j } else { j + 1 };
    let de = f64::from(hex_lab(fill)?.difference(hex_lab(&bar.bins[near].colour)?));
    Some(Decoded { bar: bar.panel, value, halfwidth, delta_e: de })
}

/// A `#rrggbb` colour's 8-bit channels.
fn hex_rgb(c: &str) -> Option<[f64; 3]> {
    crate::marks::parse_hex(c).map(|c| c.map(f64::from))
}

/// A fill that is not in a raster bar may be a colour the image lost in resampling: when the
/// slot next to the nearest bin is empty and the colour halfway between that bin and the one
/// beyond the gap matches the fill better, decode to the empty slot.
fn missing_neighbour(bar: &ColourBar, k: usize, fill: &str, de: f64) -> Option<Decoded> {
    let b = bar.bins.get(k)?;
    let width = b.hi - b.lo;
    let lab = hex_lab(fill)?;
    let at = |p: f64| bar.bins.iter().position(|c| (c.lo - p).abs() < 0.25 * width.abs());
    let mut best: Option<(f64, f64)> = None; // (distance, slot start)
    for dir in [-1.0, 1.0] {
        let slot = b.lo + dir * width;
        if at(slot).is_some() {
            continue;
        }
        let Some(beyond) = at(b.lo + 2.0 * dir * width) else { continue };
        let (l1, l2) = (hex_lab(&b.colour)?, hex_lab(&bar.bins[beyond].colour)?);
        let mid = Lab::new((l1.l + l2.l) / 2.0, (l1.a + l2.a) / 2.0, (l1.b + l2.b) / 2.0);
        let d = f64::from(lab.difference(mid));
        if d < de && best.is_none_or(|x| d < x.0) {
            best = Some((d, slot));
        }
    }
    let (d, slot) = best?;
    let (value, halfwidth) = centre_and_halfwidth(&bar.axis.map, slot, slot + width);
    Some(Decoded { bar: bar.panel, value, halfwidth, delta_e: d })
}

/// The series label of a marker by exact style match with a legend entry (marker swatches by shape
/// and colours; else line swatches by colour), preferring the legend nearest the marker's panel.
pub fn series_of<'a>(m: &Marker, panel: &Panel, legend: &'a [LegendEntry]) -> Option<&'a LegendEntry> {
    let dist = |e: &LegendEntry| {
        let b = e.bbox;
        let dx = (panel.rect.x0 - b.x1).max(b.x0 - panel.rect.x1).max(0.0);
        let dy = (panel.rect.y0 - b.y1).max(b.y0 - panel.rect.y1).max(0.0);
        dx.hypot(dy)
    };
    let marker_match = legend.iter().filter(|e| match &e.swatch {
        // A swatch outlined in its own fill colour looks like the same marker drawn without an
        // outline (Vega-Lite's legend symbols for `line` with `point: true`).
        Swatch::Marker { shape, fill, stroke } => {
            *shape == m.shape
                && *fill == m.fill
                && (stroke.is_none() || *stroke == m.stroke || (m.stroke.is_none() && stroke == fill))
        }
        _ => false,
    });
    let best = marker_match.min_by(|a, b| dist(a).total_cmp(&dist(b)));
    best.or_else(|| {
        legend
            .iter()
            .filter(|e| match &e.swatch {
                Swatch::Line { stroke, .. } => stroke.is_some() && *stroke == m.fill,
                _ => false,
            })
            .min_by(|a, b| dist(a).total_cmp(&dist(b)))
    })
}
