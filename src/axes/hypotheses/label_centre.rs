//! Label centres: an x label centred on its tick gives the tick better than a rounded mark.
//!
//! Vega rounds tick marks to whole units (`tickRound`) but writes each label at its exact
//! position: an x label centred on its tick (text-anchor middle, one run) then places the tick
//! better than its mark. Such centres, each within half a unit (the rounding) of the label's
//! mark, replace the marks when they fit the axis's scale much more closely than the marks do
//! ([`AxesOptions::centred_rms_ratio`](super::super::AxesOptions::centred_rms_ratio)).

use super::super::calibrate::{Obs, Observed};
use super::super::fit::{linfit, rms_resid};
use super::super::{AnchorKind, AxisMap, Dir, Scale, fmt_g};
use crate::scene::TextAnchor;

/// Move an anchored x axis's ticks from their rounded marks to their labels' centres when the
/// centres fit much better; the notes name each label moved.
pub(in crate::axes) fn replace_rounded_marks(o: &mut Observed) -> Vec<String> {
    let mut notes = Vec::new();
    if !(o.anchored && o.ctx.dir == Dir::X && o.obs.len() >= 3) {
        return notes;
    }
    let labels = o.ctx.labels;
    let half = o.ctx.opts.tick_round_half;
    let centre = |t: &Obs| match labels[t.label].anchor_x {
        Some((TextAnchor::Middle, x)) if t.anchor != AnchorKind::FrameEnd && (x - t.pos).abs() <= half => Some(x),
        _ => None,
    };
    let marks: Vec<f64> = o.obs.iter().map(|t| t.pos).collect();
    let alt: Vec<f64> = o.obs.iter().map(|t| centre(t).unwrap_or(t.pos)).collect();
    if alt != marks && best_rms(&o.values, &alt) < o.ctx.opts.centred_rms_ratio * best_rms(&o.values, &marks) {
        for (t, x) in o.obs.iter_mut().zip(&alt) {
            if *x != t.pos {
                notes.push(format!(
                    "label '{}' centred at {} (its mark at {}, rounded)",
                    labels[t.label].text,
                    fmt_g(*x),
                    fmt_g(t.pos)
                ));
                t.pos = *x;
            }
        }
    }
    notes
}

/// The smaller RMS residual of a linear and a log fit of the values at positions `p`.
fn best_rms(values: &[f64], p: &[f64]) -> f64 {
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
}
