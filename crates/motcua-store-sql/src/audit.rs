//! The audit log: a hash chain whose appends are serialised (see each engine's `dialect::serialise`).

/// Stamps `impl AuditStore for crate::Engine`: the audit log: a hash chain whose appends are serialised (see each engine's `dialect::serialise`).
#[macro_export]
macro_rules! audit_store {
    () => {
        use async_trait::async_trait;
        use motcua_app::StoreError;
        use motcua_app::ports::AuditStore;
        use motcua_app::ports::audit::{AUDIT_COLUMNS, AuditRow, next_link};
        use motcua_domain::audit::{AuditColumns, AuditEntry, ChainHead, StoredEntry};
        use sqlx::Row;

        use crate::{Engine, EngineConnection, EngineRow, other};

        fn audit_row(row: &EngineRow) -> Result<StoredEntry, StoreError> {
            let s = |c: &'static str| row.try_get::<String, _>(c).map_err(|e| other(e, c));
            let o = |c: &'static str| row.try_get::<Option<String>, _>(c).map_err(|e| other(e, c));
            Ok(AuditRow {
                seq: row.try_get("seq").map_err(|e| other(e, "seq"))?,
                prev_hash: s("prev_hash")?,
                hash: s("hash")?,
                columns: AuditColumns {
                    occurred_at: row
                        .try_get("occurred_at")
                        .map_err(|e| other(e, "occurred_at"))?,
                    officer_id: s("officer_id")?,
                    action: s("action")?,
                    unit_code: o("unit_code")?,
                    agency_id: o("agency_id")?,
                    subject_key: o("subject_key")?,
                    subject_masked: o("subject_masked")?,
                    fields: s("fields")?,
                    dossier_code: o("dossier_code")?,
                    grant_id: o("grant_id")?,
                    purpose: o("purpose")?,
                    outcome: s("outcome")?,
                    reason: o("reason")?,
                },
            }
            .into())
        }

        async fn head_in(conn: &mut EngineConnection) -> Result<Option<ChainHead>, StoreError> {
            let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_optional(conn)
                .await
                .map_err(|e| other(e, "reading the audit head"))?;
            row.map(|r| {
                Ok(ChainHead {
                    seq: r.try_get("seq").map_err(|e| other(e, "seq"))?,
                    hash: r.try_get("hash").map_err(|e| other(e, "hash"))?,
                })
            })
            .transpose()
        }

        /// Appends inside the caller's transaction, taking the append lock first
        /// (SQLite: the caller opened it with `BEGIN IMMEDIATE`).
        pub(crate) async fn append_in(
            conn: &mut EngineConnection,
            entry: &AuditEntry,
        ) -> Result<ChainHead, StoreError> {
            crate::dialect::serialise(&mut *conn, $crate::AUDIT_LOCK).await?;
            let head = head_in(conn).await?;
            let c = entry.columns();
            let (seq, prev, hash) = next_link(head.as_ref(), &c);
            sqlx::query(&format!(
                "INSERT INTO audit_log (seq, prev_hash, hash, {AUDIT_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
            ))
            .bind(seq)
            .bind(&prev)
            .bind(&hash)
            .bind(c.occurred_at)
            .bind(&c.officer_id)
            .bind(&c.action)
            .bind(&c.unit_code)
            .bind(&c.agency_id)
            .bind(&c.subject_key)
            .bind(&c.subject_masked)
            .bind(&c.fields)
            .bind(&c.dossier_code)
            .bind(&c.grant_id)
            .bind(&c.purpose)
            .bind(&c.outcome)
            .bind(&c.reason)
            .execute(&mut *conn)
            .await
            .map_err(|e| other(e, "appending to the audit log"))?;
            sqlx::query(
                "INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2) \
                 ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            )
            .bind(seq)
            .bind(&hash)
            .execute(&mut *conn)
            .await
            .map_err(|e| other(e, "moving the audit head"))?;
            Ok(ChainHead { seq, hash })
        }

        #[async_trait]
        impl AuditStore for Engine {
            async fn append_audit(&self, entry: &AuditEntry) -> Result<ChainHead, StoreError> {
                let mut tx = self.begin_write().await?;
                let head = append_in(&mut tx, entry).await?;
                tx.commit().await.map_err(|e| other(e, "commit audit"))?;
                Ok(head)
            }

            async fn audit_head(&self) -> Result<Option<ChainHead>, StoreError> {
                let mut conn = self.pool.acquire().await.map_err(|e| other(e, "acquire"))?;
                head_in(&mut conn).await
            }

            async fn audit_page(
                &self,
                after_seq: i64,
                limit: u32,
            ) -> Result<Vec<StoredEntry>, StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT seq, prev_hash, hash, {AUDIT_COLUMNS} FROM audit_log \
                     WHERE seq > $1 ORDER BY seq LIMIT $2"
                ))
                .bind(after_seq)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading the audit log"))?;
                rows.iter().map(audit_row).collect()
            }

            async fn audit_seq_of_hash(&self, hash: &str) -> Result<Option<i64>, StoreError> {
                sqlx::query_scalar("SELECT seq FROM audit_log WHERE hash = $1 ORDER BY seq LIMIT 1")
                    .bind(hash)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(|e| other(e, "finding an audit hash"))
            }

            async fn audit_for_subject(
                &self,
                subject_key: &str,
                limit: u32,
            ) -> Result<Vec<StoredEntry>, StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT seq, prev_hash, hash, {AUDIT_COLUMNS} FROM audit_log \
                     WHERE subject_key = $1 ORDER BY seq DESC LIMIT $2"
                ))
                .bind(subject_key)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading a citizen's audit entries"))?;
                rows.iter().map(audit_row).collect()
            }
        }
    };
}
