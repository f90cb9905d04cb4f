//! Classifying administrative units (NĐ 307/2025; NQ 1211/2016 for older
//! dates): the use case around the pure scorer of
//! `motcua_domain::classification`.
//!
//! Inputs are named as in the rule file. An input not given in the request
//! is taken from the unit's statistics (`unit_statistics`, loaded by
//! `motcua units classify --stats FILE.csv` with its source and date), else
//! reported missing. The answer is the score sheet (every criterion, its
//! points and its rule), the inputs with where each came from, and the
//! transitional type of Art. 15 where the predecessors' types are known
//! (statistic `class` of each predecessor). Each score sheet is kept; `GET`
//! answers the latest. Province administrators classify
//! ([`Capability::ClassifyUnits`]); the scope's leaders and unit
//! administrators read ([`Capability::ViewWorkload`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::classification::{
    ChangeWhen, Formation, InputValue, Inputs, KindOf, Outcome, RuleBook, ScoreSheet, Transitional,
    UnitClass, fixed_by_law_sheet, kind_of, score, transitional_class,
};
use motcua_domain::identity::RoleAssignment;
use motcua_domain::unit::{AdministrativeUnit, Era, UnitCode};
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::authz::ScopeResolver;
use crate::policy::{Capability, Denied, Policy};
use crate::ports::clock::Clock;
use crate::ports::staff::{ClassificationRecord, StaffStore, UnitStatistic};
use crate::ports::{AgencyDirectory, UnitStore};

/// What the classification use cases need from the store.
pub trait ClassificationPorts: StaffStore + UnitStore + AgencyDirectory {}

impl<T: StaffStore + UnitStore + AgencyDirectory + ?Sized> ClassificationPorts for T {}

/// Where an input's value came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputUsed {
    /// The input's name.
    pub name: String,
    /// Its value.
    pub value: InputValue,
    /// `request` or `statistics`.
    pub from: String,
    /// The statistic's source.
    pub source: Option<String>,
    /// The statistic's date.
    pub as_of: Option<NaiveDate>,
}

/// The answer: a unit's score sheet with its inputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    /// The unit's code.
    pub unit_code: String,
    /// Its name.
    pub unit_name: String,
    /// The date the rules were taken for.
    pub as_of: NaiveDate,
    /// The score sheet.
    pub sheet: ScoreSheet,
    /// The inputs used, with their origin.
    pub inputs: Vec<InputUsed>,
    /// The type held until classified (Art. 15), when it can be told.
    pub transitional: Option<Transitional>,
    /// When computed.
    pub computed_at: DateTime<Utc>,
}

impl Classification {
    /// `I`, `II`, `III`, `special` or `cannot_classify`.
    pub fn result(&self) -> &'static str {
        match &self.sheet.outcome {
            Outcome::Classified { class, .. } | Outcome::FixedByLaw { class, .. } => class.as_str(),
            Outcome::CannotClassify { .. } => "cannot_classify",
        }
    }
}

/// A classification request.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ClassifyInput {
    /// The date whose rule set applies (default: today).
    pub as_of: Option<NaiveDate>,
    /// Allow draft rules (a provisional score, marked so).
    pub provisional: bool,
    /// The inputs, by the rule file's names.
    pub inputs: BTreeMap<String, InputValue>,
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum ClassificationError {
    /// Bad input.
    #[error("{0}")]
    Invalid(String),
    /// No such unit.
    #[error("không có đơn vị hành chính {0} / no administrative unit {0}")]
    NotFound(String),
    /// No score sheet kept yet.
    #[error("đơn vị {0} chưa được phân loại / unit {0} has not been classified")]
    NotClassified(String),
    /// The policy said no.
    #[error("{}", .0.message())]
    Denied(Denied),
    /// Store or rule-file failure.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<Denied> for ClassificationError {
    fn from(d: Denied) -> Self {
        Self::Denied(d)
    }
}

impl From<crate::StoreError> for ClassificationError {
    fn from(e: crate::StoreError) -> Self {
        Self::Unexpected(anyhow::anyhow!("{e}"))
    }
}

impl From<AppError> for ClassificationError {
    fn from(e: AppError) -> Self {
        Self::Unexpected(anyhow::anyhow!("{e}"))
    }
}

/// Reads a statistic's text as an input value.
pub fn statistic_value(raw: &str) -> Option<InputValue> {
    InputValue::parse(raw)
}

/// The classification use cases.
#[derive(Clone)]
pub struct ClassificationService {
    store: Arc<dyn ClassificationPorts>,
    policy: Policy,
    clock: Clock,
}

/// The embedded rule sets, read once.
pub fn rule_book() -> Result<&'static RuleBook, ClassificationError> {
    static BOOK: std::sync::OnceLock<Result<RuleBook, String>> = std::sync::OnceLock::new();
    BOOK.get_or_init(|| RuleBook::embedded().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| ClassificationError::Unexpected(anyhow::anyhow!("{e}")))
}

impl ClassificationService {
    /// Over the store and the clock, with the embedded rule sets.
    pub fn new(store: Arc<dyn ClassificationPorts>, clock: Clock) -> Self {
        let directory: Arc<dyn AgencyDirectory> = store.clone();
        Self {
            store,
            policy: Policy::new(ScopeResolver::new(directory)),
            clock,
        }
    }

    async fn unit(&self, code: &str) -> Result<AdministrativeUnit, ClassificationError> {
        let parsed =
            UnitCode::parse(code).map_err(|_| ClassificationError::NotFound(code.to_owned()))?;
        self.store
            .get_unit(Era::Current, &parsed)
            .await?
            .ok_or_else(|| ClassificationError::NotFound(code.to_owned()))
    }

    /// Classifies a unit for an officer with [`Capability::ClassifyUnits`]
    /// over it, and keeps the score sheet.
    pub async fn classify(
        &self,
        roles: &[RoleAssignment],
        actor: &str,
        code: &str,
        input: &ClassifyInput,
    ) -> Result<Classification, ClassificationError> {
        self.policy
            .in_unit(roles, Capability::ClassifyUnits, code)
            .await?;
        self.classify_unchecked(actor, code, input).await
    }

    /// Classifies a unit without a policy check (the command line, run by
    /// the operator) and keeps the score sheet.
    pub async fn classify_unchecked(
        &self,
        actor: &str,
        code: &str,
        input: &ClassifyInput,
    ) -> Result<Classification, ClassificationError> {
        let unit = self.unit(code).await?;
        let now = self.clock.now();
        let as_of = input.as_of.unwrap_or_else(|| self.clock.today());
        let set = rule_book()?.in_force(as_of).ok_or_else(|| {
            ClassificationError::Invalid(format!(
                "Không có bộ quy tắc phân loại hiệu lực ngày {as_of} / no rule set in force on {as_of}"
            ))
        })?;
        let stats: Vec<UnitStatistic> = self.store.unit_statistics(unit.code.as_str()).await?;
        let (sheet, used) = match kind_of(&unit) {
            KindOf::FixedByLaw(class, article) => (fixed_by_law_sheet(set, class, article), vec![]),
            KindOf::NotClassified => {
                return Err(ClassificationError::Invalid(format!(
                    "{} không thuộc diện phân loại / is not a unit that is classified",
                    unit.code.as_str()
                )));
            }
            KindOf::Scored(kind) => {
                let mut inputs = Inputs::new();
                let mut used = Vec::new();
                for name in set.inputs_of(kind) {
                    if let Some(v) = input.inputs.get(&name) {
                        inputs.insert(name.clone(), *v);
                        used.push(InputUsed {
                            name,
                            value: *v,
                            from: "request".into(),
                            source: None,
                            as_of: None,
                        });
                    } else if let Some(s) = stats.iter().find(|s| s.name == name)
                        && let Some(v) = statistic_value(&s.value)
                    {
                        inputs.insert(name.clone(), v);
                        used.push(InputUsed {
                            name,
                            value: v,
                            from: "statistics".into(),
                            source: Some(s.source.clone()),
                            as_of: Some(s.as_of),
                        });
                    }
                }
                (score(set, kind, &inputs, input.provisional), used)
            }
        };
        let transitional = self.transitional(&unit, as_of).await?;
        let out = Classification {
            unit_code: unit.code.as_str().to_owned(),
            unit_name: unit.name.clone(),
            as_of,
            sheet,
            inputs: used,
            transitional,
            computed_at: now,
        };
        self.store
            .save_classification(&ClassificationRecord {
                unit_code: out.unit_code.clone(),
                computed_at: now,
                rule_set: out.sheet.rule_set.clone(),
                result: out.result().to_owned(),
                actor: actor.to_owned(),
                sheet: serde_json::to_value(&out).map_err(anyhow::Error::from)?,
            })
            .await?;
        Ok(out)
    }

    /// The type held until classified: merged (several predecessors), split
    /// (a predecessor split between successors) or from one predecessor, by
    /// the 2025 rearrangement; `None` when a predecessor's type is unknown.
    async fn transitional(
        &self,
        unit: &AdministrativeUnit,
        on: NaiveDate,
    ) -> Result<Option<Transitional>, ClassificationError> {
        let links = self.store.predecessors(&unit.code).await?;
        if links.is_empty() {
            return Ok(None);
        }
        let formation = if links.iter().any(|l| l.is_split()) {
            Formation::Split
        } else {
            let mut classes = Vec::new();
            for l in &links {
                let stats = self.store.unit_statistics(l.old_code.as_str()).await?;
                match stats
                    .iter()
                    .find(|s| s.name == "class")
                    .and_then(|s| UnitClass::parse(&s.value))
                {
                    Some(c) => classes.push(c),
                    None => return Ok(None),
                }
            }
            if classes.len() == 1 {
                Formation::FromOne {
                    predecessor: classes[0],
                }
            } else {
                Formation::Merged {
                    predecessors: classes,
                }
            }
        };
        Ok(Some(transitional_class(
            &formation,
            ChangeWhen::Rearrangement2025,
            on,
        )))
    }

    /// The latest score sheet of a unit, for a reader of its scope.
    pub async fn last(
        &self,
        roles: &[RoleAssignment],
        code: &str,
    ) -> Result<serde_json::Value, ClassificationError> {
        self.policy
            .in_unit(roles, Capability::ViewWorkload, code)
            .await?;
        self.store
            .last_classification(code)
            .await?
            .map(|r| r.sheet)
            .ok_or_else(|| ClassificationError::NotClassified(code.to_owned()))
    }

    /// Where the classification dossier of a commune-level unit is received
    /// and decided (QĐ 101/QĐ-BNV: the Sở Nội vụ, issue 17 item 4): the
    /// department of the unit's province named "Sở Nội vụ …", else the
    /// province's People's Committee (the root agency). `None` when the
    /// province has no agency at all.
    pub async fn internal_agency(&self, code: &str) -> Result<Option<String>, ClassificationError> {
        use motcua_domain::agency::AgencyKind;
        let unit = self.unit(code).await?;
        let province = unit.province_code.as_str().to_owned();
        let of_kind = |kind| crate::ports::AgencyFilter {
            unit_code: Some(province.clone()),
            kind: Some(kind),
            query_folded: None,
            limit: 200,
            offset: 0,
        };
        let (departments, _) = self
            .store
            .list_agencies(&of_kind(AgencyKind::Department))
            .await?;
        let wanted = motcua_domain::text::fold("Sở Nội vụ");
        if let Some(d) = departments.iter().find(|a| {
            // "Sở Nội vụ Thái Nguyên" (the default name) or "Sở Nội vụ".
            let name = motcua_domain::text::fold(&a.name);
            a.active
                && name
                    .strip_prefix(&wanted)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
        }) {
            return Ok(Some(d.id.clone()));
        }
        let (roots, _) = self
            .store
            .list_agencies(&of_kind(AgencyKind::ProvincialCommittee))
            .await?;
        Ok(roots.into_iter().find(|a| a.active).map(|a| a.id))
    }

    /// Keeps statistics (the command line).
    pub async fn save_statistics(&self, rows: &[UnitStatistic]) -> Result<(), ClassificationError> {
        self.store.save_unit_statistics(rows).await?;
        Ok(())
    }

    /// The unit and its children (a province: its communes), current era.
    pub async fn unit_and_children(
        &self,
        code: &str,
    ) -> Result<Vec<AdministrativeUnit>, ClassificationError> {
        let unit = self.unit(code).await?;
        let mut out = vec![unit.clone()];
        let mut offset = 0;
        loop {
            let page = self
                .store
                .list_units(&crate::ports::UnitFilter {
                    era: Era::Current,
                    level: None,
                    unit_type: None,
                    parent: Some(unit.code.clone()),
                    query_folded: None,
                    limit: 5_000,
                    offset,
                })
                .await?;
            let n = page.items.len() as u32;
            out.extend(page.items);
            if n < 5_000 {
                break;
            }
            offset += n;
        }
        Ok(out)
    }
}
