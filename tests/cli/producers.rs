//! Real producers: figures rendered by matplotlib (from PyPI) from known data are recovered.
//!
//! The fixtures are generated at test time by `tests/producers/matplotlib_figs.py`, which writes
//! each figure's SVG beside a JSON file of the true values and axis limits.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{
    Span, ValueTally, assert_certificates, check_bands, check_error_bars, check_lines, check_lines_merged_collinear,
    ci, figdig, read_csv, take_nearest, tempdir,
};

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
        let mut values = ValueTally::default();
        for w in &want {
            let (k, d) = take_nearest(&got, &mut used, w, (&sx, &sy), Span::frac_err).expect("a point left");
            // matplotlib writes coordinates with 6 decimals: about 1e-8 of a 200 pt axis.
            assert!(d <= tol, "{name} panel {panel}: point {w} recovered {:.3e} of the span away", d);
            if let Some(series) = w.get("series").and_then(|s| s.as_str()) {
                assert_eq!(got[k]["series"], series, "{name} panel {panel}: series label");
            }
            values.check(w, got[k]).unwrap_or_else(|e| panic!("{name} panel {panel}: {e}"));
        }
        values.verdict().unwrap_or_else(|e| panic!("{name} panel {panel}: {e}"));
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

/// Panel 1's y axis carries no labels (shared with panel 0): figure.json records that it was
/// calibrated from its aligned neighbour, with the neighbour's "1e9" multiplier.
fn assert_shared_y(dir: &Path, out_name: &str) {
    let fig: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out").join(out_name).join("figure.json")).expect("json"))
            .expect("parse");
    let y = &fig["panels"][1]["y"];
    assert!(y["method"].as_str().is_some_and(|m| m.starts_with("shared from panel 0")), "{out_name}: {y}");
    assert!(fig["panels"][0]["y"]["map"] == y["map"], "{out_name}: shared map differs");
}

/// One matplotlib figure with every feature (linear and log axes, five shapes, a legend, a "1e9"
/// offset label on a shared y axis, a colour scale with its bar) through PDF and MuPDF.
#[test]
fn mupdf_svg_and_pdf_input_recover_shapes_legend_offset_shared_axis_and_colour_scale() {
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
    assert_shared_y(&dir, "viapdf_mupdf");
    // The same page straight from the PDF (`--page 1`, converted with mutool).
    check_figure_within(&dir, "viapdf", "viapdf", 1e-6);
    assert_shared_y(&dir, "viapdf_p1");
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
        stderr.contains("no readable tick labels")
            && stderr.contains("[axes.\"0.x\"]")
            && stderr.contains("ticks = ")
            && stderr.contains("# tick marks at x = ")
            && !stderr.contains("# tick marks at x = none found"),
        "{stderr}"
    );
    // With the profile (tick positions in points from matplotlib's own transform, for three axes
    // and the colour bar, and the legend's labels): every marker, value, colour and series label.
    std::fs::copy(dir.join("viapdf.profile.toml"), dir.join("viapdf_cairo.toml")).expect("profile");
    // Cairo rounds fills to 1/256 unit, but outlines keep their exact placement, and a marker
    // drawn as both takes the outline's centre: as precise as matplotlib's own SVG.
    check_figure_within(&dir, "viapdf_cairo", "viapdf", 1e-6);
    assert_shared_y(&dir, "viapdf_cairo");
}

/// An additive "+1e4" offset, hidden labels (opacity 0) still marking their ticks, unlabelled
/// minor ticks, and points exactly on the frame's corners.
#[test]
fn matplotlib_additive_offset_hidden_labels_minor_ticks_and_points_on_the_frame() {
    let Some(dir) = matplotlib_fixtures() else { return };
    for name in ["mpl_conventions_path", "mpl_conventions_none"] {
        check_figure(&dir, name);
        let fig: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("out").join(name).join("figure.json")).expect("json"))
                .expect("parse");
        let (x, y) = (&fig["panels"][0]["x"], &fig["panels"][0]["y"]);
        assert!(x["anchors"].to_string().contains("offset '+1e4'"), "{name}: {x}");
        // All six y labels (0..50), three of them drawn with opacity 0, are the axis's ticks.
        let labels: Vec<&str> =
            y["ticks"].as_array().expect("ticks").iter().filter_map(|t| t["label"].as_str()).collect();
        assert_eq!(labels.len(), 6, "{name}: {labels:?}");
    }
}

/// Every matplotlib figure (SVG in both text modes, and the PDF page), extracted as one batch
/// with the audit, passes its certificate and warns about nothing.
#[test]
fn every_matplotlib_figure_passes_its_audit_certificate_without_warnings() {
    let Some(dir) = matplotlib_fixtures() else { return };
    if !have("mutool", "mupdf-tools") {
        return;
    }
    assert_certificates(&dir, "mpl-audit");
}

/// Turned tick labels are read where they mark: x labels at 45 degrees by their box's centre
/// (matplotlib's default alignment) or its right end (`ha="right"`), log y labels at 90 degrees
/// by their end, and both at once (meeting at the frame's corner). Every label sits on its tick
/// mark.
#[test]
fn matplotlib_turned_tick_labels() {
    let Some(dir) = matplotlib_fixtures() else { return };
    let cases = [
        ("mpl_turned_path", vec!["x"]),
        ("mpl_turned_none", vec!["x"]),
        ("mpl_turned_right_path", vec!["x"]),
        ("mpl_turned_right_none", vec!["x"]),
        ("mpl_turned_y_path", vec!["y"]),
        ("mpl_turned_y_none", vec!["y"]),
        ("mpl_turned_both_path", vec!["x", "y"]),
        ("mpl_turned_both_none", vec!["x", "y"]),
    ];
    for (name, axes) in cases {
        check_figure(&dir, name);
        let fig: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("out").join(name).join("figure.json")).expect("json"))
                .expect("parse");
        for ax in axes {
            let a = &fig["panels"][0][ax];
            assert_eq!(a["method"], "anchored", "{name} {ax}: {a}");
            let ticks = a["ticks"].as_array().expect("ticks");
            assert!(ticks.iter().all(|t| t["used"] == true && t["anchor"] == "tick_mark"), "{name} {ax}: {a}");
        }
    }
}

/// Error bars with caps (matplotlib draws caps as line-segment markers placed by `<use>`): only
/// the square markers are data, with the legend's series.
#[test]
fn matplotlib_error_bars_and_caps_are_not_markers() {
    let Some(dir) = matplotlib_fixtures() else { return };
    check_figure(&dir, "mpl_errorbars_path");
    check_figure(&dir, "mpl_errorbars_none");
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

/// Line series from real matplotlib (issue 14): every drawn vertex of each line comes back as a
/// `mark=vertex` row named by its legend entry (an `o-` line gives both its markers and its
/// vertices), a line broken by a missing value keeps its two pieces, no vertex row is furniture,
/// a legend key or an error-bar cap, and asymmetric error bars become `y_lo`/`y_hi` of their
/// markers, every end within matplotlib's coordinate rounding.
#[test]
fn issue14_matplotlib_lines_pieces_and_asymmetric_error_bars() {
    let Some(dir) = matplotlib_fixtures() else { return };
    for name in ["mpl_lines_path", "mpl_lines_none"] {
        check_figure(&dir, name);
        let truth: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(format!("{name}.json"))).expect("truth")).expect("json");
        let all = crate::common::read_all_rows(&dir.join("out").join(name).join("points.csv"));
        let (sx, sy) = (Span::from_truth(&truth["spans"]["0"]["x"]), Span::from_truth(&truth["spans"]["0"]["y"]));
        let near = |r: &HashMap<String, String>, x: f64, y: f64| {
            let (gx, gy) = (r["x"].parse::<f64>().unwrap_or(f64::NAN), r["y"].parse::<f64>().unwrap_or(f64::NAN));
            sx.frac_err(gx, x) <= 1e-6 && sy.frac_err(gy, y) <= 1e-6
        };
        let vertices: Vec<&HashMap<String, String>> = all.iter().filter(|r| r["mark"] == "vertex").collect();
        let mut want = 0;
        for line in truth["lines"].as_array().expect("lines") {
            let series = line["series"].as_str().expect("series");
            let mine: Vec<&&HashMap<String, String>> = vertices.iter().filter(|r| r["series"] == series).collect();
            let xs = line["x"].as_array().expect("x");
            let ys = line["y"].as_array().expect("y");
            want += xs.len();
            assert_eq!(mine.len(), xs.len(), "{name}: {series}: vertex rows");
            for (x, y) in xs.iter().zip(ys) {
                let (x, y) = (x.as_f64().expect("x"), y.as_f64().expect("y"));
                assert!(mine.iter().any(|r| near(r, x, y)), "{name}: {series}: vertex ({x}, {y}) not recovered");
            }
            let pieces: std::collections::BTreeSet<&str> = mine.iter().map(|r| r["piece"].as_str()).collect();
            assert_eq!(pieces.len() as u64, line["pieces"].as_u64().unwrap_or(1), "{name}: {series}: pieces");
        }
        assert_eq!(vertices.len(), want, "{name}: vertex rows beyond the drawn lines (furniture, keys, caps?)");
        for bar in truth["bars"].as_array().expect("bars") {
            let f = |k: &str| bar[k].as_f64().expect("bar");
            let row = all.iter().find(|r| r["mark"] == "marker" && near(r, f("x"), f("y"))).expect("bar marker");
            for (col, want) in [("y_lo", f("y_lo")), ("y_hi", f("y_hi"))] {
                let got: f64 = row[col].parse().unwrap_or(f64::NAN);
                assert!(sy.frac_err(got, want) <= 1e-6, "{name}: {col} {got} vs {want}");
            }
        }
    }
}

/// Issue 13's figures tried as a new user would: `o-` lines in matplotlib's classic style (two
/// marker samples per legend entry are not data), an annotation beside a point (not a legend
/// entry: the point stays and no series is named after it), a second `scatter` call redrawing
/// points far away in the document (merged, counted as duplicates), hollow and translucent markers.
#[test]
fn issue13_classic_o_lines_annotation_far_duplicates_hollow_and_alpha_markers() {
    let Some(dir) = matplotlib_fixtures() else { return };
    for name in ["mpl_classic_o_lines", "mpl_annotated_point", "mpl_duplicates_far_apart", "mpl_hollow_and_alpha"] {
        check_figure(&dir, name);
    }
    let fig: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("out/mpl_duplicates_far_apart/figure.json")).expect("figure.json"),
    )
    .expect("json");
    assert_eq!(fig["duplicates_merged"], 12, "the second call's 12 drawings");
}

/// An error-bar figure with a legend, read from its PDF (`--page 1`, through MuPDF): every marker
/// found (no cap or legend sample counted), each named by its whole legend label although the PDF
/// writes it as runs in two fonts ("AdamW: " and "β", then "=0.29"). Spaces between runs are
/// not compared: MuPDF's runs carry no advance widths for the gap.
#[test]
fn issue13_error_bar_figure_through_mupdf_with_its_legend() {
    let Some(dir) = matplotlib_fixtures() else { return };
    if !have("mutool", "mupdf-tools") {
        return;
    }
    let out = dir.join("out-errorbar-pdf");
    let pdf = dir.join("mpl_errorbar_legend_pdf.pdf");
    let o = figdig().arg("extract").arg(&pdf).args(["--page", "1", "--no-audit", "--out"]).arg(&out).output();
    let o = o.expect("run figdig");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("mpl_errorbar_legend_pdf.json")).expect("truth")).expect("json");
    let rows = read_csv(&out.join("mpl_errorbar_legend_pdf_p1").join("points.csv"));
    let want = truth["points"].as_array().expect("points");
    assert_eq!(rows.len(), want.len(), "markers only: no caps, no legend samples");
    let span = Span::from_truth(&truth["spans"]["0"]["x"]);
    let spans = (&span, &Span::from_truth(&truth["spans"]["0"]["y"]));
    let mut used = vec![false; rows.len()];
    let got: Vec<&HashMap<String, String>> = rows.iter().collect();
    for w in want {
        let (k, d) = take_nearest(&got, &mut used, w, spans, Span::frac_err).expect("a point left");
        assert!(d <= 1e-6, "point {w} recovered {d:.2e} of the span away");
        let series = w["series"].as_str().expect("series").replace(' ', "");
        assert_eq!(got[k]["series"].replace(' ', ""), series, "point {w}");
        assert!(!got[k]["y_lo"].is_empty() && !got[k]["y_hi"].is_empty(), "error bar read: {:?}", got[k]);
    }
}

/// Date axes (issue 14): tick labels that are whole dates ("2019-04", "Jan 2019", "2019-02-10")
/// give a time axis in milliseconds since the Unix epoch, UTC, with the format in figure.json.
#[test]
fn issue14_whole_date_labels_are_a_time_axis_in_epoch_milliseconds() {
    let Some(dir) = matplotlib_fixtures() else { return };
    for (name, format) in
        [("mpl_dates_iso_month", "%Y-%m"), ("mpl_dates_month_year", "%b %Y"), ("mpl_dates_iso_day", "%Y-%m-%d")]
    {
        check_figure(&dir, name);
        let fig: serde_json::Value = serde_json::from_slice(
            &std::fs::read(dir.join("out").join(name).join("figure.json")).expect("figure.json"),
        )
        .expect("json");
        assert_eq!(fig["panels"][0]["x"]["time"]["format"], format, "{name}");
    }
}

/// A band (issue 14): matplotlib's `fill_between` outline becomes its two envelopes, rows with
/// `mark` band_lower and band_upper in x order, each vertex where it was drawn; the line over it
/// stays a line series and the legend's patch is not a band.
#[test]
fn issue14_matplotlib_fill_between_is_a_band_of_two_envelopes() {
    let Some(dir) = matplotlib_fixtures() else { return };
    assert_eq!(check_bands(&dir, "mpl_band", 1e-6), 50);
}

/// Direct labels (issue 14): lines without a legend named by the text just past their last
/// vertex; two lines ending at one point with two labels there stay unnamed (never a guess).
#[test]
fn issue14_direct_labels_at_line_ends_name_their_lines() {
    let Some(dir) = matplotlib_fixtures() else { return };
    let out = dir.join("out-direct");
    let svg = dir.join("mpl_direct_labels.svg");
    let o = figdig().arg("extract").arg(&svg).arg("--out").arg(&out).arg("--no-audit").output().expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = crate::common::read_all_rows(&out.join("mpl_direct_labels").join("points.csv"));
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("mpl_direct_labels.json")).expect("truth")).expect("json");
    for l in truth["lines"].as_array().expect("lines") {
        let name = l["name"].as_str().expect("name");
        let got: Vec<_> = rows.iter().filter(|r| r["mark"] == "vertex" && r["series"] == name).collect();
        assert_eq!(got.len(), 10, "{name}: {got:?}");
        for (r, y) in got.iter().zip(l["y"].as_array().expect("y")) {
            let g: f64 = r["y"].parse().expect("y");
            assert!((g - y.as_f64().expect("y")).abs() < 1e-5, "{name}: {g} vs {y}");
        }
    }
    let unnamed = rows.iter().filter(|r| r["mark"] == "vertex" && r["series"].is_empty()).count();
    assert_eq!(unnamed, 20, "the two lines ending together stay unnamed");
}

/// Curves drawn into a PDF by matplotlib's PDF backend (issue 14), read with `--page 1` (MuPDF)
/// and through `pdftocairo -svg` with a profile: two curves of one style crossing twice stay two
/// lines, each vertex in its drawing order; a dense curve keeps all 10,000 vertices.
#[test]
fn issue14_pdf_curves_of_one_style_crossing_and_a_dense_curve_through_mupdf_and_cairo() {
    let Some(dir) = matplotlib_fixtures() else { return };
    let cairo = have("pdftocairo", "poppler-utils");
    for (name, vertices) in [("mpl_pdf_crossing", 80), ("mpl_pdf_dense", 10_000)] {
        // MuPDF writes coordinates to 6 significant digits: 5e-4 units of a 300-unit frame.
        assert_eq!(check_lines(&dir, &format!("{name}.pdf"), name, 2e-6), vertices, "{name} through MuPDF");
        if !cairo {
            continue;
        }
        let svg = dir.join(format!("{name}_cairo.svg"));
        let o = Command::new("pdftocairo").arg("-svg").arg(dir.join(format!("{name}.pdf"))).arg(&svg).output();
        let o = o.expect("pdftocairo");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        // Cairo keeps coordinates in 24.8 fixed point (a step of 1/256 unit on a 194-unit frame)
        // and merges consecutive collinear segments: on the dense curve it drops 9 vertices.
        let got = check_lines_merged_collinear(&dir, &format!("{name}_cairo.svg"), name, 2e-5);
        assert_eq!(got, vertices, "{name} through Cairo");
    }
}

/// matplotlib (issue 14): symmetric error bars on both axes with caps, every whisker end the
/// marker's interval; lines on log-log axes named by their legend, every vertex through both log
/// scales.
#[test]
fn issue14_matplotlib_symmetric_error_bar_ends_and_lines_on_log_axes() {
    let Some(dir) = matplotlib_fixtures() else { return };
    assert_eq!(check_error_bars(&dir, "mpl_errorbars_path.svg", "mpl_errorbars_path", 1e-6), 28);
    assert_eq!(check_lines(&dir, "mpl_lines_log.svg", "mpl_lines_log", 1e-6), 30);
}
