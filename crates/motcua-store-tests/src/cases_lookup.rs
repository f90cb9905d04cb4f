//! Conformance cases of the desk look-up use case over each engine: every
//! refusal and every answer lands in the audit log with exact values, and
//! the citizen sees who looked at their data.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use motcua_app::audit::{AuditService, CitizenAccess};
use motcua_app::grants::{GrantService, NewGrant};
use motcua_app::lookup::{LookupAnswer, LookupError, LookupRequest, LookupService};
use motcua_app::ports::{Clock, Store};
use motcua_app::rate_limit::RateLimiter;
use motcua_app::registry::EmbeddedRegistry;
use motcua_app::units::UnitService;
use motcua_domain::audit::SubjectKey;
use motcua_domain::catalog::WaiverSource;
use motcua_domain::grant::{Grant, LookupRefusal};
use motcua_domain::resident::MismatchField;

use crate::cases_identity::sample_resident;

const ID: &str = "019085123456";
const NAME: &str = "Nguyễn Văn An";

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 7, 1, 1, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn fixed(t: DateTime<Utc>) -> Clock {
    Clock::fixed(t)
}

fn pepper() -> SubjectKey {
    SubjectKey::new(b"test-pepper".to_vec())
}

fn lookups(store: &Arc<dyn Store>, now: DateTime<Utc>, limit: usize) -> LookupService {
    LookupService::new(
        store.clone(),
        Arc::new(EmbeddedRegistry::new(store.clone())),
        pepper(),
        Arc::new(RateLimiter::new(limit, Duration::minutes(1))),
        fixed(now),
    )
}

fn request(grant: Option<&str>, dossier: Option<&str>, purpose: Option<&str>) -> LookupRequest {
    LookupRequest {
        officer_id: "cb-01".into(),
        agency_id: Some("H55.X01840.TT".into()),
        grant_id: grant.map(str::to_owned),
        dossier_code: dossier.map(str::to_owned),
        purpose: purpose.map(str::to_owned),
        personal_id: ID.into(),
        full_name: NAME.into(),
        birth_date: NaiveDate::from_ymd_opt(1985, 3, 4).unwrap(),
        dossier_scope: None,
    }
}

/// Units loaded, one resident, and a 30-day grant to cb-01 made at minute 0.
async fn setup(store: &Arc<dyn Store>) -> Grant {
    UnitService::new(store.clone())
        .load_reference()
        .await
        .expect("units");
    store
        .import_residents(&[sample_resident(ID, NAME)])
        .await
        .expect("resident");
    GrantService::new(store.clone(), fixed(at(0)))
        .create(NewGrant {
            officer_id: "cb-01".into(),
            unit_code: "01840".into(),
            purpose: "Tiếp nhận hồ sơ thủ tục hành chính".into(),
            valid_from: None,
            valid_until: at(0) + Duration::days(30),
            granted_by: "qt-01840".into(),
        })
        .await
        .expect("grant")
}

fn refusal(r: Result<LookupAnswer, LookupError>) -> LookupRefusal {
    match r {
        Err(LookupError::Refused(reason)) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// No grant, an unknown grant, another officer's grant, an expired grant,
/// no purpose, too many look-ups: each refused with its reason, each audited.
pub async fn lookups_refused_without_grant_purpose_or_in_time_are_audited(store: Arc<dyn Store>) {
    let grant = setup(&store).await;
    let g = Some(grant.id.as_str());
    let now = lookups(&store, at(60), 100);
    assert_eq!(
        refusal(now.lookup_citizen(&request(None, Some("D-1"), None)).await),
        LookupRefusal::NoGrant
    );
    assert_eq!(
        refusal(
            now.lookup_citizen(&request(Some("g-x"), Some("D-1"), None))
                .await
        ),
        LookupRefusal::GrantNotFound
    );
    assert_eq!(
        refusal(now.lookup_citizen(&request(g, None, Some("  "))).await),
        LookupRefusal::NoPurpose
    );
    let other = LookupRequest {
        officer_id: "cb-02".into(),
        ..request(g, Some("D-1"), None)
    };
    assert_eq!(
        refusal(now.lookup_citizen(&other).await),
        LookupRefusal::GrantOfAnotherOfficer
    );
    let later = lookups(&store, at(0) + Duration::days(30), 100);
    assert_eq!(
        refusal(later.lookup_citizen(&request(g, Some("D-1"), None)).await),
        LookupRefusal::GrantExpired
    );
    let tight = lookups(&store, at(60), 1);
    assert!(
        tight
            .lookup_citizen(&request(g, Some("D-1"), None))
            .await
            .is_ok()
    );
    assert_eq!(
        refusal(tight.lookup_citizen(&request(g, Some("D-1"), None)).await),
        LookupRefusal::RateLimited
    );

    let log = store.audit_page(0, 100).await.unwrap();
    let seen: Vec<(&str, &str, Option<&str>)> = log
        .iter()
        .map(|e| {
            (
                e.columns.action.as_str(),
                e.columns.outcome.as_str(),
                e.columns.reason.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("grant_created", "allowed", None),
            ("personal_data_lookup", "refused", Some("no_grant")),
            ("personal_data_lookup", "refused", Some("grant_not_found")),
            ("personal_data_lookup", "refused", Some("no_purpose")),
            (
                "personal_data_lookup",
                "refused",
                Some("grant_of_another_officer")
            ),
            ("personal_data_lookup", "refused", Some("grant_expired")),
            ("personal_data_lookup", "allowed", None),
            ("personal_data_lookup", "refused", Some("rate_limited")),
        ]
    );
    let expired = &log[5].columns;
    assert_eq!(expired.officer_id, "cb-01");
    assert_eq!(expired.unit_code.as_deref(), Some("01840"));
    assert_eq!(expired.grant_id.as_deref(), Some(grant.id.as_str()));
    assert_eq!(expired.dossier_code.as_deref(), Some("D-1"));
    assert_eq!(expired.subject_masked.as_deref(), Some("0********456"));
    assert_eq!(
        expired.subject_key,
        Some(pepper().key_of(&sample_resident(ID, NAME).personal_id))
    );
    assert_eq!(expired.field_names(), Vec::<String>::new());
    for e in &log {
        assert!(
            !e.columns.canonical().contains(ID),
            "entry {} holds the ID in clear",
            e.seq
        );
    }
    let bad = request(g, Some("D-1"), None);
    let bad = LookupRequest {
        personal_id: "12345".into(),
        ..bad
    };
    assert!(matches!(
        now.lookup_citizen(&bad).await,
        Err(LookupError::App(motcua_app::AppError::Invalid(_)))
    ));
    assert_eq!(store.audit_page(0, 100).await.unwrap().len(), log.len());
}

/// Found: the resident's fields and the population-database waiver source;
/// not found and mismatch disclose nothing. Each is audited with the fields shown.
pub async fn an_allowed_lookup_returns_fields_and_waiver_sources(store: Arc<dyn Store>) {
    let grant = setup(&store).await;
    let service = lookups(&store, at(60), 100);
    let g = Some(grant.id.as_str());
    let found = service
        .lookup_citizen(&request(g, None, Some("Đăng ký tạm trú")))
        .await
        .unwrap();
    assert_eq!(
        found,
        LookupAnswer::Found {
            resident: sample_resident(ID, NAME),
            satisfied_sources: vec![WaiverSource::PopulationDb],
        }
    );
    let mismatch = LookupRequest {
        full_name: "Trần Văn An".into(),
        ..request(g, Some("D-2"), None)
    };
    assert_eq!(
        service.lookup_citizen(&mismatch).await.unwrap(),
        LookupAnswer::Mismatch {
            fields: vec![MismatchField::FullName]
        }
    );
    let nobody = LookupRequest {
        personal_id: "001099000000".into(),
        ..request(g, Some("D-3"), None)
    };
    assert_eq!(
        service.lookup_citizen(&nobody).await.unwrap(),
        LookupAnswer::NotFound
    );
    let log = store.audit_page(1, 100).await.unwrap();
    assert_eq!(log.len(), 3);
    assert_eq!(
        log[0].columns.field_names(),
        vec![
            "full_name",
            "birth_date",
            "sex",
            "permanent_unit",
            "temporary_unit",
            "household_code",
            "household_relation"
        ]
    );
    assert_eq!(log[0].columns.purpose.as_deref(), Some("Đăng ký tạm trú"));
    assert_eq!(log[0].columns.occurred_at, at(60));
    assert!(log[1].columns.field_names().is_empty());
    assert!(log[2].columns.field_names().is_empty());
    assert_eq!(
        log[2].columns.subject_masked.as_deref(),
        Some("0********000")
    );
}

/// The citizen's view lists look-ups of their own ID only, newest first,
/// with the unit's name, the dossier and the purpose.
pub async fn the_citizen_sees_who_looked_at_their_data(store: Arc<dyn Store>) {
    let grant = setup(&store).await;
    let g = Some(grant.id.as_str());
    lookups(&store, at(60), 100)
        .lookup_citizen(&request(g, Some("H55-250701-0001"), None))
        .await
        .unwrap();
    lookups(&store, at(90), 100)
        .lookup_citizen(&request(None, None, Some("tò mò")))
        .await
        .unwrap_err();
    let someone_else = LookupRequest {
        personal_id: "001099000000".into(),
        ..request(g, Some("H55-250701-0002"), None)
    };
    lookups(&store, at(95), 100)
        .lookup_citizen(&someone_else)
        .await
        .unwrap();
    let view = AuditService::new(store.clone(), pepper())
        .for_citizen(ID)
        .await
        .unwrap();
    assert_eq!(
        view,
        vec![
            CitizenAccess {
                seq: 3,
                occurred_at: at(90),
                action: "personal_data_lookup".into(),
                unit_code: None,
                unit_name: None,
                agency_id: Some("H55.X01840.TT".into()),
                dossier_code: None,
                purpose: Some("tò mò".into()),
                fields: vec![],
                outcome: "refused".into(),
                reason: Some("no_grant".into()),
            },
            CitizenAccess {
                seq: 2,
                occurred_at: at(60),
                action: "personal_data_lookup".into(),
                unit_code: Some("01840".into()),
                unit_name: Some("Phường Đức Xuân".into()),
                agency_id: Some("H55.X01840.TT".into()),
                dossier_code: Some("H55-250701-0001".into()),
                purpose: None,
                fields: sample_fields(),
                outcome: "allowed".into(),
                reason: None,
            },
        ]
    );
    let other_pepper = AuditService::new(store.clone(), SubjectKey::new(Vec::new()));
    assert!(other_pepper.for_citizen(ID).await.unwrap().is_empty());
    assert!(matches!(
        other_pepper.for_citizen("not-an-id").await,
        Err(motcua_app::AppError::Invalid(_))
    ));
}

fn sample_fields() -> Vec<String> {
    motcua_domain::resident::RESIDENT_FIELDS
        .iter()
        .map(|f| (*f).to_owned())
        .collect()
}
