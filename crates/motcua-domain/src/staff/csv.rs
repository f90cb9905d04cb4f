//! The staff registry as CSV: one person a row, every bad row reported.
//!
//! Columns (header required, in any order; `account`, `secondment*` may be
//! empty): `id, unit, full_name, account, position_group, position,
//! department, employment, expertise, qualifications, secondment,
//! secondment_agency, secondment_from, secondment_to`. `expertise` holds
//! tags separated by `;`; `secondment` is `in`, `out` or empty; dates are
//! `YYYY-MM-DD` or `DD/MM/YYYY`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::{
    DEPARTMENTS, EMPLOYMENT, ExpertiseCatalog, PositionGroup, Secondment, SecondmentDirection,
    StaffMember,
};

/// The columns, in the order written.
pub const COLUMNS: [&str; 14] = [
    "id",
    "unit",
    "full_name",
    "account",
    "position_group",
    "position",
    "department",
    "employment",
    "expertise",
    "qualifications",
    "secondment",
    "secondment_agency",
    "secondment_from",
    "secondment_to",
];

/// One problem of one row (`line` is the file's line, the header is 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// Line in the file.
    pub line: u64,
    /// The column, or `-` for the row.
    pub column: String,
    /// Vietnamese.
    pub message_vi: String,
    /// English.
    pub message_en: String,
}

impl RowProblem {
    fn new(line: u64, column: &str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            line,
            column: column.to_owned(),
            message_vi: vi.into(),
            message_en: en.into(),
        }
    }
}

/// Reads a date as `YYYY-MM-DD` or `DD/MM/YYYY`.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let t = raw.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%d/%m/%Y"))
        .ok()
}

/// Reads a registry file: every row, or every problem of every bad row.
/// `unit_known` says whether a unit's agency id exists.
pub fn parse(
    text: &str,
    tags: &ExpertiseCatalog,
    unit_known: &dyn Fn(&str) -> bool,
) -> Result<Vec<StaffMember>, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => {
            return Err(vec![RowProblem::new(
                1,
                "-",
                format!("không đọc được tiêu đề: {e}"),
                format!("cannot read the header: {e}"),
            )]);
        }
    };
    let index: BTreeMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    for required in [
        "id",
        "unit",
        "full_name",
        "position_group",
        "position",
        "department",
        "employment",
    ] {
        if !index.contains_key(required) {
            problems.push(RowProblem::new(
                1,
                required,
                "thiếu cột bắt buộc",
                "a required column is missing",
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(RowProblem::new(
                    line,
                    "-",
                    format!("dòng không đọc được: {e}"),
                    format!("unreadable row: {e}"),
                ));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let get = |name: &str| -> &str {
            index
                .get(name)
                .and_then(|i| record.get(*i))
                .unwrap_or_default()
        };
        let before = problems.len();
        let mut bad = |column: &str, vi: String, en: String| {
            problems.push(RowProblem::new(line, column, vi, en));
        };
        let id = get("id");
        if id.is_empty() {
            bad("id", "trống".into(), "empty".into());
        } else if !seen.insert(id.to_owned()) {
            bad("id", format!("trùng mã {id}"), format!("duplicate id {id}"));
        }
        let unit = get("unit");
        if unit.is_empty() || !unit_known(unit) {
            bad(
                "unit",
                format!("không có cơ quan {unit:?}"),
                format!("no agency {unit:?}"),
            );
        }
        let full_name = get("full_name");
        if full_name.is_empty() {
            bad("full_name", "trống".into(), "empty".into());
        }
        let group = PositionGroup::parse(get("position_group"));
        if group.is_none() {
            bad(
                "position_group",
                format!(
                    "{:?}: phải là leadership, specialised, shared hoặc support",
                    get("position_group")
                ),
                format!(
                    "{:?}: must be leadership, specialised, shared or support",
                    get("position_group")
                ),
            );
        }
        if get("position").is_empty() {
            bad("position", "trống".into(), "empty".into());
        }
        let department = get("department");
        if !DEPARTMENTS.iter().any(|(c, _)| *c == department) {
            let all: Vec<&str> = DEPARTMENTS.iter().map(|(c, _)| *c).collect();
            bad(
                "department",
                format!("{department:?}: phải là một trong {}", all.join(", ")),
                format!("{department:?}: must be one of {}", all.join(", ")),
            );
        }
        let employment = get("employment");
        if !EMPLOYMENT.iter().any(|(c, _)| *c == employment) {
            let all: Vec<&str> = EMPLOYMENT.iter().map(|(c, _)| *c).collect();
            bad(
                "employment",
                format!("{employment:?}: phải là một trong {}", all.join(", ")),
                format!("{employment:?}: must be one of {}", all.join(", ")),
            );
        }
        let mut expertise: Vec<String> = Vec::new();
        for tag in get("expertise")
            .split([';', ' '])
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            if tags.get(tag).is_none() {
                bad(
                    "expertise",
                    format!("thẻ chuyên môn không có: {tag}"),
                    format!("unknown expertise tag: {tag}"),
                );
            } else if !expertise.iter().any(|t| t == tag) {
                expertise.push(tag.to_owned());
            }
        }
        expertise.sort();
        let secondment = match get("secondment") {
            "" => None,
            dir @ ("in" | "out") => {
                let direction = if dir == "in" {
                    SecondmentDirection::In
                } else {
                    SecondmentDirection::Out
                };
                let agency = get("secondment_agency");
                if agency.is_empty() {
                    bad(
                        "secondment_agency",
                        "biệt phái cần cơ quan".into(),
                        "a secondment needs the other agency".into(),
                    );
                }
                let from = parse_date(get("secondment_from"));
                if from.is_none() {
                    bad(
                        "secondment_from",
                        format!("ngày không hợp lệ {:?}", get("secondment_from")),
                        format!("invalid date {:?}", get("secondment_from")),
                    );
                }
                let to_raw = get("secondment_to");
                let to = if to_raw.is_empty() {
                    None
                } else {
                    let d = parse_date(to_raw);
                    if d.is_none() {
                        bad(
                            "secondment_to",
                            format!("ngày không hợp lệ {to_raw:?}"),
                            format!("invalid date {to_raw:?}"),
                        );
                    }
                    d
                };
                if let (Some(f), Some(t)) = (from, to)
                    && t < f
                {
                    bad(
                        "secondment_to",
                        "trước ngày bắt đầu".into(),
                        "before the start".into(),
                    );
                }
                from.map(|from| Secondment {
                    direction,
                    agency: agency.to_owned(),
                    from,
                    to,
                })
            }
            other => {
                bad(
                    "secondment",
                    format!("{other:?}: phải là in, out hoặc để trống"),
                    format!("{other:?}: must be in, out or empty"),
                );
                None
            }
        };
        if problems.len() > before {
            continue;
        }
        let account = Some(get("account").to_owned()).filter(|a| !a.is_empty());
        if let Some(position_group) = group {
            out.push(StaffMember {
                id: id.to_owned(),
                unit_agency: unit.to_owned(),
                full_name: full_name.to_owned(),
                account,
                position_group,
                position: get("position").to_owned(),
                department: department.to_owned(),
                employment: employment.to_owned(),
                expertise,
                qualifications: get("qualifications").to_owned(),
                secondment,
            });
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Writes a registry file (the same columns [`parse`] reads).
pub fn write(rows: &[StaffMember]) -> Result<String, String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).map_err(|e| e.to_string())?;
    for s in rows {
        let (dir, agency, from, to) = match &s.secondment {
            Some(x) => (
                match x.direction {
                    SecondmentDirection::In => "in",
                    SecondmentDirection::Out => "out",
                },
                x.agency.clone(),
                x.from.to_string(),
                x.to.map(|d| d.to_string()).unwrap_or_default(),
            ),
            None => ("", String::new(), String::new(), String::new()),
        };
        w.write_record([
            s.id.as_str(),
            &s.unit_agency,
            &s.full_name,
            s.account.as_deref().unwrap_or_default(),
            s.position_group.as_str(),
            &s.position,
            &s.department,
            &s.employment,
            &s.expertise.join(";"),
            &s.qualifications,
            dir,
            &agency,
            &from,
            &to,
        ])
        .map_err(|e| e.to_string())?;
    }
    String::from_utf8(w.into_inner().map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "id,unit,full_name,account,position_group,position,department,employment,expertise,qualifications,secondment,secondment_agency,secondment_from,secondment_to\n";

    #[test]
    fn every_bad_row_is_reported_and_a_good_file_round_trips() {
        let tags = ExpertiseCatalog::embedded().unwrap();
        let known = |u: &str| u.starts_with("H55.");
        let text = format!(
            "{HEADER}\
             S1,H55.X1,Nguyễn Văn A,cb1,specialised,Địa chính,kinh_te,cong_chuc,dat_dai;xay_dung_do_thi,Cử nhân quản lý đất đai,,,,\n\
             S2,H99.X1,Trần B,,boss,,phong_x,cong_chuc,dat_dai;bay_lac,,sideways,,,\n\
             S1,H55.X1,Lê C,,support,Văn thư,van_phong,hop_dong,,,in,Sở Nội vụ,2026-13-01,\n\
             S3,H55.X1,Phạm D,,specialised,CNTT,van_phong,vien_chuc,cntt_chuyen_doi_so,Kỹ sư,in,Sở KH&CN,01/10/2025,31/03/2026\n"
        );
        let problems = parse(&text, &tags, &known).unwrap_err();
        let at = |line: u64| -> Vec<&str> {
            problems
                .iter()
                .filter(|p| p.line == line)
                .map(|p| p.column.as_str())
                .collect()
        };
        assert!(at(2).is_empty());
        assert_eq!(
            at(3),
            [
                "unit",
                "position_group",
                "position",
                "department",
                "expertise",
                "secondment"
            ]
        );
        assert_eq!(at(4), ["id", "secondment_from"]);
        assert!(at(5).is_empty());
        let good = format!(
            "{HEADER}\
             S1,H55.X1,Nguyễn Văn A,cb1,specialised,Địa chính,kinh_te,cong_chuc,xay_dung_do_thi;dat_dai,Cử nhân,,,,\n\
             S3,H55.X1,Phạm D,,specialised,CNTT,van_phong,vien_chuc,cntt_chuyen_doi_so,Kỹ sư,in,Sở KH&CN,01/10/2025,31/03/2026\n"
        );
        let rows = parse(&good, &tags, &known).unwrap();
        assert_eq!(rows[0].expertise, ["dat_dai", "xay_dung_do_thi"]);
        let s = rows[1].secondment.as_ref().unwrap();
        assert_eq!(s.direction, SecondmentDirection::In);
        assert!(rows[1].works_here_on(NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()));
        assert!(!rows[1].works_here_on(NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()));
        let again = parse(&write(&rows).unwrap(), &tags, &known).unwrap();
        assert_eq!(again, rows);
    }
}
