//! Who may see and do what with a joint procurement. Pure: the caller's role
//! and links against the procurement's leader and invitations.

use super::contract::ProcurementStatus;
use super::Role;

/// The caller as far as access is concerned.
#[derive(Debug, Clone, Copy)]
pub struct Who<'a> {
    pub role: Role,
    pub organization: Option<&'a str>,
    pub municipality: Option<&'a str>,
}

/// Who leads a procurement and whom it invites.
#[derive(Debug, Clone, Copy)]
pub struct Involved<'a> {
    pub organization: Option<&'a str>,
    pub host_municipality: Option<&'a str>,
    pub invited: &'a [String],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Its coordinator: of the leading office, or of the host municipality.
    Coordinator,
    /// A user of an invited municipality.
    InvitedMunicipality,
    Admin,
    /// May not know it exists.
    Outsider,
}

pub fn standing(who: Who<'_>, p: Involved<'_>) -> Standing {
    let same = |a: Option<&str>, b: Option<&str>| a.is_some() && a == b;
    match who.role {
        Role::Admin => Standing::Admin,
        Role::Coordinator
            if same(who.organization, p.organization)
                || same(who.municipality, p.host_municipality) =>
        {
            Standing::Coordinator
        }
        Role::Municipality
            if who
                .municipality
                .is_some_and(|m| p.invited.iter().any(|i| i == m)) =>
        {
            Standing::InvitedMunicipality
        }
        _ => Standing::Outsider,
    }
}

impl Standing {
    /// Reads the procurement, its participation, summary and audit trail.
    pub fn may_read(self) -> bool {
        self != Standing::Outsider
    }
}

/// A procurement as far as reading the mandates of the municipalities it
/// invites goes: who leads it, whom it invites, and its status.
#[derive(Debug, Clone, Copy)]
pub struct Inviting<'a> {
    pub procurement: Involved<'a>,
    pub status: ProcurementStatus,
}

/// Who may read a municipality's mandates, with their ceilings: admins; the
/// municipality itself (its users, and its own coordinators when it leads
/// procurements as host); and the coordinators of a procurement that has
/// invited it. A draft has invited nobody yet (invitations go out when it
/// opens), and a cancelled one no longer needs the mandates: neither counts,
/// so that proposing a draft that invites every municipality reads nothing.
pub fn may_read_mandates(who: Who<'_>, municipality: &str, procurements: &[Inviting<'_>]) -> bool {
    let itself = who.municipality == Some(municipality);
    match who.role {
        Role::Admin => true,
        Role::Municipality | Role::Coordinator if itself => true,
        Role::Coordinator => procurements.iter().any(|x| {
            !matches!(
                x.status,
                ProcurementStatus::Draft | ProcurementStatus::Cancelled
            ) && x.procurement.invited.iter().any(|i| i == municipality)
                && standing(who, x.procurement) == Standing::Coordinator
        }),
        Role::Municipality | Role::Supplier => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mandates_are_read_by_the_municipality_its_inviters_and_admins() {
        let who = |role, organization, municipality| Who {
            role,
            organization,
            municipality,
        };
        let bergen = vec!["4601".to_string()];
        let by_o1 = |status| Inviting {
            procurement: Involved {
                organization: Some("o1"),
                host_municipality: None,
                invited: &bergen,
            },
            status,
        };
        let open = [by_o1(ProcurementStatus::Open)];
        let coordinator = who(Role::Coordinator, Some("o1"), None);
        assert!(may_read_mandates(coordinator, "4601", &open));
        assert!(
            !may_read_mandates(coordinator, "4602", &open),
            "a municipality it did not invite"
        );
        assert!(
            !may_read_mandates(who(Role::Coordinator, Some("o2"), None), "4601", &open),
            "another office's coordinator"
        );
        for status in [ProcurementStatus::Draft, ProcurementStatus::Cancelled] {
            assert!(!may_read_mandates(coordinator, "4601", &[by_o1(status)]));
        }
        for status in [
            ProcurementStatus::Closed,
            ProcurementStatus::Published,
            ProcurementStatus::Awarded,
        ] {
            assert!(may_read_mandates(coordinator, "4601", &[by_o1(status)]));
        }
        assert!(!may_read_mandates(coordinator, "4601", &[]));
        assert!(may_read_mandates(
            who(Role::Municipality, None, Some("4601")),
            "4601",
            &[]
        ));
        assert!(!may_read_mandates(
            who(Role::Municipality, None, Some("4602")),
            "4601",
            &open
        ));
        assert!(
            may_read_mandates(who(Role::Coordinator, None, Some("4621")), "4621", &[]),
            "a host municipality's coordinator reads its own"
        );
        assert!(!may_read_mandates(
            who(Role::Supplier, None, None),
            "4601",
            &open
        ));
        assert!(may_read_mandates(who(Role::Admin, None, None), "4601", &[]));
    }

    #[test]
    fn each_caller_gets_its_standing() {
        let invited = vec!["4601".to_string(), "4621".to_string()];
        let office = Involved {
            organization: Some("o1"),
            host_municipality: None,
            invited: &invited,
        };
        let hosted = Involved {
            organization: None,
            host_municipality: Some("4621"),
            invited: &invited,
        };
        let who = |role, organization, municipality| Who {
            role,
            organization,
            municipality,
        };
        assert_eq!(
            standing(who(Role::Coordinator, Some("o1"), None), office),
            Standing::Coordinator
        );
        assert_eq!(
            standing(who(Role::Coordinator, Some("o2"), None), office),
            Standing::Outsider
        );
        assert_eq!(
            standing(who(Role::Coordinator, None, Some("4621")), hosted),
            Standing::Coordinator
        );
        assert_eq!(
            standing(who(Role::Coordinator, None, Some("4621")), office),
            Standing::Outsider
        );
        assert_eq!(
            standing(who(Role::Coordinator, None, None), hosted),
            Standing::Outsider
        );
        assert_eq!(
            standing(who(Role::Municipality, None, Some("4601")), office),
            Standing::InvitedMunicipality
        );
        assert_eq!(
            standing(who(Role::Municipality, None, Some("4602")), office),
            Standing::Outsider
        );
        assert_eq!(
            standing(who(Role::Supplier, None, None), office),
            Standing::Outsider
        );
        assert_eq!(
            standing(who(Role::Admin, None, None), office),
            Standing::Admin
        );
    }
}
