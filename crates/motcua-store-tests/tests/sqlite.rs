//! The store conformance suite on SQLite (a temp-file database per case).
motcua_store_tests::conformance_suite!(motcua_store_tests::engines::sqlite);

mod two_writers {
    //! Two stores on one SQLite file (a server and `motcua demo seed`, say):
    //! each store's proposed numbers go stale when the other writes, and
    //! the group-commit writer must renumber, never duplicate or skip.

    use std::collections::BTreeSet;
    use std::sync::Arc;

    use motcua_app::ports::{AgencyStore, Store};
    use motcua_store_sqlite::SqliteStore;
    use motcua_store_tests::dossier_fixtures::{agencies, day0, new_dossier};

    const TT1: &str = "H55.X05743.TT";

    #[tokio::test]
    async fn interleaved_creations_from_two_stores_are_gap_free() {
        let dir = tempfile::TempDir::new().unwrap();
        let url = format!("sqlite://{}", dir.path().join("motcua.db").display());
        let first = SqliteStore::connect(&url).await.unwrap();
        first.migrate().await.unwrap();
        first.insert_missing_agencies(&agencies()).await.unwrap();
        let second = SqliteStore::connect(&url).await.unwrap();
        let stores: [Arc<dyn Store>; 2] = [Arc::new(first), Arc::new(second)];
        let mut tasks = Vec::new();
        for round in 0..10 {
            for (s, store) in stores.iter().enumerate() {
                for i in 0..5 {
                    let store = Arc::clone(store);
                    let key = format!("r{round}-s{s}-{i}");
                    tasks.push(tokio::spawn(async move {
                        store
                            .create_dossier(new_dossier(TT1, day0(), &key, 10))
                            .await
                            .map(|c| c.answer().dossier_code.clone())
                    }));
                }
            }
        }
        let mut codes = BTreeSet::new();
        for task in tasks {
            assert!(codes.insert(task.await.unwrap().unwrap()), "a code twice");
        }
        let expected: BTreeSet<String> = (1..=100)
            .map(|n| format!("H55.X05743.TT-250715-{n:04}"))
            .collect();
        assert_eq!(codes, expected);
        for store in &stores {
            assert_eq!(store.last_sequence(TT1, day0()).await.unwrap(), Some(100));
        }
    }
}
