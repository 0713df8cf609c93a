//! fit.md: every number the fit prints, each with a sentence on what it means.

use super::bootstrap::BootstrapUnit;
use super::budgets::BudgetSource;
use super::holdout::{Holdout, HoldoutReport};
use super::policy::rule_of_20;
use super::reference::p_text;
use super::report::{FitReport, LawParams, Tests};
use std::fmt::Write;

/// Format a number compactly with 4 significant digits.
pub(crate) fn g4(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let ax = x.abs();
    if ax != 0.0 && !(1e-3..1e5).contains(&ax) { format!("{x:.3e}") } else { format!("{:.4}", x) }
}

/// Readable Markdown summary of a report (fit.md).
pub fn fit_markdown(r: &FitReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Fit of L(N, D) = E + A/N^alpha + B/D^beta\n");
    if let Some(i) = &r.input {
        s.push_str(&super::input_md::input_markdown(i));
    }
    let _ = writeln!(
        s,
        "{} points; objective (sum over points of the {} of log-loss residuals) = {:.8e}.\n\
         Search: {:?}, {} L-BFGS starts, {} reached the best objective; termination: {} ({} iterations).\n",
        r.n_points,
        r.loss,
        r.objective,
        r.starts.mode,
        r.starts.n_starts,
        r.starts.n_reached_best,
        r.termination,
        r.iterations
    );
    params_table(&mut s, r);
    if !r.warnings.is_empty() {
        let _ = writeln!(s, "## Warnings\n");
        for w in &r.warnings {
            let _ = writeln!(s, "- {w}");
        }
        s.push('\n');
    }
    match &r.tests {
        Some(t) => tests_section(&mut s, t),
        None => {
            let _ = writeln!(
                s,
                "No reference law named, so no test against one (`--reference hoffmann` or `--reference FILE`).\n"
            );
        }
    }
    let _ = writeln!(
        s,
        "Runs needed for an 80% interval of width 0.001 on a: {:.0}. This scales the bootstrap SE of a by \
         sqrt(n): n (2 x 1.2816 x SE(a) / 0.001)^2 runs like these would pin a to +-0.0005.\n",
        r.required_runs_a_width_0_001
    );
    policy_section(&mut s, r);
    if let Some(h) = &r.holdout {
        holdout_section(&mut s, h);
    }
    if let Some(dc) = &r.data_constrained {
        super::dc_md::data_constrained_section(&mut s, dc);
    }
    if let Some(f) = &r.form_fit {
        super::forms::markdown::form_fit_section(&mut s, f);
    }
    if let Some(c) = &r.compare {
        super::forms::markdown::compare_section(&mut s, c);
    }
    approach2_section(&mut s, r);
    let tm = &r.timings;
    let _ = writeln!(
        s,
        "\nTimings: search {:.3} s, bootstrap {:.3} s, total {:.3} s.",
        tm.search_s, tm.bootstrap_s, tm.total_s
    );
    s
}

/// The estimates with SEs (on the log scale for A, B, E) and 95% intervals.
fn params_table(s: &mut String, r: &FitReport) {
    let reference = r.tests.as_ref().map(|t| (t.reference.name.clone(), LawParams::from_log(&t.reference.params_log)));
    let ref_head = reference.as_ref().map(|(n, _)| format!(" {n} |")).unwrap_or_default();
    let _ = writeln!(s, "| parameter | estimate | bootstrap SE | SE of ln | 95% interval |{ref_head}");
    let _ = writeln!(s, "|---|---|---|---|---|{}", if reference.is_some() { "---|" } else { "" });
    let rp = reference.as_ref().map(|(_, p)| *p);
    let ref_a = rp.map(|p| p.beta / (p.alpha + p.beta));
    let rows = [
        ("A", r.params.a_coef, r.se.a_coef, Some(r.se_log[0]), r.ci95.a_coef, rp.map(|p| p.a_coef)),
        ("B", r.params.b_coef, r.se.b_coef, Some(r.se_log[1]), r.ci95.b_coef, rp.map(|p| p.b_coef)),
        ("E", r.params.e_coef, r.se.e_coef, Some(r.se_log[2]), r.ci95.e_coef, rp.map(|p| p.e_coef)),
        ("alpha", r.params.alpha, r.se.alpha, None, r.ci95.alpha, rp.map(|p| p.alpha)),
        ("beta", r.params.beta, r.se.beta, None, r.ci95.beta, rp.map(|p| p.beta)),
        ("a = beta/(alpha+beta)", r.policy.a, r.se.a, None, r.ci95.a, ref_a),
    ];
    for (name, v, se, se_ln, ci, rv) in rows {
        let ln = se_ln.map(g4).unwrap_or_else(|| "-".into());
        let refv = if reference.is_some() { format!(" {} |", rv.map(g4).unwrap_or_default()) } else { String::new() };
        let _ = writeln!(s, "| {name} | {} | {} | {ln} | [{}, {}] |{refv}", g4(v), g4(se), g4(ci[0]), g4(ci[1]));
    }
    let b = &r.bootstrap;
    let _ = writeln!(
        s,
        "\nBootstrap: {} resamples of the {} (seed {}), {} failed. A, B and E are positive scale factors whose \
         bootstrap distributions are skewed: read their uncertainty as the SE of ln (0.1 = about 10%) and the \
         95% percentile interval, not the natural-scale SE.\n",
        b.resamples,
        match b.unit {
            BootstrapUnit::Run => "runs",
            BootstrapUnit::Budget => "budgets (whole budgets drawn with replacement)",
        },
        b.seed,
        b.failed
    );
}

/// Chi-squared and likelihood-ratio tests against the named reference.
fn tests_section(s: &mut String, t: &Tests) {
    let _ = writeln!(s, "## Tests against {}\n", t.reference.name);
    let _ = writeln!(
        s,
        "- Chi-squared of the reference's five parameters (a, b, e, alpha, beta) against this fit with the \
         bootstrap covariance (df {}): statistic {:.1}, p = {}",
        t.chi2.df,
        t.chi2.statistic,
        p_text(&t.chi2)
    );
    let _ = writeln!(
        s,
        "- Likelihood ratio (Huber likelihood, scale fitted for both, df {}): statistic {:.1}, p = {}",
        t.lrt.df,
        t.lrt.statistic,
        p_text(&t.lrt)
    );
    let _ = writeln!(
        s,
        "- Objective at the reference's parameters: {:.6e}; {:.1}% of points have a larger Huber loss there\n",
        t.objective_at_reference,
        100.0 * t.share_points_worse_under_reference
    );
}

/// The compute-optimal allocation at each budget, with where the budget lies relative to the data.
fn policy_section(s: &mut String, r: &FitReport) {
    let p = &r.policy;
    let _ = writeln!(s, "## Compute-optimal policy\n");
    let _ = writeln!(
        s,
        "N_opt = G (C/6)^a, D_opt = G^-1 (C/6)^b with a = {:.4}, b = {:.4}, G = {} (this fit's law). The data's \
         compute spans {:.3e}..{:.3e} FLOPs; intervals are 80% across bootstrap fits.\n",
        p.a,
        p.b,
        g4(p.g),
        r.data_range.flops[0],
        r.data_range.flops[1]
    );
    let _ =
        writeln!(s, "| C (FLOPs) | beyond data | N | D | tokens per parameter (this fit) | 20 tokens/parameter: N |");
    let _ = writeln!(s, "|---|---|---|---|---|---|");
    for at in &p.at {
        let _ = writeln!(
            s,
            "| {:.3e} | {:+.1} decades | {:.3e} ({:.3e}..{:.3e}) | {:.3e} ({:.3e}..{:.3e}) | {:.1} ({:.1}..{:.1}) | {:.3e} |",
            at.flops,
            at.decades_beyond_data,
            at.point.n,
            at.n.p10,
            at.n.p90,
            at.point.d,
            at.d.p10,
            at.d.p90,
            at.point.tokens_per_param,
            at.tokens_per_param.p10,
            at.tokens_per_param.p90,
            rule_of_20(at.flops).n
        );
    }
    if let Some(t) = &r.tests {
        for at in p.at.iter().filter_map(|a| a.reference.map(|x| (a.flops, x))) {
            let _ = writeln!(
                s,
                "\n{}'s law at {:.3e} FLOPs: N = {:.3e}, D = {:.3e}, {:.1} tokens per parameter.",
                t.reference.name, at.0, at.1.n, at.1.d, at.1.tokens_per_param
            );
        }
    }
    s.push('\n');
}

/// Approach 2's slices and exponent beside this fit's.
fn approach2_section(s: &mut String, r: &FitReport) {
    let a2 = &r.approach2;
    let _ = writeln!(s, "## Approach 2 (IsoFLOP slices)\n");
    let from = match a2.source {
        BudgetSource::Column => "the file's budget column",
        BudgetSource::ComputeClusters => "clusters in log compute",
    };
    let _ = writeln!(s, "Budgets from {from}: {}.", a2.note);
    if !a2.slices.is_empty() {
        let _ = writeln!(s, "\n| budget (FLOPs) | runs | decades of N | N_opt |");
        let _ = writeln!(s, "|---|---|---|---|");
        for sl in &a2.slices {
            let n_opt = sl.n_opt.map(|v| format!("{v:.3e}")).unwrap_or_else(|| "no trusted minimum".into());
            let _ = writeln!(s, "| {:.3e} | {} | {:.2} | {} |", sl.flops, sl.rows, sl.n_span_decades, n_opt);
        }
    }
    match (a2.a, a2.a_ci95) {
        (Some(a), Some(ci)) => {
            let _ = writeln!(
                s,
                "\nApproach 2: a = {a:.4} (SE {}, 95% interval [{:.4}, {:.4}], runs resampled within budgets); \
                 Approach 3 (this fit): a = {:.4}.",
                a2.a_se.map(g4).unwrap_or_else(|| "n/a".into()),
                ci[0],
                ci[1],
                r.policy.a
            );
        }
        (Some(a), None) => {
            let _ =
                writeln!(s, "\nApproach 2: a = {a:.4} (no interval); Approach 3 (this fit): a = {:.4}.", r.policy.a);
        }
        (None, _) => {
            let _ = writeln!(s, "\nApproach 2 gives no a; Approach 3 (this fit): a = {:.4}.", r.policy.a);
        }
    }
}

/// Held-out prediction errors per fold and pooled.
fn holdout_section(s: &mut String, h: &HoldoutReport) {
    let what = match h.mode {
        Holdout::Largest(k) => format!("the {k} largest budgets held out"),
        Holdout::EachBudget => "each budget held out in turn".to_string(),
    };
    let _ = writeln!(s, "## Held-out check ({what})\n");
    let _ = writeln!(
        s,
        "Each fold is fitted without its runs and predicts them; relative error |L_hat - L| / L, and how many \
         held-out runs fall inside the fold's 95% bootstrap prediction band (law uncertainty times the training \
         runs' scatter).\n"
    );
    let _ = writeln!(s, "| held-out compute (FLOPs) | runs | median rel. error | max rel. error | inside 95% band |");
    let _ = writeln!(s, "|---|---|---|---|---|");
    for f in &h.folds {
        let c: Vec<String> = f.held_flops.iter().map(|c| format!("{c:.3e}")).collect();
        let _ = writeln!(
            s,
            "| {} | {} | {:.3}% | {:.3}% | {} of {} |",
            c.join(", "),
            f.runs,
            100.0 * f.median_rel_err,
            100.0 * f.max_rel_err,
            f.inside_band,
            f.runs
        );
    }
    let _ = writeln!(
        s,
        "\nAll held-out runs: {}, median relative error {:.3}%, max {:.3}%, {} inside the band.\n",
        h.runs,
        100.0 * h.median_rel_err,
        100.0 * h.max_rel_err,
        h.inside_band
    );
}
