//! Semantic checks on procedure versions, beyond what each field's type says.

use std::collections::HashMap;

use super::diagnostic::{Diagnostic, DiagnosticKind as K, Problem};
use super::import::place;
use super::import_parts::MAX_FEE_VND;
use super::model::{ProcedureVersion, Source};
use super::parts::Requirement;

/// Checks in-memory versions (for example the union of several files).
///
/// Paths are `procedure[i]` by position in `versions`; there is no file, so
/// `file` is empty and `line` is 0.
pub fn validate(versions: &[ProcedureVersion]) -> Vec<Diagnostic> {
    problems(versions.iter().enumerate())
        .into_iter()
        .map(|p| place("", 0, 0, p))
        .collect()
}

/// Problems of each `(index in file, version)` and between versions of one code.
pub(crate) fn problems<'a>(
    items: impl Iterator<Item = (usize, &'a ProcedureVersion)>,
) -> Vec<Problem> {
    let items: Vec<(usize, &ProcedureVersion)> = items.collect();
    let mut out = Vec::new();
    for &(i, v) in &items {
        one(&mut out, &format!("procedure[{i}]"), v);
    }
    versions(&mut out, &items);
    out
}

fn empty(out: &mut Vec<Problem>, path: String, text: &str, what_vi: &str, what_en: &str) {
    if text.trim().is_empty() {
        out.push(Problem::new(
            path,
            K::EmptyValue,
            format!("{what_vi} không được để trống"),
            format!("{what_en} must not be empty"),
        ));
    }
}

fn one(out: &mut Vec<Problem>, at: &str, v: &ProcedureVersion) {
    let p = &v.procedure;
    empty(
        out,
        format!("{at}.name"),
        &p.name,
        "tên thủ tục",
        "the procedure name",
    );
    empty(
        out,
        format!("{at}.field.name"),
        &p.field.name,
        "tên lĩnh vực",
        "the field name",
    );
    empty(
        out,
        format!("{at}.source_note"),
        &p.source_note,
        "ghi chú nguồn",
        "the source note",
    );
    if v.valid_to.is_some_and(|to| to < v.valid_from) {
        out.push(Problem::new(
            format!("{at}.valid_to"),
            K::InvertedValidity,
            "`valid_to` sớm hơn `valid_from`",
            "`valid_to` is earlier than `valid_from`",
        ));
    }
    let t = &p.timing;
    if t.limit.is_none() != (t.source == Source::NotFound) {
        out.push(Problem::new(
            format!("{at}.timing.source"),
            K::SourceMismatch,
            "thời hạn chỉ được bỏ trống khi source = \"NOT_FOUND\", và ngược lại",
            "a time limit is left out exactly when source = \"NOT_FOUND\"",
        ));
    }
    if t.cut_off.is_none() && t.cut_off_source.is_some() {
        out.push(Problem::new(
            format!("{at}.timing.cut_off_source"),
            K::SourceMismatch,
            "có `cut_off_source` nhưng không có `cut_off`",
            "`cut_off_source` is given without a `cut_off`",
        ));
    }
    if p.fees.source == Source::NotFound && !p.fees.lines.is_empty() {
        out.push(Problem::new(
            format!("{at}.fees.source"),
            K::SourceMismatch,
            "phí ghi NOT_FOUND thì không được có dòng phí",
            "fees marked NOT_FOUND must have no fee lines",
        ));
    }
    for (j, f) in p.fees.lines.iter().enumerate() {
        let fp = format!("{at}.fees.lines[{j}]");
        empty(
            out,
            format!("{fp}.name"),
            &f.name,
            "tên khoản phí",
            "the fee name",
        );
        for (key, amount) in [
            ("in_person_vnd", Some(f.in_person_vnd)),
            ("online_vnd", f.online_vnd),
            ("max_vnd", f.max_vnd),
        ] {
            if amount.is_some_and(|a| a > MAX_FEE_VND) {
                out.push(Problem::new(
                    format!("{fp}.{key}"),
                    K::OutOfRange,
                    format!("mức phí vượt quá {MAX_FEE_VND} đồng, có thể nhập nhầm"),
                    format!("fee above {MAX_FEE_VND} VND, probably a typo"),
                ));
            }
        }
    }
    for (j, c) in p.components.iter().enumerate() {
        let cp = format!("{at}.components[{j}]");
        empty(
            out,
            format!("{cp}.name"),
            &c.name,
            "tên thành phần hồ sơ",
            "the component name",
        );
        if c.count == 0 {
            out.push(Problem::new(
                format!("{cp}.count"),
                K::OutOfRange,
                "số lượng phải từ 1",
                "count must be at least 1",
            ));
        }
        if let Requirement::Conditional(cond) = &c.requirement {
            empty(
                out,
                format!("{cp}.condition"),
                cond,
                "điều kiện",
                "the condition",
            );
        }
        for (k, w) in c.waivers.iter().enumerate() {
            empty(
                out,
                format!("{cp}.waivers[{k}].text"),
                &w.text,
                "lời giải thích",
                "the explanation",
            );
        }
    }
    for (j, s) in p.steps.iter().enumerate() {
        empty(
            out,
            format!("{at}.steps[{j}].name"),
            &s.name,
            "tên bước",
            "the step name",
        );
    }
    let total: u32 = p.steps.iter().map(|s| u32::from(s.share_percent)).sum();
    if !p.steps.is_empty() && total != 100 {
        out.push(Problem::new(
            format!("{at}.steps"),
            K::SharesNotHundred,
            format!("tổng tỷ lệ thời gian các bước là {total}%, phải bằng 100%"),
            format!("step shares sum to {total}%, they must sum to 100%"),
        ));
    }
}

/// Duplicate (code, version) pairs and overlapping validity of one code.
fn versions(out: &mut Vec<Problem>, items: &[(usize, &ProcedureVersion)]) {
    let mut by_code: HashMap<&str, Vec<(usize, &ProcedureVersion)>> = HashMap::new();
    for &(i, v) in items {
        by_code
            .entry(v.procedure.code.as_str())
            .or_default()
            .push((i, v));
    }
    let mut codes: Vec<_> = by_code.into_iter().collect();
    codes.sort_by_key(|(code, _)| *code);
    for (code, list) in codes {
        for (n, &(i, v)) in list.iter().enumerate() {
            for &(j, w) in &list[..n] {
                if v.version == w.version {
                    out.push(Problem::new(
                        format!("procedure[{i}].version"),
                        K::DuplicateVersion,
                        format!(
                            "mã {code} phiên bản {} đã khai báo ở procedure[{j}]",
                            v.version
                        ),
                        format!(
                            "code {code} version {} is already declared at procedure[{j}]",
                            v.version
                        ),
                    ));
                } else if v.overlaps(w) {
                    out.push(Problem::new(
                        format!("procedure[{i}].valid_from"),
                        K::OverlappingVersions,
                        format!("thời gian hiệu lực của phiên bản {} trùng với phiên bản {} (procedure[{j}])", v.version, w.version),
                        format!("version {} is valid on days that version {} (procedure[{j}]) also covers", v.version, w.version),
                    ));
                }
            }
        }
    }
}
