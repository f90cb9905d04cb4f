//! Forms 01–06 of the one-stop desk as printable pages and A4 PDFs:
//! `GET /ho-so/{code}/bieu-mau/{01..06}` and `…/{01..06}.pdf`. Form 01 is
//! the receipt (`/ho-so/{code}/bien-nhan`, where this redirects); forms
//! 02–06 are laid out here from the dossier and its events as a
//! [`Sheet`], which the page template and the PDF renderer share.
//!
//! Access is the receipt's: an officer with [`Capability::ViewReceipt`]
//! whose agency covers the dossier, or whoever gives `?verifier=` — here
//! the QR secret only (the phone's last digits open the status only) —
//! behind the same per-client limiter as public tracking. A form whose
//! event has not happened (03 for a dossier never refused) answers 404
//! with a page that says so.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{Extensions, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use motcua_app::dossiers::forms::FormsSource;
use motcua_app::dossiers::{Accessor, DossierError};
use motcua_app::policy::{Capability, Denied, agency_roots, require};
use motcua_domain::catalog::FormRole;
use motcua_domain::dossier::{Actor, EventPayload, Timeliness};
use motcua_domain::identity::Role;

use super::receipt::{Field, ReceiptQuery, local_datetime};
use super::receipt_pdf::{Block, Sheet, Signer, render_sheet};
use crate::AppState;
use crate::auth::MaybeOfficer;
use crate::extract::ApiPath;
use crate::i18n::Messages;
use crate::problem::Problem;

/// A block of a sheet as the page template shows it.
#[derive(Debug, Clone, Default)]
pub struct HtmlBlock {
    /// `fields`, `heading`, `lines` or `table`.
    pub kind: &'static str,
    /// The heading's text.
    pub text: String,
    /// Label and value lines.
    pub fields: Vec<Field>,
    /// Plain lines.
    pub lines: Vec<String>,
    /// Table headers.
    pub columns: Vec<String>,
    /// Table rows.
    pub rows: Vec<Vec<String>>,
}

/// A sheet's blocks for the template (a QR is left to the PDF).
pub fn html_blocks(sheet: &Sheet) -> Vec<HtmlBlock> {
    sheet
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Fields(fields) => Some(HtmlBlock {
                kind: "fields",
                fields: fields.clone(),
                ..HtmlBlock::default()
            }),
            Block::Heading(text) => Some(HtmlBlock {
                kind: "heading",
                text: text.clone(),
                ..HtmlBlock::default()
            }),
            Block::Lines(lines) => Some(HtmlBlock {
                kind: "lines",
                lines: lines.clone(),
                ..HtmlBlock::default()
            }),
            Block::Table { columns, rows, .. } => Some(HtmlBlock {
                kind: "table",
                columns: columns.clone(),
                rows: rows.clone(),
                ..HtmlBlock::default()
            }),
            Block::Qr { .. } => None,
        })
        .collect()
}

/// `templates/pages/forms/sheet.html`: any sheet as a printable page.
#[derive(Template)]
#[template(path = "pages/forms/sheet.html")]
pub struct SheetPage {
    /// Messages.
    pub t: Messages,
    /// The sheet.
    pub doc: Sheet,
    /// Its blocks for the template.
    pub blocks: Vec<HtmlBlock>,
    /// Link to the PDF.
    pub pdf_href: String,
    /// Link to the spreadsheet (the register only).
    pub xlsx_href: Option<String>,
    /// The period chooser (the register only): from, to.
    pub period: Option<(String, String)>,
}

/// The 404 page of a form that does not exist or does not apply.
pub fn not_applicable(t: Messages, detail: String) -> Response {
    let mut res = crate::problem::html_page(
        t,
        &Problem::new(StatusCode::NOT_FOUND, "form-not-applicable", detail)
            .with_code("form_not_applicable"),
    );
    no_store(&mut res);
    res
}

/// Personal data: no shared caches.
pub fn no_store(res: &mut Response) {
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
}

/// A sheet as an inline PDF download named `name`.
pub fn pdf_response(t: Messages, sheet: &Sheet, name: &str) -> Response {
    match render_sheet(sheet) {
        Ok(bytes) => {
            let mut res = (
                [
                    (header::CONTENT_TYPE, "application/pdf".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("inline; filename=\"{name}\""),
                    ),
                ],
                bytes,
            )
                .into_response();
            no_store(&mut res);
            res
        }
        Err(err) => {
            tracing::error!(error = %err, "form PDF failed");
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                format!("{} / the PDF could not be made", t.get("form-pdf-failed")),
            )
            .into_response()
        }
    }
}

/// The verifier as given, trimmed; `None` when absent or blank.
fn verifier(q: &ReceiptQuery) -> Option<&str> {
    q.verifier
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// Loads the facts for whoever asks (see the module documentation).
async fn load(
    state: &AppState,
    officer: MaybeOfficer,
    extensions: &Extensions,
    code: &str,
    q: &ReceiptQuery,
) -> Result<FormsSource, Response> {
    let failed = |e: DossierError| Problem::from(e).into_response();
    if let Some(v) = verifier(q) {
        crate::rate_limit::guard_verifier(state, extensions, code, v)
            .await
            .map_err(|wait| {
                Problem::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate-limited",
                    "Tra cứu quá nhiều lần, vui lòng thử lại sau / too many look-ups, retry later",
                )
                .with_code("rate_limited")
                .into_response()
                .tap_retry(wait)
            })?;
        return state
            .dossiers
            .forms_source(&Accessor::Holder(v.to_owned()), code)
            .await
            .map_err(failed);
    }
    let Some(o) = officer.0 else {
        return Err(failed(DossierError::NotFound(
            motcua_app::dossiers::error::not_found_text(),
        )));
    };
    let denied = |d: Denied| Problem::from(d).into_response();
    require(&o.roles, Capability::ViewReceipt).map_err(denied)?;
    for root in agency_roots(&o.roles, Capability::ViewReceipt) {
        match state
            .dossiers
            .forms_source(&Accessor::Officer(root), code)
            .await
        {
            Ok(source) => return Ok(source),
            Err(DossierError::Forbidden(_)) => {}
            Err(other) => return Err(failed(other)),
        }
    }
    Err(denied(Denied::Hidden))
}

trait RetryAfter {
    fn tap_retry(self, wait: std::time::Duration) -> Self;
}

impl RetryAfter for Response {
    fn tap_retry(mut self, wait: std::time::Duration) -> Self {
        if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
            self.headers_mut().insert(header::RETRY_AFTER, v);
        }
        self
    }
}

/// Officer display names by account id, and the leader of the dossier's
/// agencies (for form 04's signature), when the accounts are known.
struct People {
    names: HashMap<String, String>,
    leader: Option<String>,
}

impl People {
    async fn of(state: &AppState, source: &FormsSource) -> Self {
        let d = &source.dossier;
        let agencies = [d.deciding_agency.as_str(), d.receiving_unit.as_str()];
        let accounts = state.identity.list().await.unwrap_or_default();
        let mut leader = None;
        for agency in agencies {
            leader = leader.or_else(|| {
                accounts
                    .iter()
                    .find(|(a, roles)| {
                        a.agency_id == agency && roles.iter().any(|r| r.role == Role::Leader)
                    })
                    .map(|(a, _)| a.display_name.clone())
            });
        }
        Self {
            names: accounts
                .into_iter()
                .map(|(a, _)| (a.id, a.display_name))
                .collect(),
            leader,
        }
    }

    fn officer(&self, id: &str) -> String {
        match self.names.get(id) {
            Some(name) if !name.is_empty() && name != id => format!("{name} ({id})"),
            _ => id.to_owned(),
        }
    }

    fn actor(&self, t: &Messages, actor: &Actor) -> String {
        match actor {
            Actor::Officer(id) => self.officer(id),
            Actor::Citizen(_) => t.get("desk-actor-citizen"),
            Actor::System(name) => name.clone(),
        }
    }
}

fn field(label: String, value: String) -> Field {
    Field { label, value }
}

fn signer(t: &Messages, key: &str, name: String) -> Signer {
    Signer {
        title: t.get(key),
        note: t.get("form-sign-note"),
        name,
    }
}

fn when(t: &Messages, at: Option<DateTime<Utc>>) -> String {
    at.map(|a| local_datetime(t, a)).unwrap_or_default()
}

/// The common head of forms 02–06: unit, motto, form code (the
/// procedure's own when the catalog names one), title, code line and the
/// dossier's identifying fields.
fn sheet(t: &Messages, s: &FormsSource, number: &str, role: FormRole) -> Sheet {
    let d = &s.dossier;
    let code = s
        .procedure
        .as_ref()
        .and_then(|p| p.forms.form_for(role))
        .unwrap_or(number)
        .to_owned();
    let procedure = s.procedure.as_ref().map_or_else(
        || d.procedure.code.clone(),
        |p| format!("{} ({})", p.name, p.code),
    );
    Sheet {
        agency: s.receiving_unit_name.clone(),
        nation: t.get("receipt-nation"),
        motto: t.get("receipt-motto"),
        form: t.with_args("form-number", &[("code", &code)]),
        title: t.get(&format!("form-{number}-title")),
        subtitles: vec![format!("{}: {}", t.get("receipt-code"), d.code.as_str())],
        blocks: vec![Block::Fields(vec![
            field(t.get("form-applicant"), d.applicant.name.clone()),
            field(t.get("form-procedure"), procedure),
            field(t.get("form-deciding"), s.deciding_agency_name.clone()),
        ])],
        signers: Vec::new(),
        page_title: format!(
            "{} {}",
            t.get(&format!("form-{number}-title")),
            d.code.as_str()
        ),
        lang: t.locale.tag(),
    }
}

/// Form `number` (02–06) of the dossier, `None` when it does not apply.
fn build(t: &Messages, s: &FormsSource, people: &People, number: &str) -> Option<Sheet> {
    let d = &s.dossier;
    let events = &s.events;
    match number {
        "02" => {
            let (e, reason, missing) = events.iter().rev().find_map(|e| match &e.payload {
                EventPayload::SupplementRequested {
                    reason, missing, ..
                } => Some((e, reason, missing)),
                _ => None,
            })?;
            let mut doc = sheet(t, s, "02", FormRole::Supplement);
            let officer = people.actor(t, &e.actor);
            doc.blocks.push(Block::Fields(vec![
                field(t.get("form-date"), local_datetime(t, e.at)),
                field(t.get("form-officer"), officer.clone()),
                field(t.get("form-reason"), reason.clone()),
            ]));
            doc.blocks.push(Block::Heading(t.get("form-supply")));
            let rows: Vec<Vec<String>> = if missing.is_empty() {
                vec![vec!["1".into(), t.get("form-supply-none")]]
            } else {
                missing
                    .iter()
                    .enumerate()
                    .map(|(i, m)| vec![(i + 1).to_string(), m.clone()])
                    .collect()
            };
            doc.blocks.push(Block::Table {
                columns: vec![t.get("form-col-no"), t.get("form-col-item")],
                widths: vec![1.0, 12.0],
                rows,
            });
            doc.signers = vec![
                signer(t, "form-sign-applicant", String::new()),
                signer(t, "form-sign-guide", officer),
            ];
            Some(doc)
        }
        "03" | "05" => {
            let (e, reason) = events
                .iter()
                .rev()
                .find_map(|e| match (&e.payload, number) {
                    (EventPayload::ReceptionRefused { reason, .. }, "03")
                    | (EventPayload::ProcessingStopped { reason }, "05") => Some((e, reason)),
                    _ => None,
                })?;
            let (role, intro) = if number == "03" {
                (FormRole::Refusal, "form-refused-intro")
            } else {
                (FormRole::Stop, "form-stop-intro")
            };
            let mut doc = sheet(t, s, number, role);
            let officer = people.actor(t, &e.actor);
            doc.blocks.push(Block::Lines(vec![t.get(intro)]));
            doc.blocks.push(Block::Fields(vec![
                field(t.get("form-date"), local_datetime(t, e.at)),
                field(t.get("form-officer"), officer.clone()),
                field(t.get("form-reason"), reason.clone()),
            ]));
            doc.signers = if number == "03" {
                vec![signer(t, "form-sign-officer", officer)]
            } else {
                vec![signer(
                    t,
                    "form-sign-head",
                    people.leader.clone().unwrap_or_default(),
                )]
            };
            Some(doc)
        }
        "04" => {
            let x = d.extensions.last()?;
            let mut doc = sheet(t, s, "04", FormRole::Apology);
            let status = crate::pages::desk::view::status_name(t, d.status.status.key());
            doc.blocks.push(Block::Fields(vec![
                field(t.get("form-received-at"), when(t, d.received_at)),
                field(t.get("form-status"), status),
            ]));
            doc.blocks
                .push(Block::Lines(vec![t.get("form-apology-intro")]));
            doc.blocks.push(Block::Fields(vec![
                field(t.get("form-reason"), x.reason.clone()),
                field(t.get("form-old-due"), when(t, x.previous_due_at)),
                field(t.get("form-new-due"), local_datetime(t, x.new_due_at)),
                field(t.get("form-date"), local_datetime(t, x.at)),
            ]));
            doc.signers = vec![signer(
                t,
                "form-sign-head",
                people.leader.clone().unwrap_or_default(),
            )];
            Some(doc)
        }
        "06" => {
            let received = d.received_at?;
            let mut doc = sheet(t, s, "06", FormRole::ProcessControl);
            doc.blocks.push(Block::Fields(vec![
                field(t.get("form-received-at"), local_datetime(t, received)),
                field(
                    t.get("form-due-at"),
                    when(t, d.original_due_at.or(d.due_at)),
                ),
            ]));
            doc.blocks.push(Block::Heading(t.get("form-steps")));
            let rows: Vec<Vec<String>> = d
                .control_records
                .iter()
                .map(|r| {
                    let key = match r.timeliness {
                        Timeliness::Early => "desk-timeliness-early",
                        Timeliness::OnTime => "desk-timeliness-on-time",
                        Timeliness::Late => "desk-timeliness-late",
                    };
                    vec![
                        r.step.to_string(),
                        people.actor(t, &r.handed_over_by),
                        people.officer(&r.received_by),
                        local_datetime(t, r.at),
                        local_datetime(t, r.step_deadline),
                        t.get(key),
                    ]
                })
                .collect();
            if rows.is_empty() {
                doc.blocks.push(Block::Lines(vec![t.get("form-no-steps")]));
            } else {
                doc.blocks.push(Block::Table {
                    columns: [
                        "form-col-step",
                        "form-col-from",
                        "form-col-to",
                        "form-col-when",
                        "form-col-deadline",
                        "form-col-result",
                    ]
                    .iter()
                    .map(|k| t.get(k))
                    .collect(),
                    widths: vec![1.0, 3.0, 3.0, 3.0, 3.0, 2.0],
                    rows,
                });
            }
            Some(doc)
        }
        _ => None,
    }
}

/// `GET /ho-so/{code}/bieu-mau/{form}` where form is `01`–`06`, with or
/// without `.pdf`: the page or the A4 PDF of that form.
pub async fn form(
    State(state): State<AppState>,
    t: Messages,
    officer: MaybeOfficer,
    extensions: Extensions,
    ApiPath((code, form)): ApiPath<(String, String)>,
    Query(q): Query<ReceiptQuery>,
) -> Response {
    let (number, pdf) = match form.strip_suffix(".pdf") {
        Some(n) => (n, true),
        None => (form.as_str(), false),
    };
    if !["01", "02", "03", "04", "05", "06"].contains(&number) {
        return not_applicable(t, t.get("form-unknown"));
    }
    let safe_code = code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    let suffix = verifier(&q)
        .map(|v| {
            let v: String = v.chars().filter(char::is_ascii_alphanumeric).collect();
            format!("&verifier={v}")
        })
        .unwrap_or_default();
    if number == "01" && safe_code {
        let ext = if pdf { ".pdf" } else { "" };
        return Redirect::to(&format!(
            "/ho-so/{code}/bien-nhan{ext}?lang={}{suffix}",
            t.locale.tag()
        ))
        .into_response();
    }
    let source = match load(&state, officer, &extensions, &code, &q).await {
        Ok(s) => s,
        Err(res) => return res,
    };
    let people = People::of(&state, &source).await;
    let Some(doc) = build(&t, &source, &people, number) else {
        return not_applicable(
            t,
            format!(
                "{} / form {number} does not apply to this dossier",
                t.with_args("form-not-applicable", &[("code", number)])
            ),
        );
    };
    let code = source.dossier.code.as_str();
    if pdf {
        return pdf_response(t, &doc, &format!("mau-{number}-{code}.pdf"));
    }
    let pdf_href = format!(
        "/ho-so/{code}/bieu-mau/{number}.pdf?lang={}{suffix}",
        t.locale.tag()
    );
    let mut res = super::render(
        t,
        &SheetPage {
            t,
            blocks: html_blocks(&doc),
            doc,
            pdf_href,
            xlsx_href: None,
            period: None,
        },
    );
    no_store(&mut res);
    res
}
