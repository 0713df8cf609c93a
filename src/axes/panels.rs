//! Panels: which frames are plot areas, once their axes have been tried.
//!
//! Contract: from the classified frames, the panels whose axes read, in reading order. A data
//! frame that reads no axis yet holds other data-frame candidates is a container (a page's or the
//! figure's own background, made smaller than the view box by a group transform or an embedding
//! page) and is dropped so what it holds competes; when no frame reads an axis, a frameless plot
//! is framed by its tick rows ([`super::frameless`]), once. A colour bar inside a frame that read
//! no axis is that legend box's bar. Frames that read nothing are reported as [`Unreadable`] with
//! their tick marks (so a profile needs only their values), except legend boxes.

use std::collections::BTreeMap;

use kurbo::Rect;

use super::calibrate::{FrameCtx, calibrate_frame};
use super::frames::nest;
use super::geometry::{contains, rect_close, tick_mark_positions};
use super::titles::{Side, caption_near};
use super::{AxesOptions, AxisOverride, Caption, Dir, Label, Panel, PanelKind, Seg, Unreadable, frameless};
use crate::warning::{Warning, WarningKind};

/// What every stage after frame detection reads.
pub(super) struct Figure<'a> {
    pub(super) fig: Rect,
    pub(super) labels: &'a [Label],
    pub(super) segs: &'a [Seg],
    pub(super) opts: &'a AxesOptions,
    pub(super) overrides: &'a BTreeMap<String, AxisOverride>,
    /// Distance under which two rectangles' edges are one.
    pub(super) tol: f64,
}

/// Calibrated frames in reading order, the frames' rectangles, and the colour bars nested in
/// data frames with their holders.
pub(super) struct Calibrated {
    pub(super) panels: Vec<Panel>,
    pub(super) rects: Vec<Rect>,
    pub(super) nested: Vec<(Rect, Rect)>,
}

/// Calibrate the classified frames, dropping containers and trying a frameless frame (see the
/// module's contract) until the frames stand.
pub(super) fn calibrate_frames(
    f: &Figure,
    mut classified: Vec<(Rect, PanelKind)>,
    warnings: &mut Vec<Warning>,
) -> Calibrated {
    let mut containers: Vec<Rect> = Vec::new();
    let mut tried_frameless = false;
    loop {
        let (kinds, nested) = nest(&classified, &containers, f.tol);
        let rects: Vec<Rect> = kinds.iter().map(|k| k.0).collect();
        let mut w = Vec::new();
        let fc = FrameCtx { rects: &rects, labels: f.labels, segs: f.segs, opts: f.opts, overrides: f.overrides };
        let panels: Vec<Panel> =
            kinds.iter().enumerate().map(|(frame, &(r, kind))| calibrate_frame(frame, r, kind, &fc, &mut w)).collect();
        if let Some(p) = container(&panels, &classified, &containers, f.tol) {
            containers.push(p);
            continue;
        }
        // No frame read an axis: a frameless plot (Observable Plot's and d3's default) is framed
        // by its tick rows, once.
        let read = panels.iter().any(|p| p.kind == PanelKind::Data && (p.x.is_some() || p.y.is_some()));
        if !read && !tried_frameless {
            tried_frameless = true;
            let frames = frameless::frames_from_ticks(f.segs, f.labels, f.fig, f.opts);
            if !frames.is_empty() {
                classified.splice(0..0, frames.into_iter().map(|r| (r, PanelKind::Data)));
                continue;
            }
        }
        warnings.extend(w);
        return Calibrated { panels, rects, nested };
    }
}

/// A data frame that read no axis and holds another data-frame candidate.
fn container(panels: &[Panel], classified: &[(Rect, PanelKind)], containers: &[Rect], tol: f64) -> Option<Rect> {
    panels
        .iter()
        .find(|p| {
            p.kind == PanelKind::Data
                && p.x.is_none()
                && p.y.is_none()
                && classified.iter().any(|(c, k)| {
                    *k == PanelKind::Data
                        && !rect_close(*c, p.rect, tol)
                        && !containers.contains(c)
                        && contains(p.rect, *c, tol)
                })
        })
        .map(|p| p.rect)
}

/// Colour bars inside frames that read no axis (the frame was a legend box around the bar) are
/// calibrated as panels of their own; returns the bars so hosted.
pub(super) fn host_colour_bars(f: &Figure, c: &mut Calibrated, warnings: &mut Vec<Warning>) -> Vec<Rect> {
    let empty: Vec<Rect> = c
        .panels
        .iter()
        .filter(|p| p.kind == PanelKind::Data && p.x.is_none() && p.y.is_none())
        .map(|p| p.rect)
        .collect();
    let mut hosted: Vec<Rect> = Vec::new();
    for &(bar, holder) in &c.nested {
        if !empty.contains(&holder) || hosted.iter().any(|h| contains(*h, bar, f.tol)) {
            continue;
        }
        hosted.push(bar);
        c.rects.push(bar);
        let frame = c.panels.len();
        let fc = FrameCtx { rects: &c.rects, labels: f.labels, segs: f.segs, opts: f.opts, overrides: f.overrides };
        c.panels.push(calibrate_frame(frame, bar, PanelKind::ColourBar, &fc, warnings));
    }
    hosted
}

/// Drop the frames that read no axis: a colour bar stays (with a warning), a data frame is
/// reported as unreadable unless it is a legend box around a hosted bar.
pub(super) fn drop_unread(
    f: &Figure,
    panels: &mut Vec<Panel>,
    hosted: &[Rect],
    warnings: &mut Vec<Warning>,
) -> Vec<Unreadable> {
    let mut uncalibrated = Vec::new();
    panels.retain(|p| {
        if p.x.is_some() || p.y.is_some() {
            return true;
        }
        if p.kind == PanelKind::ColourBar {
            warnings.push(Warning::new(
                WarningKind::ColourScale,
                format!("colour bar at ({:.2}, {:.2}) has no readable axis", p.rect.x0, p.rect.y0),
            ));
            return true;
        }
        if !hosted.iter().any(|b| contains(p.rect, *b, f.tol)) {
            uncalibrated.push(Unreadable {
                frame: p.index,
                rect: p.rect,
                x_marks: tick_mark_positions(Dir::X, p.rect, f.segs, f.opts),
                y_marks: tick_mark_positions(Dir::Y, p.rect, f.segs, f.opts),
            });
        }
        false
    });
    uncalibrated
}

/// Number the kept panels and name them and their axes from the captions around them. Warnings
/// name frames by calibration order; they are renamed by the panels kept (none for a frame that
/// was dropped: the uncalibrated list reports it).
pub(super) fn name_panels(panels: &mut [Panel], captions: &[Caption], opts: &AxesOptions, warnings: &mut [Warning]) {
    for w in warnings.iter_mut() {
        w.panel = w.panel.and_then(|f| panels.iter().position(|p| p.index == f));
    }
    for (i, p) in panels.iter_mut().enumerate() {
        p.index = i;
        p.title = caption_near(captions, p.rect, Side::Top, opts);
        let rect = p.rect;
        if let Some(a) = p.x.as_mut() {
            a.title = caption_near(captions, rect, Side::Bottom, opts);
        }
        if let Some(a) = p.y.as_mut() {
            a.title = caption_near(captions, rect, Side::Left, opts)
                .or_else(|| caption_near(captions, rect, Side::Right, opts));
        }
        if let Some(a) = p.y2.as_mut() {
            a.title = caption_near(captions, rect, Side::Right, opts);
        }
    }
}
