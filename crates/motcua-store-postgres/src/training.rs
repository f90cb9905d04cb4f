//! Training courses, sessions and enrolments on PostgreSQL: the shared SQL.
motcua_store_sql::training_store!();
