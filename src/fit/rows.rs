//! Reading CSV rows into fit points: cell parsing, the C = 6 N D completion, and the record of
//! rows left out. The column roles come from [`super::columns`].

use super::columns::{ColumnRole, ColumnUse};
use super::data::{Derivation, DropReason, DroppedRow, FitData, index_of};
use super::error::FitError;

/// Where each role sits in a record.
pub(crate) struct Layout {
    n: Option<usize>,
    d: Option<usize>,
    c: Option<usize>,
    l: usize,
    group: Option<usize>,
    excluded: Option<usize>,
    unique: Option<usize>,
    epochs: Option<usize>,
    names: Vec<String>,
}

impl Layout {
    /// Check that the loss and two of N, D, C are present.
    pub(crate) fn new(columns: &[ColumnUse], headers: &[String]) -> Result<Layout, FitError> {
        let missing = |role: ColumnRole| FitError::MissingRole {
            role: role.key().to_string(),
            meaning: role.meaning().to_string(),
            looked_for: role.aliases().join(", "),
            found: headers.join(","),
        };
        let at = |r: ColumnRole| index_of(columns, r);
        let l = at(ColumnRole::L).ok_or_else(|| missing(ColumnRole::L))?;
        let (n, d, c) = (at(ColumnRole::N), at(ColumnRole::D), at(ColumnRole::C));
        if [n, d, c].iter().filter(|x| x.is_some()).count() < 2 {
            // Name the first absent role: any two of N, D, C do.
            let role =
                [(n, ColumnRole::N), (d, ColumnRole::D), (c, ColumnRole::C)].into_iter().find(|(x, _)| x.is_none());
            return Err(missing(role.map_or(ColumnRole::N, |(_, r)| r)));
        }
        Ok(Layout {
            n,
            d,
            c,
            l,
            group: at(ColumnRole::Budget),
            excluded: at(ColumnRole::Excluded),
            unique: at(ColumnRole::UniqueTokens),
            epochs: at(ColumnRole::Epochs),
            names: headers.to_vec(),
        })
    }

    fn raw<'r>(&self, rec: &'r csv::StringRecord, idx: usize) -> &'r str {
        rec.get(idx).unwrap_or("").trim()
    }

    /// A numeric cell: None when empty; an error naming row and column when not a positive number.
    fn num(&self, rec: &csv::StringRecord, idx: Option<usize>, row: usize) -> Result<Option<f64>, FitError> {
        let Some(idx) = idx else { return Ok(None) };
        let raw = self.raw(rec, idx);
        if raw.is_empty() {
            return Ok(None);
        }
        let bad = |reason: &str| FitError::BadValue {
            row,
            line: rec.position().map(|p| p.line()).unwrap_or(row as u64 + 1),
            column: self.names[idx].clone(),
            value: raw.to_string(),
            reason: reason.to_string(),
        };
        let v: f64 = raw.parse().map_err(|_| bad("is not a number"))?;
        if !v.is_finite() {
            return Err(bad("is not finite"));
        }
        if v <= 0.0 {
            return Err(bad("is not positive"));
        }
        Ok(Some(v))
    }
}

/// Points and drops collected row by row.
#[derive(Default)]
pub(crate) struct Accumulator {
    data: FitData,
    rows: Vec<usize>,
    dropped: Vec<DroppedRow>,
    /// Rows on which N, D, C were derived.
    derived: [usize; 3],
    pub(crate) rows_read: usize,
}

impl Accumulator {
    /// Read one record (1-based data row `row`).
    pub(crate) fn push(&mut self, lay: &Layout, rec: &csv::StringRecord, row: usize) -> Result<(), FitError> {
        self.rows_read += 1;
        let soft = |idx: Option<usize>| lay.num(rec, idx, row).ok().flatten().unwrap_or(f64::NAN);
        let values = [soft(lay.n), soft(lay.d), soft(lay.c), soft(Some(lay.l))];
        if let Some(ix) = lay.excluded
            && !lay.raw(rec, ix).is_empty()
        {
            let reason = DropReason::Excluded(lay.raw(rec, ix).to_string());
            self.dropped.push(DroppedRow { row, values, reason });
            return Ok(());
        }
        let Some(loss) = lay.num(rec, Some(lay.l), row)? else {
            self.dropped.push(DroppedRow { row, values, reason: DropReason::NoLoss });
            return Ok(());
        };
        let (n, d, c) = self.complete(lay, rec, row)?;
        self.data.n.push(n);
        self.data.d.push(d);
        self.data.flops.push(c);
        self.data.loss.push(loss);
        if let Some(g) = lay.group {
            self.data.group.push(lay.raw(rec, g).to_string());
        }
        if let Some(u) = lay.num(rec, lay.unique, row)? {
            self.data.unique_tokens.push(u);
        } else if let Some(e) = lay.num(rec, lay.epochs, row)? {
            self.data.unique_tokens.push(d / e);
        } else if lay.unique.is_some() || lay.epochs.is_some() {
            // An empty cell in a multi-epoch file: a single pass over the data.
            self.data.unique_tokens.push(d);
        }
        self.rows.push(row);
        Ok(())
    }

    /// N, D, C of a row, the missing one from C = 6 N D.
    fn complete(&mut self, lay: &Layout, rec: &csv::StringRecord, row: usize) -> Result<(f64, f64, f64), FitError> {
        let (n, d, c) = (lay.num(rec, lay.n, row)?, lay.num(rec, lay.d, row)?, lay.num(rec, lay.c, row)?);
        match (n, d, c) {
            (Some(n), Some(d), Some(c)) => Ok((n, d, c)),
            (Some(n), Some(d), None) => {
                self.derived[2] += 1;
                Ok((n, d, 6.0 * n * d))
            }
            (Some(n), None, Some(c)) => {
                self.derived[1] += 1;
                Ok((n, c / (6.0 * n), c))
            }
            (None, Some(d), Some(c)) => {
                self.derived[0] += 1;
                Ok((c / (6.0 * d), d, c))
            }
            _ => Err(FitError::BadValue {
                row,
                line: rec.position().map(|p| p.line()).unwrap_or(row as u64 + 1),
                column: "N, D, C".to_string(),
                value: String::new(),
                reason: "needs two of N, D, C (C = 6 N D gives the third)".to_string(),
            }),
        }
    }

    /// The points, the drops so far, the derivations used, and each point's data row.
    pub(crate) fn finish(self) -> (FitData, Vec<DroppedRow>, Vec<Derivation>, Vec<usize>) {
        let formulas =
            [(ColumnRole::N, "N = C / (6 D)"), (ColumnRole::D, "D = C / (6 N)"), (ColumnRole::C, "C = 6 N D")];
        let derived = formulas
            .iter()
            .zip(self.derived)
            .filter(|(_, k)| *k > 0)
            .map(|((role, f), rows)| Derivation { role: *role, formula: f.to_string(), rows })
            .collect();
        (self.data, self.dropped, derived, self.rows)
    }
}
