//! The actions of the dossier page: which are allowed now (the domain's
//! transition table), and how each form becomes an [`ActionInput`].

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone, Utc};
use motcua_app::dossiers::{ActionInput, ComponentChoices, ComponentDecision, ComponentInput};
use motcua_domain::dossier::{
    ActionKind, ComponentState, Dossier, FeeKind, FeeLine, LocalStatus, PaymentMethod,
    ResultDocument, ReturnMethod, is_allowed,
};

/// The officer's actions in the order the page lists them, with the
/// domain kind that decides whether each is allowed.
pub const ACTIONS: [(&str, ActionKind); 13] = [
    ("receive", ActionKind::Receive),
    ("hand_over", ActionKind::HandOver),
    ("request_supplement", ActionKind::RequestSupplement),
    ("supplement_received", ActionKind::ResumeAfterSupplement),
    ("request_payment", ActionKind::RequestPayment),
    ("record_payment", ActionKind::RecordPayment),
    ("transfer", ActionKind::Transfer),
    ("apologise_and_extend", ActionKind::ApologiseAndExtend),
    ("result_ready", ActionKind::MarkResultReady),
    ("return", ActionKind::ReturnResult),
    ("stop", ActionKind::Stop),
    ("refuse", ActionKind::RefuseReception),
    ("withdraw", ActionKind::Withdraw),
];

/// The actions allowed in a status.
pub fn allowed(status: LocalStatus) -> Vec<&'static str> {
    ACTIONS
        .iter()
        .filter(|(_, kind)| is_allowed(*kind, status))
        .map(|(name, _)| *name)
        .collect()
}

/// The posted form, as pairs.
pub struct ActionForm(pub Vec<(String, String)>);

impl ActionForm {
    /// The first value of a field, trimmed ("" when absent).
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    }

    /// Every value of a field.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    fn number(&self, name: &str) -> Result<Option<u64>, &'static str> {
        let raw: String = self.get(name).chars().filter(|c| *c != '.').collect();
        if raw.is_empty() {
            return Ok(None);
        }
        raw.parse().map(Some).map_err(|_| "desk-error-number")
    }
}

/// 17:00 in Vietnam on a day (the end of the office day), as UTC.
pub fn end_of_office_day(day: NaiveDate) -> chrono::DateTime<Utc> {
    let local = day.and_hms_opt(17, 0, 0).unwrap_or_default();
    Utc.from_utc_datetime(&local) - chrono::TimeDelta::hours(7)
}

/// The checklist of the receive form (`c_TP1=submitted`, `c_TP6=reused`...)
/// as the use case's decisions; an unknown value is a form error.
pub fn receive_choices(f: &ActionForm) -> Result<ComponentChoices, &'static str> {
    let mut decisions = BTreeMap::new();
    for (name, value) in &f.0 {
        if let Some(code) = name.strip_prefix("c_") {
            let decision =
                ComponentDecision::parse(value).ok_or("desk-error-component-decision")?;
            decisions.insert(code.to_owned(), decision);
        }
    }
    Ok(ComponentChoices::Decisions(decisions))
}

/// Builds the use case's input from the form of `action`. Errors are
/// message keys (bad numbers or dates); the rules themselves are the
/// domain's to check.
pub fn to_input(action: &str, f: &ActionForm, d: &Dossier) -> Result<ActionInput, &'static str> {
    let days = |name| -> Result<Option<u32>, &'static str> {
        f.number(name)?
            .map(|n| u32::try_from(n).map_err(|_| "desk-error-number"))
            .transpose()
    };
    Ok(match action {
        "receive" => ActionInput::Receive {
            components: receive_choices(f)?,
            due_at: None,
        },
        "refuse" => ActionInput::Refuse {
            reason: f.get("reason"),
        },
        "hand_over" => ActionInput::HandOver {
            to: f.get("to"),
            step_deadline: None,
            step_working_days: days("step_working_days")?,
        },
        "request_supplement" => {
            let mut missing = f.all("missing");
            let other = f.get("missing_other");
            if !other.is_empty() {
                missing.push(other);
            }
            ActionInput::RequestSupplement {
                reason: f.get("reason"),
                missing,
            }
        }
        "supplement_received" => ActionInput::SupplementReceived {
            components: f
                .all("supplied")
                .into_iter()
                .filter(|code| d.components.iter().any(|c| &c.code == code))
                .map(|code| ComponentInput {
                    code,
                    state: ComponentState::Submitted { digitised: false },
                })
                .collect(),
        },
        "request_payment" => ActionInput::RequestPayment {
            fees: vec![FeeLine {
                code: format!("LP{}", d.fees.len() + 1),
                name: f.get("fee_name"),
                amount_vnd: f.number("amount")?.unwrap_or(0),
                kind: match f.get("fee_kind").as_str() {
                    "charge" => FeeKind::Charge,
                    "other" => FeeKind::Other,
                    _ => FeeKind::Levy,
                },
            }],
        },
        "record_payment" => ActionInput::RecordPayment {
            amount_vnd: f.number("amount")?.unwrap_or(0),
            method: match f.get("method").as_str() {
                "national_portal" => PaymentMethod::NationalPortal,
                "local_gateway" => PaymentMethod::LocalGateway,
                _ => PaymentMethod::AtDesk,
            },
            reference: f.get("reference"),
        },
        "transfer" => ActionInput::Transfer {
            to_agency: f.get("to_agency"),
            agency_due_at: None,
            working_days: days("working_days")?,
        },
        "stop" => ActionInput::Stop {
            reason: f.get("reason"),
        },
        "apologise_and_extend" => {
            let date = f.get("new_due_date");
            let new_due_at = if date.is_empty() {
                None
            } else {
                Some(end_of_office_day(
                    NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|_| "desk-error-date")?,
                ))
            };
            let extra = days("extra_working_days")?;
            if new_due_at.is_none() && extra.is_none() {
                return Err("desk-error-extension-needs-date");
            }
            ActionInput::ApologiseAndExtend {
                reason: f.get("reason"),
                new_due_at,
                extra_working_days: if new_due_at.is_some() { None } else { extra },
            }
        }
        "result_ready" => ActionInput::ResultReady {
            documents: vec![ResultDocument {
                name: f.get("document"),
                number: Some(f.get("number")).filter(|n| !n.is_empty()),
                file: None,
            }],
        },
        "return" => ActionInput::Return {
            method: match f.get("method").as_str() {
                "post" => ReturnMethod::Post,
                "online" => ReturnMethod::Online,
                _ => ReturnMethod::AtDesk,
            },
        },
        "withdraw" => ActionInput::Withdraw {
            reason: f.get("reason"),
        },
        _ => return Err("desk-error-unknown-action"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_domain::dossier::{DossierStatus, SubStatus};

    #[test]
    fn allowed_actions_follow_the_domain_table() {
        let received = LocalStatus::new(DossierStatus::Received, SubStatus::None);
        let names = allowed(received);
        assert!(names.contains(&"hand_over"));
        assert!(names.contains(&"apologise_and_extend"));
        assert!(!names.contains(&"return"));
        let ready = LocalStatus::new(DossierStatus::ResultReady, SubStatus::None);
        assert!(allowed(ready).contains(&"return"));
        assert_eq!(
            end_of_office_day(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
            Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap()
        );
    }
}
