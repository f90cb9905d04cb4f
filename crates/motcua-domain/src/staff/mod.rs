//! Staff of a unit (cán bộ, công chức), their skills, and the work they do.
//!
//! A [`StaffMember`] works in one unit (its agency id), may be linked to the
//! account they sign in with, holds a job position in one of the **4
//! groups** (leadership and management; specialised professional; shared
//! professional; support and service: NĐ 62/2020 \[R\]), sits in a department
//! of the commune (NĐ 150/2025: Văn phòng HĐND và UBND, Phòng Kinh tế,
//! Phòng Văn hóa - Xã hội, the commune service centre), has an employment
//! kind, qualifications, **expertise tags** (`reference/staff/expertise.toml`)
//! and possibly a **secondment** (biệt phái) in or out with its dates.
//!
//! [`csv`] reads and writes the registry file and reports every bad row;
//! [`workload`] measures the work from dossier events (after-hours and
//! weekend/holiday share against the working calendar and office hours) and
//! computes the shortage signal per unit and expertise.

pub mod csv;
pub mod expertise;
pub mod workload;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use expertise::{ExpertiseCatalog, ExpertiseTag};

/// The 4 job-position groups (nhóm vị trí việc làm).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PositionGroup {
    /// Lãnh đạo, quản lý.
    Leadership,
    /// Chuyên môn, nghiệp vụ chuyên ngành.
    Specialised,
    /// Chuyên môn, nghiệp vụ dùng chung.
    Shared,
    /// Hỗ trợ, phục vụ.
    Support,
}

impl PositionGroup {
    /// Every group.
    pub const ALL: [Self; 4] = [
        Self::Leadership,
        Self::Specialised,
        Self::Shared,
        Self::Support,
    ];

    /// The file and API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Leadership => "leadership",
            Self::Specialised => "specialised",
            Self::Shared => "shared",
            Self::Support => "support",
        }
    }

    /// Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Leadership => "Lãnh đạo, quản lý",
            Self::Specialised => "Chuyên môn, nghiệp vụ chuyên ngành",
            Self::Shared => "Chuyên môn, nghiệp vụ dùng chung",
            Self::Support => "Hỗ trợ, phục vụ",
        }
    }

    /// Reads the spelling.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == raw.trim())
    }
}

/// The departments of a commune (NĐ 150/2025; NQ 332/NQ-CP).
pub const DEPARTMENTS: [(&str, &str); 6] = [
    ("lanh_dao", "Lãnh đạo HĐND, UBND"),
    ("van_phong", "Văn phòng HĐND và UBND"),
    ("kinh_te", "Phòng Kinh tế (Kinh tế, Hạ tầng và Đô thị)"),
    ("van_hoa_xa_hoi", "Phòng Văn hóa - Xã hội"),
    ("trung_tam_phvhcc", "Trung tâm Phục vụ hành chính công"),
    ("khac", "Khác"),
];

/// Employment kinds.
pub const EMPLOYMENT: [(&str, &str); 5] = [
    ("can_bo", "Cán bộ"),
    ("cong_chuc", "Công chức"),
    ("vien_chuc", "Viên chức"),
    ("hop_dong", "Hợp đồng lao động"),
    ("khong_chuyen_trach", "Người hoạt động không chuyên trách"),
];

/// Which way a secondment (biệt phái) goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecondmentDirection {
    /// Seconded to this unit from another agency (counts here).
    In,
    /// Seconded from this unit to another agency (does not count here).
    Out,
}

/// A secondment with its dates (`to` open when not known).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Secondment {
    /// In or out.
    pub direction: SecondmentDirection,
    /// The other agency (name or id).
    pub agency: String,
    /// From (inclusive).
    pub from: NaiveDate,
    /// Until (inclusive), if known.
    pub to: Option<NaiveDate>,
}

impl Secondment {
    /// Whether it runs on `day`.
    pub fn runs_on(&self, day: NaiveDate) -> bool {
        day >= self.from && self.to.is_none_or(|t| day <= t)
    }
}

/// One person of a unit's staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    /// The registry id (unique across the system, e.g. `H55.X1-0007`).
    pub id: String,
    /// The unit's agency id.
    pub unit_agency: String,
    /// Full name.
    pub full_name: String,
    /// The account they sign in with, where they have one.
    pub account: Option<String>,
    /// Job-position group.
    pub position_group: PositionGroup,
    /// Job position (vị trí việc làm), free text.
    pub position: String,
    /// Department code ([`DEPARTMENTS`]).
    pub department: String,
    /// Employment kind code ([`EMPLOYMENT`]).
    pub employment: String,
    /// Expertise tags, sorted.
    pub expertise: Vec<String>,
    /// Qualifications (trình độ, chuyên ngành), free text.
    pub qualifications: String,
    /// A secondment in or out.
    pub secondment: Option<Secondment>,
}

impl StaffMember {
    /// Whether the person works in the unit on `day`: not seconded out, and
    /// a person seconded in only while the secondment runs.
    pub fn works_here_on(&self, day: NaiveDate) -> bool {
        match &self.secondment {
            None => true,
            Some(s) => match s.direction {
                SecondmentDirection::Out => !s.runs_on(day),
                SecondmentDirection::In => s.runs_on(day),
            },
        }
    }
}
