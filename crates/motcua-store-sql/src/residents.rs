//! Residents of the embedded population registry.

/// Stamps `impl ResidentStore for crate::Engine`: residents of the embedded population registry.
#[macro_export]
macro_rules! resident_store {
    () => {
        use async_trait::async_trait;
        use motcua_app::StoreError;
        use motcua_app::ports::ResidentStore;
        use motcua_app::ports::registry::{ResidentRow, sex_str};
        use motcua_domain::dossier::PersonalId;
        use motcua_domain::resident::Resident;
        use sqlx::Row;

        use crate::{Engine, other};

        #[async_trait]
        impl ResidentStore for Engine {
            async fn import_residents(&self, residents: &[Resident]) -> Result<u64, StoreError> {
                let mut tx = self.begin_write().await?;
                let mut written = 0;
                for r in residents {
                    written += sqlx::query(
                        "INSERT INTO residents (personal_id, full_name, birth_date, sex, permanent_unit, \
                         temporary_unit, household_code, household_relation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                         ON CONFLICT (personal_id) DO UPDATE SET full_name = excluded.full_name, \
                         birth_date = excluded.birth_date, sex = excluded.sex, \
                         permanent_unit = excluded.permanent_unit, temporary_unit = excluded.temporary_unit, \
                         household_code = excluded.household_code, \
                         household_relation = excluded.household_relation",
                    )
                    .bind(r.personal_id.as_str())
                    .bind(&r.full_name)
                    .bind(r.birth_date)
                    .bind(sex_str(r.sex))
                    .bind(&r.permanent_unit)
                    .bind(&r.temporary_unit)
                    .bind(&r.household_code)
                    .bind(&r.household_relation)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| other(e, "writing a resident"))?
                    .rows_affected();
                }
                tx.commit()
                    .await
                    .map_err(|e| other(e, "commit residents"))?;
                Ok(written)
            }

            async fn get_resident(&self, id: &PersonalId) -> Result<Option<Resident>, StoreError> {
                let row = sqlx::query(
                    "SELECT personal_id, full_name, birth_date, sex, permanent_unit, temporary_unit, \
                     household_code, household_relation FROM residents WHERE personal_id = $1",
                )
                .bind(id.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| other(e, "reading a resident"))?;
                let Some(row) = row else { return Ok(None) };
                let s = |c: &'static str| row.try_get::<String, _>(c).map_err(|e| other(e, c));
                ResidentRow {
                    personal_id: s("personal_id")?,
                    full_name: s("full_name")?,
                    birth_date: row
                        .try_get::<chrono::NaiveDate, _>("birth_date")
                        .map_err(|e| other(e, "birth_date"))?
                        .to_string(),
                    sex: s("sex")?,
                    permanent_unit: s("permanent_unit")?,
                    temporary_unit: row
                        .try_get("temporary_unit")
                        .map_err(|e| other(e, "temporary_unit"))?,
                    household_code: s("household_code")?,
                    household_relation: s("household_relation")?,
                }
                .into_domain()
                .map(Some)
                .map_err(StoreError::Other)
            }

            async fn count_residents(&self) -> Result<u64, StoreError> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM residents")
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| other(e, "counting residents"))?;
                Ok(u64::try_from(n).unwrap_or_default())
            }
        }
    };
}
