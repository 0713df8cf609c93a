//! Criterion benchmarks of extraction: the Chinchilla figure (from ../shared) and the demo figure.

use criterion::{Criterion, criterion_group, criterion_main};

fn bench_extract(c: &mut Criterion) {
    let opts = figdig::ExtractOptions::default();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/figures/chinchilla_figure_4.svg");
    match std::fs::read(&path) {
        Ok(bytes) => {
            c.bench_function("extract_chinchilla_figure_4", |b| {
                b.iter(|| figdig::extract(std::hint::black_box(&bytes), &opts).map(|e| e.points.len()))
            });
        }
        Err(e) => eprintln!("skipping the Chinchilla benchmark: {}: {e}", path.display()),
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench_extract
}
criterion_main!(benches);
