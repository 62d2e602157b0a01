//! Every setting resolved once, with where it came from: a flag, then an environment
//! variable, then the profile, then the built-in default.

use std::path::PathBuf;
use std::time::Duration;

use clap::ArgMatches;
use clap::parser::ValueSource;
use serde::Serialize;

use crate::config::file::{ConfigFile, Profile};
use crate::global::Global;

/// Where a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A command-line flag.
    Flag,
    /// An environment variable.
    Env(&'static str),
    /// The profile in the configuration file.
    Profile,
    /// The built-in default.
    Default,
    /// Another profile names the same server and marks it (see `guarded_by`).
    SameServer,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag => f.write_str("flag"),
            Source::Env(name) => write!(f, "environment ({name})"),
            Source::Profile => f.write_str("profile"),
            Source::Default => f.write_str("default"),
            Source::SameServer => f.write_str("another profile of the same server"),
        }
    }
}

/// A resolved value and its source.
#[derive(Debug, Clone, Serialize)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

fn set<T>(value: T, source: Source) -> Setting<T> {
    Setting { value, source }
}

/// The default timeout of one request.
const DEFAULT_TIMEOUT: Duration = hac_client::DEFAULT_TIMEOUT;

/// How many targets a run has. With several (`--profiles`, `hac diff A B`), environment
/// variables that name one server, user, node or password are not applied: each target
/// takes its own from its profile, so that one server's password never goes to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Targets {
    One,
    Several,
}

/// Variables that hold or fetch a secret or name one server: not applied to a run with
/// several targets.
pub const SINGLE_TARGET_VARIABLES: &[&str] = &[
    "HAC_PROFILE",
    "HAC_URL",
    "HAC_CONTEXT_PATH",
    "HAC_USER",
    "HAC_ENV",
    "HAC_NODE",
    "HAC_NODES",
    "HAC_PASSWORD",
    "HAC_PASSWORD_COMMAND",
    "HAC_GATEWAY_USER",
    "HAC_GATEWAY_PASSWORD",
    "HAC_GATEWAY_PASSWORD_COMMAND",
];

/// Where the HAC password comes from when a login needs one, in this order: the first that
/// is set is the only one used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum PasswordSource {
    /// `--password-stdin`: the first line of standard input, read before anything else.
    Stdin,
    /// `HAC_PASSWORD` (one target only).
    Environment,
    /// A command's first output line: `HAC_PASSWORD_COMMAND` (one target only), else the
    /// profile's `password_command`.
    Command { command: String, from: Source },
    /// The system keyring (`keyring = true`), then a prompt when it has none.
    Keyring,
    /// A prompt on the terminal, echo off (none without a terminal: a login then fails).
    Prompt,
}

impl std::fmt::Display for PasswordSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PasswordSource::Stdin => f.write_str("--password-stdin"),
            PasswordSource::Environment => f.write_str("HAC_PASSWORD"),
            PasswordSource::Command {
                command,
                from: Source::Env(name),
            } => write!(f, "{name}: `{command}`"),
            PasswordSource::Command { command, .. } => {
                write!(f, "the profile's password_command: `{command}`")
            }
            PasswordSource::Keyring => f.write_str("the system keyring, then a prompt"),
            PasswordSource::Prompt => {
                if crate::input::can_prompt() {
                    f.write_str("a prompt on the terminal")
                } else {
                    f.write_str("a prompt on the terminal (no terminal here: a login would fail)")
                }
            }
        }
    }
}

/// The settings of this run.
/// A duration setting as people write it (`"30s"`, `"30m"`), not serde's `{secs, nanos}`.
fn duration_setting<S: serde::Serializer>(
    setting: &Setting<Duration>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    Setting {
        value: humantime::format_duration(setting.value).to_string(),
        source: setting.source,
    }
    .serialize(serializer)
}

#[derive(Debug, Serialize)]
pub struct Settings {
    /// The profile in use, if any.
    pub profile: Option<Setting<String>>,
    /// The configuration file, if there is one.
    pub config_file: Option<PathBuf>,
    pub url: Option<Setting<String>>,
    pub user: Setting<String>,
    pub context_path: Option<Setting<String>>,
    pub environment: Setting<String>,
    #[serde(serialize_with = "duration_setting")]
    pub timeout: Setting<Duration>,
    #[serde(serialize_with = "duration_setting")]
    pub long_timeout: Setting<Duration>,
    pub ca_cert: Option<Setting<PathBuf>>,
    pub proxy: Option<Setting<String>>,
    pub protected: Setting<bool>,
    pub read_only: Setting<bool>,
    /// The profile whose `protected`/`read_only` mark applies because it names the same
    /// server (when it is not the profile in use).
    pub guarded_by: Option<String>,
    pub password_command: Option<Setting<String>>,
    /// How long a password command may take to print its line.
    #[serde(serialize_with = "duration_setting")]
    pub password_command_timeout: Setting<Duration>,
    pub keyring: Setting<bool>,
    /// Where the password would come from.
    pub password_source: PasswordSource,
    /// Whether this run has one target (environment secrets apply only then).
    #[serde(skip)]
    pub single_target: bool,
    /// What a user should know about how these settings were resolved.
    #[serde(skip)]
    pub notes: Vec<String>,
    pub mcp_allow_writes: Setting<bool>,
    pub mcp_allow_groovy: Setting<bool>,
    pub mcp_max_rows: Setting<u32>,
    pub mcp_max_result_bytes: Setting<usize>,
    pub node: Option<Setting<String>>,
    pub nodes: Option<Setting<Vec<String>>>,
    pub route_cookie: Option<Setting<String>>,
    pub gateway_user: Option<Setting<String>>,
    pub gateway_password_command: Option<Setting<String>>,
}

/// Where a global option's value came from on the command line, looking through the
/// subcommands too (global options may follow them).
fn source_of(matches: &ArgMatches, id: &str, env: &'static str) -> Option<Source> {
    let mut m = Some(matches);
    while let Some(level) = m {
        match level.value_source(id) {
            Some(ValueSource::CommandLine) => return Some(Source::Flag),
            Some(ValueSource::EnvVariable) => return Some(Source::Env(env)),
            _ => {}
        }
        m = level.subcommand().map(|(_, sub)| sub);
    }
    None
}

/// Whether the option `id` was given on the command line (not taken from the
/// environment): a flag beats a variable when two options exclude each other.
pub fn on_command_line(matches: &ArgMatches, id: &str) -> bool {
    source_of(matches, id, "") == Some(Source::Flag)
}

/// A value from the environment only (settings that have no flag), non-empty.
fn env(name: &'static str) -> Option<Setting<String>> {
    crate::config::env::var(name).map(|v| set(v, Source::Env(name)))
}

impl Settings {
    /// Resolves every setting for this run. `profile_override` picks a profile other than
    /// the one the options select (`hac profiles show NAME`).
    pub fn resolve(
        global: &Global,
        matches: &ArgMatches,
        file: &ConfigFile,
        profile_override: Option<&str>,
    ) -> anyhow::Result<Settings> {
        Settings::resolve_for(global, matches, file, profile_override, Targets::One)
    }

    /// [`Settings::resolve`] for one of several targets (see [`Targets`]).
    pub fn resolve_for(
        global: &Global,
        matches: &ArgMatches,
        file: &ConfigFile,
        profile_override: Option<&str>,
        targets: Targets,
    ) -> anyhow::Result<Settings> {
        let single = targets == Targets::One;
        // An environment variable that names one server, user or secret, for this run.
        let env = |name: &'static str| env(name).filter(|_| single);
        let profile_name: Option<Setting<String>> = match profile_override {
            Some(name) => Some(set(name.to_owned(), Source::Flag)),
            None => match &global.profile {
                Some(p) => Some(set(
                    p.clone(),
                    source_of(matches, "profile", "HAC_PROFILE").unwrap_or(Source::Flag),
                )),
                None => file
                    .default_profile
                    .clone()
                    .map(|p| set(p, Source::Profile)),
            },
        };
        let empty = Profile::default();
        let profile = match &profile_name {
            Some(name) => file.profile(&name.value)?,
            None => &empty,
        };
        let (profile_timeout, profile_long) = profile_name
            .as_ref()
            .map(|n| file.durations(&n.value))
            .unwrap_or_default();

        // flag/env value (clap already merged them), else the profile's, else nothing. With
        // several targets, a variable naming one server is not applied.
        macro_rules! pick {
            ($field:ident, $id:literal, $env:literal, $profile:expr) => {
                match (&global.$field, source_of(matches, $id, $env)) {
                    (Some(_), Some(Source::Env(name)))
                        if !single && SINGLE_TARGET_VARIABLES.contains(&name) =>
                    {
                        $profile.clone().map(|v| set(v, Source::Profile))
                    }
                    (Some(v), source) => Some(set(v.clone(), source.unwrap_or(Source::Flag))),
                    (None, _) => $profile.clone().map(|v| set(v, Source::Profile)),
                }
            };
        }
        let url = pick!(url, "url", "HAC_URL", profile.url);
        let user = pick!(user, "user", "HAC_USER", profile.user)
            .unwrap_or_else(|| set("admin".to_owned(), Source::Default));
        let context_path = pick!(
            context_path,
            "context_path",
            "HAC_CONTEXT_PATH",
            profile.context_path
        );
        let environment = pick!(environment, "environment", "HAC_ENV", profile.environment)
            .or_else(|| {
                profile_name
                    .as_ref()
                    .map(|n| set(n.value.clone(), Source::Profile))
            })
            .unwrap_or_else(|| set("local".to_owned(), Source::Default));
        let timeout = pick!(timeout, "timeout", "HAC_TIMEOUT", profile_timeout);
        let long_timeout = pick!(
            long_timeout,
            "long_timeout",
            "HAC_LONG_TIMEOUT",
            profile_long
        )
        // A timeout the user set holds for imports and updates too.
        .or_else(|| timeout.clone())
        .unwrap_or_else(|| set(hac_client::DEFAULT_LONG_TIMEOUT, Source::Default));
        let timeout = timeout.unwrap_or_else(|| set(DEFAULT_TIMEOUT, Source::Default));
        // A relative ca_cert in the file is relative to the file.
        let profile_ca = profile.ca_cert.as_ref().map(|p| match &file.path {
            Some(f) if p.is_relative() => f.parent().map_or(p.clone(), |d| d.join(p)),
            _ => p.clone(),
        });
        let ca_cert = pick!(ca_cert, "ca_cert", "HAC_CA_CERT", profile_ca);
        let proxy = pick!(proxy, "proxy", "HAC_PROXY", profile.proxy);
        let flag = |v: Option<bool>| {
            v.map_or_else(|| set(false, Source::Default), |b| set(b, Source::Profile))
        };
        // The guard follows the server: the strictest mark of any profile naming it.
        let url_from_profile = url.as_ref().is_some_and(|u| u.source == Source::Profile);
        let (protected, read_only, guarded_by) = guard_marks(
            file,
            profile_name.as_ref().map(|n| n.value.as_str()),
            profile,
            url.as_ref().map(|u| u.value.as_str()),
            url_from_profile,
        );
        // The profile's secrets belong to the profile's server: when --url or HAC_URL
        // sends this run elsewhere, its password sources stay home.
        let foreign = !url_from_profile
            && match (&profile.url, &url) {
                (Some(own), Some(run)) => {
                    use crate::safety::server::ServerId;
                    ServerId::new(own)
                        .zip(ServerId::new(&run.value))
                        .is_none_or(|(a, b)| !a.same_endpoint(&b))
                }
                _ => false,
            };
        let mut notes = Vec::new();
        let has_secrets = profile.password_command.is_some()
            || profile.keyring == Some(true)
            || profile.gateway_password_command.is_some();
        if foreign && has_secrets {
            notes.push(format!(
                "the url is not the server of profile {}: its password_command, keyring and \
                 gateway password are not used for it",
                profile_name.as_ref().map_or("", |n| n.value.as_str())
            ));
        }
        let own = |v: &Option<String>| v.clone().filter(|_| !foreign);
        let password_command = env("HAC_PASSWORD_COMMAND")
            .or_else(|| own(&profile.password_command).map(|c| set(c, Source::Profile)));
        let gateway_user = env("HAC_GATEWAY_USER")
            .or_else(|| own(&profile.gateway_user).map(|u| set(u, Source::Profile)));
        let gateway_password_command = env("HAC_GATEWAY_PASSWORD_COMMAND")
            .or_else(|| own(&profile.gateway_password_command).map(|c| set(c, Source::Profile)));
        let keyring = if foreign {
            set(false, Source::Default)
        } else {
            flag(profile.keyring)
        };
        let password_command_timeout = profile_name
            .as_ref()
            .and_then(|n| file.command_timeout(&n.value))
            .map_or_else(
                || set(crate::secrets::DEFAULT_COMMAND_TIMEOUT, Source::Default),
                |t| set(t, Source::Profile),
            );
        let password_source = if global.password_stdin {
            PasswordSource::Stdin
        } else if env("HAC_PASSWORD").is_some() {
            PasswordSource::Environment
        } else if let Some(c) = &password_command {
            PasswordSource::Command {
                command: c.value.clone(),
                from: c.source,
            }
        } else if keyring.value {
            PasswordSource::Keyring
        } else {
            PasswordSource::Prompt
        };
        Ok(Settings {
            config_file: file.path.clone(),
            profile: profile_name,
            url,
            user,
            context_path,
            environment,
            timeout,
            long_timeout,
            ca_cert,
            proxy,
            protected,
            read_only,
            guarded_by,
            password_source,
            single_target: single,
            password_command,
            password_command_timeout,
            keyring,
            notes,
            mcp_allow_writes: flag(profile.mcp_allow_writes),
            mcp_allow_groovy: profile
                .mcp_allow_groovy
                .map_or_else(|| set(true, Source::Default), |b| set(b, Source::Profile)),
            mcp_max_rows: profile
                .mcp_max_rows
                .map_or_else(|| set(500, Source::Default), |n| set(n, Source::Profile)),
            mcp_max_result_bytes: profile.mcp_max_result_bytes.map_or_else(
                || set(100_000, Source::Default),
                |n| set(n, Source::Profile),
            ),
            node: pick!(node, "node", "HAC_NODE", profile.node),
            nodes: pick!(nodes, "nodes", "HAC_NODES", profile.nodes),
            route_cookie: pick!(
                route_cookie,
                "route_cookie",
                "HAC_ROUTE_COOKIE",
                profile.route_cookie
            ),
            gateway_user,
            gateway_password_command,
        })
    }

    /// The profile's name, for messages ("the profile staging").
    pub fn profile_name(&self) -> Option<&str> {
        self.profile.as_ref().map(|p| p.value.as_str())
    }
}

/// `protected`, `read_only` and the guarding profile for a run on `url`.
///
/// Every profile that names the same server (see [`crate::safety::server`]) and is marked
/// spreads its mark to every other way of reaching that server, the strictest winning
/// (`read_only` implies `protected`). One exception, so that a deliberately unguarded (or
/// less guarded) profile can exist: a profile whose own `url` names the server and that
/// sets a key itself keeps its own value for that key. A profile whose URL was replaced by
/// `--url`/`HAC_URL` keeps only its own `true`s.
fn guard_marks(
    file: &ConfigFile,
    own_name: Option<&str>,
    own: &Profile,
    url: Option<&str>,
    url_from_profile: bool,
) -> (Setting<bool>, Setting<bool>, Option<String>) {
    use crate::safety::server::ServerId;
    let server = url.and_then(ServerId::new);
    // The strictest mark among the other profiles of this server: (read_only, protected).
    let mut inherited: Option<(bool, &str)> = None;
    if let Some(server) = &server {
        for (name, p) in &file.profiles {
            if Some(name.as_str()) == own_name && url_from_profile {
                continue;
            }
            let marked_ro = p.read_only == Some(true);
            let marked = marked_ro || p.protected == Some(true);
            let same = p
                .url
                .as_deref()
                .and_then(ServerId::new)
                .is_some_and(|s| s.same_server(server));
            if marked && same && inherited.is_none_or(|(ro, _)| marked_ro && !ro) {
                inherited = Some((marked_ro, name.as_str()));
            }
        }
    }
    // The profile's own values: all of them when its URL is in use, else only `true`s.
    let own_value = |v: Option<bool>| {
        if url_from_profile {
            v
        } else {
            v.filter(|b| *b)
        }
    };
    let (own_ro, own_pr) = (own_value(own.read_only), own_value(own.protected));
    let read_only = match (own_ro, inherited) {
        (Some(v), _) => set(v, Source::Profile),
        (None, Some((true, _))) => set(true, Source::SameServer),
        (None, _) => set(false, Source::Default),
    };
    let protected = match (own_pr, inherited) {
        (Some(v), _) => set(v, Source::Profile),
        (None, Some(_)) => set(true, Source::SameServer),
        (None, None) => set(false, Source::Default),
    };
    let used = read_only.source == Source::SameServer || protected.source == Source::SameServer;
    let guarded_by = inherited.filter(|_| used).map(|(_, name)| name.to_owned());
    (protected, read_only, guarded_by)
}
