//! The input section of fit.md: which columns were read as what, what was derived, and every row
//! left out with its reason.

use super::report::InputInfo;
use std::fmt::Write;

/// Markdown for the input section (ends with a blank line).
pub fn input_markdown(i: &InputInfo) -> String {
    let mut s = String::new();
    let _ =
        writeln!(s, "Input: `{}`, {} rows read, {} left out ({}).\n", i.path, i.rows_read, i.rows_dropped, i.drop_rule);
    if !i.columns.is_empty() {
        let cols: Vec<String> =
            i.columns.iter().map(|c| format!("{} = `{}` ({})", c.role.key(), c.column, c.found.word())).collect();
        let _ = writeln!(s, "Columns: {}.\n", cols.join(", "));
    }
    for d in &i.derived {
        let _ = writeln!(s, "{} is not in the file: {} on {} rows.\n", d.role.key(), d.formula, d.rows);
    }
    if !i.dropped.is_empty() {
        let _ = writeln!(s, "| row | N | D | C | loss | why left out |");
        let _ = writeln!(s, "|---|---|---|---|---|---|");
        for d in &i.dropped {
            let v = d.values.map(|x| if x.is_finite() { format!("{x:.4e}") } else { "-".into() });
            let _ = writeln!(s, "| {} | {} | {} | {} | {} | {} |", d.row, v[0], v[1], v[2], v[3], d.reason);
        }
        s.push('\n');
    }
    s
}
