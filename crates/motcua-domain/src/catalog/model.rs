//! The procedure (thủ tục hành chính) and its versions.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::code::ProcedureCode;
use super::keyword::keywords;
use super::parts::{Component, Fees};
use super::workflow::{FormSet, Step};
use crate::legal_time::{CutOff, TimeLimit};

/// How sure a fact is, mirroring the tags of the project's fact sheet.
///
/// A fact that is [`Source::Recalled`] or [`Source::NotFound`] is kept as
/// *unverified* rather than invented: a not-found fact has no value at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Source {
    /// `[L]`: legal text, or an official page quoting it.
    #[serde(rename = "L")]
    Legal,
    /// `[S]`: a secondary source (integrator code, published procedure text).
    #[serde(rename = "S")]
    Secondary,
    /// `[R]`: recalled from knowledge of the statute; **not verified**.
    #[serde(rename = "R")]
    Recalled,
    /// `NOT FOUND`: searched for and not found; the value is left empty.
    #[serde(rename = "NOT_FOUND")]
    NotFound,
}
keywords!(Source { Legal => "L", Secondary => "S", Recalled => "R", NotFound => "NOT_FOUND" });

impl Source {
    /// True for `[L]` and `[S]` facts; `[R]` and not-found facts must be checked.
    pub const fn is_verified(self) -> bool {
        matches!(self, Self::Legal | Self::Secondary)
    }
}

/// The field (lĩnh vực) a procedure belongs to, e.g. Hộ tịch, Cư trú.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Field {
    /// The field code of the national database (mã lĩnh vực), when known.
    pub code: Option<String>,
    /// The field name, e.g. "Hộ tịch".
    pub name: String,
}

/// The level of government (cấp) that decides a procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Cấp tỉnh: province or centrally-run city.
    Province,
    /// Cấp xã: commune, ward or special zone.
    Commune,
}
keywords!(Level { Province => "province", Commune => "commune" });

/// The type of agency that decides (or takes part in) a procedure.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyType {
    /// UBND cấp xã: the commune People's Committee.
    UbndXa,
    /// Công an cấp xã: the commune police (cư trú procedures).
    CongAnXa,
    /// UBND cấp tỉnh: the provincial People's Committee.
    UbndTinh,
    /// Sở Tư pháp: the provincial Department of Justice.
    SoTuPhap,
    /// Bảo hiểm xã hội: social insurance (thẻ BHYT in joint services).
    Bhxh,
    /// Any other agency, by its Vietnamese name.
    Other(String),
}

impl AgencyType {
    /// The keywords of the named variants, in the TOML format.
    pub const KEYWORDS: [&'static str; 5] =
        ["ubnd_xa", "cong_an_xa", "ubnd_tinh", "so_tu_phap", "bhxh"];

    /// The agency for a TOML keyword; `None` for an unknown keyword.
    pub fn from_keyword(text: &str) -> Option<Self> {
        Some(match text {
            "ubnd_xa" => Self::UbndXa,
            "cong_an_xa" => Self::CongAnXa,
            "ubnd_tinh" => Self::UbndTinh,
            "so_tu_phap" => Self::SoTuPhap,
            "bhxh" => Self::Bhxh,
            _ => return None,
        })
    }

    /// The TOML spelling: a keyword, or the free-text name of `Other`.
    pub fn as_toml_str(&self) -> &str {
        match self {
            Self::UbndXa => "ubnd_xa",
            Self::CongAnXa => "cong_an_xa",
            Self::UbndTinh => "ubnd_tinh",
            Self::SoTuPhap => "so_tu_phap",
            Self::Bhxh => "bhxh",
            Self::Other(name) => name,
        }
    }
}

/// How far the procedure can be done online (mức độ dịch vụ công trực tuyến).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnlineLevel {
    /// Toàn trình: fully online.
    Full,
    /// Một phần: partly online.
    Partial,
    /// Not offered online.
    None,
    /// Not stated by the sources (NOT FOUND); check the national database.
    Unknown,
}
keywords!(OnlineLevel { Full => "full", Partial => "partial", None => "none", Unknown => "unknown" });

/// "Phi địa giới hành chính": the procedure may be filed at any one-stop
/// centre of the province, not only the deciding unit's own.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BoundaryFree {
    /// The date from which filing regardless of boundary applies.
    pub effective_from: NaiveDate,
    /// The decision or decree that grants it, if recorded.
    pub basis: Option<String>,
}

/// The legal time limit (thời hạn giải quyết) and the reception rules around it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Timing {
    /// The limit; `None` when the source says NOT FOUND.
    pub limit: Option<TimeLimit>,
    /// How sure the limit is.
    pub source: Source,
    /// Free-text qualification (extensions for verification, whole-chain limits).
    pub note: Option<String>,
    /// Cut-off time: received after it counts as the next working day (15:00 rule).
    pub cut_off: Option<CutOff>,
    /// How sure the cut-off is, when it differs from `source` (e.g. `[R]`).
    pub cut_off_source: Option<Source>,
    /// Whether Saturday-morning reception counts (cư trú procedures at the police).
    pub saturday_morning_reception: bool,
}

/// One procedure as published: everything a one-stop desk needs to receive,
/// route and time a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    /// The national code (mã TTHC).
    pub code: ProcedureCode,
    /// The national portal's internal id (UUIDv7 on the 2025+ Cổng DVCQG), when known.
    pub portal_id: Option<Uuid>,
    /// The official name (tên thủ tục).
    pub name: String,
    /// The field (lĩnh vực).
    pub field: Field,
    /// The level(s) that decide it.
    pub levels: Vec<Level>,
    /// The agency types that decide it or take part (cơ quan thực hiện).
    pub agencies: Vec<AgencyType>,
    /// Online service level.
    pub online: OnlineLevel,
    /// Filing regardless of administrative boundary, if granted.
    pub phi_dia_gioi: Option<BoundaryFree>,
    /// Time limit, cut-off and reception days.
    pub timing: Timing,
    /// Fees and charges (phí, lệ phí).
    pub fees: Fees,
    /// Dossier components (thành phần hồ sơ).
    pub components: Vec<Component>,
    /// What the procedure issues (kết quả thực hiện).
    pub results: Vec<String>,
    /// Legal basis (căn cứ pháp lý): document numbers and titles.
    pub legal_basis: Vec<String>,
    /// The form set used for slips and notices.
    pub forms: FormSet,
    /// The workflow template (quy trình nội bộ).
    pub steps: Vec<Step>,
    /// Overall confidence in this entry.
    pub source: Source,
    /// Where the entry's facts come from, in words.
    pub source_note: String,
}

/// One version of a procedure, valid over a date range.
///
/// A dossier binds to the version it was filed under ([`VersionKey`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureVersion {
    /// Version number, counting from 1 for each code.
    pub version: u32,
    /// First day the version applies.
    pub valid_from: NaiveDate,
    /// Last day the version applies (inclusive); `None` while in force.
    pub valid_to: Option<NaiveDate>,
    /// The procedure as this version defines it.
    pub procedure: Procedure,
}

/// Identifies a procedure version: what a dossier stores.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct VersionKey {
    /// The procedure code.
    pub code: ProcedureCode,
    /// The version number.
    pub version: u32,
}

impl ProcedureVersion {
    /// The key a dossier stores to bind to this version.
    pub fn key(&self) -> VersionKey {
        VersionKey {
            code: self.procedure.code.clone(),
            version: self.version,
        }
    }

    /// Whether the version applies on `date` (both bounds inclusive).
    pub fn is_valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|to| date <= to)
    }

    /// Whether the validity ranges of two versions share at least one day.
    pub fn overlaps(&self, other: &Self) -> bool {
        let ends_after = |v: &Self, d: NaiveDate| v.valid_to.is_none_or(|to| d <= to);
        ends_after(self, other.valid_from) && ends_after(other, self.valid_from)
    }
}
