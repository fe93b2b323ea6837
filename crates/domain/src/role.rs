crate::code_enum! {
    /// Who a user is to the platform. What each may do is decided per call.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Role {
        Admin = "admin",
        Coordinator = "coordinator",
        Municipality = "municipality",
        Supplier = "supplier",
    }
    invalid = InvalidRole, "a role";
}

crate::code_enum! {
    /// What an organisation is to the platform; procurement offices are the
    /// one kind there is today.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum OrganizationKind {
        ProcurementOffice = "procurement_office",
    }
    invalid = InvalidKind, "an organisation kind: use procurement_office";
}

/// Which links each role must, and must not, have: an admin none; a
/// coordinator a procurement office or a host municipality, not both; a
/// municipality user its municipality and no office. Suppliers register
/// themselves. A refusal names the request field to blame where one is
/// missing or wrong on its own.
pub fn check_links(
    role: Role,
    organization: bool,
    municipality: bool,
) -> Result<(), (Option<&'static str>, crate::Invalid)> {
    use crate::{ErrorCode, Invalid};
    let refuse = |field, code, message: &str| Err((field, Invalid::new(code, message)));
    match (role, organization, municipality) {
        (Role::Admin, false, false) => Ok(()),
        (Role::Admin, _, _) => refuse(
            None,
            ErrorCode::InvalidRoleLinks,
            "an admin belongs to no organisation or municipality",
        ),
        (Role::Coordinator, true, false) | (Role::Coordinator, false, true) => Ok(()),
        (Role::Coordinator, true, true) => refuse(
            None,
            ErrorCode::InvalidRoleLinks,
            "a coordinator works for a procurement office or for a host municipality, not both",
        ),
        (Role::Coordinator, false, false) => refuse(
            Some("organization_id"),
            ErrorCode::OrganizationRequired,
            "a coordinator needs organization_id (a procurement office) or municipality (a host municipality)",
        ),
        (Role::Municipality, false, true) => Ok(()),
        (Role::Municipality, true, _) => refuse(
            None,
            ErrorCode::InvalidRoleLinks,
            "a municipality user belongs to a municipality, not an organisation",
        ),
        (Role::Municipality, false, false) => refuse(
            Some("municipality"),
            ErrorCode::MunicipalityRequired,
            "a municipality user needs municipality (a kommunenummer)",
        ),
        (Role::Supplier, _, _) => refuse(
            Some("role"),
            ErrorCode::InvalidRole,
            "suppliers register themselves at POST /api/v1/suppliers",
        ),
    }
}

#[cfg(test)]
mod link_tests {
    use super::*;
    use crate::ErrorCode;

    fn code(role: Role, organization: bool, municipality: bool) -> Option<ErrorCode> {
        check_links(role, organization, municipality)
            .err()
            .map(|(_, e)| e.code)
    }

    #[test]
    fn each_role_has_the_links_it_needs_and_no_others() {
        use ErrorCode::*;
        // (role, organisation, municipality) → the refusal, if any.
        let cases = [
            (Role::Admin, false, false, None),
            (Role::Admin, false, true, Some(InvalidRoleLinks)),
            (Role::Coordinator, true, false, None),
            (Role::Coordinator, false, true, None), // a host municipality
            (Role::Coordinator, true, true, Some(InvalidRoleLinks)),
            (Role::Coordinator, false, false, Some(OrganizationRequired)),
            (Role::Municipality, false, true, None),
            (Role::Municipality, true, true, Some(InvalidRoleLinks)),
            (Role::Municipality, false, false, Some(MunicipalityRequired)),
            (Role::Supplier, false, false, Some(InvalidRole)),
        ];
        for (role, organization, municipality, expected) in cases {
            assert_eq!(
                code(role, organization, municipality),
                expected,
                "{role:?} with organisation {organization}, municipality {municipality}"
            );
        }
    }
}
