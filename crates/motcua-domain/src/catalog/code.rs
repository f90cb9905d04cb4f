//! The national procedure code (mã thủ tục hành chính), e.g. `1.001193`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A national procedure code from the national TTHC database (CSDLQG TTHC).
///
/// The shape is `d.dddddd` (one digit, a dot, six digits), with an optional
/// two-digit variant suffix `.dd` for a variant of the procedure such as the
/// joint service `1.001193.02` (liên thông khai sinh, thường trú, BHYT).
/// The text is kept exactly as validated, so `Display` gives it back.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProcedureCode(String);

/// Why a text is not a [`ProcedureCode`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a procedure code (expected d.dddddd or d.dddddd.dd): {0:?}")]
pub struct InvalidProcedureCode(pub String);

impl ProcedureCode {
    /// Validates `text` (surrounding spaces are not accepted).
    pub fn parse(text: &str) -> Result<Self, InvalidProcedureCode> {
        let parts: Vec<&str> = text.split('.').collect();
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let ok = match parts.as_slice() {
            [a, b] => digits(a, 1) && digits(b, 6),
            [a, b, c] => digits(a, 1) && digits(b, 6) && digits(c, 2),
            _ => false,
        };
        if ok {
            Ok(Self(text.to_owned()))
        } else {
            Err(InvalidProcedureCode(text.to_owned()))
        }
    }

    /// The code as text, e.g. `"1.001193.02"`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The base code without the variant suffix, e.g. `"1.001193"`.
    pub fn base(&self) -> &str {
        self.0.get(..8).unwrap_or(&self.0)
    }

    /// The variant suffix (`02` in `1.001193.02`), if any.
    pub fn variant(&self) -> Option<&str> {
        self.0.get(9..)
    }
}

impl fmt::Display for ProcedureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ProcedureCode {
    type Err = InvalidProcedureCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for ProcedureCode {
    type Error = InvalidProcedureCode;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ProcedureCode> for String {
    fn from(code: ProcedureCode) -> Self {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_base_and_variant() {
        let c = ProcedureCode::parse("1.001193.02").unwrap();
        assert_eq!(c.base(), "1.001193");
        assert_eq!(c.variant(), Some("02"));
        let b = ProcedureCode::parse("2.000815").unwrap();
        assert_eq!((b.base(), b.variant()), ("2.000815", None));
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "1.00119",
            "1.0011933",
            "12.001193",
            "1.001193.2",
            "1.001193.02.1",
            "a.001193",
            " 1.001193",
        ] {
            assert!(ProcedureCode::parse(bad).is_err(), "{bad}");
        }
    }
}
