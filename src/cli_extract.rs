//! `figdig extract`: file discovery, atomic output, and the per-figure summary on stderr.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

/// Arguments of `figdig extract`.
#[derive(Args)]
#[command(after_help = "For each FIGURE.svg, writes OUT/FIGURE/points.csv (one row per data marker: \
panel,series,x,y,value,x_svg,y_svg,fill,source) and OUT/FIGURE/figure.json (panels, axis \
calibration with anchors and tick residuals, marker counts, warnings).\n\
Exit status: 0 all figures extracted, 1 some failed (each named on stderr), 2 usage error.\n\n\
Examples:\n  figdig extract                       # every SVG in figures/ into extracted/\n  \
figdig extract paper_fig3.svg --out /tmp/o\n  figdig extract figures/ --json > summary.json")]
pub struct ExtractArgs {
    /// SVG files or directories of SVG files [default: figures/].
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
                .filter(|f| f.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg")))
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
    // An optional profile beside the figure overrides what the axes measure and may give ticks.
    let profile_path = path.with_extension("toml");
    let profile = if profile_path.is_file() {
        let text = std::fs::read_to_string(&profile_path).with_context(|| format!("{}: cannot read profile", profile_path.display()))?;
        Some(figdig::Profile::parse(&text).with_context(|| format!("{}", profile_path.display()))?)
    } else {
        None
    };
    let mut opts = figdig::ExtractOptions::default();
    if let Some(p) = &profile {
        opts.axis_overrides = p.axes.clone();
    }
    let meta = std::fs::metadata(path).context("cannot read")?;
    if meta.len() > opts.scene.max_bytes as u64 {
        anyhow::bail!("the file is {} bytes, over the limit of {} bytes", meta.len(), opts.scene.max_bytes);
    }
    let bytes = std::fs::read(path).context("cannot read")?;
    let ex = figdig::extract(&bytes, &opts)?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "figure".into());
    let mut fig = figdig::figure_json(&path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(), &ex);
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
    let mut failed = 0;
    let mut all = Vec::new();
    for path in &inputs {
        match extract_one_audited(path, &args.out, args.filter, !args.no_audit) {
            Ok((ex, ds, fig)) => {
                eprintln!("{}: {}", path.display(), figdig::summary(&ex));
                if let Some(ds) = &ds {
                    eprintln!("{}: {}", path.display(), figdig::dataset_summary(ds));
                }
                all.push(fig);
            }
            Err(e) => {
                failed += 1;
                eprintln!("{}: error: {e:#}", path.display());
            }
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
