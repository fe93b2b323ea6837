pub mod domain;
pub mod reference;
