//! Hiding personal identifiers: a masked form for display and a keyed hash
//! for finding a citizen's entries.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::hex;
use crate::dossier::PersonalId;

/// The one masked form of an identifier (personal ID, tax code, phone
/// number, the local part of an e-mail) wherever it is shown: dossier
/// lists, receipts and forms, CSV exports, the audit log.
///
/// Surrounding blanks are dropped, then an identifier of eight or more
/// characters keeps only its first character and its last three
/// (`001203004789` → `0********789`); one of four to seven characters keeps
/// only its last; three or fewer are hidden entirely. Every hidden character
/// becomes `*`, so the length is kept and a masked list still lines up.
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
        .map(|(i, c)| if i < head || i >= n - tail { *c } else { '*' })
        .collect()
}

/// The one masked form of a contact (an e-mail or a phone) wherever it is
/// shown: receipts, a notice's history, opt-outs. An e-mail keeps its
/// domain (after the last `@`) and has the name before it masked by
/// [`mask_identifier`] (`lananh.nguyen@example.vn` →
/// `l*********yen@example.vn`); anything else is masked whole
/// (`0912345678` → `0******678`). Surrounding blanks are dropped.
pub fn mask_contact(contact: &str) -> String {
    let contact = contact.trim();
    match contact.rsplit_once('@') {
        Some((local, domain)) => format!("{}@{domain}", mask_identifier(local)),
        None => mask_identifier(contact),
    }
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
        assert_eq!(mask_identifier("001203004789"), "0********789");
        assert_eq!(mask_identifier(" 001203004789 "), "0********789");
        assert_eq!(mask_identifier("12345678"), "1****678");
        assert_eq!(mask_identifier("12345"), "****5");
        assert_eq!(mask_identifier("123"), "***");
        assert_eq!(mask_identifier(""), "");
    }

    /// What the second, app-side mask (first three and last two) was used
    /// for: the applicant's ID on dossiers, tax codes, phone numbers and
    /// e-mail local parts, now through the one rule.
    #[test]
    fn the_inputs_of_the_old_dossier_mask_get_the_one_form() {
        assert_eq!(mask_identifier("022087123456"), "0********456");
        assert_eq!(mask_identifier("0101234567-001"), "0**********001");
        assert_eq!(mask_identifier("0241234567"), "0******567");
        assert_eq!(mask_identifier("lananh.nguyen"), "l*********yen");
        assert_eq!(mask_identifier("12345"), "****5");
        assert_eq!(mask_identifier("ab"), "**");
        assert_eq!(mask_identifier("Nguyễn Văn"), "N******Văn");
    }

    /// The cases of the receipt's e-mail mask and the notices' contact
    /// mask, which were written separately.
    #[test]
    fn contacts_keep_the_domain_and_mask_the_rest() {
        assert_eq!(
            mask_contact("lananh.nguyen@example.vn"),
            "l*********yen@example.vn"
        );
        assert_eq!(mask_contact("an.nguyen@example.vn"), "a*****yen@example.vn");
        assert_eq!(
            mask_contact(" an.nguyen@example.vn "),
            "a*****yen@example.vn"
        );
        assert_eq!(mask_contact("\"a@b\"@example.vn"), "****\"@example.vn");
        assert_eq!(mask_contact("0912345678"), "0******678");
        assert_eq!(mask_contact("no-at-sign"), "n******ign");
    }

    #[test]
    fn a_mask_never_shows_the_middle_digits() {
        for raw in [
            "019085123456",
            "022087123456",
            "0101234567-001",
            "0912345678",
        ] {
            let masked = mask_identifier(raw);
            assert_eq!(masked.chars().count(), raw.chars().count(), "{masked}");
            assert!(
                !masked.contains("085123") && !masked.contains("2345"),
                "{masked}"
            );
            assert!(
                masked.chars().filter(|c| *c != '*').count() <= 4,
                "{masked}"
            );
        }
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
