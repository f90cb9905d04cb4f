//! The dossiers of a unit subtree for the Decision 766 index on SQLite: the
//! shared SQL of `motcua-store-sql`, instants compared through `julianday`,
//! state fields read with `json_extract`.

motcua_store_sql::index_fact_store!("julianday", "json_extract(d.state, '$.{}')");
