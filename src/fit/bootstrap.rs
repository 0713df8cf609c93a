//! Nonparametric bootstrap of the fit.
//!
//! Resample i draws n points (or, by budget, as many whole budgets as there are) with replacement
//! from an RNG derived from (seed, i) only — ChaCha8 seeded with `seed`, stream `i` — so results do
//! not depend on thread count or scheduling.
//! Each resample is fitted by damped Newton (L-BFGS when Newton does not converge) warm-started
//! at the full-data optimum (the surface near it is
//! what the bootstrap probes) and, to avoid being trapped, also from the other distinct full-data
//! optima supplied; the best of these is kept.

use super::newton::newton;
use super::objective::{LocalSettings, LogData, lbfgs};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Multiplicities of one resample of `n` points.
pub fn resample_counts(seed: u64, index: u64, n: usize) -> Vec<u32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    let mut counts = vec![0u32; n];
    for _ in 0..n {
        counts[rng.random_range(0..n)] += 1;
    }
    counts
}

/// What the bootstrap resamples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BootstrapUnit {
    /// Runs, independently.
    #[default]
    Run,
    /// Whole budgets (runs outside any budget count as their own): honest when runs of one
    /// budget share a configuration and their errors move together.
    Budget,
}

/// Multiplicities of one resample drawing whole groups (`groups` partition 0..n).
pub fn resample_group_counts(seed: u64, index: u64, groups: &[Vec<usize>], n: usize) -> Vec<u32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    let mut counts = vec![0u32; n];
    for _ in 0..groups.len() {
        for &i in &groups[rng.random_range(0..groups.len())] {
            counts[i] += 1;
        }
    }
    counts
}

/// Fit `resamples` bootstrap resamples (of whole `groups` when given); returns one parameter vector
/// per resample (in index order) and `None` where no start gave a finite objective.
pub fn bootstrap(
    data: &LogData,
    starts: &[[f64; 5]],
    resamples: usize,
    seed: u64,
    groups: Option<&[Vec<usize>]>,
    s: &LocalSettings,
    progress: &(impl Fn(usize) + Sync),
) -> Vec<Option<[f64; 5]>> {
    let done = std::sync::atomic::AtomicUsize::new(0);
    (0..resamples)
        .into_par_iter()
        .map(|i| {
            let n = data.ln_l.len();
            let counts = match groups {
                Some(g) => resample_group_counts(seed, i as u64, g, n),
                None => resample_counts(seed, i as u64, n),
            };
            let sub = data.weighted(&counts);
            let best = starts
                .iter()
                .filter_map(|st| newton(&sub, st, s).or_else(|_| lbfgs(&sub, st, s)).ok())
                .min_by(|a, b| a.objective.total_cmp(&b.objective))
                .map(|f| f.params);
            let k = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(k);
            best
        })
        .collect()
}
