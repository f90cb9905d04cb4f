//! The OpenAPI shape of `GET /api/v1/workload` (issue 17). The answer is
//! `motcua_app::workload::WorkloadReport` serialised as is; these types only
//! describe it (the app crate knows no OpenAPI), and
//! `the_workload_schema_names_every_field_of_the_answer` keeps them in step.

use serde::Serialize;
use utoipa::ToSchema;

/// Actions split by when they happened (office hours, after hours on a
/// working day, weekend or holiday).
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionSplitDoc {
    /// All actions.
    pub actions: u64,
    /// Inside the office windows of a working day.
    pub office: u64,
    /// On a working day outside the windows (làm thêm giờ).
    pub after_hours: u64,
    /// On a weekend or holiday.
    pub non_working_day: u64,
}

/// Work of one unit and field.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldWorkDoc {
    /// Administrative unit code.
    pub unit_code: String,
    /// Field (lĩnh vực), folded.
    pub field: String,
    /// The expertise tag the field counts for.
    pub expertise: Option<String>,
    /// Dossiers submitted in the period.
    pub dossiers: u64,
    /// Of those, overdue.
    pub overdue: u64,
    /// Officers' actions split by when.
    pub actions: ActionSplitDoc,
    /// Working hours of the legal clock consumed by the field's officers:
    /// for each officer's action, the office time of working days since the
    /// dossier's previous event, summed (2 decimals).
    pub working_hours: f64,
}

/// Work of one unit, field and officer.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficerWorkDoc {
    /// Administrative unit code.
    pub unit_code: String,
    /// Field, folded.
    pub field: String,
    /// `officer:<id>`.
    pub officer: String,
    /// Distinct dossiers the officer acted on.
    pub dossiers_handled: u64,
    /// Actions split by when.
    pub actions: ActionSplitDoc,
    /// Working hours of the legal clock from each dossier's previous event
    /// to this officer's action, summed (2 decimals).
    pub working_hours: f64,
}

/// One week (Monday first) of the after-hours series.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeekPointDoc {
    /// The Monday (`YYYY-MM-DD`).
    pub week: String,
    /// Actions split by when.
    pub actions: ActionSplitDoc,
}

/// The measured workload of a unit's subtree over a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkloadAnswer {
    /// The scope's agency.
    pub unit: String,
    /// From (inclusive, RFC 3339).
    pub from: String,
    /// To (exclusive, RFC 3339).
    pub to: String,
    /// All actions split by when.
    pub totals: ActionSplitDoc,
    /// Share of actions outside office hours (after hours + non-working days).
    pub outside_share: f64,
    /// Working hours of the legal clock consumed by all officers.
    pub working_hours: f64,
    /// By unit and field, most dossiers first.
    pub fields: Vec<FieldWorkDoc>,
    /// By unit, field and officer, most dossiers first.
    pub officers: Vec<OfficerWorkDoc>,
    /// The after-hours series by week.
    pub weeks: Vec<WeekPointDoc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};
    use motcua_app::workload::{FieldWork, OfficerWork, WeekPoint, WorkloadReport};
    use motcua_domain::staff::workload::ActionSplit;

    fn keys(v: &serde_json::Value) -> Vec<String> {
        let mut k: Vec<String> = v
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        k.sort();
        k
    }

    #[test]
    fn the_workload_schema_names_every_field_of_the_answer() {
        let split = ActionSplit::default();
        let report = WorkloadReport {
            unit: "H55".into(),
            from: Utc.timestamp_opt(0, 0).unwrap(),
            to: Utc.timestamp_opt(0, 0).unwrap(),
            totals: split,
            outside_share: 0.0,
            working_hours: 0.0,
            fields: vec![FieldWork {
                unit_code: "05743".into(),
                field: "ho tich".into(),
                expertise: None,
                dossiers: 0,
                overdue: 0,
                actions: split,
                working_hours: 0.0,
            }],
            officers: vec![OfficerWork {
                unit_code: "05743".into(),
                field: "ho tich".into(),
                officer: "officer:a".into(),
                dossiers_handled: 0,
                actions: split,
                working_hours: 0.0,
            }],
            weeks: vec![WeekPoint {
                week: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
                actions: split,
            }],
        };
        let real = serde_json::to_value(&report).unwrap();
        let doc = WorkloadAnswer {
            unit: String::new(),
            from: String::new(),
            to: String::new(),
            totals: ActionSplitDoc {
                actions: 0,
                office: 0,
                after_hours: 0,
                non_working_day: 0,
            },
            outside_share: 0.0,
            working_hours: 0.0,
            fields: Vec::new(),
            officers: Vec::new(),
            weeks: Vec::new(),
        };
        let described = serde_json::to_value(&doc).unwrap();
        assert_eq!(keys(&real), keys(&described));
        assert_eq!(keys(&real["totals"]), keys(&described["totals"]));
        let field_keys = [
            "actions",
            "dossiers",
            "expertise",
            "field",
            "overdue",
            "unit_code",
            "working_hours",
        ];
        assert_eq!(keys(&real["fields"][0]), field_keys);
        let officer_keys = [
            "actions",
            "dossiers_handled",
            "field",
            "officer",
            "unit_code",
            "working_hours",
        ];
        assert_eq!(keys(&real["officers"][0]), officer_keys);
        assert_eq!(keys(&real["weeks"][0]), ["actions", "week"]);
    }
}
