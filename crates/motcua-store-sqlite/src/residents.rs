//! Residents of the embedded population registry on SQLite: the shared SQL of `motcua-store-sql`.

motcua_store_sql::resident_store!();
