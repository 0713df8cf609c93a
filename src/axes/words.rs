//! Words inside one positioned text run.
//!
//! PDF converters (MuPDF's `mutool convert -F svg`) write a line of text as one `<tspan>` with an
//! x for every glyph; a row of tick labels set as one line ("1 50 100 150") then arrives as one
//! run "150100150" whose glyphs jump across the gaps between labels. A gap between consecutive
//! glyph starts wider than any numeral's advance is a word break: the run is split there into
//! runs positioned at their first glyph, so each label is read on its own. Only runs of numerals
//! (digits, signs, separators, exponents) are split: their glyphs advance at most about 0.8 em
//! (a minus sign), while words of prose have wide and narrow glyphs that a gap rule would cut.

use crate::scene::{TextAnchor, TextRun};

/// Characters of numbers as tick labels write them.
fn numeral(c: char) -> bool {
    c.is_ascii_digit() || " .,+-−eE×^%$".contains(c)
}

/// The run split into words at wide glyph gaps, or the run itself when it has none (or its
/// glyph positions do not cover its characters one to one).
pub fn split_words(t: &TextRun, word_gap_em: f64) -> Vec<TextRun> {
    let chars: Vec<char> = t.text.chars().collect();
    let xs = &t.glyph_x;
    if xs.len() != chars.len() || xs.len() < 2 || t.anchor != TextAnchor::Start || !chars.iter().all(|c| numeral(*c)) {
        return vec![t.clone()];
    }
    let gap = word_gap_em * t.font_size;
    let breaks: Vec<usize> = (1..xs.len()).filter(|&i| xs[i] - xs[i - 1] > gap).collect();
    if breaks.is_empty() {
        return vec![t.clone()];
    }
    // A glyph's advance, for the end of a word: the median step between glyphs within words.
    let mut steps: Vec<f64> = (1..xs.len()).filter(|i| !breaks.contains(i)).map(|i| xs[i] - xs[i - 1]).collect();
    steps.sort_by(f64::total_cmp);
    let advance = steps.get(steps.len() / 2).copied().unwrap_or((t.x_end - t.x_start) / chars.len() as f64);
    let mut out = Vec::new();
    let mut start = 0;
    for end in breaks.into_iter().chain([xs.len()]) {
        let text: String = chars[start..end].iter().collect();
        if !text.trim().is_empty() {
            let x_end = if end == xs.len() { t.x_end } else { xs[end - 1] + advance };
            out.push(TextRun {
                text,
                glyph_x: xs[start..end].to_vec(),
                x_start: xs[start],
                x_end,
                new_chunk: true,
                ..t.clone()
            });
        }
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use kurbo::Affine;

    fn run(text: &str, xs: &[f64]) -> TextRun {
        TextRun {
            text: text.into(),
            transform: Affine::IDENTITY,
            font_size: 10.0,
            anchor: TextAnchor::Start,
            baseline: 0.0,
            glyph_x: xs.to_vec(),
            x_start: xs[0],
            x_end: xs[xs.len() - 1] + 5.0,
            fill: None,
            new_chunk: true,
        }
    }

    #[test]
    fn a_row_of_labels_in_one_run_splits_at_the_gaps() {
        let t = run("150100", &[0.0, 40.0, 45.0, 80.0, 85.0, 90.0]);
        let w: Vec<(String, f64, f64)> = split_words(&t, crate::axes::AxesOptions::default().word_gap_em)
            .into_iter()
            .map(|r| (r.text, r.x_start, r.x_end))
            .collect();
        assert_eq!(w, vec![("1".into(), 0.0, 5.0), ("50".into(), 40.0, 50.0), ("100".into(), 80.0, 95.0)]);
    }

    #[test]
    fn ordinary_spacing_keeps_one_run() {
        let t = run("10 20", &[0.0, 5.0, 10.0, 13.0, 18.0]);
        assert_eq!(split_words(&t, crate::axes::AxesOptions::default().word_gap_em).len(), 1);
        // Prose is never split, however its glyphs are spaced.
        let t = run("AB", &[0.0, 40.0]);
        assert_eq!(split_words(&t, crate::axes::AxesOptions::default().word_gap_em).len(), 1);
    }
}
