//! Agencies on PostgreSQL.

use async_trait::async_trait;
use chrono::Utc;
use motcua_app::StoreError;
use motcua_app::ports::rows::{AgencyRow, word_prefix_pattern};
use motcua_app::ports::{AgencyFilter, AgencyStore};
use motcua_domain::agency::Agency;
use motcua_domain::text::fold;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Row};

use crate::{PgStore, other};

const AGENCY_COLUMNS: &str = "id, name, kind, unit_code, parent_id, active";

fn agency_row(row: &PgRow) -> Result<Agency, StoreError> {
    let get = |c: &'static str| row.try_get::<String, _>(c).map_err(|e| other(e, c));
    AgencyRow {
        id: get("id")?,
        name: get("name")?,
        kind: get("kind")?,
        unit_code: get("unit_code")?,
        parent_id: row
            .try_get("parent_id")
            .map_err(|e| other(e, "parent_id"))?,
        active: row.try_get("active").map_err(|e| other(e, "active"))?,
    }
    .into_domain()
    .map_err(StoreError::Other)
}

fn push_filter<'a>(qb: &mut QueryBuilder<'a, Postgres>, f: &'a AgencyFilter) {
    qb.push(" WHERE true");
    if let Some(unit) = &f.unit_code {
        qb.push(" AND unit_code = ").push_bind(unit.as_str());
    }
    if let Some(kind) = f.kind {
        qb.push(" AND kind = ").push_bind(kind.as_str());
    }
    if let Some(q) = &f.query_folded {
        qb.push(" AND (' ' || name_folded LIKE ")
            .push_bind(word_prefix_pattern(q))
            .push(" ESCAPE '\\'");
        qb.push(" OR id = ").push_bind(q.to_uppercase()).push(")");
    }
}

#[async_trait]
impl AgencyStore for PgStore {
    async fn insert_missing_agencies(&self, agencies: &[Agency]) -> Result<usize, StoreError> {
        // One statement: foreign keys are checked at its end, so a parent
        // and its children may come in the same batch.
        let col = |f: fn(&Agency) -> String| agencies.iter().map(f).collect::<Vec<_>>();
        let inserted = sqlx::query(
            "INSERT INTO agencies (id, name, name_folded, kind, unit_code, parent_id, active, updated_at) \
             SELECT id, name, name_folded, kind, unit_code, parent_id, active, $8 \
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
             $7::boolean[]) AS a (id, name, name_folded, kind, unit_code, parent_id, active) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(col(|a| a.id.clone()))
        .bind(col(|a| a.name.clone()))
        .bind(col(|a| fold(&a.name)))
        .bind(col(|a| a.kind.as_str().to_owned()))
        .bind(col(|a| a.unit_code.clone()))
        .bind(agencies.iter().map(|a| a.parent_id.clone()).collect::<Vec<_>>())
        .bind(agencies.iter().map(|a| a.active).collect::<Vec<_>>())
        .bind(Utc::now())
        .execute(&self.pool)
        .await
        .map_err(|e| other(e, "inserting agencies"))?
        .rows_affected();
        Ok(usize::try_from(inserted).unwrap_or(usize::MAX))
    }

    async fn upsert_agency(&self, a: &Agency) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO agencies (id, name, name_folded, kind, unit_code, parent_id, active, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
             name_folded = excluded.name_folded, kind = excluded.kind, unit_code = excluded.unit_code, \
             parent_id = excluded.parent_id, active = excluded.active, updated_at = excluded.updated_at",
        )
        .bind(&a.id)
        .bind(&a.name)
        .bind(fold(&a.name))
        .bind(a.kind.as_str())
        .bind(&a.unit_code)
        .bind(&a.parent_id)
        .bind(a.active)
        .bind(Utc::now())
        .execute(&self.pool)
        .await
        .map_err(|e| other(e, "saving an agency"))?;
        Ok(())
    }

    async fn get_agency(&self, id: &str) -> Result<Option<Agency>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {AGENCY_COLUMNS} FROM agencies WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| other(e, "reading an agency"))?;
        row.as_ref().map(agency_row).transpose()
    }

    async fn list_agencies(&self, f: &AgencyFilter) -> Result<(Vec<Agency>, u64), StoreError> {
        let mut count: QueryBuilder<Postgres> = QueryBuilder::new("SELECT COUNT(*) FROM agencies");
        push_filter(&mut count, f);
        let total: i64 = count
            .build_query_scalar()
            .fetch_one(&self.pool)
            .await
            .map_err(|e| other(e, "counting agencies"))?;
        let mut qb: QueryBuilder<Postgres> =
            QueryBuilder::new(format!("SELECT {AGENCY_COLUMNS} FROM agencies"));
        push_filter(&mut qb, f);
        qb.push(" ORDER BY id LIMIT ")
            .push_bind(i64::from(f.limit))
            .push(" OFFSET ")
            .push_bind(i64::from(f.offset));
        let rows = qb
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(|e| other(e, "listing agencies"))?;
        let items = rows.iter().map(agency_row).collect::<Result<_, _>>()?;
        Ok((items, u64::try_from(total).unwrap_or_default()))
    }
}
