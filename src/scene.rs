//! Scene: resolve an SVG document once into typed f64 primitives.
//!
//! Input: the bytes of one SVG file. Output: a [`Scene`] whose items (shapes, text runs, images)
//! carry absolute transforms composed in f64 (kurbo `Affine`), `<use>` references expanded, styles
//! resolved through inheritance, and clip rectangles in root user units.
//!
//! Invariants:
//! - Coordinates are in root user units (viewBox units) and stay f64 from the attribute text on;
//!   the viewBox-to-viewport map is kept separately in [`Scene::viewport`] for rendering only.
//! - No later stage sees XML. Content of `<defs>`, `<clipPath>`, `<mask>`, `<marker>`, `<pattern>`
//!   and gradients is never drawn directly; it is reached only through references.
//! - Nothing outside the document is ever read: no external entities, no external hrefs.
//! - A bad element (unparsable path, singular transform, non-finite number) is skipped with a
//!   warning; only fatal input (not XML, not SVG, over a limit) fails the figure.

use std::collections::HashMap;
use std::str::FromStr;

use kurbo::{Affine, BezPath, Point, Rect, Shape as _};

/// Limits that make hostile input harmless. Every field states its default.
#[derive(Debug, Clone)]
pub struct SceneOptions {
    /// Largest accepted file, in bytes. Default: 64 MiB.
    pub max_bytes: usize,
    /// Largest number of XML nodes in a small file. Default: 2,000,000.
    pub max_nodes: u32,
    /// In a larger file the node limit is one node per this many bytes: a minimal element
    /// (`<g/>` and a line break) takes 5, so legitimate content is never refused for its count.
    /// Default: 8.
    pub bytes_per_node: usize,
    /// Most CSS rules read from `<style>` elements. Default: 1,000.
    pub max_css_rules: usize,
    /// Deepest element nesting (including `<use>` expansion). Default: 256.
    pub max_depth: usize,
    /// Most path segments in the whole figure. Default: 20,000,000.
    pub max_path_segments: usize,
    /// Most segments in one path, counted before the path is built. A plotted line has a segment
    /// per data point; a million already costs about 100 MB as geometry. Default: 1,000,000.
    pub max_segments_per_path: usize,
    /// Most drawn items after `<use>` expansion. Default: 2,000,000.
    pub max_items: usize,
}

impl Default for SceneOptions {
    fn default() -> Self {
        SceneOptions {
            max_bytes: 64 << 20,
            max_nodes: 2_000_000,
            bytes_per_node: 8,
            max_css_rules: 1_000,
            max_depth: 256,
            max_path_segments: 20_000_000,
            max_segments_per_path: 1_000_000,
            max_items: 2_000_000,
        }
    }
}

/// Fatal problems with a figure as a whole.
#[derive(Debug, thiserror::Error)]
pub enum SceneError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("the file is not UTF-8 text (invalid byte at offset {0})")]
    NotUtf8(usize),
    #[error("the file contains a NUL byte at offset {0}")]
    NulByte(usize),
    #[error("not well-formed XML: {0}")]
    Xml(String),
    #[error("not an SVG document: the root element is <{0}>")]
    NotSvg(String),
    #[error("{what} exceeds the limit of {limit} (SceneOptions::{option})")]
    Limit { what: &'static str, limit: usize, option: &'static str },
}

/// An RGB colour with its effective opacity (0..=1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paint {
    pub rgb: [u8; 3],
    pub alpha: f64,
}

impl Paint {
    /// `#rrggbb`.
    pub fn hex(&self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.rgb[0], self.rgb[1], self.rgb[2])
    }
}

/// Which SVG element a shape came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeElement {
    Path,
    Rect,
    Circle,
    Ellipse,
    Line,
    Polyline,
    Polygon,
}

/// A drawn geometric shape.
#[derive(Debug, Clone)]
pub struct Shape {
    /// The geometry in root user units (the element's full transform applied).
    pub path: BezPath,
    /// The geometry as written in the element's own coordinates; left empty when `transform` is
    /// the identity (the geometry is then `path`, stored once). Read it with [`Shape::local`].
    pub local: BezPath,
    /// Element space to root user space.
    pub transform: Affine,
    pub fill: Option<Paint>,
    pub stroke: Option<Paint>,
    /// Stroke width in root user units (scaled by the transform).
    pub stroke_width: f64,
    pub dashed: bool,
    pub element: ShapeElement,
    /// Drawn through a `<symbol>` that a producer names as a glyph (Cairo's `glyph0-1`): text,
    /// not data. A hint only; nothing requires it.
    pub glyph: bool,
    /// A linear-gradient fill, resolved to root space (boxed: few shapes have one, and every
    /// shape of a million-marker figure would otherwise carry its room).
    pub gradient: Option<Box<Gradient>>,
}

impl Shape {
    /// The geometry in the element's own coordinates (`local`, or `path` when the element is
    /// not transformed and `local` is left empty).
    pub fn local(&self) -> &BezPath {
        if self.local.elements().is_empty() { &self.path } else { &self.local }
    }
}

/// A linear gradient: colour stops along the segment from `start` to `end` (root units).
#[derive(Debug, Clone, PartialEq)]
pub struct Gradient {
    pub start: Point,
    pub end: Point,
    /// (offset in 0..=1, colour), offsets non-decreasing.
    pub stops: Vec<(f64, [u8; 3])>,
}

impl Gradient {
    /// The colour at a root-space point (projected onto the gradient's axis, padded at the ends),
    /// interpolated in sRGB as SVG specifies by default.
    pub fn colour_at(&self, p: Point) -> Option<[u8; 3]> {
        let d = self.end - self.start;
        let len2 = d.hypot2();
        if !(len2 > 0.0) || self.stops.is_empty() {
            return None;
        }
        let t = ((p - self.start).dot(d) / len2).clamp(0.0, 1.0);
        let first = self.stops[0];
        if t <= first.0 {
            return Some(first.1);
        }
        for w in self.stops.windows(2) {
            let ((o0, c0), (o1, c1)) = (w[0], w[1]);
            if t <= o1 {
                let f = if o1 > o0 { (t - o0) / (o1 - o0) } else { 1.0 };
                let mix =
                    |a: u8, b: u8| (f64::from(a) + f * (f64::from(b) - f64::from(a))).round().clamp(0.0, 255.0) as u8;
                return Some([mix(c0[0], c1[0]), mix(c0[1], c1[1]), mix(c0[2], c1[2])]);
            }
        }
        self.stops.last().map(|s| s.1)
    }
}

/// Horizontal alignment of a text run relative to its anchor x.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextAnchor {
    Start,
    Middle,
    End,
}

/// One run of text (a `<text>` or `<tspan>` with its own characters).
#[derive(Debug, Clone)]
pub struct TextRun {
    pub text: String,
    /// Text space to root user space (y down, baseline at local y).
    pub transform: Affine,
    /// Font size in text space.
    pub font_size: f64,
    pub anchor: TextAnchor,
    /// Baseline y of the run in text space.
    pub baseline: f64,
    /// Start x of each glyph in text space (as written, or estimated past the written list).
    pub glyph_x: Vec<f64>,
    /// Estimated start and end x of the run in text space, after applying the anchor.
    pub x_start: f64,
    pub x_end: f64,
    pub fill: Option<Paint>,
    /// Whether this run starts a new absolutely positioned text chunk.
    pub new_chunk: bool,
}

impl Scene {
    /// An item's clip rectangle in root units, if any.
    pub fn clip(&self, it: &Item) -> Option<Rect> {
        it.clip.and_then(|k| self.clips.get(k as usize)).copied()
    }
}

impl TextRun {
    /// Scale of text space in root units (geometric mean of the axes' scales).
    pub fn scale(&self) -> f64 {
        self.transform.determinant().abs().sqrt()
    }
    /// Font size in root user units.
    pub fn font_size_root(&self) -> f64 {
        self.font_size * self.scale()
    }
    /// Whether the run reads left to right horizontally in root space.
    pub fn is_horizontal(&self) -> bool {
        let c = self.transform.as_coeffs();
        c[1].abs() < 1e-6 * c[0].abs() && c[2].abs() < 1e-6 * c[3].abs() && c[0] > 0.0
    }
    /// Root-space point at local (x, baseline + dy).
    pub fn point(&self, x: f64, dy: f64) -> Point {
        self.transform * Point::new(x, self.baseline + dy)
    }
    /// Estimated root-space bounding box (baseline to about cap height).
    pub fn bbox(&self) -> Rect {
        let a = self.point(self.x_start, 0.0);
        let b = self.point(self.x_end, -0.73 * self.font_size);
        Rect::from_points(a, b)
    }
}

/// An embedded raster image.
#[derive(Debug, Clone)]
pub struct ImageRef {
    /// Where the image is drawn, in root user units.
    pub rect: Rect,
    /// Image space (0..width, 0..height in the element's units) to root.
    pub transform: Affine,
    /// The raw href (a `data:` URL; external references are kept but never read).
    pub href: String,
    /// Width and height attributes, in image space units.
    pub size: (f64, f64),
}

/// What an item draws.
#[derive(Debug, Clone)]
pub enum ItemKind {
    Shape(Shape),
    Text(TextRun),
    Image(ImageRef),
}

/// One drawn item, in document order.
#[derive(Debug, Clone)]
pub struct Item {
    pub kind: ItemKind,
    /// The effective clip rectangle, if any, as its place in [`Scene::clips`] (read it with
    /// [`Scene::clip`]): items of one clip group share one rectangle, and a figure of a million
    /// markers would otherwise hold 40 bytes each for it.
    pub clip: Option<u32>,
    /// XPath-like path of the element (with `<use>` expansions as `use[..]->#id`).
    pub source: String,
    /// Document order index of the drawn item.
    pub order: usize,
}

/// A resolved figure.
#[derive(Debug, Clone)]
pub struct Scene {
    /// The viewBox (root user space extent).
    pub view_box: Rect,
    /// Root user units to the viewport (width/height), for rendering.
    pub viewport: Affine,
    pub items: Vec<Item>,
    /// The items' clip rectangles in root units (see [`Item::clip`]).
    pub clips: Vec<Rect>,
    pub warnings: Vec<String>,
    /// Elements skipped for bad numbers (the first [`crate::skipped::MAX_SKIPPED_KEPT`]; each
    /// is also in `warnings`), and how many there were in all.
    pub skipped: Vec<crate::skipped::SkippedElement>,
    pub skipped_total: usize,
}

/// Inherited presentation state.
#[derive(Clone)]
struct Style {
    fill: Option<Paint>,
    /// The id of the paint server a `fill="url(#id)"` names.
    fill_url: Option<String>,
    stroke: Option<Paint>,
    stroke_width: f64,
    dashed: bool,
    font_size: f64,
    anchor: TextAnchor,
    fill_opacity: f64,
    stroke_opacity: f64,
    opacity: f64,
    current_color: [u8; 3],
    visible: bool,
    /// The font is AMS blackboard bold: its capitals are double-struck ([`crate::tex_fonts`]).
    blackboard: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            fill: Some(Paint { rgb: [0, 0, 0], alpha: 1.0 }),
            fill_url: None,
            stroke: None,
            stroke_width: 1.0,
            dashed: false,
            font_size: 16.0,
            anchor: TextAnchor::Start,
            fill_opacity: 1.0,
            stroke_opacity: 1.0,
            opacity: 1.0,
            current_color: [0, 0, 0],
            visible: true,
            blackboard: false,
        }
    }
}

/// Parse SVG bytes into a scene.
pub fn parse_scene(bytes: &[u8], opts: &SceneOptions) -> Result<Scene, SceneError> {
    if bytes.is_empty() || bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(SceneError::Empty);
    }
    if bytes.len() > opts.max_bytes {
        return Err(SceneError::TooLarge { size: bytes.len(), limit: opts.max_bytes });
    }
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return Err(SceneError::NulByte(pos));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| SceneError::NotUtf8(e.valid_up_to()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // DTDs are allowed because real producers (matplotlib) write a DOCTYPE; roxmltree bounds
    // entity expansion, and with no entity resolver no external entity is ever read.
    let resolver = |_pub_id: Option<&str>, uri: &str| -> Result<Option<&str>, String> {
        Err(format!("external entity '{uri}' refused: figdig never reads outside the file"))
    };
    let nodes_limit = crate::limits::node_limit(bytes.len(), opts.max_nodes, opts.bytes_per_node);
    let xml_opts = roxmltree::ParsingOptions { allow_dtd: true, nodes_limit, entity_resolver: Some(&resolver) };
    let doc = roxmltree::Document::parse_with_options(text, xml_opts).map_err(|e| match e {
        roxmltree::Error::NodesLimitReached => {
            SceneError::Limit { what: "number of XML nodes", limit: nodes_limit as usize, option: "max_nodes" }
        }
        e => SceneError::Xml(e.to_string()),
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg" {
        return Err(SceneError::NotSvg(root.tag_name().name().to_string()));
    }
    let mut ids = HashMap::new();
    let mut elements = 0;
    for n in doc.descendants().filter(|n| n.is_element()) {
        elements += 1;
        if let Some(id) = n.attribute("id") {
            ids.entry(id.to_string()).or_insert(n);
        }
    }
    let mut warnings = Vec::new();
    let (view_box, viewport) = root_geometry(root, &mut warnings);
    let css = style_sheets(&doc, opts, &mut warnings);
    let mut b = Builder {
        ids,
        css,
        opts,
        // Room for one item per element up front: growing by doubling would, for a figure of a
        // million markers, hold the old and the new list at once (a third of its peak memory).
        items: Vec::with_capacity(elements.min(opts.max_items)),
        clips: Vec::new(),
        warnings,
        skipped: Vec::new(),
        skipped_total: 0,
        segments: 0,
        use_stack: Vec::new(),
        fatal: None,
    };
    let style = b.apply_style(root, &Style::default());
    b.children(root, Affine::IDENTITY, &style, None, "/svg", 1);
    if let Some(e) = b.fatal {
        return Err(e);
    }
    Ok(Scene {
        view_box,
        viewport,
        items: b.items,
        clips: b.clips,
        warnings: b.warnings,
        skipped: b.skipped,
        skipped_total: b.skipped_total,
    })
}

/// The viewBox and the viewBox-to-viewport transform of the root element.
fn root_geometry(root: roxmltree::Node, warnings: &mut Vec<String>) -> (Rect, Affine) {
    let len = |name: &str| -> Option<f64> {
        let s = root.attribute(name)?;
        let l = svgtypes::Length::from_str(s).ok()?;
        let v = l.number;
        (v.is_finite() && v > 0.0).then_some(v)
    };
    let (w, h) = (len("width"), len("height"));
    let vb = root.attribute("viewBox").and_then(|s| svgtypes::ViewBox::from_str(s).ok());
    let vb = vb.filter(|v| v.w > 0.0 && v.h > 0.0 && v.w.is_finite() && v.h.is_finite());
    match vb {
        Some(v) => {
            let rect = Rect::new(v.x, v.y, v.x + v.w, v.y + v.h);
            let (vw, vh) = (w.unwrap_or(v.w), h.unwrap_or(v.h));
            // preserveAspectRatio xMidYMid meet, the default.
            let s = (vw / v.w).min(vh / v.h);
            let tx = (vw - v.w * s) / 2.0 - v.x * s;
            let ty = (vh - v.h * s) / 2.0 - v.y * s;
            (rect, Affine::new([s, 0.0, 0.0, s, tx, ty]))
        }
        None => {
            if root.attribute("viewBox").is_some() {
                warnings.push("invalid viewBox ignored".into());
            }
            let rect = Rect::new(0.0, 0.0, w.unwrap_or(100.0), h.unwrap_or(100.0));
            (rect, Affine::IDENTITY)
        }
    }
}

/// CSS rules from the document's `<style>` elements, least specific first (document order
/// within one specificity), so the last matching rule that sets a property wins.
type CssRules<'a> = Vec<(simplecss::Selector<'a>, Vec<simplecss::Declaration<'a>>)>;

/// Read the `<style>` sheets (svglite styles every element class this way: `.svglite circle
/// { fill: none; }`). Only the first `max_css_rules` rules are kept; the rest are skipped with a
/// warning, so a hostile sheet cannot make style matching quadratic.
fn style_sheets<'a>(doc: &'a roxmltree::Document, opts: &SceneOptions, warnings: &mut Vec<String>) -> CssRules<'a> {
    let mut rules: CssRules<'a> = Vec::new();
    let mut dropped = 0;
    for n in doc.descendants().filter(|n| n.has_tag_name("style")) {
        if n.attribute("type").is_some_and(|t| t.trim() != "text/css" && !t.trim().is_empty()) {
            continue;
        }
        if let Some(text) = n.text() {
            for rule in simplecss::StyleSheet::parse(text).rules {
                if rules.len() >= opts.max_css_rules {
                    dropped += 1;
                } else {
                    rules.push((rule.selector, rule.declarations));
                }
            }
        }
    }
    if dropped > 0 {
        warnings.push(format!("{dropped} CSS rules past the limit of {} ignored", opts.max_css_rules));
    }
    rules.sort_by_key(|(sel, _)| sel.specificity());
    rules
}

/// A roxmltree element as simplecss sees it, for selector matching.
#[derive(Clone, Copy)]
struct CssNode<'a, 'input>(roxmltree::Node<'a, 'input>);

impl simplecss::Element for CssNode<'_, '_> {
    fn parent_element(&self) -> Option<Self> {
        self.0.parent_element().map(CssNode)
    }
    fn prev_sibling_element(&self) -> Option<Self> {
        self.0.prev_sibling_element().map(CssNode)
    }
    fn has_local_name(&self, name: &str) -> bool {
        self.0.tag_name().name() == name
    }
    fn attribute_matches(&self, local_name: &str, operator: simplecss::AttributeOperator<'_>) -> bool {
        self.0.attribute(local_name).is_some_and(|v| operator.matches(v))
    }
    fn pseudo_class_matches(&self, class: simplecss::PseudoClass<'_>) -> bool {
        // Only structure can match in a static file; nothing is hovered, focused or visited.
        matches!(class, simplecss::PseudoClass::FirstChild) && self.0.prev_sibling_element().is_none()
    }
}

struct Builder<'a, 'input> {
    ids: HashMap<String, roxmltree::Node<'a, 'input>>,
    css: CssRules<'a>,
    opts: &'a SceneOptions,
    items: Vec<Item>,
    clips: Vec<Rect>,
    warnings: Vec<String>,
    skipped: Vec<crate::skipped::SkippedElement>,
    skipped_total: usize,
    segments: usize,
    use_stack: Vec<String>,
    fatal: Option<SceneError>,
}

const NON_RENDERING: &[&str] = &[
    "defs",
    "clipPath",
    "mask",
    "marker",
    "pattern",
    "linearGradient",
    "radialGradient",
    "symbol",
    "filter",
    "style",
    "script",
    "title",
    "desc",
    "metadata",
    "foreignObject",
];

impl<'a, 'input> Builder<'a, 'input> {
    fn warn(&mut self, msg: String) {
        // Bound the warning list: a hostile file could otherwise produce millions.
        if self.warnings.len() < 1000 {
            self.warnings.push(msg);
        }
    }

    /// Record an element skipped for bad numbers: a typed entry, and its text among the warnings.
    fn skip(&mut self, w: crate::skipped::SkippedElement) {
        self.skipped_total += 1;
        self.warn(w.to_string());
        if self.skipped.len() < crate::skipped::MAX_SKIPPED_KEPT {
            self.skipped.push(w);
        }
    }

    fn children(
        &mut self,
        node: roxmltree::Node<'a, 'input>,
        ts: Affine,
        style: &Style,
        clip: Option<Rect>,
        path: &str,
        depth: usize,
    ) {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        // A comment right before a group may hold the text that the group draws as glyph
        // outlines (matplotlib's default SVG text): remember it for the next element.
        let mut comment: Option<&str> = None;
        for child in node.children() {
            if self.fatal.is_some() {
                return;
            }
            if child.is_comment() {
                comment = child.text();
                continue;
            }
            if !child.is_element() {
                continue;
            }
            let name = child.tag_name().name();
            let k = counts.entry(name).or_insert(0);
            *k += 1;
            let child_path = format!("{path}/{name}[{k}]");
            let start = self.items.len();
            self.element(child, ts, style, clip, &child_path, depth + 1);
            if let Some(text) = comment.take()
                && name == "g"
            {
                self.glyph_text(text, start, &child_path);
            }
        }
    }

    /// Turn the glyph outlines a group just drew (items from `start` on) into one text run
    /// carrying the text of the comment before the group. The run's text space is the group's
    /// space with unit scale and y down, so baselines and extents read as for `<text>`.
    fn glyph_text(&mut self, text: &str, start: usize, path: &str) {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 200 || self.items.len() <= start {
            return;
        }
        let drawn = &self.items[start..];
        if drawn.iter().all(|it| matches!(it.kind, ItemKind::Text(_))) {
            // Text drawn run by run (matplotlib mathtext with svg.fonttype "none"): one run
            // with the comment's text, on the baseline of its largest glyphs.
            let runs: Vec<&TextRun> = drawn
                .iter()
                .filter_map(|it| match &it.kind {
                    ItemKind::Text(t) => Some(t),
                    _ => None,
                })
                .collect();
            let Some(main) = runs.iter().max_by(|a, b| a.font_size.total_cmp(&b.font_size)) else { return };
            if runs.iter().any(|r| r.transform != main.transform) {
                return;
            }
            let mut run = (*main).clone();
            run.text = text.to_string();
            run.x_start = runs.iter().map(|r| r.x_start).fold(f64::INFINITY, f64::min);
            run.x_end = runs.iter().map(|r| r.x_end).fold(f64::NEG_INFINITY, f64::max);
            run.glyph_x = vec![run.x_start];
            run.anchor = TextAnchor::Start;
            self.items.truncate(start);
            self.push(ItemKind::Text(run), None, path);
            return;
        }
        if !drawn.iter().all(|it| matches!(it.kind, ItemKind::Shape(_))) {
            return;
        }
        // The group's own transform: the first glyph's transform without the glyph's scale.
        let ItemKind::Shape(first) = &drawn[0].kind else { return };
        let g = first.transform;
        let s = g.determinant().abs().sqrt();
        if !(s > 0.0) {
            return;
        }
        // Glyph outlines are y-up (det < 0 in a y-down root): flip to a y-down text space.
        let flip = if g.determinant() < 0.0 { -1.0 } else { 1.0 };
        let c = g.as_coeffs();
        let t = Affine::new([c[0] / s, c[1] / s, flip * c[2] / s, flip * c[3] / s, c[4], c[5]]);
        let inv = t.inverse();
        let mut bb: Option<Rect> = None;
        let mut fill = None;
        for it in drawn {
            if let ItemKind::Shape(sh) = &it.kind {
                let r = (inv * sh.path.clone()).bounding_box();
                bb = Some(bb.map_or(r, |b| b.union(r)));
                fill = fill.or(sh.fill);
            }
        }
        let Some(bb) = bb else { return };
        // Digits are about 0.73 em tall in DejaVu Sans; the font size only sets tolerances.
        let font_size = (bb.height() / 0.73).max(1e-9);
        let run = TextRun {
            new_chunk: true,
            text: text.to_string(),
            transform: t,
            font_size,
            anchor: TextAnchor::Start,
            baseline: 0.0,
            glyph_x: vec![bb.x0],
            x_start: bb.x0,
            x_end: bb.x1,
            fill,
        };
        self.items.truncate(start);
        self.push(ItemKind::Text(run), None, path);
    }

    fn element(
        &mut self,
        node: roxmltree::Node<'a, 'input>,
        parent_ts: Affine,
        parent_style: &Style,
        parent_clip: Option<Rect>,
        path: &str,
        depth: usize,
    ) {
        if depth > self.opts.max_depth {
            self.fatal = Some(SceneError::Limit {
                what: "element nesting depth",
                limit: self.opts.max_depth,
                option: "max_depth",
            });
            return;
        }
        let name = node.tag_name().name();
        if NON_RENDERING.contains(&name) {
            return;
        }
        let style = self.apply_style(node, parent_style);
        if !style.visible {
            return;
        }
        if matches!(name, "use" | "image" | "path" | "rect" | "circle" | "ellipse" | "line")
            && let Some((attribute, value)) = crate::skipped::non_finite_attribute(node)
        {
            let value = value.to_string();
            self.skip(crate::skipped::SkippedElement::NonFiniteAttribute { path: path.into(), attribute, value });
            return;
        }
        let ts = match self.transform_of(node, path) {
            Some(t) => parent_ts * t,
            None => return,
        };
        // Vega draws axes and stroked group frames half a pixel off the marks' coordinates, for
        // crisp strokes; undo that so axes and frames share the marks' space. Read from structure,
        // not class names (which a user may rename): an axis is a group translated by half-odd
        // units whose first child is Vega's empty group background (`M0,0h0v0h0Z`); a frame is a
        // group background path starting at (0.5, 0.5). A producer hint, never a requirement.
        let vega_half = vega_axis_group(node)
            || name == "path" && node.attribute("d").is_some_and(|d| d.trim_start().starts_with("M0.5,0.5h"));
        let ts = if vega_half { ts * Affine::translate((-0.5, -0.5)) } else { ts };
        let clip = self.clip_of(node, ts, parent_clip, path);
        match name {
            "svg" | "g" | "a" | "switch" => self.children(node, ts, &style, clip, path, depth),
            "use" => self.use_element(node, ts, &style, clip, path, depth),
            "text" => self.text(node, ts, &style, clip, path),
            "image" => self.image(node, ts, clip, path),
            "path" | "rect" | "circle" | "ellipse" | "line" | "polyline" | "polygon" => {
                self.shape(node, ts, &style, clip, path, depth)
            }
            _ => {}
        }
    }

    fn push(&mut self, kind: ItemKind, clip: Option<Rect>, source: &str) {
        if self.items.len() >= self.opts.max_items {
            self.fatal = Some(SceneError::Limit {
                what: "number of drawn items",
                limit: self.opts.max_items,
                option: "max_items",
            });
            return;
        }
        let order = self.items.len();
        // Items come in clip groups: a rectangle equal to the last one is that one.
        let clip = match clip {
            Some(r) if self.clips.last() != Some(&r) => {
                self.clips.push(r);
                Some(self.clips.len() - 1)
            }
            Some(_) => Some(self.clips.len() - 1),
            None => None,
        };
        let Ok(clip) = clip.map(u32::try_from).transpose() else {
            // More clip rectangles than a u32 counts (never under the default item limit).
            self.fatal = Some(SceneError::Limit {
                what: "number of clip rectangles",
                limit: u32::MAX as usize,
                option: "max_items",
            });
            return;
        };
        self.items.push(Item { kind, clip, source: source.to_string(), order });
    }

    /// The element's own transform, or `None` (skipped with a warning) when it is unusable.
    fn transform_of(&mut self, node: roxmltree::Node, path: &str) -> Option<Affine> {
        let Some(s) = node.attribute("transform") else {
            return Some(Affine::IDENTITY);
        };
        match svgtypes::Transform::from_str(s) {
            Ok(t) => {
                let a = Affine::new([t.a, t.b, t.c, t.d, t.e, t.f]);
                let det = a.determinant();
                if !a.is_finite() || det == 0.0 || !det.is_finite() {
                    let transform = s.to_string();
                    self.skip(crate::skipped::SkippedElement::SingularTransform { path: path.into(), transform });
                    return None;
                }
                Some(a)
            }
            Err(e) => {
                let (transform, reason) = (s.to_string(), e.to_string());
                self.skip(crate::skipped::SkippedElement::UnparsableTransform { path: path.into(), transform, reason });
                None
            }
        }
    }

    /// Effective clip rectangle: the referenced clipPath's shapes' bounds intersected with the parent's.
    fn clip_of(&mut self, node: roxmltree::Node, ts: Affine, parent: Option<Rect>, path: &str) -> Option<Rect> {
        let Some(attr) = node.attribute("clip-path").or_else(|| style_value(node, "clip-path")) else {
            return parent;
        };
        let Some(id) = url_id(attr) else {
            return parent;
        };
        let Some(cp) = self.ids.get(id).copied() else {
            self.warn(format!("{path}: clip-path references missing #{id}"));
            return parent;
        };
        let cp_ts = match self.transform_of(cp, path) {
            Some(t) => ts * t,
            None => return parent,
        };
        let mut bounds: Option<Rect> = None;
        for child in cp.children().filter(|n| n.is_element()) {
            let Some(ct) = self.transform_of(child, path) else { continue };
            if let Some(p) = shape_path(child) {
                let r = (cp_ts * ct * p).bounding_box();
                bounds = Some(bounds.map_or(r, |b| b.union(r)));
            }
        }
        match (bounds, parent) {
            (Some(b), Some(p)) => Some(b.intersect(p)),
            (Some(b), None) => Some(b),
            (None, p) => p,
        }
    }

    fn use_element(
        &mut self,
        node: roxmltree::Node<'a, 'input>,
        ts: Affine,
        style: &Style,
        clip: Option<Rect>,
        path: &str,
        depth: usize,
    ) {
        let href = node.attribute(("http://www.w3.org/1999/xlink", "href")).or_else(|| node.attribute("href"));
        let Some(id) = href.and_then(|h| h.strip_prefix('#')) else {
            self.warn(format!("{path}: <use> without a local reference skipped"));
            return;
        };
        let Some(target) = self.ids.get(id).copied() else {
            self.warn(format!("{path}: <use> references missing #{id}"));
            return;
        };
        if self.use_stack.iter().any(|s| s == id) {
            self.warn(format!("{path}: <use> reference cycle through #{id} skipped"));
            return;
        }
        let x = num_attr(node, "x").unwrap_or(0.0);
        let y = num_attr(node, "y").unwrap_or(0.0);
        let ts = ts * Affine::translate((x, y));
        let src = format!("{path}->#{id}");
        self.use_stack.push(id.to_string());
        if target.tag_name().name() == "symbol" {
            let st = self.apply_style(target, style);
            self.children(target, ts, &st, clip, &src, depth);
        } else {
            // Render the target as if it were a child of the <use>, even when it sits in <defs>.
            let name = target.tag_name().name();
            if NON_RENDERING.contains(&name) {
                self.warn(format!("{path}: <use> of a non-drawable <{name}> skipped"));
            } else {
                self.element(target, ts, style, clip, &src, depth + 1);
            }
        }
        self.use_stack.pop();
    }

    fn shape(
        &mut self,
        node: roxmltree::Node<'a, 'input>,
        ts: Affine,
        style: &Style,
        clip: Option<Rect>,
        path: &str,
        depth: usize,
    ) {
        // Path data is counted before it is built, so an oversized path costs no memory.
        if let Some(d) = node.attribute("d") {
            let per_path = self.opts.max_segments_per_path;
            if crate::limits::over_segments(d, per_path) {
                let what = "number of segments in one path";
                self.fatal = Some(SceneError::Limit { what, limit: per_path, option: "max_segments_per_path" });
                return;
            }
        }
        // Exactly sized: a circle's path is built by pushing, which leaves spare capacity in every
        // one of a figure's (possibly a million) markers.
        let Some(local) = shape_path(node).map(|p| BezPath::from_vec(p.into_elements().into_boxed_slice().into_vec()))
        else {
            if node.tag_name().name() == "path" && node.attribute("d").is_some_and(|d| !d.trim().is_empty()) {
                self.skip(crate::skipped::SkippedElement::UnparsablePath { path: path.into() });
            }
            return;
        };
        let n = local.elements().len();
        let jobs = self.marker_jobs(node, &local, style.stroke_width);
        if local.elements().iter().any(|el| !el_finite(el)) {
            self.skip(crate::skipped::SkippedElement::NonFiniteCoordinates { path: path.into() });
            return;
        }
        self.segments += n;
        if self.segments > self.opts.max_path_segments {
            self.fatal = Some(SceneError::Limit {
                what: "number of path segments",
                limit: self.opts.max_path_segments,
                option: "max_path_segments",
            });
            return;
        }
        let element = match node.tag_name().name() {
            "rect" => ShapeElement::Rect,
            "circle" => ShapeElement::Circle,
            "ellipse" => ShapeElement::Ellipse,
            "line" => ShapeElement::Line,
            "polyline" => ShapeElement::Polyline,
            "polygon" => ShapeElement::Polygon,
            _ => ShapeElement::Path,
        };
        let fill = if matches!(element, ShapeElement::Line) { None } else { style.fill };
        let fill = fill.map(|p| Paint { alpha: p.alpha * style.fill_opacity * style.opacity, ..p });
        let stroke = style.stroke.map(|p| Paint { alpha: p.alpha * style.stroke_opacity * style.opacity, ..p });
        let scale = ts.determinant().abs().sqrt();
        let gradient = style.fill_url.as_deref().and_then(|id| self.linear_gradient(id, ts, &local)).map(Box::new);
        let glyph = self.use_stack.iter().any(|id| id.starts_with("glyph")) || font_unit_outline(node, &local);
        // Un-transformed geometry (most producers' markers) is stored once: a figure of a
        // million markers would otherwise hold two copies of every outline (a fifth of its peak).
        let (world, local) = if ts == Affine::IDENTITY { (local, BezPath::new()) } else { (ts * local.clone(), local) };
        let shape = Shape {
            path: world,
            local,
            transform: ts,
            fill,
            stroke,
            stroke_width: style.stroke_width * scale,
            dashed: style.dashed,
            element,
            glyph,
            gradient,
        };
        self.push(ItemKind::Shape(shape), clip, path);
        // Markers are drawn after their path, in the order start, middle, end (SVG 1.1, 11.6.2).
        for (k, (marker, id, t)) in jobs.into_iter().enumerate() {
            if self.use_stack.contains(&id) || depth >= self.opts.max_depth {
                self.warn(format!("{path}: marker #{id} inside itself or too deep, skipped"));
                continue;
            }
            self.use_stack.push(id.clone());
            let st = self.apply_style(marker, &Style::default());
            self.children(marker, ts * t, &st, clip, &format!("{path}->marker#{id}[{k}]"), depth + 1);
            self.use_stack.pop();
        }
    }

    /// The `<marker>` elements a shape's `marker-start`, `marker-mid` and `marker-end` name (as
    /// attributes or in its `style`; `marker` sets all three), each with the transform of its
    /// content at one of the path's vertices (see [`crate::svg_markers`]).
    fn marker_jobs(
        &self,
        node: roxmltree::Node<'a, 'input>,
        local: &BezPath,
        stroke_width: f64,
    ) -> Vec<(roxmltree::Node<'a, 'input>, String, Affine)> {
        use crate::svg_markers::{MarkerBox, Position, content_transform, placements};
        let mut out = Vec::new();
        for (prop, position) in
            [("marker-start", Position::Start), ("marker-mid", Position::Mid), ("marker-end", Position::End)]
        {
            let value =
                node.attribute(prop).or_else(|| style_value(node, prop)).or_else(|| style_value(node, "marker"));
            let Some(id) = value.and_then(|v| v.trim().strip_prefix("url(#")).and_then(|v| v.strip_suffix(')')) else {
                continue;
            };
            let Some(m) = self.ids.get(id.trim_matches(|c| c == '"' || c == '\'')).copied() else { continue };
            if m.tag_name().name() != "marker" {
                continue;
            }
            let view_box =
                m.attribute("viewBox").and_then(|v| svgtypes::ViewBox::from_str(v).ok()).map(|v| [v.x, v.y, v.w, v.h]);
            let b = MarkerBox {
                ref_x: num_attr(m, "refX").unwrap_or(0.0),
                ref_y: num_attr(m, "refY").unwrap_or(0.0),
                width: num_attr(m, "markerWidth").unwrap_or(3.0),
                height: num_attr(m, "markerHeight").unwrap_or(3.0),
                view_box,
                stroke_units: m.attribute("markerUnits") != Some("userSpaceOnUse"),
                fixed_angle: m
                    .attribute("orient")
                    .filter(|o| !o.starts_with("auto"))
                    .map(|o| o.trim().parse().unwrap_or(0.0)),
            };
            for (at, angle) in placements(local, position) {
                out.push((m, id.to_string(), content_transform(&b, at, angle, stroke_width)));
            }
        }
        out
    }

    /// Resolve `<linearGradient id>` (following `href` for inherited stops) for a shape drawn with
    /// transform `ts` and local geometry `local`.
    fn linear_gradient(&self, id: &str, ts: Affine, local: &BezPath) -> Option<Gradient> {
        let g = self.ids.get(id).copied()?;
        if g.tag_name().name() != "linearGradient" {
            return None;
        }
        // Stops may come from a referenced gradient (bounded chain).
        let mut src = g;
        let mut stops = Vec::new();
        for _ in 0..8 {
            stops = src
                .children()
                .filter(|n| n.is_element() && n.tag_name().name() == "stop")
                .filter_map(|n| {
                    let off = n.attribute("offset").or_else(|| style_value(n, "offset")).unwrap_or("0").trim();
                    let off = if let Some(p) = off.strip_suffix('%') {
                        p.parse::<f64>().ok()? / 100.0
                    } else {
                        off.parse::<f64>().ok()?
                    };
                    let c = style_value(n, "stop-color").or_else(|| n.attribute("stop-color")).unwrap_or("black");
                    let c = svgtypes::Color::from_str(c.trim()).ok()?;
                    Some((off.clamp(0.0, 1.0), [c.red, c.green, c.blue]))
                })
                .collect();
            if !stops.is_empty() {
                break;
            }
            let href = src.attribute(("http://www.w3.org/1999/xlink", "href")).or_else(|| src.attribute("href"));
            match href.and_then(|h| h.strip_prefix('#')).and_then(|h| self.ids.get(h).copied()) {
                Some(next) => src = next,
                None => break,
            }
        }
        // Offsets never decrease (SVG clamps each to the largest before it).
        let mut last = 0.0f64;
        for s in &mut stops {
            s.0 = s.0.max(last);
            last = s.0;
        }
        let coord = |name: &str, default: f64| -> f64 {
            g.attribute(name)
                .map(str::trim)
                .and_then(|v| {
                    if let Some(p) = v.strip_suffix('%') {
                        p.parse::<f64>().ok().map(|x| x / 100.0)
                    } else {
                        v.parse().ok()
                    }
                })
                .filter(|v: &f64| v.is_finite())
                .unwrap_or(default)
        };
        let (x1, y1, x2, y2) = (coord("x1", 0.0), coord("y1", 0.0), coord("x2", 1.0), coord("y2", 0.0));
        let gt = g
            .attribute("gradientTransform")
            .and_then(|t| svgtypes::Transform::from_str(t).ok())
            .map(|t| Affine::new([t.a, t.b, t.c, t.d, t.e, t.f]))
            .unwrap_or(Affine::IDENTITY);
        let space = if g.attribute("gradientUnits") == Some("userSpaceOnUse") {
            ts * gt
        } else {
            let b = local.bounding_box();
            ts * Affine::new([b.width(), 0.0, 0.0, b.height(), b.x0, b.y0]) * gt
        };
        let (start, end) = (space * Point::new(x1, y1), space * Point::new(x2, y2));
        (start.is_finite() && end.is_finite() && !stops.is_empty()).then_some(Gradient { start, end, stops })
    }

    fn image(&mut self, node: roxmltree::Node, ts: Affine, clip: Option<Rect>, path: &str) {
        let href = node.attribute(("http://www.w3.org/1999/xlink", "href")).or_else(|| node.attribute("href"));
        let Some(href) = href else { return };
        let x = num_attr(node, "x").unwrap_or(0.0);
        let y = num_attr(node, "y").unwrap_or(0.0);
        let (Some(w), Some(h)) = (num_attr(node, "width"), num_attr(node, "height")) else {
            self.warn(format!("{path}: <image> without width/height skipped"));
            return;
        };
        if !(w > 0.0 && h > 0.0) {
            return;
        }
        let rect = (ts * Rect::new(x, y, x + w, y + h).to_path(0.1)).bounding_box();
        let transform = ts * Affine::translate((x, y));
        self.push(ItemKind::Image(ImageRef { rect, transform, href: href.to_string(), size: (w, h) }), clip, path);
    }

    fn text(&mut self, node: roxmltree::Node<'a, 'input>, ts: Affine, style: &Style, clip: Option<Rect>, path: &str) {
        // Walk the text content in order; each text node becomes a run positioned by the nearest
        // enclosing x/y lists (the element's own, else the current text position).
        let mut cursor =
            (num_list(node, "x").first().copied().unwrap_or(0.0), num_list(node, "y").first().copied().unwrap_or(0.0));
        let mut runs = Vec::new();
        collect_text_runs(node, style, &mut cursor, &mut runs, self, 0);
        anchor_chunks(&mut runs);
        for (k, mut run) in runs.into_iter().enumerate() {
            run.transform = ts;
            let src = if k == 0 { path.to_string() } else { format!("{path}#run{k}") };
            self.push(ItemKind::Text(run), clip, &src);
        }
    }

    fn apply_style(&mut self, node: roxmltree::Node, parent: &Style) -> Style {
        let mut s = parent.clone();
        s.opacity = 1.0;
        // The style attribute, then style sheet rules, then presentation attributes (CSS cascade).
        // Rules are matched once per element; the last matching one (most specific) wins.
        let matched: Vec<&[simplecss::Declaration]> =
            self.css.iter().filter(|(sel, _)| sel.matches(&CssNode(node))).map(|(_, d)| d.as_slice()).collect();
        let get = |name: &str| -> Option<String> {
            style_value(node, name)
                .or_else(|| {
                    matched.iter().rev().find_map(|decls| decls.iter().rev().find(|d| d.name == name).map(|d| d.value))
                })
                .map(str::to_string)
                .or_else(|| node.attribute(name).map(str::to_string))
        };
        if let Some(c) = get("color").and_then(|v| svgtypes::Color::from_str(v.trim()).ok()) {
            s.current_color = [c.red, c.green, c.blue];
        }
        if let Some(v) = get("fill") {
            s.fill = parse_paint(&v, s.current_color, parent.fill);
            s.fill_url = url_id(&v).map(str::to_string);
        }
        if let Some(v) = get("stroke") {
            s.stroke = parse_paint(&v, s.current_color, parent.stroke);
        }
        if let Some(v) = get("stroke-width").and_then(|v| parse_len(&v)) {
            s.stroke_width = v;
        }
        if let Some(v) = get("stroke-dasharray") {
            let v = v.trim();
            s.dashed = !(v.is_empty()
                || v == "none"
                || v.split([',', ' ']).filter(|t| !t.is_empty()).all(|t| t.parse::<f64>() == Ok(0.0)));
        }
        if let Some(v) = get("fill-opacity").and_then(|v| parse_opacity(&v)) {
            s.fill_opacity = v;
        }
        if let Some(v) = get("stroke-opacity").and_then(|v| parse_opacity(&v)) {
            s.stroke_opacity = v;
        }
        if let Some(v) = get("opacity").and_then(|v| parse_opacity(&v)) {
            // Group opacity multiplies down the tree; approximating it per item is enough for colour matching.
            s.fill_opacity *= v;
            s.stroke_opacity *= v;
        }
        if let Some(v) = get("font-size").and_then(|v| parse_len(&v)) {
            s.font_size = v;
        }
        if let Some(v) = get("font-family") {
            s.blackboard = crate::tex_fonts::is_blackboard(&v);
        }
        if let Some(font) = style_value(node, "font") {
            // CSS shorthand as matplotlib writes it: "10px 'DejaVu Sans'" (size is the token with a unit).
            if let Some(v) = font.split_whitespace().find_map(|t| {
                let t = t.split('/').next().unwrap_or(t);
                if t.ends_with("px") || t.ends_with("pt") || t.parse::<f64>().is_ok() { parse_len(t) } else { None }
            }) {
                s.font_size = v;
            }
        }
        if let Some(v) = get("text-anchor") {
            s.anchor = match v.trim() {
                "middle" => TextAnchor::Middle,
                "end" => TextAnchor::End,
                _ => TextAnchor::Start,
            };
        }
        if get("display").is_some_and(|v| v.trim() == "none") || get("visibility").is_some_and(|v| v.trim() == "hidden")
        {
            s.visible = false;
        }
        s
    }
}

/// Apply each chunk's text-anchor to all its runs: a chunk (runs from one absolute x to the next)
/// is shifted by its whole width for `end`, half of it for `middle`.
fn anchor_chunks(runs: &mut [TextRun]) {
    let mut i = 0;
    while i < runs.len() {
        let mut j = i + 1;
        while j < runs.len() && !runs[j].new_chunk {
            j += 1;
        }
        let width = runs[j - 1].x_end - runs[i].x_start;
        let shift = match runs[i].anchor {
            TextAnchor::Start => 0.0,
            TextAnchor::Middle => -width / 2.0,
            TextAnchor::End => -width,
        };
        for r in &mut runs[i..j] {
            r.x_start += shift;
            r.x_end += shift;
            for g in &mut r.glyph_x {
                *g += shift;
            }
        }
        i = j;
    }
}

/// Collect the runs of a `<text>` subtree; `cursor` is the current text position in text space.
fn collect_text_runs(
    node: roxmltree::Node,
    parent: &Style,
    cursor: &mut (f64, f64),
    out: &mut Vec<TextRun>,
    b: &mut Builder,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    let style = b.apply_style(node, parent);
    if !style.visible {
        return;
    }
    let em = style.font_size;
    let xs = text_lengths(node, "x", em);
    let ys = text_lengths(node, "y", em);
    let dx = text_lengths(node, "dx", em).first().copied().unwrap_or(0.0);
    let dy = text_lengths(node, "dy", em).first().copied().unwrap_or(0.0);
    if let Some(&y) = ys.first() {
        cursor.1 = y;
    }
    cursor.1 += dy;
    if let Some(&x) = xs.first() {
        cursor.0 = x;
    }
    cursor.0 += dx;
    let mut xs_left: &[f64] = &xs;
    // `textLength` states the drawn width of the element's text (svglite writes the font's own
    // measure on every text): with one text child and no per-glyph x it replaces the estimated
    // advances, so the run ends where the glyphs do (a narrow symbol font's minus sign).
    let text_length = node
        .attribute("textLength")
        .and_then(parse_len)
        .filter(|w| *w > 0.0 && xs.len() <= 1 && node.children().filter(|c| !c.is_comment()).count() == 1);
    for child in node.children() {
        if child.is_text() {
            let raw = child.text().unwrap_or("");
            let text: String = if node.attribute(("http://www.w3.org/XML/1998/namespace", "space")) == Some("preserve")
            {
                raw.replace(['\n', '\t'], " ")
            } else {
                raw.split_whitespace().collect::<Vec<_>>().join(" ")
            };
            if text.trim().is_empty() {
                continue;
            }
            let text = if style.blackboard { crate::tex_fonts::double_struck(&text) } else { text };
            let fs = style.font_size;
            let natural: f64 = text.chars().map(|ch| advance(ch) * fs).sum();
            let stretch = match text_length {
                Some(w) if natural > 0.0 => w / natural,
                _ => 1.0,
            };
            let mut glyph_x = Vec::new();
            let mut x = cursor.0;
            for (i, ch) in text.chars().enumerate() {
                if let Some(&gx) = xs_left.get(i) {
                    x = gx;
                }
                glyph_x.push(x);
                x += advance(ch) * fs * stretch;
            }
            let new_chunk = out.is_empty() || !xs_left.is_empty() && xs_left.len() == xs.len();
            xs_left = xs_left.get(text.chars().count()..).unwrap_or(&[]);
            let start = glyph_x.first().copied().unwrap_or(cursor.0);
            // Positions as if start-anchored; `anchor_chunks` shifts whole chunks afterwards
            // (the anchor applies to a text chunk, not to each tspan).
            let (x_start, x_end) = (start, x);
            cursor.0 = x;
            out.push(TextRun {
                new_chunk,
                text,
                transform: Affine::IDENTITY,
                font_size: fs,
                anchor: style.anchor,
                baseline: cursor.1,
                glyph_x,
                x_start,
                x_end,
                fill: style.fill,
            });
        } else if child.is_element() && child.tag_name().name() == "tspan" {
            collect_text_runs(child, &style, cursor, out, b, depth + 1);
        }
    }
}

/// Advance width of a character in ems, for DejaVu Sans (matplotlib's default font).
///
/// Written by hand because only a handful of glyphs matter (digits, signs, suffixes) and no font
/// is installed: the estimate only centres a label; exact positions come from geometry.
pub fn advance(ch: char) -> f64 {
    match ch {
        '0'..='9' => 0.636,
        '.' | ',' => 0.3179,
        '-' => 0.361,
        '\u{2212}' | '+' | '=' | '×' => 0.838,
        ' ' => 0.3179,
        'e' => 0.615,
        'E' => 0.632,
        'B' => 0.686,
        'M' => 0.863,
        'K' => 0.656,
        'T' => 0.611,
        'k' => 0.579,
        '%' => 0.950,
        'i' | 'l' | 'j' => 0.278,
        'm' | 'w' => 0.974,
        c if c.is_uppercase() => 0.70,
        _ => 0.6,
    }
}

fn el_finite(el: &kurbo::PathEl) -> bool {
    use kurbo::PathEl::*;
    match el {
        MoveTo(p) | LineTo(p) => p.is_finite(),
        QuadTo(a, b) => a.is_finite() && b.is_finite(),
        CurveTo(a, b, c) => a.is_finite() && b.is_finite() && c.is_finite(),
        ClosePath => true,
    }
}

/// Geometry of a basic shape element in its own coordinates, or `None` when degenerate.
fn shape_path(node: roxmltree::Node) -> Option<BezPath> {
    let n = |name: &str| num_attr(node, name);
    let p = match node.tag_name().name() {
        "path" => {
            // SVG path data must open with a move-to (anything else is an error that draws
            // nothing); checking first also keeps kurbo's parser away from a close-path with no
            // current point.
            let d = node.attribute("d")?.trim_start_matches(|c: char| c.is_ascii_whitespace());
            if !d.starts_with(['M', 'm']) {
                return None;
            }
            BezPath::from_svg(d).ok()?
        }
        "rect" => {
            let (w, h) = (n("width")?, n("height")?);
            if !(w > 0.0 && h > 0.0) {
                return None;
            }
            let (x, y) = (n("x").unwrap_or(0.0), n("y").unwrap_or(0.0));
            let rx = n("rx").or(n("ry")).unwrap_or(0.0).min(w / 2.0);
            let ry = n("ry").or(n("rx")).unwrap_or(0.0).min(h / 2.0);
            if rx > 0.0 || ry > 0.0 {
                kurbo::RoundedRect::new(x, y, x + w, y + h, rx.max(ry)).to_path(1e-3)
            } else {
                Rect::new(x, y, x + w, y + h).to_path(1e-3)
            }
        }
        "circle" => {
            let r = n("r")?;
            if !(r > 0.0) {
                return None;
            }
            kurbo::Circle::new((n("cx").unwrap_or(0.0), n("cy").unwrap_or(0.0)), r).to_path(1e-4)
        }
        "ellipse" => {
            let (rx, ry) = (n("rx")?, n("ry")?);
            if !(rx > 0.0 && ry > 0.0) {
                return None;
            }
            kurbo::Ellipse::new((n("cx").unwrap_or(0.0), n("cy").unwrap_or(0.0)), (rx, ry), 0.0).to_path(1e-4)
        }
        "line" => {
            let mut p = BezPath::new();
            p.move_to((n("x1").unwrap_or(0.0), n("y1").unwrap_or(0.0)));
            p.line_to((n("x2").unwrap_or(0.0), n("y2").unwrap_or(0.0)));
            p
        }
        name @ ("polyline" | "polygon") => {
            let pts: Vec<f64> =
                svgtypes::NumberListParser::from(node.attribute("points")?).filter_map(Result::ok).collect();
            if pts.len() < 4 {
                return None;
            }
            let mut p = BezPath::new();
            for (i, c) in pts.chunks_exact(2).enumerate() {
                if i == 0 {
                    p.move_to((c[0], c[1]));
                } else {
                    p.line_to((c[0], c[1]));
                }
            }
            if name == "polygon" {
                p.close_path();
            }
            p
        }
        _ => return None,
    };
    well_formed(p).filter(|p| !p.elements().is_empty())
}

/// SVG lets a segment follow `Z` directly (it starts at the closed subpath's start); kurbo needs
/// an explicit move-to there, and panics on a segment with no current point. Insert the move-to,
/// and refuse a path that does not start with one.
fn well_formed(p: BezPath) -> Option<BezPath> {
    use kurbo::PathEl::*;
    let mut out = BezPath::new();
    let mut start: Option<Point> = None;
    let mut need_move = true;
    for el in p.elements() {
        match el {
            MoveTo(q) => {
                start = Some(*q);
                need_move = false;
                out.push(*el);
                continue;
            }
            ClosePath => {
                if !need_move {
                    out.push(*el);
                }
                need_move = true;
                continue;
            }
            _ => {}
        }
        if need_move {
            out.push(MoveTo(start?));
            need_move = false;
        }
        out.push(*el);
    }
    Some(out)
}

fn num_attr(node: roxmltree::Node, name: &str) -> Option<f64> {
    node.attribute(name).and_then(parse_len).filter(|v| v.is_finite())
}

/// Largest own scale of a path drawn in font design units (1000 or 2048 per em): a glyph at
/// 20 pt or less. Default: 1/50.
const FONT_UNIT_SCALE: f64 = 1.0 / 50.0;
/// Smallest extent, in its own units, of a path drawn in font design units. Default: 100.
const FONT_UNIT_EXTENT: f64 = 100.0;

/// A glyph outline written as a path in font design units: MuPDF draws glyphs that have no text
/// form (a symbol font's β) as paths with their own `matrix(s,0,0,-s,x,y)`, s = font size per
/// 1000 or 2048 units, y flipped as in the font. Markers are drawn in page units instead.
fn font_unit_outline(node: roxmltree::Node, local: &BezPath) -> bool {
    let Some(t) = node.attribute("transform").and_then(|t| svgtypes::Transform::from_str(t).ok()) else {
        return false;
    };
    let b = local.bounding_box();
    let flipped = t.a > 0.0 && t.d < 0.0 && t.b == 0.0 && t.c == 0.0;
    flipped && t.a <= FONT_UNIT_SCALE && b.width().max(b.height()) >= FONT_UNIT_EXTENT
}

/// A Vega axis group: a `<g>` translated by half-odd units on both axes whose first child is
/// Vega's empty group background (`M0,0h0v0h0Z`); see the half-pixel note where it is used.
fn vega_axis_group(node: roxmltree::Node) -> bool {
    let half = |v: f64| (v.abs().fract() - 0.5).abs() < 1e-12;
    let shifted = node.tag_name().name() == "g"
        && node
            .attribute("transform")
            .and_then(|t| svgtypes::Transform::from_str(t).ok())
            .is_some_and(|t| t.a == 1.0 && t.b == 0.0 && t.c == 0.0 && t.d == 1.0 && half(t.e) && half(t.f));
    shifted
        && node.children().find(|c| c.is_element()).is_some_and(|c| {
            c.tag_name().name() == "path" && c.attribute("d").is_some_and(|d| d.trim() == "M0,0h0v0h0Z")
        })
}

/// A text position list (`x`, `y`, `dx`, `dy`): numbers, or lengths in `em` of the element's
/// font size (d3 and Observable Plot place labels with `y="0.32em"` and `dy="0.71em"`).
fn text_lengths(node: roxmltree::Node, name: &str, em: f64) -> Vec<f64> {
    let Some(s) = node.attribute(name) else { return Vec::new() };
    svgtypes::LengthListParser::from(s)
        .filter_map(Result::ok)
        .map(|l| match l.unit {
            svgtypes::LengthUnit::Em => l.number * em,
            _ => l.number,
        })
        .filter(|v| v.is_finite())
        .collect()
}

fn num_list(node: roxmltree::Node, name: &str) -> Vec<f64> {
    node.attribute(name)
        .map(|s| svgtypes::NumberListParser::from(s).filter_map(Result::ok).filter(|v| v.is_finite()).collect())
        .unwrap_or_default()
}

fn parse_len(s: &str) -> Option<f64> {
    let l = svgtypes::Length::from_str(s.trim()).ok()?;
    // A percentage needs the viewport it refers to; such lengths (svglite's full-page background
    // rect) are left out rather than read as user units.
    if l.unit == svgtypes::LengthUnit::Percent {
        return None;
    }
    // Units other than user units/px are converted at CSS's 96 dpi.
    let f = match l.unit {
        svgtypes::LengthUnit::Pt => 4.0 / 3.0,
        svgtypes::LengthUnit::In => 96.0,
        svgtypes::LengthUnit::Cm => 96.0 / 2.54,
        svgtypes::LengthUnit::Mm => 96.0 / 25.4,
        svgtypes::LengthUnit::Pc => 16.0,
        _ => 1.0,
    };
    let v = l.number * f;
    v.is_finite().then_some(v)
}

fn parse_opacity(s: &str) -> Option<f64> {
    let s = s.trim();
    let v = if let Some(p) = s.strip_suffix('%') { p.parse::<f64>().ok()? / 100.0 } else { s.parse::<f64>().ok()? };
    v.is_finite().then_some(v.clamp(0.0, 1.0))
}

fn parse_paint(v: &str, current: [u8; 3], inherited: Option<Paint>) -> Option<Paint> {
    match svgtypes::Paint::from_str(v.trim()) {
        Ok(svgtypes::Paint::None) => None,
        Ok(svgtypes::Paint::Inherit) => inherited,
        Ok(svgtypes::Paint::CurrentColor) => Some(Paint { rgb: current, alpha: 1.0 }),
        Ok(svgtypes::Paint::Color(c)) => {
            Some(Paint { rgb: [c.red, c.green, c.blue], alpha: f64::from(c.alpha) / 255.0 })
        }
        // Gradients and patterns have no single colour; keep a neutral grey so the shape still counts as filled.
        Ok(_) => Some(Paint { rgb: [128, 128, 128], alpha: 1.0 }),
        Err(_) => inherited,
    }
}

/// A value from the element's `style` attribute.
fn style_value<'n>(node: roxmltree::Node<'n, '_>, name: &str) -> Option<&'n str> {
    let style = node.attribute("style")?;
    style.split(';').find_map(|decl| {
        let (k, v) = decl.split_once(':')?;
        (k.trim() == name).then_some(v.trim())
    })
}

/// Escape text for XML and HTML attribute values and content.
pub(crate) fn xml_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn url_id(s: &str) -> Option<&str> {
    let s = s.trim().strip_prefix("url(")?.strip_suffix(')')?.trim();
    let s = s.trim_matches(|c| c == '"' || c == '\'');
    s.strip_prefix('#')
}

#[cfg(test)]
mod tests {
    /// A figure of a million markers holds a million items: their size is most of its memory.
    #[test]
    fn items_stay_small() {
        let item = std::mem::size_of::<super::Item>();
        eprintln!("Item: {item} bytes");
        assert!(item <= 256, "Item is {item} bytes");
    }

    use super::*;

    fn scene(s: &str) -> Scene {
        parse_scene(s.as_bytes(), &SceneOptions::default()).expect("parses")
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs()))
    }

    #[test]
    fn text_length_sets_where_a_run_ends() {
        // svglite states each text's drawn width; a narrow symbol-font minus ends at 1.54, not at
        // the estimated advance of a DejaVu minus (0.838 em).
        let s = scene(
            "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 100'><text x='29.72' y='50' style='font-size: 6.16px;' textLength='1.54px'>\u{2212}</text><text x='10' y='60' style='font-size: 10px;'>12</text></svg>",
        );
        let runs: Vec<&TextRun> =
            s.items.iter().filter_map(|it| if let ItemKind::Text(t) = &it.kind { Some(t) } else { None }).collect();
        assert!(close(runs[0].x_end, 29.72 + 1.54), "{}", runs[0].x_end);
        assert!(close(runs[1].x_end, 10.0 + 2.0 * 0.636 * 10.0), "{}", runs[1].x_end);
    }

    #[test]
    fn style_sheet_rules_sit_between_attributes_and_the_style_attribute() {
        // svglite's sheet: `.svglite circle { fill: none; stroke: #000000; }`. A presentation
        // attribute loses to the sheet, the style attribute wins over it, the more specific
        // selector wins over the less specific one.
        let s = scene(
            "<svg xmlns='http://www.w3.org/2000/svg' class='k' viewBox='0 0 100 100'><style type='text/css'><![CDATA[\n .k circle { fill: none; stroke: #000000; } circle#b { stroke: #00ff00; }\n]]></style><circle cx='5' cy='5' r='1' fill='#ff0000'/><circle id='b' cx='9' cy='5' r='1'/><circle cx='15' cy='5' r='1' style='fill: #0000ff'/></svg>",
        );
        let paints: Vec<(Option<String>, Option<String>)> = s
            .items
            .iter()
            .filter_map(|it| match &it.kind {
                ItemKind::Shape(sh) => Some((sh.fill.map(|p| p.hex()), sh.stroke.map(|p| p.hex()))),
                _ => None,
            })
            .collect();
        let want = [
            (None, Some("#000000".to_string())),
            (None, Some("#00ff00".to_string())),
            (Some("#0000ff".to_string()), Some("#000000".to_string())),
        ];
        assert_eq!(paints, want);
    }

    #[test]
    fn nested_transforms_compose_in_f64() {
        let s = scene(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><g transform="translate(10.5,20.25) scale(2)"><g transform="matrix(1,0,0,-1,0.125,3)"><circle cx="1.0000001" cy="2" r="0.5"/></g></g></svg>"#,
        );
        let ItemKind::Shape(sh) = &s.items[0].kind else { panic!("shape") };
        let c = sh.path.bounding_box().center();
        // Computed the other way: apply each transform by hand.
        let (x, y) = (1.0000001 + 0.125, -2.0 + 3.0);
        assert!(close(c.x, 10.5 + 2.0 * x), "{}", c.x);
        assert!(close(c.y, 20.25 + 2.0 * y), "{}", c.y);
    }

    #[test]
    fn use_expands_with_offset_and_rotation() {
        let s = scene(
            r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><defs><path id="m" d="M-1 -1H1V1H-1Z"/></defs><g transform="rotate(90)"><use xlink:href="#m" x="5" y="0"/></g></svg>"##,
        );
        assert_eq!(s.items.len(), 1);
        let ItemKind::Shape(sh) = &s.items[0].kind else { panic!("shape") };
        let c = sh.path.bounding_box().center();
        assert!((c.x - 0.0).abs() < 1e-12 && (c.y - 5.0).abs() < 1e-12, "{c:?}");
        assert!(s.items[0].source.contains("->#m"));
    }

    #[test]
    fn hostile_inputs_fail_cleanly() {
        let o = SceneOptions::default();
        assert!(matches!(parse_scene(b"", &o), Err(SceneError::Empty)));
        assert!(matches!(parse_scene(b"<svg", &o), Err(SceneError::Xml(_))));
        assert!(matches!(parse_scene(b"<html/>", &o), Err(SceneError::NotSvg(_))));
        assert!(matches!(parse_scene(b"<svg>\0</svg>", &o), Err(SceneError::NulByte(_))));
        assert!(matches!(parse_scene(&[0x3c, 0xff, 0xfe], &o), Err(SceneError::NotUtf8(_))));
        let lol = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&lol9;</text></svg>"#;
        assert!(matches!(parse_scene(lol.as_bytes(), &o), Err(SceneError::Xml(_))));
        let ext = r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>"#;
        assert!(matches!(parse_scene(ext.as_bytes(), &o), Err(SceneError::Xml(_))));
    }

    #[test]
    fn segment_after_close_path_starts_at_the_subpath_start() {
        // Found by fuzzing: kurbo panics on a segment right after Z without a move-to, and on a
        // polygon with no points (a lone close-path).
        let s = scene(
            r#"<svg xmlns="http://www.w3.org/2000/svg"><path d="M1 1L3 1L3 3ZL5 5"/><path d="ZL1 1"/><polygon points=""/><polygon points="1"/></svg>"#,
        );
        assert_eq!(s.items.len(), 1);
        let ItemKind::Shape(sh) = &s.items[0].kind else { panic!("shape") };
        let b = sh.path.bounding_box();
        assert_eq!((b.x0, b.y0, b.x1, b.y1), (1.0, 1.0, 5.0, 5.0));
    }

    #[test]
    fn singular_transform_skips_element_with_warning() {
        let s = scene(
            r#"<svg xmlns="http://www.w3.org/2000/svg"><rect transform="scale(0)" width="1" height="1"/><rect width="2" height="2"/></svg>"#,
        );
        assert_eq!(s.items.len(), 1);
        assert!(s.warnings.iter().any(|w| w.contains("singular")));
    }

    #[test]
    fn text_runs_keep_glyph_positions_and_sizes() {
        let s = scene(
            r#"<svg xmlns="http://www.w3.org/2000/svg"><text transform="matrix(1 0 -0 1 65.35625 389.8964)" font-size="11.55"><tspan y="-6.425" x="21.153653 28.502114">18</tspan></text></svg>"#,
        );
        let ItemKind::Text(t) = &s.items[0].kind else { panic!("text") };
        assert_eq!(t.text, "18");
        assert_eq!(t.glyph_x, vec![21.153653, 28.502114]);
        assert!(close(t.baseline, -6.425));
        assert!(close(t.font_size_root(), 11.55));
        let p = t.point(21.153653, 0.0);
        assert!(close(p.x, 65.35625 + 21.153653) && close(p.y, 389.8964 - 6.425));
    }
}
