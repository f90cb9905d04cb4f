//! `motcua accounts ...` and `motcua api-keys ...`: officer and system
//! accounts, their roles, and API keys. Each change is audited; the acting
//! administrator is named with `--by`. Passwords are read from standard
//! input (never from the command line, which other users can see).

use std::io::BufRead;

use anyhow::{Result, anyhow, bail};
use clap::Subcommand;
use motcua_app::identity::{IdentityService, NewAccount};
use motcua_app::ports::Clock;
use motcua_domain::identity::{Role, RoleAssignment, Scope};

use super::identity::store_with_units;
use crate::config::Settings;

/// `motcua accounts ...`.
#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    /// Create an account (with a password read from standard input when
    /// `--password-stdin` is given).
    Create {
        /// Login name (1–64 of A-Z a-z 0-9 . _ -).
        id: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// The agency the officer works at.
        #[arg(long)]
        agency: String,
        /// Chức vụ (position), shown with the name on pages and forms.
        #[arg(long)]
        position: Option<String>,
        /// E-mail (shown; links single sign-on only with `--sso-email`).
        #[arg(long)]
        email: Option<String>,
        /// Approve linking single sign-on by this e-mail: the first log-in
        /// whose ID token carries it *verified* links that identity.
        #[arg(long, requires = "email")]
        sso_email: bool,
        /// Give a role at once (with `--scope`), e.g. `province_admin`.
        #[arg(long, requires = "scope")]
        role: Option<String>,
        /// The role's scope: `unit:<unit code>` or `agency:<agency id>`.
        #[arg(long, requires = "role")]
        scope: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        /// The administrator doing it.
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// Change an account's name and/or position (chức vụ); an empty
    /// `--position ""` removes the position.
    Set {
        /// Login name.
        id: String,
        /// New full name.
        #[arg(long)]
        name: Option<String>,
        /// New position, e.g. "Công chức Tư pháp - Hộ tịch".
        #[arg(long)]
        position: Option<String>,
        /// The administrator doing it.
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// Set an account's password (first line of standard input); clears a
    /// lock and ends the account's sessions.
    SetPassword {
        /// Login name.
        id: String,
        /// The administrator doing it.
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// Disable an account: it can no longer log in, its sessions end and its
    /// API keys stop working.
    Disable {
        /// Login name.
        id: String,
        /// The administrator doing it.
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// Enable a disabled account again.
    Enable {
        /// Login name.
        id: String,
        /// The administrator doing it.
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// Link an account to a single sign-on identity: the provider's issuer
    /// (exactly as `[auth.oidc] issuer`) and the user's subject (`sub`).
    LinkSso {
        /// Login name.
        id: String,
        /// The provider's issuer URL.
        #[arg(long)]
        issuer: String,
        /// The user's subject (`sub`) at the provider.
        #[arg(long)]
        subject: String,
        /// The administrator doing it.
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// Approve linking an account by its e-mail: the first single sign-on
    /// whose ID token carries that e-mail verified links the identity.
    AllowSsoEmail {
        /// Login name.
        id: String,
        /// The administrator doing it.
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// Remove an account's single sign-on link (and any e-mail approval).
    UnlinkSso {
        /// Login name.
        id: String,
        /// The administrator doing it.
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// Give an account a role in a scope (`unit:CODE` or `agency:ID`).
    GrantRole {
        /// Login name.
        id: String,
        /// reception, specialist, leader, unit_admin, province_admin, auditor, system.
        #[arg(long)]
        role: String,
        /// `unit:<unit code>` or `agency:<agency id>`.
        #[arg(long)]
        scope: String,
        /// The administrator doing it.
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// Take a role in a scope away.
    RevokeRole {
        /// Login name.
        id: String,
        /// The role.
        #[arg(long)]
        role: String,
        /// The scope.
        #[arg(long)]
        scope: String,
        /// The administrator doing it.
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// List accounts with their roles.
    List,
}

/// `motcua api-keys ...`.
#[derive(Debug, Subcommand)]
pub enum ApiKeysCommand {
    /// Create a key for an account; prints the secret once.
    Create {
        /// The account the key acts as.
        #[arg(long)]
        account: String,
        /// Limit the key to these `role@scope` pairs (e.g.
        /// `system@agency:H55`); default: all the account's roles.
        #[arg(long = "only")]
        only: Vec<String>,
        /// The administrator doing it.
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// Replace a key's secret; prints the new secret once.
    Rotate {
        /// Key id.
        id: String,
        /// The administrator doing it.
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// Revoke a key.
    Revoke {
        /// Key id.
        id: String,
        /// The administrator doing it.
        #[arg(long, default_value = "cli")]
        by: String,
    },
}

fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let p = line.trim_end_matches(['\r', '\n']).to_owned();
    if p.is_empty() {
        bail!("Không đọc được mật khẩu từ đầu vào chuẩn / no password on standard input");
    }
    Ok(p)
}

/// Parses a role and a scope given on the command line.
pub fn assignment(role: &str, scope: &str) -> Result<RoleAssignment> {
    let role = Role::parse(role).ok_or_else(|| {
        anyhow!(
            "Vai trò không hợp lệ / unknown role {role:?} (reception, specialist, leader, \
             unit_admin, province_admin, auditor, system)"
        )
    })?;
    let scope = Scope::parse(scope).ok_or_else(|| {
        anyhow!("Phạm vi phải là unit:MÃ hoặc agency:MÃ / scope must be unit:CODE or agency:ID")
    })?;
    Ok(RoleAssignment { role, scope })
}

async fn service(settings: &Settings, clock: &Clock) -> Result<IdentityService> {
    Ok(IdentityService::new(
        store_with_units(settings, clock).await?,
        clock.clone(),
    ))
}

/// Runs an accounts command.
pub async fn run_accounts(
    settings: &Settings,
    command: AccountsCommand,
    clock: &Clock,
) -> Result<()> {
    let ids = service(settings, clock).await?;
    let err = |e: motcua_app::AppError| anyhow!("{e}");
    match command {
        AccountsCommand::Create {
            id,
            name,
            agency,
            position,
            email,
            sso_email,
            role,
            scope,
            password_stdin,
            by,
        } => {
            let first_role = match (&role, &scope) {
                (Some(role), Some(scope)) => Some(assignment(role, scope)?),
                _ => None,
            };
            let password = if password_stdin {
                Some(read_password()?)
            } else {
                None
            };
            let a = ids
                .create_account(
                    NewAccount {
                        id,
                        display_name: name,
                        position,
                        agency_id: agency,
                        email,
                        password,
                    },
                    &by,
                )
                .await
                .map_err(err)?;
            println!("Đã tạo tài khoản / account created: {}", a.id);
            if let Some(r) = first_role {
                ids.grant_role(&a.id, r.clone(), &by).await.map_err(err)?;
                println!("Đã cấp / granted {} {} → {}", r.role, r.scope, a.id);
            }
            if sso_email {
                ids.allow_sso_email(&a.id, &by).await.map_err(err)?;
                println!(
                    "Cho phép gắn đăng nhập một lần theo e-mail đã xác minh / \
                     single sign-on may link by the verified e-mail: {}",
                    a.id
                );
            }
        }
        AccountsCommand::Set {
            id,
            name,
            position,
            by,
        } => {
            let Some((current, _)) = ids
                .list()
                .await
                .map_err(err)?
                .into_iter()
                .find(|(a, _)| a.id == id)
            else {
                bail!("Không có tài khoản {id} / no account {id}");
            };
            let name = name.unwrap_or(current.display_name);
            let position = position.or(current.position);
            ids.set_profile(&id, &name, position.as_deref(), &by)
                .await
                .map_err(err)?;
            println!("Đã đổi họ tên, chức vụ / name and position set: {id}");
        }
        AccountsCommand::SetPassword { id, by } => {
            let p = read_password()?;
            ids.set_password(&id, &p, &by).await.map_err(err)?;
            println!(
                "Đã đặt mật khẩu, các phiên cũ đã kết thúc / password set, old sessions ended: {id}"
            );
        }
        AccountsCommand::Disable { id, by } => {
            ids.set_active(&id, false, &by).await.map_err(err)?;
            println!(
                "Đã khóa tài khoản, các phiên đã kết thúc / account disabled, sessions ended: {id}"
            );
        }
        AccountsCommand::Enable { id, by } => {
            ids.set_active(&id, true, &by).await.map_err(err)?;
            println!("Đã mở lại tài khoản / account enabled: {id}");
        }
        AccountsCommand::LinkSso {
            id,
            issuer,
            subject,
            by,
        } => {
            ids.link_sso(&id, &issuer, &subject, &by)
                .await
                .map_err(err)?;
            println!("Đã gắn / linked {id} ← {issuer} {subject}");
        }
        AccountsCommand::AllowSsoEmail { id, by } => {
            ids.allow_sso_email(&id, &by).await.map_err(err)?;
            println!(
                "Cho phép gắn đăng nhập một lần theo e-mail đã xác minh / \
                 single sign-on may link by the verified e-mail: {id}"
            );
        }
        AccountsCommand::UnlinkSso { id, by } => {
            ids.unlink_sso(&id, &by).await.map_err(err)?;
            println!("Đã gỡ đăng nhập một lần / single sign-on unlinked: {id}");
        }
        AccountsCommand::GrantRole {
            id,
            role,
            scope,
            by,
        } => {
            let a = assignment(&role, &scope)?;
            ids.grant_role(&id, a.clone(), &by).await.map_err(err)?;
            println!("Đã cấp / granted {} {} → {id}", a.role, a.scope);
        }
        AccountsCommand::RevokeRole {
            id,
            role,
            scope,
            by,
        } => {
            let a = assignment(&role, &scope)?;
            ids.revoke_role(&id, a.clone(), &by).await.map_err(err)?;
            println!("Đã thu hồi / revoked {} {} → {id}", a.role, a.scope);
        }
        AccountsCommand::List => {
            for (a, roles) in ids.list().await.map_err(err)? {
                let roles: Vec<String> = roles
                    .iter()
                    .map(|r| format!("{}@{}", r.role, r.scope))
                    .collect();
                let lock = a
                    .locked_until
                    .map(|u| format!(" khóa đến / locked until {}", u.to_rfc3339()))
                    .unwrap_or_default();
                let sso = a
                    .oidc_subject
                    .as_deref()
                    .map(|s| format!(" sso={s}"))
                    .unwrap_or_default();
                println!(
                    "{}\t{}\t{}\t{}\t{}{lock}{sso}",
                    a.id,
                    a.display_name,
                    a.agency_id,
                    a.status.as_str(),
                    roles.join(",")
                );
            }
        }
    }
    Ok(())
}

/// Runs an API-keys command.
pub async fn run_api_keys(
    settings: &Settings,
    command: ApiKeysCommand,
    clock: &Clock,
) -> Result<()> {
    let ids = service(settings, clock).await?;
    let err = |e: motcua_app::AppError| anyhow!("{e}");
    match command {
        ApiKeysCommand::Create { account, only, by } => {
            let scopes = only
                .iter()
                .map(|s| {
                    let (role, scope) = s.split_once('@').ok_or_else(|| {
                        anyhow!("--only phải là vai_trò@phạm_vi / --only must be role@scope")
                    })?;
                    assignment(role, scope)
                })
                .collect::<Result<Vec<_>>>()?;
            let k = ids
                .create_api_key(&account, scopes, &by)
                .await
                .map_err(err)?;
            println!("id: {}", k.record.id);
            println!("prefix: {}", k.record.prefix);
            println!("secret: {}", k.secret);
            eprintln!(
                "Khóa chỉ hiện một lần, hãy lưu lại / the secret is shown once, store it now"
            );
        }
        ApiKeysCommand::Rotate { id, by } => {
            let k = ids.rotate_api_key(&id, &by).await.map_err(err)?;
            println!("id: {}", k.record.id);
            println!("prefix: {}", k.record.prefix);
            println!("secret: {}", k.secret);
            eprintln!(
                "Khóa chỉ hiện một lần, hãy lưu lại / the secret is shown once, store it now"
            );
        }
        ApiKeysCommand::Revoke { id, by } => {
            ids.revoke_api_key(&id, &by).await.map_err(err)?;
            println!("Đã thu hồi khóa / key revoked: {id}");
        }
    }
    Ok(())
}
