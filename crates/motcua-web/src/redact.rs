//! What the request log may show of a URI: never the value of a query
//! parameter that carries a secret (the tracking `verifier` — QR secret or
//! phone digits — a `secret`, a `token`...), at any log level (security
//! review F30).

use axum::http::{Request, Uri};
use motcua_domain::redact::redact_query;
use tracing::Span;

/// Query parameters whose values are never logged.
const SECRET_PARAMS: [&str; 7] = [
    "verifier",
    "secret",
    "token",
    "sig",
    "code_verifier",
    "password",
    "key",
];

/// The path and query of `uri` with secret values replaced by `***`
/// (the one rule: [`motcua_domain::redact::redact_query`]).
pub fn redacted(uri: &Uri) -> String {
    match uri.query() {
        Some(query) => redact_query(&format!("{}?{query}", uri.path()), &SECRET_PARAMS),
        None => uri.path().to_owned(),
    }
}

/// The span of one request (the default `TraceLayer` span, with the URI
/// redacted).
pub fn request_span<B>(req: &Request<B>) -> Span {
    tracing::debug_span!(
        "request",
        method = %req.method(),
        uri = %redacted(req.uri()),
        version = ?req.version(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_queries_are_never_shown() {
        let uri: Uri = "/api/v1/tracking/H55-1?verifier=SECRET-IN-URL-123&lang=vi"
            .parse()
            .unwrap();
        let shown = redacted(&uri);
        assert_eq!(shown, "/api/v1/tracking/H55-1?verifier=***&lang=vi");
        assert!(!shown.contains("SECRET"));
        let uri: Uri = "/du-lieu?Secret=abc&VERIFIER&x=1&token=t".parse().unwrap();
        assert_eq!(
            redacted(&uri),
            "/du-lieu?Secret=***&VERIFIER=***&x=1&token=***"
        );
        let uri: Uri = "/tra-cuu/A?verifier%5Fx=1&ma=A".parse().unwrap();
        assert_eq!(redacted(&uri), "/tra-cuu/A?verifier%5Fx=1&ma=A");
        assert_eq!(redacted(&"/healthz".parse().unwrap()), "/healthz");
    }
}
