//! Who may do what, in one table (ADR 0022).
//!
//! Every handler, JSON or page, names the [`Capability`] it exercises and
//! asks the [`Policy`]: the roles that may do it come from [`roles_for`]
//! alone, and where they apply from the scopes of the principal's role
//! assignments (checked by the [`ScopeResolver`]). No handler decides
//! roles itself.
//!
//! A refusal is a [`Denied`]: a missing role (403), a target outside the
//! caller's scope that must look unknown (404, the same answer as an
//! unknown code), a target outside the scope whose existence is public
//! (403), or the use case's own error.

use motcua_domain::dossier::AgencyId;
use motcua_domain::identity::{Role, RoleAssignment, Scope};

use crate::AppError;
use crate::authz::ScopeResolver;
use crate::dossiers::{ActionInput, DossierError, DossierService, DossierView, ReceiptAccess};

/// Something a principal may be allowed to do, in the domain's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    /// See the work list (danh sách hồ sơ) of the scope.
    ViewWorkList,
    /// Open one dossier of the scope.
    ViewDossier,
    /// Export the work list as CSV (personal data: audited).
    ExportDossiers,
    /// Receive a dossier at the desk (tiếp nhận trực tiếp / bưu chính).
    ReceiveAtDesk,
    /// Take one action on a dossier (`hand_over`, `stop`...), by its API name.
    Act(&'static str),
    /// Open a dossier's receipt (giấy tiếp nhận) as an officer.
    ViewReceipt,
    /// List and download a dossier's files as an officer.
    ViewAttachments,
    /// Upload a file to a dossier as an officer.
    AddAttachment,
    /// Look a citizen up in the population registry at the desk.
    LookUpRegistry,
    /// Grant and revoke registry access, and read others' grants.
    ManageGrants,
    /// Create and change agencies.
    ManageAgencies,
    /// Manage webhook subscriptions of sector systems.
    ManageWebhooks,
    /// See the dead letters of the exchange outbox.
    ViewDeadLetters,
    /// Queue a dead letter again.
    ReplayDeadLetters,
    /// See the leader's statistics (màn hình lãnh đạo).
    ViewLeaderStats,
    /// Answer as a sector system (accept, progress, result, decline).
    SectorAnswer,
    /// Handle citizens' feedback and complaints (PAKN) of the unit: list,
    /// read (the sender's personal data: audited), classify, refuse, ask
    /// for more, answer, publish.
    HandleFeedback,
    /// Raise an obstacle (vướng mắc) for the unit, submit it, and confirm
    /// its answer resolved it (commune officers).
    RaiseObstacle,
    /// Receive, answer, escalate or merge obstacles the agency owns (sở,
    /// UBND tỉnh, ministry officers).
    HandleObstacle,
    /// See the obstacles raised, owned or (once overdue) watched in the scope.
    ViewObstacles,
    /// The monthly obstacle report of the scope, and the leader's assessment.
    ReportObstacles,
    /// See the Decision 766 service index of the scope's units, with the
    /// dossiers behind each indicator (leaders, province administrators).
    ViewServiceIndex,
    /// Manage the staff registry of the unit (people, positions,
    /// expertise, secondments; CSV import).
    ManageStaff,
    /// See the staff registry of the scope.
    ViewStaff,
    /// See the measured workload, after-hours work and the shortage signal
    /// of the scope, and its units' classification.
    ViewWorkload,
    /// Classify administrative units (NĐ 307/2025: the Sở Nội vụ's work).
    ClassifyUnits,
}

/// Roles that work on dossiers: they see work lists and dossiers of their scope.
pub const DOSSIER_ROLES: [Role; 3] = [Role::Reception, Role::Specialist, Role::Leader];

/// Administrators of the exchange and of webhooks.
const ADMINS: [Role; 3] = [Role::UnitAdmin, Role::ProvinceAdmin, Role::System];

/// The roles an action needs: the desk's actions need reception; the
/// result is approved and signed by a leader (Chủ tịch, Phó Chủ tịch), to
/// whom the specialist submits the dossier by handing it over; the other
/// processing steps need a specialist or a leader.
pub fn action_roles(action: &str) -> &'static [Role] {
    match action {
        "receive"
        | "refuse"
        | "supplement_received"
        | "record_payment"
        | "return"
        | "withdraw"
        | "rate" => &[Role::Reception],
        "result_ready" => &[Role::Leader],
        _ => &[Role::Specialist, Role::Leader],
    }
}

/// THE policy table: the roles that may exercise each capability.
pub fn roles_for(capability: Capability) -> &'static [Role] {
    match capability {
        Capability::ViewWorkList
        | Capability::ViewDossier
        | Capability::ExportDossiers
        | Capability::ViewReceipt
        | Capability::ViewAttachments
        | Capability::AddAttachment => &DOSSIER_ROLES,
        Capability::ReceiveAtDesk => &[Role::Reception],
        Capability::Act(action) => action_roles(action),
        Capability::LookUpRegistry => &[Role::Reception, Role::Specialist],
        Capability::ManageGrants => &[Role::UnitAdmin],
        Capability::ManageAgencies => &[Role::ProvinceAdmin],
        Capability::ManageWebhooks
        | Capability::ViewDeadLetters
        | Capability::ReplayDeadLetters => &ADMINS,
        Capability::ViewLeaderStats => &[Role::Leader],
        Capability::SectorAnswer => &[Role::System],
        Capability::HandleFeedback => &DOSSIER_ROLES,
        Capability::RaiseObstacle | Capability::ViewObstacles => &DOSSIER_ROLES,
        Capability::HandleObstacle => &[Role::Specialist, Role::Leader],
        Capability::ReportObstacles => &[Role::Leader],
        Capability::ViewServiceIndex => &[Role::Leader, Role::ProvinceAdmin],
        Capability::ManageStaff => &[Role::UnitAdmin, Role::ProvinceAdmin],
        Capability::ViewStaff | Capability::ViewWorkload => {
            &[Role::Leader, Role::UnitAdmin, Role::ProvinceAdmin]
        }
        Capability::ClassifyUnits => &[Role::ProvinceAdmin],
    }
}

impl Capability {
    /// The capability of the dossier action `name`; `None` for an unknown action.
    pub fn act(name: &str) -> Option<Self> {
        ActionInput::NAMES
            .iter()
            .copied()
            .find(|n| *n == name)
            .map(Self::Act)
    }

    /// Every capability, each action once (for documentation and tests).
    pub fn all() -> Vec<Self> {
        let mut out = vec![
            Self::ViewWorkList,
            Self::ViewDossier,
            Self::ExportDossiers,
            Self::ReceiveAtDesk,
            Self::ViewReceipt,
            Self::ViewAttachments,
            Self::AddAttachment,
            Self::LookUpRegistry,
            Self::ManageGrants,
            Self::ManageAgencies,
            Self::ManageWebhooks,
            Self::ViewDeadLetters,
            Self::ReplayDeadLetters,
            Self::ViewLeaderStats,
            Self::SectorAnswer,
            Self::HandleFeedback,
            Self::RaiseObstacle,
            Self::HandleObstacle,
            Self::ViewObstacles,
            Self::ReportObstacles,
            Self::ViewServiceIndex,
            Self::ManageStaff,
            Self::ViewStaff,
            Self::ViewWorkload,
            Self::ClassifyUnits,
        ];
        out.extend(ActionInput::NAMES.iter().copied().map(Self::Act));
        out
    }
}

/// Why the policy said no.
#[derive(Debug)]
pub enum Denied {
    /// The principal holds none of the roles the capability needs (403).
    MissingRole(Capability),
    /// The target is outside the scope and must look unknown (404, the
    /// same answer as an unknown code).
    Hidden,
    /// The target is outside the scope; its existence is public (403).
    OutOfScope,
    /// The use case's own error (bad code, store failure...).
    Failed(DossierError),
}

impl Denied {
    /// Vietnamese and English words for a refusal, `"vi / en"`.
    pub fn message(&self) -> String {
        match self {
            Self::MissingRole(c) => {
                let names: Vec<&str> = roles_for(*c).iter().map(|r| r.as_str()).collect();
                format!(
                    "Cần vai trò {0} / the role {0} is required",
                    names.join(" | ")
                )
            }
            Self::Hidden => crate::dossiers::error::not_found_text(),
            Self::OutOfScope => {
                "Ngoài phạm vi vai trò của bạn / outside the scope of your roles".to_owned()
            }
            Self::Failed(e) => e.to_string(),
        }
    }
}

impl From<DossierError> for Denied {
    fn from(e: DossierError) -> Self {
        Self::Failed(e)
    }
}

impl From<AppError> for Denied {
    fn from(e: AppError) -> Self {
        Self::Failed(e.into())
    }
}

impl From<Denied> for DossierError {
    fn from(d: Denied) -> Self {
        match d {
            Denied::Failed(e) => e,
            Denied::Hidden => DossierError::NotFound(crate::dossiers::error::not_found_text()),
            other => DossierError::Forbidden(other.message()),
        }
    }
}

/// Whether `roles` hold any role of `capability` anywhere.
pub fn allows(roles: &[RoleAssignment], capability: Capability) -> bool {
    let wanted = roles_for(capability);
    roles.iter().any(|r| wanted.contains(&r.role))
}

/// 403 ([`Denied::MissingRole`]) unless `roles` hold a role of `capability`.
pub fn require(roles: &[RoleAssignment], capability: Capability) -> Result<(), Denied> {
    if allows(roles, capability) {
        Ok(())
    } else {
        Err(Denied::MissingRole(capability))
    }
}

/// The agency roots where `roles` may exercise `capability` (the roots of
/// its roles scoped to an agency), deduplicated, in a stable order.
pub fn agency_roots(roles: &[RoleAssignment], capability: Capability) -> Vec<AgencyId> {
    let wanted = roles_for(capability);
    let mut out: Vec<AgencyId> = roles
        .iter()
        .filter(|r| wanted.contains(&r.role))
        .filter_map(|r| match &r.scope {
            Scope::Agency(a) => AgencyId::parse(a).ok(),
            Scope::Unit(_) => None,
        })
        .collect();
    out.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    out.dedup();
    out
}

/// The root to act from when one agency is needed: the principal's home
/// agency when it is a root of `capability`, else the first root.
pub fn home_root(
    roles: &[RoleAssignment],
    capability: Capability,
    home: &AgencyId,
) -> Result<AgencyId, Denied> {
    require(roles, capability)?;
    let roots = agency_roots(roles, capability);
    if roots.contains(home) {
        return Ok(home.clone());
    }
    roots.into_iter().next().ok_or(Denied::OutOfScope)
}

/// The policy with its scope checks.
#[derive(Clone)]
pub struct Policy {
    scopes: ScopeResolver,
}

impl Policy {
    /// Over a scope resolver.
    pub fn new(scopes: ScopeResolver) -> Self {
        Self { scopes }
    }

    /// The agency roots of `capability` with the roots that lie below
    /// another root left out (so counts over them count each dossier once).
    pub async fn outer_roots(
        &self,
        roles: &[RoleAssignment],
        capability: Capability,
    ) -> Result<Vec<AgencyId>, Denied> {
        let roots = agency_roots(roles, capability);
        let mut out = Vec::new();
        for root in &roots {
            let mut inner = false;
            for other in roots.iter().filter(|o| *o != root) {
                if self
                    .scopes
                    .covers_agency(&Scope::Agency(other.as_str().into()), root.as_str())
                    .await?
                {
                    inner = true;
                    break;
                }
            }
            if !inner {
                out.push(root.clone());
            }
        }
        Ok(out)
    }

    /// Whether a role of `capability` among `roles` covers the agency:
    /// [`Denied::MissingRole`] without such a role at all, else
    /// [`Denied::OutOfScope`] when none covers it.
    pub async fn in_agency(
        &self,
        roles: &[RoleAssignment],
        capability: Capability,
        agency: &str,
    ) -> Result<(), Denied> {
        require(roles, capability)?;
        if self
            .scopes
            .any_covers_agency(roles, roles_for(capability), agency)
            .await?
        {
            Ok(())
        } else {
            Err(Denied::OutOfScope)
        }
    }

    /// Whether a role of `capability` covers one of `agencies` (a dossier's
    /// receiving unit, deciding and current agency).
    pub async fn in_any_agency(
        &self,
        roles: &[RoleAssignment],
        capability: Capability,
        agencies: &[&str],
    ) -> Result<(), Denied> {
        require(roles, capability)?;
        for agency in agencies {
            if self
                .scopes
                .any_covers_agency(roles, roles_for(capability), agency)
                .await?
            {
                return Ok(());
            }
        }
        Err(Denied::Hidden)
    }

    /// Whether a role of `capability` among `roles` covers the unit (see
    /// [`Policy::in_agency`]).
    pub async fn in_unit(
        &self,
        roles: &[RoleAssignment],
        capability: Capability,
        unit: &str,
    ) -> Result<(), Denied> {
        require(roles, capability)?;
        if self
            .scopes
            .any_covers_unit(roles, roles_for(capability), unit)
            .await?
        {
            Ok(())
        } else {
            Err(Denied::OutOfScope)
        }
    }

    /// The reception root an officer receives at: the root covering the
    /// receiving unit named, else the home agency when it is a root, else
    /// the first root (the use case then refuses an agency out of scope).
    pub async fn reception_root(
        &self,
        roles: &[RoleAssignment],
        home: &AgencyId,
        receiving: Option<&str>,
    ) -> Result<AgencyId, Denied> {
        require(roles, Capability::ReceiveAtDesk)?;
        let roots = agency_roots(roles, Capability::ReceiveAtDesk);
        if let Some(r) = receiving {
            for root in &roots {
                if self
                    .scopes
                    .covers_agency(&Scope::Agency(root.as_str().into()), r)
                    .await?
                {
                    return Ok(root.clone());
                }
            }
        }
        home_root(roles, Capability::ReceiveAtDesk, home)
    }

    /// One dossier the principal may exercise `capability` on, and the
    /// root that covers it. Out of scope answers [`Denied::Hidden`], like
    /// an unknown code.
    pub async fn dossier(
        &self,
        dossiers: &DossierService,
        roles: &[RoleAssignment],
        capability: Capability,
        code: &str,
    ) -> Result<(AgencyId, DossierView), Denied> {
        require(roles, capability)?;
        for root in agency_roots(roles, capability) {
            match dossiers.get(&root, code).await {
                Ok(view) => return Ok((root, view)),
                Err(DossierError::Forbidden(_) | DossierError::NotFound(_)) => {}
                Err(other) => return Err(Denied::Failed(other)),
            }
        }
        Err(Denied::Hidden)
    }

    /// The receipt of a dossier for an officer; out of scope answers
    /// [`Denied::Hidden`].
    pub async fn receipt(
        &self,
        dossiers: &DossierService,
        roles: &[RoleAssignment],
        code: &str,
    ) -> Result<crate::dossiers::receipt::ReceiptView, Denied> {
        require(roles, Capability::ViewReceipt)?;
        for root in agency_roots(roles, Capability::ViewReceipt) {
            match dossiers.receipt(&ReceiptAccess::Officer(root), code).await {
                Ok(view) => return Ok(view),
                Err(DossierError::Forbidden(_)) => {}
                Err(other) => return Err(Denied::Failed(other)),
            }
        }
        Err(Denied::Hidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(role: Role, agency: &str) -> RoleAssignment {
        RoleAssignment {
            role,
            scope: Scope::Agency(agency.to_owned()),
        }
    }

    #[test]
    fn every_capability_needs_a_role_and_system_only_answers_as_a_sector() {
        for c in Capability::all() {
            assert!(!roles_for(c).is_empty(), "{c:?}");
            assert!(!allows(&[], c), "{c:?}");
            assert!(!allows(&[at(Role::Auditor, "H55")], c), "{c:?}");
            let system = allows(&[at(Role::System, "H55")], c);
            let admin = matches!(
                c,
                Capability::SectorAnswer
                    | Capability::ManageWebhooks
                    | Capability::ViewDeadLetters
                    | Capability::ReplayDeadLetters
            );
            assert_eq!(system, admin, "{c:?}");
        }
    }

    #[test]
    fn the_webhook_service_scopes_with_the_tables_roles() {
        assert_eq!(
            roles_for(Capability::ManageWebhooks),
            &crate::webhooks::ADMIN_ROLES
        );
    }

    #[test]
    fn actions_follow_the_desk_and_processing_split() {
        let reception = [at(Role::Reception, "H55.X1")];
        let specialist = [at(Role::Specialist, "H55.X1")];
        assert!(allows(&reception, Capability::act("receive").unwrap()));
        assert!(!allows(&reception, Capability::act("stop").unwrap()));
        assert!(allows(&specialist, Capability::act("stop").unwrap()));
        assert!(!allows(&specialist, Capability::act("refuse").unwrap()));
        // The leader approves and signs the result; the specialist submits.
        let leader = [at(Role::Leader, "H55.X1")];
        let result = Capability::act("result_ready").unwrap();
        assert!(allows(&leader, result));
        assert!(!allows(&specialist, result));
        assert!(!allows(&reception, result));
        assert!(allows(&specialist, Capability::act("hand_over").unwrap()));
        assert_eq!(Capability::act("explode"), None);
        assert!(matches!(
            require(&specialist, Capability::ReceiveAtDesk),
            Err(Denied::MissingRole(Capability::ReceiveAtDesk))
        ));
    }

    #[test]
    fn roots_are_the_agency_scopes_of_the_capability_roles() {
        let roles = [
            at(Role::Leader, "H55.X2"),
            at(Role::Reception, "H55.X1"),
            at(Role::Reception, "H55.X1"),
            RoleAssignment {
                role: Role::Specialist,
                scope: Scope::Unit("01840".into()),
            },
        ];
        let roots: Vec<String> = agency_roots(&roles, Capability::ViewDossier)
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect();
        assert_eq!(roots, ["H55.X1", "H55.X2"]);
        let home = AgencyId::parse("H55.X2").unwrap();
        assert_eq!(
            home_root(&roles, Capability::ReceiveAtDesk, &home)
                .unwrap()
                .as_str(),
            "H55.X1"
        );
        assert_eq!(
            home_root(&roles, Capability::ViewDossier, &home)
                .unwrap()
                .as_str(),
            "H55.X2"
        );
    }
}
