//! The data-constrained form in `--compare`: Muennighoff et al. (2023)'s law fitted jointly (all
//! seven parameters, started from the paper's two-stage estimate) on each fold's training runs,
//! predicting the held-out runs; the 95% band comes from the joint fit's bootstrap, like the other
//! forms' bands. The joint fit, not the two-stage one, predicts: on runs drawn from the law it is
//! the one that recovers R*_N (the two-stage base law ignores the excess parameters of its
//! single-epoch runs).

use super::super::budgets::BudgetOptions;
use super::super::data::FitData;
use super::super::data_constrained::{DataConstrainedOptions, Runs, enough_single_epoch_runs, joint_with_bootstrap};
use super::super::error::FitError;
use super::super::holdout::folds;
use super::super::objective::LocalSettings;
use super::LawForm;
use super::compare::{CompareEntry, CompareOptions};
use super::holdout::{FoldScores, Pooled, frontier, inside_band};

/// Parameters of the data-constrained law: E, A, B, alpha, beta, R*_D, R*_N.
const DC_PARAMS: usize = 7;

fn no_fit() -> FitError {
    FitError::Optimizer("data-constrained fit found no finite optimum".into())
}

/// The form's `--compare` row: the joint fit of all runs, and the held-out check.
pub(crate) fn dc_entry(
    data: &FitData,
    o: &CompareOptions,
    b: &BudgetOptions,
    s: &LocalSettings,
) -> Result<CompareEntry, FitError> {
    let dco = DataConstrainedOptions { seed: o.seed, ..Default::default() };
    let (runs, single) = Runs::of(data)?;
    enough_single_epoch_runs(&single)?;
    let full = joint_with_bootstrap(&runs, &single, s, &dco, 0).ok_or_else(no_fit)?;
    let fs = folds(data, o.holdout, b)?;
    let mut pool = Pooled::default();
    for held in &fs {
        pool.add(dc_fold(data, held, s, &dco, o.resamples)?);
    }
    Ok(CompareEntry {
        form: LawForm::DataConstrained,
        n_params: DC_PARAMS,
        runs: data.len(),
        objective: full.best.1,
        // One start: the joint polish from the two-stage estimate.
        n_reached_best: 1,
        n_starts: 1,
        holdout: pool.finish(fs.len()),
    })
}

/// One fold: the held-out runs' scores.
fn dc_fold(
    data: &FitData,
    groups: &[Vec<usize>],
    s: &LocalSettings,
    o: &DataConstrainedOptions,
    resamples: usize,
) -> Result<FoldScores, FitError> {
    let mut keep = vec![true; data.len()];
    groups.iter().flatten().for_each(|&i| keep[i] = false);
    let (train, single) = Runs::of(&data.select(&keep))?;
    enough_single_epoch_runs(&single)?;
    let jb = joint_with_bootstrap(&train, &single, s, o, resamples).ok_or_else(no_fit)?;
    let q = jb.best.0;
    let res: Vec<f64> = (0..train.count()).map(|i| train.ld.ln_l[i] - train.log_pred(&q, i)).collect();
    let (held, _) = Runs::of(&data.select(&keep.iter().map(|k| !k).collect::<Vec<_>>()))?;
    // `select` keeps data order: the held-out runs' indices in that order.
    let index: Vec<usize> = (0..data.len()).filter(|&i| !keep[i]).collect();
    let front = frontier(data, groups);
    let mut scores = Vec::with_capacity(held.count());
    for (i, run) in index.iter().enumerate() {
        let y = held.ld.ln_l[i];
        let band: Vec<f64> =
            jb.samples.iter().enumerate().map(|(k, qk)| held.log_pred(qk, i) + res[k % res.len()]).collect();
        let err = (held.log_pred(&q, i).exp() - y.exp()).abs() / y.exp();
        scores.push((err, inside_band(&band, y), front.contains(run)));
    }
    Ok(scores)
}
