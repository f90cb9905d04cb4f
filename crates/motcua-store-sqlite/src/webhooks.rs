//! Webhook subscriptions and their signing secrets on SQLite: the shared SQL
//! of `motcua-store-sql`.

motcua_store_sql::webhook_store!();
