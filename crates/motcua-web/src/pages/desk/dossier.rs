//! Trang hồ sơ: timeline, components, money and results, and every action
//! allowed now as a button with its form. Each form carries an
//! idempotency key and the version it was shown at: a double click replays
//! the first answer, and another officer's earlier action is a clear
//! conflict message instead of a silent overwrite.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::dossiers::{DossierError, DossierView};
use motcua_app::policy::Capability;
use motcua_app::ports::AgencyFilter;
use motcua_domain::audit::mask_identifier;
use motcua_domain::dossier::{Actor, ApplicantId};
use serde::Deserialize;

use super::dossier_actions::{ActionForm, allowed, to_input};
use super::dossier_view::{
    ComponentView, DeskExtras, Line, StepView, components, desk_extras, money_and_results, timeline,
};
use super::view::{DeskNav, agency_name, error_text, procedure_name, status_name, when_opt};
use super::{DeskOfficer, new_key};
use crate::AppState;
use crate::auth::Officer;
use crate::extract::ApiPath;
use crate::i18n::Messages;
use crate::policy::{allows, page_refusal, policy};

/// One action form.
pub struct ActionView {
    /// API name (`hand_over`...).
    pub name: &'static str,
    /// Label.
    pub label: String,
    /// A fresh idempotency key, or the one just refused (so a retry of the
    /// same request stays one request).
    pub key: String,
    /// Open (the one with an error).
    pub open: bool,
    /// The refusal or error, inline.
    pub error: Option<String>,
    /// What the officer typed, kept after a refusal.
    pub values: Vec<(String, String)>,
    /// A line of guidance under the form's fields ("" for none).
    pub hint: String,
}

impl ActionView {
    /// The value typed in a field before a refusal ("" otherwise).
    pub fn value(&self, name: &str) -> String {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// A component for the supplement forms.
pub struct ComponentChoice {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Missing now.
    pub missing: bool,
}

/// `templates/pages/desk/dossier.html`.
#[derive(Template)]
#[template(path = "pages/desk/dossier.html")]
pub struct DossierPage {
    /// Messages.
    pub t: Messages,
    /// Navigation.
    pub nav: DeskNav,
    /// Code.
    pub code: String,
    /// Version shown (sent back with each action).
    pub version: u64,
    /// Status.
    pub status: String,
    /// Portal status code.
    pub portal_status: u8,
    /// Summary lines.
    pub summary: Vec<Line>,
    /// Counts late already (766).
    pub counts_late: bool,
    /// Timeline.
    pub steps: Vec<StepView>,
    /// Components.
    pub components: Vec<ComponentView>,
    /// Component choices for supplement forms.
    pub choices: Vec<ComponentChoice>,
    /// Fees, payments, results, extensions.
    pub lines: Vec<Line>,
    /// Allowed actions.
    pub actions: Vec<ActionView>,
    /// Agencies a transfer may go to (id, name).
    pub agencies: Vec<(String, String)>,
    /// Officers and units the dossier may be handed over to: id, label and
    /// the `<datalist>` option's label (the label followed by its folded,
    /// unaccented form, since Chromium's datalist filter matches only value
    /// and label as typed), in Vietnamese order (a `<select>` when short,
    /// else a `<datalist>`).
    pub targets: Vec<(String, String, String)>,
    /// A message after an action succeeded.
    pub done: Option<String>,
    /// A page-level error (conflict).
    pub error: Option<String>,
    /// The dossier's files and, while it waits for reception, the checklist.
    pub desk: DeskExtras,
    /// The result document's upload form, when the officer may use it now.
    pub result_upload: Option<ResultUploadView>,
    /// The notices sent to the applicant (e-mail, SMS), oldest first.
    pub notices: Vec<super::dossier_notices::NoticeLine>,
}

/// `templates/pages/desk/error.html`: the dossier cannot be shown.
#[derive(Template)]
#[template(path = "pages/desk/error.html")]
pub struct ErrorPage {
    /// Messages.
    pub t: Messages,
    /// Navigation.
    pub nav: DeskNav,
    /// The message.
    pub message: String,
}

fn nav(officer: &Officer) -> DeskNav {
    DeskNav::of(officer, "work")
}

/// A page explaining why a dossier cannot be shown (404, 403, 400).
pub fn error_page(t: Messages, officer: &Officer, err: &DossierError) -> Response {
    let status = match err {
        DossierError::NotFound(_) => StatusCode::NOT_FOUND,
        DossierError::Forbidden(_) => StatusCode::FORBIDDEN,
        DossierError::Invalid { .. } => StatusCode::BAD_REQUEST,
        _ => StatusCode::SERVICE_UNAVAILABLE,
    };
    let mut response = crate::pages::render(
        t,
        &ErrorPage {
            t,
            nav: nav(officer),
            message: error_text(&t, err),
        },
    );
    *response.status_mut() = status;
    response
}

/// The label of a hand-over target in the `<datalist>`: the label, then its
/// folded form (no diacritics, lower case) when that differs, so that
/// typing "nguyen thi hoa" finds "Nguyễn Thị Hoa" in Chromium, whose
/// datalist filter needs the diacritics otherwise. The option's value stays
/// the id that the action resolves.
pub fn datalist_label(label: &str) -> String {
    if label.is_ascii() {
        return label.to_owned();
    }
    format!("{label} · {}", motcua_domain::text::fold(label))
}

/// What went wrong with one action, to show inline.
pub(super) struct Failure {
    pub(super) action: String,
    pub(super) key: String,
    pub(super) message: String,
    pub(super) conflict: bool,
    pub(super) values: Vec<(String, String)>,
}

/// The upload form of the result document (giấy tờ kết quả).
pub struct ResultUploadView {
    /// The refusal of the last upload, inline.
    pub error: Option<String>,
}

/// Renders the dossier page, with `failure` beside its form.
pub(super) async fn render_dossier(
    state: &AppState,
    t: Messages,
    officer: &Officer,
    view: DossierView,
    done: Option<String>,
    failure: Option<Failure>,
) -> Response {
    let d = &view.dossier;
    let applicant_id = match &d.applicant.id {
        ApplicantId::Citizen(p) => mask_identifier(p.as_str()),
        ApplicantId::Organisation(c) => c.as_str().to_owned(),
    };
    let line = |label: &str, value: String| Line {
        label: t.get(label),
        value,
    };
    let summary = vec![
        line(
            "desk-field-procedure",
            format!(
                "{} ({})",
                procedure_name(state, &d.procedure.code).await,
                d.procedure.code
            ),
        ),
        line(
            "desk-field-applicant",
            format!("{} ({applicant_id})", d.applicant.name),
        ),
        line(
            "desk-field-receiving",
            agency_name(state, d.receiving_unit.as_str()).await,
        ),
        line(
            "desk-field-deciding-agency",
            agency_name(state, d.deciding_agency.as_str()).await,
        ),
        line(
            "desk-field-current-agency",
            agency_name(state, d.current_agency.as_str()).await,
        ),
        line("desk-field-received", when_opt(d.received_at)),
        line("desk-field-due", when_opt(d.due_at)),
    ];
    let actions = allowed(d.status)
        .into_iter()
        .filter(|name| Capability::act(name).is_some_and(|c| allows(&officer.roles, c)))
        .map(|name| {
            let mine = failure.as_ref().filter(|f| f.action == name);
            // A specialist cannot approve the result: handing over is how
            // they submit the dossier to the leader (Trình lãnh đạo phê duyệt).
            let submits = name == "hand_over"
                && allowed(d.status).contains(&"result_ready")
                && !Capability::act("result_ready").is_some_and(|c| allows(&officer.roles, c));
            let label_key = if submits {
                "desk-action-submit-to-leader".to_owned()
            } else {
                format!("desk-action-{}", name.replace('_', "-"))
            };
            ActionView {
                name,
                label: t.get(&label_key),
                hint: if submits {
                    t.get("desk-submit-to-leader-hint")
                } else {
                    String::new()
                },
                key: mine.map_or_else(new_key, |f| f.key.clone()),
                open: mine.is_some(),
                error: mine.map(|f| f.message.clone()),
                values: mine.map(|f| f.values.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let agencies = if allowed(d.status).contains(&"transfer") {
        state
            .agencies
            .list(&AgencyFilter {
                limit: 5_000,
                ..AgencyFilter::default()
            })
            .await
            .map(|(a, _)| a)
            .unwrap_or_default()
            .into_iter()
            .filter(|a| a.id != d.current_agency.as_str())
            .map(|a| (a.id, super::people::place_first(&a.name)))
            .collect::<Vec<_>>()
    } else {
        Vec::new()
    };
    let mut agencies = agencies;
    super::people::sort_by_label(&mut agencies);
    let targets = if allowed(d.status).contains(&"hand_over") {
        super::people::hand_over_targets(state, d.current_agency.as_str())
            .await
            .into_iter()
            .map(|t| {
                let listed = datalist_label(&t.label);
                (t.id, t.label, listed)
            })
            .collect()
    } else {
        Vec::new()
    };
    let typed = failure
        .as_ref()
        .filter(|f| f.action == "receive")
        .map(|f| f.values.clone())
        .unwrap_or_default();
    let receive_allowed = allowed(d.status).contains(&"receive")
        && Capability::act("receive").is_some_and(|c| allows(&officer.roles, c));
    let desk = desk_extras(state, &t, &view, receive_allowed, &typed).await;
    let names = super::people::officer_names(
        state,
        view.events
            .iter()
            .filter_map(|e| e.actor.strip_prefix("officer:"))
            .chain(d.control_records.iter().map(|r| r.received_by.as_str())),
    )
    .await;
    let mut steps = timeline(&t, &view, &desk.files);
    super::people::name_steps(&names, &mut steps);
    let conflict = failure.as_ref().is_some_and(|f| f.conflict);
    let result_error = failure
        .as_ref()
        .filter(|f| f.action == super::result_upload::FORM)
        .map(|f| f.message.clone());
    let result_upload = (super::result_upload::allowed(&officer.roles, d.status)
        || result_error.is_some())
    .then_some(ResultUploadView {
        error: result_error,
    });
    let notices = super::dossier_notices::lines(state, &t, d.code.as_str()).await;
    let page = DossierPage {
        t,
        nav: nav(officer),
        code: d.code.as_str().to_owned(),
        version: d.version,
        status: status_name(&t, d.status.status.key()),
        portal_status: view.portal_status,
        summary,
        counts_late: d.counts_late,
        steps,
        components: components(&t, &view, &desk.files),
        choices: d
            .components
            .iter()
            .map(|c| ComponentChoice {
                code: c.code.clone(),
                name: c.name.clone(),
                missing: !c.is_satisfied(),
            })
            .collect(),
        lines: money_and_results(&t, &view),
        actions,
        agencies,
        targets,
        done,
        error: conflict.then(|| t.get("desk-error-stale")),
        desk,
        result_upload,
        notices,
    };
    let mut response = crate::pages::render(t, &page);
    if let Some(f) = failure {
        *response.status_mut() = if f.conflict {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
    }
    response
}

/// Query of the dossier page.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// The action just done.
    pub xong: Option<String>,
    /// What came of a registry look-up made from the page.
    pub tra_cuu: Option<String>,
}

/// `GET /can-bo/ho-so/{code}`.
pub async fn page(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    ApiPath(code): ApiPath<String>,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let looked_up = q
        .tra_cuu
        .as_deref()
        .and_then(|o| super::dossier_lookup::outcome_message(&t, o));
    let done = q
        .xong
        .clone()
        .filter(|a| {
            super::dossier_actions::ACTIONS
                .iter()
                .any(|(n, _)| *n == a.as_str())
        })
        .map(|a| {
            t.with_args(
                "desk-action-done",
                &[(
                    "action",
                    &t.get(&format!("desk-action-{}", a.replace('_', "-"))),
                )],
            )
        })
        .or_else(|| {
            q.xong
                .as_deref()
                .filter(|a| *a == super::result_upload::FORM)
                .map(|_| t.get("desk-result-uploaded"))
        })
        .or(looked_up);
    match policy(&state)
        .dossier(
            &state.dossiers,
            &officer.roles,
            Capability::ViewDossier,
            &code,
        )
        .await
    {
        Ok((_, view)) => render_dossier(&state, t, &officer, view, done, None).await,
        Err(d) => page_refusal(t, &officer, d),
    }
}

/// `POST /can-bo/ho-so/{code}/thao-tac/{action}`: does the action with the
/// form's idempotency key and expected version, then shows the dossier
/// again; a refusal or a conflict is shown beside the action's form.
pub async fn act(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    ApiPath((code, action)): ApiPath<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let form = ActionForm(pairs);
    let key = form.get("key");
    let key = if key.is_empty() { new_key() } else { key };
    let version = form.get("version").parse::<u64>().ok();
    // Per-action roles, as on the API: an unknown action is a 404.
    let Some(capability) = Capability::act(&action) else {
        return error_page(
            t,
            &officer,
            &DossierError::NotFound(motcua_app::dossiers::error::not_found_text()),
        );
    };
    let (root, view) = match policy(&state)
        .dossier(&state.dossiers, &officer.roles, capability, &code)
        .await
    {
        Ok(found) => found,
        Err(d) => return page_refusal(t, &officer, d),
    };
    let fail = |message: String, conflict: bool| Failure {
        action: action.clone(),
        key: key.clone(),
        message,
        conflict,
        values: if conflict { Vec::new() } else { form.0.clone() },
    };
    let input = match to_input(&action, &form, &view.dossier) {
        Ok(input) => input,
        Err(message_key) => {
            let failure = fail(t.get(message_key), false);
            return render_dossier(&state, t, &officer, view, None, Some(failure)).await;
        }
    };
    match state
        .dossiers
        .act(
            Actor::Officer(officer.id.clone()),
            &root,
            &key,
            &code,
            version,
            input,
        )
        .await
    {
        Ok(_) => Redirect::to(&format!(
            "/can-bo/ho-so/{}?xong={action}",
            super::encode_component(&code)
        ))
        .into_response(),
        Err(e) => {
            let conflict = matches!(e, DossierError::Stale(_));
            let failure = fail(error_text(&t, &e), conflict);
            // Show the dossier as it is now, so the officer sees what changed.
            match state.dossiers.get(&root, &code).await {
                Ok(fresh) => {
                    let mut failure = failure;
                    if conflict {
                        failure.key = new_key();
                    }
                    render_dossier(&state, t, &officer, fresh, None, Some(failure)).await
                }
                Err(e) => error_page(t, &officer, &e),
            }
        }
    }
}
