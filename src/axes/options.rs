//! Options: every tolerance of axis reading, with its default and why.
//!
//! Contract: [`AxesOptions`] holds the numbers the pipeline compares against; each is relative to
//! the figure (font sizes, frame or tick spacing, stroke widths), never absolute SVG units, so a
//! figure scaled or embedded in a page reads the same.

/// Tolerances of panel detection and calibration. Every field states its default.
#[derive(Debug, Clone)]
pub struct AxesOptions {
    /// A year-labelled axis is read as time when the starts of its years fit its tick positions
    /// within twice the years' own fit or this fraction of the ticks' span. Default: 1e-4 (a
    /// leap day moves a five-year tick by 5.5e-4 of the spacing; rounding by far less).
    pub time_fit_frac: f64,
    /// On a year axis whose row also names months alone (d3's and Vega's multi-scale format:
    /// "2019", "April", "July"), each month's label must sit on its instant within this many
    /// font sizes, or the axis is refused. Default: 0.5 (labels are centred on their ticks; a
    /// month label narrower than one em could not be told from its neighbours anyway).
    pub month_label_em: f64,
    /// Label anchors fit an axis "exactly" within this many font sizes. Default: 1e-3 (anchors
    /// are written to 3+ decimals on labels of 10 units).
    pub exact_label_em: f64,
    /// Tick marks off their exact, centred labels' anchors by at most this many font sizes were
    /// rounded (Vega's `tickRound`), and the labels place the ticks. Default: 0.1 (half a unit
    /// on labels of 5 units and up).
    pub rounded_tick_em: f64,
    /// Smallest data panel side as a fraction of the figure's side. Default: 0.08.
    pub min_panel_frac: f64,
    /// Label-to-anchor matching distance, in label font sizes. Default: 0.6.
    pub match_em: f64,
    /// The same for a label with another panel between it and the axis. Default: 0.1.
    pub blocked_match_em: f64,
    /// Largest share of an axis's ticks that may be rejected before the calibration is refused.
    /// Default: 0.34.
    pub max_rejected_share: f64,
    /// An anchored tick is rejected when its leave-one-out residual exceeds this fraction of the
    /// median tick spacing. Default: 0.002.
    pub reject_anchored: f64,
    /// The same for ticks positioned by their labels. Default: 0.003.
    pub reject_label: f64,
    /// Extra label-position uncertainty, in font sizes, when label widths differ. Default: 0.1.
    pub label_width_em: f64,
    /// Relative tolerance for the frame span being a whole number of tick sub-steps. Default: 1e-4.
    pub span_round_rel: f64,
    /// Largest shift, in font sizes, that snapping the frame ends may apply to label-based
    /// positions. Default: 1.5.
    pub max_snap_em: f64,
    /// Smallest long-to-short side ratio of a colour bar (a frame over a colour ramp, or a bare
    /// ramp image; ggplot2's default bar is 5 keys by 1). Default: 4.
    pub colour_bar_aspect: f64,
    /// Fewest filled cells, stacked edge to edge without a frame around them, read as a vector
    /// colour ramp (a stacked bar has a few segments; a ramp has one per bin). Default: 8.
    pub min_ramp_cells: usize,
    /// Text em box above and below the baseline, in font sizes, by which a y axis's end label is
    /// seen to be flush with the frame's end (Vega's text metrics). Default: (0.79, 0.21).
    pub flush_em_box: (f64, f64),
    /// Largest gap, in font sizes, between that em box and the frame's end. Default: 0.15 (a
    /// label centred on the end is about 0.4 off).
    pub flush_y_em: f64,
    /// Largest gap, in font sizes, between an x end label's start (or end) anchor and the frame's
    /// end for it to be flush. Default: 0.01 (the anchor is written exactly; a label merely
    /// starting near the end, such as a first tick's label just inside it, is 0.04 em off or more).
    pub flush_x_em: f64,
    /// Centred x labels replace tick marks rounded to whole units when they fit the scale with
    /// at most this share of the marks' RMS residual. Default: 0.1.
    pub centred_rms_ratio: f64,
    /// A label with no anchor on an anchored axis agrees with the fit when its own position is
    /// within this many font sizes of the fit's. Default: 0.3.
    pub unanchored_em: f64,
    /// A tick mark or grid line may stop short of the frame's edge by this many of its own stroke
    /// widths and still touch it: producers offset axes and frames by half a pixel for crisp lines
    /// (Observable Plot and d3 translate them by 0.5), so the ends miss by half a stroke, and a
    /// frame drawn for a frameless plot reaches one stroke past its axis lines. Default: 1.5.
    pub tick_gap_strokes: f64,
    /// Accept an axis whose offset rests on font metrics alone (no tick mark, grid line, flush or
    /// round frame end, and labels whose own positions are estimated): such an offset is only
    /// good to about 0.1 em, so by default the axis is refused with a reason rather than read
    /// approximately. Default: false.
    pub accept_label_metrics: bool,
    /// A less common scale family (sqrt, reciprocal, probit, logit) is read only when it explains
    /// every label and its RMS residual is at most this share of the runner-up family's; closer
    /// than that, the axis is refused as ambiguous. Default: 0.1.
    pub family_margin: f64,
    /// Fewest ticks that must agree with the fit when any tick is left out: two points fit any
    /// line, so a fit that rejects a tick and keeps two has checked nothing. Default: 3.
    pub min_agreeing: usize,
    /// How far, in font sizes, aligned edges of one label group may differ: labels of one axis
    /// are aligned exactly by their producer, so this covers only rounding, and a neighbour's
    /// or a colour bar's labels further out stay out. Default: 0.35.
    pub align_em: f64,
    /// Fewest other labels aligned with a label for it to be one of a group (a row or column
    /// that decides a corner label's axis). Default: 2.
    pub min_group_others: usize,
    /// How far, in font sizes, a tick label's box may reach into the frame and still be beside
    /// it (labels touch the frame's edge in tight layouts). Default: 0.3.
    pub label_overlap_em: f64,
    /// How far beyond the frame's ends, as a share of its length, a label's centre may lie and
    /// still be one of its axis's (end labels overhang by half their width). Default: 0.05.
    pub label_overhang_frac: f64,
    /// Farthest an x tick label's top may lie below the frame, in font sizes (tick length and
    /// padding are about one em; axis titles lie further out). Default: 4.
    pub x_label_band_em: f64,
    /// Farthest a y tick label's inner edge may lie beside the frame, in font sizes (wide labels
    /// such as "0.0001" end near the frame and start far from it). Default: 8.
    pub y_label_band_em: f64,
    /// Labels closer than this many font sizes along the axis are one (two axes sharing a
    /// label row draw it twice). Default: 0.2.
    pub duplicate_label_em: f64,
    /// How close a segment must come to a frame's edge to touch it, and anchors to coincide,
    /// as a share of the frame's larger side (coordinate rounding). Default: 1e-3.
    pub frame_slack_rel: f64,
    /// Shortest grid line, as a share of the frame's extent across the axis: a grid line spans
    /// the frame. Default: 0.9.
    pub grid_span_frac: f64,
    /// Longest tick mark, as a share of the frame's larger side (figure's side for a frameless
    /// plot): tick marks are short (colour bars are narrower than their ticks). Default: 0.05.
    pub tick_len_frac: f64,
    /// Rectangles whose edges differ by less than this share of the figure's diagonal are one
    /// (a clip path and the frame drawn on it). Default: 1e-3.
    pub same_rect_rel: f64,
    /// A candidate frame covering more of the figure's area than this is its background, not a
    /// panel. Default: 0.9.
    pub background_area_frac: f64,
    /// A frame lies on a colour-ramp image when each covers more than this share of the other.
    /// Default: 0.8.
    pub on_image_frac: f64,
    /// A filled cell inside a thin frame is a ramp bin when its width across the bar is the
    /// frame's within this share and it is shorter than `ramp_cell_len_frac` of it along the
    /// bar. Default: 0.05.
    pub ramp_cell_width_rel: f64,
    /// See `ramp_cell_width_rel`: a bin is shorter than this share of the bar. Default: 0.5.
    pub ramp_cell_len_frac: f64,
    /// Cap height of label fonts in font sizes (DejaVu- and Helvetica-like digits): a turned
    /// label's box is this tall. Default: 0.73.
    pub cap_height_em: f64,
    /// Vertical centre of digits above the baseline, in font sizes: the point a label marks
    /// across its baseline. Default: 0.38.
    pub digit_centre_em: f64,
    /// Runs continue one label when their font sizes differ by at most this share and their
    /// baselines by at most this many font sizes (MuPDF splits "−2" into two runs). Default: 0.05.
    pub join_same_rel: f64,
    /// Largest gap, in font sizes, between one run's end and the next's start for them to be one
    /// label (a continuation) or a mantissa and its exponent run. Default: 0.3.
    pub join_gap_em: f64,
    /// Two joined runs further apart than this many font sizes have a space between them (a
    /// word space is 0.25 to 0.33 em; runs split at a change of font abut). Default: 0.15.
    pub join_space_em: f64,
    /// An exponent run is smaller than this share of its base's font size. Default: 0.9.
    pub exponent_size_rel: f64,
    /// An exponent run's baseline is raised by more than the first and less than the second of
    /// these, in the base's font sizes (superscripts sit about half an em up). Default: (0.2, 0.9).
    pub exponent_raise_em: (f64, f64),
    /// Largest gap, in font sizes, between a base's end and its exponent's start. Default: 0.6.
    pub exponent_gap_em: f64,
    /// A caption's subscript run (smaller, as `exponent_size_rel`) has its baseline lowered by
    /// more than the first and less than the second of these, in the base's font sizes. TeX drops
    /// a subscript 0.15 em alone and 0.25 em under a superscript; the lower bound stays well
    /// above `join_same_rel`, a baseline's jitter. Default: (0.1, 0.6).
    pub subscript_drop_em: (f64, f64),
    /// How many runs after a base are searched for its scripts (a stacked pair and the runs MuPDF
    /// writes between them). Default: 4.
    pub script_window: usize,
    /// After a script, a space needs a gap of this many base font sizes: a word space (0.25 to
    /// 0.33 em), not `join_space_em`, since a script's end is estimated in a smaller font from
    /// assumed advances (a "U" taken 0.2 em too wide). Default: 0.3.
    pub script_space_em: f64,
    /// Glyph outlines drawn one after another are one run when their bottoms differ by less than
    /// this many em (the larger of the run's and the glyph's height). Default: 0.35.
    pub glyph_line_em: f64,
    /// The gap between glyph outlines of one run lies between these, in em: a slight overlap
    /// (kerning) up to a word space. Default: (-0.2, 0.6).
    pub glyph_gap_em: (f64, f64),
    /// Caption words on one line: bottoms within this many font sizes. Default: 0.2.
    pub caption_line_em: f64,
    /// Caption words are one caption when the gap between them lies between these, in font
    /// sizes (kerning to a word space). Default: (-0.1, 0.6).
    pub caption_gap_em: (f64, f64),
    /// Caption words are one caption when their font sizes differ by less than this share.
    /// Default: 0.1.
    pub caption_size_rel: f64,
    /// A title is centred on its panel or axis within this share of the side's length.
    /// Default: 0.25.
    pub title_centre_frac: f64,
    /// A title lies within this many font sizes outside its side (axis titles sit beyond the tick
    /// labels). Default: 6.
    pub title_band_em: f64,
    /// A title above or below may overlap its side by this many font sizes. Default: 0.5.
    pub title_overlap_em: f64,
    /// Where matplotlib writes a y axis's offset or multiplier, in its font sizes: its bottom
    /// within this far above the frame's top, from `offset_left_em` left of the frame's left
    /// edge to `offset_reach_em` right of it. Default: 3.
    pub offset_above_em: f64,
    /// See `offset_above_em`: how far left of the frame's left edge a y offset label may end.
    /// Default: 6.
    pub offset_left_em: f64,
    /// How far along the axis, in font sizes, an offset label may lie from the frame's corner
    /// (right of the left edge for y; either side of the right end for x). Default: 4.
    pub offset_reach_em: f64,
    /// Where matplotlib writes an x axis's offset or multiplier: its top within this many font
    /// sizes below the frame's bottom (under the tick labels). Default: 5.
    pub offset_below_em: f64,
    /// Half the unit to which a producer rounds its tick marks (Vega's `tickRound` rounds to whole
    /// output pixels): a true tick lies within this of its drawn mark. Default: 0.5.
    pub tick_round_half: f64,
    /// A frameless plot's tick label starts within this many font sizes beyond its tick mark's
    /// end (tick padding). Default: 2.
    pub frameless_label_em: f64,
    /// In a run of numerals, a glyph start more than this many font sizes after the previous one
    /// begins a new word (PDF converters set a row of tick labels as one run): digits advance
    /// about 0.5 em and a minus sign about 0.8 em. Default: 0.9.
    pub word_gap_em: f64,
}

impl Default for AxesOptions {
    fn default() -> Self {
        AxesOptions {
            time_fit_frac: 1e-4,
            month_label_em: 0.5,
            exact_label_em: 1e-3,
            rounded_tick_em: 0.1,
            min_panel_frac: 0.08,
            match_em: 0.6,
            blocked_match_em: 0.1,
            max_rejected_share: 0.34,
            reject_anchored: 0.002,
            reject_label: 0.003,
            label_width_em: 0.1,
            span_round_rel: 1e-4,
            max_snap_em: 1.5,
            colour_bar_aspect: 4.0,
            min_ramp_cells: 8,
            flush_em_box: (0.79, 0.21),
            flush_y_em: 0.15,
            flush_x_em: 0.01,
            centred_rms_ratio: 0.1,
            unanchored_em: 0.3,
            tick_gap_strokes: 1.5,
            accept_label_metrics: false,
            family_margin: 0.1,
            min_agreeing: 3,
            align_em: 0.35,
            min_group_others: 2,
            label_overlap_em: 0.3,
            label_overhang_frac: 0.05,
            x_label_band_em: 4.0,
            y_label_band_em: 8.0,
            duplicate_label_em: 0.2,
            frame_slack_rel: 1e-3,
            grid_span_frac: 0.9,
            tick_len_frac: 0.05,
            same_rect_rel: 1e-3,
            background_area_frac: 0.9,
            on_image_frac: 0.8,
            ramp_cell_width_rel: 0.05,
            ramp_cell_len_frac: 0.5,
            cap_height_em: 0.73,
            digit_centre_em: 0.38,
            join_same_rel: 0.05,
            join_gap_em: 0.3,
            join_space_em: 0.15,
            exponent_size_rel: 0.9,
            exponent_raise_em: (0.2, 0.9),
            exponent_gap_em: 0.6,
            subscript_drop_em: (0.1, 0.6),
            script_window: 4,
            script_space_em: 0.3,
            glyph_line_em: 0.35,
            glyph_gap_em: (-0.2, 0.6),
            caption_line_em: 0.2,
            caption_gap_em: (-0.1, 0.6),
            caption_size_rel: 0.1,
            title_centre_frac: 0.25,
            title_band_em: 6.0,
            title_overlap_em: 0.5,
            offset_above_em: 3.0,
            offset_left_em: 6.0,
            offset_reach_em: 4.0,
            offset_below_em: 5.0,
            tick_round_half: 0.5,
            frameless_label_em: 2.0,
            word_gap_em: 0.9,
        }
    }
}
