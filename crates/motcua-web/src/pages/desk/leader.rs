//! Màn hình lãnh đạo: today and this month for the officer's unit and the
//! units below it (received, resolved, on time), overdue dossiers by field
//! and by officer, the oldest overdue ones, and a server-drawn chart of
//! daily intake and on-time rate with a table as its text alternative.
//!
//! Two on-time numbers, each labelled with its population (review D10):
//! the page's own rate counts the dossiers whose result became ready in the
//! day or month (`counts_late = false` over them, open dossiers left out);
//! beside the month's, indicator 2.1 of Decision 766 as the service-index
//! service computes it (finished in the month or still open, open ones
//! judged at now), with a link to `/can-bo/chi-so-766`. Both verdicts come
//! from the one rule, `Dossier::on_time`.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use motcua_app::dossiers::stats::on_time_percent;
use motcua_app::policy::{Capability, home_root};
use motcua_app::ports::dossiers::DailyCounts;
use motcua_app::service_index::ServiceIndexService;
use motcua_domain::catalog::ProcedureCode;
use motcua_domain::service_index::Period;

use super::DeskOfficer;
use super::chart::{Chart, HEIGHT, WIDTH, layout};
use super::view::{DeskNav, error_text, procedure_name, when_opt};
use crate::AppState;
use crate::auth::Officer;
use crate::i18n::Messages;
use crate::pages::citizen::procedure::has_marker;
use crate::pages::service_index::{count, decimal};
use crate::policy::{page_refusal, policy};

/// A summary card.
pub struct Totals {
    /// Title.
    pub title: String,
    /// Received.
    pub received: u64,
    /// Resolved.
    pub resolved: u64,
    /// On-time share over the dossiers resolved (result ready) then.
    pub on_time: String,
    /// Indicator 2.1 of the same period, beside the month's rate.
    pub index_21: Option<Index21>,
}

/// Indicator 2.1 (Decision 766) of a period, as the service-index service
/// computes it for the leader's unit.
pub struct Index21 {
    /// The ratio (`"66,67 %"`), or "–" on a zero denominator.
    pub ratio: String,
    /// Its numerator and denominator in words ("2 / 3 hồ sơ …").
    pub counts: String,
    /// The index page of the period.
    pub href: String,
}

/// A group line.
pub struct GroupLine {
    /// Name.
    pub name: String,
    /// Count.
    pub count: u64,
}

/// An overdue dossier.
pub struct OverdueLine {
    /// Code.
    pub code: String,
    /// Procedure.
    pub procedure: String,
    /// Due.
    pub due: String,
    /// Days late.
    pub days: i64,
}

/// A row of the chart's table.
pub struct DayLine {
    /// Day (`dd/mm`).
    pub day: String,
    /// Received.
    pub received: u64,
    /// Resolved.
    pub resolved: u64,
    /// On-time share.
    pub on_time: String,
}

/// `templates/pages/desk/leader.html`.
#[derive(Template)]
#[template(path = "pages/desk/leader.html")]
pub struct LeaderPage {
    /// Messages.
    pub t: Messages,
    /// Navigation.
    pub nav: DeskNav,
    /// Today and this month.
    pub totals: Vec<Totals>,
    /// Overdue now.
    pub overdue_total: u64,
    /// Overdue by field.
    pub by_field: Vec<GroupLine>,
    /// Overdue by officer.
    pub by_officer: Vec<GroupLine>,
    /// Oldest overdue.
    pub oldest: Vec<OverdueLine>,
    /// The chart.
    pub chart: Chart,
    /// Its table.
    pub table: Vec<DayLine>,
    /// Chart width.
    pub width: u32,
    /// Chart height.
    pub height: u32,
    /// The chart's description.
    pub chart_desc: String,
    /// An inline error.
    pub error: Option<String>,
}

fn percent(t: &Messages, c: &DailyCounts) -> String {
    on_time_percent(c).map_or_else(
        || t.get("desk-none"),
        |p| motcua_domain::format::percent_with(p as f64 / 100.0, 0, ','),
    )
}

/// `GET /can-bo/lanh-dao`.
pub async fn page(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
) -> Response {
    // The leader's unit: the home agency when a leader role covers it,
    // else the first agency a leader role is scoped to.
    let root = match home_root(&officer.roles, Capability::ViewLeaderStats, &officer.agency) {
        Ok(root) => root,
        Err(d) => return page_refusal(t, &officer, d),
    };
    let nav = DeskNav::of(&officer, "leader");
    let mut page = LeaderPage {
        t,
        nav,
        totals: Vec::new(),
        overdue_total: 0,
        by_field: Vec::new(),
        by_officer: Vec::new(),
        oldest: Vec::new(),
        chart: layout(&[]),
        table: Vec::new(),
        width: WIDTH,
        height: HEIGHT,
        chart_desc: String::new(),
        error: None,
    };
    let stats = match state.dossiers.leader_stats(&root).await {
        Ok(s) => s,
        Err(e) => {
            page.error = Some(error_text(&t, &e));
            return crate::pages::render(t, &page);
        }
    };
    let month_index = indicator_21(&state, &t, &officer, root.as_str()).await;
    for (key, c, index_21) in [
        ("desk-leader-today", stats.today_counts(), None),
        ("desk-leader-month", stats.month_counts(), month_index),
    ] {
        page.totals.push(Totals {
            title: t.get(key),
            received: c.received,
            resolved: c.resolved,
            on_time: percent(&t, &c),
            index_21,
        });
    }
    page.overdue_total = stats.overdue_total();
    // Procedures roll up to their field (lĩnh vực) through the catalog.
    let mut fields: Vec<GroupLine> = Vec::new();
    for g in &stats.overdue_by_procedure {
        let code = g.key.clone().unwrap_or_default();
        let field = match ProcedureCode::parse(&code) {
            Ok(pc) => state
                .catalog
                .in_force(&pc, state.clock.today())
                .await
                .map_or_else(|_| code.clone(), |v| field_words(t, v.procedure.field.name)),
            Err(_) => code.clone(),
        };
        match fields.iter_mut().find(|f| f.name == field) {
            Some(f) => f.count += g.count,
            None => fields.push(GroupLine {
                name: field,
                count: g.count,
            }),
        }
    }
    fields.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    page.by_field = fields;
    let people = super::people::officer_names(
        &state,
        stats
            .overdue_by_assignee
            .iter()
            .filter_map(|g| g.key.as_deref()),
    )
    .await;
    page.by_officer = stats
        .overdue_by_assignee
        .iter()
        .map(|g| GroupLine {
            name: g.key.as_deref().map_or_else(
                || t.get("desk-leader-unassigned"),
                |id| people.name_and_position(id),
            ),
            count: g.count,
        })
        .collect();
    let now = state.clock.now();
    for r in &stats.oldest_overdue {
        page.oldest.push(OverdueLine {
            code: r.code.clone(),
            procedure: procedure_name(&state, &r.procedure_code).await,
            due: when_opt(r.due_at),
            days: r.due_at.map_or(0, |d| (now - d).num_days()),
        });
    }
    page.table = stats
        .days
        .iter()
        .map(|d| DayLine {
            day: d.day.format("%d/%m").to_string(),
            received: d.received,
            resolved: d.resolved,
            on_time: percent(&t, d),
        })
        .collect();
    let month = stats.month_counts();
    page.chart_desc = t.with_args(
        "desk-chart-desc",
        &[
            ("days", &stats.days.len().to_string()),
            ("received", &month.received.to_string()),
            (
                "max",
                &stats
                    .days
                    .iter()
                    .map(|d| d.received)
                    .max()
                    .unwrap_or(0)
                    .to_string(),
            ),
        ],
    );
    page.chart = layout(&stats.days);
    crate::pages::render(t, &page)
}

/// Indicator 2.1 of this month for the unit of agency `root`, from the
/// service-index service (the same numbers as `/can-bo/chi-so-766`);
/// `None` when the officer may not see the unit's index or it cannot be
/// computed now (the rest of the page is not refused for it).
async fn indicator_21(
    state: &AppState,
    t: &Messages,
    officer: &Officer,
    root: &str,
) -> Option<Index21> {
    let unit = state.agencies.get(root).await.ok()?.unit_code;
    policy(state)
        .in_unit(&officer.roles, Capability::ViewServiceIndex, &unit)
        .await
        .ok()?;
    let service = ServiceIndexService::new(state.store.clone(), state.clock.clone()).ok()?;
    let period = Period::month_of(state.clock.now());
    let index = match service.index(&unit, period, None, false).await {
        Ok(index) => index,
        Err(e) => {
            tracing::warn!(error = %e, "indicator 2.1 unavailable on the leader page");
            return None;
        }
    };
    let row = index.report.indicators.iter().find(|i| i.id == "2.1")?;
    let l = t.locale;
    Some(Index21 {
        ratio: row
            .ratio
            .map_or_else(|| t.get("desk-none"), |r| format!("{} %", decimal(r, l))),
        counts: t.with_args(
            "desk-leader-index-21-counts",
            &[
                (
                    "numerator",
                    &row.numerator.map_or_else(String::new, |n| count(n, l)),
                ),
                (
                    "denominator",
                    &row.denominator
                        .map_or_else(String::new, |d| count(d as f64, l)),
                ),
            ],
        ),
        href: format!("/can-bo/chi-so-766?ky={period}"),
    })
}

/// A field name as the leader reads it: the catalog's research mark
/// "Chưa xác định (NOT FOUND)" becomes "Chưa xác định lĩnh vực".
fn field_words(t: Messages, name: String) -> String {
    if has_marker(&name) {
        t.get("desk-leader-field-unknown")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn a_not_found_field_reads_as_undetermined() {
        let t = Messages {
            locale: Locale::Vi,
            demo: false,
        };
        assert_eq!(
            field_words(t, "Chưa xác định (NOT FOUND)".into()),
            "Chưa xác định lĩnh vực"
        );
        assert_eq!(field_words(t, "Hộ tịch".into()), "Hộ tịch");
    }
}
