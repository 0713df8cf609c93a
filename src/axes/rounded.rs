//! Rounded tick marks: Vega draws each tick mark at its position rounded to a whole unit
//! (`tickRound`, on by default) but centres its label (`text-anchor="middle"`) on the exact
//! position. Tick marks then fit the axis to within half a unit while the label centres fit it
//! exactly, and a map from the tick marks is off by up to 0.2 % of the span.
//!
//! Rounded marks may still be evenly spaced (21, 64, 107 for 21.43, 64.29, 107.14), so they can
//! fit a line exactly, only the wrong one: the evidence is the disagreement with the labels.
//!
//! Contract: an x axis read from tick marks is re-read from its labels' anchor points when every
//! used label is centred on its tick (text-anchor middle, not turned), the label anchors fit the
//! scale to within [`AxesOptions::exact_label_em`] of a font size, and the tick marks sit off
//! their labels' anchors by more than that but no more than [`AxesOptions::rounded_tick_em`]
//! (rounding, not a different tick). A producer that centres a label on its tick computes both
//! from one position; the label's anchor is written with all its digits, so where they part, the
//! mark was rounded. Evidence and the runner-up (the tick-mark fit) are recorded in the axis's
//! anchors.

use crate::linear::fit_line;

use super::{AnchorKind, AxesOptions, Axis, AxisMap, Dir, Label, Panel, PanelKind, TextAnchor};

/// Re-read x axes whose tick marks were rounded (see the module contract).
pub fn prefer_label_anchors(panels: &mut [Panel], labels: &[Label], opts: &AxesOptions) {
    for p in panels.iter_mut().filter(|p| p.kind == PanelKind::Data) {
        if let Some(axis) = p.x.as_mut() {
            reread(axis, labels, opts);
        }
    }
}

fn reread(axis: &mut Axis, labels: &[Label], opts: &AxesOptions) {
    if axis.dir != Dir::X {
        return;
    }
    let mut rows = Vec::new();
    for (i, t) in axis.ticks.iter().enumerate().filter(|(_, t)| t.used) {
        let Some(l) = labels.iter().find(|l| l.source == t.source) else { return };
        let Some((TextAnchor::Middle, x)) = l.anchor_x else { return };
        let Some(u) = axis.map.scale.forward(t.value) else { return };
        if t.anchor != AnchorKind::TickMark || l.turned.is_some() {
            return;
        }
        rows.push((i, x, u, t.position, l.font_size));
    }
    if rows.len() < 3 {
        return;
    }
    let fs = rows.iter().map(|r| r.4).fold(f64::INFINITY, f64::min);
    let marks: Vec<(f64, f64)> = rows.iter().map(|r| (r.3, r.2)).collect();
    let anchors: Vec<(f64, f64)> = rows.iter().map(|r| (r.1, r.2)).collect();
    let (Some((_, _, by_marks)), Some((a, b, by_labels))) = (fit_line(&marks), fit_line(&anchors)) else { return };
    let apart = rows.iter().map(|r| (r.1 - r.3).abs()).fold(0.0, f64::max);
    // Marks and labels agree: nothing to choose. Labels not exact, or marks too far from them
    // for rounding: the marks stand.
    if apart <= opts.exact_label_em * fs || by_labels > opts.exact_label_em * fs || apart > opts.rounded_tick_em * fs {
        return;
    }
    axis.map = AxisMap { scale: axis.map.scale, slope: b, intercept: a };
    for (i, x, _, _, _) in &rows {
        let t = &mut axis.ticks[*i];
        t.position = *x;
        t.anchor = AnchorKind::Label;
    }
    for t in &mut axis.ticks {
        t.residual = axis.map.position(t.value).map_or(f64::NAN, |q| t.position - q);
    }
    axis.anchors.push(format!(
        "label centres (fit within {by_labels:.2e} units); runner-up: tick marks, rounded to whole units (fit within {by_marks:.3} units)"
    ));
    axis.method = "label_centre (tick marks rounded)".into();
}
