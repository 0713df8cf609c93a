//! Time axes whose tick labels are years.
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

use super::{AxesOptions, Axis, AxisMap, Caption, Dir, Panel, PanelKind, Scale, unread};
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
                let name = if dir == Dir::X { "x" } else { "y" };
                let message = format!("{name} axis not read: labels are years but {why}");
                warnings.push(Warning::axis(WarningKind::AxisNotRead, p.index, dir, message));
            }
        }
    }
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
