//! The store conformance suite on SQLite (a temp-file database per case).
motcua_store_tests::conformance_suite!(motcua_store_tests::engines::sqlite);
