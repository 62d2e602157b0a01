//! `hac`: the command-line face of hac-client, for shell scripts and CI jobs.
//!
//! Results go to stdout, diagnostics to stderr, and the exit code says what kind of
//! failure happened (see `failure.rs`). Errors are one line, never a panic or backtrace.
//! The layout: `cli.rs` (the command line's shape), `run.rs` (the runner), `commands/`
//! (one module per command: its arguments, what it sends, how it runs), `safety/` (the
//! operation table and the guard), `output/`, and the MCP server in `mcp/`.

mod cli;
mod commands;
mod config;
mod connect;
mod diagnostics;
mod failure;
mod fanout;
mod global;
mod input;
#[cfg(feature = "mcp")]
mod mcp;
mod output;
mod run;
mod safety;
mod secrets;

use std::process::ExitCode;

use anyhow::Context;
use clap::FromArgMatches;

use cli::Cli;
use failure::{Exit, exit_for};
use output::Out;

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with 2; --help and --version exit with 0.
    secrets::no_core_dumps();
    // The shell asking for completions (COMPLETE set by the script of `hac completions`).
    if let Some(code) = commands::completions::answer_the_shell() {
        return code;
    }
    let matches = match cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            let e = cli::without_write_suggestions(e);
            // A command line clap refused: still reported where CI looks, as a usage error.
            if e.use_stderr() {
                let argv: Vec<String> = std::env::args().collect();
                let message = e.kind().as_str().unwrap_or("invalid command line");
                output::ci::CiTargets::from_argv(&argv).failure(
                    Exit::Usage.class(),
                    message,
                    &mut std::io::stdout(),
                );
            }
            e.exit()
        }
    };
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    diagnostics::init(cli.global.quiet, cli.global.verbose);
    let mut out = Out::new(cli.global.quiet);
    out.protect(cli.command.stdout_kind());
    let result = run::run(&cli, &matches, &mut out);
    // Flushed even after a failure: what the server answered is never lost.
    let flushed = out.flush();
    let result = result.and_then(|code| flushed.context("writing the result").map(|()| code));
    match result {
        Ok(code) => code.into(),
        Err(e) if is_broken_pipe(&e) => Exit::Success.into(),
        Err(e) => {
            // The whole context chain on one line, then the next step: "running the query:
            // cannot connect to http://...: connection refused; is HAC running ...".
            let line = failure::one_line(&e);
            let exit = exit_for(&e);
            if !output::ci::reported() {
                cli.command
                    .ci_targets()
                    .failure(exit.class(), &line, &mut std::io::stdout());
            }
            output::stderr_line(format_args!("hac: {line}"));
            exit.into()
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
