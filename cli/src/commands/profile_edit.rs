//! `hac profiles add|set|use|remove`: editing the configuration file as `kubectl config
//! set-context` and `gh auth switch` do, so that nobody needs an editor. The file is edited
//! in place with `toml_edit` (comments, order and layout kept), checked as a run would
//! check it before it is written (an unknown key, a wrong type, a password: refused), and
//! written through a temporary file and a rename, with the existing file's mode (0600 for
//! a new one, in a 0700 directory).

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use clap::Args;
use toml_edit::{Array, DocumentMut, Item, Table, Value, value};

use crate::config::file::{self, ConfigFile};
use crate::failure::{Exit, usage};
use crate::output::Out;

/// What a key holds, for turning `KEY=VALUE` text into TOML.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Bool,
    Number,
    List,
}

/// Every key a profile may have, and its kind (`password` is not one: a profile never
/// holds a password).
const KEYS: &[(&str, Kind)] = &[
    ("url", Kind::Text),
    ("user", Kind::Text),
    ("context_path", Kind::Text),
    ("ca_cert", Kind::Text),
    ("timeout", Kind::Text),
    ("long_timeout", Kind::Text),
    ("environment", Kind::Text),
    ("protected", Kind::Bool),
    ("read_only", Kind::Bool),
    ("password_command", Kind::Text),
    ("password_command_timeout", Kind::Text),
    ("keyring", Kind::Bool),
    ("node", Kind::Text),
    ("nodes", Kind::List),
    ("route_cookie", Kind::Text),
    ("mcp_allow_writes", Kind::Bool),
    ("mcp_allow_groovy", Kind::Bool),
    ("mcp_max_rows", Kind::Number),
    ("mcp_max_result_bytes", Kind::Number),
    ("proxy", Kind::Text),
    ("gateway_user", Kind::Text),
    ("gateway_password_command", Kind::Text),
];

/// `hac profiles add NAME --url URL [KEY=VALUE...]`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac profiles add staging --url https://staging.example.com user=deployer protected=true
  hac profiles add prod-read --url https://hac.prod.example.com read_only=true password_command='pass show hac/prod'")]
pub struct AddArgs {
    /// The new profile's name
    pub name: String,
    /// The server's URL
    #[arg(long)]
    pub url: String,
    /// More settings, KEY=VALUE (the keys of a profile: user, protected, nodes=a,b, ...)
    #[arg(value_name = "KEY=VALUE")]
    pub settings: Vec<String>,
}

/// `hac profiles set NAME KEY=VALUE...`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac profiles set staging timeout=60s nodes=.n1,.n2
  hac profiles set staging proxy=          # an empty value removes the key")]
pub struct SetArgs {
    /// The profile
    pub name: String,
    /// Settings to change, KEY=VALUE; KEY= removes the key
    #[arg(value_name = "KEY=VALUE", required = true)]
    pub settings: Vec<String>,
}

/// `hac profiles use NAME` and `hac profiles remove NAME`.
#[derive(Debug, Args)]
pub struct NameArgs {
    /// The profile
    pub name: String,
}

/// The file to edit: `HAC_CONFIG` or the platform's place.
fn location() -> Result<std::path::PathBuf> {
    file::location().ok_or_else(|| usage("no place for a configuration file: set HAC_CONFIG"))
}

fn load(path: &Path) -> Result<DocumentMut> {
    let text = file::read_for_edit(path)?;
    text.parse::<DocumentMut>()
        .map_err(|e| usage(format!("{}: {e}", path.display())))
}

fn profiles_table(doc: &mut DocumentMut) -> Result<&mut Table> {
    let item = doc.entry("profiles").or_insert_with(|| {
        let mut t = Table::new();
        t.set_implicit(true);
        Item::Table(t)
    });
    item.as_table_mut()
        .ok_or_else(|| usage("`profiles` in the configuration file is not a table"))
}

/// Sets `KEY=VALUE` pairs on `profile` (an empty value removes the key).
fn apply(profile: &mut Table, pairs: &[String]) -> Result<()> {
    for pair in pairs {
        let (key, text) = pair
            .split_once('=')
            .ok_or_else(|| usage(format!("{pair:?}: expected KEY=VALUE")))?;
        let key = key.trim();
        if key == "password" {
            return Err(usage(
                "a password does not belong in the file; set password_command (e.g. \"pass show hac/NAME\") or keyring=true",
            ));
        }
        let Some((_, kind)) = KEYS.iter().find(|(k, _)| *k == key) else {
            let known: Vec<&str> = KEYS.iter().map(|(k, _)| *k).collect();
            return Err(usage(format!(
                "{key:?} is not a profile key (keys: {})",
                known.join(", ")
            )));
        };
        if text.is_empty() {
            profile.remove(key);
            continue;
        }
        let item = match kind {
            Kind::Text => value(text),
            Kind::Bool => match text.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "1" => value(true),
                "false" | "no" | "off" | "0" => value(false),
                _ => {
                    return Err(usage(format!(
                        "{key}: expected true or false, not {text:?}"
                    )));
                }
            },
            Kind::Number => value(
                text.parse::<i64>()
                    .map_err(|_| usage(format!("{key}: expected a number, not {text:?}")))?,
            ),
            Kind::List => {
                let mut list = Array::new();
                for v in text.split(',').map(str::trim).filter(|v| !v.is_empty()) {
                    list.push(v);
                }
                Item::Value(Value::Array(list))
            }
        };
        profile.insert(key, item);
    }
    Ok(())
}

/// Checks the edited text as a run would, then writes it in place of the file.
fn save(path: &Path, doc: &DocumentMut) -> Result<()> {
    let text = doc.to_string();
    ConfigFile::parse(path, &text)?;
    // A linked configuration (dotfiles kept in a repository) stays linked: the file it
    // points to is the one rewritten.
    let linked;
    let path = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            linked = std::fs::canonicalize(path)
                .map_err(|e| usage(format!("cannot follow {}: {e}", path.display())))?;
            linked.as_path()
        }
        _ => path,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => std::path::PathBuf::from("."),
    };
    if !dir.exists() {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        b.create(&dir)
            .map_err(|e| usage(format!("cannot create {}: {e}", dir.display())))?;
    }
    // The file's own mode is kept (only its owner may change it: it names commands).
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).map_or(0o600, |m| m.permissions().mode() & 0o7777 & !0o022)
    };
    let tmp = dir.join(format!(
        ".{}.hac-edit-{}",
        path.file_name()
            .map_or("config".into(), |n| n.to_string_lossy()),
        std::process::id()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    let written = options
        .open(&tmp)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(usage(format!("cannot write {}: {e}", path.display())));
    }
    Ok(())
}

fn valid_name(name: &str) -> Result<()> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(usage(format!(
            "{name:?}: a profile name is letters, digits, - and _"
        )));
    }
    Ok(())
}

pub fn add(out: &mut Out, args: &AddArgs) -> Result<Exit> {
    valid_name(&args.name)?;
    let path = location()?;
    let mut doc = load(&path)?;
    let profiles = profiles_table(&mut doc)?;
    if profiles.contains_key(&args.name) {
        return Err(usage(format!(
            "profile {} exists; change it with hac profiles set {} KEY=VALUE",
            args.name, args.name
        )));
    }
    let mut profile = Table::new();
    let mut pairs = vec![format!("url={}", args.url)];
    pairs.extend(args.settings.iter().cloned());
    apply(&mut profile, &pairs)?;
    profiles.insert(&args.name, Item::Table(profile));
    save(&path, &doc)?;
    out.note(format_args!(
        "hac: profile {} added to {}",
        args.name,
        path.display()
    ));
    Ok(Exit::Success)
}

pub fn set(out: &mut Out, args: &SetArgs) -> Result<Exit> {
    let path = location()?;
    let mut doc = load(&path)?;
    let profile = profiles_table(&mut doc)?
        .get_mut(&args.name)
        .and_then(Item::as_table_mut)
        .ok_or_else(|| usage(format!("no profile {:?} in {}", args.name, path.display())))?;
    apply(profile, &args.settings)?;
    save(&path, &doc)?;
    out.note(format_args!(
        "hac: profile {} changed in {}",
        args.name,
        path.display()
    ));
    Ok(Exit::Success)
}

pub fn use_profile(out: &mut Out, args: &NameArgs) -> Result<Exit> {
    let path = location()?;
    let mut doc = load(&path)?;
    if !profiles_table(&mut doc)?.contains_key(&args.name) {
        return Err(usage(format!(
            "no profile {:?} in {}",
            args.name,
            path.display()
        )));
    }
    doc["default_profile"] = value(args.name.as_str());
    save(&path, &doc)?;
    out.note(format_args!("hac: default profile is now {}", args.name));
    Ok(Exit::Success)
}

pub fn remove(out: &mut Out, args: &NameArgs) -> Result<Exit> {
    let path = location()?;
    let mut doc = load(&path)?;
    if profiles_table(&mut doc)?.remove(&args.name).is_none() {
        return Err(usage(format!(
            "no profile {:?} in {}",
            args.name,
            path.display()
        )));
    }
    if doc.get("default_profile").and_then(Item::as_str) == Some(args.name.as_str()) {
        doc.remove("default_profile");
        out.note("hac: it was the default profile: there is none now");
    }
    save(&path, &doc)?;
    out.note(format_args!(
        "hac: profile {} removed from {}",
        args.name,
        path.display()
    ));
    Ok(Exit::Success)
}
