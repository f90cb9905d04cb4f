//! Events: facts recorded about a dossier. Each accepted command yields
//! exactly one event, which raises the dossier's version by one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::command::{ActionKind, Actor, Intake};
use super::ids::AgencyId;
use super::parts::{Component, FeeLine, Payment, Rating, ResultDocument, ReturnMethod};
use super::progress::Progress;
use super::records::{ControlRecord, SuppliedFile};

/// One-stop forms of Phụ lục I, TT 03/2025/TT-VPCP (numbering as quoted
/// second-hand; procedures with their own sector forms map onto these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    /// Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả.
    Receipt01,
    /// Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.
    SupplementRequest02,
    /// Mẫu 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ.
    Refusal03,
    /// Mẫu 04: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết.
    Apology04,
    /// Mẫu 05: Thông báo dừng giải quyết hồ sơ.
    StopNotice05,
    /// Mẫu 06: Phiếu kiểm soát quá trình giải quyết hồ sơ.
    ProcessControl06,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventPayload {
    /// Filed online (status 1).
    Submitted {
        /// The filing.
        intake: Box<Intake>,
    },
    /// Received at the desk (status 2, form 01). Carries the intake when the
    /// dossier is created by this event (walk-in or postal filing).
    Received {
        /// The filing, for a dossier created at the desk.
        intake: Option<Box<Intake>>,
        /// The components as checked, complete.
        components: Vec<Component>,
        /// Ngày hẹn trả.
        due_at: DateTime<Utc>,
    },
    /// Refused at reception (status 3, form 03). Carries the intake when
    /// the dossier is created by this event (a walk-in or postal filing
    /// refused at the desk).
    ReceptionRefused {
        /// Lý do.
        reason: String,
        /// The filing, for a dossier created refused at the desk.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        intake: Option<Box<Intake>>,
    },
    /// Handed over to the next step (form 06).
    HandedOver {
        /// The process-control line.
        record: ControlRecord,
    },
    /// Supplement requested (status 5, form 02).
    SupplementRequested {
        /// Lý do.
        reason: String,
        /// What must be supplied.
        missing: Vec<String>,
        /// Whether this request makes the dossier count as late (a second
        /// request, per Decision 766).
        counts_late: bool,
    },
    /// The applicant sent supplement files (stored before this event); the
    /// dossier still awaits the supplement and the clock stays paused until
    /// an officer records it ([`EventPayload::SupplementReceived`]).
    SupplementSent {
        /// The files sent.
        files: Vec<SuppliedFile>,
    },
    /// Supplement received; the clock resumes.
    SupplementReceived {
        /// Components supplied.
        components: Vec<Component>,
        /// New due instant, if the dossier had been received.
        new_due_at: Option<DateTime<Utc>>,
        /// The on-time due date (the due date fixed at reception moved
        /// across every pause so far, without extensions), if computed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on_time_due_at: Option<DateTime<Utc>>,
    },
    /// Payment requested (status 6).
    PaymentRequested {
        /// Fee lines to pay.
        fees: Vec<FeeLine>,
    },
    /// Payment recorded.
    PaymentRecorded {
        /// The payment.
        payment: Payment,
    },
    /// Transferred to another agency (liên thông).
    Transferred {
        /// The agency handing over.
        from_agency: AgencyId,
        /// The agency taking over.
        to_agency: AgencyId,
        /// Its own due instant.
        agency_due_at: DateTime<Utc>,
    },
    /// The agency the dossier was transferred to acknowledged it; its
    /// clock runs from this event.
    TransferAccepted {
        /// The accepting agency.
        agency: AgencyId,
        /// Its due instant, counted from the acceptance.
        agency_due_at: DateTime<Utc>,
    },
    /// The agency holding the dossier reported progress.
    ProgressReported {
        /// The reporting agency.
        agency: AgencyId,
        /// The report.
        progress: Progress,
    },
    /// The agency the dossier was transferred to declined it; the dossier
    /// is back with the agency that transferred it.
    TransferDeclined {
        /// The declining agency.
        from_agency: AgencyId,
        /// The agency the dossier returns to.
        to_agency: AgencyId,
        /// Lý do.
        reason: String,
    },
    /// Processing stopped (status 8, form 05).
    ProcessingStopped {
        /// Lý do.
        reason: String,
    },
    /// Apology issued and due date extended (form 04).
    Extended {
        /// Reason for the delay.
        reason: String,
        /// The due instant before.
        previous_due_at: Option<DateTime<Utc>>,
        /// The new due instant.
        new_due_at: DateTime<Utc>,
    },
    /// Result ready (status 9).
    ResultReady {
        /// Result documents.
        documents: Vec<ResultDocument>,
    },
    /// Result handed over (status 10).
    ResultReturned {
        /// How.
        method: ReturnMethod,
    },
    /// Withdrawn by the applicant (status 7).
    Withdrawn {
        /// Lý do.
        reason: String,
    },
    /// Rated by the applicant.
    Rated {
        /// The rating.
        rating: Rating,
        /// Optional comment.
        comment: Option<String>,
    },
}

impl EventPayload {
    /// The action kind that produces this payload.
    pub fn action_kind(&self) -> ActionKind {
        match self {
            Self::Submitted { .. } => ActionKind::SubmitOnline,
            Self::Received {
                intake: Some(_), ..
            } => ActionKind::ReceiveNew,
            Self::Received { intake: None, .. } => ActionKind::Receive,
            Self::ReceptionRefused {
                intake: Some(_), ..
            } => ActionKind::RefuseNew,
            Self::ReceptionRefused { intake: None, .. } => ActionKind::RefuseReception,
            Self::HandedOver { .. } => ActionKind::HandOver,
            Self::SupplementRequested { .. } => ActionKind::RequestSupplement,
            Self::SupplementSent { .. } => ActionKind::SendSupplement,
            Self::SupplementReceived { .. } => ActionKind::ResumeAfterSupplement,
            Self::PaymentRequested { .. } => ActionKind::RequestPayment,
            Self::PaymentRecorded { .. } => ActionKind::RecordPayment,
            Self::Transferred { .. } => ActionKind::Transfer,
            Self::TransferAccepted { .. } => ActionKind::AcceptTransfer,
            Self::ProgressReported { .. } => ActionKind::ReportProgress,
            Self::TransferDeclined { .. } => ActionKind::DeclineTransfer,
            Self::ProcessingStopped { .. } => ActionKind::Stop,
            Self::Extended { .. } => ActionKind::ApologiseAndExtend,
            Self::ResultReady { .. } => ActionKind::MarkResultReady,
            Self::ResultReturned { .. } => ActionKind::ReturnResult,
            Self::Withdrawn { .. } => ActionKind::Withdraw,
            Self::Rated { .. } => ActionKind::Rate,
        }
    }

    /// The one-stop form this event issues, if any.
    pub fn form(&self) -> Option<Form> {
        match self {
            Self::Received { .. } => Some(Form::Receipt01),
            Self::SupplementRequested { .. } => Some(Form::SupplementRequest02),
            Self::ReceptionRefused { .. } => Some(Form::Refusal03),
            Self::Extended { .. } => Some(Form::Apology04),
            Self::ProcessingStopped { .. } => Some(Form::StopNotice05),
            Self::HandedOver { .. } => Some(Form::ProcessControl06),
            _ => None,
        }
    }
}

/// An event with who, when, the client's idempotency key and the dossier
/// version it produces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The dossier version after this event (1 for the creating event).
    pub version: u64,
    /// Who acted.
    pub actor: Actor,
    /// When.
    pub at: DateTime<Utc>,
    /// The idempotency key of the command that produced it.
    pub idempotency_key: String,
    /// What happened.
    pub payload: EventPayload,
}
