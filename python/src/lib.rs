//! `figdig._native`: the Rust side of figdig's Python package. The library does the work; this
//! module only converts: files and bytes in, columns (raw little-endian buffers numpy reads
//! without copying twice) and reports out, errors as one Python exception class per kind.
//! Extraction, audits and fits run with the GIL released.
//!
//! Files are read by the command line's own input code (`src/cli_inputs.rs`: what a file is
//! from its first bytes, gzip, PDF pages through MuPDF, the profile beside a figure), compiled
//! into this module, so a figure reads the same from Python as from `figdig extract`.

use std::path::PathBuf;

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

#[allow(dead_code)]
#[path = "../../src/cli_inputs.rs"]
mod cli_inputs;
#[allow(dead_code)]
#[path = "../../src/cli_output.rs"]
mod cli_output;

create_exception!(_native, FigdigError, PyException, "Base class of every figdig error.");
create_exception!(_native, UsageError, FigdigError, "An option or argument figdig cannot use (the CLI's exit 2).");
create_exception!(
    _native,
    InputError,
    FigdigError,
    "The input could not be read: missing, an image, too large, a PDF page MuPDF could not convert."
);
create_exception!(
    _native,
    SceneError,
    FigdigError,
    "The input is not an SVG figure figdig can parse (not XML, not SVG, over a limit)."
);
create_exception!(_native, NoPanelsError, FigdigError, "No plot area with readable axes was found.");
create_exception!(
    _native,
    UnreadableTicksError,
    FigdigError,
    "A plot frame was found but its tick labels cannot be read (glyph outlines); the message holds a profile template."
);
create_exception!(_native, ProfileError, FigdigError, "The figure's profile (<stem>.toml) is not valid.");
create_exception!(
    _native,
    DatasetError,
    FigdigError,
    "A dataset CSV could not be read: bad CSV, missing or ambiguous columns, bad values."
);
create_exception!(
    _native,
    FitError,
    FigdigError,
    "The fit could not be made (too few points, optimiser failure) or a fit report cannot be used."
);

/// `{source}: {message}`, the CLI's error line without its `error:` label.
fn err<E: pyo3::PyTypeInfo>(py: Python<'_>, source: &str, message: impl std::fmt::Display) -> PyErr {
    let text = if source.is_empty() { message.to_string() } else { format!("{source}: {message}") };
    PyErr::from_type(py.get_type::<E>(), text)
}

fn extract_err(py: Python<'_>, source: &str, e: figdig::ExtractError) -> PyErr {
    match e {
        figdig::ExtractError::Scene(s) => err::<SceneError>(py, source, s),
        figdig::ExtractError::NoPanels => err::<NoPanelsError>(py, source, e),
        figdig::ExtractError::UnreadableTicks { .. } => err::<UnreadableTicksError>(py, source, e),
    }
}

fn fit_err(py: Python<'_>, context: &str, e: figdig::FitError) -> PyErr {
    use figdig::FitError as F;
    match e {
        F::Csv(_)
        | F::MissingColumn { .. }
        | F::BadValue { .. }
        | F::MissingRole { .. }
        | F::AmbiguousColumns { .. } => err::<DatasetError>(py, context, e),
        F::InvalidOption(_) => err::<UsageError>(py, context, e),
        _ => err::<FitError>(py, context, e),
    }
}

/// One figure's extraction, kept in Rust; the Python `Extraction` reads from it. The dataset
/// and figure.json are built on first use: `.points` alone costs the extraction only.
#[pyclass(module = "figdig._native", frozen)]
struct Native {
    name: String,
    svg: Vec<u8>,
    ex: figdig::Extraction,
    profile: Option<figdig::Profile>,
    rule: figdig::FilterRule,
    ds: std::sync::OnceLock<Option<figdig::Dataset>>,
    figure: std::sync::OnceLock<String>,
}

fn filter_rule(py: Python<'_>, filter: &str) -> PyResult<figdig::FilterRule> {
    match filter {
        "replication" => Ok(figdig::FilterRule::Replication),
        "robust" => Ok(figdig::FilterRule::Robust),
        "none" => Ok(figdig::FilterRule::None),
        other => Err(err::<UsageError>(py, "", format!("filter `{other}`: expected replication, robust or none"))),
    }
}

/// Extract SVG bytes (already read) with an optional profile, the GIL released.
fn run_extract(
    py: Python<'_>,
    name: String,
    source: &str,
    svg: Vec<u8>,
    profile: Option<figdig::Profile>,
    filter: &str,
) -> PyResult<Native> {
    let rule = filter_rule(py, filter)?;
    let mut opts = figdig::ExtractOptions::default();
    if let Some(p) = &profile {
        opts.axis_overrides = p.axes.clone();
        opts.legend_labels = p.legend.labels.clone();
    }
    let (result, svg) = py.allow_threads(move || (figdig::extract(&svg, &opts), svg));
    let ex = result.map_err(|e| extract_err(py, source, e))?;
    Ok(Native { name, svg, ex, profile, rule, ds: Default::default(), figure: Default::default() })
}

impl Native {
    fn figure_text(&self) -> &str {
        self.figure.get_or_init(|| {
            let mut fig = figdig::figure_json(&self.name, &self.ex);
            if let Some(ds) = self.dataset() {
                fig["dataset"] = figdig::dataset_json(ds);
            }
            fig.to_string()
        })
    }
    fn dataset(&self) -> Option<&figdig::Dataset> {
        self.ds
            .get_or_init(|| {
                let opts = figdig::DatasetOptions { rule: self.rule, ..Default::default() };
                figdig::build_dataset(&self.ex, self.profile.as_ref(), &opts)
            })
            .as_ref()
    }
}

/// Extract a figure file (SVG, .svgz, a PDF page), read as `figdig extract` reads it.
#[pyfunction]
#[pyo3(signature = (path, page=None, filter="replication"))]
fn extract_file(py: Python<'_>, path: PathBuf, page: Option<u32>, filter: &str) -> PyResult<Native> {
    let source = path.display().to_string();
    let mut inputs =
        cli_inputs::plan(std::slice::from_ref(&path), page).map_err(|e| err::<UsageError>(py, "", format!("{e:#}")))?;
    let input = inputs.remove(0);
    if let Err(why) = &input.kind {
        return Err(err::<InputError>(py, &source, why));
    }
    let profile = cli_inputs::read_profile(&input).map_err(|e| err::<ProfileError>(py, &source, format!("{e:#}")))?;
    let opts = figdig::ExtractOptions::default();
    let bytes = py
        .allow_threads(|| cli_inputs::input_bytes(&input, &opts))
        .map_err(|e| err::<InputError>(py, &source, format!("{e:#}")))?;
    let name = path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| source.clone());
    run_extract(py, name, &source, bytes, profile, filter)
}

/// Extract SVG bytes; `profile` is the text of a profile TOML.
#[pyfunction]
#[pyo3(signature = (data, name="figure.svg".to_string(), profile=None, filter="replication"))]
fn extract_bytes(py: Python<'_>, data: &[u8], name: String, profile: Option<&str>, filter: &str) -> PyResult<Native> {
    let profile = match profile {
        Some(text) => Some(figdig::Profile::parse(text).map_err(|e| err::<ProfileError>(py, &name, e))?),
        None => None,
    };
    let source = name.clone();
    run_extract(py, name, &source, data.to_vec(), profile, filter)
}

/// Raw little-endian bytes of a float column.
fn f64_bytes(v: &[f64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len() * 8);
    for x in v {
        out.extend_from_slice(&x.to_le_bytes());
    }
    out
}

/// A text column as categorical codes (little-endian i32, -1 for an empty cell) and its
/// distinct values in order of first appearance: a column of repeated labels (a line's name,
/// colour and source on each of its vertices) costs one string per distinct value.
fn categorical<'py>(py: Python<'py>, v: &[&str]) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyList>)> {
    let mut index: std::collections::HashMap<&str, i32> = std::collections::HashMap::new();
    let mut values: Vec<&str> = Vec::new();
    let mut codes = Vec::with_capacity(v.len() * 4);
    let mut last: (&str, i32) = ("", -1);
    for s in v {
        // Rows of one line borrow one string: compare where it lives before what it says.
        let code = if std::ptr::eq(s.as_ptr(), last.0.as_ptr()) && s.len() == last.0.len() {
            last.1
        } else if s.is_empty() {
            -1
        } else {
            *index.entry(s).or_insert_with(|| {
                values.push(s);
                values.len() as i32 - 1
            })
        };
        last = (s, code);
        codes.extend_from_slice(&code.to_le_bytes());
    }
    Ok((PyBytes::new(py, &codes), PyList::new(py, values)?))
}

#[pymethods]
impl Native {
    /// points.csv's columns: float columns as little-endian f64 bytes (NaN = empty), `panel` as
    /// i64 bytes, text columns as (codes, values) (see [`categorical`]).
    fn point_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let c = figdig::point_columns(&self.ex);
        let d = PyDict::new(py);
        let panel: Vec<u8> = c.panel.iter().flat_map(|p| p.to_le_bytes()).collect();
        d.set_item("panel", PyBytes::new(py, &panel))?;
        for (k, col) in [
            ("x", &c.x),
            ("y", &c.y),
            ("value", &c.value),
            ("x_svg", &c.x_svg),
            ("y_svg", &c.y_svg),
            ("value_halfwidth", &c.value_halfwidth),
            ("y2", &c.y2),
            ("line", &c.line),
            ("piece", &c.piece),
            ("index", &c.index),
            ("x_lo", &c.x_lo),
            ("x_hi", &c.x_hi),
            ("y_lo", &c.y_lo),
            ("y_hi", &c.y_hi),
        ] {
            d.set_item(k, PyBytes::new(py, &f64_bytes(col)))?;
        }
        for (k, col) in
            [("series", &c.series), ("fill", &c.fill), ("source", &c.source), ("flags", &c.flags), ("mark", &c.mark)]
        {
            d.set_item(k, categorical(py, col)?)?;
        }
        Ok(d)
    }
    /// figure.json's content as JSON text (with the dataset's report when there is one).
    fn figure_json(&self, py: Python<'_>) -> &str {
        py.allow_threads(|| self.figure_text())
    }
    /// dataset.csv's text, or None when the figure has no FLOPs / model size / loss panel.
    fn dataset_csv(&self, py: Python<'_>) -> PyResult<Option<String>> {
        py.allow_threads(|| self.dataset());
        self.dataset().map(|d| figdig::dataset_csv(d).map_err(|e| err::<FitError>(py, &self.name, e))).transpose()
    }
    /// certificate.json's content as JSON text.
    fn certificate_json(&self) -> String {
        serde_json::to_string(&figdig::certificate(&self.ex, self.dataset())).unwrap_or_default()
    }
    /// audit.png's bytes at `scale` (drawn smaller when over a full-HD screen's pixels).
    #[pyo3(signature = (scale=1.0))]
    fn audit_png<'py>(&self, py: Python<'py>, scale: f32) -> PyResult<Bound<'py, PyBytes>> {
        if !(scale > 0.0 && scale <= 8.0) {
            return Err(err::<UsageError>(py, "", format!("audit scale {scale} is not in (0, 8]")));
        }
        let shot = py
            .allow_threads(|| {
                figdig::audit_png_within(&self.svg, &self.ex, self.dataset(), scale, figdig::AUDIT_TARGET_PIXELS)
            })
            .map_err(|e| err::<FigdigError>(py, &self.name, format!("audit.png: {e}")))?;
        Ok(PyBytes::new(py, &shot.png))
    }
    /// audit.html's text: the self-contained audit page.
    fn audit_html(&self) -> String {
        // The page's self-test compares its point count with points.csv's marker rows.
        figdig::audit_html(&String::from_utf8_lossy(&self.svg), &self.ex, self.dataset(), self.ex.points.len())
    }
    /// The one-line summary `figdig extract` prints.
    fn summary(&self) -> String {
        figdig::summary(&self.ex)
    }
    /// (data panels, markers, rows of points.csv, warnings, elements skipped): the summary
    /// table's counts.
    fn counts(&self) -> (usize, usize, usize, usize, usize) {
        let ex = &self.ex;
        let panels = ex.panels.iter().filter(|p| p.kind == figdig::PanelKind::Data).count();
        let rows = ex.points.len() + ex.series.iter().map(|s| s.vertex_count()).sum::<usize>();
        (panels, ex.points.len(), rows, ex.warnings.len(), ex.skipped_total)
    }
    /// The figure's name (its file name).
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }
    /// `ok`, `partial` (an axis not read) or `failed` (no point with both x and y), as the CLI says.
    fn status(&self) -> &'static str {
        if self.ex.incomplete() {
            "failed"
        } else if self.ex.unread_axes().next().is_some() {
            "partial"
        } else {
            "ok"
        }
    }
}

mod fit;

/// Rust in-process timings of `figdig::extract` on `svg` (seconds per run; with `columns`, also
/// the points table as columns), to compare the Python call with in the same process.
#[pyfunction]
#[pyo3(signature = (svg, repeat, columns=false))]
fn _time_extract(py: Python<'_>, svg: &[u8], repeat: usize, columns: bool) -> Vec<f64> {
    let opts = figdig::ExtractOptions::default();
    py.allow_threads(|| {
        (0..repeat)
            .map(|_| {
                let t = std::time::Instant::now();
                let n = figdig::extract(std::hint::black_box(svg), &opts)
                    .map(|e| if columns { figdig::point_columns(&e).len() } else { e.points.len() });
                std::hint::black_box(n).ok();
                t.elapsed().as_secs_f64()
            })
            .collect()
    })
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<Native>()?;
    m.add_function(wrap_pyfunction!(extract_file, m)?)?;
    m.add_function(wrap_pyfunction!(extract_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(fit::fit_csv, m)?)?;
    m.add_function(wrap_pyfunction!(fit::optimal_json, m)?)?;
    m.add_function(wrap_pyfunction!(fit::manifest, m)?)?;
    m.add_function(wrap_pyfunction!(_time_extract, m)?)?;
    for (name, t) in [
        ("FigdigError", py.get_type::<FigdigError>()),
        ("UsageError", py.get_type::<UsageError>()),
        ("InputError", py.get_type::<InputError>()),
        ("SceneError", py.get_type::<SceneError>()),
        ("NoPanelsError", py.get_type::<NoPanelsError>()),
        ("UnreadableTicksError", py.get_type::<UnreadableTicksError>()),
        ("ProfileError", py.get_type::<ProfileError>()),
        ("DatasetError", py.get_type::<DatasetError>()),
        ("FitError", py.get_type::<FitError>()),
    ] {
        m.add(name, t)?;
    }
    Ok(())
}
