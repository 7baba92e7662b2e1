-- Going back fails while a removed dose shares its number with a later
-- dose of the same person: the old schema cannot hold both.
DROP TABLE qr_revocations;

DROP INDEX recoveries_removed_by_request_idx;
ALTER TABLE recoveries DROP COLUMN removed_by_request_id;
ALTER TABLE recoveries DROP COLUMN removed_by_account_id;
ALTER TABLE recoveries DROP COLUMN removed_at;

CREATE TABLE vaccinations_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    person_id BIGINT NOT NULL REFERENCES people (id),
    vaccine_code TEXT NOT NULL REFERENCES vaccines (code),
    dose_number INTEGER NOT NULL,
    administered_on DATE NOT NULL,
    place TEXT,
    lot TEXT,
    source TEXT NOT NULL,
    source_record_id TEXT,
    recorded_by_account_id BIGINT REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (person_id, dose_number),
    UNIQUE (source, source_record_id)
);
INSERT INTO vaccinations_old (id, public_id, person_id, vaccine_code, dose_number,
    administered_on, place, lot, source, source_record_id, recorded_by_account_id, created_at)
SELECT id, public_id, person_id, vaccine_code, dose_number, administered_on, place, lot,
    source, source_record_id, recorded_by_account_id, created_at
FROM vaccinations;
DROP TABLE vaccinations;
ALTER TABLE vaccinations_old RENAME TO vaccinations;
