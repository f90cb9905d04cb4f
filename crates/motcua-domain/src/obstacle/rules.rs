//! The data of obstacles: categories, the owner per category at each level,
//! answer deadlines, each rule set with its effective date and source note
//! (`reference/obstacles/obstacles.toml`).

use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::agency::DEFAULT_DEPARTMENTS;
use crate::calendar::WorkingCalendar;
use crate::clock::{ClockError, ClockRequest, compute_due, to_local};
use crate::legal_time::TimeLimit;

use super::case::Owner;

const EMBEDDED: &str = include_str!("../../../../reference/obstacles/obstacles.toml");

/// A level of the escalation chain above the commune.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Sở: the provincial department owning the category.
    Department,
    /// UBND tỉnh: the provincial People's Committee.
    Province,
    /// Bộ / Văn phòng Chính phủ: the central owner of the category.
    Ministry,
}

impl Level {
    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Department => "department",
            Self::Province => "province",
            Self::Ministry => "ministry",
        }
    }

    /// Vietnamese name of the level.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Department => "Cấp sở",
            Self::Province => "UBND tỉnh",
            Self::Ministry => "Bộ, ngành trung ương",
        }
    }

    /// The next level up; `None` above a ministry (the Government meets monthly).
    pub fn next(self) -> Option<Self> {
        match self {
            Self::Department => Some(Self::Province),
            Self::Province => Some(Self::Ministry),
            Self::Ministry => None,
        }
    }
}

/// One category of obstacle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// Code, e.g. `HA_TANG_CNTT`.
    pub code: String,
    /// Vietnamese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// The owning provincial department (a name of [`DEFAULT_DEPARTMENTS`]);
    /// empty when the UBND tỉnh owns the category directly.
    pub department: String,
    /// The owning ministry's id.
    pub ministry: String,
    /// Whether live dossier figures can be attached (procedures, IT).
    pub evidence: bool,
}

/// A central owner (bộ, VPCP).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ministry {
    /// The agency identifier of the ministry.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// The rules in force from one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSet {
    /// First day (Vietnam time) the set applies to submissions.
    pub effective_from: NaiveDate,
    /// Where the facts come from.
    pub source: String,
    /// Working days for a department to answer.
    pub department_answer_working_days: u32,
    /// Working days for the UBND tỉnh to answer.
    pub province_answer_working_days: u32,
    /// Working days for a ministry to answer.
    pub ministry_answer_working_days: u32,
    /// The central owners.
    pub ministry: Vec<Ministry>,
    /// The categories.
    pub category: Vec<Category>,
}

impl RuleSet {
    /// The category of `code`.
    pub fn category(&self, code: &str) -> Option<&Category> {
        self.category.iter().find(|c| c.code == code)
    }

    /// The ministry of `id`.
    pub fn ministry(&self, id: &str) -> Option<&Ministry> {
        self.ministry.iter().find(|m| m.id == id)
    }

    /// Working days to answer at `level`.
    pub fn answer_working_days(&self, level: Level) -> u32 {
        match level {
            Level::Department => self.department_answer_working_days,
            Level::Province => self.province_answer_working_days,
            Level::Ministry => self.ministry_answer_working_days,
        }
    }

    /// When an answer at `level` is due for a case that reached it at
    /// `from`: the working-day clock (end of the office day of the N-th
    /// working day, `crate::clock`), with the province's office hours.
    pub fn answer_due(
        &self,
        cal: &WorkingCalendar,
        level: Level,
        from: DateTime<Utc>,
        province: Option<&str>,
    ) -> Result<DateTime<Utc>, ClockError> {
        let mut req = ClockRequest::new(
            from,
            TimeLimit::working_days(self.answer_working_days(level)),
        );
        req.province = province.map(str::to_owned);
        compute_due(cal, &req)?
            .due_at
            .ok_or(ClockError::LimitTooLarge)
    }

    /// The first level a submitted case of `category` goes to: its
    /// department, or the UBND tỉnh when no department owns it.
    pub fn first_level(&self, category: &Category) -> Level {
        if self.department_index(category).is_some() {
            Level::Department
        } else {
            Level::Province
        }
    }

    fn department_index(&self, category: &Category) -> Option<usize> {
        DEFAULT_DEPARTMENTS
            .iter()
            .position(|d| *d == category.department)
    }

    /// The owner of a case of `category` at `level` in the province whose
    /// People's Committee is `province_root` (default agency identifiers,
    /// `crate::agency::default_agencies`: `H55.S01` is the first department).
    pub fn owner_at(&self, category: &Category, level: Level, province_root: &str) -> Owner {
        match level {
            Level::Department => match self.department_index(category) {
                Some(i) => Owner {
                    agency: format!("{province_root}.S{:02}", i + 1),
                    name: category.department.clone(),
                    level,
                },
                None => self.owner_at(category, Level::Province, province_root),
            },
            Level::Province => Owner {
                agency: province_root.to_owned(),
                name: "Ủy ban nhân dân tỉnh".to_owned(),
                level: Level::Province,
            },
            Level::Ministry => Owner {
                agency: category.ministry.clone(),
                name: self
                    .ministry(&category.ministry)
                    .map_or_else(|| category.ministry.clone(), |m| m.name.clone()),
                level,
            },
        }
    }
}

/// Why the rules could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    /// Not valid TOML of the expected shape.
    #[error("quy tắc vướng mắc không đọc được / obstacle rules unreadable: {0}")]
    Parse(String),
    /// A check failed (no set, unknown department or ministry, duplicate code).
    #[error("quy tắc vướng mắc không hợp lệ / obstacle rules invalid: {0}")]
    Invalid(String),
}

#[derive(Deserialize)]
struct File {
    rule_set: Vec<RuleSet>,
}

/// Every rule set, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObstacleRules {
    sets: Vec<RuleSet>,
}

impl ObstacleRules {
    /// Parses and checks a rules file.
    pub fn parse(toml_text: &str) -> Result<Self, RulesError> {
        let mut file: File =
            toml::from_str(toml_text).map_err(|e| RulesError::Parse(e.to_string()))?;
        file.rule_set.sort_by_key(|s| s.effective_from);
        if file.rule_set.is_empty() {
            return Err(RulesError::Invalid("no [[rule_set]]".into()));
        }
        for set in &file.rule_set {
            let mut codes: Vec<&str> = set.category.iter().map(|c| c.code.as_str()).collect();
            codes.sort_unstable();
            codes.dedup();
            if codes.len() != set.category.len() || codes.is_empty() {
                return Err(RulesError::Invalid(
                    "duplicate or missing categories".into(),
                ));
            }
            for c in &set.category {
                if !c.department.is_empty() && set.department_index(c).is_none() {
                    return Err(RulesError::Invalid(format!(
                        "{}: unknown department {}",
                        c.code, c.department
                    )));
                }
                if set.ministry(&c.ministry).is_none() {
                    return Err(RulesError::Invalid(format!(
                        "{}: unknown ministry {}",
                        c.code, c.ministry
                    )));
                }
            }
        }
        Ok(Self {
            sets: file.rule_set,
        })
    }

    /// The rules embedded in the binary, parsed once.
    pub fn embedded() -> Result<&'static Self, RulesError> {
        static RULES: OnceLock<Result<ObstacleRules, RulesError>> = OnceLock::new();
        RULES
            .get_or_init(|| Self::parse(EMBEDDED))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The set in force at `at` (Vietnam day); the oldest before any.
    pub fn in_force(&self, at: DateTime<Utc>) -> &RuleSet {
        let day = to_local(at).date();
        self.sets
            .iter()
            .rev()
            .find(|s| s.effective_from <= day)
            .unwrap_or(&self.sets[0])
    }

    /// The newest set (for the category list of a new draft).
    pub fn latest(&self) -> &RuleSet {
        &self.sets[self.sets.len() - 1]
    }

    /// Every category code and name known to any set (for reading old cases).
    pub fn category_name(&self, code: &str) -> String {
        self.sets
            .iter()
            .rev()
            .find_map(|s| s.category(code))
            .map_or_else(|| code.to_owned(), |c| c.name.clone())
    }

    /// Who sees an overdue case owned at `owner`: the level above (the UBND
    /// tỉnh for a department, the ministry for the UBND tỉnh); `None` for a
    /// ministry.
    pub fn watcher(
        &self,
        set: &RuleSet,
        category: &Category,
        owner: &Owner,
        province_root: &str,
    ) -> Option<Owner> {
        owner
            .level
            .next()
            .map(|l| set.owner_at(category, l, province_root))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_rules_name_nine_categories_and_a_known_owner_for_each() {
        let rules = ObstacleRules::embedded().unwrap();
        let set = rules.latest();
        assert_eq!(set.category.len(), 9);
        let it = set.category("HA_TANG_CNTT").unwrap();
        assert_eq!(set.first_level(it), Level::Department);
        let dept = set.owner_at(it, Level::Department, "H55");
        assert_eq!(dept.agency, "H55.S10");
        assert_eq!(dept.name, "Sở Khoa học và Công nghệ");
        let tthc = set.category("TTHC").unwrap();
        assert_eq!(set.first_level(tthc), Level::Province);
        assert_eq!(set.owner_at(tthc, Level::Ministry, "H55").agency, "G90");
        let watcher = rules.watcher(set, it, &dept, "H55").unwrap();
        assert_eq!(watcher.agency, "H55");
        assert_eq!(set.answer_working_days(Level::Ministry), 15);
    }

    #[test]
    fn a_category_with_an_unknown_ministry_is_refused() {
        let bad = EMBEDDED.replace("ministry = \"G94\"", "ministry = \"XYZ\"");
        assert!(matches!(
            ObstacleRules::parse(&bad),
            Err(RulesError::Invalid(_))
        ));
    }
}
