//! Which CSV column plays which role (N, D, C, L and the optional ones), found by common names or
//! given by the user (`--columns N=params,L=val_loss`).
//!
//! Names are compared after lower-casing and dropping everything but letters and digits, so
//! `Model Size`, `model_size` and `modelSize` are one name. Two columns that could play one role
//! are an error naming both: guessing would fit the wrong numbers without a word.

use super::error::FitError;
use serde::{Deserialize, Serialize};

/// What a column means to the fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ColumnRole {
    /// Model size N (parameters).
    N,
    /// Training tokens D.
    D,
    /// Training compute C (FLOPs).
    C,
    /// Final loss L.
    L,
    /// A budget or group label shared by runs of one IsoFLOP slice (optional).
    Budget,
    /// Non-empty cells exclude their row, the cell saying why (optional).
    Excluded,
    /// Unique tokens U of multi-epoch runs (optional).
    UniqueTokens,
    /// Epochs, D / U (optional).
    Epochs,
}

impl ColumnRole {
    /// Every role, in the order columns are looked for.
    pub const ALL: [ColumnRole; 8] = [
        ColumnRole::N,
        ColumnRole::D,
        ColumnRole::C,
        ColumnRole::L,
        ColumnRole::Budget,
        ColumnRole::Excluded,
        ColumnRole::UniqueTokens,
        ColumnRole::Epochs,
    ];

    /// The key used in `--columns KEY=COLUMN`.
    pub fn key(self) -> &'static str {
        match self {
            ColumnRole::N => "N",
            ColumnRole::D => "D",
            ColumnRole::C => "C",
            ColumnRole::L => "L",
            ColumnRole::Budget => "budget",
            ColumnRole::Excluded => "excluded",
            ColumnRole::UniqueTokens => "unique_tokens",
            ColumnRole::Epochs => "epochs",
        }
    }

    /// What the role is, in words.
    pub fn meaning(self) -> &'static str {
        match self {
            ColumnRole::N => "model size (parameters)",
            ColumnRole::D => "training tokens",
            ColumnRole::C => "training compute (FLOPs)",
            ColumnRole::L => "loss",
            ColumnRole::Budget => "budget or group",
            ColumnRole::Excluded => "exclusion mark",
            ColumnRole::UniqueTokens => "unique tokens",
            ColumnRole::Epochs => "epochs",
        }
    }

    /// Common header names for the role, normalised (see [`normalise`]).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            ColumnRole::N => &["params", "n", "modelsize", "parameters", "nparams", "numparams", "modelparams"],
            ColumnRole::D => &["tokens", "d", "trainingtokens", "ntokens", "numtokens", "traintokens", "datasize"],
            ColumnRole::C => &["flops", "c", "compute", "trainingflop", "trainingflops", "flop", "trainingcompute"],
            ColumnRole::L => &["loss", "l", "valloss", "validationloss", "evalloss", "finalloss", "testloss"],
            ColumnRole::Budget => &["budget", "group", "flopsbudget", "computebudget", "isoflop"],
            ColumnRole::Excluded => &["excluded"],
            ColumnRole::UniqueTokens => &["uniquetokens", "u", "uniquedata"],
            ColumnRole::Epochs => &["epochs", "epoch"],
        }
    }

    fn from_key(key: &str) -> Option<ColumnRole> {
        let k = normalise(key);
        ColumnRole::ALL.into_iter().find(|r| normalise(r.key()) == k)
    }
}

/// A header name lower-cased, with only letters and digits kept.
pub fn normalise(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// How a column came to play its role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Found {
    /// By a common name.
    Detected,
    /// Given with `--columns`.
    Given,
}

impl Found {
    /// The word for prose.
    pub fn word(self) -> &'static str {
        match self {
            Found::Detected => "detected",
            Found::Given => "given",
        }
    }
}

/// One column's role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnUse {
    /// The role.
    pub role: ColumnRole,
    /// The header as written in the file.
    pub column: String,
    /// Its index in the header.
    pub index: usize,
    /// Detected or given.
    pub found: Found,
}

/// Parse `N=params,D=tokens,...` into (role, column name) pairs.
pub fn parse_column_spec(spec: &str) -> Result<Vec<(ColumnRole, String)>, FitError> {
    let mut out: Vec<(ColumnRole, String)> = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| FitError::InvalidOption(format!("--columns: `{part}` is not ROLE=COLUMN")))?;
        let role = ColumnRole::from_key(k).ok_or_else(|| {
            let keys: Vec<&str> = ColumnRole::ALL.iter().map(|r| r.key()).collect();
            FitError::InvalidOption(format!("--columns: unknown role `{k}` (roles: {})", keys.join(", ")))
        })?;
        if out.iter().any(|(r, _)| *r == role) {
            return Err(FitError::InvalidOption(format!("--columns: role {} given twice", role.key())));
        }
        out.push((role, v.trim().to_string()));
    }
    Ok(out)
}

/// Assign roles to the header's columns: given ones first (they must exist), then common names
/// among the columns not yet used. Returns the roles found, in [`ColumnRole::ALL`] order.
pub fn assign_roles(headers: &[String], given: &[(ColumnRole, String)]) -> Result<Vec<ColumnUse>, FitError> {
    let found = headers.join(",");
    let mut out: Vec<ColumnUse> = Vec::new();
    for (role, name) in given {
        let index = headers
            .iter()
            .position(|h| h.trim() == name.trim())
            .ok_or_else(|| FitError::MissingColumn { column: name.clone(), found: found.clone() })?;
        out.push(ColumnUse { role: *role, column: headers[index].clone(), index, found: Found::Given });
    }
    for role in ColumnRole::ALL {
        if out.iter().any(|u| u.role == role) {
            continue;
        }
        let taken = |i: usize| out.iter().any(|u| u.index == i);
        let hits: Vec<usize> = (0..headers.len())
            .filter(|&i| !taken(i) && role.aliases().contains(&normalise(&headers[i]).as_str()))
            .collect();
        match hits.as_slice() {
            [] => {}
            [i] => out.push(ColumnUse { role, column: headers[*i].clone(), index: *i, found: Found::Detected }),
            [i, j, ..] => {
                return Err(FitError::AmbiguousColumns {
                    role: role.key().to_string(),
                    first: headers[*i].clone(),
                    second: headers[*j].clone(),
                });
            }
        }
    }
    out.sort_by_key(|u| ColumnRole::ALL.iter().position(|r| *r == u.role));
    Ok(out)
}
