//! Filing online (nộp hồ sơ trực tuyến): a form built from the procedure's
//! components, uploads with progress (plain multipart without JavaScript),
//! a review step, then one submission that creates the dossier and its
//! attachment rows in one transaction.
//!
//! The review step stores the checked files (content-addressed, so a file
//! left unused is harmless) and carries them to the submission in a token
//! signed with a key of this process: a tampered or stale token is refused
//! with an inline message, never trusted.

use std::sync::OnceLock;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use hmac::{Hmac, Mac};
use motcua_app::attachments::{AttachmentError, MIB, StagedAttachment, Upload};
use motcua_app::dossiers::{
    ApplicantInput, ApplicantKind, ComponentInput, DossierError, NewDossierInput,
};
use motcua_app::ports::AgencyFilter;
use motcua_domain::agency::AgencyKind;
use motcua_domain::catalog::ProcedureVersion;
use motcua_domain::dossier::{Actor, Channel, ComponentState};
use sha2::Sha256;

use super::field_value;
use super::procedure::{in_force, missing, offered_online, requirement_words};
use crate::AppState;
use crate::i18n::{Locale, Messages};
use crate::upload::{self, FormParts, ReadError};

/// One component on the form.
pub struct FileComponent {
    /// Code (`TP1`...): the file input is `file_<code>`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Required / optional / when.
    pub requirement: String,
    /// Required.
    pub required: bool,
    /// "Không cần nộp nếu ..." texts.
    pub waivers: Vec<String>,
    /// An inline error for its file.
    pub error: String,
    /// The file checked at review (display name), if any.
    pub file: String,
}

/// A commune service center to file at.
pub struct Commune {
    /// Agency id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// What the applicant typed.
#[derive(Debug, Clone, Default)]
pub struct Applicant {
    /// Họ và tên.
    pub name: String,
    /// Số định danh cá nhân.
    pub personal_id: String,
    /// Phone.
    pub phone: String,
    /// Contact address (shown on the review; the dossier does not keep it).
    pub address: String,
    /// Receiving agency id.
    pub receiving: String,
}

/// `templates/pages/citizen/file_online.html`.
#[derive(Template)]
#[template(path = "pages/citizen/file_online.html")]
pub struct FilePage {
    /// Messages.
    pub t: Messages,
    /// Procedure code.
    pub code: String,
    /// Procedure name.
    pub name: String,
    /// Components.
    pub components: Vec<FileComponent>,
    /// Where to file.
    pub communes: Vec<Commune>,
    /// What was typed.
    pub values: Applicant,
    /// Inline errors of the form.
    pub errors: Vec<String>,
    /// Per-file limit in bytes.
    pub max_file: u64,
    /// Limit line.
    pub limit_line: String,
}

/// `templates/pages/citizen/file_review.html`.
#[derive(Template)]
#[template(path = "pages/citizen/file_review.html")]
pub struct ReviewPage {
    /// Messages.
    pub t: Messages,
    /// Procedure code.
    pub code: String,
    /// Procedure name.
    pub name: String,
    /// Components with their files.
    pub components: Vec<FileComponent>,
    /// Name of the chosen center.
    pub commune: String,
    /// What was typed.
    pub values: Applicant,
    /// Required components without a file.
    pub missing: Vec<String>,
    /// The signed token of the stored files.
    pub token: String,
    /// Its signature.
    pub sig: String,
    /// The submission's idempotency key.
    pub key: String,
    /// An inline error (a failed submission).
    pub error: String,
}

/// `templates/pages/citizen/file_done.html`.
#[derive(Template)]
#[template(path = "pages/citizen/file_done.html")]
pub struct DonePage {
    /// Messages.
    pub t: Messages,
    /// Mã hồ sơ.
    pub code: String,
    /// The tracking secret.
    pub secret: String,
    /// "Files sent: n".
    pub files_line: String,
    /// Procedure name.
    pub name: String,
}

fn components(t: Messages, v: &ProcedureVersion) -> Vec<FileComponent> {
    v.procedure
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| FileComponent {
            code: format!("TP{}", i + 1),
            name: c.name.clone(),
            requirement: requirement_words(t, &c.requirement),
            required: c.requirement == motcua_domain::catalog::Requirement::Required,
            waivers: c.waivers.iter().map(|w| w.text.clone()).collect(),
            error: String::new(),
            file: String::new(),
        })
        .collect()
}

async fn communes(state: &AppState) -> Vec<Commune> {
    let filter = AgencyFilter {
        kind: Some(AgencyKind::CommuneServiceCenter),
        limit: 1_000,
        ..AgencyFilter::default()
    };
    let mut list: Vec<Commune> = state
        .agencies
        .list(&filter)
        .await
        .map(|(items, _)| items)
        .unwrap_or_default()
        .into_iter()
        .filter(|a| a.active)
        .map(|a| Commune {
            id: a.id,
            name: a.name,
        })
        .collect();
    list.sort_by(|a, b| a.name.cmp(&b.name));
    list
}

fn limit_line(t: Messages, state: &AppState) -> String {
    let l = state.attachments.limits();
    t.with_counts(
        "citizen-file-limit",
        ("mib", l.max_file_bytes / MIB),
        ("total", l.max_dossier_bytes / MIB),
    )
}

fn form_page(
    t: Messages,
    state: &AppState,
    v: &ProcedureVersion,
    components: Vec<FileComponent>,
    communes: Vec<Commune>,
    values: Applicant,
    errors: Vec<String>,
) -> FilePage {
    FilePage {
        t,
        code: v.procedure.code.as_str().to_owned(),
        name: v.procedure.name.clone(),
        components,
        communes,
        values,
        errors,
        max_file: state.attachments.limits().max_file_bytes,
        limit_line: limit_line(t, state),
    }
}

/// `GET /thu-tuc/{code}/nop-truc-tuyen`.
pub async fn form(
    State(state): State<AppState>,
    t: Messages,
    Path(code): Path<String>,
) -> Response {
    let Some(v) = in_force(&state, &code).await else {
        return missing(t);
    };
    if !offered_online(&v) {
        return missing(t);
    }
    let page = form_page(
        t,
        &state,
        &v,
        components(t, &v),
        communes(&state).await,
        Applicant::default(),
        Vec::new(),
    );
    crate::pages::render(t, &page)
}

fn signing_key() -> &'static [u8; 32] {
    static KEY: OnceLock<[u8; 32]> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut key = [0u8; 32];
        key[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        key[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        key
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn mac(payload: &[u8]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(signing_key()).expect("any key length");
    mac.update(payload);
    mac
}

/// The token and signature of staged files for one procedure and center.
fn sign(code: &str, receiving: &str, staged: &[StagedAttachment]) -> (String, String) {
    let payload = serde_json::to_vec(&(code, receiving, staged)).unwrap_or_default();
    let sig = hex(&mac(&payload).finalize().into_bytes());
    (hex(&payload), sig)
}

/// The staged files, if the token is intact and for this procedure and center.
fn verify(code: &str, receiving: &str, token: &str, sig: &str) -> Option<Vec<StagedAttachment>> {
    let payload = unhex(token)?;
    mac(&payload).verify_slice(&unhex(sig)?).ok()?;
    let (c, r, staged): (String, String, Vec<StagedAttachment>) =
        serde_json::from_slice(&payload).ok()?;
    (c == code && r == receiving).then_some(staged)
}

fn applicant_of(form: &FormParts) -> Applicant {
    Applicant {
        name: field_value(&form.text("name"), 200),
        personal_id: field_value(&form.text("personal_id"), 20),
        phone: field_value(&form.text("phone"), 20),
        address: field_value(&form.text("address"), 300),
        receiving: field_value(&form.text("receiving"), 64),
    }
}

fn invalid_text(t: Messages, e: &DossierError) -> String {
    match e {
        DossierError::Invalid { vi, en, .. } => match t.locale {
            Locale::Vi => vi.clone(),
            Locale::En => en.clone(),
        },
        DossierError::Unexpected(_) => t.get("citizen-error-unavailable"),
        other => other.to_string(),
    }
}

/// Checks the applicant; inline messages for what is wrong.
fn check_applicant(t: Messages, a: &Applicant, communes: &[Commune]) -> Vec<String> {
    let mut errors = Vec::new();
    if a.name.is_empty() {
        errors.push(t.get("citizen-error-name"));
    }
    if a.phone.is_empty() {
        errors.push(t.get("citizen-error-phone"));
    }
    if !communes.iter().any(|c| c.id == a.receiving) {
        errors.push(t.get("citizen-error-commune"));
    }
    if errors.is_empty()
        && let Err(e) = applicant_input(a).validate()
    {
        errors.push(invalid_text(t, &e));
    }
    errors
}

fn applicant_input(a: &Applicant) -> ApplicantInput {
    ApplicantInput {
        kind: ApplicantKind::Citizen,
        id: a.personal_id.clone(),
        name: a.name.clone(),
        phone: Some(a.phone.clone()),
    }
}

/// The inline message of a refused file.
pub fn file_error(t: Messages, e: &AttachmentError) -> String {
    match e {
        AttachmentError::TooLarge { .. } | AttachmentError::DossierFull { .. } => {
            t.get("citizen-error-file-size")
        }
        AttachmentError::BadType(_) => t.get("citizen-error-file-type"),
        AttachmentError::Empty => t.get("citizen-error-file-empty"),
        AttachmentError::UnknownComponent(_) | AttachmentError::NotFound => {
            t.get("citizen-error-file-type")
        }
        AttachmentError::Unexpected(_) => t.get("citizen-error-unavailable"),
    }
}

fn with_status(mut res: Response, status: StatusCode) -> Response {
    *res.status_mut() = status;
    res
}

/// `POST /thu-tuc/{code}/nop-truc-tuyen`: `step=review` checks and stores
/// the files and shows the review; `step=submit` creates the dossier.
pub async fn post(
    State(state): State<AppState>,
    t: Messages,
    Path(code): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let Some(v) = in_force(&state, &code).await else {
        return missing(t);
    };
    if !offered_online(&v) {
        return missing(t);
    }
    let code = v.procedure.code.as_str().to_owned();
    let communes = communes(&state).await;
    let mut comps = components(t, &v);
    let max_file = state.attachments.limits().max_file_bytes;
    let form = match multipart {
        Ok(m) => upload::read(m, max_file).await,
        Err(e) => Err(ReadError::Malformed(e.body_text())),
    };
    let form = match form {
        Ok(f) => f,
        Err(err) => {
            let message = match err {
                ReadError::TooLarge(_) => t.get("citizen-error-file-size"),
                ReadError::Malformed(_) => t.get("citizen-error-expired"),
            };
            let page = form_page(
                t,
                &state,
                &v,
                comps,
                communes,
                Applicant::default(),
                vec![message],
            );
            return with_status(crate::pages::render(t, &page), StatusCode::BAD_REQUEST);
        }
    };
    let values = applicant_of(&form);
    let commune = communes
        .iter()
        .find(|c| c.id == values.receiving)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    if form.text("step") == "submit" {
        return submit(&state, t, &v, comps, communes, values, &form).await;
    }
    // Review: check the applicant and every file.
    let mut errors = check_applicant(t, &values, &communes);
    let mut staged = Vec::new();
    let mut total = 0u64;
    for file in &form.files {
        let Some(component) = file.field.strip_prefix("file_") else {
            continue;
        };
        let Some(slot) = comps.iter_mut().find(|c| c.code == component) else {
            continue;
        };
        let upload = Upload {
            component: slot.code.clone(),
            file_name: file.file_name.clone(),
            declared_type: file.content_type.clone(),
            bytes: file.bytes.clone(),
        };
        match state.attachments.stage(&upload).await {
            Ok(s) => {
                total += s.size_bytes;
                slot.file = s.display_name.clone();
                staged.push(s);
            }
            Err(e) => slot.error = file_error(t, &e),
        }
    }
    if total > state.attachments.limits().max_dossier_bytes {
        errors.push(t.get("citizen-error-file-size"));
    }
    let file_errors = comps.iter().any(|c| !c.error.is_empty());
    if !errors.is_empty() || file_errors {
        if !form.files.is_empty() {
            errors.push(t.get("citizen-choose-again"));
        }
        for c in &mut comps {
            c.file.clear();
        }
        let page = form_page(t, &state, &v, comps, communes, values, errors);
        return with_status(
            crate::pages::render(t, &page),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let (token, sig) = sign(&code, &values.receiving, &staged);
    let missing = comps
        .iter()
        .filter(|c| c.required && c.file.is_empty())
        .map(|c| c.name.clone())
        .collect();
    let page = ReviewPage {
        t,
        code,
        name: v.procedure.name.clone(),
        components: comps,
        commune,
        values,
        missing,
        token,
        sig,
        key: uuid::Uuid::new_v4().to_string(),
        error: String::new(),
    };
    crate::pages::render(t, &page)
}

async fn submit(
    state: &AppState,
    t: Messages,
    v: &ProcedureVersion,
    comps: Vec<FileComponent>,
    communes: Vec<Commune>,
    values: Applicant,
    form: &FormParts,
) -> Response {
    let code = v.procedure.code.as_str().to_owned();
    let errors = check_applicant(t, &values, &communes);
    let staged = verify(
        &code,
        &values.receiving,
        &form.text("token"),
        &form.text("sig"),
    );
    let Some(staged) = staged.filter(|_| errors.is_empty()) else {
        let mut errors = errors;
        errors.push(t.get("citizen-error-expired"));
        let page = form_page(t, state, v, comps, communes, values, errors);
        return with_status(
            crate::pages::render(t, &page),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let input = NewDossierInput {
        procedure: code.clone(),
        applicant: applicant_input(&values),
        channel: Channel::Online,
        receiving_unit: Some(values.receiving.clone()),
        deciding_agency: None,
        components: staged
            .iter()
            .map(|s| ComponentInput {
                code: s.component.clone(),
                state: ComponentState::Submitted { digitised: true },
            })
            .collect(),
        due_at: None,
    };
    let files = staged.len() as u64;
    let key = field_value(&form.text("key"), 100);
    let created = state
        .dossiers
        .create_with_attachments(
            Actor::Citizen("anonymous".into()),
            None,
            &key,
            input,
            staged,
        )
        .await;
    match created {
        Ok((answer, _)) => {
            let page = DonePage {
                t,
                code: answer.code,
                secret: answer.tracking_secret.unwrap_or_default(),
                files_line: t.with_count("citizen-done-files", "n", files),
                name: v.procedure.name.clone(),
            };
            crate::pages::render(t, &page)
        }
        Err(e) => {
            let page = form_page(
                t,
                state,
                v,
                comps,
                communes,
                values,
                vec![invalid_text(t, &e), t.get("citizen-choose-again")],
            );
            with_status(
                crate::pages::render(t, &page),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_tampering_is_refused() {
        let staged = vec![StagedAttachment {
            id: "a".into(),
            component: "TP1".into(),
            object_key: "sha256/ab/ab".into(),
            sha256: "ab".into(),
            size_bytes: 3,
            content_type: "application/pdf".into(),
            display_name: "x.pdf".into(),
        }];
        let (token, sig) = sign("1.001193", "H55.X1.TT", &staged);
        assert_eq!(verify("1.001193", "H55.X1.TT", &token, &sig), Some(staged));
        assert_eq!(verify("1.001193", "H55.X2.TT", &token, &sig), None);
        let mut bad = token.clone();
        bad.replace_range(0..2, "7b");
        assert_eq!(verify("1.001193", "H55.X1.TT", &bad, &sig), None);
        assert_eq!(verify("1.001193", "H55.X1.TT", &token, "00"), None);
    }
}
