//! Environment variables as `hac` reads them: an empty or blank value is the same as an
//! unset variable (`HAC_CACHE_DIR=` in a CI file, or `export HAC_PROFILE=` to clear one),
//! as most tools treat them.

use std::ffi::OsString;

/// The value of `name`, unless unset, empty or blank.
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The raw value of `name` (a path), unless unset or empty.
pub fn var_os(name: &str) -> Option<OsString> {
    std::env::var_os(name).filter(|v| !v.to_string_lossy().trim().is_empty())
}

/// The command line with every option's environment variable dropped where it is set but
/// empty, so that clap treats it as unset (clap would parse the empty text, and fail).
pub fn ignore_empty(command: clap::Command) -> clap::Command {
    let command = command.mut_args(|arg| match arg.get_env() {
        Some(name)
            if std::env::var_os(name).is_some() && var_os(&name.to_string_lossy()).is_none() =>
        {
            arg.env(None::<&str>)
        }
        _ => arg,
    });
    command.mut_subcommands(ignore_empty)
}
