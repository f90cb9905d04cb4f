//! Problem Details for HTTP APIs (RFC 9457): the one shape every error takes.

use std::any::Any;

use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use motcua_app::AppError;
use serde::Serialize;
use utoipa::ToSchema;

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
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
