//! Form 07, sổ theo dõi hồ sơ: the register of the dossiers the officer's
//! unit received in a period, `GET /can-bo/so-theo-doi?from=&to=` (page),
//! `.pdf` (A4, the shared sheet renderer) and `.xlsx`.
//!
//! The register is read from the work list of the officer's roots
//! ([`Capability::ViewWorkList`]; the spreadsheet needs
//! [`Capability::ExportDossiers`] and is audited like the CSV export),
//! keeping the dossiers whose reception day (Vietnam time) lies in the
//! period, and those refused at reception (at the desk or after an online
//! filing) on their refusal day; each line carries the register number
//! derived from its code ([`RegisterEntry`]). The period is a filter of the
//! work-list query (`register_period`); a period with more than
//! `csv_export::MAX_ROWS` lines is refused with a request for a shorter
//! one, never shown cut.

use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use motcua_app::dossiers::WorkListFilter;
use motcua_app::dossiers::receipt::RegisterEntry;
use motcua_app::policy::Capability;
use motcua_domain::clock::{local_days, to_local};
use motcua_domain::dossier::on_time_766::MilestoneKind;
use motcua_domain::dossier::{AgencyId, DossierCode, DossierStatus};
use serde::Deserialize;

use super::desk::DeskOfficer;
use super::forms::{SheetPage, html_blocks, no_store, not_applicable, pdf_response};
use super::receipt::Field;
use super::receipt_pdf::{Block, Sheet, Signer};
use crate::AppState;
use crate::auth::Officer;
use crate::csv_export::vn_time;
use crate::i18n::Messages;
use crate::policy::{page_refusal, page_require, policy};

/// The longest period one register shows.
const MAX_DAYS: i64 = 366;

/// `?from=YYYY-MM-DD&to=YYYY-MM-DD`; both default to this month so far.
#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    /// First day.
    pub from: Option<String>,
    /// Last day.
    pub to: Option<String>,
}

/// The register's columns (in the page's language).
fn columns(t: &Messages) -> Vec<String> {
    [
        "register-col-number",
        "register-col-code",
        "register-col-applicant",
        "register-col-procedure",
        "register-col-received",
        "register-col-due",
        "register-col-status",
        "register-col-late",
    ]
    .iter()
    .map(|k| t.get(k))
    .collect()
}

fn period(state: &AppState, q: &PeriodQuery) -> Option<(NaiveDate, NaiveDate)> {
    let today = to_local(state.dossiers.current_time()).date();
    let parse = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    };
    let from = match parse(&q.from) {
        Some(d) => d?,
        None => today.with_day(1)?,
    };
    let to = match parse(&q.to) {
        Some(d) => d?,
        None => today,
    };
    (from <= to && (to - from).num_days() < MAX_DAYS).then_some((from, to))
}

/// When a dossier never received was refused at reception (form 03), if
/// it was and its code's day (its filing day, never after the refusal) is
/// not after `to`; read from its state, for these few rows only.
async fn refused_at(
    state: &AppState,
    r: &motcua_app::ports::dossiers::WorkListRow,
    to: NaiveDate,
) -> Option<chrono::DateTime<chrono::Utc>> {
    if r.status != DossierStatus::RefusedAtReception.key() {
        return None;
    }
    if DossierCode::parse(&r.code).ok()?.date() > to {
        return None;
    }
    let unit = AgencyId::parse(&r.receiving_unit).ok()?;
    let view = state.dossiers.get(&unit, &r.code).await.ok()?;
    view.dossier
        .history
        .iter()
        .rev()
        .find(|m| m.kind == MilestoneKind::RefusedAtReception)
        .map(|m| m.at)
}

/// The register's lines for the officer's roots and the period, sorted by
/// reception (or refusal) time.
async fn lines(
    state: &AppState,
    t: &Messages,
    officer: &Officer,
    capability: Capability,
    (from, to): (NaiveDate, NaiveDate),
) -> Result<Vec<Vec<String>>, Response> {
    let roots = policy(state)
        .outer_roots(&officer.roles, capability)
        .await
        .map_err(|d| page_refusal(*t, officer, d))?;
    // The period goes to the query, so the database reads only the
    // dossiers this register can list (the day check below stays exact).
    let filter = WorkListFilter {
        limit: 500,
        register_period: Some(local_days(from, to)),
        ..WorkListFilter::default()
    };
    let mut rows = Vec::new();
    let mut f = filter;
    loop {
        let page = state
            .dossiers
            .work_list_in(&roots, f.clone())
            .await
            .map_err(|e| super::desk::dossier::error_page(*t, officer, &e))?;
        for mut r in page.items {
            let Some(received) = (match r.received_at {
                Some(at) => Some(at),
                None => refused_at(state, &r, to).await,
            }) else {
                continue;
            };
            r.received_at = Some(received);
            let day = to_local(received).date();
            if day < from || day > to {
                continue;
            }
            rows.push((received, r));
        }
        match page.next_cursor {
            None => break,
            // A register that stopped at the cap would look complete and
            // not be: refuse and ask for a shorter period instead.
            Some(_) if rows.len() >= crate::csv_export::MAX_ROWS => {
                let cap = super::service_index::count(crate::csv_export::MAX_ROWS as f64, t.locale);
                return Err(not_applicable(
                    *t,
                    t.with_args("register-too-many", &[("rows", &cap)]),
                ));
            }
            Some(next) => f.cursor = Some(next),
        }
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.code.cmp(&b.1.code)));
    let mut names = std::collections::HashMap::new();
    for (_, r) in &rows {
        if !names.contains_key(&r.procedure_code) {
            let name = super::desk::view::procedure_name(state, &r.procedure_code).await;
            names.insert(r.procedure_code.clone(), name);
        }
    }
    Ok(rows
        .into_iter()
        .map(|(_, r)| {
            let number = DossierCode::parse(&r.code)
                .map(|c| {
                    let e = RegisterEntry::of(&c);
                    format!("{}/{}", e.number, e.book)
                })
                .unwrap_or_default();
            let procedure = names
                .get(&r.procedure_code)
                .cloned()
                .unwrap_or_else(|| r.procedure_code.clone());
            vec![
                number,
                r.code,
                r.applicant_name,
                procedure,
                vn_time(r.received_at),
                vn_time(r.due_at),
                super::desk::view::status_name(t, &r.status),
                if r.counts_late { "Có" } else { "Không" }.to_owned(),
            ]
        })
        .collect())
}

async fn sheet(
    state: &AppState,
    t: &Messages,
    officer: &Officer,
    (from, to): (NaiveDate, NaiveDate),
    rows: Vec<Vec<String>>,
) -> Sheet {
    let agency = super::desk::view::agency_name(state, officer.agency.as_str()).await;
    let fmt = motcua_domain::format::date;
    let mut blocks = vec![Block::Fields(vec![Field {
        label: t.get("form-officer"),
        value: officer.name.clone(),
    }])];
    if rows.is_empty() {
        blocks.push(Block::Lines(vec![t.get("register-empty")]));
    } else {
        blocks.push(Block::Table {
            columns: columns(t),
            widths: vec![64.0, 120.0, 60.0, 78.0, 46.0, 46.0, 45.0, 32.0],
            rows,
        });
    }
    Sheet {
        agency,
        nation: t.get("receipt-nation"),
        motto: t.get("receipt-motto"),
        form: t.with_args("form-number", &[("code", "07")]),
        title: t.get("form-07-title"),
        subtitles: vec![t.with_args("register-period", &[("from", &fmt(from)), ("to", &fmt(to))])],
        blocks,
        signers: vec![Signer {
            title: t.get("register-sign"),
            note: t.get("form-sign-note"),
            name: officer.name.clone(),
        }],
        page_title: format!("{} {}–{}", t.get("form-07-title"), fmt(from), fmt(to)),
        lang: t.locale.tag(),
    }
}

/// The three renderings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Page,
    Pdf,
    Xlsx,
}

async fn respond(
    state: AppState,
    t: Messages,
    officer: Officer,
    q: PeriodQuery,
    kind: Kind,
) -> Response {
    let capability = if kind == Kind::Xlsx {
        Capability::ExportDossiers
    } else {
        Capability::ViewWorkList
    };
    if let Err(refused) = page_require(t, &officer, capability) {
        return refused;
    }
    let Some(p) = period(&state, &q) else {
        return not_applicable(
            t,
            format!("{} / invalid period", t.get("register-bad-period")),
        );
    };
    let rows = match lines(&state, &t, &officer, capability, p).await {
        Ok(rows) => rows,
        Err(res) => return res,
    };
    let name = format!(
        "so-theo-doi-{}-{}",
        p.0.format("%Y%m%d"),
        p.1.format("%Y%m%d")
    );
    match kind {
        Kind::Xlsx => {
            let written = rows.len();
            let bytes = match crate::xlsx_export::workbook("So theo doi", &columns(&t), &rows) {
                Ok(b) => b,
                Err(e) => return super::desk::dossier::error_page(t, &officer, &e),
            };
            if let Err(e) = crate::csv_export::audit(
                &state,
                &officer,
                "xuất sổ theo dõi hồ sơ Excel / register XLSX export",
                written,
            )
            .await
            {
                return super::desk::dossier::error_page(t, &officer, &e);
            }
            crate::xlsx_export::download(bytes, &format!("{name}.xlsx"))
        }
        Kind::Pdf => {
            let doc = sheet(&state, &t, &officer, p, rows).await;
            pdf_response(t, &doc, &format!("{name}.pdf"))
        }
        Kind::Page => {
            let doc = sheet(&state, &t, &officer, p, rows).await;
            let query = format!(
                "from={}&to={}",
                p.0.format("%Y-%m-%d"),
                p.1.format("%Y-%m-%d")
            );
            let mut res = super::render(
                t,
                &SheetPage {
                    t,
                    blocks: html_blocks(&doc),
                    doc,
                    pdf_href: format!("/can-bo/so-theo-doi.pdf?{query}"),
                    xlsx_href: Some(format!("/can-bo/so-theo-doi.xlsx?{query}")),
                    period: Some((
                        p.0.format("%Y-%m-%d").to_string(),
                        p.1.format("%Y-%m-%d").to_string(),
                    )),
                },
            );
            no_store(&mut res);
            res
        }
    }
}

fn query(q: Result<Query<PeriodQuery>, axum::extract::rejection::QueryRejection>) -> PeriodQuery {
    q.map(|Query(q)| q).unwrap_or_default()
}

/// `GET /can-bo/so-theo-doi`: the register as a page.
pub async fn page(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    q: Result<Query<PeriodQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    respond(state, t, officer, query(q), Kind::Page).await
}

/// `GET /can-bo/so-theo-doi.pdf`: the register as an A4 PDF.
pub async fn pdf(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    q: Result<Query<PeriodQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    respond(state, t, officer, query(q), Kind::Pdf).await
}

/// `GET /can-bo/so-theo-doi.xlsx`: the register as a spreadsheet (audited).
pub async fn xlsx(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    q: Result<Query<PeriodQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    respond(state, t, officer, query(q), Kind::Xlsx).await
}
