//! `hac man`: manual pages generated from the command definitions, so they never drift
//! from the real options: hac(1) with the options every command takes and an ENVIRONMENT
//! section naming every variable `hac` reads, and with `--dir` one page per command
//! (hac-groovy(1), hac-impex-import(1), ...), the pages hac(1) refers to.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;

use crate::failure::{Exit, usage};
use crate::output::Out;

/// `hac man`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac man | man -l -
  hac man --dir ~/.local/share/man/man1 && man hac-impex-import")]
pub struct ManArgs {
    /// Write hac.1 and a page per command (hac-groovy.1, ...) into this directory instead
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// The variables `hac` reads that are no option's (an option's variable is named in its
/// own entry, from the command line's definition).
pub const OTHER_VARIABLES: &[(&str, &str)] = &[
    (
        "HAC_CONFIG",
        "The configuration file (profiles) [default: the platform's config directory, hac/config.toml]; /dev/null for none.",
    ),
    (
        "HAC_PASSWORD",
        "The password, when a login is needed and there is no --password-stdin.",
    ),
    (
        "HAC_PASSWORD_COMMAND",
        "A command that prints the password (first line), run only when a login is needed.",
    ),
    (
        "HAC_GATEWAY_USER",
        "The user for a gateway in front of HAC (HTTP Basic authentication, over HTTPS only).",
    ),
    ("HAC_GATEWAY_PASSWORD", "The gateway's password."),
    (
        "HAC_GATEWAY_PASSWORD_COMMAND",
        "A command that prints the gateway's password.",
    ),
    (
        "HTTPS_PROXY, HTTP_PROXY, NO_PROXY",
        "The proxy when neither --proxy nor HAC_PROXY is set.",
    ),
    (
        "COMPLETE",
        "Set by the script of hac completions when the shell asks for completions.",
    ),
];

impl ManArgs {
    pub fn run(&self, out: &mut Out) -> Result<Exit> {
        let mut cmd = crate::cli::command();
        // Built, so that each command knows its page's name (hac-impex-import).
        cmd.build();
        match &self.dir {
            None => {
                let mut page = Vec::new();
                render(&cmd, true, &mut page)?;
                out.stdout().write_all(&page)?;
            }
            Some(dir) => {
                let written = write_pages(&cmd, dir)?;
                out.note(format!(
                    "{} manual pages written to {}",
                    written,
                    dir.display()
                ));
            }
        }
        Ok(Exit::Success)
    }
}

/// Every variable `hac` reads, with its meaning: the options' from the command line's
/// definition, then the others.
pub fn environment(cmd: &clap::Command) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = cmd
        .get_arguments()
        .filter_map(|a| {
            let name = a.get_env()?.to_string_lossy().into_owned();
            let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
            let flag = a
                .get_long()
                .map(|l| format!(" (--{l})"))
                .unwrap_or_default();
            Some((name, format!("{help}{flag}")))
        })
        .collect();
    for sub in cmd.get_subcommands() {
        for (name, help) in environment(sub) {
            if !vars.iter().any(|(n, _)| *n == name) {
                vars.push((name, help));
            }
        }
    }
    vars.extend(
        OTHER_VARIABLES
            .iter()
            .filter(|(n, _)| !vars.iter().any(|(v, _)| v == n))
            .map(|(n, h)| ((*n).to_owned(), (*h).to_owned()))
            .collect::<Vec<_>>(),
    );
    vars
}

/// One page: clap_mangen's sections, and for hac(1) the ENVIRONMENT section it lacks.
fn render(cmd: &clap::Command, top: bool, w: &mut Vec<u8>) -> Result<()> {
    let man = clap_mangen::Man::new(cmd.clone());
    man.render(w)?;
    if top {
        let mut roff = roff::Roff::new();
        roff.control("SH", ["ENVIRONMENT"]);
        roff.text([roff::roman(
            "A variable set but empty counts as unset. A flag beats its variable; a variable beats the profile.",
        )]);
        for (name, help) in environment(cmd) {
            roff.control("TP", std::iter::empty::<&str>());
            roff.text([roff::bold(name)]);
            roff.text([roff::roman(help)]);
        }
        w.extend_from_slice(roff.render().as_bytes());
    }
    Ok(())
}

/// hac.1 and a page per command below it, into `dir` (created if missing). Returns how
/// many pages were written.
fn write_pages(cmd: &clap::Command, dir: &Path) -> Result<usize> {
    std::fs::create_dir_all(dir)
        .map_err(|e| usage(format!("cannot create {}: {e}", dir.display())))?;
    let mut written = 0;
    write_page(cmd, dir, true, &mut written)?;
    Ok(written)
}

fn write_page(cmd: &clap::Command, dir: &Path, top: bool, written: &mut usize) -> Result<()> {
    let mut page = Vec::new();
    render(cmd, top, &mut page)?;
    // Names come from our own command definitions (letters and dashes), never from input.
    let name = format!(
        "{}.1",
        cmd.get_display_name().unwrap_or_else(|| cmd.get_name())
    );
    let path = dir.join(&name);
    std::fs::write(&path, &page).with_context(|| format!("cannot write {}", path.display()))?;
    *written += 1;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_page(sub, dir, false, written)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `HAC_*` name in the sources is documented: a new variable without an entry
    /// fails here.
    #[test]
    fn every_variable_is_in_the_environment_section() {
        let vars = environment(&crate::cli::command());
        let documented = |name: &str| {
            vars.iter()
                .any(|(n, _)| n.split(", ").any(|part| part == name))
        };
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = Vec::new();
        let mut stack = vec![src];
        while let Some(at) = stack.pop() {
            for entry in std::fs::read_dir(&at).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for piece in text.split("\"HAC_").skip(1) {
                    let name: String = piece
                        .chars()
                        .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                        .collect();
                    // Role names in doctor's messages, not variables.
                    if name.is_empty()
                        || name.starts_with("CONSOLE_")
                        || name.starts_with("PLATFORM_")
                    {
                        continue;
                    }
                    let name = format!("HAC_{name}");
                    if piece[name.len() - 4..].starts_with('"')
                        && !documented(&name)
                        && !missing.contains(&name)
                    {
                        missing.push(name);
                    }
                }
            }
        }
        assert!(missing.is_empty(), "not in hac(1) ENVIRONMENT: {missing:?}");
    }
}
