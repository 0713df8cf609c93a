//! The `figdig` command line. All I/O and printing lives here; the library only computes.

use clap::{Parser, Subcommand};

mod cli_budget;
mod cli_corpus;
mod cli_extract;
mod cli_fit;
mod cli_inputs;
mod cli_output;
mod cli_reproduce;
mod cli_synth;

/// Recover the data behind published vector figures, and refit the laws they show.
#[derive(Parser)]
#[command(name = "figdig", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract calibrated data points from SVG figures into CSV and JSON.
    Extract(cli_extract::ExtractArgs),
    /// Fit L(N, D) = E + A/N^alpha + B/D^beta to a dataset CSV, with bootstrap, tests and policy.
    Fit(cli_fit::FitArgs),
    /// Extraction, dataset, fit, tests and policy in one run, with a side-by-side report.
    Reproduce(cli_reproduce::ReproduceArgs),
    /// Compute-optimal model size and tokens for a compute budget, from a fit.json.
    Optimal(cli_fit::OptimalArgs),
    /// Extract every figure of a manifest (CSV or JSON Lines) into one summary and one points table;
    /// resumable, and split into shards with --shard I/N.
    Corpus(cli_corpus::CorpusArgs),
    /// Render the project's demo figure (and, with --all, the synthetic test set) with its known values.
    Synth(cli_synth::SynthArgs),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(args) => cli_extract::run(&args),
        Command::Fit(args) => cli_fit::run_fit(&args),
        Command::Optimal(args) => cli_fit::run_optimal(&args),
        Command::Reproduce(args) => cli_reproduce::run(&args),
        Command::Synth(args) => cli_synth::run(&args),
        Command::Corpus(args) => cli_corpus::run(&args),
    };
    match result {
        Ok(code) => std::process::exit(code),
        // A usage error (found before any work) exits 2, like clap's own.
        Err(err) if err.downcast_ref::<cli_inputs::UsageError>().is_some() => {
            eprintln!("figdig: usage error: {err:#}");
            std::process::exit(2);
        }
        Err(err) => {
            eprintln!("figdig: error: {err:#}");
            std::process::exit(1);
        }
    }
}
