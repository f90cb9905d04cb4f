//! Obstacles (khó khăn, vướng mắc) reported upward, answered and tracked
//! to resolution (issue 16, ADR 0033).
//!
//! The use cases put the domain's case (`motcua_domain::obstacle`) behind
//! the one policy ([`crate::policy`]): commune officers raise, submit and
//! resolve their unit's cases ([`Capability::RaiseObstacle`]); officers of
//! the owning agency (a sở, the UBND tỉnh, a ministry's agency) receive,
//! answer, escalate and merge them ([`Capability::HandleObstacle`]); the
//! cases a scope sees are those raised or owned in it, and those owned one
//! level below once overdue ([`Capability::ViewObstacles`]); leaders get the
//! monthly report ([`Capability::ReportObstacles`]). Owners and answer
//! deadlines come from `reference/obstacles/obstacles.toml`; due dates from
//! the working-day clock; live figures from the dossier data.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::clock::to_local;
use motcua_domain::identity::RoleAssignment;
use motcua_domain::obstacle::{
    Actor, Answer, Blocks, Category, Command, Draft, EvidenceFigures, MonthlyReport, Obstacle,
    ObstacleAction, ObstacleEvent, ObstacleRefusal, ObstacleRules, Owner, ReportCase,
    ReportingMonth, RuleSet, SimilarityKey, Status, decide, evolve,
};
use motcua_domain::text::fold;

use crate::authz::ScopeResolver;
use crate::policy::{Capability, Denied, Policy};
use crate::ports::AgencyDirectory;
use crate::ports::clock::Clock;
use crate::ports::obstacles::{ObstaclePorts, ObstacleQuery, ObstacleRow, ObstacleWrite};
use crate::{AppError, StoreError};

/// Longest title, in characters.
const MAX_TITLE: usize = 200;
/// Longest free text (description, proposal, evidence, answer), in characters.
const MAX_TEXT: usize = 4000;
/// At most this many procedures, dossiers or fields listed as blocked.
const MAX_BLOCKS: usize = 20;
/// Procedures whose live figures are attached.
const MAX_FIGURES: usize = 5;
/// Cases of a list page.
const LIST_LIMIT: u32 = 500;

/// What a use case answers besides success.
#[derive(Debug, thiserror::Error)]
pub enum ObstacleError {
    /// Input that does not make sense.
    #[error("{0}")]
    Invalid(String),
    /// No such case (or out of the caller's scope).
    #[error("không tìm thấy vướng mắc / obstacle not found")]
    NotFound,
    /// The case's state refuses the step.
    #[error(transparent)]
    Refused(#[from] ObstacleRefusal),
    /// Someone else changed the case meanwhile.
    #[error("{0}")]
    Conflict(String),
    /// The policy said no.
    #[error("{}", .0.message())]
    Denied(Denied),
    /// Not the caller's fault.
    #[error(transparent)]
    Unexpected(anyhow::Error),
}

impl From<Denied> for ObstacleError {
    fn from(d: Denied) -> Self {
        Self::Denied(d)
    }
}

impl From<StoreError> for ObstacleError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict(m) => Self::Conflict(m),
            StoreError::Other(e) => Self::Unexpected(e),
        }
    }
}

impl From<AppError> for ObstacleError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid(m) => Self::Invalid(m),
            AppError::NotFound(_) => Self::NotFound,
            AppError::Conflict(m) => Self::Conflict(m),
            AppError::Unexpected(e) => Self::Unexpected(e),
        }
    }
}

/// Who acts: the officer and their home agency.
#[derive(Debug, Clone)]
pub struct Who<'a> {
    /// Account id.
    pub officer: &'a str,
    /// Home agency.
    pub agency: &'a str,
    /// Roles with scopes.
    pub roles: &'a [RoleAssignment],
}

/// A new obstacle as a unit writes it.
#[derive(Debug, Clone, Default)]
pub struct NewObstacle {
    /// The raising agency (default: the officer's home agency).
    pub unit: Option<String>,
    /// Short title.
    pub title: String,
    /// What happens.
    pub description: String,
    /// Category code.
    pub category: String,
    /// Blocked procedures (codes).
    pub procedures: Vec<String>,
    /// Blocked dossiers (codes).
    pub dossiers: Vec<String>,
    /// Blocked fields.
    pub fields: Vec<String>,
    /// Since when (default: today).
    pub since: Option<NaiveDate>,
    /// The concrete proposal.
    pub proposal: String,
    /// Evidence in words.
    pub evidence: String,
    /// Submit at once (the usual path: file in one step).
    pub submit: bool,
}

/// A step asked for on a case.
#[derive(Debug, Clone, Default)]
pub struct StepInput {
    /// `submit`, `receive`, `answer`, `escalate`, `resolve` or `merge`.
    pub action: String,
    /// The answer, the reason of an escalation or the resolution note.
    pub text: String,
    /// The group's case, for `merge`.
    pub into: Option<String>,
    /// The version read (refused as a conflict when the case moved on).
    pub expected_version: Option<u64>,
}

/// The actions a caller may ask for.
pub const ACTIONS: [&str; 6] = [
    "submit", "receive", "answer", "escalate", "resolve", "merge",
];

/// A case with what its page shows.
#[derive(Debug, Clone)]
pub struct ObstacleView {
    /// The case.
    pub obstacle: Obstacle,
    /// Its history.
    pub events: Vec<ObstacleEvent>,
    /// The system's figures now.
    pub figures_now: Vec<EvidenceFigures>,
    /// The cases merged into it (its group).
    pub group: Vec<Obstacle>,
    /// Open cases of the same category that look like the same obstacle
    /// (id, similarity), best first.
    pub similar: Vec<(String, f64)>,
    /// Past its due date now.
    pub overdue: bool,
    /// The category's name.
    pub category_name: String,
}

/// Filters of a list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// The agency whose subtree is asked about (default: home agency).
    pub unit: Option<String>,
    /// A status (API spelling) or `overdue`.
    pub status: Option<String>,
    /// A category code.
    pub category: Option<String>,
    /// A reporting month `YYYY-MM`: cases submitted in it.
    pub period: Option<String>,
}

/// The obstacle use cases.
#[derive(Clone)]
pub struct ObstacleService {
    store: Arc<dyn ObstaclePorts>,
    policy: Policy,
    clock: Clock,
    province: Option<String>,
}

fn rules() -> Result<&'static ObstacleRules, ObstacleError> {
    ObstacleRules::embedded().map_err(|e| ObstacleError::Unexpected(anyhow::anyhow!("{e}")))
}

fn calendar() -> Result<&'static WorkingCalendar, ObstacleError> {
    static CALENDAR: OnceLock<Result<WorkingCalendar, String>> = OnceLock::new();
    CALENDAR
        .get_or_init(|| WorkingCalendar::vietnam().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| ObstacleError::Unexpected(anyhow::anyhow!("{e}")))
}

fn clean(field: &str, value: &str, max: usize) -> Result<String, ObstacleError> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(ObstacleError::Invalid(format!(
            "{field} dài quá {max} ký tự / {field} longer than {max} characters"
        )));
    }
    Ok(v.to_owned())
}

fn list(field: &str, items: &[String]) -> Result<Vec<String>, ObstacleError> {
    let mut out: Vec<String> = Vec::new();
    for i in items.iter().flat_map(|s| s.split([',', '\n', ';'])) {
        let v = clean(field, i, 200)?;
        if !v.is_empty() && !out.contains(&v) {
            out.push(v);
        }
    }
    if out.len() > MAX_BLOCKS {
        return Err(ObstacleError::Invalid(format!(
            "Tối đa {MAX_BLOCKS} mục {field} / at most {MAX_BLOCKS} {field}"
        )));
    }
    Ok(out)
}

fn new_id(now: DateTime<Utc>) -> Result<String, ObstacleError> {
    let mut buf = [0u8; 4];
    getrandom::fill(&mut buf).map_err(|e| ObstacleError::Unexpected(anyhow::anyhow!("{e}")))?;
    let hex: String = buf.iter().map(|b| format!("{b:02X}")).collect();
    Ok(format!("VM-{}-{hex}", to_local(now).format("%y%m%d")))
}

impl ObstacleService {
    /// Over the store, the clock, and the province whose office hours apply.
    pub fn new(store: Arc<dyn ObstaclePorts>, clock: Clock, province: Option<String>) -> Self {
        let directory: Arc<dyn AgencyDirectory> = store.clone();
        Self {
            store,
            policy: Policy::new(ScopeResolver::new(directory)),
            clock,
            province,
        }
    }

    /// Creates the agencies of the central owners named in the rules
    /// (ministries, the Government Office: kind `sector_agency`, no parent,
    /// national unit `00`) when missing, so their officers can be given
    /// roles scoped to them (ADR 0033). Answers how many were created.
    pub async fn ensure_ministries(&self) -> Result<usize, ObstacleError> {
        let agencies: Vec<motcua_domain::agency::Agency> = rules()?
            .latest()
            .ministry
            .iter()
            .map(|m| motcua_domain::agency::Agency {
                id: m.id.clone(),
                name: m.name.clone(),
                kind: motcua_domain::agency::AgencyKind::SectorAgency,
                unit_code: "00".into(),
                parent_id: None,
                active: true,
            })
            .collect();
        Ok(self.store.insert_missing_agencies(&agencies).await?)
    }

    /// The categories a new case may take (the rules in force now).
    pub fn categories(&self) -> Result<Vec<Category>, ObstacleError> {
        Ok(rules()?.in_force(self.clock.now()).category.clone())
    }

    /// Now (for pages).
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now_millis()
    }

    /// The name of a category code.
    pub fn category_name(code: &str) -> String {
        ObstacleRules::embedded().map_or_else(|_| code.to_owned(), |r| r.category_name(code))
    }

    async fn agency_name(&self, id: &str) -> Result<String, ObstacleError> {
        if let Some(a) = self.store.get_agency(id).await? {
            return Ok(a.name);
        }
        let r = rules()?;
        Ok(r.latest()
            .ministry(id)
            .map_or_else(|| id.to_owned(), |m| m.name.clone()))
    }

    /// The top of an agency's tree (its province's People's Committee).
    async fn province_root(&self, agency: &str) -> Result<String, ObstacleError> {
        let mut id = agency.to_owned();
        for _ in 0..16 {
            match self.store.get_agency(&id).await? {
                Some(a) => match a.parent_id {
                    Some(p) => id = p,
                    None => return Ok(id),
                },
                None => break,
            }
        }
        Ok(id)
    }

    fn due(
        &self,
        set: &RuleSet,
        owner: &Owner,
        from: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, ObstacleError> {
        set.answer_due(calendar()?, owner.level, from, self.province.as_deref())
            .map_err(|e| ObstacleError::Unexpected(anyhow::anyhow!("{e}")))
    }

    fn row(&self, o: &Obstacle) -> Result<ObstacleRow, ObstacleError> {
        let r = rules()?;
        let set = r.in_force(o.submitted_at.unwrap_or(o.created_at));
        let watcher = match (&o.owner, set.category(&o.draft.category)) {
            (Some(owner), Some(cat)) => r
                .watcher(set, cat, owner, &o.draft.province_root)
                .map(|w| w.agency),
            _ => None,
        };
        Ok(ObstacleRow {
            obstacle: o.clone(),
            watcher,
            due_key: o.due_at.map_or(i64::MAX, |d| d.timestamp_millis()),
            text_folded: fold(&format!("{} {}", o.draft.title, o.draft.description)),
        })
    }

    fn step(
        &self,
        o: Option<&Obstacle>,
        id: &str,
        actor: &Actor,
        action: ObstacleAction,
        now: DateTime<Utc>,
    ) -> Result<(Obstacle, ObstacleEvent), ObstacleError> {
        let e = decide(
            o,
            &Command {
                actor: actor.clone(),
                action,
            },
            now,
        )?;
        let next = evolve(id, o.cloned(), &e)?;
        Ok((next, e))
    }

    async fn figures(
        &self,
        o: &Obstacle,
        now: DateTime<Utc>,
    ) -> Result<Vec<EvidenceFigures>, ObstacleError> {
        let r = rules()?;
        let evidence = r
            .in_force(o.created_at)
            .category(&o.draft.category)
            .is_some_and(|c| c.evidence);
        if !evidence {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for p in o.draft.blocks.procedures.iter().take(MAX_FIGURES) {
            let f = self
                .store
                .procedure_figures(&o.draft.unit_agency, p, now.timestamp_millis())
                .await?;
            out.push(EvidenceFigures {
                procedure: p.clone(),
                as_of: now,
                open: f.open,
                overdue: f.overdue,
                paused: f.paused,
            });
        }
        Ok(out)
    }

    /// Raises a case for the officer's unit (or `input.unit` in their
    /// scope), as a draft or submitted at once.
    pub async fn create(
        &self,
        who: &Who<'_>,
        input: NewObstacle,
    ) -> Result<ObstacleView, ObstacleError> {
        let unit = input
            .unit
            .clone()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| who.agency.to_owned());
        self.policy
            .in_agency(who.roles, Capability::RaiseObstacle, &unit)
            .await?;
        let now = self.now();
        let r = rules()?;
        let set = r.in_force(now);
        let category = input.category.trim();
        if set.category(category).is_none() {
            return Err(ObstacleError::Invalid(format!(
                "Không có lĩnh vực vướng mắc {category} / unknown category {category}"
            )));
        }
        let agency = self.store.get_agency(&unit).await?.ok_or_else(|| {
            ObstacleError::Invalid(format!("Không có đơn vị {unit} / no agency {unit}"))
        })?;
        let today = to_local(now).date();
        let since = input.since.unwrap_or(today);
        if since > today {
            return Err(ObstacleError::Invalid(
                "Ngày bắt đầu vướng mắc không được sau hôm nay / `since` is after today".into(),
            ));
        }
        let draft = Draft {
            title: clean("tiêu đề", &input.title, MAX_TITLE)?,
            description: clean("nội dung", &input.description, MAX_TEXT)?,
            category: category.to_owned(),
            blocks: Blocks {
                procedures: list("thủ tục", &input.procedures)?,
                dossiers: list("hồ sơ", &input.dossiers)?,
                fields: list("lĩnh vực", &input.fields)?,
            },
            since,
            proposal: clean("đề xuất", &input.proposal, MAX_TEXT)?,
            evidence: clean("minh chứng", &input.evidence, MAX_TEXT)?,
            unit_agency: unit.clone(),
            unit_name: agency.name.clone(),
            unit_code: agency.unit_code.clone(),
            province_root: self.province_root(&unit).await?,
        };
        let id = new_id(now)?;
        let actor = Actor {
            officer: who.officer.to_owned(),
            agency: unit,
        };
        let (mut o, e) = self.step(
            None,
            &id,
            &actor,
            ObstacleAction::Draft(Box::new(draft)),
            now,
        )?;
        let mut events = vec![e];
        if input.submit {
            let (next, e) = self.submit_step(&o, &actor, now).await?;
            o = next;
            events.push(e);
        }
        self.store
            .save_obstacles(&[ObstacleWrite {
                expected_version: 0,
                row: self.row(&o)?,
                events,
            }])
            .await?;
        self.view(o).await
    }

    async fn submit_step(
        &self,
        o: &Obstacle,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(Obstacle, ObstacleEvent), ObstacleError> {
        let set = rules()?.in_force(now);
        let cat = set.category(&o.draft.category).ok_or_else(|| {
            ObstacleError::Invalid("lĩnh vực không còn hiệu lực / category retired".into())
        })?;
        let owner = set.owner_at(cat, set.first_level(cat), &o.draft.province_root);
        let owner = Owner {
            name: self.agency_name(&owner.agency).await.unwrap_or(owner.name),
            ..owner
        };
        let due_at = self.due(set, &owner, now)?;
        let figures = self.figures(o, now).await?;
        self.step(
            Some(o),
            &o.id,
            actor,
            ObstacleAction::Submit {
                owner,
                due_at,
                figures,
            },
            now,
        )
    }

    async fn load(&self, id: &str) -> Result<Obstacle, ObstacleError> {
        self.store
            .get_obstacle(id)
            .await?
            .ok_or(ObstacleError::NotFound)
    }

    /// Whether the roles may see the case: raised or owned in a scope of
    /// theirs, or watched once overdue. Out of scope is [`ObstacleError::NotFound`].
    async fn visible(&self, roles: &[RoleAssignment], o: &Obstacle) -> Result<(), ObstacleError> {
        let mut agencies = vec![o.draft.unit_agency.as_str()];
        if let Some(owner) = &o.owner {
            agencies.push(owner.agency.as_str());
        }
        let row = self.row(o)?;
        let now = self.now();
        if o.is_overdue(now)
            && let Some(w) = row.watcher.as_deref()
        {
            agencies.push(w);
        }
        match self
            .policy
            .in_any_agency(roles, Capability::ViewObstacles, &agencies)
            .await
        {
            Ok(()) => Ok(()),
            Err(Denied::Hidden) => Err(ObstacleError::NotFound),
            Err(d) => Err(d.into()),
        }
    }

    /// One case, if the caller may see it.
    pub async fn get(
        &self,
        roles: &[RoleAssignment],
        id: &str,
    ) -> Result<ObstacleView, ObstacleError> {
        let o = self.load(id).await?;
        self.visible(roles, &o).await?;
        self.view(o).await
    }

    async fn view(&self, o: Obstacle) -> Result<ObstacleView, ObstacleError> {
        let now = self.now();
        let events = self.store.obstacle_events(&o.id).await?;
        let figures_now = if o.figures.is_empty() {
            Vec::new()
        } else {
            self.figures(&o, now).await?
        };
        let group = self.store.obstacles_merged_into(&o.id).await?;
        let key = SimilarityKey::new(&o.draft.title, &o.draft.description);
        let mut similar: Vec<(String, f64)> = self
            .store
            .group_candidates(&o.draft.category, 2000)
            .await?
            .into_iter()
            .filter(|(id, _)| *id != o.id)
            .map(|(id, text)| (id, key.score(&SimilarityKey::new(&text, ""))))
            .filter(|(_, s)| *s >= motcua_domain::obstacle::SAME_OBSTACLE)
            .collect();
        similar.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        similar.truncate(10);
        Ok(ObstacleView {
            overdue: o.is_overdue(now),
            category_name: Self::category_name(&o.draft.category),
            obstacle: o,
            events,
            figures_now,
            group,
            similar,
        })
    }

    /// Takes one step on a case. `answer` on a group's case also answers
    /// every case merged into it, in the same transaction.
    pub async fn act(
        &self,
        who: &Who<'_>,
        id: &str,
        input: StepInput,
    ) -> Result<ObstacleView, ObstacleError> {
        let action = input.action.as_str();
        if !ACTIONS.contains(&action) {
            return Err(ObstacleError::Invalid(format!(
                "Không có thao tác {action} / unknown action {action}; one of {}",
                ACTIONS.join(", ")
            )));
        }
        let o = self.load(id).await?;
        self.visible(who.roles, &o).await?;
        if let Some(v) = input.expected_version
            && v != o.version
        {
            return Err(ObstacleError::Conflict(format!(
                "Vướng mắc {id} vừa được người khác cập nhật (phiên bản {}) / obstacle {id} changed meanwhile (version {})",
                o.version, o.version
            )));
        }
        let now = self.now();
        let owner_agency = o.owner.as_ref().map(|w| w.agency.clone());
        let (capability, acting_for) = match action {
            "submit" | "resolve" => (Capability::RaiseObstacle, o.draft.unit_agency.clone()),
            _ => (
                Capability::HandleObstacle,
                owner_agency
                    .clone()
                    .unwrap_or_else(|| o.draft.unit_agency.clone()),
            ),
        };
        self.policy
            .in_agency(who.roles, capability, &acting_for)
            .await?;
        let actor = Actor {
            officer: who.officer.to_owned(),
            agency: acting_for,
        };
        let mut writes = Vec::new();
        let (next, e) = match action {
            "submit" => self.submit_step(&o, &actor, now).await?,
            "receive" => self.step(Some(&o), id, &actor, ObstacleAction::Receive, now)?,
            "answer" => self.step(
                Some(&o),
                id,
                &actor,
                ObstacleAction::Answer {
                    text: clean("câu trả lời", &input.text, MAX_TEXT)?,
                },
                now,
            )?,
            "escalate" => {
                let r = rules()?;
                let set = r.in_force(o.submitted_at.unwrap_or(now));
                let cat = set.category(&o.draft.category).ok_or_else(|| {
                    ObstacleError::Invalid("lĩnh vực không còn hiệu lực / category retired".into())
                })?;
                let Some(level) = o.level().and_then(|l| l.next()) else {
                    return Err(ObstacleError::Invalid(
                        "Không có cấp trên để chuyển vướng mắc này / there is no level above"
                            .into(),
                    ));
                };
                let owner = set.owner_at(cat, level, &o.draft.province_root);
                let owner = Owner {
                    name: self.agency_name(&owner.agency).await.unwrap_or(owner.name),
                    ..owner
                };
                let due_at = self.due(set, &owner, now)?;
                self.step(
                    Some(&o),
                    id,
                    &actor,
                    ObstacleAction::Escalate {
                        reason: clean("lý do", &input.text, MAX_TEXT)?,
                        owner,
                        due_at,
                    },
                    now,
                )?
            }
            "resolve" => self.step(
                Some(&o),
                id,
                &actor,
                ObstacleAction::Resolve {
                    note: clean("ghi chú", &input.text, MAX_TEXT)?,
                },
                now,
            )?,
            _ => {
                let into = input.into.clone().unwrap_or_default();
                let target = self.store.get_obstacle(into.trim()).await?.ok_or_else(|| {
                    ObstacleError::Invalid(format!(
                        "Không có vướng mắc {into} / no obstacle {into}"
                    ))
                })?;
                if target.draft.category != o.draft.category
                    || matches!(target.status, Status::Merged | Status::Drafted)
                {
                    return Err(ObstacleError::Invalid(
                        "Chỉ gộp vào một vướng mắc cùng lĩnh vực, đã gửi và chưa bị gộp / \
                         merge only into a submitted obstacle of the same category that is not merged itself"
                            .into(),
                    ));
                }
                let (next, e) = self.step(
                    Some(&o),
                    id,
                    &actor,
                    ObstacleAction::Merge {
                        into: target.id.clone(),
                    },
                    now,
                )?;
                // Merged after the group was answered: the answer reaches it at once.
                if let Some(answer) = target
                    .answer
                    .clone()
                    .filter(|_| target.status != Status::Escalated)
                {
                    let (after, e2) = self.step(
                        Some(&next),
                        id,
                        &actor,
                        ObstacleAction::GroupAnswer {
                            from: target.id.clone(),
                            answer,
                        },
                        now,
                    )?;
                    writes.push(ObstacleWrite {
                        expected_version: o.version,
                        row: self.row(&after)?,
                        events: vec![e, e2],
                    });
                    self.store.save_obstacles(&writes).await?;
                    return self.view(after).await;
                }
                (next, e)
            }
        };
        writes.push(ObstacleWrite {
            expected_version: o.version,
            row: self.row(&next)?,
            events: vec![e],
        });
        if action == "answer"
            && let Some(answer) = next.answer.clone()
        {
            for member in self.store.obstacles_merged_into(id).await? {
                if member.status != Status::Merged {
                    continue;
                }
                let (m, e) = self.step(
                    Some(&member),
                    &member.id,
                    &actor,
                    ObstacleAction::GroupAnswer {
                        from: id.to_owned(),
                        answer: Answer {
                            via: None,
                            ..answer.clone()
                        },
                    },
                    now,
                )?;
                writes.push(ObstacleWrite {
                    expected_version: member.version,
                    row: self.row(&m)?,
                    events: vec![e],
                });
            }
        }
        self.store.save_obstacles(&writes).await?;
        self.view(next).await
    }

    /// The cases of a scope: raised or owned in the unit's subtree, and
    /// those it watches once overdue; oldest due first.
    pub async fn list(
        &self,
        who: &Who<'_>,
        filter: &ListFilter,
    ) -> Result<Vec<(Obstacle, bool)>, ObstacleError> {
        let scope = filter
            .unit
            .clone()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| who.agency.to_owned());
        self.policy
            .in_agency(who.roles, Capability::ViewObstacles, &scope)
            .await?;
        let mut status = filter.status.clone().filter(|s| !s.is_empty());
        let overdue_only = status.as_deref() == Some("overdue");
        if overdue_only {
            status = None;
        } else if let Some(s) = &status
            && Status::parse(s).is_none()
        {
            return Err(ObstacleError::Invalid(format!(
                "Không có trạng thái {s} / unknown status {s}"
            )));
        }
        let submitted = match filter.period.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => Some(
                ReportingMonth::parse(p)
                    .ok_or_else(|| {
                        ObstacleError::Invalid(format!(
                            "Kỳ báo cáo {p} không hợp lệ (YYYY-MM) / bad period {p}"
                        ))
                    })?
                    .bounds(),
            ),
            None => None,
        };
        let now = self.now();
        let cases = self
            .store
            .list_obstacles(&ObstacleQuery {
                scope,
                status,
                category: filter.category.clone().filter(|c| !c.is_empty()),
                submitted,
                now_key: now.timestamp_millis(),
                limit: LIST_LIMIT,
            })
            .await?;
        Ok(cases
            .into_iter()
            .map(|o| {
                let late = o.is_overdue(now);
                (o, late)
            })
            .filter(|(_, late)| !overdue_only || *late)
            .collect())
    }

    /// The monthly report of a unit's subtree for a reporting month
    /// (`YYYY-MM`, 15th to 14th), with the leader's assessment.
    pub async fn report(
        &self,
        who: &Who<'_>,
        unit: Option<&str>,
        period: Option<&str>,
        assessment: &str,
    ) -> Result<MonthlyReport, ObstacleError> {
        let scope = unit
            .filter(|u| !u.trim().is_empty())
            .unwrap_or(who.agency)
            .to_owned();
        self.policy
            .in_agency(who.roles, Capability::ReportObstacles, &scope)
            .await?;
        let now = self.now();
        let month = match period.filter(|p| !p.is_empty()) {
            Some(p) => ReportingMonth::parse(p).ok_or_else(|| {
                ObstacleError::Invalid(format!(
                    "Kỳ báo cáo {p} không hợp lệ (YYYY-MM) / bad period {p}"
                ))
            })?,
            None => ReportingMonth::containing(now),
        };
        let histories = self.store.obstacle_histories(&scope).await?;
        let mut cache: HashMap<(String, String), EvidenceFigures> = HashMap::new();
        let mut cases = Vec::with_capacity(histories.len());
        for (id, events) in histories {
            let mut figures_now = Vec::new();
            let submitted = events.iter().find_map(|e| match &e.payload {
                motcua_domain::obstacle::Payload::Submitted { figures, .. } => {
                    Some(figures.clone())
                }
                _ => None,
            });
            let unit_agency = events.first().and_then(|e| match &e.payload {
                motcua_domain::obstacle::Payload::Drafted { draft } => {
                    Some(draft.unit_agency.clone())
                }
                _ => None,
            });
            if let (Some(figs), Some(unit_agency)) = (submitted, unit_agency) {
                for f in figs {
                    let key = (unit_agency.clone(), f.procedure.clone());
                    if let Some(hit) = cache.get(&key) {
                        figures_now.push(hit.clone());
                        continue;
                    }
                    let n = self
                        .store
                        .procedure_figures(&unit_agency, &f.procedure, now.timestamp_millis())
                        .await?;
                    let fig = EvidenceFigures {
                        procedure: f.procedure.clone(),
                        as_of: now,
                        open: n.open,
                        overdue: n.overdue,
                        paused: n.paused,
                    };
                    cache.insert(key, fig.clone());
                    figures_now.push(fig);
                }
            }
            cases.push(ReportCase {
                id,
                events,
                figures_now,
            });
        }
        let name = self.agency_name(&scope).await?;
        Ok(
            MonthlyReport::build(rules()?, (&scope, &name), month, &cases, now).assess(&clean(
                "đánh giá",
                assessment,
                MAX_TEXT,
            )?),
        )
    }
}
