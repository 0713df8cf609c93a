//! Kaplan et al. (2020): L = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D. Internal
//! [k1, k2, r, alpha_D] with ln L_hat = alpha_D lse(k1 - r x, k2 - z), r = alpha_N/alpha_D,
//! so N_c = exp(k1/r + m_N), D_c = exp(k2 + m_D), alpha_N = r alpha_D.
//!
//! Variable projection: for fixed (alpha_D, r), (L/L_g)^(1/alpha_D) is linear in
//! (e^(k1) e^(-r x), e^(k2) e^(-z)), L_g the geometric mean loss (so the power stays in range).

use super::{Centres, MAX_COLUMNS, Model, Pt, ln_coef, lse};

/// Kaplan et al.'s L(N, D).
pub struct Kaplan;

impl Model for Kaplan {
    fn dim(&self) -> usize {
        4
    }

    fn log_pred(&self, p: &[f64], pt: &Pt, grad: Option<&mut [f64]>) -> f64 {
        let u = [p[0] - p[2] * pt.x, p[1] - pt.z, 0.0];
        let mut s = [0.0; MAX_COLUMNS];
        let l = lse(&u, 2, &mut s);
        if let Some(g) = grad {
            g.copy_from_slice(&[p[3] * s[0], p[3] * s[1], -p[3] * s[0] * pt.x, l]);
        }
        p[3] * l
    }

    fn grid(&self) -> Vec<Vec<f64>> {
        // alpha_D 0.01..0.6 (Kaplan et al. report 0.095; the power 1/alpha_D must stay finite),
        // r 0.05..3 (they report 0.80).
        vec![(1..=60).map(|k| k as f64 * 0.01).collect(), (1..=60).map(|k| k as f64 * 0.05).collect()]
    }

    fn basis(&self, th: &[f64], pt: &Pt, c: &Centres) -> (f64, [f64; MAX_COLUMNS]) {
        (((pt.y - c.l) / th[0]).exp(), [(-th[1] * pt.x).exp(), (-pt.z).exp(), 0.0])
    }

    fn params_of_projection(&self, th: &[f64], k: [f64; MAX_COLUMNS], c: &Centres) -> Vec<f64> {
        let shift = c.l / th[0];
        vec![ln_coef(k[0]) + shift, ln_coef(k[1]) + shift, th[1], th[0]]
    }

    fn natural(&self, p: &[f64], c: &Centres) -> Vec<f64> {
        vec![(p[0] / p[2] + c.n).exp(), (p[1] + c.d).exp(), p[2] * p[3], p[3]]
    }

    fn names(&self) -> &'static [&'static str] {
        &["N_c", "D_c", "alpha_N", "alpha_D"]
    }

    fn is_scale(&self, k: usize) -> bool {
        k < 2
    }
}
