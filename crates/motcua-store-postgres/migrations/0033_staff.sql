-- Staff, skills, training and unit classification (issue 17).
-- staff_members: one person working in a unit (the unit's agency id), with
-- the account they sign in with where they have one, job-position group,
-- department, employment kind, qualifications and a secondment (biệt phái)
-- in or out with its dates; staff_expertise: one row per expertise tag.
CREATE TABLE staff_members (
    id               text COLLATE "C" PRIMARY KEY,
    unit_agency      text NOT NULL,
    full_name        text NOT NULL,
    account          text,
    position_group   text NOT NULL,
    position         text NOT NULL,
    department       text NOT NULL,
    employment       text NOT NULL,
    qualifications   text NOT NULL,
    secondment       text,
    secondment_agency text,
    secondment_from  date,
    secondment_to    date,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX staff_members_unit ON staff_members (unit_agency, id);
CREATE INDEX staff_members_account ON staff_members (account);

CREATE TABLE staff_expertise (
    staff_id text NOT NULL REFERENCES staff_members (id) ON DELETE CASCADE,
    tag      text NOT NULL,
    PRIMARY KEY (staff_id, tag)
);
CREATE INDEX staff_expertise_tag ON staff_expertise (tag, staff_id);

-- Statistics a unit is classified from (population, area, budget…), one
-- value per input name, with its source and date.
CREATE TABLE unit_statistics (
    unit_code text NOT NULL,
    name      text NOT NULL,
    value     text NOT NULL,
    source    text NOT NULL,
    as_of     date NOT NULL,
    PRIMARY KEY (unit_code, name)
);

-- Score sheets computed for a unit (the latest is the answer of GET).
CREATE TABLE unit_classifications (
    unit_code   text NOT NULL,
    computed_at timestamptz NOT NULL,
    rule_set    text NOT NULL,
    result      text NOT NULL,
    actor       text NOT NULL,
    sheet       text NOT NULL,
    PRIMARY KEY (unit_code, computed_at)
);

-- Training: courses (topic, expertise tags, hours, provider), sessions per
-- unit with dates, and enrolments with their completion.
CREATE TABLE training_courses (
    id         text COLLATE "C" PRIMARY KEY,
    title      text NOT NULL,
    topic      text NOT NULL,
    expertise  text NOT NULL,
    hours      integer NOT NULL,
    provider   text NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE training_sessions (
    id          text COLLATE "C" PRIMARY KEY,
    course_id   text NOT NULL REFERENCES training_courses (id),
    unit_agency text NOT NULL,
    starts_on   date NOT NULL,
    ends_on     date NOT NULL,
    reason      text NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX training_sessions_unit ON training_sessions (unit_agency, starts_on);

CREATE TABLE training_enrolments (
    session_id   text NOT NULL REFERENCES training_sessions (id),
    staff_id     text NOT NULL REFERENCES staff_members (id),
    completed_on date,
    PRIMARY KEY (session_id, staff_id)
);
