//! Filing online (nộp hồ sơ trực tuyến): a form built from the procedure's
//! components, uploads with progress (plain multipart without JavaScript),
//! a review step, then one submission that creates the dossier and its
//! attachment rows in one transaction.
//!
//! Files are streamed to the attachments' staging area as the body is read
//! and, once checked, HELD there for this client (per-client and overall
//! quotas, deleted after 24 h by the sweeper): nothing is stored for good
//! before the submission is valid (security review F6). The held files are
//! carried from step to step in a token signed with a key of this process
//! (a tampered or stale token is refused with an inline message, never
//! trusted); a form shown again after an error keeps them, so the citizen
//! does not choose them again. Each POST spends the client's filing budget
//! before its body is read, and a submission the applicant's (F18).

use std::sync::OnceLock;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{Extensions, StatusCode};
use axum::response::Response;
use hmac::{Hmac, Mac};
use motcua_app::attachments::{AttachmentError, MIB, StagedAttachment};
use motcua_app::dossiers::{
    ApplicantInput, ApplicantKind, ComponentInput, DossierError, NewDossierInput,
};
use motcua_app::ports::AgencyFilter;
use motcua_domain::agency::AgencyKind;
use motcua_domain::audit::hex_of;
use motcua_domain::catalog::ProcedureVersion;
use motcua_domain::dossier::ids::PersonalId;
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

/// One problem on the form: the id of the field it belongs to (empty for
/// the form as a whole) and its message, shown inline and in the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's id (`name`, `personal_id`, `phone`, `email`, `address`,
    /// `receiving`), or empty.
    pub field: String,
    /// The message.
    pub message: String,
}

impl FieldError {
    fn on(field: &str, message: String) -> Self {
        Self {
            field: field.to_owned(),
            message,
        }
    }

    fn general(message: String) -> Self {
        Self::on("", message)
    }
}

/// One line of the error summary: the fragment it links to (empty for no
/// link) and its message.
pub struct SummaryItem {
    /// Field id to link to, or empty.
    pub href: String,
    /// The message.
    pub message: String,
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
    /// Thư điện tử (optional; kept with the dossier, printed on form 01).
    pub email: String,
    /// Contact address (optional; kept with the dossier, printed on form 01).
    pub address: String,
    /// Receiving agency id.
    pub receiving: String,
    /// The applicant chose to receive no notices by e-mail or SMS
    /// (issue 15 item 7).
    pub no_notices: bool,
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
    /// Errors of the applicant's fields and of the form as a whole (the
    /// files' own errors are on their components).
    pub errors: Vec<FieldError>,
    /// Per-file limit in bytes.
    pub max_file: u64,
    /// Limit line.
    pub limit_line: String,
    /// The signed token of the files already held (empty for none).
    pub token: String,
    /// Its signature.
    pub sig: String,
    /// The address with today's units, beside the address field (issue 18).
    pub address_hint: Option<crate::pages::addresses::AddressHint>,
}

impl FilePage {
    /// Whether anything on the form is wrong.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.components.iter().any(|c| !c.error.is_empty())
    }

    /// The inline message of one field (empty when it is fine).
    pub fn error_for(&self, field: &str) -> String {
        self.errors
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Every error at once, in the order of the form, each linking to its
    /// field: the applicant's fields, then the files, then the form's own.
    pub fn summary(&self) -> Vec<SummaryItem> {
        let mut out = Vec::new();
        for field in FIELDS {
            for e in self.errors.iter().filter(|e| e.field == field) {
                out.push(SummaryItem {
                    href: field.to_owned(),
                    message: e.message.clone(),
                });
            }
        }
        for c in self.components.iter().filter(|c| !c.error.is_empty()) {
            out.push(SummaryItem {
                href: format!("file_{}", c.code),
                message: format!("{}: {}", c.name, c.error),
            });
        }
        for e in &self.errors {
            if !FIELDS.contains(&e.field.as_str()) {
                out.push(SummaryItem {
                    href: String::new(),
                    message: e.message.clone(),
                });
            }
        }
        out
    }
}

/// The applicant's fields in the order of the form (the summary's order).
const FIELDS: [&str; 6] = [
    "name",
    "personal_id",
    "phone",
    "email",
    "address",
    "receiving",
];

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
    /// The address with today's units, beside the address as typed.
    pub address_hint: Option<crate::pages::addresses::AddressHint>,
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

/// Whether the procedure says a paper need not be sent when filing
/// online: it is only shown at the desk (xuất trình), or its data come
/// from the population or civil-status database. Never "Bắt buộc" on the
/// form; the officer decides at reception.
fn not_needed_online(c: &motcua_domain::catalog::Component) -> bool {
    use motcua_domain::catalog::{DocumentForm, WaiverSource};
    c.form == DocumentForm::PresentOnly
        || c.waivers.iter().any(|w| {
            matches!(
                w.source,
                WaiverSource::PopulationDb | WaiverSource::CivilStatusDb
            )
        })
}

fn components(t: Messages, v: &ProcedureVersion) -> Vec<FileComponent> {
    v.procedure
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| FileComponent {
            code: format!("TP{}", i + 1),
            name: c.name.clone(),
            requirement: if not_needed_online(c) {
                t.get("citizen-not-needed-online")
            } else {
                requirement_words(t, &c.requirement)
            },
            required: c.requirement == motcua_domain::catalog::Requirement::Required
                && !not_needed_online(c),
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
            // "Xã Côn Minh — Trung tâm Phục vụ hành chính công": the commune
            // first, so type-ahead jumps to it and phones show it (UX #6).
            name: crate::pages::desk::people::place_first(&a.name),
        })
        .collect();
    motcua_domain::text::VietnameseCollator::shared().sort_by_key(&mut list, |c| &c.name);
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
    errors: Vec<FieldError>,
) -> FilePage {
    FilePage {
        t,
        code: v.procedure.code.as_str().to_owned(),
        name: v.procedure.name.clone(),
        components,
        communes,
        address_hint: crate::pages::addresses::hint_of(state, t, &values.address),
        values,
        errors,
        max_file: state.attachments.limits().max_file_bytes,
        limit_line: limit_line(t, state),
        token: String::new(),
        sig: String::new(),
    }
}

/// The form again with `errors`, keeping the held files (shown by name,
/// carried by the token).
#[allow(clippy::too_many_arguments)]
fn form_again(
    t: Messages,
    state: &AppState,
    v: &ProcedureVersion,
    mut components: Vec<FileComponent>,
    communes: Vec<Commune>,
    values: Applicant,
    errors: Vec<FieldError>,
    held: &[StagedAttachment],
    status: StatusCode,
) -> Response {
    for c in &mut components {
        c.file = held
            .iter()
            .find(|h| h.component == c.code)
            .map(|h| h.display_name.clone())
            .unwrap_or_default();
    }
    let mut page = form_page(t, state, v, components, communes, values, errors);
    if !held.is_empty() {
        (page.token, page.sig) = sign(&page.code, held);
    }
    with_status(crate::pages::render(t, &page), status)
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

/// The token and signature of held files for one procedure.
fn sign(code: &str, staged: &[StagedAttachment]) -> (String, String) {
    let payload = serde_json::to_vec(&(code, staged)).unwrap_or_default();
    let sig = hex_of(&mac(&payload).finalize().into_bytes());
    (hex_of(&payload), sig)
}

/// The held files, if the token is intact and for this procedure.
fn verify(code: &str, token: &str, sig: &str) -> Option<Vec<StagedAttachment>> {
    let payload = unhex(token)?;
    mac(&payload).verify_slice(&unhex(sig)?).ok()?;
    let (c, staged): (String, Vec<StagedAttachment>) = serde_json::from_slice(&payload).ok()?;
    (c == code).then_some(staged)
}

fn applicant_of(form: &FormParts) -> Applicant {
    Applicant {
        name: field_value(&form.text("name"), 200),
        personal_id: field_value(&form.text("personal_id"), 20),
        phone: field_value(&form.text("phone"), 20),
        // Longer than allowed is kept so that the check can say so.
        email: field_value(&form.text("email"), 300),
        address: field_value(&form.text("address"), 400),
        receiving: field_value(&form.text("receiving"), 64),
        no_notices: form.text("no_notices") == "1",
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

/// Whether a phone number has the shape the dossier accepts: 8 to 15
/// digits, written with digits, spaces and `+ . - ( )` only (the same rule
/// as [`ApplicantInput::validate`]).
fn phone_ok(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +.-()".contains(c))
        && (8..=15).contains(&digits)
}

/// Checks every field of the applicant, all at once (never a first error
/// only): an inline message for each field that is wrong.
fn check_applicant(t: Messages, a: &Applicant, communes: &[Commune]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if a.name.is_empty() {
        errors.push(FieldError::on("name", t.get("citizen-error-name")));
    }
    if a.personal_id.is_empty() {
        errors.push(FieldError::on(
            "personal_id",
            t.get("citizen-error-personal-id"),
        ));
    } else if let Err(e) = PersonalId::parse(&a.personal_id) {
        let text = match t.locale {
            Locale::Vi => e.vi,
            Locale::En => e.en,
        };
        errors.push(FieldError::on("personal_id", format!("{text}.")));
    }
    if a.phone.is_empty() {
        errors.push(FieldError::on("phone", t.get("citizen-error-phone")));
    } else if !phone_ok(&a.phone) {
        errors.push(FieldError::on(
            "phone",
            t.with_text("citizen-error-phone-format", "phone", &a.phone),
        ));
    }
    if !a.email.is_empty() && !motcua_app::dossiers::email_ok(&a.email) {
        errors.push(FieldError::on(
            "email",
            t.with_text("citizen-error-email", "email", &a.email),
        ));
    }
    if a.address.chars().count() > 300 {
        errors.push(FieldError::on("address", t.get("citizen-error-address")));
    }
    if !communes.iter().any(|c| c.id == a.receiving) {
        errors.push(FieldError::on("receiving", t.get("citizen-error-commune")));
    }
    // The dossier's own rule, in case it is stricter than the checks above.
    if errors.is_empty()
        && let Err(e) = applicant_input(a).validate()
    {
        let field = match &e {
            DossierError::Invalid { code, .. } if code.starts_with("personal_id") => "personal_id",
            DossierError::Invalid { code, .. } if code == "applicant.phone" => "phone",
            DossierError::Invalid { code, .. } if code == "applicant.name" => "name",
            DossierError::Invalid { code, .. } if code == "applicant.email" => "email",
            DossierError::Invalid { code, .. } if code == "applicant.address" => "address",
            _ => "",
        };
        errors.push(FieldError::on(field, invalid_text(t, &e)));
    }
    errors
}

fn applicant_input(a: &Applicant) -> ApplicantInput {
    ApplicantInput {
        kind: ApplicantKind::Citizen,
        id: a.personal_id.clone(),
        name: a.name.clone(),
        phone: Some(a.phone.clone()),
        address: Some(a.address.clone()).filter(|v| !v.is_empty()),
        email: Some(a.email.clone()).filter(|v| !v.is_empty()),
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
        AttachmentError::StagingFull => t.get("citizen-error-staging-full"),
        AttachmentError::Unexpected(_) => t.get("citizen-error-unavailable"),
    }
}

fn with_status(mut res: Response, status: StatusCode) -> Response {
    *res.status_mut() = status;
    res
}

/// `POST /thu-tuc/{code}/nop-truc-tuyen`: `step=review` checks the files
/// and holds them in the staging area, then shows the review (or the form
/// again, keeping what was held); `step=submit` creates the dossier;
/// `step=edit` ("Sửa lại" on the review) shows the form filled again with
/// the answers and the held files.
pub async fn post(
    State(state): State<AppState>,
    t: Messages,
    extensions: Extensions,
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
    let client = crate::rate_limit::client_key(&extensions);
    // The client's budget before a byte of the body is read (F7, F18).
    if let Err(wait) = state.filing_limiter.check_client(&client) {
        let message = t.with_count("citizen-error-too-many", "s", wait.as_secs().max(1));
        let page = form_page(
            t,
            &state,
            &v,
            comps,
            communes,
            Applicant::default(),
            vec![FieldError::general(message)],
        );
        let mut res = with_status(
            crate::pages::render(t, &page),
            StatusCode::TOO_MANY_REQUESTS,
        );
        crate::rate_limit::retry_after(&mut res, wait);
        return res;
    }
    let form = match multipart {
        Ok(m) => upload::read(m, &state.attachments).await,
        Err(e) => Err(ReadError::Malformed(e.body_text())),
    };
    let form = match form {
        Ok(f) => f,
        Err(err) => {
            let (message, status) = match err {
                ReadError::TooLarge(_) => (
                    t.get("citizen-error-file-size"),
                    StatusCode::PAYLOAD_TOO_LARGE,
                ),
                ReadError::Malformed(_) => {
                    (t.get("citizen-error-expired"), StatusCode::BAD_REQUEST)
                }
                ReadError::Busy => (
                    t.get("citizen-error-unavailable"),
                    StatusCode::SERVICE_UNAVAILABLE,
                ),
            };
            let page = form_page(
                t,
                &state,
                &v,
                comps,
                communes,
                Applicant::default(),
                vec![FieldError::general(message)],
            );
            return with_status(crate::pages::render(t, &page), status);
        }
    };
    let values = applicant_of(&form);
    // Files held by an earlier step (a form shown again, or the review).
    let token = form.text("token");
    let mut held = if token.is_empty() {
        Vec::new()
    } else {
        let mut kept = Vec::new();
        for h in verify(&code, &token, &form.text("sig")).unwrap_or_default() {
            if comps.iter().any(|c| c.code == h.component) && state.attachments.is_held(&h).await {
                kept.push(h);
            }
        }
        kept
    };
    match form.text("step").as_str() {
        "submit" => return submit(&state, t, &v, comps, communes, values, &form, held).await,
        // "Sửa lại" on the review: the same form, filled, with the files
        // still held (issue 14, UX review #5).
        "edit" => {
            return form_again(
                t,
                &state,
                &v,
                comps,
                communes,
                values,
                Vec::new(),
                &held,
                StatusCode::OK,
            );
        }
        _ => {}
    }
    // Review: check the applicant and every new file; a new file replaces
    // the one held for its component.
    let mut errors = check_applicant(t, &values, &communes);
    for file in &form.files {
        let Some(component) = file.field.strip_prefix("file_") else {
            continue;
        };
        let Some(slot) = comps.iter_mut().find(|c| c.code == component) else {
            continue;
        };
        let Some(path) = file.take_path() else {
            continue;
        };
        match state
            .attachments
            .hold(
                &client,
                &slot.code,
                &path,
                &file.file_name,
                file.content_type.as_deref(),
                file.size,
                &file.sha256,
            )
            .await
        {
            Ok(h) => {
                let replaced: Vec<StagedAttachment> = held
                    .iter()
                    .filter(|o| o.component == h.component)
                    .cloned()
                    .collect();
                state.attachments.release_held(&replaced).await;
                held.retain(|o| o.component != h.component);
                held.push(h);
            }
            Err(e) => slot.error = file_error(t, &e),
        }
    }
    let total: u64 = held.iter().map(|h| h.size_bytes).sum();
    if total > state.attachments.limits().max_dossier_bytes {
        errors.push(FieldError::general(t.get("citizen-error-file-size")));
    }
    let file_errors = comps.iter().any(|c| !c.error.is_empty());
    if !errors.is_empty() || file_errors {
        return form_again(
            t,
            &state,
            &v,
            comps,
            communes,
            values,
            errors,
            &held,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    for c in &mut comps {
        c.file = held
            .iter()
            .find(|h| h.component == c.code)
            .map(|h| h.display_name.clone())
            .unwrap_or_default();
    }
    let (token, sig) = sign(&code, &held);
    let missing = comps
        .iter()
        .filter(|c| c.required && c.file.is_empty())
        .map(|c| c.name.clone())
        .collect();
    let commune = communes
        .iter()
        .find(|c| c.id == values.receiving)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let page = ReviewPage {
        t,
        code,
        name: v.procedure.name.clone(),
        components: comps,
        commune,
        address_hint: crate::pages::addresses::hint_of(&state, t, &values.address),
        values,
        missing,
        token,
        sig,
        key: uuid::Uuid::new_v4().to_string(),
        error: String::new(),
    };
    crate::pages::render(t, &page)
}

#[allow(clippy::too_many_arguments)]
async fn submit(
    state: &AppState,
    t: Messages,
    v: &ProcedureVersion,
    comps: Vec<FileComponent>,
    communes: Vec<Commune>,
    values: Applicant,
    form: &FormParts,
    held: Vec<StagedAttachment>,
) -> Response {
    let code = v.procedure.code.as_str().to_owned();
    let errors = check_applicant(t, &values, &communes);
    // An empty token is a filing without files; a bad one is refused.
    let token_ok = form.text("token").is_empty()
        || verify(&code, &form.text("token"), &form.text("sig")).is_some();
    if !errors.is_empty() || !token_ok {
        let mut errors = errors;
        if !token_ok {
            errors.push(FieldError::general(t.get("citizen-error-expired")));
        }
        return form_again(
            t,
            state,
            v,
            comps,
            communes,
            values,
            errors,
            &held,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    // The applicant's budget (F18): a few filings a day per personal ID.
    if let Err(wait) = state.filing_limiter.check_applicant(&values.personal_id) {
        let message = t.with_count("citizen-error-too-many", "s", wait.as_secs().max(1));
        let mut res = form_again(
            t,
            state,
            v,
            comps,
            communes,
            values,
            vec![FieldError::general(message)],
            &held,
            StatusCode::TOO_MANY_REQUESTS,
        );
        crate::rate_limit::retry_after(&mut res, wait);
        return res;
    }
    if let Err(e) = state.attachments.commit_held(&held).await {
        let message = match e {
            AttachmentError::NotFound => t.get("citizen-error-expired"),
            other => file_error(t, &other),
        };
        let mut still = Vec::new();
        for h in held {
            if state.attachments.is_held(&h).await {
                still.push(h);
            }
        }
        return form_again(
            t,
            state,
            v,
            comps,
            communes,
            values,
            vec![FieldError::general(message)],
            &still,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let input = NewDossierInput {
        procedure: code.clone(),
        applicant: applicant_input(&values),
        channel: Channel::Online,
        receiving_unit: Some(values.receiving.clone()),
        deciding_agency: None,
        components: motcua_app::dossiers::ComponentChoices::States(
            held.iter()
                .map(|s| ComponentInput {
                    code: s.component.clone(),
                    state: ComponentState::Submitted { digitised: true },
                })
                .collect(),
        ),
        due_at: None,
        outcome: motcua_app::dossiers::IntakeOutcome::Received,
        refusal_reason: None,
        sets: None,
    };
    let files = held.len() as u64;
    let key = field_value(&form.text("key"), 100);
    let created = state
        .dossiers
        .create_with_attachments(
            Actor::Citizen("anonymous".into()),
            None,
            &key,
            input,
            held.clone(),
        )
        .await;
    match created {
        Ok((answer, _)) => {
            state.attachments.release_held(&held).await;
            if values.no_notices
                && let Err(err) = state.notices.opt_out(&[&values.email, &values.phone]).await
            {
                tracing::warn!(error = %err, "recording the applicant's notice opt-out");
            }
            let page = DonePage {
                t,
                code: answer.code,
                secret: answer.tracking_secret.unwrap_or_default(),
                files_line: t.with_count("citizen-done-files", "n", files),
                name: v.procedure.name.clone(),
            };
            crate::pages::render(t, &page)
        }
        // The files stay held: the form comes back with them (issue 14).
        Err(e) => form_again(
            t,
            state,
            v,
            comps,
            communes,
            values,
            vec![FieldError::general(invalid_text(t, &e))],
            &held,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
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
        let (token, sig) = sign("1.001193", &staged);
        assert_eq!(verify("1.001193", &token, &sig), Some(staged));
        assert_eq!(verify("1.001194", &token, &sig), None);
        let mut bad = token.clone();
        bad.replace_range(0..2, "7b");
        assert_eq!(verify("1.001193", &bad, &sig), None);
        assert_eq!(verify("1.001193", &token, "00"), None);
    }
}
