//! A form's fit and its bootstrap: estimates on the natural scale with SEs (of ln for scale
//! factors) and 95% percentile intervals, the best objective, how many starts reached it, and the
//! solver's termination reason.

use super::super::bootstrap::resample_counts;
use super::super::budgets::{BudgetOptions, budget_groups};
use super::super::data::FitData;
use super::super::error::FitError;
use super::super::objective::LocalSettings;
use super::super::stats::{quantile, sorted, std_dev};
use super::solver::{Search, polish, search};
use super::{Centres, LawForm, Model, Pt};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Fewest budgets for the frontier to be the lowest loss per budget; with fewer, the lower
/// envelope of all runs is used. 3: a three-parameter law needs three budgets at least.
pub const MIN_FRONTIER_BUDGETS: usize = 3;

/// Fewest runs a form is fitted on: one more than the largest number of parameters (5), so every
/// fit has a residual degree of freedom.
pub const MIN_FORM_RUNS: usize = 6;

/// Fewest frontier points for the compute form: its 3 parameters and one to spare.
pub const MIN_FRONTIER_POINTS: usize = 4;

/// One natural-scale parameter with its uncertainty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormParam {
    /// Name.
    pub name: String,
    /// Estimate.
    pub estimate: f64,
    /// Bootstrap SE on the natural scale.
    pub se: f64,
    /// Bootstrap SE of ln(value), for positive scale factors (their spread is skewed).
    pub se_ln: Option<f64>,
    /// Bootstrap 95% percentile interval.
    pub ci95: [f64; 2],
    /// Decades the interval spans, for scale factors whose interval spans more than the
    /// threshold asked for (the data then fix at most its order of magnitude).
    pub not_identified_decades: Option<f64>,
}

/// The bootstrap of a form's fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FormBootstrap {
    /// Resamples (0: none, no intervals).
    pub resamples: usize,
    /// Seed.
    pub seed: u64,
    /// A scale factor whose 95% interval spans more decades than this is flagged not identified
    /// (the fit's own `not_identified_decades`, default 2).
    pub not_identified_decades: f64,
}

/// A form's fit (fit.json's `form_fit`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormFit {
    /// The form.
    pub form: LawForm,
    /// The law in words.
    pub formula: String,
    /// Runs fitted.
    pub runs: usize,
    /// Which runs, when not all (the compute form's frontier).
    pub runs_rule: Option<String>,
    /// Best objective (sum of Huber losses of log residuals).
    pub objective: f64,
    /// L-BFGS starts from the variable-projection grid.
    pub n_starts: usize,
    /// Starts that reached the best objective (within 1e-9 relative).
    pub n_reached_best: usize,
    /// The best start's termination reason.
    pub termination: String,
    /// Its L-BFGS iterations.
    pub iterations: u64,
    /// Natural-scale estimates with bootstrap SEs and intervals.
    pub params: Vec<FormParam>,
    /// Internal (centred) parameters, full precision.
    pub params_internal: Vec<f64>,
    /// Centres of the internal parameters.
    pub centres: Centres,
    /// Bootstrap resamples requested.
    pub resamples: usize,
    /// Resamples without a finite fit.
    pub resamples_failed: usize,
    /// Bootstrap seed.
    pub seed: u64,
}

/// A fit and its bootstrap samples (internal parameters), before summarising.
pub(crate) struct Fitted {
    pub search: Search,
    pub samples: Vec<Vec<f64>>,
    pub failed: usize,
}

/// Global search, then `resamples` bootstrap fits of the runs (L-BFGS warm-started at the optimum;
/// resample k depends only on (seed, k)).
pub(crate) fn fit_points(
    m: &dyn Model,
    pts: &[Pt],
    c: &Centres,
    s: &LocalSettings,
    resamples: usize,
    seed: u64,
) -> Result<Fitted, FitError> {
    let found = search(m, pts, c, s).map_err(FitError::Optimizer)?;
    let boot: Vec<Option<Vec<f64>>> = (0..resamples)
        .into_par_iter()
        .map(|k| {
            let counts = resample_counts(seed, k as u64, pts.len());
            let sub: Vec<Pt> = pts
                .iter()
                .zip(&counts)
                .filter(|(_, n)| **n > 0)
                .map(|(p, n)| Pt { w: p.w * f64::from(*n), ..*p })
                .collect();
            polish(m, &sub, &found.best.params, s).ok().map(|f| f.params)
        })
        .collect();
    let samples: Vec<Vec<f64>> = boot.into_iter().flatten().collect();
    Ok(Fitted { failed: resamples - samples.len(), search: found, samples })
}

/// The runs a form is fitted on, and the rule in words when not all of them: the compute form
/// takes the lowest loss per budget (or, with fewer than [`MIN_FRONTIER_BUDGETS`] budgets, the
/// runs no cheaper-or-equal run beats).
pub fn form_runs(data: &FitData, form: LawForm, b: &BudgetOptions) -> (Vec<usize>, Option<String>) {
    if form != LawForm::Compute {
        return ((0..data.len()).collect(), None);
    }
    let (groups, _) = budget_groups(data, b);
    if groups.len() >= MIN_FRONTIER_BUDGETS {
        let lowest = |g: &Vec<usize>| g.iter().copied().min_by(|&i, &j| data.loss[i].total_cmp(&data.loss[j]));
        let runs: Vec<usize> = groups.iter().filter_map(lowest).collect();
        return (runs, Some(format!("the lowest loss in each of {} budgets", groups.len())));
    }
    let mut order: Vec<usize> = (0..data.len()).collect();
    order.sort_by(|&i, &j| data.flops[i].total_cmp(&data.flops[j]).then(data.loss[i].total_cmp(&data.loss[j])));
    let mut best = f64::INFINITY;
    let runs: Vec<usize> = order
        .into_iter()
        .filter(|&i| {
            let on = data.loss[i] < best;
            best = best.min(data.loss[i]);
            on
        })
        .collect();
    let rule = format!("{} runs no cheaper-or-equal run beats (fewer than 3 budgets found)", runs.len());
    (runs, Some(rule))
}

/// Fit `form` on `data` (its runs per [`form_runs`]) with `resamples` bootstrap fits.
pub fn fit_form(
    data: &FitData,
    form: LawForm,
    b: &BudgetOptions,
    s: &LocalSettings,
    bo: &FormBootstrap,
) -> Result<FormFit, FitError> {
    let (resamples, seed) = (bo.resamples, bo.seed);
    let (idx, runs_rule) = form_runs(data, form, b);
    let min = if form == LawForm::Compute { MIN_FRONTIER_POINTS } else { MIN_FORM_RUNS };
    if idx.len() < min {
        return Err(FitError::TooFewPoints { n: idx.len(), min });
    }
    let mut keep = vec![false; data.len()];
    idx.iter().for_each(|&i| keep[i] = true);
    let sub = data.select(&keep);
    let c = Centres::of(&sub);
    let m = form.model().ok_or_else(|| {
        FitError::InvalidOption(format!("form {}: fitted by its own procedure (--form {0})", form.key()))
    })?;
    let fitted = fit_points(m, &c.points(&sub), &c, s, resamples, seed)?;
    let best = &fitted.search.best;
    let est = m.natural(&best.params, &c);
    let nat: Vec<Vec<f64>> = fitted.samples.iter().map(|q| m.natural(q, &c)).collect();
    let params = m
        .names()
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let col: Vec<f64> = nat.iter().map(|v| v[k]).filter(|v| v.is_finite()).collect();
            let sv = sorted(&col);
            let ln: Vec<f64> = col.iter().map(|v| v.ln()).collect();
            let ci95 = [quantile(&sv, 0.025), quantile(&sv, 0.975)];
            let decades = (ci95[1] / ci95[0]).log10();
            FormParam {
                name: name.to_string(),
                estimate: est[k],
                se: std_dev(&col),
                se_ln: m.is_scale(k).then(|| std_dev(&ln)),
                ci95,
                // A NaN width (no resamples) is not evidence of non-identification.
                not_identified_decades: (m.is_scale(k) && decades > bo.not_identified_decades).then_some(decades),
            }
        })
        .collect();
    Ok(FormFit {
        form,
        formula: form.formula().to_string(),
        runs: idx.len(),
        runs_rule,
        objective: best.objective,
        n_starts: fitted.search.n_starts,
        n_reached_best: fitted.search.n_reached_best,
        termination: best.termination.clone(),
        iterations: best.iterations,
        params,
        params_internal: best.params.clone(),
        centres: c,
        resamples,
        resamples_failed: fitted.failed,
        seed,
    })
}
