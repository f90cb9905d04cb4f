//! The dossier use cases open tracing spans that name the dossier (issue
//! 20, item 5). Alone in its own test binary: a thread-local subscriber set
//! while other tests run on other threads can miss spans whose callsite
//! interest those threads cached first.

mod dossier_fake;

use dossier_fake::*;

/// An open span: its name and its `dossier` field, once known.
type OpenSpan = (String, Option<String>);

/// Spans as they close: `name dossier=<code>` (or `name` without one).
#[derive(Clone, Default)]
struct ClosedSpans {
    open: Arc<Mutex<HashMap<u64, OpenSpan>>>,
    closed: Arc<Mutex<Vec<String>>>,
}

/// Reads the `dossier` field of a span.
struct DossierField<'a>(&'a mut Option<String>);

impl tracing::field::Visit for DossierField<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "dossier" {
            *self.0 = Some(value.to_owned());
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "dossier" {
            *self.0 = Some(format!("{value:?}"));
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for ClosedSpans {
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        _: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut dossier = None;
        attrs.record(&mut DossierField(&mut dossier));
        let name = attrs.metadata().name().to_owned();
        self.open
            .lock()
            .unwrap()
            .insert(id.into_u64(), (name, dossier));
    }

    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        _: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if let Some((_, dossier)) = self.open.lock().unwrap().get_mut(&id.into_u64()) {
            values.record(&mut DossierField(dossier));
        }
    }

    fn on_close(&self, id: tracing::span::Id, _: tracing_subscriber::layer::Context<'_, S>) {
        if let Some((name, dossier)) = self.open.lock().unwrap().remove(&id.into_u64()) {
            self.closed.lock().unwrap().push(match dossier {
                Some(code) => format!("{name} dossier={code}"),
                None => name,
            });
        }
    }
}

/// Each public dossier use case opens a span with the dossier's code, so
/// every log line inside it says which dossier it is about (issue 20,
/// item 5); a reception learns its code from the answer.
#[tokio::test]
async fn the_use_cases_open_spans_that_name_the_dossier() {
    use tracing_subscriber::layer::SubscriberExt;
    let spans = ClosedSpans::default();
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(spans.clone()));
    let (fake, clock) = (Arc::new(Fake::new()), TestClock::new(monday_morning()));
    let dossiers = service(&fake, &clock);
    let (created, _) = dossiers
        .create(officer(), Some(&center()), "k1", desk_filing())
        .await
        .unwrap();
    let code = created.code.as_str();
    dossiers.get(&center(), code).await.unwrap();
    dossiers
        .act(officer(), &center(), "h1", code, None, hand_over("cv-1"))
        .await
        .unwrap();
    let closed = spans.closed.lock().unwrap().clone();
    for name in ["create_with_attachments", "get", "act"] {
        let expected = format!("{name} dossier={code}");
        assert!(closed.contains(&expected), "{expected} not in {closed:?}");
    }
}
