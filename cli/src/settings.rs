//! Every setting resolved once, with where it came from: a flag, then an environment
//! variable, then the profile, then the built-in default.

use std::path::PathBuf;
use std::time::Duration;

use clap::ArgMatches;
use clap::parser::ValueSource;
use serde::Serialize;

use crate::args::Global;
use crate::profile_file::{ConfigFile, Profile};

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
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag => f.write_str("flag"),
            Source::Env(name) => write!(f, "environment ({name})"),
            Source::Profile => f.write_str("profile"),
            Source::Default => f.write_str("default"),
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

/// The settings of this run.
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
    pub timeout: Setting<Duration>,
    pub long_timeout: Setting<Duration>,
    pub ca_cert: Option<Setting<PathBuf>>,
    pub proxy: Option<Setting<String>>,
    pub protected: Setting<bool>,
    pub read_only: Setting<bool>,
    pub password_command: Option<Setting<String>>,
    pub keyring: Setting<bool>,
    pub mcp_allow_writes: Setting<bool>,
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

/// A value from the environment only (settings that have no flag), non-empty.
fn env(name: &'static str) -> Option<Setting<String>> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| set(v, Source::Env(name)))
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

        // flag/env value (clap already merged them), else the profile's, else nothing.
        macro_rules! pick {
            ($field:ident, $id:literal, $env:literal, $profile:expr) => {
                match &global.$field {
                    Some(v) => Some(set(
                        v.clone(),
                        source_of(matches, $id, $env).unwrap_or(Source::Flag),
                    )),
                    None => $profile.clone().map(|v| set(v, Source::Profile)),
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
        let password_command = env("HAC_PASSWORD_COMMAND").or_else(|| {
            profile
                .password_command
                .clone()
                .map(|c| set(c, Source::Profile))
        });
        let gateway_user = env("HAC_GATEWAY_USER").or_else(|| {
            profile
                .gateway_user
                .clone()
                .map(|u| set(u, Source::Profile))
        });
        let gateway_password_command = env("HAC_GATEWAY_PASSWORD_COMMAND").or_else(|| {
            profile
                .gateway_password_command
                .clone()
                .map(|c| set(c, Source::Profile))
        });
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
            protected: flag(profile.protected),
            read_only: flag(profile.read_only),
            password_command,
            keyring: flag(profile.keyring),
            mcp_allow_writes: flag(profile.mcp_allow_writes),
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
