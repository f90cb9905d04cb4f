//! Attachments (tệp đính kèm) of dossiers: the scanned or photographed
//! components an applicant uploads, or an officer digitises.
//!
//! The bytes go to an `object_store` (the local filesystem under the data
//! directory by default, S3-compatible storage past one machine) under a
//! key derived from their SHA-256, so the same file is stored once and a
//! client's file name is never a path. The metadata (component, size,
//! sniffed type, hash, sanitised display name, who and when) goes to the
//! database through [`AttachmentStore`](crate::ports::AttachmentStore).
//!
//! Only PDF, JPEG and PNG are accepted, judged by the bytes themselves
//! (magic numbers, with the `infer` crate); a file whose declared type or
//! extension says otherwise is refused. Size limits hold per file and per
//! dossier.

use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use motcua_domain::dossier::Dossier;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use thiserror::Error;

use crate::StoreError;
use crate::dossiers::write::sha256_hex;
use crate::ports::Store;
use crate::ports::attachments::AttachmentRow;

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

/// The attachment use cases.
#[derive(Clone)]
pub struct AttachmentService {
    store: Arc<dyn Store>,
    blobs: Arc<dyn ObjectStore>,
    limits: AttachmentLimits,
}

impl AttachmentService {
    /// The service over a metadata store, an object store and limits.
    pub fn new(
        store: Arc<dyn Store>,
        blobs: Arc<dyn ObjectStore>,
        limits: AttachmentLimits,
    ) -> Self {
        Self {
            store,
            blobs,
            limits,
        }
    }

    /// Files on the local filesystem under `dir` (created if missing).
    pub fn local(
        store: Arc<dyn Store>,
        dir: &std::path::Path,
        limits: AttachmentLimits,
    ) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("creating {}: {e}", dir.display()))?;
        let fs = object_store::local::LocalFileSystem::new_with_prefix(dir)?;
        Ok(Self::new(store, Arc::new(fs), limits))
    }

    /// Files kept in memory (for tests and throwaway instances).
    pub fn in_memory(store: Arc<dyn Store>) -> Self {
        Self::new(
            store,
            Arc::new(object_store::memory::InMemory::new()),
            AttachmentLimits::default(),
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
        let staged = self.stage(upload).await?;
        let row = staged.into_row(dossier.code.as_str(), uploaded_by, now_ms());
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

/// Now, to the millisecond (both engines store that exactly).
fn now_ms() -> DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(3)
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
