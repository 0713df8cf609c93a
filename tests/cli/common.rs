//! Helpers shared by the CLI tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The built `figdig` binary.
pub fn figdig() -> Command {
    Command::new(env!("CARGO_BIN_EXE_figdig"))
}

/// Whether this run is CI (`CI=true`), where a missing producer or reference file fails.
pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// A CSV file as rows of column name to text.
/// The marker rows of a points.csv (`mark=marker`; every row of a file without that column).
pub fn read_csv(path: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    read_all_rows(path).into_iter().filter(|r| r.get("mark").is_none_or(|m| m == "marker")).collect()
}

/// Every row of a CSV file (markers and line vertices of a points.csv alike), by column name.
pub fn read_all_rows(path: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = r.headers().expect("headers").clone();
    r.records()
        .map(|rec| {
            headers.iter().zip(rec.expect("record").iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()
        })
        .collect()
}

/// An axis's limits from a producer fixture's truth JSON (`[lo, hi, "linear"|"log"]`).
pub struct Span {
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
}

impl Span {
    pub fn from_truth(v: &serde_json::Value) -> Span {
        let a = v.as_array().expect("span");
        Span { lo: a[0].as_f64().expect("lo"), hi: a[1].as_f64().expect("hi"), log: a[2] == "log" }
    }
    /// Position of a value within the span, 0..1 (in decades on a log axis).
    pub fn norm(&self, v: f64) -> f64 {
        if self.log {
            (v.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        }
    }
    /// Error of `got` against `want` as a fraction of the span (of its decades on a log axis).
    pub fn frac_err(&self, got: f64, want: f64) -> f64 {
        (self.norm(got) - self.norm(want)).abs()
    }
    /// Error of `got` against `want`: a fraction of the span, or decades on a log axis.
    pub fn err(&self, got: f64, want: f64) -> f64 {
        if self.log { (got.log10() - want.log10()).abs() } else { (got - want).abs() / (self.hi - self.lo).abs() }
    }
}

/// A colour-decoded value of a points.csv row (`value`, `value_halfwidth`) against its truth.
pub struct DecodedValue {
    /// The decoded value (NaN when the row has none).
    pub got: f64,
    pub want: f64,
    /// Half the width of the colour bin the value was decoded from (NaN when missing).
    pub halfwidth: f64,
}

impl DecodedValue {
    pub fn read(row: &std::collections::HashMap<String, String>, want: f64) -> DecodedValue {
        let num = |k: &str| row.get(k).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
        DecodedValue { got: num("value"), want, halfwidth: num("value_halfwidth") }
    }
    /// The error in half-widths of the bin.
    pub fn halfwidths(&self) -> f64 {
        (self.got - self.want).abs() / self.halfwidth
    }
    /// Whether the truth lies in the bin the value was decoded from (within half a bin of its
    /// centre, allowing for rounding).
    pub fn within_half_bin(&self) -> bool {
        (self.got - self.want).abs() <= self.halfwidth * (1.0 + 1e-9)
    }
}

/// Path of a file in `../shared`, or `None` (with a message) when it is absent outside CI.
/// Under `CI=true` a missing shared file is a failure, not a skip.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("shared").join(rel);
    if p.exists() {
        return Some(p);
    }
    if ci() {
        panic!("../shared/{rel} is missing under CI=true: CI must have ../shared beside the checkout");
    }
    eprintln!("skipping: ../shared/{rel} not found (tests read the reference material from ../shared)");
    None
}

/// A fresh temporary directory under the target dir, unique per call (tests run in parallel).
pub fn tempdir(name: &str) -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create temp dir");
    d
}

/// Colour-scale values of matched points: a truth point's `value` against the recovered row's
/// decoded `value`, within the row's `value_halfwidth` (half a colour bin) for most points.
#[derive(Default)]
pub struct ValueTally {
    pub with_value: usize,
    pub within_half_bin: usize,
}

impl ValueTally {
    /// A raster colour bar resampled onto fewer rows than the map has colours may lose a colour:
    /// its markers decode to a neighbouring bin, so a value may be this many half-widths off.
    pub const MAX_HALF_WIDTHS: f64 = 3.0;
    /// Share of values that must lie within their half-width.
    pub const MIN_WITHIN_SHARE: f64 = 0.9;

    /// Check one matched point; `Err` when a true value is missing, unreadable or too far off.
    pub fn check(
        &mut self,
        want: &serde_json::Value,
        got: &std::collections::HashMap<String, String>,
    ) -> Result<(), String> {
        let Some(v) = want.get("value").and_then(|v| v.as_f64()) else { return Ok(()) };
        self.with_value += 1;
        let g: f64 = got["value"].parse().map_err(|_| format!("value {v}: decoded {:?}", got["value"]))?;
        let hw: f64 = got["value_halfwidth"]
            .parse()
            .map_err(|_| format!("value {v}: half-width {:?}", got["value_halfwidth"]))?;
        if (g - v).abs() > Self::MAX_HALF_WIDTHS * hw * (1.0 + 1e-9) {
            return Err(format!("value {g} vs true {v} (half-width {hw})"));
        }
        if (g - v).abs() <= hw * (1.0 + 1e-9) {
            self.within_half_bin += 1;
        }
        Ok(())
    }

    /// `Err` when too few of the checked values were within half a bin.
    pub fn verdict(&self) -> Result<(), String> {
        if self.with_value > 0 && (self.within_half_bin as f64) < Self::MIN_WITHIN_SHARE * self.with_value as f64 {
            return Err(format!("{}/{} values within half a bin", self.within_half_bin, self.with_value));
        }
        Ok(())
    }
}

/// Extract every figure in `dir` as one batch, with the audit, and require each figure's
/// certificate to pass (points, decoded colours and ticks re-map to what was drawn) and its
/// figure.json to carry no warning but the twin-axis note.
pub fn assert_certificates(dir: &Path, tag: &str) {
    let out = tempdir(tag);
    let o = figdig().arg("extract").arg(dir).arg("--out").arg(&out).output().expect("run figdig");
    assert!(o.status.success(), "{tag}: {}", String::from_utf8_lossy(&o.stderr));
    let mut checked = 0;
    let mut problems = Vec::new();
    for e in std::fs::read_dir(&out).expect("out dir").flatten() {
        let cert = e.path().join("certificate.json");
        if !cert.exists() {
            continue;
        }
        checked += 1;
        let c: serde_json::Value = serde_json::from_slice(&std::fs::read(&cert).expect("read")).expect("json");
        if c["pass"] != true {
            problems.push(format!("{}: certificate failed: {}", e.path().display(), c["failed"]));
        }
        let f: serde_json::Value =
            serde_json::from_slice(&std::fs::read(e.path().join("figure.json")).expect("read")).expect("json");
        // A second y axis is always said (points carry y and y2); it is information, not a fault.
        // A fixture made to be refused lists the warning kinds it expects in its truth JSON.
        let truth: serde_json::Value = std::fs::read(dir.join(format!("{}.json", e.file_name().to_string_lossy())))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let expected = |k: &serde_json::Value| truth["expected_warnings"].as_array().is_some_and(|l| l.contains(k));
        let faults = f["warnings"]
            .as_array()
            .map_or(0, |w| w.iter().filter(|w| w["kind"] != "twin_axis" && !expected(&w["kind"])).count());
        if faults > 0 {
            problems.push(format!("{}: warnings {}", e.path().display(), f["warnings"]));
        }
    }
    assert!(checked > 0, "{tag}: no certificate written");
    assert!(problems.is_empty(), "{tag}: {}", problems.join("\n"));
}

/// Match truth point `want` to the nearest recovered row not matched yet, by the larger of its x
/// and y errors measured with `err` (for example [`Span::err`] or [`Span::frac_err`]); a row whose
/// value is missing or not a number is infinitely far. Marks the row used; `None` when none is left.
pub fn take_nearest(
    got: &[&std::collections::HashMap<String, String>],
    used: &mut [bool],
    want: &serde_json::Value,
    (sx, sy): (&Span, &Span),
    err: fn(&Span, f64, f64) -> f64,
) -> Option<(usize, f64)> {
    let (tx, ty) = (want["x"].as_f64().expect("truth x"), want["y"].as_f64().expect("truth y"));
    let (k, d) = got
        .iter()
        .enumerate()
        .filter(|(k, _)| !used[*k])
        .map(|(k, g)| {
            let e = |col: &str, sp: &Span, t: f64| g[col].parse::<f64>().map_or(f64::NAN, |v| err(sp, v, t));
            let (ex, ey) = (e("x", sx, tx), e("y", sy, ty));
            (k, if ex.is_nan() || ey.is_nan() { f64::INFINITY } else { ex.max(ey) })
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    used[k] = true;
    Some((k, d))
}

/// Extract `dir/file` (an SVG, or a PDF read with `--page 1`) without the audit: all rows of its
/// points.csv, and the truth JSON `dir/truth_name.json`.
fn extract_with_truth(
    dir: &Path,
    file: &str,
    truth_name: &str,
) -> (Vec<std::collections::HashMap<String, String>>, serde_json::Value) {
    let out = dir.join(format!("out-{truth_name}-{}", file.replace('.', "_")));
    let mut cmd = figdig();
    cmd.arg("extract").arg(dir.join(file)).arg("--out").arg(&out).arg("--no-audit");
    let pdf = file.ends_with(".pdf");
    if pdf {
        cmd.args(["--page", "1"]);
    }
    let o = cmd.output().expect("run figdig");
    assert!(o.status.success(), "{file}: {}", String::from_utf8_lossy(&o.stderr));
    let stem = file.trim_end_matches(".svg").trim_end_matches(".pdf");
    let folder = if pdf { format!("{stem}_p1") } else { stem.to_string() };
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(format!("{truth_name}.json"))).expect("truth")).expect("json");
    (read_all_rows(&out.join(folder).join("points.csv")), truth)
}

/// Extract `dir/name.svg` and compare its band envelopes (`mark` band_lower / band_upper, in
/// `index` order) with the truth JSON's `bands` (x, lower, upper per band), each vertex within
/// `tol` of the axis span; returns how many envelope vertices were checked.
pub fn check_bands(dir: &Path, name: &str, tol: f64) -> usize {
    let (rows, truth) = extract_with_truth(dir, &format!("{name}.svg"), name);
    let bands = truth["bands"].as_array().expect("bands");
    let mut checked = 0;
    for b in bands {
        let panel = b["panel"].as_u64().expect("panel").to_string();
        let span = |ax: &str| Span::from_truth(&truth["spans"][&panel][ax]);
        let (sx, sy) = (span("x"), span("y"));
        let xs: Vec<f64> = b["x"].as_array().expect("x").iter().filter_map(|v| v.as_f64()).collect();
        for (mark, key) in [("band_lower", "lower"), ("band_upper", "upper")] {
            let want: Vec<f64> = b[key].as_array().expect("envelope").iter().filter_map(|v| v.as_f64()).collect();
            let got: Vec<&std::collections::HashMap<String, String>> =
                rows.iter().filter(|r| r["mark"] == mark && r["panel"] == panel).collect();
            assert_eq!(got.len(), xs.len(), "{name}: {mark} vertices");
            for ((r, x), y) in got.iter().zip(&xs).zip(&want) {
                let f = |k: &str| r[k].parse::<f64>().unwrap_or(f64::NAN);
                let d = sx.frac_err(f("x"), *x).max(sy.frac_err(f("y"), *y));
                assert!(
                    d <= tol,
                    "{name}: {mark} vertex ({x}, {y}) recovered ({}, {}), {d:.2e} of the span",
                    r["x"],
                    r["y"]
                );
                checked += 1;
            }
        }
    }
    checked
}

/// Extract `dir/file` (an SVG, or a PDF read with `--page 1`) and compare its line series with
/// the truth JSON's `lines` (name or null, panel, x, y per line, in drawing order): every vertex
/// within `tol` of the axis span. A named line is every vertex row of its series in its panel; an
/// unnamed line (several may share one style) is one `line` of unnamed rows, each taken once.
/// Returns how many vertices were checked.
pub fn check_lines(dir: &Path, file: &str, truth_name: &str, tol: f64) -> usize {
    check_lines_with(dir, file, truth_name, tol, false)
}

/// [`check_lines`] for a file written through Cairo, which merges consecutive collinear line
/// segments of a path (in its fixed point): a truth vertex missing from the file must lie on the
/// segment drawn through it, within `tol`.
pub fn check_lines_merged_collinear(dir: &Path, file: &str, truth_name: &str, tol: f64) -> usize {
    check_lines_with(dir, file, truth_name, tol, true)
}

type Row = std::collections::HashMap<String, String>;

fn check_lines_with(dir: &Path, file: &str, truth_name: &str, tol: f64, merged_ok: bool) -> usize {
    let (rows, truth) = extract_with_truth(dir, file, truth_name);
    let mut unnamed: std::collections::BTreeMap<(&str, &str), Vec<&Row>> = Default::default();
    for r in rows.iter().filter(|r| r["mark"] == "vertex" && r["series"].is_empty()) {
        unnamed.entry((r["panel"].as_str(), r["line"].as_str())).or_default().push(r);
    }
    let mut checked = 0;
    for l in truth["lines"].as_array().expect("lines") {
        let panel = l.get("panel").and_then(|p| p.as_u64()).unwrap_or(0).to_string();
        let (sx, sy) = (Span::from_truth(&truth["spans"][&panel]["x"]), Span::from_truth(&truth["spans"][&panel]["y"]));
        let xs = l["x"].as_array().expect("x").iter().filter_map(|v| v.as_f64());
        let want: Vec<(f64, f64)> = xs
            .zip(l["y"].as_array().expect("y").iter().filter_map(|v| v.as_f64()))
            .map(|(x, y)| (sx.norm(x), sy.norm(y)))
            .collect();
        let norm = |got: &[&Row]| -> Vec<(f64, f64)> {
            let f = |r: &Row, k: &str| r[k].parse::<f64>().unwrap_or(f64::NAN);
            got.iter().map(|r| (sx.norm(f(r, "x")), sy.norm(f(r, "y")))).collect()
        };
        let (label, (d, merged)) = match l["name"].as_str() {
            Some(name) => {
                let got: Vec<&Row> = rows
                    .iter()
                    .filter(|r| r["mark"] == "vertex" && r["series"] == name && r["panel"] == panel)
                    .collect();
                (name.to_string(), line_error(&norm(&got), &want, tol, merged_ok))
            }
            None => {
                let best = unnamed
                    .iter()
                    .filter(|((p, _), _)| *p == panel)
                    .map(|(k, got)| (*k, line_error(&norm(got), &want, tol, merged_ok)))
                    .min_by(|a, b| a.1.0.total_cmp(&b.1.0));
                let Some((key, d)) = best else { panic!("{file}: no unnamed line left in panel {panel}") };
                unnamed.remove(&key);
                (format!("unnamed line {}", key.1), d)
            }
        };
        assert!(d <= tol, "{file}: {label}: worst vertex {d:.2e} of the span (or a vertex count differs)");
        if merged > 0 {
            eprintln!("{file}: {label}: {merged} of {} vertices merged into collinear segments", want.len());
        }
        checked += want.len();
    }
    checked
}

/// Worst error (span fractions) of the drawn vertices `got` against the line `want`, in order,
/// and how many of `want` were merged into a collinear segment (allowed with `merged_ok`, else a
/// count that differs is an infinite error).
fn line_error(got: &[(f64, f64)], want: &[(f64, f64)], tol: f64, merged_ok: bool) -> (f64, usize) {
    let dist = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).abs().max((a.1 - b.1).abs());
    if !merged_ok {
        if got.len() != want.len() {
            return (f64::INFINITY, 0);
        }
        return (got.iter().zip(want).map(|(g, w)| dist(*g, *w)).fold(0.0, f64::max), 0);
    }
    let (mut k, mut worst, mut merged) = (0, 0.0f64, 0);
    for &w in want {
        if k < got.len() && dist(got[k], w) <= tol {
            worst = worst.max(dist(got[k], w));
            k += 1;
            continue;
        }
        // Between the last vertex taken and the next: on the segment joining them.
        let (Some(&a), Some(&b)) = (k.checked_sub(1).and_then(|j| got.get(j)), got.get(k)) else {
            return (f64::INFINITY, merged);
        };
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let t = (((w.0 - a.0) * dx + (w.1 - a.1) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
        worst = worst.max(dist((a.0 + t * dx, a.1 + t * dy), w));
        merged += 1;
    }
    (if k == got.len() { worst } else { f64::INFINITY }, merged)
}

/// Extract `dir/file` and compare every error bar of the truth JSON's `bars` (x, y and any of
/// y_lo, y_hi, x_lo, x_hi) with the interval columns of the marker drawn at (x, y), each end
/// within `tol` of its axis span; returns how many ends were checked. Markers found at all (no cap
/// counted as one) is `check_figure`'s part.
pub fn check_error_bars(dir: &Path, file: &str, truth_name: &str, tol: f64) -> usize {
    let (rows, truth) = extract_with_truth(dir, file, truth_name);
    let (sx, sy) = (Span::from_truth(&truth["spans"]["0"]["x"]), Span::from_truth(&truth["spans"]["0"]["y"]));
    let markers: Vec<_> = rows.iter().filter(|r| r["mark"] == "marker").collect();
    let mut used = vec![false; markers.len()];
    let mut checked = 0;
    for bar in truth["bars"].as_array().expect("bars") {
        let (k, d) = take_nearest(&markers, &mut used, bar, (&sx, &sy), Span::frac_err).expect("a marker per bar");
        assert!(d <= tol, "{file}: no marker at bar ({}, {}): nearest {d:.2e} of the span", bar["x"], bar["y"]);
        for (col, span) in [("y_lo", &sy), ("y_hi", &sy), ("x_lo", &sx), ("x_hi", &sx)] {
            let Some(want) = bar.get(col).and_then(|v| v.as_f64()) else { continue };
            let got: f64 = markers[k][col].parse().unwrap_or(f64::NAN);
            let d = span.frac_err(got, want);
            assert!(
                d <= tol,
                "{file}: bar at ({}, {}): {col} {got} vs {want}, {d:.2e} of the span",
                bar["x"],
                bar["y"]
            );
            checked += 1;
        }
    }
    checked
}
