//! Synthetic data drawn from each form over several seeds: the fit recovers the parameters, the
//! bootstrap's 95% intervals cover them at about the nominal rate, and `--compare` picks the true
//! form on held-out error in most seeds.

use super::super::budgets::BudgetOptions;
use super::super::data::FitData;
use super::super::holdout::Holdout;
use super::super::objective::LocalSettings;
use super::compare::compare;
use super::result::{FormBootstrap, fit_form};
use super::{CompareOptions, LawForm};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// True natural parameters per form, in the model's `names()` order. Chinchilla's exponents are
/// far from tied and its E large, so the simpler forms cannot stand in for it.
fn truth(form: LawForm) -> Vec<f64> {
    match form {
        LawForm::Chinchilla => vec![1500.0, 400.0, 1.8, 0.40, 0.26],
        LawForm::NoE => vec![10.0, 100.0, 0.07, 0.16],
        LawForm::Tied => vec![400.0, 1500.0, 1.8, 0.33],
        LawForm::Kaplan => vec![6.4e13, 1.8e13, 0.076, 0.103],
        LawForm::Compute => vec![3000.0, 1.7, 0.15],
    }
}

/// The true law's loss at (N, D, C).
fn law(form: LawForm, n: f64, d: f64, c: f64) -> f64 {
    let t = truth(form);
    match form {
        LawForm::Chinchilla => t[2] + t[0] / n.powf(t[3]) + t[1] / d.powf(t[4]),
        LawForm::NoE => t[0] / n.powf(t[2]) + t[1] / d.powf(t[3]),
        LawForm::Tied => t[2] + t[0] / n.powf(t[3]) + t[1] / d.powf(t[3]),
        LawForm::Kaplan => ((t[0] / n).powf(t[2] / t[3]) + t[1] / d).powf(t[3]),
        // Off the frontier a run loses 20% per squared decade from its budget's best size.
        LawForm::Compute => (t[1] + t[0] / c.powf(t[2])) * (0.2 * ((n / (c / 120.0).sqrt()).log10()).powi(2)).exp(),
    }
}

/// IsoFLOP-like runs: 8 budgets 1e18..3e21 with 9 sizes each (12 budgets of 5 widely spaced sizes
/// for the compute form, whose frontier must be each budget's central run), noise `sd` on ln L.
fn synthetic(form: LawForm, seed: u64, sd: f64) -> FitData {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (budgets, sizes, span) = if form == LawForm::Compute { (12, 5, 2.0) } else { (8, 9, 2.0) };
    let mut data = FitData::default();
    for k in 0..budgets {
        let c = 10f64.powf(18.0 + 0.5 * k as f64 * 7.0 / (budgets - 1) as f64);
        for j in 0..sizes {
            let n = (c / 120.0).sqrt() * 10f64.powf(-span / 2.0 + span * j as f64 / (sizes - 1) as f64);
            let d = c / (6.0 * n);
            let (u1, u2): (f64, f64) = (rng.random::<f64>().max(1e-300), rng.random());
            let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
            data.n.push(n);
            data.d.push(d);
            data.flops.push(c);
            data.loss.push(law(form, n, d, c) * (sd * z).exp());
        }
    }
    data
}

const FORMS: [LawForm; 5] = [LawForm::Chinchilla, LawForm::NoE, LawForm::Tied, LawForm::Kaplan, LawForm::Compute];

#[test]
fn each_form_recovers_its_parameters_and_intervals_cover() {
    let s = LocalSettings::default();
    for form in FORMS {
        let t = truth(form);
        let (mut covered, mut total, mut worst) = (0, 0, 0.0f64);
        for seed in 0..12u64 {
            let data = synthetic(form, seed, 0.01);
            let bo = FormBootstrap { resamples: 200, seed, not_identified_decades: 2.0 };
            let f = fit_form(&data, form, &BudgetOptions::default(), &s, &bo).unwrap();
            assert!(f.n_reached_best >= 1 && f.objective.is_finite(), "{form:?} seed {seed}");
            for (k, p) in f.params.iter().enumerate() {
                // Error in SEs: on the log scale for scale factors.
                let z = match p.se_ln {
                    Some(sl) => (p.estimate.ln() - t[k].ln()).abs() / sl,
                    None => (p.estimate - t[k]).abs() / p.se,
                };
                worst = worst.max(z);
                total += 1;
                covered += usize::from(p.ci95[0] <= t[k] && t[k] <= p.ci95[1]);
            }
        }
        let rate = covered as f64 / total as f64;
        eprintln!("{form:?}: 95% intervals cover {covered}/{total} ({rate:.3}); worst error {worst:.2} SEs");
        assert!(worst < 5.0, "{form:?}: an estimate is {worst:.2} SEs from the truth");
        // Nominal 95%; 12 seeds x 3-5 correlated parameters with 200 resamples: accept 80%..100%.
        assert!(rate >= 0.8, "{form:?}: coverage {rate:.3}");
    }
}

#[test]
fn compare_picks_the_true_form_on_held_out_error_in_most_seeds() {
    let s = LocalSettings::default();
    let forms = vec![LawForm::Chinchilla, LawForm::NoE, LawForm::Tied, LawForm::Kaplan];
    for &truth_form in &forms {
        let mut picks = Vec::new();
        let (mut inside, mut held) = (0, 0);
        for seed in 0..6u64 {
            let data = synthetic(truth_form, 100 + seed, 0.01);
            let o = CompareOptions {
                forms: forms.clone(),
                holdout: Holdout::Largest(2),
                resamples: 100,
                seed,
                tie_rtol: 0.1,
            };
            let r = compare(&data, &BudgetOptions::default(), &s, &o).unwrap();
            let table: Vec<String> = r
                .entries
                .iter()
                .map(|e| {
                    let h = &e.holdout;
                    format!("{} {:.2}% {}/{}", e.form.key(), 100.0 * h.median_rel_err, h.inside_band, h.runs)
                })
                .collect();
            eprintln!("truth {truth_form:?} seed {seed}: {}", table.join(", "));
            let own = r.entries.iter().find(|e| e.form == truth_form).map(|e| &e.holdout);
            inside += own.map_or(0, |h| h.inside_band);
            held += own.map_or(0, |h| h.runs);
            picks.push(r.pick);
        }
        let right = picks.iter().filter(|p| **p == Some(truth_form)).count();
        eprintln!("truth {truth_form:?}: picks {picks:?}");
        assert!(2 * right > picks.len(), "truth {truth_form:?}: picked in {right} of {} seeds", picks.len());
        // The true form's 95% prediction band holds about 95% of the held-out runs (extrapolated
        // two budgets beyond the training runs, so accept 80%).
        eprintln!("truth {truth_form:?}: its band holds {inside} of {held} held-out runs");
        assert!(inside as f64 >= 0.8 * held as f64, "truth {truth_form:?}: band holds {inside} of {held}");
    }
}
