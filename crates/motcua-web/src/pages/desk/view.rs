//! Shared pieces of the desk pages: dates in Vietnam time, status and event
//! names from the message files, use-case errors as inline messages.

use chrono::{DateTime, Utc};
use motcua_app::dossiers::DossierError;
use motcua_app::policy::Capability;
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
    /// Which links the officer's roles open (decided by the one policy).
    pub links: NavLinks,
}

/// The desk pages an officer's roles open anywhere in their scope: the navigation
/// shows only these, so a receptionist is not offered pages that would answer 403.
/// The pages still check the policy themselves; this only hides dead ends.
pub struct NavLinks {
    /// Tiếp nhận ([`Capability::ReceiveAtDesk`]).
    pub reception: bool,
    /// Hồ sơ and the register ([`Capability::ViewWorkList`]).
    pub work: bool,
    /// Lãnh đạo ([`Capability::ViewLeaderStats`]).
    pub leader: bool,
    /// Vướng mắc ([`Capability::ViewObstacles`]).
    pub obstacles: bool,
    /// Phản ánh, kiến nghị ([`Capability::HandleFeedback`]).
    pub feedback: bool,
    /// Nhân sự and Đào tạo ([`Capability::ViewStaff`]).
    pub staff: bool,
    /// Khối lượng and Thiếu hụt ([`Capability::ViewWorkload`]).
    pub workload: bool,
}

impl DeskNav {
    /// The navigation of `officer` with `current` marked.
    pub fn of(officer: &crate::auth::Officer, current: &'static str) -> Self {
        let can = |c| motcua_app::policy::allows(&officer.roles, c);
        Self {
            current,
            officer: officer.name.clone(),
            agency: officer.agency.as_str().to_owned(),
            links: NavLinks {
                reception: can(Capability::ReceiveAtDesk),
                work: can(Capability::ViewWorkList),
                leader: can(Capability::ViewLeaderStats),
                obstacles: can(Capability::ViewObstacles),
                feedback: can(Capability::HandleFeedback),
                staff: can(Capability::ViewStaff),
                workload: can(Capability::ViewWorkload),
            },
        }
    }
}

#[cfg(test)]
mod nav_tests {
    use motcua_domain::dossier::AgencyId;
    use motcua_domain::identity::{Role, RoleAssignment, Scope};

    use super::DeskNav;
    use crate::auth::Officer;

    fn officer(roles: &[Role]) -> Officer {
        Officer {
            id: "a1".into(),
            name: "Nguyễn Văn A".into(),
            agency: AgencyId::parse("H55.X05743.TT").expect("an agency id"),
            roles: roles
                .iter()
                .map(|r| RoleAssignment {
                    role: *r,
                    scope: Scope::Agency("H55.X05743.TT".into()),
                })
                .collect(),
        }
    }

    #[test]
    fn the_navigation_offers_only_the_pages_the_roles_open() {
        let desk = DeskNav::of(&officer(&[Role::Reception]), "reception").links;
        assert!(desk.reception && desk.work && desk.feedback && desk.obstacles);
        assert!(!desk.leader && !desk.staff && !desk.workload);

        let admin = DeskNav::of(&officer(&[Role::UnitAdmin]), "staff").links;
        assert!(admin.staff && admin.workload);
        assert!(!admin.reception && !admin.work && !admin.leader);

        let leader = DeskNav::of(&officer(&[Role::Leader]), "leader").links;
        assert!(leader.leader && leader.staff && leader.workload && leader.work);
        assert!(!leader.reception);
    }
}
