//! Log-in (đăng nhập), log-out, and the citizen's "who looked at my data"
//! page (dữ liệu của tôi).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::audit::CitizenAccess;
use motcua_app::identity::LoginRefusal;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{SESSION_COOKIE, cookie_value};
use crate::i18n::Messages;
use crate::session::{cleared_cookie, safe_next, session_cookie};

/// `templates/pages/identity/login.html`.
#[derive(Template)]
#[template(path = "pages/identity/login.html")]
pub struct LoginPage {
    /// Messages.
    pub t: Messages,
    /// Where to go after logging in (a local path).
    pub next: String,
    /// The account typed.
    pub account: String,
    /// The error shown, if any.
    pub error: Option<String>,
    /// Whether single sign-on is offered.
    pub sso: bool,
    /// Whether the development login is on (then its page is linked).
    pub dev: bool,
}

/// `?next=` of the log-in page.
#[derive(Debug, Deserialize)]
pub struct NextParam {
    /// Where to go after logging in.
    pub next: Option<String>,
}

/// The log-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    /// Tên đăng nhập.
    #[serde(default)]
    pub account: String,
    /// Mật khẩu.
    #[serde(default)]
    pub password: String,
    /// Where to go after.
    pub next: Option<String>,
}

/// Where an officer lands after logging in without a `next`: the work list.
pub const OFFICER_HOME: &str = "/can-bo/ho-so";

/// Where to go after logging in: a local `next`, otherwise (none, empty or
/// not local) the officer's work list, not the citizen home page.
pub fn landing(next: Option<&str>) -> String {
    match next.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) if safe_next(Some(n)) == n => n.to_owned(),
        _ => OFFICER_HOME.to_owned(),
    }
}

/// `GET /dang-nhap`.
pub async fn login_page(
    State(state): State<AppState>,
    t: Messages,
    Query(q): Query<NextParam>,
) -> Response {
    super::render(
        t,
        &LoginPage {
            t,
            next: landing(q.next.as_deref()),
            account: String::new(),
            error: None,
            sso: state.oidc.is_some(),
            dev: state.dev_login,
        },
    )
}

/// The client address decided by the `client_address` middleware (the
/// peer, or behind a trusted proxy the forwarded client): log-in failures
/// are counted per client and per (account, client) (review F24).
fn client_of(extensions: &Extensions) -> String {
    crate::rate_limit::client_key(extensions)
}

/// Counts a refused log-in in `motcua_login_refusals_total{reason}`: most
/// refusals write no audit row (review F9), the counter sees them all.
fn count_refusal(refusal: &LoginRefusal) {
    static DESCRIBED: std::sync::Once = std::sync::Once::new();
    DESCRIBED.call_once(|| {
        metrics::describe_counter!(
            "motcua_login_refusals_total",
            "Refused password log-ins, by reason (most are not in the audit log)"
        );
    });
    metrics::counter!("motcua_login_refusals_total", "reason" => refusal.code()).increment(1);
}

/// `POST /dang-nhap`.
pub async fn login_submit(
    State(state): State<AppState>,
    t: Messages,
    extensions: Extensions,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = landing(form.next.as_deref());
    let answer = state
        .identity
        .login(&form.account, &form.password, &client_of(&extensions))
        .await;
    let error = match answer {
        Ok(Ok(done)) => {
            let mut res = Redirect::to(&next).into_response();
            res.headers_mut().insert(
                header::SET_COOKIE,
                session_cookie(&state, &done.token, done.expires_at),
            );
            return res;
        }
        // Unknown, wrong password, locked or disabled: one message, so that
        // the page tells nobody which accounts exist or are locked (F24).
        Ok(Err(refusal)) => {
            count_refusal(&refusal);
            match refusal {
                LoginRefusal::Throttled => t.get("login-error-throttled"),
                LoginRefusal::BadCredentials | LoginRefusal::Locked(_) | LoginRefusal::Disabled => {
                    t.get("login-error-credentials")
                }
            }
        }
        Err(err) => {
            tracing::error!(error = %err, "log-in failed");
            t.get("login-error-unavailable")
        }
    };
    let mut res = super::render(
        t,
        &LoginPage {
            t,
            next,
            account: form.account.chars().take(64).collect(),
            error: Some(error),
            sso: state.oidc.is_some(),
            dev: state.dev_login,
        },
    );
    *res.status_mut() = StatusCode::UNAUTHORIZED;
    res
}

/// `POST /dang-xuat`: ends the session and goes back to the log-in page.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie_value(&headers, SESSION_COOKIE)
        && let Err(err) = state.identity.logout(token.trim()).await
    {
        tracing::error!(error = %err, "log-out failed");
    }
    let mut res = Redirect::to("/dang-nhap").into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, cleared_cookie(&state));
    res
}

/// `templates/pages/identity/my_data.html`.
#[derive(Template)]
#[template(path = "pages/identity/my_data.html")]
pub struct MyDataPage {
    /// Messages.
    pub t: Messages,
    /// The dossier code typed.
    pub code: String,
    /// The error shown, if any.
    pub error: Option<String>,
    /// The accesses, once the citizen proved who they are.
    pub accesses: Option<Vec<AccessLine>>,
}

/// One line of the citizen's list: no officer, only the unit.
pub struct AccessLine {
    /// When (Vietnam time).
    pub at: String,
    /// The unit's name (or code).
    pub unit: String,
    /// For which dossier.
    pub dossier: String,
    /// The stated purpose.
    pub purpose: String,
    /// Allowed or refused, in words.
    pub outcome: String,
}

/// The citizen's proof: a dossier code and its QR secret.
#[derive(Debug, Deserialize)]
pub struct MyDataForm {
    /// Mã hồ sơ.
    #[serde(default)]
    pub code: String,
    /// Mã bí mật trên QR của phiếu hẹn.
    #[serde(default)]
    pub secret: String,
}

/// `GET /du-lieu-cua-toi`.
pub async fn my_data_page(t: Messages) -> Response {
    super::render(
        t,
        &MyDataPage {
            t,
            code: String::new(),
            error: None,
            accesses: None,
        },
    )
}

fn line(t: Messages, a: CitizenAccess) -> AccessLine {
    AccessLine {
        at: motcua_domain::format::local_datetime(a.occurred_at),
        unit: a
            .unit_name
            .or(a.unit_code)
            .unwrap_or_else(|| t.get("mydata-unit-unknown")),
        dossier: a.dossier_code.unwrap_or_default(),
        purpose: a.purpose.unwrap_or_default(),
        outcome: if a.outcome == "allowed" {
            t.get("mydata-outcome-allowed")
        } else {
            t.get("mydata-outcome-refused")
        },
    }
}

/// `POST /du-lieu-cua-toi`: proves the citizen with code + QR secret, then
/// lists the look-ups of their data. Rate-limited like public tracking.
pub async fn my_data_submit(
    State(state): State<AppState>,
    t: Messages,
    extensions: Extensions,
    Form(form): Form<MyDataForm>,
) -> Response {
    let code: String = form.code.trim().chars().take(60).collect();
    let page = |error: Option<String>, accesses: Option<Vec<AccessLine>>| MyDataPage {
        t,
        code: code.clone(),
        error,
        accesses,
    };
    if state
        .tracking_limiter
        .admit(&client_of(&extensions), &code, &form.secret)
        .is_err()
    {
        let mut res = super::render(t, &page(Some(t.get("mydata-error-throttled")), None));
        *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        return res;
    }
    let applicant = match state.dossiers.verified_applicant(&code, &form.secret).await {
        Ok(Some(id)) => id,
        Ok(None) => {
            return super::render(t, &page(None, Some(Vec::new())));
        }
        Err(e) => {
            if matches!(e, motcua_app::dossiers::DossierError::NotFound(_)) {
                state.tracking_limiter.failed(&code);
            }
            let mut res = super::render(t, &page(Some(t.get("mydata-error-proof")), None));
            *res.status_mut() = StatusCode::NOT_FOUND;
            return res;
        }
    };
    match state.audit.for_citizen(applicant.as_str()).await {
        Ok(list) => {
            let mut lines = Vec::with_capacity(list.len());
            for mut a in list {
                // No unit recorded (refused before a grant was read): the
                // officer's agency says who asked.
                if a.unit_name.is_none()
                    && a.unit_code.is_none()
                    && let Some(agency) = &a.agency_id
                    && let Ok(found) = state.agencies.get(agency).await
                {
                    a.unit_name = Some(found.name);
                }
                lines.push(line(t, a));
            }
            let mut res = super::render(t, &page(None, Some(lines)));
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Err(err) => {
            tracing::error!(error = %err, "citizen view failed");
            let mut res = super::render(t, &page(Some(t.get("login-error-unavailable")), None));
            *res.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            res
        }
    }
}
