//! Payment orders and the settled payments of the 766 index on PostgreSQL:
//! the shared SQL of `motcua-store-sql`.

motcua_store_sql::payment_store!();
