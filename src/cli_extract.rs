//! `figdig extract`: one figure from input to output folder, and the run's summary on stderr.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use crate::cli_budget::{BATCH_MEMORY_BYTES, Budget, estimate, release_after};
use crate::cli_inputs::{Input, Kind, UsageError, collect_inputs, input_bytes, plan, read_profile};
use crate::cli_output::{clean_stale, clean_stale_conversions, replace_dir};

/// Arguments of `figdig extract`.
#[derive(Args)]
#[command(after_help = "For each FIGURE.svg, writes OUT/FIGURE/points.csv (one row per data marker: \
panel,series,x,y,value,x_svg,y_svg,fill,source) and OUT/FIGURE/figure.json (panels, axis \
calibration with anchors and tick residuals, marker counts, warnings).\n\
A profile FIGURE.toml beside the figure can say what axes measure ([semantics]), give an axis's \
ticks where its labels are glyph outlines ([axes.\"0.x\"] scale, ticks) and name unreadable legend \
entries ([legend] labels); see the README.\n\
Each output folder holds a marker file .figdig-output; a run replaces only folders holding it, in \
one step, and refuses any other (see the README: output names, replacement).\n\
Exit status: 0 all figures extracted, 1 some failed (each named on stderr), 2 usage error.\n\n\
Examples:\n  figdig extract                       # every SVG in figures/ into extracted/\n  \
figdig extract paper_fig3.svg --out /tmp/o\n  figdig extract figures/ --json > summary.json")]
pub struct ExtractArgs {
    /// SVG (also gzip-compressed .svgz) or PDF files, or directories of them, or - for SVG on
    /// standard input [default: figures/].
    pub paths: Vec<PathBuf>,
    /// Output directory; each figure gets OUT/<stem>/.
    #[arg(long, default_value = "extracted")]
    pub out: PathBuf,
    /// Print each figure's figure.json on stdout as one JSON array.
    #[arg(long)]
    pub json: bool,
    /// Which rule marks dataset rows excluded: the replication's (5 highest losses), a robust
    /// residual rule (beyond 5 MADs of a smooth fit), or none. Both are reported in figure.json.
    #[arg(long, value_enum, default_value = "replication")]
    pub filter: FilterArg,
    /// Skip the audit outputs (audit.png, audit.html, certificate.json).
    #[arg(long)]
    pub no_audit: bool,
    /// Treat any axis that could not be read as an error for that figure (exit 1), instead of
    /// leaving its values empty with the reason on stderr.
    #[arg(long)]
    pub strict: bool,
    /// Scale of audit.png against the figure's CSS pixel size: 1 shows the figure as a browser
    /// does at 100%; 2 is sharper and costs about twice the time. A figure that would exceed a
    /// full-HD screen's pixels is drawn smaller.
    #[arg(long, default_value_t = AUDIT_SCALE, value_parser = audit_scale)]
    pub audit_scale: f32,
    /// For PDF inputs: the page to convert (1-based; may be left out for a one-page PDF). PDF pages
    /// are converted to SVG with MuPDF's `mutool convert -F svg -O text=text` (Debian package
    /// mupdf-tools). A usage error on SVG input or past the PDF's last page.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub page: Option<u32>,
}

/// `--filter` values.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum FilterArg {
    Replication,
    Robust,
    None,
}

/// Write one file atomically (temp file in the same directory, then rename).
pub fn write_file_atomically(dest: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let parent = dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| format!("{}: cannot create directory", parent.display()))?;
    let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("{}: cannot write", tmp.display()))?;
    std::fs::rename(&tmp, dest).with_context(|| format!("{}: cannot move into place", dest.display()))?;
    Ok(())
}

/// Extract one figure file (a PDF: its first page) into `OUT/<stem>/` with the audit; returns
/// its figure.json.
pub fn extract_one(
    path: &Path,
    out: &Path,
    filter: FilterArg,
) -> anyhow::Result<(figdig::Extraction, Option<figdig::Dataset>, serde_json::Value)> {
    let input = plan(&[path.to_path_buf()], None)?.remove(0);
    extract_input(&input, out, filter, Some(AUDIT_SCALE))
}

/// `--audit-scale`'s default, also used by `reproduce`: the audit is a map of where things are,
/// seen on a screen at 100%; rendering is most of the audit's time, and 2x costs twice as much.
const AUDIT_SCALE: f32 = 1.0;

/// `--audit-scale`: a number in (0, 8]; beyond 8 the picture is mostly empty pixels.
fn audit_scale(s: &str) -> Result<f32, String> {
    let v: f32 = s.parse().map_err(|e| format!("{e}"))?;
    if v > 0.0 && v <= 8.0 { Ok(v) } else { Err(format!("{v} is not in (0, 8]")) }
}

/// One figure's extraction with what is written for it.
pub type Extracted = (figdig::Extraction, Option<figdig::Dataset>, serde_json::Value);

/// Extract one input and write its outputs to `OUT/<out_name>/`.
/// `audit`: the scale of audit.png, or `None` for no audit outputs.
pub fn extract_input(input: &Input, out: &Path, filter: FilterArg, audit: Option<f32>) -> anyhow::Result<Extracted> {
    let (ex, ds, fig, mut files) = extract_outputs(input, filter, audit)?;
    files.push(("figure.json", serde_json::to_vec_pretty(&fig)?));
    replace_dir(&out.join(&input.out_name), &files)?;
    Ok((ex, ds, fig))
}

/// One figure's extraction and the files written for it, all but figure.json (its content is
/// the third part, for the caller to add to).
pub type Outputs = (figdig::Extraction, Option<figdig::Dataset>, serde_json::Value, Vec<(&'static str, Vec<u8>)>);

/// Extract one input into its output files, without writing them.
pub fn extract_outputs(input: &Input, filter: FilterArg, audit: Option<f32>) -> anyhow::Result<Outputs> {
    let profile = read_profile(input)?;
    let mut opts = figdig::ExtractOptions::default();
    if let Some(p) = &profile {
        opts.axis_overrides = p.axes.clone();
        opts.legend_labels = p.legend.labels.clone();
    }
    let bytes = input_bytes(input, &opts)?;
    // The audit's parse of the figure runs beside the extraction when the file is small (a
    // large one would hold both in memory at once).
    let (ex, source, bytes) = match audit {
        Some(_) if bytes.len() <= AUDIT_OVERLAP_MAX_BYTES => {
            let (ex, source) = rayon::join(|| figdig::extract(&bytes, &opts), || figdig::AuditSource::parse(&bytes));
            (ex?, Some(source), bytes)
        }
        Some(_) => (figdig::extract(&bytes, &opts)?, None, bytes),
        // Without the audit the text is not needed after parsing.
        None => (figdig::extract_owned(bytes, &opts)?, None, Vec::new()),
    };
    let name = input.path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "-".into());
    let mut fig = figdig::figure_json(&name, &ex);
    let rule = match filter {
        FilterArg::Replication => figdig::FilterRule::Replication,
        FilterArg::Robust => figdig::FilterRule::Robust,
        FilterArg::None => figdig::FilterRule::None,
    };
    let ds = figdig::build_dataset(&ex, profile.as_ref(), &figdig::DatasetOptions { rule, ..Default::default() });
    let points_csv = figdig::points_csv(&ex)?;
    // The page's self-test compares its point count with the rows actually written.
    // Marker rows come first, one per point; vertex rows follow (not listed on the page).
    let vertices: usize = ex.series.iter().map(|s| s.vertex_count()).sum();
    let csv_rows = points_csv.lines().count().saturating_sub(1 + vertices);
    let mut files: Vec<(&'static str, Vec<u8>)> = vec![("points.csv", points_csv.into_bytes())];
    if let Some(ds) = &ds {
        fig["dataset"] = figdig::dataset_json(ds);
        files.push(("dataset.csv", figdig::dataset_csv(ds)?.into_bytes()));
    }
    if let Some(scale) = audit {
        drop(opts);
        let source = source.unwrap_or_else(|| figdig::AuditSource::parse(&bytes)).context("audit.png")?;
        drop(bytes);
        files.extend(audit_files(&input.path, &source, &ex, ds.as_ref(), scale, csv_rows)?);
    }
    Ok((ex, ds, fig, files))
}

/// A figure's status in a batch: `ok`, `partial` (an axis not read) or `FAILED` with the reason
/// (no complete point; or, under `--strict`, an unread axis). Its outputs are written either way.
pub fn figure_status(ex: &figdig::Extraction, strict: bool) -> (&'static str, Option<&'static str>) {
    let unread = ex.unread_axes().count();
    if ex.incomplete() {
        ("FAILED", Some("no point has both an x and a y value"))
    } else if strict && unread > 0 {
        ("FAILED", Some("an axis was not read (--strict)"))
    } else if unread > 0 {
        ("partial", None)
    } else {
        ("ok", None)
    }
}

/// Largest figure (bytes of SVG) whose audit parse runs beside its extraction: 8 MiB. Both then
/// hold their parse of the figure at once, which for a small figure costs little memory and
/// saves the parse's time; a larger one is parsed for the audit after its extraction.
pub const AUDIT_OVERLAP_MAX_BYTES: usize = 8 << 20;

/// certificate.json, audit.png and audit.html (the picture and the page drawn side by side).
fn audit_files(
    path: &Path,
    source: &figdig::AuditSource,
    ex: &figdig::Extraction,
    ds: Option<&figdig::Dataset>,
    scale: f32,
    csv_rows: usize,
) -> anyhow::Result<Vec<(&'static str, Vec<u8>)>> {
    let cert = figdig::certificate(ex, ds);
    if !cert.pass {
        eprintln!("{}: warning: certificate failed: {}", path.display(), cert.failed.join("; "));
    }
    let (shot, html) = rayon::join(
        || figdig::audit_png_of(source, ex, ds, scale, figdig::AUDIT_TARGET_PIXELS),
        || figdig::audit_html_of(source, ex, ds, csv_rows),
    );
    let shot = shot.context("audit.png")?;
    if shot.scale < scale {
        eprintln!(
            "{}: note: audit.png drawn at {:.2}x instead of {scale}x to stay within {} pixels",
            path.display(),
            shot.scale,
            figdig::AUDIT_TARGET_PIXELS
        );
    }
    Ok(vec![
        ("certificate.json", serde_json::to_vec_pretty(&cert)?),
        ("audit.png", shot.png),
        ("audit.html", html.into_bytes()),
    ])
}

/// Most skipped elements printed per figure; the rest are counted on stderr and all (up to
/// [`figdig::MAX_SKIPPED_KEPT`]) listed in figure.json, so a broken file cannot flood a terminal.
const MAX_SKIPPED_PRINTED: usize = 20;

/// One typed warning line per element skipped for bad numbers.
fn skipped_lines(path: &Path, ex: &figdig::Extraction) -> Vec<String> {
    let mut lines: Vec<String> =
        ex.skipped.iter().take(MAX_SKIPPED_PRINTED).map(|w| format!("{}: warning: {w}", path.display())).collect();
    if ex.skipped_total > MAX_SKIPPED_PRINTED {
        lines.push(format!(
            "{}: warning: {} more elements skipped for bad numbers (listed in figure.json, skipped_elements)",
            path.display(),
            ex.skipped_total - MAX_SKIPPED_PRINTED
        ));
    }
    lines
}

/// A progress bar on a terminal for a batch, else nothing.
pub fn progress(n: usize) -> Option<indicatif::ProgressBar> {
    if n < 2 || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return None;
    }
    let b = indicatif::ProgressBar::new(n as u64);
    b.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} figures {elapsed_precise}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(b)
}

pub fn run(args: &ExtractArgs) -> anyhow::Result<i32> {
    let paths = collect_inputs(&args.paths)?;
    if paths.is_empty() {
        return Err(UsageError(format!(
            "no figures (.svg, .svgz, .pdf) found in {}",
            args.paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ))
        .into());
    }
    let inputs = plan(&paths, args.page)?;
    if inputs.iter().filter(|i| i.kind == Ok(Kind::Stdin)).count() > 1 {
        return Err(UsageError("- (standard input) can be given only once".into()).into());
    }
    for note in clean_stale(&args.out).into_iter().chain(clean_stale_conversions(&std::env::temp_dir())) {
        eprintln!("figdig: note: {note}");
    }
    // Figures run in parallel; results are reported in input order.
    let bar = progress(inputs.len());
    use rayon::prelude::*;
    let budget = Budget::new(BATCH_MEMORY_BYTES);
    let results: Vec<_> = inputs
        .par_iter()
        .map(|input| {
            let est = estimate(&input.path);
            let held = budget.reserve(est);
            // Only what the report needs is kept: a large figure's points and lines are freed
            // before the next figure starts, so a batch holds no more than its largest figure.
            let r = extract_input(input, &args.out, args.filter, (!args.no_audit).then_some(args.audit_scale))
                .map(|(ex, ds, fig)| Outcome::new(&input.path, args.strict, &ex, ds.as_ref(), fig));
            release_after(est);
            drop(held);
            if let Some(b) = &bar {
                b.inc(1);
            }
            r
        })
        .collect();
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    report(args, &inputs, results)
}

/// What the report says of one extracted figure (the extraction itself is not kept).
struct Outcome {
    /// Lines for stderr, in order: skipped elements, the summary, the dataset's summary, an error.
    lines: Vec<String>,
    /// Data panels, points, warnings, skipped elements.
    counts: [usize; 4],
    status: &'static str,
    fig: serde_json::Value,
}

impl Outcome {
    fn new(
        path: &Path,
        strict: bool,
        ex: &figdig::Extraction,
        ds: Option<&figdig::Dataset>,
        mut fig: serde_json::Value,
    ) -> Outcome {
        let shown = path.display();
        let mut lines = skipped_lines(path, ex);
        lines.push(format!("{shown}: {}", figdig::summary(ex)));
        if let Some(ds) = ds {
            lines.push(format!("{shown}: {}", figdig::dataset_summary(ds)));
        }
        let panels = ex.panels.iter().filter(|p| p.kind == figdig::PanelKind::Data).count();
        // A figure with an unread axis is partial; with no complete point, or any unread axis
        // under --strict, it failed (its outputs are still written, with the reasons).
        let (status, why) = figure_status(ex, strict);
        if let Some(why) = why {
            lines.push(format!("{shown}: error: {why}"));
            fig["reason"] = why.into();
        }
        Outcome { lines, counts: [panels, ex.points.len(), ex.warnings.len(), ex.skipped_total], status, fig }
    }
}

/// Per-figure lines, the summary table and `--json` on stdout; the exit status.
fn report(args: &ExtractArgs, inputs: &[Input], results: Vec<anyhow::Result<Outcome>>) -> anyhow::Result<i32> {
    let mut failed = 0;
    let mut all = Vec::new();
    let mut table: Vec<[String; 6]> = Vec::new();
    for (input, result) in inputs.iter().zip(results) {
        let path = input.path.display();
        let name = input.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "-".into());
        let output = args.out.join(&input.out_name).display().to_string();
        match result {
            Ok(Outcome { lines, counts, status, mut fig }) => {
                for l in lines {
                    eprintln!("{l}");
                }
                if status == "FAILED" {
                    failed += 1;
                }
                let [p, q, w, k] = counts.map(|n| n.to_string());
                table.push([name, p, q, w, k, status.into()]);
                fig["path"] = path.to_string().into();
                fig["output"] = output.into();
                fig["status"] = status.to_lowercase().into();
                all.push(fig);
            }
            Err(e) => {
                failed += 1;
                eprintln!("{path}: error: {e:#}");
                table.push([name.clone(), "-".into(), "-".into(), "-".into(), "-".into(), "FAILED".into()]);
                all.push(serde_json::json!({
                    "figure": name, "path": path.to_string(), "status": "failed", "reason": format!("{e:#}"),
                }));
            }
        }
    }
    if inputs.len() > 1 {
        let w = table.iter().map(|r| r[0].len()).max().unwrap_or(6).max(6);
        eprintln!("{:w$}  {:>6}  {:>6}  {:>8}  {:>7}  status", "figure", "panels", "points", "warnings", "skipped");
        for [n, p, q, wn, k, st] in &table {
            eprintln!("{n:w$}  {p:>6}  {q:>6}  {wn:>8}  {k:>7}  {st}");
        }
        eprintln!(
            "{} figure(s): {} extracted, {} failed -> {}",
            inputs.len(),
            inputs.len() - failed,
            failed,
            args.out.display()
        );
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&all)?);
    }
    Ok(if failed > 0 { 1 } else { 0 })
}
