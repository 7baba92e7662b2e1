-- Going back fails while a removed dose shares its number with a later
-- dose of the same person: the old schema cannot hold both.
DROP TABLE qr_revocations;

DROP INDEX recoveries_removed_by_request_idx;
ALTER TABLE recoveries DROP COLUMN removed_by_request_id;
ALTER TABLE recoveries DROP COLUMN removed_by_account_id;
ALTER TABLE recoveries DROP COLUMN removed_at;

DROP INDEX vaccinations_removed_by_request_idx;
DROP INDEX vaccinations_person_dose_idx;
ALTER TABLE vaccinations ADD CONSTRAINT vaccinations_person_id_dose_number_key
    UNIQUE (person_id, dose_number);
ALTER TABLE vaccinations DROP COLUMN removed_by_request_id;
ALTER TABLE vaccinations DROP COLUMN removed_by_account_id;
ALTER TABLE vaccinations DROP COLUMN removed_at;
