//! Compute-optimal allocation from a fitted law, and its inference-aware variant.
//!
//! G = (alpha A / (beta B))^(1/(alpha+beta)), N_opt = G (C/6)^a, D_opt = G^-1 (C/6)^b with
//! a = beta/(alpha+beta), b = alpha/(alpha+beta); N_opt D_opt = C/6 by construction.
//! Inference-aware: with lifetime inference tokens T, minimise 6 N D + 2 N T over (N, D) on the
//! iso-loss curve through the compute-optimal point at C. Extra inference cost favours smaller N,
//! so the optimum lies in (N_min, N_opt], N_min being where A/N^alpha alone uses up L* - E.

use serde::{Deserialize, Serialize};

/// Hoffmann et al.'s estimates as [a, b, e, alpha, beta] (logs of A, B, E).
pub const HOFFMANN: [f64; 5] = [6.0073404, 6.0179186, 0.5267228, 0.33917084, 0.2849083];

/// Chinchilla's training compute, 6 x 70e9 x 1.4e12 FLOPs.
pub const CHINCHILLA_FLOPS: f64 = 6.0 * 70e9 * 1.4e12;

/// One (N, D) allocation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Allocation {
    /// Parameters N.
    pub n: f64,
    /// Training tokens D.
    pub d: f64,
    /// D / N.
    pub tokens_per_param: f64,
}

impl Allocation {
    fn new(n: f64, d: f64) -> Self {
        Allocation { n, d, tokens_per_param: d / n }
    }
}

/// (a, b, G) of a parameter vector [a, b, e, alpha, beta]; NaN where exponents are not positive.
pub fn exponents(p: &[f64; 5]) -> (f64, f64, f64) {
    let (alpha, beta) = (p[3], p[4]);
    if !(alpha > 0.0 && beta > 0.0) {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let s = alpha + beta;
    let ln_g = (alpha.ln() + p[0] - beta.ln() - p[1]) / s;
    (beta / s, alpha / s, ln_g.exp())
}

/// Compute-optimal allocation at C FLOPs.
pub fn compute_optimal(p: &[f64; 5], c: f64) -> Allocation {
    let (a, b, g) = exponents(p);
    let base = c / 6.0;
    Allocation::new(g * base.powf(a), base.powf(b) / g)
}

/// The 20-tokens-per-parameter rule: N = sqrt(C / 120), D = 20 N.
pub fn rule_of_20(c: f64) -> Allocation {
    let n = (c / 120.0).sqrt();
    Allocation::new(n, 20.0 * n)
}

/// Predicted loss.
pub fn loss(p: &[f64; 5], n: f64, d: f64) -> f64 {
    p[2].exp() + (p[0] - p[3] * n.ln()).exp() + (p[1] - p[4] * d.ln()).exp()
}

/// Inference-aware allocation: minimise 6 N D + 2 N T at the loss of the compute-optimal point at C.
pub fn inference_optimal(p: &[f64; 5], c: f64, t: f64) -> Allocation {
    let opt = compute_optimal(p, c);
    if !(t > 0.0) || !opt.n.is_finite() {
        return opt;
    }
    let target = loss(p, opt.n, opt.d);
    let room = target - p[2].exp();
    let (alpha, beta) = (p[3], p[4]);
    // Tokens needed at size N to reach the target loss; infinite below N_min.
    let d_of = |ln_n: f64| {
        let left = room - (p[0] - alpha * ln_n).exp();
        if left <= 0.0 { f64::INFINITY } else { ((p[1] - left.ln()) / beta).exp() }
    };
    let cost = |ln_n: f64| {
        let n = ln_n.exp();
        6.0 * n * d_of(ln_n) + 2.0 * n * t
    };
    let ln_min = (p[0] - room.ln()) / alpha;
    let ln_max = opt.n.ln();
    if !(ln_min < ln_max) {
        return opt;
    }
    // Coarse scan (robust to a non-unimodal cost), then golden section around the best cell.
    let k = 400;
    let at = |i: usize| ln_min + (ln_max - ln_min) * i as f64 / k as f64;
    let best = (1..=k).min_by(|&i, &j| cost(at(i)).total_cmp(&cost(at(j)))).unwrap_or(k);
    let (mut lo, mut hi) = (at(best - 1), at((best + 1).min(k)));
    let g = 0.5 * (5f64.sqrt() - 1.0);
    for _ in 0..100 {
        let (x1, x2) = (hi - g * (hi - lo), lo + g * (hi - lo));
        if cost(x1) < cost(x2) { hi = x2 } else { lo = x1 }
    }
    let ln_n = 0.5 * (lo + hi);
    Allocation::new(ln_n.exp(), d_of(ln_n))
}
