//! The webhook sink against real HTTP receivers (axum on loopback) that
//! check every signature with the Standard Webhooks reference library
//! (`standardwebhooks`, independent of motcua's own signing code): filters
//! by type, procedure and scope; rotation (both secrets sign during the
//! overlap, only the new one after); refusals park, 503s are retried.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::TimeDelta;
use motcua_app::exchange::{CloudEvent, DossierSummary};
use motcua_app::ports::{Store, TestClock};
use motcua_app::webhooks::{WebhookDraft, WebhookService, WebhookSettings};
use motcua_domain::identity::{Role, RoleAssignment, Scope};
use motcua_domain::webhook::WebhookSpec;
use motcua_exchange::backoff::Backoff;
use motcua_exchange::webhooks::{WebhookSink, WebhookSinkConfig};
use motcua_exchange::{Relay, RelayConfig, Sink};
use motcua_store_tests::dossier_fixtures::{agencies, create, t0};

/// One POST as the receiver saw it.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

impl Seen {
    fn event(&self) -> CloudEvent {
        serde_json::from_slice(&self.body).expect("a CloudEvent body")
    }

    /// Verifies with the reference library, as a receiver would.
    fn verifies_with(&self, secret: &str) -> bool {
        standardwebhooks::Webhook::new(secret)
            .expect("a whsec_ secret")
            .verify(&self.body, &self.headers)
            .is_ok()
    }

    fn signatures(&self) -> usize {
        self.headers["webhook-signature"]
            .to_str()
            .unwrap()
            .split(' ')
            .filter(|s| s.starts_with("v1,"))
            .count()
    }
}

/// A receiver: records every POST; answers the status set for the
/// event's subject (a list consumed one by one, the last one kept), else 200.
#[derive(Clone, Default)]
struct Receiver {
    seen: Arc<Mutex<Vec<Seen>>>,
    answers: Arc<Mutex<HashMap<String, Vec<u16>>>>,
}

async fn take(
    State(r): State<Receiver>,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let subject = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["subject"].as_str().map(str::to_owned))
        .unwrap_or_default();
    r.seen.lock().unwrap().push(Seen {
        path,
        headers,
        body,
    });
    let mut answers = r.answers.lock().unwrap();
    let code = match answers.get_mut(&subject) {
        Some(list) if list.len() > 1 => list.remove(0),
        Some(list) => list[0],
        None => 200,
    };
    StatusCode::from_u16(code).unwrap()
}

impl Receiver {
    /// Serves on a free loopback port; answers its base URL.
    async fn start(&self) -> String {
        let app = Router::new()
            .route("/{path}", post(take))
            .with_state(self.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        format!("http://{addr}")
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn summary(code: &str, procedure: &str, agency: &str) -> DossierSummary {
    DossierSummary {
        code: code.into(),
        version: 1,
        procedure_code: procedure.into(),
        procedure_version: 1,
        status: "received".into(),
        sub_status: "none".into(),
        portal_status: 2,
        channel: 1,
        receiving_agency: agency.into(),
        deciding_agency: agency.into(),
        current_agency: agency.into(),
        applicant_kind: 1,
        submitted_at: t0(),
        received_at: Some(t0()),
        due_at: Some(t0() + TimeDelta::days(3)),
        finished_at: None,
        returned_at: None,
        counts_late: false,
        on_time: None,
        supplement_count: 0,
        digitised: false,
        fees_vnd: 0,
    }
}

fn event(code: &str, kind: &str, procedure: &str, agency: &str) -> CloudEvent {
    CloudEvent::new(
        "19",
        Some("05743".into()),
        kind,
        t0(),
        summary(code, procedure, agency),
        Some(serde_json::json!({"applicant": "Nguyễn Văn An"})),
    )
}

/// A sink on `clock`: it starts at the wall clock's time, since the
/// receivers check signature timestamps against theirs (5 minutes'
/// tolerance), and moves only when a test says so.
fn sink(store: Arc<dyn Store>, clock: &TestClock) -> WebhookSink {
    WebhookSink::new(
        store,
        WebhookSinkConfig {
            timeout: Duration::from_secs(5),
            cache_ttl: Duration::ZERO,
            allow_http: true,
            clock: clock.clock(),
            ..WebhookSinkConfig::default()
        },
    )
    .unwrap()
}

fn service(store: Arc<dyn Store>, overlap: Duration, clock: &TestClock) -> WebhookService {
    WebhookService::new(
        store,
        WebhookSettings {
            province: "19".into(),
            allow_http: true,
            rotation_overlap: overlap,
        },
        clock.clock(),
    )
}

fn province_admin() -> Vec<RoleAssignment> {
    vec![RoleAssignment {
        role: Role::ProvinceAdmin,
        scope: Scope::Agency("H55".into()),
    }]
}

fn draft(
    name: &str,
    url: String,
    types: &[&str],
    procedures: &[&str],
    scopes: &[&str],
) -> WebhookDraft {
    let v = |s: &[&str]| Some(s.iter().map(|x| (*x).to_owned()).collect());
    WebhookDraft {
        name: Some(name.into()),
        url: Some(url),
        event_types: v(types),
        procedures: v(procedures),
        scopes: v(scopes),
        active: Some(true),
    }
}

#[tokio::test]
async fn signed_posts_reach_only_the_matching_subscriptions() {
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let (r1, r2) = (Receiver::default(), Receiver::default());
    let (u1, u2) = (r1.start().await, r2.start().await);
    let admin = province_admin();
    let clock = TestClock::starting_now();
    let svc = service(store.clone(), Duration::from_secs(60), &clock);
    // A: births at commune 05743's committee subtree only; B: everything;
    // C: inactive.
    let a = svc
        .create(
            &admin,
            &draft(
                "Hộ tịch",
                format!("{u1}/a"),
                &["received"],
                &["1.001193"],
                &["agency:H55.X05743"],
            ),
        )
        .await
        .unwrap()
        .unwrap();
    let b = svc
        .create(
            &admin,
            &draft("Kho dữ liệu", format!("{u2}/b"), &[], &[], &[]),
        )
        .await
        .unwrap()
        .unwrap();
    let mut c_draft = draft("Tắt", format!("{u1}/c"), &[], &[], &[]);
    c_draft.active = Some(false);
    svc.create(&admin, &c_draft).await.unwrap().unwrap();
    assert!(a.secret.starts_with("whsec_") && a.secret != b.secret);

    let events = [
        event("D1", "received", "1.001193", "H55.X05743.TT"),
        event("D2", "received", "1.000002", "H55.X05743.TT"),
        event("D3", "received", "1.001193", "H55.X05746.TT"),
        event("D4", "handed_over", "1.001193", "H55.X05743.TT"),
    ];
    let results = sink(store.clone(), &clock).deliver(&events).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");

    let to_a = r1.seen();
    assert_eq!(to_a.len(), 1, "only D1 matches A; C is inactive");
    let got = &to_a[0];
    assert_eq!(got.path, "a");
    assert_eq!(got.event().subject, "D1");
    assert_eq!(got.headers["webhook-id"], events[0].id.as_str());
    assert_eq!(got.headers["content-type"], "application/cloudevents+json");
    assert!(got.verifies_with(&a.secret), "A's secret verifies");
    assert!(!got.verifies_with(&b.secret), "another secret does not");
    // No personal data: the domain change is left out.
    assert_eq!(got.event(), events[0].without_change());
    assert!(!String::from_utf8_lossy(&got.body).contains("Nguyễn"));

    let to_b = r2.seen();
    let mut subjects: Vec<String> = to_b.iter().map(|s| s.event().subject).collect();
    subjects.sort();
    assert_eq!(subjects, ["D1", "D2", "D3", "D4"]);
    assert!(
        to_b.iter()
            .all(|s| s.verifies_with(&b.secret) && s.signatures() == 1)
    );
    fresh.finish().await;
}

#[tokio::test]
async fn a_rotation_signs_with_both_secrets_then_only_the_new_one() {
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let r = Receiver::default();
    let url = r.start().await;
    let admin = province_admin();
    let clock = TestClock::starting_now();
    let svc = service(store.clone(), Duration::from_secs(2), &clock);
    let created = svc
        .create(&admin, &draft("Thuế", format!("{url}/t"), &[], &[], &[]))
        .await
        .unwrap()
        .unwrap();
    let old = created.secret;
    let id = created.subscription.id;
    let sink = sink(store.clone(), &clock);
    let e = |code: &str| [event(code, "received", "1.001193", "H55.X05743.TT")];

    assert!(sink.deliver(&e("R1")).await[0].is_ok());
    let rotated = svc.rotate(&admin, id, None).await.unwrap();
    let new = rotated.secret;
    assert_ne!(new, old);
    let until = rotated.previous_expires_at.unwrap();
    assert!(until > clock.now() && until <= clock.now() + TimeDelta::seconds(2));
    assert!(sink.deliver(&e("R2")).await[0].is_ok());
    // Past the overlap, without waiting for it.
    clock.set(until + TimeDelta::milliseconds(200));
    assert!(sink.deliver(&e("R3")).await[0].is_ok());

    let seen = r.seen();
    assert_eq!(seen.len(), 3);
    let (before, during, after) = (&seen[0], &seen[1], &seen[2]);
    assert_eq!(before.signatures(), 1);
    assert!(before.verifies_with(&old) && !before.verifies_with(&new));
    assert_eq!(
        during.signatures(),
        2,
        "both secrets sign during the overlap"
    );
    assert!(during.verifies_with(&old) && during.verifies_with(&new));
    assert_eq!(
        after.signatures(),
        1,
        "the old secret is gone after the overlap"
    );
    assert!(after.verifies_with(&new) && !after.verifies_with(&old));
    fresh.finish().await;
}

#[tokio::test]
async fn refusals_park_the_event_and_unavailability_is_retried() {
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let gone = create(&*store, "H55.X05743.TT", "g", 10).await;
    let bad = create(&*store, "H55.X05743.TT", "b", 10).await;
    let busy = create(&*store, "H55.X05743.TT", "u", 10).await;
    let r = Receiver::default();
    let url = r.start().await;
    {
        let mut answers = r.answers.lock().unwrap();
        answers.insert(gone.clone(), vec![410]);
        answers.insert(bad.clone(), vec![400]);
        answers.insert(busy.clone(), vec![503, 429, 200]);
    }
    let spec = WebhookSpec::new("Đất đai", &format!("{url}/d"), &[], &[], &[], true, true).unwrap();
    let secret = motcua_app::webhooks::new_secret().unwrap();
    let clock = TestClock::starting_now();
    store
        .create_webhook(&spec, &secret, clock.now())
        .await
        .unwrap();

    let mut config = RelayConfig::new("19");
    config.backoff = Backoff {
        base: Duration::from_millis(1),
        max: Duration::from_millis(2),
        max_attempts: 5,
    };
    config.clock = clock.clock();
    let relay = Relay::new(
        store.clone(),
        vec![Arc::new(sink(store.clone(), &clock))],
        config,
    );
    let (mut delivered, mut retried, mut dead) = (0, 0, 0);
    for _ in 0..50 {
        let round = relay.run_once().await.unwrap();
        delivered += round.delivered;
        retried += round.retried;
        dead += round.dead;
        if delivered + dead == 3 {
            break;
        }
        // Past the next retry time (1–2 ms of back-off), without waiting.
        clock.advance(TimeDelta::milliseconds(10));
    }
    assert_eq!((delivered, retried, dead), (1, 2, 2));
    let letters = store.dead_letters(10).await.unwrap();
    let mut parked: Vec<(String, u32)> = letters
        .iter()
        .map(|l| (l.record.dossier_code.clone(), l.record.attempts))
        .collect();
    parked.sort();
    let mut want = vec![(gone.clone(), 1), (bad.clone(), 1)];
    want.sort();
    assert_eq!(parked, want, "a refusal parks at once");
    assert!(letters.iter().any(|l| l.last_error.contains("410")));
    assert!(letters.iter().any(|l| l.last_error.contains("400")));

    // The busy receiver got the same event three times, with the same id.
    let seen = r.seen();
    let to_busy: Vec<&Seen> = seen.iter().filter(|s| s.event().subject == busy).collect();
    assert_eq!(to_busy.len(), 3);
    let ids: Vec<_> = to_busy
        .iter()
        .map(|s| s.headers["webhook-id"].clone())
        .collect();
    assert!(ids.iter().all(|i| *i == ids[0]));
    assert_eq!(ids[0], format!("19.{busy}.1").as_str());
    assert!(to_busy.iter().all(|s| s.verifies_with(&secret)));
    fresh.finish().await;
}

#[tokio::test]
async fn an_unreachable_receiver_is_a_transient_failure() {
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    // A port that was free a moment ago: nothing listens.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let spec = WebhookSpec::new(
        "Tắt máy",
        &format!("http://127.0.0.1:{port}/x"),
        &[],
        &[],
        &[],
        true,
        true,
    )
    .unwrap();
    let clock = TestClock::starting_now();
    store
        .create_webhook(
            &spec,
            &motcua_app::webhooks::new_secret().unwrap(),
            clock.now(),
        )
        .await
        .unwrap();
    let out = sink(store.clone(), &clock)
        .deliver(&[event("X1", "received", "1.001193", "H55.X05743.TT")])
        .await;
    let err = out[0].clone().unwrap_err();
    assert!(!err.permanent, "{err:?}");
    assert!(err.message.contains("unreachable"), "{}", err.message);
    // With http:// not allowed, the same subscription is refused for good.
    let strict = WebhookSink::new(store.clone(), WebhookSinkConfig::default()).unwrap();
    let out = strict
        .deliver(&[event("X2", "received", "1.001193", "H55.X05743.TT")])
        .await;
    assert!(out[0].as_ref().unwrap_err().permanent);
    fresh.finish().await;
}
