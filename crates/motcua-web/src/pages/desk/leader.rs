//! Màn hình lãnh đạo: today and this month for the officer's unit and the
//! units below it (received, resolved, on time), overdue dossiers by field
//! and by officer, the oldest overdue ones, and a server-drawn chart of
//! daily intake and on-time rate with a table as its text alternative.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use motcua_app::dossiers::stats::on_time_percent;
use motcua_app::policy::{Capability, home_root};
use motcua_app::ports::dossiers::DailyCounts;
use motcua_domain::catalog::ProcedureCode;

use super::DeskOfficer;
use super::chart::{Chart, HEIGHT, WIDTH, layout};
use super::view::{DeskNav, error_text, procedure_name, when_opt};
use crate::AppState;
use crate::i18n::Messages;
use crate::pages::citizen::procedure::has_marker;
use crate::policy::page_refusal;

/// A summary card.
pub struct Totals {
    /// Title.
    pub title: String,
    /// Received.
    pub received: u64,
    /// Resolved.
    pub resolved: u64,
    /// On-time share.
    pub on_time: String,
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
    on_time_percent(c).map_or_else(|| t.get("desk-none"), |p| format!("{p} %"))
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
    for (key, c) in [
        ("desk-leader-today", stats.today_counts()),
        ("desk-leader-month", stats.month_counts()),
    ] {
        page.totals.push(Totals {
            title: t.get(key),
            received: c.received,
            resolved: c.resolved,
            on_time: percent(&t, &c),
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
