//! Damped Newton on the Huber objective with its exact Hessian, for the bootstrap: warm-started
//! at the full-data optimum it converges in a handful of steps where L-BFGS needs about 34, and
//! the bootstrap is almost all of a fit's cost. The problem (cost, gradient, Hessian) is
//! [`second_order`]; the solver is [`newton`]; the result is a [`LocalFit`] with its termination
//! reason. Callers fall back to L-BFGS when it does not converge.

use super::objective::{LocalFit, LocalSettings, LogData, huber, objective};
use super::stats::solve5;

/// Objective, gradient and Hessian in one pass (see the module docs).
pub fn second_order(data: &LogData, p: &[f64; 5], delta: f64) -> (f64, [f64; 5], [[f64; 5]; 5]) {
    let (mut f, mut g, mut h) = (0.0, [0.0; 5], [[0.0; 5]; 5]);
    for i in 0..data.ln_l.len() {
        let (x, z) = (data.ln_n[i], data.ln_d[i]);
        let u = [p[0] - p[3] * x, p[1] - p[4] * z, p[2]];
        let m = u[0].max(u[1]).max(u[2]);
        let e = u.map(|v| (v - m).exp());
        let sum = e[0] + e[1] + e[2];
        let s = e.map(|v| v / sum);
        let r = data.ln_l[i] - (m + sum.ln());
        let w = data.w[i];
        f += w * huber(r, delta);
        let (psi, dpsi) = if r.abs() <= delta { (r, 1.0) } else { (delta * r.signum(), 0.0) };
        // d pred / dp: the softmax-weighted directions v_1 = (1,0,0,-x,0), v_2 = (0,1,0,0,-z), v_3 = e_3.
        let j = [s[0], s[1], s[2], -s[0] * x, -s[1] * z];
        // sum_k s_k v_k v_k^T, nonzero entries only.
        let mut vv = [[0.0; 5]; 5];
        vv[0][0] = s[0];
        vv[0][3] = -s[0] * x;
        vv[3][3] = s[0] * x * x;
        vv[1][1] = s[1];
        vv[1][4] = -s[1] * z;
        vv[4][4] = s[1] * z * z;
        vv[2][2] = s[2];
        for a in 0..5 {
            g[a] -= w * psi * j[a];
            for b in a..5 {
                let jj = j[a] * j[b];
                // d2 pred = vv - J J^T; d2 f = w (psi' J J^T - psi d2 pred).
                h[a][b] += w * (dpsi * jj - psi * (vv[a][b] - jj));
            }
        }
    }
    for a in 0..5 {
        for b in 0..a {
            h[a][b] = h[b][a];
        }
    }
    (f, g, h)
}

/// Damping ladder: lambda (times the Hessian's largest diagonal entry) is raised through these
/// until the step is a descent direction; 0 first, so a well-posed step is pure Newton.
const DAMPING: [f64; 7] = [0.0, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1.0];

/// Backtracking gives up below this step fraction: the objective then does not decrease along a
/// descent direction at any representable step, i.e. the point is optimal to rounding.
const MIN_STEP: f64 = 1e-10;

/// Newton stops when no parameter moves by more than this (logs of A, B, E and the exponents):
/// far below any bootstrap spread, and reachable whatever the rounding noise of a large sum.
const STEP_TOL: f64 = 1e-10;

/// Newton steps before giving up: it converges in a handful from a warm start; needing more means
/// it is crossing Huber kinks, where L-BFGS (the caller's fallback) does better.
const MAX_NEWTON_STEPS: u64 = 50;

/// Newton with Levenberg damping and backtracking from `start`; Err when it does not converge
/// within `MAX_NEWTON_STEPS` (the caller then uses L-BFGS).
pub fn newton(data: &LogData, start: &[f64; 5], s: &LocalSettings) -> Result<LocalFit, String> {
    let mut p = *start;
    let (mut f, mut g, mut h) = second_order(data, &p, s.delta);
    for it in 0..s.max_iters.min(MAX_NEWTON_STEPS) {
        let gnorm = g.iter().map(|v| v * v).sum::<f64>().sqrt();
        if gnorm <= s.tol_grad {
            return Ok(LocalFit {
                params: p,
                objective: f,
                termination: "newton: gradient below tolerance".into(),
                iterations: it,
            });
        }
        let Some(step) = damped_step(&h, &g) else { return Err("newton: no descent step".into()) };
        let mut t = 1.0;
        // The full step (nearly always accepted) gets its objective, gradient and Hessian in one
        // pass, reused by the next iteration; shorter steps, tried many times where rounding noise
        // in a large sum hides the last decrease, get the objective alone until one is accepted.
        let accepted = loop {
            let q: [f64; 5] = std::array::from_fn(|k| p[k] + t * step[k]);
            let trial = if t == 1.0 {
                Some(second_order(data, &q, s.delta)).filter(|tr| tr.0.is_finite() && tr.0 <= f)
            } else {
                let fq = objective(data, &q, s.delta);
                (fq.is_finite() && fq <= f).then(|| second_order(data, &q, s.delta))
            };
            if let Some(tr) = trial {
                break Some((q, tr));
            }
            t *= 0.5;
            if t < MIN_STEP {
                break None;
            }
        };
        let Some((q, (fq, gq, hq))) = accepted else {
            // No decrease along a descent direction: at the optimum to rounding.
            return Ok(LocalFit {
                params: p,
                objective: f,
                termination: "newton: no further decrease".into(),
                iterations: it,
            });
        };
        let moved = step.iter().map(|d| (t * d).abs()).fold(0.0, f64::max);
        let done = f - fq <= s.tol_cost || moved <= STEP_TOL;
        (p, f, g, h) = (q, fq, gq, hq);
        if done {
            return Ok(LocalFit {
                params: p,
                objective: f,
                termination: "newton: cost or step below tolerance".into(),
                iterations: it + 1,
            });
        }
    }
    Err("newton: iteration cap".into())
}

/// Solve (H + lambda I) d = -g with the smallest lambda (0, then growing) that gives a descent
/// direction: Huber's linear zone can make H singular or indefinite.
fn damped_step(h: &[[f64; 5]; 5], g: &[f64; 5]) -> Option<[f64; 5]> {
    let scale = (0..5).map(|k| h[k][k].abs()).fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    let neg: [f64; 5] = g.map(|v| -v);
    for lambda in DAMPING {
        let mut a = *h;
        for k in 0..5 {
            a[k][k] += lambda * scale;
        }
        if let Some(d) = solve5(&a, &neg)
            && (0..5).map(|k| d[k] * g[k]).sum::<f64>() < 0.0
        {
            return Some(d);
        }
    }
    None
}
