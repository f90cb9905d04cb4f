//! Audit use cases: append an entry, verify the chain, and show a citizen
//! who looked at their data; signed checkpoints of the chain head kept
//! outside the database ([`Checkpoints`], security review F14), so that a
//! chain rewritten or cut short by someone with database access no longer
//! verifies.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use motcua_domain::audit::{
    AuditEntry, ChainBreak, ChainHead, ChainVerifier, StoredEntry, SubjectKey, VerifyReport,
};
use motcua_domain::dossier::PersonalId;
use motcua_domain::unit::{Era, UnitCode};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::AppError;
use crate::ports::AuditPorts;

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
    store: Arc<dyn AuditPorts>,
    subjects: SubjectKey,
}

impl AuditService {
    /// Over `store`, with personal IDs keyed by `subjects`.
    pub fn new(store: Arc<dyn AuditPorts>, subjects: SubjectKey) -> Self {
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

/// File of the checkpoints in the data directory (one JSON object a line).
pub const CHECKPOINT_FILE: &str = "audit-checkpoints.jsonl";

/// Key file for the checkpoints' signatures when no audit pepper is set
/// (created on first use, readable by the owner only).
pub const CHECKPOINT_KEY_FILE: &str = "audit-checkpoint.key";

/// What the signature covers, before the fields.
const CHECKPOINT_DOMAIN: &str = "motcua-audit-checkpoint/1";

/// A signed record of the chain head at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Sequence number of the head entry.
    pub seq: i64,
    /// Its hash.
    pub hash: String,
    /// When the checkpoint was taken.
    pub at: DateTime<Utc>,
    /// HMAC-SHA256 (hex) of the domain, `seq`, `hash` and `at`.
    pub signature: String,
}

/// Why the stored chain does not match the checkpoints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointMismatch {
    /// A line of the file is unreadable, its signature wrong, or it goes
    /// backwards: the file itself was tampered with.
    #[error("checkpoint file line {line}: {what}")]
    File {
        /// 1-based line.
        line: usize,
        /// What is wrong.
        what: String,
    },
    /// The chain ends before a checkpointed entry: entries were removed
    /// from its end.
    #[error("chain truncated: head {head} is below checkpoint {seq} taken at {at}")]
    Truncated {
        /// The checkpointed sequence number.
        seq: i64,
        /// The stored head's sequence number (0 when empty).
        head: i64,
        /// When the checkpoint was taken.
        at: DateTime<Utc>,
    },
    /// A checkpointed entry is gone from the middle of the chain.
    #[error("entry {seq} of the checkpoint taken at {at} is missing")]
    Missing {
        /// The checkpointed sequence number.
        seq: i64,
        /// When the checkpoint was taken.
        at: DateTime<Utc>,
    },
    /// A checkpointed entry has another hash now: the chain was rewritten.
    #[error("entry {seq} was rewritten: hash {found}, checkpoint of {at} says {expected}")]
    Changed {
        /// The checkpointed sequence number.
        seq: i64,
        /// The hash in the checkpoint.
        expected: String,
        /// The hash stored now.
        found: String,
        /// When the checkpoint was taken.
        at: DateTime<Utc>,
    },
}

/// The checkpoint file and its signing key.
#[derive(Clone)]
pub struct Checkpoints {
    path: PathBuf,
    key: Vec<u8>,
}

impl std::fmt::Debug for Checkpoints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checkpoints")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Checkpoints {
    /// Checkpoints in `path`, signed with `key`.
    pub fn new(path: impl Into<PathBuf>, key: Vec<u8>) -> Self {
        Self {
            path: path.into(),
            key,
        }
    }

    /// The checkpoints of a data directory: [`CHECKPOINT_FILE`], signed
    /// with the audit pepper, or without one with the key in
    /// [`CHECKPOINT_KEY_FILE`] (created on first use).
    pub fn in_data_dir(data_dir: &Path, pepper: &[u8]) -> std::io::Result<Self> {
        let key = if pepper.is_empty() {
            key_file(&data_dir.join(CHECKPOINT_KEY_FILE))?
        } else {
            pepper.to_vec()
        };
        Ok(Self::new(data_dir.join(CHECKPOINT_FILE), key))
    }

    /// Where the checkpoints are kept.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sign(&self, seq: i64, hash: &str, at: DateTime<Utc>) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        let at = at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        mac.update(format!("{CHECKPOINT_DOMAIN}\n{seq}\n{hash}\n{at}").as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// A signed checkpoint of `head` at `at`.
    pub fn make(&self, head: &ChainHead, at: DateTime<Utc>) -> Checkpoint {
        Checkpoint {
            seq: head.seq,
            hash: head.hash.clone(),
            at,
            signature: self.sign(head.seq, &head.hash, at),
        }
    }

    /// Every checkpoint, oldest first, each signature checked; none when
    /// the file does not exist yet.
    pub fn read(&self) -> Result<Result<Vec<Checkpoint>, CheckpointMismatch>, AppError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Ok(Vec::new())),
            Err(e) => {
                return Err(AppError::Unexpected(anyhow::anyhow!(
                    "reading {}: {e}",
                    self.path.display()
                )));
            }
        };
        let mut out: Vec<Checkpoint> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let bad = |what: String| CheckpointMismatch::File { line: i + 1, what };
            let cp: Checkpoint = match serde_json::from_str(line) {
                Ok(cp) => cp,
                Err(e) => return Ok(Err(bad(format!("unreadable: {e}")))),
            };
            if self.sign(cp.seq, &cp.hash, cp.at) != cp.signature {
                return Ok(Err(bad("signature does not match".to_owned())));
            }
            if out.last().is_some_and(|prev| prev.seq > cp.seq) {
                return Ok(Err(bad("goes backwards".to_owned())));
            }
            out.push(cp);
        }
        Ok(Ok(out))
    }

    /// Appends one checkpoint and flushes it to disk.
    pub fn append(&self, cp: &Checkpoint) -> Result<(), AppError> {
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)?;
            let mut line = serde_json::to_string(cp).map_err(std::io::Error::other)?;
            line.push('\n');
            f.write_all(line.as_bytes())?;
            f.sync_data()
        };
        write().map_err(|e| {
            AppError::Unexpected(anyhow::anyhow!("writing {}: {e}", self.path.display()))
        })
    }
}

/// The key in `path`, created with 32 random bytes when missing.
fn key_file(path: &Path) -> std::io::Result<Vec<u8>> {
    match std::fs::read(path) {
        Ok(key) if !key.is_empty() => return Ok(key),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| std::io::Error::other(e.to_string()))?;
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut f) => {
            f.write_all(hex.as_bytes())?;
            f.sync_all()?;
            Ok(hex.into_bytes())
        }
        // Another process made it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => std::fs::read(path),
        Err(e) => Err(e),
    }
}

impl AuditService {
    /// Writes a checkpoint of the current head at `at`, unless the chain is
    /// empty or the latest checkpoint already names this head. Answers the
    /// checkpoint written.
    pub async fn checkpoint(
        &self,
        checkpoints: &Checkpoints,
        at: DateTime<Utc>,
    ) -> Result<Option<Checkpoint>, AppError> {
        let Some(head) = self.store.audit_head().await? else {
            return Ok(None);
        };
        let latest = checkpoints.read()?.ok().and_then(|all| all.last().cloned());
        if latest.is_some_and(|l| l.seq == head.seq && l.hash == head.hash) {
            return Ok(None);
        }
        let cp = checkpoints.make(&head, at);
        checkpoints.append(&cp)?;
        Ok(Some(cp))
    }

    /// Checks the stored chain against every checkpoint: each checkpointed
    /// entry must still be there with the same hash. Answers the latest
    /// checkpoint (`None` when there is none yet).
    pub async fn check_checkpoints(
        &self,
        checkpoints: &Checkpoints,
    ) -> Result<Result<Option<Checkpoint>, CheckpointMismatch>, AppError> {
        let all = match checkpoints.read()? {
            Ok(all) => all,
            Err(bad) => return Ok(Err(bad)),
        };
        let head = self.store.audit_head().await?.map_or(0, |h| h.seq);
        let mut checked: Option<&Checkpoint> = None;
        for cp in &all {
            if checked.is_some_and(|c| c.seq == cp.seq && c.hash == cp.hash) {
                continue;
            }
            let stored = self.store.audit_page(cp.seq - 1, 1).await?;
            match stored.first() {
                Some(e) if e.seq == cp.seq => {
                    if e.hash != cp.hash {
                        return Ok(Err(CheckpointMismatch::Changed {
                            seq: cp.seq,
                            expected: cp.hash.clone(),
                            found: e.hash.clone(),
                            at: cp.at,
                        }));
                    }
                }
                _ if head < cp.seq => {
                    return Ok(Err(CheckpointMismatch::Truncated {
                        seq: cp.seq,
                        head,
                        at: cp.at,
                    }));
                }
                _ => {
                    return Ok(Err(CheckpointMismatch::Missing {
                        seq: cp.seq,
                        at: cp.at,
                    }));
                }
            }
            checked = Some(cp);
        }
        Ok(Ok(all.last().cloned()))
    }
}

#[cfg(test)]
mod checkpoint_tests {
    use super::*;

    #[test]
    fn signatures_bind_every_field() {
        let dir = std::env::temp_dir().join(format!("motcua-cp-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let cps = Checkpoints::in_data_dir(&dir, b"pepper").unwrap();
        let head = ChainHead {
            seq: 7,
            hash: "ab".repeat(32),
        };
        let at = DateTime::parse_from_rfc3339("2026-12-06T01:02:03.456789Z")
            .unwrap()
            .with_timezone(&Utc);
        let cp = cps.make(&head, at);
        cps.append(&cp).unwrap();
        assert_eq!(cps.read().unwrap().unwrap(), vec![cp.clone()]);
        let text = std::fs::read_to_string(cps.path()).unwrap();
        std::fs::write(cps.path(), text.replace("\"seq\":7", "\"seq\":6")).unwrap();
        assert!(matches!(
            cps.read().unwrap(),
            Err(CheckpointMismatch::File { line: 1, .. })
        ));
        let other = Checkpoints::in_data_dir(&dir, b"another pepper").unwrap();
        std::fs::write(cps.path(), text).unwrap();
        assert!(
            other.read().unwrap().is_err(),
            "another key does not verify"
        );
        // Without a pepper a key file is made once and reused.
        let a = Checkpoints::in_data_dir(&dir, b"").unwrap();
        let b = Checkpoints::in_data_dir(&dir, b"").unwrap();
        assert_eq!(a.sign(1, "x", at), b.sign(1, "x", at));
        assert_ne!(a.sign(1, "x", at), cps.sign(1, "x", at));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
