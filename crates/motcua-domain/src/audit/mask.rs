//! Hiding personal identifiers: a masked form for display and a keyed hash
//! for finding a citizen's entries.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::hex;
use crate::dossier::PersonalId;

/// Shows only the first character and the last three of an identifier of
/// eight or more characters (`001203004789` → `0xxxxxxxx789`); shorter ones
/// keep only their last character, and three or fewer are hidden entirely.
/// The length is kept, so a masked list still lines up.
pub fn mask_identifier(raw: &str) -> String {
    let chars: Vec<char> = raw.trim().chars().collect();
    let n = chars.len();
    let (head, tail) = match n {
        0..=3 => (0, 0),
        4..=7 => (0, 1),
        _ => (1, 3),
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { *c } else { 'x' })
        .collect()
}

/// Turns a personal ID into the key stored in audit entries:
/// HMAC-SHA-256 under the instance's secret pepper, hex-encoded.
///
/// With a pepper kept outside the database, a stolen database does not let
/// anyone test which of the ~10¹⁰ plausible ID numbers appear in the log.
/// Without one (empty pepper, the development default) the key is still not
/// the ID, but it can be found by trying numbers.
#[derive(Clone)]
pub struct SubjectKey {
    pepper: Vec<u8>,
}

impl std::fmt::Debug for SubjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubjectKey")
            .field(
                "pepper",
                &if self.pepper.is_empty() {
                    "(none)"
                } else {
                    "***"
                },
            )
            .finish()
    }
}

impl SubjectKey {
    /// A key function under `pepper` (may be empty in development).
    pub fn new(pepper: impl Into<Vec<u8>>) -> Self {
        Self {
            pepper: pepper.into(),
        }
    }

    /// The stored key of `id`.
    pub fn key_of(&self, id: &PersonalId) -> String {
        // HMAC accepts keys of any length, so this cannot fail.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.pepper) else {
            return String::new();
        };
        mac.update(b"motcua.subject.v1:");
        mac.update(id.as_str().as_bytes());
        hex(&mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_first_and_last_three() {
        assert_eq!(mask_identifier("001203004789"), "0xxxxxxxx789");
        assert_eq!(mask_identifier(" 001203004789 "), "0xxxxxxxx789");
        assert_eq!(mask_identifier("12345678"), "1xxxx678");
        assert_eq!(mask_identifier("12345"), "xxxx5");
        assert_eq!(mask_identifier("123"), "xxx");
        assert_eq!(mask_identifier(""), "");
    }

    #[test]
    fn a_mask_never_shows_the_middle_digits() {
        let masked = mask_identifier("019085123456");
        assert!(!masked.contains("085123"), "{masked}");
        assert_eq!(masked.len(), 12);
    }

    #[test]
    fn subject_keys_depend_on_the_pepper_and_hide_the_id() {
        let id = PersonalId::parse("001203004789").expect("valid id");
        let a = SubjectKey::new(b"pepper-a".to_vec()).key_of(&id);
        let b = SubjectKey::new(b"pepper-b".to_vec()).key_of(&id);
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(!a.contains("001203004789"));
        assert_eq!(a, SubjectKey::new(b"pepper-a".to_vec()).key_of(&id));
        assert!(!format!("{:?}", SubjectKey::new(b"s3cret".to_vec())).contains("s3cret"));
    }
}
