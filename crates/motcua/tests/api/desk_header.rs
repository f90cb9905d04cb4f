//! Shared desk PCs (UX review #7): every officer page has a log-out button
//! and names the officer; logging in without a `next` lands on the work list.

use axum::http::{StatusCode, header};
use motcua_domain::identity::Role;

use crate::dossier_support::{call, key, online_filing, place};
use crate::identity::{account, login, raw};
use crate::support::TestApp;

#[tokio::test]
async fn logging_in_without_next_lands_on_the_work_list() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    account(&app, "cb.landing", &p.center, &[Role::Reception]).await;
    let (_, _, page) = raw(&app, "GET", "/dang-nhap", &[], None).await;
    assert!(
        page.contains("name=\"next\" value=\"/can-bo/ho-so\""),
        "{page}"
    );
    for next in ["", "//evil.example/x"] {
        let (status, headers, _) = login(&app, "cb.landing", "mat-khau-rat-dai", next).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(headers[header::LOCATION], "/can-bo/ho-so", "{next:?}");
    }
    // A local `next` is still followed.
    let (_, headers, _) = login(&app, "cb.landing", "mat-khau-rat-dai", "/can-bo/tiep-nhan").await;
    assert_eq!(headers[header::LOCATION], "/can-bo/tiep-nhan");
}

#[tokio::test]
async fn every_officer_page_has_a_log_out_button_and_names_the_officer() {
    let app = TestApp::new().await;
    let p = place(&app).await;
    account(
        &app,
        "cb.header",
        &p.center,
        &[Role::Reception, Role::Specialist, Role::Leader],
    )
    .await;
    let (_, headers, _) = login(&app, "cb.header", "mat-khau-rat-dai", "").await;
    let cookie = headers[header::SET_COOKIE]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_owned();
    let (filed, _) = call(
        &app,
        "POST",
        "/api/v1/dossiers",
        &[key("desk-header-1")],
        Some(online_filing(&p.center)),
    )
    .await;
    assert!(filed.status.is_success(), "{}", filed.body);
    let code = filed.body["code"].as_str().expect("code").to_owned();
    for uri in [
        "/can-bo/ho-so".to_owned(),
        "/can-bo/tiep-nhan".to_owned(),
        "/can-bo/lanh-dao".to_owned(),
        format!("/can-bo/ho-so/{code}"),
    ] {
        let (status, _, page) = raw(
            &app,
            "GET",
            &format!("{uri}?lang=vi"),
            &[("cookie", cookie.clone())],
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{uri}: {page}");
        assert!(
            page.contains("<form method=\"post\" action=\"/dang-xuat\""),
            "{uri}: no log-out form"
        );
        assert!(page.contains(">Đăng xuất</button>"), "{uri}");
        assert!(
            page.contains("<span id=\"desk-officer\">Cán bộ cb.header</span>"),
            "{uri}: the officer is not named"
        );
    }
    // The button's post (same origin) ends the session.
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
    assert_eq!(headers[header::LOCATION], "/dang-nhap");
    let (after, _) = call(&app, "GET", "/api/v1/dossiers", &[("cookie", cookie)], None).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
}
