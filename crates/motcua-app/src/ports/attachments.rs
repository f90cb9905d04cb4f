//! The metadata of dossier attachments (tệp đính kèm). The bytes live in an
//! object store (see [`crate::attachments`]); the database keeps who sent
//! what, for which component, its size, type and SHA-256.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::StoreError;

/// One `dossier_attachments` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRow {
    /// Identifier (UUID, text).
    pub id: String,
    /// Mã hồ sơ.
    pub dossier_code: String,
    /// Component code in the procedure (`TP1`...).
    pub component: String,
    /// Key of the bytes in the object store, derived from the hash; never
    /// from the client's file name.
    pub object_key: String,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// The sniffed media type (`application/pdf`, `image/jpeg`, `image/png`).
    pub content_type: String,
    /// The client's file name, sanitised, for display only.
    pub display_name: String,
    /// Who sent it (`officer:<id>`, `citizen:<...>`).
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: DateTime<Utc>,
}

/// Attachment metadata.
#[async_trait]
pub trait AttachmentStore: Send + Sync {
    /// Inserts one row unless the dossier's attachments would then exceed
    /// `max_total_bytes` together; returns whether it was inserted. An
    /// unknown dossier is [`StoreError::NotFound`].
    async fn insert_attachment(
        &self,
        row: &AttachmentRow,
        max_total_bytes: u64,
    ) -> Result<bool, StoreError>;
    /// The dossier's attachments, oldest first.
    async fn list_attachments(&self, dossier_code: &str) -> Result<Vec<AttachmentRow>, StoreError>;
    /// Whether any attachment row references the stored file `object_key`
    /// (the sweeper deletes stored files no row uses).
    async fn attachment_object_in_use(&self, object_key: &str) -> Result<bool, StoreError>;
    /// One attachment of a dossier.
    async fn get_attachment(
        &self,
        dossier_code: &str,
        id: &str,
    ) -> Result<Option<AttachmentRow>, StoreError>;
}
