//! The local calendar of Ho Chi Minh City, on which the status rules count days.
//!
//! `Asia/Ho_Chi_Minh` has been UTC+7 without daylight saving since 1975, so a fixed offset gives
//! the same answer as a time-zone database for every date the product handles, and spares the
//! domain a time-zone database that could change under it.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

/// Seconds east of UTC of the city's clock.
pub const LOCAL_OFFSET_SECONDS: i32 = 7 * 60 * 60;

/// The city's offset from UTC, UTC+7, fixed because the city observes no daylight saving.
pub const LOCAL_OFFSET: FixedOffset = match FixedOffset::east_opt(LOCAL_OFFSET_SECONDS) {
    Some(offset) => offset,
    // Evaluated at compile time: an out-of-range constant fails the build, never a request.
    None => panic!("the local offset must lie within one day"),
};

/// The instant shown on the city's clocks.
pub fn to_local(instant: DateTime<Utc>) -> DateTime<FixedOffset> {
    instant.with_timezone(&LOCAL_OFFSET)
}

/// The local calendar date on which `instant` falls.
pub fn local_date(instant: DateTime<Utc>) -> NaiveDate {
    to_local(instant).date_naive()
}

/// The instant at which `date` begins on the city's clocks: 00:00 local, 17:00 UTC the day before.
///
/// The earliest date chrono can represent has no instant seven hours before it; for that date
/// alone the earliest representable instant is returned.
pub fn start_of_local_day(date: NaiveDate) -> DateTime<Utc> {
    let local_midnight = date.and_time(NaiveTime::MIN);

    match LOCAL_OFFSET.from_local_datetime(&local_midnight).single() {
        Some(start) => start.with_timezone(&Utc),
        None => DateTime::<Utc>::MIN_UTC,
    }
}

/// The start of the hour in which `instant` falls, in whole seconds. The
/// city's offset is whole hours, so local and UTC hours start together.
pub fn start_of_hour(instant: DateTime<Utc>) -> DateTime<Utc> {
    let seconds = instant.timestamp();
    DateTime::from_timestamp(seconds - seconds.rem_euclid(3600), 0).unwrap_or(instant)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn the_offset_is_seven_hours_east() {
        assert_eq!(LOCAL_OFFSET.local_minus_utc(), 25_200);
    }

    #[test]
    fn the_local_day_turns_at_17_00_utc() {
        assert_eq!(local_date(utc("2021-10-14T16:59:59Z")), date("2021-10-14"));
        assert_eq!(local_date(utc("2021-10-14T17:00:00Z")), date("2021-10-15"));
    }

    #[test]
    fn utc_midnight_is_already_morning_locally() {
        assert_eq!(local_date(utc("2021-10-14T23:59:59Z")), date("2021-10-15"));
        assert_eq!(local_date(utc("2021-10-15T00:00:00Z")), date("2021-10-15"));
    }

    #[test]
    fn a_local_day_starts_at_17_00_utc_the_day_before() {
        assert_eq!(
            start_of_local_day(date("2021-10-15")),
            utc("2021-10-14T17:00:00Z")
        );
    }

    #[test]
    fn a_local_day_starting_in_the_previous_utc_year() {
        assert_eq!(
            start_of_local_day(date("2022-01-01")),
            utc("2021-12-31T17:00:00Z")
        );
    }

    #[test]
    fn the_start_of_a_local_day_falls_on_that_local_date() {
        let day = date("2021-10-01");

        assert_eq!(local_date(start_of_local_day(day)), day);
        assert_eq!(
            local_date(start_of_local_day(day) - chrono::TimeDelta::seconds(1)),
            date("2021-09-30")
        );
    }

    #[test]
    fn to_local_shows_the_city_clock() {
        let local = to_local(utc("2021-10-14T17:30:00Z"));

        assert_eq!(local.to_rfc3339(), "2021-10-15T00:30:00+07:00");
    }

    #[test]
    fn the_earliest_date_does_not_overflow() {
        assert_eq!(start_of_local_day(NaiveDate::MIN), DateTime::<Utc>::MIN_UTC);
    }

    #[test]
    fn hours_start_on_the_hour_in_whole_seconds() {
        assert_eq!(
            start_of_hour(utc("2021-10-20T03:59:59.999Z")),
            utc("2021-10-20T03:00:00Z")
        );
        assert_eq!(
            start_of_hour(utc("2021-10-20T04:00:00Z")),
            utc("2021-10-20T04:00:00Z")
        );
        assert_eq!(
            start_of_hour(utc("1969-12-31T23:30:00Z")),
            utc("1969-12-31T23:00:00Z")
        );
    }
}
