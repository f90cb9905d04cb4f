//! The task that commits dossier creations in batches (group commit).
//!
//! With `synchronous=FULL` the cost of a reception is dominated by the
//! fsync of its commit; one writer task takes every creation waiting in
//! its queue (up to [`MAX_BATCH`]) and commits them in one transaction, so
//! one fsync acknowledges the whole batch. An answer is only sent after the
//! batch's commit returned: nothing is acknowledged that is not on disk.

use motcua_app::StoreError;
use motcua_app::ports::dossiers::{Committed, NewDossier};
use sqlx::{QueryBuilder, Sqlite, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use crate::dossiers::{
    PROJECTION_COLUMNS, find_answer_in, insert_history, projection_values, written,
};
use crate::other;

/// Most creations committed in one transaction.
const MAX_BATCH: usize = 512;

/// A creation waiting for the writer task, with where to send its answer.
pub(crate) type Job = (NewDossier, oneshot::Sender<Result<Committed, StoreError>>);

/// Starts the writer task that commits creations in batches; it ends when
/// every sender (every clone of the store) is gone.
pub(crate) fn spawn_writer(pool: SqlitePool) -> mpsc::Sender<Job> {
    let (tx, mut rx) = mpsc::channel::<Job>(4 * MAX_BATCH);
    tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            let mut jobs = vec![first];
            while jobs.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            let (items, replies): (Vec<_>, Vec<_>) = jobs.into_iter().unzip();
            match create_batch(&pool, items).await {
                Ok(results) => {
                    for (result, reply) in results.into_iter().zip(replies) {
                        let _ = reply.send(result);
                    }
                }
                Err(err) => {
                    let message = format!("{err:#}");
                    for reply in replies {
                        let _ = reply.send(Err(StoreError::Other(anyhow::anyhow!(
                            "creating dossiers: {message}"
                        ))));
                    }
                }
            }
        }
    });
    tx
}

/// Creates a batch of dossiers in one transaction. A build failure affects
/// only its item (its sequence number is given back); a database failure
/// fails the whole batch, and then nothing of it is written.
async fn create_batch(
    pool: &SqlitePool,
    items: Vec<NewDossier>,
) -> Result<Vec<Result<Committed, StoreError>>, StoreError> {
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(|e| other(e, "begin"))?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if let Some(answer) = find_answer_in(&mut tx, &item.actor, &item.idempotency_key).await? {
            out.push(Ok(Committed::Replayed(answer)));
            continue;
        }
        let day = item.day.to_string();
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO dossier_sequences (agency, day, last) VALUES (?, ?, 1) \
             ON CONFLICT (agency, day) DO UPDATE SET last = last + 1 RETURNING last",
        )
        .bind(&item.agency)
        .bind(&day)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| other(e, "allocating a dossier sequence"))?;
        let built = u32::try_from(seq)
            .map_err(|e| other(e, "sequence out of range"))
            .and_then(item.build);
        match built {
            Ok(write) => {
                let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
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
                insert_history(&mut tx, &write).await?;
                out.push(Ok(written(&write)));
            }
            Err(err) => {
                sqlx::query(
                    "UPDATE dossier_sequences SET last = last - 1 WHERE agency = ? AND day = ?",
                )
                .bind(&item.agency)
                .bind(&day)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "giving back a dossier sequence"))?;
                out.push(Err(err));
            }
        }
    }
    tx.commit().await.map_err(|e| other(e, "commit dossiers"))?;
    Ok(out)
}
