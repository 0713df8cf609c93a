//! Approach 2 (IsoFLOP slices): per training budget, a parabola of loss against log N and its
//! minimum; then N_opt ∝ C^a by a least-squares line in log-log, with a bootstrap interval
//! (runs resampled within each budget).
//!
//! Budgets come from [`super::budgets`]. A budget counts only if its runs span enough model sizes
//! for a parabola to have a minimum to find, and a needs at least `min_budgets` of them.

use super::budgets::{BudgetOptions, BudgetSource, budget_groups};
use super::data::FitData;
use super::stats::{quantile, sorted, std_dev};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// Options of [`approach2`]. Every default is stated and why.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Approach2Options {
    /// How runs are grouped into budgets.
    pub budgets: BudgetOptions,
    /// A budget's runs must span at least this many decades of N. Default 0.6: IsoFLOP profiles
    /// span a decade or more; a narrower cluster is a handful of unrelated runs whose parabola
    /// vertex is an extrapolation.
    pub min_n_span_decades: f64,
    /// Fewest budgets with an interior minimum that give a. Default 3: two points always fit a line.
    pub min_budgets: usize,
    /// Bootstrap resamples for a's interval. Default 1000 (parabola fits are cheap).
    pub resamples: usize,
    /// Bootstrap seed. Default 0.
    pub seed: u64,
}

impl Default for Approach2Options {
    fn default() -> Self {
        Approach2Options {
            budgets: BudgetOptions::default(),
            min_n_span_decades: 0.6,
            min_budgets: 3,
            resamples: 1000,
            seed: 0,
        }
    }
}

/// One IsoFLOP slice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slice {
    /// Geometric mean compute of the slice's runs.
    pub flops: f64,
    /// Runs in it.
    pub rows: usize,
    /// Decades of N its runs span.
    pub n_span_decades: f64,
    /// Parabola vertex in N; None when the parabola opens downwards, its vertex lies outside the
    /// slice's range of N, or the runs span too few decades of N.
    pub n_opt: Option<f64>,
}

/// Approach 2's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Approach2 {
    /// Where the budgets came from.
    pub source: BudgetSource,
    /// Slices found.
    pub slices: Vec<Slice>,
    /// Fitted exponent a of N_opt ∝ C^a (None with fewer than `min_budgets` usable slices).
    pub a: Option<f64>,
    /// Bootstrap SE of a (runs resampled within each slice).
    pub a_se: Option<f64>,
    /// Bootstrap 95% percentile interval of a.
    pub a_ci95: Option<[f64; 2]>,
    /// What happened, in words.
    pub note: String,
}

/// A slice's runs as (log N, loss).
type Runs = Vec<(f64, f64)>;

/// Parabola vertex (log N) of a slice's runs, if it is a trusted interior minimum.
fn vertex(runs: &Runs, min_span: f64) -> Option<f64> {
    let x: Vec<f64> = runs.iter().map(|r| r.0).collect();
    let y: Vec<f64> = runs.iter().map(|r| r.1).collect();
    let (lo, hi) = x.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| (l.min(v), h.max(v)));
    if (hi - lo) / std::f64::consts::LN_10 < min_span {
        return None;
    }
    parabola_min(&x, &y)
}

/// Run Approach 2 on the data.
pub fn approach2(data: &FitData, o: &Approach2Options) -> Approach2 {
    let (all, source) = budget_groups(data, &o.budgets);
    let span = |g: &Vec<usize>| {
        let (lo, hi) =
            g.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &i| (l.min(data.n[i]), h.max(data.n[i])));
        (hi / lo).log10()
    };
    // A cluster of runs at one compute that spans too few model sizes is not an IsoFLOP profile.
    let (groups, narrow): (Vec<Vec<usize>>, Vec<Vec<usize>>) =
        all.into_iter().partition(|g| span(g) >= o.min_n_span_decades);
    let runs: Vec<Runs> = groups.iter().map(|g| g.iter().map(|&i| (data.n[i].ln(), data.loss[i])).collect()).collect();
    let slices: Vec<Slice> = groups
        .iter()
        .zip(&runs)
        .map(|(g, r)| {
            let ln_c = g.iter().map(|&i| data.flops[i].ln()).sum::<f64>() / g.len() as f64;
            let (lo, hi) = r.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| (l.min(v.0), h.max(v.0)));
            Slice {
                flops: ln_c.exp(),
                rows: g.len(),
                n_span_decades: (hi - lo) / std::f64::consts::LN_10,
                n_opt: vertex(r, o.min_n_span_decades).map(f64::exp),
            }
        })
        .collect();
    let ln_c: Vec<f64> = slices.iter().map(|s| s.flops.ln()).collect();
    let fit_a = |verts: &[Option<f64>]| {
        let pts: Vec<(f64, f64)> = ln_c.iter().zip(verts).filter_map(|(c, v)| v.map(|v| (*c, v))).collect();
        (pts.len() >= o.min_budgets).then(|| slope(&pts)).flatten()
    };
    let verts: Vec<Option<f64>> = slices.iter().map(|s| s.n_opt.map(f64::ln)).collect();
    let a = fit_a(&verts);
    let boot: Vec<f64> = match a {
        Some(_) => (0..o.resamples)
            .filter_map(|k| {
                let mut rng = ChaCha8Rng::seed_from_u64(o.seed);
                rng.set_stream(k as u64);
                let v: Vec<Option<f64>> =
                    runs.iter().map(|r| vertex(&resample(r, &mut rng), o.min_n_span_decades)).collect();
                fit_a(&v)
            })
            .collect(),
        None => Vec::new(),
    };
    let enough = boot.len() >= 2;
    let s = sorted(&boot);
    let usable = verts.iter().filter(|v| v.is_some()).count();
    Approach2 {
        source,
        a_se: enough.then(|| std_dev(&boot)),
        a_ci95: enough.then(|| [quantile(&s, 0.025), quantile(&s, 0.975)]),
        note: note(&slices, usable, narrow.len(), a.is_some(), o),
        slices,
        a,
    }
}

/// A bootstrap resample of one slice's runs.
fn resample(r: &Runs, rng: &mut ChaCha8Rng) -> Runs {
    (0..r.len()).map(|_| r[rng.random_range(0..r.len())]).collect()
}

/// What happened, and the known bias of parabola fits.
fn note(slices: &[Slice], usable: usize, narrow: usize, has_a: bool, o: &Approach2Options) -> String {
    let narrow = if narrow > 0 {
        format!(
            " ({narrow} more cluster(s) of runs at one compute span under {} decades of N: not IsoFLOP profiles)",
            o.min_n_span_decades
        )
    } else {
        String::new()
    };
    if slices.is_empty() {
        return format!(
            "no IsoFLOP budgets ({}+ runs within {} decades of a common compute, spanning {}+ decades of N){narrow}",
            o.budgets.min_runs, o.budgets.halfwidth_decades, o.min_n_span_decades
        );
    }
    let base = format!("{} budgets{narrow}, {usable} with an interior parabola minimum", slices.len());
    if !has_a {
        return format!("{base}; a needs at least {} such budgets", o.min_budgets);
    }
    format!(
        "{base}. A parabola in log N is symmetric while loss profiles are not, so each vertex is biased \
         towards the profile's flatter side; the bias drifts with compute and shifts a (Hoffmann et al. 2022, \
         Porian et al. 2024): read Approach 2 as a cross-check of Approach 3"
    )
}

/// Vertex of the least-squares parabola y = c0 + c1 x + c2 x^2, if it is a minimum inside [min x, max x].
fn parabola_min(x: &[f64], y: &[f64]) -> Option<f64> {
    // Centre x for conditioning.
    let xm = x.iter().sum::<f64>() / x.len() as f64;
    let mut g = [[0.0; 3]; 3];
    let mut r = [0.0; 3];
    for (&xi, &yi) in x.iter().zip(y) {
        let t = xi - xm;
        let row = [1.0, t, t * t];
        for i in 0..3 {
            r[i] += row[i] * yi;
            for j in 0..3 {
                g[i][j] += row[i] * row[j];
            }
        }
    }
    let c = solve3(g, r)?;
    if !(c[2] > 0.0) {
        return None;
    }
    let v = xm - c[1] / (2.0 * c[2]);
    let (lo, hi) = x.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| (l.min(v), h.max(v)));
    (v >= lo && v <= hi).then_some(v)
}

fn solve3(mut a: [[f64; 3]; 3], mut b: [f64; 3]) -> Option<[f64; 3]> {
    for col in 0..3 {
        let piv = (col..3).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[piv][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, piv);
        b.swap(col, piv);
        for r in col + 1..3 {
            let f = a[r][col] / a[col][col];
            for c in col..3 {
                a[r][c] -= f * a[col][c];
            }
            b[r] -= f * b[col];
        }
    }
    let mut x = [0.0; 3];
    for r in (0..3).rev() {
        let s = b[r] - (r + 1..3).map(|c| a[r][c] * x[c]).sum::<f64>();
        x[r] = s / a[r][r];
    }
    Some(x)
}

fn slope(pts: &[(f64, f64)]) -> Option<f64> {
    let n = pts.len() as f64;
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}
