//! Real producers beyond matplotlib: gnuplot (`set terminal svg`), Vega-Lite (npm's `vega-cli`)
//! and ggplot2 through svglite figures rendered from known data are recovered.
//!
//! Each producer's generator in `tests/producers/` writes every figure's SVG beside a JSON file of
//! the true values and the axis limits it set explicitly. Every marker must be found (exact count
//! per panel, no legend swatches), each value within the producer's coordinate rounding converted
//! to data units and never more than 1e-4 of its axis span (1e-4 decades on a log axis), its
//! series label exact where the figure has a legend, and its colour-scale value
//! within half a colour bin (for most points) where the figure has a colour bar, or within
//! [`COLOUR_TOL`] of the domain where the bar is a gradient sampling the scale.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::common::{
    DecodedValue, Span, ValueTally, assert_certificates, check_bands, check_error_bars, check_lines, ci, figdig,
    read_csv, take_nearest, tempdir,
};

/// Largest error allowed: a fraction of a linear axis's span, or decades on a log axis.
const TOL: f64 = 1e-4;

/// Coordinate rounding each producer applies, in SVG units: gnuplot and svglite write two
/// decimals. Every recovered point must lie within one such step of the truth (half a step for
/// the marker, the rest for the rounded ticks that calibrate the axis), converted to data units
/// through its panel's size.
const GNUPLOT_ROUNDING: f64 = 0.01;
const SVGLITE_ROUNDING: f64 = 0.01;
/// Vega writes coordinates at full precision (errors near 1e-13 units); a micro-unit bound.
const VEGA_ROUNDING: f64 = 1e-6;

/// Largest error of a colour-decoded value, as a fraction of the colour domain, for a continuous
/// gradient legend. Vega-Lite draws the legend as a `linearGradient` of 21 stops sampling the scale
/// at every 1/20 of the domain, and fills each mark with the scale's own colour at its value,
/// rounded to 8 bits. Between stops the gradient is a straight chord of the scale's colour curve,
/// up to about one 8-bit step off it, so a mark's colour can lie a step or two along the gradient
/// from its value: with viridis one step of its fastest-changing channel is at most 1/220 of the
/// domain (0.45%), and 2000 random values decode within 0.58%. 1% leaves two steps' room and is
/// still a tenth of the stop spacing. A mark whose value sits on a stop has exactly the stop's
/// colour, and must decode within half its bin (`value_halfwidth`).
const COLOUR_TOL: f64 = 0.01;

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

/// A producer's figures, generated once per test run into `cell` by `script` when `available`
/// (else skipped with `missing`, which says what to install).
fn fixtures(
    cell: &'static OnceLock<Option<PathBuf>>,
    available: impl FnOnce() -> bool,
    missing: &str,
    script: &str,
    tag: &str,
) -> Option<&'static Path> {
    cell.get_or_init(|| if available() { generate(script, tag) } else { skip(missing) }).as_deref()
}

/// Whether `program ARGS` runs and exits successfully.
fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program).args(args).output().is_ok_and(|o| o.status.success())
}

/// gnuplot figures; `None` when gnuplot is missing outside CI.
fn gnuplot_fixtures() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    let available = || Command::new("gnuplot").arg("--version").output().is_ok();
    fixtures(
        &DIR,
        available,
        "gnuplot is not installed (Debian package gnuplot-nox)",
        "gnuplot_figs.py",
        "gnuplot-fixtures",
    )
}

/// Vega-Lite figures, made with `vl2svg` from the npm packages installed in
/// `tests/producers/node` (`npm ci --ignore-scripts` there).
fn vega_fixtures() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    let available = || {
        manifest().join("tests/producers/node/node_modules/.bin/vl2svg").exists()
            && Command::new("node").arg("--version").output().is_ok()
    };
    let missing = "vl2svg is not installed (npm packages vega, vega-lite, vega-cli: \
                   cd tests/producers/node && npm ci --ignore-scripts; needs node)";
    fixtures(&DIR, available, missing, "vega_figs.py", "vega-fixtures")
}

/// Curves drawn by PyMuPDF into a matplotlib PDF.
fn pymupdf_fixtures() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    let available = || runs("python3", &["-c", "import pymupdf, matplotlib"]);
    let missing = "PyMuPDF or matplotlib is not installed (python3 -m pip install pymupdf matplotlib)";
    fixtures(&DIR, available, missing, "pymupdf_figs.py", "pymupdf-fixtures")
}

/// ggplot2 figures written by svglite, through `Rscript`.
fn ggplot_fixtures() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    let available = || runs("Rscript", &["-e", "library(ggplot2); library(svglite)"]);
    let missing = "R's ggplot2 or svglite is not installed (Debian packages r-cran-ggplot2 r-cran-svglite)";
    fixtures(&DIR, available, missing, "ggplot_figs.py", "ggplot-fixtures")
}

/// Extract `DIR/NAME.svg` and compare every marker with `DIR/NAME.json`; every disagreement is
/// collected, so one failure reports the whole figure.
fn check_figure(dir: &Path, name: &str, rounding: f64) {
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
    let colour = truth.get("colour").map(Span::from_truth);
    let fig: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join(name).join("figure.json")).expect("figure.json")).expect("json");
    let mut problems = Vec::new();
    // Worst position error (span fractions or decades), and the colour values' tallies.
    let (mut worst, mut worst_value, mut with_value, mut within_half_bin) = (0.0f64, 0.0f64, 0, 0);
    let mut worst_units = 0.0f64;
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
        // The panel's size in SVG units, to express errors in the producer's coordinate units.
        let b = &fig["panels"][panel.parse::<usize>().expect("panel index")]["box"];
        let size = |lo: &str, hi: &str| (b[hi].as_f64().unwrap_or(f64::NAN) - b[lo].as_f64().unwrap_or(f64::NAN)).abs();
        let (width, height) = (size("x0", "x1"), size("y0", "y1"));
        let mut used = vec![false; got.len()];
        let mut values = ValueTally::default();
        for w in &want {
            let (tx, ty) = (w["x"].as_f64().expect("x"), w["y"].as_f64().expect("y"));
            let Some((k, d)) = take_nearest(&got, &mut used, w, (&sx, &sy), Span::err) else { break };
            worst = worst.max(d);
            let units = |col: &str, sp: &Span, want: f64, extent: f64| {
                got[k][col].parse::<f64>().map_or(f64::INFINITY, |v| sp.frac_err(v, want) * extent)
            };
            let in_units = units("x", &sx, tx, width).max(units("y", &sy, ty, height));
            worst_units = worst_units.max(in_units);
            if in_units > rounding {
                problems.push(format!(
                    "panel {panel}: point ({tx}, {ty}) recovered ({}, {}) is {in_units:.2e} SVG units off, more than the producer's rounding {rounding}",
                    got[k]["x"], got[k]["y"]
                ));
            }
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
            let Some(v) = w.get("value").and_then(|v| v.as_f64()) else { continue };
            let dv = DecodedValue::read(got[k], v);
            with_value += 1;
            within_half_bin += usize::from(dv.within_half_bin());
            match colour.as_ref() {
                // A gradient legend that samples the scale (Vega-Lite): see COLOUR_TOL.
                Some(c) => {
                    let e = c.err(dv.got, v);
                    worst_value = worst_value.max(e);
                    let on_stop = w.get("on_stop").and_then(|s| s.as_bool()).unwrap_or(false);
                    if e.is_nan() || e > COLOUR_TOL {
                        problems.push(format!(
                            "panel {panel}: point ({tx}, {ty}) value {}, want {v} ({e:.2e} of the colour domain)",
                            dv.got
                        ));
                    } else if on_stop && !dv.within_half_bin() {
                        problems.push(format!(
                            "panel {panel}: point ({tx}, {ty}) on a gradient stop: value {}, want {v} within half its bin ({})",
                            dv.got, dv.halfwidth
                        ));
                    }
                }
                // A colour bar drawn as the map's own colours: within the decoded half-width.
                None => {
                    if d <= TOL
                        && let Err(e) = values.check(w, got[k])
                    {
                        problems.push(format!("panel {panel}: {e}"));
                    }
                }
            }
        }
        if let Err(e) = values.verdict() {
            problems.push(format!("panel {panel}: {e}"));
        }
    }
    eprintln!(
        "{name}: {} markers, worst error {worst:.2e} of a span (decades on log axes), {worst_units:.2e} SVG units",
        rows.len()
    );
    if with_value > 0 {
        eprintln!(
            "{name}: {with_value} colour values, {within_half_bin} within half a bin, worst {worst_value:.2e} of the colour domain"
        );
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
    check_figure(dir, "gp_linear", GNUPLOT_ROUNDING);
}

/// gnuplot's Cairo terminals (pdfcairo, cairolatex) through a PDF and MuPDF's SVG: up and down
/// triangles sit on their point 2/5 of their height from the base, not at their box centre
/// (the corpus's acc_ortho came back 0.45 % of its span off before), squares at their centre.
#[test]
fn issue13_gnuplot_cairo_triangles_through_pdf() {
    let Some(dir) = gnuplot_fixtures() else { return };
    check_figure(dir, "gp_cairo_pdf", GNUPLOT_ROUNDING);
}

/// Series labels of a one-row boxed key with TeX-style scripts (issue 13, as on cairolatex
/// papers' figures): each label is left of its sample, so the text right of a sample is the next
/// entry's; a stacked pair of scripts (smaller runs lowered and raised where the base ends) is
/// written `_Σ^R` and the label goes on after it ("ρ_Σ^R[dR]"), through pdfcairo and MuPDF.
#[test]
fn issue13_one_row_key_labels_left_of_samples_with_stacked_scripts() {
    let Some(dir) = gnuplot_fixtures() else { return };
    check_figure(dir, "gp_key_row_scripts", GNUPLOT_ROUNDING);
}

#[test]
fn gnuplot_log_axes_with_key() {
    let Some(dir) = gnuplot_fixtures() else { return };
    check_figure(dir, "gp_log", GNUPLOT_ROUNDING);
}

/// Shared y (the right panel's labels blanked), a "×10^4" multiplier label, three point types in
/// a boxed key, a log x axis, and a continuous palette with its colour box.
#[test]
fn gnuplot_shared_y_multiplier_label_and_palette_colour_box() {
    let Some(dir) = gnuplot_fixtures() else { return };
    check_figure(dir, "gp_shared_colour", GNUPLOT_ROUNDING);
}

/// Log labels written "1e-03" (C's `%.0e`) and "1×10^{3}" (gnuplot's `%.0t×10^{%T}`).
#[test]
fn gnuplot_log_labels_in_exponent_and_power_notation() {
    let Some(dir) = gnuplot_fixtures() else { return };
    check_figure(dir, "gp_log_exponent_labels", GNUPLOT_ROUNDING);
}

/// Points on error bars (drawn twice, first in white) and x-y error bars with caps: one marker
/// per point, none for caps or bars, and the key's samples left out.
#[test]
fn gnuplot_error_bars_and_their_caps_are_not_markers() {
    let Some(dir) = gnuplot_fixtures() else { return };
    check_figure(dir, "gp_errorbars", GNUPLOT_ROUNDING);
}

#[test]
fn gnuplot_multiplot_two_panels() {
    let Some(dir) = gnuplot_fixtures() else { return };
    check_figure(dir, "gp_multiplot", GNUPLOT_ROUNDING);
}

#[test]
fn vega_lite_linear_scatter_with_colour_and_shape_legend() {
    let Some(dir) = vega_fixtures() else { return };
    check_figure(dir, "vl_linear", VEGA_ROUNDING);
    // The same figure compiled to a Vega spec and drawn by Vega's own `vg2svg`.
    check_figure(dir, "vg_linear", VEGA_ROUNDING);
}

#[test]
fn vega_lite_log_log_scatter_with_colour_legend() {
    let Some(dir) = vega_fixtures() else { return };
    check_figure(dir, "vl_log", VEGA_ROUNDING);
}

#[test]
fn vega_lite_hconcat_two_panels_linear_and_log() {
    let Some(dir) = vega_fixtures() else { return };
    check_figure(dir, "vl_concat", VEGA_ROUNDING);
}

/// A quantitative colour scale: the gradient legend (a `linearGradient`-filled rect inside an
/// invisible legend frame, its end labels flush with the ramp's ends) is a colour bar, and every
/// marker's value is decoded from it. The log x axis has Vega's overlap-hidden (opacity 0) labels,
/// a flush first label wider than a decade, and tick marks rounded to whole pixels.
#[test]
fn vega_lite_quantitative_colour_scale_from_the_gradient_legend() {
    let Some(dir) = vega_fixtures() else { return };
    // Also without a drawn plot frame: the plot's undrawn background rectangle frames it, the
    // legend's undrawn box around the ramp does not.
    for name in ["vl_colour", "vl_colour_unframed"] {
        check_figure(dir, name, VEGA_ROUNDING);
        let fig = figure_json(dir, name);
        check_one_gradient_bar(&fig);
    }
}

fn check_one_gradient_bar(fig: &serde_json::Value) {
    let bars = fig["colour_bars"].as_array().expect("colour_bars");
    assert_eq!(bars.len(), 1, "one colour bar: {bars:?}");
    assert_eq!(bars[0]["source"], "gradient");
    let range: Vec<f64> = bars[0]["range"].as_array().expect("range").iter().filter_map(|v| v.as_f64()).collect();
    assert!(
        range.len() == 2 && (range[0] - 4.0).abs() < 1e-9 && (range[1] - 2.0).abs() < 1e-9,
        "the ramp's ends (top, bottom) are the domain's: {range:?}"
    );
    assert_eq!(bars[0]["encodes_panels"], serde_json::json!([0]));
}

/// Facet columns sharing one y axis that only the left panel labels: the inner panels take the
/// left one's map (recorded as shared), and the multiplier "×10⁴" written above the top-left of
/// the left frame scales the labels (0..5, drawn with `labelExpr: datum.value / 1e4`).
#[test]
fn vega_lite_facet_shared_y_axis_with_multiplier_label() {
    let Some(dir) = vega_fixtures() else { return };
    check_figure(dir, "vl_facet_offset", VEGA_ROUNDING);
    let fig = figure_json(dir, "vl_facet_offset");
    let panels = fig["panels"].as_array().expect("panels");
    assert_eq!(panels.len(), 3);
    let y = |p: usize, key: &str| panels[p]["y"][key].clone();
    assert_eq!(y(0, "method"), "anchored");
    let notes = y(0, "anchors").to_string();
    assert!(notes.contains("multiplier '×10⁴'"), "panel 0 y anchors: {notes}");
    for p in [1, 2] {
        let m = y(p, "method");
        assert!(m.as_str().is_some_and(|m| m.starts_with("shared from panel 0")), "panel {p} y method: {m}");
        // Each panel's x axis is its own.
        assert_eq!(panels[p]["x"]["method"], "anchored", "panel {p} x");
    }
}

/// Every gnuplot, Vega-Lite and ggplot2 figure, extracted as one batch per producer with the
/// audit, passes its certificate and warns about nothing.
#[test]
fn every_producer_figure_passes_its_audit_certificate_without_warnings() {
    for (dir, tag) in
        [(gnuplot_fixtures(), "gnuplot-audit"), (vega_fixtures(), "vega-audit"), (ggplot_fixtures(), "ggplot-audit")]
    {
        if let Some(dir) = dir {
            assert_certificates(dir, tag);
        }
    }
}

/// Vega writes every mark's data into its `aria-label`; data must come from the drawing only. The
/// same figure with every aria-label changed to other numbers and `<title>`, `<desc>` and
/// `<metadata>` holding numbers beside each of those elements and at the root gives the same points.
#[test]
fn vega_lite_data_never_come_from_aria_labels_titles_or_descriptions() {
    let Some(dir) = vega_fixtures() else { return };
    for name in ["vl_colour", "vl_linear"] {
        let svg = std::fs::read_to_string(dir.join(format!("{name}.svg"))).expect("svg");
        assert!(svg.contains("aria-label=\""), "{name}: the fixture carries aria-labels");
        let decoy = decoy_metadata(&svg);
        let decoy_name = format!("{name}_decoy");
        // Written apart from the shared fixtures, which other tests read as a batch.
        let work = tempdir("vega-decoy");
        std::fs::write(work.join(format!("{decoy_name}.svg")), &decoy).expect("write decoy");
        let run = |dir: &Path, stem: &str| {
            let out = work.join(format!("out-{stem}"));
            let o = figdig()
                .arg("extract")
                .arg(dir.join(format!("{stem}.svg")))
                .arg("--out")
                .arg(&out)
                .arg("--no-audit")
                .output()
                .expect("run figdig");
            assert!(o.status.success(), "{stem}: {}", String::from_utf8_lossy(&o.stderr));
            read_csv(&out.join(stem).join("points.csv"))
        };
        let (a, b) = (run(dir, name), run(&work, &decoy_name));
        assert!(!a.is_empty(), "{name}: points");
        assert_eq!(a, b, "{name}: the decoy metadata changed the extracted points");
    }
}

/// `figure.json` of a figure that `check_figure` extracted.
fn figure_json(dir: &Path, name: &str) -> serde_json::Value {
    let path = dir.join(format!("out-{name}")).join(name).join("figure.json");
    serde_json::from_slice(&std::fs::read(&path).expect("figure.json")).expect("figure json")
}

/// The SVG with every `aria-label` rewritten to other numbers, and a `<title>` and `<desc>` with
/// numbers before each element that had one and at the top of the root.
fn decoy_metadata(svg: &str) -> String {
    const ATTR: &str = "aria-label=\"";
    let mut out = String::with_capacity(2 * svg.len());
    let mut rest = svg;
    while let Some(i) = rest.find(ATTR) {
        let head = &rest[..i];
        let lt = head.rfind('<').expect("element start");
        out.push_str(&head[..lt]);
        out.push_str("<title>x: 12345; y: -6789; loss: 42</title><desc>1e9 2.5 3.75</desc>");
        out.push_str(&head[lt..]);
        out.push_str(ATTR);
        out.push_str("x: 999; y: -999; loss: 77; 1e12");
        let after = &rest[i + ATTR.len()..];
        rest = &after[after.find('"').expect("closing quote")..];
    }
    out.push_str(rest);
    let root = out.find("<svg").expect("root");
    let open = root + out[root..].find('>').expect("root tag end") + 1;
    out.insert_str(open, "<title>0.5</title><desc>7 8 9</desc><metadata>3</metadata>");
    out
}

#[test]
fn ggplot2_svglite_facets_with_colour_legend() {
    let Some(dir) = ggplot_fixtures() else { return };
    check_figure(dir, "gg_facets", SVGLITE_ROUNDING);
}

#[test]
fn ggplot2_svglite_log_y_and_shapes() {
    let Some(dir) = ggplot_fixtures() else { return };
    check_figure(dir, "gg_log", SVGLITE_ROUNDING);
}

/// R's base graphics through svglite: y labels turned along the axis, open symbols styled by the
/// document's CSS sheet (`fill: none`), a boxed legend over the data area, series by colour and shape.
#[test]
fn r_base_graphics_turned_labels_css_styled_symbols_and_legend() {
    let Some(dir) = ggplot_fixtures() else { return };
    check_figure(dir, "r_base_linear", SVGLITE_ROUNDING);
    check_figure(dir, "r_base_log", SVGLITE_ROUNDING);
}

/// geom_errorbar under geom_point: bars and caps are line segments, not markers.
#[test]
fn ggplot2_svglite_error_bars_and_caps_are_not_markers() {
    let Some(dir) = ggplot_fixtures() else { return };
    check_figure(dir, "gg_errorbars", SVGLITE_ROUNDING);
}

/// A continuous colour scale drawn as an embedded PNG colour bar (values decoded per marker), a
/// "×10^4" multiplier above the panel's top-left corner applied to the y tick labels, and
/// thousands separators ("1,000") on x.
#[test]
fn ggplot2_svglite_raster_colour_bar_multiplier_label_and_comma_ticks() {
    let Some(dir) = ggplot_fixtures() else { return };
    check_figure(dir, "gg_colour", SVGLITE_ROUNDING);
}

/// Log-log axes labelled 10^k with superscripts (a symbol-font minus in the negative exponents)
/// and a colour bar drawn as vector rectangles without a frame.
#[test]
fn ggplot2_svglite_log_log_power_labels_and_vector_colour_bar() {
    let Some(dir) = ggplot_fixtures() else { return };
    check_figure(dir, "gg_loglog", SVGLITE_ROUNDING);
}

/// Vega-Lite size legends (issue 13): a quantitative `size` field is read from the symbol legend
/// of graded areas, including the largest bubbles (wider than a usual marker) and sizes drawn
/// once; and where one field drives size and stroke colour, the merged legend (each symbol its
/// own colour) still decodes every hollow, translucent marker by its size.
#[test]
fn issue13_vega_lite_size_legend_and_merged_size_colour_legend() {
    let Some(dir) = vega_fixtures() else { return };
    for name in ["vl_size", "vl_size_colour"] {
        check_figure(dir, name, VEGA_ROUNDING);
        let fig = figure_json(dir, name);
        let z = &fig["size_legend"];
        assert_eq!(z["law"], "area", "{name}: Vega-Lite maps size to area: {z}");
        let warnings = fig["warnings"].as_array().map_or(0, |w| w.len());
        assert_eq!(warnings, 0, "{name}: the legend's rows are not plot frames: {}", fig["warnings"]);
    }
    assert!(figure_json(dir, "vl_size_colour")["size_legend"]["colour"].is_null(), "merged legend: any colour");
}

/// ggplot2 size legends (issue 13): `scale_size_area` (area proportional to the value; svglite's
/// radius adds a constant stroke allowance, so the radius is affine in the value's square root)
/// and `scale_radius` decode every point within its stated half-width; the default `scale_size`
/// from a lower limit of 2 fits none of the laws within rounding, so its values are left empty
/// with a warning, and no point of a size drawn once is dropped.
#[test]
fn issue13_ggplot2_size_legends_decode_or_refuse() {
    let Some(dir) = ggplot_fixtures() else { return };
    for (name, law) in [("gg_size_area", "sqrt_radius"), ("gg_size_radius", "radius")] {
        check_figure(dir, name, SVGLITE_ROUNDING);
        assert_eq!(figure_json(dir, name)["size_legend"]["law"], law, "{name}");
    }
    let out = tempdir("gg-size-refused");
    let svg = dir.join("gg_size_refused.svg");
    let o = figdig().arg("extract").arg(&svg).arg("--out").arg(&out).arg("--no-audit").output().expect("run figdig");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = read_csv(&out.join("gg_size_refused").join("points.csv"));
    assert_eq!(rows.len(), 20, "every point kept");
    assert!(rows.iter().all(|r| r["value"].is_empty()), "no value from a law that does not fit");
    let fig: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("gg_size_refused/figure.json")).expect("read")).expect("json");
    assert!(fig["size_legend"]["refused"].as_str().is_some_and(|s| s.contains("fits none")), "{}", fig["size_legend"]);
}

/// A Vega-Lite temporal axis (issue 14) in Vega's multi-scale format: years at January and
/// month names between ("2019", "April", "July"). The years read as instants, every month label
/// checked against the start of its month, and the rounded tick marks give way to the centred
/// labels: every point within a micro-unit.
#[test]
fn issue14_vega_lite_temporal_axis_of_years_and_month_names() {
    let Some(dir) = vega_fixtures() else { return };
    check_figure(dir, "vl_temporal", VEGA_ROUNDING);
    let fig = figure_json(dir, "vl_temporal");
    assert_eq!(fig["panels"][0]["x"]["time"]["format"], "%Y|%B");
}

/// Bands (issue 14) from ggplot2's `geom_ribbon` (svglite polygon, upper envelope first) and a
/// Vega-Lite `area` with `y2`: two envelopes each, every vertex where it was drawn.
#[test]
fn issue14_ggplot2_ribbon_and_vega_lite_area_are_bands() {
    if let Some(dir) = ggplot_fixtures() {
        assert_eq!(check_bands(dir, "gg_ribbon", 1e-4), 42);
    }
    if let Some(dir) = vega_fixtures() {
        // Vega writes an area's path to 3 decimals: 5e-4 units of a 200-unit axis is 2.5e-6.
        assert_eq!(check_bands(dir, "vl_band", 5e-6), 42);
    }
}

/// gnuplot `with lines` (issue 14), as its SVG terminal draws it and through pdfcairo and MuPDF:
/// the key has no box and its line samples (the first piece of each line's own path in the SVG)
/// name the lines and are not data; every vertex where it was drawn.
#[test]
fn issue14_gnuplot_lines_named_by_an_unboxed_key() {
    let Some(dir) = gnuplot_fixtures() else { return };
    // gnuplot's SVG writes 2 decimals on a 570-unit frame: 1e-5 of the span.
    assert_eq!(check_lines(dir, "gp_lines.svg", "gp_lines", 2e-5), 42);
    assert_eq!(check_lines(dir, "gp_lines_pdf.svg", "gp_lines_pdf", 2e-5), 42);
}

/// ggplot2 through svglite (issue 14): `geom_line` in two facets, each line named by the colour
/// legend (whose key lines are not data) in its own panel; lines named by `geom_text` labels at
/// their ends (no legend); and `geom_errorbar`'s whisker ends as the markers' intervals.
#[test]
fn issue14_ggplot2_lines_in_facets_direct_labels_and_error_bar_ends() {
    let Some(dir) = ggplot_fixtures() else { return };
    // svglite writes 2 decimals: a step of 0.01 units (half for the vertex, half for the ticks
    // that calibrate the axis) on facets of 230 units or more is under 5e-5 of the span.
    assert_eq!(check_lines(dir, "gg_lines.svg", "gg_lines", 5e-5), 40);
    assert_eq!(check_lines(dir, "gg_direct_labels.svg", "gg_direct_labels", 5e-5), 27);
    assert_eq!(check_error_bars(dir, "gg_errorbars.svg", "gg_errorbars", 5e-5), 24);
}

/// Vega-Lite (issue 14): a line mark with `point: true` gives both its markers and its vertices,
/// named by the colour legend; an `errorbar` mark with ticks gives each point's interval, its caps
/// not markers.
#[test]
fn issue14_vega_lite_line_with_points_and_error_bars() {
    let Some(dir) = vega_fixtures() else { return };
    check_figure(dir, "vl_line_points", VEGA_ROUNDING);
    // Vega writes a line's path to 3 decimals: 5e-4 units of a 200-unit axis is 2.5e-6.
    assert_eq!(check_lines(dir, "vl_line_points.svg", "vl_line_points", 5e-6), 20);
    check_figure(dir, "vl_errorbar", VEGA_ROUNDING);
    assert_eq!(check_error_bars(dir, "vl_errorbar.svg", "vl_errorbar", 1e-6), 16);
}

/// gnuplot `with yerrorbars` and `with xyerrorbars` (issue 14): every whisker end of both kinds is
/// its marker's interval, on x too.
#[test]
fn issue14_gnuplot_error_bar_ends_on_both_axes() {
    let Some(dir) = gnuplot_fixtures() else { return };
    // 2 decimals on a 570-unit frame: 1e-5 of the span, twice for the ticks' rounding.
    assert_eq!(check_error_bars(dir, "gp_errorbars.svg", "gp_errorbars", 2e-5), 32);
}

/// Several curves of one style in one path (issue 14): PyMuPDF strokes every polyline of a
/// `Shape` at once, so two black curves that cross twice are one path of two pieces, as is a red
/// line broken by a gap. Read with `--page 1` through MuPDF: the crossing pieces overlap along x,
/// so they are two lines; the red pieces lie side by side, so they stay one line of two pieces.
#[test]
fn issue14_curves_of_one_style_in_one_path_are_separated_by_continuity() {
    let Some(dir) = pymupdf_fixtures() else { return };
    // MuPDF writes 6 significant digits: under 1e-3 units of a 194-unit frame.
    assert_eq!(check_lines(dir, "pymupdf_same_style.pdf", "pymupdf_same_style", 1e-5), 84);
}
