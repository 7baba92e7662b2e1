-- Correction requests on SQLite: a resident, or a ward officer for them, asks
-- for vaccination data (routed to the national vaccination portal's queue)
-- or recovery status (routed to the ward) to be corrected. state: open,
-- in_progress, resolved or rejected; every change is kept in the history.
-- ward_code is the person's ward when filed, which scopes the ward's queue.
CREATE TABLE correction_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    person_id BIGINT NOT NULL REFERENCES people (id),
    ward_code TEXT NOT NULL REFERENCES wards (code),
    kind TEXT NOT NULL,
    routed_to TEXT NOT NULL,
    state TEXT NOT NULL,
    description TEXT NOT NULL,
    details TEXT NOT NULL,
    filed_by_account_id BIGINT NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX correction_requests_queue_idx ON correction_requests (routed_to, state, created_at, id);
CREATE INDEX correction_requests_ward_idx ON correction_requests (ward_code, created_at, id);
CREATE INDEX correction_requests_person_idx ON correction_requests (person_id, created_at);

CREATE TABLE correction_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id BIGINT NOT NULL REFERENCES correction_requests (id),
    from_state TEXT,
    to_state TEXT NOT NULL,
    note TEXT,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX correction_events_request_id_idx ON correction_events (request_id, id);
