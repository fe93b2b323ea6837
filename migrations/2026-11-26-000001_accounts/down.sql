DROP TABLE users;
DROP TABLE suppliers;
DROP TABLE organizations;
DROP TABLE municipalities;
