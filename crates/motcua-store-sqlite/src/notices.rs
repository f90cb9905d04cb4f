//! Notices to applicants on SQLite: the shared SQL of `motcua-store-sql`.

motcua_store_sql::notice_store!();
