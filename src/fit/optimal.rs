//! `figdig optimal`: compute-optimal (and inference-aware) allocation at a budget, with 80%
//! bootstrap intervals, from what fit.json stores (the point estimate and the bootstrap samples).

use super::error::FitError;
use super::policy::{Allocation, compute_optimal, inference_optimal, rule_of_20};
use super::reference::Reference;
use super::report::{DataRange, Spread};
use super::warnings::FitWarning;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// The part of fit.json that the policy needs; other keys are ignored, so older or richer reports load.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PolicyInput {
    /// [a, b, e, alpha, beta].
    pub params_log: [f64; 5],
    /// Bootstrap samples.
    pub bootstrap: PolicySamples,
    /// Range of the data fitted (absent in fit.json files written before it was recorded).
    #[serde(default)]
    pub data_range: Option<DataRange>,
    /// The reference the fit was tested against, if any.
    #[serde(default)]
    pub tests: Option<PolicyReference>,
}

/// The reference inside fit.json's `tests`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PolicyReference {
    /// The reference law.
    pub reference: Reference,
}

/// Options of [`optimal_report`].
#[derive(Debug, Clone, PartialEq)]
pub struct OptimalOptions {
    /// Budgets (FLOPs). Default empty: the data's largest compute and 10x beyond it.
    pub flops: Vec<f64>,
    /// Lifetime inference tokens for the inference-aware allocation. Default none.
    pub inference_tokens: Option<f64>,
    /// Budgets more than this many decades beyond the data's largest compute are warned about.
    /// Default 1 (10x): beyond that, small errors in the exponents dominate the allocation.
    pub extrapolation_warn_decades: f64,
}

impl Default for OptimalOptions {
    fn default() -> Self {
        OptimalOptions { flops: Vec::new(), inference_tokens: None, extrapolation_warn_decades: 1.0 }
    }
}

/// Bootstrap samples in fit.json.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PolicySamples {
    /// Rows [a, b, e, alpha, beta].
    pub samples: Vec<[f64; 5]>,
}

impl PolicyInput {
    /// Parse fit.json text.
    pub fn from_json(text: &str) -> Result<Self, FitError> {
        let p: PolicyInput = serde_json::from_str(text)
            .map_err(|e| FitError::Report(format!("not a fit.json with params_log and bootstrap.samples: {e}")))?;
        if p.bootstrap.samples.is_empty() {
            return Err(FitError::Report("bootstrap.samples is empty".into()));
        }
        Ok(p)
    }
}

/// An allocation with 80% bootstrap intervals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AllocationWithInterval {
    /// Point estimate.
    pub point: Allocation,
    /// N across bootstrap samples.
    pub n: Spread,
    /// D across bootstrap samples.
    pub d: Spread,
    /// D/N across bootstrap samples.
    pub tokens_per_param: Spread,
}

fn with_interval(input: &PolicyInput, f: impl Fn(&[f64; 5]) -> Allocation) -> AllocationWithInterval {
    let all: Vec<Allocation> = input.bootstrap.samples.iter().map(&f).collect();
    let pick = |g: fn(&Allocation) -> f64| Spread::of(&all.iter().map(g).collect::<Vec<_>>());
    AllocationWithInterval {
        point: f(&input.params_log),
        n: pick(|a| a.n),
        d: pick(|a| a.d),
        tokens_per_param: pick(|a| a.tokens_per_param),
    }
}

/// Inference-aware result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InferenceAware {
    /// Lifetime inference tokens T.
    pub inference_tokens: f64,
    /// Allocation minimising 6ND + 2NT at the compute-optimal loss.
    pub allocation: AllocationWithInterval,
    /// N / N_opt (point estimates).
    pub n_ratio: f64,
    /// D / D_opt (point estimates).
    pub d_ratio: f64,
    /// Lifetime FLOPs 6ND + 2NT of the compute-optimal and of the inference-aware allocation.
    pub lifetime_flops: [f64; 2],
}

/// The allocations at one budget.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetReport {
    /// Budget C.
    pub flops: f64,
    /// Decades beyond the data's largest compute (None when fit.json does not record the range).
    pub decades_beyond_data: Option<f64>,
    /// This fit's compute-optimal allocation.
    pub fit: AllocationWithInterval,
    /// 20 tokens per parameter.
    pub rule_of_20: Allocation,
    /// The reference law's allocation, when the fit named one.
    pub reference: Option<(String, Allocation)>,
    /// With inference tokens, when given.
    pub inference: Option<InferenceAware>,
}

/// Everything `figdig optimal` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptimalReport {
    /// One entry per budget.
    pub budgets: Vec<BudgetReport>,
    /// Budgets far beyond the data.
    pub warnings: Vec<FitWarning>,
}

/// Compute the allocation report at the budgets asked for (default: the data's largest compute
/// and 10x beyond it), optionally inference-aware.
pub fn optimal_report(input: &PolicyInput, opts: &OptimalOptions) -> Result<OptimalReport, FitError> {
    if let Some(c) = opts.flops.iter().find(|c| !(c.is_finite() && **c > 0.0)) {
        return Err(FitError::InvalidOption(format!("--flops must be finite and > 0, got {c}")));
    }
    if let Some(t) = opts.inference_tokens
        && !(t.is_finite() && t >= 0.0)
    {
        return Err(FitError::InvalidOption(format!("--inference-tokens must be finite and >= 0, got {t}")));
    }
    let top = input.data_range.map(|r| r.flops[1]);
    let flops = match (opts.flops.is_empty(), top) {
        (false, _) => opts.flops.clone(),
        (true, Some(t)) => vec![t, 10.0 * t],
        (true, None) => {
            return Err(FitError::Report("fit.json does not record the data's compute range: give --flops".into()));
        }
    };
    let budgets =
        flops.iter().map(|&c| budget_report(input, c, opts.inference_tokens, top)).collect::<Result<Vec<_>, _>>()?;
    let warnings = budgets
        .iter()
        .filter_map(|b| {
            let d = b.decades_beyond_data?;
            (d > opts.extrapolation_warn_decades).then_some(FitWarning::BudgetBeyondData { flops: b.flops, decades: d })
        })
        .collect();
    Ok(OptimalReport { budgets, warnings })
}

/// The allocations at one budget.
fn budget_report(input: &PolicyInput, flops: f64, t: Option<f64>, top: Option<f64>) -> Result<BudgetReport, FitError> {
    let fit = with_interval(input, |p| compute_optimal(p, flops));
    if !(fit.point.n.is_finite() && fit.point.d.is_finite()) {
        return Err(FitError::Report("fitted exponents are not positive; no compute-optimal allocation".into()));
    }
    let inference = t.map(|t| {
        let alloc = with_interval(input, |p| inference_optimal(p, flops, t));
        let life = |a: &Allocation| 6.0 * a.n * a.d + 2.0 * a.n * t;
        InferenceAware {
            inference_tokens: t,
            n_ratio: alloc.point.n / fit.point.n,
            d_ratio: alloc.point.d / fit.point.d,
            lifetime_flops: [life(&fit.point), life(&alloc.point)],
            allocation: alloc,
        }
    });
    let reference =
        input.tests.as_ref().map(|r| (r.reference.name.clone(), compute_optimal(&r.reference.params_log, flops)));
    Ok(BudgetReport {
        flops,
        decades_beyond_data: top.map(|t| (flops / t).log10()),
        fit,
        rule_of_20: rule_of_20(flops),
        reference,
        inference,
    })
}

/// One allocation with its 80% intervals, on one line.
fn interval_line(s: &mut String, name: &str, a: &AllocationWithInterval) {
    let _ = writeln!(
        s,
        "{name:<22} N = {:.3e} [{:.3e}, {:.3e}]  D = {:.3e} [{:.3e}, {:.3e}]  D/N = {:.1} [{:.1}, {:.1}]",
        a.point.n,
        a.n.p10,
        a.n.p90,
        a.point.d,
        a.d.p10,
        a.d.p90,
        a.point.tokens_per_param,
        a.tokens_per_param.p10,
        a.tokens_per_param.p90
    );
}

/// Plain-text rendering for the terminal.
pub fn optimal_text(r: &OptimalReport) -> String {
    let mut s = String::new();
    for (k, b) in r.budgets.iter().enumerate() {
        if k > 0 {
            s.push('\n');
        }
        let beyond = b
            .decades_beyond_data
            .map(|d| format!(", {d:+.1} decades from the data's largest compute"))
            .unwrap_or_default();
        let _ = writeln!(s, "Compute budget C = {:.3e} FLOPs{beyond} (intervals: 80%, bootstrap)", b.flops);
        interval_line(&mut s, "this fit:", &b.fit);
        let a = &b.rule_of_20;
        let _ = writeln!(
            s,
            "{:<22} N = {:.3e}  D = {:.3e}  D/N = {:.1}",
            "20 tokens/parameter:", a.n, a.d, a.tokens_per_param
        );
        if let Some((name, a)) = &b.reference {
            let _ = writeln!(
                s,
                "{:<22} N = {:.3e}  D = {:.3e}  D/N = {:.1}",
                format!("{name}:"),
                a.n,
                a.d,
                a.tokens_per_param
            );
        }
        if let Some(inf) = &b.inference {
            let _ = writeln!(
                s,
                "With T = {:.3e} lifetime inference tokens (minimise 6ND + 2NT at the same loss):",
                inf.inference_tokens
            );
            interval_line(&mut s, "inference-aware:", &inf.allocation);
            let _ = writeln!(
                s,
                "N x {:.3}, D x {:.3} vs compute-optimal; lifetime FLOPs {:.3e} -> {:.3e}",
                inf.n_ratio, inf.d_ratio, inf.lifetime_flops[0], inf.lifetime_flops[1]
            );
        }
    }
    for w in &r.warnings {
        let _ = writeln!(s, "\nwarning: {w}");
    }
    s
}
