//! The replication's objective and its L-BFGS minimisation through argmin.
//!
//! Parameters are `p = [a, b, e, alpha, beta]` with A = exp a, B = exp b, E = exp e, and
//! log L_hat = logsumexp(a - alpha log N, b - beta log D, e). The objective is the (weighted) SUM of
//! Huber losses of r = log L - log L_hat, Huber(r) = r^2/2 if |r| <= delta else delta(|r| - delta/2).
//! Weights are bootstrap multiplicities (1 for a plain fit), so a resample costs only its distinct
//! points.

use argmin::core::{
    CostFunction, Error as ArgminError, Executor, Gradient, State, TerminationReason, TerminationStatus,
};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use std::cell::RefCell;

/// Huber delta of the replication.
pub const HUBER_DELTA: f64 = 1e-3;

/// Huber loss.
#[inline]
pub fn huber(r: f64, delta: f64) -> f64 {
    let a = r.abs();
    if a <= delta { 0.5 * r * r } else { delta * (a - 0.5 * delta) }
}

/// Derivative of [`huber`].
#[inline]
fn huber_grad(r: f64, delta: f64) -> f64 {
    if r.abs() <= delta { r } else { delta * r.signum() }
}

/// Precomputed logs of the points (and weights), the only thing the objective reads.
#[derive(Debug, Clone, Default)]
pub struct LogData {
    /// log N.
    pub ln_n: Vec<f64>,
    /// log D.
    pub ln_d: Vec<f64>,
    /// log L.
    pub ln_l: Vec<f64>,
    /// Multiplicity of each point.
    pub w: Vec<f64>,
}

impl LogData {
    /// Logs of the given points, unit weights.
    pub fn new(n: &[f64], d: &[f64], loss: &[f64]) -> Self {
        LogData {
            ln_n: n.iter().map(|x| x.ln()).collect(),
            ln_d: d.iter().map(|x| x.ln()).collect(),
            ln_l: loss.iter().map(|x| x.ln()).collect(),
            w: vec![1.0; loss.len()],
        }
    }

    /// The subset with non-zero counts, weighted by the counts (a bootstrap resample).
    pub fn weighted(&self, counts: &[u32]) -> Self {
        let mut out = LogData::default();
        for (i, &c) in counts.iter().enumerate() {
            if c > 0 {
                out.ln_n.push(self.ln_n[i]);
                out.ln_d.push(self.ln_d[i]);
                out.ln_l.push(self.ln_l[i]);
                out.w.push(f64::from(c) * self.w[i]);
            }
        }
        out
    }

    /// Residuals log L - log L_hat at `p`.
    pub fn residuals(&self, p: &[f64; 5]) -> Vec<f64> {
        (0..self.ln_l.len()).map(|i| self.ln_l[i] - log_pred(p, self.ln_n[i], self.ln_d[i])).collect()
    }
}

/// log L_hat for one point.
#[inline]
pub fn log_pred(p: &[f64; 5], ln_n: f64, ln_d: f64) -> f64 {
    let u1 = p[0] - p[3] * ln_n;
    let u2 = p[1] - p[4] * ln_d;
    let u3 = p[2];
    if u1 - u3 < 700.0 && u2 - u3 < 700.0 {
        return u3 + (1.0 + (u1 - u3).exp() + (u2 - u3).exp()).ln();
    }
    let m = u1.max(u2).max(u3);
    m + ((u1 - m).exp() + (u2 - m).exp() + (u3 - m).exp()).ln()
}

/// Objective value and analytic gradient in one pass.
pub fn objective_and_grad(data: &LogData, p: &[f64; 5], delta: f64) -> (f64, [f64; 5]) {
    let mut f = 0.0;
    let mut g = [0.0; 5];
    for i in 0..data.ln_l.len() {
        let (ln_n, ln_d) = (data.ln_n[i], data.ln_d[i]);
        let u1 = p[0] - p[3] * ln_n;
        let u2 = p[1] - p[4] * ln_d;
        let u3 = p[2];
        // Shift by e rather than by the max: one exp fewer per point, and exact unless a term
        // exceeds E by e^700 (then fall back to the max shift to avoid overflow).
        let m = if u1 - u3 < 700.0 && u2 - u3 < 700.0 { u3 } else { u1.max(u2).max(u3) };
        let (e1, e2) = ((u1 - m).exp(), (u2 - m).exp());
        let e3 = if m == u3 { 1.0 } else { (u3 - m).exp() };
        let s = e1 + e2 + e3;
        let r = data.ln_l[i] - (m + s.ln());
        let w = data.w[i];
        f += w * huber(r, delta);
        // d f / d lse = -psi(r); d lse / d u_k = softmax_k.
        let k = -w * huber_grad(r, delta) / s;
        g[0] += k * e1;
        g[1] += k * e2;
        g[2] += k * e3;
        g[3] -= k * e1 * ln_n;
        g[4] -= k * e2 * ln_d;
    }
    (f, g)
}

/// Objective value only.
pub fn objective(data: &LogData, p: &[f64; 5], delta: f64) -> f64 {
    (0..data.ln_l.len()).map(|i| data.w[i] * huber(data.ln_l[i] - log_pred(p, data.ln_n[i], data.ln_d[i]), delta)).sum()
}

/// A cached evaluation: (parameters, objective, gradient).
type Evaluation = ([f64; 5], f64, [f64; 5]);

/// The argmin problem: the Huber objective on one (possibly weighted) data set.
///
/// argmin's line search asks for the cost and then the gradient at the same point; both come from
/// one pass, so the last evaluation is cached.
pub struct HuberCost<'a> {
    data: &'a LogData,
    delta: f64,
    cache: RefCell<Option<Evaluation>>,
}

impl<'a> HuberCost<'a> {
    /// Objective on `data` with Huber `delta`.
    pub fn new(data: &'a LogData, delta: f64) -> Self {
        HuberCost { data, delta, cache: RefCell::new(None) }
    }

    fn eval(&self, p: &[f64]) -> Result<(f64, [f64; 5]), ArgminError> {
        let q: [f64; 5] =
            p.try_into().map_err(|_| ArgminError::msg(format!("expected 5 parameters, got {}", p.len())))?;
        if let Some((cp, f, g)) = *self.cache.borrow()
            && cp == q
        {
            return Ok((f, g));
        }
        let (f, g) = objective_and_grad(self.data, &q, self.delta);
        *self.cache.borrow_mut() = Some((q, f, g));
        Ok((f, g))
    }
}

impl CostFunction for HuberCost<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, p: &Self::Param) -> Result<f64, ArgminError> {
        // Non-finite costs make the line search back off instead of failing.
        Ok(self.eval(p)?.0)
    }
}

impl Gradient for HuberCost<'_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, p: &Self::Param) -> Result<Vec<f64>, ArgminError> {
        Ok(self.eval(p)?.1.to_vec())
    }
}

/// Outcome of one local minimisation.
#[derive(Debug, Clone)]
pub struct LocalFit {
    /// Best parameters seen.
    pub params: [f64; 5],
    /// Objective there.
    pub objective: f64,
    /// Why the solver stopped (argmin's wording).
    pub termination: String,
    /// Iterations used.
    pub iterations: u64,
}

/// Settings of the local solver.
#[derive(Debug, Clone, Copy)]
pub struct LocalSettings {
    /// Huber delta.
    pub delta: f64,
    /// Iteration cap.
    pub max_iters: u64,
    /// L-BFGS history length (scipy's default is 10).
    pub memory: usize,
    /// Stop when the gradient's L2 norm falls below this.
    pub tol_grad: f64,
    /// Stop when the objective changes by less than this between iterations (absolute).
    pub tol_cost: f64,
}

impl Default for LocalSettings {
    fn default() -> Self {
        LocalSettings { delta: HUBER_DELTA, max_iters: 1000, memory: 10, tol_grad: 1e-12, tol_cost: 1e-16 }
    }
}

/// L-BFGS (More-Thuente line search) from `start`. A line-search failure near the optimum is a
/// normal way for it to stop, so the best point seen is returned with that reason.
pub fn lbfgs(data: &LogData, start: &[f64; 5], s: &LocalSettings) -> Result<LocalFit, String> {
    // Optimise in centred coordinates a_c = a - alpha mean(log N), b_c = b - beta mean(log D): the
    // same objective, but without the strong a-alpha and b-beta coupling that log N ~ 20 causes, so
    // L-BFGS needs far fewer iterations (the bootstrap's cost is almost all iterations).
    let (cn, cd) = centres(data);
    let centred = LogData {
        ln_n: data.ln_n.iter().map(|x| x - cn).collect(),
        ln_d: data.ln_d.iter().map(|x| x - cd).collect(),
        ln_l: data.ln_l.clone(),
        w: data.w.clone(),
    };
    let start_c = [start[0] - start[3] * cn, start[1] - start[4] * cd, start[2], start[3], start[4]];
    let mut fit = lbfgs_raw(&centred, &start_c, s)?;
    let q = fit.params;
    fit.params = [q[0] + q[3] * cn, q[1] + q[4] * cd, q[2], q[3], q[4]];
    Ok(fit)
}

/// Weighted means of log N and log D.
fn centres(data: &LogData) -> (f64, f64) {
    let w: f64 = data.w.iter().sum();
    if !(w > 0.0) {
        return (0.0, 0.0);
    }
    let m = |v: &[f64]| v.iter().zip(&data.w).map(|(x, w)| x * w).sum::<f64>() / w;
    (m(&data.ln_n), m(&data.ln_d))
}

/// L-BFGS in the data's own coordinates.
fn lbfgs_raw(data: &LogData, start: &[f64; 5], s: &LocalSettings) -> Result<LocalFit, String> {
    let (best, termination, iterations) = run_lbfgs(HuberCost::new(data, s.delta), start.to_vec(), s)?;
    let params: [f64; 5] = best.as_slice().try_into().unwrap_or(*start);
    let objective = objective(data, &params, s.delta);
    if !objective.is_finite() {
        return Err(format!("non-finite objective after L-BFGS ({termination})"));
    }
    Ok(LocalFit { params, objective, termination, iterations })
}

/// argmin's L-BFGS (More-Thuente line search) on any cost with a gradient: the best point seen
/// (the start when there is none), the termination reason and the iterations used.
pub(crate) fn run_lbfgs<C>(cost: C, start: Vec<f64>, s: &LocalSettings) -> Result<(Vec<f64>, String, u64), String>
where
    C: CostFunction<Param = Vec<f64>, Output = f64> + Gradient<Param = Vec<f64>, Gradient = Vec<f64>>,
{
    let solver: LBFGS<_, Vec<f64>, Vec<f64>, f64> = LBFGS::new(MoreThuenteLineSearch::new(), s.memory)
        .with_tolerance_grad(s.tol_grad)
        .and_then(|l| l.with_tolerance_cost(s.tol_cost))
        .map_err(|e| e.to_string())?;
    let res = Executor::new(cost, solver)
        .configure(|st| st.param(start.clone()).max_iters(s.max_iters))
        .timer(false)
        .run()
        .map_err(|e| e.to_string())?;
    let state = res.state();
    let termination = match state.get_termination_status() {
        TerminationStatus::Terminated(r) => reason_text(r),
        TerminationStatus::NotTerminated => "not terminated".to_string(),
    };
    let best = state.get_best_param().or(state.get_param()).cloned().unwrap_or(start);
    Ok((best, termination, state.get_iter()))
}

fn reason_text(r: &TerminationReason) -> String {
    match r {
        TerminationReason::SolverExit(s) => format!("solver exit: {s}"),
        other => other.text().to_string(),
    }
}
