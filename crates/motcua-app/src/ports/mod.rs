//! Ports: the store traits that each database engine implements.
//!
//! Each method is sized to one use case and runs in one transaction, so a
//! caller never sees a half-written change.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::agency::{Agency, AgencyKind};
use motcua_domain::unit::{
    AdministrativeUnit, Era, LineageLink, UnitChange, UnitCode, UnitLevel, UnitType,
};
use serde::Serialize;

use crate::StoreError;

/// The whole reference set of units, as shipped in the binary.
#[derive(Debug, Clone)]
pub struct ReferenceUnits {
    /// A version string; loading the same version twice does nothing.
    pub version: String,
    /// Current and legacy units.
    pub units: Vec<AdministrativeUnit>,
    /// Old-to-new links.
    pub lineage: Vec<LineageLink>,
}

/// What loading reference data did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadReport {
    /// False when the same version was already loaded.
    pub loaded: bool,
    /// Units written.
    pub units: usize,
    /// Lineage links written.
    pub links: usize,
}

/// Filters of the unit list.
#[derive(Debug, Clone)]
pub struct UnitFilter {
    /// Which structure.
    pub era: Era,
    /// Only this tier.
    pub level: Option<UnitLevel>,
    /// Only this type.
    pub unit_type: Option<UnitType>,
    /// Only children of this unit.
    pub parent: Option<UnitCode>,
    /// Free text, already folded (see `motcua_domain::text::fold`).
    pub query_folded: Option<String>,
    /// Page size, 1..=5000.
    pub limit: u32,
    /// Rows to skip.
    pub offset: u32,
}

/// One page of units and the total matching the filter.
#[derive(Debug, Clone, Serialize)]
pub struct UnitPage {
    /// The units of this page.
    pub items: Vec<AdministrativeUnit>,
    /// How many units match the filter in all.
    pub total: u64,
}

/// A recorded change of a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedChange {
    /// The change.
    pub change: UnitChange,
    /// When it was applied in this database.
    pub applied_at: DateTime<Utc>,
}

/// What applying a change set did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApplyReport {
    /// Changes applied now.
    pub applied: usize,
    /// Changes already applied before (left as they were).
    pub already_applied: usize,
}

/// The administrative-unit registry.
#[async_trait]
pub trait UnitStore: Send + Sync {
    /// Loads the reference units and lineage in one transaction, unless the
    /// same version is already loaded. Recorded changes are re-applied.
    async fn load_reference(&self, data: &ReferenceUnits) -> Result<LoadReport, StoreError>;
    /// Lists units.
    async fn list_units(&self, filter: &UnitFilter) -> Result<UnitPage, StoreError>;
    /// One unit of an era.
    async fn get_unit(
        &self,
        era: Era,
        code: &UnitCode,
    ) -> Result<Option<AdministrativeUnit>, StoreError>;
    /// How many units have this one as parent.
    async fn count_children(&self, era: Era, code: &UnitCode) -> Result<u64, StoreError>;
    /// Links from an old unit (commune or island district) to its successors.
    async fn successors(&self, old_code: &UnitCode) -> Result<Vec<LineageLink>, StoreError>;
    /// Links into a current commune from the old units that formed it.
    async fn predecessors(&self, new_code: &UnitCode) -> Result<Vec<LineageLink>, StoreError>;
    /// Applies effective-dated changes; a change already applied is skipped.
    async fn apply_changes(&self, changes: &[UnitChange]) -> Result<ApplyReport, StoreError>;
    /// Changes recorded for a unit, oldest first.
    async fn changes_of(&self, code: &UnitCode) -> Result<Vec<AppliedChange>, StoreError>;
    /// Every recorded change (`units apply-changes`), by effective date
    /// then code: what the address converter applies (issue 18).
    async fn recorded_changes(&self) -> Result<Vec<AppliedChange>, StoreError>;
}

/// Filters of the agency list.
#[derive(Debug, Clone, Default)]
pub struct AgencyFilter {
    /// Only agencies of this unit.
    pub unit_code: Option<String>,
    /// Only this kind.
    pub kind: Option<AgencyKind>,
    /// Free text, folded.
    pub query_folded: Option<String>,
    /// Page size.
    pub limit: u32,
    /// Rows to skip.
    pub offset: u32,
}

/// The agencies of the instance.
#[async_trait]
pub trait AgencyStore: Send + Sync {
    /// Inserts agencies whose identifier is not present yet; returns how many were new.
    async fn insert_missing_agencies(&self, agencies: &[Agency]) -> Result<usize, StoreError>;
    /// Creates or replaces one agency.
    async fn upsert_agency(&self, agency: &Agency) -> Result<(), StoreError>;
    /// One agency.
    async fn get_agency(&self, id: &str) -> Result<Option<Agency>, StoreError>;
    /// Lists agencies and the total matching.
    async fn list_agencies(&self, filter: &AgencyFilter) -> Result<(Vec<Agency>, u64), StoreError>;
}

/// The officers of an agency subtree: the one account query the dossier
/// use cases need (whom a dossier can be handed over to). Every
/// [`AccountStore`] answers it.
#[async_trait]
pub trait OfficerDirectory: Send + Sync {
    /// Officers whose agency is `root` or below it.
    async fn officers_under(
        &self,
        root: &str,
    ) -> Result<Vec<motcua_domain::identity::Account>, StoreError>;
}

#[async_trait]
impl<T: AccountStore + ?Sized> OfficerDirectory for T {
    async fn officers_under(
        &self,
        root: &str,
    ) -> Result<Vec<motcua_domain::identity::Account>, StoreError> {
        self.officers_in_agency_subtree(root).await
    }
}

/// What the dossier use cases read and write: dossiers, agencies and the
/// officers of an agency (issue 20, item 2: a use case depends on the
/// ports it uses, so a test fakes only those).
pub trait DossierPorts: dossiers::DossierStore + AgencyStore + OfficerDirectory {}

impl<T: dossiers::DossierStore + AgencyStore + OfficerDirectory + ?Sized> DossierPorts for T {}

/// Agencies and the administrative units they serve: what scope checks
/// ([`crate::authz::ScopeResolver`]) and the agency use cases read.
pub trait AgencyDirectory: AgencyStore + UnitStore {}

impl<T: AgencyStore + UnitStore + ?Sized> AgencyDirectory for T {}

/// What the grant use cases use: grants, and agencies and units for scope.
pub trait GrantPorts: GrantStore + AgencyDirectory {}

impl<T: GrantStore + AgencyDirectory + ?Sized> GrantPorts for T {}

/// What the webhook administration uses: subscriptions, and agencies and
/// units for scope.
pub trait WebhookPorts: WebhookStore + AgencyDirectory {}

impl<T: WebhookStore + AgencyDirectory + ?Sized> WebhookPorts for T {}

/// What the audit use cases use: the chain, and the units its entries name.
pub trait AuditPorts: AuditStore + UnitStore {}

impl<T: AuditStore + UnitStore + ?Sized> AuditPorts for T {}

/// What the resident import uses: residents, and the units they live in.
pub trait ResidentPorts: ResidentStore + UnitStore {}

impl<T: ResidentStore + UnitStore + ?Sized> ResidentPorts for T {}

/// What the outbox administration uses: the outbox, the dossiers its rows
/// belong to, and agencies and units for scope.
pub trait ExchangeAdminPorts:
    exchange::ExchangeStore + dossiers::DossierStore + AgencyDirectory
{
}

impl<T: exchange::ExchangeStore + dossiers::DossierStore + AgencyDirectory + ?Sized>
    ExchangeAdminPorts for T
{
}

/// What the desk look-ups use: grants, the audit chain they write, the
/// dossier a look-up is for, and agencies and units for scope.
pub trait LookupPorts: GrantStore + AuditStore + dossiers::DossierStore + AgencyDirectory {}

impl<T: GrantStore + AuditStore + dossiers::DossierStore + AgencyDirectory + ?Sized> LookupPorts
    for T
{
}

/// Everything a store engine provides.
#[async_trait]
pub trait Store:
    UnitStore
    + AgencyStore
    + catalog::CatalogStore
    + dossiers::DossierStore
    + AuditStore
    + GrantStore
    + ResidentStore
    + AttachmentStore
    + AccountStore
    + exchange::ExchangeStore
    + national::NationalStore
    + webhooks::WebhookStore
    + obstacles::ObstacleStore
    + obstacles::ObstaclePorts
    + reference_version::ReferenceVersionStore
    + feedback::FeedbackStore
    + feedback::FeedbackPorts
    + index_facts::IndexFacts
    + crate::service_index::ServiceIndexPorts
    + service_index::FeedbackFacts
    + service_index::PaymentFacts
    + payments::PaymentStore
    + crate::payments::PaymentPorts
    + service_index::ElectronicResultFacts
    + notices::NoticeStore
    + staff::StaffStore
    + crate::staff::StaffPorts
    + training::TrainingStore
    + crate::training::TrainingPorts
    + crate::classification::ClassificationPorts
    + DossierPorts
    + AgencyDirectory
    + GrantPorts
    + WebhookPorts
    + AuditPorts
    + ResidentPorts
    + ExchangeAdminPorts
    + LookupPorts
{
    /// A cheap round trip to the database, for readiness checks.
    async fn ping(&self) -> Result<(), StoreError>;
    /// The engine's name ("sqlite", "postgres").
    fn engine(&self) -> &'static str;
}

pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod catalog;
pub mod clock;
pub mod dossier_rows;
pub mod dossier_stats;
pub mod dossiers;
pub mod exchange;
pub mod feedback;
pub mod grants;
pub mod index_facts;
pub mod national;
pub mod notices;
pub mod obstacles;
pub mod payments;
pub mod reference_version;
pub mod registry;
pub mod rows;
pub mod service_index;
pub mod staff;
pub mod training;
pub mod webhooks;
pub mod work_list_lanes;

pub use accounts::AccountStore;
pub use attachments::AttachmentStore;
pub use audit::AuditStore;
pub use clock::{Clock, TestClock};
pub use grants::GrantStore;
pub use reference_version::ReferenceVersionStore;
pub use registry::{CitizenRegistry, ResidentStore};
pub use webhooks::WebhookStore;
