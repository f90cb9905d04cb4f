//! Training courses, sessions and enrolments (issue 17 item 3).

/// Stamps `impl TrainingStore for crate::Engine`: the same SQL on both
/// engines (tags kept space separated in `training_courses.expertise`).
#[macro_export]
macro_rules! training_store {
    () => {
        use async_trait::async_trait;
        use chrono::NaiveDate;
        use motcua_app::StoreError;
        use motcua_app::ports::training::{Course, Enrolment, Session, TrainingStore};
        use sqlx::Row;

        use crate::{Engine, other};

        /// The agency `$1` and every agency below it (12 levels at most).
        const TRAINING_SUBTREE: &str = "WITH RECURSIVE sub (id, depth) AS ( \
             SELECT id, 0 FROM agencies WHERE id = $1 \
             UNION SELECT a.id, sub.depth + 1 FROM agencies a \
             JOIN sub ON a.parent_id = sub.id WHERE sub.depth < 12) ";

        const SESSION_COLUMNS: &str =
            "s.id, s.course_id, s.unit_agency, s.starts_on, s.ends_on, s.place, s.reason, s.created_at";

        const ENROLMENT_COLUMNS: &str = "e.id, e.session_id, e.staff_id, e.completed_on, e.result";

        fn course(r: &crate::EngineRow) -> Result<Course, StoreError> {
            let tags: String = r.try_get("expertise").map_err(|e| other(e, "expertise"))?;
            let hours: i32 = r.try_get("hours").map_err(|e| other(e, "hours"))?;
            Ok(Course {
                id: r.try_get("id").map_err(|e| other(e, "course id"))?,
                title: r.try_get("title").map_err(|e| other(e, "title"))?,
                topic: r.try_get("topic").map_err(|e| other(e, "topic"))?,
                expertise: tags.split_whitespace().map(str::to_owned).collect(),
                hours: u32::try_from(hours).unwrap_or(0),
                provider: r.try_get("provider").map_err(|e| other(e, "provider"))?,
                created_at: r.try_get("created_at").map_err(|e| other(e, "created_at"))?,
            })
        }

        fn session(r: &crate::EngineRow) -> Result<Session, StoreError> {
            Ok(Session {
                id: r.try_get("id").map_err(|e| other(e, "session id"))?,
                course_id: r.try_get("course_id").map_err(|e| other(e, "course_id"))?,
                unit_agency: r.try_get("unit_agency").map_err(|e| other(e, "unit_agency"))?,
                starts_on: r.try_get("starts_on").map_err(|e| other(e, "starts_on"))?,
                ends_on: r.try_get("ends_on").map_err(|e| other(e, "ends_on"))?,
                place: r.try_get("place").map_err(|e| other(e, "place"))?,
                reason: r.try_get("reason").map_err(|e| other(e, "reason"))?,
                created_at: r.try_get("created_at").map_err(|e| other(e, "created_at"))?,
                enrolments: Vec::new(),
            })
        }

        fn enrolment(r: &crate::EngineRow) -> Result<Enrolment, StoreError> {
            Ok(Enrolment {
                id: r.try_get("id").map_err(|e| other(e, "enrolment id"))?,
                session_id: r.try_get("session_id").map_err(|e| other(e, "session_id"))?,
                staff_id: r.try_get("staff_id").map_err(|e| other(e, "staff_id"))?,
                completed_on: r.try_get("completed_on").map_err(|e| other(e, "completed_on"))?,
                result: r.try_get("result").map_err(|e| other(e, "result"))?,
            })
        }

        /// Gives each session its enrolments (rows ordered by staff id).
        fn attach(sessions: &mut [Session], rows: Vec<Enrolment>) {
            for e in rows {
                if let Some(s) = sessions.iter_mut().find(|s| s.id == e.session_id) {
                    s.enrolments.push(e);
                }
            }
        }

        async fn insert_enrolments(
            tx: &mut sqlx::Transaction<'static, crate::Db>,
            rows: &[Enrolment],
        ) -> Result<u64, StoreError> {
            let mut added = 0;
            for e in rows {
                added += sqlx::query(
                    "INSERT INTO training_enrolments (id, session_id, staff_id, completed_on, result) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (session_id, staff_id) DO NOTHING",
                )
                .bind(&e.id)
                .bind(&e.session_id)
                .bind(&e.staff_id)
                .bind(e.completed_on)
                .bind(&e.result)
                .execute(&mut **tx)
                .await
                .map_err(|err| other(err, "enrolling"))?
                .rows_affected();
            }
            Ok(added)
        }

        #[async_trait]
        impl TrainingStore for Engine {
            async fn save_training_course(&self, c: &Course) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO training_courses (id, title, topic, expertise, hours, provider, \
                     created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&c.id)
                .bind(&c.title)
                .bind(&c.topic)
                .bind(c.expertise.join(" "))
                .bind(i32::try_from(c.hours).unwrap_or(i32::MAX))
                .bind(&c.provider)
                .bind(c.created_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "saving a course"))?;
                tx.commit().await.map_err(|e| other(e, "committing a course"))
            }

            async fn list_training_courses(&self) -> Result<Vec<Course>, StoreError> {
                let rows = sqlx::query("SELECT * FROM training_courses ORDER BY title, id")
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| other(e, "listing courses"))?;
                rows.iter().map(course).collect()
            }

            async fn get_training_course(&self, id: &str) -> Result<Option<Course>, StoreError> {
                let row = sqlx::query("SELECT * FROM training_courses WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(|e| other(e, "reading a course"))?;
                row.as_ref().map(course).transpose()
            }

            async fn save_training_session(&self, s: &Session) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO training_sessions (id, course_id, unit_agency, starts_on, ends_on, \
                     place, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&s.id)
                .bind(&s.course_id)
                .bind(&s.unit_agency)
                .bind(s.starts_on)
                .bind(s.ends_on)
                .bind(&s.place)
                .bind(&s.reason)
                .bind(s.created_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "saving a session"))?;
                insert_enrolments(&mut tx, &s.enrolments).await?;
                tx.commit().await.map_err(|e| other(e, "committing a session"))
            }

            async fn add_training_enrolments(&self, rows: &[Enrolment]) -> Result<u64, StoreError> {
                let mut tx = self.begin_write().await?;
                let added = insert_enrolments(&mut tx, rows).await?;
                tx.commit().await.map_err(|e| other(e, "committing enrolments"))?;
                Ok(added)
            }

            async fn list_training_sessions(&self, root: &str) -> Result<Vec<Session>, StoreError> {
                let rows = sqlx::query(&format!(
                    "{TRAINING_SUBTREE}SELECT {SESSION_COLUMNS} FROM training_sessions s \
                     WHERE s.unit_agency IN (SELECT id FROM sub) OR s.unit_agency = $1 \
                     ORDER BY s.starts_on DESC, s.id"
                ))
                .bind(root)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "listing sessions"))?;
                let mut sessions = rows.iter().map(session).collect::<Result<Vec<_>, _>>()?;
                let rows = sqlx::query(&format!(
                    "{TRAINING_SUBTREE}SELECT {ENROLMENT_COLUMNS} FROM training_enrolments e \
                     JOIN training_sessions s ON s.id = e.session_id \
                     WHERE s.unit_agency IN (SELECT id FROM sub) OR s.unit_agency = $1 \
                     ORDER BY e.session_id, e.staff_id"
                ))
                .bind(root)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "listing enrolments"))?;
                attach(
                    &mut sessions,
                    rows.iter().map(enrolment).collect::<Result<Vec<_>, _>>()?,
                );
                Ok(sessions)
            }

            async fn get_training_session(&self, id: &str) -> Result<Option<Session>, StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {SESSION_COLUMNS} FROM training_sessions s WHERE s.id = $1"
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "reading a session"))?;
                let Some(row) = row else {
                    return Ok(None);
                };
                let mut sessions = vec![session(&row)?];
                let rows = sqlx::query(&format!(
                    "SELECT {ENROLMENT_COLUMNS} FROM training_enrolments e \
                     WHERE e.session_id = $1 ORDER BY e.staff_id"
                ))
                .bind(id)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| other(e, "reading enrolments"))?;
                attach(
                    &mut sessions,
                    rows.iter().map(enrolment).collect::<Result<Vec<_>, _>>()?,
                );
                Ok(sessions.pop())
            }

            async fn get_training_enrolment(&self, id: &str) -> Result<Option<Enrolment>, StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {ENROLMENT_COLUMNS} FROM training_enrolments e WHERE e.id = $1"
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "reading an enrolment"))?;
                row.as_ref().map(enrolment).transpose()
            }

            async fn complete_training_enrolment(
                &self,
                id: &str,
                completed_on: NaiveDate,
                result: Option<&str>,
            ) -> Result<bool, StoreError> {
                let mut tx = self.begin_write().await?;
                let n = sqlx::query(
                    "UPDATE training_enrolments SET completed_on = $2, result = $3 WHERE id = $1",
                )
                .bind(id)
                .bind(completed_on)
                .bind(result)
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "recording a completion"))?
                .rows_affected();
                tx.commit().await.map_err(|e| other(e, "committing a completion"))?;
                Ok(n > 0)
            }
        }
    };
}
