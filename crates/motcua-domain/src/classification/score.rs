//! The scorer: a rule set, a kind of unit and its inputs → a score sheet.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use super::rules::{Criterion, Direction, Group, RuleSet, RuleStatus, UnitKind};

/// Points in hundredths (each criterion is rounded to 2 decimals, Art. 4.1),
/// so sums are exact. Serialised as a number with 2 decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Deserialize)]
pub struct Points(pub i64);

impl Points {
    /// Rounds `x` half up to hundredths (a small tolerance absorbs the
    /// binary error of `f64`, so 10.125 rounds to 10.13).
    pub fn round(x: f64) -> Self {
        Self(((x * 100.0) + 0.5 + 1e-6).floor() as i64)
    }

    /// As a number.
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", a / 100, a % 100)
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

/// One input: a number, or yes/no.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum InputValue {
    /// Yes or no (`mountainous`, `budget_self_balancing`).
    Flag(bool),
    /// A number (`population`, a percentage…).
    Number(f64),
}

impl InputValue {
    /// Reads a CSV or form cell: `true/false/yes/no/có/không/1/0` or a
    /// number (a comma is a decimal point only when there is no dot).
    pub fn parse(raw: &str) -> Option<Self> {
        let t = raw.trim();
        match crate::text::fold(t).as_str() {
            "" => None,
            "true" | "yes" | "co" | "x" => Some(Self::Flag(true)),
            "false" | "no" | "khong" => Some(Self::Flag(false)),
            _ => {
                // "2,060,000" and "1,5" (Vietnamese decimal comma) both read.
                let commas = t.matches(',').count();
                let n = if t.contains('.') || commas > 1 {
                    t.replace([',', '_', ' '], "")
                } else {
                    t.replace(['_', ' '], "").replace(',', ".")
                };
                n.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .map(Self::Number)
            }
        }
    }
}

/// The inputs of one unit, by the names the rule file uses.
pub type Inputs = BTreeMap<String, InputValue>;

fn number(inputs: &Inputs, name: &str) -> Option<f64> {
    match inputs.get(name)? {
        InputValue::Number(n) => Some(*n),
        InputValue::Flag(b) => Some(if *b { 1.0 } else { 0.0 }),
    }
}

fn flag(inputs: &Inputs, name: &str) -> Option<bool> {
    match inputs.get(name)? {
        InputValue::Flag(b) => Some(*b),
        InputValue::Number(n) => Some(*n != 0.0),
    }
}

/// The type (loại) of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum UnitClass {
    /// Loại đặc biệt (highest).
    #[serde(rename = "special")]
    Special,
    /// Loại I.
    #[serde(rename = "I")]
    I,
    /// Loại II.
    #[serde(rename = "II")]
    II,
    /// Loại III.
    #[serde(rename = "III")]
    III,
}

impl UnitClass {
    /// The API spelling (`special`, `I`, `II`, `III`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Special => "special",
            Self::I => "I",
            Self::II => "II",
            Self::III => "III",
        }
    }

    /// Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Special => "loại đặc biệt",
            Self::I => "loại I",
            Self::II => "loại II",
            Self::III => "loại III",
        }
    }

    /// Reads `special`, `đặc biệt`, `I`, `II`, `III`, `1`, `2`, `3`.
    pub fn parse(raw: &str) -> Option<Self> {
        match crate::text::fold(raw.trim()).as_str() {
            "special" | "dac biet" | "loai dac biet" => Some(Self::Special),
            "i" | "1" | "loai i" => Some(Self::I),
            "ii" | "2" | "loai ii" => Some(Self::II),
            "iii" | "3" | "loai iii" => Some(Self::III),
            _ => None,
        }
    }
}

/// What became of one criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum LineState {
    /// Scored.
    Scored,
    /// Scored from a draft rule (provisional only).
    Provisional,
    /// The rule is not found (or a draft, outside a provisional score).
    MissingRule,
    /// The rule exists; these inputs were not given.
    MissingInput {
        /// The names missing.
        inputs: Vec<String>,
    },
}

/// One line of the score sheet: a criterion, its points and its rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreLine {
    /// The criterion's id.
    pub criterion: String,
    /// Its group.
    pub group: Group,
    /// The rule set it came from.
    pub rule_set: String,
    /// The article and clause.
    pub article: String,
    /// How far the rule's text was found.
    pub rule_status: RuleStatus,
    /// The source of the rule.
    pub source: Option<String>,
    /// The input read.
    pub input: Option<String>,
    /// Its value.
    pub value: Option<f64>,
    /// The points, when scored.
    pub points: Option<Points>,
    /// Scored, provisional, missing rule or missing input.
    #[serde(flatten)]
    pub state: LineState,
    /// How the points were reached, `vi / en`.
    pub explanation: String,
}

/// The result of a score sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum Outcome {
    /// A type.
    Classified {
        /// The type.
        class: UnitClass,
        /// Draft rules were used.
        provisional: bool,
    },
    /// Set by law, not by points (NĐ 307 Art. 2: Hà Nội and TP HCM special,
    /// the other centrally-run cities type I).
    FixedByLaw {
        /// The type.
        class: UnitClass,
        /// The article.
        article: String,
    },
    /// Cannot classify: missing rules (never guessed) or missing inputs.
    CannotClassify {
        /// Criteria (or conditions) whose rule is missing.
        missing_rules: Vec<String>,
        /// Inputs not given.
        missing_inputs: Vec<String>,
        /// `vi / en`.
        reason: String,
    },
}

/// The score sheet: every criterion, its points and its rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreSheet {
    /// The rule set.
    pub rule_set: String,
    /// The instrument.
    pub instrument: String,
    /// The kind of unit.
    pub kind: UnitKind,
    /// Every criterion of the kind, in file order.
    pub lines: Vec<ScoreLine>,
    /// Sum of the criteria (at most 100), priority points excluded.
    pub criteria_points: Points,
    /// Priority points (kept apart; special type is tested without them).
    pub priority_points: Points,
    /// `criteria_points + priority_points`.
    pub total_points: Points,
    /// The result.
    pub outcome: Outcome,
}

/// Scores one criterion (pure; no rounding of intermediate steps).
fn score_line(set: &RuleSet, c: &Criterion, inputs: &Inputs, provisional: bool) -> ScoreLine {
    let mut line = ScoreLine {
        criterion: c.id.clone(),
        group: c.group,
        rule_set: set.id.clone(),
        article: c.article.clone(),
        rule_status: c.status,
        source: c.source.clone(),
        input: c.input.clone(),
        value: c.input.as_deref().and_then(|n| number(inputs, n)),
        points: None,
        state: LineState::MissingRule,
        explanation: String::new(),
    };
    match c.status {
        RuleStatus::NotFound => {
            line.explanation = format!(
                "Không tìm thấy quy tắc, không đoán / rule not found, not guessed: {}",
                c.note.as_deref().unwrap_or("")
            );
            return line;
        }
        RuleStatus::Draft if !provisional => {
            line.explanation = "Chỉ có dự thảo: dùng khi tạm tính / only a draft exists: used \
                                for a provisional score"
                .to_owned();
            return line;
        }
        _ => {}
    }
    if let Some(f) = &c.flag_input
        && flag(inputs, f) == Some(true)
    {
        line.points = Some(Points::round(c.flag_points));
        line.state = state_for(c);
        line.explanation = format!("{f} = có / yes → {}", Points::round(c.flag_points));
        return line;
    }
    let input = c.input.as_deref().unwrap_or_default();
    let mut missing = Vec::new();
    let value = number(inputs, input);
    if value.is_none() {
        missing.push(input.to_owned());
    }
    let threshold = match &c.threshold_input {
        Some(t) => {
            let v = number(inputs, t);
            if v.is_none() {
                missing.push(t.clone());
            }
            v
        }
        None => Some(c.base_threshold),
    };
    let (Some(value), Some(threshold)) = (value, threshold) else {
        line.state = LineState::MissingInput {
            inputs: missing.clone(),
        };
        line.explanation = format!("Thiếu / missing: {}", missing.join(", "));
        return line;
    };
    // The most favourable modifier that applies scales threshold and step.
    let mut factor = 1.0_f64;
    let mut applied = None;
    for (name, f) in &c.modifiers {
        if flag(inputs, name) == Some(true) && *f < factor {
            factor = *f;
            applied = Some(name.clone());
        }
    }
    let threshold = threshold * factor;
    let step = c.step * factor;
    let over = match c.direction {
        Direction::Up => value - threshold,
        Direction::Down => threshold - value,
    }
    .max(0.0);
    let raw = c.base_points + over / step * c.step_points;
    let capped = raw.min(c.cap);
    let points = Points::round(capped);
    line.points = Some(points);
    line.state = state_for(c);
    let cmp = match c.direction {
        Direction::Up => "≤",
        Direction::Down => "≥",
    };
    let modifier = applied
        .map(|m| format!(" ({m} × {factor})"))
        .unwrap_or_default();
    line.explanation = format!(
        "{cmp} {threshold} = {base}; +{sp} mỗi / per {step}{modifier}, theo tỷ lệ / pro rata; \
         tối đa / cap {cap}: {value} → {points}{capped_note}",
        base = c.base_points,
        sp = c.step_points,
        cap = c.cap,
        capped_note = if raw > c.cap {
            " (đạt mức tối đa / capped)"
        } else {
            ""
        },
    );
    line
}

fn state_for(c: &Criterion) -> LineState {
    if c.status == RuleStatus::Draft {
        LineState::Provisional
    } else {
        LineState::Scored
    }
}

/// Scores a unit of `kind` with `inputs` under `set`. `provisional`
/// allows draft rules (the result says so). Never guesses: a missing rule
/// or input answers [`Outcome::CannotClassify`].
pub fn score(set: &RuleSet, kind: UnitKind, inputs: &Inputs, provisional: bool) -> ScoreSheet {
    let lines: Vec<ScoreLine> = set
        .criteria_of(kind)
        .map(|c| score_line(set, c, inputs, provisional))
        .collect();
    let sum = |priority: bool| -> Points {
        Points(
            lines
                .iter()
                .filter(|l| (l.group == Group::Priority) == priority)
                .filter_map(|l| l.points)
                .map(|p| p.0)
                .sum(),
        )
    };
    let criteria_points = Points(sum(false).0.min(10_000));
    let priority_points = sum(true);
    let total_points = Points(criteria_points.0 + priority_points.0);
    let mut missing_rules: Vec<String> = Vec::new();
    let mut missing_inputs: Vec<String> = Vec::new();
    if lines.is_empty() {
        missing_rules.push(format!("{}: {}", kind.as_str(), "criteria"));
    }
    for l in &lines {
        match &l.state {
            LineState::MissingRule => missing_rules.push(l.criterion.clone()),
            LineState::MissingInput { inputs } => {
                for i in inputs {
                    if !missing_inputs.contains(i) {
                        missing_inputs.push(i.clone());
                    }
                }
            }
            _ => {}
        }
    }
    let thresholds = set.thresholds_of(kind);
    if thresholds.is_none() {
        missing_rules.push("thresholds".to_owned());
    }
    let used_draft = lines.iter().any(|l| l.state == LineState::Provisional);
    let outcome = match thresholds {
        Some(t) if missing_rules.is_empty() && missing_inputs.is_empty() => {
            let mut special = None;
            if let Some(s) = t.special.filter(|_| kind.may_be_special())
                && criteria_points.as_f64() >= s
            {
                match t.special_condition_input.as_deref() {
                    None => special = Some(Err("special_conditions".to_owned())),
                    Some(name) => match flag(inputs, name) {
                        Some(true) => special = Some(Ok(())),
                        Some(false) => {}
                        None => missing_inputs.push(name.to_owned()),
                    },
                }
            }
            let total = total_points.as_f64();
            match special {
                Some(Err(rule)) => cannot(vec![rule], vec![]),
                _ if !missing_inputs.is_empty() => cannot(vec![], missing_inputs),
                Some(Ok(())) => Outcome::Classified {
                    class: UnitClass::Special,
                    provisional: used_draft,
                },
                None => Outcome::Classified {
                    class: if total >= t.type_i {
                        UnitClass::I
                    } else if total >= t.type_ii {
                        UnitClass::II
                    } else {
                        UnitClass::III
                    },
                    provisional: used_draft,
                },
            }
        }
        _ => cannot(missing_rules, missing_inputs),
    };
    ScoreSheet {
        rule_set: set.id.clone(),
        instrument: set.instrument.clone(),
        kind,
        lines,
        criteria_points,
        priority_points,
        total_points,
        outcome,
    }
}

fn cannot(missing_rules: Vec<String>, missing_inputs: Vec<String>) -> Outcome {
    let reason = if missing_rules.is_empty() {
        format!(
            "Không thể phân loại: thiếu số liệu / cannot classify: missing input ({})",
            missing_inputs.join(", ")
        )
    } else {
        format!(
            "Không thể phân loại: thiếu quy tắc / cannot classify: missing rule ({})",
            missing_rules.join(", ")
        )
    };
    Outcome::CannotClassify {
        missing_rules,
        missing_inputs,
        reason,
    }
}
