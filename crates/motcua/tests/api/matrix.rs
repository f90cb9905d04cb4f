//! The authorization matrix: every role (and anonymous) × every endpoint
//! of `/api/v1` and the pages × in scope / out of scope, each asserting the
//! exact status. "In scope" targets the centre the role is scoped to (A);
//! "out of scope" targets another commune's centre (B). Where existence
//! must not leak (a dossier, a grant) out of scope answers 404.

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use motcua_app::grants::NewGrant;
use motcua_domain::identity::{Role, RoleAssignment, Scope};
use motcua_domain::webhook::WebhookSpec;
use serde_json::{Value, json};

use crate::dossier_support::{call, desk_filing, key, officer, online_filing, place};
use crate::identity::{import_applicant, lookup_body};
use crate::sector_support::{PDF, multipart, sector, send, system_key, transferred};
use crate::support::TestApp;

/// Who calls: a role scoped to centre A, or nobody.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Has(Role),
}

/// The endpoints, in the order of the route lists.
const ENDPOINTS: [&str; 44] = [
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
];

fn has(who: Who, roles: &[Role]) -> bool {
    matches!(who, Who::Has(r) if roles.contains(&r))
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
    let dossier_roles = [Role::Reception, Role::Specialist, Role::Leader];
    let webhook_roles = [Role::UnitAdmin, Role::ProvinceAdmin, Role::System];
    // Dead letters are the province's, not a unit's: no scope to be out of.
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
            protected(&exchange_admins, S::ACCEPTED, S::ACCEPTED)
        }
        // The page asks anonymous visitors to sign in (200) and tells an
        // officer without an administrator role why not (403).
        "GET /can-bo/trao-doi" => match who {
            Who::Anonymous => S::OK,
            _ if has(who, &exchange_admins) => S::OK,
            _ => S::FORBIDDEN,
        },
        "POST /dang-xuat" => S::SEE_OTHER,
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
                valid_until: Utc::now() + Duration::days(30),
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
            .create_webhook(&spec, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Utc::now())
            .await
            .unwrap()
            .id
    }

    /// A fresh dead letter (of the sink `matrix`) for a new dossier at
    /// `center`; answers its outbox id.
    async fn dead_letter(&self, center: &str) -> i64 {
        use motcua_app::ports::exchange::{Attempt, ClaimRequest, Failure, Settlement};
        let store = &self.app.state.store;
        store.register_sink("matrix", Utc::now()).await.unwrap();
        let (code, _) = self.dossier(center, true).await;
        let now = Utc::now() + Duration::seconds(1);
        let claimed = store
            .claim_outbox(&ClaimRequest {
                sink: "matrix".into(),
                relay: "matrix".into(),
                now,
                lease_until: now + Duration::seconds(30),
                limit: 1000,
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
                failed: &failed,
            })
            .await
            .unwrap();
        claimed
            .iter()
            .find(|r| r.dossier_code == code)
            .expect("the new dossier's event was claimed")
            .id
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
                    Some(json!({"to": "chuyen-vien-1", "step_working_days": 1})),
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
            "GET /dang-nhap" => ("GET", "/dang-nhap?next=/".into(), None),
            "GET /du-lieu-cua-toi" => ("GET", "/du-lieu-cua-toi".into(), None),
            "POST /dang-xuat" => ("POST", "/dang-xuat".into(), None),
            other => panic!("no request for {other}"),
        };
        let (a, _) = call(&self.app, method, &uri, &headers, body).await;
        (a.status, a.body)
    }
}

#[tokio::test]
async fn every_role_on_every_endpoint_in_and_out_of_scope() {
    let mut app = TestApp::new().await;
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
        sector_keys,
        seq: std::cell::Cell::new(0),
    };
    let principals: Vec<Who> = std::iter::once(Who::Anonymous)
        .chain(Role::ALL.into_iter().map(Who::Has))
        .collect();
    let mut cells = 0;
    let mut wrong = Vec::new();
    for endpoint in ENDPOINTS {
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
