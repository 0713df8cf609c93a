//! Global search for the Huber optimum: the replication's 4500-start grid, and a faster default.
//!
//! Default (variable projection): for fixed (alpha, beta) the law is linear in (E, A, B), so a
//! non-negative least-squares fit of L on [1, N^-alpha, D^-beta] (3 unknowns: enumerate the active
//! sets) gives the best (E, A, B) for that exponent pair. Each pair on a grid is scored by the
//! Huber objective at that point; the best few distinct local minima of the grid are then polished
//! with L-BFGS on the Huber objective itself.

use super::objective::{LocalFit, LocalSettings, LogData, lbfgs, objective};
use rayon::prelude::*;

/// Floor for E, A, B from NNLS, so their logs stay finite (a zero coefficient is a boundary fit).
const COEF_FLOOR: f64 = 1e-8;

/// Result of a global search.
#[derive(Debug, Clone)]
pub struct SearchResult {
    /// The best local fit.
    pub best: LocalFit,
    /// Starts polished with L-BFGS.
    pub n_starts: usize,
    /// Starts whose objective is within `REACH_RTOL` (relative) of the best.
    pub n_reached_best: usize,
}

/// Relative tolerance for "reached the best objective".
pub const REACH_RTOL: f64 = 1e-9;

/// The replication's grid: alpha, beta in {0, .5, .., 2}; e in {-1, -.5, .., 1}; a, b in {0, 5, .., 25}.
pub fn replication_starts() -> Vec<[f64; 5]> {
    let half = |k: usize| k as f64 * 0.5;
    let mut v = Vec::with_capacity(4500);
    for ia in 0..5 {
        for ib in 0..5 {
            for ie in 0..5 {
                for ka in 0..6 {
                    for kb in 0..6 {
                        v.push([5.0 * ka as f64, 5.0 * kb as f64, half(ie) - 1.0, half(ia), half(ib)]);
                    }
                }
            }
        }
    }
    v
}

/// Polish every start with L-BFGS (in parallel) and summarise.
pub fn run_starts(data: &LogData, starts: &[[f64; 5]], s: &LocalSettings) -> Result<SearchResult, String> {
    let fits: Vec<LocalFit> = starts.par_iter().filter_map(|st| lbfgs(data, st, s).ok()).collect();
    summarise(fits, starts.len())
}

fn summarise(fits: Vec<LocalFit>, n_starts: usize) -> Result<SearchResult, String> {
    let best = fits
        .iter()
        .min_by(|a, b| a.objective.total_cmp(&b.objective))
        .cloned()
        .ok_or_else(|| "no start produced a finite objective".to_string())?;
    let n_reached_best = reached_best(fits.iter().map(|f| f.objective), best.objective);
    Ok(SearchResult { best, n_starts, n_reached_best })
}

/// How many of `objectives` are within [`REACH_RTOL`] (relative) of `best`.
pub(crate) fn reached_best(objectives: impl Iterator<Item = f64>, best: f64) -> usize {
    let tol = REACH_RTOL * best.abs().max(f64::MIN_POSITIVE);
    objectives.filter(|f| f - best <= tol).count()
}

/// NNLS of y on columns [1, x, z] with weights: returns (E, A, B).
/// Enumerates all active sets (only 8) and keeps the feasible one with the least squared error.
pub(crate) fn nnls3(g: &[[f64; 3]; 3], rhs: &[f64; 3], yy: f64) -> [f64; 3] {
    let mut best = ([0.0; 3], yy);
    for mask in 1u8..8 {
        let idx: Vec<usize> = (0..3).filter(|k| mask & (1 << k) != 0).collect();
        let m = idx.len();
        let mut a = [[0.0; 3]; 3];
        let mut b = [0.0; 3];
        for (r, &i) in idx.iter().enumerate() {
            b[r] = rhs[i];
            for (c, &j) in idx.iter().enumerate() {
                a[r][c] = g[i][j];
            }
        }
        let Some(sol) = solve_small(&a, &b, m) else { continue };
        if sol[..m].iter().any(|&v| v < 0.0) {
            continue;
        }
        let mut c = [0.0; 3];
        for (r, &i) in idx.iter().enumerate() {
            c[i] = sol[r];
        }
        // SSE = y'y - 2 c'X'y + c'Gc
        let mut sse = yy;
        for i in 0..3 {
            sse -= 2.0 * c[i] * rhs[i];
            for j in 0..3 {
                sse += c[i] * g[i][j] * c[j];
            }
        }
        if sse < best.1 {
            best = (c, sse);
        }
    }
    best.0
}

/// Gaussian elimination with partial pivoting on the leading m x m block.
fn solve_small(a: &[[f64; 3]; 3], b: &[f64; 3], m: usize) -> Option<[f64; 3]> {
    let mut a = *a;
    let mut b = *b;
    for col in 0..m {
        let piv = (col..m).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[piv][col].abs() < 1e-300 {
            return None;
        }
        a.swap(col, piv);
        b.swap(col, piv);
        for r in col + 1..m {
            let f = a[r][col] / a[col][col];
            for c in col..m {
                a[r][c] -= f * a[col][c];
            }
            b[r] -= f * b[col];
        }
    }
    let mut x = [0.0; 3];
    for r in (0..m).rev() {
        let mut s = b[r];
        for c in r + 1..m {
            s -= a[r][c] * x[c];
        }
        x[r] = s / a[r][r];
        if !x[r].is_finite() {
            return None;
        }
    }
    Some(x)
}

/// Exponent grid of the default search.
fn exponent_grid() -> Vec<f64> {
    // 0.02 .. 2.0: alpha = 0 would make N^-alpha collinear with E.
    (1..=100).map(|k| k as f64 * 0.02).collect()
}

/// Variable-projection start for fixed exponents.
fn projected(data: &LogData, loss: &[f64], xa: &[f64], zb: &[f64], alpha: f64, beta: f64) -> [f64; 5] {
    let mut g = [[0.0; 3]; 3];
    let mut rhs = [0.0; 3];
    let mut yy = 0.0;
    for i in 0..loss.len() {
        let w = data.w[i];
        let row = [1.0, xa[i], zb[i]];
        for r in 0..3 {
            rhs[r] += w * row[r] * loss[i];
            for c in r..3 {
                g[r][c] += w * row[r] * row[c];
            }
        }
        yy += w * loss[i] * loss[i];
    }
    for r in 0..3 {
        for c in 0..r {
            g[r][c] = g[c][r];
        }
    }
    let c = nnls3(&g, &rhs, yy);
    [c[1].max(COEF_FLOOR).ln(), c[2].max(COEF_FLOOR).ln(), c[0].max(COEF_FLOOR).ln(), alpha, beta]
}

/// How many distinct grid minima are polished by the default search.
pub const DEFAULT_POLISH: usize = 8;

/// Most points the exponent grid scores. Beyond it an even stride through the points picks the
/// starts (the polish then uses every point), so the grid's cost stops growing with the rows:
/// thousands of points already fix which basin is best, and 4096 keeps the grid under a second.
pub const GRID_MAX_POINTS: usize = 4096;

/// Every `n / max`-th point (weights kept), or `None` when there are at most `max`.
fn stride_subsample(data: &LogData, max: usize) -> Option<LogData> {
    let n = data.ln_l.len();
    (n > max).then(|| {
        let idx: Vec<usize> = (0..max).map(|k| k * n / max).collect();
        let pick = |v: &[f64]| idx.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        LogData { ln_n: pick(&data.ln_n), ln_d: pick(&data.ln_d), ln_l: pick(&data.ln_l), w: pick(&data.w) }
    })
}

/// The default search: variable projection on an exponent grid (scored on at most
/// [`GRID_MAX_POINTS`] points), then L-BFGS on the best minima with every point.
pub fn default_search(data: &LogData, s: &LocalSettings) -> Result<SearchResult, String> {
    let sub = stride_subsample(data, GRID_MAX_POINTS);
    let full = data;
    let data = sub.as_ref().unwrap_or(full);
    let grid = exponent_grid();
    let k = grid.len();
    let loss: Vec<f64> = data.ln_l.iter().map(|x| x.exp()).collect();
    let pow = |ln: &[f64], e: f64| -> Vec<f64> { ln.iter().map(|l| (-e * l).exp()).collect() };
    let xs: Vec<Vec<f64>> = grid.iter().map(|&a| pow(&data.ln_n, a)).collect();
    let zs: Vec<Vec<f64>> = grid.iter().map(|&b| pow(&data.ln_d, b)).collect();
    // scores[ia * k + ib]
    let cells: Vec<([f64; 5], f64)> = (0..k * k)
        .into_par_iter()
        .map(|idx| {
            let (ia, ib) = (idx / k, idx % k);
            let p = projected(data, &loss, &xs[ia], &zs[ib], grid[ia], grid[ib]);
            let f = objective(data, &p, s.delta);
            (p, if f.is_finite() { f } else { f64::INFINITY })
        })
        .collect();
    // Local minima over the 8-neighbourhood, best first; fall back to the best cells.
    let mut minima: Vec<usize> = (0..k * k)
        .filter(|&idx| {
            let (ia, ib) = ((idx / k) as isize, (idx % k) as isize);
            let f = cells[idx].1;
            f.is_finite()
                && (-1..=1).all(|da| {
                    (-1..=1).all(|db| {
                        let (x, y) = (ia + da, ib + db);
                        if (da == 0 && db == 0) || x < 0 || y < 0 || x >= k as isize || y >= k as isize {
                            return true;
                        }
                        cells[(x as usize) * k + y as usize].1 >= f
                    })
                })
        })
        .collect();
    minima.sort_by(|&a, &b| cells[a].1.total_cmp(&cells[b].1));
    let mut order: Vec<usize> = (0..k * k).collect();
    order.sort_by(|&a, &b| cells[a].1.total_cmp(&cells[b].1));
    let mut picks: Vec<usize> = minima.into_iter().take(DEFAULT_POLISH).collect();
    for idx in order {
        if picks.len() >= DEFAULT_POLISH {
            break;
        }
        if !picks.contains(&idx) {
            picks.push(idx);
        }
    }
    let starts: Vec<[f64; 5]> = picks.iter().map(|&i| cells[i].0).collect();
    run_starts(full, &starts, s)
}
