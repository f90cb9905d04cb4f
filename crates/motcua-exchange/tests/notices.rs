//! Notices through the outbox (issue 15 item 7), against a REAL local SMTP
//! server (aiosmtpd, `scripts/smtp-sink`, installed by `scripts/test` into
//! `target/smtp-test-venv`) and an SMS gateway stub that speaks the
//! adapter's contract: what arrives is read back (recipient, subject,
//! body), an outage of five minutes (on the test clock, with the relay's
//! backoff) loses nothing and sends nothing twice, and an opted-out contact
//! gets nothing.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use motcua_app::StoreError;
use motcua_app::dossiers::write::{Request, build_write};
use motcua_app::notices::{NoticeService, NoticeSettings, Notices};
use motcua_app::ports::dossiers::{Committed, NewDossier};
use motcua_app::ports::notices::NoticeOutcome;
use motcua_app::ports::{Store, TestClock};
use motcua_domain::dossier::{
    Action, Actor, AgencyId, Command, DossierCodePattern, decide, replay,
};
use motcua_domain::notice::NoticeChannel;
use motcua_exchange::backoff::Backoff;
use motcua_exchange::email::{SmtpSettings, SmtpTls, SmtpTransport};
use motcua_exchange::notices::NoticeSink;
use motcua_exchange::sms::{SmsGateway, SmsSettings};
use motcua_exchange::{Relay, RelayConfig, Sink};
use motcua_store_tests::dossier_fixtures::{agencies, append, day0, intake, state, t0};

const TT1: &str = "H55.X05743.TT";
const PUBLIC: &str = "https://motcua.example.vn";

// ---------------------------------------------------------------- fixtures

/// Creates a dossier received at the desk with these contacts.
async fn dossier_with(store: &dyn Store, key: &str, email: Option<&str>, phone: &str) -> String {
    let (key, email, phone) = (key.to_owned(), email.map(str::to_owned), phone.to_owned());
    let new = NewDossier {
        agency: TT1.into(),
        day: day0(),
        actor: "officer:a1".into(),
        idempotency_key: key.clone(),
        build: Box::new(move |seq| {
            let mut intake = intake(TT1, TT1);
            intake.code = DossierCodePattern::default()
                .format(&AgencyId::parse(TT1).expect("agency"), day0(), seq)
                .map_err(|e| StoreError::Other(e.into()))?;
            intake.applicant.email = email.clone();
            intake.applicant.phone = Some(phone.clone());
            let cmd = Command {
                actor: Actor::Officer("a1".into()),
                idempotency_key: key.clone(),
                action: Action::ReceiveNew {
                    intake: Box::new(intake),
                    due_at: t0() + TimeDelta::days(10),
                },
            };
            let events = decide(None, &cmd, t0()).map_err(|e| StoreError::Other(e.into()))?;
            let dossier = replay(&events)
                .map_err(|e| StoreError::Other(e.into()))?
                .ok_or(StoreError::NotFound)?;
            let request = Request {
                actor: cmd.actor.clone(),
                key: key.clone(),
                fingerprint: "fp".into(),
            };
            build_write(&dossier, &events, &request, Some("secret"), t0())
                .map(|(w, _)| w)
                .map_err(|e| StoreError::Other(anyhow::anyhow!("{e}")))
        }),
    };
    match store.create_dossier(new).await.expect("create") {
        Committed::Written(a) => a.dossier_code,
        Committed::Replayed(a) => panic!("replayed {}", a.dossier_code),
    }
}

/// Asks for a supplement on a received dossier (version 1 → 2).
async fn request_supplement(store: &dyn Store, code: &str) {
    let d = state(store, code).await;
    append(
        store,
        &d,
        1,
        &format!("sup-{code}"),
        Action::RequestSupplement {
            reason: "Thiếu bản sao giấy chứng sinh".into(),
            missing: vec!["Giấy chứng sinh".into()],
        },
        5,
    )
    .await
    .expect("supplement requested");
}

fn notices(store: &Arc<dyn Store>, clock: &TestClock) -> Notices {
    Notices::new(
        store.clone(),
        store.clone(),
        NoticeSettings {
            public_url: PUBLIC.into(),
            max_age: chrono::Duration::hours(72),
        },
        clock.clock(),
    )
}

fn relay(store: &Arc<dyn Store>, sink: Arc<dyn Sink>, clock: &TestClock) -> Relay {
    let mut c = RelayConfig::new("19");
    c.batch = 50;
    // The production defaults: 1 s doubling to 10 min, 10 attempts (about
    // 17 minutes at the least before a dead letter).
    c.backoff = Backoff::default();
    c.clock = clock.clock();
    Relay::new(store.clone(), vec![sink], c)
}

// ------------------------------------------------------ the SMTP server

/// The Python that has aiosmtpd: `MOTCUA_TEST_SMTP_PYTHON` (set by
/// `scripts/test`) or the venv it makes. Without it the SMTP tests are
/// skipped locally and fail under CI.
fn smtp_python() -> Option<PathBuf> {
    let found = std::env::var_os("MOTCUA_TEST_SMTP_PYTHON")
        .map(PathBuf::from)
        .or_else(|| {
            let venv = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/smtp-test-venv/bin/python");
            venv.exists().then_some(venv)
        });
    if found.is_none() {
        assert!(
            std::env::var("CI").is_err(),
            "MOTCUA_TEST_SMTP_PYTHON is not set: run the tests through scripts/test"
        );
        eprintln!("skipped: no aiosmtpd (run scripts/test, or set MOTCUA_TEST_SMTP_PYTHON)");
    }
    found
}

/// A real aiosmtpd server (`scripts/smtp-sink`) on `port`, writing what it
/// accepts to `dir`; stopped when dropped.
struct SmtpServer {
    child: tokio::process::Child,
}

impl SmtpServer {
    async fn start(python: &Path, port: u16, dir: &Path) -> Self {
        use tokio::io::AsyncBufReadExt;
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/smtp-sink");
        let mut child = tokio::process::Command::new(python)
            .arg(script)
            .arg(format!("127.0.0.1:{port}"))
            .arg(dir)
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("starting scripts/smtp-sink");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .expect("smtp-sink ready in time")
            .expect("smtp-sink output");
        assert_eq!(ready.as_deref(), Some("ready"));
        Self { child }
    }

    async fn stop(mut self) {
        self.child.kill().await.expect("stopping smtp-sink");
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port()
}

fn smtp_transport(port: u16) -> SmtpTransport {
    SmtpTransport::new(&SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        tls: SmtpTls::None,
        username: String::new(),
        password: String::new(),
        from: "Một cửa tỉnh Thái Nguyên <no-reply@motcua.example.vn>".into(),
        timeout: Duration::from_secs(5),
    })
    .expect("smtp transport")
}

/// The messages the server wrote to `dir`, decoded.
fn delivered(dir: &Path) -> Vec<serde_json::Value> {
    let mut out: Vec<serde_json::Value> = std::fs::read_dir(dir)
        .expect("mail dir")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .map(|e| {
            serde_json::from_str(&std::fs::read_to_string(e.path()).expect("read")).expect("json")
        })
        .collect();
    out.sort_by_key(|m| m["message_id"].as_str().unwrap_or_default().to_owned());
    out
}

fn clock_after_t0() -> TestClock {
    TestClock::new(t0() + TimeDelta::minutes(10))
}

// ------------------------------------------------------------------ tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_notices_reach_a_real_smtp_server_with_code_link_and_due_date() {
    let Some(python) = smtp_python() else { return };
    // The server scripts/test started (MOTCUA_TEST_SMTP, its directory in
    // MOTCUA_TEST_SMTP_DIR), or one of our own.
    let own = tempfile::tempdir().unwrap();
    let shared = std::env::var("MOTCUA_TEST_SMTP")
        .ok()
        .zip(std::env::var_os("MOTCUA_TEST_SMTP_DIR"));
    let (port, dir, server) = match shared {
        Some((addr, dir)) => {
            let port = addr.rsplit_once(':').and_then(|(_, p)| p.parse().ok());
            (
                port.expect("MOTCUA_TEST_SMTP is host:port"),
                PathBuf::from(dir),
                None,
            )
        }
        None => {
            let port = free_port();
            let server = SmtpServer::start(&python, port, own.path()).await;
            (port, own.path().to_owned(), Some(server))
        }
    };
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let code = dossier_with(&*store, "k1", Some("an.nguyen@example.vn"), "0912345678").await;
    let mine = |dir: &Path| -> Vec<serde_json::Value> {
        delivered(dir)
            .into_iter()
            .filter(|m| m["to"] == "an.nguyen@example.vn")
            .collect()
    };
    request_supplement(&*store, &code).await;
    let clock = clock_after_t0();
    let sink = Arc::new(NoticeSink::new(
        NoticeChannel::Email,
        notices(&store, &clock),
        Arc::new(smtp_transport(port)),
    ));
    let relay = relay(&store, sink, &clock);
    let report = relay.drain().await.unwrap();
    assert_eq!((report.delivered, report.retried, report.dead), (2, 0, 0));

    let mail = mine(&dir);
    assert_eq!(mail.len(), 2, "{mail:#?}");
    let received = &mail[0];
    assert_eq!(
        received["rcpt_tos"],
        serde_json::json!(["an.nguyen@example.vn"])
    );
    assert_eq!(received["to"], "an.nguyen@example.vn");
    assert_eq!(
        received["subject"],
        format!("Hồ sơ {code} đã được tiếp nhận")
    );
    assert_eq!(
        received["message_id"],
        format!("<19.{code}.1.email@motcua>")
    );
    let body = received["body"].as_str().unwrap();
    for part in [
        "Kính gửi Ông/Bà Nguyễn Văn An",
        &format!("Hồ sơ {code} (thủ tục 1.001193) đã được tiếp nhận."),
        // Due 10 days after 15/07/2025 08:00 in Vietnam.
        "Ngày hẹn trả kết quả: 25/07/2025.",
        &format!("Tra cứu hồ sơ: {PUBLIC}/tra-cuu/{code}"),
        &format!("{PUBLIC}/thong-bao/huy-dang-ky?t="),
    ] {
        assert!(body.contains(part), "{part:?} not in {body}");
    }
    let supplement = &mail[1];
    assert_eq!(
        supplement["subject"],
        format!("Hồ sơ {code} cần bổ sung, hoàn thiện")
    );
    let body = supplement["body"].as_str().unwrap();
    assert!(
        body.contains("Lý do: Thiếu bản sao giấy chứng sinh"),
        "{body}"
    );
    assert!(
        body.contains("Giấy tờ cần bổ sung: Giấy chứng sinh."),
        "{body}"
    );

    // The history on the dossier, masked; nothing twice.
    let history = NoticeService::new(store.clone(), clock.clock())
        .history(&code)
        .await
        .unwrap();
    assert_eq!(
        history
            .iter()
            .map(|n| (n.kind.as_str(), n.recipient.as_str(), n.outcome))
            .collect::<Vec<_>>(),
        [
            ("received", "a*****yen@example.vn", NoticeOutcome::Sent),
            (
                "supplement_requested",
                "a*****yen@example.vn",
                NoticeOutcome::Sent
            )
        ]
    );
    assert_eq!(relay.drain().await.unwrap().claimed, 0);
    assert_eq!(mine(&dir).len(), 2);
    if let Some(server) = server {
        server.stop().await;
    }
    fresh.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_down_for_five_minutes_then_up_every_notice_is_delivered_once() {
    let Some(python) = smtp_python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let clock = clock_after_t0();
    let sink = Arc::new(NoticeSink::new(
        NoticeChannel::Email,
        notices(&store, &clock),
        Arc::new(smtp_transport(port)),
    ));
    let relay = relay(&store, sink, &clock);

    // Up: the first dossier's notice goes at once.
    let server = SmtpServer::start(&python, port, dir.path()).await;
    dossier_with(&*store, "k0", Some("d0@example.vn"), "0912000000").await;
    assert_eq!(relay.drain().await.unwrap().delivered, 1);
    assert_eq!(delivered(dir.path()).len(), 1);

    // Down: the server is stopped; five dossiers are received and asked
    // for a supplement (ten notices) while it stays down for five minutes.
    server.stop().await;
    let mut codes = Vec::new();
    for i in 1..=5 {
        let code = dossier_with(
            &*store,
            &format!("k{i}"),
            Some(&format!("d{i}@example.vn")),
            "0912000000",
        )
        .await;
        request_supplement(&*store, &code).await;
        codes.push(code);
    }
    let down_since = clock.now();
    let (mut attempts, mut rounds) = (0, 0);
    while clock.now() - down_since < TimeDelta::minutes(5) {
        let r = relay.run_once().await.unwrap();
        attempts += r.retried;
        assert_eq!((r.delivered, r.dead), (0, 0), "nothing goes while down");
        clock.advance(TimeDelta::seconds(5));
        rounds += 1;
    }
    assert!(
        attempts >= 5 * 5,
        "retried while down: {attempts} in {rounds} rounds"
    );
    assert_eq!(delivered(dir.path()).len(), 1);

    // Up again: every notice arrives, once.
    let server = SmtpServer::start(&python, port, dir.path()).await;
    let up_at = clock.now();
    let mut sent = 0;
    while sent < 10 && clock.now() - up_at < TimeDelta::minutes(30) {
        let r = relay.run_once().await.unwrap();
        assert_eq!(r.dead, 0);
        sent += r.delivered;
        clock.advance(TimeDelta::seconds(5));
    }
    let caught_up = clock.now() - up_at;
    assert_eq!(sent, 10, "delivered after the outage");
    assert!(relay.drain().await.unwrap().claimed == 0);
    let mail = delivered(dir.path());
    let mut ids: Vec<&str> = mail
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    ids.dedup();
    assert_eq!(
        (mail.len(), ids.len()),
        (11, 11),
        "each notice exactly once"
    );
    for code in &codes {
        let mine: Vec<_> = mail
            .iter()
            .filter(|m| m["subject"].as_str().unwrap().contains(code.as_str()))
            .collect();
        assert_eq!(mine.len(), 2, "{code}");
        let history = store.dossier_notices(code).await.unwrap();
        assert_eq!(history.len(), 2);
        assert!(history.iter().all(|n| n.outcome == NoticeOutcome::Sent));
    }
    eprintln!(
        "measured: SMTP down 5 min (test clock): {attempts} failed attempts in {rounds} rounds, \
         0 delivered, 0 dead; up again: 10 delivered within {} s of test time, 11 messages, 11 distinct Message-IDs",
        caught_up.num_seconds()
    );
    server.stop().await;
    fresh.finish().await;
}

// --------------------------------------------------------- the SMS stub

/// The gateway stub: checks the contract (bearer token, idempotency key =
/// body id, JSON fields), answers 503 while down, 400 to a number it
/// refuses, 200 otherwise, and keeps what it accepted.
#[derive(Clone, Default)]
struct Gateway {
    down: Arc<Mutex<bool>>,
    accepted: Arc<Mutex<Vec<serde_json::Value>>>,
    calls: Arc<Mutex<u32>>,
}

async fn gateway_stub(gw: Gateway) -> String {
    use axum::http::{HeaderMap, StatusCode};
    let app = axum::Router::new().route(
        "/sms/send",
        axum::routing::post(
            move |headers: HeaderMap, axum::Json(body): axum::Json<serde_json::Value>| {
                let gw = gw.clone();
                async move {
                    *gw.calls.lock().unwrap() += 1;
                    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
                    if auth != Some("Bearer sms-token-1") {
                        return StatusCode::UNAUTHORIZED;
                    }
                    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok());
                    if key != body["id"].as_str() || body["sender"] != "MOTCUA" {
                        return StatusCode::UNPROCESSABLE_ENTITY;
                    }
                    if *gw.down.lock().unwrap() {
                        return StatusCode::SERVICE_UNAVAILABLE;
                    }
                    if body["to"] == "0000" {
                        return StatusCode::BAD_REQUEST;
                    }
                    gw.accepted.lock().unwrap().push(body);
                    StatusCode::OK
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/sms/send")
}

fn sms_sink(store: &Arc<dyn Store>, clock: &TestClock, url: &str) -> Arc<NoticeSink> {
    Arc::new(NoticeSink::new(
        NoticeChannel::Sms,
        notices(store, clock),
        Arc::new(
            SmsGateway::new(SmsSettings {
                url: url.into(),
                token: "sms-token-1".into(),
                sender: "MOTCUA".into(),
                timeout: Duration::from_secs(5),
            })
            .unwrap(),
        ),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sms_gateway_503_for_five_minutes_then_200_delivers_each_notice_once() {
    let gw = Gateway::default();
    let url = gateway_stub(gw.clone()).await;
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let clock = clock_after_t0();
    let relay = relay(&store, sms_sink(&store, &clock, &url), &clock);
    *gw.down.lock().unwrap() = true;
    let mut codes = Vec::new();
    for i in 0..4 {
        let code = dossier_with(&*store, &format!("s{i}"), None, &format!("091234567{i}")).await;
        request_supplement(&*store, &code).await;
        codes.push(code);
    }
    // A number the gateway refuses for good: recorded, not retried, and
    // its dossier's later notice still goes.
    let refused = dossier_with(&*store, "s-bad", None, "0000").await;
    let start = clock.now();
    while clock.now() - start < TimeDelta::minutes(5) {
        let r = relay.run_once().await.unwrap();
        assert_eq!((r.delivered, r.dead), (0, 0));
        clock.advance(TimeDelta::seconds(5));
    }
    let calls_while_down = *gw.calls.lock().unwrap();
    assert!(calls_while_down >= 5, "{calls_while_down}");
    assert!(gw.accepted.lock().unwrap().is_empty());
    *gw.down.lock().unwrap() = false;
    let up = clock.now();
    while clock.now() - up < TimeDelta::minutes(30) {
        relay.run_once().await.unwrap();
        clock.advance(TimeDelta::seconds(5));
    }
    assert_eq!(relay.drain().await.unwrap().claimed, 0);
    let accepted = gw.accepted.lock().unwrap().clone();
    let mut ids: Vec<String> = accepted
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        (accepted.len(), ids.len()),
        (8, 8),
        "each SMS once: {accepted:#?}"
    );
    let first = accepted
        .iter()
        .find(|b| b["id"] == format!("19.{}.1.sms", codes[0]))
        .expect("the first dossier's receipt SMS");
    assert_eq!(first["to"], "0912345670");
    let text = first["text"].as_str().unwrap();
    assert!(
        text.contains(&codes[0]) && text.contains("25/07/2025"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{PUBLIC}/tra-cuu/{}", codes[0])),
        "{text}"
    );
    let bad = store.dossier_notices(&refused).await.unwrap();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].outcome, NoticeOutcome::Refused);
    eprintln!(
        "measured: SMS gateway 503 for 5 min (test clock): {calls_while_down} refused calls; \
         then 8 SMS accepted, 8 distinct ids, 1 refused number recorded"
    );
    fresh.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_opted_out_contact_gets_nothing_and_the_history_says_so() {
    let gw = Gateway::default();
    let url = gateway_stub(gw.clone()).await;
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let clock = clock_after_t0();
    let service = NoticeService::new(store.clone(), clock.clock());
    // Chosen at filing (in another form of the same number).
    service.opt_out(&["+84 912 000 111"]).await.unwrap();
    let quiet = dossier_with(&*store, "o1", None, "0912000111").await;
    let loud = dossier_with(&*store, "o2", None, "0912000222").await;
    let relay = relay(&store, sms_sink(&store, &clock, &url), &clock);
    relay.drain().await.unwrap();
    assert_eq!(gw.accepted.lock().unwrap().len(), 1);
    let q = store.dossier_notices(&quiet).await.unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(
        (q[0].outcome, q[0].recipient.as_str()),
        (NoticeOutcome::OptedOut, "0******111")
    );
    // The unsubscribe link's token stops the next one.
    let token = store
        .notice_contact("0912000222", "unused")
        .await
        .unwrap()
        .token;
    let shown = service
        .unsubscribe(&token)
        .await
        .unwrap()
        .expect("known token");
    assert_eq!(shown.masked, "0******222");
    assert!(shown.opted_out_at.is_some());
    assert!(service.unsubscribe("not-a-token").await.unwrap().is_none());
    request_supplement(&*store, &loud).await;
    relay.drain().await.unwrap();
    assert_eq!(
        gw.accepted.lock().unwrap().len(),
        1,
        "nothing after the opt-out"
    );
    let l = store.dossier_notices(&loud).await.unwrap();
    assert_eq!(
        l.iter().map(|n| n.outcome).collect::<Vec<_>>(),
        [NoticeOutcome::Sent, NoticeOutcome::OptedOut]
    );
    fresh.finish().await;
}

#[tokio::test]
async fn events_older_than_the_notice_age_are_not_notified() {
    let gw = Gateway::default();
    let url = gateway_stub(gw.clone()).await;
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let code = dossier_with(&*store, "old", None, "0912000333").await;
    // A sink registered four days later gets the history, not notices.
    let clock = TestClock::new(t0() + TimeDelta::days(4));
    let relay = relay(&store, sms_sink(&store, &clock, &url), &clock);
    assert_eq!(relay.drain().await.unwrap().delivered, 1);
    assert!(gw.accepted.lock().unwrap().is_empty());
    assert!(store.dossier_notices(&code).await.unwrap().is_empty());
    let _: DateTime<Utc> = clock.now();
    fresh.finish().await;
}

// ------------------------------------------------- feedback (PAKN) notices

/// Receives a feedback from `contact` and applies `then` (an officer's
/// answer or request for a supplement) through the store, as
/// `FeedbackService` does: the store writes the notice's outbox row.
async fn feedback_with(
    store: &dyn Store,
    id: &str,
    contact: &str,
    then: motcua_domain::feedback::FeedbackCommand,
) -> u32 {
    use motcua_domain::calendar::WorkingCalendar;
    use motcua_domain::feedback::{
        DeadlineRules, FeedbackCommand as C, Sender, Subject, decide, evolve,
    };
    let cal = WorkingCalendar::vietnam().unwrap();
    let rules = DeadlineRules::embedded().unwrap();
    let events = decide(
        None,
        C::Receive {
            id: id.into(),
            unit_code: "19001".into(),
            subject: Subject::General,
            sender: Sender {
                name: "Trần Thị Bình".into(),
                contact: contact.into(),
            },
            text: "Cán bộ hẹn lại nhiều lần".into(),
        },
        t0(),
        &rules,
        &cal,
    )
    .unwrap();
    let f = events.iter().fold(None, evolve).unwrap();
    store
        .create_feedback(&f, &events, "hash", t0())
        .await
        .unwrap();
    let at = t0() + TimeDelta::minutes(2);
    let events = decide(Some(&f), then, at, &rules, &cal).unwrap();
    let next = events.iter().fold(Some(f.clone()), evolve).unwrap();
    store
        .append_feedback(&next, f.version, &events, at)
        .await
        .unwrap();
    next.version
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answered_feedback_emails_its_sender_once_with_its_id_and_link_and_nobody_else() {
    use motcua_domain::feedback::FeedbackCommand as C;
    let Some(python) = smtp_python() else { return };
    let own = tempfile::tempdir().unwrap();
    let shared = std::env::var("MOTCUA_TEST_SMTP")
        .ok()
        .zip(std::env::var_os("MOTCUA_TEST_SMTP_DIR"));
    let (port, dir, server) = match shared {
        Some((addr, dir)) => {
            let port = addr.rsplit_once(':').and_then(|(_, p)| p.parse().ok());
            (
                port.expect("MOTCUA_TEST_SMTP is host:port"),
                PathBuf::from(dir),
                None,
            )
        }
        None => {
            let port = free_port();
            let server = SmtpServer::start(&python, port, own.path()).await;
            (port, own.path().to_owned(), Some(server))
        }
    };
    // Addresses of this run only (a shared server keeps every test's mail).
    let run = uuid::Uuid::new_v4().simple().to_string();
    let answered_to = format!("binh.{run}@example.vn");
    let opted_out = format!("khong.{run}@example.vn");
    let asked_to = format!("bosung.{run}@example.vn");
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    let answer = || C::Answer {
        text: "Đã nhắc nhở cán bộ tiếp nhận".into(),
        by: "officer-1".into(),
    };
    let answered = "PAKN-250715-00000001";
    let version = feedback_with(&*store, answered, &answered_to, answer()).await;
    feedback_with(&*store, "PAKN-250715-00000002", &opted_out, answer()).await;
    feedback_with(&*store, "PAKN-250715-00000003", "", answer()).await;
    feedback_with(&*store, "PAKN-250715-00000004", "0912345678", answer()).await;
    let asked = "PAKN-250715-00000005";
    feedback_with(
        &*store,
        asked,
        &asked_to,
        C::RequestSupplement {
            what: "Thời gian và nơi xảy ra sự việc".into(),
            by: "officer-1".into(),
        },
    )
    .await;
    let clock = clock_after_t0();
    let service = NoticeService::new(store.clone(), clock.clock());
    service.opt_out(&[opted_out.as_str()]).await.unwrap();

    let sink = Arc::new(NoticeSink::new(
        NoticeChannel::Email,
        notices(&store, &clock),
        Arc::new(smtp_transport(port)),
    ));
    let relay = relay(&store, sink, &clock);
    let report = relay.drain().await.unwrap();
    assert_eq!((report.delivered, report.retried, report.dead), (5, 0, 0));
    // A second drain sends nothing again.
    assert_eq!(relay.drain().await.unwrap().delivered, 0);

    let to = |addr: &str| -> Vec<serde_json::Value> {
        delivered(&dir)
            .into_iter()
            .filter(|m| m["to"] == addr)
            .collect()
    };
    let mail = to(&answered_to);
    assert_eq!(mail.len(), 1, "{mail:#?}");
    let m = &mail[0];
    assert_eq!(
        m["subject"],
        format!("Phản ánh, kiến nghị {answered} đã được trả lời")
    );
    assert_eq!(
        m["message_id"],
        format!("<19.{answered}.{version}.email@motcua>")
    );
    let body = m["body"].as_str().unwrap();
    for part in [
        "Kính gửi Ông/Bà Trần Thị Bình",
        &format!("Phản ánh, kiến nghị {answered} của Ông/Bà đã được trả lời."),
        "Nội dung trả lời: Đã nhắc nhở cán bộ tiếp nhận",
        &format!("Xem phản ánh, kiến nghị: {PUBLIC}/phan-anh/{answered}"),
        &format!("{PUBLIC}/thong-bao/huy-dang-ky?t="),
    ] {
        assert!(body.contains(part), "{part:?} not in {body}");
    }
    assert!(to(&opted_out).is_empty(), "an opted-out sender got mail");
    let mail = to(&asked_to);
    assert_eq!(mail.len(), 1, "{mail:#?}");
    assert_eq!(
        mail[0]["subject"],
        format!("Phản ánh, kiến nghị {asked} cần bổ sung thông tin")
    );
    assert!(
        mail[0]["body"]
            .as_str()
            .unwrap()
            .contains("Nội dung cần bổ sung: Thời gian và nơi xảy ra sự việc")
    );

    // The history of each feedback says what became of its notice.
    let outcome = |rows: Vec<motcua_app::ports::notices::NoticeRow>| {
        rows.into_iter()
            .map(|n| (n.channel, n.kind, n.outcome))
            .collect::<Vec<_>>()
    };
    let answered_kind = "feedback_answered".to_owned();
    let email = "email".to_owned();
    assert_eq!(
        outcome(service.history(answered).await.unwrap()),
        vec![(email.clone(), answered_kind.clone(), NoticeOutcome::Sent)]
    );
    assert_eq!(
        outcome(service.history("PAKN-250715-00000002").await.unwrap()),
        vec![(
            email.clone(),
            answered_kind.clone(),
            NoticeOutcome::OptedOut
        )]
    );
    for no_email in ["PAKN-250715-00000003", "PAKN-250715-00000004"] {
        assert_eq!(
            outcome(service.history(no_email).await.unwrap()),
            vec![(
                email.clone(),
                answered_kind.clone(),
                NoticeOutcome::NoContact
            )],
            "{no_email}"
        );
    }
    if let Some(server) = server {
        server.stop().await;
    }
}
