-- Work-list indexes for wide scopes (a province, a ward with many
-- centres). The work list walks dossiers in (due_key, code) order and stops
-- at a page; without these a status filter or "overdue" on a province had
-- to step over every finished dossier that sorts first (see
-- docs/benchmarks.md).
-- A status tab walks its own status in due order.
CREATE INDEX dossiers_status_due ON dossiers (status, due_key, code);
-- "Overdue" and "due within N working hours" read only running clocks.
CREATE INDEX dossiers_running_due ON dossiers (due_key, code) WHERE clock_running;
