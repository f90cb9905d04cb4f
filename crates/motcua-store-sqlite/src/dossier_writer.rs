//! The task that commits dossier creations in batches (group commit).
//!
//! With `synchronous=FULL` the cost of a reception is dominated by the
//! fsync of its commit; one writer task takes every creation waiting in
//! its queue (up to [`MAX_BATCH`]) and commits them in one transaction, so
//! one fsync acknowledges the whole batch. An answer is only sent after the
//! batch's commit returned: nothing is acknowledged that is not on disk.
//!
//! Within the transaction a batch costs a handful of statements, not a
//! handful per dossier: one read of the kept answers and one of the day
//! sequences of every agency in the batch, numbers handed out in memory,
//! then multi-row inserts of dossiers, events, outbox rows and answers and
//! one upsert of the sequences.
//!
//! The writer is one task, so whatever it does per dossier bounds the
//! receptions per second. Rows arrive already built with a proposed number
//! (see [`crate::sequence_proposals`]); the writer only checks that the
//! number is the one it gives, and builds the rows itself when it is not.

use std::collections::{HashMap, HashSet};

use motcua_app::StoreError;
use motcua_app::ports::dossiers::{Committed, DossierWrite, NewDossier, StoredAnswer};
use sqlx::pool::PoolConnection;
use sqlx::{Connection, QueryBuilder, Row, Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use crate::dossiers::{PROJECTION_COLUMNS, projection_values, written};
use crate::other;
use crate::sequence_proposals::{Proposal, Proposals};

/// Most creations committed in one transaction.
const MAX_BATCH: usize = 512;

/// A creation waiting for the writer task, with where to send its answer.
pub(crate) struct Job {
    /// The creation.
    pub(crate) new: NewDossier,
    /// Its rows, built ahead with a proposed number, if that worked.
    pub(crate) ahead: Option<BuiltAhead>,
    /// Where the answer goes.
    pub(crate) reply: oneshot::Sender<Result<Committed, StoreError>>,
}

/// Rows built before the writer, with the number they were built for.
pub(crate) struct BuiltAhead {
    /// The proposed number (in flight until this is dropped).
    pub(crate) proposal: Proposal,
    /// The rows built with it.
    pub(crate) write: DossierWrite,
}

/// Starts the writer that commits creations in batches, on its own thread
/// with its own single-threaded runtime; it ends when every sender (every
/// clone of the store) is gone.
pub(crate) fn spawn_writer(pool: SqlitePool, proposals: Proposals) -> mpsc::Sender<Job> {
    let (tx, mut rx) = mpsc::channel::<Job>(4 * MAX_BATCH);
    let work = async move {
        // The writer keeps its connection between batches: a pooled
        // connection goes back to the pool through a spawned task, and on a
        // busy runtime waiting for that task took 2.4 ms of every 17 ms
        // batch. A connection that failed a batch is dropped and replaced.
        let mut held: Option<PoolConnection<Sqlite>> = None;
        while let Some(first) = rx.recv().await {
            let mut jobs = vec![first];
            while jobs.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            // Numbers are given in this order: proposals of one agency and
            // day that arrived out of order still match.
            jobs.sort_by_key(|j| {
                let proposed = j.ahead.as_ref().map_or(u32::MAX, |a| a.proposal.sequence);
                (j.new.agency.clone(), j.new.day, proposed)
            });
            let days: HashSet<Pair> = jobs
                .iter()
                .map(|j| (j.new.agency.clone(), j.new.day.to_string()))
                .collect();
            let (items, replies): (Vec<_>, Vec<_>) = jobs
                .into_iter()
                .map(|j| ((j.new, j.ahead), j.reply))
                .unzip();
            let size = items.len();
            let started = std::time::Instant::now();
            let outcome = match held.take() {
                Some(conn) => Ok(conn),
                None => pool.acquire().await.map_err(|e| other(e, "acquire")),
            };
            let outcome = match outcome {
                Ok(mut conn) => {
                    let outcome = create_batch(&mut conn, items).await;
                    if outcome.is_ok() {
                        held = Some(conn);
                    }
                    outcome
                }
                Err(err) => Err(err),
            };
            tracing::debug!(
                size,
                rebuilt = outcome.as_ref().map_or(0, |b| b.rebuilt),
                micros = micros(started.elapsed()),
                commit_micros = outcome.as_ref().map_or(0, |b| b.commit_micros),
                ok = outcome.is_ok(),
                "dossier creation batch committed"
            );
            match outcome {
                Ok(batch) => {
                    proposals.settle(batch.last.iter().map(|(k, v)| (k, *v)));
                    for (result, reply) in batch.results.into_iter().zip(replies) {
                        let _ = reply.send(result);
                    }
                }
                Err(err) => {
                    proposals.forget(&days);
                    let message = format!("{err:#}");
                    for reply in replies {
                        let _ = reply.send(Err(StoreError::Other(anyhow::anyhow!(
                            "creating dossiers: {message}"
                        ))));
                    }
                }
            }
        }
    };
    // Its own thread and runtime: on the server's runtime every await of a
    // batch (about ten statements) queued behind the HTTP tasks.
    let spawned = std::thread::Builder::new()
        .name("dossier-writer".into())
        .spawn(move || {
            match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime.block_on(work),
                Err(err) => tracing::error!(error = %err, "the dossier writer could not start"),
            }
        });
    if let Err(err) = spawned {
        tracing::error!(error = %err, "the dossier writer thread could not start");
    }
    tx
}

/// Rows per multi-row INSERT (the widest row binds 25 values; SQLite
/// allows 32,766 per statement).
const ROWS_PER_INSERT: usize = 256;

type Pair = (String, String);

/// The kept answers of the batch's (actor, key) pairs.
async fn kept_answers(
    conn: &mut SqliteConnection,
    pairs: &HashSet<Pair>,
) -> Result<HashMap<Pair, StoredAnswer>, StoreError> {
    let mut found = HashMap::new();
    let pairs_in_order: Vec<&Pair> = pairs.iter().collect();
    for chunk in pairs_in_order.chunks(ROWS_PER_INSERT) {
        // The pairs joined to the primary key: one probe per pair (two IN
        // lists would probe every actor with every key, and a row-value
        // `IN (VALUES …)` scans the whole table).
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT i.actor, i.key, i.dossier_code, i.fingerprint, i.answer FROM (VALUES ",
        );
        let mut s = qb.separated(", ");
        for (actor, key) in chunk {
            s.push("(")
                .push_bind_unseparated(actor.as_str())
                .push_unseparated(", ")
                .push_bind_unseparated(key.as_str())
                .push_unseparated(")");
        }
        qb.push(") AS v JOIN idempotency i ON i.actor = v.column1 AND i.key = v.column2");
        let rows = qb
            .build()
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| other(e, "reading idempotent answers"))?;
        for r in rows {
            let pair: Pair = (
                r.try_get(0).map_err(|e| other(e, "actor"))?,
                r.try_get(1).map_err(|e| other(e, "key"))?,
            );
            if pairs.contains(&pair) {
                found.insert(
                    pair,
                    StoredAnswer {
                        dossier_code: r.try_get(2).map_err(|e| other(e, "dossier_code"))?,
                        fingerprint: r.try_get(3).map_err(|e| other(e, "fingerprint"))?,
                        answer_json: r.try_get(4).map_err(|e| other(e, "answer"))?,
                    },
                );
            }
        }
    }
    Ok(found)
}

/// The last number of every (agency, day) of the batch (0 when none yet).
async fn last_numbers(
    conn: &mut SqliteConnection,
    pairs: &HashSet<Pair>,
) -> Result<HashMap<Pair, i64>, StoreError> {
    let mut last: HashMap<Pair, i64> = pairs.iter().map(|p| (p.clone(), 0)).collect();
    let days: HashSet<&str> = pairs.iter().map(|(_, d)| d.as_str()).collect();
    let agencies: Vec<&str> = pairs.iter().map(|(a, _)| a.as_str()).collect();
    for chunk in agencies.chunks(ROWS_PER_INSERT) {
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT agency, day, last FROM dossier_sequences WHERE agency IN (");
        let mut s = qb.separated(", ");
        for a in chunk {
            s.push_bind(*a);
        }
        qb.push(") AND day IN (");
        let mut s = qb.separated(", ");
        for d in &days {
            s.push_bind(*d);
        }
        qb.push(")");
        let rows = qb
            .build()
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| other(e, "reading dossier sequences"))?;
        for r in rows {
            let pair: Pair = (
                r.try_get(0).map_err(|e| other(e, "agency"))?,
                r.try_get(1).map_err(|e| other(e, "day"))?,
            );
            if let Some(slot) = last.get_mut(&pair) {
                *slot = r.try_get(2).map_err(|e| other(e, "last"))?;
            }
        }
    }
    Ok(last)
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Inserts every row of the batch's writes with multi-row statements.
async fn insert_writes(
    conn: &mut SqliteConnection,
    writes: &[DossierWrite],
) -> Result<(), StoreError> {
    for w in writes {
        crate::index_facts::write_index_fact(&mut *conn, &w.projection).await?;
    }
    for chunk in writes.chunks(ROWS_PER_INSERT) {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "INSERT INTO dossiers ({PROJECTION_COLUMNS}, verifier_hash) VALUES "
        ));
        for (i, w) in chunk.iter().enumerate() {
            if i > 0 {
                qb.push(", ");
            }
            qb.push("(");
            projection_values(&mut qb, &w.projection);
            qb.push(", ")
                .push_bind(w.verifier_hash.clone().unwrap_or_default())
                .push(")");
        }
        qb.build()
            .execute(&mut *conn)
            .await
            .map_err(|e| other(e, "inserting dossiers"))?;
    }
    let events: Vec<_> = writes
        .iter()
        .flat_map(|w| w.events.iter().map(move |e| (&w.projection.code, e)))
        .collect();
    for chunk in events.chunks(ROWS_PER_INSERT) {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO dossier_events (code, version, event_type, event, actor, at, idempotency_key) ",
        );
        qb.push_values(chunk, |mut b, (code, e)| {
            b.push_bind(*code)
                .push_bind(to_i64(e.version))
                .push_bind(&e.event_type)
                .push_bind(&e.event_json)
                .push_bind(&e.actor)
                .push_bind(e.at)
                .push_bind(&e.idempotency_key);
        });
        qb.build()
            .execute(&mut *conn)
            .await
            .map_err(|e| other(e, "inserting dossier events"))?;
    }
    let outbox: Vec<_> = writes
        .iter()
        .flat_map(|w| w.outbox.iter().map(move |o| (&w.projection.code, o)))
        .collect();
    for chunk in outbox.chunks(ROWS_PER_INSERT) {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO outbox (dossier_code, event_version, message_type, payload, created_at, available_at) ",
        );
        qb.push_values(chunk, |mut b, (code, o)| {
            b.push_bind(*code)
                .push_bind(to_i64(o.event_version))
                .push_bind(&o.message_type)
                .push_bind(&o.payload_json)
                .push_bind(o.created_at)
                .push_bind(o.created_at);
        });
        qb.build()
            .execute(&mut *conn)
            .await
            .map_err(|e| other(e, "inserting outbox rows"))?;
    }
    for chunk in writes.chunks(ROWS_PER_INSERT) {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO idempotency (actor, key, dossier_code, fingerprint, answer, created_at) ",
        );
        qb.push_values(chunk, |mut b, w| {
            b.push_bind(&w.answer.actor)
                .push_bind(&w.answer.key)
                .push_bind(&w.projection.code)
                .push_bind(&w.answer.fingerprint)
                .push_bind(&w.answer.answer_json)
                .push_bind(w.projection.updated_at);
        });
        qb.build()
            .execute(&mut *conn)
            .await
            .map_err(|e| other(e, "storing idempotent answers"))?;
    }
    // Files filed with the dossier (online filing): few, one statement each.
    for w in writes {
        crate::attachments::insert_rows(conn, &w.attachments).await?;
    }
    Ok(())
}

/// What a committed batch did.
struct Batch {
    /// Each creation's answer, in the order given.
    results: Vec<Result<Committed, StoreError>>,
    /// The last number of every (agency, day) of the batch, as committed.
    last: HashMap<Pair, i64>,
    /// How many creations had to be built again (a wrong proposal).
    rebuilt: usize,
    /// How long the commit (its fsync) took.
    commit_micros: u64,
}

/// A duration in whole microseconds, for the logs.
fn micros(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// Creates a batch of dossiers in one transaction. A build failure affects
/// only its item (its number goes to the next item); a database failure
/// fails the whole batch, and then nothing of it is written. A key sent
/// twice in one batch is answered like a replay of its first use.
async fn create_batch(
    conn: &mut SqliteConnection,
    items: Vec<(NewDossier, Option<BuiltAhead>)>,
) -> Result<Batch, StoreError> {
    // Beside another process's writes (a command beside `serve`), wait
    // for the lock within the bound rather than fail the batch.
    let mut wait = crate::write_lock::LockWait::new("begin");
    let mut tx = loop {
        match conn.begin_with("BEGIN IMMEDIATE").await {
            Ok(tx) => break tx,
            Err(e) => wait.after(e).await?,
        }
    };
    wait.done();
    let keys: HashSet<Pair> = items
        .iter()
        .map(|(i, _)| (i.actor.clone(), i.idempotency_key.clone()))
        .collect();
    let days: HashSet<Pair> = items
        .iter()
        .map(|(i, _)| (i.agency.clone(), i.day.to_string()))
        .collect();
    let mut answers = kept_answers(&mut tx, &keys).await?;
    let mut last = last_numbers(&mut tx, &days).await?;
    let mut advanced: HashSet<Pair> = HashSet::new();
    let mut out = Vec::with_capacity(items.len());
    let mut writes = Vec::with_capacity(items.len());
    let mut rebuilt = 0;
    for (item, ahead) in items {
        let key = (item.actor.clone(), item.idempotency_key.clone());
        if let Some(answer) = answers.get(&key) {
            out.push(Ok(Committed::Replayed(answer.clone())));
            continue;
        }
        let day = (item.agency.clone(), item.day.to_string());
        let next = last.get(&day).copied().unwrap_or(0) + 1;
        let built = match ahead {
            Some(a) if i64::from(a.proposal.sequence) == next => Ok(a.write),
            _ => {
                rebuilt += 1;
                u32::try_from(next)
                    .map_err(|e| other(e, "sequence out of range"))
                    .and_then(|seq| (item.build)(seq))
            }
        };
        match built {
            Ok(write) => {
                last.insert(day.clone(), next);
                advanced.insert(day);
                let done = written(&write);
                if let Committed::Written(answer) = &done {
                    answers.insert(key, answer.clone());
                }
                out.push(Ok(done));
                writes.push(write);
            }
            Err(err) => out.push(Err(err)),
        }
    }
    if !writes.is_empty() {
        insert_writes(&mut tx, &writes).await?;
        let pairs: Vec<&Pair> = advanced.iter().collect();
        for chunk in pairs.chunks(ROWS_PER_INSERT) {
            let mut qb: QueryBuilder<Sqlite> =
                QueryBuilder::new("INSERT INTO dossier_sequences (agency, day, last) ");
            qb.push_values(chunk, |mut b, pair| {
                b.push_bind(&pair.0)
                    .push_bind(&pair.1)
                    .push_bind(last.get(*pair).copied().unwrap_or(0));
            });
            qb.push(" ON CONFLICT (agency, day) DO UPDATE SET last = excluded.last");
            qb.build()
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "advancing dossier sequences"))?;
        }
    }
    let committing = std::time::Instant::now();
    tx.commit().await.map_err(|e| other(e, "commit dossiers"))?;
    last.retain(|day, _| advanced.contains(day));
    Ok(Batch {
        results: out,
        last,
        rebuilt,
        commit_micros: micros(committing.elapsed()),
    })
}
