//! What the reception page shows: the form as typed, the procedure's
//! checklist with waivers, fees and the deciding agencies.

use std::collections::BTreeMap;

use motcua_app::dossiers::{ComponentChoices, ComponentDecision};
use motcua_app::ports::AgencyFilter;
use motcua_domain::agency::AgencyKind;
use motcua_domain::catalog::{ProcedureCode, ProcedureVersion, WaiverSource};
use motcua_domain::dossier::ComponentState;
use motcua_domain::format::vnd;
use motcua_domain::legal_time::{TimeLimit, TimeUnit};

use crate::AppState;
use crate::i18n::Messages;

/// The reception form as sent (every field kept across re-renders).
#[derive(Debug, Clone, Default)]
pub struct ReceptionForm {
    /// Idempotency key of the reception.
    pub key: String,
    /// `lookup`, `check` or `receive`.
    pub step: String,
    /// Số định danh cá nhân.
    pub personal_id: String,
    /// Họ và tên.
    pub full_name: String,
    /// Ngày sinh (`YYYY-MM-DD`).
    pub birth_date: String,
    /// Điện thoại.
    pub phone: String,
    /// Địa chỉ (residence or contact).
    pub address: String,
    /// Thư điện tử.
    pub email: String,
    /// Purpose of the registry look-up.
    pub purpose: String,
    /// Search text for the procedure.
    pub procedure_q: String,
    /// Chosen procedure code.
    pub procedure: String,
    /// Chosen deciding agency.
    pub deciding_agency: String,
    /// The personal ID the registry confirmed (empty if none).
    pub found_id: String,
    /// The confirmed person's permanent commune.
    pub found_unit: String,
    /// Component choices by code (`TP1` → `submitted`...).
    pub components: BTreeMap<String, String>,
    /// Lý do từ chối tiếp nhận (step `refuse`).
    pub refusal_reason: String,
    /// Số bộ hồ sơ as typed ("" = the default, 1).
    pub sets: String,
}

impl ReceptionForm {
    /// Reads the urlencoded pairs; component choices are `c_<code>`.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = Self::default();
        for (k, v) in pairs {
            let cap = if k == "refusal_reason" { 1_000 } else { 300 };
            let v = v.chars().take(cap).collect::<String>();
            match k.as_str() {
                "key" => f.key = v,
                "step" => f.step = v,
                "personal_id" => f.personal_id = v.trim().to_owned(),
                "full_name" => f.full_name = v,
                "birth_date" => f.birth_date = v.trim().to_owned(),
                "phone" => f.phone = v,
                "address" => f.address = v,
                "email" => f.email = v.trim().to_owned(),
                "purpose" => f.purpose = v,
                "procedure_q" => f.procedure_q = v,
                "procedure" => f.procedure = v.trim().to_owned(),
                "deciding_agency" => f.deciding_agency = v.trim().to_owned(),
                "found_id" => f.found_id = v,
                "found_unit" => f.found_unit = v,
                "refusal_reason" => f.refusal_reason = v,
                "sets" => f.sets = v.trim().chars().take(10).collect(),
                other => {
                    if let Some(code) = other.strip_prefix("c_") {
                        f.components.insert(code.to_owned(), v);
                    }
                }
            }
        }
        f
    }

    /// Số bộ hồ sơ: `Ok(None)` when left empty (1), `Err("sets")` unless
    /// a whole number from 1 to [`Intake::MAX_SETS`].
    ///
    /// [`Intake::MAX_SETS`]: motcua_domain::dossier::Intake::MAX_SETS
    pub fn sets(&self) -> Result<Option<i64>, &'static str> {
        if self.sets.is_empty() {
            return Ok(None);
        }
        let max = i64::from(motcua_domain::dossier::Intake::MAX_SETS);
        match self.sets.parse::<i64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
            _ => Err("sets"),
        }
    }

    /// Whether the registry confirmed the person now typed.
    pub fn confirmed(&self) -> bool {
        !self.found_id.is_empty() && self.found_id == self.personal_id
    }
}

/// One choice of a component's select.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Form value.
    pub value: String,
    /// Label.
    pub label: String,
    /// Selected.
    pub selected: bool,
}

/// One line of the checklist.
#[derive(Debug, Clone)]
pub struct ComponentRow {
    /// `TP1`...
    pub code: String,
    /// Name.
    pub name: String,
    /// Required (bắt buộc).
    pub required: bool,
    /// The choices.
    pub choices: Vec<Choice>,
    /// "You do not need to bring this if ..." texts.
    pub waiver_texts: Vec<String>,
    /// Waived now, with its source.
    pub waived_by: Option<String>,
}

/// One fee line.
#[derive(Debug, Clone)]
pub struct FeeRow {
    /// Name.
    pub name: String,
    /// Amount at the counter.
    pub amount: String,
}

/// The chosen procedure as the desk sees it.
#[derive(Debug, Clone)]
pub struct ProcedureView {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// Time limit, in words.
    pub limit: String,
    /// May be filed at any centre of the province.
    pub boundary_free: bool,
    /// The checklist.
    pub components: Vec<ComponentRow>,
    /// Fees.
    pub fees: Vec<FeeRow>,
    /// Exemptions and notes on fees.
    pub fee_notes: Vec<String>,
}

/// A deciding-agency option.
#[derive(Debug, Clone)]
pub struct AgencyOption {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Selected.
    pub selected: bool,
}

/// A time limit in words.
pub fn limit_text(t: &Messages, limit: Option<TimeLimit>) -> String {
    match limit {
        None => t.get("desk-limit-unknown"),
        Some(l) if l.amount == 0 => t.get("desk-limit-same-day"),
        Some(l) => {
            let key = match l.unit {
                TimeUnit::WorkingDays => "desk-limit-working-days",
                TimeUnit::CalendarDays => "desk-limit-calendar-days",
                TimeUnit::WorkingHours => "desk-limit-working-hours",
                TimeUnit::Months => "desk-limit-months",
            };
            t.with_count(key, "n", l.amount.into())
        }
    }
}

/// The form value of a waiver source.
fn waiver_value(source: WaiverSource) -> &'static str {
    match source {
        WaiverSource::PopulationDb => "waived:population_db",
        WaiverSource::CivilStatusDb => "waived:civil_status_db",
        WaiverSource::EarlierResult => "waived:earlier_result",
        WaiverSource::ElectronicBirthCertificate => "waived:electronic_birth_certificate",
        WaiverSource::SectorDb => "waived:sector_db",
    }
}

/// The name of a waiver source, from its form value.
pub fn source_label(t: &Messages, value: &str) -> String {
    t.get(&format!(
        "desk-source-{}",
        value.trim_start_matches("waived:").replace('_', "-")
    ))
}

/// A component choice as a domain state (the use case's decisions; a
/// look-up record is the use case's to add, so `reused` is not one here).
pub fn component_state(value: &str) -> Option<ComponentState> {
    ComponentDecision::parse(value)
        .filter(|d| *d != ComponentDecision::Reused)
        .map(|d| d.state(None))
}

/// The chosen decisions, for the use case (`reused` is checked there
/// against the officer's look-up).
pub fn component_inputs(form: &ReceptionForm) -> ComponentChoices {
    ComponentChoices::Decisions(
        form.components
            .iter()
            .filter_map(|(code, v)| ComponentDecision::parse(v).map(|d| (code.clone(), d)))
            .collect(),
    )
}

/// The checklist of a procedure: each component with every choice the desk
/// has for it (submitted, presented, missing, the waivers the catalog
/// gives it and, with `reuse`, "taken from the population database" for
/// those the population database can replace), the one in `chosen` (by
/// code) selected, else the one `default` gives (from the component and
/// its code and whether it is required).
pub fn component_rows(
    t: &Messages,
    p: &motcua_domain::catalog::Procedure,
    chosen: &BTreeMap<String, String>,
    reuse: bool,
    default: impl Fn(&str, &motcua_domain::catalog::Component, bool) -> String,
) -> Vec<ComponentRow> {
    p.components
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let code = format!("TP{}", i + 1);
            let required = c.requirement == motcua_domain::catalog::Requirement::Required;
            let chosen = chosen
                .get(&code)
                .cloned()
                .unwrap_or_else(|| default(&code, c, required));
            let mut values: Vec<(String, String)> = ["submitted", "presented", "missing"]
                .iter()
                .map(|v| ((*v).to_owned(), t.get(&format!("desk-component-{v}"))))
                .collect();
            if reuse
                && c.waivers
                    .iter()
                    .any(|w| w.source == WaiverSource::PopulationDb)
            {
                values.push(("reused".to_owned(), t.get("desk-component-reused")));
            }
            for w in &c.waivers {
                let v = waiver_value(w.source);
                values.push((
                    v.to_owned(),
                    t.with_args("desk-component-waived", &[("source", &source_label(t, v))]),
                ));
            }
            ComponentRow {
                choices: values
                    .into_iter()
                    .map(|(value, label)| Choice {
                        selected: value == chosen,
                        value,
                        label,
                    })
                    .collect(),
                waived_by: if chosen == "reused" {
                    Some(source_label(t, "waived:population_db"))
                } else {
                    chosen
                        .starts_with("waived:")
                        .then(|| source_label(t, &chosen))
                },
                waiver_texts: c.waivers.iter().map(|w| w.text.clone()).collect(),
                code,
                name: c.name.clone(),
                required,
            }
        })
        .collect()
}

/// The procedure in force today, as the desk shows it; `None` when unknown.
pub async fn procedure_view(
    state: &AppState,
    t: &Messages,
    form: &ReceptionForm,
) -> Option<ProcedureView> {
    let code = ProcedureCode::parse(&form.procedure).ok()?;
    let version: ProcedureVersion = state
        .catalog
        .in_force(&code, state.clock.today())
        .await
        .ok()?;
    let p = &version.procedure;
    let confirmed = form.confirmed();
    // Once the registry confirmed the applicant, what it replaces is
    // taken from it ("reused", with the look-up recorded).
    let components = component_rows(t, p, &form.components, confirmed, |_, c, required| {
        if confirmed
            && c.waivers
                .iter()
                .any(|w| w.source == WaiverSource::PopulationDb)
        {
            "reused".to_owned()
        } else if required {
            "submitted".to_owned()
        } else {
            "missing".to_owned()
        }
    });
    let mut fee_notes = p.fees.exemptions.clone();
    fee_notes.extend(p.fees.note.clone());
    Some(ProcedureView {
        code: p.code.as_str().to_owned(),
        name: p.name.clone(),
        field: p.field.name.clone(),
        limit: limit_text(t, p.timing.limit),
        boundary_free: p.phi_dia_gioi.is_some(),
        components,
        fees: p
            .fees
            .lines
            .iter()
            .map(|f| FeeRow {
                name: f.name.clone(),
                amount: vnd(f.in_person_vnd),
            })
            .collect(),
        fee_notes,
    })
}

/// The commune committees of the province (cơ quan giải quyết), with the
/// form's choice, else the confirmed person's commune, else the officer's
/// own commune selected.
pub async fn deciding_options(
    state: &AppState,
    officer_agency: &str,
    form: &ReceptionForm,
) -> Vec<AgencyOption> {
    let committees = state
        .agencies
        .list(&AgencyFilter {
            kind: Some(AgencyKind::CommuneCommittee),
            limit: 5_000,
            ..AgencyFilter::default()
        })
        .await
        .map(|(a, _)| a)
        .unwrap_or_default();
    let own_unit = state
        .agencies
        .get(officer_agency)
        .await
        .map(|a| a.unit_code)
        .unwrap_or_default();
    let wanted = if !form.deciding_agency.is_empty() {
        Some(form.deciding_agency.clone())
    } else {
        let unit = if form.confirmed() && !form.found_unit.is_empty() {
            &form.found_unit
        } else {
            &own_unit
        };
        committees
            .iter()
            .find(|a| &a.unit_code == unit)
            .map(|a| a.id.clone())
    };
    let mut options: Vec<AgencyOption> = committees
        .into_iter()
        .map(|a| AgencyOption {
            selected: wanted.as_deref() == Some(a.id.as_str()),
            name: super::people::place_first(&a.name),
            id: a.id,
        })
        .collect();
    // Vietnamese order by the commune's name (UX review #6).
    motcua_domain::text::VietnameseCollator::shared().sort_by_key(&mut options, |o| &o.name);
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices() {
        assert!(component_state("waived:population_db").is_some());
        assert!(component_state("bogus").is_none());
        let f = ReceptionForm::from_pairs(vec![
            ("c_TP1".into(), "presented".into()),
            ("personal_id".into(), " 019087000001 ".into()),
            ("found_id".into(), "019087000001".into()),
        ]);
        assert!(f.confirmed());
        assert!(matches!(component_inputs(&f), ComponentChoices::Decisions(d) if d.len() == 1));
    }
}
