//! The store conformance suite on PostgreSQL (needs `MOTCUA_TEST_POSTGRES_URL`; see `scripts/pg-up`).
motcua_store_tests::conformance_suite!(motcua_store_tests::engines::postgres);
