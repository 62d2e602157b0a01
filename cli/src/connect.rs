//! From global options to a client: configuration, TLS trust, the session cache, and the
//! password, which is fetched only when a login actually needs it.

use std::io::IsTerminal;
use std::sync::Mutex;

use anyhow::{Context, Result};
use hac_client::{
    Credentials, DEFAULT_LONG_TIMEOUT, FileStore, HacClient, HacConfig, Password, SessionManager,
};

use crate::args::Global;
use crate::failure::usage;

/// Where the password comes from, in order: `--password-stdin` (read up front, before any
/// command reads its input), `HAC_PASSWORD`, then a prompt when there is a terminal.
struct CliCredentials {
    user: String,
    url: String,
    from_stdin: Option<Password>,
    /// A prompt answer is kept so that a re-login in the same run does not ask twice.
    prompted: Mutex<Option<Password>>,
}

impl Credentials for CliCredentials {
    fn username(&self) -> hac_client::Result<String> {
        Ok(self.user.clone())
    }

    fn password(&self) -> hac_client::Result<Password> {
        if let Some(p) = &self.from_stdin {
            return Ok(p.clone());
        }
        if let Ok(p) = std::env::var("HAC_PASSWORD") {
            return Ok(Password::new(p));
        }
        let mut prompted = self.prompted.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = prompted.as_ref() {
            return Ok(p.clone());
        }
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Err(hac_client::Error::Credentials {
                message: "no password: set HAC_PASSWORD or pass --password-stdin \
                          (there is no terminal to prompt on)"
                    .into(),
            });
        }
        // rpassword reads from the terminal with echo off; the String moves into the
        // zeroizing Password without a copy.
        let answer =
            rpassword::prompt_password(format!("HAC password for {} at {}: ", self.user, self.url))
                .map_err(|e| hac_client::Error::Credentials {
                    message: format!("cannot read the password from the terminal: {e}"),
                })?;
        let p = Password::new(answer);
        *prompted = Some(p.clone());
        Ok(p)
    }
}

/// Reads the password from the first line of standard input.
pub fn password_from_stdin() -> Result<Password> {
    let mut line =
        crate::secrets::read_password_line().context("reading the password from standard input")?;
    if line.is_empty() {
        return Err(usage("--password-stdin: standard input has no password"));
    }
    // Moved into the password, not copied; the emptied buffer is wiped anyway.
    Ok(Password::new(std::mem::take(&mut *line)))
}

/// Builds the client the options describe.
pub fn client(global: &Global, from_stdin: Option<Password>) -> Result<HacClient> {
    let url = global
        .url
        .clone()
        .ok_or_else(|| usage("no server: pass --url or set HAC_URL"))?;
    let credentials = CliCredentials {
        user: global.user.clone(),
        url: url.clone(),
        from_stdin,
        prompted: Mutex::new(None),
    };
    let mut b = HacConfig::builder(url)
        .credentials(credentials)
        .user_agent(concat!("hac-cli/", env!("CARGO_PKG_VERSION")));
    if let Some(env) = &global.environment {
        b = b.environment(env.clone());
    }
    if let Some(ctx) = &global.context_path {
        b = b.context_path(ctx.clone());
    }
    if let Some(t) = global.timeout {
        // Imports and updates run long; a short timeout for queries must not cut them off.
        b = b.timeout(t).long_timeout(t.max(DEFAULT_LONG_TIMEOUT));
    }
    if let Some(limit) = global.max_response {
        b = b.max_response_bytes(limit);
    }
    if let Some(path) = &global.ca_cert {
        let pem =
            std::fs::read(path).map_err(|e| usage(format!("--ca-cert {}: {e}", path.display())))?;
        b = b.add_root_certificate_pem(pem);
    }
    if global.insecure {
        // Printed even with --quiet: this must not go unnoticed in a CI log.
        crate::output::stderr_line(format_args!(
            "hac: WARNING: --insecure: TLS certificates are NOT verified; anyone on the \
             network path can read the password and the session"
        ));
        b = b.danger_accept_invalid_certs(true);
    }
    if global.no_session_cache {
        b = b.session_persistence(false);
    } else if let Some(dir) = &global.cache_dir {
        b = b.session_store(FileStore::new(dir).context("--cache-dir")?);
    }
    Ok(HacClient::new(b.build()?)?)
}

/// The session cache the options point at, for `hac sessions` (needs no server).
pub fn session_manager(global: &Global) -> Result<SessionManager> {
    if global.no_session_cache {
        return Err(usage(
            "--no-session-cache: there is no session cache to manage",
        ));
    }
    let store = match &global.cache_dir {
        Some(dir) => FileStore::new(dir).context("--cache-dir")?,
        None => FileStore::default_location().context("the session cache")?,
    };
    Ok(SessionManager::new(std::sync::Arc::new(store)))
}
