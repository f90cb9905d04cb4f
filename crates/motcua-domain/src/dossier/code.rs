//! Mã hồ sơ: the dossier code, `<agency identifier>-<yymmdd>-<4-digit
//! sequence>` by default (TT 01/2018/TT-VPCP Art. 19 as quoted
//! second-hand; the TT 03/2025/TT-VPCP layout was not found), with the
//! layout configurable by a small pattern.

use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::ids::{AgencyId, IdError};

/// One piece of a [`DossierCodePattern`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(String),
    Agency,
    Yymmdd,
    Yyyymmdd,
    Seq(usize),
}

/// A dossier-code layout such as `{agency}-{yymmdd}-{seq:4}`.
///
/// Placeholders: `{agency}` (the receiving unit's identifier), `{yymmdd}` or
/// `{yyyymmdd}` (the reception date), `{seq:N}` (the day's running number,
/// N = 1–9 digits, zero-padded). Each must appear once; anything else is
/// literal text. `{agency}` must be followed by a literal that does not
/// start with `.`, a digit or `A-Z`, or end the pattern, so that parsing is
/// unambiguous.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierCodePattern {
    source: String,
    tokens: Vec<Token>,
}

fn pattern_error(source: &str, why_vi: &str, why_en: &str) -> IdError {
    IdError::new(
        "dossier_code.pattern",
        format!("Mẫu mã hồ sơ không hợp lệ '{source}': {why_vi}"),
        format!("Invalid dossier code pattern '{source}': {why_en}"),
    )
}

fn is_agency_char(c: char) -> bool {
    c == '.' || c.is_ascii_digit() || c.is_ascii_uppercase()
}

impl DossierCodePattern {
    /// The default layout, `{agency}-{yymmdd}-{seq:4}`.
    pub const DEFAULT: &'static str = "{agency}-{yymmdd}-{seq:4}";

    /// Parses a pattern.
    pub fn parse(source: &str) -> Result<Self, IdError> {
        let mut tokens = Vec::new();
        let mut rest = source;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('{') {
                let Some((name, tail)) = after.split_once('}') else {
                    return Err(pattern_error(source, "thiếu '}'", "missing '}'"));
                };
                tokens.push(match name {
                    "agency" => Token::Agency,
                    "yymmdd" => Token::Yymmdd,
                    "yyyymmdd" => Token::Yyyymmdd,
                    other => match other.strip_prefix("seq:").and_then(|w| w.parse().ok()) {
                        Some(width @ 1..=9) => Token::Seq(width),
                        _ => {
                            return Err(pattern_error(
                                source,
                                "tham số không biết",
                                "unknown placeholder",
                            ));
                        }
                    },
                });
                rest = tail;
            } else {
                let end = rest.find('{').unwrap_or(rest.len());
                tokens.push(Token::Literal(rest[..end].to_owned()));
                rest = &rest[end..];
            }
        }
        let count = |f: fn(&Token) -> bool| tokens.iter().filter(|t| f(t)).count();
        let once = count(|t| *t == Token::Agency) == 1
            && count(|t| matches!(t, Token::Yymmdd | Token::Yyyymmdd)) == 1
            && count(|t| matches!(t, Token::Seq(_))) == 1;
        if !once {
            return Err(pattern_error(
                source,
                "cần đúng một {agency}, một ngày và một {seq:N}",
                "needs exactly one {agency}, one date and one {seq:N}",
            ));
        }
        let agency_at = tokens.iter().position(|t| *t == Token::Agency).unwrap_or(0);
        let bounded = match tokens.get(agency_at + 1) {
            None => true,
            Some(Token::Literal(l)) => l.chars().next().is_some_and(|c| !is_agency_char(c)),
            Some(_) => false,
        };
        if !bounded {
            return Err(pattern_error(
                source,
                "{agency} phải được theo sau bởi dấu phân cách",
                "{agency} must be followed by a separator",
            ));
        }
        Ok(Self {
            source: source.to_owned(),
            tokens,
        })
    }

    /// The pattern text.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The largest sequence number the pattern can show.
    pub fn max_sequence(&self) -> u32 {
        let width = self.tokens.iter().find_map(|t| match t {
            Token::Seq(w) => Some(*w),
            _ => None,
        });
        10u32
            .checked_pow(width.unwrap_or(4) as u32)
            .map_or(u32::MAX, |p| p - 1)
    }

    /// Builds the code of the `sequence`-th dossier received by `agency` on
    /// `date`. Refuses sequence 0, a sequence too wide for the pattern, and a
    /// year the pattern cannot show.
    pub fn format(
        &self,
        agency: &AgencyId,
        date: NaiveDate,
        sequence: u32,
    ) -> Result<DossierCode, IdError> {
        if sequence == 0 || sequence > self.max_sequence() {
            return Err(IdError::new(
                "dossier_code.sequence",
                format!(
                    "Số thứ tự hồ sơ {sequence} ngoài khoảng 1–{}",
                    self.max_sequence()
                ),
                format!(
                    "Dossier sequence {sequence} outside 1–{}",
                    self.max_sequence()
                ),
            ));
        }
        let mut text = String::new();
        for token in &self.tokens {
            match token {
                Token::Literal(l) => text.push_str(l),
                Token::Agency => text.push_str(agency.as_str()),
                Token::Yymmdd => {
                    if !(2000..=2099).contains(&date.year()) {
                        return Err(IdError::new(
                            "dossier_code.date",
                            "Năm tiếp nhận phải trong khoảng 2000–2099 với mẫu yymmdd",
                            "The reception year must be 2000–2099 with a yymmdd pattern",
                        ));
                    }
                    text.push_str(&date.format("%y%m%d").to_string());
                }
                Token::Yyyymmdd => text.push_str(&format!(
                    "{:04}{:02}{:02}",
                    date.year(),
                    date.month(),
                    date.day()
                )),
                Token::Seq(w) => text.push_str(&format!("{sequence:0w$}")),
            }
        }
        Ok(DossierCode {
            text,
            agency: agency.clone(),
            date,
            sequence,
        })
    }

    /// Parses a code written in this pattern.
    pub fn parse_code(&self, input: &str) -> Result<DossierCode, IdError> {
        let bad = || {
            IdError::new(
                "dossier_code.shape",
                format!("Mã hồ sơ '{input}' không đúng mẫu {}", self.source),
                format!("Dossier code '{input}' does not match {}", self.source),
            )
        };
        let s = input.trim();
        let mut rest = s;
        let (mut agency, mut date, mut sequence) = (None, None, None);
        for token in &self.tokens {
            let take = |n: usize, rest: &mut &str| -> Option<String> {
                let head = rest
                    .get(..n)
                    .filter(|h| h.bytes().all(|b| b.is_ascii_digit()))?;
                let head = head.to_owned();
                *rest = &rest[n..];
                Some(head)
            };
            match token {
                Token::Literal(l) => rest = rest.strip_prefix(l.as_str()).ok_or_else(bad)?,
                Token::Agency => {
                    let end = rest.find(|c| !is_agency_char(c)).unwrap_or(rest.len());
                    agency = Some(AgencyId::parse(&rest[..end])?);
                    rest = &rest[end..];
                }
                Token::Yymmdd => {
                    let d = take(6, &mut rest).ok_or_else(bad)?;
                    date = NaiveDate::parse_from_str(&format!("20{d}"), "%Y%m%d").ok();
                    date.ok_or_else(bad)?;
                }
                Token::Yyyymmdd => {
                    let d = take(8, &mut rest).ok_or_else(bad)?;
                    date = NaiveDate::parse_from_str(&d, "%Y%m%d").ok();
                    date.ok_or_else(bad)?;
                }
                Token::Seq(w) => sequence = take(*w, &mut rest).and_then(|d| d.parse::<u32>().ok()),
            }
        }
        match (agency, date, sequence) {
            (Some(agency), Some(date), Some(seq)) if rest.is_empty() && seq > 0 => {
                self.format(&agency, date, seq)
            }
            _ => Err(bad()),
        }
    }
}

impl Default for DossierCodePattern {
    fn default() -> Self {
        Self::parse(Self::DEFAULT).unwrap_or_else(|_| Self {
            source: Self::DEFAULT.to_owned(),
            tokens: vec![
                Token::Agency,
                Token::Literal("-".into()),
                Token::Yymmdd,
                Token::Literal("-".into()),
                Token::Seq(4),
            ],
        })
    }
}

/// A dossier code: its text plus the parts it was built from.
///
/// Serialised as a record of its text and parts, so that codes built with a
/// custom pattern survive a round trip through the store.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DossierCode {
    text: String,
    agency: AgencyId,
    date: NaiveDate,
    sequence: u32,
}

impl DossierCode {
    /// Parses a code in the default layout `{agency}-{yymmdd}-{seq:4}`.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        DossierCodePattern::default().parse_code(input)
    }

    /// The code text, e.g. `000.00.01.H22-250715-0001`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The receiving unit's identifier.
    pub fn agency(&self) -> &AgencyId {
        &self.agency
    }

    /// The reception date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The day's running number.
    pub fn sequence(&self) -> u32 {
        self.sequence
    }
}

impl FromStr for DossierCode {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl std::fmt::Display for DossierCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}
