//! `motcua demo seed --dossiers N`: fills the database with realistic
//! dossiers across the configured province's communes and the seed
//! procedures, in various statuses, for demos and benchmarks.
//!
//! Dossiers are decided by the real domain rules and written through the
//! store's creation path (gap-free codes, events, projection, outbox and
//! idempotent answers in one transaction); many creations are kept in
//! flight so the SQLite engine commits them in large batches.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, anyhow};
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use motcua_app::StoreError;
use motcua_app::agencies::AgencyService;
use motcua_app::catalog::CatalogService;
use motcua_app::dossiers::write::{Request, build_write};
use motcua_app::dossiers::{CatalogProcedures, ProcedureFacts, ProcedureLookup, local_day};
use motcua_app::ports::catalog::ProcedureFilter;
use motcua_app::ports::dossiers::NewDossier;
use motcua_app::ports::{Clock, Store};
use motcua_app::units::UnitService;
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::dossier::{Channel, DossierCodePattern, EventPayload};
use motcua_domain::text::fold;
use tokio::task::JoinSet;

use super::demo_staff::{Commune, communes, plan};
use super::demo_time::WorkTime;
use super::demo_walk::{Rng, Setting, channel as walk_channel, walk};
use crate::cli::DemoCommand;
use crate::config::Settings;
use crate::serve::{dossier_settings, province_settings};
use crate::wiring::open_store;

/// Creations kept in flight at once on SQLite, whose writer commits all
/// that wait in one transaction.
const IN_FLIGHT_SQLITE: usize = 2_048;
/// The same on PostgreSQL: each creation is its own transaction on a pool
/// of ten connections, so more would only queue for a connection.
const IN_FLIGHT_POSTGRES: usize = 32;

/// Runs a demo command; dossiers are backdated from `clock`'s now.
pub async fn run(settings: &Settings, command: DemoCommand, clock: &Clock) -> Result<()> {
    match command {
        DemoCommand::Seed {
            dossiers,
            seed,
            after_hours_share,
        } => seed_dossiers(settings, dossiers, seed, after_hours_share, clock).await,
    }
}

/// Picks communes in proportion to their population.
struct Weighted {
    communes: Vec<Commune>,
    /// Running totals of population.
    cumulative: Vec<u64>,
}

impl Weighted {
    fn new(communes: Vec<Commune>) -> Self {
        let mut total = 0;
        let cumulative = communes
            .iter()
            .map(|c| {
                total += c.population.max(1);
                total
            })
            .collect();
        Self {
            communes,
            cumulative,
        }
    }

    fn pick(&self, rng: &mut Rng) -> &Commune {
        let total = self.cumulative.last().copied().unwrap_or(1);
        let k = rng.below(total);
        let i = self.cumulative.partition_point(|&c| c <= k);
        &self.communes[i.min(self.communes.len() - 1)]
    }
}

/// What a dossier needs to know about its procedure.
struct Procedure {
    facts: ProcedureFacts,
    /// The expertise tag of its field, if any.
    tag: Option<String>,
}

/// Days back over which dossiers are received.
const DAYS_BACK: u64 = 60;

#[allow(clippy::too_many_arguments)]
fn creation(
    rng: &mut Rng,
    normal: &WorkTime,
    strained: &WorkTime,
    places: &Weighted,
    procedures: &[Procedure],
    pattern: &DossierCodePattern,
    key: String,
    clock: &Clock,
) -> Option<NewDossier> {
    let now = clock.now();
    let place = places.pick(rng);
    let elsewhere = &places.pick(rng).deciding;
    let procedure = rng.pick(procedures);
    let (handler, outside_field) = place.handler(rng, procedure.tag.as_deref());
    let desk = rng.pick(&place.desk).clone();
    // Where nobody has the field's tag, the stand-in works more after hours.
    let time = if outside_field { strained } else { normal };
    let channel = walk_channel(rng);
    let received_at = if channel == Channel::Online {
        time.citizen_filing(rng, clock.today(), DAYS_BACK)
    } else {
        time.reception(rng, clock.today(), DAYS_BACK)
    };
    let day = local_day(received_at);
    let placeholder = pattern.format(&place.center, day, 1).ok()?;
    let setting = Setting {
        center: &place.center,
        deciding: &place.deciding,
        elsewhere,
        procedure: &procedure.facts,
        code: placeholder,
        channel,
        received_at,
        now,
        time,
        desk: &desk,
        handler: &handler,
    };
    let walked = walk(rng, time.calendar(), &setting, &key)?;
    let actor = walked.events.first()?.actor.clone();
    let pattern = pattern.clone();
    let center = place.center.clone();
    let request = Request {
        actor: actor.clone(),
        key: key.clone(),
        fingerprint: "demo".into(),
    };
    let secret = format!("{:016x}{:016x}", rng.next(), rng.next());
    Some(NewDossier {
        agency: center.as_str().to_owned(),
        day,
        actor: motcua_app::dossiers::write::actor_key(&actor),
        idempotency_key: key,
        build: Box::new(move |seq| {
            let code = pattern
                .format(&center, day, seq)
                .map_err(|e| StoreError::Conflict(e.to_string()))?;
            let mut dossier = walked.dossier.clone();
            let mut events = walked.events.clone();
            dossier.code = code.clone();
            if let Some(first) = events.first_mut() {
                match &mut first.payload {
                    EventPayload::Submitted { intake }
                    | EventPayload::Received {
                        intake: Some(intake),
                        ..
                    } => intake.code = code,
                    _ => {}
                }
            }
            build_write(&dossier, &events, &request, Some(&secret), walked.last_at)
                .map(|(w, _)| w)
                .map_err(|e| StoreError::Other(anyhow!("{e}")))
        }),
    })
}

/// The expertise tag of each procedure's field (code → tag).
async fn procedure_tags(
    store: &Arc<dyn Store>,
    today: NaiveDate,
) -> Result<BTreeMap<String, String>> {
    let tags = motcua_app::staff::tags().map_err(|e| anyhow!("{e}"))?;
    let mut out = BTreeMap::new();
    let mut offset = 0;
    loop {
        let page = store
            .list_procedures(&ProcedureFilter {
                on: today,
                field_folded: None,
                limit: 500,
                offset,
            })
            .await
            .map_err(|e| anyhow!("{e}"))?;
        for v in &page.items {
            if let Some(tag) = tags.tag_of_field(&fold(&v.procedure.field.name)) {
                out.insert(v.procedure.code.as_str().to_owned(), tag.id.clone());
            }
        }
        offset += page.items.len() as u32;
        if page.items.is_empty() || u64::from(offset) >= page.total {
            break;
        }
    }
    Ok(out)
}

async fn seed_dossiers(
    settings: &Settings,
    n: u64,
    seed: u64,
    after_hours_share: f64,
    clock: &Clock,
) -> Result<()> {
    anyhow::ensure!(
        (0.0..=1.0).contains(&after_hours_share),
        "--after-hours-share phải trong khoảng 0..1 / must be within 0..1"
    );
    let store = open_store(&settings.database_url(), clock).await?;
    UnitService::new(store.clone())
        .load_reference()
        .await
        .map_err(|e| anyhow!("{e}"))?;
    AgencyService::new(store.clone())
        .ensure_defaults(&province_settings(settings)?)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    // The procedures' fields (what the workload is measured by) come from
    // the stored catalog, as `serve` loads it.
    CatalogService::new(store.clone())
        .load_seed_if_empty()
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let today = clock.today();
    let root = settings.province.identifier_root.clone();
    let mut places = communes(&store, &root).await?;
    let mut staff = Vec::new();
    for c in &mut places {
        staff.extend(plan(c, seed, today));
    }
    let places = Arc::new(Weighted::new(places));
    let lookup = CatalogProcedures::new(store.clone());
    let tags = procedure_tags(&store, today).await?;
    let mut procedures = Vec::new();
    for code in lookup.codes().await {
        if let Some(facts) = lookup.procedure(&code, today).await {
            procedures.push(Procedure {
                tag: tags.get(&facts.code).cloned(),
                facts,
            });
        }
    }
    anyhow::ensure!(!procedures.is_empty(), "no procedures in the catalog");
    let procedures = Arc::new(procedures);
    let pattern = dossier_settings(settings)?.pattern;
    let cal = WorkingCalendar::vietnam().map_err(|e| anyhow!("{e}"))?;
    let province = Some(root.as_str());
    let normal = WorkTime::new(cal.clone(), province, after_hours_share);
    let strained = WorkTime::new(cal, province, (after_hours_share * 2.0).min(1.0));
    let times = Arc::new((normal, strained));
    let bar = ProgressBar::new(n);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} hồ sơ / dossiers {pos}/{len} [{bar:40}] {per_sec} ETA {eta}",
        )
        .context("progress template")?
        .progress_chars("=> "),
    );
    let in_flight = if store.engine() == "sqlite" {
        IN_FLIGHT_SQLITE
    } else {
        IN_FLIGHT_POSTGRES
    };
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    let mut written = 0u64;
    for i in 0..n {
        while tasks.len() >= in_flight {
            if let Some(done) = tasks.join_next().await {
                written += u64::from(done.context("seeding task")??);
                bar.inc(1);
            }
        }
        let (store, places, procedures, pattern, times, clock) = (
            store.clone(),
            places.clone(),
            procedures.clone(),
            pattern.clone(),
            times.clone(),
            clock.clone(),
        );
        tasks.spawn(async move {
            let mut rng = Rng::new(seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let key = format!("demo-{seed}-{i}");
            let (normal, strained) = &*times;
            let Some(new) = creation(
                &mut rng,
                normal,
                strained,
                &places,
                &procedures,
                &pattern,
                key,
                &clock,
            ) else {
                return Ok::<bool, anyhow::Error>(false);
            };
            store
                .create_dossier(new)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            Ok(true)
        });
    }
    while let Some(done) = tasks.join_next().await {
        written += u64::from(done.context("seeding task")??);
        bar.inc(1);
    }
    bar.finish();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "Đã tạo / created {written} hồ sơ / dossiers in {secs:.1} s ({:.0}/s, {})",
        written as f64 / secs.max(1e-9),
        store.engine()
    );
    let obstacles =
        super::demo_obstacles::seed(&store, &settings.province.identifier_root, clock).await?;
    println!("Đã tạo / created {obstacles} vướng mắc / obstacles");
    let staff = store
        .save_staff(&staff, clock.now())
        .await
        .map_err(|e| anyhow!("{e}"))?;
    println!("Đã tạo / created {staff} cán bộ mẫu / demo staff");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_app::workload::WorkloadService;

    async fn seeded(dir: &std::path::Path, n: u64, share: f64) -> (Arc<dyn Store>, Settings) {
        let mut settings = Settings::default();
        settings.storage.data_dir = dir.to_path_buf();
        // A fixed Wednesday morning in Vietnam: seeding "now" at night or
        // on a weekend would put the newest actions outside office time.
        let clock = test_clock();
        seed_dossiers(&settings, n, 3, share, &clock).await.unwrap();
        let store = open_store(&settings.database_url(), &clock).await.unwrap();
        (store, settings)
    }

    fn test_clock() -> Clock {
        use chrono::TimeZone;
        Clock::fixed(chrono::Utc.with_ymd_and_hms(2026, 12, 2, 3, 0, 0).unwrap())
    }

    /// Events (anyone's) at 22:00–06:00 Vietnam time, and all events.
    async fn night_events(settings: &Settings) -> (i64, i64) {
        let db = motcua_store_sqlite::SqliteStore::connect(&settings.database_url())
            .await
            .unwrap();
        sqlx::query_as(
            "SELECT SUM(CASE WHEN CAST(strftime('%H', at, '+7 hours') AS INTEGER) >= 22 \
             OR CAST(strftime('%H', at, '+7 hours') AS INTEGER) < 6 THEN 1 ELSE 0 END), \
             COUNT(*) FROM dossier_events",
        )
        .fetch_one(db.pool())
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn demo_work_follows_office_hours_population_and_staff() {
        // No after-hours share: every officer's action is in office time.
        let quiet = tempfile::tempdir().unwrap();
        let (store, settings) = seeded(quiet.path(), 300, 0.0).await;
        let service = WorkloadService::new(store.clone(), test_clock(), Some("H55".into()));
        let w = service.workload_unchecked("H55", None).await.unwrap();
        assert!(w.totals.actions > 300, "{:?}", w.totals);
        assert_eq!(
            w.totals.after_hours + w.totals.non_working_day,
            0,
            "{:?}",
            w.totals
        );
        assert_eq!(night_events(&settings).await.0, 0);

        // 10 %: about 10 % outside office time (a little more where a
        // stand-in works outside their field), half on non-working days,
        // still nothing at night.
        let busy = tempfile::tempdir().unwrap();
        let (store, settings) = seeded(busy.path(), 800, 0.1).await;
        let service = WorkloadService::new(store.clone(), test_clock(), Some("H55".into()));
        let w = service.workload_unchecked("H55", None).await.unwrap();
        let t = w.totals;
        let share = |k: u64| k as f64 / t.actions as f64;
        assert!((0.07..0.15).contains(&w.outside_share), "{t:?}");
        assert!((0.03..0.08).contains(&share(t.non_working_day)), "{t:?}");
        let (night, all) = night_events(&settings).await;
        assert_eq!(night, 0, "of {all}");
        // Working hours of the legal clock: the fields and the officers
        // share out the total.
        assert!(w.working_hours > 10.0, "{}", w.working_hours);
        let by_fields: f64 = w.fields.iter().map(|f| f.working_hours).sum();
        let by_officers: f64 = w.officers.iter().map(|o| o.working_hours).sum();
        for sum in [by_fields, by_officers] {
            assert!(
                (sum - w.working_hours).abs() < 0.5,
                "{sum} vs {}",
                w.working_hours
            );
        }

        // Officers are the registry's people, with tags.
        let staff = store.list_staff("H55").await.unwrap();
        assert!(staff.len() > 1_000, "{}", staff.len());
        let accounts: BTreeMap<String, &Vec<String>> = staff
            .iter()
            .filter_map(|m| {
                m.account
                    .clone()
                    .map(|a| (format!("officer:{a}"), &m.expertise))
            })
            .collect();
        assert!(!w.officers.is_empty());
        assert!(
            w.officers.iter().all(|o| accounts.contains_key(&o.officer)),
            "an officer outside the registry"
        );
        // Volumes follow population: the more populous half gets more.
        let mut places = communes(&store, "H55").await.unwrap();
        places.sort_by_key(|c| c.population);
        let mut per_unit: BTreeMap<String, u64> = BTreeMap::new();
        for f in &w.fields {
            *per_unit.entry(f.unit_code.clone()).or_default() += f.dossiers;
        }
        let half = places.len() / 2;
        let count = |cs: &[Commune]| -> u64 {
            cs.iter()
                .map(|c| per_unit.get(&c.unit_code).copied().unwrap_or(0))
                .sum()
        };
        assert!(
            2 * count(&places[half..]) > 3 * count(&places[..half]),
            "{} vs {}",
            count(&places[half..]),
            count(&places[..half])
        );
        // A shortage to show: communes with civil-status work and nobody tagged.
        let ranking = service
            .shortages_unchecked("H55", Some("tu_phap_ho_tich"), None)
            .await
            .unwrap();
        assert!(
            ranking
                .rows
                .iter()
                .any(|r| r.signal.people == 0 && r.signal.dossiers > 0),
            "{:?}",
            ranking.rows.first()
        );
        assert!(ranking.rows.iter().any(|r| r.signal.people > 0));
    }
}
