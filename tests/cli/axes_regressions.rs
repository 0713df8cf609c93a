//! Axis-reading (issue 12) and line-series (issue 14) regressions, each on a small figure this test draws itself: a frame,
//! tick marks with their labels placed by a known transform, and markers at known values. Each
//! test names the convention it pins.

use std::path::PathBuf;

use crate::common::{figdig, read_csv, tempdir};
use crate::invariance::variants;

/// One axis: tick (value, label) pairs and the transform that places values linearly.
struct AxisSpec {
    ticks: Vec<(f64, String)>,
    t: fn(f64) -> f64,
}

impl AxisSpec {
    fn linear(ticks: &[f64]) -> AxisSpec {
        AxisSpec { ticks: ticks.iter().map(|v| (*v, format!("{v}"))).collect(), t: |v| v }
    }
    /// Position of a value between `lo` and `hi` (SVG units), the first and last tick at the ends.
    fn pos(&self, v: f64, lo: f64, hi: f64) -> f64 {
        let (a, b) = ((self.t)(self.ticks[0].0), (self.t)(self.ticks[self.ticks.len() - 1].0));
        lo + ((self.t)(v) - a) / (b - a) * (hi - lo)
    }
}

const X0: f64 = 60.0;
const X1: f64 = 460.0;
const Y0: f64 = 20.0;
const Y1: f64 = 320.0;

/// A figure with a frame, tick marks and labels for both axes, and circles at `points`.
fn figure(x: &AxisSpec, y: &AxisSpec, points: &[(f64, f64)], extra: &str) -> String {
    let mut s = String::from(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"500\" height=\"360\" viewBox=\"0 0 500 360\">\n\
         <rect x=\"60\" y=\"20\" width=\"400\" height=\"300\" fill=\"none\" stroke=\"#000\"/>\n",
    );
    for (v, l) in &x.ticks {
        let p = x.pos(*v, X0 + 10.0, X1 - 10.0);
        s += &format!("<path d=\"M{p} {Y1} L{p} {}\" stroke=\"#000\"/>\n", Y1 + 4.0);
        s += &format!("<text x=\"{p}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{l}</text>\n", Y1 + 15.0);
    }
    for (v, l) in &y.ticks {
        let p = y.pos(*v, Y1 - 10.0, Y0 + 10.0);
        s += &format!("<path d=\"M{X0} {p} L{} {p}\" stroke=\"#000\"/>\n", X0 - 4.0);
        s += &format!("<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\">{l}</text>\n", X0 - 6.0, p + 3.5);
    }
    for (px, py) in points {
        let (cx, cy) = (x.pos(*px, X0 + 10.0, X1 - 10.0), y.pos(*py, Y1 - 10.0, Y0 + 10.0));
        s += &format!("<circle cx=\"{cx}\" cy=\"{cy}\" r=\"3\" fill=\"#1f77b4\"/>\n");
    }
    s + extra + "</svg>\n"
}

/// Exit code, stderr, and points as (x, y) with None for empty values.
type Run = (i32, String, Vec<(Option<f64>, Option<f64>)>);

/// Extract one figure.
fn extract(svg: &str, name: &str) -> Run {
    let dir = tempdir(name);
    let path = dir.join(format!("{name}.svg"));
    std::fs::write(&path, svg).expect("write");
    let out =
        figdig().arg("extract").arg(&path).arg("--out").arg(dir.join("out")).arg("--no-audit").output().expect("run");
    let csv = dir.join("out").join(name).join("points.csv");
    let pts = if csv.exists() {
        read_csv(&csv).iter().map(|r| (r["x"].parse().ok(), r["y"].parse().ok())).collect()
    } else {
        Vec::new()
    };
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned(), pts)
}

/// Every truth point is found within `tol` (relative to each value's magnitude, or absolute
/// below 1), and nothing else.
fn assert_points(got: &[(Option<f64>, Option<f64>)], want: &[(f64, f64)], tol: f64) {
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (wx, wy) in want {
        let near = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() <= tol * b.abs().max(1.0));
        assert!(got.iter().any(|(x, y)| near(*x, *wx) && near(*y, *wy)), "({wx}, {wy}) not in {got:?}");
    }
}

fn probit(p: f64) -> f64 {
    // Inverse normal CDF by bisection on erfc-based CDF: exact enough for a test oracle.
    let cdf = |z: f64| 0.5 * libm_erfc(-z / std::f64::consts::SQRT_2);
    let (mut lo, mut hi) = (-10.0, 10.0);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if cdf(mid) < p { lo = mid } else { hi = mid }
    }
    0.5 * (lo + hi)
}

/// erfc by its continued fraction / series (Numerical Recipes' erfcc form, 1.2e-7), refined:
/// the test only needs the oracle to place ticks and points consistently.
fn libm_erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.26551223
            + t * (1.00002368
                + t * (0.37409196
                    + t * (0.09678418
                        + t * (-0.18628806
                            + t * (0.27886807
                                + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
            .exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

#[test]
fn issue12_probit_axis_is_read_as_probit_not_linear() {
    let y = AxisSpec {
        ticks: [0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.98].iter().map(|v| (*v, format!("{v}"))).collect(),
        t: probit,
    };
    let x = AxisSpec::linear(&[0.0, 1.0, 2.0, 3.0, 4.0]);
    let pts = [(0.5, 0.05), (1.5, 0.2), (2.5, 0.6), (3.5, 0.95)];
    let (code, err, got) = extract(&figure(&x, &y, &pts, ""), "probit");
    assert_eq!(code, 0, "{err}");
    // The oracle's CDF is good to about 1e-7, so the figure's probit positions are too.
    assert_points(&got, &pts, 1e-4);
}

#[test]
fn issue12_sqrt_axis_is_read_as_sqrt() {
    let x = AxisSpec {
        ticks: [0.0, 25.0, 100.0, 225.0, 400.0].iter().map(|v| (*v, format!("{v}"))).collect(),
        t: f64::sqrt,
    };
    let y = AxisSpec::linear(&[0.0, 5.0, 10.0]);
    let pts = [(4.0, 1.0), (50.0, 3.0), (300.0, 9.0)];
    let (code, err, got) = extract(&figure(&x, &y, &pts, ""), "sqrt");
    assert_eq!(code, 0, "{err}");
    assert_points(&got, &pts, 1e-9);
}

#[test]
fn issue12_symlog_axis_is_refused_with_its_labels_not_read_as_linear() {
    // matplotlib's symlog (linthresh 1): linear within ±1, logarithmic beyond. No family figdig
    // reads explains these labels, so the axis must be left empty with a reason.
    let symlog = |v: f64| if v.abs() <= 1.0 { v } else { v.signum() * (1.0 + v.abs().log10()) };
    let x = AxisSpec {
        ticks: [-100.0, -10.0, -1.0, 0.0, 1.0, 10.0, 100.0].iter().map(|v| (*v, format!("{v}"))).collect(),
        t: symlog,
    };
    let y = AxisSpec::linear(&[0.0, 5.0, 10.0]);
    let (code, err, got) = extract(&figure(&x, &y, &[(-50.0, 2.0), (0.5, 4.0), (30.0, 6.0)], ""), "symlog");
    assert_eq!(code, 1, "a figure with no complete point exits 1: {err}");
    assert!(err.contains("x axis") && err.contains("not read"), "{err}");
    assert!(got.iter().all(|(x, _)| x.is_none()), "{got:?}");
}

#[test]
fn issue12_date_labels_are_refused_loudly() {
    let mut x = AxisSpec::linear(&[0.0, 1.0, 2.0, 3.0]);
    for (t, m) in x.ticks.iter_mut().zip(["Jan 2020", "Feb 2020", "Mar 2020", "Apr 2020"]) {
        t.1 = m.to_string();
    }
    let y = AxisSpec::linear(&[0.0, 5.0, 10.0]);
    // Whole dates are read as instants (issue 14); months drawn evenly spaced are not instants
    // (February is shorter), so the reading disagrees with itself and is refused, loudly.
    let (code, err, got) = extract(&figure(&x, &y, &[(0.5, 2.0), (2.5, 7.0)], ""), "dates");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("x axis") && err.contains("not read"), "{err}");
    assert!(got.iter().all(|(x, _)| x.is_none()));
}

#[test]
fn issue14_bare_year_labels_are_a_time_axis_in_epoch_milliseconds() {
    // Year ticks at 1 January, UTC, positioned linearly in time (leap years a day longer), as
    // d3, Plot, Vega and matplotlib place them; values come back as milliseconds since 1970.
    let day = 86_400_000.0;
    let jan1 = |y: i64| ((y - 1970) * 365 + (y - 1969) / 4) as f64 * day;
    let mut x = AxisSpec::linear(&[jan1(2000), jan1(2005), jan1(2010), jan1(2015)]);
    for (t, label) in x.ticks.iter_mut().zip(["2000", "2005", "2010", "2015"]) {
        t.1 = label.to_string();
    }
    let y = AxisSpec::linear(&[0.0, 5.0, 10.0]);
    let pts = [(jan1(2001) + 40.0 * day, 2.0), (jan1(2012) + 200.5 * day, 7.0)];
    let (code, err, got) = extract(&figure(&x, &y, &pts, ""), "years");
    assert_eq!(code, 0, "{err}");
    assert_points(&got, &pts, 1e-12);
}

#[test]
fn issue12_category_labels_are_refused_loudly() {
    let mut x = AxisSpec::linear(&[0.0, 1.0, 2.0]);
    for (t, m) in x.ticks.iter_mut().zip(["apple", "pear", "plum"]) {
        t.1 = m.to_string();
    }
    let y = AxisSpec::linear(&[0.0, 5.0, 10.0]);
    let (code, err, _) = extract(&figure(&x, &y, &[(0.0, 2.0), (2.0, 7.0)], ""), "categories");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("labels are not numbers") && err.contains("'apple'"), "{err}");
}

#[test]
fn issue12_secondary_axis_labels_are_never_a_multiplier() {
    // A right-hand axis in other units whose top label looks like a multiplier ("1e-01").
    let x = AxisSpec::linear(&[0.0, 1.0, 2.0, 3.0]);
    let y = AxisSpec::linear(&[0.0, 0.5, 1.0]);
    let mut right = String::new();
    for (v, l) in [(0.0, "1e-03"), (0.5, "1e-02"), (1.0, "1e-01")] {
        let p = y.pos(v, Y1 - 10.0, Y0 + 10.0);
        right += &format!("<path d=\"M{X1} {p} L{} {p}\" stroke=\"#000\"/>\n", X1 + 4.0);
        right += &format!("<text x=\"{}\" y=\"{}\" font-size=\"10\">{l}</text>\n", X1 + 6.0, p + 3.5);
    }
    let pts = [(0.5, 0.2), (2.5, 0.9)];
    let (code, err, got) = extract(&figure(&x, &y, &pts, &right), "secondary");
    assert_eq!(code, 0, "{err}");
    assert_points(&got, &pts, 1e-9);
}

#[test]
fn issue12_labels_placed_by_font_metrics_alone_are_refused() {
    // No tick marks, no grid and a frame whose ends are not round: the y offset could only come
    // from font metrics (about 0.1 em), so y is refused rather than read approximately.
    let x = AxisSpec::linear(&[0.0, 1.0, 2.0]);
    let y = AxisSpec::linear(&[1.0, 2.0, 3.0]);
    let svg = figure(&x, &y, &[(0.5, 1.5), (1.5, 2.5)], "");
    let svg: String = svg.lines().filter(|l| !l.starts_with("<path")).map(|l| format!("{l}\n")).collect();
    let (code, err, _) = extract(&svg, "metrics");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("y axis") && err.contains("font-metric estimates"), "{err}");
}

#[test]
fn issue12_twin_y_axis_gives_both_values_and_says_so() {
    // A right-hand axis in other units (matplotlib `twinx`): nothing in the figure says which
    // series it belongs to, so every point carries y on the left axis and y2 on the right.
    let x = AxisSpec::linear(&[0.0, 1.0, 2.0, 3.0]);
    let y = AxisSpec::linear(&[0.0, 0.5, 1.0]);
    let right_axis = AxisSpec::linear(&[100.0, 200.0, 300.0]);
    let mut right = String::new();
    for (v, l) in &right_axis.ticks {
        let p = right_axis.pos(*v, Y1 - 10.0, Y0 + 10.0);
        right += &format!("<path d=\"M{X1} {p} L{} {p}\" stroke=\"#000\"/>\n", X1 + 4.0);
        right += &format!("<text x=\"{}\" y=\"{}\" font-size=\"10\">{l}</text>\n", X1 + 6.0, p + 3.5);
    }
    let pts = [(0.5, 0.25), (2.5, 0.75)];
    let dir = tempdir("twin");
    let path = dir.join("twin.svg");
    std::fs::write(&path, figure(&x, &y, &pts, &right)).expect("write");
    let out = figdig().arg("extract").arg(&path).arg("--out").arg(&dir).arg("--no-audit").output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("second y axis on the right"), "{err}");
    let rows = read_csv(&dir.join("twin").join("points.csv"));
    for (wx, wy) in pts {
        let r = rows.iter().find(|r| (r["x"].parse::<f64>().unwrap() - wx).abs() < 1e-9).expect("point");
        let (y, y2): (f64, f64) = (r["y"].parse().unwrap(), r["y2"].parse().unwrap());
        assert!((y - wy).abs() < 1e-9 && (y2 - (100.0 + 200.0 * wy)).abs() < 1e-6, "{r:?}");
    }
}

/// One named transformation of the demo figure leaves its data unchanged.
fn demo_unchanged_by(kind: &str) {
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("figures/demo.svg");
    let text = std::fs::read_to_string(&demo).expect("demo");
    let (_, v) = variants(&text).into_iter().find(|(k, _)| *k == kind).expect("variant");
    let (c0, e0, a) = extract(&text, "demo");
    let (c1, e1, b) = extract(&v, &format!("demo_{kind}"));
    assert_eq!((c0, c1), (0, 0), "{e0}\n{e1}");
    assert_eq!(a.len(), b.len());
    let key = |p: &(Option<f64>, Option<f64>)| (p.0.unwrap_or(f64::NAN), p.1.unwrap_or(f64::NAN));
    let (mut a, mut b): (Vec<_>, Vec<_>) = (a.iter().map(key).collect(), b.iter().map(key).collect());
    a.sort_by(|p, q| p.partial_cmp(q).expect("numbers"));
    b.sort_by(|p, q| p.partial_cmp(q).expect("numbers"));
    for (p, q) in a.iter().zip(&b) {
        assert!((p.0 - q.0).abs() <= 1e-9 * p.0.abs() && (p.1 - q.1).abs() <= 1e-9 * p.1.abs().max(1.0), "{p:?} {q:?}");
    }
}

#[test]
fn issue12_scaled_wrapper_leaves_the_demo_data_unchanged() {
    demo_unchanged_by("wrapper0.8");
}

#[test]
fn issue12_figure_in_a_page_of_numeric_text_keeps_its_data() {
    demo_unchanged_by("page");
}

/// A facet grid as Observable Plot draws it without a frame, in columns (`fx`) or rows (`fy`):
/// each facet a group moved along the grid, the repeated axis drawn for every facet (x below each
/// column; y beside each row), the other axis once (y on the first column; x under the last row),
/// facet names beside, and axes and dots offset half a pixel for crisp strokes. The repeated
/// axis's labels in facet `k` are its tick values times `label_scale[k]` (1 for a shared scale).
/// The x tick at 0 sits on the facets' left edge and the y tick at 0 on their bottom.
fn plot_facets(facets: &[&[(f64, f64)]], rows: bool, label_scale: &[f64]) -> String {
    let (left, width, top, bottom) = if rows { (50.0, 400.0, 20.0, 100.0) } else { (50.0, 170.0, 30.0, 260.0) };
    let step = if rows { 110.0 } else { 190.0 };
    let xp = |v: f64| left + v / 10.0 * width;
    let yp = |v: f64| bottom - v / 60.0 * (bottom - top);
    let mut s = String::from(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"360\" viewBox=\"0 0 640 360\" \
         font-size=\"10\" text-anchor=\"middle\">\n",
    );
    let n = facets.len();
    for (k, pts) in facets.iter().enumerate() {
        let (dx, dy) = if rows { (0.0, k as f64 * step) } else { (k as f64 * step, 0.0) };
        s += &format!("<g aria-label=\"facet\" transform=\"translate({dx},{dy})\">\n");
        let (nx, ny) = if rows { (left + width + 12.0, yp(30.0)) } else { (xp(5.0), top - 8.0) };
        s += &format!("<text transform=\"translate({nx},{ny})\">{}</text>\n", k + 1);
        let (x_scale, y_scale) = if rows { (1.0, label_scale[k]) } else { (label_scale[k], 1.0) };
        if !rows || k == n - 1 {
            s +=
                "<g aria-label=\"x-axis tick\" fill=\"none\" stroke=\"currentColor\" transform=\"translate(0.5,0)\">\n";
            for v in [0.0, 5.0, 10.0] {
                s += &format!("<path transform=\"translate({},{bottom})\" d=\"M0,0L0,6\"/>\n", xp(v));
            }
            s += "</g>\n<g aria-label=\"x-axis tick label\" transform=\"translate(0.5,9.5)\">\n";
            for v in [0.0, 5.0, 10.0] {
                let label = v * x_scale;
                s += &format!("<text y=\"0.71em\" transform=\"translate({},{bottom})\">{label}</text>\n", xp(v));
            }
            s += "</g>\n";
        }
        if rows || k == 0 {
            s +=
                "<g aria-label=\"y-axis tick\" fill=\"none\" stroke=\"currentColor\" transform=\"translate(0,0.5)\">\n";
            for v in [0.0, 20.0, 40.0, 60.0] {
                s += &format!("<path transform=\"translate({left},{})\" d=\"M0,0L-6,0\"/>\n", yp(v));
            }
            s += "</g>\n<g aria-label=\"y-axis tick label\" text-anchor=\"end\" transform=\"translate(-8.5,0.5)\">\n";
            for v in [0.0, 20.0, 40.0, 60.0] {
                let label = v * y_scale;
                s += &format!("<text y=\"0.32em\" transform=\"translate({left},{})\">{label}</text>\n", yp(v));
            }
            s += "</g>\n";
        }
        s += "<g aria-label=\"dot\" fill=\"none\" stroke=\"currentColor\" transform=\"translate(0.5,0.5)\">\n";
        for (x, y) in pts.iter() {
            s += &format!("<circle cx=\"{}\" cy=\"{}\" r=\"3\"/>\n", xp(*x), yp(*y));
        }
        s += "</g>\n</g>\n";
    }
    s + "</svg>\n"
}

#[test]
fn issue12_frameless_panels_in_a_facet_grid() {
    // Observable Plot's default facet grid has no frame: each facet is a panel framed by its own
    // row (or column) of ticks, which splits where its labels start again, and takes the other
    // axis from the facet that carries it. Read whole, the repeated labels would disagree and the
    // axis would be refused.
    let facets: [&[(f64, f64)]; 3] = [
        &[(1.0, 10.0), (4.0, 35.0), (9.0, 50.0)],
        &[(2.0, 5.0), (6.0, 25.0), (8.0, 58.0)],
        &[(0.5, 45.0), (5.0, 30.0)],
    ];
    let want: Vec<(f64, f64)> = facets.iter().flat_map(|f| f.iter().copied()).collect();
    for (rows, name) in [(false, "facet_columns"), (true, "facet_rows")] {
        let svg = plot_facets(&facets, rows, &[1.0, 1.0, 1.0]);
        let (code, err, got) = extract(&svg, name);
        assert_eq!(code, 0, "{name}: {err}");
        assert!(err.contains("3 data panel(s)") && err.contains("panel 2: 2"), "{name}: {err}");
        assert_points(&got, &want, 1e-9);
        // The same grid scaled inside a wrapper group reads the same.
        let (_, scaled) = variants(&svg).into_iter().find(|(k, _)| *k == "wrapper0.8").expect("variant");
        let (code, err, got) = extract(&scaled, &format!("{name}_scaled"));
        assert_eq!(code, 0, "{name}: {err}");
        assert_points(&got, &want, 1e-9);
        // Facets with their own scales are no copies of one axis: the ticks are not split, and
        // their labels, read as one axis, disagree; that axis is refused loudly, never read from
        // the wrong facet.
        let (code, err, got) = extract(&plot_facets(&facets, rows, &[1.0, 2.0, 1.0]), &format!("{name}_free"));
        let axis = if rows { "y axis" } else { "x axis" };
        assert_eq!(code, 1, "{name}: {err}");
        assert!(err.contains(axis) && err.contains("not read"), "{name}: {err}");
        assert!(got.iter().all(|p| if rows { p.1.is_none() } else { p.0.is_none() }), "{name}: {got:?}");
    }
}

/// Every row of one figure's points.csv after extracting it (exit code too).
fn extract_rows(svg: &str, name: &str) -> (i32, Vec<std::collections::HashMap<String, String>>) {
    let dir = tempdir(name);
    let path = dir.join(format!("{name}.svg"));
    std::fs::write(&path, svg).expect("write");
    let out =
        figdig().arg("extract").arg(&path).arg("--out").arg(dir.join("out")).arg("--no-audit").output().expect("run");
    let rows = crate::common::read_all_rows(&dir.join("out").join(name).join("points.csv"));
    (out.status.code().unwrap_or(-1), rows)
}

/// A data line with an annotation (matplotlib's `annotate` with `arrowstyle="->"`: a text, a shaft
/// from it and a "V" head at the tip) gives the line's vertices only: the arrow is not a series.
#[test]
fn issue14_annotation_arrow_is_not_a_series() {
    let x = AxisSpec::linear(&[0.0, 5.0, 10.0]);
    let y = AxisSpec::linear(&[0.0, 5.0, 10.0]);
    let line = [(1.0, 2.0), (3.0, 6.5), (5.0, 4.0), (8.0, 7.5)];
    let px = |v: f64| x.pos(v, X0 + 10.0, X1 - 10.0);
    let py = |v: f64| y.pos(v, Y1 - 10.0, Y0 + 10.0);
    let pts: Vec<String> = line.iter().map(|(a, b)| format!("{},{}", px(*a), py(*b))).collect();
    let (tx, ty) = (px(6.5), py(9.0));
    let (hx, hy) = (px(3.0) + 2.0, py(6.5) - 2.0);
    let extra = format!(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#1f77b4\"/>\n\
         <text x=\"{tx}\" y=\"{ty}\" font-size=\"10\">peak</text>\n\
         <path d=\"M{} {} L{hx} {hy}\" fill=\"none\" stroke=\"#000\"/>\n\
         <path d=\"M{} {} L{hx} {hy} L{} {}\" fill=\"none\" stroke=\"#000\"/>\n",
        pts.join(" "),
        tx - 2.0,
        ty + 2.0,
        hx + 6.0,
        hy - 1.0,
        hx + 1.0,
        hy - 6.0
    );
    let (code, rows) = extract_rows(&figure(&x, &y, &[], &extra), "annotation_arrow");
    assert_eq!(code, 0);
    let vertices: Vec<_> = rows.iter().filter(|r| r["mark"] == "vertex").collect();
    assert_eq!(vertices.len(), line.len(), "{vertices:?}");
    for (a, b) in line {
        let near = |r: &&std::collections::HashMap<String, String>| {
            (r["x"].parse::<f64>().unwrap_or(f64::NAN) - a).abs() < 1e-9
                && (r["y"].parse::<f64>().unwrap_or(f64::NAN) - b).abs() < 1e-9
        };
        assert!(vertices.iter().any(near), "({a}, {b}) not a vertex row");
    }
}

/// A stem (matplotlib's `stem`, a lollipop) is a segment from a baseline that ends at its marker:
/// a series of two vertices, never an error bar of the marker.
#[test]
fn issue14_stems_are_series_not_error_bars() {
    let x = AxisSpec::linear(&[0.0, 5.0, 10.0]);
    let y = AxisSpec::linear(&[0.0, 5.0, 10.0]);
    let pts = [(1.5, 3.0), (4.5, 6.0), (7.5, 8.0)];
    let mut extra = String::new();
    for (a, b) in pts {
        let (sx, base, top) =
            (x.pos(a, X0 + 10.0, X1 - 10.0), y.pos(0.0, Y1 - 10.0, Y0 + 10.0), y.pos(b, Y1 - 10.0, Y0 + 10.0));
        extra += &format!("<path d=\"M{sx} {base} L{sx} {top}\" stroke=\"#1f77b4\"/>\n");
    }
    let (code, rows) = extract_rows(&figure(&x, &y, &pts, &extra), "stems");
    assert_eq!(code, 0);
    let markers: Vec<_> = rows.iter().filter(|r| r["mark"] == "marker").collect();
    assert_eq!(markers.len(), 3);
    assert!(markers.iter().all(|r| r["y_lo"].is_empty() && r["y_hi"].is_empty()), "{markers:?}");
    assert_eq!(rows.iter().filter(|r| r["mark"] == "vertex").count(), 6);
}

/// A size legend (Vega-Lite's and ggplot2's: symbols of graded area, each with its value to the
/// right, outside the panel) gives every marker of its shape and colour the value its area
/// encodes, area linear in the value.
#[test]
fn issue13_size_legend_decodes_marker_area() {
    let x = AxisSpec::linear(&[0.0, 5.0, 10.0]);
    let y = AxisSpec::linear(&[0.0, 5.0, 10.0]);
    // Area = 4 + 3.2 * value (SVG units squared): radius = sqrt(area / pi).
    let radius = |v: f64| ((4.0 + 3.2 * v) / std::f64::consts::PI).sqrt();
    // Each size drawn twice: a marker class is a repeated geometry.
    let pts = [
        (1.0, 2.0, 3.0),
        (2.0, 8.0, 3.0),
        (4.0, 7.0, 12.5),
        (9.0, 9.0, 12.5),
        (8.0, 5.0, 19.0),
        (3.0, 4.0, 19.0),
        (6.0, 1.5, 7.25),
        (7.0, 3.0, 7.25),
    ];
    let mut extra = String::new();
    for (a, b, v) in pts {
        let (cx, cy) = (x.pos(a, X0 + 10.0, X1 - 10.0), y.pos(b, Y1 - 10.0, Y0 + 10.0));
        extra += &format!("<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{}\" fill=\"none\" stroke=\"#4c78a8\"/>\n", radius(v));
    }
    for (k, v) in [0.0, 5.0, 10.0, 15.0, 20.0].iter().enumerate() {
        let cy = 40.0 + 22.0 * k as f64;
        extra += &format!("<circle cx=\"480\" cy=\"{cy}\" r=\"{}\" fill=\"none\" stroke=\"#4c78a8\"/>\n", radius(*v));
        extra += &format!("<text x=\"492\" y=\"{}\" font-size=\"10\">{v}</text>\n", cy + 3.5);
    }
    let svg =
        figure(&x, &y, &[], &extra).replace("width=\"500\"", "width=\"540\"").replace("0 0 500 360", "0 0 540 360");
    let (code, rows) = extract_rows(&svg, "size_legend");
    assert_eq!(code, 0);
    let markers: Vec<_> = rows.iter().filter(|r| r["mark"] == "marker").collect();
    assert_eq!(markers.len(), pts.len(), "{markers:?}");
    for (a, b, v) in pts {
        let f = |r: &&&std::collections::HashMap<String, String>, k: &str| r[k].parse::<f64>().unwrap_or(f64::NAN);
        let row =
            markers.iter().find(|r| (f(r, "x") - a).abs() < 1e-9 && (f(r, "y") - b).abs() < 1e-9).expect("marker");
        // Circles become Bezier outlines whose extent is exact to about 1e-5 of a radius.
        assert!((f(&row, "value") - v).abs() < 1e-4 * 20.0, "value {} for {v}", row["value"]);
    }
}

/// SVG `<marker>` elements on a line's vertices (issue 13): each marker's content is drawn with
/// its reference point on the vertex (here a circle in a 10-unit viewBox scaled by the stroke
/// width), so every vertex is a data marker, and the line itself stays a series of vertex rows.
#[test]
fn issue13_svg_marker_elements_on_line_vertices_are_data_markers() {
    let x = AxisSpec::linear(&[0.0, 5.0, 10.0]);
    let y = AxisSpec::linear(&[0.0, 5.0, 10.0]);
    let pts = [(1.0, 2.0), (2.5, 6.0), (4.0, 3.5), (6.0, 8.0), (8.5, 5.0), (9.0, 1.5)];
    let d: Vec<String> = pts
        .iter()
        .map(|&(a, b)| format!("{},{}", x.pos(a, X0 + 10.0, X1 - 10.0), y.pos(b, Y1 - 10.0, Y0 + 10.0)))
        .collect();
    let extra = format!(
        "<defs><marker id=\"dot\" viewBox=\"0 0 10 10\" refX=\"5\" refY=\"5\" markerWidth=\"4\" markerHeight=\"4\" orient=\"auto\">\
         <circle cx=\"5\" cy=\"5\" r=\"4\" fill=\"#d62728\"/></marker></defs>\n\
         <polyline points=\"{}\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.5\" \
         marker-start=\"url(#dot)\" marker-mid=\"url(#dot)\" marker-end=\"url(#dot)\"/>\n",
        d.join(" ")
    );
    let (code, rows) = extract_rows(&figure(&x, &y, &[], &extra), "svg_marker");
    assert_eq!(code, 0);
    let f = |r: &std::collections::HashMap<String, String>, k: &str| r[k].parse::<f64>().unwrap_or(f64::NAN);
    for mark in ["marker", "vertex"] {
        let got: Vec<_> = rows.iter().filter(|r| r["mark"] == mark).collect();
        assert_eq!(got.len(), pts.len(), "{mark} rows: {got:?}");
        for (a, b) in pts {
            assert!(
                got.iter().any(|r| (f(r, "x") - a).abs() < 1e-9 && (f(r, "y") - b).abs() < 1e-9),
                "{mark} at ({a}, {b})"
            );
        }
    }
}
