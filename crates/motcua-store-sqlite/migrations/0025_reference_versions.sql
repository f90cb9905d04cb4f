-- The version of the reference data (units, lineage, unit changes, agencies,
-- the catalog), bumped by triggers in the transaction of every change, so
-- that every process serving the same database (a second server, a CLI
-- import beside a server) sees a change by polling one row (issue 21,
-- ADR 0025). Read by `reference_version()`; written only by these triggers.
CREATE TABLE reference_versions (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO reference_versions (id, version) VALUES (1, 1);

CREATE TRIGGER units_ref_ins AFTER INSERT ON units BEGIN UPDATE reference_versions SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER units_ref_upd AFTER UPDATE ON units BEGIN UPDATE reference_versions SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER units_ref_del AFTER DELETE ON units BEGIN UPDATE reference_versions SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER unit_lineage_ref_ins AFTER INSERT ON unit_lineage BEGIN UPDATE reference_versions SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER unit_lineage_ref_upd AFTER UPDATE ON unit_lineage BEGIN UPDATE reference_versions SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER unit_lineage_ref_del AFTER DELETE ON unit_lineage BEGIN UPDATE reference_versions SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER unit_changes_ref_ins AFTER INSERT ON unit_changes BEGIN UPDATE reference_versions SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER unit_changes_ref_upd AFTER UPDATE ON unit_changes BEGIN UPDATE reference_versions SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER unit_changes_ref_del AFTER DELETE ON unit_changes BEGIN UPDATE reference_versions SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER agencies_ref_ins AFTER INSERT ON agencies BEGIN UPDATE reference_versions SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER agencies_ref_upd AFTER UPDATE ON agencies BEGIN UPDATE reference_versions SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER agencies_ref_del AFTER DELETE ON agencies BEGIN UPDATE reference_versions SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER procedure_versions_ref_ins AFTER INSERT ON procedure_versions BEGIN UPDATE reference_versions SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER procedure_versions_ref_upd AFTER UPDATE ON procedure_versions BEGIN UPDATE reference_versions SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER procedure_versions_ref_del AFTER DELETE ON procedure_versions BEGIN UPDATE reference_versions SET version = version + 1 WHERE id = 1; END;
