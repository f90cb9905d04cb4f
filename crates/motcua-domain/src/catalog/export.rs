//! Writing procedure versions back to the TOML catalog format.
//!
//! The output is canonical: keys in a fixed order, optional keys left out
//! when empty, every waiver text written out. Parsing it gives the same
//! values back (see the round-trip tests).

use std::fmt::Write;

use super::keyword::Keyword;
use super::model::ProcedureVersion;
use super::parts::{Fee, Requirement};

/// A TOML string literal, escaped.
fn s(text: &str) -> String {
    toml_edit::Value::from(text).to_string()
}

/// A TOML array of strings; one element per line when it has more than one.
fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(s).collect();
    match items.len() {
        0 => "[]".to_owned(),
        1 => format!("[{}]", items[0]),
        _ => format!(
            "[\n{}]",
            items
                .iter()
                .map(|i| format!("    {i},\n"))
                .collect::<String>()
        ),
    }
}

/// Writes `versions` as one catalog file of `[[procedure]]` tables.
pub fn export_catalog(versions: &[ProcedureVersion]) -> String {
    let mut out = String::new();
    for (i, v) in versions.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        // Writing to a String cannot fail.
        let _ = write_version(&mut out, v);
    }
    out
}

fn write_version(o: &mut String, v: &ProcedureVersion) -> std::fmt::Result {
    let p = &v.procedure;
    writeln!(o, "[[procedure]]")?;
    writeln!(o, "code = {}", s(p.code.as_str()))?;
    writeln!(o, "version = {}", v.version)?;
    writeln!(o, "valid_from = {}", v.valid_from)?;
    if let Some(to) = v.valid_to {
        writeln!(o, "valid_to = {to}")?;
    }
    if let Some(id) = p.portal_id {
        writeln!(o, "portal_id = {}", s(&id.to_string()))?;
    }
    writeln!(o, "name = {}", s(&p.name))?;
    writeln!(o, "levels = {}", list(p.levels.iter().map(|l| l.keyword())))?;
    writeln!(
        o,
        "agencies = {}",
        list(p.agencies.iter().map(|a| a.as_toml_str()))
    )?;
    writeln!(o, "online = {}", s(p.online.keyword()))?;
    writeln!(
        o,
        "results = {}",
        list(p.results.iter().map(String::as_str))
    )?;
    writeln!(
        o,
        "legal_basis = {}",
        list(p.legal_basis.iter().map(String::as_str))
    )?;
    writeln!(o, "source = {}", s(p.source.keyword()))?;
    writeln!(o, "source_note = {}", s(&p.source_note))?;

    writeln!(o, "\n[procedure.field]")?;
    if let Some(code) = &p.field.code {
        writeln!(o, "code = {}", s(code))?;
    }
    writeln!(o, "name = {}", s(&p.field.name))?;

    if let Some(b) = &p.phi_dia_gioi {
        writeln!(o, "\n[procedure.phi_dia_gioi]")?;
        writeln!(o, "effective_from = {}", b.effective_from)?;
        if let Some(basis) = &b.basis {
            writeln!(o, "basis = {}", s(basis))?;
        }
    }

    let t = &p.timing;
    writeln!(o, "\n[procedure.timing]")?;
    if let Some(limit) = t.limit {
        writeln!(o, "amount = {}", limit.amount)?;
        writeln!(o, "unit = {}", s(limit.unit.keyword()))?;
    }
    writeln!(o, "source = {}", s(t.source.keyword()))?;
    if let Some(note) = &t.note {
        writeln!(o, "note = {}", s(note))?;
    }
    if let Some(c) = t.cut_off {
        writeln!(o, "cut_off = {}", s(&c.to_string()))?;
    }
    if let Some(src) = t.cut_off_source {
        writeln!(o, "cut_off_source = {}", s(src.keyword()))?;
    }
    writeln!(
        o,
        "saturday_morning_reception = {}",
        t.saturday_morning_reception
    )?;

    let f = &p.fees;
    writeln!(o, "\n[procedure.fees]")?;
    writeln!(o, "source = {}", s(f.source.keyword()))?;
    if let Some(note) = &f.note {
        writeln!(o, "note = {}", s(note))?;
    }
    writeln!(
        o,
        "exemptions = {}",
        list(f.exemptions.iter().map(String::as_str))
    )?;
    for line in &f.lines {
        write_fee(o, line)?;
    }

    writeln!(o, "\n[procedure.forms]")?;
    writeln!(o, "preset = {}", s(p.forms.preset.keyword()))?;
    for (role, code) in &p.forms.overrides {
        writeln!(o, "{} = {}", role.keyword(), s(code))?;
    }

    for c in &p.components {
        writeln!(o, "\n[[procedure.components]]")?;
        writeln!(o, "name = {}", s(&c.name))?;
        writeln!(o, "form = {}", s(c.form.keyword()))?;
        writeln!(o, "count = {}", c.count)?;
        writeln!(o, "requirement = {}", s(c.requirement.keyword()))?;
        if let Requirement::Conditional(cond) = &c.requirement {
            writeln!(o, "condition = {}", s(cond))?;
        }
        if let Some(note) = &c.note {
            writeln!(o, "note = {}", s(note))?;
        }
        for w in &c.waivers {
            writeln!(o, "\n[[procedure.components.waivers]]")?;
            writeln!(o, "source = {}", s(w.source.keyword()))?;
            writeln!(o, "text = {}", s(&w.text))?;
        }
    }

    for st in &p.steps {
        writeln!(o, "\n[[procedure.steps]]")?;
        writeln!(o, "name = {}", s(&st.name))?;
        writeln!(o, "role = {}", s(st.role.keyword()))?;
        writeln!(o, "agency = {}", s(st.agency.as_toml_str()))?;
        writeln!(o, "share_percent = {}", st.share_percent)?;
    }
    Ok(())
}

fn write_fee(o: &mut String, f: &Fee) -> std::fmt::Result {
    writeln!(o, "\n[[procedure.fees.lines]]")?;
    writeln!(o, "name = {}", s(&f.name))?;
    writeln!(o, "in_person_vnd = {}", f.in_person_vnd)?;
    if let Some(v) = f.online_vnd {
        writeln!(o, "online_vnd = {v}")?;
    }
    writeln!(o, "basis = {}", s(f.basis.keyword()))?;
    if let Some(v) = f.max_vnd {
        writeln!(o, "max_vnd = {v}")?;
    }
    if let Some(src) = f.source {
        writeln!(o, "source = {}", s(src.keyword()))?;
    }
    if let Some(note) = &f.note {
        writeln!(o, "note = {}", s(note))?;
    }
    Ok(())
}
