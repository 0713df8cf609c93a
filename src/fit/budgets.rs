//! Which runs share a training budget (IsoFLOP slices for Approach 2): from the file's budget or
//! group column when it has one, else from the runs' compute.
//!
//! Without a column, budgets are the densest clusters in log10 C: the run with the most neighbours
//! within a half-width becomes a budget's centre, its neighbours its runs, and so on while a cluster
//! has enough runs and lies far enough from the budgets already taken. Extracted figures scatter
//! FLOPs around each budget and add runs between budgets (the Chinchilla figure's left panel holds
//! every run, not only the IsoFLOP ones), so plain gap splitting would merge everything.

use super::data::FitData;
use serde::{Deserialize, Serialize};

/// Where the budgets came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetSource {
    /// The file's budget or group column.
    Column,
    /// Clusters in log compute.
    ComputeClusters,
}

/// Options of the budget grouping. Every default is stated and why.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetOptions {
    /// Runs within this many decades of a budget's centre share it. Default 0.03 (7%): FLOPs read
    /// off a figure scatter about that much around their budget.
    pub halfwidth_decades: f64,
    /// Budget centres closer than this are one budget. Default 0.15: published IsoFLOP grids step
    /// by 0.22 decades (6e, 1e) or more.
    pub min_separation_decades: f64,
    /// Fewest runs in a budget. Default 5: a parabola has 3 coefficients and needs slack.
    pub min_runs: usize,
}

impl Default for BudgetOptions {
    fn default() -> Self {
        BudgetOptions { halfwidth_decades: 0.03, min_separation_decades: 0.15, min_runs: 5 }
    }
}

/// Groups of run indices, one per budget, in increasing compute.
pub fn budget_groups(data: &FitData, o: &BudgetOptions) -> (Vec<Vec<usize>>, BudgetSource) {
    let mut groups = if data.group.is_empty() {
        compute_clusters(&data.flops, o)
    } else {
        let mut labels: Vec<&str> = data.group.iter().map(|g| g.as_str()).filter(|g| !g.is_empty()).collect();
        labels.sort_unstable();
        labels.dedup();
        labels
            .into_iter()
            .map(|l| (0..data.len()).filter(|&i| data.group[i] == l).collect::<Vec<usize>>())
            .filter(|g| g.len() >= o.min_runs)
            .collect()
    };
    let mean_ln_c = |g: &Vec<usize>| g.iter().map(|&i| data.flops[i].ln()).sum::<f64>() / g.len() as f64;
    groups.sort_by(|a, b| mean_ln_c(a).total_cmp(&mean_ln_c(b)));
    let source = if data.group.is_empty() { BudgetSource::ComputeClusters } else { BudgetSource::Column };
    (groups, source)
}

/// Densest clusters in log10 C; see the module docs. Cost O(n log n + budgets x n).
fn compute_clusters(flops: &[f64], o: &BudgetOptions) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..flops.len()).collect();
    order.sort_by(|&i, &j| flops[i].total_cmp(&flops[j]));
    let x: Vec<f64> = order.iter().map(|&i| flops[i].log10()).collect();
    let mut free = vec![true; x.len()];
    let mut centres: Vec<f64> = Vec::new();
    let mut groups = Vec::new();
    loop {
        // Window [lo, hi) of sorted positions within the half-width of each candidate centre.
        let (mut lo, mut hi) = (0usize, 0usize);
        let mut best: Option<(usize, usize)> = None;
        for k in 0..x.len() {
            while x[lo] < x[k] - o.halfwidth_decades {
                lo += 1;
            }
            hi = hi.max(k);
            while hi < x.len() && x[hi] <= x[k] + o.halfwidth_decades {
                hi += 1;
            }
            let far = centres.iter().all(|c| (x[k] - c).abs() >= o.min_separation_decades);
            let count = (lo..hi).filter(|&m| free[m]).count();
            if free[k] && far && best.is_none_or(|(_, n)| count > n) {
                best = Some((k, count));
            }
        }
        let Some((k, n)) = best.filter(|&(_, n)| n >= o.min_runs) else { break };
        let members: Vec<usize> =
            (0..x.len()).filter(|&m| free[m] && (x[m] - x[k]).abs() <= o.halfwidth_decades).collect();
        debug_assert_eq!(members.len(), n);
        for &m in &members {
            free[m] = false;
        }
        centres.push(x[k]);
        groups.push(members.into_iter().map(|m| order[m]).collect());
    }
    groups
}
