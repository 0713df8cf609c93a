//! CLI tests of the audit outputs of `figdig extract`: certificate.json, audit.png, audit.html.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::common::{figdig, read_csv, shared, tempdir};

/// The Chinchilla figure extracted once for all tests here: its output directory, or `None`
/// (skipped outside CI) without ../shared.
fn chinchilla() -> Option<&'static Path> {
    static OUT: OnceLock<Option<PathBuf>> = OnceLock::new();
    OUT.get_or_init(|| {
        let svg = shared("figures/chinchilla_figure_4.svg")?;
        let out = tempdir("audit-chinchilla");
        let o = figdig().args(["extract"]).arg(&svg).arg("--out").arg(&out).output().expect("run");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(!stderr.contains("certificate failed"), "{stderr}");
        Some(out.join("chinchilla_figure_4"))
    })
    .as_deref()
}

fn points(dir: &Path) -> Vec<(usize, f64, f64)> {
    let mut r = csv::Reader::from_path(dir.join("points.csv")).expect("points.csv");
    let h = r.headers().expect("headers").clone();
    let col = |n: &str| h.iter().position(|c| c == n).unwrap_or_else(|| panic!("no column {n}"));
    let (p, x, y, mark) = (col("panel"), col("x_svg"), col("y_svg"), col("mark"));
    r.records()
        .filter(|rec| rec.as_ref().is_ok_and(|rec| &rec[mark] == "marker"))
        .map(|rec| {
            let rec = rec.expect("record");
            (rec[p].parse().expect("panel"), rec[x].parse().expect("x_svg"), rec[y].parse().expect("y_svg"))
        })
        .collect()
}

#[test]
fn chinchilla_certificate_round_trips_points_colours_and_ticks() {
    let Some(dir) = chinchilla() else { return };
    let c: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("certificate.json")).expect("certificate.json")).expect("json");
    assert_eq!(c["pass"], true, "{c:#}");
    assert_eq!(c["failed"].as_array().map(Vec::len), Some(0));
    let panels = c["panels"].as_array().expect("panels");
    assert_eq!(panels.len(), 2);
    for (p, n) in panels.iter().zip([245, 114]) {
        assert_eq!(p["points"], n);
        assert_eq!(p["coordinates_checked"], 2 * n);
        let max = p["max_residual"].as_f64().expect("max");
        assert!(max <= 1e-4, "panel {}: max residual {max}", p["panel"]);
        assert!(p["rms_residual"].as_f64().expect("rms") <= max);
        assert_eq!(p["pass"], true);
    }
    let bars = c["colour_bars"].as_array().expect("bars");
    assert_eq!(bars.len(), 1);
    assert_eq!((bars[0]["decoded"].as_u64(), bars[0]["exact"].as_u64()), (Some(245), Some(245)));
    // Five axes (two per data panel, the colour bar's), each within its tolerance.
    let axes = c["axes"].as_array().expect("axes");
    assert_eq!(axes.len(), 5);
    for a in axes {
        assert_eq!(a["pass"], true, "{a}");
        assert!(a["max_abs_residual"].as_f64().expect("r") <= a["tolerance"].as_f64().expect("t"));
    }
}

/// PNG tEXt chunks (keyword, text).
fn text_chunks(png: &[u8]) -> Vec<(String, String)> {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let mut out = Vec::new();
    let mut i = 8;
    while i + 8 <= png.len() {
        let len = u32::from_be_bytes(png[i..i + 4].try_into().expect("len")) as usize;
        let kind = &png[i + 4..i + 8];
        let data = &png[i + 8..i + 8 + len];
        if kind == b"tEXt"
            && let Some(z) = data.iter().position(|&b| b == 0)
        {
            // Latin-1 to String.
            let s = |b: &[u8]| b.iter().map(|&c| c as char).collect::<String>();
            out.push((s(&data[..z]), s(&data[z + 1..])));
        }
        i += 12 + len;
    }
    out
}

/// Connected components (8-neighbourhood) of the pixels where `mask` is true.
fn components(mask: &[bool], w: usize, h: usize) -> usize {
    let mut seen = vec![false; mask.len()];
    let mut n = 0;
    let mut stack = Vec::new();
    for start in 0..mask.len() {
        if !mask[start] || seen[start] {
            continue;
        }
        n += 1;
        seen[start] = true;
        stack.push(start);
        while let Some(i) = stack.pop() {
            let (x, y) = ((i % w) as i64, (i / w) as i64);
            for dy in -1..=1 {
                for dx in -1..=1 {
                    let (nx, ny) = (x + dx, y + dy);
                    if nx < 0 || ny < 0 || nx >= w as i64 || ny >= h as i64 {
                        continue;
                    }
                    let j = ny as usize * w + nx as usize;
                    if mask[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
    }
    n
}

/// Clusters of centres when two rings touch at distance <= `d`.
fn clusters(c: &[(f64, f64)], d: f64) -> usize {
    let mut parent: Vec<usize> = (0..c.len()).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for i in 0..c.len() {
        for j in i + 1..c.len() {
            if (c[i].0 - c[j].0).hypot(c[i].1 - c[j].1) <= d {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    (0..c.len()).filter(|&i| find(&mut parent, i) == i).count()
}

#[test]
fn chinchilla_audit_png_rings_all_359_markers() {
    let Some(dir) = chinchilla() else { return };
    let bytes = std::fs::read(dir.join("audit.png")).expect("audit.png");
    let chunks = text_chunks(&bytes);
    let key = chunks.iter().find(|(k, _)| k == "Description").map(|(_, v)| v.clone()).expect("key chunk");
    assert!(key.contains("magenta ring: reconstructed marker (359)"), "{key}");
    assert!(key.contains("excluded (5)") && key.contains("joined pair across panels (114)"), "{key}");
    let layout: serde_json::Value =
        serde_json::from_str(&chunks.iter().find(|(k, _)| k == "figdig-audit").expect("layout chunk").1).expect("json");
    let t: Vec<f64> = layout["transform"].as_array().expect("t").iter().map(|v| v.as_f64().expect("f")).collect();
    let r = layout["ring_radius_px"].as_f64().expect("r");
    let rw = layout["ring_width_px"].as_f64().expect("w");
    let fig_h = layout["figure_px"][1].as_u64().expect("h") as usize;
    assert_eq!(layout["ring_colour"], "#ff00ff");
    // Drawn at 2x, or lower to stay within a full-HD screen's pixels (the Chinchilla figure is
    // 1355 x 640 CSS pixels: about 1.55x), never below 1x.
    let fig_px = layout["figure_px"][0].as_u64().expect("w") * layout["figure_px"][1].as_u64().expect("h");
    assert!(layout["scale"].as_f64().expect("scale") >= 1.0);
    assert!(fig_px <= figdig::AUDIT_TARGET_PIXELS + 4000, "{fig_px} pixels");

    let img = image::load_from_memory(&bytes).expect("decode png").to_rgba8();
    let (w, h) = (img.width() as usize, img.height() as usize);
    assert!(fig_h < h);
    let ring = |x: usize, y: usize| -> bool {
        let p = img.get_pixel(x as u32, y as u32).0;
        p == [255, 0, 255, 255]
    };
    // Only the figure area: the key below holds one more magenta swatch.
    let mask: Vec<bool> = (0..w * fig_h).map(|i| ring(i % w, i / w)).collect();

    let pts = points(dir);
    assert_eq!(pts.len(), 359);
    let centres: Vec<(f64, f64)> =
        pts.iter().map(|&(_, x, y)| (t[0] * x + t[2] * y + t[4], t[1] * x + t[3] * y + t[5])).collect();
    // Every marker has ring-coloured pixels all around it at the ring radius.
    for (k, &(cx, cy)) in centres.iter().enumerate() {
        for a in 0..16 {
            let th = a as f64 * std::f64::consts::TAU / 16.0;
            let (x, y) = ((cx + r * th.cos()).floor(), (cy + r * th.sin()).floor());
            assert!(x >= 0.0 && y >= 0.0 && (x as usize) < w && (y as usize) < fig_h, "point {k} ring off the figure");
            assert!(ring(x as usize, y as usize), "point {k} at ({cx:.1},{cy:.1}) px: no ring pixel at angle {a}/16");
        }
    }
    // And nothing else is ring-coloured: the components are the rings, merged where they touch.
    // Rings surely share pixels when their circles cross (distance <= 2r - 1) and surely do not
    // when their strokes are apart by more than a diagonal pixel (distance > 2r + width + 1.5).
    let most = clusters(&centres, 2.0 * r - 1.0);
    let least = clusters(&centres, 2.0 * r + rw + 1.5);
    let n = components(&mask, w, fig_h);
    eprintln!("ring components {n} (expected between {least} and {most}) for 359 markers");
    assert!(least <= n && n <= most, "{n} ring components, expected {least}..={most}");
}

#[test]
fn chinchilla_audit_html_is_self_contained_and_lists_every_point() {
    let Some(dir) = chinchilla() else { return };
    let html = std::fs::read_to_string(dir.join("audit.html")).expect("audit.html");
    let rows = read_csv(&dir.join("points.csv")).len();
    assert_eq!(rows, 359);
    assert_eq!(html.matches("<circle class=\"pt").count(), rows);
    assert_eq!(html.matches("<tr data-i=").count(), rows);
    assert!(html.contains(&format!("var CSV_ROWS={rows};")));
    assert!(!html.to_ascii_lowercase().contains("<script src"));
    assert!(!html.contains("<?xml") && !html.contains("<!DOCTYPE svg"));
    const NAMESPACES: [&str; 3] =
        ["http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink", "http://www.w3.org/XML/1998/namespace"];
    for scheme in ["http://", "https://"] {
        for (i, _) in html.match_indices(scheme) {
            assert!(
                NAMESPACES.iter().any(|ns| html[i..].starts_with(ns)),
                "external reference: {}",
                &html[i..(i + 60).min(html.len())]
            );
        }
    }
    // Both the figure and the overlay are inline, and the tick calibration tables are there.
    assert!(html.contains(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" id=\"fd-svg\""
    ));
    assert!(html.contains("id=\"fd-overlay\""));
    assert!(html.contains("<td>40B</td>") && html.contains("rejected"));
}

#[test]
fn no_audit_writes_none_of_the_audit_files() {
    let Some(svg) = shared("figures/chinchilla_figure_4.svg") else { return };
    let out = tempdir("no-audit");
    let o = figdig().args(["extract", "--no-audit"]).arg(&svg).arg("--out").arg(&out).output().expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dir = out.join("chinchilla_figure_4");
    assert!(dir.join("points.csv").is_file() && dir.join("figure.json").is_file());
    for f in ["audit.png", "audit.html", "certificate.json"] {
        assert!(!dir.join(f).exists(), "{f} written despite --no-audit");
    }
}

/// A headless Chromium, or `None` (skipped with a message) outside CI; under `CI=true` its
/// absence is a failure.
fn chromium() -> Option<PathBuf> {
    for c in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"] {
        if Path::new(c).exists() {
            return Some(PathBuf::from(c));
        }
    }
    if std::env::var("CI").map(|v| v == "true").unwrap_or(false) {
        panic!("chromium is missing under CI=true: .ci/run installs the Debian packages `chromium chromium-driver`");
    }
    eprintln!("skipping: no chromium found (install the Debian packages `chromium chromium-driver`)");
    None
}

fn headless(browser: &Path, profile: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn chinchilla_audit_html_self_test_passes_in_a_headless_browser() {
    let Some(dir) = chinchilla() else { return };
    let Some(browser) = chromium() else { return };
    let page = std::fs::canonicalize(dir.join("audit.html")).expect("abs path");
    let url = format!("file://{}#selftest", page.display());
    let tmp = tempdir("audit-browser");
    let o = headless(&browser, &tmp.join("profile"))
        .args(["--virtual-time-budget=5000", "--dump-dom"])
        .arg(&url)
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&o.stdout);
    assert!(
        dom.contains("id=\"selftest\">SELFTEST PASS points=359<"),
        "self-test did not pass: {}\nstderr: {}",
        dom.find("SELFTEST ").map(|i| &dom[i..(i + 200).min(dom.len())]).unwrap_or("(no SELFTEST result in the DOM)"),
        String::from_utf8_lossy(&o.stderr).lines().rev().take(5).collect::<Vec<_>>().join("\n")
    );
    // A screenshot of the page (taken without virtual time, which leaves headless shots blank).
    let shot = tmp.join("audit.png");
    let o = headless(&browser, &tmp.join("profile2"))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1600,1000")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    let bytes = std::fs::read(&shot).unwrap_or_else(|e| {
        panic!(
            "no screenshot ({e}): {}",
            String::from_utf8_lossy(&o.stderr).lines().rev().take(5).collect::<Vec<_>>().join("\n")
        )
    });
    assert!(!bytes.is_empty());
    // The page shows something: the figure's and the rings' colours, not one flat background.
    let img = image::load_from_memory(&bytes).expect("decode screenshot").to_rgba8();
    let magenta = img.pixels().filter(|p| p.0[0] > 200 && p.0[1] < 80 && p.0[2] > 200).count();
    assert!(magenta > 100, "screenshot shows no magenta rings ({magenta} pixels)");
}

/// Every figure of the project's own synthetic set (and the demo) passes its certificate: data
/// values map back onto the drawn centres, decoded colours back onto the fills, ticks agree.
#[test]
fn every_synthetic_figure_passes_its_certificate() {
    let mut specs = figdig::synth::test_specs();
    specs.push(("demo".into(), figdig::synth::demo_spec()));
    for (name, spec) in specs {
        let fig = figdig::synth::render(&spec);
        let ex = figdig::extract(fig.svg.as_bytes(), &figdig::ExtractOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let ds = figdig::build_dataset(&ex, None, &figdig::DatasetOptions::default());
        let cert = figdig::certificate(&ex, ds.as_ref());
        assert!(cert.pass, "{name}: certificate failed: {:?}", cert.failed);
        assert_eq!(cert.points, fig.points.len(), "{name}: every true point is certified");
    }
}
