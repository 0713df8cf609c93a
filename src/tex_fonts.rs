//! TeX's font conventions that change what a character code means. The AMS blackboard-bold fonts
//! (`msbm5` to `msbm10`) draw the capitals A–Z as double-struck letters (`\mathbb{R}` is an "R"
//! in MSBM10), and a PDF of a TeX figure carries the plain letter: MuPDF's SVG writes
//! `font-family="MSBM7"` on a run of "R". Read through the font, the run is "ℝ".

/// Whether a font family is one of the AMS blackboard-bold fonts (MSBM at any design size, also
/// behind a PDF subset prefix such as "ABCDEF+MSBM10").
pub fn is_blackboard(family: &str) -> bool {
    family.split(',').any(|f| {
        let f = f.trim().trim_matches(['"', '\'']);
        let f = f.rsplit('+').next().unwrap_or(f);
        f.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("msbm"))
    })
}

/// The double-struck letters for the capitals of `text`; other characters are kept.
pub fn double_struck(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            // The letterlike block holds the seven capitals Unicode encoded first.
            'C' => 'ℂ',
            'H' => 'ℍ',
            'N' => 'ℕ',
            'P' => 'ℙ',
            'Q' => 'ℚ',
            'R' => 'ℝ',
            'Z' => 'ℤ',
            'A'..='Z' => char::from_u32(0x1D538 + (c as u32 - 'A' as u32)).unwrap_or(c),
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msbm_capitals_read_as_double_struck_letters() {
        assert!(is_blackboard("MSBM7"));
        assert!(is_blackboard("'ABCDEF+msbm10', serif"));
        assert!(!is_blackboard("CMR10"));
        assert_eq!(double_struck("RZAx1"), "ℝℤ𝔸x1");
    }
}
