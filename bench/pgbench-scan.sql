-- What a scan does in the database, written by hand for pgbench: look a
-- person up by document number among the seeded people, then claim the
-- scan's idempotency key and insert one visit row into its day's
-- partition (with every index of the visits table in place), in one
-- transaction. pgbench sets :people, :checkpoint and :organization (-D).
\set n random(0, :people - 1)
BEGIN;
SELECT id AS person, folded_name FROM people
 WHERE document_number = '079090' || lpad(:n::text, 6, '0') \gset
WITH claimed AS (
    INSERT INTO visit_idempotency_keys (checkpoint_id, idempotency_key, visit_public_id, entered_at)
    VALUES (:checkpoint, md5(random()::text), md5(random()::text || clock_timestamp()::text),
            now() AT TIME ZONE 'utc')
    ON CONFLICT DO NOTHING
    RETURNING idempotency_key, visit_public_id, entered_at)
INSERT INTO visits (public_id, checkpoint_id, organization_id, person_id, subject_name,
                    colour, reason, policy_version, method, signature, idempotency_key,
                    entered_at, ends_at)
SELECT visit_public_id, :checkpoint, :organization, :person, 'NGUYEN VAN THU', 'green',
       '{"en":"vaccinated","vi":"đã tiêm"}', '2021-10-01', 'staff_scan', 'valid',
       idempotency_key, entered_at, entered_at + interval '240 minutes'
  FROM claimed;
COMMIT;
