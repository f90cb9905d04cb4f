//! What callers send: a new dossier and the actions on it, validated here
//! into domain types. Serialisable so that a request's fingerprint can be
//! compared when an idempotency key comes back.

use chrono::{DateTime, Utc};
use motcua_domain::dossier::{
    Applicant, ApplicantId, Channel, Component, ComponentState, FeeLine, PaymentMethod, PersonalId,
    Rating, ResultDocument, ReturnMethod, TaxCode,
};
use serde::{Deserialize, Serialize};

use super::error::DossierError;
use super::procedures::ProcedureFacts;

/// Citizen (công dân) or organisation (tổ chức).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    /// Identified by the 12-digit personal ID.
    Citizen,
    /// Identified by the tax code.
    Organisation,
}

/// Chủ hồ sơ as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicantInput {
    /// Citizen or organisation.
    pub kind: ApplicantKind,
    /// Số định danh cá nhân (12 digits) or mã số thuế.
    pub id: String,
    /// Full name or organisation name.
    pub name: String,
    /// Contact phone.
    #[serde(default)]
    pub phone: Option<String>,
}

impl ApplicantInput {
    /// Validates the identifier, name and phone.
    pub fn validate(&self) -> Result<Applicant, DossierError> {
        let id = match self.kind {
            ApplicantKind::Citizen => ApplicantId::Citizen(PersonalId::parse(&self.id)?),
            ApplicantKind::Organisation => ApplicantId::Organisation(TaxCode::parse(&self.id)?),
        };
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(DossierError::invalid(
                "applicant.name",
                "Tên chủ hồ sơ phải có từ 1 đến 200 ký tự",
                "The applicant's name must be 1 to 200 characters",
            ));
        }
        let phone = match self.phone.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(p) => {
                let digits = p.chars().filter(char::is_ascii_digit).count();
                let allowed = p
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +.-()".contains(c));
                if !allowed || !(8..=15).contains(&digits) {
                    return Err(DossierError::invalid(
                        "applicant.phone",
                        "Số điện thoại phải gồm 8 đến 15 chữ số",
                        "The phone number must have 8 to 15 digits",
                    ));
                }
                Some(p.to_owned())
            }
        };
        Ok(Applicant {
            id,
            name: name.to_owned(),
            phone,
        })
    }
}

/// The state of one component, by its code in the procedure (`TP1`...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentInput {
    /// Component code.
    pub code: String,
    /// Its state.
    pub state: ComponentState,
}

/// Merges sent component states into the procedure's checklist; unknown
/// codes are refused, components not sent are missing.
pub fn checklist(
    facts: &ProcedureFacts,
    sent: &[ComponentInput],
    base: Option<&[Component]>,
) -> Result<Vec<Component>, DossierError> {
    if let Some(bad) = sent
        .iter()
        .find(|s| !facts.components.iter().any(|c| c.code == s.code))
    {
        return Err(DossierError::invalid(
            "component.code",
            format!("Thủ tục không có thành phần hồ sơ mã {}", bad.code),
            format!("The procedure has no component {}", bad.code),
        ));
    }
    Ok(facts
        .components
        .iter()
        .map(|spec| {
            let state = sent
                .iter()
                .rev()
                .find(|s| s.code == spec.code)
                .map(|s| s.state.clone())
                .or_else(|| {
                    base.and_then(|b| b.iter().find(|c| c.code == spec.code))
                        .map(|c| c.state.clone())
                })
                .unwrap_or(ComponentState::Missing);
            Component {
                code: spec.code.clone(),
                name: spec.name.clone(),
                required: spec.required,
                state,
            }
        })
        .collect())
}

/// A new dossier: online submission (status 1) or desk reception (status 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewDossierInput {
    /// Mã TTHC.
    pub procedure: String,
    /// Chủ hồ sơ.
    pub applicant: ApplicantInput,
    /// `in_person`, `online` or `post`.
    pub channel: Channel,
    /// Nơi tiếp nhận; defaults to the officer's agency.
    #[serde(default)]
    pub receiving_unit: Option<String>,
    /// Cơ quan giải quyết; defaults to the commune committee of the
    /// receiving unit's commune.
    #[serde(default)]
    pub deciding_agency: Option<String>,
    /// Component states.
    #[serde(default)]
    pub components: Vec<ComponentInput>,
    /// Ngày hẹn trả, only when the catalog gives no time limit.
    #[serde(default)]
    pub due_at: Option<DateTime<Utc>>,
}

/// An action on an existing dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum ActionInput {
    /// Tiếp nhận an online dossier (status 2, form 01); the due date comes
    /// from the legal clock (or `due_at` when the catalog has no limit).
    Receive {
        /// Re-checked component states.
        #[serde(default)]
        components: Vec<ComponentInput>,
        /// Ngày hẹn trả when the catalog gives no limit.
        #[serde(default)]
        due_at: Option<DateTime<Utc>>,
    },
    /// Từ chối tiếp nhận (status 3, form 03).
    Refuse {
        /// Lý do.
        reason: String,
    },
    /// Giao/nhận to the next step (form 06).
    HandOver {
        /// Officer or unit receiving.
        to: String,
        /// Step deadline; default: `step_working_days` from now, else the due date.
        #[serde(default)]
        step_deadline: Option<DateTime<Utc>>,
        /// Step length in working days.
        #[serde(default)]
        step_working_days: Option<u32>,
    },
    /// Yêu cầu bổ sung (status 5, form 02): pauses the clock.
    RequestSupplement {
        /// Lý do.
        reason: String,
        /// What must be supplied.
        missing: Vec<String>,
    },
    /// Supplement received: the clock resumes and the due date moves.
    SupplementReceived {
        /// Supplied component states.
        #[serde(default)]
        components: Vec<ComponentInput>,
    },
    /// Yêu cầu nghĩa vụ tài chính (status 6).
    RequestPayment {
        /// Fee lines.
        fees: Vec<FeeLine>,
    },
    /// A payment was received.
    RecordPayment {
        /// Amount in đồng.
        amount_vnd: u64,
        /// How.
        method: PaymentMethod,
        /// Receipt or transaction reference.
        reference: String,
    },
    /// Chuyển liên thông to another agency.
    Transfer {
        /// Agency identifier.
        to_agency: String,
        /// That agency's due instant; default: `working_days` from now,
        /// else the dossier's due date.
        #[serde(default)]
        agency_due_at: Option<DateTime<Utc>>,
        /// That agency's time in working days.
        #[serde(default)]
        working_days: Option<u32>,
    },
    /// Dừng giải quyết (status 8, form 05).
    Stop {
        /// Lý do.
        reason: String,
    },
    /// Xin lỗi và gia hạn (form 04).
    ApologiseAndExtend {
        /// Reason for the delay.
        reason: String,
        /// New due instant, or
        #[serde(default)]
        new_due_at: Option<DateTime<Utc>>,
        /// working days added after the current due date (or now, if later).
        #[serde(default)]
        extra_working_days: Option<u32>,
    },
    /// Có kết quả (status 9).
    ResultReady {
        /// Result documents.
        documents: Vec<ResultDocument>,
    },
    /// Trả kết quả (status 10).
    Return {
        /// How.
        method: ReturnMethod,
    },
    /// Rút hồ sơ (status 7).
    Withdraw {
        /// Lý do.
        reason: String,
    },
    /// Đánh giá (after return).
    Rate {
        /// Rating.
        rating: Rating,
        /// Comment.
        #[serde(default)]
        comment: Option<String>,
    },
}

impl ActionInput {
    /// Every action name, as used in `/actions/{action}`.
    pub const NAMES: [&'static str; 14] = [
        "receive",
        "refuse",
        "hand_over",
        "request_supplement",
        "supplement_received",
        "request_payment",
        "record_payment",
        "transfer",
        "stop",
        "apologise_and_extend",
        "result_ready",
        "return",
        "withdraw",
        "rate",
    ];
}
