//! Corpus manifests: which figures a corpus run reads, the id each figure's results carry, and
//! how a run is split into shards for a scheduler's job array.
//!
//! A manifest is CSV (a header naming a `path` column, optionally `page` and `id`; other columns
//! are ignored) or JSON Lines (one object per line with `path`, optionally `page` and `id`).
//! Relative paths are relative to the manifest's folder. Ids name output folders: a given `id`
//! is used as it is; otherwise a figure is `<stem>` (a PDF page `<stem>_p<N>`), and figures
//! sharing that name (ignoring case) get `<parent folder>_<file name>` (`_p<N>`), the rule of
//! `figdig extract`. Ids are assigned over the whole manifest, so every shard agrees on them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// Why a manifest cannot be used (the whole run stops before any work).
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("line {line}: {reason}")]
    Line { line: usize, reason: String },
    #[error("{0}")]
    Header(String),
    #[error("no figures listed")]
    Empty,
    #[error(
        "rows {first} and {second} would both have the figure id `{id}` (ids name output folders and are compared \
         ignoring case); give each row its own value in an `id` column"
    )]
    DuplicateId { id: String, first: usize, second: usize },
}

/// One figure of a manifest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManifestRow {
    /// 0-based index among the manifest's figures (what `--shard` counts).
    pub row: usize,
    /// 1-based line of the manifest the row is on.
    pub line: usize,
    /// The path as written in the manifest.
    pub path: String,
    /// The path to read: relative paths joined to the manifest's folder.
    pub resolved: PathBuf,
    /// The PDF page (1-based), when given.
    pub page: Option<u32>,
    /// The figure's id: its output folder's name and the `figure` column of the long tables.
    pub id: String,
}

/// A part of a manifest: rows `index`, `index + count`, `index + 2 count`, ... (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// `I/N` with `0 <= I < N`.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let (i, n) = s.split_once('/').ok_or_else(|| format!("`{s}` is not I/N (e.g. 0/4)"))?;
        let index: usize = i.trim().parse().map_err(|_| format!("`{i}` in `{s}` is not a shard number"))?;
        let count: usize = n.trim().parse().map_err(|_| format!("`{n}` in `{s}` is not a shard count"))?;
        if count == 0 || index >= count {
            return Err(format!("shard {index}/{count}: I must be 0 to N-1 (shards are numbered from 0)"));
        }
        Ok(Shard { index, count })
    }
    /// Whether this shard takes the manifest's `row`.
    pub fn takes(&self, row: usize) -> bool {
        row % self.count == self.index
    }
}

/// A row before ids are assigned.
struct Raw {
    line: usize,
    path: String,
    page: Option<u32>,
    id: Option<String>,
}

/// Read a manifest's text (CSV, or JSON Lines when its first non-blank character is `{`);
/// relative paths are taken from `base`, the manifest's folder.
pub fn parse_manifest(text: &str, base: &Path) -> Result<Vec<ManifestRow>, ManifestError> {
    let raw = if text.trim_start().starts_with('{') { parse_jsonl(text)? } else { parse_csv(text)? };
    if raw.is_empty() {
        return Err(ManifestError::Empty);
    }
    assign_ids(raw, base)
}

fn page_of(line: usize, text: &str) -> Result<Option<u32>, ManifestError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<u32>() {
        Ok(n) if n >= 1 => Ok(Some(n)),
        _ => Err(ManifestError::Line { line, reason: format!("page `{t}` is not a page number (1, 2, ...)") }),
    }
}

fn parse_csv(text: &str) -> Result<Vec<Raw>, ManifestError> {
    let mut r = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let headers = r.headers().map_err(|e| ManifestError::Header(format!("cannot read the header: {e}")))?.clone();
    let find = |names: &[&str]| headers.iter().position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)));
    let Some(path_col) = find(&["path", "file"]) else {
        let cols: Vec<&str> = headers.iter().collect();
        return Err(ManifestError::Header(format!(
            "no `path` column in the header (columns found: {}); the first line names the columns, e.g. path,page,id",
            cols.join(",")
        )));
    };
    let (page_col, id_col) = (find(&["page"]), find(&["id", "figure"]));
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| ManifestError::Line {
            line: e.position().map(|p| p.line() as usize).unwrap_or(0),
            reason: e.to_string(),
        })?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        let cell = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("");
        let path = cell(Some(path_col)).trim().to_string();
        if path.is_empty() {
            return Err(ManifestError::Line { line, reason: "the path is empty".into() });
        }
        let id = Some(cell(id_col).trim().to_string()).filter(|s| !s.is_empty());
        rows.push(Raw { line, path, page: page_of(line, cell(page_col))?, id });
    }
    Ok(rows)
}

fn parse_jsonl(text: &str) -> Result<Vec<Raw>, ManifestError> {
    let mut rows = Vec::new();
    for (k, l) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let line = k + 1;
        let bad = |reason: String| ManifestError::Line { line, reason };
        let v: serde_json::Value = serde_json::from_str(l).map_err(|e| bad(format!("not a JSON object: {e}")))?;
        let path = match v.get("path").or_else(|| v.get("file")) {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            _ => return Err(bad("no \"path\" (a non-empty string)".into())),
        };
        let page = match v.get("page") {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::Number(n)) => page_of(line, &n.to_string())?,
            Some(serde_json::Value::String(s)) => page_of(line, s)?,
            Some(other) => return Err(bad(format!("page {other} is not a page number"))),
        };
        let id = match v.get("id") {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Some(other) => Some(other.to_string()),
        };
        rows.push(Raw { line, path, page, id });
    }
    Ok(rows)
}

/// Whether a given id can name a folder: no separators, control characters, or leading dot.
fn check_id(line: usize, id: &str) -> Result<(), ManifestError> {
    if id.starts_with('.') || id.chars().any(|c| c == '/' || c == '\\' || c.is_control()) {
        return Err(ManifestError::Line {
            line,
            reason: format!("id `{id}` cannot name a folder (no /, \\, control characters or leading dot)"),
        });
    }
    Ok(())
}

/// A figure's default id (and `figdig extract`'s output folder name): its file stem, with
/// `_p<N>` for a PDF page.
pub fn default_id(path: &Path, page: Option<u32>) -> String {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "figure".into());
    match page {
        Some(p) => format!("{stem}_p{p}"),
        None => stem,
    }
}

fn qualified_id(path: &Path, page: Option<u32>) -> String {
    let file = path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "figure".into());
    let mut id = match path.parent().and_then(|d| d.file_name()) {
        Some(d) => format!("{}_{file}", d.to_string_lossy()),
        None => file,
    };
    if let Some(p) = page {
        id.push_str(&format!("_p{p}"));
    }
    id
}

fn assign_ids(raw: Vec<Raw>, base: &Path) -> Result<Vec<ManifestRow>, ManifestError> {
    let mut rows: Vec<ManifestRow> = Vec::with_capacity(raw.len());
    let mut given = Vec::with_capacity(raw.len());
    for (row, r) in raw.into_iter().enumerate() {
        let p = Path::new(&r.path);
        let resolved = if p.is_absolute() { p.to_path_buf() } else { base.join(p) };
        if let Some(id) = &r.id {
            check_id(r.line, id)?;
        }
        given.push(r.id.is_some());
        let id = r.id.unwrap_or_else(|| default_id(&resolved, r.page));
        rows.push(ManifestRow { row, line: r.line, path: r.path, resolved, page: r.page, id });
    }
    let clashes = |rows: &[ManifestRow]| {
        let mut by: HashMap<String, Vec<usize>> = HashMap::new();
        for r in rows {
            by.entry(r.id.to_lowercase()).or_default().push(r.row);
        }
        by.into_values().filter(|v| v.len() > 1).collect::<Vec<_>>()
    };
    for group in clashes(&rows) {
        for i in group.into_iter().filter(|&i| !given[i]) {
            rows[i].id = qualified_id(&rows[i].resolved, rows[i].page);
        }
    }
    if let Some(mut group) = clashes(&rows).into_iter().next() {
        group.sort_unstable();
        return Err(ManifestError::DuplicateId { id: rows[group[0]].id.clone(), first: group[0], second: group[1] });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_jsonl_manifests_read_the_same_rows() {
        let csv = "path,page,note\na/fig.svg,,x\nb/fig.svg,,y\n/abs/paper.pdf,3,z\n";
        let jsonl = "{\"path\":\"a/fig.svg\"}\n\n{\"path\":\"b/fig.svg\",\"page\":null}\n{\"path\":\"/abs/paper.pdf\",\"page\":3}\n";
        let a = parse_manifest(csv, Path::new("m")).expect("csv");
        let b = parse_manifest(jsonl, Path::new("m")).expect("jsonl");
        let ids: Vec<&str> = a.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a_fig.svg", "b_fig.svg", "paper_p3"]);
        assert_eq!(a.iter().map(|r| &r.id).collect::<Vec<_>>(), b.iter().map(|r| &r.id).collect::<Vec<_>>());
        assert_eq!(a[0].resolved, Path::new("m/a/fig.svg"));
        assert_eq!(a[2].resolved, Path::new("/abs/paper.pdf"));
    }

    #[test]
    fn a_duplicate_row_is_refused_naming_both_rows() {
        let e = parse_manifest("path\nfig.svg\nfig.svg\n", Path::new("")).expect_err("duplicate");
        assert!(e.to_string().contains("rows 0 and 1"), "{e}");
    }

    #[test]
    fn bad_pages_ids_and_headers_name_the_line() {
        let e = parse_manifest("path,page\nfig.svg,0\n", Path::new("")).expect_err("page 0");
        assert!(e.to_string().starts_with("line 2: page `0`"), "{e}");
        let e = parse_manifest("path,id\nfig.svg,../x\n", Path::new("")).expect_err("id");
        assert!(e.to_string().contains("cannot name a folder"), "{e}");
        let e = parse_manifest("file_name\nfig.svg\n", Path::new("")).expect_err("header");
        assert!(e.to_string().contains("no `path` column"), "{e}");
    }

    #[test]
    fn shards_split_rows_by_remainder() {
        let s = Shard::parse("1/3").expect("shard");
        assert_eq!((0..7).filter(|&r| s.takes(r)).collect::<Vec<_>>(), [1, 4]);
        assert!(Shard::parse("3/3").is_err());
        assert!(Shard::parse("0/0").is_err());
        assert!(Shard::parse("2").is_err());
    }
}
