//! The Decision 766 index as pages (issue 15 item 3): the leader's page
//! (score, indicators, a 12-month SVG trend with its table, the communes
//! ranked, the dossiers to act on), its monthly XLSX report, and the
//! public page of a province (no personal data, no dossier code, no
//! cookie, cacheable).

use axum::http::{StatusCode, header};
use motcua_app::dossiers::stats::on_time_percent;
use motcua_domain::dossier::AgencyId;
use motcua_domain::identity::Role;
use serde_json::json;

use crate::dossier_support::{act, call, desk_filing, key, officer, place};
use crate::identity::{account, login, raw};
use crate::support::TestApp;

async fn session(app: &TestApp, id: &str) -> String {
    let (status, headers, _) = login(app, id, "mat-khau-rat-dai", "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

async fn page(
    app: &TestApp,
    cookie: &str,
    uri: &str,
) -> (StatusCode, axum::http::HeaderMap, String) {
    raw(app, "GET", uri, &[("cookie", cookie.to_owned())], None).await
}

struct World {
    app: TestApp,
    codes: Vec<String>,
    province: String,
    commune: String,
    commune_name: String,
    period: String,
}

async fn world() -> World {
    let app = TestApp::new().await;
    let p = place(&app).await;
    let mut codes = Vec::new();
    for k in ["sip1", "sip2"] {
        let (a, _) = call(
            &app,
            "POST",
            "/api/v1/dossiers",
            &[officer(&p.center), key(k)],
            Some(desk_filing()),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        codes.push(a.body["code"].as_str().unwrap().to_owned());
    }
    let commune = app.state.agencies.get(&p.center).await.unwrap().unit_code;
    let province = app.state.agencies.get("H55").await.unwrap().unit_code;
    let (a, _) = call(
        &app,
        "GET",
        &format!("/api/v1/service-index?unit={commune}"),
        &[officer(&p.center)],
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let period = a.body["period"].as_str().unwrap().to_owned();
    let commune_name = a.body["unit_name"].as_str().unwrap().to_owned();
    account(&app, "ld.xa", &p.center, &[Role::Leader]).await;
    account(&app, "ld.tinh", "H55", &[Role::Leader]).await;
    account(
        &app,
        "cb.xa",
        &p.center,
        &[Role::Reception, Role::Specialist],
    )
    .await;
    World {
        app,
        codes,
        province,
        commune,
        commune_name,
        period,
    }
}

#[tokio::test]
async fn the_leader_page_shows_the_score_the_trend_and_the_dossiers_to_act_on() {
    let w = world().await;
    let cookie = session(&w.app, "ld.xa").await;
    let (status, headers, html) = page(&w.app, &cookie, "/can-bo/chi-so-766?lang=vi").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(headers[header::CACHE_CONTROL], "private, no-store");
    assert!(html.contains(&w.commune_name), "the unit is named");
    assert!(html.contains("id=\"si-score\""), "{html}");
    // Vietnamese numbers: 2.1 on 2 open dossiers, 2/2 = 100,00 % → 20,00.
    assert!(html.contains("100,00"), "{html}");
    assert!(html.contains("20,00"), "{html}");
    // The trend: a server-drawn SVG with a title, a description and a table.
    assert!(html.contains("<svg id=\"trend-chart\""), "{html}");
    assert!(html.contains("<title id=\"trend-title\">Điểm 12 tháng gần nhất</title>"));
    assert!(html.contains("<desc id=\"trend-desc\">"));
    assert_eq!(html.matches("class=\"bar\"").count(), 12, "12 months");
    assert!(html.contains("Bảng số liệu của biểu đồ"));
    // Not computed indicators say so, with why.
    assert!(html.contains("Chưa tính được"), "{html}");
    assert!(html.contains("Không tính được"), "{html}");
    // The dossiers to act on link to their pages.
    for code in &w.codes {
        assert!(
            html.contains(&format!("href=\"/can-bo/ho-so/{code}\"")),
            "{code} to act on: {html}"
        );
    }
    let xlsx = format!(
        "/can-bo/chi-so-766.xlsx?ky={}&#38;don-vi={}",
        w.period, w.commune
    );
    assert!(html.contains(&xlsx), "{xlsx}: {html}");
    // The leader's page links to it.
    let (_, _, leader) = page(&w.app, &cookie, "/can-bo/lanh-dao").await;
    assert!(leader.contains("href=\"/can-bo/chi-so-766\""));
    // English.
    let (status, _, html) = page(&w.app, &cookie, "/can-bo/chi-so-766?lang=en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Score over the last 12 months"));
    assert!(html.contains("100.00"), "{html}");
}

#[tokio::test]
async fn the_leader_page_labels_its_on_time_rate_and_shows_indicator_2_1_beside_it() {
    // Review D10: two populations, each named. Two dossiers received, one
    // resolved: the page's rate is over the one resolved, indicator 2.1
    // over both (the open one counts while not late).
    let app = TestApp::new().await;
    let p = place(&app).await;
    let c = p.center.as_str();
    account(&app, "ld.d10", c, &[Role::Leader]).await;
    account(&app, "cv.d10", c, &[Role::Specialist]).await;
    let mut codes = Vec::new();
    for k in ["d10-1", "d10-2"] {
        let (a, _) = call(
            &app,
            "POST",
            "/api/v1/dossiers",
            &[officer(c), key(k)],
            Some(desk_filing()),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        codes.push(a.body["code"].as_str().unwrap().to_owned());
    }
    for (i, (action, body)) in [
        ("hand_over", json!({"to": "cv.d10", "step_working_days": 1})),
        (
            "result_ready",
            json!({"documents": [{"name": "Giấy xác nhận", "number": "1", "file": null}]}),
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let a = act(&app, c, &codes[0], action, &format!("d10-a{i}"), body).await;
        assert_eq!(a.status, StatusCode::OK, "{action}: {}", a.body);
    }

    // What the services compute.
    let stats = app
        .state
        .dossiers
        .leader_stats(&AgencyId::parse(c).unwrap())
        .await
        .unwrap();
    let month = stats.month_counts();
    assert_eq!((month.received, month.resolved), (2, 1));
    let rate = on_time_percent(&month).expect("one resolved");
    let unit = app.state.agencies.get(c).await.unwrap().unit_code;
    let (a, _) = call(
        &app,
        "GET",
        &format!("/api/v1/service-index?unit={unit}"),
        &[officer(c)],
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let period = a.body["period"].as_str().unwrap().to_owned();
    let row = a.body["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "2.1")
        .expect("2.1")
        .clone();
    assert_eq!(row["denominator"], 2, "{row}");
    let ratio = format!("{:.2} %", row["ratio"].as_f64().unwrap()).replace('.', ",");
    let counts = format!(
        "{} / {} hồ sơ xử lý trước hạn, đúng hạn.",
        row["numerator"].as_f64().unwrap(),
        row["denominator"]
    );

    // What the leader page shows, each under its own label.
    let cookie = session(&app, "ld.d10").await;
    let (status, _, html) = page(&app, &cookie, "/can-bo/lanh-dao?lang=vi").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains(&format!(
            "<dt>Tỷ lệ giải quyết đúng hạn (trên hồ sơ đã giải quyết)</dt><dd class=\"big leader-on-time\">{rate} %</dd>"
        )),
        "the page's rate, labelled with its population: {html}"
    );
    assert!(
        html.contains(&format!(
            "<dt>Chỉ số 2.1 Quyết định 766 (hồ sơ đã giải quyết trong tháng và hồ sơ đang giải quyết)</dt><dd class=\"big leader-index-21\">{ratio}</dd>"
        )),
        "2.1 as the service computes it ({ratio}): {html}"
    );
    assert!(html.contains(&counts), "{counts}: {html}");
    assert!(
        html.contains(&format!("href=\"/can-bo/chi-so-766?ky={period}\"")),
        "{html}"
    );
    // Only the month's card carries 2.1.
    assert_eq!(html.matches("leader-index-21").count(), 1, "{html}");
}

#[tokio::test]
async fn the_province_leader_sees_its_communes_ranked_and_may_open_one() {
    let w = world().await;
    let cookie = session(&w.app, "ld.tinh").await;
    let (status, _, html) = page(&w.app, &cookie, "/can-bo/chi-so-766").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Xếp hạng các xã, phường"), "{html}");
    let drill = format!(
        "/can-bo/chi-so-766?don-vi={}&amp;ky={}",
        w.commune, w.period
    );
    assert!(html.contains(&drill), "{html}");
    let (status, _, html) = page(
        &w.app,
        &cookie,
        &format!("/can-bo/chi-so-766?don-vi={}&ky={}", w.commune, w.period),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(&w.commune_name));
    // A quarter and a reporting month are periods too.
    for ky in [format!("{}-Q1", &w.period[..4]), format!("{}-BC", w.period)] {
        let (status, _, html) = page(&w.app, &cookie, &format!("/can-bo/chi-so-766?ky={ky}")).await;
        assert_eq!(status, StatusCode::OK, "{ky}: {html}");
    }
}

#[tokio::test]
async fn officers_without_the_capability_and_units_out_of_scope_are_refused() {
    let w = world().await;
    let officer = session(&w.app, "cb.xa").await;
    for uri in [
        "/can-bo/chi-so-766",
        "/can-bo/chi-so-766.xlsx",
        "/can-bo/chi-so-766.pdf",
    ] {
        let (status, _, html) = page(&w.app, &officer, uri).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{uri}: {html}");
    }
    // A commune's leader does not see the province.
    let leader = session(&w.app, "ld.xa").await;
    let (status, _, _) = page(
        &w.app,
        &leader,
        &format!("/can-bo/chi-so-766?don-vi={}", w.province),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Anonymous: to the log-in page.
    let (status, _, _) = raw(&w.app, "GET", "/can-bo/chi-so-766", &[], None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_bad_period_or_unit_is_an_inline_message_never_a_server_error() {
    let w = world().await;
    let cookie = session(&w.app, "ld.xa").await;
    for (uri, want) in [
        ("/can-bo/chi-so-766?ky=2026-13", StatusCode::BAD_REQUEST),
        ("/can-bo/chi-so-766?ky=hom-qua", StatusCode::BAD_REQUEST),
        ("/can-bo/chi-so-766?don-vi=x1", StatusCode::BAD_REQUEST),
        ("/can-bo/chi-so-766?don-vi=99999", StatusCode::NOT_FOUND),
        (
            "/can-bo/chi-so-766.xlsx?ky=2026-13",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let (status, _, html) = page(&w.app, &cookie, uri).await;
        assert_eq!(status, want, "{uri}: {html}");
        assert!(html.contains("<html"), "{uri}: an HTML page");
    }
    let (_, _, html) = page(&w.app, &cookie, "/can-bo/chi-so-766?ky=2026-13").await;
    assert!(html.contains("role=\"alert\""), "{html}");
    assert!(html.contains("kỳ không hợp lệ"), "{html}");
    assert!(
        html.contains("value=\"2026-13\""),
        "the form keeps what was typed"
    );
    let (status, _, html) = raw(
        &w.app,
        "GET",
        &format!("/chi-so-766/{}?ky=2026-13", w.province),
        &[],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
}

#[tokio::test]
async fn the_monthly_report_is_a_spreadsheet_and_a_pdf() {
    let w = world().await;
    let cookie = session(&w.app, "ld.tinh").await;
    let uri = format!("/can-bo/chi-so-766.xlsx?ky={}", w.period);
    let (status, headers, body) = page(&w.app, &cookie, &uri).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], motcua_web::xlsx_export::XLSX);
    assert!(body.starts_with("PK"), "an .xlsx is a zip");
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains(&format!("chi-so-766-{}-{}.xlsx", w.province, w.period))
    );
    // The same report as an A4 PDF.
    let (status, headers, body) = page(
        &w.app,
        &cookie,
        &format!("/can-bo/chi-so-766.pdf?ky={}", w.period),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    assert!(body.starts_with("%PDF"));
}

#[tokio::test]
async fn the_public_province_page_has_no_cookie_no_dossier_code_and_is_cacheable() {
    let w = world().await;
    let uri = format!("/chi-so-766/{}?ky={}", w.province, w.period);
    let (status, headers, html) = raw(&w.app, "GET", &uri, &[], None).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(headers.get(header::SET_COOKIE).is_none(), "{headers:?}");
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=300");
    assert!(html.contains(&w.commune_name), "the communes are ranked");
    assert!(html.contains("id=\"si-score\""));
    for code in &w.codes {
        assert!(!html.contains(code.as_str()), "{code} on the public page");
    }
    assert!(!html.contains("/can-bo/"), "no officer links");
    // A returning English visitor (cookie) gets English, still no cookie back.
    let (status, headers, html) =
        raw(&w.app, "GET", &uri, &[("cookie", "lang=en".into())], None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get(header::SET_COOKIE).is_none());
    assert!(html.contains("Decision 766 index of the province"));
    // A commune has no public page; an unknown unit is the 404 page.
    for u in [w.commune.as_str(), "99"] {
        let (status, _, html) = raw(&w.app, "GET", &format!("/chi-so-766/{u}"), &[], None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{u}: {html}");
    }
}
