use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{ErrorCode, Invalid};

/// Who a user is to the platform. What each may do is decided per call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Coordinator,
    Municipality,
    Supplier,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Municipality => "municipality",
            Role::Supplier => "supplier",
        }
    }
}

impl FromStr for Role {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "coordinator" => Ok(Role::Coordinator),
            "municipality" => Ok(Role::Municipality),
            "supplier" => Ok(Role::Supplier),
            other => Err(Invalid::new(
                ErrorCode::InvalidRole,
                format!("'{other}' is not a role"),
            )),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
