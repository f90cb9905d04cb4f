//! The national hub binds an event's identity to the province that signed
//! it (security review F20): province 01 cannot pre-claim province 19's
//! event ids, so 19's real events are still counted.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use motcua_app::exchange::national::{IntakeError, NationalService, SignedHeaders};
use motcua_app::exchange::summary::DossierSummary;
use motcua_app::exchange::{CloudEvent, SigningKey};

use crate::support::TestApp;

fn summary(code: &str) -> DossierSummary {
    serde_json::from_value(serde_json::json!({
        "code": code, "version": 1, "procedure_code": "1.004873", "procedure_version": 1,
        "status": "received", "sub_status": "", "portal_status": 2, "channel": 1,
        "receiving_agency": "H55.X01840.TT", "deciding_agency": "H55.X01840",
        "current_agency": "H55.X01840.TT", "applicant_kind": 1,
        "submitted_at": "2026-12-06T01:00:00Z", "received_at": "2026-12-06T01:00:00Z",
        "due_at": null, "finished_at": null, "returned_at": null, "counts_late": false,
        "on_time": null, "supplement_count": 0, "digitised": false, "fees_vnd": 0
    }))
    .expect("summary")
}

/// The instant of every sync here (the hub is given it as "now").
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 6, 1, 0, 0).unwrap()
}

fn signed(sender: &str, key: &SigningKey, body: &[u8]) -> SignedHeaders {
    let ts = now().timestamp();
    SignedHeaders {
        sender: Some(sender.to_owned()),
        id: Some(format!("m-{sender}")),
        timestamp: Some(ts.to_string()),
        signature: Some(key.sign(&format!("m-{sender}"), ts, body)),
    }
}

#[tokio::test]
async fn a_province_cannot_pre_claim_another_provinces_event_ids() {
    let app = TestApp::new().await;
    let k19 = SigningKey::parse("key-of-province-19-thai-nguyen").unwrap();
    let k01 = SigningKey::parse("key-of-province-01-ha-noi-xyz").unwrap();
    let hub = NationalService::new(
        app.state.store.clone(),
        BTreeMap::from([
            ("19".to_owned(), vec![k19.clone()]),
            ("01".to_owned(), vec![k01.clone()]),
        ]),
    );
    let code = "H55.X01840.TT-261206-0001";
    let real = CloudEvent::new("19", None, "received", now(), summary(code), None);
    assert_eq!(real.id, format!("19.{code}.1"));

    // Province 01 signs, with its own key, an event carrying 19's id.
    let mut squat = CloudEvent::new("01", None, "received", now(), summary(code), None);
    squat.id = real.id.clone();
    let body = serde_json::to_vec(&vec![squat]).unwrap();
    let refused = hub
        .intake(&signed("01", &k01, &body), &body, now())
        .await
        .expect_err("a foreign id is refused");
    assert!(
        matches!(refused, IntakeError::Forbidden(ref m) if m.contains("19.")),
        "{refused:?}"
    );

    // Province 19's real event is accepted, not answered "duplicate".
    let body = serde_json::to_vec(&vec![real]).unwrap();
    let report = hub
        .intake(&signed("19", &k19, &body), &body, now())
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    assert_eq!((report.accepted, report.duplicates), (1, 0));

    // Its own ids stay its own: 01's event under its own prefix is fine.
    let own = CloudEvent::new("01", None, "received", now(), summary(code), None);
    let body = serde_json::to_vec(&vec![own]).unwrap();
    let report = hub
        .intake(&signed("01", &k01, &body), &body, now())
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    assert_eq!((report.accepted, report.duplicates), (1, 0));
}
