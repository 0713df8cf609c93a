//! Benchmarks of the fitting stage on the replication's data (from ../shared; synthetic data from
//! a Chinchilla-like law when ../shared is absent).
//!
//! Targets on 2 cores (issue 16): default search + 4000 bootstrap fits <= 0.5 s; the replication's
//! 4500-start grid alone <= 5 s (the replication's Python takes ~450 s for both).

use criterion::{Criterion, criterion_group, criterion_main};
use figdig::{
    FitData, FitOptions, LoadOptions, LocalSettings, LogData, RowFilter, fit_law, load_csv_with, replication_starts,
    run_starts,
};
use std::hint::black_box;
use std::time::Duration;

fn data() -> FitData {
    let p =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/replication_svg_extracted_data.csv");
    if let Ok(f) = std::fs::File::open(&p)
        && let Ok(l) = load_csv_with(f, &LoadOptions { filter: RowFilter::Replication, ..Default::default() })
    {
        return l.data;
    }
    eprintln!("../shared missing: benchmarking on synthetic data");
    let mut d = FitData::default();
    for i in 0..240 {
        let c = 10f64.powf(18.0 + 4.0 * (i / 24) as f64 / 9.0);
        let n = (c / 120.0).sqrt() * 10f64.powf(-1.0 + 2.0 * (i % 24) as f64 / 23.0);
        let dd = c / (6.0 * n);
        let wiggle = 1.0 + 0.01 * ((i * 7919 % 101) as f64 / 50.0 - 1.0);
        d.n.push(n);
        d.d.push(dd);
        d.loss.push((1.8 + 478.0 / n.powf(0.347) + 2143.0 / dd.powf(0.367)) * wiggle);
        d.flops.push(c);
    }
    d
}

fn bench_fit(c: &mut Criterion) {
    let d = data();
    let mut g = c.benchmark_group("fit");
    g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(8));
    g.bench_function("default_search_plus_4000_bootstrap", |b| {
        b.iter(|| black_box(fit_law(black_box(&d), &FitOptions::default(), |_| {}).map(|r| r.objective)))
    });
    let ld = LogData::new(&d.n, &d.d, &d.loss);
    let starts = replication_starts();
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("replication_grid_4500_starts", |b| {
        b.iter(|| black_box(run_starts(black_box(&ld), &starts, &LocalSettings::default()).map(|r| r.best.objective)))
    });
    g.finish();
}

criterion_group!(benches, bench_fit);
criterion_main!(benches);
