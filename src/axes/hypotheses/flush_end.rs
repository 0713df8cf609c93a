//! Flush end labels: an end label drawn flush with the frame's end marks that end.
//!
//! Vega's `labelFlush` axis labels and gradient-legend end labels are aligned to stay within the
//! axis's extent, so the first and last labels sit flush with the frame's ends rather than
//! centred on their ticks: such a label marks the end, whatever anchor lies nearer its centre (a
//! wide flush label's centre sits over the next tick). On x the run's text anchor gives its start
//! or end edge exactly; on y its em box meets the end, which a label centred on the end never does.

use super::super::calibrate::AxisCtx;
use super::super::{Dir, Label};
use crate::scene::TextAnchor;

/// Whether `l` is drawn flush with the frame's low (`at_lo`) or high end along the axis.
pub(in crate::axes) fn is_flush(ctx: &AxisCtx, slack: f64, l: &Label, at_lo: bool) -> bool {
    let AxisCtx { dir, r, opts, .. } = *ctx;
    let fs = l.font_size;
    let (above, below) = opts.flush_em_box;
    match dir {
        Dir::X => match l.anchor_x {
            Some((TextAnchor::Start, x)) => at_lo && (x - r.x0).abs() <= slack.max(opts.flush_x_em * fs),
            Some((TextAnchor::End, x)) => !at_lo && (x - r.x1).abs() <= slack.max(opts.flush_x_em * fs),
            _ => false,
        },
        // The baseline is the bottom of a label's box (digits have no descent).
        Dir::Y if at_lo => (l.bbox.y1 - above * fs - r.y0).abs() <= opts.flush_y_em * fs,
        Dir::Y => (l.bbox.y1 + below * fs - r.y1).abs() <= opts.flush_y_em * fs,
    }
}
