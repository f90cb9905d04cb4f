//! Realistic demo dossiers: an applicant, a procedure, a commune centre and
//! a walk through the lifecycle decided by the real domain rules, at
//! plausible times in the past.

use chrono::{DateTime, Duration, Utc};
use motcua_app::dossiers::ProcedureFacts;
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::clock::{ClockRequest, due_instant};
use motcua_domain::dossier::ids::tax_check_digit;
use motcua_domain::dossier::{
    Action, Actor, AgencyId, Applicant, ApplicantId, Channel, Command, Component, ComponentState,
    DataSource, Dossier, DossierCode, Event, FeeKind, FeeLine, Intake, Payment, PaymentMethod,
    PersonalId, ProcedureRef, Rating, ResultDocument, ReturnMethod, TaxCode, decide, evolve,
};
use motcua_domain::legal_time::TimeLimit;

use super::demo_time::WorkTime;

/// A small, fast, deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const FAMILY: [&str; 12] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
];
const MIDDLE: [&str; 8] = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Đức", "Quang"];
const GIVEN: [&str; 14] = [
    "An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Linh", "Mai", "Nam", "Phương", "Quân",
    "Thảo", "Tuấn",
];

fn digits(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect()
}

fn applicant(rng: &mut Rng) -> Applicant {
    let phone = Some(format!("09{}", digits(rng, 8)));
    if rng.chance(90) {
        let century = if rng.chance(70) {
            rng.below(2)
        } else {
            2 + rng.below(2)
        };
        let id = format!("019{century}{}", digits(rng, 8));
        if let Ok(id) = PersonalId::parse(&id) {
            let name = format!(
                "{} {} {}",
                rng.pick(&FAMILY),
                rng.pick(&MIDDLE),
                rng.pick(&GIVEN)
            );
            return Applicant {
                id: ApplicantId::Citizen(id),
                name,
                phone,
                address: None,
                email: None,
            };
        }
    }
    loop {
        let head = format!("46{}", digits(rng, 7));
        let mut nine = [0u8; 9];
        for (slot, b) in nine.iter_mut().zip(head.bytes()) {
            *slot = b - b'0';
        }
        if let Some(check) = tax_check_digit(&nine)
            && let Ok(code) = TaxCode::parse(&format!("{head}{check}"))
        {
            return Applicant {
                id: ApplicantId::Organisation(code),
                name: format!("Công ty TNHH {} {}", rng.pick(&GIVEN), rng.pick(&FAMILY)),
                phone,
                address: None,
                email: None,
            };
        }
    }
}

/// Where and what: the inputs of one demo dossier.
pub struct Setting<'a> {
    /// Receiving centre.
    pub center: &'a AgencyId,
    /// Deciding committee.
    pub deciding: &'a AgencyId,
    /// Another commune's committee (for transfers and phi địa giới).
    pub elsewhere: &'a AgencyId,
    /// The procedure.
    pub procedure: &'a ProcedureFacts,
    /// A placeholder code (the store numbers the real one).
    pub code: DossierCode,
    /// How the dossier arrives.
    pub channel: Channel,
    /// The reception instant (the citizen's filing when online).
    pub received_at: DateTime<Utc>,
    /// Nothing happens after this instant.
    pub now: DateTime<Utc>,
    /// When officers act (office time, with its after-hours share).
    pub time: &'a WorkTime,
    /// The one-stop desk officer (account).
    pub desk: &'a str,
    /// The officer handling the field (account).
    pub handler: &'a str,
}

/// How a demo dossier arrives: 70 % at the desk, 25 % online, 5 % by post.
pub fn channel(rng: &mut Rng) -> Channel {
    match rng.below(100) {
        0..=69 => Channel::InPerson,
        70..=94 => Channel::Online,
        _ => Channel::Post,
    }
}

/// A demo dossier: its events and state, with the placeholder code.
pub struct Walked {
    /// Events, oldest first.
    pub events: Vec<Event>,
    /// State after them.
    pub dossier: Dossier,
    /// Time of the last event.
    pub last_at: DateTime<Utc>,
}

fn due(cal: &WorkingCalendar, facts: &ProcedureFacts, at: DateTime<Utc>) -> DateTime<Utc> {
    let mut req = ClockRequest::new(at, facts.limit.unwrap_or(TimeLimit::working_days(5)));
    req.reception = facts.reception;
    due_instant(cal, &req)
        .ok()
        .flatten()
        .unwrap_or(at + Duration::days(7))
}

/// Walks one dossier through a random stretch of its lifecycle.
pub fn walk(rng: &mut Rng, cal: &WorkingCalendar, s: &Setting<'_>, key: &str) -> Option<Walked> {
    let channel = s.channel;
    let components = s
        .procedure
        .components
        .iter()
        .map(|c| Component {
            code: c.code.clone(),
            name: c.name.clone(),
            required: c.required,
            state: if rng.chance(30) {
                ComponentState::waived(DataSource::PopulationDatabase)
            } else {
                ComponentState::Submitted { digitised: true }
            },
        })
        .collect();
    let intake = Intake {
        code: s.code.clone(),
        procedure: ProcedureRef {
            code: s.procedure.code.clone(),
            version: s.procedure.version,
        },
        applicant: applicant(rng),
        receiving_unit: s.center.clone(),
        deciding_agency: s.deciding.clone(),
        channel,
        components,
        fees: Vec::new(),
        sets: 1,
    };
    let desk = Actor::Officer(s.desk.to_owned());
    let handler = Actor::Officer(s.handler.to_owned());
    let citizen = Actor::Citizen(format!("demo-citizen-{}", digits(rng, 8)));
    let mut at = s.received_at;
    let mut state: Option<Dossier> = None;
    let mut events = Vec::new();
    let first = if channel == Channel::Online {
        Action::SubmitOnline {
            intake: Box::new(intake),
        }
    } else {
        Action::ReceiveNew {
            intake: Box::new(intake),
            due_at: due(cal, s.procedure, at),
        }
    };
    let mut plan = vec![first];
    if channel == Channel::Online {
        if rng.chance(8) {
            plan.push(Action::RefuseReception {
                reason: "Hồ sơ không thuộc thẩm quyền".into(),
            });
        } else {
            // The due instant is computed when the step happens (below).
            plan.push(Action::Receive {
                checked: Vec::new(),
                due_at: at,
            });
        }
    }
    let stage = rng.below(100);
    if stage >= 15 {
        plan.push(Action::HandOver {
            to: s.handler.to_owned(),
            step_deadline: at + Duration::days(2),
        });
    }
    if (25..33).contains(&stage) {
        plan.push(Action::RequestSupplement {
            reason: "Thiếu giấy tờ".into(),
            missing: vec!["Bản sao giấy tờ tùy thân".into()],
        });
    } else if (33..38).contains(&stage) {
        plan.push(Action::RequestPayment {
            fees: vec![FeeLine {
                code: "LP1".into(),
                name: "Lệ phí".into(),
                amount_vnd: 8_000,
                kind: FeeKind::Levy,
            }],
        });
        if rng.chance(50) {
            plan.push(Action::RecordPayment {
                payment: Payment {
                    amount_vnd: 8_000,
                    method: PaymentMethod::NationalPortal,
                    reference: format!("GD{}", digits(rng, 10)),
                    paid_at: at,
                },
            });
        }
    } else if (38..41).contains(&stage) {
        plan.push(Action::Withdraw {
            reason: "Công dân xin rút".into(),
        });
    } else if (41..43).contains(&stage) {
        plan.push(Action::Transfer {
            to_agency: s.elsewhere.clone(),
            agency_due_at: at + Duration::days(5),
        });
    } else if stage >= 50 {
        plan.push(Action::MarkResultReady {
            documents: vec![ResultDocument {
                name: "Kết quả giải quyết".into(),
                number: Some(digits(rng, 6)),
                file: None,
            }],
        });
        if stage >= 65 {
            plan.push(Action::ReturnResult {
                method: ReturnMethod::AtDesk,
            });
            if rng.chance(40) {
                plan.push(Action::Rate {
                    rating: *rng.pick(&Rating::ALL),
                    comment: None,
                });
            }
        }
    }
    for (i, action) in plan.into_iter().enumerate() {
        if i > 0 {
            at = s.time.next_action(rng, at);
        }
        if at > s.now {
            break;
        }
        // Citizens file, withdraw and rate; the desk receives, asks for
        // fees and returns; the field's officer does the rest.
        let actor = match &action {
            Action::SubmitOnline { .. } | Action::Withdraw { .. } | Action::Rate { .. } => {
                citizen.clone()
            }
            Action::RequestSupplement { .. }
            | Action::MarkResultReady { .. }
            | Action::Transfer { .. } => handler.clone(),
            _ => desk.clone(),
        };
        let action = match action {
            Action::Receive { .. } => Action::Receive {
                checked: Vec::new(),
                due_at: due(cal, s.procedure, at),
            },
            Action::Transfer { to_agency, .. } => Action::Transfer {
                to_agency,
                agency_due_at: at + Duration::days(5),
            },
            Action::RecordPayment { mut payment } => {
                payment.paid_at = at;
                Action::RecordPayment { payment }
            }
            other => other,
        };
        let cmd = Command {
            actor,
            idempotency_key: format!("{key}-{i}"),
            action,
        };
        let Ok(new) = decide(state.as_ref(), &cmd, at) else {
            break;
        };
        for e in new {
            state = Some(evolve(state, &e).ok()?);
            events.push(e);
        }
    }
    Some(Walked {
        dossier: state?,
        last_at: events.last()?.at,
        events,
    })
}
