//! Contract tests of the national portal adapter against a stub portal
//! (axum, in the test) that checks what the legacy adapter requires: a
//! login session, `MaDinhDanhDV` and `isUpdating` in the query, the
//! service name in the body, required fields present, dates as
//! `yyyyMMddHHmmss` (Asia/Ho_Chi_Minh) and status codes 1–10.

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::{TimeDelta, TimeZone, Utc};
use motcua_app::catalog::CatalogService;
use motcua_app::ports::Clock;
use motcua_domain::dossier::Action;
use motcua_exchange::Sink;
use motcua_exchange::envelope::EnvelopeBuilder;
use motcua_exchange::portal::payload::portal_date;
use motcua_exchange::portal::{
    PortalClient, PortalSettings, PortalSink, ProcedureNames, dong_bo, missing_fields, tien_do,
};
use motcua_store_tests::dossier_fixtures::{agencies, append, create, state, t0};
use serde_json::{Value, json};

type Calls = Arc<Mutex<Vec<(String, String, Value)>>>;

fn is_portal_date(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.is_empty() || (s.len() == 14 && s.bytes().all(|b| b.is_ascii_digit())))
}

async fn stub() -> (String, Calls) {
    let calls: Calls = Arc::default();
    async fn auth(Json(body): Json<Value>) -> Json<Value> {
        if body["username"] == "motcua" && body["password"] == "mat-khau" {
            Json(json!({"session": "phien-1", "error_code": 0}))
        } else {
            Json(json!({"error_code": 1, "message": "sai tài khoản"}))
        }
    }
    async fn service(
        State(calls): State<Calls>,
        headers: HeaderMap,
        Query(q): Query<std::collections::HashMap<String, String>>,
        axum::extract::Path(name): axum::extract::Path<String>,
        Json(body): Json<Value>,
    ) -> (StatusCode, Json<Value>) {
        if headers.get("session").and_then(|v| v.to_str().ok()) != Some("phien-1") {
            return (StatusCode::UNAUTHORIZED, Json(json!({"error_code": 401})));
        }
        let bad = |m: &str| {
            (
                StatusCode::BAD_REQUEST,
                Json(json!({"error_code": 1, "message": m})),
            )
        };
        if q.get("MaDinhDanhDV").map(String::as_str) != Some("000.00.00.H55") {
            return bad("MaDinhDanhDV");
        }
        if body["service"] != name.as_str() || !body["isUpdating"].is_boolean() {
            return bad("service/isUpdating");
        }
        for item in body["data"].as_array().into_iter().flatten() {
            let required: &[&str] = if name == "DongBoHoSoMC" {
                &[
                    "MaHoSo",
                    "MaTTHC",
                    "TenTTHC",
                    "MaLinhVuc",
                    "TenLinhVuc",
                    "NgayTiepNhan",
                    "NgayHenTra",
                ]
            } else {
                &["MaHoSo", "ThoiDiemXuLy", "NoiDungXuLy"]
            };
            for f in required {
                if item[f].as_str().is_none_or(str::is_empty) {
                    return bad(f);
                }
            }
            let status = if name == "DongBoHoSoMC" {
                &item["TrangThaiHoSo"]
            } else {
                &item["TrangThai"]
            };
            if !status.as_u64().is_some_and(|s| (1..=10).contains(&s)) {
                return bad("status");
            }
            for f in [
                "NgayTiepNhan",
                "NgayHenTra",
                "NgayTra",
                "ThoiDiemXuLy",
                "NgayBatDau",
            ] {
                if !item[f].is_null() && !is_portal_date(&item[f]) {
                    return bad(f);
                }
            }
        }
        calls
            .lock()
            .unwrap()
            .push((name, q.get("isUpdating").cloned().unwrap_or_default(), body));
        (StatusCode::OK, Json(json!({"error_code": 0})))
    }
    let app = axum::Router::new()
        .route("/auth", post(auth))
        .route("/{service}", post(service))
        .with_state(calls.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, calls)
}

fn settings(url: &str, password: &str) -> PortalSettings {
    PortalSettings {
        base_url: url.to_owned(),
        agency_id: "000.00.00.H55".into(),
        username: "motcua".into(),
        password: password.into(),
    }
}

#[test]
fn portal_dates_are_vietnam_time() {
    let at = Utc.with_ymd_and_hms(2025, 7, 15, 17, 30, 5).unwrap();
    assert_eq!(portal_date(at), "20250716003005");
}

/// Review D12(a): `DuocSoHoa = 1` means the component reused digitised
/// data (facts sheet §2.7, indicator 4.3); a freshly scanned component is
/// digitised (`HoSoCoThanhPhanSoHoa = 1`) but not reused.
#[tokio::test]
async fn d12a_duoc_so_hoa_is_not_set_for_a_fresh_scan() {
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let code = create(&*store, "H55.X05743.TT", "k", 10).await;
    let d = state(&*store, &code).await;
    assert!(matches!(
        d.components[0].state,
        motcua_domain::dossier::ComponentState::Submitted { digitised: true }
    ));
    let names = ProcedureNames {
        name: "Đăng ký khai sinh".into(),
        field_code: "HT".into(),
        field_name: "Hộ tịch".into(),
    };
    let item = dong_bo(&d, &names);
    assert_eq!(item.tai_lieu_nop[0].duoc_so_hoa, 0);
    assert_eq!(item.tai_lieu_nop[0].duoc_lay_tu_kho_dmqg, 0);
    assert_eq!(item.ho_so_co_thanh_phan_so_hoa, 1);
}

#[tokio::test]
async fn a_received_dossier_syncs_with_the_fields_of_the_contract() {
    let (url, calls) = stub().await;
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    store.insert_missing_agencies(&agencies()).await.unwrap();
    let code = create(&*store, "H55.X05743.TT", "k", 10).await;
    let d0 = state(&*store, &code).await;
    append(
        &*store,
        &d0,
        1,
        "h",
        Action::HandOver {
            to: "cv".into(),
            step_deadline: t0() + TimeDelta::days(3),
        },
        5,
    )
    .await
    .unwrap();
    let d = state(&*store, &code).await;
    let names = ProcedureNames {
        name: "Đăng ký khai sinh".into(),
        field_code: "HT".into(),
        field_name: "Hộ tịch".into(),
    };
    let item = dong_bo(&d, &names);
    assert!(missing_fields(&item).is_empty());
    assert_eq!(item.trang_thai_ho_so, 4);
    assert_eq!(item.kenh_thuc_hien, 1);
    assert_eq!(item.ngay_tiep_nhan, "20250715080000");
    assert_eq!(item.ngay_hen_tra, "20250725080000");
    assert_eq!(item.tai_lieu_nop.len(), 1);
    // A fresh scan: digitised, but not reused data (review D12a).
    assert_eq!(item.tai_lieu_nop[0].duoc_so_hoa, 0);
    assert_eq!(item.ho_so_co_thanh_phan_so_hoa, 1);
    let client = PortalClient::new(settings(&url, "mat-khau")).unwrap();
    client
        .call("DongBoHoSoMC", false, vec![item])
        .await
        .unwrap();
    let events = store.dossier_events(&code).await.unwrap();
    let step: motcua_domain::dossier::Event = serde_json::from_str(&events[1].event_json).unwrap();
    let progress = tien_do(&step, &d);
    assert_eq!(progress.trang_thai, 4);
    assert_eq!(progress.noi_dung_xu_ly, "Chuyển xử lý cho cv");
    client
        .call("CapNhatTienDoHoSoMC", true, vec![progress])
        .await
        .unwrap();
    let seen = calls.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        (seen[0].0.as_str(), seen[0].1.as_str()),
        ("DongBoHoSoMC", "false")
    );
    let sent = &seen[0].2["data"][0];
    assert_eq!(sent["MaHoSo"], code);
    assert_eq!(sent["MaTTHC"], "1.001193");
    assert_eq!(sent["TaiLieuNop"][0]["DuocLayTuKhoDMQG"], 0);
    assert_eq!(sent["DanhSachLePhi"], json!([]));
    assert_eq!(seen[1].2["data"][0]["TrangThai"], 4);

    // A wrong password: the login is refused and nothing is sent.
    let bad = PortalClient::new(settings(&url, "sai")).unwrap();
    let err = bad
        .call("DongBoHoSoMC", false, vec![dong_bo(&d, &names)])
        .await
        .unwrap_err();
    assert!(err.message.contains("login"), "{}", err.message);
    assert_eq!(calls.lock().unwrap().len(), 2);
    fresh.finish().await;
}

#[tokio::test]
async fn the_sink_reports_missing_fields_instead_of_sending() {
    let (url, calls) = stub().await;
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    store.insert_missing_agencies(&agencies()).await.unwrap();
    // The seed catalog names the procedure but gives its field no code.
    CatalogService::new(store.clone())
        .load_seed_if_empty()
        .await
        .unwrap();
    let code = create(&*store, "H55.X05743.TT", "k", 10).await;
    let row = store.dossier_outbox(&code).await.unwrap().remove(0);
    let event = EnvelopeBuilder::new(store.clone(), "19")
        .build(&row)
        .await
        .unwrap();
    let sink = PortalSink::new(
        store.clone(),
        PortalClient::new(settings(&url, "mat-khau")).unwrap(),
    );
    let result = sink.deliver(&[event]).await.remove(0).unwrap_err();
    assert!(result.permanent);
    assert!(result.message.contains("MaLinhVuc"), "{}", result.message);
    assert!(!result.message.contains("TenTTHC"), "{}", result.message);
    assert!(calls.lock().unwrap().is_empty(), "nothing sent");
    fresh.finish().await;
}

/// Records what the hub would get.
#[derive(Default)]
struct HubRecorder(Mutex<Vec<(String, u64)>>);

#[async_trait::async_trait]
impl Sink for HubRecorder {
    fn name(&self) -> &str {
        "hub"
    }

    async fn deliver(
        &self,
        events: &[motcua_app::exchange::CloudEvent],
    ) -> Vec<Result<(), motcua_exchange::SinkError>> {
        let mut seen = self.0.lock().unwrap();
        events
            .iter()
            .map(|e| {
                seen.push((e.subject.clone(), e.data.dossier.version));
                Ok(())
            })
            .collect()
    }
}

/// Through the relay, beside the hub: a dossier whose procedure has no
/// field code is parked for the portal only (the hub gets all its events);
/// once the catalog gives the code, new dossiers sync, and a replay of the
/// parked event for the portal delivers it and the events it held back.
#[tokio::test]
async fn missing_fields_park_the_event_for_the_portal_only() {
    use motcua_app::ports::catalog::ImportMode;
    use motcua_app::ports::exchange::total;
    use motcua_domain::catalog::ProcedureCode;
    use motcua_exchange::backoff::Backoff;
    use motcua_exchange::{Relay, RelayConfig};

    let (url, calls) = stub().await;
    let fresh = motcua_store_tests::engines::sqlite().await;
    let store = fresh.store.clone();
    store.insert_missing_agencies(&agencies()).await.unwrap();
    CatalogService::new(store.clone())
        .load_seed_if_empty()
        .await
        .unwrap();
    let a = create(&*store, "H55.X05743.TT", "a", 10).await;
    let d = state(&*store, &a).await;
    append(
        &*store,
        &d,
        1,
        "a-h",
        Action::HandOver {
            to: "cv".into(),
            step_deadline: t0() + TimeDelta::days(3),
        },
        5,
    )
    .await
    .unwrap();
    let hub = Arc::new(HubRecorder::default());
    let portal = Arc::new(PortalSink::new(
        store.clone(),
        PortalClient::new(settings(&url, "mat-khau")).unwrap(),
    ));
    let mut config = RelayConfig::new("19");
    config.backoff = Backoff {
        base: std::time::Duration::from_millis(1),
        max: std::time::Duration::from_millis(2),
        max_attempts: 3,
    };
    let relay = Relay::new(store.clone(), vec![hub.clone(), portal], config);
    let r = relay.drain().await.unwrap();
    assert_eq!((r.delivered, r.dead), (2, 1), "{r:?}");
    assert_eq!(*hub.0.lock().unwrap(), [(a.clone(), 1), (a.clone(), 2)]);
    assert!(
        calls.lock().unwrap().is_empty(),
        "nothing sent to the portal"
    );
    let letters = store.dead_letters(10).await.unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].sink, "portal");
    assert_eq!(letters[0].record.row.event_version, 1);
    assert!(
        letters[0]
            .last_error
            .starts_with("portal: thiếu trường bắt buộc / missing required fields: MaLinhVuc"),
        "{}",
        letters[0].last_error
    );
    let per_sink = store.outbox_counts().await.unwrap();
    let of = |name: &str| per_sink.iter().find(|c| c.sink == name).unwrap().counts;
    assert_eq!(
        (of("hub").pending, of("hub").delivered, of("hub").dead),
        (0, 2, 0)
    );
    assert_eq!(
        (
            of("portal").pending,
            of("portal").delivered,
            of("portal").dead
        ),
        (1, 0, 1),
        "the hand-over waits behind the parked reception, for the portal only"
    );

    // The catalog gets the field code; a new dossier syncs at once.
    let code = ProcedureCode::parse("1.001193").unwrap();
    let mut fixed = store.procedure_version(&code, 1).await.unwrap().unwrap();
    fixed.procedure.field.code = Some("HT".into());
    store
        .import_catalog(&[fixed], ImportMode::ReplaceChanged)
        .await
        .unwrap();
    let b = create(&*store, "H55.X05743.TT", "b", 10).await;
    let r = relay.drain().await.unwrap();
    assert_eq!((r.delivered, r.dead), (2, 0), "b to the hub and the portal");
    let sent: Vec<String> = calls
        .lock()
        .unwrap()
        .iter()
        .map(|(service, _, body)| {
            format!("{service} {}", body["data"][0]["MaHoSo"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        sent,
        [
            format!("DongBoHoSoMC {b}"),
            format!("CapNhatTienDoHoSoMC {b}")
        ]
    );

    // The administrator replays the parked event for the portal.
    assert_eq!(
        store
            .replay_dead_letter(letters[0].record.id, Some("portal"), Clock::system().now())
            .await
            .unwrap(),
        1
    );
    let r = relay.drain().await.unwrap();
    assert_eq!((r.delivered, r.dead), (2, 0));
    assert!(store.dead_letters(10).await.unwrap().is_empty());
    assert_eq!(
        total(&store.outbox_counts().await.unwrap()).pending,
        0,
        "everything delivered everywhere"
    );
    let to_portal_for_a = calls
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, _, body)| body["data"][0]["MaHoSo"] == a.as_str())
        .count();
    assert_eq!(
        to_portal_for_a, 4,
        "a's two events, each a sync and a progress"
    );
    assert_eq!(hub.0.lock().unwrap().len(), 3, "the hub got nothing twice");
    fresh.finish().await;
}
