//! `hac`: the command-line face of hac-client, for shell scripts and CI jobs.
//!
//! Results go to stdout, diagnostics to stderr, and the exit code says what kind of
//! failure happened (see `failure.rs`). Errors are one line, never a panic or backtrace.

mod args;
mod commands;
mod connect;
mod diagnostics;
mod failure;
mod guard;
mod input;
mod output;
mod profile_file;
mod reports;
mod secrets;
mod settings;

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{ArgMatches, CommandFactory, FromArgMatches};

use args::{Cli, Command, ImpexCommand, ProfilesCommand, UpdateCommand};
use commands::{completions, flexsearch, groovy, impex, profiles, sessions, update};
use failure::{Exit, exit_for};
use guard::Action;
use output::Out;
use profile_file::ConfigFile;
use settings::Settings;

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with 2; --help and --version exit with 0.
    secrets::no_core_dumps();
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    diagnostics::init(cli.global.quiet, cli.global.verbose);
    let mut out = Out::new(cli.global.quiet);
    let result = run(&cli, &matches, &mut out);
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

/// What a command does to the server, for the production guard.
fn action(command: &Command) -> (Action<'static>, bool) {
    match command {
        Command::Groovy(a) if a.commit => (Action::Write("groovy --commit"), false),
        Command::Flexsearch(a) if a.commit => (Action::Write("flexsearch --commit"), false),
        Command::Impex(ImpexCommand::Import(_)) => (Action::Write("impex import"), false),
        Command::Update(UpdateCommand::Run(a)) if !a.dry_run => {
            (Action::Write("update run"), a.drop_tables)
        }
        _ => (Action::Read, false),
    }
}

fn run(cli: &Cli, matches: &ArgMatches, out: &mut Out) -> Result<Exit> {
    let g = &cli.global;
    // Commands that need neither the configuration file nor a server.
    match &cli.command {
        Command::Completions { shell } => return completions::completions(out, *shell),
        Command::Man => return completions::man(out),
        Command::Sessions(cmd) => {
            return sessions::manage(&connect::session_manager(g)?, out, cmd);
        }
        _ => {}
    }
    let file = ConfigFile::load()?;
    match &cli.command {
        Command::Profiles(ProfilesCommand::List { format }) => {
            return profiles::list(&file, out, *format);
        }
        Command::Profiles(ProfilesCommand::Show { name, format }) => {
            let settings = Settings::resolve(g, matches, &file, name.as_deref())?;
            return profiles::show(&settings, out, *format);
        }
        _ => {}
    }
    let settings = Settings::resolve(g, matches, &file, None)?;
    connect::server_url(&settings)?;
    // Before anything is read or sent: the profile may refuse the command.
    let (action, drop_tables) = action(&cli.command);
    guard::check(&settings, action, g.yes, drop_tables)?;
    // Read first, so that a script given as "-" cannot swallow the password line.
    let password = if g.password_stdin {
        Some(connect::password_from_stdin()?)
    } else {
        None
    };
    let stdin_taken = password.is_some();
    let label = |file: Option<&str>| match file {
        None | Some("-") => "stdin".to_owned(),
        Some(path) => path.to_owned(),
    };
    // Inputs are read before connecting, so a bad file fails without a login.
    let hac = |password| connect::client(&settings, g, password);
    match &cli.command {
        Command::Groovy(args) => {
            let script = input::read_input(args.file.as_deref(), "script", stdin_taken)?;
            groovy::run(
                &hac(password)?,
                out,
                script,
                &label(args.file.as_deref()),
                args,
            )
        }
        Command::Flexsearch(args) => {
            let query = if args.query == "-" {
                input::read_input(None, "query", stdin_taken)?
            } else if args.query.trim().is_empty() {
                return Err(failure::usage("the query is empty"));
            } else {
                args.query.clone()
            };
            flexsearch::run(&hac(password)?, out, args, &query)
        }
        Command::Impex(ImpexCommand::Import(args) | ImpexCommand::Validate(args)) => {
            let validate = matches!(cli.command, Command::Impex(ImpexCommand::Validate(_)));
            let import = input::impex_input(args.file.as_deref(), stdin_taken)?;
            let file = label(args.file.as_deref());
            impex::run(&hac(password)?, out, args, import, &file, validate)
        }
        Command::Update(cmd) => update::run(&hac(password)?, out, cmd),
        Command::Login(args) => {
            let cookie = match args.cookie.as_deref() {
                Some("-") => Some(input::read_input(None, "cookie header", stdin_taken)?),
                other => other.map(str::to_owned),
            };
            let password = if args.save_password {
                Some(sessions::save_password(&settings, password)?)
            } else {
                password
            };
            sessions::login(
                &hac(password)?,
                out,
                &settings.user.value,
                cookie.as_deref(),
            )
        }
        Command::Logout => sessions::logout(&hac(password)?, out, &settings.user.value),
        Command::Sessions(_)
        | Command::Profiles(_)
        | Command::Completions { .. }
        | Command::Man => {
            unreachable!("handled above")
        }
    }
}
