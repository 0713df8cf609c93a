//! Fit input: plain vectors, and the CSV loader.
//!
//! Any CSV with a loss column and two of N, D, C is accepted: columns are found by common names
//! (see [`super::columns`]) or given. The third of N, D, C follows from C = 6 N D, and the report
//! says so. No row is left out silently: only rows whose `excluded` cell is non-empty, rows with an
//! empty loss cell, and rows an explicitly chosen [`RowFilter`] drops are left out, each listed
//! with its reason in [`LoadedDataset::dropped`].
//!
//! Invariant of a loaded [`FitData`]: equal lengths, every value finite and > 0.

use super::columns::{ColumnRole, ColumnUse, assign_roles};
use super::error::FitError;
use serde::{Deserialize, Serialize};
use std::io::Read;

/// Fewest points accepted: five parameters need clearly more than five points.
pub const MIN_POINTS: usize = 10;

/// How many highest-loss rows the replication drops from its own file.
pub const REPLICATION_DROP_HIGHEST: usize = 5;

/// The robust rule's threshold in scaled MADs; the same default as the dataset stage's, so both
/// flag the same rows (5 MADs: only gross misreadings, not the tail of honest noise).
pub const ROBUST_MAD_K: f64 = 5.0;

/// The points to fit, one entry per training run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FitData {
    /// Model size N (parameters).
    pub n: Vec<f64>,
    /// Training tokens D.
    pub d: Vec<f64>,
    /// Final loss L.
    pub loss: Vec<f64>,
    /// Training compute C in FLOPs (IsoFLOP grouping, Approach 2, policy range).
    pub flops: Vec<f64>,
    /// Budget or group label per run; empty when the file has no such column.
    #[serde(default)]
    pub group: Vec<String>,
    /// Unique tokens U per run (multi-epoch data); empty when the file has neither `unique_tokens`
    /// nor `epochs`.
    #[serde(default)]
    pub unique_tokens: Vec<f64>,
}

/// Which rows a fit leaves out beyond the file's own `excluded` column. Nothing is the default:
/// a rule belongs to a dataset, and applying one to every file hides data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowFilter {
    /// Keep every row.
    #[default]
    None,
    /// The replication's rule: drop the [`REPLICATION_DROP_HIGHEST`] highest losses.
    Replication,
    /// Drop rows whose log loss is beyond [`ROBUST_MAD_K`] scaled MADs from a smooth surface in
    /// (log C, log N).
    Robust,
}

/// How a missing one of N, D, C was derived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Derivation {
    /// The quantity derived.
    pub role: ColumnRole,
    /// The formula, e.g. `C = 6 N D`.
    pub formula: String,
    /// Rows it was used on.
    pub rows: usize,
}

/// Why a row was left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum DropReason {
    /// The file's `excluded` cell says so (its text).
    Excluded(String),
    /// The loss cell is empty.
    NoLoss,
    /// `--filter replication`: among the highest losses (1 = highest).
    HighestLoss(usize),
    /// `--filter robust`: an outlier of the smooth surface.
    RobustOutlier,
}

impl std::fmt::Display for DropReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DropReason::Excluded(why) => write!(f, "excluded in the file ({why})"),
            DropReason::NoLoss => write!(f, "loss cell is empty"),
            DropReason::HighestLoss(k) => write!(f, "--filter replication: loss rank {k} of the highest"),
            DropReason::RobustOutlier => {
                write!(f, "--filter robust: log loss beyond {ROBUST_MAD_K} MADs of a smooth surface")
            }
        }
    }
}

/// One row left out of the fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DroppedRow {
    /// 1-based data row (header excluded).
    pub row: usize,
    /// N, D, C, L of the row where readable (NaN otherwise).
    pub values: [f64; 4],
    /// Why.
    pub reason: DropReason,
}

/// Options of [`load_csv_with`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadOptions {
    /// Columns given by the user as (role, header name); the rest are detected. Default: none.
    pub columns: Vec<(ColumnRole, String)>,
    /// Row filter. Default: [`RowFilter::None`].
    pub filter: RowFilter,
}

/// A loaded dataset with a record of what was read, derived and left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadedDataset {
    /// The points kept.
    pub data: FitData,
    /// The columns used and their roles.
    pub columns: Vec<ColumnUse>,
    /// Quantities derived from C = 6 N D.
    pub derived: Vec<Derivation>,
    /// Data rows read (header excluded).
    pub rows_read: usize,
    /// Rows left out, each with its reason.
    pub dropped: Vec<DroppedRow>,
    /// The row filter applied.
    pub filter: RowFilter,
}

impl FitData {
    /// Number of points.
    pub fn len(&self) -> usize {
        self.loss.len()
    }

    /// True when there are no points.
    pub fn is_empty(&self) -> bool {
        self.loss.is_empty()
    }

    /// Check the invariant (equal lengths, finite and positive values, enough points).
    /// Errors name the 1-based point index and the column.
    pub fn validate(&self) -> Result<(), FitError> {
        let k = self.loss.len();
        let optional_ok = |len: usize| len == 0 || len == k;
        if self.n.len() != k
            || self.d.len() != k
            || self.flops.len() != k
            || !optional_ok(self.group.len())
            || !optional_ok(self.unique_tokens.len())
        {
            return Err(FitError::LengthMismatch(format!(
                "n {}, d {}, loss {}, flops {}, group {}, unique_tokens {}",
                self.n.len(),
                self.d.len(),
                k,
                self.flops.len(),
                self.group.len(),
                self.unique_tokens.len()
            )));
        }
        for (col, v) in [
            ("N", &self.n),
            ("D", &self.d),
            ("loss", &self.loss),
            ("C", &self.flops),
            ("unique_tokens", &self.unique_tokens),
        ] {
            if let Some(i) = v.iter().position(|x| !(x.is_finite() && *x > 0.0)) {
                return Err(FitError::BadValue {
                    row: i + 1,
                    line: i as u64 + 2,
                    column: col.to_string(),
                    value: v[i].to_string(),
                    reason: "must be finite and > 0".to_string(),
                });
            }
        }
        if k < MIN_POINTS {
            return Err(FitError::TooFewPoints { n: k, min: MIN_POINTS });
        }
        Ok(())
    }

    /// Keep the points where `keep` is true.
    pub fn select(&self, keep: &[bool]) -> FitData {
        fn pick<T: Clone>(v: &[T], keep: &[bool]) -> Vec<T> {
            v.iter().zip(keep).filter(|(_, k)| **k).map(|(x, _)| x.clone()).collect()
        }
        FitData {
            n: pick(&self.n, keep),
            d: pick(&self.d, keep),
            loss: pick(&self.loss, keep),
            flops: pick(&self.flops, keep),
            group: pick(&self.group, keep),
            unique_tokens: pick(&self.unique_tokens, keep),
        }
    }

    /// Load from CSV with detected columns and no filter; see the module docs.
    pub fn from_csv_reader<R: Read>(reader: R) -> Result<FitData, FitError> {
        load_csv(reader).map(|l| l.data)
    }

    /// [`FitData::from_csv_reader`] on a string.
    pub fn from_csv_str(text: &str) -> Result<FitData, FitError> {
        Self::from_csv_reader(text.as_bytes())
    }
}

/// [`load_csv_with`] with default options: detected columns, no filter.
pub fn load_csv<R: Read>(reader: R) -> Result<LoadedDataset, FitError> {
    load_csv_with(reader, &LoadOptions::default())
}

/// Load a dataset CSV, report its columns, derivations and every row left out; see the module docs.
pub fn load_csv_with<R: Read>(reader: R, opts: &LoadOptions) -> Result<LoadedDataset, FitError> {
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(reader);
    let headers: Vec<String> =
        rdr.headers().map_err(|e| FitError::Csv(e.to_string()))?.iter().map(String::from).collect();
    let columns = assign_roles(&headers, &opts.columns)?;
    let layout = super::rows::Layout::new(&columns, &headers)?;
    let mut acc = super::rows::Accumulator::default();
    for (k, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| FitError::Csv(e.to_string()))?;
        acc.push(&layout, &rec, k + 1)?;
    }
    let rows_read = acc.rows_read;
    let (mut data, mut dropped, derived, kept_rows) = acc.finish();
    let (keep, filtered) = apply_filter(&data, opts.filter, &kept_rows);
    if !filtered.is_empty() {
        data = data.select(&keep);
        dropped.extend(filtered);
        dropped.sort_by_key(|d| d.row);
    }
    data.validate()?;
    Ok(LoadedDataset { data, columns, derived, rows_read, dropped, filter: opts.filter })
}

/// Which of the kept points the filter keeps, and the drops it makes (`rows` maps points to rows).
fn apply_filter(data: &FitData, filter: RowFilter, rows: &[usize]) -> (Vec<bool>, Vec<DroppedRow>) {
    let mut keep = vec![true; data.len()];
    let flagged: Vec<(usize, DropReason)> = match filter {
        RowFilter::None => Vec::new(),
        RowFilter::Replication => {
            let mut order: Vec<usize> = (0..data.len()).collect();
            order.sort_by(|&a, &b| data.loss[b].total_cmp(&data.loss[a]));
            order
                .into_iter()
                .take(REPLICATION_DROP_HIGHEST)
                .enumerate()
                .map(|(r, i)| (i, DropReason::HighestLoss(r + 1)))
                .collect()
        }
        RowFilter::Robust => crate::dataset::robust_outlier_rows(&data.flops, &data.n, &data.loss, ROBUST_MAD_K)
            .into_iter()
            .map(|i| (i, DropReason::RobustOutlier))
            .collect(),
    };
    let dropped = flagged
        .into_iter()
        .map(|(i, reason)| {
            keep[i] = false;
            DroppedRow { row: rows[i], values: [data.n[i], data.d[i], data.flops[i], data.loss[i]], reason }
        })
        .collect();
    (keep, dropped)
}

/// Where a role's column sits, if the file has it.
pub(crate) fn index_of(columns: &[ColumnUse], role: ColumnRole) -> Option<usize> {
    columns.iter().find(|u| u.role == role).map(|u| u.index)
}
