-- Back to the visits table with its unique idempotency key per checkpoint.
-- A key used again after the side table forgot it stays only on its first
-- visit; the later visits keep no key.
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
    ends_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00',
    exit_method TEXT,
    UNIQUE (checkpoint_id, idempotency_key)
);
INSERT INTO visits_rebuilt (id, public_id, checkpoint_id, organization_id, person_id,
                            subject_document, subject_name, colour, reason, policy_version,
                            method, signature, scanned_by_account_id, idempotency_key,
                            entered_at, exited_at, ends_at, exit_method)
SELECT id, public_id, checkpoint_id, organization_id, person_id, subject_document,
       subject_name, colour, reason, policy_version, method, signature,
       scanned_by_account_id,
       CASE WHEN row_number() OVER (PARTITION BY checkpoint_id, idempotency_key
                                    ORDER BY entered_at, id) = 1
            THEN idempotency_key END,
       entered_at, exited_at, ends_at, exit_method
  FROM visits;
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

DROP TABLE visit_idempotency_keys;
