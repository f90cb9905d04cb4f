//! Static assets, embedded in the binary.

use axum::http::header;
use axum::response::IntoResponse;

const STYLE: &str = include_str!("../../static/style.css");
const HTMX: &str = include_str!("../../static/htmx.min.js");
const CACHE: &str = "public, max-age=86400";

/// `GET /static/style.css`.
pub async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        STYLE,
    )
}

/// `GET /static/htmx.min.js`.
pub async fn htmx() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        HTMX,
    )
}

#[cfg(test)]
mod tests {
    use super::STYLE;

    /// Every block of the stylesheet is closed where it should be: a lost
    /// `}` once turned everything after a `@media print` block into
    /// print-only rules (the identity, exchange and receipt pages lost their
    /// screen styles).
    #[test]
    fn the_stylesheet_has_balanced_blocks_and_print_rules_stay_in_print() {
        let mut depth = 0i32;
        let mut in_comment = false;
        let bytes = STYLE.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if in_comment {
                if bytes[i..].starts_with(b"*/") {
                    in_comment = false;
                    i += 1;
                }
            } else if bytes[i..].starts_with(b"/*") {
                // A comment at depth 2 or more sits inside an at-rule's
                // block: the section comments must all be at the top level.
                assert!(
                    depth == 0 || !STYLE[i..].starts_with("/* ---"),
                    "a section comment inside a block at byte {i}"
                );
                in_comment = true;
                i += 1;
            } else if bytes[i] == b'{' {
                depth += 1;
            } else if bytes[i] == b'}' {
                depth -= 1;
                assert!(depth >= 0, "an extra '}}' at byte {i}");
            }
            i += 1;
        }
        assert_eq!(depth, 0, "unclosed blocks in style.css");
    }
}
