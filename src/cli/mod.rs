//! Commands of the `samkjop` binary that are tools, not the server: they sit
//! in the binary's module tree, so the server library does not carry them.

pub mod demo;
pub mod notice;
