//! `figdig optimal`: compute-optimal (and inference-aware) allocation at a budget, with 80%
//! bootstrap intervals, from what fit.json stores (the point estimate and the bootstrap samples).

use super::error::FitError;
use super::policy::{Allocation, HOFFMANN, compute_optimal, inference_optimal, rule_of_20};
use super::report::Spread;
use serde::{Deserialize, Serialize};

/// The part of fit.json that the policy needs; other keys are ignored, so older or richer reports load.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PolicyInput {
    /// [a, b, e, alpha, beta].
    pub params_log: [f64; 5],
    /// Bootstrap samples.
    pub bootstrap: PolicySamples,
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

/// Everything `figdig optimal` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptimalReport {
    /// Budget C.
    pub flops: f64,
    /// This fit's compute-optimal allocation.
    pub fit: AllocationWithInterval,
    /// 20 tokens per parameter.
    pub rule_of_20: Allocation,
    /// Hoffmann et al.'s law.
    pub hoffmann: Allocation,
    /// With inference tokens, when given.
    pub inference: Option<InferenceAware>,
}

/// Compute the allocation report at `flops`, optionally inference-aware.
pub fn optimal_report(
    input: &PolicyInput,
    flops: f64,
    inference_tokens: Option<f64>,
) -> Result<OptimalReport, FitError> {
    if !(flops.is_finite() && flops > 0.0) {
        return Err(FitError::InvalidOption(format!("--flops must be finite and > 0, got {flops}")));
    }
    if let Some(t) = inference_tokens
        && !(t.is_finite() && t >= 0.0)
    {
        return Err(FitError::InvalidOption(format!("--inference-tokens must be finite and >= 0, got {t}")));
    }
    let fit = with_interval(input, |p| compute_optimal(p, flops));
    if !(fit.point.n.is_finite() && fit.point.d.is_finite()) {
        return Err(FitError::Report("fitted exponents are not positive; no compute-optimal allocation".into()));
    }
    let inference = inference_tokens.map(|t| {
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
    Ok(OptimalReport {
        flops,
        fit,
        rule_of_20: rule_of_20(flops),
        hoffmann: compute_optimal(&HOFFMANN, flops),
        inference,
    })
}

/// Plain-text rendering for the terminal.
pub fn optimal_text(r: &OptimalReport) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let line = |s: &mut String, name: &str, a: &AllocationWithInterval| {
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
    };
    let _ = writeln!(s, "Compute budget C = {:.3e} FLOPs (intervals: 80%, bootstrap)", r.flops);
    line(&mut s, "this fit:", &r.fit);
    for (name, a) in [("20 tokens/parameter:", &r.rule_of_20), ("Hoffmann et al.:", &r.hoffmann)] {
        let _ = writeln!(s, "{name:<22} N = {:.3e}  D = {:.3e}  D/N = {:.1}", a.n, a.d, a.tokens_per_param);
    }
    if let Some(inf) = &r.inference {
        let _ = writeln!(
            s,
            "\nWith T = {:.3e} lifetime inference tokens (minimise 6ND + 2NT at the same loss):",
            inf.inference_tokens
        );
        line(&mut s, "inference-aware:", &inf.allocation);
        let _ = writeln!(
            s,
            "N x {:.3}, D x {:.3} vs compute-optimal; lifetime FLOPs {:.3e} -> {:.3e}",
            inf.n_ratio, inf.d_ratio, inf.lifetime_flops[0], inf.lifetime_flops[1]
        );
    }
    s
}
