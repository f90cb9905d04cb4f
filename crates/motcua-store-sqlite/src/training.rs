//! Training courses, sessions and enrolments on SQLite: the shared SQL.
motcua_store_sql::training_store!();
