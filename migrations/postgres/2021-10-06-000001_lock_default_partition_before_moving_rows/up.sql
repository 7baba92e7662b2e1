-- Making a day's partition moves that day's rows out of the DEFAULT
-- partition, then attaches the new table. A scan committed into the DEFAULT
-- partition between the two made the attach fail, so the DEFAULT partition
-- is now locked before the rows move. Scans of that day wait for the lock
-- (at most the retention job's lock_timeout) and then land in the new day.
CREATE OR REPLACE FUNCTION antoan_create_visit_partition(day_start TIMESTAMP) RETURNS BOOLEAN
LANGUAGE plpgsql AS $$
DECLARE
    first_instant TIMESTAMP := date_trunc('day', day_start);
    next_instant TIMESTAMP := date_trunc('day', day_start) + INTERVAL '1 day';
    partition_name TEXT := 'visits_' || to_char(date_trunc('day', day_start), 'YYYY_MM_DD');
BEGIN
    IF to_regclass(partition_name) IS NOT NULL THEN
        RETURN FALSE;
    END IF;
    LOCK TABLE visits_default IN ACCESS EXCLUSIVE MODE;
    EXECUTE format('CREATE TABLE %I (LIKE visits INCLUDING DEFAULTS)', partition_name);
    EXECUTE format(
        'WITH moved AS (DELETE FROM visits_default WHERE entered_at >= %L AND entered_at < %L RETURNING *)
         INSERT INTO %I SELECT * FROM moved',
        first_instant, next_instant, partition_name);
    EXECUTE format('ALTER TABLE visits ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
        partition_name, first_instant, next_instant);
    RETURN TRUE;
END
$$;
