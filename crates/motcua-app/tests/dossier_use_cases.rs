//! The dossier use cases over a small in-memory fake of the ports they use
//! ([`DossierPorts`]: dossiers, agencies, the officers of an agency) and a
//! [`TestClock`]: no database, no HTTP, no sleeping (issue 20, item 2).

mod dossier_fake;

use dossier_fake::*;

#[tokio::test]
async fn a_desk_reception_is_numbered_and_dated_by_the_clock() {
    let (fake, clock) = (Arc::new(Fake::new()), TestClock::new(monday_morning()));
    let dossiers = service(&fake, &clock);
    let (first, replayed) = dossiers
        .create(officer(), Some(&center()), "k1", desk_filing())
        .await
        .unwrap();
    assert!(!replayed);
    assert_eq!(first.code, format!("{CENTER}-261207-0001"));
    assert_eq!((first.status.as_str(), first.version), ("received", 1));
    let due = first.due_at.expect("a due date from the legal clock");
    assert!(due > monday_morning(), "{due}");
    assert!(first.tracking_secret.is_some());
    assert_eq!(fake.events_of(&first.code)[0].at, monday_morning());

    // The next day the sequence restarts.
    clock.advance(TimeDelta::days(1));
    let (second, _) = dossiers
        .create(officer(), Some(&center()), "k2", desk_filing())
        .await
        .unwrap();
    assert_eq!(second.code, format!("{CENTER}-261208-0001"));
}

#[tokio::test]
async fn the_same_key_answers_the_first_answer_and_writes_nothing() {
    let (fake, clock) = (Arc::new(Fake::new()), TestClock::new(monday_morning()));
    let dossiers = service(&fake, &clock);
    let (first, _) = dossiers
        .create(officer(), Some(&center()), "same", desk_filing())
        .await
        .unwrap();
    clock.advance(TimeDelta::minutes(5));
    let (again, replayed) = dossiers
        .create(officer(), Some(&center()), "same", desk_filing())
        .await
        .unwrap();
    assert!(replayed);
    assert_eq!(
        (again.code, again.due_at),
        (first.code.clone(), first.due_at)
    );
    assert_eq!(fake.rows().dossiers.len(), 1);
    assert_eq!(fake.events_of(&first.code).len(), 1);

    // The same key for another request is refused.
    let mut other = desk_filing();
    other.procedure = "1.001193".into();
    let err = dossiers
        .create(officer(), Some(&center()), "same", other)
        .await
        .unwrap_err();
    assert!(matches!(err, DossierError::KeyReused(_)), "{err:?}");
}

#[tokio::test]
async fn a_hand_over_goes_to_an_officer_of_the_agency_only() {
    let (fake, clock) = (Arc::new(Fake::new()), TestClock::new(monday_morning()));
    let dossiers = service(&fake, &clock);
    let (created, _) = dossiers
        .create(officer(), Some(&center()), "k1", desk_filing())
        .await
        .unwrap();
    let code = created.code.as_str();

    let err = dossiers
        .act(officer(), &center(), "h0", code, None, hand_over("nobody"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DossierError::Invalid { code, .. } if code == "to.unknown"),
        "{err:?}"
    );

    clock.advance(TimeDelta::hours(1));
    let (handed, _) = dossiers
        .act(officer(), &center(), "h1", code, Some(1), hand_over("cv-1"))
        .await
        .unwrap();
    assert_eq!((handed.event.as_str(), handed.version), ("handed_over", 2));
    let events = fake.events_of(code);
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].at, monday_morning() + TimeDelta::hours(1));

    // A view of version 1 is stale now.
    let err = dossiers
        .act(officer(), &center(), "h2", code, Some(1), hand_over("cv-1"))
        .await
        .unwrap_err();
    assert!(matches!(err, DossierError::Stale(_)), "{err:?}");
}

#[tokio::test]
async fn an_officer_of_another_centre_cannot_act() {
    let (fake, clock) = (Arc::new(Fake::new()), TestClock::new(monday_morning()));
    let dossiers = service(&fake, &clock);
    let (created, _) = dossiers
        .create(officer(), Some(&center()), "k1", desk_filing())
        .await
        .unwrap();
    let elsewhere = AgencyId::parse(OTHER_CENTER).unwrap();
    let err = dossiers
        .act(
            officer(),
            &elsewhere,
            "h1",
            &created.code,
            None,
            hand_over("cv-1"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, DossierError::Forbidden(_)), "{err:?}");
    assert_eq!(fake.events_of(&created.code).len(), 1, "nothing written");
}
