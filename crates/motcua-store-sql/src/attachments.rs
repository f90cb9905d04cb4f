//! Attachment metadata.

/// Stamps `impl AttachmentStore for crate::Engine`: attachment metadata.
#[macro_export]
macro_rules! attachment_store {
    () => {
        use async_trait::async_trait;
        use motcua_app::StoreError;
        use motcua_app::ports::attachments::{AttachmentRow, AttachmentStore};
        use sqlx::Row;

        use crate::{Engine, EngineConnection, EngineRow, other};

        const COLUMNS: &str = "id, dossier_code, component, object_key, sha256, size_bytes, \
                               content_type, display_name, uploaded_by, uploaded_at";

        fn row_of(r: &EngineRow) -> Result<AttachmentRow, StoreError> {
            let get = |e| other(e, "reading an attachment row");
            Ok(AttachmentRow {
                id: r.try_get("id").map_err(get)?,
                dossier_code: r.try_get("dossier_code").map_err(get)?,
                component: r.try_get("component").map_err(get)?,
                object_key: r.try_get("object_key").map_err(get)?,
                sha256: r.try_get("sha256").map_err(get)?,
                size_bytes: u64::try_from(r.try_get::<i64, _>("size_bytes").map_err(get)?)
                    .map_err(|e| other(e, "attachment size"))?,
                content_type: r.try_get("content_type").map_err(get)?,
                display_name: r.try_get("display_name").map_err(get)?,
                uploaded_by: r.try_get("uploaded_by").map_err(get)?,
                uploaded_at: r.try_get("uploaded_at").map_err(get)?,
            })
        }

        fn size(row: &AttachmentRow) -> i64 {
            i64::try_from(row.size_bytes).unwrap_or(i64::MAX)
        }

        /// Inserts attachment rows inside a dossier's transaction.
        pub(crate) async fn insert_rows(
            conn: &mut EngineConnection,
            rows: &[AttachmentRow],
        ) -> Result<(), StoreError> {
            for a in rows {
                sqlx::query(&format!(
                    "INSERT INTO dossier_attachments ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                ))
                .bind(&a.id)
                .bind(&a.dossier_code)
                .bind(&a.component)
                .bind(&a.object_key)
                .bind(&a.sha256)
                .bind(size(a))
                .bind(&a.content_type)
                .bind(&a.display_name)
                .bind(&a.uploaded_by)
                .bind(a.uploaded_at)
                .execute(&mut *conn)
                .await
                .map_err(|e| other(e, "inserting an attachment"))?;
            }
            Ok(())
        }

        #[async_trait]
        impl AttachmentStore for Engine {
            async fn insert_attachment(
                &self,
                a: &AttachmentRow,
                max_total_bytes: u64,
            ) -> Result<bool, StoreError> {
                let mut tx = self.begin_write().await?;
                let exists: Option<i64> = sqlx::query_scalar(&format!(
                    "SELECT CAST(1 AS BIGINT) FROM dossiers WHERE code = $1{}",
                    crate::dialect::FOR_UPDATE
                ))
                .bind(&a.dossier_code)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| other(e, "finding the dossier"))?;
                if exists.is_none() {
                    return Err(StoreError::NotFound);
                }
                let used: i64 = sqlx::query_scalar(
                    "SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM dossier_attachments WHERE dossier_code = $1",
                )
                .bind(&a.dossier_code)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| other(e, "summing attachment sizes"))?;
                let limit = i64::try_from(max_total_bytes).unwrap_or(i64::MAX);
                if used.saturating_add(size(a)) > limit {
                    return Ok(false);
                }
                insert_rows(&mut tx, std::slice::from_ref(a)).await?;
                tx.commit()
                    .await
                    .map_err(|e| other(e, "commit attachment"))?;
                Ok(true)
            }

            async fn list_attachments(
                &self,
                dossier_code: &str,
            ) -> Result<Vec<AttachmentRow>, StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM dossier_attachments WHERE dossier_code = $1 \
                     ORDER BY uploaded_at, id"
                ))
                .bind(dossier_code)
                .fetch_all(self.pool())
                .await
                .map_err(|e| other(e, "listing attachments"))?;
                rows.iter().map(row_of).collect()
            }

            async fn attachment_object_in_use(&self, object_key: &str) -> Result<bool, StoreError> {
                let found: Option<i64> = sqlx::query_scalar(
                    "SELECT CAST(1 AS BIGINT) FROM dossier_attachments WHERE object_key = $1 LIMIT 1",
                )
                .bind(object_key)
                .fetch_optional(self.pool())
                .await
                .map_err(|e| other(e, "finding an attachment's stored file"))?;
                Ok(found.is_some())
            }

            async fn get_attachment(
                &self,
                dossier_code: &str,
                id: &str,
            ) -> Result<Option<AttachmentRow>, StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM dossier_attachments WHERE dossier_code = $1 AND id = $2"
                ))
                .bind(dossier_code)
                .bind(id)
                .fetch_optional(self.pool())
                .await
                .map_err(|e| other(e, "reading an attachment"))?;
                row.as_ref().map(row_of).transpose()
            }
        }
    };
}
