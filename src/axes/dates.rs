//! Tick labels that are whole dates: read as instants, milliseconds since the Unix epoch (UTC).
//!
//! Conventions read: d3 and Observable Plot (`utcFormat`), Vega-Lite (`timeUnit` formats),
//! matplotlib's `DateFormatter` and ggplot2's `scale_x_date` label a tick at the instant it marks
//! (00:00 UTC of the date written, or the first of the month when only a month is written) in
//! one of a few formats. A label is a date here only when it names its year: "Jan 2019",
//! "January 2019", "2019-03", "2019-03-15", "Mar 15, 2019", "15 Mar 2019", "2019-03-15 12:00"
//! (or with a `T`). Month or day names alone need their row's context and are not read here.
//!
//! Values are instants (the convention of Vega and Observable Plot), so months of different
//! lengths are spaced as drawn; calibration then treats them as numbers like any other labels.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// English month names, January first.
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Years accepted in a date label: the range of dated scientific data, which keeps "1-2" or
/// "3:4" from reading as dates.
const YEARS: std::ops::RangeInclusive<i32> = 1000..=2999;

/// A date label: its instant in milliseconds since 1970-01-01T00:00:00Z, and its format in
/// strftime notation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DateLabel {
    pub ms: f64,
    pub format: &'static str,
}

/// The month a word names (English, full or three letters, "Sept" too), 1-based.
pub(super) fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    let k = MONTHS
        .iter()
        .position(|m| *m == w || (w.len() == 3 && m.starts_with(&w)) || (w == "sept" && *m == "september"))?;
    Some(k as u32 + 1)
}

fn ms(d: NaiveDateTime) -> f64 {
    d.and_utc().timestamp_millis() as f64
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDateTime> {
    YEARS.contains(&y).then_some(())?;
    NaiveDate::from_ymd_opt(y, m, d)?.and_hms_opt(0, 0, 0)
}

fn year(w: &str) -> Option<i32> {
    (w.len() == 4 && w.chars().all(|c| c.is_ascii_digit())).then(|| w.parse().ok())?
}

fn day(w: &str) -> Option<u32> {
    let w = w.trim_end_matches(',');
    (!w.is_empty() && w.len() <= 2 && w.chars().all(|c| c.is_ascii_digit())).then(|| w.parse().ok())?
}

/// ISO forms: "2019-03", "2019-03-15", "2019-03-15 12:00", "2019-03-15T12:00:30".
fn iso(t: &str) -> Option<DateLabel> {
    let (day_part, time_part) = match t.split_once(['T', ' ']) {
        Some((d, h)) => (d, Some(h)),
        None => (t, None),
    };
    let parts: Vec<&str> = day_part.split('-').collect();
    let num = |s: &str| (!s.is_empty() && s.chars().all(|c| c.is_ascii_digit())).then(|| s.parse::<u32>().ok())?;
    let y = year(parts.first()?)?;
    match (parts.len(), time_part) {
        (2, None) if parts[1].len() == 2 => Some(DateLabel { ms: ms(date(y, num(parts[1])?, 1)?), format: "%Y-%m" }),
        (3, None) if parts[1].len() == 2 && parts[2].len() == 2 => {
            Some(DateLabel { ms: ms(date(y, num(parts[1])?, num(parts[2])?)?), format: "%Y-%m-%d" })
        }
        (3, Some(h)) => {
            let d = date(y, num(parts[1])?, num(parts[2])?)?.date();
            let (clock, format) = match h.len() {
                5 => (NaiveTime::parse_from_str(h, "%H:%M").ok()?, "%Y-%m-%d %H:%M"),
                8 => (NaiveTime::parse_from_str(h, "%H:%M:%S").ok()?, "%Y-%m-%d %H:%M:%S"),
                _ => return None,
            };
            Some(DateLabel { ms: ms(d.and_time(clock)), format })
        }
        _ => None,
    }
}

/// Forms with a month name: "Jan 2019", "January 2019", "Mar 15, 2019", "15 Mar 2019".
fn named(t: &str) -> Option<DateLabel> {
    let words: Vec<&str> = t.split_whitespace().collect();
    match words.as_slice() {
        [m, y] => Some(DateLabel { ms: ms(date(year(y)?, month(m)?, 1)?), format: "%b %Y" }),
        [m, d, y] if month(m).is_some() => {
            Some(DateLabel { ms: ms(date(year(y)?, month(m)?, day(d)?)?), format: "%b %d, %Y" })
        }
        [d, m, y] => Some(DateLabel { ms: ms(date(year(y)?, month(m)?, day(d)?)?), format: "%d %b %Y" }),
        _ => None,
    }
}

/// The instant a tick label names, when it is a whole date (see the module's doc).
pub fn parse_date(text: &str) -> Option<DateLabel> {
    let t = text.trim();
    if t.len() > 40 {
        return None;
    }
    iso(t).or_else(|| named(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32) -> f64 {
        ms(date(y, m, d).expect("date"))
    }

    #[test]
    fn whole_dates_are_instants_in_epoch_milliseconds() {
        assert_eq!(parse_date("1970-01").map(|d| d.ms), Some(0.0));
        assert_eq!(parse_date("2019-03").map(|d| d.ms), Some(at(2019, 3, 1)));
        assert_eq!(parse_date("2019-03-15").map(|d| d.ms), Some(at(2019, 3, 15)));
        assert_eq!(parse_date("2019-03-15 12:00").map(|d| d.ms), Some(at(2019, 3, 15) + 12.0 * 3_600_000.0));
        assert_eq!(parse_date("2019-03-15T00:00:30").map(|d| d.ms), Some(at(2019, 3, 15) + 30_000.0));
        assert_eq!(parse_date("Jan 2019").map(|d| d.ms), Some(at(2019, 1, 1)));
        assert_eq!(parse_date("September 2019").map(|d| d.ms), Some(at(2019, 9, 1)));
        assert_eq!(parse_date("Sept 2019").map(|d| d.ms), Some(at(2019, 9, 1)));
        assert_eq!(parse_date("Mar 15, 2019").map(|d| d.ms), Some(at(2019, 3, 15)));
        assert_eq!(parse_date("15 Mar 2019").map(|d| d.ms), Some(at(2019, 3, 15)));
        // 2020 is a leap year: 1 March is 60 days after 1 January.
        assert_eq!(parse_date("2020-03").unwrap().ms - parse_date("2020-01").unwrap().ms, 60.0 * 86_400_000.0);
    }

    #[test]
    fn numbers_ranges_and_partial_dates_are_not_dates() {
        for t in
            ["2019", "1-2", "3:4", "12:00", "Jan", "April", "2019-13", "2019-02-30", "10 20 30", "Mar 2019 x", "1e-3"]
        {
            assert_eq!(parse_date(t), None, "{t}");
        }
    }
}
