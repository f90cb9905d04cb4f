//! Log-in, lock-out, sessions, CSRF, API keys, grants and look-ups through
//! the real router.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use motcua_app::identity::NewAccount;
use motcua_domain::identity::{Role, RoleAssignment, Scope};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::dossier_support::{call, key, officer, online_filing, place};
use crate::support::TestApp;

/// A raw request; answers status, headers and the body as text.
pub async fn raw(
    app: &TestApp,
    method: &str,
    uri: &str,
    headers: &[(&str, String)],
    body: Option<String>,
) -> (StatusCode, HeaderMap, String) {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let res = app
        .router
        .clone()
        .oneshot(
            req.body(body.map_or_else(Body::empty, Body::from))
                .expect("request"),
        )
        .await
        .expect("response");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024)
        .await
        .expect("body");
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

/// Creates an account with a password and one role in an agency scope.
pub async fn account(app: &TestApp, id: &str, agency: &str, roles: &[Role]) {
    app.state
        .identity
        .create_account(
            NewAccount {
                id: id.into(),
                display_name: format!("Cán bộ {id}"),
                position: None,
                agency_id: agency.into(),
                email: Some(format!("{id}@example.gov.vn")),
                password: Some("mat-khau-rat-dai".into()),
            },
            "test-admin",
        )
        .await
        .expect("account");
    for role in roles {
        app.state
            .identity
            .grant_role(
                id,
                RoleAssignment {
                    role: *role,
                    scope: Scope::Agency(agency.into()),
                },
                "test-admin",
            )
            .await
            .expect("role");
    }
}

fn form(account: &str, password: &str, next: &str) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    format!(
        "account={}&password={}&next={}",
        enc(account),
        enc(password),
        enc(next)
    )
}

const FORM: &str = "application/x-www-form-urlencoded";

pub async fn login(
    app: &TestApp,
    account: &str,
    password: &str,
    next: &str,
) -> (StatusCode, HeaderMap, String) {
    raw(
        app,
        "POST",
        "/dang-nhap",
        &[(header::CONTENT_TYPE.as_str(), FORM.into())],
        Some(form(account, password, next)),
    )
    .await
}

fn session_of(headers: &HeaderMap) -> String {
    let cookie = headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .expect("a session cookie")
        .to_owned();
    cookie.split(';').next().unwrap().to_owned()
}

async fn audit_actions(app: &TestApp) -> Vec<(String, String, Option<String>)> {
    app.state
        .store
        .audit_page(0, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.columns.action, e.columns.outcome, e.columns.reason))
        .collect()
}

#[tokio::test]
async fn officers_log_in_and_out_with_a_secure_session() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    account(&app, "nva", &p.center, &[Role::Reception]).await;

    let (status, headers, _) = login(&app, "nva", "mat-khau-rat-dai", "/api/v1/dossiers").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/api/v1/dossiers");
    let set = headers[header::SET_COOKIE].to_str().unwrap();
    for part in ["motcua_session=", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set.contains(part), "{set}");
    }
    assert!(!set.contains("Secure"), "plain http public URL: {set}");
    let cookie = session_of(&headers);
    let (list, _) = call(
        &app,
        "GET",
        "/api/v1/dossiers",
        &[("cookie", cookie.clone())],
        None,
    )
    .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let (anon, _) = call(&app, "GET", "/api/v1/dossiers", &[], None).await;
    anon.assert_problem(StatusCode::UNAUTHORIZED);

    // A cross-site form post with the cookie is refused; the same origin passes.
    let (status, _, _) = raw(
        &app,
        "POST",
        "/dang-xuat",
        &[
            ("cookie", cookie.clone()),
            ("origin", "https://evil.example".into()),
        ],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = raw(
        &app,
        "POST",
        "/dang-xuat",
        &[
            ("cookie", cookie.clone()),
            ("referer", "http://evil.example/x".into()),
        ],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, headers, _) = raw(
        &app,
        "POST",
        "/dang-xuat",
        &[
            ("cookie", cookie.clone()),
            ("origin", "http://127.0.0.1:8080".into()),
        ],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let (after, _) = call(&app, "GET", "/api/v1/dossiers", &[("cookie", cookie)], None).await;
    after.assert_problem(StatusCode::UNAUTHORIZED);

    // `next` is followed only to local paths.
    for bad in [
        "//evil.example/x",
        "https://evil.example",
        "/\\evil.example",
    ] {
        let (status, headers, _) = login(&app, "nva", "mat-khau-rat-dai", bad).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        // Not followed: the officer lands on the work list (UX review #7).
        assert_eq!(headers[header::LOCATION], "/can-bo/ho-so", "{bad}");
    }
    let logins = audit_actions(&app)
        .await
        .into_iter()
        .filter(|(a, o, _)| a == "login" && o == "allowed")
        .count();
    assert_eq!(logins, 4);
}

const SAME: &str = "Tên đăng nhập hoặc mật khẩu không đúng.";

#[tokio::test]
async fn wrong_passwords_lock_the_account_without_telling_who_exists() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    account(&app, "ttb", &p.center, &[Role::Specialist]).await;
    let (status, _, page) = login(&app, "ttb", "sai-mat-khau", "/").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains(SAME), "{page}");
    let (_, _, unknown) = login(&app, "khong-co", "sai-mat-khau", "/").await;
    assert!(unknown.contains(SAME));
    for _ in 0..3 {
        login(&app, "ttb", "sai-mat-khau", "/").await;
    }
    // The fifth failure locks the account for this client; the page still
    // says only that the name or the password is wrong (review F24).
    let (_, _, fifth) = login(&app, "ttb", "sai-mat-khau", "/").await;
    assert!(fifth.contains(SAME), "{fifth}");
    assert!(!fifth.contains("tạm khóa đến"), "{fifth}");
    // Even the right password is refused from this client, with the same words.
    let (status, _, locked) = login(&app, "ttb", "mat-khau-rat-dai", "/").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(locked.contains(SAME), "{locked}");
    // The account itself is not locked (that takes 50 failures).
    assert!(
        app.state
            .store
            .get_account("ttb")
            .await
            .unwrap()
            .unwrap()
            .locked_until
            .is_none()
    );
    // Audited: the first failure of the minute and the one that locked;
    // the unknown account and the repeats within the minute only count.
    let reasons: Vec<Option<String>> = audit_actions(&app)
        .await
        .into_iter()
        .filter(|(a, _, _)| a == "login")
        .map(|(_, _, r)| r)
        .collect();
    assert_eq!(
        reasons,
        vec![
            Some("bad_credentials".into()),
            Some("bad_credentials_client_locked".into()),
        ]
    );
    assert_eq!(app.state.identity.unaudited_refusals(), 5);
    // An administrator's new password clears the lock.
    app.state
        .identity
        .set_password("ttb", "mat-khau-moi-dai", "admin")
        .await
        .unwrap();
    let (status, _, _) = login(&app, "ttb", "mat-khau-moi-dai", "/").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

/// Review F9 and F24: attempts on unknown accounts (and throttled ones)
/// write no audit row, and password-less, disabled and unknown accounts get
/// the same answer as a wrong password, after an argon2 run of their own.
#[tokio::test]
async fn unknown_accounts_add_no_audit_rows_and_all_refusals_look_alike() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    account(&app, "co-that", &p.center, &[Role::Reception]).await;
    app.state
        .identity
        .create_account(
            NewAccount {
                id: "sys-thue".into(),
                display_name: "Hệ thống thuế".into(),
                position: None,
                agency_id: p.center.clone(),
                email: None,
                password: None,
            },
            "test-admin",
        )
        .await
        .unwrap();
    app.state
        .identity
        .set_active("co-that", false, "test-admin")
        .await
        .unwrap();
    let rows = |app: &TestApp| {
        let store = app.state.store.clone();
        async move { store.audit_head().await.unwrap().map_or(0, |h| h.seq) }
    };
    let before = rows(&app).await;
    let timed = |id: &'static str| {
        let app = &app;
        async move {
            let started = std::time::Instant::now();
            let (status, _, page) = login(app, id, "mat-khau-rat-dai", "/").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{id}");
            assert!(page.contains(SAME), "{id}: {page}");
            started.elapsed()
        }
    };
    let password_less = timed("sys-thue").await;
    let disabled = timed("co-that").await;
    let unknown = timed("khong-co-ai").await;
    // One argon2 verification each (tens of milliseconds), not a shortcut.
    let slowest = password_less.max(disabled).max(unknown);
    for (name, took) in [
        ("password-less", password_less),
        ("disabled", disabled),
        ("unknown", unknown),
    ] {
        assert!(
            took * 5 >= slowest,
            "{name} took {took:?}, the slowest {slowest:?}"
        );
    }
    let after_three = rows(&app).await;
    // The password-less and the disabled account are audited (once a minute).
    assert_eq!(after_three - before, 2);
    for i in 0..50 {
        let (status, _, page) = login(&app, &format!("lu-{i}"), "x", "/").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(
            page.contains(SAME) || page.contains("quá nhiều lần"),
            "{page}"
        );
    }
    assert_eq!(
        rows(&app).await,
        after_three,
        "no audit row for unknown accounts"
    );
    assert!(app.state.identity.unaudited_refusals() >= 51);
}

/// Review F23: a new password or disabling the account ends its sessions.
#[tokio::test]
async fn a_new_password_or_disabling_ends_the_sessions() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    account(&app, "cb-b", &p.center, &[Role::Reception]).await;
    let works = |cookie: String| {
        let app = &app;
        async move {
            call(app, "GET", "/api/v1/dossiers", &[("cookie", cookie)], None)
                .await
                .0
                .status
        }
    };
    let (_, headers, _) = login(&app, "cb-b", "mat-khau-rat-dai", "/").await;
    let old = session_of(&headers);
    assert_eq!(works(old.clone()).await, StatusCode::OK);
    app.state
        .identity
        .set_password("cb-b", "Mat-khau-moi-456789", "admin")
        .await
        .unwrap();
    assert_eq!(works(old).await, StatusCode::UNAUTHORIZED);

    let (_, headers, _) = login(&app, "cb-b", "Mat-khau-moi-456789", "/").await;
    let second = session_of(&headers);
    assert_eq!(works(second.clone()).await, StatusCode::OK);
    app.state
        .identity
        .set_active("cb-b", false, "admin")
        .await
        .unwrap();
    assert_eq!(works(second).await, StatusCode::UNAUTHORIZED);
    let (status, _, page) = login(&app, "cb-b", "Mat-khau-moi-456789", "/").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains(SAME), "{page}");
    app.state
        .identity
        .set_active("cb-b", true, "admin")
        .await
        .unwrap();
    let (status, _, _) = login(&app, "cb-b", "Mat-khau-moi-456789", "/").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

/// Review F1 and F27: without demonstration mode the development login is
/// refused everywhere; with it, pages show the banner, the dev-login form
/// only follows local paths and only takes posts from this site.
#[tokio::test]
async fn the_development_login_is_a_loud_opt_in() {
    let mut app = TestApp::new().await;
    let p = place(&app).await;
    let dev = ("authorization", format!("Bearer dev:cb-a:{}", p.center));
    let (home, _) = call(&app, "GET", "/", &[], None).await;
    assert!(
        home.body.as_str().unwrap().contains("Chế độ thử nghiệm"),
        "the banner shows in demo mode"
    );
    let form = |next: &str| {
        format!(
            "officer=cb-a&agency={}&next={}",
            p.center,
            next.bytes()
                .map(|b| format!("%{b:02X}"))
                .collect::<String>()
        )
    };
    let ct = (header::CONTENT_TYPE.as_str(), FORM.to_owned());
    let origin = ("origin", "http://127.0.0.1:8080".to_owned());
    for bad in [
        "/\t/evil.example/path",
        "/a\r\nSet-Cookie: pwn=1",
        "//evil.example",
        "/\\evil.example",
    ] {
        let (status, headers, _) = raw(
            &app,
            "POST",
            "/dang-nhap/phat-trien",
            &[ct.clone(), origin.clone()],
            Some(form(bad)),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{bad:?}");
        assert_eq!(headers[header::LOCATION], "/can-bo/ho-so", "{bad:?}");
    }
    // Login CSRF: a post from another site, or with no origin at all, is refused.
    for headers in [
        vec![ct.clone(), ("origin", "https://evil.example".to_owned())],
        vec![ct.clone()],
    ] {
        let (status, headers, _) = raw(
            &app,
            "POST",
            "/dang-nhap/phat-trien",
            &headers,
            Some(form("/can-bo/ho-so")),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(headers.get(header::SET_COOKIE).is_none());
    }

    // The production default: off. Bearer dev and the dev cookie are refused.
    app.state.dev_login = false;
    app.router = motcua_web::router(app.state.clone());
    let (refused, _) = call(
        &app,
        "GET",
        "/api/v1/dossiers",
        std::slice::from_ref(&dev),
        None,
    )
    .await;
    refused.assert_problem(StatusCode::UNAUTHORIZED);
    let cookie = ("cookie", format!("motcua_dev=cb-a:{}", p.center));
    let (status, headers, _) = raw(&app, "GET", "/can-bo/ho-so", &[cookie], None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        headers[header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/dang-nhap?")
    );
    let (_, _, login_page) = raw(&app, "GET", "/dang-nhap", &[], None).await;
    assert!(!login_page.contains("/dang-nhap/phat-trien"));
    assert!(!login_page.contains("Chế độ thử nghiệm"));
    let (status, headers, _) = raw(
        &app,
        "POST",
        "/dang-nhap/phat-trien",
        &[ct, origin],
        Some(form("/")),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        headers
            .get(header::SET_COOKIE)
            .is_none_or(|c| !c.to_str().unwrap().contains("motcua_dev"))
    );
}

#[tokio::test]
async fn api_keys_act_as_their_account_until_rotated_or_revoked() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    account(
        &app,
        "he-thong",
        &p.center,
        &[Role::Specialist, Role::System],
    )
    .await;
    let only_system = vec![RoleAssignment {
        role: Role::System,
        scope: Scope::Agency(p.center.clone()),
    }];
    let narrow = app
        .state
        .identity
        .create_api_key("he-thong", only_system, "admin")
        .await
        .unwrap();
    let wide = app
        .state
        .identity
        .create_api_key("he-thong", Vec::new(), "admin")
        .await
        .unwrap();
    assert!(wide.secret.starts_with("mck_") && wide.record.prefix.len() == 12);
    let bearer = |s: &str| ("authorization", format!("Bearer {s}"));
    let (ok, _) = call(
        &app,
        "GET",
        "/api/v1/dossiers",
        &[bearer(&wide.secret)],
        None,
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    let (no_role, _) = call(
        &app,
        "GET",
        "/api/v1/dossiers",
        &[bearer(&narrow.secret)],
        None,
    )
    .await;
    no_role.assert_problem(StatusCode::FORBIDDEN);
    let rotated = app
        .state
        .identity
        .rotate_api_key(&wide.record.id, "admin")
        .await
        .unwrap();
    let (old, _) = call(
        &app,
        "GET",
        "/api/v1/dossiers",
        &[bearer(&wide.secret)],
        None,
    )
    .await;
    old.assert_problem(StatusCode::UNAUTHORIZED);
    let (new, _) = call(
        &app,
        "GET",
        "/api/v1/dossiers",
        &[bearer(&rotated.secret)],
        None,
    )
    .await;
    assert_eq!(new.status, StatusCode::OK);
    app.state
        .identity
        .revoke_api_key(&wide.record.id, "admin")
        .await
        .unwrap();
    let (gone, _) = call(
        &app,
        "GET",
        "/api/v1/dossiers",
        &[bearer(&rotated.secret)],
        None,
    )
    .await;
    gone.assert_problem(StatusCode::UNAUTHORIZED);
    let changes = audit_actions(&app)
        .await
        .into_iter()
        .filter(|(a, _, _)| a == "api_key_change")
        .count();
    assert_eq!(changes, 4);
}

/// The applicant of `online_filing`, in the embedded registry.
pub async fn import_applicant(app: &TestApp) {
    let id = motcua_domain::dossier::PersonalId::parse("019087123456").unwrap();
    app.state
        .store
        .import_residents(&[motcua_domain::resident::Resident {
            sex: id.sex(),
            birth_date: chrono::NaiveDate::from_ymd_opt(1987, 3, 4).unwrap(),
            personal_id: id,
            full_name: "Nguyễn Thị Lan".into(),
            permanent_unit: "05977".into(),
            temporary_unit: None,
            household_code: "HK-1".into(),
            household_relation: "chủ hộ".into(),
        }])
        .await
        .unwrap();
}

pub fn lookup_body(dossier: Option<&str>, purpose: Option<&str>) -> Value {
    json!({"personal_id": "019087123456", "full_name": "Nguyễn Thị Lan",
        "birth_date": "1987-03-04", "dossier_code": dossier, "purpose": purpose})
}

#[tokio::test]
async fn lookups_are_refused_with_reasons_and_audited() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    import_applicant(&app).await;
    let (filed, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[key("f1")],
        Some(online_filing(&p.center)),
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let code = filed.body["code"].as_str().unwrap().to_owned();
    let me = officer(&p.center);
    let lookup = |body: Value| {
        let me = me.clone();
        let app = &app;
        async move {
            call(app, "POST", "/api/v1/registry/lookups", &[me], Some(body))
                .await
                .0
        }
    };
    let no_grant = lookup(lookup_body(Some(&code), None)).await;
    no_grant.assert_problem(StatusCode::FORBIDDEN);
    assert_eq!(no_grant.body["code"], "no_grant");

    // An expired grant, given ten days ago by a unit administrator (grants
    // cannot start in the past, so the grant service runs on that day).
    let unit = app.state.agencies.get(&p.center).await.unwrap().unit_code;
    let now = app.state.clock.now();
    let back_then = now - chrono::Duration::days(10);
    let expired = motcua_app::grants::GrantService::new(
        app.state.store.clone(),
        motcua_app::ports::Clock::fixed(back_then),
    )
    .create(motcua_app::grants::NewGrant {
        officer_id: "nva".into(),
        unit_code: unit.clone(),
        purpose: "tiếp nhận hồ sơ".into(),
        valid_from: None,
        valid_until: now - chrono::Duration::days(1),
        granted_by: "qtv".into(),
    })
    .await
    .unwrap();
    let mut body = lookup_body(Some(&code), None);
    body["grant_id"] = json!(expired.id);
    let refused = lookup(body).await;
    assert_eq!(refused.body["code"], "grant_expired", "{}", refused.body);

    // Another administrator grants (nobody grants to themselves).
    let admin = ("authorization", format!("Bearer dev:qtv:{}", p.center));
    let (live, _) = call(
        &app,
        "POST",
        "/api/v1/grants",
        std::slice::from_ref(&admin),
        Some(json!({"officer_id": "nva", "unit_code": unit, "purpose": "tiếp nhận hồ sơ", "days": 30})),
    )
    .await;
    assert_eq!(live.status, StatusCode::CREATED, "{}", live.body);
    let no_purpose = lookup(lookup_body(None, None)).await;
    no_purpose.assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(no_purpose.body["code"], "no_purpose");
    let closed = lookup(lookup_body(Some("H55.X99999.TT-250101-0001"), None)).await;
    assert_eq!(closed.body["code"], "dossier_not_open", "{}", closed.body);
    // A dossier of another centre is refused like an unknown one.
    let other = call(
        &app,
        "POST",
        "/api/v1/registry/lookups",
        &[officer(&p.other_center)],
        Some(lookup_body(Some(&code), None)),
    )
    .await
    .0;
    assert_eq!(other.body["code"], "dossier_not_open", "{}", other.body);
    let found = lookup(lookup_body(Some(&code), None)).await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    assert_eq!(found.body["status"], "found");
    assert_eq!(found.body["satisfied_sources"], json!(["population_db"]));

    let lookups: Vec<(String, Option<String>)> = audit_actions(&app)
        .await
        .into_iter()
        .filter(|(a, _, _)| a == "personal_data_lookup")
        .map(|(_, o, r)| (o, r))
        .collect();
    assert_eq!(
        lookups,
        vec![
            ("refused".into(), Some("no_grant".into())),
            ("refused".into(), Some("grant_expired".into())),
            ("refused".into(), Some("no_purpose".into())),
            ("refused".into(), Some("dossier_not_open".into())),
            ("refused".into(), Some("dossier_not_open".into())),
            ("allowed".into(), None),
        ]
    );
    // Grants: revoke in scope; another centre's officer sees 404.
    let id = live.body["id"].as_str().unwrap();
    let (hidden, _) = call(
        &app,
        "POST",
        &format!("/api/v1/grants/{id}/revoke"),
        &[officer(&p.other_center)],
        None,
    )
    .await;
    hidden.assert_problem(StatusCode::NOT_FOUND);
    let (revoked, _) = call(
        &app,
        "POST",
        &format!("/api/v1/grants/{id}/revoke"),
        std::slice::from_ref(&me),
        None,
    )
    .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    assert!(revoked.body["revoked_at"].is_string());
    let (mine, _) = call(&app, "GET", "/api/v1/grants", &[me], None).await;
    assert_eq!(mine.body.as_array().map(Vec::len), Some(2));

    // The citizen sees the look-ups with the dossier code and its QR secret.
    let secret = filed.body["tracking_secret"].as_str().unwrap();
    let (status, _, page) = raw(
        &app,
        "POST",
        "/du-lieu-cua-toi",
        &[(header::CONTENT_TYPE.as_str(), FORM.into())],
        Some(format!("code={code}&secret={secret}")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.matches("<tr><td data-label=").count(), 6, "{page}");
    assert!(page.contains(&code));
    assert!(!page.contains("nva"), "officer ids are not shown");
    let (status, _, wrong) = raw(
        &app,
        "POST",
        "/du-lieu-cua-toi",
        &[(header::CONTENT_TYPE.as_str(), FORM.into())],
        Some(format!("code={code}&secret=5678")),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(wrong.contains("Mã hồ sơ hoặc mã bí mật không đúng."));
}

#[tokio::test]
async fn a_grant_for_one_commune_cannot_read_for_another_communes_dossier() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    import_applicant(&app).await;
    // A dossier received at commune B's centre.
    let (filed, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[key("b1")],
        Some(online_filing(&p.other_center)),
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let code = filed.body["code"].as_str().unwrap().to_owned();
    let unit_of = |center: String| {
        let app = &app;
        async move { app.state.agencies.get(&center).await.unwrap().unit_code }
    };
    let (unit_a, unit_b) = (
        unit_of(p.center.clone()).await,
        unit_of(p.other_center.clone()).await,
    );
    assert_ne!(unit_a, unit_b);
    let grant = |center: String, unit: String| {
        let app = &app;
        async move {
            let (g, _) = call(
                app,
                "POST",
                "/api/v1/grants",
                &[("authorization", format!("Bearer dev:qtv:{center}"))],
                Some(json!({"officer_id": "nva", "unit_code": unit, "purpose": "tiếp nhận hồ sơ", "days": 30})),
            )
            .await;
            assert_eq!(g.status, StatusCode::CREATED, "{}", g.body);
            g.body["id"].as_str().unwrap().to_owned()
        }
    };
    // The officer at B's centre holds only a grant for commune A.
    let for_a = grant(p.center.clone(), unit_a.clone()).await;
    let me = officer(&p.other_center);
    let lookup = |body: Value| {
        let me = me.clone();
        let app = &app;
        async move {
            call(app, "POST", "/api/v1/registry/lookups", &[me], Some(body))
                .await
                .0
        }
    };
    let mut body = lookup_body(Some(&code), None);
    body["grant_id"] = json!(for_a);
    let refused = lookup(body.clone()).await;
    refused.assert_problem(StatusCode::FORBIDDEN);
    assert_eq!(
        refused.body["code"], "grant_outside_unit",
        "{}",
        refused.body
    );
    assert!(refused.body.get("resident").is_none());
    // Without a dossier, the grant must cover the agency the officer works at.
    let mut by_purpose = lookup_body(None, Some("Tiếp nhận hồ sơ tại quầy"));
    by_purpose["grant_id"] = json!(for_a);
    let refused = lookup(by_purpose).await;
    assert_eq!(
        refused.body["code"], "grant_outside_unit",
        "{}",
        refused.body
    );
    // The desk page of the dossier goes through the same check.
    let (status, headers, _) = raw(
        &app,
        "POST",
        &format!("/can-bo/ho-so/{code}/tra-cuu"),
        &[
            (header::CONTENT_TYPE.as_str(), FORM.into()),
            ("cookie", format!("motcua_dev=nva:{}", p.other_center)),
            ("origin", "http://127.0.0.1:8080".to_owned()),
        ],
        Some("birth_date=1987-03-04".into()),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = headers[header::LOCATION].to_str().unwrap();
    assert!(to.contains("tra_cuu=refused"), "{to}");

    // A grant for commune B reads for B's dossier.
    let for_b = grant(p.other_center.clone(), unit_b.clone()).await;
    body["grant_id"] = json!(for_b);
    let found = lookup(body.clone()).await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    assert_eq!(found.body["status"], "found");
    // Named no grant, the look-up takes the live grant that covers the
    // dossier, even when a newer one (for A) is live too.
    grant(p.center.clone(), unit_a.clone()).await;
    body.as_object_mut().unwrap().remove("grant_id");
    let chosen = lookup(body).await;
    assert_eq!(chosen.status, StatusCode::OK, "{}", chosen.body);
    assert_eq!(chosen.body["status"], "found");

    let log: Vec<(String, Option<String>, Option<String>)> = app
        .state
        .store
        .audit_page(0, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.columns.action == "personal_data_lookup")
        .map(|e| (e.columns.outcome, e.columns.reason, e.columns.unit_code))
        .collect();
    assert_eq!(
        log.first(),
        Some(&(
            "refused".into(),
            Some("grant_outside_unit".into()),
            Some(unit_a.clone())
        ))
    );
    assert_eq!(log.last(), Some(&("allowed".into(), None, Some(unit_b))));
    assert!(
        log.iter()
            .filter(|(o, _, _)| o == "refused")
            .all(|(_, r, _)| r.as_deref() == Some("grant_outside_unit")),
        "{log:?}"
    );
}

/// A log-in posted from the client address `ip`.
async fn login_from(
    app: &TestApp,
    ip: [u8; 4],
    account: &str,
    password: &str,
) -> (StatusCode, String) {
    let mut req = Request::builder()
        .method("POST")
        .uri("/dang-nhap")
        .header(header::CONTENT_TYPE, FORM)
        .body(Body::from(form(account, password, "/")))
        .expect("request");
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            ip, 40000,
        ))));
    let res = app.router.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1024 * 1024)
        .await
        .expect("body");
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Review F24: an attacker who knows the log-in name locks only their own
/// address out; the officer at their own PC still logs in.
#[tokio::test]
async fn wrong_passwords_from_one_client_do_not_stop_the_officer_at_another() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    account(&app, "ttb", &p.center, &[Role::Specialist]).await;
    let attacker = [203, 0, 113, 9];
    let officer_pc = [10, 1, 2, 3];
    for _ in 0..6 {
        let (status, page) = login_from(&app, attacker, "ttb", "sai-mat-khau").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(page.contains(SAME), "{page}");
    }
    // The attacker's address is locked out, even with the right password.
    let (status, page) = login_from(&app, attacker, "ttb", "mat-khau-rat-dai").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains(SAME), "{page}");
    // The officer, elsewhere, is not.
    let (status, page) = login_from(&app, officer_pc, "ttb", "mat-khau-rat-dai").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    // An unknown name answers exactly the same once locked for the attacker.
    for _ in 0..5 {
        login_from(&app, attacker, "khong-co", "sai-mat-khau").await;
    }
    let (status, page) = login_from(&app, attacker, "khong-co", "sai-mat-khau").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains(SAME), "{page}");
    assert!(
        app.state
            .store
            .get_account("ttb")
            .await
            .unwrap()
            .unwrap()
            .locked_until
            .is_none()
    );
}

/// Security review F10: a write to the JSON API authenticated by a login
/// cookie must come from this site; a bearer credential is not a cookie.
#[tokio::test]
async fn cookie_authenticated_api_writes_need_this_sites_origin() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let body = crate::dossier_support::desk_filing().to_string();
    let post = |k: &'static str, extra: Vec<(&'static str, String)>| {
        let app = &app;
        let body = body.clone();
        let center = p.center.clone();
        async move {
            let mut headers = vec![
                (header::CONTENT_TYPE.as_str(), "application/json".to_owned()),
                ("idempotency-key", k.to_owned()),
            ];
            headers.extend(extra);
            if !headers.iter().any(|(h, _)| *h == "authorization") {
                headers.push(("cookie", format!("motcua_dev=nva:{center}")));
            }
            raw(app, "POST", "/api/v1/dossiers", &headers, Some(body)).await
        }
    };
    let (status, _, text) = post("f10-a", vec![("origin", "https://evil.example".into())]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
    assert!(text.contains("cross_origin"), "{text}");
    let (status, _, text) = post("f10-b", Vec::new()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no Origin at all: {text}");
    let (status, _, text) = post("f10-c", vec![("origin", "http://127.0.0.1:8080".into())]).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    // A bearer credential from another origin is not a forged cookie write.
    let (status, _, text) = post(
        "f10-d",
        vec![
            ("origin", "https://other.example".into()),
            ("authorization", format!("Bearer dev:nva:{}", p.center)),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
}
