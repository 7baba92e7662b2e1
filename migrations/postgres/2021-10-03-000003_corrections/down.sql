DROP TABLE correction_events;
DROP TABLE correction_requests;
