//! Training (đào tạo, bồi dưỡng; issue 17 item 3): courses, sessions held
//! for a unit, and the enrolments of its staff with their completion.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// A course: a topic, the expertise tags it trains, its hours and provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Course {
    /// Id (`KH-…`).
    pub id: String,
    /// Title as shown.
    pub title: String,
    /// Topic (chuyên đề).
    pub topic: String,
    /// Expertise tags (`reference/staff/expertise.toml`), sorted.
    pub expertise: Vec<String>,
    /// Hours (tiết/giờ học), more than 0.
    pub hours: u32,
    /// Who teaches it (may be empty).
    pub provider: String,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

/// One person enrolled in a session, and their completion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// Id (`GD-…`).
    pub id: String,
    /// The session.
    pub session_id: String,
    /// The staff member (registry id).
    pub staff_id: String,
    /// When they completed it.
    pub completed_on: Option<NaiveDate>,
    /// The result (đạt, giỏi, …) as recorded.
    pub result: Option<String>,
}

/// A session (lớp) of a course held for a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Id (`LH-…`).
    pub id: String,
    /// The course.
    pub course_id: String,
    /// The unit's agency id.
    pub unit_agency: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day (not before the first).
    pub ends_on: NaiveDate,
    /// Where (may be empty).
    pub place: String,
    /// Why (the plan line's reason, or what the officer wrote).
    pub reason: String,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// Its enrolments, by staff id.
    pub enrolments: Vec<Enrolment>,
}

/// The store of courses, sessions and enrolments.
#[async_trait]
pub trait TrainingStore: Send + Sync {
    /// Inserts a course (ids are new).
    async fn save_training_course(&self, course: &Course) -> Result<(), StoreError>;
    /// Every course, by title then id.
    async fn list_training_courses(&self) -> Result<Vec<Course>, StoreError>;
    /// One course.
    async fn get_training_course(&self, id: &str) -> Result<Option<Course>, StoreError>;
    /// Inserts a session with its enrolments, in one transaction.
    async fn save_training_session(&self, session: &Session) -> Result<(), StoreError>;
    /// Adds enrolments; a person already in the session is left as they
    /// were. Answers how many were added.
    async fn add_training_enrolments(&self, enrolments: &[Enrolment]) -> Result<u64, StoreError>;
    /// The sessions of every agency at or below `root`, latest start first,
    /// with their enrolments.
    async fn list_training_sessions(&self, root: &str) -> Result<Vec<Session>, StoreError>;
    /// One session with its enrolments.
    async fn get_training_session(&self, id: &str) -> Result<Option<Session>, StoreError>;
    /// One enrolment.
    async fn get_training_enrolment(&self, id: &str) -> Result<Option<Enrolment>, StoreError>;
    /// Records a completion; false for an unknown id.
    async fn complete_training_enrolment(
        &self,
        id: &str,
        completed_on: NaiveDate,
        result: Option<&str>,
    ) -> Result<bool, StoreError>;
}
