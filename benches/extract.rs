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
            // Issue 3's unit of work: extraction with colour decoding, then semantics, joins,
            // filters and cross-checks (the dataset).
            let dopts = figdig::DatasetOptions::default();
            c.bench_function("extract_and_dataset_chinchilla_figure_4", |b| {
                b.iter(|| {
                    figdig::extract(std::hint::black_box(&bytes), &opts)
                        .ok()
                        .and_then(|e| figdig::build_dataset(&e, None, &dopts))
                        .map(|d| d.rows.len())
                })
            });
        }
        Err(e) => eprintln!("skipping the Chinchilla benchmark: {}: {e}", path.display()),
    }
    // The project's own demo figure (always present).
    let demo = figdig::synth::render(&figdig::synth::demo_spec()).svg;
    c.bench_function("extract_demo_figure", |b| {
        b.iter(|| figdig::extract(std::hint::black_box(demo.as_bytes()), &opts).map(|e| e.points.len()))
    });
}

/// What the audit adds per figure: certificate.json, audit.png (2x) and audit.html; and the
/// default run's audit (1x, the figure parsed once).
fn bench_audit(c: &mut Criterion) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/figures/chinchilla_figure_4.svg");
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("skipping the audit benchmark: {} not found", path.display());
        return;
    };
    let Ok(ex) = figdig::extract(&bytes, &figdig::ExtractOptions::default()) else {
        eprintln!("skipping the audit benchmark: extraction failed");
        return;
    };
    let ds = figdig::build_dataset(&ex, None, &figdig::DatasetOptions::default());
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let mut g = c.benchmark_group("audit");
    g.sample_size(10);
    g.bench_function("audit_chinchilla", |b| {
        b.iter(|| {
            let cert = figdig::certificate(&ex, ds.as_ref());
            let png = figdig::audit_png(std::hint::black_box(&bytes), &ex, ds.as_ref(), 2.0).map(|p| p.len());
            let html = figdig::audit_html(&text, &ex, ds.as_ref(), ex.points.len()).len();
            (cert.pass, png.ok(), html)
        })
    });
    // What `figdig extract` does by default: the figure parsed once, audit.png at 1x and the page.
    g.bench_function("audit_chinchilla_default", |b| {
        b.iter(|| {
            let src = figdig::AuditSource::parse(std::hint::black_box(&bytes)).ok()?;
            let png = figdig::audit_png_of(&src, &ex, ds.as_ref(), 1.0, figdig::AUDIT_TARGET_PIXELS).ok()?;
            let html = figdig::audit_html_of(&src, &ex, ds.as_ref(), ex.points.len());
            Some((png.png.len(), html.len()))
        })
    });
    g.finish();
}

/// The audit of one small figure (the demo), the unit of a batch of synthetic figures.
fn bench_audit_small(c: &mut Criterion) {
    let demo = figdig::synth::render(&figdig::synth::demo_spec()).svg;
    let Ok(ex) = figdig::extract(demo.as_bytes(), &figdig::ExtractOptions::default()) else {
        eprintln!("skipping the small audit benchmark: extraction failed");
        return;
    };
    let ds = figdig::build_dataset(&ex, None, &figdig::DatasetOptions::default());
    c.bench_function("audit_demo_default", |b| {
        b.iter(|| {
            let src = figdig::AuditSource::parse(std::hint::black_box(demo.as_bytes())).ok()?;
            let png = figdig::audit_png_of(&src, &ex, ds.as_ref(), 1.0, figdig::AUDIT_TARGET_PIXELS).ok()?;
            let html = figdig::audit_html_of(&src, &ex, ds.as_ref(), ex.points.len());
            Some((png.png.len(), html.len()))
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench_extract, bench_audit, bench_audit_small
}
criterion_main!(benches);
