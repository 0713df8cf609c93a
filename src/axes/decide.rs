//! Decide: accept an axis's reading, or refuse it with a reason.
//!
//! Contract: given the observed ticks and the fitted family and map, whether enough ticks agree
//! (a fit that leaves ticks out must keep at least [`AxesOptions::min_agreeing`] and reject at
//! most [`AxesOptions::max_rejected_share`]), whether an offset resting on font metrics alone may
//! stand ([`AxesOptions::accept_label_metrics`]), and the accepted axis's ticks with their
//! residuals and the evidence that fixed them. A refusal is a note naming the axis and why: a
//! wrong number that looks right is worse than none.

use super::calibrate::{Note, Observed};
use super::fit::unit;
use super::{AnchorKind, AxesOptions, AxisMap, Dir, Label, Scale, Tick, along};
use crate::scene::TextAnchor;
use crate::warning::WarningKind;

/// `Ok` when enough ticks agree with the fit `(a, b)` of `scale`; labels left without an anchor
/// on an anchored axis must agree too (loosely: their positions are label estimates), and those
/// that do not count as rejected.
pub(super) fn enough_agree(o: &Observed, scale: Scale, keep: &[bool], (a, b): (f64, f64)) -> Result<(), Note> {
    let opts = o.ctx.opts;
    let bad_unanchored = o
        .unanchored
        .iter()
        .filter(|&&li| {
            let l = &o.ctx.labels[li];
            let u = unit(scale).u(l.value);
            u.is_none_or(|u| (along(o.ctx.dir, l) - (u - a) / b).abs() > opts.unanchored_em * l.font_size)
        })
        .count();
    let n_rejected = keep.iter().filter(|k| !**k).count() + bad_unanchored;
    let n_total = keep.len() + o.unanchored.len();
    let n_kept = keep.iter().filter(|k| **k).count();
    let (name, lo, hi) = (o.ctx.name(), o.lo, o.hi);
    if n_rejected > 0 && n_kept < opts.min_agreeing {
        return Err((
            WarningKind::AxisNotRead,
            format!(
                "{name} axis at {lo:.1}..{hi:.1} not read: {n_rejected} of {n_total} ticks disagree with the others and only {n_kept} agree, too few to check a scale",
            ),
        ));
    }
    if n_rejected > 0 && n_rejected as f64 > opts.max_rejected_share * n_total as f64 {
        return Err((
            WarningKind::AxisNotRead,
            format!(
                "{name} axis at {lo:.1}..{hi:.1} not read: {n_rejected} of {n_total} ticks disagree with any one scale (linear, log, sqrt, reciprocal, probit, logit)",
            ),
        ));
    }
    Ok(())
}

/// The evidence of an anchored axis: each kept tick's anchor, where, and for which label.
pub(super) fn anchor_notes(o: &Observed, keep: &[bool]) -> Vec<String> {
    o.obs
        .iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(t, _)| format!("{:?} at {} for '{}'", t.anchor, t.pos, o.label(t).text).to_lowercase())
        .collect()
}

/// An axis positioned by its labels with no geometry to fix its offset: exact when every label
/// gives its tick exactly (a flush end, or a centred x label written by one run); otherwise its
/// offset is a font-metric estimate, refused (`Err`) unless the options accept it, and then
/// warned of as approximate.
pub(super) fn label_metrics(o: &Observed, warnings: &mut Vec<Note>) -> Result<(), Note> {
    let dir = o.ctx.dir;
    let exact = o.obs.iter().all(|t| t.anchor == AnchorKind::FrameEnd || dir == Dir::X && exact_along_x(o.label(t)));
    if exact {
        return Ok(());
    }
    let (name, lo, hi) = (o.ctx.name(), o.lo, o.hi);
    if !o.ctx.opts.accept_label_metrics {
        return Err((
            WarningKind::AxisNotRead,
            format!(
                "{name} axis at {lo:.1}..{hi:.1} not read: no tick marks, grid lines or round frame ends, and its labels' positions are font-metric estimates (about ±0.1 em); give its ticks in the figure's profile"
            ),
        ));
    }
    warnings.push((WarningKind::AxisApproximate, format!(
        "{name} axis at {lo:.1}..{hi:.1}: no tick marks, grid lines or round frame ends; offset from label metrics (approximate, about ±0.1 em)"
    )));
    Ok(())
}

/// A label whose x is its tick's exactly: one unturned text run anchored at its middle.
fn exact_along_x(l: &Label) -> bool {
    // The label's centre is computed from the run's ends, so it meets the anchor only to rounding.
    l.turned.is_none() && matches!(l.anchor_x, Some((TextAnchor::Middle, x)) if (x - l.cx).abs() <= 1e-9 * l.font_size)
}

/// The accepted axis's ticks in order along it: the fitted ones (used or rejected), then labels
/// with no anchor on an anchored axis, checked against the fit by their own position.
pub(super) fn ticks(o: &Observed, keep: &[bool], map: AxisMap) -> Vec<Tick> {
    let mut ticks: Vec<Tick> = o
        .obs
        .iter()
        .zip(keep)
        .map(|(t, k)| {
            let l = o.label(t);
            Tick {
                label: l.text.clone(),
                value: l.value,
                position: t.pos,
                anchor: t.anchor,
                residual: map.position(l.value).map_or(f64::NAN, |p| t.pos - p),
                used: *k,
                checked: false,
                source: l.source.clone(),
            }
        })
        .collect();
    ticks.extend(o.unanchored.iter().map(|&li| unanchored_tick(&o.ctx.labels[li], o.ctx.dir, map, o.ctx.opts)));
    ticks.sort_by(|x, y| x.position.total_cmp(&y.position));
    ticks
}

/// A label with no anchor on an anchored axis, checked against the fit within
/// [`AxesOptions::unanchored_em`] font sizes.
fn unanchored_tick(l: &Label, dir: Dir, map: AxisMap, opts: &AxesOptions) -> Tick {
    let p = along(dir, l);
    let residual = map.position(l.value).map_or(f64::NAN, |q| p - q);
    Tick {
        label: l.text.clone(),
        value: l.value,
        position: p,
        anchor: AnchorKind::Label,
        residual,
        used: false,
        checked: residual.abs() <= opts.unanchored_em * l.font_size,
        source: l.source.clone(),
    }
}
