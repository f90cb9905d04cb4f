//! Reading the nested tables of a `[[procedure]]`: timing, fees, components,
//! forms and workflow steps.

use std::collections::BTreeMap;

use super::diagnostic::DiagnosticKind as K;
use super::import::agency;
use super::keyword::Keyword;
use super::model::{Source, Timing};
use super::parts::{
    Component, DocumentForm, Fee, FeeBasis, Fees, Requirement, Waiver, WaiverSource,
};
use super::reader::{Cx, Tbl};
use super::tree::Node;
use super::validate;
use super::workflow::{FormPreset, FormRole, FormSet, Step, StepRole};
use crate::legal_time::{CutOff, TimeLimit, TimeUnit};

/// The largest fee line accepted, in đồng; anything above is taken as a typo.
pub const MAX_FEE_VND: u64 = 100_000_000;

fn read_source(cx: &mut Cx, n: &Node, p: &str) -> Option<Source> {
    cx.keyword::<Source>(n, p, K::UnknownKeyword)
}

pub(crate) fn timing(cx: &mut Cx, n: &Node, p: &str) -> Option<Timing> {
    let t = cx.table(n, p)?;
    cx.only_keys(
        &t,
        &[
            "amount",
            "unit",
            "source",
            "note",
            "cut_off",
            "cut_off_source",
            "saturday_morning_reception",
        ],
    );
    let amount = cx.maybe(&t, "amount", |cx, n, p| cx.uint(n, p, 10_000));
    let unit = cx.maybe(&t, "unit", |cx, n, p| {
        cx.keyword::<TimeUnit>(n, p, K::UnknownTimeUnit)
    });
    let source = cx.req(&t, "source", read_source);
    let note = cx.maybe(&t, "note", Cx::string);
    let cut_off = cx.maybe(&t, "cut_off", cut_off);
    let cut_off_source = cx.maybe(&t, "cut_off_source", read_source);
    let saturday = cx.maybe(&t, "saturday_morning_reception", Cx::boolean);
    let limit = match (amount?, unit?) {
        (Some(amount), Some(unit)) => Some(TimeLimit {
            amount: u32::try_from(amount).ok()?,
            unit,
        }),
        (None, None) => None,
        (Some(_), None) | (None, Some(_)) => {
            let missing = if t.get("unit").is_none() {
                "unit"
            } else {
                "amount"
            };
            cx.push(
                t.at(missing),
                K::MissingField,
                format!("thiếu `{missing}`: thời hạn cần cả `amount` và `unit`"),
                format!("missing `{missing}`: a time limit needs both `amount` and `unit`"),
            );
            return None;
        }
    };
    let timing = Timing {
        limit,
        source: source?,
        note: note?,
        cut_off: cut_off?,
        cut_off_source: cut_off_source?,
        saturday_morning_reception: saturday?.unwrap_or(false),
    };
    validate::timing(&mut cx.problems, p, &timing);
    Some(timing)
}

fn cut_off(cx: &mut Cx, n: &Node, p: &str) -> Option<CutOff> {
    let text = cx.string(n, p)?;
    let parsed = CutOff::parse(&text).ok();
    if parsed.is_none() {
        cx.push(
            p,
            K::CutOffOutOfRange,
            format!("giờ chốt \"{text}\" không hợp lệ; phải là HH:MM trong khoảng 00:00–23:59"),
            format!("cut-off \"{text}\" is invalid; expected HH:MM within 00:00–23:59"),
        );
    }
    parsed
}

pub(crate) fn fees(cx: &mut Cx, n: &Node, p: &str) -> Option<Fees> {
    let t = cx.table(n, p)?;
    cx.only_keys(&t, &["source", "note", "lines", "exemptions"]);
    let src = cx.req(&t, "source", read_source);
    let note = cx.maybe(&t, "note", Cx::string);
    let exemptions = cx
        .opt(&t, "exemptions", |cx, n, p| Some(cx.strings(n, p)))
        .unwrap_or_default();
    let lines = cx.maybe(&t, "lines", |cx, n, p| {
        let tables = cx.tables(n, p);
        let read: Vec<Option<Fee>> = tables.iter().map(|t| fee(cx, t)).collect();
        read.into_iter().collect::<Option<Vec<_>>>()
    });
    let fees = Fees {
        source: src?,
        note: note?,
        lines: lines?.unwrap_or_default(),
        exemptions,
    };
    validate::fees(&mut cx.problems, p, &fees);
    Some(fees)
}

fn fee(cx: &mut Cx, t: &Tbl<'_>) -> Option<Fee> {
    cx.only_keys(
        t,
        &[
            "name",
            "in_person_vnd",
            "online_vnd",
            "basis",
            "max_vnd",
            "source",
            "note",
        ],
    );
    let vnd = |cx: &mut Cx, n: &Node, p: &str| cx.uint(n, p, MAX_FEE_VND);
    let name = cx.req(t, "name", Cx::string);
    let in_person = cx.req(t, "in_person_vnd", vnd);
    let online = cx.maybe(t, "online_vnd", vnd);
    let basis = cx.req(t, "basis", |cx, n, p| {
        cx.keyword::<FeeBasis>(n, p, K::UnknownKeyword)
    });
    let max = cx.maybe(t, "max_vnd", vnd);
    let src = cx.maybe(t, "source", read_source);
    let note = cx.maybe(t, "note", Cx::string);
    Some(Fee {
        name: name?,
        in_person_vnd: in_person?,
        online_vnd: online?,
        basis: basis?,
        max_vnd: max?,
        source: src?,
        note: note?,
    })
}

pub(crate) fn components(cx: &mut Cx, n: &Node, p: &str) -> Option<Vec<Component>> {
    let tables = cx.tables(n, p);
    let read: Vec<Option<Component>> = tables.iter().map(|t| component(cx, t)).collect();
    for (t, c) in tables.iter().zip(&read) {
        if let Some(c) = c {
            validate::component(&mut cx.problems, &t.path, c);
        }
    }
    read.into_iter().collect()
}

fn component(cx: &mut Cx, t: &Tbl<'_>) -> Option<Component> {
    cx.only_keys(
        t,
        &[
            "name",
            "form",
            "count",
            "requirement",
            "condition",
            "waivers",
            "note",
        ],
    );
    let name = cx.req(t, "name", Cx::string);
    let form = cx.req(t, "form", |cx, n, p| {
        cx.keyword::<DocumentForm>(n, p, K::UnknownKeyword)
    });
    let count = cx.maybe(t, "count", |cx, n, p| cx.uint(n, p, 1_000));
    let requirement = cx.req(t, "requirement", requirement_word);
    let condition = cx.maybe(t, "condition", Cx::string);
    let waivers = cx.maybe(t, "waivers", |cx, n, p| {
        let tables = cx.tables(n, p);
        let read: Vec<Option<Waiver>> = tables.iter().map(|t| waiver(cx, t)).collect();
        read.into_iter().collect::<Option<Vec<_>>>()
    });
    let note = cx.maybe(t, "note", Cx::string);
    let requirement = match (requirement?, condition?) {
        ("conditional", Some(c)) => Requirement::Conditional(c),
        ("conditional", None) => {
            cx.push(
                t.at("condition"),
                K::MissingField,
                "thành phần có điều kiện cần trường `condition` nêu rõ trường hợp",
                "a conditional component needs a `condition` saying when it applies",
            );
            return None;
        }
        (_, Some(_)) => {
            cx.push(
                t.at("condition"),
                K::UnknownField,
                "`condition` chỉ dùng khi `requirement = \"conditional\"`",
                "`condition` is only used with `requirement = \"conditional\"`",
            );
            return None;
        }
        ("optional", None) => Requirement::Optional,
        _ => Requirement::Required,
    };
    Some(Component {
        name: name?,
        form: form?,
        count: u32::try_from(count?.unwrap_or(1)).ok()?,
        requirement,
        waivers: waivers?.unwrap_or_default(),
        note: note?,
    })
}

fn requirement_word(cx: &mut Cx, n: &Node, p: &str) -> Option<&'static str> {
    let word = cx.string(n, p)?;
    let found = Requirement::KEYWORDS.into_iter().find(|k| *k == word);
    if found.is_none() {
        cx.push(
            p,
            K::UnknownKeyword,
            format!(
                "giá trị \"{word}\" không hợp lệ; chỉ chấp nhận: required, optional, conditional"
            ),
            format!("unknown value \"{word}\"; expected one of: required, optional, conditional"),
        );
    }
    found
}

fn waiver(cx: &mut Cx, t: &Tbl<'_>) -> Option<Waiver> {
    cx.only_keys(t, &["source", "text"]);
    let src = cx.req(t, "source", |cx, n, p| {
        cx.keyword::<WaiverSource>(n, p, K::UnknownWaiverSource)
    });
    let text = cx.maybe(t, "text", Cx::string);
    let src = src?;
    Some(Waiver {
        source: src,
        text: text?.unwrap_or_else(|| src.default_text().to_owned()),
    })
}

pub(crate) fn forms(cx: &mut Cx, n: &Node, p: &str) -> Option<FormSet> {
    let t = cx.table(n, p)?;
    let preset = cx.maybe(&t, "preset", |cx, n, p| {
        cx.keyword::<FormPreset>(n, p, K::UnknownKeyword)
    });
    let mut overrides = BTreeMap::new();
    let mut ok = true;
    for e in t.entries.iter().filter(|e| e.key != "preset") {
        let path = t.at(&e.key);
        match FormRole::from_keyword(&e.key) {
            Some(role) => match cx.string(&e.node, &path) {
                Some(code) => {
                    overrides.insert(role, code);
                }
                None => ok = false,
            },
            None => {
                ok = false;
                let list = FormRole::expected();
                cx.push(
                    path,
                    K::UnknownField,
                    format!(
                        "vai trò biểu mẫu \"{}\" không hợp lệ; dùng `preset` hoặc: {list}",
                        e.key
                    ),
                    format!(
                        "unknown form role \"{}\"; use `preset` or one of: {list}",
                        e.key
                    ),
                );
            }
        }
    }
    let preset = preset?.unwrap_or(FormPreset::OneStop);
    // An override equal to the preset's own form says nothing: drop it so export is canonical.
    overrides.retain(|role, code| preset.form_for(*role) != Some(code.as_str()));
    ok.then_some(FormSet { preset, overrides })
}

pub(crate) fn steps(cx: &mut Cx, n: &Node, p: &str) -> Option<Vec<Step>> {
    let tables = cx.tables(n, p);
    let read: Vec<Option<Step>> = tables.iter().map(|t| step(cx, t)).collect();
    let steps: Vec<Step> = read.into_iter().collect::<Option<_>>()?;
    validate::steps(&mut cx.problems, p, &steps);
    Some(steps)
}

fn step(cx: &mut Cx, t: &Tbl<'_>) -> Option<Step> {
    cx.only_keys(t, &["name", "role", "agency", "share_percent"]);
    let name = cx.req(t, "name", Cx::string);
    let role = cx.req(t, "role", |cx, n, p| {
        cx.keyword::<StepRole>(n, p, K::UnknownKeyword)
    });
    let agency = cx.req(t, "agency", agency);
    let share = cx.req(t, "share_percent", |cx, n, p| cx.uint(n, p, 100));
    Some(Step {
        name: name?,
        role: role?,
        agency: agency?,
        share_percent: u8::try_from(share?).ok()?,
    })
}
