//! The tracking (QR) secret of a dossier, derived from the dossier code
//! with a key of the server: `HMAC-SHA256(key, code)`, 32 hex characters.
//!
//! The database keeps only the secret's SHA-256 (`verifier_hash`) and the
//! kept idempotent answer never holds it (security review F16): a replayed
//! creation and a reprinted receipt derive it again. The key lives outside
//! the database (a file of the data directory, see [`TrackingKey::load_or_create`]),
//! so a copy of the database alone reveals no secret.

use std::path::Path;
use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The key tracking secrets are derived with.
#[derive(Clone)]
pub struct TrackingKey(Arc<[u8; 32]>);

impl std::fmt::Debug for TrackingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TrackingKey(***)")
    }
}

/// The key file's name in the data directory.
pub const KEY_FILE: &str = "tracking-secret.key";

impl TrackingKey {
    /// A key from 32 bytes.
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(Arc::new(bytes))
    }

    /// A random key, for one process (tests, throwaway instances): secrets
    /// it derived cannot be derived again after a restart.
    pub fn random() -> Self {
        let mut bytes = [0u8; 32];
        if getrandom::fill(&mut bytes).is_err() {
            // No system randomness: fall back to two v4 UUIDs (themselves
            // random), never to a fixed key.
            bytes[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
            bytes[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        }
        Self::new(bytes)
    }

    /// The key kept in `<dir>/tracking-secret.key` (64 hex digits), created
    /// with fresh random bytes (mode 0600) when missing. Several nodes of
    /// one province must share the file.
    pub fn load_or_create(dir: &Path) -> anyhow::Result<Self> {
        let path = dir.join(KEY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let text = text.trim();
                let bytes = (0..text.len())
                    .step_by(2)
                    .map(|i| {
                        text.get(i..i + 2)
                            .and_then(|h| u8::from_str_radix(h, 16).ok())
                    })
                    .collect::<Option<Vec<u8>>>()
                    .and_then(|v| <[u8; 32]>::try_from(v).ok())
                    .ok_or_else(|| anyhow::anyhow!("{}: expected 64 hex digits", path.display()))?;
                Ok(Self::new(bytes))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| anyhow::anyhow!("creating {}: {e}", dir.display()))?;
                let key = Self::random();
                let hex: String = key.0.iter().map(|b| format!("{b:02x}")).collect();
                write_private(&path, &hex)
                    .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
                Ok(key)
            }
            Err(e) => Err(anyhow::anyhow!("reading {}: {e}", path.display())),
        }
    }

    /// The tracking secret of the dossier `code`.
    pub fn secret(&self, code: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(self.0.as_slice()).expect("any key length");
        mac.update(b"motcua tracking secret v1\n");
        mac.update(code.as_bytes());
        mac.finalize().into_bytes()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_per_code_and_per_key_and_the_key_file_is_kept() {
        let key = TrackingKey::new([7; 32]);
        let a = key.secret("H55.X1-250715-0001");
        assert_eq!(a.len(), 32);
        assert_eq!(a, key.secret("H55.X1-250715-0001"));
        assert_ne!(a, key.secret("H55.X1-250715-0002"));
        assert_ne!(a, TrackingKey::new([8; 32]).secret("H55.X1-250715-0001"));
        let dir = std::env::temp_dir().join(format!("motcua-key-{}", uuid::Uuid::new_v4()));
        let first = TrackingKey::load_or_create(&dir).unwrap();
        let again = TrackingKey::load_or_create(&dir).unwrap();
        assert_eq!(first.secret("x"), again.secret("x"));
        std::fs::write(dir.join(KEY_FILE), "zz").unwrap();
        assert!(TrackingKey::load_or_create(&dir).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
