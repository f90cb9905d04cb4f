//! The stub payment platform: a small axum server that speaks the contract
//! of [`crate::wire`] as the real platform is expected to, so that the same
//! adapter code is exercised over real HTTP (the contract test, the API
//! tests, `motcua payment-stub` for demonstrations).
//!
//! What it does, which is the contract motcua relies on:
//!
//! - `POST /api/v1/orders` registers an order (201) and answers the page
//!   where the citizen pays; the same `order_id` again answers the same
//!   page (200); the same `order_id` with another amount is refused (409);
//!   a missing or wrong bearer token, when one is configured, is 401.
//! - `GET /pay/{order_id}` is the citizen's page (two buttons); `POST
//!   /pay/{order_id}` with `outcome=paid|failed` records a transaction,
//!   posts the signed callback to the order's `callback_url` (body: one
//!   [`WireTransaction`]; headers `X-Payment-Timestamp`,
//!   `X-Payment-Signature: sha256=<HMAC-SHA256(secret, "{ts}.{body}")>`)
//!   and sends the citizen to `return_url?status=paid|failed` (303).
//! - `GET /api/v1/transactions?date=YYYY-MM-DD` lists the transactions of
//!   that day in Vietnam time, oldest first.
//!
//! Test switches: [`StubPlatform::drop_callbacks`] (the platform pays but
//! the callback is lost: reconciliation must settle it) and
//! [`StubPlatform::report_amount`] (the platform reports another amount).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::NaiveDate;
use motcua_app::ports::Clock;
use motcua_domain::payment::signature::{SIGNATURE_HEADER, TIMESTAMP_HEADER, sign};
use serde::Deserialize;

use crate::wire::{
    ORDERS_PATH, TRANSACTIONS_PATH, WireCheckout, WireOrder, WireTransaction, WireTransactions,
};

/// A callback as the platform sends it, kept so a test can send it again.
#[derive(Debug, Clone)]
pub struct SignedCallback {
    /// Where it goes.
    pub url: String,
    /// `X-Payment-Timestamp`.
    pub timestamp: String,
    /// `X-Payment-Signature`.
    pub signature: String,
    /// The JSON body.
    pub body: String,
}

#[derive(Default)]
struct Book {
    orders: BTreeMap<String, WireOrder>,
    transactions: Vec<WireTransaction>,
    drop_callbacks: bool,
    report_amount: Option<u64>,
}

/// The stub platform's state; cheap to clone.
#[derive(Clone)]
pub struct StubPlatform {
    book: Arc<Mutex<Book>>,
    secret: Arc<Vec<u8>>,
    token: Option<String>,
    base_url: Arc<Mutex<String>>,
    clock: Clock,
    client: reqwest::Client,
}

impl std::fmt::Debug for StubPlatform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StubPlatform").finish_non_exhaustive()
    }
}

impl StubPlatform {
    /// A stub signing callbacks with `secret`, requiring `token` when
    /// given, reading "now" from `clock`.
    pub fn new(secret: impl Into<Vec<u8>>, token: Option<String>, clock: Clock) -> Self {
        Self {
            book: Arc::default(),
            secret: Arc::new(secret.into()),
            token,
            base_url: Arc::default(),
            clock,
            client: reqwest::Client::new(),
        }
    }

    fn book(&self) -> std::sync::MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The stub's routes.
    pub fn router(&self) -> Router {
        Router::new()
            .route(ORDERS_PATH, post(create_order))
            .route(TRANSACTIONS_PATH, get(transactions))
            .route("/pay/{order_id}", get(pay_page).post(pay_form))
            .with_state(self.clone())
    }

    /// Serves on `listener` in a background task; answers the base URL.
    pub async fn spawn(&self, listener: tokio::net::TcpListener) -> std::io::Result<String> {
        let addr = listener.local_addr()?;
        let base = format!("http://{addr}");
        *self.base_url.lock().unwrap_or_else(PoisonError::into_inner) = base.clone();
        let app = self.router();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(base)
    }

    /// Serves on `listener` until the task is stopped (`motcua payment-stub`).
    pub async fn serve(&self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        let addr = listener.local_addr()?;
        *self.base_url.lock().unwrap_or_else(PoisonError::into_inner) = format!("http://{addr}");
        axum::serve(listener, self.router()).await
    }

    /// From now on, payments are recorded but their callbacks are lost.
    pub fn drop_callbacks(&self, drop: bool) {
        self.book().drop_callbacks = drop;
    }

    /// From now on, payments report this amount instead of the order's.
    pub fn report_amount(&self, amount: Option<u64>) {
        self.book().report_amount = amount;
    }

    /// The orders registered so far.
    pub fn orders(&self) -> Vec<WireOrder> {
        self.book().orders.values().cloned().collect()
    }

    /// The citizen pays (or fails to): records the transaction and answers
    /// the signed callback, already sent unless callbacks are dropped, with
    /// the HTTP status motcua answered.
    pub async fn pay(
        &self,
        order_id: &str,
        paid: bool,
    ) -> Option<(WireOrder, SignedCallback, Option<u16>)> {
        let (order, tx, drop) = {
            let mut book = self.book();
            let order = book.orders.get(order_id)?.clone();
            let tx = WireTransaction {
                order_id: order.order_id.clone(),
                transaction_id: format!("GD{:08}", book.transactions.len() + 1),
                amount_vnd: book.report_amount.unwrap_or(order.amount_vnd),
                paid,
                paid_at: self.clock.now(),
            };
            book.transactions.push(tx.clone());
            (order, tx, book.drop_callbacks)
        };
        let callback = self.sign_callback(&order.callback_url, &tx);
        let status = if drop {
            None
        } else {
            self.send(&callback).await
        };
        Some((order, callback, status))
    }

    /// The callback of `tx` as the platform signs it now.
    pub fn sign_callback(&self, url: &str, tx: &WireTransaction) -> SignedCallback {
        let body = serde_json::to_string(tx).unwrap_or_default();
        let ts = self.clock.now().timestamp();
        SignedCallback {
            url: url.to_owned(),
            timestamp: ts.to_string(),
            signature: sign(&self.secret, ts, body.as_bytes()),
            body,
        }
    }

    /// Posts a callback; answers motcua's HTTP status (`None` when
    /// unreachable).
    pub async fn send(&self, cb: &SignedCallback) -> Option<u16> {
        self.client
            .post(&cb.url)
            .header("content-type", "application/json")
            .header(TIMESTAMP_HEADER, &cb.timestamp)
            .header(SIGNATURE_HEADER, &cb.signature)
            .body(cb.body.clone())
            .send()
            .await
            .ok()
            .map(|r| r.status().as_u16())
    }
}

fn authorised(stub: &StubPlatform, headers: &HeaderMap) -> bool {
    match &stub.token {
        None => true,
        Some(t) => {
            headers.get("authorization").and_then(|v| v.to_str().ok())
                == Some(format!("Bearer {t}").as_str())
        }
    }
}

async fn create_order(
    State(stub): State<StubPlatform>,
    headers: HeaderMap,
    Json(order): Json<WireOrder>,
) -> Response {
    if !authorised(&stub, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if order.order_id.is_empty() || order.amount_vnd == 0 {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            "order_id and amount_vnd required",
        )
            .into_response();
    }
    let base = stub
        .base_url
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let checkout = WireCheckout {
        order_id: order.order_id.clone(),
        pay_url: format!("{base}/pay/{}", order.order_id),
    };
    let mut book = stub.book();
    match book.orders.get(&order.order_id) {
        Some(known) if known.amount_vnd != order.amount_vnd => {
            (StatusCode::CONFLICT, "order_id reused with another amount").into_response()
        }
        Some(_) => (StatusCode::OK, Json(checkout)).into_response(),
        None => {
            book.orders.insert(order.order_id.clone(), order);
            (StatusCode::CREATED, Json(checkout)).into_response()
        }
    }
}

#[derive(Deserialize)]
struct DateQuery {
    date: NaiveDate,
}

async fn transactions(
    State(stub): State<StubPlatform>,
    headers: HeaderMap,
    Query(q): Query<DateQuery>,
) -> Response {
    if !authorised(&stub, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let transactions = stub
        .book()
        .transactions
        .iter()
        .filter(|t| motcua_domain::clock::to_local(t.paid_at).date() == q.date)
        .cloned()
        .collect();
    Json(WireTransactions {
        date: q.date,
        transactions,
    })
    .into_response()
}

async fn pay_page(State(stub): State<StubPlatform>, Path(order_id): Path<String>) -> Response {
    let Some(order) = stub.book().orders.get(&order_id).cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let id = escape(&order.order_id);
    Html(format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Nền tảng thanh \
         toán (thử nghiệm)</title></head><body><main><h1>Nền tảng thanh toán (thử nghiệm) / \
         payment platform stub</h1><p>{}</p><p>Số tiền: {}</p>\
         <form method=\"post\" action=\"/pay/{id}\"><input type=\"hidden\" name=\"outcome\" \
         value=\"paid\"><button type=\"submit\">Thanh toán / Pay</button></form>\
         <form method=\"post\" action=\"/pay/{id}\"><input type=\"hidden\" name=\"outcome\" \
         value=\"failed\"><button type=\"submit\">Hủy / Cancel</button></form></main></body></html>",
        escape(&order.description),
        motcua_domain::format::dong(order.amount_vnd),
    ))
    .into_response()
}

#[derive(Deserialize)]
struct PayForm {
    outcome: String,
}

async fn pay_form(
    State(stub): State<StubPlatform>,
    Path(order_id): Path<String>,
    Form(form): Form<PayForm>,
) -> Response {
    let paid = form.outcome == "paid";
    match stub.pay(&order_id, paid).await {
        None => StatusCode::NOT_FOUND.into_response(),
        Some((order, _, _)) => {
            let sep = if order.return_url.contains('?') {
                '&'
            } else {
                '?'
            };
            let status = if paid { "paid" } else { "failed" };
            Redirect::to(&format!("{}{sep}status={status}", order.return_url)).into_response()
        }
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
