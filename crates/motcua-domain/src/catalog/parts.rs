//! Fees (phí, lệ phí) and dossier components (thành phần hồ sơ).

use serde::{Deserialize, Serialize};

use super::keyword::keywords;
use super::model::Source;

/// What a fee amount is charged per (đơn vị tính).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeBasis {
    /// Per case / dossier (đồng/hồ sơ, đồng/trường hợp).
    PerCase,
    /// Per copy (đồng/bản).
    PerCopy,
    /// Per page (đồng/trang).
    PerPage,
    /// Per person (đồng/người), e.g. registration by list.
    PerPerson,
}
keywords!(FeeBasis { PerCase => "per_case", PerCopy => "per_copy", PerPage => "per_page", PerPerson => "per_person" });

/// One fee line (dòng phí, lệ phí), in đồng (VND).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fee {
    /// What is charged, e.g. "Lệ phí đăng ký tạm trú".
    pub name: String,
    /// Amount at the counter (nộp trực tiếp).
    pub in_person_vnd: u64,
    /// Amount when filed online, if it differs or is stated; `None` = same as in person.
    pub online_vnd: Option<u64>,
    /// What the amount is charged per.
    pub basis: FeeBasis,
    /// Cap per copy or per case (mức thu tối đa), if any.
    pub max_vnd: Option<u64>,
    /// Confidence in this line when it differs from the fee block's.
    pub source: Option<Source>,
    /// Free-text qualification.
    pub note: Option<String>,
}

impl Fee {
    /// The amount due for the online channel.
    pub fn online_amount(&self) -> u64 {
        self.online_vnd.unwrap_or(self.in_person_vnd)
    }
}

/// The fee block of a procedure.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fees {
    /// How sure the fee facts are; `NotFound` means no lines are known.
    pub source: Source,
    /// Free-text qualification ("set by the provincial HĐND", ...).
    pub note: Option<String>,
    /// The fee lines; empty means free or unknown (see `source`).
    pub lines: Vec<Fee>,
    /// Exemptions (miễn phí, lệ phí), in Vietnamese.
    pub exemptions: Vec<String>,
}

/// The form a component must take (hình thức giấy tờ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentForm {
    /// Bản chính: original.
    Original,
    /// Bản sao có chứng thực: certified copy.
    CertifiedCopy,
    /// Bản sao / bản chụp: plain copy.
    Copy,
    /// Xuất trình: shown at the desk, not kept.
    PresentOnly,
}
keywords!(DocumentForm {
    Original => "original",
    CertifiedCopy => "certified_copy",
    Copy => "copy",
    PresentOnly => "present_only",
});

/// Whether a component must be submitted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// Bắt buộc.
    Required,
    /// Không bắt buộc.
    Optional,
    /// Required only in the stated case (trường hợp ...).
    Conditional(String),
}

impl Requirement {
    /// The keywords of the TOML format.
    pub const KEYWORDS: [&'static str; 3] = ["required", "optional", "conditional"];

    /// The TOML keyword of this requirement.
    pub fn keyword(&self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::Optional => "optional",
            Self::Conditional(_) => "conditional",
        }
    }
}

/// A data source that makes a component unnecessary (data reuse, TT 01/2023).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaiverSource {
    /// CSDLQGVDC: the national population database.
    PopulationDb,
    /// CSDLHTĐT: the electronic civil-status database.
    CivilStatusDb,
    /// The result of an earlier procedure, already digitised.
    EarlierResult,
    /// A digitally signed electronic Giấy chứng sinh.
    ElectronicBirthCertificate,
    /// A connected sector database (cơ sở dữ liệu chuyên ngành).
    SectorDb,
}
keywords!(WaiverSource {
    PopulationDb => "csdlqgvdc",
    CivilStatusDb => "csdlhtdt",
    EarlierResult => "earlier_result",
    ElectronicBirthCertificate => "electronic_birth_certificate",
    SectorDb => "sector_db",
});

impl WaiverSource {
    /// The standard Vietnamese explanation, used when a file gives none.
    pub fn default_text(self) -> &'static str {
        match self {
            Self::PopulationDb => {
                "Không cần nộp nếu thông tin đã có trong Cơ sở dữ liệu quốc gia về dân cư (CSDLQGVDC) và được khai thác, điền tự động."
            }
            Self::CivilStatusDb => {
                "Không cần nộp nếu thông tin đã có trong Cơ sở dữ liệu hộ tịch điện tử (CSDLHTĐT)."
            }
            Self::EarlierResult => {
                "Không cần nộp nếu giấy tờ là kết quả giải quyết thủ tục hành chính trước đó và đã được số hóa."
            }
            Self::ElectronicBirthCertificate => {
                "Không cần nộp bản giấy nếu đã có Giấy chứng sinh điện tử được ký số."
            }
            Self::SectorDb => {
                "Không cần nộp nếu thông tin đã có trong cơ sở dữ liệu chuyên ngành được kết nối, chia sẻ."
            }
        }
    }
}

/// One reason a component need not be brought.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Waiver {
    /// Where the data comes from instead.
    pub source: WaiverSource,
    /// The explanation for the applicant, in Vietnamese:
    /// "Không cần nộp nếu ..." (you do not need to bring this if ...).
    pub text: String,
}

/// One dossier component (thành phần hồ sơ).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Component {
    /// The name, e.g. "Tờ khai đăng ký khai sinh".
    pub name: String,
    /// The form it must take.
    pub form: DocumentForm,
    /// How many (số lượng).
    pub count: u32,
    /// Whether it must be submitted.
    pub requirement: Requirement,
    /// Sources that make it unnecessary.
    pub waivers: Vec<Waiver>,
    /// Free-text qualification.
    pub note: Option<String>,
}
