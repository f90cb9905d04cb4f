//! What a dossier contains: components (thành phần hồ sơ), fees (phí, lệ
//! phí), payments, result documents and the applicant's rating.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where data came from when a component was waived because it could be
/// looked up (khai thác, tái sử dụng dữ liệu).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum DataSource {
    /// CSDLQGVDC: the national population database.
    PopulationDatabase,
    /// CSDLHTĐT: the electronic civil-status database.
    CivilStatusDatabase,
    /// Kho dữ liệu của công dân on the national portal (`DuocLayTuKhoDMQG`).
    CitizenDataStore,
    /// The result of an earlier dossier, by its code.
    EarlierResult(String),
    /// Another sector database, by name.
    Other(String),
}

/// The state of one component at the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ComponentState {
    /// Nộp: handed in (paper or upload).
    Submitted {
        /// Whether an electronic copy is attached (số hóa, `DuocSoHoa`).
        digitised: bool,
    },
    /// Xuất trình: shown to the officer and handed back, not kept.
    Presented,
    /// Không phải nộp: omitted because the data could be looked up.
    Waived {
        /// Where the data came from.
        source: DataSource,
        /// The recorded look-up that supplied the data (khai thác, tái sử
        /// dụng), when an officer actually took it from the database; only
        /// such a component counts as reused data for indicators 4.3 and
        /// 4.5b of Decision 766. `None`: waived by the rules alone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reuse: Option<DataReuse>,
    },
    /// Not provided yet.
    Missing,
}

/// A look-up in a database that supplied a component's data, as recorded
/// in the audit log (nhật ký khai thác).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataReuse {
    /// When the look-up was made.
    pub looked_up_at: DateTime<Utc>,
    /// The officer who made it.
    pub officer: String,
    /// The grant (phân quyền khai thác) it relied on.
    pub grant_id: String,
}

impl ComponentState {
    /// Waived by the rules, with no look-up recorded.
    pub fn waived(source: DataSource) -> Self {
        Self::Waived {
            source,
            reuse: None,
        }
    }

    /// Whether the component's data was taken from a database after a
    /// recorded look-up (counts for indicators 4.3 and 4.5b).
    pub fn is_reused(&self) -> bool {
        matches!(self, Self::Waived { reuse: Some(_), .. })
    }
}

/// Thành phần hồ sơ: one document the procedure asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    /// Component code in the procedure (`MaThanhPhanHoSo`).
    pub code: String,
    /// Name shown to the applicant, e.g. "Tờ khai đăng ký khai sinh".
    pub name: String,
    /// Whether the procedure requires it (bắt buộc).
    pub required: bool,
    /// Its state.
    pub state: ComponentState,
}

impl Component {
    /// Whether the component satisfies the checklist.
    pub fn is_satisfied(&self) -> bool {
        !self.required || !matches!(self.state, ComponentState::Missing)
    }
}

/// Names of required components still missing, in order.
pub fn missing_required(components: &[Component]) -> Vec<String> {
    components
        .iter()
        .filter(|c| !c.is_satisfied())
        .map(|c| c.name.clone())
        .collect()
}

/// Replaces components by code with `updates`; unknown codes are appended.
pub fn merge_components(base: &[Component], updates: &[Component]) -> Vec<Component> {
    let mut out = base.to_vec();
    for update in updates {
        match out.iter_mut().find(|c| c.code == update.code) {
            Some(slot) => *slot = update.clone(),
            None => out.push(update.clone()),
        }
    }
    out
}

/// Whether a fee line is a charge (phí) or a levy (lệ phí).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeKind {
    /// Phí.
    Charge,
    /// Lệ phí.
    Levy,
    /// Thuế or another financial obligation.
    Other,
}

/// One line of `DanhSachLePhi`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeLine {
    /// Fee code (`MaPhiLePhi`).
    pub code: String,
    /// Fee name (`TenPhiLePhi`).
    pub name: String,
    /// Amount in đồng (`Gia`); 0 means no obligation.
    pub amount_vnd: u64,
    /// Kind (`LoaiPhiLePhi`).
    pub kind: FeeKind,
}

/// How a payment was made (`DuocThanhToanTrucTuyen`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// In cash or by card at the desk.
    AtDesk,
    /// 1: on the national portal's payment platform.
    NationalPortal,
    /// 2: through the ministry's or province's payment gateway.
    LocalGateway,
}

/// A payment received against the dossier's fees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// Amount in đồng.
    pub amount_vnd: u64,
    /// How it was paid.
    pub method: PaymentMethod,
    /// Receipt or transaction reference (biên lai, mã giao dịch).
    pub reference: String,
    /// When it was paid.
    pub paid_at: DateTime<Utc>,
}

/// A result document (giấy tờ kết quả, `DanhSachGiayToKetQua`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultDocument {
    /// Document name, e.g. "Giấy khai sinh".
    pub name: String,
    /// Document number or identifier, if any.
    pub number: Option<String>,
    /// Link or storage key of the electronic result (`DuongDanTepTinKetQua`).
    pub file: Option<String>,
}

/// How the result was handed over (hình thức trả kết quả).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnMethod {
    /// At the desk.
    AtDesk,
    /// By public postal service.
    Post,
    /// Electronically (portal or data store).
    Online,
}

/// The four-level satisfaction scale used on local rating forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// Rất hài lòng.
    VerySatisfied,
    /// Hài lòng.
    Satisfied,
    /// Bình thường.
    Neutral,
    /// Không hài lòng.
    Dissatisfied,
}

impl Rating {
    /// Every level, best first.
    pub const ALL: [Rating; 4] = [
        Self::VerySatisfied,
        Self::Satisfied,
        Self::Neutral,
        Self::Dissatisfied,
    ];

    /// The Vietnamese label.
    pub const fn label_vi(self) -> &'static str {
        match self {
            Self::VerySatisfied => "Rất hài lòng",
            Self::Satisfied => "Hài lòng",
            Self::Neutral => "Bình thường",
            Self::Dissatisfied => "Không hài lòng",
        }
    }
}
