//! Numbers as tick labels write them.
//!
//! Contract: a label's text to its value, or `None` when it is not a number a tick label writes
//! (words, dates, "nan"). Pure text: no positions, no scene.

/// Unicode superscripts as a `^` exponent: "10⁻³" is "10^-3", "×10⁴" is "×10^4".
pub(super) fn superscripts_to_caret(s: &str) -> String {
    const SUP: &str = "⁰¹²³⁴⁵⁶⁷⁸⁹";
    let mut out = String::with_capacity(s.len() + 2);
    let mut in_sup = false;
    for c in s.chars() {
        let ascii = match c {
            '⁻' => Some('-'),
            '⁺' => Some('+'),
            _ => SUP.chars().position(|d| d == c).map(|k| char::from(b'0' + k as u8)),
        };
        match ascii {
            Some(a) => {
                if !in_sup {
                    out.push('^');
                    in_sup = true;
                }
                out.push(a);
            }
            None => {
                in_sup = false;
                out.push(c);
            }
        }
    }
    out
}

/// Parse a tick label: "2.00", "6e+18", "−3", "1,000", "100M", "10^18", "10⁻³", "3.8×10^0",
/// "$10^{-1}$", a bare multiplier "×10^4" (a mantissa of 1), and matplotlib's logit labels
/// "$\\frac{1}{2}$" and "$1-10^{-2}$".
pub fn parse_number(s: &str) -> Option<f64> {
    // matplotlib's logit axes write "$\\frac{1}{2}$" and values near one as "$1-10^{-2}$".
    let s = &s.replace("\\frac{", "{").replace("}{", "/");
    let mut t: String = superscripts_to_caret(s)
        .replace("\\mathdefault", "")
        .replace("\\times", "×")
        .replace(['$', '{', '}', ' ', '\u{2009}', '\u{202f}'], "")
        .replace(['\u{2212}', '\u{2013}'], "-");
    if t.is_empty() {
        return None;
    }
    if let Some(p) = t.strip_suffix('%') {
        t = p.to_string();
    }
    if let Some((m, e)) = t.split_once("×10^").or_else(|| t.split_once("x10^")).or_else(|| t.split_once("·10^")) {
        // A bare multiplier ("×10^4", written beside an axis) has an implicit mantissa of 1.
        let m = if m.is_empty() { 1.0 } else { num(m)? };
        return Some(m * 10f64.powf(num(e)?)).filter(|v| v.is_finite());
    }
    if let Some(rest) = t.strip_prefix("1-").filter(|r| r.contains('^')) {
        return parse_number(rest).map(|v| 1.0 - v);
    }
    if let Some((a, b)) = t.split_once('/') {
        return Some(num(a)? / num(b)?).filter(|v| v.is_finite());
    }
    if let Some((b, e)) = t.split_once('^') {
        return Some(num(b)?.powf(num(e)?)).filter(|v| v.is_finite());
    }
    let (body, mult) = match t.chars().last()? {
        'K' | 'k' => (&t[..t.len() - 1], 1e3),
        'M' => (&t[..t.len() - 1], 1e6),
        'B' | 'G' => (&t[..t.len() - 1], 1e9),
        'T' => (&t[..t.len() - 1], 1e12),
        _ => (t.as_str(), 1.0),
    };
    let body = if body.contains(',') && !body.contains('.') && body.split(',').skip(1).all(|g| g.len() == 3) {
        body.replace(',', "")
    } else {
        body.to_string()
    };
    Some(num(&body)? * mult).filter(|v| v.is_finite())
}

fn num(s: &str) -> Option<f64> {
    let s = s.trim();
    // Only plain decimal numbers: "inf", "nan" and hex are not tick labels.
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')) {
        return None;
    }
    if !s.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tick_label_forms() {
        let cases = [
            ("$\\mathdefault{\\frac{1}{2}}$", 0.5),
            ("$\\mathdefault{1-10^{-2}}$", 0.99),
            ("2.00", 2.0),
            ("6e+18", 6e18),
            ("\u{2212}3", -3.0),
            ("1,000", 1000.0),
            ("100M", 1e8),
            ("40B", 4e10),
            ("10^18", 1e18),
            ("3.8×10^0", 3.8),
            ("×10^4", 1e4),
            ("$\\mathdefault{10^{-1}}$", 0.1),
            ("0.5", 0.5),
            ("10\u{207b}\u{b3}", 1e-3),
            ("\u{d7}10\u{2074}", 1e4),
            ("\u{d7}10^4", 1e4),
            ("2\u{d7}10\u{2075}", 2e5),
        ];
        for (s, v) in cases {
            let got = parse_number(s).unwrap_or(f64::NAN);
            assert!((got - v).abs() <= 1e-12 * v.abs(), "{s}: {got} != {v}");
        }
        for s in ["Loss", "IsoFLOPs", "nan", "inf", "", "Gopher", "e", "\u{d7}", "\u{b2}"] {
            assert_eq!(parse_number(s), None, "{s}");
        }
    }
}
