//! What callers send: a new dossier and the actions on it, validated here
//! into domain types. Serialisable so that a request's fingerprint can be
//! compared when an idempotency key comes back.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use motcua_domain::catalog::WaiverSource;
use motcua_domain::dossier::{
    Applicant, ApplicantId, Channel, Component, ComponentState, DataSource, FeeLine, Intake,
    PaymentMethod, PersonalId, Rating, ResultDocument, ReturnMethod, TaxCode,
};
use serde::{Deserialize, Deserializer, Serialize};

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
    /// Địa chỉ: residence or contact address (up to 300 characters).
    /// Left out of the serialised form when absent, so that the
    /// fingerprint of a request sent before the field existed is unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Thư điện tử (one `@`, a dot in the domain, up to 254 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Whether an e-mail address has a plausible shape: one `@` with text
/// before it, a domain holding a dot (not first or last), no spaces and
/// at most 254 characters. Deliverability is not checked.
pub fn email_ok(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.chars().count() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl ApplicantInput {
    /// Validates the identifier, name, phone, address and e-mail.
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
        let address = match self.address.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(a) if a.chars().count() > 300 || a.chars().any(char::is_control) => {
                return Err(DossierError::invalid(
                    "applicant.address",
                    "Địa chỉ phải có tối đa 300 ký tự, trên một dòng",
                    "The address must be at most 300 characters, on one line",
                ));
            }
            Some(a) => Some(a.to_owned()),
        };
        let email = match self.email.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(e) if !email_ok(e) => {
                return Err(DossierError::invalid(
                    "applicant.email",
                    "Thư điện tử không hợp lệ: cần dạng ten@mien.vn, tối đa 254 ký tự",
                    "The e-mail address is not valid: expected name@domain.vn, at most 254 characters",
                ));
            }
            Some(e) => Some(e.to_owned()),
        };
        Ok(Applicant {
            id,
            name: name.to_owned(),
            phone,
            address,
            email,
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

/// What an officer decided about one component at reception, as the API
/// (`{"components": {"TP6": "presented", "TP7": "reused"}}`) and the desk
/// forms (`c_TP6=presented`) name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ComponentDecision {
    /// `submitted`: handed in (for an online dossier, its uploaded files).
    Submitted,
    /// `presented`: the original shown and handed back (xuất trình bản chính).
    Presented,
    /// `missing`: not provided.
    Missing,
    /// `reused`: taken from the population database (CSDLQGVDC) after a
    /// look-up of the applicant under a grant, recorded for this dossier.
    Reused,
    /// `waived:<source>`: need not be provided under the rules because the
    /// data are in that database (miễn nộp); nothing was looked up.
    Waived(WaiverSource),
}

/// The form value of each waiver source, in the order the desk lists them.
const WAIVED: [(&str, WaiverSource); 5] = [
    ("waived:population_db", WaiverSource::PopulationDb),
    ("waived:civil_status_db", WaiverSource::CivilStatusDb),
    ("waived:earlier_result", WaiverSource::EarlierResult),
    (
        "waived:electronic_birth_certificate",
        WaiverSource::ElectronicBirthCertificate,
    ),
    ("waived:sector_db", WaiverSource::SectorDb),
];

impl ComponentDecision {
    /// Reads a decision: `submitted`, `presented`, `missing`, `reused` or
    /// `waived:<source>` (`population_db`, `civil_status_db`,
    /// `earlier_result`, `electronic_birth_certificate`, `sector_db`).
    pub fn parse(value: &str) -> Option<Self> {
        Some(match value.trim() {
            "submitted" => Self::Submitted,
            "presented" => Self::Presented,
            "missing" => Self::Missing,
            "reused" => Self::Reused,
            other => Self::Waived(WAIVED.iter().find(|(v, _)| *v == other)?.1),
        })
    }

    /// The decision's name, as [`Self::parse`] reads it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Presented => "presented",
            Self::Missing => "missing",
            Self::Reused => "reused",
            Self::Waived(source) => WAIVED
                .iter()
                .find(|(_, s)| *s == source)
                .map_or("waived:sector_db", |(v, _)| v),
        }
    }

    /// The data source a waiver names.
    pub fn data_source(source: WaiverSource) -> DataSource {
        match source {
            WaiverSource::PopulationDb => DataSource::PopulationDatabase,
            WaiverSource::CivilStatusDb => DataSource::CivilStatusDatabase,
            WaiverSource::EarlierResult => DataSource::EarlierResult("kết quả đã số hóa".into()),
            WaiverSource::ElectronicBirthCertificate => {
                DataSource::Other("Giấy chứng sinh điện tử".into())
            }
            WaiverSource::SectorDb => DataSource::Other("CSDL chuyên ngành".into()),
        }
    }

    /// The component state it gives, from the state it had: `submitted`
    /// keeps whether an electronic copy is attached. `reused` gives a
    /// population-database waiver whose look-up the use case fills in.
    pub fn state(self, current: Option<&ComponentState>) -> ComponentState {
        match self {
            Self::Submitted => match current {
                Some(s @ ComponentState::Submitted { .. }) => s.clone(),
                _ => ComponentState::Submitted { digitised: false },
            },
            Self::Presented => ComponentState::Presented,
            Self::Missing => ComponentState::Missing,
            Self::Reused => ComponentState::waived(DataSource::PopulationDatabase),
            Self::Waived(source) => ComponentState::waived(Self::data_source(source)),
        }
    }
}

impl TryFrom<String> for ComponentDecision {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value).ok_or_else(|| {
            format!(
                "quyết định {value:?} không hợp lệ / unknown decision {value:?}: expected \
                 submitted, presented, missing, reused or waived:<population_db|civil_status_db|\
                 earlier_result|electronic_birth_certificate|sector_db>"
            )
        })
    }
}

impl From<ComponentDecision> for String {
    fn from(d: ComponentDecision) -> Self {
        d.as_str().to_owned()
    }
}

/// The component states sent with `receive`: decisions by code
/// (`{"TP6": "presented", "TP7": "reused"}`), or full states
/// (`[{"code": "TP6", "state": {"kind": "presented"}}]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ComponentChoices {
    /// Full states, as in a new dossier.
    States(Vec<ComponentInput>),
    /// Decisions by component code.
    Decisions(BTreeMap<String, ComponentDecision>),
}

impl Default for ComponentChoices {
    fn default() -> Self {
        Self::States(Vec::new())
    }
}

impl<'de> Deserialize<'de> for ComponentChoices {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = serde_json::Value::deserialize(deserializer)?;
        match value {
            serde_json::Value::Array(_) => serde_json::from_value(value)
                .map(Self::States)
                .map_err(D::Error::custom),
            serde_json::Value::Object(_) => serde_json::from_value(value)
                .map(Self::Decisions)
                .map_err(D::Error::custom),
            serde_json::Value::Null => Ok(Self::default()),
            _ => Err(D::Error::custom(
                "components: một đối tượng {\"TP1\": \"presented\"} hoặc một danh sách / \
                 an object of decisions by code or a list of states",
            )),
        }
    }
}

impl ComponentChoices {
    /// Whether some component is decided `reused`.
    pub fn wants_reuse(&self) -> bool {
        matches!(self, Self::Decisions(d) if d.values().any(|v| *v == ComponentDecision::Reused))
    }

    /// The sent states against the procedure and the dossier's current
    /// components: a waiver (or `reused`) must be one the catalog gives for
    /// that component; `reused` gets `reuse` (the recorded look-up), and is
    /// refused without one.
    pub fn inputs(
        &self,
        facts: &ProcedureFacts,
        current: &[Component],
        reuse: Option<&motcua_domain::dossier::DataReuse>,
    ) -> Result<Vec<ComponentInput>, DossierError> {
        let decisions = match self {
            Self::States(list) => {
                return Ok(list
                    .iter()
                    .map(|s| ComponentInput {
                        code: s.code.clone(),
                        state: without_reuse(s.state.clone()),
                    })
                    .collect());
            }
            Self::Decisions(d) => d,
        };
        let mut out = Vec::new();
        for (code, decision) in decisions {
            let Some(spec) = facts.components.iter().find(|c| &c.code == code) else {
                return Err(DossierError::invalid(
                    "component.code",
                    format!("Thủ tục không có thành phần hồ sơ mã {code}"),
                    format!("The procedure has no component {code}"),
                ));
            };
            let needs = match decision {
                ComponentDecision::Reused => Some(WaiverSource::PopulationDb),
                ComponentDecision::Waived(source) => Some(*source),
                _ => None,
            };
            if let Some(source) = needs
                && !spec.waivers.contains(&source)
            {
                return Err(DossierError::invalid(
                    "component.waiver",
                    format!(
                        "Thành phần {code} ({}) không được miễn nộp theo nguồn {}",
                        spec.name,
                        decision.as_str()
                    ),
                    format!("Component {code} cannot be waived by {}", decision.as_str()),
                ));
            }
            let mut state =
                decision.state(current.iter().find(|c| &c.code == code).map(|c| &c.state));
            if *decision == ComponentDecision::Reused {
                let Some(found) = reuse else {
                    return Err(DossierError::invalid(
                        "component.reuse_without_lookup",
                        format!(
                            "Thành phần {code} chỉ được lấy từ CSDL dân cư sau khi tra cứu người nộp \
                             (có phân quyền khai thác) cho hồ sơ này"
                        ),
                        format!(
                            "Component {code} can be taken from the population database only after \
                             a look-up of the applicant under a grant for this dossier"
                        ),
                    ));
                };
                if let ComponentState::Waived { reuse, .. } = &mut state {
                    *reuse = Some(found.clone());
                }
            }
            out.push(ComponentInput {
                code: code.clone(),
                state,
            });
        }
        Ok(out)
    }
}

/// Merges sent component states into the procedure's checklist; unknown
/// codes are refused, components not sent are missing. A sent state never
/// carries a look-up record (only [`ComponentChoices::inputs`] adds one,
/// after checking it).
pub fn checklist(
    facts: &ProcedureFacts,
    sent: &[ComponentInput],
    base: Option<&[Component]>,
) -> Result<Vec<Component>, DossierError> {
    let sent: Vec<ComponentInput> = sent
        .iter()
        .map(|s| ComponentInput {
            code: s.code.clone(),
            state: without_reuse(s.state.clone()),
        })
        .collect();
    checked_checklist(facts, &sent, base)
}

/// [`checklist`] for states the use case built itself (look-up records kept).
pub(super) fn checked_checklist(
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

/// A state as a caller may send it: no look-up record.
fn without_reuse(state: ComponentState) -> ComponentState {
    match state {
        ComponentState::Waived { source, .. } => ComponentState::waived(source),
        other => other,
    }
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
    /// Component states (`[{"code": "TP1", "state": {...}}]`) or decisions
    /// by code (`{"TP6": "presented", "TP7": "reused"}`; `reused` only at
    /// the desk, after the officer's look-up of the applicant).
    #[serde(default)]
    pub components: ComponentChoices,
    /// Ngày hẹn trả, only when the catalog gives no time limit.
    #[serde(default)]
    pub due_at: Option<DateTime<Utc>>,
    /// What the desk decided about a walk-in or postal filing: `received`
    /// (the default) or `refused` (status 3, form 03, with
    /// `refusal_reason`). Left out of the serialised form when `received`,
    /// so that earlier requests keep their fingerprint.
    #[serde(default, skip_serializing_if = "IntakeOutcome::is_received")]
    pub outcome: IntakeOutcome,
    /// Lý do từ chối tiếp nhận, with `outcome: refused`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal_reason: Option<String>,
    /// Số lượng hồ sơ (bộ) handed in at the desk, 1 to
    /// [`Intake::MAX_SETS`] (default 1; an online filing is one set).
    /// Left out of the serialised form when absent, so that earlier
    /// requests keep their fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sets: Option<i64>,
}

impl NewDossierInput {
    /// The number of sets to record: 1 when absent, else 1 to
    /// [`Intake::MAX_SETS`] (a `sets` field error otherwise); always 1 for
    /// an online filing.
    pub fn checked_sets(&self) -> Result<u32, DossierError> {
        let sets = match self.sets {
            None => 1,
            Some(n) => u32::try_from(n)
                .ok()
                .filter(|n| (1..=Intake::MAX_SETS).contains(n))
                .ok_or_else(|| {
                    DossierError::invalid(
                        "sets",
                        format!(
                            "Số bộ hồ sơ phải là số nguyên từ 1 đến {}",
                            Intake::MAX_SETS
                        ),
                        format!("sets must be a whole number from 1 to {}", Intake::MAX_SETS),
                    )
                })?,
        };
        Ok(if self.channel == Channel::Online {
            1
        } else {
            sets
        })
    }
}

/// The desk's decision on a new walk-in or postal filing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntakeOutcome {
    /// Tiếp nhận: received (status 2, form 01).
    #[default]
    Received,
    /// Từ chối tiếp nhận: refused with a reason (status 3, form 03), e.g. a
    /// procedure outside the centre's competence.
    Refused,
}

impl IntakeOutcome {
    /// Whether the filing is received (the default).
    pub fn is_received(&self) -> bool {
        *self == Self::Received
    }
}

/// An action on an existing dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum ActionInput {
    /// Tiếp nhận an online dossier (status 2, form 01); the due date comes
    /// from the legal clock (or `due_at` when the catalog has no limit).
    Receive {
        /// The checklist: decisions by code (`{"TP6": "presented"}`) or
        /// re-checked states; components not named keep their state.
        #[serde(default)]
        components: ComponentChoices,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_read_by_code_or_as_full_states() {
        for v in [
            "submitted",
            "presented",
            "missing",
            "reused",
            "waived:population_db",
            "waived:electronic_birth_certificate",
        ] {
            assert_eq!(ComponentDecision::parse(v).map(|d| d.as_str()), Some(v));
        }
        assert_eq!(ComponentDecision::parse("waived"), None);
        assert_eq!(ComponentDecision::parse("shown"), None);
        let receive: ActionInput = serde_json::from_value(serde_json::json!({
            "action": "receive",
            "components": {"TP6": "presented", "TP7": "reused"}
        }))
        .unwrap();
        let ActionInput::Receive { components, .. } = receive else {
            panic!("receive");
        };
        assert!(components.wants_reuse());
        let list: ComponentChoices = serde_json::from_value(serde_json::json!([
            {"code": "TP6", "state": {"kind": "presented"}}
        ]))
        .unwrap();
        assert!(matches!(list, ComponentChoices::States(ref l) if l.len() == 1));
        let bad = serde_json::from_value::<ComponentChoices>(serde_json::json!({"TP6": "shown"}));
        assert!(bad.unwrap_err().to_string().contains("shown"));
    }

    fn applicant(address: Option<&str>, email: Option<&str>) -> ApplicantInput {
        ApplicantInput {
            kind: ApplicantKind::Citizen,
            id: "022087123456".into(),
            name: "Nguyễn Văn An".into(),
            phone: Some("0912345678".into()),
            address: address.map(str::to_owned),
            email: email.map(str::to_owned),
        }
    }

    fn code_of(input: &ApplicantInput) -> String {
        match input.validate() {
            Err(DossierError::Invalid { code, vi, en, .. }) => {
                assert!(!vi.is_empty() && !en.is_empty(), "both languages");
                code
            }
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn address_and_email_are_kept_trimmed_or_left_out_when_blank() {
        let a = applicant(
            Some("  Thôn 3, xã Côn Minh, Thái Nguyên "),
            Some(" an.nv@example.vn "),
        )
        .validate()
        .unwrap();
        assert_eq!(
            a.address.as_deref(),
            Some("Thôn 3, xã Côn Minh, Thái Nguyên")
        );
        assert_eq!(a.email.as_deref(), Some("an.nv@example.vn"));
        let a = applicant(Some("   "), Some("")).validate().unwrap();
        assert_eq!((a.address, a.email), (None, None));
        let a = applicant(None, None).validate().unwrap();
        assert_eq!((a.address, a.email), (None, None));
        // A request written before the fields existed still reads.
        let old: ApplicantInput = serde_json::from_value(serde_json::json!({
            "kind": "citizen", "id": "022087123456", "name": "An", "phone": "0912345678"
        }))
        .unwrap();
        assert_eq!((old.address, old.email), (None, None));
    }

    #[test]
    fn a_long_address_and_malformed_emails_are_refused_with_their_field() {
        let long = "x".repeat(301);
        assert_eq!(code_of(&applicant(Some(&long), None)), "applicant.address");
        assert!(applicant(Some(&"đ".repeat(300)), None).validate().is_ok());
        assert_eq!(
            code_of(&applicant(Some("dòng 1\ndòng 2"), None)),
            "applicant.address"
        );
        for bad in [
            "an.example.vn",
            "an@@example.vn",
            "a@b@example.vn",
            "@example.vn",
            "an@examplevn",
            "an@.vn",
            "an@example.",
            "an nv@example.vn",
        ] {
            assert_eq!(
                code_of(&applicant(None, Some(bad))),
                "applicant.email",
                "{bad}"
            );
        }
        let long = format!("{}@example.vn", "a".repeat(243));
        assert_eq!(long.len(), 254);
        assert!(applicant(None, Some(&long)).validate().is_ok());
        let longer = format!("a{long}");
        assert_eq!(code_of(&applicant(None, Some(&longer))), "applicant.email");
    }
}
