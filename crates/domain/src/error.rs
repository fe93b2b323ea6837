//! The stable error codes and the domain's refusal.
//!
//! Every failure a caller can see carries one `ErrorCode`: its snake_case
//! string is what clients match on (it never changes once sent), its HTTP
//! status is fixed by the code, and some codes always blame one request
//! field. The table below is the one place a code is declared; the shell
//! turns the status into HTTP and the OpenAPI document lists the codes each
//! operation can answer from typed lists of these.

use std::fmt;

use serde::{Serialize, Serializer};

macro_rules! error_codes {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $code:literal, $status:literal $(, field = $field:literal)?;
    )*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorCode {
            $($(#[doc = $doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The code as sent: `code` in the problem document, and with
            /// dashes in its `type`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }

            /// The HTTP status every answer with this code has.
            pub const fn status(self) -> u16 {
                match self {
                    $(ErrorCode::$variant => $status,)*
                }
            }

            /// The request field this code is always about, if it is always
            /// about one.
            pub const fn field(self) -> Option<&'static str> {
                match self {
                    $(ErrorCode::$variant => error_codes!(@field $($field)?),)*
                }
            }
        }
    };
    (@field) => { None };
    (@field $field:literal) => { Some($field) };
}

error_codes! {
    // 400: the request cannot be read at all.
    /// The body is not JSON.
    MalformedJson = "malformed_json", 400;
    /// The body could not be received.
    UnreadableBody = "unreadable_body", 400;
    /// The query string does not fit the operation's parameters.
    InvalidQuery = "invalid_query", 400;
    /// A path parameter does not fit its type.
    InvalidPath = "invalid_path", 400;
    /// An unknown status in a filter (the outbox's `status`).
    InvalidStatus = "invalid_status", 400;

    // 401: who is calling is not known.
    Unauthenticated = "unauthenticated", 401;
    InvalidToken = "invalid_token", 401;
    InvalidCredentials = "invalid_credentials", 401;

    // 403, 404, 405.
    Forbidden = "forbidden", 403;
    /// The right password of a registration whose link has not been used
    /// yet (or that waits for the operator): no login before it is confirmed.
    RegistrationPending = "registration_pending", 403;
    NotFound = "not_found", 404;
    MethodNotAllowed = "method_not_allowed", 405;

    // 409: the request is well formed, the state of things refuses it.
    Conflict = "conflict", 409;
    InvalidState = "invalid_state", 409;
    ParticipationClosed = "participation_closed", 409;
    DeadlinePassed = "deadline_passed", 409;
    DeadlineNotReached = "deadline_not_reached", 409;
    NoLots = "no_lots", 409;
    QuorumNotMet = "quorum_not_met", 409;
    ComplianceMissing = "compliance_missing", 409;
    EmailTaken = "email_taken", 409;
    OrganizationExists = "organization_exists", 409;
    SupplierExists = "supplier_exists", 409;

    // 410, 413, 415.
    /// A voting link works once.
    VoteLinkUsed = "vote_link_used", 410;
    PayloadTooLarge = "payload_too_large", 413;
    TooManyRows = "too_many_rows", 413;
    UnsupportedMediaType = "unsupported_media_type", 415;

    // 422: a value breaks a rule.
    /// A body field of the wrong type, or missing.
    InvalidField = "invalid_field", 422;
    InvalidAmount = "invalid_amount", 422;
    InvalidAward = "invalid_award", 422;
    AwardsRequired = "awards_required", 422;
    InvalidCapacityFactor = "invalid_capacity_factor", 422;
    InvalidCaseNumber = "invalid_case_number", 422, field = "case_number";
    InvalidChannel = "invalid_channel", 422;
    InvalidCheckStatus = "invalid_check_status", 422;
    InvalidCheckpointState = "invalid_checkpoint_state", 422;
    InvalidClauses = "invalid_clauses", 422;
    InvalidClimateWeight = "invalid_climate_weight", 422;
    InvalidContractStart = "invalid_contract_start", 422;
    InvalidContractType = "invalid_contract_type", 422;
    InvalidCounty = "invalid_county", 422;
    InvalidCpvPrefix = "invalid_cpv_prefix", 422;
    InvalidCsvHeader = "invalid_csv_header", 422;
    InvalidCsvRow = "invalid_csv_row", 422;
    InvalidDeadline = "invalid_deadline", 422;
    InvalidDecision = "invalid_decision", 422;
    InvalidDescription = "invalid_description", 422;
    InvalidDuration = "invalid_duration", 422;
    InvalidEmail = "invalid_email", 422;
    InvalidEmployees = "invalid_employees", 422;
    InvalidJustification = "invalid_justification", 422;
    InvalidKind = "invalid_kind", 422;
    InvalidMandate = "invalid_mandate", 422;
    InvalidMunicipality = "invalid_municipality", 422;
    InvalidName = "invalid_name", 422;
    InvalidNote = "invalid_note", 422;
    InvalidNotice = "invalid_notice", 422;
    InvalidNumber = "invalid_number", 422;
    InvalidOrgNumber = "invalid_org_number", 422;
    InvalidPart = "invalid_part", 422;
    InvalidPopulation = "invalid_population", 422;
    InvalidQuantity = "invalid_quantity", 422;
    InvalidQuorum = "invalid_quorum", 422, field = "quorum";
    InvalidRecipient = "invalid_recipient", 422;
    InvalidRegime = "invalid_regime", 422;
    InvalidResult = "invalid_result", 422;
    InvalidRole = "invalid_role", 422;
    InvalidRoleLinks = "invalid_role_links", 422;
    InvalidSdg = "invalid_sdg", 422;
    InvalidServiceArea = "invalid_service_area", 422;
    InvalidSizeClass = "invalid_size_class", 422;
    InvalidSplit = "invalid_split", 422;
    InvalidThreshold = "invalid_threshold", 422;
    InvalidThresholds = "invalid_thresholds", 422;
    /// A day before the first row of the dated threshold table.
    NoThresholdsInForce = "no_thresholds_in_force", 422;
    InvalidUnit = "invalid_unit", 422;
    InvitedInLotArea = "invited_in_lot_area", 422;
    InvitedRequired = "invited_required", 422;
    LotAreaNotInvited = "lot_area_not_invited", 422;
    LotNotFound = "lot_not_found", 422;
    LotNotInArea = "lot_not_in_area", 422;
    MandateNotFound = "mandate_not_found", 422;
    MandateNotValid = "mandate_not_valid", 422;
    MandateRequired = "mandate_required", 422;
    MandateScope = "mandate_scope", 422;
    MandateValueExceeded = "mandate_value_exceeded", 422;
    MunicipalityRequired = "municipality_required", 422;
    NotAParticipant = "not_a_participant", 422;
    NoteRequired = "note_required", 422;
    OrganizationNotFound = "organization_not_found", 422;
    OrganizationRequired = "organization_required", 422;
    SupplierNotFound = "supplier_not_found", 422;
    TooManyLots = "too_many_lots", 422;
    UnknownCheck = "unknown_check", 422;
    UnknownClause = "unknown_clause", 422;
    UnknownCounty = "unknown_county", 422;
    UnknownCpv = "unknown_cpv", 422;
    UnknownMunicipality = "unknown_municipality", 422;
    ValueOverflow = "value_overflow", 422;
    WeakPassword = "weak_password", 422;
    /// A row of a register import that repeats an earlier one: a line of
    /// the import report, never an answer of its own.
    DuplicateOrgNumber = "duplicate_org_number", 422;
    /// A cell of a register import that is not UTF-8 (a report line too).
    InvalidUtf8 = "invalid_utf8", 422;

    // 429, 500, 503.
    TooManyRequests = "too_many_requests", 429;
    /// Our fault; the cause is logged, never sent.
    InternalError = "internal_error", 500;
    DatabaseUnavailable = "database_unavailable", 503;
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Lists of codes joined at compile time, so that an operation's list can be
/// composed from the lists of the checks it calls: `codes![A, B]` where each
/// argument is a `&[ErrorCode]`. Repeats are allowed; readers drop them.
#[macro_export]
macro_rules! codes {
    ($($list:expr),* $(,)?) => {{
        const N: usize = 0 $(+ $list.len())*;
        const JOINED: [$crate::error::ErrorCode; N] = $crate::error::join_codes::<N>(&[$($list),*]);
        &JOINED
    }};
}

/// What `codes!` runs: `N` must be the sum of the lengths.
pub const fn join_codes<const N: usize>(lists: &[&[ErrorCode]]) -> [ErrorCode; N] {
    let mut out = [ErrorCode::InternalError; N];
    let (mut i, mut k) = (0, 0);
    while i < lists.len() {
        let mut j = 0;
        while j < lists[i].len() {
            out[k] = lists[i][j];
            k += 1;
            j += 1;
        }
        i += 1;
    }
    assert!(k == N, "join_codes: N is not the total length");
    out
}

/// A value that breaks a domain rule: a stable code and a sentence a person
/// can act on. The shell answers with the code's status (422 for most).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub code: ErrorCode,
    pub message: String,
}

/// A refusal with the request field it is about.
pub type FieldInvalid = (&'static str, Invalid);

impl Invalid {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Invalid {
            code,
            message: message.into(),
        }
    }

    /// Blames `field`, unless the code always blames a field of its own
    /// (a check may cover several fields, as the terms cover the quorum).
    pub fn on(self, field: &'static str) -> FieldInvalid {
        (self.code.field().unwrap_or(field), self)
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Invalid {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_with_a_real_status() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{s}"
            );
            assert!((400..600).contains(&code.status()), "{s}");
        }
    }

    #[test]
    fn lists_join_at_compile_time() {
        const A: &[ErrorCode] = &[ErrorCode::NotFound];
        const B: &[ErrorCode] = codes![A, &[ErrorCode::Forbidden, ErrorCode::NotFound]];
        assert_eq!(
            B,
            &[
                ErrorCode::NotFound,
                ErrorCode::Forbidden,
                ErrorCode::NotFound
            ]
        );
    }

    #[test]
    fn a_code_with_a_field_of_its_own_overrides_the_blame() {
        let quorum = Invalid::new(ErrorCode::InvalidQuorum, "x").on("duration_months");
        assert_eq!(quorum.0, "quorum");
        let duration = Invalid::new(ErrorCode::InvalidDuration, "x").on("duration_months");
        assert_eq!(duration.0, "duration_months");
    }
}
