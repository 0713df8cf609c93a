//! Scale families: the transforms plotting libraries offer between a value and its position.
//!
//! Every family maps a value `v` to a transformed coordinate `u = t(v)` that is linear in the
//! position along the axis (`u = intercept + slope * position`). A reversed axis is any family
//! with a negative slope; a log axis of any base is [`Scale::Log`] with its slope scaled.
//! Families are chosen in calibration by how well each explains the tick labels (see
//! `choose_family`); the common ones (linear, log) first, the others only when they explain
//! every label and the common ones do not.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

/// The transform of an axis. Serialized names are those a profile uses (`scale = "log"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    /// `u = v`.
    Linear,
    /// `u = log10(v)`, `v > 0` (any base: the base only scales the slope).
    Log,
    /// `u = sqrt(v)`, `v >= 0` (ggplot2 `scale_*_sqrt`, Vega `sqrt`, Plot `sqrt`).
    Sqrt,
    /// `u = 1 / v`, `v != 0` (ggplot2 `reciprocal_trans`).
    Reciprocal,
    /// `u = Φ⁻¹(v)`, `0 < v < 1` (ggplot2 `probit_trans`, matplotlib probability axes).
    Probit,
    /// `u = ln(v / (1 − v))`, `0 < v < 1` (ggplot2 `logit_trans`, matplotlib `logit`).
    Logit,
}

impl Scale {
    /// Linear and log are what most axes are; the rest must earn their place (see module docs).
    pub const COMMON: [Scale; 2] = [Scale::Linear, Scale::Log];
    pub const OTHERS: [Scale; 4] = [Scale::Sqrt, Scale::Reciprocal, Scale::Probit, Scale::Logit];

    /// The transformed coordinate of a value, or `None` outside the family's domain.
    pub fn forward(self, v: f64) -> Option<f64> {
        let u = match self {
            Scale::Linear => v,
            Scale::Log if v > 0.0 => v.log10(),
            Scale::Sqrt if v >= 0.0 => v.sqrt(),
            Scale::Reciprocal if v != 0.0 => 1.0 / v,
            Scale::Probit if v > 0.0 && v < 1.0 => probit(v),
            Scale::Logit if v > 0.0 && v < 1.0 => (v / (1.0 - v)).ln(),
            _ => return None,
        };
        u.is_finite().then_some(u)
    }

    /// The value at a transformed coordinate (NaN where the family has none, e.g. sqrt of u < 0).
    pub fn inverse(self, u: f64) -> f64 {
        match self {
            Scale::Linear => u,
            Scale::Log => 10f64.powf(u),
            Scale::Sqrt if u >= 0.0 => u * u,
            Scale::Sqrt => f64::NAN,
            Scale::Reciprocal => 1.0 / u,
            Scale::Probit => standard_normal().cdf(u),
            Scale::Logit => 1.0 / (1.0 + (-u).exp()),
        }
    }

    /// Lower-case name, as in profiles and figure.json.
    pub fn name(self) -> &'static str {
        match self {
            Scale::Linear => "linear",
            Scale::Log => "log",
            Scale::Sqrt => "sqrt",
            Scale::Reciprocal => "reciprocal",
            Scale::Probit => "probit",
            Scale::Logit => "logit",
        }
    }

    /// The value as a function of `u`, for reports.
    pub fn value_formula(self) -> &'static str {
        match self {
            Scale::Linear => "u",
            Scale::Log => "10^u",
            Scale::Sqrt => "u^2",
            Scale::Reciprocal => "1/u",
            Scale::Probit => "Phi(u)",
            Scale::Logit => "1/(1+exp(-u))",
        }
    }
}

/// A candidate reading: (score or RMS residual, family, ticks kept, (intercept, slope)).
pub(super) type Candidate = (f64, Scale, Vec<bool>, (f64, f64));

/// Whether a less common family should replace the best common one. `others` hold the other
/// families' readings with their RMS residual first; `common_rms` is the common reading's. Fewer
/// rejected ticks win outright; at equal rejections a family must fit with at most `margin` times
/// the runner-up's residual. The common reading stands unless another beats it so; `Err` names
/// the two families when the best other is not clearly ahead of its runner-up.
pub(super) fn prefer_other(
    common: &Candidate,
    common_rms: f64,
    mut others: Vec<Candidate>,
    margin: f64,
) -> Result<Option<Candidate>, (Scale, Scale)> {
    let rejected = |c: &Candidate| c.2.iter().filter(|k| !**k).count();
    others.sort_by(|a, b| rejected(a).cmp(&rejected(b)).then(a.0.total_cmp(&b.0)));
    let Some(first) = others.first() else { return Ok(None) };
    let beats = |rej: usize, rms: f64| rejected(first) < rej || (rejected(first) == rej && first.0 <= margin * rms);
    if !beats(rejected(common), common_rms) {
        return Ok(None);
    }
    match others.get(1) {
        Some(second) if !beats(rejected(second), second.0) => Err((first.1, second.1)),
        _ => Ok(others.into_iter().next()),
    }
}

/// Φ⁻¹(v): statrs's inverse CDF is an approximation good to about 1e-9, short of the 1e-12 the
/// calibration compares residuals at, so two Newton steps on its (accurate) CDF polish it.
fn probit(v: f64) -> f64 {
    let n = standard_normal();
    let mut u = n.inverse_cdf(v);
    for _ in 0..2 {
        let d = statrs::distribution::Continuous::pdf(&n, u);
        if d > 0.0 {
            u -= (n.cdf(u) - v) / d;
        }
    }
    u
}

fn standard_normal() -> Normal {
    // Mean 0 and standard deviation 1 are valid parameters, so this cannot fail.
    Normal::standard()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_round_trips_inside_its_domain() {
        for s in Scale::COMMON.into_iter().chain(Scale::OTHERS) {
            for v in [0.05, 0.2, 0.5, 0.93] {
                let u = s.forward(v).unwrap();
                assert!((s.inverse(u) - v).abs() < 1e-12, "{s:?} {v}");
            }
        }
    }

    #[test]
    fn values_outside_a_domain_have_no_coordinate() {
        assert_eq!(Scale::Log.forward(0.0), None);
        assert_eq!(Scale::Probit.forward(1.0), None);
        assert_eq!(Scale::Logit.forward(-0.1), None);
        assert_eq!(Scale::Sqrt.forward(-1.0), None);
        assert_eq!(Scale::Reciprocal.forward(0.0), None);
    }
}
