//! Classification of administrative units (NĐ 307/2025, issue 17):
//!
//! - `POST /api/v1/units/{code}/classification`: inputs named as in the
//!   rule file (`population`, `natural_area_km2`, …; the rest optional,
//!   taken from the unit's statistics or reported missing), `as_of` and
//!   `provisional`; answers the score sheet with every criterion, its
//!   points and its rule, and keeps it ([`Capability::ClassifyUnits`]).
//! - `GET /api/v1/units/{code}/classification`: the latest score sheet
//!   ([`Capability::ViewWorkload`] over the unit).
//!
//! With a `dossier` object in the request (the commune People's
//! Committee's tax code, optionally its name, phone and the appointment
//! date), the result also becomes a dossier of the internal procedure of
//! QĐ 101/QĐ-BNV (classifying a commune-level unit, handled by the Sở Nội
//! vụ; `reference/catalog/internal-procedures.toml`, imported when the
//! catalog lacks it), received in the officer's name at the province's Sở
//! Nội vụ (else its People's Committee), with the score sheet as a PDF
//! document; the answer carries its `dossier_code` (issue 17 item 4).
//! Without it nothing is filed: a score is often computed to compare
//! inputs before anything is sent.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use chrono::NaiveDate;
use motcua_app::classification::{ClassificationError, ClassifyInput};
use motcua_app::policy::Capability;
use motcua_domain::classification::InputValue;
use serde::Deserialize;

use crate::AppState;
use crate::auth::Officer;
use crate::extract::ApiPath;
use crate::problem::Problem;

impl From<ClassificationError> for Problem {
    fn from(e: ClassificationError) -> Self {
        match e {
            ClassificationError::Invalid(m) => Problem::bad_request(m),
            e @ (ClassificationError::NotFound(_) | ClassificationError::NotClassified(_)) => {
                Problem::new(StatusCode::NOT_FOUND, "not-found", e.to_string())
            }
            ClassificationError::Denied(d) => d.into(),
            ClassificationError::Unexpected(err) => motcua_app::AppError::Unexpected(err).into(),
        }
    }
}

/// The internal procedure of QĐ 101/QĐ-BNV (motcua's own code: the
/// national one is NOT FOUND, see the catalog file).
pub const INTERNAL_PROCEDURE: &str = "0.000101";

/// The catalog file of the internal procedure, embedded.
const INTERNAL_CATALOG_TOML: &str =
    include_str!("../../../../reference/catalog/internal-procedures.toml");

/// The classification dossier to file with the score sheet.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierRequest {
    /// The applicant's tax code (mã số thuế of the commune People's
    /// Committee): motcua does not hold it, so the request gives it.
    pub applicant_tax_code: String,
    /// The applicant's name (default "Ủy ban nhân dân `<unit name>`").
    #[serde(default)]
    pub applicant_name: Option<String>,
    /// A contact phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// Ngày hẹn trả: the catalog has no time limit for this procedure
    /// (NOT FOUND), so reception needs one.
    pub due_at: chrono::DateTime<chrono::Utc>,
}

/// The request: reserved keys and the inputs.
#[derive(Debug, Deserialize)]
pub struct ClassifyBody {
    /// File the result as a dossier of the internal procedure.
    #[serde(default)]
    pub dossier: Option<DossierRequest>,
    /// The date whose rule set applies (default: today).
    pub as_of: Option<NaiveDate>,
    /// Allow draft rules (a provisional score, marked so).
    #[serde(default)]
    pub provisional: bool,
    /// Inputs by the rule file's names: numbers or true/false.
    #[serde(flatten)]
    pub inputs: BTreeMap<String, InputValue>,
}

/// Classifies a unit and keeps its score sheet.
#[utoipa::path(post, path = "/api/v1/units/{code}/classification", operation_id = "classifyUnit", tag = "units",
    params(("code" = String, Path, description = "administrative unit code")),
    request_body(content = Object, description = "inputs named as in the rule file (population, natural_area_km2, mountainous, …), as_of, provisional; optionally dossier {applicant_tax_code, applicant_name, phone, due_at} to file the result as a dossier of the internal procedure (QĐ 101/QĐ-BNV) at the Sở Nội vụ"),
    responses((status = 200, description = "the score sheet: every criterion, its points and rule; the result or 'cannot classify: missing rule/input'; dossier_code when a dossier was filed", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn classify(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath(code): ApiPath<String>,
    body: Result<Json<ClassifyBody>, JsonRejection>,
) -> Result<Json<serde_json::Value>, Problem> {
    crate::policy::require(&officer, Capability::ClassifyUnits)?;
    let Json(body) = body.map_err(|e| Problem::bad_request(e.body_text()))?;
    let out = state
        .classification
        .classify(
            &officer.roles,
            &format!("officer:{}", officer.id),
            &code,
            &ClassifyInput {
                as_of: body.as_of,
                provisional: body.provisional,
                inputs: body.inputs,
            },
        )
        .await?;
    let mut answer = serde_json::to_value(&out)
        .map_err(|e| Problem::from(motcua_app::AppError::Unexpected(e.into())))?;
    if let Some(request) = body.dossier {
        let code = file_dossier(&state, &officer, &out, request).await?;
        answer["dossier_code"] = serde_json::Value::String(code);
    }
    Ok(Json(answer))
}

/// Files the classification as a dossier of the internal procedure at the
/// Sở Nội vụ, with the score sheet as its PDF document; its code.
async fn file_dossier(
    state: &AppState,
    officer: &Officer,
    out: &motcua_app::classification::Classification,
    request: DossierRequest,
) -> Result<String, Problem> {
    use motcua_app::dossiers::{Accessor, NewDossierInput};
    use motcua_domain::catalog::{ProcedureCode, parse_catalog};
    let unexpected = |e: anyhow::Error| Problem::from(motcua_app::AppError::Unexpected(e));
    let procedure = ProcedureCode::parse(INTERNAL_PROCEDURE).map_err(|e| unexpected(e.into()))?;
    if !state.catalog.exists(&procedure).await? {
        let versions = parse_catalog("internal-procedures.toml", INTERNAL_CATALOG_TOML)
            .map_err(|d| unexpected(anyhow::anyhow!("internal-procedures.toml: {d:?}")))?;
        state
            .catalog
            .import(
                &versions,
                motcua_app::ports::catalog::ImportMode::RefuseChanges,
            )
            .await?;
        state.public_cache.refresh().await;
    }
    let agency = state
        .classification
        .internal_agency(&out.unit_code)
        .await?
        .ok_or_else(|| {
            Problem::new(
                StatusCode::CONFLICT,
                "no-agency",
                "Tỉnh chưa có cơ quan để tiếp nhận hồ sơ phân loại / the province has no agency to receive the classification dossier",
            )
        })?;
    let input: NewDossierInput = serde_json::from_value(serde_json::json!({
        "procedure": INTERNAL_PROCEDURE,
        "applicant": {
            "kind": "organisation",
            "id": request.applicant_tax_code,
            "name": request
                .applicant_name
                .unwrap_or_else(|| format!("Ủy ban nhân dân {}", out.unit_name)),
            "phone": request.phone,
        },
        "channel": "in_person",
        "receiving_unit": agency,
        "deciding_agency": agency,
        "due_at": request.due_at,
    }))
    .map_err(|e| Problem::bad_request(e.to_string()))?;
    let key = format!(
        "classification-{}-{}",
        out.unit_code,
        out.computed_at.timestamp_millis()
    );
    let (answer, _) = state
        .dossiers
        .create(
            motcua_domain::dossier::Actor::Officer(officer.id.clone()),
            Some(&officer.agency),
            &key,
            input,
        )
        .await?;
    let secret = answer
        .tracking_secret
        .clone()
        .ok_or_else(|| unexpected(anyhow::anyhow!("a new dossier without its secret")))?;
    let dossier = state
        .dossiers
        .authorize(&Accessor::Holder(secret), &answer.code)
        .await?;
    let pdf = crate::pages::receipt_pdf::render_sheet(&score_sheet_pdf(out, &answer.code))
        .map_err(unexpected)?;
    state
        .attachments
        .add_result(
            &dossier,
            &motcua_app::attachments::Upload {
                component: String::new(),
                file_name: format!("bang-diem-phan-loai-{}.pdf", out.unit_code),
                declared_type: Some("application/pdf".to_owned()),
                bytes: pdf.into(),
            },
            &format!("officer:{}", officer.id),
        )
        .await?;
    Ok(answer.code)
}

/// The score sheet as a printable document (Vietnamese: it is filed).
fn score_sheet_pdf(
    out: &motcua_app::classification::Classification,
    code: &str,
) -> crate::pages::receipt_pdf::Sheet {
    use crate::pages::receipt::Field;
    use crate::pages::receipt_pdf::{Block, Sheet};
    use motcua_domain::classification::Outcome;
    let result = match &out.sheet.outcome {
        Outcome::Classified { class, provisional } => format!(
            "Loại {}{}",
            class.as_str(),
            if *provisional {
                " (tạm tính, quy tắc dự thảo)"
            } else {
                ""
            }
        ),
        Outcome::FixedByLaw { class, article } => {
            format!("Loại {} (theo {article})", class.as_str())
        }
        Outcome::CannotClassify { reason, .. } => format!("Chưa phân loại được: {reason}"),
    };
    let field = |label: &str, value: String| Field {
        label: label.to_owned(),
        value,
    };
    Sheet {
        agency: "Sở Nội vụ".to_owned(),
        nation: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".to_owned(),
        motto: "Độc lập - Tự do - Hạnh phúc".to_owned(),
        form: String::new(),
        title: "Bảng điểm phân loại đơn vị hành chính".to_owned(),
        subtitles: vec![format!("Mã hồ sơ: {code}")],
        blocks: vec![
            Block::Fields(vec![
                field("Đơn vị", format!("{} ({})", out.unit_name, out.unit_code)),
                field(
                    "Quy tắc",
                    format!("{} ({})", out.sheet.instrument, out.sheet.rule_set),
                ),
                field("Áp dụng ngày", out.as_of.format("%d/%m/%Y").to_string()),
                field("Điểm tiêu chí", out.sheet.criteria_points.to_string()),
                field("Điểm ưu tiên", out.sheet.priority_points.to_string()),
                field("Tổng điểm", out.sheet.total_points.to_string()),
                field("Kết quả", result),
            ]),
            Block::Table {
                columns: vec![
                    "Tiêu chí".to_owned(),
                    "Điều khoản".to_owned(),
                    "Giá trị".to_owned(),
                    "Điểm".to_owned(),
                    "Cách tính".to_owned(),
                ],
                widths: vec![2.0, 1.5, 1.2, 0.8, 4.0],
                rows: out
                    .sheet
                    .lines
                    .iter()
                    .map(|l| {
                        vec![
                            l.criterion.clone(),
                            l.article.clone(),
                            l.value.map(|v| v.to_string()).unwrap_or_default(),
                            l.points
                                .map(|p| p.to_string())
                                .unwrap_or_else(|| "—".to_owned()),
                            l.explanation.clone(),
                        ]
                    })
                    .collect(),
            },
        ],
        signers: Vec::new(),
        page_title: format!("Bảng điểm phân loại {}", out.unit_code),
        lang: "vi",
    }
}

/// The latest score sheet of a unit.
#[utoipa::path(get, path = "/api/v1/units/{code}/classification", operation_id = "getUnitClassification", tag = "units",
    params(("code" = String, Path, description = "administrative unit code")),
    responses((status = 200, description = "the latest score sheet", body = Object),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn last(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<serde_json::Value>, Problem> {
    crate::policy::require(&officer, Capability::ViewWorkload)?;
    Ok(Json(
        state.classification.last(&officer.roles, &code).await?,
    ))
}
