//! Audit use cases: append an entry, verify the chain, and show a citizen
//! who looked at their data.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use motcua_domain::audit::{
    AuditEntry, ChainBreak, ChainHead, ChainVerifier, StoredEntry, SubjectKey, VerifyReport,
};
use motcua_domain::dossier::PersonalId;
use motcua_domain::unit::{Era, UnitCode};
use serde::Serialize;

use crate::AppError;
use crate::ports::Store;

/// Where the current time comes from (a fixed instant in tests).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(Utc::now)
}

/// The clock's time truncated to microseconds, the precision both engines store.
pub fn now_micros(clock: &Clock) -> DateTime<Utc> {
    use chrono::SubsecRound;
    clock().trunc_subsecs(6)
}

/// Entries read per page while verifying.
const VERIFY_PAGE: u32 = 1_000;

/// The most entries shown to a citizen at once.
pub const CITIZEN_VIEW_LIMIT: u32 = 500;

/// One access to a citizen's data, as the citizen sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CitizenAccess {
    /// Sequence number in the audit log.
    pub seq: i64,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// What kind of access (`personal_data_lookup`, `export`...).
    pub action: String,
    /// The unit the officer acted for (code).
    pub unit_code: Option<String>,
    /// The unit's name, when the unit is known.
    pub unit_name: Option<String>,
    /// The agency the officer acted for.
    pub agency_id: Option<String>,
    /// For which dossier.
    pub dossier_code: Option<String>,
    /// The stated purpose.
    pub purpose: Option<String>,
    /// Which fields were disclosed.
    pub fields: Vec<String>,
    /// `allowed` or `refused`.
    pub outcome: String,
    /// Why it was refused.
    pub reason: Option<String>,
}

/// Audit log services.
#[derive(Clone)]
pub struct AuditService {
    store: Arc<dyn Store>,
    subjects: SubjectKey,
}

impl AuditService {
    /// Over `store`, with personal IDs keyed by `subjects`.
    pub fn new(store: Arc<dyn Store>, subjects: SubjectKey) -> Self {
        Self { store, subjects }
    }

    /// Appends one entry (its own transaction).
    pub async fn record(&self, entry: &AuditEntry) -> Result<ChainHead, AppError> {
        Ok(self.store.append_audit(entry).await?)
    }

    /// Checks the whole chain, page by page: `Ok(Ok(report))` when it holds,
    /// `Ok(Err(break))` naming the first broken entry.
    pub async fn verify(&self) -> Result<Result<VerifyReport, ChainBreak>, AppError> {
        let mut verifier = ChainVerifier::new();
        let mut after = 0;
        let mut round = 0;
        loop {
            let start = after;
            loop {
                let page = self.store.audit_page(after, VERIFY_PAGE).await?;
                let Some(last) = page.last() else { break };
                after = last.seq;
                for e in &page {
                    verifier.note(e.seq, &e.hash);
                }
                for e in &page {
                    if let Err(found) = verifier.push(e) {
                        return Ok(Err(self.refine(found, e).await?));
                    }
                }
            }
            let head = self.store.audit_head().await?;
            // A head beyond what was read means entries were appended while
            // reading (read them too) or removed from the end (reported).
            let settled = head.as_ref().map_or(0, |h| h.seq) <= after
                || (round > 0 && after == start)
                || round >= 5;
            if settled {
                return Ok(verifier.finish(head.as_ref()));
            }
            round += 1;
        }
    }

    /// A broken link whose predecessor was on an earlier or later page is a
    /// reordering when that predecessor is stored somewhere else.
    async fn refine(&self, found: ChainBreak, entry: &StoredEntry) -> Result<ChainBreak, AppError> {
        if let ChainBreak::LinkBroken { seq } = found
            && let Some(follows) = self.store.audit_seq_of_hash(&entry.prev_hash).await?
            && follows != seq
        {
            return Ok(ChainBreak::Reordered { seq, follows });
        }
        Ok(found)
    }

    /// Who looked at this citizen's data: every entry about them, newest first.
    pub async fn for_citizen(&self, personal_id: &str) -> Result<Vec<CitizenAccess>, AppError> {
        let id = PersonalId::parse(personal_id).map_err(|e| AppError::Invalid(e.to_string()))?;
        let entries = self
            .store
            .audit_for_subject(&self.subjects.key_of(&id), CITIZEN_VIEW_LIMIT)
            .await?;
        let mut out = Vec::with_capacity(entries.len());
        for e in entries {
            let unit_name = match e.columns.unit_code.as_deref().map(UnitCode::parse) {
                Some(Ok(code)) => self
                    .store
                    .get_unit(Era::Current, &code)
                    .await?
                    .map(|u| u.name),
                _ => None,
            };
            let c = e.columns;
            out.push(CitizenAccess {
                seq: e.seq,
                occurred_at: c.occurred_at,
                fields: c.field_names(),
                action: c.action,
                unit_code: c.unit_code,
                unit_name,
                agency_id: c.agency_id,
                dossier_code: c.dossier_code,
                purpose: c.purpose,
                outcome: c.outcome,
                reason: c.reason,
            });
        }
        Ok(out)
    }
}
