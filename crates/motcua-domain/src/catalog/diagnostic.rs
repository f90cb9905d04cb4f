//! Diagnostics (lỗi, cảnh báo) for catalog files, in Vietnamese and English.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What kind of problem a [`Diagnostic`] reports; stable for tests and tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosticKind {
    /// The text is not valid TOML.
    Syntax,
    /// A value has the wrong TOML type (text where a number is expected, ...).
    WrongType,
    /// A required field is absent.
    MissingField,
    /// A key the format does not know (often a typo).
    UnknownField,
    /// A name or text that must not be empty is empty.
    EmptyValue,
    /// Not a national procedure code `d.dddddd[.dd]`.
    InvalidCode,
    /// Not a date, a UUID or a cut-off time.
    InvalidValue,
    /// A keyword outside the allowed list.
    UnknownKeyword,
    /// A time unit outside the allowed list.
    UnknownTimeUnit,
    /// A waiver source outside the allowed list.
    UnknownWaiverSource,
    /// A cut-off time outside 00:00–23:59.
    CutOffOutOfRange,
    /// A negative or absurd fee, count or version.
    OutOfRange,
    /// Workflow step shares do not sum to 100 %.
    SharesNotHundred,
    /// The same code and version appear twice.
    DuplicateVersion,
    /// Two versions of one code are valid on the same day.
    OverlappingVersions,
    /// `valid_to` is before `valid_from`.
    InvertedValidity,
    /// A value and its source tag disagree (a value marked NOT_FOUND, or none without it).
    SourceMismatch,
}

/// One problem found in a catalog file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The file name given to the parser.
    pub file: String,
    /// 1-based line, or 0 when the problem has no place in a file.
    pub line: usize,
    /// 1-based column in characters, or 0 when unknown.
    pub column: usize,
    /// Field path, e.g. `procedure[2].components[0].requirement`.
    pub path: String,
    /// The kind of problem.
    pub kind: DiagnosticKind,
    /// The message in Vietnamese.
    pub message_vi: String,
    /// The message in English.
    pub message_en: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {} / {}",
            self.file, self.line, self.column, self.path, self.message_vi, self.message_en
        )
    }
}

/// A problem before it is placed in a file: path, kind and both messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub path: String,
    pub kind: DiagnosticKind,
    pub vi: String,
    pub en: String,
}

impl Problem {
    pub(crate) fn new(
        path: impl Into<String>,
        kind: DiagnosticKind,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self {
            path: path.into(),
            kind,
            vi: vi.into(),
            en: en.into(),
        }
    }
}

/// Turns byte offsets into 1-based line and column numbers.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { text, starts }
    }

    /// (line, column) of byte `offset`, both 1-based; column counts characters.
    pub(crate) fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    #[test]
    fn positions_are_one_based() {
        let idx = LineIndex::new("ab\nđc\n");
        assert_eq!(idx.position(0), (1, 1));
        assert_eq!(idx.position(3), (2, 1));
        assert_eq!(idx.position(5), (2, 2));
        assert_eq!(idx.position(99), (3, 1));
    }
}
