//! `hac`: the command-line face of hac-client, for shell scripts and CI jobs.
//!
//! Results go to stdout, diagnostics to stderr, and the exit code says what kind of
//! failure happened (see `failure.rs`). Errors are one line, never a panic or backtrace.

mod args;
mod commands;
mod connect;
mod diagnostics;
mod failure;
mod output;
mod secrets;
mod sessions;
mod update;

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use args::{Cli, Command, ImpexCommand};
use failure::{Exit, exit_for};
use output::Out;

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with 2; --help and --version exit with 0.
    secrets::no_core_dumps();
    let cli = Cli::parse();
    diagnostics::init(cli.global.quiet, cli.global.verbose);
    let mut out = Out::new(cli.global.quiet);
    let result = run(&cli, &mut out);
    // Flushed even after a failure: a JSON result may precede the error.
    let flushed = out.flush();
    let result = result.and_then(|code| flushed.context("writing the result").map(|()| code));
    match result {
        Ok(code) => code.into(),
        Err(e) if is_broken_pipe(&e) => Exit::Success.into(),
        Err(e) => {
            // `{:#}` puts the whole context chain on one line: "running the query: cannot
            // connect to http://...: connection refused".
            output::stderr_line(format_args!("hac: {e:#}"));
            exit_for(&e).into()
        }
    }
}

/// The reader of our output went away (`hac flexsearch ... | head`): not a failure.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == BrokenPipe)
            // serde_json wraps write errors without exposing them as `source()`.
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(BrokenPipe))
    })
}

fn run(cli: &Cli, out: &mut Out) -> Result<Exit> {
    let g = &cli.global;
    // `sessions` needs neither a server nor a password.
    let needs_server = !matches!(cli.command, Command::Sessions(_));
    // Read first, so that a script given as "-" cannot swallow the password line.
    let password = if g.password_stdin && needs_server {
        Some(connect::password_from_stdin()?)
    } else {
        None
    };
    let stdin_taken = password.is_some();
    // Inputs are read before connecting, so a bad file fails without a login.
    let hac = || connect::client(g, password.clone());
    match &cli.command {
        Command::Groovy(args) => {
            let script = commands::read_input(args.file.as_deref(), "script", stdin_taken)?;
            let client = hac()?;
            commands::groovy(&client, out, script, args)
        }
        Command::Flexsearch(args) => {
            let query = if args.query == "-" {
                commands::read_input(None, "query", stdin_taken)?
            } else if args.query.trim().is_empty() {
                return Err(failure::usage("the query is empty"));
            } else {
                args.query.clone()
            };
            let client = hac()?;
            commands::flexsearch(&client, out, args, &query)
        }
        Command::Impex(ImpexCommand::Import(args)) => {
            let import = commands::impex_input(args.file.as_deref(), stdin_taken)?;
            let client = hac()?;
            commands::impex(&client, out, args, import, false)
        }
        Command::Impex(ImpexCommand::Validate(args)) => {
            let import = commands::impex_input(args.file.as_deref(), stdin_taken)?;
            let client = hac()?;
            commands::impex(&client, out, args, import, true)
        }
        Command::Update(cmd) => update::run(&hac()?, out, cmd),
        Command::Login => sessions::login(&hac()?, out, &g.user),
        Command::Logout => sessions::logout(&hac()?, out, &g.user),
        Command::Sessions(cmd) => sessions::manage(&connect::session_manager(g)?, out, cmd),
    }
}
