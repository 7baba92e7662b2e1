-- Visits become time ranges on SQLite. `ends_at` is when a visit stops
-- counting as presence: the exit when someone scanned or checked out, else
-- the entry plus the checkpoint's maximum stay, which closes visits left
-- open. `exited_at` stays empty unless someone actually left.
ALTER TABLE checkpoints ADD COLUMN max_stay_minutes INTEGER NOT NULL DEFAULT 240;
ALTER TABLE visits ADD COLUMN ends_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';
ALTER TABLE visits ADD COLUMN exit_method TEXT;
UPDATE visits SET ends_at = COALESCE(exited_at, strftime('%Y-%m-%d %H:%M:%f', entered_at, '+240 minutes'));
-- The open visits of a person at a checkpoint, for exits and check-outs.
CREATE INDEX visits_open_idx ON visits (checkpoint_id, person_id, ends_at) WHERE exited_at IS NULL;

-- Contact queries of health officers, kept so that each can be exported
-- and audited; the purpose is also in the ledger of everyone it names.
CREATE TABLE contact_queries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    window_from TIMESTAMP NOT NULL,
    window_until TIMESTAMP NOT NULL,
    margin_minutes INTEGER NOT NULL,
    purpose TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX contact_queries_account_idx ON contact_queries (account_id, created_at);
