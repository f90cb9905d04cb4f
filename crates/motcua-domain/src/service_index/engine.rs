//! The index engine: facts and a period in, one row per indicator out, with
//! numerator, denominator, ratio, points and the items behind them.
//!
//! Facts sheet §3.3: a ratio R (percent, two decimals) becomes points by
//! `P` when `R ≥ T`, else `R × P / T` with a threshold `T`, and `R × P /
//! 100` without one; a zero denominator gives N/A (no points, never
//! imputed). §3.4: an indicator that does not apply to a commune gives the
//! commune its full points, and says so. A source that is not connected
//! (`None`) makes its indicators not computed, never zero.
//!
//! Which dossiers an indicator counts (all instants against `[from, to)` of
//! the period, and `as_of` = the earlier of the period's end and now):
//! - 2.1 and 5.4: every dossier received before the end whose 766 end (the
//!   one on-time rule, evaluated at `as_of`) is not before the period's
//!   start — finished in the period or still open;
//! - 2.2, 3.3, 3.5b, 3.6, 4.2–4.5b: dossiers received in the period;
//! - 4.1: dossiers whose result was ready (else returned) in the period;
//! - 5.1–5.3: feedback received in the period.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::dossier_fact::DossierFact;
use super::facts::{ElectronicResultFact, FeedbackFact, PaymentFact};
use super::period::Period;
use super::rules::{IndicatorRule, Method, RuleSet, Source};
use crate::dossier::on_time_766::{EndKind, OnTimeVerdict};

/// The level of the unit scored (facts sheet §3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// A province (or an agency above communes).
    Province,
    /// A commune.
    Commune,
}

/// Everything the engine reads; `None` = source not connected.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FactSet {
    /// The dossiers of the unit subtree (a superset of the period is fine).
    pub dossiers: Vec<DossierFact>,
    /// Online payments, if recorded.
    pub payments: Option<Vec<PaymentFact>>,
    /// Citizens' feedback, if recorded.
    pub feedback: Option<Vec<FeedbackFact>>,
    /// Electronic results, if recorded.
    pub electronic_results: Option<Vec<ElectronicResultFact>>,
}

impl FactSet {
    /// The facts of one unit (commune) only: dossiers, payments and results
    /// by the dossier's unit, feedback by its addressee.
    pub fn restrict(&self, unit: &str) -> Self {
        let dossiers: Vec<DossierFact> = self
            .dossiers
            .iter()
            .filter(|d| d.unit_code == unit)
            .cloned()
            .collect();
        let codes: HashSet<&str> = dossiers.iter().map(|d| d.code.as_str()).collect();
        Self {
            payments: self.payments.as_ref().map(|p| {
                p.iter()
                    .filter(|p| codes.contains(p.dossier_code.as_str()))
                    .cloned()
                    .collect()
            }),
            electronic_results: self.electronic_results.as_ref().map(|r| {
                r.iter()
                    .filter(|r| codes.contains(r.dossier_code.as_str()))
                    .cloned()
                    .collect()
            }),
            feedback: self
                .feedback
                .as_ref()
                .map(|f| f.iter().filter(|f| f.unit_code == unit).cloned().collect()),
            dossiers,
        }
    }
}

impl FactSet {
    /// The facts of every unit at once (one pass; the same split as
    /// [`FactSet::restrict`] per unit).
    pub fn by_unit(&self) -> HashMap<String, FactSet> {
        let mut out: HashMap<String, FactSet> = HashMap::new();
        let empty = |f: &FactSet| FactSet {
            dossiers: Vec::new(),
            payments: f.payments.as_ref().map(|_| Vec::new()),
            feedback: f.feedback.as_ref().map(|_| Vec::new()),
            electronic_results: f.electronic_results.as_ref().map(|_| Vec::new()),
        };
        let mut unit_of: HashMap<&str, &str> = HashMap::new();
        for d in &self.dossiers {
            unit_of.insert(d.code.as_str(), d.unit_code.as_str());
            out.entry(d.unit_code.clone())
                .or_insert_with(|| empty(self))
                .dossiers
                .push(d.clone());
        }
        for p in self.payments.iter().flatten() {
            if let Some(u) = unit_of.get(p.dossier_code.as_str())
                && let Some(list) = out.get_mut(*u).and_then(|f| f.payments.as_mut())
            {
                list.push(p.clone());
            }
        }
        for r in self.electronic_results.iter().flatten() {
            if let Some(u) = unit_of.get(r.dossier_code.as_str())
                && let Some(list) = out.get_mut(*u).and_then(|f| f.electronic_results.as_mut())
            {
                list.push(r.clone());
            }
        }
        for f in self.feedback.iter().flatten() {
            if let Some(list) = out
                .entry(f.unit_code.clone())
                .or_insert_with(|| empty(self))
                .feedback
                .as_mut()
            {
                list.push(f.clone());
            }
        }
        out
    }
}

/// What the items behind an indicator are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// Dossier codes.
    Dossier,
    /// Procedure codes.
    Procedure,
    /// Feedback identifiers.
    Feedback,
}

/// One indicator's result.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorResult {
    /// Its number.
    pub id: String,
    /// Its group.
    pub group: String,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// Numerator (a count; total days for 2.2), when computed.
    pub numerator: Option<f64>,
    /// Denominator, when computed.
    pub denominator: Option<u64>,
    /// Ratio in percent (average days for 2.2), two decimals; `None` on a
    /// zero denominator.
    pub ratio: Option<f64>,
    /// Points, two decimals; `None` when N/A, not computed or
    /// information only.
    pub points: Option<f64>,
    /// Maximum points.
    pub max_points: f64,
    /// Threshold in percent.
    pub threshold: Option<f64>,
    /// Whether motcua computed it (a commune's non-applicable row counts as
    /// computed: its full points are the rule).
    pub computed: bool,
    /// Whether it applies at this level.
    pub applicable: bool,
    /// The rule in words, and what happened.
    pub explanation: String,
    /// What the items are.
    pub item_kind: ItemKind,
    /// The items counted in the numerator (drill-down).
    pub numerator_items: Vec<String>,
    /// The items counted in the denominator (drill-down).
    pub denominator_items: Vec<String>,
    /// Open dossiers (or items) whose handling would raise it, most urgent
    /// first (for 2.1: open, not late, by due date).
    pub to_act: Vec<String>,
    /// Points one more item in the numerator would add (0 at or above the
    /// threshold).
    pub gain_per_item: Option<f64>,
}

/// The index of one unit subtree for one period.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexReport {
    /// The rule set used.
    pub rule_set: String,
    /// The period.
    pub period: Period,
    /// The level scored.
    pub level: Level,
    /// Sum of the points obtained.
    pub total: f64,
    /// Sum of the maxima of the rows that obtained points (computed, not
    /// N/A), i.e. what `total` is out of.
    pub max_total: f64,
    /// The rule set's total maximum (100).
    pub rule_max_total: f64,
    /// One row per indicator, in the rule set's order.
    pub indicators: Vec<IndicatorResult>,
}

impl IndexReport {
    /// `total / max_total` in percent, two decimals (`None` when nothing
    /// was scored): what rankings compare.
    pub fn score_percent(&self) -> Option<f64> {
        (self.max_total > 0.0).then(|| round2(self.total * 100.0 / self.max_total))
    }

    /// The row of an indicator.
    pub fn indicator(&self, id: &str) -> Option<&IndicatorResult> {
        self.indicators.iter().find(|i| i.id == id)
    }
}

/// Rounds half away from zero to two decimals.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Facts sheet §3.3: points of a ratio `r` (percent) for maximum `p` and
/// threshold `t`.
pub fn points_of(r: f64, p: f64, t: Option<f64>) -> f64 {
    round2(match t {
        Some(t) if r >= t => p,
        Some(t) => r * p / t,
        None => r * p / 100.0,
    })
}

/// A counted ratio before it becomes a row.
struct Count {
    numerator: f64,
    denominator: u64,
    kind: ItemKind,
    num_items: Vec<String>,
    den_items: Vec<String>,
    to_act: Vec<String>,
    /// The ratio is not a percent (2.2: average days).
    average: bool,
}

impl Count {
    fn of(kind: ItemKind, den: Vec<String>, num: Vec<String>) -> Self {
        let set: HashSet<&String> = num.iter().collect();
        let to_act = den.iter().filter(|c| !set.contains(c)).cloned().collect();
        Self {
            numerator: num.len() as f64,
            denominator: den.len() as u64,
            kind,
            num_items: num,
            den_items: den,
            to_act,
            average: false,
        }
    }
}

struct Ctx<'a> {
    facts: &'a FactSet,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    as_of: DateTime<Utc>,
    /// Each dossier's verdict of the one on-time rule at `as_of` (same
    /// order as `facts.dossiers`), evaluated once.
    verdicts: Vec<OnTimeVerdict>,
}

impl Ctx<'_> {
    fn in_period(&self, at: DateTime<Utc>) -> bool {
        at >= self.from && at < self.to && at <= self.as_of
    }

    fn received(&self) -> impl Iterator<Item = &DossierFact> {
        self.facts
            .dossiers
            .iter()
            .filter(|d| d.received_at.is_some_and(|r| self.in_period(r)))
    }

    fn received_where(&self, pred: impl Fn(&DossierFact) -> bool) -> Count {
        let den: Vec<&DossierFact> = self.received().collect();
        let num = den
            .iter()
            .filter(|d| pred(d))
            .map(|d| d.code.clone())
            .collect();
        let mut c = Count::of(
            ItemKind::Dossier,
            den.iter().map(|d| d.code.clone()).collect(),
            num,
        );
        // Only dossiers still open can still be acted on.
        let open: HashSet<&str> = den
            .iter()
            .filter(|d| d.is_open(self.as_of))
            .map(|d| d.code.as_str())
            .collect();
        c.to_act.retain(|code| open.contains(code.as_str()));
        c
    }

    /// 2.1's population: (dossier, verdict, on time).
    fn handled(&self) -> Vec<(&DossierFact, &OnTimeVerdict, bool)> {
        self.facts
            .dossiers
            .iter()
            .zip(&self.verdicts)
            .filter(|(d, _)| d.received_at.is_some_and(|r| r < self.to))
            .filter_map(|(d, v)| match v {
                OnTimeVerdict::OnTime(s) if s.end >= self.from => Some((d, v, true)),
                OnTimeVerdict::Late(s, _) if s.end >= self.from => Some((d, v, false)),
                _ => None,
            })
            .collect()
    }

    fn on_time(&self) -> Count {
        let handled = self.handled();
        let mut c = Count::of(
            ItemKind::Dossier,
            handled.iter().map(|(d, _, _)| d.code.clone()).collect(),
            handled
                .iter()
                .filter(|(_, _, ok)| *ok)
                .map(|(d, _, _)| d.code.clone())
                .collect(),
        );
        let mut open: Vec<(&DossierFact, DateTime<Utc>)> = handled
            .iter()
            .filter(|(_, v, _)| {
                matches!(v, OnTimeVerdict::OnTime(s) if s.end_kind == EndKind::PeriodEnd)
            })
            .filter_map(|(d, _, _)| d.on_time_due.map(|due| (*d, due)))
            .collect();
        open.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.code.cmp(&b.0.code)));
        c.to_act = open.into_iter().map(|(d, _)| d.code.clone()).collect();
        c
    }

    fn average_days(&self) -> Count {
        let mut total = 0.0;
        let mut den = Vec::new();
        for (d, v) in self.facts.dossiers.iter().zip(&self.verdicts) {
            if !d.received_at.is_some_and(|r| self.in_period(r)) {
                continue;
            }
            if let OnTimeVerdict::OnTime(s)
            | OnTimeVerdict::Late(s, _)
            | OnTimeVerdict::NoDeadline(s) = v
                && matches!(s.end_kind, EndKind::ResultReady | EndKind::Returned)
            {
                let net = s.end - s.start - s.supplement_wait;
                total += net.num_seconds() as f64 / 86_400.0;
                den.push(d.code.clone());
            }
        }
        Count {
            numerator: round2(total),
            denominator: den.len() as u64,
            kind: ItemKind::Dossier,
            num_items: den.clone(),
            den_items: den,
            to_act: Vec::new(),
            average: true,
        }
    }

    fn fee_dossiers(&self) -> Vec<&DossierFact> {
        self.received().filter(|d| d.fees_vnd > 0).collect()
    }

    fn paid(&self, payments: &[PaymentFact]) -> HashSet<String> {
        payments
            .iter()
            .filter(|p| matches!(p.channel, 1 | 2) && p.settled_at <= self.as_of)
            .map(|p| p.dossier_code.clone())
            .collect()
    }

    fn dossiers_paid_online(&self, payments: &[PaymentFact]) -> Count {
        let paid = self.paid(payments);
        let den = self.fee_dossiers();
        let num = den
            .iter()
            .filter(|d| paid.contains(&d.code))
            .map(|d| d.code.clone())
            .collect();
        let mut c = Count::of(
            ItemKind::Dossier,
            den.iter().map(|d| d.code.clone()).collect(),
            num,
        );
        let open: HashSet<&str> = den
            .iter()
            .filter(|d| d.is_open(self.as_of))
            .map(|d| d.code.as_str())
            .collect();
        c.to_act.retain(|code| open.contains(code.as_str()));
        c
    }

    fn procedures_paid_online(&self, payments: &[PaymentFact]) -> Count {
        let paid = self.paid(payments);
        let mut procedures: BTreeMap<&str, bool> = BTreeMap::new();
        for d in self.fee_dossiers() {
            *procedures.entry(d.procedure_code.as_str()).or_default() |= paid.contains(&d.code);
        }
        Count::of(
            ItemKind::Procedure,
            procedures.keys().map(|p| (*p).to_owned()).collect(),
            procedures
                .iter()
                .filter(|(_, p)| **p)
                .map(|(k, _)| (*k).to_owned())
                .collect(),
        )
    }

    fn electronic_results(&self, results: &[ElectronicResultFact]) -> Count {
        let electronic: HashSet<&str> = results
            .iter()
            .filter(|r| r.attached_at <= self.as_of)
            .map(|r| r.dossier_code.as_str())
            .collect();
        let den: Vec<String> = self
            .facts
            .dossiers
            .iter()
            .filter(|d| d.result_at(self.as_of).is_some_and(|t| self.in_period(t)))
            .map(|d| d.code.clone())
            .collect();
        let num = den
            .iter()
            .filter(|c| electronic.contains(c.as_str()))
            .cloned()
            .collect();
        Count::of(ItemKind::Dossier, den, num)
    }

    fn feedback_in_period<'f>(&self, feedback: &'f [FeedbackFact]) -> Vec<&'f FeedbackFact> {
        let mut list: Vec<&FeedbackFact> = feedback
            .iter()
            .filter(|f| self.in_period(f.received_at))
            .collect();
        list.sort_by(|a, b| a.id.cmp(&b.id));
        list.dedup_by(|a, b| a.id == b.id);
        list
    }

    fn feedback_on_time(&self, f: &FeedbackFact) -> bool {
        match (f.due_at, f.handled_at.filter(|h| *h <= self.as_of)) {
            (None, _) => true,
            (Some(due), Some(handled)) => handled <= due,
            (Some(due), None) => self.as_of <= due,
        }
    }

    fn feedback_where(
        &self,
        feedback: &[FeedbackFact],
        pred: impl Fn(&FeedbackFact) -> bool,
    ) -> Count {
        let list = self.feedback_in_period(feedback);
        let mut c = Count::of(
            ItemKind::Feedback,
            list.iter().map(|f| f.id.clone()).collect(),
            list.iter()
                .filter(|f| pred(f))
                .map(|f| f.id.clone())
                .collect(),
        );
        let open: HashSet<&str> = list
            .iter()
            .filter(|f| f.handled_at.is_none_or(|h| h > self.as_of))
            .map(|f| f.id.as_str())
            .collect();
        c.to_act.retain(|id| open.contains(id.as_str()));
        c
    }

    fn dossier_satisfaction(&self, feedback: &[FeedbackFact]) -> Count {
        let with_feedback: HashSet<&str> = feedback
            .iter()
            .filter(|f| f.received_at <= self.as_of)
            .filter_map(|f| f.dossier_code.as_deref())
            .collect();
        let handled = self.handled();
        let num = handled
            .iter()
            .filter(|(d, _, ok)| *ok && !d.disliked && !with_feedback.contains(d.code.as_str()))
            .map(|(d, _, _)| d.code.clone())
            .collect();
        let mut c = Count::of(
            ItemKind::Dossier,
            handled.iter().map(|(d, _, _)| d.code.clone()).collect(),
            num,
        );
        c.to_act.clear();
        c
    }
}

const NOT_CONNECTED: &str = "Chưa kết nối nguồn dữ liệu";

fn source_name(s: Source) -> &'static str {
    match s {
        Source::Payments => "thanh toán trực tuyến",
        Source::ElectronicResults => "kết quả điện tử",
        Source::Feedback => "phản ánh, kiến nghị (PAKN)",
        Source::Dossiers | Source::None => "hồ sơ",
    }
}

fn row(rule: &IndicatorRule, kind: ItemKind) -> IndicatorResult {
    IndicatorResult {
        id: rule.id.clone(),
        group: rule.group.clone(),
        name_vi: rule.name_vi.clone(),
        name_en: rule.name_en.clone(),
        numerator: None,
        denominator: None,
        ratio: None,
        points: None,
        max_points: rule.max_points,
        threshold: rule.threshold,
        computed: false,
        applicable: true,
        explanation: rule.rule_vi.clone(),
        item_kind: kind,
        numerator_items: Vec::new(),
        denominator_items: Vec::new(),
        to_act: Vec::new(),
        gain_per_item: None,
    }
}

fn finish(rule: &IndicatorRule, c: Count) -> IndicatorResult {
    let mut r = row(rule, c.kind);
    r.computed = true;
    r.numerator = Some(c.numerator);
    r.denominator = Some(c.denominator);
    if c.denominator == 0 {
        r.explanation = format!(
            "{} — Mẫu số bằng 0 trong kỳ: không tính (N/A), không suy đoán.",
            rule.rule_vi
        );
    } else {
        let ratio = if c.average {
            round2(c.numerator / c.denominator as f64)
        } else {
            round2(c.numerator * 100.0 / c.denominator as f64)
        };
        r.ratio = Some(ratio);
        if rule.max_points > 0.0 && !c.average {
            r.points = Some(points_of(ratio, rule.max_points, rule.threshold));
            let below = rule.threshold.is_none_or(|t| ratio < t);
            r.gain_per_item = Some(if below {
                round2(
                    rule.max_points * 100.0
                        / rule.threshold.unwrap_or(100.0)
                        / c.denominator as f64,
                )
            } else {
                0.0
            });
        }
    }
    r.numerator_items = c.num_items;
    r.denominator_items = c.den_items;
    r.to_act = c.to_act;
    r
}

/// Computes every indicator of `rules` for `period` at `level` from
/// `facts`, as of `now` (the earlier of `now` and the period's end is when
/// open dossiers are judged).
pub fn compute(
    rules: &RuleSet,
    facts: &FactSet,
    period: Period,
    level: Level,
    now: DateTime<Utc>,
) -> IndexReport {
    let (from, to) = period.bounds();
    let as_of = now.min(to - chrono::TimeDelta::nanoseconds(1));
    let ctx = Ctx {
        facts,
        from,
        to,
        as_of,
        verdicts: facts
            .dossiers
            .iter()
            .map(|d| {
                if d.received_at.is_some_and(|r| r < to) {
                    d.on_time(as_of)
                } else {
                    OnTimeVerdict::NotReceived
                }
            })
            .collect(),
    };
    let mut indicators = Vec::with_capacity(rules.indicators.len());
    for rule in &rules.indicators {
        let kind = match rule.method {
            Method::ProceduresPaidOnline => ItemKind::Procedure,
            Method::FeedbackClassified | Method::FeedbackOnTime | Method::FeedbackSatisfaction => {
                ItemKind::Feedback
            }
            _ => ItemKind::Dossier,
        };
        if level == Level::Commune && !rule.commune {
            let mut r = row(rule, kind);
            r.computed = true;
            r.applicable = false;
            if rule.max_points > 0.0 {
                r.points = Some(rule.max_points);
            }
            r.explanation = format!(
                "Không áp dụng cho cấp xã: xã được tính đủ {} điểm (QĐ 766, cấp xã). / Not applicable to a commune: full points.",
                rule.max_points
            );
            indicators.push(r);
            continue;
        }
        let count = match rule.method {
            Method::NotComputed => None,
            Method::OnTime => Some(ctx.on_time()),
            Method::AverageDays => Some(ctx.average_days()),
            Method::OnlineShare => Some(ctx.received_where(|d| d.online)),
            Method::Digitised => Some(ctx.received_where(|d| d.digitised)),
            Method::Reused => Some(ctx.received_where(|d| d.reused)),
            Method::CitizenDataStore => Some(ctx.received_where(|d| d.citizen_data_store)),
            Method::PopulationData => Some(ctx.received_where(|d| d.population_data)),
            Method::DossiersPaidOnline => facts
                .payments
                .as_deref()
                .map(|p| ctx.dossiers_paid_online(p)),
            Method::ProceduresPaidOnline => facts
                .payments
                .as_deref()
                .map(|p| ctx.procedures_paid_online(p)),
            Method::ElectronicResults => facts
                .electronic_results
                .as_deref()
                .map(|r| ctx.electronic_results(r)),
            Method::FeedbackClassified => facts
                .feedback
                .as_deref()
                .map(|f| ctx.feedback_where(f, |f| f.classified)),
            Method::FeedbackOnTime => facts
                .feedback
                .as_deref()
                .map(|f| ctx.feedback_where(f, |f| ctx.feedback_on_time(f))),
            Method::FeedbackSatisfaction => facts.feedback.as_deref().map(|f| {
                ctx.feedback_where(f, |f| {
                    !f.disliked && !f.follow_up && ctx.feedback_on_time(f)
                })
            }),
            Method::DossierSatisfaction => facts
                .feedback
                .as_deref()
                .map(|f| ctx.dossier_satisfaction(f)),
        };
        indicators.push(match count {
            Some(c) => finish(rule, c),
            None => {
                let mut r = row(rule, kind);
                r.explanation = match rule.method {
                    Method::NotComputed => format!(
                        "Không tính được: {} — {}",
                        rule.reason_vi.as_deref().unwrap_or_default(),
                        rule.rule_vi
                    ),
                    m => format!(
                        "{NOT_CONNECTED} ({}): không tính, không coi là 0. — {}",
                        source_name(m.source()),
                        rule.rule_vi
                    ),
                };
                r
            }
        });
    }
    let scored = indicators.iter().filter(|i| i.points.is_some());
    let total = round2(scored.clone().filter_map(|i| i.points).sum());
    let max_total = round2(scored.map(|i| i.max_points).sum());
    IndexReport {
        rule_set: rules.rule_set.id.clone(),
        period,
        level,
        total,
        max_total,
        rule_max_total: rules.max_total(),
        indicators,
    }
}

/// One unit's line in a ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct RankLine {
    /// 1-based rank (equal scores share a rank).
    pub rank: usize,
    /// The unit's code.
    pub unit: String,
    /// Its report.
    pub report: IndexReport,
}

/// Ranks units by `score_percent`, highest first; units with nothing scored
/// come last; ties share a rank and are ordered by code.
pub fn rank(reports: Vec<(String, IndexReport)>) -> Vec<RankLine> {
    let mut list = reports;
    list.sort_by(|(ua, a), (ub, b)| {
        let key = |r: &IndexReport| r.score_percent().unwrap_or(-1.0);
        key(b)
            .partial_cmp(&key(a))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| ua.cmp(ub))
    });
    let mut out: Vec<RankLine> = Vec::with_capacity(list.len());
    for (i, (unit, report)) in list.into_iter().enumerate() {
        let rank = match out.last() {
            Some(prev) if prev.report.score_percent() == report.score_percent() => prev.rank,
            _ => i + 1,
        };
        out.push(RankLine { rank, unit, report });
    }
    out
}

/// Groups a province's dossier facts by unit code (for rankings).
pub fn units_of(facts: &FactSet) -> BTreeSet<String> {
    facts.dossiers.iter().map(|d| d.unit_code.clone()).collect()
}

/// The dossier facts by code (for drill-down pages).
pub fn by_code(facts: &FactSet) -> HashMap<&str, &DossierFact> {
    facts
        .dossiers
        .iter()
        .map(|d| (d.code.as_str(), d))
        .collect()
}
