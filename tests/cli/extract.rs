//! CLI tests of `figdig extract`.

use crate::common::{figdig, read_csv, shared, tempdir};

fn f(row: &std::collections::HashMap<String, String>, k: &str) -> f64 {
    row[k].parse().unwrap_or_else(|_| panic!("{k}={:?} is not a number", row[k]))
}

#[test]
fn chinchilla_figure_4_panels_markers_and_calibration_match_the_replication() {
    let (Some(svg), Some(refcsv)) =
        (shared("figures/chinchilla_figure_4.svg"), shared("reference/replication_svg_extracted_data.csv"))
    else {
        return;
    };
    let out = tempdir("chinchilla");
    let o = figdig().args(["extract"]).arg(&svg).arg("--out").arg(&out).output().expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dir = out.join("chinchilla_figure_4");
    let text = std::fs::read_to_string(dir.join("points.csv")).expect("points.csv");
    // Issue 2's columns, then issue 3's `value_halfwidth`, issue 12's `y2` (twin axes), then
    // issue 14's line vertices and error bars.
    assert_eq!(
        text.lines().next(),
        Some(
            "panel,series,x,y,value,x_svg,y_svg,fill,source,value_halfwidth,y2,mark,line,piece,index,flags,x_lo,x_hi,y_lo,y_hi"
        )
    );
    let pts = read_csv(&dir.join("points.csv"));
    let p0: Vec<_> = pts.iter().filter(|p| p["panel"] == "0").collect();
    let p1: Vec<_> = pts.iter().filter(|p| p["panel"] == "1").collect();
    assert_eq!((p0.len(), p1.len()), (245, 114));

    // Every panel-0 point is one replication row: same SVG centre within 1e-6, values within 5e-5.
    let reference = read_csv(&refcsv);
    let mut matched = std::collections::HashSet::new();
    for p in &p0 {
        let (x, y) = (f(p, "x_svg"), f(p, "y_svg"));
        let (i, r) = reference
            .iter()
            .enumerate()
            .min_by(|a, b| {
                let da = (f(a.1, "x") - x).hypot(f(a.1, "y") - y);
                let db = (f(b.1, "x") - x).hypot(f(b.1, "y") - y);
                da.total_cmp(&db)
            })
            .expect("rows");
        assert!((f(r, "x") - x).abs() <= 1e-6 && (f(r, "y") - y).abs() <= 1e-6, "{x},{y}");
        assert!((f(p, "x") / f(r, "Training FLOP") - 1.0).abs() <= 5e-5, "FLOP {} vs {}", p["x"], r["Training FLOP"]);
        assert!((f(p, "y") / f(r, "Model Size") - 1.0).abs() <= 5e-5, "N {} vs {}", p["y"], r["Model Size"]);
        matched.insert(i);
    }
    assert_eq!(matched.len(), 245, "each replication row matched once");
    // Panel 1's model sizes are panel 0's for the same runs.
    for q in &p1 {
        let n = f(q, "x");
        let best = p0.iter().map(|p| (f(p, "y") / n - 1.0).abs()).fold(f64::INFINITY, f64::min);
        assert!(best <= 1e-5, "panel 1 model size {n} has no panel-0 twin ({best})");
    }

    let fig: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("figure.json")).expect("json")).expect("parse");
    let panels = fig["panels"].as_array().expect("panels");
    let data: Vec<_> = panels.iter().filter(|p| p["kind"] == "data").collect();
    assert_eq!(data.len(), 2);
    assert!(panels.iter().any(|p| p["kind"] == "colour_bar"));
    assert_eq!((data[0]["x"]["scale"].as_str(), data[0]["y"]["scale"].as_str()), (Some("log"), Some("log")));
    assert_eq!(data[0]["x"]["title"], "Training FLOPs");
    assert_eq!(data[0]["y"]["title"], "Model size");
    assert_eq!((data[1]["x"]["scale"].as_str(), data[1]["y"]["scale"].as_str()), (Some("log"), Some("log")));
    assert_eq!(data[1]["x"]["title"], "Model size");
    let loss_ticks: Vec<&str> =
        data[1]["y"]["ticks"].as_array().expect("ticks").iter().filter_map(|t| t["label"].as_str()).collect();
    for l in ["2.00", "3.00", "4.00", "5.00"] {
        assert!(loss_ticks.contains(&l), "{loss_ticks:?}");
    }
    // "40B" marks a computed value (about 3.955e10): reported as inconsistent, not used.
    let rejected = data[0]["y"]["rejected_ticks"].as_array().expect("rejected");
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["label"], "40B");
    let implied = rejected[0]["implied_value"].as_f64().expect("implied");
    assert!((implied / 3.955e10 - 1.0).abs() < 2e-3, "{implied}");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("40B"), "{stderr}");
}

/// Runs extract on one hostile file; it must fail with exit 1, name the file and a reason, and
/// leave no output behind.
fn assert_rejected(name: &str, bytes: &[u8], reason: &str) {
    let dir = tempdir(&format!("bad-{name}"));
    let input = dir.join(format!("{name}.svg"));
    std::fs::write(&input, bytes).expect("write");
    let out = dir.join("out");
    let o = figdig().arg("extract").arg(&input).arg("--out").arg(&out).output().expect("run");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("{name}.svg")), "names the file: {stderr}");
    assert!(stderr.to_lowercase().contains(reason), "reason '{reason}': {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.join(name).exists(), "no partial output");
}

#[test]
fn truncated_xml_is_refused_with_no_output() {
    assert_rejected("truncated", b"<svg xmlns=\"http://www.w3.org/2000/svg\"><g><path d=\"M0 0L1 1\"", "xml");
}

#[test]
fn non_svg_xml_is_refused() {
    assert_rejected("notsvg", b"<html><body>hello</body></html>", "not an svg");
}

#[test]
fn empty_file_is_refused() {
    assert_rejected("empty", b"", "empty");
}

#[test]
fn svg_without_axes_is_refused() {
    assert_rejected("noaxes", br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><circle cx="5" cy="5" r="1"/><circle cx="50" cy="5" r="1"/></svg>"#, "no plot area");
}

#[test]
fn entity_expansion_doctype_is_refused() {
    let mut s = String::from("<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY a \"aaaaaaaaaa\">");
    let mut prev = "a".to_string();
    for i in 0..9 {
        let name = format!("e{i}");
        s.push_str(&format!("<!ENTITY {name} \"{}\">", format!("&{prev};").repeat(10)));
        prev = name;
    }
    s.push_str(&format!("]><svg xmlns=\"http://www.w3.org/2000/svg\"><text>&{prev};</text></svg>"));
    assert_rejected("lol", s.as_bytes(), "xml");
}

#[test]
fn external_entity_is_never_read() {
    let s = r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/hostname">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>"#;
    assert_rejected("xxe", s.as_bytes(), "xml");
}

#[test]
fn batch_goes_on_past_a_bad_figure_and_exits_1() {
    let Some(svg) = shared("figures/chinchilla_figure_4.svg") else { return };
    let dir = tempdir("batch");
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    std::fs::copy(&svg, inputs.join("good.svg")).expect("copy");
    std::fs::write(inputs.join("a_bad.svg"), b"<svg").expect("write");
    let out = dir.join("out");
    let o = figdig().arg("extract").arg(&inputs).arg("--out").arg(&out).output().expect("run");
    assert_eq!(o.status.code(), Some(1));
    assert!(out.join("good").join("points.csv").exists());
    assert!(!out.join("a_bad").exists());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("a_bad.svg: error:"), "{stderr}");
}

#[test]
fn usage_error_exits_2() {
    let o = figdig().args(["extract", "--no-such-flag"]).output().expect("run");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn chinchilla_dataset_joins_isoflop_losses_and_decodes_colours_within_half_a_bin() {
    let (Some(svg), Some(refcsv)) =
        (shared("figures/chinchilla_figure_4.svg"), shared("reference/replication_svg_extracted_data.csv"))
    else {
        return;
    };
    let out = tempdir("chinchilla-dataset");
    let o = figdig().args(["extract"]).arg(&svg).arg("--out").arg(&out).output().expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dir = out.join("chinchilla_figure_4");
    let text = std::fs::read_to_string(dir.join("dataset.csv")).expect("dataset.csv");
    assert_eq!(
        text.lines().next(),
        Some(
            "Training FLOP,Model Size,Training Tokens,loss,loss_source,loss_halfwidth,panel,x_svg,y_svg,fill,excluded"
        )
    );
    let rows = read_csv(&dir.join("dataset.csv"));
    assert_eq!(rows.len(), 245);
    let axis: Vec<_> = rows.iter().filter(|r| r["loss_source"] == "axis").collect();
    assert_eq!(axis.len(), 114, "all IsoFLOP markers joined to distinct rows");
    let fig: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("figure.json")).expect("json")).expect("parse");
    let join = &fig["dataset"]["joins"][0];
    assert_eq!(join["matched"], 114);
    let bias = join["colour_bias_rel"].as_f64().expect("bias");
    let max = join["colour_max_abs_rel"].as_f64().expect("max");
    assert!(bias.abs() <= 2e-4, "colour decoding bias {bias}");
    assert!(max <= 2.1e-3, "colour decoding max error {max}");
    // FLOPs and model size agree with the replication's rows (matched by SVG position).
    let reference = read_csv(&refcsv);
    for r in &rows {
        let (x, y) = (f(r, "x_svg"), f(r, "y_svg"));
        let m = reference
            .iter()
            .find(|q| (f(q, "x") - x).abs() <= 1e-6 && (f(q, "y") - y).abs() <= 1e-6)
            .expect("row twin");
        assert!((f(r, "Training FLOP") / f(m, "Training FLOP") - 1.0).abs() <= 5e-5);
        assert!((f(r, "Model Size") / f(m, "Model Size") - 1.0).abs() <= 5e-5);
        let tokens = f(r, "Training FLOP") / (6.0 * f(r, "Model Size"));
        assert!((f(r, "Training Tokens") / tokens - 1.0).abs() <= 1e-12);
    }
    // The five highest losses are excluded by default, and they are the replication's five.
    let excluded: Vec<_> = rows.iter().filter(|r| !r["excluded"].is_empty()).collect();
    assert_eq!(excluded.len(), 5);
    let min_excluded = excluded.iter().map(|r| f(r, "loss")).fold(f64::INFINITY, f64::min);
    assert!(rows.iter().filter(|r| r["excluded"].is_empty()).all(|r| f(r, "loss") < min_excluded));
    let mut ref_sorted: Vec<_> = reference.iter().collect();
    ref_sorted.sort_by(|a, b| f(b, "loss").total_cmp(&f(a, "loss")));
    for q in &ref_sorted[..5] {
        assert!(
            excluded
                .iter()
                .any(|r| (f(r, "x_svg") - f(q, "x")).abs() <= 1e-6 && (f(r, "y_svg") - f(q, "y")).abs() <= 1e-6)
        );
    }
    // The dashed IsoFLOP lines, in the colours the "Train. FLOPs" legend names, sit where the
    // x calibration puts those budgets: an independent check of the FLOPs axis.
    let checks = &fig["dataset"]["calibration_cross_checks"];
    assert_eq!(checks["lines"].as_array().map(Vec::len), Some(9));
    assert!(checks["max_abs_value_rel_error"].as_f64().expect("max") < 1e-5, "{checks}");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("114 joined") && stderr.contains("5 excluded"), "{stderr}");
}

/// A colour bar filled by a `linearGradient` (Vega's continuous legends, hand-made figures) is
/// decoded like raster and rectangle bars: by where the fill's colour is drawn along it.
#[test]
fn linear_gradient_colour_bar_decodes_grey_levels() {
    let svg = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gradient_bar.svg");
    let out = tempdir("gradient");
    let o = figdig().arg("extract").arg(&svg).arg("--out").arg(&out).arg("--no-audit").output().expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = read_csv(&out.join("gradient_bar").join("points.csv"));
    // Black (0) at the bottom to white (100) at the top: grey g/255 sits at 100 g/255.
    for r in &rows {
        let g = u8::from_str_radix(&r["fill"][1..3], 16).expect("hex");
        let want = 100.0 * f64::from(g) / 255.0;
        let (v, hw) = (f(r, "value"), f(r, "value_halfwidth"));
        assert!((v - want).abs() <= hw, "{}: {v} ± {hw} vs {want}", r["fill"]);
        assert!(hw < 0.5, "half-width {hw}");
    }
    assert_eq!(rows.len(), 3);
}

/// A hand-written figure styled by a CSS sheet (class and type selectors; the class rule wins),
/// with y labels turned along the axis and a glyph symbol drawn without characters: the three
/// open circles are data at exact values, coloured by their CSS stroke, and the glyph is no
/// marker. Also a fuzzing seed for the style sheet and turned-text paths.
#[test]
fn css_styled_figure_with_turned_y_labels_recovers_exact_values() {
    let svg = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/css_turned_labels.svg");
    let out = tempdir("css-turned");
    let o = figdig().arg("extract").arg(&svg).arg("--out").arg(&out).arg("--no-audit").output().expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = read_csv(&out.join("css_turned_labels").join("points.csv"));
    let want = [(20.0, 2.0), (40.0, 7.0), (80.0, 4.0)];
    assert_eq!(rows.len(), want.len());
    for (r, (x, y)) in rows.iter().zip(want) {
        assert!((f(r, "x") - x).abs() < 1e-9 && (f(r, "y") - y).abs() < 1e-9, "{r:?}");
        assert_eq!(r["fill"], "#cc0000", "the class rule's stroke, with `fill: none` from the sheet");
    }
}
