//! E-mail notices over SMTP with `lettre` (tokio, rustls).
//!
//! The server, port, TLS mode and credentials come from `[notices]`
//! (`docs/configuration.md`); the password is never logged or shown. Each
//! message carries a `Message-ID` made from the event id and the channel,
//! so a receiving system can tell a repeated message after a crash between
//! the server's answer and the notice's record.

use std::time::Duration;

use async_trait::async_trait;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use motcua_app::notices::Outgoing;

use crate::notices::{NoticeTransport, TransportError};

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain text (a relay on the same host, tests).
    None,
    /// STARTTLS after connecting (port 587).
    StartTls,
    /// TLS from the start (port 465).
    Tls,
}

impl SmtpTls {
    /// `none`, `starttls` or `tls`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "none" => Some(Self::None),
            "starttls" => Some(Self::StartTls),
            "tls" => Some(Self::Tls),
            _ => None,
        }
    }
}

/// SMTP settings.
#[derive(Clone)]
pub struct SmtpSettings {
    /// Server host name.
    pub host: String,
    /// Port.
    pub port: u16,
    /// TLS mode.
    pub tls: SmtpTls,
    /// Account, empty for none.
    pub username: String,
    /// Its password (never shown).
    pub password: String,
    /// The sender, e.g. `Một cửa tỉnh <no-reply@motcua.example.vn>`.
    pub from: String,
    /// Timeout of one exchange with the server.
    pub timeout: Duration,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &"***")
            .field("from", &self.from)
            .finish()
    }
}

/// Sends notices through an SMTP server.
pub struct SmtpTransport {
    mailer: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpTransport {
    /// A transport for `settings` (no connection is made until a send).
    pub fn new(settings: &SmtpSettings) -> anyhow::Result<Self> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| anyhow::anyhow!("notices.smtp_from {:?}: {e}", settings.from))?;
        let builder = match settings.tls {
            SmtpTls::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            }
            SmtpTls::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)?
            }
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host)?,
        };
        let mut builder = builder.port(settings.port).timeout(Some(settings.timeout));
        if !settings.username.is_empty() {
            builder = builder.credentials(Credentials::new(
                settings.username.clone(),
                settings.password.clone(),
            ));
        }
        Ok(Self {
            mailer: builder.build(),
            from,
        })
    }

    /// The message of a notice (plain text, UTF-8).
    pub fn message(&self, n: &Outgoing) -> Result<Message, TransportError> {
        let to: Mailbox =
            n.to.parse()
                .map_err(|e| TransportError::Refused(format!("address refused: {e}")))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(n.subject.clone())
            .message_id(Some(format!("<{}@motcua>", n.message_id())))
            .header(ContentType::TEXT_PLAIN)
            .body(n.body.clone())
            .map_err(|e| TransportError::Refused(format!("message refused: {e}")))
    }
}

#[async_trait]
impl NoticeTransport for SmtpTransport {
    async fn send(&self, n: &Outgoing) -> Result<(), TransportError> {
        let message = self.message(n)?;
        match self.mailer.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(TransportError::Refused(format!("SMTP: {e}"))),
            Err(e) => Err(TransportError::Transient(format!("SMTP: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_never_shows() {
        let s = SmtpSettings {
            host: "smtp.example.vn".into(),
            port: 587,
            tls: SmtpTls::StartTls,
            username: "motcua".into(),
            password: "hunter2-smtp".into(),
            from: "Một cửa <no-reply@example.vn>".into(),
            timeout: Duration::from_secs(10),
        };
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("smtp.example.vn"));
        assert_eq!(SmtpTls::parse("starttls"), Some(SmtpTls::StartTls));
        assert_eq!(SmtpTls::parse("ssl"), None);
    }
}
