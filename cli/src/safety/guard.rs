//! The production guard: what a profile lets through, decided from the operation table
//! before anything is sent.
//!
//! * `read_only = true`: writes and code execution are refused, `--yes` or not.
//! * `protected = true`: writes and code execution need `--yes`, or on a terminal the
//!   profile's name typed back; without a terminal and without `--yes` they are refused.
//! * `update run --drop-tables` needs `--yes` on every profile.
//!
//! The marks follow the server (see [`crate::config::settings`]): a profile's mark holds however the
//! server is addressed. A refusal is exit code 5, and says why.
//!
//! The guard stops mistakes, not people: a local user or agent with a shell and the same
//! credentials can always reach HAC another way (the README's "Safety model" says so).

use std::io::{BufRead, Write};

use anyhow::Result;

use super::operations::{Class, Operation};
use crate::config::settings::Settings;
use crate::failure::refused;

/// What a command is about to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    pub operation: Operation,
    /// What made it this operation, for messages: the SQL classifier's reason, the line of
    /// an export script's code marker.
    pub detail: Option<String>,
    /// `update run --drop-tables`.
    pub drop_tables: bool,
}

impl Intent {
    pub fn new(operation: Operation) -> Intent {
        Intent {
            operation,
            detail: None,
            drop_tables: false,
        }
    }

    pub fn with_detail(operation: Operation, detail: impl Into<String>) -> Intent {
        Intent {
            operation,
            detail: Some(detail.into()),
            drop_tables: false,
        }
    }

    pub fn class(&self) -> Class {
        self.operation.class()
    }

    /// The operation and why it has its class, for messages: "groovy runs code on the
    /// server", "this SQL is a write (DROP TABLE is not a query)".
    pub fn describe(&self) -> String {
        let entry = self.operation.entry();
        let command = entry.command.split(" · ").next().unwrap_or(entry.command);
        match (self.operation, &self.detail) {
            (Operation::GroovyScript, _) => "a script runs code on the server (code execution: \
                 rolling back undoes its database transaction only, not the threads, files, \
                 mail, jobs or configuration it changes)"
                .to_owned(),
            (Operation::SqlStatement, Some(why)) => format!("this SQL is a write: {why}"),
            (Operation::FlexibleSearchWrite, Some(why)) => {
                format!("this FlexibleSearch query is a write: {why}")
            }
            (_, Some(detail)) => format!("{command} is {} ({detail})", article(entry.class)),
            (_, None) => format!("{command} is {}", article(entry.class)),
        }
    }
}

fn article(class: Class) -> &'static str {
    match class {
        Class::Read => "a read",
        Class::Write => "a write",
        Class::CodeExecution => "code execution",
    }
}

/// Who guards the server for the mark in question (`read_only` or `protected`), for
/// messages: "the profile prod" when the mark is the profile's own, "this server is
/// guarded by the profile prod, which" when it comes from another profile of the server.
fn guardian(settings: &Settings, mark_is_own: bool) -> String {
    match (&settings.guarded_by, settings.profile_name()) {
        (Some(by), _) if !mark_is_own => {
            format!("this server is guarded by the profile {by}, which")
        }
        (_, Some(name)) => format!("the profile {name}"),
        (Some(by), None) => format!("this server is guarded by the profile {by}, which"),
        (None, None) => "this run".to_owned(),
    }
}

/// The name to type back: the profile that guards the server.
fn confirmation_name(settings: &Settings) -> &str {
    let inherited = settings.protected.source == crate::config::settings::Source::SameServer;
    settings
        .guarded_by
        .as_deref()
        .filter(|_| inherited)
        .or(settings.profile_name())
        .or(settings.guarded_by.as_deref())
        .unwrap_or("yes")
}

/// Lets the intent through, asks for confirmation, or refuses it.
pub fn check(settings: &Settings, intent: &Intent, yes: bool) -> Result<()> {
    if intent.class() == Class::Read {
        return Ok(());
    }
    let what = intent.describe();
    use crate::config::settings::Source;
    let who = guardian(settings, settings.protected.source != Source::SameServer);
    if settings.read_only.value {
        let who = guardian(settings, settings.read_only.source != Source::SameServer);
        return Err(refused(format!(
            "{who} is read-only, and {what}: refused, nothing was sent (reads only there)"
        )));
    }
    if intent.drop_tables && !yes {
        return Err(refused(
            "--drop-tables destroys data: add --yes to confirm (on every profile)",
        ));
    }
    if !settings.protected.value || yes {
        return Ok(());
    }
    if !crate::input::can_prompt() {
        return Err(refused(format!(
            "{who} is protected, and {what}: it needs --yes (or a confirmation typed on a \
             terminal); nothing was sent"
        )));
    }
    let url = settings.url.as_ref().map_or(String::new(), |u| {
        crate::commands::profiles::hide_password(&u.value)
    });
    confirm_on_terminal(confirmation_name(settings), &what, &url)
}

/// Asks for the profile's name on the terminal.
fn confirm_on_terminal(name: &str, what: &str, url: &str) -> Result<()> {
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "hac: {url} is protected by the profile {name}, and {what}.\n\
         hac: type the profile name to go on: "
    );
    let _ = err.flush();
    drop(err);
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| refused(format!("no confirmation ({e}): nothing was sent")))?;
    if answer.trim() == name {
        Ok(())
    } else {
        Err(refused(format!(
            "the confirmation did not match the profile name {name}: nothing was sent"
        )))
    }
}
