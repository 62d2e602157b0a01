//! `hac login`, `hac logout` and `hac sessions ...`.

use std::io::Write;

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use hac_client::{HacClient, SessionKey, SessionManager};

use super::TextOutput;
use crate::failure::Exit;
use crate::output::Out;
use crate::safety::{Intent, Operation};

/// `hac login`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac login                      # log in now and cache the session
  hac login --cookie -           # paste a browser's Cookie header (single sign-on)
  hac --profile prod login --save-password")]
pub struct LoginArgs {
    /// Use this session instead of logging in: the Cookie header of a browser logged in to
    /// HAC (e.g. through SSO), "JSESSIONID=...; ROUTE=...". Give "-" and paste it on
    /// standard input: a value on the command line is visible to every local user (ps)
    #[arg(long, value_name = "-|COOKIES", conflicts_with = "cookie_file")]
    pub cookie: Option<String>,
    /// Read the browser's Cookie header from FILE (as --cookie)
    #[arg(long, value_name = "FILE")]
    pub cookie_file: Option<PathBuf>,
    /// Store the password in the system keyring for this profile (asked for as usual)
    #[arg(long, conflicts_with_all = ["cookie", "cookie_file"])]
    pub save_password: bool,
}

impl LoginArgs {
    pub fn intent() -> Intent {
        Intent::new(Operation::Login)
    }
}

/// `hac logout`: only the session changes.
pub fn logout_intent() -> Intent {
    Intent::new(Operation::Logout)
}

/// `hac sessions ...`.
#[derive(Debug, Subcommand)]
pub enum SessionsCommand {
    /// List cached sessions
    #[command(after_help = "Examples:\n  hac sessions list\n  hac sessions list -o json")]
    List {
        #[command(flatten)]
        output: TextOutput,
    },
    /// Remove every cached session
    #[command(
        after_help = "Examples:\n  hac sessions clear\n  HAC_CACHE_DIR=/tmp/ci-cache hac sessions clear"
    )]
    Clear,
    /// Remove sessions idle or old beyond the limits
    #[command(
        after_help = "Examples:\n  hac sessions prune\n  hac --cache-dir ~/.cache/hac-ci sessions prune"
    )]
    Prune,
}

/// `hac login`: a fresh session, or `--cookie` a browser's (single sign-on).
pub fn login(hac: &HacClient, out: &mut Out, user: &str, cookie: Option<&str>) -> Result<Exit> {
    let how = match cookie {
        Some(header) => {
            hac.import_session(header)
                .context("importing the session (the cookies of a browser logged in to HAC)")?;
            "imported the session"
        }
        None => {
            hac.login().context("logging in")?;
            "logged in"
        }
    };
    let cached = if hac.sessions().is_some() {
        "; session cached"
    } else {
        ""
    };
    out.note(format_args!(
        "{how} to {} as {} (context path {:?}){cached}",
        hac.config().base_url(),
        user,
        hac.context_path().unwrap_or_default(),
    ));
    Ok(Exit::Success)
}

pub fn logout(hac: &HacClient, out: &mut Out, user: &str) -> Result<Exit> {
    let config = hac.config();
    let key = SessionKey::new(config.base_url(), user, config.environment());
    let cached = hac
        .sessions()
        .and_then(|m| m.list().ok())
        .is_some_and(|list| list.iter().any(|s| s.key == key));
    hac.logout().context("logging out")?;
    if cached {
        out.note("logged out; cached session removed");
    } else {
        out.note(format_args!(
            "no cached session for {} as {user}; nothing to log out",
            config.base_url()
        ));
    }
    Ok(Exit::Success)
}

pub fn manage(manager: &SessionManager, out: &mut Out, command: &SessionsCommand) -> Result<Exit> {
    match command {
        SessionsCommand::List { output } => {
            let list = manager.list().context("listing cached sessions")?;
            if output.is_json() {
                out.json(&list)?;
                return Ok(Exit::Success);
            }
            let w = out.stdout();
            for s in &list {
                writeln!(
                    w,
                    "{}\t{}\t{}\t{}\tnode {}\tidle {}\tage {}",
                    s.key.base_url(),
                    s.key.username(),
                    s.key.environment(),
                    s.context_path,
                    // Pinned with --node, or whichever node the balancer chose.
                    s.key.node().unwrap_or("any"),
                    short(s.idle),
                    short(s.age),
                )?;
            }
            out.note(format_args!(
                "{} cached",
                super::count(list.len(), "session")
            ));
        }
        SessionsCommand::Clear => {
            let n = manager.clear().context("clearing cached sessions")?;
            out.note(format_args!(
                "removed {} cached",
                super::count(n, "session")
            ));
        }
        SessionsCommand::Prune => {
            let n = manager.prune().context("pruning cached sessions")?;
            out.note(format_args!(
                "removed {} expired",
                super::count(n, "session")
            ));
        }
    }
    Ok(Exit::Success)
}

fn short(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

/// `hac login --save-password`: the password (from --password-stdin, HAC_PASSWORD or a
/// prompt) goes into the system keyring for this server and user, then logs in.
pub fn save_password(
    settings: &crate::config::settings::Settings,
    from_stdin: Option<hac_client::Password>,
) -> Result<hac_client::Password> {
    let url = crate::connect::server_url(settings)?;
    let password = match from_stdin {
        Some(p) => p,
        None => match std::env::var("HAC_PASSWORD") {
            Ok(p) => hac_client::Password::new(p),
            Err(_) => crate::connect::prompt_password(&settings.user.value, &url)?,
        },
    };
    crate::secrets::KeyringEntry::new(&url, &settings.user.value).set(&password)?;
    Ok(password)
}
