//! Calibration of one frame: the pipeline that turns its labels and segments into axes.
//!
//! Contract: given a frame, the figure's labels (see [`super::text`]) and segments (see
//! [`super::geometry`]), an [`Axis`] for x, y and a secondary y, or `None` for an axis that cannot
//! be read, with the reason as a note. Per axis the stages run in order, each in its own module:
//! [`super::groups`] picks the labels that belong to the axis, [`super::anchors`] finds tick marks,
//! grid lines and flush frame ends and pairs them with labels, [`super::hypotheses`] proposes
//! positions by the producers' conventions, [`super::fit`] chooses the scale family and map, and
//! [`super::decide`] accepts the reading or refuses it. A profile's ticks replace what was read.

use std::collections::BTreeMap;

use kurbo::Rect;

use super::anchors::{self, Anchors};
use super::geometry::AxisSpan;
use super::hypotheses::{frame_snap, label_centre, rounded_tick, turned};
use super::{AnchorKind, AxesOptions, Axis, AxisMap, AxisOverride, Dir, Label, Panel, PanelKind, Seg, decide, fit};
use super::{along, groups};
use crate::warning::{Warning, WarningKind};

/// What calibrating any frame of a figure reads: every frame's rectangle, the labels, the
/// segments, the options and the profile's axes.
pub(super) struct FrameCtx<'a> {
    pub(super) rects: &'a [Rect],
    pub(super) labels: &'a [Label],
    pub(super) segs: &'a [Seg],
    pub(super) opts: &'a AxesOptions,
    pub(super) overrides: &'a BTreeMap<String, AxisOverride>,
}

/// One axis of one frame to calibrate: its direction, the frame, the other frames (whose labels
/// are theirs), the labels and segments of the figure, and whether to read the right-hand side
/// (a secondary y axis).
#[derive(Clone, Copy)]
pub(super) struct AxisCtx<'a> {
    pub(super) dir: Dir,
    pub(super) r: Rect,
    pub(super) others: &'a [Rect],
    pub(super) labels: &'a [Label],
    pub(super) segs: &'a [Seg],
    pub(super) opts: &'a AxesOptions,
    pub(super) right_side: bool,
}

impl AxisCtx<'_> {
    /// "x" or "y", for messages.
    pub(super) fn name(&self) -> &'static str {
        if self.dir == Dir::X { "x" } else { "y" }
    }
}

/// A warning from calibrating one axis, before the panel and axis are attached.
pub(super) type Note = (WarningKind, String);

/// One label's tick as observed: the label (an index into the figure's labels), the position of
/// its tick, and what fixed that position.
pub(super) struct Obs {
    pub(super) label: usize,
    pub(super) pos: f64,
    pub(super) anchor: AnchorKind,
}

/// An axis's ticks as observed, before a scale is fitted: what the fit and the decision read.
pub(super) struct Observed<'a> {
    pub(super) ctx: AxisCtx<'a>,
    /// Ticks that enter the fit.
    pub(super) obs: Vec<Obs>,
    /// Their labels' values, in the same order.
    pub(super) values: Vec<f64>,
    /// Labels with no anchor of their own on an anchored axis: checked against the fit only.
    pub(super) unanchored: Vec<usize>,
    /// Positions come from tick marks, grid lines or frame ends (else from the labels).
    pub(super) anchored: bool,
    /// The frame's extent along the axis.
    pub(super) lo: f64,
    pub(super) hi: f64,
    /// Largest font size among the observed labels.
    pub(super) fs: f64,
    /// Median spacing of the observed positions.
    pub(super) med_spacing: f64,
}

impl Observed<'_> {
    pub(super) fn label(&self, o: &Obs) -> &Label {
        &self.ctx.labels[o.label]
    }
}

/// Calibrate a frame's axes (and a data panel's secondary y axis); ticks given in the figure's
/// profile replace what was read.
pub(super) fn calibrate_frame(
    frame: usize,
    r: Rect,
    kind: PanelKind,
    fc: &FrameCtx,
    warnings: &mut Vec<Warning>,
) -> Panel {
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
    if ctx.labels.iter().all(|l| l.turned.is_none()) {
        return calibrate_once(ctx, warnings);
    }
    turned::best_marked_point(ctx, warnings)
}

/// One calibration attempt with the labels' marked points as given.
pub(super) fn calibrate_once(ctx: &AxisCtx, warnings: &mut Vec<Note>) -> Option<Axis> {
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

/// One reading of an axis, by its anchors (`use_anchors`, when two or more labels have one) or
/// by its labels' own positions: the pipeline's stages in order.
fn calibrate_with(ctx: &AxisCtx, warnings: &mut Vec<Note>, use_anchors: bool) -> Option<Axis> {
    let idx = groups::axis_labels(ctx);
    if idx.len() < 2 {
        return None;
    }
    let ax = AxisSpan::of(ctx.dir, ctx.r, ctx.opts);
    let found = anchors::find(ctx, &ax, &idx);
    let anchoring = anchors::match_labels(ctx, &ax, &idx, found);
    let mut observed = observe(ctx, &ax, &idx, &anchoring, use_anchors)?;
    let mut notes = label_centre::replace_rounded_marks(&mut observed);
    measure(&mut observed)?;
    let tol = fit::reject_tol(&observed);
    let (_, scale, keep, (a, b)) = fit::choose_scale(&observed, tol, warnings)?;
    if let Err(note) = decide::enough_agree(&observed, scale, &keep, (a, b)) {
        warnings.push(note);
        return None;
    }
    let mut ab = (a, b);
    let method = if observed.anchored {
        notes.extend(decide::anchor_notes(&observed, &keep));
        "anchored"
    } else if let Some(note) = frame_snap::snap(&observed, scale, &keep, &mut ab) {
        notes.push(note);
        "label_spacing+frame"
    } else if let Some(note) = rounded_tick::bound_offset(&observed, &anchoring, scale, &mut ab) {
        notes.push(note);
        "label_spacing+rounded_ticks"
    } else {
        if let Err(note) = decide::label_metrics(&observed, warnings) {
            warnings.push(note);
            return None;
        }
        "label_spacing"
    };
    let map = AxisMap { scale, slope: ab.1, intercept: ab.0 };
    let ticks = decide::ticks(&observed, &keep, map);
    Some(Axis { dir: ctx.dir, title: None, map, ticks, anchors: notes, method: method.into(), time: None })
}

/// The ticks that enter the fit: each label at its anchor when the axis is anchored (two or more
/// labels have one; the others are only checked), else at its own position (a flush end label at
/// its end). `None` when a label that belongs to another panel would be positioned by itself.
fn observe<'a>(
    ctx: &AxisCtx<'a>,
    ax: &AxisSpan,
    idx: &[usize],
    m: &Anchors,
    use_anchors: bool,
) -> Option<Observed<'a>> {
    let AxisCtx { dir, labels, .. } = *ctx;
    let n_anchored = idx.iter().filter(|&&li| m.of_label[li].is_some()).count();
    let anchored = use_anchors && n_anchored >= 2;
    let obs: Vec<Obs> = idx
        .iter()
        .filter_map(|&li| match (anchored, m.of_label[li]) {
            (true, Some(ai)) => Some(Obs { label: li, pos: m.at[ai].0, anchor: m.at[ai].1 }),
            (true, None) => None,
            // A flush end label is at its end even when the other labels place themselves.
            (false, _) => Some(match m.flush_end[li] {
                Some(end) => Obs { label: li, pos: end, anchor: AnchorKind::FrameEnd },
                None => Obs { label: li, pos: along(dir, &labels[li]), anchor: AnchorKind::Label },
            }),
        })
        .collect();
    if !anchored && idx.iter().any(|&li| anchors::blocked(ctx, ax.slack, &labels[li])) {
        return None;
    }
    let unanchored: Vec<usize> =
        if anchored { idx.iter().copied().filter(|&li| m.of_label[li].is_none()).collect() } else { Vec::new() };
    let values: Vec<f64> = obs.iter().map(|o| labels[o.label].value).collect();
    Some(Observed { ctx: *ctx, obs, values, unanchored, anchored, lo: ax.lo, hi: ax.hi, fs: 0.0, med_spacing: 0.0 })
}

/// The observed ticks' largest font size and median spacing; `None` when no two positions differ.
fn measure(o: &mut Observed) -> Option<()> {
    let pos: Vec<f64> = o.obs.iter().map(|t| t.pos).collect();
    o.fs = o.obs.iter().map(|t| o.ctx.labels[t.label].font_size).fold(0.0, f64::max);
    let mut spacing: Vec<f64> = pos.windows(2).map(|w| (w[1] - w[0]).abs()).filter(|d| *d > 0.0).collect();
    spacing.sort_by(f64::total_cmp);
    o.med_spacing = *spacing.get(spacing.len() / 2)?;
    Some(())
}
