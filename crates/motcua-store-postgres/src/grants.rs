//! Grants; each change and its audit entry share one transaction on PostgreSQL: the shared SQL of `motcua-store-sql`.

motcua_store_sql::grant_store!();
