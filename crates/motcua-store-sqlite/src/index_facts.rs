//! The dossiers of a unit subtree for the Decision 766 index on SQLite: the
//! shared SQL of `motcua-store-sql` over `dossier_index_facts`, instants
//! compared through `julianday`.

motcua_store_sql::index_fact_store!("julianday");
