//! Danh sách hồ sơ: tabs (mine, my unit, due soon, overdue, waiting for a
//! supplement) with their counts, filters by status and procedure, order by
//! due date either way, keyset "next page", and a CSV export with masked
//! personal identifiers.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use motcua_app::dossiers::WorkListFilter;
use motcua_app::policy::Capability;
use motcua_domain::dossier::DossierStatus;
use serde::Deserialize;

use super::view::{DeskNav, error_text, procedure_names, status_name, when_opt};
use super::{DeskOfficer, encode_component};
use crate::AppState;
use crate::auth::Officer;
use crate::i18n::Messages;
use crate::policy::page_roots;

/// Rows per page.
pub const PAGE: u32 = 50;
/// Working hours ahead that count as "due soon" (two working days).
pub const DUE_SOON_HOURS: u32 = 16;
/// Most rows in one CSV export.
pub const CSV_MAX_ROWS: usize = crate::csv_export::MAX_ROWS;

/// The tabs, in order.
pub const TABS: [&str; 5] = ["unit", "mine", "soon", "overdue", "supplement"];

/// Query of the work list.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ListQuery {
    /// Tab: `unit` (default), `mine`, `soon`, `overdue`, `supplement`.
    pub tab: Option<String>,
    /// Status key.
    pub status: Option<String>,
    /// Procedure code.
    pub procedure: Option<String>,
    /// `due` (earliest first, default) or `due_desc`.
    pub sort: Option<String>,
    /// Keyset cursor.
    pub cursor: Option<String>,
}

impl ListQuery {
    fn tab(&self) -> &str {
        match self.tab.as_deref() {
            Some(t) if TABS.contains(&t) => t,
            _ => "unit",
        }
    }

    fn nonempty(v: &Option<String>) -> Option<String> {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }

    /// The query string of this view without the cursor.
    fn params(&self, tab: &str) -> String {
        let mut out = format!("tab={tab}");
        for (k, v) in [
            ("status", Self::nonempty(&self.status)),
            ("procedure", Self::nonempty(&self.procedure)),
            ("sort", Self::nonempty(&self.sort)),
        ] {
            if let Some(v) = v {
                out.push_str(&format!("&{k}={}", encode_component(&v)));
            }
        }
        out
    }
}

/// The filter of a tab alone (the counts on the tabs).
fn tab_filter(officer: &Officer, tab: &str) -> WorkListFilter {
    let mut f = WorkListFilter {
        limit: PAGE,
        ..WorkListFilter::default()
    };
    match tab {
        "mine" => f.assignee = Some(officer.id.clone()),
        "soon" => f.due_within_hours = Some(DUE_SOON_HOURS),
        "overdue" => f.overdue = true,
        "supplement" => f.status = Some(DossierStatus::AwaitingSupplement.key().to_owned()),
        _ => {}
    }
    f
}

/// The whole filter of a view.
fn filter(officer: &Officer, q: &ListQuery) -> WorkListFilter {
    let mut f = tab_filter(officer, q.tab());
    if let Some(status) = ListQuery::nonempty(&q.status)
        && f.status.is_none()
    {
        f.status = Some(status);
    }
    f.procedure = ListQuery::nonempty(&q.procedure);
    f.descending = q.sort.as_deref() == Some("due_desc");
    f.cursor = ListQuery::nonempty(&q.cursor);
    f
}

/// One tab with its count.
pub struct TabView {
    /// Key.
    pub key: &'static str,
    /// Label.
    pub label: String,
    /// How many dossiers.
    pub count: u64,
    /// The link.
    pub href: String,
    /// Current.
    pub current: bool,
}

/// One row.
pub struct RowView {
    /// Code.
    pub code: String,
    /// Procedure name.
    pub procedure: String,
    /// Applicant name and masked id.
    pub applicant: String,
    /// Status label.
    pub status: String,
    /// Received.
    pub received: String,
    /// Due.
    pub due: String,
    /// Past due while running.
    pub overdue: bool,
    /// Awaiting a supplement the applicant has sent ("Đã gửi bổ sung"),
    /// not yet recorded by an officer.
    pub supplement_sent: bool,
    /// Assignee.
    pub assignee: String,
}

/// An option of a filter select.
pub struct OptionView {
    /// Value.
    pub value: String,
    /// Label.
    pub label: String,
    /// Selected.
    pub selected: bool,
}

/// `templates/pages/desk/work_list.html`.
#[derive(Template)]
#[template(path = "pages/desk/work_list.html")]
pub struct WorkListPage {
    /// Messages.
    pub t: Messages,
    /// Navigation.
    pub nav: DeskNav,
    /// Tabs.
    pub tabs: Vec<TabView>,
    /// Current tab.
    pub tab: String,
    /// Status options.
    pub statuses: Vec<OptionView>,
    /// Procedure options.
    pub procedures: Vec<OptionView>,
    /// Latest due first.
    pub descending: bool,
    /// Rows.
    pub rows: Vec<RowView>,
    /// Link to the next page.
    pub next: Option<String>,
    /// Link to the first page, when not on it.
    pub first: Option<String>,
    /// Link to the CSV export of this view.
    pub csv: String,
    /// An inline error.
    pub error: Option<String>,
}

/// `GET /can-bo/ho-so`.
pub async fn page(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let roots = match page_roots(&state, t, &officer, Capability::ViewWorkList).await {
        Ok(roots) => roots,
        Err(refused) => return refused,
    };
    let tab = q.tab().to_owned();
    let mut tabs = Vec::new();
    for key in TABS {
        let mut count = 0;
        for root in &roots {
            count += state
                .dossiers
                .count_work_list(root, tab_filter(&officer, key))
                .await
                .unwrap_or(0);
        }
        tabs.push(TabView {
            key,
            label: t.get(&format!("desk-tab-{key}")),
            count,
            href: format!("/can-bo/ho-so?{}", q.params(key)),
            current: key == tab,
        });
    }
    let names = procedure_names(&state).await;
    let (mut rows, mut next, mut error) = (Vec::new(), None, None);
    let now = state.clock.now();
    match state
        .dossiers
        .work_list_in(&roots, filter(&officer, &q))
        .await
    {
        Ok(page) => {
            let people = super::people::officer_names(
                &state,
                page.items.iter().filter_map(|r| r.assignee.as_deref()),
            )
            .await;
            // The "Đã gửi bổ sung" mark: read from the dossiers of this
            // page that await a supplement (the work-list row does not
            // carry it).
            let waiting: Vec<String> = page
                .items
                .iter()
                .filter(|r| r.status == DossierStatus::AwaitingSupplement.key())
                .map(|r| r.code.clone())
                .collect();
            // The mark is a hint beside the status: when it cannot be
            // read the list still shows, without it, and the log says why.
            let sent = state
                .dossiers
                .supplements_sent(&waiting)
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "work list: the 'supplement sent' marks were not read");
                    Default::default()
                });
            for r in page.items {
                let running = matches!(
                    r.status.as_str(),
                    "received" | "processing" | "awaiting_payment"
                );
                rows.push(RowView {
                    procedure: names
                        .iter()
                        .find(|(c, _)| c == &r.procedure_code)
                        .map_or_else(|| r.procedure_code.clone(), |(_, n)| n.clone()),
                    applicant: format!("{} ({})", r.applicant_name, r.applicant_id_masked),
                    status: status_name(&t, &r.status),
                    received: when_opt(r.received_at),
                    due: when_opt(r.due_at),
                    overdue: running && r.due_at.is_some_and(|d| d < now),
                    supplement_sent: sent.contains(&r.code),
                    assignee: r
                        .assignee
                        .as_deref()
                        .map(|id| people.name(id).to_owned())
                        .unwrap_or_default(),
                    code: r.code,
                });
            }
            next = page.next_cursor.map(|c| {
                format!(
                    "/can-bo/ho-so?{}&cursor={}",
                    q.params(&tab),
                    encode_component(&c)
                )
            });
        }
        Err(e) => error = Some(error_text(&t, &e)),
    }
    let status = ListQuery::nonempty(&q.status).unwrap_or_default();
    let procedure = ListQuery::nonempty(&q.procedure).unwrap_or_default();
    let page = WorkListPage {
        t,
        nav: DeskNav::of(&officer, "work"),
        tabs,
        statuses: DossierStatus::ALL
            .iter()
            .map(|s| OptionView {
                value: s.key().to_owned(),
                label: status_name(&t, s.key()),
                selected: s.key() == status,
            })
            .collect(),
        procedures: names
            .into_iter()
            .map(|(code, name)| OptionView {
                selected: code == procedure,
                label: format!("{code} — {name}"),
                value: code,
            })
            .collect(),
        descending: q.sort.as_deref() == Some("due_desc"),
        rows,
        next,
        first: q
            .cursor
            .as_ref()
            .map(|_| format!("/can-bo/ho-so?{}", q.params(&tab))),
        csv: format!("/can-bo/ho-so.csv?{}", q.params(&tab)),
        tab,
        error,
    };
    crate::pages::render(t, &page)
}

/// `GET /can-bo/ho-so.csv`: the whole view (every page, up to 50,000 rows)
/// as the one CSV export of [`crate::csv_export`] (audited, masked IDs).
pub async fn csv(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let roots = match page_roots(&state, t, &officer, Capability::ExportDossiers).await {
        Ok(roots) => roots,
        Err(refused) => return refused,
    };
    match crate::csv_export::export(&state, &officer, &roots, filter(&officer, &q), "can-bo").await
    {
        Ok(res) => res,
        Err(e) => super::dossier::error_page(t, &officer, &e),
    }
}

/// `GET /can-bo/ho-so.xlsx`: the same view and columns as the CSV, as a
/// spreadsheet ([`crate::xlsx_export`], audited, masked IDs).
pub async fn xlsx(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let roots = match page_roots(&state, t, &officer, Capability::ExportDossiers).await {
        Ok(roots) => roots,
        Err(refused) => return refused,
    };
    match crate::xlsx_export::work_list(&state, &officer, &roots, filter(&officer, &q)).await {
        Ok(res) => res,
        Err(e) => super::dossier::error_page(t, &officer, &e),
    }
}
