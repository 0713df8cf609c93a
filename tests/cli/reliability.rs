//! Files a user can trust: distinct output names, no foreign folder ever replaced, one-step
//! replacement that survives kills and concurrent runs, inputs checked before work, and every
//! failure reported. Figures come from the project's own synthetic renderer.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::common::{figdig, tempdir};

/// Figures for a batch: the synthetic set (`figdig synth --all`), copied under a second name
/// until there are `n`, in `dir/figs`.
fn synth_figures(dir: &Path, n: usize) -> Vec<PathBuf> {
    let figs = dir.join("figs");
    let o = figdig().args(["synth", "--all", "--out"]).arg(&figs).output().expect("run synth");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut svgs: Vec<PathBuf> = std::fs::read_dir(&figs)
        .expect("figs")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .collect();
    svgs.sort();
    let originals = svgs.clone();
    for (i, src) in originals.iter().cycle().enumerate().take(n.saturating_sub(originals.len())) {
        let copy = figs.join(format!("copy{i}_{}", src.file_name().expect("name").to_string_lossy()));
        std::fs::copy(src, &copy).expect("copy");
        svgs.push(copy);
    }
    svgs.truncate(n);
    svgs
}

/// The demo figure's SVG text.
fn demo_svg() -> String {
    figdig::synth::render(&figdig::synth::demo_spec()).svg
}

fn extract(args: &[&std::ffi::OsStr]) -> Output {
    figdig().arg("extract").args(args).output().expect("run figdig")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Names in `dir` (sorted).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// A complete output folder: the marker, a parsable figure.json, points.csv with a header and
/// rows, and (with the audit) the certificate, audit.png and audit.html.
fn assert_complete(folder: &Path, audit: bool) {
    let have = names(folder);
    let mut want = vec![".figdig-output", "figure.json", "points.csv"];
    if audit {
        want.extend(["audit.html", "audit.png", "certificate.json"]);
    }
    for w in want {
        assert!(have.iter().any(|h| h == w), "{}: {w} missing (has {have:?})", folder.display());
    }
    let fig = std::fs::read(folder.join("figure.json")).expect("figure.json");
    serde_json::from_slice::<serde_json::Value>(&fig).unwrap_or_else(|e| panic!("{}: {e}", folder.display()));
    let csv = std::fs::read_to_string(folder.join("points.csv")).expect("points.csv");
    assert!(csv.lines().count() > 1, "{}: points.csv has no rows", folder.display());
}

fn no_temporaries(out: &Path) {
    let left: Vec<String> = names(out).into_iter().filter(|n| n.starts_with(".figdig-")).collect();
    assert!(left.is_empty(), "temporary folders left in {}: {left:?}", out.display());
}

/// A one-page PDF of an SVG, made by MuPDF.
fn pdf_of(svg: &Path, pdf: &Path) {
    let m = Command::new("mutool").arg("convert").arg("-o").arg(pdf).arg(svg).output().expect("mutool");
    assert!(m.status.success(), "{}", String::from_utf8_lossy(&m.stderr));
}

/// Exit status 2 with `text` on stderr, and `out` never created.
fn assert_usage_error(o: &Output, text: &str, out: &Path) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    assert!(stderr(o).contains(text), "{}", stderr(o));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn same_stem_in_two_folders_gets_two_outputs_named_by_parent() {
    let dir = tempdir("rel-collide");
    let figs = synth_figures(&dir, 2);
    for (d, src) in ["d1", "d2"].iter().zip(&figs) {
        std::fs::create_dir_all(dir.join(d)).expect("mkdir");
        std::fs::copy(src, dir.join(d).join("fig.svg")).expect("copy");
    }
    let out = dir.join("out");
    let o = extract(&[
        dir.join("d1/fig.svg").as_os_str(),
        dir.join("d2/fig.svg").as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--no-audit".as_ref(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(names(&out), ["d1_fig.svg", "d2_fig.svg"]);
    let points = |d: &str| std::fs::read(out.join(d).join("points.csv")).expect("points");
    assert_ne!(points("d1_fig.svg"), points("d2_fig.svg"), "each folder holds its own figure's data");
}

#[test]
fn the_same_file_twice_is_a_usage_error_before_anything_is_written() {
    let dir = tempdir("rel-twice");
    let figs = synth_figures(&dir, 1);
    let out = dir.join("out");
    let o = extract(&[figs[0].as_os_str(), figs[0].as_os_str(), "--out".as_ref(), out.as_os_str()]);
    assert_usage_error(&o, "same output folder", &out);
}

#[test]
fn pdf_page_and_svg_named_like_it_get_distinct_folders() {
    let dir = tempdir("rel-pdfsvg");
    let figs = synth_figures(&dir, 2);
    let pdf = dir.join("fig.pdf");
    pdf_of(&figs[0], &pdf);
    std::fs::copy(&figs[1], dir.join("fig_p1.svg")).expect("copy");
    let out = dir.join("out");
    let o = extract(&[
        pdf.as_os_str(),
        dir.join("fig_p1.svg").as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--no-audit".as_ref(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let parent = dir.file_name().expect("name").to_string_lossy().into_owned();
    assert_eq!(names(&out), [format!("{parent}_fig.pdf_p1"), format!("{parent}_fig_p1.svg")]);
}

#[test]
fn a_folder_figdig_did_not_write_is_kept_and_named() {
    let dir = tempdir("rel-foreign");
    let figs = synth_figures(&dir, 1);
    let out = dir.join("out");
    let stem = figs[0].file_stem().expect("stem").to_string_lossy().into_owned();
    std::fs::create_dir_all(out.join(&stem)).expect("mkdir");
    std::fs::write(out.join(&stem).join("my notes.txt"), "keep me").expect("write");
    let o = extract(&[figs[0].as_os_str(), "--out".as_ref(), out.as_os_str()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains(&out.join(&stem).display().to_string()), "names the folder: {}", stderr(&o));
    assert!(stderr(&o).contains("not written by figdig"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(out.join(&stem).join("my notes.txt")).expect("kept"), "keep me");
    assert_eq!(names(&out), [stem.as_str()], "no temporary folder left");
    // A folder figdig wrote is replaced.
    let o = extract(&[figs[0].as_os_str(), "--out".as_ref(), dir.join("out2").as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = extract(&[figs[0].as_os_str(), "--out".as_ref(), dir.join("out2").as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_complete(&dir.join("out2").join(&stem), true);
    // Unless a user added a file to it: then it is kept, file and all.
    std::fs::write(dir.join("out2").join(&stem).join("notes.md"), "mine").expect("write");
    let o = extract(&[figs[0].as_os_str(), "--out".as_ref(), dir.join("out2").as_os_str()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(dir.join("out2").join(&stem).join("notes.md")).expect("kept"), "mine");
}

#[test]
fn page_past_the_end_of_a_pdf_is_a_usage_error() {
    let dir = tempdir("rel-page");
    let figs = synth_figures(&dir, 1);
    let pdf = dir.join("fig.pdf");
    pdf_of(&figs[0], &pdf);
    let out = dir.join("out");
    let o = extract(&[pdf.as_os_str(), "--page".as_ref(), "5".as_ref(), "--out".as_ref(), out.as_os_str()]);
    assert_usage_error(&o, "--page 5 is past the end: the PDF has 1 page", &out);
}

#[test]
fn page_on_an_svg_is_a_usage_error() {
    let dir = tempdir("rel-pagesvg");
    let figs = synth_figures(&dir, 1);
    let out = dir.join("out");
    let o = extract(&[figs[0].as_os_str(), "--page".as_ref(), "2".as_ref(), "--out".as_ref(), out.as_os_str()]);
    assert_usage_error(&o, "--page 2 applies to PDF input", &out);
}

/// Gzip-compress `bytes` with the system's gzip (a public producer of .svgz files).
fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut child = Command::new("gzip").arg("-c").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("gzip");
    let mut stdin = child.stdin.take().expect("stdin");
    let data = bytes.to_vec();
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &data));
    let o = child.wait_with_output().expect("gzip output");
    writer.join().expect("join").expect("write");
    o.stdout
}

#[test]
fn svgz_and_gzip_content_are_read_and_a_gzip_bomb_is_refused() {
    let dir = tempdir("rel-gzip");
    let gz = gzip(demo_svg().as_bytes());
    std::fs::write(dir.join("a.svgz"), &gz).expect("write");
    std::fs::write(dir.join("b.svg"), &gz).expect("write");
    // 100 MB of spaces after the figure compress to about 100 kB: over the 64 MiB limit once read.
    let bomb = gzip(format!("{}{}", demo_svg(), " ".repeat(100 << 20)).as_bytes());
    std::fs::write(dir.join("bomb.svgz"), &bomb).expect("write");
    let out = dir.join("out");
    let o = extract(&[
        dir.join("a.svgz").as_os_str(),
        dir.join("b.svg").as_os_str(),
        dir.join("bomb.svgz").as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--no-audit".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("bomb.svgz: error: decompressed, the SVG is over the limit of 67108864 bytes"),
        "{}",
        stderr(&o)
    );
    assert_eq!(names(&out), ["a", "b"]);
    assert_eq!(
        std::fs::read(out.join("a/points.csv")).expect("a"),
        std::fs::read(out.join("b/points.csv")).expect("b")
    );
}

#[test]
fn a_png_named_svg_is_named_as_a_raster_image() {
    let dir = tempdir("rel-png");
    let png = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];
    std::fs::write(dir.join("plot.svg"), png).expect("write");
    let o = extract(&[dir.join("plot.svg").as_os_str(), "--out".as_ref(), dir.join("out").as_os_str()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("plot.svg: error: the file is a PNG image"), "{}", stderr(&o));
    assert!(stderr(&o).contains("figdig reads SVG"), "{}", stderr(&o));
}

#[test]
fn dash_reads_svg_from_standard_input_into_stdin_folder() {
    let dir = tempdir("rel-stdin");
    let out = dir.join("out");
    let mut child = figdig()
        .args(["extract", "-", "--no-audit", "--out"])
        .arg(&out)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    std::io::Write::write_all(&mut stdin, demo_svg().as_bytes()).expect("write");
    drop(stdin);
    let o = child.wait_with_output().expect("wait");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_complete(&out.join("stdin"), false);
}

#[test]
fn no_argument_and_no_figures_folder_says_what_it_looked_for() {
    let dir = tempdir("rel-noarg");
    let o = figdig().arg("extract").current_dir(&dir).output().expect("run");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no figures/ folder"), "{}", stderr(&o));
}

#[test]
fn json_lists_failures_with_path_status_and_reason() {
    let dir = tempdir("rel-json");
    let figs = synth_figures(&dir, 1);
    std::fs::write(dir.join("broken.svg"), "<svg").expect("write");
    let o = extract(&[
        figs[0].as_os_str(),
        dir.join("broken.svg").as_os_str(),
        "--json".as_ref(),
        "--no-audit".as_ref(),
        "--out".as_ref(),
        dir.join("out").as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let all: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(all.len(), 2);
    assert_eq!(all[0]["status"], "ok");
    assert_eq!(all[1]["status"], "failed");
    assert_eq!(all[1]["figure"], "broken.svg");
    assert_eq!(all[1]["path"], dir.join("broken.svg").display().to_string());
    assert!(all[1]["reason"].as_str().is_some_and(|r| r.contains("XML")), "{}", all[1]);
}

/// `figdig extract DIR/figs --out OUT` (with the audit) started in the background.
fn spawn_batch(dir: &Path, out: &Path) -> std::process::Child {
    figdig()
        .arg("extract")
        .arg(dir.join("figs"))
        .arg("--out")
        .arg(out)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn")
}

#[test]
fn two_concurrent_runs_on_one_out_both_succeed_with_every_folder_complete() {
    let dir = tempdir("rel-concurrent");
    let figs = synth_figures(&dir, 20);
    let out = dir.join("out");
    let (a, b) = (spawn_batch(&dir, &out), spawn_batch(&dir, &out));
    for o in [a.wait_with_output().expect("a"), b.wait_with_output().expect("b")] {
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(names(&out).len(), figs.len());
    for f in &figs {
        assert_complete(&out.join(f.file_stem().expect("stem")), true);
    }
    no_temporaries(&out);
}

#[test]
fn killed_reextractions_never_lose_a_complete_folder_and_leftovers_go_next_run() {
    let dir = tempdir("rel-kill");
    let figs = synth_figures(&dir, 20);
    let out = dir.join("out");
    let run = || spawn_batch(&dir, &out);
    let started = std::time::Instant::now();
    assert!(run().wait().expect("first run").success());
    // Kill moments spread over one whole run's duration (a run being at most this long).
    let span = started.elapsed().as_micros().max(1000) as u64;
    let mut state = 0x2545_f491_4f6c_dd1d_u64 ^ u64::from(std::process::id());
    for _ in 0..24 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut child = run();
        std::thread::sleep(std::time::Duration::from_micros(state % span));
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        for f in &figs {
            assert_complete(&out.join(f.file_stem().expect("stem")), true);
        }
    }
    let o = figdig().arg("extract").arg(dir.join("figs")).arg("--out").arg(&out).output().expect("run");
    assert!(o.status.success(), "{}", stderr(&o));
    no_temporaries(&out);
    assert_eq!(names(&out).len(), figs.len());
}

/// A process id that is certainly finished: a child already reaped.
fn dead_pid() -> u32 {
    let mut done = Command::new("true").spawn().expect("true");
    done.wait().expect("reap");
    done.id()
}

#[test]
fn leftovers_of_dead_runs_are_cleaned_and_foreign_lookalikes_kept() {
    let dir = tempdir("rel-stale");
    let figs = synth_figures(&dir, 1);
    let out = dir.join("out");
    let dead = dead_pid();
    let plant = |name: &str, files: &[&str]| {
        std::fs::create_dir_all(out.join(name)).expect("mkdir");
        for f in files {
            std::fs::write(out.join(name).join(f), "{}").expect("write");
        }
    };
    plant(&format!(".figdig-tmp.{dead}.0.half"), &[".figdig-output", "points.csv"]);
    plant(&format!(".figdig-tmp.{dead}.1.empty"), &[]);
    plant(&format!(".figdig-old.{dead}.2.aside"), &[".figdig-output", "figure.json"]);
    plant(&format!(".figdig-tmp.{dead}.3.users"), &["thesis.tex"]);
    let o = extract(&[figs[0].as_os_str(), "--out".as_ref(), out.as_os_str(), "--no-audit".as_ref()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stem = figs[0].file_stem().expect("stem").to_string_lossy().into_owned();
    let mut want = vec![format!(".figdig-tmp.{dead}.3.users"), "aside".to_string(), stem];
    want.sort();
    assert_eq!(names(&out), want, "{}", stderr(&o));
    assert!(out.join("aside/figure.json").exists(), "an aside folder whose destination is gone is put back");
}

#[test]
fn a_marker_at_nan_is_a_warning_on_stderr_with_its_path_and_counted() {
    let dir = tempdir("rel-nan");
    let svg = demo_svg().replacen("</svg>", r##"<circle cx="NaN" cy="40" r="3" fill="#d62728"/></svg>"##, 1);
    std::fs::write(dir.join("nan.svg"), svg).expect("write");
    let out = dir.join("out");
    let o = extract(&[dir.join("nan.svg").as_os_str(), "--out".as_ref(), out.as_os_str(), "--no-audit".as_ref()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("nan.svg: warning: /svg/circle["), "typed warning with the element's path: {err}");
    assert!(err.contains("cx=\"NaN\" is not a finite number: element skipped"), "{err}");
    assert!(err.contains("1 element(s) skipped for bad numbers"), "counted in the summary: {err}");
    let fig: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("nan/figure.json")).expect("json")).expect("parse");
    assert_eq!(fig["skipped_elements"]["total"], 1);
    assert_eq!(fig["skipped_elements"]["listed"][0]["kind"], "non_finite_attribute");
}

/// Peak resident memory (MB) of a finished child, from its own rusage (`wait4`), so parallel
/// tests' processes do not count.
fn wait_peak_mb(child: std::process::Child) -> (i32, f64) {
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: `status` and `usage` are valid for writes; `pid` is our unreaped child.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4: {}", std::io::Error::last_os_error());
    (libc::WEXITSTATUS(status), usage.ru_maxrss as f64 / 1024.0)
}

#[test]
fn a_40_mb_single_path_is_refused_naming_the_limit_in_under_200_mb() {
    let dir = tempdir("rel-bigpath");
    let d = format!("M60 100{}", "l1 0".repeat(10 << 20));
    let svg = demo_svg().replacen("</svg>", &format!(r##"<path d="{d}" stroke="#000"/></svg>"##), 1);
    assert!(svg.len() > 40 << 20);
    std::fs::write(dir.join("big.svg"), svg).expect("write");
    let mut child = figdig()
        .arg("extract")
        .arg(dir.join("big.svg"))
        .arg("--out")
        .arg(dir.join("out"))
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut err).expect("read");
    let (code, peak) = wait_peak_mb(child);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "number of segments in one path exceeds the limit of 1000000 (SceneOptions::max_segments_per_path)"
        ),
        "{err}"
    );
    assert!(peak < 200.0, "peak {peak:.0} MB");
}

#[test]
fn a_pdf_of_several_pages_without_page_fails_saying_what_it_is_and_the_batch_goes_on() {
    let dir = tempdir("rel-multipage");
    let figs = synth_figures(&dir, 2);
    pdf_of(&figs[0], &dir.join("a.pdf"));
    pdf_of(&figs[1], &dir.join("b.pdf"));
    let m = Command::new("mutool")
        .arg("merge")
        .arg("-o")
        .arg(dir.join("two.pdf"))
        .arg(dir.join("a.pdf"))
        .arg(dir.join("b.pdf"))
        .output()
        .expect("mutool");
    assert!(m.status.success(), "{}", String::from_utf8_lossy(&m.stderr));
    let out = dir.join("out");
    let o = extract(&[
        dir.join("two.pdf").as_os_str(),
        figs[0].as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--no-audit".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("two.pdf: error: a PDF document of 2 pages"), "{}", stderr(&o));
    assert!(stderr(&o).contains("give --page N (1 to 2)"), "{}", stderr(&o));
    assert_eq!(names(&out).len(), 1, "the SVG was extracted");
}

#[test]
fn pdf_conversion_folders_of_dead_runs_are_removed_from_the_temp_folder() {
    let dir = tempdir("rel-pdftmp");
    let figs = synth_figures(&dir, 1);
    let tmp = dir.join("tmp");
    let dead = dead_pid();
    for (name, file) in [("1-0", ".figdig-output"), ("2-0", "users.txt")] {
        let d = tmp.join(format!("figdig-pdf-{dead}-{name}"));
        std::fs::create_dir_all(&d).expect("mkdir");
        std::fs::write(d.join(file), "x").expect("write");
    }
    let o = figdig()
        .arg("extract")
        .arg(&figs[0])
        .arg("--no-audit")
        .arg("--out")
        .arg(dir.join("out"))
        .env("TMPDIR", &tmp)
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(names(&tmp), [format!("figdig-pdf-{dead}-2-0")], "only the marked leftover is removed");
}
