//! L = A/N^alpha + B/D^beta: no irreducible loss. Internal [a', b', alpha, beta] with
//! ln L_hat = lse(a' - alpha x, b' - beta z).

use super::{Centres, MAX_COLUMNS, Model, Pt, exponent_axis, ln_coef, lse};

/// The law without E.
pub struct NoE;

impl Model for NoE {
    fn dim(&self) -> usize {
        4
    }

    fn log_pred(&self, p: &[f64], pt: &Pt, grad: Option<&mut [f64]>) -> f64 {
        let u = [p[0] - p[2] * pt.x, p[1] - p[3] * pt.z, 0.0];
        let mut s = [0.0; MAX_COLUMNS];
        let v = lse(&u, 2, &mut s);
        if let Some(g) = grad {
            g.copy_from_slice(&[s[0], s[1], -s[0] * pt.x, -s[1] * pt.z]);
        }
        v
    }

    fn grid(&self) -> Vec<Vec<f64>> {
        vec![exponent_axis(), exponent_axis()]
    }

    fn basis(&self, th: &[f64], pt: &Pt, _: &Centres) -> (f64, [f64; MAX_COLUMNS]) {
        (pt.y.exp(), [(-th[0] * pt.x).exp(), (-th[1] * pt.z).exp(), 0.0])
    }

    fn params_of_projection(&self, th: &[f64], k: [f64; MAX_COLUMNS], _: &Centres) -> Vec<f64> {
        vec![ln_coef(k[0]), ln_coef(k[1]), th[0], th[1]]
    }

    fn natural(&self, p: &[f64], c: &Centres) -> Vec<f64> {
        vec![(p[0] + p[2] * c.n).exp(), (p[1] + p[3] * c.d).exp(), p[2], p[3]]
    }

    fn names(&self) -> &'static [&'static str] {
        &["A", "B", "alpha", "beta"]
    }

    fn is_scale(&self, k: usize) -> bool {
        k < 2
    }
}
