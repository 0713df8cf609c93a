//! `figdig fit` and `figdig optimal`: argument parsing, file I/O and printing for the fitting stage.

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use figdig::{
    BootstrapUnit, ColumnRole, FitData, FitOptions, FitReport, Form, Holdout, InputInfo, LawForm, LoadOptions,
    LoadedDataset, Loss, MIN_RESAMPLES, OptimalOptions, Plot, PolicyInput, Reference, RowFilter, StartMode, fit_law,
    fit_markdown, fit_plots, load_csv_with, optimal_report, optimal_text, p_text, parse_column_spec, plots_markdown,
    svg_to_png,
};
use resvg::usvg::fontdb::Database;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Global search choice on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Starts {
    /// Variable projection on an exponent grid, then L-BFGS from the best few grid minima (fast).
    Default,
    /// The replication's 4500-start grid, L-BFGS from each.
    Replication,
}

/// What the bootstrap resamples.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum UnitChoice {
    /// Runs.
    Run,
    /// Whole budgets.
    Budget,
}

/// The law to fit.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FormChoice {
    /// L = E + A/N^alpha + B/D^beta.
    Chinchilla,
    /// Muennighoff et al. 2023: effective data and parameters for repeated data (needs unique_tokens
    /// or epochs); reported beside the Chinchilla fit.
    DataConstrained,
    /// L = A/N^alpha + B/D^beta (no irreducible loss); reported beside the Chinchilla fit.
    NoE,
    /// L = E + A/N^alpha + B/D^alpha (alpha = beta); reported beside the Chinchilla fit.
    Tied,
    /// Kaplan et al. 2020: L = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D; beside the Chinchilla fit.
    Kaplan,
    /// L(C) = E + A/C^alpha over the compute-optimal frontier (the lowest loss per budget).
    Compute,
}

/// Rows left out beyond the file's own `excluded` column.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FilterChoice {
    /// Keep every row.
    None,
    /// The replication's rule: drop the 5 highest losses.
    Replication,
    /// Drop log-loss outliers (5 MADs) of a smooth surface in (log C, log N).
    Robust,
}

/// `--columns N=..,D=..`, parsed by clap so that a bad spec is a usage error (exit 2).
#[derive(Clone, Debug)]
pub struct ColumnSpec(Vec<(ColumnRole, String)>);

fn column_spec(s: &str) -> Result<ColumnSpec, String> {
    parse_column_spec(s).map(ColumnSpec).map_err(|e| e.to_string())
}

/// Arguments of `figdig fit`.
#[derive(Args)]
#[command(after_help = "Columns are found by common names: N = params, N, model_size, Model Size; \
D = tokens, D, Training Tokens; C = flops, C, compute, Training FLOP; L = loss, L, val_loss \
(case, spaces and underscores do not matter). Any two of N, D, C do: the third is C = 6 N D, and \
the output says so. Optional: a budget/group column, `excluded` (non-empty cells leave their row \
out), `unique_tokens` or `epochs`. No row is left out unless the file or --filter says so; every \
row left out is listed with its reason.")]
pub struct FitArgs {
    /// Dataset CSV: a loss column and two of N, D, C (any names above, or --columns).
    pub dataset: PathBuf,
    /// Columns by role, overriding detection, e.g. `N=model_params,L=eval_loss` (roles N, D, C, L,
    /// budget, excluded, unique_tokens, epochs).
    #[arg(long, value_parser = column_spec)]
    pub columns: Option<ColumnSpec>,
    /// Law to test the fit against: `hoffmann` (Hoffmann et al. 2022), `none`, or a JSON file (a
    /// fit.json, or an object with A, B, E, alpha, beta).
    #[arg(long, default_value = "none")]
    pub reference: String,
    /// Held-out check: `largest:K` (fit without the K largest budgets, predict them) or `budget`
    /// (each budget in turn); prints prediction errors and prediction-band coverage.
    #[arg(long, value_parser = holdout_arg)]
    pub holdout: Option<Holdout>,
    /// What the bootstrap resamples: `run`, or whole `budget`s (runs of one budget move together).
    #[arg(long, value_enum, default_value_t = UnitChoice::Run)]
    pub bootstrap_unit: UnitChoice,
    /// Per-point loss on log-loss residuals: `huber:DELTA`, `mse` or `mae`.
    #[arg(long, default_value = "huber:1e-3", value_parser = loss_arg)]
    pub loss: Loss,
    /// The law: `chinchilla`, `no-e`, `tied`, `kaplan`, `compute`, or `data-constrained` for runs
    /// that repeat data (forms other than chinchilla are reported beside the Chinchilla fit).
    #[arg(long, value_enum, default_value_t = FormChoice::Chinchilla)]
    pub form: FormChoice,
    /// Compare forms on held-out runs, e.g. `chinchilla,tied,kaplan,no-e,compute`: each is fitted
    /// without the --holdout runs (default largest:1) and predicts them; prints a table and a pick.
    #[arg(long, value_delimiter = ',', value_parser = form_arg)]
    pub compare: Vec<LawForm>,
    /// Rows to leave out beyond the file's `excluded` column.
    #[arg(long, value_enum, default_value_t = FilterChoice::None)]
    pub filter: FilterChoice,
    /// Output directory for fit.json and fit.md (default: the dataset's directory).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Bootstrap seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Bootstrap resamples (at least 20).
    #[arg(long, default_value_t = 4000, value_parser = resamples)]
    pub bootstrap: usize,
    /// Global search for the optimum.
    #[arg(long, value_enum, default_value_t = Starts::Default)]
    pub starts: Starts,
}

/// Bootstrap resamples on the command line: fewer than [`MIN_RESAMPLES`] is a usage error (exit 2).
pub(crate) fn resamples(s: &str) -> Result<usize, String> {
    let v: usize = s.trim().parse().map_err(|_| format!("`{s}` is not a count"))?;
    if v >= MIN_RESAMPLES { Ok(v) } else { Err(format!("{v} resamples: at least {MIN_RESAMPLES} are needed")) }
}

/// `--loss`, parsed by clap so that a bad value is a usage error (exit 2).
fn loss_arg(s: &str) -> Result<Loss, String> {
    Loss::parse(s).map_err(|e| e.to_string())
}

/// A `--compare` form, parsed by clap so that a bad value is a usage error (exit 2).
fn form_arg(s: &str) -> Result<LawForm, String> {
    LawForm::parse(s).map_err(|e| e.to_string())
}

/// `--holdout`, parsed by clap so that a bad value is a usage error (exit 2).
fn holdout_arg(s: &str) -> Result<Holdout, String> {
    Holdout::parse(s).map_err(|e| e.to_string())
}

/// A budget on the command line: finite and > 0, else a usage error (exit 2).
fn positive_flops(s: &str) -> Result<f64, String> {
    let v: f64 = s.trim().parse().map_err(|_| format!("`{s}` is not a number"))?;
    if v.is_finite() && v > 0.0 { Ok(v) } else { Err(format!("budget {s} must be finite and > 0")) }
}

/// Arguments of `figdig optimal`.
#[derive(Args)]
pub struct OptimalArgs {
    /// Training compute budgets in FLOPs, comma-separated [default: the data's largest compute and
    /// 10x beyond it, from fit.json]. Budgets over a decade beyond the data are warned about.
    #[arg(long, value_delimiter = ',', value_parser = positive_flops)]
    pub flops: Vec<f64>,
    /// fit.json written by `figdig fit`.
    #[arg(long, default_value = "fit.json")]
    pub fit: PathBuf,
    /// Expected lifetime inference tokens; adds the allocation minimising 6ND + 2NT at the same loss.
    #[arg(long)]
    pub inference_tokens: Option<f64>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Write `bytes` to `path` atomically: a temporary file in the same directory, then a rename,
/// so readers never see a half-written file.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("renaming {} to {}", tmp.display(), path.display()));
    }
    Ok(())
}

/// System fonts for rasterising plots, loaded once. usvg drops text it has no font for, so the
/// generic families (`sans-serif`, `serif`) are pointed at an installed face when the usual ones
/// (Arial, Times New Roman) are missing, as on Debian with only `fonts-dejavu-core`.
pub(crate) fn plot_fonts() -> Arc<Database> {
    static DB: OnceLock<Arc<Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = Database::new();
        db.load_system_fonts();
        let has = |db: &Database, fam: &str| db.faces().any(|f| f.families.iter().any(|(n, _)| n == fam));
        let fallback = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "FreeSans"]
            .into_iter()
            .find(|f| has(&db, f))
            .map(String::from)
            .or_else(|| db.faces().next().and_then(|f| f.families.first().map(|(n, _)| n.clone())));
        match fallback {
            Some(f) => {
                if !has(&db, "Arial") {
                    db.set_sans_serif_family(f.clone());
                }
                if !has(&db, "Times New Roman") {
                    db.set_serif_family(f);
                }
            }
            None => eprintln!(
                "warning: no system fonts found, so the PNG plots have no text (the SVGs do); \
                 on Debian, `apt-get install fonts-dejavu-core` fixes this"
            ),
        }
        Arc::new(db)
    })
    .clone()
}

/// Draw the fit's plots and write `out/plots/<name>.svg` and `.png`; returns the plots drawn.
pub(crate) fn write_plots(out: &Path, data: &FitData, report: &FitReport) -> anyhow::Result<Vec<Plot>> {
    let plots = fit_plots(data, report)?;
    let dir = out.join("plots");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let fonts = plot_fonts();
    for p in &plots {
        write_atomic(&dir.join(format!("{}.svg", p.name)), p.svg.as_bytes())?;
        let png = svg_to_png(&p.svg, fonts.clone()).with_context(|| format!("rendering {}.png", p.name))?;
        write_atomic(&dir.join(format!("{}.png", p.name)), &png)?;
    }
    Ok(plots)
}

/// [`write_plots`], but a failure is a warning: the fit itself stands without its plots.
pub(crate) fn write_plots_or_warn(out: &Path, data: &FitData, report: &FitReport) -> Vec<Plot> {
    write_plots(out, data, report).unwrap_or_else(|e| {
        eprintln!("warning: plots not written: {e:#}");
        Vec::new()
    })
}

/// The library's options from the command line (reads the reference file, if one is named).
fn fit_options(args: &FitArgs) -> anyhow::Result<FitOptions> {
    Ok(FitOptions {
        seed: args.seed,
        bootstrap: args.bootstrap,
        starts: match args.starts {
            Starts::Default => StartMode::Default,
            Starts::Replication => StartMode::Replication,
        },
        reference: load_reference(&args.reference)?,
        loss: args.loss,
        holdout: args.holdout,
        bootstrap_unit: match args.bootstrap_unit {
            UnitChoice::Run => BootstrapUnit::Run,
            UnitChoice::Budget => BootstrapUnit::Budget,
        },
        form: match args.form {
            FormChoice::Chinchilla => Form::Chinchilla,
            FormChoice::DataConstrained => Form::DataConstrained,
            FormChoice::NoE => Form::NoE,
            FormChoice::Tied => Form::Tied,
            FormChoice::Kaplan => Form::Kaplan,
            FormChoice::Compute => Form::Compute,
        },
        compare: args.compare.clone(),
        ..FitOptions::default()
    })
}

pub fn run_fit(args: &FitArgs) -> anyhow::Result<i32> {
    let file = std::fs::File::open(&args.dataset).with_context(|| format!("opening {}", args.dataset.display()))?;
    let load = LoadOptions {
        columns: args.columns.clone().map(|c| c.0).unwrap_or_default(),
        filter: match args.filter {
            FilterChoice::None => RowFilter::None,
            FilterChoice::Replication => RowFilter::Replication,
            FilterChoice::Robust => RowFilter::Robust,
        },
    };
    let loaded = load_csv_with(std::io::BufReader::new(file), &load)
        .with_context(|| format!("reading {}", args.dataset.display()))?;
    print_input(&loaded);
    let out = match &args.out {
        Some(d) => d.clone(),
        None => args.dataset.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(".")),
    };
    let out = if out.as_os_str().is_empty() { PathBuf::from(".") } else { out };
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let opts = fit_options(args)?;
    // A progress bar only for a human watching a terminal; logs and pipes stay clean.
    let bar = progress_bar();
    let mut report = fit_law(&loaded.data, &opts, |_| progress_tick(&bar, opts.bootstrap))
        .with_context(|| format!("fitting {}", args.dataset.display()))?;
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    report.input = Some(InputInfo::from_loaded(&args.dataset.display().to_string(), &loaded));
    let json = serde_json::to_string_pretty(&report)?;
    write_atomic(&out.join("fit.json"), json.as_bytes())?;
    let plots = write_plots_or_warn(&out, &loaded.data, &report);
    let mut md = fit_markdown(&report);
    if !plots.is_empty() {
        md.push('\n');
        md.push_str(&plots_markdown(&plots, "plots"));
    }
    write_atomic(&out.join("fit.md"), md.as_bytes())?;
    println!(
        "{} points, objective {:.8e} ({} of {} starts reached it)",
        report.n_points, report.objective, report.starts.n_reached_best, report.starts.n_starts
    );
    println!("{}", params_summary(&report));
    println!("{}", tests_summary(&report));
    if let Some(h) = &report.holdout {
        println!(
            "held out: {} runs in {} fold(s), median relative error {:.3}%, max {:.3}%, {} inside the 95% band",
            h.runs,
            h.folds.len(),
            100.0 * h.median_rel_err,
            100.0 * h.max_rel_err,
            h.inside_band
        );
    }
    print_forms(&report);
    if let Some(dc) = &report.data_constrained {
        let ci = |c: Option<[f64; 2]>| c.map(|c| format!(" [{:.2}, {:.2}]", c[0], c[1])).unwrap_or_default();
        println!(
            "data-constrained ({} runs, base law from {} single-epoch runs): two-stage (the paper's procedure) \
             R*_D = {:.2}{}, R*_N = {:.2}{}; joint fit of all runs R*_D = {:.2}, R*_N = {:.2} (paper: about 15.4, 5.3)",
            dc.runs,
            dc.single_epoch_runs,
            dc.r_star_d,
            ci(dc.r_star_d_ci95),
            dc.r_star_n,
            ci(dc.r_star_n_ci95),
            dc.joint.r_star_d,
            dc.joint.r_star_n
        );
    }
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    println!(
        "wrote {}, {} and {} plots in {}",
        out.join("fit.json").display(),
        out.join("fit.md").display(),
        plots.len(),
        out.join("plots").display()
    );
    Ok(0)
}

/// The form fitted beside Chinchilla's, and the comparison of forms, as stdout lines.
fn print_forms(report: &FitReport) {
    if let Some(f) = &report.form_fit {
        let ps: Vec<String> = f
            .params
            .iter()
            .map(|p| {
                let flag = if p.not_identified_decades.is_some() { " not identified" } else { "" };
                format!("{} = {:.4e} [{:.4e}, {:.4e}]{flag}", p.name, p.estimate, p.ci95[0], p.ci95[1])
            })
            .collect();
        println!(
            "form {} on {} runs: objective {:.8e} ({} of {} starts reached it); {}",
            f.form.key(),
            f.runs,
            f.objective,
            f.n_reached_best,
            f.n_starts,
            ps.join(", ")
        );
    }
    if let Some(c) = &report.compare {
        println!("form             params  held-out runs  median rel. err  max rel. err  inside 95% band");
        for e in &c.entries {
            let h = &e.holdout;
            println!(
                "{:<16} {:>6}  {:>13}  {:>14.3}%  {:>11.3}%  {:>6} of {}",
                e.form.key(),
                e.n_params,
                h.runs,
                100.0 * h.median_rel_err,
                100.0 * h.max_rel_err,
                h.inside_band,
                h.runs
            );
        }
        println!("pick on held-out error: {}", c.pick.map(LawForm::key).unwrap_or("none"));
        let front = c.pick_frontier.map(LawForm::key).unwrap_or("none");
        println!("pick on held-out frontier error (each held-out budget's lowest loss): {front}");
    }
}

/// a with its SE, the test against the reference if one was named, and the runs-needed figure
/// (`fit` and `reproduce` both print it).
pub fn tests_summary(report: &FitReport) -> String {
    let test = match &report.tests {
        Some(t) => format!("chi2 vs {} {:.1} (p = {})", t.reference.name, t.chi2.statistic, p_text(&t.chi2)),
        None => "no reference named (--reference hoffmann|FILE to test one)".to_string(),
    };
    format!(
        "a = {:.4} (SE {:.4}); {test}; runs for a width-0.001 80% interval on a: {:.0}",
        report.policy.a, report.se.a, report.required_runs_a_width_0_001
    )
}

/// `--reference`: `hoffmann`, `none`, or a JSON file (a fit.json, or A, B, E, alpha, beta).
fn load_reference(arg: &str) -> anyhow::Result<Option<Reference>> {
    match arg {
        "none" => Ok(None),
        "hoffmann" => Ok(Some(Reference::hoffmann())),
        path => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading --reference {path}"))?;
            Ok(Some(Reference::from_json(path, &text)?))
        }
    }
}

/// Progress for a human watching a terminal (logs and pipes stay clean): a spinner during the
/// global search, turned into a bar by the first finished bootstrap resample.
pub(crate) fn progress_bar() -> Option<indicatif::ProgressBar> {
    std::io::stderr().is_terminal().then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_message("global search");
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        pb
    })
}

/// One bootstrap resample finished (called from worker threads).
pub(crate) fn progress_tick(bar: &Option<indicatif::ProgressBar>, resamples: usize) {
    if let Some(pb) = bar {
        if pb.length().is_none() {
            pb.disable_steady_tick();
            pb.set_style(indicatif::ProgressStyle::default_bar());
            pb.set_length(resamples as u64);
            pb.set_message("bootstrap");
        }
        pb.inc(1);
    }
}

/// What was read: columns and roles, derivations, and every row left out with its reason.
fn print_input(l: &LoadedDataset) {
    let cols: Vec<String> = l.columns.iter().map(|c| format!("{}={}", c.role.key(), c.column)).collect();
    println!("{} rows read; columns {}", l.rows_read, cols.join(", "));
    for d in &l.derived {
        println!("{} is not in the file: {} on {} rows", d.role.key(), d.formula, d.rows);
    }
    println!("{} rows left out{}", l.dropped.len(), if l.dropped.is_empty() { "" } else { ":" });
    for d in &l.dropped {
        println!("  row {}: {}", d.row, d.reason);
    }
}

/// The five fitted parameters with their bootstrap standard errors, on one line (`fit` and
/// `reproduce` both print it).
pub fn params_summary(report: &figdig::FitReport) -> String {
    let (p, se, ln) = (&report.params, &report.se, &report.se_log);
    // A, B, E are scale factors with skewed bootstrap distributions: their SE is given on the log
    // scale (0.25 = about 25%), which stays readable when one is not identified.
    format!(
        "A = {:.1} (SE of ln {:.3}), B = {:.0} (SE of ln {:.3}), E = {:.4} (SE of ln {:.4}), alpha = {:.4} (SE {:.4}), \
         beta = {:.4} (SE {:.4})",
        p.a_coef, ln[0], p.b_coef, ln[1], p.e_coef, ln[2], p.alpha, se.alpha, p.beta, se.beta
    )
}

pub fn run_optimal(args: &OptimalArgs) -> anyhow::Result<i32> {
    if !args.fit.exists() {
        bail!("{} not found: run `figdig fit DATASET.csv` first, or pass --fit PATH/fit.json", args.fit.display());
    }
    let text = std::fs::read_to_string(&args.fit).with_context(|| format!("reading {}", args.fit.display()))?;
    let input = PolicyInput::from_json(&text).with_context(|| format!("reading {}", args.fit.display()))?;
    let opts = OptimalOptions {
        flops: args.flops.clone(),
        inference_tokens: args.inference_tokens,
        ..OptimalOptions::default()
    };
    let report = optimal_report(&input, &opts)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", optimal_text(&report));
    }
    Ok(0)
}
