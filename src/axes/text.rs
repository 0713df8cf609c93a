//! Text: every text run of the scene read as numeric labels or captions.
//!
//! Contract: from a [`Scene`], each run split into words ([`super::words`]), runs that continue
//! one another on a baseline joined into one label ("−" and "2" from MuPDF), a smaller raised
//! run after a number joined as its exponent ("10" and "−3"), and each result parsed
//! ([`super::number`]): a number becomes a [`Label`] with the point it marks along each axis, any
//! other text a [`Caption`]. Glyph outlines without characters become empty captions (they show
//! where text is). Nothing here knows about frames or axes.

use kurbo::{Point, Rect, Shape as _};

use super::number::{parse_number, superscripts_to_caret};
use super::{AxesOptions, Caption, Label, scripts, words};
use crate::scene::{ItemKind, Scene, TextAnchor, TextRun};

/// A run and the source element it came from.
type Run<'a> = (&'a TextRun, &'a str);

/// Read every text run, join continuations and superscript exponents, split numbers from
/// captions.
pub(super) fn read_texts(scene: &Scene, opts: &AxesOptions) -> (Vec<Label>, Vec<Caption>) {
    let words: Vec<(TextRun, &str)> = scene
        .items
        .iter()
        .filter_map(|it| match &it.kind {
            ItemKind::Text(t) => {
                Some(words::split_words(t, opts.word_gap_em).into_iter().map(|w| (w, it.source.as_str())))
            }
            _ => None,
        })
        .flatten()
        .collect();
    let runs: Vec<Run> = words.iter().map(|(t, s)| (t, *s)).collect();
    let mut used = vec![false; runs.len()];
    let mut labels = Vec::new();
    let mut captions = Vec::new();
    for i in 0..runs.len() {
        if used[i] {
            continue;
        }
        // Runs after this one are joined to it below; none before it is looked at again.
        used[i] = true;
        let (t, src) = runs[i];
        if !t.is_horizontal() {
            match turned_label(t, src, opts) {
                Some(l) => labels.push(l),
                None => captions.push(Caption {
                    text: t.text.clone(),
                    bbox: t.bbox(),
                    font_size: t.font_size_root(),
                    horizontal: false,
                }),
            }
            continue;
        }
        let line = join_line(&runs, i, &mut used, opts);
        match line_label(t, src, &line, opts) {
            Some(l) => labels.push(l),
            None => captions.push(Caption {
                text: line.text,
                bbox: line.bb,
                font_size: t.font_size_root(),
                horizontal: true,
            }),
        }
    }
    merge_caption_words(&mut captions, opts);
    captions.extend(glyph_captions(scene, opts));
    (labels, captions)
}

/// A number turned by a quarter (R's y labels run along the axis by default; turned x labels)
/// marks the middle of its run along the baseline, the digits' centre about 0.38 em off it.
/// Turned by another angle (matplotlib's `labelrotation=45`) the label's box is centred on its
/// tick (the default alignment), so it marks the box's centre. `None` for a turned non-number.
fn turned_label(t: &TextRun, src: &str, opts: &AxesOptions) -> Option<Label> {
    let fs = t.font_size_root();
    let cap = -opts.cap_height_em * fs;
    let text = t.text.trim();
    let c = t.transform.as_coeffs();
    // A quarter turn to the transform's rounding (not a tolerance of the figure).
    let quarter = c[0].abs() < 1e-6 * c[1].abs() && c[3].abs() < 1e-6 * c[2].abs();
    let value = parse_number(text)?;
    let corners = [t.point(t.x_start, 0.0), t.point(t.x_end, 0.0), t.point(t.x_start, cap), t.point(t.x_end, cap)];
    let boxed = corners.iter().skip(1).fold(Rect::from_points(corners[0], corners[0]), |r, p| r.union_pt(*p));
    let mid = if quarter { t.point((t.x_start + t.x_end) / 2.0, -opts.digit_centre_em * fs) } else { boxed.center() };
    Some(Label {
        power_of_ten: superscripts_to_caret(text).contains("10^"),
        text: text.to_string(),
        value,
        cx: mid.x,
        cy: mid.y,
        bbox: boxed,
        font_size: fs,
        chars: text.chars().count(),
        source: src.to_string(),
        anchor_x: None,
        turned: Some(boxed),
    })
}

/// A horizontal run with the runs joined to it.
struct Line {
    text: String,
    bb: Rect,
    /// An exponent was joined (a power of ten written with a raised exponent).
    power: bool,
    /// Other runs were joined (the label's edges are then not the first run's own).
    joined: bool,
}

/// Run `i` with the runs that continue it on its baseline and the exponent raised after them.
fn join_line(runs: &[Run], i: usize, used: &mut [bool], opts: &AxesOptions) -> Line {
    let (t, _) = runs[i];
    let mut line = Line { text: t.text.trim().to_string(), bb: t.bbox(), power: false, joined: false };
    let mut tail = join_continuations(runs, i, used, &mut line, Tail::of(t), opts);
    // A raised run after a number ("10", "×10") is its exponent; after other text, runs lowered
    // or raised where it ends are its scripts, each followed by more of it on its base line.
    if line.text.ends_with(|c: char| c.is_ascii_digit()) {
        join_exponent(runs, i, used, &mut line, tail.end, opts);
        return line;
    }
    while let Some((after, bb)) = scripts::join_scripts(runs, i, used, &mut line.text, tail.end, opts) {
        line.bb = line.bb.union(bb);
        line.joined = true;
        tail = join_continuations(runs, i, used, &mut line, after, opts);
    }
    line
}

/// Where a line ends so far. Its end is estimated from assumed advances, so the next run may
/// start before it, though not before its last glyph does.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tail<'a> {
    pub end: Point,
    pub last_glyph_x: f64,
    /// The text it ends with (a trailing space separates it from what follows).
    pub text: &'a str,
    /// It ends with a script, whose end is estimated in a smaller font.
    pub after_script: bool,
}

impl<'a> Tail<'a> {
    pub(super) fn of(t: &'a TextRun) -> Self {
        let last = t.glyph_x.last().copied().unwrap_or(t.x_start);
        Tail { end: t.point(t.x_end, 0.0), last_glyph_x: t.point(last, 0.0).x, text: &t.text, after_script: false }
    }
    /// Whether a run starting at `x` continues the line: past its last glyph's start and at
    /// most `gap` beyond its estimated end.
    fn continued_at(&self, x: f64, gap: f64) -> bool {
        x > self.last_glyph_x && x - self.end.x <= gap
    }
}

/// Runs that continue run `i`'s line on its baseline at its size, after `tail`, are one label
/// (MuPDF writes "−2" as a "−" run and a "2" run). Returns the joined line's tail.
fn join_continuations<'a>(
    runs: &[Run<'a>],
    i: usize,
    used: &mut [bool],
    line: &mut Line,
    mut tail: Tail<'a>,
    opts: &AxesOptions,
) -> Tail<'a> {
    let (t, _) = runs[i];
    let fs = t.font_size_root();
    let base_line = t.point(t.x_start, 0.0).y;
    for j in i + 1..runs.len().min(i + 9) {
        let (s, _) = runs[j];
        let start = s.point(s.x_start, 0.0);
        let continues = !used[j]
            && s.is_horizontal()
            && (s.font_size_root() - fs).abs() <= opts.join_same_rel * fs
            && (start.y - base_line).abs() <= opts.join_same_rel * fs
            && tail.continued_at(start.x, opts.join_gap_em * fs);
        if continues {
            // A space at the join is kept (a legend label "AdamW: " then "β=0.29" in another
            // font); number labels are parsed with spaces removed.
            let space_em = if tail.after_script { opts.script_space_em } else { opts.join_space_em };
            let apart = start.x - tail.end.x > space_em * fs;
            if apart || tail.text.ends_with(char::is_whitespace) || s.text.starts_with(char::is_whitespace) {
                line.text.push(' ');
            }
            line.text.push_str(s.text.trim());
            line.bb = line.bb.union(s.bbox());
            tail = Tail::of(s);
            used[j] = true;
            line.joined = true;
        }
    }
    tail
}

/// A following smaller, raised run that starts where the line ends is its exponent; the exponent
/// may itself be split into runs ("−" and "2").
fn join_exponent(runs: &[Run], i: usize, used: &mut [bool], line: &mut Line, base_end: Point, opts: &AxesOptions) {
    let (t, _) = runs[i];
    let fs = t.font_size_root();
    let base_line = t.point(t.x_start, 0.0).y;
    for (j, (s, _)) in runs.iter().enumerate().skip(i + 1).take(3) {
        if used[j] || !s.is_horizontal() {
            continue;
        }
        let sfs = s.font_size_root();
        let start = s.point(s.x_start, 0.0);
        let raise = base_line - start.y;
        let (raise_lo, raise_hi) = opts.exponent_raise_em;
        let exponent = sfs < opts.exponent_size_rel * fs
            && raise > raise_lo * fs
            && raise < raise_hi * fs
            && (start.x - base_end.x).abs() < opts.exponent_gap_em * fs;
        if !exponent {
            continue;
        }
        line.text = format!("{}^{}", line.text, s.text.trim());
        line.bb = line.bb.union(s.bbox());
        used[j] = true;
        line.joined = true;
        line.power = true;
        let mut end = s.point(s.x_end, 0.0);
        for k in j + 1..runs.len().min(j + 6) {
            let (q, _) = runs[k];
            let qs = q.point(q.x_start, 0.0);
            if !used[k]
                && q.is_horizontal()
                && (q.font_size_root() - sfs).abs() <= opts.join_same_rel * sfs
                && (qs.y - start.y).abs() <= opts.join_same_rel * sfs
                && (qs.x - end.x).abs() <= opts.join_gap_em * sfs
            {
                line.text.push_str(q.text.trim());
                line.bb = line.bb.union(q.bbox());
                end = q.point(q.x_end, 0.0);
                used[k] = true;
            }
        }
        break;
    }
}

/// The label a horizontal line writes, or `None` when it is not a number or a whole date (read
/// as its instant: see [`super::dates`]). One run's text anchor
/// gives its x exactly; joined runs have none.
fn line_label(t: &TextRun, src: &str, line: &Line, opts: &AxesOptions) -> Option<Label> {
    let value = parse_number(&line.text)
        .or_else(|| parse_number(&line.text.replace(' ', "")))
        .or_else(|| super::dates::parse_date(&line.text).map(|d| d.ms))?;
    let fs = t.font_size_root();
    let anchor_x = (!line.joined).then(|| {
        let x = match t.anchor {
            TextAnchor::Start => t.x_start,
            TextAnchor::Middle => (t.x_start + t.x_end) / 2.0,
            TextAnchor::End => t.x_end,
        };
        (t.anchor, t.point(x, 0.0).x)
    });
    let bb = line.bb;
    Some(Label {
        power_of_ten: line.power || superscripts_to_caret(&line.text).contains("10^"),
        text: line.text.clone(),
        value,
        cx: (bb.x0 + bb.x1) / 2.0,
        // Vertical centre of digits: about 0.38 em above the baseline (DejaVu-like).
        cy: t.point(t.x_start, 0.0).y - opts.digit_centre_em * fs,
        bbox: bb,
        font_size: fs,
        chars: line.text.chars().count(),
        source: src.to_string(),
        anchor_x,
        turned: None,
    })
}

/// Runs of glyph outlines drawn without their characters (Cairo's `<symbol id="glyph0-1">`), as
/// captions with empty text: nothing can be read from them, but they still show where text is
/// (a legend entry's label beside its swatch).
fn glyph_captions(scene: &Scene, opts: &AxesOptions) -> Vec<Caption> {
    let mut runs: Vec<Caption> = Vec::new();
    for it in &scene.items {
        let ItemKind::Shape(s) = &it.kind else { continue };
        if !s.glyph {
            continue;
        }
        let b = s.path.bounding_box();
        if !(b.width() >= 0.0 && b.height() > 0.0) {
            continue;
        }
        // Glyphs drawn one after another on one line, less than a word space apart, are one run.
        if let Some(r) = runs.last_mut() {
            let em = r.font_size.max(b.height());
            let gap = b.x0 - r.bbox.x1;
            let (gap_lo, gap_hi) = opts.glyph_gap_em;
            if (b.y1 - r.bbox.y1).abs() < opts.glyph_line_em * em && gap > gap_lo * em && gap < gap_hi * em {
                r.bbox = r.bbox.union(b);
                r.font_size = em;
                continue;
            }
        }
        runs.push(Caption { text: String::new(), bbox: b, font_size: b.height(), horizontal: true });
    }
    runs
}

/// Join caption runs that sit on one line next to each other ("Training" "FLOPs").
fn merge_caption_words(caps: &mut Vec<Caption>, opts: &AxesOptions) {
    let mut i = 0;
    while i < caps.len() {
        let mut j = i + 1;
        let mut merged = false;
        while j < caps.len() {
            let (a, b) = (&caps[i], &caps[j]);
            let fs = a.font_size;
            let same_line = a.horizontal && b.horizontal && (a.bbox.y1 - b.bbox.y1).abs() < opts.caption_line_em * fs;
            let gap = b.bbox.x0 - a.bbox.x1;
            let (gap_lo, gap_hi) = opts.caption_gap_em;
            if same_line
                && gap > gap_lo * fs
                && gap < gap_hi * fs
                && (a.font_size - b.font_size).abs() < opts.caption_size_rel * fs
            {
                let b = caps.remove(j);
                let a = &mut caps[i];
                a.text = format!("{} {}", a.text, b.text);
                a.bbox = a.bbox.union(b.bbox);
                merged = true;
            } else {
                j += 1;
            }
        }
        if !merged {
            i += 1;
        }
    }
}
