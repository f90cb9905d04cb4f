//! Looking up administrative units, old and new (tra cứu đơn vị hành chính).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use motcua_app::ports::UnitFilter;
use motcua_domain::text::fold;
use motcua_domain::unit::Era;
use serde::Deserialize;

use crate::AppState;
use crate::i18n::Messages;

/// Query of the units page; unknown parameters are ignored on pages.
#[derive(Debug, Default, Deserialize)]
pub struct UnitsForm {
    /// Search text.
    pub q: Option<String>,
    /// `current` or `legacy`.
    pub era: Option<String>,
    /// An old or new address to convert (the address box).
    pub dia_chi: Option<String>,
}

/// One row of results.
pub struct UnitRowView {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Type word.
    pub unit_type: String,
    /// Parent (current) or successors (legacy).
    pub context: String,
}

/// `templates/pages/units.html`.
#[derive(Template)]
#[template(path = "pages/units.html")]
pub struct UnitsPage {
    /// Messages.
    pub t: Messages,
    /// The search text as typed.
    pub q: String,
    /// Searching former units.
    pub legacy: bool,
    /// Whether a search was made.
    pub searched: bool,
    /// Rows found.
    pub rows: Vec<UnitRowView>,
    /// "n / total units".
    pub count_line: String,
    /// An inline error.
    pub error: Option<String>,
    /// The address typed in the address box.
    pub address: String,
    /// Its conversion.
    pub address_view: Option<super::addresses::AddressView>,
}

/// `templates/partials/unit_results.html`, for htmx requests.
#[derive(Template)]
#[template(path = "partials/unit_results.html")]
pub struct UnitResults {
    /// Messages.
    pub t: Messages,
    /// Searching former units.
    pub legacy: bool,
    /// Whether a search was made.
    pub searched: bool,
    /// Rows found.
    pub rows: Vec<UnitRowView>,
    /// "n / total units".
    pub count_line: String,
    /// An inline error.
    pub error: Option<String>,
}

const SHOWN: u32 = 30;

/// `GET /don-vi?q=&era=`: the page, or only the results for htmx.
pub async fn page(
    State(state): State<AppState>,
    t: Messages,
    headers: HeaderMap,
    form: Result<Query<UnitsForm>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let form = form.map(|Query(f)| f).unwrap_or_default();
    let address: String = form
        .dia_chi
        .unwrap_or_default()
        .chars()
        .take(super::addresses::MAX_CHARS)
        .collect();
    let address_view = super::addresses::convert(&state, t, &address);
    if headers.contains_key("hx-request")
        && headers
            .get("hx-target")
            .is_some_and(|v| v.as_bytes() == b"address-result")
    {
        return super::render(t, &super::addresses::AddressResult { t, address_view });
    }
    let q = form
        .q
        .unwrap_or_default()
        .chars()
        .take(100)
        .collect::<String>();
    let legacy = form.era.as_deref() == Some("legacy");
    let folded = fold(&q);
    let (mut rows, mut count_line, mut error) = (Vec::new(), String::new(), None);
    let searched = !folded.is_empty();
    if searched {
        let filter = UnitFilter {
            era: if legacy { Era::Legacy } else { Era::Current },
            level: None,
            unit_type: None,
            parent: None,
            query_folded: Some(folded),
            limit: SHOWN,
            offset: 0,
        };
        match state.units.list(&filter).await {
            Ok(page) => {
                count_line = t.with_counts(
                    "units-count",
                    ("shown", page.items.len() as u64),
                    ("total", page.total),
                );
                for unit in page.items {
                    let context = if legacy {
                        match state.units.legacy(&unit.code).await {
                            Ok(l) if l.successors.len() > 1 => format!(
                                "{} ({})",
                                l.successors
                                    .iter()
                                    .map(|s| s.new_name.as_str())
                                    .collect::<Vec<_>>()
                                    .join("; "),
                                t.with_count("units-split", "n", l.successors.len() as u64)
                            ),
                            Ok(l) => l
                                .successors
                                .iter()
                                .map(|s| s.new_name.clone())
                                .collect::<Vec<_>>()
                                .join("; "),
                            Err(_) => String::new(),
                        }
                    } else {
                        unit.parent_code.map(|p| p.to_string()).unwrap_or_default()
                    };
                    rows.push(UnitRowView {
                        code: unit.code.to_string(),
                        name: unit.name,
                        unit_type: unit.unit_type.as_str().to_owned(),
                        context,
                    });
                }
            }
            Err(_) => error = Some(t.get("error-bad-query")),
        }
    }
    if headers.contains_key("hx-request") {
        super::render(
            t,
            &UnitResults {
                t,
                legacy,
                searched,
                rows,
                count_line,
                error,
            },
        )
    } else {
        super::render(
            t,
            &UnitsPage {
                t,
                q,
                legacy,
                searched,
                rows,
                count_line,
                error,
                address,
                address_view,
            },
        )
    }
}
