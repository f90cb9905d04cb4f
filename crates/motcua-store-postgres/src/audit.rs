//! The audit log: a hash chain whose appends are serialised (see each engine's `dialect::lock_audit_chain`) on PostgreSQL: the shared SQL of `motcua-store-sql`.

motcua_store_sql::audit_store!();
