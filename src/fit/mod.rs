//! Fitting stage: fit L(N, D) = E + A/N^alpha + B/D^beta the way the Chinchilla replication did,
//! bootstrap it, test it against a reference the user names (e.g. Hoffmann et al.), and derive the
//! compute-optimal policy where the data are.
//!
//! Input: [`FitData`] (N, D, L, C per run; all finite and > 0, at least [`MIN_POINTS`] rows), built
//! directly or by [`load_csv_with`] from any CSV with a loss and two of N, D, C (columns found by
//! common names or given; nothing left out unless the file or an explicit filter says so). Output: [`FitReport`] (serialises to fit.json) and [`fit_markdown`] (fit.md);
//! [`optimal_report`] turns a fit.json into allocations at any budget.
//!
//! Invariants: the objective is exactly the replication's (sum of Huber losses, delta 1e-3, of log
//! residuals against a log-sum-exp prediction); bootstrap results depend only on (data, seed,
//! resamples), never on thread count; the library does no I/O and never panics on input.

// Small dense linear algebra reads best with explicit indices.
#![allow(clippy::needless_range_loop)]

mod approach2;
mod bootstrap;
mod budgets;
mod columns;
mod data;
pub(crate) mod data_constrained;
mod dc_md;
mod error;
pub mod forms;
mod holdout;
mod input_md;
mod loss;
mod markdown;
pub(crate) mod newton;
mod objective;
mod optimal;
pub mod plots;
pub(crate) mod policy;
pub(crate) mod reference;
pub(crate) mod report;
mod rows;
mod search;
pub(crate) mod stats;
mod warnings;

pub use approach2::{Approach2, Approach2Options, Slice, approach2};
pub use bootstrap::{BootstrapUnit, resample_counts, resample_group_counts};
pub use budgets::{BudgetOptions, BudgetSource};
pub use columns::{ColumnRole, ColumnUse, Found, parse_column_spec};
pub use data::{
    Derivation, DropReason, DroppedRow, FitData, LoadOptions, LoadedDataset, MIN_POINTS, REPLICATION_DROP_HIGHEST,
    ROBUST_MAD_K, RowFilter, load_csv, load_csv_with,
};
pub use data_constrained::{DataConstrained, DataConstrainedOptions};
pub use error::FitError;
pub use forms::{CompareEntry, CompareOptions, CompareReport, FormFit, FormParam, LawForm};
pub use holdout::{Fold, Holdout, HoldoutOptions, HoldoutReport};
pub use loss::Loss;
pub use markdown::fit_markdown;
pub use objective::{HUBER_DELTA, LocalFit, LocalSettings, LogData, lbfgs};
#[cfg(test)]
pub(crate) use objective::{huber, objective, objective_and_grad};
pub use optimal::{
    AllocationWithInterval, BudgetReport, InferenceAware, OptimalOptions, OptimalReport, PolicyInput, optimal_report,
    optimal_text,
};
pub use plots::{Plot, fit_plots, plots_markdown, svg_to_png};
pub use policy::{Allocation, CHINCHILLA_FLOPS, HOFFMANN, compute_optimal, exponents, inference_optimal, rule_of_20};
pub use reference::{Reference, p_text};
pub use report::{
    BootstrapInfo, DataRange, FitOptions, FitReport, Form, InputInfo, LawParams, MIN_RESAMPLES, PerParam, Policy,
    PolicyAt, Spread, StartMode, StartsInfo, TestResult, Tests, Timings, fit_law,
};
pub use search::{SearchResult, default_search, replication_starts, run_starts};
pub use warnings::FitWarning;

#[cfg(test)]
mod tests;
