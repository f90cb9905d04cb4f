//! Conformance cases of training courses, sessions and enrolments (issue 17
//! item 3).

use std::sync::Arc;

use chrono::{NaiveDate, TimeDelta};
use motcua_app::ports::Store;
use motcua_app::ports::training::{Course, Enrolment, Session};
use motcua_domain::staff::{PositionGroup, StaffMember};

use crate::dossier_fixtures::{agencies, t0};

fn member(id: &str, unit: &str) -> StaffMember {
    StaffMember {
        id: id.into(),
        unit_agency: unit.into(),
        full_name: format!("Cán bộ {id}"),
        account: None,
        position_group: PositionGroup::Specialised,
        position: "Địa chính".into(),
        department: "kinh_te".into(),
        employment: "cong_chuc".into(),
        expertise: Vec::new(),
        qualifications: String::new(),
        secondment: None,
    }
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 9, d).unwrap()
}

fn enrolment(id: &str, session: &str, staff: &str) -> Enrolment {
    Enrolment {
        id: id.into(),
        session_id: session.into(),
        staff_id: staff.into(),
        completed_on: None,
        result: None,
    }
}

/// Courses keep their tags and hours; a session is saved with its
/// enrolments and listed by agency subtree, latest first; a person already
/// enrolled is not added twice; a completion reads back and an unknown
/// enrolment is not completed.
pub async fn training_courses_sessions_and_completions_round_trip(store: Arc<dyn Store>) {
    store
        .insert_missing_agencies(&agencies())
        .await
        .expect("agencies");
    store
        .save_staff(
            &[
                member("S1", "H55.X05743"),
                member("S2", "H55.X05743"),
                member("S3", "H55.X05746.TT"),
            ],
            t0(),
        )
        .await
        .unwrap();
    let course = Course {
        id: "KH-1".into(),
        title: "Nghiệp vụ đất đai cơ bản".into(),
        topic: "Đăng ký đất đai".into(),
        expertise: vec!["dat_dai".into(), "xay_dung_do_thi".into()],
        hours: 16,
        provider: "Sở Nông nghiệp và Môi trường".into(),
        created_at: t0(),
    };
    store.save_training_course(&course).await.unwrap();
    let other = Course {
        id: "KH-0".into(),
        title: "An toàn thông tin".into(),
        expertise: vec!["cntt_chuyen_doi_so".into()],
        ..course.clone()
    };
    store.save_training_course(&other).await.unwrap();
    assert_eq!(
        store.list_training_courses().await.unwrap(),
        vec![other.clone(), course.clone()],
        "by title"
    );
    assert_eq!(
        store.get_training_course("KH-1").await.unwrap(),
        Some(course)
    );
    assert_eq!(store.get_training_course("KH-9").await.unwrap(), None);

    let session = Session {
        id: "LH-1".into(),
        course_id: "KH-1".into(),
        unit_agency: "H55.X05743".into(),
        starts_on: day(8),
        ends_on: day(10),
        place: "Hội trường UBND xã".into(),
        reason: "Thiếu 1,5 người đất đai".into(),
        created_at: t0() + TimeDelta::seconds(1),
        enrolments: vec![enrolment("GD-1", "LH-1", "S1")],
    };
    store.save_training_session(&session).await.unwrap();
    let later = Session {
        id: "LH-2".into(),
        course_id: "KH-0".into(),
        unit_agency: "H55.X05746.TT".into(),
        starts_on: day(20),
        ends_on: day(20),
        place: String::new(),
        reason: String::new(),
        created_at: t0() + TimeDelta::seconds(2),
        enrolments: vec![enrolment("GD-3", "LH-2", "S3")],
    };
    store.save_training_session(&later).await.unwrap();
    assert_eq!(
        store.get_training_session("LH-1").await.unwrap(),
        Some(session.clone())
    );
    let ids = |v: Vec<Session>| v.into_iter().map(|s| s.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.list_training_sessions("H55").await.unwrap()),
        ["LH-2", "LH-1"]
    );
    assert_eq!(
        ids(store.list_training_sessions("H55.X05743").await.unwrap()),
        ["LH-1"]
    );
    assert_eq!(
        store.list_training_sessions("H55.X05746.TT").await.unwrap(),
        vec![later]
    );

    // S1 again (another id) is not added; S2 is.
    let added = store
        .add_training_enrolments(&[
            enrolment("GD-1b", "LH-1", "S1"),
            enrolment("GD-2", "LH-1", "S2"),
        ])
        .await
        .unwrap();
    assert_eq!(added, 1);
    assert_eq!(store.get_training_enrolment("GD-1b").await.unwrap(), None);
    assert!(
        store
            .complete_training_enrolment("GD-2", day(10), Some("Đạt"))
            .await
            .unwrap()
    );
    assert!(
        !store
            .complete_training_enrolment("GD-9", day(10), None)
            .await
            .unwrap()
    );
    let got = store.get_training_session("LH-1").await.unwrap().unwrap();
    assert_eq!(
        got.enrolments,
        vec![
            enrolment("GD-1", "LH-1", "S1"),
            Enrolment {
                completed_on: Some(day(10)),
                result: Some("Đạt".into()),
                ..enrolment("GD-2", "LH-1", "S2")
            },
        ]
    );
    assert_eq!(
        store.list_training_sessions("H55.X05743").await.unwrap()[0].enrolments,
        got.enrolments
    );
}
