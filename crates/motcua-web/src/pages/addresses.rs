//! The address box of `/don-vi`: an old or new address typed in, the
//! current commune and province shown (issue 18). The handler of the page
//! stays in `units.rs`; what the box shows is built here.

use askama::Template;
use motcua_domain::address::{Conversion, Note, Status};

use crate::AppState;
use crate::i18n::{Locale, Messages};

/// The longest address the box reads, in characters: the converter's own limit.
pub use motcua_app::addresses::MAX_ADDRESS_CHARS as MAX_CHARS;

/// One possible commune, or a close name.
pub struct CandidateView {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Why.
    pub why: String,
}

/// What the box shows for one address.
pub struct AddressView {
    /// The status in words.
    pub heading: String,
    /// True when one current commune was found.
    pub found: bool,
    /// The address with the current units.
    pub formatted: Option<String>,
    /// The old units read ("Phường …, Quận …, Tỉnh …").
    pub old: Option<String>,
    /// The current commune and province.
    pub now: Option<String>,
    /// Candidates or suggestions.
    pub candidates: Vec<CandidateView>,
    /// Warnings.
    pub warnings: Vec<String>,
}

/// `templates/partials/address_result.html`, for htmx requests.
#[derive(Template)]
#[template(path = "partials/address_result.html")]
pub struct AddressResult {
    /// Messages.
    pub t: Messages,
    /// The answer, when an address was typed.
    pub address_view: Option<AddressView>,
}

fn text(t: Messages, note: &Note) -> String {
    match t.locale {
        Locale::Vi => note.vi(),
        Locale::En => note.en(),
    }
}

/// Builds what the box shows.
pub fn view(t: Messages, c: Conversion) -> AddressView {
    let heading = t.get(match c.status {
        Status::Converted => "address-converted",
        Status::Ambiguous => "address-ambiguous",
        Status::Unchanged => "address-unchanged",
        Status::NotFound => "address-not-found",
    });
    let old = c.old.as_ref().and_then(|o| {
        let parts: Vec<&str> = [&o.commune, &o.district, &o.province]
            .into_iter()
            .flatten()
            .map(|u| u.name.as_str())
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    });
    let now = match (&c.commune, &c.province) {
        (Some(cm), Some(p)) => Some(format!(
            "{} ({}), {} ({})",
            cm.name, cm.code, p.name, p.code
        )),
        (None, Some(p)) => Some(format!("{} ({})", p.name, p.code)),
        _ => None,
    };
    AddressView {
        heading,
        found: c.commune.is_some(),
        formatted: c.formatted,
        old,
        now,
        candidates: c
            .candidates
            .iter()
            .map(|k| CandidateView {
                code: k.code.to_string(),
                name: k.name.clone(),
                why: text(t, &k.why),
            })
            .collect(),
        warnings: c.warnings.iter().map(|w| text(t, w)).collect(),
    }
}

/// Converts what was typed in the box, as of today; `None` when nothing
/// was typed (or the converter is unavailable).
pub fn convert(state: &AppState, t: Messages, typed: &str) -> Option<AddressView> {
    let typed: String = typed.chars().take(MAX_CHARS).collect();
    if typed.trim().is_empty() {
        return None;
    }
    let today = state.clock.today();
    state
        .addresses
        .convert(&typed, today)
        .ok()
        .map(|c| view(t, c))
}

/// What the filing forms show beside the applicant's address (issue 18):
/// the new address, the possible ones, or a plain sentence; never an
/// error, the address as typed stays the address of record.
pub struct AddressHint {
    /// `converted`, `ambiguous`, `unchanged` or `not_found`.
    pub status: &'static str,
    /// The sentence shown first.
    pub heading: String,
    /// The address with today's commune and province (converted only).
    pub formatted: Option<String>,
    /// The possible new addresses (ambiguous), with why.
    pub choices: Vec<CandidateView>,
    /// Warnings (a district ignored, a split).
    pub warnings: Vec<String>,
}

/// `templates/partials/address_hint.html`: the fragment of
/// `GET /dia-chi/moi`, and the same lines inside the forms.
#[derive(Template)]
#[template(path = "partials/address_hint.html")]
pub struct AddressHintFragment {
    /// Messages.
    pub t: Messages,
    /// The hint, when an address was typed.
    pub address_hint: Option<AddressHint>,
}

/// Builds the hint of one conversion.
pub fn hint(t: Messages, c: Conversion) -> AddressHint {
    let (status, key) = match c.status {
        Status::Converted => ("converted", "address-converted"),
        Status::Ambiguous => ("ambiguous", "address-hint-ambiguous"),
        Status::Unchanged => ("unchanged", "address-unchanged"),
        Status::NotFound => ("not_found", "address-hint-not-found"),
    };
    let choices = if c.status == Status::Ambiguous {
        let province = c.province.as_ref().map(|p| p.name.as_str());
        c.candidates
            .iter()
            .map(|k| CandidateView {
                code: k.code.to_string(),
                name: [c.street.as_deref(), Some(k.name.as_str()), province]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", "),
                why: text(t, &k.why),
            })
            .collect()
    } else {
        Vec::new()
    };
    AddressHint {
        status,
        heading: t.get(key),
        formatted: c.formatted.filter(|_| c.status == Status::Converted),
        choices,
        warnings: if c.status == Status::NotFound {
            Vec::new()
        } else {
            c.warnings.iter().map(|w| text(t, w)).collect()
        },
    }
}

/// The hint of a typed address as of today; `None` when nothing was typed
/// (or the converter is unavailable: the forms then show nothing).
pub fn hint_of(state: &AppState, t: Messages, typed: &str) -> Option<AddressHint> {
    let typed: String = typed.chars().take(MAX_CHARS).collect();
    if typed.trim().is_empty() {
        return None;
    }
    state
        .addresses
        .convert(&typed, state.clock.today())
        .ok()
        .map(|c| hint(t, c))
}

/// Query of `GET /dia-chi/moi`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct HintQuery {
    /// The address as typed in a form (its field is named `address`).
    pub address: Option<String>,
}

/// `GET /dia-chi/moi?address=`: the lines shown beside the address field
/// of the filing form and of the desk, fetched by htmx as one types.
pub async fn hint_fragment(
    axum::extract::State(state): axum::extract::State<AppState>,
    t: Messages,
    query: Result<axum::extract::Query<HintQuery>, axum::extract::rejection::QueryRejection>,
) -> axum::response::Response {
    let typed = query
        .map(|axum::extract::Query(q)| q.address.unwrap_or_default())
        .unwrap_or_default();
    let address_hint = hint_of(&state, t, &typed);
    super::render(t, &AddressHintFragment { t, address_hint })
}
