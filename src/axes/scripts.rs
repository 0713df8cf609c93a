//! Sub- and superscripts of a caption, as TeX sets them: a smaller run lowered below the base's
//! baseline is a subscript, one raised above it a superscript; a pair stacked where the base ends
//! is both (`ρ_Σ^ℝ`). A legend label such as "ρ_Σ^ℝ[dR]" (gnuplot's cairolatex through MuPDF) is
//! one base run, the stacked pair, then the rest of the label on the base line again.
//!
//! Written as TeX source would be: `_` then `^`, a script of one character bare, longer ones in
//! braces. Raised runs after a number are exponents ([`super::text`]) and are not read here.

use kurbo::Point;

use super::AxesOptions;
use super::text::Tail;
use crate::scene::TextRun;

/// A script run found where a base ends, and whether it is lowered.
struct Script {
    j: usize,
    lowered: bool,
}

/// Join the scripts set where run `i`'s line ends (`base_end`) to `text`; returns the scripts'
/// tail (the next base run starts there) and box, or `None` when there are none.
pub(super) fn join_scripts<'a>(
    runs: &[(&'a TextRun, &str)],
    i: usize,
    used: &mut [bool],
    text: &mut String,
    base_end: Point,
    opts: &AxesOptions,
) -> Option<(Tail<'a>, kurbo::Rect)> {
    let (t, _) = runs[i];
    let fs = t.font_size_root();
    let base_line = t.point(t.x_start, 0.0).y;
    let mut found: Vec<Script> = Vec::new();
    for (j, (s, _)) in runs.iter().enumerate().skip(i + 1).take(opts.script_window) {
        if used[j] || !s.is_horizontal() || s.font_size_root() >= opts.exponent_size_rel * fs {
            continue;
        }
        let start = s.point(s.x_start, 0.0);
        if (start.x - base_end.x).abs() >= opts.exponent_gap_em * fs {
            continue;
        }
        let shift = (start.y - base_line) / fs;
        let (raise_lo, raise_hi) = opts.exponent_raise_em;
        let (drop_lo, drop_hi) = opts.subscript_drop_em;
        let lowered = shift > drop_lo && shift < drop_hi;
        let raised = -shift > raise_lo && -shift < raise_hi;
        // One of each at most: a second run on the same side is the next base's script.
        if (lowered || raised) && !found.iter().any(|f| f.lowered == lowered) {
            found.push(Script { j, lowered });
        }
    }
    if found.is_empty() {
        return None;
    }
    found.sort_by_key(|s| !s.lowered);
    let mut bb = runs[found[0].j].0.bbox();
    let mut tail = Tail::of(runs[found[0].j].0);
    for s in &found {
        let (run, _) = runs[s.j];
        let body = run.text.trim();
        let mark = if s.lowered { '_' } else { '^' };
        if body.chars().count() == 1 {
            text.push(mark);
            text.push_str(body);
        } else {
            text.push_str(&format!("{mark}{{{body}}}"));
        }
        used[s.j] = true;
        bb = bb.union(run.bbox());
        let t = Tail::of(run);
        tail.end.x = tail.end.x.max(t.end.x);
        tail.last_glyph_x = tail.last_glyph_x.max(t.last_glyph_x);
    }
    // What follows the scripts is on the base line, separated by no space of the scripts'.
    tail.end.y = base_line;
    tail.text = "";
    tail.after_script = true;
    Some((tail, bb))
}

#[cfg(test)]
mod tests {
    use crate::scene::{SceneOptions, parse_scene};

    /// A TeX legend label as MuPDF writes it: "ρ" (CMMI10), a raised "R" in MSBM7 and a lowered
    /// "Σ" stacked where it ends, then "[", "dR", "]" on the base line (positions from a
    /// cairolatex figure's SVG).
    #[test]
    fn a_stacked_sub_and_superscript_join_their_caption_which_goes_on_after_them() {
        let run = |font: &str, size: f64, y: f64, x: &str, text: &str| {
            format!(
                "<text transform='matrix(1 0 0 1 0 170)' font-size='{size}' font-family='{font}'><tspan y='{y}' x='{x}'>{text}</tspan></text>"
            )
        };
        let svg = format!(
            "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 283 170'>{}{}{}{}{}{}</svg>",
            run("CMMI10", 9.9626, -34.337, "49.616", "\u{3c1}"),
            run("MSBM7", 6.9738, -37.952, "54.767", "R"),
            run("CMR7", 6.9738, -31.593, "54.767", "\u{3a3}"),
            run("CMR10", 9.9626, -34.337, "60.952", "["),
            run("CMTT10", 9.9626, -34.337, "63.7216 68.95197", "dR"),
            run("CMR10", 9.9626, -34.337, "74.182", "]"),
        );
        let scene = parse_scene(svg.as_bytes(), &SceneOptions::default()).expect("parses");
        let (labels, captions) = super::super::text::read_texts(&scene, &super::AxesOptions::default());
        assert!(labels.is_empty());
        let texts: Vec<&str> = captions.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["\u{3c1}_\u{3a3}^\u{211d}[dR]"]);
    }

    /// A raised run after a number stays its exponent ("10" and "−3"), not a script.
    #[test]
    fn a_raised_run_after_a_number_is_its_exponent() {
        let svg = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 100'>\
            <text x='10' y='50' font-size='10'>10</text><text x='22' y='45' font-size='7'>\u{2212}3</text></svg>";
        let scene = parse_scene(svg.as_bytes(), &SceneOptions::default()).expect("parses");
        let (labels, _) = super::super::text::read_texts(&scene, &super::AxesOptions::default());
        assert_eq!(labels.len(), 1);
        assert!((labels[0].value - 1e-3).abs() < 1e-15, "{}", labels[0].text);
    }
}
