//! L(C) = E + A/C^alpha on the compute-optimal frontier (the lowest loss per budget; see
//! [`super::result::frontier`]). Internal [a', e, alpha] with ln L_hat = lse(a' - alpha c, e),
//! A = exp(a' + alpha m_C). Under Chinchilla's law the frontier is exactly this form with
//! alpha = alpha beta / (alpha + beta).

use super::{Centres, MAX_COLUMNS, Model, Pt, ln_coef, lse};

/// The compute frontier law.
pub struct Compute;

impl Model for Compute {
    fn dim(&self) -> usize {
        3
    }

    fn log_pred(&self, p: &[f64], pt: &Pt, grad: Option<&mut [f64]>) -> f64 {
        let u = [p[0] - p[2] * pt.c, p[1], 0.0];
        let mut s = [0.0; MAX_COLUMNS];
        let v = lse(&u, 2, &mut s);
        if let Some(g) = grad {
            g.copy_from_slice(&[s[0], s[1], -s[0] * pt.c]);
        }
        v
    }

    fn grid(&self) -> Vec<Vec<f64>> {
        // Frontier exponents are about half the N and D ones: 0.005..1 in steps of 0.005.
        vec![(1..=200).map(|k| k as f64 * 0.005).collect()]
    }

    fn basis(&self, th: &[f64], pt: &Pt, _: &Centres) -> (f64, [f64; MAX_COLUMNS]) {
        (pt.y.exp(), [1.0, (-th[0] * pt.c).exp(), 0.0])
    }

    fn params_of_projection(&self, th: &[f64], k: [f64; MAX_COLUMNS], _: &Centres) -> Vec<f64> {
        vec![ln_coef(k[1]), ln_coef(k[0]), th[0]]
    }

    fn natural(&self, p: &[f64], c: &Centres) -> Vec<f64> {
        vec![(p[0] + p[2] * c.c).exp(), p[1].exp(), p[2]]
    }

    fn names(&self) -> &'static [&'static str] {
        &["A", "E", "alpha"]
    }

    fn is_scale(&self, k: usize) -> bool {
        k < 2
    }
}
