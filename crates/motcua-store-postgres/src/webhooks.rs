//! Webhook subscriptions and their signing secrets on PostgreSQL: the shared
//! SQL of `motcua-store-sql`.

motcua_store_sql::webhook_store!();
