//! Limits checked while a figure is read, before memory is spent on it: counting helpers for
//! the scene's [`crate::SceneOptions`].

/// Whether path data `d` holds more than `cap` segments, counted (at most `cap + 1` of them)
/// without building any. A segment takes at least one byte (`z`), so data of at most `cap` bytes
/// is within it uncounted.
pub fn over_segments(d: &str, cap: usize) -> bool {
    if d.len() <= cap {
        return false;
    }
    // Counting stops at the first error, where the path parser would stop too.
    svgtypes::PathParser::from(d).take(cap.saturating_add(1)).take_while(Result::is_ok).count() > cap
}

/// The XML node limit for a file of `len` bytes: the fixed floor, or one node per
/// `bytes_per_node` bytes when the file is larger, so a large file of legitimate content is not
/// refused for its count, and a hostile file's nodes stay bounded by its size.
pub fn node_limit(len: usize, floor: u32, bytes_per_node: usize) -> u32 {
    let scaled = len / bytes_per_node.max(1);
    floor.max(u32::try_from(scaled).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_counted_just_past_the_cap() {
        assert!(!over_segments("M0 0L1 1", 100), "short data is within the cap uncounted");
        let long = format!("M0 0{}", "l1 1".repeat(1000));
        assert!(over_segments(&long, 1000));
        assert!(!over_segments(&long, 1001));
        let implicit = format!("M0 0L{}", "1 1 ".repeat(50));
        assert!(over_segments(&implicit, 50), "implicit repeated commands count");
        assert!(!over_segments(&implicit, 51));
    }

    #[test]
    fn node_limit_grows_with_the_file() {
        assert_eq!(node_limit(1000, 2_000_000, 8), 2_000_000);
        assert_eq!(node_limit(56 << 20, 2_000_000, 8), 7_340_032);
    }
}
