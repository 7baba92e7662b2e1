//! Cells of files that people open in spreadsheets. A cell that begins with
//! `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by
//! Excel and LibreOffice, so an exported name such as `=HYPERLINK(...)`
//! could run; such cells get a leading apostrophe, which shows as text.

/// True when a spreadsheet would read `value` as a formula.
pub fn starts_like_formula(value: &str) -> bool {
    matches!(
        value.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    )
}

/// The cell as it is safe to write in a text file (CSV).
pub fn safe_cell(value: &str) -> std::borrow::Cow<'_, str> {
    if starts_like_formula(value) {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        for formula in ["=1+1", "+84909", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(safe_cell(formula), format!("'{formula}"));
        }
        assert_eq!(safe_cell("Nguyễn Văn A"), "Nguyễn Văn A");
        assert_eq!(safe_cell(""), "");
    }
}
