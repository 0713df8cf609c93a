//! Frames: the rectangles that may be plot areas or colour bars, before any axis is read.
//!
//! Contract: from a [`Scene`], candidate rectangles (clip rectangles, drawn or undrawn
//! axis-aligned rectangles, colour-ramp images and gradients, and runs of filled cells that tile
//! a frameless vector ramp), each classified as a data panel or a colour bar by its size and what
//! it holds, or dropped; then nested largest first (a rectangle inside an accepted panel is no
//! panel) and put in reading order. Frames are proposals: the panels stage keeps those whose
//! axes read.

use kurbo::{Rect, Shape as _};

use super::geometry::{axis_aligned_rect, contains, overlap_frac, rect_close};
use super::{AxesOptions, PanelKind};
use crate::scene::{ItemKind, Scene};

/// The rectangles of a scene that may frame a panel, and what classifies them.
pub(super) struct Candidates {
    /// Candidate frames, largest first, none covering most of the figure.
    pub(super) rects: Vec<Rect>,
    /// Rectangles that draw nothing (neither fill nor stroke): they may frame a plot drawn
    /// without a border but never a colour ramp.
    undrawn: Vec<Rect>,
    /// Rectangles that draw or clip.
    framing: Vec<Rect>,
    /// Embedded images and gradient-filled shapes: colour ramps (or heat maps).
    images: Vec<Rect>,
    /// Filled axis-aligned rectangles: the cells of a vector colour ramp, among others.
    filled: Vec<Rect>,
}

/// Collect the candidate frames of a scene; `tol` is the distance under which two rectangles are
/// one.
pub(super) fn candidates(scene: &Scene, fig: Rect, opts: &AxesOptions, tol: f64) -> Candidates {
    let mut c = Candidates {
        rects: Vec::new(),
        undrawn: Vec::new(),
        framing: Vec::new(),
        images: Vec::new(),
        filled: Vec::new(),
    };
    let add = |rects: &mut Vec<Rect>, r: Rect| {
        if r.width() > 0.0 && r.height() > 0.0 && !rects.iter().any(|c| rect_close(*c, r, tol)) {
            rects.push(r);
        }
    };
    for it in &scene.items {
        if let Some(clip) = scene.clip(it) {
            c.framing.push(clip);
            add(&mut c.rects, clip);
        }
        if let ItemKind::Shape(s) = &it.kind
            && let Some(r) = axis_aligned_rect(&s.path)
        {
            let drawn = s.fill.is_some_and(|f| f.alpha > 0.0)
                || s.stroke.is_some_and(|f| f.alpha > 0.0) && s.stroke_width > 0.0
                || s.gradient.is_some();
            if drawn {
                c.framing.push(r)
            } else {
                c.undrawn.push(r)
            }
            add(&mut c.rects, r);
        }
    }
    c.images = ramp_images(scene);
    // A colour ramp drawn without a frame (svglite's colour bar is a bare image inside the
    // legend box) is its own candidate; images of other shapes (heat maps) are not frames.
    for im in &c.images {
        let aspect = im.height().max(im.width()) / im.height().min(im.width()).max(f64::MIN_POSITIVE);
        if aspect >= opts.colour_bar_aspect {
            add(&mut c.rects, *im);
        }
    }
    c.filled = scene
        .items
        .iter()
        .filter_map(|it| match &it.kind {
            ItemKind::Shape(s) if s.fill.is_some_and(|f| f.alpha > 0.0) => axis_aligned_rect(&s.path),
            _ => None,
        })
        .collect();
    // A vector ramp drawn without a frame (ggplot2's `guide_colourbar(raster = FALSE)`: one
    // rectangle per bin inside the legend box) is framed by its tiling cells.
    for chain in ramp_chains(&c.filled, tol, opts.min_ramp_cells) {
        add(&mut c.rects, chain);
    }
    let fig_area = fig.area();
    c.rects.retain(|r| r.area() < opts.background_area_frac * fig_area);
    c.rects.sort_by(|a, b| b.area().total_cmp(&a.area()));
    c
}

/// Embedded images, then gradient-filled shapes: both are colour ramps when thin.
fn ramp_images(scene: &Scene) -> Vec<Rect> {
    let images = scene.items.iter().filter_map(|it| match &it.kind {
        ItemKind::Image(im) => Some(im.rect),
        _ => None,
    });
    let gradients = scene.items.iter().filter_map(|it| match &it.kind {
        ItemKind::Shape(s) if s.gradient.is_some() => Some(s.path.bounding_box()),
        _ => None,
    });
    images.chain(gradients).collect()
}

/// Each candidate as a data panel or a colour bar, largest first; candidates that are neither
/// (too small, or a legend's box around a ramp) are dropped.
pub(super) fn classify(c: &Candidates, fig: Rect, opts: &AxesOptions, tol: f64) -> Vec<(Rect, PanelKind)> {
    c.rects.iter().filter_map(|&r| classify_one(c, r, fig, opts, tol).map(|k| (r, k))).collect()
}

/// A thin frame over a ramp (an image, or three or more cells across it) is a colour bar; a
/// frame big against the figure is a data panel.
fn classify_one(c: &Candidates, r: Rect, fig: Rect, opts: &AxesOptions, tol: f64) -> Option<PanelKind> {
    let big = r.width() >= opts.min_panel_frac * fig.width() && r.height() >= opts.min_panel_frac * fig.height();
    let long = r.height().max(r.width()) >= opts.min_panel_frac * fig.height().min(fig.width());
    let aspect = r.height().max(r.width()) / r.height().min(r.width());
    let on = opts.on_image_frac;
    let on_image = c.images.iter().any(|im| overlap_frac(*im, r) > on && overlap_frac(r, *im) > on);
    let vertical = r.height() >= r.width();
    let cells = c
        .filled
        .iter()
        .filter(|f| {
            contains(r, **f, tol)
                && if vertical {
                    (f.width() - r.width()).abs() <= opts.ramp_cell_width_rel * r.width()
                        && f.height() < opts.ramp_cell_len_frac * r.height()
                } else {
                    (f.height() - r.height()).abs() <= opts.ramp_cell_width_rel * r.height()
                        && f.width() < opts.ramp_cell_len_frac * r.width()
                }
        })
        .count();
    // Vega wraps every legend in an undrawn `background` rectangle: around a colour ramp it
    // is the legend's box, not a plot (it would swallow the ramp's own frame below).
    let undrawn_box =
        c.undrawn.iter().any(|u| rect_close(*u, r, tol)) && !c.framing.iter().any(|d| rect_close(*d, r, tol));
    if undrawn_box && !on_image && c.images.iter().any(|im| contains(r, *im, tol)) {
        return None;
    }
    if (on_image || cells >= 3) && aspect >= opts.colour_bar_aspect && long {
        Some(PanelKind::ColourBar)
    } else if big {
        Some(PanelKind::Data)
    } else {
        None
    }
}

/// Candidates nested largest first: a rectangle inside an accepted panel (a bar, a legend, an
/// inset frame) is not a panel, and a colour bar inside a data-like frame is kept aside with its
/// holder (when that frame has no axis of its own it is a legend box: svglite draws one around
/// ggplot2's colour bar). Returned in reading order: data panels first, rows top to bottom (panels
/// overlapping vertically share a row), left to right within a row; colour bars after.
pub(super) type Nesting = (Vec<(Rect, PanelKind)>, Vec<(Rect, Rect)>);
pub(super) fn nest(classified: &[(Rect, PanelKind)], containers: &[Rect], tol: f64) -> Nesting {
    let mut kinds: Vec<(Rect, PanelKind)> = Vec::new();
    let mut nested: Vec<(Rect, Rect)> = Vec::new(); // (colour bar, frame holding it)
    for &(r, kind) in classified.iter().filter(|(r, _)| !containers.contains(r)) {
        if let Some(&(holder, hk)) = kinds.iter().find(|(p, _)| contains(*p, r, tol)) {
            if kind == PanelKind::ColourBar && hk == PanelKind::Data {
                nested.push((r, holder));
            }
            continue;
        }
        kinds.push((r, kind));
    }
    kinds.sort_by(|(a, ka), (b, kb)| {
        let same_row = a.y0 < b.y1 && b.y0 < a.y1;
        (*ka != PanelKind::Data)
            .cmp(&(*kb != PanelKind::Data))
            .then_with(|| if same_row { a.x0.total_cmp(&b.x0) } else { a.y0.total_cmp(&b.y0) })
    });
    (kinds, nested)
}

/// Runs of at least `min_cells` filled rectangles of one width stacked edge to edge (or of one
/// height side by side): the extent of each run, a frameless vector colour ramp's frame.
pub(super) fn ramp_chains(filled: &[Rect], tol: f64, min_cells: usize) -> Vec<Rect> {
    let mut out = Vec::new();
    for vertical in [true, false] {
        // Across-axis extent, then position along the bar.
        let key = |r: &Rect| if vertical { (r.x0, r.x1, r.y0, r.y1) } else { (r.y0, r.y1, r.x0, r.x1) };
        let mut cells: Vec<(f64, f64, f64, f64)> = filled.iter().map(key).collect();
        cells.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.total_cmp(&b.2)));
        let mut i = 0;
        while i < cells.len() {
            let (c0, c1, start, mut end) = cells[i];
            let mut j = i + 1;
            while j < cells.len()
                && (cells[j].0 - c0).abs() <= tol
                && (cells[j].1 - c1).abs() <= tol
                && (cells[j].2 - end).abs() <= tol
            {
                end = end.max(cells[j].3);
                j += 1;
            }
            if j - i >= min_cells {
                out.push(if vertical { Rect::new(c0, start, c1, end) } else { Rect::new(start, c0, end, c1) });
            }
            i = j;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_chains_need_many_cells_edge_to_edge_of_one_width() {
        // Ten cells stacked edge to edge: one ramp frame over their extent.
        let cells: Vec<Rect> = (0..10).map(|i| Rect::new(5.0, f64::from(i), 8.0, f64::from(i) + 1.0)).collect();
        assert_eq!(ramp_chains(&cells, 1e-3, 8), vec![Rect::new(5.0, 0.0, 8.0, 10.0)]);
        // A stacked bar of three segments is no ramp; nor are cells with a gap or another width.
        assert!(ramp_chains(&cells[..3], 1e-3, 8).is_empty());
        let mut gap = cells.clone();
        for c in gap.iter_mut().skip(5) {
            *c = Rect::new(c.x0, c.y0 + 0.5, c.x1, c.y1 + 0.5);
        }
        assert!(ramp_chains(&gap, 1e-3, 8).is_empty());
        let mut wide = cells;
        wide[4].x1 = 9.0;
        assert!(ramp_chains(&wide, 1e-3, 8).is_empty());
    }
}
