//! Fit input: plain vectors, and the CSV loader that applies the exclusion rules.
//!
//! Two CSV layouts are accepted, told apart by their header:
//! - figdig's `dataset.csv` (has `Training Tokens` or `excluded`): rows whose `excluded` cell is
//!   non-empty are left out; D comes from `Training Tokens`, or FLOP / (6 N) when that cell is empty.
//! - the replication's file (`Model Size`, `Training FLOP`, `loss`, neither of the above): D = FLOP /
//!   (6 N), and its rule is applied: the 5 rows with the highest loss are dropped.
//!
//! Invariant of a loaded [`FitData`]: equal lengths, every value finite and > 0.

use super::error::FitError;
use serde::{Deserialize, Serialize};
use std::io::Read;

/// Fewest points accepted: five parameters need clearly more than five points.
pub const MIN_POINTS: usize = 10;

/// How many highest-loss rows the replication drops from its own file.
pub const REPLICATION_DROP_HIGHEST: usize = 5;

/// The points to fit, one entry per training run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FitData {
    /// Model size N (parameters).
    pub n: Vec<f64>,
    /// Training tokens D.
    pub d: Vec<f64>,
    /// Final loss L.
    pub loss: Vec<f64>,
    /// Training compute C in FLOPs (used only for IsoFLOP grouping, Approach 2).
    pub flops: Vec<f64>,
}

/// Which CSV layout a file was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatasetFormat {
    /// figdig's own `dataset.csv`.
    Figdig,
    /// The replication's `replication_svg_extracted_data.csv` layout.
    Replication,
}

/// A loaded dataset with a record of what was left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadedDataset {
    /// The points kept.
    pub data: FitData,
    /// Layout detected from the header.
    pub format: DatasetFormat,
    /// Data rows read (header excluded).
    pub rows_read: usize,
    /// Rows left out, and why (human-readable).
    pub rows_dropped: usize,
    /// Why rows were dropped.
    pub drop_rule: String,
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
        if self.n.len() != k || self.d.len() != k || self.flops.len() != k {
            return Err(FitError::LengthMismatch(format!(
                "n {}, d {}, loss {}, flops {}",
                self.n.len(),
                self.d.len(),
                k,
                self.flops.len()
            )));
        }
        for (col, v) in [
            ("Model Size", &self.n),
            ("Training Tokens", &self.d),
            ("loss", &self.loss),
            ("Training FLOP", &self.flops),
        ] {
            for (i, &x) in v.iter().enumerate() {
                if !(x.is_finite() && x > 0.0) {
                    return Err(FitError::BadValue {
                        row: i + 1,
                        line: i as u64 + 2,
                        column: col.to_string(),
                        value: x.to_string(),
                        reason: "must be finite and > 0".to_string(),
                    });
                }
            }
        }
        if k < MIN_POINTS {
            return Err(FitError::TooFewPoints { n: k, min: MIN_POINTS });
        }
        Ok(())
    }

    /// Load from CSV (either layout) and apply the exclusion rules; see the module docs.
    pub fn from_csv_reader<R: Read>(reader: R) -> Result<FitData, FitError> {
        load_csv(reader).map(|l| l.data)
    }

    /// [`FitData::from_csv_reader`] on a string.
    pub fn from_csv_str(text: &str) -> Result<FitData, FitError> {
        Self::from_csv_reader(text.as_bytes())
    }
}

/// Parse one numeric cell; errors name the row and column.
fn cell(rec: &csv::StringRecord, idx: usize, col: &str, row: usize) -> Result<f64, FitError> {
    let raw = rec.get(idx).unwrap_or("").trim();
    let line = rec.position().map(|p| p.line()).unwrap_or(row as u64 + 1);
    let bad = |reason: &str| FitError::BadValue {
        row,
        line,
        column: col.to_string(),
        value: raw.to_string(),
        reason: reason.to_string(),
    };
    if raw.is_empty() {
        return Err(bad("is empty"));
    }
    let v: f64 = raw.parse().map_err(|_| bad("is not a number"))?;
    if !v.is_finite() {
        return Err(bad("is not finite"));
    }
    if v <= 0.0 {
        return Err(bad("is not positive"));
    }
    Ok(v)
}

/// Load a dataset CSV with either layout and report what was dropped; see the module docs.
pub fn load_csv<R: Read>(reader: R) -> Result<LoadedDataset, FitError> {
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(reader);
    let headers = rdr.headers().map_err(|e| FitError::Csv(e.to_string()))?.clone();
    let find = |name: &str| headers.iter().position(|h| h.trim() == name);
    let found = headers.iter().collect::<Vec<_>>().join(",");
    let need = |name: &str| {
        find(name).ok_or_else(|| FitError::MissingColumn { column: name.to_string(), found: found.clone() })
    };
    let i_n = need("Model Size")?;
    let i_c = need("Training FLOP")?;
    let i_l = need("loss")?;
    let i_d = find("Training Tokens");
    let i_x = find("excluded");
    let format = if i_d.is_some() || i_x.is_some() { DatasetFormat::Figdig } else { DatasetFormat::Replication };

    let mut data = FitData::default();
    let mut rows_read = 0usize;
    let mut excluded = 0usize;
    for (k, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| FitError::Csv(e.to_string()))?;
        let row = k + 1;
        rows_read += 1;
        if let Some(ix) = i_x
            && !rec.get(ix).unwrap_or("").trim().is_empty()
        {
            excluded += 1;
            continue;
        }
        let n = cell(&rec, i_n, "Model Size", row)?;
        let loss = cell(&rec, i_l, "loss", row)?;
        // FLOP may be empty in our own dataset when tokens are known; then C = 6 N D.
        let c_raw_empty = rec.get(i_c).unwrap_or("").trim().is_empty();
        let d_given = match i_d {
            Some(id) if !rec.get(id).unwrap_or("").trim().is_empty() => Some(cell(&rec, id, "Training Tokens", row)?),
            _ => None,
        };
        let (c, d) = match (d_given, c_raw_empty) {
            (Some(d), true) => (6.0 * n * d, d),
            (Some(d), false) => (cell(&rec, i_c, "Training FLOP", row)?, d),
            (None, _) => {
                let c = cell(&rec, i_c, "Training FLOP", row)?;
                (c, c / (6.0 * n))
            }
        };
        data.n.push(n);
        data.d.push(d);
        data.loss.push(loss);
        data.flops.push(c);
    }

    let (rows_dropped, drop_rule) = match format {
        DatasetFormat::Figdig => (excluded, "rows with a non-empty `excluded` cell".to_string()),
        DatasetFormat::Replication => {
            // The replication's rule: drop the 5 highest losses (outliers at the top of the colour bar).
            let mut order: Vec<usize> = (0..data.len()).collect();
            order.sort_by(|&a, &b| data.loss[b].total_cmp(&data.loss[a]));
            let drop = REPLICATION_DROP_HIGHEST.min(order.len());
            let mut keep = vec![true; data.len()];
            for &i in &order[..drop] {
                keep[i] = false;
            }
            let pick =
                |v: &Vec<f64>| -> Vec<f64> { v.iter().zip(&keep).filter(|(_, k)| **k).map(|(x, _)| *x).collect() };
            data = FitData { n: pick(&data.n), d: pick(&data.d), loss: pick(&data.loss), flops: pick(&data.flops) };
            (drop, format!("the {REPLICATION_DROP_HIGHEST} highest losses (the replication's rule)"))
        }
    };
    data.validate()?;
    Ok(LoadedDataset { data, format, rows_read, rows_dropped, drop_rule })
}
