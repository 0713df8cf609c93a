//! Audit: prove an extraction round-trips, and show a person what was read.
//!
//! Input: an [`Extraction`] (and, when the figure has one, its [`Dataset`]) plus the original SVG
//! (bytes for the picture, text for the page). Output:
//! - [`certificate`]: a [`Certificate`] (serialised as `certificate.json`) with three checks.
//!   1. Points: each point's data values are mapped back through its panel's axis maps
//!      ([`AxisMap::position`]) and compared with the marker's drawn centre (`x_svg`, `y_svg`);
//!      a panel passes when the largest residual (Euclidean, root SVG units) is at most
//!      [`POINT_TOLERANCE`] and every value that exists re-maps to a position.
//!   2. Colours: each colour-decoded value is mapped back to a colour through its bar
//!      ([`ColourBar::colour_of`]). A value decoded from a colour found in the bar must re-map to
//!      the marker's fill exactly. A nearest-colour decode (`delta_e > 0`: a fill between the
//!      bar's colours, as continuous maps draw) cannot; it is counted as approximate, and must
//!      re-map to a colour within the decoder's largest distance ([`ScalesOptions::max_delta_e`])
//!      of the fill. A bar passes when no value re-maps elsewhere.
//!   3. Ticks: per axis, each used tick's position minus the fitted map's position for its value.
//!      Tolerance: the larger of [`TICK_REL_TOLERANCE`] x the median spacing of used ticks and
//!      [`TICK_ABS_TOLERANCE`] SVG units. Ticks positioned by their label's text anchor
//!      (`anchor: label`) sit a constant font-metric offset away from the true tick, which the
//!      frame-anchored map does not share (README, "How calibration works"); for them the check is
//!      on residuals about their median (the scale), and the median is reported as `label_offset`.
//! - [`audit_png`]: the original figure rendered with resvg at `scale` x its CSS pixel size, with
//!   every reconstructed marker ringed in [`RING_COLOUR`] (non-anti-aliased, drawn last, so the
//!   ring pixels are exactly that colour), excluded dataset rows crossed in red, joined pairs
//!   ringed in cyan and linked by a one-pixel cyan line, recovered line series traced in
//!   one-pixel orange lines, used ticks as green and rejected ticks as red
//!   marks across the frame edge, and a key in a strip below the figure. The key's text needs a
//!   system font; when none is found the strip shows only the swatches, and the key text is always
//!   also in the PNG's `Description` tEXt chunk. The `figdig-audit` tEXt chunk holds the layout as
//!   JSON (root-user-unit to pixel transform, ring radius and width, figure height in pixels), so
//!   a reader can find every ring.
//! - [`audit_html`]: one self-contained page (inline CSS and JS only) with the original SVG inline
//!   (sanitised: no scripts, event handlers, foreign elements or external references), an overlay
//!   layer with one `circle.pt[data-i=k]` per point, a points table, axis calibration tables, and
//!   a `#selftest` mode for a headless browser.
//!
//! Invariants: point `k` of every output is `ex.points[k]` (the order of `points.csv`); the
//! library does no file I/O except reading system fonts once per process for the key and the
//! figure's text; external references in the figure are never followed.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

use resvg::tiny_skia;
use resvg::usvg;
use serde::Serialize;

use crate::axes::{AnchorKind, Axis, AxisMap, Dir, PanelKind, Scale};
use crate::dataset::Dataset;
use crate::extract::Extraction;

/// Largest point residual (root SVG units) for a panel to pass.
pub const POINT_TOLERANCE: f64 = 1e-4;
/// Tick tolerance relative to the median spacing of the axis's used ticks.
pub const TICK_REL_TOLERANCE: f64 = 1e-3;
/// Smallest tick tolerance, in root SVG units.
pub const TICK_ABS_TOLERANCE: f64 = 0.01;
/// The ring colour of `audit.png` (exact: rings are drawn without anti-aliasing).
pub const RING_COLOUR: [u8; 3] = [255, 0, 255];
/// Largest `audit.png` in pixels (the renderer allocates 4 bytes per pixel).
pub const MAX_AUDIT_PIXELS: u64 = 64 << 20;
/// Figure pixels the command line's `audit.png` aims at: a full-HD screen (1920 x 1080), on which
/// the audit is meant to be seen whole. More pixels cost render time without showing more, so a
/// figure larger than this at the requested scale is drawn at a lower one (with a note).
pub const AUDIT_TARGET_PIXELS: u64 = 1920 * 1080;

/// An audit picture and the scale it was drawn at (lower than asked when the figure is large).
pub struct AuditPng {
    pub png: Vec<u8>,
    pub scale: f32,
}

/// `scale`, lowered so that a `w` x `h` figure comes to at most `max_pixels` pixels.
fn fitted_scale(w: f32, h: f32, scale: f32, max_pixels: u64) -> f32 {
    let area = f64::from(w) * f64::from(h) * f64::from(scale).powi(2);
    if area <= max_pixels as f64 || !(area > 0.0) {
        return scale;
    }
    (f64::from(scale) * (max_pixels as f64 / area).sqrt()) as f32
}

/// Why an audit picture could not be made.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("the figure cannot be rendered: {0}")]
    Render(#[from] usvg::Error),
    #[error("audit scale {0} is not a positive finite number")]
    BadScale(f32),
    #[error("audit image of {0}x{1} pixels is over the limit of {MAX_AUDIT_PIXELS} pixels")]
    TooLarge(u32, u32),
    #[error("cannot encode the audit PNG: {0}")]
    Encode(String),
}

/// The round-trip check of one data panel's points.
#[derive(Debug, Clone, Serialize)]
pub struct PanelCheck {
    pub panel: usize,
    pub points: usize,
    /// Coordinates compared (a point with both axes calibrated contributes two).
    pub coordinates_checked: usize,
    /// Values that exist but have no position on their axis (log of a non-positive): failures.
    pub not_remappable: usize,
    /// Largest Euclidean residual, root SVG units.
    pub max_residual: f64,
    pub rms_residual: f64,
    pub max_residual_x: f64,
    pub max_residual_y: f64,
    /// Index (into points.csv) of the point with the largest residual.
    pub worst_point: Option<usize>,
    pub pass: bool,
}

/// The colour re-map check of one colour bar.
#[derive(Debug, Clone, Serialize)]
pub struct ColourCheck {
    /// Index of the colour-bar panel.
    pub bar: usize,
    /// Points whose value this bar decoded.
    pub decoded: usize,
    /// Of those, values whose bin colour equals the marker's fill exactly.
    pub exact: usize,
    /// Values decoded by nearest colour that re-map to a colour within the decoder's largest
    /// CIEDE2000 distance of the fill.
    pub approximate: usize,
    /// The first few points that re-map to another colour: (point, fill, re-mapped colour).
    pub mismatches: Vec<(usize, String, Option<String>)>,
    pub pass: bool,
}

/// The residual check of one axis's ticks.
#[derive(Debug, Clone, Serialize)]
pub struct AxisCheck {
    pub panel: usize,
    pub panel_kind: PanelKind,
    pub axis: Dir,
    pub method: String,
    pub used_ticks: usize,
    pub rejected_ticks: usize,
    /// Median spacing of consecutive used ticks, root SVG units (`None` with fewer than two).
    pub median_spacing: Option<f64>,
    pub tolerance: f64,
    /// Median residual of the used label-anchored ticks (their common text-anchor offset).
    pub label_offset: Option<f64>,
    /// Largest |residual| checked (label-anchored ticks about `label_offset`).
    pub max_abs_residual: f64,
    pub pass: bool,
}

/// Tolerances the certificate applied.
#[derive(Debug, Clone, Serialize)]
pub struct Tolerances {
    pub point_residual_svg: f64,
    pub tick_relative_to_median_spacing: f64,
    pub tick_absolute_svg: f64,
}

/// `certificate.json`: does every number map back onto what the figure draws?
#[derive(Debug, Clone, Serialize)]
pub struct Certificate {
    pub pass: bool,
    /// One line per failed check (empty when `pass`).
    pub failed: Vec<String>,
    pub points: usize,
    pub tolerances: Tolerances,
    pub panels: Vec<PanelCheck>,
    pub colour_bars: Vec<ColourCheck>,
    pub axes: Vec<AxisCheck>,
}

/// Check that every point, decoded colour and used tick maps back onto the figure.
pub fn certificate(ex: &Extraction, ds: Option<&Dataset>) -> Certificate {
    // The dataset adds no check of its own: its rows are the points (same centres), so the
    // point check covers them. It is taken for symmetry with the picture and the page.
    let _ = ds;
    let mut failed = Vec::new();
    let panels: Vec<PanelCheck> = ex
        .panels
        .iter()
        .filter(|p| p.kind == PanelKind::Data)
        .map(|p| {
            let mut c = PanelCheck {
                panel: p.index,
                points: 0,
                coordinates_checked: 0,
                not_remappable: 0,
                max_residual: 0.0,
                rms_residual: 0.0,
                max_residual_x: 0.0,
                max_residual_y: 0.0,
                worst_point: None,
                pass: true,
            };
            let mut sum_sq = 0.0;
            for (k, q) in ex.points.iter().enumerate().filter(|(_, q)| q.panel == p.index) {
                c.points += 1;
                let mut d2 = 0.0;
                for (axis, value, drawn, worst) in
                    [(&p.x, q.x, q.x_svg, &mut c.max_residual_x), (&p.y, q.y, q.y_svg, &mut c.max_residual_y)]
                {
                    let (Some(axis), Some(value)) = (axis, value) else { continue };
                    match axis.map.position(value) {
                        Some(pos) => {
                            let r = (pos - drawn).abs();
                            *worst = worst.max(r);
                            d2 += r * r;
                            c.coordinates_checked += 1;
                        }
                        None => c.not_remappable += 1,
                    }
                }
                sum_sq += d2;
                // A NaN residual (non-finite value) counts as the worst possible.
                let d = if d2.is_nan() { f64::INFINITY } else { d2.sqrt() };
                if c.worst_point.is_none() || d > c.max_residual {
                    c.max_residual = d;
                    c.worst_point = Some(k);
                }
            }
            if c.points > 0 {
                c.rms_residual = (sum_sq / c.points as f64).sqrt();
            }
            c.pass = c.max_residual <= POINT_TOLERANCE && c.not_remappable == 0;
            if !c.pass {
                failed.push(format!(
                    "panel {} points: max residual {:.3e} SVG units (tolerance {POINT_TOLERANCE:e}), {} value(s) without a position",
                    p.index, c.max_residual, c.not_remappable
                ));
            }
            c
        })
        .collect();

    let colour_bars: Vec<ColourCheck> = ex
        .colour_bars
        .iter()
        .map(|bar| {
            let mut c = ColourCheck {
                bar: bar.panel,
                decoded: 0,
                exact: 0,
                approximate: 0,
                mismatches: Vec::new(),
                pass: true,
            };
            let max_de = crate::scales::ScalesOptions::default().max_delta_e;
            for (k, q) in ex.points.iter().enumerate() {
                // The decoder uses the first bar that encodes the point's panel; so does the check.
                let decoder = ex.colour_bars.iter().find(|b| b.encodes.contains(&q.panel));
                let (Some(value), Some(decoder)) = (q.value, decoder) else { continue };
                if decoder.panel != bar.panel {
                    continue;
                }
                c.decoded += 1;
                let back = bar.colour_of(value);
                let nearest = q.delta_e.is_some_and(|d| d > 0.0);
                if back.is_some_and(|b| b.eq_ignore_ascii_case(&q.fill)) {
                    c.exact += 1;
                } else if nearest
                    && back.and_then(|b| crate::scales::delta_e(b, &q.fill)).is_some_and(|d| d <= max_de * (1.0 + 1e-9))
                {
                    c.approximate += 1;
                } else if c.mismatches.len() < 10 {
                    c.mismatches.push((k, q.fill.clone(), back.map(str::to_string)));
                }
            }
            c.pass = c.exact + c.approximate == c.decoded;
            if !c.pass {
                failed.push(format!(
                    "colour bar {}: {} of {} decoded values re-map to another colour",
                    bar.panel,
                    c.decoded - c.exact - c.approximate,
                    c.decoded
                ));
            }
            c
        })
        .collect();

    let mut axes = Vec::new();
    for p in &ex.panels {
        for axis in [&p.x, &p.y].into_iter().flatten() {
            let c = axis_check(p.index, p.kind, axis);
            if !c.pass {
                failed.push(format!(
                    "panel {} {} ticks: max residual {:.3e} SVG units (tolerance {:.3e})",
                    p.index,
                    dir_name(axis.dir),
                    c.max_abs_residual,
                    c.tolerance
                ));
            }
            axes.push(c);
        }
    }
    Certificate {
        pass: failed.is_empty(),
        failed,
        points: ex.points.len(),
        tolerances: Tolerances {
            point_residual_svg: POINT_TOLERANCE,
            tick_relative_to_median_spacing: TICK_REL_TOLERANCE,
            tick_absolute_svg: TICK_ABS_TOLERANCE,
        },
        panels,
        colour_bars,
        axes,
    }
}

/// A tick's part in the calibration, for the audit page.
fn tick_status(t: &crate::axes::Tick) -> &'static str {
    if t.used {
        "used"
    } else if t.checked {
        "checked (agrees, not in the fit)"
    } else {
        "rejected"
    }
}

fn dir_name(d: Dir) -> &'static str {
    match d {
        Dir::X => "x",
        Dir::Y => "y",
    }
}

/// Position minus the map's position for the tick's value (recomputed, not the stored residual,
/// so the check does not trust the calibration stage's own arithmetic).
fn tick_residual(map: &AxisMap, value: f64, position: f64) -> Option<f64> {
    map.position(value).map(|p| position - p)
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 })
}

fn axis_check(panel: usize, kind: PanelKind, axis: &Axis) -> AxisCheck {
    let used: Vec<_> = axis.ticks.iter().filter(|t| t.used).collect();
    let mut positions: Vec<f64> = used.iter().map(|t| t.position).collect();
    positions.sort_by(f64::total_cmp);
    let mut gaps: Vec<f64> = positions.windows(2).map(|w| w[1] - w[0]).collect();
    let median_spacing = median(&mut gaps);
    let tolerance = median_spacing.map_or(TICK_ABS_TOLERANCE, |s| (TICK_REL_TOLERANCE * s).max(TICK_ABS_TOLERANCE));
    let mut label_res: Vec<f64> = used
        .iter()
        .filter(|t| t.anchor == AnchorKind::Label)
        .filter_map(|t| tick_residual(&axis.map, t.value, t.position))
        .collect();
    let label_offset = median(&mut label_res);
    let mut max_abs: f64 = 0.0;
    let mut bad = false;
    for t in &used {
        match tick_residual(&axis.map, t.value, t.position) {
            Some(r) => {
                let r = if t.anchor == AnchorKind::Label { r - label_offset.unwrap_or(0.0) } else { r };
                if r.is_nan() {
                    bad = true;
                }
                max_abs = max_abs.max(r.abs());
            }
            // A used tick whose value has no position cannot have been fitted: a failure.
            None => bad = true,
        }
    }
    AxisCheck {
        panel,
        panel_kind: kind,
        axis: axis.dir,
        method: axis.method.clone(),
        used_ticks: used.len(),
        rejected_ticks: axis.rejected().count(),
        median_spacing,
        tolerance,
        label_offset,
        max_abs_residual: max_abs,
        pass: !bad && max_abs <= tolerance,
    }
}

/// What the dataset says about each point (index = point index).
#[derive(Debug, Clone, Default)]
struct Link {
    /// Dataset row built from this point.
    row: Option<usize>,
    excluded: Option<String>,
    /// The point joined to this one in another panel.
    partner: Option<usize>,
}

/// Match dataset rows (and their join partners) to points by panel, source and centre.
fn links(ex: &Extraction, ds: Option<&Dataset>) -> Vec<Link> {
    let mut out = vec![Link::default(); ex.points.len()];
    let Some(ds) = ds else { return out };
    let mut by_source: HashMap<(usize, &str), Vec<usize>> = HashMap::new();
    for (k, p) in ex.points.iter().enumerate() {
        by_source.entry((p.panel, p.source.as_str())).or_default().push(k);
    }
    // Merged duplicates can share a source; the nearest centre decides among them.
    let find = |panel: usize, source: &str, x: f64, y: f64| -> Option<usize> {
        by_source.get(&(panel, source))?.iter().copied().min_by(|&a, &b| {
            let da = (ex.points[a].x_svg - x).hypot(ex.points[a].y_svg - y);
            let db = (ex.points[b].x_svg - x).hypot(ex.points[b].y_svg - y);
            da.total_cmp(&db)
        })
    };
    for (ri, r) in ds.rows.iter().enumerate() {
        let Some(k) = find(r.panel, &r.source, r.x_svg, r.y_svg) else { continue };
        out[k].row = Some(ri);
        out[k].excluded = r.excluded.clone();
        if let Some((qp, qx, qy, qs)) = &r.joined
            && let Some(q) = find(*qp, qs, *qx, *qy)
        {
            out[k].partner = Some(q);
            out[q].partner = Some(k);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// audit.png
// ---------------------------------------------------------------------------------------------

/// System fonts, loaded once per process (the figure's text and the key's). The serif fallback,
/// which usvg uses for unknown family names such as matplotlib's "DejaVuSans", is set to a sans
/// font when one is installed, since plotting libraries default to sans.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        // Scanning every system font costs tens of milliseconds per process (196 faces here);
        // the audit needs one sans-serif family, so Debian's DejaVu directory is tried first and
        // the full scan is the fallback.
        load_font_dir(&mut db, std::path::Path::new(AUDIT_FONT_DIR));
        if db.is_empty() {
            db.load_system_fonts();
        }
        // Map each font file once for the whole process: otherwise every text run opens and maps
        // its font again (hundreds of times per figure), and every unmap interrupts all threads.
        let ids: Vec<_> = db.faces().map(|f| f.id).collect();
        for id in ids {
            // SAFETY: the mapping is what fontdb makes on every use anyway, kept instead of
            // remade; system font files are installed read-only and not rewritten during a run.
            let _ = unsafe { db.make_shared_face_data(id) };
        }
        let families: Vec<String> =
            db.faces().flat_map(|f| f.families.iter().map(|(n, _)| n.clone())).collect::<Vec<_>>();
        for want in ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"] {
            if families.iter().any(|f| f == want) {
                db.set_serif_family(want);
                db.set_sans_serif_family(want);
                break;
            }
        }
        Arc::new(db)
    })
    .clone()
}

/// The font folder tried first for the audit's text (Debian's DejaVu fonts); when it holds no
/// font, every system font is scanned instead.
pub const AUDIT_FONT_DIR: &str = "/usr/share/fonts/truetype/dejavu";

/// Load the font files directly in `dir` (sorted by name), each mapped once for the process,
/// copy-on-write, with its legacy `kern` table hidden where GPOS kerns (see [`hide_legacy_kern`]).
fn load_font_dir(db: &mut usvg::fontdb::Database, dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| ["ttf", "otf"].iter().any(|e| x.eq_ignore_ascii_case(e))))
        .collect();
    paths.sort();
    for path in paths {
        let Ok(file) = std::fs::File::open(&path) else { continue };
        // SAFETY: a private mapping (writes stay in this process); system font files are
        // installed read-only and not rewritten during a run, as fontdb's own mappings assume.
        let Ok(mut map) = (unsafe { memmap2::MmapOptions::new().map_copy(&file) }) else { continue };
        hide_legacy_kern(&mut map);
        let Ok(map) = map.make_read_only() else { continue };
        db.load_font_source(usvg::fontdb::Source::Binary(Arc::new(map)));
    }
}

/// Hide a font's legacy `kern` table (renamed `kerm` in the table directory, which keeps its
/// sort order) when its GPOS table has a `kern` feature.
///
/// Why: the shaper then kerns from GPOS and never reads `kern` (as HarfBuzz does), yet usvg
/// builds a shaper per text run, and each build indexes every `kern` subtable: for DejaVu Sans
/// that was 0.4 M instructions per run, most of the figure text's cost. The glyphs and their
/// positions are unchanged.
fn hide_legacy_kern(data: &mut [u8]) {
    let u16_at = |d: &[u8], o: usize| d.get(o..o + 2).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])));
    let u32_at = |d: &[u8], o: usize| d.get(o..o + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let Some(n) = u16_at(data, 4) else { return };
    let record = |tag: &[u8; 4]| (0..n).map(|i| 12 + 16 * i).find(|&r| data.get(r..r + 4) == Some(tag.as_slice()));
    let (Some(kern), Some(gpos)) = (record(b"kern"), record(b"GPOS").and_then(|r| u32_at(data, r + 8))) else {
        return;
    };
    let Some(features) = u16_at(data, gpos + 6).map(|o| gpos + o) else { return };
    let Some(count) = u16_at(data, features) else { return };
    let kerns = (0..count).any(|i| data.get(features + 2 + 6 * i..features + 6 + 6 * i) == Some(b"kern".as_slice()));
    if kerns && let Some(tag) = data.get_mut(kern..kern + 4) {
        tag.copy_from_slice(b"kerm");
    }
}

/// usvg options that never read outside the file: external image references resolve to nothing.
fn usvg_options() -> usvg::Options<'static> {
    // Crisp edges: the audit is a map of where things are, and anti-aliasing the figure's many
    // contour strokes costs most of the rendering time.
    // Nearest-neighbour images: embedded rasters (colour bars, heat maps) keep their exact
    // colours, and bicubic filtering was a fifth of the audit's time.
    let mut o = usvg::Options {
        fontdb: fonts(),
        shape_rendering: usvg::ShapeRendering::CrispEdges,
        image_rendering: usvg::ImageRendering::OptimizeSpeed,
        ..Default::default()
    };
    o.image_href_resolver.resolve_string = Box::new(|_, _| None);
    // Embedded images are decoded only when their header states a size within the limit: a
    // hostile header (100000 x 100000) must not make the renderer allocate.
    let default = usvg::ImageHrefResolver::default_data_resolver();
    o.image_href_resolver.resolve_data = Box::new(move |mime, data, opts| {
        let dims = image::ImageReader::new(std::io::Cursor::new(data.as_slice()))
            .with_guessed_format()
            .ok()
            .and_then(|r| r.into_dimensions().ok());
        match dims {
            Some((w, h)) if u64::from(w) * u64::from(h) <= crate::scales::ScalesOptions::default().max_image_pixels => {
                default(mime, data, opts)
            }
            _ => None,
        }
    });
    o
}

/// The map from root user units to CSS pixels of the rendered tree: the root's viewBox under its
/// preserveAspectRatio (mirroring usvg's own), then the root's `transform` if any.
#[cfg(test)]
fn user_to_css(svg_bytes: &[u8], size: usvg::Size) -> tiny_skia::Transform {
    let text = String::from_utf8_lossy(svg_bytes);
    let opts = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    let Ok(doc) = roxmltree::Document::parse_with_options(&text, opts) else {
        return tiny_skia::Transform::identity();
    };
    root_to_css(doc.root_element(), size)
}

/// [`user_to_css`] from the parsed root element.
fn root_to_css(root: roxmltree::Node, size: usvg::Size) -> tiny_skia::Transform {
    let vb = root
        .attribute("viewBox")
        .and_then(|s| s.parse::<svgtypes::ViewBox>().ok())
        .filter(|v| v.w > 0.0 && v.h > 0.0 && v.w.is_finite() && v.h.is_finite());
    let mut t = match vb {
        None => tiny_skia::Transform::identity(),
        Some(v) => {
            let aspect: svgtypes::AspectRatio =
                root.attribute("preserveAspectRatio").and_then(|s| s.parse().ok()).unwrap_or_default();
            let (w, h) = (f64::from(size.width()), f64::from(size.height()));
            let (mut sx, mut sy) = (w / v.w, h / v.h);
            if aspect.align != svgtypes::Align::None {
                let s = if aspect.slice { sx.max(sy) } else { sx.min(sy) };
                (sx, sy) = (s, s);
            }
            let (x, y) = (-v.x * sx, -v.y * sy);
            let (fw, fh) = (w - v.w * sx, h - v.h * sy);
            use svgtypes::Align as A;
            let tx = match aspect.align {
                A::None | A::XMinYMin | A::XMinYMid | A::XMinYMax => x,
                A::XMidYMin | A::XMidYMid | A::XMidYMax => x + fw / 2.0,
                A::XMaxYMin | A::XMaxYMid | A::XMaxYMax => x + fw,
            };
            let ty = match aspect.align {
                A::None | A::XMinYMin | A::XMidYMin | A::XMaxYMin => y,
                A::XMinYMid | A::XMidYMid | A::XMaxYMid => y + fh / 2.0,
                A::XMinYMax | A::XMidYMax | A::XMaxYMax => y + fh,
            };
            tiny_skia::Transform::from_row(sx as f32, 0.0, 0.0, sy as f32, tx as f32, ty as f32)
        }
    };
    if let Some(rt) = root.attribute("transform").and_then(|s| s.parse::<svgtypes::Transform>().ok()) {
        let rt = tiny_skia::Transform::from_row(
            rt.a as f32,
            rt.b as f32,
            rt.c as f32,
            rt.d as f32,
            rt.e as f32,
            rt.f as f32,
        );
        t = t.post_concat(rt);
    }
    t
}

/// The figure's text with clipping simplified where that cannot change a pixel, or `None` when
/// there is nothing to simplify:
/// - a `<g clip-path="url(#id)">` whose clip is an axis-aligned rectangle that contains all its
///   content (plain `path` children, stroke included) loses the attribute;
/// - runs of consecutive sibling `<g clip-path="url(#id)">` groups whose clip paths are identical
///   become one group.
///
/// Why: resvg renders every clipped group into a layer of its own and masks it, which for
/// matplotlib output (one clipped group per marker and per line, hundreds of them) dominates the
/// audit's time. Only groups with no attribute besides `clip-path` are touched (so no transform
/// changes the clip's user space), painting order is kept, and for merged groups only
/// anti-aliased clip-edge pixels can differ by rounding. Any `<style>` element or `style`
/// attribute on the way disables the containment test (CSS could change the stroke).
fn simplify_clips(doc: &roxmltree::Document, text: &str) -> Option<String> {
    let css = doc.descendants().any(|n| n.is_element() && n.tag_name().name() == "style");
    // A clip path's identity (attributes other than `id`, children's source text) and, when it is
    // one axis-aligned rectangle in the user space of its referrer, that rectangle.
    let mut clips: HashMap<&str, (String, Option<kurbo::Rect>)> = HashMap::new();
    for n in doc.descendants().filter(|n| n.is_element() && n.tag_name().name() == "clipPath" && in_svg_ns(*n)) {
        let (Some(id), Some(first), Some(last)) = (n.attribute("id"), n.first_child(), n.last_child()) else {
            continue;
        };
        let mut sig: String =
            n.attributes().filter(|a| a.name() != "id").map(|a| format!("{}={:?};", a.name(), a.value())).collect();
        sig.push_str(text.get(first.range().start..last.range().end)?);
        let rect = clip_rect(n);
        clips.insert(id, (sig, rect));
    }
    let ids: HashMap<&str, roxmltree::Node> =
        doc.descendants().filter(|n| n.is_element()).filter_map(|n| Some((n.attribute("id")?, n))).collect();
    let group_clip = |n: roxmltree::Node| -> Option<&(String, Option<kurbo::Rect>)> {
        if !n.is_element() || n.tag_name().name() != "g" || !in_svg_ns(n) || !n.has_children() {
            return None;
        }
        let mut attrs = n.attributes();
        let a = attrs.next()?;
        if attrs.next().is_some() || a.name() != "clip-path" || a.namespace().is_some() {
            return None;
        }
        let id = a.value().trim().strip_prefix("url(#")?.strip_suffix(')')?;
        clips.get(id)
    };
    let start_tag = |n: roxmltree::Node| -> Option<std::ops::Range<usize>> {
        let s = n.range().start;
        let e = s + text.get(s..)?.find('>')? + 1;
        text.get(s..e)?.starts_with("<g").then_some(s..e)
    };
    let end_tag = |n: roxmltree::Node| -> Option<std::ops::Range<usize>> {
        let e = n.range().end;
        let s = text.get(..e)?.rfind("</")?;
        (text.get(s + 2..e - 1)?.trim() == "g").then_some(s..e)
    };
    let mut edits: Vec<(std::ops::Range<usize>, &str)> = Vec::new();
    for parent in doc.descendants().filter(|n| n.is_element()) {
        let mut prev: Option<(roxmltree::Node, &String)> = None;
        for c in parent.children() {
            let blank = c.is_comment() || (c.is_text() && c.text().is_some_and(|t| t.trim().is_empty()));
            if blank {
                continue;
            }
            let clip = group_clip(c);
            if let Some((_, Some(rect))) = clip
                && !css
                && content_inside(c, *rect, &ids)
                && let Some(st) = start_tag(c)
            {
                edits.push((st, "<g>"));
                prev = None;
                continue;
            }
            if let (Some((p, ps)), Some((s, _))) = (prev, clip)
                && ps == s
                && let (Some(e), Some(st)) = (end_tag(p), start_tag(c))
            {
                edits.push((e, ""));
                edits.push((st, ""));
            }
            prev = clip.map(|(s, _)| (c, s));
        }
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (r, with) in edits {
        out.push_str(text.get(at..r.start)?);
        out.push_str(with);
        at = r.end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

fn affine_of(n: roxmltree::Node) -> Option<kurbo::Affine> {
    match n.attribute("transform") {
        None => Some(kurbo::Affine::IDENTITY),
        Some(s) => {
            let t: svgtypes::Transform = s.parse().ok()?;
            Some(kurbo::Affine::new([t.a, t.b, t.c, t.d, t.e, t.f]))
        }
    }
}

/// The clip path's region when it is a single axis-aligned rectangle (a `path` or `rect` child,
/// user-space units, no clip of its own).
fn clip_rect(clip: roxmltree::Node) -> Option<kurbo::Rect> {
    if clip.attribute("clipPathUnits").is_some_and(|u| u != "userSpaceOnUse") || clip.attribute("clip-path").is_some() {
        return None;
    }
    let mut kids = clip.children().filter(|c| c.is_element());
    let k = kids.next()?;
    if kids.next().is_some() || !in_svg_ns(k) || k.attribute("clip-path").is_some() {
        return None;
    }
    let num = |a: &str| k.attribute(a).and_then(|v| v.trim().parse::<f64>().ok());
    let path = match k.tag_name().name() {
        "path" => kurbo::BezPath::from_svg(k.attribute("d")?).ok()?,
        "rect" => {
            let (x, y) = (num("x").unwrap_or(0.0), num("y").unwrap_or(0.0));
            kurbo::Shape::to_path(&kurbo::Rect::new(x, y, x + num("width")?, y + num("height")?), 0.1)
        }
        _ => return None,
    };
    let t = affine_of(clip)? * affine_of(k)?;
    crate::axes::axis_aligned_rect(&(t * path))
}

/// The geometry of a basic shape element (`path`, `rect`, `circle`, `ellipse`, `line`,
/// `polyline`, `polygon`) in its own user space, as a path with the same bounding box (a rounded
/// rectangle as its corners' rectangle); `None` for any other element, or a length that is not a
/// plain number (units and percentages are not resolved here).
fn shape_outline(n: roxmltree::Node) -> Option<kurbo::BezPath> {
    let num = |a: &str| n.attribute(a).and_then(|v| v.trim().parse::<f64>().ok()).filter(|v| v.is_finite());
    // Absent coordinates are 0; a present one must be a plain number.
    let at = |a: &str| if n.attribute(a).is_some() { num(a) } else { Some(0.0) };
    let rect = |x0: f64, y0: f64, x1: f64, y1: f64| kurbo::Shape::to_path(&kurbo::Rect::new(x0, y0, x1, y1), 0.1);
    match n.tag_name().name() {
        "path" => kurbo::BezPath::from_svg(n.attribute("d")?).ok(),
        "rect" => {
            let (x, y) = (at("x")?, at("y")?);
            Some(rect(x, y, x + num("width")?, y + num("height")?))
        }
        "circle" => {
            let (cx, cy, r) = (at("cx")?, at("cy")?, num("r")?);
            Some(rect(cx - r, cy - r, cx + r, cy + r))
        }
        "ellipse" => {
            let (cx, cy, rx, ry) = (at("cx")?, at("cy")?, num("rx")?, num("ry")?);
            Some(rect(cx - rx, cy - ry, cx + rx, cy + ry))
        }
        "line" => {
            let mut p = kurbo::BezPath::new();
            p.move_to((at("x1")?, at("y1")?));
            p.line_to((at("x2")?, at("y2")?));
            Some(p)
        }
        "polyline" | "polygon" => {
            let mut p = kurbo::BezPath::new();
            for (k, (x, y)) in svgtypes::PointsParser::from(n.attribute("points")?).enumerate() {
                if k == 0 { p.move_to((x, y)) } else { p.line_to((x, y)) }
            }
            Some(p)
        }
        _ => None,
    }
}

/// Most `<use>` references followed inside one another when testing a clip for containment;
/// deeper content keeps its clip.
pub const CLIP_CHECK_MAX_USE_DEPTH: usize = 8;

/// Most elements visited when testing one clipped group for containment; a larger group keeps
/// its clip (rendering stays correct, only slower), so a hostile file cannot make the test slow.
pub const CLIP_CHECK_MAX_NODES: usize = 20_000;

/// What the containment test walks: the document's elements by id (for `<use>`), a budget, the
/// (referenced element, `<use>` element) pairs on the way (innermost last, for inheritance), and
/// whether anything painted was found.
struct Containment<'a, 'i> {
    ids: &'a HashMap<&'a str, roxmltree::Node<'a, 'i>>,
    rect: kurbo::Rect,
    visits: std::cell::Cell<usize>,
    uses: std::cell::RefCell<Vec<(roxmltree::Node<'a, 'i>, roxmltree::Node<'a, 'i>)>>,
    any: std::cell::Cell<bool>,
}

/// Whether everything `g` paints lies inside `rect` in `g`'s user space: its content is basic
/// shapes ([`shape_outline`]), with their stroke by a conservative margin, in plain groups and
/// `<use>` references of them, under any transforms; `g` must paint something.
fn content_inside<'a, 'i>(
    g: roxmltree::Node<'a, 'i>,
    rect: kurbo::Rect,
    ids: &'a HashMap<&'a str, roxmltree::Node<'a, 'i>>,
) -> bool {
    let ctx = Containment { ids, rect, visits: Default::default(), uses: Default::default(), any: Default::default() };
    children_inside(&ctx, g, kurbo::Affine::IDENTITY) && ctx.any.get()
}

/// [`content_inside`] for the children of `n`, drawn under `t`.
fn children_inside<'a, 'i>(ctx: &Containment<'a, 'i>, n: roxmltree::Node<'a, 'i>, t: kurbo::Affine) -> bool {
    n.children().all(|c| {
        c.is_comment()
            || (c.is_text() && c.text().is_some_and(|t| t.trim().is_empty()))
            || (c.is_element() && element_inside(ctx, c, t))
    })
}

/// [`content_inside`] for one element `c` drawn under `t` (its own transform not yet applied).
fn element_inside<'a, 'i>(ctx: &Containment<'a, 'i>, c: roxmltree::Node<'a, 'i>, t: kurbo::Affine) -> bool {
    ctx.visits.set(ctx.visits.get() + 1);
    if ctx.visits.get() > CLIP_CHECK_MAX_NODES || !in_svg_ns(c) || c.attribute("filter").is_some() {
        return false;
    }
    let Some(t) = affine_of(c).map(|own| t * own) else { return false };
    match c.tag_name().name() {
        "g" => children_inside(ctx, c, t),
        "use" => {
            let href = c.attribute("href").or_else(|| c.attribute((XLINK_NS, "href")));
            let target = href.and_then(|h| h.trim().strip_prefix('#')).and_then(|id| ctx.ids.get(id)).copied();
            let num = |a: &str| c.attribute(a).map_or(Some(0.0), |v| v.trim().parse::<f64>().ok());
            let (Some(target), Some(x), Some(y)) = (target, num("x"), num("y")) else { return false };
            if ctx.uses.borrow().len() >= CLIP_CHECK_MAX_USE_DEPTH
                || matches!(target.tag_name().name(), "symbol" | "svg")
            {
                return false;
            }
            ctx.uses.borrow_mut().push((target, c));
            let inside = element_inside(ctx, target, t * kurbo::Affine::translate((x, y)));
            ctx.uses.borrow_mut().pop();
            inside
        }
        _ => {
            let inside = shape_inside(ctx.rect, c, t, &ctx.uses.borrow());
            ctx.any.set(ctx.any.get() || inside);
            inside
        }
    }
}

/// The nearest declaration of a (possibly inherited) attribute of `c`: up its ancestors, and
/// from a `<use>`d element on to the `<use>` element's; `Err` when a `style` attribute on the
/// way could change it.
fn inherited<'a, 'i>(
    c: roxmltree::Node<'a, 'i>,
    name: &str,
    uses: &[(roxmltree::Node<'a, 'i>, roxmltree::Node<'a, 'i>)],
) -> Result<Option<&'a str>, ()> {
    let (mut node, mut k) = (Some(c), uses.len());
    while let Some(n) = node {
        if n.attribute("style").is_some() {
            return Err(());
        }
        if let Some(v) = n.attribute(name) {
            return Ok(Some(v));
        }
        node = if k > 0 && n == uses[k - 1].0 {
            k -= 1;
            Some(uses[k].1)
        } else {
            n.parent_element()
        };
    }
    Ok(None)
}

/// Whether the basic shape `c`, drawn under `t` (its own transform applied), paints inside
/// `rect`, stroke included by a conservative margin.
fn shape_inside(
    rect: kurbo::Rect,
    c: roxmltree::Node,
    t: kurbo::Affine,
    uses: &[(roxmltree::Node, roxmltree::Node)],
) -> bool {
    let attr = |name: &str| inherited(c, name, uses);
    let Ok(markers) = ["marker-start", "marker-mid", "marker-end", "marker"]
        .iter()
        .try_fold(false, |m, a| attr(a).map(|v| m || v.is_some()))
    else {
        return false;
    };
    let Some(path) = shape_outline(c).filter(|_| !markers) else { return false };
    let bbox = kurbo::Shape::bounding_box(&(t * path));
    let Ok(stroke) = attr("stroke") else { return false };
    let margin = if stroke.is_some_and(|s| s.trim() != "none") {
        let w = attr("stroke-width").ok().map(|w| w.map_or(Some(1.0), |w| w.trim().parse::<f64>().ok()));
        let Some(w) = w.flatten().filter(|w| w.is_finite() && *w >= 0.0) else { return false };
        // Miter joins reach out up to miterlimit/2 widths; square caps sqrt(2)/2 widths.
        let Ok(join) = attr("stroke-linejoin") else { return false };
        let reach = match join.map(str::trim) {
            Some("round") | Some("bevel") => {
                let Ok(cap) = attr("stroke-linecap") else { return false };
                if cap.is_some_and(|c| c.trim() == "square") { 0.75 } else { 0.5 }
            }
            _ => {
                let limit =
                    attr("stroke-miterlimit").ok().map(|m| m.map_or(Some(4.0), |m| m.trim().parse::<f64>().ok()));
                match limit.flatten().filter(|m| m.is_finite() && *m >= 1.0) {
                    Some(m) => m / 2.0,
                    None => return false,
                }
            }
        };
        let [a, b, cc, dd, _, _] = t.as_coeffs();
        // The Frobenius norm bounds how far the transform can stretch the stroke.
        w * reach * (a * a + b * b + cc * cc + dd * dd).sqrt()
    } else {
        0.0
    };
    let painted = bbox.inflate(margin, margin);
    painted.x0 >= rect.x0 && painted.y0 >= rect.y0 && painted.x1 <= rect.x1 && painted.y1 <= rect.y1
}

/// Layout of `audit.png`, stored as JSON in its `figdig-audit` tEXt chunk.
#[derive(Debug, Clone, Serialize)]
struct PngLayout {
    /// Pixels = (a*x + c*y + e, b*x + d*y + f) for a point (x, y) in root user units.
    transform: [f64; 6],
    scale: f32,
    figure_px: [u32; 2],
    image_px: [u32; 2],
    ring_colour: String,
    ring_radius_px: f32,
    ring_width_px: f32,
    points: usize,
}

fn paint(rgb: [u8; 3], anti_alias: bool) -> tiny_skia::Paint<'static> {
    let mut p = tiny_skia::Paint::default();
    p.set_color_rgba8(rgb[0], rgb[1], rgb[2], 255);
    p.anti_alias = anti_alias;
    p
}

fn stroke_path(pm: &mut tiny_skia::Pixmap, path: Option<tiny_skia::Path>, rgb: [u8; 3], width: f32, aa: bool) {
    // A degenerate path (zero radius, non-finite point) has nothing to draw.
    if let Some(path) = path {
        let stroke = tiny_skia::Stroke { width, ..Default::default() };
        pm.stroke_path(&path, &paint(rgb, aa), &stroke, tiny_skia::Transform::identity(), None);
    }
}

fn line(pm: &mut tiny_skia::Pixmap, a: (f32, f32), b: (f32, f32), rgb: [u8; 3], width: f32) {
    let mut pb = tiny_skia::PathBuilder::new();
    pb.move_to(a.0, a.1);
    pb.line_to(b.0, b.1);
    stroke_path(pm, pb.finish(), rgb, width, true);
}

fn ring(pm: &mut tiny_skia::Pixmap, c: (f32, f32), r: f32, rgb: [u8; 3], width: f32, aa: bool) {
    stroke_path(pm, tiny_skia::PathBuilder::from_circle(c.0, c.1, r), rgb, width, aa);
}

fn cross(pm: &mut tiny_skia::Pixmap, c: (f32, f32), h: f32, rgb: [u8; 3], width: f32) {
    line(pm, (c.0 - h, c.1 - h), (c.0 + h, c.1 + h), rgb, width);
    line(pm, (c.0 - h, c.1 + h), (c.0 + h, c.1 - h), rgb, width);
}

/// Stroke width that tiny-skia draws as a one-pixel hairline (with anti-aliasing off: a plain
/// line of whole pixels, the cheapest stroke it has).
const HAIRLINE: f32 = 0.0;

const RED: [u8; 3] = [230, 0, 0];
const CYAN: [u8; 3] = [0, 200, 230];
const GREEN: [u8; 3] = [0, 170, 0];
/// Line traces: an orange no producer's default palette starts with, against magenta rings.
const ORANGE: [u8; 3] = [255, 140, 0];

/// Ring radius in root user units: a fixed share of the figure's diagonal (markers are a few
/// points wide in every plotting library, and the extraction keeps no marker size per point).
fn ring_radius_user(ex: &Extraction) -> f64 {
    0.005 * ex.view_box.width().hypot(ex.view_box.height())
}

fn escape(s: &str) -> String {
    crate::scene::xml_escape(s)
}

/// Render the figure and draw the audit marks on it; returns PNG bytes. A figure over
/// [`MAX_AUDIT_PIXELS`] at `scale` is drawn at a lower scale.
pub fn audit_png(svg_bytes: &[u8], ex: &Extraction, ds: Option<&Dataset>, scale: f32) -> Result<Vec<u8>, AuditError> {
    audit_png_within(svg_bytes, ex, ds, scale, MAX_AUDIT_PIXELS).map(|a| a.png)
}

/// [`audit_png`] with the figure drawn in at most `max_pixels` pixels (the scale lowered to
/// fit, never refused for size); returns the picture and the scale used.
pub fn audit_png_within(
    svg_bytes: &[u8],
    ex: &Extraction,
    ds: Option<&Dataset>,
    scale: f32,
    max_pixels: u64,
) -> Result<AuditPng, AuditError> {
    audit_png_of(&AuditSource::parse(svg_bytes)?, ex, ds, scale, max_pixels)
}

/// The original figure as the audit uses it, parsed once: the picture (a usvg tree, with clips
/// simplified), the map from root user units to its CSS pixels, and the sanitised SVG text for
/// audit.html. Parse it while the extraction runs, then draw both audit files from it.
pub struct AuditSource {
    tree: usvg::Tree,
    to_css: tiny_skia::Transform,
    page: PageFigure,
}

/// The figure as audit.html embeds it ([`sanitised_svg`]).
struct PageFigure {
    /// The sanitised SVG, or why it could not be made.
    svg: Result<String, String>,
    /// Where in `svg` the root's viewBox is inserted when the root has none.
    view_box_at: Option<usize>,
    /// The root's preserveAspectRatio.
    aspect: String,
}

impl PageFigure {
    fn from_doc(doc: &roxmltree::Document) -> PageFigure {
        let root = doc.root_element();
        let (svg, view_box_at) = sanitised_svg(root);
        let aspect = root.attribute("preserveAspectRatio").unwrap_or("xMidYMid meet").to_string();
        PageFigure { svg: Ok(svg), view_box_at, aspect }
    }

    fn unparsed(e: String) -> PageFigure {
        PageFigure { svg: Err(e), view_box_at: None, aspect: "xMidYMid meet".into() }
    }

    /// Parse `svg_text` the way audit.html embeds it (no external entities).
    fn parse(svg_text: &str) -> PageFigure {
        match roxmltree::Document::parse_with_options(svg_text, page_parsing_options()) {
            Ok(doc) => PageFigure::from_doc(&doc),
            Err(e) => PageFigure::unparsed(e.to_string()),
        }
    }
}

/// Parsing options for the page's copy of the figure: external entities are refused.
fn page_parsing_options<'a>() -> roxmltree::ParsingOptions<'a> {
    // (`where 'a: 'a` makes the lifetime early-bound, so it can be named below.)
    fn refuse<'a>(_: Option<&str>, uri: &str) -> Result<Option<&'a str>, String>
    where
        'a: 'a,
    {
        Err(format!("external entity '{uri}' refused"))
    }
    roxmltree::ParsingOptions { allow_dtd: true, nodes_limit: u32::MAX, entity_resolver: Some(&refuse) }
}

impl AuditSource {
    /// Parse the figure once for both audit files (one XML parse, one usvg parse).
    pub fn parse(svg_bytes: &[u8]) -> Result<AuditSource, AuditError> {
        let opts = usvg_options();
        let text = String::from_utf8_lossy(svg_bytes);
        let strict = roxmltree::Document::parse_with_options(&text, page_parsing_options());
        let lenient = || {
            roxmltree::Document::parse_with_options(
                &text,
                roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() },
            )
        };
        let (page, doc) = match strict {
            Ok(doc) => (PageFigure::from_doc(&doc), Ok(doc)),
            Err(e) => (PageFigure::unparsed(e.to_string()), lenient()),
        };
        // Same picture, far fewer clip layers to render (see `simplify_clips`).
        let tree = match doc.as_ref().ok().and_then(|d| simplify_clips(d, &text)) {
            Some(merged) => usvg::Tree::from_str(&merged, &opts)?,
            None => usvg::Tree::from_data(svg_bytes, &opts)?,
        };
        let to_css =
            doc.as_ref().map_or(tiny_skia::Transform::identity(), |d| root_to_css(d.root_element(), tree.size()));
        Ok(AuditSource { tree, to_css, page })
    }
}

/// [`audit_png_within`] from a parsed figure.
pub fn audit_png_of(
    src: &AuditSource,
    ex: &Extraction,
    ds: Option<&Dataset>,
    scale: f32,
    max_pixels: u64,
) -> Result<AuditPng, AuditError> {
    if !(scale > 0.0) || !scale.is_finite() {
        return Err(AuditError::BadScale(scale));
    }
    let tree = &src.tree;
    let size = tree.size();
    let scale = fitted_scale(size.width(), size.height(), scale, max_pixels.min(MAX_AUDIT_PIXELS / 2));
    let fig_w = (size.width() * scale).ceil().max(1.0) as u32;
    let fig_h = (size.height() * scale).ceil().max(1.0) as u32;
    let k = scale.max(1.0);
    let link = links(ex, ds);
    let cert = certificate(ex, ds);

    let key = key_entries(ex, &link, &cert);
    let col_w = 330.0 * k;
    let row_h = 20.0 * k;
    let cols = ((fig_w as f32 / col_w).floor() as usize).clamp(1, key.len());
    let rows = key.len().div_ceil(cols);
    let key_h = (rows as f32 * row_h + 12.0 * k).ceil() as u32;
    let (w, h) = (fig_w, fig_h + key_h);
    if u64::from(w) * u64::from(h) > MAX_AUDIT_PIXELS {
        return Err(AuditError::TooLarge(w, h));
    }
    let mut pm = tiny_skia::Pixmap::new(w, h).ok_or(AuditError::TooLarge(w, h))?;
    pm.fill(tiny_skia::Color::WHITE);
    render_bands(tree, scale, &mut pm, fig_h);

    let t = src.to_css.post_scale(scale, scale);
    let (r_ring, ring_w) = draw_marks(&mut pm, ex, &link, t, k);

    draw_key(&mut pm, &key, cert.pass, KeyGrid { top: fig_h as f32, rows, col_w, row_h, k, ring_w });

    let layout = PngLayout {
        transform: [t.sx, t.ky, t.kx, t.sy, t.tx, t.ty].map(f64::from),
        scale,
        figure_px: [fig_w, fig_h],
        image_px: [w, h],
        ring_colour: format!("#{:02x}{:02x}{:02x}", RING_COLOUR[0], RING_COLOUR[1], RING_COLOUR[2]),
        ring_radius_px: r_ring,
        ring_width_px: ring_w,
        points: ex.points.len(),
    };
    let description = key.iter().map(|(_, l, v)| format!("{l}{v}")).collect::<Vec<_>>().join("\n");
    let png = encode_png(&pm, &description, &serde_json::to_string(&layout).unwrap_or_default())?;
    Ok(AuditPng { png, scale })
}

/// The key's lines: (kind of mark, fixed words, counts); the words are drawn once per process
/// ([`key_label`]), and the whole line goes into the PNG's `Description` chunk.
fn key_entries(ex: &Extraction, link: &[Link], cert: &Certificate) -> Vec<(u8, &'static str, String)> {
    // The key: one swatch and one line of text per kind of mark, in columns below the figure.
    let n_excluded = link.iter().filter(|l| l.excluded.is_some()).count();
    let n_joined = link.iter().filter(|l| l.partner.is_some() && l.row.is_some()).count();
    // Green: ticks in the fit or checked against it; red: ticks that disagree.
    let count_ticks = |agree: bool| -> usize {
        ex.panels
            .iter()
            .flat_map(|p| [&p.x, &p.y])
            .flatten()
            .map(|a| a.ticks.iter().filter(|t| (t.used || t.checked) == agree).count())
            .sum()
    };
    let vertices: usize = ex.series.iter().map(|s| s.vertex_count()).sum();
    vec![
        (0, "magenta ring: reconstructed marker (", format!("{})", ex.points.len())),
        (1, "red X: dataset row excluded (", format!("{n_excluded})")),
        (2, "cyan ring + line: joined pair across panels (", format!("{n_joined})")),
        (3, "green mark: calibration tick used or checked (", format!("{})", count_ticks(true))),
        (4, "red mark: tick rejected (", format!("{})", count_ticks(false))),
        (5, "certificate: ", if cert.pass { "pass".to_string() } else { cert.failed.join("; ") }),
        (6, "orange trace: recovered line series (", format!("{}, {vertices} vertices)", ex.series.len())),
    ]
}

/// Draw the marks over the figure under `t` (root user units to pixels) at mark scale `k`;
/// returns the ring radius and width in pixels.
fn draw_marks(
    pm: &mut tiny_skia::Pixmap,
    ex: &Extraction,
    link: &[Link],
    t: tiny_skia::Transform,
    k: f32,
) -> (f32, f32) {
    let px = |x: f64, y: f64| -> (f32, f32) {
        let mut p = tiny_skia::Point::from_xy(x as f32, y as f32);
        t.map_point(&mut p);
        (p.x, p.y)
    };
    // Distances scale by the transform's mean axis scale (uniform under the default aspect).
    let unit = ((t.sx.abs() + t.sy.abs()) / 2.0).max(f32::MIN_POSITIVE);
    let r_ring = (ring_radius_user(ex) as f32 * unit).max(4.0);
    let ring_w = 2.0f32;

    // Each kind of mark is one path stroked once: far fewer rasteriser passes than one call per
    // mark, and overlapping marks of one kind blend once.
    use tiny_skia::PathBuilder;
    // Ticks: used in green, rejected in red, straddling the frame edge the axis belongs to.
    let tick_len = 7.0 * k;
    let (mut used_ticks, mut rejected_ticks) = (PathBuilder::new(), PathBuilder::new());
    for p in &ex.panels {
        for axis in [&p.x, &p.y].into_iter().flatten() {
            for tk in &axis.ticks {
                let (a, b) = match axis.dir {
                    Dir::X => (px(tk.position, p.rect.y1), (0.0, 1.0)),
                    Dir::Y if p.kind == PanelKind::ColourBar => (px(p.rect.x1, tk.position), (1.0, 0.0)),
                    Dir::Y => (px(p.rect.x0, tk.position), (-1.0, 0.0)),
                };
                let pb = if tk.used || tk.checked { &mut used_ticks } else { &mut rejected_ticks };
                pb.move_to(a.0 - b.0 * tick_len / 2.0, a.1 - b.1 * tick_len / 2.0);
                pb.line_to(a.0 + b.0 * tick_len, a.1 + b.1 * tick_len);
            }
        }
    }
    stroke_path(pm, used_ticks.finish(), GREEN, 1.5 * k, true);
    stroke_path(pm, rejected_ticks.finish(), RED, 1.5 * k, true);
    // Line series: every piece traced through its recovered vertices, thin, over the figure.
    let mut traces = PathBuilder::new();
    for piece in ex.series.iter().flat_map(|s| &s.pieces) {
        for (n, v) in piece.iter().enumerate() {
            let c = px(v.at.x, v.at.y);
            if n == 0 {
                traces.move_to(c.0, c.1);
                // A one-point piece still shows: a dot as long as the trace is wide.
                traces.line_to(c.0 + 0.5, c.1);
            } else {
                traces.line_to(c.0, c.1);
            }
        }
    }
    // Hairlines (one pixel, not anti-aliased): an anti-aliased stroke of the traces cost a
    // tenth of the Chinchilla figure's audit, and a one-pixel line shows where they run as well.
    stroke_path(pm, traces.finish(), ORANGE, HAIRLINE, false);
    // Joins and exclusions first, so the rings drawn last stay whole and exactly coloured.
    let (mut join_rings, mut join_lines, mut crosses, mut rings) =
        (PathBuilder::new(), PathBuilder::new(), PathBuilder::new(), PathBuilder::new());
    for (i, q) in ex.points.iter().enumerate() {
        let c = px(q.x_svg, q.y_svg);
        if let Some(j) = link[i].partner {
            join_rings.push_circle(c.0, c.1, r_ring + 2.5 * k);
            if i < j {
                let o = px(ex.points[j].x_svg, ex.points[j].y_svg);
                join_lines.move_to(c.0, c.1);
                join_lines.line_to(o.0, o.1);
            }
        }
        if link[i].excluded.is_some() {
            let h = r_ring * 0.6;
            crosses.move_to(c.0 - h, c.1 - h);
            crosses.line_to(c.0 + h, c.1 + h);
            crosses.move_to(c.0 - h, c.1 + h);
            crosses.line_to(c.0 + h, c.1 - h);
        }
        rings.push_circle(c.0, c.1, r_ring);
    }
    stroke_path(pm, join_lines.finish(), CYAN, HAIRLINE, false);
    stroke_path(pm, join_rings.finish(), CYAN, 1.5 * k, false);
    stroke_path(pm, crosses.finish(), RED, 1.5 * k, true);
    stroke_path(pm, rings.finish(), RING_COLOUR, ring_w, false);

    (r_ring, ring_w)
}

/// Where the key goes: below `top` (pixels), `rows` rows of columns `col_w` wide and `row_h`
/// high, marks at scale `k`, rings `ring_w` wide.
struct KeyGrid {
    top: f32,
    rows: usize,
    col_w: f32,
    row_h: f32,
    k: f32,
    ring_w: f32,
}

/// Draw the key strip: a rule, then per line its swatch and text.
fn draw_key(pm: &mut tiny_skia::Pixmap, key: &[(u8, &'static str, String)], pass: bool, g: KeyGrid) {
    let KeyGrid { top, rows, col_w, row_h, k, ring_w } = g;
    // Key strip: swatches drawn here, text rendered by usvg with the system fonts.
    line(pm, (0.0, top + 0.5), (pm.width() as f32, top + 0.5), [160, 160, 160], 1.0);
    let mut texts = Vec::with_capacity(key.len());
    for (n, (kind, label, value)) in key.iter().enumerate() {
        let (col, row) = (n / rows, n % rows);
        let x0 = 10.0 * k + col as f32 * col_w;
        let cy = top + 6.0 * k + row_h * (row as f32 + 0.5);
        let c = (x0 + 8.0 * k, cy);
        match kind {
            0 => ring(pm, c, 6.0 * k, RING_COLOUR, ring_w, false),
            1 => cross(pm, c, 4.0 * k, RED, 1.5 * k),
            2 => {
                ring(pm, c, 6.0 * k, CYAN, 1.5 * k, false);
                line(pm, (c.0 + 6.0 * k, c.1), (c.0 + 14.0 * k, c.1), CYAN, HAIRLINE);
            }
            3 => line(pm, (c.0, c.1 - 6.0 * k), (c.0, c.1 + 6.0 * k), GREEN, 1.5 * k),
            4 => line(pm, (c.0, c.1 - 6.0 * k), (c.0, c.1 + 6.0 * k), RED, 1.5 * k),
            6 => line(pm, (c.0 - 6.0 * k, c.1), (c.0 + 6.0 * k, c.1), ORANGE, HAIRLINE),
            _ => {
                let rgb = if pass { GREEN } else { RED };
                let r = tiny_skia::Rect::from_xywh(c.0 - 5.0 * k, c.1 - 5.0 * k, 10.0 * k, 10.0 * k);
                if let Some(r) = r {
                    pm.fill_rect(r, &paint(rgb, true), tiny_skia::Transform::identity(), None);
                }
            }
        }
        texts.push(KeyText { x: x0 + 22.0 * k, top: cy - row_h / 2.0, label, value });
    }
    draw_key_text(pm, &texts, k, row_h);
}

/// One line of the key: fixed words and counts, from (`x`, `top`) in pixels, a row high.
struct KeyText<'a> {
    x: f32,
    top: f32,
    label: &'static str,
    value: &'a str,
}

/// The key's text style (the font size in pixels at scale 1).
const KEY_FONT: &str = r##"font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" fill="#222""##;
const KEY_FONT_PX: f32 = 12.0;

/// Draw the key's lines: each label from [`key_label`], its counts after it (one usvg parse for
/// all counts). Without fonts nothing is drawn (the key stays in the PNG's text chunk).
fn draw_key_text(pm: &mut tiny_skia::Pixmap, texts: &[KeyText], k: f32, row_h: f32) {
    let (w, h) = (pm.width(), pm.height());
    let mut values = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" {KEY_FONT} font-size="{:.1}">"##,
        KEY_FONT_PX * k
    );
    for t in texts {
        let (x, top) = (t.x.round(), t.top.round());
        let width = match key_label(t.label, k, row_h) {
            Some(l) => {
                composite(&l.pixmap, x as usize, top as usize, &mut pm.as_mut());
                l.width
            }
            None => 0.0,
        };
        // A label ending in a space is followed by a space's width; one ending in "(" by a hair.
        let gap = if t.label.ends_with(' ') { 0.32 } else { 0.08 } * KEY_FONT_PX * k;
        let _ = write!(
            values,
            r#"<text x="{:.1}" y="{:.1}" dominant-baseline="central">{}</text>"#,
            x + width + gap,
            top + row_h / 2.0,
            escape(t.value)
        );
    }
    values.push_str("</svg>");
    if let Ok(tree) = usvg::Tree::from_str(&values, &usvg_options()) {
        resvg::render(&tree, tiny_skia::Transform::identity(), &mut pm.as_mut());
    }
}

/// A key label drawn on a transparent strip (a key column wide, a row high, the text's
/// baseline centred), and the right edge of its ink.
struct KeyLabel {
    pixmap: tiny_skia::Pixmap,
    width: f32,
}

/// The label `text` at scale `k`, drawn once per process and reused.
///
/// Why: the key's words are the same on every figure, and drawing their anti-aliased glyphs
/// was a fifth of a small figure's audit in a batch.
fn key_label(text: &'static str, k: f32, row_h: f32) -> Option<Arc<KeyLabel>> {
    type Cache = std::sync::Mutex<HashMap<(&'static str, u32), Option<Arc<KeyLabel>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry((text, k.to_bits()))
        .or_insert_with(|| {
            let (w, h) = ((330.0 * k).ceil() as u32, row_h.ceil() as u32);
            let svg = format!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" {KEY_FONT} font-size="{:.1}"><text x="0" y="{:.1}" dominant-baseline="central">{}</text></svg>"##,
                KEY_FONT_PX * k,
                row_h / 2.0,
                escape(text.trim_end())
            );
            let tree = usvg::Tree::from_str(&svg, &usvg_options()).ok()?;
            let mut pixmap = tiny_skia::Pixmap::new(w, h)?;
            resvg::render(&tree, tiny_skia::Transform::identity(), &mut pixmap.as_mut());
            let width = tree.root().abs_bounding_box().right().max(0.0);
            Some(Arc::new(KeyLabel { pixmap, width }))
        })
        .clone()
}

/// Render the tree into the top `rows` rows of `pm`, in horizontal bands rendered in parallel.
///
/// Why: rendering is most of the audit's time and parallelises by rows: each band is a
/// `PixmapMut` over its own rows of the one buffer (no copies), drawn with the same transform
/// shifted by a whole number of pixels. The picture equals a single render but for anti-aliasing
/// rounding in a few dozen pixels (tiny-skia clips paths to the band); marks are drawn afterwards
/// on the whole image, so rings are unaffected.
fn render_bands(tree: &usvg::Tree, scale: f32, pm: &mut tiny_skia::Pixmap, rows: u32) {
    use rayon::prelude::*;
    let w = pm.width();
    let stride = w as usize * 4;
    let bands = rayon::current_num_threads().clamp(1, 8) as u32;
    let band_rows = rows.div_ceil(bands).max(1);
    let data = pm.data_mut();
    let end = (rows as usize * stride).min(data.len());
    data[..end].par_chunks_mut(band_rows as usize * stride).enumerate().for_each(|(i, chunk)| {
        let h = (chunk.len() / stride) as u32;
        // A band that cannot be wrapped (zero rows) has nothing to draw.
        if let Some(mut band) = tiny_skia::PixmapMut::from_bytes(chunk, w, h) {
            let y0 = (i as u32 * band_rows) as f32;
            let t = tiny_skia::Transform::from_scale(scale, scale).post_translate(0.0, -y0);
            render_children(tree.root(), t, &mut band);
        }
    });
}

/// Draw the children of `parent` under `t` as resvg does, except that a group isolated only for
/// a clip that is an axis-aligned rectangle is drawn into a layer of the clip's pixel rectangle
/// and copied over, with no mask ([`pixel_clip`]).
///
/// Why: resvg draws every clipped group into a layer the size of its content, builds a mask of
/// the clip as big, and composites the layer through a filtering shader; for a plot's clip to
/// its axes (contour lines running past the frame) that was half of the figure's rendering. The
/// picture differs only where the clip's edge crosses a pixel (kept or dropped whole).
fn render_children(parent: &usvg::Group, t: tiny_skia::Transform, pm: &mut tiny_skia::PixmapMut) {
    for node in parent.children() {
        match node {
            usvg::Node::Group(g) if !g.should_isolate() => render_children(g, t.pre_concat(g.transform()), pm),
            usvg::Node::Group(g) if let Some(r) = pixel_clip(g, t, pm.width(), pm.height()) => {
                let gt = t.pre_concat(g.transform());
                // An empty rectangle (the clip lies off the picture) draws nothing.
                if let Some(mut layer) = tiny_skia::Pixmap::new(r.w, r.h) {
                    render_children(g, gt.post_translate(-(r.x as f32), -(r.y as f32)), &mut layer.as_mut());
                    composite(&layer, r.x, r.y, pm);
                }
            }
            _ => match (node.abs_layer_bounding_box(), node) {
                // resvg draws a node into a pixmap of the node's own extent; shifting by that
                // extent's corner draws it in place.
                (Some(b), _) => {
                    resvg::render_node(node, t.pre_translate(b.x(), b.y()), pm);
                }
                (None, usvg::Node::Path(p)) => stroke_flat(p, t, pm),
                (None, _) => {}
            },
        }
    }
}

/// A horizontal or vertical path has no extent for resvg's `render_node`, which then draws
/// nothing: its stroke (the only part that shows) is drawn here as resvg's path renderer would,
/// in a plain colour (a gradient or pattern on such a line is left out).
fn stroke_flat(p: &usvg::Path, t: tiny_skia::Transform, pm: &mut tiny_skia::PixmapMut) {
    let Some(s) = p.stroke().filter(|_| p.is_visible()) else { return };
    let usvg::Paint::Color(c) = s.paint() else { return };
    let mut paint = tiny_skia::Paint::default();
    paint.set_color_rgba8(c.red, c.green, c.blue, s.opacity().to_u8());
    paint.anti_alias = p.rendering_mode().use_shape_antialiasing();
    pm.stroke_path(p.data(), &paint, &s.to_tiny_skia(), t, None);
}

/// The clip of `g` (drawn under `t`) as a pixel rectangle within a `w` x `h` picture, when the
/// clip is all that isolates `g` and is one axis-aligned rectangle; its edges are rounded to
/// the nearest pixel boundary, and it is cut to the picture (possibly to nothing).
fn pixel_clip(g: &usvg::Group, t: tiny_skia::Transform, w: u32, h: u32) -> Option<PixelRect> {
    let clip = g.clip_path()?;
    let plain = |g: &usvg::Group| {
        g.mask().is_none()
            && g.filters().is_empty()
            && g.opacity() == usvg::Opacity::ONE
            && g.blend_mode() == usvg::BlendMode::Normal
            && !g.isolate()
    };
    if !plain(g) || clip.clip_path().is_some() {
        return None;
    }
    let mut ct = t.pre_concat(g.transform()).pre_concat(clip.transform());
    let mut node = clip.root();
    let path = loop {
        let [only] = node.children() else { return None };
        match only {
            usvg::Node::Group(inner) if inner.clip_path().is_none() && plain(inner) => {
                ct = ct.pre_concat(inner.transform());
                node = inner;
            }
            usvg::Node::Path(p) if p.is_visible() => break p.data(),
            _ => return None,
        }
    };
    let b = path.bounds();
    let corner = |p: &tiny_skia::Point| (p.x == b.left() || p.x == b.right()) && (p.y == b.top() || p.y == b.bottom());
    use tiny_skia::PathSegment as S;
    let straight = path.segments().all(|s| matches!(s, S::MoveTo(_) | S::LineTo(_) | S::Close));
    if !straight || path.points().len() > 5 || !path.points().iter().all(corner) || ct.kx != 0.0 || ct.ky != 0.0 {
        return None;
    }
    let d = b.transform(ct)?;
    let (x0, y0) = (d.left().round().clamp(0.0, w as f32), d.top().round().clamp(0.0, h as f32));
    let (x1, y1) = (d.right().round().clamp(x0, w as f32), d.bottom().round().clamp(y0, h as f32));
    Some(PixelRect { x: x0 as usize, y: y0 as usize, w: (x1 - x0) as u32, h: (y1 - y0) as u32 })
}

/// A rectangle of pixels (possibly empty).
#[derive(Debug, Clone, Copy, PartialEq)]
struct PixelRect {
    x: usize,
    y: usize,
    w: u32,
    h: u32,
}

/// Draw the premultiplied `layer` over `pm` with its top left pixel at (`x`, `y`) (source over).
fn composite(layer: &tiny_skia::Pixmap, x: usize, y: usize, pm: &mut tiny_skia::PixmapMut) {
    let stride = pm.width() as usize * 4;
    let row_len = layer.width() as usize * 4;
    // Columns past the picture's right edge are cut off.
    let visible = row_len.min(stride.saturating_sub(x * 4));
    let dst = pm.data_mut();
    for (k, src_row) in layer.data().chunks_exact(row_len.max(1)).enumerate() {
        let start = (y + k) * stride + x * 4;
        let Some(dst_row) = dst.get_mut(start..start + visible) else { break };
        for (d, s) in dst_row.chunks_exact_mut(4).zip(src_row.chunks_exact(4)) {
            match s[3] {
                0 => {}
                255 => d.copy_from_slice(s),
                a => {
                    let keep = u16::from(255 - a);
                    for c in 0..4 {
                        let v = u16::from(d[c]) * keep + 128;
                        d[c] = s[c].saturating_add(((v + (v >> 8)) >> 8) as u8);
                    }
                }
            }
        }
    }
}

/// PNG with two tEXt chunks: `Description` (the key) and `figdig-audit` (the layout JSON).
fn encode_png(pm: &tiny_skia::Pixmap, description: &str, layout: &str) -> Result<Vec<u8>, AuditError> {
    // The canvas was filled opaque white, so premultiplied equals straight colour: the RGB bytes
    // are copied as they are, and the alpha byte dropped.
    let mut rgb = Vec::with_capacity(pm.data().len() / 4 * 3);
    for px in pm.data().chunks_exact(4) {
        rgb.extend_from_slice(&px[..3]);
    }
    let mut out = Vec::new();
    let err = |e: png::EncodingError| AuditError::Encode(e.to_string());
    {
        let mut enc = png::Encoder::new(&mut out, pm.width(), pm.height());
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        // Fastest (the Up filter and fdeflate's fastest mode): the picture is mostly flat colour,
        // which this already compresses well; trying every filter per row doubled encoding time.
        enc.set_compression(png::Compression::Fastest);
        enc.add_text_chunk("Description".into(), latin1(description)).map_err(err)?;
        enc.add_text_chunk("figdig-audit".into(), latin1(layout)).map_err(err)?;
        let mut wr = enc.write_header().map_err(err)?;
        wr.write_image_data(&rgb).map_err(err)?;
        wr.finish().map_err(err)?;
    }
    Ok(out)
}

/// tEXt chunks are Latin-1; anything else becomes '?' rather than failing the picture.
fn latin1(s: &str) -> String {
    s.chars().map(|c| if (c as u32) < 256 && c != '\0' { c } else { '?' }).collect()
}

// ---------------------------------------------------------------------------------------------
// audit.html
// ---------------------------------------------------------------------------------------------

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// The figure as inline-SVG markup without anything that runs or reaches out: no XML
/// declaration, DOCTYPE, comments or processing instructions; no `script` or `foreignObject`
/// elements or elements of other namespaces (editor metadata); no `on*` attributes; no
/// references other than local (`#id`) and `data:` ones; no style text that imports or loads
/// URLs. Root `width`/`height` are dropped so the page can size it; the viewBox is kept or added.
fn sanitised_svg(root: roxmltree::Node) -> (String, Option<usize>) {
    let mut out = String::with_capacity(root.document().input_text().len());
    let view_box_at = write_node(root, true, &mut out);
    (out, view_box_at)
}

fn in_svg_ns(n: roxmltree::Node) -> bool {
    matches!(n.tag_name().namespace(), None | Some(SVG_NS))
}

fn unsafe_text(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.contains("@import")
        || l.contains("javascript:")
        || l.contains("url(http")
        || l.contains("url('http")
        || l.contains("url(\"http")
}

/// Write `n` sanitised; returns, for the root, where its viewBox goes when it has none.
fn write_node(n: roxmltree::Node, is_root: bool, out: &mut String) -> Option<usize> {
    if n.is_text() {
        if let Some(t) = n.text() {
            out.push_str(&escape(t));
        }
        return None;
    }
    if !n.is_element() || !in_svg_ns(n) {
        return None;
    }
    let name = n.tag_name().name();
    if name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("foreignObject") {
        return None;
    }
    if name == "style" && n.descendants().any(|d| d.text().is_some_and(unsafe_text)) {
        return None;
    }
    out.push('<');
    out.push_str(name);
    let mut view_box_at = None;
    if is_root {
        let _ = write!(out, r#" xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}" id="fd-svg""#);
        if n.attribute("viewBox").is_none() {
            view_box_at = Some(out.len());
        }
    }
    for a in n.attributes() {
        let local = a.name();
        let qname = match a.namespace() {
            None => local.to_string(),
            Some(XLINK_NS) => format!("xlink:{local}"),
            Some(XML_NS) => format!("xml:{local}"),
            Some(_) => continue,
        };
        let v = a.value();
        let lower = local.to_ascii_lowercase();
        if lower.starts_with("on") || (is_root && matches!(local, "width" | "height" | "id")) {
            continue;
        }
        if lower == "href" && !(v.starts_with('#') || v.starts_with("data:image/")) {
            continue;
        }
        if unsafe_text(v) {
            continue;
        }
        let _ = write!(out, r#" {qname}="{}""#, escape(v));
    }
    out.push('>');
    for c in n.children() {
        write_node(c, false, out);
    }
    let _ = write!(out, "</{name}>");
    view_box_at
}

fn fmt_num(v: Option<f64>) -> String {
    v.map(|x| format!("{x}")).unwrap_or_default()
}

fn fmt_g(v: f64) -> String {
    if v == 0.0 || (1e-3..1e6).contains(&v.abs()) {
        format!("{:.6}", v).trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{v:.4e}")
    }
}

/// The audit page's table of line series: panel, name, stroke, pieces and vertex counts.
fn series_table(ex: &Extraction) -> String {
    if ex.series.is_empty() {
        return String::new();
    }
    let mut t = format!(
        "<h3>line series ({}, {} vertices; rows <code>mark=vertex</code> of points.csv)</h3><table class=\"cal\"><thead><tr><th>line</th><th>panel</th><th>series</th><th>stroke</th><th>pieces</th><th>vertices</th><th>value</th><th>source</th></tr></thead><tbody>",
        ex.series.len(),
        ex.series.iter().map(|s| s.vertex_count()).sum::<usize>()
    );
    for (n, s) in ex.series.iter().enumerate() {
        let _ = write!(
            t,
            "<tr><td>{n}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"src\">{}</td></tr>",
            s.panel,
            escape(s.name.as_deref().unwrap_or("")),
            escape(s.stroke.as_deref().unwrap_or("")),
            s.pieces.len(),
            s.vertex_count(),
            fmt_num(s.value.map(|v| v.0)),
            escape(&s.source)
        );
    }
    t.push_str("</tbody></table>");
    t
}

/// One self-contained HTML page to inspect the extraction point by point. `csv_rows` is the
/// number of rows of the `points.csv` written beside it (the page's self-test compares).
pub fn audit_html(svg_text: &str, ex: &Extraction, ds: Option<&Dataset>, csv_rows: usize) -> String {
    html_page(&PageFigure::parse(svg_text), ex, ds, csv_rows)
}

/// [`audit_html`] from a parsed figure.
pub fn audit_html_of(src: &AuditSource, ex: &Extraction, ds: Option<&Dataset>, csv_rows: usize) -> String {
    html_page(&src.page, ex, ds, csv_rows)
}

fn html_page(fig: &PageFigure, ex: &Extraction, ds: Option<&Dataset>, csv_rows: usize) -> String {
    let link = links(ex, ds);
    let cert = certificate(ex, ds);
    let vb = ex.view_box;
    let view_box = format!(r#" viewBox="{} {} {} {}""#, vb.x0, vb.y0, vb.width(), vb.height());
    let figure = match (&fig.svg, fig.view_box_at) {
        (Ok(s), None) => s.clone(),
        (Ok(s), Some(at)) => [s.get(..at).unwrap_or(s), view_box.as_str(), s.get(at..).unwrap_or("")].concat(),
        (Err(e), _) => format!(
            r#"<svg xmlns="{SVG_NS}" id="fd-svg"{view_box}><text x="10" y="20">figure not embedded: {}</text></svg>"#,
            escape(e)
        ),
    };
    let aspect = &fig.aspect;
    let r = ring_radius_user(ex);

    // Per-point data for the script (tooltips and the detail box), in points.csv order.
    let data: Vec<serde_json::Value> = ex
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let row = link[i].row.and_then(|ri| ds.map(|d| &d.rows[ri]));
            serde_json::json!({
                "i": i, "panel": p.panel, "series": p.series, "x": p.x, "y": p.y, "value": p.value,
                "halfwidth": p.value_halfwidth, "x_svg": p.x_svg, "y_svg": p.y_svg, "fill": p.fill,
                "source": p.source, "partner": link[i].partner, "excluded": link[i].excluded,
                "row": link[i].row, "loss": row.and_then(|r| r.loss), "loss_source": row.map(|r| r.loss_source),
            })
        })
        .collect();
    // `<` escaped so no "</script>" can end the data block early.
    let data_json = serde_json::to_string(&data).unwrap_or_else(|_| "[]".into()).replace('<', "\\u003c");

    let mut overlay = String::new();
    for (i, p) in ex.points.iter().enumerate() {
        if let Some(j) = link[i].partner
            && i < j
        {
            let q = &ex.points[j];
            let _ = write!(
                overlay,
                r#"<line class="jl" x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
                p.x_svg, p.y_svg, q.x_svg, q.y_svg
            );
        }
    }
    for p in &ex.panels {
        for axis in [&p.x, &p.y].into_iter().flatten() {
            let len = r * 1.5;
            for t in &axis.ticks {
                let (x1, y1, x2, y2) = match axis.dir {
                    Dir::X => (t.position, p.rect.y1 - len / 2.0, t.position, p.rect.y1 + len),
                    Dir::Y if p.kind == PanelKind::ColourBar => {
                        (p.rect.x1 - len / 2.0, t.position, p.rect.x1 + len, t.position)
                    }
                    Dir::Y => (p.rect.x0 + len / 2.0, t.position, p.rect.x0 - len, t.position),
                };
                let cls = if t.used || t.checked { "tk" } else { "tk rej" };
                let _ = write!(
                    overlay,
                    r#"<line class="{cls}" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"><title>{} = {} ({})</title></line>"#,
                    escape(&t.label),
                    fmt_g(t.value),
                    tick_status(t)
                );
            }
        }
    }
    // Line series: each piece a polyline through its recovered vertices, named in its tooltip.
    for (n, sr) in ex.series.iter().enumerate() {
        for piece in &sr.pieces {
            let pts: Vec<String> = piece.iter().map(|v| format!("{},{}", v.at.x, v.at.y)).collect();
            let _ = write!(
                overlay,
                r#"<polyline class="ln" points="{}"><title>line {n}: {} ({} vertices)</title></polyline>"#,
                pts.join(" "),
                escape(sr.name.as_deref().unwrap_or("unnamed")),
                sr.vertex_count()
            );
        }
    }
    for (i, p) in ex.points.iter().enumerate() {
        let mut cls = String::from("pt");
        if link[i].excluded.is_some() {
            cls.push_str(" ex");
        }
        if link[i].partner.is_some() {
            cls.push_str(" jn");
        }
        let _ = write!(overlay, r#"<circle class="{cls}" data-i="{i}" cx="{}" cy="{}" r="{r}"/>"#, p.x_svg, p.y_svg);
    }

    let mut table = String::new();
    for (i, p) in ex.points.iter().enumerate() {
        let l = &link[i];
        let _ = write!(
            table,
            r#"<tr data-i="{i}"><td>{i}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><span class="sw" style="background:{}"></span>{}</td><td>{}</td><td>{}</td><td class="src">{}</td></tr>"#,
            p.panel,
            escape(p.series.as_deref().unwrap_or("")),
            fmt_num(p.x),
            fmt_num(p.y),
            fmt_num(p.value),
            fmt_num(p.value_halfwidth),
            p.x_svg,
            p.y_svg,
            escape(if p.fill.starts_with('#') && p.fill.len() == 7 { &p.fill } else { "transparent" }),
            escape(&p.fill),
            l.partner.map(|j| j.to_string()).unwrap_or_default(),
            escape(l.excluded.as_deref().unwrap_or("")),
            escape(&p.source),
        );
    }

    let mut calib = series_table(ex);
    for p in &ex.panels {
        for axis in [&p.x, &p.y].into_iter().flatten() {
            let check = cert.axes.iter().find(|c| c.panel == p.index && c.axis == axis.dir);
            let _ = write!(
                calib,
                r#"<h3>panel {} ({}) {} axis{}</h3><p>{} scale, method <code>{}</code>; u = {} + {} &times; position{}; anchors: {}. Check: {}.</p><table class="cal"><thead><tr><th>label</th><th>value</th><th>position</th><th>anchor</th><th>residual</th><th>status</th></tr></thead><tbody>"#,
                p.index,
                if p.kind == PanelKind::Data { "data" } else { "colour bar" },
                dir_name(axis.dir),
                axis.title.as_deref().map(|t| format!(": {}", escape(t))).unwrap_or_default(),
                axis.map.scale.name(),
                escape(&axis.method),
                axis.map.intercept,
                axis.map.slope,
                if axis.map.scale == Scale::Linear {
                    String::new()
                } else {
                    format!(", value = {}", axis.map.scale.value_formula())
                },
                escape(&axis.anchors.join("; ")),
                check
                    .map(|c| format!(
                        "{} (max |residual| {:.3e}, tolerance {:.3e}{})",
                        if c.pass { "pass" } else { "FAIL" },
                        c.max_abs_residual,
                        c.tolerance,
                        c.label_offset.map(|o| format!(", label offset {o:.4}")).unwrap_or_default()
                    ))
                    .unwrap_or_default(),
            );
            for t in &axis.ticks {
                let anchor = match t.anchor {
                    AnchorKind::TickMark => "tick mark",
                    AnchorKind::GridLine => "grid line",
                    AnchorKind::Label => "label",
                    AnchorKind::Profile => "profile",
                    AnchorKind::FrameEnd => "frame end (flush label)",
                };
                let _ = write!(
                    calib,
                    r#"<tr class="{}"><td>{}</td><td>{}</td><td>{}</td><td>{anchor}</td><td>{:.3e}</td><td>{}</td></tr>"#,
                    if t.used || t.checked { "used" } else { "rej" },
                    escape(&t.label),
                    fmt_g(t.value),
                    t.position,
                    t.residual,
                    tick_status(t)
                );
            }
            calib.push_str("</tbody></table>");
        }
    }

    let mut summary = format!(
        "<p class=\"{}\">Certificate: <b>{}</b>. {} points.",
        if cert.pass { "ok" } else { "bad" },
        if cert.pass { "pass" } else { "FAIL" },
        ex.points.len()
    );
    for c in &cert.panels {
        let _ = write!(
            summary,
            " Panel {}: {} points, max residual {:.2e}, RMS {:.2e} SVG units.",
            c.panel, c.points, c.max_residual, c.rms_residual
        );
    }
    for c in &cert.colour_bars {
        let _ = write!(
            summary,
            " Colour bar {}: {} of {} values re-map to their fill, {} to a colour near it (nearest-colour decodes).",
            c.bar, c.exact, c.decoded, c.approximate
        );
    }
    for f in &cert.failed {
        let _ = write!(summary, " Failed: {}.", escape(f));
    }
    summary.push_str("</p>");

    let mut page = String::with_capacity(figure.len() + table.len() + overlay.len() + 16_384);
    let _ = write!(
        page,
        r##"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>figdig audit</title>
<style>
body{{font:14px/1.4 system-ui,sans-serif;margin:0;padding:12px 16px;color:#222;background:#fafafa}}
h1{{font-size:18px;margin:0 0 6px}} h2{{font-size:16px;margin:18px 0 6px}} h3{{font-size:14px;margin:12px 0 4px}}
.ok{{color:#060}} .bad{{color:#b00}}
#fd-wrap{{display:flex;gap:16px;align-items:flex-start}}
#fd-fig{{position:relative;flex:1 1 auto;min-width:0;background:#fff;border:1px solid #ccc}}
#fd-fig>svg#fd-svg{{display:block;width:100%;height:auto}}
#fd-overlay{{position:absolute;left:0;top:0;width:100%;height:100%}}
#fd-overlay .pt{{fill:transparent;stroke:#f0f;stroke-width:1.5px;vector-effect:non-scaling-stroke;cursor:pointer;pointer-events:all}}
#fd-overlay .pt.jn{{stroke:#0bd}} #fd-overlay .pt.ex{{stroke:#e00;stroke-dasharray:3 2}}
#fd-overlay .pt:hover{{stroke-width:3px}}
#fd-overlay .pt.sel{{stroke:#000;stroke-width:3.5px;fill:rgba(255,255,0,.45)}}
#fd-overlay .jl{{stroke:#0bd;stroke-width:.8px;vector-effect:non-scaling-stroke;pointer-events:none;opacity:.6}}
#fd-overlay .ln{{fill:none;stroke:#ff8c00;stroke-width:1.2px;vector-effect:non-scaling-stroke;opacity:.8}}
#fd-overlay .tk{{stroke:#0a0;stroke-width:2px;vector-effect:non-scaling-stroke}} #fd-overlay .tk.rej{{stroke:#e00}}
#fd-info{{flex:0 0 300px;background:#fff;border:1px solid #ccc;padding:8px;font-size:13px;min-height:120px}}
#fd-info table td{{padding:1px 4px;vertical-align:top}} #fd-info td:first-child{{color:#666}}
#fd-tip{{position:fixed;display:none;pointer-events:none;background:#222;color:#fff;padding:4px 6px;border-radius:3px;font-size:12px;white-space:pre;z-index:10}}
table.pts,table.cal{{border-collapse:collapse;font-size:12px;background:#fff}}
table.pts th,table.pts td,table.cal th,table.cal td{{border:1px solid #ddd;padding:2px 5px;text-align:right}}
table.pts td.src{{text-align:left;font-family:monospace}}
table.pts tbody tr{{cursor:pointer}} table.pts tbody tr:hover{{background:#eef}}
table.pts tr.sel{{background:#ff6 !important}}
#fd-tablewrap{{max-height:420px;overflow:auto;border:1px solid #ccc}}
table.pts thead th{{position:sticky;top:0;background:#eee}}
table.cal tr.rej{{color:#b00}}
.sw{{display:inline-block;width:10px;height:10px;border:1px solid #888;margin-right:4px;vertical-align:middle}}
#selftest{{font-family:monospace}}
</style></head><body>
<h1>figdig audit</h1>
{summary}
<p>Hover or click a ring to see the point; click a table row to find its point. Magenta: point; cyan: joined across panels; red dashed: excluded from the dataset; green/red marks: used/rejected axis ticks.</p>
<div id="fd-wrap"><div id="fd-fig">{figure}<svg id="fd-overlay" xmlns="{SVG_NS}" viewBox="{} {} {} {}" preserveAspectRatio="{}">{overlay}</svg></div>
<div id="fd-info">Click a point or a row.</div></div>
<div id="fd-tip"></div>
<h2>Points ({n})</h2>
<div id="fd-tablewrap"><table class="pts" id="fd-points"><thead><tr><th>#</th><th>panel</th><th>series</th><th>x</th><th>y</th><th>value</th><th>&plusmn;</th><th>x_svg</th><th>y_svg</th><th>fill</th><th>joined</th><th>excluded</th><th>source</th></tr></thead><tbody>{table}</tbody></table></div>
<h2>Axis calibration</h2>
{calib}
<p id="selftest"></p>
<script type="application/json" id="fd-data">{data_json}</script>
<script>
(function(){{
"use strict";
var CSV_ROWS={csv_rows};
var data=JSON.parse(document.getElementById("fd-data").textContent);
var pts=document.querySelectorAll("#fd-overlay circle.pt");
var rows=document.querySelectorAll("#fd-points tbody tr");
var byI={{}}, rowByI={{}};
pts.forEach(function(c){{byI[c.getAttribute("data-i")]=c;}});
rows.forEach(function(r){{rowByI[r.getAttribute("data-i")]=r;}});
var tip=document.getElementById("fd-tip"), info=document.getElementById("fd-info");
function v(x){{return x===null||x===undefined?"":String(x);}}
function fields(d){{
  var f=[["point",d.i],["panel",d.panel],["series",d.series],["x",d.x],["y",d.y]];
  if(d.value!==null) f.push(["value",v(d.value)+(d.halfwidth!==null?" \u00b1 "+v(d.halfwidth):"")]);
  f.push(["x_svg",d.x_svg],["y_svg",d.y_svg],["fill",d.fill],["source",d.source]);
  if(d.row!==null) f.push(["dataset row",d.row],["loss",v(d.loss)+" ("+v(d.loss_source)+")"]);
  if(d.partner!==null) f.push(["joined with point",d.partner]);
  if(d.excluded!==null) f.push(["excluded",d.excluded]);
  return f;
}}
function text(d){{return fields(d).filter(function(p){{return p[1]!==null&&p[1]!==undefined&&p[1]!=="";}}).map(function(p){{return p[0]+": "+p[1];}}).join("\n");}}
var cur=null;
function select(i,scroll){{
  i=String(i);
  if(cur!==null){{ if(byI[cur]) byI[cur].classList.remove("sel"); if(rowByI[cur]) rowByI[cur].classList.remove("sel"); }}
  cur=i;
  if(byI[i]) byI[i].classList.add("sel");
  if(rowByI[i]){{ rowByI[i].classList.add("sel"); if(scroll&&rowByI[i].scrollIntoView) rowByI[i].scrollIntoView({{block:"nearest"}}); }}
  var d=data[+i]; if(!d) return;
  var t=document.createElement("table");
  fields(d).forEach(function(p){{ if(p[1]===null||p[1]===undefined||p[1]==="") return; var tr=t.insertRow(); tr.insertCell().textContent=p[0]; tr.insertCell().textContent=String(p[1]); }});
  info.textContent=""; info.appendChild(t);
}}
pts.forEach(function(c){{
  c.addEventListener("mouseover",function(e){{ var d=data[+c.getAttribute("data-i")]; if(!d) return; tip.textContent=text(d); tip.style.display="block"; tip.style.left=((e.clientX||0)+14)+"px"; tip.style.top=((e.clientY||0)+14)+"px"; }});
  c.addEventListener("mousemove",function(e){{ tip.style.left=((e.clientX||0)+14)+"px"; tip.style.top=((e.clientY||0)+14)+"px"; }});
  c.addEventListener("mouseout",function(){{ tip.style.display="none"; }});
  c.addEventListener("click",function(){{ select(c.getAttribute("data-i"),true); }});
}});
rows.forEach(function(r){{ r.addEventListener("click",function(){{ select(r.getAttribute("data-i"),false); }}); }});
function selftest(){{
  var fails=[];
  try{{
    var n=pts.length;
    if(n!==rows.length) fails.push("overlay points "+n+" != table rows "+rows.length);
    if(n!==CSV_ROWS) fails.push("overlay points "+n+" != points.csv rows "+CSV_ROWS);
    if(data.length!==n) fails.push("data "+data.length+" != overlay points "+n);
    if(n>0){{
      var k=Math.floor(n/2);
      rows[k].dispatchEvent(new MouseEvent("click",{{bubbles:true}}));
      var pk=byI[rows[k].getAttribute("data-i")];
      if(!pk||!pk.classList.contains("sel")) fails.push("click on row "+k+" did not select point "+k);
      var j=n-1-k===k?0:n-1-k;
      pts[j].dispatchEvent(new MouseEvent("click",{{bubbles:true}}));
      var rj=rowByI[pts[j].getAttribute("data-i")];
      if(!rj||!rj.classList.contains("sel")) fails.push("click on point "+j+" did not select row "+j);
      if(n>1&&pk&&pk.classList.contains("sel")) fails.push("point "+k+" still selected after selecting "+j);
      pts[j].dispatchEvent(new MouseEvent("mouseover",{{bubbles:true,clientX:10,clientY:10}}));
      if(tip.style.display!=="block"||tip.textContent.indexOf("x_svg")<0) fails.push("hover shows no values");
      pts[j].dispatchEvent(new MouseEvent("mouseout",{{bubbles:true}}));
      var bb=pts[k].getBoundingClientRect();
      if(!(bb.width>0&&bb.height>0)) fails.push("point "+k+" has no size on screen");
    }}
  }}catch(e){{ fails.push("exception: "+e); }}
  var out=fails.length?"SELFTEST FAIL "+fails.join("; "):"SELFTEST PASS points="+pts.length;
  document.getElementById("selftest").textContent=out; document.title=out;
}}
if(location.hash==="#selftest") selftest();
}})();
</script>
</body></html>
"##,
        vb.x0,
        vb.y0,
        vb.width(),
        vb.height(),
        escape(aspect),
        n = ex.points.len(),
    );
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitiser_drops_scripts_handlers_foreign_and_external_references() {
        let svg = r##"<?xml version="1.0"?><!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:ink="http://www.inkscape.org/namespaces/inkscape" width="10pt" height="5pt" viewBox="0 0 10 5" onload="alert(1)"><!-- c --><script>alert(2)</script><ink:meta/><foreignObject><div/></foreignObject><image xlink:href="http://example.org/x.png"/><use xlink:href="#a"/><rect id="a" ink:label="r" x="1" y="1" width="2" height="2" onclick="x()" fill="#f00"/><text xml:space="preserve">a &lt; b</text></svg>"##;
        let fig = PageFigure::parse(svg);
        assert_eq!(fig.view_box_at, None);
        let out = fig.svg.expect("parses");
        for bad in [
            "<?xml",
            "DOCTYPE",
            "script",
            "onload",
            "onclick",
            "foreignObject",
            "ink:meta",
            "ink:label",
            "example.org",
            "width=\"10pt\"",
            "<!--",
        ] {
            assert!(!out.contains(bad), "{bad} survived in {out}");
        }
        for good in [
            "viewBox=\"0 0 10 5\"",
            "xlink:href=\"#a\"",
            "fill=\"#f00\"",
            "a &lt; b",
            "xml:space=\"preserve\"",
            "id=\"fd-svg\"",
        ] {
            assert!(out.contains(good), "{good} lost in {out}");
        }
    }

    #[test]
    fn viewbox_transform_follows_units_and_aspect() {
        let size = usvg::Size::from_wh(200.0, 100.0).expect("size");
        // 100x100 viewBox into 200x100 with xMidYMid meet: scale 1, centred horizontally.
        let t = user_to_css(br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"/>"#, size);
        assert_eq!((t.sx, t.sy, t.tx, t.ty), (1.0, 1.0, 50.0, 0.0));
        let t = user_to_css(
            br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="10 0 100 100" preserveAspectRatio="none"/>"#,
            size,
        );
        assert_eq!((t.sx, t.sy, t.tx, t.ty), (2.0, 1.0, -20.0, 0.0));
        let t = user_to_css(
            br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" preserveAspectRatio="xMaxYMax slice"/>"#,
            size,
        );
        assert_eq!((t.sx, t.sy, t.tx, t.ty), (2.0, 2.0, 0.0, -100.0));
    }

    fn simplify_text(text: &str) -> Option<String> {
        let doc = roxmltree::Document::parse(text).expect("test SVG parses");
        simplify_clips(&doc, text)
    }

    #[test]
    fn identical_clips_of_sibling_groups_are_merged_and_nothing_else() {
        let clip = |id: &str, x: u32| format!(r#"<clipPath id="{id}"><rect x="{x}" width="5" height="5"/></clipPath>"#);
        // Every line pokes out of its clip (x from -1 to 9), so no clip is a no-op here.
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg"><defs>{}{}{}</defs><g clip-path="url(#a)"><path d="M-1 0H9"/></g>
<g clip-path="url(#b)"><path d="M-1 1H9"/></g><g clip-path="url(#c)"><path d="M-1 2H9"/></g><g clip-path="url(#a)" opacity="0.5"><path d="M-1 3H9"/></g><g clip-path="url(#a)"><path d="M-1 4H9"/></g></svg>"#,
            clip("a", 0),
            clip("b", 0),
            clip("c", 1)
        );
        let out = simplify_text(&svg).expect("a and b merge");
        // a and b are the same rectangle: one group; c differs; the group with opacity stays whole.
        assert!(
            out.contains(
                r#"<g clip-path="url(#a)"><path d="M-1 0H9"/>
<path d="M-1 1H9"/></g><g clip-path="url(#c)">"#
            ),
            "{out}"
        );
        assert_eq!(out.matches("<g ").count(), 4, "{out}");
        assert!(roxmltree::Document::parse(&out).is_ok());
        assert_eq!(simplify_text(r#"<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>"#), None);
    }

    #[test]
    fn a_clip_around_its_whole_content_is_dropped_with_the_stroke_counted() {
        let svg = |stroke: &str| {
            format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg"><clipPath id="a"><path transform="translate(10 10)" d="M-4 -4H4V4H-4Z"/></clipPath><g clip-path="url(#a)"><path transform="matrix(1,0,0,-1,10,10)" {stroke} d="M-3 0A3 3 0 0 0 3 0A3 3 0 0 0 -3 0Z"/></g></svg>"#
            )
        };
        // Radius 3 inside half-size 4: unstroked, or stroked 1 wide with round joins: dropped.
        for s in ["", r#"stroke="black" stroke-width="1" stroke-linejoin="round""#] {
            let out = simplify_text(&svg(s)).expect("dropped");
            assert!(out.contains("<g><path") && !out.contains("clip-path="), "{out}");
        }
        // A 3-wide stroke reaches 4.5, and miter joins (the default) reach 2 widths: kept.
        for s in [r#"stroke="black" stroke-width="3" stroke-linejoin="round""#, r#"stroke="black" stroke-width="1""#] {
            assert_eq!(simplify_text(&svg(s)), None, "{s}");
        }
        // CSS could restyle anything: kept.
        let styled = svg("").replace("<clipPath", "<style>path{stroke-width:9}</style><clipPath");
        assert_eq!(simplify_text(&styled), None);
    }

    #[test]
    fn a_clip_around_shapes_groups_and_uses_is_dropped() {
        let svg = |inner: &str| {
            format!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><defs><rect id="m" width="2" height="2" stroke="red"/><clipPath id="a"><rect width="10" height="10"/></clipPath></defs><g clip-path="url(#a)">{inner}</g></svg>"##
            )
        };
        let inside = r##"<g transform="translate(1 1)"><circle cx="4" cy="4" r="3"/><ellipse cx="4" cy="4" rx="1" ry="2"/></g><line x1="1" y1="1" x2="9" y2="9"/><polygon points="1,1 5,1 5,5"/><use xlink:href="#m" x="3" y="3"/>"##;
        let out = simplify_text(&svg(inside)).expect("dropped");
        assert!(!out.contains("clip-path="), "{out}");
        // A circle poking out, a stroked use reaching past the edge (the red stroke counts), text,
        // a filter: kept.
        for outside in [
            r#"<circle cx="5" cy="5" r="6"/>"#,
            r##"<use xlink:href="#m" x="7.5"/>"##,
            r#"<text x="5" y="5">a</text>"#,
            r#"<rect width="1" height="1" filter="url(#f)"/>"#,
        ] {
            assert_eq!(simplify_text(&svg(outside)), None, "{outside}");
        }
    }

    /// A font's first bytes: a table directory of `GPOS` and `kern`, then a GPOS header whose
    /// feature list names `feature`.
    fn font_with(feature: &[u8; 4]) -> Vec<u8> {
        let mut f = vec![0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0];
        let gpos = 12 + 2 * 16;
        for (tag, off) in [(b"GPOS", gpos as u32), (b"kern", 0)] {
            f.extend_from_slice(tag);
            f.extend_from_slice(&[0; 4]);
            f.extend_from_slice(&off.to_be_bytes());
            f.extend_from_slice(&[0; 4]);
        }
        // GPOS 1.0: script list, feature list at 10, lookup list; one feature record.
        f.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 10, 0, 0, 0, 1]);
        f.extend_from_slice(feature);
        f.extend_from_slice(&[0, 0]);
        f
    }

    #[test]
    fn the_legacy_kern_table_is_hidden_only_where_gpos_kerns() {
        let mut f = font_with(b"kern");
        hide_legacy_kern(&mut f);
        assert_eq!(&f[28..32], b"kerm");
        let mut f = font_with(b"mark");
        hide_legacy_kern(&mut f);
        assert_eq!(&f[28..32], b"kern");
        // Truncated data is left alone.
        let mut f = font_with(b"kern")[..40].to_vec();
        hide_legacy_kern(&mut f);
        assert_eq!(&f[28..32], b"kern");
    }

    #[test]
    fn median_and_latin1() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
        assert_eq!(latin1("a\u{2212}b\u{e9}"), "a?b\u{e9}");
    }

    #[test]
    fn bad_scale_is_an_error() {
        let ex = Extraction {
            panels: Vec::new(),
            points: Vec::new(),
            legend: Vec::new(),
            colour_bars: Vec::new(),
            lines: Vec::new(),
            series: Vec::new(),
            size_legend: None,
            duplicates_merged: 0,
            outside: 0,
            warnings: Vec::new(),
            skipped: Vec::new(),
            skipped_total: 0,
            view_box: kurbo::Rect::new(0.0, 0.0, 10.0, 10.0),
        };
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"/>"#;
        assert!(matches!(audit_png(svg, &ex, None, 0.0), Err(AuditError::BadScale(_))));
        assert!(matches!(audit_png(svg, &ex, None, f32::NAN), Err(AuditError::BadScale(_))));
        let png = audit_png(svg, &ex, None, 2.0).expect("renders");
        // A figure too large at the asked scale is drawn smaller, not refused.
        let big = br#"<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"/>"#;
        let fitted = audit_png_within(big, &ex, None, 2.0, 1_000_000).expect("renders smaller");
        assert!((fitted.scale - 0.01).abs() < 1e-6, "{}", fitted.scale);
        assert_eq!(&png[1..4], b"PNG");
        let html = audit_html(std::str::from_utf8(svg).expect("utf8"), &ex, None, 0);
        assert!(html.contains("var CSV_ROWS=0;"));
        assert!(certificate(&ex, None).pass);
    }
}
