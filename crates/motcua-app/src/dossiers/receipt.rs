//! Form 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả (the receipt and
//! appointment slip): everything printed on it, gathered for an officer of
//! the dossier's agencies or for whoever holds the code and a verifier.

use chrono::{DateTime, Datelike, Utc};
use motcua_domain::catalog::FormRole;
use motcua_domain::dossier::{
    AgencyId, ApplicantId, ComponentState, DataSource, Dossier, DossierCode,
};
use motcua_domain::legal_time::TimeLimit;

use super::DossierService;
use super::error::{DossierError, not_found_text};
use super::queries::{VerifierProof, proof_of};
use super::write::{ActionAnswer, sha256_hex};
use crate::ports::dossiers::StoredDossier;
use motcua_domain::audit::{mask_contact, mask_identifier};

/// Who asks for a receipt.
#[derive(Debug, Clone)]
pub enum ReceiptAccess {
    /// An officer: their agency must cover one of the dossier's agencies.
    Officer(AgencyId),
    /// Anyone holding the code and the QR secret or the phone's last four
    /// digits; a wrong verifier answers like an unknown code.
    Verifier(String),
}

/// How one component was handled at the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptComponentState {
    /// Nộp: handed in.
    Submitted,
    /// Xuất trình: shown and handed back.
    Presented,
    /// Không phải nộp: the state already holds the data.
    Waived,
    /// Not provided (optional components only, on a received dossier).
    Missing,
}

/// Where a waived component's data came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptSource {
    /// CSDLQGVDC.
    PopulationDatabase,
    /// CSDLHTĐT.
    CivilStatusDatabase,
    /// The citizen's data store on the national portal.
    CitizenDataStore,
    /// An earlier dossier's result, by code.
    EarlierResult(String),
    /// Another database, by name.
    Other(String),
}

/// One line of "thành phần hồ sơ" on the receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptComponent {
    /// Name.
    pub name: String,
    /// Whether the procedure requires it.
    pub required: bool,
    /// How it was handled.
    pub state: ReceiptComponentState,
    /// Whether an electronic copy was made (số hóa).
    pub digitised: bool,
    /// For a waived component: where the data came from.
    pub source: Option<ReceiptSource>,
}

/// One fee line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptFee {
    /// Name.
    pub name: String,
    /// Amount in đồng.
    pub amount_vnd: u64,
}

/// Everything form 01 shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptView {
    /// Mã hồ sơ.
    pub code: String,
    /// The receiving unit's identifier.
    pub receiving_unit_id: String,
    /// The receiving unit's name (the identifier when unknown).
    pub receiving_unit_name: String,
    /// The deciding agency's name (the identifier when unknown).
    pub deciding_agency_name: String,
    /// Chủ hồ sơ.
    pub applicant_name: String,
    /// The applicant's identifier, masked.
    pub applicant_id_masked: String,
    /// Mã TTHC.
    pub procedure_code: String,
    /// The procedure's name (the code when the catalog lacks it).
    pub procedure_name: String,
    /// Kênh: 1 in person, 2 online, 3 post.
    pub channel: u8,
    /// Thành phần hồ sơ.
    pub components: Vec<ReceiptComponent>,
    /// Phí, lệ phí.
    pub fees: Vec<ReceiptFee>,
    /// Total fees in đồng.
    pub fees_total_vnd: u64,
    /// When received.
    pub received_at: DateTime<Utc>,
    /// Ngày hẹn trả.
    pub due_at: Option<DateTime<Utc>>,
    /// The officer who received it (account id), if an officer did.
    pub received_by: Option<String>,
    /// The QR secret when still known (only its hash is kept with the
    /// dossier; the creation answer keeps it), for the tracking link.
    pub tracking_secret: Option<String>,
    /// The applicant's phone, masked like the identifier.
    pub applicant_phone_masked: Option<String>,
    /// The applicant's address as recorded: in full for an officer in
    /// scope and the QR-secret holder, masked for the holder of the
    /// phone's last digits only.
    pub applicant_address: Option<String>,
    /// The applicant's e-mail, shown like the address.
    pub applicant_email: Option<String>,
    /// Số lượng hồ sơ (bộ) recorded at reception (1 for an online filing).
    pub sets: u32,
    /// Thời hạn giải quyết theo quy định, from the catalog.
    pub time_limit: Option<TimeLimit>,
    /// The procedure's own code for this slip when the catalog names one
    /// other than the one-stop "01" (e.g. the police preset's `CT04`).
    pub form_code: Option<String>,
    /// The catalog's fee lines for the dossier's channel (what is due),
    /// shown when no fee has been recorded on the dossier yet.
    pub catalog_fees: Vec<ReceiptFee>,
    /// Vào sổ theo dõi hồ sơ (form 07): book and sequence number.
    pub register: RegisterEntry,
}

/// A dossier's entry in the register (sổ theo dõi hồ sơ, form 07): one
/// book per receiving unit and year; the number is derived from the
/// dossier code (day of the year and the unit's daily sequence), so it is
/// stable, unique within the unit's book and needs no register table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterEntry {
    /// Quyển số: the year.
    pub book: String,
    /// Số thứ tự: `DDD.NNNN`, day of the year and daily sequence.
    pub number: String,
}

impl RegisterEntry {
    /// The entry of the dossier `code`.
    pub fn of(code: &DossierCode) -> Self {
        let date = code.date();
        Self {
            book: date.year().to_string(),
            number: format!("{:03}.{:04}", date.ordinal(), code.sequence()),
        }
    }
}

fn source(s: &DataSource) -> ReceiptSource {
    match s {
        DataSource::PopulationDatabase => ReceiptSource::PopulationDatabase,
        DataSource::CivilStatusDatabase => ReceiptSource::CivilStatusDatabase,
        DataSource::CitizenDataStore => ReceiptSource::CitizenDataStore,
        DataSource::EarlierResult(code) => ReceiptSource::EarlierResult(code.clone()),
        DataSource::Other(name) => ReceiptSource::Other(name.clone()),
    }
}

fn components(d: &Dossier) -> Vec<ReceiptComponent> {
    d.components
        .iter()
        .map(|c| {
            let (state, digitised, src) = match &c.state {
                ComponentState::Submitted { digitised } => {
                    (ReceiptComponentState::Submitted, *digitised, None)
                }
                ComponentState::Presented => (ReceiptComponentState::Presented, false, None),
                ComponentState::Waived { source: s, .. } => {
                    (ReceiptComponentState::Waived, false, Some(source(s)))
                }
                ComponentState::Missing => (ReceiptComponentState::Missing, false, None),
            };
            ReceiptComponent {
                name: c.name.clone(),
                required: c.required,
                state,
                digitised,
                source: src,
            }
        })
        .collect()
}

impl DossierService {
    /// The receipt (form 01) of a received dossier. An unknown code, a
    /// wrong verifier and (for verifier holders) a dossier never received
    /// all answer the same 404.
    #[tracing::instrument(level = "info", skip_all, fields(dossier = %code))]
    pub async fn receipt(
        &self,
        access: &ReceiptAccess,
        code: &str,
    ) -> Result<ReceiptView, DossierError> {
        let code = self.parse_code(code)?;
        let not_found = || DossierError::NotFound(not_found_text());
        let stored = self
            .store
            .load_dossier(code.as_str())
            .await?
            .ok_or_else(not_found)?;
        let d: Dossier = serde_json::from_str(&stored.projection.state_json)
            .map_err(|e| DossierError::Unexpected(e.into()))?;
        // Contact details in full for the officer in scope and the QR
        // holder; the phone's four digits are too weak a proof for them.
        let full_contact = match access {
            ReceiptAccess::Verifier(v) => match proof_of(Some(&stored), v) {
                None => return Err(not_found()),
                Some(proof) => proof == VerifierProof::Secret,
            },
            ReceiptAccess::Officer(agency) => {
                self.check_scope(agency, &d).await?;
                true
            }
        };
        let Some(received_at) = d.received_at else {
            return Err(DossierError::NotFound(
                "Hồ sơ chưa được tiếp nhận nên chưa có giấy tiếp nhận / \
                 the dossier has not been received, so it has no receipt yet"
                    .to_owned(),
            ));
        };
        let receiving = self.agency_name(&d.receiving_unit).await?;
        let deciding = self.agency_name(&d.deciding_agency).await?;
        let day = super::local_day(received_at);
        let facts = self.procedures.procedure(&d.procedure.code, day).await;
        let procedure_name = facts
            .as_ref()
            .map_or_else(|| d.procedure.code.clone(), |p| p.name.clone());
        let online = d.channel.code() == 2;
        let catalog_fees = facts
            .as_ref()
            .map(|p| {
                p.fees
                    .iter()
                    .map(|f| ReceiptFee {
                        name: f.name.clone(),
                        amount_vnd: if online {
                            f.online_amount()
                        } else {
                            f.in_person_vnd
                        },
                    })
                    .collect()
            })
            .unwrap_or_default();
        let form_code = facts
            .as_ref()
            .and_then(|p| p.forms.form_for(FormRole::Receipt))
            .filter(|c| *c != "01")
            .map(str::to_owned);
        let (received_by, tracking_secret) = self.reception_facts(&stored, &d).await?;
        let id = match &d.applicant.id {
            ApplicantId::Citizen(p) => p.as_str().to_owned(),
            ApplicantId::Organisation(t) => t.as_str().to_owned(),
        };
        Ok(ReceiptView {
            code: d.code.as_str().to_owned(),
            receiving_unit_id: d.receiving_unit.as_str().to_owned(),
            receiving_unit_name: receiving,
            deciding_agency_name: deciding,
            applicant_name: d.applicant.name.clone(),
            applicant_id_masked: mask_identifier(&id),
            procedure_code: d.procedure.code.clone(),
            procedure_name,
            channel: d.channel.code(),
            components: components(&d),
            fees: d
                .fees
                .iter()
                .map(|f| ReceiptFee {
                    name: f.name.clone(),
                    amount_vnd: f.amount_vnd,
                })
                .collect(),
            fees_total_vnd: d.fees_vnd(),
            received_at,
            due_at: d.original_due_at.or(d.due_at),
            received_by,
            tracking_secret,
            applicant_phone_masked: d.applicant.phone.as_deref().map(|p| {
                let digits: String = p.chars().filter(char::is_ascii_digit).collect();
                mask_identifier(&digits)
            }),
            applicant_address: d.applicant.address.as_deref().map(|a| {
                if full_contact {
                    a.to_owned()
                } else {
                    mask_identifier(a)
                }
            }),
            applicant_email: d.applicant.email.as_deref().map(|e| {
                if full_contact {
                    e.to_owned()
                } else {
                    mask_contact(e)
                }
            }),
            sets: d.sets,
            time_limit: facts.as_ref().and_then(|p| p.limit),
            form_code,
            catalog_fees,
            register: RegisterEntry::of(&d.code),
        })
    }

    async fn agency_name(&self, id: &AgencyId) -> Result<String, DossierError> {
        Ok(self
            .cached_agency(id.as_str())
            .await?
            .map_or_else(|| id.as_str().to_owned(), |a| a.name))
    }

    /// Who received the dossier, and the QR secret: derived from the code
    /// (see `super::secret`), or for a dossier created before that, from
    /// its creation answer when still kept; either checked against the
    /// stored hash.
    async fn reception_facts(
        &self,
        stored: &StoredDossier,
        d: &Dossier,
    ) -> Result<(Option<String>, Option<String>), DossierError> {
        let events = self.store.dossier_events(d.code.as_str()).await?;
        let received_by = events
            .iter()
            .find(|e| e.event_type == "received")
            .and_then(|e| e.actor.strip_prefix("officer:").map(str::to_owned));
        if let Some(secret) = self.derived_secret(d.code.as_str(), &stored.verifier_hash) {
            return Ok((received_by, Some(secret)));
        }
        let Some(first) = events.first() else {
            return Ok((received_by, None));
        };
        let secret = self
            .store
            .find_answer(&first.actor, &first.idempotency_key)
            .await?
            .and_then(|a| serde_json::from_str::<ActionAnswer>(&a.answer_json).ok())
            .and_then(|a| a.tracking_secret)
            .filter(|s| sha256_hex(s.as_bytes()) == stored.verifier_hash);
        Ok((received_by, secret))
    }
}
