//! Rounded ticks: tick marks rounded to whole units still bound the labels' common offset.
//!
//! Vega rounds tick marks to whole units (`tickRound`): each true tick lies within half a unit
//! of its drawn mark, so on an axis positioned by its labels the labels' common offset lies in
//! the intersection of those intervals. Three or more marks on whole units whose intervals meet
//! in less than half a unit ([`AxesOptions::tick_round_half`](super::super::AxesOptions::tick_round_half)) fix the offset to the middle of that intersection.

use super::super::anchors::Anchors;
use super::super::calibrate::Observed;
use super::super::{AxisMap, Scale};

/// Shift the map `(a, b)` (`u = a + b * position`) to the middle of the offsets the rounded tick
/// marks allow; the note says by how much, or `None` when the marks do not bound it.
pub(in crate::axes) fn bound_offset(o: &Observed, m: &Anchors, scale: Scale, ab: &mut (f64, f64)) -> Option<String> {
    let unit = AxisMap { scale, slope: 1.0, intercept: 0.0 };
    let (a, b) = *ab;
    let half = o.ctx.opts.tick_round_half;
    let mut lo_c = f64::NEG_INFINITY;
    let mut hi_c = f64::INFINITY;
    let mut n = 0;
    for t in &o.obs {
        let Some(ai) = m.of_label[t.label] else { continue };
        let at = m.at[ai].0;
        // A mark off whole units was not rounded: the rule does not apply.
        if (at - at.round()).abs() > 1e-9 {
            return None;
        }
        let Some(u) = unit.u(o.label(t).value) else { continue };
        let p_hat = (u - a) / b;
        lo_c = lo_c.max(p_hat - at - half);
        hi_c = hi_c.min(p_hat - at + half);
        n += 1;
    }
    if !(n >= 3 && lo_c <= hi_c && hi_c - lo_c < half) {
        return None;
    }
    let c = (lo_c + hi_c) / 2.0;
    ab.0 = a + b * c;
    Some(format!(
        "offset from {n} tick marks rounded to whole units: label offset {c:.4} (within ±{:.4})",
        (hi_c - lo_c) / 2.0
    ))
}
