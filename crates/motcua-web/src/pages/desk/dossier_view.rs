//! What the dossier page shows: the timeline with the timeliness of each
//! step (form 06), the components, fees, payments, results and extensions.

use motcua_app::dossiers::DossierView;
use motcua_domain::dossier::{ComponentState, DataSource, Timeliness, records::classify_handover};

use super::reception_view::vnd;
use super::view::{actor_name, event_name, when, when_opt};
use crate::i18n::Messages;

/// One step of the timeline.
pub struct StepView {
    /// When.
    pub at: String,
    /// Who.
    pub actor: String,
    /// What.
    pub what: String,
    /// `early`, `on-time`, `late` or empty.
    pub timeliness: String,
    /// The timeliness in words.
    pub timeliness_label: String,
}

/// One component.
pub struct ComponentView {
    /// Name.
    pub name: String,
    /// Required.
    pub required: bool,
    /// State in words.
    pub state: String,
    /// Missing while required.
    pub missing: bool,
}

/// A line with a label and a value.
pub struct Line {
    /// Label.
    pub label: String,
    /// Value.
    pub value: String,
}

/// The name of a data source.
pub fn source_name(t: &Messages, s: &DataSource) -> String {
    match s {
        DataSource::PopulationDatabase => t.get("desk-source-population-db"),
        DataSource::CivilStatusDatabase => t.get("desk-source-civil-status-db"),
        DataSource::CitizenDataStore => t.get("desk-source-citizen-store"),
        DataSource::EarlierResult(what) => {
            format!("{} ({what})", t.get("desk-source-earlier-result"))
        }
        DataSource::Other(what) => what.clone(),
    }
}

fn timeliness(t: &Messages, v: Timeliness) -> (String, String) {
    let key = match v {
        Timeliness::Early => "early",
        Timeliness::OnTime => "on-time",
        Timeliness::Late => "late",
    };
    (key.to_owned(), t.get(&format!("desk-timeliness-{key}")))
}

/// The timeline, oldest first.
pub fn timeline(t: &Messages, view: &DossierView) -> Vec<StepView> {
    let d = &view.dossier;
    view.events
        .iter()
        .map(|e| {
            let judged = match e.event_type.as_str() {
                "handed_over" => d
                    .control_records
                    .iter()
                    .find(|r| r.at == e.at)
                    .map(|r| r.timeliness),
                "result_ready" | "result_returned" => {
                    d.due_at.map(|due| classify_handover(e.at, due))
                }
                _ => None,
            };
            let (timeliness, timeliness_label) =
                judged.map(|v| timeliness(t, v)).unwrap_or_default();
            let mut what = event_name(t, &e.event_type);
            if e.event_type == "handed_over"
                && let Some(r) = d.control_records.iter().find(|r| r.at == e.at)
            {
                what = format!("{what} → {}", r.received_by);
            }
            // What a sector agency said (liên thông), for officers only.
            if e.event_type == "progress_reported"
                && let Some(p) = d.progress.iter().find(|p| p.at == e.at)
            {
                let said: Vec<&str> = [p.progress.step.as_deref(), p.progress.note.as_deref()]
                    .into_iter()
                    .flatten()
                    .filter(|s| !s.is_empty())
                    .collect();
                what = format!("{what} ({}): {}", p.agency.as_str(), said.join(" — "));
            }
            if e.event_type == "transfer_declined"
                && let Some(x) = d.declines.iter().find(|x| x.at == e.at)
            {
                what = format!("{what} ({}): {}", x.from_agency.as_str(), x.reason);
            }
            StepView {
                at: when(e.at),
                actor: actor_name(t, &e.actor),
                what,
                timeliness,
                timeliness_label,
            }
        })
        .collect()
}

/// The components and their states.
pub fn components(t: &Messages, view: &DossierView) -> Vec<ComponentView> {
    view.dossier
        .components
        .iter()
        .map(|c| ComponentView {
            name: c.name.clone(),
            required: c.required,
            missing: !c.is_satisfied(),
            state: match &c.state {
                ComponentState::Submitted { digitised } => {
                    if *digitised {
                        t.get("desk-state-submitted-digitised")
                    } else {
                        t.get("desk-state-submitted")
                    }
                }
                ComponentState::Presented => t.get("desk-state-presented"),
                ComponentState::Waived { source } => {
                    format!("{}: {}", t.get("desk-state-waived"), source_name(t, source))
                }
                ComponentState::Missing => t.get("desk-state-missing"),
            },
        })
        .collect()
}

/// Fees, payments, results and extensions, as lines.
pub fn money_and_results(t: &Messages, view: &DossierView) -> Vec<Line> {
    let d = &view.dossier;
    let mut out = Vec::new();
    for f in &d.fees {
        out.push(Line {
            label: t.get("desk-line-fee"),
            value: format!("{}: {}", f.name, vnd(f.amount_vnd)),
        });
    }
    for p in &d.payments {
        out.push(Line {
            label: t.get("desk-line-payment"),
            value: format!(
                "{} ({}, {})",
                vnd(p.amount_vnd),
                p.reference,
                when(p.paid_at)
            ),
        });
    }
    for r in &d.results {
        out.push(Line {
            label: t.get("desk-line-result"),
            value: match &r.number {
                Some(n) => format!("{} — {n}", r.name),
                None => r.name.clone(),
            },
        });
    }
    for e in &d.extensions {
        out.push(Line {
            label: t.get("desk-line-extension"),
            value: format!(
                "{} → {} ({})",
                when_opt(e.previous_due_at),
                when(e.new_due_at),
                e.reason
            ),
        });
    }
    for p in &d.pauses {
        out.push(Line {
            label: t.get("desk-line-pause"),
            value: format!("{} → {}", when(p.from), when_opt(p.until)),
        });
    }
    out
}
