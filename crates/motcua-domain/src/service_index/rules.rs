//! The rule set of the index as data: which indicators, their maxima,
//! thresholds, commune applicability and how each is computed, read from a
//! TOML file with an effective date (`reference/service-index/`). A
//! province's variant or a revision of Decision 766 is a new file and a line
//! in [`BUILT_IN`], not new code.

use chrono::NaiveDate;
use serde::Deserialize;

/// The rule sets shipped in the binary, oldest first.
pub const BUILT_IN: &[&str] = &[include_str!(
    "../../../../reference/service-index/766-2025.toml"
)];

/// How the engine computes an indicator from its facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// 2.1: the one on-time rule over the dossiers handled in the period.
    OnTime,
    /// 2.2: average resolution time in days (information only).
    AverageDays,
    /// 3.3: dossiers received online / received.
    OnlineShare,
    /// 3.5b: procedures with an online payment / fee-bearing procedures.
    ProceduresPaidOnline,
    /// 3.6: dossiers paid online / fee-bearing dossiers.
    DossiersPaidOnline,
    /// 4.1: dossiers with an electronic result / dossiers with a result.
    ElectronicResults,
    /// 4.2: dossiers with a digitised component / received.
    Digitised,
    /// 4.3: dossiers with a reused component / received.
    Reused,
    /// 4.4: dossiers with a component from the citizen's data store.
    CitizenDataStore,
    /// 4.5b: dossiers using population data / received.
    PopulationData,
    /// 5.1: classified feedback / feedback.
    FeedbackClassified,
    /// 5.2: feedback handled on time / feedback.
    FeedbackOnTime,
    /// 5.3: feedback handled to the citizen's satisfaction / feedback.
    FeedbackSatisfaction,
    /// 5.4: 100 % − (late rate + rate of dossiers with feedback).
    DossierSatisfaction,
    /// motcua cannot compute it; `reason_vi` says why.
    NotComputed,
}

/// Where an indicator's facts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The dossiers projection (always connected).
    Dossiers,
    /// Online payments.
    Payments,
    /// Electronic results.
    ElectronicResults,
    /// Citizens' feedback (PAKN).
    Feedback,
    /// Nothing motcua has.
    None,
}

impl Method {
    /// The source of the facts it needs beyond the dossiers.
    pub fn source(self) -> Source {
        match self {
            Self::ProceduresPaidOnline | Self::DossiersPaidOnline => Source::Payments,
            Self::ElectronicResults => Source::ElectronicResults,
            Self::FeedbackClassified
            | Self::FeedbackOnTime
            | Self::FeedbackSatisfaction
            | Self::DossierSatisfaction => Source::Feedback,
            Self::NotComputed => Source::None,
            _ => Source::Dossiers,
        }
    }
}

/// One indicator of a rule set.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorRule {
    /// Its number, e.g. "2.1".
    pub id: String,
    /// Its group (CKMB, TĐGQ, DVCTT, TTTT, SHHS, MĐHL).
    pub group: String,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// Points at 100 % (0: information only).
    pub max_points: f64,
    /// Percent at which the full points are reached.
    #[serde(default)]
    pub threshold: Option<f64>,
    /// Whether it applies to a commune (a commune gets full points where it
    /// does not).
    pub commune: bool,
    /// How it is computed.
    pub method: Method,
    /// The rule in words.
    pub rule_vi: String,
    /// Why motcua cannot compute it (for `not_computed`).
    #[serde(default)]
    pub reason_vi: Option<String>,
}

/// The header of a rule set.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSetInfo {
    /// Identifier, e.g. "766-2025".
    pub id: String,
    /// Vietnamese name.
    pub name_vi: String,
    /// First day it applies to.
    pub effective_from: NaiveDate,
    /// Source note.
    pub source: String,
}

/// A rule set: the header and its indicators in display order.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// Header.
    pub rule_set: RuleSetInfo,
    /// Indicators.
    #[serde(rename = "indicator")]
    pub indicators: Vec<IndicatorRule>,
}

/// Why a rule set was refused.
#[derive(Debug, thiserror::Error)]
pub enum RuleSetError {
    /// Not valid TOML or not the expected shape.
    #[error("bộ chỉ số không đọc được / rule set unreadable: {0}")]
    Parse(#[from] toml::de::Error),
    /// Inconsistent content.
    #[error("bộ chỉ số sai / invalid rule set: {0}")]
    Invalid(String),
}

impl RuleSet {
    /// Parses and checks a rule set.
    pub fn parse(text: &str) -> Result<Self, RuleSetError> {
        let set: Self = toml::from_str(text)?;
        let mut seen = std::collections::BTreeSet::new();
        for i in &set.indicators {
            if !seen.insert(i.id.clone()) {
                return Err(RuleSetError::Invalid(format!("{} appears twice", i.id)));
            }
            if !(0.0..=100.0).contains(&i.max_points)
                || i.threshold.is_some_and(|t| !(t > 0.0 && t <= 100.0))
            {
                return Err(RuleSetError::Invalid(format!(
                    "{}: points or threshold",
                    i.id
                )));
            }
            if (i.method == Method::NotComputed) != i.reason_vi.is_some() {
                return Err(RuleSetError::Invalid(format!(
                    "{}: reason_vi is for not_computed indicators, and they need one",
                    i.id
                )));
            }
        }
        Ok(set)
    }

    /// The sum of the maxima (100 for Decision 766).
    pub fn max_total(&self) -> f64 {
        self.indicators.iter().map(|i| i.max_points).sum()
    }
}

/// Every built-in rule set, oldest first.
pub fn built_in() -> Result<Vec<RuleSet>, RuleSetError> {
    let mut sets = BUILT_IN
        .iter()
        .map(|t| RuleSet::parse(t))
        .collect::<Result<Vec<_>, _>>()?;
    sets.sort_by_key(|s| s.rule_set.effective_from);
    Ok(sets)
}

/// The rule set in force on `day`: the latest one effective on or before
/// it, else the oldest.
pub fn in_force(sets: &[RuleSet], day: NaiveDate) -> Option<&RuleSet> {
    sets.iter()
        .rev()
        .find(|s| s.rule_set.effective_from <= day)
        .or_else(|| sets.first())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_set_parses_and_totals_100_points() {
        let sets = built_in().unwrap();
        let set = &sets[0];
        assert_eq!(set.rule_set.id, "766-2025");
        assert!(
            (set.max_total() - 100.0).abs() < 1e-9,
            "{}",
            set.max_total()
        );
        let by_group = |g: &str| -> f64 {
            set.indicators
                .iter()
                .filter(|i| i.group == g)
                .map(|i| i.max_points)
                .sum()
        };
        // Facts sheet §3.2: CKMB 18, TĐGQ 20, DVCTT 12, TTTT 10, SHHS 22, MĐHL 18.
        assert_eq!(
            ["CKMB", "TĐGQ", "DVCTT", "TTTT", "SHHS", "MĐHL"].map(by_group),
            [18.0, 20.0, 12.0, 10.0, 22.0, 18.0]
        );
        let not_commune: Vec<&str> = set
            .indicators
            .iter()
            .filter(|i| !i.commune)
            .map(|i| i.id.as_str())
            .collect();
        assert_eq!(not_commune, ["3.0", "3.1", "3.2", "4.5a", "4.5b"]);
    }

    #[test]
    fn a_rule_set_without_a_reason_for_a_not_computed_row_is_refused() {
        let text = r#"
[rule_set]
id = "x"
name_vi = "x"
effective_from = "2026-01-01"
source = "x"
[[indicator]]
id = "1.1"
group = "CKMB"
name_vi = "a"
name_en = "a"
max_points = 6
commune = true
method = "not_computed"
rule_vi = "r"
"#;
        assert!(matches!(
            RuleSet::parse(text),
            Err(RuleSetError::Invalid(_))
        ));
    }

    #[test]
    fn the_set_in_force_is_the_latest_effective_one() {
        let mut a = built_in().unwrap().remove(0);
        let mut b = a.clone();
        b.rule_set.id = "variant".into();
        b.rule_set.effective_from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        a.rule_set.effective_from = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        let sets = vec![a, b];
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            in_force(&sets, day(2025, 12, 31)).unwrap().rule_set.id,
            "766-2025"
        );
        assert_eq!(
            in_force(&sets, day(2026, 1, 1)).unwrap().rule_set.id,
            "variant"
        );
        assert_eq!(
            in_force(&sets, day(2024, 1, 1)).unwrap().rule_set.id,
            "766-2025"
        );
    }
}
