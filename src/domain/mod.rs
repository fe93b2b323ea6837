//! The pure core: procurement logic over plain data. Nothing here touches the
//! database, the clock or the network; callers pass `now` and the data.

pub mod cpv;
pub mod error;
pub mod kommune;
pub mod money;
pub mod org_number;
pub mod role;
pub mod size_class;

pub use cpv::{Cpv, CpvPrefix};
pub use error::Invalid;
pub use kommune::{Fylkesnummer, Kommunenummer, ServiceArea};
pub use money::Ore;
pub use org_number::OrgNumber;
pub use role::Role;
pub use size_class::{EurNokRate, SizeClass};
