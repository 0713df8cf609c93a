//! A form's held-out check: the folds of [`super::super::holdout`] (the K largest budgets, or each
//! budget in turn), each fitted without its runs, predicting them. The compute form is fitted on
//! the training runs' frontier and scored on the held-out budgets' frontier runs.

use super::super::budgets::BudgetOptions;
use super::super::data::FitData;
use super::super::error::FitError;
use super::super::holdout::{Holdout, folds};
use super::super::objective::LocalSettings;
use super::super::stats::{quantile, sorted};
use super::result::{MIN_FORM_RUNS, MIN_FRONTIER_POINTS, fit_points, form_runs};
use super::{Centres, LawForm};
use serde::{Deserialize, Serialize};

/// Held-out prediction errors of one form, pooled over folds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormHoldout {
    /// Folds.
    pub folds: usize,
    /// Held-out runs scored.
    pub runs: usize,
    /// Median of |L_hat - L| / L over them.
    pub median_rel_err: f64,
    /// Max of |L_hat - L| / L.
    pub max_rel_err: f64,
    /// Runs inside their fold's 95% bootstrap prediction band.
    pub inside_band: usize,
    /// Held-out frontier runs scored (each held-out budget's lowest loss): the runs every form,
    /// `compute` included, predicts.
    #[serde(default)]
    pub frontier_runs: usize,
    /// Median of |L_hat - L| / L over the frontier runs.
    #[serde(default)]
    pub frontier_median_rel_err: f64,
}

/// Two-sided prediction band: the central 95%.
const BAND: [f64; 2] = [0.025, 0.975];

/// Fit `form` without each fold's runs and predict them.
pub fn form_holdout(
    data: &FitData,
    form: LawForm,
    mode: Holdout,
    b: &BudgetOptions,
    s: &LocalSettings,
    resamples: usize,
    seed: u64,
) -> Result<FormHoldout, FitError> {
    let fs = folds(data, mode, b)?;
    let mut pool = Pooled::default();
    for held in &fs {
        pool.add(fold(data, form, held, b, s, resamples, seed)?);
    }
    Ok(pool.finish(fs.len()))
}

/// One fold's scores: relative error, inside the band, and on the frontier, per held-out run.
pub(crate) type FoldScores = Vec<(f64, bool, bool)>;

/// Folds' scores pooled.
#[derive(Default)]
pub(crate) struct Pooled {
    scores: FoldScores,
}

impl Pooled {
    /// Add a fold's scores.
    pub(crate) fn add(&mut self, fold: FoldScores) {
        self.scores.extend(fold);
    }

    /// The pooled summary of `folds` folds.
    pub(crate) fn finish(&self, folds: usize) -> FormHoldout {
        let sv = sorted(&self.scores.iter().map(|x| x.0).collect::<Vec<_>>());
        let front = sorted(&self.scores.iter().filter(|x| x.2).map(|x| x.0).collect::<Vec<_>>());
        FormHoldout {
            folds,
            runs: sv.len(),
            median_rel_err: quantile(&sv, 0.5),
            max_rel_err: sv.last().copied().unwrap_or(f64::NAN),
            inside_band: self.scores.iter().filter(|x| x.1).count(),
            frontier_runs: front.len(),
            frontier_median_rel_err: quantile(&front, 0.5),
        }
    }
}

/// Each held-out budget's (group's) lowest-loss run: the compute-optimal frontier among them.
pub(crate) fn frontier(data: &FitData, groups: &[Vec<usize>]) -> Vec<usize> {
    groups.iter().filter_map(|g| g.iter().copied().min_by(|&i, &j| data.loss[i].total_cmp(&data.loss[j]))).collect()
}

/// Whether `y` lies inside the central 95% of `band` (bootstrap predictions of ln L, each plus a
/// training residual, so the band carries the runs' own scatter too).
pub(crate) fn inside_band(band: &[f64], y: f64) -> bool {
    let sb = sorted(band);
    (quantile(&sb, BAND[0])..=quantile(&sb, BAND[1])).contains(&y)
}

/// One fold: the held-out runs' scores.
fn fold(
    data: &FitData,
    form: LawForm,
    groups: &[Vec<usize>],
    b: &BudgetOptions,
    s: &LocalSettings,
    resamples: usize,
    seed: u64,
) -> Result<FoldScores, FitError> {
    let mut keep = vec![true; data.len()];
    groups.iter().flatten().for_each(|&i| keep[i] = false);
    let train_all = data.select(&keep);
    let (idx, _) = form_runs(&train_all, form, b);
    let mut tk = vec![false; train_all.len()];
    idx.iter().for_each(|&i| tk[i] = true);
    let train = train_all.select(&tk);
    let min = if form == LawForm::Compute { MIN_FRONTIER_POINTS } else { MIN_FORM_RUNS };
    if train.len() < min {
        return Err(FitError::TooFewPoints { n: train.len(), min });
    }
    // Held-out runs: all of them, or each held-out budget's lowest loss for the compute form.
    let front = frontier(data, groups);
    let mut held: Vec<usize> = if form == LawForm::Compute { front.clone() } else { groups.concat() };
    // `select` keeps data order: score the runs in that order.
    held.sort_unstable();
    let c = Centres::of(&train);
    let m = form.model().ok_or_else(|| FitError::InvalidOption(format!("form {} has no model", form.key())))?;
    let pts = c.points(&train);
    let fitted = fit_points(m, &pts, &c, s, resamples, seed)?;
    let p = &fitted.search.best.params;
    let res: Vec<f64> = pts.iter().map(|pt| pt.y - m.log_pred(p, pt, None)).collect();
    let mut keep_held = vec![false; data.len()];
    held.iter().for_each(|&i| keep_held[i] = true);
    let held_pts = c.points(&data.select(&keep_held));
    let mut scores = Vec::with_capacity(held_pts.len());
    for (pt, i) in held_pts.iter().zip(&held) {
        let l = pt.y.exp();
        // Law uncertainty (bootstrap fits) times the runs' own scatter (a training residual each).
        let band: Vec<f64> =
            fitted.samples.iter().enumerate().map(|(k, q)| m.log_pred(q, pt, None) + res[k % res.len()]).collect();
        scores.push(((m.log_pred(p, pt, None).exp() - l).abs() / l, inside_band(&band, pt.y), front.contains(i)));
    }
    Ok(scores)
}
