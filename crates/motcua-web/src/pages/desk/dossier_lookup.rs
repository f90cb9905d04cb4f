//! `POST /can-bo/ho-so/{code}/tra-cuu`: from the page of a dossier waiting
//! for reception, look its applicant up in the population registry under
//! the officer's live grant, for this dossier (audited like every look-up).
//! A look-up that finds the person is what lets the reception checklist
//! take components from the population database ("reused").

use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use motcua_app::lookup::{LookupAnswer, LookupError, LookupRequest};
use motcua_app::policy::Capability;
use motcua_domain::dossier::ApplicantId;
use serde::Deserialize;

use super::DeskOfficer;
use crate::AppState;
use crate::extract::ApiPath;
use crate::i18n::Messages;
use crate::policy::{agency_roots, page_refusal, policy};

/// The look-up form of the dossier page.
#[derive(Debug, Default, Deserialize)]
pub struct LookupForm {
    /// The applicant's date of birth (`YYYY-MM-DD`), from the declaration.
    #[serde(default)]
    pub birth_date: String,
}

/// What came of a look-up, as the `tra_cuu` parameter of the dossier page.
pub const OUTCOMES: [&str; 8] = [
    "found",
    "not_found",
    "mismatch",
    "no_grant",
    "refused",
    "bad_date",
    "organisation",
    "unavailable",
];

/// The message of an outcome, `None` for an unknown one.
pub fn outcome_message(t: &Messages, outcome: &str) -> Option<String> {
    OUTCOMES.contains(&outcome).then(|| {
        t.get(&format!(
            "desk-lookup-outcome-{}",
            outcome.replace('_', "-")
        ))
    })
}

/// `POST /can-bo/ho-so/{code}/tra-cuu`: looks the applicant up, then shows
/// the dossier again with what came of it.
pub async fn lookup(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    ApiPath(code): ApiPath<String>,
    form: Result<Form<LookupForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let view = match policy(&state)
        .dossier(
            &state.dossiers,
            &officer.roles,
            Capability::LookUpRegistry,
            &code,
        )
        .await
    {
        Ok((_, view)) => view,
        Err(d) => return page_refusal(t, &officer, d),
    };
    let d = &view.dossier;
    let birth = NaiveDate::parse_from_str(form.birth_date.trim(), "%Y-%m-%d");
    let outcome = match (&d.applicant.id, birth) {
        (ApplicantId::Organisation(_), _) => "organisation",
        (_, Err(_)) => "bad_date",
        (ApplicantId::Citizen(id), Ok(birth_date)) => {
            // The officer's live grant, if any: without one the use case
            // refuses (and audits the refusal).
            let grant_id = state
                .grants
                .live_grant_for(
                    &officer.id,
                    &[d.receiving_unit.as_str(), d.current_agency.as_str()],
                )
                .await
                .unwrap_or_default();
            let request = LookupRequest {
                officer_id: officer.id.clone(),
                agency_id: Some(officer.agency.as_str().to_owned()),
                grant_id,
                dossier_code: Some(d.code.as_str().to_owned()),
                purpose: None,
                personal_id: id.as_str().to_owned(),
                full_name: d.applicant.name.clone(),
                birth_date,
                dossier_scope: Some(
                    agency_roots(&officer.roles, Capability::LookUpRegistry)
                        .iter()
                        .map(|a| a.as_str().to_owned())
                        .collect(),
                ),
            };
            match state.lookups.lookup_citizen(&request).await {
                Ok(LookupAnswer::Found { .. }) => "found",
                Ok(LookupAnswer::NotFound) => "not_found",
                Ok(LookupAnswer::Mismatch { .. }) => "mismatch",
                Err(LookupError::Refused(r)) if r.code() == "no_grant" => "no_grant",
                Err(LookupError::Refused(_)) => "refused",
                Err(LookupError::Registry(_) | LookupError::App(_)) => "unavailable",
            }
        }
    };
    Redirect::to(&format!(
        "/can-bo/ho-so/{}?tra_cuu={outcome}#act-receive",
        super::encode_component(d.code.as_str())
    ))
    .into_response()
}
