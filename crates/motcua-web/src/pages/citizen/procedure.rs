//! The procedure page (trang thủ tục): what it is, who decides, the time
//! limit, fees, each component (with "không cần nộp nếu ..." for the
//! waivable ones), where to file, its QR code and a print view.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use motcua_domain::catalog::{
    AgencyType, DocumentForm, OnlineLevel, ProcedureCode, ProcedureVersion, Requirement,
};
use motcua_domain::clock::to_local;

use super::{limit_words, vnd};
use crate::AppState;
use crate::i18n::Messages;

/// One fee line.
pub struct FeeView {
    /// Name.
    pub name: String,
    /// In person, in đồng.
    pub in_person: String,
    /// Online, in đồng.
    pub online: String,
    /// Note.
    pub note: String,
}

/// One component.
pub struct ComponentView {
    /// Name.
    pub name: String,
    /// Required / optional / "only when ...".
    pub requirement: String,
    /// Original, copy...
    pub form: String,
    /// Copies.
    pub count: u32,
    /// "Không cần nộp nếu ..." texts.
    pub waivers: Vec<String>,
    /// Note.
    pub note: String,
}

/// `templates/pages/citizen/procedure.html`.
#[derive(Template)]
#[template(path = "pages/citizen/procedure.html")]
pub struct ProcedurePage {
    /// Messages.
    pub t: Messages,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Field.
    pub field: String,
    /// Results issued.
    pub results: Vec<String>,
    /// Deciding agencies, in words.
    pub agencies: Vec<String>,
    /// The time limit in words.
    pub limit: String,
    /// Its qualification.
    pub limit_note: String,
    /// The cut-off rule in words.
    pub cutoff: String,
    /// Fee lines.
    pub fees: Vec<FeeView>,
    /// Fee note.
    pub fee_note: String,
    /// Exemptions.
    pub exemptions: Vec<String>,
    /// Components.
    pub components: Vec<ComponentView>,
    /// Filed anywhere in the province.
    pub boundary_free: bool,
    /// Filed online here.
    pub online: bool,
    /// Legal basis.
    pub legal_basis: Vec<String>,
}

/// `templates/pages/citizen/missing.html`.
#[derive(Template)]
#[template(path = "pages/citizen/missing.html")]
pub struct MissingPage {
    /// Messages.
    pub t: Messages,
}

/// A "no such procedure" page with status 404.
pub fn missing(t: Messages) -> Response {
    let mut res = crate::pages::render(t, &MissingPage { t });
    *res.status_mut() = StatusCode::NOT_FOUND;
    res
}

/// The version of `code` in force today, if any.
pub async fn in_force(state: &AppState, code: &str) -> Option<ProcedureVersion> {
    let code = ProcedureCode::parse(code).ok()?;
    state
        .catalog
        .in_force(&code, to_local(Utc::now()).date())
        .await
        .ok()
}

/// Whether a procedure may be filed online here: unless the catalog says
/// it is not offered online (an unknown level is offered, as the national
/// portal offers most commune procedures).
pub fn offered_online(v: &ProcedureVersion) -> bool {
    v.procedure.online != OnlineLevel::None
}

fn agency_words(t: Messages, a: &AgencyType) -> String {
    match a {
        AgencyType::UbndXa => t.get("citizen-agency-ubnd-xa"),
        AgencyType::CongAnXa => t.get("citizen-agency-cong-an-xa"),
        AgencyType::UbndTinh => t.get("citizen-agency-ubnd-tinh"),
        AgencyType::SoTuPhap => t.get("citizen-agency-so-tu-phap"),
        AgencyType::Bhxh => t.get("citizen-agency-bhxh"),
        AgencyType::Other(name) => name.clone(),
    }
}

fn form_words(t: Messages, f: DocumentForm) -> String {
    t.get(match f {
        DocumentForm::Original => "citizen-form-original",
        DocumentForm::CertifiedCopy => "citizen-form-certified-copy",
        DocumentForm::Copy => "citizen-form-copy",
        DocumentForm::PresentOnly => "citizen-form-present-only",
    })
}

/// The requirement of a component in words.
pub fn requirement_words(t: Messages, r: &Requirement) -> String {
    match r {
        Requirement::Required => t.get("citizen-required"),
        Requirement::Optional => t.get("citizen-optional"),
        Requirement::Conditional(when) => format!("{} {when}", t.get("citizen-conditional")),
    }
}

/// `GET /thu-tuc/{code}`.
pub async fn page(
    State(state): State<AppState>,
    t: Messages,
    code: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Response {
    let code = code.map(|Path(c)| c).unwrap_or_default();
    let Some(v) = in_force(&state, &code).await else {
        return missing(t);
    };
    let p = &v.procedure;
    let page = ProcedurePage {
        t,
        code: p.code.as_str().to_owned(),
        name: p.name.clone(),
        field: p.field.name.clone(),
        results: p.results.clone(),
        agencies: p.agencies.iter().map(|a| agency_words(t, a)).collect(),
        limit: p
            .timing
            .limit
            .as_ref()
            .map_or_else(|| t.get("citizen-limit-unknown"), |l| limit_words(t, l)),
        limit_note: p.timing.note.clone().unwrap_or_default(),
        cutoff: p
            .timing
            .cut_off
            .map(|c| {
                t.with_text(
                    "citizen-cutoff",
                    "time",
                    &format!("{:02}:{:02}", c.hour(), c.minute()),
                )
            })
            .unwrap_or_default(),
        fees: p
            .fees
            .lines
            .iter()
            .map(|f| FeeView {
                name: f.name.clone(),
                in_person: vnd(f.in_person_vnd),
                online: vnd(f.online_amount()),
                note: f.note.clone().unwrap_or_default(),
            })
            .collect(),
        fee_note: p.fees.note.clone().unwrap_or_default(),
        exemptions: p.fees.exemptions.clone(),
        components: p
            .components
            .iter()
            .map(|c| ComponentView {
                name: c.name.clone(),
                requirement: requirement_words(t, &c.requirement),
                form: form_words(t, c.form),
                count: c.count,
                waivers: c.waivers.iter().map(|w| w.text.clone()).collect(),
                note: c.note.clone().unwrap_or_default(),
            })
            .collect(),
        boundary_free: p.phi_dia_gioi.is_some(),
        online: offered_online(&v),
        legal_basis: p.legal_basis.clone(),
    };
    crate::pages::render(t, &page).into_response()
}
