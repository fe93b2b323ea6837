use super::schemas::Email;
use actix_web::web;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::problem_docs::CALLER;
use super::problem_docs::JSON_BODY;
use super::{Json, Page, State, MAX_PAGE};
use crate::auth::Caller;
use crate::db::municipalities::{self, Municipality};
use crate::domain::codes;
use crate::domain::kommune::COUNTY_ERRORS;
use crate::domain::ErrorCode;
use crate::domain::{EmailAddress, Fylkesnummer, OrgNumber, ParticipantNumber};
use crate::error::{AppError, AppResult, FieldExt, Problem};
use crate::flows::municipalities as flow;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/municipalities", web::get().to(list_municipalities))
        .route("/municipalities/{number}", web::get().to(get_municipality))
        .route(
            "/municipalities/{number}",
            web::patch().to(update_municipality),
        );
}

#[derive(Serialize, ToSchema)]
pub struct MunicipalityView {
    #[schema(example = "4601")]
    pub number: String,
    #[schema(example = "Bergen")]
    pub name: String,
    #[schema(example = "46")]
    pub county: String,
    #[schema(example = "Vestland")]
    pub county_name: String,
    pub population: Option<i64>,
    pub contact_email: Option<String>,
    /// The organisation number (nine digits) that a notice names it by as a buyer.
    #[schema(example = "964338531")]
    pub org_number: Option<String>,
    /// The postal code of its address (four digits), for notices.
    pub postal_code: Option<String>,
    /// The telephone number a notice gives for it.
    pub phone: Option<String>,
}

impl From<Municipality> for MunicipalityView {
    fn from(m: Municipality) -> Self {
        MunicipalityView {
            number: m.number,
            name: m.name,
            county: m.county,
            county_name: m.county_name,
            population: Some(m.population),
            contact_email: m.contact_email,
            org_number: m.org_number,
            postal_code: m.postal_code,
            phone: m.phone,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MunicipalityFilter {
    /// A county number (two digits), e.g. 46 for Vestland.
    #[param(pattern = "^[0-9]{2}$")]
    pub county: Option<String>,
    /// How many, 1 to 1000 (default all).
    pub limit: Option<i64>,
    /// How many to skip (default 0).
    pub offset: Option<i64>,
}

/// What `list_municipalities` answers besides success (see `problem_docs`).
pub const LIST_MUNICIPALITIES_ERRORS: &[ErrorCode] = codes![COUNTY_ERRORS];

/// The 357 municipalities of 2024, optionally those of one county.
#[utoipa::path(get, path = "/api/v1/municipalities", tag = "municipalities", params(MunicipalityFilter),
    responses((status = 200, body = Vec<MunicipalityView>),
              (status = 422, body = Problem)))]
pub async fn list_municipalities(
    state: State,
    filter: web::Query<MunicipalityFilter>,
) -> AppResult<Json<Vec<MunicipalityView>>> {
    let filter = filter.into_inner();
    let page = Page {
        limit: filter.limit,
        offset: filter.offset,
    };
    let county = filter
        .county
        .map(|c| Fylkesnummer::parse(&c))
        .transpose()
        .field("county")?;
    let list = state
        .db
        .read(move |c| municipalities::list(c, county.as_ref().map(Fylkesnummer::as_str)))
        .await?;
    Ok(Json(
        page.slice(&list, MAX_PAGE)
            .iter()
            .cloned()
            .map(MunicipalityView::from)
            .collect(),
    ))
}

/// What `get_municipality` answers besides success (see `problem_docs`).
pub const GET_MUNICIPALITY_ERRORS: &[ErrorCode] = &[ErrorCode::NotFound];

#[utoipa::path(get, path = "/api/v1/municipalities/{number}", tag = "municipalities",
    params(("number" = String, Path, description = "kommunenummer, or fylkesnummer for a county municipality", pattern = "^([0-9]{2}|[0-9]{4})$")),
    responses((status = 200, body = MunicipalityView), (status = 404, body = Problem)))]
pub async fn get_municipality(
    state: State,
    number: web::Path<String>,
) -> AppResult<Json<MunicipalityView>> {
    let number = number.into_inner();
    let found = state
        .db
        .read(move |c| municipalities::find(c, &number))
        .await?;
    found
        .map(|m| Json(m.into()))
        .ok_or_else(|| AppError::not_found("the municipality"))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MunicipalityUpdate {
    /// Where invitations go; null removes it, left out keeps it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Email>, example = "innkjop@bergen.kommune.no")]
    pub contact_email: Option<Option<String>>,
    /// The organisation number in Enhetsregisteret (nine digits, MOD11 check
    /// digit); null removes it, left out keeps it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, pattern = "^[0-9]{9}$", example = "964338531")]
    pub org_number: Option<Option<String>>,
    /// Four digits; null removes it, left out keeps it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, pattern = "^[0-9]{4}$", example = "5020")]
    pub postal_code: Option<Option<String>>,
    /// A telephone number (digits, spaces, a leading +); null removes it, left out keeps it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, pattern = "^\\+?[0-9 ]{8,20}$", example = "+47 55 56 55 56")]
    pub phone: Option<Option<String>>,
}

/// A field that is present, as `Some(value)` (null included), so that a
/// left-out field can keep what is stored.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// What `update_municipality` answers besides success (see `problem_docs`).
pub const UPDATE_MUNICIPALITY_ERRORS: &[ErrorCode] = codes![
    CALLER,
    JSON_BODY,
    &[
        ErrorCode::NotFound,
        ErrorCode::Forbidden,
        ErrorCode::InvalidEmail,
        ErrorCode::InvalidOrgNumber,
        ErrorCode::InvalidField
    ]
];

/// The municipality (or an operator) sets where invitations are sent and
/// its organisation number.
#[utoipa::path(patch, path = "/api/v1/municipalities/{number}", tag = "municipalities",
    params(("number" = String, Path, description = "kommunenummer, or fylkesnummer for a county municipality", pattern = "^([0-9]{2}|[0-9]{4})$")), request_body = MunicipalityUpdate,
    security(("bearer" = [])),
    responses((status = 200, body = MunicipalityView), (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn update_municipality(
    state: State,
    caller: Caller,
    number: web::Path<String>,
    body: Json<MunicipalityUpdate>,
) -> AppResult<Json<MunicipalityView>> {
    let number = ParticipantNumber::parse(&number.into_inner())
        .map_err(|_| AppError::not_found("the municipality"))?;
    if !caller.may_act_for_municipality(number.as_str()) {
        return Err(AppError::forbidden(
            "only the municipality's own users and admins change its contact address and organisation number",
        ));
    }
    let MunicipalityUpdate {
        contact_email,
        org_number,
        postal_code,
        phone,
    } = body.0;
    let postal_code = postal_code
        .map(|o| {
            o.map(|v| {
                checked(v, "postal_code", |v| {
                    v.len() == 4 && v.chars().all(|c| c.is_ascii_digit())
                })
            })
            .transpose()
        })
        .transpose()?;
    let phone = phone
        .map(|o| {
            o.map(|v| {
                checked(v, "phone", |v| {
                    let digits = v.trim_start_matches('+');
                    (8..=20).contains(&v.len())
                        && !digits.is_empty()
                        && digits.chars().all(|c| c.is_ascii_digit() || c == ' ')
                })
            })
            .transpose()
        })
        .transpose()?;
    let email = contact_email
        .map(|e| e.as_deref().map(EmailAddress::parse).transpose())
        .transpose()
        .field("contact_email")?;
    let org_number = org_number
        .map(|o| o.as_deref().map(OrgNumber::parse).transpose())
        .transpose()
        .field("org_number")?;
    let updated = state
        .db
        .write(move |c| {
            let mut m = None;
            if let Some(email) = email {
                m = Some(flow::set_contact_email(c, &number, email.as_ref())?);
            }
            if let Some(org) = org_number {
                m = Some(flow::set_org_number(c, &number, org.as_ref())?);
            }
            if postal_code.is_some() || phone.is_some() {
                m = Some(flow::set_contact_details(c, &number, postal_code, phone)?);
            }
            match m {
                Some(m) => Ok(m),
                None => municipalities::find(c, number.as_str())?
                    .ok_or_else(|| AppError::not_found("the municipality")),
            }
        })
        .await?;
    Ok(Json(updated.into()))
}

/// A trimmed value that `ok` accepts, else 422 `invalid_field` on `field`.
fn checked(value: String, field: &str, ok: impl Fn(&str) -> bool) -> AppResult<String> {
    let v = value.trim().to_string();
    if ok(&v) {
        Ok(v)
    } else {
        Err(AppError::new(
            ErrorCode::InvalidField,
            format!("{field}: {value:?} is not valid"),
        )
        .on_field(field))
    }
}
