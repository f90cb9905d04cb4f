//! The national hub's index on SQLite: the shared SQL of `motcua-store-sql`.

motcua_store_sql::national_store!();
