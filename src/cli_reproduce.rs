//! `figdig reproduce`: extraction, dataset, fit, tests and policy in one run.

use clap::Args;

/// Arguments of `figdig reproduce`.
#[derive(Args)]
pub struct ReproduceArgs {
    /// The figure (SVG).
    pub figure: std::path::PathBuf,
    /// Output directory [default: extracted/reproduce].
    #[arg(long, default_value = "extracted/reproduce")]
    pub out: std::path::PathBuf,
}

pub fn run(_args: &ReproduceArgs) -> anyhow::Result<i32> {
    anyhow::bail!("reproduce: not implemented yet")
}
