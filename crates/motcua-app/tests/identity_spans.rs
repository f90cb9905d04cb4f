//! The identity use cases open tracing spans that name the account or the
//! API key (issue 20, item 5), and never the password or a secret. Alone in
//! its own test binary, like `dossier_spans.rs`: a thread-local subscriber
//! set while other tests run on other threads can miss spans whose callsite
//! interest those threads cached first.

mod identity_fake;

use identity_fake::*;

/// An open span: its name and its fields as `name=value`.
type OpenSpan = (String, Vec<String>);

/// Spans as they close: `name field=value …` in the order recorded.
#[derive(Clone, Default)]
struct ClosedSpans {
    open: Arc<Mutex<HashMap<u64, OpenSpan>>>,
    closed: Arc<Mutex<Vec<String>>>,
}

/// Reads every field of a span.
struct Fields<'a>(&'a mut Vec<String>);

impl tracing::field::Visit for Fields<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.push(format!("{}={value}", field.name()));
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push(format!("{}={value:?}", field.name()));
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for ClosedSpans {
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        _: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut fields = Vec::new();
        attrs.record(&mut Fields(&mut fields));
        let name = attrs.metadata().name().to_owned();
        self.open
            .lock()
            .unwrap()
            .insert(id.into_u64(), (name, fields));
    }

    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        _: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if let Some((_, fields)) = self.open.lock().unwrap().get_mut(&id.into_u64()) {
            values.record(&mut Fields(fields));
        }
    }

    fn on_close(&self, id: tracing::span::Id, _: tracing_subscriber::layer::Context<'_, S>) {
        if let Some((name, fields)) = self.open.lock().unwrap().remove(&id.into_u64()) {
            let mut line = name;
            for f in fields {
                line.push(' ');
                line.push_str(&f);
            }
            self.closed.lock().unwrap().push(line);
        }
    }
}

/// A log-in, a session read, an API key issued and used: each span names
/// the account or the key it is about, and no span carries the password,
/// the session token or the key's secret.
#[tokio::test]
async fn the_identity_use_cases_open_spans_that_name_the_account_or_key() {
    use tracing_subscriber::layer::SubscriberExt;
    let spans = ClosedSpans::default();
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(spans.clone()));
    let (_fake, _clock, ids) = with_account().await;
    let logged = ids
        .login("nva", "đúng-mật-khẩu-1", "10.0.0.1")
        .await
        .unwrap()
        .expect("logged in");
    ids.session(&logged.token)
        .await
        .unwrap()
        .expect("a session");
    let key = ids
        .create_api_key("nva", Vec::new(), "admin")
        .await
        .unwrap();
    ids.api_key(&key.secret)
        .await
        .unwrap()
        .expect("the key works");
    ids.revoke_api_key(&key.record.id, "admin").await.unwrap();
    let closed = spans.closed.lock().unwrap().clone();
    let id = &key.record.id;
    for expected in [
        "create_account account=nva".to_owned(),
        "login account=nva".to_owned(),
        "session".to_owned(),
        format!("create_api_key account=nva key={id}"),
        format!("api_key key={id}"),
        format!("revoke_api_key key={id}"),
    ] {
        assert!(closed.contains(&expected), "{expected} not in {closed:?}");
    }
    let all = closed.join("\n");
    for secret in [
        "đúng-mật-khẩu-1",
        logged.token.as_str(),
        key.secret.as_str(),
    ] {
        assert!(!all.contains(secret), "a secret in a span: {all}");
    }
}
