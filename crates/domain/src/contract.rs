//! What a joint procurement buys (its contract type, which picks the EEA
//! threshold) and where it is in its life (the status machine of api.md,
//! "Joint procurements").

use chrono::{DateTime, Utc};

use super::{ErrorCode, Invalid, Lang};

crate::code_enum! {
    /// What a procurement buys; it picks the EEA threshold.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum ContractType {
        Goods = "goods",
        Services = "services",
        Works = "works",
        /// Health, social and other special services (Directive Annex XIV),
        /// which have their own, higher EEA threshold.
        SocialServices = "social_services",
    }
    invalid = InvalidContractType,
        "a contract type: use goods, services, works or social_services";
}

impl ContractType {
    /// What the contract buys, in words that follow "a contract for" /
    /// "kontrakt om": the letters and pages use the bokmål.
    pub fn words(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ContractType::Goods, Lang::Nb) => "varer",
            (ContractType::Goods, Lang::En) => "goods",
            (ContractType::Services, Lang::Nb) => "tjenester",
            (ContractType::Services, Lang::En) => "services",
            (ContractType::Works, Lang::Nb) => "bygg og anlegg",
            (ContractType::Works, Lang::En) => "works",
            (ContractType::SocialServices, Lang::Nb) => {
                "helse- og sosialtjenester og andre særlige tjenester"
            }
            (ContractType::SocialServices, Lang::En) => "health, social and other special services",
        }
    }
}

crate::code_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum ProcurementStatus {
        Draft = "draft",
        /// The participation window: municipalities join or decline.
        Open = "open",
        /// The window is over and the volumes are known; lots may still be split.
        Closed = "closed",
        /// The notice is out and the participant list is frozen (KOFA 2019/389).
        Published = "published",
        Awarded = "awarded",
        Cancelled = "cancelled",
    }
    invalid = InvalidStatus,
        "a procurement status: use draft, open, closed, published, awarded or cancelled";
}

impl ProcurementStatus {
    /// How a sentence names the state: "the procurement is a draft".
    fn described(self) -> &'static str {
        match self {
            ProcurementStatus::Draft => "a draft",
            other => other.code(),
        }
    }
}

/// Everything a caller may try to do to a procurement that depends on its
/// status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Edit,
    AddLot,
    Open,
    /// Join or decline, by API or by the email link.
    Participate,
    Close,
    SplitLot,
    Publish,
    Award,
    Cancel,
}

/// What `check` refuses with: `participation_closed` for joining or
/// declining, `invalid_state` for the rest.
pub const TRANSITION_ERRORS: &[ErrorCode] = &[ErrorCode::InvalidState];
pub const PARTICIPATION_WINDOW_ERRORS: &[ErrorCode] = &[ErrorCode::ParticipationClosed];

/// Whether `action` is allowed in `status`, and the status it leads to (the
/// same status for actions that do not move the procurement on).
pub fn check(status: ProcurementStatus, action: Action) -> Result<ProcurementStatus, Invalid> {
    use ProcurementStatus as S;
    let refuse = |code: ErrorCode, needed: &str| {
        Err(Invalid::new(
            code,
            format!("the procurement is {}; {needed}", status.described()),
        ))
    };
    match (action, status) {
        (Action::Edit, S::Draft) | (Action::AddLot, S::Draft) => Ok(S::Draft),
        (Action::Edit, _) => refuse(
            ErrorCode::InvalidState,
            "it can only be changed while it is a draft",
        ),
        (Action::AddLot, _) => refuse(
            ErrorCode::InvalidState,
            "lots can only be added while it is a draft",
        ),
        (Action::Open, S::Draft) => Ok(S::Open),
        (Action::Open, _) => refuse(ErrorCode::InvalidState, "only a draft can be opened"),
        (Action::Participate, S::Open) => Ok(S::Open),
        (Action::Participate, _) => refuse(
            ErrorCode::ParticipationClosed,
            "municipalities can only join or decline while it is open",
        ),
        (Action::Close, S::Open) => Ok(S::Closed),
        (Action::Close, _) => refuse(
            ErrorCode::InvalidState,
            "only an open procurement can be closed",
        ),
        (Action::SplitLot, S::Closed) => Ok(S::Closed),
        (Action::SplitLot, _) => refuse(
            ErrorCode::InvalidState,
            "lots can only be split while it is closed",
        ),
        (Action::Publish, S::Closed) => Ok(S::Published),
        (Action::Publish, _) => refuse(
            ErrorCode::InvalidState,
            "only a closed procurement can be published",
        ),
        (Action::Award, S::Published) => Ok(S::Awarded),
        (Action::Award, _) => refuse(
            ErrorCode::InvalidState,
            "only a published procurement can be awarded",
        ),
        (Action::Cancel, S::Awarded) => refuse(
            ErrorCode::InvalidState,
            "an awarded procurement can no longer be cancelled",
        ),
        (Action::Cancel, S::Cancelled) => {
            refuse(ErrorCode::InvalidState, "it is already cancelled")
        }
        (Action::Cancel, _) => Ok(S::Cancelled),
    }
}

/// Whether a municipality may decide now. The window ends at the deadline
/// itself, the instant the email links expire, so that the API and the
/// email channel agree on the last moment.
pub fn check_participation(
    status: ProcurementStatus,
    deadline: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), Invalid> {
    check(status, Action::Participate)?;
    if now >= deadline {
        return Err(Invalid::new(
            ErrorCode::ParticipationClosed,
            format!(
                "the participation deadline {} has passed",
                deadline.format("%Y-%m-%d %H:%M UTC")
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use ProcurementStatus as S;

    const ALL_STATUSES: [ProcurementStatus; 6] = [
        S::Draft,
        S::Open,
        S::Closed,
        S::Published,
        S::Awarded,
        S::Cancelled,
    ];
    const ALL_ACTIONS: [Action; 9] = [
        Action::Edit,
        Action::AddLot,
        Action::Open,
        Action::Participate,
        Action::Close,
        Action::SplitLot,
        Action::Publish,
        Action::Award,
        Action::Cancel,
    ];

    #[test]
    fn the_happy_path_runs_from_draft_to_awarded() {
        let mut status = S::Draft;
        for (action, expected) in [
            (Action::Edit, S::Draft),
            (Action::AddLot, S::Draft),
            (Action::Open, S::Open),
            (Action::Participate, S::Open),
            (Action::Close, S::Closed),
            (Action::SplitLot, S::Closed),
            (Action::Publish, S::Published),
            (Action::Award, S::Awarded),
        ] {
            status = check(status, action).unwrap();
            assert_eq!(status, expected, "after {action:?}");
        }
    }

    #[test]
    fn the_allowed_table_is_exactly_the_one_of_the_api() {
        for status in ALL_STATUSES {
            for action in ALL_ACTIONS {
                let allowed = match action {
                    Action::Edit | Action::AddLot | Action::Open => status == S::Draft,
                    Action::Participate | Action::Close => status == S::Open,
                    Action::SplitLot | Action::Publish => status == S::Closed,
                    Action::Award => status == S::Published,
                    Action::Cancel => !matches!(status, S::Awarded | S::Cancelled),
                };
                let result = check(status, action);
                assert_eq!(result.is_ok(), allowed, "{action:?} in {status:?}");
                if let Err(e) = result {
                    let code = if action == Action::Participate {
                        ErrorCode::ParticipationClosed
                    } else {
                        ErrorCode::InvalidState
                    };
                    assert_eq!(e.code, code);
                    assert!(e.message.starts_with("the procurement is "), "{e}");
                }
            }
        }
    }

    #[test]
    fn cancelling_is_possible_until_the_award() {
        for status in [S::Draft, S::Open, S::Closed, S::Published] {
            assert_eq!(check(status, Action::Cancel), Ok(S::Cancelled));
        }
        assert!(check(S::Awarded, Action::Cancel).is_err());
        assert!(check(S::Cancelled, Action::Cancel).is_err());
    }

    #[test]
    fn refusals_say_what_state_it_is_in_and_what_is_needed() {
        assert_eq!(
            check(S::Published, Action::SplitLot).unwrap_err().message,
            "the procurement is published; lots can only be split while it is closed"
        );
        assert_eq!(
            check(S::Closed, Action::Participate).unwrap_err().message,
            "the procurement is closed; municipalities can only join or decline while it is open"
        );
        assert_eq!(
            check(S::Open, Action::Publish).unwrap_err().message,
            "the procurement is open; only a closed procurement can be published"
        );
    }

    #[test]
    fn participation_ends_at_the_deadline() {
        let deadline = Utc.with_ymd_and_hms(2026, 5, 1, 10, 0, 0).unwrap();
        let before = deadline - chrono::Duration::seconds(1);
        assert!(check_participation(S::Open, deadline, before).is_ok());
        assert_eq!(
            check_participation(S::Open, deadline, deadline)
                .unwrap_err()
                .code,
            ErrorCode::ParticipationClosed
        );
        assert_eq!(
            check_participation(S::Draft, deadline, before)
                .unwrap_err()
                .code,
            ErrorCode::ParticipationClosed
        );
    }

    #[test]
    fn names_round_trip_through_text_and_json() {
        for status in ALL_STATUSES {
            assert_eq!(status.code().parse::<ProcurementStatus>(), Ok(status));
            assert_eq!(
                serde_json::to_string(&status).unwrap(),
                format!("\"{}\"", status.code())
            );
        }
        for ct in [
            ContractType::Goods,
            ContractType::Services,
            ContractType::Works,
            ContractType::SocialServices,
        ] {
            assert_eq!(ct.code().parse::<ContractType>(), Ok(ct));
            assert_eq!(
                serde_json::to_string(&ct).unwrap(),
                format!("\"{}\"", ct.code())
            );
        }
        assert_eq!(
            "supplies".parse::<ContractType>().unwrap_err().code,
            ErrorCode::InvalidContractType
        );
        assert_eq!(
            "Draft".parse::<ProcurementStatus>().unwrap_err().code,
            ErrorCode::InvalidStatus
        );
    }
}
