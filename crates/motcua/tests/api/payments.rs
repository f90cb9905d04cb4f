//! Online payment end to end over real HTTP (issue 15 item 5): motcua's
//! router served on a port, the stub platform on another, the same HTTP
//! adapter between them. A callback replayed twenty times settles once; a
//! forged signature is refused (401) and audited; reconciliation settles a
//! lost callback and flags an amount that differs.

use axum::http::StatusCode;
use motcua::config::Settings;
use motcua_app::ports::Clock;
use motcua_domain::audit::AuditAction;
use motcua_payment_http::stub::{SignedCallback, StubPlatform};
use serde_json::{Value, json};

use crate::dossier_support::{act, call, desk_filing, key, officer, place};
use crate::support::TestApp;

const SECRET: &str = "bi-mat-thanh-toan";

struct Setup {
    app: TestApp,
    stub: StubPlatform,
    center: String,
}

/// motcua and the stub platform, each on its own loopback port.
async fn setup() -> Setup {
    let stub = StubPlatform::new(SECRET, None, Clock::system());
    let stub_url = stub
        .spawn(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap())
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = Settings::default();
    settings.storage.data_dir = dir.path().to_path_buf();
    settings.auth.dev_login = true;
    settings.server.public_url = format!("http://{addr}");
    settings.payment.platform_url = stub_url;
    settings.payment.callback_secret = SECRET.into();
    let state = motcua::serve::prepare(&settings)
        .await
        .expect("prepared app");
    let app = TestApp::from_parts(state, dir);
    let router = app.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let center = place(&app).await.center;
    Setup { app, stub, center }
}

/// A dossier received at the desk and asked to pay `amount` (status 6);
/// answers its code and tracking secret.
async fn awaiting_payment(s: &Setup, k: &str, amount: u64) -> (String, String) {
    let (filed, _) = call(
        &s.app,
        "POST",
        "/api/v1/dossiers",
        &[officer(&s.center), key(k)],
        Some(desk_filing()),
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let code = filed.body["code"].as_str().unwrap().to_owned();
    let secret = filed.body["tracking_secret"].as_str().unwrap().to_owned();
    let asked = act(
        &s.app,
        &s.center,
        &code,
        "request_payment",
        &format!("{k}-fee"),
        json!({"fees": [{"code": "LP1", "name": "Lệ phí đăng ký thường trú", "amount_vnd": amount, "kind": "levy"}]}),
    )
    .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert_eq!(asked.body["portal_status"], 6);
    (code, secret)
}

async fn start(s: &Setup, code: &str, secret: &str) -> Value {
    let (started, _) = call(
        &s.app,
        "POST",
        &format!("/api/v1/tracking/{code}/payments"),
        &[],
        Some(json!({"verifier": secret})),
    )
    .await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.body);
    started.body
}

async fn events(s: &Setup, code: &str) -> Vec<String> {
    let (view, _) = call(
        &s.app,
        "GET",
        &format!("/api/v1/dossiers/{code}"),
        &[officer(&s.center)],
        None,
    )
    .await;
    assert_eq!(view.status, StatusCode::OK, "{}", view.body);
    view.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["event_type"].as_str().unwrap(),
                e["actor"].as_str().unwrap()
            )
        })
        .collect()
}

async fn orders(s: &Setup, code: &str) -> Value {
    let (list, _) = call(
        &s.app,
        "GET",
        &format!("/api/v1/dossiers/{code}/payments"),
        &[officer(&s.center)],
        None,
    )
    .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    list.body
}

#[tokio::test]
async fn a_callback_replayed_twenty_times_settles_once() {
    let s = setup().await;
    let (code, secret) = awaiting_payment(&s, "pay-1", 10_000).await;
    let first = start(&s, &code, &secret).await;
    let order_id = first["order"]["order_id"].as_str().unwrap().to_owned();
    assert_eq!(first["order"]["amount_vnd"], 10_000);
    assert_eq!(first["order"]["amount"], "10.000 đồng");
    assert!(
        first["pay_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/pay/{order_id}"))
    );
    let again = start(&s, &code, &secret).await;
    assert_eq!(
        again["order"]["order_id"],
        order_id.as_str(),
        "one order per dossier and fee lines"
    );
    assert_eq!(s.stub.orders().len(), 1);

    // The citizen pays; the platform calls back over HTTP.
    let (_, callback, status) = s.stub.pay(&order_id, true).await.unwrap();
    assert_eq!(status, Some(200));
    // The same signed callback, twenty more times.
    for _ in 0..20 {
        assert_eq!(s.stub.send(&callback).await, Some(200));
    }
    let history = events(&s, &code).await;
    let recorded: Vec<&String> = history
        .iter()
        .filter(|e| e.starts_with("payment_recorded"))
        .collect();
    assert_eq!(recorded.len(), 1, "{history:?}");
    assert_eq!(recorded[0], "payment_recorded system:payment-platform");
    let list = orders(&s, &code).await;
    assert_eq!(list[0]["status"], "settled");
    assert_eq!(list[0]["transaction_id"], "GD00000001");
    let (view, _) = call(
        &s.app,
        "GET",
        &format!("/api/v1/dossiers/{code}"),
        &[officer(&s.center)],
        None,
    )
    .await;
    assert_ne!(view.body["portal_status"], 6, "the payment wait is over");
    let payments = view.body["dossier"]["payments"].as_array().unwrap();
    assert_eq!(payments.len(), 1);
    assert_eq!(payments[0]["method"], "national_portal");
    assert_eq!(payments[0]["amount_vnd"], 10_000);

    // Nothing left to pay; the return page and the receipt.
    let (done, _) = call(
        &s.app,
        "POST",
        &format!("/api/v1/tracking/{code}/payments"),
        &[],
        Some(json!({"verifier": secret})),
    )
    .await;
    done.assert_problem(StatusCode::CONFLICT);
    let page = s
        .app
        .get(&format!(
            "/tra-cuu/{code}/thanh-toan/{order_id}?status=paid"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.as_str().unwrap().contains("Đã thanh toán"));
    let (pdf, headers) = call(
        &s.app,
        "GET",
        &format!("/tra-cuu/{code}/thanh-toan/{order_id}/bien-lai.pdf?verifier={secret}"),
        &[],
        None,
    )
    .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(headers.get("content-type").unwrap(), "application/pdf");
    assert!(pdf.body.as_str().unwrap().starts_with("%PDF"));
    let (wrong, _) = call(
        &s.app,
        "GET",
        &format!("/tra-cuu/{code}/thanh-toan/{order_id}/bien-lai.pdf?verifier=0000"),
        &[],
        None,
    )
    .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    let tracking = s
        .app
        .get(&format!("/tra-cuu/{code}?verifier={secret}"))
        .await;
    let html = tracking.body.as_str().unwrap();
    assert!(
        html.contains("id=\"payment-orders\""),
        "the tracking page lists the payment"
    );
    assert!(html.contains("bien-lai.pdf"));
}

#[tokio::test]
async fn a_forged_signature_is_refused_and_audited() {
    let s = setup().await;
    let (code, secret) = awaiting_payment(&s, "pay-2", 10_000).await;
    let started = start(&s, &code, &secret).await;
    let order_id = started["order"]["order_id"].as_str().unwrap().to_owned();
    s.stub.drop_callbacks(true);
    let (_, genuine, _) = s.stub.pay(&order_id, true).await.unwrap();
    // Signed with another secret.
    let forger = StubPlatform::new("khong-phai-bi-mat", None, Clock::system());
    let tx: motcua_payment_http::WireTransaction = serde_json::from_str(&genuine.body).unwrap();
    let forged = forger.sign_callback(&genuine.url, &tx);
    assert_eq!(s.stub.send(&forged).await, Some(401));
    // The genuine body with its signature altered, and with no signature.
    let tampered = SignedCallback {
        body: genuine.body.replace("10000", "1"),
        ..genuine.clone()
    };
    assert_eq!(s.stub.send(&tampered).await, Some(401));
    let unsigned = reqwest::Client::new()
        .post(&genuine.url)
        .header("content-type", "application/json")
        .body(genuine.body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status().as_u16(), 401);
    assert_eq!(
        unsigned.headers().get("content-type").unwrap(),
        "application/problem+json"
    );
    let problem: Value = unsigned.json().await.unwrap();
    assert_eq!(problem["code"], "signature_missing");

    assert!(
        !events(&s, &code)
            .await
            .iter()
            .any(|e| e.starts_with("payment_recorded"))
    );
    assert_eq!(orders(&s, &code).await[0]["status"], "pending");
    let log = s.app.state.store.audit_page(0, 1000).await.unwrap();
    let refused: Vec<String> = log
        .iter()
        .filter(|e| e.columns.action == AuditAction::PaymentCallback.as_str())
        .map(|e| {
            assert_eq!(e.columns.outcome, "refused");
            e.columns.reason.clone().unwrap_or_default()
        })
        .collect();
    assert_eq!(
        refused,
        [
            "signature_mismatch",
            "signature_mismatch",
            "signature_missing"
        ],
        "every refused callback is in the audit log"
    );
    // The genuine one still settles.
    assert_eq!(s.stub.send(&genuine).await, Some(200));
    assert_eq!(orders(&s, &code).await[0]["status"], "settled");
}

#[tokio::test]
async fn reconciliation_settles_a_lost_callback_and_flags_a_different_amount() {
    let s = setup().await;
    let (lost, lost_secret) = awaiting_payment(&s, "pay-3", 10_000).await;
    let (short, short_secret) = awaiting_payment(&s, "pay-4", 20_000).await;
    let lost_order = start(&s, &lost, &lost_secret).await["order"]["order_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let short_order = start(&s, &short, &short_secret).await["order"]["order_id"]
        .as_str()
        .unwrap()
        .to_owned();
    s.stub.drop_callbacks(true);
    s.stub.pay(&lost_order, true).await.unwrap();
    s.stub.drop_callbacks(false);
    s.stub.report_amount(Some(2_000));
    let (_, _, status) = s.stub.pay(&short_order, true).await.unwrap();
    assert_eq!(status, Some(200));
    assert_eq!(orders(&s, &short).await[0]["status"], "mismatch");
    assert_eq!(orders(&s, &lost).await[0]["status"], "pending");

    let today = s.app.state.clock.today();
    let report = s.app.state.payments.reconcile(today).await.unwrap();
    assert_eq!(report.transactions, 2);
    assert_eq!(report.settled_now, 1, "{report:?}");
    assert_eq!(orders(&s, &lost).await[0]["status"], "settled");
    assert!(
        events(&s, &lost)
            .await
            .iter()
            .any(|e| e == "payment_recorded system:payment-platform")
    );
    assert_eq!(report.flagged.len(), 1, "{report:?}");
    assert_eq!(report.flagged[0].order_id, short_order);
    assert_eq!(report.flagged[0].expected_vnd, Some(20_000));
    assert_eq!(report.flagged[0].reported_vnd, Some(2_000));
    assert!(
        !events(&s, &short)
            .await
            .iter()
            .any(|e| e.starts_with("payment_recorded"))
    );
    // A second run changes nothing.
    let again = s.app.state.payments.reconcile(today).await.unwrap();
    assert_eq!(again.settled_now, 0);
    assert_eq!(again.matching, 1);
    assert_eq!(again.flagged.len(), 1);
}
