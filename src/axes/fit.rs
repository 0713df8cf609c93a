//! Fit: the scale family and map that explain an axis's observed ticks.
//!
//! Contract: given the observed ticks (positions and values), for each scale family a straight
//! line from position to transformed value, with ticks that disagree left out one at a time
//! (leave-one-out residual above the rejection tolerance, while three remain); the best family by
//! fewer rejections, then the smaller residual (or, with two ticks, by the conventions that pick a
//! family when nothing can check it). A less common family replaces linear and log only when it
//! clearly beats them ([`super::family::prefer_other`]); when two families tie, the axis is
//! refused as ambiguous. The fit never decides whether enough ticks agree (see [`super::decide`]).

use super::calibrate::{Note, Observed};
use super::family::{self, Candidate};
use super::{AxisMap, Dir, Scale, along};
use crate::warning::WarningKind;

/// The residual above which a tick is left out of the fit: a small share of the median tick
/// spacing, wider for label-estimated positions and wider still when x labels' widths differ
/// (their centres are estimated from widths).
pub(super) fn reject_tol(o: &Observed) -> f64 {
    let opts = o.ctx.opts;
    let first_chars = o.obs.first().map(|t| o.label(t).chars);
    let widths_differ =
        !o.anchored && o.ctx.dir == Dir::X && o.obs.iter().any(|t| Some(o.label(t).chars) != first_chars);
    if o.anchored {
        opts.reject_anchored * o.med_spacing
    } else {
        opts.reject_label * o.med_spacing + if widths_differ { opts.label_width_em * o.fs } else { 0.0 }
    }
}

/// The best reading over every scale family, or `None` (with a note when two families tie).
pub(super) fn choose_scale(o: &Observed, tol: f64, warnings: &mut Vec<Note>) -> Option<Candidate> {
    let pos: Vec<f64> = o.obs.iter().map(|t| t.pos).collect();
    let mut best: Option<Candidate> = None;
    let mut others: Vec<Candidate> = Vec::new();
    let mut best_rms = f64::INFINITY;
    for scale in Scale::COMMON.into_iter().chain(Scale::OTHERS) {
        let u: Option<Vec<f64>> = o.values.iter().map(|&v| unit(scale).u(v)).collect();
        let Some(u) = u else { continue };
        let Some((keep, fit)) = robust_fit(&pos, &u, tol) else { continue };
        let rms = rms_resid(&pos, &u, &keep, fit);
        if !Scale::COMMON.contains(&scale) {
            // Another family competes only where it can be checked: three or more ticks, and
            // as many agreeing as a fit that leaves one out needs.
            if o.obs.len() >= 3 && keep.iter().filter(|k| **k).count() >= o.ctx.opts.min_agreeing {
                others.push((rms, scale, keep, fit));
            }
            continue;
        }
        let score = common_score(o, scale, &keep, fit, rms);
        if best.as_ref().is_none_or(|b| score < b.0) {
            best = Some((score, scale, keep, fit));
            best_rms = rms;
        }
    }
    let best = best?;
    match family::prefer_other(&best, best_rms, others, o.ctx.opts.family_margin) {
        Ok(Some(other)) => Some(other),
        Ok(None) => Some(best),
        Err((first, second)) => {
            warnings.push((WarningKind::AxisNotRead, format!(
                "{} axis at {:.1}..{:.1} not read: its labels fit a {} and a {} scale equally well (no common scale explains them); give its scale in the figure's profile",
                o.ctx.name(),
                o.lo,
                o.hi,
                first.name(),
                second.name()
            )));
            None
        }
    }
}

/// How well a common family (linear, log) explains the ticks, lower is better: fewer rejected
/// ticks first, then the smaller residual. Two ticks fit any family exactly, so with two the
/// labels between them (by their own positions) decide, or failing those the convention that
/// powers of ten are a log axis.
fn common_score(o: &Observed, scale: Scale, keep: &[bool], fit: (f64, f64), rms: f64) -> f64 {
    if o.obs.len() < 3 && !o.unanchored.is_empty() {
        let (a, b) = fit;
        let labels = o.ctx.labels;
        return o
            .unanchored
            .iter()
            .map(|&li| {
                let l = &labels[li];
                unit(scale)
                    .u(l.value)
                    .map_or(f64::INFINITY, |u| (along(o.ctx.dir, l) - (u - a) / b).abs() / l.font_size)
            })
            .sum::<f64>();
    }
    if o.obs.len() < 3 {
        let log_hint = o.obs.iter().all(|t| o.label(t).power_of_ten) || is_decades(&o.values);
        return if (scale == Scale::Log) == log_hint { 0.0 } else { 1.0 };
    }
    let rejected = keep.iter().filter(|k| !**k).count() as f64;
    rejected * 1e6 * (1.0 + o.med_spacing) + rms
}

/// The family's transform as a map with unit slope and no intercept.
pub(super) fn unit(scale: Scale) -> AxisMap {
    AxisMap { scale, slope: 1.0, intercept: 0.0 }
}

/// Least-squares line u = a + b p; `None` when degenerate.
pub(super) fn linfit(p: &[f64], u: &[f64]) -> Option<(f64, f64)> {
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

/// Whether the values are successive powers of ten (1, 10, 100, …).
pub(super) fn is_decades(v: &[f64]) -> bool {
    v.len() >= 2 && v.iter().all(|&x| x > 0.0 && (x.log10() - x.log10().round()).abs() < 1e-9)
}

/// Fit with iterative leave-one-out rejection: drop the worst point while its residual exceeds
/// `tol` and at least three points remain.
pub(super) fn robust_fit(pos: &[f64], u: &[f64], tol: f64) -> Option<(Vec<bool>, (f64, f64))> {
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

pub(super) fn rms_resid(pos: &[f64], u: &[f64], keep: &[bool], (a, b): (f64, f64)) -> f64 {
    let r: Vec<f64> = pos.iter().zip(u).zip(keep).filter(|(_, k)| **k).map(|((p, u), _)| p - (u - a) / b).collect();
    (r.iter().map(|x| x * x).sum::<f64>() / r.len().max(1) as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
