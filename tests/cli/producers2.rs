//! Real producers beyond matplotlib: gnuplot (`set terminal svg`), Vega-Lite (npm's `vega-cli`)
//! and ggplot2 through svglite figures rendered from known data are recovered.
//!
//! Each producer's generator in `tests/producers/` writes every figure's SVG beside a JSON file of
//! the true values and the axis limits it set explicitly. Every marker must be found (exact count
//! per panel, no legend swatches), each value within 1e-4 of its axis span (1e-4 decades on a log
//! axis), its series label exact where the figure has a legend, and its colour-scale value
//! within half a colour bin (for most points) where the figure has a colour bar.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::common::{Span, ValueTally, ci, figdig, read_csv, tempdir};

/// Largest error allowed: a fraction of a linear axis's span, or decades on a log axis.
const TOL: f64 = 1e-4;

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Skip with `msg` outside CI; under `CI=true` a missing producer fails the test.
fn skip(msg: &str) -> Option<PathBuf> {
    assert!(!ci(), "{msg}");
    eprintln!("skipping: {msg}");
    None
}

/// Run a generator script (`python3 tests/producers/SCRIPT OUTDIR`) into a fresh directory.
fn generate(script: &str, tag: &str) -> Option<PathBuf> {
    let dir = tempdir(tag);
    let o = Command::new("python3").arg(manifest().join("tests/producers").join(script)).arg(&dir).output();
    match o {
        Ok(o) if o.status.success() => Some(dir),
        Ok(o) => {
            panic!("{script} failed: {}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
        }
        Err(e) => skip(&format!("python3 is not available ({e}); it runs the generator {script}")),
    }
}

/// gnuplot figures, generated once per test run; `None` when gnuplot is missing outside CI.
fn gnuplot_fixtures() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        if Command::new("gnuplot").arg("--version").output().is_err() {
            return skip("gnuplot is not installed (Debian package gnuplot-nox)");
        }
        generate("gnuplot_figs.py", "gnuplot-fixtures")
    })
    .as_deref()
}

/// Vega-Lite figures, generated once per test run with `vl2svg` from the npm packages installed
/// in `tests/producers/node` (`npm ci --ignore-scripts` there).
fn vega_fixtures() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        let bin = manifest().join("tests/producers/node/node_modules/.bin/vl2svg");
        let node = Command::new("node").arg("--version").output().is_ok();
        if !bin.exists() || !node {
            return skip(
                "vl2svg is not installed (npm packages vega, vega-lite, vega-cli: \
                 cd tests/producers/node && npm ci --ignore-scripts; needs node)",
            );
        }
        generate("vega_figs.py", "vega-fixtures")
    })
    .as_deref()
}

/// ggplot2 figures written by svglite, generated once per test run through `Rscript`.
fn ggplot_fixtures() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        let ok = Command::new("Rscript")
            .args(["-e", "library(ggplot2); library(svglite)"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            return skip("R's ggplot2 or svglite is not installed (Debian packages r-cran-ggplot2 r-cran-svglite)");
        }
        generate("ggplot_figs.py", "ggplot-fixtures")
    })
    .as_deref()
}

/// Extract `DIR/NAME.svg` and compare every marker with `DIR/NAME.json`; every disagreement is
/// collected, so one failure reports the whole figure.
fn check_figure(dir: &Path, name: &str) {
    let svg = dir.join(format!("{name}.svg"));
    let out = dir.join(format!("out-{name}"));
    let o = figdig().arg("extract").arg(&svg).arg("--out").arg(&out).arg("--no-audit").output().expect("run figdig");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{name}: figdig extract failed (fixture {}): {stderr}", svg.display());
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(format!("{name}.json"))).expect("truth")).expect("truth json");
    let rows = read_csv(&out.join(name).join("points.csv"));
    let spans = truth["spans"].as_object().expect("spans");
    let points = truth["points"].as_array().expect("points");
    let mut problems = Vec::new();
    let panels_got: std::collections::BTreeSet<&str> = rows.iter().map(|r| r["panel"].as_str()).collect();
    for p in panels_got {
        if !spans.contains_key(p) {
            problems.push(format!("markers found in panel {p}, which the figure does not have"));
        }
    }
    for (panel, sp) in spans {
        let span = |ax: &str| Span::from_truth(&sp[ax]);
        let (sx, sy) = (span("x"), span("y"));
        let want: Vec<&serde_json::Value> = points
            .iter()
            .filter(|p| p["panel"].as_u64().map(|v| v.to_string()).as_deref() == Some(panel.as_str()))
            .collect();
        let got: Vec<&HashMap<String, String>> = rows.iter().filter(|r| r["panel"] == *panel).collect();
        if got.len() != want.len() {
            problems.push(format!(
                "panel {panel}: {} markers recovered, {} drawn (no swatches, ticks or frame corners)",
                got.len(),
                want.len()
            ));
        }
        let mut used = vec![false; got.len()];
        let mut values = ValueTally::default();
        for w in &want {
            let (tx, ty) = (w["x"].as_f64().expect("x"), w["y"].as_f64().expect("y"));
            let best = got
                .iter()
                .enumerate()
                .filter(|(k, _)| !used[*k])
                .map(|(k, g)| {
                    let gx = g["x"].parse::<f64>().map(|v| sx.err(v, tx)).unwrap_or(f64::NAN);
                    let gy = g["y"].parse::<f64>().map(|v| sy.err(v, ty)).unwrap_or(f64::NAN);
                    // A value that is missing or not a number is infinitely far.
                    let e = if gx.is_nan() || gy.is_nan() { f64::INFINITY } else { gx.max(gy) };
                    (k, e)
                })
                .min_by(|a, b| a.1.total_cmp(&b.1));
            let Some((k, d)) = best else { break };
            used[k] = true;
            if d > TOL {
                problems.push(format!(
                    "panel {panel}: point ({tx}, {ty}) nearest recovered ({}, {}) is {d:.3e} away",
                    got[k]["x"], got[k]["y"]
                ));
            } else if let Some(series) = w.get("series").and_then(|s| s.as_str())
                && got[k]["series"] != series
            {
                problems.push(format!("panel {panel}: series {:?}, want {series:?}", got[k]["series"]));
            }
            if d <= TOL
                && let Err(e) = values.check(w, got[k])
            {
                problems.push(format!("panel {panel}: {e}"));
            }
        }
        if let Err(e) = values.verdict() {
            problems.push(format!("panel {panel}: {e}"));
        }
    }
    if !problems.is_empty() {
        let n = problems.len();
        problems.truncate(40);
        panic!("{name} (fixture {}): {n} problem(s):\n  {}\nstderr: {stderr}", svg.display(), problems.join("\n  "));
    }
}

#[test]
fn gnuplot_linear_axes_point_types_and_key() {
    let Some(dir) = gnuplot_fixtures() else { return };
    check_figure(dir, "gp_linear");
}

#[test]
fn gnuplot_log_axes_with_key() {
    let Some(dir) = gnuplot_fixtures() else { return };
    check_figure(dir, "gp_log");
}

/// Shared y (the right panel's labels blanked), a "×10^4" multiplier label, three point types in
/// a boxed key, a log x axis, and a continuous palette with its colour box.
#[test]
fn gnuplot_shared_y_multiplier_label_and_palette_colour_box() {
    let Some(dir) = gnuplot_fixtures() else { return };
    check_figure(dir, "gp_shared_colour");
}

/// Log labels written "1e-03" (C's `%.0e`) and "1×10^{3}" (gnuplot's `%.0t×10^{%T}`).
#[test]
fn gnuplot_log_labels_in_exponent_and_power_notation() {
    let Some(dir) = gnuplot_fixtures() else { return };
    check_figure(dir, "gp_log_exponent_labels");
}

#[test]
fn gnuplot_multiplot_two_panels() {
    let Some(dir) = gnuplot_fixtures() else { return };
    check_figure(dir, "gp_multiplot");
}

#[test]
fn vega_lite_linear_scatter_with_colour_and_shape_legend() {
    let Some(dir) = vega_fixtures() else { return };
    check_figure(dir, "vl_linear");
}

#[test]
fn vega_lite_log_log_scatter_with_colour_legend() {
    let Some(dir) = vega_fixtures() else { return };
    check_figure(dir, "vl_log");
}

#[test]
fn vega_lite_hconcat_two_panels_linear_and_log() {
    let Some(dir) = vega_fixtures() else { return };
    check_figure(dir, "vl_concat");
}

#[test]
fn ggplot2_svglite_facets_with_colour_legend() {
    let Some(dir) = ggplot_fixtures() else { return };
    check_figure(dir, "gg_facets");
}

#[test]
fn ggplot2_svglite_log_y_and_shapes() {
    let Some(dir) = ggplot_fixtures() else { return };
    check_figure(dir, "gg_log");
}

/// A continuous colour scale drawn as an embedded PNG colour bar (values decoded per marker), a
/// "×10^4" multiplier above the panel's top-left corner applied to the y tick labels, and
/// thousands separators ("1,000") on x.
#[test]
fn ggplot2_svglite_raster_colour_bar_multiplier_label_and_comma_ticks() {
    let Some(dir) = ggplot_fixtures() else { return };
    check_figure(dir, "gg_colour");
}

/// Log-log axes labelled 10^k with superscripts (a symbol-font minus in the negative exponents)
/// and a colour bar drawn as vector rectangles without a frame.
#[test]
fn ggplot2_svglite_log_log_power_labels_and_vector_colour_bar() {
    let Some(dir) = ggplot_fixtures() else { return };
    check_figure(dir, "gg_loglog");
}
