//! The address box of `/don-vi`: an old or new address typed in, the
//! current commune and province shown (issue 18). The handler of the page
//! stays in `units.rs`; what the box shows is built here.

use askama::Template;
use motcua_domain::address::{Conversion, Note, Status};

use crate::AppState;
use crate::i18n::{Locale, Messages};

/// The longest address the box reads, in characters.
pub const MAX_CHARS: usize = 500;

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
