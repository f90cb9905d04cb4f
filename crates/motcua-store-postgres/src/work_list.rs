//! Reading one page of a work list on PostgreSQL.
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
use sqlx::{PgPool, Postgres, QueryBuilder};

use crate::dossier_rows::list_row;
use crate::dossiers::{LIST_COLUMNS, push_filters, push_row_filters, scoped};
use crate::other;

/// One page of the work list `q`.
pub(crate) async fn read(pool: &PgPool, q: &WorkListQuery) -> Result<Vec<WorkListRow>, StoreError> {
    let mut sized = scoped(&q.scope_agency, &q.also_scope);
    sized.push("SELECT id FROM scope ORDER BY id");
    let scope: Vec<String> = sized
        .build_query_scalar()
        .fetch_all(pool)
        .await
        .map_err(|e| other(e, "reading a work-list scope"))?;
    let lanes = lanes(q, &scope);
    let mut qb = match &lanes {
        Some(lanes) if lanes.is_empty() => return Ok(Vec::new()),
        Some(lanes) => by_lanes(q, lanes, &scope),
        None => by_scope(q),
    };
    let rows = qb
        .build()
        .fetch_all(pool)
        .await
        .map_err(|e| other(e, "reading a work list"))?;
    rows.iter().map(list_row).collect()
}

/// `ASC`/`DESC` and the keyset comparison of the query's order.
fn order(q: &WorkListQuery) -> (&'static str, &'static str) {
    if q.descending {
        ("<", "DESC")
    } else {
        (">", "ASC")
    }
}

/// The keyset condition and the order with its limit.
fn push_page<'a>(qb: &mut QueryBuilder<'a, Postgres>, q: &'a WorkListQuery) {
    let (cmp, order) = order(q);
    if let Some((due, code)) = &q.after {
        qb.push(format!(" AND (due_key {cmp} "))
            .push_bind(*due)
            .push(" OR (due_key = ")
            .push_bind(*due)
            .push(format!(" AND code {cmp} "))
            .push_bind(code)
            .push("))");
    }
    qb.push(format!(" ORDER BY due_key {order}, code {order} LIMIT "))
        .push_bind(i64::from(q.limit));
}

/// The union of every lane's first page, cut to one page.
fn by_lanes<'a>(
    q: &'a WorkListQuery,
    lanes: &'a [Lane],
    scope: &'a [String],
) -> QueryBuilder<'a, Postgres> {
    let mut qb: QueryBuilder<Postgres> = QueryBuilder::new("");
    for (i, lane) in lanes.iter().enumerate() {
        if i > 0 {
            // UNION, not UNION ALL: a dossier received and held by the
            // same centre is in two lanes and listed once.
            qb.push(" UNION ");
        }
        qb.push(format!(
            "SELECT * FROM (SELECT {LIST_COLUMNS} FROM dossiers WHERE {} = ",
            lane.column.name()
        ))
        .push_bind(&lane.agency);
        if lane.check_other_in_scope {
            qb.push(format!(" AND {} = ANY(", lane.column.other().name()))
                .push_bind(scope)
                .push(")");
        }
        push_row_filters(&mut qb, q);
        push_page(&mut qb, q);
        qb.push(format!(") AS lane{i}"));
    }
    let (_, order) = order(q);
    qb.push(format!(" ORDER BY due_key {order}, code {order} LIMIT "))
        .push_bind(i64::from(q.limit));
    qb
}

/// A wide scope: one statement over the recursive permission scope.
fn by_scope(q: &WorkListQuery) -> QueryBuilder<'_, Postgres> {
    let mut qb = scoped(&q.scope_agency, &q.also_scope);
    qb.push(format!(
        "SELECT {LIST_COLUMNS} FROM dossiers WHERE (current_agency IN (SELECT id FROM scope) \
         OR receiving_unit IN (SELECT id FROM scope))"
    ));
    push_filters(&mut qb, q);
    push_page(&mut qb, q);
    qb
}
