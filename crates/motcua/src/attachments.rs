//! Where the attachments' bytes are kept: files under the data directory
//! (`<data_dir>/attachments/`, the default) or an S3-compatible bucket
//! (`[storage.s3]`, `docs/operations.md`) through `object_store`'s S3
//! client. The S3 client speaks HTTP through the workspace's reqwest
//! (rustls with ring), so no second TLS stack is built in. The staging
//! area of uploads (`<data_dir>/attachments/staging/`) stays on local disk
//! either way.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use async_trait::async_trait;
use http_body_util::BodyExt;
use motcua_app::attachments::{AttachmentLimits, AttachmentService};
use motcua_app::ports::{AttachmentStore, Clock};
use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use object_store::client::{
    ClientOptions, HttpClient, HttpConnector, HttpError, HttpErrorKind, HttpRequest, HttpResponse,
    HttpResponseBody, HttpService,
};

use crate::config::{S3Settings, Settings};

/// The attachment service the settings ask for: the S3 bucket of
/// `[storage.s3]` when set, else files under `<data_dir>/attachments/`.
pub fn service(
    settings: &Settings,
    store: Arc<dyn AttachmentStore>,
    clock: Clock,
) -> Result<AttachmentService> {
    let dir = settings.storage.data_dir.join("attachments");
    let limits = AttachmentLimits::default();
    let Some(s3) = &settings.storage.s3 else {
        return AttachmentService::local(store, &dir, limits, clock);
    };
    let blobs = s3_store(s3)?;
    let endpoint = if s3.endpoint.is_empty() {
        "AWS".to_owned()
    } else {
        motcua_domain::redact::redact_url(&s3.endpoint)
    };
    tracing::info!(
        bucket = %s3.bucket,
        %endpoint,
        "attachments on S3-compatible storage"
    );
    Ok(AttachmentService::with_staging(
        store,
        blobs,
        limits,
        dir.join("staging"),
        clock,
    ))
}

/// The object store of `[storage.s3]`. Settings left empty come from the
/// standard `AWS_*` environment variables (and, on AWS, the instance's
/// credentials).
pub fn s3_store(s3: &S3Settings) -> Result<Arc<dyn ObjectStore>> {
    anyhow::ensure!(!s3.bucket.trim().is_empty(), "[storage.s3] bucket is empty");
    let mut builder = AmazonS3Builder::from_env()
        .with_bucket_name(s3.bucket.trim())
        .with_http_connector(ReqwestConnector);
    builder = builder.with_region(if s3.region.is_empty() {
        "us-east-1"
    } else {
        s3.region.as_str()
    });
    if !s3.endpoint.is_empty() {
        builder = builder
            .with_endpoint(s3.endpoint.trim_end_matches('/'))
            .with_allow_http(s3.endpoint.starts_with("http://"));
    }
    let secret = secret_access_key(s3)?;
    match (s3.access_key_id.is_empty(), secret) {
        (true, None) => {}
        (false, Some(secret)) => {
            builder = builder
                .with_access_key_id(&s3.access_key_id)
                .with_secret_access_key(secret);
        }
        (false, None) => anyhow::bail!(
            "[storage.s3] access_key_id is set but no secret_access_key or secret_access_key_file"
        ),
        (true, Some(_)) => {
            anyhow::bail!("[storage.s3] a secret access key is set but no access_key_id")
        }
    }
    let store = builder
        .build()
        .map_err(|e| anyhow::anyhow!("[storage.s3]: {e}"))?;
    Ok(Arc::new(store))
}

/// The secret access key: `secret_access_key`, else the content of
/// `secret_access_key_file` (trimmed), else none.
fn secret_access_key(s3: &S3Settings) -> Result<Option<String>> {
    if !s3.secret_access_key.is_empty() {
        return Ok(Some(s3.secret_access_key.clone()));
    }
    let Some(path) = &s3.secret_access_key_file else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "[storage.s3] secret_access_key_file {}: cannot read it",
            path.display()
        )
    })?;
    let secret = text.trim();
    anyhow::ensure!(
        !secret.is_empty(),
        "[storage.s3] secret_access_key_file {} is empty",
        path.display()
    );
    Ok(Some(secret.to_owned()))
}

/// `object_store`'s HTTP client over the workspace's reqwest.
#[derive(Debug)]
struct ReqwestConnector;

impl HttpConnector for ReqwestConnector {
    fn connect(&self, _options: &ClientOptions) -> object_store::Result<HttpClient> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| object_store::Error::Generic {
                store: "S3",
                source: Box::new(e),
            })?;
        Ok(HttpClient::new(ReqwestService(client)))
    }
}

#[derive(Debug)]
struct ReqwestService(reqwest::Client);

#[async_trait]
impl HttpService for ReqwestService {
    async fn call(&self, req: HttpRequest) -> Result<HttpResponse, HttpError> {
        let (parts, body) = req.into_parts();
        let body = body.collect().await?.to_bytes();
        let url = reqwest::Url::parse(&parts.uri.to_string())
            .map_err(|e| HttpError::new(HttpErrorKind::Request, e))?;
        let mut request = reqwest::Request::new(parts.method, url);
        *request.headers_mut() = parts.headers;
        *request.body_mut() = Some(reqwest::Body::from(body));
        let response = self.0.execute(request).await.map_err(http_error)?;
        let response: http::Response<reqwest::Body> = response.into();
        let (parts, body) = response.into_parts();
        Ok(HttpResponse::from_parts(
            parts,
            HttpResponseBody::new(body.map_err(http_error)),
        ))
    }
}

/// A reqwest error as `object_store` classifies them (connect and timeout
/// errors are retried), without the URL.
fn http_error(e: reqwest::Error) -> HttpError {
    let kind = if e.is_timeout() {
        HttpErrorKind::Timeout
    } else if e.is_connect() {
        HttpErrorKind::Connect
    } else if e.is_decode() {
        HttpErrorKind::Decode
    } else if e.is_body() || e.is_request() {
        HttpErrorKind::Request
    } else {
        HttpErrorKind::Unknown
    };
    HttpError::new(kind, e.without_url())
}
