//! One module per command family: each reads its input, calls the library and prints the
//! result, returning the exit code.

pub mod cache;
pub mod completions;
pub mod config;
pub mod cronjobs;
pub mod doctor;
pub mod flexsearch;
pub mod groovy;
pub mod health;
pub mod help;
pub mod impex;
pub mod logging;
pub mod monitoring;
pub mod platform;
pub mod profiles;
pub mod sessions;
pub mod types;
pub mod update;
