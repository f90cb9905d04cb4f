//! When demo work happens: receptions and officers' actions follow the
//! working calendar (weekends, holidays and the official swapped days of
//! `reference/calendar/official-days-vn.csv`) and the province's office
//! windows (`reference/calendar/office-hours.toml`, 07:30–11:30 and
//! 13:00–17:00 by default), in Vietnam time.
//!
//! A share of the work, `after_hours_share` (`motcua demo seed
//! --after-hours-share`, 0.08 by default), falls outside office time: half
//! of it in the evening of a working day (from the close of the office day
//! until at most 21:30), half in the daytime of a weekend or holiday (the
//! same office windows, on a non-working day). Nothing is placed between
//! 22:00 and 06:00. Online filings by citizens come at any time from 06:00
//! to 22:00, any day; the officer's reception of them follows office time.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Timelike, Utc};
use motcua_domain::calendar::{OfficeHours, WorkingCalendar};
use motcua_domain::clock::{from_local, to_local};

use super::demo_walk::Rng;

/// The latest minute of an evening's work (21:30).
const EVENING_END: u32 = 21 * 60 + 30;
/// Citizens file online between these minutes of the day (06:00–22:00).
const CITIZEN_DAY: (u32, u32) = (6 * 60, 22 * 60);

/// The demo's model of office time.
#[derive(Clone)]
pub struct WorkTime {
    cal: WorkingCalendar,
    hours: OfficeHours,
    /// Parts per million of work outside office time.
    outside_ppm: u64,
}

fn minute_of(t: NaiveTime) -> u32 {
    t.hour() * 60 + t.minute()
}

fn at_minute(day: NaiveDate, minute: u32) -> DateTime<Utc> {
    let t = NaiveTime::from_hms_opt(minute / 60, minute % 60, 0).unwrap_or(NaiveTime::MIN);
    from_local(day.and_time(t))
}

fn next_day(day: NaiveDate) -> NaiveDate {
    day.checked_add_days(Days::new(1)).unwrap_or(day)
}

impl WorkTime {
    /// Over the calendar, the province's office hours and the share of work
    /// outside office time (clamped to `0..=1`).
    pub fn new(cal: WorkingCalendar, province: Option<&str>, after_hours_share: f64) -> Self {
        let hours = cal.office_hours(province).clone();
        let share = if after_hours_share.is_finite() {
            after_hours_share.clamp(0.0, 1.0)
        } else {
            0.0
        };
        Self {
            cal,
            hours,
            outside_ppm: (share * 1_000_000.0).round() as u64,
        }
    }

    /// The working calendar.
    pub fn calendar(&self) -> &WorkingCalendar {
        &self.cal
    }

    fn working(&self, day: NaiveDate) -> bool {
        self.cal.is_working_day(day).unwrap_or(true)
    }

    fn windows(&self) -> Vec<(u32, u32)> {
        self.hours
            .windows()
            .iter()
            .map(|w| (minute_of(w.start), minute_of(w.end)))
            .collect()
    }

    /// A uniformly drawn minute inside the office windows.
    fn office_minute(&self, rng: &mut Rng) -> u32 {
        let windows = self.windows();
        let total: u32 = windows.iter().map(|(s, e)| e - s).sum();
        let mut k = rng.below(u64::from(total.max(1))) as u32;
        for (s, e) in windows {
            if k < e - s {
                return s + k;
            }
            k -= e - s;
        }
        minute_of(self.hours.opens())
    }

    fn evening_minute(&self, rng: &mut Rng) -> u32 {
        let close = minute_of(self.hours.closes());
        let span = EVENING_END.saturating_sub(close).max(1);
        close + rng.below(u64::from(span)) as u32
    }

    /// Whether this piece of work falls outside office time.
    fn outside(&self, rng: &mut Rng) -> bool {
        rng.below(1_000_000) < self.outside_ppm
    }

    /// A reception instant on one of the `days` local days before `today`
    /// (never `today`, so never after now).
    pub fn reception(&self, rng: &mut Rng, today: NaiveDate, days: u64) -> DateTime<Utc> {
        let pick = |rng: &mut Rng, want_working: bool| -> NaiveDate {
            // Rejection sampling over the span; falls back to any day.
            let mut last = today;
            for _ in 0..64 {
                let back = 1 + rng.below(days.max(1));
                let day = today.checked_sub_days(Days::new(back)).unwrap_or(today);
                last = day;
                if self.working(day) == want_working {
                    return day;
                }
            }
            last
        };
        if self.outside(rng) {
            if rng.chance(50) {
                let day = pick(rng, true);
                at_minute(day, self.evening_minute(rng))
            } else {
                let day = pick(rng, false);
                at_minute(day, self.office_minute(rng))
            }
        } else {
            let day = pick(rng, true);
            at_minute(day, self.office_minute(rng))
        }
    }

    /// A citizen's online filing: 06:00–22:00 on any of the `days` local
    /// days before `today`.
    pub fn citizen_filing(&self, rng: &mut Rng, today: NaiveDate, days: u64) -> DateTime<Utc> {
        let back = 1 + rng.below(days.max(1));
        let day = today.checked_sub_days(Days::new(back)).unwrap_or(today);
        let (s, e) = CITIZEN_DAY;
        at_minute(day, s + rng.below(u64::from(e - s)) as u32)
    }

    /// `minutes` of office time after `at` on working days (the legal
    /// clock's working time): the instant the work is done.
    pub fn add_office_minutes(&self, at: DateTime<Utc>, minutes: u32) -> DateTime<Utc> {
        let local = to_local(at);
        let (mut day, mut from) = (local.date(), minute_of(local.time()));
        let mut left = minutes;
        // Tết and its swapped days are at most a couple of weeks.
        for _ in 0..400 {
            if self.working(day) {
                for (s, e) in self.windows() {
                    if from >= e {
                        continue;
                    }
                    let start = from.max(s);
                    // A window's end is outside it (the workload counts
                    // 17:00 as after hours): land inside or roll over.
                    if left < e - start {
                        return at_minute(day, start + left);
                    }
                    left -= e - start;
                    from = e;
                }
            }
            day = next_day(day);
            from = 0;
        }
        at
    }

    /// The instant of an officer's next action on a dossier whose last
    /// event was at `after`: some office time later (minutes to a few
    /// working days), or with the after-hours share in an evening or on a
    /// non-working day after it.
    pub fn next_action(&self, rng: &mut Rng, after: DateTime<Utc>) -> DateTime<Utc> {
        let minutes = match rng.below(100) {
            0..=49 => 10 + rng.below(110),
            50..=84 => 120 + rng.below(480),
            _ => 600 + rng.below(4 * 450),
        } as u32;
        let done = self.add_office_minutes(after, minutes);
        if !self.outside(rng) {
            return done;
        }
        let local = to_local(after);
        let mut day = local.date();
        if rng.chance(50) {
            // The evening of the first working day whose evening is still ahead.
            for _ in 0..60 {
                if self.working(day) {
                    let at = at_minute(day, self.evening_minute(rng));
                    if at > after {
                        return at;
                    }
                }
                day = next_day(day);
            }
        } else {
            // The daytime of the first non-working day after `after`'s day.
            day = next_day(day);
            for _ in 0..60 {
                if !self.working(day) {
                    return at_minute(day, self.office_minute(rng));
                }
                day = next_day(day);
            }
        }
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_domain::staff::workload::{TimeKind, time_kind};

    fn model(share: f64) -> WorkTime {
        WorkTime::new(WorkingCalendar::vietnam().unwrap(), None, share)
    }

    #[test]
    fn office_minutes_skip_lunch_nights_and_weekends() {
        let w = model(0.0);
        // Friday 5 December 2025, 11:00 local; 60 office minutes: 30 before
        // lunch, 30 after (13:00 + 30).
        let fri = NaiveDate::from_ymd_opt(2025, 12, 5).unwrap();
        let at = at_minute(fri, 11 * 60);
        assert_eq!(w.add_office_minutes(at, 60), at_minute(fri, 13 * 60 + 30));
        // 16:30 + 60 → Monday 8 December, 08:00.
        let mon = NaiveDate::from_ymd_opt(2025, 12, 8).unwrap();
        assert_eq!(
            w.add_office_minutes(at_minute(fri, 16 * 60 + 30), 60),
            at_minute(mon, 8 * 60)
        );
    }

    #[test]
    fn the_share_outside_office_time_follows_the_setting() {
        let today = NaiveDate::from_ymd_opt(2025, 12, 20).unwrap();
        for share in [0.0, 0.08, 0.3] {
            let w = model(share);
            let (mut outside, mut weekend, mut night) = (0, 0, 0);
            let n = 20_000;
            let mut rng = Rng::new(7);
            for i in 0..n {
                let at = if i % 2 == 0 {
                    w.reception(&mut rng, today, 60)
                } else {
                    let r = w.reception(&mut rng, today, 60);
                    w.next_action(&mut rng, r)
                };
                let hour = to_local(at).hour();
                if !(6..22).contains(&hour) {
                    night += 1;
                }
                match time_kind(w.calendar(), &w.hours, at) {
                    TimeKind::Office => {}
                    TimeKind::AfterHours => outside += 1,
                    TimeKind::NonWorkingDay => {
                        outside += 1;
                        weekend += 1;
                    }
                }
            }
            let f = |k: i32| f64::from(k) / f64::from(n);
            assert_eq!(night, 0, "share {share}");
            assert!((f(outside) - share).abs() < 0.01, "{share}: {}", f(outside));
            assert!(
                (f(weekend) - share / 2.0).abs() < 0.01,
                "{share}: {}",
                f(weekend)
            );
        }
    }
}
