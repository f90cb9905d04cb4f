//! `motcua serve`: prepare the database, then serve HTTP until asked to stop.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use motcua_app::agencies::ProvinceSettings;
use motcua_app::dossiers::{CatalogProcedures, DossierSettings};
use motcua_app::ports::Clock;
use motcua_domain::agency::CenterLayout;
use motcua_domain::dossier::DossierCodePattern;
use motcua_web::{AppState, router};
use tokio::net::TcpListener;

use crate::cli::Role;
use crate::config::Settings;
use crate::wiring::{StateParts, app_state, open_store};

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

/// Refuses settings that open a door (ADR 0021): the development login on
/// a non-loopback address (review F1), and an https public URL without the
/// audit pepper `MOTCUA_AUDIT_PEPPER` (review F15).
pub fn refuse_unsafe(settings: &Settings, pepper_set: bool) -> Result<()> {
    let listen = settings.server.listen;
    anyhow::ensure!(
        !settings.auth.dev_login || listen.ip().is_loopback(),
        "Chế độ thử nghiệm (--demo, [auth] dev_login) chỉ chạy trên địa chỉ loopback \
         (127.0.0.1, ::1), không phải {listen}: ai cũng đăng nhập được không cần mật khẩu / \
         demo mode (--demo, [auth] dev_login) lets anyone log in without a password, so it \
         only listens on a loopback address (127.0.0.1, ::1), not {listen}"
    );
    anyhow::ensure!(
        pepper_set || !settings.server.public_url.starts_with("https://"),
        "Chưa đặt {var}: với public_url https (phục vụ thật), số định danh trong nhật ký \
         khai thác sẽ khôi phục được. Đặt {var} là một chuỗi bí mật ngẫu nhiên (ví dụ \
         `openssl rand -hex 32`), giữ ngoài cơ sở dữ liệu và không đổi / {var} is not set: \
         with an https public_url (real service) personal IDs in the audit log could be \
         recovered. Set {var} to a random secret (e.g. `openssl rand -hex 32`) kept outside \
         the database, and keep it unchanged",
        var = crate::commands::identity::PEPPER_VAR
    );
    Ok(())
}

/// Whether `MOTCUA_AUDIT_PEPPER` is set (and not empty).
pub fn pepper_set() -> bool {
    std::env::var(crate::commands::identity::PEPPER_VAR).is_ok_and(|p| !p.is_empty())
}

/// The exact command that creates the first administrator on this
/// database (the same `--config` / `--data-dir`; a database URL is not
/// repeated, it may hold a password).
pub fn admin_command(
    config: Option<&std::path::Path>,
    db: &crate::cli::DbArgs,
    settings: &Settings,
) -> String {
    let mut cmd = String::from("motcua");
    if let Some(c) = config {
        cmd.push_str(&format!(
            " --config {}",
            shell_word(&c.display().to_string())
        ));
    }
    cmd.push_str(" accounts create quan-tri --name \"Quản trị viên\"");
    let root = &settings.province.identifier_root;
    cmd.push_str(&format!(
        " --agency {root} --role province_admin --scope agency:{root} --password-stdin"
    ));
    if let Some(d) = &db.data_dir {
        cmd.push_str(&format!(
            " --data-dir {}",
            shell_word(&d.display().to_string())
        ));
    }
    if db.database_url.is_some() {
        cmd.push_str(" --database-url \"$MOTCUA_DATABASE_URL\"");
    }
    cmd
}

fn shell_word(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-:=@".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Opens and migrates the store, loads reference data, the seed catalog
/// (when the catalog is empty) and default agencies. Refuses unsafe
/// settings first ([`refuse_unsafe`]).
pub async fn prepare(settings: &Settings) -> Result<AppState> {
    prepare_with_clock(settings, Clock::system()).await
}

/// [`prepare`] with every service reading "now" from `clock` (ADR 0028).
pub async fn prepare_with_clock(settings: &Settings, clock: Clock) -> Result<AppState> {
    refuse_unsafe(settings, pepper_set())?;
    let public = &settings.server.public_url;
    anyhow::ensure!(
        public.starts_with("http://") || public.starts_with("https://"),
        "server.public_url {public:?}: expected an http:// or https:// URL"
    );
    let store = open_store(&settings.database_url(), &clock).await?;
    let oidc = match &settings.auth.oidc {
        Some(o) => Some(Arc::new(
            motcua_web::oidc::OidcClient::new(motcua_web::oidc::OidcConfig {
                issuer: o.issuer.clone(),
                client_id: o.client_id.clone(),
                client_secret: o.client_secret.clone(),
            })
            .map_err(|e| anyhow::anyhow!("[auth.oidc]: {e}"))?,
        )),
        None => None,
    };
    let mut state = app_state(
        store.clone(),
        clock.clone(),
        StateParts {
            public_url: settings.server.public_url.clone(),
            subjects: crate::commands::identity_subject_key(),
            webhooks: crate::exchange::webhook_settings(settings),
            dev_login: settings.auth.dev_login,
            oidc,
            // Files under the data directory, or the bucket of
            // `[storage.s3]` (docs/operations.md).
            attachments: crate::attachments::service(settings, store.clone(), clock.clone())?,
            // Procedures imported with `motcua catalog import` can be
            // filed; the seed catalog answers for codes the store lacks.
            procedures: Arc::new(CatalogProcedures::new(store)),
            dossiers: dossier_settings(settings)?,
            tracking_key: motcua_app::dossiers::TrackingKey::load_or_create(
                &settings.storage.data_dir,
            )?,
            trusted_proxies: motcua_web::rate_limit::TrustedProxies::parse(
                &settings.server.trusted_proxies,
            )
            .map_err(anyhow::Error::msg)?,
        },
    );
    if let Some((gateway, secret)) = crate::commands::payments::platform(settings)? {
        state.payments = state.payments.clone().with_platform(gateway, secret);
    }
    if state.dev_login {
        tracing::warn!(
            "DEMO MODE: the development login is on (--demo / [auth] dev_login): anyone \
             reaching this server acts as any officer; never serve citizens like this"
        );
    }
    if !pepper_set() {
        tracing::warn!(
            "{} is not set: personal IDs in the audit log can be recovered from a copy of \
             the database; set it before serving real data",
            crate::commands::identity::PEPPER_VAR
        );
    }
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
    // The address converter's index, built here rather than on the first
    // request, with the unit changes recorded in the store (issue 18).
    let took = state
        .addresses
        .refresh()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    tracing::info!(
        build_ms = took.as_millis() as u64,
        "address converter ready"
    );
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
    let limits = crate::listener::Limits::default();
    launch_limited(state, listener, limits, shutdown).await
}

/// [`launch`] with the listener's limits (header timeout, connection cap).
pub async fn launch_limited(
    state: AppState,
    listener: TcpListener,
    limits: crate::listener::Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    crate::listener::serve(listener, router(state), limits, shutdown)
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
    let hint = admin_command(None, &crate::cli::DbArgs::default(), &settings);
    run_with(settings, role, &hint).await
}

/// What the operator must know after the start (printed after the serving
/// line): demo mode, how to create the first administrator (`admin_hint`,
/// when no account has an administrator role) and a missing audit pepper.
async fn first_start_notes(state: &AppState, addr: SocketAddr, admin_hint: &str) -> String {
    let mut notes = String::new();
    if state.dev_login {
        notes.push_str(&format!(
            "\n!! CHẾ ĐỘ THỬ NGHIỆM / DEMO MODE: đăng nhập phát triển đang bật, ai cũng vào được \
             với tư cách bất kỳ cán bộ nào; không dùng cho người dân / the development login is \
             on: anyone acts as any officer; never for citizens.\n   Thử / try: \
             http://{addr}/dang-nhap/phat-trien\n"
        ));
    }
    match state.identity.has_administrator().await {
        Ok(false) => notes.push_str(&format!(
            "\nChưa có tài khoản quản trị. Tạo quản trị viên đầu tiên (nhập mật khẩu ≥ 10 ký tự \
             rồi Enter) / no administrator yet; create the first one (type a password of 10+ \
             characters, then Enter):\n  {admin_hint}\nRồi đăng nhập tại / then log in at \
             http://{addr}/dang-nhap\n"
        )),
        Ok(true) => {}
        Err(e) => tracing::warn!(error = %e, "could not check for an administrator"),
    }
    if !pepper_set() {
        notes.push_str(&format!(
            "\n!! {var} chưa đặt: số định danh trong nhật ký khai thác có thể bị khôi phục từ \
             bản sao cơ sở dữ liệu; đặt trước khi phục vụ thật (bắt buộc khi public_url là \
             https) / {var} is not set: personal IDs in the audit log can be recovered from a \
             copy of the database; set it before real use (required with an https public_url).\n",
            var = crate::commands::identity::PEPPER_VAR
        ));
    }
    notes
}

/// [`run_as`] with the first-administrator command to print on a fresh
/// install (`motcua serve` builds it from its own flags).
pub async fn run_with(settings: Settings, role: Role, admin_hint: &str) -> Result<()> {
    run_with_clock(settings, role, admin_hint, Clock::system()).await
}

/// [`run_with`], every service, the relay and the audit checkpoints
/// reading "now" from `clock` (ADR 0028).
pub async fn run_with_clock(
    settings: Settings,
    role: Role,
    admin_hint: &str,
    clock: Clock,
) -> Result<()> {
    let started = Instant::now();
    let mut state = prepare_with_clock(&settings, clock).await?;
    if role == Role::National {
        state.national = Some(crate::exchange::national(&settings, state.store.clone())?);
        tracing::info!(
            senders = settings.national.senders.len(),
            "serving as the national hub"
        );
    }
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let relay_task = if settings.exchange.enabled {
        let relay =
            crate::exchange::relay(&settings, state.store.clone(), state.clock.clone()).await?;
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
    // Not `print!`: a supervisor that stopped reading stdout after the
    // serving line must not make the server panic on a broken pipe.
    let notes = first_start_notes(&state, addr, admin_hint).await;
    let _ = std::io::Write::write_all(&mut std::io::stdout(), notes.as_bytes());
    let _sweeper = motcua_web::upload::spawn_sweeper(&state.attachments);
    let checkpoint_task = crate::commands::audit::spawn_checkpoints(
        &settings,
        state.store.clone(),
        state.clock.clone(),
    )?;
    let limits = crate::listener::Limits::of(&settings.server);
    launch_limited(state, listener, limits, shutdown_signal()).await?;
    checkpoint_task.abort();
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
