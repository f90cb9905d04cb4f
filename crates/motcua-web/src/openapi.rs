//! The OpenAPI document, generated from the handlers' annotations.

use axum::Json;
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
        api::agencies::list, api::agencies::get, api::agencies::create, api::agencies::update,
        api::procedures::list, api::procedures::detail, api::procedures::version,
        api::procedures::qr_svg, api::procedures::qr_png,
        api::clock::year, api::clock::due_date,
        api::dossiers::create, api::dossiers::act, api::dossiers::get, api::dossiers::list,
        api::tracking::track,
        api::attachments::upload, api::attachments::list, api::attachments::download,
        api::registry::lookup, api::registry::list_grants, api::registry::create_grant,
        api::registry::revoke_grant,
        api::exchange::dead_letters, api::exchange::replay,
        api::national::intake, api::national::totals,
        api::sector::list, api::sector::get, api::sector::accept, api::sector::progress,
        api::sector::decline, api::sector::result,
        api::webhooks::list, api::webhooks::create, api::webhooks::get, api::webhooks::update,
        api::webhooks::delete, api::webhooks::rotate,
    ),
    components(schemas(Problem)),
    tags((name = "units", description = "Đơn vị hành chính / administrative units"),
         (name = "agencies", description = "Cơ quan, điểm tiếp nhận / agencies and service points"),
         (name = "procedures", description = "Thủ tục hành chính / administrative procedures"),
         (name = "calendar", description = "Lịch làm việc, thời hạn giải quyết / working calendar and due dates"),
         (name = "dossiers", description = "Hồ sơ: tiếp nhận, xử lý, danh sách công việc / dossiers: reception, actions, work lists"),
         (name = "attachments", description = "Tệp đính kèm của hồ sơ / dossier attachments"),
         (name = "tracking", description = "Tra cứu hồ sơ công khai / public tracking"),
         (name = "registry", description = "Khai thác dữ liệu dân cư, phân quyền khai thác / population registry look-ups and grants"),
         (name = "exchange", description = "Trao đổi dữ liệu: thư chết của hàng đợi gửi đi / exchange: outbox dead letters (event schema: docs/asyncapi.yaml)"),
         (name = "national", description = "Trung tâm quốc gia: nhận đồng bộ từ các tỉnh / national hub: province syncs"),
         (name = "sector", description = "Liên thông ngành dọc: hệ thống ngành nhận, báo tiến độ, trả kết quả (khóa API, vai trò system) / vertical-sector systems: accept, progress, result (API key, system role)"),
         (name = "webhooks", description = "Webhook có chữ ký cho hệ thống chuyên ngành / signed webhooks for sector systems (Standard Webhooks)"),
         (name = "ops", description = "Health"))
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
