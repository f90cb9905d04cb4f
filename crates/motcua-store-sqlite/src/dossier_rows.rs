//! Reading a dossier row and a work-list row on SQLite: the shared SQL of `motcua-store-sql`.

motcua_store_sql::dossier_rows!();
