//! The read use cases: one dossier, work lists, public tracking.

use chrono::{DateTime, Utc};
use motcua_domain::clock::ClockRequest;
use motcua_domain::dossier::{AgencyId, Dossier, DossierStatus, Event, EventPayload};
use motcua_domain::legal_time::{TimeLimit, TimeUnit};
use serde::Serialize;

use super::DossierService;
use super::error::{DossierError, not_found_text};
use super::write::sha256_hex;
use crate::ports::dossiers::{StoredDossier, WorkListQuery, WorkListRow};

/// One event, as listed with a dossier.
#[derive(Debug, Clone, Serialize)]
pub struct EventSummary {
    /// Version it produced.
    pub version: u64,
    /// Type, e.g. `received`.
    pub event_type: String,
    /// Who (`officer:<id>`...).
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The stored files the event names (a `supplement_sent`), empty
    /// otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<motcua_domain::dossier::SuppliedFile>,
}

/// The files a stored `supplement_sent` event names (none for other
/// events, or an unreadable one).
fn supplied_files(event_type: &str, event_json: &str) -> Vec<motcua_domain::dossier::SuppliedFile> {
    if event_type != "supplement_sent" {
        return Vec::new();
    }
    match serde_json::from_str::<Event>(event_json).map(|e| e.payload) {
        Ok(EventPayload::SupplementSent { files }) => files,
        _ => Vec::new(),
    }
}

/// A dossier for officers: its whole state and its history.
#[derive(Debug, Clone, Serialize)]
pub struct DossierView {
    /// The state.
    pub dossier: Dossier,
    /// Portal status 1–10.
    pub portal_status: u8,
    /// Events, oldest first.
    pub events: Vec<EventSummary>,
}

/// Work-list filters as the officer gives them.
#[derive(Debug, Clone, Default)]
pub struct WorkListFilter {
    /// Only this agency (current or receiving).
    pub agency: Option<String>,
    /// Only this main status key.
    pub status: Option<String>,
    /// Only this assignee.
    pub assignee: Option<String>,
    /// Only this procedure (mã TTHC).
    pub procedure: Option<String>,
    /// Latest due date first.
    pub descending: bool,
    /// Only running dossiers due within this many working hours.
    pub due_within_hours: Option<u32>,
    /// Only overdue running dossiers.
    pub overdue: bool,
    /// Only dossiers a register of this period `[from, to)` can list
    /// (received in it, or never received and submitted before its end).
    pub register_period: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// The opaque cursor of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–500.
    pub limit: u32,
}

/// One page of a work list.
#[derive(Debug, Clone)]
pub struct WorkListPage {
    /// The lines.
    pub items: Vec<WorkListRow>,
    /// Cursor of the next page, if there may be one.
    pub next_cursor: Option<String>,
}

/// One step of the public timeline.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Event type.
    pub event: String,
    /// What happened, in Vietnamese.
    pub label_vi: String,
}

/// What the holder of a code and verifier may see: no names, no
/// identifiers, no officers.
#[derive(Debug, Clone, Serialize)]
pub struct TrackingView {
    /// Mã hồ sơ.
    pub code: String,
    /// Procedure code.
    pub procedure: String,
    /// Main status key.
    pub status: String,
    /// Status in Vietnamese.
    pub status_vi: String,
    /// Portal status 1–10.
    pub portal_status: u8,
    /// When received.
    pub received_at: Option<DateTime<Utc>>,
    /// Ngày hẹn trả.
    pub due_at: Option<DateTime<Utc>>,
    /// What the applicant must still bring: the papers of the open
    /// supplement request (empty when none is open).
    pub missing: Vec<String>,
    /// The timeline.
    pub timeline: Vec<TimelineEntry>,
    /// The reason of the open supplement request (form 02), if any.
    pub supplement_reason: Option<String>,
    /// The latest apology letter (form 04), if the dossier was late.
    pub apology: Option<ApologyView>,
    /// Whether the dossier counts as late.
    pub counts_late: bool,
    /// The applicant's rating (key, e.g. `very_satisfied`), once given.
    pub rating: Option<String>,
    /// The dossier's components (code and name), e.g. to supply one.
    pub components: Vec<ComponentView>,
    /// Why it was refused at reception (form 03) or stopped (form 05), as
    /// the officer wrote it: for the page of the QR secret's holder only,
    /// never in the JSON (the phone digits open that).
    #[serde(skip)]
    pub end_reason: Option<String>,
}

/// One tracking read (issue 21 item 2): the dossier's version and the
/// fingerprint of its files and payment orders, which verifier opened it,
/// and the view unless the caller already had this version.
#[derive(Debug, Clone)]
pub struct TrackedDossier {
    /// The dossier's version.
    pub version: u64,
    /// Changes with its files and payment orders (see
    /// [`crate::ports::dossiers::TrackingRead::freshness`]).
    pub freshness: String,
    /// Which verifier opened it.
    pub proof: VerifierProof,
    /// The view; `None` when the caller's known version is this one.
    pub view: Option<TrackingView>,
}

/// The apology letter (thư xin lỗi, form 04) as the holder sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ApologyView {
    /// When it was issued.
    pub at: DateTime<Utc>,
    /// The reason for the delay.
    pub reason: String,
    /// The due instant before.
    pub previous_due_at: Option<DateTime<Utc>>,
    /// The new due instant.
    pub new_due_at: DateTime<Utc>,
}

/// A component as the holder sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ComponentView {
    /// Code in the procedure (`TP1`...).
    pub code: String,
    /// Name.
    pub name: String,
}

fn label_vi(p: &EventPayload) -> &'static str {
    match p {
        EventPayload::Submitted { .. } => "Đã nộp hồ sơ trực tuyến",
        EventPayload::Received { .. } => "Đã tiếp nhận hồ sơ",
        EventPayload::ReceptionRefused { .. } => "Từ chối tiếp nhận",
        EventPayload::HandedOver { .. } => "Chuyển bước xử lý",
        EventPayload::SupplementRequested { .. } => "Yêu cầu bổ sung hồ sơ",
        EventPayload::SupplementSent { .. } => "Đã gửi giấy tờ bổ sung, chờ cán bộ kiểm tra",
        EventPayload::SupplementReceived { .. } => "Đã nhận hồ sơ bổ sung",
        EventPayload::PaymentRequested { .. } => "Yêu cầu nộp phí, lệ phí",
        EventPayload::PaymentRecorded { .. } => "Đã nộp phí, lệ phí",
        EventPayload::Transferred { .. } => "Chuyển cơ quan liên thông",
        EventPayload::TransferAccepted { .. } => "Cơ quan liên thông đã nhận hồ sơ",
        EventPayload::ProgressReported { .. } => "Cơ quan giải quyết cập nhật tiến độ xử lý",
        EventPayload::TransferDeclined { .. } => {
            "Cơ quan liên thông trả lại hồ sơ cho cơ quan đã chuyển"
        }
        EventPayload::ProcessingStopped { .. } => "Dừng giải quyết",
        EventPayload::Extended { .. } => "Xin lỗi và hẹn lại ngày trả kết quả",
        EventPayload::ResultReady { .. } => "Đã có kết quả",
        EventPayload::ResultReturned { .. } => "Đã trả kết quả",
        EventPayload::Withdrawn { .. } => "Đã rút hồ sơ",
        EventPayload::Rated { .. } => "Đã đánh giá",
    }
}

fn encode_cursor(due_key: i64, code: &str) -> String {
    format!("{due_key}|{code}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn decode_cursor(cursor: &str) -> Result<(i64, String), DossierError> {
    let bad = || {
        DossierError::invalid(
            "cursor",
            "Con trỏ trang không hợp lệ",
            "Invalid page cursor",
        )
    };
    if !cursor.len().is_multiple_of(2) || cursor.len() > 400 {
        return Err(bad());
    }
    let bytes = (0..cursor.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(cursor.get(i..i + 2).unwrap_or("zz"), 16))
        .collect::<Result<Vec<u8>, _>>()
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (due, code) = text.split_once('|').ok_or_else(bad)?;
    Ok((due.parse().map_err(|_| bad())?, code.to_owned()))
}

/// Constant-time comparison of two strings.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Which verifier opened a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifierProof {
    /// The QR secret of the receipt: everything the holder may see or do.
    Secret,
    /// The last four digits of the applicant's phone: the status only
    /// (10⁴ guesses are too few for personal data or actions).
    PhoneDigits,
}

/// A hash no secret has, compared against for an unknown code so that an
/// unknown code and a wrong verifier do the same work (review F31).
const NO_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Which verifier, if any, opens `stored` (compared in constant time);
/// `None` for an unknown code after the same comparisons.
pub(super) fn proof_of(stored: Option<&StoredDossier>, verifier: &str) -> Option<VerifierProof> {
    proof_of_parts(
        stored.map(|s| {
            (
                s.verifier_hash.as_str(),
                s.projection.phone_last4.as_deref(),
            )
        }),
        verifier,
    )
}

/// [`proof_of`] on the verifier hash and phone digits of a dossier, if one
/// was found.
fn proof_of_parts(stored: Option<(&str, Option<&str>)>, verifier: &str) -> Option<VerifierProof> {
    let verifier = verifier.trim();
    let (hash, phone) = stored.unwrap_or((NO_HASH, Some("\u{0}\u{0}\u{0}\u{0}")));
    let by_secret = same(&sha256_hex(verifier.as_bytes()), hash);
    let by_phone = verifier.len() == 4 && phone.is_some_and(|p| same(p, verifier));
    stored?;
    if by_secret {
        Some(VerifierProof::Secret)
    } else if by_phone {
        Some(VerifierProof::PhoneDigits)
    } else {
        None
    }
}

impl DossierService {
    /// Loads a dossier's state (404 when unknown).
    pub(super) async fn load(&self, code: &str) -> Result<Dossier, DossierError> {
        let stored = self
            .store
            .load_dossier(code)
            .await?
            .ok_or_else(|| DossierError::NotFound(not_found_text()))?;
        serde_json::from_str(&stored.projection.state_json)
            .map_err(|e| DossierError::Unexpected(e.into()))
    }

    async fn events(&self, code: &str) -> Result<Vec<Event>, DossierError> {
        self.store
            .dossier_events(code)
            .await?
            .iter()
            .map(|e| {
                serde_json::from_str(&e.event_json).map_err(|e| DossierError::Unexpected(e.into()))
            })
            .collect()
    }

    /// One dossier for an officer whose agency covers it.
    #[tracing::instrument(level = "info", skip_all, fields(dossier = %code))]
    pub async fn get(&self, officer: &AgencyId, code: &str) -> Result<DossierView, DossierError> {
        let code = self.parse_code(code)?;
        let dossier = self.load(code.as_str()).await?;
        self.check_scope(officer, &dossier).await?;
        let events = self
            .store
            .dossier_events(code.as_str())
            .await?
            .into_iter()
            .map(|e| EventSummary {
                files: supplied_files(&e.event_type, &e.event_json),
                version: e.version,
                event_type: e.event_type,
                actor: e.actor,
                at: e.at,
            })
            .collect();
        let portal_status = dossier
            .portal_status()
            .map_err(|e| DossierError::Unexpected(e.into()))?
            .code();
        Ok(DossierView {
            dossier,
            portal_status,
            events,
        })
    }

    /// A work list of the officer's agency and the agencies below it.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn work_list(
        &self,
        officer: &AgencyId,
        f: WorkListFilter,
    ) -> Result<WorkListPage, DossierError> {
        self.work_list_in(std::slice::from_ref(officer), f).await
    }

    /// A work list over several scope roots (an officer's role scopes): the
    /// dossiers of each root and the agencies below it, in one SQL query.
    /// No root gives an empty list.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn work_list_in(
        &self,
        roots: &[AgencyId],
        f: WorkListFilter,
    ) -> Result<WorkListPage, DossierError> {
        let Some((officer, more)) = roots.split_first() else {
            return Ok(WorkListPage {
                items: Vec::new(),
                next_cursor: None,
            });
        };
        if f.limit == 0 || f.limit > 500 {
            return Err(DossierError::invalid(
                "limit",
                "limit phải từ 1 đến 500",
                "limit must be between 1 and 500",
            ));
        }
        let query = self.work_list_query(officer, more, &f)?;
        let items = self.store.work_list(&query).await?;
        let next_cursor = (items.len() == f.limit as usize)
            .then(|| items.last().map(|r| encode_cursor(r.due_key, &r.code)))
            .flatten();
        Ok(WorkListPage { items, next_cursor })
    }

    /// How many dossiers a work list holds in all (cursor and limit ignored).
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn count_work_list(
        &self,
        officer: &AgencyId,
        mut f: WorkListFilter,
    ) -> Result<u64, DossierError> {
        f.cursor = None;
        let query = self.work_list_query(officer, &[], &f)?;
        Ok(self.store.count_work_list(&query).await?)
    }

    /// The store query of a work-list filter, permission-scoped.
    fn work_list_query(
        &self,
        officer: &AgencyId,
        more: &[AgencyId],
        f: &WorkListFilter,
    ) -> Result<WorkListQuery, DossierError> {
        if let Some(status) = &f.status
            && !DossierStatus::ALL.iter().any(|s| s.key() == status)
        {
            return Err(DossierError::invalid(
                "status",
                format!("Trạng thái không hợp lệ: {status}"),
                format!("Unknown status {status}"),
            ));
        }
        let now = self.now();
        let due_at_or_before = match f.due_within_hours {
            Some(hours) if hours > super::MAX_WORKING_HOURS => return Err(super::out_of_range()),
            Some(hours) => Some(
                self.clock(ClockRequest::new(
                    now,
                    TimeLimit {
                        amount: hours,
                        unit: TimeUnit::WorkingHours,
                    },
                ))?
                .timestamp_millis(),
            ),
            None => None,
        };
        Ok(WorkListQuery {
            scope_agency: officer.as_str().to_owned(),
            also_scope: more.iter().map(|a| a.as_str().to_owned()).collect(),
            agency: f.agency.clone(),
            status: f.status.clone(),
            assignee: f.assignee.clone(),
            procedure: f.procedure.clone(),
            descending: f.descending,
            due_at_or_before,
            overdue_at: f.overdue.then(|| now.timestamp_millis()),
            register_period: f.register_period,
            after: f.cursor.as_deref().map(decode_cursor).transpose()?,
            limit: f.limit,
        })
    }

    /// The applicant's personal ID, for the holder of the dossier code and
    /// its QR secret only (not the phone digits, too weak for personal
    /// data). `None` for an organisation. A wrong secret and an unknown
    /// code give the same 404.
    #[tracing::instrument(level = "info", skip_all, fields(dossier = %code))]
    pub async fn verified_applicant(
        &self,
        code: &str,
        secret: &str,
    ) -> Result<Option<motcua_domain::dossier::PersonalId>, DossierError> {
        let code = self.parse_code(code)?;
        let not_found = || DossierError::NotFound(not_found_text());
        let stored = self.store.load_dossier(code.as_str()).await?;
        // The same work for an unknown code as for a wrong secret (F31).
        if proof_of(stored.as_ref(), secret) != Some(VerifierProof::Secret) {
            return Err(not_found());
        }
        let stored = stored.ok_or_else(not_found)?;
        let d: Dossier = serde_json::from_str(&stored.projection.state_json)
            .map_err(|e| DossierError::Unexpected(e.into()))?;
        Ok(match d.applicant.id {
            motcua_domain::dossier::ApplicantId::Citizen(id) => Some(id),
            motcua_domain::dossier::ApplicantId::Organisation(_) => None,
        })
    }

    /// Public tracking: the code plus the QR secret or the last four
    /// digits of the applicant's phone. A wrong verifier and an unknown
    /// code give the same answer.
    #[tracing::instrument(level = "info", skip_all, fields(dossier = %code))]
    pub async fn track(&self, code: &str, verifier: &str) -> Result<TrackingView, DossierError> {
        self.track_read(code, verifier, None)
            .await?
            .view
            .ok_or_else(|| DossierError::Unexpected(anyhow::anyhow!("tracking read without state")))
    }

    /// Public tracking in one store read ([`crate::ports::dossiers::DossierStore::tracking_read`]):
    /// the verifier is checked on that read (an unknown code and a wrong
    /// verifier give the same 404 after the same work); the view is built
    /// only when `known_version` is not the dossier's version (a page kept
    /// for that version is still good, as far as the dossier goes).
    #[tracing::instrument(level = "debug", skip_all, fields(dossier = %code))]
    pub async fn track_read(
        &self,
        code: &str,
        verifier: &str,
        known_version: Option<u64>,
    ) -> Result<TrackedDossier, DossierError> {
        let code = self.parse_code(code)?;
        let not_found = || DossierError::NotFound(not_found_text());
        let read = self
            .store
            .tracking_read(code.as_str(), known_version)
            .await?;
        let proof = proof_of_parts(
            read.as_ref()
                .map(|r| (r.verifier_hash.as_str(), r.phone_last4.as_deref())),
            verifier,
        )
        .ok_or_else(not_found)?;
        let read = read.ok_or_else(not_found)?;
        let unexpected = |e: serde_json::Error| DossierError::Unexpected(e.into());
        let view = match (&read.state_json, known_version == Some(read.version)) {
            (_, true) => None,
            (Some(state), false) => {
                let d: Dossier = serde_json::from_str(state).map_err(unexpected)?;
                let events = read
                    .events_json
                    .iter()
                    .map(|e| serde_json::from_str::<Event>(e).map_err(unexpected))
                    .collect::<Result<Vec<_>, _>>()?;
                Some(tracking_view(&d, &events)?)
            }
            (None, false) => {
                // The store gave no state for a version it did not know the
                // caller had (a fake, or a race): read it whole.
                let (d, _) = self.holder_dossier(code.as_str(), verifier).await?;
                let events = self.events(code.as_str()).await?;
                Some(tracking_view(&d, &events)?)
            }
        };
        Ok(TrackedDossier {
            version: read.version,
            freshness: read.freshness,
            proof,
            view,
        })
    }

    /// The dossier if `verifier` (the QR secret or the phone's last four
    /// digits) matches, and which one; an unknown code and a wrong verifier
    /// give the same answer after the same work.
    pub(super) async fn holder_dossier(
        &self,
        code: &str,
        verifier: &str,
    ) -> Result<(Dossier, VerifierProof), DossierError> {
        let not_found = || DossierError::NotFound(not_found_text());
        let stored = self.store.load_dossier(code).await?;
        let proof = proof_of(stored.as_ref(), verifier).ok_or_else(not_found)?;
        let stored = stored.ok_or_else(not_found)?;
        let d = serde_json::from_str(&stored.projection.state_json)
            .map_err(|e| DossierError::Unexpected(e.into()))?;
        Ok((d, proof))
    }

    /// Which verifier opens the dossier `code` (404 for an unknown code or
    /// a wrong verifier, after the same work): what the web layer's
    /// verifier limiter checks before a route reads anything for a holder.
    #[tracing::instrument(level = "info", skip_all, fields(dossier = %code))]
    pub async fn check_verifier(
        &self,
        code: &str,
        verifier: &str,
    ) -> Result<VerifierProof, DossierError> {
        let code = self.parse_code(code)?;
        let stored = self.store.load_dossier(code.as_str()).await?;
        proof_of(stored.as_ref(), verifier).ok_or_else(|| DossierError::NotFound(not_found_text()))
    }
}

/// What the holder sees of dossier `d` with its `events` (oldest first).
fn tracking_view(d: &Dossier, events: &[Event]) -> Result<TrackingView, DossierError> {
    let supplement = (d.status.status == DossierStatus::AwaitingSupplement)
        .then(|| {
            events.iter().rev().find_map(|e| match &e.payload {
                EventPayload::SupplementRequested {
                    missing, reason, ..
                } => Some((missing.clone(), reason.clone())),
                _ => None,
            })
        })
        .flatten();
    let (missing, supplement_reason) = match supplement {
        Some((missing, reason)) => (missing, Some(reason)),
        // Nothing is "to supply" until an officer asks (form 02): a
        // paper not uploaded online may be shown at the desk or taken
        // from a database at reception.
        None => (Vec::new(), None),
    };
    let apology = events.iter().rev().find_map(|e| match &e.payload {
        EventPayload::Extended {
            reason,
            previous_due_at,
            new_due_at,
        } => Some(ApologyView {
            at: e.at,
            reason: reason.clone(),
            previous_due_at: *previous_due_at,
            new_due_at: *new_due_at,
        }),
        _ => None,
    });
    let end_reason = match d.status.status {
        DossierStatus::RefusedAtReception | DossierStatus::Stopped => {
            events.iter().rev().find_map(|e| match &e.payload {
                EventPayload::ReceptionRefused { reason, .. }
                    if d.status.status == DossierStatus::RefusedAtReception =>
                {
                    Some(reason.clone())
                }
                EventPayload::ProcessingStopped { reason }
                    if d.status.status == DossierStatus::Stopped =>
                {
                    Some(reason.clone())
                }
                _ => None,
            })
        }
        _ => None,
    };
    let portal_status = d
        .portal_status()
        .map_err(|e| DossierError::Unexpected(e.into()))?
        .code();
    Ok(TrackingView {
        code: d.code.as_str().to_owned(),
        procedure: d.procedure.code.clone(),
        status: d.status.status.key().to_owned(),
        status_vi: d.status.status.name_vi().to_owned(),
        portal_status,
        received_at: d.received_at,
        due_at: d.due_at,
        missing,
        timeline: events
            .iter()
            .map(|e| TimelineEntry {
                at: e.at,
                event: super::write::event_type(e),
                label_vi: label_vi(&e.payload).to_owned(),
            })
            .collect(),
        supplement_reason,
        apology,
        counts_late: d.counts_late,
        rating: d.rating.map(|r| {
            serde_json::to_value(r)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        }),
        components: d
            .components
            .iter()
            .map(|c| ComponentView {
                code: c.code.clone(),
                name: c.name.clone(),
            })
            .collect(),
        end_reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let c = encode_cursor(1_752_000_000_000, "H55.X05743.TT-250715-0001");
        assert_eq!(
            decode_cursor(&c).unwrap(),
            (1_752_000_000_000, "H55.X05743.TT-250715-0001".to_owned())
        );
        for bad in ["zz", "abc", "", "7c", "41"] {
            assert!(decode_cursor(bad).is_err(), "{bad}");
        }
    }
}
