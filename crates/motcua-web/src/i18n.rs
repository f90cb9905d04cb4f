//! Messages in Vietnamese (default) and English, from Fluent files embedded
//! in the binary (`locales/<lang>/<area>.ftl`: one file per area of the
//! pages, so each area's messages live beside each other). Every
//! user-visible string of the pages comes from here.

use std::sync::OnceLock;

use axum::extract::FromRequestParts;
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::{LanguageIdentifier, langid};

/// The message files of one locale, in load order; a key defined twice is
/// a build defect caught by the tests.
macro_rules! locale_files {
    ($lang:literal) => {
        &[
            include_str!(concat!("../locales/", $lang, "/main.ftl")),
            include_str!(concat!("../locales/", $lang, "/desk.ftl")),
            include_str!(concat!("../locales/", $lang, "/citizen.ftl")),
            include_str!(concat!("../locales/", $lang, "/identity.ftl")),
            include_str!(concat!("../locales/", $lang, "/exchange.ftl")),
            include_str!(concat!("../locales/", $lang, "/receipt.ftl")),
            include_str!(concat!("../locales/", $lang, "/forms.ftl")),
            include_str!(concat!("../locales/", $lang, "/errors.ftl")),
            include_str!(concat!("../locales/", $lang, "/payment.ftl")),
            include_str!(concat!("../locales/", $lang, "/obstacles.ftl")),
            include_str!(concat!("../locales/", $lang, "/feedback.ftl")),
            include_str!(concat!("../locales/", $lang, "/service_index.ftl")),
            include_str!(concat!("../locales/", $lang, "/staff.ftl")),
            include_str!(concat!("../locales/", $lang, "/training.ftl")),
        ]
    };
}

/// The sources of each locale's messages.
pub const SOURCES: [(Locale, &[&str]); 2] = [
    (Locale::Vi, locale_files!("vi")),
    (Locale::En, locale_files!("en")),
];

/// A supported locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    /// Tiếng Việt, the default.
    Vi,
    /// English.
    En,
}

impl Locale {
    /// The BCP 47 tag (`vi`, `en`).
    pub fn tag(self) -> &'static str {
        match self {
            Self::Vi => "vi",
            Self::En => "en",
        }
    }

    /// The decimal mark of numbers in this locale (`12,5` / `12.5`), for
    /// `motcua_domain::format::percent_with`.
    pub fn decimal_point(self) -> char {
        match self {
            Self::Vi => ',',
            Self::En => '.',
        }
    }

    /// The other locale, for the language switch.
    pub fn other(self) -> Self {
        match self {
            Self::Vi => Self::En,
            Self::En => Self::Vi,
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "vi" => Some(Self::Vi),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    fn langid(self) -> LanguageIdentifier {
        match self {
            Self::Vi => langid!("vi"),
            Self::En => langid!("en"),
        }
    }
}

type Bundle = FluentBundle<FluentResource>;

fn bundles() -> &'static [(Locale, Bundle)] {
    static BUNDLES: OnceLock<Vec<(Locale, Bundle)>> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        SOURCES
            .iter()
            .map(|(locale, files)| {
                let mut bundle = Bundle::new_concurrent(vec![locale.langid()]);
                bundle.set_use_isolating(false);
                for text in files.iter() {
                    // The files are part of the binary and checked by tests; a
                    // broken file is a build defect, reported at first use.
                    let resource = FluentResource::try_new((*text).to_owned()).unwrap_or_else(
                        |(_, errors)| panic!("bad {} messages: {errors:?}", locale.tag()),
                    );
                    bundle.add_resource(resource).unwrap_or_else(|errors| {
                        panic!("duplicate {} messages: {errors:?}", locale.tag())
                    });
                }
                (*locale, bundle)
            })
            .collect()
    })
}

/// The messages of one locale, handed to templates as `t`.
#[derive(Debug, Clone, Copy)]
pub struct Messages {
    /// The locale in use.
    pub locale: Locale,
    /// Demonstration mode (the development login is on): the base layout
    /// shows a banner on every page.
    pub demo: bool,
}

/// A request extension set by the router: whether the development login is
/// on, so that [`Messages::demo`] shows the banner.
#[derive(Debug, Clone, Copy)]
pub struct DemoMode(pub bool);

impl Messages {
    /// The message `key`; the key itself when missing (a test forbids that).
    pub fn get(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// The message `key` with one numeric argument.
    pub fn with_count(&self, key: &str, name: &str, value: u64) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), FluentValue::from(value));
        self.format(key, Some(&args))
    }

    /// The message `key` with one text argument.
    pub fn with_text(&self, key: &str, name: &str, value: &str) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), FluentValue::from(value.to_owned()));
        self.format(key, Some(&args))
    }

    /// The message `key` with two numeric arguments.
    pub fn with_counts(&self, key: &str, a: (&str, u64), b: (&str, u64)) -> String {
        let mut args = FluentArgs::new();
        args.set(a.0.to_owned(), FluentValue::from(a.1));
        args.set(b.0.to_owned(), FluentValue::from(b.1));
        self.format(key, Some(&args))
    }

    /// The message `key` with text arguments.
    pub fn with_args(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            fluent.set((*name).to_owned(), FluentValue::from((*value).to_owned()));
        }
        self.format(key, Some(&fluent))
    }

    /// Picks this locale's half of a bilingual `"tiếng Việt / English"`
    /// text (the form the use cases give their messages in).
    pub fn pick(&self, bilingual: &str) -> String {
        match bilingual.split_once(" / ") {
            Some((vi, en)) => match self.locale {
                Locale::Vi => vi.trim().to_owned(),
                Locale::En => en.trim().to_owned(),
            },
            None => bilingual.to_owned(),
        }
    }

    fn format(&self, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        let Some((_, bundle)) = bundles().iter().find(|(l, _)| *l == self.locale) else {
            return key.to_owned();
        };
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            return key.to_owned();
        };
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Messages {
    type Rejection = std::convert::Infallible;

    /// `?lang=` first, then the `lang` cookie; Vietnamese otherwise, whatever
    /// the browser's `Accept-Language` says (Vietnamese first, by policy).
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let from_query = parts.uri.query().and_then(|q| {
            q.split('&')
                .find_map(|pair| pair.strip_prefix("lang="))
                .and_then(Locale::parse)
        });
        let from_cookie = || {
            parts
                .headers
                .get_all(COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(|c| {
                    c.split(';')
                        .find_map(|kv| kv.trim().strip_prefix("lang="))
                        .and_then(Locale::parse)
                })
        };
        let locale = from_query.or_else(from_cookie).unwrap_or(Locale::Vi);
        let demo = parts.extensions.get::<DemoMode>().is_some_and(|d| d.0);
        Ok(Self { locale, demo })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(files: &[&str]) -> Vec<String> {
        let mut keys: Vec<String> = files
            .iter()
            .flat_map(|text| text.lines())
            .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_owned()))
            .filter(|k| !k.starts_with('#') && !k.starts_with(' ') && !k.is_empty())
            .collect();
        keys.sort();
        keys
    }

    #[test]
    fn no_key_is_defined_twice() {
        for (locale, files) in SOURCES {
            let mut all = keys(files);
            let n = all.len();
            all.dedup();
            assert_eq!(all.len(), n, "a {} key is defined twice", locale.tag());
        }
    }

    #[test]
    fn both_locales_have_the_same_messages() {
        assert_eq!(keys(SOURCES[0].1), keys(SOURCES[1].1));
        assert!(keys(SOURCES[0].1).len() > 20);
    }

    #[test]
    fn every_message_differs_between_locales_and_resolves() {
        let vi = Messages {
            locale: Locale::Vi,
            demo: false,
        };
        let en = Messages {
            locale: Locale::En,
            demo: false,
        };
        for key in keys(SOURCES[0].1) {
            assert_ne!(vi.get(&key), key, "{key} missing in vi");
            assert_ne!(en.get(&key), key, "{key} missing in en");
            assert_ne!(vi.get(&key), en.get(&key), "{key} is not translated");
        }
        assert_eq!(
            en.with_counts("units-count", ("shown", 2), ("total", 5)),
            "2 of 5 units"
        );
    }
}
