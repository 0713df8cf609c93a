//! `points.csv` as columns: one vector per column, for data frames (the Python package) without
//! formatting and re-parsing text. Row order and values are those of [`crate::points_csv`]:
//! markers first, then each line series' vertices; an empty cell is NaN (numbers) or `""`.

use crate::extract::Extraction;

/// The columns of [`crate::POINTS_COLUMNS`], row for row. `line`, `piece` and `index` are NaN
/// on marker rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PointColumns<'a> {
    pub panel: Vec<i64>,
    pub series: Vec<&'a str>,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub value: Vec<f64>,
    pub x_svg: Vec<f64>,
    pub y_svg: Vec<f64>,
    pub fill: Vec<&'a str>,
    pub source: Vec<&'a str>,
    pub value_halfwidth: Vec<f64>,
    pub y2: Vec<f64>,
    pub mark: Vec<&'static str>,
    pub line: Vec<f64>,
    pub piece: Vec<f64>,
    pub index: Vec<f64>,
    pub flags: Vec<&'static str>,
    pub x_lo: Vec<f64>,
    pub x_hi: Vec<f64>,
    pub y_lo: Vec<f64>,
    pub y_hi: Vec<f64>,
}

fn nan(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

impl<'a> PointColumns<'a> {
    /// Rows in each column.
    pub fn len(&self) -> usize {
        self.panel.len()
    }
    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.panel.is_empty()
    }
    fn push_markers(&mut self, ex: &'a Extraction) {
        for p in &ex.points {
            self.panel.push(p.panel as i64);
            self.series.push(p.series.as_deref().unwrap_or(""));
            self.x.push(nan(p.x));
            self.y.push(nan(p.y));
            self.value.push(nan(p.value));
            self.x_svg.push(p.x_svg);
            self.y_svg.push(p.y_svg);
            self.fill.push(&p.fill);
            self.source.push(&p.source);
            self.value_halfwidth.push(nan(p.value_halfwidth));
            self.y2.push(nan(p.y2));
            self.mark.push("marker");
            self.line.push(f64::NAN);
            self.piece.push(f64::NAN);
            self.index.push(f64::NAN);
            self.flags.push(if p.bar_clipped { "bar_clipped" } else { "" });
            self.x_lo.push(nan(p.x_lo));
            self.x_hi.push(nan(p.x_hi));
            self.y_lo.push(nan(p.y_lo));
            self.y_hi.push(nan(p.y_hi));
        }
    }
    fn push_vertices(&mut self, ex: &'a Extraction) {
        for (line, s) in ex.series.iter().enumerate() {
            let Some(p) = ex.panels.get(s.panel) else { continue };
            let map = |a: &Option<crate::axes::Axis>, at: f64| a.as_ref().map_or(f64::NAN, |a| a.map.value(at));
            let mut index = 0usize;
            for (piece, vs) in s.pieces.iter().enumerate() {
                for v in vs {
                    self.panel.push(s.panel as i64);
                    self.series.push(s.name.as_deref().unwrap_or(""));
                    self.x.push(map(&p.x, v.at.x));
                    self.y.push(map(&p.y, v.at.y));
                    self.value.push(nan(s.value.map(|v| v.0)));
                    self.x_svg.push(v.at.x);
                    self.y_svg.push(v.at.y);
                    self.fill.push(s.stroke.as_deref().unwrap_or(""));
                    self.source.push(&s.source);
                    self.value_halfwidth.push(nan(s.value.map(|v| v.1)));
                    self.y2.push(map(&p.y2, v.at.y));
                    self.mark.push(s.kind.mark());
                    self.line.push(line as f64);
                    self.piece.push(piece as f64);
                    self.index.push(index as f64);
                    self.flags.push(match (v.curved, v.outside) {
                        (false, false) => "",
                        (true, false) => "curved",
                        (false, true) => "outside",
                        (true, true) => "curved;outside",
                    });
                    for c in [&mut self.x_lo, &mut self.x_hi, &mut self.y_lo, &mut self.y_hi] {
                        c.push(f64::NAN);
                    }
                    index += 1;
                }
            }
        }
    }
}

/// The rows of `points.csv` as columns (see [`PointColumns`]).
pub fn point_columns(ex: &Extraction) -> PointColumns<'_> {
    let mut c = PointColumns::default();
    c.push_markers(ex);
    c.push_vertices(ex);
    c
}
