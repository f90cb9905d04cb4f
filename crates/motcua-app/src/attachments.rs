//! Attachments (tệp đính kèm) of dossiers: the scanned or photographed
//! components an applicant uploads, or an officer digitises.
//!
//! The bytes go to an `object_store` (the local filesystem under the data
//! directory by default, S3-compatible storage past one machine) under a
//! key derived from their SHA-256, so the same file is stored once and a
//! client's file name is never a path. The metadata (component, size,
//! sniffed type, hash, sanitised display name, who and when) goes to the
//! database through [`AttachmentStore`].
//!
//! Only PDF, JPEG and PNG are accepted, judged by the bytes themselves
//! (magic numbers, with the `infer` crate); a file whose declared type or
//! extension says otherwise is refused. Size limits hold per file and per
//! dossier.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use motcua_domain::dossier::Dossier;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use thiserror::Error;

use crate::StoreError;
use crate::dossiers::write::sha256_hex;
use crate::ports::attachments::AttachmentRow;
use crate::ports::{AttachmentStore, Clock};

/// Size limits of attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachmentLimits {
    /// Largest single file, in bytes.
    pub max_file_bytes: u64,
    /// Largest total of one dossier's files, in bytes.
    pub max_dossier_bytes: u64,
}

/// One mebibyte.
pub const MIB: u64 = 1024 * 1024;

impl Default for AttachmentLimits {
    /// 10 MiB a file, 50 MiB a dossier.
    fn default() -> Self {
        Self {
            max_file_bytes: 10 * MIB,
            max_dossier_bytes: 50 * MIB,
        }
    }
}

/// The media types accepted, with the extensions that may name them.
pub const ACCEPTED: [(&str, &[&str]); 3] = [
    ("application/pdf", &["pdf"]),
    ("image/jpeg", &["jpg", "jpeg"]),
    ("image/png", &["png"]),
];

/// Why an attachment was refused.
#[derive(Debug, Error)]
pub enum AttachmentError {
    /// The file is larger than the per-file limit (413).
    #[error("tệp lớn hơn {limit} byte / the file is larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The dossier's files would exceed the per-dossier limit (413).
    #[error(
        "tổng dung lượng tệp của hồ sơ vượt {limit} byte / the dossier's files would exceed {limit} bytes"
    )]
    DossierFull {
        /// The limit in bytes.
        limit: u64,
    },
    /// Not a PDF, JPEG or PNG, or its declared type or name lies (415).
    #[error("{0}")]
    BadType(String),
    /// The dossier's procedure has no such component (422).
    #[error("hồ sơ không có thành phần {0} / the dossier has no component {0}")]
    UnknownComponent(String),
    /// An empty file (400).
    #[error("tệp rỗng / the file is empty")]
    Empty,
    /// No such attachment (404).
    #[error("không có tệp đính kèm này / no such attachment")]
    NotFound,
    /// The staging area's quota (of the client, or in all) is spent (429).
    #[error(
        "đã giữ quá nhiều tệp chờ nộp, vui lòng thử lại sau / too many files waiting to be filed, retry later"
    )]
    StagingFull,
    /// Not the caller's fault (503).
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<StoreError> for AttachmentError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict(msg) => Self::Unexpected(anyhow::anyhow!(msg)),
            StoreError::Other(err) => Self::Unexpected(err),
        }
    }
}

/// A file whose bytes are stored and checked, waiting for its metadata row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StagedAttachment {
    /// Identifier of the future row.
    pub id: String,
    /// Component code.
    pub component: String,
    /// Key in the object store.
    pub object_key: String,
    /// SHA-256, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// Sniffed media type.
    pub content_type: String,
    /// Sanitised display name.
    pub display_name: String,
}

impl StagedAttachment {
    /// The metadata row of this file in a dossier.
    pub fn into_row(
        self,
        dossier_code: &str,
        uploaded_by: &str,
        at: DateTime<Utc>,
    ) -> AttachmentRow {
        AttachmentRow {
            id: self.id,
            dossier_code: dossier_code.to_owned(),
            component: self.component,
            object_key: self.object_key,
            sha256: self.sha256,
            size_bytes: self.size_bytes,
            content_type: self.content_type,
            display_name: self.display_name,
            uploaded_by: uploaded_by.to_owned(),
            uploaded_at: at,
        }
    }
}

/// The media type of `bytes` if it is one of [`ACCEPTED`].
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let kind = infer::get(bytes)?;
    ACCEPTED
        .iter()
        .map(|(mime, _)| *mime)
        .find(|m| *m == kind.mime_type())
}

/// Checks the bytes against what the client claims: a declared media type
/// (other than the generic `application/octet-stream`) and the file
/// name's extension must agree with the sniffed type.
pub fn check_type(
    bytes: &[u8],
    declared: Option<&str>,
    file_name: &str,
) -> Result<&'static str, AttachmentError> {
    let Some(sniffed) = sniff(bytes) else {
        return Err(AttachmentError::BadType(
            "Chỉ nhận tệp PDF, JPEG hoặc PNG / only PDF, JPEG or PNG files are accepted".into(),
        ));
    };
    let declared = declared
        .map(|d| {
            d.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|d| !d.is_empty() && d != "application/octet-stream");
    let lies = |what: &str| {
        AttachmentError::BadType(format!(
            "Nội dung tệp là {sniffed}, không khớp với {what} / the file's content is {sniffed}, \
             which does not match its {what}"
        ))
    };
    if let Some(d) = declared {
        let same = d == sniffed || (d == "image/jpg" && sniffed == "image/jpeg");
        if !same {
            return Err(lies("kiểu khai báo (declared type)"));
        }
    }
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase());
    if let Some(ext) = extension {
        let allowed = ACCEPTED
            .iter()
            .find(|(m, _)| *m == sniffed)
            .map(|(_, exts)| *exts)
            .unwrap_or_default();
        if !allowed.contains(&ext.as_str()) {
            return Err(lies("phần mở rộng tên tệp (file extension)"));
        }
    }
    Ok(sniffed)
}

/// The client's file name made safe to show: no directories, no control
/// characters, at most 120 characters; never used as a path.
pub fn display_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '<' | '>' | '"' | '\u{202e}'))
        .collect();
    let trimmed = clean.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() {
        return "tep-dinh-kem".to_owned();
    }
    let chars: Vec<char> = trimmed.chars().collect();
    if chars.len() <= 120 {
        return trimmed.to_owned();
    }
    // Keep the extension when cutting a long name.
    let ext: String = trimmed
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| e.len() <= 5)
        .map(|e| format!(".{e}"))
        .unwrap_or_default();
    let keep = 120 - ext.chars().count();
    chars[..keep].iter().collect::<String>() + &ext
}

/// The object key of a file with this SHA-256 (content-addressed).
pub fn object_key(sha256: &str) -> String {
    format!("sha256/{}/{sha256}", sha256.get(..2).unwrap_or("00"))
}

/// What a caller sends: one file for one component.
#[derive(Debug, Clone)]
pub struct Upload {
    /// Component code (`TP1`...).
    pub component: String,
    /// The client's file name (display only).
    pub file_name: String,
    /// The declared media type, if any.
    pub declared_type: Option<String>,
    /// The bytes.
    pub bytes: Bytes,
}

/// Limits of the staging area, where files of an online filing wait
/// (server side) until the form is valid and submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StagingLimits {
    /// Bytes one client may keep staged at once.
    pub per_client_bytes: u64,
    /// Bytes all clients together may keep staged.
    pub total_bytes: u64,
    /// How long a staged file is kept.
    pub ttl: std::time::Duration,
}

impl Default for StagingLimits {
    /// 100 MiB a client, 2 GiB in all, 24 hours.
    fn default() -> Self {
        Self {
            per_client_bytes: 100 * MIB,
            total_bytes: 2048 * MIB,
            ttl: std::time::Duration::from_secs(24 * 3600),
        }
    }
}

/// A held file: its id, size and since when.
type HeldFile = (String, u64, Instant);

/// The staging area: a directory, and what each client holds there.
#[derive(Debug)]
struct Staging {
    dir: PathBuf,
    limits: StagingLimits,
    /// Client → (held file id, size, since).
    held: Mutex<HashMap<String, Vec<HeldFile>>>,
}

impl Staging {
    fn held_path(&self, id: &str) -> Option<PathBuf> {
        // Ids are ours (UUIDs), but they come back in a form: never a path.
        let ok = !id.is_empty()
            && id.len() <= 64
            && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
        ok.then(|| self.dir.join("held").join(id))
    }

    /// Reserves `size` bytes for `client`, or says the quota is spent.
    fn reserve(&self, client: &str, id: &str, size: u64, now: Instant) -> bool {
        let mut held = self
            .held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let ttl = self.limits.ttl;
        held.retain(|_, files| {
            files.retain(|(_, _, at)| now.duration_since(*at) < ttl);
            !files.is_empty()
        });
        let total: u64 = held.values().flatten().map(|(_, s, _)| *s).sum();
        let mine: u64 = held
            .get(client)
            .into_iter()
            .flatten()
            .map(|(_, s, _)| *s)
            .sum();
        if mine + size > self.limits.per_client_bytes || total + size > self.limits.total_bytes {
            return false;
        }
        held.entry(client.to_owned())
            .or_default()
            .push((id.to_owned(), size, now));
        true
    }

    fn forget(&self, ids: &[&str]) {
        let mut held = self
            .held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for files in held.values_mut() {
            files.retain(|(id, _, _)| !ids.contains(&id.as_str()));
        }
    }
}

/// What one sweep of the staging area and the object store removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Staged files (held or half-written) past their time.
    pub staged_removed: u64,
    /// Stored files no attachment row references.
    pub blobs_removed: u64,
}

/// The attachment use cases.
#[derive(Clone)]
pub struct AttachmentService {
    store: Arc<dyn AttachmentStore>,
    blobs: Arc<dyn ObjectStore>,
    limits: AttachmentLimits,
    staging: Arc<Staging>,
    clock: Clock,
}

impl AttachmentService {
    /// The service over a metadata store, an object store, limits and a
    /// clock.
    pub fn new(
        store: Arc<dyn AttachmentStore>,
        blobs: Arc<dyn ObjectStore>,
        limits: AttachmentLimits,
        clock: Clock,
    ) -> Self {
        Self::with_staging(
            store,
            blobs,
            limits,
            std::env::temp_dir().join(format!("motcua-staging-{}", std::process::id())),
            clock,
        )
    }

    /// The service with its staging area in `staging_dir`.
    pub fn with_staging(
        store: Arc<dyn AttachmentStore>,
        blobs: Arc<dyn ObjectStore>,
        limits: AttachmentLimits,
        staging_dir: PathBuf,
        clock: Clock,
    ) -> Self {
        Self {
            store,
            blobs,
            limits,
            staging: Arc::new(Staging {
                dir: staging_dir,
                limits: StagingLimits::default(),
                held: Mutex::default(),
            }),
            clock,
        }
    }

    /// The same service with other staging limits.
    pub fn with_staging_limits(mut self, limits: StagingLimits) -> Self {
        self.staging = Arc::new(Staging {
            dir: self.staging.dir.clone(),
            limits,
            held: Mutex::default(),
        });
        self
    }

    /// Where uploads are streamed while a request is read, and where files
    /// of an online filing wait (`held/`) until it is submitted.
    pub fn staging_dir(&self) -> &Path {
        &self.staging.dir
    }

    /// Files on the local filesystem under `dir` (created if missing).
    pub fn local(
        store: Arc<dyn AttachmentStore>,
        dir: &std::path::Path,
        limits: AttachmentLimits,
        clock: Clock,
    ) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("creating {}: {e}", dir.display()))?;
        let fs = object_store::local::LocalFileSystem::new_with_prefix(dir)?;
        Ok(Self::with_staging(
            store,
            Arc::new(fs),
            limits,
            dir.join("staging"),
            clock,
        ))
    }

    /// Files kept in memory (for tests and throwaway instances).
    pub fn in_memory(store: Arc<dyn AttachmentStore>, clock: Clock) -> Self {
        Self::new(
            store,
            Arc::new(object_store::memory::InMemory::new()),
            AttachmentLimits::default(),
            clock,
        )
    }

    /// The limits in force.
    pub fn limits(&self) -> AttachmentLimits {
        self.limits
    }

    /// Checks a file (size, type) and stores its bytes under its hash. The
    /// component is not checked here (see [`Self::check_component`]).
    pub async fn stage(&self, upload: &Upload) -> Result<StagedAttachment, AttachmentError> {
        let size = upload.bytes.len() as u64;
        if size == 0 {
            return Err(AttachmentError::Empty);
        }
        if size > self.limits.max_file_bytes {
            return Err(AttachmentError::TooLarge {
                limit: self.limits.max_file_bytes,
            });
        }
        let content_type = check_type(
            &upload.bytes,
            upload.declared_type.as_deref(),
            &upload.file_name,
        )?;
        let sha256 = sha256_hex(&upload.bytes);
        let key = object_key(&sha256);
        let path = ObjectPath::from(key.as_str());
        if self.blobs.head(&path).await.is_err() {
            self.blobs
                .put(&path, PutPayload::from(upload.bytes.clone()))
                .await
                .map_err(|e| anyhow::anyhow!("storing an attachment: {e}"))?;
        }
        Ok(StagedAttachment {
            id: uuid::Uuid::new_v4().to_string(),
            component: upload.component.clone(),
            object_key: key,
            sha256,
            size_bytes: size,
            content_type: content_type.to_owned(),
            display_name: display_name(&upload.file_name),
        })
    }

    /// Refuses a component code the dossier does not have.
    pub fn check_component(dossier: &Dossier, component: &str) -> Result<(), AttachmentError> {
        if dossier.components.iter().any(|c| c.code == component) {
            Ok(())
        } else {
            Err(AttachmentError::UnknownComponent(
                component.chars().take(40).collect(),
            ))
        }
    }

    /// Attaches a file to an existing dossier (the caller has checked who
    /// may): checks, stores the bytes, then writes the row unless the
    /// dossier's total would exceed its limit.
    pub async fn add(
        &self,
        dossier: &Dossier,
        upload: &Upload,
        uploaded_by: &str,
    ) -> Result<AttachmentRow, AttachmentError> {
        Self::check_component(dossier, &upload.component)?;
        self.store_checked(dossier, upload, uploaded_by).await
    }

    /// Attaches the result document (giấy tờ kết quả) of a dossier: a file
    /// of component [`crate::dossiers::sector::RESULT_COMPONENT`], which no
    /// procedure lists among its components (the caller has checked that
    /// an officer may, and when).
    pub async fn add_result(
        &self,
        dossier: &Dossier,
        upload: &Upload,
        uploaded_by: &str,
    ) -> Result<AttachmentRow, AttachmentError> {
        let upload = Upload {
            component: crate::dossiers::sector::RESULT_COMPONENT.to_owned(),
            ..upload.clone()
        };
        self.store_checked(dossier, &upload, uploaded_by).await
    }

    /// Stores a file whose component was checked, within the dossier's quota.
    async fn store_checked(
        &self,
        dossier: &Dossier,
        upload: &Upload,
        uploaded_by: &str,
    ) -> Result<AttachmentRow, AttachmentError> {
        // The dossier's quota before any byte is stored (review F6); the
        // insert checks it again atomically.
        let used: u64 = self
            .store
            .list_attachments(dossier.code.as_str())
            .await?
            .iter()
            .map(|a| a.size_bytes)
            .sum();
        if used + upload.bytes.len() as u64 > self.limits.max_dossier_bytes {
            return Err(AttachmentError::DossierFull {
                limit: self.limits.max_dossier_bytes,
            });
        }
        let staged = self.stage(upload).await?;
        let row = staged.into_row(dossier.code.as_str(), uploaded_by, self.clock.now_millis());
        if !self
            .store
            .insert_attachment(&row, self.limits.max_dossier_bytes)
            .await?
        {
            return Err(AttachmentError::DossierFull {
                limit: self.limits.max_dossier_bytes,
            });
        }
        Ok(row)
    }

    /// Checks a file streamed to the staging area (size, type by its first
    /// bytes) and holds it there for `client` (within the client's and the
    /// area's quota) until [`Self::commit_held`]; nothing is stored for
    /// good before the filing is valid (review F6). `path` is moved.
    #[allow(clippy::too_many_arguments)]
    pub async fn hold(
        &self,
        client: &str,
        component: &str,
        path: &Path,
        file_name: &str,
        declared_type: Option<&str>,
        size: u64,
        sha256: &str,
    ) -> Result<StagedAttachment, AttachmentError> {
        let discard = || {
            let _ = std::fs::remove_file(path);
        };
        if size == 0 {
            discard();
            return Err(AttachmentError::Empty);
        }
        if size > self.limits.max_file_bytes {
            discard();
            return Err(AttachmentError::TooLarge {
                limit: self.limits.max_file_bytes,
            });
        }
        let head = read_head(path).await?;
        let content_type = match check_type(&head, declared_type, file_name) {
            Ok(t) => t,
            Err(e) => {
                discard();
                return Err(e);
            }
        };
        let id = uuid::Uuid::new_v4().to_string();
        let target = self
            .staging
            .held_path(&id)
            .ok_or_else(|| anyhow::anyhow!("bad staging id"))?;
        if !self.staging.reserve(client, &id, size, Instant::now()) {
            discard();
            return Err(AttachmentError::StagingFull);
        }
        let moved = async {
            tokio::fs::create_dir_all(target.parent().unwrap_or(&self.staging.dir)).await?;
            tokio::fs::rename(path, &target).await
        }
        .await;
        if let Err(e) = moved {
            self.staging.forget(&[&id]);
            discard();
            return Err(AttachmentError::Unexpected(anyhow::anyhow!(
                "holding a staged file: {e}"
            )));
        }
        Ok(StagedAttachment {
            id,
            component: component.to_owned(),
            object_key: object_key(sha256),
            sha256: sha256.to_owned(),
            size_bytes: size,
            content_type: content_type.to_owned(),
            display_name: display_name(file_name),
        })
    }

    /// Whether a held file is still in the staging area (or already stored).
    pub async fn is_held(&self, staged: &StagedAttachment) -> bool {
        match self.staging.held_path(&staged.id) {
            Some(p) if tokio::fs::try_exists(&p).await.unwrap_or(false) => true,
            _ => self
                .blobs
                .head(&ObjectPath::from(staged.object_key.as_str()))
                .await
                .is_ok(),
        }
    }

    /// Stores held files for good (before the dossier that lists them is
    /// written): each is read back, checked against its hash and put under
    /// its content key. A file gone from the staging area (expired) is
    /// [`AttachmentError::NotFound`].
    pub async fn commit_held(&self, staged: &[StagedAttachment]) -> Result<(), AttachmentError> {
        for s in staged {
            let path = ObjectPath::from(s.object_key.as_str());
            if self.blobs.head(&path).await.is_ok() {
                continue;
            }
            let file = self
                .staging
                .held_path(&s.id)
                .ok_or(AttachmentError::NotFound)?;
            let bytes = tokio::fs::read(&file)
                .await
                .map_err(|_| AttachmentError::NotFound)?;
            if sha256_hex(&bytes) != s.sha256 || object_key(&s.sha256) != s.object_key {
                return Err(AttachmentError::NotFound);
            }
            self.blobs
                .put(&path, PutPayload::from(Bytes::from(bytes)))
                .await
                .map_err(|e| anyhow::anyhow!("storing an attachment: {e}"))?;
        }
        Ok(())
    }

    /// Removes held files from the staging area (once their dossier is
    /// written, or abandoned).
    pub async fn release_held(&self, staged: &[StagedAttachment]) {
        for s in staged {
            if let Some(p) = self.staging.held_path(&s.id) {
                let _ = tokio::fs::remove_file(p).await;
            }
        }
        let ids: Vec<&str> = staged.iter().map(|s| s.id.as_str()).collect();
        self.staging.forget(&ids);
    }

    /// Deletes staged files older than the staging time (24 h by default)
    /// and stored files that no attachment row references and that are
    /// older than that too (a file is stored just before its row is
    /// written). Run every hour by `motcua serve`
    /// (`motcua_web::upload::spawn_sweeper`).
    pub async fn sweep(&self, now: std::time::SystemTime) -> Result<SweepReport, AttachmentError> {
        let ttl = self.staging.limits.ttl;
        let mut report = SweepReport::default();
        for dir in [self.staging.dir.clone(), self.staging.dir.join("held")] {
            let Ok(mut entries) = tokio::fs::read_dir(&dir).await else {
                continue;
            };
            while let Ok(Some(entry)) = entries.next_entry().await {
                let Ok(meta) = entry.metadata().await else {
                    continue;
                };
                let old = meta
                    .modified()
                    .ok()
                    .and_then(|m| now.duration_since(m).ok())
                    .is_some_and(|age| age >= ttl);
                if meta.is_file() && old && tokio::fs::remove_file(entry.path()).await.is_ok() {
                    report.staged_removed += 1;
                }
            }
        }
        let cutoff = DateTime::<Utc>::from(now)
            - chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::days(1));
        let top = self
            .blobs
            .list_with_delimiter(Some(&ObjectPath::from("sha256")))
            .await
            .map_err(|e| anyhow::anyhow!("listing stored files: {e}"))?;
        for prefix in top.common_prefixes {
            let listed = self
                .blobs
                .list_with_delimiter(Some(&prefix))
                .await
                .map_err(|e| anyhow::anyhow!("listing stored files: {e}"))?;
            for object in listed.objects {
                if object.last_modified > cutoff {
                    continue;
                }
                let key = object.location.to_string();
                if !self.store.attachment_object_in_use(&key).await?
                    && self.blobs.delete(&object.location).await.is_ok()
                {
                    report.blobs_removed += 1;
                }
            }
        }
        Ok(report)
    }

    /// The dossier's attachments, oldest first.
    pub async fn list(&self, dossier_code: &str) -> Result<Vec<AttachmentRow>, AttachmentError> {
        Ok(self.store.list_attachments(dossier_code).await?)
    }

    /// One attachment and its bytes (checked against the recorded hash).
    pub async fn open(
        &self,
        dossier_code: &str,
        id: &str,
    ) -> Result<(AttachmentRow, Bytes), AttachmentError> {
        let row = self
            .store
            .get_attachment(dossier_code, id)
            .await?
            .ok_or(AttachmentError::NotFound)?;
        let bytes = self
            .blobs
            .get(&ObjectPath::from(row.object_key.as_str()))
            .await
            .map_err(|e| anyhow::anyhow!("reading attachment {}: {e}", row.id))?
            .bytes()
            .await
            .map_err(|e| anyhow::anyhow!("reading attachment {}: {e}", row.id))?;
        if sha256_hex(&bytes) != row.sha256 {
            return Err(AttachmentError::Unexpected(anyhow::anyhow!(
                "attachment {} does not match its recorded SHA-256",
                row.id
            )));
        }
        Ok((row, bytes))
    }
}

/// The first bytes of a file (enough to sniff its type).
async fn read_head(path: &Path) -> Result<Vec<u8>, AttachmentError> {
    use tokio::io::AsyncReadExt;
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|e| anyhow::anyhow!("opening a staged file: {e}"))?;
    let mut head = vec![0u8; 8192];
    let mut filled = 0;
    while filled < head.len() {
        let n = file
            .read(&mut head[filled..])
            .await
            .map_err(|e| anyhow::anyhow!("reading a staged file: {e}"))?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    head.truncate(filled);
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";
    const JPEG: &[u8] = b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0";

    #[test]
    fn only_pdf_jpeg_and_png_pass_and_lies_are_refused() {
        assert_eq!(
            check_type(PDF, Some("application/pdf"), "a.pdf").unwrap(),
            "application/pdf"
        );
        assert_eq!(check_type(PNG, None, "scan.PNG").unwrap(), "image/png");
        assert_eq!(
            check_type(JPEG, Some("image/jpg"), "x.jpeg").unwrap(),
            "image/jpeg"
        );
        assert_eq!(
            check_type(PDF, Some("application/octet-stream"), "noext").unwrap(),
            "application/pdf"
        );
        // A text file, an executable, a GIF.
        for bad in [
            &b"hello world"[..],
            b"MZ\x90\0\x03\0\0\0",
            b"GIF89a\x01\0\x01\0",
        ] {
            assert!(matches!(
                check_type(bad, None, "a.pdf"),
                Err(AttachmentError::BadType(_))
            ));
        }
        // A PNG that says it is a PDF, by type or by name.
        assert!(matches!(
            check_type(PNG, Some("application/pdf"), "a.png"),
            Err(AttachmentError::BadType(_))
        ));
        assert!(matches!(
            check_type(PNG, None, "a.pdf"),
            Err(AttachmentError::BadType(_))
        ));
    }

    #[test]
    fn names_are_for_display_only() {
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(
            display_name("C:\\Users\\a\\Giấy khai sinh.pdf"),
            "Giấy khai sinh.pdf"
        );
        assert_eq!(display_name("..."), "tep-dinh-kem");
        assert_eq!(display_name("a\u{0}b<script>.png"), "abscript.png");
        let long = format!("{}.pdf", "x".repeat(300));
        let shown = display_name(&long);
        assert_eq!(shown.chars().count(), 120);
        assert!(shown.ends_with(".pdf"));
        let key = object_key(&sha256_hex(b"a"));
        assert!(key.starts_with("sha256/ca/ca978112"), "{key}");
    }
}
