//! The procedure page (trang thủ tục): what it is, who decides, the time
//! limit, fees, each component (with "không cần nộp nếu ..." for the
//! waivable ones), where to file, its QR code and a print view.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use motcua_domain::catalog::{
    AgencyType, DocumentForm, OnlineLevel, ProcedureCode, ProcedureVersion, Requirement, Source,
};

use super::{limit_words, vnd};
use crate::AppState;
use crate::i18n::Messages;

/// One fee line.
pub struct FeeView {
    /// Name.
    pub name: String,
    /// In person, in đồng.
    pub in_person: String,
    /// Online, in đồng.
    pub online: String,
    /// Note.
    pub note: String,
}

/// One component.
pub struct ComponentView {
    /// Name.
    pub name: String,
    /// Required / optional / "only when ...".
    pub requirement: String,
    /// Original, copy...
    pub form: String,
    /// Copies.
    pub count: u32,
    /// "Không cần nộp nếu ..." texts.
    pub waivers: Vec<String>,
    /// Note.
    pub note: String,
}

/// `templates/pages/citizen/procedure.html`.
#[derive(Template)]
#[template(path = "pages/citizen/procedure.html")]
pub struct ProcedurePage {
    /// Messages.
    pub t: Messages,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Field.
    pub field: String,
    /// Results issued.
    pub results: Vec<String>,
    /// The sentence for a fact the catalog does not know.
    pub unknown: String,
    /// Deciding agencies, in words.
    pub agencies: Vec<String>,
    /// The time limit in words.
    pub limit: String,
    /// Its qualification.
    pub limit_note: String,
    /// The cut-off rule in words.
    pub cutoff: String,
    /// Fee lines.
    pub fees: Vec<FeeView>,
    /// What to say when there are no fee lines: free when the catalog
    /// says so, otherwise "not yet known".
    pub fees_none: String,
    /// Fee note.
    pub fee_note: String,
    /// Exemptions.
    pub exemptions: Vec<String>,
    /// Components.
    pub components: Vec<ComponentView>,
    /// Filed anywhere in the province.
    pub boundary_free: bool,
    /// Filed online here.
    pub online: bool,
    /// Legal basis.
    pub legal_basis: Vec<String>,
}

/// `templates/pages/citizen/missing.html`.
#[derive(Template)]
#[template(path = "pages/citizen/missing.html")]
pub struct MissingPage {
    /// Messages.
    pub t: Messages,
}

/// A "no such procedure" page with status 404.
pub fn missing(t: Messages) -> Response {
    let mut res = crate::pages::render(t, &MissingPage { t });
    *res.status_mut() = StatusCode::NOT_FOUND;
    res
}

/// The version of `code` in force today, if any.
pub async fn in_force(state: &AppState, code: &str) -> Option<ProcedureVersion> {
    let code = ProcedureCode::parse(code).ok()?;
    state
        .catalog
        .in_force(&code, state.clock.today())
        .await
        .ok()
}

/// Whether a procedure may be filed online here: unless the catalog says
/// it is not offered online (an unknown level is offered, as the national
/// portal offers most commune procedures).
pub fn offered_online(v: &ProcedureVersion) -> bool {
    v.procedure.online != OnlineLevel::None
}

fn agency_words(t: Messages, a: &AgencyType) -> String {
    match a {
        AgencyType::UbndXa => t.get("citizen-agency-ubnd-xa"),
        AgencyType::CongAnXa => t.get("citizen-agency-cong-an-xa"),
        AgencyType::UbndTinh => t.get("citizen-agency-ubnd-tinh"),
        AgencyType::SoTuPhap => t.get("citizen-agency-so-tu-phap"),
        AgencyType::Bhxh => t.get("citizen-agency-bhxh"),
        AgencyType::Other(name) => public_text(name),
    }
}

fn form_words(t: Messages, f: DocumentForm) -> String {
    t.get(match f {
        DocumentForm::Original => "citizen-form-original",
        DocumentForm::CertifiedCopy => "citizen-form-certified-copy",
        DocumentForm::Copy => "citizen-form-copy",
        DocumentForm::PresentOnly => "citizen-form-present-only",
    })
}

/// The requirement of a component in words. A condition reads as one
/// clause after "Chỉ khi": its own "Trường hợp", "Khi" or "Chỉ khi" and its
/// final full stop are dropped and its first letter is lower-cased
/// ("Chỉ khi trẻ bị bỏ rơi", not "Chỉ khi Trường hợp trẻ bị bỏ rơi.").
pub fn requirement_words(t: Messages, r: &Requirement) -> String {
    match r {
        Requirement::Required => t.get("citizen-required"),
        Requirement::Optional => t.get("citizen-optional"),
        Requirement::Conditional(when) => {
            format!(
                "{} {}",
                t.get("citizen-conditional"),
                condition_clause(when)
            )
        }
    }
}

/// A catalog condition as the clause that follows "Chỉ khi".
fn condition_clause(when: &str) -> String {
    let mut text = public_text(when);
    loop {
        let lower = text.to_lowercase();
        let Some(prefix) = ["chỉ khi ", "trường hợp ", "khi "]
            .iter()
            .find(|p| lower.starts_with(*p))
        else {
            break;
        };
        // Case folding keeps these letters' UTF-8 lengths; `get` guards it.
        let Some(rest) = text.get(prefix.len()..) else {
            break;
        };
        text = rest.trim_start().to_owned();
    }
    let text = text.trim_end_matches(['.', ' ']);
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

/// The sentence for a fact the catalog does not know, inside Vietnamese
/// catalog text (which public pages mark `lang="vi"`).
const UNKNOWN_VI: &str = "chưa có thông tin, hỏi tại bộ phận một cửa";

/// The research tags of the catalog's fact sheet (see
/// [`motcua_domain::catalog::Source`]).
const TAGS: [&str; 3] = ["[L]", "[S]", "[R]"];

/// Whether catalog text carries a research marker: a source tag, a
/// not-found mark or "chưa kiểm chứng".
pub fn has_marker(text: &str) -> bool {
    TAGS.iter().any(|tag| text.contains(tag))
        || text.contains("NOT FOUND")
        || text.contains("NOT_FOUND")
        || text.contains("chưa kiểm chứng")
}

/// Catalog free text as the public may read it: the catalog keeps its
/// research markers (officers and `catalog export` see them) but public
/// pages never show them. A not-found fact reads "chưa có thông tin, hỏi
/// tại bộ phận một cửa"; a clause that only qualifies the source
/// (" — \[R\] chưa kiểm chứng", "(\[S\])") is dropped; a note that is itself a
/// research note (it starts with a tag) is dropped whole.
pub fn public_text(text: &str) -> String {
    if TAGS.iter().any(|tag| text.trim_start().starts_with(tag)) {
        return String::new();
    }
    let mut out = text
        .replace("NOT FOUND", UNKNOWN_VI)
        .replace("NOT_FOUND", UNKNOWN_VI);
    // " — <clause>" up to ")" or ";" or the end, when the clause is a marker.
    let dash = " — ";
    let mut from = 0;
    while let Some(at) = out[from..].find(dash).map(|i| i + from) {
        let body = at + dash.len();
        let end = out[body..].find([')', ';']).map_or(out.len(), |i| i + body);
        let clause = out[body..end].trim_end_matches('.');
        if has_marker(clause) {
            let cut = body + clause.len();
            out.replace_range(at..cut, "");
            from = at;
        } else {
            from = body;
        }
    }
    for tag in TAGS {
        out = out
            .replace(&format!(" ({tag})"), "")
            .replace(&format!("({tag})"), "")
            .replace(&format!(" {tag}"), "")
            .replace(tag, "");
    }
    out = out
        .replace(" chưa kiểm chứng", "")
        .replace("chưa kiểm chứng", "");
    while out.contains("  ") {
        out = out.replace("  ", " ");
    }
    out.replace(" .", ".")
        .replace(" ,", ",")
        .replace(" )", ")")
        .replace("()", "")
        .replace("..", ".")
        .trim()
        .to_owned()
}

/// Public texts of a list, without those left empty.
fn public_list(items: &[String]) -> Vec<String> {
    items
        .iter()
        .map(|s| public_text(s))
        .filter(|s| !s.is_empty())
        .collect()
}

/// An optional catalog note as public text ("" when none).
fn public_note(note: Option<&String>) -> String {
    note.map(|n| public_text(n)).unwrap_or_default()
}

/// `GET /thu-tuc/{code}`.
pub async fn page(
    State(state): State<AppState>,
    t: Messages,
    code: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Response {
    let code = code.map(|Path(c)| c).unwrap_or_default();
    let Some(v) = in_force(&state, &code).await else {
        return missing(t);
    };
    let p = &v.procedure;
    let page = ProcedurePage {
        t,
        code: p.code.as_str().to_owned(),
        name: p.name.clone(),
        field: if has_marker(&p.field.name) {
            t.get("citizen-unknown")
        } else {
            p.field.name.clone()
        },
        results: public_list(&p.results),
        unknown: t.get("citizen-unknown"),
        agencies: p.agencies.iter().map(|a| agency_words(t, a)).collect(),
        limit: p
            .timing
            .limit
            .as_ref()
            .map_or_else(|| t.get("citizen-limit-unknown"), |l| limit_words(t, l)),
        limit_note: public_note(p.timing.note.as_ref()),
        cutoff: p
            .timing
            .cut_off
            .map(|c| {
                t.with_text(
                    "citizen-cutoff",
                    "time",
                    &format!("{:02}:{:02}", c.hour(), c.minute()),
                )
            })
            .unwrap_or_default(),
        fees: p
            .fees
            .lines
            .iter()
            .map(|f| FeeView {
                name: public_text(&f.name),
                in_person: vnd(f.in_person_vnd),
                online: vnd(f.online_amount()),
                note: public_note(f.note.as_ref()),
            })
            .collect(),
        fees_none: if p.fees.source == Source::NotFound {
            t.get("citizen-unknown")
        } else {
            t.get("citizen-fees-none")
        },
        fee_note: public_note(p.fees.note.as_ref()),
        exemptions: public_list(&p.fees.exemptions),
        components: p
            .components
            .iter()
            .map(|c| ComponentView {
                name: public_text(&c.name),
                requirement: requirement_words(t, &c.requirement),
                form: form_words(t, c.form),
                count: c.count,
                waivers: c.waivers.iter().map(|w| public_text(&w.text)).collect(),
                note: public_note(c.note.as_ref()),
            })
            .collect(),
        boundary_free: p.phi_dia_gioi.is_some(),
        online: offered_online(&v),
        legal_basis: public_list(&p.legal_basis),
    };
    crate::pages::render(t, &page).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn public_text_drops_markers_and_keeps_the_sense() {
        let cases = [
            (
                "Luật Hộ tịch 2014 (Điều 11 khoản 1; Điều 18 — thời hạn: [R] chưa kiểm chứng)",
                "Luật Hộ tịch 2014 (Điều 11 khoản 1; Điều 18)",
            ),
            (
                "tối đa 05 ngày làm việc nếu cần xác minh (Luật Hộ tịch, Điều 18 — [R]). Xác minh: 03 ngày làm việc [S].",
                "tối đa 05 ngày làm việc nếu cần xác minh (Luật Hộ tịch, Điều 18). Xác minh: 03 ngày làm việc.",
            ),
            (
                "Theo TT 226/2016 ([R]): áp dụng cho trang thứ nhất.",
                "Theo TT 226/2016: áp dụng cho trang thứ nhất.",
            ),
            (
                "Thông tư 226/2016/TT-BTC: tối đa 200.000 đồng/bản — chưa kiểm chứng.",
                "Thông tư 226/2016/TT-BTC: tối đa 200.000 đồng/bản.",
            ),
            (
                "Mức lệ phí khi đăng ký quá hạn: NOT FOUND.",
                "Mức lệ phí khi đăng ký quá hạn: chưa có thông tin, hỏi tại bộ phận một cửa.",
            ),
            (
                "[S] nguồn thứ cấp; chưa đối chiếu Nghị định 168/2025/NĐ-CP.",
                "",
            ),
            ("Bản sao — khi có yêu cầu", "Bản sao — khi có yêu cầu"),
        ];
        for (raw, public) in cases {
            assert_eq!(public_text(raw), public, "{raw}");
            assert!(!has_marker(&public_text(raw)), "{raw}");
        }
    }

    #[test]
    fn a_condition_reads_as_one_clause_after_chi_khi() {
        let t = Messages {
            locale: Locale::Vi,
            demo: false,
        };
        for (when, words) in [
            ("Trường hợp trẻ bị bỏ rơi.", "Chỉ khi trẻ bị bỏ rơi"),
            (
                "Chỉ khi thông tin chưa có trong CSDL.",
                "Chỉ khi thông tin chưa có trong CSDL",
            ),
            ("Khi đề nghị miễn lệ phí.", "Chỉ khi đề nghị miễn lệ phí"),
            (
                "Đăng ký tạm trú theo danh sách.",
                "Chỉ khi đăng ký tạm trú theo danh sách",
            ),
        ] {
            let r = Requirement::Conditional(when.into());
            assert_eq!(requirement_words(t, &r), words);
        }
    }
}
