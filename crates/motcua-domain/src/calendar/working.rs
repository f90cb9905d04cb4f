//! The [`WorkingCalendar`] value: which days are working days, and why not.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::day::{CalendarDay, DayKind, DayNote, DaySource, YearCalendar};
use super::error::CalendarError;
use super::office::{OfficeHours, OfficeHoursTable};
use super::official::{OfficialKind, OfficialSchedule};
use super::rules::RuleSet;
use super::{MAX_YEAR, MIN_YEAR};

/// Bumped when the computation (not the data) changes in a way that can
/// change results, so that the version string changes too.
const ALGORITHM_REVISION: &str = "calendar-2";

/// A complete working calendar for 1900–2199: statutory rules, official
/// schedules and office hours, precomputed into a day table.
///
/// Cloning is cheap (shared). All answers are pure functions of the data,
/// identified by [`WorkingCalendar::version`].
#[derive(Debug, Clone)]
pub struct WorkingCalendar {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    rules: RuleSet,
    official: OfficialSchedule,
    office: OfficeHoursTable,
    /// Every special day except plain weekends.
    notes: BTreeMap<NaiveDate, DayNote>,
    /// `rank[i]` = number of working days strictly before day index `i`.
    rank: Vec<u32>,
    /// Day indices of the working days, in order.
    working: Vec<u32>,
    version: String,
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(MIN_YEAR, 1, 1).unwrap_or(NaiveDate::MIN)
}

fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(MAX_YEAR, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// Builds a [`WorkingCalendar`] from data, starting from Vietnam's rules,
/// the embedded official schedules and the embedded office hours.
#[derive(Debug, Clone)]
pub struct CalendarBuilder {
    rules: RuleSet,
    official: OfficialSchedule,
    office: OfficeHoursTable,
}

impl CalendarBuilder {
    /// Vietnam's rules with the embedded schedules (2023–2026) and office hours.
    pub fn vietnam() -> Result<Self, CalendarError> {
        Ok(Self {
            rules: RuleSet::vietnam(),
            official: OfficialSchedule::embedded()?,
            office: OfficeHoursTable::embedded()?,
        })
    }

    /// Replaces the statutory rule table.
    pub fn rules(mut self, rules: RuleSet) -> Self {
        self.rules = rules;
        self
    }

    /// Adds official schedules from CSV (`date,kind,reason,doc`); each year
    /// in `csv` replaces that year's schedule, if any (e.g. a province adds
    /// 2027 when it is announced).
    pub fn with_schedule_csv(mut self, csv: &str) -> Result<Self, CalendarError> {
        self.official
            .replace_years_from(OfficialSchedule::parse_csv(csv)?);
        Ok(self)
    }

    /// Drops every official schedule (statutory defaults only).
    pub fn without_official_schedules(mut self) -> Self {
        self.official = OfficialSchedule::default();
        self
    }

    /// Replaces the office-hours table with one read from TOML.
    pub fn with_office_hours_toml(mut self, toml: &str) -> Result<Self, CalendarError> {
        self.office = OfficeHoursTable::parse_toml(toml)?;
        Ok(self)
    }

    /// Replaces the office-hours table.
    pub fn office_hours(mut self, table: OfficeHoursTable) -> Self {
        self.office = table;
        self
    }

    /// Computes the calendar.
    pub fn build(self) -> Result<WorkingCalendar, CalendarError> {
        let Self {
            rules,
            official,
            office,
        } = self;
        let mut notes = BTreeMap::new();
        for year in MIN_YEAR..=MAX_YEAR {
            match official.year(year) {
                Some(rows) => {
                    notes.extend(rules.fixed_holidays_on_rest_days(year)?);
                    for row in rows {
                        let kind = match row.kind {
                            OfficialKind::Holiday => DayKind::Holiday,
                            OfficialKind::Compensatory => DayKind::Compensatory,
                            OfficialKind::SwapOff => DayKind::SwapOff,
                            OfficialKind::MakeupSaturday => DayKind::MakeupSaturday,
                        };
                        let note = DayNote {
                            working: kind == DayKind::MakeupSaturday,
                            kind,
                            label: row.reason.clone(),
                            label_en: row.reason_en.clone(),
                            source: DaySource::Official {
                                doc: row.doc.clone(),
                            },
                        };
                        notes.insert(row.date, note);
                    }
                }
                None => notes.extend(rules.default_days(year)?),
            }
        }
        let first = epoch();
        let n_days = (last_day() - first).num_days() as usize + 1;
        let mut rank = Vec::with_capacity(n_days + 1);
        let mut working = Vec::with_capacity(n_days * 5 / 7 + 1);
        rank.push(0u32);
        for (i, date) in first.iter_days().take(n_days).enumerate() {
            let is_working = match notes.get(&date) {
                Some(n) => n.working,
                None => !rules.is_rest_day(date),
            };
            if is_working {
                working.push(i as u32);
            }
            rank.push(working.len() as u32);
        }
        let version = version_of(&rules, &official, &office);
        Ok(WorkingCalendar {
            inner: Arc::new(Inner {
                rules,
                official,
                office,
                notes,
                rank,
                working,
                version,
            }),
        })
    }
}

fn version_of(rules: &RuleSet, official: &OfficialSchedule, office: &OfficeHoursTable) -> String {
    let canonical =
        serde_json::to_string(&(ALGORITHM_REVISION, rules, official, office)).unwrap_or_default();
    format!(
        "vn-{:016x}",
        crate::stable_hash::fnv1a(canonical.as_bytes())
    )
}

impl WorkingCalendar {
    /// Vietnam's calendar with the embedded data (computed once, then shared).
    pub fn vietnam() -> Result<Self, CalendarError> {
        static VIETNAM: OnceLock<Result<WorkingCalendar, CalendarError>> = OnceLock::new();
        VIETNAM
            .get_or_init(|| CalendarBuilder::vietnam()?.build())
            .clone()
    }

    /// A builder starting from Vietnam's embedded data.
    pub fn builder() -> Result<CalendarBuilder, CalendarError> {
        CalendarBuilder::vietnam()
    }

    /// Identifies the data (rules, schedules, office hours) and the algorithm
    /// revision: `vn-<16 hex digits>`. Equal versions give equal answers.
    pub fn version(&self) -> &str {
        &self.inner.version
    }

    /// The statutory rule table in use.
    pub fn rules(&self) -> &RuleSet {
        &self.inner.rules
    }

    /// The official schedules in use.
    pub fn official_schedule(&self) -> &OfficialSchedule {
        &self.inner.official
    }

    /// Office hours of `province` (or the default).
    pub fn office_hours(&self, province: Option<&str>) -> &OfficeHours {
        self.inner.office.for_province(province)
    }

    /// The whole office-hours table.
    pub fn office_hours_table(&self) -> &OfficeHoursTable {
        &self.inner.office
    }

    fn index(&self, date: NaiveDate) -> Result<usize, CalendarError> {
        if date < epoch() || date > last_day() {
            return Err(CalendarError::DateOutOfRange(date));
        }
        Ok((date - epoch()).num_days() as usize)
    }

    fn date_of(index: u32) -> Result<NaiveDate, CalendarError> {
        epoch()
            .checked_add_days(Days::new(u64::from(index)))
            .ok_or(CalendarError::BeyondRange)
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        let i = self.index(date)?;
        Ok(self.inner.rank[i + 1] > self.inner.rank[i])
    }

    /// What the calendar says about `date` when it is not an ordinary
    /// working day: weekend, holiday, compensatory, swapped, or make-up
    /// Saturday (a working day). `None` for an ordinary working day.
    pub fn day_note(&self, date: NaiveDate) -> Result<Option<DayNote>, CalendarError> {
        self.index(date)?;
        if let Some(note) = self.inner.notes.get(&date) {
            return Ok(Some(note.clone()));
        }
        if self.inner.rules.is_rest_day(date) {
            let (label, label_en) = if date.weekday() == Weekday::Sun {
                ("Chủ nhật", "Sunday")
            } else {
                ("Thứ Bảy", "Saturday")
            };
            return Ok(Some(DayNote {
                working: false,
                kind: DayKind::Weekend,
                label: label.into(),
                label_en: Some(label_en.into()),
                source: DaySource::Weekly,
            }));
        }
        Ok(None)
    }

    /// Why `date` is not a working day; `None` if it is one.
    pub fn non_working_reason(&self, date: NaiveDate) -> Result<Option<DayNote>, CalendarError> {
        Ok(self.day_note(date)?.filter(|n| !n.working))
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        self.nth_working_day_after(date, 1)
    }

    /// `date` if it is a working day, else the next one.
    pub fn working_day_on_or_after(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        if self.is_working_day(date)? {
            Ok(date)
        } else {
            self.next_working_day(date)
        }
    }

    /// The `n`-th working day after `date` (`n = 0` gives `date` itself).
    /// Constant time.
    pub fn nth_working_day_after(
        &self,
        date: NaiveDate,
        n: u32,
    ) -> Result<NaiveDate, CalendarError> {
        let i = self.index(date)?;
        if n == 0 {
            return Ok(date);
        }
        // Working days up to and including `date`, plus n, minus one (0-based).
        let target = self.inner.rank[i + 1] as usize + n as usize - 1;
        let day = self
            .inner
            .working
            .get(target)
            .ok_or(CalendarError::BeyondRange)?;
        Self::date_of(*day)
    }

    /// Number of working days in `from ..= to` (0 if `to < from`).
    pub fn working_days_in(&self, from: NaiveDate, to: NaiveDate) -> Result<u32, CalendarError> {
        if to < from {
            return Ok(0);
        }
        let (a, b) = (self.index(from)?, self.index(to)?);
        Ok(self.inner.rank[b + 1] - self.inner.rank[a])
    }

    /// The non-working days of `year` with their reasons, and its make-up
    /// Saturdays (for `GET /api/v1/calendar/{year}`).
    pub fn year_calendar(&self, year: i32) -> Result<YearCalendar, CalendarError> {
        let first =
            NaiveDate::from_ymd_opt(year, 1, 1).ok_or(CalendarError::YearOutOfRange(year))?;
        let last =
            NaiveDate::from_ymd_opt(year, 12, 31).ok_or(CalendarError::YearOutOfRange(year))?;
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(CalendarError::YearOutOfRange(year));
        }
        let mut days = Vec::new();
        for date in first.iter_days().take_while(|d| *d <= last) {
            if let Some(note) = self.day_note(date)? {
                days.push(CalendarDay { date, note });
            }
        }
        Ok(YearCalendar {
            year,
            version: self.version().to_owned(),
            official_schedule: self.inner.official.year(year).is_some(),
            working_days: self.working_days_in(first, last)?,
            days,
        })
    }
}
