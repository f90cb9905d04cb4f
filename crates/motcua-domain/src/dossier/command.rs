//! Commands: what an officer, a citizen or the system asks to do with a
//! dossier. Instants such as due dates are computed by the application
//! layer with the legal clock and carried in the command.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::applicant::{Applicant, Channel};
use super::code::DossierCode;
use super::ids::AgencyId;
use super::parts::{Component, FeeLine, Payment, Rating, ResultDocument, ReturnMethod};
use super::progress::Progress;
use super::records::SuppliedFile;

/// Who acts: recorded on every event.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Actor {
    /// Cán bộ, công chức: an officer, by account id.
    Officer(String),
    /// Công dân or the organisation's representative, by account id.
    Citizen(String),
    /// An automated job or integration (e.g. the portal sync), by name.
    System(String),
}

/// The procedure (thủ tục hành chính) a dossier is filed under.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProcedureRef {
    /// National procedure code, e.g. `1.001193` (`MaTTHC`).
    pub code: String,
    /// Version of the local catalog entry the dossier was filed under.
    pub version: u32,
}

/// Everything known about a dossier when it is first filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intake {
    /// Mã hồ sơ, allocated by the application layer.
    pub code: DossierCode,
    /// The procedure.
    pub procedure: ProcedureRef,
    /// Chủ hồ sơ.
    pub applicant: Applicant,
    /// The one-stop unit that receives (nơi tiếp nhận).
    pub receiving_unit: AgencyId,
    /// The agency that decides (cơ quan giải quyết); differs from the
    /// receiving unit for phi địa giới hành chính filings.
    pub deciding_agency: AgencyId,
    /// Kênh thực hiện.
    pub channel: Channel,
    /// The procedure's components and their state.
    pub components: Vec<Component>,
    /// Fees known at filing.
    pub fees: Vec<FeeLine>,
    /// Số lượng hồ sơ (bộ): how many sets of the dossier the applicant
    /// handed in, printed on form 01 (1 to [`Intake::MAX_SETS`]; 1 for an
    /// online filing). Absent from intakes recorded before it existed, which
    /// read as 1, and left out when 1.
    #[serde(default = "one_set", skip_serializing_if = "is_one_set")]
    pub sets: u32,
}

impl Intake {
    /// The most sets a desk reception records.
    pub const MAX_SETS: u32 = 20;
}

/// The number of sets when none was recorded: one.
pub(crate) fn one_set() -> u32 {
    1
}

/// Whether `sets` is the default (not serialised, so that earlier records
/// keep their bytes).
#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
pub(crate) fn is_one_set(sets: &u32) -> bool {
    *sets == 1
}

/// What is asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Nộp hồ sơ trực tuyến: creates the dossier in status 1.
    SubmitOnline {
        /// The filing.
        intake: Box<Intake>,
    },
    /// Tiếp nhận a walk-in or postal dossier: creates it already received
    /// (status 2, form 01). The checklist must be complete.
    ReceiveNew {
        /// The filing.
        intake: Box<Intake>,
        /// Ngày hẹn trả, computed by the legal clock.
        due_at: DateTime<Utc>,
    },
    /// Từ chối tiếp nhận a walk-in or postal filing at the desk: creates
    /// the dossier already refused (status 3, form 03) with the reason,
    /// e.g. a procedure outside the centre's competence. The checklist
    /// need not be complete.
    RefuseNew {
        /// The filing.
        intake: Box<Intake>,
        /// Lý do.
        reason: String,
    },
    /// Tiếp nhận an online dossier after checking it (status 2, form 01).
    Receive {
        /// Components the officer re-checked (replace by code).
        checked: Vec<Component>,
        /// Ngày hẹn trả.
        due_at: DateTime<Utc>,
    },
    /// Từ chối tiếp nhận (status 3, form 03).
    RefuseReception {
        /// Lý do.
        reason: String,
    },
    /// Giao/nhận between steps, recorded on the process-control sheet
    /// (form 06).
    HandOver {
        /// Unit or officer receiving the dossier.
        to: String,
        /// Deadline of the step being handed over (thời hạn của bước).
        step_deadline: DateTime<Utc>,
    },
    /// Yêu cầu bổ sung, hoàn thiện hồ sơ (status 5, form 02).
    RequestSupplement {
        /// Lý do.
        reason: String,
        /// What must be supplied.
        missing: Vec<String>,
    },
    /// The applicant sent supplement files from the tracking page (the
    /// holder of the QR secret), already stored. The status stays awaiting
    /// a supplement and the clock stays paused until an officer records the
    /// supplement ([`Action::ResumeAfterSupplement`]).
    SendSupplement {
        /// The stored files sent.
        files: Vec<SuppliedFile>,
    },
    /// The applicant supplied what was asked; the clock resumes.
    ResumeAfterSupplement {
        /// Components supplied (replace by code).
        components: Vec<Component>,
        /// New due instant, required once the dossier has been received.
        new_due_at: Option<DateTime<Utc>>,
        /// The on-time due date after this pause: the due date fixed at
        /// reception moved across every pause by the legal clock, without
        /// extensions (equal to `new_due_at` when there is no extension).
        /// `None`: derived from the state (see `Dossier::on_time_due`).
        on_time_due_at: Option<DateTime<Utc>>,
    },
    /// Yêu cầu thực hiện nghĩa vụ tài chính (status 6).
    RequestPayment {
        /// Fee lines to pay.
        fees: Vec<FeeLine>,
    },
    /// A payment was received.
    RecordPayment {
        /// The payment.
        payment: Payment,
    },
    /// Chuyển liên thông to another agency; the dossier keeps its identity.
    Transfer {
        /// The agency taking over.
        to_agency: AgencyId,
        /// That agency's own due instant.
        agency_due_at: DateTime<Utc>,
    },
    /// The agency a dossier was transferred to acknowledges it (tiếp nhận
    /// hồ sơ liên thông): its own clock runs from now.
    AcceptTransfer {
        /// That agency's due instant, counted from the acceptance.
        agency_due_at: DateTime<Utc>,
    },
    /// The agency holding the dossier reports progress (a step done, a
    /// note).
    ReportProgress {
        /// The report.
        progress: Progress,
    },
    /// The agency a dossier was transferred to declines it and sends it
    /// back to the agency that transferred it, with a reason.
    DeclineTransfer {
        /// Lý do.
        reason: String,
    },
    /// Dừng giải quyết (status 8, form 05).
    Stop {
        /// Lý do.
        reason: String,
    },
    /// Xin lỗi và gia hạn (form 04); the dossier counts as late.
    ApologiseAndExtend {
        /// Reason for the delay.
        reason: String,
        /// New due instant.
        new_due_at: DateTime<Utc>,
    },
    /// Đã xử lý xong (status 9).
    MarkResultReady {
        /// Result documents.
        documents: Vec<ResultDocument>,
    },
    /// Đã trả kết quả (status 10).
    ReturnResult {
        /// How it was handed over.
        method: ReturnMethod,
    },
    /// Rút hồ sơ at the applicant's request (status 7).
    Withdraw {
        /// Lý do.
        reason: String,
    },
    /// Đánh giá mức độ hài lòng, once the result was returned.
    Rate {
        /// The rating.
        rating: Rating,
        /// Optional comment.
        comment: Option<String>,
    },
}

/// The kind of an [`Action`], without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// See [`Action::SubmitOnline`].
    SubmitOnline,
    /// See [`Action::ReceiveNew`].
    ReceiveNew,
    /// See [`Action::RefuseNew`].
    RefuseNew,
    /// See [`Action::Receive`].
    Receive,
    /// See [`Action::RefuseReception`].
    RefuseReception,
    /// See [`Action::HandOver`].
    HandOver,
    /// See [`Action::RequestSupplement`].
    RequestSupplement,
    /// See [`Action::SendSupplement`].
    SendSupplement,
    /// See [`Action::ResumeAfterSupplement`].
    ResumeAfterSupplement,
    /// See [`Action::RequestPayment`].
    RequestPayment,
    /// See [`Action::RecordPayment`].
    RecordPayment,
    /// See [`Action::Transfer`].
    Transfer,
    /// See [`Action::AcceptTransfer`].
    AcceptTransfer,
    /// See [`Action::ReportProgress`].
    ReportProgress,
    /// See [`Action::DeclineTransfer`].
    DeclineTransfer,
    /// See [`Action::Stop`].
    Stop,
    /// See [`Action::ApologiseAndExtend`].
    ApologiseAndExtend,
    /// See [`Action::MarkResultReady`].
    MarkResultReady,
    /// See [`Action::ReturnResult`].
    ReturnResult,
    /// See [`Action::Withdraw`].
    Withdraw,
    /// See [`Action::Rate`].
    Rate,
}

impl ActionKind {
    /// Every kind.
    pub const ALL: [ActionKind; 21] = [
        Self::SubmitOnline,
        Self::ReceiveNew,
        Self::RefuseNew,
        Self::Receive,
        Self::RefuseReception,
        Self::HandOver,
        Self::RequestSupplement,
        Self::SendSupplement,
        Self::ResumeAfterSupplement,
        Self::RequestPayment,
        Self::RecordPayment,
        Self::Transfer,
        Self::AcceptTransfer,
        Self::ReportProgress,
        Self::DeclineTransfer,
        Self::Stop,
        Self::ApologiseAndExtend,
        Self::MarkResultReady,
        Self::ReturnResult,
        Self::Withdraw,
        Self::Rate,
    ];

    /// Whether the action creates a dossier (needs no prior state).
    pub const fn creates(self) -> bool {
        matches!(
            self,
            Self::SubmitOnline | Self::ReceiveNew | Self::RefuseNew
        )
    }
}

impl Action {
    /// The kind of this action.
    pub fn kind(&self) -> ActionKind {
        match self {
            Self::SubmitOnline { .. } => ActionKind::SubmitOnline,
            Self::ReceiveNew { .. } => ActionKind::ReceiveNew,
            Self::RefuseNew { .. } => ActionKind::RefuseNew,
            Self::Receive { .. } => ActionKind::Receive,
            Self::RefuseReception { .. } => ActionKind::RefuseReception,
            Self::HandOver { .. } => ActionKind::HandOver,
            Self::RequestSupplement { .. } => ActionKind::RequestSupplement,
            Self::SendSupplement { .. } => ActionKind::SendSupplement,
            Self::ResumeAfterSupplement { .. } => ActionKind::ResumeAfterSupplement,
            Self::RequestPayment { .. } => ActionKind::RequestPayment,
            Self::RecordPayment { .. } => ActionKind::RecordPayment,
            Self::Transfer { .. } => ActionKind::Transfer,
            Self::AcceptTransfer { .. } => ActionKind::AcceptTransfer,
            Self::ReportProgress { .. } => ActionKind::ReportProgress,
            Self::DeclineTransfer { .. } => ActionKind::DeclineTransfer,
            Self::Stop { .. } => ActionKind::Stop,
            Self::ApologiseAndExtend { .. } => ActionKind::ApologiseAndExtend,
            Self::MarkResultReady { .. } => ActionKind::MarkResultReady,
            Self::ReturnResult { .. } => ActionKind::ReturnResult,
            Self::Withdraw { .. } => ActionKind::Withdraw,
            Self::Rate { .. } => ActionKind::Rate,
        }
    }
}

/// A command: an action with who asks for it and the client's
/// idempotency key (a retried request carries the same key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    /// Who acts.
    pub actor: Actor,
    /// The client's idempotency key.
    pub idempotency_key: String,
    /// What is asked.
    pub action: Action,
}
