//! Frame snap: frame ends on round values of the tick step fix the labels' common offset.
//!
//! Many producers (ggplot2's and matplotlib's default limits with round data, gnuplot's
//! auto-extended ranges) end an axis on a tick or on a simple fraction of the tick step. When
//! the labels' spacing gives the scale and the frame's span is a whole number of sub-steps
//! (within [`AxesOptions::span_round_rel`](super::super::AxesOptions::span_round_rel)), the
//! nearest such round values for the frame's ends fix the offset that label metrics only
//! estimate, provided the shift stays within
//! [`AxesOptions::max_snap_em`](super::super::AxesOptions::max_snap_em) font sizes.

use super::super::calibrate::Observed;
use super::super::{AxisMap, Scale, fmt_g};

/// Snap the map `(a, b)` (`u = a + b * position`) through the frame's ends when they land on round
/// values; the note says where, or `None` when they do not.
pub(in crate::axes) fn snap(o: &Observed, scale: Scale, keep: &[bool], ab: &mut (f64, f64)) -> Option<String> {
    let unit = AxisMap { scale, slope: 1.0, intercept: 0.0 };
    let u_used: Vec<f64> =
        o.obs.iter().zip(keep).filter(|(_, k)| **k).map(|(t, _)| unit.u(o.label(t).value).unwrap_or(0.0)).collect();
    let step = tick_step(&u_used, scale);
    if step <= 0.0 {
        return None;
    }
    let (lo, hi) = (o.lo, o.hi);
    let (a, b) = *ab;
    let span_u = (b * (hi - lo)).abs();
    for m in [1.0, 2.0, 4.0, 5.0] {
        let sub = step / m;
        let k = span_u / sub;
        if k.round() < 1.0 || (k - k.round()).abs() > o.ctx.opts.span_round_rel * k {
            continue;
        }
        let u0 = u_used[0];
        let u_lo = a + b * lo;
        let j = ((u_lo - u0) / sub).round();
        let shift = u0 + j * sub - u_lo;
        if (shift / b).abs() > o.ctx.opts.max_snap_em * o.fs {
            continue;
        }
        // Both frame ends are now anchors: pass the map through them exactly.
        let a = a + shift;
        let (u_lo, u_hi) = (a + b * lo, a + b * hi);
        let (u_lo, u_hi) = (u0 + ((u_lo - u0) / sub).round() * sub, u0 + ((u_hi - u0) / sub).round() * sub);
        let b_frame = (u_hi - u_lo) / (hi - lo);
        *ab = (u_lo - b_frame * lo, b_frame);
        let (a, b) = *ab;
        let fmt = |u: f64| match scale {
            Scale::Log => format!("1e{}", fmt_g(u)),
            _ => fmt_g(scale.inverse(u)),
        };
        return Some(format!(
            "frame ends at {} and {} land on whole {} of the tick step (span {} steps); label offset corrected by {:.4} units",
            fmt(a + b * lo),
            fmt(a + b * hi),
            if m == 1.0 { "multiples".to_string() } else { format!("1/{m}") },
            fmt_g(k.round() / m),
            -shift / b
        ));
    }
    None
}

/// The tick step in transformed units: a decade on a log axis whose labels mark decades (minor
/// labels such as 2 and 3 between them do not set it), else the smallest spacing.
fn tick_step(u_used: &[f64], scale: Scale) -> f64 {
    let mut du: Vec<f64> = u_used.windows(2).map(|w| (w[1] - w[0]).abs()).filter(|d| *d > 0.0).collect();
    du.sort_by(f64::total_cmp);
    let decades = u_used.iter().filter(|u| (*u - u.round()).abs() < 1e-9).count();
    if scale == Scale::Log && decades >= 2 { 1.0 } else { du.first().copied().unwrap_or(0.0) }
}
