DROP TABLE card_links;
DROP TABLE phone_registrations;
