//! Reading and counting a work list on PostgreSQL.
//!
//! A narrow scope (a centre, a commune) is read lane by lane (see
//! [`motcua_app::ports::work_list_lanes`]): every lane is a range of one
//! `(agency column, [status,] due_key, code)` index, read in order and cut
//! at the page size, and the page is the first rows of their union. A wide
//! scope (a province) keeps one statement over the recursive scope, which
//! the planner serves from the due-date index.

use motcua_app::StoreError;
use motcua_app::ports::dossiers::{WorkListQuery, WorkListRow};
use motcua_app::ports::work_list_lanes::{Lane, lanes};
use std::sync::Arc;

use motcua_store_sql::scope_cache::ScopeSet;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Row};

use crate::dossier_rows::list_row;
use crate::dossiers::scoped;
use crate::{PgStore, other};

motcua_store_sql::work_list_parts!();

/// The agencies of the query's permission scope: kept per reference
/// version (see [`motcua_store_sql::scope_cache`]), so the recursive walk of
/// the agency tree runs once per tree change, not per request.
async fn scope_of(store: &PgStore, q: &WorkListQuery) -> Result<Arc<ScopeSet>, StoreError> {
    let version = current_version(store).await?;
    if let Some(scope) = store.scopes.get(version, &q.scope_agency, &q.also_scope) {
        return Ok(scope);
    }
    let mut sized = scoped(&q.scope_agency, &q.also_scope);
    sized.push("SELECT id FROM scope ORDER BY id");
    let ids: Vec<String> = sized
        .build_query_scalar()
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
async fn current_version(store: &PgStore) -> Result<i64, StoreError> {
    sqlx::query_scalar("SELECT version FROM reference_versions WHERE id = 1")
        .fetch_one(&store.pool)
        .await
        .map_err(|e| other(e, "reference version"))
}

/// The rows of one page over `scope`, each with its `ref_version`.
async fn page(
    store: &PgStore,
    q: &WorkListQuery,
    scope: &ScopeSet,
) -> Result<Vec<PgRow>, StoreError> {
    let lanes = lanes(q, &scope.ids);
    let mut qb = match &lanes {
        Some(lanes) if lanes.is_empty() => return Ok(Vec::new()),
        Some(lanes) => by_lanes(q, lanes, &scope.ids),
        None => by_scope(q, &scope.ids),
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
    store: &PgStore,
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

/// How many dossiers the work list `q` holds (keyset and limit ignored):
/// a narrow scope counts the codes of its lanes' union, a wide one counts
/// with one statement.
pub(crate) async fn count(store: &PgStore, q: &WorkListQuery) -> Result<u64, StoreError> {
    let scope = scope_of(store, q).await?;
    let lanes = lanes(q, &scope.ids);
    let mut qb = match &lanes {
        Some(lanes) if lanes.is_empty() => return Ok(0),
        Some(lanes) => {
            let mut qb: QueryBuilder<Postgres> = QueryBuilder::new("SELECT COUNT(*) FROM (");
            push_lanes(&mut qb, q, lanes, &scope.ids, false);
            qb.push(") AS lanes");
            qb
        }
        None => {
            let mut qb = listed(&scope.ids);
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
        .fetch_one(&store.pool)
        .await
        .map_err(|e| other(e, "counting a work list"))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The lanes joined by `UNION` (not `UNION ALL`: a dossier received and
/// held by the same centre is in two lanes and counts once). A `page` lane
/// gives its first page of list columns; otherwise every code.
fn push_lanes<'a>(
    qb: &mut QueryBuilder<'a, Postgres>,
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
            "SELECT * FROM (SELECT {columns} FROM dossiers WHERE {} = ",
            lane.column.name()
        ))
        .push_bind(&lane.agency);
        if lane.check_other_in_scope {
            qb.push(format!(" AND {} = ANY(", lane.column.other().name()))
                .push_bind(scope)
                .push(")");
        }
        push_row_filters(qb, q);
        if page {
            push_page(qb, q);
        }
        qb.push(format!(") AS lane{i}"));
    }
}

/// The scope's agencies as the CTE `scope(id)` the wide-scope statements
/// test membership in (materialised once per statement, like the recursive
/// scope it replaces, so the planner still walks the due-date index).
fn listed(scope: &[String]) -> QueryBuilder<'_, Postgres> {
    let mut qb: QueryBuilder<Postgres> = QueryBuilder::new(
        "WITH scope(id) AS MATERIALIZED (SELECT CAST(x AS text) COLLATE \"C\" FROM unnest(",
    );
    qb.push_bind(scope).push("::text[]) AS x) ");
    qb
}

/// A wide scope: one statement over the scope's agencies.
fn by_scope<'a>(q: &'a WorkListQuery, scope: &'a [String]) -> QueryBuilder<'a, Postgres> {
    let mut qb = listed(scope);
    qb.push(format!(
        "SELECT {LIST_COLUMNS}{REF_VERSION} FROM dossiers WHERE (current_agency IN (SELECT id FROM scope) \
         OR receiving_unit IN (SELECT id FROM scope))"
    ));
    push_filters(&mut qb, q);
    push_page(&mut qb, q);
    qb
}
