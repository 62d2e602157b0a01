//! `hac completions SHELL`, and the completions themselves: clap_complete's dynamic
//! engine, which asks `hac` at each TAB (`COMPLETE=bash hac -- hac --profile <TAB>`), so
//! that profile names, node names and every option's values come from the real command
//! line and the user's files, and never drift.

use std::ffi::OsStr;
use std::io::Write;

use anyhow::Result;
use clap::Args;
use clap_complete::engine::CompletionCandidate;

use crate::config::file::ConfigFile;
use crate::failure::Exit;
use crate::output::Out;

/// The variable the shell sets when it asks for completions.
pub const VARIABLE: &str = "COMPLETE";

/// `hac completions SHELL`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac completions bash > ~/.local/share/bash-completion/completions/hac
  hac completions zsh > \"${fpath[1]}/_hac\"
  echo 'source (COMPLETE=fish hac | psub)' >> ~/.config/fish/config.fish

The script asks hac itself at each TAB, so profile names (--profile, --profiles), node names
(--node, --nodes: the profiles' nodes and what `hac nodes` found) and values stay current.
With --static, a script of the commands and options only, that never runs hac.")]
pub struct CompletionsArgs {
    /// The shell
    pub shell: clap_complete::Shell,
    /// A script generated once, for packaging: commands, options and fixed values only
    #[arg(long = "static")]
    pub fixed: bool,
}

impl CompletionsArgs {
    pub fn run(&self, out: &mut Out) -> Result<Exit> {
        // Into memory first: a closed pipe (`| head -1`) then ends quietly, as every write.
        let mut script = Vec::new();
        if self.fixed {
            let mut cmd = crate::cli::command();
            clap_complete::generate(self.shell, &mut cmd, "hac", &mut script);
        } else {
            let name = clap::ValueEnum::to_possible_value(&self.shell)
                .map(|v| v.get_name().to_owned())
                .unwrap_or_default();
            let shells = clap_complete::env::Shells::builtins();
            let Some(shell) = shells.completer(&name) else {
                return Err(crate::failure::usage(format!(
                    "no dynamic completions for {name}: use hac completions {name} --static"
                )));
            };
            shell.write_registration(VARIABLE, "hac", "hac", "hac", &mut script)?;
        }
        out.stdout().write_all(&script)?;
        Ok(Exit::Success)
    }
}

/// Answers the shell when it asks (`COMPLETE` set): `Some(exit code)` then, `None` for a
/// normal run. Quiet on failure: a message would land in the middle of the user's line.
pub fn answer_the_shell() -> Option<std::process::ExitCode> {
    std::env::var_os(VARIABLE).filter(|v| !v.is_empty() && v != "0")?;
    let dir = std::env::current_dir().ok();
    // The unhidden command: completions offer the global options after a command too.
    let factory =
        || crate::config::env::ignore_empty(<crate::cli::Cli as clap::CommandFactory>::command());
    match clap_complete::CompleteEnv::with_factory(factory)
        .var(VARIABLE)
        .try_complete(std::env::args_os(), dir.as_deref())
    {
        Ok(true) => Some(std::process::ExitCode::SUCCESS),
        Ok(false) => None,
        Err(_) => Some(std::process::ExitCode::from(1)),
    }
}

/// The part of a comma-separated value being completed, and what comes before it
/// (`--profiles dev,sta` completes `sta` and keeps `dev,`).
fn last_item(current: &OsStr) -> (String, String) {
    let current = current.to_string_lossy();
    match current.rfind(',') {
        Some(at) => (current[..=at].to_owned(), current[at + 1..].to_owned()),
        None => (String::new(), current.into_owned()),
    }
}

fn candidates(current: &OsStr, known: Vec<(String, String)>) -> Vec<CompletionCandidate> {
    let (before, item) = last_item(current);
    known
        .into_iter()
        .filter(|(value, _)| value.starts_with(&item))
        .map(|(value, help)| {
            CompletionCandidate::new(format!("{before}{value}")).help(Some(help.into()))
        })
        .collect()
}

/// `--profile`, `--profiles`: the configuration file's profiles, with their servers.
pub fn profile_names(current: &OsStr) -> Vec<CompletionCandidate> {
    let Ok(config) = ConfigFile::load() else {
        return Vec::new();
    };
    let known = config
        .profiles
        .iter()
        .map(|(name, p)| {
            let mut help = p
                .url
                .as_deref()
                .map(super::profiles::hide_password)
                .unwrap_or_default();
            if p.read_only == Some(true) {
                help.push_str(" (read-only)");
            } else if p.protected == Some(true) {
                help.push_str(" (protected)");
            }
            (name.clone(), help)
        })
        .collect();
    candidates(current, known)
}

/// `--node`, `--nodes`: the profiles' `node` and `nodes`, and the routes `hac nodes` found
/// (with their cluster node ids, which `--node` takes too).
pub fn node_names(current: &OsStr) -> Vec<CompletionCandidate> {
    let mut known: Vec<(String, String)> = Vec::new();
    let mut add = |value: String, help: String| {
        if !known.iter().any(|(v, _)| *v == value) {
            known.push((value, help));
        }
    };
    if let Ok(config) = ConfigFile::load() {
        for (name, p) in &config.profiles {
            for node in p.node.iter().chain(p.nodes.iter().flatten()) {
                add(node.clone(), format!("profile {name}"));
            }
        }
    }
    let dir = crate::config::env::var_os("HAC_CACHE_DIR")
        .map(std::path::PathBuf::from)
        .or_else(|| hac_client::FileStore::default_dir().ok());
    if let Some(dir) = dir {
        for (url, nodes) in super::nodes::remembered_everywhere(&dir) {
            let url = super::profiles::hide_password(&url);
            for n in nodes {
                add(n.route.clone(), format!("node {} of {url}", n.node_id));
            }
        }
    }
    candidates(current, known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_completes_its_last_item() {
        let known = vec![
            ("dev".to_owned(), String::new()),
            ("staging".to_owned(), String::new()),
        ];
        let got: Vec<String> = candidates(OsStr::new("dev,st"), known.clone())
            .iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .collect();
        assert_eq!(got, ["dev,staging"]);
        assert_eq!(candidates(OsStr::new(""), known).len(), 2);
    }
}
