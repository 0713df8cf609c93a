//! `figdig synth`: write the demo figure (and, with `--all`, every synthetic test figure) with its
//! known values, each file atomically.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::cli_extract::write_file_atomically;

/// Arguments of `figdig synth`.
#[derive(Args)]
#[command(after_help = "Writes DIR/demo.svg and DIR/demo.truth.json (the spec and every drawn point with its \
exact values, pretty JSON); with --all also DIR/NAME.svg and DIR/NAME.truth.json for every synthetic test \
figure. Output is deterministic: the same build writes the same bytes.\n\
Exit status: 0 written, 1 a file could not be written, 2 usage error.\n\n\
Examples:\n  figdig synth                  # figures/demo.svg, figures/demo.truth.json\n  \
figdig synth --all --out /tmp/synth")]
pub struct SynthArgs {
    /// Output directory.
    #[arg(long, default_value = "figures")]
    pub out: PathBuf,
    /// Also write every synthetic test figure (linear/log axes, every marker style, colour bars).
    #[arg(long)]
    pub all: bool,
}

/// The `NAME.truth.json` document of one rendered spec.
pub fn truth_json(name: &str, spec: &figdig::synth::SynthSpec, fig: &figdig::synth::SynthFigure) -> serde_json::Value {
    serde_json::json!({ "name": name, "spec": spec, "points": fig.points })
}

pub fn run(args: &SynthArgs) -> anyhow::Result<i32> {
    let mut specs = vec![("demo".to_string(), figdig::synth::demo_spec())];
    if args.all {
        specs.extend(figdig::synth::test_specs().into_iter().filter(|(n, _)| n != "demo"));
    }
    std::fs::create_dir_all(&args.out).with_context(|| format!("{}: cannot create directory", args.out.display()))?;
    for (name, spec) in &specs {
        let fig = figdig::synth::render(spec);
        let mut truth = serde_json::to_vec_pretty(&truth_json(name, spec, &fig))?;
        truth.push(b'\n');
        let svg_path = args.out.join(format!("{name}.svg"));
        write_file_atomically(&svg_path, fig.svg.as_bytes())?;
        write_file_atomically(&args.out.join(format!("{name}.truth.json")), &truth)?;
        eprintln!("{}: {} points", svg_path.display(), fig.points.len());
    }
    Ok(0)
}
