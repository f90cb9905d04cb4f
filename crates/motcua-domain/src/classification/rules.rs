//! Rule sets as data: one TOML file per instrument (`reference/classification/`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// NĐ 307/2025 as shipped (`reference/classification/nd-307-2025.toml`).
pub const ND_307_2025_TOML: &str =
    include_str!("../../../../reference/classification/nd-307-2025.toml");
/// NQ 1211/2016 as shipped (`reference/classification/nq-1211-2016.toml`).
pub const NQ_1211_2016_TOML: &str =
    include_str!("../../../../reference/classification/nq-1211-2016.toml");

/// A rule file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("tệp quy tắc phân loại không hợp lệ / invalid classification rule file: {0}")]
pub struct RuleError(pub String);

/// The kind of unit a point table is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Tỉnh (and centrally-run cities other than the two special ones).
    Province,
    /// Xã.
    Xa,
    /// Phường.
    Phuong,
    /// Đặc khu.
    DacKhu,
    /// Thị trấn (legacy, NQ 1211 only).
    ThiTran,
}

impl UnitKind {
    /// The spelling used in rule files and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::Xa => "xa",
            Self::Phuong => "phuong",
            Self::DacKhu => "dac_khu",
            Self::ThiTran => "thi_tran",
        }
    }

    /// Whether the special type (loại đặc biệt) exists for this kind by
    /// points (NĐ 307 Art. 2: phường and đặc khu only).
    pub fn may_be_special(self) -> bool {
        matches!(self, Self::Phuong | Self::DacKhu)
    }
}

/// How far a rule's text was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleStatus {
    /// The promulgated text.
    Final,
    /// Only a draft: used for a provisional score only.
    Draft,
    /// Not found: never guessed.
    NotFound,
}

/// The group a criterion belongs to (Art. 4.2, plus priority points).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Quy mô dân số.
    Population,
    /// Diện tích tự nhiên.
    Area,
    /// Điều kiện phát triển kinh tế - xã hội.
    SocioEconomic,
    /// Tiêu chí đặc thù.
    Special,
    /// Điểm ưu tiên (kept apart from the 100 points).
    Priority,
}

/// Whether more of the input earns more points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Points grow above the threshold.
    #[default]
    Up,
    /// Points grow below the threshold (e.g. the poverty rate).
    Down,
}

/// One criterion's rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    /// The kind of unit.
    pub kind: UnitKind,
    /// The criterion's id (`population`, `natural_area`, …).
    pub id: String,
    /// Its group.
    pub group: Group,
    /// How far its text was found.
    pub status: RuleStatus,
    /// The article and clause.
    pub article: String,
    /// The source of the fact, with its tag.
    #[serde(default)]
    pub source: Option<String>,
    /// Why a rule is missing, or a remark.
    #[serde(default)]
    pub note: Option<String>,
    /// The input's name (API and statistics CSV).
    #[serde(default)]
    pub input: Option<String>,
    /// Up or down.
    #[serde(default)]
    pub direction: Direction,
    /// The threshold at or below (above, going down) which `base_points` apply.
    #[serde(default)]
    pub base_threshold: f64,
    /// Points at the threshold.
    #[serde(default)]
    pub base_points: f64,
    /// The step of the increment.
    #[serde(default)]
    pub step: f64,
    /// Points per step, pro rata.
    #[serde(default)]
    pub step_points: f64,
    /// The most points.
    #[serde(default)]
    pub cap: f64,
    /// The threshold is this input's value (e.g. the province's average).
    #[serde(default)]
    pub threshold_input: Option<String>,
    /// A yes/no input that, when yes, gives `flag_points`.
    #[serde(default)]
    pub flag_input: Option<String>,
    /// Points when `flag_input` is yes.
    #[serde(default)]
    pub flag_points: f64,
    /// Scale factors by yes/no input (`mountainous = 0.75`).
    #[serde(default)]
    pub modifiers: BTreeMap<String, f64>,
}

/// The thresholds of one kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// The kind of unit.
    pub kind: UnitKind,
    /// Special type from (without priority points), where it exists.
    #[serde(default)]
    pub special: Option<f64>,
    /// A yes/no input standing for the special type's further conditions;
    /// `None`: those conditions are a missing rule.
    #[serde(default)]
    pub special_condition_input: Option<String>,
    /// Type I from.
    pub type_i: f64,
    /// Type II from.
    pub type_ii: f64,
    /// The source.
    #[serde(default)]
    pub source: Option<String>,
}

/// One instrument's rules, with its effective dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSet {
    /// Id (`nd-307-2025`).
    pub id: String,
    /// The instrument's name.
    pub instrument: String,
    /// In force from (inclusive).
    pub effective_from: NaiveDate,
    /// In force until (exclusive).
    #[serde(default)]
    pub effective_to: Option<NaiveDate>,
    /// The source of the instrument.
    #[serde(default)]
    pub source: Option<String>,
    /// Thresholds per kind.
    #[serde(default)]
    pub thresholds: Vec<Thresholds>,
    /// The criteria.
    #[serde(default)]
    pub criteria: Vec<Criterion>,
}

impl RuleSet {
    /// Reads and checks a rule file.
    pub fn parse_toml(text: &str) -> Result<Self, RuleError> {
        let set: Self = toml::from_str(text).map_err(|e| RuleError(e.to_string()))?;
        for c in &set.criteria {
            let at = format!("{} {} {}", set.id, c.kind.as_str(), c.id);
            if c.status == RuleStatus::NotFound {
                continue;
            }
            if c.input.is_none() {
                return Err(RuleError(format!("{at}: no input")));
            }
            if c.step.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater)
                || c.cap < c.base_points
                || c.base_points < 0.0
            {
                return Err(RuleError(format!("{at}: step must be > 0 and base ≤ cap")));
            }
            if c.modifiers.values().any(|f| !(*f > 0.0 && *f <= 1.0)) {
                return Err(RuleError(format!("{at}: a modifier must be in (0, 1]")));
            }
        }
        for t in &set.thresholds {
            if t.type_ii > t.type_i || t.special.is_some_and(|s| s < t.type_i) {
                return Err(RuleError(format!(
                    "{} {}: thresholds out of order",
                    set.id,
                    t.kind.as_str()
                )));
            }
        }
        Ok(set)
    }

    /// Whether the set is in force on `date`.
    pub fn in_force(&self, date: NaiveDate) -> bool {
        date >= self.effective_from && self.effective_to.is_none_or(|to| date < to)
    }

    /// The criteria of a kind, in file order.
    pub fn criteria_of(&self, kind: UnitKind) -> impl Iterator<Item = &Criterion> {
        self.criteria.iter().filter(move |c| c.kind == kind)
    }

    /// The thresholds of a kind.
    pub fn thresholds_of(&self, kind: UnitKind) -> Option<&Thresholds> {
        self.thresholds.iter().find(|t| t.kind == kind)
    }

    /// Every input name the kind's rules read, in order, once each.
    pub fn inputs_of(&self, kind: UnitKind) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in self.criteria_of(kind) {
            let names = c
                .input
                .iter()
                .chain(c.threshold_input.iter())
                .chain(c.flag_input.iter())
                .cloned()
                .chain(c.modifiers.keys().cloned());
            for n in names {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        }
        out
    }
}

/// Every rule set, side by side.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleBook {
    sets: Vec<RuleSet>,
}

impl RuleBook {
    /// The rule sets shipped with motcua.
    pub fn embedded() -> Result<Self, RuleError> {
        Self::new(vec![
            RuleSet::parse_toml(NQ_1211_2016_TOML)?,
            RuleSet::parse_toml(ND_307_2025_TOML)?,
        ])
    }

    /// A book of rule sets; errors when two are in force on the same day.
    pub fn new(mut sets: Vec<RuleSet>) -> Result<Self, RuleError> {
        sets.sort_by_key(|s| s.effective_from);
        for pair in sets.windows(2) {
            let open = pair[0]
                .effective_to
                .is_none_or(|to| to > pair[1].effective_from);
            if open {
                return Err(RuleError(format!(
                    "{} and {} overlap",
                    pair[0].id, pair[1].id
                )));
            }
        }
        Ok(Self { sets })
    }

    /// The set in force on `date`.
    pub fn in_force(&self, date: NaiveDate) -> Option<&RuleSet> {
        self.sets.iter().find(|s| s.in_force(date))
    }

    /// A set by id.
    pub fn by_id(&self, id: &str) -> Option<&RuleSet> {
        self.sets.iter().find(|s| s.id == id)
    }

    /// Every set, oldest first.
    pub fn sets(&self) -> &[RuleSet] {
        &self.sets
    }
}
