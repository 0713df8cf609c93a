//! Real producers: figures rendered by matplotlib (from PyPI) from known data are recovered.
//!
//! The fixtures are generated at test time by `tests/producers/matplotlib_figs.py`, which writes
//! each figure's SVG beside a JSON file of the true values and axis limits.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{DecodedValue, Span, ci, figdig, read_csv, tempdir};

/// Generate the matplotlib fixtures, or `None` (skipping with a message) when matplotlib is
/// missing outside CI. Under `CI=true` a missing producer fails the test.
fn matplotlib_fixtures() -> Option<PathBuf> {
    let dir = tempdir("mpl-fixtures");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/producers/matplotlib_figs.py");
    let out = Command::new("python3").arg(&script).arg(&dir).output();
    match out {
        Ok(o) if o.status.success() => Some(dir),
        Ok(o) => {
            let msg = format!(
                "matplotlib fixtures could not be generated (install the PyPI package: python3 -m pip install matplotlib numpy): {}",
                String::from_utf8_lossy(&o.stderr)
            );
            assert!(!ci(), "{msg}");
            eprintln!("skipping: {msg}");
            None
        }
        Err(e) => {
            let msg = format!("python3 is not available ({e}); install python3 and the PyPI package matplotlib");
            assert!(!ci(), "{msg}");
            eprintln!("skipping: {msg}");
            None
        }
    }
}

fn check_figure(dir: &Path, name: &str) {
    check_figure_within(dir, name, name, 1e-6)
}

/// Whether a command-line producer is installed; outside CI a missing one skips with a message
/// naming its Debian package, under `CI=true` it fails.
fn have(tool: &str, package: &str) -> bool {
    let ok = Command::new(tool).arg("-v").output().is_ok();
    if !ok {
        let msg = format!("{tool} is not installed (Debian package {package})");
        assert!(!ci(), "{msg}");
        eprintln!("skipping: {msg}");
    }
    ok
}

/// Check figure `svg_name.svg` (or `.pdf` extracted as `svg_name_p1`) against `truth.json`.
fn check_figure_within(dir: &Path, svg_name: &str, truth_name: &str, tol: f64) {
    let name = svg_name;
    let svg = if dir.join(format!("{name}.svg")).exists() {
        dir.join(format!("{name}.svg"))
    } else {
        dir.join(format!("{name}.pdf"))
    };
    let out_name = if svg.extension().is_some_and(|e| e == "pdf") { format!("{name}_p1") } else { name.to_string() };
    let out = dir.join("out");
    let o = figdig().arg("extract").arg(&svg).arg("--out").arg(&out).arg("--no-audit").output().expect("run");
    assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(format!("{truth_name}.json"))).expect("truth")).expect("json");
    let rows = read_csv(&out.join(&out_name).join("points.csv"));
    let spans = truth["spans"].as_object().expect("spans");
    let points = truth["points"].as_array().expect("points");
    for (panel, sp) in spans {
        let span = |ax: &str| Span::from_truth(&sp[ax]);
        let (sx, sy) = (span("x"), span("y"));
        let want: Vec<&serde_json::Value> = points
            .iter()
            .filter(|p| p["panel"].as_u64().map(|v| v.to_string()).as_deref() == Some(panel.as_str()))
            .collect();
        let got: Vec<&HashMap<String, String>> = rows.iter().filter(|r| r["panel"] == *panel).collect();
        assert_eq!(got.len(), want.len(), "{name} panel {panel}: marker count (no swatches, caps or ticks)");
        let mut used = vec![false; got.len()];
        let mut within_half_bin = 0;
        let mut with_value = 0;
        for w in &want {
            let (tx, ty) = (sx.norm(w["x"].as_f64().expect("x")), sy.norm(w["y"].as_f64().expect("y")));
            let (k, d) = got
                .iter()
                .enumerate()
                .filter(|(k, _)| !used[*k])
                .map(|(k, g)| {
                    let gx = g["x"].parse::<f64>().map(|v| sx.norm(v)).unwrap_or(f64::NAN);
                    let gy = g["y"].parse::<f64>().map(|v| sy.norm(v)).unwrap_or(f64::NAN);
                    (k, (gx - tx).abs().max((gy - ty).abs()))
                })
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .expect("a point left");
            used[k] = true;
            // matplotlib writes coordinates with 6 decimals: about 1e-8 of a 200 pt axis.
            assert!(d <= tol, "{name} panel {panel}: point {w} recovered {:.3e} of the span away", d);
            if let Some(series) = w.get("series").and_then(|s| s.as_str()) {
                assert_eq!(got[k]["series"], series, "{name} panel {panel}: series label");
            }
            if let Some(v) = w.get("value").and_then(|v| v.as_f64()) {
                with_value += 1;
                let d = DecodedValue::read(got[k], v);
                // A raster colour bar resampled onto fewer rows than the map has colours may
                // lose a colour: its markers decode to a neighbouring bin (within 3 half-widths).
                assert!(
                    d.halfwidths() <= 3.0 * (1.0 + 1e-9),
                    "{name}: value {} vs true {v} (half-width {})",
                    d.got,
                    d.halfwidth
                );
                if d.within_half_bin() {
                    within_half_bin += 1;
                }
            }
        }
        if with_value > 0 {
            assert!(
                within_half_bin as f64 >= 0.9 * with_value as f64,
                "{name} panel {panel}: {within_half_bin}/{with_value} within half a bin"
            );
        }
    }
}

#[test]
fn matplotlib_linear_axes_shapes_legend_shared_y_and_offset_label() {
    let Some(dir) = matplotlib_fixtures() else { return };
    check_figure(&dir, "mpl_linear_path");
    check_figure(&dir, "mpl_linear_none");
}

#[test]
fn matplotlib_log_axes_and_colour_bars_in_both_text_modes() {
    let Some(dir) = matplotlib_fixtures() else { return };
    check_figure(&dir, "mpl_colour_path");
    check_figure(&dir, "mpl_colour_none");
}

#[test]
fn mupdf_svg_of_a_matplotlib_pdf_and_direct_pdf_input() {
    let Some(dir) = matplotlib_fixtures() else { return };
    if !have("mutool", "mupdf-tools") {
        return;
    }
    let o = Command::new("mutool")
        .args(["convert", "-F", "svg", "-O", "text=text", "-o"])
        .arg(dir.join("viapdf_mupdf%d.svg"))
        .arg(dir.join("viapdf.pdf"))
        .output()
        .expect("mutool");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::rename(dir.join("viapdf_mupdf1.svg"), dir.join("viapdf_mupdf.svg")).expect("rename");
    // MuPDF writes 5 decimals: about 1e-7 of a 200 pt axis.
    check_figure_within(&dir, "viapdf_mupdf", "viapdf", 1e-6);
    // The same page straight from the PDF (`--page 1`, converted with mutool).
    check_figure_within(&dir, "viapdf", "viapdf", 1e-6);
}

#[test]
fn cairo_svg_without_readable_text_needs_a_profile_and_works_with_one() {
    let Some(dir) = matplotlib_fixtures() else { return };
    if !have("pdftocairo", "poppler-utils") {
        return;
    }
    let svg = dir.join("viapdf_cairo.svg");
    let o = Command::new("pdftocairo").arg("-svg").arg(dir.join("viapdf.pdf")).arg(&svg).output().expect("pdftocairo");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Without a profile: a clear error naming the frame and axes, showing the profile to write.
    let o = figdig().arg("extract").arg(&svg).arg("--out").arg(dir.join("out-noprofile")).output().expect("run");
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("no readable tick labels") && stderr.contains("[axes.\"0.x\"]") && stderr.contains("ticks = "),
        "{stderr}"
    );
    // With the profile (tick positions in points, from matplotlib's own transform).
    std::fs::copy(dir.join("viapdf.profile.toml"), dir.join("viapdf_cairo.toml")).expect("profile");
    // Cairo rounds outlines and positions more coarsely than matplotlib's own SVG.
    check_figure_within(&dir, "viapdf_cairo", "viapdf", 2e-5);
}

/// A secondary axis on the opposite side in other units is recorded (`y2`), and the data stay in
/// the primary axis's units.
#[test]
fn matplotlib_secondary_axis_is_recorded_and_data_use_the_primary() {
    let Some(dir) = matplotlib_fixtures() else { return };
    for name in ["mpl_secondary_path", "mpl_secondary_none"] {
        check_figure(&dir, name);
        let fig: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("out").join(name).join("figure.json")).expect("json"))
                .expect("parse");
        let p = &fig["panels"][0];
        let (y, y2) = (&p["y"]["map"], &p["y2"]["map"]);
        let ratio = y2["slope"].as_f64().expect("y2 slope") / y["slope"].as_f64().expect("y slope");
        assert!((ratio - 2.54).abs() < 1e-6, "{name}: secondary/primary slope {ratio}");
        let ratio = y2["intercept"].as_f64().expect("y2") / y["intercept"].as_f64().expect("y");
        assert!((ratio - 2.54).abs() < 1e-6, "{name}: secondary/primary intercept {ratio}");
        assert_eq!(p["y2"]["title"], "cm");
        assert_eq!(p["y"]["title"], "inches");
    }
}
