DROP TABLE staff_links;
