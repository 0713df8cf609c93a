//! Hostile and broken input: every case gets a clear error (or, for one bad element, a recorded
//! warning while the rest of the figure is extracted), never a panic or a partial output.

use std::path::PathBuf;

use crate::common::{figdig, tempdir};

/// A minimal valid figure (frame, tick marks, labels, three markers) with `extra` inserted.
fn figure(extra: &str) -> String {
    let mut s = String::from(
        r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 300 200">"##,
    );
    s.push_str(r##"<rect x="50" y="20" width="200" height="150" fill="none" stroke="#000"/>"##);
    for (i, v) in [0, 5, 10].iter().enumerate() {
        let x = 50.0 + 100.0 * i as f64;
        let y = 170.0 - 75.0 * i as f64;
        s.push_str(&format!(r##"<path d="M{x} 170L{x} 174" stroke="#000"/><text x="{x}" y="185" text-anchor="middle" font-size="10">{v}</text>"##));
        s.push_str(&format!(r##"<path d="M50 {y}L46 {y}" stroke="#000"/><text x="43" y="{}" text-anchor="end" font-size="10">{v}</text>"##, y + 3.5));
    }
    for (x, y) in [(100.0, 100.0), (150.0, 60.0), (200.0, 140.0)] {
        s.push_str(&format!(r##"<circle cx="{x}" cy="{y}" r="3" fill="#1f77b4"/>"##));
    }
    s.push_str(extra);
    s.push_str("</svg>");
    s
}

fn run(name: &str, bytes: &[u8]) -> (Option<i32>, String, PathBuf) {
    let dir = tempdir(&format!("hostile-{name}"));
    let input = dir.join(format!("{name}.svg"));
    std::fs::write(&input, bytes).expect("write");
    let out = dir.join("out");
    let o = figdig().arg("extract").arg(&input).arg("--out").arg(&out).output().expect("run");
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    (o.status.code(), stderr, out.join(name))
}

fn assert_fails(name: &str, bytes: &[u8], reason: &str) {
    let (code, stderr, out) = run(name, bytes);
    assert_eq!(code, Some(1), "{name}: {stderr}");
    assert!(stderr.contains(&format!("{name}.svg: error:")), "names the file: {stderr}");
    assert!(stderr.to_lowercase().contains(reason), "{name}: reason '{reason}' in {stderr}");
    assert!(!out.exists(), "{name}: no partial output");
}

/// The figure still extracts its three markers and records a warning about the bad element.
fn assert_skips_element(name: &str, extra: &str, warning: &str) {
    let (code, stderr, out) = run(name, figure(extra).as_bytes());
    assert_eq!(code, Some(0), "{name}: {stderr}");
    let fig: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("figure.json")).expect("json")).expect("parse");
    assert_eq!(fig["markers_total"], 3, "{name}");
    let warnings = fig["warnings"].to_string();
    assert!(warnings.contains(warning), "{name}: warning '{warning}' in {warnings}");
}

#[test]
fn the_plain_figure_extracts_exactly() {
    let (code, stderr, out) = run("plain", figure("").as_bytes());
    assert_eq!(code, Some(0), "{stderr}");
    let text = std::fs::read_to_string(out.join("points.csv")).expect("csv");
    let rows: Vec<Vec<f64>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').skip(2).take(2).map(|v| v.parse().expect("number")).collect())
        .collect();
    // y: 0 at 170, 10 at 20, so 100 -> 14/3 and so on.
    let want = [[2.5, 14.0 / 3.0], [5.0, 22.0 / 3.0], [7.5, 2.0]];
    assert_eq!(rows.len(), 3);
    for (r, w) in rows.iter().zip(want) {
        assert!((r[0] - w[0]).abs() < 1e-12 && (r[1] - w[1]).abs() < 1e-12, "{r:?} vs {w:?}");
    }
}

#[test]
fn oversized_file_is_refused_before_reading() {
    // Over the 64 MiB limit: refused from its size alone.
    let mut s = figure("");
    s.push_str(&" ".repeat(65 << 20));
    assert_fails("huge", s.as_bytes(), "over the limit");
}

#[test]
fn too_many_elements_are_refused() {
    let many = "<g/>".repeat(2_100_000);
    assert_fails("many", figure(&many).as_bytes(), "xml");
}

#[test]
fn too_deep_nesting_is_refused() {
    let deep = format!("{}{}", "<g>".repeat(300), "</g>".repeat(300));
    assert_fails("deep", figure(&deep).as_bytes(), "nesting depth");
}

#[test]
fn non_utf8_and_nul_bytes_are_refused() {
    let mut bad = figure("").into_bytes();
    bad.insert(100, 0xff);
    assert_fails("latin", &bad, "utf-8");
    let mut nul = figure("").into_bytes();
    nul.insert(100, 0);
    assert_fails("nul", &nul, "nul byte");
}

#[test]
fn nan_inf_and_huge_numbers_skip_the_element() {
    assert_skips_element(
        "nan",
        r##"<path d="M NaN 5 L 10 10"/><rect x="1" y="1" width="2" height="2" transform="translate(inf 0)"/>"##,
        "",
    );
    assert_skips_element(
        "hugenum",
        r##"<path d="M1e308 1e308L-1e308 -1e308" stroke="#000"/><circle cx="1e400" cy="1" r="2"/>"##,
        "",
    );
}

#[test]
fn zero_size_and_singular_transforms_skip_the_element() {
    assert_skips_element(
        "singular",
        r##"<g transform="scale(0)"><circle cx="100" cy="100" r="3"/></g><rect width="0" height="5"/>"##,
        "singular",
    );
}

#[test]
fn huge_embedded_image_is_refused_from_its_header_without_allocating() {
    // A PNG header claiming 100000 x 100000 pixels (40 GB decoded) as a colour bar's image.
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];
    png.extend_from_slice(&100_000u32.to_be_bytes());
    png.extend_from_slice(&100_000u32.to_be_bytes());
    png.extend_from_slice(&[8, 6, 0, 0, 0]);
    let crc = crc32(&png[12..]);
    png.extend_from_slice(&crc.to_be_bytes());
    // A token IDAT chunk (a decoder wants to see one before it reports the size).
    let idat = [b'I', b'D', b'A', b'T', 0x78, 0x9c, 0x03, 0x00];
    png.extend_from_slice(&4u32.to_be_bytes());
    png.extend_from_slice(&idat);
    png.extend_from_slice(&crc32(&idat).to_be_bytes());
    png.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82]);
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&png);
    let bar = format!(
        r##"<rect x="260" y="20" width="12" height="150" fill="none" stroke="#000"/><image x="260" y="20" width="12" height="150" xlink:href="data:image/png;base64,{b64}"/><path d="M272 20L276 20" stroke="#000"/><text x="278" y="23.5" font-size="10">1</text><path d="M272 170L276 170" stroke="#000"/><text x="278" y="173.5" font-size="10">0</text>"##
    );
    let (code, stderr, out) = run("bigpng", figure(&bar).as_bytes());
    assert_eq!(code, Some(0), "{stderr}");
    let fig = std::fs::read_to_string(out.join("figure.json")).expect("json");
    assert!(fig.contains("100000x100000"), "the refusal is recorded: {fig}");
}

#[test]
fn external_references_are_never_fetched_or_read() {
    let extra = r##"<image x="0" y="0" width="10" height="10" xlink:href="file:///etc/passwd"/><use xlink:href="other.svg#m"/>"##;
    let (code, stderr, out) = run("external", figure(extra).as_bytes());
    assert_eq!(code, Some(0), "{stderr}");
    let fig = std::fs::read_to_string(out.join("figure.json")).expect("json");
    assert!(!fig.contains("root:"), "nothing from outside the file");
    assert!(fig.contains("without a local reference"), "the external <use> is reported: {fig}");
}

/// Random mutations of real figures never panic the front end (a stable-toolchain stand-in for
/// the cargo-fuzz target in fuzz/, bounded to a few thousand inputs).
#[test]
fn mutated_figures_never_panic_the_front_end() {
    let seeds = [figure(""), figdig::synth::render(&figdig::synth::demo_spec()).svg];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let tokens: [&[u8]; 12] = [
        b"NaN",
        b"1e309",
        b"-",
        b"<g>",
        b"</g>",
        b"\"",
        b"transform=\"scale(0)\" ",
        b"&lt;",
        b"0",
        b"<use xlink:href=\"#a\"/>",
        b" id=\"a\"",
        b"\xff",
    ];
    let opts = figdig::ExtractOptions::default();
    let mut ran = 0;
    for seed in &seeds {
        for _ in 0..1500 {
            let mut b = seed.as_bytes().to_vec();
            for _ in 0..(1 + next() % 4) {
                let at = (next() as usize) % b.len().max(1);
                match next() % 3 {
                    0 => {
                        let t = tokens[(next() as usize) % tokens.len()];
                        b.splice(at..at, t.iter().copied());
                    }
                    1 => {
                        let end = (at + (next() as usize) % 16).min(b.len());
                        b.drain(at..end);
                    }
                    _ => b[at] = (next() & 0xff) as u8,
                }
            }
            let _ = figdig::extract(&b, &opts);
            ran += 1;
        }
    }
    assert_eq!(ran, 3000);
}

/// CRC-32 of a PNG chunk (type and data), written out because no dependency offers it directly.
fn crc32(bytes: &[u8]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for &b in bytes {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
        }
    }
    !c
}

/// Every crash the fuzzer found, kept as input that must extract or fail cleanly.
#[test]
fn fuzz_regressions_never_panic() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("regressions") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let (code, stderr, _) = run(&name, &bytes);
        assert!(code == Some(0) || code == Some(1), "{name}: {stderr}");
        n += 1;
    }
    assert!(n >= 1);
}

/// A style sheet of 5,000 rules (each matching every circle) is read only up to the limit, with
/// a warning, and the figure still extracts; malformed CSS is ignored, never fatal.
#[test]
fn oversized_and_malformed_style_sheets_are_bounded() {
    let mut css = String::from("<style>");
    for i in 0..5000 {
        css.push_str(&format!("circle.c{i}, circle {{ stroke: #00000{} }} ", i % 10));
    }
    css.push_str("circle { fill: ; } }}} {{ @media {  [ </style>");
    assert_skips_element("css", &css, "CSS rules past the limit");
}
