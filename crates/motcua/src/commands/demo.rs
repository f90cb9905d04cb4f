//! `motcua demo seed --dossiers N`: fills the database with realistic
//! dossiers across the configured province's communes and the seed
//! procedures, in various statuses, for demos and benchmarks.
//!
//! Dossiers are decided by the real domain rules and written through the
//! store's creation path (gap-free codes, events, projection, outbox and
//! idempotent answers in one transaction); many creations are kept in
//! flight so the SQLite engine commits them in large batches.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, anyhow};
use chrono::Duration;
use indicatif::{ProgressBar, ProgressStyle};
use motcua_app::StoreError;
use motcua_app::agencies::AgencyService;
use motcua_app::dossiers::write::{Request, build_write};
use motcua_app::dossiers::{CatalogProcedures, ProcedureFacts, ProcedureLookup, local_day};
use motcua_app::ports::dossiers::NewDossier;
use motcua_app::ports::{AgencyFilter, Clock, Store};
use motcua_app::units::UnitService;
use motcua_domain::agency::AgencyKind;
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::dossier::{AgencyId, DossierCodePattern, EventPayload};
use tokio::task::JoinSet;

use super::demo_walk::{Rng, Setting, walk};
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
        DemoCommand::Seed { dossiers, seed } => {
            seed_dossiers(settings, dossiers, seed, clock).await
        }
    }
}

struct Place {
    center: AgencyId,
    deciding: AgencyId,
}

async fn places(store: &Arc<dyn Store>, settings: &Settings) -> Result<Vec<Place>> {
    let list = |kind| AgencyFilter {
        kind: Some(kind),
        limit: 5_000,
        ..AgencyFilter::default()
    };
    let (committees, _) = store
        .list_agencies(&list(AgencyKind::CommuneCommittee))
        .await?;
    let mut centers = store
        .list_agencies(&list(AgencyKind::CommuneServiceCenter))
        .await?
        .0;
    centers.extend(
        store
            .list_agencies(&list(AgencyKind::ServicePoint))
            .await?
            .0,
    );
    let root = &settings.province.identifier_root;
    let mut out = Vec::new();
    for c in centers.iter().filter(|c| c.id.starts_with(root.as_str())) {
        if let Some(committee) = committees
            .iter()
            .find(|k| k.unit_code == c.unit_code && k.id.starts_with(root.as_str()))
        {
            out.push(Place {
                center: AgencyId::parse(&c.id)?,
                deciding: AgencyId::parse(&committee.id)?,
            });
        }
    }
    anyhow::ensure!(
        !out.is_empty(),
        "no commune centres for province {}",
        settings.province.code
    );
    Ok(out)
}

fn creation(
    rng: &mut Rng,
    cal: &WorkingCalendar,
    places: &[Place],
    procedures: &[ProcedureFacts],
    pattern: &DossierCodePattern,
    key: String,
    clock: &Clock,
) -> Option<NewDossier> {
    let now = clock.now();
    let place = rng.pick(places);
    let elsewhere = &rng.pick(places).deciding;
    let procedure = rng.pick(procedures);
    let back = Duration::minutes((rng.below(60 * 24 * 60)) as i64);
    let received_at = (now - back).max(now - Duration::days(60));
    let day = local_day(received_at);
    let placeholder = pattern.format(&place.center, day, 1).ok()?;
    let setting = Setting {
        center: &place.center,
        deciding: &place.deciding,
        elsewhere,
        procedure,
        code: placeholder,
        received_at,
        now,
    };
    let walked = walk(rng, cal, &setting, &key)?;
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

async fn seed_dossiers(settings: &Settings, n: u64, seed: u64, clock: &Clock) -> Result<()> {
    let store = open_store(&settings.database_url()).await?;
    UnitService::new(store.clone())
        .load_reference()
        .await
        .map_err(|e| anyhow!("{e}"))?;
    AgencyService::new(store.clone())
        .ensure_defaults(&province_settings(settings)?)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let places = Arc::new(places(&store, settings).await?);
    let lookup = CatalogProcedures::new(store.clone());
    let today = clock.today();
    let mut procedures = Vec::new();
    for code in lookup.codes().await {
        procedures.extend(lookup.procedure(&code, today).await);
    }
    let procedures = Arc::new(procedures);
    let pattern = dossier_settings(settings)?.pattern;
    let cal = WorkingCalendar::vietnam().map_err(|e| anyhow!("{e}"))?;
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
        let (store, places, procedures, pattern, cal, clock) = (
            store.clone(),
            places.clone(),
            procedures.clone(),
            pattern.clone(),
            cal.clone(),
            clock.clone(),
        );
        tasks.spawn(async move {
            let mut rng = Rng::new(seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let key = format!("demo-{seed}-{i}");
            let Some(new) = creation(&mut rng, &cal, &places, &procedures, &pattern, key, &clock)
            else {
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
    let staff =
        super::staff::seed_demo_staff(&store, &settings.province.identifier_root, seed, clock)
            .await?;
    println!("Đã tạo / created {staff} cán bộ mẫu / demo staff");
    Ok(())
}
