//! Problem Details for HTTP APIs (RFC 9457): the one shape every error takes.
//!
//! [`uniform_errors`] makes that true of the answers no handler writes
//! (405 from the router, 413 from a body limit, empty or plain-text
//! rejections) and gives a browser asking for a page an HTML error page in
//! the site's layout instead ([`wants_html`]).

use std::any::Any;

use askama::Template;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use motcua_app::AppError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::i18n::Messages;

/// The longest request target (path and query) answered; longer ones get a
/// 414 problem. (Hyper itself answers targets over 64 KiB with a bare 414.)
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// The media type of a problem document.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the problem type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong this time, in Vietnamese and English.
    pub detail: String,
    /// A machine code for the problem (e.g. a refusal code such as
    /// `checklist_incomplete`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

impl Problem {
    /// A problem with a status, a type slug (under `/problems/`) and a detail.
    pub fn new(status: StatusCode, slug: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("/problems/{slug}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code: None,
        }
    }

    /// The same problem with a machine code.
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// The problem for a bare status code (what the router, a body limit
    /// or a timeout answers without a body).
    pub fn for_status(status: StatusCode) -> Self {
        let (slug, detail) = match status.as_u16() {
            400 => ("invalid-input", "Yêu cầu không hợp lệ / bad request"),
            401 => ("unauthenticated", "Cần đăng nhập / authentication required"),
            403 => ("forbidden", "Không có quyền / forbidden"),
            404 => ("not-found", "Không có tài nguyên này / no such resource"),
            405 => (
                "method-not-allowed",
                "Phương thức không được phép với tài nguyên này (xem tiêu đề Allow) / \
                 method not allowed on this resource (see the Allow header)",
            ),
            408 => (
                "timeout",
                "Yêu cầu quá thời gian xử lý / the request took too long",
            ),
            413 => (
                "too-large",
                "Nội dung yêu cầu quá lớn / request body too large",
            ),
            414 => ("uri-too-long", "Địa chỉ yêu cầu quá dài / URI too long"),
            415 => (
                "unsupported-media-type",
                "Kiểu nội dung không được hỗ trợ / unsupported media type",
            ),
            429 => (
                "too-many-requests",
                "Quá nhiều yêu cầu, vui lòng thử lại sau / too many requests, retry later",
            ),
            500..=599 => ("internal", "Lỗi hệ thống / internal error"),
            _ => ("error", "Không xử lý được yêu cầu / the request failed"),
        };
        Self::new(status, slug, detail)
    }

    /// 400 with an invalid-input type.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid-input", detail)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}

impl From<AppError> for Problem {
    fn from(err: AppError) -> Self {
        match err {
            AppError::Invalid(msg) => Problem::bad_request(msg),
            AppError::Unexpected(err) if is_past_clock_range(&err) => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "out-of-range",
                "Thời hạn vượt quá phạm vi lịch (sau năm 2199) / \
                 the period runs past the end of the calendar (2199-12-31)",
            )
            .with_code("out_of_range"),
            AppError::NotFound(msg) => Problem::new(StatusCode::NOT_FOUND, "not-found", msg),
            AppError::Conflict(msg) => Problem::new(StatusCode::CONFLICT, "conflict", msg),
            AppError::Unexpected(err) => {
                tracing::error!(error = format!("{err:#}"), "unexpected failure");
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "Hệ thống tạm thời không xử lý được yêu cầu, vui lòng thử lại / \
                     the service could not complete the request, please retry",
                )
            }
        }
    }
}

/// Unknown paths answer 404 as a problem.
pub async fn not_found_fallback(uri: Uri) -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not-found",
        format!(
            "Không có trang hoặc tài nguyên {} / no such resource",
            uri.path()
        ),
    )
}

/// A panic in a handler becomes a 500 problem without leaking its message.
pub fn panic_to_problem(_err: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Lỗi hệ thống / internal error",
    )
    .into_response()
}

/// Whether an unexpected failure is the legal clock running off its range
/// (an input asked for a period past 2199-12-31): the client's fault, so a
/// 422 and not a "please retry".
fn is_past_clock_range(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|cause| cause.to_string().contains("ran past 2199-12-31"))
}

/// Whether the request is a browser asking for a page: not under `/api/`
/// nor an operations endpoint, and `Accept` names `text/html`. Such a
/// request gets its errors as an HTML page, every other as a problem.
pub fn wants_html(uri: &Uri, headers: &HeaderMap) -> bool {
    let path = uri.path();
    let machine = path.starts_with("/api/")
        || path == "/api"
        || matches!(path, "/healthz" | "/readyz" | "/metrics");
    let html = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let kind = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            kind.eq_ignore_ascii_case("text/html") && !refused
        });
    !machine && html
}

/// `templates/error.html`: an error as a page of the site.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// Messages.
    pub t: Messages,
    /// The HTTP status code.
    pub status: u16,
    /// The heading for the status.
    pub heading: String,
    /// What went wrong this time.
    pub detail: String,
}

fn heading_key(status: u16) -> &'static str {
    match status {
        400 => "error-400",
        401 => "error-401",
        403 => "error-403",
        404 => "error-404",
        405 => "error-405",
        408 => "error-408",
        409 => "error-409",
        413 => "error-413",
        414 => "error-414",
        415 => "error-415",
        422 => "error-422",
        429 => "error-429",
        503 => "error-503",
        500..=599 => "error-500",
        _ => "error-other",
    }
}

/// The HTML page for a problem, in the language `t`.
pub fn html_page(t: Messages, problem: &Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let page = ErrorPage {
        t,
        status: problem.status,
        heading: t.get(heading_key(problem.status)),
        detail: t.pick(&problem.detail),
    };
    let mut response = crate::pages::render(t, &page);
    *response.status_mut() = status;
    response
}

/// Largest error body read back to turn it into a page or a problem.
const MAX_ERROR_BODY: usize = 64 * 1024;

fn is_problem(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON))
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// Middleware: every error answer is a problem document, or, for a browser
/// asking for a page ([`wants_html`]), an HTML error page in Vietnamese (or
/// the chosen language) in the site's layout. Headers such as `Allow` and
/// `Retry-After` are kept. A request target longer than [`MAX_URI_BYTES`]
/// gets a 414, a body over its route's limit a 413 (axum reports that as a
/// failed read).
pub async fn uniform_errors(req: Request, next: Next) -> Response {
    let html = wants_html(req.uri(), req.headers());
    let (mut parts, body) = req.into_parts();
    let Ok(t) =
        <Messages as axum::extract::FromRequestParts<()>>::from_request_parts(&mut parts, &())
            .await;
    let too_long = parts
        .uri
        .path_and_query()
        .is_some_and(|pq| pq.as_str().len() > MAX_URI_BYTES);
    let response = if too_long {
        Problem::for_status(StatusCode::URI_TOO_LONG).into_response()
    } else {
        next.run(Request::from_parts(parts, body)).await
    };
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    if is_html(response.headers()) {
        return response;
    }
    let (mut head, body) = response.into_parts();
    let problem = if is_problem(&head.headers) {
        let bytes = axum::body::to_bytes(body, MAX_ERROR_BODY)
            .await
            .unwrap_or_default();
        match serde_json::from_slice::<Problem>(&bytes) {
            Ok(p) => p,
            Err(_) if !html => {
                return Response::from_parts(head, Body::from(bytes));
            }
            Err(_) => Problem::for_status(status),
        }
    } else {
        let bytes = axum::body::to_bytes(body, MAX_ERROR_BODY)
            .await
            .unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        let text = text.trim();
        let mut p = Problem::for_status(status);
        if !text.is_empty() && status != StatusCode::METHOD_NOT_ALLOWED {
            p.detail = format!("{} ({text})", p.detail);
        }
        p
    };
    // A body over the route's limit reaches the handler as a failed read.
    let problem =
        if status == StatusCode::BAD_REQUEST && problem.detail.contains("length limit exceeded") {
            Problem {
                detail: format!(
                    "{} ({})",
                    Problem::for_status(StatusCode::PAYLOAD_TOO_LARGE).detail,
                    problem.detail
                ),
                ..Problem::for_status(StatusCode::PAYLOAD_TOO_LARGE)
            }
        } else {
            problem
        };
    let fresh = if html {
        html_page(t, &problem)
    } else {
        problem.into_response()
    };
    let (fresh_head, fresh_body) = fresh.into_parts();
    head.status = fresh_head.status;
    head.headers.remove(header::CONTENT_LENGTH);
    head.headers.remove(header::CONTENT_ENCODING);
    for (name, value) in &fresh_head.headers {
        head.headers.insert(name.clone(), value.clone());
    }
    if !head.headers.contains_key(header::CONTENT_TYPE) {
        head.headers
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    }
    Response::from_parts(head, fresh_body)
}
