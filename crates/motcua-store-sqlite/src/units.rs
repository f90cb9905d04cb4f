//! The unit registry on SQLite: the shared SQL of `motcua-store-sql`, and
//! this engine's own bulk inserts for a reference load (multi-row `INSERT … VALUES` in batches of 400).

motcua_store_sql::unit_store!();

/// The bulk inserts of a reference load, this engine's own way.
mod bulk {
    use motcua_app::StoreError;
    use motcua_domain::text::fold;
    use motcua_domain::unit::{AdministrativeUnit, LineageLink, UnitCode};
    use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

    use crate::other;

    /// Rows per multi-row `INSERT`: 11 columns × 400 stays under SQLite's
    /// 32,766 bound parameters.
    const BATCH: usize = 400;

    const LINEAGE_COLUMNS: &str = "old_code, old_level, old_name, old_district_code, old_province_code, \
         new_code, new_name, new_province_code, partial, targets, default_target";

    /// All units, `BATCH` rows per `INSERT … VALUES`.
    pub(super) async fn insert_units(
        conn: &mut SqliteConnection,
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
                .execute(&mut *conn)
                .await
                .map_err(|e| other(e, "inserting units"))?;
        }
        Ok(())
    }

    /// All lineage links, `BATCH` rows per `INSERT … VALUES`.
    pub(super) async fn insert_lineage(
        conn: &mut SqliteConnection,
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
                .execute(&mut *conn)
                .await
                .map_err(|e| other(e, "inserting lineage"))?;
        }
        Ok(())
    }
}
