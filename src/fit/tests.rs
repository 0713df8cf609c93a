//! Unit tests of the fitting stage (synthetic data; the replication's file is used by the CLI tests).

use super::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A law to recover: [a, b, e, alpha, beta] near the replication's fit.
const TRUE: [f64; 5] = [6.0, 7.5, 0.6, 0.34, 0.37];

/// Synthetic runs on an IsoFLOP-like design: budgets 1e18..1e22, N spread around each budget's
/// optimum, multiplicative Gaussian noise of `sd` on L.
fn synthetic(seed: u64, sd: f64) -> FitData {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut data = FitData::default();
    for k in 0..9 {
        let c = 10f64.powf(18.0 + 0.5 * k as f64);
        for j in 0..25 {
            let n = (c / 120.0).sqrt() * 10f64.powf(-1.2 + 2.4 * j as f64 / 24.0) * (1.0 + 0.01 * rng.random::<f64>());
            let d = c / (6.0 * n);
            // Box-Muller: rand 0.9 without rand_distr has no normal distribution.
            let (u1, u2): (f64, f64) = (rng.random::<f64>().max(1e-300), rng.random());
            let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
            data.n.push(n);
            data.d.push(d);
            data.loss.push(policy::loss(&TRUE, n, d) * (sd * z).exp());
            data.flops.push(c);
        }
    }
    data
}

fn log_data(d: &FitData) -> LogData {
    LogData::new(&d.n, &d.d, &d.loss)
}

#[test]
fn gradient_matches_finite_differences() {
    let ld = log_data(&synthetic(1, 0.01));
    for p in [TRUE, [5.0, 8.0, 0.5, 0.3, 0.4], [7.0, 6.0, 0.7, 0.45, 0.3], [0.0, 0.0, -1.0, 0.0, 0.5]] {
        let (f, g) = objective_and_grad(&ld, &p, HUBER_DELTA);
        assert!((f - objective(&ld, &p, HUBER_DELTA)).abs() <= 1e-12 * f.abs().max(1e-300));
        for k in 0..5 {
            let h = 1e-6;
            let (mut up, mut dn) = (p, p);
            up[k] += h;
            dn[k] -= h;
            let fd = (objective(&ld, &up, HUBER_DELTA) - objective(&ld, &dn, HUBER_DELTA)) / (2.0 * h);
            let scale = g.iter().fold(0.0f64, |m, x| m.max(x.abs())).max(1e-12);
            assert!((fd - g[k]).abs() <= 1e-5 * scale, "param {k} at {p:?}: analytic {} vs fd {fd}", g[k]);
        }
    }
}

#[test]
fn huber_is_continuous_at_delta() {
    let d = HUBER_DELTA;
    assert!((huber(d, d) - huber(d * (1.0 + 1e-12), d)).abs() < 1e-15);
    assert_eq!(huber(-0.5, d), d * (0.5 - d / 2.0));
}

#[test]
fn default_search_at_least_as_good_as_replication_grid() {
    for seed in [2, 3] {
        let ld = log_data(&synthetic(seed, 0.01));
        let s = LocalSettings::default();
        let fast = default_search(&ld, &s).unwrap();
        let grid = run_starts(&ld, &replication_starts(), &s).unwrap();
        assert_eq!(grid.n_starts, 4500);
        assert!(
            fast.best.objective <= grid.best.objective * (1.0 + 1e-9),
            "default {} vs grid {}",
            fast.best.objective,
            grid.best.objective
        );
        assert!(fast.n_reached_best >= 1);
    }
}

#[test]
fn synthetic_fit_recovers_law_and_intervals_cover() {
    let names = ["A", "B", "E", "alpha", "beta"];
    let truth_nat = [TRUE[0].exp(), TRUE[1].exp(), TRUE[2].exp(), TRUE[3], TRUE[4]];
    let (mut covered, mut total) = (0, 0);
    for seed in 10..30u64 {
        let data = synthetic(seed, 0.01);
        let opts = FitOptions { seed, bootstrap: 200, ..FitOptions::default() };
        let r = fit_law(&data, &opts, |_| {}).unwrap();
        let est = [r.params.a_coef, r.params.b_coef, r.params.e_coef, r.params.alpha, r.params.beta];
        let se = [r.se.a_coef, r.se.b_coef, r.se.e_coef, r.se.alpha, r.se.beta];
        let ci = [r.ci95.a_coef, r.ci95.b_coef, r.ci95.e_coef, r.ci95.alpha, r.ci95.beta];
        for k in 0..5 {
            assert!(
                (est[k] - truth_nat[k]).abs() <= 5.0 * se[k],
                "seed {seed}: {} = {} vs true {} (SE {})",
                names[k],
                est[k],
                truth_nat[k],
                se[k]
            );
            total += 1;
            if ci[k][0] <= truth_nat[k] && truth_nat[k] <= ci[k][1] {
                covered += 1;
            }
        }
    }
    let rate = covered as f64 / total as f64;
    eprintln!("95% interval coverage on synthetic data: {covered}/{total}");
    // Nominal 95%; with 100 correlated checks and 200 resamples, accept 85%..100%.
    assert!(rate >= 0.85, "coverage {rate} ({covered}/{total})");
}

#[test]
fn low_noise_fit_is_close() {
    let data = synthetic(5, 0.001);
    let opts = FitOptions { bootstrap: 50, ..FitOptions::default() };
    let r = fit_law(&data, &opts, |_| {}).unwrap();
    assert!((r.params.alpha - TRUE[3]).abs() < 0.01, "alpha {}", r.params.alpha);
    assert!((r.params.beta - TRUE[4]).abs() < 0.01, "beta {}", r.params.beta);
    assert!((r.params.e_coef - TRUE[2].exp()).abs() < 0.01, "E {}", r.params.e_coef);
    assert!((r.policy.a - TRUE[4] / (TRUE[3] + TRUE[4])).abs() < 0.01);
}

#[test]
fn bootstrap_does_not_depend_on_thread_count() {
    let data = synthetic(7, 0.01);
    let opts = FitOptions { seed: 42, bootstrap: 40, ..FitOptions::default() };
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| fit_law(&data, &opts, |_| {}).unwrap())
    };
    let (one, two) = (run(1), run(2));
    assert_eq!(one.bootstrap.samples, two.bootstrap.samples);
    assert_eq!(one.se, two.se);
    assert_eq!(resample_counts(1, 2, 50), resample_counts(1, 2, 50));
    assert_ne!(resample_counts(1, 2, 50), resample_counts(1, 3, 50));
}

#[test]
fn progress_is_called_once_per_resample() {
    let data = synthetic(8, 0.01);
    let calls = std::sync::atomic::AtomicUsize::new(0);
    let opts = FitOptions { bootstrap: 30, ..FitOptions::default() };
    fit_law(&data, &opts, |_| {
        calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    })
    .unwrap();
    assert_eq!(calls.into_inner(), 30);
}

#[test]
fn missing_role_is_named_with_what_was_looked_for() {
    let err = load_csv("Model Size,loss\n1e9,2.5\n".as_bytes()).unwrap_err();
    assert!(matches!(&err, FitError::MissingRole { role, .. } if role == "D"), "{err}");
    let text = err.to_string();
    assert!(text.contains("trainingtokens") && text.contains("--columns D=COLUMN"), "{text}");
    let err = load_csv("params,tokens,los\n1e9,1e10,2.5\n".as_bytes()).unwrap_err();
    assert!(matches!(&err, FitError::MissingRole { role, .. } if role == "L"), "{err}");
}

#[test]
fn two_candidate_columns_for_one_role_name_both() {
    let err = load_csv("params,Model Size,tokens,loss\n1e9,1e9,1e10,2.5\n".as_bytes()).unwrap_err();
    match &err {
        FitError::AmbiguousColumns { role, first, second } => {
            assert_eq!((role.as_str(), first.as_str(), second.as_str()), ("N", "params", "Model Size"));
        }
        other => panic!("unexpected {other}"),
    }
    // Naming one of them resolves it; the other is then unused.
    let mut csv = String::from("params,Model Size,tokens,loss\n");
    for i in 0..12 {
        csv += &format!("{}e8,1,{}e9,{}\n", i + 1, 12 - i, 2.0 + 0.01 * i as f64);
    }
    let opts = LoadOptions { columns: parse_column_spec("N=params").unwrap(), ..Default::default() };
    let l = load_csv_with(csv.as_bytes(), &opts).unwrap();
    assert_eq!(l.data.n[1], 2e8);
}

#[test]
fn columns_detected_by_common_names_and_c_derived() {
    for header in
        ["params,tokens,loss", "N,D,L", "model_size,Training Tokens,val_loss", "Model Size,training_tokens,Loss"]
    {
        let mut csv = format!("{header}\n");
        for i in 0..12 {
            csv += &format!("{}e8,{}e9,{}\n", i + 1, 12 - i, 2.0 + 0.01 * i as f64);
        }
        let l = load_csv(csv.as_bytes()).unwrap_or_else(|e| panic!("{header}: {e}"));
        assert_eq!(l.data.len(), 12, "{header}");
        assert_eq!(l.derived.len(), 1, "{header}");
        assert_eq!((l.derived[0].role, l.derived[0].rows), (ColumnRole::C, 12));
        assert!((l.data.flops[0] / (6.0 * 1e8 * 12e9) - 1.0).abs() < 1e-12);
    }
    // N from C and D.
    let mut csv = String::from("compute,tokens,loss\n");
    for i in 0..12 {
        csv += &format!("6e20,{}e9,{}\n", i + 1, 2.0 + 0.01 * i as f64);
    }
    let l = load_csv(csv.as_bytes()).unwrap();
    assert_eq!(l.derived[0].role, ColumnRole::N);
    assert!((l.data.n[0] - 1e11).abs() < 1.0);
}

#[test]
fn bad_column_spec_is_an_error() {
    assert!(parse_column_spec("X=foo").is_err());
    assert!(parse_column_spec("N").is_err());
    assert!(parse_column_spec("N=a,N=b").is_err());
    let opts = LoadOptions { columns: parse_column_spec("L=nope").unwrap(), ..Default::default() };
    let err = load_csv_with("params,tokens,loss\n1,1,1\n".as_bytes(), &opts).unwrap_err();
    assert!(matches!(&err, FitError::MissingColumn { column, .. } if column == "nope"), "{err}");
}

#[test]
fn non_positive_value_names_row_and_column() {
    let mut csv = String::from("Model Size,Training FLOP,loss\n");
    for i in 0..20 {
        csv += &format!("{}e9,1e20,{}\n", i + 1, if i == 3 { "-2.5".to_string() } else { "3.0".to_string() });
    }
    let err = load_csv(csv.as_bytes()).unwrap_err();
    match &err {
        FitError::BadValue { row, line, column, .. } => {
            assert_eq!((*row, *line, column.as_str()), (4, 5, "loss"));
        }
        other => panic!("unexpected {other}"),
    }
    let text = err.to_string();
    assert!(text.contains("row 4") && text.contains("`loss`"), "{text}");
    let nan = csv.replace("-2.5", "NaN");
    assert!(load_csv(nan.as_bytes()).unwrap_err().to_string().contains("not finite"));
}

#[test]
fn too_few_points_is_an_error() {
    let csv = "Model Size,Training FLOP,loss,excluded\n1e9,1e20,3,\n2e9,1e20,2.9,\n";
    assert!(matches!(load_csv(csv.as_bytes()), Err(FitError::TooFewPoints { n: 2, .. })));
    let data =
        FitData { n: vec![1.0; 3], d: vec![1.0; 3], loss: vec![1.0; 2], flops: vec![1.0; 3], ..Default::default() };
    assert!(matches!(data.validate(), Err(FitError::LengthMismatch(_))));
}

#[test]
fn loader_drops_nothing_unasked_and_lists_every_drop() {
    // No filter: all 20 rows kept, D = C / (6 N).
    let mut csv = String::from("x,y,Model Size,Training FLOP,loss\n");
    for i in 0..20 {
        csv += &format!("0,0,{}e8,6e18,{}\n", i + 1, 2.0 + i as f64 * 0.1);
    }
    let l = load_csv(csv.as_bytes()).unwrap();
    assert_eq!((l.rows_read, l.dropped.len(), l.data.len()), (20, 0, 20));
    assert!((l.data.d[0] - 6e18 / (6.0 * 1e8)).abs() < 1e-3);
    // --filter replication: the 5 highest losses go, each listed with its rank.
    let opts = LoadOptions { filter: RowFilter::Replication, ..Default::default() };
    let l = load_csv_with(csv.as_bytes(), &opts).unwrap();
    assert_eq!(l.data.len(), 15);
    assert!(l.data.loss.iter().all(|&x| x < 3.5 - 1e-9));
    let rows: Vec<usize> = l.dropped.iter().map(|d| d.row).collect();
    assert_eq!(rows, vec![16, 17, 18, 19, 20]);
    assert_eq!(l.dropped[4].reason, DropReason::HighestLoss(1));
    // figdig layout: `excluded` rows and rows without a loss go, nothing else; tokens as given or
    // from C / (6 N).
    let mut csv = String::from(
        "Training FLOP,Model Size,Training Tokens,loss,loss_source,loss_halfwidth,panel,x_svg,y_svg,fill,excluded\n",
    );
    for i in 0..15 {
        let ex = if i == 2 { "duplicate" } else { "" };
        let tok = if i == 4 { String::new() } else { "1e10".to_string() };
        let loss = if i == 7 { String::new() } else { format!("{}", 3.0 - i as f64 * 0.05) };
        csv += &format!("6e19,{}e8,{tok},{loss},colour,0.01,left,1,2,#fff,{ex}\n", i + 1);
    }
    let l = load_csv(csv.as_bytes()).unwrap();
    assert_eq!((l.rows_read, l.data.len()), (15, 13));
    let why: Vec<(usize, DropReason)> = l.dropped.iter().map(|d| (d.row, d.reason.clone())).collect();
    assert_eq!(why, vec![(3, DropReason::Excluded("duplicate".into())), (8, DropReason::NoLoss)]);
    assert!((l.data.d[3] - 6e19 / (6.0 * 5e8)).abs() < 1.0);
    assert_eq!(l.data.d[0], 1e10);
}

#[test]
fn epochs_give_unique_tokens_and_budget_column_groups() {
    let mut csv = String::from("params,tokens,epochs,loss,budget\n");
    for i in 0..12 {
        csv += &format!("1e9,{}e9,{},{},b{}\n", 4 * (i + 1), i + 1, 3.0 - 0.01 * i as f64, i % 3);
    }
    let l = load_csv(csv.as_bytes()).unwrap();
    assert!(l.data.unique_tokens.iter().all(|&u| (u - 4e9).abs() < 1.0), "{:?}", l.data.unique_tokens);
    assert_eq!(l.data.group[4], "b1");
}

#[test]
fn chi2_tail_is_accurate_far_out() {
    // P(chi2_5 > 238): reference value 1.7e-49 order (published); must not underflow to 0.
    let p = stats::chi2_upper(238.0, 5.0);
    assert!(p > 1e-52 && p < 1e-47, "{p}");
    assert!((stats::chi2_upper(11.0705, 5.0) - 0.05).abs() < 1e-4);
}

#[test]
fn chi2_log10_tail_survives_underflow() {
    // Where the direct tail is representable, the log agrees with it, and so does the expansion.
    let direct = stats::chi2_upper(600.0, 5.0).log10();
    assert!((stats::chi2_log10_upper(600.0, 5.0) - direct).abs() < 1e-9);
    assert!((stats::chi2_log10_upper_asymptotic(600.0, 5.0) - direct).abs() < 1e-6, "{direct}");
    // Far out the p-value underflows to 0 but its log does not.
    assert_eq!(stats::chi2_upper(1e5, 5.0), 0.0);
    let l = stats::chi2_log10_upper(1e5, 5.0);
    assert!(l.is_finite() && (-21720.0..-21700.0).contains(&l), "{l}");
    let t = reference::chi2_test(1e5, 5.0);
    assert!(p_text(&t).starts_with("10^-217"), "{}", p_text(&t));
}

#[test]
fn wide_coefficient_intervals_are_flagged_not_identified() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let samples: Vec<[f64; 5]> = (0..400)
        .map(|_| {
            let z: f64 = rng.random_range(-1.0..1.0);
            // ln A spread +-5 (4+ decades), ln B +-0.1, ln E +-0.01.
            [6.0 + 5.0 * z, 7.0 + 0.1 * z, 0.5 + 0.01 * z, 0.3, 0.3]
        })
        .collect();
    let u = report::Uncertainty::of(&samples, 2.0);
    let flagged: Vec<&str> = u
        .warnings
        .iter()
        .filter_map(|w| match w {
            FitWarning::NotIdentified { param, .. } => Some(param.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(flagged, vec!["A"]);
    assert!((u.se_log[0] - 5.0 / 3f64.sqrt()).abs() < 0.3, "{}", u.se_log[0]);
}

#[test]
fn reference_reads_fit_json_or_natural_parameters() {
    let nat = r#"{"A": 406.4, "B": 410.7, "E": 1.69, "alpha": 0.34, "beta": 0.28}"#;
    let r = Reference::from_json("h.json", nat).unwrap();
    assert!((r.params_log[0] - 406.4f64.ln()).abs() < 1e-12 && r.params_log[4] == 0.28);
    let fit = r#"{"params_log": [1, 2, 0.5, 0.3, 0.4], "other": 3}"#;
    assert_eq!(Reference::from_json("f.json", fit).unwrap().params_log, [1.0, 2.0, 0.5, 0.3, 0.4]);
    assert!(Reference::from_json("bad", r#"{"A": 1}"#).is_err());
    assert!(Reference::from_json("neg", r#"{"A": -1, "B": 1, "E": 1, "alpha": 1, "beta": 1}"#).is_err());
}

/// The data-constrained law's loss under base law `p` (logs) and (R*_D, R*_N), written out here
/// apart from the code under test: D' = U + U R*_D (1 - exp(-R_D/R*_D)), R_D = D/U - 1;
/// U_N = min(N_opt(U), N), R_N = N/U_N - 1, N' likewise.
pub(crate) fn data_constrained_loss(p: &[f64; 5], rs: [f64; 2], n: f64, d: f64, u: f64) -> f64 {
    let (_, b, g) = exponents(p);
    let (r_d, n_opt) = (d / u - 1.0, (g * u).powf(1.0 / b) / u);
    let d_eff = u + u * rs[0] * (1.0 - (-r_d / rs[0]).exp());
    let u_n = n_opt.min(n);
    let r_n = n / u_n - 1.0;
    let n_eff = u_n + u_n * rs[1] * (1.0 - (-r_n / rs[1]).exp());
    policy::loss(p, n_eff, d_eff)
}

/// Runs from the data-constrained law with R*_D = 15, R*_N = 5: single-epoch IsoFLOP-like runs,
/// then models of several sizes trained for 1.5..40 epochs on a few unique-token budgets.
fn data_constrained_runs(seed: u64, sd: f64) -> FitData {
    let mut d = FitData::default();
    let mut rng = ChaCha8Rng::seed_from_u64(seed + 100);
    let single = synthetic(seed, 0.0);
    let grid = single.n.iter().zip(&single.d).map(|(&n, &dd)| (dd, n, 1.0));
    let repeated = [1e9, 4e9, 1.6e10].into_iter().flat_map(|u| {
        [1e8, 4e8, 1.6e9].into_iter().flat_map(move |n| [1.5, 2.0, 4.0, 8.0, 16.0, 40.0].map(|e| (u, n, e)))
    });
    for (u, n, epochs) in grid.chain(repeated) {
        let dd = u * epochs;
        let z: f64 = rng.random_range(-1.0..1.0) * sd * 3f64.sqrt();
        d.n.push(n);
        d.d.push(dd);
        d.flops.push(6.0 * n * dd);
        d.unique_tokens.push(u);
        d.loss.push(data_constrained_loss(&TRUE, [15.0, 5.0], n, dd, u) * z.exp());
    }
    d
}

#[test]
fn data_constrained_form_recovers_r_stars() {
    let s = LocalSettings::default();
    let o = DataConstrainedOptions { resamples: 20, ..Default::default() };
    for seed in [1, 2, 3] {
        let data = data_constrained_runs(seed, 0.003);
        let dc = data_constrained::data_constrained(&data, &s, &o).unwrap();
        assert_eq!((dc.runs, dc.single_epoch_runs), (data.len(), 225));
        // The joint fit recovers both; the paper's two-stage procedure is biased on R*_N here
        // (single-epoch runs larger than compute-optimal carry excess parameters it ignores).
        let j = &dc.joint;
        assert!((j.r_star_d / 15.0 - 1.0).abs() < 0.3, "seed {seed}: joint R*_D {}", j.r_star_d);
        assert!((j.r_star_n / 5.0 - 1.0).abs() < 0.3, "seed {seed}: joint R*_N {}", j.r_star_n);
        eprintln!(
            "seed {seed}: two-stage R*_D {:.2} R*_N {:.2}; joint {:.2} {:.2}",
            dc.r_star_d, dc.r_star_n, j.r_star_d, j.r_star_n
        );
        assert!((dc.r_star_d / 15.0 - 1.0).abs() < 0.5, "seed {seed}: two-stage R*_D {}", dc.r_star_d);
        let ci = dc.r_star_d_ci95.unwrap();
        assert!(ci[0] <= dc.r_star_d && dc.r_star_d <= ci[1], "{ci:?}");
        assert!(j.objective <= dc.objective);
        assert!(dc.objective < dc.objective_without_decay);
    }
    // Without unique tokens the form is refused, not guessed.
    assert!(data_constrained::data_constrained(&synthetic(1, 0.0), &s, &o).is_err());
}

#[test]
fn every_loss_recovers_the_law_on_clean_data() {
    assert_eq!(Loss::parse("huber:0.01").unwrap(), Loss::Huber(0.01));
    assert_eq!(Loss::parse("mse").unwrap(), Loss::Mse);
    for bad in ["huber:0", "huber:-1", "huber:x", "l1", "huber:inf"] {
        assert!(Loss::parse(bad).is_err(), "{bad}");
    }
    let data = synthetic(11, 0.002);
    for loss in [Loss::Huber(1e-3), Loss::Mse, Loss::Mae] {
        let r = fit_law(&data, &FitOptions { bootstrap: 20, loss, ..FitOptions::default() }, |_| {}).unwrap();
        assert!(
            (r.params.alpha - TRUE[3]).abs() < 0.03 && (r.params.beta - TRUE[4]).abs() < 0.03,
            "{loss}: {:?}",
            r.params
        );
        assert_eq!(r.loss, loss);
    }
}

#[test]
fn budget_bootstrap_draws_whole_budgets() {
    let groups = vec![vec![0, 1, 2], vec![3, 4], vec![5]];
    for k in 0..20 {
        let c = resample_group_counts(7, k, &groups, 6);
        assert_eq!(c, resample_group_counts(7, k, &groups, 6));
        // Runs of one budget always share a multiplicity.
        assert!(c[0] == c[1] && c[1] == c[2] && c[3] == c[4], "{c:?}");
        let drawn = c[0] + c[3] + c[5];
        assert_eq!(drawn, 3, "{c:?}");
    }
    let data = synthetic(12, 0.01);
    let opts = FitOptions { bootstrap: 40, bootstrap_unit: BootstrapUnit::Budget, ..FitOptions::default() };
    let r = fit_law(&data, &opts, |_| {}).unwrap();
    assert_eq!(r.bootstrap.unit, BootstrapUnit::Budget);
    // By budget, the 9 budgets' shared errors widen the SEs relative to runs (here noise is
    // independent, so only modestly); both are finite.
    assert!(r.se.alpha.is_finite() && r.se.alpha > 0.0);
    // Too few budgets: refused rather than resampling 2 units.
    let two = data.select(&data.flops.iter().map(|&c| c < 5e18).collect::<Vec<_>>());
    assert!(matches!(fit_law(&two, &opts, |_| {}), Err(FitError::InvalidOption(_))));
}

#[test]
fn holdout_predicts_held_out_budgets_of_the_true_law() {
    assert_eq!(Holdout::parse("largest:2").unwrap(), Holdout::Largest(2));
    assert_eq!(Holdout::parse("budget").unwrap(), Holdout::EachBudget);
    for bad in ["largest:0", "largest", "smallest:2", "budgets"] {
        assert!(Holdout::parse(bad).is_err(), "{bad}");
    }
    let data = synthetic(13, 0.005);
    let opts = FitOptions { bootstrap: 20, holdout: Some(Holdout::Largest(2)), ..FitOptions::default() };
    let h = fit_law(&data, &opts, |_| {}).unwrap().holdout.unwrap();
    assert_eq!((h.folds.len(), h.runs), (1, 50));
    assert_eq!(h.folds[0].held_flops.len(), 2);
    // Noise is 0.5%: the true law extrapolates within a few noise SDs, and the 95% band covers
    // most held-out runs.
    assert!(h.median_rel_err < 0.01 && h.max_rel_err < 0.03, "{h:?}");
    assert!(h.inside_band as f64 >= 0.8 * h.runs as f64, "{} of {}", h.inside_band, h.runs);
    let opts = FitOptions { bootstrap: 20, holdout: Some(Holdout::EachBudget), ..FitOptions::default() };
    let h = fit_law(&data, &opts, |_| {}).unwrap().holdout.unwrap();
    assert_eq!((h.folds.len(), h.runs), (9, data.len()));
}

#[test]
fn default_search_on_many_points_scores_a_subsample_but_polishes_on_all() {
    // 9 x 1200 runs: over GRID_MAX_POINTS, so the grid sees a stride subsample.
    let mut big = FitData::default();
    for seed in 0..48 {
        let d = synthetic(100 + seed, 0.01);
        big.n.extend(d.n);
        big.d.extend(d.d);
        big.loss.extend(d.loss);
        big.flops.extend(d.flops);
    }
    assert!(big.len() > search::GRID_MAX_POINTS);
    let ld = log_data(&big);
    let s = LocalSettings::default();
    let found = default_search(&ld, &s).unwrap().best;
    let from_truth = lbfgs(&ld, &TRUE, &s).unwrap();
    assert!(found.objective <= from_truth.objective * (1.0 + 1e-9), "{} vs {}", found.objective, from_truth.objective);
    assert!((found.params[3] - TRUE[3]).abs() < 0.01 && (found.params[4] - TRUE[4]).abs() < 0.01);
}

#[test]
fn policy_identities() {
    let c = 1e22;
    let a = compute_optimal(&TRUE, c);
    assert!((6.0 * a.n * a.d / c - 1.0).abs() < 1e-12);
    // a + b = 1 and the allocation minimises loss on the budget: nearby splits are worse.
    let l0 = policy::loss(&TRUE, a.n, a.d);
    for f in [0.9, 1.1] {
        assert!(policy::loss(&TRUE, a.n * f, a.d / f) > l0);
    }
    let same = inference_optimal(&TRUE, c, 0.0);
    assert!((same.n / a.n - 1.0).abs() < 1e-9);
    let inf = inference_optimal(&TRUE, c, 1e13);
    assert!(inf.n < a.n && inf.d > a.d);
    assert!((policy::loss(&TRUE, inf.n, inf.d) / l0 - 1.0).abs() < 1e-9);
    let life = |x: &Allocation| 6.0 * x.n * x.d + 2.0 * x.n * 1e13;
    assert!(life(&inf) <= life(&a));
    let r20 = rule_of_20(c);
    assert!((r20.tokens_per_param - 20.0).abs() < 1e-9);
}

#[test]
fn approach2_recovers_exponent_on_isoflop_slices_with_interval() {
    let o = Approach2Options::default();
    let r = approach2(&synthetic(4, 0.005), &o);
    assert_eq!((r.slices.len(), r.source.clone()), (9, BudgetSource::ComputeClusters));
    let a = r.a.unwrap();
    let truth = TRUE[4] / (TRUE[3] + TRUE[4]);
    assert!((a - truth).abs() < 0.05, "{a}");
    let ci = r.a_ci95.unwrap();
    assert!(ci[0] < a && a < ci[1] && ci[1] - ci[0] < 0.2, "{ci:?}");
    // Scattered compute: no budget has 5 runs.
    let mut scattered = synthetic(4, 0.0);
    for (i, c) in scattered.flops.iter_mut().enumerate() {
        *c *= 1.2f64.powi(i as i32);
    }
    let none = approach2(&scattered, &o);
    assert!(none.slices.is_empty() && none.a.is_none() && none.a_ci95.is_none());
    // Two budgets are not enough for a.
    let mut two = synthetic(4, 0.0);
    let keep: Vec<bool> = two.flops.iter().map(|&c| c < 5e18).collect();
    two = two.select(&keep);
    let r2 = approach2(&two, &o);
    assert_eq!(r2.slices.len(), 2);
    assert!(r2.a.is_none() && r2.note.contains("at least 3"), "{}", r2.note);
}

#[test]
fn approach2_takes_budgets_from_a_group_column_and_clusters_scattered_compute() {
    // Compute scattered by +-5% around each budget, plus background runs between budgets.
    let mut d = synthetic(6, 0.005);
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    for c in d.flops.iter_mut() {
        *c *= 1.0 + 0.05 * (rng.random::<f64>() - 0.5);
    }
    for k in 0..8 {
        let c = 10f64.powf(18.25 + 0.5 * k as f64);
        for j in 0..3 {
            let n = (c / 120.0).sqrt() * 10f64.powf(-0.2 + 0.2 * j as f64);
            d.n.push(n);
            d.d.push(c / (6.0 * n));
            d.loss.push(policy::loss(&TRUE, n, c / (6.0 * n)));
            d.flops.push(c);
        }
    }
    let r = approach2(&d, &Approach2Options::default());
    assert_eq!(r.slices.len(), 9, "{:?}", r.slices.iter().map(|s| s.flops).collect::<Vec<_>>());
    // A group column decides instead: three labels, three slices.
    let mut g = synthetic(6, 0.005);
    g.group = g.flops.iter().map(|c| format!("b{}", (c.log10() * 2.0).round() as i64 % 3)).collect();
    let r = approach2(&g, &Approach2Options::default());
    assert_eq!((r.slices.len(), r.source), (3, BudgetSource::Column));
}

#[test]
fn report_round_trips_and_feeds_optimal() {
    let data = synthetic(9, 0.01);
    let r = fit_law(&data, &FitOptions { bootstrap: 30, ..FitOptions::default() }, |_| {}).unwrap();
    let json = serde_json::to_string(&r).unwrap();
    let back: FitReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back.params, r.params);
    let input = PolicyInput::from_json(&json).unwrap();
    let opts = OptimalOptions { flops: vec![CHINCHILLA_FLOPS], inference_tokens: Some(1e13), ..Default::default() };
    let o = optimal_report(&input, &opts).unwrap();
    let b = &o.budgets[0];
    assert!(b.fit.n.p10 <= b.fit.n.p90);
    assert!(b.inference.as_ref().unwrap().n_ratio < 1.0);
    assert!(optimal_text(&o).contains("inference-aware"));
    // Default budgets: the data's largest compute and 10x; Chinchilla's compute (beyond 1e22 data
    // here) is only warned about when more than a decade out.
    let top = data.flops.iter().copied().fold(0.0, f64::max);
    let d = optimal_report(&input, &OptimalOptions::default()).unwrap();
    assert_eq!(d.budgets.iter().map(|b| b.flops).collect::<Vec<_>>(), vec![top, 10.0 * top]);
    assert!(d.warnings.is_empty());
    let far = optimal_report(&input, &OptimalOptions { flops: vec![1000.0 * top], ..Default::default() }).unwrap();
    assert!(matches!(far.warnings[..], [FitWarning::BudgetBeyondData { .. }]));
    assert!(optimal_text(&far).contains("warning: budget"));
    // No reference unless named; the policy is quoted at the data's largest compute and 10x.
    let md = fit_markdown(&r);
    assert!(r.tests.is_none() && md.contains("No reference law named"), "{md}");
    let top = data.flops.iter().copied().fold(0.0, f64::max);
    let budgets: Vec<f64> = r.policy.at.iter().map(|a| a.flops).collect();
    assert_eq!(budgets, vec![top, 10.0 * top]);
    assert!(r.warnings.iter().all(|w| !matches!(w, FitWarning::BudgetBeyondData { .. })));
    // A budget 2 decades out is warned about.
    let far = FitOptions { bootstrap: 30, policy_flops: vec![100.0 * top], ..FitOptions::default() };
    let r2 = fit_law(&data, &far, |_| {}).unwrap();
    assert!(
        r2.warnings
            .iter()
            .any(|w| matches!(w, FitWarning::BudgetBeyondData { decades, .. } if (*decades - 2.0).abs() < 1e-9))
    );
    assert!(optimal_report(&input, &OptimalOptions { flops: vec![-1.0], ..Default::default() }).is_err());
    assert!(matches!(
        fit_law(&data, &FitOptions { bootstrap: 3, ..FitOptions::default() }, |_| {}),
        Err(FitError::InvalidOption(_))
    ));
}

/// Elements of an SVG with the given tag whose `attr` is `value`.
fn svg_count(doc: &roxmltree::Document, tag: &str, attr: &str, value: &str) -> usize {
    doc.descendants().filter(|n| n.has_tag_name(tag) && n.attribute(attr) == Some(value)).count()
}

/// Coordinate pairs in the `points` attribute of the elements with the given tag and attribute.
fn svg_point_counts(doc: &roxmltree::Document, tag: &str, attr: &str, value: &str) -> Vec<usize> {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag) && n.attribute(attr) == Some(value))
        .map(|n| n.attribute("points").unwrap_or("").split_whitespace().count())
        .collect()
}

#[test]
fn plots_draw_every_point_bar_and_curve() {
    let data = synthetic(5, 0.01);
    let opts = FitOptions { bootstrap: 60, reference: Some(Reference::hoffmann()), ..FitOptions::default() };
    let r = fit_law(&data, &opts, |_| {}).expect("fit");
    let plots = fit_plots(&data, &r).expect("plots");
    let names: Vec<&str> = plots.iter().map(|p| p.name).collect();
    assert_eq!(names, ["residuals", "bootstrap", "tokens_per_param"]);
    let hex = |c: plotters::style::RGBColor| format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
    let (ours, hoff, rule) = (hex(plots::OURS), hex(plots::HOFF), hex(plots::RULE20));
    let docs: Vec<roxmltree::Document> =
        plots.iter().map(|p| roxmltree::Document::parse(&p.svg).expect("plot SVG is XML")).collect();

    // Residuals: one circle per point for each law, plus one legend marker each.
    assert_eq!(plots[0].series, vec![("this fit".to_string(), data.len()), ("reference".to_string(), data.len())]);
    assert_eq!(svg_count(&docs[0], "circle", "fill", &ours), data.len() + 1);
    assert_eq!(svg_count(&docs[0], "circle", "fill", &hoff), data.len() + 1);

    // Bootstrap: six histograms; their bars are the only rectangles in this fit's colour, and
    // every resample inside the 0.5-99.5% range shown is in a bar.
    assert_eq!(plots[1].series.len(), 6);
    let bars: usize = plots[1].series.iter().map(|s| s.1).sum();
    assert!((6 * 5..=6 * plots::HIST_BINS).contains(&bars), "{bars} bars");
    assert_eq!(svg_count(&docs[1], "rect", "fill", &ours), bars);

    // Tokens per parameter: our curve and Hoffmann's have one vertex per grid point (plus a
    // 2-point legend line each), the band is one polygon around the grid, the 20x rule is flat.
    for colour in [&ours, &hoff] {
        let mut v = svg_point_counts(&docs[2], "polyline", "stroke", colour);
        v.sort();
        assert_eq!(v, vec![2, plots::TPP_GRID], "{colour}");
    }
    assert_eq!(svg_point_counts(&docs[2], "polyline", "stroke", &rule), vec![2, 2]);
    assert_eq!(svg_point_counts(&docs[2], "polygon", "fill", &ours), vec![2 * plots::TPP_GRID]);

    // PNGs decode at the SVG's size, even with no fonts at all (text is then left out).
    let empty = std::sync::Arc::new(resvg::usvg::fontdb::Database::new());
    for p in &plots {
        let png = svg_to_png(&p.svg, empty.clone()).expect("png");
        let img = image::load_from_memory(&png).expect("PNG decodes");
        assert!(img.width() >= 900 && img.height() >= 560, "{}: {}x{}", p.name, img.width(), img.height());
        // Not blank: some pixels are this fit's colour-ish (blue dominant).
        let rgb = img.to_rgb8();
        let blue = rgb.pixels().filter(|px| px[2] > 150 && px[0] < 120).count();
        assert!(blue > 200, "{}: only {blue} blue pixels", p.name);
    }

    // Mismatched data is refused, not plotted.
    let mut short = data.clone();
    for v in [&mut short.n, &mut short.d, &mut short.loss, &mut short.flops] {
        v.pop();
    }
    assert!(fit_plots(&short, &r).is_err());
}

#[test]
fn newton_matches_lbfgs_on_bootstrap_resamples() {
    let data = synthetic(21, 0.01);
    let ld = log_data(&data);
    let s = LocalSettings::default();
    let p = default_search(&ld, &s).unwrap().best.params;
    // The Hessian agrees with finite differences of the gradient.
    let (_, g0, h) = newton::second_order(&ld, &p, s.delta);
    for k in 0..5 {
        let mut q = p;
        q[k] += 1e-6;
        let (_, g1, _) = newton::second_order(&ld, &q, s.delta);
        for j in 0..5 {
            let fd = (g1[j] - g0[j]) / 1e-6;
            assert!((fd - h[j][k]).abs() <= 1e-3 * h[j][k].abs().max(1e-3), "H[{j}][{k}] {} vs {fd}", h[j][k]);
        }
    }
    let mut newton_steps = 0;
    for i in 0..100 {
        let sub = ld.weighted(&resample_counts(5, i, ld.ln_l.len()));
        let a = newton::newton(&sub, &p, &s).unwrap();
        let b = lbfgs(&sub, &p, &s).unwrap();
        assert!(a.objective <= b.objective * (1.0 + 1e-9), "{i}: newton {} vs lbfgs {}", a.objective, b.objective);
        for k in 0..5 {
            assert!((a.params[k] - b.params[k]).abs() < 1e-4, "{i}: {:?} vs {:?}", a.params, b.params);
        }
        newton_steps += a.iterations;
    }
    assert!(newton_steps < 100 * 15, "{newton_steps} Newton steps for 100 resamples");
}
