//! Unit registry benchmarks, each beside a baseline measured in the same run:
//!
//! - bulk load of the 3,355 current + 10,820 legacy units and 10,570 lineage
//!   links through `UnitStore::load_reference`, against a bare prepared
//!   statement inserting the same unit rows one by one in one transaction;
//! - unit search (`q=ha noi`, province filter, commune page) through the
//!   store, against the same SQL sent bare through sqlx.
//!
//! SQLite always; PostgreSQL when `MOTCUA_TEST_POSTGRES_URL` is set (see
//! `scripts/bench`, which starts a throwaway cluster).

#![allow(missing_docs)] // criterion_group! generates an undocumented pub fn

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use motcua_app::ports::{ReferenceUnits, UnitFilter, UnitStore};
use motcua_app::refdata::reference_units;
use motcua_domain::text::fold;
use motcua_domain::unit::{Era, UnitLevel};
use motcua_store_sqlite::SqliteStore;
use tokio::runtime::Runtime;

async fn fresh_sqlite() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store = SqliteStore::connect(&url).await.expect("sqlite");
    store.migrate().await.expect("migrate");
    (store, dir)
}

/// The baseline: every unit row inserted with one bare prepared statement.
async fn bare_insert_sqlite(store: &SqliteStore, data: &ReferenceUnits) {
    let mut tx = store.pool().begin().await.expect("begin");
    for u in &data.units {
        sqlx::query(
            "INSERT INTO units (era, code, name, short_name, name_folded, unit_type, level, \
             parent_code, province_code, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(u.era.as_str())
        .bind(u.code.as_str())
        .bind(&u.name)
        .bind(&u.short_name)
        .bind(fold(&u.name))
        .bind(u.unit_type.as_str())
        .bind(u.level.as_str())
        .bind(u.parent_code.as_ref().map(|c| c.as_str()))
        .bind(u.province_code.as_str())
        .bind(u.valid_from.map(|d| d.to_string()))
        .bind(u.valid_to.map(|d| d.to_string()))
        .execute(&mut *tx)
        .await
        .expect("insert");
    }
    tx.commit().await.expect("commit");
}

fn bulk_load(c: &mut Criterion) {
    let rt = Runtime::new().expect("runtime");
    let data = reference_units().expect("reference data");
    let mut group = c.benchmark_group("bulk_load_units");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("sqlite/store.load_reference (units+links)", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let data = data.clone();
            async move {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let (store, _dir) = fresh_sqlite().await;
                    let t = Instant::now();
                    black_box(store.load_reference(&data).await.expect("load"));
                    total += t.elapsed();
                }
                total
            }
        });
    });
    group.bench_function("sqlite/baseline bare prepared insert (units only)", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let data = data.clone();
            async move {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let (store, _dir) = fresh_sqlite().await;
                    let t = Instant::now();
                    bare_insert_sqlite(&store, &data).await;
                    total += t.elapsed();
                }
                total
            }
        });
    });
    group.finish();
}

fn search(c: &mut Criterion) {
    let rt = Runtime::new().expect("runtime");
    let (store, _dir) = rt.block_on(async {
        let (store, dir) = fresh_sqlite().await;
        store
            .load_reference(&reference_units().expect("data"))
            .await
            .expect("load");
        (store, dir)
    });
    let filter = UnitFilter {
        era: Era::Current,
        level: None,
        unit_type: None,
        parent: None,
        query_folded: Some(fold("Hà Nội")),
        limit: 20,
        offset: 0,
    };
    let provinces = UnitFilter {
        level: Some(UnitLevel::Province),
        query_folded: None,
        limit: 100,
        ..filter.clone()
    };
    let mut group = c.benchmark_group("unit_search");
    group.measurement_time(Duration::from_secs(4));
    group.bench_function("sqlite/store q=ha noi", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(store.list_units(&filter).await.expect("search")) });
    });
    group.bench_function("sqlite/baseline bare SQL q=ha noi", |b| {
        b.to_async(&rt).iter(|| async {
            let rows = sqlx::query(
                "SELECT era, code, name, short_name, unit_type, level, parent_code, province_code, valid_from, valid_to \
                 FROM units WHERE era = 'current' AND (' ' || name_folded LIKE '% ha noi%') ORDER BY code LIMIT 20",
            )
            .fetch_all(store.pool())
            .await
            .expect("bare search");
            black_box(rows)
        });
    });
    group.bench_function("sqlite/store level=province", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(store.list_units(&provinces).await.expect("provinces")) });
    });
    group.finish();
    // Throughput as requests per second, for the closing note.
    let n = 2_000;
    let t = Instant::now();
    rt.block_on(async {
        for _ in 0..n {
            black_box(store.list_units(&filter).await.expect("search"));
        }
    });
    let store_rate = f64::from(n) / t.elapsed().as_secs_f64();
    let t = Instant::now();
    rt.block_on(async {
        for _ in 0..n {
            black_box(
                sqlx::query("SELECT code FROM units WHERE era = 'current' AND (' ' || name_folded LIKE '% ha noi%') LIMIT 20")
                    .fetch_all(store.pool())
                    .await
                    .expect("bare"),
            );
        }
    });
    let bare_rate = f64::from(n) / t.elapsed().as_secs_f64();
    println!(
        "unit search q=ha noi (one client, sequential): store {store_rate:.0}/s, bare SQL {bare_rate:.0}/s, ratio {:.2}",
        store_rate / bare_rate
    );
}

criterion_group!(benches, bulk_load, search);
criterion_main!(benches);
