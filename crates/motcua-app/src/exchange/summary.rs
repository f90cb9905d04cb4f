//! The dossier summary carried by every exchange event: what a sink or the
//! national hub needs to index a dossier, and no personal data (no name,
//! identifier or contact of the applicant).

use chrono::{DateTime, Utc};
use motcua_domain::dossier::{Dossier, MilestoneKind};
use serde::{Deserialize, Serialize};

/// Index facts of a dossier at one version (schema `motcua.dossier-summary.v1`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierSummary {
    /// Mã hồ sơ.
    pub code: String,
    /// Version after the event.
    pub version: u64,
    /// National procedure code (mã TTHC).
    pub procedure_code: String,
    /// Procedure catalog version.
    pub procedure_version: u32,
    /// Local main status key, e.g. `processing`.
    pub status: String,
    /// Local sub-status key.
    pub sub_status: String,
    /// Portal status `TrangThaiHoSo` 1–10.
    pub portal_status: u8,
    /// Kênh thực hiện: 1 in person, 2 online, 3 post.
    pub channel: u8,
    /// Nơi tiếp nhận (receiving agency identifier).
    pub receiving_agency: String,
    /// Cơ quan giải quyết.
    pub deciding_agency: String,
    /// The agency holding the dossier.
    pub current_agency: String,
    /// 1 citizen, 2 organisation (`LoaiDoiTuong`).
    pub applicant_kind: u8,
    /// When filed.
    pub submitted_at: DateTime<Utc>,
    /// Ngày tiếp nhận.
    pub received_at: Option<DateTime<Utc>>,
    /// Ngày hẹn trả.
    pub due_at: Option<DateTime<Utc>>,
    /// Ngày kết thúc xử lý: first result, return, stop, refusal or withdrawal.
    pub finished_at: Option<DateTime<Utc>>,
    /// Ngày trả kết quả.
    pub returned_at: Option<DateTime<Utc>>,
    /// Whether it counts as late (766): a second supplement request, or an
    /// end judged late by the one on-time rule.
    pub counts_late: bool,
    /// The 766 verdict once finished: on time (`true`) or late, from the one
    /// on-time rule (`Dossier::on_time`); the hub's totals count it.
    pub on_time: Option<bool>,
    /// Number of supplement requests.
    pub supplement_count: u32,
    /// Whether some component has an electronic copy (`HoSoCoThanhPhanSoHoa`).
    pub digitised: bool,
    /// Total fees requested, in đồng.
    pub fees_vnd: u64,
}

impl DossierSummary {
    /// The blank summary of an event that is not about a dossier (an
    /// obstacle event), left out of its JSON.
    pub fn is_blank(&self) -> bool {
        self.code.is_empty() && self.version == 0
    }

    /// The summary of `d` as of `at` (the event's instant).
    pub fn of(d: &Dossier, at: DateTime<Utc>) -> Self {
        let finished_at = d
            .history
            .iter()
            .find(|m| {
                matches!(
                    m.kind,
                    MilestoneKind::ResultReady
                        | MilestoneKind::Returned
                        | MilestoneKind::Stopped
                        | MilestoneKind::RefusedAtReception
                        | MilestoneKind::Withdrawn
                )
            })
            .map(|m| m.at);
        let on_time = finished_at
            .filter(|_| d.received_at.is_some())
            .map(|_| d.on_time(at).is_on_time());
        let digitised = d.components.iter().any(|c| {
            matches!(
                c.state,
                motcua_domain::dossier::ComponentState::Submitted { digitised: true }
            )
        });
        let applicant_kind = match d.applicant.id {
            motcua_domain::dossier::ApplicantId::Citizen(_) => 1,
            motcua_domain::dossier::ApplicantId::Organisation(_) => 2,
        };
        Self {
            code: d.code.as_str().to_owned(),
            version: d.version,
            procedure_code: d.procedure.code.clone(),
            procedure_version: d.procedure.version,
            status: d.status.status.key().to_owned(),
            sub_status: d.status.sub.key().to_owned(),
            portal_status: d.portal_status().map(|p| p.code()).unwrap_or(1),
            channel: d.channel.code(),
            receiving_agency: d.receiving_unit.as_str().to_owned(),
            deciding_agency: d.deciding_agency.as_str().to_owned(),
            current_agency: d.current_agency.as_str().to_owned(),
            applicant_kind,
            submitted_at: d.submitted_at,
            received_at: d.received_at,
            due_at: d.due_at,
            finished_at,
            returned_at: d.returned_at,
            counts_late: d.counts_late,
            on_time,
            supplement_count: d.supplement_count,
            digitised,
            fees_vnd: d.fees_vnd(),
        }
    }
}
