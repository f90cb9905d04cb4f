//! Obstacle cases (vướng mắc, issue 16 item 5) on the exchange: the summary
//! each `vn.motcua.obstacle.<event>` CloudEvent carries, and the outbox rows
//! a case's write adds in its own transaction. Index facts only: the title,
//! category, units and dates, never the officers' names.

use chrono::{DateTime, Utc};
use motcua_domain::obstacle::{Obstacle, ObstacleEvent};
use serde::{Deserialize, Serialize};

use crate::ports::dossiers::OutboxRow;
use crate::ports::obstacles::ObstacleWrite;

/// `dataschema` of an obstacle event.
pub const OBSTACLE_DATA_SCHEMA: &str = "urn:motcua:schema:obstacle-event:1";
/// Prefix of an obstacle outbox row's `message_type`.
pub const MESSAGE_PREFIX: &str = "obstacle.";

/// Index facts of an obstacle case after an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObstacleSummary {
    /// The case id.
    pub id: String,
    /// Its version after the write.
    pub version: u64,
    /// Category key (`legal`, `it`, ...).
    pub category: String,
    /// Status key after the write (`submitted`, `answered`, ...).
    pub status: String,
    /// The case's title.
    pub title: String,
    /// The raising unit's agency.
    pub unit_agency: String,
    /// The raising unit's name.
    pub unit_name: String,
    /// The raising unit's code (the commune's statistics code).
    pub unit_code: String,
    /// The owner agency now.
    pub owner_agency: Option<String>,
    /// The owner's name.
    pub owner_name: Option<String>,
    /// The owner's level (`department`, `province`, `ministry`).
    pub owner_level: Option<String>,
    /// First submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// The answer is due.
    pub due_at: Option<DateTime<Utc>>,
    /// Answered at.
    pub answered_at: Option<DateTime<Utc>>,
    /// The group's case, once merged.
    pub merged_into: Option<String>,
}

impl ObstacleSummary {
    /// The summary of a case.
    pub fn of(o: &Obstacle) -> Self {
        Self {
            id: o.id.clone(),
            version: o.version,
            category: o.draft.category.clone(),
            status: o.status.as_str().to_owned(),
            title: o.draft.title.clone(),
            unit_agency: o.draft.unit_agency.clone(),
            unit_name: o.draft.unit_name.clone(),
            unit_code: o.draft.unit_code.clone(),
            owner_agency: o.owner.as_ref().map(|w| w.agency.clone()),
            owner_name: o.owner.as_ref().map(|w| w.name.clone()),
            owner_level: o
                .owner
                .as_ref()
                .and_then(|w| serde_json::to_value(w.level).ok())
                .and_then(|v| v.as_str().map(str::to_owned)),
            submitted_at: o.submitted_at,
            due_at: o.due_at,
            answered_at: o.answer.as_ref().map(|a| a.at),
            merged_into: o.merged_into.clone(),
        }
    }
}

/// The payload of an obstacle outbox row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObstacleOutboxPayload {
    /// The case id (the outbox row's ordering key).
    pub code: String,
    /// The event's version.
    pub version: u64,
    /// The event name (`submitted`, ...).
    pub event: String,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// The case after the write.
    pub obstacle: ObstacleSummary,
}

/// Whether an event travels: every step after the (private) draft.
fn travels(e: &ObstacleEvent) -> bool {
    e.payload.type_name() != "drafted"
}

/// The outbox rows of one write, one per travelling event, keyed by the
/// case id so the relay keeps a case's events in order. Each carries the
/// case as it is after the whole write (the hub keeps the highest version).
pub fn outbox_rows(w: &ObstacleWrite) -> Result<Vec<(String, OutboxRow)>, serde_json::Error> {
    let summary = ObstacleSummary::of(&w.row.obstacle);
    let mut rows = Vec::new();
    for e in w.events.iter().filter(|e| travels(e)) {
        let payload = ObstacleOutboxPayload {
            code: summary.id.clone(),
            version: e.version,
            event: e.payload.type_name().to_owned(),
            at: e.at,
            obstacle: summary.clone(),
        };
        rows.push((
            summary.id.clone(),
            OutboxRow {
                event_version: e.version,
                message_type: format!("{MESSAGE_PREFIX}{}", e.payload.type_name()),
                payload_json: serde_json::to_string(&payload)?,
                created_at: e.at,
            },
        ));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::exchange::CloudEvent;
    use crate::exchange::national::NationalObstacles;
    use crate::ports::national::NationalObstacleRow;

    fn summary(id: &str) -> ObstacleSummary {
        ObstacleSummary {
            id: id.into(),
            version: 2,
            category: "HA_TANG_CNTT".into(),
            status: "submitted".into(),
            title: "Mất kết nối".into(),
            unit_agency: "H55.X05743".into(),
            unit_name: "Xã A".into(),
            unit_code: "05743".into(),
            owner_agency: Some("H55.S10".into()),
            owner_name: Some("Sở KH&CN".into()),
            owner_level: Some("department".into()),
            submitted_at: None,
            due_at: None,
            answered_at: None,
            merged_into: None,
        }
    }

    #[test]
    fn an_obstacle_event_checks_its_case_and_leaves_the_dossier_out() {
        let at = Utc.with_ymd_and_hms(2026, 11, 20, 3, 0, 0).unwrap();
        let e = CloudEvent::obstacle("19", "submitted", 2, at, summary("VM-1"));
        assert_eq!(e.id, "19.VM-1.2");
        assert_eq!(e.kind, "vn.motcua.obstacle.submitted");
        assert!(e.check().is_ok());
        let json = serde_json::to_value(&e).unwrap();
        assert!(json["data"].get("dossier").is_none());
        assert_eq!(json["data"]["obstacle"]["id"], "VM-1");
        let back: CloudEvent = serde_json::from_value(json).unwrap();
        assert_eq!(back, e);
        let mut wrong = e.clone();
        wrong.subject = "VM-2".into();
        assert!(wrong.check().is_err());
        let mut bare = e.clone();
        bare.data.obstacle = None;
        assert!(bare.check().is_err(), "an obstacle type without its case");
    }

    #[test]
    fn the_national_picture_counts_open_cases_and_colours_34_tiles() {
        let now = Utc.with_ymd_and_hms(2026, 11, 20, 3, 0, 0).unwrap();
        let row = |province: &str, id: &str, overdue: bool| NationalObstacleRow {
            event_id: format!("{province}.{id}.2"),
            province: province.into(),
            id: id.into(),
            version: 2,
            event_type: "submitted".into(),
            category: "HA_TANG_CNTT".into(),
            status: "submitted".into(),
            title: "t".into(),
            unit_agency: "a".into(),
            unit_name: "n".into(),
            commune: "c".into(),
            owner_agency: Some("H55.S10".into()),
            owner_name: Some("Sở KH&CN".into()),
            owner_level: None,
            submitted_at: Some(now),
            due_at: Some(now + chrono::Duration::days(if overdue { -1 } else { 1 })),
            answered_at: None,
            received_at: now,
        };
        let p = NationalObstacles::build(
            vec![
                row("19", "a", true),
                row("19", "b", false),
                row("01", "c", false),
            ],
            now,
        );
        assert_eq!((p.open, p.overdue), (3, 1));
        assert_eq!(p.tiles.len(), 34);
        assert_eq!(p.by_province[0].key, "19");
        assert_eq!(p.by_province[0].open, 2);
        let tile = |c: &str| p.tiles.iter().find(|t| t.code == c).unwrap();
        assert_eq!(tile("19").open, 2);
        assert!(tile("19").band >= 1 && tile("19").communes > 0);
        assert_eq!((tile("04").open, tile("04").band), (0, 0));
    }
}
