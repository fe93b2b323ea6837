//! Enums stored and sent as a stable text code: one declaration gives the
//! code of each variant, and from it `Display`, `FromStr` (refusing an
//! unknown code with `Invalid`), the conversions to and from `String` that
//! the database layer uses for its columns, and serde under the same names.
//! A code, once stored, never changes: renaming a variant keeps its code.

/// Declares an enum with the code of each variant.
///
/// ```ignore
/// code_enum! {
///     /// Doc of the enum.
///     #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
///     pub enum Role {
///         Admin = "admin",
///         Coordinator = "coordinator",
///     }
///     invalid = InvalidRole, "a role";
/// }
/// ```
///
/// The derives given must include `Clone, Copy, PartialEq, Eq`; the macro adds
/// serde's. `invalid` is the `Invalid` code of an unknown text and the end of
/// its message: "'x' is not a role".
#[macro_export]
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal ),+ $(,)?
        }
        invalid = $invalid:ident, $what:literal;
    ) => {
        $(#[$meta])*
        #[derive(::serde::Serialize, ::serde::Deserialize)]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant, )+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable text code, as stored and as sent.
            pub const fn code(self) -> &'static str {
                match self {
                    $( $name::$variant => $code, )+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::Invalid;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                match s {
                    $( $code => Ok($name::$variant), )+
                    other => Err($crate::Invalid::new(
                        $crate::ErrorCode::$invalid,
                        format!("'{other}' is not {}", $what),
                    )),
                }
            }
        }

        impl ::std::convert::TryFrom<String> for $name {
            type Error = $crate::Invalid;
            fn try_from(s: String) -> ::std::result::Result<Self, Self::Error> {
                s.parse()
            }
        }

        impl ::std::convert::From<$name> for String {
            fn from(v: $name) -> String {
                v.code().to_string()
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::code_enum! {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Colour {
            Red = "red",
            /// A variant with a doc and a code unlike its name.
            DarkBlue = "navy",
        }
        invalid = InvalidKind, "a colour: use red or navy";
    }

    #[test]
    fn codes_round_trip_through_text_strings_and_json() {
        for &c in Colour::ALL {
            assert_eq!(c.code().parse::<Colour>(), Ok(c));
            assert_eq!(Colour::try_from(String::from(c)), Ok(c));
            assert_eq!(c.to_string(), c.code());
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.code()));
            assert_eq!(serde_json::from_str::<Colour>(&json).unwrap(), c);
        }
        assert_eq!(Colour::ALL.len(), 2);
    }

    #[test]
    fn an_unknown_code_is_refused_by_name() {
        let e = "blue".parse::<Colour>().unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::InvalidKind);
        assert_eq!(e.message, "'blue' is not a colour: use red or navy");
        assert!(
            "Red".parse::<Colour>().is_err(),
            "a variant's name is not its code"
        );
        assert!(serde_json::from_str::<Colour>("\"DarkBlue\"").is_err());
    }
}
