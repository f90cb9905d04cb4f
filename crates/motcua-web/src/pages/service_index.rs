//! The Decision 766 service index as pages (issue 15 item 3):
//!
//! * `GET /can-bo/chi-so-766?ky=YYYY-MM&don-vi=CODE`: the leader's page —
//!   the unit's score (total / maximum), every indicator with numerator,
//!   denominator, ratio, points and maximum (or why it is not computed),
//!   the 12-month trend as a server-drawn SVG with a data table, the
//!   ranking of the subtree's communes, and per indicator the dossiers to
//!   act on now (links to their pages). `Capability::ViewServiceIndex`
//!   through the one policy, the unit in the officer's scope.
//! * `GET /can-bo/chi-so-766.xlsx?ky=&don-vi=` and `.pdf`: the monthly
//!   report as a spreadsheet and as an A4 sheet (unit, period, one row per
//!   indicator, the communes ranked).
//! * `GET /chi-so-766/{province}?ky=`: public, per province — its score and
//!   the ranking of its communes; no dossier codes, no personal data;
//!   `Cache-Control: public`.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use motcua_app::AppError;
use motcua_app::policy::{Capability, home_root, roles_for};
use motcua_app::service_index::{ServiceIndexService, Subtree, TrendPoint, UnitIndex};
use motcua_domain::format::{percent_with, thousands};
use motcua_domain::identity::Scope;
use motcua_domain::service_index::engine::{IndicatorResult, ItemKind};
use motcua_domain::service_index::{IndexReport, Level, Period};
use serde::Deserialize;

use super::desk::DeskOfficer;
use super::desk::view::DeskNav;
use crate::AppState;
use crate::auth::Officer;
use crate::i18n::{Locale, Messages};
use crate::policy::{page_refusal, page_require, policy};
use crate::problem::Problem;

/// Width of the trend chart (user units).
pub const WIDTH: u32 = 720;
/// Height of the trend chart.
pub const HEIGHT: u32 = 240;
const LEFT: u32 = 40;
const RIGHT: u32 = 16;
const TOP: u32 = 16;
const BOTTOM: u32 = 28;
/// Months of the trend.
const TREND_MONTHS: u32 = 12;
/// Items to act on shown per indicator.
const TO_ACT_SHOWN: usize = 10;
/// `Cache-Control` of the public page: aggregates only, a few minutes old
/// at most.
pub const PUBLIC_INDEX: &str = "public, max-age=300";

/// `?ky=YYYY-MM&don-vi=CODE`.
#[derive(Debug, Default, Deserialize)]
pub struct IndexQuery {
    /// The period (`YYYY-MM`, `YYYY-Qn`, `YYYY`, `YYYY-MM-BC`).
    pub ky: Option<String>,
    /// The unit (default: the officer's).
    #[serde(rename = "don-vi")]
    pub don_vi: Option<String>,
}

/// A number with two decimals, Vietnamese style (`82,35`, `1.234,50`) or
/// English (`82.35`, `1,234.50`).
pub fn decimal(x: f64, locale: Locale) -> String {
    let (group, point) = match locale {
        Locale::Vi => ('.', ','),
        Locale::En => (',', '.'),
    };
    let negative = x < 0.0;
    let cents = (x.abs() * 100.0).round();
    let whole = (cents / 100.0).trunc();
    let frac = cents - whole * 100.0;
    // Scores and counts stay far below u64::MAX.
    let whole = if whole.is_finite() && whole < 1.8e19 {
        whole as u64
    } else {
        0
    };
    let frac = if frac.is_finite() { frac as u64 } else { 0 };
    format!(
        "{}{}{point}{frac:02}",
        if negative { "-" } else { "" },
        thousands(whole, group)
    )
}

/// A count (`50.000`), or a decimal when it has a fraction (2.2's days).
pub fn count(x: f64, locale: Locale) -> String {
    if x.fract() == 0.0 && (0.0..1.8e19).contains(&x) {
        let sep = if locale == Locale::Vi { '.' } else { ',' };
        thousands(x as u64, sep)
    } else {
        decimal(x, locale)
    }
}

/// An item to act on, with its page.
pub struct ActItem {
    /// Dossier code, procedure code or feedback id.
    pub label: String,
    /// Its officer page.
    pub href: String,
}

/// One indicator row.
pub struct IndicatorLine {
    /// "2.1".
    pub id: String,
    /// Group.
    pub group: String,
    /// Name in the page's language.
    pub name: String,
    /// Numerator (empty when not computed).
    pub numerator: String,
    /// Denominator.
    pub denominator: String,
    /// Ratio, `N/A` on a zero denominator.
    pub ratio: String,
    /// Points.
    pub points: String,
    /// Maximum.
    pub max_points: String,
    /// Threshold.
    pub threshold: String,
    /// Computed by motcua.
    pub computed: bool,
    /// Applies at this level.
    pub applicable: bool,
    /// The rule and what happened (or why not computed).
    pub explanation: String,
    /// Points one more item would add.
    pub gain: String,
    /// Open items to act on now.
    pub to_act: Vec<ActItem>,
    /// How many there are in all.
    pub to_act_total: usize,
    /// Gain if all of them were handled (for ordering).
    pub potential: f64,
}

/// One commune of the ranking.
pub struct RankRow {
    /// Rank.
    pub rank: usize,
    /// Code.
    pub unit: String,
    /// Name.
    pub name: String,
    /// `total / max`.
    pub score: String,
    /// Percent.
    pub percent: String,
}

/// One bar of the trend.
pub struct TrendBar {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub w: u32,
    /// Height.
    pub h: u32,
    /// Centre (label).
    pub label_x: u32,
    /// `MM/YY`.
    pub label: String,
    /// The value in words.
    pub value: String,
}

/// One row of the trend's table.
pub struct TrendRow {
    /// Period (`MM/YYYY`).
    pub period: String,
    /// `total / max`.
    pub score: String,
    /// Percent.
    pub percent: String,
}

/// The trend chart.
pub struct TrendChart {
    /// Bars.
    pub bars: Vec<TrendBar>,
    /// Bottom of the plot.
    pub base_y: u32,
    /// Top of the plot.
    pub top_y: u32,
    /// Left of the plot.
    pub left_x: u32,
    /// Right of the plot.
    pub right_x: u32,
    /// Mid (50 %) line.
    pub mid_y: u32,
}

fn month_label(p: Period) -> String {
    let (_, last) = p.days();
    last.format("%m/%Y").to_string()
}

/// Lays out the trend: one bar per month, its height the score in percent.
pub fn trend_chart(points: &[TrendPoint], t: &Messages) -> TrendChart {
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let base_y = TOP + plot_h;
    let n = u32::try_from(points.len().max(1)).unwrap_or(1);
    let slot = plot_w / n;
    let w = (slot * 6 / 10).max(2);
    let bars = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let i = u32::try_from(i).unwrap_or(0);
            let x = LEFT + i * slot + (slot - w) / 2;
            let pct = p.percent.unwrap_or(0.0).clamp(0.0, 100.0);
            let h = (pct * f64::from(plot_h) / 100.0).round() as u32;
            let (_, last) = p.period.days();
            TrendBar {
                x,
                y: base_y - h.min(plot_h),
                w,
                h: h.min(plot_h),
                label_x: x + w / 2,
                label: last.format("%m/%y").to_string(),
                value: percent(p.percent, t),
            }
        })
        .collect();
    TrendChart {
        bars,
        base_y,
        top_y: TOP,
        left_x: LEFT,
        right_x: WIDTH - RIGHT,
        mid_y: TOP + plot_h / 2,
    }
}

fn item_href(kind: ItemKind, item: &str) -> String {
    match kind {
        ItemKind::Dossier => format!("/can-bo/ho-so/{item}"),
        ItemKind::Procedure => format!("/thu-tuc/{item}"),
        ItemKind::Feedback => format!("/can-bo/phan-anh/{item}"),
    }
}

/// An indicator row; the items to act on only when `with_items`.
pub fn indicator_line(i: &IndicatorResult, t: &Messages, with_items: bool) -> IndicatorLine {
    let l = t.locale;
    let none = String::new;
    let gain = i.gain_per_item.unwrap_or(0.0);
    IndicatorLine {
        id: i.id.clone(),
        group: i.group.clone(),
        name: match l {
            Locale::Vi => i.name_vi.clone(),
            Locale::En => i.name_en.clone(),
        },
        numerator: i.numerator.map_or_else(none, |n| count(n, l)),
        denominator: i.denominator.map_or_else(none, |d| count(d as f64, l)),
        ratio: match (i.computed, i.ratio) {
            (_, Some(r)) => decimal(r, l),
            (true, None) if i.applicable => "N/A".to_owned(),
            _ => String::new(),
        },
        points: i.points.map_or_else(none, |p| decimal(p, l)),
        max_points: decimal(i.max_points, l),
        threshold: i.threshold.map_or_else(none, |x| percent_of(x, l)),
        computed: i.computed,
        applicable: i.applicable,
        explanation: i.explanation.clone(),
        gain: if gain > 0.0 {
            decimal(gain, l)
        } else {
            String::new()
        },
        to_act: if with_items {
            i.to_act
                .iter()
                .take(TO_ACT_SHOWN)
                .map(|c| ActItem {
                    label: c.clone(),
                    href: item_href(i.item_kind, c),
                })
                .collect()
        } else {
            Vec::new()
        },
        to_act_total: if with_items { i.to_act.len() } else { 0 },
        potential: gain * i.to_act.len() as f64,
    }
}

fn score(r: &IndexReport, l: Locale) -> String {
    format!("{} / {}", decimal(r.total, l), decimal(r.max_total, l))
}

/// A score in percent (`82.35`) as `82,35 %` (or the "not scored" text).
fn percent(p: Option<f64>, t: &Messages) -> String {
    p.map_or_else(|| t.get("si-not-scored"), |v| percent_of(v, t.locale))
}

/// A value already in percent (`82.35`), two decimals: `82,35 %` /
/// `82.35 %` (the one rule, `motcua_domain::format::percent_with`).
fn percent_of(v: f64, l: Locale) -> String {
    percent_with(v / 100.0, 2, l.decimal_point())
}

/// The ranking rows.
pub fn rank_rows(index: &UnitIndex, t: &Messages) -> Vec<RankRow> {
    index
        .ranking
        .iter()
        .map(|r| RankRow {
            rank: r.rank,
            unit: r.unit.clone(),
            name: index.subtree.name_of(&r.unit),
            score: score(&r.report, t.locale),
            percent: percent(r.report.score_percent(), t),
        })
        .collect()
}

/// `templates/pages/desk/service_index.html`.
#[derive(Template)]
#[template(path = "pages/desk/service_index.html")]
pub struct LeaderIndexPage {
    /// Messages.
    pub t: Messages,
    /// Navigation.
    pub nav: DeskNav,
    /// The period as typed (refilled).
    pub ky: String,
    /// The unit code.
    pub unit: String,
    /// The unit's name.
    pub unit_name: String,
    /// The period in words.
    pub period_label: String,
    /// The rule set.
    pub rule_set: String,
    /// `total / max`.
    pub score: String,
    /// Percent.
    pub percent: String,
    /// Whether a report was computed.
    pub has_report: bool,
    /// Indicator rows.
    pub indicators: Vec<IndicatorLine>,
    /// The indicators with items to act on, most points to gain first.
    pub actions: Vec<IndicatorLine>,
    /// Communes ranked.
    pub ranking: Vec<RankRow>,
    /// Trend chart.
    pub chart: TrendChart,
    /// Trend table.
    pub trend: Vec<TrendRow>,
    /// Chart description.
    pub chart_desc: String,
    /// Chart width.
    pub width: u32,
    /// Chart height.
    pub height: u32,
    /// The export's link.
    pub xlsx_href: String,
    /// The PDF's link.
    pub pdf_href: String,
    /// An inline error.
    pub error: Option<String>,
}

fn nav(officer: &Officer) -> DeskNav {
    DeskNav::of(officer, "leader")
}

fn query(q: Result<Query<IndexQuery>, QueryRejection>) -> IndexQuery {
    q.map(|Query(q)| q).unwrap_or_default()
}

fn trimmed(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(32).collect())
}

/// The officer's own unit for the index: a unit-scoped role of the
/// capability, else the unit of the agency its role is scoped to.
async fn own_unit(state: &AppState, officer: &Officer) -> Option<String> {
    let wanted = roles_for(Capability::ViewServiceIndex);
    if let Some(u) = officer.roles.iter().find_map(|r| match &r.scope {
        Scope::Unit(u) if wanted.contains(&r.role) => Some(u.clone()),
        _ => None,
    }) {
        return Some(u);
    }
    let root = home_root(
        &officer.roles,
        Capability::ViewServiceIndex,
        &officer.agency,
    )
    .ok()?;
    state
        .agencies
        .get(root.as_str())
        .await
        .ok()
        .map(|a| a.unit_code)
}

/// The status of an application error on a page.
fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Invalid(_) => StatusCode::BAD_REQUEST,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Unexpected(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

fn error_words(t: &Messages, e: &AppError) -> String {
    match e {
        AppError::Unexpected(err) => {
            tracing::error!(error = %err, "766 index page failed");
            t.get("si-unavailable")
        }
        other => other.to_string(),
    }
}

/// The month the trend ends with: the period's last month.
fn last_month(p: Period) -> Period {
    match p {
        Period::Month { .. } => p,
        _ => {
            let (_, last) = p.days();
            let s = last.format("%Y-%m").to_string();
            Period::parse(&s).unwrap_or(p)
        }
    }
}

/// Where the leader page ended: the unit's index and trend, or a refusal.
struct Computed {
    index: UnitIndex,
    trend: Vec<TrendPoint>,
}

/// Why the leader page stopped early.
enum Stop {
    /// The policy refused: its page.
    Refused(Box<Response>),
    /// The input or the read failed (the unit asked for, if known).
    Failed(String, AppError),
}

/// Resolves the officer, period and unit (the policy first), then reads.
async fn compute_for(
    state: &AppState,
    t: Messages,
    officer: &Officer,
    q: &IndexQuery,
    with_trend: bool,
) -> Result<(Period, Computed), Stop> {
    page_require(t, officer, Capability::ViewServiceIndex)
        .map_err(|r| Stop::Refused(Box::new(r)))?;
    let failed = |unit: &str| {
        let unit = unit.to_owned();
        move |e: AppError| Stop::Failed(unit, e)
    };
    let service =
        ServiceIndexService::new(state.store.clone(), state.clock.clone()).map_err(failed(""))?;
    let period = match trimmed(q.ky.as_deref()) {
        Some(p) => ServiceIndexService::period(&p).map_err(failed(""))?,
        None => Period::month_of(state.clock.now()),
    };
    let unit = match trimmed(q.don_vi.as_deref()) {
        Some(u) => u,
        None => own_unit(state, officer)
            .await
            .ok_or_else(|| Stop::Failed(String::new(), AppError::Invalid(t.get("si-no-unit"))))?,
    };
    // The unit exists (400/404) before the scope is asked (403).
    let subtree: Subtree = service.subtree(&unit).await.map_err(failed(&unit))?;
    policy(state)
        .in_unit(&officer.roles, Capability::ViewServiceIndex, &unit)
        .await
        .map_err(|d| Stop::Refused(Box::new(page_refusal(t, officer, d))))?;
    let index = service
        .index(&unit, period, None, true)
        .await
        .map_err(failed(&unit))?;
    let trend = if with_trend {
        service
            .trend(&subtree, last_month(period), TREND_MONTHS)
            .await
            .map_err(failed(&unit))?
    } else {
        Vec::new()
    };
    Ok((period, Computed { index, trend }))
}

fn no_store(res: &mut Response) {
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
}

/// `GET /can-bo/chi-so-766`: the leader's index page.
pub async fn leader_page(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    q: Result<Query<IndexQuery>, QueryRejection>,
) -> Response {
    let q = query(q);
    let mut page = LeaderIndexPage {
        t,
        nav: nav(&officer),
        ky: trimmed(q.ky.as_deref()).unwrap_or_default(),
        unit: String::new(),
        unit_name: String::new(),
        period_label: String::new(),
        rule_set: String::new(),
        score: String::new(),
        percent: String::new(),
        has_report: false,
        indicators: Vec::new(),
        actions: Vec::new(),
        ranking: Vec::new(),
        chart: trend_chart(&[], &t),
        trend: Vec::new(),
        chart_desc: String::new(),
        width: WIDTH,
        height: HEIGHT,
        xlsx_href: String::new(),
        pdf_href: String::new(),
        error: None,
    };
    let (period, c) = match compute_for(&state, t, &officer, &q, true).await {
        Ok(done) => done,
        Err(Stop::Refused(refused)) => return *refused,
        Err(Stop::Failed(unit, e)) => {
            page.unit = unit;
            page.error = Some(error_words(&t, &e));
            let mut res = super::render(t, &page);
            *res.status_mut() = status_of(&e);
            no_store(&mut res);
            return res;
        }
    };
    let r = &c.index.report;
    page.has_report = true;
    page.ky = period.to_string();
    page.unit = c.index.subtree.unit.code.as_str().to_owned();
    page.unit_name = c.index.subtree.unit.name.clone();
    page.period_label = period_words(period, &t);
    page.rule_set = r.rule_set.clone();
    page.score = score(r, t.locale);
    page.percent = percent(r.score_percent(), &t);
    page.indicators = r
        .indicators
        .iter()
        .map(|i| indicator_line(i, &t, true))
        .collect();
    let mut actions: Vec<IndicatorLine> = r
        .indicators
        .iter()
        .filter(|i| !i.to_act.is_empty())
        .map(|i| indicator_line(i, &t, true))
        .collect();
    actions.sort_by(|a, b| {
        b.potential
            .partial_cmp(&a.potential)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.id.cmp(&b.id))
    });
    page.actions = actions;
    page.ranking = rank_rows(&c.index, &t);
    page.chart = trend_chart(&c.trend, &t);
    page.trend = c
        .trend
        .iter()
        .map(|p| TrendRow {
            period: month_label(p.period),
            score: format!(
                "{} / {}",
                decimal(p.total, t.locale),
                decimal(p.max_total, t.locale)
            ),
            percent: percent(p.percent, &t),
        })
        .collect();
    page.chart_desc = t.with_args(
        "si-trend-desc",
        &[
            ("months", &c.trend.len().to_string()),
            ("unit", &page.unit_name),
            (
                "last",
                &c.trend
                    .last()
                    .map_or_else(|| t.get("si-not-scored"), |p| percent(p.percent, &t)),
            ),
        ],
    );
    page.xlsx_href = format!(
        "/can-bo/chi-so-766.xlsx?ky={}&don-vi={}",
        page.ky, page.unit
    );
    page.pdf_href = format!("/can-bo/chi-so-766.pdf?ky={}&don-vi={}", page.ky, page.unit);
    let mut res = super::render(t, &page);
    no_store(&mut res);
    res
}

fn period_words(p: Period, t: &Messages) -> String {
    let (first, last) = p.days();
    t.with_args(
        "si-period-words",
        &[
            ("period", &p.to_string()),
            ("from", &motcua_domain::format::date(first)),
            ("to", &motcua_domain::format::date(last)),
        ],
    )
}

/// `GET /can-bo/chi-so-766.xlsx`: the monthly report as a spreadsheet.
pub async fn leader_xlsx(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    q: Result<Query<IndexQuery>, QueryRejection>,
) -> Response {
    let q = query(q);
    let (period, c) = match compute_for(&state, t, &officer, &q, false).await {
        Ok(done) => done,
        Err(Stop::Refused(refused)) => return *refused,
        Err(Stop::Failed(_, e)) => {
            let mut res = crate::problem::html_page(t, &Problem::from(e));
            no_store(&mut res);
            return res;
        }
    };
    match workbook(&c.index, period, &t) {
        Ok(bytes) => crate::xlsx_export::download(
            bytes,
            &format!(
                "chi-so-766-{}-{}.xlsx",
                c.index.subtree.unit.code.as_str(),
                period
            ),
        ),
        Err(e) => {
            tracing::error!(error = %e, "766 XLSX failed");
            let mut res = crate::problem::html_page(
                t,
                &Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    t.get("si-unavailable"),
                ),
            );
            no_store(&mut res);
            res
        }
    }
}

/// `GET /can-bo/chi-so-766.pdf`: the monthly report as an A4 PDF.
pub async fn leader_pdf(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    q: Result<Query<IndexQuery>, QueryRejection>,
) -> Response {
    let q = query(q);
    let (period, c) = match compute_for(&state, t, &officer, &q, false).await {
        Ok(done) => done,
        Err(Stop::Refused(refused)) => return *refused,
        Err(Stop::Failed(_, e)) => {
            let mut res = crate::problem::html_page(t, &Problem::from(e));
            no_store(&mut res);
            return res;
        }
    };
    let agency = super::desk::view::agency_name(&state, officer.agency.as_str()).await;
    let doc = sheet(&c.index, period, &t, agency, officer.name.clone());
    super::forms::pdf_response(
        t,
        &doc,
        &format!(
            "chi-so-766-{}-{}.pdf",
            c.index.subtree.unit.code.as_str(),
            period
        ),
    )
}

/// The report as an A4 sheet: the unit, the period, the score, one row per
/// indicator, the communes ranked, the head of the unit's signature.
pub fn sheet(
    index: &UnitIndex,
    period: Period,
    t: &Messages,
    agency: String,
    signer: String,
) -> super::receipt_pdf::Sheet {
    use super::receipt::Field;
    use super::receipt_pdf::{Block, Sheet, Signer};
    let r = &index.report;
    let l = t.locale;
    let mut blocks = vec![Block::Fields(vec![
        Field {
            label: t.get("si-score"),
            value: score(r, l),
        },
        Field {
            label: t.get("si-percent"),
            value: percent(r.score_percent(), t),
        },
        Field {
            label: t.get("si-rule-set"),
            value: r.rule_set.clone(),
        },
    ])];
    blocks.push(Block::Heading(t.get("si-indicators")));
    blocks.push(Block::Table {
        columns: [
            "si-col-id",
            "si-col-name",
            "si-col-numerator",
            "si-col-denominator",
            "si-col-ratio",
            "si-col-points",
            "si-col-max",
        ]
        .iter()
        .map(|k| t.get(k))
        .collect(),
        widths: vec![30.0, 200.0, 48.0, 48.0, 48.0, 40.0, 40.0],
        rows: r
            .indicators
            .iter()
            .map(|i| {
                let line = indicator_line(i, t, false);
                let name = if line.computed {
                    line.name
                } else {
                    format!("{} ({})", line.name, t.get("si-not-computed"))
                };
                vec![
                    line.id,
                    name,
                    line.numerator,
                    line.denominator,
                    line.ratio,
                    line.points,
                    line.max_points,
                ]
            })
            .collect(),
    });
    if !index.ranking.is_empty() {
        blocks.push(Block::Heading(t.get("si-ranking")));
        blocks.push(Block::Table {
            columns: ["si-col-rank", "si-col-name", "si-score", "si-percent"]
                .iter()
                .map(|k| t.get(k))
                .collect(),
            widths: vec![30.0, 200.0, 100.0, 80.0],
            rows: rank_rows(index, t)
                .into_iter()
                .map(|x| vec![x.rank.to_string(), x.name, x.score, x.percent])
                .collect(),
        });
    }
    Sheet {
        agency,
        nation: t.get("receipt-nation"),
        motto: t.get("receipt-motto"),
        form: String::new(),
        title: t.get("si-xlsx-title"),
        subtitles: vec![
            format!(
                "{}: {} ({})",
                t.get("si-unit"),
                index.subtree.unit.name,
                index.subtree.unit.code.as_str()
            ),
            period_words(period, t),
        ],
        blocks,
        signers: vec![Signer {
            title: t.get("si-pdf-sign"),
            note: t.get("form-sign-note"),
            name: signer,
        }],
        page_title: format!("{} {}", t.get("si-xlsx-title"), period),
        lang: l.tag(),
    }
}

/// The report's workbook: a title block (unit, period, rule set, score),
/// then one row per indicator, then the communes ranked.
pub fn workbook(
    index: &UnitIndex,
    period: Period,
    t: &Messages,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let r = &index.report;
    let l = t.locale;
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = book.add_worksheet();
    ws.set_name("Chi so 766")?;
    ws.write_string_with_format(0, 0, t.get("si-xlsx-title"), &bold)?;
    let head: [(String, String); 5] = [
        (
            t.get("si-unit"),
            format!(
                "{} ({})",
                index.subtree.unit.name,
                index.subtree.unit.code.as_str()
            ),
        ),
        (t.get("si-period"), period_words(period, t)),
        (t.get("si-rule-set"), r.rule_set.clone()),
        (t.get("si-score"), score(r, l)),
        (t.get("si-percent"), percent(r.score_percent(), t)),
    ];
    for (n, (k, v)) in head.iter().enumerate() {
        let row = u32::try_from(n + 1).unwrap_or(0);
        ws.write_string_with_format(row, 0, k, &bold)?;
        ws.write_string(row, 1, v)?;
    }
    let columns = [
        "si-col-id",
        "si-col-group",
        "si-col-name",
        "si-col-numerator",
        "si-col-denominator",
        "si-col-ratio",
        "si-col-points",
        "si-col-max",
        "si-col-threshold",
        "si-col-computed",
        "si-col-explanation",
    ];
    let header_row = 7;
    for (c, k) in columns.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(0);
        ws.write_string_with_format(header_row, c, t.get(k), &bold)?;
        ws.set_column_width(c, if c == 2 || c == 10 { 48 } else { 14 })?;
    }
    let mut row = header_row + 1;
    for i in &r.indicators {
        let line = indicator_line(i, t, false);
        let cells = [
            line.id,
            line.group,
            line.name,
            line.numerator,
            line.denominator,
            line.ratio,
            line.points,
            line.max_points,
            line.threshold,
            t.get(if line.computed { "si-yes" } else { "si-no" }),
            line.explanation,
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(row, u16::try_from(c).unwrap_or(0), v)?;
        }
        row += 1;
    }
    if !index.ranking.is_empty() {
        row += 1;
        ws.write_string_with_format(row, 0, t.get("si-ranking"), &bold)?;
        row += 1;
        for (c, k) in ["si-col-rank", "si-col-unit", "si-col-name", "si-score"]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(row, u16::try_from(c).unwrap_or(0), t.get(k), &bold)?;
        }
        for line in rank_rows(index, t) {
            row += 1;
            ws.write_string(row, 0, line.rank.to_string())?;
            ws.write_string(row, 1, &line.unit)?;
            ws.write_string(row, 2, &line.name)?;
            ws.write_string(row, 3, format!("{} ({})", line.score, line.percent))?;
        }
    }
    book.save_to_buffer()
}

/// `templates/pages/service_index_public.html`.
#[derive(Template)]
#[template(path = "pages/service_index_public.html")]
pub struct PublicIndexPage {
    /// Messages.
    pub t: Messages,
    /// The province code.
    pub unit: String,
    /// Its name.
    pub unit_name: String,
    /// The period as given back.
    pub ky: String,
    /// The period in words.
    pub period_label: String,
    /// `total / max`.
    pub score: String,
    /// Percent.
    pub percent: String,
    /// Indicator rows (no items).
    pub indicators: Vec<IndicatorLine>,
    /// Communes ranked.
    pub ranking: Vec<RankRow>,
}

/// `GET /chi-so-766/{province}`: the public page of a province.
pub async fn public_page(
    State(state): State<AppState>,
    t: Messages,
    Path(province): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    q: Result<Query<IndexQuery>, QueryRejection>,
) -> Response {
    let q = query(q);
    let fail = |e: AppError| {
        let mut res = crate::problem::html_page(t, &Problem::from(e));
        no_store(&mut res);
        res
    };
    let service = match ServiceIndexService::new(state.store.clone(), state.clock.clone()) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    // The last whole month by default: what a national portal publishes.
    let period = match trimmed(q.ky.as_deref()) {
        Some(p) => match ServiceIndexService::period(&p) {
            Ok(p) => p,
            Err(e) => return fail(e),
        },
        None => Period::month_of(state.clock.now()).back(1),
    };
    let subtree = match service.subtree(&province).await {
        Ok(s) if s.level() == Level::Province => s,
        Ok(_) => return fail(AppError::NotFound(t.get("si-not-province"))),
        Err(e) => return fail(e),
    };
    let index = match service
        .index(subtree.unit.code.as_str(), period, None, true)
        .await
    {
        Ok(i) => i,
        Err(e) => return fail(e),
    };
    let r = &index.report;
    let page = PublicIndexPage {
        t,
        unit: index.subtree.unit.code.as_str().to_owned(),
        unit_name: index.subtree.unit.name.clone(),
        ky: period.to_string(),
        period_label: period_words(period, &t),
        score: score(r, t.locale),
        percent: percent(r.score_percent(), &t),
        indicators: r
            .indicators
            .iter()
            .map(|i| indicator_line(i, &t, false))
            .collect(),
        ranking: rank_rows(&index, &t),
    };
    // A language switch sets a cookie: no shared cache may keep that one.
    let switching = raw.as_deref().is_some_and(|s| s.contains("lang="));
    if !switching {
        return tagged_public(&page, &headers);
    }
    let mut res = super::render(t, &page);
    let headers = res.headers_mut();
    if switching {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    } else {
        headers.remove(header::SET_COOKIE);
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(PUBLIC_INDEX),
        );
        headers.insert(
            header::VARY,
            HeaderValue::from_static("Accept-Encoding, Cookie"),
        );
    }
    res
}

/// The public page with a tag of its bytes (issue 21): the page depends
/// on the facts of the period, the reference data, the language and the
/// build, and a hash of what was rendered names exactly that. The tag is
/// weak (`W/`): the compression layer may encode the body, and weak
/// comparison is what `If-None-Match` uses. A match answers `304`.
fn tagged_public(page: &PublicIndexPage, request: &HeaderMap) -> Response {
    use axum::response::{Html, IntoResponse};
    let body = match page.render() {
        Ok(b) => b,
        Err(err) => {
            tracing::error!(error = %err, "template failed");
            return crate::problem::html_page(
                page.t,
                &Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Lỗi hiển thị trang / page rendering failed",
                ),
            );
        }
    };
    let base = format!(
        "\"i{:016x}\"",
        motcua_domain::stable_hash::fnv1a(body.as_bytes())
    );
    let tag = format!("W/{base}");
    let mut res = if crate::http_cache::not_modified(request, &base) {
        let mut res = Response::new(axum::body::Body::empty());
        *res.status_mut() = StatusCode::NOT_MODIFIED;
        res
    } else {
        Html(body).into_response()
    };
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&tag) {
        headers.insert(header::ETAG, v);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(PUBLIC_INDEX),
    );
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Encoding, Cookie"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_the_vietnamese_way() {
        assert_eq!(decimal(82.345_1, Locale::Vi), "82,35");
        assert_eq!(decimal(1234.5, Locale::Vi), "1.234,50");
        assert_eq!(decimal(1234.5, Locale::En), "1,234.50");
        assert_eq!(decimal(0.0, Locale::Vi), "0,00");
        assert_eq!(count(50_000.0, Locale::Vi), "50.000");
        assert_eq!(count(2.5, Locale::Vi), "2,50");
    }
}
