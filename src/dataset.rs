//! Dataset: what the axes measure, panels joined on shared runs, and row filters.
//!
//! Input: an [`Extraction`] and an optional [`Profile`] (the figure's `figures/<stem>.toml`).
//! Output: a [`Dataset`] of (training FLOP, model size, tokens, loss) rows with provenance, the
//! semantic decisions and why, the join report, and the filters' verdicts.
//!
//! Semantics come from axis, colour-bar and legend titles through a small synonym table, which the
//! profile can override. A panel whose axes and colour bar measure FLOPs, model size and loss is
//! the main panel; another panel showing model size against loss with FLOP budgets as its series
//! is joined to it run by run (same model size, FLOPs near the budget, closest decoded loss, one
//! to one), and its axis-read loss replaces the colour-decoded one.
//!
//! Invariants: filters only mark rows (`excluded` names the rule); no row is ever dropped;
//! tokens are always FLOP / (6 N).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::axes::PanelKind;
use crate::extract::Extraction;

/// What a value measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// Training compute C in FLOP.
    Flops,
    /// Model size N in parameters.
    Params,
    /// Training tokens D.
    Tokens,
    /// Loss L.
    Loss,
}

impl Quantity {
    /// The quantity a title names, with the synonym that matched.
    pub fn from_title(title: &str) -> Option<(Quantity, &'static str)> {
        let t = title.to_lowercase();
        // Ordered: more specific phrases first.
        const TABLE: &[(&str, Quantity)] = &[
            ("flop", Quantity::Flops),
            ("compute", Quantity::Flops),
            ("model size", Quantity::Params),
            ("parameters", Quantity::Params),
            ("params", Quantity::Params),
            ("tokens", Quantity::Tokens),
            ("data", Quantity::Tokens),
            ("loss", Quantity::Loss),
        ];
        TABLE.iter().find(|(k, _)| t.contains(k)).map(|(k, q)| (*q, *k))
    }
    fn parse(s: &str) -> Option<Quantity> {
        match s.trim().to_lowercase().as_str() {
            "flops" | "flop" | "compute" | "c" => Some(Quantity::Flops),
            "params" | "parameters" | "model_size" | "n" => Some(Quantity::Params),
            "tokens" | "data" | "d" => Some(Quantity::Tokens),
            "loss" | "l" => Some(Quantity::Loss),
            _ => None,
        }
    }
}

/// A figure's profile (`figures/<stem>.toml`): overrides of what each axis measures.
///
/// ```toml
/// [semantics]
/// "0.x" = "flops"      # panel 0's x axis
/// "0.y" = "params"
/// "0.colour" = "loss"  # the colour bar that encodes panel 0
/// "1.series" = "flops" # panel 1's legend labels
///
/// [axes."0.x"]         # ticks given by hand where labels are glyph outlines
/// scale = "log"
/// ticks = [[80.5, 1e18], [420.25, 1e24]]   # [position in SVG units, value]
///
/// [legend]
/// labels = ["small", "large"]   # unreadable legend labels, top to bottom
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Profile {
    #[serde(default)]
    pub semantics: BTreeMap<String, String>,
    /// Axes given by hand, keyed `<frame>.<x|y>` (see [`crate::axes::AxisOverride`]).
    #[serde(default)]
    pub axes: BTreeMap<String, crate::axes::AxisOverride>,
    /// Legend labels that cannot be read from the figure (see [`LegendProfile`]).
    #[serde(default)]
    pub legend: LegendProfile,
}

/// `[legend] labels = ["a", "b"]`: the labels of legend entries drawn as glyph outlines, top to
/// bottom then left to right.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegendProfile {
    #[serde(default)]
    pub labels: Vec<String>,
}

/// Why a profile could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("profile is not valid TOML: {0}")]
    Toml(String),
    #[error("profile key '{0}': unknown quantity '{1}' (use flops, params, tokens or loss)")]
    Quantity(String, String),
}

impl Profile {
    pub fn parse(text: &str) -> Result<Profile, ProfileError> {
        let p: Profile = toml::from_str(text).map_err(|e| ProfileError::Toml(e.to_string()))?;
        for (k, v) in &p.semantics {
            if Quantity::parse(v).is_none() {
                return Err(ProfileError::Quantity(k.clone(), v.clone()));
            }
        }
        Ok(p)
    }
}

/// One semantic decision.
#[derive(Debug, Clone, Serialize)]
pub struct Role {
    /// `<panel>.x`, `<panel>.y`, `<panel>.colour` or `<panel>.series`.
    pub slot: String,
    pub title: Option<String>,
    pub quantity: Option<Quantity>,
    pub why: String,
}

/// Tolerances of joins and filters. Every field states its default.
#[derive(Debug, Clone)]
pub struct DatasetOptions {
    /// Largest model-size difference for a join, in decades. Default: 1e-4.
    pub join_n_decades: f64,
    /// Largest FLOPs distance from the legend budget for a join, in decades. Default: 0.15.
    pub join_flops_decades: f64,
    /// The replication's rule: exclude this many highest losses. Default: 5.
    pub top_losses: usize,
    /// The robust rule: flag residuals beyond this many (scaled) MADs. Default: 5.0.
    pub mad_k: f64,
    /// Which rule marks rows `excluded` in the file. Default: [`FilterRule::Replication`].
    pub rule: FilterRule,
}

impl Default for DatasetOptions {
    fn default() -> Self {
        DatasetOptions {
            join_n_decades: 1e-4,
            join_flops_decades: 0.15,
            top_losses: 5,
            mad_k: 5.0,
            rule: FilterRule::Replication,
        }
    }
}

/// Row filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterRule {
    /// Exclude the highest losses (the replication's rule).
    Replication,
    /// Exclude rows whose log-loss residual from a smooth fit is beyond k MADs.
    Robust,
    /// Exclude nothing.
    None,
}

/// One dataset row.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub flops: f64,
    pub params: f64,
    pub tokens: f64,
    pub loss: Option<f64>,
    pub loss_source: &'static str,
    pub loss_halfwidth: Option<f64>,
    /// The colour-decoded loss, kept when an axis value replaced it.
    pub colour_loss: Option<f64>,
    pub panel: usize,
    pub x_svg: f64,
    pub y_svg: f64,
    pub fill: String,
    pub source: String,
    /// The joined marker in another panel: (panel, x_svg, y_svg, source).
    pub joined: Option<(usize, f64, f64, String)>,
    pub excluded: Option<String>,
}

/// How one panel joined the main panel.
#[derive(Debug, Clone, Serialize)]
pub struct JoinReport {
    pub panel: usize,
    pub markers: usize,
    pub matched: usize,
    /// Mean of (colour-decoded loss / axis loss - 1) over matched rows.
    pub colour_bias_rel: f64,
    /// Largest |colour-decoded loss / axis loss - 1|.
    pub colour_max_abs_rel: f64,
    /// Largest |colour-decoded loss / axis loss - 1| in units of the bin half-width.
    pub colour_max_halfwidths: f64,
}

/// A line whose colour a legend entry names with a value, checked against the axis calibration.
#[derive(Debug, Clone, Serialize)]
pub struct CrossCheck {
    pub legend_label: String,
    pub legend_value: f64,
    pub panel: usize,
    pub axis: &'static str,
    /// Where the line is drawn, and where the axis map puts the legend's value (SVG units).
    pub line_at: f64,
    pub expected_at: f64,
    /// The value the axis map reads at the line, relative to the legend's value, minus one.
    pub value_rel_error: f64,
    pub source: String,
}

/// The filters' verdicts (row indices).
#[derive(Debug, Clone, Serialize)]
pub struct FilterReport {
    pub active: FilterRule,
    pub replication_top_losses: Vec<usize>,
    pub robust_mad: Vec<usize>,
    pub robust_k: f64,
}

/// The reconstructed dataset.
#[derive(Debug, Clone, Serialize)]
pub struct Dataset {
    pub main_panel: usize,
    pub rows: Vec<Row>,
    pub roles: Vec<Role>,
    pub joins: Vec<JoinReport>,
    pub filters: FilterReport,
    /// Lines whose colour a numeric legend entry names, checked against the main panel's axes.
    pub cross_checks: Vec<CrossCheck>,
}

/// Decide what every axis, colour bar and legend measures.
pub fn roles(ex: &Extraction, profile: Option<&Profile>) -> Vec<Role> {
    let mut out = Vec::new();
    let mut push = |slot: String, title: Option<String>| {
        if let Some(v) = profile.and_then(|p| p.semantics.get(&slot)) {
            out.push(Role { slot, title, quantity: Quantity::parse(v), why: format!("profile says '{v}'") });
            return;
        }
        let found = title.as_deref().and_then(Quantity::from_title);
        let why = match (&title, found) {
            (Some(t), Some((_, k))) => format!("title '{t}' contains '{k}'"),
            (Some(t), None) => format!("title '{t}' names no known quantity"),
            (None, _) => "no title found".to_string(),
        };
        out.push(Role { slot, title, quantity: found.map(|f| f.0), why });
    };
    for p in ex.panels.iter().filter(|p| p.kind == PanelKind::Data) {
        push(format!("{}.x", p.index), p.x.as_ref().and_then(|a| a.title.clone()));
        push(format!("{}.y", p.index), p.y.as_ref().and_then(|a| a.title.clone()));
        if let Some(bar) = ex.colour_bars.iter().find(|b| b.encodes.contains(&p.index)) {
            push(format!("{}.colour", p.index), bar.title.clone());
        }
        let titles: Vec<&str> = ex
            .points
            .iter()
            .filter(|q| q.panel == p.index)
            .filter_map(|q| q.series.as_deref())
            .filter_map(|s| ex.legend.iter().find(|e| e.label == s).and_then(|e| e.title.as_deref()))
            .collect();
        if let Some(t) = titles.first() {
            push(format!("{}.series", p.index), Some(t.to_string()));
        }
    }
    out
}

fn role(roles: &[Role], slot: &str) -> Option<Quantity> {
    roles.iter().find(|r| r.slot == slot).and_then(|r| r.quantity)
}

/// Build the dataset, or `None` when no panel measures FLOPs (or tokens), model size and loss.
pub fn build_dataset(ex: &Extraction, profile: Option<&Profile>, opts: &DatasetOptions) -> Option<Dataset> {
    let roles = roles(ex, profile);
    // The main panel: its x, y and colour cover compute/size/tokens (two of them) and loss.
    let main = ex.panels.iter().filter(|p| p.kind == PanelKind::Data).find_map(|p| {
        let q = [
            role(&roles, &format!("{}.x", p.index)),
            role(&roles, &format!("{}.y", p.index)),
            role(&roles, &format!("{}.colour", p.index)),
        ];
        let has = |x: Quantity| q.contains(&Some(x));
        let sizes = [Quantity::Flops, Quantity::Params, Quantity::Tokens].iter().filter(|x| has(**x)).count();
        (has(Quantity::Loss) && sizes >= 2).then_some((p.index, q))
    })?;
    let (mp, q) = main;
    let mut rows: Vec<Row> = Vec::new();
    for pt in ex.points.iter().filter(|p| p.panel == mp) {
        let vals = [pt.x, pt.y, pt.value];
        let get = |x: Quantity| q.iter().zip(vals).find(|(r, _)| **r == Some(x)).and_then(|(_, v)| v);
        let (c, n, d) = (get(Quantity::Flops), get(Quantity::Params), get(Quantity::Tokens));
        let (c, n) = match (c, n, d) {
            (Some(c), Some(n), _) => (c, n),
            (Some(c), None, Some(d)) => (c, c / (6.0 * d)),
            (None, Some(n), Some(d)) => (6.0 * n * d, n),
            _ => continue,
        };
        let from_colour = q[2] == Some(Quantity::Loss);
        rows.push(Row {
            flops: c,
            params: n,
            tokens: c / (6.0 * n),
            loss: get(Quantity::Loss),
            loss_source: if from_colour { "colour_bar" } else { "axis" },
            loss_halfwidth: if from_colour { pt.value_halfwidth } else { Some(0.0) },
            colour_loss: if from_colour { pt.value } else { None },
            panel: mp,
            x_svg: pt.x_svg,
            y_svg: pt.y_svg,
            fill: pt.fill.clone(),
            source: pt.source.clone(),
            joined: None,
            excluded: None,
        });
    }
    let joins = join_panels(ex, &roles, mp, &mut rows, opts);
    let filters = apply_filters(&mut rows, opts);
    let cross_checks = cross_check(ex, &roles, mp);
    Some(Dataset { main_panel: mp, rows, roles, joins, filters, cross_checks })
}

/// Lines in the main panel drawn in the colour of a numeric legend entry whose legend measures
/// the quantity of the axis across the line (Chinchilla's dashed IsoFLOP lines at the budgets
/// the "Train. FLOPs" legend names): where the calibration puts that value, and how far off.
fn cross_check(ex: &Extraction, roles: &[Role], main: usize) -> Vec<CrossCheck> {
    let Some(panel) = ex.panels.iter().find(|p| p.index == main) else { return Vec::new() };
    let mut out = Vec::new();
    for e in &ex.legend {
        let crate::marks::Swatch::Line { stroke: Some(colour), .. } = &e.swatch else { continue };
        let Some(v) = crate::axes::parse_number(&e.label) else { continue };
        let Some((q, _)) = e.title.as_deref().and_then(Quantity::from_title) else { continue };
        for l in ex.lines.iter().filter(|l| l.panel == main && l.stroke.as_deref() == Some(colour.as_str())) {
            let (slot, axis) = if l.vertical { ("x", panel.x.as_ref()) } else { ("y", panel.y.as_ref()) };
            if role(roles, &format!("{main}.{slot}")) != Some(q) {
                continue;
            }
            let Some(axis) = axis else { continue };
            let Some(expected) = axis.map.position(v) else { continue };
            out.push(CrossCheck {
                legend_label: e.label.clone(),
                legend_value: v,
                panel: main,
                axis: slot,
                line_at: l.at,
                expected_at: expected,
                value_rel_error: axis.map.value(l.at) / v - 1.0,
                source: l.source.clone(),
            });
        }
    }
    out
}

/// Join panels that show model size against loss with FLOP budgets as series.
fn join_panels(
    ex: &Extraction,
    roles: &[Role],
    main: usize,
    rows: &mut [Row],
    opts: &DatasetOptions,
) -> Vec<JoinReport> {
    let mut reports = Vec::new();
    for p in ex.panels.iter().filter(|p| p.kind == PanelKind::Data && p.index != main) {
        let (x, y, s) = (
            role(roles, &format!("{}.x", p.index)),
            role(roles, &format!("{}.y", p.index)),
            role(roles, &format!("{}.series", p.index)),
        );
        let (n_from_x, ok) = match (x, y) {
            (Some(Quantity::Params), Some(Quantity::Loss)) => (true, true),
            (Some(Quantity::Loss), Some(Quantity::Params)) => (false, true),
            _ => (false, false),
        };
        if !ok || s != Some(Quantity::Flops) {
            continue;
        }
        let pts: Vec<_> = ex.points.iter().filter(|q| q.panel == p.index).collect();
        // All candidate pairs with their cost; then closest pairs first, one to one.
        let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
        for (qi, q) in pts.iter().enumerate() {
            let (Some(nq), Some(lq)) = (if n_from_x { q.x } else { q.y }, if n_from_x { q.y } else { q.x }) else {
                continue;
            };
            let Some(budget) = q.series_value else { continue };
            for (ri, r) in rows.iter().enumerate() {
                if r.joined.is_some() || (r.params / nq).log10().abs() > opts.join_n_decades {
                    continue;
                }
                if (r.flops / budget).log10().abs() > opts.join_flops_decades {
                    continue;
                }
                let Some(lr) = r.colour_loss.or(r.loss) else { continue };
                pairs.push(((lr / lq).ln().abs(), qi, ri));
            }
        }
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut q_used = vec![false; pts.len()];
        let mut errs: Vec<(f64, f64)> = Vec::new();
        for (_, qi, ri) in pairs {
            if q_used[qi] || rows[ri].joined.is_some() {
                continue;
            }
            q_used[qi] = true;
            let q = pts[qi];
            let lq = if n_from_x { q.y } else { q.x };
            let r = &mut rows[ri];
            if let (Some(c), Some(l)) = (r.colour_loss, lq) {
                let hw = r.loss_halfwidth.unwrap_or(0.0);
                errs.push((c / l - 1.0, if hw > 0.0 { (c - l).abs() / hw } else { 0.0 }));
            }
            r.loss = lq;
            r.loss_source = "axis";
            r.loss_halfwidth = Some(0.0);
            r.joined = Some((p.index, q.x_svg, q.y_svg, q.source.clone()));
        }
        let n = errs.len().max(1) as f64;
        reports.push(JoinReport {
            panel: p.index,
            markers: pts.len(),
            matched: q_used.iter().filter(|u| **u).count(),
            colour_bias_rel: errs.iter().map(|e| e.0).sum::<f64>() / n,
            colour_max_abs_rel: errs.iter().map(|e| e.0.abs()).fold(0.0, f64::max),
            colour_max_halfwidths: errs.iter().map(|e| e.1).fold(0.0, f64::max),
        });
    }
    reports
}

/// Mark rows by the active rule; report both rules.
fn apply_filters(rows: &mut [Row], opts: &DatasetOptions) -> FilterReport {
    let mut by_loss: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].loss.is_some()).collect();
    by_loss.sort_by(|&a, &b| rows[b].loss.unwrap_or(0.0).total_cmp(&rows[a].loss.unwrap_or(0.0)));
    let top: Vec<usize> = by_loss.into_iter().take(opts.top_losses).collect();
    let robust = robust_outliers(rows, opts.mad_k);
    let (rule_rows, name) = match opts.rule {
        FilterRule::Replication => (&top, format!("replication_top{}_loss", opts.top_losses)),
        FilterRule::Robust => (&robust, format!("robust_{}mad", opts.mad_k)),
        FilterRule::None => (&Vec::new(), String::new()),
    };
    for &i in rule_rows {
        rows[i].excluded = Some(name.clone());
    }
    FilterReport { active: opts.rule, replication_top_losses: top, robust_mad: robust, robust_k: opts.mad_k }
}

/// Rows whose log-loss residual from a quadratic surface in (log C, log N) is beyond k scaled MADs.
fn robust_outliers(rows: &[Row], k: f64) -> Vec<usize> {
    let idx: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].loss.is_some_and(|l| l > 0.0)).collect();
    let pick = |f: fn(&Row) -> f64| idx.iter().map(|&i| f(&rows[i])).collect::<Vec<f64>>();
    let (c, n, l) = (pick(|r| r.flops), pick(|r| r.params), pick(|r| r.loss.unwrap_or(1.0)));
    robust_outlier_rows(&c, &n, &l, k).into_iter().map(|j| idx[j]).collect()
}

/// The robust rule on plain columns (all > 0): indices whose log-loss residual from a quadratic
/// surface in (log C, log N) is beyond k scaled MADs. The fitting stage's `--filter robust` uses it
/// too, so a dataset and a fit flag the same rows.
pub fn robust_outlier_rows(flops: &[f64], params: &[f64], loss: &[f64], k: f64) -> Vec<usize> {
    let idx: Vec<usize> = (0..loss.len()).collect();
    if idx.len() < 12 {
        return Vec::new();
    }
    let feats = |i: usize| {
        let (c, n) = (flops[i].log10(), params[i].log10());
        [1.0, c, n, c * c, c * n, n * n]
    };
    let x: Vec<[f64; 6]> = idx.iter().map(|&i| feats(i)).collect();
    let y: Vec<f64> = idx.iter().map(|&i| loss[i].ln()).collect();
    // Normal equations for six unknowns, solved by Gaussian elimination (written by hand: a 6x6
    // system does not justify a linear-algebra dependency).
    let mut a = [[0.0f64; 7]; 6];
    for (xi, yi) in x.iter().zip(&y) {
        for r in 0..6 {
            for c in 0..6 {
                a[r][c] += xi[r] * xi[c];
            }
            a[r][6] += xi[r] * yi;
        }
    }
    for col in 0..6 {
        let piv = (col..6).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs())).unwrap_or(col);
        a.swap(col, piv);
        if a[col][col].abs() < 1e-300 {
            return Vec::new();
        }
        for r in 0..6 {
            if r != col {
                let f = a[r][col] / a[col][col];
                let pivot_row = a[col];
                for (v, p) in a[r].iter_mut().zip(pivot_row.iter()) {
                    *v -= f * p;
                }
            }
        }
    }
    let beta: Vec<f64> = (0..6).map(|i| a[i][6] / a[i][i]).collect();
    let res: Vec<f64> =
        x.iter().zip(&y).map(|(xi, yi)| yi - xi.iter().zip(&beta).map(|(a, b)| a * b).sum::<f64>()).collect();
    let med = median(&res);
    let mad = 1.4826 * median(&res.iter().map(|r| (r - med).abs()).collect::<Vec<_>>());
    if !(mad > 0.0) {
        return Vec::new();
    }
    idx.iter().zip(&res).filter(|(_, r)| (*r - med).abs() > k * mad).map(|(i, _)| *i).collect()
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 { s[n / 2] } else { (s[n / 2 - 1] + s[n / 2]) / 2.0 }
}

/// `dataset.csv`.
pub fn dataset_csv(ds: &Dataset) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "Training FLOP",
        "Model Size",
        "Training Tokens",
        "loss",
        "loss_source",
        "loss_halfwidth",
        "panel",
        "x_svg",
        "y_svg",
        "fill",
        "excluded",
    ])?;
    let o = |v: Option<f64>| v.map(|x| format!("{x}")).unwrap_or_default();
    for r in &ds.rows {
        w.write_record([
            format!("{}", r.flops),
            format!("{}", r.params),
            format!("{}", r.tokens),
            o(r.loss),
            r.loss_source.to_string(),
            o(r.loss_halfwidth),
            r.panel.to_string(),
            format!("{}", r.x_svg),
            format!("{}", r.y_svg),
            r.fill.clone(),
            r.excluded.clone().unwrap_or_default(),
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The dataset section of figure.json: semantic decisions, joins, filters and counts.
pub fn dataset_json(ds: &Dataset) -> serde_json::Value {
    serde_json::json!({
        "main_panel": ds.main_panel,
        "rows": ds.rows.len(),
        "semantics": ds.roles,
        "joins": ds.joins,
        "filters": ds.filters,
        "loss_sources": {
            "axis": ds.rows.iter().filter(|r| r.loss_source == "axis").count(),
            "colour_bar": ds.rows.iter().filter(|r| r.loss_source == "colour_bar").count(),
        },
        "excluded": ds.rows.iter().filter(|r| r.excluded.is_some()).count(),
        "calibration_cross_checks": {
            "lines": ds.cross_checks,
            "max_abs_value_rel_error": ds.cross_checks.iter().map(|c| c.value_rel_error.abs()).fold(0.0, f64::max),
        },
    })
}

/// One line for the stderr summary.
pub fn dataset_summary(ds: &Dataset) -> String {
    let joined: usize = ds.joins.iter().map(|j| j.matched).sum();
    let mut s = format!(
        "dataset: {} rows, {} joined to axis losses, {} excluded ({:?} rule)",
        ds.rows.len(),
        joined,
        ds.rows.iter().filter(|r| r.excluded.is_some()).count(),
        ds.filters.active
    );
    if !ds.cross_checks.is_empty() {
        let worst = ds.cross_checks.iter().map(|c| c.value_rel_error.abs()).fold(0.0, f64::max);
        s.push_str(&format!(
            "; {} legend-named lines confirm the calibration within {:.1e}",
            ds.cross_checks.len(),
            worst
        ));
    }
    for j in &ds.joins {
        s.push_str(&format!(
            "; colour decoding vs panel {} axis: bias {:+.4}%, max {:.4}%",
            j.panel,
            100.0 * j.colour_bias_rel,
            100.0 * j.colour_max_abs_rel
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonym_table_names_the_chinchilla_axes() {
        assert_eq!(Quantity::from_title("Training FLOPs").map(|q| q.0), Some(Quantity::Flops));
        assert_eq!(Quantity::from_title("Model size").map(|q| q.0), Some(Quantity::Params));
        assert_eq!(Quantity::from_title("Loss").map(|q| q.0), Some(Quantity::Loss));
        assert_eq!(Quantity::from_title("Train. FLOPs").map(|q| q.0), Some(Quantity::Flops));
        assert_eq!(Quantity::from_title("Training tokens").map(|q| q.0), Some(Quantity::Tokens));
        assert_eq!(Quantity::from_title("Temperature"), None);
    }

    #[test]
    fn profile_overrides_and_rejects_unknown_quantities() {
        let p = Profile::parse("[semantics]\n\"0.x\" = \"flops\"\n").expect("profile");
        assert_eq!(p.semantics.get("0.x").map(String::as_str), Some("flops"));
        assert!(matches!(Profile::parse("[semantics]\n\"0.x\" = \"speed\"\n"), Err(ProfileError::Quantity(..))));
        assert!(matches!(Profile::parse("[semantics"), Err(ProfileError::Toml(_))));
    }

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
