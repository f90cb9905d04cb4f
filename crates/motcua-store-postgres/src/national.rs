//! The national hub's index on PostgreSQL: the shared SQL of `motcua-store-sql`.

motcua_store_sql::national_store!();
