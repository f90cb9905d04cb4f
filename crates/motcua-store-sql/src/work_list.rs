//! Work lists: the list columns, the filters, the keyset page and the
//! union of lanes cut to one page. How a scope is read (lanes with
//! `INDEXED BY`, the wide-scope plan) and counted is each engine's own
//! (`push_lanes`, `read`, `count` in the engine's `work_list.rs`).

/// Stamps `LIST_COLUMNS`, `push_filters`, `push_row_filters`, `order`,
/// `push_page` and `by_lanes` into the engine's work-list module, which
/// defines `push_lanes`.
#[macro_export]
macro_rules! work_list_parts {
    () => {
        /// The columns of a work-list line (no state JSON).
        const LIST_COLUMNS: &str = "code, procedure_code, status, sub_status, portal_status, \
            receiving_unit, deciding_agency, current_agency, assignee, channel, applicant_id_masked, \
            applicant_name, received_at, due_at, due_key, counts_late, version";

        /// The work-list filters besides scope and keyset.
        fn push_filters<'a>(
            qb: &mut sqlx::QueryBuilder<'a, crate::Db>,
            q: &'a motcua_app::ports::dossiers::WorkListQuery,
        ) {
            if let Some(agency) = &q.agency {
                qb.push(" AND (current_agency = ")
                    .push_bind(agency)
                    .push(" OR receiving_unit = ")
                    .push_bind(agency)
                    .push(")");
            }
            push_row_filters(qb, q);
        }

        /// The filters on a dossier's own fields: status, assignee, procedure,
        /// the register's period and the due-date windows.
        fn push_row_filters<'a>(
            qb: &mut sqlx::QueryBuilder<'a, crate::Db>,
            q: &'a motcua_app::ports::dossiers::WorkListQuery,
        ) {
            if let Some(status) = &q.status {
                qb.push(" AND status = ").push_bind(status);
            }
            if let Some(assignee) = &q.assignee {
                qb.push(" AND assignee = ").push_bind(assignee);
            }
            if let Some(procedure) = &q.procedure {
                qb.push(" AND procedure_code = ").push_bind(procedure);
            }
            if let Some(limit) = q.due_at_or_before {
                qb.push(format!(
                    " AND {} AND due_key <= ",
                    crate::dialect::CLOCK_RUNNING
                ))
                .push_bind(limit);
            }
            if let Some((from, to)) = &q.register_period {
                qb.push(" AND ((received_at >= ")
                    .push_bind(*from)
                    .push(" AND received_at < ")
                    .push_bind(*to)
                    .push(") OR (received_at IS NULL AND submitted_at < ")
                    .push_bind(*to)
                    .push("))");
            }
            if let Some(now) = q.overdue_at {
                qb.push(format!(
                    " AND {} AND due_key < ",
                    crate::dialect::CLOCK_RUNNING
                ))
                .push_bind(now);
            }
        }

        /// `ASC`/`DESC` and the keyset comparison of the query's order.
        fn order(q: &motcua_app::ports::dossiers::WorkListQuery) -> (&'static str, &'static str) {
            if q.descending {
                ("<", "DESC")
            } else {
                (">", "ASC")
            }
        }

        /// The keyset condition and the order with its limit.
        fn push_page<'a>(
            qb: &mut sqlx::QueryBuilder<'a, crate::Db>,
            q: &'a motcua_app::ports::dossiers::WorkListQuery,
        ) {
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
            q: &'a motcua_app::ports::dossiers::WorkListQuery,
            lanes: &'a [motcua_app::ports::work_list_lanes::Lane],
            scope: &'a [String],
        ) -> sqlx::QueryBuilder<'a, crate::Db> {
            let mut qb: sqlx::QueryBuilder<crate::Db> = sqlx::QueryBuilder::new("");
            push_lanes(&mut qb, q, lanes, scope, true);
            let (_, order) = order(q);
            qb.push(format!(" ORDER BY due_key {order}, code {order} LIMIT "))
                .push_bind(i64::from(q.limit));
            qb
        }
    };
}
