//! `hac profiles list|show`: what the configuration file holds and what a run would use.

use std::io::Write;

use anyhow::Result;
use clap::Subcommand;
use serde::Serialize;

use super::TextOutput;
use crate::config::file::ConfigFile;
use crate::config::settings::{Setting, Settings};
use crate::failure::Exit;
use crate::output::Out;
use crate::output::format::TextFormat;

/// `hac profiles ...`.
#[derive(Debug, Subcommand)]
pub enum ProfilesCommand {
    /// List the profiles
    #[command(after_help = "Examples:\n  hac profiles list\n  hac profiles list -o json")]
    List {
        #[command(flatten)]
        output: TextOutput,
    },
    /// Show a profile's resolved settings and where each comes from (never a secret)
    #[command(after_help = "Examples:\n  hac profiles show\n  hac profiles show prod")]
    Show {
        /// The profile [default: the one in use]
        name: Option<String>,
        #[command(flatten)]
        output: TextOutput,
    },
    /// Add a profile to the configuration file
    Add(super::profile_edit::AddArgs),
    /// Change settings of a profile (KEY=VALUE; KEY= removes one)
    Set(super::profile_edit::SetArgs),
    /// Make a profile the default one (default_profile)
    #[command(after_help = "Examples:\n  hac profiles use staging\n  hac profiles use local")]
    Use(super::profile_edit::NameArgs),
    /// Remove a profile from the configuration file
    #[command(
        after_help = "Examples:\n  hac profiles remove old-staging\n  HAC_CONFIG=./hac.toml hac profiles remove ci"
    )]
    Remove(super::profile_edit::NameArgs),
}

#[derive(Serialize)]
struct Listed<'a> {
    name: &'a str,
    default: bool,
    url: Option<String>,
    protected: bool,
    read_only: bool,
}

pub fn list(file: &ConfigFile, out: &mut Out, format: TextFormat) -> Result<Exit> {
    let listed: Vec<Listed> = file
        .profiles
        .iter()
        .map(|(name, p)| Listed {
            name,
            default: file.default_profile.as_deref() == Some(name.as_str()),
            url: p.url.as_deref().map(hide_password),
            protected: p.protected.unwrap_or(false),
            read_only: p.read_only.unwrap_or(false),
        })
        .collect();
    if format == TextFormat::Json {
        out.json(&listed)?;
        return Ok(Exit::Success);
    }
    let w = out.stdout();
    for p in &listed {
        let mut flags = Vec::new();
        if p.default {
            flags.push("default");
        }
        if p.protected {
            flags.push("protected");
        }
        if p.read_only {
            flags.push("read-only");
        }
        writeln!(
            w,
            "{}\t{}\t{}",
            p.name,
            p.url.as_deref().unwrap_or("-"),
            flags.join(",")
        )?;
    }
    match &file.path {
        Some(path) => out.note(format_args!(
            "{} profile(s) in {}",
            listed.len(),
            path.display()
        )),
        None => {
            out.note("no configuration file (set HAC_CONFIG or create ~/.config/hac/config.toml)")
        }
    }
    Ok(Exit::Success)
}

/// One line per setting: name, value, source. Commands are shown, secrets never exist here.
pub fn show(settings: &Settings, out: &mut Out, format: TextFormat) -> Result<Exit> {
    if format == TextFormat::Json {
        let mut v = serde_json::to_value(settings)?;
        for key in ["proxy", "url"] {
            if let Some(url) = v[key]["value"].as_str() {
                v[key]["value"] = hide_password(url).into();
            }
        }
        out.json(&v)?;
        return Ok(Exit::Success);
    }
    let w = out.stdout();
    let line = |w: &mut dyn Write, name: &str, value: Option<String>, source: Option<String>| {
        writeln!(
            w,
            "{name:<25} {:<40} {}",
            value.unwrap_or_else(|| "-".into()),
            source.unwrap_or_default()
        )
    };
    type Shown = (Option<String>, Option<String>);
    fn text<T: std::fmt::Debug>(s: &Option<Setting<T>>) -> Shown {
        match s {
            Some(s) => (
                Some(format!("{:?}", s.value).trim_matches('"').to_owned()),
                Some(s.source.to_string()),
            ),
            None => (None, None),
        }
    }
    fn some<T: Clone>(s: &Setting<T>) -> Option<Setting<T>> {
        Some(s.clone())
    }
    let rows: Vec<(&str, Shown)> = vec![
        ("profile", text(&settings.profile)),
        (
            "url",
            text(&settings.url.clone().map(|mut u| {
                u.value = hide_password(&u.value);
                u
            })),
        ),
        ("user", text(&some(&settings.user))),
        ("context_path", text(&settings.context_path)),
        ("environment", text(&some(&settings.environment))),
        ("timeout", text(&some(&settings.timeout))),
        ("long_timeout", text(&some(&settings.long_timeout))),
        ("ca_cert", text(&settings.ca_cert)),
        (
            "proxy",
            text(&settings.proxy.clone().map(|mut p| {
                p.value = hide_password(&p.value);
                p
            })),
        ),
        ("protected", text(&some(&settings.protected))),
        ("read_only", text(&some(&settings.read_only))),
        (
            "guarded_by",
            (
                settings.guarded_by.clone(),
                settings
                    .guarded_by
                    .as_ref()
                    .map(|_| "a profile of the same server".to_owned()),
            ),
        ),
        (
            "password",
            (
                Some(settings.password_source.to_string()),
                Some("the first source set".to_owned()),
            ),
        ),
        ("password_command", text(&settings.password_command)),
        ("keyring", text(&some(&settings.keyring))),
        ("node", text(&settings.node)),
        ("nodes", text(&settings.nodes)),
        ("route_cookie", text(&settings.route_cookie)),
        ("mcp_allow_writes", text(&some(&settings.mcp_allow_writes))),
        ("mcp_allow_groovy", text(&some(&settings.mcp_allow_groovy))),
        ("mcp_max_rows", text(&some(&settings.mcp_max_rows))),
        (
            "mcp_max_result_bytes",
            text(&some(&settings.mcp_max_result_bytes)),
        ),
        ("gateway_user", text(&settings.gateway_user)),
        (
            "gateway_password_command",
            text(&settings.gateway_password_command),
        ),
    ];
    for (name, (value, source)) in rows {
        line(w, name, value, source)?;
    }
    if let Some(path) = &settings.config_file {
        out.note(format_args!("configuration file: {}", path.display()));
    }
    Ok(Exit::Success)
}

/// A URL (or a proxy written without a scheme, `user:secret@proxy:3128`) without its
/// credentials: the password becomes `***`, and a user name without a password (often a
/// token) too: `http://user:secret@proxy:3128` → `http://user:***@proxy:3128`,
/// `https://TOKEN@host` → `https://***@host`. Written by hand rather than with `url::Url`,
/// which does not parse a proxy given without a scheme and rewrites what it does parse.
pub fn hide_password(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(i) => url.split_at(i + 3),
        None => ("", url),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    let userinfo = &rest[..at];
    let shown = match userinfo.split_once(':') {
        Some((user, _)) => format!("{user}:***"),
        None => "***".to_owned(),
    };
    format!("{scheme}{shown}{}", &rest[at..])
}

#[cfg(test)]
mod tests {
    #[test]
    fn proxy_passwords_are_hidden() {
        for (given, shown) in [
            ("http://me:s3cret@proxy:3128", "http://me:***@proxy:3128"),
            ("http://proxy:3128", "http://proxy:3128"),
            ("u:secret@127.0.0.1:3128", "u:***@127.0.0.1:3128"),
            (
                "https://TOKEN@hac.example.com/hac",
                "https://***@hac.example.com/hac",
            ),
            ("https://a:b:c@h/x@y", "https://a:***@h/x@y"),
            ("https://h/path@not-userinfo", "https://h/path@not-userinfo"),
        ] {
            assert_eq!(super::hide_password(given), shown, "{given}");
        }
    }
}
