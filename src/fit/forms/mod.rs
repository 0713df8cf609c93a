//! Alternative laws, each its own small model: `no-e`, `tied` (alpha = beta), Kaplan et al.
//! (2020)'s L(N, D), and the compute frontier L(C); Chinchilla's law too, so `--compare` treats
//! every form alike.
//!
//! Layout, in the spirit of argmin: a model ([`Model`]: its log prediction with gradient, its
//! variable-projection basis and its natural parameters) is separate from the cost ([`cost`]: the
//! weighted Huber sum of log residuals), from the solver ([`solver`]: variable projection on the
//! model's exponent grid, then L-BFGS from the best few cells) and from the result ([`result`]:
//! estimates, bootstrap intervals, best objective, starts that reached it, termination reason).
//!
//! Every model works on centred logs (x = ln N - mean, z = ln D - mean, c = ln C - mean), which
//! removes the strong coupling between a coefficient and its exponent; [`Centres`] turns the
//! internal parameters back into natural ones.

mod chinchilla;
pub(crate) mod compare;
mod compute;
pub(crate) mod cost;
mod dc;
pub(crate) mod holdout;
mod kaplan;
pub(crate) mod markdown;
mod no_e;
pub(crate) mod result;
pub(crate) mod solver;
mod tied;

use super::data::FitData;
use super::error::FitError;
use serde::{Deserialize, Serialize};

pub use compare::{CompareEntry, CompareOptions, CompareReport};
pub use result::{FormFit, FormParam};

/// One run on centred logs, with its weight (a bootstrap multiplicity; 1 for a plain fit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pt {
    /// ln N - centre.
    pub x: f64,
    /// ln D - centre.
    pub z: f64,
    /// ln C - centre.
    pub c: f64,
    /// ln L (not centred).
    pub y: f64,
    /// Weight.
    pub w: f64,
}

/// Means of ln N, ln D, ln C and ln L of the fitted runs: the origin of the internal parameters.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Centres {
    /// Mean ln N.
    pub n: f64,
    /// Mean ln D.
    pub d: f64,
    /// Mean ln C.
    pub c: f64,
    /// Mean ln L.
    pub l: f64,
}

impl Centres {
    /// Means over `data`'s runs.
    pub fn of(data: &FitData) -> Self {
        let m = |v: &[f64]| v.iter().map(|x| x.ln()).sum::<f64>() / v.len().max(1) as f64;
        Centres { n: m(&data.n), d: m(&data.d), c: m(&data.flops), l: m(&data.loss) }
    }

    /// `data`'s runs on these centres, unit weights.
    pub fn points(&self, data: &FitData) -> Vec<Pt> {
        (0..data.len())
            .map(|i| Pt {
                x: data.n[i].ln() - self.n,
                z: data.d[i].ln() - self.d,
                c: data.flops[i].ln() - self.c,
                y: data.loss[i].ln(),
                w: 1.0,
            })
            .collect()
    }
}

/// Most columns a model's variable projection uses (E and two power terms).
pub const MAX_COLUMNS: usize = 3;

/// A law: log prediction with gradient, variable-projection basis, natural parameters.
pub trait Model: Sync {
    /// Internal parameters.
    fn dim(&self) -> usize;
    /// ln L_hat at `pt`; when `grad` is given, its gradient in the internal parameters.
    fn log_pred(&self, p: &[f64], pt: &Pt, grad: Option<&mut [f64]>) -> f64;
    /// Axes of the nonlinear-parameter grid (one or two).
    fn grid(&self) -> Vec<Vec<f64>>;
    /// For grid point `theta`: the target the linear coefficients fit at `pt`, and the columns
    /// (unused ones 0); coefficients are non-negative.
    fn basis(&self, theta: &[f64], pt: &Pt, c: &Centres) -> (f64, [f64; MAX_COLUMNS]);
    /// Internal parameters from a grid point and its coefficients.
    fn params_of_projection(&self, theta: &[f64], coef: [f64; MAX_COLUMNS], c: &Centres) -> Vec<f64>;
    /// Natural-scale parameters, in the order of [`Model::names`].
    fn natural(&self, p: &[f64], c: &Centres) -> Vec<f64>;
    /// Names of the natural parameters.
    fn names(&self) -> &'static [&'static str];
    /// Which natural parameters are positive scale factors (their uncertainty reads on the log scale).
    fn is_scale(&self, k: usize) -> bool;
}

/// The law a form fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LawForm {
    /// L = E + A/N^alpha + B/D^beta.
    Chinchilla,
    /// L = A/N^alpha + B/D^beta.
    NoE,
    /// L = E + A/N^alpha + B/D^alpha.
    Tied,
    /// L = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D (Kaplan et al. 2020).
    Kaplan,
    /// L(C) = E + A/C^alpha on the compute-optimal frontier (the lowest loss per budget).
    Compute,
    /// Muennighoff et al. (2023)'s law for repeated data (fitted by [`crate::fit::data_constrained`]'s
    /// procedure, not by a [`Model`]; only in `--compare` among these forms).
    DataConstrained,
}

impl LawForm {
    /// The form's model (none for the data-constrained form, which has its own procedure).
    pub fn model(self) -> Option<&'static dyn Model> {
        match self {
            LawForm::Chinchilla => Some(&chinchilla::Chinchilla),
            LawForm::NoE => Some(&no_e::NoE),
            LawForm::Tied => Some(&tied::Tied),
            LawForm::Kaplan => Some(&kaplan::Kaplan),
            LawForm::Compute => Some(&compute::Compute),
            LawForm::DataConstrained => None,
        }
    }

    /// Command-line name.
    pub fn key(self) -> &'static str {
        match self {
            LawForm::Chinchilla => "chinchilla",
            LawForm::NoE => "no-e",
            LawForm::Tied => "tied",
            LawForm::Kaplan => "kaplan",
            LawForm::Compute => "compute",
            LawForm::DataConstrained => "data-constrained",
        }
    }

    /// The law in words.
    pub fn formula(self) -> &'static str {
        match self {
            LawForm::Chinchilla => "L = E + A/N^alpha + B/D^beta",
            LawForm::NoE => "L = A/N^alpha + B/D^beta (no irreducible loss)",
            LawForm::Tied => "L = E + A/N^alpha + B/D^alpha (one exponent)",
            LawForm::Kaplan => "L = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D (Kaplan et al. 2020)",
            LawForm::Compute => "L(C) = E + A/C^alpha on the compute-optimal frontier",
            LawForm::DataConstrained => {
                "L = E + A/N'^alpha + B/D'^beta with effective N' and D' for repeated data (Muennighoff et al. 2023)"
            }
        }
    }

    /// Parse a command-line name.
    pub fn parse(s: &str) -> Result<LawForm, FitError> {
        [LawForm::Chinchilla, LawForm::NoE, LawForm::Tied, LawForm::Kaplan, LawForm::Compute, LawForm::DataConstrained]
            .into_iter()
            .find(|f| f.key() == s.trim())
            .ok_or_else(|| {
                FitError::InvalidOption(format!(
                    "form `{s}`: expected chinchilla, no-e, tied, kaplan, compute or data-constrained"
                ))
            })
    }
}

/// ln(sum exp u) over the first `k` entries and the softmax weights (written into `s`).
#[inline]
pub(crate) fn lse(u: &[f64; MAX_COLUMNS], k: usize, s: &mut [f64; MAX_COLUMNS]) -> f64 {
    let m = u[..k].iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut sum = 0.0;
    for j in 0..k {
        s[j] = (u[j] - m).exp();
        sum += s[j];
    }
    for v in s[..k].iter_mut() {
        *v /= sum;
    }
    m + sum.ln()
}

/// Floor for a projected coefficient, so its log stays finite (a zero is a boundary fit).
pub(crate) const COEF_FLOOR: f64 = 1e-8;

/// ln of a projected coefficient, floored.
pub(crate) fn ln_coef(v: f64) -> f64 {
    v.max(COEF_FLOOR).ln()
}

/// Exponent grid shared by the power-law forms: 0.02..2 in steps of 0.02 (0 would make a power
/// term collinear with E; published exponents lie well inside).
pub(crate) fn exponent_axis() -> Vec<f64> {
    (1..=100).map(|k| k as f64 * 0.02).collect()
}

#[cfg(test)]
mod tests;
