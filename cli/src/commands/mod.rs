//! One module per command family: each reads its input, calls the library and prints the
//! result, returning the exit code.

pub mod completions;
pub mod flexsearch;
pub mod groovy;
pub mod impex;
pub mod profiles;
pub mod sessions;
pub mod update;
