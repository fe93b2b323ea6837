//! Who must show that a supplier's registration is the firm's own before
//! it takes effect. A registration changes nothing in the register and
//! makes no login until then, so an organisation number cannot be taken
//! over by whoever registers it first with another address.

crate::code_enum! {
    /// Who confirms a registration, by the link emailed to them (and, for
    /// the operator, by approving it after the registrant's address is
    /// confirmed).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Confirmer {
        /// A number not in the register: the registrant, that the address
        /// given is theirs.
        Registrant = "registrant",
        /// A number in the register with an address: whoever reads that
        /// address, the firm's own.
        Register = "register",
        /// A number in the register without an address: the registrant for
        /// the address, then the operator for the firm.
        Operator = "operator",
    }
    invalid = InvalidField, "a confirmer";
}

/// What the register holds for the organisation number, when it holds it
/// (a number with a login is refused before this).
pub fn confirmer(in_register: bool, register_email: Option<&str>) -> Confirmer {
    match (in_register, register_email) {
        (false, _) => Confirmer::Registrant,
        (true, Some(address)) if !address.trim().is_empty() => Confirmer::Register,
        (true, _) => Confirmer::Operator,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_register_decides_who_confirms() {
        assert_eq!(confirmer(false, None), Confirmer::Registrant);
        assert_eq!(confirmer(false, Some("a@b.no")), Confirmer::Registrant);
        assert_eq!(confirmer(true, Some("post@fjord.no")), Confirmer::Register);
        assert_eq!(confirmer(true, None), Confirmer::Operator);
        assert_eq!(confirmer(true, Some(" ")), Confirmer::Operator);
    }
}
