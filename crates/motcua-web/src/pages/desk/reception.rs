//! Tiếp nhận hồ sơ: find the applicant in the population registry (under
//! the officer's grant, audited), pick the procedure, tick the checklist,
//! choose the deciding agency (phi địa giới: another commune's) and
//! receive. One form, re-rendered by the server at each step; htmx only
//! searches procedures as the officer types.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use motcua_app::catalog::ProcedureQuery;
use motcua_app::dossiers::{ApplicantInput, ApplicantKind, IntakeOutcome, NewDossierInput};
use motcua_app::lookup::{LookupAnswer, LookupError, LookupRequest};
use motcua_app::policy::Capability;
use motcua_domain::dossier::{Actor, Channel};
use motcua_domain::resident::MismatchField;
use serde::Deserialize;

use super::reception_view::{
    AgencyOption, ProcedureView, ReceptionForm, component_inputs, deciding_options, procedure_view,
};
use super::view::{DeskNav, agency_name, error_text, procedure_name, when_opt};
use super::{DeskOfficer, new_key};
use crate::AppState;
use crate::extract::ApiPath;
use crate::i18n::Messages;
use crate::policy::{agency_roots, page_refusal, page_require, policy};

/// What a registry look-up showed.
#[derive(Debug, Clone)]
pub struct LookupView {
    /// Found and confirmed.
    pub found: bool,
    /// The message.
    pub message: String,
    /// Lines (label, value) about the person.
    pub lines: Vec<(String, String)>,
}

/// `templates/pages/desk/reception.html`.
#[derive(Template)]
#[template(path = "pages/desk/reception.html")]
pub struct ReceptionPage {
    /// Messages.
    pub t: Messages,
    /// Navigation.
    pub nav: DeskNav,
    /// The form as typed.
    pub form: ReceptionForm,
    /// The registry look-up, if one was made.
    pub lookup: Option<LookupView>,
    /// The chosen procedure.
    pub procedure: Option<ProcedureView>,
    /// Deciding agencies.
    pub agencies: Vec<AgencyOption>,
    /// Procedures found by the search box.
    pub hits: Vec<(String, String)>,
    /// Inline errors.
    pub errors: Vec<String>,
    /// The refusal reason's own inline error ("" when fine).
    pub refusal_error: String,
    /// The number of sets' own inline error ("" when fine).
    pub sets_error: String,
    /// The address with today's units, beside the address field (issue 18).
    pub address_hint: Option<crate::pages::addresses::AddressHint>,
}

/// `templates/pages/desk/procedure_hits.html`, for htmx.
#[derive(Template)]
#[template(path = "pages/desk/procedure_hits.html")]
pub struct ProcedureHits {
    /// Messages.
    pub t: Messages,
    /// (code, name) best first.
    pub hits: Vec<(String, String)>,
    /// The chosen code.
    pub chosen: String,
    /// Whether a search was made.
    pub searched: bool,
}

fn nav(officer: &crate::auth::Officer) -> DeskNav {
    DeskNav::of(officer, "reception")
}

async fn search(state: &AppState, q: &str) -> Vec<(String, String)> {
    if q.trim().is_empty() {
        return Vec::new();
    }
    state
        .catalog
        .list(&ProcedureQuery {
            q: Some(q.chars().take(100).collect()),
            field: None,
            on: state.clock.today(),
            limit: 8,
            offset: 0,
        })
        .await
        .map(|page| {
            page.items
                .into_iter()
                .map(|h| {
                    (
                        h.version.procedure.code.as_str().to_owned(),
                        h.version.procedure.name,
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn render_page(
    state: &AppState,
    t: Messages,
    officer: &crate::auth::Officer,
    form: ReceptionForm,
    lookup: Option<LookupView>,
    errors: Vec<String>,
) -> Response {
    render_with(
        state,
        t,
        officer,
        form,
        lookup,
        errors,
        FieldErrors::default(),
    )
    .await
}

/// The inline errors shown beside their fields ("" when fine).
#[derive(Debug, Default)]
struct FieldErrors {
    /// The refusal reason's.
    refusal: String,
    /// The number of sets'.
    sets: String,
}

/// The page with the fields' inline errors as well.
async fn render_with(
    state: &AppState,
    t: Messages,
    officer: &crate::auth::Officer,
    form: ReceptionForm,
    lookup: Option<LookupView>,
    errors: Vec<String>,
    fields: FieldErrors,
) -> Response {
    let procedure = procedure_view(state, &t, &form).await;
    let mut hits = search(state, &form.procedure_q).await;
    if let Some(p) = &procedure
        && !hits.iter().any(|(c, _)| c == &p.code)
    {
        hits.insert(0, (p.code.clone(), p.name.clone()));
    }
    let agencies = deciding_options(state, officer.agency.as_str(), &form).await;
    let status = if errors.is_empty() && fields.refusal.is_empty() && fields.sets.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let address_hint = crate::pages::addresses::hint_of(state, t, &form.address);
    let mut response = crate::pages::render(
        t,
        &ReceptionPage {
            t,
            nav: nav(officer),
            address_hint,
            form,
            lookup,
            procedure,
            agencies,
            hits,
            errors,
            refusal_error: fields.refusal,
            sets_error: fields.sets,
        },
    );
    *response.status_mut() = status;
    response
}

/// `GET /can-bo/tiep-nhan`: an empty reception form.
pub async fn page(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
) -> Response {
    if let Err(refused) = page_require(t, &officer, Capability::ReceiveAtDesk) {
        return refused;
    }
    let form = ReceptionForm {
        key: new_key(),
        purpose: t.get("desk-lookup-purpose-default"),
        ..ReceptionForm::default()
    };
    render_page(&state, t, &officer, form, None, Vec::new()).await
}

/// Query of the procedure search.
#[derive(Debug, Default, Deserialize)]
pub struct HitsQuery {
    /// Search text.
    pub procedure_q: Option<String>,
    /// The chosen code.
    pub procedure: Option<String>,
}

/// `GET /can-bo/tiep-nhan/thu-tuc?procedure_q=`: procedures matching the
/// text, as radio buttons (htmx fragment).
pub async fn procedures(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    q: Result<Query<HitsQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if let Err(refused) = page_require(t, &officer, Capability::ReceiveAtDesk) {
        return refused;
    }
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let text = q.procedure_q.unwrap_or_default();
    crate::pages::render(
        t,
        &ProcedureHits {
            t,
            searched: !text.trim().is_empty(),
            hits: search(&state, &text).await,
            chosen: q.procedure.unwrap_or_default(),
        },
    )
}

async fn lookup(
    state: &AppState,
    t: &Messages,
    officer: &crate::auth::Officer,
    form: &mut ReceptionForm,
) -> Result<LookupView, String> {
    if let Err(d) = motcua_app::policy::require(&officer.roles, Capability::LookUpRegistry) {
        return Err(t.pick(&d.message()));
    }
    let birth_date = NaiveDate::parse_from_str(&form.birth_date, "%Y-%m-%d")
        .map_err(|_| t.get("desk-error-birth-date"))?;
    // The officer's live grant, if any: without one the use case refuses
    // (and audits the refusal).
    let grant = state
        .grants
        .live_grant_for(&officer.id, &[officer.agency.as_str()])
        .await
        .unwrap_or_default();
    let request = LookupRequest {
        officer_id: officer.id.clone(),
        agency_id: Some(officer.agency.as_str().to_owned()),
        grant_id: grant,
        dossier_code: None,
        purpose: Some(form.purpose.clone()),
        personal_id: form.personal_id.clone(),
        full_name: form.full_name.clone(),
        birth_date,
        dossier_scope: Some(
            agency_roots(&officer.roles, Capability::LookUpRegistry)
                .iter()
                .map(|a| a.as_str().to_owned())
                .collect(),
        ),
    };
    form.found_id.clear();
    form.found_unit.clear();
    match state.lookups.lookup_citizen(&request).await {
        Ok(LookupAnswer::Found { resident, .. }) => {
            form.found_id = resident.personal_id.as_str().to_owned();
            form.found_unit = resident.permanent_unit.clone();
            form.full_name = resident.full_name.clone();
            // Phi địa giới: the person's own commune decides unless the
            // officer chooses otherwise afterwards.
            form.deciding_agency.clear();
            let commune = state
                .agencies
                .list(&motcua_app::ports::AgencyFilter {
                    unit_code: Some(resident.permanent_unit.clone()),
                    kind: Some(motcua_domain::agency::AgencyKind::CommuneCommittee),
                    limit: 1,
                    ..Default::default()
                })
                .await
                .ok()
                .and_then(|(a, _)| a.into_iter().next())
                .map_or_else(|| resident.permanent_unit.clone(), |a| a.name);
            Ok(LookupView {
                found: true,
                message: t.get("desk-lookup-found"),
                lines: vec![
                    (t.get("desk-field-full-name"), resident.full_name),
                    (
                        t.get("desk-field-birth-date"),
                        motcua_domain::format::date(resident.birth_date),
                    ),
                    (t.get("desk-lookup-permanent"), commune),
                ],
            })
        }
        Ok(LookupAnswer::NotFound) => Ok(LookupView {
            found: false,
            message: t.get("desk-lookup-not-found"),
            lines: Vec::new(),
        }),
        Ok(LookupAnswer::Mismatch { fields }) => Ok(LookupView {
            found: false,
            message: t.with_args(
                "desk-lookup-mismatch",
                &[(
                    "fields",
                    &fields
                        .iter()
                        .map(|f| match f {
                            MismatchField::FullName => t.get("desk-field-full-name"),
                            MismatchField::BirthDate => t.get("desk-field-birth-date"),
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                )],
            ),
            lines: Vec::new(),
        }),
        Err(LookupError::Refused(r)) => {
            Err(t.with_args("desk-lookup-refused", &[("reason", &t.pick(r.message()))]))
        }
        Err(LookupError::Registry(e)) => Err(t.pick(&e.to_string())),
        Err(LookupError::App(e)) => Err(t.pick(&e.to_string())),
    }
}

/// `POST /can-bo/tiep-nhan`: `step=lookup` looks the applicant up,
/// `step=check` shows the checklist of the chosen procedure,
/// `step=receive` receives the dossier and redirects to its summary,
/// `step=refuse` records the filing refused with `refusal_reason` (status
/// 3, form 03) and redirects to the same summary, which links form 03.
pub async fn submit(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(refused) = page_require(t, &officer, Capability::ReceiveAtDesk) {
        return refused;
    }
    let mut form = ReceptionForm::from_pairs(pairs);
    if form.key.is_empty() {
        form.key = new_key();
    }
    match form.step.as_str() {
        "lookup" => match lookup(&state, &t, &officer, &mut form).await {
            Ok(view) => render_page(&state, t, &officer, form, Some(view), Vec::new()).await,
            Err(message) => {
                let view = LookupView {
                    found: false,
                    message,
                    lines: Vec::new(),
                };
                render_page(&state, t, &officer, form, Some(view), Vec::new()).await
            }
        },
        "receive" => record(&state, t, &officer, form, IntakeOutcome::Received).await,
        "refuse" => record(&state, t, &officer, form, IntakeOutcome::Refused).await,
        _ => render_page(&state, t, &officer, form, None, Vec::new()).await,
    }
}

/// Receives the walk-in filing, or records it refused at the desk.
async fn record(
    state: &AppState,
    t: Messages,
    officer: &crate::auth::Officer,
    form: ReceptionForm,
    outcome: IntakeOutcome,
) -> Response {
    let refused = outcome == IntakeOutcome::Refused;
    let mut errors = Vec::new();
    if form.procedure.is_empty() {
        errors.push(t.get("desk-error-no-procedure"));
    }
    // A refusal names the agency only if the officer chose one.
    if form.deciding_agency.is_empty() && !refused {
        errors.push(t.get("desk-error-no-agency"));
    }
    let refusal_error = if refused && form.refusal_reason.trim().is_empty() {
        t.get("desk-error-refusal-reason")
    } else {
        String::new()
    };
    // The number of sets goes on form 01: a receipt only (a refusal
    // prints form 03, which has none).
    let sets = if refused { Ok(None) } else { form.sets() };
    let sets_error = if sets.is_err() {
        t.get("desk-error-sets")
    } else {
        String::new()
    };
    if !errors.is_empty() || !refusal_error.is_empty() || !sets_error.is_empty() {
        let fields = FieldErrors {
            refusal: refusal_error,
            sets: sets_error,
        };
        return render_with(state, t, officer, form, None, errors, fields).await;
    }
    let root = match policy(state)
        .reception_root(&officer.roles, &officer.agency, None)
        .await
    {
        Ok(root) => root,
        Err(d) => return page_refusal(t, officer, d),
    };
    let input = NewDossierInput {
        procedure: form.procedure.clone(),
        applicant: ApplicantInput {
            kind: ApplicantKind::Citizen,
            id: form.personal_id.clone(),
            name: form.full_name.trim().to_owned(),
            phone: Some(form.phone.trim().to_owned()).filter(|p| !p.is_empty()),
            address: Some(form.address.trim().to_owned()).filter(|a| !a.is_empty()),
            email: Some(form.email.clone()).filter(|e| !e.is_empty()),
        },
        channel: Channel::InPerson,
        receiving_unit: None,
        deciding_agency: Some(form.deciding_agency.clone()).filter(|a| !a.is_empty()),
        components: component_inputs(&form),
        due_at: None,
        outcome,
        refusal_reason: refused.then(|| form.refusal_reason.trim().to_owned()),
        sets: sets.unwrap_or_default(),
    };
    match state
        .dossiers
        .create(
            Actor::Officer(officer.id.clone()),
            Some(&root),
            &form.key,
            input,
        )
        .await
    {
        Ok((answer, _)) => Redirect::to(&format!(
            "/can-bo/tiep-nhan/da-nhan/{}",
            super::encode_component(&answer.code)
        ))
        .into_response(),
        Err(e) => {
            let message = error_text(&t, &e);
            render_page(state, t, officer, form, None, vec![message]).await
        }
    }
}

/// `templates/pages/desk/received.html`.
#[derive(Template)]
#[template(path = "pages/desk/received.html")]
pub struct ReceivedPage {
    /// Messages.
    pub t: Messages,
    /// Navigation.
    pub nav: DeskNav,
    /// Mã hồ sơ.
    pub code: String,
    /// Procedure name.
    pub procedure: String,
    /// Applicant name.
    pub applicant: String,
    /// Receiving unit name.
    pub receiving: String,
    /// Deciding agency name.
    pub deciding: String,
    /// Filed outside the deciding agency's commune.
    pub boundary_free: bool,
    /// Due date.
    pub due: String,
    /// Status.
    pub status: String,
    /// Refused at the desk (form 03 instead of the receipt).
    pub refused: bool,
    /// The applicant's address as given ("" when none).
    pub address: String,
    /// The address with today's units (issue 18).
    pub address_hint: Option<crate::pages::addresses::AddressHint>,
}

/// `GET /can-bo/tiep-nhan/da-nhan/{code}`: the dossier just received, with
/// the link to print its receipt; or just refused, with form 03 (page and
/// PDF) to hand to the applicant.
pub async fn done(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    ApiPath(code): ApiPath<String>,
) -> Response {
    let view = match policy(&state)
        .dossier(
            &state.dossiers,
            &officer.roles,
            Capability::ViewDossier,
            &code,
        )
        .await
    {
        Ok((_, v)) => v,
        Err(d) => return page_refusal(t, &officer, d),
    };
    let d = &view.dossier;
    let receiving_unit = state
        .agencies
        .get(d.receiving_unit.as_str())
        .await
        .map(|a| a.unit_code)
        .unwrap_or_default();
    let deciding_unit = state
        .agencies
        .get(d.deciding_agency.as_str())
        .await
        .map(|a| a.unit_code)
        .unwrap_or_default();
    crate::pages::render(
        t,
        &ReceivedPage {
            t,
            nav: nav(&officer),
            code: d.code.as_str().to_owned(),
            procedure: procedure_name(&state, &d.procedure.code).await,
            applicant: d.applicant.name.clone(),
            receiving: agency_name(&state, d.receiving_unit.as_str()).await,
            deciding: agency_name(&state, d.deciding_agency.as_str()).await,
            boundary_free: receiving_unit != deciding_unit,
            due: when_opt(d.due_at),
            status: super::view::status_name(&t, d.status.status.key()),
            refused: d.status.status == motcua_domain::dossier::DossierStatus::RefusedAtReception,
            address: d.applicant.address.clone().unwrap_or_default(),
            address_hint: d
                .applicant
                .address
                .as_deref()
                .and_then(|a| crate::pages::addresses::hint_of(&state, t, a)),
        },
    )
}
