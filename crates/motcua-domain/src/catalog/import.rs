//! Reading the TOML catalog format: [`parse_catalog`] and [`check`].

use uuid::Uuid;

use super::code::ProcedureCode;
use super::diagnostic::{Diagnostic, DiagnosticKind as K, LineIndex, Problem};
use super::import_parts as parts;
use super::model::{AgencyType, BoundaryFree, Field, ProcedureVersion};
use super::model::{Level, OnlineLevel, Procedure, Source};
use super::reader::{Cx, Tbl};
use super::tree::{self, Node, SpanIndex};
use super::validate::{self, Head};

/// Keys allowed in a `[[procedure]]` table.
const PROCEDURE_KEYS: &[&str] = &[
    "code",
    "version",
    "valid_from",
    "valid_to",
    "portal_id",
    "name",
    "field",
    "levels",
    "agencies",
    "online",
    "phi_dia_gioi",
    "timing",
    "fees",
    "components",
    "results",
    "legal_basis",
    "forms",
    "steps",
    "source",
    "source_note",
];

/// Parses a catalog file (one or more `[[procedure]]` tables).
///
/// `file_name` is only used in diagnostics. On any problem, returns **all**
/// diagnostics of the file (syntax, types, missing fields, semantic checks).
pub fn parse_catalog(
    file_name: &str,
    text: &str,
) -> Result<Vec<ProcedureVersion>, Vec<Diagnostic>> {
    let (versions, diagnostics) = read(file_name, text);
    if diagnostics.is_empty() {
        Ok(versions)
    } else {
        Err(diagnostics)
    }
}

/// Every problem in a catalog file, in file order; empty when the file is valid.
pub fn check(file_name: &str, text: &str) -> Vec<Diagnostic> {
    read(file_name, text).1
}

fn read(file_name: &str, text: &str) -> (Vec<ProcedureVersion>, Vec<Diagnostic>) {
    let lines = LineIndex::new(text);
    let root = match tree::parse(text) {
        Ok(root) => root,
        Err((message, span)) => {
            let (line, column) = span.map_or((0, 0), |s| lines.position(s.start));
            let d = Diagnostic {
                file: file_name.to_owned(),
                line,
                column,
                path: String::new(),
                kind: K::Syntax,
                message_vi: format!("lỗi cú pháp TOML: {}", message.trim()),
                message_en: format!("TOML syntax error: {}", message.trim()),
            };
            return (Vec::new(), vec![d]);
        }
    };
    let mut cx = Cx::default();
    let mut built = Vec::new();
    let mut heads = Vec::new();
    if let Some(top) = cx.table(&root, "") {
        cx.only_keys(&top, &["procedure"]);
        let procedures = cx
            .req(&top, "procedure", |cx, n, p| Some(cx.tables(n, p)))
            .unwrap_or_default();
        for (index, t) in procedures.iter().enumerate() {
            built.extend(read_procedure(&mut cx, t, index, &mut heads));
        }
    }
    let mut problems = cx.problems;
    validate::versions_of_codes(&mut problems, &heads);
    let spans = SpanIndex::build(&root);
    let mut diagnostics: Vec<Diagnostic> = problems
        .into_iter()
        .map(|p| {
            let (line, column) = spans
                .find(&p.path)
                .map_or((0, 0), |s| lines.position(s.start));
            place(file_name, line, column, p)
        })
        .collect();
    diagnostics.sort_by_key(|d| (d.line, d.column));
    (built, diagnostics)
}

/// Turns a problem into a diagnostic at a place in a file.
pub(crate) fn place(file: &str, line: usize, column: usize, p: Problem) -> Diagnostic {
    Diagnostic {
        file: file.to_owned(),
        line,
        column,
        path: p.path,
        kind: p.kind,
        message_vi: p.vi,
        message_en: p.en,
    }
}

/// Reads the `index`-th `[[procedure]]`; records its code and validity in
/// `heads` whenever those could be read, for the checks across versions.
fn read_procedure(
    cx: &mut Cx,
    t: &Tbl<'_>,
    index: usize,
    heads: &mut Vec<Head>,
) -> Option<ProcedureVersion> {
    cx.only_keys(t, PROCEDURE_KEYS);
    let code = cx.req(t, "code", code);
    let version = cx.req(t, "version", |cx, n, p| cx.uint(n, p, 10_000));
    let valid_from = cx.req(t, "valid_from", Cx::date);
    let valid_to = cx.maybe(t, "valid_to", Cx::date);
    let portal_id = cx.maybe(t, "portal_id", uuid);
    let name = cx.req(t, "name", Cx::string);
    let field = cx.req(t, "field", field);
    let levels = cx.req(t, "levels", keywords::<Level>);
    let agencies = cx.req(t, "agencies", agencies);
    let online = cx.req(t, "online", |cx, n, p| {
        cx.keyword::<OnlineLevel>(n, p, K::UnknownKeyword)
    });
    let phi_dia_gioi = cx.maybe(t, "phi_dia_gioi", boundary_free);
    let timing = cx.req(t, "timing", parts::timing);
    let fees = cx.req(t, "fees", parts::fees);
    let components = cx.opt(t, "components", parts::components);
    let results = cx
        .opt(t, "results", |cx, n, p| Some(cx.strings(n, p)))
        .unwrap_or_default();
    let legal_basis = cx
        .opt(t, "legal_basis", |cx, n, p| Some(cx.strings(n, p)))
        .unwrap_or_default();
    let forms = cx.maybe(t, "forms", parts::forms);
    let steps = cx.opt(t, "steps", parts::steps);
    let source = cx.req(t, "source", |cx, n, p| {
        cx.keyword::<Source>(n, p, K::UnknownKeyword)
    });
    let source_note = cx.req(t, "source_note", Cx::string);
    for (key, value) in [("name", &name), ("source_note", &source_note)] {
        if let Some(value) = value {
            validate::text(&mut cx.problems, t.at(key), value);
        }
    }
    let version = u32::try_from(version?).ok()?;
    if version == 0 {
        cx.push(
            t.at("version"),
            K::OutOfRange,
            "số phiên bản bắt đầu từ 1",
            "version numbers start at 1",
        );
        return None;
    }
    if let (Some(code), Some(valid_from), Some(valid_to)) = (&code, valid_from, valid_to) {
        let code = code.clone();
        heads.push(Head {
            index,
            code,
            version,
            valid_from,
            valid_to,
        });
    }
    Some(ProcedureVersion {
        version,
        valid_from: valid_from?,
        valid_to: valid_to?,
        procedure: Procedure {
            code: code?,
            portal_id: portal_id?,
            name: name?,
            field: field?,
            levels: levels?,
            agencies: agencies?,
            online: online?,
            phi_dia_gioi: phi_dia_gioi?,
            timing: timing?,
            fees: fees?,
            components: components.unwrap_or_default(),
            results,
            legal_basis,
            forms: forms?.unwrap_or_default(),
            steps: steps.unwrap_or_default(),
            source: source?,
            source_note: source_note?,
        },
    })
}

fn code(cx: &mut Cx, n: &Node, p: &str) -> Option<ProcedureCode> {
    let text = cx.string(n, p)?;
    let parsed = ProcedureCode::parse(&text).ok();
    if parsed.is_none() {
        cx.push(
            p,
            K::InvalidCode,
            format!("mã thủ tục \"{text}\" không hợp lệ; đúng dạng d.dddddd hoặc d.dddddd.dd (ví dụ 1.001193)"),
            format!("procedure code \"{text}\" is invalid; expected d.dddddd or d.dddddd.dd (e.g. 1.001193)"),
        );
    }
    parsed
}

fn uuid(cx: &mut Cx, n: &Node, p: &str) -> Option<Uuid> {
    let text = cx.string(n, p)?;
    let parsed = Uuid::parse_str(&text).ok();
    if parsed.is_none() {
        cx.push(
            p,
            K::InvalidValue,
            format!("\"{text}\" không phải UUID"),
            format!("\"{text}\" is not a UUID"),
        );
    }
    parsed
}

/// A non-empty list of keywords (bad ones are reported).
pub(crate) fn keywords<E: super::keyword::Keyword>(
    cx: &mut Cx,
    n: &Node,
    p: &str,
) -> Option<Vec<E>> {
    let items = cx.array(n, p);
    if items.is_empty() {
        cx.push(
            p,
            K::EmptyValue,
            "danh sách không được để trống",
            "the list must not be empty",
        );
        return None;
    }
    let read: Vec<Option<E>> = items
        .iter()
        .map(|(ip, node)| cx.keyword::<E>(node, ip, K::UnknownKeyword))
        .collect();
    read.into_iter().collect()
}

fn agencies(cx: &mut Cx, n: &Node, p: &str) -> Option<Vec<AgencyType>> {
    let items = cx.array(n, p);
    if items.is_empty() {
        cx.push(
            p,
            K::EmptyValue,
            "cần ít nhất một cơ quan",
            "at least one agency is needed",
        );
        return None;
    }
    let read: Vec<Option<AgencyType>> = items
        .iter()
        .map(|(ip, node)| agency(cx, node, ip))
        .collect();
    read.into_iter().collect()
}

/// An agency keyword, or a free-text Vietnamese name for [`AgencyType::Other`].
/// A lower-case identifier that is not a keyword is taken as a typo.
pub(crate) fn agency(cx: &mut Cx, n: &Node, p: &str) -> Option<AgencyType> {
    let text = cx.string(n, p)?;
    if let Some(a) = AgencyType::from_keyword(&text) {
        return Some(a);
    }
    let looks_like_keyword = text
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if text.trim().is_empty() || looks_like_keyword {
        let list = AgencyType::KEYWORDS.join(", ");
        cx.push(
            p,
            K::UnknownKeyword,
            format!("cơ quan \"{text}\" không hợp lệ; dùng {list}, hoặc ghi đầy đủ tên tiếng Việt của cơ quan khác"),
            format!("unknown agency \"{text}\"; use {list}, or write another agency's full Vietnamese name"),
        );
        return None;
    }
    Some(AgencyType::Other(text))
}

fn field(cx: &mut Cx, n: &Node, p: &str) -> Option<Field> {
    let t = cx.table(n, p)?;
    cx.only_keys(&t, &["code", "name"]);
    let code = cx.maybe(&t, "code", Cx::string);
    let name = cx.req(&t, "name", Cx::string);
    if let Some(name) = &name {
        validate::text(&mut cx.problems, t.at("name"), name);
    }
    Some(Field {
        code: code?,
        name: name?,
    })
}

fn boundary_free(cx: &mut Cx, n: &Node, p: &str) -> Option<BoundaryFree> {
    let t = cx.table(n, p)?;
    cx.only_keys(&t, &["effective_from", "basis"]);
    let effective_from = cx.req(&t, "effective_from", Cx::date);
    let basis = cx.maybe(&t, "basis", Cx::string);
    Some(BoundaryFree {
        effective_from: effective_from?,
        basis: basis?,
    })
}
