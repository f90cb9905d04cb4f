//! Workload measured from dossier events, and the shortage signal.
//!
//! **After hours.** An action (a dossier event by an officer) is *in office
//! hours* when its Vietnam-time minute falls in one of the province's office
//! windows on a working day; *after hours* when on a working day but outside
//! the windows; *on a non-working day* on a weekend or holiday of the
//! working calendar (the official schedules included), Saturday-morning
//! reception too.
//!
//! **Shortage signal.** For one expertise tag, each unit's workload is the
//! dossiers of the fields mapped to the tag (`reference/staff/expertise.toml`);
//! its people are the staff tagged with it who work there on the day. The
//! province's norm is the **median dossiers per tagged person** over the
//! units that have both; a unit "needs" `dossiers / norm` people and is
//! **short by** `needed − people`. A unit with work and nobody tagged is
//! short by at least one. Where nobody in the province is tagged, the norm
//! is unknown and every unit with work is short by one. The ranking is by
//! `short_by`, then dossiers.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Timelike, Utc};
use serde::Serialize;

use crate::calendar::{OfficeHours, WorkingCalendar};

/// When an action happened relative to office time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeKind {
    /// Inside the office windows of a working day.
    Office,
    /// A working day, outside the windows (làm thêm giờ).
    AfterHours,
    /// A weekend or holiday.
    NonWorkingDay,
}

/// Vietnam time (UTC+7, no daylight saving).
pub fn vietnam_time(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&FixedOffset::east_opt(7 * 3600).unwrap_or(Utc.fix()))
}

/// Classifies a local day and minute of day (0..1440).
pub fn time_kind_local(
    cal: &WorkingCalendar,
    hours: &OfficeHours,
    day: NaiveDate,
    minute: u32,
) -> TimeKind {
    if !cal.is_working_day(day).unwrap_or(true) {
        return TimeKind::NonWorkingDay;
    }
    let inside = hours.windows().iter().any(|w| {
        let s = w.start.hour() * 60 + w.start.minute();
        let e = w.end.hour() * 60 + w.end.minute();
        minute >= s && minute < e
    });
    if inside {
        TimeKind::Office
    } else {
        TimeKind::AfterHours
    }
}

/// Classifies an instant.
pub fn time_kind(cal: &WorkingCalendar, hours: &OfficeHours, at: DateTime<Utc>) -> TimeKind {
    let local = vietnam_time(at);
    time_kind_local(
        cal,
        hours,
        local.date_naive(),
        local.hour() * 60 + local.minute(),
    )
}

/// Actions split by when they happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ActionSplit {
    /// All actions.
    pub actions: u64,
    /// In office hours.
    pub office: u64,
    /// On a working day outside office hours.
    pub after_hours: u64,
    /// On a weekend or holiday.
    pub non_working_day: u64,
}

impl ActionSplit {
    /// Adds `n` actions of a kind.
    pub fn add(&mut self, kind: TimeKind, n: u64) {
        self.actions += n;
        match kind {
            TimeKind::Office => self.office += n,
            TimeKind::AfterHours => self.after_hours += n,
            TimeKind::NonWorkingDay => self.non_working_day += n,
        }
    }

    /// Share of actions outside office hours (after hours + non-working days), 0–1.
    pub fn outside_share(&self) -> f64 {
        if self.actions == 0 {
            0.0
        } else {
            (self.after_hours + self.non_working_day) as f64 / self.actions as f64
        }
    }
}

/// One unit's workload and people for one expertise tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitLoad {
    /// The unit (administrative unit code).
    pub unit: String,
    /// The tag.
    pub tag: String,
    /// Dossiers of the tag's fields.
    pub dossiers: u64,
    /// People tagged who work there.
    pub people: u64,
}

/// The shortage signal of one unit for one tag.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shortage {
    /// The unit.
    pub unit: String,
    /// The tag.
    pub tag: String,
    /// Dossiers of the tag's fields.
    pub dossiers: u64,
    /// People tagged.
    pub people: u64,
    /// Dossiers per tagged person here (`None` with nobody).
    pub per_person: Option<f64>,
    /// The province's median dossiers per tagged person (`None`: nobody tagged in the province).
    pub province_per_person: Option<f64>,
    /// People the workload needs at the province's norm.
    pub needed: f64,
    /// `needed − people`, at least 1 with work and nobody; rounded to 0.1.
    pub short_by: f64,
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    })
}

/// The shortage signals of every (unit, tag), ranked most short first.
pub fn shortages(loads: &[UnitLoad]) -> Vec<Shortage> {
    let mut by_tag: BTreeMap<&str, Vec<&UnitLoad>> = BTreeMap::new();
    for l in loads {
        by_tag.entry(l.tag.as_str()).or_default().push(l);
    }
    let mut out = Vec::new();
    for (tag, units) in by_tag {
        let norm = median(
            units
                .iter()
                .filter(|u| u.people > 0 && u.dossiers > 0)
                .map(|u| u.dossiers as f64 / u.people as f64)
                .collect(),
        );
        for u in units {
            let needed = match norm {
                Some(n) if n > 0.0 => u.dossiers as f64 / n,
                _ => {
                    if u.dossiers > 0 {
                        1.0
                    } else {
                        0.0
                    }
                }
            };
            let mut short = needed - u.people as f64;
            if u.dossiers > 0 && u.people == 0 {
                short = short.max(1.0);
            }
            out.push(Shortage {
                unit: u.unit.clone(),
                tag: tag.to_owned(),
                dossiers: u.dossiers,
                people: u.people,
                per_person: (u.people > 0).then(|| u.dossiers as f64 / u.people as f64),
                province_per_person: norm,
                needed: (needed * 10.0).round() / 10.0,
                short_by: (short * 10.0).round() / 10.0,
            });
        }
    }
    out.sort_by(|a, b| {
        b.short_by
            .total_cmp(&a.short_by)
            .then(b.dossiers.cmp(&a.dossiers))
            .then(a.unit.cmp(&b.unit))
            .then(a.tag.cmp(&b.tag))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn load(unit: &str, dossiers: u64, people: u64) -> UnitLoad {
        UnitLoad {
            unit: unit.into(),
            tag: "dat_dai".into(),
            dossiers,
            people,
        }
    }

    #[test]
    fn shortage_is_workload_against_the_provinces_median_per_person() {
        // Per person where both exist: A 100, B 50, C 200, D 300 → median 150.
        // D: 300 / 150 = 2 needed, 1 person → short by 1.0.
        // E: 50 / 150 = 0.33 needed, nobody → short by 1 (at least one).
        // C: 400 / 150 = 2.67 needed, 2 people → short by 0.7.
        // A: 100 / 150 = 0.67, 1 person → −0.3; B: 0.67 − 2 → −1.3 (surplus).
        let s = shortages(&[
            load("A", 100, 1),
            load("B", 100, 2),
            load("C", 400, 2),
            load("D", 300, 1),
            load("E", 50, 0),
        ]);
        let units: Vec<&str> = s.iter().map(|x| x.unit.as_str()).collect();
        // D and E tie at 1.0: more dossiers first.
        assert_eq!(units, ["D", "E", "C", "A", "B"]);
        let short: Vec<f64> = s.iter().map(|x| x.short_by).collect();
        assert_eq!(short, [1.0, 1.0, 0.7, -0.3, -1.3]);
        let d = &s[0];
        assert_eq!((d.province_per_person, d.needed), (Some(150.0), 2.0));
        assert_eq!(s[1].needed, 0.3);
        // Nobody tagged anywhere: every unit with work is short by one.
        let none = shortages(&[load("A", 10, 0), load("B", 0, 0)]);
        assert_eq!(none[0].short_by, 1.0);
        assert_eq!(none[1].short_by, 0.0);
    }

    #[test]
    fn actions_are_in_office_hours_after_hours_or_on_non_working_days() {
        let cal = WorkingCalendar::vietnam().unwrap();
        let hours = OfficeHours::standard();
        // Vietnam 08:00 Tue 2026-03-03 = 01:00 UTC.
        let at = |d, h, m| Utc.with_ymd_and_hms(2026, 3, d, h, m, 0).unwrap();
        assert_eq!(time_kind(&cal, &hours, at(3, 1, 0)), TimeKind::Office);
        // 11:30 local (window end, exclusive) → after hours; 12:00 lunch too.
        assert_eq!(time_kind(&cal, &hours, at(3, 4, 30)), TimeKind::AfterHours);
        assert_eq!(time_kind(&cal, &hours, at(3, 5, 0)), TimeKind::AfterHours);
        // 19:00 local.
        assert_eq!(time_kind(&cal, &hours, at(3, 12, 0)), TimeKind::AfterHours);
        // Saturday 2026-03-07 09:00 local.
        assert_eq!(
            time_kind(&cal, &hours, at(7, 2, 0)),
            TimeKind::NonWorkingDay
        );
        // 30/4 (a holiday), 09:00 local.
        let holiday = Utc.with_ymd_and_hms(2026, 4, 30, 2, 0, 0).unwrap();
        assert_eq!(time_kind(&cal, &hours, holiday), TimeKind::NonWorkingDay);
        let mut split = ActionSplit::default();
        split.add(TimeKind::Office, 3);
        split.add(TimeKind::AfterHours, 1);
        assert_eq!(split.outside_share(), 0.25);
    }
}
