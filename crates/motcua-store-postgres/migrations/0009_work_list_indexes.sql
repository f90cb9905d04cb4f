-- Work-list indexes for the everyday lists of one centre or commune, on
-- both sides of the scope test (where the dossier is now, where it was
-- received): a status tab walks that agency's dossiers in that status in
-- due order; "overdue" and "due within N working hours" read that
-- agency's running clocks only. Without them a status tab sorted every
-- dossier of the agency (p95 257 ms on a million dossiers). A
-- province-wide list needs none: it walks (due_key, code) in order and
-- finds a page at once (see docs/benchmarks.md).
CREATE INDEX dossiers_current_status_due ON dossiers (current_agency, status, due_key, code);
CREATE INDEX dossiers_receiving_status_due ON dossiers (receiving_unit, status, due_key, code);
CREATE INDEX dossiers_current_running_due ON dossiers (current_agency, due_key, code) WHERE clock_running;
CREATE INDEX dossiers_receiving_running_due ON dossiers (receiving_unit, due_key, code) WHERE clock_running;
