//! The cost of every form: the weighted sum of Huber losses of log residuals
//! r = ln L - ln L_hat, with its gradient, as an argmin problem.

use super::super::objective::huber;
use super::{Model, Pt};
use argmin::core::{CostFunction, Error as ArgminError, Gradient};
use std::cell::RefCell;

/// Most internal parameters of any model (Chinchilla's five).
pub const MAX_DIM: usize = 5;

/// Objective only.
pub fn objective(m: &dyn Model, pts: &[Pt], p: &[f64], delta: f64) -> f64 {
    let f: f64 = pts.iter().map(|pt| pt.w * huber(pt.y - m.log_pred(p, pt, None), delta)).sum();
    if f.is_finite() { f } else { f64::INFINITY }
}

/// Objective and gradient in one pass.
pub fn objective_and_grad(m: &dyn Model, pts: &[Pt], p: &[f64], delta: f64) -> (f64, Vec<f64>) {
    let k = m.dim();
    let mut g = vec![0.0; k];
    let mut gp = [0.0; MAX_DIM];
    let mut f = 0.0;
    for pt in pts {
        let r = pt.y - m.log_pred(p, pt, Some(&mut gp[..k]));
        f += pt.w * huber(r, delta);
        let psi = if r.abs() <= delta { r } else { delta * r.signum() };
        for j in 0..k {
            g[j] -= pt.w * psi * gp[j];
        }
    }
    (f, g)
}

/// A cached evaluation: (parameters, cost, gradient).
type Evaluation = (Vec<f64>, f64, Vec<f64>);

/// The argmin problem for one model on one (weighted) set of runs. The line search asks for the
/// cost and then the gradient at one point; both come from one pass, so the last is cached.
pub struct FormCost<'a> {
    model: &'a dyn Model,
    pts: &'a [Pt],
    delta: f64,
    cache: RefCell<Option<Evaluation>>,
}

impl<'a> FormCost<'a> {
    /// Cost of `model` on `pts` with Huber `delta`.
    pub fn new(model: &'a dyn Model, pts: &'a [Pt], delta: f64) -> Self {
        FormCost { model, pts, delta, cache: RefCell::new(None) }
    }

    fn eval(&self, p: &[f64]) -> Result<(f64, Vec<f64>), ArgminError> {
        if p.len() != self.model.dim() {
            return Err(ArgminError::msg(format!("expected {} parameters, got {}", self.model.dim(), p.len())));
        }
        if let Some((cp, f, g)) = &*self.cache.borrow()
            && cp.as_slice() == p
        {
            return Ok((*f, g.clone()));
        }
        let (f, g) = objective_and_grad(self.model, self.pts, p, self.delta);
        *self.cache.borrow_mut() = Some((p.to_vec(), f, g.clone()));
        Ok((f, g))
    }
}

impl CostFunction for FormCost<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, p: &Vec<f64>) -> Result<f64, ArgminError> {
        // Non-finite costs make the line search back off instead of failing.
        Ok(self.eval(p)?.0)
    }
}

impl Gradient for FormCost<'_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, p: &Vec<f64>) -> Result<Vec<f64>, ArgminError> {
        Ok(self.eval(p)?.1)
    }
}
