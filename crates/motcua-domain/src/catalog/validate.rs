//! Semantic checks on procedure versions, beyond what each field's type says.
//!
//! The checks work part by part (timing, fees, components, steps), so the
//! reader can run them on every part that was read, even when another part
//! of the same procedure had an error: one pass reports everything.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::code::ProcedureCode;
use super::diagnostic::{Diagnostic, DiagnosticKind as K, Problem};
use super::import::place;
use super::import_parts::MAX_FEE_VND;
use super::model::{ProcedureVersion, Source, Timing};
use super::parts::{Component, Fees, Requirement};
use super::workflow::Step;

/// Checks in-memory versions (for example the union of several files).
///
/// Paths are `procedure[i]` by position in `versions`; there is no file, so
/// `file` is empty and `line` is 0.
pub fn validate(versions: &[ProcedureVersion]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut heads = Vec::new();
    for (i, v) in versions.iter().enumerate() {
        let at = format!("procedure[{i}]");
        let p = &v.procedure;
        text(&mut out, format!("{at}.name"), &p.name);
        text(&mut out, format!("{at}.field.name"), &p.field.name);
        text(&mut out, format!("{at}.source_note"), &p.source_note);
        timing(&mut out, &format!("{at}.timing"), &p.timing);
        fees(&mut out, &format!("{at}.fees"), &p.fees);
        components(&mut out, &format!("{at}.components"), &p.components);
        steps(&mut out, &format!("{at}.steps"), &p.steps);
        heads.push(Head::of(i, v));
    }
    versions_of_codes(&mut out, &heads);
    out.into_iter().map(|p| place("", 0, 0, p)).collect()
}

/// What the version checks need from a `[[procedure]]`.
pub(crate) struct Head {
    pub index: usize,
    pub code: ProcedureCode,
    pub version: u32,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

impl Head {
    fn of(index: usize, v: &ProcedureVersion) -> Self {
        let code = v.procedure.code.clone();
        let (version, valid_from, valid_to) = (v.version, v.valid_from, v.valid_to);
        Self {
            index,
            code,
            version,
            valid_from,
            valid_to,
        }
    }

    fn overlaps(&self, other: &Self) -> bool {
        let ends_after = |h: &Self, d: NaiveDate| h.valid_to.is_none_or(|to| d <= to);
        ends_after(self, other.valid_from) && ends_after(other, self.valid_from)
    }
}

/// A text that must not be blank.
pub(crate) fn text(out: &mut Vec<Problem>, path: String, value: &str) {
    if value.trim().is_empty() {
        let (vi, en) = ("không được để trống", "must not be empty");
        out.push(Problem::new(path, K::EmptyValue, vi, en));
    }
}

pub(crate) fn timing(out: &mut Vec<Problem>, at: &str, t: &Timing) {
    if t.limit.is_none() != (t.source == Source::NotFound) {
        out.push(Problem::new(
            format!("{at}.source"),
            K::SourceMismatch,
            "thời hạn chỉ được bỏ trống khi source = \"NOT_FOUND\", và ngược lại",
            "a time limit is left out exactly when source = \"NOT_FOUND\"",
        ));
    }
    if t.cut_off.is_none() && t.cut_off_source.is_some() {
        out.push(Problem::new(
            format!("{at}.cut_off_source"),
            K::SourceMismatch,
            "có `cut_off_source` nhưng không có `cut_off`",
            "`cut_off_source` is given without a `cut_off`",
        ));
    }
}

pub(crate) fn fees(out: &mut Vec<Problem>, at: &str, f: &Fees) {
    if f.source == Source::NotFound && !f.lines.is_empty() {
        out.push(Problem::new(
            format!("{at}.source"),
            K::SourceMismatch,
            "phí ghi NOT_FOUND thì không được có dòng phí",
            "fees marked NOT_FOUND must have no fee lines",
        ));
    }
    for (j, line) in f.lines.iter().enumerate() {
        let lp = format!("{at}.lines[{j}]");
        text(out, format!("{lp}.name"), &line.name);
        let amounts = [
            ("in_person_vnd", Some(line.in_person_vnd)),
            ("online_vnd", line.online_vnd),
            ("max_vnd", line.max_vnd),
        ];
        for (key, amount) in amounts {
            if amount.is_some_and(|a| a > MAX_FEE_VND) {
                out.push(Problem::new(
                    format!("{lp}.{key}"),
                    K::OutOfRange,
                    format!("mức phí vượt quá {MAX_FEE_VND} đồng, có thể nhập nhầm"),
                    format!("fee above {MAX_FEE_VND} VND, probably a typo"),
                ));
            }
        }
    }
}

fn components(out: &mut Vec<Problem>, at: &str, list: &[Component]) {
    for (j, c) in list.iter().enumerate() {
        component(out, &format!("{at}[{j}]"), c);
    }
}

/// Checks one component at path `cp`.
pub(crate) fn component(out: &mut Vec<Problem>, cp: &str, c: &Component) {
    {
        text(out, format!("{cp}.name"), &c.name);
        if c.count == 0 {
            let (vi, en) = ("số lượng phải từ 1", "count must be at least 1");
            out.push(Problem::new(format!("{cp}.count"), K::OutOfRange, vi, en));
        }
        if let Requirement::Conditional(cond) = &c.requirement {
            text(out, format!("{cp}.condition"), cond);
        }
        for (k, w) in c.waivers.iter().enumerate() {
            text(out, format!("{cp}.waivers[{k}].text"), &w.text);
        }
    }
}

pub(crate) fn steps(out: &mut Vec<Problem>, at: &str, list: &[Step]) {
    for (j, s) in list.iter().enumerate() {
        text(out, format!("{at}[{j}].name"), &s.name);
    }
    let total: u32 = list.iter().map(|s| u32::from(s.share_percent)).sum();
    if !list.is_empty() && total != 100 {
        out.push(Problem::new(
            at,
            K::SharesNotHundred,
            format!("tổng tỷ lệ thời gian các bước là {total}%, phải bằng 100%"),
            format!("step shares sum to {total}%, they must sum to 100%"),
        ));
    }
}

/// Inverted validity, duplicate (code, version) pairs and overlapping validity of one code.
pub(crate) fn versions_of_codes(out: &mut Vec<Problem>, heads: &[Head]) {
    for h in heads
        .iter()
        .filter(|h| h.valid_to.is_some_and(|to| to < h.valid_from))
    {
        out.push(Problem::new(
            format!("procedure[{}].valid_to", h.index),
            K::InvertedValidity,
            "`valid_to` sớm hơn `valid_from`",
            "`valid_to` is earlier than `valid_from`",
        ));
    }
    let mut by_code: HashMap<&ProcedureCode, Vec<&Head>> = HashMap::new();
    for h in heads {
        by_code.entry(&h.code).or_default().push(h);
    }
    for list in by_code.values() {
        for (n, v) in list.iter().enumerate() {
            for w in &list[..n] {
                let (i, j, code) = (v.index, w.index, &v.code);
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
                        format!(
                            "thời gian hiệu lực của phiên bản {} trùng với phiên bản {} (procedure[{j}])",
                            v.version, w.version
                        ),
                        format!(
                            "version {} is valid on days that version {} (procedure[{j}]) also covers",
                            v.version, w.version
                        ),
                    ));
                }
            }
        }
    }
}
