//! Reading and counting a work list on SQLite.
//!
//! A narrow scope (a centre, a commune) is read lane by lane (see
//! [`motcua_app::ports::work_list_lanes`]): every lane is a range of one
//! `(agency column, [status,] due_key, code)` index, read in order and cut
//! at the page size, and the page is the first rows of their union. A wide
//! scope (a province) walks the due-date index and tests membership: most
//! rows match, so a page is found at once.

use motcua_app::StoreError;
use motcua_app::ports::dossiers::{WorkListQuery, WorkListRow};
use motcua_app::ports::work_list_lanes::{Lane, lanes};
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use crate::dossier_rows::list_row;
use crate::dossiers::{SCOPE, TREE};
use crate::other;

motcua_store_sql::work_list_parts!();

/// The extra scope roots, as a JSON array for `json_each`.
const MORE: &str = " UNION SELECT value FROM json_each(";

/// The agencies of the query's permission scope.
async fn scope_of(
    pool: &SqlitePool,
    q: &WorkListQuery,
    also: &str,
) -> Result<Vec<String>, StoreError> {
    sqlx::query_scalar(&format!(
        "{SCOPE}?{MORE}?){TREE}SELECT id FROM scope ORDER BY id"
    ))
    .bind(&q.scope_agency)
    .bind(also)
    .fetch_all(pool)
    .await
    .map_err(|e| other(e, "reading a work-list scope"))
}

/// One page of the work list `q`.
pub(crate) async fn read(
    pool: &SqlitePool,
    q: &WorkListQuery,
) -> Result<Vec<WorkListRow>, StoreError> {
    let also = serde_json::to_string(&q.also_scope).map_err(|e| other(e, "scope roots"))?;
    let scope = scope_of(pool, q, &also).await?;
    let lanes = lanes(q, &scope);
    let mut qb = match &lanes {
        Some(lanes) if lanes.is_empty() => return Ok(Vec::new()),
        Some(lanes) => by_lanes(q, lanes, &scope),
        None => by_due_index(q, &also),
    };
    let rows = qb
        .build()
        .fetch_all(pool)
        .await
        .map_err(|e| other(e, "reading a work list"))?;
    rows.iter().map(list_row).collect()
}

/// How many dossiers the work list `q` holds (keyset and limit ignored).
/// A narrow scope counts the codes of its lanes' union, read from the
/// lanes' indexes alone (every lane index ends with the code); a wide
/// scope counts with one statement.
pub(crate) async fn count(pool: &SqlitePool, q: &WorkListQuery) -> Result<u64, StoreError> {
    let also = serde_json::to_string(&q.also_scope).map_err(|e| other(e, "scope roots"))?;
    let scope = scope_of(pool, q, &also).await?;
    let lanes = lanes(q, &scope);
    let mut qb = match &lanes {
        Some(lanes) if lanes.is_empty() => return Ok(0),
        Some(lanes) => {
            let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT COUNT(*) FROM (");
            push_lanes(&mut qb, q, lanes, &scope, false);
            qb.push(")");
            qb
        }
        None => {
            let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(SCOPE);
            qb.push_bind(&q.scope_agency)
                .push(MORE)
                .push_bind(&also)
                .push(")")
                .push(TREE);
            qb.push(
                "SELECT COUNT(*) FROM dossiers WHERE (current_agency IN (SELECT id FROM scope) \
                 OR receiving_unit IN (SELECT id FROM scope))",
            );
            push_filters(&mut qb, q);
            qb
        }
    };
    let n: i64 = qb
        .build_query_scalar()
        .fetch_one(pool)
        .await
        .map_err(|e| other(e, "counting a work list"))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The lanes joined by `UNION` (not `UNION ALL`: a dossier received and
/// held by the same centre is in two lanes and counts once). A `page` lane
/// gives its first page of list columns; otherwise every code.
fn push_lanes<'a>(
    qb: &mut QueryBuilder<'a, Sqlite>,
    q: &'a WorkListQuery,
    lanes: &'a [Lane],
    scope: &'a [String],
    page: bool,
) {
    for (i, lane) in lanes.iter().enumerate() {
        if i > 0 {
            qb.push(" UNION ");
        }
        let columns = if page { LIST_COLUMNS } else { "code" };
        qb.push(format!(
            "SELECT * FROM (SELECT {columns} FROM dossiers INDEXED BY {} WHERE {} = ",
            lane_index(lane, q),
            lane.column.name()
        ))
        .push_bind(&lane.agency);
        if lane.check_other_in_scope {
            qb.push(format!(" AND {} IN (", lane.column.other().name()));
            let mut list = qb.separated(", ");
            for agency in scope {
                list.push_bind(agency);
            }
            qb.push(")");
        }
        push_row_filters(qb, q);
        if page {
            push_page(qb, q);
        }
        qb.push(")");
    }
}

/// The index a lane reads, named so the plan never depends on the
/// planner's guess (without statistics SQLite may pick the plain due index
/// for "overdue" and then skip every closed dossier due in the past): a
/// due window reads the running-clock index, a status tab the status
/// index, anything else the due index of the lane's column.
fn lane_index(lane: &Lane, q: &WorkListQuery) -> &'static str {
    use motcua_app::ports::work_list_lanes::LaneColumn::{Current, Receiving};
    let window = q.due_at_or_before.is_some() || q.overdue_at.is_some();
    match (lane.column, window, q.status.is_some()) {
        (Current, true, _) => "dossiers_current_running_due",
        (Receiving, true, _) => "dossiers_receiving_running_due",
        (Current, false, true) => "dossiers_current_status_due",
        (Receiving, false, true) => "dossiers_receiving_status_due",
        (Current, false, false) => "dossiers_current_due",
        (Receiving, false, false) => "dossiers_receiving_due",
    }
}

/// A wide scope: the due index walked in order, membership tested per row.
/// The unary `+` keeps SQLite's planner off the agency indexes, which would
/// gather and sort most of the table.
fn by_due_index<'a>(q: &'a WorkListQuery, also: &'a str) -> QueryBuilder<'a, Sqlite> {
    let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(SCOPE);
    qb.push_bind(&q.scope_agency)
        .push(MORE)
        .push_bind(also)
        .push(")")
        .push(TREE);
    qb.push(format!(
        "SELECT {LIST_COLUMNS} FROM dossiers WHERE (+current_agency IN (SELECT id FROM scope) \
         OR +receiving_unit IN (SELECT id FROM scope))"
    ));
    push_filters(&mut qb, q);
    push_page(&mut qb, q);
    qb
}
