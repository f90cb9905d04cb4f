//! `GET /api/v1/service-index`: the Decision 766 service index of a unit
//! (a province with its communes ranked, or a commune) for a month
//! `YYYY-MM`, a quarter `YYYY-Qn`, a year `YYYY` or a reporting month
//! `YYYY-MM-BC`. Leaders and province administrators, for units in their
//! scope (`Capability::ViewServiceIndex`). With `detail=true` each
//! indicator also lists the items (dossier codes, procedure codes or
//! feedback ids) behind its numerator and denominator, and the open ones to
//! act on.

use axum::Json;
use axum::extract::State;
use motcua_app::policy::Capability;
use motcua_app::service_index::{ServiceIndexService, UnitIndex};
use motcua_domain::service_index::engine::{IndicatorResult, ItemKind, RankLine};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Officer;
use crate::extract::ApiQuery;
use crate::problem::Problem;

/// The query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IndexParams {
    /// Administrative unit code (province or commune), e.g. `19`.
    pub unit: String,
    /// `YYYY-MM`, `YYYY-Qn`, `YYYY` or `YYYY-MM-BC` (15th to 14th); default
    /// the running month.
    pub period: Option<String>,
    /// Only this procedure (`MaTTHC`).
    pub procedure: Option<String>,
    /// `true`: list the items behind each numerator and denominator.
    pub detail: Option<bool>,
}

/// One indicator.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorJson {
    /// Its number, e.g. "2.1".
    pub id: String,
    /// Vietnamese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Group (CKMB, TĐGQ, DVCTT, TTTT, SHHS, MĐHL).
    pub group: String,
    /// Numerator (total days for 2.2); null when not computed.
    #[schema(value_type = Option<f64>)]
    pub numerator: Value,
    /// Denominator; null when not computed.
    pub denominator: Option<u64>,
    /// Percent (average days for 2.2), two decimals; null on a zero
    /// denominator (N/A) or when not computed.
    pub ratio: Option<f64>,
    /// Points, two decimals; null when N/A, not computed or information only.
    pub points: Option<f64>,
    /// Maximum points (0: information only).
    pub max_points: f64,
    /// Threshold in percent.
    pub threshold: Option<f64>,
    /// Whether motcua computed it.
    pub computed: bool,
    /// Whether it applies at this level (false: a commune's full points).
    pub applicable: bool,
    /// The rule in words and what happened.
    pub explanation: String,
    /// Points one more item in the numerator would add.
    pub gain_per_item: Option<f64>,
    /// `dossier`, `procedure` or `feedback` (with `detail`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_kind: Option<&'static str>,
    /// The items of the numerator (with `detail`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerator_items: Option<Vec<String>>,
    /// The items of the denominator (with `detail`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denominator_items: Option<Vec<String>>,
    /// Open items whose handling would raise it, most urgent first (with
    /// `detail`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_act: Option<Vec<String>>,
}

/// One commune of the ranking.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankJson {
    /// Rank (ties share one).
    pub rank: usize,
    /// Commune code.
    pub unit: String,
    /// Its name.
    pub name: String,
    /// Points obtained.
    pub total: f64,
    /// Out of.
    pub max_total: f64,
    /// `total / max_total` in percent.
    pub score_percent: Option<f64>,
}

/// The index of a unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndexJson {
    /// The unit's code.
    pub unit: String,
    /// Its name.
    pub unit_name: String,
    /// `province` or `commune`.
    pub level: &'static str,
    /// The period, as given back in canonical form.
    pub period: String,
    /// The rule set used.
    pub rule_set: String,
    /// Points obtained.
    pub total: f64,
    /// The maxima of the rows that obtained points.
    pub max_total: f64,
    /// The rule set's total (100).
    pub rule_max_total: f64,
    /// `total / max_total` in percent.
    pub score_percent: Option<f64>,
    /// One row per indicator of the rule set.
    pub indicators: Vec<IndicatorJson>,
    /// The communes of a province, best first.
    pub communes: Vec<RankJson>,
}

/// A count as a JSON integer, other values as numbers.
fn number(x: Option<f64>) -> Value {
    match x {
        Some(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => Value::from(v as i64),
        Some(v) => Value::from(v),
        None => Value::Null,
    }
}

fn kind(k: ItemKind) -> &'static str {
    match k {
        ItemKind::Dossier => "dossier",
        ItemKind::Procedure => "procedure",
        ItemKind::Feedback => "feedback",
    }
}

/// One indicator as JSON; the items only with `detail`.
pub fn indicator_json(i: &IndicatorResult, detail: bool) -> IndicatorJson {
    IndicatorJson {
        id: i.id.clone(),
        name: i.name_vi.clone(),
        name_en: i.name_en.clone(),
        group: i.group.clone(),
        numerator: number(i.numerator),
        denominator: i.denominator,
        ratio: i.ratio,
        points: i.points,
        max_points: i.max_points,
        threshold: i.threshold,
        computed: i.computed,
        applicable: i.applicable,
        explanation: i.explanation.clone(),
        gain_per_item: i.gain_per_item,
        item_kind: detail.then(|| kind(i.item_kind)),
        numerator_items: detail.then(|| i.numerator_items.clone()),
        denominator_items: detail.then(|| i.denominator_items.clone()),
        to_act: detail.then(|| i.to_act.clone()),
    }
}

/// The ranking lines as JSON.
pub fn ranking_json(index: &UnitIndex) -> Vec<RankJson> {
    index
        .ranking
        .iter()
        .map(|l: &RankLine| RankJson {
            rank: l.rank,
            unit: l.unit.clone(),
            name: index.subtree.name_of(&l.unit),
            total: l.report.total,
            max_total: l.report.max_total,
            score_percent: l.report.score_percent(),
        })
        .collect()
}

/// The whole answer.
pub fn index_json(index: &UnitIndex, detail: bool) -> IndexJson {
    let r = &index.report;
    IndexJson {
        unit: index.subtree.unit.code.as_str().to_owned(),
        unit_name: index.subtree.unit.name.clone(),
        level: match index.subtree.level() {
            motcua_domain::service_index::Level::Commune => "commune",
            motcua_domain::service_index::Level::Province => "province",
        },
        period: r.period.to_string(),
        rule_set: r.rule_set.clone(),
        total: r.total,
        max_total: r.max_total,
        rule_max_total: r.rule_max_total,
        score_percent: r.score_percent(),
        indicators: r
            .indicators
            .iter()
            .map(|i| indicator_json(i, detail))
            .collect(),
        communes: ranking_json(index),
    }
}

/// The service over the application's store and clock.
pub fn service(state: &AppState) -> Result<ServiceIndexService, Problem> {
    Ok(ServiceIndexService::new(
        state.store.clone(),
        state.clock.clone(),
    )?)
}

/// The Decision 766 service index of a unit for a period.
#[utoipa::path(get, path = "/api/v1/service-index", operation_id = "serviceIndex", tag = "service-index", params(IndexParams),
    responses((status = 200, description = "the index: total, maximum and one row per indicator (computed or not, with why)", body = IndexJson),
        (status = 400, description = "bad unit code or period", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "no leader or province administrator role, or the unit is outside its scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such administrative unit", body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    officer: Officer,
    ApiQuery(q): ApiQuery<IndexParams>,
) -> Result<Json<IndexJson>, Problem> {
    crate::policy::require(&officer, Capability::ViewServiceIndex)?;
    let service = service(&state)?;
    let period = match q.period.as_deref() {
        Some(p) => ServiceIndexService::period(p)?,
        None => motcua_domain::service_index::Period::month_of(state.clock.now()),
    };
    // The unit exists (400/404) before the scope is asked (403).
    service.subtree(&q.unit).await?;
    crate::policy::policy(&state)
        .in_unit(&officer.roles, Capability::ViewServiceIndex, &q.unit)
        .await?;
    let procedure = q.procedure.filter(|p| !p.trim().is_empty());
    let index = service.index(&q.unit, period, procedure, true).await?;
    Ok(Json(index_json(&index, q.detail.unwrap_or(false))))
}
