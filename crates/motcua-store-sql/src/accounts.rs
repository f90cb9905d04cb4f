//! Accounts, roles, sessions, API keys and single sign-on links.

/// Stamps the shared helpers: accounts, roles, sessions, API keys and single sign-on links.
#[macro_export]
macro_rules! account_store {
    () => {
        use async_trait::async_trait;
        use chrono::{DateTime, Utc};
        use motcua_app::StoreError;
        use motcua_app::ports::AccountStore;
        use motcua_app::ports::accounts::LoginCounters;
        use motcua_domain::audit::{AuditEntry, ChainHead};
        use motcua_domain::identity::{
            Account, AccountStatus, ApiKeyRecord, Role, RoleAssignment, Scope, SessionRecord,
        };
        use sqlx::Row;

        use crate::audit::append_in;
        use crate::{Engine as Db, EngineConnection, EngineRow as DbRow, other};

        const ACCOUNT_COLUMNS: &str = "id, display_name, agency_id, status, password_hash, \
             failed_attempts, locked_until, oidc_subject, email, created_at, position";
        const KEY_COLUMNS: &str =
            "id, account_id, prefix, secret_hash, scopes, created_at, revoked_at";

        fn account_row(row: &DbRow) -> Result<Account, StoreError> {
            let s = |c: &'static str| row.try_get::<String, _>(c).map_err(|e| other(e, c));
            let o = |c: &'static str| row.try_get::<Option<String>, _>(c).map_err(|e| other(e, c));
            let status = s("status")?;
            let failed: i64 = row
                .try_get("failed_attempts")
                .map_err(|e| other(e, "failed_attempts"))?;
            Ok(Account {
                id: s("id")?,
                display_name: s("display_name")?,
                position: o("position")?,
                agency_id: s("agency_id")?,
                status: AccountStatus::parse(&status)
                    .ok_or_else(|| other(anyhow::anyhow!("status {status}"), "status"))?,
                password_hash: o("password_hash")?,
                failed_attempts: u32::try_from(failed).unwrap_or(u32::MAX),
                locked_until: row
                    .try_get("locked_until")
                    .map_err(|e| other(e, "locked_until"))?,
                oidc_subject: o("oidc_subject")?,
                email: o("email")?,
                created_at: row
                    .try_get("created_at")
                    .map_err(|e| other(e, "created_at"))?,
            })
        }

        fn key_row(row: &DbRow) -> Result<ApiKeyRecord, StoreError> {
            let s = |c: &'static str| row.try_get::<String, _>(c).map_err(|e| other(e, c));
            Ok(ApiKeyRecord {
                id: s("id")?,
                account_id: s("account_id")?,
                prefix: s("prefix")?,
                secret_hash: s("secret_hash")?,
                scopes: serde_json::from_str(&s("scopes")?).map_err(|e| other(e, "scopes"))?,
                created_at: row
                    .try_get("created_at")
                    .map_err(|e| other(e, "created_at"))?,
                revoked_at: row
                    .try_get("revoked_at")
                    .map_err(|e| other(e, "revoked_at"))?,
            })
        }

        fn session_row(row: &DbRow) -> Result<SessionRecord, StoreError> {
            let t = |c: &'static str| row.try_get::<DateTime<Utc>, _>(c).map_err(|e| other(e, c));
            Ok(SessionRecord {
                token_hash: row
                    .try_get("token_hash")
                    .map_err(|e| other(e, "token_hash"))?,
                account_id: row
                    .try_get("account_id")
                    .map_err(|e| other(e, "account_id"))?,
                created_at: t("created_at")?,
                expires_at: t("expires_at")?,
                last_seen_at: t("last_seen_at")?,
            })
        }

        #[async_trait]
        impl AccountStore for Db {
            async fn create_account(
                &self,
                a: &Account,
                audit: &AuditEntry,
            ) -> Result<ChainHead, StoreError> {
                let mut tx = self.begin_write().await?;
                let inserted = sqlx::query(&format!(
                    "INSERT INTO accounts ({ACCOUNT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                     ON CONFLICT (id) DO NOTHING"
                ))
                .bind(&a.id)
                .bind(&a.display_name)
                .bind(&a.agency_id)
                .bind(a.status.as_str())
                .bind(&a.password_hash)
                .bind(i64::from(a.failed_attempts))
                .bind(a.locked_until)
                .bind(&a.oidc_subject)
                .bind(&a.email)
                .bind(a.created_at)
                .bind(&a.position)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "inserting an account"))?
                .rows_affected();
                if inserted == 0 {
                    return Err(StoreError::Conflict(format!(
                        "Tài khoản {0} đã có / account {0} exists",
                        a.id
                    )));
                }
                let head = append_in(&mut tx, audit).await?;
                tx.commit().await.map_err(|e| other(e, "commit account"))?;
                Ok(head)
            }

            async fn get_account(&self, id: &str) -> Result<Option<Account>, StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "reading an account"))?;
                row.as_ref().map(account_row).transpose()
            }

            async fn find_account_for_sso(
                &self,
                subject: &str,
                email: Option<&str>,
            ) -> Result<Option<Account>, StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE oidc_subject = $1 \
                     OR (oidc_subject IS NULL AND sso_email_approved AND email IS NOT NULL \
                     AND lower(email) = lower($2)) \
                     ORDER BY (oidc_subject IS NULL), id LIMIT 1"
                ))
                .bind(subject)
                .bind(email.unwrap_or(""))
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "finding an SSO account"))?;
                row.as_ref().map(account_row).transpose()
            }

            async fn link_sso_subject(
                &self,
                account_id: &str,
                subject: &str,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "UPDATE accounts SET oidc_subject = $1, sso_email_approved = false WHERE id = $2",
                )
                .bind(subject)
                .bind(account_id)
                .execute(&self.pool)
                .await
                .map_err(|e| other(e, "linking an SSO subject"))?;
                Ok(())
            }

            async fn set_sso_link(
                &self,
                account_id: &str,
                subject: Option<&str>,
                email_approved: bool,
                audit: &AuditEntry,
            ) -> Result<ChainHead, StoreError> {
                let mut tx = self.begin_write().await?;
                let n = sqlx::query(
                    "UPDATE accounts SET oidc_subject = $1, sso_email_approved = $2 WHERE id = $3",
                )
                .bind(subject)
                .bind(email_approved)
                .bind(account_id)
                .execute(&mut *tx)
                .await
                .map_err(|e| match e {
                    sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(
                        "Danh tính này đã gắn với tài khoản khác / this identity is linked to another account"
                            .into(),
                    ),
                    e => other(e, "setting an SSO link"),
                })?
                .rows_affected();
                if n == 0 {
                    return Err(StoreError::NotFound);
                }
                let head = append_in(&mut tx, audit).await?;
                tx.commit().await.map_err(|e| other(e, "commit SSO link"))?;
                Ok(head)
            }

            async fn set_account_status(
                &self,
                account_id: &str,
                status: AccountStatus,
                audit: &AuditEntry,
            ) -> Result<ChainHead, StoreError> {
                let mut tx = self.begin_write().await?;
                let n = sqlx::query("UPDATE accounts SET status = $1 WHERE id = $2")
                    .bind(status.as_str())
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| other(e, "setting an account's status"))?
                    .rows_affected();
                if n == 0 {
                    return Err(StoreError::NotFound);
                }
                if status != AccountStatus::Active {
                    sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                        .bind(account_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| other(e, "ending the sessions"))?;
                }
                let head = append_in(&mut tx, audit).await?;
                tx.commit().await.map_err(|e| other(e, "commit status"))?;
                Ok(head)
            }

            async fn set_login_counters(
                &self,
                account_id: &str,
                counters: &LoginCounters,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "UPDATE accounts SET failed_attempts = $1, locked_until = $2 WHERE id = $3",
                )
                .bind(i64::from(counters.failed_attempts))
                .bind(counters.locked_until)
                .bind(account_id)
                .execute(&self.pool)
                .await
                .map_err(|e| other(e, "recording a log-in"))?;
                Ok(())
            }

            async fn list_accounts(&self) -> Result<Vec<Account>, StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY id"
                ))
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "listing accounts"))?;
                rows.iter().map(account_row).collect()
            }

            async fn set_account_profile(
                &self,
                account_id: &str,
                display_name: &str,
                position: Option<&str>,
                audit: &AuditEntry,
            ) -> Result<ChainHead, StoreError> {
                let mut tx = self.begin_write().await?;
                let n = sqlx::query(
                    "UPDATE accounts SET display_name = $1, position = $2 WHERE id = $3",
                )
                .bind(display_name)
                .bind(position)
                .bind(account_id)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "setting an account's name"))?
                .rows_affected();
                if n == 0 {
                    return Err(StoreError::NotFound);
                }
                let head = append_in(&mut tx, audit).await?;
                tx.commit().await.map_err(|e| other(e, "commit profile"))?;
                Ok(head)
            }

            async fn accounts_by_ids(&self, ids: &[String]) -> Result<Vec<Account>, StoreError> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut q = sqlx::QueryBuilder::new(format!(
                    "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id IN ("
                ));
                let mut list = q.separated(", ");
                for id in ids.iter().take(1000) {
                    list.push_bind(id);
                }
                q.push(") ORDER BY id");
                let rows = q
                    .build()
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| other(e, "reading accounts by id"))?;
                rows.iter().map(account_row).collect()
            }

            async fn officers_in_agency_subtree(
                &self,
                root: &str,
            ) -> Result<Vec<Account>, StoreError> {
                let rows = sqlx::query(&format!(
                    "WITH RECURSIVE sub (id, depth) AS ( \
                         SELECT id, 0 FROM agencies WHERE id = $1 \
                         UNION SELECT a.id, sub.depth + 1 FROM agencies a \
                         JOIN sub ON a.parent_id = sub.id WHERE sub.depth < 12) \
                     SELECT {ACCOUNT_COLUMNS} FROM accounts \
                     WHERE status = 'active' AND agency_id IN (SELECT id FROM sub) \
                     AND EXISTS (SELECT 1 FROM role_assignments r WHERE r.account_id = accounts.id \
                         AND r.role IN ('reception', 'specialist', 'leader')) \
                     ORDER BY id"
                ))
                .bind(root)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "listing the officers of an agency subtree"))?;
                rows.iter().map(account_row).collect()
            }

            async fn set_password_hash(
                &self,
                account_id: &str,
                hash: &str,
                audit: &AuditEntry,
            ) -> Result<ChainHead, StoreError> {
                let mut tx = self.begin_write().await?;
                let n = sqlx::query(
                    "UPDATE accounts SET password_hash = $1, failed_attempts = 0, locked_until = NULL \
                     WHERE id = $2",
                )
                .bind(hash)
                .bind(account_id)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "setting a password"))?
                .rows_affected();
                if n == 0 {
                    return Err(StoreError::NotFound);
                }
                sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| other(e, "ending the sessions"))?;
                let head = append_in(&mut tx, audit).await?;
                tx.commit().await.map_err(|e| other(e, "commit password"))?;
                Ok(head)
            }

            async fn record_login(
                &self,
                account_id: Option<&str>,
                counters: &LoginCounters,
                audit: &AuditEntry,
            ) -> Result<ChainHead, StoreError> {
                let mut tx = self.begin_write().await?;
                if let Some(id) = account_id {
                    sqlx::query(
                        "UPDATE accounts SET failed_attempts = $1, locked_until = $2 WHERE id = $3",
                    )
                    .bind(i64::from(counters.failed_attempts))
                    .bind(counters.locked_until)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| other(e, "recording a log-in"))?;
                }
                let head = append_in(&mut tx, audit).await?;
                tx.commit().await.map_err(|e| other(e, "commit log-in"))?;
                Ok(head)
            }

            async fn grant_role(
                &self,
                account_id: &str,
                r: &RoleAssignment,
                audit: &AuditEntry,
            ) -> Result<ChainHead, StoreError> {
                let mut tx = self.begin_write().await?;
                let exists: Option<String> =
                    sqlx::query_scalar("SELECT id FROM accounts WHERE id = $1")
                        .bind(account_id)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(|e| other(e, "reading an account"))?;
                if exists.is_none() {
                    return Err(StoreError::NotFound);
                }
                sqlx::query(
                    "INSERT INTO role_assignments (account_id, role, scope_kind, scope_id) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(account_id)
                .bind(r.role.as_str())
                .bind(r.scope.kind())
                .bind(r.scope.id())
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "granting a role"))?;
                let head = append_in(&mut tx, audit).await?;
                tx.commit().await.map_err(|e| other(e, "commit role"))?;
                Ok(head)
            }

            async fn revoke_role(
                &self,
                account_id: &str,
                r: &RoleAssignment,
                audit: &AuditEntry,
            ) -> Result<ChainHead, StoreError> {
                let mut tx = self.begin_write().await?;
                let n = sqlx::query(
                    "DELETE FROM role_assignments WHERE account_id = $1 AND role = $2 \
                     AND scope_kind = $3 AND scope_id = $4",
                )
                .bind(account_id)
                .bind(r.role.as_str())
                .bind(r.scope.kind())
                .bind(r.scope.id())
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "revoking a role"))?
                .rows_affected();
                if n == 0 {
                    return Err(StoreError::NotFound);
                }
                let head = append_in(&mut tx, audit).await?;
                tx.commit().await.map_err(|e| other(e, "commit role"))?;
                Ok(head)
            }

            async fn roles_of(&self, account_id: &str) -> Result<Vec<RoleAssignment>, StoreError> {
                let rows = sqlx::query(
                    "SELECT role, scope_kind, scope_id FROM role_assignments WHERE account_id = $1",
                )
                .bind(account_id)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading roles"))?;
                let mut out = rows
                    .iter()
                    .map(|r| {
                        let role: String = r.try_get("role").map_err(|e| other(e, "role"))?;
                        let kind: String = r
                            .try_get("scope_kind")
                            .map_err(|e| other(e, "scope_kind"))?;
                        let id: String = r.try_get("scope_id").map_err(|e| other(e, "scope_id"))?;
                        Ok(RoleAssignment {
                            role: Role::parse(&role)
                                .ok_or_else(|| other(anyhow::anyhow!("role {role}"), "role"))?,
                            scope: Scope::from_parts(&kind, &id)
                                .ok_or_else(|| other(anyhow::anyhow!("scope {kind}"), "scope"))?,
                        })
                    })
                    .collect::<Result<Vec<_>, StoreError>>()?;
                out.sort();
                Ok(out)
            }

            async fn create_session(&self, s: &SessionRecord) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO sessions (token_hash, account_id, created_at, expires_at, last_seen_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&s.token_hash)
                .bind(&s.account_id)
                .bind(s.created_at)
                .bind(s.expires_at)
                .bind(s.last_seen_at)
                .execute(&self.pool)
                .await
                .map_err(|e| other(e, "creating a session"))?;
                Ok(())
            }

            async fn get_session(
                &self,
                token_hash: &str,
            ) -> Result<Option<SessionRecord>, StoreError> {
                let row = sqlx::query(
                    "SELECT token_hash, account_id, created_at, expires_at, last_seen_at \
                     FROM sessions WHERE token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "reading a session"))?;
                row.as_ref().map(session_row).transpose()
            }

            async fn touch_session(
                &self,
                token_hash: &str,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                    .bind(at)
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| other(e, "touching a session"))?;
                Ok(())
            }

            async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| other(e, "deleting a session"))?;
                Ok(())
            }

            async fn create_api_key(
                &self,
                k: &ApiKeyRecord,
                audit: &AuditEntry,
            ) -> Result<ChainHead, StoreError> {
                let mut tx = self.begin_write().await?;
                let scopes = serde_json::to_string(&k.scopes).map_err(|e| other(e, "scopes"))?;
                sqlx::query(&format!(
                    "INSERT INTO api_keys ({KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                ))
                .bind(&k.id)
                .bind(&k.account_id)
                .bind(&k.prefix)
                .bind(&k.secret_hash)
                .bind(scopes)
                .bind(k.created_at)
                .bind(k.revoked_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "inserting an API key"))?;
                let head = append_in(&mut tx, audit).await?;
                tx.commit().await.map_err(|e| other(e, "commit API key"))?;
                Ok(head)
            }

            async fn api_key_by_hash(
                &self,
                secret_hash: &str,
            ) -> Result<Option<ApiKeyRecord>, StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {KEY_COLUMNS} FROM api_keys WHERE secret_hash = $1"
                ))
                .bind(secret_hash)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "reading an API key"))?;
                row.as_ref().map(key_row).transpose()
            }

            async fn get_api_key(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
                let row = sqlx::query(&format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(|e| other(e, "reading an API key"))?;
                row.as_ref().map(key_row).transpose()
            }

            async fn rotate_api_key(
                &self,
                id: &str,
                prefix: &str,
                secret_hash: &str,
                at: DateTime<Utc>,
                audit: &AuditEntry,
            ) -> Result<ChainHead, StoreError> {
                let mut tx = self.begin_write().await?;
                live_key(&mut tx, id).await?;
                sqlx::query(
                    "UPDATE api_keys SET prefix = $1, secret_hash = $2, created_at = $3 WHERE id = $4",
                )
                .bind(prefix)
                .bind(secret_hash)
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "rotating an API key"))?;
                let head = append_in(&mut tx, audit).await?;
                tx.commit().await.map_err(|e| other(e, "commit rotation"))?;
                Ok(head)
            }

            async fn revoke_api_key(
                &self,
                id: &str,
                at: DateTime<Utc>,
                audit: &AuditEntry,
            ) -> Result<ChainHead, StoreError> {
                let mut tx = self.begin_write().await?;
                live_key(&mut tx, id).await?;
                sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2")
                    .bind(at)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| other(e, "revoking an API key"))?;
                let head = append_in(&mut tx, audit).await?;
                tx.commit()
                    .await
                    .map_err(|e| other(e, "commit revocation"))?;
                Ok(head)
            }
        }

        /// Refuses an unknown (`NotFound`) or revoked (`Conflict`) key.
        async fn live_key(conn: &mut EngineConnection, id: &str) -> Result<(), StoreError> {
            let revoked: Option<Option<DateTime<Utc>>> = sqlx::query_scalar(&format!(
                "SELECT revoked_at FROM api_keys WHERE id = $1{}",
                crate::dialect::FOR_UPDATE
            ))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(|e| other(e, "reading an API key"))?;
            match revoked {
                None => Err(StoreError::NotFound),
                Some(Some(_)) => Err(StoreError::Conflict(format!(
                    "Khóa API {id} đã bị thu hồi / API key {id} is revoked"
                ))),
                Some(None) => Ok(()),
            }
        }
    };
}
