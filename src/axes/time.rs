//! Time axes: tick labels that are years, or whole dates (see [`super::dates`]).
//!
//! Convention read: d3, Observable Plot, Vega and matplotlib's date axes label a tick at the
//! start of a year (00:00 on 1 January, UTC: Plot's and d3's `scaleUtc`, matplotlib's default
//! timezone) with the bare four-digit year. Values on such an axis are instants, given as
//! milliseconds since the Unix epoch (the convention of Vega and Observable Plot), so a leap year
//! is a day longer than the others and a linear map in years would be wrong by up to a day per
//! year. The axis is refitted with its ticks at those instants; it is accepted only when the
//! instants fit its positions at least as well as the years did (see [`AxesOptions::time_fit_frac`]).

use chrono::NaiveDate;
use serde::Serialize;

use super::{AxesOptions, Axis, AxisMap, Caption, Dir, Label, Panel, PanelKind, Scale, unread};
use crate::linear::fit_line;
use crate::warning::{Warning, WarningKind};

/// How a time axis writes its labels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeAxis {
    /// The label format found (strftime notation), e.g. `%Y`.
    pub format: String,
    /// What the axis's values are.
    pub unit: String,
}

/// Milliseconds since 1970-01-01T00:00:00Z at the start of a year.
pub fn year_start_ms(year: i32) -> Option<f64> {
    let t = NaiveDate::from_ymd_opt(year, 1, 1)?.and_hms_opt(0, 0, 0)?.and_utc();
    Some(t.timestamp_millis() as f64)
}

/// Read a year-labelled axis as time; `Err` gives the reason when the instants do not fit.
pub fn read_years(axis: &mut Axis, opts: &AxesOptions) -> Result<(), String> {
    let used: Vec<usize> = (0..axis.ticks.len()).filter(|&i| axis.ticks[i].used).collect();
    let mut pairs = Vec::new();
    for &i in &used {
        let t = &axis.ticks[i];
        let ms = year_start_ms(t.value as i32).ok_or_else(|| format!("'{}' is not a year", t.label))?;
        pairs.push((t.position, ms));
    }
    let years: Vec<(f64, f64)> = used.iter().map(|&i| (axis.ticks[i].position, axis.ticks[i].value)).collect();
    let (Some((a, b, worst)), Some((_, _, worst_years))) = (fit_line(&pairs), fit_line(&years)) else {
        return Err("fewer than two year ticks".into());
    };
    let span = pairs.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max)
        - pairs.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    if worst > (2.0 * worst_years).max(opts.time_fit_frac * span) {
        return Err(format!(
            "its ticks fit the years ({worst_years:.3} units off) better than the starts of those years ({worst:.3})"
        ));
    }
    axis.map = AxisMap { scale: Scale::Linear, slope: b, intercept: a };
    for t in &mut axis.ticks {
        if let Some(ms) = year_start_ms(t.value as i32) {
            t.value = ms;
            t.residual = axis.map.position(ms).map_or(f64::NAN, |q| t.position - q);
        }
    }
    axis.anchors.push("years read as instants: the start of each year, UTC".into());
    axis.time = Some(TimeAxis { format: "%Y".into(), unit: "milliseconds since 1970-01-01T00:00:00Z".into() });
    Ok(())
}

/// Read every data panel's axis labelled with years alone (and no other dates in its label row)
/// as time; one whose ticks do not fit the starts of those years is emptied, with the reason.
pub fn read_year_axes(panels: &mut [Panel], captions: &[Caption], opts: &AxesOptions, warnings: &mut Vec<Warning>) {
    for p in panels.iter_mut().filter(|p| p.kind == PanelKind::Data) {
        let rect = p.rect;
        for (dir, slot) in [(Dir::X, &mut p.x), (Dir::Y, &mut p.y)] {
            let Some(axis) = slot.as_mut() else { continue };
            let texts: Vec<&str> = axis.ticks.iter().map(|t| t.label.as_str()).collect();
            if !unread::year_labels(&texts) || !unread::date_labels(rect, dir, captions, opts).is_empty() {
                continue;
            }
            if let Err(why) = read_years(axis, opts) {
                *slot = None;
                let message = format!("{} axis not read: labels are years but {why}", dir_name(dir));
                warnings.push(Warning::axis(WarningKind::AxisNotRead, p.index, dir, message));
            }
        }
    }
}

/// The format of d3's multi-scale year-and-month labels: the year at January, else the month.
pub const YEAR_MONTH_FORMAT: &str = "%Y|%B";

/// Read a year axis whose label row also names months alone (d3's, Observable Plot's and
/// Vega's multi-scale time format writes the year at January and the month's name at other
/// ticks): the years calibrate the axis as instants ([`read_years`]), and every month label must
/// then sit on the start of its month in the year it falls in, within
/// [`AxesOptions::month_label_em`]. Any other axis with dates in its row is left alone.
pub fn read_year_month_axes(
    panels: &mut [Panel],
    labels: &[Label],
    captions: &[Caption],
    opts: &AxesOptions,
    warnings: &mut Vec<Warning>,
) {
    for p in panels.iter_mut().filter(|p| p.kind == PanelKind::Data) {
        let rect = p.rect;
        for (dir, slot) in [(Dir::X, &mut p.x), (Dir::Y, &mut p.y)] {
            let Some(axis) = slot.as_mut() else { continue };
            let texts: Vec<&str> = axis.ticks.iter().map(|t| t.label.as_str()).collect();
            let months = unread::month_captions(rect, dir, captions, opts);
            if !unread::year_labels(&texts) || months.is_empty() {
                continue;
            }
            let n_dates = unread::date_labels(rect, dir, captions, opts).len();
            let checked = if n_dates == months.len() {
                read_years(axis, opts).and_then(|()| {
                    refit_on_label_centres(axis, dir, labels, &months, opts);
                    check_months(axis, dir, &months, opts)
                })
            } else {
                Err("its row holds dates other than month names".into())
            };
            match checked {
                Ok(n) => {
                    axis.anchors.push(format!("{n} month labels sit on the starts of their months"));
                    axis.time = Some(TimeAxis {
                        format: YEAR_MONTH_FORMAT.into(),
                        unit: "milliseconds since 1970-01-01T00:00:00Z".into(),
                    });
                }
                Err(why) => {
                    *slot = None;
                    let message = format!("{} axis not read: labels are years and months but {why}", dir_name(dir));
                    warnings.push(Warning::axis(WarningKind::AxisNotRead, p.index, dir, message));
                }
            }
        }
    }
}

/// The instant a month label names: the start of its month in the year its position falls in
/// (or the next year's, when the label sits just before its month's start).
fn month_start(axis: &Axis, at: f64, month: u32) -> Option<f64> {
    use chrono::Datelike;
    let when = chrono::DateTime::from_timestamp_millis(axis.map.value(at) as i64)?;
    [when.year(), when.year() + 1]
        .iter()
        .filter_map(|&y| NaiveDate::from_ymd_opt(y, month, 1)?.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc().timestamp_millis() as f64)
        .min_by(|a, b| {
            let d = |v: f64| axis.map.position(v).map_or(f64::INFINITY, |q| (q - at).abs());
            d(*a).total_cmp(&d(*b))
        })
}

/// Vega and d3 centre each label on its tick's exact position but may round the tick mark to a
/// whole unit (see [`super::rounded`]); with the month labels there are enough centred labels to
/// tell. When every year and month label is middle-anchored and their centres fit the instants
/// within [`AxesOptions::exact_label_em`], the axis is re-read from them, the tick-mark reading
/// kept in its anchors as the runner-up.
fn refit_on_label_centres(axis: &mut Axis, dir: Dir, labels: &[Label], months: &[(u32, &Caption)], opts: &AxesOptions) {
    if dir != Dir::X {
        return;
    }
    let mut pairs = Vec::new();
    let mut centred = Vec::new();
    for (i, t) in axis.ticks.iter().enumerate().filter(|(_, t)| t.used) {
        let Some(l) = labels.iter().find(|l| l.source == t.source) else { return };
        let Some((super::TextAnchor::Middle, x)) = l.anchor_x else { return };
        pairs.push((x, t.value, l.font_size));
        centred.push((i, x));
    }
    for (k, (_, c)) in months.iter().enumerate() {
        let Some((at, ms)) = month_anchor(axis, dir, months, k) else { return };
        pairs.push((at, ms, c.font_size));
    }
    let fs = pairs.iter().map(|p| p.2).fold(f64::INFINITY, f64::min);
    let xy: Vec<(f64, f64)> = pairs.iter().map(|p| (p.0, p.1)).collect();
    let Some((a, b, worst)) = fit_line(&xy) else { return };
    // `worst` is in units along the axis (the fit's x).
    if !(worst <= opts.exact_label_em * fs) || xy.len() < 3 {
        return;
    }
    let before = axis.map;
    axis.map = AxisMap { scale: Scale::Linear, slope: b, intercept: a };
    // The year ticks now stand at their labels' centres (as in [`super::rounded`]).
    for (i, x) in centred {
        axis.ticks[i].position = x;
        axis.ticks[i].anchor = super::AnchorKind::Label;
    }
    for t in &mut axis.ticks {
        t.residual = axis.map.position(t.value).map_or(f64::NAN, |q| t.position - q);
    }
    axis.anchors.push(format!(
        "{} year and month label centres fit within {:.1e} units; runner-up: tick marks (u = {} + {} * position)",
        xy.len(),
        worst,
        before.intercept,
        before.slope
    ));
}

/// Each month label's distance from the start of its month, on an axis calibrated to instants;
/// `Ok` with how many were checked when every one is within tolerance.
fn check_months(axis: &Axis, dir: Dir, months: &[(u32, &Caption)], opts: &AxesOptions) -> Result<usize, String> {
    for (k, (_, c)) in months.iter().enumerate() {
        let (at, ms) =
            month_anchor(axis, dir, months, k).ok_or_else(|| format!("'{}' falls outside the calendar", c.text))?;
        let off = axis.map.position(ms).map_or(f64::INFINITY, |q| (q - at).abs());
        if off > opts.month_label_em * c.font_size {
            return Err(format!("'{}' is {off:.2} units from the start of its month", c.text));
        }
    }
    Ok(months.len())
}

/// Month label `k`'s anchor along the axis and the instant it names. Labels are centred on their
/// ticks, but Vega-Lite's `labelFlush` (on by default for continuous x axes) aligns the
/// outermost label of the row by its outer edge: for the first and last labels the edge that
/// lies nearest the month's start is the anchor.
fn month_anchor(axis: &Axis, dir: Dir, months: &[(u32, &Caption)], k: usize) -> Option<(f64, f64)> {
    let (m, c) = months.get(k)?;
    let b = c.bbox;
    let (centre, lo, hi) = if dir == Dir::X { (b.center().x, b.x0, b.x1) } else { (b.center().y, b.y0, b.y1) };
    let along = |(_, o): &(u32, &Caption)| if dir == Dir::X { o.bbox.center().x } else { o.bbox.center().y };
    let outermost = months.iter().all(|o| along(o) >= centre) || months.iter().all(|o| along(o) <= centre);
    let ms = month_start(axis, centre, *m)?;
    let q = axis.map.position(ms)?;
    let candidates: &[f64] = if outermost { &[centre, lo, hi] } else { &[centre] };
    let at = candidates.iter().copied().min_by(|a, b| (a - q).abs().total_cmp(&(b - q).abs()))?;
    Some((at, ms))
}

/// Mark every data panel's axis read from whole dates (see [`super::dates`]) as time, with the
/// labels' format. An axis whose ticks mix dates with plain numbers is emptied: its values would
/// be in two units.
pub fn mark_date_axes(panels: &mut [Panel], warnings: &mut Vec<Warning>) {
    for p in panels.iter_mut().filter(|p| p.kind == PanelKind::Data) {
        for (dir, slot) in [(Dir::X, &mut p.x), (Dir::Y, &mut p.y)] {
            let Some(axis) = slot.as_mut() else { continue };
            let dates: Vec<Option<super::dates::DateLabel>> =
                axis.ticks.iter().filter(|t| t.used).map(|t| super::dates::parse_date(&t.label)).collect();
            let Some(Some(first)) = dates.first().copied() else {
                if dates.iter().any(Option::is_some) {
                    *slot = None;
                    let message = format!("{} axis not read: its tick labels mix dates and numbers", dir_name(dir));
                    warnings.push(Warning::axis(WarningKind::AxisNotRead, p.index, dir, message));
                }
                continue;
            };
            if dates.iter().any(|d| d.is_none_or(|d| d.format != first.format)) {
                *slot = None;
                let message = format!(
                    "{} axis not read: its tick labels mix dates of several formats and numbers",
                    dir_name(dir)
                );
                warnings.push(Warning::axis(WarningKind::AxisNotRead, p.index, dir, message));
                continue;
            }
            axis.anchors.push(format!("dates ({}) read as instants, UTC", first.format));
            axis.time =
                Some(TimeAxis { format: first.format.into(), unit: "milliseconds since 1970-01-01T00:00:00Z".into() });
        }
    }
}

fn dir_name(dir: Dir) -> &'static str {
    if dir == Dir::X { "x" } else { "y" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_starts_are_epoch_milliseconds() {
        assert_eq!(year_start_ms(1970), Some(0.0));
        assert_eq!(year_start_ms(1992), Some(694_224_000_000.0));
        // 2000 is a leap year: 2001 starts 366 days after it.
        assert_eq!(year_start_ms(2001).unwrap() - year_start_ms(2000).unwrap(), 366.0 * 86_400_000.0);
    }
}
