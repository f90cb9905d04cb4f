//! Residents as the population registry (CSDLQG về dân cư) returns them,
//! how a desk look-up is matched, and synthetic residents for development.

mod csv_io;
mod synthetic;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dossier::{PersonalId, Sex};
use crate::text::fold;

pub use csv_io::{RESIDENT_CSV_HEADER, parse_residents_csv, write_resident_csv_row};
pub use synthetic::{SyntheticResidents, names_count};

/// The data fields a look-up discloses, by their stable names.
pub const RESIDENT_FIELDS: [&str; 7] = [
    "full_name",
    "birth_date",
    "sex",
    "permanent_unit",
    "temporary_unit",
    "household_code",
    "household_relation",
];

/// One resident (công dân) as the registry holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resident {
    /// Số định danh cá nhân.
    pub personal_id: PersonalId,
    /// Họ, chữ đệm và tên.
    pub full_name: String,
    /// Ngày sinh.
    pub birth_date: NaiveDate,
    /// Giới tính.
    pub sex: Sex,
    /// Nơi thường trú: the commune code.
    pub permanent_unit: String,
    /// Nơi tạm trú: the commune code, if any.
    pub temporary_unit: Option<String>,
    /// Số hộ khẩu / mã hộ (household code).
    pub household_code: String,
    /// Quan hệ với chủ hộ, e.g. `chủ hộ`, `vợ`, `con`.
    pub household_relation: String,
}

/// A desk look-up: personal ID, full name and date of birth, as officers ask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryQuery {
    /// Số định danh cá nhân.
    pub personal_id: PersonalId,
    /// Full name as the applicant gives it.
    pub full_name: String,
    /// Date of birth as the applicant gives it.
    pub birth_date: NaiveDate,
}

/// Which part of a query did not match the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MismatchField {
    /// The name differs.
    FullName,
    /// The date of birth differs.
    BirthDate,
}

/// The registry's answer to a look-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RegistryAnswer {
    /// The person exists and name and date of birth match.
    Found {
        /// Their data.
        resident: Resident,
    },
    /// No person has this personal ID.
    NotFound,
    /// The ID exists but the name or date of birth does not match; no data is disclosed.
    Mismatch {
        /// What differs.
        fields: Vec<MismatchField>,
    },
}

/// Two names are the same person's when their search keys are equal:
/// case, Unicode form, spacing and tone-mark placement (`Hoà`/`Hòa`) do not
/// matter. The key also drops tone marks, so `Hoa` matches `Hòa`: the
/// personal ID and date of birth must match as well.
pub fn names_match(a: &str, b: &str) -> bool {
    let (a, b) = (fold(a), fold(b));
    !a.is_empty() && a == b
}

/// Compares a query with the stored resident (whose ID is the query's).
pub fn match_query(query: &RegistryQuery, resident: Resident) -> RegistryAnswer {
    let mut fields = Vec::new();
    if !names_match(&query.full_name, &resident.full_name) {
        fields.push(MismatchField::FullName);
    }
    if query.birth_date != resident.birth_date {
        fields.push(MismatchField::BirthDate);
    }
    if fields.is_empty() {
        RegistryAnswer::Found { resident }
    } else {
        RegistryAnswer::Mismatch { fields }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resident() -> Resident {
        Resident {
            personal_id: PersonalId::parse("019085123456").unwrap(),
            full_name: "Nguyễn Thị Hòa".into(),
            birth_date: NaiveDate::from_ymd_opt(1985, 3, 4).unwrap(),
            sex: Sex::Female,
            permanent_unit: "05977".into(),
            temporary_unit: None,
            household_code: "HK05977-000001".into(),
            household_relation: "chủ hộ".into(),
        }
    }

    fn query(name: &str, d: u32) -> RegistryQuery {
        RegistryQuery {
            personal_id: PersonalId::parse("019085123456").unwrap(),
            full_name: name.into(),
            birth_date: NaiveDate::from_ymd_opt(1985, 3, d).unwrap(),
        }
    }

    #[test]
    fn names_match_across_case_form_and_tone_placement() {
        assert!(names_match("Nguyễn Thị Hòa", "  NGUYỄN   thị hoà "));
        assert!(!names_match("Nguyễn Thị Hòa", "Nguyễn Thị Hoài"));
        assert!(!names_match("", ""));
    }

    #[test]
    fn a_query_matches_or_names_what_differs() {
        assert_eq!(
            match_query(&query("nguyễn thị hoà", 4), resident()),
            RegistryAnswer::Found {
                resident: resident()
            }
        );
        assert_eq!(
            match_query(&query("Trần Thị Hòa", 5), resident()),
            RegistryAnswer::Mismatch {
                fields: vec![MismatchField::FullName, MismatchField::BirthDate]
            }
        );
    }
}
