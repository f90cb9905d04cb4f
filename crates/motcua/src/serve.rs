//! `motcua serve`: prepare the database, then serve HTTP until asked to stop.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use motcua_app::agencies::ProvinceSettings;
use motcua_app::dossiers::{CatalogProcedures, DossierService, DossierSettings};
use motcua_domain::agency::CenterLayout;
use motcua_domain::dossier::DossierCodePattern;
use motcua_web::{AppState, router};
use tokio::net::TcpListener;

use crate::cli::Role;
use crate::config::Settings;
use crate::wiring::open_store;

/// Parses the configured center layout.
pub fn province_settings(settings: &Settings) -> Result<ProvinceSettings> {
    let layout = match settings.province.layout.as_deref() {
        None | Some("") => None,
        Some("center_per_commune") => Some(CenterLayout::CenterPerCommune),
        Some("one_center_with_branches") => Some(CenterLayout::OneCenterWithBranches),
        Some(other) => anyhow::bail!(
            "province.layout {other:?}: expected center_per_commune or one_center_with_branches"
        ),
    };
    Ok(ProvinceSettings {
        code: settings.province.code.clone(),
        identifier_root: settings.province.identifier_root.clone(),
        layout,
    })
}

/// The dossier settings from the configuration.
pub fn dossier_settings(settings: &Settings) -> Result<DossierSettings> {
    let pattern = DossierCodePattern::parse(&settings.dossiers.code_pattern)
        .map_err(|e| anyhow::anyhow!("dossiers.code_pattern: {e}"))?;
    Ok(DossierSettings {
        pattern,
        province: Some(settings.province.code.clone()),
    })
}

/// Opens and migrates the store, loads reference data, the seed catalog
/// (when the catalog is empty) and default agencies.
pub async fn prepare(settings: &Settings) -> Result<AppState> {
    let public = &settings.server.public_url;
    anyhow::ensure!(
        public.starts_with("http://") || public.starts_with("https://"),
        "server.public_url {public:?}: expected an http:// or https:// URL"
    );
    let store = open_store(&settings.database_url()).await?;
    let mut state =
        AppState::new(store.clone()).with_public_url(settings.server.public_url.clone());
    state = state.with_subject_key(crate::commands::identity_subject_key());
    state = state.with_webhook_settings(crate::exchange::webhook_settings(settings));
    state.dev_login = settings.auth.dev_login;
    if let Some(o) = &settings.auth.oidc {
        let client = motcua_web::oidc::OidcClient::new(motcua_web::oidc::OidcConfig {
            issuer: o.issuer.clone(),
            client_id: o.client_id.clone(),
            client_secret: o.client_secret.clone(),
        })
        .map_err(|e| anyhow::anyhow!("[auth.oidc]: {e}"))?;
        state.oidc = Some(Arc::new(client));
    }
    if state.dev_login {
        tracing::warn!("development login is on ([auth] dev_login): do not expose this server");
    }
    state.attachments = motcua_app::attachments::AttachmentService::local(
        store.clone(),
        &settings.storage.data_dir.join("attachments"),
        motcua_app::attachments::AttachmentLimits::default(),
    )?;
    // Procedures imported with `motcua catalog import` can be filed; the
    // seed catalog answers for codes the store lacks.
    state.dossiers = DossierService::new(
        store.clone(),
        Arc::new(CatalogProcedures::new(store)),
        dossier_settings(settings)?,
    );
    let report = state
        .units
        .load_reference()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if report.loaded {
        tracing::info!(
            units = report.units,
            links = report.links,
            "reference units loaded"
        );
    }
    if let Some(report) = state
        .catalog
        .load_seed_if_empty()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        tracing::info!(procedures = report.inserted, "seed catalog loaded");
    }
    let created = state
        .agencies
        .ensure_defaults(&province_settings(settings)?)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if created > 0 {
        tracing::info!(created, province = %settings.province.code, "default agencies created");
    }
    Ok(state)
}

/// Serves on an already-bound listener until `shutdown` completes.
pub async fn launch(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .context("HTTP server")
}

/// The whole `serve` command, as a province.
pub async fn run(settings: Settings) -> Result<()> {
    run_as(settings, Role::Province).await
}

/// The whole `serve` command in a role: a national hub also takes the
/// provinces' syncs; with `[exchange] enabled` the relay runs beside the
/// server and stops with it.
pub async fn run_as(settings: Settings, role: Role) -> Result<()> {
    let started = Instant::now();
    let mut state = prepare(&settings).await?;
    if role == Role::National {
        state.national = Some(crate::exchange::national(&settings, state.store.clone())?);
        tracing::info!(
            senders = settings.national.senders.len(),
            "serving as the national hub"
        );
    }
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let relay_task = if settings.exchange.enabled {
        let relay = crate::exchange::relay(&settings, state.store.clone()).await?;
        let mut rx = stop_rx.clone();
        Some(tokio::spawn(async move {
            relay
                .run(async move {
                    let _ = rx.wait_for(|stop| *stop).await;
                })
                .await;
        }))
    } else {
        None
    };
    let listener = TcpListener::bind(settings.server.listen)
        .await
        .with_context(|| format!("binding {}", settings.server.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, engine = state.store.engine(), ready_after_ms = started.elapsed().as_millis() as u64, "serving");
    println!(
        "motcua đang phục vụ tại / serving at http://{addr}/  (sẵn sàng sau / ready after {} ms)",
        started.elapsed().as_millis()
    );
    launch(state, listener, shutdown_signal()).await?;
    let _ = stop_tx.send(true);
    if let Some(task) = relay_task {
        let _ = task.await;
    }
    drop(stop_rx);
    tracing::info!("stopped cleanly");
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutdown requested");
}
