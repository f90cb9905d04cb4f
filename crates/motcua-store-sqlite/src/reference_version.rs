//! The version of the reference data on SQLite (migration 0025: a row
//! bumped by triggers on units, lineage, unit changes, agencies and
//! procedure versions): the shared SQL of `motcua-store-sql`.

motcua_store_sql::reference_version_store!();
