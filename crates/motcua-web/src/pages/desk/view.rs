//! Shared pieces of the desk pages: dates in Vietnam time, status and event
//! names from the message files, use-case errors as inline messages.

use chrono::{DateTime, Utc};
use motcua_app::dossiers::DossierError;
use motcua_domain::format::local_datetime;

use crate::AppState;
use crate::i18n::Messages;

/// An optional instant in Vietnam time (`dd/mm/yyyy HH:MM`, the one rule
/// of [`local_datetime`]), or a dash.
pub fn when_opt(at: Option<DateTime<Utc>>) -> String {
    at.map_or_else(|| "—".to_owned(), local_datetime)
}

/// A main status (`received`...) in the page's language.
pub fn status_name(t: &Messages, key: &str) -> String {
    t.get(&format!("desk-status-{}", key.replace('_', "-")))
}

/// An event type (`handed_over`...) in the page's language.
pub fn event_name(t: &Messages, key: &str) -> String {
    t.get(&format!("desk-event-{}", key.replace('_', "-")))
}

/// An actor key (`officer:nva`) as shown.
pub fn actor_name(t: &Messages, actor: &str) -> String {
    match actor.split_once(':') {
        Some(("officer", id)) => id.to_owned(),
        Some(("citizen", _)) => t.get("desk-actor-citizen"),
        _ => actor.to_owned(),
    }
}

/// A dossier use-case error as an inline message in the page's language.
pub fn error_text(t: &Messages, err: &DossierError) -> String {
    match err {
        DossierError::Invalid { vi, en, .. } => match t.locale {
            crate::i18n::Locale::Vi => vi.clone(),
            crate::i18n::Locale::En => en.clone(),
        },
        DossierError::Refused(r) => match t.locale {
            crate::i18n::Locale::Vi => r.vi.clone(),
            crate::i18n::Locale::En => r.en.clone(),
        },
        DossierError::Stale(_) => t.get("desk-error-stale"),
        DossierError::KeyReused(_) => t.get("desk-error-key-reused"),
        DossierError::NotFound(_) => t.get("desk-error-not-found"),
        DossierError::Forbidden(msg) => t.pick(msg),
        DossierError::Unexpected(e) => {
            tracing::error!(error = %e, "desk page: unexpected error");
            t.get("desk-error-unexpected")
        }
    }
}

/// The name of a procedure, or its code when unknown.
pub async fn procedure_name(state: &AppState, code: &str) -> String {
    state
        .dossiers
        .procedures()
        .procedure(code, state.clock.today())
        .await
        .map_or_else(|| code.to_owned(), |p| p.name)
}

/// Every procedure as (code, name), by code.
pub async fn procedure_names(state: &AppState) -> Vec<(String, String)> {
    let lookup = state.dossiers.procedures();
    let mut out = Vec::new();
    for code in lookup.codes().await {
        let name = lookup
            .procedure(&code, state.clock.today())
            .await
            .map_or_else(|| code.clone(), |p| p.name);
        out.push((code, name));
    }
    out
}

/// The name of an agency, or its identifier when unknown.
pub async fn agency_name(state: &AppState, id: &str) -> String {
    state
        .agencies
        .get(id)
        .await
        .ok()
        .map_or_else(|| id.to_owned(), |a| a.name)
}

/// The desk navigation, shown on every desk page.
pub struct DeskNav {
    /// Which page is current: `reception`, `work`, `leader`.
    pub current: &'static str,
    /// The officer's name (the id for the development login).
    pub officer: String,
    /// The officer's agency id.
    pub agency: String,
}
