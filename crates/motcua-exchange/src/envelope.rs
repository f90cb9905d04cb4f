//! Turning an outbox row into a CloudEvent.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use motcua_app::exchange::obstacle::{MESSAGE_PREFIX, ObstacleOutboxPayload};
use motcua_app::exchange::{CloudEvent, DossierSummary};
use motcua_app::ports::Store;
use motcua_app::ports::dossiers::OutboxRecord;
use motcua_domain::dossier::{Event, replay};
use serde::Deserialize;

#[derive(Deserialize)]
struct Payload {
    code: String,
    version: u64,
    event: serde_json::Value,
    #[serde(default)]
    dossier: Option<DossierSummary>,
}

/// Builds events for one province, caching the commune of each agency.
pub struct EnvelopeBuilder {
    store: Arc<dyn Store>,
    province: String,
    communes: Mutex<HashMap<String, Option<String>>>,
}

impl EnvelopeBuilder {
    /// For `province` (statistics code), reading agencies and, for rows
    /// written before summaries existed, dossier events from `store`.
    pub fn new(store: Arc<dyn Store>, province: impl Into<String>) -> Self {
        Self {
            store,
            province: province.into(),
            communes: Mutex::new(HashMap::new()),
        }
    }

    async fn commune_of(&self, agency: &str) -> Option<String> {
        if let Some(hit) = self.communes.lock().ok()?.get(agency) {
            return hit.clone();
        }
        let unit = match self.store.get_agency(agency).await {
            Ok(found) => found.map(|a| a.unit_code),
            Err(_) => return None,
        };
        if let Ok(mut cache) = self.communes.lock() {
            cache.insert(agency.to_owned(), unit.clone());
        }
        unit
    }

    /// The summary at `version`, replayed from the stored events (for rows
    /// written without one).
    async fn replayed_summary(&self, code: &str, version: u64) -> Result<DossierSummary, String> {
        let rows = self
            .store
            .dossier_events(code)
            .await
            .map_err(|e| format!("reading events of {code}: {e}"))?;
        let events: Vec<Event> = rows
            .iter()
            .filter(|r| r.version <= version)
            .map(|r| serde_json::from_str(&r.event_json))
            .collect::<Result<_, _>>()
            .map_err(|e| format!("stored event of {code} unreadable: {e}"))?;
        let last_at = events.last().map(|e| e.at);
        let dossier = replay(events.iter())
            .map_err(|e| format!("replaying {code}: {e}"))?
            .ok_or_else(|| format!("no events for {code}"))?;
        Ok(DossierSummary::of(
            &dossier,
            last_at.unwrap_or(dossier.submitted_at),
        ))
    }

    /// The CloudEvent of an outbox row; an error means the row can never
    /// be delivered as it is (it goes to the dead letters).
    pub async fn build(&self, record: &OutboxRecord) -> Result<CloudEvent, String> {
        if record
            .row
            .message_type
            .starts_with(motcua_app::notices::FEEDBACK_MESSAGE_PREFIX)
        {
            // A feedback's notice (ADR 0032 point 9): for the notice sinks.
            return motcua_app::notices::feedback_cloud_event(
                &self.province,
                &record.row.message_type,
                &record.dossier_code,
                record.row.event_version,
                &record.row.payload_json,
            );
        }
        if record.row.message_type.starts_with(MESSAGE_PREFIX) {
            return self.obstacle(record);
        }
        let payload: Payload = serde_json::from_str(&record.row.payload_json)
            .map_err(|e| format!("outbox payload unreadable: {e}"))?;
        if payload.code != record.dossier_code || payload.version != record.row.event_version {
            return Err("outbox payload disagrees with its row".to_owned());
        }
        // Read from the tree already parsed, without copying it: the event
        // is checked (an unreadable one is a dead letter) and gives the time.
        let event = Event::deserialize(&payload.event)
            .map_err(|e| format!("outbox event unreadable: {e}"))?;
        let summary = match payload.dossier {
            Some(s) => s,
            None => {
                self.replayed_summary(&payload.code, payload.version)
                    .await?
            }
        };
        let name = record
            .row
            .message_type
            .strip_prefix("dossier.")
            .unwrap_or(&record.row.message_type)
            .to_owned();
        let commune = self.commune_of(&summary.receiving_agency).await;
        Ok(CloudEvent::new(
            &self.province,
            commune,
            &name,
            event.at,
            summary,
            Some(payload.event),
        ))
    }

    /// The CloudEvent of an obstacle's outbox row (issue 16 item 5).
    fn obstacle(&self, record: &OutboxRecord) -> Result<CloudEvent, String> {
        let p: ObstacleOutboxPayload = serde_json::from_str(&record.row.payload_json)
            .map_err(|e| format!("obstacle outbox payload unreadable: {e}"))?;
        if p.code != record.dossier_code || p.version != record.row.event_version {
            return Err("outbox payload disagrees with its row".to_owned());
        }
        Ok(CloudEvent::obstacle(
            &self.province,
            &p.event,
            p.version,
            p.at,
            p.obstacle,
        ))
    }
}
