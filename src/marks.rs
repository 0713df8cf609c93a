//! Marks: find scatter markers and legend swatches.
//!
//! Input: a [`Scene`] and the panels found by the axes stage. Output: [`Marker`]s (one per drawn
//! data point, each with centre, shape, fill, stroke, panel and source), [`LegendEntry`]s, and
//! the count of exact duplicates merged.
//!
//! A marker is a small closed shape (or a small cross of strokes) whose geometry repeats: shapes
//! are grouped by their outline relative to their centre, and groups of at least
//! [`MarksOptions::min_repeats`] are markers. A fill drawn and then outlined by a second path of
//! the same geometry is one marker. Markers inside a legend box are legend swatches, not data.
//!
//! Invariants: centres are in root user units, computed from the element's transform applied to
//! its local anchor (the local origin when the shape is drawn around it, else the bounding-box
//! centre), so a marker placed by `translate(tx, ty)` has centre exactly `(tx, ty)`.

use std::collections::HashMap;

use kurbo::{PathEl, Point, Rect, Shape as _};
use serde::Serialize;

use crate::axes::{Caption, Panel, PanelKind};
use crate::scene::{ItemKind, Scene, Shape};

/// Tolerances of marker detection. Every field states its default.
#[derive(Debug, Clone)]
pub struct MarksOptions {
    /// Largest marker width (height) as a fraction of the narrowest (lowest) data panel's width
    /// (height); per axis, so that stretching a figure one way changes nothing. Default: 0.08.
    pub max_size_frac: f64,
    /// Fewest shapes of one geometry that make a marker class. Default: 2.
    pub min_repeats: usize,
    /// On a figure with a size legend, markers of its shape up to this many times its largest
    /// symbol's size are kept however large against the panel. Default: 2 (the legend's largest
    /// round value can stop short of the domain's end; twice the size is four times the area).
    pub sized_max_factor: f64,
    /// An unboxed key's line sample (gnuplot's default key) is at most this fraction of its
    /// panel's width. Default: 0.15 (gnuplot's samples are 4 characters on plots of 60 or more).
    pub key_line_max_frac: f64,
    /// Geometry quantum for grouping, as a fraction of the shape's size. Default: 1e-3.
    pub shape_quantum: f64,
    /// An outline drawn right after a fill-only marker of the same class is that marker's outline
    /// when the two centres and sizes differ by at most this fraction of its size. Default: 0.02.
    pub outline_merge_frac: f64,
}

impl Default for MarksOptions {
    fn default() -> Self {
        MarksOptions {
            max_size_frac: 0.08,
            min_repeats: 2,
            sized_max_factor: 2.0,
            key_line_max_frac: 0.15,
            shape_quantum: 1e-3,
            outline_merge_frac: 0.02,
        }
    }
}

/// Marker geometry class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum MarkerShape {
    Circle,
    Square,
    Diamond,
    TriangleUp,
    TriangleDown,
    TriangleLeft,
    TriangleRight,
    Cross,
    Plus,
    Polygon,
    Other,
}

/// One data marker.
#[derive(Debug, Clone, Serialize)]
pub struct Marker {
    pub panel: usize,
    #[serde(skip)]
    pub centre: Point,
    pub shape: MarkerShape,
    /// Marker size (largest bounding-box side) in root units.
    pub size: f64,
    /// Width and height of its bounding box in root units (a cap drawn as a thin bar is long
    /// across its whisker: see [`crate::lines`]).
    #[serde(skip)]
    pub extent: kurbo::Size,
    pub fill: Option<String>,
    pub stroke: Option<String>,
    pub source: String,
    /// How many identical copies were drawn (1 when unique).
    pub copies: usize,
    /// Geometry class, for matching legend swatches and key samples.
    #[serde(skip)]
    pub key: ShapeKey,
}

/// What a legend entry's swatch looks like.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Swatch {
    Marker { shape: MarkerShape, fill: Option<String>, stroke: Option<String> },
    Line { stroke: Option<String>, dashed: bool },
}

/// A legend entry: a swatch and its label.
#[derive(Debug, Clone, Serialize)]
pub struct LegendEntry {
    pub label: String,
    pub swatch: Swatch,
    /// Title of the legend box, if it has one (a text above the entries).
    pub title: Option<String>,
    /// A marker swatch's geometry class (none for a line swatch).
    #[serde(skip)]
    pub key: Option<ShapeKey>,
    /// The legend box, in root units.
    #[serde(skip)]
    pub bbox: Rect,
    /// Centre of the swatch, in root units.
    #[serde(skip)]
    pub at: Point,
}

/// Markers and legends of a figure.
#[derive(Debug, Clone, Default)]
pub struct MarksResult {
    pub markers: Vec<Marker>,
    pub legend: Vec<LegendEntry>,
    /// Exact duplicate drawings merged into their first copy.
    pub duplicates_merged: usize,
    /// Marker-like shapes outside every data panel.
    pub outside: usize,
    /// Straight lines across a data panel (reference lines, budgets): cross-evidence for joins
    /// and calibration checks.
    pub lines: Vec<RefLine>,
    pub warnings: Vec<String>,
    /// Document order of every item taken here (marker-like shapes, legend swatches, reference
    /// lines): the line-series stage leaves them alone.
    pub claimed: OrderSet,
}

/// A set of items by document order, a bit each: a figure of a million markers claims a million
/// items, which a hash set would hold in some 20 MB.
#[derive(Debug, Clone, Default)]
pub struct OrderSet {
    words: Vec<u64>,
}

impl OrderSet {
    pub fn contains(&self, order: &usize) -> bool {
        self.words.get(order / 64).is_some_and(|w| (w >> (order % 64)) & 1 == 1)
    }

    pub fn insert(&mut self, order: usize) {
        let i = order / 64;
        if self.words.len() <= i {
            self.words.resize(i + 1, 0);
        }
        if let Some(w) = self.words.get_mut(i) {
            *w |= 1 << (order % 64);
        }
    }
}

impl FromIterator<usize> for OrderSet {
    fn from_iter<I: IntoIterator<Item = usize>>(orders: I) -> Self {
        let mut set = OrderSet::default();
        for order in orders {
            set.insert(order);
        }
        set
    }
}

/// A straight stroke spanning (most of) a data panel, vertical or horizontal.
#[derive(Debug, Clone, Serialize)]
pub struct RefLine {
    pub panel: usize,
    pub vertical: bool,
    /// Its x (vertical) or y (horizontal) in root units.
    pub at: f64,
    pub stroke: Option<String>,
    pub dashed: bool,
    pub source: String,
}

struct Cand<'a> {
    item: &'a crate::scene::Item,
    shape: &'a Shape,
    centre: Point,
    size: f64,
    key: ShapeKey,
    /// Centred on a transform's translation (exact), not on rounded path coordinates.
    placed: bool,
}

/// A marker's geometry class (see [`geometry_key`]) as a number given by [`Classes`] in the
/// order the figure first draws each class: a figure of a million markers holds one per
/// candidate, marker and spot, so it is a word, not a formatted string. Compare within one
/// figure only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ShapeKey(usize);

/// A geometry class: the named shape, the outline's commands (numbered by [`Commands`]) and the
/// size and aspect buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ShapeClass {
    shape: MarkerShape,
    commands: usize,
    size: i64,
    aspect: i64,
}

/// The geometry classes of one figure, numbered as first seen, with how many candidates each has.
#[derive(Default)]
struct Classes {
    ids: HashMap<ShapeClass, usize>,
    commands: Commands,
    counts: Vec<usize>,
}

impl Classes {
    /// The class's number, counting one more candidate of it.
    fn add(&mut self, class: ShapeClass) -> ShapeKey {
        let next = self.ids.len();
        let id = *self.ids.entry(class).or_insert(next);
        if id == self.counts.len() {
            self.counts.push(0);
        }
        if let Some(n) = self.counts.get_mut(id) {
            *n += 1;
        }
        ShapeKey(id)
    }

    fn count(&self, key: ShapeKey) -> usize {
        self.counts.get(key.0).copied().unwrap_or(0)
    }
}

/// The outline command sequences (`M`, `L`, `Q`, `C`, `Z`) of one figure, each numbered the first
/// time it is seen, so that markers of one outline share a number instead of holding a copy each.
#[derive(Default)]
struct Commands {
    ids: HashMap<Vec<u8>, usize>,
    /// Reused for every lookup: only a sequence not seen before is stored.
    buf: Vec<u8>,
}

impl Commands {
    fn id(&mut self, els: &[PathEl]) -> usize {
        self.buf.clear();
        self.buf.extend(els.iter().map(|e| match e {
            PathEl::MoveTo(_) => b'M',
            PathEl::LineTo(_) => b'L',
            PathEl::QuadTo(..) => b'Q',
            PathEl::CurveTo(..) => b'C',
            PathEl::ClosePath => b'Z',
        }));
        if let Some(&id) = self.ids.get(self.buf.as_slice()) {
            return id;
        }
        let id = self.ids.len();
        self.ids.insert(self.buf.clone(), id);
        id
    }
}

/// Where a marker is drawn, exactly: its class, its size rounded to 1e-9 of the panel (as f64
/// bits), and its centre's bits.
type Spot = (ShapeKey, u64, u64, u64);

/// A candidate's [`Spot`]. Exact duplicates share their size too (to 1e-9 of the panel), not only
/// its bucket: two sizes at one spot are two points (a size-encoded plot's overlapping bubbles).
fn spot_of(c: &Cand, reference: Reference) -> Spot {
    let exact_size = (reference.rel(c.shape.path.bounding_box()) * 1e9).round();
    (c.key, exact_size.to_bits(), c.centre.x.to_bits(), c.centre.y.to_bits())
}

/// Which candidates may share their [`Spot`] with another: those whose spot's hash recurs. Only
/// they are kept by spot, so a figure of a million distinct markers builds no map of a million
/// spots (some 90 MB); a hash collision only costs a lookup that finds nothing.
fn shared_spots(cands: &[Cand], reference: Reference) -> Vec<bool> {
    use std::hash::BuildHasher as _;
    let state = std::collections::hash_map::RandomState::new();
    let hashes: Vec<u64> = cands.iter().map(|c| state.hash_one(spot_of(c, reference))).collect();
    let mut sorted = hashes.clone();
    sorted.sort_unstable();
    let recurring: std::collections::HashSet<u64> = sorted.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]).collect();
    hashes.iter().map(|h| recurring.contains(h)).collect()
}

/// Markers by [`Spot`], in drawing order: later drawings at the same spot are outlines or copies.
/// A spot keeps its first marker and each marker the next at its spot, so a million markers
/// need no list each. Appending walks the spot's markers, as each drawing there already does.
#[derive(Default)]
struct Spots {
    first: HashMap<Spot, usize>,
    /// Indexed by marker: the next marker drawn at the same spot.
    next: Vec<Option<usize>>,
}

impl Spots {
    /// The markers at `spot`, in drawing order.
    fn at(&self, spot: &Spot) -> impl Iterator<Item = usize> + '_ {
        let mut k = self.first.get(spot).copied();
        std::iter::from_fn(move || {
            let here = k?;
            k = self.next.get(here).copied().flatten();
            Some(here)
        })
    }

    fn push(&mut self, spot: Spot, marker: usize) {
        if self.next.len() <= marker {
            self.next.resize(marker + 1, None);
        }
        match self.at(&spot).last() {
            Some(tail) => {
                if let Some(n) = self.next.get_mut(tail) {
                    *n = Some(marker);
                }
            }
            None => {
                self.first.insert(spot, marker);
            }
        }
    }
}

/// The smallest data panel's width and height: sizes are measured against it, per axis, so a
/// figure scaled or stretched as a whole keeps every marker's class and bucket.
#[derive(Clone, Copy)]
struct Reference {
    w: f64,
    h: f64,
}

impl Reference {
    /// A box's size relative to the reference panel (geometric mean of width and height shares).
    fn rel(self, b: Rect) -> f64 {
        ((b.width() / self.w) * (b.height() / self.h)).sqrt()
    }
}

/// What the marker loop reads besides the candidates.
struct Context<'a> {
    scene: &'a Scene,
    captions: &'a [Caption],
    data: &'a [&'a Panel],
    legend_boxes: &'a [LegendBox],
    /// The side each legend box labels its samples on (parallel to `legend_boxes`).
    sides: &'a [Side],
    classes: &'a Classes,
    opts: &'a MarksOptions,
    sized: Option<&'a crate::sizes::SizeScale>,
    reference: Reference,
}

/// Find markers and legend entries.
pub fn find_marks(scene: &Scene, panels: &[Panel], captions: &[Caption], opts: &MarksOptions) -> MarksResult {
    find_marks_sized(scene, panels, captions, opts, None)
}

/// [`find_marks`], given the figure's size legend: on a size-encoded plot a value drawn once has
/// a size drawn once, so a shape of the legend's outline and colour is a marker even when its
/// geometry does not repeat (the legend is the evidence that sizes vary by design).
pub fn find_marks_sized(
    scene: &Scene,
    panels: &[Panel],
    captions: &[Caption],
    opts: &MarksOptions,
    sized: Option<&crate::sizes::SizeScale>,
) -> MarksResult {
    let data: Vec<&Panel> = panels.iter().filter(|p| p.kind == PanelKind::Data).collect();
    let reference = Reference {
        w: data.iter().map(|p| p.rect.width()).fold(f64::INFINITY, f64::min),
        h: data.iter().map(|p| p.rect.height()).fold(f64::INFINITY, f64::min),
    };
    if data.is_empty() {
        return MarksResult::default();
    }
    let legend_boxes = legend_boxes(scene, panels, captions);
    let mut classes = Classes::default();
    let cands = candidates(scene, reference, opts, sized, &mut classes);
    let claimed = cands.iter().map(|c| c.item.order).collect();
    let mut out = MarksResult { claimed, ..MarksResult::default() };
    let sides: Vec<Side> = legend_boxes
        .iter()
        .map(|b| {
            let inside = cands.iter().filter(|c| b.rect.contains(c.centre) && c.item.order > b.order);
            let samples: Vec<(Point, f64)> = inside.map(|c| (c.centre, c.size)).collect();
            key_side(scene, captions, b.rect, &samples)
        })
        .collect();
    let cx = Context {
        scene,
        captions,
        data: &data,
        legend_boxes: &legend_boxes,
        sides: &sides,
        classes: &classes,
        opts,
        sized,
        reference,
    };
    place_markers(&cx, &cands, &mut out);
    drop(cands);
    unboxed_key(&mut out, scene, &data, captions, &legend_boxes);
    reference_lines(scene, &data, &mut out);
    line_swatches(scene, captions, &legend_boxes, &mut out);
    unboxed_line_keys(&mut out, scene, &data, captions, &legend_boxes, opts);
    out
}

/// Marker-like shapes (small, closed or crosses; not glyphs), in drawing order, with their
/// geometry class.
fn candidates<'a>(
    scene: &'a Scene,
    reference: Reference,
    opts: &MarksOptions,
    sized: Option<&crate::sizes::SizeScale>,
    classes: &mut Classes,
) -> Vec<Cand<'a>> {
    let mut cands: Vec<Cand> = Vec::new();
    for it in &scene.items {
        let ItemKind::Shape(s) = &it.kind else { continue };
        if s.glyph {
            continue;
        }
        let Some((local_centre, size, closed)) = marker_geometry(s) else { continue };
        let b = s.path.bounding_box();
        let too_big = b.width() > opts.max_size_frac * reference.w || b.height() > opts.max_size_frac * reference.h;
        // A size legend's symbols bound its data markers' sizes instead.
        let legend_sized =
            sized.is_some_and(|z| size <= opts.sized_max_factor * z.max_size && z.shape == classify(&s.path));
        if (too_big && !legend_sized) || size <= 0.0 {
            continue;
        }
        if !closed && !is_cross(s.local()) {
            continue;
        }
        let centre = s.transform * local_centre;
        let rel_size = reference.rel(b).max((b.width() / reference.w).max(b.height() / reference.h) * 1e-3);
        let class = geometry_key(s, rel_size, opts.shape_quantum, &mut classes.commands);
        let key = classes.add(class);
        let placed = local_centre == Point::ORIGIN && s.transform.translation() != kurbo::Vec2::ZERO;
        cands.push(Cand { item: it, shape: s, centre, size, key, placed });
    }
    cands
}

/// Each candidate in turn: merged into a marker already at its spot (an outline, a copy), taken
/// as a legend swatch, or a new marker when its class repeats (or a size legend vouches for it)
/// and it lies in a data panel.
fn place_markers(cx: &Context, cands: &[Cand], out: &mut MarksResult) {
    let mut spots = Spots::default();
    // Whether the last marker's centre is a transform's translation.
    let mut last_placed = false;
    let shared = shared_spots(cands, cx.reference);
    for (c, &shared) in cands.iter().zip(&shared) {
        let fill = c.shape.fill.filter(|p| p.alpha > 0.0).map(|p| p.hex());
        let stroke = c.shape.stroke.filter(|p| p.alpha > 0.0).map(|p| p.hex());
        let spot = shared.then(|| spot_of(c, cx.reference));
        if let Some(spot) = &spot
            && merge_at_spot(out, &spots, spot, c, &fill, &stroke)
        {
            continue;
        }
        if merge_cairo_outline(out, last_placed, c, fill.is_none(), &stroke, cx.opts) {
            continue;
        }
        if take_swatch(cx, out, c, &fill, &stroke) {
            continue;
        }
        let sized_member = || {
            cx.sized.is_some_and(|z| {
                let colour = stroke.clone().or_else(|| fill.clone());
                z.shape == classify(&c.shape.path) && (z.colour.is_none() || z.colour == colour)
            })
        };
        if cx.classes.count(c.key) < cx.opts.min_repeats && !sized_member() {
            continue;
        }
        let Some(panel) = cx.data.iter().find(|p| p.rect.inflate(1e-9, 1e-9).contains(c.centre)) else {
            out.outside += 1;
            continue;
        };
        out.markers.push(Marker {
            panel: panel.index,
            centre: c.centre,
            shape: classify(&c.shape.path),
            size: c.size,
            extent: c.shape.path.bounding_box().size(),
            fill,
            stroke,
            source: c.item.source.clone(),
            copies: 1,
            key: c.key,
        });
        if let Some(spot) = spot {
            spots.push(spot, out.markers.len() - 1);
        }
        last_placed = c.placed;
    }
}

/// A drawing at the exact spot of a marker already found: the outline of a marker whose fill
/// came first, a copy, or the visible marker over a white knock-out copy. Whether it was merged.
fn merge_at_spot(
    out: &mut MarksResult,
    spots: &Spots,
    spot: &Spot,
    c: &Cand,
    fill: &Option<String>,
    stroke: &Option<String>,
) -> bool {
    for mi in spots.at(spot) {
        let Some(m) = out.markers.get_mut(mi) else { continue };
        if fill.is_none() && stroke.is_some() && m.stroke.is_none() {
            // The outline of a marker whose fill was drawn first.
            m.stroke = stroke.clone();
            return true;
        } else if m.fill == *fill && (m.stroke == *stroke || fill.is_none()) {
            m.copies += 1;
            out.duplicates_merged += 1;
            return true;
        } else if m.fill.as_deref() == Some("#ffffff") && fill.is_some() {
            // A white copy drawn first knocks the background out under the marker
            // (gnuplot does this for points on error bars): the visible one is drawn on top.
            (m.fill, m.stroke) = (fill.clone(), stroke.clone());
            m.source = c.item.source.clone();
            out.duplicates_merged += 1;
            return true;
        }
    }
    false
}

/// Cairo (`pdftocairo -svg`) draws a fill and then its outline as a second path in another
/// coordinate system: the fill's coordinates are rounded to 1/256 unit and the outline's
/// placement is not, so their centres differ slightly and the exact spot misses them. An outline
/// right after a fill-only marker of its class, as near as [`MarksOptions::outline_merge_frac`],
/// is that marker's; the placed centre is the exact one. Whether it was merged.
fn merge_cairo_outline(
    out: &mut MarksResult,
    last_placed: bool,
    c: &Cand,
    no_fill: bool,
    stroke: &Option<String>,
    opts: &MarksOptions,
) -> bool {
    let Some(m) = out.markers.last_mut() else { return false };
    let merges = no_fill
        && stroke.is_some()
        && m.stroke.is_none()
        && (m.size - c.size).abs() <= opts.outline_merge_frac * m.size
        && (m.centre - c.centre).hypot() <= opts.outline_merge_frac * m.size
        && m.shape == classify(&c.shape.path);
    if merges {
        m.stroke = stroke.clone();
        if c.placed && !last_placed {
            m.centre = c.centre;
        }
    }
    merges
}

/// A candidate inside a legend box, drawn after it (data under a legend are drawn before it),
/// with a label right beside it: a legend swatch, new or completing its entry. Whether it was.
fn take_swatch(cx: &Context, out: &mut MarksResult, c: &Cand, fill: &Option<String>, stroke: &Option<String>) -> bool {
    let swatch = cx
        .legend_boxes
        .iter()
        .zip(cx.sides)
        .filter(|(b, _)| b.rect.contains(c.centre) && c.item.order > b.order)
        .find_map(|(b, side)| label_beside(cx.scene, cx.captions, c.centre, c.size, b.rect, *side).map(|l| (b, l)));
    let Some((b, label)) = swatch else { return false };
    let shape = classify(&c.shape.path);
    // Unreadable labels (glyph outlines, empty text) tell entries apart only by place.
    let same = |e: &&mut LegendEntry| e.label == label && (!label.is_empty() || (e.at - c.centre).hypot() <= c.size);
    match out.legend.iter_mut().find(same) {
        // Drawn later at the same label: the glyph on top of a key background (svglite), or the
        // outline of the swatch drawn just before.
        Some(e) => {
            if let Swatch::Marker { shape: es, fill: ef, stroke: est } = &mut e.swatch {
                if fill.is_some() {
                    (*es, *ef, *est) = (shape, fill.clone(), stroke.clone());
                    e.key = Some(c.key);
                } else if est.is_none() {
                    *est = stroke.clone();
                }
            }
        }
        None => out.legend.push(LegendEntry {
            label,
            swatch: Swatch::Marker { shape, fill: fill.clone(), stroke: stroke.clone() },
            title: b.title.clone(),
            key: Some(c.key),
            bbox: b.rect,
            at: c.centre,
        }),
    }
    true
}

/// Reference lines: one straight segment across at least 90 % of a data panel.
fn reference_lines(scene: &Scene, data: &[&Panel], out: &mut MarksResult) {
    for it in &scene.items {
        let ItemKind::Shape(s) = &it.kind else { continue };
        let els = s.path.elements();
        let (Some(PathEl::MoveTo(a)), Some(PathEl::LineTo(b)), 2) = (els.first(), els.get(1), els.len()) else {
            continue;
        };
        for p in data {
            let r = p.rect;
            let vertical = (a.x - b.x).abs() <= 1e-9 * r.width();
            let horizontal = (a.y - b.y).abs() <= 1e-9 * r.height();
            let spans = if vertical {
                (a.y - b.y).abs() >= 0.9 * r.height() && a.x > r.x0 && a.x < r.x1
            } else if horizontal {
                (a.x - b.x).abs() >= 0.9 * r.width() && a.y > r.y0 && a.y < r.y1
            } else {
                false
            };
            if spans {
                out.claimed.insert(it.order);
                out.lines.push(RefLine {
                    panel: p.index,
                    vertical,
                    at: if vertical { a.x } else { a.y },
                    stroke: s.stroke.map(|c| c.hex()),
                    dashed: s.dashed,
                    source: it.source.clone(),
                });
            }
        }
    }
}

/// Line swatches (short solid or dashed strokes) inside legend boxes.
fn line_swatches(scene: &Scene, captions: &[Caption], legend_boxes: &[LegendBox], out: &mut MarksResult) {
    for it in &scene.items {
        let ItemKind::Shape(s) = &it.kind else { continue };
        if s.fill.is_some_and(|f| f.alpha > 0.0) && s.stroke.is_none() {
            continue;
        }
        // One straight stroke, drawn as two points or more (matplotlib's keys have three).
        let Some((a, b)) = straight_run(s.path.elements()) else { continue };
        let mid = a.midpoint(b);
        let Some(bx) = legend_boxes.iter().find(|bx| bx.rect.contains(mid)) else { continue };
        if (a.y - b.y).abs() > 1e-9 * (a - b).hypot() {
            continue;
        }
        let half = (a - b).hypot() / 2.0;
        let label = label_beside(scene, captions, mid, half, bx.rect, Side::Right);
        if label.is_some() {
            out.claimed.insert(it.order);
        }
        if let Some(label) = label
            && !out.legend.iter().any(|e| e.label == label)
        {
            out.legend.push(LegendEntry {
                label,
                swatch: Swatch::Line { stroke: s.stroke.map(|p| p.hex()), dashed: s.dashed },
                title: bx.title.clone(),
                key: None,
                bbox: bx.rect,
                at: mid,
            });
        }
    }
}
/// Texts that may label an unboxed key: horizontal, not a number, outside every boxed legend
/// (whose labels belong to its own swatches). Chosen once per figure, not per sample.
fn key_labels<'a>(captions: &'a [Caption], boxes: &[LegendBox]) -> Vec<&'a Caption> {
    captions
        .iter()
        .filter(|c| c.horizontal && crate::axes::parse_number(&c.text).is_none())
        .filter(|c| !boxes.iter().any(|b| b.rect.contains(c.bbox.center())))
        .collect()
}

/// A short horizontal stroke with a text beside it, outside every boxed legend: a candidate line
/// key sample (see [`unboxed_line_keys`]).
struct LinePair<'a> {
    order: usize,
    /// The sample is the whole path (else its first piece, the rest being the line).
    whole: bool,
    mid: Point,
    left_end: f64,
    right_end: f64,
    label: &'a Caption,
    label_left: bool,
    stroke: Option<String>,
    dashed: bool,
}

/// Line samples of a key without a box (gnuplot's default key: each title right-justified left
/// of a short sample of its line). As for marker samples ([`unboxed_key`]), a label on the left
/// makes a key entry alone; labels on the right only as a column of two or more samples, since a
/// short line with a word after it may be data with an annotation.
fn unboxed_line_keys(
    out: &mut MarksResult,
    scene: &Scene,
    data: &[&Panel],
    captions: &[Caption],
    boxes: &[LegendBox],
    opts: &MarksOptions,
) {
    // Unreadable (glyph-outline) labels would name nothing.
    let labels: Vec<&Caption> = key_labels(captions, boxes).into_iter().filter(|c| !c.text.trim().is_empty()).collect();
    let mut pairs: Vec<LinePair> = Vec::new();
    for it in &scene.items {
        let ItemKind::Shape(s) = &it.kind else { continue };
        if s.stroke.is_none() || out.claimed.contains(&it.order) {
            continue;
        }
        // gnuplot's SVG draws the sample as the first piece of its line's own path.
        let els = s.path.elements();
        let first_end = els.iter().skip(1).position(|e| matches!(e, PathEl::MoveTo(_))).map_or(els.len(), |k| k + 1);
        let Some((a, b)) = straight_run(&els[..first_end]) else { continue };
        let whole = first_end == els.len();
        let mid = a.midpoint(b);
        let Some(panel) = data.iter().find(|p| p.rect.contains(mid)) else { continue };
        let (l, r) = (a.x.min(b.x), a.x.max(b.x));
        let flat = (a.y - b.y).abs() <= 1e-9 * (a - b).hypot();
        if !flat || r - l > opts.key_line_max_frac * panel.rect.width() || boxes.iter().any(|bx| bx.rect.contains(mid))
        {
            continue;
        }
        let gap = |c: &Caption| if c.bbox.x1 <= l { l - c.bbox.x1 } else { c.bbox.x0 - r };
        let label = labels
            .iter()
            .filter(|c| (c.bbox.center().y - mid.y).abs() < 0.5 * c.font_size)
            .filter(|c| (c.bbox.x1 <= l || c.bbox.x0 >= r) && gap(c) <= 2.0 * c.font_size)
            .min_by(|p, q| gap(p).total_cmp(&gap(q)));
        let Some(label) = label else { continue };
        let stroke = s.stroke.map(|p| p.hex());
        let label_left = label.bbox.x1 <= l;
        pairs.push(LinePair {
            order: it.order,
            whole,
            mid,
            left_end: l,
            right_end: r,
            label,
            label_left,
            stroke,
            dashed: s.dashed,
        });
    }
    let column = |p: &LinePair| {
        pairs
            .iter()
            .any(|q| q.order != p.order && !q.label_left && (q.left_end - p.left_end).abs() <= 0.5 * p.label.font_size)
    };
    let taken: Vec<usize> = (0..pairs.len()).filter(|&k| pairs[k].label_left || column(&pairs[k])).collect();
    for k in taken {
        let p = &pairs[k];
        if p.whole {
            out.claimed.insert(p.order);
        }
        let label = continued_label(scene, captions, p.label);
        if !out.legend.iter().any(|e| e.label == label) {
            out.legend.push(LegendEntry {
                label,
                swatch: Swatch::Line { stroke: p.stroke.clone(), dashed: p.dashed },
                title: None,
                key: None,
                bbox: p.label.bbox.union(Rect::new(p.left_end, p.mid.y, p.right_end, p.mid.y)),
                at: p.mid,
            });
        }
    }
}

/// A marker with a text label beside it on its line, outside every boxed legend: a candidate key
/// sample, the label on its left (`true`) or right.
struct KeyPair<'a> {
    marker: usize,
    label: &'a Caption,
    left: bool,
}

/// Legend samples without a box (gnuplot's key): a marker with a text label beside it on its
/// line, within three font sizes, and no other marker of its style that close. Conventions read:
/// gnuplot's default key writes each label right-justified to the left of its sample, one entry
/// per series, so a single such pair is a key; a label to the right of a marker is also how an
/// annotation sits beside a data point ("peak 42"), so right-hand pairs are a key only as a group
/// of two or more, samples in one column (a legend is a group of swatch-label pairs).
fn unboxed_key(
    out: &mut MarksResult,
    scene: &Scene,
    data: &[&Panel],
    captions: &[Caption],
    legend_boxes: &[LegendBox],
) {
    let key_labels = key_labels(captions, legend_boxes);
    let pairs: Vec<KeyPair> =
        (0..out.markers.len()).filter_map(|k| key_pair(out, k, data, &key_labels, legend_boxes)).collect();
    let right: Vec<&KeyPair> = pairs.iter().filter(|p| !p.left).collect();
    let in_column = |p: &KeyPair| {
        let (m, em) = (&out.markers[p.marker], p.label.font_size);
        right.iter().any(|q| q.marker != p.marker && (out.markers[q.marker].centre.x - m.centre.x).abs() <= 0.5 * em)
    };
    let mut taken: Vec<usize> = pairs.iter().filter(|p| p.left || in_column(p)).map(|p| p.marker).collect();
    let labels: Vec<(usize, &Caption)> =
        pairs.iter().filter(|p| taken.contains(&p.marker)).map(|p| (p.marker, p.label)).collect();
    for (k, c) in labels {
        let m = &out.markers[k];
        let label = continued_label(scene, captions, c);
        if !out.legend.iter().any(|e| e.label == label) {
            out.legend.push(LegendEntry {
                label,
                swatch: Swatch::Marker { shape: m.shape, fill: m.fill.clone(), stroke: m.stroke.clone() },
                title: None,
                key: Some(m.key),
                bbox: c.bbox.union(Rect::from_center_size(m.centre, (m.size, m.size))),
                at: m.centre,
            });
        }
    }
    // Remove the samples from the markers, last first so indices stay valid.
    taken.sort_unstable();
    for k in taken.into_iter().rev() {
        out.markers.remove(k);
    }
}

/// The key pair of marker `k`, if it has a label beside it and no marker of its style close by.
fn key_pair<'a>(
    out: &MarksResult,
    k: usize,
    data: &[&Panel],
    key_labels: &[&'a Caption],
    legend_boxes: &[LegendBox],
) -> Option<KeyPair<'a>> {
    let m = &out.markers[k];
    if legend_boxes.iter().any(|b| b.rect.contains(m.centre)) {
        return None;
    }
    // The key sits inside the marker's panel; text outside it (tick labels drawn as glyph
    // outlines, so unreadable and not known to be numbers) is not a key label.
    let inside = data.iter().find(|p| p.index == m.panel).map(|p| p.rect)?;
    // The nearest label on its row: a key laid out in one row has a label on each side of a
    // sample (gnuplot's "label sample  label sample").
    let gap = |c: &Caption| if c.bbox.x0 >= m.centre.x { c.bbox.x0 - m.centre.x } else { m.centre.x - c.bbox.x1 };
    let c = key_labels
        .iter()
        .filter(|c| inside.contains(c.bbox.center()))
        .filter(|c| (c.bbox.center().y - m.centre.y).abs() < 0.5 * c.font_size)
        .filter(|c| gap(c) >= 0.0 && gap(c) <= m.size / 2.0 + 3.0 * c.font_size)
        .min_by(|a, b| gap(a).total_cmp(&gap(b)))?;
    let lonely = !out.markers.iter().enumerate().any(|(j, o)| {
        j != k
            && o.key == m.key
            && o.fill == m.fill
            && o.stroke == m.stroke
            && (o.centre - m.centre).hypot() < 2.0 * c.font_size + m.size
    });
    lonely.then_some(KeyPair { marker: k, label: c, left: c.bbox.x0 < m.centre.x })
}

/// The ends of a path that is one move and then lines along one straight horizontal run.
fn straight_run(els: &[PathEl]) -> Option<(Point, Point)> {
    let (PathEl::MoveTo(a), rest) = els.split_first()? else { return None };
    let mut end = *a;
    for el in rest {
        let PathEl::LineTo(p) = el else { return None };
        end = *p;
    }
    let len = (end.x - a.x).abs();
    let level = rest.iter().all(|el| matches!(el, PathEl::LineTo(p) if (p.y - a.y).abs() <= 1e-9 * len));
    (!rest.is_empty() && level).then_some((*a, end))
}

struct LegendBox {
    rect: Rect,
    title: Option<String>,
    /// Document order of the box's shape.
    order: usize,
}

/// Closed shapes that are not panels and hold captions: legend frames.
fn legend_boxes(scene: &Scene, panels: &[Panel], captions: &[Caption]) -> Vec<LegendBox> {
    let mut boxes: Vec<LegendBox> = Vec::new();
    let largest = panels.iter().map(|p| p.rect.area()).fold(0.0, f64::max);
    for it in &scene.items {
        let ItemKind::Shape(s) = &it.kind else { continue };
        if !s.path.elements().iter().any(|e| matches!(e, PathEl::ClosePath)) {
            continue;
        }
        let r = s.path.bounding_box();
        if r.area() <= 0.0 || r.area() >= 0.5 * largest {
            continue;
        }
        if panels.iter().any(|p| {
            (p.rect.x0 - r.x0).abs() < 1e-6 && (p.rect.y1 - r.y1).abs() < 1e-6 && (p.rect.x1 - r.x1).abs() < 1e-6
        }) {
            continue;
        }
        // The box holds whole captions (a marker drawn over a word is not a legend box).
        let inside: Vec<&Caption> = captions
            .iter()
            .filter(|c| {
                let slack = 0.25 * c.font_size;
                c.horizontal && r.inflate(slack, slack).contains_rect(c.bbox)
            })
            .collect();
        if inside.is_empty() || boxes.iter().any(|b| (b.rect.x0 - r.x0).abs() < 1e-6 && (b.rect.y0 - r.y0).abs() < 1e-6)
        {
            continue;
        }
        // A title is a caption in the box's top line that is not to the right of a swatch: take the
        // topmost caption when it starts near the box's left side or is centred.
        let top = inside.iter().min_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0));
        let title = top.and_then(|t| {
            let centred = ((t.bbox.center().x - r.center().x).abs()) < 0.1 * r.width();
            (centred && !t.text.is_empty()).then(|| t.text.clone())
        });
        boxes.push(LegendBox { rect: r, title, order: it.order });
    }
    boxes
}

/// Which side of its samples a boxed legend writes its labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Right of the sample (most producers); a sample with nothing there takes a label on its
    /// left.
    Right,
    /// Left of the sample only (gnuplot's key, text first: "label sample  label sample").
    Left,
}

/// The side on which a legend box labels its samples (at, size): a key is laid out one way
/// throughout, so it is the side on which every sample finds a label of its own. Right when both
/// sides do or neither does; left when only the left does (a one-row gnuplot key, where the label
/// right of a sample is the next entry's).
fn key_side(scene: &Scene, captions: &[Caption], rect: Rect, samples: &[(Point, f64)]) -> Side {
    // Every sample has a label on `side`, and no two samples apart share one (a fill and its
    // outline drawn at one place do; labels drawn as outlines, read empty, tell nothing). Each
    // sample is compared with the first that took its label: linear in the samples.
    let complete = |side: Side| {
        let mut first: HashMap<String, (Point, f64)> = HashMap::new();
        !samples.is_empty()
            && samples.iter().all(|&(p, size)| {
                let Some(label) = label_beside(scene, captions, p, size, rect, side) else { return false };
                if label.is_empty() {
                    return true;
                }
                let &mut (q, qsize) = first.entry(label).or_insert((p, size));
                (p - q).hypot() <= size.max(qsize)
            })
    };
    if !complete(Side::Right) && complete(Side::Left) { Side::Left } else { Side::Right }
}

/// The caption beside a swatch on the same line, inside the legend box: to its right (most
/// producers), else just to its left; only to its left on a key that labels that side.
fn label_beside(scene: &Scene, captions: &[Caption], p: Point, half: f64, rect: Rect, side: Side) -> Option<String> {
    let right = (side == Side::Right)
        .then(|| {
            captions
                .iter()
                .filter(|c| c.horizontal && rect.contains(c.bbox.center()))
                .filter(|c| {
                    c.bbox.x0 > p.x + 0.5 * half
                        && c.bbox.x0 < p.x + half + 4.0 * c.font_size
                        && (c.bbox.center().y - p.y).abs() < 0.6 * c.font_size
                })
                .min_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0))
        })
        .flatten()
        .map(|c| continued_label(scene, captions, c));
    right.or_else(|| {
        captions
            .iter()
            .filter(|c| c.horizontal && rect.contains(c.bbox.center()))
            .filter(|c| {
                c.bbox.x1 < p.x - 0.5 * half
                    && c.bbox.x1 > p.x - half - 2.0 * c.font_size
                    && (c.bbox.center().y - p.y).abs() < 0.6 * c.font_size
            })
            .max_by(|a, b| a.bbox.x1.total_cmp(&b.bbox.x1))
            .map(|c| c.text.clone())
    })
}

/// Runs of one label line, in the units of its first run's font size. PDF converters (MuPDF)
/// split a label into runs at each change of font ("AdamW: " in a serif face, "=0.29" in a math
/// face) and draw symbols their font cannot name (a Type 3 "β") as outlines between them.
const LABEL_SAME_LINE_EM: f64 = 0.3;
/// The next run starts within this many font sizes after the previous one ends: more is another
/// column of the legend.
const LABEL_NEXT_RUN_EM: f64 = 1.5;
/// A gap wider than this holds a space or a drawn glyph: a word space is about 0.25 em, and runs
/// split at a change of font abut (0 em).
const LABEL_SPACE_EM: f64 = 0.1;
/// After a glyph drawn as an outline, whose box is its ink and not its advance (side bearings of
/// up to about 0.1 em each), only a gap wider than this is a space.
const LABEL_GLYPH_SPACE_EM: f64 = 0.2;

/// The label that starts with run `first`, joined with the runs that continue its line; a glyph
/// drawn as an outline between two runs is written as U+FFFD (it cannot be read, and is not
/// dropped silently: "AdamW: \u{FFFD}=0.29" for "AdamW: β=0.29").
fn continued_label(scene: &Scene, captions: &[Caption], first: &Caption) -> String {
    // A label drawn wholly as outlines stays unread (empty): the profile names it by place.
    if first.text.trim().is_empty() {
        return String::new();
    }
    let em = first.font_size;
    let mut text = first.text.trim_end().to_string();
    let mut space = first.text.ends_with(char::is_whitespace);
    let mut cur = first.bbox;
    let mut after_outline = false;
    loop {
        let next = captions
            .iter()
            .filter(|c| c.horizontal && (c.bbox.center().y - cur.center().y).abs() < LABEL_SAME_LINE_EM * em)
            .filter(|c| c.bbox.x0 >= cur.x1 - LABEL_SPACE_EM * em && c.bbox.x0 <= cur.x1 + LABEL_NEXT_RUN_EM * em)
            .min_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
        let Some(next) = next else { break };
        let gap = Rect::new(cur.x1, cur.y0, next.bbox.x0, cur.y1);
        if gap.width() > LABEL_SPACE_EM * em && glyph_in(scene, gap, em) {
            text += if space { " \u{FFFD}" } else { "\u{FFFD}" };
            space = false;
        } else if gap.width() > if after_outline { LABEL_GLYPH_SPACE_EM } else { LABEL_SPACE_EM } * em {
            space = true;
        }
        after_outline = next.text.trim().is_empty();
        if space || next.text.starts_with(char::is_whitespace) {
            text.push(' ');
        }
        // Glyph outlines read as text of no characters (see the axes' text reading).
        text += if next.text.trim().is_empty() { "\u{FFFD}" } else { next.text.trim() };
        space = next.text.ends_with(char::is_whitespace);
        cur = next.bbox;
    }
    text
}

/// Whether a filled outline no taller than a line of text sits in `gap` (a glyph drawn as a path).
fn glyph_in(scene: &Scene, gap: Rect, em: f64) -> bool {
    scene.items.iter().any(|it| {
        let ItemKind::Shape(s) = &it.kind else { return false };
        let b = s.path.bounding_box();
        s.fill.is_some() && b.height() <= 1.5 * em && gap.contains(b.center())
    })
}

/// Local anchor point, size in root units, and whether the outline is closed.
pub(crate) fn marker_geometry(s: &Shape) -> Option<(Point, f64, bool)> {
    let lb = s.local().bounding_box();
    let rb = s.path.bounding_box();
    let size = rb.width().max(rb.height());
    if !size.is_finite() {
        return None;
    }
    let closed = s.local().elements().iter().any(|e| matches!(e, PathEl::ClosePath))
        || s.local().elements().len() > 2 && first_last_equal(s.local())
        || matches!(
            s.element,
            crate::scene::ShapeElement::Circle | crate::scene::ShapeElement::Ellipse | crate::scene::ShapeElement::Rect
        );
    // Shapes drawn around their local origin (markers placed by a transform or <use>) are
    // anchored at the origin exactly (gnuplot's triangles sit on their centroid there); a
    // triangle written as a `<polygon>` (R/svglite) at its centroid; others at their
    // bounding-box centre.
    let lsize = lb.width().max(lb.height());
    let margin = 0.1 * lsize;
    let origin_inside = lb.x0 + margin < 0.0 && 0.0 < lb.x1 - margin && lb.y0 + margin < 0.0 && 0.0 < lb.y1 - margin;
    let c = lb.center();
    let vertices: Vec<Point> = s
        .local()
        .elements()
        .iter()
        .filter_map(|e| match e {
            PathEl::MoveTo(p) | PathEl::LineTo(p) => Some(*p),
            _ => None,
        })
        .collect();
    let anchor = if origin_inside || c.to_vec2().hypot() <= 1e-6 * lsize {
        Point::ORIGIN
    } else if s.element == crate::scene::ShapeElement::Polygon && vertices.len() == 3 {
        Point::new(vertices.iter().map(|p| p.x).sum::<f64>() / 3.0, vertices.iter().map(|p| p.y).sum::<f64>() / 3.0)
    } else if let Some(centre) = regular_polygon_centre(&vertices) {
        centre
    } else if let Some(centre) = cairo_triangle_point(&vertices) {
        centre
    } else {
        c
    };
    Some((anchor, size, closed))
}

/// gnuplot's Cairo terminals (pdfcairo, cairolatex, pngcairo) draw a triangle point of size `s`
/// with its base corners at (x -+ s, y - 2s/3) and its apex at (x, y + s) (up or down): a base
/// 6 units wide for a height of 5, the point 2/5 of the height from the base, neither the box
/// centre nor the centroid. Written out in absolute coordinates (through a PDF and MuPDF), only
/// that shape says so: an isosceles triangle with a level base and height / half-base = 5/3
/// (within [`CAIRO_TRIANGLE_TOL`]). Returns the point.
fn cairo_triangle_point(vertices: &[Point]) -> Option<Point> {
    // Distinct vertices, stopping at a fourth: a long line's vertices would make this quadratic
    // (a million-vertex curve passes through here as a marker candidate).
    let mut v: Vec<Point> = Vec::with_capacity(4);
    for p in vertices {
        if !v.contains(p) {
            v.push(*p);
            if v.len() > 3 {
                return None;
            }
        }
    }
    let [a, b, c] = v.as_slice() else { return None };
    let size = (a.x.max(b.x).max(c.x) - a.x.min(b.x).min(c.x)).max(a.y.max(b.y).max(c.y) - a.y.min(b.y).min(c.y));
    let tol = CAIRO_TRIANGLE_TOL * size;
    // The apex is the vertex off the level of the other two.
    let (apex, l, r) =
        [(*a, *b, *c), (*b, *a, *c), (*c, *a, *b)].into_iter().find(|(_, l, r)| (l.y - r.y).abs() <= tol)?;
    let half = (l.x - r.x).abs() / 2.0;
    let height = apex.y - l.y;
    let centred = (apex.x - (l.x + r.x) / 2.0).abs() <= tol;
    let ratio = (height.abs() / half - 5.0 / 3.0).abs() <= CAIRO_TRIANGLE_TOL * 5.0 / 3.0;
    (half > 0.0 && centred && ratio).then(|| Point::new(apex.x, l.y + 0.4 * height))
}

/// Relative tolerance of the Cairo triangle's proportions: coordinates written to 3 decimals on
/// a 5-unit marker move them by under 1e-3. Default: 0.01 (matplotlib's and R's triangles are
/// 1:1 and equilateral, 15 % and more away).
const CAIRO_TRIANGLE_TOL: f64 = 0.01;

/// Largest spread of a polygon's vertex distances from their mean, as a share of the mean
/// distance, for it to be regular. Producers write vertices to 3 or more significant digits, so
/// a regular polygon stays within about 1e-3. Default: 3e-3.
const REGULAR_SPREAD: f64 = 3e-3;

/// The centre of a regular polygon of five or more vertices (gnuplot's pentagons): every vertex
/// equally far from their mean, which is the circle the producer inscribed it in. Its box centre
/// is off that point for an odd number of vertices. `None` for other shapes.
fn regular_polygon_centre(vertices: &[Point]) -> Option<Point> {
    let mut v: Vec<Point> = vertices.to_vec();
    // A path that returns to its start lists the first vertex twice.
    if v.len() > 1 && (v[0] - v[v.len() - 1]).hypot() <= 1e-9 * (v[0].to_vec2().hypot() + 1.0) {
        v.pop();
    }
    if v.len() < 5 {
        return None;
    }
    let n = v.len() as f64;
    let m = Point::new(v.iter().map(|p| p.x).sum::<f64>() / n, v.iter().map(|p| p.y).sum::<f64>() / n);
    let d: Vec<f64> = v.iter().map(|p| (*p - m).hypot()).collect();
    let mean = d.iter().sum::<f64>() / n;
    (mean > 0.0 && d.iter().all(|x| (x - mean).abs() <= REGULAR_SPREAD * mean)).then_some(m)
}

fn first_last_equal(p: &kurbo::BezPath) -> bool {
    let els = p.elements();
    let first = match els.first() {
        Some(PathEl::MoveTo(p)) => *p,
        _ => return false,
    };
    let last = match els.last() {
        Some(PathEl::LineTo(p)) | Some(PathEl::CurveTo(_, _, p)) | Some(PathEl::QuadTo(_, p)) => *p,
        _ => return false,
    };
    (first - last).hypot() < 1e-9
}

/// Two or more straight strokes crossing at the centre: an x or + marker.
fn is_cross(p: &kurbo::BezPath) -> bool {
    let els = p.elements();
    let moves = els.iter().filter(|e| matches!(e, PathEl::MoveTo(_))).count();
    moves >= 2 && els.iter().all(|e| matches!(e, PathEl::MoveTo(_) | PathEl::LineTo(_)))
}

/// A geometry class key: the named shape, the sequence of segment kinds, and the size and aspect
/// in coarse buckets. Producers round coordinates differently from marker to marker (Cairo
/// shifts each outline by up to 1e-3), so exact outlines would split one class into many.
/// The geometry class of a shape: its kind, outline commands, size and aspect in buckets. The
/// size is relative to the smallest data panel (the geometric mean of width and height shares),
/// so that the buckets do not move when the whole figure is scaled or stretched (a marker near
/// a bucket's edge would change class).
fn geometry_key(s: &Shape, rel_size: f64, quantum: f64, commands: &mut Commands) -> ShapeClass {
    let b = s.path.bounding_box();
    let aspect = (b.width() / b.height().max(1e-300)).clamp(1e-3, 1e3);
    // Buckets: size within 5 % (log scale), aspect within 5 %.
    let q = (quantum * 50.0).max(1e-6);
    ShapeClass {
        shape: classify(&s.path),
        commands: commands.id(s.path.elements()),
        size: (rel_size.ln() / q).round() as i64,
        aspect: (aspect.ln() / q).round() as i64,
    }
}

/// Name the geometry of a marker outline.
pub fn classify(p: &kurbo::BezPath) -> MarkerShape {
    let b = p.bounding_box();
    let c = b.center();
    let (w, h) = (b.width(), b.height());
    if w <= 0.0 || h <= 0.0 {
        return MarkerShape::Other;
    }
    let els = p.elements();
    if els.iter().any(|e| matches!(e, PathEl::CurveTo(..) | PathEl::QuadTo(..))) {
        let r = w.max(h) / 2.0;
        let round = els.iter().all(|e| match e {
            PathEl::MoveTo(q) | PathEl::LineTo(q) | PathEl::CurveTo(_, _, q) | PathEl::QuadTo(_, q) => {
                ((*q - c).hypot() - r).abs() < 0.02 * r
            }
            PathEl::ClosePath => true,
        });
        return if round && (w - h).abs() < 0.02 * w { MarkerShape::Circle } else { MarkerShape::Other };
    }
    if is_cross(p) {
        let diag = els.iter().any(|e| match e {
            PathEl::MoveTo(q) => (q.x - c.x).abs() > 0.25 * w && (q.y - c.y).abs() > 0.25 * h,
            _ => false,
        });
        return if diag { MarkerShape::Cross } else { MarkerShape::Plus };
    }
    let mut v: Vec<Point> = Vec::new();
    for e in els {
        if let PathEl::MoveTo(q) | PathEl::LineTo(q) = e
            && v.last().is_none_or(|l| (*l - *q).hypot() > 1e-9 * w)
        {
            v.push(*q);
        }
    }
    if v.len() > 1 && (v[0] - v[v.len() - 1]).hypot() <= 1e-9 * w {
        v.pop();
    }
    let e = 0.02 * w.max(h);
    let near = |q: Point, x: f64, y: f64| (q.x - x).abs() <= e && (q.y - y).abs() <= e;
    match v.len() {
        3 => {
            let top = v.iter().filter(|q| (q.y - b.y0).abs() <= e).count();
            let bottom = v.iter().filter(|q| (q.y - b.y1).abs() <= e).count();
            let left = v.iter().filter(|q| (q.x - b.x0).abs() <= e).count();
            let right = v.iter().filter(|q| (q.x - b.x1).abs() <= e).count();
            // y grows downward in SVG, but markers may be stored flipped; name by local geometry
            // where a single apex sits at min y ("up" in a y-down space).
            if top == 1 && bottom == 2 {
                MarkerShape::TriangleUp
            } else if top == 2 && bottom == 1 {
                MarkerShape::TriangleDown
            } else if left == 1 && right == 2 {
                MarkerShape::TriangleLeft
            } else if left == 2 && right == 1 {
                MarkerShape::TriangleRight
            } else {
                MarkerShape::Polygon
            }
        }
        4 => {
            let corners = v
                .iter()
                .all(|q| near(*q, b.x0, b.y0) || near(*q, b.x1, b.y0) || near(*q, b.x0, b.y1) || near(*q, b.x1, b.y1));
            let mids = v
                .iter()
                .all(|q| near(*q, c.x, b.y0) || near(*q, c.x, b.y1) || near(*q, b.x0, c.y) || near(*q, b.x1, c.y));
            if corners {
                MarkerShape::Square
            } else if mids {
                MarkerShape::Diamond
            } else {
                MarkerShape::Polygon
            }
        }
        _ => MarkerShape::Polygon,
    }
}

/// A marker's paint as `#rrggbb`, the fill if any else the stroke.
/// `#rrggbb` (as [`crate::scene::Paint::hex`] writes it) back to its bytes.
pub(crate) fn parse_hex(s: &str) -> Option<[u8; 3]> {
    let h = s.strip_prefix('#').filter(|h| h.len() == 6)?;
    let byte = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

pub fn marker_colour(m: &Marker) -> String {
    m.fill.clone().or_else(|| m.stroke.clone()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(d: &str) -> kurbo::BezPath {
        kurbo::BezPath::from_svg(d).expect("path")
    }

    #[test]
    fn classifies_common_marker_outlines() {
        assert_eq!(classify(&kurbo::Circle::new((0.0, 0.0), 3.0).to_path(1e-4)), MarkerShape::Circle);
        assert_eq!(classify(&path("M-1-1H1V1H-1Z")), MarkerShape::Square);
        assert_eq!(classify(&path("M0-1L1 0L0 1L-1 0Z")), MarkerShape::Diamond);
        assert_eq!(classify(&path("M0-1L1 1L-1 1Z")), MarkerShape::TriangleUp);
        assert_eq!(classify(&path("M-1-1L1 1M-1 1L1-1")), MarkerShape::Cross);
        assert_eq!(classify(&path("M-1 0L1 0M0-1L0 1")), MarkerShape::Plus);
    }
}
