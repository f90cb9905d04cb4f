//! Electronic results (issue 15 item 6) as the 766 index reads them.

/// Stamps `impl ElectronicResultFacts for crate::Engine`: every dossier
/// received by the scope's units (and of its procedure, when one is asked)
/// with a result document (an attachment of component `KQ`), at the time
/// of its first one. The attachment time is not filtered: the index decides
/// which period counts. Invoked by [`crate::engine_root!`].
#[macro_export]
macro_rules! electronic_result_facts {
    () => {
        #[async_trait::async_trait]
        impl motcua_app::ports::service_index::ElectronicResultFacts for Engine {
            async fn electronic_result_facts(
                &self,
                scope: &motcua_app::ports::service_index::FactScope,
            ) -> Result<
                Option<Vec<motcua_domain::service_index::facts::ElectronicResultFact>>,
                motcua_app::StoreError,
            > {
                use sqlx::Row;
                if scope.units.is_empty() {
                    return Ok(Some(Vec::new()));
                }
                let units: Vec<String> = (0..scope.units.len())
                    .map(|i| format!("${}", i + 2))
                    .collect();
                let procedure = if scope.procedure.is_some() {
                    format!(" AND d.procedure_code = ${}", scope.units.len() + 2)
                } else {
                    String::new()
                };
                let sql = format!(
                    "SELECT a.dossier_code, a.uploaded_at FROM dossier_attachments a \
                     JOIN dossiers d ON d.code = a.dossier_code \
                     JOIN agencies g ON g.id = d.receiving_unit \
                     WHERE a.component = $1 AND g.unit_code IN ({}){procedure} \
                     ORDER BY a.dossier_code, a.uploaded_at",
                    units.join(", ")
                );
                let mut query =
                    sqlx::query(&sql).bind(motcua_app::dossiers::sector::RESULT_COMPONENT);
                for u in &scope.units {
                    query = query.bind(u);
                }
                if let Some(p) = &scope.procedure {
                    query = query.bind(p);
                }
                let rows = query
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| other(e, "reading electronic results"))?;
                let mut facts: Vec<motcua_domain::service_index::facts::ElectronicResultFact> =
                    Vec::new();
                for r in &rows {
                    let code: String = r
                        .try_get("dossier_code")
                        .map_err(|e| other(e, "reading an electronic result"))?;
                    if facts.last().is_some_and(|f| f.dossier_code == code) {
                        continue;
                    }
                    facts.push(motcua_domain::service_index::facts::ElectronicResultFact {
                        dossier_code: code,
                        attached_at: r
                            .try_get("uploaded_at")
                            .map_err(|e| other(e, "reading an electronic result"))?,
                    });
                }
                Ok(Some(facts))
            }
        }
    };
}
