//! L = E + A/N^alpha + B/D^beta. Internal [a', b', e, alpha, beta] with
//! ln L_hat = lse(a' - alpha x, b' - beta z, e), A = exp(a' + alpha m_N), B = exp(b' + beta m_D).

use super::{Centres, MAX_COLUMNS, Model, Pt, exponent_axis, ln_coef, lse};

/// The Chinchilla law.
pub struct Chinchilla;

impl Model for Chinchilla {
    fn dim(&self) -> usize {
        5
    }

    fn log_pred(&self, p: &[f64], pt: &Pt, grad: Option<&mut [f64]>) -> f64 {
        let u = [p[0] - p[3] * pt.x, p[1] - p[4] * pt.z, p[2]];
        let mut s = [0.0; MAX_COLUMNS];
        let v = lse(&u, 3, &mut s);
        if let Some(g) = grad {
            g.copy_from_slice(&[s[0], s[1], s[2], -s[0] * pt.x, -s[1] * pt.z]);
        }
        v
    }

    fn grid(&self) -> Vec<Vec<f64>> {
        vec![exponent_axis(), exponent_axis()]
    }

    fn basis(&self, th: &[f64], pt: &Pt, _: &Centres) -> (f64, [f64; MAX_COLUMNS]) {
        (pt.y.exp(), [1.0, (-th[0] * pt.x).exp(), (-th[1] * pt.z).exp()])
    }

    fn params_of_projection(&self, th: &[f64], k: [f64; MAX_COLUMNS], _: &Centres) -> Vec<f64> {
        vec![ln_coef(k[1]), ln_coef(k[2]), ln_coef(k[0]), th[0], th[1]]
    }

    fn natural(&self, p: &[f64], c: &Centres) -> Vec<f64> {
        vec![(p[0] + p[3] * c.n).exp(), (p[1] + p[4] * c.d).exp(), p[2].exp(), p[3], p[4]]
    }

    fn names(&self) -> &'static [&'static str] {
        &["A", "B", "E", "alpha", "beta"]
    }

    fn is_scale(&self, k: usize) -> bool {
        k < 3
    }
}
