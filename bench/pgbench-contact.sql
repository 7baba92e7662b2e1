-- A contact query over the visits table: everyone who was at the same
-- checkpoint as one person within an hour of any of their visits in the
-- last 14 days. It reads "visits of this person in a window" and then, per
-- visit, "visits of this checkpoint in a window": the two indexes DESIGN asks for.
\set n random(0, :people - 1)
SELECT id AS person FROM people WHERE document_number = '079090' || lpad(:n::text, 6, '0') \gset
SELECT count(DISTINCT other.person_id) AS contacts
  FROM visits mine
  JOIN visits other
    ON other.checkpoint_id = mine.checkpoint_id
   AND other.entered_at >= mine.entered_at - interval '1 hour'
   AND other.entered_at <  mine.entered_at + interval '1 hour'
   AND other.person_id <> mine.person_id
 WHERE mine.person_id = :person
   AND mine.entered_at >= (now() AT TIME ZONE 'utc') - interval '14 days';
