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
