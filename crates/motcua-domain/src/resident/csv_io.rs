//! Residents as CSV: the import format of the embedded registry.

use chrono::NaiveDate;

use super::Resident;
use crate::dossier::{PersonalId, Sex};

/// The header line of a resident file.
pub const RESIDENT_CSV_HEADER: &str = "personal_id,full_name,birth_date,sex,permanent_unit,temporary_unit,household_code,household_relation";

/// Parses a resident file; a bad row fails with its line number and the
/// reason (Vietnamese / English). The personal ID must agree with the sex
/// and birth year it encodes.
pub fn parse_residents_csv(text: &str) -> Result<Vec<Resident>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("dòng 1 / line 1: {e}"))?
        .iter()
        .collect::<Vec<_>>()
        .join(",");
    if headers != RESIDENT_CSV_HEADER {
        return Err(format!(
            "dòng 1: tiêu đề phải là / line 1: the header must be `{RESIDENT_CSV_HEADER}`"
        ));
    }
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| format!("dòng / line {line}: {e}"))?;
        out.push(row(&record).map_err(|e| format!("dòng / line {line}: {e}"))?);
    }
    Ok(out)
}

fn row(r: &csv::StringRecord) -> Result<Resident, String> {
    let get = |i: usize| r.get(i).map(str::trim).unwrap_or("");
    let personal_id = PersonalId::parse(get(0)).map_err(|e| e.to_string())?;
    let full_name = get(1).to_owned();
    if full_name.is_empty() {
        return Err("thiếu họ tên / full name missing".into());
    }
    let birth_date = NaiveDate::parse_from_str(get(2), "%Y-%m-%d")
        .map_err(|_| format!("ngày sinh không hợp lệ / bad birth date {:?}", get(2)))?;
    let sex = match get(3) {
        "male" => Sex::Male,
        "female" => Sex::Female,
        other => return Err(format!("giới tính không hợp lệ / bad sex {other:?}")),
    };
    if personal_id.sex() != sex
        || i32::from(personal_id.birth_year()) != chrono::Datelike::year(&birth_date)
    {
        return Err(
            "số định danh không khớp giới tính hoặc năm sinh / the personal ID disagrees with sex or birth year"
                .into(),
        );
    }
    let unit = |s: &str| -> Result<String, String> {
        if s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(s.to_owned())
        } else {
            Err(format!("mã xã không hợp lệ / bad commune code {s:?}"))
        }
    };
    Ok(Resident {
        personal_id,
        full_name,
        birth_date,
        sex,
        permanent_unit: unit(get(4))?,
        temporary_unit: Some(get(5))
            .filter(|s| !s.is_empty())
            .map(unit)
            .transpose()?,
        household_code: get(6).to_owned(),
        household_relation: get(7).to_owned(),
    })
}

/// One CSV line (without the newline) for `r`, quoted where needed.
pub fn write_resident_csv_row(r: &Resident) -> String {
    let quote = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    let sex = match r.sex {
        Sex::Male => "male",
        Sex::Female => "female",
    };
    [
        r.personal_id.as_str().to_owned(),
        quote(&r.full_name),
        r.birth_date.format("%Y-%m-%d").to_string(),
        sex.to_owned(),
        quote(&r.permanent_unit),
        quote(r.temporary_unit.as_deref().unwrap_or("")),
        quote(&r.household_code),
        quote(&r.household_relation),
    ]
    .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_row_parses_back() {
        let r = Resident {
            personal_id: PersonalId::parse("019185123456").unwrap(),
            full_name: "Lê Thị \"Bé\", Hai".into(),
            birth_date: NaiveDate::from_ymd_opt(1985, 1, 2).unwrap(),
            sex: Sex::Female,
            permanent_unit: "05977".into(),
            temporary_unit: Some("05980".into()),
            household_code: "HK1".into(),
            household_relation: "con".into(),
        };
        let text = format!("{RESIDENT_CSV_HEADER}\n{}\n", write_resident_csv_row(&r));
        assert_eq!(parse_residents_csv(&text).unwrap(), vec![r]);
    }

    #[test]
    fn bad_rows_name_their_line() {
        let text = format!(
            "{RESIDENT_CSV_HEADER}\n019085123456,An,1985-01-02,male,05977,,HK1,chủ hộ\n019085123457,Bình,1986-01-02,male,05977,,HK1,con\n"
        );
        let err = parse_residents_csv(&text).unwrap_err();
        assert!(err.contains("line 3"), "{err}");
        assert!(parse_residents_csv("a,b\n").unwrap_err().contains("header"));
    }
}
