//! The Decision 766 service index of a unit subtree (issue 15): resolve
//! the unit (a province and its communes, or a commune alone), read the
//! facts once — the dossiers through [`IndexFacts`], feedback, payments and
//! electronic results through their ports (`None`: not connected, so those
//! indicators are not computed) — and let the domain's engine
//! ([`motcua_domain::service_index::compute`]) score the unit, rank its
//! communes and draw the trend, all from the same facts.
//!
//! Who may see which unit is the policy's `Capability::ViewServiceIndex`;
//! the public province page shows only scores and rankings (no dossier
//! codes, no personal data).

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use motcua_domain::service_index::engine::{RankLine, rank};
use motcua_domain::service_index::rules::RuleSet;
use motcua_domain::service_index::{
    FactSet, IndexReport, Level, Period, built_in, compute, in_force,
};
use motcua_domain::unit::{AdministrativeUnit, Era, UnitCode, UnitLevel};

use crate::AppError;
use crate::ports::index_facts::IndexFacts;
use crate::ports::service_index::{ElectronicResultFacts, FactScope, FeedbackFacts, PaymentFacts};
use crate::ports::{Clock, UnitFilter, UnitStore};

/// What the index reads: dossiers, the three fact sources, units.
pub trait ServiceIndexPorts:
    IndexFacts + FeedbackFacts + PaymentFacts + ElectronicResultFacts + UnitStore
{
}

impl<T: IndexFacts + FeedbackFacts + PaymentFacts + ElectronicResultFacts + UnitStore + ?Sized>
    ServiceIndexPorts for T
{
}

/// A unit and the communes below it.
#[derive(Debug, Clone)]
pub struct Subtree {
    /// The unit asked for.
    pub unit: AdministrativeUnit,
    /// Its communes (empty for a commune).
    pub communes: Vec<AdministrativeUnit>,
}

impl Subtree {
    /// The level the unit is scored at.
    pub fn level(&self) -> Level {
        if self.unit.level == UnitLevel::Commune {
            Level::Commune
        } else {
            Level::Province
        }
    }

    /// Every unit code of the subtree (the unit itself first).
    pub fn codes(&self) -> Vec<String> {
        std::iter::once(&self.unit)
            .chain(&self.communes)
            .map(|u| u.code.as_str().to_owned())
            .collect()
    }

    /// The name of a commune of the subtree (or of the unit).
    pub fn name_of(&self, code: &str) -> String {
        std::iter::once(&self.unit)
            .chain(&self.communes)
            .find(|u| u.code.as_str() == code)
            .map_or_else(|| code.to_owned(), |u| u.name.clone())
    }
}

/// The index of one unit for one period, with its communes ranked.
#[derive(Debug, Clone)]
pub struct UnitIndex {
    /// The subtree.
    pub subtree: Subtree,
    /// The unit's report.
    pub report: IndexReport,
    /// Its communes, best first (empty for a commune).
    pub ranking: Vec<RankLine>,
}

/// One point of a trend.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    /// The period.
    pub period: Period,
    /// Points obtained.
    pub total: f64,
    /// Out of.
    pub max_total: f64,
    /// `total / max_total` in percent, when anything was scored.
    pub percent: Option<f64>,
}

/// The index use cases.
#[derive(Clone)]
pub struct ServiceIndexService {
    ports: Arc<dyn ServiceIndexPorts>,
    clock: Clock,
    rules: Arc<Vec<RuleSet>>,
}

fn rules_error(e: &str) -> AppError {
    AppError::Unexpected(anyhow::anyhow!("766 rule set: {e}"))
}

impl ServiceIndexService {
    /// Over its ports and the clock, with the built-in rule sets (parsed
    /// once per process).
    pub fn new(ports: Arc<dyn ServiceIndexPorts>, clock: Clock) -> Result<Self, AppError> {
        static RULES: OnceLock<Result<Arc<Vec<RuleSet>>, String>> = OnceLock::new();
        let rules = RULES
            .get_or_init(|| built_in().map(Arc::new).map_err(|e| e.to_string()))
            .clone()
            .map_err(|e| rules_error(&e))?;
        Ok(Self {
            ports,
            clock,
            rules,
        })
    }

    /// The clock's now.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Parses a period text (400 on a bad one).
    pub fn period(text: &str) -> Result<Period, AppError> {
        Period::parse(text).map_err(|e| AppError::Invalid(e.to_string()))
    }

    /// The rule set in force for `period`.
    pub fn rules_for(&self, period: Period) -> Result<&RuleSet, AppError> {
        in_force(&self.rules, period.days().0)
            .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("no 766 rule set")))
    }

    /// The unit and its communes; 400 for a malformed code, 404 for an
    /// unknown one.
    pub async fn subtree(&self, unit: &str) -> Result<Subtree, AppError> {
        let code = UnitCode::parse(unit).map_err(|e| {
            AppError::Invalid(format!("mã đơn vị không hợp lệ / invalid unit code: {e}"))
        })?;
        let unit = self
            .ports
            .get_unit(Era::Current, &code)
            .await?
            .ok_or_else(|| {
                AppError::NotFound(format!(
                    "không có đơn vị hành chính {code} / no administrative unit {code}"
                ))
            })?;
        let communes = if unit.level == UnitLevel::Commune {
            Vec::new()
        } else {
            self.ports
                .list_units(&UnitFilter {
                    era: Era::Current,
                    level: Some(UnitLevel::Commune),
                    unit_type: None,
                    parent: Some(unit.code.clone()),
                    query_folded: None,
                    limit: 5_000,
                    offset: 0,
                })
                .await?
                .items
        };
        Ok(Subtree { unit, communes })
    }

    /// Every fact of the subtree for `[from, to)` (one read per source).
    pub async fn facts(
        &self,
        subtree: &Subtree,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        procedure: Option<String>,
    ) -> Result<FactSet, AppError> {
        let scope = FactScope {
            units: subtree.codes(),
            procedure,
            from,
            to,
        };
        let (dossiers, payments, feedback, electronic_results) = tokio::try_join!(
            self.ports.index_dossier_facts(&scope),
            self.ports.payment_facts(&scope),
            self.ports.feedback_facts(&scope),
            self.ports.electronic_result_facts(&scope),
        )?;
        Ok(FactSet {
            dossiers,
            payments,
            feedback,
            electronic_results,
        })
    }

    /// The report of `subtree` from facts already read.
    pub fn report(
        &self,
        subtree: &Subtree,
        facts: &FactSet,
        period: Period,
    ) -> Result<IndexReport, AppError> {
        Ok(compute(
            self.rules_for(period)?,
            facts,
            period,
            subtree.level(),
            self.clock.now(),
        ))
    }

    /// The communes of `subtree` ranked for `period` from the same facts.
    pub fn ranking(
        &self,
        subtree: &Subtree,
        facts: &FactSet,
        period: Period,
    ) -> Result<Vec<RankLine>, AppError> {
        let rules = self.rules_for(period)?;
        let now = self.clock.now();
        let mut units = facts.by_unit();
        Ok(rank(
            subtree
                .communes
                .iter()
                .map(|c| {
                    let code = c.code.as_str().to_owned();
                    let own = units.remove(&code).unwrap_or_else(|| facts.restrict(&code));
                    let report = compute(rules, &own, period, Level::Commune, now);
                    (code, report)
                })
                .collect(),
        ))
    }

    /// The index of `unit` for `period` (optionally one procedure), with
    /// its communes ranked when `with_ranking`.
    pub async fn index(
        &self,
        unit: &str,
        period: Period,
        procedure: Option<String>,
        with_ranking: bool,
    ) -> Result<UnitIndex, AppError> {
        let subtree = self.subtree(unit).await?;
        let (from, to) = period.bounds();
        let facts = self.facts(&subtree, from, to, procedure).await?;
        let report = self.report(&subtree, &facts, period)?;
        let ranking = if with_ranking {
            self.ranking(&subtree, &facts, period)?
        } else {
            Vec::new()
        };
        Ok(UnitIndex {
            subtree,
            report,
            ranking,
        })
    }

    /// The score of `subtree` for the `months` periods ending with `last`
    /// (oldest first), from one read of the facts.
    pub async fn trend(
        &self,
        subtree: &Subtree,
        last: Period,
        months: u32,
    ) -> Result<Vec<TrendPoint>, AppError> {
        let periods: Vec<Period> = (0..months).rev().map(|n| last.back(n)).collect();
        let (Some(first), Some(end)) = (periods.first(), periods.last()) else {
            return Ok(Vec::new());
        };
        let facts = self
            .facts(subtree, first.bounds().0, end.bounds().1, None)
            .await?;
        periods
            .into_iter()
            .map(|p| {
                let r = self.report(subtree, &facts, p)?;
                Ok(TrendPoint {
                    period: p,
                    total: r.total,
                    max_total: r.max_total,
                    percent: r.score_percent(),
                })
            })
            .collect()
    }
}
