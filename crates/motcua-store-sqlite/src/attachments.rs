//! Attachment metadata on SQLite: the shared SQL of `motcua-store-sql`.

motcua_store_sql::attachment_store!();
