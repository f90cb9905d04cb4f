//! Online payment of a dossier's fees (issue 15 item 5, ADR 0029).
//!
//! - `POST /api/v1/tracking/{code}/payments` — the applicant, proven by the
//!   dossier's QR secret (the one verifier limiter), makes a payment order
//!   and gets the platform's page to pay on.
//! - `POST /api/v1/payments/callback` — the platform's signed callback: a
//!   machine endpoint, authorised by the HMAC-SHA256 signature, not by a
//!   session; a refused signature is 401 and written to the audit log; a
//!   valid one settles the order once (replays answer `already_settled`).
//! - `GET /api/v1/dossiers/{code}/payments` — officers whose scope covers the
//!   dossier (the one policy, `view_dossier`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use motcua_app::payments::PaymentError;
use motcua_app::policy::Capability;
use motcua_app::ports::payments::GatewayError;
use motcua_domain::payment::PaymentOrder;
use motcua_domain::payment::signature::{SIGNATURE_HEADER, TIMESTAMP_HEADER};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Officer;
use crate::extract::ApiPath;
use crate::policy::policy;
use crate::problem::Problem;

impl From<PaymentError> for Problem {
    fn from(e: PaymentError) -> Self {
        let detail = e.to_string();
        match e {
            // A deployment without a payment platform has no payment
            // routes to speak of: not found, not a server fault.
            PaymentError::NotConfigured => {
                Problem::new(StatusCode::NOT_FOUND, "payment-not-configured", detail)
            }
            PaymentError::NothingToPay { code, .. } => {
                Problem::new(StatusCode::CONFLICT, "nothing-to-pay", detail).with_code(code)
            }
            PaymentError::Signature(s) => {
                Problem::new(StatusCode::UNAUTHORIZED, "invalid-signature", detail)
                    .with_code(s.code())
            }
            PaymentError::Invalid(_) => Problem::bad_request(detail),
            PaymentError::NotFound => Problem::new(StatusCode::NOT_FOUND, "not-found", detail),
            PaymentError::Gateway(GatewayError::Timeout) => {
                Problem::new(StatusCode::GATEWAY_TIMEOUT, "payment-platform", detail)
            }
            PaymentError::Gateway(GatewayError::Unavailable(_)) => {
                Problem::new(StatusCode::SERVICE_UNAVAILABLE, "payment-platform", detail)
            }
            PaymentError::Gateway(_) => {
                Problem::new(StatusCode::BAD_GATEWAY, "payment-platform", detail)
            }
            PaymentError::Dossier(d) => Problem::from(d),
            PaymentError::Store(_) => Problem::for_status(StatusCode::SERVICE_UNAVAILABLE),
        }
    }
}

/// A payment order as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentOrderDto {
    /// The order's identifier.
    pub order_id: String,
    /// The dossier.
    pub dossier_code: String,
    /// `pending`, `settled`, `mismatch` or `failed`.
    pub status: String,
    /// The amount asked, in đồng.
    pub amount_vnd: u64,
    /// The amount as written on a receipt, e.g. "50.000 đồng".
    pub amount: String,
    /// The fee lines (code, name, amount in đồng).
    #[schema(value_type = Vec<Object>)]
    pub lines: Vec<motcua_domain::dossier::FeeLine>,
    /// When the order was made.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The platform's transaction reference, once reported.
    pub transaction_id: Option<String>,
    /// The amount the platform reported, once reported.
    pub paid_vnd: Option<u64>,
    /// When the platform says the citizen paid.
    pub paid_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When motcua settled (or flagged) it.
    pub settled_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<PaymentOrder> for PaymentOrderDto {
    fn from(o: PaymentOrder) -> Self {
        Self {
            order_id: o.id,
            dossier_code: o.dossier_code,
            status: o.status.as_str().to_owned(),
            amount: motcua_domain::format::dong(o.amount_vnd),
            amount_vnd: o.amount_vnd,
            lines: o.lines,
            created_at: o.created_at,
            transaction_id: o.transaction_id,
            paid_vnd: o.paid_vnd,
            paid_at: o.paid_at,
            settled_at: o.settled_at,
        }
    }
}

/// The applicant's request to pay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayRequest {
    /// The QR secret from the receipt (the phone's digits are not enough).
    pub verifier: String,
}

/// The order and where to pay.
#[derive(Debug, Serialize, ToSchema)]
pub struct PayAnswer {
    /// The order.
    pub order: PaymentOrderDto,
    /// The platform's page; send the citizen there.
    pub pay_url: String,
}

/// `POST /api/v1/tracking/{code}/payments`.
#[utoipa::path(post, path = "/api/v1/tracking/{code}/payments", operation_id = "startPayment", tag = "payments",
    params(("code" = String, Path, description = "mã hồ sơ")),
    request_body = PayRequest,
    responses((status = 201, description = "the order (the same order when asked again) and the platform's page", body = PayAnswer),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "unknown code or wrong verifier (the same answer)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "nothing to pay (no fee, or paid)", body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
        (status = 502, body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "the payment platform is down (404 when none is configured)", body = Problem, content_type = "application/problem+json"),
        (status = 504, body = Problem, content_type = "application/problem+json")))]
pub async fn start(
    State(state): State<AppState>,
    extensions: Extensions,
    ApiPath(code): ApiPath<String>,
    body: Result<Json<PayRequest>, JsonRejection>,
) -> Result<Response, Problem> {
    let Json(req) = body.map_err(|e| {
        Problem::bad_request(format!(
            "Nội dung JSON không hợp lệ / invalid JSON body: {}",
            e.body_text()
        ))
    })?;
    match crate::rate_limit::guard_verifier(&state, &extensions, &code, &req.verifier).await {
        Err(wait) => return Ok(crate::rate_limit::too_many(wait)),
        Ok(None) => {
            return Err(Problem::from(motcua_app::dossiers::DossierError::NotFound(
                motcua_app::dossiers::error::not_found_text(),
            )));
        }
        Ok(Some(_)) => {}
    }
    let started = state.payments.start(&code, &req.verifier).await?;
    Ok((
        StatusCode::CREATED,
        Json(PayAnswer {
            order: started.order.into(),
            pay_url: started.pay_url,
        }),
    )
        .into_response())
}

/// What a callback did.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallbackAnswer {
    /// The order.
    pub order_id: String,
    /// `settled`, `already_settled`, `mismatch`, `failed`, `not_recorded`
    /// or `ignored`.
    pub outcome: String,
}

/// `POST /api/v1/payments/callback`.
#[utoipa::path(post, path = "/api/v1/payments/callback", operation_id = "paymentCallback", tag = "payments",
    params(("X-Payment-Timestamp" = String, Header, description = "Unix seconds"),
        ("X-Payment-Signature" = String, Header, description = "sha256=<hex HMAC-SHA256 of \"{timestamp}.{body}\">")),
    request_body(content = Object, description = "order_id, transaction_id, amount_vnd, paid, paid_at"),
    responses((status = 200, description = "settled now, or already (a replay changes nothing)", body = CallbackAnswer),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "signature missing, malformed, stale or wrong; audited", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such order, or no payment platform configured", body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json")))]
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CallbackAnswer>, Problem> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (order_id, outcome) = state
        .payments
        .callback(header(TIMESTAMP_HEADER), header(SIGNATURE_HEADER), &body)
        .await?;
    let outcome = serde_json::to_value(outcome)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    Ok(Json(CallbackAnswer { order_id, outcome }))
}

/// `GET /api/v1/dossiers/{code}/payments`.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/payments", operation_id = "listDossierPayments", tag = "payments",
    params(("code" = String, Path, description = "mã hồ sơ")),
    responses((status = 200, description = "the dossier's payment orders, newest first", body = Vec<PaymentOrderDto>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    officer: Officer,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Vec<PaymentOrderDto>>, Problem> {
    let (_, view) = policy(&state)
        .dossier(
            &state.dossiers,
            &officer.roles,
            Capability::ViewDossier,
            &code,
        )
        .await?;
    let orders = state.payments.orders_of(view.dossier.code.as_str()).await?;
    Ok(Json(orders.into_iter().map(Into::into).collect()))
}
