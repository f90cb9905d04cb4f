//! Accounts, roles, sessions, API keys and single sign-on links on SQLite: the shared SQL of `motcua-store-sql`.

motcua_store_sql::account_store!();
