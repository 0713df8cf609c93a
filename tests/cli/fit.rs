//! CLI tests of `figdig fit` and `figdig optimal`.

use crate::common::{figdig, shared, tempdir};
use serde_json::Value;
use std::path::Path;

fn num(v: &Value, path: &[&str]) -> f64 {
    let mut cur = v;
    for k in path {
        cur = &cur[*k];
    }
    cur.as_f64().unwrap_or_else(|| panic!("fit.json: {} is not a number: {cur}", path.join(".")))
}

/// A small synthetic dataset in the replication's layout, from a known law (no noise beyond rounding).
fn write_synthetic(dir: &Path) -> std::path::PathBuf {
    let mut s = String::from("Model Size,Training FLOP,loss\n");
    let mut k = 0u64;
    for i in 0..6 {
        let c = 10f64.powf(18.0 + 0.7 * i as f64);
        for j in 0..10 {
            let n = (c / 120.0).sqrt() * 10f64.powf(-1.0 + 2.0 * j as f64 / 9.0);
            let d = c / (6.0 * n);
            // Deterministic "noise" from a tiny LCG keeps the test self-contained.
            k = k.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let z = ((k >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 0.02;
            let l = (1.8 + 400.0 / n.powf(0.34) + 2000.0 / d.powf(0.37)) * z.exp();
            s += &format!("{n},{c},{l}\n");
        }
    }
    let p = dir.join("synthetic.csv");
    std::fs::write(&p, s).expect("write synthetic csv");
    p
}

#[test]
fn fit_reproduces_replication_numbers() {
    let Some(csv) = shared("reference/replication_svg_extracted_data.csv") else { return };
    let out = tempdir("fit-replication");
    let o = figdig().arg("fit").arg(&csv).arg("--out").arg(&out).output().expect("run figdig");
    assert!(o.status.success(), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    let j: Value = serde_json::from_str(&std::fs::read_to_string(out.join("fit.json")).expect("fit.json"))
        .expect("fit.json parses");
    assert!(out.join("fit.md").exists());
    assert_eq!(j["n_points"].as_u64(), Some(240));
    let obj = num(&j, &["objective"]);
    assert!(obj <= 1.01827403e-3, "objective {obj}");
    // (name, published value, published bootstrap SE)
    let published = [
        ("A", 477.8, 124.5),
        ("B", 2143.0, 1293.0),
        ("E", 1.8172, 0.0257),
        ("alpha", 0.3473, 0.0154),
        ("beta", 0.3672, 0.0206),
    ];
    for (k, v, se) in published {
        let est = num(&j, &["params", k]);
        assert!((est - v).abs() <= 0.1 * se, "{k} = {est}, published {v} (0.1 SE = {})", 0.1 * se);
        let my_se = num(&j, &["se", k]);
        assert!((my_se / se - 1.0).abs() <= 0.15, "SE of {k} = {my_se}, published {se}");
        let ci = &j["ci95"][k];
        assert!(ci[0].as_f64().unwrap_or(f64::NAN) < est && est < ci[1].as_f64().unwrap_or(f64::NAN));
    }
    let chi2 = num(&j, &["tests", "chi2_vs_hoffmann", "statistic"]);
    let p = num(&j, &["tests", "chi2_vs_hoffmann", "p_value"]);
    assert!(chi2 > 100.0 && p < 1e-30 && p > 0.0, "chi2 {chi2}, p {p}");
    let lrt_p = num(&j, &["tests", "lrt_vs_hoffmann", "p_value"]);
    assert!(lrt_p < 1e-3, "LRT p {lrt_p}");
    let a = num(&j, &["policy", "a"]);
    assert!((a - 0.513).abs() <= 0.005, "a = {a}");
    let runs = num(&j, &["tests", "required_runs_a_width_0_001"]);
    assert!((3e5..=1.5e6).contains(&runs), "required runs {runs}");
    assert_eq!(j["bootstrap"]["resamples"].as_u64(), Some(4000));
    assert!(j["bootstrap"]["samples"].as_array().map(|s| s.len()).unwrap_or(0) >= 3990);
    assert!(num(&j, &["starts", "n_reached_best"]) >= 1.0);
    let tpp = num(&j, &["policy", "tokens_per_param_at_chinchilla", "median"]);
    assert!((5.0..60.0).contains(&tpp), "tokens per parameter {tpp}");

    // `optimal` from the fit just written, with and without inference tokens.
    let o = figdig()
        .args(["optimal", "--flops", "5.88e23", "--inference-tokens", "1e13", "--fit"])
        .arg(out.join("fit.json"))
        .output()
        .expect("run figdig optimal");
    assert!(o.status.success(), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    for needle in ["this fit:", "20 tokens/parameter:", "Hoffmann et al.:", "inference-aware:"] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

#[test]
fn fit_and_optimal_on_synthetic_data() {
    let dir = tempdir("fit-synthetic");
    let csv = write_synthetic(&dir);
    // Default --out is the dataset's directory.
    let o = figdig().args(["fit", "--bootstrap", "100", "--seed", "3"]).arg(&csv).output().expect("run figdig");
    assert!(o.status.success(), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    let j: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("fit.json")).expect("fit.json")).expect("json");
    assert_eq!(j["n_points"].as_u64(), Some(55)); // 60 rows, 5 highest losses dropped
    assert!((num(&j, &["params", "alpha"]) - 0.34).abs() < 0.05);
    assert_eq!(j["bootstrap"]["seed"].as_u64(), Some(3));
    assert!(std::fs::read_to_string(dir.join("fit.md")).expect("fit.md").contains("Compute-optimal policy"));
    // No temporary files left behind by the atomic writes.
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("read dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    // `optimal` defaults to ./fit.json.
    let o = figdig().current_dir(&dir).args(["optimal", "--flops", "1e22", "--json"]).output().expect("run");
    assert!(o.status.success(), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_slice(&o.stdout).expect("optimal --json parses");
    let (n, d) = (num(&r, &["fit", "point", "n"]), num(&r, &["fit", "point", "d"]));
    assert!((6.0 * n * d / 1e22 - 1.0).abs() < 1e-9);
}

#[test]
fn fit_replication_starts_mode_runs() {
    let dir = tempdir("fit-repl-starts");
    let csv = write_synthetic(&dir);
    let o = figdig()
        .args(["fit", "--bootstrap", "20", "--starts", "replication", "--out"])
        .arg(dir.join("out"))
        .arg(&csv)
        .output()
        .expect("run figdig");
    assert!(o.status.success(), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    let j: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out/fit.json")).expect("fit.json")).expect("json");
    assert_eq!(j["starts"]["mode"].as_str(), Some("replication"));
    assert_eq!(j["starts"]["n_starts"].as_u64(), Some(4500));
}

#[test]
fn fit_missing_column_is_named() {
    let dir = tempdir("fit-missing-col");
    let p = dir.join("bad.csv");
    std::fs::write(&p, "Model Size,Training FLOP,los\n1e9,1e20,3\n").expect("write");
    let o = figdig().arg("fit").arg(&p).output().expect("run");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("missing column `loss`"), "{err}");
    assert!(!dir.join("fit.json").exists());
}

#[test]
fn fit_non_positive_value_names_row_and_column() {
    let dir = tempdir("fit-bad-value");
    let p = dir.join("bad.csv");
    let mut s = String::from("Model Size,Training FLOP,loss\n");
    for i in 0..20 {
        s += &format!("{}e9,{},3.0\n", i + 1, if i == 6 { "0" } else { "1e20" });
    }
    std::fs::write(&p, s).expect("write");
    let o = figdig().arg("fit").arg(&p).output().expect("run");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("row 7") && err.contains("`Training FLOP`") && err.contains("not positive"), "{err}");
}

#[test]
fn optimal_without_fit_json_fails_clearly() {
    let dir = tempdir("optimal-missing");
    let o = figdig().current_dir(&dir).args(["optimal", "--flops", "1e22"]).output().expect("run");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("fit.json not found"), "{err}");
}
