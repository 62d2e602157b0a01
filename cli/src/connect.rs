//! From the resolved settings to a client: configuration, TLS trust, proxy, gateway
//! credentials, the session cache, and the password, which is fetched only when a login
//! actually needs it.

use std::path::Path;
use std::sync::Mutex;

use anyhow::{Context, Result};
use hac_client::{Credentials, FileStore, HacClient, HacConfig, Password, SessionManager};

use crate::config::settings::{PasswordSource, Settings};
use crate::failure::usage;
use crate::global::Global;
use crate::secrets;

/// The password from the source the settings resolved (see [`PasswordSource`]): exactly
/// one source, fetched only when a login needs it.
struct CliCredentials {
    user: String,
    url: String,
    source: PasswordSource,
    command_timeout: std::time::Duration,
    from_stdin: Option<Password>,
    profile: Option<String>,
    /// One of several targets (`hac diff A B`): HAC_PASSWORD and --password-stdin do not
    /// apply, and the advice says so.
    several: bool,
    keyring: Option<secrets::KeyringEntry>,
    /// An answer is kept so that a re-login in the same run does not ask (or run) twice.
    fetched: SharedPassword,
}

impl Credentials for CliCredentials {
    fn username(&self) -> hac_client::Result<String> {
        Ok(self.user.clone())
    }

    fn password(&self) -> hac_client::Result<Password> {
        let mut fetched = self.fetched.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = fetched.as_ref() {
            return Ok(p.clone());
        }
        let p = match &self.source {
            PasswordSource::Stdin => self.from_stdin.clone().ok_or_else(|| {
                hac_client::Error::credentials("--password-stdin: the password was not read")
            })?,
            PasswordSource::Environment => crate::config::env::var("HAC_PASSWORD")
                .map(Password::new)
                .ok_or_else(|| hac_client::Error::credentials("HAC_PASSWORD is empty"))?,
            PasswordSource::Command { command, from } => {
                let what = match from {
                    crate::config::settings::Source::Env(name) => name.to_string(),
                    _ => match &self.profile {
                        Some(p) => format!("the password_command of profile {p}"),
                        None => "password_command".to_owned(),
                    },
                };
                secrets::run_password_command(command, &what, self.command_timeout)?
            }
            PasswordSource::Keyring => match self.keyring.as_ref().map(|k| k.get()) {
                Some(Ok(Some(p))) => p,
                Some(Ok(None)) | None => {
                    log::info!(
                        "the system keyring has no password for {} at {}",
                        self.user,
                        self.url
                    );
                    prompt_password(&self.user, &self.url).map_err(|_| {
                        hac_client::Error::credentials(format!(
                                "the system keyring has no password for {} at {} (store one on a terminal with `hac login --save-password`), and there is no terminal to ask on",
                            self.user, self.url
                        ))
                    })?
                }
                Some(Err(why)) => {
                    // Said once, whatever the verbosity: the profile asked for the keyring.
                    crate::output::stderr_line(format_args!(
                        "hac: warning: the system keyring cannot be used ({why}); asking on the terminal instead"
                    ));
                    prompt_password(&self.user, &self.url)?
                }
            },
            PasswordSource::Prompt if self.several => prompt_password(&self.user, &self.url)
                .map_err(|_| {
                    hac_client::Error::credentials(format!(
                        "no password for {} at {}, and no terminal to ask on: with several \
                         targets each takes its own password; log in to it first (`hac --url \
                         {} login`, whose session hac diff then uses) or compare profiles with a \
                         password_command",
                        self.user, self.url, self.url
                    ))
                })?,
            PasswordSource::Prompt => prompt_password(&self.user, &self.url)?,
        };
        *fetched = Some(p.clone());
        Ok(p)
    }
}

/// Asks on the terminal, echo off.
pub fn prompt_password(user: &str, url: &str) -> hac_client::Result<Password> {
    if !crate::input::can_prompt() {
        return Err(hac_client::Error::credentials(
            "no password: set HAC_PASSWORD, pass --password-stdin or give the profile \
                      a password_command (there is no terminal to prompt on)",
        ));
    }
    // rpassword reads from the terminal with echo off; the String moves into the
    // zeroizing Password without a copy.
    let answer = rpassword::prompt_password(format!("HAC password for {user} at {url}: "))
        .map_err(|e| {
            hac_client::Error::credentials(format!(
                "cannot read the password from the terminal: {e}"
            ))
        })?;
    Ok(Password::new(answer))
}

/// Reads the password from the first line of standard input.
pub fn password_from_stdin() -> Result<Password> {
    let mut line =
        secrets::read_password_line().context("reading the password from standard input")?;
    if line.is_empty() {
        return Err(usage("--password-stdin: standard input has no password"));
    }
    // Moved into the password, not copied; the emptied buffer is wiped anyway.
    Ok(Password::new(std::mem::take(&mut *line)))
}

/// The server URL, with a suggestion when it has no scheme.
pub fn server_url(settings: &Settings) -> Result<String> {
    let url = settings
        .url
        .as_ref()
        .map(|u| u.value.trim())
        .ok_or_else(|| {
            usage("no server: pass --url, set HAC_URL, or choose a profile with a url (--profile)")
        })?;
    if !url.contains("://") {
        let url = crate::commands::profiles::hide_password(url);
        return Err(usage(format!(
            "--url {url:?} has no scheme: did you mean https://{url} (HAC's HTTPS port is \
             usually 9002, e.g. https://localhost:9002)?"
        )));
    }
    Ok(url.to_owned())
}

/// The keyring entry of this profile's password, when the profile asks for one.
pub fn keyring_entry(settings: &Settings) -> Option<secrets::KeyringEntry> {
    let url = settings.url.as_ref()?;
    settings
        .keyring
        .value
        .then(|| secrets::KeyringEntry::new(&url.value, &settings.user.value))
}

/// What a caller changes in the client the settings describe.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// Pin this node instead of the settings' `node`.
    pub node: Option<String>,
    /// Use this context path (`""` for root) instead of the settings'.
    pub context_path: Option<String>,
    /// Neither resume nor store a session.
    pub no_session_cache: bool,
    /// Pin no node at all, whatever the settings say (sampling the balancer).
    pub unpinned: bool,
}

/// Builds the client the settings describe.
pub fn client(
    settings: &Settings,
    global: &Global,
    from_stdin: Option<Password>,
) -> Result<HacClient> {
    client_with(settings, global, from_stdin, &Overrides::default(), None)
}

/// A password fetched once and shared by the clients of one run (fan-out over nodes),
/// so that a prompt or `password_command` happens once.
pub type SharedPassword = std::sync::Arc<Mutex<Option<Password>>>;

/// Builds the client the settings describe, with `overrides`; clients given the same
/// `shared` password cache ask for the password once.
pub fn client_with(
    settings: &Settings,
    global: &Global,
    from_stdin: Option<Password>,
    overrides: &Overrides,
    shared: Option<SharedPassword>,
) -> Result<HacClient> {
    Ok(HacClient::new(config_with(
        settings, global, from_stdin, overrides, shared,
    )?)?)
}

/// The configuration the settings describe (for a client of either kind).
pub fn config_with(
    settings: &Settings,
    global: &Global,
    from_stdin: Option<Password>,
    overrides: &Overrides,
    shared: Option<SharedPassword>,
) -> Result<HacConfig> {
    let url = server_url(settings)?;
    let credentials = CliCredentials {
        user: settings.user.value.clone(),
        url: url.clone(),
        source: settings.password_source.clone(),
        command_timeout: settings.password_command_timeout.value,
        from_stdin,
        profile: settings.profile_name().map(str::to_owned),
        several: !settings.single_target,
        keyring: keyring_entry(settings),
        fetched: shared.unwrap_or_default(),
    };
    let mut b = HacConfig::builder(url)
        .credentials(credentials)
        .user_agent(concat!("hac-cli/", env!("CARGO_PKG_VERSION")))
        .environment(settings.environment.value.clone())
        .timeout(settings.timeout.value)
        .long_timeout(settings.long_timeout.value);
    match (&overrides.context_path, &settings.context_path) {
        (Some(ctx), _) => b = b.context_path(ctx.clone()),
        (None, Some(ctx)) => b = b.context_path(ctx.value.clone()),
        (None, None) => {}
    }
    let node = overrides
        .node
        .clone()
        .or_else(|| settings.node.as_ref().map(|n| n.value.clone()))
        .filter(|_| !overrides.unpinned);
    if let Some(node) = node {
        // A cluster node id or address from `hac nodes`' map stands for its route.
        let known = crate::commands::nodes::remembered(settings, global);
        b = b.node(crate::commands::nodes::resolve(
            node.trim(),
            known.as_deref(),
        )?);
    }
    if let Some(name) = &settings.route_cookie {
        b = b.route_cookie_name(name.value.clone());
    }
    if let Some(limit) = global.max_response {
        b = b.max_response_bytes(limit);
    }
    if let Some(path) = &settings.ca_cert {
        b = b.add_root_certificate(read_cert(&path.value)?);
    }
    if let Some(proxy) = &settings.proxy {
        b = b.proxy(proxy.value.clone());
    }
    if let Some(user) = &settings.gateway_user {
        let password = gateway_password(settings)?;
        b = b.default_header("Authorization", secrets::basic_auth(&user.value, &password));
    }
    if global.insecure {
        // Printed even with --quiet: this must not go unnoticed in a CI log.
        crate::output::stderr_line(format_args!(
            "hac: WARNING: --insecure: TLS certificates are NOT verified; anyone on the \
             network path can read the password and the session"
        ));
        b = b.danger_accept_invalid_certs(true);
    }
    // The library writes nothing unless asked; `hac` keeps sessions between runs.
    if global.no_session_cache || overrides.no_session_cache {
        b = b.session_persistence(false);
    } else if let Some(dir) = &global.cache_dir {
        b = b.session_store(FileStore::new(dir).context("--cache-dir")?);
    } else {
        // The user's cache directory; one that cannot be used costs the cache, not the run.
        match FileStore::default_location() {
            Ok(store) => b = b.session_store(store),
            Err(e) => crate::output::stderr_line(format_args!(
                "hac: warning: session persistence disabled: {e}"
            )),
        }
    }
    Ok(b.build()?)
}

fn read_cert(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| usage(format!("--ca-cert {}: {e}", path.display())))
}

/// The gateway's password: `HAC_GATEWAY_PASSWORD` (one target only), else the gateway
/// password command.
fn gateway_password(settings: &Settings) -> Result<Password> {
    if settings.single_target
        && let Some(p) = crate::config::env::var("HAC_GATEWAY_PASSWORD")
    {
        return Ok(Password::new(p));
    }
    match &settings.gateway_password_command {
        Some(c) => {
            let what = match (c.source, settings.profile_name()) {
                (crate::config::settings::Source::Env(name), _) => name.to_owned(),
                (_, Some(p)) => format!("the gateway_password_command of profile {p}"),
                (_, None) => "gateway_password_command".to_owned(),
            };
            Ok(secrets::run_password_command(
                &c.value,
                &what,
                settings.password_command_timeout.value,
            )?)
        }
        None => Err(usage(
            "gateway_user is set but there is no gateway password: set HAC_GATEWAY_PASSWORD \
             or gateway_password_command",
        )),
    }
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
