//! The dossiers of a unit subtree for the Decision 766 index on PostgreSQL:
//! the shared SQL of `motcua-store-sql` over `dossier_index_facts`.

motcua_store_sql::index_fact_store!("");
