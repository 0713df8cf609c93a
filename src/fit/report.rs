//! The entry point [`fit_law`], its options and its report (fit.json).

use super::approach2::{Approach2, Approach2Options, approach2};
use super::bootstrap::{BootstrapUnit, bootstrap};
use super::budgets::budget_groups;
use super::columns::ColumnUse;
use super::data::{Derivation, DroppedRow, FitData, LoadedDataset, REPLICATION_DROP_HIGHEST, ROBUST_MAD_K, RowFilter};
use super::data_constrained::{DataConstrained, DataConstrainedOptions, data_constrained};
use super::error::FitError;
use super::forms::compare::compare;
use super::forms::result::{FormBootstrap, fit_form};
use super::forms::{CompareOptions, CompareReport, FormFit, LawForm};
use super::holdout::{Holdout, HoldoutOptions, HoldoutReport, holdout};
use super::loss::Loss;
use super::objective::{LocalSettings, LogData};
use super::policy::{Allocation, compute_optimal, exponents};
use super::reference::{Reference, test_against};
use super::search::{SearchResult, default_search, replication_starts, run_starts};
use super::stats::{quantile, sorted, std_dev};
use super::warnings::FitWarning;
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// Which global search to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartMode {
    /// Variable projection on an exponent grid, then L-BFGS from the best few grid minima.
    #[default]
    Default,
    /// The replication's 4500-start grid, L-BFGS from each.
    Replication,
}

/// The law fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Form {
    /// L = E + A/N^alpha + B/D^beta (Hoffmann et al. 2022).
    #[default]
    Chinchilla,
    /// Muennighoff et al. (2023): the Chinchilla law on effective N' and D' of runs that repeat
    /// data; reported beside the Chinchilla fit of all runs.
    DataConstrained,
    /// L = A/N^alpha + B/D^beta (no irreducible loss); reported beside the Chinchilla fit.
    NoE,
    /// L = E + A/N^alpha + B/D^alpha; reported beside the Chinchilla fit.
    Tied,
    /// Kaplan et al. (2020)'s L(N, D); reported beside the Chinchilla fit.
    Kaplan,
    /// L(C) = E + A/C^alpha on the compute-optimal frontier; reported beside the Chinchilla fit.
    Compute,
}

impl Form {
    /// The form's own model, for the forms reported beside the Chinchilla fit.
    pub fn law_form(self) -> Option<LawForm> {
        match self {
            Form::Chinchilla | Form::DataConstrained => None,
            Form::NoE => Some(LawForm::NoE),
            Form::Tied => Some(LawForm::Tied),
            Form::Kaplan => Some(LawForm::Kaplan),
            Form::Compute => Some(LawForm::Compute),
        }
    }
}

/// Options of [`fit_law`].
#[derive(Debug, Clone, PartialEq)]
pub struct FitOptions {
    /// Bootstrap seed. Default 0.
    pub seed: u64,
    /// Bootstrap resamples. Default 4000; at least [`MIN_RESAMPLES`].
    pub bootstrap: usize,
    /// Global search. Default [`StartMode::Default`].
    pub starts: StartMode,
    /// Per-point loss on log residuals. Default Huber with delta 1e-3 (the replication's).
    pub loss: Loss,
    /// L-BFGS iteration cap per start. Default 1000.
    pub max_iters: u64,
    /// The law to test the fit against. Default none: a test against a law fitted to other data
    /// only measures the difference in loss scale.
    pub reference: Option<Reference>,
    /// A, B or E is flagged "not identified" when its bootstrap 95% interval spans more than this
    /// many decades. Default 2: the data then fix at most its order of magnitude.
    pub not_identified_decades: f64,
    /// Budgets (FLOPs) at which the policy is quoted. Default empty: the data's largest compute and
    /// 10x beyond it (a policy far beyond the data is an extrapolation).
    pub policy_flops: Vec<f64>,
    /// A policy budget more than this many decades beyond the data's largest compute is warned
    /// about. Default 1 (10x): beyond that, small errors in the exponents dominate.
    pub extrapolation_warn_decades: f64,
    /// Approach 2's options (budgets, slice rules, bootstrap). Default [`Approach2Options::default`];
    /// its seed is replaced by `seed`.
    pub approach2: Approach2Options,
    /// Held-out check. Default none.
    pub holdout: Option<Holdout>,
    /// Options of the held-out check (its seed is replaced by `seed`).
    pub holdout_options: HoldoutOptions,
    /// What the bootstrap resamples. Default [`BootstrapUnit::Run`].
    pub bootstrap_unit: BootstrapUnit,
    /// The law. Default [`Form::Chinchilla`].
    pub form: Form,
    /// Options of the data-constrained fit (used with [`Form::DataConstrained`]); its seed is
    /// replaced by `seed`.
    pub data_constrained: DataConstrainedOptions,
    /// Forms to compare on held-out runs (`--compare`). Default none.
    pub compare: Vec<LawForm>,
    /// Options of the comparison: its forms, seed and holdout are replaced by `compare`, `seed`
    /// and `holdout` (default `largest:1`).
    pub compare_options: CompareOptions,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            seed: 0,
            bootstrap: 4000,
            starts: StartMode::Default,
            loss: Loss::default(),
            max_iters: 1000,
            reference: None,
            not_identified_decades: 2.0,
            policy_flops: Vec::new(),
            extrapolation_warn_decades: 1.0,
            approach2: Approach2Options::default(),
            form: Form::Chinchilla,
            bootstrap_unit: BootstrapUnit::Run,
            holdout: None,
            holdout_options: HoldoutOptions::default(),
            data_constrained: DataConstrainedOptions::default(),
            compare: Vec::new(),
            compare_options: CompareOptions::default(),
        }
    }
}

/// Fewest bootstrap resamples accepted (covariances and percentiles need some).
pub const MIN_RESAMPLES: usize = 20;

/// z quantile for an 80% two-sided interval.
pub const Z_0_9: f64 = 1.2816;

/// A, B, E, alpha, beta on the natural scale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LawParams {
    /// A.
    #[serde(rename = "A")]
    pub a_coef: f64,
    /// B.
    #[serde(rename = "B")]
    pub b_coef: f64,
    /// E.
    #[serde(rename = "E")]
    pub e_coef: f64,
    /// alpha.
    pub alpha: f64,
    /// beta.
    pub beta: f64,
}

impl LawParams {
    /// From [a, b, e, alpha, beta].
    pub fn from_log(p: &[f64; 5]) -> Self {
        LawParams { a_coef: p[0].exp(), b_coef: p[1].exp(), e_coef: p[2].exp(), alpha: p[3], beta: p[4] }
    }
}

/// A per-parameter quantity for A, B, E, alpha, beta and a = beta/(alpha+beta).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PerParam<T> {
    /// A.
    #[serde(rename = "A")]
    pub a_coef: T,
    /// B.
    #[serde(rename = "B")]
    pub b_coef: T,
    /// E.
    #[serde(rename = "E")]
    pub e_coef: T,
    /// alpha.
    pub alpha: T,
    /// beta.
    pub beta: T,
    /// a = beta / (alpha + beta).
    pub a: T,
}

/// Bootstrap record; `samples` rows are [a, b, e, alpha, beta] (logs of A, B, E).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BootstrapInfo {
    /// Resamples requested.
    pub resamples: usize,
    /// Seed.
    pub seed: u64,
    /// What was resampled.
    #[serde(default)]
    pub unit: BootstrapUnit,
    /// Resamples without a finite fit (left out of all statistics).
    pub failed: usize,
    /// Column names of `samples`.
    pub sample_columns: [String; 5],
    /// One row per successful resample, in resample order.
    pub samples: Vec<[f64; 5]>,
}

/// A test statistic with its p-value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TestResult {
    /// Statistic.
    pub statistic: f64,
    /// Degrees of freedom.
    pub df: f64,
    /// Upper-tail p-value (computed directly, so tiny values do not underflow to 0 early).
    pub p_value: f64,
    /// log10 of the p-value, accurate where `p_value` underflows to 0.
    pub log10_p: f64,
}

/// Comparisons with the reference law the user named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tests {
    /// The reference.
    pub reference: Reference,
    /// Chi-squared of the 5-parameter difference in (a, b, e, alpha, beta) with the bootstrap covariance.
    pub chi2: TestResult,
    /// Likelihood ratio with the Huber likelihood (scale fitted under both).
    pub lrt: TestResult,
    /// Fitted Huber scale sigma under the fit and under the reference.
    pub huber_sigma: [f64; 2],
    /// Share of points whose Huber loss is larger under the reference than under the fit.
    pub share_points_worse_under_reference: f64,
    /// Objective at the reference's parameters.
    pub objective_at_reference: f64,
}

/// Median and 10th/90th percentiles.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// Median.
    pub median: f64,
    /// 10th percentile.
    pub p10: f64,
    /// 90th percentile.
    pub p90: f64,
}

impl Spread {
    /// From unsorted values (non-finite ones are dropped).
    pub fn of(v: &[f64]) -> Self {
        let f: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
        let s = sorted(&f);
        Spread { median: quantile(&s, 0.5), p10: quantile(&s, 0.1), p90: quantile(&s, 0.9) }
    }
}

/// The compute-optimal allocation at one budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyAt {
    /// Budget C (FLOPs).
    pub flops: f64,
    /// Decades beyond the data's largest compute (negative inside the data).
    pub decades_beyond_data: f64,
    /// Allocation from the point estimate.
    pub point: Allocation,
    /// N_opt across bootstrap samples.
    pub n: Spread,
    /// D_opt across bootstrap samples.
    pub d: Spread,
    /// D/N across bootstrap samples.
    pub tokens_per_param: Spread,
    /// The reference law's allocation at the same budget, when a reference is named.
    pub reference: Option<Allocation>,
}

/// Compute-optimal policy from the fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    /// a = beta / (alpha + beta).
    pub a: f64,
    /// b = alpha / (alpha + beta).
    pub b: f64,
    /// G.
    #[serde(rename = "G")]
    pub g: f64,
    /// The allocation at each budget asked for (default: the data's largest compute and 10x).
    pub at: Vec<PolicyAt>,
}

/// Range of the data, for the policy's defaults and extrapolation warnings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DataRange {
    /// Smallest and largest compute C.
    pub flops: [f64; 2],
    /// Smallest and largest N.
    pub n: [f64; 2],
    /// Smallest and largest D.
    pub d: [f64; 2],
}

impl DataRange {
    /// Range of `data` (non-empty, validated).
    pub fn of(data: &FitData) -> Self {
        let mm = |v: &[f64]| v.iter().fold([f64::INFINITY, f64::NEG_INFINITY], |[l, h], &x| [l.min(x), h.max(x)]);
        DataRange { flops: mm(&data.flops), n: mm(&data.n), d: mm(&data.d) }
    }
}

/// How the global search went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartsInfo {
    /// Search used.
    pub mode: StartMode,
    /// L-BFGS starts.
    pub n_starts: usize,
    /// Starts within 1e-9 (relative) of the best objective.
    pub n_reached_best: usize,
    /// Best objective.
    pub best_objective: f64,
}

/// Wall-clock seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// Global search.
    pub search_s: f64,
    /// Bootstrap.
    pub bootstrap_s: f64,
    /// Whole [`fit_law`].
    pub total_s: f64,
}

/// Everything [`fit_law`] computes; serialises to fit.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitReport {
    /// Points fitted.
    pub n_points: usize,
    /// Where the points came from (filled in by the caller that loaded them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<InputInfo>,
    /// Huber delta that implements the loss.
    pub huber_delta: f64,
    /// The per-point loss.
    #[serde(default)]
    pub loss: Loss,
    /// Best objective (sum of Huber losses).
    pub objective: f64,
    /// Fitted A, B, E, alpha, beta.
    pub params: LawParams,
    /// The same as [a, b, e, alpha, beta] (logs of A, B, E), full precision for reuse.
    pub params_log: [f64; 5],
    /// Bootstrap standard errors.
    pub se: PerParam<f64>,
    /// Bootstrap 95% percentile intervals.
    pub ci95: PerParam<[f64; 2]>,
    /// Bootstrap record, including the samples `figdig optimal` needs.
    pub bootstrap: BootstrapInfo,
    /// Bootstrap SDs of [ln A, ln B, ln E]: their uncertainty on the scale it is near symmetric on.
    pub se_log: [f64; 3],
    /// Tests against the reference the user named (none by default).
    pub tests: Option<Tests>,
    /// Runs an 80% interval of width 0.001 on a would need: n (2 z_0.9 SE_a / 0.001)^2.
    pub required_runs_a_width_0_001: f64,
    /// Range of the data fitted.
    pub data_range: DataRange,
    /// Compute-optimal policy.
    pub policy: Policy,
    /// What the reader must not miss.
    pub warnings: Vec<FitWarning>,
    /// Held-out prediction errors, with `--holdout`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holdout: Option<HoldoutReport>,
    /// The data-constrained fit, with `--form data-constrained`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_constrained: Option<DataConstrained>,
    /// The fit of the form asked for with `--form` (no-e, tied, kaplan, compute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_fit: Option<FormFit>,
    /// The forms compared with `--compare`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<CompareReport>,
    /// Approach 2 (IsoFLOP slices), reported beside Approach 3's a.
    pub approach2: Approach2,
    /// Global search summary.
    pub starts: StartsInfo,
    /// argmin's termination reason for the best start.
    pub termination: String,
    /// L-BFGS iterations of the best start.
    pub iterations: u64,
    /// Timings.
    pub timings: Timings,
}

/// Provenance of the points (from [`LoadedDataset`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputInfo {
    /// File, as given.
    pub path: String,
    /// Data rows read.
    pub rows_read: usize,
    /// Rows left out.
    pub rows_dropped: usize,
    /// The rule that left rows out, in words.
    pub drop_rule: String,
    /// The columns used and their roles (empty when the points did not come from a CSV).
    #[serde(default)]
    pub columns: Vec<ColumnUse>,
    /// Quantities derived from C = 6 N D.
    #[serde(default)]
    pub derived: Vec<Derivation>,
    /// Every row left out, with its reason.
    #[serde(default)]
    pub dropped: Vec<DroppedRow>,
}

impl InputInfo {
    /// Provenance of a loaded dataset.
    pub fn from_loaded(path: &str, l: &LoadedDataset) -> Self {
        let rule = match l.filter {
            RowFilter::None => "no filter".to_string(),
            RowFilter::Replication => format!("--filter replication (the {REPLICATION_DROP_HIGHEST} highest losses)"),
            RowFilter::Robust => format!("--filter robust ({ROBUST_MAD_K} MADs)"),
        };
        InputInfo {
            path: path.to_string(),
            rows_read: l.rows_read,
            rows_dropped: l.dropped.len(),
            drop_rule: format!("{rule}; rows marked in an `excluded` column and rows without a loss are left out"),
            columns: l.columns.clone(),
            derived: l.derived.clone(),
            dropped: l.dropped.clone(),
        }
    }
}

fn ratio_a(p: &[f64; 5]) -> f64 {
    p[4] / (p[3] + p[4])
}

/// Reject options out of range.
fn check_options(opts: &FitOptions) -> Result<(), FitError> {
    if opts.bootstrap < MIN_RESAMPLES {
        return Err(FitError::InvalidOption(format!("bootstrap resamples {} < {MIN_RESAMPLES}", opts.bootstrap)));
    }
    if !(opts.loss.delta() > 0.0) || opts.max_iters == 0 {
        return Err(FitError::InvalidOption("the loss's delta must be > 0 and max_iters >= 1".into()));
    }
    if let Some(c) = opts.policy_flops.iter().find(|c| !(c.is_finite() && **c > 0.0)) {
        return Err(FitError::InvalidOption(format!("policy budget {c} must be finite and > 0")));
    }
    if !(opts.not_identified_decades > 0.0) || !(opts.extrapolation_warn_decades >= 0.0) {
        return Err(FitError::InvalidOption("not_identified_decades > 0, extrapolation_warn_decades >= 0".into()));
    }
    Ok(())
}

/// Fit the law, bootstrap it, test it against the reference (if any) and derive the policy.
///
/// `progress(k)` is called once per finished bootstrap resample with the number finished so far
/// (from worker threads, so not necessarily in order).
pub fn fit_law(data: &FitData, opts: &FitOptions, progress: impl Fn(usize) + Sync) -> Result<FitReport, FitError> {
    let t0 = Instant::now();
    data.validate()?;
    check_options(opts)?;
    let ld = LogData::new(&data.n, &data.d, &data.loss);
    let settings = LocalSettings { delta: opts.loss.delta(), max_iters: opts.max_iters, ..Default::default() };

    let SearchResult { best, n_starts, n_reached_best } = match opts.starts {
        StartMode::Default => default_search(&ld, &settings),
        StartMode::Replication => run_starts(&ld, &replication_starts(), &settings),
    }
    .map_err(FitError::Optimizer)?;
    let t_search = t0.elapsed().as_secs_f64();
    let p = best.params;

    let t1 = Instant::now();
    let groups = match opts.bootstrap_unit {
        BootstrapUnit::Run => None,
        BootstrapUnit::Budget => Some(resampling_groups(data, opts)?),
    };
    let boot = bootstrap(&ld, &[p], opts.bootstrap, opts.seed, groups.as_deref(), &settings, &progress);
    let samples: Vec<[f64; 5]> = boot.iter().flatten().copied().collect();
    let failed = boot.len() - samples.len();
    if samples.len() < MIN_RESAMPLES {
        return Err(FitError::Optimizer(format!("only {} bootstrap fits succeeded", samples.len())));
    }
    let t_boot = t1.elapsed().as_secs_f64();

    let extra = optional_fits(data, opts, &settings)?;
    let unc = Uncertainty::of(&samples, opts.not_identified_decades);
    let tests = opts.reference.as_ref().map(|r| test_against(r, &ld, &p, best.objective, &samples, opts.loss.delta()));
    let width = 0.001;
    let required = ld.ln_l.len() as f64 * (2.0 * Z_0_9 * unc.se.a / width).powi(2);
    let data_range = DataRange::of(data);
    let policy = build_policy(&p, &samples, opts, &data_range);
    let mut warnings = unc.warnings;
    warnings.extend(
        policy
            .at
            .iter()
            .filter(|a| a.decades_beyond_data > opts.extrapolation_warn_decades)
            .map(|a| FitWarning::BudgetBeyondData { flops: a.flops, decades: a.decades_beyond_data }),
    );

    Ok(FitReport {
        n_points: data.len(),
        input: None,
        huber_delta: opts.loss.delta(),
        loss: opts.loss,
        objective: best.objective,
        params: LawParams::from_log(&p),
        params_log: p,
        se: unc.se,
        ci95: unc.ci95,
        se_log: unc.se_log,
        bootstrap: BootstrapInfo {
            resamples: opts.bootstrap,
            seed: opts.seed,
            unit: opts.bootstrap_unit,
            failed,
            sample_columns: ["a", "b", "e", "alpha", "beta"].map(String::from),
            samples,
        },
        tests,
        required_runs_a_width_0_001: required,
        data_range,
        policy,
        warnings,
        data_constrained: extra.data_constrained,
        holdout: extra.holdout,
        form_fit: extra.form_fit,
        compare: extra.compare,
        approach2: approach2(data, &Approach2Options { seed: opts.seed, ..opts.approach2 }),
        starts: StartsInfo { mode: opts.starts, n_starts, n_reached_best, best_objective: best.objective },
        termination: best.termination,
        iterations: best.iterations,
        timings: Timings { search_s: t_search, bootstrap_s: t_boot, total_s: t0.elapsed().as_secs_f64() },
    })
}

/// The fits asked for beside the main one.
struct Extras {
    data_constrained: Option<DataConstrained>,
    holdout: Option<HoldoutReport>,
    form_fit: Option<FormFit>,
    compare: Option<CompareReport>,
}

/// The fits asked for beside the main one: the data-constrained law, another form, the held-out
/// check and the comparison of forms.
fn optional_fits(data: &FitData, opts: &FitOptions, settings: &LocalSettings) -> Result<Extras, FitError> {
    let data_constrained = match opts.form {
        Form::DataConstrained => {
            let o = DataConstrainedOptions { seed: opts.seed, ..opts.data_constrained };
            Some(data_constrained(data, settings, &o)?)
        }
        _ => None,
    };
    let budgets = &opts.approach2.budgets;
    let form_fit = match opts.form.law_form() {
        Some(f) => {
            let bo = FormBootstrap {
                resamples: opts.bootstrap,
                seed: opts.seed,
                not_identified_decades: opts.not_identified_decades,
            };
            Some(fit_form(data, f, budgets, settings, &bo)?)
        }
        None => None,
    };
    let holdout = match opts.holdout {
        Some(mode) => {
            let o = HoldoutOptions { seed: opts.seed, ..opts.holdout_options };
            Some(holdout(data, mode, budgets, settings, &o)?)
        }
        None => None,
    };
    let compare = if opts.compare.is_empty() {
        None
    } else {
        let o = CompareOptions {
            forms: opts.compare.clone(),
            holdout: opts.holdout.unwrap_or(opts.compare_options.holdout),
            seed: opts.seed,
            ..opts.compare_options.clone()
        };
        Some(compare(data, budgets, settings, &o)?)
    };
    Ok(Extras { data_constrained, holdout, form_fit, compare })
}

/// Budgets as resampling units, every run outside a budget its own unit; at least
/// `approach2.min_budgets` budgets are needed, or the resamples would be nearly all alike.
fn resampling_groups(data: &FitData, opts: &FitOptions) -> Result<Vec<Vec<usize>>, FitError> {
    let (mut groups, _) = budget_groups(data, &opts.approach2.budgets);
    if groups.len() < opts.approach2.min_budgets {
        return Err(FitError::InvalidOption(format!(
            "--bootstrap-unit budget: {} budgets found, at least {} needed",
            groups.len(),
            opts.approach2.min_budgets
        )));
    }
    let mut seen = vec![false; data.len()];
    groups.iter().flatten().for_each(|&i| seen[i] = true);
    groups.extend((0..data.len()).filter(|&i| !seen[i]).map(|i| vec![i]));
    Ok(groups)
}

/// The policy at the budgets asked for (default: the data's largest compute and 10x beyond).
fn build_policy(p: &[f64; 5], samples: &[[f64; 5]], opts: &FitOptions, range: &DataRange) -> Policy {
    let top = range.flops[1];
    let budgets = if opts.policy_flops.is_empty() { vec![top, 10.0 * top] } else { opts.policy_flops.clone() };
    let (a, b, g) = exponents(p);
    let at = budgets
        .into_iter()
        .map(|c| {
            let allocs: Vec<Allocation> = samples.iter().map(|s| compute_optimal(s, c)).collect();
            let spread = |f: fn(&Allocation) -> f64| Spread::of(&allocs.iter().map(f).collect::<Vec<_>>());
            PolicyAt {
                flops: c,
                decades_beyond_data: (c / top).log10(),
                point: compute_optimal(p, c),
                n: spread(|x| x.n),
                d: spread(|x| x.d),
                tokens_per_param: spread(|x| x.tokens_per_param),
                reference: opts.reference.as_ref().map(|r| compute_optimal(&r.params_log, c)),
            }
        })
        .collect();
    Policy { a, b, g, at }
}

/// Bootstrap SEs and intervals, and which coefficients the data do not identify.
pub(crate) struct Uncertainty {
    pub(crate) se: PerParam<f64>,
    pub(crate) ci95: PerParam<[f64; 2]>,
    pub(crate) se_log: [f64; 3],
    pub(crate) warnings: Vec<FitWarning>,
}

impl Uncertainty {
    pub(crate) fn of(samples: &[[f64; 5]], not_identified_decades: f64) -> Self {
        let col = |f: &dyn Fn(&[f64; 5]) -> f64| samples.iter().map(f).collect::<Vec<f64>>();
        let cols = [
            col(&|s| s[0].exp()),
            col(&|s| s[1].exp()),
            col(&|s| s[2].exp()),
            col(&|s| s[3]),
            col(&|s| s[4]),
            col(&ratio_a),
        ];
        let se_v: Vec<f64> = cols.iter().map(|c| std_dev(c)).collect();
        let ci_v: Vec<[f64; 2]> = cols
            .iter()
            .map(|c| {
                let s = sorted(c);
                [quantile(&s, 0.025), quantile(&s, 0.975)]
            })
            .collect();
        let per = |v: &[f64]| PerParam { a_coef: v[0], b_coef: v[1], e_coef: v[2], alpha: v[3], beta: v[4], a: v[5] };
        let ci95 =
            PerParam { a_coef: ci_v[0], b_coef: ci_v[1], e_coef: ci_v[2], alpha: ci_v[3], beta: ci_v[4], a: ci_v[5] };
        let logs: Vec<f64> = (0..3).map(|k| std_dev(&col(&|s| s[k]))).collect();
        let warnings = ["A", "B", "E"]
            .iter()
            .zip(&ci_v)
            .filter_map(|(name, ci)| {
                let decades = (ci[1] / ci[0]).log10();
                // A NaN width (a degenerate interval) is not evidence of non-identification.
                (decades > not_identified_decades)
                    .then(|| FitWarning::NotIdentified { param: name.to_string(), decades })
            })
            .collect();
        Uncertainty { se: per(&se_v), ci95, se_log: [logs[0], logs[1], logs[2]], warnings }
    }
}
