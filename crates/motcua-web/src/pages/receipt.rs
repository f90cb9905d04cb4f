//! Form 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả: the printable page
//! `GET /ho-so/{code}/bien-nhan` and its PDF `GET /ho-so/{code}/bien-nhan.pdf`.
//!
//! Both are open to an officer whose agency covers the dossier (development
//! cookie or bearer) and to anyone giving `?verifier=` (the QR secret or the
//! last four digits of the applicant's phone), checked like public
//! tracking: the same 404 for an unknown code and a wrong verifier, and the
//! same per-client rate limit.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{Extensions, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use motcua_app::dossiers::receipt::{
    ReceiptComponent, ReceiptComponentState, ReceiptSource, ReceiptView,
};
use motcua_app::dossiers::{DossierError, ReceiptAccess};
use serde::Deserialize;

use crate::AppState;
use crate::auth::MaybeOfficer;
use crate::extract::ApiPath;
use crate::i18n::{Locale, Messages};
use crate::problem::Problem;

/// Query of the receipt routes; other parameters (`lang`) are ignored here.
#[derive(Debug, Default, Deserialize)]
pub struct ReceiptQuery {
    /// The QR secret or the phone's last four digits.
    pub verifier: Option<String>,
}

/// A label and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The label.
    pub label: String,
    /// The value.
    pub value: String,
}

fn field(label: String, value: String) -> Field {
    Field { label, value }
}

/// One row of the components table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentRow {
    /// Its name.
    pub name: String,
    /// How it was handled, with the data source when waived.
    pub how: String,
}

/// The receipt in words of one locale: what both the page and the PDF show.
#[derive(Debug, Clone)]
pub struct ReceiptDocument {
    /// "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".
    pub nation: String,
    /// "Độc lập - Tự do - Hạnh phúc".
    pub motto: String,
    /// The receiving unit's name (top left).
    pub agency: String,
    /// "Mẫu số 01".
    pub form: String,
    /// The title.
    pub title: String,
    /// "Mã hồ sơ: ...".
    pub code_line: String,
    /// Mã hồ sơ.
    pub code: String,
    /// Applicant, procedure, agencies, channel.
    pub fields: Vec<Field>,
    /// "Thành phần hồ sơ".
    pub components_title: String,
    /// Column headers: number, name, how.
    pub columns: [String; 3],
    /// The components.
    pub components: Vec<ComponentRow>,
    /// "Phí, lệ phí".
    pub fees_title: String,
    /// Fee lines, then the total (or one "no fees" line).
    pub fees: Vec<Field>,
    /// Received at, due at, where to collect.
    pub times: Vec<Field>,
    /// The tracking sentence.
    pub tracking_line: String,
    /// The URL the QR opens.
    pub tracking_url: String,
    /// The QR's accessible name.
    pub qr_label: String,
    /// "Người nộp hồ sơ", "Người tiếp nhận hồ sơ".
    pub signers: [String; 2],
    /// "(Ký và ghi rõ họ tên)".
    pub sign_note: String,
    /// The receiving officer's account, under their signature.
    pub officer: String,
    /// Title of the page and of the PDF.
    pub page_title: String,
    /// The language tag.
    pub lang: &'static str,
}

/// `1234567` as `1.234.567` (vi) or `1,234,567` (en).
pub fn group_thousands(n: u64, locale: Locale) -> String {
    let sep = if locale == Locale::Vi { '.' } else { ',' };
    motcua_domain::format::thousands(n, sep)
}

/// An instant in Vietnam time, e.g. `09:15 ngày 15/07/2025`.
pub fn local_datetime(t: &Messages, at: DateTime<Utc>) -> String {
    use motcua_domain::format::{local_date, local_time_of_day};
    t.with_args(
        "receipt-datetime",
        &[("time", &local_time_of_day(at)), ("date", &local_date(at))],
    )
}

fn source_text(t: &Messages, s: &ReceiptSource) -> String {
    match s {
        ReceiptSource::PopulationDatabase => t.get("receipt-source-population"),
        ReceiptSource::CivilStatusDatabase => t.get("receipt-source-civil-status"),
        ReceiptSource::CitizenDataStore => t.get("receipt-source-citizen-store"),
        ReceiptSource::EarlierResult(code) => {
            t.with_args("receipt-source-earlier", &[("code", code)])
        }
        ReceiptSource::Other(name) => name.clone(),
    }
}

fn component_row(t: &Messages, c: &ReceiptComponent) -> ComponentRow {
    let how = match c.state {
        ReceiptComponentState::Submitted if c.digitised => t.get("receipt-state-digitised"),
        ReceiptComponentState::Submitted => t.get("receipt-state-submitted"),
        ReceiptComponentState::Presented => t.get("receipt-state-presented"),
        ReceiptComponentState::Waived => {
            let source = c
                .source
                .as_ref()
                .map(|s| source_text(t, s))
                .unwrap_or_default();
            t.with_args("receipt-state-waived", &[("source", &source)])
        }
        ReceiptComponentState::Missing => t.get("receipt-state-missing"),
    };
    ComponentRow {
        name: c.name.clone(),
        how,
    }
}

/// The public tracking URL the receipt's QR opens.
pub fn tracking_url(public_url: &str, code: &str, secret: Option<&str>) -> String {
    let base = public_url.trim_end_matches('/');
    match secret {
        Some(s) => format!("{base}/tra-cuu/{code}?verifier={s}"),
        None => format!("{base}/tra-cuu/{code}"),
    }
}

impl ReceiptDocument {
    /// Puts a receipt into the words of `t`.
    pub fn new(t: &Messages, v: &ReceiptView, public_url: &str) -> Self {
        let money = |n: u64| {
            t.with_args(
                "receipt-money",
                &[("amount", &group_thousands(n, t.locale))],
            )
        };
        let channel = t.get(&format!("receipt-channel-{}", v.channel.clamp(1, 3)));
        let mut fields = vec![
            field(t.get("receipt-received-from"), v.applicant_name.clone()),
            field(t.get("receipt-applicant-id"), v.applicant_id_masked.clone()),
            field(
                t.get("receipt-procedure"),
                format!("{} ({})", v.procedure_name, v.procedure_code),
            ),
            field(t.get("receipt-deciding"), v.deciding_agency_name.clone()),
            field(t.get("receipt-channel"), channel),
        ];
        fields.insert(
            0,
            field(t.get("receipt-desk"), v.receiving_unit_name.clone()),
        );
        // Mẫu 01's contact lines as recorded at intake (the phone masked);
        // a line the applicant left empty is left to fill in by hand.
        let blank = || t.get("receipt-not-recorded");
        fields.insert(
            3,
            field(
                t.get("receipt-address"),
                v.applicant_address.clone().unwrap_or_else(blank),
            ),
        );
        // Phone and e-mail share a line, as on the printed form.
        fields.insert(
            4,
            field(
                t.get("receipt-phone"),
                format!(
                    "{}; {}: {}",
                    v.applicant_phone_masked.clone().unwrap_or_else(blank),
                    t.get("receipt-email"),
                    v.applicant_email.clone().unwrap_or_else(blank)
                ),
            ),
        );
        fields.push(field(
            t.get("receipt-sets"),
            t.with_args("receipt-sets-value", &[("n", &v.sets.to_string())]),
        ));
        fields.push(field(
            t.get("receipt-limit"),
            super::desk::reception_view::limit_text(t, v.time_limit),
        ));
        fields.push(field(
            t.get("receipt-register"),
            t.with_args(
                "receipt-register-value",
                &[("book", &v.register.book), ("number", &v.register.number)],
            ),
        ));
        let mut fees: Vec<Field> = v
            .fees
            .iter()
            .filter(|f| f.amount_vnd > 0)
            .map(|f| field(f.name.clone(), money(f.amount_vnd)))
            .collect();
        // No fee recorded yet (they are requested later): never "no fees"
        // when the catalog lists one; print the catalog's lines instead.
        let catalog: Vec<Field> = v
            .catalog_fees
            .iter()
            .filter(|f| f.amount_vnd > 0)
            .map(|f| {
                field(
                    f.name.clone(),
                    format!("{} {}", money(f.amount_vnd), t.get("receipt-fees-catalog")),
                )
            })
            .collect();
        if !fees.is_empty() {
            fees.push(field(t.get("receipt-fees-total"), money(v.fees_total_vnd)));
        } else if !catalog.is_empty() {
            fees = catalog;
        } else {
            fees.push(field(t.get("receipt-fees-none"), String::new()));
        }
        let due = v
            .due_at
            .map_or_else(|| t.get("receipt-due-none"), |d| local_datetime(t, d));
        let times = vec![
            field(
                t.get("receipt-received-at"),
                local_datetime(t, v.received_at),
            ),
            field(t.get("receipt-due-at"), due),
            field(
                t.get("receipt-collect-at"),
                format!("{} - {}", t.get("receipt-desk"), v.receiving_unit_name),
            ),
        ];
        let url = tracking_url(public_url, &v.code, v.tracking_secret.as_deref());
        let tracking_line = if v.tracking_secret.is_some() {
            t.with_args(
                "receipt-tracking",
                &[("url", &tracking_url(public_url, &v.code, None))],
            )
        } else {
            t.with_args("receipt-tracking-phone", &[("url", &url)])
        };
        Self {
            nation: t.get("receipt-nation"),
            motto: t.get("receipt-motto"),
            agency: v.receiving_unit_name.clone(),
            form: v.form_code.as_ref().map_or_else(
                || t.get("receipt-form"),
                |c| t.with_args("receipt-form-code", &[("code", c)]),
            ),
            title: if v.form_code.as_deref() == Some("CT04") {
                t.get("receipt-title-police")
            } else {
                t.get("receipt-title")
            },
            code_line: format!("{}: {}", t.get("receipt-code"), v.code),
            code: v.code.clone(),
            fields,
            components_title: t.get("receipt-components"),
            columns: [
                t.get("receipt-col-no"),
                t.get("receipt-col-name"),
                t.get("receipt-col-how"),
            ],
            // Optional components not handed in are not part of what was
            // received: left off the slip.
            components: v
                .components
                .iter()
                .filter(|c| c.required || c.state != ReceiptComponentState::Missing)
                .map(|c| component_row(t, c))
                .collect(),
            fees_title: t.get("receipt-fees"),
            fees,
            times,
            tracking_line,
            tracking_url: url,
            qr_label: t.get("receipt-qr-label"),
            signers: [
                t.get("receipt-sign-applicant"),
                t.get("receipt-sign-officer"),
            ],
            sign_note: t.get("receipt-sign-note"),
            officer: v.received_by.clone().unwrap_or_default(),
            page_title: format!("{} {}", t.get("receipt-page-title"), v.code),
            lang: t.locale.tag(),
        }
    }
}

/// `templates/pages/receipt/receipt.html`.
#[derive(Template)]
#[template(path = "pages/receipt/receipt.html")]
pub struct ReceiptPage {
    /// Messages.
    pub t: Messages,
    /// The receipt.
    pub doc: ReceiptDocument,
    /// The QR as inline SVG (trusted: generated here).
    pub qr_svg: String,
    /// Link to the PDF, keeping the verifier.
    pub pdf_href: String,
}

fn rate_limited(wait: std::time::Duration) -> Response {
    let mut res = Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate-limited",
        "Tra cứu quá nhiều lần, vui lòng thử lại sau / too many look-ups, retry later",
    )
    .with_code("rate_limited")
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

/// Loads the receipt for whoever asks: a verifier first (rate-limited),
/// else the officer (with a role that may see receipts, in scope: the
/// policy's 403 or the 404 of an unknown code, as problems that a browser
/// gets as an HTML page); anonymous callers get the
/// tracking 404. A receipt opened with anything but the QR secret itself
/// (the phone's last digits) carries no secret: its QR and link open the
/// status-only tracking page (F4).
async fn load(
    state: &AppState,
    officer: MaybeOfficer,
    extensions: &Extensions,
    code: &str,
    q: &ReceiptQuery,
) -> Result<ReceiptView, Response> {
    let mut view = load_view(state, officer, extensions, code, q).await?;
    // The slip is signed with the officer's name, not the login id.
    if let Some(id) = view.received_by.take() {
        view.received_by = Some(crate::pages::desk::people::officer_name(state, &id).await);
    }
    Ok(view)
}

/// The receipt as the caller may see it (see [`load`]).
async fn load_view(
    state: &AppState,
    officer: MaybeOfficer,
    extensions: &Extensions,
    code: &str,
    q: &ReceiptQuery,
) -> Result<ReceiptView, Response> {
    let verifier = q
        .verifier
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let access = match (verifier, officer.0) {
        (Some(v), _) => {
            crate::rate_limit::guard_verifier(state, extensions, code, v)
                .await
                .map_err(rate_limited)?;
            ReceiptAccess::Verifier(v.to_owned())
        }
        (None, Some(o)) => {
            return crate::policy::policy(state)
                .receipt(&state.dossiers, &o.roles, code)
                .await
                .map_err(|d| Problem::from(d).into_response());
        }
        (None, None) => {
            return Err(Problem::from(DossierError::NotFound(
                motcua_app::dossiers::error::not_found_text(),
            ))
            .into_response());
        }
    };
    let mut view = state
        .dossiers
        .receipt(&access, code)
        .await
        .map_err(|e| Problem::from(e).into_response())?;
    if let ReceiptAccess::Verifier(v) = &access
        && view.tracking_secret.as_deref() != Some(v.as_str())
    {
        view.tracking_secret = None;
    }
    Ok(view)
}

/// The SVG of a QR code, without its XML declaration, for inline use.
fn inline_svg(text: &str) -> String {
    crate::qr::svg(text)
        .map(|s| s.find("<svg").map_or(s.clone(), |i| s[i..].to_owned()))
        .unwrap_or_default()
}

/// `GET /ho-so/{code}/bien-nhan`: the printable receipt.
pub async fn page(
    State(state): State<AppState>,
    t: Messages,
    officer: MaybeOfficer,
    extensions: Extensions,
    ApiPath(code): ApiPath<String>,
    Query(q): Query<ReceiptQuery>,
) -> Response {
    let view = match load(&state, officer, &extensions, &code, &q).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let doc = ReceiptDocument::new(&t, &view, &state.public_url);
    let qr_svg = inline_svg(&doc.tracking_url);
    let mut pdf_href = format!("/ho-so/{}/bien-nhan.pdf?lang={}", view.code, t.locale.tag());
    if let Some(v) = q
        .verifier
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        let safe: String = v.chars().filter(char::is_ascii_alphanumeric).collect();
        pdf_href.push_str(&format!("&verifier={safe}"));
    }
    let mut res = super::render(
        t,
        &ReceiptPage {
            t,
            doc,
            qr_svg,
            pdf_href,
        },
    );
    no_store(&mut res);
    res
}

/// `GET /ho-so/{code}/bien-nhan.pdf`: the receipt as a PDF (A4, embedded
/// DejaVu Sans subset, vector QR).
pub async fn pdf(
    State(state): State<AppState>,
    t: Messages,
    officer: MaybeOfficer,
    extensions: Extensions,
    ApiPath(code): ApiPath<String>,
    Query(q): Query<ReceiptQuery>,
) -> Response {
    let view = match load(&state, officer, &extensions, &code, &q).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let doc = ReceiptDocument::new(&t, &view, &state.public_url);
    match super::receipt_pdf::render(&doc) {
        Ok(bytes) => {
            let mut res = (
                [
                    (header::CONTENT_TYPE, "application/pdf".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("inline; filename=\"bien-nhan-{}.pdf\"", view.code),
                    ),
                ],
                bytes,
            )
                .into_response();
            no_store(&mut res);
            res
        }
        Err(err) => {
            tracing::error!(error = %err, "receipt PDF failed");
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Không tạo được tệp PDF / the PDF could not be made",
            )
            .into_response()
        }
    }
}

/// A receipt carries personal data: no shared caches.
fn no_store(res: &mut Response) {
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped_per_locale() {
        assert_eq!(group_thousands(8_000, Locale::Vi), "8.000");
        assert_eq!(group_thousands(1_234_567, Locale::En), "1,234,567");
        assert_eq!(group_thousands(999, Locale::Vi), "999");
        assert_eq!(group_thousands(0, Locale::Vi), "0");
    }

    #[test]
    fn tracking_urls_carry_the_secret_when_known() {
        assert_eq!(
            tracking_url("http://x/", "H55-250715-0001", Some("ab12")),
            "http://x/tra-cuu/H55-250715-0001?verifier=ab12"
        );
        assert_eq!(
            tracking_url("http://x", "H55-250715-0001", None),
            "http://x/tra-cuu/H55-250715-0001"
        );
    }
}
