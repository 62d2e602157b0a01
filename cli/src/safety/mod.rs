//! The safety model: what each operation can do to a server ([`operations`], one table),
//! how the text of an operation decides its class ([`sql`], [`impex`]), which server a run
//! talks to ([`server`]), the guard that profiles put on it ([`guard`]), and when a file we
//! run commands from can be trusted ([`file_trust`]). The guard, `hac mcp` and fan-out all
//! decide from here.

pub mod file_trust;
pub mod guard;
pub mod impex;
pub mod operations;
pub mod server;
pub mod sql;

pub use guard::Intent;
pub use operations::{Class, Operation, Scope};
