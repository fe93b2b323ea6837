use std::time::Instant;

use super::schemas::{CpvPrefix, Email, MunicipalityNumber, OrgNumber, ServiceAreaEntry};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::body_error;
use super::problem_docs::CALLER;
use super::problem_docs::JSON_BODY;
use super::{rfc3339, Json, State};
use crate::auth::{password, Caller};
use crate::db::outbox;
use crate::db::suppliers::{self, Supplier};
use crate::domain::codes;
use crate::domain::supplier::RawProfile;
use crate::domain::supplier::PROFILE_ERRORS;
use crate::domain::{EmailAddress, ErrorCode, Role};
use crate::error::{AppError, AppResult, FieldExt, Problem};
use crate::flows::registration::{self, ConfirmLinks};
use crate::flows::suppliers::{self as flow, profile_of, ProfileChange, Registration};
use crate::import::{self, ImportReport};
use crate::throttle::{client_address, RegistrationThrottle};

/// The register file's limit, the same for the pages.
pub const IMPORT_LIMIT_BYTES: usize = import::LIMIT_BYTES;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/suppliers", web::post().to(register_supplier))
        .route("/suppliers/me", web::get().to(my_profile))
        .route("/suppliers/me", web::patch().to(update_my_profile))
        .service(
            web::resource("/suppliers/import")
                .app_data(web::PayloadConfig::new(IMPORT_LIMIT_BYTES))
                .route(web::post().to(import_register)),
        );
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplierRegistration {
    #[schema(value_type = OrgNumber, example = "974760673")]
    pub org_number: String,
    #[schema(
        example = "Fjord Catering AS",
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub name: String,
    #[schema(value_type = Email)]
    pub email: String,
    /// At least 10 characters, at most 1024 bytes, and not easy to guess:
    /// not a common or leaked password, a keyboard pattern, spaces only, or
    /// built on the email address or the organisation's name or number
    /// (422 `weak_password`, saying why).
    #[schema(min_length = 10, example = "Fiskesuppe-1881")]
    pub password: String,
    #[schema(minimum = 0)]
    pub employees: i64,
    #[schema(example = 610000000, minimum = 0)]
    pub annual_turnover_ore: i64,
    /// Optional: the size class takes the turnover or the balance-sheet
    /// total, whichever puts the firm lower (Recommendation 2003/361).
    #[serde(default)]
    #[schema(minimum = 0)]
    pub balance_sheet_total_ore: Option<i64>,
    #[schema(value_type = MunicipalityNumber, example = "4601")]
    pub home_municipality: String,
    /// County numbers (2 digits) and/or municipality numbers (4 digits).
    #[schema(value_type = Vec<ServiceAreaEntry>, example = json!(["46"]))]
    pub service_area: Vec<String>,
    /// CPV prefixes, 2 to 8 digits.
    #[schema(value_type = Vec<CpvPrefix>, example = json!(["5552"]))]
    pub cpv: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SupplierView {
    pub id: String,
    pub org_number: String,
    pub name: String,
    pub email: Option<String>,
    pub employees: i64,
    pub annual_turnover_ore: i64,
    pub balance_sheet_total_ore: Option<i64>,
    /// `micro`, `small`, `medium` or `large` (EU Recommendation 2003/361):
    /// staff, and turnover or balance-sheet total.
    pub size_class: String,
    pub home_municipality: String,
    pub service_area: Vec<String>,
    pub cpv: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Supplier> for SupplierView {
    fn from(s: Supplier) -> Self {
        SupplierView {
            service_area: s.service_area,
            cpv: s.cpv,
            id: s.id,
            org_number: s.org_number,
            name: s.name,
            email: s.email,
            employees: s.employees,
            annual_turnover_ore: s.annual_turnover_ore,
            balance_sheet_total_ore: s.balance_sheet_total_ore,
            size_class: s.size_class.into(),
            home_municipality: s.home_municipality,
            created_at: rfc3339(s.created_at),
            updated_at: rfc3339(s.updated_at),
        }
    }
}

/// What `register_supplier` answers besides success (see `problem_docs`).
/// Not `supplier_exists` nor `email_taken`: whether a number or an address
/// has a login is never answered.
pub const REGISTER_SUPPLIER_ERRORS: &[ErrorCode] = codes![
    JSON_BODY,
    &[
        ErrorCode::InvalidEmail,
        ErrorCode::WeakPassword,
        ErrorCode::TooManyRequests
    ],
    PROFILE_ERRORS
];

/// The one success code of a registration.
pub const CONFIRMATION_REQUIRED: &str = "confirmation_required";

/// What a registration answers, whatever the register and the logins hold.
#[derive(Serialize, ToSchema)]
pub struct RegistrationAccepted {
    #[schema(value_type = String, example = "confirmation_required", pattern = "^confirmation_required$")]
    pub code: &'static str,
    /// What to do next, in Norwegian, for showing to the person.
    pub message: &'static str,
}

/// The same words in every case, so that the answer tells nothing about
/// who has a login.
pub const REGISTRATION_ACCEPTED: RegistrationAccepted = RegistrationAccepted {
    code: CONFIRMATION_REQUIRED,
    message: "Takk! Vi har sendt en e-post med en lenke som bekrefter registreringen. \
              Står virksomheten allerede i leverandørregisteret, går lenken til adressen \
              registeret har for den, eller registreringen godkjennes av driftsoperatøren. \
              Du kan logge inn når registreringen er bekreftet. Lenken virker i et begrenset tidsrom.",
};

/// A supplier registers itself. Nothing is stored as the supplier, and no
/// login made, until the registration is confirmed by the link emailed for
/// it: to the address given, for a new organisation number; to the address
/// the register holds, for a number already in it (where it holds none,
/// to the address given, and then the operator approves). The answer is
/// 202 `confirmation_required` in every case, also when the address or the
/// number already has a login (its holder is emailed instead).
#[utoipa::path(post, path = "/api/v1/suppliers", tag = "suppliers", request_body = SupplierRegistration,
    responses((status = 202, body = RegistrationAccepted,
               description = "received: the emailed link (or the operator) confirms it; the same answer whatever is on record"),
              (status = 422, body = Problem),
              (status = 429, body = Problem, description = "too many registrations from this address",
                  headers(("Retry-After" = u64, description = "seconds until the next registration is allowed")))))]
pub async fn register_supplier(
    state: State,
    throttle: web::Data<RegistrationThrottle>,
    req: HttpRequest,
    body: Json<SupplierRegistration>,
) -> AppResult<HttpResponse> {
    let b = body.0;
    let profile = profile_of(&RawProfile {
        org_number: &b.org_number,
        name: &b.name,
        employees: b.employees,
        annual_turnover_ore: b.annual_turnover_ore,
        balance_sheet_total_ore: b.balance_sheet_total_ore,
        home_municipality: &b.home_municipality,
        service_area: b.service_area.iter().map(String::as_str).collect(),
        cpv: b.cpv.iter().map(String::as_str).collect(),
    })?;
    let email = EmailAddress::parse(&b.email).field("email")?;
    if !outbox::can_receive(email.as_str()) {
        return Err(AppError::new(
            ErrorCode::InvalidEmail,
            "no mail can be sent to this address",
        )
        .on_field("email"));
    }
    password::check_strength("password", &b.password, &[&b.email, &b.name, &b.org_number])?;
    // Charged once the request is sound, before anything is looked up (so
    // that the register cannot be probed without limit) and before the hash.
    let client = client_address(&req, &state.config.trusted_proxies);
    throttle.check(client, Instant::now())?;
    let accepted = || HttpResponse::Accepted().json(REGISTRATION_ACCEPTED);
    // A number or an address with a login costs no Argon2 work.
    let (org_number, address, now) = (profile.org_number.clone(), email.clone(), state.clock.now());
    let taken = state
        .db
        .write(move |c| registration::already_taken(c, &org_number, &address, now))
        .await?;
    if taken {
        return Ok(accepted());
    }
    let password_hash = password::hash_in_turn(b.password)
        .await
        .map_err(AppError::internal)?;
    let asked = Registration {
        profile,
        email,
        password_hash,
    };
    let links = ConfirmLinks::from_config(&state.config);
    let clock = state.clock.clone();
    state
        .db
        .write(move |c| registration::register(c, asked, &links, clock.now()))
        .await?;
    Ok(accepted())
}

fn own_supplier_id(caller: &Caller) -> AppResult<String> {
    caller.require(Role::Supplier)?;
    caller
        .supplier()
        .map(String::from)
        .ok_or_else(|| AppError::forbidden("this account is not linked to a supplier"))
}

/// What `my_profile` answers besides success (see `problem_docs`).
pub const MY_PROFILE_ERRORS: &[ErrorCode] =
    codes![CALLER, &[ErrorCode::Forbidden, ErrorCode::NotFound]];

/// A supplier reads its own profile.
#[utoipa::path(get, path = "/api/v1/suppliers/me", tag = "suppliers", security(("bearer" = [])),
    responses((status = 200, body = SupplierView), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn my_profile(state: State, caller: Caller) -> AppResult<Json<SupplierView>> {
    let id = own_supplier_id(&caller)?;
    let supplier = state.db.read(move |c| suppliers::find(c, &id)).await?;
    supplier
        .map(|s| Json(s.into()))
        .ok_or_else(|| AppError::not_found("the supplier"))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplierUpdate {
    #[schema(
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub name: Option<String>,
    #[schema(minimum = 0)]
    pub employees: Option<i64>,
    #[schema(minimum = 0)]
    pub annual_turnover_ore: Option<i64>,
    #[schema(minimum = 0)]
    pub balance_sheet_total_ore: Option<i64>,
    #[schema(value_type = Option<MunicipalityNumber>)]
    pub home_municipality: Option<String>,
    #[schema(value_type = Option<Vec<ServiceAreaEntry>>)]
    pub service_area: Option<Vec<String>>,
    #[schema(value_type = Option<Vec<CpvPrefix>>)]
    pub cpv: Option<Vec<String>>,
}

/// What `update_my_profile` answers besides success (see `problem_docs`).
pub const UPDATE_MY_PROFILE_ERRORS: &[ErrorCode] = codes![
    CALLER,
    JSON_BODY,
    &[ErrorCode::Forbidden, ErrorCode::NotFound],
    PROFILE_ERRORS
];

/// A supplier corrects its profile; the size class follows.
#[utoipa::path(patch, path = "/api/v1/suppliers/me", tag = "suppliers", request_body = SupplierUpdate,
    security(("bearer" = [])),
    responses((status = 200, body = SupplierView), (status = 422, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn update_my_profile(
    state: State,
    caller: Caller,
    body: Json<SupplierUpdate>,
) -> AppResult<Json<SupplierView>> {
    let id = own_supplier_id(&caller)?;
    let rate = state.config.eur_nok;
    let SupplierUpdate {
        name,
        employees,
        annual_turnover_ore,
        balance_sheet_total_ore,
        home_municipality,
        service_area,
        cpv,
    } = body.0;
    let change = ProfileChange {
        name,
        employees,
        annual_turnover_ore,
        balance_sheet_total_ore,
        home_municipality,
        service_area,
        cpv,
    };
    let now = state.clock.now();
    let supplier = state
        .db
        .write(move |c| flow::update_profile(c, &id, change, rate, now))
        .await?;
    Ok(Json(supplier.into()))
}

/// What `import_register` answers besides success (see `problem_docs`).
pub const IMPORT_REGISTER_ERRORS: &[ErrorCode] = codes![
    CALLER,
    &[
        ErrorCode::Forbidden,
        ErrorCode::InvalidCsvHeader,
        ErrorCode::TooManyRows
    ]
];

/// An operator loads the supplier register from CSV: new organisation
/// numbers are added, known ones updated, bad rows reported by line.
#[utoipa::path(post, path = "/api/v1/suppliers/import", tag = "suppliers", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv",
        description = "header org_number,name,employees,annual_turnover_ore,home_municipality,service_area,cpv, optionally email (the firm's address, where registrations for the firm are confirmed; blank keeps the stored one); list cells separated by ';'"),
    responses((status = 200, body = ImportReport),
              (status = 422, body = Problem),
              (status = 413, body = Problem),
              (status = 415, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn import_register(
    state: State,
    caller: Caller,
    req: HttpRequest,
    body: web::Payload,
) -> AppResult<Json<ImportReport>> {
    caller.require_admin()?;
    let is_csv = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv") || v.starts_with("text/plain"));
    if !is_csv {
        return Err(AppError::new(
            ErrorCode::UnsupportedMediaType,
            "send the register as text/csv",
        ));
    }
    let bytes = body
        .to_bytes_limited(IMPORT_LIMIT_BYTES)
        .await
        .map_err(|_| AppError::new(ErrorCode::PayloadTooLarge, "the register file is too large"))?;
    let bytes = bytes.map_err(body_error)?;
    let rate = state.config.eur_nok;
    let parsed = web::block(move || import::parse(&bytes)).await??;
    let now = state.clock.now();
    let report = state
        .db
        .write(move |c| flow::import(c, parsed, rate, now))
        .await?;
    Ok(Json(report))
}
