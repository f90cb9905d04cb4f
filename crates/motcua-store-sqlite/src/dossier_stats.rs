//! The leader's statistics on SQLite: grouped in SQL over the scope's
//! dossiers (days in Vietnam time, UTC+07:00, which has no daylight saving).

use chrono::NaiveDate;
use motcua_app::StoreError;
use motcua_app::ports::dossiers::{DossierStats, GroupCount, StatsQuery};
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};

use crate::dossiers::{SCOPE, TREE};
use crate::other;

const IN_SCOPE: &str = "(d.current_agency IN (SELECT id FROM scope) \
     OR d.receiving_unit IN (SELECT id FROM scope))";

fn scoped<'a>(q: &'a StatsQuery, select: &str) -> QueryBuilder<'a, Sqlite> {
    let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(SCOPE);
    qb.push_bind(&q.scope_agency).push(TREE).push(select);
    qb
}

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn day(text: &str) -> Result<NaiveDate, StoreError> {
    text.parse().map_err(|e| other(e, "stats day"))
}

async fn groups(
    pool: &SqlitePool,
    q: &StatsQuery,
    column: &str,
) -> Result<Vec<GroupCount>, StoreError> {
    let mut qb = scoped(
        q,
        &format!(
            "SELECT d.{column} AS k, COUNT(*) AS n FROM dossiers d WHERE {IN_SCOPE} \
             AND d.clock_running = 1 AND d.due_key < "
        ),
    );
    qb.push_bind(q.now_key)
        .push(" GROUP BY d.")
        .push(column)
        .push(" ORDER BY n DESC, k");
    let rows = qb
        .build()
        .fetch_all(pool)
        .await
        .map_err(|e| other(e, "grouping overdue dossiers"))?;
    rows.iter()
        .map(|r| {
            Ok(GroupCount {
                key: r.try_get("k").map_err(|e| other(e, "k"))?,
                count: count(r.try_get("n").map_err(|e| other(e, "n"))?),
            })
        })
        .collect()
}

/// Daily receptions and results in the period, and overdue groups now.
pub(crate) async fn stats(pool: &SqlitePool, q: &StatsQuery) -> Result<DossierStats, StoreError> {
    let mut qb = scoped(
        q,
        &format!(
            "SELECT date(d.received_at, '+7 hours') AS day, COUNT(*) AS n FROM dossiers d \
             WHERE {IN_SCOPE} AND d.received_at IS NOT NULL AND julianday(d.received_at) >= julianday("
        ),
    );
    qb.push_bind(q.from)
        .push(") AND julianday(d.received_at) < julianday(")
        .push_bind(q.to)
        .push(") GROUP BY day ORDER BY day");
    let received = qb
        .build()
        .fetch_all(pool)
        .await
        .map_err(|e| other(e, "counting receptions"))?
        .iter()
        .map(|r| {
            Ok((
                day(r.try_get("day").map_err(|e| other(e, "day"))?)?,
                count(r.try_get("n").map_err(|e| other(e, "n"))?),
            ))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let mut qb = scoped(
        q,
        &format!(
            "SELECT date(e.at, '+7 hours') AS day, COUNT(*) AS n, \
             SUM(CASE WHEN d.counts_late = 0 AND d.due_at IS NOT NULL \
             AND julianday(e.at) <= julianday(d.due_at) THEN 1 ELSE 0 END) AS on_time \
             FROM dossier_events e JOIN dossiers d ON d.code = e.code \
             WHERE {IN_SCOPE} AND e.event_type = 'result_ready' AND julianday(e.at) >= julianday("
        ),
    );
    qb.push_bind(q.from)
        .push(") AND julianday(e.at) < julianday(")
        .push_bind(q.to)
        .push(") GROUP BY day ORDER BY day");
    let resolved = qb
        .build()
        .fetch_all(pool)
        .await
        .map_err(|e| other(e, "counting results"))?
        .iter()
        .map(|r| {
            Ok((
                day(r.try_get("day").map_err(|e| other(e, "day"))?)?,
                count(r.try_get("n").map_err(|e| other(e, "n"))?),
                count(r.try_get("on_time").map_err(|e| other(e, "on_time"))?),
            ))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(DossierStats {
        days: DossierStats::merge_days(received, resolved),
        overdue_by_procedure: groups(pool, q, "procedure_code").await?,
        overdue_by_assignee: groups(pool, q, "assignee").await?,
    })
}
