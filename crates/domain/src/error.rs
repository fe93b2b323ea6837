//! The stable error codes and the domain's refusal.
//!
//! Every failure a caller can see carries one `ErrorCode`: its snake_case
//! string is what clients match on (it never changes once sent), its HTTP
//! status is fixed by the code, some codes always blame one request field,
//! and each has a short title for people in bokmål and English. The table below is the one place a code is declared; the shell
//! turns the status into HTTP and the OpenAPI document lists the codes each
//! operation can answer from typed lists of these.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::Lang;

macro_rules! error_codes {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $code:literal, $status:literal $(, field = $field:literal)?,
            $nb:literal / $en:literal;
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

            /// A short title of the problem in `lang`, sent as the problem
            /// document's `title`.
            pub const fn title(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((ErrorCode::$variant, Lang::Nb) => $nb,
                      (ErrorCode::$variant, Lang::En) => $en,)*
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
    MalformedJson = "malformed_json", 400,
        "Ugyldig JSON" / "Malformed JSON";
    /// The body could not be received.
    UnreadableBody = "unreadable_body", 400,
        "Forespørselen kunne ikke leses" / "Unreadable request body";
    /// The query string does not fit the operation's parameters.
    InvalidQuery = "invalid_query", 400,
        "Ugyldig spørrestreng" / "Invalid query string";
    /// A path parameter does not fit its type.
    InvalidPath = "invalid_path", 400,
        "Ugyldig adresse" / "Invalid path";
    /// An unknown status in a filter (the outbox's `status`).
    InvalidStatus = "invalid_status", 400,
        "Ukjent status" / "Unknown status";

    // 401: who is calling is not known.
    Unauthenticated = "unauthenticated", 401,
        "Ikke innlogget" / "Not authenticated";
    InvalidToken = "invalid_token", 401,
        "Ugyldig eller utløpt tilgangstoken" / "Invalid or expired token";
    InvalidCredentials = "invalid_credentials", 401,
        "Feil e-postadresse eller passord" / "Wrong email address or password";
    /// The account was disabled by an admin: its tokens and its logins fail.
    AccountDisabled = "account_disabled", 401,
        "Kontoen er deaktivert" / "Account disabled";
    /// The token was issued before the account's password changed or the
    /// account was disabled (or the account is gone): log in again.
    TokenRevoked = "token_revoked", 401,
        "Tilgangstokenet gjelder ikke lenger" / "Token revoked";

    // 403, 404, 405.
    Forbidden = "forbidden", 403,
        "Ingen tilgang" / "Forbidden";
    /// The right password of a registration whose link has not been used
    /// yet (or that waits for the operator): no login before it is confirmed.
    RegistrationPending = "registration_pending", 403,
        "Registreringen er ikke bekreftet ennå" / "Registration not yet confirmed";
    NotFound = "not_found", 404,
        "Ikke funnet" / "Not found";
    MethodNotAllowed = "method_not_allowed", 405,
        "Metoden er ikke tillatt" / "Method not allowed";

    // 409: the request is well formed, the state of things refuses it.
    Conflict = "conflict", 409,
        "Finnes allerede" / "Already exists";
    InvalidState = "invalid_state", 409,
        "Ikke mulig i denne tilstanden" / "Not allowed in the current state";
    ParticipationClosed = "participation_closed", 409,
        "Tilslutningen er stengt" / "Participation is closed";
    DeadlinePassed = "deadline_passed", 409,
        "Fristen er ute" / "The deadline has passed";
    DeadlineNotReached = "deadline_not_reached", 409,
        "Fristen er ikke nådd" / "The deadline has not been reached";
    /// The market dialogue's deadline has passed: answers are frozen.
    ConsultationClosed = "consultation_closed", 409,
        "Markedsdialogen er avsluttet" / "The market dialogue is closed";
    NoLots = "no_lots", 409,
        "Ingen delkontrakter" / "No lots";
    QuorumNotMet = "quorum_not_met", 409,
        "Kravet til deltakelse er ikke oppfylt" / "Quorum not met";
    ComplianceMissing = "compliance_missing", 409,
        "Seriøsitetskrav mangler" / "Compliance checks missing";
    EmailTaken = "email_taken", 409,
        "E-postadressen er i bruk" / "Email address already in use";
    OrganizationExists = "organization_exists", 409,
        "Organisasjonen finnes allerede" / "Organisation already exists";
    SupplierExists = "supplier_exists", 409,
        "Leverandøren finnes allerede" / "Supplier already exists";
    /// An admin may not disable their own account.
    CannotDisableSelf = "cannot_disable_self", 409,
        "Du kan ikke deaktivere din egen konto" / "Cannot disable your own account";
    /// Disabling this admin would leave no enabled admin.
    LastAdmin = "last_admin", 409,
        "Den siste administratoren kan ikke deaktiveres" / "Cannot disable the last admin";
    /// Only part I of the regulation applies: no notice is due (a
    /// voluntary one is possible, but not generated here).
    NoNoticeRequired = "no_notice_required", 409,
        "Ingen kunngjøringsplikt" / "No notice required";
    /// A buyer of the notice has no organisation number.
    BuyerIdentifierMissing = "buyer_identifier_missing", 409,
        "Oppdragsgiver mangler organisasjonsnummer" / "Buyer identifier missing";
    /// A buyer of the notice lacks a contact detail the notice must give
    /// (email address, telephone, postal code).
    BuyerContactMissing = "buyer_contact_missing", 409,
        "Oppdragsgiver mangler kontaktopplysninger" / "Buyer contact details missing";
    /// The notice needs the tender plan (procedure, deadline, criteria).
    TenderPlanMissing = "tender_plan_missing", 409,
        "Konkurranseplanen mangler" / "Tender plan missing";

    // 410, 413, 415.
    /// A voting link works once.
    VoteLinkUsed = "vote_link_used", 410,
        "Lenken er allerede brukt" / "Voting link already used";
    PayloadTooLarge = "payload_too_large", 413,
        "Forespørselen er for stor" / "Request too large";
    TooManyRows = "too_many_rows", 413,
        "For mange rader" / "Too many rows";
    UnsupportedMediaType = "unsupported_media_type", 415,
        "Innholdstypen støttes ikke" / "Unsupported media type";

    // 422: a value breaks a rule.
    /// A body field of the wrong type, or missing.
    InvalidField = "invalid_field", 422,
        "Ugyldig felt" / "Invalid field";
    InvalidAnswer = "invalid_answer", 422, field = "answer",
        "Ugyldig svar" / "Invalid answer";
    InvalidAmount = "invalid_amount", 422,
        "Ugyldig beløp" / "Invalid amount";
    InvalidAward = "invalid_award", 422,
        "Ugyldig tildeling" / "Invalid award";
    AwardsRequired = "awards_required", 422,
        "Tildeling mangler" / "Awards required";
    InvalidCapacityFactor = "invalid_capacity_factor", 422,
        "Ugyldig kapasitetsfaktor" / "Invalid capacity factor";
    /// Award criteria that do not sum to 100, or an unnamed or unweighted one.
    InvalidAwardCriteria = "invalid_award_criteria", 422, field = "award_criteria",
        "Ugyldige tildelingskriterier" / "Invalid award criteria";
    /// The climate criterion of the award criteria and the climate weight
    /// of the sustainability settings disagree.
    ClimateWeightMismatch = "climate_weight_mismatch", 422, field = "award_criteria",
        "Klimakriteriet stemmer ikke med klimavekten" / "Climate criterion and climate weight differ";
    InvalidProcedure = "invalid_procedure", 422, field = "procedure",
        "Ugyldig prosedyre" / "Invalid procedure";
    InvalidTenderDeadline = "invalid_tender_deadline", 422, field = "tender_deadline",
        "Ugyldig tilbudsfrist" / "Invalid tender deadline";
    InvalidDocumentsUrl = "invalid_documents_url", 422, field = "documents_url",
        "Ugyldig adresse til konkurransedokumentene" / "Invalid documents URL";
    InvalidMaxLots = "invalid_max_lots", 422, field = "max_lots_per_tenderer",
        "Ugyldig største antall delkontrakter" / "Invalid maximum number of lots";
    InvalidCaseNumber = "invalid_case_number", 422, field = "case_number",
        "Ugyldig saksnummer" / "Invalid case number";
    InvalidChannel = "invalid_channel", 422,
        "Ugyldig kanal" / "Invalid channel";
    InvalidCheckStatus = "invalid_check_status", 422,
        "Ugyldig kontrollstatus" / "Invalid check status";
    InvalidCheckpointState = "invalid_checkpoint_state", 422,
        "Ugyldig status for kontrollpunkt" / "Invalid checkpoint state";
    InvalidClauses = "invalid_clauses", 422,
        "Ugyldig klausulbibliotek" / "Invalid clause library";
    InvalidClimateWeight = "invalid_climate_weight", 422,
        "Ugyldig klimavekt" / "Invalid climate weight";
    InvalidContractStart = "invalid_contract_start", 422,
        "Ugyldig kontraktsstart" / "Invalid contract start";
    InvalidContractType = "invalid_contract_type", 422,
        "Ugyldig kontraktstype" / "Invalid contract type";
    InvalidCounty = "invalid_county", 422,
        "Ugyldig fylke" / "Invalid county";
    InvalidCpvPrefix = "invalid_cpv_prefix", 422,
        "Ugyldig CPV-prefiks" / "Invalid CPV prefix";
    InvalidCsvHeader = "invalid_csv_header", 422,
        "Ugyldig CSV-overskrift" / "Invalid CSV header";
    InvalidCsvRow = "invalid_csv_row", 422,
        "Ugyldig CSV-rad" / "Invalid CSV row";
    InvalidDeadline = "invalid_deadline", 422,
        "Ugyldig frist" / "Invalid deadline";
    InvalidDecision = "invalid_decision", 422,
        "Ugyldig beslutning" / "Invalid decision";
    InvalidDescription = "invalid_description", 422,
        "Ugyldig beskrivelse" / "Invalid description";
    InvalidDuration = "invalid_duration", 422,
        "Ugyldig varighet" / "Invalid duration";
    InvalidEmail = "invalid_email", 422,
        "Ugyldig e-postadresse" / "Invalid email address";
    InvalidEmployees = "invalid_employees", 422,
        "Ugyldig antall ansatte" / "Invalid number of employees";
    InvalidJustification = "invalid_justification", 422,
        "Ugyldig begrunnelse" / "Invalid justification";
    InvalidKind = "invalid_kind", 422,
        "Ugyldig organisasjonstype" / "Invalid organisation kind";
    InvalidMandate = "invalid_mandate", 422,
        "Ugyldig fullmakt" / "Invalid mandate";
    InvalidMunicipality = "invalid_municipality", 422,
        "Ugyldig kommune" / "Invalid municipality";
    InvalidName = "invalid_name", 422,
        "Ugyldig navn" / "Invalid name";
    InvalidNote = "invalid_note", 422,
        "Ugyldig merknad" / "Invalid note";
    InvalidNotice = "invalid_notice", 422,
        "Ugyldig kunngjøring" / "Invalid notice";
    InvalidNumber = "invalid_number", 422,
        "Ugyldig tall" / "Invalid number";
    InvalidOrgNumber = "invalid_org_number", 422,
        "Ugyldig organisasjonsnummer" / "Invalid organisation number";
    InvalidPart = "invalid_part", 422,
        "Ugyldig del av forskriften" / "Invalid part of the regulation";
    InvalidPopulation = "invalid_population", 422,
        "Ugyldig innbyggertall" / "Invalid population";
    InvalidQuantity = "invalid_quantity", 422,
        "Ugyldig mengde" / "Invalid quantity";
    InvalidQuorum = "invalid_quorum", 422, field = "quorum",
        "Ugyldig krav til deltakelse" / "Invalid quorum";
    InvalidReason = "invalid_reason", 422, field = "reason",
        "Ugyldig begrunnelse" / "Invalid reason";
    InvalidRecipient = "invalid_recipient", 422,
        "Ugyldig mottaker" / "Invalid recipient";
    InvalidRegime = "invalid_regime", 422,
        "Ugyldig terskelverdiregime" / "Invalid regime";
    InvalidResult = "invalid_result", 422,
        "Ugyldig resultat" / "Invalid result";
    InvalidRole = "invalid_role", 422,
        "Ugyldig rolle" / "Invalid role";
    InvalidRoleLinks = "invalid_role_links", 422,
        "Ugyldige koblinger for rollen" / "Invalid links for the role";
    InvalidSdg = "invalid_sdg", 422,
        "Ugyldig bærekraftsmål" / "Invalid Sustainable Development Goal";
    InvalidServiceArea = "invalid_service_area", 422,
        "Ugyldig leveringsområde" / "Invalid service area";
    InvalidSizeClass = "invalid_size_class", 422,
        "Ugyldig størrelsesklasse" / "Invalid size class";
    InvalidSplit = "invalid_split", 422,
        "Ugyldig deling" / "Invalid split";
    InvalidStrategy = "invalid_strategy", 422,
        "Ugyldig anskaffelsesstrategi" / "Invalid procurement strategy";
    InvalidThreshold = "invalid_threshold", 422,
        "Ugyldig terskelverdi" / "Invalid threshold";
    InvalidThresholds = "invalid_thresholds", 422,
        "Ugyldig terskelverditabell" / "Invalid threshold table";
    /// A day before the first row of the dated threshold table.
    NoThresholdsInForce = "no_thresholds_in_force", 422,
        "Ingen terskelverdier gjelder den dagen" / "No thresholds in force on that day";
    InvalidUnit = "invalid_unit", 422,
        "Ugyldig enhet" / "Invalid unit";
    InvitedInLotArea = "invited_in_lot_area", 422,
        "Kommunen er med i området til en delkontrakt" / "The municipality is in a lot's area";
    InvitedRequired = "invited_required", 422,
        "Inviterte kommuner mangler" / "Invited municipalities required";
    LotAreaNotInvited = "lot_area_not_invited", 422,
        "Området til delkontrakten er ikke invitert" / "The lot's area is not invited";
    LotNotFound = "lot_not_found", 422,
        "Delkontrakten finnes ikke" / "Lot not found";
    LotNotInArea = "lot_not_in_area", 422,
        "Kommunen er ikke i området til delkontrakten" / "The municipality is not in the lot's area";
    MandateNotFound = "mandate_not_found", 422,
        "Fullmakten finnes ikke" / "Mandate not found";
    MandateNotValid = "mandate_not_valid", 422,
        "Fullmakten gjelder ikke" / "Mandate not valid";
    MandateRequired = "mandate_required", 422,
        "Fullmakt kreves" / "Mandate required";
    MandateRevoked = "mandate_revoked", 422,
        "Fullmakten er trukket tilbake" / "Mandate revoked";
    MandateScope = "mandate_scope", 422,
        "Utenfor fullmaktens omfang" / "Outside the mandate's scope";
    MandateValueExceeded = "mandate_value_exceeded", 422,
        "Over fullmaktens beløpsgrense" / "Mandate value exceeded";
    MunicipalityRequired = "municipality_required", 422,
        "Kommune kreves" / "Municipality required";
    /// `03`: Oslo kommune is both municipality and county municipality.
    NoCountyMunicipality = "no_county_municipality", 422,
        "Fylket har ingen egen fylkeskommune" / "The county has no county municipality of its own";
    NotAParticipant = "not_a_participant", 422,
        "Kommunen deltar ikke" / "Not a participant";
    NoteRequired = "note_required", 422,
        "Merknad kreves" / "Note required";
    OrganizationNotFound = "organization_not_found", 422,
        "Organisasjonen finnes ikke" / "Organisation not found";
    OrganizationRequired = "organization_required", 422,
        "Organisasjon kreves" / "Organisation required";
    SupplierNotFound = "supplier_not_found", 422,
        "Leverandøren finnes ikke" / "Supplier not found";
    TooManyLots = "too_many_lots", 422,
        "For mange delkontrakter" / "Too many lots";
    UnknownCheck = "unknown_check", 422,
        "Ukjent kontroll" / "Unknown check";
    UnknownClause = "unknown_clause", 422,
        "Ukjent klausul" / "Unknown clause";
    UnknownCounty = "unknown_county", 422,
        "Ukjent fylke" / "Unknown county";
    UnknownCpv = "unknown_cpv", 422,
        "Ukjent CPV-kode" / "Unknown CPV code";
    UnknownMunicipality = "unknown_municipality", 422,
        "Ukjent kommune" / "Unknown municipality";
    ValueOverflow = "value_overflow", 422,
        "Beløpet er for stort" / "Amount too large";
    WeakPassword = "weak_password", 422,
        "For svakt passord" / "Password too weak";
    /// A password change whose current password is wrong.
    WrongPassword = "wrong_password", 422, field = "current_password",
        "Feil nåværende passord" / "Wrong current password";
    /// A row of a register import that repeats an earlier one: a line of
    /// the import report, never an answer of its own.
    DuplicateOrgNumber = "duplicate_org_number", 422,
        "Organisasjonsnummeret er gjentatt" / "Duplicate organisation number";
    /// A cell of a register import that is not UTF-8 (a report line too).
    InvalidUtf8 = "invalid_utf8", 422,
        "Ikke gyldig UTF-8" / "Not valid UTF-8";

    // 429, 500, 503.
    TooManyRequests = "too_many_requests", 429,
        "For mange forespørsler" / "Too many requests";
    /// Our fault; the cause is logged, never sent.
    InternalError = "internal_error", 500,
        "Intern feil" / "Internal error";
    DatabaseUnavailable = "database_unavailable", 503,
        "Databasen er ikke tilgjengelig" / "Database unavailable";
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
            for lang in [Lang::Nb, Lang::En] {
                let title = code.title(lang);
                assert!(
                    !title.is_empty() && !title.ends_with('.') && title.len() <= 60,
                    "{s}: a short title, not a sentence: {title:?}"
                );
            }
        }
        assert_eq!(ErrorCode::NotFound.title(Lang::Nb), "Ikke funnet");
        assert_eq!(ErrorCode::NotFound.title(Lang::En), "Not found");
        assert_eq!(
            ErrorCode::MandateValueExceeded.title(Lang::Nb),
            "Over fullmaktens beløpsgrense"
        );
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
