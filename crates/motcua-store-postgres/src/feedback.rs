//! Citizens' feedback and complaints (PAKN) on PostgreSQL: the shared SQL of
//! `motcua-store-sql`.

motcua_store_sql::feedback_store!();
