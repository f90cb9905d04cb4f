//! Local time of Vietnam: fixed UTC+7 (no daylight saving since 1975).

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};

const OFFSET_HOURS: i64 = 7;

/// The local (UTC+7) wall time of an instant.
pub fn to_local(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc() + Duration::hours(OFFSET_HOURS)
}

/// The instant of a local (UTC+7) wall time.
pub fn from_local(local: NaiveDateTime) -> DateTime<Utc> {
    (local - Duration::hours(OFFSET_HOURS)).and_utc()
}

/// The UTC bounds `[start, end)` of the Vietnam days `from` to `to`
/// inclusive: a reporting period given in local days.
pub fn local_days(from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = |d: NaiveDate| from_local(d.and_time(NaiveTime::MIN));
    (start(from), start(to.succ_opt().unwrap_or(to)))
}
