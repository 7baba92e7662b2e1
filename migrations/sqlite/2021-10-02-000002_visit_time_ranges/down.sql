DROP TABLE contact_queries;
DROP INDEX visits_open_idx;
ALTER TABLE visits DROP COLUMN exit_method;
ALTER TABLE visits DROP COLUMN ends_at;
ALTER TABLE checkpoints DROP COLUMN max_stay_minutes;
