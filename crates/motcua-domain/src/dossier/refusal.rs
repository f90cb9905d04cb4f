//! Why a command was refused: a machine code and a reason in Vietnamese and
//! English, ready to show to the officer or the citizen.

use serde::{Deserialize, Serialize};

use super::command::ActionKind;
use super::status::LocalStatus;

/// Machine code of a [`Refusal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    /// The action needs an existing dossier.
    NoDossier,
    /// The action creates a dossier but one exists.
    AlreadyExists,
    /// The action is not allowed in the dossier's status.
    NotAllowedInStatus,
    /// A required component is missing.
    ChecklistIncomplete,
    /// The action does not fit the dossier's channel.
    WrongChannel,
    /// A due instant is not after now.
    DueDateInPast,
    /// An extension does not move the due instant later.
    ExtensionNotLater,
    /// A due instant is required here.
    DueDateRequired,
    /// A reason must be given.
    ReasonRequired,
    /// A list (missing items, fees, documents) is empty.
    NothingListed,
    /// An amount is zero.
    InvalidAmount,
    /// Fees are still unpaid.
    FeesUnpaid,
    /// Transfer to the agency already holding the dossier.
    SameAgency,
    /// The dossier was already rated.
    AlreadyRated,
    /// The applicant does not match the dossier (reserved for the app layer).
    NotApplicant,
    /// The agency already acknowledged the transferred dossier.
    AlreadyAccepted,
    /// The agency must acknowledge the transferred dossier first.
    NotAccepted,
}

impl RefusalCode {
    /// The stable string form, e.g. `"checklist_incomplete"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NoDossier => "no_dossier",
            Self::AlreadyExists => "already_exists",
            Self::NotAllowedInStatus => "not_allowed_in_status",
            Self::ChecklistIncomplete => "checklist_incomplete",
            Self::WrongChannel => "wrong_channel",
            Self::DueDateInPast => "due_date_in_past",
            Self::ExtensionNotLater => "extension_not_later",
            Self::DueDateRequired => "due_date_required",
            Self::ReasonRequired => "reason_required",
            Self::NothingListed => "nothing_listed",
            Self::InvalidAmount => "invalid_amount",
            Self::FeesUnpaid => "fees_unpaid",
            Self::SameAgency => "same_agency",
            Self::AlreadyRated => "already_rated",
            Self::NotApplicant => "not_applicant",
            Self::AlreadyAccepted => "already_accepted",
            Self::NotAccepted => "not_accepted",
        }
    }
}

/// A refused command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{} / {en}", code.as_str())]
pub struct Refusal {
    /// Machine code.
    pub code: RefusalCode,
    /// Reason in Vietnamese.
    pub vi: String,
    /// Reason in English.
    pub en: String,
}

impl Refusal {
    /// A refusal with its two messages.
    pub fn new(code: RefusalCode, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            code,
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// The action is not allowed in `status`.
    pub fn not_allowed(action: ActionKind, status: LocalStatus) -> Self {
        Self::new(
            RefusalCode::NotAllowedInStatus,
            format!(
                "Không thể thực hiện thao tác này khi hồ sơ ở trạng thái \"{}\"",
                status.status.name_vi()
            ),
            format!(
                "{action:?} is not allowed while the dossier is {}",
                status.status.name_en()
            ),
        )
    }

    /// No dossier exists yet.
    pub fn no_dossier() -> Self {
        Self::new(
            RefusalCode::NoDossier,
            "Không tìm thấy hồ sơ",
            "No such dossier",
        )
    }

    /// A dossier already exists.
    pub fn already_exists() -> Self {
        Self::new(
            RefusalCode::AlreadyExists,
            "Hồ sơ đã tồn tại",
            "The dossier already exists",
        )
    }

    /// Required components are missing.
    pub fn checklist_incomplete(missing: &[String]) -> Self {
        Self::new(
            RefusalCode::ChecklistIncomplete,
            format!("Hồ sơ chưa đủ thành phần bắt buộc: {}", missing.join("; ")),
            format!(
                "The dossier lacks required components: {}",
                missing.join("; ")
            ),
        )
    }

    /// A reason must be given.
    pub fn reason_required() -> Self {
        Self::new(
            RefusalCode::ReasonRequired,
            "Phải ghi rõ lý do",
            "A reason must be given",
        )
    }

    /// A due instant is not after now.
    pub fn due_in_past() -> Self {
        Self::new(
            RefusalCode::DueDateInPast,
            "Ngày hẹn trả phải sau thời điểm hiện tại",
            "The due date must be after now",
        )
    }

    /// The transferred dossier was not acknowledged yet.
    pub fn not_accepted() -> Self {
        Self::new(
            RefusalCode::NotAccepted,
            "Cơ quan phải xác nhận tiếp nhận hồ sơ liên thông trước",
            "The agency must accept the transferred dossier first",
        )
    }

    /// A list is empty.
    pub fn nothing_listed(what_vi: &str, what_en: &str) -> Self {
        Self::new(
            RefusalCode::NothingListed,
            format!("Phải liệt kê ít nhất một {what_vi}"),
            format!("At least one {what_en} must be listed"),
        )
    }
}
