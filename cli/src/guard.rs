//! The production guard: what a profile lets through, decided before anything is sent.
//!
//! * `read_only = true`: every write is refused, `--yes` or not.
//! * `protected = true`: a write needs `--yes`, or on a terminal the profile's name typed
//!   back; without a terminal and without `--yes` it is refused.
//! * `update run --drop-tables` needs `--yes` on every profile.
//!
//! A refusal is exit code 5.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::Result;

use crate::failure::refused;
use crate::settings::Settings;

/// What a command is about to do.
pub enum Action<'a> {
    /// Nothing that changes the server.
    Read,
    /// A write, described for messages: "groovy --commit", "impex import", ...
    Write(&'a str),
}

/// Lets `action` through, asks for confirmation, or refuses it.
pub fn check(settings: &Settings, action: Action<'_>, yes: bool, drop_tables: bool) -> Result<()> {
    let Action::Write(what) = action else {
        return Ok(());
    };
    let profile = settings.profile_name().unwrap_or("(none)");
    if settings.read_only.value {
        return Err(refused(format!(
            "the profile {profile} is read-only: {what} is refused (reads, and Groovy without \
             --commit, are allowed)"
        )));
    }
    if drop_tables && !yes {
        return Err(refused(
            "--drop-tables destroys data: add --yes to confirm (on every profile)",
        ));
    }
    if !settings.protected.value || yes {
        return Ok(());
    }
    let url = settings.url.as_ref().map_or("", |u| u.value.as_str());
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(refused(format!(
            "the profile {profile} is protected: {what} needs --yes (or a confirmation typed \
             on a terminal)"
        )));
    }
    confirm_on_terminal(profile, what, url)
}

/// Asks for the profile's name on the terminal.
fn confirm_on_terminal(profile: &str, what: &str, url: &str) -> Result<()> {
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "hac: the profile {profile} is protected and {what} changes {url}.\n\
         hac: type the profile name to go on: "
    );
    let _ = err.flush();
    drop(err);
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| refused(format!("no confirmation ({e}): {what} was not sent")))?;
    if answer.trim() == profile {
        Ok(())
    } else {
        Err(refused(format!(
            "the confirmation did not match the profile name {profile}: {what} was not sent"
        )))
    }
}
