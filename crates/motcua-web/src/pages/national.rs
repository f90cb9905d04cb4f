//! `/quoc-gia`: the national dashboard of the hub: per province, dossiers
//! synced in a period, on-time rate and online share, as a table and
//! server-rendered SVG bars.
//!
//! The on-time rate is over the finished dossiers only (`on_time /
//! finished` of the dossiers started in the period; open ones left out),
//! and the page says so: it is not Decision 766 indicator 2.1, which also
//! counts the open dossiers (review D10). Each verdict is the one rule,
//! `Dossier::on_time`, carried in the portal summary.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use motcua_app::ports::UnitFilter;
use motcua_domain::unit::{Era, UnitLevel};

use crate::AppState;
use crate::api::national::{PeriodParams, ProvinceLine, period};
use crate::i18n::Messages;
use motcua_app::exchange::national::NationalObstacles;
use motcua_domain::format::percent;

/// One bar row.
pub struct Line {
    /// Province code.
    pub code: String,
    /// Province name (or the code).
    pub name: String,
    /// Dossiers synced, formatted.
    pub dossiers: String,
    /// On-time rate over the finished dossiers, formatted (`–` when
    /// nothing finished).
    pub on_time: String,
    /// Online share, formatted.
    pub online: String,
    /// Bar width in the SVG (0–300).
    pub bar: u32,
    /// Bar y position.
    pub y: u32,
    /// Label y position.
    pub text_y: u32,
}

/// `templates/pages/national.html`.
#[derive(Template)]
#[template(path = "pages/national.html")]
pub struct NationalPage {
    /// Messages.
    pub t: Messages,
    /// Period start, `YYYY-MM-DD`.
    pub from: String,
    /// Period end (inclusive), `YYYY-MM-DD`.
    pub to: String,
    /// Rows, most dossiers first.
    pub lines: Vec<Line>,
    /// SVG height.
    pub svg_height: u32,
    /// Total dossiers, formatted.
    pub total: String,
    /// Inline message.
    pub notice: Option<String>,
    /// Every province's open obstacles (issue 16 item 5), when readable.
    pub obstacles: Option<NationalObstacles>,
}

/// `1234567` → `1.234.567` (Vietnamese grouping).
pub fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// `GET /quoc-gia?from=&to=`.
pub async fn page(
    State(state): State<AppState>,
    t: Messages,
    query: Result<Query<PeriodParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let p = query.map(|Query(p)| p).unwrap_or_default();
    let mut page = NationalPage {
        t,
        from: p.from.clone().unwrap_or_default(),
        to: p.to.clone().unwrap_or_default(),
        lines: Vec::new(),
        svg_height: 0,
        total: "0".to_owned(),
        notice: None,
        obstacles: None,
    };
    let Some(hub) = state.national.as_ref() else {
        page.notice = Some(t.get("national-not-hub"));
        return super::render(t, &page);
    };
    let (from, to) = match period(&p, state.clock.today()) {
        Ok(b) => b,
        Err(_) => {
            page.notice = Some(t.get("national-bad-period"));
            return super::render(t, &page);
        }
    };
    let local = motcua_domain::clock::to_local;
    page.from = local(from).format("%Y-%m-%d").to_string();
    page.to = local(to - chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let totals = match hub.totals(from, to).await {
        Ok(v) => v,
        Err(_) => {
            page.notice = Some(t.get("national-unavailable"));
            return super::render(t, &page);
        }
    };
    let names: HashMap<String, String> = state
        .units
        .list(&UnitFilter {
            era: Era::Current,
            level: Some(UnitLevel::Province),
            unit_type: None,
            parent: None,
            query_folded: None,
            limit: 100,
            offset: 0,
        })
        .await
        .map(|p| {
            p.items
                .into_iter()
                .map(|u| (u.code.as_str().to_owned(), u.name))
                .collect()
        })
        .unwrap_or_default();
    let mut lines: Vec<ProvinceLine> = totals.into_iter().map(ProvinceLine::from).collect();
    lines.sort_by(|a, b| {
        b.dossiers
            .cmp(&a.dossiers)
            .then(a.province.cmp(&b.province))
    });
    let max = lines.iter().map(|l| l.dossiers).max().unwrap_or(0).max(1);
    page.total = group(lines.iter().map(|l| l.dossiers).sum());
    page.lines = lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| Line {
            name: names
                .get(&l.province)
                .cloned()
                .unwrap_or_else(|| l.province.clone()),
            dossiers: group(l.dossiers),
            on_time: l.on_time_rate.map_or_else(|| "–".to_owned(), percent),
            online: l.online_share.map_or_else(|| "–".to_owned(), percent),
            bar: u32::try_from(l.dossiers.saturating_mul(300) / max).unwrap_or(300),
            y: i as u32 * 24,
            text_y: i as u32 * 24 + 15,
            code: l.province,
        })
        .collect();
    page.svg_height = page.lines.len() as u32 * 24;
    if page.lines.is_empty() {
        page.notice = Some(t.get("national-empty"));
    }
    page.obstacles = hub.obstacles(state.clock.now()).await.ok();
    super::render(t, &page)
}
