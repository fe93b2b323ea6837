crate::code_enum! {
    /// Who a user is to the platform. What each may do is decided per call.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Role {
        Admin = "admin",
        Coordinator = "coordinator",
        Municipality = "municipality",
        Supplier = "supplier",
    }
    invalid = "invalid_role", "a role";
}
