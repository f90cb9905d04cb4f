//! The home page (trang chủ).

use askama::Template;
use axum::response::Response;

use crate::i18n::Messages;

/// `templates/pages/home.html`.
#[derive(Template)]
#[template(path = "pages/home.html")]
pub struct HomePage {
    /// Messages.
    pub t: Messages,
}

/// `GET /`.
pub async fn page(t: Messages) -> Response {
    super::render(t, &HomePage { t })
}
