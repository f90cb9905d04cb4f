//! Reading `multipart/form-data` bodies without holding them in memory
//! (security review F7): each file part is streamed chunk by chunk to a
//! staging file on disk (the attachments' staging area) while its SHA-256
//! is computed, and refused as soon as it passes the per-file limit; text
//! fields are capped, the number of parts is capped, and the whole body is
//! capped by the route's `DefaultBodyLimit` ([`MAX_FORM_BYTES`]) as it
//! streams. At most [`MAX_CONCURRENT_UPLOADS`] bodies are read at once
//! (a semaphore held until the handler is done with the form).
//!
//! A staging file is deleted when its [`FilePart`] is dropped, unless the
//! handler moved it away (see [`FilePart::take_path`]); what a crash leaves
//! behind is removed by the staging sweeper
//! ([`motcua_app::attachments::AttachmentService::sweep`]).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use bytes::{Bytes, BytesMut};
use motcua_app::attachments::AttachmentService;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use tokio::sync::{Semaphore, SemaphorePermit};

/// The largest multipart body a route accepts (every file of an online
/// filing together, plus the text fields).
pub const MAX_FORM_BYTES: usize = 52 * 1024 * 1024;

/// Multipart bodies read at once, process-wide.
pub const MAX_CONCURRENT_UPLOADS: usize = 8;

/// How long a body waits for its turn before a 503.
const WAIT_FOR_TURN: Duration = Duration::from_secs(10);

/// The longest text field kept, in bytes.
const MAX_TEXT_BYTES: usize = 4 * 1024;

/// Most parts (fields and files) of one body.
const MAX_PARTS: usize = 64;

/// Most files of one body.
const MAX_FILES: usize = 16;

static UPLOADS: Semaphore = Semaphore::const_new(MAX_CONCURRENT_UPLOADS);

/// A staging file, deleted on drop unless taken.
#[derive(Debug)]
struct StagingFile(Mutex<Option<PathBuf>>);

impl Drop for StagingFile {
    fn drop(&mut self) {
        let path = self.0.get_mut().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(path) = path {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// One file of a form, on disk in the staging area.
#[derive(Debug)]
pub struct FilePart {
    /// The form field's name.
    pub field: String,
    /// The client's file name (display only).
    pub file_name: String,
    /// The declared media type.
    pub content_type: Option<String>,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    file: StagingFile,
}

impl FilePart {
    /// The staging file (while it is still there).
    pub fn path(&self) -> Option<PathBuf> {
        self.file
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Takes the staging file away: it is no longer deleted on drop (the
    /// caller moved or keeps it).
    pub fn take_path(&self) -> Option<PathBuf> {
        self.file.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// The bytes, read back from disk (after the caller was authorized;
    /// at most the per-file limit).
    pub async fn bytes(&self) -> Result<Bytes, ReadError> {
        let path = self
            .path()
            .ok_or_else(|| ReadError::Malformed("the file was moved".into()))?;
        tokio::fs::read(&path)
            .await
            .map(Bytes::from)
            .map_err(|e| ReadError::Malformed(format!("reading a staged file: {e}")))
    }
}

/// A form's text fields and files.
#[derive(Debug, Default)]
pub struct FormParts {
    /// Text fields, in order.
    pub fields: Vec<(String, String)>,
    /// Files chosen (empty file inputs are dropped).
    pub files: Vec<FilePart>,
    /// This body's turn among the concurrent uploads.
    _turn: Option<SemaphorePermit<'static>>,
}

impl FormParts {
    /// The last value of a text field, trimmed; empty when absent.
    pub fn text(&self, name: &str) -> String {
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    }
}

/// Why a body could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// A file (named) passed the per-file limit, or the body the route's.
    TooLarge(String),
    /// Not a readable multipart body.
    Malformed(String),
    /// Too many uploads at once, or the staging area is not writable: retry
    /// later (503).
    Busy,
}

fn classify(e: MultipartError) -> ReadError {
    let text = e.body_text();
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE || text.contains("limit") {
        ReadError::TooLarge(String::new())
    } else {
        ReadError::Malformed(text)
    }
}

/// Reads every part of a form for the attachments service: files go to
/// its staging area, each at most its per-file limit.
pub async fn read(
    multipart: Multipart,
    attachments: &AttachmentService,
) -> Result<FormParts, ReadError> {
    read_into(
        multipart,
        attachments.staging_dir(),
        attachments.limits().max_file_bytes,
    )
    .await
}

/// A turn among the [`MAX_CONCURRENT_UPLOADS`] bodies read at once;
/// [`ReadError::Busy`] after waiting too long. Hold it while reading.
pub async fn turn() -> Result<SemaphorePermit<'static>, ReadError> {
    tokio::time::timeout(WAIT_FOR_TURN, UPLOADS.acquire())
        .await
        .map_err(|_| ReadError::Busy)?
        .map_err(|_| ReadError::Busy)
}

/// Reads every part; files are streamed to `staging`, and one over
/// `max_file_bytes` stops the reading.
pub async fn read_into(
    mut multipart: Multipart,
    staging: &Path,
    max_file_bytes: u64,
) -> Result<FormParts, ReadError> {
    let turn = turn().await?;
    let mut out = FormParts {
        _turn: Some(turn),
        ..FormParts::default()
    };
    tokio::fs::create_dir_all(staging).await.map_err(|e| {
        tracing::error!(error = %e, dir = %staging.display(), "staging area not writable");
        ReadError::Busy
    })?;
    let mut parts = 0usize;
    while let Some(mut field) = multipart.next_field().await.map_err(classify)? {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(ReadError::Malformed("too many parts".into()));
        }
        let name: String = field.name().unwrap_or_default().chars().take(100).collect();
        let Some(file_name) = field.file_name().map(str::to_owned) else {
            let mut buf = BytesMut::new();
            while let Some(chunk) = field.chunk().await.map_err(classify)? {
                if buf.len() + chunk.len() > MAX_TEXT_BYTES {
                    return Err(ReadError::Malformed(format!("field {name} is too long")));
                }
                buf.extend_from_slice(&chunk);
            }
            out.fields
                .push((name, String::from_utf8_lossy(&buf).into_owned()));
            continue;
        };
        let content_type = field.content_type().map(str::to_owned);
        if out.files.len() >= MAX_FILES {
            return Err(ReadError::Malformed("too many files".into()));
        }
        let path = staging.join(format!("{}.part", uuid::Uuid::new_v4().simple()));
        let guard = StagingFile(Mutex::new(Some(path.clone())));
        let mut file = tokio::fs::File::create(&path).await.map_err(|e| {
            tracing::error!(error = %e, "cannot create a staging file");
            ReadError::Busy
        })?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        while let Some(chunk) = field.chunk().await.map_err(classify)? {
            size += chunk.len() as u64;
            if size > max_file_bytes {
                return Err(ReadError::TooLarge(file_name));
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await.map_err(|e| {
                tracing::error!(error = %e, "cannot write a staging file");
                ReadError::Busy
            })?;
        }
        file.flush().await.map_err(|_| ReadError::Busy)?;
        drop(file);
        if file_name.is_empty() && size == 0 {
            // An empty file input; the guard deletes the file.
            continue;
        }
        out.files.push(FilePart {
            field: name,
            file_name,
            content_type,
            size,
            sha256: hasher
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
            file: guard,
        });
    }
    Ok(out)
}

/// Sweeps the attachments' staging area and unused stored files now and
/// then every hour (see [`AttachmentService::sweep`]); `motcua serve` starts
/// it.
pub fn spawn_sweeper(attachments: &AttachmentService) -> tokio::task::JoinHandle<()> {
    let service = attachments.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            // The sweep compares files' modification times, which the file
            // system writes from the OS clock, so it reads that clock rather
            // than the app's (a test clock would age files that are not old;
            // clippy.toml, ADR 0028).
            #[allow(clippy::disallowed_methods)]
            let now = std::time::SystemTime::now();
            match service.sweep(now).await {
                Ok(r) if r.staged_removed + r.blobs_removed > 0 => tracing::info!(
                    staged = r.staged_removed,
                    unused = r.blobs_removed,
                    "attachments swept"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "attachment sweep failed"),
            }
        }
    })
}
