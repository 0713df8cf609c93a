//! The solvers of every form: L-BFGS (argmin, More-Thuente line search) from a start, and the
//! global search: variable projection on the model's exponent grid (for fixed exponents the law is
//! linear in its non-negative coefficients: an exact NNLS), the grid scored by the Huber cost, then
//! L-BFGS from the best few separated cells.

use super::super::objective::{LocalSettings, run_lbfgs};
use super::super::search::{DEFAULT_POLISH, GRID_MAX_POINTS, nnls3, reached_best};
use super::cost::{FormCost, objective};
use super::{Centres, MAX_COLUMNS, Model, Pt};
use rayon::prelude::*;

/// One local minimisation: where it ended and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Local {
    /// Internal parameters at the best point seen.
    pub params: Vec<f64>,
    /// Cost there.
    pub objective: f64,
    /// Why the solver stopped (argmin's wording).
    pub termination: String,
    /// Iterations used.
    pub iterations: u64,
}

/// The global search's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    /// The best local fit.
    pub best: Local,
    /// Starts polished.
    pub n_starts: usize,
    /// Starts within 1e-9 (relative) of the best cost.
    pub n_reached_best: usize,
}

/// L-BFGS from `start`; a line-search failure near the optimum is a normal way to stop, so the
/// best point seen is returned with that reason.
pub fn polish(m: &dyn Model, pts: &[Pt], start: &[f64], s: &LocalSettings) -> Result<Local, String> {
    let (params, termination, iterations) = run_lbfgs(FormCost::new(m, pts, s.delta), start.to_vec(), s)?;
    let f = objective(m, pts, &params, s.delta);
    if !f.is_finite() {
        return Err(format!("non-finite cost after L-BFGS ({termination})"));
    }
    Ok(Local { params, objective: f, termination, iterations })
}

/// Grid cells as index tuples (one or two axes).
fn cells(axes: &[Vec<f64>]) -> Vec<[usize; 2]> {
    match axes {
        [a] => (0..a.len()).map(|i| [i, 0]).collect(),
        [a, b, ..] => (0..a.len()).flat_map(|i| (0..b.len()).map(move |j| [i, j])).collect(),
        [] => Vec::new(),
    }
}

/// Internal parameters of one grid cell by weighted NNLS of its target on its columns.
fn project(m: &dyn Model, pts: &[Pt], theta: &[f64], c: &Centres) -> Vec<f64> {
    let mut g = [[0.0; MAX_COLUMNS]; MAX_COLUMNS];
    let (mut rhs, mut yy) = ([0.0; MAX_COLUMNS], 0.0);
    for pt in pts {
        let (t, col) = m.basis(theta, pt, c);
        for r in 0..MAX_COLUMNS {
            rhs[r] += pt.w * col[r] * t;
            for k in 0..MAX_COLUMNS {
                g[r][k] += pt.w * col[r] * col[k];
            }
        }
        yy += pt.w * t * t;
    }
    m.params_of_projection(theta, nnls3(&g, &rhs, yy), c)
}

/// Every `n / max`-th run when there are more than `max`: the grid only ranks basins.
fn grid_points(pts: &[Pt]) -> Vec<Pt> {
    let n = pts.len();
    if n <= GRID_MAX_POINTS {
        return pts.to_vec();
    }
    (0..GRID_MAX_POINTS).map(|k| pts[k * n / GRID_MAX_POINTS]).collect()
}

/// Variable projection on the model's grid, then L-BFGS (on all runs) from the best
/// [`DEFAULT_POLISH`] cells no two of which are neighbours.
pub fn search(m: &dyn Model, pts: &[Pt], c: &Centres, s: &LocalSettings) -> Result<Search, String> {
    let axes = m.grid();
    let sub = grid_points(pts);
    let theta = |ix: &[usize; 2]| -> Vec<f64> { axes.iter().zip(ix).map(|(a, &i)| a[i]).collect() };
    let all = cells(&axes);
    let mut scored: Vec<([usize; 2], Vec<f64>, f64)> = all
        .par_iter()
        .map(|ix| {
            let p = project(m, &sub, &theta(ix), c);
            let f = objective(m, &sub, &p, s.delta);
            (*ix, p, f)
        })
        .collect();
    scored.sort_by(|a, b| a.2.total_cmp(&b.2));
    let mut picks: Vec<&([usize; 2], Vec<f64>, f64)> = Vec::new();
    for cell in &scored {
        let near = |q: &&([usize; 2], Vec<f64>, f64)| (0..2).all(|k| q.0[k].abs_diff(cell.0[k]) <= 1);
        if picks.len() < DEFAULT_POLISH && !picks.iter().any(near) {
            picks.push(cell);
        }
    }
    let fits: Vec<Local> = picks.par_iter().filter_map(|cell| polish(m, pts, &cell.1, s).ok()).collect();
    let best = fits
        .iter()
        .min_by(|a, b| a.objective.total_cmp(&b.objective))
        .cloned()
        .ok_or_else(|| "no start produced a finite cost".to_string())?;
    let n_reached_best = reached_best(fits.iter().map(|f| f.objective), best.objective);
    Ok(Search { best, n_starts: picks.len(), n_reached_best })
}
