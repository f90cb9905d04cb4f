//! Who may see or touch one dossier outside the work lists: an officer
//! whose agency covers it, or the holder of its tracking verifier (the QR
//! secret on the receipt, or the last four digits of the applicant's
//! phone). Used by attachments and by the citizen's own actions.

use motcua_domain::dossier::{Actor, AgencyId, Dossier};

use super::DossierService;
use super::error::DossierError;
use super::input::ActionInput;
use super::write::ActionAnswer;

/// Who asks.
#[derive(Debug, Clone)]
pub enum Accessor {
    /// An officer of this agency.
    Officer(AgencyId),
    /// Whoever holds this verifier: the QR secret (the phone's last four
    /// digits open public tracking only).
    Holder(String),
}

impl DossierService {
    /// The dossier, if `who` may see it: 404 for an unknown code or a wrong
    /// verifier (the same answer), 403 for an officer of another agency.
    #[tracing::instrument(level = "info", skip_all, fields(dossier = %code))]
    pub async fn authorize(&self, who: &Accessor, code: &str) -> Result<Dossier, DossierError> {
        let code = self.parse_code(code)?;
        match who {
            Accessor::Officer(agency) => {
                let dossier = self.load(code.as_str()).await?;
                self.check_scope(agency, &dossier).await?;
                Ok(dossier)
            }
            // Files, uploads and actions are personal: the QR secret only,
            // never the phone's last digits (they show the status only).
            Accessor::Holder(verifier) => match self.holder_dossier(code.as_str(), verifier).await?
            {
                (d, super::queries::VerifierProof::Secret) => Ok(d),
                (_, super::queries::VerifierProof::PhoneDigits) => {
                    Err(DossierError::NotFound(super::error::not_found_text()))
                }
            },
        }
    }

    /// Records a payment confirmed by the payment platform (a signed
    /// callback or the day's reconciliation) as the system actor
    /// `payment-platform`, with the payment order as the idempotency key:
    /// the same order recorded twice is one event (the second answer is the
    /// first, replayed). The dossier's history shows it and the outbox
    /// syncs it (`DuocThanhToanTrucTuyen` = 1). Used only by
    /// [`crate::payments::PaymentService`].
    #[tracing::instrument(level = "info", skip_all, fields(dossier = %code))]
    pub async fn record_online_payment(
        &self,
        code: &str,
        order_id: &str,
        amount_vnd: u64,
        transaction_id: &str,
    ) -> Result<(ActionAnswer, bool), DossierError> {
        self.act_within(
            Actor::System("payment-platform".into()),
            None,
            &format!("payment-{order_id}"),
            code,
            None,
            ActionInput::RecordPayment {
                amount_vnd,
                method: motcua_domain::dossier::PaymentMethod::NationalPortal,
                reference: transaction_id.to_owned(),
            },
        )
        .await
    }

    /// An action the applicant takes themselves, proven by the verifier:
    /// only rating the service (đánh giá) once the result is returned.
    #[tracing::instrument(level = "info", skip_all, fields(dossier = %code))]
    pub async fn act_as_holder(
        &self,
        code: &str,
        verifier: &str,
        key: &str,
        input: ActionInput,
    ) -> Result<(ActionAnswer, bool), DossierError> {
        if !matches!(input, ActionInput::Rate { .. }) {
            return Err(DossierError::Forbidden(
                "Người nộp hồ sơ chỉ được đánh giá / the applicant may only rate".into(),
            ));
        }
        let dossier = self
            .authorize(&Accessor::Holder(verifier.to_owned()), code)
            .await?;
        self.act_within(
            Actor::Citizen(format!("holder-{}", dossier.code.as_str())),
            None,
            key,
            dossier.code.as_str(),
            None,
            input,
        )
        .await
    }
}
