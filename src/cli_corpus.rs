//! `figdig corpus`: every figure of a manifest, in parallel, into one folder per figure plus two
//! long tables (a summary row per figure, every point with its figure's id); resumable, and
//! split into shards for a scheduler's job array.
//!
//! Layout of `--out DIR`: `DIR/figures/<id>/` holds each figure's outputs as `figdig extract`
//! writes them (marker file, one-step replacement), its figure.json carrying a `corpus` record
//! (path, page, status, counts, the source file's size and time); a failed figure's folder holds
//! that record alone. `DIR/summary.csv` and `DIR/points.csv` (with `--shard I/N`:
//! `summary.shard-I-of-N.csv`, `points.shard-I-of-N.csv`) are assembled from the folders at the
//! end of every run, so a run with nothing left to do (all figures done) only assembles: the
//! way to merge shards.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};
use serde::{Deserialize, Serialize};

use crate::cli_extract::{FilterArg, extract_outputs, figure_status, progress};
use crate::cli_inputs::{Input, UsageError, plan};
use crate::cli_output::{clean_stale, clean_stale_conversions, replace_dir};

/// Arguments of `figdig corpus`.
#[derive(Args)]
#[command(after_help = "MANIFEST is CSV with a header naming a `path` column (optional `page` for PDF \
pages, `id` for the figure's id; other columns ignored) or JSON Lines ({\"path\": .., \"page\": .., \"id\": ..} \
per line). Relative paths are relative to the manifest's folder. A figure's id is its `id`, else its \
file stem (`<stem>_p<N>` for a PDF page), else, when two share that, `<parent folder>_<file name>`.\n\
Writes OUT/figures/<id>/ per figure (as figdig extract does), OUT/summary.csv (one row per figure) and \
OUT/points.csv (every point, the figure's id first). Figures already done (same file, size, time and \
options) are skipped, so an interrupted run resumes; with --shard I/N only rows I, I+N, I+2N, ... (0-based) \
are run and the tables are named summary.shard-I-of-N.csv and points.shard-I-of-N.csv. After all \
shards finish, a run without --shard finds every figure done and writes the whole tables.\n\
Exit status: 0 every figure extracted, 1 some failed (listed in the summary), 2 usage error.\n\n\
Examples:\n  figdig corpus papers.csv --out corpus --no-audit\n  \
figdig corpus papers.jsonl --out corpus --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT")]
pub struct CorpusArgs {
    /// Manifest of figures: CSV (columns path[,page][,id]) or JSON Lines.
    pub manifest: PathBuf,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
    /// Run only rows I, I+N, I+2N, ... of the manifest (0-based), for job arrays.
    #[arg(long, value_parser = figdig::Shard::parse)]
    pub shard: Option<figdig::Shard>,
    /// Skip the audit outputs (audit.png, audit.html, certificate.json).
    #[arg(long)]
    pub no_audit: bool,
    /// Which rule marks dataset rows excluded (as in figdig extract).
    #[arg(long, value_enum, default_value = "replication")]
    pub filter: FilterArg,
    /// Treat an unread axis as a failure of that figure (as in figdig extract).
    #[arg(long)]
    pub strict: bool,
    /// Run failed figures again instead of skipping them as done.
    #[arg(long)]
    pub retry_failed: bool,
}

/// One figure's summary row, stored in its figure.json under `corpus`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Record {
    figure: String,
    path: String,
    page: Option<u32>,
    /// `ok`, `partial` or `failed`.
    status: String,
    panels: Option<usize>,
    markers: Option<usize>,
    /// Rows in points.csv: markers and line vertices.
    rows: Option<usize>,
    warnings: Option<usize>,
    skipped: Option<usize>,
    reason: String,
    /// The source file when it was read: its size and modification time (ns since 1970).
    source_bytes: Option<u64>,
    source_modified_ns: Option<u128>,
    /// The options the figure was extracted with; a run with other options extracts it again.
    #[serde(default)]
    options: String,
}

/// Summary table columns.
const SUMMARY_COLUMNS: [&str; 10] =
    ["figure", "path", "page", "status", "panels", "markers", "rows", "warnings", "skipped", "reason"];

#[derive(Deserialize)]
struct Stored {
    corpus: Record,
}

/// The source file's size and modification time, to tell whether a done figure is still current.
fn stamp(path: &Path) -> (Option<u64>, Option<u128>) {
    let Ok(m) = std::fs::metadata(path) else { return (None, None) };
    let t = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map(|d| d.as_nanos());
    (Some(m.len()), t)
}

/// What in the options changes a figure's outputs.
fn options_key(args: &CorpusArgs) -> String {
    let filter = args.filter.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default();
    format!("filter={filter};strict={};audit={}", args.strict, !args.no_audit)
}

/// The record of a figure done by an earlier run, when it is for the same file and page with the
/// same options, the file has not changed since, and (with `--retry-failed`) it did not fail.
fn done(row: &figdig::ManifestRow, dir: &Path, args: &CorpusArgs) -> Option<Record> {
    let text = std::fs::read(dir.join(&row.id).join("figure.json")).ok()?;
    let r = serde_json::from_slice::<Stored>(&text).ok()?.corpus;
    let (bytes, ns) = stamp(&row.resolved);
    let retry_failed = args.retry_failed;
    let same = r.figure == row.id && r.path == row.path && r.page == row.page && r.options == options_key(args);
    // A file missing then and now is the same failure; one that appeared is new.
    let current = r.source_bytes == bytes && r.source_modified_ns == ns;
    (same && current && !(retry_failed && r.status == "failed")).then_some(r)
}

fn record(row: &figdig::ManifestRow, args: &CorpusArgs, status: &str, reason: String) -> Record {
    let (source_bytes, source_modified_ns) = stamp(&row.resolved);
    Record {
        figure: row.id.clone(),
        path: row.path.clone(),
        page: row.page,
        status: status.into(),
        panels: None,
        markers: None,
        rows: None,
        warnings: None,
        skipped: None,
        reason,
        source_bytes,
        source_modified_ns,
        options: options_key(args),
    }
}

/// Extract one manifest row into `dir/<id>/`; a figure that fails gets a folder holding its record.
fn run_one(row: &figdig::ManifestRow, dir: &Path, args: &CorpusArgs) -> Record {
    let audit = (!args.no_audit).then_some(1.0);
    let result = plan(std::slice::from_ref(&row.resolved), row.page).and_then(|mut inputs| {
        let mut input: Input = inputs.remove(0);
        input.out_name = row.id.clone();
        extract_outputs(&input, args.filter, audit)
    });
    let (rec, files) = match result {
        Ok((ex, _ds, mut fig, mut files)) => {
            let (status, why) = figure_status(&ex, args.strict);
            let mut rec = record(row, args, &status.to_lowercase(), why.unwrap_or_default().to_string());
            rec.panels = Some(ex.panels.iter().filter(|p| p.kind == figdig::PanelKind::Data).count());
            rec.markers = Some(ex.points.len());
            rec.rows = Some(ex.points.len() + ex.series.iter().map(|s| s.vertex_count()).sum::<usize>());
            rec.warnings = Some(ex.warnings.len());
            rec.skipped = Some(ex.skipped_total);
            fig["corpus"] = serde_json::to_value(&rec).unwrap_or_default();
            files.push(("figure.json", serde_json::to_vec_pretty(&fig).unwrap_or_default()));
            (rec, files)
        }
        Err(e) => {
            let rec = record(row, args, "failed", format!("{e:#}"));
            let fig = serde_json::json!({"figure": row.id, "corpus": rec});
            (rec, vec![("figure.json", serde_json::to_vec_pretty(&fig).unwrap_or_default())])
        }
    };
    match replace_dir(&dir.join(&row.id), &files) {
        Ok(()) => rec,
        // Not recorded on disk, so the next run tries it again.
        Err(e) => Record { status: "failed".into(), reason: format!("{e:#}"), ..rec },
    }
}

/// The manifest's rows, with ids over the whole manifest; a bad manifest is a usage error.
fn read_manifest(path: &Path) -> anyhow::Result<Vec<figdig::ManifestRow>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| UsageError(format!("{}: cannot read the manifest: {e}", path.display())))?;
    let base = path.parent().unwrap_or(Path::new(""));
    figdig::parse_manifest(&text, base).map_err(|e| UsageError(format!("{}: {e}", path.display())).into())
}

pub fn run(args: &CorpusArgs) -> anyhow::Result<i32> {
    let rows = read_manifest(&args.manifest)?;
    let rows: Vec<figdig::ManifestRow> =
        rows.into_iter().filter(|r| args.shard.is_none_or(|s| s.takes(r.row))).collect();
    let dir = args.out.join("figures");
    std::fs::create_dir_all(&dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    for note in clean_stale(&dir).into_iter().chain(clean_stale_conversions(&std::env::temp_dir())) {
        eprintln!("figdig: note: {note}");
    }
    use rayon::prelude::*;
    let earlier: Vec<Option<Record>> = rows.par_iter().map(|r| done(r, &dir, args)).collect();
    let todo = earlier.iter().filter(|r| r.is_none()).count();
    let bar = progress(todo);
    let start = std::time::Instant::now();
    let records: Vec<Record> = rows
        .par_iter()
        .zip(earlier.into_par_iter())
        .map(|(row, earlier)| {
            earlier.unwrap_or_else(|| {
                let r = run_one(row, &dir, args);
                if let Some(b) = &bar {
                    b.inc(1);
                }
                r
            })
        })
        .collect();
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let secs = start.elapsed().as_secs_f64();
    let (summary, points) = table_names(args);
    write_summary(&args.out.join(&summary), &records)?;
    let n_points = write_points(&args.out.join(&points), &dir, &records)?;
    let failed = records.iter().filter(|r| r.status == "failed").count();
    for r in records.iter().filter(|r| r.status == "failed") {
        eprintln!("{}: error: {}", r.path, r.reason);
    }
    eprintln!(
        "{} figure(s): {} run in {secs:.2} s ({:.0} figures/s), {} already done; {} failed; {n_points} point rows -> {}, {}",
        records.len(),
        todo,
        todo as f64 / secs.max(1e-9),
        records.len() - todo,
        failed,
        args.out.join(&summary).display(),
        args.out.join(&points).display()
    );
    Ok(if failed > 0 { 1 } else { 0 })
}

/// `summary.csv` and `points.csv`, or their shard's names.
fn table_names(args: &CorpusArgs) -> (String, String) {
    match args.shard {
        None => ("summary.csv".into(), "points.csv".into()),
        Some(s) => (
            format!("summary.shard-{}-of-{}.csv", s.index, s.count),
            format!("points.shard-{}-of-{}.csv", s.index, s.count),
        ),
    }
}

/// Write a file through `fill` into a temporary file beside `dest`, then rename it into place.
fn write_streamed<T>(
    dest: &Path,
    fill: impl FnOnce(&mut csv::Writer<std::io::BufWriter<std::fs::File>>) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dest.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let f = std::fs::File::create(&tmp).with_context(|| format!("{}: cannot create", tmp.display()))?;
        let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
        let v = fill(&mut w)?;
        let mut inner =
            w.into_inner().map_err(|e| anyhow::anyhow!("{}: cannot write: {}", tmp.display(), e.error()))?;
        inner.flush().with_context(|| format!("{}: cannot write", tmp.display()))?;
        std::fs::rename(&tmp, dest).with_context(|| format!("{}: cannot move into place", dest.display()))?;
        Ok(v)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn write_summary(dest: &Path, records: &[Record]) -> anyhow::Result<()> {
    let num = |v: Option<usize>| v.map(|n| n.to_string()).unwrap_or_default();
    write_streamed(dest, |w| {
        w.write_record(SUMMARY_COLUMNS)?;
        for r in records {
            let page = r.page.map(|p| p.to_string()).unwrap_or_default();
            w.write_record([
                r.figure.as_str(),
                &r.path,
                &page,
                &r.status,
                &num(r.panels),
                &num(r.markers),
                &num(r.rows),
                &num(r.warnings),
                &num(r.skipped),
                &r.reason,
            ])?;
        }
        Ok(())
    })
    .with_context(|| format!("{}: cannot write the summary", dest.display()))
}

/// Every figure's points.csv rows behind its id, in manifest order; returns the row count.
fn write_points(dest: &Path, dir: &Path, records: &[Record]) -> anyhow::Result<usize> {
    write_streamed(dest, |w| {
        let mut header = vec!["figure"];
        header.extend(figdig::POINTS_COLUMNS);
        w.write_record(&header)?;
        let mut n = 0;
        let mut rec = csv::ByteRecord::new();
        for r in records.iter().filter(|r| r.status != "failed" || r.rows.is_some()) {
            let path = dir.join(&r.figure).join("points.csv");
            let mut rd = csv::Reader::from_path(&path).with_context(|| format!("{}: cannot read", path.display()))?;
            if rd.byte_headers()?.iter().ne(figdig::POINTS_COLUMNS.iter().map(|c| c.as_bytes())) {
                anyhow::bail!(
                    "{}: not the columns of this figdig's points.csv (written by another version?); run with the figure's folder removed",
                    path.display()
                );
            }
            while rd.read_byte_record(&mut rec).with_context(|| format!("{}: cannot read", path.display()))? {
                w.write_field(&r.figure)?;
                w.write_record(&rec)?;
                n += 1;
            }
        }
        Ok(n)
    })
}
