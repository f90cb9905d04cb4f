//! Online payment on the citizen's side (issue 15 item 5, ADR 0029): the
//! box on the tracking page with the "Thanh toán trực tuyến" button, the
//! page the platform sends the citizen back to, and the receipt of payment
//! (biên lai) as PDF. Text in `locales/<lang>/payment.ftl`.
//!
//! The button posts the verifier (never in a URL the platform sees); the
//! return page has no verifier, so it shows only what the order says
//! (status, amount), no personal data; the receipt needs the QR secret.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{Extensions, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::payments::PaymentError;
use motcua_domain::dossier::{ActionKind, Dossier, is_allowed};
use motcua_domain::format::{dong, local_datetime};
use motcua_domain::payment::{OrderStatus, PaymentOrder, payable};
use serde::Deserialize;

use crate::AppState;
use crate::i18n::Messages;
use crate::pages::receipt::Field;
use crate::pages::receipt_pdf::{Block, Sheet, render_sheet};
use crate::problem::Problem;

/// One order as the citizen sees it.
pub struct OrderLine {
    /// The order.
    pub id: String,
    /// "50.000 đồng".
    pub amount: String,
    /// `pending`, `settled`...
    pub status_key: &'static str,
    /// The status in words.
    pub status: String,
    /// When it was made, Vietnam time.
    pub at: String,
    /// The receipt's link, when settled.
    pub receipt_href: String,
}

/// The payment box of the tracking page.
pub struct PayBox {
    /// What is still to pay, e.g. "50.000 đồng"; empty when nothing.
    pub outstanding: String,
    /// The button is shown: a platform is connected and fees are owed.
    pub can_pay: bool,
    /// Orders so far, newest first.
    pub orders: Vec<OrderLine>,
}

/// Percent-encodes a path segment or query value.
fn enc(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn status_words(t: Messages, s: OrderStatus) -> String {
    t.get(&format!("payment-status-{}", s.as_str()))
}

fn line(t: Messages, code: &str, verifier: &str, o: &PaymentOrder) -> OrderLine {
    OrderLine {
        receipt_href: if o.status == OrderStatus::Settled {
            format!(
                "/tra-cuu/{}/thanh-toan/{}/bien-lai.pdf?verifier={}",
                enc(code),
                enc(&o.id),
                enc(verifier)
            )
        } else {
            String::new()
        },
        id: o.id.clone(),
        amount: dong(o.amount_vnd),
        status_key: o.status.as_str(),
        status: status_words(t, o.status),
        at: local_datetime(o.created_at),
    }
}

/// Whether the dossier can still take a payment: the state machine's
/// own rule for `record_payment`.
fn open(d: &Dossier) -> bool {
    is_allowed(ActionKind::RecordPayment, d.status)
}

/// The box for the tracking page, for the holder of the QR secret; `None`
/// when the dossier has no fee and no order.
pub async fn pay_box(state: &AppState, t: Messages, code: &str, verifier: &str) -> Option<PayBox> {
    let (dossier, orders) = state.payments.for_holder(code, verifier).await.ok()?;
    let owed = payable(&dossier).ok().map(|(_, amount)| amount);
    if owed.is_none() && orders.is_empty() {
        return None;
    }
    Some(PayBox {
        outstanding: owed.map(dong).unwrap_or_default(),
        can_pay: state.payments.enabled() && owed.is_some() && open(&dossier),
        orders: orders
            .iter()
            .map(|o| line(t, dossier.code.as_str(), verifier, o))
            .collect(),
    })
}

/// `templates/pages/citizen/payment_result.html`.
#[derive(Template)]
#[template(path = "pages/citizen/payment_result.html")]
pub struct ResultPage {
    /// Messages.
    pub t: Messages,
    /// The dossier code.
    pub code: String,
    /// The order, when known.
    pub order: Option<OrderLine>,
    /// What the platform said on the way back (`paid`, `failed`), before
    /// the callback may have arrived.
    pub returned: String,
    /// An inline error.
    pub error: String,
}

fn page(p: ResultPage, status: StatusCode) -> Response {
    let t = p.t;
    let mut res = super::super::render(t, &p);
    *res.status_mut() = status;
    res
}

fn error_text(t: Messages, e: &PaymentError) -> (StatusCode, String) {
    match e {
        PaymentError::NotConfigured => (StatusCode::NOT_FOUND, t.get("payment-error-off")),
        PaymentError::NothingToPay { .. } => (StatusCode::CONFLICT, t.get("payment-error-nothing")),
        PaymentError::Gateway(_) => (StatusCode::BAD_GATEWAY, t.get("payment-error-platform")),
        PaymentError::NotFound | PaymentError::Dossier(_) => {
            (StatusCode::NOT_FOUND, t.get("payment-error-not-found"))
        }
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            t.get("payment-error-platform"),
        ),
    }
}

/// The pay button's form.
#[derive(Debug, Deserialize)]
pub struct PayForm {
    /// The QR secret.
    pub verifier: String,
}

/// `POST /tra-cuu/{code}/thanh-toan`: makes (or finds) the order and sends
/// the citizen to the platform (303).
pub async fn pay(
    State(state): State<AppState>,
    t: Messages,
    extensions: Extensions,
    Path(code): Path<String>,
    Form(form): Form<PayForm>,
) -> Response {
    let verifier = form.verifier.trim();
    let denied = |status, error| {
        page(
            ResultPage {
                t,
                code: code.clone(),
                order: None,
                returned: String::new(),
                error,
            },
            status,
        )
    };
    match crate::rate_limit::guard_verifier(&state, &extensions, &code, verifier).await {
        Err(wait) => return crate::rate_limit::too_many(wait),
        Ok(None) => return denied(StatusCode::NOT_FOUND, t.get("payment-error-not-found")),
        Ok(Some(_)) => {}
    }
    match state.payments.start(&code, verifier).await {
        Ok(started) => Redirect::to(&started.pay_url).into_response(),
        Err(e) => {
            let (status, text) = error_text(t, &e);
            denied(status, text)
        }
    }
}

/// What the platform adds on the way back.
#[derive(Debug, Default, Deserialize)]
pub struct ReturnQuery {
    /// `paid` or `failed`, as the platform says.
    #[serde(default)]
    pub status: Option<String>,
}

/// `GET /tra-cuu/{code}/thanh-toan/{order}`: where the platform sends the
/// citizen back. Shows the order's status as motcua knows it.
pub async fn result(
    State(state): State<AppState>,
    t: Messages,
    Path((code, order_id)): Path<(String, String)>,
    Query(q): Query<ReturnQuery>,
) -> Response {
    let returned = match q.status.as_deref() {
        Some("paid") => "paid".to_owned(),
        Some("failed") => "failed".to_owned(),
        _ => String::new(),
    };
    match state.payments.order_of(&code, &order_id).await {
        Ok(o) => page(
            ResultPage {
                order: Some(line(t, &code, "", &o)),
                t,
                code,
                returned,
                error: String::new(),
            },
            StatusCode::OK,
        ),
        Err(e) => {
            let (status, error) = error_text(t, &e);
            page(
                ResultPage {
                    t,
                    code,
                    order: None,
                    returned,
                    error,
                },
                status,
            )
        }
    }
}

/// The receipt's query.
#[derive(Debug, Deserialize)]
pub struct ReceiptQuery {
    /// The QR secret.
    pub verifier: String,
}

/// The receipt of payment (biên lai) of a settled order, as a sheet.
fn receipt_sheet(t: Messages, agency: String, d: &Dossier, o: &PaymentOrder) -> Sheet {
    let field = |label: &str, value: String| Field {
        label: t.get(label),
        value,
    };
    let paid = o.paid_vnd.unwrap_or(o.amount_vnd);
    Sheet {
        agency,
        nation: t.get("receipt-nation"),
        motto: t.get("receipt-motto"),
        form: t.get("payment-receipt-form"),
        title: t.get("payment-receipt-title"),
        subtitles: vec![
            format!("{}: {}", t.get("receipt-code"), d.code.as_str()),
            format!("{}: {}", t.get("payment-receipt-order"), o.id),
        ],
        blocks: vec![
            Block::Fields(vec![
                field("payment-receipt-payer", d.applicant.name.clone()),
                field("payment-receipt-procedure", d.procedure.code.clone()),
                field(
                    "payment-receipt-method",
                    t.get("payment-receipt-method-online"),
                ),
                field(
                    "payment-receipt-transaction",
                    o.transaction_id.clone().unwrap_or_default(),
                ),
                field(
                    "payment-receipt-paid-at",
                    o.paid_at.map(local_datetime).unwrap_or_default(),
                ),
            ]),
            Block::Table {
                columns: vec![
                    t.get("payment-receipt-line-code"),
                    t.get("payment-receipt-line-name"),
                    t.get("payment-receipt-line-amount"),
                ],
                widths: vec![1.0, 3.0, 1.4],
                rows: o
                    .lines
                    .iter()
                    .map(|l| vec![l.code.clone(), l.name.clone(), dong(l.amount_vnd)])
                    .collect(),
            },
            Block::Fields(vec![field("payment-receipt-total", dong(paid))]),
            Block::Lines(vec![t.get("payment-receipt-note")]),
        ],
        signers: Vec::new(),
        page_title: format!("{} {}", t.get("payment-receipt-title"), o.id),
        lang: t.locale.tag(),
    }
}

/// `GET /tra-cuu/{code}/thanh-toan/{order}/bien-lai.pdf?verifier=`: the
/// receipt of a settled payment, for the holder of the QR secret.
pub async fn receipt_pdf(
    State(state): State<AppState>,
    t: Messages,
    extensions: Extensions,
    Path((code, order_id)): Path<(String, String)>,
    Query(q): Query<ReceiptQuery>,
) -> Response {
    let not_found = || {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Không có biên lai này / no such receipt",
        )
        .into_response()
    };
    match crate::rate_limit::guard_verifier(&state, &extensions, &code, &q.verifier).await {
        Err(wait) => return crate::rate_limit::too_many(wait),
        Ok(None) => return not_found(),
        Ok(Some(_)) => {}
    }
    let Ok((dossier, orders)) = state.payments.for_holder(&code, &q.verifier).await else {
        return not_found();
    };
    let Some(order) = orders
        .into_iter()
        .find(|o| o.id == order_id && o.status == OrderStatus::Settled)
    else {
        return not_found();
    };
    let agency = state
        .agencies
        .get(dossier.receiving_unit.as_str())
        .await
        .map(|a| a.name)
        .unwrap_or_default();
    match render_sheet(&receipt_sheet(t, agency, &dossier, &order)) {
        Ok(bytes) => {
            let mut res = (
                [
                    (header::CONTENT_TYPE, "application/pdf".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("inline; filename=\"bien-lai-{}.pdf\"", order.id),
                    ),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                bytes,
            )
                .into_response();
            res.headers_mut().insert(
                header::REFERRER_POLICY,
                header::HeaderValue::from_static("no-referrer"),
            );
            res
        }
        Err(err) => {
            tracing::error!(error = %err, "payment receipt PDF failed");
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Không tạo được tệp PDF / the PDF could not be made",
            )
            .into_response()
        }
    }
}
