//! Progress that an agency holding a dossier reports while it works on it
//! (báo cáo tiến độ xử lý), e.g. a vertical-sector system (hệ thống ngành
//! dọc) that received the dossier by liên thông.
//!
//! What is reported is for officers: the step's label and the note may name
//! people. Public tracking shows only that progress was reported, in fixed
//! plain words.

use serde::{Deserialize, Serialize};

/// Longest step label, in characters.
pub const MAX_STEP_CHARS: usize = 200;

/// Longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// What kind of progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressKind {
    /// Đã hoàn thành một bước xử lý: a step is done (its label is required).
    StepDone,
    /// Ghi chú: a note about the work (its text is required).
    Note,
}

/// One progress report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// What kind.
    pub kind: ProgressKind,
    /// The step's label, e.g. "Thẩm định hồ sơ" (required for a step done).
    pub step: Option<String>,
    /// A note (required for a note).
    pub note: Option<String>,
}

impl Progress {
    /// Whether the text the kind needs is there.
    pub fn is_complete(&self) -> bool {
        let present = |t: &Option<String>| t.as_deref().is_some_and(|s| !s.trim().is_empty());
        match self.kind {
            ProgressKind::StepDone => present(&self.step),
            ProgressKind::Note => present(&self.note),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_needs_its_text() {
        let p = |kind, step: Option<&str>, note: Option<&str>| Progress {
            kind,
            step: step.map(str::to_owned),
            note: note.map(str::to_owned),
        };
        assert!(p(ProgressKind::StepDone, Some("Thẩm định"), None).is_complete());
        assert!(!p(ProgressKind::StepDone, Some("  "), Some("x")).is_complete());
        assert!(p(ProgressKind::Note, None, Some("Đang đo đạc")).is_complete());
        assert!(!p(ProgressKind::Note, Some("Thẩm định"), None).is_complete());
    }
}
