//! Turning an outbox row into a CloudEvent.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use motcua_app::exchange::obstacle::{MESSAGE_PREFIX, ObstacleOutboxPayload};
use motcua_app::exchange::{CloudEvent, DossierSummary};
use motcua_app::ports::dossiers::OutboxRecord;
use motcua_app::ports::{AgencyFilter, Store};
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

/// Agencies read per page when the builder loads them all.
const AGENCY_PAGE: u32 = 2_000;

/// Builds events for one province, caching the commune of each agency.
pub struct EnvelopeBuilder {
    store: Arc<dyn Store>,
    province: String,
    communes: Mutex<HashMap<String, Option<String>>>,
    /// Whether every agency's commune was read at once (on the first miss).
    loaded: AtomicBool,
}

impl EnvelopeBuilder {
    /// For `province` (statistics code), reading agencies and, for rows
    /// written before summaries existed, dossier events from `store`.
    pub fn new(store: Arc<dyn Store>, province: impl Into<String>) -> Self {
        Self {
            store,
            province: province.into(),
            communes: Mutex::new(HashMap::new()),
            loaded: AtomicBool::new(false),
        }
    }

    /// Reads every agency's commune in a few pages, once: a relay's first
    /// batch otherwise read each agency it met one by one (about 40 ms for
    /// the first 1,000 events of a seeded province against 4 ms once
    /// cached, issue 19 item 4). An agency added later is read alone on
    /// its first miss, as before.
    async fn load_all(&self) {
        if self.loaded.swap(true, Ordering::AcqRel) {
            return;
        }
        let mut offset = 0u32;
        loop {
            let filter = AgencyFilter {
                limit: AGENCY_PAGE,
                offset,
                ..AgencyFilter::default()
            };
            let Ok((page, _)) = self.store.list_agencies(&filter).await else {
                // The one-by-one reads still answer; nothing is lost.
                return;
            };
            let Ok(mut cache) = self.communes.lock() else {
                return;
            };
            let n = u32::try_from(page.len()).unwrap_or(u32::MAX);
            for a in page {
                cache.entry(a.id).or_insert(Some(a.unit_code));
            }
            if n < AGENCY_PAGE {
                return;
            }
            offset = offset.saturating_add(n);
        }
    }

    async fn commune_of(&self, agency: &str) -> Option<String> {
        if let Some(hit) = self.communes.lock().ok()?.get(agency) {
            return hit.clone();
        }
        if !self.loaded.load(Ordering::Acquire) {
            self.load_all().await;
            if let Some(hit) = self.communes.lock().ok()?.get(agency) {
                return hit.clone();
            }
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
