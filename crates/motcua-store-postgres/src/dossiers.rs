//! Dossiers on PostgreSQL.
//!
//! Each command is one transaction. The day's sequence row is locked by
//! its upsert until commit, so concurrent receptions at one agency number
//! one after another and a rolled-back creation gives its number back:
//! codes stay gap-free. An append updates the projection only where the
//! version is the expected one; a concurrent winner makes it a conflict.
//!
//! The reads (a dossier, its events and outbox, an idempotent answer, the
//! day's last number) are the shared SQL of `motcua-store-sql`; creating and
//! appending are this engine's own (`own`).

motcua_store_sql::dossier_store!();

pub(crate) use own::scoped;

/// Creating and appending, and the permission scope the work lists use,
/// this engine's own way.
mod own {
    use motcua_app::StoreError;
    use motcua_app::ports::dossiers::{
        Committed, DossierProjection, DossierStore, DossierWrite, NewDossier,
    };
    use sqlx::{PgConnection, Postgres, QueryBuilder};

    use super::{PROJECTION_COLUMNS, find_answer_in, written};
    use crate::{PgStore, other};

    /// The permission scope: the officer's agency and any further scope roots
    /// (from role assignments), with every agency below them.
    pub(crate) fn scoped<'a>(agency: &'a str, also: &'a [String]) -> QueryBuilder<'a, Postgres> {
        let mut qb: QueryBuilder<Postgres> =
            QueryBuilder::new("WITH RECURSIVE scope(id) AS (SELECT CAST(");
        qb.push_bind(agency)
            .push(" AS text) COLLATE \"C\" UNION SELECT CAST(x AS text) COLLATE \"C\" FROM unnest(")
            .push_bind(also)
            .push(
                "::text[]) AS x UNION SELECT a.id FROM agencies a JOIN scope s ON a.parent_id = s.id) ",
            );
        qb
    }

    fn to_i64(v: u64) -> i64 {
        i64::try_from(v).unwrap_or(i64::MAX)
    }

    pub(crate) fn projection_values<'a>(
        qb: &mut QueryBuilder<'a, Postgres>,
        p: &'a DossierProjection,
    ) {
        qb.push_bind(&p.code)
            .push(", ")
            .push_bind(&p.procedure_code)
            .push(", ")
            .push_bind(i32::try_from(p.procedure_version).unwrap_or(i32::MAX))
            .push(", ")
            .push_bind(&p.status)
            .push(", ")
            .push_bind(&p.sub_status)
            .push(", ")
            .push_bind(i16::from(p.portal_status))
            .push(", ")
            .push_bind(p.clock_running)
            .push(", ")
            .push_bind(&p.receiving_unit)
            .push(", ")
            .push_bind(&p.deciding_agency)
            .push(", ")
            .push_bind(&p.current_agency)
            .push(", ")
            .push_bind(&p.assignee)
            .push(", ")
            .push_bind(i16::from(p.channel))
            .push(", ")
            .push_bind(i16::from(p.applicant_kind))
            .push(", ")
            .push_bind(&p.applicant_id_masked)
            .push(", ")
            .push_bind(&p.applicant_name)
            .push(", ")
            .push_bind(&p.phone_last4)
            .push(", ")
            .push_bind(p.submitted_at)
            .push(", ")
            .push_bind(p.received_at)
            .push(", ")
            .push_bind(p.due_at)
            .push(", ")
            .push_bind(p.due_key())
            .push(", ")
            .push_bind(p.counts_late)
            .push(", ")
            .push_bind(to_i64(p.version))
            .push(", CAST(")
            .push_bind(&p.state_json)
            .push(" AS jsonb), ")
            .push_bind(p.updated_at);
    }

    /// Inserts the events, outbox rows and answer of a write. Returns false
    /// when the answer's key was taken by a concurrent transaction (the caller
    /// rolls back and replays the stored answer).
    pub(crate) async fn insert_history(
        conn: &mut PgConnection,
        w: &DossierWrite,
    ) -> Result<bool, StoreError> {
        crate::index_facts::write_index_fact(&mut *conn, &w.projection).await?;
        let code = &w.projection.code;
        for e in &w.events {
            sqlx::query(
                "INSERT INTO dossier_events (code, version, event_type, event, actor, at, idempotency_key) \
                 VALUES ($1, $2, $3, CAST($4 AS jsonb), $5, $6, $7)",
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
                 VALUES ($1, $2, $3, CAST($4 AS json), $5, $5)",
            )
            .bind(code)
            .bind(to_i64(o.event_version))
            .bind(&o.message_type)
            .bind(&o.payload_json)
            .bind(o.created_at)
            .execute(&mut *conn)
            .await
            .map_err(|e| other(e, "inserting an outbox row"))?;
        }
        crate::attachments::insert_rows(&mut *conn, &w.attachments).await?;
        let stored = sqlx::query(
            "INSERT INTO idempotency (actor, key, dossier_code, fingerprint, answer, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (actor, key) DO NOTHING",
        )
        .bind(&w.answer.actor)
        .bind(&w.answer.key)
        .bind(code)
        .bind(&w.answer.fingerprint)
        .bind(&w.answer.answer_json)
        .bind(w.projection.updated_at)
        .execute(&mut *conn)
        .await
        .map_err(|e| other(e, "storing the idempotent answer"))?
        .rows_affected();
        Ok(stored == 1)
    }

    impl PgStore {
        /// `DossierStore::create_dossier` on this engine.
        pub(crate) async fn engine_create_dossier(
            &self,
            new: NewDossier,
        ) -> Result<Committed, StoreError> {
            let mut tx = self.pool.begin().await.map_err(|e| other(e, "begin"))?;
            if let Some(answer) = find_answer_in(&mut tx, &new.actor, &new.idempotency_key).await? {
                return Ok(Committed::Replayed(answer));
            }
            let seq: i32 = sqlx::query_scalar(
                "INSERT INTO dossier_sequences (agency, day, last) VALUES ($1, $2, 1) \
                 ON CONFLICT (agency, day) DO UPDATE SET last = dossier_sequences.last + 1 \
                 RETURNING last",
            )
            .bind(&new.agency)
            .bind(new.day)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| other(e, "allocating a dossier sequence"))?;
            // On a build failure the transaction rolls back: the number is given back.
            let write = u32::try_from(seq)
                .map_err(|e| other(e, "sequence out of range"))
                .and_then(new.build)?;
            let mut qb: QueryBuilder<Postgres> = QueryBuilder::new(format!(
                "INSERT INTO dossiers ({PROJECTION_COLUMNS}, verifier_hash) VALUES ("
            ));
            projection_values(&mut qb, &write.projection);
            qb.push(", ")
                .push_bind(write.verifier_hash.clone().unwrap_or_default())
                .push(")");
            qb.build()
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "inserting a dossier"))?;
            if !insert_history(&mut tx, &write).await? {
                tx.rollback().await.map_err(|e| other(e, "rollback"))?;
                return self
                    .find_answer(&new.actor, &new.idempotency_key)
                    .await?
                    .map(Committed::Replayed)
                    .ok_or_else(|| StoreError::Conflict("idempotency key race".into()));
            }
            tx.commit().await.map_err(|e| other(e, "commit dossier"))?;
            Ok(written(&write))
        }

        /// `DossierStore::append_to_dossier` on this engine.
        pub(crate) async fn engine_append_to_dossier(
            &self,
            code: &str,
            expected_version: u64,
            w: DossierWrite,
        ) -> Result<Committed, StoreError> {
            let mut tx = self.pool.begin().await.map_err(|e| other(e, "begin"))?;
            if let Some(answer) = find_answer_in(&mut tx, &w.answer.actor, &w.answer.key).await? {
                return Ok(Committed::Replayed(answer));
            }
            let mut qb: QueryBuilder<Postgres> =
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
                    sqlx::query_scalar("SELECT version FROM dossiers WHERE code = $1")
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
            if !insert_history(&mut tx, &w).await? {
                tx.rollback().await.map_err(|e| other(e, "rollback"))?;
                return self
                    .find_answer(&w.answer.actor, &w.answer.key)
                    .await?
                    .map(Committed::Replayed)
                    .ok_or_else(|| StoreError::Conflict("idempotency key race".into()));
            }
            tx.commit().await.map_err(|e| other(e, "commit dossier"))?;
            Ok(written(&w))
        }
    }
}
