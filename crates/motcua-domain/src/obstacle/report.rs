//! The monthly report of a unit: computed from the cases' event histories
//! for a reporting month, so every count and line follows from the history.
//! The leader's assessment is the only free text ([`MonthlyReport::assess`]).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::case::{EvidenceFigures, Obstacle, ObstacleEvent, Payload, Status, evolve};
use super::period::ReportingMonth;
use super::rules::ObstacleRules;

/// One case as the report reads it: its history and the figures now.
#[derive(Debug, Clone)]
pub struct ReportCase {
    /// Its id.
    pub id: String,
    /// Every event, in order.
    pub events: Vec<ObstacleEvent>,
    /// The system's figures now (procedure and IT categories).
    pub figures_now: Vec<EvidenceFigures>,
}

/// Counts of one category.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CategoryLine {
    /// Category code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Submitted in the period.
    pub new: u64,
    /// Answered in the period.
    pub answered: u64,
    /// Still waiting for an answer at the end of the period.
    pub open: u64,
    /// Of those, past their due date.
    pub overdue: u64,
}

/// Open cases of one owner.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OwnerLine {
    /// The owner's agency.
    pub agency: String,
    /// Its name.
    pub name: String,
    /// Waiting for its answer at the end of the period.
    pub open: u64,
    /// Of those, past their due date.
    pub overdue: u64,
}

/// One case in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportLine {
    /// Its id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The raising unit.
    pub unit_name: String,
    /// Category name.
    pub category: String,
    /// Status at the end of the period.
    pub status: Status,
    /// Owner name at the end of the period.
    pub owner: String,
    /// Answer due date at the end of the period.
    pub due_at: Option<DateTime<Utc>>,
    /// Past its due date at the end of the period.
    pub overdue: bool,
    /// The unit's proposal.
    pub proposal: String,
    /// The answer given by the end of the period.
    pub answer: Option<String>,
    /// Figures as of submission.
    pub figures_then: Vec<EvidenceFigures>,
    /// Figures now.
    pub figures_now: Vec<EvidenceFigures>,
}

/// The monthly report (báo cáo khó khăn, vướng mắc tháng …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthlyReport {
    /// The reporting unit's agency.
    pub unit: String,
    /// Its name.
    pub unit_name: String,
    /// The period, `YYYY-MM`.
    pub period: String,
    /// "tháng 11/2026".
    pub period_label: String,
    /// Start of the period.
    pub from: DateTime<Utc>,
    /// End of the period (exclusive).
    pub to: DateTime<Utc>,
    /// The instant the counts are taken at: the end of the period, or now
    /// for the running period.
    pub as_of: DateTime<Utc>,
    /// Submitted in the period.
    pub new: u64,
    /// Answered in the period.
    pub answered: u64,
    /// Resolved in the period.
    pub resolved: u64,
    /// Waiting for an answer at `as_of`.
    pub open: u64,
    /// Of those, past their due date.
    pub overdue: u64,
    /// By category, in the order of the rules.
    pub by_category: Vec<CategoryLine>,
    /// Open cases by owner, most first.
    pub by_owner: Vec<OwnerLine>,
    /// The cases of the period: new, answered or still open, oldest first.
    pub lines: Vec<ReportLine>,
    /// The leader's assessment: the only free text.
    pub assessment: Option<String>,
}

impl MonthlyReport {
    /// Builds the report of `unit` for `period` from `cases` (those raised
    /// in or owned by the unit's subtree), as of the period's end or `now`.
    pub fn build(
        rules: &ObstacleRules,
        unit: (&str, &str),
        period: ReportingMonth,
        cases: &[ReportCase],
        now: DateTime<Utc>,
    ) -> Self {
        let (from, to) = period.bounds();
        let as_of = to.min(now);
        let in_period = |at: DateTime<Utc>| at >= from && at < to;
        let mut categories: BTreeMap<String, CategoryLine> = BTreeMap::new();
        let mut owners: BTreeMap<String, OwnerLine> = BTreeMap::new();
        let mut report = Self {
            unit: unit.0.to_owned(),
            unit_name: unit.1.to_owned(),
            period: period.code(),
            period_label: period.label_vi(),
            from,
            to,
            as_of,
            new: 0,
            answered: 0,
            resolved: 0,
            open: 0,
            overdue: 0,
            by_category: Vec::new(),
            by_owner: Vec::new(),
            lines: Vec::new(),
            assessment: None,
        };
        for case in cases {
            let mut state: Option<Obstacle> = None;
            let (mut new, mut answered, mut resolved) = (false, false, false);
            for e in case.events.iter().filter(|e| e.at < as_of) {
                match evolve(&case.id, state.take(), e) {
                    Ok(s) => state = Some(s),
                    Err(_) => break,
                }
                if in_period(e.at) {
                    match e.payload {
                        Payload::Submitted { .. } => new = true,
                        Payload::Answered { .. } | Payload::GroupAnswered { .. } => answered = true,
                        Payload::Resolved { .. } => resolved = true,
                        _ => {}
                    }
                }
            }
            let Some(o) = state else { continue };
            if o.status == Status::Drafted {
                continue;
            }
            let open = o.status.awaits_answer();
            let overdue = o.is_overdue(as_of);
            if !(new || answered || resolved || open) {
                continue;
            }
            let code = o.draft.category.clone();
            let line = categories
                .entry(code.clone())
                .or_insert_with(|| CategoryLine {
                    name: rules.category_name(&code),
                    code,
                    ..CategoryLine::default()
                });
            line.new += u64::from(new);
            line.answered += u64::from(answered);
            line.open += u64::from(open);
            line.overdue += u64::from(overdue);
            report.new += u64::from(new);
            report.answered += u64::from(answered);
            report.resolved += u64::from(resolved);
            report.open += u64::from(open);
            report.overdue += u64::from(overdue);
            let owner = o.owner.clone();
            if open && let Some(w) = &owner {
                let l = owners.entry(w.agency.clone()).or_insert_with(|| OwnerLine {
                    agency: w.agency.clone(),
                    name: w.name.clone(),
                    ..OwnerLine::default()
                });
                l.open += 1;
                l.overdue += u64::from(overdue);
            }
            report.lines.push(ReportLine {
                id: o.id.clone(),
                title: o.draft.title.clone(),
                unit_name: o.draft.unit_name.clone(),
                category: rules.category_name(&o.draft.category),
                status: o.status,
                owner: owner.map(|w| w.name).unwrap_or_default(),
                due_at: if open { o.due_at } else { None },
                overdue,
                proposal: o.draft.proposal.clone(),
                answer: o.answer.as_ref().map(|a| a.text.clone()),
                figures_then: o.figures.clone(),
                figures_now: case.figures_now.clone(),
            });
        }
        let order: Vec<&str> = rules
            .latest()
            .category
            .iter()
            .map(|c| c.code.as_str())
            .collect();
        let mut by_category: Vec<CategoryLine> = categories.into_values().collect();
        by_category.sort_by_key(|c| {
            order
                .iter()
                .position(|o| *o == c.code)
                .unwrap_or(usize::MAX)
        });
        report.by_category = by_category;
        let mut by_owner: Vec<OwnerLine> = owners.into_values().collect();
        by_owner.sort_by(|a, b| b.open.cmp(&a.open).then_with(|| a.agency.cmp(&b.agency)));
        report.by_owner = by_owner;
        report
            .lines
            .sort_by(|a, b| b.overdue.cmp(&a.overdue).then_with(|| a.id.cmp(&b.id)));
        report
    }

    /// The leader's assessment (đánh giá của lãnh đạo), the one text a
    /// leader adds before signing; blank text is no assessment.
    pub fn assess(mut self, text: &str) -> Self {
        let text = text.trim();
        self.assessment = (!text.is_empty()).then(|| text.to_owned());
        self
    }
}
