//! Khối lượng công việc (issue 17, item 2) on the desk:
//! `GET /can-bo/khoi-luong?unit=&period=`: measured from dossier events,
//! not asked: per field and per officer the dossiers handled, overdue by
//! field, the share of actions outside office hours and on weekends or
//! holidays; and a chart drawn by the server (SVG) of after-hours work week
//! by week, with its title, description and a table of the same figures
//! beside it. Leaders and administrators of the scope
//! ([`Capability::ViewWorkload`]).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use motcua_app::policy::Capability;
use motcua_app::staff::StaffError;
use motcua_app::workload::{WeekPoint, WorkloadReport};
use motcua_domain::staff::workload::ActionSplit;
use serde::Deserialize;

use super::DeskOfficer;
use super::encode_component;
use super::staff::{failure_page, field_name, field_names, nav, scope, tag_name, unit_names};
use super::view::DeskNav;
use crate::AppState;
use crate::auth::Officer;
use crate::i18n::Messages;
use crate::policy::page_require;

/// The workload page.
pub fn routes() -> Router<AppState> {
    Router::new().route("/can-bo/khoi-luong", get(page))
}

/// Width of the drawing area (user units).
pub const WIDTH: u32 = 720;
/// Height of the drawing area.
pub const HEIGHT: u32 = 240;
const LEFT: u32 = 40;
const RIGHT: u32 = 16;
const TOP: u32 = 16;
const BOTTOM: u32 = 28;

/// One week's stacked bar: after hours at the bottom, weekends and
/// holidays on top.
#[derive(Debug, Clone)]
pub struct WeekBar {
    /// Left edge.
    pub x: u32,
    /// Width.
    pub w: u32,
    /// Top of the after-hours part.
    pub after_y: u32,
    /// Height of the after-hours part.
    pub after_h: u32,
    /// Top of the weekend/holiday part.
    pub off_y: u32,
    /// Height of the weekend/holiday part.
    pub off_h: u32,
    /// The Monday, `dd/mm`.
    pub label: String,
    /// Show the label under it.
    pub labelled: bool,
    /// Where the label goes (centre).
    pub label_x: u32,
    /// After-hours actions.
    pub after: u64,
    /// Weekend/holiday actions.
    pub off: u64,
}

/// The chart's geometry.
#[derive(Debug, Clone)]
pub struct AfterHoursChart {
    /// Bars, oldest week first.
    pub bars: Vec<WeekBar>,
    /// Largest weekly total outside office hours (the axis).
    pub max: u64,
    /// Bottom of the plot.
    pub base_y: u32,
    /// Top of the plot.
    pub top_y: u32,
    /// Left of the plot.
    pub left_x: u32,
    /// Right of the plot.
    pub right_x: u32,
}

/// Lays out the after-hours chart of `weeks`.
pub fn layout(weeks: &[WeekPoint]) -> AfterHoursChart {
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let base_y = TOP + plot_h;
    let n = u32::try_from(weeks.len().max(1)).unwrap_or(1);
    let slot = plot_w / n;
    let w = (slot * 7 / 10).max(2);
    let max = weeks
        .iter()
        .map(|p| p.actions.after_hours + p.actions.non_working_day)
        .max()
        .unwrap_or(0)
        .max(1);
    let every = n.div_ceil(12).max(1);
    let scale = |v: u64| u32::try_from(v * u64::from(plot_h) / max).unwrap_or(plot_h);
    let bars = weeks
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let i = u32::try_from(i).unwrap_or(0);
            let x = LEFT + i * slot + (slot - w) / 2;
            let after = p.actions.after_hours;
            let off = p.actions.non_working_day;
            let after_h = scale(after);
            let total_h = scale(after + off);
            let off_h = total_h.saturating_sub(after_h);
            WeekBar {
                x,
                w,
                after_y: base_y - after_h,
                after_h,
                off_y: base_y - total_h,
                off_h,
                label: p.week.format("%d/%m").to_string(),
                labelled: i % every == 0 || i + 1 == n,
                label_x: x + w / 2,
                after,
                off,
            }
        })
        .collect();
    AfterHoursChart {
        bars,
        max,
        base_y,
        top_y: TOP,
        left_x: LEFT,
        right_x: WIDTH - RIGHT,
    }
}

/// A share, `12,5 %` in Vietnamese and `12.5 %` in English.
pub fn share(t: &Messages, part: u64, whole: u64) -> String {
    if whole == 0 {
        return "—".into();
    }
    motcua_domain::format::percent_with(part as f64 / whole as f64, 1, t.locale.decimal_point())
}

/// A row of the field table.
pub struct FieldLine {
    /// Unit name.
    pub unit: String,
    /// Field in words.
    pub field: String,
    /// Expertise tag in words.
    pub expertise: String,
    /// Dossiers submitted.
    pub dossiers: u64,
    /// Overdue.
    pub overdue: u64,
    /// Actions.
    pub actions: u64,
    /// Share after hours.
    pub after: String,
    /// Share on weekends and holidays.
    pub off: String,
}

/// A row of the officer table.
pub struct OfficerLine {
    /// Name (and position).
    pub name: String,
    /// Unit name.
    pub unit: String,
    /// Field in words.
    pub field: String,
    /// Dossiers handled.
    pub handled: u64,
    /// Actions.
    pub actions: u64,
    /// Share after hours.
    pub after: String,
    /// Share on weekends and holidays.
    pub off: String,
}

/// A row of the chart's table.
pub struct WeekLine {
    /// The Monday.
    pub week: String,
    /// Actions.
    pub actions: u64,
    /// After hours.
    pub after: u64,
    /// Weekends and holidays.
    pub off: u64,
    /// Share outside office hours.
    pub outside: String,
}

/// `templates/pages/desk/workload.html`.
#[derive(Template)]
#[template(path = "pages/desk/workload.html")]
pub struct WorkloadPage {
    /// Messages.
    pub t: Messages,
    /// Navigation.
    pub nav: DeskNav,
    /// The scope's agency.
    pub unit: String,
    /// `unit` for a link.
    pub unit_q: String,
    /// The period typed.
    pub period: String,
    /// The period in words.
    pub period_words: String,
    /// Totals: actions, in office, after hours, weekends and holidays.
    pub totals: ActionSplit,
    /// Share after hours.
    pub after_share: String,
    /// Share on weekends and holidays.
    pub off_share: String,
    /// Share outside office hours.
    pub outside_share: String,
    /// By field.
    pub fields: Vec<FieldLine>,
    /// By officer.
    pub officers: Vec<OfficerLine>,
    /// The chart.
    pub chart: AfterHoursChart,
    /// Its table.
    pub weeks: Vec<WeekLine>,
    /// Chart width.
    pub width: u32,
    /// Chart height.
    pub height: u32,
    /// The chart's description.
    pub chart_desc: String,
    /// An inline error (a bad period).
    pub error: Option<String>,
    /// "The first N lines" when a table was cut.
    pub fields_cut: Option<String>,
    /// The same for the officer table.
    pub officers_cut: Option<String>,
}

/// The page's query.
#[derive(Debug, Default, Deserialize)]
pub struct WorkloadQuery {
    /// The agency whose subtree (default: the officer's).
    pub unit: Option<String>,
    /// `YYYY-MM`, `YYYY` or empty (the last 90 days).
    pub period: Option<String>,
}

/// Most officer lines shown.
const MAX_OFFICER_LINES: usize = 200;

/// Most field lines shown (a province: about a hundred communes × fields).
const MAX_FIELD_LINES: usize = 500;

fn empty_page(t: Messages, officer: &Officer, unit: &str, period: &str) -> WorkloadPage {
    WorkloadPage {
        t,
        nav: nav(officer, "workload"),
        unit: unit.to_owned(),
        unit_q: encode_component(unit),
        period: period.to_owned(),
        period_words: String::new(),
        totals: ActionSplit::default(),
        after_share: "—".into(),
        off_share: "—".into(),
        outside_share: "—".into(),
        fields: Vec::new(),
        officers: Vec::new(),
        chart: layout(&[]),
        weeks: Vec::new(),
        width: WIDTH,
        height: HEIGHT,
        chart_desc: String::new(),
        error: None,
        fields_cut: None,
        officers_cut: None,
    }
}

/// `GET /can-bo/khoi-luong`.
pub async fn page(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    Query(q): Query<WorkloadQuery>,
) -> Response {
    if let Err(r) = page_require(t, &officer, Capability::ViewWorkload) {
        return r;
    }
    let unit = scope(&officer, q.unit.as_deref());
    let period = q.period.unwrap_or_default().trim().to_owned();
    let mut page = empty_page(t, &officer, &unit, &period);
    let report = match state
        .workload
        .workload(&officer.roles, &unit, Some(period.as_str()))
        .await
    {
        Ok(r) => r,
        Err(StaffError::Invalid(m)) => {
            page.error = Some(t.pick(&m));
            let mut response = crate::pages::render(t, &page);
            *response.status_mut() = StatusCode::BAD_REQUEST;
            return response;
        }
        Err(e) => return failure_page(t, &officer, e),
    };
    fill(&state, t, &mut page, &report).await;
    crate::pages::render(t, &page)
}

/// `officer:<id>` → `<id>`.
fn officer_id(actor: &str) -> &str {
    actor.strip_prefix("officer:").unwrap_or(actor)
}

async fn fill(state: &AppState, t: Messages, page: &mut WorkloadPage, r: &WorkloadReport) {
    let fields = field_names(state).await;
    let codes: Vec<String> = r
        .fields
        .iter()
        .map(|f| f.unit_code.clone())
        .chain(r.officers.iter().map(|o| o.unit_code.clone()))
        .collect();
    let units = unit_names(state, &codes).await;
    let unit = |code: &str| units.get(code).cloned().unwrap_or_else(|| code.to_owned());
    let to_day = r.to - chrono::Duration::seconds(1);
    page.period_words = t.with_args(
        "workload-period-words",
        &[
            ("from", &motcua_domain::format::local_date(r.from)),
            ("to", &motcua_domain::format::local_date(to_day)),
        ],
    );
    page.totals = r.totals;
    page.after_share = share(&t, r.totals.after_hours, r.totals.actions);
    page.off_share = share(&t, r.totals.non_working_day, r.totals.actions);
    page.outside_share = share(
        &t,
        r.totals.after_hours + r.totals.non_working_day,
        r.totals.actions,
    );
    let cut = |all: usize, max: usize| {
        (all > max).then(|| {
            t.with_args(
                "workload-cut",
                &[("shown", &max.to_string()), ("all", &all.to_string())],
            )
        })
    };
    page.fields_cut = cut(r.fields.len(), MAX_FIELD_LINES);
    page.officers_cut = cut(r.officers.len(), MAX_OFFICER_LINES);
    page.fields = r
        .fields
        .iter()
        .take(MAX_FIELD_LINES)
        .map(|f| FieldLine {
            unit: unit(&f.unit_code),
            field: field_name(&fields, &f.field),
            expertise: f
                .expertise
                .as_deref()
                .map_or_else(|| "—".to_owned(), |e| tag_name(&t, e)),
            dossiers: f.dossiers,
            overdue: f.overdue,
            actions: f.actions.actions,
            after: share(&t, f.actions.after_hours, f.actions.actions),
            off: share(&t, f.actions.non_working_day, f.actions.actions),
        })
        .collect();
    let ids: Vec<String> = r
        .officers
        .iter()
        .map(|o| officer_id(&o.officer).to_owned())
        .collect();
    let people = super::people::officer_names(state, ids.iter().map(String::as_str)).await;
    page.officers = r
        .officers
        .iter()
        .take(MAX_OFFICER_LINES)
        .map(|o| OfficerLine {
            name: people.name_and_position(officer_id(&o.officer)),
            unit: unit(&o.unit_code),
            field: field_name(&fields, &o.field),
            handled: o.dossiers_handled,
            actions: o.actions.actions,
            after: share(&t, o.actions.after_hours, o.actions.actions),
            off: share(&t, o.actions.non_working_day, o.actions.actions),
        })
        .collect();
    page.weeks = r
        .weeks
        .iter()
        .map(|w| WeekLine {
            week: motcua_domain::format::date(w.week),
            actions: w.actions.actions,
            after: w.actions.after_hours,
            off: w.actions.non_working_day,
            outside: share(
                &t,
                w.actions.after_hours + w.actions.non_working_day,
                w.actions.actions,
            ),
        })
        .collect();
    page.chart = layout(&r.weeks);
    page.chart_desc = t.with_args(
        "workload-chart-desc",
        &[
            ("weeks", &r.weeks.len().to_string()),
            (
                "outside",
                &(r.totals.after_hours + r.totals.non_working_day).to_string(),
            ),
            ("max", &page.chart.max.to_string()),
        ],
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn week(d: u32, after: u64, off: u64) -> WeekPoint {
        WeekPoint {
            week: NaiveDate::from_ymd_opt(2026, 11, d).unwrap(),
            actions: ActionSplit {
                actions: 10 + after + off,
                office: 10,
                after_hours: after,
                non_working_day: off,
            },
        }
    }

    #[test]
    fn bars_stack_after_hours_under_weekends_and_scale_to_the_busiest_week() {
        let c = layout(&[week(2, 2, 2), week(9, 0, 0), week(16, 6, 2)]);
        assert_eq!(c.max, 8);
        assert_eq!(c.bars.len(), 3);
        // The busiest week reaches the top; half of it is half as tall.
        assert_eq!(c.bars[2].off_y, c.top_y);
        assert_eq!(
            (c.bars[0].after_h + c.bars[0].off_h) * 2,
            c.bars[2].after_h + c.bars[2].off_h
        );
        // The weekend part sits on the after-hours part.
        assert_eq!(c.bars[2].off_y + c.bars[2].off_h, c.bars[2].after_y);
        assert_eq!(c.bars[1].after_h + c.bars[1].off_h, 0);
        assert_eq!(c.bars[0].label, "02/11");
        assert!(layout(&[]).bars.is_empty());
    }

    #[test]
    fn shares_read_in_each_language() {
        let vi = Messages {
            locale: crate::i18n::Locale::Vi,
            demo: false,
        };
        let en = Messages {
            locale: crate::i18n::Locale::En,
            demo: false,
        };
        assert_eq!(share(&vi, 1, 8), "12,5 %");
        assert_eq!(share(&en, 1, 8), "12.5 %");
        assert_eq!(share(&en, 1, 0), "—");
    }
}
