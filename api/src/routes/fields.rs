//! Free-text request fields. Each is trimmed, kept to a length, and refused
//! when it holds control characters or bidirectional overrides: those never
//! belong in a name or an address, PostgreSQL cannot store a NUL, and an
//! override can make a printed card or a visitor list read differently
//! from what is stored.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::error::{ApiError, FieldErrors};

/// The first COVID-19 cases were reported in December 2019: no record or
/// question about the pandemic is older. Bounding every instant also keeps
/// absurd ones (year -262143) away from the databases, which differ in what
/// they can store.
pub fn pandemic_start() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2019, 12, 1)
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map_or(DateTime::<Utc>::MIN_UTC, |start| start.and_utc())
}

/// The latest instant a query may name.
pub fn far_future() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2100, 1, 1)
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map_or(DateTime::<Utc>::MAX_UTC, |end| end.and_utc())
}

/// Checks that `at` lies in `[pandemic_start, latest]`.
pub fn instant(at: DateTime<Utc>, latest: DateTime<Utc>, field: &str, errors: &mut FieldErrors) {
    if at < pandemic_start() {
        errors.push(
            field,
            "too_early",
            format!("{field} is before COVID-19 existed (December 2019)"),
        );
    } else if at > latest {
        errors.push(
            field,
            "too_late",
            format!("{field} is later than allowed here; check the date"),
        );
    }
}

/// The window of a list of visits: `until` defaults to now and `from` to
/// a day before it; both are real instants, `from` comes first, and the
/// window spans at most 93 days.
pub fn visit_window(
    from: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), ApiError> {
    let until = until.unwrap_or_else(Utc::now);
    let mut errors = FieldErrors::new();
    if let Some(from) = from {
        instant(from, far_future(), "from", &mut errors);
    }
    instant(until, far_future(), "until", &mut errors);
    errors.finish()?;
    // `until` is checked first: a day before the earliest instant would overflow.
    let from = from.unwrap_or(until - Duration::hours(24));
    if from >= until {
        return Err(ApiError::field(
            "from",
            "reversed_window",
            "from must be before until",
        ));
    }
    if until - from > Duration::days(93) {
        return Err(ApiError::field(
            "from",
            "window_too_long",
            "a window spans at most 93 days",
        ));
    }
    Ok((from, until))
}

/// True for characters no free-text field may hold.
fn forbidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

fn check(value: &str, field: &str, max: usize, errors: &mut FieldErrors) {
    if value.chars().any(forbidden) {
        errors.push(
            field,
            "forbidden_character",
            format!("{field} holds a control character; retype it"),
        );
    } else if value.chars().count() > max {
        errors.push(
            field,
            "too_long",
            format!("{field} has at most {max} characters"),
        );
    }
}

/// A field that may be absent; empty counts as absent.
pub fn optional(
    value: Option<String>,
    field: &str,
    max: usize,
    errors: &mut FieldErrors,
) -> Option<String> {
    let value = super::non_empty(value)?;
    check(&value, field, max, errors);
    Some(value)
}

/// A one-line field that must be given; runs of white space become one space.
pub fn required(value: &str, field: &str, max: usize, errors: &mut FieldErrors) -> String {
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if value.is_empty() {
        errors.push(field, "required", format!("{field} is required"));
    } else {
        check(&value, field, max, errors);
    }
    value
}

/// A machine-made token such as an idempotency key: visible ASCII only.
pub fn token(
    value: Option<String>,
    field: &str,
    max: usize,
    errors: &mut FieldErrors,
) -> Option<String> {
    let value = super::non_empty(value)?;
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        errors.push(
            field,
            "invalid_token",
            format!("{field} uses only visible ASCII characters, such as a UUID"),
        );
    } else if value.len() > max {
        errors.push(
            field,
            "too_long",
            format!("{field} has at most {max} characters"),
        );
    }
    Some(value)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn refuses_control_and_override_characters() {
        for bad in ["a\u{0}b", "line\nbreak", "\u{202E}gnp.exe", "tab\there"] {
            let mut errors = FieldErrors::new();
            optional(Some(bad.to_owned()), "note", 100, &mut errors);
            assert!(!errors.is_empty(), "{bad:?}");
        }
        let mut errors = FieldErrors::new();
        assert_eq!(
            optional(Some("  Trạm y tế  ".into()), "facility", 100, &mut errors).unwrap(),
            "Trạm y tế"
        );
        assert_eq!(
            required("  Cổng   chính ", "name", 100, &mut errors),
            "Cổng chính"
        );
        assert_eq!(
            token(Some("4f0c-1".into()), "key", 100, &mut errors).unwrap(),
            "4f0c-1"
        );
        assert!(errors.is_empty());
        token(Some("ключ".into()), "key", 100, &mut errors);
        required(" ", "name", 100, &mut errors);
        optional(Some("x".repeat(101)), "note", 100, &mut errors);
        assert!(errors.finish().is_err());
    }
}
