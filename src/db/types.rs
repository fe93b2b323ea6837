//! How typed row fields map to text columns, so that rows hold domain types
//! and nothing above `db` reads or writes a stored code or list by hand.
//!
//! - An enum of the domain (`code_enum!`) in a `Text` column: the field has
//!   `#[diesel(deserialize_as = String, serialize_as = String)]`; diesel
//!   converts with the enum's `TryFrom<String>` and `From<_> for String`.
//! - The same in a `Nullable<Text>` column: `Option<Enum>` with
//!   `deserialize_as = NullableCode<Enum>, serialize_as = NullableCode<Enum>`
//!   (the orphan rule forbids converting `Option<String>` directly).
//! - A list in a `Text` column: `Vec<T>` with `deserialize_as = Cells<T>,
//!   serialize_as = Cells<T>`, stored as the items joined by `;`.
//!
//! A stored value that does not convert fails the query with diesel's
//! deserialization error, which `DbError` reports as a corrupt row.

use std::fmt::Display;
use std::str::FromStr;

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::AsExpression;
use diesel::sql_types::{Nullable, Text};

/// A `;`-separated list cell. Items are trimmed and empty ones dropped on
/// the way in; an item must not contain `;`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cells<T>(pub Vec<T>);

const SEPARATOR: char = ';';

impl<T: FromStr> Cells<T>
where
    T::Err: Display,
{
    pub fn parse(cell: &str) -> Result<Cells<T>, String> {
        cell.split(SEPARATOR)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse()
                    .map_err(|e: T::Err| format!("list item '{s}': {e}"))
            })
            .collect::<Result<Vec<T>, String>>()
            .map(Cells)
    }
}

impl<T: Display> Cells<T> {
    pub fn join(&self) -> String {
        let items: Vec<String> = self.0.iter().map(T::to_string).collect();
        items.join(&SEPARATOR.to_string())
    }
}

impl<T> From<Vec<T>> for Cells<T> {
    fn from(items: Vec<T>) -> Self {
        Cells(items)
    }
}

impl<T> From<Cells<T>> for Vec<T> {
    fn from(cells: Cells<T>) -> Self {
        cells.0
    }
}

impl<T, DB> Queryable<Text, DB> for Cells<T>
where
    DB: Backend,
    String: FromSql<Text, DB>,
    T: FromStr,
    T::Err: Display,
{
    type Row = String;

    fn build(row: String) -> deserialize::Result<Self> {
        Ok(Cells::parse(&row)?)
    }
}

impl<T: Display> AsExpression<Text> for Cells<T> {
    type Expression = <String as AsExpression<Text>>::Expression;

    fn as_expression(self) -> Self::Expression {
        AsExpression::<Text>::as_expression(self.join())
    }
}

/// A code in a nullable column: `None` is NULL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NullableCode<T>(pub Option<T>);

impl<T> From<Option<T>> for NullableCode<T> {
    fn from(value: Option<T>) -> Self {
        NullableCode(value)
    }
}

impl<T> From<NullableCode<T>> for Option<T> {
    fn from(value: NullableCode<T>) -> Self {
        value.0
    }
}

impl<T, DB> Queryable<Nullable<Text>, DB> for NullableCode<T>
where
    DB: Backend,
    String: FromSql<Text, DB>,
    T: TryFrom<String>,
    T::Error: std::error::Error + Send + Sync + 'static,
{
    type Row = Option<String>;

    fn build(row: Option<String>) -> deserialize::Result<Self> {
        Ok(NullableCode(row.map(T::try_from).transpose()?))
    }
}

impl<T: Into<String>> AsExpression<Nullable<Text>> for NullableCode<T> {
    type Expression = <Option<String> as AsExpression<Nullable<Text>>>::Expression;

    fn as_expression(self) -> Self::Expression {
        AsExpression::<Nullable<Text>>::as_expression(self.0.map(Into::into))
    }
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;

    use super::Cells;
    use crate::db::{suppliers, users, Db, DbError};
    use crate::domain::{Role, SizeClass};

    fn database() -> Db {
        let db = Db::connect(":memory:", 1).expect("an in-memory database");
        db.migrate().expect("the migrations run");
        db
    }

    #[test]
    fn typed_rows_read_back_as_written() {
        let db = database();
        let mut conn = db.conn().expect("a connection");
        crate::db::municipalities::seed(&mut conn).expect("the municipalities");
        let at = chrono::DateTime::from_timestamp(0, 0)
            .expect("the epoch")
            .naive_utc();
        let supplier = suppliers::Supplier {
            id: "s1".into(),
            org_number: "974760673".into(),
            name: "Fjord Catering AS".into(),
            email: None,
            employees: 12,
            annual_turnover_ore: 610_000_000,
            balance_sheet_total_ore: None,
            size_class: SizeClass::Small,
            home_municipality: "4601".into(),
            service_area: vec!["46".into(), "4601".into()],
            cpv: Vec::new(),
            created_at: at,
            updated_at: at,
        };
        suppliers::insert_many(&mut conn, std::slice::from_ref(&supplier)).expect("stored");
        let back = suppliers::find(&mut conn, "s1")
            .expect("read")
            .expect("found");
        assert_eq!(back.size_class, SizeClass::Small);
        assert_eq!(back.service_area, supplier.service_area);
        assert_eq!(back.cpv, Vec::<String>::new());
        let users = users::find(&mut conn, "nobody").expect("read");
        assert!(users.is_none());
        assert!(!users::admin_exists(&mut conn).expect("read"));
        assert_eq!(Role::Admin.code(), "admin");
    }

    #[test]
    fn a_stored_code_that_is_not_one_is_a_corrupt_row() {
        let db = database();
        let mut conn = db.conn().expect("a connection");
        conn.batch_execute(
            "INSERT INTO users (id, email, password_hash, role, created_at) \
             VALUES ('u1', 'a@example.no', 'x', 'root', '2026-01-01 00:00:00')",
        )
        .expect("inserted");
        match users::find(&mut conn, "u1") {
            Err(DbError::Other(cause)) => {
                assert!(cause.contains("does not read back"), "{cause}");
                assert!(cause.contains("'root' is not a role"), "{cause}");
            }
            other => panic!("expected a corrupt row, got {other:?}"),
        }
    }

    #[test]
    fn a_cell_is_split_trimmed_and_joined_back() {
        let cells = Cells::<String>::parse(" 4601; ;46 ;").unwrap();
        assert_eq!(cells.0, vec!["4601", "46"]);
        assert_eq!(cells.join(), "4601;46");
        assert_eq!(Cells::<String>::parse("").unwrap().0, Vec::<String>::new());
        assert_eq!(Cells(Vec::<i64>::new()).join(), "");
    }

    #[test]
    fn an_item_that_does_not_parse_is_an_error() {
        assert_eq!(Cells::<i64>::parse("3;13").unwrap().0, vec![3, 13]);
        assert!(Cells::<i64>::parse("3;x").is_err());
    }
}
