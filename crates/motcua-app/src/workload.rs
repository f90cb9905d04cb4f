//! Workload measured from dossier events, not asked (issue 17), and the
//! shortage signal per unit and expertise.
//!
//! Every dossier event has an officer, a field (the procedure's lĩnh vực)
//! and an instant: the store groups officers' actions by unit, field,
//! officer, Vietnam-time day and office window; the working calendar then
//! tells working days from weekends and holidays
//! (`motcua_domain::staff::workload`). The shortage signal compares each
//! unit's dossiers in the fields of an expertise tag with the people tagged
//! for it, against the province's median per person; the norm is always the
//! province's, whatever the scope asked for. Leaders, unit and province
//! administrators read their subtree ([`Capability::ViewWorkload`]).
//!
//! **Working hours of the legal clock consumed** (`working_hours`). For
//! each officer's action in the period (an event by `officer:*`), the
//! working time of the legal clock — office minutes inside the province's
//! windows on working days of the working calendar, the same count as
//! `motcua_domain::clock::working_time_between` — from the dossier's
//! previous event (whoever's: the reception, the hand-over to this
//! officer, the citizen's supplement) to the action: how long the dossier
//! sat with the officer before they acted. Evenings, weekends and holidays
//! add nothing, and a pause for the citizen is not counted against the
//! officer (the citizen's supplement is the previous event). A dossier's
//! first event counts nothing. The hours are summed per unit, field and
//! officer (`officers[].working_hours`), per unit and field over all its
//! officers (`fields[].working_hours`: the dossiers' office time from
//! reception to their last action in the period) and in all
//! (`working_hours`), rounded to 2 decimals.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc};
use motcua_domain::calendar::{OfficeHours, WorkingCalendar};
use motcua_domain::identity::RoleAssignment;
use motcua_domain::staff::ExpertiseCatalog;
use motcua_domain::staff::workload::{
    ActionSplit, Shortage, TimeKind, UnitLoad, shortages, time_kind_local,
};
use motcua_domain::unit::{Era, UnitCode};
use serde::Serialize;

use crate::authz::ScopeResolver;
use crate::policy::{Capability, Policy};
use crate::ports::clock::Clock;
use crate::ports::staff::WorkloadQuery;
use crate::staff::{StaffError, StaffPorts, tags};

/// The default period: the last 90 days.
const DEFAULT_DAYS: i64 = 90;

fn calendar() -> Result<&'static WorkingCalendar, StaffError> {
    static CALENDAR: OnceLock<Result<WorkingCalendar, String>> = OnceLock::new();
    CALENDAR
        .get_or_init(|| WorkingCalendar::vietnam().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| StaffError::Unexpected(anyhow::anyhow!("{e}")))
}

/// Work of one unit, field and officer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfficerWork {
    /// Administrative unit code.
    pub unit_code: String,
    /// Field (folded).
    pub field: String,
    /// `officer:<id>`.
    pub officer: String,
    /// Distinct dossiers the officer acted on.
    pub dossiers_handled: u64,
    /// Actions split by when.
    pub actions: ActionSplit,
    /// Working hours of the legal clock from each dossier's previous event
    /// to the officer's action, summed (see the module's text).
    pub working_hours: f64,
}

/// Work of one unit and field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldWork {
    /// Administrative unit code.
    pub unit_code: String,
    /// Field (folded).
    pub field: String,
    /// The expertise tag the field counts for.
    pub expertise: Option<String>,
    /// Dossiers submitted in the period.
    pub dossiers: u64,
    /// Of those, overdue.
    pub overdue: u64,
    /// Officers' actions split by when.
    pub actions: ActionSplit,
    /// Working hours of the legal clock consumed by the field's officers.
    pub working_hours: f64,
}

/// One week (Monday first) of the after-hours series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekPoint {
    /// The Monday.
    pub week: NaiveDate,
    /// Actions split by when.
    pub actions: ActionSplit,
}

/// The workload of a scope over a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkloadReport {
    /// The scope's agency.
    pub unit: String,
    /// From (inclusive).
    pub from: DateTime<Utc>,
    /// To (exclusive).
    pub to: DateTime<Utc>,
    /// All actions split by when.
    pub totals: ActionSplit,
    /// Share of actions outside office hours (after hours + non-working days).
    pub outside_share: f64,
    /// Working hours of the legal clock consumed by all officers.
    pub working_hours: f64,
    /// By unit and field, most dossiers first.
    pub fields: Vec<FieldWork>,
    /// By unit, field and officer, most dossiers first.
    pub officers: Vec<OfficerWork>,
    /// The after-hours series by week.
    pub weeks: Vec<WeekPoint>,
}

/// One row of the shortage ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShortageRow {
    /// The unit's name.
    pub unit_name: String,
    /// Overdue dossiers of the tag's fields.
    pub overdue: u64,
    /// The signal.
    #[serde(flatten)]
    pub signal: Shortage,
}

/// The shortage ranking of a scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShortageReport {
    /// The scope's agency.
    pub unit: String,
    /// The province root whose distribution is the norm.
    pub province: String,
    /// From (inclusive).
    pub from: DateTime<Utc>,
    /// To (exclusive).
    pub to: DateTime<Utc>,
    /// The tag asked for, if any.
    pub expertise: Option<String>,
    /// Most short first.
    pub rows: Vec<ShortageRow>,
}

/// Reads a period: `YYYY-MM` (a month), `YYYY` (a year) or none (the last
/// 90 days up to `now`); bounds are Vietnam-time midnights.
pub fn period_bounds(
    period: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), String> {
    let midnight = |d: NaiveDate| {
        Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()) - Duration::hours(7)
    };
    let bad = |p: &str| {
        format!("Kỳ {p} không hợp lệ (YYYY-MM hoặc YYYY) / bad period {p} (YYYY-MM or YYYY)")
    };
    match period.map(str::trim).filter(|p| !p.is_empty()) {
        None => Ok((now - Duration::days(DEFAULT_DAYS), now)),
        Some(p) => {
            if let Some((y, m)) = p.split_once('-') {
                let y: i32 = y.parse().map_err(|_| bad(p))?;
                let m: u32 = m.parse().map_err(|_| bad(p))?;
                let start = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(|| bad(p))?;
                let end = start
                    .checked_add_months(chrono::Months::new(1))
                    .ok_or_else(|| bad(p))?;
                Ok((midnight(start), midnight(end)))
            } else {
                let y: i32 = p.parse().map_err(|_| bad(p))?;
                let start = NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(|| bad(p))?;
                let end = NaiveDate::from_ymd_opt(y + 1, 1, 1).ok_or_else(|| bad(p))?;
                Ok((midnight(start), midnight(end)))
            }
        }
    }
}

/// The province root of an agency id (`H55.X1.TT` → `H55`).
pub fn province_root(agency: &str) -> &str {
    agency.split('.').next().unwrap_or(agency)
}

/// The workload and shortage use cases.
#[derive(Clone)]
pub struct WorkloadService {
    store: Arc<dyn StaffPorts>,
    policy: Policy,
    clock: Clock,
    province: Option<String>,
}

impl WorkloadService {
    /// Over the store, the clock and the province whose office hours apply.
    pub fn new(store: Arc<dyn StaffPorts>, clock: Clock, province: Option<String>) -> Self {
        let directory: Arc<dyn crate::ports::AgencyDirectory> = store.clone();
        Self {
            store,
            policy: Policy::new(ScopeResolver::new(directory)),
            clock,
            province,
        }
    }

    fn query(&self, root: &str, period: Option<&str>) -> Result<WorkloadQuery, StaffError> {
        let now = self.clock.now();
        let (from, to) = period_bounds(period, now).map_err(StaffError::Invalid)?;
        let hours = calendar()?.office_hours(self.province.as_deref());
        let windows = hours
            .windows()
            .iter()
            .map(|w| {
                (
                    w.start.hour() * 60 + w.start.minute(),
                    w.end.hour() * 60 + w.end.minute(),
                )
            })
            .collect();
        Ok(WorkloadQuery {
            root: root.to_owned(),
            from,
            to,
            now_key: now.timestamp_millis(),
            windows,
        })
    }

    /// The workload of `unit`'s subtree over `period`.
    pub async fn workload(
        &self,
        roles: &[RoleAssignment],
        unit: &str,
        period: Option<&str>,
    ) -> Result<WorkloadReport, StaffError> {
        self.policy
            .in_agency(roles, Capability::ViewWorkload, unit)
            .await?;
        self.workload_unchecked(unit, period).await
    }

    /// The same without a policy check (the command line).
    pub async fn workload_unchecked(
        &self,
        unit: &str,
        period: Option<&str>,
    ) -> Result<WorkloadReport, StaffError> {
        let q = self.query(unit, period)?;
        let cal = calendar()?;
        let tags = tags()?;
        let groups = self.store.action_groups(&q).await?;
        let handled = self.store.handled_counts(&q).await?;
        let fields = self.store.field_counts(&q).await?;
        let mut days: BTreeMap<NaiveDate, bool> = BTreeMap::new();
        for g in &groups {
            days.entry(g.day)
                .or_insert_with(|| cal.is_working_day(g.day).unwrap_or(true));
        }
        let kind = |day: NaiveDate, in_window: bool| -> TimeKind {
            match (days.get(&day).copied().unwrap_or(true), in_window) {
                (false, _) => TimeKind::NonWorkingDay,
                (true, true) => TimeKind::Office,
                (true, false) => TimeKind::AfterHours,
            }
        };
        let mut totals = ActionSplit::default();
        let mut by_field: BTreeMap<(String, String), FieldWork> = BTreeMap::new();
        let mut by_officer: BTreeMap<(String, String, String), OfficerWork> = BTreeMap::new();
        let mut weeks: BTreeMap<NaiveDate, ActionSplit> = BTreeMap::new();
        for f in &fields {
            by_field.insert(
                (f.unit_code.clone(), f.field.clone()),
                FieldWork {
                    unit_code: f.unit_code.clone(),
                    field: f.field.clone(),
                    expertise: tags.tag_of_field(&f.field).map(|t| t.id.clone()),
                    dossiers: f.dossiers,
                    overdue: f.overdue,
                    actions: ActionSplit::default(),
                    working_hours: 0.0,
                },
            );
        }
        for h in &handled {
            by_officer.insert(
                (h.unit_code.clone(), h.field.clone(), h.officer.clone()),
                OfficerWork {
                    unit_code: h.unit_code.clone(),
                    field: h.field.clone(),
                    officer: h.officer.clone(),
                    dossiers_handled: h.dossiers,
                    actions: ActionSplit::default(),
                    working_hours: 0.0,
                },
            );
        }
        for g in &groups {
            let k = kind(g.day, g.in_window);
            totals.add(k, g.actions);
            let week = g.day - Duration::days(i64::from(g.day.weekday().num_days_from_monday()));
            weeks.entry(week).or_default().add(k, g.actions);
            by_field
                .entry((g.unit_code.clone(), g.field.clone()))
                .or_insert_with(|| FieldWork {
                    unit_code: g.unit_code.clone(),
                    field: g.field.clone(),
                    expertise: tags.tag_of_field(&g.field).map(|t| t.id.clone()),
                    dossiers: 0,
                    overdue: 0,
                    actions: ActionSplit::default(),
                    working_hours: 0.0,
                })
                .actions
                .add(k, g.actions);
            if let Some(o) =
                by_officer.get_mut(&(g.unit_code.clone(), g.field.clone(), g.officer.clone()))
            {
                o.actions.add(k, g.actions);
            }
        }
        // Working minutes per (unit, field) and (unit, field, officer).
        let spans = self.store.action_spans(&q).await?;
        let ledger = OfficeLedger::new(
            cal,
            calendar()?.office_hours(self.province.as_deref()),
            spans.iter().map(|s| s.from).min(),
            spans.iter().map(|s| s.at).max(),
        );
        let mut field_minutes: BTreeMap<(&str, &str), u64> = BTreeMap::new();
        let mut officer_minutes: BTreeMap<(&str, &str, &str), u64> = BTreeMap::new();
        let mut all_minutes = 0u64;
        for sp in &spans {
            let m = ledger.minutes(sp.from, sp.at);
            all_minutes += m;
            *field_minutes
                .entry((sp.unit_code.as_str(), sp.field.as_str()))
                .or_default() += m;
            *officer_minutes
                .entry((
                    sp.unit_code.as_str(),
                    sp.field.as_str(),
                    sp.officer.as_str(),
                ))
                .or_default() += m;
        }
        for ((unit, field), m) in &field_minutes {
            if let Some(f) = by_field.get_mut(&((*unit).to_owned(), (*field).to_owned())) {
                f.working_hours = hours(*m);
            }
        }
        for ((unit, field, officer), m) in &officer_minutes {
            if let Some(o) = by_officer.get_mut(&(
                (*unit).to_owned(),
                (*field).to_owned(),
                (*officer).to_owned(),
            )) {
                o.working_hours = hours(*m);
            }
        }
        let mut fields: Vec<FieldWork> = by_field.into_values().collect();
        fields.sort_by(|a, b| {
            b.dossiers
                .cmp(&a.dossiers)
                .then(a.unit_code.cmp(&b.unit_code))
        });
        let mut officers: Vec<OfficerWork> = by_officer.into_values().collect();
        officers.sort_by(|a, b| {
            b.dossiers_handled
                .cmp(&a.dossiers_handled)
                .then(a.officer.cmp(&b.officer))
        });
        Ok(WorkloadReport {
            unit: unit.to_owned(),
            from: q.from,
            to: q.to,
            outside_share: totals.outside_share(),
            working_hours: hours(all_minutes),
            totals,
            fields,
            officers,
            weeks: weeks
                .into_iter()
                .map(|(week, actions)| WeekPoint { week, actions })
                .collect(),
        })
    }

    /// The shortage ranking of `unit`'s subtree (the norm: its province).
    pub async fn shortages(
        &self,
        roles: &[RoleAssignment],
        unit: &str,
        expertise: Option<&str>,
        period: Option<&str>,
    ) -> Result<ShortageReport, StaffError> {
        self.policy
            .in_agency(roles, Capability::ViewWorkload, unit)
            .await?;
        self.shortages_unchecked(unit, expertise, period).await
    }

    /// The same without a policy check (the command line, measurements).
    pub async fn shortages_unchecked(
        &self,
        unit: &str,
        expertise: Option<&str>,
        period: Option<&str>,
    ) -> Result<ShortageReport, StaffError> {
        let expertise = expertise.map(str::trim).filter(|e| !e.is_empty());
        if let Some(e) = expertise
            && tags()?.get(e).is_none()
        {
            return Err(StaffError::Invalid(format!(
                "Không có thẻ chuyên môn {e} / unknown expertise tag {e}"
            )));
        }
        let province = province_root(unit).to_owned();
        let q = self.query(&province, period)?;
        let today = self.clock.today();
        let agencies = self.store.agency_units(&province).await?;
        let unit_of: BTreeMap<&str, &str> = agencies
            .iter()
            .map(|(a, u)| (a.as_str(), u.as_str()))
            .collect();
        let in_scope: BTreeSet<String> = self
            .store
            .agency_units(unit)
            .await?
            .into_iter()
            .map(|(_, u)| u)
            .collect();
        let mut loads: BTreeMap<(String, String), (u64, u64, u64)> = BTreeMap::new();
        for f in self.store.field_counts(&q).await? {
            if let Some(tag) = tags()?.tag_of_field(&f.field)
                && expertise.is_none_or(|e| e == tag.id)
            {
                let e = loads
                    .entry((f.unit_code.clone(), tag.id.clone()))
                    .or_default();
                e.0 += f.dossiers;
                e.2 += f.overdue;
            }
        }
        for m in self.store.list_staff(&province).await? {
            if !m.works_here_on(today) {
                continue;
            }
            let Some(code) = unit_of.get(m.unit_agency.as_str()) else {
                continue;
            };
            for tag in m
                .expertise
                .iter()
                .filter(|t| expertise.is_none_or(|e| e == t.as_str()))
            {
                loads
                    .entry(((*code).to_owned(), tag.clone()))
                    .or_default()
                    .1 += 1;
            }
        }
        let overdue: BTreeMap<(String, String), u64> =
            loads.iter().map(|(k, v)| (k.clone(), v.2)).collect();
        let loads: Vec<UnitLoad> = loads
            .into_iter()
            .map(|((unit, tag), (dossiers, people, _))| UnitLoad {
                unit,
                tag,
                dossiers,
                people,
            })
            .collect();
        let names = self.unit_names(&province).await?;
        let rows = shortages(&loads)
            .into_iter()
            .filter(|s| in_scope.contains(&s.unit))
            .map(|s| ShortageRow {
                unit_name: names
                    .get(&s.unit)
                    .cloned()
                    .unwrap_or_else(|| s.unit.clone()),
                overdue: overdue
                    .get(&(s.unit.clone(), s.tag.clone()))
                    .copied()
                    .unwrap_or(0),
                signal: s,
            })
            .collect();
        Ok(ShortageReport {
            unit: unit.to_owned(),
            province,
            from: q.from,
            to: q.to,
            expertise: expertise.map(str::to_owned),
            rows,
        })
    }

    /// Names of the province's unit and its communes, by code.
    async fn unit_names(
        &self,
        province_agency: &str,
    ) -> Result<BTreeMap<String, String>, StaffError> {
        let mut out = BTreeMap::new();
        let Some(agency) = self.store.get_agency(province_agency).await? else {
            return Ok(out);
        };
        let Ok(code) = UnitCode::parse(&agency.unit_code) else {
            return Ok(out);
        };
        if let Some(u) = self.store.get_unit(Era::Current, &code).await? {
            out.insert(u.code.as_str().to_owned(), u.name);
        }
        let page = self
            .store
            .list_units(&crate::ports::UnitFilter {
                era: Era::Current,
                level: None,
                unit_type: None,
                parent: Some(code),
                query_folded: None,
                limit: 5_000,
                offset: 0,
            })
            .await?;
        for u in page.items {
            out.insert(u.code.as_str().to_owned(), u.name);
        }
        Ok(out)
    }

    /// The expertise tags.
    pub fn tags(&self) -> Result<&'static ExpertiseCatalog, StaffError> {
        tags()
    }
}

/// Minutes as hours, rounded to 2 decimals.
fn hours(minutes: u64) -> f64 {
    (minutes as f64 / 60.0 * 100.0).round() / 100.0
}

/// Office minutes of working days before each day of a span, so the
/// working time between two instants is two look-ups (the same count as
/// `working_time_between`'s `working_minutes`, without walking the days
/// for each of many thousand actions).
struct OfficeLedger<'a> {
    hours: &'a OfficeHours,
    first: NaiveDate,
    /// `before[i]`: office minutes of the working days `first..first + i`.
    before: Vec<u64>,
    /// Whether day `first + i` is a working day.
    working: Vec<bool>,
}

impl<'a> OfficeLedger<'a> {
    fn new(
        cal: &WorkingCalendar,
        hours: &'a OfficeHours,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> Self {
        let day = |at: DateTime<Utc>| motcua_domain::clock::to_local(at).date();
        let (first, last) = match (from, to) {
            (Some(a), Some(b)) if a <= b => (day(a), day(b)),
            _ => (NaiveDate::MIN, NaiveDate::MIN),
        };
        let mut before = vec![0];
        let mut working = Vec::new();
        let mut d = first;
        let mut total = 0u64;
        while d <= last && from.is_some() {
            let w = cal.is_working_day(d).unwrap_or(true);
            working.push(w);
            if w {
                total += u64::from(hours.day_minutes());
            }
            before.push(total);
            match d.succ_opt() {
                Some(n) => d = n,
                None => break,
            }
        }
        Self {
            hours,
            first,
            before,
            working,
        }
    }

    /// Office minutes from the start of the span to `at`.
    fn up_to(&self, at: DateTime<Utc>) -> u64 {
        let local = motcua_domain::clock::to_local(at);
        let Ok(i) = usize::try_from((local.date() - self.first).num_days()) else {
            return 0;
        };
        let (Some(base), Some(w)) = (self.before.get(i), self.working.get(i)) else {
            return self.before.last().copied().unwrap_or(0);
        };
        let today = if *w {
            u64::from(
                self.hours
                    .minutes_between(chrono::NaiveTime::MIN, local.time()),
            )
        } else {
            0
        };
        base + today
    }

    /// Office minutes of working days from `a` to `b` (0 if `b <= a`).
    fn minutes(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> u64 {
        if b <= a {
            return 0;
        }
        self.up_to(b).saturating_sub(self.up_to(a))
    }
}

/// Classifies an instant for callers that hold single events.
pub fn classify_instant(province: Option<&str>, at: DateTime<Utc>) -> Option<TimeKind> {
    let cal = calendar().ok()?;
    let local = motcua_domain::clock::to_local(at);
    Some(time_kind_local(
        cal,
        cal.office_hours(province),
        local.date(),
        local.hour() * 60 + local.minute(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_domain::clock::working_time_between;

    #[test]
    fn the_ledger_counts_what_the_legal_clock_counts() {
        let cal = calendar().unwrap();
        let office = cal.office_hours(None);
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        // Friday 30 January 2026 08:00 local to Tuesday 24 February (Tết
        // 2026 in between) and smaller spans over lunch, nights, weekends.
        let pairs = [
            ("2026-01-30T01:00:00Z", "2026-02-24T03:15:00Z"),
            ("2026-03-06T04:00:00Z", "2026-03-06T07:00:00Z"),
            ("2026-03-06T09:30:00Z", "2026-03-09T01:10:00Z"),
            ("2026-03-07T02:00:00Z", "2026-03-08T05:00:00Z"),
            ("2026-03-09T13:00:00Z", "2026-03-10T14:00:00Z"),
        ];
        let ledger = OfficeLedger::new(
            cal,
            office,
            Some(at("2026-01-30T01:00:00Z")),
            Some(at("2026-03-10T14:00:00Z")),
        );
        for (a, b) in pairs {
            let want = working_time_between(cal, at(a), at(b), None)
                .unwrap()
                .working_minutes;
            assert_eq!(ledger.minutes(at(a), at(b)), want, "{a} → {b}");
        }
        // Friday 11:00 → 14:00 local: 30 + 60 minutes (afternoon from 13:00).
        assert_eq!(
            ledger.minutes(at("2026-03-06T04:00:00Z"), at("2026-03-06T07:00:00Z")),
            90
        );
        // Saturday to Sunday: nothing.
        assert_eq!(
            ledger.minutes(at("2026-03-07T02:00:00Z"), at("2026-03-08T05:00:00Z")),
            0
        );
        assert_eq!(hours(90), 1.5);
    }
}
