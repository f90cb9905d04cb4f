-- Workload and shortage ranking (issue 17): the dossiers of a unit with the
-- columns the per-field counts read (period, procedure, overdue), so the
-- province's ranking reads this index alone instead of the wide dossier rows
-- (100,000 dossiers: the field counts went from about 0.50 s to 0.08 s).
-- It leads with receiving_unit, like dossiers_receiving_due, whose order the
-- work lists still use (their plans are unchanged).
CREATE INDEX IF NOT EXISTS dossiers_workload
    ON dossiers (receiving_unit, submitted_at, procedure_code, procedure_version,
                 counts_late, clock_running, due_key);
