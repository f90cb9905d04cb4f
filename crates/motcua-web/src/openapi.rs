//! The OpenAPI document, generated from the handlers' annotations and
//! completed by [`spec`]: security schemes, problem media types, the real
//! media types of the CSV export and the attachment download.

use std::sync::OnceLock;

use axum::Json;
use serde_json::{Value, json};
use utoipa::OpenApi;

use crate::api;
use crate::problem::Problem;

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "motcua API", description = "Hệ thống một cửa / one-stop administrative service",
        license(name = "MIT OR Apache-2.0")),
    paths(
        api::health::healthz, api::health::readyz,
        api::units::list, api::units::detail, api::units::legacy,
        api::addresses::convert,
        api::agencies::list, api::agencies::get, api::agencies::create, api::agencies::update,
        api::procedures::list, api::procedures::detail, api::procedures::version,
        api::procedures::qr_svg, api::procedures::qr_png,
        api::clock::year, api::clock::due_date,
        api::dossiers::create, api::dossiers::act, api::dossiers::get, api::dossiers::list,
        api::filings::create,
        api::tracking::track,
        api::payments::start, api::payments::callback, api::payments::list,
        api::feedback::create, api::feedback::list, api::feedback::get, api::feedback::act,
        api::feedback::rate, api::feedback::supplement, api::feedback::published,
        api::obstacles::create, api::obstacles::list, api::obstacles::act, api::obstacles::report,
        api::staff::list, api::staff::import, api::staff::workload, api::staff::shortages,
        api::classification::classify, api::classification::last,
        api::training::list_courses, api::training::create_course, api::training::list_sessions,
        api::training::create_session, api::training::enrol, api::training::complete,
        api::training::plan, api::training::follow_up,
        api::attachments::upload, api::attachments::list, api::attachments::download,
        api::registry::lookup, api::registry::list_grants, api::registry::create_grant,
        api::registry::revoke_grant,
        api::exchange::dead_letters, api::exchange::replay,
        api::national::intake, api::national::totals, api::national::obstacles,
        api::service_index::get,
        api::sector::list, api::sector::get, api::sector::accept, api::sector::progress,
        api::sector::decline, api::sector::result,
        api::webhooks::list, api::webhooks::create, api::webhooks::get, api::webhooks::update,
        api::webhooks::delete, api::webhooks::rotate,
        crate::metrics::render, document,
    ),
    components(schemas(Problem)),
    tags((name = "units", description = "Đơn vị hành chính / administrative units"),
         (name = "addresses", description = "Chuyển địa chỉ cũ sang đơn vị hành chính hiện nay / old addresses to current units"),
         (name = "agencies", description = "Cơ quan, điểm tiếp nhận / agencies and service points"),
         (name = "procedures", description = "Thủ tục hành chính / administrative procedures"),
         (name = "calendar", description = "Lịch làm việc, thời hạn giải quyết / working calendar and due dates"),
         (name = "dossiers", description = "Hồ sơ: tiếp nhận, xử lý, danh sách công việc / dossiers: reception, actions, work lists"),
         (name = "attachments", description = "Tệp đính kèm của hồ sơ / dossier attachments"),
         (name = "tracking", description = "Tra cứu hồ sơ công khai / public tracking"),
         (name = "payments", description = "Thanh toán phí, lệ phí trực tuyến / online fee payment"),
         (name = "feedback", description = "Phản ánh, kiến nghị (PAKN): gửi, xử lý, công khai trả lời / citizens' feedback and complaints: send, handle, publish answers"),
         (name = "obstacles", description = "Khó khăn, vướng mắc: báo cáo lên cấp trên, trả lời, báo cáo tháng / difficulties and obstacles reported upward, answered, monthly report"),
         (name = "staff", description = "Cán bộ, khối lượng công việc, thiếu hụt chuyên môn / staff, measured workload, expertise shortages"),
         (name = "training", description = "Đào tạo, bồi dưỡng: khoá học, lớp, hoàn thành, kế hoạch từ tín hiệu thiếu hụt, theo dõi sau đào tạo / training: courses, sessions, completions, the plan from the shortage signal, the follow-up"),
         (name = "registry", description = "Khai thác dữ liệu dân cư, phân quyền khai thác / population registry look-ups and grants"),
         (name = "exchange", description = "Trao đổi dữ liệu: thư chết của hàng đợi gửi đi / exchange: outbox dead letters (event schema: docs/asyncapi.yaml)"),
         (name = "national", description = "Trung tâm quốc gia: nhận đồng bộ từ các tỉnh / national hub: province syncs"),
         (name = "service-index", description = "Bộ chỉ số 766 phục vụ người dân, doanh nghiệp: điểm, xếp hạng, hồ sơ phía sau từng chỉ số / the Decision 766 service index: score, ranking, the dossiers behind each indicator"),
         (name = "sector", description = "Liên thông ngành dọc: hệ thống ngành nhận, báo tiến độ, trả kết quả (khóa API, vai trò system) / vertical-sector systems: accept, progress, result (API key, system role)"),
         (name = "webhooks", description = "Webhook có chữ ký cho hệ thống chuyên ngành / signed webhooks for sector systems (Standard Webhooks)"),
         (name = "ops", description = "Health, metrics and this document / sức khỏe, số đo và tài liệu này"))
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
#[utoipa::path(get, path = "/api/openapi.json", operation_id = "getOpenApiDocument", tag = "ops",
    responses((status = 200, description = "tài liệu OpenAPI 3.1 này / this OpenAPI 3.1 document", body = Object)))]
pub async fn document() -> Json<Value> {
    Json(spec().clone())
}

/// Operations that also take an anonymous caller (a citizen filing online
/// or holding the tracking secret), besides the officer schemes.
const ANONYMOUS_TOO: [&str; 5] = [
    "createDossier",
    "createFiling",
    "uploadAttachment",
    "listAttachments",
    "downloadAttachment",
];

/// Operations authenticated some other way (the national hub checks the
/// sending province's signature).
const OWN_AUTHENTICATION: [&str; 1] = ["receiveNationalEvents"];

/// The whole document, as served (built once).
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_else(|_| json!({}));
        complete(&mut doc);
        doc
    })
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn problem_content() -> Value {
    json!({ "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } })
}

/// What the annotations cannot say.
fn complete(doc: &mut Value) {
    doc["components"]["securitySchemes"] = json!({
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "Khóa API `mck_…` (`motcua apikeys create`) / an API key `mck_…`; \
                            khi bật đăng nhập phát triển (`serve --demo`) cũng nhận \
                            `dev:<cán bộ>:<mã cơ quan>` / with the development login on, also \
                            `dev:<officer>:<agency id>`"
        },
        "session": {
            "type": "apiKey",
            "in": "cookie",
            "name": crate::auth::SESSION_COOKIE,
            "description": "Phiên đăng nhập của trang (`/dang-nhap`) / the pages' login session"
        }
    });
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        for method in METHODS {
            let Some(op) = item.get_mut(method).filter(|op| op.is_object()) else {
                continue;
            };
            complete_operation(op);
        }
    }
}

fn complete_operation(op: &mut Value) {
    let id = op["operationId"].as_str().unwrap_or_default().to_owned();
    let responses = &mut op["responses"];
    if let Some(map) = responses.as_object_mut() {
        for (status, response) in map.iter_mut() {
            let error = status == "default" || status.starts_with('4') || status.starts_with('5');
            if !error {
                continue;
            }
            if let Some(content) = response.get_mut("content").and_then(Value::as_object_mut)
                && let Some(json_body) = content.remove("application/json")
            {
                content.insert("application/problem+json".to_owned(), json_body);
            }
        }
        map.entry("default").or_insert_with(|| {
            json!({
                "description": "Lỗi khác, dạng Problem Details (RFC 9457) / any other error, as Problem Details (RFC 9457)",
                "content": problem_content(),
            })
        });
    }
    let authenticated = op["responses"].get("401").is_some();
    if authenticated && !OWN_AUTHENTICATION.contains(&id.as_str()) {
        let mut security = vec![json!({ "bearer": [] }), json!({ "session": [] })];
        if ANONYMOUS_TOO.contains(&id.as_str()) {
            security.push(json!({}));
        }
        op["security"] = Value::Array(security);
    }
    match id.as_str() {
        "listDossiers" => {
            op["responses"]["200"]["content"]["text/csv"] = json!({
                "schema": { "type": "string" },
            });
            op["responses"]["200"]["description"] = json!(
                "trang danh sách (JSON) hoặc tệp CSV khi `format=csv` / a page (JSON), or CSV with `format=csv`"
            );
        }
        "downloadAttachment" => {
            let binary = json!({ "schema": { "type": "string", "format": "binary" } });
            op["responses"]["200"]["content"] = json!({
                "application/pdf": binary,
                "image/jpeg": binary,
                "image/png": binary,
            });
        }
        "receiveNationalEvents" => {
            op["requestBody"]["content"] = json!({
                "application/cloudevents+json": { "schema": { "type": "object" } },
                "application/cloudevents-batch+json": {
                    "schema": { "type": "array", "items": { "type": "object" } }
                },
            });
        }
        _ => {}
    }
    if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
        for param in params {
            let schema = &mut param["schema"];
            // An unsigned 32-bit number is not an OpenAPI int32: say its range.
            if schema["format"] == "int32" && schema["minimum"] == 0 {
                if let Some(s) = schema.as_object_mut() {
                    s.remove("format");
                }
                schema["maximum"] = json!(u32::MAX);
            }
            // Lists refuse an empty page (the dead letters clamp to 1–500).
            if param["in"] == "query" && param["name"] == "limit" && id != "listDeadLetters" {
                param["schema"]["minimum"] = json!(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    fn operations() -> Vec<(String, String, Value)> {
        let mut out = Vec::new();
        for (path, item) in spec()["paths"].as_object().expect("paths") {
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    out.push((method.to_owned(), path.clone(), op.clone()));
                }
            }
        }
        out
    }

    #[test]
    fn every_operation_has_a_unique_id() {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (method, path, op) in operations() {
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"))
                .to_owned();
            if let Some(other) = seen.insert(id.clone(), format!("{method} {path}")) {
                panic!("operationId {id} used by {other} and {method} {path}");
            }
        }
        assert!(seen.len() >= 46, "only {} operations", seen.len());
    }

    #[test]
    fn path_parameters_match_their_paths() {
        for (method, path, op) in operations() {
            let declared: BTreeSet<String> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .map(|p| p["name"].as_str().unwrap_or_default().to_owned())
                .collect();
            let templated: BTreeSet<String> = path
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
                .collect();
            assert_eq!(declared, templated, "{method} {path}: path parameters");
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["in"] == "path" {
                    assert_eq!(p["required"], true, "{method} {path}: {p}");
                }
            }
        }
    }

    #[test]
    fn errors_are_problems_and_schemes_exist() {
        let doc = spec();
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
        assert!(doc["components"]["securitySchemes"]["session"].is_object());
        for (method, path, op) in operations() {
            for (status, response) in op["responses"].as_object().expect("responses") {
                let error = status == "default" || status.as_str() >= "400";
                if let Some(content) = response["content"].as_object().filter(|_| error) {
                    assert!(
                        content.keys().all(|k| k == "application/problem+json"),
                        "{method} {path} {status}: {:?}",
                        content.keys()
                    );
                }
            }
            for scheme in op["security"].as_array().into_iter().flatten() {
                for name in scheme.as_object().expect("requirement").keys() {
                    assert!(doc["components"]["securitySchemes"][name].is_object());
                }
            }
        }
        let csv = &doc["paths"]["/api/v1/dossiers"]["get"]["responses"]["200"]["content"];
        assert!(csv["text/csv"].is_object() && csv["application/json"].is_object());
        let file = &doc["paths"]["/api/v1/dossiers/{code}/attachments/{id}"]["get"]["responses"]["200"]
            ["content"];
        assert!(file["application/pdf"].is_object());
        assert!(doc["paths"]["/metrics"]["get"].is_object());
        assert!(doc["paths"]["/api/openapi.json"]["get"].is_object());
        assert!(doc["paths"]["/api/v1/grants"]["get"]["parameters"][0]["in"] == "query");
    }
}
