//! The home page (trang chủ): procedure search as you type, common
//! procedures, how to track; and `/thu-tuc?q=` for the search results.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use motcua_app::catalog::ProcedureQuery;
use motcua_domain::catalog::ProcedureCode;
use serde::Deserialize;

use crate::AppState;
use crate::i18n::Messages;

/// Procedures shown on the home page, most asked for at commune centers.
pub const POPULAR: [&str; 6] = [
    "1.001193", "1.000894", "1.004222", "2.000635", "1.000656", "1.004873",
];

/// How many hits a search shows.
const SHOWN: u32 = 10;

/// One procedure in a list.
pub struct ProcedureLink {
    /// Code.
    pub code: String,
    /// Name (Vietnamese, from the catalog).
    pub name: String,
    /// Field name.
    pub field: String,
}

/// `templates/pages/citizen/home.html`.
#[derive(Template)]
#[template(path = "pages/citizen/home.html")]
pub struct HomePage {
    /// Messages.
    pub t: Messages,
    /// Common procedures.
    pub popular: Vec<ProcedureLink>,
}

/// `templates/pages/citizen/search.html`.
#[derive(Template)]
#[template(path = "pages/citizen/search.html")]
pub struct SearchPage {
    /// Messages.
    pub t: Messages,
    /// The text as typed.
    pub q: String,
    /// Whether a search was made.
    pub searched: bool,
    /// Hits.
    pub hits: Vec<ProcedureLink>,
    /// "n procedures found".
    pub count_line: String,
}

/// `templates/partials/procedure_hits.html`, for htmx.
#[derive(Template)]
#[template(path = "partials/procedure_hits.html")]
pub struct SearchResults {
    /// Messages.
    pub t: Messages,
    /// Whether a search was made.
    pub searched: bool,
    /// Hits.
    pub hits: Vec<ProcedureLink>,
    /// "n procedures found".
    pub count_line: String,
}

fn link(v: &motcua_domain::catalog::ProcedureVersion) -> ProcedureLink {
    ProcedureLink {
        code: v.procedure.code.as_str().to_owned(),
        name: v.procedure.name.clone(),
        field: v.procedure.field.name.clone(),
    }
}

/// `GET /`.
pub async fn page(State(state): State<AppState>, t: Messages) -> Response {
    let today = state.clock.today();
    let mut popular = Vec::new();
    for code in POPULAR {
        if let Ok(code) = ProcedureCode::parse(code)
            && let Ok(v) = state.catalog.in_force(&code, today).await
        {
            popular.push(link(&v));
        }
    }
    crate::pages::render(t, &HomePage { t, popular })
}

/// The search query.
#[derive(Debug, Default, Deserialize)]
pub struct SearchForm {
    /// Search text.
    pub q: Option<String>,
}

/// `GET /thu-tuc?q=`: the results page, or only the results for htmx.
pub async fn search(
    State(state): State<AppState>,
    t: Messages,
    headers: HeaderMap,
    form: Result<Query<SearchForm>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = super::field_value(
        &form
            .map(|Query(f)| f)
            .unwrap_or_default()
            .q
            .unwrap_or_default(),
        100,
    );
    let searched = !motcua_domain::text::fold(&q).is_empty();
    let mut hits = Vec::new();
    let mut count_line = String::new();
    if searched {
        let query = ProcedureQuery {
            q: Some(q.clone()),
            field: None,
            on: state.clock.today(),
            limit: SHOWN,
            offset: 0,
        };
        if let Ok(page) = state.catalog.list(&query).await {
            count_line = t.with_count("citizen-search-count", "n", page.total);
            hits = page.items.iter().map(|h| link(&h.version)).collect();
        }
    }
    if headers.contains_key("hx-request") {
        crate::pages::render(
            t,
            &SearchResults {
                t,
                searched,
                hits,
                count_line,
            },
        )
    } else {
        crate::pages::render(
            t,
            &SearchPage {
                t,
                q,
                searched,
                hits,
                count_line,
            },
        )
    }
}
