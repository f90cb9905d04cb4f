//! Who files a dossier (chủ hồ sơ) and through which channel.

use serde::{Deserialize, Serialize};

use super::ids::{IdError, PersonalId, TaxCode};

/// Kênh thực hiện: how the dossier reached the one-stop desk (`KenhThucHien`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 1: trực tiếp, in person at the desk.
    InPerson,
    /// 2: trực tuyến, online.
    Online,
    /// 3: bưu chính công ích, by public postal service.
    Post,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 3] = [Self::InPerson, Self::Online, Self::Post];

    /// The portal code 1–3.
    pub const fn code(self) -> u8 {
        match self {
            Self::InPerson => 1,
            Self::Online => 2,
            Self::Post => 3,
        }
    }

    /// The channel of a portal code.
    pub fn from_code(code: u8) -> Result<Self, IdError> {
        Self::ALL.into_iter().find(|c| c.code() == code).ok_or_else(|| {
            IdError::new(
                "channel.code",
                format!("Kênh thực hiện {code} không hợp lệ (1 trực tiếp, 2 trực tuyến, 3 bưu chính)"),
                format!("Invalid channel {code} (1 in person, 2 online, 3 post)"),
            )
        })
    }
}

/// Who the applicant is (`LoaiDoiTuong`: 1 citizen, 2 organisation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum ApplicantId {
    /// Công dân, identified by the personal ID number.
    Citizen(PersonalId),
    /// Tổ chức, doanh nghiệp, identified by the tax code.
    Organisation(TaxCode),
}

/// Chủ hồ sơ: the person or organisation the dossier belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    /// Identity.
    pub id: ApplicantId,
    /// Full name or organisation name, as written by the applicant.
    pub name: String,
    /// Contact phone, if given.
    pub phone: Option<String>,
    /// Địa chỉ: residence or contact address, if given (absent from
    /// dossiers recorded before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Thư điện tử, if given (absent from dossiers recorded before it was
    /// kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl Applicant {
    /// The portal's `LoaiDoiTuong`: 1 citizen, 2 organisation.
    pub fn portal_subject_kind(&self) -> u8 {
        match self.id {
            ApplicantId::Citizen(_) => 1,
            ApplicantId::Organisation(_) => 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_applicant_stored_before_address_and_email_were_kept_still_loads() {
        let old = r#"{"id":{"kind":"citizen","id":"022087123456"},"name":"Nguyễn Văn An","phone":"0912345678"}"#;
        let a: Applicant = serde_json::from_str(old).expect("old applicant");
        assert_eq!((a.address.as_deref(), a.email.as_deref()), (None, None));
        // Written without them when absent, so older readers see no change.
        assert_eq!(serde_json::to_string(&a).expect("json"), old);
        let new = Applicant {
            address: Some("Thôn 3".into()),
            email: Some("an@example.vn".into()),
            ..a
        };
        let back: Applicant =
            serde_json::from_str(&serde_json::to_string(&new).expect("json")).expect("new");
        assert_eq!(back, new);
    }
}
