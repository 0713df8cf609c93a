//! Options: every tolerance of axis reading, with its default and why.
//!
//! Contract: [`AxesOptions`] holds the numbers the pipeline compares against; each is relative to
//! the figure (font sizes, frame or tick spacing, stroke widths), never absolute SVG units, so a
//! figure scaled or embedded in a page reads the same.

/// Tolerances of panel detection and calibration. Every field states its default.
#[derive(Debug, Clone)]
pub struct AxesOptions {
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
}

impl Default for AxesOptions {
    fn default() -> Self {
        AxesOptions {
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
        }
    }
}
