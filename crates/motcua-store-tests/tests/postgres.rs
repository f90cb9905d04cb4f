//! The store conformance suite on PostgreSQL (needs `MOTCUA_TEST_POSTGRES_URL`; see `scripts/pg-up`).
motcua_store_tests::conformance_suite!(motcua_store_tests::engines::postgres);

/// PostgreSQL alone gives ids from a sequence: an append still to commit
/// must not be passed by a sink's cursor (ADR 0035 point 6).
#[tokio::test]
async fn exchange_an_append_still_to_commit_is_not_passed_by_the_cursor() {
    let fresh = motcua_store_tests::engines::postgres().await;
    motcua_store_tests::cases_exchange::exchange_an_append_still_to_commit_is_not_passed_by_the_cursor(
        fresh.store.clone(),
        fresh.raw.clone().expect("raw SQL on PostgreSQL"),
    )
    .await;
    fresh.finish().await;
}
