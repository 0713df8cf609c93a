//! Held-out checks: fit without some budgets, predict their runs. `largest:K` holds out the K
//! largest budgets (or, without budgets, the runs at the K largest compute values): the
//! extrapolation a scaling law is used for. `budget` leaves each budget out in turn.
//!
//! Each fold is fitted like the main fit (default search, bootstrap of runs); a held-out run is
//! inside the 95% prediction band when its loss lies between the 2.5th and 97.5th percentiles of
//! bootstrap predictions, each multiplied by a training residual (so the band carries the runs'
//! own scatter, not only the law's uncertainty).

use super::bootstrap::bootstrap;
use super::budgets::{BudgetOptions, budget_groups};
use super::data::{FitData, MIN_POINTS};
use super::error::FitError;
use super::objective::{LocalSettings, LogData};
use super::policy::loss;
use super::search::default_search;
use super::stats::{quantile, sorted};
use serde::{Deserialize, Serialize};

/// Which runs to hold out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Holdout {
    /// The K largest budgets (or compute values).
    Largest(usize),
    /// Each budget in turn.
    EachBudget,
}

impl Holdout {
    /// Parse `largest:K` or `budget`.
    pub fn parse(s: &str) -> Result<Holdout, FitError> {
        let bad = || FitError::InvalidOption(format!("--holdout `{s}`: expected largest:K (K >= 1) or budget"));
        match s.trim() {
            "budget" => Ok(Holdout::EachBudget),
            other => {
                let k: usize = other.strip_prefix("largest:").ok_or_else(bad)?.trim().parse().map_err(|_| bad())?;
                if k >= 1 { Ok(Holdout::Largest(k)) } else { Err(bad()) }
            }
        }
    }
}

/// Options of [`holdout`]. Every default is stated and why.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HoldoutOptions {
    /// Bootstrap resamples per fold for the prediction band. Default 200: enough for 2.5/97.5
    /// percentiles to a few percent, and folds multiply the cost.
    pub resamples: usize,
    /// Seed. Default 0.
    pub seed: u64,
}

impl Default for HoldoutOptions {
    fn default() -> Self {
        HoldoutOptions { resamples: 200, seed: 0 }
    }
}

/// One fold's prediction errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fold {
    /// Compute of the held-out budgets (geometric means), or of the held-out runs.
    pub held_flops: Vec<f64>,
    /// Runs held out.
    pub runs: usize,
    /// Median and max of |L_hat - L| / L over the held-out runs.
    pub median_rel_err: f64,
    /// Max of |L_hat - L| / L.
    pub max_rel_err: f64,
    /// Held-out runs inside the 95% bootstrap prediction band.
    pub inside_band: usize,
}

/// All folds and their pooled figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldoutReport {
    /// What was held out.
    pub mode: Holdout,
    /// Folds.
    pub folds: Vec<Fold>,
    /// Held-out runs over all folds.
    pub runs: usize,
    /// Median relative error over all held-out runs.
    pub median_rel_err: f64,
    /// Max relative error over all held-out runs.
    pub max_rel_err: f64,
    /// Held-out runs inside their fold's 95% prediction band.
    pub inside_band: usize,
}

/// Each fold's held-out budgets, as index sets.
pub(crate) fn folds(data: &FitData, mode: Holdout, b: &BudgetOptions) -> Result<Vec<Vec<Vec<usize>>>, FitError> {
    let (groups, _) = budget_groups(data, b);
    match mode {
        Holdout::EachBudget if groups.len() < 3 => {
            Err(FitError::InvalidOption(format!("--holdout budget: {} budgets found, at least 3 needed", groups.len())))
        }
        Holdout::EachBudget => Ok(groups.into_iter().map(|g| vec![g]).collect()),
        Holdout::Largest(k) if groups.len() > k => Ok(vec![groups[groups.len() - k..].to_vec()]),
        Holdout::Largest(k) => {
            // No budgets to speak of: the runs at the K largest distinct compute values.
            let mut c: Vec<f64> = data.flops.clone();
            c.sort_by(|a, b| b.total_cmp(a));
            c.dedup();
            let at = |v: f64| (0..data.len()).filter(|&i| data.flops[i] == v).collect::<Vec<usize>>();
            Ok(vec![c.into_iter().take(k).map(at).collect()])
        }
    }
}

/// Fit without each fold's runs and predict them.
pub fn holdout(
    data: &FitData,
    mode: Holdout,
    b: &BudgetOptions,
    s: &LocalSettings,
    o: &HoldoutOptions,
) -> Result<HoldoutReport, FitError> {
    let mut all_err = Vec::new();
    let mut out = Vec::new();
    for held in folds(data, mode, b)? {
        let (fold, errs) = fold(data, &held, s, o)?;
        all_err.extend(errs);
        out.push(fold);
    }
    let sv = sorted(&all_err);
    Ok(HoldoutReport {
        mode,
        runs: all_err.len(),
        median_rel_err: quantile(&sv, 0.5),
        max_rel_err: sv.last().copied().unwrap_or(f64::NAN),
        inside_band: out.iter().map(|f| f.inside_band).sum(),
        folds: out,
    })
}

/// One fold: its summary and the relative error of each held-out run.
fn fold(
    data: &FitData,
    groups: &[Vec<usize>],
    s: &LocalSettings,
    o: &HoldoutOptions,
) -> Result<(Fold, Vec<f64>), FitError> {
    let held: Vec<usize> = groups.concat();
    let mut keep = vec![true; data.len()];
    held.iter().for_each(|&i| keep[i] = false);
    let train = data.select(&keep);
    if train.len() < MIN_POINTS {
        return Err(FitError::TooFewPoints { n: train.len(), min: MIN_POINTS });
    }
    let ld = LogData::new(&train.n, &train.d, &train.loss);
    let p = default_search(&ld, s).map_err(FitError::Optimizer)?.best.params;
    let samples: Vec<[f64; 5]> =
        bootstrap(&ld, &[p], o.resamples, o.seed, None, s, &|_| {}).into_iter().flatten().collect();
    let res = ld.residuals(&p);
    let mut errs = Vec::with_capacity(held.len());
    let mut inside = 0;
    for &i in &held {
        let (n, d, l) = (data.n[i], data.d[i], data.loss[i]);
        errs.push((loss(&p, n, d) - l).abs() / l);
        let band: Vec<f64> =
            samples.iter().enumerate().map(|(k, q)| loss(q, n, d) * res[k % res.len()].exp()).collect();
        let sb = sorted(&band);
        if (quantile(&sb, 0.025)..=quantile(&sb, 0.975)).contains(&l) {
            inside += 1;
        }
    }
    let geo = |g: &Vec<usize>| (g.iter().map(|&i| data.flops[i].ln()).sum::<f64>() / g.len().max(1) as f64).exp();
    let held_flops: Vec<f64> = groups.iter().map(geo).collect();
    let sv = sorted(&errs);
    let fold = Fold {
        runs: held.len(),
        median_rel_err: quantile(&sv, 0.5),
        max_rel_err: sv.last().copied().unwrap_or(f64::NAN),
        inside_band: inside,
        held_flops,
    };
    Ok((fold, errs))
}
