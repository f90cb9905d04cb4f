//! What the dossier page shows: the timeline with the timeliness of each
//! step (form 06) and the supplements the applicant sent, the components
//! with their files, fees, payments, results and extensions, and the
//! reception checklist of an online dossier (the in-person desk's, with
//! "taken from the population database" once a look-up is recorded).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use motcua_app::dossiers::DossierView;
use motcua_app::ports::attachments::AttachmentRow;
use motcua_domain::catalog::{ProcedureCode, WaiverSource};
use motcua_domain::dossier::{
    ApplicantId, ComponentState, DataSource, Timeliness, records::classify_handover,
};

use super::reception_view::{ComponentRow, component_rows};
use super::view::{actor_name, event_name, when_opt};
use crate::AppState;
use crate::i18n::Messages;
use motcua_domain::format::{local_datetime, vnd};

/// Who uploads a supplement: the holder of the tracking verifier.
const HOLDER: &str = "citizen:holder";

/// One stored file of the dossier.
#[derive(Clone)]
pub struct FileView {
    /// The stored attachment's id.
    pub id: String,
    /// Component code (`TP1`...).
    pub component: String,
    /// The component's name.
    pub component_name: String,
    /// The file's name (display only).
    pub name: String,
    /// Size and type, in words.
    pub about: String,
    /// The download route, opened in the browser (PDF, images).
    pub url: String,
    /// When it arrived, in words.
    pub at: String,
    /// When it arrived.
    pub uploaded_at: DateTime<Utc>,
    /// Sent by the applicant as a supplement (after filing).
    pub supplement: bool,
}

/// One line of the reception checklist, with the component's files.
pub struct ReceiveRow {
    /// The line, as on the in-person desk.
    pub row: ComponentRow,
    /// The files sent for it.
    pub files: Vec<FileView>,
}

/// The reception checklist of a dossier waiting for reception.
pub struct ReceiveView {
    /// One line per component of the procedure.
    pub rows: Vec<ReceiveRow>,
    /// The recorded look-up that lets components be taken from the
    /// population database, in words; `None` before one.
    pub reuse: Option<String>,
    /// The applicant is a citizen (a look-up is possible).
    pub can_look_up: bool,
}

/// What the dossier page adds to the dossier itself: its files and, while
/// it waits for reception, the checklist.
pub struct DeskExtras {
    /// Every stored file, oldest first.
    pub files: Vec<FileView>,
    /// The reception checklist, when `receive` is allowed now.
    pub receive: Option<ReceiveView>,
}

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
    /// Files that came with the step (name, link).
    pub files: Vec<(String, String)>,
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
    /// Its files (name, link).
    pub files: Vec<(String, String)>,
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

/// The timeline, oldest first: each `supplement_sent` event with the
/// files it names, and a file the applicant sent that no such event names
/// (stored before the event existed, or its event failed) as a step of its
/// own, so that no supplement is hidden.
pub fn timeline(t: &Messages, view: &DossierView, files: &[FileView]) -> Vec<StepView> {
    let mut steps: Vec<(DateTime<Utc>, StepView)> = events(t, view, files);
    let named: Vec<&str> = view
        .events
        .iter()
        .flat_map(|e| e.files.iter().map(|f| f.id.as_str()))
        .collect();
    steps.extend(supplement_steps(t, files, &named));
    steps.extend(result_steps(t, files));
    steps.sort_by_key(|(at, _)| *at);
    steps.into_iter().map(|(_, s)| s).collect()
}

/// The applicant's files that no `supplement_sent` event names, as steps
/// ("Công dân gửi bổ sung").
fn supplement_steps(
    t: &Messages,
    files: &[FileView],
    named: &[&str],
) -> Vec<(DateTime<Utc>, StepView)> {
    files
        .iter()
        .filter(|f| f.supplement && !named.contains(&f.id.as_str()))
        .map(|f| {
            (
                f.uploaded_at,
                StepView {
                    at: f.at.clone(),
                    actor: t.get("desk-actor-citizen"),
                    what: format!(
                        "{}: {}",
                        t.get("desk-event-supplement-sent"),
                        f.component_name
                    ),
                    timeliness: String::new(),
                    timeliness_label: String::new(),
                    files: vec![(f.name.clone(), f.url.clone())],
                },
            )
        })
        .collect()
}

/// The result documents (electronic results, component `KQ`) as steps
/// (issue 15 item 6).
fn result_steps(t: &Messages, files: &[FileView]) -> Vec<(DateTime<Utc>, StepView)> {
    files
        .iter()
        .filter(|f| f.component == motcua_app::dossiers::sector::RESULT_COMPONENT)
        .map(|f| {
            (
                f.uploaded_at,
                StepView {
                    at: f.at.clone(),
                    actor: String::new(),
                    what: t.get("desk-event-result-attached"),
                    timeliness: String::new(),
                    timeliness_label: String::new(),
                    files: vec![(f.name.clone(), f.url.clone())],
                },
            )
        })
        .collect()
}

fn events(t: &Messages, view: &DossierView, files: &[FileView]) -> Vec<(DateTime<Utc>, StepView)> {
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
            // The applicant's supplement, with the files the event names.
            let mut sent = Vec::new();
            if e.event_type == "supplement_sent" {
                let mut names = Vec::new();
                for f in files
                    .iter()
                    .filter(|f| e.files.iter().any(|s| s.id == f.id))
                {
                    names.push(f.component_name.clone());
                    sent.push((f.name.clone(), f.url.clone()));
                }
                names.dedup();
                if !names.is_empty() {
                    what = format!("{what}: {}", names.join(", "));
                }
            }
            if e.event_type == "transfer_declined"
                && let Some(x) = d.declines.iter().find(|x| x.at == e.at)
            {
                what = format!("{what} ({}): {}", x.from_agency.as_str(), x.reason);
            }
            (
                e.at,
                StepView {
                    at: local_datetime(e.at),
                    actor: actor_name(t, &e.actor),
                    what,
                    timeliness,
                    timeliness_label,
                    files: sent,
                },
            )
        })
        .collect()
}

/// The components, their states and their files.
pub fn components(t: &Messages, view: &DossierView, files: &[FileView]) -> Vec<ComponentView> {
    view.dossier
        .components
        .iter()
        .map(|c| ComponentView {
            files: files
                .iter()
                .filter(|f| f.component == c.code)
                .map(|f| (f.name.clone(), f.url.clone()))
                .collect(),
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
                ComponentState::Waived {
                    source,
                    reuse: Some(r),
                } => t.with_args(
                    "desk-state-reused",
                    &[
                        ("source", &source_name(t, source)),
                        ("at", &local_datetime(r.looked_up_at)),
                        ("officer", &r.officer),
                    ],
                ),
                ComponentState::Waived { source, .. } => {
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
                local_datetime(p.paid_at)
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
                local_datetime(e.new_due_at),
                e.reason
            ),
        });
    }
    // The sub-state "the applicant sent the supplement", until an officer
    // records it (the status and the paused clock do not change before).
    if let Some(at) = d.supplement_sent_at() {
        out.push(Line {
            label: t.get("desk-line-supplement-sent"),
            value: t.with_args("desk-supplement-sent-check", &[("at", &local_datetime(at))]),
        });
    }
    for p in &d.pauses {
        out.push(Line {
            label: t.get("desk-line-pause"),
            value: format!("{} → {}", local_datetime(p.from), when_opt(p.until)),
        });
    }
    out
}

/// `12345` → `12 KB`.
fn size_words(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// The dossier's stored files, oldest first, each with its inline link.
pub fn file_views(view: &DossierView, rows: Vec<AttachmentRow>) -> Vec<FileView> {
    let d = &view.dossier;
    rows.into_iter()
        .map(|r| FileView {
            component_name: d
                .components
                .iter()
                .find(|c| c.code == r.component)
                .map_or_else(|| r.component.clone(), |c| c.name.clone()),
            url: format!(
                "/api/v1/dossiers/{}/attachments/{}?inline=true",
                super::encode_component(d.code.as_str()),
                super::encode_component(&r.id)
            ),
            about: format!(
                "{}, {}",
                match r.content_type.as_str() {
                    "application/pdf" => "PDF",
                    "image/png" => "PNG",
                    "image/jpeg" => "JPEG",
                    other => other,
                },
                size_words(r.size_bytes)
            ),
            at: local_datetime(r.uploaded_at),
            uploaded_at: r.uploaded_at,
            supplement: r.uploaded_by == HOLDER,
            id: r.id,
            component: r.component,
            name: r.display_name,
        })
        .collect()
}

/// The form value that stands for a component's current state.
fn decision_of(state: &ComponentState) -> &'static str {
    match state {
        ComponentState::Submitted { .. } => "submitted",
        ComponentState::Presented => "presented",
        ComponentState::Missing => "missing",
        ComponentState::Waived { reuse: Some(_), .. } => "reused",
        ComponentState::Waived { source, .. } => match source {
            DataSource::PopulationDatabase => "waived:population_db",
            DataSource::CivilStatusDatabase => "waived:civil_status_db",
            DataSource::EarlierResult(_) => "waived:earlier_result",
            DataSource::Other(what) if what.contains("chứng sinh") => {
                "waived:electronic_birth_certificate"
            }
            DataSource::CitizenDataStore | DataSource::Other(_) => "waived:sector_db",
        },
    }
}

/// The files and, when the dossier waits for reception, its checklist:
/// each component as the in-person desk shows it, chosen as the dossier
/// has it (or as `typed` after a refusal); a component the population
/// database can replace is "taken from it" by default once a look-up for
/// this dossier is recorded.
pub async fn desk_extras(
    state: &AppState,
    t: &Messages,
    view: &DossierView,
    receive_allowed: bool,
    typed: &[(String, String)],
) -> DeskExtras {
    let d = &view.dossier;
    let rows = state
        .attachments
        .list(d.code.as_str())
        .await
        .unwrap_or_default();
    let files = file_views(view, rows);
    if !receive_allowed {
        return DeskExtras {
            files,
            receive: None,
        };
    }
    let version = match ProcedureCode::parse(&d.procedure.code) {
        Ok(code) => state
            .catalog
            .in_force(&code, motcua_app::dossiers::local_day(d.submitted_at))
            .await
            .ok(),
        Err(_) => None,
    };
    let Some(version) = version else {
        return DeskExtras {
            files,
            receive: None,
        };
    };
    let reuse = match &d.applicant.id {
        ApplicantId::Citizen(id) => state
            .lookups
            .recorded_reuse(d.code.as_str(), id)
            .await
            .ok()
            .flatten(),
        ApplicantId::Organisation(_) => None,
    };
    let chosen: BTreeMap<String, String> = typed
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("c_").map(|c| (c.to_owned(), v.clone())))
        .collect();
    let current = |code: &str| d.components.iter().find(|c| c.code == code);
    let procedure = &version.procedure;
    let rows = component_rows(t, procedure, &chosen, true, |code, c, _| {
        match current(code).map(|x| &x.state) {
            Some(ComponentState::Missing) | None
                if reuse.is_some()
                    && c.waivers
                        .iter()
                        .any(|w| w.source == WaiverSource::PopulationDb) =>
            {
                "reused".to_owned()
            }
            Some(state) => decision_of(state).to_owned(),
            None => "missing".to_owned(),
        }
    });
    DeskExtras {
        receive: Some(ReceiveView {
            rows: rows
                .into_iter()
                .map(|row| ReceiveRow {
                    files: files
                        .iter()
                        .filter(|f| f.component == row.code)
                        .cloned()
                        .collect(),
                    row,
                })
                .collect(),
            reuse: reuse.map(|r| {
                t.with_args(
                    "desk-reuse-recorded",
                    &[
                        ("at", &local_datetime(r.looked_up_at)),
                        ("officer", &r.officer),
                    ],
                )
            }),
            can_look_up: matches!(d.applicant.id, ApplicantId::Citizen(_)),
        }),
        files,
    }
}
