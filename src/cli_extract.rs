//! `figdig extract`: file discovery, atomic output, and the per-figure summary on stderr.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

/// Arguments of `figdig extract`.
#[derive(Args)]
#[command(after_help = "For each FIGURE.svg, writes OUT/FIGURE/points.csv (one row per data marker: \
panel,series,x,y,value,x_svg,y_svg,fill,source) and OUT/FIGURE/figure.json (panels, axis \
calibration with anchors and tick residuals, marker counts, warnings).\n\
A profile FIGURE.toml beside the figure can say what axes measure ([semantics]), give an axis's \
ticks where its labels are glyph outlines ([axes.\"0.x\"] scale, ticks) and name unreadable legend \
entries ([legend] labels); see the README.\n\
Exit status: 0 all figures extracted, 1 some failed (each named on stderr), 2 usage error.\n\n\
Examples:\n  figdig extract                       # every SVG in figures/ into extracted/\n  \
figdig extract paper_fig3.svg --out /tmp/o\n  figdig extract figures/ --json > summary.json")]
pub struct ExtractArgs {
    /// SVG (or PDF) files, or directories of them [default: figures/].
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
    /// For PDF inputs: the page to convert (1-based). PDF pages are converted to SVG with MuPDF's
    /// `mutool convert -F svg -O text=text` (Debian package mupdf-tools).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub page: u32,
}

/// `--filter` values.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum FilterArg {
    Replication,
    Robust,
    None,
}

/// SVG files named by the arguments (directories expanded, sorted).
pub fn collect_inputs(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let paths = if paths.is_empty() { vec![PathBuf::from("figures")] } else { paths.to_vec() };
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(&p)
                .with_context(|| format!("{}: cannot list directory", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg") || e.eq_ignore_ascii_case("pdf"))
                })
                .collect();
            v.sort();
            out.extend(v);
        } else {
            out.push(p);
        }
    }
    Ok(out)
}

/// Write files into a fresh temporary directory beside `dest`, then swap it into place, so a
/// reader never sees a half-written output directory.
pub fn write_dir_atomically(dest: &Path, files: &[(&str, Vec<u8>)]) -> anyhow::Result<()> {
    let parent = dest.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| format!("{}: cannot create output directory", parent.display()))?;
    let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).with_context(|| format!("{}: cannot create", tmp.display()))?;
    for (f, bytes) in files {
        std::fs::write(tmp.join(f), bytes).with_context(|| format!("{}: cannot write", tmp.join(f).display()))?;
    }
    if dest.exists() {
        std::fs::remove_dir_all(dest).with_context(|| format!("{}: cannot replace", dest.display()))?;
    }
    std::fs::rename(&tmp, dest).with_context(|| format!("{}: cannot move into place", dest.display()))?;
    Ok(())
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

/// Extract one figure and write its outputs (with the audit); returns its figure.json.
pub fn extract_one(
    path: &Path,
    out: &Path,
    filter: FilterArg,
) -> anyhow::Result<(figdig::Extraction, Option<figdig::Dataset>, serde_json::Value)> {
    extract_one_audited(path, out, filter, true)
}

/// [`extract_one`], with `audit` choosing whether audit.png, audit.html and certificate.json
/// are written.
pub fn extract_one_audited(
    path: &Path,
    out: &Path,
    filter: FilterArg,
    audit: bool,
) -> anyhow::Result<(figdig::Extraction, Option<figdig::Dataset>, serde_json::Value)> {
    extract_input(path, out, filter, audit, 1)
}

/// Convert one PDF page to SVG text with MuPDF, the route whose output figdig knows best.
fn pdf_page_to_svg(path: &Path, page: u32) -> anyhow::Result<Vec<u8>> {
    let dir = std::env::temp_dir().join(format!(
        "figdig-pdf-{}-{page}-{}",
        std::process::id(),
        rayon::current_thread_index().unwrap_or(0)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let pattern = dir.join("page%d.svg");
    let run = std::process::Command::new("mutool")
        .args(["convert", "-F", "svg", "-O", "text=text", "-o"])
        .arg(&pattern)
        .arg(path)
        .arg(page.to_string())
        .output();
    let result = match run {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(anyhow::anyhow!(
            "PDF input needs MuPDF's mutool, which is not installed (Debian/Ubuntu: sudo apt-get install mupdf-tools); or convert the page yourself: mutool convert -F svg -O text=text -o page.svg paper.pdf {page}"
        )),
        Err(e) => Err(anyhow::anyhow!("cannot run mutool: {e}")),
        Ok(o) if !o.status.success() => {
            Err(anyhow::anyhow!("mutool could not convert page {page}: {}", String::from_utf8_lossy(&o.stderr).trim()))
        }
        Ok(_) => {
            // mutool numbers output files from 1 whatever the page; take the one it wrote.
            let svg = std::fs::read_dir(&dir).ok().and_then(|mut d| {
                d.find_map(|e| e.ok().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "svg")))
            });
            match svg {
                Some(p) => std::fs::read(&p).with_context(|| format!("{}: cannot read", p.display())),
                None => Err(anyhow::anyhow!("mutool wrote no SVG for page {page} (does the PDF have that page?)")),
            }
        }
    };
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Extract one SVG file, or one page of a PDF file, and write its outputs.
pub fn extract_input(
    path: &Path,
    out: &Path,
    filter: FilterArg,
    audit: bool,
    page: u32,
) -> anyhow::Result<(figdig::Extraction, Option<figdig::Dataset>, serde_json::Value)> {
    let is_pdf = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    // An optional profile beside the figure overrides what the axes measure and may give ticks.
    let profile_path = path.with_extension("toml");
    let profile = if profile_path.is_file() {
        let text = std::fs::read_to_string(&profile_path)
            .with_context(|| format!("{}: cannot read profile", profile_path.display()))?;
        Some(figdig::Profile::parse(&text).with_context(|| format!("{}", profile_path.display()))?)
    } else {
        None
    };
    let mut opts = figdig::ExtractOptions::default();
    if let Some(p) = &profile {
        opts.axis_overrides = p.axes.clone();
        opts.legend_labels = p.legend.labels.clone();
    }
    let meta = std::fs::metadata(path).context("cannot read")?;
    if meta.len() > opts.scene.max_bytes as u64 {
        anyhow::bail!("the file is {} bytes, over the limit of {} bytes", meta.len(), opts.scene.max_bytes);
    }
    let bytes = if is_pdf { pdf_page_to_svg(path, page)? } else { std::fs::read(path).context("cannot read")? };
    let ex = figdig::extract(&bytes, &opts)?;
    let mut stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "figure".into());
    if is_pdf {
        stem = format!("{stem}_p{page}");
    }
    let mut fig =
        figdig::figure_json(&path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(), &ex);
    let rule = match filter {
        FilterArg::Replication => figdig::FilterRule::Replication,
        FilterArg::Robust => figdig::FilterRule::Robust,
        FilterArg::None => figdig::FilterRule::None,
    };
    let ds = figdig::build_dataset(&ex, profile.as_ref(), &figdig::DatasetOptions { rule, ..Default::default() });
    let points_csv = figdig::points_csv(&ex)?;
    // The page's self-test compares its point count with the rows actually written.
    let csv_rows = csv::Reader::from_reader(points_csv.as_bytes()).records().count();
    let mut files: Vec<(&str, Vec<u8>)> = vec![("points.csv", points_csv.into_bytes())];
    if let Some(ds) = &ds {
        fig["dataset"] = figdig::dataset_json(ds);
        files.push(("dataset.csv", figdig::dataset_csv(ds)?.into_bytes()));
    }
    files.push(("figure.json", serde_json::to_vec_pretty(&fig)?));
    if audit {
        let cert = figdig::certificate(&ex, ds.as_ref());
        if !cert.pass {
            eprintln!("{}: warning: certificate failed: {}", path.display(), cert.failed.join("; "));
        }
        files.push(("certificate.json", serde_json::to_vec_pretty(&cert)?));
        files.push(("audit.png", figdig::audit_png(&bytes, &ex, ds.as_ref(), 2.0).context("audit.png")?));
        let text = String::from_utf8_lossy(&bytes);
        files.push(("audit.html", figdig::audit_html(&text, &ex, ds.as_ref(), csv_rows).into_bytes()));
    }
    write_dir_atomically(&out.join(&stem), &files)?;
    Ok((ex, ds, fig))
}

pub fn run(args: &ExtractArgs) -> anyhow::Result<i32> {
    let inputs = collect_inputs(&args.paths)?;
    if inputs.is_empty() {
        anyhow::bail!(
            "no SVG figures found in {}",
            args.paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        );
    }
    // Figures run in parallel; results are reported in input order.
    let bar = if inputs.len() > 1 && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        let b = indicatif::ProgressBar::new(inputs.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} figures {elapsed_precise}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(b)
    } else {
        None
    };
    use rayon::prelude::*;
    let results: Vec<_> = inputs
        .par_iter()
        .map(|path| {
            let r = extract_input(path, &args.out, args.filter, !args.no_audit, args.page);
            if let Some(b) = &bar {
                b.inc(1);
            }
            r
        })
        .collect();
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let mut failed = 0;
    let mut all = Vec::new();
    let mut table: Vec<(String, String, String, String, String)> = Vec::new();
    for (path, result) in inputs.iter().zip(results) {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match result {
            Ok((ex, ds, fig)) => {
                eprintln!("{}: {}", path.display(), figdig::summary(&ex));
                if let Some(ds) = &ds {
                    eprintln!("{}: {}", path.display(), figdig::dataset_summary(ds));
                }
                let panels = ex.panels.iter().filter(|p| p.kind == figdig::PanelKind::Data).count();
                // A figure with an unread axis is partial; with no complete point, or any unread
                // axis under --strict, it failed (its outputs are still written, with the reasons).
                let unread = ex.unread_axes().count();
                let status = if ex.incomplete() || (args.strict && unread > 0) {
                    failed += 1;
                    eprintln!(
                        "{}: error: {}",
                        path.display(),
                        if ex.incomplete() {
                            "no point has both an x and a y value"
                        } else {
                            "an axis was not read (--strict)"
                        }
                    );
                    "FAILED"
                } else if unread > 0 {
                    "partial"
                } else {
                    "ok"
                };
                table.push((
                    name,
                    panels.to_string(),
                    ex.points.len().to_string(),
                    ex.warnings.len().to_string(),
                    status.into(),
                ));
                all.push(fig);
            }
            Err(e) => {
                failed += 1;
                eprintln!("{}: error: {e:#}", path.display());
                table.push((name, "-".into(), "-".into(), "-".into(), "FAILED".into()));
            }
        }
    }
    if inputs.len() > 1 {
        let w = table.iter().map(|r| r.0.len()).max().unwrap_or(6).max(6);
        eprintln!("{:w$}  {:>6}  {:>6}  {:>8}  status", "figure", "panels", "points", "warnings");
        for (n, p, q, wn, st) in &table {
            eprintln!("{n:w$}  {p:>6}  {q:>6}  {wn:>8}  {st}");
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&all)?);
    }
    if inputs.len() > 1 {
        eprintln!(
            "{} figure(s): {} extracted, {} failed -> {}",
            inputs.len(),
            inputs.len() - failed,
            failed,
            args.out.display()
        );
    }
    Ok(if failed > 0 { 1 } else { 0 })
}
