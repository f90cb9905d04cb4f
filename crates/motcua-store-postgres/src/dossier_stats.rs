//! The leader's statistics on PostgreSQL: grouped in SQL over the scope's
//! dossiers (days in Vietnam time, UTC+07:00, which has no daylight saving).

use chrono::NaiveDate;
use motcua_app::StoreError;
use motcua_app::ports::dossiers::{DossierStats, GroupCount, StatsQuery};
use sqlx::{PgPool, Row};

use crate::dossiers::scoped;
use crate::other;

const IN_SCOPE: &str = "(d.current_agency IN (SELECT id FROM scope) \
     OR d.receiving_unit IN (SELECT id FROM scope))";

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

async fn groups(
    pool: &PgPool,
    q: &StatsQuery,
    column: &str,
) -> Result<Vec<GroupCount>, StoreError> {
    let mut qb = scoped(&q.scope_agency, &[]);
    qb.push(format!(
        "SELECT d.{column}::text AS k, COUNT(*) AS n FROM dossiers d WHERE {IN_SCOPE} \
         AND d.clock_running AND d.due_key < "
    ));
    qb.push_bind(q.now_key)
        .push(format!(" GROUP BY d.{column} ORDER BY n DESC, k"));
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
pub(crate) async fn stats(pool: &PgPool, q: &StatsQuery) -> Result<DossierStats, StoreError> {
    let mut qb = scoped(&q.scope_agency, &[]);
    qb.push(format!(
        "SELECT ((d.received_at AT TIME ZONE 'UTC') + interval '7 hours')::date AS day, \
         COUNT(*) AS n FROM dossiers d WHERE {IN_SCOPE} AND d.received_at >= "
    ));
    qb.push_bind(q.from)
        .push(" AND d.received_at < ")
        .push_bind(q.to)
        .push(" GROUP BY day ORDER BY day");
    let received = qb
        .build()
        .fetch_all(pool)
        .await
        .map_err(|e| other(e, "counting receptions"))?
        .iter()
        .map(|r| {
            Ok((
                r.try_get::<NaiveDate, _>("day")
                    .map_err(|e| other(e, "day"))?,
                count(r.try_get("n").map_err(|e| other(e, "n"))?),
            ))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let mut qb = scoped(&q.scope_agency, &[]);
    qb.push(format!(
        "SELECT ((e.at AT TIME ZONE 'UTC') + interval '7 hours')::date AS day, COUNT(*) AS n, \
         COUNT(*) FILTER (WHERE NOT d.counts_late AND d.due_at IS NOT NULL AND e.at <= d.due_at) \
         AS on_time FROM dossier_events e JOIN dossiers d ON d.code = e.code \
         WHERE {IN_SCOPE} AND e.event_type = 'result_ready' AND e.at >= "
    ));
    qb.push_bind(q.from)
        .push(" AND e.at < ")
        .push_bind(q.to)
        .push(" GROUP BY day ORDER BY day");
    let resolved = qb
        .build()
        .fetch_all(pool)
        .await
        .map_err(|e| other(e, "counting results"))?
        .iter()
        .map(|r| {
            Ok((
                r.try_get::<NaiveDate, _>("day")
                    .map_err(|e| other(e, "day"))?,
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
