//! Elements the scene leaves out because their numbers are unusable: a typed warning each, so
//! none vanishes silently and callers can count, print or serialise them.

use serde::Serialize;

/// Most skipped elements kept per figure (all are counted): a hostile file could hold millions,
/// and beyond a thousand more examples tell a reader nothing new.
pub const MAX_SKIPPED_KEPT: usize = 1000;

/// An element skipped for bad numbers, with the element's source path (`/svg/g[2]/circle[3]`).
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SkippedElement {
    /// A geometry attribute (`x`, `cx`, `width`, …) written as NaN, infinity or a number too
    /// large for f64.
    #[error("{path}: {attribute}=\"{value}\" is not a finite number: element skipped")]
    NonFiniteAttribute { path: String, attribute: &'static str, value: String },
    /// Path or shape coordinates that are not finite.
    #[error("{path}: non-finite coordinates: element skipped")]
    NonFiniteCoordinates { path: String },
    /// A transform that is singular (flattens the element) or not finite.
    #[error("{path}: singular or non-finite transform '{transform}': element skipped")]
    SingularTransform { path: String, transform: String },
    /// A transform that cannot be parsed.
    #[error("{path}: unparsable transform '{transform}' ({reason}): element skipped")]
    UnparsableTransform { path: String, transform: String, reason: String },
    /// Path data that cannot be parsed.
    #[error("{path}: unparsable path data skipped")]
    UnparsablePath { path: String },
}

/// Geometry attributes checked for non-finite numbers before an element is drawn.
const GEOMETRY: &[&str] = &["x", "y", "width", "height", "cx", "cy", "r", "rx", "ry", "x1", "y1", "x2", "y2"];

/// The first geometry attribute of `node` written as a number that is not finite ("NaN", "inf",
/// "1e400"); keywords and percentages (`auto`, `50%`) are not numbers and are not flagged.
pub fn non_finite_attribute<'n>(node: roxmltree::Node<'n, '_>) -> Option<(&'static str, &'n str)> {
    GEOMETRY.iter().find_map(|&a| {
        let v = node.attribute(a)?;
        let t = v.trim().trim_start_matches(['+', '-']).to_ascii_lowercase();
        let named = t.starts_with("nan") || t.starts_with("inf");
        let overflow = v.trim().parse::<f64>().is_ok_and(|n| !n.is_finite());
        (named || overflow).then_some((a, v))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_inf_and_overflow_are_flagged_keywords_are_not() {
        let doc = roxmltree::Document::parse(
            r#"<svg><circle cx="NaN"/><rect width="-Infinity"/><circle r="1e400"/><rect width="auto" x="50%"/><circle cx="3"/></svg>"#,
        )
        .expect("xml");
        let got: Vec<_> = doc.root_element().children().map(non_finite_attribute).collect();
        assert_eq!(got, [Some(("cx", "NaN")), Some(("width", "-Infinity")), Some(("r", "1e400")), None, None]);
    }
}
