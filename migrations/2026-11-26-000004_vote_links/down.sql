DROP TABLE vote_links;
