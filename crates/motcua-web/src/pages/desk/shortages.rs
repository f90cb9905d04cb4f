//! Thiếu hụt nhân sự (issue 17, item 2) on the desk:
//! `GET /can-bo/thieu-hut?unit=&expertise=`: the shortage signal of each
//! expertise of the unit (the dossiers of its fields against the people
//! tagged with it, compared with the province's median per person), each
//! line explained in plain words and linked to the unit's training page
//! (`/can-bo/dao-tao?unit=`); for a province administrator, with an
//! expertise chosen (land, IT, finance, …), the communes of the province
//! ranked most short first. Leaders and administrators of the scope
//! ([`Capability::ViewWorkload`]), through the same use case as
//! `GET /api/v1/shortages`.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use motcua_app::policy::Capability;
use motcua_app::staff::StaffError;
use motcua_app::workload::ShortageRow;
use serde::Deserialize;

use super::DeskOfficer;
use super::encode_component;
use super::staff::{failure_page, nav, scope, tag_name};
use super::view::DeskNav;
use crate::AppState;
use crate::i18n::{Locale, Messages};
use crate::policy::page_require;

/// The shortage page.
pub fn routes() -> Router<AppState> {
    Router::new().route("/can-bo/thieu-hut", get(page))
}

/// Most lines shown (a province has about a hundred communes).
const MAX_LINES: usize = 300;

/// The shortages the Minister reported first (land, IT, finance;
/// operations.md §2.2), offered as one-click rankings.
const QUICK: [&str; 3] = ["dat_dai", "cntt_chuyen_doi_so", "tai_chinh_ke_toan"];

/// A number to one decimal, with the locale's decimal mark.
pub fn decimal(t: &Messages, v: f64) -> String {
    let s = format!("{v:.1}");
    let s = s.strip_suffix(".0").map_or(s.clone(), str::to_owned);
    if t.locale == Locale::Vi {
        s.replace('.', ",")
    } else {
        s
    }
}

/// The signal of one line in plain words.
pub fn explain(t: &Messages, row: &ShortageRow, tag: &str) -> String {
    let s = &row.signal;
    let args = |extra: &[(&'static str, String)]| -> Vec<(&'static str, String)> {
        let mut v: Vec<(&'static str, String)> = vec![
            ("dossiers", s.dossiers.to_string()),
            ("tag", tag.to_owned()),
            ("people", s.people.to_string()),
            ("needed", decimal(t, s.needed)),
            ("short", decimal(t, s.short_by)),
        ];
        v.extend(extra.iter().cloned());
        v
    };
    let (key, all) = match (s.province_per_person, s.people) {
        (None, _) if s.dossiers > 0 => ("shortage-explain-no-norm", args(&[])),
        (None, _) => ("shortage-explain-no-work", args(&[])),
        (Some(norm), 0) => (
            "shortage-explain-nobody",
            args(&[("norm", decimal(t, norm))]),
        ),
        (Some(norm), _) => (
            if s.short_by > 0.0 {
                "shortage-explain-short"
            } else {
                "shortage-explain-enough"
            },
            args(&[
                ("norm", decimal(t, norm)),
                ("per", decimal(t, s.per_person.unwrap_or(0.0))),
            ]),
        ),
    };
    let refs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
    t.with_args(key, &refs)
}

/// One line of the table.
pub struct ShortageLine {
    /// Unit name.
    pub unit: String,
    /// Expertise in words.
    pub expertise: String,
    /// Dossiers of its fields.
    pub dossiers: u64,
    /// Of which overdue.
    pub overdue: u64,
    /// People tagged.
    pub people: u64,
    /// The province's median per person.
    pub norm: String,
    /// People needed.
    pub needed: String,
    /// Short by.
    pub short_by: String,
    /// Whether it is short.
    pub short: bool,
    /// In plain words.
    pub explanation: String,
    /// The unit's training page.
    pub training: String,
}

/// An expertise option.
pub struct TagChoice {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Selected.
    pub selected: bool,
}

/// `templates/pages/desk/shortages.html`.
#[derive(Template)]
#[template(path = "pages/desk/shortages.html")]
pub struct ShortagePage {
    /// Messages.
    pub t: Messages,
    /// Navigation.
    pub nav: DeskNav,
    /// The scope's agency.
    pub unit: String,
    /// `unit` for a link.
    pub unit_q: String,
    /// The expertise options.
    pub tags: Vec<TagChoice>,
    /// The rankings asked for most (land, IT, finance), as links.
    pub quick: Vec<TagChoice>,
    /// A heading for the short lines (a ranking when a tag is chosen).
    pub heading: String,
    /// Short, most short first.
    pub short: Vec<ShortageLine>,
    /// With enough people.
    pub enough: Vec<ShortageLine>,
    /// The period in words.
    pub period_words: String,
    /// An inline error.
    pub error: Option<String>,
}

/// The page's query.
#[derive(Debug, Default, Deserialize)]
pub struct ShortageQuery {
    /// The agency whose subtree (default: the officer's).
    pub unit: Option<String>,
    /// An expertise tag id (default: every tag).
    pub expertise: Option<String>,
}

/// `GET /can-bo/thieu-hut`.
pub async fn page(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    Query(q): Query<ShortageQuery>,
) -> Response {
    if let Err(r) = page_require(t, &officer, Capability::ViewWorkload) {
        return r;
    }
    let unit = scope(&officer, q.unit.as_deref());
    let expertise = q
        .expertise
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned);
    let tags = motcua_app::staff::tags()
        .map(|c| {
            c.tags()
                .iter()
                .map(|tag| TagChoice {
                    id: tag.id.clone(),
                    name: tag_name(&t, &tag.id),
                    selected: expertise.as_deref() == Some(tag.id.as_str()),
                })
                .collect()
        })
        .unwrap_or_default();
    let quick = QUICK
        .iter()
        .map(|id| TagChoice {
            id: (*id).to_owned(),
            name: tag_name(&t, id),
            selected: expertise.as_deref() == Some(*id),
        })
        .collect();
    let mut page = ShortagePage {
        t,
        nav: nav(&officer, "shortages"),
        unit_q: encode_component(&unit),
        unit: unit.clone(),
        tags,
        quick,
        heading: match &expertise {
            Some(e) => t.with_args("shortage-ranked", &[("tag", &tag_name(&t, e))]),
            None => t.get("shortage-short"),
        },
        short: Vec::new(),
        enough: Vec::new(),
        period_words: String::new(),
        error: None,
    };
    let report = match state
        .workload
        .shortages(&officer.roles, &unit, expertise.as_deref(), None)
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
    page.period_words = t.with_args(
        "workload-period-words",
        &[
            ("from", &motcua_domain::format::local_date(report.from)),
            (
                "to",
                &motcua_domain::format::local_date(report.to - chrono::Duration::seconds(1)),
            ),
        ],
    );
    // The agency of each unit of the scope (its committee: the shortest id).
    let mut agency_of: BTreeMap<String, String> = BTreeMap::new();
    if let Ok(pairs) = state.store.agency_units(&unit).await {
        for (agency, code) in pairs {
            let e = agency_of.entry(code).or_insert_with(|| agency.clone());
            if agency.len() < e.len() {
                *e = agency;
            }
        }
    }
    for row in report.rows.iter().take(MAX_LINES) {
        let s = &row.signal;
        let tag = tag_name(&t, &s.tag);
        let agency = agency_of
            .get(&s.unit)
            .cloned()
            .unwrap_or_else(|| unit.clone());
        let line = ShortageLine {
            unit: row.unit_name.clone(),
            dossiers: s.dossiers,
            overdue: row.overdue,
            people: s.people,
            norm: s
                .province_per_person
                .map_or_else(|| "—".to_owned(), |n| decimal(&t, n)),
            needed: decimal(&t, s.needed),
            short_by: decimal(&t, s.short_by.max(0.0)),
            short: s.short_by > 0.0,
            explanation: explain(&t, row, &tag),
            expertise: tag,
            training: format!("/can-bo/dao-tao?unit={}", encode_component(&agency)),
        };
        if line.short {
            page.short.push(line);
        } else {
            page.enough.push(line);
        }
    }
    crate::pages::render(t, &page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_domain::staff::workload::Shortage;

    fn row(people: u64, norm: Option<f64>, needed: f64, short_by: f64) -> ShortageRow {
        ShortageRow {
            unit_name: "Xã La Hiên".into(),
            overdue: 1,
            signal: Shortage {
                unit: "05740".into(),
                tag: "dat_dai".into(),
                dossiers: 12,
                people,
                per_person: (people > 0).then(|| 12.0 / people as f64),
                province_per_person: norm,
                needed,
                short_by,
            },
        }
    }

    #[test]
    fn each_case_is_explained_in_plain_words() {
        let vi = Messages {
            locale: Locale::Vi,
            demo: false,
        };
        let nobody = explain(&vi, &row(0, Some(4.0), 3.0, 3.0), "Đất đai");
        assert!(nobody.contains("12 hồ sơ"), "{nobody}");
        assert!(nobody.contains("không có ai"), "{nobody}");
        assert!(nobody.contains("3 người"), "{nobody}");
        let short = explain(&vi, &row(2, Some(4.0), 3.0, 1.0), "Đất đai");
        assert!(short.contains("6 hồ sơ/người"), "{short}");
        assert!(short.contains("thiếu 1 người"), "{short}");
        let no_norm = explain(&vi, &row(0, None, 1.0, 1.0), "Đất đai");
        assert!(no_norm.contains("cả tỉnh chưa ai"), "{no_norm}");
        assert_eq!(decimal(&vi, 2.5), "2,5");
        assert_eq!(
            decimal(
                &Messages {
                    locale: Locale::En,
                    demo: false
                },
                2.5
            ),
            "2.5"
        );
    }
}
