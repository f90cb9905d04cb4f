//! Citizens' feedback and complaints (PAKN) on SQLite: the shared SQL of
//! `motcua-store-sql`.

motcua_store_sql::feedback_store!();
