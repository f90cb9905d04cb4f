//! Official yearly schedules (lịch nghỉ lễ, tết) as data.
//!
//! A schedule is CSV with the columns `date,kind,reason,doc` and optionally
//! a fifth column `reason_en` (lines starting with `#` are comments). `reason`
//! is the Vietnamese label shown to users, `reason_en` its English form. A
//! year that appears in a schedule **replaces** the computed default for that
//! whole year, so it must list every weekday off; weekends are listed only
//! when worked (`MAKEUP_SAT`) or when the notice places a statutory holiday
//! day on them (`HOL` on a Saturday or Sunday, e.g. a Tết day): such a
//! Saturday is then a holiday, never an ordinary Saturday for
//! Saturday-morning reception.
//!
//! The schedules announced for 2023–2026 are embedded from
//! `reference/calendar/official-days-vn.csv` (documents named in
//! `reference/calendar/SOURCES.md`).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::error::CalendarError;
use super::{MAX_YEAR, MIN_YEAR};

/// The official schedules shipped with motcua (2023–2026).
pub const EMBEDDED_SCHEDULE_CSV: &str =
    include_str!("../../../../reference/calendar/official-days-vn.csv");

/// The kind of an official schedule row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OfficialKind {
    /// `HOL`: a statutory holiday on a weekday.
    #[serde(rename = "HOL")]
    Holiday,
    /// `COMP`: a compensatory weekday off (nghỉ bù).
    #[serde(rename = "COMP")]
    Compensatory,
    /// `SWAP_OFF`: a weekday off swapped against a Saturday (hoán đổi).
    #[serde(rename = "SWAP_OFF")]
    SwapOff,
    /// `MAKEUP_SAT`: a Saturday worked in exchange (làm bù).
    #[serde(rename = "MAKEUP_SAT")]
    MakeupSaturday,
}

impl OfficialKind {
    fn parse(code: &str) -> Option<Self> {
        match code {
            "HOL" => Some(Self::Holiday),
            "COMP" => Some(Self::Compensatory),
            "SWAP_OFF" => Some(Self::SwapOff),
            "MAKEUP_SAT" => Some(Self::MakeupSaturday),
            _ => None,
        }
    }
}

/// One row of an official schedule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OfficialDay {
    /// The date.
    pub date: NaiveDate,
    /// What the date becomes.
    pub kind: OfficialKind,
    /// Why, in Vietnamese (shown to users), e.g. `Tết Âm lịch`.
    pub reason: String,
    /// The announcing document.
    pub doc: String,
    /// Why, in English (second locale), when the schedule gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_en: Option<String>,
}

/// Official schedules by year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OfficialSchedule {
    years: BTreeMap<i32, Vec<OfficialDay>>,
}

impl OfficialSchedule {
    /// The embedded 2023–2026 schedules.
    pub fn embedded() -> Result<Self, CalendarError> {
        Self::parse_csv(EMBEDDED_SCHEDULE_CSV)
    }

    /// Reads a schedule from CSV text (`date,kind,reason,doc` or
    /// `date,kind,reason,doc,reason_en`, header required, `#` comments
    /// allowed).
    pub fn parse_csv(text: &str) -> Result<Self, CalendarError> {
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .trim(csv::Trim::All)
            .flexible(false)
            .from_reader(text.as_bytes());
        let header_err = |message: String| CalendarError::Schedule { line: 1, message };
        let headers = reader
            .headers()
            .map_err(|e| header_err(e.to_string()))?
            .clone();
        let expected = ["date", "kind", "reason", "doc", "reason_en"];
        let with_english = headers.len() == expected.len();
        if !(4..=5).contains(&headers.len())
            || headers
                .iter()
                .ne(expected.iter().copied().take(headers.len()))
        {
            return Err(header_err(
                "expected header date,kind,reason,doc[,reason_en]".into(),
            ));
        }
        let mut years: BTreeMap<i32, Vec<OfficialDay>> = BTreeMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| CalendarError::Schedule {
                line: e.position().map_or(0, |p| p.line() as usize),
                message: e.to_string(),
            })?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            let err = |message: String| CalendarError::Schedule { line, message };
            let field = |i: usize| record.get(i).unwrap_or_default();
            let date = NaiveDate::parse_from_str(field(0), "%Y-%m-%d")
                .map_err(|e| err(format!("date {:?}: {e}", field(0))))?;
            if !(MIN_YEAR..=MAX_YEAR).contains(&date.year()) {
                return Err(err(format!("date {date} outside 1900-2199")));
            }
            let kind = OfficialKind::parse(field(1))
                .ok_or_else(|| err(format!("unknown kind {:?}", field(1))))?;
            if kind == OfficialKind::MakeupSaturday && date.weekday() != Weekday::Sat {
                return Err(err(format!("MAKEUP_SAT {date} is not a Saturday")));
            }
            let rows = years.entry(date.year()).or_default();
            if rows.iter().any(|r| r.date == date) {
                return Err(err(format!("date {date} listed twice")));
            }
            rows.push(OfficialDay {
                date,
                kind,
                reason: field(2).into(),
                doc: field(3).into(),
                reason_en: Some(field(4))
                    .filter(|e| with_english && !e.is_empty())
                    .map(Into::into),
            });
        }
        for rows in years.values_mut() {
            rows.sort_by_key(|r| r.date);
        }
        Ok(Self { years })
    }

    /// Adds `other`'s years, replacing any year both contain.
    pub fn replace_years_from(&mut self, other: OfficialSchedule) {
        self.years.extend(other.years);
    }

    /// Removes a year's schedule (back to the computed default).
    pub fn remove_year(&mut self, year: i32) {
        self.years.remove(&year);
    }

    /// The rows of `year`, if that year has an official schedule.
    pub fn year(&self, year: i32) -> Option<&[OfficialDay]> {
        self.years.get(&year).map(Vec::as_slice)
    }

    /// Years that have an official schedule.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_schedule_parses() {
        let s = OfficialSchedule::embedded().unwrap();
        assert_eq!(s.years().collect::<Vec<_>>(), vec![2023, 2024, 2025, 2026]);
        assert_eq!(s.year(2026).map(<[_]>::len), Some(15));
        let tet = s
            .year(2024)
            .and_then(|rows| rows.iter().find(|r| r.date.day() == 10));
        assert_eq!(tet.map(|r| r.reason.as_str()), Some("Tết Âm lịch"));
        assert_eq!(
            tet.and_then(|r| r.reason_en.as_deref()),
            Some("Lunar New Year (Tết)")
        );
    }

    #[test]
    fn four_column_schedules_still_parse() {
        let s =
            OfficialSchedule::parse_csv("date,kind,reason,doc\n2027-02-05,HOL,Tết Âm lịch,TB\n")
                .unwrap();
        let rows = s.year(2027).unwrap();
        assert_eq!(rows[0].reason, "Tết Âm lịch");
        assert_eq!(rows[0].reason_en, None);
    }

    #[test]
    fn bad_rows_are_errors_not_panics() {
        let head = "date,kind,reason,doc\n";
        for body in [
            "2027-13-01,HOL,x,y",
            "2027-01-01,NOPE,x,y",
            "2027-01-01,MAKEUP_SAT,x,y",
            "2027-01-01,HOL,x",
            "2300-01-01,HOL,x,y",
            "2027-01-01,HOL,x,y\n2027-01-01,COMP,x,y",
        ] {
            let e = OfficialSchedule::parse_csv(&format!("{head}{body}\n"));
            assert!(
                matches!(e, Err(CalendarError::Schedule { .. })),
                "{body}: {e:?}"
            );
        }
        assert!(OfficialSchedule::parse_csv("a,b\n").is_err());
        assert!(OfficialSchedule::parse_csv("date,kind,reason,doc,english\n").is_err());
        assert!(OfficialSchedule::parse_csv("").is_err());
    }
}
