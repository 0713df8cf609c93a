//! Which long lines across a frame are its grid.
//!
//! Solid lines across the whole frame are grid lines (matplotlib, ggplot2, Vega). Dashed or
//! dotted ones are too in some styles (seaborn's and many papers' `grid(linestyle="--")`), but a
//! lone dashed line across a panel is as often a reference line (a threshold, Chinchilla's
//! IsoFLOP budgets). A dashed style counts as a grid only when it draws two or more lines and
//! every one of them sits on a tick label: a grid marks the labelled ticks, a reference line
//! marks a value of its own.

use super::Seg;

/// The grid lines among `lines`: solid ones, and dashed ones whose style passes the rule above.
/// `labels` are the axis's labels as (position along the axis, font size); a line sits on one
/// when it is within `match_em` font sizes of it (the label-to-anchor matching distance).
pub(super) fn keep_grid_styles<'a>(lines: Vec<&'a Seg>, labels: &[(f64, f64)], match_em: f64) -> Vec<&'a Seg> {
    let on_label = |s: &Seg| labels.iter().any(|(p, fs)| (s.at - p).abs() <= match_em * fs);
    let dashed_style_ok = |style: (Option<[u8; 3]>, u64)| {
        let family: Vec<&&Seg> = lines.iter().filter(|s| s.dashed && s.style == style).collect();
        family.len() >= 2 && family.iter().all(|s| on_label(s))
    };
    let keep: Vec<bool> = lines.iter().map(|s| !s.dashed || dashed_style_ok(s.style)).collect();
    lines.into_iter().zip(keep).filter(|(_, k)| *k).map(|(s, _)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(at: f64, dashed: bool) -> Seg {
        Seg { at, lo: 0.0, hi: 100.0, vertical: true, dashed, style: (Some([200, 200, 200]), 500_000) }
    }

    #[test]
    fn a_dashed_grid_on_the_labels_is_kept_and_a_lone_reference_line_is_not() {
        let labels = [(10.0, 8.0), (50.0, 8.0), (90.0, 8.0)];
        let grid = [line(10.0, true), line(50.0, true), line(90.0, true)];
        assert_eq!(keep_grid_styles(grid.iter().collect(), &labels, 0.6).len(), 3);
        let reference = [line(10.0, false), line(33.0, true)];
        let kept = keep_grid_styles(reference.iter().collect(), &labels, 0.6);
        assert_eq!(kept.iter().map(|s| s.at).collect::<Vec<_>>(), vec![10.0]);
        // Dashed lines of one style that miss a label are reference lines, all of them.
        let budgets = [line(10.0, true), line(33.0, true), line(50.0, true)];
        assert!(keep_grid_styles(budgets.iter().collect(), &labels, 0.6).is_empty());
    }
}
