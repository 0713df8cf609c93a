//! The per-point loss the fit minimises on log-loss residuals: Huber (the replication's), squared
//! or absolute error. All three are Huber losses with some delta, so one objective serves them.

use super::error::FitError;
use super::objective::HUBER_DELTA;
use serde::{Deserialize, Serialize};

/// Delta standing in for "no Huber tail" (squared error everywhere): larger than any residual.
const MSE_DELTA: f64 = f64::MAX;

/// Delta standing in for absolute error: Huber(r) = delta (|r| - delta/2), proportional to |r|
/// for any residual the data can have (log-loss residuals are far above 1e-9).
const MAE_DELTA: f64 = 1e-9;

/// A per-point loss on log residuals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// Huber with this delta (default 1e-3, the replication's).
    Huber(f64),
    /// Squared error r^2 / 2.
    Mse,
    /// Absolute error, as Huber with delta 1e-9 (objective = 1e-9 x sum |r|, up to 5e-19 a point).
    Mae,
}

impl Default for Loss {
    fn default() -> Self {
        Loss::Huber(HUBER_DELTA)
    }
}

impl Loss {
    /// The Huber delta that implements the loss.
    pub fn delta(self) -> f64 {
        match self {
            Loss::Huber(d) => d,
            Loss::Mse => MSE_DELTA,
            Loss::Mae => MAE_DELTA,
        }
    }

    /// Parse `huber:DELTA`, `huber`, `mse` or `mae`.
    pub fn parse(s: &str) -> Result<Loss, FitError> {
        let bad = || FitError::InvalidOption(format!("--loss `{s}`: expected huber:DELTA (DELTA > 0), mse or mae"));
        match s.trim() {
            "mse" => Ok(Loss::Mse),
            "mae" => Ok(Loss::Mae),
            "huber" => Ok(Loss::default()),
            other => {
                let d: f64 = other.strip_prefix("huber:").ok_or_else(bad)?.trim().parse().map_err(|_| bad())?;
                if d.is_finite() && d > 0.0 { Ok(Loss::Huber(d)) } else { Err(bad()) }
            }
        }
    }
}

impl std::fmt::Display for Loss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Loss::Huber(d) => write!(f, "Huber loss (delta = {d})"),
            Loss::Mse => write!(f, "squared error / 2"),
            Loss::Mae => write!(f, "absolute error (as Huber, delta = {MAE_DELTA})"),
        }
    }
}
