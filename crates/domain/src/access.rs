//! Who may see and do what with a joint procurement. Pure: the caller's role
//! and links against the procurement's leader and invitations.

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

#[cfg(test)]
mod tests {
    use super::*;

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
