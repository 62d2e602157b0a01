//! `hac`: the command-line face of hac-client, for shell scripts and CI jobs.
//!
//! Results go to stdout, diagnostics to stderr, and the exit code says what kind of
//! failure happened (see `failure.rs`). Errors are one line, never a panic or backtrace.

mod args;
mod commands;
mod connect;
mod diagnostics;
mod env;
mod failure;
mod fanout;
mod input;
#[cfg(feature = "mcp")]
mod mcp;
mod output;
mod profile_file;
mod reports;
mod safe_text;
mod safety;
mod secrets;
mod settings;

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{ArgMatches, CommandFactory, FromArgMatches};

use args::{
    CacheCommand, Cli, Command, ConfigCommand, CronjobsArgs, CronjobsCommand, ImpexCommand,
    ProfilesCommand, ReportFormat, TableFormat, TextFormat, UpdateCommand,
};
use commands::{
    cache, completions, config, cronjobs, doctor, flexsearch, groovy, health, help, impex, logging,
    monitoring, platform, profiles, sessions, types, update,
};
use connect::Overrides;
use failure::{Exit, exit_for};
use fanout::Shape;
use hac_client::HacClient;
use output::Out;
use profile_file::ConfigFile;
use safety::{Intent, Operation, Scope, guard};
use settings::{Settings, Targets};

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with 2; --help and --version exit with 0.
    secrets::no_core_dumps();
    let matches = env::ignore_empty(Cli::command()).get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    diagnostics::init(cli.global.quiet, cli.global.verbose);
    let mut out = Out::new(cli.global.quiet);
    out.protect(stdout_kind(&cli.command, &matches));
    let result = run(&cli, &matches, &mut out);
    // Flushed even after a failure: a JSON result may precede the error.
    let flushed = out.flush();
    let result = result.and_then(|code| flushed.context("writing the result").map(|()| code));
    match result {
        Ok(code) => code.into(),
        Err(e) if is_broken_pipe(&e) => Exit::Success.into(),
        Err(e) => {
            // The whole context chain on one line, then the next step: "running the query:
            // cannot connect to http://...: connection refused; is HAC running ...".
            output::stderr_line(format_args!("hac: {}", failure::one_line(&e)));
            exit_for(&e).into()
        }
    }
}

/// What the command writes to stdout, from its `--format`: decides how server text there
/// is made safe (see `safe_text`).
fn stdout_kind(command: &Command, matches: &ArgMatches) -> output::StdoutKind {
    use output::StdoutKind as K;
    match command {
        Command::Completions { .. } | Command::Man | Command::Help { .. } => return K::Raw,
        #[cfg(feature = "mcp")]
        Command::Mcp { .. } => return K::Raw,
        _ => {}
    }
    let mut leaf = matches;
    while let Some((_, sub)) = leaf.subcommand() {
        leaf = sub;
    }
    let format = leaf
        .try_get_raw("format")
        .ok()
        .flatten()
        .and_then(|mut values| values.next())
        .map(|v| v.to_string_lossy().into_owned());
    match format.as_deref() {
        Some("json" | "jsonl" | "json-result") => K::Json,
        Some("csv") => K::Csv,
        _ => K::Text,
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

/// What a command sends, classified by the operation table (`safety`): `None` for the
/// commands that send nothing to a server. The input is the script or query already read,
/// because its text can decide the class (SQL, an export script's code markers).
fn intent(command: &Command, input: &Input) -> Result<Option<Intent>> {
    use Operation as O;
    let text = match input {
        Input::Text(t) => t.as_str(),
        Input::None => "",
    };
    let plain = |op| Ok(Some(Intent::new(op)));
    match command {
        Command::Groovy(_) => plain(O::GroovyScript),
        Command::Flexsearch(a) if !a.sql => {
            if a.commit {
                return Err(failure::usage(
                    "--commit commits SQL (with --sql); a FlexibleSearch query is sent without it",
                ));
            }
            Ok(Some(match safety::sql::classify_flexible_search(text) {
                Ok(()) => Intent::new(O::FlexibleSearch),
                Err(why) => Intent::with_detail(O::FlexibleSearchWrite, why.0),
            }))
        }
        Command::Flexsearch(a) if a.commit => Ok(Some(Intent::with_detail(
            O::SqlStatement,
            "--commit commits whatever it does",
        ))),
        Command::Flexsearch(_) => Ok(Some(match safety::sql::classify(text) {
            Ok(()) => Intent::new(O::SqlQuery),
            Err(why) => Intent::with_detail(O::SqlStatement, why.0),
        })),
        Command::Impex(ImpexCommand::Import(a)) => plain(if a.code_execution {
            O::ImpexImportWithCode
        } else {
            O::ImpexImport
        }),
        Command::Impex(ImpexCommand::Validate(a)) => plain(if a.code_execution {
            O::ImpexValidateWithCode
        } else {
            O::ImpexValidate
        }),
        Command::Impex(ImpexCommand::Export(_)) => {
            Ok(Some(match safety::impex::first_code_marker(text) {
                Some(line) => Intent::with_detail(
                    O::ImpexExportWithCode,
                    format!(
                        "its script has BeanShell/Groovy on line {line}, which the export runs"
                    ),
                ),
                None => Intent::new(O::ImpexExport),
            }))
        }
        Command::Update(UpdateCommand::Data { .. }) => plain(O::UpdateData),
        Command::Update(UpdateCommand::Pending { .. }) => plain(O::UpdatePending),
        Command::Update(UpdateCommand::Log { .. }) => plain(O::UpdateLog),
        // A dry run reads what it needs for the request and sends nothing else.
        Command::Update(UpdateCommand::Run(a)) if a.dry_run => plain(O::UpdateData),
        Command::Update(UpdateCommand::Run(a)) => Ok(Some(Intent {
            drop_tables: a.drop_tables,
            ..Intent::new(O::UpdateRun)
        })),
        Command::Health { .. } => plain(O::Health),
        Command::Wait(_) => plain(O::Wait),
        Command::Doctor { .. } => plain(O::Doctor),
        Command::About { .. } => plain(O::About),
        Command::Extensions { .. } => plain(O::Extensions),
        Command::LogLevel(a) if a.level.is_some() => plain(O::LogLevelSet),
        Command::LogLevel(_) => plain(O::LogLevelShow),
        Command::Cache(CacheCommand::Stats { .. }) => plain(O::CacheStats),
        Command::Cache(CacheCommand::Clear { .. }) => plain(O::CacheClear),
        Command::Cronjobs(CronjobsArgs {
            command: Some(CronjobsCommand::Abort),
            ..
        }) => plain(O::CronjobsAbort),
        Command::Cronjobs(_) => plain(O::CronjobsList),
        Command::Config(ConfigCommand::Get { .. }) => plain(O::ConfigGet),
        Command::Config(ConfigCommand::Set { .. }) => plain(O::ConfigSet),
        Command::Type { .. } | Command::Types { .. } => plain(O::TypeInfo),
        Command::Pk { .. } => plain(O::PkInfo),
        Command::Cluster { .. } => plain(O::Cluster),
        Command::Db { .. } => plain(O::Database),
        Command::Memory { .. } => plain(O::Memory),
        Command::Threaddump { .. } => plain(O::ThreadDump),
        Command::Login(_) => plain(O::Login),
        Command::Logout => plain(O::Logout),
        Command::Sessions(_)
        | Command::Profiles(_)
        | Command::Completions { .. }
        | Command::Man
        | Command::Help { .. } => Ok(None),
        #[cfg(feature = "mcp")]
        Command::Mcp { .. } => Ok(None),
    }
}

/// How a command's output is labelled when it runs on several targets; `None` for the
/// commands that run once (imports, updates, sessions, waiting, doctor).
fn fan_out_shape(command: &Command) -> Option<Shape> {
    let text = |f: &TextFormat| match f {
        TextFormat::Text => Shape::Text,
        TextFormat::Json => Shape::Json,
    };
    Some(match command {
        Command::Groovy(a) => match a.format {
            ReportFormat::Json => Shape::Json,
            _ => Shape::Text,
        },
        Command::Flexsearch(a) if !a.commit => match a.format {
            TableFormat::Table => Shape::Text,
            TableFormat::Csv => Shape::Csv,
            TableFormat::Json | TableFormat::JsonResult => Shape::Json,
            TableFormat::Jsonl => Shape::Jsonl,
        },
        Command::Health { format }
        | Command::About { format }
        | Command::Extensions { format }
        | Command::Type { format, .. }
        | Command::Types { format, .. }
        | Command::Pk { format, .. }
        | Command::Cluster { format }
        | Command::Db { format }
        | Command::Memory { format }
        | Command::Cache(CacheCommand::Stats { format } | CacheCommand::Clear { format })
        | Command::Config(ConfigCommand::Get { format, .. } | ConfigCommand::Set { format, .. })
        | Command::Update(UpdateCommand::Data { format } | UpdateCommand::Pending { format }) => {
            text(format)
        }
        Command::LogLevel(a) => text(&a.format),
        Command::Cronjobs(a) if a.command.is_none() => text(&a.format),
        Command::Threaddump { output: None } => Shape::Text,
        _ => return None,
    })
}

/// Inputs read before any connection: a bad file fails without a login, and a script
/// given as "-" is read once for every target.
enum Input {
    None,
    Text(String),
}

fn run(cli: &Cli, matches: &ArgMatches, out: &mut Out) -> Result<Exit> {
    let g = &cli.global;
    // Commands that need neither the configuration file nor a server.
    match &cli.command {
        Command::Completions { shell } => return completions::completions(out, *shell),
        Command::Man => return completions::man(out),
        Command::Help { topic } => return help::run(out, topic),
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
    if let Command::Doctor { format } = &cli.command {
        let settings = Settings::resolve(g, matches, &file, None)?;
        notes(&settings, out);
        return doctor::run(&settings, g, out, *format);
    }
    #[cfg(feature = "mcp")]
    if let Command::Mcp { audit_log } = &cli.command {
        let settings = Settings::resolve(g, matches, &file, None)?;
        notes(&settings, out);
        return mcp::serve(&settings, g, audit_log.clone());
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
    let input = read_input(cli, stdin_taken)?;
    // Before anything is sent: the profile may refuse the command.
    let intent = intent(&cli.command, &input)?;
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
            .filter(|_| scope == Some(Scope::NodeLocal) && fan_out_shape(&cli.command).is_some()),
        _ => None,
    };
    if let Some(nodes) = nodes {
        let shape = fan_out_shape(&cli.command)
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
            execute(cli, &hac, o, &input)
        });
    }
    let hac = |password| connect::client(&settings, g, password);
    match &cli.command {
        Command::Impex(ImpexCommand::Import(args) | ImpexCommand::Validate(args)) => {
            let validate = matches!(cli.command, Command::Impex(ImpexCommand::Validate(_)));
            let import = input::impex_input(args.file.as_deref(), stdin_taken)?;
            let file = label(args.file.as_deref());
            impex::run(&hac(password)?, out, args, import, &file, validate)
        }
        Command::Update(cmd @ UpdateCommand::Run(_))
        | Command::Update(cmd @ UpdateCommand::Log { .. }) => {
            update::run(&hac(password)?, out, cmd)
        }
        Command::Wait(args) => health::wait(&hac(password)?, out, args),
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
        _ => execute(cli, &hac(password)?, out, &input),
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
    let shape = fan_out_shape(&cli.command).ok_or_else(|| {
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
    let input = read_input(cli, false)?;
    let intent = intent(&cli.command, &input)?;
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
        execute(cli, &hac, o, &input)
    })
}

fn label(file: Option<&str>) -> String {
    match file {
        None | Some("-") => "stdin".to_owned(),
        Some(path) => path.to_owned(),
    }
}

/// Reads the script or query a command takes, before connecting.
fn read_input(cli: &Cli, stdin_taken: bool) -> Result<Input> {
    Ok(match &cli.command {
        Command::Groovy(args) => Input::Text(input::read_input(
            args.file.as_deref(),
            "script",
            stdin_taken,
        )?),
        Command::Flexsearch(args) => Input::Text(if args.query == "-" {
            input::read_input(None, "query", stdin_taken)?
        } else if args.query.trim().is_empty() {
            return Err(failure::usage("the query is empty"));
        } else {
            args.query.clone()
        }),
        Command::Impex(ImpexCommand::Export(args)) => Input::Text(input::read_input(
            args.file.as_deref(),
            "export script",
            stdin_taken,
        )?),
        _ => Input::None,
    })
}

/// Runs a command that works on one client; used once, or once per fan-out target.
fn execute(cli: &Cli, hac: &HacClient, out: &mut Out, input: &Input) -> Result<Exit> {
    let text = || match input {
        Input::Text(t) => t.clone(),
        Input::None => String::new(),
    };
    match &cli.command {
        Command::Groovy(args) => groovy::run(hac, out, text(), &label(args.file.as_deref()), args),
        Command::Flexsearch(args) => flexsearch::run(hac, out, args, &text()),
        Command::Impex(ImpexCommand::Export(args)) => impex::export(hac, out, args, &text()),
        Command::Update(cmd) => update::run(hac, out, cmd),
        Command::Health { format } => health::health(hac, out, *format),
        Command::About { format } => platform::about(hac, out, *format),
        Command::Extensions { format } => platform::extensions(hac, out, *format),
        Command::LogLevel(args) => logging::run(hac, out, args),
        Command::Cache(cmd) => cache::run(hac, out, cmd),
        Command::Cronjobs(args) => cronjobs::run(hac, out, args),
        Command::Config(cmd) => config::run(hac, out, cmd),
        Command::Type { code, format } => types::type_info(hac, out, code, *format),
        Command::Types { prefix, format } => {
            types::types(hac, out, prefix.as_deref().unwrap_or(""), *format)
        }
        Command::Pk { pk, format } => types::pk(hac, out, pk, *format),
        Command::Cluster { format } => monitoring::cluster(hac, out, *format),
        Command::Db { format } => monitoring::db(hac, out, *format),
        Command::Memory { format } => monitoring::memory(hac, out, *format),
        Command::Threaddump { output } => monitoring::thread_dump(hac, out, output.as_deref()),
        Command::Impex(_)
        | Command::Wait(_)
        | Command::Doctor { .. }
        | Command::Login(_)
        | Command::Logout
        | Command::Sessions(_)
        | Command::Profiles(_)
        | Command::Completions { .. }
        | Command::Man
        | Command::Help { .. } => unreachable!("handled in run"),
        #[cfg(feature = "mcp")]
        Command::Mcp { .. } => unreachable!("handled in run"),
    }
}
