-- The version of the reference data (units, lineage, unit changes, agencies,
-- the catalog), bumped by statement triggers in the transaction of every
-- change, so that every process serving the same database (a second server,
-- a CLI import beside a server) sees a change by polling one row (issue 21,
-- ADR 0025). Read by `reference_version()`; written only by these triggers.
-- A row, not a sequence: a sequence moves before the commit, and a reader
-- would cache the old data under the new version.
CREATE TABLE reference_versions (
    id      SMALLINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO reference_versions (id, version) VALUES (1, 1);

CREATE FUNCTION bump_reference_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE reference_versions SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER units_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
CREATE TRIGGER unit_lineage_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON unit_lineage
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
CREATE TRIGGER unit_changes_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON unit_changes
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
CREATE TRIGGER agencies_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON agencies
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
CREATE TRIGGER procedure_versions_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON procedure_versions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
