-- Training (issue 17 item 3): the place of a session, and an id and a
-- result for each enrolment (the API completes an enrolment by its id).
ALTER TABLE training_sessions ADD COLUMN place TEXT NOT NULL DEFAULT '';
ALTER TABLE training_enrolments ADD COLUMN id TEXT;
ALTER TABLE training_enrolments ADD COLUMN result TEXT;
CREATE UNIQUE INDEX training_enrolments_id ON training_enrolments (id);
CREATE INDEX training_enrolments_staff ON training_enrolments (staff_id);
