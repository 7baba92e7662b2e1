-- Registration by SMS on SQLite, for people without a smartphone: a request
-- holds the details until the one-time code sent to the phone is confirmed.
-- Only a hash of the code is kept; details are emptied once confirmed.
-- The indexes serve the request limits per phone and per client address.
CREATE TABLE phone_registrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    phone TEXT NOT NULL,
    client_address TEXT NOT NULL,
    details TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    person_id BIGINT REFERENCES people (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX phone_registrations_phone_idx ON phone_registrations (phone, created_at);
CREATE INDEX phone_registrations_address_idx ON phone_registrations (client_address, created_at);

-- Links that open a person's card (their personal QR) without an account,
-- sent by SMS. Only a hash of the link's secret is kept; a link expires and
-- can be revoked.
CREATE TABLE card_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    person_id BIGINT NOT NULL REFERENCES people (id),
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX card_links_person_id_idx ON card_links (person_id);
