//! `motcua webhooks ...`: webhook subscriptions of sector systems from the
//! command line (the operator of the instance acts for the whole province).

use anyhow::{Result, anyhow};
use clap::Subcommand;
use motcua_app::ports::Clock;
use motcua_app::webhooks::{WebhookDraft, WebhookService, WithSecret};
use motcua_domain::identity::{Role, RoleAssignment, Scope};
use motcua_domain::webhook::WebhookSubscription;

use super::identity::store_with_units;
use crate::config::Settings;

/// `motcua webhooks ...`.
#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// List the subscriptions (never their secrets).
    List,
    /// Create a subscription; prints its secret once.
    Create {
        /// The sector system.
        #[arg(long)]
        name: String,
        /// Target URL (https).
        #[arg(long)]
        url: String,
        /// Event type (`received` or `vn.motcua.dossier.received`); repeat; none = all.
        #[arg(long = "event")]
        events: Vec<String>,
        /// Procedure code; repeat; none = all.
        #[arg(long = "procedure")]
        procedures: Vec<String>,
        /// `unit:CODE` or `agency:ID`; repeat; none = the whole province.
        #[arg(long = "scope")]
        scopes: Vec<String>,
    },
    /// A new secret (printed once); the old one signs for the overlap.
    Rotate {
        /// Subscription id.
        id: i64,
        /// Seconds the old secret still signs (default `[exchange]
        /// webhook_rotation_overlap_secs`, 24 h).
        #[arg(long)]
        overlap_secs: Option<u64>,
    },
    /// Stop sending to a subscription (kept; enable again through the API).
    Disable {
        /// Subscription id.
        id: i64,
    },
}

fn show(s: &WebhookSubscription) {
    let scopes: Vec<String> = s
        .spec
        .filter
        .scopes
        .iter()
        .map(ToString::to_string)
        .collect();
    let all = |v: &[String]| {
        if v.is_empty() {
            "*".to_owned()
        } else {
            v.join(",")
        }
    };
    println!(
        "{}\t{}\t{}\t{}\tevents={}\tprocedures={}\tscopes={}",
        s.id,
        if s.spec.active { "active" } else { "disabled" },
        s.spec.name,
        s.spec.url,
        all(&s.spec.filter.event_types),
        all(&s.spec.filter.procedures),
        all(&scopes),
    );
}

fn show_secret(w: &WithSecret) {
    show(&w.subscription);
    println!("secret: {}", w.secret);
    if let Some(until) = w.previous_expires_at {
        println!("previous secret signs until: {}", until.to_rfc3339());
    }
    eprintln!("Khóa chỉ hiện một lần, hãy lưu lại / the secret is shown once, store it now");
}

/// Runs a webhooks command.
pub async fn run(settings: &Settings, command: WebhooksCommand, clock: &Clock) -> Result<()> {
    let store = store_with_units(settings, clock).await?;
    let service = WebhookService::new(
        store,
        crate::exchange::webhook_settings(settings),
        clock.clone(),
    );
    let operator = [RoleAssignment {
        role: Role::System,
        scope: Scope::Unit(settings.province.code.clone()),
    }];
    let err = |e: motcua_app::AppError| anyhow!("{e}");
    match command {
        WebhooksCommand::List => {
            for s in service.list(&operator).await.map_err(err)? {
                show(&s);
            }
        }
        WebhooksCommand::Create {
            name,
            url,
            events,
            procedures,
            scopes,
        } => {
            let draft = WebhookDraft {
                name: Some(name),
                url: Some(url),
                event_types: Some(events),
                procedures: Some(procedures),
                scopes: Some(scopes),
                active: Some(true),
            };
            let created = service
                .create(&operator, &draft)
                .await
                .map_err(err)?
                .ok_or_else(|| anyhow!("scopes outside province {}", settings.province.code))?;
            show_secret(&created);
        }
        WebhooksCommand::Rotate { id, overlap_secs } => {
            let overlap = overlap_secs.map(std::time::Duration::from_secs);
            show_secret(&service.rotate(&operator, id, overlap).await.map_err(err)?);
        }
        WebhooksCommand::Disable { id } => {
            let draft = WebhookDraft {
                active: Some(false),
                ..WebhookDraft::default()
            };
            let s = service
                .update(&operator, id, &draft)
                .await
                .map_err(err)?
                .ok_or_else(|| anyhow!("scopes outside province {}", settings.province.code))?;
            show(&s);
        }
    }
    Ok(())
}
