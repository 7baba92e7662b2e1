-- The SMS outbox on SQLite: a message is written in the same transaction as
-- the change that causes it, and a worker delivers it through the gateway.
-- status: pending, sent or failed. locked_until is a worker's lease on the
-- message while it is being sent; body is emptied once the message is done,
-- so that old one-time codes and links do not linger in the database.
CREATE TABLE sms_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    phone TEXT NOT NULL,
    body TEXT NOT NULL,
    purpose TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX sms_outbox_due_idx ON sms_outbox (status, next_attempt_at);
