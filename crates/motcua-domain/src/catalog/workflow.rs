//! Form sets (biểu mẫu) and the workflow template (quy trình nội bộ).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::keyword::{Keyword, keywords};
use super::model::AgencyType;

/// The role a form plays in handling a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormRole {
    /// Tờ khai: the applicant's declaration (police CT01).
    Declaration,
    /// Giấy tiếp nhận hồ sơ và hẹn trả kết quả (one-stop 01, police CT04).
    Receipt,
    /// Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (02, police CT05).
    Supplement,
    /// Phiếu từ chối tiếp nhận giải quyết hồ sơ (03, police CT06).
    Refusal,
    /// Văn bản xin lỗi và đề nghị gia hạn (04).
    Apology,
    /// Thông báo dừng giải quyết hồ sơ (05).
    Stop,
    /// Phiếu kiểm soát quá trình giải quyết hồ sơ (06).
    ProcessControl,
    /// Sổ theo dõi hồ sơ (07).
    Register,
    /// Thông báo kết quả (police CT08).
    ResultNotice,
}
keywords!(FormRole {
    Declaration => "declaration",
    Receipt => "receipt",
    Supplement => "supplement",
    Refusal => "refusal",
    Apology => "apology",
    Stop => "stop",
    ProcessControl => "process_control",
    Register => "register",
    ResultNotice => "result_notice",
});

/// A named base set of forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormPreset {
    /// Forms 01–07 of Phụ lục I, TT 03/2025/TT-VPCP (\[S\]).
    OneStop,
    /// Police residence forms of TT 66/2023/TT-BCA (CT01, CT04, CT05, CT06, CT08; \[S\]);
    /// the roles they do not cover fall back to the one-stop forms.
    Police,
}
keywords!(FormPreset { OneStop => "one_stop", Police => "police" });

impl FormPreset {
    /// The form code this preset gives `role`, if any.
    pub fn form_for(self, role: FormRole) -> Option<&'static str> {
        let police = match (self, role) {
            (Self::Police, FormRole::Declaration) => Some("CT01"),
            (Self::Police, FormRole::Receipt) => Some("CT04"),
            (Self::Police, FormRole::Supplement) => Some("CT05"),
            (Self::Police, FormRole::Refusal) => Some("CT06"),
            (Self::Police, FormRole::ResultNotice) => Some("CT08"),
            _ => None,
        };
        police.or(match role {
            FormRole::Receipt => Some("01"),
            FormRole::Supplement => Some("02"),
            FormRole::Refusal => Some("03"),
            FormRole::Apology => Some("04"),
            FormRole::Stop => Some("05"),
            FormRole::ProcessControl => Some("06"),
            FormRole::Register => Some("07"),
            FormRole::Declaration | FormRole::ResultNotice => None,
        })
    }
}

/// The forms a procedure uses: a preset plus per-role overrides.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FormSet {
    /// The base set.
    pub preset: FormPreset,
    /// Roles whose form differs from the preset (role → form code).
    pub overrides: BTreeMap<FormRole, String>,
}

impl Default for FormSet {
    fn default() -> Self {
        Self::preset(FormPreset::OneStop)
    }
}

impl FormSet {
    /// A form set that is exactly `preset`.
    pub fn preset(preset: FormPreset) -> Self {
        Self {
            preset,
            overrides: BTreeMap::new(),
        }
    }

    /// The form code for `role`: the override if any, else the preset's.
    pub fn form_for(&self, role: FormRole) -> Option<&str> {
        self.overrides
            .get(&role)
            .map(String::as_str)
            .or_else(|| self.preset.form_for(role))
    }

    /// Every role with its resolved form code.
    pub fn resolved(&self) -> Vec<(FormRole, &str)> {
        FormRole::ALL
            .iter()
            .filter_map(|&r| self.form_for(r).map(|f| (r, f)))
            .collect()
    }
}

/// Who acts at a workflow step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepRole {
    /// Bộ phận tiếp nhận: the one-stop desk.
    Reception,
    /// Chuyên viên: the specialist who examines the dossier.
    Specialist,
    /// Lãnh đạo: the leader who signs.
    Leader,
}
keywords!(StepRole { Reception => "reception", Specialist => "specialist", Leader => "leader" });

/// One step of the workflow template.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Step {
    /// What is done, e.g. "Tiếp nhận, kiểm tra hồ sơ".
    pub name: String,
    /// Who does it.
    pub role: StepRole,
    /// Which agency type does it.
    pub agency: AgencyType,
    /// Its share of the legal time limit, in percent; shares sum to 100.
    pub share_percent: u8,
}
