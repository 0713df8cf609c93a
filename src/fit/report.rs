//! The entry point [`fit_law`], its options and its report (fit.json), and the Markdown rendering.

use super::approach2::{Approach2, approach2};
use super::bootstrap::bootstrap;
use super::columns::ColumnUse;
use super::data::{Derivation, DroppedRow, FitData, LoadedDataset, REPLICATION_DROP_HIGHEST, ROBUST_MAD_K, RowFilter};
use super::error::FitError;
use super::objective::{HUBER_DELTA, LocalSettings, LogData, huber, objective};
use super::policy::{Allocation, CHINCHILLA_FLOPS, HOFFMANN, compute_optimal, exponents};
use super::search::{SearchResult, default_search, replication_starts, run_starts};
use super::stats::{chi2_upper, covariance, huber_nll, quantile, solve5, sorted, std_dev};
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

/// Options of [`fit_law`].
#[derive(Debug, Clone, PartialEq)]
pub struct FitOptions {
    /// Bootstrap seed. Default 0.
    pub seed: u64,
    /// Bootstrap resamples. Default 4000; at least [`MIN_RESAMPLES`].
    pub bootstrap: usize,
    /// Global search. Default [`StartMode::Default`].
    pub starts: StartMode,
    /// Huber delta. Default 1e-3 (the replication's).
    pub huber_delta: f64,
    /// L-BFGS iteration cap per start. Default 1000.
    pub max_iters: u64,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions { seed: 0, bootstrap: 4000, starts: StartMode::Default, huber_delta: HUBER_DELTA, max_iters: 1000 }
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
}

/// Comparisons with Hoffmann et al.'s estimates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tests {
    /// Chi-squared of the 5-parameter difference in (a, b, e, alpha, beta) with the bootstrap covariance.
    pub chi2_vs_hoffmann: TestResult,
    /// Likelihood ratio with the Huber likelihood (scale fitted under both).
    pub lrt_vs_hoffmann: TestResult,
    /// Fitted Huber scale sigma under the fit and under Hoffmann's parameters.
    pub huber_sigma: [f64; 2],
    /// Share of points whose Huber loss is larger under Hoffmann's parameters than under the fit.
    pub share_points_worse_under_hoffmann: f64,
    /// Objective at Hoffmann's parameters.
    pub objective_at_hoffmann: f64,
    /// Runs an 80% interval of width 0.001 on a would need: n (2 z_0.9 SE_a / 0.001)^2.
    pub required_runs_a_width_0_001: f64,
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
    /// Chinchilla's compute 6 x 70e9 x 1.4e12.
    pub chinchilla_flops: f64,
    /// Allocation at that compute from the point estimate.
    pub at_chinchilla: Allocation,
    /// N_opt at Chinchilla's compute across bootstrap samples.
    pub n_at_chinchilla: Spread,
    /// D_opt at Chinchilla's compute across bootstrap samples.
    pub d_at_chinchilla: Spread,
    /// D/N at Chinchilla's compute across bootstrap samples.
    pub tokens_per_param_at_chinchilla: Spread,
    /// Hoffmann's law at the same compute.
    pub hoffmann_at_chinchilla: Allocation,
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
    /// Huber delta.
    pub huber_delta: f64,
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
    /// Tests against Hoffmann et al.
    pub tests: Tests,
    /// Compute-optimal policy.
    pub policy: Policy,
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

/// Fit the law, bootstrap it, test it against Hoffmann et al. and derive the policy.
///
/// `progress(k)` is called once per finished bootstrap resample with the number finished so far
/// (from worker threads, so not necessarily in order).
pub fn fit_law(data: &FitData, opts: &FitOptions, progress: impl Fn(usize) + Sync) -> Result<FitReport, FitError> {
    let t0 = Instant::now();
    data.validate()?;
    if opts.bootstrap < MIN_RESAMPLES {
        return Err(FitError::InvalidOption(format!("bootstrap resamples {} < {MIN_RESAMPLES}", opts.bootstrap)));
    }
    if !(opts.huber_delta > 0.0 && opts.huber_delta.is_finite()) || opts.max_iters == 0 {
        return Err(FitError::InvalidOption("huber_delta must be > 0 and max_iters >= 1".into()));
    }
    let ld = LogData::new(&data.n, &data.d, &data.loss);
    let settings = LocalSettings { delta: opts.huber_delta, max_iters: opts.max_iters, ..Default::default() };

    let SearchResult { best, n_starts, n_reached_best } = match opts.starts {
        StartMode::Default => default_search(&ld, &settings),
        StartMode::Replication => run_starts(&ld, &replication_starts(), &settings),
    }
    .map_err(FitError::Optimizer)?;
    let t_search = t0.elapsed().as_secs_f64();
    let p = best.params;

    let t1 = Instant::now();
    let boot = bootstrap(&ld, &[p], opts.bootstrap, opts.seed, &settings, &progress);
    let samples: Vec<[f64; 5]> = boot.iter().flatten().copied().collect();
    let failed = boot.len() - samples.len();
    if samples.len() < MIN_RESAMPLES {
        return Err(FitError::Optimizer(format!("only {} bootstrap fits succeeded", samples.len())));
    }
    let t_boot = t1.elapsed().as_secs_f64();

    // Per-parameter columns on the natural scale.
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
    let se = per(&se_v);
    let ci95 =
        PerParam { a_coef: ci_v[0], b_coef: ci_v[1], e_coef: ci_v[2], alpha: ci_v[3], beta: ci_v[4], a: ci_v[5] };

    // Chi-squared in (a, b, e, alpha, beta) space.
    let cov = covariance(&samples);
    let diff: [f64; 5] = std::array::from_fn(|k| p[k] - HOFFMANN[k]);
    let chi2 = solve5(&cov, &diff).map(|x| (0..5).map(|k| x[k] * diff[k]).sum::<f64>()).unwrap_or(f64::NAN);
    let chi2_vs_hoffmann = TestResult { statistic: chi2, df: 5.0, p_value: chi2_upper(chi2, 5.0) };

    // Likelihood ratio under the Huber likelihood.
    let n = ld.ln_l.len() as f64;
    let obj_h = objective(&ld, &HOFFMANN, opts.huber_delta);
    let (nll_f, sig_f) = huber_nll(best.objective, n, opts.huber_delta);
    let (nll_h, sig_h) = huber_nll(obj_h, n, opts.huber_delta);
    let lrt = (2.0 * (nll_h - nll_f)).max(0.0);
    let lrt_vs_hoffmann = TestResult { statistic: lrt, df: 5.0, p_value: chi2_upper(lrt, 5.0) };
    let r_f = ld.residuals(&p);
    let r_h = ld.residuals(&HOFFMANN);
    let worse =
        r_f.iter().zip(&r_h).filter(|(f, h)| huber(**h, opts.huber_delta) > huber(**f, opts.huber_delta)).count();
    let width = 0.001;
    let required = n * (2.0 * Z_0_9 * se.a / width).powi(2);
    let tests = Tests {
        chi2_vs_hoffmann,
        lrt_vs_hoffmann,
        huber_sigma: [sig_f, sig_h],
        share_points_worse_under_hoffmann: worse as f64 / n,
        objective_at_hoffmann: obj_h,
        required_runs_a_width_0_001: required,
    };

    let (a_exp, b_exp, g) = exponents(&p);
    let allocs: Vec<Allocation> = samples.iter().map(|s| compute_optimal(s, CHINCHILLA_FLOPS)).collect();
    let policy = Policy {
        a: a_exp,
        b: b_exp,
        g,
        chinchilla_flops: CHINCHILLA_FLOPS,
        at_chinchilla: compute_optimal(&p, CHINCHILLA_FLOPS),
        n_at_chinchilla: Spread::of(&allocs.iter().map(|x| x.n).collect::<Vec<_>>()),
        d_at_chinchilla: Spread::of(&allocs.iter().map(|x| x.d).collect::<Vec<_>>()),
        tokens_per_param_at_chinchilla: Spread::of(&allocs.iter().map(|x| x.tokens_per_param).collect::<Vec<_>>()),
        hoffmann_at_chinchilla: compute_optimal(&HOFFMANN, CHINCHILLA_FLOPS),
    };

    Ok(FitReport {
        n_points: data.len(),
        input: None,
        huber_delta: opts.huber_delta,
        objective: best.objective,
        params: LawParams::from_log(&p),
        params_log: p,
        se,
        ci95,
        bootstrap: BootstrapInfo {
            resamples: opts.bootstrap,
            seed: opts.seed,
            failed,
            sample_columns: ["a", "b", "e", "alpha", "beta"].map(String::from),
            samples,
        },
        tests,
        policy,
        approach2: approach2(data),
        starts: StartsInfo { mode: opts.starts, n_starts, n_reached_best, best_objective: best.objective },
        termination: best.termination,
        iterations: best.iterations,
        timings: Timings { search_s: t_search, bootstrap_s: t_boot, total_s: t0.elapsed().as_secs_f64() },
    })
}

/// Format a number compactly with 4 significant digits.
fn g4(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let ax = x.abs();
    if ax != 0.0 && !(1e-3..1e5).contains(&ax) { format!("{x:.3e}") } else { format!("{:.4}", x) }
}

/// Readable Markdown summary of a report (fit.md).
pub fn fit_markdown(r: &FitReport) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "# Fit of L(N, D) = E + A/N^alpha + B/D^beta\n");
    if let Some(i) = &r.input {
        s.push_str(&super::input_md::input_markdown(i));
    }
    let _ = writeln!(
        s,
        "{} points; objective (sum of Huber losses, delta = {}) = {:.8e}.\n\
         Search: {:?}, {} L-BFGS starts, {} reached the best objective; termination: {} ({} iterations).\n",
        r.n_points,
        r.huber_delta,
        r.objective,
        r.starts.mode,
        r.starts.n_starts,
        r.starts.n_reached_best,
        r.termination,
        r.iterations
    );
    let _ = writeln!(s, "| parameter | estimate | bootstrap SE | 95% interval | Hoffmann et al. |");
    let _ = writeln!(s, "|---|---|---|---|---|");
    let h = LawParams::from_log(&HOFFMANN);
    let rows = [
        ("A", r.params.a_coef, r.se.a_coef, r.ci95.a_coef, h.a_coef),
        ("B", r.params.b_coef, r.se.b_coef, r.ci95.b_coef, h.b_coef),
        ("E", r.params.e_coef, r.se.e_coef, r.ci95.e_coef, h.e_coef),
        ("alpha", r.params.alpha, r.se.alpha, r.ci95.alpha, h.alpha),
        ("beta", r.params.beta, r.se.beta, r.ci95.beta, h.beta),
        ("a = beta/(alpha+beta)", r.policy.a, r.se.a, r.ci95.a, HOFFMANN[4] / (HOFFMANN[3] + HOFFMANN[4])),
    ];
    for (name, v, se, ci, hv) in rows {
        let _ = writeln!(s, "| {name} | {} | {} | [{}, {}] | {} |", g4(v), g4(se), g4(ci[0]), g4(ci[1]), g4(hv));
    }
    let b = &r.bootstrap;
    let _ = writeln!(s, "\nBootstrap: {} resamples (seed {}), {} failed.\n", b.resamples, b.seed, b.failed);
    let t = &r.tests;
    let _ = writeln!(s, "## Tests against Hoffmann et al.\n");
    let _ = writeln!(
        s,
        "- Chi-squared (bootstrap covariance, df {}): statistic {:.1}, p = {:.2e}",
        t.chi2_vs_hoffmann.df, t.chi2_vs_hoffmann.statistic, t.chi2_vs_hoffmann.p_value
    );
    let _ = writeln!(
        s,
        "- Likelihood ratio (Huber likelihood, scale fitted for both, df {}): statistic {:.1}, p = {:.2e}",
        t.lrt_vs_hoffmann.df, t.lrt_vs_hoffmann.statistic, t.lrt_vs_hoffmann.p_value
    );
    let _ = writeln!(
        s,
        "- Objective at Hoffmann's parameters: {:.6e}; {:.1}% of points have a larger Huber loss there",
        t.objective_at_hoffmann,
        100.0 * t.share_points_worse_under_hoffmann
    );
    let _ =
        writeln!(s, "- Runs needed for an 80% interval of width 0.001 on a: {:.0}\n", t.required_runs_a_width_0_001);
    let p = &r.policy;
    let _ = writeln!(s, "## Compute-optimal policy\n");
    let _ =
        writeln!(s, "N_opt = G (C/6)^a, D_opt = G^-1 (C/6)^b with a = {:.4}, b = {:.4}, G = {}.\n", p.a, p.b, g4(p.g));
    let _ = writeln!(s, "At Chinchilla's compute C = {:.3e} FLOPs:\n", p.chinchilla_flops);
    let _ = writeln!(s, "| law | N | D | tokens per parameter |");
    let _ = writeln!(s, "|---|---|---|---|");
    let _ = writeln!(
        s,
        "| this fit | {:.3e} (80%: {:.3e}..{:.3e}) | {:.3e} (80%: {:.3e}..{:.3e}) | {:.1} (80%: {:.1}..{:.1}) |",
        p.at_chinchilla.n,
        p.n_at_chinchilla.p10,
        p.n_at_chinchilla.p90,
        p.at_chinchilla.d,
        p.d_at_chinchilla.p10,
        p.d_at_chinchilla.p90,
        p.at_chinchilla.tokens_per_param,
        p.tokens_per_param_at_chinchilla.p10,
        p.tokens_per_param_at_chinchilla.p90
    );
    let hz = &p.hoffmann_at_chinchilla;
    let _ = writeln!(s, "| Hoffmann et al. | {:.3e} | {:.3e} | {:.1} |", hz.n, hz.d, hz.tokens_per_param);
    let n20 = (p.chinchilla_flops / 120.0).sqrt();
    let _ = writeln!(s, "| 20 tokens/parameter | {:.3e} | {:.3e} | 20.0 |\n", n20, 20.0 * n20);
    let a2 = &r.approach2;
    let _ = writeln!(s, "## Approach 2 (IsoFLOP slices)\n");
    let _ = writeln!(s, "{}.", a2.note);
    if !a2.slices.is_empty() {
        let _ = writeln!(s, "\n| budget (FLOPs) | rows | N_opt |");
        let _ = writeln!(s, "|---|---|---|");
        for sl in &a2.slices {
            let n_opt = sl.n_opt.map(|v| format!("{v:.3e}")).unwrap_or_else(|| "no interior minimum".into());
            let _ = writeln!(s, "| {:.3e} | {} | {} |", sl.flops, sl.rows, n_opt);
        }
    }
    match a2.a {
        Some(a) => {
            let _ = writeln!(s, "\nApproach 2: a = {a:.4}; Approach 3 (this fit): a = {:.4}.", p.a);
        }
        None => {
            let _ = writeln!(s, "\nApproach 2 gives no a; Approach 3 (this fit): a = {:.4}.", p.a);
        }
    }
    let tm = &r.timings;
    let _ = writeln!(
        s,
        "\nTimings: search {:.3} s, bootstrap {:.3} s, total {:.3} s.",
        tm.search_s, tm.bootstrap_s, tm.total_s
    );
    s
}
