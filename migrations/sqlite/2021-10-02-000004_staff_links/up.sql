-- An organization's staff on SQLite: people linked by document number, so
-- the organization sees their status and tells staff from visitors.
CREATE TABLE staff_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    title TEXT,
    linked_by_account_id BIGINT REFERENCES accounts (id),
    linked_at TIMESTAMP NOT NULL,
    UNIQUE (organization_id, person_id)
);
CREATE INDEX staff_links_person_idx ON staff_links (person_id);
