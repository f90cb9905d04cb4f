//! The dossiers of a unit subtree for the Decision 766 index, read narrow:
//! the table `dossier_index_facts` keeps, per dossier, what the index
//! filters on (receiving agency, procedure, received and updated instants,
//! whether the status ends the dossier) and the dossier's
//! [`DossierFact`](motcua_domain::service_index::DossierFact) as compact
//! JSON, written by [`write_index_fact`] in the same transaction as every
//! write of the dossier's projection row. The index reads only that table
//! (joined to the agencies for the unit), never the dossier's whole state.
//!
//! The fact is the domain's own reduction (`DossierFact::of`), so the one
//! on-time rule is judged in Rust on its history and due date, at the
//! period's end. A row whose `fact` is NULL (a dossier written before
//! migration 0032, or a state that did not parse) is derived from the whole
//! state on read and written back.

/// Stamps `impl IndexFacts for crate::Engine` and `write_index_fact`.
/// `$instant` wraps an instant for comparison (`"julianday"` on SQLite's
/// text instants, `""` on PostgreSQL's `timestamptz`).
#[macro_export]
macro_rules! index_fact_store {
    ($instant:literal) => {
        use async_trait::async_trait;
        use motcua_app::StoreError;
        use motcua_app::ports::dossiers::DossierProjection;
        use motcua_app::ports::index_facts::IndexFacts;
        use motcua_app::ports::service_index::FactScope;
        use motcua_domain::dossier::Dossier;
        use motcua_domain::service_index::DossierFact;
        use sqlx::Row;

        use crate::{Engine, EngineConnection, other};

        /// The statuses that end a dossier (the index's "closed before the
        /// period" filter).
        const CLOSING_STATUSES: [&str; 5] = [
            "result_ready",
            "returned",
            "refused_at_reception",
            "withdrawn",
            "stopped",
        ];

        /// Keeps the index's row of the dossier `p` in the caller's
        /// transaction: called wherever the projection row is written. A
        /// state that does not parse is kept without its fact (derived, or
        /// refused, when the index reads it).
        pub(crate) async fn write_index_fact(
            conn: &mut EngineConnection,
            p: &DossierProjection,
        ) -> Result<(), StoreError> {
            let fact = match serde_json::from_str::<Dossier>(&p.state_json) {
                Ok(d) => Some(
                    serde_json::to_string(&DossierFact::of(&d, ""))
                        .map_err(|e| other(e, "writing an index fact"))?,
                ),
                Err(err) => {
                    tracing::warn!(code = %p.code, error = %err, "index fact not derived");
                    None
                }
            };
            sqlx::query(
                "INSERT INTO dossier_index_facts \
                 (code, receiving_unit, procedure_code, received_at, updated_at, closed, fact) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO UPDATE SET \
                 receiving_unit = excluded.receiving_unit, procedure_code = excluded.procedure_code, \
                 received_at = excluded.received_at, updated_at = excluded.updated_at, \
                 closed = excluded.closed, fact = excluded.fact",
            )
            .bind(&p.code)
            .bind(&p.receiving_unit)
            .bind(&p.procedure_code)
            .bind(p.received_at)
            .bind(p.updated_at)
            .bind(CLOSING_STATUSES.contains(&p.status.as_str()))
            .bind(fact)
            .execute(&mut *conn)
            .await
            .map_err(|e| other(e, "writing an index fact"))?;
            Ok(())
        }

        impl Engine {
            /// Writes back the facts derived on read (best effort: the read
            /// is right without them, only slower next time).
            async fn keep_derived_facts(&self, derived: &[(String, String)]) {
                let result: Result<(), sqlx::Error> = async {
                    let mut tx = self.pool.begin().await?;
                    for (code, fact) in derived {
                        sqlx::query(
                            "UPDATE dossier_index_facts SET fact = $1 \
                             WHERE code = $2 AND fact IS NULL",
                        )
                        .bind(fact)
                        .bind(code)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await
                }
                .await;
                if let Err(err) = result {
                    tracing::warn!(error = %err, "index facts derived on read not kept");
                }
            }
        }

        #[async_trait]
        impl IndexFacts for Engine {
            #[tracing::instrument(level = "debug", skip_all, fields(units = scope.units.len()))]
            async fn index_dossier_facts(
                &self,
                scope: &FactScope,
            ) -> Result<Vec<DossierFact>, StoreError> {
                if scope.units.is_empty() {
                    return Ok(Vec::new());
                }
                let f = $instant;
                let first_unit = 3 + usize::from(scope.procedure.is_some());
                let units: Vec<String> = (0..scope.units.len())
                    .map(|i| format!("${}", i + first_unit))
                    .collect();
                let procedure = if scope.procedure.is_some() {
                    " AND x.procedure_code = $3"
                } else {
                    ""
                };
                let sql = format!(
                    "SELECT x.code, a.unit_code AS unit, x.fact, \
                     CASE WHEN x.fact IS NULL THEN \
                     (SELECT d.state{json} FROM dossiers d WHERE d.code = x.code) END AS state \
                     FROM dossier_index_facts x JOIN agencies a ON a.id = x.receiving_unit \
                     WHERE x.received_at IS NOT NULL AND {f}(x.received_at) < {f}($2) \
                     AND ({f}(x.updated_at) >= {f}($1) OR NOT x.closed){procedure} \
                     AND a.unit_code IN ({units})",
                    json = crate::dialect::JSON_OUT,
                    units = units.join(", "),
                );
                let mut q = sqlx::query(&sql).bind(scope.from).bind(scope.to);
                if let Some(p) = &scope.procedure {
                    q = q.bind(p);
                }
                for u in &scope.units {
                    q = q.bind(u);
                }
                let rows = q
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| other(e, "reading the index's dossiers"))?;
                let mut derived = Vec::new();
                let facts = rows
                    .iter()
                    .map(|r| {
                        let unit: &str = r.try_get("unit").map_err(|e| other(e, "unit"))?;
                        if let Some(json) = r
                            .try_get::<Option<&str>, _>("fact")
                            .map_err(|e| other(e, "fact"))?
                        {
                            let mut fact: DossierFact = serde_json::from_str(json)
                                .map_err(|e| other(e, "index fact"))?;
                            unit.clone_into(&mut fact.unit_code);
                            return Ok(fact);
                        }
                        let state = r
                            .try_get::<Option<&str>, _>("state")
                            .map_err(|e| other(e, "state"))?
                            .ok_or_else(|| {
                                other(anyhow::anyhow!("no dossier state"), "index fact")
                            })?;
                        let d: Dossier =
                            serde_json::from_str(state).map_err(|e| other(e, "dossier state"))?;
                        let fact = DossierFact::of(&d, unit);
                        derived.push((
                            fact.code.clone(),
                            serde_json::to_string(&fact).map_err(|e| other(e, "index fact"))?,
                        ));
                        Ok(fact)
                    })
                    .collect::<Result<Vec<_>, StoreError>>()?;
                if !derived.is_empty() {
                    self.keep_derived_facts(&derived).await;
                }
                Ok(facts)
            }
        }
    };
}
