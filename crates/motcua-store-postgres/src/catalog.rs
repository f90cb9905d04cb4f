//! The procedure catalog: versioned procedures, in force by date, searched by folded words on PostgreSQL: the shared SQL of `motcua-store-sql`.

motcua_store_sql::catalog_store!();
