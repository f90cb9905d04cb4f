//! Accounts, roles, sessions, API keys and single sign-on links on PostgreSQL: the shared SQL of `motcua-store-sql`.

motcua_store_sql::account_store!();
