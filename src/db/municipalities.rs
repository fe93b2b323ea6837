use diesel::prelude::*;

use super::schema::municipalities;
use super::AnyConnection;
use super::DbResult;
use crate::domain::kommune::county_municipality_name;
use crate::reference::reference;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = municipalities)]
pub struct Municipality {
    pub number: String,
    pub name: String,
    pub county: String,
    pub county_name: String,
    pub population: i64,
    pub contact_email: Option<String>,
    /// Its organisation number in Enhetsregisteret; how an eForms notice
    /// names it as a buyer.
    pub org_number: Option<String>,
    pub postal_code: Option<String>,
    pub phone: Option<String>,
}

/// Adds the reference municipalities, and the county municipalities (keyed by
/// their county number, Oslo's excepted: Oslo kommune is both), that the table
/// does not hold yet; run at every start, so a new instance or a new
/// reference year fills in by itself. A county municipality's population is
/// its county's, the sum of its municipalities'.
pub fn seed(conn: &mut AnyConnection) -> QueryResult<usize> {
    let present: std::collections::HashSet<String> = municipalities::table
        .select(municipalities::number)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let missing: Vec<Municipality> = reference()
        .municipalities
        .iter()
        .filter(|m| !present.contains(&m.number))
        .map(|m| Municipality {
            number: m.number.clone(),
            name: m.name.clone(),
            county: m.county.clone(),
            county_name: m.county_name.clone(),
            population: m.population,
            contact_email: None,
            org_number: None,
            postal_code: None,
            phone: None,
        })
        .chain(reference().counties.iter().filter_map(|c| {
            let name = county_municipality_name(&c.number)?;
            (!present.contains(&c.number)).then(|| Municipality {
                number: c.number.clone(),
                name,
                county: c.number.clone(),
                county_name: c.name.clone(),
                population: c.population,
                contact_email: None,
                org_number: None,
                postal_code: None,
                phone: None,
            })
        }))
        .collect();
    for chunk in missing.chunks(100) {
        per_backend!(conn, |c| diesel::insert_into(municipalities::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(missing.len())
}

/// The municipalities, without the county municipalities stored beside them
/// (`list_county_municipalities`).
pub fn list(conn: &mut AnyConnection, county: Option<&str>) -> DbResult<Vec<Municipality>> {
    let mut query = municipalities::table
        .select(Municipality::as_select())
        .into_boxed();
    if let Some(county) = county {
        query = query.filter(municipalities::county.eq(county.to_string()));
    }
    let mut all: Vec<Municipality> = query.order(municipalities::number.asc()).load(conn)?;
    all.retain(|m| !is_county_municipality(&m.number));
    Ok(all)
}

/// The county municipalities, by county number.
pub fn list_county_municipalities(conn: &mut AnyConnection) -> DbResult<Vec<Municipality>> {
    let mut all: Vec<Municipality> = municipalities::table
        .select(Municipality::as_select())
        .order(municipalities::number.asc())
        .load(conn)?;
    all.retain(|m| is_county_municipality(&m.number));
    Ok(all)
}

/// A county municipality's row is keyed by its two-digit county number.
fn is_county_municipality(number: &str) -> bool {
    number.len() == 2
}

pub fn find(conn: &mut AnyConnection, number: &str) -> DbResult<Option<Municipality>> {
    Ok(municipalities::table
        .find(number)
        .select(Municipality::as_select())
        .first(conn)
        .optional()?)
}

pub fn set_contact_email(
    conn: &mut AnyConnection,
    number: &str,
    email: Option<&str>,
) -> DbResult<usize> {
    Ok(diesel::update(municipalities::table.find(number))
        .set(municipalities::contact_email.eq(email))
        .execute(conn)?)
}

pub fn set_org_number(
    conn: &mut AnyConnection,
    number: &str,
    org_number: Option<&str>,
) -> DbResult<usize> {
    Ok(diesel::update(municipalities::table.find(number))
        .set(municipalities::org_number.eq(org_number))
        .execute(conn)?)
}

pub fn set_postal_code(
    conn: &mut AnyConnection,
    number: &str,
    value: Option<&str>,
) -> DbResult<usize> {
    Ok(diesel::update(municipalities::table.find(number))
        .set(municipalities::postal_code.eq(value))
        .execute(conn)?)
}

pub fn set_phone(conn: &mut AnyConnection, number: &str, value: Option<&str>) -> DbResult<usize> {
    Ok(diesel::update(municipalities::table.find(number))
        .set(municipalities::phone.eq(value))
        .execute(conn)?)
}

/// The buyers a notice names, by number, in the order asked: the one lookup
/// of a buyer's identity, so that other kinds of buyer (county
/// municipalities) join here. A number without a row is left out; the
/// caller compares.
pub fn buyers(conn: &mut AnyConnection, numbers: &[String]) -> DbResult<Vec<Municipality>> {
    let rows: Vec<Municipality> = municipalities::table
        .filter(municipalities::number.eq_any(numbers))
        .select(Municipality::as_select())
        .load(conn)?;
    Ok(numbers
        .iter()
        .filter_map(|n| rows.iter().find(|m| &m.number == n).cloned())
        .collect())
}
