//! Conformance cases of the procedure catalog (`CatalogStore`). Each takes a
//! fresh, empty, migrated store and asserts exact values from the seed
//! catalog shipped in the binary.

use std::sync::Arc;

use chrono::NaiveDate;
use motcua_app::StoreError;
use motcua_app::ports::Store;
use motcua_app::ports::catalog::{CatalogImportReport, ImportMode, ProcedureFilter, SearchTerms};
use motcua_domain::catalog::{ProcedureCode, ProcedureVersion, score, seed_catalog};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn code(raw: &str) -> ProcedureCode {
    ProcedureCode::parse(raw).expect("valid procedure code")
}

fn on(date: NaiveDate) -> ProcedureFilter {
    ProcedureFilter {
        on: date,
        field_folded: None,
        limit: 1_000,
        offset: 0,
    }
}

fn codes(versions: &[ProcedureVersion]) -> Vec<String> {
    versions
        .iter()
        .map(|v| format!("{}", v.procedure.code))
        .collect()
}

/// The seed, sorted as the stores return it (code, then version).
fn seed_sorted() -> Vec<ProcedureVersion> {
    let mut seed = seed_catalog();
    seed.sort_by(|a, b| (&a.procedure.code, a.version).cmp(&(&b.procedure.code, b.version)));
    seed
}

async fn import_seed(store: &dyn Store) {
    let report = store
        .import_catalog(&seed_catalog(), ImportMode::RefuseChanges)
        .await
        .expect("import the seed");
    assert_eq!(
        report,
        CatalogImportReport {
            inserted: 19,
            replaced: 0,
            unchanged: 0
        }
    );
}

/// `1.001193` split into v1 (until 2025-12-31) and v2 (from 2026-01-01, 5 WD).
fn two_versions_of_birth_registration() -> Vec<ProcedureVersion> {
    let seed = seed_catalog();
    let v1 = seed
        .iter()
        .find(|v| v.procedure.code.as_str() == "1.001193")
        .expect("1.001193 in the seed")
        .clone();
    let mut first = v1.clone();
    first.valid_to = Some(day(2025, 12, 31));
    let mut second = v1;
    second.version = 2;
    second.valid_from = day(2026, 1, 1);
    second.procedure.name = "Đăng ký khai sinh (sửa đổi)".to_owned();
    vec![first, second]
}

/// A fresh store has no procedure.
pub async fn catalog_fresh_store_is_empty(store: Arc<dyn Store>) {
    assert_eq!(store.count_procedure_versions().await.expect("count"), 0);
    let page = store
        .list_procedures(&on(day(2025, 7, 1)))
        .await
        .expect("list");
    assert_eq!((page.items.len(), page.total), (0, 0));
    assert_eq!(
        store
            .procedure_at(&code("1.001193"), day(2025, 7, 1))
            .await
            .expect("at"),
        None
    );
    assert!(
        store
            .all_procedure_versions()
            .await
            .expect("all")
            .is_empty()
    );
}

/// Importing the seed stores every version exactly as given.
pub async fn catalog_seed_round_trips_exactly(store: Arc<dyn Store>) {
    import_seed(store.as_ref()).await;
    assert_eq!(store.count_procedure_versions().await.expect("count"), 19);
    let all = store.all_procedure_versions().await.expect("all");
    assert_eq!(all, seed_sorted(), "JSON body round trip, ordered by code");
    let one = store
        .procedure_version(&code("1.004222"), 1)
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(one.procedure.name, "Đăng ký thường trú");
    assert!(one.procedure.timing.saturday_morning_reception);
    assert_eq!(
        store
            .procedure_version(&code("1.004222"), 2)
            .await
            .expect("get"),
        None
    );
}

/// Importing identical versions again changes nothing.
pub async fn catalog_reimport_is_a_no_op(store: Arc<dyn Store>) {
    import_seed(store.as_ref()).await;
    let again = store
        .import_catalog(&seed_catalog(), ImportMode::RefuseChanges)
        .await
        .expect("second import");
    assert_eq!(
        again,
        CatalogImportReport {
            inserted: 0,
            replaced: 0,
            unchanged: 19
        }
    );
    assert_eq!(store.count_procedure_versions().await.expect("count"), 19);
}

/// A changed version under the same code and version is refused, and
/// nothing of that import is written, not even its new versions.
pub async fn catalog_changed_version_is_a_conflict(store: Arc<dyn Store>) {
    import_seed(store.as_ref()).await;
    let mut changed = seed_catalog();
    changed[0].procedure.name = "Tên đã sửa".to_owned();
    let mut extra = changed[1].clone();
    extra.version = 2;
    extra.valid_from = day(2030, 1, 1);
    let batch = vec![extra.clone(), changed[0].clone()];
    let err = store
        .import_catalog(&batch, ImportMode::RefuseChanges)
        .await
        .expect_err("conflict");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(store.count_procedure_versions().await.expect("count"), 19);
    let key = changed[0].key();
    let kept = store
        .procedure_version(&key.code, key.version)
        .await
        .expect("get")
        .expect("still stored");
    assert_eq!(kept, seed_catalog()[0], "the stored version is untouched");
    assert_eq!(
        store
            .procedure_version(&extra.procedure.code, 2)
            .await
            .expect("get"),
        None,
        "the new version of the refused batch was rolled back"
    );
}

/// With `ReplaceChanged`, a changed version is overwritten, and its indexed
/// columns follow (search finds the new name).
pub async fn catalog_replace_overwrites_changed_versions(store: Arc<dyn Store>) {
    import_seed(store.as_ref()).await;
    let mut changed = seed_catalog();
    changed[0].procedure.name = "Đăng ký khai sinh lưu động".to_owned();
    let report = store
        .import_catalog(&changed, ImportMode::ReplaceChanged)
        .await
        .expect("replace");
    assert_eq!(
        report,
        CatalogImportReport {
            inserted: 0,
            replaced: 1,
            unchanged: 18
        }
    );
    let key = changed[0].key();
    let now = store
        .procedure_version(&key.code, key.version)
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(now, changed[0]);
    let terms = SearchTerms::parse("luu dong").expect("terms");
    let found = store
        .search_candidates(&on(day(2025, 7, 1)), &terms)
        .await
        .expect("search");
    assert_eq!(codes(&found), [key.code.to_string()]);
}

/// The version in force follows the validity dates (both bounds inclusive).
pub async fn catalog_version_in_force_by_date(store: Arc<dyn Store>) {
    let versions = two_versions_of_birth_registration();
    store
        .import_catalog(&versions, ImportMode::RefuseChanges)
        .await
        .expect("import");
    let c = code("1.001193");
    let at = |d: NaiveDate| {
        let store = Arc::clone(&store);
        let c = c.clone();
        async move {
            store
                .procedure_at(&c, d)
                .await
                .expect("at")
                .map(|v| v.version)
        }
    };
    assert_eq!(at(day(2025, 6, 30)).await, None, "before the first version");
    assert_eq!(at(day(2025, 7, 1)).await, Some(1));
    assert_eq!(
        at(day(2025, 12, 31)).await,
        Some(1),
        "valid_to is inclusive"
    );
    assert_eq!(at(day(2026, 1, 1)).await, Some(2));
    assert_eq!(at(day(2199, 12, 31)).await, Some(2), "open-ended");
    let all = store.versions_of(&c).await.expect("versions");
    assert_eq!(all, versions);
    assert!(
        store
            .versions_of(&code("1.000894"))
            .await
            .expect("none")
            .is_empty()
    );
    let listed = |d| {
        let store = Arc::clone(&store);
        async move { store.list_procedures(&on(d)).await.expect("list") }
    };
    let page = listed(day(2026, 3, 1)).await;
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].version, 2);
    assert_eq!(listed(day(2025, 1, 1)).await.total, 0);
}

/// Lists are by code, paged, with the total; the field filter is folded.
pub async fn catalog_list_pages_and_field_filter(store: Arc<dyn Store>) {
    import_seed(store.as_ref()).await;
    let date = day(2025, 7, 1);
    let page = store
        .list_procedures(&ProcedureFilter {
            limit: 3,
            offset: 2,
            ..on(date)
        })
        .await
        .expect("page");
    assert_eq!(page.total, 19);
    assert_eq!(codes(&page.items), ["1.000894", "1.001193", "1.001193.02"]);
    let cu_tru = store
        .list_procedures(&ProcedureFilter {
            field_folded: Some("cu tru".to_owned()),
            ..on(date)
        })
        .await
        .expect("field");
    assert_eq!(cu_tru.total, 7);
    assert_eq!(
        codes(&cu_tru.items),
        [
            "1.002755", "1.003197", "1.003677", "1.004194", "1.004222", "1.010028", "1.010038"
        ]
    );
}

/// The search pre-filter returns exactly the versions the domain scores.
pub async fn catalog_search_candidates_match_the_domain(store: Arc<dyn Store>) {
    import_seed(store.as_ref()).await;
    let filter = on(day(2025, 7, 1));
    let expected: [(&str, &[&str]); 5] = [
        (
            "khai sinh",
            &["1.001193", "1.001193.02", "1.004884", "2.000635"],
        ),
        ("1.0011", &["1.001193", "1.001193.02"]),
        (
            "hộ tịch",
            &[
                "1.000656",
                "1.000881",
                "1.000894",
                "1.001193",
                "1.001193.02",
                "1.004873",
                "1.004884",
                "2.000635",
            ],
        ),
        ("DANG KY KET HON", &["1.000894"]),
        ("zzz khong co", &[]),
    ];
    for (query, want) in expected {
        let terms = SearchTerms::parse(query).expect("terms");
        let found = store
            .search_candidates(&filter, &terms)
            .await
            .expect("search");
        assert_eq!(codes(&found), want, "{query}");
        let scored: Vec<String> = seed_sorted()
            .iter()
            .filter(|v| score(&v.procedure, query).is_some())
            .map(|v| v.procedure.code.to_string())
            .collect();
        assert_eq!(codes(&found), scored, "{query}: same set as the domain");
    }
    let only_cu_tru = ProcedureFilter {
        field_folded: Some("cu tru".to_owned()),
        ..filter
    };
    let terms = SearchTerms::parse("dang ky").expect("terms");
    let found = store
        .search_candidates(&only_cu_tru, &terms)
        .await
        .expect("search");
    assert_eq!(
        codes(&found),
        ["1.003197", "1.004194", "1.004222", "1.010028"]
    );
}
