DROP TABLE supplier_interest;
