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
use std::sync::Arc;

use motcua_store_sql::scope_cache::ScopeSet;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};

use crate::dossier_rows::list_row;
use crate::dossiers::{SCOPE, TREE};
use crate::{SqliteStore, other};

motcua_store_sql::work_list_parts!();

/// The extra scope roots, as a JSON array for `json_each`.
const MORE: &str = " UNION SELECT value FROM json_each(";

/// The agencies of the query's permission scope: kept per reference
/// version (see [`motcua_store_sql::scope_cache`]), so the recursive walk of
/// the agency tree runs once per tree change, not per request.
async fn scope_of(store: &SqliteStore, q: &WorkListQuery) -> Result<Arc<ScopeSet>, StoreError> {
    let version = current_version(store).await?;
    if let Some(scope) = store.scopes.get(version, &q.scope_agency, &q.also_scope) {
        return Ok(scope);
    }
    let also = serde_json::to_string(&q.also_scope).map_err(|e| other(e, "scope roots"))?;
    let ids: Vec<String> = sqlx::query_scalar(&format!(
        "{SCOPE}?{MORE}?){TREE}SELECT id FROM scope ORDER BY id"
    ))
    .bind(&q.scope_agency)
    .bind(also)
    .fetch_all(&store.pool)
    .await
    .map_err(|e| other(e, "reading a work-list scope"))?;
    let json = serde_json::to_string(&ids).map_err(|e| other(e, "scope"))?;
    let scope = Arc::new(ScopeSet { ids, json });
    store
        .scopes
        .put(version, &q.scope_agency, &q.also_scope, Arc::clone(&scope));
    Ok(scope)
}

/// The reference version as a last column of every page row, read in the
/// page's own snapshot.
const REF_VERSION: &str = ", (SELECT version FROM reference_versions WHERE id = 1) AS ref_version";

/// The reference version now.
async fn current_version(store: &SqliteStore) -> Result<i64, StoreError> {
    sqlx::query_scalar("SELECT version FROM reference_versions WHERE id = 1")
        .fetch_one(&store.pool)
        .await
        .map_err(|e| other(e, "reference version"))
}

/// The rows of one page over `scope`, each with its `ref_version`.
async fn page(
    store: &SqliteStore,
    q: &WorkListQuery,
    scope: &ScopeSet,
) -> Result<Vec<SqliteRow>, StoreError> {
    let lanes = lanes(q, &scope.ids);
    let mut qb = match &lanes {
        Some(lanes) if lanes.is_empty() => return Ok(Vec::new()),
        Some(lanes) => by_lanes(q, lanes, &scope.ids),
        None => by_due_index(q, &scope.json),
    };
    qb.build()
        .fetch_all(&store.pool)
        .await
        .map_err(|e| other(e, "reading a work list"))
}

/// One page of the work list `q`. With the scope kept at the latest
/// version known, one statement reads the page and the version in one
/// snapshot: the page stands when that version is still the scope's (or
/// it is empty and a separate read confirms the version); otherwise the
/// scope is read again.
pub(crate) async fn read(
    store: &SqliteStore,
    q: &WorkListQuery,
) -> Result<Vec<WorkListRow>, StoreError> {
    if let Some((version, scope)) = store.scopes.latest(&q.scope_agency, &q.also_scope) {
        let rows = page(store, q, &scope).await?;
        let seen = match rows.first() {
            Some(r) => r
                .try_get::<i64, _>("ref_version")
                .map_err(|e| other(e, "ref_version"))?,
            None => current_version(store).await?,
        };
        if seen == version {
            return rows.iter().map(list_row).collect();
        }
    }
    let scope = scope_of(store, q).await?;
    page(store, q, &scope).await?.iter().map(list_row).collect()
}

/// How many dossiers the work list `q` holds (keyset and limit ignored).
/// A narrow scope counts the codes of its lanes' union, read from the
/// lanes' indexes alone (every lane index ends with the code); a wide
/// scope counts with one statement.
pub(crate) async fn count(store: &SqliteStore, q: &WorkListQuery) -> Result<u64, StoreError> {
    let scope = scope_of(store, q).await?;
    let lanes = lanes(q, &scope.ids);
    let mut qb = match &lanes {
        Some(lanes) if lanes.is_empty() => return Ok(0),
        Some(lanes) => {
            let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT COUNT(*) FROM (");
            push_lanes(&mut qb, q, lanes, &scope.ids, false);
            qb.push(")");
            qb
        }
        None => {
            let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
                "SELECT COUNT(*) FROM dossiers WHERE (current_agency IN (SELECT value FROM json_each(",
            );
            qb.push_bind(&scope.json)
                .push(")) OR receiving_unit IN (SELECT value FROM json_each(")
                .push_bind(&scope.json)
                .push(")))");
            push_filters(&mut qb, q);
            qb
        }
    };
    let n: i64 = qb
        .build_query_scalar()
        .fetch_one(&store.pool)
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
        let columns = if page {
            format!("{LIST_COLUMNS}{REF_VERSION}")
        } else {
            "code".to_owned()
        };
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

/// A wide scope: the due index walked in order, membership tested per row
/// against the scope's agencies (`scope_json`, a JSON array). The unary `+`
/// keeps SQLite's planner off the agency indexes, which would gather and
/// sort most of the table.
fn by_due_index<'a>(q: &'a WorkListQuery, scope_json: &'a str) -> QueryBuilder<'a, Sqlite> {
    let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
        "SELECT {LIST_COLUMNS}{REF_VERSION} FROM dossiers WHERE (+current_agency IN (SELECT value FROM json_each("
    ));
    qb.push_bind(scope_json)
        .push(")) OR +receiving_unit IN (SELECT value FROM json_each(")
        .push_bind(scope_json)
        .push(")))");
    push_filters(&mut qb, q);
    push_page(&mut qb, q);
    qb
}
