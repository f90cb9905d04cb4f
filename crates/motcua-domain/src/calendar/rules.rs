//! Statutory rules as data: holidays with the years they were in force,
//! weekly rest days, and compensatory days off. They give the *default*
//! calendar of a year that has no official schedule.
//!
//! # What is approximate
//!
//! The current law is Labour Code 2019 (Bộ luật Lao động, in force
//! 01/01/2021), art. 111(3) and 112(1). Older law is encoded by year only and
//! partly from memory \[R\]:
//! - Tết Âm lịch: 4 days until 2013 (Labour Code 1994 art. 73; Tết 2013 came
//!   before the 2012 Code took effect on 01/05/2013), 5 days from 2014.
//!   The number before 1995 is unverified.
//! - Giỗ Tổ Hùng Vương: a day off since 2007 (2007 amendment of art. 73).
//! - Quốc khánh adjacent day: since 2021 (Labour Code 2019). Its default
//!   placement (1/9, the day before) is a choice; the real one is announced.
//! - Chiến thắng 30/4: from 1976. Other fixed days: from 1900 (unverified
//!   before 1995).
//! - Saturday + Sunday rest for the public sector: Decree 188/1999/NĐ-CP took
//!   effect on 02/10/1999; encoded from the year 2000 (before: Sunday only).
//! - Compensatory days (nghỉ bù): encoded from 1995 (Labour Code 1994).
//! - Two holidays on the same date (e.g. Giỗ Tổ on 30/4) give one day off,
//!   not two: no source found either way.
//! - 24/11 Ngày Văn hóa Việt Nam is a rule with `effective_from: None` (not in
//!   force) until the Labour Code amendment takes effect.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::day::{DayKind, DayNote, DaySource};
use super::error::CalendarError;
use super::lunar::{LunarDate, lunar_new_year};

/// How a holiday's date is found each year.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HolidayDate {
    /// A fixed solar date, e.g. 30/4.
    Solar {
        /// Month 1..=12.
        month: u32,
        /// Day of month.
        day: u32,
    },
    /// A fixed lunar date (regular, not leap, month), e.g. 10/3 âm lịch.
    Lunar {
        /// Lunar month 1..=12.
        month: u8,
        /// Lunar day 1..=30.
        day: u8,
    },
    /// Tết: `days_before` last days of the old lunar year, then
    /// `days_from_first` days starting on mùng 1.
    LunarNewYear {
        /// Days taken before mùng 1 (the last day(s) of the lunar year).
        days_before: u32,
        /// Days from mùng 1 on (mùng 1 included).
        days_from_first: u32,
    },
}

/// A statutory holiday and the years it applies to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HolidayRule {
    /// Stable identifier, e.g. `gio-to-hung-vuong`.
    pub id: String,
    /// Vietnamese name shown to users.
    pub name: String,
    /// English name (second locale), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// How the date is found.
    pub date: HolidayDate,
    /// First year the rule applies; `None` = not (yet) in force.
    pub effective_from: Option<i32>,
    /// Last year the rule applies (inclusive); `None` = still in force.
    pub effective_until: Option<i32>,
    /// Whether the actual days are announced each year (Tết, the 2/9
    /// adjacent day), so that the computed date is only a default.
    pub announced: bool,
    /// Legal basis, for display.
    pub basis: String,
}

impl HolidayRule {
    /// Whether the rule applies in `year`.
    pub fn in_force(&self, year: i32) -> bool {
        self.effective_from.is_some_and(|from| from <= year)
            && self.effective_until.is_none_or(|until| year <= until)
    }

    /// The solar dates of this holiday in `year` (empty if not in force).
    pub fn dates(&self, year: i32) -> Result<Vec<NaiveDate>, CalendarError> {
        if !self.in_force(year) {
            return Ok(Vec::new());
        }
        let bad = |message: &str| CalendarError::Rule {
            id: self.id.clone(),
            message: message.into(),
        };
        match self.date {
            HolidayDate::Solar { month, day } => NaiveDate::from_ymd_opt(year, month, day)
                .map(|d| vec![d])
                .ok_or_else(|| bad("no such solar date")),
            HolidayDate::Lunar { month, day } => Ok(vec![
                LunarDate {
                    year,
                    month,
                    day,
                    leap: false,
                }
                .to_solar()?,
            ]),
            HolidayDate::LunarNewYear {
                days_before,
                days_from_first,
            } => {
                let first = lunar_new_year(year)?;
                let start = first
                    .checked_sub_days(Days::new(u64::from(days_before)))
                    .ok_or_else(|| bad("date underflow"))?;
                Ok(start
                    .iter_days()
                    .take((days_before + days_from_first) as usize)
                    .collect())
            }
        }
    }
}

/// The weekly rest days in force from a year on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WeekendRule {
    /// First year it applies (until the next rule's year).
    pub effective_from: i32,
    /// The rest days.
    pub rest_days: Vec<Weekday>,
}

/// The whole statutory rule table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RuleSet {
    /// Holiday rules.
    pub holidays: Vec<HolidayRule>,
    /// Weekly rest-day rules, by increasing `effective_from`.
    pub weekends: Vec<WeekendRule>,
    /// First year a holiday on a rest day gives a compensatory day
    /// (Labour Code art. 111(3)); `None` = never.
    pub compensation_from: Option<i32>,
}

fn rule(
    id: &str,
    name: &str,
    date: HolidayDate,
    from: Option<i32>,
    until: Option<i32>,
    announced: bool,
    basis: &str,
) -> HolidayRule {
    HolidayRule {
        id: id.into(),
        name: name.into(),
        name_en: english_name(id).map(Into::into),
        date,
        effective_from: from,
        effective_until: until,
        announced,
        basis: basis.into(),
    }
}

/// English names of the statutory holidays, by rule id.
fn english_name(id: &str) -> Option<&'static str> {
    Some(match id {
        "tet-duong-lich" => "New Year's Day",
        "tet-am-lich-4" | "tet-am-lich" => "Lunar New Year (Tết)",
        "gio-to-hung-vuong" => "Hung Kings' Commemoration Day",
        "chien-thang" => "Reunification Day",
        "quoc-te-lao-dong" => "International Workers' Day",
        "quoc-khanh" => "National Day",
        "quoc-khanh-lien-ke" => "National Day (adjacent day)",
        "ngay-van-hoa-viet-nam" => "Vietnamese Culture Day",
        _ => return None,
    })
}

impl RuleSet {
    /// The Vietnamese rule table (see the module documentation for what is approximate).
    pub fn vietnam() -> Self {
        use HolidayDate::{Lunar, LunarNewYear, Solar};
        let holidays = vec![
            rule(
                "tet-duong-lich",
                "Tết Dương lịch",
                Solar { month: 1, day: 1 },
                Some(1900),
                None,
                false,
                "BLLĐ 2019 Điều 112(1)(a)",
            ),
            rule(
                "tet-am-lich-4",
                "Tết Âm lịch",
                LunarNewYear {
                    days_before: 1,
                    days_from_first: 3,
                },
                Some(1900),
                Some(2013),
                true,
                "BLLĐ 1994 Điều 73 (4 ngày); trước 1995 chưa kiểm chứng",
            ),
            rule(
                "tet-am-lich",
                "Tết Âm lịch",
                LunarNewYear {
                    days_before: 1,
                    days_from_first: 4,
                },
                Some(2014),
                None,
                true,
                "BLLĐ 2012 Điều 115; BLLĐ 2019 Điều 112(1)(b)",
            ),
            rule(
                "gio-to-hung-vuong",
                "Giỗ Tổ Hùng Vương",
                Lunar { month: 3, day: 10 },
                Some(2007),
                None,
                false,
                "Luật sửa đổi BLLĐ 2007; BLLĐ 2019 Điều 112(1)(e)",
            ),
            rule(
                "chien-thang",
                "Ngày Chiến thắng",
                Solar { month: 4, day: 30 },
                Some(1976),
                None,
                false,
                "BLLĐ 2019 Điều 112(1)(c)",
            ),
            rule(
                "quoc-te-lao-dong",
                "Ngày Quốc tế lao động",
                Solar { month: 5, day: 1 },
                Some(1900),
                None,
                false,
                "BLLĐ 2019 Điều 112(1)(d)",
            ),
            rule(
                "quoc-khanh",
                "Quốc khánh",
                Solar { month: 9, day: 2 },
                Some(1945),
                None,
                false,
                "BLLĐ 2019 Điều 112(1)(đ)",
            ),
            rule(
                "quoc-khanh-lien-ke",
                "Quốc khánh (ngày liền kề)",
                Solar { month: 9, day: 1 },
                Some(2021),
                None,
                true,
                "BLLĐ 2019 Điều 112(1)(đ); ngày liền kề mặc định là 1/9",
            ),
            rule(
                "ngay-van-hoa-viet-nam",
                "Ngày Văn hóa Việt Nam",
                Solar { month: 11, day: 24 },
                None,
                None,
                false,
                "Chưa có hiệu lực: chờ sửa Điều 112(1) BLLĐ (NQ 30/NQ-CP)",
            ),
        ];
        let weekends = vec![
            WeekendRule {
                effective_from: 1900,
                rest_days: vec![Weekday::Sun],
            },
            WeekendRule {
                effective_from: 2000,
                rest_days: vec![Weekday::Sat, Weekday::Sun],
            },
        ];
        Self {
            holidays,
            weekends,
            compensation_from: Some(1995),
        }
    }

    /// Sets the first year of the rule `id` (e.g. to switch 24/11 on).
    /// Returns whether such a rule exists.
    pub fn set_effective_from(&mut self, id: &str, from: Option<i32>) -> bool {
        match self.holidays.iter_mut().find(|r| r.id == id) {
            Some(r) => {
                r.effective_from = from;
                true
            }
            None => false,
        }
    }

    /// Whether `date` is a weekly rest day under the rule in force that year.
    pub fn is_rest_day(&self, date: NaiveDate) -> bool {
        self.weekends
            .iter()
            .rev()
            .find(|w| w.effective_from <= date.year())
            .is_some_and(|w| w.rest_days.contains(&date.weekday()))
    }

    /// Statutory holidays of `year`: date → rules falling on it.
    pub fn holidays_of(
        &self,
        year: i32,
    ) -> Result<BTreeMap<NaiveDate, Vec<&HolidayRule>>, CalendarError> {
        let mut out: BTreeMap<NaiveDate, Vec<&HolidayRule>> = BTreeMap::new();
        for r in &self.holidays {
            for d in r.dates(year)? {
                if d.year() == year {
                    out.entry(d).or_default().push(r);
                }
            }
        }
        Ok(out)
    }

    /// The default special days of `year` when no official schedule exists:
    /// every statutory holiday (also those on a rest day) and the
    /// compensatory days. Plain weekends are not listed.
    pub fn default_days(&self, year: i32) -> Result<BTreeMap<NaiveDate, DayNote>, CalendarError> {
        let holidays = self.holidays_of(year)?;
        let mut out = BTreeMap::new();
        for (date, rules) in &holidays {
            out.insert(*date, holiday_note(rules));
        }
        if self.compensation_from.is_some_and(|from| from <= year) {
            for (date, rules) in &holidays {
                if !self.is_rest_day(*date) {
                    continue;
                }
                let mut cand = date.succ_opt();
                while let Some(c) = cand {
                    if c.year() != year {
                        break;
                    }
                    if !self.is_rest_day(c) && !out.contains_key(&c) {
                        let shown = crate::format::date(*date);
                        let label = format!("Nghỉ bù {} ({shown})", joined_names(rules));
                        let label_en = joined_english(rules)
                            .map(|n| format!("Compensatory day off for {n} ({shown})"));
                        let source = DaySource::Rule {
                            rule: "compensation".into(),
                        };
                        out.insert(
                            c,
                            DayNote {
                                working: false,
                                kind: DayKind::Compensatory,
                                label,
                                label_en,
                                source,
                            },
                        );
                        break;
                    }
                    cand = c.succ_opt();
                }
            }
        }
        Ok(out)
    }

    /// Statutory holidays of `year` at fixed dates (not announced yearly)
    /// that fall on a rest day: used to annotate weekends in official years.
    pub fn fixed_holidays_on_rest_days(
        &self,
        year: i32,
    ) -> Result<BTreeMap<NaiveDate, DayNote>, CalendarError> {
        let mut out = BTreeMap::new();
        for (date, rules) in self.holidays_of(year)? {
            let fixed: Vec<&HolidayRule> = rules.into_iter().filter(|r| !r.announced).collect();
            if !fixed.is_empty() && self.is_rest_day(date) {
                out.insert(date, holiday_note(&fixed));
            }
        }
        Ok(out)
    }
}

fn joined_names(rules: &[&HolidayRule]) -> String {
    let mut names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
    names.dedup();
    names.join(" + ")
}

/// The English names joined, when every rule has one.
fn joined_english(rules: &[&HolidayRule]) -> Option<String> {
    let mut names = rules
        .iter()
        .map(|r| r.name_en.as_deref())
        .collect::<Option<Vec<&str>>>()?;
    names.dedup();
    Some(names.join(" + "))
}

fn holiday_note(rules: &[&HolidayRule]) -> DayNote {
    let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    DayNote {
        working: false,
        kind: DayKind::Holiday,
        label: joined_names(rules),
        label_en: joined_english(rules),
        source: DaySource::Rule {
            rule: ids.join("+"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn default_2023_matches_the_announced_may_break() {
        let days = RuleSet::vietnam().default_days(2023).unwrap();
        assert_eq!(days[&d(2023, 5, 2)].kind, DayKind::Compensatory);
        assert_eq!(days[&d(2023, 5, 3)].kind, DayKind::Compensatory);
        assert_eq!(days[&d(2023, 1, 2)].kind, DayKind::Compensatory);
        assert_eq!(days[&d(2023, 9, 4)].kind, DayKind::Compensatory);
    }

    #[test]
    fn default_2026_tet_matches_the_announced_days() {
        let days = RuleSet::vietnam().default_days(2026).unwrap();
        for day in 16..=20 {
            assert_eq!(days[&d(2026, 2, day)].kind, DayKind::Holiday);
        }
        assert_eq!(days[&d(2026, 4, 27)].kind, DayKind::Compensatory);
    }

    #[test]
    fn historic_rules_apply_by_year() {
        let rules = RuleSet::vietnam();
        assert!(
            !rules
                .default_days(2006)
                .unwrap()
                .values()
                .any(|n| n.label.contains("Hùng"))
        );
        assert!(
            rules
                .default_days(2007)
                .unwrap()
                .values()
                .any(|n| n.label.contains("Hùng"))
        );
        assert!(
            !rules
                .default_days(2020)
                .unwrap()
                .contains_key(&d(2020, 9, 1))
        );
        assert!(
            !rules
                .default_days(2026)
                .unwrap()
                .contains_key(&d(2026, 11, 24))
        );
        let mut on = rules.clone();
        assert!(on.set_effective_from("ngay-van-hoa-viet-nam", Some(2026)));
        assert!(
            on.default_days(2026)
                .unwrap()
                .contains_key(&d(2026, 11, 24))
        );
        assert!(rules.is_rest_day(d(1998, 1, 4)));
        assert!(!rules.is_rest_day(d(1998, 1, 3)));
    }
}
