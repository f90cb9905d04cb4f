//! A small TOML tree that keeps every byte span, built from `toml_edit`'s
//! span-preserving [`toml_edit::ImDocument`], and an index from field paths
//! (`procedure[2].components[0].requirement`) to spans.

use std::collections::HashMap;
use std::ops::Range;

use toml_edit::{Item, TableLike, Value};

/// A TOML value with the byte span it came from.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub val: Val,
    pub span: Option<Range<usize>>,
}

/// The value part of a [`Node`].
#[derive(Debug, Clone)]
pub(crate) enum Val {
    Str(String),
    Int(i64),
    Float,
    Bool(bool),
    Datetime(toml_edit::Datetime),
    Array(Vec<Node>),
    Table(Vec<Entry>),
}

/// A key of a table with its own span and its value.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub key: String,
    pub key_span: Option<Range<usize>>,
    pub node: Node,
}

impl Val {
    /// The TOML type name, for messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Val::Str(_) => "string",
            Val::Int(_) => "integer",
            Val::Float => "float",
            Val::Bool(_) => "boolean",
            Val::Datetime(_) => "datetime",
            Val::Array(_) => "array",
            Val::Table(_) => "table",
        }
    }
}

/// Parses `text`; on a syntax error returns its message and span.
pub(crate) fn parse(text: &str) -> Result<Node, (String, Option<Range<usize>>)> {
    let doc = toml_edit::ImDocument::parse(text).map_err(|e| (e.message().to_owned(), e.span()))?;
    Ok(table_node(doc.as_table(), doc.as_table().span()))
}

fn table_node(table: &dyn TableLike, span: Option<Range<usize>>) -> Node {
    let entries: Vec<Entry> = table
        .iter()
        .filter_map(|(key, item)| {
            let node = item_node(item)?;
            Some(Entry {
                key: key.to_owned(),
                key_span: table.key(key).and_then(|k| k.span()),
                node,
            })
        })
        .collect();
    // A `[table]` header may carry no span of its own: fall back to its first key.
    let span = span.or_else(|| {
        entries
            .iter()
            .filter_map(|e| e.key_span.clone())
            .min_by_key(|s| s.start)
    });
    Node {
        val: Val::Table(entries),
        span,
    }
}

fn item_node(item: &Item) -> Option<Node> {
    match item {
        Item::None => None,
        Item::Value(v) => Some(value_node(v)),
        Item::Table(t) => Some(table_node(t, t.span())),
        Item::ArrayOfTables(a) => {
            let nodes: Vec<Node> = a.iter().map(|t| table_node(t, t.span())).collect();
            let span = a
                .span()
                .or_else(|| nodes.first().and_then(|n| n.span.clone()));
            Some(Node {
                val: Val::Array(nodes),
                span,
            })
        }
    }
}

fn value_node(value: &Value) -> Node {
    let val = match value {
        Value::String(s) => Val::Str(s.value().clone()),
        Value::Integer(i) => Val::Int(*i.value()),
        Value::Float(_) => Val::Float,
        Value::Boolean(b) => Val::Bool(*b.value()),
        Value::Datetime(d) => Val::Datetime(*d.value()),
        Value::Array(a) => Val::Array(a.iter().map(value_node).collect()),
        Value::InlineTable(t) => return table_node(t, t.span()),
    };
    Node {
        val,
        span: value.span(),
    }
}

/// Field path → span of the key (for table fields) or of the element (for array items).
#[derive(Debug, Default)]
pub(crate) struct SpanIndex(HashMap<String, Range<usize>>);

impl SpanIndex {
    pub(crate) fn build(root: &Node) -> Self {
        let mut index = Self::default();
        index.walk(root, "");
        index
    }

    fn walk(&mut self, node: &Node, path: &str) {
        match &node.val {
            Val::Table(entries) => {
                for e in entries {
                    let p = if path.is_empty() {
                        e.key.clone()
                    } else {
                        format!("{path}.{}", e.key)
                    };
                    if let Some(s) = e.key_span.clone().or_else(|| e.node.span.clone()) {
                        self.0.insert(p.clone(), s);
                    }
                    self.walk(&e.node, &p);
                }
            }
            Val::Array(items) => {
                for (i, n) in items.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    if let Some(s) = n.span.clone() {
                        self.0.insert(p.clone(), s);
                    }
                    self.walk(n, &p);
                }
            }
            _ => {}
        }
    }

    /// The span of `path`, or of its nearest ancestor that has one.
    pub(crate) fn find(&self, path: &str) -> Option<Range<usize>> {
        let mut p = path;
        loop {
            if let Some(s) = self.0.get(p) {
                return Some(s.clone());
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }
}
