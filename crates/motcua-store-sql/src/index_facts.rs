//! The dossiers of a unit subtree for the Decision 766 index: one query
//! over the projection joined to the receiving agency's unit, each state
//! reduced to a `DossierFact` by the domain.

/// Stamps `impl IndexFacts for crate::Engine`. `$instant` wraps an instant
/// for comparison: `"julianday"` on SQLite (text instants), `""` on
/// PostgreSQL (`timestamptz`).
#[macro_export]
macro_rules! index_fact_store {
    ($instant:literal) => {
        use async_trait::async_trait;
        use motcua_app::StoreError;
        use motcua_app::ports::index_facts::IndexFacts;
        use motcua_app::ports::service_index::FactScope;
        use motcua_domain::dossier::Dossier;
        use motcua_domain::service_index::DossierFact;
        use sqlx::Row;

        use crate::{Engine, other};

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
                let units: Vec<String> = (0..scope.units.len())
                    .map(|i| format!("${}", i + 3 + usize::from(scope.procedure.is_some())))
                    .collect();
                let procedure = if scope.procedure.is_some() {
                    " AND d.procedure_code = $3"
                } else {
                    ""
                };
                let sql = format!(
                    "SELECT a.unit_code AS unit, d.state{json} AS state \
                     FROM dossiers d JOIN agencies a ON a.id = d.receiving_unit \
                     WHERE d.received_at IS NOT NULL AND {f}(d.received_at) < {f}($2) \
                     AND ({f}(d.updated_at) >= {f}($1) OR d.status NOT IN \
                     ('result_ready', 'returned', 'refused_at_reception', 'withdrawn', 'stopped')){procedure} \
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
                rows.iter()
                    .map(|r| {
                        let unit: String = r.try_get("unit").map_err(|e| other(e, "unit"))?;
                        let state: &str = r.try_get("state").map_err(|e| other(e, "state"))?;
                        let d: Dossier = serde_json::from_str(state)
                            .map_err(|e| other(e, "dossier state"))?;
                        Ok(DossierFact::of(&d, &unit))
                    })
                    .collect()
            }
        }
    };
}
