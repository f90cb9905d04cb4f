//! `POST /can-bo/ho-so/{code}/ket-qua`: the officer attaches the result
//! document (giấy tờ kết quả, component `KQ`) on the dossier page, while
//! the dossier is being processed or its result is ready; the citizen then
//! downloads it from the tracking page.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::policy::Capability;
use motcua_domain::dossier::{DossierStatus, LocalStatus};

use super::DeskOfficer;
use super::dossier::{Failure, render_dossier};
use crate::AppState;
use crate::api::attachments::{StoreAs, read_problem, store_file};
use crate::extract::ApiPath;
use crate::i18n::Messages;
use crate::policy::{allows, page_refusal, policy};

/// The name of the upload form, as a `Failure`'s action and in `?xong=`.
pub const FORM: &str = "ket-qua";

/// A result document may be attached while the dossier is processed or its
/// result is ready.
pub fn status_allows(status: LocalStatus) -> bool {
    matches!(
        status.status,
        DossierStatus::Processing | DossierStatus::ResultReady
    )
}

/// Whether the officer sees the upload form on a dossier in `status`.
pub fn allowed(roles: &[motcua_domain::identity::RoleAssignment], status: LocalStatus) -> bool {
    status_allows(status) && allows(roles, Capability::AddAttachment)
}

/// `POST /can-bo/ho-so/{code}/ket-qua` (multipart `file`, optional `name`).
pub async fn upload(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    ApiPath(code): ApiPath<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    // Who asks, before the body is read.
    let (_, view) = match policy(&state)
        .dossier(
            &state.dossiers,
            &officer.roles,
            Capability::AddAttachment,
            &code,
        )
        .await
    {
        Ok(found) => found,
        Err(d) => return page_refusal(t, &officer, d),
    };
    let fail = |message: String| Failure {
        action: FORM.to_owned(),
        key: String::new(),
        message,
        conflict: false,
        values: Vec::new(),
    };
    if !status_allows(view.dossier.status) {
        let failure = fail(t.get("desk-result-upload-not-now"));
        return render_dossier(&state, t, &officer, view, None, Some(failure)).await;
    }
    let Ok(multipart) = multipart else {
        let failure = fail(t.get("desk-result-upload-no-file"));
        return render_dossier(&state, t, &officer, view, None, Some(failure)).await;
    };
    let limit = state.attachments.limits().max_file_bytes;
    let stored = match crate::upload::read(multipart, &state.attachments).await {
        Ok(form) => {
            let name = form.text("name");
            store_file(
                &state,
                &view.dossier,
                &form,
                StoreAs::Result { name },
                &format!("officer:{}", officer.id),
            )
            .await
        }
        Err(e) => Err(read_problem(e, limit)),
    };
    match stored {
        Ok(_) => Redirect::to(&format!(
            "/can-bo/ho-so/{}?xong={FORM}",
            super::encode_component(&code)
        ))
        .into_response(),
        Err(problem) => {
            let failure = fail(problem.detail);
            render_dossier(&state, t, &officer, view, None, Some(failure)).await
        }
    }
}
