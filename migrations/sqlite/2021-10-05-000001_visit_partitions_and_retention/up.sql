-- Idempotency keys of scans and check-ins move to a table of their own on
-- SQLite, as on PostgreSQL (where the visits table is partitioned by day
-- and cannot keep a unique key across days): a replay is recognized by
-- its key for the 7 days in which the scan endpoint accepts one, plus a
-- day, and the retention job then deletes the key. SQLite has no
-- partitions; the retention job deletes old visits by range in batches.
CREATE TABLE visit_idempotency_keys (
    checkpoint_id BIGINT NOT NULL REFERENCES checkpoints (id),
    idempotency_key TEXT NOT NULL,
    -- The visit the key recorded.
    visit_public_id TEXT NOT NULL,
    entered_at TIMESTAMP NOT NULL,
    PRIMARY KEY (checkpoint_id, idempotency_key)
);
CREATE INDEX visit_idempotency_keys_entered_at_idx ON visit_idempotency_keys (entered_at);
INSERT INTO visit_idempotency_keys (checkpoint_id, idempotency_key, visit_public_id, entered_at)
SELECT checkpoint_id, idempotency_key, public_id, entered_at
  FROM visits
 WHERE idempotency_key IS NOT NULL;

-- The visits table without its unique (checkpoint_id, idempotency_key),
-- which would refuse a key that the side table has already forgotten.
CREATE TABLE visits_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    checkpoint_id BIGINT NOT NULL REFERENCES checkpoints (id),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    person_id BIGINT REFERENCES people (id),
    subject_document TEXT,
    subject_name TEXT NOT NULL,
    colour TEXT NOT NULL,
    reason TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    method TEXT NOT NULL,
    signature TEXT NOT NULL,
    scanned_by_account_id BIGINT REFERENCES accounts (id),
    idempotency_key TEXT,
    entered_at TIMESTAMP NOT NULL,
    exited_at TIMESTAMP,
    ends_at TIMESTAMP NOT NULL,
    exit_method TEXT
);
INSERT INTO visits_rebuilt (id, public_id, checkpoint_id, organization_id, person_id,
                            subject_document, subject_name, colour, reason, policy_version,
                            method, signature, scanned_by_account_id, idempotency_key,
                            entered_at, exited_at, ends_at, exit_method)
SELECT id, public_id, checkpoint_id, organization_id, person_id, subject_document,
       subject_name, colour, reason, policy_version, method, signature,
       scanned_by_account_id, idempotency_key, entered_at, exited_at, ends_at, exit_method
  FROM visits;
-- New visits continue the numbering of the old table, deleted rows included.
DELETE FROM sqlite_sequence WHERE name = 'visits_rebuilt';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'visits_rebuilt', seq FROM sqlite_sequence WHERE name = 'visits';
DROP TABLE visits;
ALTER TABLE visits_rebuilt RENAME TO visits;
CREATE INDEX visits_checkpoint_entered_idx ON visits (checkpoint_id, entered_at, id);
CREATE INDEX visits_organization_entered_idx ON visits (organization_id, entered_at, id);
CREATE INDEX visits_person_entered_idx ON visits (person_id, entered_at);
CREATE INDEX visits_entered_at_idx ON visits (entered_at);
CREATE INDEX visits_open_idx ON visits (checkpoint_id, person_id, ends_at) WHERE exited_at IS NULL;
