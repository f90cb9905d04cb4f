//! Local dossier statuses (trạng thái hồ sơ) and their sub-statuses.
//!
//! The local model is finer than the national portal's ten `TrangThaiHoSo`
//! codes: a dossier can be processing at step *k* or at another agency
//! (liên thông), and a supplement can be asked for before or after
//! reception. The mapping to the portal codes is data, see
//! [`super::portal`].

use serde::{Deserialize, Serialize};

/// The main local status of a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DossierStatus {
    /// Mới đăng ký: filed online, not yet checked by the desk.
    Submitted,
    /// Được tiếp nhận: accepted at the desk, due date fixed (form 01).
    Received,
    /// Không được tiếp nhận: refused at reception (form 03). Terminal.
    RefusedAtReception,
    /// Đang xử lý: with a specialist unit or another agency.
    Processing,
    /// Yêu cầu bổ sung giấy tờ: waiting for the applicant (form 02).
    AwaitingSupplement,
    /// Yêu cầu thực hiện nghĩa vụ tài chính: waiting for fees or tax.
    AwaitingPayment,
    /// Công dân yêu cầu rút hồ sơ: withdrawn by the applicant. Terminal.
    Withdrawn,
    /// Dừng xử lý: processing stopped (form 05). Terminal.
    Stopped,
    /// Đã xử lý xong: the result is ready to hand over.
    ResultReady,
    /// Đã trả kết quả: the result was handed over. Terminal except rating.
    Returned,
}

impl DossierStatus {
    /// Every main status, in lifecycle order.
    pub const ALL: [DossierStatus; 10] = [
        Self::Submitted,
        Self::Received,
        Self::RefusedAtReception,
        Self::Processing,
        Self::AwaitingSupplement,
        Self::AwaitingPayment,
        Self::Withdrawn,
        Self::Stopped,
        Self::ResultReady,
        Self::Returned,
    ];

    /// The key used in the mapping data file, e.g. `"awaiting_supplement"`.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Received => "received",
            Self::RefusedAtReception => "refused_at_reception",
            Self::Processing => "processing",
            Self::AwaitingSupplement => "awaiting_supplement",
            Self::AwaitingPayment => "awaiting_payment",
            Self::Withdrawn => "withdrawn",
            Self::Stopped => "stopped",
            Self::ResultReady => "result_ready",
            Self::Returned => "returned",
        }
    }

    /// The Vietnamese name shown to officers and citizens.
    pub const fn name_vi(self) -> &'static str {
        match self {
            Self::Submitted => "Mới đăng ký",
            Self::Received => "Được tiếp nhận",
            Self::RefusedAtReception => "Không được tiếp nhận",
            Self::Processing => "Đang xử lý",
            Self::AwaitingSupplement => "Yêu cầu bổ sung giấy tờ",
            Self::AwaitingPayment => "Yêu cầu thực hiện nghĩa vụ tài chính",
            Self::Withdrawn => "Công dân yêu cầu rút hồ sơ",
            Self::Stopped => "Dừng xử lý",
            Self::ResultReady => "Đã xử lý xong",
            Self::Returned => "Đã trả kết quả",
        }
    }

    /// The English name.
    pub const fn name_en(self) -> &'static str {
        match self {
            Self::Submitted => "submitted online",
            Self::Received => "received",
            Self::RefusedAtReception => "refused at reception",
            Self::Processing => "processing",
            Self::AwaitingSupplement => "awaiting a supplement",
            Self::AwaitingPayment => "awaiting payment",
            Self::Withdrawn => "withdrawn",
            Self::Stopped => "stopped",
            Self::ResultReady => "result ready",
            Self::Returned => "result returned",
        }
    }

    /// Whether the lifecycle has ended (only rating may follow a return).
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::RefusedAtReception | Self::Withdrawn | Self::Stopped | Self::Returned
        )
    }
}

/// A refinement of [`DossierStatus`] where the local process needs one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubStatus {
    /// No refinement.
    None,
    /// Processing at a step of the deciding agency (bước *k*).
    AtStep,
    /// Processing at another agency (chuyển liên thông).
    Transferred,
    /// Supplement asked for before reception; the clock has not started.
    BeforeReception,
    /// Supplement asked for after reception; the clock is paused.
    DuringProcessing,
}

impl SubStatus {
    /// Every sub-status.
    pub const ALL: [SubStatus; 5] = [
        Self::None,
        Self::AtStep,
        Self::Transferred,
        Self::BeforeReception,
        Self::DuringProcessing,
    ];

    /// The key used in the mapping data file, e.g. `"at_step"`.
    pub const fn key(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::AtStep => "at_step",
            Self::Transferred => "transferred",
            Self::BeforeReception => "before_reception",
            Self::DuringProcessing => "during_processing",
        }
    }
}

/// A (status, sub-status) pair that a dossier can actually be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LocalStatus {
    /// The main status.
    pub status: DossierStatus,
    /// Its refinement.
    pub sub: SubStatus,
}

impl LocalStatus {
    /// Number of valid pairs; the length of [`LocalStatus::ALL`].
    pub const COUNT: usize = 12;

    /// Every pair a dossier can be in. Adding a status or sub-status
    /// without extending this list (and the mapping file) breaks the tests.
    pub const ALL: [LocalStatus; Self::COUNT] = [
        Self::new(DossierStatus::Submitted, SubStatus::None),
        Self::new(DossierStatus::Received, SubStatus::None),
        Self::new(DossierStatus::RefusedAtReception, SubStatus::None),
        Self::new(DossierStatus::Processing, SubStatus::AtStep),
        Self::new(DossierStatus::Processing, SubStatus::Transferred),
        Self::new(
            DossierStatus::AwaitingSupplement,
            SubStatus::BeforeReception,
        ),
        Self::new(
            DossierStatus::AwaitingSupplement,
            SubStatus::DuringProcessing,
        ),
        Self::new(DossierStatus::AwaitingPayment, SubStatus::None),
        Self::new(DossierStatus::Withdrawn, SubStatus::None),
        Self::new(DossierStatus::Stopped, SubStatus::None),
        Self::new(DossierStatus::ResultReady, SubStatus::None),
        Self::new(DossierStatus::Returned, SubStatus::None),
    ];

    /// Builds a pair (not checked against [`LocalStatus::ALL`]).
    pub const fn new(status: DossierStatus, sub: SubStatus) -> Self {
        Self { status, sub }
    }

    /// A pair without refinement.
    pub const fn plain(status: DossierStatus) -> Self {
        Self::new(status, SubStatus::None)
    }

    /// Whether the pair is one of [`LocalStatus::ALL`].
    pub fn is_valid(self) -> bool {
        Self::ALL.contains(&self)
    }
}

impl std::fmt::Display for LocalStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.sub {
            SubStatus::None => f.write_str(self.status.key()),
            sub => write!(f, "{}/{}", self.status.key(), sub.key()),
        }
    }
}
