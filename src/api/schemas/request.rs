//! Shapes of the strings the API takes, as OpenAPI components: what a
//! generated client can check before sending. They say what the server's
//! parsers accept (`domain::kommune`, `domain::cpv`, ...); what needs the
//! reference data (whether municipality 4699 exists, a CPV code is in the
//! list, a MOD11 check digit) is left to the server, which answers 422.
//!
//! Request fields name them with `#[schema(value_type = ...)]`; the Rust
//! field stays a `String`, parsed by the domain as before.

use serde_json::json;
use utoipa::openapi::schema::{
    ArrayBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

macro_rules! string_schema {
    ($(#[doc = $doc:literal])* $name:ident, pattern = $pattern:literal, example = $example:literal $(, max_length = $max:literal)?) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some(concat!($($doc, "\n"),*).trim()))
                    .pattern(Some($pattern))
                    $(.max_length(Some($max)))?
                    .examples([json!($example)])
                    .into()
            }
        }

        impl ToSchema for $name {}
    };
}

string_schema!(
    /// A kommunenummer of the 2024 structure: four digits, leading zero kept.
    MunicipalityNumber,
    pattern = "^[0-9]{4}$",
    example = "4601"
);

string_schema!(
    /// A participant: a kommunenummer (four digits), or a county number (two
    /// digits) for its county municipality; 03 has none (Oslo kommune, 0301,
    /// is both).
    ParticipantNumber,
    pattern = "^([0-9]{2}|[0-9]{4})$",
    example = "4601"
);

string_schema!(
    /// A fylkesnummer of the 2024 structure: two digits.
    CountyNumber,
    pattern = "^[0-9]{2}$",
    example = "46"
);

string_schema!(
    /// A county number (2 digits, all its municipalities) or a municipality
    /// number (4 digits).
    ServiceAreaEntry,
    pattern = "^([0-9]{2}|[0-9]{4})$",
    example = "46"
);

string_schema!(
    /// A code of the CPV 2008 list: eight digits and the check digit, or the
    /// eight digits alone (the check digit is then filled in).
    CpvCode,
    pattern = "^[0-9]{8}(-[0-9])?$",
    example = "55524000-9"
);

string_schema!(
    /// The leading 2 to 8 digits of a CPV code (a division, group, class or
    /// category); trailing zeros are dropped.
    CpvPrefix,
    pattern = "^[0-9]{2,8}$",
    example = "5552"
);

string_schema!(
    /// An organisasjonsnummer: nine digits, the last a MOD11 check digit.
    OrgNumber,
    pattern = "^[0-9]{9}$",
    example = "974760673"
);

/// An email address: a local part, `@`, and a domain with a dot; stored
/// lower-cased.
pub struct Email;

impl PartialSchema for Email {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "An email address: a local part, `@`, and a domain with a dot; stored lower-cased.",
            ))
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
            .max_length(Some(254))
            .examples([json!("innkjop@bergen.kommune.no")])
            .into()
    }
}

impl ToSchema for Email {}

/// One group of a split: the municipalities of one new lot.
pub struct SplitGroup;

impl PartialSchema for SplitGroup {
    fn schema() -> RefOr<Schema> {
        ArrayBuilder::new()
            .items(RefOr::Ref(Ref::from_schema_name(ParticipantNumber::name())))
            .min_items(Some(1))
            .into()
    }
}

impl ToSchema for SplitGroup {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((
            ParticipantNumber::name().into(),
            ParticipantNumber::schema(),
        ));
    }
}

/// A municipality joins or declines.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum DecisionName {
    Join,
    Decline,
}

/// The roles an operator creates (suppliers register themselves).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum UserRoleName {
    Admin,
    Coordinator,
    Municipality,
}

/// The kinds of organisation: procurement offices only, for now.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum OrganizationKind {
    ProcurementOffice,
}

/// Where a message of the outbox stands.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum OutboxStatusName {
    Pending,
    Failed,
    Sent,
}

/// One of the 17 UN Sustainable Development Goals, by number.
pub struct SdgNumber;

impl PartialSchema for SdgNumber {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(1))
            .maximum(Some(17))
            .into()
    }
}

impl ToSchema for SdgNumber {}
