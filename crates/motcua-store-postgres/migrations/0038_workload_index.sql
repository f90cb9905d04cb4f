-- Workload and shortage ranking (issue 17): the dossiers of a unit in a
-- period with the columns the per-field counts read (procedure, overdue), so
-- the province's ranking can be answered from the index (index-only scans).
CREATE INDEX IF NOT EXISTS dossiers_workload
    ON dossiers (receiving_unit, submitted_at)
    INCLUDE (procedure_code, procedure_version, counts_late, clock_running, due_key);
