//! `figdig corpus` (issue 17): manifest in, one folder per figure, a summary table and one long
//! points table out; resumable; `--shard I/N`.

use std::path::{Path, PathBuf};

use crate::common::{figdig, tempdir};

/// The synthetic set in `dir/set/`, and a CSV manifest of its figures (paths relative to `dir`).
fn synthetic_manifest(dir: &Path) -> (PathBuf, Vec<String>) {
    let set = dir.join("set");
    let o = figdig().args(["synth", "--all", "--out"]).arg(&set).output().expect("run synth");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut names: Vec<String> = std::fs::read_dir(&set)
        .expect("list")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".svg"))
        .collect();
    names.sort();
    let manifest = dir.join("manifest.csv");
    let text: String = std::iter::once("path,note".to_string())
        .chain(names.iter().map(|n| format!("set/{n},from synth")))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&manifest, text + "\n").expect("write manifest");
    (manifest, names)
}

fn corpus(manifest: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    figdig().arg("corpus").arg(manifest).arg("--out").arg(out).arg("--no-audit").args(extra).output().expect("run")
}

/// Rows of a CSV file as lists of fields, header first.
fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_path(path).expect("open csv");
    r.records().map(|x| x.expect("row").iter().map(str::to_string).collect()).collect()
}

#[test]
fn issue17_corpus_points_table_holds_every_figures_points_csv_behind_its_id() {
    let dir = tempdir("corpus-long");
    let (manifest, names) = synthetic_manifest(&dir);
    let out = dir.join("out");
    let o = corpus(&manifest, &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = rows(&out.join("summary.csv"));
    assert_eq!(
        summary[0],
        ["figure", "path", "page", "status", "panels", "markers", "rows", "warnings", "skipped", "reason"]
    );
    assert_eq!(summary.len(), names.len() + 1);
    // The same figures through `figdig extract`: the long table is their points.csv rows, in
    // manifest order, each behind its figure's id.
    let single = dir.join("single");
    let o =
        figdig().arg("extract").arg(dir.join("set")).arg("--out").arg(&single).arg("--no-audit").output().expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let long = rows(&out.join("points.csv"));
    assert_eq!(long[0][0], "figure");
    let mut want = vec![long[0].clone()];
    for (name, s) in names.iter().zip(&summary[1..]) {
        let id = name.trim_end_matches(".svg");
        assert_eq!(s[0], id);
        assert_eq!(s[3], "ok", "{s:?}");
        let fig = rows(&single.join(id).join("points.csv"));
        assert_eq!(fig[0][..], long[0][1..]);
        assert_eq!(s[6], (fig.len() - 1).to_string(), "{id}: rows in the summary");
        want.extend(fig[1..].iter().map(|r| std::iter::once(id.to_string()).chain(r.iter().cloned()).collect()));
    }
    assert_eq!(long, want);
}

#[test]
fn issue17_corpus_resumes_skipping_figures_done_and_redoes_changed_ones() {
    let dir = tempdir("corpus-resume");
    let (manifest, names) = synthetic_manifest(&dir);
    let out = dir.join("out");
    assert!(corpus(&manifest, &out, &[]).status.success());
    let before = std::fs::read(out.join("points.csv")).expect("points");
    let o = corpus(&manifest, &out, &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("{} figure(s): 0 run", names.len())), "{err}");
    assert!(err.contains(&format!("{} already done", names.len())), "{err}");
    assert_eq!(std::fs::read(out.join("points.csv")).expect("points"), before);
    // A figure whose folder is gone, and one whose file changed, run again; the rest are skipped.
    let gone = names[0].trim_end_matches(".svg");
    std::fs::remove_dir_all(out.join("figures").join(gone)).expect("remove");
    let changed = dir.join("set").join(&names[1]);
    let text = std::fs::read_to_string(&changed).expect("read") + "\n<!-- edited -->\n";
    std::fs::write(&changed, text).expect("write");
    let o = corpus(&manifest, &out, &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("{} figure(s): 2 run", names.len())), "{err}");
    assert_eq!(std::fs::read(out.join("points.csv")).expect("points"), before);
}

#[test]
fn issue17_corpus_shard_takes_every_nth_row() {
    let dir = tempdir("corpus-shard");
    let (manifest, names) = synthetic_manifest(&dir);
    let out = dir.join("out");
    let mut taken = Vec::new();
    for i in 0..3 {
        let o = corpus(&manifest, &out, &["--shard", &format!("{i}/3")]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let s = rows(&out.join(format!("summary.shard-{i}-of-3.csv")));
        let ids: Vec<&str> = s[1..].iter().map(|r| r[0].as_str()).collect();
        let want: Vec<&str> =
            names.iter().enumerate().filter(|(k, _)| k % 3 == i).map(|(_, n)| n.trim_end_matches(".svg")).collect();
        assert_eq!(ids, want, "shard {i}/3");
        taken.extend(want.into_iter().map(str::to_string));
        assert!(out.join(format!("points.shard-{i}-of-3.csv")).is_file());
    }
    taken.sort();
    assert_eq!(taken.len(), names.len());
    // After every shard, a run without --shard finds all done and writes the whole tables.
    let o = corpus(&manifest, &out, &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("{} figure(s): 0 run", names.len())), "{err}");
    assert_eq!(rows(&out.join("summary.csv")).len(), names.len() + 1);
    // Bad shards are usage errors.
    for bad in ["3/3", "1", "0/0"] {
        assert_eq!(corpus(&manifest, &out, &["--shard", bad]).status.code(), Some(2), "{bad}");
    }
}

#[test]
fn issue17_corpus_jsonl_manifest_failures_are_rows_and_the_batch_goes_on() {
    let dir = tempdir("corpus-jsonl");
    let (_, names) = synthetic_manifest(&dir);
    std::fs::write(dir.join("pixels.svg"), b"\x89PNG\r\n\x1a\nnot really").expect("png");
    let lines = [
        format!("{{\"path\": \"set/{}\", \"id\": \"first\"}}", names[0]),
        "{\"path\": \"pixels.svg\"}".to_string(),
        "{\"path\": \"missing.svg\", \"page\": null}".to_string(),
    ];
    let manifest = dir.join("m.jsonl");
    std::fs::write(&manifest, lines.join("\n")).expect("manifest");
    let out = dir.join("out");
    let o = corpus(&manifest, &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let s = rows(&out.join("summary.csv"));
    assert_eq!(s[1][..4], ["first", &format!("set/{}", names[0]), "", "ok"]);
    assert_eq!(s[2][3], "failed");
    assert!(s[2][9].contains("PNG image"), "{:?}", s[2]);
    assert_eq!(s[3][3], "failed");
    assert!(s[3][9].contains("cannot read"), "{:?}", s[3]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("pixels.svg: error: ") && err.contains("missing.svg: error: "), "{err}");
    // Failures are done too: a second run skips them, unless asked to retry.
    let o = corpus(&manifest, &out, &[]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("3 figure(s): 0 run"));
    let o = corpus(&manifest, &out, &["--retry-failed"]);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("3 figure(s): 2 run"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn issue17_corpus_bad_manifest_is_a_usage_error_naming_file_and_line() {
    let dir = tempdir("corpus-bad");
    let out = dir.join("out");
    let cases = [
        ("nopath.csv", "file_name\nfig.svg\n", "no `path` column"),
        ("page.csv", "path,page\nfig.svg,two\n", "line 2: page `two`"),
        ("dup.csv", "path\na.svg\na.svg\n", "rows 0 and 1"),
        ("bad.jsonl", "{\"path\": \"a.svg\"}\n{\"page\": 1}\n", "line 2: no \"path\""),
    ];
    for (name, text, want) in cases {
        let m = dir.join(name);
        std::fs::write(&m, text).expect("write");
        let o = corpus(&m, &out, &[]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(name) && err.contains(want), "{name}: {err}");
    }
    assert!(!out.exists(), "nothing is written before the manifest is read");
    let o = corpus(&dir.join("absent.csv"), &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("absent.csv: cannot read the manifest"));
}

#[test]
fn issue17_corpus_leaves_a_folder_it_did_not_write_untouched() {
    let dir = tempdir("corpus-foreign");
    let (manifest, names) = synthetic_manifest(&dir);
    let out = dir.join("out");
    let mine = out.join("figures").join(names[0].trim_end_matches(".svg"));
    std::fs::create_dir_all(&mine).expect("mkdir");
    std::fs::write(mine.join("notes.txt"), "mine").expect("write");
    let o = corpus(&manifest, &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(mine.join("notes.txt")).expect("kept"), "mine");
    let s = rows(&out.join("summary.csv"));
    assert_eq!(s[1][3], "failed");
    assert!(s[1][9].contains("not written by figdig"), "{:?}", s[1]);
}

/// A column's cell as points.csv writes it: shortest round-trip, empty for NaN.
fn cell(v: f64) -> String {
    if v.is_nan() { String::new() } else { format!("{v}") }
}

#[test]
fn issue17_point_columns_are_points_csv_row_for_row() {
    let mut figures = vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("figures/demo.svg")];
    figures.extend(crate::common::shared("figures/chinchilla_figure_4.svg"));
    for f in figures {
        let bytes = std::fs::read(&f).expect("read");
        let ex = figdig::extract(&bytes, &figdig::ExtractOptions::default()).expect("extract");
        let text = figdig::points_csv(&ex).expect("csv");
        let c = figdig::point_columns(&ex);
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
        assert_eq!(rows.len(), c.len(), "{}", f.display());
        for (k, row) in rows.iter().enumerate() {
            let got = [
                c.panel[k].to_string(),
                c.series[k].to_string(),
                cell(c.x[k]),
                cell(c.y[k]),
                cell(c.value[k]),
                cell(c.x_svg[k]),
                cell(c.y_svg[k]),
                c.fill[k].to_string(),
                c.source[k].to_string(),
                cell(c.value_halfwidth[k]),
                cell(c.y2[k]),
                c.mark[k].to_string(),
                cell(c.line[k]),
                cell(c.piece[k]),
                cell(c.index[k]),
                c.flags[k].to_string(),
                cell(c.x_lo[k]),
                cell(c.x_hi[k]),
                cell(c.y_lo[k]),
                cell(c.y_hi[k]),
            ];
            assert_eq!(
                row.iter().collect::<Vec<_>>(),
                got.iter().map(String::as_str).collect::<Vec<_>>(),
                "{} row {k}",
                f.display()
            );
        }
    }
}

/// Corpus mode over 1,000 figures (the synthetic set repeated) without audits: one summary row
/// per figure, every one done. Its speed (issue 17: 500 figures/s on 2 cores) is a whole-process
/// timing, `benches/resources/corpus_1000.sh`, not a test.
#[test]
fn issue17_corpus_of_1000_synthetic_figures_gives_every_figure_its_row() {
    let dir = tempdir("corpus-1000");
    let (_, names) = synthetic_manifest(&dir);
    let mut lines = vec!["path".to_string()];
    'fill: for k in 0.. {
        let copy = dir.join(format!("copy{k:02}"));
        std::fs::create_dir_all(&copy).expect("mkdir");
        for n in &names {
            std::fs::copy(dir.join("set").join(n), copy.join(n)).expect("copy");
            lines.push(format!("copy{k:02}/{n}"));
            if lines.len() == 1001 {
                break 'fill;
            }
        }
    }
    let manifest = dir.join("m1000.csv");
    std::fs::write(&manifest, lines.join("\n")).expect("manifest");
    let o = corpus(&manifest, &dir.join("out"), &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = rows(&dir.join("out/summary.csv"));
    assert_eq!(summary.len(), 1001);
    assert!(summary.iter().skip(1).all(|r| r.get(3).is_some_and(|s| s == "ok")), "{:?}", &summary[..3]);
}

#[test]
fn issue17_corpus_extracts_again_figures_done_with_other_options() {
    let dir = tempdir("corpus-options");
    let (manifest, names) = synthetic_manifest(&dir);
    let out = dir.join("out");
    assert!(corpus(&manifest, &out, &[]).status.success());
    // Asked for audits now: every figure runs again and gets them; then all are done.
    let o = figdig().arg("corpus").arg(&manifest).arg("--out").arg(&out).output().expect("run");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("{} figure(s): {} run", names.len(), names.len())), "{err}");
    assert!(out.join("figures").join(names[0].trim_end_matches(".svg")).join("audit.png").is_file());
    let o = figdig().arg("corpus").arg(&manifest).arg("--out").arg(&out).output().expect("run");
    assert!(String::from_utf8_lossy(&o.stderr).contains("figure(s): 0 run"));
    let o = corpus(&manifest, &out, &["--filter", "robust"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("{} figure(s): {} run", names.len(), names.len())), "{err}");
}
