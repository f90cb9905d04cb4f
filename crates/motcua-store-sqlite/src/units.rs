//! The unit registry on SQLite.

use async_trait::async_trait;
use chrono::Utc;
use motcua_app::StoreError;
use motcua_app::ports::rows::{ChangeRow, LineageRow, UnitRow, word_prefix_pattern};
use motcua_app::ports::{
    AppliedChange, ApplyReport, LoadReport, ReferenceUnits, UnitFilter, UnitPage, UnitStore,
};
use motcua_domain::text::fold;
use motcua_domain::unit::{AdministrativeUnit, Era, LineageLink, UnitChange, UnitCode};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, Transaction};

use crate::{SqliteStore, other};

const UNIT_COLUMNS: &str = "era, code, name, short_name, unit_type, level, parent_code, province_code, valid_from, valid_to";
const LINEAGE_COLUMNS: &str = "old_code, old_level, old_name, old_district_code, old_province_code, \
     new_code, new_name, new_province_code, partial, targets, default_target";
const BATCH: usize = 400;

fn unit_row(row: &SqliteRow) -> Result<AdministrativeUnit, StoreError> {
    let r = UnitRow {
        era: row.try_get("era").map_err(|e| other(e, "units.era"))?,
        code: row.try_get("code").map_err(|e| other(e, "units.code"))?,
        name: row.try_get("name").map_err(|e| other(e, "units.name"))?,
        short_name: row
            .try_get("short_name")
            .map_err(|e| other(e, "units.short_name"))?,
        unit_type: row
            .try_get("unit_type")
            .map_err(|e| other(e, "units.unit_type"))?,
        level: row.try_get("level").map_err(|e| other(e, "units.level"))?,
        parent_code: row
            .try_get("parent_code")
            .map_err(|e| other(e, "units.parent_code"))?,
        province_code: row
            .try_get("province_code")
            .map_err(|e| other(e, "units.province_code"))?,
        valid_from: row
            .try_get("valid_from")
            .map_err(|e| other(e, "units.valid_from"))?,
        valid_to: row
            .try_get("valid_to")
            .map_err(|e| other(e, "units.valid_to"))?,
    };
    r.into_domain().map_err(StoreError::Other)
}

fn lineage_row(row: &SqliteRow) -> Result<LineageLink, StoreError> {
    let get = |c: &'static str| row.try_get::<String, _>(c).map_err(|e| other(e, c));
    let r = LineageRow {
        old_code: get("old_code")?,
        old_level: get("old_level")?,
        old_name: get("old_name")?,
        old_district_code: get("old_district_code")?,
        old_province_code: get("old_province_code")?,
        new_code: get("new_code")?,
        new_name: get("new_name")?,
        new_province_code: get("new_province_code")?,
        partial: row.try_get("partial").map_err(|e| other(e, "partial"))?,
        targets: row.try_get("targets").map_err(|e| other(e, "targets"))?,
        default_target: row
            .try_get("default_target")
            .map_err(|e| other(e, "default_target"))?,
    };
    r.into_domain().map_err(StoreError::Other)
}

async fn insert_units(
    tx: &mut Transaction<'_, Sqlite>,
    units: &[AdministrativeUnit],
) -> Result<(), StoreError> {
    for chunk in units.chunks(BATCH) {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO units (era, code, name, short_name, name_folded, unit_type, level, \
             parent_code, province_code, valid_from, valid_to) ",
        );
        qb.push_values(chunk, |mut b, u| {
            b.push_bind(u.era.as_str())
                .push_bind(u.code.as_str())
                .push_bind(&u.name)
                .push_bind(&u.short_name)
                .push_bind(fold(&u.name))
                .push_bind(u.unit_type.as_str())
                .push_bind(u.level.as_str())
                .push_bind(u.parent_code.as_ref().map(UnitCode::as_str))
                .push_bind(u.province_code.as_str())
                .push_bind(u.valid_from.map(|d| d.to_string()))
                .push_bind(u.valid_to.map(|d| d.to_string()));
        });
        qb.build()
            .execute(&mut **tx)
            .await
            .map_err(|e| other(e, "inserting units"))?;
    }
    Ok(())
}

async fn insert_lineage(
    tx: &mut Transaction<'_, Sqlite>,
    links: &[LineageLink],
) -> Result<(), StoreError> {
    for chunk in links.chunks(BATCH) {
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new(format!("INSERT INTO unit_lineage ({LINEAGE_COLUMNS}) "));
        qb.push_values(chunk, |mut b, l| {
            b.push_bind(l.old_code.as_str())
                .push_bind(l.old_level.as_str())
                .push_bind(&l.old_name)
                .push_bind(l.old_district_code.as_str())
                .push_bind(l.old_province_code.as_str())
                .push_bind(l.new_code.as_str())
                .push_bind(&l.new_name)
                .push_bind(l.new_province_code.as_str())
                .push_bind(l.partial)
                .push_bind(i64::from(l.targets))
                .push_bind(l.default_target);
        });
        qb.build()
            .execute(&mut **tx)
            .await
            .map_err(|e| other(e, "inserting lineage"))?;
    }
    Ok(())
}

/// Writes one change onto the current unit; the caller has recorded it.
async fn write_change(tx: &mut Transaction<'_, Sqlite>, c: &UnitChange) -> Result<(), StoreError> {
    let short = c.short_name_after();
    sqlx::query(
        "UPDATE units SET name = ?, short_name = ?, name_folded = ?, unit_type = ? \
         WHERE era = 'current' AND code = ?",
    )
    .bind(&c.name_after)
    .bind(short)
    .bind(fold(&c.name_after))
    .bind(c.type_after.as_str())
    .bind(c.code.as_str())
    .execute(&mut **tx)
    .await
    .map_err(|e| other(e, "updating a changed unit"))?;
    Ok(())
}

fn push_filter<'a>(qb: &mut QueryBuilder<'a, Sqlite>, f: &'a UnitFilter) {
    qb.push(" WHERE era = ").push_bind(f.era.as_str());
    if let Some(level) = f.level {
        qb.push(" AND level = ").push_bind(level.as_str());
    }
    if let Some(t) = f.unit_type {
        qb.push(" AND unit_type = ").push_bind(t.as_str());
    }
    if let Some(p) = &f.parent {
        qb.push(" AND parent_code = ").push_bind(p.as_str());
    }
    if let Some(q) = &f.query_folded {
        qb.push(" AND (' ' || name_folded LIKE ")
            .push_bind(word_prefix_pattern(q))
            .push(" ESCAPE '\\'");
        qb.push(" OR code = ").push_bind(q.as_str()).push(")");
    }
}

#[async_trait]
impl UnitStore for SqliteStore {
    async fn load_reference(&self, data: &ReferenceUnits) -> Result<LoadReport, StoreError> {
        let mut tx = self.pool.begin().await.map_err(|e| other(e, "begin"))?;
        let loaded: Option<String> =
            sqlx::query_scalar("SELECT value FROM meta WHERE key = 'units_version'")
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| other(e, "reading units_version"))?;
        if loaded.as_deref() == Some(data.version.as_str()) {
            return Ok(LoadReport {
                loaded: false,
                units: 0,
                links: 0,
            });
        }
        for table in ["units", "unit_lineage"] {
            sqlx::query(&format!("DELETE FROM {table}"))
                .execute(&mut *tx)
                .await
                .map_err(|e| other(e, "clearing reference tables"))?;
        }
        insert_units(&mut tx, &data.units).await?;
        insert_lineage(&mut tx, &data.lineage).await?;
        let recorded = sqlx::query("SELECT * FROM unit_changes ORDER BY effective_on, code")
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| other(e, "reading recorded changes"))?;
        for row in &recorded {
            write_change(&mut tx, &change_row(row)?.change).await?;
        }
        sqlx::query("INSERT INTO meta (key, value) VALUES ('units_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(&data.version)
            .execute(&mut *tx)
            .await
            .map_err(|e| other(e, "writing units_version"))?;
        tx.commit()
            .await
            .map_err(|e| other(e, "commit reference units"))?;
        Ok(LoadReport {
            loaded: true,
            units: data.units.len(),
            links: data.lineage.len(),
        })
    }

    async fn list_units(&self, f: &UnitFilter) -> Result<UnitPage, StoreError> {
        let mut count: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT COUNT(*) FROM units");
        push_filter(&mut count, f);
        let total: i64 = count
            .build_query_scalar()
            .fetch_one(&self.pool)
            .await
            .map_err(|e| other(e, "counting units"))?;
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new(format!("SELECT {UNIT_COLUMNS} FROM units"));
        push_filter(&mut qb, f);
        match &f.query_folded {
            Some(q) => {
                qb.push(" ORDER BY CASE WHEN code = ").push_bind(q.as_str());
                qb.push(" THEN 0 WHEN name_folded LIKE ")
                    .push_bind(format!("% {q}"))
                    .push(" THEN 1 ELSE 2 END, level DESC, code");
            }
            None => {
                qb.push(" ORDER BY code");
            }
        }
        qb.push(" LIMIT ")
            .push_bind(i64::from(f.limit))
            .push(" OFFSET ")
            .push_bind(i64::from(f.offset));
        let rows = qb
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(|e| other(e, "listing units"))?;
        let items = rows.iter().map(unit_row).collect::<Result<_, _>>()?;
        Ok(UnitPage {
            items,
            total: u64::try_from(total).unwrap_or_default(),
        })
    }

    async fn get_unit(
        &self,
        era: Era,
        code: &UnitCode,
    ) -> Result<Option<AdministrativeUnit>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {UNIT_COLUMNS} FROM units WHERE era = ? AND code = ?"
        ))
        .bind(era.as_str())
        .bind(code.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| other(e, "reading a unit"))?;
        row.as_ref().map(unit_row).transpose()
    }

    async fn count_children(&self, era: Era, code: &UnitCode) -> Result<u64, StoreError> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM units WHERE era = ? AND parent_code = ?")
                .bind(era.as_str())
                .bind(code.as_str())
                .fetch_one(&self.pool)
                .await
                .map_err(|e| other(e, "counting children"))?;
        Ok(u64::try_from(n).unwrap_or_default())
    }

    async fn successors(&self, old_code: &UnitCode) -> Result<Vec<LineageLink>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {LINEAGE_COLUMNS} FROM unit_lineage WHERE old_code = ? ORDER BY new_code"
        ))
        .bind(old_code.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| other(e, "reading successors"))?;
        rows.iter().map(lineage_row).collect()
    }

    async fn predecessors(&self, new_code: &UnitCode) -> Result<Vec<LineageLink>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {LINEAGE_COLUMNS} FROM unit_lineage WHERE new_code = ? ORDER BY old_code"
        ))
        .bind(new_code.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| other(e, "reading predecessors"))?;
        rows.iter().map(lineage_row).collect()
    }

    async fn apply_changes(&self, changes: &[UnitChange]) -> Result<ApplyReport, StoreError> {
        let mut tx = self.pool.begin().await.map_err(|e| other(e, "begin"))?;
        let mut report = ApplyReport::default();
        let now = Utc::now();
        for c in changes {
            let inserted = sqlx::query(
                "INSERT INTO unit_changes (code, level, name_before, type_before, name_after, type_after, \
                 legal_basis, effective_on, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (code, legal_basis) DO NOTHING",
            )
            .bind(c.code.as_str())
            .bind(c.level.as_str())
            .bind(&c.name_before)
            .bind(c.type_before.as_str())
            .bind(&c.name_after)
            .bind(c.type_after.as_str())
            .bind(&c.legal_basis)
            .bind(c.effective_on.to_string())
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(|e| other(e, "recording a unit change"))?
            .rows_affected();
            if inserted == 0 {
                report.already_applied += 1;
            } else {
                write_change(&mut tx, c).await?;
                report.applied += 1;
            }
        }
        tx.commit()
            .await
            .map_err(|e| other(e, "commit unit changes"))?;
        Ok(report)
    }

    async fn changes_of(&self, code: &UnitCode) -> Result<Vec<AppliedChange>, StoreError> {
        let rows = sqlx::query("SELECT * FROM unit_changes WHERE code = ? ORDER BY effective_on")
            .bind(code.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(|e| other(e, "reading unit changes"))?;
        rows.iter().map(change_row).collect()
    }
}

fn change_row(row: &SqliteRow) -> Result<AppliedChange, StoreError> {
    let get = |c: &'static str| row.try_get::<String, _>(c).map_err(|e| other(e, c));
    ChangeRow {
        code: get("code")?,
        level: get("level")?,
        name_before: get("name_before")?,
        type_before: get("type_before")?,
        name_after: get("name_after")?,
        type_after: get("type_after")?,
        legal_basis: get("legal_basis")?,
        effective_on: get("effective_on")?,
        applied_at: row
            .try_get("applied_at")
            .map_err(|e| other(e, "applied_at"))?,
    }
    .into_domain()
    .map_err(StoreError::Other)
}
