//! Extraction pipeline: scene -> axes -> marks -> calibrated points, and their serialisations.
//!
//! Input: the bytes of one SVG figure. Output: an [`Extraction`] holding the panels with their
//! calibrated axes, one [`PointRecord`] per data marker (data values and SVG centre), legend
//! entries and warnings; [`points_csv`] and [`figure_json`] render it for files.
//!
//! Invariants: values are computed in f64 from the marker's root-space centre through the axis
//! map; CSV numbers use shortest round-trip formatting; a figure without any calibrated panel is
//! an error, not an empty result.

use serde::Serialize;
use serde_json::json;

use crate::axes::{AxesOptions, Dir, Panel, PanelKind, find_axes};
use crate::lines::{ErrorBar, LinesOptions, Series, find_lines};
use crate::marks::{LegendEntry, MarksOptions};
use crate::scales::{ColourBar, ScalesOptions, decode, read_colour_bars, series_of};
use crate::scene::{SceneError, SceneOptions, parse_scene};
use crate::warning::{Warning, WarningKind};

/// Options of the whole extraction. Every field states its default.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// Input limits (see [`SceneOptions`]).
    pub scene: SceneOptions,
    /// Calibration tolerances (see [`AxesOptions`]).
    pub axes: AxesOptions,
    /// Marker detection (see [`MarksOptions`]).
    pub marks: MarksOptions,
    /// Colour decoding (see [`ScalesOptions`]).
    pub scales: ScalesOptions,
    /// Line series and error bars (see [`LinesOptions`]).
    pub lines: LinesOptions,
    /// Size legends (see [`crate::sizes::SizesOptions`]).
    pub sizes: crate::sizes::SizesOptions,
    /// Axes given by hand in the figure's profile, keyed `<frame>.<x|y>`. Default: none.
    pub axis_overrides: std::collections::BTreeMap<String, crate::axes::AxisOverride>,
    /// Labels of legend entries whose text cannot be read (glyph outlines), top to bottom then
    /// left to right, from the figure's profile. Default: none.
    pub legend_labels: Vec<String>,
}

/// Why a figure could not be extracted.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error(transparent)]
    Scene(#[from] SceneError),
    #[error("no plot area with readable axes found (looked for frames, clip rectangles and numeric tick labels)")]
    NoPanels,
    #[error(
        "frame {frame} (x {x0:.2}..{x1:.2}, y {y0:.2}..{y1:.2}) has no readable tick labels on its x and y axes \
         (text drawn as glyphs without characters?). Give its ticks in the figure's profile <stem>.toml beside the SVG:\n\
         [axes.\"{frame}.x\"]\nscale = \"linear\"   # or \"log\"\n# tick marks at x = {x_marks}\nticks = [[{x0:.2}, 0.0], [{x1:.2}, 1.0]]   # [x position in SVG units, value], two or more\n\
         [axes.\"{frame}.y\"]\nscale = \"linear\"\n# tick marks at y = {y_marks}\nticks = [[{y1:.2}, 0.0], [{y0:.2}, 1.0]]   # [y position in SVG units, value]"
    )]
    UnreadableTicks { frame: usize, x0: f64, x1: f64, y0: f64, y1: f64, x_marks: String, y_marks: String },
}

/// One extracted data point.
#[derive(Debug, Clone, Serialize)]
pub struct PointRecord {
    pub panel: usize,
    pub series: Option<String>,
    pub x: Option<f64>,
    pub y: Option<f64>,
    /// The same point on the panel's second (right-hand) y axis, when it has one: figdig does
    /// not know which axis a twin-axis series belongs to, so it gives both (see the warning).
    pub y2: Option<f64>,
    pub value: Option<f64>,
    pub value_halfwidth: Option<f64>,
    /// CIEDE2000 distance between the fill and its colour-bar bin (0 when exact).
    pub delta_e: Option<f64>,
    /// The series label read as a number, when it is one ("6e+18").
    pub series_value: Option<f64>,
    pub x_svg: f64,
    pub y_svg: f64,
    pub fill: String,
    pub stroke: Option<String>,
    pub shape: crate::marks::MarkerShape,
    pub source: String,
    /// The marker's error bars as data intervals (`lo <= hi`), when it has them.
    pub x_lo: Option<f64>,
    pub x_hi: Option<f64>,
    pub y_lo: Option<f64>,
    pub y_hi: Option<f64>,
    /// An error bar ends on the frame's edge: it may have been cut there.
    pub bar_clipped: bool,
}

/// Everything extracted from one figure.
#[derive(Debug, Clone)]
pub struct Extraction {
    pub panels: Vec<Panel>,
    pub points: Vec<PointRecord>,
    pub legend: Vec<LegendEntry>,
    pub colour_bars: Vec<ColourBar>,
    /// Straight lines across data panels (see [`crate::marks::RefLine`]).
    pub lines: Vec<crate::marks::RefLine>,
    /// Line series (see [`crate::lines`]), in root units; `points.csv` maps their vertices.
    pub series: Vec<Series>,
    /// The size legend that gave markers their `value`, when one did.
    pub size_legend: Option<crate::sizes::SizeScale>,
    pub duplicates_merged: usize,
    pub outside: usize,
    pub warnings: Vec<Warning>,
    /// Elements skipped for bad numbers (the first [`crate::skipped::MAX_SKIPPED_KEPT`]; also
    /// in `warnings`), and how many there were in all.
    pub skipped: Vec<crate::skipped::SkippedElement>,
    pub skipped_total: usize,
    pub view_box: kurbo::Rect,
}

/// Give legend entries whose labels are glyph outlines (empty text) the profile's labels, in
/// reading order (top to bottom, then left to right); warn when the profile gives none or a
/// different number.
fn name_unreadable_legend(legend: &mut [crate::marks::LegendEntry], labels: &[String], warnings: &mut Vec<Warning>) {
    let mut blank: Vec<&mut crate::marks::LegendEntry> = legend.iter_mut().filter(|e| e.label.is_empty()).collect();
    if blank.is_empty() {
        return;
    }
    blank.sort_by(|a, b| a.at.y.total_cmp(&b.at.y).then(a.at.x.total_cmp(&b.at.x)));
    if labels.len() != blank.len() {
        warnings.push(Warning::new(
            WarningKind::Legend,
            format!(
                "{} legend entries have labels drawn as glyph outlines, which cannot be read; give them in the \
             figure's profile, top to bottom: [legend] labels = [\"…\", …] (the profile gives {})",
                blank.len(),
                labels.len()
            ),
        ));
        if !labels.is_empty() {
            return;
        }
    }
    for (e, l) in blank.into_iter().zip(labels) {
        e.label = l.clone();
    }
}

/// Extract calibrated data points from SVG bytes.
pub fn extract(bytes: &[u8], opts: &ExtractOptions) -> Result<Extraction, ExtractError> {
    extract_scene(parse_scene(bytes, &opts.scene)?, opts)
}

/// [`extract`] taking the bytes, which are freed once parsed (a 60 MB figure's text is not held
/// through the rest of the extraction).
pub fn extract_owned(bytes: Vec<u8>, opts: &ExtractOptions) -> Result<Extraction, ExtractError> {
    let scene = parse_scene(&bytes, &opts.scene)?;
    drop(bytes);
    extract_scene(scene, opts)
}

fn extract_scene(mut scene: crate::scene::Scene, opts: &ExtractOptions) -> Result<Extraction, ExtractError> {
    let axes = find_axes(&scene, &opts.axes, &opts.axis_overrides);
    if !axes.panels.iter().any(|p| p.kind == PanelKind::Data) {
        if let Some(u) = axes.uncalibrated.first() {
            let r = u.rect;
            let list = |v: &[f64]| {
                if v.is_empty() {
                    "none found".to_string()
                } else {
                    v.iter().map(|p| format!("{p:.2}")).collect::<Vec<_>>().join(", ")
                }
            };
            return Err(ExtractError::UnreadableTicks {
                frame: u.frame,
                x0: r.x0,
                x1: r.x1,
                y0: r.y0,
                y1: r.y1,
                x_marks: list(&u.x_marks),
                y_marks: list(&u.y_marks),
            });
        }
        return Err(ExtractError::NoPanels);
    }
    let mut warnings: Vec<Warning> =
        scene.warnings.iter().map(|w| Warning::new(WarningKind::Scene, w.clone())).collect();
    let mut size_note = None;
    let size_scale = match crate::sizes::read_size_legend(&scene, &axes.panels, &axes.texts, &opts.sizes) {
        Ok(s) => s,
        Err(why) => {
            size_note = Some(Warning::new(WarningKind::Legend, why));
            None
        }
    };
    if let Some(why) = size_scale.as_ref().and_then(|z| z.refused.clone()) {
        size_note = Some(Warning::new(WarningKind::Legend, why));
    }
    let mut marks = crate::marks::find_marks_sized(&scene, &axes.panels, &axes.texts, &opts.marks, size_scale.as_ref());
    for u in &axes.uncalibrated {
        let (frame, r) = (u.frame, u.rect);
        // A frame around legend entries is the legend's box, not a plot missing its axes.
        let sized_rows = size_scale.iter().flat_map(|z| z.symbols.iter());
        if marks.legend.iter().any(|e| r.contains(e.at)) || sized_rows.into_iter().any(|p| r.contains(*p)) {
            continue;
        }
        warnings.push(Warning::new(WarningKind::PanelSkipped, format!(
            "frame {frame} (x {:.2}..{:.2}, y {:.2}..{:.2}) has no readable axis and was skipped; its ticks can be given in the figure's profile [axes.\"{frame}.x\"]",
            r.x0, r.x1, r.y0, r.y1
        )));
    }
    warnings.extend(size_note);
    name_unreadable_legend(&mut marks.legend, &opts.legend_labels, &mut warnings);
    warnings.extend(axes.warnings);
    warnings.extend(marks.warnings.iter().map(|w| Warning::new(WarningKind::Marks, w.clone())));
    let mut scale_notes = Vec::new();
    let bars = read_colour_bars(&scene, &axes.panels, &marks.markers, &opts.scales, &mut scale_notes);
    warnings.extend(scale_notes.into_iter().map(|w| Warning::new(WarningKind::ColourScale, w)));
    let mut found_lines = find_lines(&scene, &axes.panels, &axes.texts, &marks, &opts.lines);
    found_lines.drop_cap_markers(&mut marks.markers);
    warnings.extend(std::mem::take(&mut found_lines.warnings));
    // The scene (every drawn element's geometry) is not needed for the points: it is freed before
    // they are built, so a figure of a million markers never holds both.
    let (skipped, skipped_total, view_box) = (std::mem::take(&mut scene.skipped), scene.skipped_total, scene.view_box);
    drop(scene);
    let mut points: Vec<PointRecord> = marks
        .markers
        .iter()
        .enumerate()
        .map(|(k, m)| {
            let p = &axes.panels[m.panel];
            let decoded = match decode(&bars, m, &opts.scales) {
                Ok(d) => d,
                Err(w) => {
                    warnings.push(Warning::new(WarningKind::ColourScale, w));
                    None
                }
            };
            // A colour bar's value first; else the size legend's.
            let sized = if decoded.is_none() { size_scale.as_ref().and_then(|s| s.decode(m)) } else { None };
            let series = if decoded.is_some() || sized.is_some() { None } else { series_of(m, p, &marks.legend) };
            let bar = |axis: kurbo::Axis| found_lines.error_bars.iter().find(|b| b.marker == k && b.axis == axis);
            let (x_lo, x_hi) = interval(bar(kurbo::Axis::Horizontal), p.x.as_ref());
            let (y_lo, y_hi) = interval(bar(kurbo::Axis::Vertical), p.y.as_ref());
            PointRecord {
                x_lo,
                x_hi,
                y_lo,
                y_hi,
                bar_clipped: found_lines.error_bars.iter().any(|b| b.marker == k && b.clipped),
                panel: m.panel,
                series: series.map(|e| e.label.clone()),
                series_value: series.and_then(|e| crate::axes::parse_number(&e.label)),
                x: p.x.as_ref().map(|a| a.map.value(m.centre.x)),
                y: p.y.as_ref().map(|a| a.map.value(m.centre.y)),
                y2: p.y2.as_ref().map(|a| a.map.value(m.centre.y)),
                value: decoded.map(|d| d.value).or(sized.map(|s| s.0)),
                value_halfwidth: decoded.map(|d| d.halfwidth).or(sized.map(|s| s.1)),
                delta_e: decoded.map(|d| d.delta_e),
                x_svg: m.centre.x,
                y_svg: m.centre.y,
                fill: crate::marks::marker_colour(m),
                stroke: m.stroke.clone(),
                shape: m.shape,
                source: m.source.clone(),
            }
        })
        .collect();
    // Stable sorting allocates half the points again; markers usually come panel by panel.
    if !points.is_sorted_by_key(|p| p.panel) {
        points.sort_by_key(|p| p.panel);
    }
    // Unnamed lines in a colour-encoded panel take the bar's value of their stroke; a stroke the
    // bar does not hold (a reference line in grey) simply has none.
    for s in found_lines.series.iter_mut().filter(|s| s.name.is_none()) {
        if let Some(stroke) = s.stroke.as_deref()
            && let Ok(Some(d)) = crate::scales::decode_colour(&bars, s.panel, stroke, &s.source, &opts.scales)
        {
            s.value = Some((d.value, d.halfwidth));
        }
    }
    for p in axes.panels.iter().filter(|p| p.y2.is_some() && points.iter().any(|q| q.panel == p.index)) {
        let labels: Vec<&str> = p.y2.iter().flat_map(|a| a.ticks.iter().map(|t| t.label.as_str())).take(4).collect();
        warnings.push(Warning::axis(
            WarningKind::TwinAxis,
            p.index,
            Dir::Y,
            format!(
                "panel {}: a second y axis on the right ({}) in other units; which series belong to it is not known, so y gives each point on the left axis and y2 on the right",
                p.index,
                labels.join(", ")
            ),
        ));
    }
    for p in axes.panels.iter().filter(|p| p.kind == PanelKind::Data && points.iter().any(|q| q.panel == p.index)) {
        for (dir, axis) in [(Dir::X, &p.x), (Dir::Y, &p.y)] {
            let explained = warnings
                .iter()
                .any(|w| w.kind == WarningKind::AxisNotRead && w.panel == Some(p.index) && w.axis == Some(dir));
            if axis.is_none() && !explained {
                let reason = crate::axes::why_unread(p.rect, dir, &axes.captions, &opts.axes);
                let name = if dir == Dir::X { "x" } else { "y" };
                let message = format!("panel {}: {name} axis not read: {reason}; {name} left empty", p.index);
                warnings.push(Warning::axis(WarningKind::AxisNotRead, p.index, dir, message));
            }
        }
    }
    Ok(Extraction {
        panels: axes.panels,
        points,
        legend: marks.legend,
        colour_bars: bars,
        lines: marks.lines,
        series: found_lines.series,
        size_legend: size_scale,
        duplicates_merged: marks.duplicates_merged,
        outside: marks.outside,
        warnings,
        skipped,
        skipped_total,
        view_box,
    })
}

/// An error bar's ends as data values, lower first.
fn interval(bar: Option<&ErrorBar>, axis: Option<&crate::axes::Axis>) -> (Option<f64>, Option<f64>) {
    let (Some(b), Some(a)) = (bar, axis) else { return (None, None) };
    let (u, v) = (a.map.value(b.lo), a.map.value(b.hi));
    (Some(u.min(v)), Some(u.max(v)))
}

/// Shortest round-trip text of an optional number.
fn num(v: Option<f64>) -> String {
    v.map(|x| format!("{x}")).unwrap_or_default()
}

/// Columns of `points.csv`: one row per mark, markers first (`mark=marker`), then the vertices
/// of each line series (`mark=vertex`) in drawing order.
pub const POINTS_COLUMNS: [&str; 20] = [
    "panel",
    "series",
    "x",
    "y",
    "value",
    "x_svg",
    "y_svg",
    "fill",
    "source",
    "value_halfwidth",
    "y2",
    "mark",
    "line",
    "piece",
    "index",
    "flags",
    "x_lo",
    "x_hi",
    "y_lo",
    "y_hi",
];

/// The `flags` cell: `curved` (reached by a Bezier), `outside` (beyond the frame),
/// `bar_clipped` (an error bar ends on the frame), joined by `;`.
fn flags(set: &[(bool, &str)]) -> String {
    set.iter().filter(|(on, _)| *on).map(|(_, name)| *name).collect::<Vec<_>>().join(";")
}

fn marker_row(p: &PointRecord) -> [String; 20] {
    [
        p.panel.to_string(),
        p.series.clone().unwrap_or_default(),
        num(p.x),
        num(p.y),
        num(p.value),
        format!("{}", p.x_svg),
        format!("{}", p.y_svg),
        p.fill.clone(),
        p.source.clone(),
        num(p.value_halfwidth),
        num(p.y2),
        "marker".into(),
        String::new(),
        String::new(),
        String::new(),
        flags(&[(p.bar_clipped, "bar_clipped")]),
        num(p.x_lo),
        num(p.x_hi),
        num(p.y_lo),
        num(p.y_hi),
    ]
}

/// Write the rows of one line series: its vertices mapped through its panel's axes. Fields go
/// straight to the writer through one reused buffer: a curve of a million vertices would
/// otherwise allocate twenty strings per row.
fn write_vertex_rows<W: std::io::Write>(
    w: &mut csv::Writer<W>,
    ex: &Extraction,
    line: usize,
    s: &Series,
) -> Result<(), csv::Error> {
    use std::fmt::Write as _;
    let Some(p) = ex.panels.get(s.panel) else { return Ok(()) };
    let (panel, name, stroke) =
        (s.panel.to_string(), s.name.as_deref().unwrap_or(""), s.stroke.as_deref().unwrap_or(""));
    let (value, halfwidth) = (num(s.value.map(|v| v.0)), num(s.value.map(|v| v.1)));
    let line = line.to_string();
    let mut buf = String::new();
    let mut index = 0usize;
    for (piece, vs) in s.pieces.iter().enumerate() {
        let piece = piece.to_string();
        for v in vs {
            let mut field = |w: &mut csv::Writer<W>, x: Option<f64>| {
                buf.clear();
                if let Some(x) = x {
                    let _ = write!(buf, "{x}");
                }
                w.write_field(&buf)
            };
            w.write_field(&panel)?;
            w.write_field(name)?;
            field(w, p.x.as_ref().map(|a| a.map.value(v.at.x)))?;
            field(w, p.y.as_ref().map(|a| a.map.value(v.at.y)))?;
            w.write_field(&value)?;
            field(w, Some(v.at.x))?;
            field(w, Some(v.at.y))?;
            w.write_field(stroke)?;
            w.write_field(&s.source)?;
            w.write_field(&halfwidth)?;
            field(w, p.y2.as_ref().map(|a| a.map.value(v.at.y)))?;
            w.write_field(s.kind.mark())?;
            w.write_field(&line)?;
            w.write_field(&piece)?;
            // As an integer: the same digits as the f64 it once went through, a fifth of the
            // float formatting on a million-vertex curve.
            buf.clear();
            let _ = write!(buf, "{index}");
            w.write_field(&buf)?;
            w.write_field(flags(&[(v.curved, "curved"), (v.outside, "outside")]))?;
            for _ in 0..4 {
                w.write_field("")?;
            }
            w.write_record(None::<&[u8]>)?;
            index += 1;
        }
    }
    Ok(())
}

/// `points.csv` (see [`POINTS_COLUMNS`]).
pub fn points_csv(ex: &Extraction) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(POINTS_COLUMNS)?;
    for p in &ex.points {
        w.write_record(marker_row(p))?;
    }
    for (line, s) in ex.series.iter().enumerate() {
        write_vertex_rows(&mut w, ex, line, s)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    // Every field written is a `str`, so the bytes are UTF-8 and become the String in place: a
    // lossy copy would hold the table twice (255 MB each for a figure of 870,000 paths).
    Ok(String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// `figure.json`: panels, axes with anchors and tick residuals, marker counts, legend, warnings.
pub fn figure_json(name: &str, ex: &Extraction) -> serde_json::Value {
    let panels: Vec<serde_json::Value> = ex
        .panels
        .iter()
        .map(|p| {
            let mine: Vec<&PointRecord> = ex.points.iter().filter(|q| q.panel == p.index).collect();
            let mut by_shape = std::collections::BTreeMap::new();
            for q in &mine {
                *by_shape.entry(serde_json::to_value(q.shape).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()).or_insert(0usize) += 1;
            }
            let axis = |a: &Option<crate::axes::Axis>| {
                a.as_ref().map(|a| {
                    json!({
                        "title": a.title,
                        "scale": a.map.scale,
                        "map": {"u": "intercept + slope * position", "value": a.map.scale.value_formula(), "slope": a.map.slope, "intercept": a.map.intercept},
                        "method": a.method,
                        "time": a.time,
                        "anchors": a.anchors,
                        "ticks": a.ticks,
                        "rejected_ticks": a.rejected().map(|t| json!({"label": t.label, "value": t.value, "position": t.position, "residual": t.residual, "implied_value": a.map.value(t.position)})).collect::<Vec<_>>(),
                    })
                })
            };
            json!({
                "index": p.index,
                "kind": p.kind,
                "box": {"x0": p.rect.x0, "y0": p.rect.y0, "x1": p.rect.x1, "y1": p.rect.y1},
                "title": p.title,
                "x": axis(&p.x),
                "y": axis(&p.y),
                "y2": axis(&p.y2),
                "markers": {"total": mine.len(), "by_shape": by_shape},
            })
        })
        .collect();
    json!({
        "figure": name,
        "view_box": [ex.view_box.x0, ex.view_box.y0, ex.view_box.x1, ex.view_box.y1],
        "panels": panels,
        "markers_total": ex.points.len(),
        "duplicates_merged": ex.duplicates_merged,
        "markers_outside_panels": ex.outside,
        "legend": ex.legend,
        "size_legend": ex.size_legend,
        "colour_bars": ex.colour_bars.iter().map(|b| json!({
            "panel": b.panel, "source": b.source, "title": b.title, "range": b.range,
            "n_colours": b.bins.len(), "encodes_panels": b.encodes,
            "decoding": "bin centre of K equal bins over the bar's frame (raster of a discrete map), else of where each colour is drawn (vector cells, gradient runs, raster rows sampling a continuous map; a fill between two neighbouring bins' colours is interpolated between their centres); half-width = half the bin width",
        })).collect::<Vec<_>>(),
        "decoded": {
            "values": ex.points.iter().filter(|p| p.value.is_some()).count(),
            "exact_colour": ex.points.iter().filter(|p| p.delta_e == Some(0.0)).count(),
            "max_delta_e": ex.points.iter().filter_map(|p| p.delta_e).fold(0.0, f64::max),
            "with_series": ex.points.iter().filter(|p| p.series.is_some()).count(),
        },
        "warnings": ex.warnings,
        "skipped_elements": {"total": ex.skipped_total, "listed": ex.skipped},
    })
}

impl Extraction {
    /// Warnings for axes that were not read (their values are left empty), with reasons.
    pub fn unread_axes(&self) -> impl Iterator<Item = &Warning> {
        self.warnings.iter().filter(|w| w.kind == WarningKind::AxisNotRead)
    }
    /// Whether the figure has points but none of them has both an x and a y value.
    pub fn incomplete(&self) -> bool {
        !self.points.is_empty() && self.points.iter().all(|p| p.x.is_none() || p.y.is_none())
    }
}

/// A one-line human summary.
pub fn summary(ex: &Extraction) -> String {
    let data: Vec<&Panel> = ex.panels.iter().filter(|p| p.kind == PanelKind::Data).collect();
    let per: Vec<String> = data
        .iter()
        .map(|p| format!("panel {}: {}", p.index, ex.points.iter().filter(|q| q.panel == p.index).count()))
        .collect();
    let rejected: Vec<String> = ex
        .panels
        .iter()
        .flat_map(|p| {
            [("x", &p.x), ("y", &p.y)].into_iter().flat_map(move |(n, a)| {
                a.iter().flat_map(move |a| a.rejected().map(move |t| format!("'{}' (panel {} {n})", t.label, p.index)))
            })
        })
        .collect();
    let mut s = format!("{} data panel(s), {} markers ({})", data.len(), ex.points.len(), per.join(", "));
    if ex.panels.iter().any(|p| p.kind == PanelKind::ColourBar) {
        s.push_str(", colour bar found");
    }
    if !rejected.is_empty() {
        s.push_str(&format!("; inconsistent ticks left out: {}", rejected.join(", ")));
    }
    if ex.duplicates_merged > 0 {
        s.push_str(&format!("; {} duplicate drawings merged", ex.duplicates_merged));
    }
    if ex.skipped_total > 0 {
        s.push_str(&format!("; {} element(s) skipped for bad numbers", ex.skipped_total));
    }
    if !ex.warnings.is_empty() {
        s.push_str(&format!("; {} warning(s)", ex.warnings.len()));
    }
    // Unread axes and twin axes are said in full: values are empty or given twice, and the
    // reason tells what to do.
    for w in ex.warnings.iter().filter(|w| matches!(w.kind, WarningKind::AxisNotRead | WarningKind::TwinAxis)) {
        let panel = w.panel.map(|p| format!("panel {p}: ")).unwrap_or_default();
        let message = w.message.strip_prefix(&panel).unwrap_or(&w.message);
        s.push_str(&format!("\n  {panel}{message}"));
    }
    s
}
