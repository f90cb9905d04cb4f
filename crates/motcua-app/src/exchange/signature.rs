//! Standard Webhooks signatures (<https://www.standardwebhooks.com/>):
//! HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>`, sent as
//! `webhook-signature: v1,<base64>`; several space-separated signatures
//! allow a key rotation (the receiver accepts any known key).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Header with the message id.
pub const HEADER_ID: &str = "webhook-id";
/// Header with the Unix timestamp in seconds.
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";
/// Header with the signatures.
pub const HEADER_SIGNATURE: &str = "webhook-signature";
/// Header naming the sending province (which key to check with).
pub const HEADER_SENDER: &str = "motcua-sender";
/// How far a timestamp may be from the receiver's clock, in seconds.
pub const TOLERANCE_SECS: i64 = 300;

/// A signing key: `whsec_<base64>` or any other text used as raw bytes.
#[derive(Clone)]
pub struct SigningKey(Vec<u8>);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(***)")
    }
}

impl SigningKey {
    /// Reads a key; `whsec_` keys are base64 as Standard Webhooks defines.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bytes = match text.strip_prefix("whsec_") {
            Some(b64) => STANDARD
                .decode(b64)
                .map_err(|e| format!("whsec_ key is not base64: {e}"))?,
            None => text.as_bytes().to_vec(),
        };
        if bytes.len() < 16 {
            return Err("signing key shorter than 16 bytes".to_owned());
        }
        Ok(Self(bytes))
    }

    /// `v1,<base64 HMAC>` of a message.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }

    fn verify_one(&self, id: &str, timestamp: i64, body: &[u8], sig: &str) -> bool {
        let Some(b64) = sig.strip_prefix("v1,") else {
            return false;
        };
        let Ok(given) = STANDARD.decode(b64) else {
            return false;
        };
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.verify_slice(&given).is_ok()
    }
}

/// Why a signed message was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// A header is missing or malformed.
    Malformed(&'static str),
    /// The timestamp is outside the tolerance.
    Stale,
    /// No signature matches any key.
    Mismatch,
}

/// Checks a message against every key (rotation: old and new keys both
/// valid while both are configured) and the timestamp against `now`.
pub fn verify(
    keys: &[SigningKey],
    id: &str,
    timestamp: &str,
    signatures: &str,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    if id.is_empty() {
        return Err(SignatureError::Malformed(HEADER_ID));
    }
    let ts: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::Malformed(HEADER_TIMESTAMP))?;
    if (now - ts).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    let ok = signatures
        .split_whitespace()
        .any(|sig| keys.iter().any(|k| k.verify_one(id, ts, body, sig)));
    if ok {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_webhooks_test_vector_verifies() {
        // From the Standard Webhooks specification's reference libraries.
        let key = SigningKey::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = br#"{"test": 2432232314}"#;
        let sig = key.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        let now = 1614265330 + 10;
        assert_eq!(
            verify(
                std::slice::from_ref(&key),
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                "1614265330",
                &sig,
                body,
                now
            ),
            Ok(())
        );
        assert_eq!(
            verify(
                std::slice::from_ref(&key),
                "msg_other",
                "1614265330",
                &sig,
                body,
                now
            ),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(
                &[key],
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                "1614265330",
                &sig,
                body,
                now + 600
            ),
            Err(SignatureError::Stale)
        );
    }

    #[test]
    fn rotation_accepts_either_key() {
        let old = SigningKey::parse("old-key-0123456789abcdef").unwrap();
        let new = SigningKey::parse("new-key-0123456789abcdef").unwrap();
        let sig = format!("{} {}", old.sign("m", 100, b"x"), new.sign("m", 100, b"x"));
        assert!(verify(std::slice::from_ref(&new), "m", "100", &sig, b"x", 100).is_ok());
        assert!(verify(&[old], "m", "100", &new.sign("m", 100, b"x"), b"x", 100).is_err());
        assert!(SigningKey::parse("short").is_err());
    }
}
