//! Obstacles (vướng mắc) on SQLite: the shared SQL.
motcua_store_sql::obstacle_store!();
