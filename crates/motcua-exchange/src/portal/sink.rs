//! The portal sink: for each event, the dossier's `DongBoHoSoMC` sync and
//! the step's `CapNhatTienDoHoSoMC` progress. A dossier not yet received
//! (status 1) has nothing to sync. A payload missing required fields is
//! not sent: the row is parked with the list of missing fields.

use std::sync::Arc;

use async_trait::async_trait;
use motcua_app::exchange::CloudEvent;
use motcua_app::ports::Store;
use motcua_domain::catalog::ProcedureCode;
use motcua_domain::dossier::{Dossier, Event};

use super::client::PortalClient;
use super::map::{ProcedureNames, dong_bo, missing_fields, tien_do};
use crate::sink::{Sink, SinkError};

/// Sends events to the national portal.
pub struct PortalSink {
    store: Arc<dyn Store>,
    client: PortalClient,
}

impl PortalSink {
    /// Over a store (dossiers, catalog) and a portal client.
    pub fn new(store: Arc<dyn Store>, client: PortalClient) -> Self {
        Self { store, client }
    }

    async fn names(&self, d: &Dossier) -> ProcedureNames {
        let Ok(code) = ProcedureCode::parse(&d.procedure.code) else {
            return ProcedureNames::default();
        };
        match self
            .store
            .procedure_version(&code, d.procedure.version)
            .await
        {
            Ok(Some(v)) => ProcedureNames {
                name: v.procedure.name.clone(),
                field_code: v.procedure.field.code.clone().unwrap_or_default(),
                field_name: v.procedure.field.name.clone(),
            },
            _ => ProcedureNames::default(),
        }
    }

    async fn one(&self, event: &CloudEvent) -> Result<(), SinkError> {
        if event.is_obstacle() {
            // The portal synchronises dossiers only.
            return Ok(());
        }
        let stored = self
            .store
            .load_dossier(&event.subject)
            .await
            .map_err(|e| SinkError::transient(format!("loading {}: {e}", event.subject)))?
            .ok_or_else(|| SinkError::permanent(format!("no dossier {}", event.subject)))?;
        let d: Dossier = serde_json::from_str(&stored.projection.state_json)
            .map_err(|e| SinkError::permanent(format!("dossier state unreadable: {e}")))?;
        if d.received_at.is_none() && event.data.dossier.portal_status == 1 {
            return Ok(());
        }
        let item = dong_bo(&d, &self.names(&d).await);
        let missing = missing_fields(&item);
        if !missing.is_empty() {
            return Err(SinkError::permanent(format!(
                "thiếu trường bắt buộc / missing required fields: {}",
                missing.join(", ")
            )));
        }
        let first_sync = matches!(event.data.event.as_str(), "received" | "reception_refused")
            && event.data.dossier.version <= 2;
        self.client
            .call("DongBoHoSoMC", !first_sync, vec![item])
            .await?;
        if let Some(change) = &event.data.change {
            let step: Event = serde_json::from_value(change.clone())
                .map_err(|e| SinkError::permanent(format!("event unreadable: {e}")))?;
            self.client
                .call("CapNhatTienDoHoSoMC", true, vec![tien_do(&step, &d)])
                .await?;
        }
        Ok(())
    }
}

#[async_trait]
impl Sink for PortalSink {
    fn name(&self) -> &str {
        "portal"
    }

    async fn deliver(&self, events: &[CloudEvent]) -> Vec<Result<(), SinkError>> {
        let mut out = Vec::with_capacity(events.len());
        for e in events {
            out.push(self.one(e).await);
        }
        out
    }
}
