//! The data-constrained section of fit.md, beside Muennighoff et al. (2023)'s estimates.

use super::data_constrained::DataConstrained;
use super::markdown::g4;
use super::report::LawParams;
use std::fmt::Write;

/// Muennighoff et al. (2023)'s R*_D and R*_N on their C4 runs (about).
const PAPER_R_STAR: [f64; 2] = [15.4, 5.3];

/// Render the section.
pub fn data_constrained_section(s: &mut String, dc: &DataConstrained) {
    let p = LawParams::from_log(&dc.params_log);
    let b = LawParams::from_log(&dc.single_epoch_params_log);
    let ci = |c: Option<[f64; 2]>| c.map(|c| format!("[{}, {}]", g4(c[0]), g4(c[1]))).unwrap_or_else(|| "n/a".into());
    let _ = writeln!(s, "## Data-constrained law (Muennighoff et al. 2023)\n");
    let _ = writeln!(
        s,
        "L = E + A/N'^alpha + B/D'^beta with D' = U + U R*_D (1 - exp(-R_D/R*_D)), R_D = D/U - 1, and N' likewise \
         for parameters beyond the compute-optimal size for U unique tokens. Start: the Chinchilla law on the {} \
         single-epoch runs (E = {}, alpha = {}, beta = {}), then R*_D and R*_N with it fixed; then all seven \
         parameters on all {} runs ({}): E = {}, A = {}, B = {}, alpha = {}, beta = {}.\n",
        dc.single_epoch_runs,
        g4(b.e_coef),
        g4(b.alpha),
        g4(b.beta),
        dc.runs,
        dc.termination,
        g4(p.e_coef),
        g4(p.a_coef),
        g4(p.b_coef),
        g4(p.alpha),
        g4(p.beta)
    );
    let _ = writeln!(s, "| quantity | this fit | 95% bootstrap interval | Muennighoff et al. |");
    let _ = writeln!(s, "|---|---|---|---|");
    let _ = writeln!(s, "| R*_D | {} | {} | about {} |", g4(dc.r_star_d), ci(dc.r_star_d_ci95), PAPER_R_STAR[0]);
    let _ = writeln!(s, "| R*_N | {} | {} | about {} |", g4(dc.r_star_n), ci(dc.r_star_n_ci95), PAPER_R_STAR[1]);
    let _ = writeln!(
        s,
        "\nR*_D is the number of repeats after which repeated data's value has decayed by 1/e. Objective on all runs: \
         {:.6e} with decay, {:.6e} counting repeated tokens as new ({} bootstrap resamples failed).\n",
        dc.objective, dc.objective_without_decay, dc.resamples_failed
    );
    let edge = |c: Option<[f64; 2]>| c.is_some_and(|c| c[1] >= dc.r_star_range[1] * (1.0 - 1e-9));
    if edge(dc.r_star_d_ci95) || edge(dc.r_star_n_ci95) {
        let _ = writeln!(
            s,
            "An interval ending at {} (the end of the range searched) means the runs do not bound that R* from \
             above: the repeated-data runs are too few or too short to see the decay finish.\n",
            g4(dc.r_star_range[1])
        );
    }
}
