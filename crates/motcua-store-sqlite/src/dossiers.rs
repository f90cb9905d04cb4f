//! Dossiers on SQLite.
//!
//! SQLite has one writer at a time, so every write transaction starts with
//! `BEGIN IMMEDIATE`: it takes the write lock at once and never fails half
//! way on a stale snapshot. Creations go through the batching writer of
//! [`crate::dossier_writer`].

use async_trait::async_trait;
use chrono::NaiveDate;
use motcua_app::StoreError;
use motcua_app::ports::dossiers::{
    Committed, DossierProjection, DossierStats, DossierStore, DossierWrite, EventRow, NewDossier,
    OutboxRecord, OutboxRow, StatsQuery, StoredAnswer, StoredDossier, WorkListQuery, WorkListRow,
};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};
use tokio::sync::oneshot;

use crate::dossier_rows::projection_of;
use crate::dossier_writer::{BuiltAhead, Job};
use crate::{SqliteStore, other};

/// The permission scope: an agency and every agency below it.
pub(crate) const SCOPE: &str = "WITH RECURSIVE scope(id) AS (SELECT ";
/// The recursive step of [`SCOPE`], after its bound agency.
pub(crate) const TREE: &str =
    " UNION SELECT a.id FROM agencies a JOIN scope s ON a.parent_id = s.id) ";

pub(crate) const PROJECTION_COLUMNS: &str = "code, procedure_code, procedure_version, status, sub_status, \
    portal_status, clock_running, receiving_unit, deciding_agency, current_agency, assignee, \
    channel, applicant_kind, applicant_id_masked, applicant_name, phone_last4, submitted_at, \
    received_at, due_at, due_key, counts_late, version, state, updated_at";

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

pub(crate) fn projection_values<'a>(qb: &mut QueryBuilder<'a, Sqlite>, p: &'a DossierProjection) {
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

pub(crate) async fn find_answer_in(
    conn: &mut SqliteConnection,
    actor: &str,
    key: &str,
) -> Result<Option<StoredAnswer>, StoreError> {
    let row = sqlx::query(
        "SELECT dossier_code, fingerprint, answer FROM idempotency WHERE actor = ? AND key = ?",
    )
    .bind(actor)
    .bind(key)
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| other(e, "reading an idempotent answer"))?;
    row.map(|r| {
        Ok(StoredAnswer {
            dossier_code: r.try_get(0).map_err(|e| other(e, "dossier_code"))?,
            fingerprint: r.try_get(1).map_err(|e| other(e, "fingerprint"))?,
            answer_json: r.try_get(2).map_err(|e| other(e, "answer"))?,
        })
    })
    .transpose()
}

/// Inserts the events, outbox rows and answer of a write.
pub(crate) async fn insert_history(
    conn: &mut SqliteConnection,
    w: &DossierWrite,
) -> Result<(), StoreError> {
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

pub(crate) fn written(w: &DossierWrite) -> Committed {
    Committed::Written(StoredAnswer {
        dossier_code: w.projection.code.clone(),
        fingerprint: w.answer.fingerprint.clone(),
        answer_json: w.answer.answer_json.clone(),
    })
}

#[async_trait]
impl DossierStore for SqliteStore {
    async fn create_dossier(&self, new: NewDossier) -> Result<Committed, StoreError> {
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

    async fn append_to_dossier(
        &self,
        code: &str,
        expected_version: u64,
        w: DossierWrite,
    ) -> Result<Committed, StoreError> {
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|e| other(e, "begin"))?;
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

    async fn load_dossier(&self, code: &str) -> Result<Option<StoredDossier>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {PROJECTION_COLUMNS}, verifier_hash FROM dossiers WHERE code = ?"
        ))
        .bind(code)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| other(e, "reading a dossier"))?;
        row.map(|r| {
            Ok(StoredDossier {
                projection: projection_of(&r)?,
                verifier_hash: r.try_get("verifier_hash").map_err(|e| other(e, "hash"))?,
            })
        })
        .transpose()
    }

    async fn dossier_events(&self, code: &str) -> Result<Vec<EventRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT version, event_type, event, actor, at, idempotency_key FROM dossier_events \
             WHERE code = ? ORDER BY version",
        )
        .bind(code)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| other(e, "reading dossier events"))?;
        rows.iter()
            .map(|r| {
                Ok(EventRow {
                    version: u64::try_from(r.try_get::<i64, _>(0).map_err(|e| other(e, "v"))?)
                        .map_err(|e| other(e, "version"))?,
                    event_type: r.try_get(1).map_err(|e| other(e, "type"))?,
                    event_json: r.try_get(2).map_err(|e| other(e, "event"))?,
                    actor: r.try_get(3).map_err(|e| other(e, "actor"))?,
                    at: r.try_get(4).map_err(|e| other(e, "at"))?,
                    idempotency_key: r.try_get(5).map_err(|e| other(e, "key"))?,
                })
            })
            .collect()
    }

    async fn dossier_outbox(&self, code: &str) -> Result<Vec<OutboxRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, dossier_code, event_version, message_type, payload, created_at, \
             available_at, attempts, claimed_until, delivered_at FROM outbox \
             WHERE dossier_code = ? ORDER BY id",
        )
        .bind(code)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| other(e, "reading the outbox"))?;
        rows.iter()
            .map(|r| {
                let int = |i: usize| r.try_get::<i64, _>(i).map_err(|e| other(e, "outbox int"));
                Ok(OutboxRecord {
                    id: int(0)?,
                    dossier_code: r.try_get(1).map_err(|e| other(e, "code"))?,
                    row: OutboxRow {
                        event_version: u64::try_from(int(2)?).map_err(|e| other(e, "v"))?,
                        message_type: r.try_get(3).map_err(|e| other(e, "type"))?,
                        payload_json: r.try_get(4).map_err(|e| other(e, "payload"))?,
                        created_at: r.try_get(5).map_err(|e| other(e, "created_at"))?,
                    },
                    available_at: r.try_get(6).map_err(|e| other(e, "available_at"))?,
                    attempts: u32::try_from(int(7)?).map_err(|e| other(e, "attempts"))?,
                    claimed_until: r.try_get(8).map_err(|e| other(e, "claimed_until"))?,
                    delivered_at: r.try_get(9).map_err(|e| other(e, "delivered_at"))?,
                })
            })
            .collect()
    }

    async fn find_answer(
        &self,
        actor: &str,
        key: &str,
    ) -> Result<Option<StoredAnswer>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(|e| other(e, "acquire"))?;
        find_answer_in(&mut conn, actor, key).await
    }

    async fn work_list(&self, q: &WorkListQuery) -> Result<Vec<WorkListRow>, StoreError> {
        crate::work_list::read(&self.pool, q).await
    }

    async fn count_work_list(&self, q: &WorkListQuery) -> Result<u64, StoreError> {
        crate::work_list::count(&self.pool, q).await
    }

    async fn dossier_stats(&self, q: &StatsQuery) -> Result<DossierStats, StoreError> {
        crate::dossier_stats::stats(&self.pool, q).await
    }

    async fn last_sequence(&self, agency: &str, day: NaiveDate) -> Result<Option<u32>, StoreError> {
        let last: Option<i64> =
            sqlx::query_scalar("SELECT last FROM dossier_sequences WHERE agency = ? AND day = ?")
                .bind(agency)
                .bind(day.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "reading a sequence"))?;
        last.map(|v| u32::try_from(v).map_err(|e| other(e, "sequence")))
            .transpose()
    }
}
