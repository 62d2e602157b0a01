//! The configuration file: named profiles in TOML, at the platform's config directory
//! (`~/.config/hac/config.toml` on Linux) or at `HAC_CONFIG`.
//!
//! ```toml
//! default_profile = "dev"
//!
//! [profiles.staging]
//! url = "https://staging.example.com"
//! user = "deployer"
//! protected = true
//! password_command = "pass show hac/staging"
//! ```
//!
//! Mistakes are errors that name the file and the line: an unknown key, a wrong type, a
//! `password` (the file never holds one: `password_command` fetches it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use crate::failure::usage;

/// One profile as written in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub url: Option<String>,
    pub user: Option<String>,
    pub context_path: Option<String>,
    pub ca_cert: Option<PathBuf>,
    pub timeout: Option<Spanned<DurationText>>,
    pub long_timeout: Option<Spanned<DurationText>>,
    /// The session cache tag; the profile's name when not set.
    pub environment: Option<String>,
    pub protected: Option<bool>,
    pub read_only: Option<bool>,
    pub password_command: Option<String>,
    /// How long a password command may take to print its line (60 s by default).
    pub password_command_timeout: Option<Spanned<DurationText>>,
    pub keyring: Option<bool>,
    pub node: Option<String>,
    pub nodes: Option<Vec<String>>,
    pub route_cookie: Option<String>,
    /// `hac mcp`: let agents write (commit, import, DML); never on protected or read-only.
    pub mcp_allow_writes: Option<bool>,
    /// `hac mcp`: offer `execute_groovy` (true by default; never on protected or read-only).
    pub mcp_allow_groovy: Option<bool>,
    /// `hac mcp`: the most rows a query returns (500 by default).
    pub mcp_max_rows: Option<u32>,
    /// `hac mcp`: the largest tool result in bytes (100,000 by default).
    pub mcp_max_result_bytes: Option<usize>,
    pub proxy: Option<String>,
    pub gateway_user: Option<String>,
    pub gateway_password_command: Option<String>,
    /// Only to be refused with a pointer to `password_command`.
    password: Option<Spanned<toml::Value>>,
}

/// A duration as the file has it: `"90s"`, `"5m"`, or a number of seconds.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum DurationText {
    Seconds(u64),
    Text(String),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    default_profile: Option<Spanned<String>>,
    #[serde(default)]
    profiles: BTreeMap<String, Spanned<Profile>>,
}

/// A loaded, checked configuration file.
#[derive(Debug, Default)]
pub struct ConfigFile {
    /// Where it was read from (`None`: there is no file).
    pub path: Option<PathBuf>,
    pub default_profile: Option<String>,
    pub profiles: BTreeMap<String, Profile>,
    /// Durations, parsed, by profile: (timeout, long timeout).
    durations: BTreeMap<String, (Option<Duration>, Option<Duration>)>,
    /// `password_command_timeout`, parsed, by profile.
    command_timeouts: BTreeMap<String, Duration>,
}

/// The largest configuration file read: far above any real one, far below a mistake
/// (`HAC_CONFIG=/dev/zero`, a log file).
const MAX_FILE_BYTES: u64 = 1 << 20;

/// Where the file is looked for: `HAC_CONFIG`, else the platform's config directory.
pub fn location() -> Option<PathBuf> {
    if let Some(p) = crate::config::env::var_os("HAC_CONFIG") {
        return Some(PathBuf::from(p));
    }
    directories::BaseDirs::new().map(|d| d.config_dir().join("hac").join("config.toml"))
}

/// The file's text for editing (`hac profiles add|set|use|remove`): read and checked as
/// for a run; an empty text when there is no file yet.
pub fn read_for_edit(path: &Path) -> anyhow::Result<String> {
    if path == Path::new("/dev/null") {
        return Err(usage(
            "HAC_CONFIG is /dev/null: there is no configuration file to edit",
        ));
    }
    match read(path) {
        Ok(text) => Ok(text),
        Err(Unread::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(Unread::Io(e)) => Err(usage(format!(
            "cannot read the configuration file {}: {e}",
            path.display()
        ))),
        Err(Unread::Untrusted(e)) => Err(usage(format!("configuration file: {e}"))),
    }
}

/// Why the file was not read.
enum Unread {
    Io(std::io::Error),
    Untrusted(crate::safety::file_trust::Untrusted),
}

/// The file's text: a regular file of at most [`MAX_FILE_BYTES`], that no one else could
/// have changed (it names commands `hac` runs: see [`crate::safety::file_trust`]). It is
/// opened first and checked through the open handle, so what is read is what was checked;
/// without blocking, so that a FIFO put in its place cannot hang `hac`.
fn read(path: &Path) -> Result<String, Unread> {
    use std::io::{Error, ErrorKind, Read};
    let io = |e: Error| Unread::Io(e);
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        rustix::fs::OFlags::NONBLOCK.bits() as i32,
    );
    let file = options.open(path).map_err(io)?;
    if !file.metadata().map_err(io)?.is_file() {
        return Err(io(Error::new(
            ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
    crate::safety::file_trust::check_opened(path, &file).map_err(Unread::Untrusted)?;
    let mut text = String::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(io)?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(io(Error::new(
            ErrorKind::InvalidData,
            format!(
                "larger than {} KiB: not a configuration file",
                MAX_FILE_BYTES >> 10
            ),
        )));
    }
    Ok(text)
}

/// `file:line: message` for a byte offset in `text`.
fn at(path: &Path, text: &str, offset: usize, message: impl std::fmt::Display) -> anyhow::Error {
    let line = text[..offset.min(text.len())].matches('\n').count() + 1;
    usage(format!("{}:{line}: {message}", path.display()))
}

impl ConfigFile {
    /// Loads the file at [`location`]. A missing file is no profiles, unless `HAC_CONFIG`
    /// named it (then it must exist).
    pub fn load() -> anyhow::Result<ConfigFile> {
        let Some(path) = location() else {
            return Ok(ConfigFile::default());
        };
        let named = crate::config::env::var_os("HAC_CONFIG").is_some();
        // `HAC_CONFIG=/dev/null`: the usual way to say "no configuration file".
        if path == Path::new("/dev/null") {
            return Ok(ConfigFile::default());
        }
        match read(&path) {
            Ok(text) => ConfigFile::parse(&path, &text),
            Err(Unread::Io(e)) if e.kind() == std::io::ErrorKind::NotFound && !named => {
                Ok(ConfigFile::default())
            }
            Err(Unread::Io(e)) => Err(usage(format!(
                "cannot read the configuration file {}: {e}",
                path.display()
            ))),
            Err(Unread::Untrusted(e)) => Err(usage(format!("configuration file: {e}"))),
        }
    }

    /// Parses and checks the text of the file at `path`.
    pub fn parse(path: &Path, text: &str) -> anyhow::Result<ConfigFile> {
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            at(path, text, offset, e.message().trim())
        })?;
        let mut profiles = BTreeMap::new();
        let mut durations = BTreeMap::new();
        let mut command_timeouts = BTreeMap::new();
        for (name, spanned) in raw.profiles {
            let profile = spanned.into_inner();
            if let Some(p) = &profile.password {
                return Err(at(
                    path,
                    text,
                    p.span().start,
                    format!(
                        "profile {name}: a password does not belong in the file; use \
                         password_command = \"...\" (e.g. \"pass show hac/{name}\")"
                    ),
                ));
            }
            let parse = |d: &Option<Spanned<DurationText>>, key: &str| {
                d.as_ref()
                    .map(|d| {
                        let value = match d.get_ref() {
                            DurationText::Seconds(s) => Ok(Duration::from_secs(*s)),
                            DurationText::Text(t) => crate::global::parse_duration(t),
                        };
                        value
                            .ok()
                            .filter(|v| !v.is_zero())
                            .ok_or_else(|| {
                                at(
                                    path,
                                    text,
                                    d.span().start,
                                    format!("profile {name}: {key}: expected a duration like \"30s\", \"5m\" or a number of seconds"),
                                )
                            })
                    })
                    .transpose()
            };
            let timeout = parse(&profile.timeout, "timeout")?;
            let long_timeout = parse(&profile.long_timeout, "long_timeout")?;
            durations.insert(name.clone(), (timeout, long_timeout));
            if let Some(t) = parse(
                &profile.password_command_timeout,
                "password_command_timeout",
            )? {
                command_timeouts.insert(name.clone(), t);
            }
            profiles.insert(name, profile);
        }
        let default_profile = match raw.default_profile {
            Some(d) if !profiles.contains_key(d.get_ref()) => {
                return Err(at(
                    path,
                    text,
                    d.span().start,
                    format!(
                        "default_profile {:?} is not a profile in this file",
                        d.get_ref()
                    ),
                ));
            }
            d => d.map(Spanned::into_inner),
        };
        Ok(ConfigFile {
            path: Some(path.to_owned()),
            default_profile,
            profiles,
            durations,
            command_timeouts,
        })
    }

    /// The profile `name`, or an error naming the file and the profiles there are.
    pub fn profile(&self, name: &str) -> anyhow::Result<&Profile> {
        self.profiles.get(name).ok_or_else(|| {
            let file = self
                .path
                .as_ref()
                .map_or("(no configuration file)".to_owned(), |p| {
                    p.display().to_string()
                });
            let known: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
            usage(format!(
                "no profile {name:?} in {file}{}",
                if known.is_empty() {
                    String::new()
                } else {
                    format!(" (profiles: {})", known.join(", "))
                }
            ))
        })
    }

    /// The parsed `password_command_timeout` of profile `name`.
    pub fn command_timeout(&self, name: &str) -> Option<Duration> {
        self.command_timeouts.get(name).copied()
    }

    /// The parsed `timeout` and `long_timeout` of profile `name`.
    pub fn durations(&self, name: &str) -> (Option<Duration>, Option<Duration>) {
        self.durations.get(name).copied().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> anyhow::Result<ConfigFile> {
        ConfigFile::parse(Path::new("/etc/hac.toml"), text)
    }

    #[test]
    fn every_key() {
        let c = parse(
            r#"
default_profile = "staging"
[profiles.staging]
url = "https://staging.example.com"
user = "deployer"
context_path = "/hac"
ca_cert = "certs/staging.pem"
timeout = "90s"
long_timeout = 3600
environment = "stg"
protected = true
read_only = false
password_command = "pass show hac/staging"
keyring = false
node = "node1"
nodes = ["node1", "node2"]
proxy = "http://proxy:3128"
gateway_user = "gw"
gateway_password_command = "pass show gw"
[profiles.dev]
url = "http://localhost:9001"
"#,
        )
        .unwrap();
        assert_eq!(c.default_profile.as_deref(), Some("staging"));
        let s = c.profile("staging").unwrap();
        assert_eq!(s.protected, Some(true));
        assert_eq!(s.nodes.as_ref().unwrap().len(), 2);
        assert_eq!(
            c.durations("staging"),
            (
                Some(Duration::from_secs(90)),
                Some(Duration::from_secs(3600))
            )
        );
        assert!(
            c.profile("prod")
                .unwrap_err()
                .to_string()
                .contains("profiles: dev, staging")
        );
    }

    #[test]
    fn mistakes_name_the_file_and_line() {
        for (text, line, needle) in [
            ("[profiles.a]\nurl = \"x\"\npasword = \"p\"\n", 3, "pasword"),
            ("[profiles.a]\nprotected = \"yes\"\n", 2, "bool"),
            (
                "[profiles.a]\n\npassword = \"hunter2\"\n",
                3,
                "password_command",
            ),
            ("[profiles.a]\ntimeout = \"soon\"\n", 2, "timeout"),
            (
                "default_profile = \"b\"\n[profiles.a]\n",
                1,
                "not a profile",
            ),
            ("[profiles.a\n", 1, ""),
            ("colour = 1\n", 1, "colour"),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(
                e.starts_with(&format!("/etc/hac.toml:{line}: ")),
                "{text:?}: {e}"
            );
            assert!(e.contains(needle), "{text:?}: {e}");
            assert!(!e.contains("hunter2"), "{e}");
            assert!(!e.contains('\n'), "one line: {e}");
        }
    }
}
