//! Agencies on SQLite.

use async_trait::async_trait;
use chrono::Utc;
use motcua_app::StoreError;
use motcua_app::ports::rows::{AgencyRow, word_prefix_pattern};
use motcua_app::ports::{AgencyFilter, AgencyStore};
use motcua_domain::agency::Agency;
use motcua_domain::text::fold;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};

use crate::{SqliteStore, other};

fn agency_row(row: &SqliteRow) -> Result<Agency, StoreError> {
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

fn push_filter<'a>(qb: &mut QueryBuilder<'a, Sqlite>, f: &'a AgencyFilter) {
    qb.push(" WHERE 1 = 1");
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
impl AgencyStore for SqliteStore {
    async fn insert_missing_agencies(&self, agencies: &[Agency]) -> Result<usize, StoreError> {
        let mut tx = self.pool.begin().await.map_err(|e| other(e, "begin"))?;
        let now = Utc::now();
        let mut inserted = 0;
        // Parents come before children in the generated list, so foreign keys hold.
        for a in agencies {
            inserted += sqlx::query(
                "INSERT INTO agencies (id, name, name_folded, kind, unit_code, parent_id, active, updated_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            )
            .bind(&a.id)
            .bind(&a.name)
            .bind(fold(&a.name))
            .bind(a.kind.as_str())
            .bind(&a.unit_code)
            .bind(&a.parent_id)
            .bind(a.active)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(|e| other(e, "inserting an agency"))?
            .rows_affected();
        }
        tx.commit().await.map_err(|e| other(e, "commit agencies"))?;
        Ok(usize::try_from(inserted).unwrap_or(usize::MAX))
    }

    async fn upsert_agency(&self, a: &Agency) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO agencies (id, name, name_folded, kind, unit_code, parent_id, active, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
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
        let row = sqlx::query(
            "SELECT id, name, kind, unit_code, parent_id, active FROM agencies WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| other(e, "reading an agency"))?;
        row.as_ref().map(agency_row).transpose()
    }

    async fn list_agencies(&self, f: &AgencyFilter) -> Result<(Vec<Agency>, u64), StoreError> {
        let mut count: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT COUNT(*) FROM agencies");
        push_filter(&mut count, f);
        let total: i64 = count
            .build_query_scalar()
            .fetch_one(&self.pool)
            .await
            .map_err(|e| other(e, "counting agencies"))?;
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT id, name, kind, unit_code, parent_id, active FROM agencies");
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
