//! A reference law the user names (`--reference hoffmann|FILE`), and the tests of the fit against
//! it: chi-squared with the bootstrap covariance and a likelihood ratio under the Huber
//! likelihood. Without a named reference there are no tests: another dataset's loss scale makes
//! any fixed law fail trivially, and that says nothing.

use super::error::FitError;
use super::objective::{LogData, huber, objective};
use super::policy::HOFFMANN;
use super::report::{TestResult, Tests};
use super::stats::{chi2_log10_upper, chi2_upper, covariance, huber_nll, solve5};
use serde::{Deserialize, Serialize};

/// A law to test the fit against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// Its name in the report (`Hoffmann et al.` or the file given).
    pub name: String,
    /// [a, b, e, alpha, beta] (logs of A, B, E).
    pub params_log: [f64; 5],
}

/// The natural-scale parameters a reference file may give instead of a fit.json.
#[derive(Deserialize)]
struct NaturalParams {
    #[serde(rename = "A")]
    a: f64,
    #[serde(rename = "B")]
    b: f64,
    #[serde(rename = "E")]
    e: f64,
    alpha: f64,
    beta: f64,
}

/// A fit.json (its `params_log`).
#[derive(Deserialize)]
struct FitJson {
    params_log: [f64; 5],
}

impl Reference {
    /// Hoffmann et al. (2022), unrounded.
    pub fn hoffmann() -> Self {
        Reference { name: "Hoffmann et al.".into(), params_log: HOFFMANN }
    }

    /// From a JSON text: a fit.json, or an object with `A`, `B`, `E`, `alpha`, `beta`.
    pub fn from_json(name: &str, text: &str) -> Result<Self, FitError> {
        let params_log = if let Ok(f) = serde_json::from_str::<FitJson>(text) {
            f.params_log
        } else {
            let p: NaturalParams = serde_json::from_str(text).map_err(|e| {
                FitError::InvalidOption(format!(
                    "reference {name}: neither a fit.json nor {{\"A\", \"B\", \"E\", \"alpha\", \"beta\"}}: {e}"
                ))
            })?;
            [p.a.ln(), p.b.ln(), p.e.ln(), p.alpha, p.beta]
        };
        if params_log.iter().any(|x| !x.is_finite()) {
            return Err(FitError::InvalidOption(format!("reference {name}: A, B, E must be > 0, all finite")));
        }
        Ok(Reference { name: name.to_string(), params_log })
    }
}

/// A test statistic with its upper-tail p-value, in log10 as well so that it survives underflow.
pub fn chi2_test(statistic: f64, df: f64) -> TestResult {
    TestResult { statistic, df, p_value: chi2_upper(statistic, df), log10_p: chi2_log10_upper(statistic, df) }
}

/// Test the fit `p` (objective `best_objective` on `ld`) against `r`; `samples` are the bootstrap fits.
pub fn test_against(
    r: &Reference,
    ld: &LogData,
    p: &[f64; 5],
    best_objective: f64,
    samples: &[[f64; 5]],
    delta: f64,
) -> Tests {
    let cov = covariance(samples);
    let diff: [f64; 5] = std::array::from_fn(|k| p[k] - r.params_log[k]);
    let chi2 = solve5(&cov, &diff).map(|x| (0..5).map(|k| x[k] * diff[k]).sum::<f64>()).unwrap_or(f64::NAN);
    let n = ld.ln_l.len() as f64;
    let obj_r = objective(ld, &r.params_log, delta);
    let (nll_f, sig_f) = huber_nll(best_objective, n, delta);
    let (nll_r, sig_r) = huber_nll(obj_r, n, delta);
    let lrt = (2.0 * (nll_r - nll_f)).max(0.0);
    let r_f = ld.residuals(p);
    let r_r = ld.residuals(&r.params_log);
    let worse = r_f.iter().zip(&r_r).filter(|(f, h)| huber(**h, delta) > huber(**f, delta)).count();
    Tests {
        reference: r.clone(),
        chi2: chi2_test(chi2, 5.0),
        lrt: chi2_test(lrt, 5.0),
        huber_sigma: [sig_f, sig_r],
        share_points_worse_under_reference: worse as f64 / n,
        objective_at_reference: obj_r,
    }
}

/// A p-value for print: scientific while representable, else as a power of ten.
pub fn p_text(t: &TestResult) -> String {
    if t.p_value >= 1e-300 { format!("{:.2e}", t.p_value) } else { format!("10^{:.1}", t.log10_p) }
}
