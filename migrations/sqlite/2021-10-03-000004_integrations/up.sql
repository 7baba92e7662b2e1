-- Integrators on SQLite: API keys created by the city administrator, kept
-- only as hashes, scoped (a comma-separated list) and revocable; the import
-- jobs they run with their progress; and test results tagged with the
-- source record they came from, so that an import is idempotent.
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    source TEXT NOT NULL UNIQUE,
    key_prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_by_account_id BIGINT NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

CREATE TABLE import_jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    api_key_id BIGINT REFERENCES api_keys (id),
    account_id BIGINT REFERENCES accounts (id),
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    total INTEGER NOT NULL,
    processed INTEGER NOT NULL,
    created INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);

ALTER TABLE test_results ADD COLUMN source TEXT;
ALTER TABLE test_results ADD COLUMN source_record_id TEXT;
CREATE UNIQUE INDEX test_results_source_record_idx ON test_results (source, source_record_id);
