//! Reading `multipart/form-data` bodies with limits: each file is read
//! chunk by chunk and refused as soon as it passes the per-file limit,
//! text fields are capped, and the whole body is capped by the route's
//! `DefaultBodyLimit` ([`MAX_FORM_BYTES`]).

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use bytes::{Bytes, BytesMut};

/// The largest multipart body a route accepts (every file of an online
/// filing together, plus the text fields).
pub const MAX_FORM_BYTES: usize = 52 * 1024 * 1024;

/// The longest text field kept, in bytes.
const MAX_TEXT_BYTES: usize = 4 * 1024;

/// One file of a form.
#[derive(Debug, Clone)]
pub struct FilePart {
    /// The form field's name.
    pub field: String,
    /// The client's file name (display only).
    pub file_name: String,
    /// The declared media type.
    pub content_type: Option<String>,
    /// The bytes.
    pub bytes: Bytes,
}

/// A form's text fields and files.
#[derive(Debug, Clone, Default)]
pub struct FormParts {
    /// Text fields, in order.
    pub fields: Vec<(String, String)>,
    /// Files chosen (empty file inputs are dropped).
    pub files: Vec<FilePart>,
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
}

fn classify(e: MultipartError) -> ReadError {
    let text = e.body_text();
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE || text.contains("limit") {
        ReadError::TooLarge(String::new())
    } else {
        ReadError::Malformed(text)
    }
}

/// Reads every part; files over `max_file_bytes` stop the reading.
pub async fn read(mut multipart: Multipart, max_file_bytes: u64) -> Result<FormParts, ReadError> {
    let mut out = FormParts::default();
    while let Some(mut field) = multipart.next_field().await.map_err(classify)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let mut buf = BytesMut::new();
        let cap = match file_name {
            Some(_) => usize::try_from(max_file_bytes).unwrap_or(usize::MAX),
            None => MAX_TEXT_BYTES,
        };
        while let Some(chunk) = field.chunk().await.map_err(classify)? {
            if buf.len() + chunk.len() > cap {
                return Err(match &file_name {
                    Some(f) => ReadError::TooLarge(f.clone()),
                    None => ReadError::Malformed(format!("field {name} is too long")),
                });
            }
            buf.extend_from_slice(&chunk);
        }
        match file_name {
            Some(file_name) => {
                if !(file_name.is_empty() && buf.is_empty()) {
                    out.files.push(FilePart {
                        field: name,
                        file_name,
                        content_type,
                        bytes: buf.freeze(),
                    });
                }
            }
            None => out
                .fields
                .push((name, String::from_utf8_lossy(&buf).into_owned())),
        }
    }
    Ok(out)
}
