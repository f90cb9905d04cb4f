//! The applicant's supplement sent from the tracking page or the API with
//! the QR secret (issue 14 item 1): the file is stored first
//! ([`crate::attachments::AttachmentService::add`]), then this use case
//! records the `supplement_sent` event naming it, through the outbox like
//! every event. A failure here never loses the file: the caller says the
//! file was kept and the desk still lists it. The stored file's id is the
//! idempotency key, so a retry for the same file appends nothing.

use std::collections::BTreeSet;

use motcua_domain::dossier::{Action, Actor, DossierStatus, SuppliedFile};

use super::access::Accessor;
use super::commands::fingerprint;
use super::error::DossierError;
use super::write::{ActionAnswer, actor_key};
use super::{DossierService, check_key, replayed};
use crate::ports::attachments::AttachmentRow;

/// The idempotency key of the event naming a stored file.
pub fn supplement_key(attachment_id: &str) -> String {
    format!("supplement-sent-{attachment_id}")
}

impl DossierService {
    /// Records that the holder of the QR secret (never the phone digits)
    /// sent `file`, already stored for the dossier: a `supplement_sent`
    /// event, allowed only while the dossier awaits a supplement (422
    /// otherwise). The legal status and the paused clock stay until an
    /// officer records the supplement. The same file recorded again
    /// answers the first answer (`true` = replayed).
    #[tracing::instrument(level = "info", skip_all, fields(dossier = %code))]
    pub async fn record_supplement_sent(
        &self,
        code: &str,
        verifier: &str,
        file: &AttachmentRow,
    ) -> Result<(ActionAnswer, bool), DossierError> {
        let dossier = self
            .authorize(&Accessor::Holder(verifier.to_owned()), code)
            .await?;
        if file.dossier_code != dossier.code.as_str() {
            return Err(DossierError::NotFound(super::error::not_found_text()));
        }
        let key = supplement_key(&file.id);
        check_key(&key)?;
        let files = vec![SuppliedFile {
            id: file.id.clone(),
            component: file.component.clone(),
        }];
        let fingerprint = fingerprint(dossier.code.as_str(), &files)?;
        let actor = Actor::Citizen(format!("holder-{}", dossier.code.as_str()));
        if let Some(stored) = self.store.find_answer(&actor_key(&actor), &key).await? {
            return replayed(&stored, &fingerprint);
        }
        let now = self.now();
        self.commit(
            &dossier,
            actor,
            &key,
            &fingerprint,
            Action::SendSupplement { files },
            now,
            Vec::new(),
        )
        .await
    }

    /// Which of `codes` wait for an officer to check a supplement the
    /// applicant sent (the work list's "Đã gửi bổ sung" mark). Reads each
    /// dossier awaiting a supplement once; callers pass one page of a work
    /// list (at most a few dozen codes). Unknown codes are left out.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn supplements_sent(
        &self,
        codes: &[String],
    ) -> Result<BTreeSet<String>, DossierError> {
        let mut out = BTreeSet::new();
        for code in codes {
            match self.load(code).await {
                Ok(d)
                    if d.status.status == DossierStatus::AwaitingSupplement
                        && d.supplement_sent_at().is_some() =>
                {
                    out.insert(code.clone());
                }
                Ok(_) | Err(DossierError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }
}
