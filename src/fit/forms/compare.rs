//! `--compare`: several forms fitted on all runs and held out the same way, side by side, and the
//! form the held-out error favours; beside it, the pick on the held-out frontier runs (each
//! held-out budget's lowest loss), which every form predicts, `compute` included. The data-constrained form (files with unique tokens) is
//! fitted by its own joint procedure ([`super::dc`]) and scored like the others.
//!
//! The pick: the lowest median held-out relative error, except that a form with fewer parameters
//! whose error is within [`CompareOptions::tie_rtol`] of the lowest is preferred (a richer form
//! nesting the true one predicts about as well, and the difference is then noise). The compute
//! form predicts only the frontier runs, so it is scored on those and picked only when it is the
//! only form compared.

use super::super::budgets::BudgetOptions;
use super::super::data::FitData;
use super::super::error::FitError;
use super::super::holdout::Holdout;
use super::super::objective::LocalSettings;
use super::LawForm;
use super::dc::dc_entry;
use super::holdout::{FormHoldout, form_holdout};
use super::result::{FormBootstrap, fit_form};
use serde::{Deserialize, Serialize};

/// Options of [`compare`]. Every default is stated and why.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareOptions {
    /// Forms to compare.
    pub forms: Vec<LawForm>,
    /// What to hold out. Default `largest:1`: the extrapolation a scaling law is used for.
    pub holdout: Holdout,
    /// Bootstrap resamples per fold and form for the prediction band. Default 200: 2.5/97.5
    /// percentiles to a few percent, and forms times folds multiply the cost.
    pub resamples: usize,
    /// Seed. Default 0.
    pub seed: u64,
    /// A form with fewer parameters is picked when its median held-out error is within this
    /// fraction of the lowest. Default 0.1: with tens of held-out runs the median's own sampling
    /// error is about that size.
    pub tie_rtol: f64,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions { forms: Vec::new(), holdout: Holdout::Largest(1), resamples: 200, seed: 0, tie_rtol: 0.1 }
    }
}

/// One form's row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareEntry {
    /// The form.
    pub form: LawForm,
    /// Its parameters.
    pub n_params: usize,
    /// Runs it is fitted on (all, or the compute form's frontier).
    pub runs: usize,
    /// Best objective on those runs.
    pub objective: f64,
    /// Starts that reached it, of how many.
    pub n_reached_best: usize,
    /// Starts.
    pub n_starts: usize,
    /// Held-out prediction errors and band coverage.
    pub holdout: FormHoldout,
}

/// The comparison (fit.json's `compare`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareReport {
    /// What was held out.
    pub holdout: Holdout,
    /// One row per form, in the order asked.
    pub entries: Vec<CompareEntry>,
    /// The form the held-out error favours.
    pub pick: Option<LawForm>,
    /// The form the held-out frontier error favours (each held-out budget's lowest loss, which
    /// every form predicts, `compute` included), by the same rule.
    #[serde(default)]
    pub pick_frontier: Option<LawForm>,
    /// The pick's tie rule.
    pub tie_rtol: f64,
}

/// Fit and hold out every form; see the module docs.
pub fn compare(
    data: &FitData,
    b: &BudgetOptions,
    s: &LocalSettings,
    o: &CompareOptions,
) -> Result<CompareReport, FitError> {
    let mut entries = Vec::with_capacity(o.forms.len());
    for &form in &o.forms {
        let entry = match form {
            LawForm::DataConstrained => dc_entry(data, o, b, s),
            _ => law_entry(data, form, o, b, s),
        };
        entries.push(entry.map_err(|e| named(form, e))?);
    }
    let pick_frontier = lowest(entries.iter().collect(), o.tie_rtol, |h| h.frontier_median_rel_err);
    let pick = pick(&entries, o.tie_rtol);
    Ok(CompareReport { holdout: o.holdout, entries, pick, pick_frontier, tie_rtol: o.tie_rtol })
}

/// The row of a form with a [`super::Model`].
fn law_entry(
    data: &FitData,
    form: LawForm,
    o: &CompareOptions,
    b: &BudgetOptions,
    s: &LocalSettings,
) -> Result<CompareEntry, FitError> {
    let bo = FormBootstrap { resamples: 0, seed: o.seed, not_identified_decades: f64::INFINITY };
    let fit = fit_form(data, form, b, s, &bo)?;
    let held = form_holdout(data, form, o.holdout, b, s, o.resamples, o.seed)?;
    Ok(CompareEntry {
        form,
        n_params: fit.params_internal.len(),
        runs: fit.runs,
        objective: fit.objective,
        n_reached_best: fit.n_reached_best,
        n_starts: fit.n_starts,
        holdout: held,
    })
}

fn named(form: LawForm, e: FitError) -> FitError {
    FitError::Optimizer(format!("--compare, form {}: {e}", form.key()))
}

/// The pick rule of the module docs.
pub fn pick(entries: &[CompareEntry], tie_rtol: f64) -> Option<LawForm> {
    let nd: Vec<&CompareEntry> = entries.iter().filter(|e| e.form != LawForm::Compute).collect();
    let pool: Vec<&CompareEntry> = if nd.is_empty() { entries.iter().collect() } else { nd };
    lowest(pool, tie_rtol, |h| h.median_rel_err)
}

/// The form of `pool` with the lowest `score`, one with fewer parameters preferred within
/// `tie_rtol` of it.
fn lowest(pool: Vec<&CompareEntry>, tie_rtol: f64, score: fn(&FormHoldout) -> f64) -> Option<LawForm> {
    let best = pool.iter().map(|e| score(&e.holdout)).filter(|v| v.is_finite()).fold(f64::INFINITY, f64::min);
    pool.into_iter()
        .filter(|e| score(&e.holdout) <= best * (1.0 + tie_rtol))
        .min_by(|a, b| a.n_params.cmp(&b.n_params).then(score(&a.holdout).total_cmp(&score(&b.holdout))))
        .map(|e| e.form)
}
