-- Removing wrongly recorded doses and recoveries, and revoking the personal
-- QR codes issued before a removal, on SQLite.
--
-- A removed record is kept: removed_at, removed_by_account_id and
-- removed_by_request_id (the correction request that showed it wrong) say
-- when, who and why. Every read of records for status, health records,
-- scans and exports skips it.
--
-- A removed dose gives its number back, so that the right dose can take it.
-- SQLite cannot drop the table's UNIQUE (person_id, dose_number), so the
-- table is rebuilt with a partial unique index instead. No table refers to
-- vaccinations, so dropping the old one breaks no foreign key.
CREATE TABLE vaccinations_new (
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
    removed_at TIMESTAMP,
    removed_by_account_id BIGINT REFERENCES accounts (id),
    removed_by_request_id BIGINT REFERENCES correction_requests (id),
    UNIQUE (source, source_record_id)
);
INSERT INTO vaccinations_new (id, public_id, person_id, vaccine_code, dose_number,
    administered_on, place, lot, source, source_record_id, recorded_by_account_id, created_at)
SELECT id, public_id, person_id, vaccine_code, dose_number, administered_on, place, lot,
    source, source_record_id, recorded_by_account_id, created_at
FROM vaccinations;
DROP TABLE vaccinations;
ALTER TABLE vaccinations_new RENAME TO vaccinations;
CREATE UNIQUE INDEX vaccinations_person_dose_idx ON vaccinations (person_id, dose_number)
    WHERE removed_at IS NULL;
CREATE INDEX vaccinations_removed_by_request_idx ON vaccinations (removed_by_request_id)
    WHERE removed_by_request_id IS NOT NULL;

ALTER TABLE recoveries ADD COLUMN removed_at TIMESTAMP;
ALTER TABLE recoveries ADD COLUMN removed_by_account_id BIGINT REFERENCES accounts (id);
ALTER TABLE recoveries ADD COLUMN removed_by_request_id BIGINT REFERENCES correction_requests (id);
CREATE INDEX recoveries_removed_by_request_idx ON recoveries (removed_by_request_id)
    WHERE removed_by_request_id IS NOT NULL;

-- Each revocation says that the person's codes issued before issued_before
-- no longer vouch for them. reason: record_removed. The public list keeps
-- the latest per person for as long as a code issued before it could still
-- be inside its window.
CREATE TABLE qr_revocations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id BIGINT NOT NULL REFERENCES people (id),
    issued_before TIMESTAMP NOT NULL,
    reason TEXT NOT NULL,
    correction_request_id BIGINT REFERENCES correction_requests (id),
    created_by_account_id BIGINT REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX qr_revocations_person_idx ON qr_revocations (person_id, issued_before);
CREATE INDEX qr_revocations_issued_before_idx ON qr_revocations (issued_before);
