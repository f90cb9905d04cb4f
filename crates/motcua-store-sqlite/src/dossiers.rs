//! Dossiers on SQLite.
//!
//! SQLite has one writer at a time, so every write transaction starts with
//! `BEGIN IMMEDIATE`: it takes the write lock at once and never fails half
//! way on a stale snapshot. Creations go through the batching writer of
//! [`crate::dossier_writer`].
//!
//! The reads (a dossier, its events and outbox, an idempotent answer, the
//! day's last number) are the shared SQL of `motcua-store-sql`; creating and
//! appending are this engine's own (`own`).

motcua_store_sql::dossier_store!();

pub(crate) use own::{SCOPE, TREE, projection_values};

/// Creating and appending, and the permission scope the work lists use,
/// this engine's own way.
mod own {
    use motcua_app::StoreError;
    use motcua_app::ports::dossiers::{Committed, DossierProjection, DossierWrite, NewDossier};
    use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
    use tokio::sync::oneshot;

    use super::{PROJECTION_COLUMNS, find_answer_in, written};
    use crate::dossier_writer::{BuiltAhead, Job};
    use crate::{SqliteStore, other};

    /// The permission scope: an agency and every agency below it.
    pub(crate) const SCOPE: &str = "WITH RECURSIVE scope(id) AS (SELECT ";
    /// The recursive step of [`SCOPE`], after its bound agency.
    pub(crate) const TREE: &str =
        " UNION SELECT a.id FROM agencies a JOIN scope s ON a.parent_id = s.id) ";

    fn to_i64(v: u64) -> i64 {
        i64::try_from(v).unwrap_or(i64::MAX)
    }

    pub(crate) fn projection_values<'a>(
        qb: &mut QueryBuilder<'a, Sqlite>,
        p: &'a DossierProjection,
    ) {
        let mut s = qb.separated(", ");
        s.push_bind(&p.code)
            .push_bind(&p.procedure_code)
            .push_bind(i64::from(p.procedure_version))
            .push_bind(&p.status)
            .push_bind(&p.sub_status)
            .push_bind(i64::from(p.portal_status))
            .push_bind(p.clock_running)
            .push_bind(&p.receiving_unit)
            .push_bind(&p.deciding_agency)
            .push_bind(&p.current_agency)
            .push_bind(&p.assignee)
            .push_bind(i64::from(p.channel))
            .push_bind(i64::from(p.applicant_kind))
            .push_bind(&p.applicant_id_masked)
            .push_bind(&p.applicant_name)
            .push_bind(&p.phone_last4)
            .push_bind(p.submitted_at)
            .push_bind(p.received_at)
            .push_bind(p.due_at)
            .push_bind(p.due_key())
            .push_bind(p.counts_late)
            .push_bind(to_i64(p.version))
            .push_bind(&p.state_json)
            .push_bind(p.updated_at);
    }

    /// Inserts the events, outbox rows and answer of a write.
    pub(crate) async fn insert_history(
        conn: &mut SqliteConnection,
        w: &DossierWrite,
    ) -> Result<(), StoreError> {
        crate::index_facts::write_index_fact(&mut *conn, &w.projection).await?;
        let code = &w.projection.code;
        for e in &w.events {
            sqlx::query(
                "INSERT INTO dossier_events (code, version, event_type, event, actor, at, idempotency_key) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(code)
            .bind(to_i64(e.version))
            .bind(&e.event_type)
            .bind(&e.event_json)
            .bind(&e.actor)
            .bind(e.at)
            .bind(&e.idempotency_key)
            .execute(&mut *conn)
            .await
            .map_err(|e| other(e, "inserting a dossier event"))?;
        }
        for o in &w.outbox {
            sqlx::query(
                "INSERT INTO outbox (dossier_code, event_version, message_type, payload, created_at, available_at) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(code)
            .bind(to_i64(o.event_version))
            .bind(&o.message_type)
            .bind(&o.payload_json)
            .bind(o.created_at)
            .bind(o.created_at)
            .execute(&mut *conn)
            .await
            .map_err(|e| other(e, "inserting an outbox row"))?;
        }
        sqlx::query(
            "INSERT INTO idempotency (actor, key, dossier_code, fingerprint, answer, created_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&w.answer.actor)
        .bind(&w.answer.key)
        .bind(code)
        .bind(&w.answer.fingerprint)
        .bind(&w.answer.answer_json)
        .bind(w.projection.updated_at)
        .execute(&mut *conn)
        .await
        .map_err(|e| other(e, "storing the idempotent answer"))?;
        crate::attachments::insert_rows(conn, &w.attachments).await
    }

    impl SqliteStore {
        /// `DossierStore::create_dossier` on this engine.
        pub(crate) async fn engine_create_dossier(
            &self,
            new: NewDossier,
        ) -> Result<Committed, StoreError> {
            // Built here, in the request's own task and in parallel with other
            // requests, with the number the writer will most likely give; the
            // writer only checks it (and builds again when it is not).
            // A proposal is only a hint: if reading the committed number fails,
            // the writer builds the rows itself, as it does on a wrong number.
            let ahead = match self
                .proposals
                .propose(&self.pool, &new.agency, new.day)
                .await
            {
                Ok(proposal) => (new.build)(proposal.sequence)
                    .ok()
                    .map(|write| BuiltAhead { proposal, write }),
                Err(err) => {
                    tracing::warn!(error = %err, "no proposed day number; the writer builds the dossier");
                    None
                }
            };
            let (reply, answer) = oneshot::channel();
            self.writer
                .send(Job { new, ahead, reply })
                .await
                .map_err(|_| StoreError::Other(anyhow::anyhow!("the dossier writer stopped")))?;
            answer
                .await
                .map_err(|_| StoreError::Other(anyhow::anyhow!("the dossier writer stopped")))?
        }

        /// `DossierStore::append_to_dossier` on this engine.
        pub(crate) async fn engine_append_to_dossier(
            &self,
            code: &str,
            expected_version: u64,
            w: DossierWrite,
        ) -> Result<Committed, StoreError> {
            let mut tx = crate::write_lock::begin_immediate(&self.pool, "begin").await?;
            if let Some(answer) = find_answer_in(&mut tx, &w.answer.actor, &w.answer.key).await? {
                return Ok(Committed::Replayed(answer));
            }
            let mut qb: QueryBuilder<Sqlite> =
                QueryBuilder::new(format!("UPDATE dossiers SET ({PROJECTION_COLUMNS}) = ("));
            projection_values(&mut qb, &w.projection);
            qb.push(") WHERE code = ")
                .push_bind(code)
                .push(" AND version = ")
                .push_bind(to_i64(expected_version));
            let updated = qb
                .build()
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "updating a dossier"))?
                .rows_affected();
            if updated == 0 {
                let exists: Option<i64> =
                    sqlx::query_scalar("SELECT version FROM dossiers WHERE code = ?")
                        .bind(code)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(|e| other(e, "reading a dossier version"))?;
                return Err(match exists {
                    Some(v) => StoreError::Conflict(format!(
                        "hồ sơ {code} đã thay đổi (phiên bản {v}, không phải {expected_version}) / \
                         dossier {code} changed (version {v}, not {expected_version})"
                    )),
                    None => StoreError::NotFound,
                });
            }
            insert_history(&mut tx, &w).await?;
            tx.commit().await.map_err(|e| other(e, "commit dossier"))?;
            Ok(written(&w))
        }
    }
}
