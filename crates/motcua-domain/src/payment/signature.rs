//! The signature of the payment platform's callback: HMAC-SHA256 with the
//! secret shared with the platform, over `"{timestamp}.{body}"`, sent as
//! `X-Payment-Timestamp: <Unix seconds>` and
//! `X-Payment-Signature: sha256=<hex>`.
//!
//! The comparison is constant-time (`hmac`'s `verify_slice`), and a
//! timestamp further than the tolerance from now is refused, so that a
//! captured callback cannot be replayed days later (a replay within the
//! tolerance is harmless: settlement is idempotent). The header names and
//! the signed text are motcua's; the national platform's own are not known
//! (ADR 0029).

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "x-payment-signature";
/// The header that carries the signing time.
pub const TIMESTAMP_HEADER: &str = "x-payment-timestamp";
/// How far the signing time may be from now, in seconds.
pub const TOLERANCE_SECS: i64 = 300;

/// Why a callback's signature is refused; each has a stable code for the
/// audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    /// A header is missing.
    Missing,
    /// A header cannot be read.
    Malformed,
    /// The signing time is outside the tolerance.
    Expired,
    /// The signature does not match.
    Mismatch,
}

impl SignatureError {
    /// The stable code written to the audit log.
    pub fn code(self) -> &'static str {
        match self {
            Self::Missing => "signature_missing",
            Self::Malformed => "signature_malformed",
            Self::Expired => "signature_expired",
            Self::Mismatch => "signature_mismatch",
        }
    }
}

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts a key of any length.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `X-Payment-Signature` value for `body` signed at `timestamp`.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let tag = mac(secret, timestamp, body).finalize().into_bytes();
    let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Checks a callback's headers against `body`, at `now`.
pub fn verify(
    secret: &[u8],
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return Err(SignatureError::Missing);
    };
    let ts: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::Malformed)?;
    let tag = signature
        .trim()
        .strip_prefix("sha256=")
        .and_then(unhex)
        .ok_or(SignatureError::Malformed)?;
    if (now.timestamp() - ts).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Expired);
    }
    mac(secret, ts, body)
        .verify_slice(&tag)
        .map_err(|_| SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_signed_body_verifies_and_any_change_is_refused() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap();
        let ts = now.timestamp();
        let sig = sign(b"bi-mat", ts, b"{\"a\":1}");
        let t = ts.to_string();
        assert_eq!(
            verify(b"bi-mat", Some(&t), Some(&sig), b"{\"a\":1}", now),
            Ok(())
        );
        assert_eq!(
            verify(b"bi-mat", Some(&t), Some(&sig), b"{\"a\":2}", now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(b"khac", Some(&t), Some(&sig), b"{\"a\":1}", now),
            Err(SignatureError::Mismatch)
        );
        let other = (ts + 1).to_string();
        assert_eq!(
            verify(b"bi-mat", Some(&other), Some(&sig), b"{\"a\":1}", now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(b"bi-mat", None, Some(&sig), b"{\"a\":1}", now),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify(b"bi-mat", Some(&t), Some("sha256=zz"), b"{\"a\":1}", now),
            Err(SignatureError::Malformed)
        );
        let late = now + chrono::TimeDelta::seconds(TOLERANCE_SECS + 1);
        assert_eq!(
            verify(b"bi-mat", Some(&t), Some(&sig), b"{\"a\":1}", late),
            Err(SignatureError::Expired)
        );
    }
}
