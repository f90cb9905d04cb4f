//! The dossiers of a unit subtree for the Decision 766 index on PostgreSQL:
//! the shared SQL of `motcua-store-sql`, state fields read with `->>`.

motcua_store_sql::index_fact_store!("", "d.state->>'{}'");
