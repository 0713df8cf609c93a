//! figdig: recover the numbers behind published vector figures, then do the science on them.
//!
//! The pipeline runs one way, one module per stage, exchanging plain data types:
//! scene (SVG -> f64 primitives) -> axes (panels, ticks, calibration) -> marks (markers, legends)
//! -> scales (colour bars, series) -> dataset (semantics, joins, filters) -> fit (law, bootstrap,
//! tests, policy) -> report. Only the binary does I/O and printing; the library never panics on
//! input and reports failures through one typed error enum per stage.

// `!(x > 0.0)` is written on purpose throughout: it is true for NaN, which must be rejected too.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

// --- fitting stage (src/fit/) ---
mod fit;
pub use fit::{
    approach2, compute_optimal, default_search, exponents, fit_law, fit_markdown, inference_optimal, lbfgs, load_csv,
    optimal_report, optimal_text, replication_starts, resample_counts, rule_of_20, run_starts, Allocation,
    AllocationWithInterval, Approach2, BootstrapInfo, DatasetFormat, FitData, FitError, FitOptions, FitReport,
    InferenceAware, InputInfo, LawParams, LoadedDataset, LocalFit, LocalSettings, LogData, OptimalReport, PerParam,
    Policy, PolicyInput, SearchResult, Slice, Spread, StartMode, StartsInfo, TestResult, Tests, Timings,
    CHINCHILLA_FLOPS, HOFFMANN, HUBER_DELTA, MIN_POINTS, MIN_RESAMPLES,
};
// --- end fitting stage ---

// --- extraction stages ---
mod scene;
pub use scene::{
    parse_scene, ImageRef, Item, ItemKind, Paint, Scene, SceneError, SceneOptions, Shape, ShapeElement, TextAnchor,
    TextRun,
};
mod axes;
pub use axes::{
    axis_aligned_rect, find_axes, parse_number, AnchorKind, Axis, AxesOptions, AxesResult, AxisMap, Caption, Dir, Label,
    Panel, PanelKind, Scale, Tick,
};
mod marks;
pub use marks::{classify, find_marks, LegendEntry, Marker, MarkerShape, MarksOptions, MarksResult, Swatch};
mod extract;
pub use extract::{extract, figure_json, points_csv, summary, ExtractError, ExtractOptions, Extraction, PointRecord};
// --- end extraction stages ---
