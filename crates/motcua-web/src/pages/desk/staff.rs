//! Nhân sự đơn vị (issue 17, item 1) on the desk:
//!
//! - `GET /can-bo/nhan-su?unit=`: the staff of a unit's subtree (name,
//!   job-position group, department, employment kind, expertise tags in
//!   words, secondment in or out with its dates), for the scope's leaders
//!   and administrators ([`Capability::ViewStaff`]);
//! - `POST /can-bo/nhan-su/nhap` (multipart `unit`, `file`): imports a
//!   registry file for a unit or province administrator
//!   ([`Capability::ManageStaff`]) through the same check as
//!   `motcua staff check`: one bad row and nothing is written, every
//!   problem of every bad row listed on the page; a file over
//!   [`MAX_FILE_BYTES`] or [`MAX_ROWS`] rows is refused inline; on success
//!   303 back with "Đã nhập N người";
//! - `GET /can-bo/nhan-su.csv?unit=`: the same file as `motcua staff export`.
//!
//! The helpers shared by the workload and shortage pages (the scope asked
//! for, unit and field names in words) live here too.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use motcua_app::policy::Capability;
use motcua_app::staff::{MAX_FILE_BYTES, MAX_ROWS, StaffError};
use motcua_domain::format::date as local_date_of;
use motcua_domain::staff::{DEPARTMENTS, EMPLOYMENT, SecondmentDirection, StaffMember};
use serde::Deserialize;

use super::view::DeskNav;
use super::{DeskOfficer, encode_component};
use crate::AppState;
use crate::auth::Officer;
use crate::i18n::{Locale, Messages};
use crate::policy::{page_refusal, page_require};
use crate::problem::Problem;

/// The staff pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/can-bo/nhan-su", get(page))
        .route("/can-bo/nhan-su.csv", get(csv))
        .route(
            "/can-bo/nhan-su/nhap",
            // The file plus the form's other parts; a bigger body stops
            // while it streams and is answered inline.
            post(import).layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
        )
        .merge(super::workload::routes())
        .merge(super::shortages::routes())
}

/// The navigation of the staff, workload and shortage pages.
pub fn nav(officer: &Officer, current: &'static str) -> DeskNav {
    DeskNav::of(officer, current)
}

/// The agency a page is about: `unit=` when given, else the officer's.
pub fn scope(officer: &Officer, unit: Option<&str>) -> String {
    unit.map(str::trim)
        .filter(|u| !u.is_empty())
        .map_or_else(|| officer.agency.as_str().to_owned(), str::to_owned)
}

/// A failure of the staff use cases as a page: a refusal is the policy's
/// page, anything else the error page of its Problem.
pub fn failure_page(t: Messages, officer: &Officer, e: StaffError) -> Response {
    match e {
        StaffError::Denied(d) => page_refusal(t, officer, d),
        other => crate::problem::html_page(t, &Problem::from(other)),
    }
}

/// An expertise tag in the page's language (the id when unknown).
pub fn tag_name(t: &Messages, id: &str) -> String {
    match motcua_app::staff::tags().ok().and_then(|c| c.get(id)) {
        Some(tag) if t.locale == Locale::En => tag.en.clone(),
        Some(tag) => tag.vi.clone(),
        None => id.to_owned(),
    }
}

/// Names of administrative units by code (the code itself when unknown).
pub async fn unit_names(state: &AppState, codes: &[String]) -> BTreeMap<String, String> {
    use motcua_domain::unit::{Era, UnitCode};
    let mut out = BTreeMap::new();
    for code in codes {
        let code = code.as_str();
        if out.contains_key(code) {
            continue;
        }
        let name = match UnitCode::parse(code) {
            Ok(c) => state
                .store
                .get_unit(Era::Current, &c)
                .await
                .ok()
                .flatten()
                .map(|u| u.name),
            Err(_) => None,
        };
        out.insert(code.to_owned(), name.unwrap_or_else(|| code.to_owned()));
    }
    out
}

/// The catalog's field names (lĩnh vực) by their folded form, so a folded
/// field of the workload reads with its diacritics ("ho tich" → "Hộ tịch").
pub async fn field_names(state: &AppState) -> BTreeMap<String, String> {
    use motcua_app::catalog::{MAX_PROCEDURE_PAGE, ProcedureQuery};
    let mut out = BTreeMap::new();
    let mut offset = 0;
    // At most 10 pages (10,000 procedures): a page is not held up for more.
    for _ in 0..10 {
        let Ok(page) = state
            .catalog
            .list(&ProcedureQuery {
                q: None,
                field: None,
                on: state.clock.today(),
                limit: MAX_PROCEDURE_PAGE,
                offset,
            })
            .await
        else {
            break;
        };
        for hit in &page.items {
            let name = &hit.version.procedure.field.name;
            out.entry(motcua_domain::text::fold(name))
                .or_insert_with(|| name.clone());
        }
        offset += MAX_PROCEDURE_PAGE;
        if u64::from(offset) >= page.total {
            break;
        }
    }
    out
}

/// A field as read: its catalog name, else the folded form.
pub fn field_name(names: &BTreeMap<String, String>, folded: &str) -> String {
    names
        .get(folded)
        .cloned()
        .unwrap_or_else(|| folded.to_owned())
}

/// One person of the table.
pub struct StaffLine {
    /// Registry id.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Job position and its group.
    pub position: String,
    /// Group.
    pub group: String,
    /// Department.
    pub department: String,
    /// Employment kind.
    pub employment: String,
    /// Expertise tags in words.
    pub expertise: String,
    /// Secondment in words (empty without one).
    pub secondment: String,
}

/// One problem of one row of an uploaded file.
pub struct RowLine {
    /// Line of the file (the header is 1).
    pub line: u64,
    /// The column (`-` for the row).
    pub column: String,
    /// What is wrong.
    pub message: String,
}

/// `templates/pages/desk/staff.html`.
#[derive(Template)]
#[template(path = "pages/desk/staff.html")]
pub struct StaffPage {
    /// Messages.
    pub t: Messages,
    /// Navigation.
    pub nav: DeskNav,
    /// The scope's agency.
    pub unit: String,
    /// `unit` encoded for a link.
    pub unit_q: String,
    /// The people.
    pub lines: Vec<StaffLine>,
    /// The officer may import.
    pub can_manage: bool,
    /// "Đã nhập N người" after an import.
    pub imported: Option<String>,
    /// Every problem of every bad row of the file just sent.
    pub problems: Vec<RowLine>,
    /// An inline error (too large, not a file, …).
    pub error: Option<String>,
    /// The largest file, in words.
    pub limits: String,
}

fn lookup(table: &[(&str, &str)], code: &str) -> Option<String> {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, v)| (*v).to_owned())
}

fn line(t: &Messages, m: &StaffMember) -> StaffLine {
    let en = t.locale == Locale::En;
    let message_or = |key: String, fallback: String| {
        let v = t.get(&key);
        if v == key { fallback } else { v }
    };
    let secondment = m.secondment.as_ref().map_or_else(String::new, |s| {
        let key = match s.direction {
            SecondmentDirection::In => "staff-secondment-in",
            SecondmentDirection::Out => "staff-secondment-out",
        };
        t.with_args(
            key,
            &[
                ("agency", &s.agency),
                ("from", &local_date_of(s.from)),
                (
                    "to",
                    &s.to
                        .map_or_else(|| t.get("staff-secondment-open"), local_date_of),
                ),
            ],
        )
    });
    StaffLine {
        id: m.id.clone(),
        name: m.full_name.clone(),
        position: m.position.clone(),
        group: if en {
            message_or(
                format!("staff-group-{}", m.position_group.as_str()),
                m.position_group.label_vi().to_owned(),
            )
        } else {
            m.position_group.label_vi().to_owned()
        },
        department: if en {
            message_or(format!("staff-dept-{}", m.department), m.department.clone())
        } else {
            lookup(&DEPARTMENTS, &m.department).unwrap_or_else(|| m.department.clone())
        },
        employment: if en {
            message_or(format!("staff-emp-{}", m.employment), m.employment.clone())
        } else {
            lookup(&EMPLOYMENT, &m.employment).unwrap_or_else(|| m.employment.clone())
        },
        expertise: m
            .expertise
            .iter()
            .map(|e| tag_name(t, e))
            .collect::<Vec<_>>()
            .join(", "),
        secondment,
    }
}

/// What the page shows besides the list.
#[derive(Default)]
struct Outcome {
    imported: Option<String>,
    problems: Vec<RowLine>,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    t: Messages,
    officer: &Officer,
    unit: String,
    outcome: Outcome,
    status: StatusCode,
) -> Response {
    let members = match state.staff.list(&officer.roles, &unit).await {
        Ok(m) => m,
        Err(e) => return failure_page(t, officer, e),
    };
    let page = StaffPage {
        t,
        nav: nav(officer, "staff"),
        unit_q: encode_component(&unit),
        can_manage: state.staff.may_manage(&officer.roles, &unit).await,
        lines: members.iter().map(|m| line(&t, m)).collect(),
        unit,
        imported: outcome.imported,
        problems: outcome.problems,
        error: outcome.error,
        limits: t.with_args(
            "staff-upload-limits",
            &[
                ("mb", &(MAX_FILE_BYTES / (1024 * 1024)).to_string()),
                ("rows", &MAX_ROWS.to_string()),
            ],
        ),
    };
    let mut response = crate::pages::render(t, &page);
    *response.status_mut() = status;
    response
}

/// The page's query.
#[derive(Debug, Default, Deserialize)]
pub struct StaffQuery {
    /// The agency whose subtree (default: the officer's).
    pub unit: Option<String>,
    /// People just imported (after the redirect).
    #[serde(rename = "da-nhap")]
    pub imported: Option<u64>,
}

/// `GET /can-bo/nhan-su`.
pub async fn page(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    Query(q): Query<StaffQuery>,
) -> Response {
    if let Err(r) = page_require(t, &officer, Capability::ViewStaff) {
        return r;
    }
    let unit = scope(&officer, q.unit.as_deref());
    let outcome = Outcome {
        imported: q
            .imported
            .map(|n| t.with_args("staff-imported", &[("n", &n.to_string())])),
        ..Outcome::default()
    };
    render(&state, t, &officer, unit, outcome, StatusCode::OK).await
}

/// `GET /can-bo/nhan-su.csv`: the registry file of the subtree.
pub async fn csv(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    Query(q): Query<StaffQuery>,
) -> Response {
    if let Err(r) = page_require(t, &officer, Capability::ViewStaff) {
        return r;
    }
    let unit = scope(&officer, q.unit.as_deref());
    match state.staff.export(&officer.roles, &unit).await {
        Ok(text) => {
            let safe: String = unit
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
                .collect();
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"nhan-su-{safe}.csv\""),
                    ),
                ],
                text,
            )
                .into_response()
        }
        Err(e) => failure_page(t, &officer, e),
    }
}

/// The upload form as read.
#[derive(Default)]
struct Upload {
    unit: Option<String>,
    file: Option<Vec<u8>>,
}

/// Why an upload could not be read (a message key).
async fn read_upload(mut multipart: Multipart) -> Result<Upload, &'static str> {
    let too_large_or = |e: axum::extract::multipart::MultipartError, other: &'static str| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            "staff-upload-too-large"
        } else {
            other
        }
    };
    let mut out = Upload::default();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| too_large_or(e, "staff-upload-unreadable"))?
    {
        match field.name() {
            Some("unit") => {
                let v = field
                    .text()
                    .await
                    .map_err(|e| too_large_or(e, "staff-upload-unreadable"))?;
                out.unit = Some(v.chars().take(200).collect());
            }
            Some("file") => {
                let mut buf = Vec::new();
                while let Some(chunk) = field
                    .chunk()
                    .await
                    .map_err(|e| too_large_or(e, "staff-upload-unreadable"))?
                {
                    if buf.len() + chunk.len() > MAX_FILE_BYTES {
                        return Err("staff-upload-too-large");
                    }
                    buf.extend_from_slice(&chunk);
                }
                out.file = Some(buf);
            }
            _ => {
                while field
                    .chunk()
                    .await
                    .map_err(|e| too_large_or(e, "staff-upload-unreadable"))?
                    .is_some()
                {}
            }
        }
    }
    Ok(out)
}

/// `POST /can-bo/nhan-su/nhap`: imports the file, all or nothing.
pub async fn import(
    State(state): State<AppState>,
    t: Messages,
    DeskOfficer(officer): DeskOfficer,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    if let Err(r) = page_require(t, &officer, Capability::ManageStaff) {
        return r;
    }
    let home = officer.agency.as_str().to_owned();
    let inline = |unit: String, key: &str| {
        Outcome {
            error: Some(t.get(key)),
            ..Outcome::default()
        }
        .with_unit(unit)
    };
    let upload = match multipart {
        Ok(m) => read_upload(m).await,
        Err(_) => Err("staff-upload-unreadable"),
    };
    let (unit, outcome) = match upload {
        Err(key) => inline(home, key),
        Ok(up) => {
            let unit = scope(&officer, up.unit.as_deref());
            match up.file.filter(|f| !f.is_empty()) {
                None => inline(unit, "staff-upload-no-file"),
                Some(bytes) => match String::from_utf8(bytes) {
                    Err(_) => inline(unit, "staff-upload-not-utf8"),
                    Ok(text) => match state.staff.import(&officer.roles, &text).await {
                        Ok(n) => {
                            return Redirect::to(&format!(
                                "/can-bo/nhan-su?unit={}&da-nhap={n}",
                                encode_component(&unit)
                            ))
                            .into_response();
                        }
                        Err(StaffError::BadRows(rows)) => {
                            let en = t.locale == Locale::En;
                            let problems = rows
                                .into_iter()
                                .map(|p| RowLine {
                                    line: p.line,
                                    column: p.column,
                                    message: if en { p.message_en } else { p.message_vi },
                                })
                                .collect();
                            (
                                unit,
                                Outcome {
                                    problems,
                                    error: Some(t.get("staff-upload-bad-rows")),
                                    ..Outcome::default()
                                },
                            )
                        }
                        Err(StaffError::TooLarge(m) | StaffError::Invalid(m)) => (
                            unit,
                            Outcome {
                                error: Some(t.pick(&m)),
                                ..Outcome::default()
                            },
                        ),
                        Err(e) => return failure_page(t, &officer, e),
                    },
                },
            }
        }
    };
    render(
        &state,
        t,
        &officer,
        unit,
        outcome,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

impl Outcome {
    fn with_unit(self, unit: String) -> (String, Self) {
        (unit, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_domain::staff::{PositionGroup, Secondment};

    fn member() -> StaffMember {
        StaffMember {
            id: "A1".into(),
            unit_agency: "H55.X05740".into(),
            full_name: "Nguyễn Văn An".into(),
            account: None,
            position_group: PositionGroup::Specialised,
            position: "Địa chính".into(),
            department: "kinh_te".into(),
            employment: "cong_chuc".into(),
            expertise: vec!["dat_dai".into(), "xay_dung_do_thi".into()],
            qualifications: String::new(),
            secondment: Some(Secondment {
                direction: SecondmentDirection::Out,
                agency: "Sở Nội vụ".into(),
                from: chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
                to: None,
            }),
        }
    }

    #[test]
    fn a_person_reads_in_words_in_both_languages() {
        let vi = Messages {
            locale: Locale::Vi,
            demo: false,
        };
        let l = line(&vi, &member());
        assert_eq!(l.expertise, "Đất đai, Xây dựng và đô thị");
        assert_eq!(l.department, "Phòng Kinh tế (Kinh tế, Hạ tầng và Đô thị)");
        assert_eq!(l.employment, "Công chức");
        assert_eq!(l.group, "Chuyên môn, nghiệp vụ chuyên ngành");
        assert!(l.secondment.contains("Sở Nội vụ"), "{}", l.secondment);
        assert!(l.secondment.contains("05/01/2026"), "{}", l.secondment);
        let en = Messages {
            locale: Locale::En,
            demo: false,
        };
        let l = line(&en, &member());
        assert_eq!(l.expertise, "Land, Construction and urban");
        assert_eq!(l.employment, "Civil servant");
        assert!(l.secondment.starts_with("Seconded out"), "{}", l.secondment);
    }
}
