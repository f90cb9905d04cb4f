//! Single sign-on against a small OpenID Connect provider written here:
//! discovery, JWKS, an authorize endpoint that redirects back with a code,
//! and a token endpoint that checks PKCE and issues an RS256 ID token.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Duration;
use motcua_app::ports::Clock;
use motcua_domain::identity::Role;
use openidconnect::core::{
    CoreIdToken, CoreIdTokenClaims, CoreJsonWebKeySet, CoreJwsSigningAlgorithm,
    CoreRsaPrivateSigningKey,
};
use openidconnect::{
    Audience, EmptyAdditionalClaims, EndUserEmail, IssuerUrl, JsonWebKeyId, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, PrivateSigningKey, StandardClaims, SubjectIdentifier,
};
use serde::Deserialize;
use serde_json::json;

use crate::identity::{account, raw};
use crate::support::TestApp;

/// A throwaway RSA key for this test only.
const KEY_PEM: &str = include_str!("oidc_test_key.pem");

#[derive(Default)]
struct Provider {
    issuer: String,
    /// code → (nonce, PKCE challenge, who)
    codes: Mutex<HashMap<String, (String, String, User)>>,
    /// Who logs in next.
    next_user: Mutex<User>,
}

/// The provider's user: `sub`, e-mail and its `email_verified` claim.
#[derive(Default, Clone)]
struct User {
    sub: String,
    email: String,
    verified: Option<bool>,
}

fn user(sub: &str, email: &str, verified: Option<bool>) -> User {
    User {
        sub: sub.into(),
        email: email.into(),
        verified,
    }
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    redirect_uri: String,
    state: String,
    nonce: String,
    code_challenge: String,
    code_challenge_method: String,
    client_id: String,
}

#[derive(Deserialize)]
struct TokenForm {
    code: String,
    code_verifier: String,
}

fn key() -> CoreRsaPrivateSigningKey {
    CoreRsaPrivateSigningKey::from_pem(KEY_PEM, Some(JsonWebKeyId::new("k1".into()))).unwrap()
}

async fn discovery(State(p): State<Arc<Provider>>) -> impl IntoResponse {
    Json(json!({
        "issuer": p.issuer,
        "authorization_endpoint": format!("{}/authorize", p.issuer),
        "token_endpoint": format!("{}/token", p.issuer),
        "jwks_uri": format!("{}/jwks", p.issuer),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
    }))
}

async fn jwks() -> impl IntoResponse {
    Json(CoreJsonWebKeySet::new(vec![key().as_verification_key()]))
}

async fn authorize(
    State(p): State<Arc<Provider>>,
    Query(q): Query<AuthorizeQuery>,
) -> impl IntoResponse {
    assert_eq!(q.client_id, "motcua");
    assert_eq!(q.code_challenge_method, "S256");
    let code = format!("code-{}", p.codes.lock().unwrap().len() + 1);
    let who = p.next_user.lock().unwrap().clone();
    p.codes
        .lock()
        .unwrap()
        .insert(code.clone(), (q.nonce, q.code_challenge, who));
    Redirect::to(&format!("{}?code={code}&state={}", q.redirect_uri, q.state))
}

async fn token(
    State(p): State<Arc<Provider>>,
    headers: axum::http::HeaderMap,
    Form(f): Form<TokenForm>,
) -> axum::response::Response {
    assert!(
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("Basic ")),
        "client authentication"
    );
    let Some((nonce, challenge, who)) = p.codes.lock().unwrap().remove(&f.code) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    };
    let computed =
        PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(f.code_verifier));
    if computed.as_str() != challenge {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    }
    let claims = CoreIdTokenClaims::new(
        IssuerUrl::new(p.issuer.clone()).unwrap(),
        vec![Audience::new("motcua".into())],
        // The client checks these against the wall clock.
        Clock::system().now() + Duration::minutes(5),
        Clock::system().now(),
        StandardClaims::new(SubjectIdentifier::new(who.sub))
            .set_email(Some(EndUserEmail::new(who.email)))
            .set_email_verified(who.verified),
        EmptyAdditionalClaims {},
    )
    .set_nonce(Some(Nonce::new(nonce)));
    let id_token = CoreIdToken::new(
        claims,
        &key(),
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        None,
        None,
    )
    .unwrap();
    Json(
        json!({"access_token": "at", "token_type": "Bearer", "expires_in": 300,
        "id_token": id_token.to_string()}),
    )
    .into_response()
}

async fn start_provider() -> Arc<Provider> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let provider = Arc::new(Provider {
        issuer,
        ..Provider::default()
    });
    let app = Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(jwks))
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .with_state(provider.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    provider
}

/// Runs the browser's part of a flow up to the provider's redirect back:
/// answers the flow cookie and the callback path with its query.
async fn to_callback(app: &TestApp, next: &str) -> (String, String) {
    let (status, headers, _) = raw(
        app,
        "GET",
        &format!("/dang-nhap/sso?next={next}"),
        &[],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cookie = headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("motcua_sso="), "{cookie}");
    let authorize = headers[header::LOCATION].to_str().unwrap().to_owned();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let back = http.get(&authorize).send().await.unwrap();
    assert_eq!(back.status().as_u16(), 303);
    let location = back.headers()["location"].to_str().unwrap().to_owned();
    let path = location
        .strip_prefix("http://127.0.0.1:8080")
        .expect("the redirect URI is under public_url")
        .to_owned();
    (cookie, path)
}

/// The application with single sign-on at `provider`.
fn with_sso(app: &mut TestApp, provider: &Provider) {
    app.state.oidc = Some(Arc::new(
        motcua_web::oidc::OidcClient::new(motcua_web::oidc::OidcConfig {
            issuer: provider.issuer.clone(),
            client_id: "motcua".into(),
            client_secret: "bi-mat".into(),
        })
        .unwrap(),
    ));
    app.router = motcua_web::router(app.state.clone());
}

#[tokio::test]
async fn single_sign_on_links_by_email_then_by_subject() {
    let provider = start_provider().await;
    *provider.next_user.lock().unwrap() = user("sub-42", "lan@example.gov.vn", Some(true));
    let mut app = TestApp::new().await;
    let p = crate::dossier_support::place(&app).await;
    account(&app, "lan", &p.center, &[Role::Reception]).await;
    // An administrator approved linking lan by her (verified) e-mail.
    app.state
        .identity
        .allow_sso_email("lan", "test-admin")
        .await
        .unwrap();
    with_sso(&mut app, &provider);
    let (_, _, page) = raw(&app, "GET", "/dang-nhap", &[], None).await;
    assert!(page.contains("/dang-nhap/sso?next="), "the page offers SSO");

    let (cookie, callback) = to_callback(&app, "/api/v1/dossiers").await;
    // Another browser (no flow cookie) cannot complete the flow.
    let (status, _, _) = raw(&app, "GET", &callback, &[], None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, headers, _) =
        raw(&app, "GET", &callback, &[("cookie", cookie.clone())], None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/api/v1/dossiers");
    let session = headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let (status, _, _) = raw(
        &app,
        "GET",
        "/api/v1/dossiers",
        &[("cookie", session)],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let linked = app.state.store.get_account("lan").await.unwrap().unwrap();
    assert_eq!(
        linked.oidc_subject,
        Some(format!("{}|sub-42", provider.issuer))
    );
    // The same callback again: the state was used up.
    let (status, _, _) = raw(&app, "GET", &callback, &[("cookie", cookie)], None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // An identity that matches no account is refused (and audited).
    *provider.next_user.lock().unwrap() = user("sub-99", "ai-do@example.gov.vn", Some(true));
    let (cookie, callback) = to_callback(&app, "/").await;
    let (status, _, page) = raw(&app, "GET", &callback, &[("cookie", cookie)], None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("chưa được gắn với cán bộ nào"), "{page}");
    let logins: Vec<(String, Option<String>)> = app
        .state
        .store
        .audit_page(0, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.columns.action == "login")
        .map(|e| (e.columns.outcome, e.columns.reason))
        .collect();
    assert_eq!(
        logins,
        vec![
            ("allowed".into(), None),
            ("refused".into(), Some("sso_no_account".into()))
        ]
    );
}

/// Completes a whole flow for whoever the provider logs in next: the status
/// of the callback.
async fn sign_on(app: &TestApp) -> StatusCode {
    let (cookie, callback) = to_callback(app, "/").await;
    let (status, _, _) = raw(app, "GET", &callback, &[("cookie", cookie)], None).await;
    status
}

/// Review F5: an e-mail claim links nothing unless the provider verified
/// it **and** an administrator approved the link; a link set by an
/// administrator (issuer + subject) needs no e-mail at all.
#[tokio::test]
async fn single_sign_on_never_links_by_an_unverified_or_unapproved_email() {
    let provider = start_provider().await;
    let mut app = TestApp::new().await;
    let p = crate::dossier_support::place(&app).await;
    account(&app, "cb-a", &p.center, &[Role::Reception]).await;
    account(&app, "cb-b", &p.center, &[Role::Reception]).await;
    app.state
        .identity
        .allow_sso_email("cb-a", "test-admin")
        .await
        .unwrap();
    with_sso(&mut app, &provider);
    let linked = |id: &'static str| {
        let app = &app;
        async move {
            app.state
                .store
                .get_account(id)
                .await
                .unwrap()
                .unwrap()
                .oidc_subject
        }
    };

    // The attacker's own identity at the provider claims cb-a's e-mail,
    // unverified (in any case): no log-in, no link, even though approved.
    for verified in [Some(false), None] {
        *provider.next_user.lock().unwrap() = user("attacker-777", "CB-A@example.gov.vn", verified);
        assert_eq!(sign_on(&app).await, StatusCode::FORBIDDEN);
        assert_eq!(linked("cb-a").await, None);
    }
    // Verified, but nobody approved linking cb-b by e-mail: refused.
    *provider.next_user.lock().unwrap() = user("sub-b", "cb-b@example.gov.vn", Some(true));
    assert_eq!(sign_on(&app).await, StatusCode::FORBIDDEN);
    assert_eq!(linked("cb-b").await, None);

    // Verified and approved: linked once; the approval is used up.
    *provider.next_user.lock().unwrap() = user("sub-a", "cb-a@example.gov.vn", Some(true));
    assert_eq!(sign_on(&app).await, StatusCode::SEE_OTHER);
    assert_eq!(
        linked("cb-a").await,
        Some(format!("{}|sub-a", provider.issuer))
    );
    // Another identity with the same verified e-mail does not take it over.
    *provider.next_user.lock().unwrap() = user("sub-other", "cb-a@example.gov.vn", Some(true));
    assert_eq!(sign_on(&app).await, StatusCode::FORBIDDEN);
    assert_eq!(
        linked("cb-a").await,
        Some(format!("{}|sub-a", provider.issuer))
    );

    // An administrator links cb-b by issuer and subject: no e-mail needed.
    app.state
        .identity
        .link_sso("cb-b", &provider.issuer, "sub-b", "test-admin")
        .await
        .unwrap();
    *provider.next_user.lock().unwrap() = user("sub-b", "khac@example.gov.vn", None);
    assert_eq!(sign_on(&app).await, StatusCode::SEE_OTHER);
    assert_eq!(
        linked("cb-b").await,
        Some(format!("{}|sub-b", provider.issuer))
    );
    let refused = app
        .state
        .store
        .audit_page(0, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.columns.reason.as_deref() == Some("sso_no_account"))
        .count();
    assert_eq!(refused, 4);
}
