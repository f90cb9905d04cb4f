//! Forms 02–06 of the one-stop desk (supplement request, refusal, apology
//! and extension, stop notice, process-control sheet): the dossier and its
//! recorded events, for an officer whose agency covers it or for the
//! holder of the QR secret. The web layer lays each form out.

use motcua_domain::dossier::{Dossier, Event};

use super::DossierService;
use super::access::Accessor;
use super::error::DossierError;
use super::procedures::ProcedureFacts;

/// What forms 02–06 are made from.
#[derive(Debug, Clone)]
pub struct FormsSource {
    /// The dossier's state.
    pub dossier: Dossier,
    /// Its events, oldest first (reasons, who acted and when).
    pub events: Vec<Event>,
    /// The receiving unit's name (the identifier when unknown).
    pub receiving_unit_name: String,
    /// The deciding agency's name (the identifier when unknown).
    pub deciding_agency_name: String,
    /// The procedure's catalog facts, when known.
    pub procedure: Option<ProcedureFacts>,
}

impl DossierService {
    /// The facts of forms 02–06 for `who` (see [`DossierService::authorize`]:
    /// 404 for an unknown code or a wrong verifier, 403 out of scope).
    #[tracing::instrument(level = "info", skip_all, fields(dossier = %code))]
    pub async fn forms_source(
        &self,
        who: &Accessor,
        code: &str,
    ) -> Result<FormsSource, DossierError> {
        let dossier = self.authorize(who, code).await?;
        let events = self
            .store
            .dossier_events(dossier.code.as_str())
            .await?
            .iter()
            .map(|e| {
                serde_json::from_str(&e.event_json).map_err(|e| DossierError::Unexpected(e.into()))
            })
            .collect::<Result<Vec<Event>, _>>()?;
        let name = |id: &str| {
            let id = id.to_owned();
            async move {
                self.cached_agency(&id)
                    .await
                    .map(|a| a.map_or_else(|| id.clone(), |a| a.name))
            }
        };
        let receiving_unit_name = name(dossier.receiving_unit.as_str()).await?;
        let deciding_agency_name = name(dossier.deciding_agency.as_str()).await?;
        let day = super::local_day(dossier.received_at.unwrap_or(dossier.submitted_at));
        let procedure = self
            .procedures
            .procedure(&dossier.procedure.code, day)
            .await;
        Ok(FormsSource {
            dossier,
            events,
            receiving_unit_name,
            deciding_agency_name,
            procedure,
        })
    }
}
