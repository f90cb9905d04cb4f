//! Notices to applicants and their contacts' opt-outs (issue 15 item 7).

/// Stamps `impl NoticeStore for crate::Engine`: the `notices` and
/// `notice_contacts` tables (migration 0030).
#[macro_export]
macro_rules! notice_store {
    () => {
        use async_trait::async_trait;
        use chrono::{DateTime, Utc};
        use motcua_app::StoreError;
        use motcua_app::ports::notices::{NoticeContact, NoticeOutcome, NoticeRow, NoticeStore};
        use sqlx::Row;

        use crate::{Engine, EngineRow, other};

        fn contact_of(r: &EngineRow) -> Result<NoticeContact, StoreError> {
            let get = |e| other(e, "reading a notice contact");
            Ok(NoticeContact {
                contact: r.try_get("contact").map_err(get)?,
                token: r.try_get("token").map_err(get)?,
                opted_out_at: r.try_get("opted_out_at").map_err(get)?,
            })
        }

        fn notice_of(r: &EngineRow) -> Result<NoticeRow, StoreError> {
            let get = |e| other(e, "reading a notice");
            let outcome: String = r.try_get("outcome").map_err(get)?;
            Ok(NoticeRow {
                event_id: r.try_get("event_id").map_err(get)?,
                channel: r.try_get("channel").map_err(get)?,
                dossier_code: r.try_get("dossier_code").map_err(get)?,
                kind: r.try_get("kind").map_err(get)?,
                recipient: r.try_get("recipient").map_err(get)?,
                subject: r.try_get("subject").map_err(get)?,
                outcome: NoticeOutcome::parse(&outcome).ok_or_else(|| {
                    StoreError::Other(anyhow::anyhow!("unknown notice outcome {outcome}"))
                })?,
                at: r.try_get("at").map_err(get)?,
            })
        }

        #[async_trait]
        impl NoticeStore for Engine {
            async fn notice_contact(
                &self,
                contact: &str,
                new_token: &str,
            ) -> Result<NoticeContact, StoreError> {
                sqlx::query(
                    "INSERT INTO notice_contacts (contact, token) VALUES ($1, $2) \
                     ON CONFLICT (contact) DO NOTHING",
                )
                .bind(contact)
                .bind(new_token)
                .execute(&self.pool)
                .await
                .map_err(|e| other(e, "adding a notice contact"))?;
                let row = sqlx::query(
                    "SELECT contact, token, opted_out_at FROM notice_contacts WHERE contact = $1",
                )
                .bind(contact)
                .fetch_one(&self.pool)
                .await
                .map_err(|e| other(e, "reading a notice contact"))?;
                contact_of(&row)
            }

            async fn notice_contact_by_token(
                &self,
                token: &str,
            ) -> Result<Option<NoticeContact>, StoreError> {
                let row = sqlx::query(
                    "SELECT contact, token, opted_out_at FROM notice_contacts WHERE token = $1",
                )
                .bind(token)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "reading a notice contact"))?;
                row.as_ref().map(contact_of).transpose()
            }

            async fn opt_out_contact(
                &self,
                contact: &str,
                new_token: &str,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO notice_contacts (contact, token, opted_out_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (contact) DO UPDATE SET opted_out_at = \
                     COALESCE(notice_contacts.opted_out_at, excluded.opted_out_at)",
                )
                .bind(contact)
                .bind(new_token)
                .bind(at)
                .execute(&self.pool)
                .await
                .map_err(|e| other(e, "opting a contact out"))?;
                Ok(())
            }

            async fn notice_recorded(
                &self,
                event_id: &str,
                channel: &str,
            ) -> Result<bool, StoreError> {
                let found: Option<i64> = sqlx::query_scalar(
                    "SELECT CAST(1 AS BIGINT) FROM notices WHERE event_id = $1 AND channel = $2",
                )
                .bind(event_id)
                .bind(channel)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "reading a notice"))?;
                Ok(found.is_some())
            }

            async fn record_notice(&self, n: &NoticeRow) -> Result<bool, StoreError> {
                let done = sqlx::query(
                    "INSERT INTO notices (event_id, channel, dossier_code, kind, recipient, \
                     subject, outcome, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (event_id, channel) DO NOTHING",
                )
                .bind(&n.event_id)
                .bind(&n.channel)
                .bind(&n.dossier_code)
                .bind(&n.kind)
                .bind(&n.recipient)
                .bind(&n.subject)
                .bind(n.outcome.as_str())
                .bind(n.at)
                .execute(&self.pool)
                .await
                .map_err(|e| other(e, "recording a notice"))?;
                Ok(done.rows_affected() == 1)
            }

            async fn dossier_notices(
                &self,
                dossier_code: &str,
            ) -> Result<Vec<NoticeRow>, StoreError> {
                let rows = sqlx::query(
                    "SELECT event_id, channel, dossier_code, kind, recipient, subject, outcome, at \
                     FROM notices WHERE dossier_code = $1 ORDER BY at, event_id, channel",
                )
                .bind(dossier_code)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "listing a dossier's notices"))?;
                rows.iter().map(notice_of).collect()
            }
        }
    };
}
