//! Invariance: the data of a figure do not change when the figure is translated, scaled (uniformly
//! or not), wrapped in a general matrix or a bare scaling group, set in a page beside paragraphs of
//! numeric text, has its ids and classes renamed, or has its numbers written with more digits.
//!
//! One harness ([`assert_invariant`]) applies every transformation to every fixture it is given;
//! the tests below give it the synthetic set, the demo and Chinchilla figures, every producer's
//! fixtures and the corpus of real figures. Points are compared per panel and series, sorted,
//! within 1e-9 of each column's spread (the transformations only add floating-point rounding).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::{figdig, read_all_rows, shared, tempdir};

/// Every transformation of an SVG document, by name.
pub fn variants(svg: &str) -> Vec<(&'static str, String)> {
    let Some(doc) = Doc::split(svg) else { return Vec::new() };
    let [x, y, w, h] = doc.view_box;
    let wrap = |t: &str, vb: [f64; 4]| doc.wrapped(t, Some(vb));
    vec![
        ("translate", wrap("translate(37.25,-11.5)", [x + 37.25, y - 11.5, w, h])),
        ("scale0.5", wrap("scale(0.5)", [x * 0.5, y * 0.5, w * 0.5, h * 0.5])),
        ("scale2", wrap("scale(2)", [x * 2.0, y * 2.0, w * 2.0, h * 2.0])),
        ("nonuniform", wrap("scale(1.3,0.7)", [x * 1.3, y * 0.7, w * 1.3, h * 0.7])),
        ("matrix", wrap("matrix(1.5,0,0,1.5,20,30)", [x * 1.5 + 20.0, y * 1.5 + 30.0, w * 1.5, h * 1.5])),
        // A bare wrapper that leaves the view box alone: the figure's background no longer fills it.
        ("wrapper0.8", doc.wrapped("scale(0.8)", None)),
        ("page", doc.in_page()),
        ("renamed", renamed(svg)),
        ("digits", more_digits(svg)),
    ]
}

/// A document split into its root start tag, body and view box.
struct Doc<'a> {
    head: &'a str,
    body: &'a str,
    view_box: [f64; 4],
}

impl<'a> Doc<'a> {
    fn split(svg: &'a str) -> Option<Doc<'a>> {
        let start = svg.find("<svg")?;
        let end = tag_end(svg, start)?;
        let close = svg.rfind("</svg>")?;
        let head = &svg[..end];
        let view_box = attr(head, "viewBox")
            .map(|v| v.split([' ', ',']).filter(|s| !s.is_empty()).filter_map(|s| s.parse().ok()).collect::<Vec<f64>>())
            .filter(|v| v.len() == 4)
            .map(|v| [v[0], v[1], v[2], v[3]])
            .unwrap_or_else(|| [0.0, 0.0, length(attr(head, "width")), length(attr(head, "height"))]);
        Some(Doc { head, body: &svg[end..close], view_box })
    }
    /// The root tag without the named attributes, and with a view box when given.
    fn head_without(&self, names: &[&str], vb: Option<[f64; 4]>) -> String {
        let mut h = self.head.trim_end_matches('>').trim_end_matches('/').to_string();
        for n in names {
            h = remove_attr(&h, n);
        }
        if let Some([x, y, w, hh]) = vb {
            h.push_str(&format!(" viewBox=\"{x} {y} {w} {hh}\""));
        }
        h + ">"
    }
    fn wrapped(&self, transform: &str, vb: Option<[f64; 4]>) -> String {
        let head = if vb.is_some() { self.head_without(&["viewBox"], vb) } else { self.head.to_string() };
        format!("{head}<g transform=\"{transform}\">{}</g></svg>\n", self.body)
    }
    /// The figure set in a larger page, above and below paragraphs full of numbers.
    fn in_page(&self) -> String {
        let [x, y, w, h] = self.view_box;
        let (ox, oy) = (0.3 * w, 0.8 * h);
        let fs = w.max(h) / 60.0;
        let mut paras = String::new();
        for i in 0..14 {
            let mut yy = y - oy + fs * 1.6 * (i as f64 + 1.0);
            if i >= 6 {
                yy += h + 0.5 * oy;
            }
            paras.push_str(&format!(
                "<text x=\"{}\" y=\"{yy}\" font-size=\"{fs}\">Table {i} reports 3.14, 2.5e9 and {}% (n = {}) at 10^{} FLOPs.</text>",
                x - ox + fs,
                10 + i,
                100 * i + 7,
                18 + i % 5
            ));
        }
        let head = self.head_without(&["width", "height", "viewBox"], Some([x - ox, y - oy, 1.6 * w, 2.4 * h + oy]));
        format!("{head}{paras}<g>{}</g></svg>\n", self.body)
    }
}

/// Index just past the `>` closing the tag that starts at `start` (quotes respected).
fn tag_end(s: &str, start: usize) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s[start..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(start + i + 1),
            _ => {}
        }
    }
    None
}

/// The value of an attribute in a start tag.
fn attr<'s>(tag: &'s str, name: &str) -> Option<&'s str> {
    for q in ['"', '\''] {
        let key = format!(" {name}={q}");
        if let Some(i) = tag.find(&key) {
            let rest = &tag[i + key.len()..];
            return rest.find(q).map(|j| &rest[..j]);
        }
    }
    None
}

fn remove_attr(tag: &str, name: &str) -> String {
    match attr(tag, name) {
        Some(v) => {
            let i = tag.find(&format!(" {name}=")).expect("attribute present");
            let len = name.len() + 4 + v.len();
            format!("{}{}", &tag[..i], &tag[i + len..])
        }
        None => tag.to_string(),
    }
}

/// A length attribute in user units (pt at 4/3), or 500 when absent.
fn length(v: Option<&str>) -> f64 {
    let Some(v) = v else { return 500.0 };
    let digits: String = v.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    let n: f64 = digits.parse().unwrap_or(500.0);
    if v.ends_with("pt") { n * 4.0 / 3.0 } else { n }
}

/// Ids and classes renamed everywhere they are used: references, `href`s and style sheets.
fn renamed(svg: &str) -> String {
    let mut names: Vec<(String, bool)> = Vec::new(); // (name, is_class)
    for (key, is_class) in [(" id=\"", false), (" class=\"", true)] {
        for part in svg.split(key).skip(1) {
            let v = &part[..part.find('"').unwrap_or(0)];
            for n in v.split_whitespace() {
                if !names.iter().any(|(m, c)| m == n && *c == is_class) {
                    names.push((n.to_string(), is_class));
                }
            }
        }
    }
    // Longest names first, so that no name is replaced inside a longer one.
    names.sort_by_key(|n| std::cmp::Reverse(n.0.len()));
    let mut out = svg.to_string();
    for (n, is_class) in &names {
        let new = format!("zq{}", n.chars().rev().collect::<String>().replace(['.', '#', ':'], "_"));
        out = if *is_class {
            replace_token(&out, &format!(".{n}"), &format!(".{new}"))
        } else {
            let o =
                out.replace(&format!("#{n})"), &format!("#{new})")).replace(&format!("#{n}\""), &format!("#{new}\""));
            replace_token(&o, &format!("#{n}"), &format!("#{new}"))
        };
        out = rename_in_attr(&out, if *is_class { "class" } else { "id" }, n, &new);
    }
    out
}

/// Replace whole CSS tokens (`.name` or `#name` not followed by a name character).
fn replace_token(s: &str, from: &str, to: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(from) {
        let after = rest[i + from.len()..].chars().next();
        let whole = after.is_none_or(|c| !(c.is_alphanumeric() || c == '-' || c == '_'));
        out.push_str(&rest[..i]);
        out.push_str(if whole { to } else { from });
        rest = &rest[i + from.len()..];
    }
    out + rest
}

/// Rename one name inside every `id="…"` or `class="…"` attribute value.
fn rename_in_attr(s: &str, attr_name: &str, from: &str, to: &str) -> String {
    let key = format!(" {attr_name}=\"");
    let mut parts = s.split(&key);
    let mut out = parts.next().unwrap_or("").to_string();
    for p in parts {
        let end = p.find('"').unwrap_or(0);
        let v: Vec<&str> = p[..end].split_whitespace().map(|n| if n == from { to } else { n }).collect();
        out.push_str(&key);
        out.push_str(&v.join(" "));
        out.push_str(&p[end..]);
    }
    out
}

/// Every number in coordinate attributes rewritten with more digits (same value).
fn more_digits(svg: &str) -> String {
    let mut out = svg.to_string();
    for name in ["x", "y", "cx", "cy", "r", "x1", "x2", "y1", "y2", "transform", "points"] {
        let key = format!(" {name}=\"");
        let mut parts = out.split(&key);
        let mut next = parts.next().unwrap_or("").to_string();
        for p in parts {
            let end = p.find('"').unwrap_or(0);
            next.push_str(&key);
            next.push_str(&pad_numbers(&p[..end]));
            next.push_str(&p[end..]);
        }
        out = next;
    }
    out
}

/// `3` -> `3.000`, `2.5` -> `2.5000`, `.5` -> `.5000`; exponents and other text unchanged.
fn pad_numbers(s: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts =
            chars[i].is_ascii_digit() || (chars[i] == '.' && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()));
        if !starts {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let j = (i..chars.len()).find(|&k| !(chars[k].is_ascii_digit() || chars[k] == '.')).unwrap_or(chars.len());
        let num: String = chars[i..j].iter().collect();
        let exponent = chars.get(j).is_some_and(|c| *c == 'e' || *c == 'E');
        if exponent {
            // Keep the exponent with its number: `1e-3` is one token.
            let k = j + 1 + usize::from(chars.get(j + 1).is_some_and(|c| *c == '-' || *c == '+'));
            let e = (k..chars.len()).find(|&m| !chars[m].is_ascii_digit()).unwrap_or(chars.len());
            out.push_str(&num);
            out.extend(&chars[j..e]);
            i = e;
            continue;
        }
        let dots = num.matches('.').count();
        out.push_str(&num);
        if !exponent && dots <= 1 && !num.ends_with('.') {
            out.push_str(if dots == 0 { ".000" } else { "000" });
        }
        i = j;
    }
    out
}

/// One figure's points (panel, mark|series, x, y, value) sorted, and the exit code.
type Points = Vec<[String; 5]>;

/// Extract every file into `out` (one process); exit code and points per stem.
fn extract_all(files: &[PathBuf], out: &Path) -> BTreeMap<String, Option<Points>> {
    let status =
        figdig().arg("extract").args(files).arg("--out").arg(out).arg("--no-audit").output().expect("run figdig");
    let _ = status;
    files
        .iter()
        .map(|f| {
            let stem = f.file_stem().expect("stem").to_string_lossy().into_owned();
            let csv = out.join(&stem).join("points.csv");
            let pts = csv.exists().then(|| {
                // Markers and line vertices alike; the mark kind joins the series name so that a
                // vertex under a marker never trades places with it.
                let mut rows: Points = read_all_rows(&csv)
                    .into_iter()
                    .map(|r| {
                        let mut row =
                            ["panel", "series", "x", "y", "value"].map(|k| r.get(k).cloned().unwrap_or_default());
                        row[1] = format!("{}|{}", r.get("mark").cloned().unwrap_or_default(), row[1]);
                        row
                    })
                    .collect();
                rows.sort_by(cmp_rows);
                rows
            });
            (stem, pts)
        })
        .collect()
}

fn cmp_rows(a: &[String; 5], b: &[String; 5]) -> std::cmp::Ordering {
    let n = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
    a[0].cmp(&b[0]).then(a[1].cmp(&b[1])).then(n(&a[2]).total_cmp(&n(&b[2]))).then(n(&a[3]).total_cmp(&n(&b[3])))
}

/// Why two extractions differ, or `None` when they agree within 1e-9 of each column's spread.
fn difference(a: &Option<Points>, b: &Option<Points>) -> Option<String> {
    let (a, b) = match (a, b) {
        (None, None) => return None,
        (Some(a), Some(b)) => (a, b),
        _ => return Some(format!("one extraction failed ({} vs {})", a.is_some(), b.is_some())),
    };
    if a.len() != b.len() {
        return Some(format!("{} points vs {}", a.len(), b.len()));
    }
    for col in 2..5 {
        let v: Vec<f64> = a.iter().filter_map(|r| r[col].parse::<f64>().ok()).collect();
        let spread =
            v.iter().cloned().fold(f64::NEG_INFINITY, f64::max) - v.iter().cloned().fold(f64::INFINITY, f64::min);
        let tol = 1e-9 * if spread.is_finite() && spread > 0.0 { spread } else { 1.0 };
        for (ra, rb) in a.iter().zip(b) {
            if ra[0] != rb[0] || ra[1] != rb[1] {
                return Some(format!("panel/series {:?} vs {:?}", &ra[..2], &rb[..2]));
            }
            let same = match (ra[col].parse::<f64>(), rb[col].parse::<f64>()) {
                (Ok(x), Ok(y)) => (x - y).abs() <= tol,
                _ => ra[col] == rb[col],
            };
            if !same {
                return Some(format!("column {col}: {} vs {}", ra[col], rb[col]));
            }
        }
    }
    None
}

/// Apply every transformation to every file and check that the data do not change.
pub fn assert_invariant(files: &[PathBuf], tag: &str) {
    let dir = tempdir(&format!("invariance-{tag}"));
    let originals: Vec<PathBuf> = files
        .iter()
        .map(|f| {
            let to = dir.join(f.file_name().expect("file name"));
            std::fs::copy(f, &to).expect("copy fixture");
            to
        })
        .collect();
    let base = extract_all(&originals, &dir.join("out"));
    let mut failures = Vec::new();
    let mut checked = 0;
    for (kind, _) in variants("<svg viewBox=\"0 0 1 1\"></svg>") {
        let mut made = Vec::new();
        for f in &originals {
            let text = String::from_utf8_lossy(&std::fs::read(f).expect("read fixture")).into_owned();
            let Some((_, v)) = variants(&text).into_iter().find(|(k, _)| *k == kind) else { continue };
            let stem = f.file_stem().expect("stem").to_string_lossy().into_owned();
            let to = dir.join(format!("{stem}__{kind}.svg"));
            std::fs::write(&to, v).expect("write variant");
            made.push((stem, to));
        }
        let got = extract_all(&made.iter().map(|m| m.1.clone()).collect::<Vec<_>>(), &dir.join(format!("out-{kind}")));
        for (stem, to) in &made {
            checked += 1;
            let vstem = to.file_stem().expect("stem").to_string_lossy().into_owned();
            if let Some(why) = difference(&base[stem], &got[&vstem]) {
                failures.push(format!("{stem} {kind}: {why}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{tag}: {} of {checked} variants changed the data:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_variants_keep_the_document_well_formed_and_the_numbers_equal() {
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100pt\" height=\"50pt\"><style>.a{fill:red}</style><g id=\"p\" class=\"a b\"><circle cx=\"3\" cy=\".5\" r=\"1e1\"/><use href=\"#p\"/></g></svg>";
    for (kind, v) in variants(svg) {
        roxmltree::Document::parse(&v).unwrap_or_else(|e| panic!("{kind}: {e}\n{v}"));
    }
    assert_eq!(pad_numbers("3 .5 2.5 1e1"), "3.000 .5000 2.5000 1e1");
    let r = renamed(svg);
    assert!(r.contains(".zqa{") && !r.contains(" class=\"a") && r.contains("href=\"#zqp\""), "{r}");
}

#[test]
fn invariance_of_the_synthetic_set_the_demo_and_the_chinchilla_figure() {
    let dir = tempdir("inv-synth");
    let st = figdig().args(["synth", "--all", "--out"]).arg(&dir).status().expect("synth");
    assert!(st.success());
    let mut files: Vec<PathBuf> = svgs_in(&dir);
    files.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("figures/demo.svg"));
    if let Some(c) = shared("figures/chinchilla_figure_4.svg") {
        files.push(c);
    }
    assert_invariant(&files, "synthetic");
}

#[test]
fn invariance_of_the_corpus_of_real_figures() {
    let Some(dir) = shared("corpus") else { return };
    assert_invariant(&svgs_in(&dir), "corpus");
}

/// The SVG files of a folder, sorted.
pub fn svgs_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .collect();
    v.sort();
    v
}
