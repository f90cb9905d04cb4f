//! The authorization matrix: every principal (anonymous, each role, an
//! account without roles, an API key narrowed with `--only` to auditor) ×
//! every route of `/api/v1` and of the pages, every form action × in scope
//! / out of scope, each asserting the exact status. "In scope" targets the
//! centre the role is scoped to (A); "out of scope" targets another
//! commune's centre (B). Where existence must not leak (a dossier, a grant,
//! a dead letter) out of scope answers 404. Desk pages send an anonymous
//! visitor to the log-in page (303) and refuse a missing role with a 403
//! page, like the API's 403 (ADR 0022).
//!
//! [`every_route_is_in_the_matrix`] reads the routers' source and fails
//! naming any route the matrix does not list.

use axum::http::StatusCode;
use chrono::Duration;
use motcua_app::grants::NewGrant;
use motcua_domain::identity::{Role, RoleAssignment, Scope};
use motcua_domain::webhook::WebhookSpec;
use serde_json::{Value, json};

use crate::dossier_support::{call, desk_filing, key, officer, online_filing, place};
use crate::identity::{import_applicant, lookup_body};
use crate::sector_support::{PDF, multipart, sector, send, system_key, transferred};
use crate::support::TestApp;

/// Who calls: a role scoped to centre A, an account of A without roles,
/// a key of a reception+leader+auditor account narrowed to auditor, or nobody.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    NoRole,
    Narrowed,
    Has(Role),
}

/// The endpoints: API routes, then pages and their form actions. A route
/// with a `{...}` segment may be listed with a concrete value (an action).
const ENDPOINTS: &[&str] = &[
    "GET /api/v1/units",
    "GET /api/v1/units/{code}",
    "GET /api/v1/units/legacy/{old_code}",
    "GET /api/v1/agencies",
    "GET /api/v1/agencies/{id}",
    "POST /api/v1/agencies",
    "PUT /api/v1/agencies/{id}",
    "GET /api/v1/procedures",
    "GET /api/v1/procedures/{code}",
    "GET /api/v1/procedures/{code}/versions/{version}",
    "GET /api/v1/procedures/{code}/qr.svg",
    "GET /api/v1/procedures/{code}/qr.png",
    "GET /api/v1/calendar/{year}",
    "POST /api/v1/due-dates",
    "GET /api/v1/dossiers",
    "POST /api/v1/dossiers (desk)",
    "GET /api/v1/dossiers/{code}",
    "POST /api/v1/dossiers/{code}/actions/receive",
    "POST /api/v1/dossiers/{code}/actions/hand_over",
    "POST /api/v1/dossiers/{code}/actions/result_ready",
    "GET /api/v1/tracking/{code}",
    "POST /api/v1/registry/lookups",
    "GET /api/v1/grants?officer=",
    "POST /api/v1/grants",
    "POST /api/v1/grants/{id}/revoke",
    "GET /api/v1/sector/dossiers",
    "GET /api/v1/sector/dossiers/{code}",
    "POST /api/v1/sector/dossiers/{code}/accept",
    "POST /api/v1/sector/dossiers/{code}/progress",
    "POST /api/v1/sector/dossiers/{code}/result",
    "POST /api/v1/sector/dossiers/{code}/decline",
    "GET /api/v1/webhooks",
    "POST /api/v1/webhooks",
    "GET /api/v1/webhooks/{id}",
    "PATCH /api/v1/webhooks/{id}",
    "DELETE /api/v1/webhooks/{id}",
    "POST /api/v1/webhooks/{id}/rotate",
    "GET /api/v1/exchange/dead-letters",
    "POST /api/v1/exchange/dead-letters/{id}/replay",
    "GET /",
    "GET /don-vi",
    "GET /dang-nhap",
    "GET /du-lieu-cua-toi",
    "POST /dang-xuat",
    "GET /can-bo/trao-doi",
    "GET /api/v1/dossiers/{code}/attachments",
    "POST /api/v1/dossiers/{code}/attachments",
    "GET /api/v1/dossiers/{code}/attachments/{id}",
    "POST /api/v1/filings",
    "POST /api/v1/national/events",
    "GET /api/v1/national/totals",
    "GET /api/v1/national/obstacles",
    "GET /healthz",
    "GET /readyz",
    "GET /metrics",
    "GET /api/openapi.json",
    "GET /thu-tuc",
    "GET /thu-tuc/{code}",
    "GET /thu-tuc/{code}/nop-truc-tuyen",
    "POST /thu-tuc/{code}/nop-truc-tuyen",
    "GET /tra-cuu",
    "GET /tra-cuu/{code}",
    "POST /tra-cuu/{code}/bo-sung",
    "POST /tra-cuu/{code}/danh-gia",
    "POST /dang-nhap",
    "GET /dang-nhap/sso",
    "GET /dang-nhap/sso/callback",
    "POST /du-lieu-cua-toi",
    "GET /quoc-gia",
    "GET /static/style.css",
    "GET /static/htmx.min.js",
    "GET /dang-nhap/phat-trien",
    "POST /dang-nhap/phat-trien",
    "POST /can-bo/trao-doi/phat-lai",
    "GET /ho-so/{code}/bien-nhan",
    "GET /ho-so/{code}/bien-nhan.pdf",
    "GET /ho-so/{code}/bieu-mau/06",
    "GET /ho-so/{code}/bieu-mau/06.pdf",
    "GET /can-bo",
    "GET /can-bo/ho-so",
    "GET /can-bo/ho-so.csv",
    "GET /can-bo/ho-so.xlsx",
    "GET /can-bo/so-theo-doi",
    "GET /can-bo/so-theo-doi.pdf",
    "GET /can-bo/so-theo-doi.xlsx",
    "GET /can-bo/ho-so/{code}",
    "POST /can-bo/ho-so/{code}/thao-tac/receive",
    "POST /can-bo/ho-so/{code}/thao-tac/hand_over",
    "POST /can-bo/ho-so/{code}/thao-tac/stop",
    "POST /can-bo/ho-so/{code}/thao-tac/result_ready",
    "POST /can-bo/ho-so/{code}/tra-cuu",
    "POST /can-bo/ho-so/{code}/ket-qua",
    "GET /can-bo/tiep-nhan",
    "POST /can-bo/tiep-nhan (lookup)",
    "POST /can-bo/tiep-nhan (receive)",
    "GET /can-bo/tiep-nhan/thu-tuc",
    "GET /can-bo/tiep-nhan/da-nhan/{code}",
    "GET /can-bo/lanh-dao",
    "POST /api/v1/addresses/convert",
    "GET /dia-chi/moi",
    "POST /api/v1/feedback",
    "GET /api/v1/feedback",
    "GET /api/v1/feedback/published",
    "GET /api/v1/feedback/{id}",
    "POST /api/v1/feedback/{id}/actions/classify",
    "POST /api/v1/feedback/{id}/rating",
    "POST /api/v1/feedback/{id}/supplement",
    "GET /phan-anh",
    "POST /phan-anh",
    "GET /phan-anh/cong-khai",
    "GET /phan-anh/{id}",
    "POST /phan-anh/{id}/danh-gia",
    "GET /phan-anh/{id}/bo-sung",
    "POST /phan-anh/{id}/bo-sung",
    "GET /can-bo/phan-anh",
    "GET /can-bo/phan-anh/{id}",
    "POST /can-bo/phan-anh/{id}/thao-tac/classify",
    "POST /api/v1/obstacles",
    "GET /api/v1/obstacles",
    "POST /api/v1/obstacles/{id}/actions/submit",
    "GET /api/v1/obstacles/report",
    "GET /can-bo/vuong-mac",
    "GET /can-bo/vuong-mac/moi",
    "POST /can-bo/vuong-mac/moi",
    "GET /can-bo/vuong-mac/bao-cao",
    "GET /can-bo/vuong-mac/bao-cao.pdf",
    "GET /can-bo/vuong-mac/bao-cao.docx",
    "GET /can-bo/vuong-mac/{id}",
    "POST /can-bo/vuong-mac/{id}/thao-tac/submit",
    "GET /thong-bao/huy-dang-ky",
    "POST /thong-bao/huy-dang-ky",
    "POST /api/v1/tracking/{code}/payments",
    "POST /api/v1/payments/callback",
    "GET /api/v1/dossiers/{code}/payments",
    "POST /tra-cuu/{code}/thanh-toan",
    "GET /tra-cuu/{code}/thanh-toan/{order}",
    "GET /tra-cuu/{code}/thanh-toan/{order}/bien-lai.pdf",
    "GET /api/v1/service-index",
    "GET /api/v1/staff",
    "POST /api/v1/staff",
    "GET /api/v1/workload",
    "GET /api/v1/shortages",
    "POST /api/v1/units/{code}/classification",
    "GET /api/v1/units/{code}/classification",
    "GET /can-bo/chi-so-766",
    "GET /can-bo/chi-so-766.xlsx",
    "GET /can-bo/chi-so-766.pdf",
    "GET /chi-so-766/{province}",
    "GET /api/v1/training/courses",
    "POST /api/v1/training/courses",
    "GET /api/v1/training/sessions",
    "POST /api/v1/training/sessions",
    "POST /api/v1/training/sessions/{id}/enrolments",
    "POST /api/v1/training/enrolments/{id}/completion",
    "GET /api/v1/training/plan",
    "GET /api/v1/training/follow-up",
    "GET /can-bo/dao-tao",
    "POST /can-bo/dao-tao/lop",
    "POST /can-bo/dao-tao/hoan-thanh",
    "GET /can-bo/nhan-su",
    "GET /can-bo/nhan-su.csv",
    "POST /can-bo/nhan-su/nhap",
    "GET /can-bo/khoi-luong",
    "GET /can-bo/thieu-hut",
];

fn has(who: Who, roles: &[Role]) -> bool {
    match who {
        Who::Has(r) => roles.contains(&r),
        // The key keeps only the auditor role of its account.
        Who::Narrowed => roles.contains(&Role::Auditor),
        Who::Anonymous | Who::NoRole => false,
    }
}

/// The expected status of one cell: the policy of ADR 0014 as a table.
fn expected(who: Who, endpoint: &str, in_scope: bool) -> StatusCode {
    use StatusCode as S;
    let protected = |roles: &[Role], ok: S, out: S| -> S {
        match who {
            Who::Anonymous => S::UNAUTHORIZED,
            _ if !has(who, roles) => S::FORBIDDEN,
            _ if in_scope => ok,
            _ => out,
        }
    };
    // A desk page sends an anonymous visitor to the log-in page.
    let desk = |roles: &[Role], ok: S, out: S| -> S {
        match who {
            Who::Anonymous => S::SEE_OTHER,
            _ => protected(roles, ok, out),
        }
    };
    let dossier_roles = [Role::Reception, Role::Specialist, Role::Leader];
    let webhook_roles = [Role::UnitAdmin, Role::ProvinceAdmin, Role::System];
    // Dead letters belong to their dossier's agencies (F26): out of scope,
    // not listed, and a replay is the 404 of an unknown id.
    let exchange_admins = [Role::UnitAdmin, Role::ProvinceAdmin, Role::System];
    match endpoint {
        "POST /api/v1/agencies" => protected(&[Role::ProvinceAdmin], S::CREATED, S::FORBIDDEN),
        "PUT /api/v1/agencies/{id}" => protected(&[Role::ProvinceAdmin], S::OK, S::FORBIDDEN),
        "GET /api/v1/dossiers" => protected(&dossier_roles, S::OK, S::OK),
        "POST /api/v1/dossiers (desk)" => protected(&[Role::Reception], S::CREATED, S::FORBIDDEN),
        "GET /api/v1/dossiers/{code}" => protected(&dossier_roles, S::OK, S::NOT_FOUND),
        "POST /api/v1/dossiers/{code}/actions/receive" => {
            protected(&[Role::Reception], S::OK, S::NOT_FOUND)
        }
        "POST /api/v1/dossiers/{code}/actions/hand_over" => {
            protected(&[Role::Specialist, Role::Leader], S::OK, S::NOT_FOUND)
        }
        // The leader approves and signs the result (the specialist submits).
        "POST /api/v1/dossiers/{code}/actions/result_ready" => {
            protected(&[Role::Leader], S::OK, S::NOT_FOUND)
        }
        "POST /can-bo/ho-so/{code}/thao-tac/result_ready" => {
            desk(&[Role::Leader], S::SEE_OTHER, S::NOT_FOUND)
        }
        "POST /api/v1/registry/lookups" => {
            protected(&[Role::Reception, Role::Specialist], S::OK, S::FORBIDDEN)
        }
        "GET /api/v1/grants?officer=" => protected(&[Role::UnitAdmin], S::OK, S::OK),
        "POST /api/v1/grants" => protected(&[Role::UnitAdmin], S::CREATED, S::FORBIDDEN),
        "POST /api/v1/grants/{id}/revoke" => protected(&[Role::UnitAdmin], S::OK, S::NOT_FOUND),
        // Only a system key; out of scope = a dossier held by another agency.
        "GET /api/v1/sector/dossiers" => protected(&[Role::System], S::OK, S::OK),
        e if e.starts_with("GET /api/v1/sector/dossiers/")
            || e.starts_with("POST /api/v1/sector/") =>
        {
            protected(&[Role::System], S::OK, S::NOT_FOUND)
        }
        "GET /api/v1/webhooks" => protected(&webhook_roles, S::OK, S::OK),
        "POST /api/v1/webhooks" => protected(&webhook_roles, S::CREATED, S::FORBIDDEN),
        "GET /api/v1/webhooks/{id}" | "PATCH /api/v1/webhooks/{id}" => {
            protected(&webhook_roles, S::OK, S::NOT_FOUND)
        }
        "DELETE /api/v1/webhooks/{id}" => protected(&webhook_roles, S::NO_CONTENT, S::NOT_FOUND),
        "POST /api/v1/webhooks/{id}/rotate" => protected(&webhook_roles, S::OK, S::NOT_FOUND),
        "GET /api/v1/exchange/dead-letters" => protected(&exchange_admins, S::OK, S::OK),
        "POST /api/v1/exchange/dead-letters/{id}/replay" => {
            protected(&exchange_admins, S::ACCEPTED, S::NOT_FOUND)
        }
        // The page asks anonymous visitors to sign in (200) and tells an
        // officer without an administrator role why not (403).
        "GET /can-bo/trao-doi" => match who {
            Who::Anonymous => S::OK,
            _ if has(who, &exchange_admins) => S::OK,
            _ => S::FORBIDDEN,
        },
        "POST /dang-xuat" => S::SEE_OTHER,
        // Attachments: officers need a dossier role; out of scope is the
        // 404 of an unknown code (F2, F22).
        "GET /api/v1/dossiers/{code}/attachments"
        | "GET /api/v1/dossiers/{code}/attachments/{id}" => {
            protected(&dossier_roles, S::OK, S::NOT_FOUND)
        }
        "POST /api/v1/dossiers/{code}/attachments" => {
            protected(&dossier_roles, S::CREATED, S::NOT_FOUND)
        }
        // Filing from other portals is anonymous; without an
        // Idempotency-Key it is refused for everyone alike.
        "POST /api/v1/filings" => S::BAD_REQUEST,
        // Not a national hub: nothing there.
        "POST /api/v1/national/events" | "GET /api/v1/national/totals" => S::NOT_FOUND,
        "GET /api/v1/national/obstacles" => S::NOT_FOUND,
        // Public pages and forms: the same answer for everyone.
        "POST /thu-tuc/{code}/nop-truc-tuyen" => S::UNPROCESSABLE_ENTITY,
        "GET /tra-cuu/{code}" => S::OK,
        "POST /tra-cuu/{code}/bo-sung" | "POST /tra-cuu/{code}/danh-gia" => S::SEE_OTHER,
        // Online payment (ADR 0029): the applicant's order is proven by the
        // QR secret, not a login (a dossier without fees: 409 for everyone);
        // the callback by its signature (no platform configured here: 503
        // for everyone); officers read a dossier's payments like the dossier.
        "POST /api/v1/tracking/{code}/payments" | "POST /tra-cuu/{code}/thanh-toan" => S::CONFLICT,
        "POST /api/v1/payments/callback" => S::UNAUTHORIZED,
        "GET /api/v1/dossiers/{code}/payments" => protected(&dossier_roles, S::OK, S::NOT_FOUND),
        // An unknown order, and a receipt of no settled order: 404 for all.
        "GET /tra-cuu/{code}/thanh-toan/{order}"
        | "GET /tra-cuu/{code}/thanh-toan/{order}/bien-lai.pdf" => S::NOT_FOUND,
        "POST /dang-nhap" => S::UNAUTHORIZED,
        "GET /dang-nhap/sso" | "GET /dang-nhap/sso/callback" => S::NOT_FOUND,
        "POST /du-lieu-cua-toi" => S::OK,
        // An unknown unsubscribe token: the same 404 page for everyone.
        "GET /thong-bao/huy-dang-ky" | "POST /thong-bao/huy-dang-ky" => S::NOT_FOUND,
        // A form post without an Origin is refused (log-in CSRF, F27).
        "POST /dang-nhap/phat-trien" => S::FORBIDDEN,
        // Replaying from the page: back to the page (303) for an
        // administrator (out of scope: "no such dead letter"), the page's
        // 403 for anyone else, the page itself for a visitor.
        "POST /can-bo/trao-doi/phat-lai" => match who {
            Who::Anonymous => S::SEE_OTHER,
            _ if has(who, &exchange_admins) => S::SEE_OTHER,
            _ => S::FORBIDDEN,
        },
        // Receipts opened by an officer: a dossier role, in scope; without
        // a login and a verifier, the tracking 404.
        "GET /ho-so/{code}/bien-nhan"
        | "GET /ho-so/{code}/bien-nhan.pdf"
        | "GET /ho-so/{code}/bieu-mau/06"
        | "GET /ho-so/{code}/bieu-mau/06.pdf" => match who {
            Who::Anonymous => S::NOT_FOUND,
            _ => protected(&dossier_roles, S::OK, S::NOT_FOUND),
        },
        "GET /can-bo" => S::SEE_OTHER,
        "GET /can-bo/ho-so" | "GET /can-bo/ho-so.csv" => desk(&dossier_roles, S::OK, S::OK),
        // The work list as a spreadsheet and the register (form 07): the
        // officer's own roots, so nothing is out of scope.
        "GET /can-bo/ho-so.xlsx"
        | "GET /can-bo/so-theo-doi"
        | "GET /can-bo/so-theo-doi.pdf"
        | "GET /can-bo/so-theo-doi.xlsx" => desk(&dossier_roles, S::OK, S::OK),
        "GET /can-bo/ho-so/{code}" | "GET /can-bo/tiep-nhan/da-nhan/{code}" => {
            desk(&dossier_roles, S::OK, S::NOT_FOUND)
        }
        "POST /can-bo/ho-so/{code}/thao-tac/receive" => {
            desk(&[Role::Reception], S::SEE_OTHER, S::NOT_FOUND)
        }
        "POST /can-bo/ho-so/{code}/thao-tac/hand_over"
        | "POST /can-bo/ho-so/{code}/thao-tac/stop" => desk(
            &[Role::Specialist, Role::Leader],
            S::SEE_OTHER,
            S::NOT_FOUND,
        ),
        // A look-up from the dossier page: back to the page with its outcome.
        "POST /can-bo/ho-so/{code}/tra-cuu" => desk(
            &[Role::Reception, Role::Specialist],
            S::SEE_OTHER,
            S::NOT_FOUND,
        ),
        // The result document uploaded on the dossier page (a dossier
        // being processed): back to the page.
        "POST /can-bo/ho-so/{code}/ket-qua" => desk(&dossier_roles, S::SEE_OTHER, S::NOT_FOUND),
        "GET /can-bo/tiep-nhan"
        | "GET /can-bo/tiep-nhan/thu-tuc"
        | "POST /can-bo/tiep-nhan (lookup)" => desk(&[Role::Reception], S::OK, S::OK),
        // Out of scope: another commune decides (phi địa giới), allowed.
        "POST /can-bo/tiep-nhan (receive)" => desk(&[Role::Reception], S::SEE_OTHER, S::SEE_OTHER),
        "GET /can-bo/lanh-dao" => desk(&[Role::Leader], S::OK, S::OK),
        // Public, like the units API: every principal converts.
        "POST /api/v1/addresses/convert" => S::OK,
        // The address hint of the filing forms: public, like the converter.
        "GET /dia-chi/moi" => S::OK,
        // Feedback (PAKN): anyone sends and reads the published answers;
        // the sender rates with the feedback's token (answered) and cannot
        // supplement what was not asked (409); officers of the unit list
        // (another unit: 403), read and act (another unit's: 404).
        "POST /api/v1/feedback" => S::CREATED,
        // The citizen's feedback pages: the same for everyone; a sent form
        // and a rating go on to the sender's page (303).
        "GET /phan-anh" | "GET /phan-anh/cong-khai" | "GET /phan-anh/{id}" => S::OK,
        "POST /phan-anh" | "POST /phan-anh/{id}/danh-gia" => S::SEE_OTHER,
        // The sender's supplement page (with the feedback's token): the
        // form, and a sent supplement goes on to the sender's page (303).
        "GET /phan-anh/{id}/bo-sung" => S::OK,
        "POST /phan-anh/{id}/bo-sung" => S::SEE_OTHER,
        // The officers' feedback pages: another unit named in the inbox is
        // the 403 page, another unit's case the 404 page.
        "GET /can-bo/phan-anh" => desk(&dossier_roles, S::OK, S::FORBIDDEN),
        "GET /can-bo/phan-anh/{id}" => desk(&dossier_roles, S::OK, S::NOT_FOUND),
        "POST /can-bo/phan-anh/{id}/thao-tac/classify" => {
            desk(&dossier_roles, S::SEE_OTHER, S::NOT_FOUND)
        }
        "GET /api/v1/feedback/published" | "POST /api/v1/feedback/{id}/rating" => S::OK,
        "POST /api/v1/feedback/{id}/supplement" => S::CONFLICT,
        "GET /api/v1/feedback" => protected(&dossier_roles, S::OK, S::FORBIDDEN),
        "GET /api/v1/feedback/{id}" | "POST /api/v1/feedback/{id}/actions/classify" => {
            protected(&dossier_roles, S::OK, S::NOT_FOUND)
        }
        // Obstacles (vướng mắc, issue 16): officers raise and submit their
        // unit's cases (another unit: 403 on create and list, the 404 of an
        // unknown case on a step); leaders read the monthly report.
        "POST /api/v1/obstacles" => protected(&dossier_roles, S::CREATED, S::FORBIDDEN),
        "GET /api/v1/obstacles" => protected(&dossier_roles, S::OK, S::FORBIDDEN),
        "POST /api/v1/obstacles/{id}/actions/submit" => {
            protected(&dossier_roles, S::OK, S::NOT_FOUND)
        }
        "GET /api/v1/obstacles/report" => protected(&[Role::Leader], S::OK, S::FORBIDDEN),
        // The obstacle pages ask the same capabilities (the filing form
        // raises for the officer's own unit: no scope to leave).
        "GET /can-bo/vuong-mac" => desk(&dossier_roles, S::OK, S::FORBIDDEN),
        "GET /can-bo/vuong-mac/moi" => desk(&dossier_roles, S::OK, S::OK),
        "POST /can-bo/vuong-mac/moi" => desk(&dossier_roles, S::SEE_OTHER, S::SEE_OTHER),
        "GET /can-bo/vuong-mac/bao-cao"
        | "GET /can-bo/vuong-mac/bao-cao.pdf"
        | "GET /can-bo/vuong-mac/bao-cao.docx" => desk(&[Role::Leader], S::OK, S::FORBIDDEN),
        "GET /can-bo/vuong-mac/{id}" => desk(&dossier_roles, S::OK, S::NOT_FOUND),
        "POST /can-bo/vuong-mac/{id}/thao-tac/submit" => {
            desk(&dossier_roles, S::SEE_OTHER, S::NOT_FOUND)
        }
        // The 766 index: leaders and province administrators, their units.
        "GET /api/v1/service-index" => {
            protected(&[Role::Leader, Role::ProvinceAdmin], S::OK, S::FORBIDDEN)
        }
        // Its pages: the leader's page and monthly XLSX the same (a unit
        // outside the scope: the 403 page); the province's public page is
        // open to everyone.
        "GET /can-bo/chi-so-766" | "GET /can-bo/chi-so-766.xlsx" | "GET /can-bo/chi-so-766.pdf" => {
            desk(&[Role::Leader, Role::ProvinceAdmin], S::OK, S::FORBIDDEN)
        }
        "GET /chi-so-766/{province}" => S::OK,
        // Staff (issue 17): unit and province administrators manage their
        // unit's staff; leaders and administrators read staff, workload and
        // shortages of their subtree; province administrators classify.
        "POST /api/v1/staff" => {
            protected(&[Role::UnitAdmin, Role::ProvinceAdmin], S::OK, S::FORBIDDEN)
        }
        "GET /api/v1/staff"
        | "GET /api/v1/workload"
        | "GET /api/v1/shortages"
        | "GET /api/v1/units/{code}/classification" => protected(
            &[Role::Leader, Role::UnitAdmin, Role::ProvinceAdmin],
            S::OK,
            S::FORBIDDEN,
        ),
        "POST /api/v1/units/{code}/classification" => {
            protected(&[Role::ProvinceAdmin], S::OK, S::FORBIDDEN)
        }
        // The staff pages ask the same capabilities as the API (a unit
        // outside the scope: the 403 page; an import back to the list: 303).
        "GET /can-bo/nhan-su"
        | "GET /can-bo/nhan-su.csv"
        | "GET /can-bo/khoi-luong"
        | "GET /can-bo/thieu-hut" => desk(
            &[Role::Leader, Role::UnitAdmin, Role::ProvinceAdmin],
            S::OK,
            S::FORBIDDEN,
        ),
        "POST /can-bo/nhan-su/nhap" => desk(
            &[Role::UnitAdmin, Role::ProvinceAdmin],
            S::SEE_OTHER,
            S::FORBIDDEN,
        ),
        // Training (issue 17 item 3): courses are the province's, read by
        // readers of staff and recorded by administrators; sessions, the
        // plan and the follow-up are the unit's (another unit: 403); an
        // enrolment or completion of another unit's session is the 404 of
        // an unknown id. The page and its forms ask the same.
        "GET /api/v1/training/courses" => protected(
            &[Role::Leader, Role::UnitAdmin, Role::ProvinceAdmin],
            S::OK,
            S::OK,
        ),
        "POST /api/v1/training/courses" => protected(
            &[Role::UnitAdmin, Role::ProvinceAdmin],
            S::CREATED,
            S::CREATED,
        ),
        "GET /api/v1/training/sessions"
        | "GET /api/v1/training/plan"
        | "GET /api/v1/training/follow-up" => protected(
            &[Role::Leader, Role::UnitAdmin, Role::ProvinceAdmin],
            S::OK,
            S::FORBIDDEN,
        ),
        "POST /api/v1/training/sessions" => protected(
            &[Role::UnitAdmin, Role::ProvinceAdmin],
            S::CREATED,
            S::FORBIDDEN,
        ),
        "POST /api/v1/training/sessions/{id}/enrolments"
        | "POST /api/v1/training/enrolments/{id}/completion" => {
            protected(&[Role::UnitAdmin, Role::ProvinceAdmin], S::OK, S::NOT_FOUND)
        }
        "GET /can-bo/dao-tao" => desk(
            &[Role::Leader, Role::UnitAdmin, Role::ProvinceAdmin],
            S::OK,
            S::FORBIDDEN,
        ),
        "POST /can-bo/dao-tao/lop" => desk(
            &[Role::UnitAdmin, Role::ProvinceAdmin],
            S::SEE_OTHER,
            S::FORBIDDEN,
        ),
        "POST /can-bo/dao-tao/hoan-thanh" => desk(
            &[Role::UnitAdmin, Role::ProvinceAdmin],
            S::SEE_OTHER,
            S::NOT_FOUND,
        ),
        _ => S::OK,
    }
}

struct World {
    app: TestApp,
    a: String,
    b: String,
    unit_a: String,
    unit_b: String,
    keys: Vec<(Role, String)>,
    /// Keys of the account without roles and of the narrowed key.
    no_role_key: String,
    narrowed_key: String,
    /// System keys of A and of B, to accept the dossiers the sector cells use.
    sector_keys: (String, String),
    seq: std::cell::Cell<u32>,
}

impl World {
    fn next(&self) -> u32 {
        let n = self.seq.get() + 1;
        self.seq.set(n);
        n
    }

    fn auth(&self, who: Who) -> Vec<(&'static str, String)> {
        match who {
            Who::Anonymous => Vec::new(),
            Who::NoRole => vec![("authorization", format!("Bearer {}", self.no_role_key))],
            Who::Narrowed => vec![("authorization", format!("Bearer {}", self.narrowed_key))],
            Who::Has(role) => {
                let secret = &self.keys.iter().find(|(r, _)| *r == role).unwrap().1;
                vec![("authorization", format!("Bearer {secret}"))]
            }
        }
    }

    /// A dossier at `center`: filed online (submitted), or received at the desk.
    async fn dossier(&self, center: &str, received: bool) -> (String, String) {
        let n = self.next();
        let (body, headers) = if received {
            let mut b = desk_filing();
            b["receiving_unit"] = json!(center);
            (b, vec![officer(center), key(&format!("fx-{n}"))])
        } else {
            (online_filing(center), vec![key(&format!("fx-{n}"))])
        };
        let (a, _) = call(&self.app, "POST", "/api/v1/dossiers", &headers, Some(body)).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        (
            a.body["code"].as_str().unwrap().to_owned(),
            a.body["tracking_secret"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        )
    }

    /// A dossier received at the other centre and transferred to `center`
    /// (held by it), accepted there when `accepted`.
    async fn transferred_to(&self, center: &str, accepted: bool) -> String {
        let (from, sector_key) = if center == self.a {
            (&self.b, &self.sector_keys.0)
        } else {
            (&self.a, &self.sector_keys.1)
        };
        let n = self.next();
        let (code, _) = transferred(&self.app, from, center, &format!("fx-t{n}")).await;
        if accepted {
            let (a, _) = sector(
                &self.app,
                sector_key,
                &code,
                "accept",
                &format!("fx-a{n}"),
                json!({}),
            )
            .await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        }
        code
    }

    async fn grant(&self, officer_id: &str, unit: &str) -> String {
        self.app
            .state
            .grants
            .create(NewGrant {
                officer_id: officer_id.into(),
                unit_code: unit.into(),
                purpose: "tiếp nhận hồ sơ".into(),
                valid_from: None,
                valid_until: self.app.state.clock.now() + Duration::days(30),
                granted_by: "fixture".into(),
            })
            .await
            .unwrap()
            .id
    }

    /// A webhook subscription limited to `center`'s subtree.
    async fn webhook(&self, center: &str) -> i64 {
        let spec = WebhookSpec::new(
            "Hệ thống chuyên ngành",
            "https://hooks.example.vn/motcua",
            &[],
            &[],
            &[format!("agency:{center}")],
            true,
            false,
        )
        .unwrap();
        self.app
            .state
            .store
            .create_webhook(
                &spec,
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                self.app.state.clock.now(),
            )
            .await
            .unwrap()
            .id
    }

    /// A fresh dead letter (of the sink `matrix`) for a new dossier at
    /// `center`; answers its outbox id.
    async fn dead_letter(&self, center: &str) -> i64 {
        use motcua_app::ports::exchange::{Attempt, ClaimRequest, Failure, Settlement};
        let store = &self.app.state.store;
        store
            .register_sink("matrix", self.app.state.clock.now())
            .await
            .unwrap();
        let (code, _) = self.dossier(center, true).await;
        let now = self.app.state.clock.now() + Duration::seconds(1);
        let claimed = store
            .claim_outbox(&ClaimRequest {
                sink: "matrix".into(),
                relay: "matrix".into(),
                now,
                lease_until: now + Duration::seconds(30),
                limit: 1000,
                after: None,
            })
            .await
            .unwrap();
        let failed: Vec<Failure> = claimed
            .iter()
            .map(|r| Failure {
                id: r.id,
                error: "matrix: refused".into(),
                next: Attempt::Dead,
            })
            .collect();
        store
            .settle(&Settlement {
                sink: "matrix",
                relay: "matrix",
                now,
                delivered: &[],
                fresh_delivered: 0,
                through: claimed
                    .iter()
                    .filter(|r| r.fresh)
                    .map(|r| r.position())
                    .max(),
                failed: &failed,
                held: &[],
            })
            .await
            .unwrap();
        claimed
            .iter()
            .find(|r| r.dossier_code == code)
            .expect("the new dossier's event was claimed")
            .id
    }

    /// A birth registration (components TP1...) filed online at `center`.
    async fn birth(&self, center: &str) -> String {
        let n = self.next();
        let mut body = online_filing(center);
        body["procedure"] = json!("1.001193");
        let (a, _) = call(
            &self.app,
            "POST",
            "/api/v1/dossiers",
            &[key(&format!("fx-b{n}"))],
            Some(body),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        a.body["code"].as_str().unwrap().to_owned()
    }

    /// An attachment of `code` uploaded by the development officer of `center`.
    async fn attachment(&self, center: &str, code: &str) -> String {
        let uri = format!("/api/v1/dossiers/{code}/attachments");
        let (ct, body) = multipart(
            &[("component", "TP1")],
            Some(("don.pdf", "application/pdf", PDF)),
        );
        let (a, _) = send(&self.app, &uri, &[officer(center)], &ct, body).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        a.body["id"].as_str().unwrap().to_owned()
    }

    /// A general feedback to `unit` (PAKN), answered by an officer of
    /// `center` when `answered`: its id and token.
    async fn feedback(&self, center: &str, unit: &str, answered: bool) -> (String, String) {
        let (a, _) = call(
            &self.app,
            "POST",
            "/api/v1/feedback",
            &[],
            Some(json!({"about": "general", "unit": unit, "name": "Lê Văn C",
                "contact": "0901234567", "text": "Đề nghị niêm yết lệ phí rõ hơn"})),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        let id = a.body["id"].as_str().unwrap().to_owned();
        if answered {
            let (b, _) = call(
                &self.app,
                "POST",
                &format!("/api/v1/feedback/{id}/actions/answer"),
                &[officer(center)],
                Some(json!({"text": "Đã niêm yết tại bộ phận một cửa"})),
            )
            .await;
            assert_eq!(b.status, StatusCode::OK, "{}", b.body);
        }
        (id, a.body["token"].as_str().unwrap().to_owned())
    }

    /// A dossier received at `center` and handed over inside it (processing).
    async fn processing(&self, center: &str) -> String {
        let (code, _) = self.dossier(center, true).await;
        let n = self.next();
        // The deciding committee holds a received dossier: a hand-over stays inside it.
        let committee = center.trim_end_matches(".TT");
        let (a, _) = call(
            &self.app,
            "POST",
            &format!("/api/v1/dossiers/{code}/actions/hand_over"),
            &[officer(center), key(&format!("fx-h{n}"))],
            Some(json!({"to": committee, "step_working_days": 1})),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert_eq!(a.body["status"], "processing", "{}", a.body);
        code
    }

    /// Posts a page form (`application/x-www-form-urlencoded`).
    async fn form(
        &self,
        uri: &str,
        headers: &[(&str, String)],
        pairs: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let body = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let (a, _) = send(
            &self.app,
            uri,
            headers,
            "application/x-www-form-urlencoded",
            body.into_bytes(),
        )
        .await;
        (a.status, a.body)
    }

    /// Sends the request of one cell; answers its status and body.
    async fn send(&self, who: Who, endpoint: &str, in_scope: bool) -> (StatusCode, Value) {
        let (center, unit) = if in_scope {
            (self.a.clone(), self.unit_a.clone())
        } else {
            (self.b.clone(), self.unit_b.clone())
        };
        let n = self.next();
        let mut headers = self.auth(who);
        let (method, uri, body): (&str, String, Option<Value>) = match endpoint {
            "GET /api/v1/units" => ("GET", format!("/api/v1/units?parent={unit}"), None),
            "GET /api/v1/units/{code}" => ("GET", format!("/api/v1/units/{unit}"), None),
            "GET /api/v1/units/legacy/{old_code}" => {
                ("GET", "/api/v1/units/legacy/00007".into(), None)
            }
            "GET /api/v1/agencies" => ("GET", format!("/api/v1/agencies?unit={unit}"), None),
            "GET /api/v1/agencies/{id}" => ("GET", format!("/api/v1/agencies/{center}"), None),
            "POST /api/v1/agencies" => (
                "POST",
                "/api/v1/agencies".into(),
                Some(
                    json!({"id": format!("{center}.D{n}"), "name": format!("Điểm {n}"),
                    "kind": "service_point", "unit_code": unit, "parent_id": center}),
                ),
            ),
            "PUT /api/v1/agencies/{id}" => {
                let current = self.app.get(&format!("/api/v1/agencies/{center}")).await;
                (
                    "PUT",
                    format!("/api/v1/agencies/{center}"),
                    Some(current.body),
                )
            }
            "GET /api/v1/procedures" => ("GET", "/api/v1/procedures?q=khai%20sinh".into(), None),
            "GET /api/v1/procedures/{code}" => ("GET", "/api/v1/procedures/1.001193".into(), None),
            "GET /api/v1/procedures/{code}/versions/{version}" => {
                ("GET", "/api/v1/procedures/1.001193/versions/1".into(), None)
            }
            "GET /api/v1/procedures/{code}/qr.svg" => {
                ("GET", "/api/v1/procedures/1.001193/qr.svg".into(), None)
            }
            "GET /api/v1/procedures/{code}/qr.png" => {
                ("GET", "/api/v1/procedures/1.001193/qr.png".into(), None)
            }
            "GET /api/v1/calendar/{year}" => ("GET", "/api/v1/calendar/2026".into(), None),
            "POST /api/v1/addresses/convert" => (
                "POST",
                "/api/v1/addresses/convert".into(),
                Some(json!({"address": "P. Phúc Xá, Q. Ba Đình, HN", "as_of": "2025-07-01"})),
            ),
            "POST /api/v1/due-dates" => (
                "POST",
                "/api/v1/due-dates".into(),
                Some(json!({"received_at": "2025-07-11T16:10:00+07:00",
                    "procedure": {"code": "1.001193"}})),
            ),
            "GET /api/v1/dossiers" => {
                let filter = if in_scope {
                    String::new()
                } else {
                    format!("?agency={center}")
                };
                ("GET", format!("/api/v1/dossiers{filter}"), None)
            }
            "POST /api/v1/dossiers (desk)" => {
                headers.push(key(&format!("m-{n}")));
                let mut b = desk_filing();
                b["receiving_unit"] = json!(center);
                ("POST", "/api/v1/dossiers".into(), Some(b))
            }
            "GET /api/v1/dossiers/{code}" => {
                let (code, _) = self.dossier(&center, false).await;
                ("GET", format!("/api/v1/dossiers/{code}"), None)
            }
            "POST /api/v1/dossiers/{code}/actions/receive" => {
                let (code, _) = self.dossier(&center, false).await;
                headers.push(key(&format!("m-{n}")));
                (
                    "POST",
                    format!("/api/v1/dossiers/{code}/actions/receive"),
                    Some(json!({})),
                )
            }
            "POST /api/v1/dossiers/{code}/actions/hand_over" => {
                let (code, _) = self.dossier(&center, true).await;
                headers.push(key(&format!("m-{n}")));
                (
                    "POST",
                    format!("/api/v1/dossiers/{code}/actions/hand_over"),
                    // The dossier's own unit: a real target (made-up ids are refused).
                    Some(json!({"to": center, "step_working_days": 1})),
                )
            }
            "POST /api/v1/dossiers/{code}/actions/result_ready" => {
                let (code, _) = self.dossier(&center, true).await;
                headers.push(key(&format!("m-{n}")));
                (
                    "POST",
                    format!("/api/v1/dossiers/{code}/actions/result_ready"),
                    Some(json!({"documents": [{"name": "Giấy xác nhận", "number": "01"}]})),
                )
            }
            "GET /api/v1/tracking/{code}" => {
                let (code, secret) = self.dossier(&center, false).await;
                (
                    "GET",
                    format!("/api/v1/tracking/{code}?verifier={secret}"),
                    None,
                )
            }
            "POST /api/v1/registry/lookups" => {
                let (code, _) = self.dossier(&center, false).await;
                let mut b = lookup_body(Some(&code), None);
                if let Who::Has(role) = who {
                    b["grant_id"] = json!(self.grant(&format!("acct-{role}"), &self.unit_a).await);
                }
                ("POST", "/api/v1/registry/lookups".into(), Some(b))
            }
            "GET /api/v1/grants?officer=" => {
                let holder = format!("holder-{n}");
                self.grant(&holder, &unit).await;
                ("GET", format!("/api/v1/grants?officer={holder}"), None)
            }
            "POST /api/v1/grants" => (
                "POST",
                "/api/v1/grants".into(),
                Some(
                    json!({"officer_id": format!("holder-{n}"), "unit_code": unit,
                    "purpose": "tiếp nhận hồ sơ", "days": 30}),
                ),
            ),
            "POST /api/v1/grants/{id}/revoke" => {
                let id = self.grant(&format!("holder-{n}"), &unit).await;
                ("POST", format!("/api/v1/grants/{id}/revoke"), None)
            }
            "GET /api/v1/sector/dossiers" => ("GET", "/api/v1/sector/dossiers".into(), None),
            "GET /api/v1/sector/dossiers/{code}" => {
                let code = self.transferred_to(&center, false).await;
                ("GET", format!("/api/v1/sector/dossiers/{code}"), None)
            }
            "POST /api/v1/sector/dossiers/{code}/accept" => {
                let code = self.transferred_to(&center, false).await;
                headers.push(key(&format!("m-{n}")));
                (
                    "POST",
                    format!("/api/v1/sector/dossiers/{code}/accept"),
                    Some(json!({})),
                )
            }
            "POST /api/v1/sector/dossiers/{code}/progress" => {
                let code = self.transferred_to(&center, true).await;
                headers.push(key(&format!("m-{n}")));
                (
                    "POST",
                    format!("/api/v1/sector/dossiers/{code}/progress"),
                    Some(json!({"kind": "step_done", "step": "Thẩm định"})),
                )
            }
            "POST /api/v1/sector/dossiers/{code}/decline" => {
                let code = self.transferred_to(&center, false).await;
                headers.push(key(&format!("m-{n}")));
                (
                    "POST",
                    format!("/api/v1/sector/dossiers/{code}/decline"),
                    Some(json!({"reason": "Không thuộc thẩm quyền"})),
                )
            }
            "POST /api/v1/sector/dossiers/{code}/result" => {
                let code = self.transferred_to(&center, true).await;
                headers.push(key(&format!("m-{n}")));
                let (ct, body) = multipart(
                    &[("name", "Giấy chứng nhận")],
                    Some(("kq.pdf", "application/pdf", PDF)),
                );
                let uri = format!("/api/v1/sector/dossiers/{code}/result");
                let (a, _) = send(&self.app, &uri, &headers, &ct, body).await;
                return (a.status, a.body);
            }
            "GET /api/v1/webhooks" => ("GET", "/api/v1/webhooks".into(), None),
            "POST /api/v1/webhooks" => (
                "POST",
                "/api/v1/webhooks".into(),
                Some(json!({"name": format!("Hệ thống {n}"),
                    "url": "https://hooks.example.vn/motcua", "event_types": ["received"],
                    "scopes": [format!("agency:{center}")]})),
            ),
            "GET /api/v1/webhooks/{id}" => {
                let id = self.webhook(&center).await;
                ("GET", format!("/api/v1/webhooks/{id}"), None)
            }
            "PATCH /api/v1/webhooks/{id}" => {
                let id = self.webhook(&center).await;
                (
                    "PATCH",
                    format!("/api/v1/webhooks/{id}"),
                    Some(json!({"active": false})),
                )
            }
            "DELETE /api/v1/webhooks/{id}" => {
                let id = self.webhook(&center).await;
                ("DELETE", format!("/api/v1/webhooks/{id}"), None)
            }
            "POST /api/v1/webhooks/{id}/rotate" => {
                let id = self.webhook(&center).await;
                (
                    "POST",
                    format!("/api/v1/webhooks/{id}/rotate"),
                    Some(json!({"overlap_seconds": 60})),
                )
            }
            "GET /api/v1/exchange/dead-letters" => {
                ("GET", "/api/v1/exchange/dead-letters".into(), None)
            }
            "POST /api/v1/exchange/dead-letters/{id}/replay" => {
                let id = self.dead_letter(&center).await;
                (
                    "POST",
                    format!("/api/v1/exchange/dead-letters/{id}/replay?sink=matrix"),
                    None,
                )
            }
            "GET /can-bo/trao-doi" => ("GET", "/can-bo/trao-doi".into(), None),
            "GET /" => ("GET", "/".into(), None),
            "GET /don-vi" => ("GET", "/don-vi?q=ha%20noi".into(), None),
            "GET /dia-chi/moi" => (
                "GET",
                "/dia-chi/moi?address=p%20cong%20vi%2C%20ha%20noi".into(),
                None,
            ),
            "GET /dang-nhap" => ("GET", "/dang-nhap?next=/".into(), None),
            "GET /du-lieu-cua-toi" => ("GET", "/du-lieu-cua-toi".into(), None),
            "POST /dang-xuat" => ("POST", "/dang-xuat".into(), None),
            "GET /api/v1/dossiers/{code}/attachments" => {
                let code = self.birth(&center).await;
                ("GET", format!("/api/v1/dossiers/{code}/attachments"), None)
            }
            "GET /api/v1/dossiers/{code}/attachments/{id}" => {
                let code = self.birth(&center).await;
                let id = self.attachment(&center, &code).await;
                (
                    "GET",
                    format!("/api/v1/dossiers/{code}/attachments/{id}"),
                    None,
                )
            }
            "POST /api/v1/dossiers/{code}/attachments" => {
                let code = self.birth(&center).await;
                let uri = format!("/api/v1/dossiers/{code}/attachments");
                let (ct, body) = multipart(
                    &[("component", "TP1")],
                    Some(("don.pdf", "application/pdf", PDF)),
                );
                let (a, _) = send(&self.app, &uri, &headers, &ct, body).await;
                return (a.status, a.body);
            }
            "POST /api/v1/filings" => (
                "POST",
                "/api/v1/filings".into(),
                Some(json!({"procedure": "1.004873"})),
            ),
            "POST /api/v1/national/events" => (
                "POST",
                "/api/v1/national/events".into(),
                Some(json!({"events": []})),
            ),
            "GET /api/v1/national/totals" => ("GET", "/api/v1/national/totals".into(), None),
            "GET /api/v1/national/obstacles" => ("GET", "/api/v1/national/obstacles".into(), None),
            "GET /healthz"
            | "GET /readyz"
            | "GET /metrics"
            | "GET /api/openapi.json"
            | "GET /tra-cuu"
            | "GET /quoc-gia"
            | "GET /static/style.css"
            | "GET /static/htmx.min.js"
            | "GET /dang-nhap/phat-trien"
            | "GET /dang-nhap/sso"
            | "GET /can-bo"
            | "GET /can-bo/ho-so"
            | "GET /can-bo/lanh-dao"
            | "GET /can-bo/tiep-nhan" => ("GET", endpoint[4..].to_owned(), None),
            "GET /dang-nhap/sso/callback" => {
                ("GET", "/dang-nhap/sso/callback?code=x&state=y".into(), None)
            }
            "GET /thu-tuc" => ("GET", "/thu-tuc?q=khai%20sinh".into(), None),
            "GET /thu-tuc/{code}" => ("GET", "/thu-tuc/1.001193".into(), None),
            "GET /thu-tuc/{code}/nop-truc-tuyen" => {
                ("GET", "/thu-tuc/1.004873/nop-truc-tuyen".into(), None)
            }
            "POST /thu-tuc/{code}/nop-truc-tuyen" => {
                // Nothing filled in: the form again with its errors.
                let (ct, body) = multipart(&[("step", "review")], None);
                let (a, _) = send(
                    &self.app,
                    "/thu-tuc/1.004873/nop-truc-tuyen",
                    &headers,
                    &ct,
                    body,
                )
                .await;
                return (a.status, a.body);
            }
            "GET /tra-cuu/{code}" => {
                let (code, secret) = self.dossier(&center, false).await;
                ("GET", format!("/tra-cuu/{code}?verifier={secret}"), None)
            }
            "POST /tra-cuu/{code}/bo-sung" => {
                let (code, secret) = self.dossier(&center, false).await;
                let uri = format!("/tra-cuu/{code}/bo-sung");
                let (ct, body) = multipart(&[("verifier", &secret), ("key", "k")], None);
                let (a, _) = send(&self.app, &uri, &headers, &ct, body).await;
                return (a.status, a.body);
            }
            "POST /api/v1/tracking/{code}/payments" => {
                let (code, secret) = self.dossier(&center, false).await;
                (
                    "POST",
                    format!("/api/v1/tracking/{code}/payments"),
                    Some(json!({"verifier": secret})),
                )
            }
            "POST /api/v1/payments/callback" => (
                "POST",
                "/api/v1/payments/callback".into(),
                Some(
                    json!({"order_id": "TT0", "transaction_id": "GD0", "amount_vnd": 1,
                    "paid": true, "paid_at": "2026-03-02T01:00:00Z"}),
                ),
            ),
            "GET /api/v1/dossiers/{code}/payments" => {
                let (code, _) = self.dossier(&center, true).await;
                ("GET", format!("/api/v1/dossiers/{code}/payments"), None)
            }
            "POST /tra-cuu/{code}/thanh-toan" => {
                let (code, secret) = self.dossier(&center, false).await;
                let uri = format!("/tra-cuu/{code}/thanh-toan");
                return self.form(&uri, &headers, &[("verifier", &secret)]).await;
            }
            "GET /tra-cuu/{code}/thanh-toan/{order}" => {
                let (code, _) = self.dossier(&center, false).await;
                ("GET", format!("/tra-cuu/{code}/thanh-toan/TT0000"), None)
            }
            "GET /tra-cuu/{code}/thanh-toan/{order}/bien-lai.pdf" => {
                let (code, secret) = self.dossier(&center, false).await;
                (
                    "GET",
                    format!("/tra-cuu/{code}/thanh-toan/TT0000/bien-lai.pdf?verifier={secret}"),
                    None,
                )
            }
            "POST /tra-cuu/{code}/danh-gia" => {
                let (code, secret) = self.dossier(&center, false).await;
                let uri = format!("/tra-cuu/{code}/danh-gia");
                return self
                    .form(
                        &uri,
                        &headers,
                        &[("verifier", &secret), ("rating", "satisfied"), ("key", "")],
                    )
                    .await;
            }
            "POST /dang-nhap" => {
                return self
                    .form(
                        "/dang-nhap",
                        &headers,
                        &[
                            ("account", &format!("khong-co-{n}")),
                            ("password", "sai-mat-khau-1"),
                        ],
                    )
                    .await;
            }
            "GET /thong-bao/huy-dang-ky" => (
                "GET",
                "/thong-bao/huy-dang-ky?t=0123456789abcdef0123456789abcdef".into(),
                None,
            ),
            "POST /thong-bao/huy-dang-ky" => {
                return self
                    .form(
                        "/thong-bao/huy-dang-ky",
                        &headers,
                        &[("t", "0123456789abcdef0123456789abcdef")],
                    )
                    .await;
            }
            "POST /du-lieu-cua-toi" => {
                let (code, secret) = self.dossier(&center, false).await;
                return self
                    .form(
                        "/du-lieu-cua-toi",
                        &headers,
                        &[("code", &code), ("secret", &secret)],
                    )
                    .await;
            }
            "POST /dang-nhap/phat-trien" => {
                return self
                    .form(
                        "/dang-nhap/phat-trien",
                        &headers,
                        &[
                            ("officer", "nva"),
                            ("agency", &center),
                            ("next", "/can-bo/ho-so"),
                        ],
                    )
                    .await;
            }
            "POST /can-bo/trao-doi/phat-lai" => {
                let id = self.dead_letter(&center).await;
                return self
                    .form(
                        "/can-bo/trao-doi/phat-lai",
                        &headers,
                        &[("id", &id.to_string()), ("sink", "matrix")],
                    )
                    .await;
            }
            "GET /ho-so/{code}/bien-nhan" | "GET /ho-so/{code}/bien-nhan.pdf" => {
                let (code, _) = self.dossier(&center, true).await;
                let pdf = if endpoint.ends_with(".pdf") {
                    ".pdf"
                } else {
                    ""
                };
                ("GET", format!("/ho-so/{code}/bien-nhan{pdf}"), None)
            }
            "GET /can-bo/ho-so.csv" => ("GET", "/can-bo/ho-so.csv?tab=unit".into(), None),
            "GET /can-bo/ho-so.xlsx" => ("GET", "/can-bo/ho-so.xlsx?tab=unit".into(), None),
            "GET /can-bo/so-theo-doi"
            | "GET /can-bo/so-theo-doi.pdf"
            | "GET /can-bo/so-theo-doi.xlsx" => ("GET", endpoint[4..].to_owned(), None),
            "GET /ho-so/{code}/bieu-mau/06" | "GET /ho-so/{code}/bieu-mau/06.pdf" => {
                let (code, _) = self.dossier(&center, true).await;
                let pdf = if endpoint.ends_with(".pdf") {
                    ".pdf"
                } else {
                    ""
                };
                ("GET", format!("/ho-so/{code}/bieu-mau/06{pdf}"), None)
            }
            "GET /can-bo/ho-so/{code}" => {
                let (code, _) = self.dossier(&center, true).await;
                ("GET", format!("/can-bo/ho-so/{code}"), None)
            }
            "GET /can-bo/tiep-nhan/da-nhan/{code}" => {
                let (code, _) = self.dossier(&center, true).await;
                ("GET", format!("/can-bo/tiep-nhan/da-nhan/{code}"), None)
            }
            "POST /can-bo/ho-so/{code}/thao-tac/receive" => {
                let (code, _) = self.dossier(&center, false).await;
                let uri = format!("/can-bo/ho-so/{code}/thao-tac/receive");
                return self
                    .form(
                        &uri,
                        &headers,
                        &[("key", &format!("m-{n}")), ("version", "1")],
                    )
                    .await;
            }
            "POST /can-bo/ho-so/{code}/thao-tac/hand_over" => {
                let (code, _) = self.dossier(&center, true).await;
                let uri = format!("/can-bo/ho-so/{code}/thao-tac/hand_over");
                return self
                    .form(
                        &uri,
                        &headers,
                        &[
                            ("key", &format!("m-{n}")),
                            ("to", center.as_str()),
                            ("step_working_days", "1"),
                        ],
                    )
                    .await;
            }
            "POST /can-bo/ho-so/{code}/thao-tac/result_ready" => {
                let (code, _) = self.dossier(&center, true).await;
                let uri = format!("/can-bo/ho-so/{code}/thao-tac/result_ready");
                return self
                    .form(
                        &uri,
                        &headers,
                        &[
                            ("key", &format!("m-{n}")),
                            ("document", "Giấy xác nhận"),
                            ("number", "01"),
                        ],
                    )
                    .await;
            }
            "POST /can-bo/ho-so/{code}/thao-tac/stop" => {
                let (code, _) = self.dossier(&center, true).await;
                let uri = format!("/can-bo/ho-so/{code}/thao-tac/stop");
                return self
                    .form(
                        &uri,
                        &headers,
                        &[
                            ("key", &format!("m-{n}")),
                            ("reason", "Người nộp đề nghị dừng"),
                        ],
                    )
                    .await;
            }
            "POST /can-bo/ho-so/{code}/ket-qua" => {
                let code = self.processing(&center).await;
                let uri = format!("/can-bo/ho-so/{code}/ket-qua");
                let (ct, body) = multipart(
                    &[("name", "Giấy chứng nhận")],
                    Some(("kq.pdf", "application/pdf", PDF)),
                );
                let (a, _) = send(&self.app, &uri, &headers, &ct, body).await;
                return (a.status, a.body);
            }
            "POST /can-bo/ho-so/{code}/tra-cuu" => {
                let (code, _) = self.dossier(&center, false).await;
                let uri = format!("/can-bo/ho-so/{code}/tra-cuu");
                return self
                    .form(&uri, &headers, &[("birth_date", "1987-03-04")])
                    .await;
            }
            "GET /can-bo/tiep-nhan/thu-tuc" => (
                "GET",
                "/can-bo/tiep-nhan/thu-tuc?procedure_q=khai%20sinh".into(),
                None,
            ),
            "POST /can-bo/tiep-nhan (lookup)" => {
                return self
                    .form(
                        "/can-bo/tiep-nhan",
                        &headers,
                        &[
                            ("step", "lookup"),
                            ("key", &format!("m-{n}")),
                            ("personal_id", "019087123456"),
                            ("full_name", "Nguyễn Thị Lan"),
                            ("birth_date", "1987-03-04"),
                            ("purpose", "Tiếp nhận hồ sơ"),
                        ],
                    )
                    .await;
            }
            "POST /can-bo/tiep-nhan (receive)" => {
                let committee = center.trim_end_matches(".TT").to_owned();
                return self
                    .form(
                        "/can-bo/tiep-nhan",
                        &headers,
                        &[
                            ("step", "receive"),
                            ("key", &format!("m-{n}")),
                            ("procedure", "1.004873"),
                            ("personal_id", "019087123456"),
                            ("full_name", "Nguyễn Thị Lan"),
                            ("deciding_agency", &committee),
                        ],
                    )
                    .await;
            }
            "GET /phan-anh" => ("GET", "/phan-anh".into(), None),
            "GET /phan-anh/cong-khai" => ("GET", format!("/phan-anh/cong-khai?unit={unit}"), None),
            "GET /phan-anh/{id}" => {
                let (id, token) = self.feedback(&center, &unit, false).await;
                ("GET", format!("/phan-anh/{id}?token={token}"), None)
            }
            "POST /phan-anh" => {
                return self
                    .form(
                        "/phan-anh",
                        &headers,
                        &[("unit", &unit), ("text", "Góp ý về giờ làm việc")],
                    )
                    .await;
            }
            "POST /phan-anh/{id}/danh-gia" => {
                let (id, token) = self.feedback(&center, &unit, true).await;
                return self
                    .form(
                        &format!("/phan-anh/{id}/danh-gia"),
                        &headers,
                        &[("token", &token), ("reaction", "dislike")],
                    )
                    .await;
            }
            "GET /phan-anh/{id}/bo-sung" => {
                let (id, token) = self.feedback(&center, &unit, false).await;
                ("GET", format!("/phan-anh/{id}/bo-sung?token={token}"), None)
            }
            "POST /phan-anh/{id}/bo-sung" => {
                let (id, token) = self.feedback(&center, &unit, false).await;
                let (a, _) = call(
                    &self.app,
                    "POST",
                    &format!("/api/v1/feedback/{id}/actions/request_supplement"),
                    &[officer(&center)],
                    Some(json!({"text": "Cho biết ngày giờ đến bộ phận một cửa"})),
                )
                .await;
                assert_eq!(a.status, StatusCode::OK, "{}", a.body);
                return self
                    .form(
                        &format!("/phan-anh/{id}/bo-sung"),
                        &headers,
                        &[("token", &token), ("text", "Sáng 03/12/2026")],
                    )
                    .await;
            }
            "GET /can-bo/phan-anh" => ("GET", format!("/can-bo/phan-anh?unit={unit}"), None),
            "GET /can-bo/phan-anh/{id}" => {
                let (id, _) = self.feedback(&center, &unit, false).await;
                ("GET", format!("/can-bo/phan-anh/{id}"), None)
            }
            "POST /can-bo/phan-anh/{id}/thao-tac/classify" => {
                let (id, _) = self.feedback(&center, &unit, false).await;
                return self
                    .form(
                        &format!("/can-bo/phan-anh/{id}/thao-tac/classify"),
                        &headers,
                        &[("classification", "rules")],
                    )
                    .await;
            }
            "POST /api/v1/feedback" => (
                "POST",
                "/api/v1/feedback".into(),
                Some(json!({"about": "general", "unit": unit, "text": "Góp ý về giờ làm việc"})),
            ),
            "GET /api/v1/feedback" => ("GET", format!("/api/v1/feedback?unit={unit}"), None),
            "GET /api/v1/feedback/published" => (
                "GET",
                format!("/api/v1/feedback/published?unit={unit}"),
                None,
            ),
            "GET /api/v1/feedback/{id}" => {
                let (id, _) = self.feedback(&center, &unit, false).await;
                ("GET", format!("/api/v1/feedback/{id}"), None)
            }
            "POST /api/v1/feedback/{id}/actions/classify" => {
                let (id, _) = self.feedback(&center, &unit, false).await;
                (
                    "POST",
                    format!("/api/v1/feedback/{id}/actions/classify"),
                    Some(json!({"classification": "rules"})),
                )
            }
            "POST /api/v1/feedback/{id}/rating" => {
                let (id, token) = self.feedback(&center, &unit, true).await;
                (
                    "POST",
                    format!("/api/v1/feedback/{id}/rating"),
                    Some(json!({"token": token, "reaction": "like"})),
                )
            }
            "POST /api/v1/feedback/{id}/supplement" => {
                let (id, token) = self.feedback(&center, &unit, false).await;
                (
                    "POST",
                    format!("/api/v1/feedback/{id}/supplement"),
                    Some(json!({"token": token, "text": "Bổ sung"})),
                )
            }
            "POST /api/v1/obstacles" => (
                "POST",
                "/api/v1/obstacles".into(),
                Some(
                    json!({"unit": center, "title": "Thiếu máy quét", "description": "Bộ phận một cửa thiếu máy quét",
                    "category": "CO_SO_VAT_CHAT", "proposal": "Cấp 02 máy quét", "submit": false}),
                ),
            ),
            "GET /api/v1/obstacles" => ("GET", format!("/api/v1/obstacles?unit={center}"), None),
            "POST /api/v1/obstacles/{id}/actions/submit" => {
                let (a, _) = call(
                    &self.app,
                    "POST",
                    "/api/v1/obstacles",
                    &[officer(&center)],
                    Some(json!({"unit": center, "title": "Thiếu máy quét", "description": "Thiếu máy quét",
                        "category": "CO_SO_VAT_CHAT", "proposal": "Cấp máy quét", "submit": false})),
                )
                .await;
                assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
                let id = a.body["id"].as_str().unwrap().to_owned();
                (
                    "POST",
                    format!("/api/v1/obstacles/{id}/actions/submit"),
                    Some(json!({})),
                )
            }
            "GET /api/v1/obstacles/report" => (
                "GET",
                format!("/api/v1/obstacles/report?unit={center}&period=2026-11"),
                None,
            ),
            "GET /api/v1/service-index" => (
                "GET",
                format!("/api/v1/service-index?unit={unit}&period=2026-11"),
                None,
            ),
            "GET /can-bo/chi-so-766"
            | "GET /can-bo/chi-so-766.xlsx"
            | "GET /can-bo/chi-so-766.pdf" => (
                "GET",
                format!("{}?don-vi={unit}&ky=2026-11", &endpoint[4..]),
                None,
            ),
            "GET /chi-so-766/{province}" => {
                let province = self.app.state.agencies.get("H55").await.unwrap().unit_code;
                ("GET", format!("/chi-so-766/{province}?ky=2026-11"), None)
            }
            "GET /can-bo/vuong-mac" => ("GET", format!("/can-bo/vuong-mac?unit={center}"), None),
            "GET /api/v1/staff" => ("GET", format!("/api/v1/staff?unit={center}"), None),
            "POST /api/v1/staff" => (
                "POST",
                "/api/v1/staff".into(),
                Some(json!({"csv": format!(
                    "id,unit,full_name,account,position_group,position,department,employment,expertise,qualifications\n\
                     NS{n},{center},Nguyễn Văn An,,specialised,Địa chính,kinh_te,cong_chuc,dat_dai,Cử nhân\n"
                )})),
            ),
            "GET /api/v1/workload" => ("GET", format!("/api/v1/workload?unit={center}"), None),
            "GET /api/v1/shortages" => (
                "GET",
                format!("/api/v1/shortages?unit={center}&expertise=dat_dai"),
                None,
            ),
            "POST /api/v1/units/{code}/classification" => (
                "POST",
                format!("/api/v1/units/{unit}/classification"),
                Some(json!({"population": 25000, "natural_area_km2": 60})),
            ),
            "GET /api/v1/units/{code}/classification" => {
                // Classified first by the province administrator of A.
                let admin = self.auth(Who::Has(Role::ProvinceAdmin));
                call(
                    &self.app,
                    "POST",
                    &format!("/api/v1/units/{unit}/classification"),
                    &admin,
                    Some(json!({"population": 25000})),
                )
                .await;
                ("GET", format!("/api/v1/units/{unit}/classification"), None)
            }
            "GET /can-bo/nhan-su" | "GET /can-bo/nhan-su.csv" | "GET /can-bo/khoi-luong" => {
                let path = endpoint.trim_start_matches("GET ");
                ("GET", format!("{path}?unit={center}"), None)
            }
            "GET /can-bo/thieu-hut" => (
                "GET",
                format!("/can-bo/thieu-hut?unit={center}&expertise=dat_dai"),
                None,
            ),
            "POST /can-bo/nhan-su/nhap" => {
                let csv = format!(
                    "id,unit,full_name,account,position_group,position,department,employment,expertise,qualifications\n\
                     NP{n},{center},Trần Thị Bình,,specialised,Địa chính,kinh_te,cong_chuc,dat_dai,Cử nhân\n"
                );
                let body = format!(
                    "--XBOUNDARY\r\nContent-Disposition: form-data; name=\"unit\"\r\n\r\n{center}\r\n\
                     --XBOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"can-bo.csv\"\r\n\
                     Content-Type: text/csv\r\n\r\n{csv}\r\n--XBOUNDARY--\r\n"
                );
                let (a, _) = send(
                    &self.app,
                    "/can-bo/nhan-su/nhap",
                    &headers,
                    "multipart/form-data; boundary=XBOUNDARY",
                    body.into_bytes(),
                )
                .await;
                return (a.status, a.body);
            }
            "GET /can-bo/vuong-mac/moi" => ("GET", "/can-bo/vuong-mac/moi".into(), None),
            "POST /can-bo/vuong-mac/moi" => {
                return self
                    .form(
                        "/can-bo/vuong-mac/moi",
                        &headers,
                        &[
                            ("title", "Thiếu máy quét"),
                            ("category", "CO_SO_VAT_CHAT"),
                            ("description", "Bộ phận một cửa thiếu máy quét"),
                            ("proposal", "Cấp 02 máy quét"),
                        ],
                    )
                    .await;
            }
            "GET /can-bo/vuong-mac/bao-cao"
            | "GET /can-bo/vuong-mac/bao-cao.pdf"
            | "GET /can-bo/vuong-mac/bao-cao.docx" => {
                let path = endpoint.trim_start_matches("GET ");
                ("GET", format!("{path}?unit={center}&period=2026-11"), None)
            }
            "GET /can-bo/vuong-mac/{id}" | "POST /can-bo/vuong-mac/{id}/thao-tac/submit" => {
                let (a, _) = call(
                    &self.app,
                    "POST",
                    "/api/v1/obstacles",
                    &[officer(&center)],
                    Some(json!({"unit": center, "title": "Thiếu máy quét", "description": "Thiếu máy quét",
                        "category": "CO_SO_VAT_CHAT", "proposal": "Cấp máy quét", "submit": false})),
                )
                .await;
                assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
                let id = a.body["id"].as_str().unwrap().to_owned();
                if endpoint.starts_with("GET") {
                    ("GET", format!("/can-bo/vuong-mac/{id}"), None)
                } else {
                    return self
                        .form(
                            &format!("/can-bo/vuong-mac/{id}/thao-tac/submit"),
                            &headers,
                            &[("version", "1")],
                        )
                        .await;
                }
            }
            "GET /api/v1/training/courses" => ("GET", "/api/v1/training/courses".into(), None),
            "POST /api/v1/training/courses" => (
                "POST",
                "/api/v1/training/courses".into(),
                Some(json!({"topic": "Nghiệp vụ đất đai", "expertise": ["dat_dai"], "hours": 8})),
            ),
            "GET /api/v1/training/sessions"
            | "GET /api/v1/training/plan"
            | "GET /api/v1/training/follow-up" => {
                let path = endpoint.trim_start_matches("GET ");
                ("GET", format!("{path}?unit={center}"), None)
            }
            "POST /api/v1/training/sessions" => {
                let course = training_course(&self.app, &center).await;
                (
                    "POST",
                    "/api/v1/training/sessions".into(),
                    Some(json!({"course_id": course, "unit": center,
                        "starts_on": "2026-11-02", "ends_on": "2026-11-03"})),
                )
            }
            "POST /api/v1/training/sessions/{id}/enrolments" => {
                let session = training_session(&self.app, &center, n).await;
                let id = session["id"].as_str().unwrap();
                (
                    "POST",
                    format!("/api/v1/training/sessions/{id}/enrolments"),
                    Some(json!({"staff": [format!("NT{n}")]})),
                )
            }
            "POST /api/v1/training/enrolments/{id}/completion" => {
                let session = training_session(&self.app, &center, n).await;
                let id = session["enrolments"][0]["id"].as_str().unwrap();
                (
                    "POST",
                    format!("/api/v1/training/enrolments/{id}/completion"),
                    Some(json!({"completed_on": "2026-11-03", "result": "Đạt"})),
                )
            }
            "GET /can-bo/dao-tao" => ("GET", format!("/can-bo/dao-tao?unit={center}"), None),
            "POST /can-bo/dao-tao/lop" => {
                return self
                    .form(
                        "/can-bo/dao-tao/lop",
                        &headers,
                        &[
                            ("topic", "Nghiệp vụ đất đai"),
                            ("expertise", "dat_dai"),
                            ("unit", &center),
                            ("starts_on", "2026-11-02"),
                            ("ends_on", "2026-11-03"),
                        ],
                    )
                    .await;
            }
            "POST /can-bo/dao-tao/hoan-thanh" => {
                let session = training_session(&self.app, &center, n).await;
                let id = session["enrolments"][0]["id"].as_str().unwrap().to_owned();
                return self
                    .form(
                        "/can-bo/dao-tao/hoan-thanh",
                        &headers,
                        &[
                            ("enrolment_id", &id),
                            ("unit", &center),
                            ("completed_on", "2026-11-03"),
                        ],
                    )
                    .await;
            }
            other => panic!("no request for {other}"),
        };
        let (a, _) = call(&self.app, method, &uri, &headers, body).await;
        (a.status, a.body)
    }
}

/// Percent-encodes a form value.
fn encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn every_role_on_every_endpoint_in_and_out_of_scope() {
    the_matrix_on(TestApp::new().await).await;
}

#[tokio::test]
async fn every_role_on_every_endpoint_in_and_out_of_scope_on_postgres() {
    the_matrix_on(TestApp::on_postgres().await).await;
}

/// Every cell of the matrix on one application (one engine).
async fn the_matrix_on(mut app: TestApp) {
    // Tracking is limited per client address, and every call here comes
    // from the same one: lift the limit for this test only.
    app.state.tracking_limiter = std::sync::Arc::new(motcua_web::rate_limit::VerifierLimiter::new(
        10_000,
        10_000,
        10_000,
        std::time::Duration::from_secs(3600),
    ));
    app.state.filing_limiter = std::sync::Arc::new(motcua_web::rate_limit::FilingLimiter::new(
        motcua_web::rate_limit::RateLimiter::new(10_000, 10_000),
        motcua_web::rate_limit::RateLimiter::new(10_000, 10_000),
    ));
    app.router = motcua_web::router(app.state.clone());
    let p = place(&app).await;
    import_applicant(&app).await;
    let unit_of = |id: &str| {
        let app = &app;
        let id = id.to_owned();
        async move { app.state.agencies.get(&id).await.unwrap().unit_code }
    };
    let (unit_a, unit_b) = (unit_of(&p.center).await, unit_of(&p.other_center).await);
    assert_ne!(unit_a, unit_b);
    let mut keys = Vec::new();
    for role in Role::ALL {
        let id = format!("acct-{role}");
        crate::identity::account(&app, &id, &p.center, &[]).await;
        app.state
            .identity
            .grant_role(
                &id,
                RoleAssignment {
                    role,
                    scope: Scope::Agency(p.center.clone()),
                },
                "test-admin",
            )
            .await
            .unwrap();
        let key = app
            .state
            .identity
            .create_api_key(&id, Vec::new(), "test-admin")
            .await
            .unwrap();
        keys.push((role, key.secret));
    }
    // An account without roles, and a reception+leader+auditor account
    // whose key is narrowed to auditor (`api-keys create --only`).
    crate::identity::account(&app, "acct-no-role", &p.center, &[]).await;
    let no_role_key = app
        .state
        .identity
        .create_api_key("acct-no-role", Vec::new(), "test-admin")
        .await
        .unwrap()
        .secret;
    crate::identity::account(
        &app,
        "acct-narrowed",
        &p.center,
        &[Role::Reception, Role::Leader, Role::Auditor],
    )
    .await;
    let narrowed_key = app
        .state
        .identity
        .create_api_key(
            "acct-narrowed",
            vec![RoleAssignment {
                role: Role::Auditor,
                scope: Scope::Agency(p.center.clone()),
            }],
            "test-admin",
        )
        .await
        .unwrap()
        .secret;
    let sector_keys = (
        system_key(&app, "fx-sys-a", &p.center).await,
        system_key(&app, "fx-sys-b", &p.other_center).await,
    );
    let world = World {
        app,
        a: p.center.clone(),
        b: p.other_center.clone(),
        unit_a,
        unit_b,
        keys,
        no_role_key,
        narrowed_key,
        sector_keys,
        seq: std::cell::Cell::new(0),
    };
    let principals: Vec<Who> = [Who::Anonymous, Who::NoRole, Who::Narrowed]
        .into_iter()
        .chain(Role::ALL.into_iter().map(Who::Has))
        .collect();
    let mut cells = 0;
    let mut wrong = Vec::new();
    for &endpoint in ENDPOINTS {
        for &who in &principals {
            for in_scope in [true, false] {
                let want = expected(who, endpoint, in_scope);
                let (got, body) = world.send(who, endpoint, in_scope).await;
                cells += 1;
                if got != want {
                    wrong.push(format!(
                        "{who:?} {endpoint} in_scope={in_scope}: want {want}, got {got}: {body}"
                    ));
                }
                // Out of scope, a work list or another unit's grants are empty.
                if got == StatusCode::OK
                    && !in_scope
                    && matches!(
                        endpoint,
                        "GET /api/v1/dossiers" | "GET /api/v1/grants?officer="
                    )
                {
                    let items = body.get("items").unwrap_or(&body);
                    assert_eq!(
                        items.as_array().map(Vec::len),
                        Some(0),
                        "{who:?} {endpoint}"
                    );
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong cells:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(cells, ENDPOINTS.len() * principals.len() * 2);
    println!(
        "authorization matrix: {} principals × {} endpoints × 2 scopes = {cells} cells",
        principals.len(),
        ENDPOINTS.len()
    );
}

/// The routes of the application, read from the routers' source: every
/// `.route("PATH", get(..).post(..)...)` under `crates/motcua-web/src`
/// (those under `src/api/` are nested at `/api/v1`), as `METHOD PATH`.
fn declared_routes() -> Vec<String> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("source dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../motcua-web/src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    files.sort();
    let mut routes = Vec::new();
    for file in files {
        let prefix = if file.starts_with(src.join("api")) {
            "/api/v1"
        } else {
            ""
        };
        let text: String = std::fs::read_to_string(&file)
            .expect("source")
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut rest = text.as_str();
        while let Some(at) = rest.find(".route(") {
            rest = &rest[at + ".route(".len()..];
            let Some(path) = rest.trim_start().strip_prefix('"') else {
                continue;
            };
            let path = &path[..path.find('"').expect("closing quote")];
            // The route call's arguments, up to its closing parenthesis.
            let mut depth = 1;
            let mut end = rest.len();
            for (i, c) in rest.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let call = &rest[..end];
            for method in ["get", "post", "put", "patch", "delete"] {
                let token = format!("{method}(");
                let found = call.match_indices(&token).any(|(i, _)| {
                    i == 0 || {
                        let before = call.as_bytes()[i - 1];
                        !(before.is_ascii_alphanumeric() || before == b'_')
                    }
                });
                if found {
                    routes.push(format!("{} {prefix}{path}", method.to_uppercase()));
                }
            }
        }
    }
    routes.sort();
    routes.dedup();
    routes
}

/// Whether the matrix endpoint `label` (`METHOD /path`, maybe with a
/// concrete value for a `{...}` segment, a `?query` or a ` (variant)`)
/// exercises the route `METHOD /pattern`.
fn exercises(label: &str, route: &str) -> bool {
    let label = label.split(" (").next().unwrap_or(label);
    let label = label.split('?').next().unwrap_or(label);
    let (Some((lm, lp)), Some((rm, rp))) = (label.split_once(' '), route.split_once(' ')) else {
        return false;
    };
    let (ls, rs): (Vec<&str>, Vec<&str>) = (lp.split('/').collect(), rp.split('/').collect());
    lm == rm
        && ls.len() == rs.len()
        && ls
            .iter()
            .zip(&rs)
            .all(|(l, r)| l == r || (r.starts_with('{') && r.ends_with('}')))
}

#[test]
fn every_route_is_in_the_matrix() {
    let routes = declared_routes();
    assert!(
        routes.len() >= 60,
        "the route parser found too few routes: {routes:?}"
    );
    let missing: Vec<&String> = routes
        .iter()
        .filter(|r| !ENDPOINTS.iter().any(|e| exercises(e, r)))
        .collect();
    assert!(
        missing.is_empty(),
        "routes missing from the authorization matrix (crates/motcua/tests/api/matrix.rs: \
         add each to ENDPOINTS with its expected status per principal and scope): {missing:#?}"
    );
    let stale: Vec<&&str> = ENDPOINTS
        .iter()
        .filter(|e| !routes.iter().any(|r| exercises(e, r)))
        .collect();
    assert!(stale.is_empty(), "matrix rows without a route: {stale:#?}");
}

/// F13: nobody grants registry access to themselves, and a grant cannot
/// start in the past.
#[tokio::test]
async fn self_grants_and_backdated_grants_are_refused() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let unit = app.state.agencies.get(&p.center).await.unwrap().unit_code;
    crate::identity::account(&app, "adm-a", &p.center, &[Role::UnitAdmin]).await;
    let key = app
        .state
        .identity
        .create_api_key("adm-a", Vec::new(), "test-admin")
        .await
        .unwrap()
        .secret;
    let auth = [("authorization", format!("Bearer {key}"))];
    let grant = |officer: &str, from: Option<String>| {
        let mut b = json!({"officer_id": officer, "unit_code": unit,
            "purpose": "Tiếp nhận hồ sơ", "days": 30});
        if let Some(from) = from {
            b["valid_from"] = json!(from);
        }
        b
    };
    let (a, _) = call(
        &app,
        "POST",
        "/api/v1/grants",
        &auth,
        Some(grant("adm-a", None)),
    )
    .await;
    a.assert_problem(StatusCode::FORBIDDEN);
    assert_eq!(a.body["code"], "self_grant");
    let (a, _) = call(
        &app,
        "POST",
        "/api/v1/grants",
        &auth,
        Some(grant("cb-a", Some("2020-01-01T00:00:00Z".into()))),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    let soon = (app.state.clock.now() + Duration::minutes(1)).to_rfc3339();
    let (a, _) = call(
        &app,
        "POST",
        "/api/v1/grants",
        &auth,
        Some(grant("cb-a", Some(soon))),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    // The use case refuses a self-grant whoever calls it.
    let err = app
        .state
        .grants
        .create(NewGrant {
            officer_id: "x1".into(),
            unit_code: unit.clone(),
            purpose: "tiếp nhận hồ sơ".into(),
            valid_from: None,
            valid_until: app.state.clock.now() + Duration::days(3),
            granted_by: "x1".into(),
        })
        .await;
    assert!(err.is_err());
}

/// F26: a unit administrator of commune B neither lists nor replays the
/// dead letters of commune A's dossiers; A's administrator does.
#[tokio::test]
async fn dead_letters_stay_in_the_callers_scope() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let unit_of = |id: String| {
        let app = &app;
        async move { app.state.agencies.get(&id).await.unwrap().unit_code }
    };
    let (unit_a, unit_b) = (
        unit_of(p.center.clone()).await,
        unit_of(p.other_center.clone()).await,
    );
    let mut keys = Vec::new();
    for (id, unit) in [("adm-a", &unit_a), ("adm-b", &unit_b)] {
        crate::identity::account(&app, id, &p.center, &[]).await;
        app.state
            .identity
            .grant_role(
                id,
                RoleAssignment {
                    role: Role::UnitAdmin,
                    scope: Scope::Unit(unit.clone()),
                },
                "test-admin",
            )
            .await
            .unwrap();
        let key = app
            .state
            .identity
            .create_api_key(id, Vec::new(), "test-admin")
            .await
            .unwrap();
        keys.push(vec![("authorization", format!("Bearer {}", key.secret))]);
    }
    let world = World {
        a: p.center.clone(),
        b: p.other_center.clone(),
        unit_a,
        unit_b,
        keys: Vec::new(),
        no_role_key: String::new(),
        narrowed_key: String::new(),
        sector_keys: (String::new(), String::new()),
        seq: std::cell::Cell::new(0),
        app,
    };
    let id = world.dead_letter(&world.a).await;
    let listed = |auth: Vec<(&'static str, String)>| {
        let world = &world;
        async move {
            let (a, _) = call(
                &world.app,
                "GET",
                "/api/v1/exchange/dead-letters",
                &auth,
                None,
            )
            .await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            a.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    assert!(listed(keys[0].clone()).await.contains(&id));
    assert!(!listed(keys[1].clone()).await.contains(&id));
    let uri = format!("/api/v1/exchange/dead-letters/{id}/replay?sink=matrix");
    let (a, _) = call(&world.app, "POST", &uri, &keys[1], None).await;
    a.assert_problem(StatusCode::NOT_FOUND);
    let (a, _) = call(&world.app, "POST", &uri, &keys[0], None).await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.body);
}

/// A training course recorded by the development officer of `center`; its id.
async fn training_course(app: &TestApp, center: &str) -> String {
    let (a, _) = call(
        app,
        "POST",
        "/api/v1/training/courses",
        &[officer(center)],
        Some(json!({"topic": "Nghiệp vụ đất đai", "expertise": ["dat_dai"], "hours": 8})),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    a.body["id"].as_str().unwrap().to_owned()
}

/// A training session at `center` with staff `NS{n}` enrolled (and `NT{n}`
/// in the registry, not enrolled).
async fn training_session(app: &TestApp, center: &str, n: u32) -> Value {
    app.state
        .staff
        .import_unchecked(&format!(
            "id,unit,full_name,account,position_group,position,department,employment,expertise,qualifications\n\
             NS{n},{center},Nguyễn Văn An,,specialised,Địa chính,kinh_te,cong_chuc,,Cử nhân\n\
             NT{n},{center},Trần Thị Bình,,specialised,Địa chính,kinh_te,cong_chuc,,Cử nhân\n"
        ))
        .await
        .unwrap();
    let course = training_course(app, center).await;
    let (a, _) = call(
        app,
        "POST",
        "/api/v1/training/sessions",
        &[officer(center)],
        Some(
            json!({"course_id": course, "unit": center, "starts_on": "2026-11-02",
            "ends_on": "2026-11-03", "staff": [format!("NS{n}")]}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    a.body
}
