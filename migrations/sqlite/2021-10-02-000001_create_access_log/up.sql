-- The access ledger on SQLite: one row per read of a person's health data by
-- anyone other than the person, written in the same transaction as the read.
-- The person reads it newest first; retention deletes it by age.
CREATE TABLE access_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    person_id BIGINT NOT NULL REFERENCES people (id),
    account_id BIGINT REFERENCES accounts (id),
    account_role TEXT NOT NULL,
    kind TEXT NOT NULL,
    purpose TEXT,
    organization_id BIGINT REFERENCES organizations (id),
    checkpoint_id BIGINT REFERENCES checkpoints (id),
    accessed_at TIMESTAMP NOT NULL
);
CREATE INDEX access_log_person_accessed_idx ON access_log (person_id, accessed_at, id);
CREATE INDEX access_log_accessed_at_idx ON access_log (accessed_at);
