-- What a scan does in the database, written by hand for pgbench: look a
-- person up by document number among the seeded people, then insert one
-- visit row (with every index of the visits table in place), in one
-- transaction. pgbench sets :people, :checkpoint and :organization (-D).
\set n random(0, :people - 1)
BEGIN;
SELECT id AS person, folded_name FROM people
 WHERE document_number = '079090' || lpad(:n::text, 6, '0') \gset
INSERT INTO visits (public_id, checkpoint_id, organization_id, person_id, subject_name,
                    colour, reason, policy_version, method, signature, idempotency_key,
                    entered_at, ends_at)
VALUES (md5(random()::text || clock_timestamp()::text), :checkpoint, :organization, :person,
        'NGUYEN VAN THU', 'green', '{"en":"vaccinated","vi":"đã tiêm"}', '2021-10-01',
        'staff_scan', 'valid', md5(random()::text), now() AT TIME ZONE 'utc',
        (now() AT TIME ZONE 'utc') + interval '240 minutes');
COMMIT;
