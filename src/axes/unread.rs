//! Why an axis was not read, in words a user can act on, and the time-axis refusal.
//!
//! An axis with no numeric tick labels is left unread. Its label row usually says why: dates
//! ("Jan", "2014-03", "12:00") on a time axis, or words on a categorical one. A time axis whose
//! row mixes years with month names ("2014", "April", "July") has numeric labels too, but reading
//! only those as plain numbers would give values in years where the producer's data are instants;
//! such an axis is refused rather than read in the wrong unit.
//!
//! Contract: after calibration, axes whose label row holds dates, or whose two-tick reading other
//! unparsed labels in its row could contradict, are emptied with an `axis_not_read` warning; for
//! an axis left unread, the reason in words ([`why_unread`]).

use kurbo::Rect;

use super::{AxesOptions, Axis, Caption, Dir, Label, Panel, PanelKind};
use crate::warning::{Warning, WarningKind};

/// Captions in the axis's label row: the same band as tick labels (see
/// [`AxesOptions::x_label_band_em`] and [`AxesOptions::y_label_band_em`]), below the frame for x,
/// left of it for y.
fn in_band(r: Rect, dir: Dir, c: &Caption, opts: &AxesOptions) -> bool {
    let fs = c.font_size;
    let b = c.bbox;
    let inside = opts.label_overlap_em * fs;
    match dir {
        Dir::X => {
            let cx = b.center().x;
            let over = opts.label_overhang_frac * r.width();
            cx >= r.x0 - over && cx <= r.x1 + over && b.y0 >= r.y1 - inside && b.y0 <= r.y1 + opts.x_label_band_em * fs
        }
        Dir::Y => {
            let cy = b.center().y;
            cy >= r.y0 && cy <= r.y1 && b.x1 <= r.x0 + inside && b.x1 >= r.x0 - opts.y_label_band_em * fs
        }
    }
}

/// A date or time as axis labels write them: month names (English, full or short), ISO dates
/// ("2014-03", "2014-03-01"), clock times ("12:00").
pub fn is_date(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    let words: Vec<&str> = t.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let month = words.iter().any(|w| super::dates::month(w).is_some());
    let digits_sep = |sep: char| {
        let parts: Vec<&str> = t.split(sep).collect();
        parts.len() >= 2 && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    };
    let iso = digits_sep('-') && t.split('-').next().is_some_and(|y| y.len() == 4);
    month || iso || digits_sep(':')
}

/// Years in 1800..=2100 written as four bare digits: how time axes label years (d3, Plot, Vega
/// and matplotlib's date axes), while the same producers write plain numbers of that size with a
/// thousands separator or on a scale that reaches beyond those years.
const YEARS: std::ops::RangeInclusive<f64> = 1800.0..=2100.0;

/// Whether every tick label of an axis reads as a year (see [`YEARS`]): such an axis is most
/// likely a time axis, whose values are instants, not plain numbers.
pub fn year_labels(texts: &[&str]) -> bool {
    texts.len() >= 2
        && texts.iter().all(|t| {
            let t = t.trim();
            t.len() == 4 && t.chars().all(|c| c.is_ascii_digit()) && t.parse::<f64>().is_ok_and(|v| YEARS.contains(&v))
        })
}

/// Texts aligned with an axis's tick labels (the same row below the frame for x, the same right
/// edge beside it for y) that are not numbers: tick labels figdig could not read. `read` are the
/// boxes of the labels the axis used.
pub fn unparsed_in_group(
    r: Rect,
    dir: Dir,
    read: &[(Rect, f64)],
    captions: &[Caption],
    opts: &AxesOptions,
) -> Vec<String> {
    captions
        .iter()
        .filter(|c| !c.text.trim().is_empty() && c.horizontal && in_band(r, dir, c, opts))
        .filter(|c| {
            read.iter().any(|(b, fs)| match dir {
                Dir::X => (c.bbox.y0 - b.y0).abs() <= opts.align_em * fs,
                Dir::Y => (c.bbox.x1 - b.x1).abs() <= opts.align_em * fs,
            })
        })
        .map(|c| c.text.trim().to_string())
        .collect()
}

/// Date labels in the axis's label row, when there are any (the time-axis refusal above).
pub fn date_labels(r: Rect, dir: Dir, captions: &[Caption], opts: &AxesOptions) -> Vec<String> {
    captions
        .iter()
        .filter(|c| in_band(r, dir, c, opts) && is_date(&c.text))
        .map(|c| c.text.trim().to_string())
        .collect()
}

/// Captions in the axis's label row that name a month alone ("Apr", "April", "Sept"), with the
/// month (1-based).
pub fn month_captions<'a>(r: Rect, dir: Dir, captions: &'a [Caption], opts: &AxesOptions) -> Vec<(u32, &'a Caption)> {
    captions
        .iter()
        .filter(|c| in_band(r, dir, c, opts) && c.horizontal)
        .filter_map(|c| super::dates::month(c.text.trim()).map(|m| (m, c)))
        .collect()
}

/// A sentence saying why an axis with no reading has none.
pub fn why_unread(r: Rect, dir: Dir, captions: &[Caption], opts: &AxesOptions) -> String {
    let row: Vec<&str> = captions
        .iter()
        .filter(|c| !c.text.trim().is_empty() && in_band(r, dir, c, opts))
        .map(|c| c.text.trim())
        .collect();
    let quote = |v: &[&str]| v.iter().take(4).map(|t| format!("'{t}'")).collect::<Vec<_>>().join(", ");
    let dates: Vec<&str> = row.iter().copied().filter(|t| is_date(t)).collect();
    if !dates.is_empty() {
        format!("labels are dates ({}); time axes other than years are not read", quote(&dates))
    } else if row.len() >= 2 {
        format!("labels are not numbers (categories? {})", quote(&row))
    } else {
        "no numeric tick labels beside it".to_string()
    }
}

/// Time axes other than years (see [`super::time`]) are not read (see the module's doc): an axis
/// whose label row holds dates is emptied, with the reason.
pub(super) fn refuse_time_axes(
    panels: &mut [Panel],
    captions: &[Caption],
    opts: &AxesOptions,
    warnings: &mut Vec<Warning>,
) {
    refuse_axes(panels, warnings, |rect, dir, axis| {
        // Read as time already (years: see [`super::time`]).
        if axis.time.is_some() {
            return None;
        }
        let mut dates = date_labels(rect, dir, captions, opts);
        let texts: Vec<&str> = axis.ticks.iter().map(|t| t.label.as_str()).collect();
        if year_labels(&texts) {
            dates.extend(texts.iter().map(|t| t.to_string()));
        }
        (!dates.is_empty())
            .then(|| format!("labels are dates ({}); time axes other than years are not read", shown(&dates)))
    });
}

/// Two ticks fit every scale family exactly, so a two-tick reading is only as good as the
/// convention that picked its family; when the same label row holds texts figdig could not read
/// (matplotlib's logit axis writes "1/2" and "1-10^-2" beside "10^-2"), those are ticks that could
/// contradict it, and the axis is refused.
pub(super) fn refuse_unchecked_axes(
    panels: &mut [Panel],
    labels: &[Label],
    captions: &[Caption],
    opts: &AxesOptions,
    warnings: &mut Vec<Warning>,
) {
    refuse_axes(panels, warnings, |rect, dir, axis| {
        // Month names checked against a year axis's reading are those other labels, agreeing.
        let months_checked = axis.time.as_ref().is_some_and(|t| t.format == super::time::YEAR_MONTH_FORMAT);
        if axis.ticks.iter().filter(|t| t.used).count() >= 3 || months_checked {
            return None;
        }
        let read: Vec<(Rect, f64)> = labels
            .iter()
            .filter(|l| axis.ticks.iter().any(|t| t.used && t.source == l.source))
            .map(|l| (l.bbox, l.font_size))
            .collect();
        let unparsed = unparsed_in_group(rect, dir, &read, captions, opts);
        (!unparsed.is_empty()).then(|| format!("only two of its labels are numbers figdig reads, and the others ({}) could contradict the scale; give its ticks in the figure's profile", shown(&unparsed)))
    });
}

/// Empty each data panel's x and y axis for which `why` (given the frame, the direction and the
/// axis) gives a reason, with an `axis_not_read` warning saying it.
fn refuse_axes(panels: &mut [Panel], warnings: &mut Vec<Warning>, why: impl Fn(Rect, Dir, &Axis) -> Option<String>) {
    for p in panels.iter_mut().filter(|p| p.kind == PanelKind::Data) {
        let rect = p.rect;
        for (dir, slot) in [(Dir::X, &mut p.x), (Dir::Y, &mut p.y)] {
            let Some(reason) = slot.as_ref().and_then(|a| why(rect, dir, a)) else { continue };
            *slot = None;
            let name = if dir == Dir::X { "x" } else { "y" };
            warnings.push(Warning::axis(
                WarningKind::AxisNotRead,
                p.index,
                dir,
                format!("{name} axis not read: {reason}"),
            ));
        }
    }
}

/// The first four texts, quoted.
fn shown(texts: &[String]) -> String {
    texts.iter().take(4).map(|d| format!("'{d}'")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_bare_years_read_as_years_and_other_numbers_do_not() {
        assert!(year_labels(&["1995", "2000", "2005"]));
        assert!(!year_labels(&["1000", "1500", "2000", "2500"]));
        assert!(!year_labels(&["2,000", "2,010"]));
        assert!(!year_labels(&["2014"]));
    }

    #[test]
    fn dates_and_times_are_told_from_numbers_and_words() {
        for d in ["Jan", "April", "Sept", "Mar 2015", "2014-03", "2014-03-01", "12:00", "October"] {
            assert!(is_date(d), "{d}");
        }
        for n in ["2014", "1,000", "-3.5", "Adam", "marker", "10^3", "Model", "Mayfly"] {
            assert!(!is_date(n), "{n}");
        }
    }
}
