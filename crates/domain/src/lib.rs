//! The pure core: procurement logic over plain data. Nothing here touches the
//! database, the clock or the network; callers pass `now` and the data.
//!
//! A crate of its own so that the compiler keeps it so: its `Cargo.toml` has
//! no database, web, OpenAPI, async runtime or mail dependency. The server
//! re-exports it as `samkjop::domain` (and `samkjop::reference`).

pub mod access;
pub mod analysis;
pub mod calendar;
pub mod clauses;
pub mod code;
pub mod consultation;
pub mod contract;
pub mod cpv;
pub mod email_address;
pub mod error;
pub mod follow_up;
pub mod kommune;
pub mod lang;
pub mod mandate;
pub mod money;
pub mod org_number;
pub mod procurement;
pub mod reference;
pub mod registration;
pub mod role;
pub mod size_class;
pub mod special_services;
pub mod split;
pub mod strategy;
pub mod summary;
pub mod supplier;
pub mod tender_plan;
pub mod thresholds;

pub use cpv::{Cpv, CpvPrefix};
pub use email_address::EmailAddress;
pub use error::{ErrorCode, FieldInvalid, Invalid};
pub use kommune::{Fylkesnummer, Kommunenummer, ParticipantNumber, ServiceArea};
pub use lang::Lang;
pub use money::Ore;
pub use org_number::OrgNumber;
pub use role::{OrganizationKind, Role};
pub use size_class::{EurNokRate, SizeClass};
