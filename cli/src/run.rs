//! The runner: from a parsed command line to its exit code. Commands that need no server
//! run at once; the others get their settings resolved (flag, environment, profile), their
//! input read, their intent guarded, and then run on one client, on every node, or on
//! every profile named.

use anyhow::Result;
use clap::ArgMatches;

use crate::cli::{Cli, Command};
use crate::commands::profiles::ProfilesCommand;
use crate::commands::{doctor, profile_edit, profiles, sessions};
use crate::config::env;
use crate::config::file::ConfigFile;
use crate::config::settings::{self, Settings, Targets};
use crate::connect::{self, Overrides};
use crate::failure::{self, Exit};
use crate::fanout;
use crate::input;
use crate::output::Out;
use crate::safety::{self, Intent, Scope, guard};

/// Runs the command line.
pub fn run(cli: &Cli, matches: &ArgMatches, out: &mut Out) -> Result<Exit> {
    let g = &cli.global;
    // Commands that need neither the configuration file nor a server.
    match &cli.command {
        Command::Completions(args) => return args.run(out),
        Command::Man(args) => return args.run(out),
        Command::Help(args) => return args.run(out),
        Command::Profiles(ProfilesCommand::Add(args)) => return profile_edit::add(out, args),
        Command::Profiles(ProfilesCommand::Set(args)) => return profile_edit::set(out, args),
        Command::Profiles(ProfilesCommand::Use(args)) => {
            return profile_edit::use_profile(out, args);
        }
        Command::Profiles(ProfilesCommand::Remove(args)) => {
            return profile_edit::remove(out, args);
        }
        Command::Sessions(cmd) => {
            return sessions::manage(&connect::session_manager(g)?, out, cmd);
        }
        _ => {}
    }
    let file = ConfigFile::load()?;
    match &cli.command {
        Command::Profiles(ProfilesCommand::List { output }) => {
            return profiles::list(&file, out, output.format);
        }
        Command::Profiles(ProfilesCommand::Show { name, output }) => {
            let settings = Settings::resolve(g, matches, &file, name.as_deref())?;
            return profiles::show(&settings, out, output.format);
        }
        _ => {}
    }
    if let Command::Doctor(args) = &cli.command {
        let settings = Settings::resolve(g, matches, &file, None)?;
        notes(&settings, out);
        return doctor::run(&settings, g, out, args.format);
    }
    if let Command::Nodes(args) = &cli.command {
        let settings = Settings::resolve(g, matches, &file, None)?;
        notes(&settings, out);
        let intent = crate::commands::nodes::NodesArgs::intent();
        guard::check(&settings, &intent, g.yes)?;
        return crate::commands::nodes::run(&settings, g, out, args);
    }
    #[cfg(feature = "mcp")]
    if let Command::Mcp(args) = &cli.command {
        let settings = Settings::resolve(g, matches, &file, None)?;
        notes(&settings, out);
        return crate::mcp::serve(&settings, g, args.audit_log.clone());
    }
    // Options that exclude each other: on the command line together, an error; one of
    // them from the environment, the command line wins.
    let given = |id| settings::on_command_line(matches, id);
    for (a, b) in [
        ("profiles", "profile"),
        ("profiles", "node"),
        ("profiles", "nodes"),
        ("node", "nodes"),
    ] {
        if given(a) && given(b) {
            return Err(failure::usage(format!(
                "--{a} and --{b} cannot be used together"
            )));
        }
    }
    // Two targets, or the nodes of one: the command resolves and guards each itself.
    if let Command::Diff(args) = &cli.command {
        return crate::commands::diff::run(g, matches, &file, out, args);
    }
    // Several profiles: each resolved and guarded before anything is sent.
    if let Some(names) = &g.profiles {
        return run_on_profiles(cli, matches, &file, names, out);
    }
    let settings = Settings::resolve(g, matches, &file, None)?;
    notes(&settings, out);
    connect::server_url(&settings)?;
    // Read first, so that a script given as "-" cannot swallow the password line.
    let password = if g.password_stdin {
        Some(connect::password_from_stdin()?)
    } else {
        None
    };
    let stdin_taken = password.is_some();
    let input = cli.command.read_input(stdin_taken)?;
    // Before anything is sent: the profile may refuse the command.
    let intent = cli.command.intent(&input)?;
    if let Some(intent) = &intent {
        guard::check(&settings, intent, g.yes)?;
    }
    // Several nodes: --nodes runs anything that can fan out; a profile's nodes list runs
    // only node-local operations on every node (a query of the shared database once).
    let scope = intent.as_ref().map(|i| i.operation.scope());
    // --node on the command line beats HAC_NODES; --nodes beats HAC_NODE.
    let explicit_nodes = g.nodes.clone().filter(|_| !given("node"));
    let nodes = match (&explicit_nodes, &settings.nodes, &g.node) {
        (Some(n), _, _) => Some(n.clone()),
        (None, Some(n), None) => Some(n.value.clone())
            .filter(|_| scope == Some(Scope::NodeLocal) && cli.command.fan_out_shape().is_some()),
        _ => None,
    };
    if let Some(nodes) = nodes {
        let shape = cli
            .command
            .fan_out_shape()
            .filter(|_| intent.as_ref().is_some_and(runs_on_each_node))
            .ok_or_else(|| {
                failure::usage(
                    "--nodes: this command runs once, not on every node (pick one with --node)",
                )
            })?;
        let targets: Vec<_> = nodes
            .iter()
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
            .map(|n| fanout::Target {
                label: n.to_owned(),
                spec: n.to_owned(),
            })
            .collect();
        if targets.is_empty() {
            return Err(failure::usage("--nodes: no node named"));
        }
        // One password for all nodes (one server, one user): asked (or its command run) once.
        let shared = connect::SharedPassword::new(std::sync::Mutex::new(password));
        return fanout::run(&targets, "node", shape, out, |node, o| {
            let overrides = Overrides {
                node: Some(node.clone()),
                ..Overrides::default()
            };
            let hac = connect::client_with(&settings, g, None, &overrides, Some(shared.clone()))?;
            cli.command.execute(&hac, o, &input)
        });
    }
    let hac = |password| connect::client(&settings, g, password);
    match &cli.command {
        Command::Login(args) => {
            let cookie = match (args.cookie.as_deref(), &args.cookie_file) {
                (Some("-"), _) => Some(input::read_input(None, "cookie header", stdin_taken)?),
                (Some(value), _) => {
                    out.problem(
                        "hac: warning: the session cookie is on the command line, where every \
                         local user can read it (ps); next time pass --cookie - and paste it, \
                         or --cookie-file FILE",
                    );
                    Some(value.to_owned())
                }
                (None, Some(path)) => Some(input::read_input(
                    Some(&path.to_string_lossy()),
                    "cookie header",
                    stdin_taken,
                )?),
                (None, None) => None,
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
        _ => cli.command.execute(&hac(password)?, out, &input),
    }
}

/// What the settings' resolution wants the user to know.
fn notes(settings: &Settings, out: &mut Out) {
    for note in &settings.notes {
        out.note(format_args!("hac: {note}"));
    }
}

/// Whether an operation may run on every node of one server: not a write of the shared
/// database (it would run once per node), nor what runs once anyway.
fn runs_on_each_node(intent: &Intent) -> bool {
    match intent.operation.scope() {
        Scope::NodeLocal => true,
        Scope::Shared => intent.class() != safety::Class::Write,
        Scope::Once => false,
    }
}

/// `--profiles a,b`: the command on each profile's server in parallel. Each target takes
/// its own password source (never `--password-stdin` or `HAC_PASSWORD`, which name one
/// password for one server) and is guarded before anything is sent to any of them.
fn run_on_profiles(
    cli: &Cli,
    matches: &ArgMatches,
    file: &ConfigFile,
    names: &[String],
    out: &mut Out,
) -> Result<Exit> {
    let g = &cli.global;
    let shape = cli.command.fan_out_shape().ok_or_else(|| {
        failure::usage("--profiles: this command runs against one server at a time")
    })?;
    if g.password_stdin {
        return Err(failure::usage(
            "--password-stdin gives one password, and --profiles reaches several servers: each \
             profile takes its own (password_command, keyring or a prompt)",
        ));
    }
    for name in settings::SINGLE_TARGET_VARIABLES {
        if env::var(name).is_some() {
            out.note(format_args!(
                "hac: {name} is not used with --profiles: each profile uses its own settings"
            ));
        }
    }
    let input = cli.command.read_input(false)?;
    let intent = cli.command.intent(&input)?;
    let mut targets = Vec::new();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let settings = Settings::resolve_for(g, matches, file, Some(name), Targets::Several)?;
        connect::server_url(&settings)?;
        if let Some(intent) = &intent {
            guard::check(&settings, intent, g.yes)?;
        }
        targets.push(fanout::Target {
            label: name.to_owned(),
            spec: settings,
        });
    }
    if targets.is_empty() {
        return Err(failure::usage("--profiles: no profile named"));
    }
    fanout::run(&targets, "profile", shape, out, |settings, o| {
        let hac = connect::client_with(settings, g, None, &Overrides::default(), None)?;
        cli.command.execute(&hac, o, &input)
    })
}
