//! Identifiers validated at construction: số định danh cá nhân, mã số thuế,
//! mã định danh điện tử of an agency.
//!
//! Each `parse` returns an [`IdError`] carrying a machine code and a message
//! in Vietnamese and English. None of them panics on any input.

use serde::{Deserialize, Serialize};

/// Why an identifier was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{en} / {vi}")]
pub struct IdError {
    /// Stable machine code, e.g. `"personal_id.length"`.
    pub code: &'static str,
    /// Message in Vietnamese.
    pub vi: String,
    /// Message in English.
    pub en: String,
}

impl IdError {
    pub(crate) fn new(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            code,
            vi: vi.into(),
            en: en.into(),
        }
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Birth-registration province codes of the 63 provinces before 1 July
/// 2025 (the GSO province code padded to three digits). The code in a
/// personal ID is where the birth was registered, so it keeps the old
/// province even after the 2025 mergers.
const PERSONAL_ID_PROVINCES: [u16; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

/// Sex encoded in the fourth digit of a personal ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Nam.
    Male,
    /// Nữ.
    Female,
}

/// Số định danh cá nhân (also the number of the căn cước card): 12 digits.
///
/// Layout: 3-digit birth-registration province code, 1 century/sex digit,
/// 2 digits of the birth year, 6 random digits.
///
/// **Verified:** 12 ASCII digits; the province code is one of the 63
/// pre-2025 province codes; the century/sex digit is 0–3, i.e. a birth in
/// 1900–2099 (0/1 = 20th century male/female, 2/3 = 21st century). The six
/// random digits carry no check digit, so a well-formed number may still
/// belong to nobody. **Not verified:** codes used for births registered
/// abroad (not found), and that the birth year is not in the future (use
/// [`PersonalId::birth_year`] with a date from the caller).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonalId(String);

impl PersonalId {
    /// Parses and checks a personal ID number (surrounding spaces ignored).
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim();
        if s.len() != 12 || !all_digits(s) {
            return Err(IdError::new(
                "personal_id.shape",
                "Số định danh cá nhân phải gồm đúng 12 chữ số",
                "A personal ID number must be exactly 12 digits",
            ));
        }
        let province: u16 = s[..3].parse().unwrap_or(0);
        if !PERSONAL_ID_PROVINCES.contains(&province) {
            return Err(IdError::new(
                "personal_id.province",
                format!("Mã tỉnh nơi đăng ký khai sinh không hợp lệ: {}", &s[..3]),
                format!("Unknown birth-registration province code: {}", &s[..3]),
            ));
        }
        if !matches!(s.as_bytes()[3], b'0'..=b'3') {
            return Err(IdError::new(
                "personal_id.century",
                "Mã thế kỷ và giới tính phải từ 0 đến 3 (sinh năm 1900–2099)",
                "The century/sex digit must be 0–3 (born 1900–2099)",
            ));
        }
        Ok(Self(s.to_owned()))
    }

    /// The 12 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 3-digit birth-registration province code, e.g. `"001"`.
    pub fn province_code(&self) -> &str {
        &self.0[..3]
    }

    /// The sex encoded in the fourth digit.
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[3] - b'0').is_multiple_of(2) {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The full birth year, from the century digit and two year digits.
    pub fn birth_year(&self) -> u16 {
        let b = self.0.as_bytes();
        let century = 1900 + u16::from((b[3] - b'0') / 2) * 100;
        century + u16::from(b[4] - b'0') * 10 + u16::from(b[5] - b'0')
    }
}

impl TryFrom<String> for PersonalId {
    type Error = IdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PersonalId> for String {
    fn from(value: PersonalId) -> Self {
        value.0
    }
}

impl std::fmt::Display for PersonalId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Check-digit weights of the mã số thuế (applied to the first 9 digits).
const TAX_WEIGHTS: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];

/// The tenth digit expected after nine digits, or `None` when no valid
/// code can start with them (the weighted sum is ≡ 0 mod 11).
pub fn tax_check_digit(first_nine: &[u8; 9]) -> Option<u8> {
    let sum: u32 = first_nine
        .iter()
        .zip(TAX_WEIGHTS)
        .map(|(d, w)| u32::from(*d) * w)
        .sum();
    let check = 10 - (sum % 11);
    u8::try_from(check).ok().filter(|c| *c <= 9)
}

/// Mã số thuế: 10 digits (enterprise or individual) or 10 digits, `-`, and a
/// 3-digit branch number (đơn vị phụ thuộc, chi nhánh).
///
/// The tenth digit is a check digit: weights 31, 29, 23, 19, 17, 13, 7, 5, 3
/// on the first nine digits, check = 10 − (sum mod 11); a remainder of 0
/// gives no valid code. The rule was confirmed against a public list of
/// real tax codes and the worked example attributed to the tax circular
/// (`010004751` → 6); the circular itself was not read. Also refused: a
/// sequence part `0000000` and a branch `000`. Spaces are not accepted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TaxCode(String);

impl TaxCode {
    /// Parses `0100233488` or `0314409058-002` (surrounding spaces ignored).
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim();
        let (main, branch) = match s.split_once('-') {
            Some((m, b)) => (m, Some(b)),
            None => (s, None),
        };
        let shape_ok = main.len() == 10
            && all_digits(main)
            && branch.is_none_or(|b| b.len() == 3 && all_digits(b));
        if !shape_ok {
            return Err(IdError::new(
                "tax_code.shape",
                "Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, dấu '-' và 3 chữ số",
                "A tax code must be 10 digits, or 10 digits, '-' and 3 digits",
            ));
        }
        if &main[2..9] == "0000000" || branch == Some("000") {
            return Err(IdError::new(
                "tax_code.component",
                "Mã số thuế có phần số thứ tự bằng 0",
                "A tax code's sequence or branch part is all zeros",
            ));
        }
        let mut digits = [0u8; 9];
        for (slot, b) in digits.iter_mut().zip(main.bytes()) {
            *slot = b - b'0';
        }
        let last = main.as_bytes()[9] - b'0';
        if tax_check_digit(&digits) != Some(last) {
            return Err(IdError::new(
                "tax_code.checksum",
                "Chữ số kiểm tra của mã số thuế không đúng",
                "The tax code's check digit is wrong",
            ));
        }
        Ok(Self(s.to_owned()))
    }

    /// The code as written, e.g. `0314409058-002`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 10-digit code of the parent taxpayer.
    pub fn main(&self) -> &str {
        &self.0[..10]
    }

    /// The 3-digit branch number, if any.
    pub fn branch(&self) -> Option<&str> {
        self.0.get(11..)
    }
}

impl TryFrom<String> for TaxCode {
    type Error = IdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<TaxCode> for String {
    fn from(value: TaxCode) -> Self {
        value.0
    }
}

impl std::fmt::Display for TaxCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which layout an [`AgencyId`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyIdForm {
    /// QCVN 102:2016 `V1V2V3.Z1Z2.Y1Y2.MX1X2`, level 1 rightmost, e.g.
    /// `000.00.01.H22`.
    Legacy,
    /// QĐ 20/2020/QĐ-TTg, groups grow left to right from the level-1 code,
    /// e.g. `H55.242`.
    LeftToRight,
}

/// Mã định danh điện tử of an agency or unit: at most 35 characters from
/// `.`, `0-9`, `A-Z`, in groups separated by `.`.
///
/// Accepts the legacy QCVN 102 layout (`ddd.dd.dd.Ldd`) and the
/// left-to-right layout whose first group is a level-1 code (a letter and
/// two digits, e.g. `H55`, `G01`, `K57`). Not accepted: enterprise codes
/// used as identifiers by enterprises under a ministry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgencyId(String);

fn is_level1(group: &str) -> bool {
    let b = group.as_bytes();
    b.len() == 3 && b[0].is_ascii_uppercase() && b[1].is_ascii_digit() && b[2].is_ascii_digit()
}

impl AgencyId {
    /// Maximum length under QĐ 20/2020/QĐ-TTg Art. 4(1).
    pub const MAX_LEN: usize = 35;

    /// Parses an agency identifier (surrounding spaces ignored).
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim();
        if s.is_empty() || s.len() > Self::MAX_LEN {
            return Err(IdError::new(
                "agency_id.length",
                "Mã định danh phải có từ 1 đến 35 ký tự",
                "An agency identifier must be 1 to 35 characters",
            ));
        }
        if !s
            .bytes()
            .all(|b| b == b'.' || b.is_ascii_digit() || b.is_ascii_uppercase())
        {
            return Err(IdError::new(
                "agency_id.charset",
                "Mã định danh chỉ gồm dấu '.', chữ số và chữ in hoa A-Z",
                "An agency identifier may only contain '.', digits and A-Z",
            ));
        }
        if Self::form_of(s).is_none() {
            return Err(IdError::new(
                "agency_id.layout",
                format!("Mã định danh không đúng cấu trúc QCVN 102 hoặc QĐ 20/2020: {s}"),
                format!("Agency identifier matches neither QCVN 102 nor QĐ 20/2020: {s}"),
            ));
        }
        Ok(Self(s.to_owned()))
    }

    fn form_of(s: &str) -> Option<AgencyIdForm> {
        let groups: Vec<&str> = s.split('.').collect();
        if groups.iter().any(|g| g.is_empty()) {
            return None;
        }
        let legacy = groups.len() == 4
            && groups[0].len() == 3
            && all_digits(groups[0])
            && groups[1].len() == 2
            && all_digits(groups[1])
            && groups[2].len() == 2
            && all_digits(groups[2])
            && is_level1(groups[3]);
        if legacy {
            Some(AgencyIdForm::Legacy)
        } else if is_level1(groups[0]) {
            Some(AgencyIdForm::LeftToRight)
        } else {
            None
        }
    }

    /// The identifier text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The layout used.
    pub fn form(&self) -> AgencyIdForm {
        Self::form_of(&self.0).unwrap_or(AgencyIdForm::LeftToRight)
    }

    /// The level-1 code (e.g. `H22`), wherever the layout puts it.
    pub fn level1(&self) -> &str {
        match self.form() {
            AgencyIdForm::Legacy => self.0.rsplit('.').next().unwrap_or(&self.0),
            AgencyIdForm::LeftToRight => self.0.split('.').next().unwrap_or(&self.0),
        }
    }
}

impl TryFrom<String> for AgencyId {
    type Error = IdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<AgencyId> for String {
    fn from(value: AgencyId) -> Self {
        value.0
    }
}

impl std::fmt::Display for AgencyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
