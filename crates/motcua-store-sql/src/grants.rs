//! Grants; each change and its audit entry share one transaction.

/// Stamps `impl GrantStore for crate::Engine`: grants; each change and its audit entry share one transaction.
#[macro_export]
macro_rules! grant_store {
    () => {
        use async_trait::async_trait;
        use chrono::{DateTime, Utc};
        use motcua_app::StoreError;
        use motcua_app::ports::GrantStore;
        use motcua_domain::audit::{AuditEntry, ChainHead};
        use motcua_domain::grant::Grant;
        use sqlx::Row;

        use crate::audit::append_in;
        use crate::{Engine, EngineRow, other};

        const GRANT_COLUMNS: &str = "id, officer_id, unit_code, purpose, valid_from, valid_until, granted_by, created_at, revoked_at";

        fn grant_row(row: &EngineRow) -> Result<Grant, StoreError> {
            let s = |c: &'static str| row.try_get::<String, _>(c).map_err(|e| other(e, c));
            let t = |c: &'static str| row.try_get::<DateTime<Utc>, _>(c).map_err(|e| other(e, c));
            Ok(Grant {
                id: s("id")?,
                officer_id: s("officer_id")?,
                unit_code: s("unit_code")?,
                purpose: s("purpose")?,
                valid_from: t("valid_from")?,
                valid_until: t("valid_until")?,
                granted_by: s("granted_by")?,
                created_at: t("created_at")?,
                revoked_at: row
                    .try_get("revoked_at")
                    .map_err(|e| other(e, "revoked_at"))?,
            })
        }

        #[async_trait]
        impl GrantStore for Engine {
            async fn create_grant(
                &self,
                g: &Grant,
                audit: &AuditEntry,
            ) -> Result<ChainHead, StoreError> {
                let mut tx = self.begin_write().await?;
                let inserted = sqlx::query(&format!(
                    "INSERT INTO access_grants ({GRANT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (id) DO NOTHING"
                ))
                .bind(&g.id)
                .bind(&g.officer_id)
                .bind(&g.unit_code)
                .bind(&g.purpose)
                .bind(g.valid_from)
                .bind(g.valid_until)
                .bind(&g.granted_by)
                .bind(g.created_at)
                .bind(g.revoked_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "inserting a grant"))?
                .rows_affected();
                if inserted == 0 {
                    return Err(StoreError::Conflict(format!("grant {} exists", g.id)));
                }
                let head = append_in(&mut tx, audit).await?;
                tx.commit().await.map_err(|e| other(e, "commit grant"))?;
                Ok(head)
            }

            async fn revoke_grant(
                &self,
                id: &str,
                at: DateTime<Utc>,
                audit: &AuditEntry,
            ) -> Result<ChainHead, StoreError> {
                let mut tx = self.begin_write().await?;
                let revoked: Option<Option<DateTime<Utc>>> = sqlx::query_scalar(&format!(
                    "SELECT revoked_at FROM access_grants WHERE id = $1{}",
                    crate::dialect::FOR_UPDATE
                ))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| other(e, "reading a grant"))?;
                match revoked {
                    None => return Err(StoreError::NotFound),
                    Some(Some(_)) => {
                        return Err(StoreError::Conflict(format!(
                            "Phân quyền {id} đã bị thu hồi / grant {id} is already revoked"
                        )));
                    }
                    Some(None) => {}
                }
                sqlx::query("UPDATE access_grants SET revoked_at = $1 WHERE id = $2")
                    .bind(at)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| other(e, "revoking a grant"))?;
                let head = append_in(&mut tx, audit).await?;
                tx.commit().await.map_err(|e| other(e, "commit revoke"))?;
                Ok(head)
            }

            async fn get_grant(&self, id: &str) -> Result<Option<Grant>, StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {GRANT_COLUMNS} FROM access_grants WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "reading a grant"))?;
                row.as_ref().map(grant_row).transpose()
            }

            async fn grants_of_officer(&self, officer_id: &str) -> Result<Vec<Grant>, StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {GRANT_COLUMNS} FROM access_grants WHERE officer_id = $1 \
                     ORDER BY created_at DESC, id DESC"
                ))
                .bind(officer_id)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "listing grants"))?;
                rows.iter().map(grant_row).collect()
            }
        }
    };
}
