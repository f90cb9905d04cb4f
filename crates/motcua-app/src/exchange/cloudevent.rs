//! Exchange events as CloudEvents 1.0 (JSON event format): the envelope
//! every sink receives, built from an outbox row. The schema is documented
//! in `docs/exchange.md` and `docs/asyncapi.yaml`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::obstacle::{OBSTACLE_DATA_SCHEMA, ObstacleSummary};
use super::summary::DossierSummary;

/// `specversion` of every event.
pub const SPEC_VERSION: &str = "1.0";
/// `dataschema` of the `data` member.
pub const DATA_SCHEMA: &str = "urn:motcua:schema:dossier-event:1";
/// Prefix of `type`: `vn.motcua.dossier.<event>`.
pub const TYPE_PREFIX: &str = "vn.motcua.";
/// Media type of one event.
pub const CONTENT_TYPE: &str = "application/cloudevents+json";
/// Media type of a batch of events.
pub const BATCH_CONTENT_TYPE: &str = "application/cloudevents-batch+json";

/// A CloudEvent carrying a dossier event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CloudEvent {
    /// Always `1.0`.
    pub specversion: String,
    /// Stable identifier `<province>.<dossier code>.<version>`: the same
    /// event always has the same id, so receivers de-duplicate by it.
    pub id: String,
    /// `urn:motcua:province:<code>`.
    pub source: String,
    /// `vn.motcua.dossier.<event>`, e.g. `vn.motcua.dossier.received`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The dossier code.
    pub subject: String,
    /// When the event happened.
    pub time: DateTime<Utc>,
    /// Always `application/json`.
    pub datacontenttype: String,
    /// [`DATA_SCHEMA`].
    pub dataschema: String,
    /// The payload.
    pub data: DossierEventData,
}

/// The `data` of a dossier event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DossierEventData {
    /// Statistics-office code of the province that produced it.
    pub province: String,
    /// Commune (xã) code of the receiving agency, when known.
    pub commune: Option<String>,
    /// Event name, e.g. `received`.
    pub event: String,
    /// The dossier's index facts after the event; blank (and left out of
    /// the JSON) in an obstacle event.
    #[serde(default, skip_serializing_if = "DossierSummary::is_blank")]
    pub dossier: DossierSummary,
    /// The obstacle case's index facts, in a `vn.motcua.obstacle.*` event
    /// (issue 16 item 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obstacle: Option<ObstacleSummary>,
    /// The domain event itself (may hold personal data of the applicant);
    /// left out of national syncs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<serde_json::Value>,
}

/// The source URI of a province.
pub fn source_of(province: &str) -> String {
    format!("urn:motcua:province:{province}")
}

/// The province named by a source URI.
pub fn province_of_source(source: &str) -> Option<&str> {
    source
        .strip_prefix("urn:motcua:province:")
        .filter(|p| !p.is_empty())
}

/// The stable event id.
pub fn event_id(province: &str, code: &str, version: u64) -> String {
    format!("{province}.{code}.{version}")
}

impl CloudEvent {
    /// Builds an event from its parts.
    pub fn new(
        province: &str,
        commune: Option<String>,
        event: &str,
        time: DateTime<Utc>,
        dossier: DossierSummary,
        change: Option<serde_json::Value>,
    ) -> Self {
        Self {
            specversion: SPEC_VERSION.to_owned(),
            id: event_id(province, &dossier.code, dossier.version),
            source: source_of(province),
            kind: format!("{TYPE_PREFIX}dossier.{event}"),
            subject: dossier.code.clone(),
            time,
            datacontenttype: "application/json".to_owned(),
            dataschema: DATA_SCHEMA.to_owned(),
            data: DossierEventData {
                province: province.to_owned(),
                commune,
                event: event.to_owned(),
                dossier,
                change,
                obstacle: None,
            },
        }
    }

    /// An obstacle event (`vn.motcua.obstacle.<event>`), id
    /// `<province>.<case id>.<version>`; the commune is the raising unit's
    /// code.
    pub fn obstacle(
        province: &str,
        event: &str,
        version: u64,
        time: DateTime<Utc>,
        obstacle: ObstacleSummary,
    ) -> Self {
        Self {
            specversion: SPEC_VERSION.to_owned(),
            id: event_id(province, &obstacle.id, version),
            source: source_of(province),
            kind: format!("{TYPE_PREFIX}obstacle.{event}"),
            subject: obstacle.id.clone(),
            time,
            datacontenttype: "application/json".to_owned(),
            dataschema: OBSTACLE_DATA_SCHEMA.to_owned(),
            data: DossierEventData {
                province: province.to_owned(),
                commune: Some(obstacle.unit_code.clone()).filter(|c| !c.is_empty()),
                event: event.to_owned(),
                dossier: DossierSummary::default(),
                change: None,
                obstacle: Some(obstacle),
            },
        }
    }

    /// Whether it is an obstacle event (dossier sinks skip it).
    pub fn is_obstacle(&self) -> bool {
        self.data.obstacle.is_some()
    }

    /// The same event without the domain change (no personal data): what a
    /// national sync carries.
    pub fn without_change(&self) -> Self {
        let mut e = self.clone();
        e.data.change = None;
        e
    }

    /// Checks the envelope's fixed members.
    pub fn check(&self) -> Result<(), String> {
        if self.specversion != SPEC_VERSION {
            return Err(format!("specversion {:?} ≠ 1.0", self.specversion));
        }
        if !self.kind.starts_with(TYPE_PREFIX) {
            return Err(format!("type {:?} is not vn.motcua.*", self.kind));
        }
        if self.id.is_empty() || self.id.len() > 200 {
            return Err("id empty or too long".to_owned());
        }
        let obstacle_kind = self.kind.starts_with(&format!("{TYPE_PREFIX}obstacle."));
        if obstacle_kind || self.data.obstacle.is_some() {
            return match &self.data.obstacle {
                Some(o) if obstacle_kind && self.subject == o.id && !o.id.is_empty() => Ok(()),
                _ => {
                    Err("obstacle event without its case, or subject ≠ data.obstacle.id".to_owned())
                }
            };
        }
        if self.subject != self.data.dossier.code {
            return Err("subject ≠ data.dossier.code".to_owned());
        }
        if !(1..=10).contains(&self.data.dossier.portal_status)
            || !(1..=3).contains(&self.data.dossier.channel)
        {
            return Err("portal_status or channel out of range".to_owned());
        }
        Ok(())
    }
}
