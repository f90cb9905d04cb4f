-- Staff, skills, training and unit classification (issue 17).
-- staff_members: one person working in a unit (the unit's agency id), with
-- the account they sign in with where they have one, job-position group,
-- department, employment kind, qualifications and a secondment (biệt phái)
-- in or out with its dates; staff_expertise: one row per expertise tag.
CREATE TABLE staff_members (
    id               TEXT PRIMARY KEY,
    unit_agency      TEXT NOT NULL,
    full_name        TEXT NOT NULL,
    account          TEXT,
    position_group   TEXT NOT NULL,
    position         TEXT NOT NULL,
    department       TEXT NOT NULL,
    employment       TEXT NOT NULL,
    qualifications   TEXT NOT NULL,
    secondment       TEXT,
    secondment_agency TEXT,
    secondment_from  TEXT,
    secondment_to    TEXT,
    updated_at       TEXT NOT NULL
);
CREATE INDEX staff_members_unit ON staff_members (unit_agency, id);
CREATE INDEX staff_members_account ON staff_members (account);

CREATE TABLE staff_expertise (
    staff_id TEXT NOT NULL REFERENCES staff_members (id) ON DELETE CASCADE,
    tag      TEXT NOT NULL,
    PRIMARY KEY (staff_id, tag)
) WITHOUT ROWID;
CREATE INDEX staff_expertise_tag ON staff_expertise (tag, staff_id);

-- Statistics a unit is classified from (population, area, budget…), one
-- value per input name, with its source and date.
CREATE TABLE unit_statistics (
    unit_code TEXT NOT NULL,
    name      TEXT NOT NULL,
    value     TEXT NOT NULL,
    source    TEXT NOT NULL,
    as_of     TEXT NOT NULL,
    PRIMARY KEY (unit_code, name)
) WITHOUT ROWID;

-- Score sheets computed for a unit (the latest is the answer of GET).
CREATE TABLE unit_classifications (
    unit_code   TEXT NOT NULL,
    computed_at TEXT NOT NULL,
    rule_set    TEXT NOT NULL,
    result      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    sheet       TEXT NOT NULL,
    PRIMARY KEY (unit_code, computed_at)
) WITHOUT ROWID;

-- Training: courses (topic, expertise tags, hours, provider), sessions per
-- unit with dates, and enrolments with their completion.
CREATE TABLE training_courses (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    topic      TEXT NOT NULL,
    expertise  TEXT NOT NULL,
    hours      INTEGER NOT NULL,
    provider   TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE training_sessions (
    id          TEXT PRIMARY KEY,
    course_id   TEXT NOT NULL REFERENCES training_courses (id),
    unit_agency TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX training_sessions_unit ON training_sessions (unit_agency, starts_on);

CREATE TABLE training_enrolments (
    session_id   TEXT NOT NULL REFERENCES training_sessions (id),
    staff_id     TEXT NOT NULL REFERENCES staff_members (id),
    completed_on TEXT,
    PRIMARY KEY (session_id, staff_id)
) WITHOUT ROWID;
