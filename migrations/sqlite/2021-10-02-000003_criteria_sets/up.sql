-- Self-assessment on SQLite: criteria sets are data, versioned by code, and
-- every submission is kept with its answers and what they scored. The
-- newest submission of an organization is its current one.
CREATE TABLE criteria_sets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    code TEXT NOT NULL,
    version TEXT NOT NULL,
    organization_kind TEXT NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    direction TEXT NOT NULL,
    definition TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (code, version)
);
CREATE INDEX criteria_sets_kind_idx ON criteria_sets (organization_kind);

CREATE TABLE assessments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    criteria_set_id BIGINT NOT NULL REFERENCES criteria_sets (id),
    answers TEXT NOT NULL,
    outcome TEXT NOT NULL,
    score INTEGER NOT NULL,
    max_score INTEGER NOT NULL,
    level TEXT NOT NULL,
    may_operate BOOLEAN NOT NULL,
    current BOOLEAN NOT NULL,
    submitted_by_account_id BIGINT REFERENCES accounts (id),
    submitted_at TIMESTAMP NOT NULL
);
CREATE INDEX assessments_organization_idx ON assessments (organization_id, submitted_at, id);
CREATE INDEX assessments_current_level_idx ON assessments (current, level, organization_id);
