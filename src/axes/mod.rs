//! Axes: find plot areas (panels) and calibrate their axes from tick labels and geometry.
//!
//! Input: a [`Scene`]. Output: [`Panel`]s in reading order (rows top to bottom, left to right
//! within a row), each with an optional calibrated x and y [`Axis`], plus colour-bar candidates.
//!
//! Method, per axis: numeric tick labels beside the panel give values; their positions come from
//! geometry where the figure has it (tick marks touching the frame, solid grid lines across it),
//! otherwise from the labels' own positions (scale from their spacing), with the offset anchored
//! by the frame's ends when both land on round values. Scale (linear or log10) is chosen by fit
//! quality; a tick that disagrees with the others is left out and reported, never silently used.
//!
//! Invariants: positions are root user units; an [`AxisMap`] maps position to value exactly as
//! fitted and back; a degenerate fit (fewer than two distinct positions) yields no axis.

use std::collections::BTreeMap;

use kurbo::{Point, Rect, Shape as _};
use serde::Serialize;

use crate::scene::{ItemKind, Scene, TextAnchor, TextRun};
use crate::warning::{Warning, WarningKind};

/// Tolerances of panel detection and calibration. Every field states its default.
#[derive(Debug, Clone)]
pub struct AxesOptions {
    /// A year-labelled axis is read as time when the starts of its years fit its tick positions
    /// within twice the years' own fit or this fraction of the ticks' span. Default: 1e-4 (a
    /// leap day moves a five-year tick by 5.5e-4 of the spacing; rounding by far less).
    pub time_fit_frac: f64,
    /// Label anchors fit an axis "exactly" within this many font sizes. Default: 1e-3 (anchors
    /// are written to 3+ decimals on labels of 10 units).
    pub exact_label_em: f64,
    /// Tick marks off their exact, centred labels' anchors by at most this many font sizes were
    /// rounded (Vega's `tickRound`), and the labels place the ticks. Default: 0.1 (half a unit
    /// on labels of 5 units and up).
    pub rounded_tick_em: f64,
    /// Smallest data panel side as a fraction of the figure's side. Default: 0.08.
    pub min_panel_frac: f64,
    /// Label-to-anchor matching distance, in label font sizes. Default: 0.6.
    pub match_em: f64,
    /// The same for a label with another panel between it and the axis. Default: 0.1.
    pub blocked_match_em: f64,
    /// Largest share of an axis's ticks that may be rejected before the calibration is refused.
    /// Default: 0.34.
    pub max_rejected_share: f64,
    /// An anchored tick is rejected when its leave-one-out residual exceeds this fraction of the
    /// median tick spacing. Default: 0.002.
    pub reject_anchored: f64,
    /// The same for ticks positioned by their labels. Default: 0.003.
    pub reject_label: f64,
    /// Extra label-position uncertainty, in font sizes, when label widths differ. Default: 0.1.
    pub label_width_em: f64,
    /// Relative tolerance for the frame span being a whole number of tick sub-steps. Default: 1e-4.
    pub span_round_rel: f64,
    /// Largest shift, in font sizes, that snapping the frame ends may apply to label-based
    /// positions. Default: 1.5.
    pub max_snap_em: f64,
    /// Smallest long-to-short side ratio of a colour bar (a frame over a colour ramp, or a bare
    /// ramp image; ggplot2's default bar is 5 keys by 1). Default: 4.
    pub colour_bar_aspect: f64,
    /// Fewest filled cells, stacked edge to edge without a frame around them, read as a vector
    /// colour ramp (a stacked bar has a few segments; a ramp has one per bin). Default: 8.
    pub min_ramp_cells: usize,
    /// Text em box above and below the baseline, in font sizes, by which a y axis's end label is
    /// seen to be flush with the frame's end (Vega's text metrics). Default: (0.79, 0.21).
    pub flush_em_box: (f64, f64),
    /// Largest gap, in font sizes, between that em box and the frame's end. Default: 0.15 (a
    /// label centred on the end is about 0.4 off).
    pub flush_y_em: f64,
    /// Largest gap, in font sizes, between an x end label's start (or end) anchor and the frame's
    /// end for it to be flush. Default: 0.01 (the anchor is written exactly; a label merely
    /// starting near the end, such as a first tick's label just inside it, is 0.04 em off or more).
    pub flush_x_em: f64,
    /// Centred x labels replace tick marks rounded to whole units when they fit the scale with
    /// at most this share of the marks' RMS residual. Default: 0.1.
    pub centred_rms_ratio: f64,
    /// A label with no anchor on an anchored axis agrees with the fit when its own position is
    /// within this many font sizes of the fit's. Default: 0.3.
    pub unanchored_em: f64,
    /// A tick mark or grid line may stop short of the frame's edge by this many of its own stroke
    /// widths and still touch it: producers offset axes and frames by half a pixel for crisp lines
    /// (Observable Plot and d3 translate them by 0.5), so the ends miss by half a stroke, and a
    /// frame drawn for a frameless plot reaches one stroke past its axis lines. Default: 1.5.
    pub tick_gap_strokes: f64,
    /// Accept an axis whose offset rests on font metrics alone (no tick mark, grid line, flush or
    /// round frame end, and labels whose own positions are estimated): such an offset is only
    /// good to about 0.1 em, so by default the axis is refused with a reason rather than read
    /// approximately. Default: false.
    pub accept_label_metrics: bool,
    /// A less common scale family (sqrt, reciprocal, probit, logit) is read only when it explains
    /// every label and its RMS residual is at most this share of the runner-up family's; closer
    /// than that, the axis is refused as ambiguous. Default: 0.1.
    pub family_margin: f64,
    /// Fewest ticks that must agree with the fit when any tick is left out: two points fit any
    /// line, so a fit that rejects a tick and keeps two has checked nothing. Default: 3.
    pub min_agreeing: usize,
}

impl Default for AxesOptions {
    fn default() -> Self {
        AxesOptions {
            time_fit_frac: 1e-4,
            exact_label_em: 1e-3,
            rounded_tick_em: 0.1,
            min_panel_frac: 0.08,
            match_em: 0.6,
            blocked_match_em: 0.1,
            max_rejected_share: 0.34,
            reject_anchored: 0.002,
            reject_label: 0.003,
            label_width_em: 0.1,
            span_round_rel: 1e-4,
            max_snap_em: 1.5,
            colour_bar_aspect: 4.0,
            min_ramp_cells: 8,
            flush_em_box: (0.79, 0.21),
            flush_y_em: 0.15,
            flush_x_em: 0.01,
            centred_rms_ratio: 0.1,
            unanchored_em: 0.3,
            tick_gap_strokes: 1.5,
            accept_label_metrics: false,
            family_margin: 0.1,
            min_agreeing: 3,
        }
    }
}

mod family;
mod frameless;
mod grid;
mod groups;
mod rounded;
mod time;
mod unread;
mod words;
pub use family::Scale;
pub use time::TimeAxis;
pub use unread::why_unread;

/// `u = intercept + slope * position`, value = the scale family's inverse of `u`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AxisMap {
    pub scale: Scale,
    pub slope: f64,
    pub intercept: f64,
}

impl AxisMap {
    /// Data value at a root-space coordinate.
    pub fn value(&self, pos: f64) -> f64 {
        self.scale.inverse(self.intercept + self.slope * pos)
    }
    /// Root-space coordinate of a data value, or `None` when it has none (log of a non-positive).
    pub fn position(&self, value: f64) -> Option<f64> {
        let u = self.u(value)?;
        let p = (u - self.intercept) / self.slope;
        p.is_finite().then_some(p)
    }
    fn u(&self, value: f64) -> Option<f64> {
        self.scale.forward(value)
    }
}

/// An axis given by hand in the figure's profile (`figures/<stem>.toml`), for figures whose tick
/// labels cannot be read (text drawn as glyph outlines without characters).
///
/// ```toml
/// [axes."0.x"]            # frame 0 (reading order), x axis
/// scale = "log"           # or "linear"
/// ticks = [[83.85625, 1e18], [505.04808, 1e24]]   # [position in SVG units, value], two or more
/// ```
#[derive(Debug, Clone, serde::Deserialize)]
pub struct AxisOverride {
    pub scale: Scale,
    pub ticks: Vec<[f64; 2]>,
}

impl AxisOverride {
    /// The axis these ticks define, or `None` when they are degenerate.
    pub fn axis(&self, dir: Dir) -> Option<Axis> {
        let unit = AxisMap { scale: self.scale, slope: 1.0, intercept: 0.0 };
        let (p, u): (Vec<f64>, Vec<f64>) = self.ticks.iter().filter_map(|t| Some((t[0], unit.u(t[1])?))).unzip();
        if p.len() < 2 || p.len() != self.ticks.len() {
            return None;
        }
        let (a, b) = linfit(&p, &u)?;
        let map = AxisMap { scale: self.scale, slope: b, intercept: a };
        let ticks = self
            .ticks
            .iter()
            .map(|t| Tick {
                label: format!("{}", t[1]),
                value: t[1],
                position: t[0],
                anchor: AnchorKind::Profile,
                residual: map.position(t[1]).map_or(f64::NAN, |q| t[0] - q),
                used: true,
                checked: false,
                source: "profile".into(),
            })
            .collect();
        Some(Axis {
            dir,
            title: None,
            map,
            ticks,
            anchors: vec!["ticks given in the figure's profile".into()],
            method: "profile".into(),
            time: None,
        })
    }
}

/// Horizontal (x) or vertical (y) axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    X,
    Y,
}

/// Where a tick's position came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnchorKind {
    TickMark,
    GridLine,
    Label,
    Profile,
    /// The frame's end, for an end label drawn flush with it (Vega's `labelFlush` axis labels
    /// and gradient-legend end labels, aligned to stay within the axis's extent).
    FrameEnd,
}

/// One tick label and how it entered the calibration.
#[derive(Debug, Clone, Serialize)]
pub struct Tick {
    pub label: String,
    pub value: f64,
    /// Position used (anchor position, or the label's estimated position).
    pub position: f64,
    pub anchor: AnchorKind,
    /// Position minus the fitted map's position for this value, in SVG units.
    pub residual: f64,
    pub used: bool,
    /// Not used in the fit but checked against it: a label with no anchor of its own on an
    /// anchored axis, whose own position is within [`AxesOptions::unanchored_em`] of where the
    /// fit puts its value.
    pub checked: bool,
    pub source: String,
}

/// A calibrated axis.
#[derive(Debug, Clone, Serialize)]
pub struct Axis {
    pub dir: Dir,
    pub title: Option<String>,
    pub map: AxisMap,
    pub ticks: Vec<Tick>,
    /// Human-readable list of the geometric anchors that fixed the map.
    pub anchors: Vec<String>,
    /// `anchored` (tick marks or grid lines), `label_spacing+frame` or `label_spacing`.
    pub method: String,
    /// A time axis: values are instants (see [`TimeAxis`]).
    pub time: Option<TimeAxis>,
}

impl Axis {
    /// Ticks that disagree with the fit (left out of it, and not a checked label).
    pub fn rejected(&self) -> impl Iterator<Item = &Tick> {
        self.ticks.iter().filter(|t| !t.used && !t.checked)
    }
}

/// What a panel is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PanelKind {
    Data,
    ColourBar,
}

/// A plot area.
#[derive(Debug, Clone, Serialize)]
pub struct Panel {
    pub index: usize,
    pub kind: PanelKind,
    /// The plot area in root user units (y down).
    #[serde(serialize_with = "ser_rect")]
    pub rect: Rect,
    pub title: Option<String>,
    pub x: Option<Axis>,
    pub y: Option<Axis>,
    /// A secondary y axis on the right in other units; points give values on both (`y`, `y2`).
    pub y2: Option<Axis>,
}

fn ser_rect<S: serde::Serializer>(r: &Rect, s: S) -> Result<S::Ok, S::Error> {
    [r.x0, r.y0, r.x1, r.y1].serialize(s)
}

/// A numeric label (superscripts joined), positioned in root space.
#[derive(Debug, Clone)]
pub struct Label {
    pub text: String,
    pub value: f64,
    pub bbox: Rect,
    /// Estimated point the label marks along x (its horizontal centre).
    pub cx: f64,
    /// Estimated point the label marks along y (its vertical centre).
    pub cy: f64,
    pub font_size: f64,
    pub chars: usize,
    pub power_of_ten: bool,
    pub source: String,
    /// The label's text anchor and its exact x (the run's left edge, centre or right edge), when
    /// one text run writes the label; no font metrics are involved.
    pub anchor_x: Option<(TextAnchor, f64)>,
    /// For a turned label: its box. Which point marks the tick depends on the producer's
    /// alignment (R centres the run on it; matplotlib centres the box by default, `ha="right"`
    /// puts its right end on it, and its 90-degree y labels end near it); calibration tries
    /// the centre and both ends along the axis and keeps what the tick marks confirm.
    pub turned: Option<Rect>,
}

/// A text run that is not a number, for titles and legends.
#[derive(Debug, Clone)]
pub struct Caption {
    pub text: String,
    pub bbox: Rect,
    pub font_size: f64,
    pub horizontal: bool,
}

/// Axis-aligned straight segment (tick mark or grid line candidate).
#[derive(Debug, Clone, Copy)]
struct Seg {
    /// Constant coordinate (x for vertical segments, y for horizontal ones).
    at: f64,
    lo: f64,
    hi: f64,
    vertical: bool,
    dashed: bool,
    /// Stroke colour and width, to tell grid lines from spines.
    style: (Option<[u8; 3]>, u64),
}

impl Seg {
    /// Stroke width in root units (kept in `style` in millionths).
    fn width(&self) -> f64 {
        self.style.1 as f64 * 1e-6
    }
}

/// Panels found in a scene, plus the labels and captions the later stages reuse.
#[derive(Debug, Clone)]
pub struct AxesResult {
    pub panels: Vec<Panel>,
    pub labels: Vec<Label>,
    pub captions: Vec<Caption>,
    /// Every text, captions and numbers alike (legend labels may be numbers).
    pub texts: Vec<Caption>,
    /// Frames that looked like data panels but have no readable axis.
    pub uncalibrated: Vec<Unreadable>,
    pub warnings: Vec<Warning>,
}

/// A frame that looks like a data panel but whose axes cannot be read (labels drawn as glyph
/// outlines): where its tick marks are, so a profile needs only their values.
#[derive(Debug, Clone)]
pub struct Unreadable {
    /// Frame index in reading order (data panels, then colour bars), as profiles key it.
    pub frame: usize,
    pub rect: Rect,
    /// Positions of tick marks on the x and y axes, SVG units, ascending.
    pub x_marks: Vec<f64>,
    pub y_marks: Vec<f64>,
}

/// One axis of a frame: its extent along the axis (`lo`, `hi`), the frame's edges across it
/// (`edge_lo`, `edge_hi`, `span` apart), and how close a segment must come to count as touching.
struct AxisSpan {
    lo: f64,
    hi: f64,
    edge_lo: f64,
    edge_hi: f64,
    span: f64,
    slack: f64,
    /// Stroke widths a segment's end may fall short of an edge ([`AxesOptions::tick_gap_strokes`]).
    gap_strokes: f64,
}

impl AxisSpan {
    fn of(dir: Dir, r: Rect, gap_strokes: f64) -> AxisSpan {
        let (lo, hi, edge_lo, edge_hi, span) = match dir {
            Dir::X => (r.x0, r.x1, r.y0, r.y1, r.height()),
            Dir::Y => (r.y0, r.y1, r.x0, r.x1, r.width()),
        };
        AxisSpan { lo, hi, edge_lo, edge_hi, span, slack: 1e-3 * (hi - lo).abs().max(span), gap_strokes }
    }
    /// A segment across this axis within its extent.
    fn crosses(&self, dir: Dir, s: &Seg) -> bool {
        s.vertical == (dir == Dir::X) && s.at >= self.lo - self.slack && s.at <= self.hi + self.slack
    }
    /// How close a segment's end must come to an edge to meet it.
    fn near(&self, s: &Seg) -> f64 {
        self.slack.max(self.gap_strokes * s.width())
    }
    /// A grid line: long across the frame and within its edges.
    fn is_grid_line(&self, s: &Seg) -> bool {
        let near = self.near(s);
        s.hi - s.lo >= 0.9 * self.span && s.lo >= self.edge_lo - near && s.hi <= self.edge_hi + near
    }
    /// A tick mark: short against the axis itself (colour bars are narrower than their ticks) and
    /// touching one of the frame's edges.
    fn is_tick_mark(&self, s: &Seg) -> bool {
        let near = self.near(s);
        let touches = |e: f64| (s.lo - e).abs() <= near || (s.hi - e).abs() <= near;
        s.hi - s.lo < 0.05 * (self.hi - self.lo).abs().max(self.span)
            && (touches(self.edge_lo) || touches(self.edge_hi))
    }
}

/// Tick mark positions on one axis of a frame, ascending.
fn tick_mark_positions(dir: Dir, r: Rect, segs: &[Seg], gap_strokes: f64) -> Vec<f64> {
    let ax = AxisSpan::of(dir, r, gap_strokes);
    let mut at: Vec<f64> = segs.iter().filter(|s| ax.crosses(dir, s) && ax.is_tick_mark(s)).map(|s| s.at).collect();
    at.sort_by(f64::total_cmp);
    at.dedup_by(|a, b| (*a - *b).abs() <= ax.slack);
    at
}

/// Find the panels of a scene and calibrate their axes.
pub fn find_axes(scene: &Scene, opts: &AxesOptions, overrides: &BTreeMap<String, AxisOverride>) -> AxesResult {
    let mut warnings = Vec::new();
    let (labels, captions) = read_texts(scene);
    let segs = segments(scene);
    let fig = scene.view_box;
    let diag = (fig.width().powi(2) + fig.height().powi(2)).sqrt();
    let tol = 1e-3 * diag;

    // Candidate plot areas: clip rectangles and drawn axis-aligned rectangles.
    let mut cands: Vec<Rect> = Vec::new();
    // Rectangles that draw nothing (neither fill nor stroke), which may frame a plot drawn
    // without a border but never a colour ramp (see below), and those that draw or clip.
    let mut undrawn: Vec<Rect> = Vec::new();
    let mut framing: Vec<Rect> = Vec::new();
    let mut add = |r: Rect| {
        if r.width() > 0.0 && r.height() > 0.0 && !cands.iter().any(|c| rect_close(*c, r, tol)) {
            cands.push(r);
        }
    };
    for it in &scene.items {
        if let Some(c) = it.clip {
            framing.push(c);
            add(c);
        }
        if let ItemKind::Shape(s) = &it.kind
            && let Some(r) = axis_aligned_rect(&s.path)
        {
            let drawn = s.fill.is_some_and(|f| f.alpha > 0.0)
                || s.stroke.is_some_and(|f| f.alpha > 0.0) && s.stroke_width > 0.0
                || s.gradient.is_some();
            if drawn {
                framing.push(r)
            } else {
                undrawn.push(r)
            }
            add(r);
        }
    }
    let images: Vec<Rect> = scene
        .items
        .iter()
        .filter_map(|it| match &it.kind {
            ItemKind::Image(im) => Some(im.rect),
            _ => None,
        })
        .collect();
    // Gradient-filled shapes are colour ramps like embedded images.
    let images: Vec<Rect> = images
        .into_iter()
        .chain(scene.items.iter().filter_map(|it| match &it.kind {
            ItemKind::Shape(s) if s.gradient.is_some() => Some(s.path.bounding_box()),
            _ => None,
        }))
        .collect();
    // A colour ramp drawn without a frame (svglite's colour bar is a bare image inside the
    // legend box) is its own candidate; images of other shapes (heat maps) are not frames.
    for im in &images {
        let aspect = im.height().max(im.width()) / im.height().min(im.width()).max(f64::MIN_POSITIVE);
        if aspect >= opts.colour_bar_aspect {
            add(*im);
        }
    }
    // Vector colour ramps: filled rectangles spanning a thin candidate across its short side.
    let filled: Vec<Rect> = scene
        .items
        .iter()
        .filter_map(|it| match &it.kind {
            ItemKind::Shape(s) if s.fill.is_some_and(|f| f.alpha > 0.0) => axis_aligned_rect(&s.path),
            _ => None,
        })
        .collect();
    // A vector ramp drawn without a frame (ggplot2's `guide_colourbar(raster = FALSE)`: one
    // rectangle per bin inside the legend box) is framed by its tiling cells.
    for chain in ramp_chains(&filled, tol, opts.min_ramp_cells) {
        add(chain);
    }
    let fig_area = fig.area();
    cands.retain(|r| r.area() < 0.9 * fig_area);
    cands.sort_by(|a, b| b.area().total_cmp(&a.area()));
    let mut classified: Vec<(Rect, PanelKind)> = Vec::new();
    for r in cands {
        let big = r.width() >= opts.min_panel_frac * fig.width() && r.height() >= opts.min_panel_frac * fig.height();
        let long = r.height().max(r.width()) >= opts.min_panel_frac * fig.height().min(fig.width());
        let aspect = r.height().max(r.width()) / r.height().min(r.width());
        let on_image = images.iter().any(|im| overlap_frac(*im, r) > 0.8 && overlap_frac(r, *im) > 0.8);
        let vertical = r.height() >= r.width();
        let cells = filled
            .iter()
            .filter(|c| {
                contains(r, **c, tol)
                    && if vertical {
                        (c.width() - r.width()).abs() <= 0.05 * r.width() && c.height() < 0.5 * r.height()
                    } else {
                        (c.height() - r.height()).abs() <= 0.05 * r.height() && c.width() < 0.5 * r.width()
                    }
            })
            .count();
        // Vega wraps every legend in an undrawn `background` rectangle: around a colour ramp it
        // is the legend's box, not a plot (it would swallow the ramp's own frame below).
        let undrawn_box =
            undrawn.iter().any(|u| rect_close(*u, r, tol)) && !framing.iter().any(|d| rect_close(*d, r, tol));
        if undrawn_box && !on_image && images.iter().any(|im| contains(r, *im, tol)) {
            continue;
        }
        let kind = if (on_image || cells >= 3) && aspect >= opts.colour_bar_aspect && long {
            PanelKind::ColourBar
        } else if big {
            PanelKind::Data
        } else {
            continue;
        };
        classified.push((r, kind));
    }
    // A data frame that reads no axis yet holds other data-panel candidates is a container (a
    // page's or the figure's own background rectangle, which a group transform or an embedding
    // page makes smaller than the view box), not a panel: drop it and let what it holds compete.
    let mut containers: Vec<Rect> = Vec::new();
    let mut tried_frameless = false;
    let (nested, mut rects, mut panels) = loop {
        let (kinds, nested) = nest(&classified, &containers, tol);
        let rects: Vec<Rect> = kinds.iter().map(|k| k.0).collect();
        let mut w = Vec::new();
        let panels: Vec<Panel> = kinds
            .iter()
            .enumerate()
            .map(|(frame, &(r, kind))| {
                let fc = FrameCtx { rects: &rects, labels: &labels, segs: &segs, opts, overrides };
                calibrate_frame(frame, r, kind, &fc, &mut w)
            })
            .collect();
        let container = panels.iter().find(|p| {
            p.kind == PanelKind::Data
                && p.x.is_none()
                && p.y.is_none()
                && classified.iter().any(|(c, k)| {
                    *k == PanelKind::Data
                        && !rect_close(*c, p.rect, tol)
                        && !containers.contains(c)
                        && contains(p.rect, *c, tol)
                })
        });
        if let Some(p) = container {
            containers.push(p.rect);
            continue;
        }
        // No frame read an axis: a frameless plot (Observable Plot's and d3's default) is framed
        // by its tick rows, once.
        let read = panels.iter().any(|p| p.kind == PanelKind::Data && (p.x.is_some() || p.y.is_some()));
        if !read && !tried_frameless {
            tried_frameless = true;
            if let Some(r) = frameless::frame_from_ticks(&segs, &labels, fig, opts) {
                classified.insert(0, (r, PanelKind::Data));
                continue;
            }
        }
        warnings.extend(w);
        break (nested, rects, panels);
    };
    rounded::prefer_label_anchors(&mut panels, &labels, opts);
    refuse_time_axes(&mut panels, &captions, opts, &mut warnings);
    refuse_unchecked_axes(&mut panels, &labels, &captions, &mut warnings);
    // Colour bars inside frames that read no axis: the frame was a legend box around the bar.
    let empty: Vec<Rect> =
        panels.iter().filter(|p| p.kind == PanelKind::Data && p.x.is_none() && p.y.is_none()).map(|p| p.rect).collect();
    let mut hosted: Vec<Rect> = Vec::new();
    for (bar, holder) in nested {
        if !empty.contains(&holder) || hosted.iter().any(|h| contains(*h, bar, tol)) {
            continue;
        }
        hosted.push(bar);
        rects.push(bar);
        let frame = panels.len();
        let fc = FrameCtx { rects: &rects, labels: &labels, segs: &segs, opts, overrides };
        panels.push(calibrate_frame(frame, bar, PanelKind::ColourBar, &fc, &mut warnings));
    }
    // Offsets first, so that a shared axis inherits its neighbour's multiplier.
    apply_offsets(&mut panels, &labels);
    share_axes(&mut panels, &segs, tol);
    let mut uncalibrated = Vec::new();
    panels.retain(|p| {
        if p.x.is_none() && p.y.is_none() {
            if p.kind == PanelKind::ColourBar {
                warnings.push(Warning::new(
                    WarningKind::ColourScale,
                    format!("colour bar at ({:.2}, {:.2}) has no readable axis", p.rect.x0, p.rect.y0),
                ));
                return true;
            }
            // A legend box around a colour bar is no frame that lost its axes.
            if !hosted.iter().any(|b| contains(p.rect, *b, tol)) {
                uncalibrated.push(Unreadable {
                    frame: p.index,
                    rect: p.rect,
                    x_marks: tick_mark_positions(Dir::X, p.rect, &segs, opts.tick_gap_strokes),
                    y_marks: tick_mark_positions(Dir::Y, p.rect, &segs, opts.tick_gap_strokes),
                });
            }
            return false;
        }
        true
    });
    // Warnings name frames by calibration order; name them by the panels kept (none for a frame
    // that was dropped: the uncalibrated list reports it).
    for w in &mut warnings {
        w.panel = w.panel.and_then(|f| panels.iter().position(|p| p.index == f));
    }
    for (i, p) in panels.iter_mut().enumerate() {
        p.index = i;
        p.title = caption_near(&captions, p.rect, Side::Top);
        let rect = p.rect;
        if let Some(a) = p.x.as_mut() {
            a.title = caption_near(&captions, rect, Side::Bottom);
        }
        if let Some(a) = p.y.as_mut() {
            a.title = caption_near(&captions, rect, Side::Left).or_else(|| caption_near(&captions, rect, Side::Right));
        }
        if let Some(a) = p.y2.as_mut() {
            a.title = caption_near(&captions, rect, Side::Right);
        }
    }
    let mut texts = captions.clone();
    texts.extend(labels.iter().map(|l| Caption {
        text: l.text.clone(),
        bbox: l.bbox,
        font_size: l.font_size,
        horizontal: true,
    }));
    AxesResult { panels, labels, captions, texts, uncalibrated, warnings }
}

/// Time axes: an axis labelled with years alone is read as time (see [`time`]); one whose label
/// row holds other dates (months, ISO dates, clock times) is emptied, with the reason.
fn refuse_time_axes(panels: &mut [Panel], captions: &[Caption], opts: &AxesOptions, warnings: &mut Vec<Warning>) {
    for p in panels.iter_mut().filter(|p| p.kind == PanelKind::Data) {
        let rect = p.rect;
        for (dir, slot) in [(Dir::X, &mut p.x), (Dir::Y, &mut p.y)] {
            let Some(axis) = slot.as_mut() else { continue };
            let mut dates = unread::date_labels(rect, dir, captions);
            let texts: Vec<String> = axis.ticks.iter().map(|t| t.label.clone()).collect();
            let years = unread::year_labels(&texts.iter().map(String::as_str).collect::<Vec<_>>());
            let reason = match (years, dates.is_empty()) {
                (true, true) => match time::read_years(axis, opts) {
                    Ok(()) => continue,
                    Err(why) => format!("labels are years but {why}"),
                },
                (false, true) => continue,
                _ => {
                    if years {
                        dates.extend(texts);
                    }
                    let shown = dates.iter().take(4).map(|d| format!("'{d}'")).collect::<Vec<_>>().join(", ");
                    format!("labels are dates ({shown}); time axes other than years are not read")
                }
            };
            *slot = None;
            let name = if dir == Dir::X { "x" } else { "y" };
            warnings.push(Warning::axis(
                WarningKind::AxisNotRead,
                p.index,
                dir,
                format!("{name} axis not read: {reason}"),
            ));
        }
    }
}

/// Two ticks fit every scale family exactly, so a two-tick reading is only as good as the
/// convention that picked its family; when the same label row holds texts figdig could not read
/// (matplotlib's logit axis writes "1/2" and "1-10^-2" beside "10^-2"), those are ticks that could
/// contradict it, and the axis is refused.
fn refuse_unchecked_axes(panels: &mut [Panel], labels: &[Label], captions: &[Caption], warnings: &mut Vec<Warning>) {
    for p in panels.iter_mut().filter(|p| p.kind == PanelKind::Data) {
        let rect = p.rect;
        for (dir, slot) in [(Dir::X, &mut p.x), (Dir::Y, &mut p.y)] {
            let Some(axis) = slot.as_ref() else { continue };
            if axis.ticks.iter().filter(|t| t.used).count() >= 3 {
                continue;
            }
            let read: Vec<(Rect, f64)> = labels
                .iter()
                .filter(|l| axis.ticks.iter().any(|t| t.used && t.source == l.source))
                .map(|l| (l.bbox, l.font_size))
                .collect();
            let unparsed = unread::unparsed_in_group(rect, dir, &read, captions);
            if unparsed.is_empty() {
                continue;
            }
            *slot = None;
            let name = if dir == Dir::X { "x" } else { "y" };
            let shown = unparsed.iter().take(4).map(|d| format!("'{d}'")).collect::<Vec<_>>().join(", ");
            warnings.push(Warning::axis(
                WarningKind::AxisNotRead,
                p.index,
                dir,
                format!("{name} axis not read: only two of its labels are numbers figdig reads, and the others ({shown}) could contradict the scale; give its ticks in the figure's profile"),
            ));
        }
    }
}

/// Candidates nested largest first: a rectangle inside an accepted panel (a bar, a legend, an
/// inset frame) is not a panel, and a colour bar inside a data-like frame is kept aside with its
/// holder (when that frame has no axis of its own it is a legend box: svglite draws one around
/// ggplot2's colour bar). Returned in reading order: data panels first, rows top to bottom (panels
/// overlapping vertically share a row), left to right within a row; colour bars after.
type Nesting = (Vec<(Rect, PanelKind)>, Vec<(Rect, Rect)>);
fn nest(classified: &[(Rect, PanelKind)], containers: &[Rect], tol: f64) -> Nesting {
    let mut kinds: Vec<(Rect, PanelKind)> = Vec::new();
    let mut nested: Vec<(Rect, Rect)> = Vec::new(); // (colour bar, frame holding it)
    for &(r, kind) in classified.iter().filter(|(r, _)| !containers.contains(r)) {
        if let Some(&(holder, hk)) = kinds.iter().find(|(p, _)| contains(*p, r, tol)) {
            if kind == PanelKind::ColourBar && hk == PanelKind::Data {
                nested.push((r, holder));
            }
            continue;
        }
        kinds.push((r, kind));
    }
    kinds.sort_by(|(a, ka), (b, kb)| {
        let same_row = a.y0 < b.y1 && b.y0 < a.y1;
        (*ka != PanelKind::Data)
            .cmp(&(*kb != PanelKind::Data))
            .then_with(|| if same_row { a.x0.total_cmp(&b.x0) } else { a.y0.total_cmp(&b.y0) })
    });
    (kinds, nested)
}

/// What calibrating any frame of a figure reads: every frame's rectangle, the labels, the
/// segments, the options and the profile's axes.
struct FrameCtx<'a> {
    rects: &'a [Rect],
    labels: &'a [Label],
    segs: &'a [Seg],
    opts: &'a AxesOptions,
    overrides: &'a BTreeMap<String, AxisOverride>,
}

/// One axis of one frame to calibrate: its direction, the frame, the other frames (whose labels
/// are theirs), the labels and segments of the figure, and whether to read the right-hand side
/// (a secondary y axis).
#[derive(Clone, Copy)]
struct AxisCtx<'a> {
    dir: Dir,
    r: Rect,
    others: &'a [Rect],
    labels: &'a [Label],
    segs: &'a [Seg],
    opts: &'a AxesOptions,
    right_side: bool,
}

/// A warning from calibrating one axis, before the panel and axis are attached.
type Note = (WarningKind, String);

/// Calibrate a frame's axes (and a data panel's secondary y axis); ticks given in the figure's
/// profile replace what was read.
fn calibrate_frame(frame: usize, r: Rect, kind: PanelKind, fc: &FrameCtx, warnings: &mut Vec<Warning>) -> Panel {
    let ctx =
        |dir| AxisCtx { dir, r, others: fc.rects, labels: fc.labels, segs: fc.segs, opts: fc.opts, right_side: false };
    let mut notes = Vec::new();
    let mut x = calibrate(&ctx(Dir::X), &mut notes);
    warnings.extend(notes.drain(..).map(|(k, m)| Warning::axis(k, frame, Dir::X, m)));
    let mut y = calibrate(&ctx(Dir::Y), &mut notes);
    warnings.extend(notes.drain(..).map(|(k, m)| Warning::axis(k, frame, Dir::Y, m)));
    for (dir, slot) in [(Dir::X, &mut x), (Dir::Y, &mut y)] {
        let key = format!("{frame}.{}", if dir == Dir::X { "x" } else { "y" });
        if let Some(o) = fc.overrides.get(&key) {
            match o.axis(dir) {
                Some(a) => *slot = Some(a),
                None => warnings.push(Warning::axis(
                    WarningKind::Profile,
                    frame,
                    dir,
                    format!("profile axis {key}: needs two or more distinct ticks (positive on a log axis)"),
                )),
            }
        }
    }
    // A secondary axis only beside a primary one read from the left.
    let y2 = if kind == PanelKind::Data && y.as_ref().is_some_and(|a| a.ticks.iter().all(|t| t.position.is_finite())) {
        secondary_y(&AxisCtx { right_side: true, ..ctx(Dir::Y) }).filter(|b| {
            // Not the same labels as the primary axis (a panel with right-side labels only).
            y.as_ref().is_none_or(|a| a.ticks.first().map(|t| &t.source) != b.ticks.first().map(|t| &t.source))
        })
    } else {
        None
    };
    Panel { index: frame, kind, rect: r, title: None, x, y, y2 }
}

/// Runs of at least `min_cells` filled rectangles of one width stacked edge to edge (or of one
/// height side by side): the extent of each run, a frameless vector colour ramp's frame.
fn ramp_chains(filled: &[Rect], tol: f64, min_cells: usize) -> Vec<Rect> {
    let mut out = Vec::new();
    for vertical in [true, false] {
        // Across-axis extent, then position along the bar.
        let key = |r: &Rect| if vertical { (r.x0, r.x1, r.y0, r.y1) } else { (r.y0, r.y1, r.x0, r.x1) };
        let mut cells: Vec<(f64, f64, f64, f64)> = filled.iter().map(key).collect();
        cells.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.total_cmp(&b.2)));
        let mut i = 0;
        while i < cells.len() {
            let (c0, c1, start, mut end) = cells[i];
            let mut j = i + 1;
            while j < cells.len()
                && (cells[j].0 - c0).abs() <= tol
                && (cells[j].1 - c1).abs() <= tol
                && (cells[j].2 - end).abs() <= tol
            {
                end = end.max(cells[j].3);
                j += 1;
            }
            if j - i >= min_cells {
                out.push(if vertical { Rect::new(c0, start, c1, end) } else { Rect::new(start, c0, end, c1) });
            }
            i = j;
        }
    }
    out
}

#[derive(Clone, Copy)]
enum Side {
    Top,
    Bottom,
    Left,
    Right,
}

/// The nearest caption just outside a side of a rectangle (axis titles, panel titles).
fn caption_near(caps: &[Caption], r: Rect, side: Side) -> Option<String> {
    let mut best: Option<(f64, &Caption)> = None;
    // Unreadable text (glyph outlines) names nothing.
    for c in caps.iter().filter(|c| !c.text.is_empty()) {
        let b = c.bbox;
        let centred_x = (b.center().x - r.center().x).abs() < 0.25 * r.width();
        let centred_y = (b.center().y - r.center().y).abs() < 0.25 * r.height();
        let d = match side {
            // Titles are centred on their axis (within a quarter of its length).
            Side::Top if c.horizontal && centred_x && b.y1 <= r.y0 + 0.5 * c.font_size => r.y0 - b.y1,
            Side::Bottom if c.horizontal && centred_x && b.y0 >= r.y1 - 0.5 * c.font_size => b.y0 - r.y1,
            Side::Left if !c.horizontal && centred_y && b.x1 <= r.x0 => r.x0 - b.x1,
            Side::Right if !c.horizontal && centred_y && b.x0 >= r.x1 => b.x0 - r.x1,
            _ => continue,
        };
        if d > 6.0 * c.font_size {
            continue;
        }
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.text.clone())
}

fn rect_close(a: Rect, b: Rect, tol: f64) -> bool {
    (a.x0 - b.x0).abs() <= tol && (a.x1 - b.x1).abs() <= tol && (a.y0 - b.y0).abs() <= tol && (a.y1 - b.y1).abs() <= tol
}

fn contains(outer: Rect, inner: Rect, tol: f64) -> bool {
    inner.x0 >= outer.x0 - tol && inner.x1 <= outer.x1 + tol && inner.y0 >= outer.y0 - tol && inner.y1 <= outer.y1 + tol
}

/// Fraction of `a`'s area covered by `b`.
fn overlap_frac(a: Rect, b: Rect) -> f64 {
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
fn segments(scene: &Scene) -> Vec<Seg> {
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

/// Read every horizontal text run, join superscript exponents, split numbers from captions.
fn read_texts(scene: &Scene) -> (Vec<Label>, Vec<Caption>) {
    let words: Vec<(TextRun, &str)> = scene
        .items
        .iter()
        .filter_map(|it| match &it.kind {
            ItemKind::Text(t) => {
                Some(words::split_words(t, words::WORD_GAP_EM).into_iter().map(|w| (w, it.source.as_str())))
            }
            _ => None,
        })
        .flatten()
        .collect();
    let runs: Vec<(&TextRun, &str)> = words.iter().map(|(t, s)| (t, *s)).collect();
    let mut used = vec![false; runs.len()];
    let mut labels = Vec::new();
    let mut captions = Vec::new();
    for i in 0..runs.len() {
        if used[i] {
            continue;
        }
        let (t, src) = runs[i];
        let fs = t.font_size_root();
        let bbox = t.bbox();
        if !t.is_horizontal() {
            // A number turned by a quarter (R's y labels run along the axis by default; turned x
            // labels): it marks the middle of its run along the baseline, the digits' centre
            // about 0.38 em off it. Other angles anchor at a run's end, which is not read here.
            let text = t.text.trim();
            let c = t.transform.as_coeffs();
            let quarter = c[0].abs() < 1e-6 * c[1].abs() && c[3].abs() < 1e-6 * c[2].abs();
            if let Some(value) = parse_number(text) {
                // Turned by another angle (matplotlib's `labelrotation=45`): the label's box is
                // centred on its tick (the default alignment), so it marks the box's centre.
                let corners = [
                    t.point(t.x_start, 0.0),
                    t.point(t.x_end, 0.0),
                    t.point(t.x_start, -0.73 * fs),
                    t.point(t.x_end, -0.73 * fs),
                ];
                let boxed =
                    corners.iter().skip(1).fold(Rect::from_points(corners[0], corners[0]), |r, p| r.union_pt(*p));
                let mid = if quarter { t.point((t.x_start + t.x_end) / 2.0, -0.38 * fs) } else { boxed.center() };
                let bbox = boxed;
                labels.push(Label {
                    power_of_ten: superscripts_to_caret(text).contains("10^"),
                    text: text.to_string(),
                    value,
                    cx: mid.x,
                    cy: mid.y,
                    bbox,
                    font_size: fs,
                    chars: text.chars().count(),
                    source: src.to_string(),
                    anchor_x: None,
                    turned: Some(bbox),
                });
            } else {
                captions.push(Caption { text: t.text.clone(), bbox, font_size: fs, horizontal: false });
            }
            used[i] = true;
            continue;
        }
        let mut text = t.text.trim().to_string();
        let mut bb = bbox;
        let mut power = false;
        // Whether other runs were joined to this one (its edges are then not the run's own).
        let mut joined = false;
        let mut base_end = t.point(t.x_end, 0.0);
        let base_line = t.point(t.x_start, 0.0).y;
        // Runs that continue this one on the same baseline at the same size are one label
        // (MuPDF writes "−2" as a "−" run and a "2" run).
        let mut j = i + 1;
        while j < runs.len() && j <= i + 8 {
            let (s, _) = runs[j];
            let start = s.point(s.x_start, 0.0);
            let continues = !used[j]
                && s.is_horizontal()
                && (s.font_size_root() - fs).abs() <= 0.05 * fs
                && (start.y - base_line).abs() <= 0.05 * fs
                && (start.x - base_end.x).abs() <= 0.3 * fs;
            if continues {
                text.push_str(s.text.trim());
                bb = bb.union(s.bbox());
                base_end = s.point(s.x_end, 0.0);
                used[j] = true;
                joined = true;
            }
            j += 1;
        }
        // A following smaller, raised run that starts where this one ends is its exponent.
        for (j, (s, _)) in runs.iter().enumerate().skip(i + 1).take(3) {
            if used[j] || !s.is_horizontal() {
                continue;
            }
            let sfs = s.font_size_root();
            let start = s.point(s.x_start, 0.0);
            let raise = base_line - start.y;
            if sfs < 0.9 * fs && raise > 0.2 * fs && raise < 0.9 * fs && (start.x - base_end.x).abs() < 0.6 * fs {
                text = format!("{text}^{}", s.text.trim());
                bb = bb.union(s.bbox());
                used[j] = true;
                joined = true;
                power = true;
                // The exponent may itself be split into runs ("−" and "2").
                let mut end = s.point(s.x_end, 0.0);
                for k in j + 1..runs.len().min(j + 6) {
                    let (q, _) = runs[k];
                    let qs = q.point(q.x_start, 0.0);
                    if !used[k]
                        && q.is_horizontal()
                        && (q.font_size_root() - sfs).abs() <= 0.05 * sfs
                        && (qs.y - start.y).abs() <= 0.05 * sfs
                        && (qs.x - end.x).abs() <= 0.3 * sfs
                    {
                        text.push_str(q.text.trim());
                        bb = bb.union(q.bbox());
                        end = q.point(q.x_end, 0.0);
                        used[k] = true;
                    }
                }
                break;
            }
        }
        used[i] = true;
        let anchor_x = (!joined).then(|| {
            let x = match t.anchor {
                TextAnchor::Start => t.x_start,
                TextAnchor::Middle => (t.x_start + t.x_end) / 2.0,
                TextAnchor::End => t.x_end,
            };
            (t.anchor, t.point(x, 0.0).x)
        });
        match parse_number(&text) {
            Some(value) => {
                let chars = text.chars().count();
                labels.push(Label {
                    power_of_ten: power || superscripts_to_caret(&text).contains("10^"),
                    text,
                    value,
                    cx: (bb.x0 + bb.x1) / 2.0,
                    // Vertical centre of digits: about 0.38 em above the baseline (DejaVu-like).
                    cy: base_line - 0.38 * fs,
                    bbox: bb,
                    font_size: fs,
                    chars,
                    source: src.to_string(),
                    anchor_x,
                    turned: None,
                });
            }
            None => captions.push(Caption { text, bbox: bb, font_size: fs, horizontal: true }),
        }
    }
    merge_caption_words(&mut captions);
    captions.extend(glyph_captions(scene));
    (labels, captions)
}

/// Runs of glyph outlines drawn without their characters (Cairo's `<symbol id="glyph0-1">`), as
/// captions with empty text: nothing can be read from them, but they still show where text is
/// (a legend entry's label beside its swatch).
fn glyph_captions(scene: &Scene) -> Vec<Caption> {
    let mut runs: Vec<Caption> = Vec::new();
    for it in &scene.items {
        let ItemKind::Shape(s) = &it.kind else { continue };
        if !s.glyph {
            continue;
        }
        let b = s.path.bounding_box();
        if !(b.width() >= 0.0 && b.height() > 0.0) {
            continue;
        }
        // Glyphs drawn one after another on one line, less than an em apart, are one run.
        if let Some(r) = runs.last_mut() {
            let em = r.font_size.max(b.height());
            let gap = b.x0 - r.bbox.x1;
            if (b.y1 - r.bbox.y1).abs() < 0.35 * em && gap > -0.2 * em && gap < 0.6 * em {
                r.bbox = r.bbox.union(b);
                r.font_size = em;
                continue;
            }
        }
        runs.push(Caption { text: String::new(), bbox: b, font_size: b.height(), horizontal: true });
    }
    runs
}

/// Join caption runs that sit on one line next to each other ("Training" "FLOPs").
fn merge_caption_words(caps: &mut Vec<Caption>) {
    let mut i = 0;
    while i < caps.len() {
        let mut j = i + 1;
        let mut merged = false;
        while j < caps.len() {
            let (a, b) = (&caps[i], &caps[j]);
            let same_line = a.horizontal && b.horizontal && (a.bbox.y1 - b.bbox.y1).abs() < 0.2 * a.font_size;
            let gap = b.bbox.x0 - a.bbox.x1;
            if same_line
                && gap > -0.1 * a.font_size
                && gap < 0.6 * a.font_size
                && (a.font_size - b.font_size).abs() < 0.1 * a.font_size
            {
                let b = caps.remove(j);
                let a = &mut caps[i];
                a.text = format!("{} {}", a.text, b.text);
                a.bbox = a.bbox.union(b.bbox);
                merged = true;
            } else {
                j += 1;
            }
        }
        if !merged {
            i += 1;
        }
    }
}

/// Unicode superscripts as a `^` exponent: "10⁻³" is "10^-3", "×10⁴" is "×10^4".
fn superscripts_to_caret(s: &str) -> String {
    const SUP: &str = "⁰¹²³⁴⁵⁶⁷⁸⁹";
    let mut out = String::with_capacity(s.len() + 2);
    let mut in_sup = false;
    for c in s.chars() {
        let ascii = match c {
            '⁻' => Some('-'),
            '⁺' => Some('+'),
            _ => SUP.chars().position(|d| d == c).map(|k| char::from(b'0' + k as u8)),
        };
        match ascii {
            Some(a) => {
                if !in_sup {
                    out.push('^');
                    in_sup = true;
                }
                out.push(a);
            }
            None => {
                in_sup = false;
                out.push(c);
            }
        }
    }
    out
}

/// Parse a tick label: "2.00", "6e+18", "−3", "1,000", "100M", "10^18", "10⁻³", "3.8×10^0",
/// "$10^{-1}$", a bare multiplier "×10^4" (a mantissa of 1), and matplotlib's logit labels
/// "$\\frac{1}{2}$" and "$1-10^{-2}$".
pub fn parse_number(s: &str) -> Option<f64> {
    // matplotlib's logit axes write "$\\frac{1}{2}$" and values near one as "$1-10^{-2}$".
    let s = &s.replace("\\frac{", "{").replace("}{", "/");
    let mut t: String = superscripts_to_caret(s)
        .replace("\\mathdefault", "")
        .replace("\\times", "×")
        .replace(['$', '{', '}', ' ', '\u{2009}', '\u{202f}'], "")
        .replace(['\u{2212}', '\u{2013}'], "-");
    if t.is_empty() {
        return None;
    }
    if let Some(p) = t.strip_suffix('%') {
        t = p.to_string();
    }
    if let Some((m, e)) = t.split_once("×10^").or_else(|| t.split_once("x10^")).or_else(|| t.split_once("·10^")) {
        // A bare multiplier ("×10^4", written beside an axis) has an implicit mantissa of 1.
        let m = if m.is_empty() { 1.0 } else { num(m)? };
        return Some(m * 10f64.powf(num(e)?)).filter(|v| v.is_finite());
    }
    if let Some(rest) = t.strip_prefix("1-").filter(|r| r.contains('^')) {
        return parse_number(rest).map(|v| 1.0 - v);
    }
    if let Some((a, b)) = t.split_once('/') {
        return Some(num(a)? / num(b)?).filter(|v| v.is_finite());
    }
    if let Some((b, e)) = t.split_once('^') {
        return Some(num(b)?.powf(num(e)?)).filter(|v| v.is_finite());
    }
    let (body, mult) = match t.chars().last()? {
        'K' | 'k' => (&t[..t.len() - 1], 1e3),
        'M' => (&t[..t.len() - 1], 1e6),
        'B' | 'G' => (&t[..t.len() - 1], 1e9),
        'T' => (&t[..t.len() - 1], 1e12),
        _ => (t.as_str(), 1.0),
    };
    let body = if body.contains(',') && !body.contains('.') && body.split(',').skip(1).all(|g| g.len() == 3) {
        body.replace(',', "")
    } else {
        body.to_string()
    };
    Some(num(&body)? * mult).filter(|v| v.is_finite())
}

fn num(s: &str) -> Option<f64> {
    let s = s.trim();
    // Only plain decimal numbers: "inf", "nan" and hex are not tick labels.
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')) {
        return None;
    }
    if !s.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Least-squares line u = a + b p; `None` when degenerate.
fn linfit(p: &[f64], u: &[f64]) -> Option<(f64, f64)> {
    let n = p.len() as f64;
    if p.len() < 2 {
        return None;
    }
    let mp = p.iter().sum::<f64>() / n;
    let mu = u.iter().sum::<f64>() / n;
    let sxx: f64 = p.iter().map(|x| (x - mp).powi(2)).sum();
    let sxy: f64 = p.iter().zip(u).map(|(x, y)| (x - mp) * (y - mu)).sum();
    if !(sxx > 0.0) {
        return None;
    }
    let b = sxy / sxx;
    let a = mu - b * mp;
    (b != 0.0 && a.is_finite() && b.is_finite()).then_some((a, b))
}

struct Obs {
    label: usize,
    pos: f64,
    anchor: AnchorKind,
}

/// A secondary y axis: labels on the right of a panel whose left side carries the primary axis,
/// positioned by tick marks or grid lines of their own (a legend's numbers are not an axis).
fn secondary_y(ctx: &AxisCtx) -> Option<Axis> {
    let mut ignored = Vec::new();
    let a = calibrate_with(ctx, &mut ignored, true)?;
    (a.method == "anchored").then_some(a)
}

/// Calibrate one axis of a rectangle (its y axis from the right-hand labels when `right_side`),
/// or `None` when it has fewer than two usable ticks.
fn calibrate(ctx: &AxisCtx, warnings: &mut Vec<Note>) -> Option<Axis> {
    let AxisCtx { dir, labels, .. } = *ctx;
    if labels.iter().all(|l| l.turned.is_none()) {
        return calibrate_once(ctx, warnings);
    }
    // Turned labels: their centre or either end of their box along the axis marks the tick.
    // Take the one that lets the most labels sit on tick marks or grid lines (the centre on a tie).
    let score = |a: &Axis| {
        a.ticks.iter().filter(|t| t.used && matches!(t.anchor, AnchorKind::TickMark | AnchorKind::GridLine)).count()
    };
    let ends = match dir {
        Dir::X => ["left end", "right end"],
        Dir::Y => ["top end", "bottom end"],
    };
    let mut best: Option<(usize, Option<Axis>, Vec<Note>, &str)> = None;
    for (name, pick) in [("centre", 0usize), (ends[0], 1), (ends[1], 2)] {
        let moved: Vec<Label> = labels
            .iter()
            .map(|l| match (l.turned, dir) {
                (Some(b), Dir::X) => Label { cx: [l.cx, b.x0, b.x1][pick], ..l.clone() },
                (Some(b), Dir::Y) => Label { cy: [l.cy, b.y0, b.y1][pick], ..l.clone() },
                (None, _) => l.clone(),
            })
            .collect();
        let mut w = Vec::new();
        let a = calibrate_once(&AxisCtx { labels: &moved, ..*ctx }, &mut w);
        let sc = a.as_ref().map_or(0, score);
        if best.as_ref().is_none_or(|b| sc > b.0) {
            best = Some((sc, a, w, name));
        }
    }
    let (_, axis, w, name) = best?;
    warnings.extend(w);
    axis.map(|mut a| {
        if a.ticks.iter().any(|t| labels.iter().any(|l| l.source == t.source && l.turned.is_some())) {
            a.anchors.push(format!("turned labels mark their ticks with their {name}"));
        }
        a
    })
}

/// One calibration attempt with the labels' marked points as given.
#[allow(clippy::too_many_arguments)]
fn calibrate_once(ctx: &AxisCtx, warnings: &mut Vec<Note>) -> Option<Axis> {
    // Geometry first; when the anchors disagree (a producer rounds its tick marks to whole
    // pixels while placing labels exactly, as Vega does), fall back to the labels' own positions.
    let mut first = Vec::new();
    if let Some(a) = calibrate_with(ctx, &mut first, true) {
        warnings.extend(first);
        return Some(a);
    }
    let mut second = Vec::new();
    match calibrate_with(ctx, &mut second, false) {
        Some(mut a) => {
            warnings.extend(second);
            a.anchors.insert(0, "tick marks and grid lines disagreed with the labels; positioned by the labels".into());
            Some(a)
        }
        None => {
            warnings.extend(first);
            None
        }
    }
}

fn calibrate_with(ctx: &AxisCtx, warnings: &mut Vec<Note>, use_anchors: bool) -> Option<Axis> {
    let AxisCtx { dir, r, others, labels, segs, opts, right_side } = *ctx;
    // Labels beside the axis: below the frame for x, left (else right) of it for y.
    let pick = |side_ok: &dyn Fn(&Label) -> bool| -> Vec<usize> {
        labels.iter().enumerate().filter(|(_, l)| side_ok(l)).map(|(i, _)| i).collect()
    };
    // Tick labels of one axis line up (x labels share a top, left-axis labels a right edge,
    // right-axis labels a left edge): keep the aligned column nearest the frame, so another
    // axis's labels further out (a colour bar's, a neighbour's) are not mixed in.
    let nearest_column = |cands: Vec<usize>, key: &dyn Fn(&Label) -> f64, outward: f64| -> Vec<usize> {
        let Some(best) = cands.iter().map(|&i| key(&labels[i]) * outward).min_by(f64::total_cmp) else {
            return cands;
        };
        cands.into_iter().filter(|&i| (key(&labels[i]) * outward - best).abs() <= 0.35 * labels[i].font_size).collect()
    };
    // Right-hand labels with another frame between them and this one (a colour bar's, beside a
    // panel whose own labels are hidden by a shared axis) belong to that frame. On the left such
    // labels are kept and must then sit exactly on this panel's anchors (see `blocked` below).
    let beyond_right = |l: &Label| {
        let f = 0.3 * l.font_size;
        others
            .iter()
            .any(|o| *o != r && o.x0 >= r.x1 - f && o.x1 <= l.bbox.x0 + f && o.y0 < l.bbox.y1 && l.bbox.y0 < o.y1)
    };
    let idx: Vec<usize> = match dir {
        Dir::X => {
            let below = pick(&|l: &Label| {
                let w = r.width();
                if groups::in_y_column(l, labels, r) {
                    return false;
                }
                // Below the frame, and not wholly beside it (a turned y label at the corner).
                l.cx >= r.x0 - 0.05 * w
                    && l.cx <= r.x1 + 0.05 * w
                    && l.bbox.x1 > r.x0 - 0.3 * l.font_size
                    && l.bbox.x0 < r.x1 + 0.3 * l.font_size
                    && l.bbox.y0 >= r.y1 - 0.3 * l.font_size
                    && l.bbox.y0 <= r.y1 + 4.0 * l.font_size
            });
            nearest_column(below, &|l: &Label| l.bbox.y0, 1.0)
        }
        Dir::Y => {
            let h = r.height();
            // Beside the frame: its box starts above the frame's bottom and ends below its top
            // (a turned x label at the corner lies wholly below it).
            let within =
                |l: &Label| l.cy >= r.y0 - 0.05 * h && l.cy <= r.y1 + 0.05 * h && l.bbox.y0 < r.y1 && l.bbox.y1 > r.y0;
            let left = pick(&|l: &Label| {
                within(l)
                    && !groups::in_x_row(l, labels, r)
                    && l.bbox.x1 <= r.x0 + 0.3 * l.font_size
                    && l.bbox.x1 >= r.x0 - 8.0 * l.font_size
            });
            let left = nearest_column(left, &|l: &Label| l.bbox.x1, -1.0);
            if left.len() >= 2 && !right_side {
                left
            } else {
                let right = pick(&|l: &Label| {
                    within(l)
                        && l.bbox.x0 >= r.x1 - 0.3 * l.font_size
                        && l.bbox.x0 <= r.x1 + 8.0 * l.font_size
                        && !beyond_right(l)
                });
                nearest_column(right, &|l: &Label| l.bbox.x0, 1.0)
            }
        }
    };
    // One label per position: overlapping duplicates (e.g. two axes sharing labels) are dropped.
    let mut idx = idx;
    idx.sort_by(|&a, &b| along(dir, &labels[a]).total_cmp(&along(dir, &labels[b])));
    idx.dedup_by(|a, b| (along(dir, &labels[*a]) - along(dir, &labels[*b])).abs() < 0.2 * labels[*a].font_size);
    if idx.len() < 2 {
        return None;
    }
    // Geometric anchors: tick marks touching the frame edge, and solid grid lines across the frame.
    let ax = AxisSpan::of(dir, r, opts.tick_gap_strokes);
    let AxisSpan { lo, hi, slack, .. } = ax;
    let mut anchors: Vec<(f64, AnchorKind)> = Vec::new();
    let mut grid: Vec<&Seg> = Vec::new();
    for s in segs.iter().filter(|s| ax.crosses(dir, s)) {
        if ax.is_tick_mark(s) {
            anchors.push((s.at, AnchorKind::TickMark));
        } else if ax.is_grid_line(s) {
            grid.push(s);
        }
    }
    let label_at: Vec<(f64, f64)> = idx.iter().map(|&li| (along(dir, &labels[li]), labels[li].font_size)).collect();
    grid = grid::keep_grid_styles(grid, &label_at, opts.match_em);
    // Lines on the frame's edges are spines unless they look like the interior grid lines.
    let at_edge = |s: &Seg| (s.at - lo).abs() <= slack || (s.at - hi).abs() <= slack;
    let interior: Vec<(Option<[u8; 3]>, u64)> = grid.iter().filter(|s| !at_edge(s)).map(|s| s.style).collect();
    for s in grid {
        if !at_edge(s) || interior.contains(&s.style) {
            anchors.push((s.at, AnchorKind::GridLine));
        }
    }
    // A label with another panel between it and this one (a colour bar's labels beside a data
    // panel) is that panel's, unless it sits exactly on one of this panel's own anchors.
    let blocked = |l: &Label| {
        others.iter().any(|o| {
            *o != r
                && match dir {
                    Dir::X => o.x0 <= l.cx && l.cx <= o.x1 && o.y0 >= r.y1 - slack && o.y1 <= l.bbox.y0 + slack,
                    Dir::Y => {
                        o.y0 <= l.cy
                            && l.cy <= o.y1
                            && ((o.x1 <= r.x0 + slack && o.x0 >= l.bbox.x1 - slack)
                                || (o.x0 >= r.x1 - slack && o.x1 <= l.bbox.x0 + slack))
                    }
                }
        })
    };
    // An end label drawn flush with the frame's end, aligned to stay within the axis's extent
    // (Vega's `labelFlush` axis labels and gradient-legend end labels), marks that end, whatever
    // anchor lies nearer its centre (a wide flush label's centre sits over the next tick). On x
    // the run's text anchor gives its start or end edge exactly; on y its em box meets the end,
    // which a label centred on the end never does.
    let flush = |l: &Label, at_lo: bool| -> bool {
        let fs = l.font_size;
        let (above, below) = opts.flush_em_box;
        match dir {
            Dir::X => match l.anchor_x {
                Some((TextAnchor::Start, x)) => at_lo && (x - r.x0).abs() <= slack.max(opts.flush_x_em * fs),
                Some((TextAnchor::End, x)) => !at_lo && (x - r.x1).abs() <= slack.max(opts.flush_x_em * fs),
                _ => false,
            },
            // The baseline is the bottom of a label's box (digits have no descent).
            Dir::Y if at_lo => (l.bbox.y1 - above * fs - r.y0).abs() <= opts.flush_y_em * fs,
            Dir::Y => (l.bbox.y1 + below * fs - r.y1).abs() <= opts.flush_y_em * fs,
        }
    };
    let mut label_anchor: Vec<Option<usize>> = vec![None; labels.len()];
    let mut anchor_used = vec![false; anchors.len()];
    let mut flush_end: Vec<Option<f64>> = vec![None; labels.len()];
    for (li, at_lo) in [(idx[0], true), (idx[idx.len() - 1], false)] {
        if blocked(&labels[li]) || !flush(&labels[li], at_lo) {
            continue;
        }
        let end = if at_lo { lo } else { hi };
        // A tick mark or grid line on the end is the anchor; else the end itself, unless the
        // label has a tick mark of its own off the end (then it is centred on that tick, and
        // only the figure's scaling made its box look flush).
        let l = &labels[li];
        let centre = if dir == Dir::X { l.cx } else { l.cy };
        let own =
            anchors.iter().any(|a| a.1 != AnchorKind::FrameEnd && (a.0 - centre).abs() <= opts.match_em * l.font_size);
        let k = match anchors.iter().position(|a| (a.0 - end).abs() <= slack) {
            Some(k) => k,
            None if own => continue,
            None => {
                anchors.push((end, AnchorKind::FrameEnd));
                anchor_used.push(false);
                anchors.len() - 1
            }
        };
        label_anchor[li] = Some(k);
        for (j, a) in anchors.iter().enumerate() {
            if (a.0 - end).abs() <= slack {
                anchor_used[j] = true;
            }
        }
        flush_end[li] = Some(end);
    }
    // Match each label to its nearest anchor, closest pairs first, one to one.
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for &li in idx.iter().filter(|&&li| flush_end[li].is_none()) {
        let l = &labels[li];
        for (ai, (a, _)) in anchors.iter().enumerate() {
            let d = (a - along(dir, l)).abs();
            let limit = if blocked(l) { opts.blocked_match_em } else { opts.match_em };
            if d <= limit * l.font_size {
                pairs.push((d, li, ai));
            }
        }
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (_, li, ai) in pairs {
        // Anchors at the same position (a tick mark under a grid line) count once.
        if label_anchor[li].is_some() || anchor_used[ai] {
            continue;
        }
        label_anchor[li] = Some(ai);
        for (k, a) in anchors.iter().enumerate() {
            if (a.0 - anchors[ai].0).abs() <= slack {
                anchor_used[k] = true;
            }
        }
    }
    let n_anchored = idx.iter().filter(|&&li| label_anchor[li].is_some()).count();
    let anchored = use_anchors && n_anchored >= 2;
    let obs: Vec<Obs> = idx
        .iter()
        .filter_map(|&li| match (anchored, label_anchor[li]) {
            (true, Some(ai)) => Some(Obs { label: li, pos: anchors[ai].0, anchor: anchors[ai].1 }),
            (true, None) => None,
            // A flush end label is at its end even when the other labels place themselves.
            (false, _) => Some(match flush_end[li] {
                Some(end) => Obs { label: li, pos: end, anchor: AnchorKind::FrameEnd },
                None => Obs { label: li, pos: along(dir, &labels[li]), anchor: AnchorKind::Label },
            }),
        })
        .collect();
    if !anchored && idx.iter().any(|&li| blocked(&labels[li])) {
        return None;
    }
    let unanchored: Vec<usize> =
        if anchored { idx.iter().copied().filter(|&li| label_anchor[li].is_none()).collect() } else { Vec::new() };

    let values: Vec<f64> = obs.iter().map(|o| labels[o.label].value).collect();
    // Vega rounds tick marks to whole units (`tickRound`) but writes each label at its exact
    // position: an x label centred on its tick (text-anchor middle, one run) then places the tick
    // better than its mark. Such centres, each within half a unit (the rounding) of the label's
    // mark, replace the marks when they fit the axis's scale much more closely than the marks do.
    let mut obs = obs;
    let mut centred_notes = Vec::new();
    if anchored && dir == Dir::X && obs.len() >= 3 {
        let centre = |o: &Obs| match labels[o.label].anchor_x {
            Some((TextAnchor::Middle, x)) if o.anchor != AnchorKind::FrameEnd && (x - o.pos).abs() <= 0.5 => Some(x),
            _ => None,
        };
        let marks: Vec<f64> = obs.iter().map(|o| o.pos).collect();
        let alt: Vec<f64> = obs.iter().map(|o| centre(o).unwrap_or(o.pos)).collect();
        let rms = |p: &[f64]| {
            [Scale::Linear, Scale::Log]
                .into_iter()
                .filter_map(|scale| {
                    let unit = AxisMap { scale, slope: 1.0, intercept: 0.0 };
                    let u: Option<Vec<f64>> = values.iter().map(|&v| unit.u(v)).collect();
                    let u = u?;
                    let fit = linfit(p, &u)?;
                    Some(rms_resid(p, &u, &vec![true; p.len()], fit))
                })
                .fold(f64::INFINITY, f64::min)
        };
        if alt != marks && rms(&alt) < opts.centred_rms_ratio * rms(&marks) {
            for (o, x) in obs.iter_mut().zip(&alt) {
                if *x != o.pos {
                    centred_notes.push(format!(
                        "label '{}' centred at {} (its mark at {}, rounded)",
                        labels[o.label].text,
                        fmt_g(*x),
                        fmt_g(o.pos)
                    ));
                    o.pos = *x;
                }
            }
        }
    }
    let pos: Vec<f64> = obs.iter().map(|o| o.pos).collect();
    let fs = obs.iter().map(|o| labels[o.label].font_size).fold(0.0, f64::max);
    let mut spacing: Vec<f64> = pos.windows(2).map(|w| (w[1] - w[0]).abs()).filter(|d| *d > 0.0).collect();
    spacing.sort_by(f64::total_cmp);
    let med_spacing = *spacing.get(spacing.len() / 2)?;
    let widths_differ =
        !anchored && dir == Dir::X && obs.iter().any(|o| labels[o.label].chars != labels[obs[0].label].chars);
    let tol = if anchored {
        opts.reject_anchored * med_spacing
    } else {
        opts.reject_label * med_spacing + if widths_differ { opts.label_width_em * fs } else { 0.0 }
    };

    // Try both scales; keep the one with the smaller residual after rejection.
    // (score, scale, kept ticks, (intercept, slope)) of the best scale so far.
    type Candidate = (f64, Scale, Vec<bool>, (f64, f64));
    let mut best: Option<Candidate> = None;
    let mut others: Vec<Candidate> = Vec::new();
    let mut best_rms = f64::INFINITY;
    for scale in Scale::COMMON.into_iter().chain(Scale::OTHERS) {
        let u: Option<Vec<f64>> = values.iter().map(|&v| AxisMap { scale, slope: 1.0, intercept: 0.0 }.u(v)).collect();
        let Some(u) = u else { continue };
        let Some((keep, fit)) = robust_fit(&pos, &u, tol) else { continue };
        let rms = rms_resid(&pos, &u, &keep, fit);
        let rejected = keep.iter().filter(|k| !**k).count() as f64;
        // Two ticks fit any scale exactly: prefer linear unless the labels are powers of ten.
        let log_hint = obs.iter().all(|o| labels[o.label].power_of_ten) || is_decades(&values);
        let score = if obs.len() < 3 && !unanchored.is_empty() {
            // Two anchors fit any scale: the labels between them, by their own positions, decide.
            let unit = AxisMap { scale, slope: 1.0, intercept: 0.0 };
            let (a, b) = fit;
            unanchored
                .iter()
                .map(|&li| {
                    let l = &labels[li];
                    unit.u(l.value).map_or(f64::INFINITY, |u| (along(dir, l) - (u - a) / b).abs() / l.font_size)
                })
                .sum::<f64>()
        } else if obs.len() < 3 {
            if (scale == Scale::Log) == log_hint { 0.0 } else { 1.0 }
        } else {
            // Fewer rejected ticks first, then the smaller residual.
            rejected * 1e6 * (1.0 + med_spacing) + rms
        };
        if !Scale::COMMON.contains(&scale) {
            // Another family competes only where it can be checked: three or more ticks, and
            // as many agreeing as a fit that leaves one out needs.
            if obs.len() >= 3 && keep.iter().filter(|k| **k).count() >= opts.min_agreeing {
                others.push((rms, scale, keep, fit));
            }
        } else if best.as_ref().is_none_or(|b| score < b.0) {
            best = Some((score, scale, keep, fit));
            best_rms = rms;
        }
    }
    let best = best?;
    let best = match family::prefer_other(&best, best_rms, others, opts.family_margin) {
        Ok(Some(other)) => other,
        Ok(None) => best,
        Err((first, second)) => {
            warnings.push((WarningKind::AxisNotRead, format!(
                "{} axis at {lo:.1}..{hi:.1} not read: its labels fit a {} and a {} scale equally well (no common scale explains them); give its scale in the figure's profile",
                if dir == Dir::X { "x" } else { "y" },
                first.name(),
                second.name()
            )));
            return None;
        }
    };
    let (_, scale, keep, (mut a, mut b)) = best;
    // Labels left without an anchor on an anchored axis must agree with the fit too (loosely:
    // their positions are label estimates); those that do not count as rejected.
    let bad_unanchored = unanchored
        .iter()
        .filter(|&&li| {
            let l = &labels[li];
            let u = AxisMap { scale, slope: 1.0, intercept: 0.0 }.u(l.value);
            u.is_none_or(|u| (along(dir, l) - (u - a) / b).abs() > opts.unanchored_em * l.font_size)
        })
        .count();
    let n_rejected = keep.iter().filter(|k| !**k).count() + bad_unanchored;
    let n_total = keep.len() + unanchored.len();
    let n_kept = keep.iter().filter(|k| **k).count();
    if n_rejected > 0 && n_kept < opts.min_agreeing {
        warnings.push((WarningKind::AxisNotRead, format!(
            "{} axis at {lo:.1}..{hi:.1} not read: {n_rejected} of {n_total} ticks disagree with the others and only {n_kept} agree, too few to check a scale",
            if dir == Dir::X { "x" } else { "y" },
        )));
        return None;
    }
    if n_rejected > 0 && n_rejected as f64 > opts.max_rejected_share * n_total as f64 {
        warnings.push((
            WarningKind::AxisNotRead,
            format!(
                "{} axis at {:.1}..{:.1} not read: {} of {} ticks disagree with any one scale (linear, log, sqrt, reciprocal, probit, logit)",
                if dir == Dir::X { "x" } else { "y" },
                lo,
                hi,
                n_rejected,
                n_total
            ),
        ));
        return None;
    }
    let mut method = if anchored { "anchored".to_string() } else { "label_spacing".to_string() };
    let mut anchor_notes: Vec<String> = centred_notes;
    if anchored {
        for (o, k) in obs.iter().zip(&keep) {
            if *k {
                anchor_notes.push(format!("{:?} at {} for '{}'", o.anchor, o.pos, labels[o.label].text).to_lowercase());
            }
        }
    } else {
        // Snap the label-estimated offset with the frame ends when both land on round values.
        let u_used: Vec<f64> = obs
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(o, _)| AxisMap { scale, slope: 1.0, intercept: 0.0 }.u(labels[o.label].value).unwrap_or(0.0))
            .collect();
        let mut du: Vec<f64> = u_used.windows(2).map(|w| (w[1] - w[0]).abs()).filter(|d| *d > 0.0).collect();
        du.sort_by(f64::total_cmp);
        // On a log axis the tick step is a decade when labels mark decades (minor labels such
        // as 2 and 3 between them do not set it); otherwise the smallest spacing.
        let decades = u_used.iter().filter(|u| (*u - u.round()).abs() < 1e-9).count();
        let step = if scale == Scale::Log && decades >= 2 { 1.0 } else { du.first().copied().unwrap_or(0.0) };
        let span_u = (b * (hi - lo)).abs();
        let mut snapped = false;
        if step > 0.0 {
            for m in [1.0, 2.0, 4.0, 5.0] {
                let sub = step / m;
                let k = span_u / sub;
                if k.round() < 1.0 || (k - k.round()).abs() > opts.span_round_rel * k {
                    continue;
                }
                let u0 = u_used[0];
                let u_lo = a + b * lo;
                let j = ((u_lo - u0) / sub).round();
                let shift = u0 + j * sub - u_lo;
                if (shift / b).abs() > opts.max_snap_em * fs {
                    continue;
                }
                a += shift;
                // Both frame ends are now anchors: pass the map through them exactly.
                let (u_lo, u_hi) = (a + b * lo, a + b * hi);
                let (u_lo, u_hi) = (u0 + ((u_lo - u0) / sub).round() * sub, u0 + ((u_hi - u0) / sub).round() * sub);
                let b_frame = (u_hi - u_lo) / (hi - lo);
                a = u_lo - b_frame * lo;
                b = b_frame;
                let fmt = |u: f64| match scale {
                    Scale::Log => format!("1e{}", fmt_g(u)),
                    _ => fmt_g(scale.inverse(u)),
                };
                anchor_notes.push(format!(
                    "frame ends at {} and {} land on whole {} of the tick step (span {} steps); label offset corrected by {:.4} units",
                    fmt(a + b * lo),
                    fmt(a + b * hi),
                    if m == 1.0 { "multiples".to_string() } else { format!("1/{m}") },
                    fmt_g(k.round() / m),
                    -shift / b
                ));
                method = "label_spacing+frame".into();
                snapped = true;
                break;
            }
        }
        // Tick marks rounded to whole units (Vega's tickRound) still bound the labels' common
        // offset: each true tick lies within half a unit of its drawn mark, so the offset lies in
        // the intersection of those intervals.
        if !snapped {
            let unit = AxisMap { scale, slope: 1.0, intercept: 0.0 };
            let mut lo_c = f64::NEG_INFINITY;
            let mut hi_c = f64::INFINITY;
            let mut n = 0;
            for o in &obs {
                let Some(ai) = label_anchor[o.label] else { continue };
                let t = anchors[ai].0;
                if (t - t.round()).abs() > 1e-9 {
                    n = 0;
                    break;
                }
                let Some(u) = unit.u(labels[o.label].value) else { continue };
                let p_hat = (u - a) / b;
                lo_c = lo_c.max(p_hat - t - 0.5);
                hi_c = hi_c.min(p_hat - t + 0.5);
                n += 1;
            }
            if n >= 3 && lo_c <= hi_c && hi_c - lo_c < 0.5 {
                let c = (lo_c + hi_c) / 2.0;
                a += b * c;
                anchor_notes.push(format!(
                    "offset from {n} tick marks rounded to whole units: label offset {c:.4} (within ±{:.4})",
                    (hi_c - lo_c) / 2.0
                ));
                method = "label_spacing+rounded_ticks".into();
                snapped = true;
            }
        }
        // Centred x labels written by one text run give their ticks exactly (the run's anchor);
        // any other label's position along its axis is estimated from font metrics.
        let exact =
            obs.iter().all(|o| o.anchor == AnchorKind::FrameEnd || dir == Dir::X && exact_along_x(&labels[o.label]));
        if !snapped && !exact {
            let name = if dir == Dir::X { "x" } else { "y" };
            if !opts.accept_label_metrics {
                warnings.push((WarningKind::AxisNotRead, format!(
                    "{name} axis at {lo:.1}..{hi:.1} not read: no tick marks, grid lines or round frame ends, and its labels' positions are font-metric estimates (about ±0.1 em); give its ticks in the figure's profile"
                )));
                return None;
            }
            warnings.push((WarningKind::AxisApproximate, format!(
                "{name} axis at {lo:.1}..{hi:.1}: no tick marks, grid lines or round frame ends; offset from label metrics (approximate, about ±0.1 em)"
            )));
        }
    }
    let map = AxisMap { scale, slope: b, intercept: a };
    let mut ticks: Vec<Tick> = obs
        .iter()
        .zip(&keep)
        .map(|(o, k)| {
            let l = &labels[o.label];
            Tick {
                label: l.text.clone(),
                value: l.value,
                position: o.pos,
                anchor: o.anchor,
                residual: map.position(l.value).map_or(f64::NAN, |p| o.pos - p),
                used: *k,
                checked: false,
                source: l.source.clone(),
            }
        })
        .collect();
    // Labels with no anchor on an anchored axis are checked against the fit by their own position.
    for li in unanchored {
        let l = &labels[li];
        let p = along(dir, l);
        let residual = map.position(l.value).map_or(f64::NAN, |q| p - q);
        ticks.push(Tick {
            label: l.text.clone(),
            value: l.value,
            position: p,
            anchor: AnchorKind::Label,
            residual,
            used: false,
            checked: residual.abs() <= opts.unanchored_em * l.font_size,
            source: l.source.clone(),
        });
    }
    ticks.sort_by(|x, y| x.position.total_cmp(&y.position));
    Some(Axis { dir, title: None, map, ticks, anchors: anchor_notes, method, time: None })
}

/// A label whose x is its tick's exactly: one unturned text run anchored at its middle.
fn exact_along_x(l: &Label) -> bool {
    // The label's centre is computed from the run's ends, so it meets the anchor only to rounding.
    l.turned.is_none() && matches!(l.anchor_x, Some((TextAnchor::Middle, x)) if (x - l.cx).abs() <= 1e-9 * l.font_size)
}

/// Give an axis with no labels of its own the map of an aligned neighbour (shared axes, where
/// only the outer panels carry labels), when its own tick marks, if any, agree with it.
fn share_axes(panels: &mut [Panel], segs: &[Seg], tol: f64) {
    for i in 0..panels.len() {
        if panels[i].kind != PanelKind::Data {
            continue;
        }
        for dir in [Dir::X, Dir::Y] {
            let has = match dir {
                Dir::X => panels[i].x.is_some(),
                Dir::Y => panels[i].y.is_some(),
            };
            if has {
                continue;
            }
            let r = panels[i].rect;
            let donor = panels.iter().enumerate().find_map(|(j, p)| {
                let aligned = match dir {
                    Dir::X => (p.rect.x0 - r.x0).abs() <= tol && (p.rect.x1 - r.x1).abs() <= tol,
                    Dir::Y => (p.rect.y0 - r.y0).abs() <= tol && (p.rect.y1 - r.y1).abs() <= tol,
                };
                let axis = match dir {
                    Dir::X => p.x.as_ref(),
                    Dir::Y => p.y.as_ref(),
                };
                (j != i
                    && p.kind == PanelKind::Data
                    && aligned
                    && axis.is_some_and(|a| !a.method.starts_with("shared")))
                .then(|| (j, axis.cloned()))
            });
            let Some((j, Some(mut axis))) = donor else { continue };
            // Tick marks on this panel's edge must sit where the donor's ticks are.
            let (edge_lo, edge_hi) = match dir {
                Dir::X => (r.y0, r.y1),
                Dir::Y => (r.x0, r.x1),
            };
            let marks: Vec<f64> = segs
                .iter()
                .filter(|s| s.vertical == (dir == Dir::X))
                .filter(|s| {
                    let t = |e: f64| (s.lo - e).abs() <= tol || (s.hi - e).abs() <= tol;
                    s.hi - s.lo < 0.05 * (edge_hi - edge_lo).abs().max(r.width().max(r.height()))
                        && (t(edge_lo) || t(edge_hi))
                })
                .map(|s| s.at)
                .collect();
            let used: Vec<f64> = axis.ticks.iter().filter(|t| t.used).map(|t| t.position).collect();
            let agree = marks.is_empty() || used.iter().all(|u| marks.iter().any(|m| (m - u).abs() <= tol));
            if !agree {
                continue;
            }
            axis.method = format!("shared from panel {j} (aligned, no labels of its own)");
            axis.anchors =
                vec![format!("map of the aligned neighbour's axis; {} matching tick marks on this panel", marks.len())];
            match dir {
                Dir::X => panels[i].x = Some(axis),
                Dir::Y => panels[i].y = Some(axis),
            }
        }
    }
}

/// Apply an offset or multiplier label written at an axis end ("1e9", "×10^4", "+1e4") to the
/// axis's linear map, and record it.
fn apply_offsets(panels: &mut [Panel], labels: &[Label]) {
    // Labels that are some axis's tick labels are never offsets.
    let ticks: std::collections::HashSet<String> = panels
        .iter()
        .flat_map(|p| [&p.x, &p.y])
        .flatten()
        .flat_map(|a| a.ticks.iter().map(|t| t.source.clone()))
        .collect();
    for p in panels.iter_mut() {
        let r = p.rect;
        for (dir, axis) in [(Dir::X, p.x.as_mut()), (Dir::Y, p.y.as_mut())] {
            let Some(axis) = axis else { continue };
            if axis.map.scale != Scale::Linear || axis.method.starts_with("shared") {
                continue;
            }
            let used: Vec<&str> = axis.ticks.iter().map(|t| t.source.as_str()).collect();
            let found = labels.iter().find(|l| {
                let t = l.text.replace("\\times", "×");
                let looks = t.contains('e') || t.contains("×10") || t.contains("10^");
                let fs = l.font_size;
                let place = match dir {
                    // Above the frame's top-left corner.
                    Dir::Y => {
                        l.bbox.y1 <= r.y0 + 0.3 * fs
                            && l.bbox.y1 >= r.y0 - 3.0 * fs
                            && l.bbox.x0 <= r.x0 + 4.0 * fs
                            && l.bbox.x1 >= r.x0 - 6.0 * fs
                    }
                    // Below the frame at its right end.
                    Dir::X => {
                        l.bbox.y0 >= r.y1
                            && l.bbox.y0 <= r.y1 + 5.0 * fs
                            && l.bbox.x1 >= r.x1 - 4.0 * fs
                            && l.bbox.x0 <= r.x1 + 4.0 * fs
                    }
                };
                looks && place && !used.contains(&l.source.as_str()) && !ticks.contains(&l.source)
            });
            let Some(l) = found else { continue };
            let additive = l.text.trim_start().starts_with('+') || l.text.trim_start().starts_with('\u{2212}');
            // The ticks' values become data values too, so they stay on the map.
            if additive {
                axis.map.intercept += l.value;
                axis.ticks.iter_mut().for_each(|t| t.value += l.value);
            } else {
                axis.map.slope *= l.value;
                axis.map.intercept *= l.value;
                axis.ticks.iter_mut().for_each(|t| t.value *= l.value);
            }
            axis.anchors.push(format!(
                "{} '{}' beside the axis applied to its tick labels",
                if additive { "offset" } else { "multiplier" },
                l.text
            ));
        }
    }
}

/// Whether the values are successive powers of ten (1, 10, 100, …).
fn is_decades(v: &[f64]) -> bool {
    v.len() >= 2 && v.iter().all(|&x| x > 0.0 && (x.log10() - x.log10().round()).abs() < 1e-9)
}

fn along(dir: Dir, l: &Label) -> f64 {
    match dir {
        Dir::X => l.cx,
        Dir::Y => l.cy,
    }
}

/// Fit with iterative leave-one-out rejection: drop the worst point while its residual exceeds
/// `tol` and at least three points remain.
fn robust_fit(pos: &[f64], u: &[f64], tol: f64) -> Option<(Vec<bool>, (f64, f64))> {
    let mut keep = vec![true; pos.len()];
    loop {
        let (p, q): (Vec<f64>, Vec<f64>) =
            pos.iter().zip(u).zip(&keep).filter(|(_, k)| **k).map(|((p, u), _)| (*p, *u)).unzip();
        let fit = linfit(&p, &q)?;
        if p.len() < 3 {
            return Some((keep, fit));
        }
        let mut worst: Option<(f64, usize)> = None;
        for i in (0..pos.len()).filter(|&i| keep[i]) {
            let (pp, qq): (Vec<f64>, Vec<f64>) =
                pos.iter().zip(u).enumerate().filter(|(j, _)| keep[*j] && *j != i).map(|(_, (p, u))| (*p, *u)).unzip();
            let Some((a, b)) = linfit(&pp, &qq) else { continue };
            let r = (pos[i] - (u[i] - a) / b).abs();
            if worst.is_none_or(|w| r > w.0) {
                worst = Some((r, i));
            }
        }
        match worst {
            Some((r, i)) if r > tol => keep[i] = false,
            _ => return Some((keep, fit)),
        }
    }
}

fn rms_resid(pos: &[f64], u: &[f64], keep: &[bool], (a, b): (f64, f64)) -> f64 {
    let r: Vec<f64> = pos.iter().zip(u).zip(keep).filter(|(_, k)| **k).map(|((p, u), _)| p - (u - a) / b).collect();
    (r.iter().map(|x| x * x).sum::<f64>() / r.len().max(1) as f64).sqrt()
}

/// Shortest round-trip formatting of an f64 (Rust's `Display`), tidy for integers.
pub fn fmt_g(v: f64) -> String {
    let r = (v * 1e9).round() / 1e9;
    if (r - v).abs() < 1e-12 * v.abs().max(1.0) { format!("{r}") } else { format!("{v}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tick_label_forms() {
        let cases = [
            ("$\\mathdefault{\\frac{1}{2}}$", 0.5),
            ("$\\mathdefault{1-10^{-2}}$", 0.99),
            ("2.00", 2.0),
            ("6e+18", 6e18),
            ("\u{2212}3", -3.0),
            ("1,000", 1000.0),
            ("100M", 1e8),
            ("40B", 4e10),
            ("10^18", 1e18),
            ("3.8×10^0", 3.8),
            ("×10^4", 1e4),
            ("$\\mathdefault{10^{-1}}$", 0.1),
            ("0.5", 0.5),
            ("10\u{207b}\u{b3}", 1e-3),
            ("\u{d7}10\u{2074}", 1e4),
            ("\u{d7}10^4", 1e4),
            ("2\u{d7}10\u{2075}", 2e5),
        ];
        for (s, v) in cases {
            let got = parse_number(s).unwrap_or(f64::NAN);
            assert!((got - v).abs() <= 1e-12 * v.abs(), "{s}: {got} != {v}");
        }
        for s in ["Loss", "IsoFLOPs", "nan", "inf", "", "Gopher", "e", "\u{d7}", "\u{b2}"] {
            assert_eq!(parse_number(s), None, "{s}");
        }
    }

    #[test]
    fn robust_fit_rejects_the_inconsistent_tick() {
        // Four ticks on one log scale and a fifth ("40B") drawn at 3.955e10.
        let vals = [1e8f64, 1e9, 1e10, 4e10, 1e11];
        let b = -97.41772;
        let pos: Vec<f64> =
            [1e8f64, 1e9, 1e10, 3.955e10, 1e11].iter().map(|v| 319.125 + b * (v.log10() - 8.0)).collect();
        let u: Vec<f64> = vals.iter().map(|v| v.log10()).collect();
        let (keep, (a, bb)) = robust_fit(&pos, &u, 0.2).expect("fit");
        assert_eq!(keep, vec![true, true, true, false, true]);
        assert!((1.0 / bb - b).abs() < 1e-9 && ((8.0 - a) / bb - 319.125).abs() < 1e-9);
    }

    #[test]
    fn axis_map_round_trips_both_ways() {
        let m = AxisMap { scale: Scale::Log, slope: 0.014245, intercept: 16.8 };
        for p in [0.0, 83.85625, 505.04808] {
            let q = m.position(m.value(p)).expect("position");
            assert!((q - p).abs() < 1e-9, "{p} {q}");
        }
        assert_eq!(m.position(-1.0), None);
    }

    #[test]
    fn rect_detection_accepts_collinear_vertices_and_rejects_curves() {
        let p = kurbo::BezPath::from_svg(
            "M596.9254 72.56563V73.89751 412.19578 413.52766H613.77316V412.19578 73.89751 72.56563Z",
        )
        .expect("path");
        let r = axis_aligned_rect(&p).expect("rect");
        assert_eq!((r.x0, r.y1), (596.9254, 413.52766));
        let c = kurbo::BezPath::from_svg("M0 0C1 0 1 1 0 1Z").expect("path");
        assert!(axis_aligned_rect(&c).is_none());
        let tri = kurbo::BezPath::from_svg("M0 0L10 0L5 5Z").expect("path");
        assert!(axis_aligned_rect(&tri).is_none());
    }

    #[test]
    fn ramp_chains_need_many_cells_edge_to_edge_of_one_width() {
        // Ten cells stacked edge to edge: one ramp frame over their extent.
        let cells: Vec<Rect> = (0..10).map(|i| Rect::new(5.0, f64::from(i), 8.0, f64::from(i) + 1.0)).collect();
        assert_eq!(ramp_chains(&cells, 1e-3, 8), vec![Rect::new(5.0, 0.0, 8.0, 10.0)]);
        // A stacked bar of three segments is no ramp; nor are cells with a gap or another width.
        assert!(ramp_chains(&cells[..3], 1e-3, 8).is_empty());
        let mut gap = cells.clone();
        for c in gap.iter_mut().skip(5) {
            *c = Rect::new(c.x0, c.y0 + 0.5, c.x1, c.y1 + 0.5);
        }
        assert!(ramp_chains(&gap, 1e-3, 8).is_empty());
        let mut wide = cells;
        wide[4].x1 = 9.0;
        assert!(ramp_chains(&wide, 1e-3, 8).is_empty());
    }
}
