//! Typed reading of the span tree that records a problem for every bad value
//! and keeps going, so one pass reports everything.

use chrono::NaiveDate;

use super::diagnostic::{DiagnosticKind as K, Problem};
use super::keyword::Keyword;
use super::tree::{Entry, Node, Val};

/// A table being read, with its field path.
pub(crate) struct Tbl<'n> {
    pub path: String,
    pub entries: &'n [Entry],
}

impl<'n> Tbl<'n> {
    /// The path of `key` inside this table.
    pub(crate) fn at(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries.iter().find(|e| e.key == key).map(|e| &e.node)
    }
}

/// Collects problems while reading.
#[derive(Default)]
pub(crate) struct Cx {
    pub problems: Vec<Problem>,
}

impl Cx {
    pub(crate) fn push(
        &mut self,
        path: impl Into<String>,
        kind: K,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) {
        self.problems.push(Problem::new(path, kind, vi, en));
    }

    fn wrong_type(&mut self, path: &str, node: &Node, vi: &str, en: &str) {
        let got = node.val.type_name();
        self.push(
            path,
            K::WrongType,
            format!("phải là {vi} (đang là {got})"),
            format!("must be {en} (found {got})"),
        );
    }

    /// Reports keys of `t` that are not in `allowed`.
    pub(crate) fn only_keys(&mut self, t: &Tbl<'_>, allowed: &[&str]) {
        for e in t
            .entries
            .iter()
            .filter(|e| !allowed.contains(&e.key.as_str()))
        {
            let list = allowed.join(", ");
            self.push(
                t.at(&e.key),
                K::UnknownField,
                format!(
                    "trường không có trong định dạng (có thể gõ nhầm); các trường hợp lệ: {list}"
                ),
                format!("unknown field (a typo?); allowed fields: {list}"),
            );
        }
    }

    /// Reads `key` with `read`; reports a missing field when absent.
    pub(crate) fn req<'n, T>(
        &mut self,
        t: &Tbl<'n>,
        key: &str,
        read: impl FnOnce(&mut Self, &'n Node, &str) -> Option<T>,
    ) -> Option<T> {
        match t.get(key) {
            Some(node) => read(self, node, &t.at(key)),
            None => {
                self.push(
                    t.at(key),
                    K::MissingField,
                    format!("thiếu trường bắt buộc `{key}`"),
                    format!("missing required field `{key}`"),
                );
                None
            }
        }
    }

    /// Reads `key` with `read` when present.
    pub(crate) fn opt<'n, T>(
        &mut self,
        t: &Tbl<'n>,
        key: &str,
        read: impl FnOnce(&mut Self, &'n Node, &str) -> Option<T>,
    ) -> Option<T> {
        t.get(key).and_then(|node| read(self, node, &t.at(key)))
    }

    /// Reads an optional `key`: `Some(None)` when absent, `None` when present but bad.
    pub(crate) fn maybe<'n, T>(
        &mut self,
        t: &Tbl<'n>,
        key: &str,
        read: impl FnOnce(&mut Self, &'n Node, &str) -> Option<T>,
    ) -> Option<Option<T>> {
        match t.get(key) {
            None => Some(None),
            Some(node) => read(self, node, &t.at(key)).map(Some),
        }
    }

    pub(crate) fn string(&mut self, node: &Node, path: &str) -> Option<String> {
        match &node.val {
            Val::Str(s) => Some(s.clone()),
            _ => {
                self.wrong_type(path, node, "chuỗi văn bản", "a string");
                None
            }
        }
    }

    pub(crate) fn boolean(&mut self, node: &Node, path: &str) -> Option<bool> {
        match &node.val {
            Val::Bool(b) => Some(*b),
            _ => {
                self.wrong_type(path, node, "true hoặc false", "true or false");
                None
            }
        }
    }

    /// A non-negative integer no larger than `max`.
    pub(crate) fn uint(&mut self, node: &Node, path: &str, max: u64) -> Option<u64> {
        let Val::Int(i) = node.val else {
            self.wrong_type(path, node, "số nguyên", "an integer");
            return None;
        };
        match u64::try_from(i) {
            Ok(n) if n <= max => Some(n),
            _ => {
                self.push(
                    path,
                    K::OutOfRange,
                    format!("giá trị {i} nằm ngoài khoảng cho phép 0–{max}"),
                    format!("value {i} is outside the allowed range 0–{max}"),
                );
                None
            }
        }
    }

    /// A date written as a TOML local date (`2025-07-01`) or as a string.
    pub(crate) fn date(&mut self, node: &Node, path: &str) -> Option<NaiveDate> {
        let parsed = match &node.val {
            Val::Datetime(d) => match (d.date, d.time, d.offset) {
                (Some(x), None, None) => {
                    NaiveDate::from_ymd_opt(x.year.into(), x.month.into(), x.day.into())
                }
                _ => None,
            },
            Val::Str(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
            _ => {
                self.wrong_type(path, node, "ngày dạng YYYY-MM-DD", "a date YYYY-MM-DD");
                return None;
            }
        };
        if parsed.is_none() {
            self.push(
                path,
                K::InvalidValue,
                "không phải ngày hợp lệ (YYYY-MM-DD)",
                "not a valid date (YYYY-MM-DD)",
            );
        }
        parsed
    }

    /// A keyword of `E`; an unknown word is reported with `kind`.
    pub(crate) fn keyword<E: Keyword>(&mut self, node: &Node, path: &str, kind: K) -> Option<E> {
        let word = self.string(node, path)?;
        let found = E::from_keyword(&word);
        if found.is_none() {
            let list = E::expected();
            self.push(
                path,
                kind,
                format!("giá trị \"{word}\" không hợp lệ; chỉ chấp nhận: {list}"),
                format!("unknown value \"{word}\"; expected one of: {list}"),
            );
        }
        found
    }

    /// The elements of an array, each with its path.
    pub(crate) fn array<'n>(&mut self, node: &'n Node, path: &str) -> Vec<(String, &'n Node)> {
        match &node.val {
            Val::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, n)| (format!("{path}[{i}]"), n))
                .collect(),
            _ => {
                self.wrong_type(path, node, "mảng", "an array");
                Vec::new()
            }
        }
    }

    /// An array of strings (bad elements are reported and skipped).
    pub(crate) fn strings(&mut self, node: &Node, path: &str) -> Vec<String> {
        let items = self.array(node, path);
        items
            .into_iter()
            .filter_map(|(p, n)| self.string(n, &p))
            .collect()
    }

    /// A table (`[x]` or `{ ... }`).
    pub(crate) fn table<'n>(&mut self, node: &'n Node, path: &str) -> Option<Tbl<'n>> {
        match &node.val {
            Val::Table(entries) => Some(Tbl {
                path: path.to_owned(),
                entries,
            }),
            _ => {
                self.wrong_type(path, node, "bảng", "a table");
                None
            }
        }
    }

    /// An array of tables (`[[x]]` or `[{...}, ...]`).
    pub(crate) fn tables<'n>(&mut self, node: &'n Node, path: &str) -> Vec<Tbl<'n>> {
        let items = self.array(node, path);
        items
            .into_iter()
            .filter_map(|(p, n)| self.table(n, &p))
            .collect()
    }
}
