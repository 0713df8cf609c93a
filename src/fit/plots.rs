//! Plots of a fit, drawn with plotters' SVG backend: residuals of the fit and of the reference law
//! (when one is named), the bootstrap distributions of the parameters, and tokens per parameter against compute.
//!
//! Output is SVG text ([`fit_plots`]); [`svg_to_png`] rasterises it with resvg. Text in the PNG
//! needs fonts in the `fontdb` the caller passes (usvg drops text it cannot shape); the SVGs always
//! carry their text. No I/O here: the caller loads fonts and writes files.
//!
//! Colours are fixed so the series can be counted in the SVG: this fit `#1F77B4`, the reference
//! `#FF7F0E`, the 20-tokens rule `#2CA02C`.

use super::data::FitData;
use super::error::FitError;
use super::policy::{compute_optimal, loss};
use super::report::{FitReport, LawParams};
use super::stats::{quantile, sorted};
use plotters::prelude::*;
use std::sync::Arc;

/// Colour of this fit's series.
pub const OURS: RGBColor = RGBColor(31, 119, 180);
/// Colour of the reference law's series.
pub const HOFF: RGBColor = RGBColor(255, 127, 14);
/// Colour of the 20-tokens-per-parameter rule.
pub const RULE20: RGBColor = RGBColor(44, 160, 44);

/// Histogram bins per parameter.
pub const HIST_BINS: usize = 40;

/// Points on the compute grid of the tokens-per-parameter plot.
pub const TPP_GRID: usize = 81;

/// One plot.
#[derive(Debug, Clone)]
pub struct Plot {
    /// File stem (`residuals`, `bootstrap`, `tokens_per_param`).
    pub name: &'static str,
    /// One-line description (for Markdown links).
    pub title: String,
    /// The SVG document.
    pub svg: String,
    /// What was drawn: (series, number of marks), e.g. ("this fit", 240) points or bars.
    pub series: Vec<(String, usize)>,
}

fn err(e: impl std::fmt::Display) -> FitError {
    FitError::InvalidOption(format!("plotting: {e}"))
}

/// Padded range of finite values; a unit range around a lone value.
fn range(v: impl IntoIterator<Item = f64>, pad: f64) -> (f64, f64) {
    let (lo, hi) = v
        .into_iter()
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), x| (l.min(x), h.max(x)));
    if !(lo <= hi) {
        return (0.0, 1.0);
    }
    let w = hi - lo;
    let w = if w > 0.0 { w } else { lo.abs().max(1.0) * 0.1 };
    (lo - pad * w, hi + pad * w)
}

/// The three plots of a fit on its data. `data` must be the points `report` was fitted on.
pub fn fit_plots(data: &FitData, report: &FitReport) -> Result<Vec<Plot>, FitError> {
    if data.len() != report.n_points {
        return Err(FitError::LengthMismatch(format!(
            "plot data has {} points, the fit {}",
            data.len(),
            report.n_points
        )));
    }
    Ok(vec![residuals_plot(data, report)?, bootstrap_plot(report)?, tokens_per_param_plot(report)?])
}

/// The reference's name and parameters, when the fit was tested against one.
fn reference_of(report: &FitReport) -> Option<(String, [f64; 5], f64)> {
    report.tests.as_ref().map(|t| (t.reference.name.clone(), t.reference.params_log, t.objective_at_reference))
}

/// Residuals log L - log L_hat of this fit and of the reference law (if any) against log10 compute.
pub fn residuals_plot(data: &FitData, report: &FitReport) -> Result<Plot, FitError> {
    let refr = reference_of(report);
    let p = report.params_log;
    let res = |q: &[f64; 5]| -> Vec<(f64, f64)> {
        (0..data.len())
            .map(|i| (data.flops[i].log10(), data.loss[i].ln() - loss(q, data.n[i], data.d[i]).ln()))
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect()
    };
    let ours = res(&p);
    let hoff = refr.as_ref().map(|r| res(&r.1)).unwrap_or_default();
    let (x0, x1) = range(ours.iter().map(|v| v.0), 0.03);
    let (y0, y1) = range(ours.iter().chain(&hoff).map(|v| v.1).chain([0.0]), 0.05);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 560)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption("Residuals log L - log L_hat", ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("log10 training compute C (FLOPs)")
            .y_desc("log L - log L_hat")
            .light_line_style(WHITE)
            .draw()
            .map_err(err)?;
        chart.draw_series(LineSeries::new([(x0, 0.0), (x1, 0.0)], BLACK.stroke_width(1))).map_err(err)?;
        if let Some((name, _, obj)) = &refr {
            chart
                .draw_series(hoff.iter().map(|&pt| Circle::new(pt, 3, HOFF.mix(0.7).filled())))
                .map_err(err)?
                .label(format!("{name} (objective {obj:.3e})"))
                .legend(|(x, y)| Circle::new((x, y), 4, HOFF.filled()));
        }
        chart
            .draw_series(ours.iter().map(|&pt| Circle::new(pt, 3, OURS.mix(0.7).filled())))
            .map_err(err)?
            .label(format!("this fit (objective {:.3e})", report.objective))
            .legend(|(x, y)| Circle::new((x, y), 4, OURS.filled()));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(("sans-serif", 15))
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(Plot {
        name: "residuals",
        title: "Residuals of this fit (and of the reference law, if named) against compute".into(),
        svg,
        series: vec![("this fit".into(), ours.len()), ("reference".into(), hoff.len())],
    })
}

/// Histograms of the bootstrap estimates of A, B, E, alpha, beta and a, with the point estimate
/// (black) and Hoffmann et al.'s value (orange, when inside the 0.5-99.5% range shown).
pub fn bootstrap_plot(report: &FitReport) -> Result<Plot, FitError> {
    let s = &report.bootstrap.samples;
    let refr = reference_of(report);
    // Without a reference, NaN values mark "no line to draw".
    let h = refr.as_ref().map(|r| LawParams::from_log(&r.1)).unwrap_or(LawParams::from_log(&[f64::NAN; 5]));
    let pr = &report.params;
    let cols: [(&str, Vec<f64>, f64, f64); 6] = [
        ("A", s.iter().map(|r| r[0].exp()).collect(), pr.a_coef, h.a_coef),
        ("B", s.iter().map(|r| r[1].exp()).collect(), pr.b_coef, h.b_coef),
        ("E", s.iter().map(|r| r[2].exp()).collect(), pr.e_coef, h.e_coef),
        ("alpha", s.iter().map(|r| r[3]).collect(), pr.alpha, h.alpha),
        ("beta", s.iter().map(|r| r[4]).collect(), pr.beta, h.beta),
        ("a = beta/(alpha+beta)", s.iter().map(|r| r[4] / (r[3] + r[4])).collect(), report.policy.a, {
            h.beta / (h.alpha + h.beta)
        }),
    ];
    let mut series = Vec::new();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1200, 720)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let root = root
            .titled(
                &format!("Bootstrap distributions ({} resamples, seed {})", s.len(), report.bootstrap.seed),
                ("sans-serif", 22),
            )
            .map_err(err)?;
        let areas = root.split_evenly((2, 3));
        for ((name, vals, est, hv), area) in cols.iter().zip(areas.iter()) {
            let sv = sorted(&vals.iter().copied().filter(|x| x.is_finite()).collect::<Vec<_>>());
            let (lo, hi) = range([quantile(&sv, 0.005), quantile(&sv, 0.995), *est], 0.02);
            let w = (hi - lo) / HIST_BINS as f64;
            let mut counts = vec![0usize; HIST_BINS];
            for &v in &sv {
                let k = ((v - lo) / w).floor();
                if k >= 0.0 && (k as usize) < HIST_BINS {
                    counts[k as usize] += 1;
                }
            }
            let top = counts.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.1;
            let hoff_in = (lo..=hi).contains(hv);
            let caption = if hoff_in || hv.is_nan() {
                name.to_string()
            } else {
                format!("{name} (reference {} off scale)", short(*hv))
            };
            let mut chart = ChartBuilder::on(area)
                .caption(caption, ("sans-serif", 16))
                .margin(8)
                .x_label_area_size(30)
                .y_label_area_size(45)
                .build_cartesian_2d(lo..hi, 0.0..top)
                .map_err(err)?;
            chart
                .configure_mesh()
                .light_line_style(WHITE)
                .x_labels(5)
                .y_labels(4)
                .x_label_formatter(&|v| short(*v))
                .y_label_formatter(&|v| format!("{v:.0}"))
                .draw()
                .map_err(err)?;
            let bars: Vec<(f64, f64, f64)> = counts
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(k, c)| (lo + k as f64 * w, lo + (k + 1) as f64 * w, *c as f64))
                .collect();
            chart
                .draw_series(bars.iter().map(|&(a, b, c)| Rectangle::new([(a, 0.0), (b, c)], OURS.mix(0.8).filled())))
                .map_err(err)?;
            chart.draw_series(LineSeries::new([(*est, 0.0), (*est, top)], BLACK.stroke_width(2))).map_err(err)?;
            if hoff_in {
                chart.draw_series(LineSeries::new([(*hv, 0.0), (*hv, top)], HOFF.stroke_width(2))).map_err(err)?;
            }
            series.push((name.to_string(), bars.len()));
        }
        root.present().map_err(err)?;
    }
    Ok(Plot { name: "bootstrap", title: "Bootstrap distributions of A, B, E, alpha, beta and a".into(), svg, series })
}

/// Compact tick label.
fn short(v: f64) -> String {
    let a = v.abs();
    if a >= 1e4 || (a > 0.0 && a < 1e-2) {
        format!("{v:.2e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// Tokens per parameter at the compute-optimal allocation against compute: this fit with an 80%
/// bootstrap band, the reference law (if named) and the 20-tokens rule, from the data's smallest
/// compute to 100x its largest (marked).
pub fn tokens_per_param_plot(report: &FitReport) -> Result<Plot, FitError> {
    let top = report.data_range.flops[1];
    let (c0, c1) = (report.data_range.flops[0] / 3.0, top * 100.0);
    let grid: Vec<f64> =
        (0..TPP_GRID).map(|i| 10f64.powf(c0.log10() + (c1 / c0).log10() * i as f64 / (TPP_GRID - 1) as f64)).collect();
    let p = report.params_log;
    let ours: Vec<(f64, f64)> = grid.iter().map(|&c| (c, compute_optimal(&p, c).tokens_per_param)).collect();
    let refr = reference_of(report);
    let hoff: Vec<(f64, f64)> = match &refr {
        Some(r) => grid.iter().map(|&c| (c, compute_optimal(&r.1, c).tokens_per_param)).collect(),
        None => Vec::new(),
    };
    let band = tpp_band(report, &grid);
    let ys = ours.iter().chain(&hoff).map(|v| v.1).chain(band.iter().flat_map(|b| [b.1, b.2])).chain([20.0]);
    let (ylo, yhi) = range(ys.filter(|y| *y > 0.0).map(f64::log10), 0.05);
    let (ylo, yhi) = (10f64.powf(ylo), 10f64.powf(yhi));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 560)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption("Compute-optimal tokens per parameter", ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d((c0..c1).log_scale(), (ylo..yhi).log_scale())
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("training compute C (FLOPs)")
            .y_desc("tokens per parameter D/N")
            .x_label_formatter(&|v| format!("{v:.0e}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .light_line_style(WHITE)
            .draw()
            .map_err(err)?;
        if !band.is_empty() {
            let poly: Vec<(f64, f64)> =
                band.iter().map(|b| (b.0, b.1)).chain(band.iter().rev().map(|b| (b.0, b.2))).collect();
            chart
                .draw_series(std::iter::once(Polygon::new(poly, OURS.mix(0.2).filled())))
                .map_err(err)?
                .label("this fit, 80% bootstrap interval")
                .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 20, y + 5)], OURS.mix(0.2).filled()));
        }
        chart
            .draw_series(LineSeries::new([(top, ylo), (top, yhi)], RGBColor(150, 150, 150).stroke_width(1)))
            .map_err(err)?
            .label("largest compute in the data")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RGBColor(150, 150, 150)));
        chart
            .draw_series(LineSeries::new([(c0, 20.0), (c1, 20.0)], RULE20.stroke_width(2)))
            .map_err(err)?
            .label("20 tokens per parameter")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RULE20.stroke_width(2)));
        if let Some((name, _, _)) = &refr {
            chart
                .draw_series(LineSeries::new(hoff.iter().copied(), HOFF.stroke_width(2)))
                .map_err(err)?
                .label(format!("{name}'s law"))
                .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], HOFF.stroke_width(2)));
        }
        chart
            .draw_series(LineSeries::new(ours.iter().copied(), OURS.stroke_width(2)))
            .map_err(err)?
            .label("this fit")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], OURS.stroke_width(2)));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(("sans-serif", 15))
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(tpp_plot(svg, [ours.len(), band.len(), hoff.len()]))
}

/// The 10th and 90th percentiles of tokens per parameter across bootstrap fits at each budget.
fn tpp_band(report: &FitReport, grid: &[f64]) -> Vec<(f64, f64, f64)> {
    grid.iter()
        .map(|&c| {
            let v: Vec<f64> = report
                .bootstrap
                .samples
                .iter()
                .map(|s| compute_optimal(s, c).tokens_per_param)
                .filter(|x| x.is_finite() && *x > 0.0)
                .collect();
            let sv = sorted(&v);
            (c, quantile(&sv, 0.1), quantile(&sv, 0.9))
        })
        .filter(|(_, lo, hi)| lo.is_finite() && hi.is_finite())
        .collect()
}

/// The tokens-per-parameter plot with its series counts [this fit, band, reference].
fn tpp_plot(svg: String, counts: [usize; 3]) -> Plot {
    Plot {
        name: "tokens_per_param",
        title: "Tokens per parameter against compute: this fit (80% band), the reference law, 20x rule".into(),
        svg,
        series: vec![
            ("this fit".into(), counts[0]),
            ("this fit 80% band".into(), counts[1]),
            ("reference".into(), counts[2]),
            ("20 tokens per parameter".into(), 2),
        ],
    }
}

/// Rasterise an SVG with resvg at its own size. Text is drawn only with fonts found in `fontdb`.
pub fn svg_to_png(svg: &str, fontdb: Arc<resvg::usvg::fontdb::Database>) -> Result<Vec<u8>, FitError> {
    let opt = resvg::usvg::Options { fontdb, ..Default::default() };
    let tree = resvg::usvg::Tree::from_str(svg, &opt).map_err(err)?;
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| err(format!("cannot allocate a {}x{} image", size.width(), size.height())))?;
    resvg::render(&tree, resvg::tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(err)
}

/// Markdown linking the plots, which sit in `dir` relative to the Markdown file.
pub fn plots_markdown(plots: &[Plot], dir: &str) -> String {
    let mut s = String::from("## Plots\n\n");
    for p in plots {
        s.push_str(&format!(
            "- {}: [`{dir}/{n}.svg`]({dir}/{n}.svg), [`{dir}/{n}.png`]({dir}/{n}.png)\n",
            p.title,
            n = p.name
        ));
    }
    s.push('\n');
    for p in plots {
        s.push_str(&format!("![{}]({dir}/{}.svg)\n\n", p.title, p.name));
    }
    s
}
