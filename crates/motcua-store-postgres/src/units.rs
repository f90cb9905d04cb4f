//! The unit registry on PostgreSQL: the shared SQL of `motcua-store-sql`, and
//! this engine's own bulk inserts for a reference load (one `INSERT … SELECT FROM UNNEST` per table).

motcua_store_sql::unit_store!();

/// The bulk inserts of a reference load, this engine's own way.
mod bulk {
    use motcua_app::StoreError;
    use motcua_domain::text::fold;
    use motcua_domain::unit::{AdministrativeUnit, LineageLink};
    use sqlx::PgConnection;

    use crate::other;

    const LINEAGE_COLUMNS: &str = "old_code, old_level, old_name, old_district_code, old_province_code, \
         new_code, new_name, new_province_code, partial, targets, default_target";

    /// All units in one statement: one array per column, zipped by `UNNEST`.
    pub(super) async fn insert_units(
        conn: &mut PgConnection,
        units: &[AdministrativeUnit],
    ) -> Result<(), StoreError> {
        let col = |f: fn(&AdministrativeUnit) -> String| units.iter().map(f).collect::<Vec<_>>();
        sqlx::query(
            "INSERT INTO units (era, code, name, short_name, name_folded, unit_type, level, \
             parent_code, province_code, valid_from, valid_to) \
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], \
             $6::text[], $7::text[], $8::text[], $9::text[], $10::date[], $11::date[])",
        )
        .bind(col(|u| u.era.as_str().to_owned()))
        .bind(col(|u| u.code.as_str().to_owned()))
        .bind(col(|u| u.name.clone()))
        .bind(col(|u| u.short_name.clone()))
        .bind(col(|u| fold(&u.name)))
        .bind(col(|u| u.unit_type.as_str().to_owned()))
        .bind(col(|u| u.level.as_str().to_owned()))
        .bind(
            units
                .iter()
                .map(|u| u.parent_code.as_ref().map(|c| c.as_str().to_owned()))
                .collect::<Vec<_>>(),
        )
        .bind(col(|u| u.province_code.as_str().to_owned()))
        .bind(units.iter().map(|u| u.valid_from).collect::<Vec<_>>())
        .bind(units.iter().map(|u| u.valid_to).collect::<Vec<_>>())
        .execute(conn)
        .await
        .map_err(|e| other(e, "inserting units"))?;
        Ok(())
    }

    /// All lineage links in one statement.
    pub(super) async fn insert_lineage(
        conn: &mut PgConnection,
        links: &[LineageLink],
    ) -> Result<(), StoreError> {
        let col = |f: fn(&LineageLink) -> String| links.iter().map(f).collect::<Vec<_>>();
        sqlx::query(&format!(
            "INSERT INTO unit_lineage ({LINEAGE_COLUMNS}) \
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], \
             $6::text[], $7::text[], $8::text[], $9::boolean[], $10::integer[], $11::boolean[])"
        ))
        .bind(col(|l| l.old_code.as_str().to_owned()))
        .bind(col(|l| l.old_level.as_str().to_owned()))
        .bind(col(|l| l.old_name.clone()))
        .bind(col(|l| l.old_district_code.as_str().to_owned()))
        .bind(col(|l| l.old_province_code.as_str().to_owned()))
        .bind(col(|l| l.new_code.as_str().to_owned()))
        .bind(col(|l| l.new_name.clone()))
        .bind(col(|l| l.new_province_code.as_str().to_owned()))
        .bind(links.iter().map(|l| l.partial).collect::<Vec<_>>())
        .bind(
            links
                .iter()
                .map(|l| i32::from(l.targets))
                .collect::<Vec<_>>(),
        )
        .bind(links.iter().map(|l| l.default_target).collect::<Vec<_>>())
        .execute(conn)
        .await
        .map_err(|e| other(e, "inserting lineage"))?;
        Ok(())
    }
}
