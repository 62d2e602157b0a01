//! The command line's shape: the global options and one variant per command, each with
//! the argument type its own module defines (`commands/`). This file routes only: what a
//! command reads, what it sends and how it runs are decided in the command's module.

use anyhow::Result;
use clap::{Parser, Subcommand};
use hac_client::HacClient;

use crate::commands::{
    Input, cache, completions, config, cronjobs, doctor, flexsearch, groovy, health, help, impex,
    logging, monitoring, nodes, platform, profiles, sessions, types, update,
};
use crate::failure::Exit;
use crate::fanout::Shape;
use crate::global::Global;
use crate::output::ci::{CiTargets, Report};
use crate::output::{Out, StdoutKind};
use crate::safety::Intent;

/// Talk to the SAP Commerce Administration Console (HAC) from scripts and CI.
///
/// Settings come from flags, then HAC_* environment variables, then the profile
/// (--profile, HAC_PROFILE, or default_profile in ~/.config/hac/config.toml or HAC_CONFIG),
/// then built-in defaults. The password comes from --password-stdin, HAC_PASSWORD,
/// HAC_PASSWORD_COMMAND or the profile's password_command, the keyring, or a prompt on the
/// terminal, and only when a
/// login is needed: a session cached by an earlier run is resumed without it.
///
/// Exit codes: 0 success, 1 the operation failed on the server, 2 usage or local error,
/// 3 authentication failed, 4 connection, TLS or timeout error, 5 refused locally by the
/// profile (protected or read-only), 6 gave up waiting while the server still works (an
/// update still running), 7 `hac diff`: the targets differ.
#[derive(Debug, Parser)]
#[command(
    name = "hac",
    version,
    max_term_width = 100,
    disable_help_subcommand = true,
    after_help = "Examples:
  hac groovy script.groovy
  hac flexsearch 'SELECT {pk}, {code} FROM {Product}' -o csv
  hac --profile staging impex import data.impex --report junit=impex.xml

hac help options: the options every command takes; hac help safety: what each operation can do."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// The commands, in the order `hac --help` lists them.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a Groovy script (from FILE, or standard input for "-" or no FILE)
    Groovy(groovy::GroovyArgs),
    /// Run a FlexibleSearch (or, with --sql, SQL) query; "-" reads it from standard input
    Flexsearch(flexsearch::FlexsearchArgs),
    /// Import, validate or export ImpEx
    #[command(
        after_help = "Examples:\n  hac impex import data.impex --report junit=reports/impex.xml -o github\n  hac impex validate *.impex\n  hac impex export export.impex -o exported/"
    )]
    #[command(subcommand)]
    Impex(impex::ImpexCommand),
    /// Read update data, pending patches and the update log; run a system update
    #[command(
        after_help = "Examples:\n  hac update pending\n  hac update run --current --dry-run\n  hac update run --current --follow --yes"
    )]
    #[command(subcommand)]
    Update(update::UpdateCommand),
    /// Is the server healthy? HAC's health checks, without logging in (exit 0 healthy,
    /// 1 unhealthy, 4 unreachable)
    Health(health::HealthArgs),
    /// Wait until the server is up: healthy and a login works (after a deployment)
    Wait(health::WaitArgs),
    /// Explain, step by step, why a connection does not work (or that it does)
    Doctor(doctor::DoctorArgs),
    /// Version and build of the platform
    About(platform::AboutArgs),
    /// The extensions of the tenant
    Extensions(platform::ExtensionsArgs),
    /// Show a logger's level, list the loggers, or set a level (on the answering node,
    /// until restart)
    LogLevel(logging::LogLevelArgs),
    /// Region cache statistics, or clear every cache region
    #[command(
        after_help = "Examples:\n  hac cache stats -o json\n  hac --nodes a,b cache clear --yes"
    )]
    #[command(subcommand)]
    Cache(cache::CacheCommand),
    /// Running cron jobs with their progress, or abort them
    Cronjobs(cronjobs::CronjobsArgs),
    /// Read configuration properties, or set one (on the answering node, until restart)
    #[command(
        after_help = "Examples:\n  hac config get build.version\n  hac config get --grep mail.smtp\n  hac config set log4j2.logger.sql.level DEBUG"
    )]
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// A type's attributes (from HAC's ImpEx editor)
    Type(types::TypeArgs),
    /// Composed types, all or those whose code starts with PREFIX
    Types(types::TypesArgs),
    /// What a PK says: its type, creation time, cluster id (HAC's PK analyzer)
    Pk(types::PkArgs),
    /// The cluster's nodes behind the load balancer, with the ROUTE value that --node
    /// pins each to (found by sampling the balancer)
    Nodes(nodes::NodesArgs),
    /// What differs between two environments (hac diff A B WHAT), or between the nodes of
    /// one (--nodes): configuration, type system, extensions, patches, query rows; reads
    /// only (exit 0 equal, 7 different)
    Diff(crate::commands::diff::DiffArgs),
    /// The cluster as the answering node sees it
    Cluster(monitoring::ClusterArgs),
    /// Data sources and table sizes
    Db(monitoring::DbArgs),
    /// Memory of the answering node (MiB)
    Memory(monitoring::MemoryArgs),
    /// A thread dump of the answering node
    Threaddump(monitoring::ThreaddumpArgs),
    /// Serve HAC to coding agents over the Model Context Protocol (stdio). Reads always;
    /// Groovy (code execution) on profiles neither protected nor read-only, unless
    /// mcp_allow_groovy = false; writes only with mcp_allow_writes = true on such profiles
    #[cfg(feature = "mcp")]
    Mcp(crate::mcp::McpArgs),
    /// Log in now and cache the session (or import a browser's session with --cookie -)
    Login(sessions::LoginArgs),
    /// End the session on the server and remove it from the cache
    #[command(after_help = "Examples:\n  hac logout\n  hac --profile staging logout")]
    Logout,
    /// Manage cached sessions
    #[command(
        after_help = "Examples:\n  hac sessions list\n  hac sessions prune\n  hac sessions clear"
    )]
    #[command(subcommand)]
    Sessions(sessions::SessionsCommand),
    /// Show and edit the profiles of the configuration file
    #[command(
        after_help = "Examples:\n  hac profiles list\n  hac profiles show staging\n  hac profiles add staging --url https://staging.example.com protected=true"
    )]
    #[command(subcommand)]
    Profiles(profiles::ProfilesCommand),
    /// Print a shell completion script: bash, zsh, fish, powershell, elvish
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff), or write a page per command with --dir
    Man(crate::commands::man::ManArgs),
    /// Help on a command (hac help impex import), or on a topic: options (the options every
    /// command takes), safety (what each operation can do to a server, and the guard)
    Help(help::HelpArgs),
}

impl Command {
    /// What the command reads before connecting (a script, a query), so that a bad file
    /// fails without a login and a script given as "-" is read once for every target.
    pub fn read_input(&self, stdin_taken: bool) -> Result<Input> {
        match self {
            Command::Groovy(a) => a.read_input(stdin_taken),
            Command::Flexsearch(a) => a.read_input(stdin_taken),
            Command::Impex(c) => c.read_input(stdin_taken),
            _ => Ok(Input::None),
        }
    }

    /// What the command sends, classified by the operation table; `None` for the commands
    /// that send nothing to a server.
    pub fn intent(&self, input: &Input) -> Result<Option<Intent>> {
        Ok(Some(match self {
            Command::Groovy(a) => a.intent(),
            Command::Flexsearch(a) => a.intent(input)?,
            Command::Impex(c) => c.intent(input),
            Command::Update(c) => c.intent(),
            Command::Health(_) => health::HealthArgs::intent(),
            Command::Wait(_) => health::WaitArgs::intent(),
            Command::Doctor(_) => doctor::DoctorArgs::intent(),
            Command::Nodes(_) => nodes::NodesArgs::intent(),
            Command::Diff(_) => Intent::new(crate::safety::Operation::Diff),
            Command::About(_) => platform::AboutArgs::intent(),
            Command::Extensions(_) => platform::ExtensionsArgs::intent(),
            Command::LogLevel(a) => a.intent(),
            Command::Cache(c) => c.intent(),
            Command::Cronjobs(a) => a.intent(),
            Command::Config(c) => c.intent(),
            Command::Type(_) | Command::Types(_) => types::TypeArgs::intent(),
            Command::Pk(_) => types::PkArgs::intent(),
            Command::Cluster(_) => monitoring::ClusterArgs::intent(),
            Command::Db(_) => monitoring::DbArgs::intent(),
            Command::Memory(_) => monitoring::MemoryArgs::intent(),
            Command::Threaddump(_) => monitoring::ThreaddumpArgs::intent(),
            Command::Login(_) => sessions::LoginArgs::intent(),
            Command::Logout => sessions::logout_intent(),
            Command::Sessions(_)
            | Command::Profiles(_)
            | Command::Completions(_)
            | Command::Man(_)
            | Command::Help(_) => return Ok(None),
            #[cfg(feature = "mcp")]
            Command::Mcp(_) => return Ok(None),
        }))
    }

    /// How the command's output is labelled when it runs on several targets; `None` for
    /// what runs once (imports, updates, sessions, waiting, doctor).
    pub fn fan_out_shape(&self) -> Option<Shape> {
        match self {
            Command::Groovy(a) => Some(a.shape()),
            Command::Flexsearch(a) => a.shape(),
            Command::Update(c) => c.shape(),
            Command::Health(a) => Some(a.output.shape()),
            Command::About(a) => Some(a.output.shape()),
            Command::Extensions(a) => Some(a.output.shape()),
            Command::LogLevel(a) => Some(a.output.shape()),
            Command::Cache(c) => Some(c.shape()),
            Command::Cronjobs(a) => a.shape(),
            Command::Config(c) => Some(c.shape()),
            Command::Type(a) => Some(a.output.shape()),
            Command::Types(a) => Some(a.output.shape()),
            Command::Pk(a) => Some(a.output.shape()),
            Command::Cluster(a) => Some(a.output.shape()),
            Command::Db(a) => Some(a.output.shape()),
            Command::Memory(a) => Some(a.output.shape()),
            Command::Threaddump(a) => a.shape(),
            _ => None,
        }
    }

    /// What the command writes to stdout: how server text there is made safe.
    pub fn stdout_kind(&self) -> StdoutKind {
        match self {
            Command::Completions(_) | Command::Man(_) | Command::Help(_) => StdoutKind::Raw,
            #[cfg(feature = "mcp")]
            Command::Mcp(_) => StdoutKind::Raw,
            _ if self.ci_targets().github => StdoutKind::Github,
            Command::Diff(a) => match a.format {
                crate::commands::diff::DiffFormat::Github => StdoutKind::Github,
                crate::commands::diff::DiffFormat::Json => StdoutKind::Json,
                crate::commands::diff::DiffFormat::Text => StdoutKind::Text,
            },
            _ => match self.fan_out_shape() {
                Some(Shape::Json | Shape::Jsonl) => StdoutKind::Json,
                Some(Shape::Csv) => StdoutKind::Csv,
                _ => StdoutKind::Text,
            },
        }
    }

    /// Where the command reports for CI (`-o github`, `--report junit=FILE`), so that a
    /// failure before any result is reported there too.
    pub fn ci_targets(&self) -> CiTargets {
        use crate::output::format::ReportFormat;
        let (format, report, suite, file) = match self {
            Command::Groovy(a) => (
                a.format,
                &a.report,
                "groovy",
                super_label(a.file.as_deref()),
            ),
            Command::Impex(impex::ImpexCommand::Import(a)) => {
                (a.format, &a.report, "impex import", files_label(&a.files))
            }
            Command::Impex(impex::ImpexCommand::Validate(a)) => {
                (a.format, &a.report, "impex validate", files_label(&a.files))
            }
            _ => return CiTargets::default(),
        };
        CiTargets {
            github: format == ReportFormat::Github,
            junit: report.as_ref().map(|Report::Junit(p)| p.clone()),
            suite: suite.into(),
            file: if file.is_empty() {
                "stdin".into()
            } else {
                file
            },
        }
    }

    /// Runs a command that works on one client; used once, or once per fan-out target.
    pub fn execute(&self, hac: &HacClient, out: &mut Out, input: &Input) -> Result<Exit> {
        match self {
            Command::Groovy(a) => a.run(hac, out, input),
            Command::Flexsearch(a) => a.run(hac, out, input),
            Command::Impex(c) => c.run(hac, out, input),
            Command::Update(c) => c.run(hac, out),
            Command::Health(a) => a.run(hac, out),
            Command::Wait(a) => a.run(hac, out),
            Command::About(a) => a.run(hac, out),
            Command::Extensions(a) => a.run(hac, out),
            Command::LogLevel(a) => a.run(hac, out),
            Command::Cache(c) => c.run(hac, out),
            Command::Cronjobs(a) => a.run(hac, out),
            Command::Config(c) => c.run(hac, out),
            Command::Type(a) => a.run(hac, out),
            Command::Types(a) => a.run(hac, out),
            Command::Pk(a) => a.run(hac, out),
            Command::Cluster(a) => a.run(hac, out),
            Command::Db(a) => a.run(hac, out),
            Command::Memory(a) => a.run(hac, out),
            Command::Threaddump(a) => a.run(hac, out),
            Command::Doctor(_)
            | Command::Nodes(_)
            | Command::Diff(_)
            | Command::Login(_)
            | Command::Logout
            | Command::Sessions(_)
            | Command::Profiles(_)
            | Command::Completions(_)
            | Command::Man(_)
            | Command::Help(_) => Err(anyhow::anyhow!(
                "internal error: this command is run by the runner"
            )),
            #[cfg(feature = "mcp")]
            Command::Mcp(_) => Err(anyhow::anyhow!(
                "internal error: this command is run by the runner"
            )),
        }
    }
}

/// Flags that make a command change the server: never offered as a guess for a mistyped
/// flag (clap suggests the nearest name: `--limit` once got `--commit`).
const WRITE_FLAGS: &[&str] = &["--commit", "--yes", "--drop-tables", "--code-execution"];

/// A clap error without a suggestion that is a write flag.
pub fn without_write_suggestions(e: clap::Error) -> clap::Error {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return e;
    }
    let suggests_a_write = e.context().any(|(kind, value)| {
        matches!(kind, ContextKind::SuggestedArg)
            && match value {
                ContextValue::String(s) => WRITE_FLAGS.iter().any(|f| s.contains(f)),
                ContextValue::Strings(all) => all
                    .iter()
                    .any(|s| WRITE_FLAGS.iter().any(|f| s.contains(f))),
                _ => false,
            }
    });
    if !suggests_a_write {
        return e;
    }
    let mut plain = clap::Error::new(ErrorKind::UnknownArgument);
    for (kind, value) in e.context() {
        // The usage line clap built names the suggested flag too.
        if !matches!(
            kind,
            ContextKind::SuggestedArg | ContextKind::Suggested | ContextKind::Usage
        ) {
            plain.insert(kind, value.clone());
        }
    }
    plain
}

/// The command line as `hac` parses it and prints its help: empty variables count as unset
/// ([`crate::config::env::ignore_empty`]), and each command's help shows its own options only, with
/// a pointer to the options every command takes (listed once, by `hac --help` and
/// `hac help options`: repeated in each command they hid its own). Hidden options still
/// parse, and clap still suggests them for a typo.
pub fn command() -> clap::Command {
    let cmd = crate::config::env::ignore_empty(<Cli as clap::CommandFactory>::command());
    // Each command gets its own hidden copy of each global option before clap builds the
    // tree: clap then sees them present and does not copy the visible ones in. (Changing
    // an option after the build would leave clap's index of the options stale.)
    let globals: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .map(|a| a.clone().hide(true))
        .collect();
    cmd.mut_subcommands(|sub| own_options_only(sub, &globals))
}

/// The pointer each command's help ends with.
pub const GLOBAL_OPTIONS_POINTER: &str = "Options every command takes (--profile, --url, --timeout, --yes, --node, ...): hac help options";

fn own_options_only(mut sub: clap::Command, globals: &[clap::Arg]) -> clap::Command {
    for arg in globals {
        // A command's own option of the same name wins, as when clap copies globals.
        if !sub.get_arguments().any(|a| a.get_id() == arg.get_id()) {
            sub = sub.arg(arg.clone());
        }
    }
    let after = match sub.get_after_help() {
        Some(own) => format!("{own}\n\n{GLOBAL_OPTIONS_POINTER}"),
        None => GLOBAL_OPTIONS_POINTER.to_owned(),
    };
    sub.after_help(after)
        .mut_subcommands(|s| own_options_only(s, globals))
}

/// What a failure before any file is about: the one file, or the run ("hac") when it
/// has several (an annotation names one file).
fn files_label(files: &[String]) -> String {
    match files {
        [one] => super_label(Some(one)),
        _ if files.len() > 1 => "hac".into(),
        _ => String::new(),
    }
}

fn super_label(file: Option<&str>) -> String {
    crate::commands::label(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
        command().debug_assert();
    }

    /// The words of an example's `hac` command: variables before it and what follows a
    /// pipe, redirection or comment left out; quotes as the shell reads them.
    fn example_words(line: &str) -> Vec<String> {
        let mut words = Vec::new();
        let mut word = String::new();
        let mut quote = None;
        let mut started = false;
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), c) => word.push(c),
                (None, '\'' | '"') => {
                    quote = Some(c);
                    started = true;
                }
                (None, '|' | '>' | '<' | '#' | '&') => break,
                (None, c) if c.is_whitespace() => {
                    if started {
                        words.push(std::mem::take(&mut word));
                        started = false;
                    }
                }
                (None, c) => {
                    word.push(c);
                    started = true;
                }
            }
        }
        if started {
            words.push(word);
        }
        let at = words.iter().position(|w| w == "hac").unwrap_or(words.len());
        words.split_off(at)
    }

    /// Every command's help has two or three examples, and each of them is a command line
    /// `hac` accepts (a renamed option fails here).
    #[test]
    fn every_command_has_examples_that_parse() {
        fn walk(cmd: &clap::Command, path: String, problems: &mut Vec<String>) {
            let here = format!("{path} {}", cmd.get_name()).trim().to_owned();
            let after = cmd
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            let examples: Vec<&str> = after
                .split("Examples:\n")
                .nth(1)
                .unwrap_or("")
                .lines()
                .take_while(|l| l.starts_with("  "))
                .collect();
            if examples.len() < 2 {
                problems.push(format!("{here}: {} examples", examples.len()));
            }
            for line in examples {
                let words = example_words(line);
                if words.is_empty() {
                    continue;
                }
                if let Err(e) = command().try_get_matches_from(&words)
                    && !matches!(
                        e.kind(),
                        clap::error::ErrorKind::DisplayHelp
                            | clap::error::ErrorKind::DisplayVersion
                    )
                {
                    problems.push(format!("{here}: {line:?}: {}", e.kind()));
                }
            }
            for s in cmd.get_subcommands() {
                walk(s, here.clone(), problems);
            }
        }
        let mut problems = Vec::new();
        walk(&command(), String::new(), &mut problems);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn each_command_shows_its_own_options_and_a_pointer() {
        let mut cmd = command();
        cmd.build();
        let root = cmd.render_long_help().to_string();
        assert!(root.contains("--profile"), "{root}");
        let sub = cmd
            .find_subcommand_mut("flexsearch")
            .unwrap()
            .render_long_help()
            .to_string();
        assert!(!sub.contains("--profile <"), "{sub}");
        assert!(
            sub.contains("--sql") && sub.contains(GLOBAL_OPTIONS_POINTER),
            "{sub}"
        );
        // Still accepted after the command, where people put them.
        let m = command()
            .try_get_matches_from(["hac", "flexsearch", "--profile", "dev", "SELECT 1"])
            .unwrap();
        assert_eq!(
            m.get_one::<String>("profile").map(String::as_str),
            Some("dev")
        );
    }
}
