//! The reference documents in `docs/` stay true to the code (issue 20,
//! item 6): every command `motcua --help` lists is described in
//! `docs/commands.md`, every path of the OpenAPI document in `docs/api.md`,
//! every page route in `docs/pages.md`, every configuration key in
//! `docs/configuration.md`.
//!
//! Each document has two parts. The written part (Vietnamese, then
//! English) must name every item; the blocks between `<!-- BEGIN
//! GENERATED ... -->` and `<!-- END GENERATED ... -->` are generated from
//! the code (`motcua <command> --help`, the OpenAPI document,
//! `motcua default-config`) and must equal what the code produces now. After
//! a change, regenerate them with
//!
//! ```sh
//! MOTCUA_DOCS_BLESS=1 cargo test -p motcua --test docs_current
//! ```
//!
//! and describe what is new in the written part.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use clap::CommandFactory;

/// Set to regenerate the generated blocks instead of comparing them.
const BLESS: &str = "MOTCUA_DOCS_BLESS";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
}

fn begin_marker(name: &str) -> String {
    format!(
        "<!-- BEGIN GENERATED {name}: do not edit; regenerate with \
         MOTCUA_DOCS_BLESS=1 cargo test -p motcua --test docs_current -->"
    )
}

fn end_marker(name: &str) -> String {
    format!("<!-- END GENERATED {name} -->")
}

/// The document without its generated blocks: what a person wrote.
fn written(doc: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in doc.lines() {
        if line.starts_with("<!-- BEGIN GENERATED ") {
            inside = true;
        } else if line.starts_with("<!-- END GENERATED ") {
            inside = false;
        } else if !inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Checks (or, with `MOTCUA_DOCS_BLESS=1`, rewrites) the generated block
/// `name` of the document `rel`.
fn generated_block(rel: &str, name: &str, fresh: &str) {
    let doc = read(rel);
    let (begin, end) = (begin_marker(name), end_marker(name));
    let start = doc
        .find(&begin)
        .unwrap_or_else(|| panic!("{rel} has no line `{begin}`"));
    let body_start = start + begin.len();
    let stop = doc[body_start..]
        .find(&end)
        .map(|i| body_start + i)
        .unwrap_or_else(|| panic!("{rel} has no line `{end}`"));
    let current = &doc[body_start..stop];
    let wanted = format!("\n{fresh}");
    if current == wanted {
        return;
    }
    if std::env::var_os(BLESS).is_some() {
        let updated = format!("{}{}{}", &doc[..body_start], wanted, &doc[stop..]);
        std::fs::write(repo().join(rel), updated).expect("writing the document");
        return;
    }
    let first_difference = current
        .lines()
        .zip(wanted.lines())
        .find(|(a, b)| a != b)
        .map(|(a, b)| format!("documented: {a:?}\n     code: {b:?}"))
        .unwrap_or_else(|| "one is a prefix of the other".into());
    panic!(
        "the generated block `{name}` of {rel} no longer matches the code; run \
         `MOTCUA_DOCS_BLESS=1 cargo test -p motcua --test docs_current`, then describe \
         what changed in the written part. First difference:\n{first_difference}"
    );
}

/// Whether `text` names `item` as a whole word: the next character does not
/// continue a command name or a path (`motcua accounts set` is not named by
/// `motcua accounts set-password`, `/can-bo/ho-so` not by `/can-bo/ho-so.csv`).
fn names(text: &str, item: &str) -> bool {
    text.match_indices(item).any(|(at, _)| {
        let mut rest = text[at + item.len()..].chars();
        match rest.next() {
            None => true,
            Some(c) if c.is_alphanumeric() || "-_/{".contains(c) => false,
            Some('.') => !rest.next().is_some_and(char::is_alphanumeric),
            Some(_) => true,
        }
    })
}

fn assert_all_named(rel: &str, what: &str, items: &[String]) {
    assert!(!items.is_empty(), "found no {what} in the code");
    let text = written(&read(rel));
    let missing: Vec<&String> = items.iter().filter(|i| !names(&text, i)).collect();
    assert!(
        missing.is_empty(),
        "{rel} does not describe these {what} (outside its generated blocks): {missing:#?}"
    );
}

// ---- commands ----

/// Every command path, `motcua units list` as `["units", "list"]`, in the
/// order `--help` lists them.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, prefix: &[String], out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands() {
            if sub.is_hide_set() || sub.get_name() == "help" {
                continue;
            }
            let mut path = prefix.to_vec();
            path.push(sub.get_name().to_owned());
            out.push(path.clone());
            walk(sub, &path, out);
        }
    }
    let mut out = Vec::new();
    walk(&motcua::cli::Cli::command(), &[], &mut out);
    out
}

/// What the built binary prints for `motcua <args>` (no `MOTCUA_*`
/// variable, whose values `--help` would show).
fn motcua_output(args: &[String]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_motcua"));
    cmd.args(args);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("MOTCUA") {
            cmd.env_remove(&key);
        }
    }
    let out = cmd.output().expect("running motcua");
    assert!(out.status.success(), "motcua {args:?} failed: {out:?}");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn every_command_is_described_in_docs_commands() {
    let paths = command_paths();
    assert!(
        paths.len() >= 40,
        "too few commands found: {paths:?} (the walk over the clap definition broke)"
    );
    // The walk sees what `motcua --help` lists.
    let top = motcua_output(&["--help".into()]);
    for path in paths.iter().filter(|p| p.len() == 1) {
        assert!(
            top.contains(&format!("  {} ", path[0])),
            "`motcua --help` does not list {path:?}:\n{top}"
        );
    }
    let named: Vec<String> = paths
        .iter()
        .map(|p| format!("motcua {}", p.join(" ")))
        .collect();
    assert_all_named("docs/commands.md", "commands", &named);

    let mut help = String::new();
    let mut all = vec![Vec::new()];
    all.extend(paths);
    for path in all {
        let mut args = path.clone();
        args.push("--help".into());
        let title = if path.is_empty() {
            "motcua".to_owned()
        } else {
            format!("motcua {}", path.join(" "))
        };
        help.push_str(&format!(
            "\n#### `{title}`\n\n```text\n{}```\n",
            motcua_output(&args)
        ));
    }
    generated_block("docs/commands.md", "help", &help);
}

// ---- API ----

fn openapi_operations() -> Vec<(String, String, String, String)> {
    let spec = motcua_web::openapi::spec();
    let paths = spec["paths"].as_object().expect("OpenAPI paths");
    let mut out = Vec::new();
    for (path, item) in paths {
        let item = item.as_object().expect("path item");
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            if let Some(op) = item.get(method) {
                let text = |k: &str| op[k].as_str().unwrap_or("").to_owned();
                out.push((
                    path.clone(),
                    method.to_uppercase(),
                    text("operationId"),
                    text("summary"),
                ));
            }
        }
    }
    out
}

#[test]
fn every_api_path_is_described_in_docs_api() {
    let operations = openapi_operations();
    assert!(
        operations.len() >= 40,
        "too few operations in the OpenAPI document: {operations:?}"
    );
    let paths: Vec<String> = operations
        .iter()
        .map(|(p, ..)| p.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_all_named("docs/api.md", "OpenAPI paths", &paths);

    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut table = String::from("\n| | path | operationId | summary |\n|---|---|---|---|\n");
    for (path, method, id, summary) in &operations {
        table.push_str(&format!(
            "| {method} | `{path}` | `{id}` | {} |\n",
            cell(summary)
        ));
    }
    table.push('\n');
    generated_block("docs/api.md", "openapi", &table);
}

// ---- pages ----

/// The first argument of every `.route("...")` in the page modules, read
/// from the source like the authorization matrix reads the routes.
fn page_routes() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("source dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&repo().join("crates/motcua-web/src/pages"), &mut files);
    files.sort();
    let mut routes = BTreeSet::new();
    for file in files {
        let text: String = std::fs::read_to_string(&file)
            .expect("source")
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut rest = text.as_str();
        while let Some(at) = rest.find(".route(") {
            rest = &rest[at + ".route(".len()..];
            if let Some(path) = rest.trim_start().strip_prefix('"') {
                routes.insert(path[..path.find('"').expect("closing quote")].to_owned());
            }
        }
    }
    routes.into_iter().collect()
}

#[test]
fn every_page_route_is_described_in_docs_pages() {
    let routes = page_routes();
    assert!(
        routes.len() >= 30 && routes.iter().any(|r| r == "/can-bo/tiep-nhan"),
        "the page route parser found too few routes: {routes:?}"
    );
    // `/` is named by every other route; ask for it quoted.
    let named: Vec<String> = routes
        .into_iter()
        .map(|r| if r == "/" { "`/`".into() } else { r })
        .collect();
    assert_all_named("docs/pages.md", "page routes", &named);
}

// ---- configuration ----

fn collect_keys(prefix: &str, value: &serde_json::Value, out: &mut BTreeSet<String>) {
    match value.as_object() {
        Some(map) if !map.is_empty() && prefix != "national.senders" => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                collect_keys(&key, v, out);
            }
        }
        _ => {
            out.insert(prefix.to_owned());
        }
    }
}

/// Every key `motcua default-config` prints (set or shown commented out
/// as `# key = ...` under its section) and every key of the defaults in code.
fn config_keys(example: &str) -> Vec<String> {
    let mut keys = BTreeSet::new();
    let parsed: toml::Table = toml::from_str(example).expect("the example parses");
    collect_keys(
        "",
        &serde_json::to_value(parsed).expect("as JSON"),
        &mut keys,
    );
    collect_keys(
        "",
        &serde_json::to_value(motcua::config::Settings::default()).expect("defaults as JSON"),
        &mut keys,
    );
    let mut section = String::new();
    for line in example.lines() {
        let bare = line.trim_start_matches('#').trim();
        if let Some(name) = bare.strip_prefix('[').and_then(|b| b.strip_suffix(']')) {
            section = name.to_owned();
        } else if let Some(body) = line.strip_prefix('#')
            && let Some((key, _)) = body.split_once('=')
        {
            let key = key.trim();
            if !section.is_empty()
                && !key.is_empty()
                && key.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            {
                keys.insert(format!("{section}.{key}"));
            }
        }
    }
    keys.into_iter().filter(|k| k.contains('.')).collect()
}

#[test]
fn every_configuration_key_is_described_in_docs_configuration() {
    let example = motcua_output(&["default-config".into()]);
    assert_eq!(example, motcua::config::DEFAULT_CONFIG);
    let keys = config_keys(&example);
    for expected in [
        "server.listen",
        "server.header_timeout_secs",
        "database.url",
        "auth.oidc.client_secret",
        "national.senders",
    ] {
        assert!(
            keys.iter().any(|k| k == expected),
            "the key reader missed {expected}: {keys:?}"
        );
    }
    let named: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    assert_all_named("docs/configuration.md", "configuration keys", &named);
    generated_block(
        "docs/configuration.md",
        "default-config",
        &format!("\n```toml\n{example}```\n\n"),
    );
}

#[test]
fn names_needs_a_whole_word() {
    assert!(names("`motcua accounts set` x", "motcua accounts set"));
    assert!(!names(
        "motcua accounts set-password",
        "motcua accounts set"
    ));
    assert!(!names("`/can-bo/ho-so.csv`", "/can-bo/ho-so"));
    assert!(!names("/can-bo/ho-so/{code}", "/can-bo/ho-so"));
    assert!(names("at /quoc-gia.", "/quoc-gia"));
    assert!(names("GET /api/v1/dossiers?agency=", "/api/v1/dossiers"));
    assert_eq!(
        written("a\n<!-- BEGIN GENERATED x: y -->\nb\n<!-- END GENERATED x -->\nc\n"),
        "a\nc\n"
    );
}
