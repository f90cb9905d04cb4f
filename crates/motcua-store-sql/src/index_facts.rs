//! The dossiers of a unit subtree for the Decision 766 index: one query
//! over the projection joined to the receiving agency's unit. Only the
//! parts of each state the index reads leave the database (the history,
//! components, fees, rating and on-time due date), and the domain turns them
//! into a `DossierFact` exactly as it would the whole state; a state written
//! before `on_time_due_at` existed is sent whole and read by
//! `DossierFact::of`.

/// Stamps `impl IndexFacts for crate::Engine`. `$instant` wraps an instant
/// for comparison (`"julianday"` on SQLite's text instants, `""` on
/// PostgreSQL's `timestamptz`); `$field` is the expression of one top-level
/// field of the state as text, `{}` standing for its name
/// (`"json_extract(d.state, '$.{}')"`, `"d.state->>'{}'"`).
#[macro_export]
macro_rules! index_fact_store {
    ($instant:literal, $field:literal) => {
        use async_trait::async_trait;
        use chrono::{DateTime, Utc};
        use motcua_app::StoreError;
        use motcua_app::ports::index_facts::IndexFacts;
        use motcua_app::ports::service_index::FactScope;
        use motcua_domain::dossier::Dossier;
        use motcua_domain::service_index::DossierFact;
        use motcua_domain::service_index::dossier_fact::StateParts;
        use sqlx::Row;

        use crate::{Engine, other};

        fn field(name: &str) -> String {
            $field.replace("{}", name)
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
                    " AND d.procedure_code = $3"
                } else {
                    ""
                };
                let due = field("on_time_due_at");
                let sql = format!(
                    "SELECT d.code, d.procedure_code, d.channel, d.received_at, a.unit_code AS unit, \
                     {due} AS on_time_due_at, {history} AS history, {components} AS components, \
                     {fees} AS fees, {rating} AS rating, \
                     CASE WHEN {due} IS NULL THEN d.state{json} END AS legacy \
                     FROM dossiers d JOIN agencies a ON a.id = d.receiving_unit \
                     WHERE d.received_at IS NOT NULL AND {f}(d.received_at) < {f}($2) \
                     AND ({f}(d.updated_at) >= {f}($1) OR d.status NOT IN \
                     ('result_ready', 'returned', 'refused_at_reception', 'withdrawn', 'stopped')){procedure} \
                     AND a.unit_code IN ({units})",
                    history = field("history"),
                    components = field("components"),
                    fees = field("fees"),
                    rating = field("rating"),
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
                        let unit: &str = r.try_get("unit").map_err(|e| other(e, "unit"))?;
                        if let Some(state) = r
                            .try_get::<Option<&str>, _>("legacy")
                            .map_err(|e| other(e, "state"))?
                        {
                            let d: Dossier = serde_json::from_str(state)
                                .map_err(|e| other(e, "dossier state"))?;
                            return Ok(DossierFact::of(&d, unit));
                        }
                        let text = |name: &'static str| -> Result<&str, StoreError> {
                            r.try_get::<&str, _>(name).map_err(|e| other(e, name))
                        };
                        let due: Option<DateTime<Utc>> = r
                            .try_get::<Option<&str>, _>("on_time_due_at")
                            .map_err(|e| other(e, "on_time_due_at"))?
                            .map(|t| t.parse::<DateTime<Utc>>())
                            .transpose()
                            .map_err(|e| other(e, "on_time_due_at"))?;
                        let channel: i64 = r
                            .try_get::<i16, _>("channel")
                            .map(i64::from)
                            .or_else(|_| r.try_get::<i64, _>("channel"))
                            .map_err(|e| other(e, "channel"))?;
                        let parts = StateParts {
                            code: text("code")?,
                            procedure_code: text("procedure_code")?,
                            unit_code: unit,
                            channel: u8::try_from(channel).unwrap_or(0),
                            received_at: r
                                .try_get("received_at")
                                .map_err(|e| other(e, "received_at"))?,
                            on_time_due_at: due,
                            history: text("history")?,
                            components: text("components")?,
                            fees: text("fees")?,
                            rating: r
                                .try_get::<Option<&str>, _>("rating")
                                .map_err(|e| other(e, "rating"))?,
                        };
                        DossierFact::from_parts(&parts)
                            .map_err(|e| other(e, "dossier parts"))?
                            .ok_or_else(|| {
                                other(anyhow::anyhow!("no on-time due date"), "dossier parts")
                            })
                    })
                    .collect()
            }
        }
    };
}
