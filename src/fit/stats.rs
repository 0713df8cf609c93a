//! Small statistics helpers: quantiles, covariance, a 5x5 solve, chi-squared tail, Huber likelihood.

use statrs::function::erf::erf;
use statrs::function::gamma::gamma_ur;

/// Sample mean.
pub fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// Sample standard deviation (n - 1).
pub fn std_dev(v: &[f64]) -> f64 {
    if v.len() < 2 {
        return f64::NAN;
    }
    let m = mean(v);
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
}

/// Quantile with linear interpolation between order statistics (numpy's default).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Sorted copy.
pub fn sorted(v: &[f64]) -> Vec<f64> {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    s
}

/// Sample covariance (n - 1) of 5-vectors.
pub fn covariance(samples: &[[f64; 5]]) -> [[f64; 5]; 5] {
    let n = samples.len();
    let mut m = [0.0; 5];
    for s in samples {
        for k in 0..5 {
            m[k] += s[k] / n as f64;
        }
    }
    let mut c = [[0.0; 5]; 5];
    for s in samples {
        for i in 0..5 {
            for j in 0..5 {
                c[i][j] += (s[i] - m[i]) * (s[j] - m[j]);
            }
        }
    }
    let denom = n.saturating_sub(1).max(1) as f64;
    for row in c.iter_mut() {
        for x in row.iter_mut() {
            *x /= denom;
        }
    }
    c
}

/// Solve `a x = b` (5x5) by Gaussian elimination with partial pivoting; None if singular.
pub fn solve5(a: &[[f64; 5]; 5], b: &[f64; 5]) -> Option<[f64; 5]> {
    let mut a = *a;
    let mut b = *b;
    let scale = a.iter().flatten().fold(0.0f64, |m, x| m.max(x.abs()));
    for col in 0..5 {
        let piv = (col..5).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[piv][col].abs() <= 1e-14 * scale {
            return None;
        }
        a.swap(col, piv);
        b.swap(col, piv);
        for r in col + 1..5 {
            let f = a[r][col] / a[col][col];
            for c in col..5 {
                a[r][c] -= f * a[col][c];
            }
            b[r] -= f * b[col];
        }
    }
    let mut x = [0.0; 5];
    for r in (0..5).rev() {
        let mut s = b[r];
        for c in r + 1..5 {
            s -= a[r][c] * x[c];
        }
        x[r] = s / a[r][r];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// Upper tail P(X > x) of chi-squared with `df` degrees of freedom, accurate where 1 - cdf underflows.
pub fn chi2_upper(x: f64, df: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    gamma_ur(df / 2.0, x / 2.0)
}

/// log of the normaliser Z(sigma) = integral of exp(-Huber_delta(r) / sigma) dr.
fn ln_z(sigma: f64, delta: f64) -> f64 {
    let core = (2.0 * std::f64::consts::PI * sigma).sqrt() * erf(delta / (2.0 * sigma).sqrt());
    let tails = 2.0 * sigma / delta * (-delta * delta / (2.0 * sigma)).exp();
    (core + tails).ln()
}

/// Negative log-likelihood under the Huber density p(r) = exp(-Huber(r)/sigma) / Z(sigma), with the
/// scale sigma fitted (golden section on log sigma); `sum_huber` is the summed Huber loss of `n`
/// residuals. Returns (nll, sigma). The law parameters that minimise the Huber objective are the
/// maximum-likelihood ones for any sigma, so this is the likelihood the fit maximises.
pub fn huber_nll(sum_huber: f64, n: f64, delta: f64) -> (f64, f64) {
    let f = |ls: f64| {
        let s = ls.exp();
        sum_huber / s + n * ln_z(s, delta)
    };
    let (mut lo, mut hi) = ((1e-16f64).ln(), (10.0f64).ln());
    let g = 0.5 * (5f64.sqrt() - 1.0);
    let (mut x1, mut x2) = (hi - g * (hi - lo), lo + g * (hi - lo));
    let (mut f1, mut f2) = (f(x1), f(x2));
    for _ in 0..200 {
        if f1 < f2 {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - g * (hi - lo);
            f1 = f(x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + g * (hi - lo);
            f2 = f(x2);
        }
    }
    let ls = 0.5 * (lo + hi);
    (f(ls), ls.exp())
}

/// log10 of [`chi2_upper`], still accurate where the tail itself underflows to 0 (a statistic
/// of thousands against an unrelated reference).
pub fn chi2_log10_upper(x: f64, df: f64) -> f64 {
    let p = chi2_upper(x, df);
    if p >= 1e-300 || !x.is_finite() {
        return p.log10();
    }
    chi2_log10_upper_asymptotic(x, df)
}

/// Q(s, z) ~ z^(s-1) e^-z / Gamma(s) (1 + (s-1)/z + (s-1)(s-2)/z^2 + ...), s = df/2, z = x/2:
/// the terms shrink fast once z is far above s, which is where the direct tail underflows.
pub(crate) fn chi2_log10_upper_asymptotic(x: f64, df: f64) -> f64 {
    let (s, z) = (df / 2.0, x / 2.0);
    let (mut term, mut sum) = (1.0f64, 1.0f64);
    for k in 1..60 {
        term *= (s - k as f64) / z;
        if term.abs() < f64::EPSILON {
            break;
        }
        sum += term;
    }
    ((s - 1.0) * z.ln() - z - statrs::function::gamma::ln_gamma(s) + sum.ln()) / std::f64::consts::LN_10
}
