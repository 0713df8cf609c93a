//! fit.md's sections for a form's fit and for `--compare`, every number with a sentence.

use super::super::holdout::Holdout;
use super::super::markdown::g4;
use super::{CompareReport, FormFit, LawForm};
use std::fmt::Write;

/// The form's estimates, search and bootstrap.
pub fn form_fit_section(s: &mut String, f: &FormFit) {
    let _ = writeln!(s, "## Form `{}`: {}\n", f.form.key(), f.formula);
    let runs = f.runs_rule.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
    let _ = writeln!(
        s,
        "Fitted on {} runs{runs} with the same loss; objective {:.8e} (sum over those runs of the loss of log-loss \
         residuals). Search: variable projection on the form's exponent grid, then L-BFGS from {} separated \
         grid cells, {} of which reached the best objective (more than one means the optimum does not hang on the \
         start); termination: {} ({} iterations). The Chinchilla fit above is on all runs and is kept beside this \
         one for the policy and Approach 2.\n",
        f.runs, f.objective, f.n_starts, f.n_reached_best, f.termination, f.iterations
    );
    let _ = writeln!(s, "| parameter | estimate | bootstrap SE | SE of ln | 95% interval |");
    let _ = writeln!(s, "|---|---|---|---|---|");
    for p in &f.params {
        let ln = p.se_ln.map(g4).unwrap_or_else(|| "-".into());
        let flag = p.not_identified_decades.map(|d| format!(" (not identified: {d:.1} decades)")).unwrap_or_default();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {ln} | [{}, {}]{flag} |",
            p.name,
            g4(p.estimate),
            g4(p.se),
            g4(p.ci95[0]),
            g4(p.ci95[1])
        );
    }
    if f.params.iter().any(|p| p.not_identified_decades.is_some()) {
        let _ = writeln!(
            s,
            "\nA scale factor marked not identified has a 95% interval spanning more decades than the threshold \
             (2 by default): the runs fix at most its order of magnitude, usually because it trades off against \
             its exponent."
        );
    }
    let _ = writeln!(
        s,
        "\nBootstrap: {} resamples of these runs (seed {}), each refitted by L-BFGS from the estimate; {} failed. \
         The SE is the spread of the refits; for scale factors read the SE of ln (0.1 = about 10%) and the \
         percentile interval.\n",
        f.resamples, f.seed, f.resamples_failed
    );
}

/// The side-by-side table and the pick.
pub fn compare_section(s: &mut String, c: &CompareReport) {
    let what = match c.holdout {
        Holdout::Largest(k) => format!("the {k} largest budgets (or compute values) held out"),
        Holdout::EachBudget => "each budget held out in turn".to_string(),
    };
    let _ = writeln!(s, "## Forms compared on held-out runs ({what})\n");
    let _ = writeln!(
        s,
        "Each form is fitted on all runs (objective, starts) and, for the held-out check, without the held-out \
         runs, which it then predicts. Relative error is |L_hat - L| / L per held-out run; the band is the 95% \
         range of bootstrap predictions times a training residual, so about 95% of held-out runs should fall \
         inside it when the form is right and its uncertainty honest. Objectives of different forms are on the \
         same runs (except `compute`, on the frontier) but not penalised for parameters; the held-out error is \
         the fair comparison.\n"
    );
    let _ = writeln!(
        s,
        "| form | parameters | runs fitted | objective | starts at best | held-out runs | median rel. error | \
         max rel. error | inside 95% band | frontier runs | frontier median rel. error |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|---|---|");
    for e in &c.entries {
        let h = &e.holdout;
        let cover = if h.runs > 0 { 100.0 * h.inside_band as f64 / h.runs as f64 } else { f64::NAN };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.6e} | {} of {} | {} | {:.3}% | {:.3}% | {} ({:.0}%) | {} | {:.3}% |",
            e.form.key(),
            e.n_params,
            e.runs,
            e.objective,
            e.n_reached_best,
            e.n_starts,
            h.runs,
            100.0 * h.median_rel_err,
            100.0 * h.max_rel_err,
            h.inside_band,
            cover,
            h.frontier_runs,
            100.0 * h.frontier_median_rel_err
        );
    }
    let pick = c.pick.map(LawForm::key).unwrap_or("none");
    let _ = writeln!(
        s,
        "\nPick: `{pick}`, the lowest median held-out error, a form with fewer parameters preferred when within \
         {:.0}% of it (a richer form that nests the true one predicts about as well). `compute` predicts only \
         each held-out budget's lowest loss, so it is scored on those runs and picked only alone. On those \
         frontier runs, which every form predicts, the same rule picks `{}`: the choice for a user who needs \
         only the best loss a budget buys.\n",
        100.0 * c.tie_rtol,
        c.pick_frontier.map(LawForm::key).unwrap_or("none")
    );
}
