//! What a log line, an error or a `Debug` may show of a URL: never a
//! password, whether it sits in the user information
//! (`postgres://app:secret@host/db`) or in a query parameter
//! (`?password=secret`, `?verifier=…`).
//!
//! One implementation for every caller: the binary's configuration and
//! store wiring, the PostgreSQL store, and the web layer's request spans.

/// `url` with its password, if any, replaced by `***`: the one of the user
/// information and the value of a `password` query parameter (any case).
///
/// A URL with a scheme but no `//` authority (`sqlite:motcua.db?mode=rwc`)
/// has its query redacted only; text that is not a URL at all is shown as
/// `<unparsed URL>`, since there is no telling where a secret would be.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return match url.split_once(':') {
            Some((scheme, _)) if is_scheme(scheme) => redact_query(url, &["password"]),
            _ => "<unparsed URL>".to_owned(),
        };
    };
    if !is_scheme(scheme) {
        return "<unparsed URL>".to_owned();
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let shown = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    };
    redact_query(&shown, &["password"])
}

/// `target` (a path or a URL, with or without a query) with the value of
/// every query parameter named in `secret` replaced by `***`.
///
/// Names are compared without regard to case and with `%5F` read as `_`;
/// a parameter given without a value (`?token`) is shown as `token=***`.
/// Anything after `#` is kept as it is.
pub fn redact_query(target: &str, secret: &[&str]) -> String {
    let Some((base, query)) = target.split_once('?') else {
        return target.to_owned();
    };
    let (query, fragment) = match query.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (query, None),
    };
    let params: Vec<String> = query
        .split('&')
        .map(|pair| {
            let name = pair.split_once('=').map_or(pair, |(n, _)| n);
            let plain = name.to_ascii_lowercase().replace("%5f", "_");
            if secret.iter().any(|s| s.eq_ignore_ascii_case(&plain)) {
                format!("{name}=***")
            } else {
                pair.to_owned()
            }
        })
        .collect();
    let mut out = format!("{base}?{}", params.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// RFC 3986: a letter, then letters, digits, `+`, `-` or `.`.
fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cases of the binary's old `config::redact_url`.
    #[test]
    fn the_password_of_the_user_information_never_shows() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(
            redact_url("sqlite://./data/motcua.db"),
            "sqlite://./data/motcua.db"
        );
        assert_eq!(
            redact_url("sqlite:///var/lib/motcua/motcua.db?mode=rwc"),
            "sqlite:///var/lib/motcua/motcua.db?mode=rwc"
        );
    }

    /// The cases of the PostgreSQL store's old `redact_url`.
    #[test]
    fn redaction_hides_passwords_only() {
        assert_eq!(
            redact_url("postgres://app:s3cr%40t@db.example:5432/motcua"),
            "postgres://app:***@db.example:5432/motcua"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1:5432/postgres"),
            "postgres://postgres@127.0.0.1:5432/postgres"
        );
        assert_eq!(redact_url("not a url"), "<unparsed URL>");
        assert_eq!(redact_url("1http://u:p@h/"), "<unparsed URL>");
    }

    /// The binary's old version missed this one (issue 20, item 4).
    #[test]
    fn a_password_query_parameter_is_redacted() {
        assert_eq!(
            redact_url("postgres://localhost/motcua?user=app&password=hunter2&sslmode=disable"),
            "postgres://localhost/motcua?user=app&password=***&sslmode=disable"
        );
        assert_eq!(
            redact_url("postgresql://u:one@h/db?PASSWORD=two"),
            "postgresql://u:***@h/db?PASSWORD=***"
        );
        assert_eq!(
            redact_url("sqlite:motcua.db?password=x"),
            "sqlite:motcua.db?password=***"
        );
        for url in [
            "postgres://localhost/motcua?password=hunter2",
            "postgres://a:hunter2@h/db?password=hunter2#x",
        ] {
            assert!(!redact_url(url).contains("hunter2"), "{url}");
        }
    }

    /// The cases of the web layer's request spans (security review F30).
    #[test]
    fn secret_query_parameters_are_redacted_by_name() {
        let names = ["verifier", "token", "secret"];
        assert_eq!(
            redact_query("/api/v1/tracking/H55-1?verifier=SECRET&lang=vi", &names),
            "/api/v1/tracking/H55-1?verifier=***&lang=vi"
        );
        assert_eq!(
            redact_query("/du-lieu?Secret=abc&VERIFIER&x=1&token=t", &names),
            "/du-lieu?Secret=***&VERIFIER=***&x=1&token=***"
        );
        assert_eq!(
            redact_query("/a?code%5Fverifier=1", &["code_verifier"]),
            "/a?code%5Fverifier=***"
        );
        assert_eq!(
            redact_query("/tra-cuu/A?verifier%5Fx=1&ma=A", &names),
            "/tra-cuu/A?verifier%5Fx=1&ma=A"
        );
        assert_eq!(redact_query("/healthz", &names), "/healthz");
    }
}
