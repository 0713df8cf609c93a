//! What a fit's reader must not miss, as typed warnings (rendered in fit.md and on stderr).

use serde::{Deserialize, Serialize};

/// One warning about a fit or a policy drawn from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum FitWarning {
    /// The bootstrap's 95% interval of a coefficient spans orders of magnitude: the data do not
    /// determine it (typically A or B trading off against its exponent).
    NotIdentified {
        /// `A`, `B` or `E`.
        param: String,
        /// Width of the 95% interval in decades.
        decades: f64,
    },
    /// A policy budget lies far beyond the largest compute in the data: an extrapolation.
    BudgetBeyondData {
        /// The budget (FLOPs).
        flops: f64,
        /// Decades beyond the data's largest compute.
        decades: f64,
    },
}

impl std::fmt::Display for FitWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FitWarning::NotIdentified { param, decades } => write!(
                f,
                "{param} is not identified: its bootstrap 95% interval spans {decades:.1} decades, so the data fix \
                 at most its order of magnitude (read its SE on the log scale)"
            ),
            FitWarning::BudgetBeyondData { flops, decades } => write!(
                f,
                "budget {flops:.3e} FLOPs is {decades:.1} decades beyond the data's largest compute: the policy \
                 there is an extrapolation of the fitted law"
            ),
        }
    }
}
