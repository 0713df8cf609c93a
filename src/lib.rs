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
    Allocation, AllocationWithInterval, Approach2, Approach2Options, BootstrapInfo, BootstrapUnit, BudgetOptions,
    BudgetReport, BudgetSource, CHINCHILLA_FLOPS, ColumnRole, ColumnUse, CompareEntry, CompareOptions, CompareReport,
    DataConstrained, DataConstrainedOptions, DataRange, Derivation, DropReason, DroppedRow, FitData, FitError,
    FitOptions, FitReport, FitWarning, Fold, Form, FormFit, FormParam, Found, HOFFMANN, HUBER_DELTA, Holdout,
    HoldoutOptions, HoldoutReport, InferenceAware, InputInfo, LawForm, LawParams, LoadOptions, LoadedDataset, LocalFit,
    LocalSettings, LogData, Loss, MIN_POINTS, MIN_RESAMPLES, OptimalOptions, OptimalReport, PerParam, Plot, Policy,
    PolicyAt, PolicyInput, REPLICATION_DROP_HIGHEST, ROBUST_MAD_K, Reference, RowFilter, SearchResult, Slice, Spread,
    StartMode, StartsInfo, TestResult, Tests, Timings, approach2, compute_optimal, default_search, exponents, fit_law,
    fit_markdown, fit_plots, inference_optimal, lbfgs, load_csv, load_csv_with, optimal_report, optimal_text, p_text,
    parse_column_spec, plots_markdown, replication_starts, resample_counts, resample_group_counts, rule_of_20,
    run_starts, svg_to_png,
};
// --- end fitting stage ---

// --- extraction stages ---
mod warning;
pub use warning::{Warning, WarningKind};
mod scene;
mod svg_markers;
mod tex_fonts;
pub use scene::{
    ImageRef, Item, ItemKind, Paint, Scene, SceneError, SceneOptions, Shape, ShapeElement, TextAnchor, TextRun,
    parse_scene,
};
mod limits;
mod skipped;
pub use skipped::{MAX_SKIPPED_KEPT, SkippedElement};
mod axes;
pub use axes::{
    AnchorKind, AxesOptions, AxesResult, Axis, AxisMap, AxisOverride, Caption, Dir, Label, Panel, PanelKind, Scale,
    Tick, axis_aligned_rect, find_axes, parse_number,
};
mod marks;
pub use marks::{
    LegendEntry, Marker, MarkerShape, MarksOptions, MarksResult, RefLine, Swatch, classify, find_marks,
    find_marks_sized,
};
mod lines;
pub use lines::{ErrorBar, LinesOptions, LinesResult, Series, SeriesKind, Vertex, find_lines};
mod linear;
mod sizes;
pub use sizes::{SizeScale, SizesOptions, read_size_legend};
mod scales;
pub use scales::{
    Bin, ColourBar, Decoded, ImageError, ScalesOptions, decode, decode_data_url, read_colour_bars, series_of,
};
mod extract;
pub use extract::{
    ExtractError, ExtractOptions, Extraction, POINTS_COLUMNS, PointRecord, extract, extract_owned, figure_json,
    points_csv, summary,
};
mod columns;
pub use columns::{PointColumns, point_columns};
mod dataset;
pub use dataset::{
    CrossCheck, Dataset, DatasetOptions, FilterReport, FilterRule, JoinReport, Profile, ProfileError, Quantity, Role,
    Row, build_dataset, dataset_csv, dataset_json, dataset_summary, roles,
};
// --- end extraction stages ---
pub mod synth;

// --- corpus manifests (figdig corpus, the Python package) ---
mod corpus;
pub use corpus::{ManifestError, ManifestRow, Shard, default_id, parse_manifest};

// --- audit (certificate, audit.png, audit.html) ---
mod audit;
pub use audit::{
    AUDIT_TARGET_PIXELS, AuditError, AuditPng, AuditSource, AxisCheck, Certificate, ColourCheck, MAX_AUDIT_PIXELS,
    POINT_TOLERANCE, PanelCheck, RING_COLOUR, TICK_ABS_TOLERANCE, TICK_REL_TOLERANCE, Tolerances, audit_html,
    audit_html_of, audit_png, audit_png_of, audit_png_within, certificate,
};
