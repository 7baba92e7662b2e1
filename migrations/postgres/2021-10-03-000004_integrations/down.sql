DROP INDEX test_results_source_record_idx;
ALTER TABLE test_results DROP COLUMN source_record_id;
ALTER TABLE test_results DROP COLUMN source;
DROP TABLE import_jobs;
DROP TABLE api_keys;
