//! CLI tests of `figdig synth`, and round trips: synthetic figure -> `figdig extract` -> the known
//! values (issue 2: positions, data values, series labels; issue 3: colour-bar values).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use figdig::synth::{SynthFigure, SynthScale, SynthSpec, TruePoint, demo_spec, render, test_specs};

use crate::common::{figdig, read_csv, tempdir};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `NAME.truth.json` text `figdig synth` writes (pretty JSON and a final newline).
fn truth_text(name: &str, spec: &SynthSpec, fig: &SynthFigure) -> String {
    let v = serde_json::json!({ "name": name, "spec": spec, "points": fig.points });
    serde_json::to_string_pretty(&v).expect("json") + "\n"
}

fn spec_named(name: &str) -> SynthSpec {
    test_specs().into_iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no test spec {name}")).1
}

type Row = HashMap<String, String>;

fn num(row: &Row, k: &str) -> Option<f64> {
    row.get(k).filter(|v| !v.is_empty()).map(|v| v.parse().unwrap_or_else(|_| panic!("{k}={v:?} is not a number")))
}

/// Writes `fig` as DIR/NAME.svg and extracts it into DIR/out/NAME; returns the output directory.
fn extract_rendered(dir: &Path, name: &str, fig: &SynthFigure) -> PathBuf {
    let svg = dir.join(format!("{name}.svg"));
    std::fs::write(&svg, &fig.svg).expect("write svg");
    let out = dir.join("out");
    let o = figdig().arg("extract").arg(&svg).arg("--out").arg(&out).arg("--no-audit").output().expect("run");
    assert!(o.status.success(), "{name}: extract failed: {}", String::from_utf8_lossy(&o.stderr));
    out.join(name)
}

/// The parts of figure.json that explain a failed round trip: panels (kind, box, axes without
/// their tick lists), colour bars, legend and warnings.
fn diagnosis(out: &Path) -> String {
    let Ok(bytes) = std::fs::read(out.join("figure.json")) else { return "(no figure.json)".into() };
    let Ok(fig) = serde_json::from_slice::<serde_json::Value>(&bytes) else { return "(bad figure.json)".into() };
    let panels: Vec<serde_json::Value> = fig["panels"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    let axis = |a: &serde_json::Value| {
                        if a.is_null() {
                            return serde_json::Value::Null;
                        }
                        serde_json::json!({"title": a["title"], "scale": a["scale"], "map": a["map"], "method": a["method"],
                            "n_ticks": a["ticks"].as_array().map(Vec::len), "rejected_ticks": a["rejected_ticks"]})
                    };
                    serde_json::json!({"index": p["index"], "kind": p["kind"], "box": p["box"], "x": axis(&p["x"]),
                        "y": axis(&p["y"]), "markers": p["markers"]})
                })
                .collect()
        })
        .unwrap_or_default();
    let v = serde_json::json!({"panels": panels, "colour_bars": fig["colour_bars"], "legend": fig["legend"],
        "decoded": fig["decoded"], "warnings": fig["warnings"]});
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

/// Checks OUT/points.csv against the truth; panics with every discrepancy and the figure.json
/// diagnosis.
fn check_round_trip(name: &str, spec: &SynthSpec, truth: &[TruePoint], out: &Path) {
    let rows = read_csv(&out.join("points.csv"));
    let mut errors: Vec<String> = Vec::new();
    let size = spec.width.abs().max(spec.height.abs());
    let pos_tol = 1e-9 * size;
    for (i, panel) in spec.panels.iter().enumerate() {
        let want: Vec<&TruePoint> = truth.iter().filter(|t| t.panel == i).collect();
        let got: Vec<&Row> = rows.iter().filter(|r| r["panel"] == i.to_string()).collect();
        if want.len() != got.len() {
            errors.push(format!("panel {i}: {} markers extracted, {} drawn", got.len(), want.len()));
        }
        let mut used = vec![false; got.len()];
        for t in &want {
            let nearest = got
                .iter()
                .enumerate()
                .filter(|(k, _)| !used[*k])
                .map(|(k, r)| {
                    let d = (num(r, "x_svg").unwrap_or(f64::NAN) - t.x_svg)
                        .abs()
                        .max((num(r, "y_svg").unwrap_or(f64::NAN) - t.y_svg).abs());
                    (k, d)
                })
                .filter(|(_, d)| d.is_finite())
                .min_by(|a, b| a.1.total_cmp(&b.1));
            let Some((k, _)) = nearest.filter(|(_, d)| *d <= pos_tol) else {
                errors.push(format!(
                    "panel {i}: true point ({}, {}) at svg ({}, {}) has no extracted point within {pos_tol:e} \
                     (nearest off by {:?})",
                    t.x,
                    t.y,
                    t.x_svg,
                    t.y_svg,
                    nearest.map(|n| n.1)
                ));
                continue;
            };
            used[k] = true;
            let r = got[k];
            for (axis, key, want_v) in [(&panel.x, "x", t.x), (&panel.y, "y", t.y)] {
                let Some(v) = num(r, key) else {
                    errors.push(format!("panel {i}: {key} empty for true {key}={want_v}"));
                    continue;
                };
                let (err, tol) = match axis.scale {
                    SynthScale::Log => ((v / want_v - 1.0).abs(), 1e-9),
                    SynthScale::Linear => ((v - want_v).abs(), 1e-9 * (axis.max - axis.min).abs()),
                };
                if err.is_nan() || err > tol {
                    errors.push(format!("panel {i}: {key}={v} vs true {want_v} (error {err:e} > {tol:e})"));
                }
            }
            if panel.legend && r["series"] != t.series {
                errors.push(format!(
                    "panel {i}: series {:?} vs legend label {:?} at ({}, {})",
                    r["series"], t.series, t.x, t.y
                ));
            }
            match (t.value, num(r, "value"), num(r, "value_halfwidth")) {
                (Some(tv), Some(v), Some(hw)) => {
                    let off = (v - tv).abs();
                    if off.is_nan() || off > hw * (1.0 + 1e-9) {
                        errors.push(format!(
                            "panel {i}: value {v} ± {hw} does not cover true {tv} (off by {off:e}, fill {})",
                            t.fill
                        ));
                    }
                }
                (Some(tv), v, hw) => {
                    errors.push(format!("panel {i}: true value {tv} (fill {}) decoded as {v:?} ± {hw:?}", t.fill))
                }
                (None, Some(v), _) => errors.push(format!("panel {i}: value {v} decoded for a point without one")),
                (None, None, _) => {}
            }
        }
    }
    let extra = rows.iter().filter(|r| r["panel"].parse::<usize>().map_or(true, |p| p >= spec.panels.len())).count();
    if extra > 0 {
        errors.push(format!("{extra} extracted point(s) in panels the figure does not have"));
    }
    assert!(
        errors.is_empty(),
        "{name}: round trip failed ({} problem(s)):\n  {}\nfigure.json (abridged):\n{}",
        errors.len(),
        errors.iter().take(40).cloned().collect::<Vec<_>>().join("\n  "),
        diagnosis(out)
    );
}

/// Renders the named test spec, extracts it and checks the round trip.
fn round_trip(name: &str) {
    let spec = spec_named(name);
    let fig = render(&spec);
    assert!(!fig.points.is_empty(), "{name}: nothing drawn");
    let dir = tempdir(&format!("synth-rt-{name}"));
    let out = extract_rendered(&dir, name, &fig);
    check_round_trip(name, &spec, &fig.points, &out);
}

/// Every spec of `test_specs()` has a round-trip test below.
const COVERED: [&str; 13] = [
    "linear_element",
    "log_defs_use",
    "path_transform_ticks_only",
    "absolute_path_grid_only",
    "nested_element",
    "nested_defs_use",
    "nested_path_transform",
    "nested_absolute_path",
    "colour_raster_log_viridis",
    "colour_vector_linear_greys",
    "colour_two_bars",
    "categorical_legend",
    "demo",
];

#[test]
fn every_test_spec_has_a_round_trip_test() {
    let mut names: Vec<String> = test_specs().into_iter().map(|(n, _)| n).collect();
    names.sort();
    let mut covered: Vec<String> = COVERED.iter().map(|s| s.to_string()).collect();
    covered.sort();
    assert_eq!(names, covered, "add a round_trip_* test for each new spec");
}

#[test]
fn round_trip_linear_axes_negative_values() {
    round_trip("linear_element");
}

#[test]
fn round_trip_log_axes_defs_use_markers() {
    round_trip("log_defs_use");
}

#[test]
fn round_trip_nested_transforms_all_marker_styles() {
    for name in ["nested_element", "nested_defs_use", "nested_path_transform", "nested_absolute_path"] {
        round_trip(name);
    }
}

#[test]
fn round_trip_tick_marks_only() {
    round_trip("path_transform_ticks_only");
}

#[test]
fn round_trip_grid_lines_only() {
    round_trip("absolute_path_grid_only");
}

#[test]
fn round_trip_raster_log_colour_bar() {
    round_trip("colour_raster_log_viridis");
}

#[test]
fn round_trip_vector_linear_colour_bar() {
    round_trip("colour_vector_linear_greys");
}

#[test]
fn round_trip_two_colour_bars_nested_elements() {
    round_trip("colour_two_bars");
}

#[test]
fn round_trip_categorical_legend_series() {
    round_trip("categorical_legend");
}

#[test]
fn round_trip_demo_figure() {
    round_trip("demo");
}

#[test]
fn demo_figure_is_up_to_date() {
    let spec = demo_spec();
    let fig = render(&spec);
    for (file, want) in [("demo.svg", fig.svg.clone()), ("demo.truth.json", truth_text("demo", &spec, &fig))] {
        let path = manifest().join("figures").join(file);
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "figures/{file} differs from what the renderer produces for demo_spec() \
             (run `make demo` to regenerate, and commit the result)"
        );
    }
}

#[test]
fn synth_writes_the_demo_and_with_all_every_test_figure() {
    let dir = tempdir("synth-cli");
    let only = dir.join("only");
    let o = figdig().args(["synth", "--out"]).arg(&only).output().expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut files: Vec<String> = std::fs::read_dir(&only)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into())
        .collect();
    files.sort();
    assert_eq!(files, ["demo.svg", "demo.truth.json"]);
    let spec = demo_spec();
    let fig = render(&spec);
    assert_eq!(std::fs::read_to_string(only.join("demo.svg")).expect("svg"), fig.svg);
    assert_eq!(std::fs::read_to_string(only.join("demo.truth.json")).expect("json"), truth_text("demo", &spec, &fig));

    let all = dir.join("all");
    let o = figdig().args(["synth", "--all", "--out"]).arg(&all).output().expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for (name, spec) in test_specs() {
        let fig = render(&spec);
        let svg = std::fs::read_to_string(all.join(format!("{name}.svg"))).unwrap_or_default();
        assert!(svg == fig.svg, "{name}.svg differs from render()");
        let truth = std::fs::read_to_string(all.join(format!("{name}.truth.json"))).unwrap_or_default();
        assert_eq!(truth, truth_text(&name, &spec, &fig), "{name}.truth.json");
        // The truth file reads back into the spec and points (old specs without the colour fields
        // too: those fields default).
        let back: serde_json::Value = serde_json::from_str(&truth).expect("parse");
        let spec_back: SynthSpec = serde_json::from_value(back["spec"].clone()).expect("spec");
        assert_eq!(spec_back.panels.len(), spec.panels.len());
        let pts: Vec<TruePoint> = serde_json::from_value(back["points"].clone()).expect("points");
        assert_eq!(pts.len(), fig.points.len());
    }
    // No temporary files left behind.
    assert!(
        std::fs::read_dir(&all).expect("dir").all(|e| !e
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .starts_with('.'))
    );
}

#[test]
fn synth_all_then_extract_directory_round_trips_every_spec() {
    let dir = tempdir("synth-all-extract");
    let o = figdig().args(["synth", "--all", "--out"]).arg(&dir).output().expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = dir.join("out");
    let o = figdig().arg("extract").arg(&dir).arg("--out").arg(&out).arg("--no-audit").output().expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut failed = Vec::new();
    for (name, spec) in test_specs() {
        let truth: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(format!("{name}.truth.json"))).expect("truth"))
                .expect("json");
        let points: Vec<TruePoint> = serde_json::from_value(truth["points"].clone()).expect("points");
        let r = std::panic::catch_unwind(|| check_round_trip(&name, &spec, &points, &out.join(&name)));
        if r.is_err() {
            failed.push(name);
        }
    }
    assert!(failed.is_empty(), "round trips failed (details above): {failed:?}");
}

#[test]
fn make_extract_default_input_recovers_the_demo_truth() {
    let out = tempdir("synth-make-extract");
    let o = figdig().current_dir(manifest()).args(["extract", "figures", "--out"]).arg(&out).output().expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let truth: serde_json::Value = serde_json::from_slice(
        &std::fs::read(manifest().join("figures").join("demo.truth.json")).expect("figures/demo.truth.json"),
    )
    .expect("json");
    let spec: SynthSpec = serde_json::from_value(truth["spec"].clone()).expect("spec");
    let points: Vec<TruePoint> = serde_json::from_value(truth["points"].clone()).expect("points");
    assert!(points.len() >= 50, "{}", points.len());
    check_round_trip("figures/demo.svg", &spec, &points, &out.join("demo"));
}
