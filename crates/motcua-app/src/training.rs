//! Training where the work is (đào tạo, bồi dưỡng; issue 17 item 3).
//!
//! Courses (a topic, the expertise tags it trains, hours, a provider),
//! sessions held for a unit with their dates and place, and the enrolments
//! of the unit's staff with their completion. Every input is checked here,
//! at the edge of the use cases: tags must be in the expertise catalog,
//! hours more than 0, the last day not before the first, and each person
//! must belong to the unit (or be seconded into it) on the first day.
//!
//! **The plan** of a unit is read from its shortage signal
//! ([`WorkloadService::shortages_unchecked`]): for each expertise where the
//! unit is short, who (the unit's staff not tagged for it, those who
//! already act on dossiers of its fields first, then the untagged and the
//! one-stop staff), which topic (a course tagged for it, else "chưa có khoá
//! học") and why (the signal's numbers, in Vietnamese). **The follow-up**
//! of a session that ended or has a completion compares the overdue share
//! of the unit's dossiers in the tag's fields in the N weeks before the
//! session's last day and in the N weeks after it, from the same workload
//! facts ([`crate::ports::staff::StaffStore::field_counts`]); until the after-window is over it
//! says "chưa đủ dữ liệu".
//!
//! Managing needs [`Capability::ManageStaff`] on the unit; reading sessions
//! and courses [`Capability::ViewStaff`]; the plan and the follow-up
//! [`Capability::ViewWorkload`]. A session or an enrolment outside the
//! roles' scope is answered as unknown.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use motcua_domain::clock::from_local;
use motcua_domain::format::percent;
use motcua_domain::identity::RoleAssignment;
use motcua_domain::staff::{SecondmentDirection, StaffMember};
use serde::{Deserialize, Serialize};

use crate::StoreError;
use crate::authz::ScopeResolver;
use crate::policy::{Capability, Denied, Policy, require};
use crate::ports::clock::Clock;
use crate::ports::staff::WorkloadQuery;
use crate::ports::training::{Course, Enrolment, Session, TrainingStore};
use crate::staff::{StaffError, StaffPorts, tags};
use crate::workload::{ShortageRow, WorkloadService, province_root};

/// What the training use cases need from the store.
pub trait TrainingPorts: TrainingStore + StaffPorts {}

impl<T: TrainingStore + StaffPorts + ?Sized> TrainingPorts for T {}

/// The tag of the one-stop staff (their work is every field's reception).
pub const ONE_STOP_TAG: &str = "mot_cua_tthc";

/// What the plan says when no course is tagged for the expertise.
pub const NO_COURSE: &str = "chưa có khoá học";

/// What the follow-up says before its after-window is over.
pub const NOT_ENOUGH_DATA: &str = "chưa đủ dữ liệu";

/// Hours of a course made from a plan line's topic.
pub const DEFAULT_HOURS: u32 = 8;

/// Weeks either side of a session's last day, by default.
pub const DEFAULT_WEEKS: u32 = 8;

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum TrainingError {
    /// An input that does not make sense (Vietnamese / English).
    #[error("{0}")]
    Invalid(String),
    /// No such course, session or enrolment (or not in the roles' scope).
    #[error("{0}")]
    NotFound(String),
    /// The policy said no.
    #[error("{}", .0.message())]
    Denied(Denied),
    /// Store failure.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<Denied> for TrainingError {
    fn from(d: Denied) -> Self {
        Self::Denied(d)
    }
}

impl From<StoreError> for TrainingError {
    fn from(e: StoreError) -> Self {
        Self::Unexpected(anyhow::anyhow!("{e}"))
    }
}

impl From<StaffError> for TrainingError {
    fn from(e: StaffError) -> Self {
        match e {
            StaffError::Denied(d) => Self::Denied(d),
            StaffError::Unexpected(e) => Self::Unexpected(e),
            other => Self::Invalid(other.to_string()),
        }
    }
}

fn invalid(vi: &str, en: &str) -> TrainingError {
    TrainingError::Invalid(format!("{vi} / {en}"))
}

/// A new course.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewCourse {
    /// Title (default: the topic).
    #[serde(default)]
    pub title: Option<String>,
    /// Topic.
    #[serde(default)]
    pub topic: String,
    /// Expertise tags.
    #[serde(default)]
    pub expertise: Vec<String>,
    /// Hours, more than 0.
    #[serde(default)]
    pub hours: i64,
    /// Provider.
    #[serde(default)]
    pub provider: String,
}

/// A new session of a course for a unit, with the people enrolled.
#[derive(Debug, Clone, Deserialize)]
pub struct NewSession {
    /// The course.
    pub course_id: String,
    /// The unit's agency id.
    pub unit: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// Where.
    #[serde(default)]
    pub place: String,
    /// Why (default: the plan line of the course's tag, if any).
    #[serde(default)]
    pub reason: String,
    /// Staff ids enrolled.
    #[serde(default)]
    pub staff: Vec<String>,
}

/// A session planned from a plan line: a course, or a topic for a new
/// course of the line's expertise ([`DEFAULT_HOURS`] hours).
#[derive(Debug, Clone)]
pub struct PlannedSession {
    /// An existing course.
    pub course_id: Option<String>,
    /// Or a topic for a new course.
    pub topic: Option<String>,
    /// The plan line's expertise tag (for a new course).
    pub expertise: Option<String>,
    /// The unit's agency id.
    pub unit: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// Where.
    pub place: String,
    /// Staff ids enrolled.
    pub staff: Vec<String>,
}

/// A completion.
#[derive(Debug, Clone, Deserialize)]
pub struct Completion {
    /// The day completed (not before the session's first day).
    pub completed_on: NaiveDate,
    /// The result (đạt, khá, giỏi…), optional.
    #[serde(default)]
    pub result: Option<String>,
}

/// A session with its course and the names of the people enrolled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionView {
    /// The session and its enrolments.
    #[serde(flatten)]
    pub session: Session,
    /// The course.
    pub course: Option<Course>,
    /// Full names of the people enrolled, by staff id.
    pub names: BTreeMap<String, String>,
}

/// A person proposed (or offered) for a plan line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// Registry id.
    pub staff_id: String,
    /// Full name.
    pub full_name: String,
    /// Job position.
    pub position: String,
    /// Their expertise tags.
    pub expertise: Vec<String>,
    /// Dossiers of the tag's fields they acted on in the period.
    pub dossiers_in_field: u64,
    /// Among the first the plan proposes (as many as the unit is short).
    pub proposed: bool,
    /// Why them (Vietnamese).
    pub why: String,
}

/// One line of a unit's training plan: an expertise where it is short.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanLine {
    /// The unit's agency id (where a session would be held).
    pub unit: String,
    /// The administrative unit code of the signal.
    pub unit_code: String,
    /// The unit's name.
    pub unit_name: String,
    /// The expertise tag.
    pub expertise: String,
    /// Its Vietnamese name.
    pub expertise_name: String,
    /// The course tagged for it, if any.
    pub course: Option<Course>,
    /// The course's title, or "chưa có khoá học".
    pub topic: String,
    /// Why (the signal's numbers, Vietnamese).
    pub why: String,
    /// The signal's numbers.
    pub signal: ShortageRow,
    /// Staff already enrolled in a session of a course of this tag.
    pub already_enrolled: usize,
    /// The people, proposed first.
    pub candidates: Vec<Candidate>,
}

/// A unit's training plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingPlan {
    /// The unit's agency id.
    pub unit: String,
    /// The period of the signal: from.
    pub from: DateTime<Utc>,
    /// To (exclusive).
    pub to: DateTime<Utc>,
    /// One line per expertise short, most short first.
    pub lines: Vec<PlanLine>,
}

/// Dossiers of a window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Window {
    /// First day (Vietnam time).
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Dossiers of the tag's fields submitted in it.
    pub dossiers: u64,
    /// Of those, overdue.
    pub overdue: u64,
    /// `overdue / dossiers`, none without dossiers.
    pub overdue_share: Option<f64>,
    /// The window has ended.
    pub complete: bool,
}

/// The follow-up of one session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FollowUp {
    /// The session.
    pub session_id: String,
    /// Its course's title.
    pub course_title: String,
    /// The tags it trained.
    pub expertise: Vec<String>,
    /// The session's last day.
    pub ends_on: NaiveDate,
    /// People enrolled.
    pub enrolled: usize,
    /// Of them, completed.
    pub completed: usize,
    /// Weeks either side.
    pub weeks: u32,
    /// Before the last day.
    pub before: Window,
    /// After it.
    pub after: Window,
    /// `fell`, `did_not_fall` or `not_enough_data`.
    pub outcome: &'static str,
    /// The verdict in Vietnamese.
    pub verdict: String,
}

/// A ratio with one decimal, Vietnamese style (`1,5`).
fn one_decimal(x: f64) -> String {
    format!("{x:.1}").replace('.', ",")
}

/// The Vietnamese reason of a plan line, from the signal's numbers.
pub fn why_text(row: &ShortageRow, tag_name: &str, days: i64) -> String {
    let s = &row.signal;
    let norm = match s.province_per_person {
        Some(n) => format!(
            "mức chung của tỉnh là {} hồ sơ/người nên cần {} người",
            one_decimal(n),
            one_decimal(s.needed)
        ),
        None => "cả tỉnh chưa ai được gắn chuyên môn này nên cần ít nhất 1 người".to_owned(),
    };
    format!(
        "Trong {days} ngày qua {unit} tiếp nhận {d} hồ sơ lĩnh vực {tag_name} ({o} quá hạn), \
         có {p} người mang chuyên môn này; {norm}: thiếu {short}.",
        unit = row.unit_name,
        d = s.dossiers,
        o = row.overdue,
        p = s.people,
        short = one_decimal(s.short_by),
    )
}

fn new_id(prefix: &str, now: DateTime<Utc>) -> Result<String, TrainingError> {
    let mut buf = [0u8; 5];
    getrandom::fill(&mut buf).map_err(|e| TrainingError::Unexpected(anyhow::anyhow!("{e}")))?;
    let hex: String = buf.iter().map(|b| format!("{b:02X}")).collect();
    Ok(format!(
        "{prefix}-{}-{hex}",
        motcua_domain::clock::to_local(now).format("%y%m%d")
    ))
}

/// The Vietnam-time midnight starting `day`, as an instant.
fn midnight(day: NaiveDate) -> DateTime<Utc> {
    from_local(day.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// The training use cases.
#[derive(Clone)]
pub struct TrainingService {
    store: Arc<dyn TrainingPorts>,
    policy: Policy,
    clock: Clock,
    workload: WorkloadService,
}

impl TrainingService {
    /// Over the store and the clock.
    pub fn new(store: Arc<dyn TrainingPorts>, clock: Clock) -> Self {
        let directory: Arc<dyn crate::ports::AgencyDirectory> = store.clone();
        let staff: Arc<dyn StaffPorts> = store.clone();
        Self {
            workload: WorkloadService::new(staff, clock.clone(), None),
            store,
            policy: Policy::new(ScopeResolver::new(directory)),
            clock,
        }
    }

    /// Every course, for a reader of staff.
    pub async fn courses(&self, roles: &[RoleAssignment]) -> Result<Vec<Course>, TrainingError> {
        require(roles, Capability::ViewStaff)?;
        Ok(self.store.list_training_courses().await?)
    }

    /// Records a course (tags from the catalog, hours > 0).
    pub async fn create_course(
        &self,
        roles: &[RoleAssignment],
        input: NewCourse,
    ) -> Result<Course, TrainingError> {
        require(roles, Capability::ManageStaff)?;
        self.save_training_course(input).await
    }

    async fn save_training_course(&self, input: NewCourse) -> Result<Course, TrainingError> {
        let course = self.checked_course(input)?;
        self.store.save_training_course(&course).await?;
        Ok(course)
    }

    fn checked_course(&self, input: NewCourse) -> Result<Course, TrainingError> {
        let topic = input.topic.trim().to_owned();
        if topic.is_empty() {
            return Err(invalid("Cần ghi chủ đề", "topic is required"));
        }
        if topic.chars().count() > 300 {
            return Err(invalid("Chủ đề quá dài", "topic too long"));
        }
        let title = input
            .title
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| topic.clone());
        let catalog = tags()?;
        let mut expertise = BTreeSet::new();
        for tag in &input.expertise {
            let tag = tag.trim();
            if catalog.get(tag).is_none() {
                return Err(TrainingError::Invalid(format!(
                    "Không có thẻ chuyên môn {tag} / unknown expertise tag {tag}"
                )));
            }
            expertise.insert(tag.to_owned());
        }
        if expertise.is_empty() {
            return Err(invalid(
                "Cần ít nhất một thẻ chuyên môn",
                "at least one expertise tag is required",
            ));
        }
        if input.hours <= 0 || input.hours > 10_000 {
            return Err(invalid(
                "Số giờ phải lớn hơn 0 (tối đa 10.000)",
                "hours must be more than 0 (at most 10,000)",
            ));
        }
        let now = self.clock.now_micros();
        Ok(Course {
            id: new_id("KH", now)?,
            title,
            topic,
            expertise: expertise.into_iter().collect(),
            hours: u32::try_from(input.hours).unwrap_or(DEFAULT_HOURS),
            provider: input.provider.trim().to_owned(),
            created_at: now,
        })
    }

    /// The sessions of `unit`'s subtree, for a reader of its staff.
    pub async fn sessions(
        &self,
        roles: &[RoleAssignment],
        unit: &str,
    ) -> Result<Vec<SessionView>, TrainingError> {
        self.policy
            .in_agency(roles, Capability::ViewStaff, unit)
            .await?;
        let sessions = self.store.list_training_sessions(unit).await?;
        let courses: BTreeMap<String, Course> = self
            .store
            .list_training_courses()
            .await?
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect();
        let names = self.names(province_root(unit)).await?;
        Ok(sessions
            .into_iter()
            .map(|s| view(s, &courses, &names))
            .collect())
    }

    async fn names(&self, root: &str) -> Result<BTreeMap<String, String>, TrainingError> {
        Ok(self
            .store
            .list_staff(root)
            .await?
            .into_iter()
            .map(|m| (m.id, m.full_name))
            .collect())
    }

    /// Holds a session of a course for a unit and enrols people.
    pub async fn create_session(
        &self,
        roles: &[RoleAssignment],
        input: NewSession,
    ) -> Result<SessionView, TrainingError> {
        let unit = input.unit.trim().to_owned();
        if unit.is_empty() {
            return Err(invalid("Cần chọn đơn vị", "unit is required"));
        }
        self.policy
            .in_agency(roles, Capability::ManageStaff, &unit)
            .await?;
        let course = self
            .store
            .get_training_course(input.course_id.trim())
            .await?
            .ok_or_else(|| {
                TrainingError::Invalid(format!(
                    "Không có khoá học {c} / no course {c}",
                    c = input.course_id.trim()
                ))
            })?;
        self.check_dates(input.starts_on, input.ends_on)?;
        let staff = self
            .check_staff(&unit, input.starts_on, &input.staff)
            .await?;
        let reason = if input.reason.trim().is_empty() {
            self.reason_for(&unit, &course.expertise).await
        } else {
            input.reason.trim().to_owned()
        };
        self.insert_session(&course, &unit, &input, reason, staff)
            .await
    }

    async fn insert_session(
        &self,
        course: &Course,
        unit: &str,
        input: &NewSession,
        reason: String,
        staff: Vec<String>,
    ) -> Result<SessionView, TrainingError> {
        let now = self.clock.now_micros();
        let id = new_id("LH", now)?;
        let mut enrolments = Vec::new();
        for s in staff {
            enrolments.push(Enrolment {
                id: new_id("GD", now)?,
                session_id: id.clone(),
                staff_id: s,
                completed_on: None,
                result: None,
            });
        }
        let session = Session {
            id,
            course_id: course.id.clone(),
            unit_agency: unit.to_owned(),
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            place: input.place.trim().to_owned(),
            reason,
            created_at: now,
            enrolments,
        };
        self.store.save_training_session(&session).await?;
        self.session_view(&session.id).await
    }

    /// Holds a session from a plan line (the desk page): an existing
    /// course, or a new course of the line's topic and expertise.
    pub async fn create_planned(
        &self,
        roles: &[RoleAssignment],
        input: PlannedSession,
    ) -> Result<SessionView, TrainingError> {
        let unit = input.unit.trim().to_owned();
        self.policy
            .in_agency(roles, Capability::ManageStaff, &unit)
            .await?;
        self.check_dates(input.starts_on, input.ends_on)?;
        let staff = self
            .check_staff(&unit, input.starts_on, &input.staff)
            .await?;
        let course = match input.course_id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() => {
                self.store.get_training_course(id).await?.ok_or_else(|| {
                    TrainingError::Invalid(format!("Không có khoá học {id} / no course {id}"))
                })?
            }
            _ => {
                let topic = input.topic.clone().unwrap_or_default();
                self.save_training_course(NewCourse {
                    title: None,
                    topic,
                    expertise: input.expertise.clone().into_iter().collect(),
                    hours: i64::from(DEFAULT_HOURS),
                    provider: String::new(),
                })
                .await?
            }
        };
        let reason = self.reason_for(&unit, &course.expertise).await;
        let session = NewSession {
            course_id: course.id.clone(),
            unit: unit.clone(),
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            place: input.place,
            reason: String::new(),
            staff: Vec::new(),
        };
        self.insert_session(&course, &unit, &session, reason, staff)
            .await
    }

    /// Enrols more people in a session.
    pub async fn enrol(
        &self,
        roles: &[RoleAssignment],
        session_id: &str,
        staff: &[String],
    ) -> Result<SessionView, TrainingError> {
        require(roles, Capability::ManageStaff)?;
        let session = self.visible_session(roles, session_id).await?;
        if staff.is_empty() {
            return Err(invalid("Cần chọn ít nhất một người", "no staff given"));
        }
        let staff = self
            .check_staff(&session.unit_agency, session.starts_on, staff)
            .await?;
        let now = self.clock.now_micros();
        let mut rows = Vec::new();
        for s in staff {
            rows.push(Enrolment {
                id: new_id("GD", now)?,
                session_id: session.id.clone(),
                staff_id: s,
                completed_on: None,
                result: None,
            });
        }
        self.store.add_training_enrolments(&rows).await?;
        self.session_view(&session.id).await
    }

    /// Records that an enrolled person completed the session.
    pub async fn complete(
        &self,
        roles: &[RoleAssignment],
        enrolment_id: &str,
        completion: Completion,
    ) -> Result<Enrolment, TrainingError> {
        require(roles, Capability::ManageStaff)?;
        let unknown = || {
            TrainingError::NotFound(format!(
                "Không có lượt ghi danh {enrolment_id} / no enrolment {enrolment_id}"
            ))
        };
        let enrolment = self
            .store
            .get_training_enrolment(enrolment_id)
            .await?
            .ok_or_else(unknown)?;
        let session = self
            .visible_session(roles, &enrolment.session_id)
            .await
            .map_err(|e| match e {
                TrainingError::NotFound(_) => unknown(),
                other => other,
            })?;
        if completion.completed_on < session.starts_on {
            return Err(TrainingError::Invalid(format!(
                "Ngày hoàn thành không được trước ngày khai giảng {} / completion before the session's first day {}",
                motcua_domain::format::date(session.starts_on),
                session.starts_on
            )));
        }
        let result = completion
            .result
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        if result.as_ref().is_some_and(|r| r.chars().count() > 200) {
            return Err(invalid("Kết quả quá dài", "result too long"));
        }
        if !self
            .store
            .complete_training_enrolment(enrolment_id, completion.completed_on, result.as_deref())
            .await?
        {
            return Err(unknown());
        }
        self.store
            .get_training_enrolment(enrolment_id)
            .await?
            .ok_or_else(unknown)
    }

    /// Whether the roles may manage the training of `unit` (for pages).
    pub async fn may_manage(&self, roles: &[RoleAssignment], unit: &str) -> bool {
        self.policy
            .in_agency(roles, Capability::ManageStaff, unit)
            .await
            .is_ok()
    }

    /// A session the roles may manage, or "unknown" (out of scope too).
    async fn visible_session(
        &self,
        roles: &[RoleAssignment],
        id: &str,
    ) -> Result<Session, TrainingError> {
        let unknown =
            || TrainingError::NotFound(format!("Không có lớp {id} / no training session {id}"));
        let session = self
            .store
            .get_training_session(id)
            .await?
            .ok_or_else(unknown)?;
        match self
            .policy
            .in_agency(roles, Capability::ManageStaff, &session.unit_agency)
            .await
        {
            Ok(()) => Ok(session),
            Err(Denied::OutOfScope | Denied::Hidden) => Err(unknown()),
            Err(d) => Err(d.into()),
        }
    }

    async fn session_view(&self, id: &str) -> Result<SessionView, TrainingError> {
        let session =
            self.store.get_training_session(id).await?.ok_or_else(|| {
                TrainingError::Unexpected(anyhow::anyhow!("session {id} vanished"))
            })?;
        let course = self.store.get_training_course(&session.course_id).await?;
        let courses: BTreeMap<String, Course> =
            course.into_iter().map(|c| (c.id.clone(), c)).collect();
        let names = self.names(province_root(&session.unit_agency)).await?;
        Ok(view(session, &courses, &names))
    }

    fn check_dates(&self, starts_on: NaiveDate, ends_on: NaiveDate) -> Result<(), TrainingError> {
        if ends_on < starts_on {
            return Err(invalid(
                "Ngày kết thúc không được trước ngày bắt đầu",
                "the last day is before the first",
            ));
        }
        if (ends_on - starts_on).num_days() > 366 {
            return Err(invalid(
                "Một lớp không dài quá một năm",
                "a session lasts at most a year",
            ));
        }
        Ok(())
    }

    /// The staff ids, each of a person who works in `unit`'s subtree on
    /// `day` or is seconded into it then; every unknown one named.
    async fn check_staff(
        &self,
        unit: &str,
        day: NaiveDate,
        ids: &[String],
    ) -> Result<Vec<String>, TrainingError> {
        let ids: BTreeSet<String> = ids
            .iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let here: BTreeSet<String> = self
            .store
            .list_staff(unit)
            .await?
            .into_iter()
            .filter(|m| m.works_here_on(day))
            .map(|m| m.id)
            .collect();
        let seconded_in: BTreeSet<String> = self
            .store
            .list_staff(province_root(unit))
            .await?
            .into_iter()
            .filter(|m| {
                m.secondment.as_ref().is_some_and(|s| {
                    s.direction == SecondmentDirection::Out && s.agency == unit && s.runs_on(day)
                })
            })
            .map(|m| m.id)
            .collect();
        let bad: Vec<&str> = ids
            .iter()
            .filter(|id| !here.contains(*id) && !seconded_in.contains(*id))
            .map(String::as_str)
            .collect();
        if !bad.is_empty() {
            let list = bad.join(", ");
            return Err(TrainingError::Invalid(format!(
                "Không thuộc đơn vị {unit} (hoặc không được biệt phái đến) vào ngày {d}: {list} / \
                 not staff of {unit} (nor seconded into it) on {day}: {list}",
                d = motcua_domain::format::date(day)
            )));
        }
        Ok(ids.into_iter().collect())
    }

    async fn reason_for(&self, unit: &str, expertise: &[String]) -> String {
        if let Ok(plan) = self.plan_unchecked(unit).await
            && let Some(line) = plan
                .lines
                .into_iter()
                .find(|l| expertise.contains(&l.expertise))
        {
            return line.why;
        }
        "Lập theo đề nghị của đơn vị (không có tín hiệu thiếu hụt cho chuyên môn này).".to_owned()
    }

    /// The training plan of `unit`, for a reader of its workload.
    pub async fn plan(
        &self,
        roles: &[RoleAssignment],
        unit: &str,
    ) -> Result<TrainingPlan, TrainingError> {
        self.policy
            .in_agency(roles, Capability::ViewWorkload, unit)
            .await?;
        self.plan_unchecked(unit).await
    }

    /// The same without a policy check (the command line).
    pub async fn plan_unchecked(&self, unit: &str) -> Result<TrainingPlan, TrainingError> {
        let catalog = tags()?;
        let report = self.workload.shortages_unchecked(unit, None, None).await?;
        let days = (report.to - report.from).num_days();
        let short: Vec<&ShortageRow> = report
            .rows
            .iter()
            .filter(|r| r.signal.short_by > 0.0)
            .collect();
        if short.is_empty() {
            return Ok(TrainingPlan {
                unit: unit.to_owned(),
                from: report.from,
                to: report.to,
                lines: Vec::new(),
            });
        }
        let work = self.workload.workload_unchecked(unit, None).await?;
        let agencies = self.store.agency_units(unit).await?;
        let code_of: BTreeMap<&str, &str> = agencies
            .iter()
            .map(|(a, c)| (a.as_str(), c.as_str()))
            .collect();
        let today = self.clock.today();
        let staff: Vec<StaffMember> = self
            .store
            .list_staff(unit)
            .await?
            .into_iter()
            .filter(|m| m.works_here_on(today))
            .collect();
        let courses = self.store.list_training_courses().await?;
        let course_tags: BTreeMap<&str, &Vec<String>> = courses
            .iter()
            .map(|c| (c.id.as_str(), &c.expertise))
            .collect();
        // Who is already in a session of a course of each tag.
        let mut enrolled: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        let sessions = self.store.list_training_sessions(unit).await?;
        for s in &sessions {
            let tags_of = course_tags.get(s.course_id.as_str()).copied();
            for tag in tags_of.into_iter().flatten() {
                enrolled
                    .entry(tag.as_str())
                    .or_default()
                    .extend(s.enrolments.iter().map(|e| e.staff_id.clone()));
            }
        }
        let mut lines = Vec::new();
        for row in short {
            let tag = &row.signal.tag;
            let tag_name = catalog
                .get(tag)
                .map_or_else(|| tag.clone(), |t| t.vi.clone());
            // Dossiers each account acted on in the tag's fields here.
            let mut acted: BTreeMap<&str, u64> = BTreeMap::new();
            for o in &work.officers {
                if o.unit_code == row.signal.unit
                    && catalog.tag_of_field(&o.field).is_some_and(|t| &t.id == tag)
                {
                    let account = o.officer.strip_prefix("officer:").unwrap_or(&o.officer);
                    *acted.entry(account).or_default() += o.dossiers_handled;
                }
            }
            let already = enrolled.get(tag.as_str());
            let mut candidates: Vec<(u8, Candidate)> = staff
                .iter()
                .filter(|m| code_of.get(m.unit_agency.as_str()) == Some(&row.signal.unit.as_str()))
                .filter(|m| !m.expertise.contains(tag))
                .filter(|m| already.is_none_or(|a| !a.contains(&m.id)))
                .map(|m| {
                    let done = m
                        .account
                        .as_deref()
                        .and_then(|a| acted.get(a))
                        .copied()
                        .unwrap_or(0);
                    let untagged = m.expertise.is_empty();
                    let one_stop = m.expertise.iter().any(|t| t == ONE_STOP_TAG);
                    let (rank, why) = if done > 0 {
                        (
                            0,
                            format!("đã xử lý {done} hồ sơ lĩnh vực {tag_name} trong kỳ"),
                        )
                    } else if one_stop {
                        (1, "cán bộ một cửa, tiếp nhận hồ sơ mọi lĩnh vực".to_owned())
                    } else if untagged {
                        (1, "chưa được gắn chuyên môn nào".to_owned())
                    } else {
                        (2, "cán bộ của đơn vị".to_owned())
                    };
                    (
                        rank,
                        Candidate {
                            staff_id: m.id.clone(),
                            full_name: m.full_name.clone(),
                            position: m.position.clone(),
                            expertise: m.expertise.clone(),
                            dossiers_in_field: done,
                            proposed: false,
                            why,
                        },
                    )
                })
                .collect();
            candidates.sort_by(|a, b| {
                a.0.cmp(&b.0)
                    .then(b.1.dossiers_in_field.cmp(&a.1.dossiers_in_field))
                    .then(a.1.full_name.cmp(&b.1.full_name))
                    .then(a.1.staff_id.cmp(&b.1.staff_id))
            });
            let wanted = row.signal.short_by.ceil().max(1.0) as usize;
            let candidates: Vec<Candidate> = candidates
                .into_iter()
                .enumerate()
                .map(|(i, (_, mut c))| {
                    c.proposed = i < wanted;
                    c
                })
                .collect();
            let course = courses.iter().find(|c| c.expertise.contains(tag)).cloned();
            let unit_agency = agencies
                .iter()
                .find(|(a, c)| c == &row.signal.unit && a == unit)
                .or_else(|| agencies.iter().find(|(_, c)| c == &row.signal.unit))
                .map_or_else(|| unit.to_owned(), |(a, _)| a.clone());
            lines.push(PlanLine {
                unit: unit_agency,
                unit_code: row.signal.unit.clone(),
                unit_name: row.unit_name.clone(),
                expertise: tag.clone(),
                expertise_name: tag_name.clone(),
                topic: course
                    .as_ref()
                    .map_or_else(|| NO_COURSE.to_owned(), |c| c.title.clone()),
                course,
                why: why_text(row, &tag_name, days),
                signal: (*row).clone(),
                already_enrolled: already.map_or(0, BTreeSet::len),
                candidates,
            });
        }
        Ok(TrainingPlan {
            unit: unit.to_owned(),
            from: report.from,
            to: report.to,
            lines,
        })
    }

    /// The follow-up of `unit`'s sessions that ended or have a completion:
    /// overdue share of the trained tags' fields `weeks` weeks before and
    /// after each session's last day.
    pub async fn follow_up(
        &self,
        roles: &[RoleAssignment],
        unit: &str,
        weeks: Option<u32>,
    ) -> Result<Vec<FollowUp>, TrainingError> {
        self.policy
            .in_agency(roles, Capability::ViewWorkload, unit)
            .await?;
        self.follow_up_unchecked(unit, weeks).await
    }

    /// The same without a policy check.
    pub async fn follow_up_unchecked(
        &self,
        unit: &str,
        weeks: Option<u32>,
    ) -> Result<Vec<FollowUp>, TrainingError> {
        let weeks = weeks.unwrap_or(DEFAULT_WEEKS);
        if !(1..=52).contains(&weeks) {
            return Err(invalid(
                "Số tuần theo dõi từ 1 đến 52",
                "weeks must be 1 to 52",
            ));
        }
        let catalog = tags()?;
        let now = self.clock.now();
        let today = self.clock.today();
        let courses: BTreeMap<String, Course> = self
            .store
            .list_training_courses()
            .await?
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect();
        let mut out = Vec::new();
        for s in self.store.list_training_sessions(unit).await? {
            let completed = s
                .enrolments
                .iter()
                .filter(|e| e.completed_on.is_some())
                .count();
            if s.ends_on >= today && completed == 0 {
                continue;
            }
            let course = courses.get(&s.course_id);
            let expertise = course.map(|c| c.expertise.clone()).unwrap_or_default();
            let pivot = s.ends_on + Duration::days(1);
            let span = Duration::weeks(i64::from(weeks));
            let count = |from: NaiveDate, to: NaiveDate| {
                let q = WorkloadQuery {
                    root: s.unit_agency.clone(),
                    from: midnight(from),
                    to: midnight(to),
                    now_key: now.timestamp_millis(),
                    windows: Vec::new(),
                };
                let expertise = expertise.clone();
                async move {
                    let rows = self.store.field_counts(&q).await?;
                    let (mut d, mut o) = (0u64, 0u64);
                    for r in rows {
                        if catalog
                            .tag_of_field(&r.field)
                            .is_some_and(|t| expertise.contains(&t.id))
                        {
                            d += r.dossiers;
                            o += r.overdue;
                        }
                    }
                    Ok::<_, TrainingError>(Window {
                        from,
                        to: to - Duration::days(1),
                        dossiers: d,
                        overdue: o,
                        overdue_share: (d > 0).then(|| o as f64 / d as f64),
                        complete: midnight(to) <= now,
                    })
                }
            };
            let before = count(pivot - span, pivot).await?;
            let after = count(pivot, pivot + span).await?;
            let names: Vec<String> = expertise
                .iter()
                .map(|t| catalog.get(t).map_or_else(|| t.clone(), |x| x.vi.clone()))
                .collect();
            let field = names.join(", ");
            let (outcome, verdict) = verdict(&before, &after, weeks, &field, s.ends_on);
            out.push(FollowUp {
                session_id: s.id.clone(),
                course_title: course.map_or_else(|| s.course_id.clone(), |c| c.title.clone()),
                expertise,
                ends_on: s.ends_on,
                enrolled: s.enrolments.len(),
                completed,
                weeks,
                before,
                after,
                outcome,
                verdict,
            });
        }
        Ok(out)
    }
}

/// The follow-up's outcome (`fell`, `did_not_fall`, `not_enough_data`) and
/// its verdict in Vietnamese, from the windows before and after a session
/// that ended on `ends_on`: not enough data while the after-window runs or
/// when either window has no dossier of the trained `field`.
pub fn verdict(
    before: &Window,
    after: &Window,
    weeks: u32,
    field: &str,
    ends_on: NaiveDate,
) -> (&'static str, String) {
    if !after.complete {
        (
            "not_enough_data",
            format!(
                "{}: {weeks} tuần sau ngày kết thúc {} chưa qua hết (đến hết ngày {}).",
                capitalised(NOT_ENOUGH_DATA),
                motcua_domain::format::date(ends_on),
                motcua_domain::format::date(after.to)
            ),
        )
    } else if before.dossiers == 0 || after.dossiers == 0 {
        (
            "not_enough_data",
            format!(
                "{}: không có hồ sơ lĩnh vực {field} trong {weeks} tuần {}.",
                capitalised(NOT_ENOUGH_DATA),
                if before.dossiers == 0 {
                    "trước lớp học"
                } else {
                    "sau lớp học"
                }
            ),
        )
    } else {
        let fell = after.overdue_share < before.overdue_share;
        let then = format!(
            "{} ({}/{} hồ sơ) {weeks} tuần trước",
            before.overdue_share.map_or_else(|| "—".to_owned(), percent),
            before.overdue,
            before.dossiers
        );
        let later = format!(
            "{} ({}/{} hồ sơ) {weeks} tuần sau lớp học",
            after.overdue_share.map_or_else(|| "—".to_owned(), percent),
            after.overdue,
            after.dossiers
        );
        if fell {
            (
                "fell",
                format!("Tỷ lệ quá hạn lĩnh vực {field} giảm từ {then} xuống {later}."),
            )
        } else {
            (
                "did_not_fall",
                format!("Tỷ lệ quá hạn lĩnh vực {field} không giảm: {then}, {later}."),
            )
        }
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn view(
    session: Session,
    courses: &BTreeMap<String, Course>,
    names: &BTreeMap<String, String>,
) -> SessionView {
    let names = session
        .enrolments
        .iter()
        .map(|e| {
            (
                e.staff_id.clone(),
                names
                    .get(&e.staff_id)
                    .cloned()
                    .unwrap_or_else(|| e.staff_id.clone()),
            )
        })
        .collect();
    SessionView {
        course: courses.get(&session.course_id).cloned(),
        session,
        names,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(dossiers: u64, overdue: u64, complete: bool) -> Window {
        let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        Window {
            from: d,
            to: d + Duration::days(55),
            dossiers,
            overdue,
            overdue_share: (dossiers > 0).then(|| overdue as f64 / dossiers as f64),
            complete,
        }
    }

    #[test]
    fn the_verdict_compares_overdue_shares_once_the_after_window_is_over() {
        let end = NaiveDate::from_ymd_opt(2026, 2, 28).unwrap();
        let field = "Đất đai";
        // 10 of 40 (25%) before, 3 of 30 (10%) after: fell.
        let (o, v) = verdict(&window(40, 10, true), &window(30, 3, true), 8, field, end);
        assert_eq!(o, "fell");
        assert_eq!(
            v,
            "Tỷ lệ quá hạn lĩnh vực Đất đai giảm từ 25,0 % (10/40 hồ sơ) 8 tuần trước \
             xuống 10,0 % (3/30 hồ sơ) 8 tuần sau lớp học."
        );
        // The same share is not a fall.
        let (o, v) = verdict(&window(40, 10, true), &window(20, 5, true), 8, field, end);
        assert_eq!(o, "did_not_fall");
        assert!(v.contains("không giảm"), "{v}");
        // The after-window still running: not enough data, whatever the numbers.
        let (o, v) = verdict(&window(40, 10, true), &window(30, 0, false), 8, field, end);
        assert_eq!(o, "not_enough_data");
        assert!(
            v.starts_with("Chưa đủ dữ liệu: 8 tuần sau ngày kết thúc 28/02/2026"),
            "{v}"
        );
        // No dossier before: not enough data either.
        let (o, v) = verdict(&window(0, 0, true), &window(30, 0, true), 8, field, end);
        assert_eq!(o, "not_enough_data");
        assert!(v.contains("trước lớp học"), "{v}");
    }
}
