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
/// then built-in defaults. The password comes from --password-stdin, HAC_PASSWORD, the
/// profile's password_command, the keyring, or a prompt on the terminal, and only when a
/// login is needed: a session cached by an earlier run is resumed without it.
///
/// Exit codes: 0 success, 1 the operation failed on the server, 2 usage or local error,
/// 3 authentication failed, 4 connection, TLS or timeout error, 5 refused locally by the
/// profile (protected or read-only), 6 gave up waiting while the server still works (an
/// update still running).
#[derive(Debug, Parser)]
#[command(
    name = "hac",
    version,
    max_term_width = 100,
    disable_help_subcommand = true
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
    #[command(subcommand)]
    Impex(impex::ImpexCommand),
    /// Read update data, pending patches and the update log; run a system update
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
    #[command(subcommand)]
    Cache(cache::CacheCommand),
    /// Running cron jobs with their progress, or abort them
    Cronjobs(cronjobs::CronjobsArgs),
    /// Read configuration properties, or set one (on the answering node, until restart)
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
    Logout,
    /// Manage cached sessions
    #[command(subcommand)]
    Sessions(sessions::SessionsCommand),
    /// Show the profiles of the configuration file
    #[command(subcommand)]
    Profiles(profiles::ProfilesCommand),
    /// Print a shell completion script: bash, zsh, fish, powershell, elvish
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff) to standard output
    Man,
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
            | Command::Man
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
            Command::Completions(_) | Command::Man | Command::Help(_) => StdoutKind::Raw,
            #[cfg(feature = "mcp")]
            Command::Mcp(_) => StdoutKind::Raw,
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
                (a.format, &a.report, "impex import", a.files.join(" "))
            }
            Command::Impex(impex::ImpexCommand::Validate(a)) => {
                (a.format, &a.report, "impex validate", a.files.join(" "))
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
            | Command::Login(_)
            | Command::Logout
            | Command::Sessions(_)
            | Command::Profiles(_)
            | Command::Completions(_)
            | Command::Man
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
    }
}
