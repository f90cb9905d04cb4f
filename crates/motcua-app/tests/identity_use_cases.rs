//! The identity use cases (log-in, lockout, sessions) over a small
//! in-memory fake of the one port they use ([`AccountStore`]) and a
//! [`TestClock`]: lock-outs and idle sessions end by moving the clock, not
//! by waiting (issue 20, item 2).

mod identity_fake;

use identity_fake::*;

#[tokio::test]
async fn five_failures_lock_that_client_out_until_the_clock_passes_the_lock() {
    let (fake, clock, ids) = with_account().await;
    for _ in 0..5 {
        let refused = ids.login("nva", "sai", "10.0.0.1").await.unwrap();
        assert_eq!(refused.err(), Some(LoginRefusal::BadCredentials));
    }
    assert_eq!(fake.accounts.lock().unwrap()["nva"].failed_attempts, 5);
    let locked = ids
        .login("nva", "đúng-mật-khẩu-1", "10.0.0.1")
        .await
        .unwrap();
    assert_eq!(
        locked.err(),
        Some(LoginRefusal::Locked(
            monday_morning() + TimeDelta::minutes(15)
        ))
    );
    // The officer at another desk still logs in.
    let elsewhere = ids
        .login("nva", "đúng-mật-khẩu-1", "10.0.0.2")
        .await
        .unwrap();
    assert!(elsewhere.is_ok());
    // Fifteen minutes later the first desk may try again.
    clock.advance(TimeDelta::minutes(15) + TimeDelta::seconds(1));
    let back = ids
        .login("nva", "đúng-mật-khẩu-1", "10.0.0.1")
        .await
        .unwrap();
    assert!(back.is_ok());
    assert_eq!(fake.accounts.lock().unwrap()["nva"].failed_attempts, 0);
}

#[tokio::test]
async fn an_idle_session_ends_after_thirty_minutes_on_the_clock() {
    let (fake, clock, ids) = with_account().await;
    let logged_in = ids
        .login("nva", "đúng-mật-khẩu-1", "10.0.0.1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        logged_in.expires_at,
        monday_morning() + TimeDelta::hours(10)
    );
    clock.advance(TimeDelta::minutes(29));
    let who = ids.session(&logged_in.token).await.unwrap();
    assert_eq!(who.map(|p| p.id), Some("nva".to_owned()));
    // Used at 29 minutes: idle counts from there.
    clock.advance(TimeDelta::minutes(29));
    assert!(ids.session(&logged_in.token).await.unwrap().is_some());
    clock.advance(TimeDelta::minutes(31));
    assert!(ids.session(&logged_in.token).await.unwrap().is_none());
    assert!(fake.sessions.lock().unwrap().is_empty(), "deleted");
}

/// An API key revoked by another process (straight in the database) is
/// still answered from memory for less than a second, then refused; one
/// revoked through this service is refused at once (issue 21 item 5).
#[tokio::test]
async fn a_revoked_api_key_is_refused_within_a_second() {
    let (fake, clock, ids) = with_account().await;
    let key = ids
        .create_api_key("nva", Vec::new(), "admin")
        .await
        .unwrap();
    let who = ids.api_key(&key.secret).await.unwrap();
    assert_eq!(who.map(|p| p.id), Some("nva".to_owned()));
    let reads = fake.reads();
    fake.revoke_key(&key.record.id, clock.clock().now());
    clock.advance(TimeDelta::milliseconds(999));
    assert!(ids.api_key(&key.secret).await.unwrap().is_some(), "cached");
    assert_eq!(fake.reads(), reads, "answered from memory");
    clock.advance(TimeDelta::milliseconds(1));
    assert_eq!(ids.api_key(&key.secret).await.unwrap(), None);
    // Revoked here: refused on the very next request.
    let other = ids
        .create_api_key("nva", Vec::new(), "admin")
        .await
        .unwrap();
    assert!(ids.api_key(&other.secret).await.unwrap().is_some());
    ids.revoke_api_key(&other.record.id, "admin").await.unwrap();
    assert_eq!(ids.api_key(&other.secret).await.unwrap(), None);
}

/// A session ended by another process is refused within a second; a
/// log-out through this service at once.
#[tokio::test]
async fn an_ended_session_is_refused_within_a_second() {
    let (fake, clock, ids) = with_account().await;
    let login = || async {
        ids.login("nva", "đúng-mật-khẩu-1", "10.0.0.1")
            .await
            .unwrap()
            .unwrap()
    };
    let first = login().await;
    assert!(ids.session(&first.token).await.unwrap().is_some());
    let reads = fake.reads();
    fake.sessions.lock().unwrap().clear();
    clock.advance(TimeDelta::milliseconds(999));
    assert!(ids.session(&first.token).await.unwrap().is_some(), "cached");
    assert_eq!(fake.reads(), reads, "answered from memory");
    clock.advance(TimeDelta::milliseconds(1));
    assert_eq!(ids.session(&first.token).await.unwrap(), None);
    let second = login().await;
    assert!(ids.session(&second.token).await.unwrap().is_some());
    ids.logout(&second.token).await.unwrap();
    assert_eq!(ids.session(&second.token).await.unwrap(), None);
}
