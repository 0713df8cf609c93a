//! Fitting, compute-optimal allocation and corpus manifests for Python. Reports cross as JSON
//! text (a fit's report is small beside the seconds it takes to compute).

use std::path::PathBuf;

use pyo3::prelude::*;

use crate::{FitError, UsageError, err, fit_err};

fn choice<T: Copy>(py: Python<'_>, what: &str, value: &str, options: &[(&str, T)]) -> PyResult<T> {
    options.iter().find(|(k, _)| *k == value).map(|(_, v)| *v).ok_or_else(|| {
        let keys: Vec<&str> = options.iter().map(|(k, _)| *k).collect();
        err::<UsageError>(py, "", format!("{what} `{value}`: expected one of {}", keys.join(", ")))
    })
}

fn parse_form(py: Python<'_>, form: &str) -> PyResult<figdig::Form> {
    use figdig::Form as F;
    let forms = [
        ("chinchilla", F::Chinchilla),
        ("data-constrained", F::DataConstrained),
        ("no-e", F::NoE),
        ("tied", F::Tied),
        ("kaplan", F::Kaplan),
        ("compute", F::Compute),
    ];
    choice(py, "form", form, &forms)
}

/// The options of `figdig fit` as Python passes them (the same names and values as the flags).
#[derive(Clone, Copy)]
pub struct FitChoices<'a> {
    pub form: &'a str,
    pub loss: &'a str,
    pub holdout: Option<&'a str>,
    pub bootstrap: usize,
    pub seed: u64,
    pub starts: &'a str,
    pub bootstrap_unit: &'a str,
    pub reference: &'a str,
}

/// The library's options from the Python call, as `figdig fit` builds them from its flags.
fn fit_options(py: Python<'_>, c: &FitChoices<'_>) -> PyResult<figdig::FitOptions> {
    let FitChoices { form, loss, holdout, bootstrap, seed, starts, bootstrap_unit, reference } = *c;
    let usage = |e: figdig::FitError| err::<UsageError>(py, "", e);
    if bootstrap < figdig::MIN_RESAMPLES {
        return Err(err::<UsageError>(
            py,
            "",
            format!("{bootstrap} resamples: at least {} are needed", figdig::MIN_RESAMPLES),
        ));
    }
    let reference = match reference {
        "none" => None,
        "hoffmann" => Some(figdig::Reference::hoffmann()),
        path => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| err::<UsageError>(py, "", format!("reading reference {path}: {e}")))?;
            Some(figdig::Reference::from_json(path, &text).map_err(usage)?)
        }
    };
    Ok(figdig::FitOptions {
        seed,
        bootstrap,
        starts: choice(
            py,
            "starts",
            starts,
            &[("default", figdig::StartMode::Default), ("replication", figdig::StartMode::Replication)],
        )?,
        reference,
        loss: figdig::Loss::parse(loss).map_err(usage)?,
        holdout: holdout.map(figdig::Holdout::parse).transpose().map_err(usage)?,
        bootstrap_unit: choice(
            py,
            "bootstrap_unit",
            bootstrap_unit,
            &[("run", figdig::BootstrapUnit::Run), ("budget", figdig::BootstrapUnit::Budget)],
        )?,
        form: parse_form(py, form)?,
        ..figdig::FitOptions::default()
    })
}

/// Fit a dataset CSV's text; returns fit.json's text. `source` names the data in messages and
/// in the report's `input`.
#[pyfunction]
#[pyo3(signature = (csv_text, source, form="chinchilla", loss="huber:1e-3", holdout=None, bootstrap=4000,
    seed=0, starts="default", bootstrap_unit="run", filter="none", columns=None, reference="none"))]
#[allow(clippy::too_many_arguments)]
pub fn fit_csv(
    py: Python<'_>,
    csv_text: String,
    source: String,
    form: &str,
    loss: &str,
    holdout: Option<&str>,
    bootstrap: usize,
    seed: u64,
    starts: &str,
    bootstrap_unit: &str,
    filter: &str,
    columns: Option<&str>,
    reference: &str,
) -> PyResult<String> {
    let choices = FitChoices { form, loss, holdout, bootstrap, seed, starts, bootstrap_unit, reference };
    let opts = fit_options(py, &choices)?;
    let load = figdig::LoadOptions {
        columns: match columns {
            Some(c) => figdig::parse_column_spec(c).map_err(|e| err::<UsageError>(py, "", e))?,
            None => Vec::new(),
        },
        filter: choice(
            py,
            "filter",
            filter,
            &[
                ("none", figdig::RowFilter::None),
                ("replication", figdig::RowFilter::Replication),
                ("robust", figdig::RowFilter::Robust),
            ],
        )?,
    };
    let result = py.allow_threads(|| {
        let loaded = figdig::load_csv_with(csv_text.as_bytes(), &load).map_err(|e| (true, e))?;
        let mut report = figdig::fit_law(&loaded.data, &opts, |_| {}).map_err(|e| (false, e))?;
        report.input = Some(figdig::InputInfo::from_loaded(&source, &loaded));
        Ok::<_, (bool, figdig::FitError)>(report)
    });
    match result {
        Ok(report) => serde_json::to_string(&report).map_err(|e| err::<FitError>(py, "fit report", e)),
        Err((true, e)) => Err(fit_err(py, &format!("reading {source}"), e)),
        Err((false, e)) => Err(fit_err(py, &format!("fitting {source}"), e)),
    }
}

/// Compute-optimal allocation from a fit's JSON; returns the report as JSON text.
#[pyfunction]
#[pyo3(signature = (fit_json, flops=Vec::new(), inference_tokens=None))]
pub fn optimal_json(
    py: Python<'_>,
    fit_json: &str,
    flops: Vec<f64>,
    inference_tokens: Option<f64>,
) -> PyResult<String> {
    let input = figdig::PolicyInput::from_json(fit_json).map_err(|e| fit_err(py, "", e))?;
    let opts = figdig::OptimalOptions { flops, inference_tokens, ..figdig::OptimalOptions::default() };
    let report = py.allow_threads(|| figdig::optimal_report(&input, &opts)).map_err(|e| fit_err(py, "", e))?;
    serde_json::to_string(&report).map_err(|e| err::<FitError>(py, "optimal report", e))
}

/// One manifest row for Python: (row, id, path as written, path to read, page).
type ManifestTuple = (usize, String, String, String, Option<u32>);

/// A corpus manifest's rows, ids assigned as `figdig corpus` assigns them.
#[pyfunction]
pub fn manifest(py: Python<'_>, path: PathBuf) -> PyResult<Vec<ManifestTuple>> {
    let source = path.display().to_string();
    let text = std::fs::read_to_string(&path)
        .map_err(|e| err::<UsageError>(py, &source, format!("cannot read the manifest: {e}")))?;
    let base = path.parent().unwrap_or(std::path::Path::new(""));
    let rows = figdig::parse_manifest(&text, base).map_err(|e| err::<UsageError>(py, &source, e))?;
    Ok(rows.into_iter().map(|r| (r.row, r.id, r.path, r.resolved.display().to_string(), r.page)).collect())
}
