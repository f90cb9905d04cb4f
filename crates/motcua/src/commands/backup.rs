//! `motcua backup --to DIR` and `motcua restore --from DIR` (issue 19
//! item 6, `docs/operations.md`).
//!
//! SQLite: an online, consistent copy with `VACUUM INTO` (readers and the
//! running server carry on; the copy is one transaction's snapshot), then
//! the data directory's other files (the tracking-secret and audit-checkpoint
//! keys, attachments). PostgreSQL: `pg_dump --format=custom` of the database
//! (restored with `pg_restore --clean --if-exists`); attachments and keys in
//! the data directory are copied the same way. A `manifest.json` says what
//! the backup holds; `restore` reads it and refuses to write over an existing
//! database unless `--force`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};
use motcua_domain::redact::redact_url;
use serde::{Deserialize, Serialize};

use crate::config::Settings;

/// The database file's name inside a SQLite backup.
const SQLITE_FILE: &str = "motcua.db";
/// The dump's name inside a PostgreSQL backup.
const PG_FILE: &str = "motcua.pgdump";
/// The data directory's copy inside a backup.
const FILES_DIR: &str = "files";

/// What a backup folder holds.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    /// `sqlite` or `postgres`.
    engine: String,
    /// The motcua version that wrote it.
    version: String,
    /// When it was taken (UTC, RFC 3339).
    taken_at: String,
    /// Bytes of the database copy.
    database_bytes: u64,
    /// Files copied from the data directory besides the database.
    files: Vec<String>,
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The data directory's files a backup keeps (every file and folder but the
/// SQLite database and its journal files).
fn data_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("motcua.db") {
            continue;
        }
        out.push(entry.path());
    }
    out.sort();
    Ok(out)
}

/// Copies `from` (a file or a folder) to `to`.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    if from.is_dir() {
        std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else {
        std::fs::copy(from, to)
            .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    }
    Ok(())
}

/// Runs an external tool (`pg_dump`, `pg_restore`), failing with its output.
fn tool(program: &str, args: &[&str]) -> Result<()> {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .with_context(|| format!("running {program} (install the postgresql-client package)"))?;
    ensure!(
        out.status.success(),
        "{program} failed: {}",
        String::from_utf8_lossy(&out.stderr).trim()
    );
    Ok(())
}

/// `motcua backup --to DIR`.
pub async fn backup(
    settings: &Settings,
    to: &Path,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ExitCode> {
    let started = Instant::now();
    if to.exists() && std::fs::read_dir(to)?.next().is_some() {
        bail!(
            "{} không trống / is not empty: choose a new folder",
            to.display()
        );
    }
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    let url = settings.database_url();
    let (engine, database_bytes) = if is_postgres(&url) {
        let file = to.join(PG_FILE);
        let file_s = file.to_string_lossy().into_owned();
        tool(
            "pg_dump",
            &["--format=custom", "--no-owner", "--file", &file_s, &url],
        )
        .with_context(|| format!("dumping {}", redact_url(&url)))?;
        ("postgres", std::fs::metadata(&file)?.len())
    } else {
        let path = settings.storage.data_dir.join("motcua.db");
        ensure!(path.exists(), "no database at {}", path.display());
        let file = to.join(SQLITE_FILE);
        // Opened through the store so that the schema is current and the
        // busy wait applies (a running server keeps writing meanwhile).
        let store = motcua_store_sqlite::SqliteStore::connect(&url).await?;
        store.vacuum_into(&file).await.context("the online copy")?;
        store.pool().close().await;
        ("sqlite", std::fs::metadata(&file)?.len())
    };
    let mut files = Vec::new();
    let files_dir = to.join(FILES_DIR);
    for path in data_files(&settings.storage.data_dir)? {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        std::fs::create_dir_all(&files_dir)?;
        copy_tree(&path, &files_dir.join(&name))?;
        files.push(name);
    }
    let manifest = Manifest {
        engine: engine.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        taken_at: now.to_rfc3339(),
        database_bytes,
        files,
    };
    std::fs::write(
        to.join("manifest.json"),
        serde_json::to_vec_pretty(&manifest)?,
    )?;
    println!(
        "đã sao lưu / backed up: {} ({engine}, {} MB) in {:.1} s",
        to.display(),
        database_bytes / 1_000_000,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// `motcua restore --from DIR [--force]`.
pub async fn restore(settings: &Settings, from: &Path, force: bool) -> Result<ExitCode> {
    let started = Instant::now();
    let manifest: Manifest = serde_json::from_slice(
        &std::fs::read(from.join("manifest.json"))
            .with_context(|| format!("{} is not a motcua backup", from.display()))?,
    )
    .context("manifest.json unreadable")?;
    let url = settings.database_url();
    let dir = &settings.storage.data_dir;
    match (manifest.engine.as_str(), is_postgres(&url)) {
        ("postgres", true) => {
            let file = from.join(PG_FILE).to_string_lossy().into_owned();
            let mut args = vec!["--no-owner", "--dbname", url.as_str()];
            if force {
                args.extend(["--clean", "--if-exists"]);
            }
            args.push(&file);
            tool("pg_restore", &args)
                .with_context(|| format!("restoring into {}", redact_url(&url)))?;
        }
        ("sqlite", false) => {
            let target = dir.join("motcua.db");
            if target.exists() && !force {
                bail!(
                    "{} đã có / already exists: restore into a new --data-dir, or add --force \
                     (with the server stopped)",
                    target.display()
                );
            }
            std::fs::create_dir_all(dir)?;
            for suffix in ["-wal", "-shm"] {
                let journal = dir.join(format!("motcua.db{suffix}"));
                if journal.exists() {
                    std::fs::remove_file(&journal)?;
                }
            }
            std::fs::copy(from.join(SQLITE_FILE), &target)
                .with_context(|| format!("copying the database to {}", target.display()))?;
        }
        (engine, _) => bail!(
            "the backup is of {engine} but the target database is {}",
            redact_url(&url)
        ),
    }
    for name in &manifest.files {
        copy_tree(&from.join(FILES_DIR).join(name), &dir.join(name))?;
    }
    println!(
        "đã khôi phục / restored {} ({}, taken {}) in {:.1} s; next: motcua audit verify",
        from.display(),
        manifest.engine,
        manifest.taken_at,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
