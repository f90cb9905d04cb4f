//! Obstacles (vướng mắc) on PostgreSQL: the shared SQL.
motcua_store_sql::obstacle_store!("CAST($4 AS json)");
