DROP TABLE assessments;
DROP TABLE criteria_sets;
