//! `motcua payments ...`: the day's reconciliation with the payment
//! platform, and the stub platform for demonstrations (ADR 0029).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::Subcommand;
use motcua_app::payments::CallbackSecret;
use motcua_app::ports::Clock;
use motcua_app::ports::payments::PaymentGateway;
use motcua_payment_http::stub::StubPlatform;
use motcua_payment_http::{HttpPaymentGateway, PlatformConfig};

use crate::config::Settings;

/// `motcua payments ...`.
#[derive(Debug, Subcommand)]
pub enum PaymentsCommand {
    /// Compare the platform's transactions of a day with the payment
    /// orders: settle payments whose callback never came, flag differing
    /// amounts, unknown orders and orders still pending; exit 0 when
    /// nothing is flagged, 2 when something is.
    Reconcile {
        /// The day, YYYY-MM-DD (Vietnam time).
        #[arg(long)]
        date: NaiveDate,
    },
    /// Run the stub payment platform (tests and demonstrations only): it
    /// speaks the platform contract and signs callbacks with
    /// `[payment] callback_secret`.
    Stub {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8090")]
        listen: SocketAddr,
    },
}

/// The platform of `[payment]`, when `platform_url` is set: the HTTP
/// adapter and the callback secret (refused when empty).
pub fn platform(settings: &Settings) -> Result<Option<(Arc<dyn PaymentGateway>, CallbackSecret)>> {
    let p = &settings.payment;
    if p.platform_url.trim().is_empty() {
        return Ok(None);
    }
    if p.callback_secret.is_empty() {
        bail!(
            "[payment] platform_url được đặt nhưng callback_secret trống / \
             [payment] platform_url is set but callback_secret is empty \
             (MOTCUA__PAYMENT__CALLBACK_SECRET)"
        );
    }
    let timeout = Duration::from_millis(p.timeout_ms.max(100));
    let gateway = HttpPaymentGateway::new(PlatformConfig {
        token: (!p.platform_token.is_empty()).then(|| p.platform_token.clone()),
        attempt_timeout: timeout,
        budget: timeout.saturating_mul(3),
        ..PlatformConfig::new(p.platform_url.trim())
    })
    .map_err(|e| anyhow::anyhow!("[payment]: {e}"))?;
    Ok(Some((
        Arc::new(gateway),
        CallbackSecret::new(p.callback_secret.as_bytes().to_vec()),
    )))
}

/// Runs one payments command.
pub async fn run(settings: &Settings, command: PaymentsCommand, clock: Clock) -> Result<ExitCode> {
    match command {
        PaymentsCommand::Reconcile { date } => {
            let state = crate::serve::prepare_with_clock(settings, clock).await?;
            if !state.payments.enabled() {
                bail!("[payment] platform_url chưa đặt / [payment] platform_url is not set");
            }
            let report = state
                .payments
                .reconcile(date)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "Đối soát ngày {date} / reconciliation of {date}: {} giao dịch / transactions, \
                 {} khớp / matching, {} ghi nhận bổ sung / settled now, {} cần xử lý / flagged",
                report.transactions,
                report.matching,
                report.settled_now,
                report.flagged.len()
            );
            for line in &report.flagged {
                println!(
                    "  {} {:?} expected={} reported={} transaction={}",
                    line.order_id,
                    line.outcome,
                    line.expected_vnd.map_or("-".into(), |v| v.to_string()),
                    line.reported_vnd.map_or("-".into(), |v| v.to_string()),
                    line.transaction_id.as_deref().unwrap_or("-"),
                );
            }
            Ok(if report.flagged.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            })
        }
        PaymentsCommand::Stub { listen } => {
            let p = &settings.payment;
            if p.callback_secret.is_empty() {
                bail!(
                    "[payment] callback_secret trống: cổng thử nghiệm cần nó để ký / \
                     [payment] callback_secret is empty: the stub signs with it"
                );
            }
            let stub = StubPlatform::new(
                p.callback_secret.as_bytes().to_vec(),
                (!p.platform_token.is_empty()).then(|| p.platform_token.clone()),
                clock,
            );
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("binding {listen}"))?;
            eprintln!(
                "Cổng thanh toán thử nghiệm / stub payment platform on http://{listen} \
                 (never for real payments)"
            );
            stub.serve(listener).await?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
