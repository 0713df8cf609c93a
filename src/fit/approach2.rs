//! Approach 2 (IsoFLOP slices): per training budget, a parabola of loss against log N and its
//! minimum; then N_opt ∝ C^a by a least-squares line in log-log.
//!
//! Slices are groups of at least `MIN_ROWS` runs whose FLOP values agree within `REL_TOL`: the
//! densest window [C, C (1 + REL_TOL)] is taken first, then the densest of the rest, and so on.
//! (Chaining neighbours instead would merge a dense, continuous spread of budgets into one group.)

use super::data::FitData;
use serde::{Deserialize, Serialize};

/// Relative FLOP tolerance for "same budget".
pub const REL_TOL: f64 = 0.05;
/// Fewest rows that make a slice.
pub const MIN_ROWS: usize = 5;

/// One IsoFLOP slice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slice {
    /// Geometric mean budget of the slice.
    pub flops: f64,
    /// Rows in it.
    pub rows: usize,
    /// Parabola vertex in N; None when the parabola opens downwards or its vertex lies outside
    /// the slice's range of N (no interior minimum to trust).
    pub n_opt: Option<f64>,
}

/// Approach 2's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Approach2 {
    /// Slices found.
    pub slices: Vec<Slice>,
    /// Fitted exponent a of N_opt ∝ C^a (None with fewer than 2 usable slices).
    pub a: Option<f64>,
    /// What happened, in words.
    pub note: String,
}

/// Run Approach 2 on the data.
pub fn approach2(data: &FitData) -> Approach2 {
    let groups = isoflop_groups(&data.flops);
    let slices: Vec<Slice> = groups
        .into_iter()
        .filter(|g| g.len() >= MIN_ROWS)
        .map(|g| {
            let ln_c = g.iter().map(|&i| data.flops[i].ln()).sum::<f64>() / g.len() as f64;
            let x: Vec<f64> = g.iter().map(|&i| data.n[i].ln()).collect();
            let y: Vec<f64> = g.iter().map(|&i| data.loss[i]).collect();
            Slice { flops: ln_c.exp(), rows: g.len(), n_opt: parabola_min(&x, &y).map(f64::exp) }
        })
        .collect();
    let pts: Vec<(f64, f64)> = slices.iter().filter_map(|s| s.n_opt.map(|n| (s.flops.ln(), n.ln()))).collect();
    let a = (pts.len() >= 2).then(|| slope(&pts)).flatten();
    let note = if slices.is_empty() {
        format!("no IsoFLOP slices (no {MIN_ROWS}+ rows sharing a budget within {:.0}%)", REL_TOL * 100.0)
    } else {
        format!(
            "{} slices, {} with an interior parabola minimum{}",
            slices.len(),
            pts.len(),
            if a.is_none() { "; too few to fit N_opt ∝ C^a" } else { "" }
        )
    };
    Approach2 { slices, a, note }
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

/// Groups of indices whose FLOP values lie within one window [C, C (1 + REL_TOL)], densest first.
fn isoflop_groups(flops: &[f64]) -> Vec<Vec<usize>> {
    let mut idx: Vec<usize> = (0..flops.len()).collect();
    idx.sort_by(|&i, &j| flops[i].total_cmp(&flops[j]));
    let mut left = idx;
    let mut groups = Vec::new();
    loop {
        // For each start (sorted), the window's end; keep the start with most members.
        let mut best = (0usize, 0usize);
        let mut end = 0;
        for start in 0..left.len() {
            end = end.max(start);
            while end < left.len() && flops[left[end]] <= flops[left[start]] * (1.0 + REL_TOL) {
                end += 1;
            }
            if end - start > best.1 - best.0 {
                best = (start, end);
            }
        }
        if best.1 - best.0 < MIN_ROWS {
            break;
        }
        groups.push(left[best.0..best.1].to_vec());
        left.drain(best.0..best.1);
    }
    groups.sort_by(|a, b| flops[a[0]].total_cmp(&flops[b[0]]));
    groups
}
