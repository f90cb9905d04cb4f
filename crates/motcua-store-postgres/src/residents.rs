//! Residents of the embedded population registry on PostgreSQL: the shared SQL of `motcua-store-sql`.

motcua_store_sql::resident_store!();
