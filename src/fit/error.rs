//! The fitting stage's one error type.

use thiserror::Error;

/// Everything that can go wrong while loading a dataset, fitting the law or using a fit.
#[derive(Debug, Error)]
pub enum FitError {
    /// The CSV could not be parsed at all (bad quoting, wrong field count, I/O).
    #[error("CSV: {0}")]
    Csv(String),
    /// A required column is absent from the header.
    #[error("missing column `{column}` (columns found: {found})")]
    MissingColumn {
        /// The column that is required.
        column: String,
        /// The header as read, comma-separated, to make typos visible.
        found: String,
    },
    /// A cell is empty, unparsable, non-finite or non-positive.
    #[error("row {row} (CSV line {line}), column `{column}`: value `{value}` {reason}")]
    BadValue {
        /// 1-based data row (header excluded).
        row: usize,
        /// 1-based line in the file (header is line 1).
        line: u64,
        /// Column name.
        column: String,
        /// The cell as written.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The input vectors of a [`crate::FitData`] differ in length.
    #[error("input vectors differ in length: {0}")]
    LengthMismatch(String),
    /// No column plays a required role.
    #[error(
        "no column for {role} ({meaning}): looked for {looked_for} (columns found: {found}); name it with --columns {role}=COLUMN"
    )]
    MissingRole {
        /// The role's key (N, D, C, L).
        role: String,
        /// What the role is.
        meaning: String,
        /// The names looked for.
        looked_for: String,
        /// The header as read.
        found: String,
    },
    /// Two columns could play one role.
    #[error("two columns could be {role}: `{first}` and `{second}`; choose one with --columns {role}=COLUMN")]
    AmbiguousColumns {
        /// The role's key.
        role: String,
        /// The first candidate column.
        first: String,
        /// The second candidate column.
        second: String,
    },
    /// Too few usable points to fit five parameters with any confidence.
    #[error("too few points: {n} usable, at least {min} needed")]
    TooFewPoints {
        /// Points left after exclusions.
        n: usize,
        /// Minimum accepted.
        min: usize,
    },
    /// An option is out of range.
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// The optimiser failed in a way no start recovered from.
    #[error("optimiser: {0}")]
    Optimizer(String),
    /// A fit report lacks what a computation needs (e.g. bootstrap samples).
    #[error("fit report: {0}")]
    Report(String),
}
