//! The command line: global options (each also from an environment variable) and the
//! commands. There is deliberately no option that takes the password as an argument:
//! arguments are visible to every user of the machine through `ps`.

use std::path::PathBuf;
use std::time::Duration;

use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

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

/// Options every command accepts. Shown under their own heading in each command's help.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Profile from the configuration file [default: its default_profile]
    #[arg(long, env = "HAC_PROFILE", global = true, hide_env_values = true)]
    pub profile: Option<String>,

    /// Server URL, e.g. https://localhost:9002
    #[arg(long, env = "HAC_URL", global = true, hide_env_values = true)]
    pub url: Option<String>,

    /// HAC context path ("/hac" or "/" for root); detected when not given
    #[arg(long, env = "HAC_CONTEXT_PATH", global = true, hide_env_values = true)]
    pub context_path: Option<String>,

    /// HAC user [default: admin]
    #[arg(long, env = "HAC_USER", global = true, hide_env_values = true)]
    pub user: Option<String>,

    /// Session cache tag: sessions of different environments are cached apart [default: the
    /// profile's name, else local]
    #[arg(long = "env", env = "HAC_ENV", global = true, hide_env_values = true)]
    pub environment: Option<String>,

    /// Timeout of every request, imports and updates included unless --long-timeout is
    /// given: 30, 30s, 500ms, 5m [default: 30s]
    #[arg(long, env = "HAC_TIMEOUT", value_parser = parse_duration, global = true, hide_env_values = true)]
    pub timeout: Option<Duration>,

    /// Timeout of imports and system updates [default: --timeout if given, else 30m]
    #[arg(long, env = "HAC_LONG_TIMEOUT", value_name = "TIMEOUT", value_parser = parse_duration, global = true, hide_env_values = true)]
    pub long_timeout: Option<Duration>,

    /// Trust this certificate (PEM or DER): a CA, or the server's own self-signed
    /// certificate (as curl --cacert)
    #[arg(
        long,
        env = "HAC_CA_CERT",
        value_name = "FILE",
        global = true,
        hide_env_values = true
    )]
    pub ca_cert: Option<PathBuf>,

    /// Accept any TLS certificate (dangerous: anyone on the network can read the password)
    #[arg(long, env = "HAC_INSECURE", global = true, value_parser = BoolishValueParser::new(), hide_env_values = true)]
    pub insecure: bool,

    /// HTTP(S) proxy, e.g. http://user:pass@proxy:3128 [default: ALL_PROXY, HTTPS_PROXY,
    /// HTTP_PROXY with NO_PROXY]
    #[arg(
        long,
        env = "HAC_PROXY",
        value_name = "URL",
        global = true,
        hide_env_values = true
    )]
    pub proxy: Option<String>,

    /// Confirm a write on a protected profile (and --drop-tables) without being asked
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,

    /// Read the password from the first line of standard input
    #[arg(long, global = true)]
    pub password_stdin: bool,

    /// Neither resume nor store a session: log in on every run
    #[arg(long, env = "HAC_NO_SESSION_CACHE", global = true, value_parser = BoolishValueParser::new(), hide_env_values = true)]
    pub no_session_cache: bool,

    /// Largest answer accepted: 64M, 1G, 500k or bytes [default: 256M]
    #[arg(long, env = "HAC_MAX_RESPONSE", value_name = "SIZE", value_parser = parse_size, global = true, hide_env_values = true)]
    pub max_response: Option<u64>,

    /// Directory for cached sessions [default: the user's cache directory]
    #[arg(
        long,
        env = "HAC_CACHE_DIR",
        value_name = "DIR",
        global = true,
        hide_env_values = true
    )]
    pub cache_dir: Option<PathBuf>,

    /// No diagnostics on stderr (errors are still reported)
    #[arg(short, long, env = "HAC_QUIET", global = true, value_parser = BoolishValueParser::new(), hide_env_values = true)]
    pub quiet: bool,

    /// More diagnostics on stderr: -v logins and re-logins, -vv session details
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Send every request to this cluster node: the value of the load balancer's routing
    /// cookie (on SAP Commerce Cloud the ROUTE cookie a browser got, e.g. .hcs-5d4-x2x4q)
    #[arg(
        long,
        env = "HAC_NODE",
        value_name = "ROUTE",
        global = true,
        hide_env_values = true
    )]
    pub node: Option<String>,

    /// Run the command on each of these nodes in parallel (comma-separated routing cookie
    /// values), each with its own session; results labelled by node, in this order
    #[arg(
        long,
        env = "HAC_NODES",
        value_name = "A,B,..",
        value_delimiter = ',',
        global = true,
        hide_env_values = true
    )]
    pub nodes: Option<Vec<String>>,

    /// Run the command against each of these profiles in parallel (comma-separated), to
    /// compare environments; results labelled by profile
    #[arg(long, value_name = "P1,P2,..", value_delimiter = ',', global = true)]
    pub profiles: Option<Vec<String>>,

    /// Name of the load balancer's routing cookie that --node sets [default: ROUTE]
    #[arg(
        long,
        env = "HAC_ROUTE_COOKIE",
        value_name = "NAME",
        global = true,
        hide_env_values = true
    )]
    pub route_cookie: Option<String>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a Groovy script (from FILE, or standard input for "-" or no FILE)
    Groovy(GroovyArgs),
    /// Run a FlexibleSearch (or, with --sql, SQL) query; "-" reads it from standard input
    Flexsearch(FlexsearchArgs),
    /// Import, validate or export ImpEx
    #[command(subcommand)]
    Impex(ImpexCommand),
    /// Read update data, pending patches and the update log; run a system update
    #[command(subcommand)]
    Update(UpdateCommand),
    /// Is the server healthy? HAC's health checks, without logging in (exit 0 healthy,
    /// 1 unhealthy, 4 unreachable)
    Health {
        /// Output format
        #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Wait until the server is up: healthy and a login works (after a deployment)
    Wait(WaitArgs),
    /// Explain, step by step, why a connection does not work (or that it does)
    Doctor {
        /// Output format (json for a support ticket: no secret in it)
        #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Version and build of the platform
    About {
        /// Output format
        #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// The extensions of the tenant
    Extensions {
        /// Output format
        #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Show a logger's level, list the loggers, or set a level (on the answering node,
    /// until restart)
    LogLevel(LogLevelArgs),
    /// Region cache statistics, or clear every cache region
    #[command(subcommand)]
    Cache(CacheCommand),
    /// Running cron jobs with their progress, or abort them
    Cronjobs(CronjobsArgs),
    /// Read configuration properties, or set one (on the answering node, until restart)
    #[command(subcommand)]
    Config(ConfigCommand),
    /// A type's attributes (from HAC's ImpEx editor)
    Type {
        /// The type's code, e.g. Product (case-insensitive)
        code: String,
        /// Output format
        #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Composed types, all or those whose code starts with PREFIX
    Types {
        /// Case-insensitive prefix of the type codes
        prefix: Option<String>,
        /// Output format
        #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// What a PK says: its type, creation time, cluster id (HAC's PK analyzer)
    Pk {
        /// The PK, e.g. 8796093054977
        pk: String,
        /// Output format
        #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// The cluster as the answering node sees it
    Cluster {
        /// Output format
        #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Data sources and table sizes
    Db {
        /// Output format
        #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Memory of the answering node (MiB)
    Memory {
        /// Output format
        #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// A thread dump of the answering node
    Threaddump {
        /// Write it to FILE instead of standard output
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Serve HAC to coding agents over the Model Context Protocol (stdio). Reads always;
    /// Groovy (code execution) on profiles neither protected nor read-only, unless
    /// mcp_allow_groovy = false; writes only with mcp_allow_writes = true on such profiles
    #[cfg(feature = "mcp")]
    Mcp {
        /// Append one JSON line per tool call here [default: the platform's state
        /// directory, hac/mcp-audit.jsonl]
        #[arg(
            long,
            env = "HAC_MCP_AUDIT_LOG",
            value_name = "FILE",
            hide_env_values = true
        )]
        audit_log: Option<PathBuf>,
    },
    /// Log in now and cache the session (or import a browser's session with --cookie)
    Login(LoginArgs),
    /// End the session on the server and remove it from the cache
    Logout,
    /// Manage cached sessions
    #[command(subcommand)]
    Sessions(SessionsCommand),
    /// Show the profiles of the configuration file
    #[command(subcommand)]
    Profiles(ProfilesCommand),
    /// Print a shell completion script: bash, zsh, fish, powershell, elvish
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output
    Man,
    /// Help on a command (hac help impex import), or on a topic: options (the options every
    /// command takes), safety (what each operation can do to a server, and the guard)
    Help {
        /// A command, or a topic: options, safety
        topic: Vec<String>,
    },
}

/// `hac wait`.
#[derive(Debug, Args)]
pub struct WaitArgs {
    /// Wait until HAC is healthy and a login works
    #[arg(long, required = true)]
    pub ready: bool,
    /// Give up after this long (exit 4 when the server never answered, 1 when it answered
    /// unhealthy): 90s, 10m, 1h
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "10m")]
    pub wait_timeout: Duration,
    /// Time between attempts
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "5s")]
    pub interval: Duration,
}

/// `hac log-level`.
#[derive(Debug, Args)]
pub struct LogLevelArgs {
    /// The logger, e.g. de.hybris.platform.jalo ("root" for the root logger)
    #[arg(required_unless_present = "list")]
    pub logger: Option<String>,
    /// The level to set: ALL, TRACE, DEBUG, INFO, WARN, ERROR, FATAL, OFF
    pub level: Option<String>,
    /// List the configured loggers (those whose name contains PATTERN)
    #[arg(long, value_name = "PATTERN", num_args = 0..=1, default_missing_value = "", conflicts_with_all = ["logger", "level"])]
    pub list: Option<String>,
    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
    pub format: TextFormat,
}

/// `hac cache ...`.
#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Sizes and counters of each region cache
    Stats {
        /// Output format
        #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Clear every region cache (HAC offers no per-region clear)
    Clear {
        /// Output format
        #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
}

/// `hac cronjobs`.
#[derive(Debug, Args)]
pub struct CronjobsArgs {
    #[command(subcommand)]
    pub command: Option<CronjobsCommand>,
    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text, global = true)]
    pub format: TextFormat,
}

/// `hac cronjobs ...`.
#[derive(Debug, Subcommand)]
pub enum CronjobsCommand {
    /// Request an abort of EVERY running cron job (HAC has no per-job abort); needs
    /// --yes or a typed confirmation
    Abort,
}

/// `hac config ...`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// A property's value, or every property whose key matches --grep
    Get {
        /// The key
        #[arg(required_unless_present = "grep", conflicts_with = "grep")]
        key: Option<String>,
        /// Keys containing this text (case-insensitive)
        #[arg(long, value_name = "PATTERN")]
        grep: Option<String>,
        /// Output format
        #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Set a property on the answering node, in memory until restart
    Set {
        /// The key
        key: String,
        /// The value
        value: String,
        /// Output format
        #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
}

/// `hac impex export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Export script file, or "-" for standard input
    pub file: Option<String>,
    /// Directory to unpack the exported files into (created if missing)
    #[arg(short = 'o', long, value_name = "DIR")]
    pub output: PathBuf,
    /// Validation of the exported data
    #[arg(long, value_enum, default_value_t = ExportValidation::ExportOnly)]
    pub validation: ExportValidation,
    /// The most the export may unpack to, in all (and no file over 1 MiB above 200 times
    /// its compressed size, which only a zip bomb reaches): 1G, 500M
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "1G")]
    pub max_unpacked: u64,
}

/// Export validation modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportValidation {
    /// Export only
    ExportOnly,
    /// Check the export can be re-imported, relaxed
    ReimportRelaxed,
    /// Check the export can be re-imported, strict
    ReimportStrict,
}

/// `hac login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Use this session instead of logging in: the Cookie header of a browser logged in to
    /// HAC (e.g. through SSO), "JSESSIONID=...; ROUTE=...". Give "-" and paste it on
    /// standard input: a value on the command line is visible to every local user (ps)
    #[arg(long, value_name = "-|COOKIES", conflicts_with = "cookie_file")]
    pub cookie: Option<String>,
    /// Read the browser's Cookie header from FILE (as --cookie)
    #[arg(long, value_name = "FILE")]
    pub cookie_file: Option<PathBuf>,
    /// Store the password in the system keyring for this profile (asked for as usual)
    #[arg(long, conflicts_with_all = ["cookie", "cookie_file"])]
    pub save_password: bool,
}

/// `hac profiles ...`.
#[derive(Debug, Subcommand)]
pub enum ProfilesCommand {
    /// List the profiles
    List {
        /// Output format
        #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Show a profile's resolved settings and where each comes from (never a secret)
    Show {
        /// The profile [default: the one in use]
        name: Option<String>,
        /// Output format
        #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
}

/// `hac groovy`.
#[derive(Debug, Args)]
pub struct GroovyArgs {
    /// Script file, or "-" for standard input
    pub file: Option<String>,
    /// Commit the script's database changes (default: roll back)
    #[arg(long)]
    pub commit: bool,
    /// Script language
    #[arg(long = "type", value_enum, default_value_t = ScriptLanguage::Groovy)]
    pub script_type: ScriptLanguage,
    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Also write a CI report of the run: junit=FILE (JUnit XML)
    #[arg(long, value_name = "junit=FILE", value_parser = parse_report)]
    pub report: Option<Report>,
}

/// Script languages of HAC's scripting console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScriptLanguage {
    /// Groovy
    Groovy,
    /// BeanShell
    Beanshell,
    /// JavaScript (where the server has an engine for it)
    Javascript,
}

/// `--max` when not given: HAC's own default (`DEFAULT_MAX_COUNT`).
pub const DEFAULT_MAX: MaxRows = MaxRows::Rows(hac_client::DEFAULT_MAX_COUNT);

/// `--max`: a number of rows or `all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxRows {
    /// At most this many.
    Rows(u32),
    /// No limit.
    All,
}

fn parse_max(text: &str) -> Result<MaxRows, String> {
    if text.trim().eq_ignore_ascii_case("all") {
        return Ok(MaxRows::All);
    }
    match text.trim().parse::<u32>() {
        Ok(n) if n >= 1 => Ok(MaxRows::Rows(n)),
        _ => Err(format!(
            "{text:?}: expected a number of rows (1 or more) or \"all\""
        )),
    }
}

/// `hac flexsearch`.
#[derive(Debug, Args)]
pub struct FlexsearchArgs {
    /// The query, or "-" for standard input
    pub query: String,
    /// The query is SQL, not FlexibleSearch
    #[arg(long)]
    pub sql: bool,
    /// Maximum number of rows, or "all" for no limit [default: 200]
    #[arg(long, value_name = "N|all", value_parser = parse_max)]
    pub max: Option<MaxRows>,
    /// Every row, however many, fetched in pages ordered by PK and written as they arrive
    /// (flat memory): for FlexibleSearch queries that select {pk}, without ORDER BY,
    /// GROUP BY or UNION
    #[arg(long, conflicts_with_all = ["max", "sql"])]
    pub all: bool,
    /// Rows per page with --all
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..), requires = "all")]
    pub page_size: u32,
    /// Commit the changes of SQL DML (UPDATE, INSERT, DELETE); rolled back by default
    #[arg(long)]
    pub commit: bool,
    /// Data source to query (e.g. a read-only replica); master by default
    #[arg(long, value_name = "ID")]
    pub data_source: Option<String>,
    /// Locale for localized attributes, e.g. en
    #[arg(long, value_name = "L")]
    pub locale: Option<String>,
    /// Run the query as this user
    #[arg(long, value_name = "U")]
    pub as_user: Option<String>,
    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
    /// How NULL is shown in table and csv output [default: NULL in tables, empty in csv]
    #[arg(long, value_name = "STRING")]
    pub null: Option<String>,
    /// With -o csv: a cell a spreadsheet would run as a formula (starting with = + - @ TAB
    /// or CR) gets a leading ' (OWASP's advice; changes the data: -5 becomes '-5)
    #[arg(long)]
    pub csv_safe: bool,
}

/// `hac impex ...`.
#[derive(Debug, Subcommand)]
pub enum ImpexCommand {
    /// Import ImpEx
    Import(ImpexArgs),
    /// Validate ImpEx without importing it
    Validate(ImpexArgs),
    /// Export data with an export script and unpack the result into a directory
    Export(ExportArgs),
}

/// Options of `impex import` and `impex validate`.
#[derive(Debug, Args)]
pub struct ImpexArgs {
    /// ImpEx file, or "-" for standard input
    pub file: Option<String>,
    /// Validation mode
    #[arg(long, value_enum, default_value_t = Validation::Strict)]
    pub validation: Validation,
    /// Legacy (Jalo) mode
    #[arg(long)]
    pub legacy: bool,
    /// Allow BeanShell/Groovy code in the ImpEx
    #[arg(long)]
    pub code_execution: bool,
    /// Distributed mode
    #[arg(long)]
    pub distributed: bool,
    /// Direct persistence (HAC's "sldEnabled")
    #[arg(long)]
    pub direct_persistence: bool,
    /// Send the script as a file upload even when the form would do (scripts over HAC's
    /// 6 MiB form limit, or with text HAC's XSS filter strips, always go that way)
    #[arg(long)]
    pub upload: bool,
    /// Worker threads on the server
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub threads: Option<u32>,
    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Also write a CI report of the run: junit=FILE (JUnit XML)
    #[arg(long, value_name = "junit=FILE", value_parser = parse_report)]
    pub report: Option<Report>,
}

/// `hac update ...`.
#[derive(Debug, Subcommand)]
pub enum UpdateCommand {
    /// Extensions with project data and their parameters
    Data {
        /// Output format
        #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Patches waiting to be applied
    Pending {
        /// Output format
        #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Run a system update (never an initialization)
    Run(UpdateRunArgs),
    /// Show the update log
    Log {
        /// Keep reading until the log says the update finished
        #[arg(long)]
        follow: bool,
        #[command(flatten)]
        follow_opts: FollowOpts,
        /// Output format
        #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
}

/// Options of `update run`.
#[derive(Debug, Args)]
pub struct UpdateRunArgs {
    /// Start from what HAC currently selects (parameters and required patches)
    #[arg(long)]
    pub current: bool,
    /// Do not create essential data
    #[arg(long)]
    pub no_essential_data: bool,
    /// Create project data
    #[arg(long)]
    pub project_data: bool,
    /// Do not localize types
    #[arg(long)]
    pub no_localize_types: bool,
    /// Clear the HMC configuration
    #[arg(long)]
    pub clear_hmc: bool,
    /// Drop tables (destroys data; needs --yes on every profile)
    #[arg(long)]
    pub drop_tables: bool,
    /// Project-data parameter, repeatable: NAME=VALUE[,VALUE...]
    #[arg(long = "param", value_name = "NAME=VALUES")]
    pub params: Vec<String>,
    /// Patch to apply, repeatable: CATEGORY:HASH
    #[arg(long = "patch", value_name = "CATEGORY:HASH")]
    pub patches: Vec<String>,
    /// Print the request that would be sent, and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// After starting, follow the log until the update finishes
    #[arg(long)]
    pub follow: bool,
    #[command(flatten)]
    pub follow_opts: FollowOpts,
    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
    pub format: TextFormat,
}

/// How the update log is followed.
#[derive(Debug, Args)]
pub struct FollowOpts {
    /// Seconds between reads of the log while following
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "2s")]
    pub interval: Duration,
    /// Give up following after this long (exit code 6: the update is still running)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "2h")]
    pub wait_timeout: Duration,
}

/// `hac sessions ...`.
#[derive(Debug, Subcommand)]
pub enum SessionsCommand {
    /// List cached sessions
    List {
        /// Output format
        #[arg(short = 'o', long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Remove every cached session
    Clear,
    /// Remove sessions idle or old beyond the limits
    Prune,
}

/// Output of commands whose result is not a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextFormat {
    /// Human-readable text
    Text,
    /// The library's typed result as one JSON document
    Json,
}

/// Output of query results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// Aligned columns with a header
    Table,
    /// CSV with a header row (fields quoted as RFC 4180 says); NULL is an empty field
    Csv,
    /// An array of row objects keyed by column name (jq: .[].p_code)
    Json,
    /// One JSON object per row, keyed by column name
    Jsonl,
    /// The library's whole result as one JSON document: headers, rows as arrays, counts,
    /// timing, the translated SQL
    JsonResult,
}

/// Output of Groovy and ImpEx runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Human-readable text
    Text,
    /// The library's typed result as one JSON document
    Json,
    /// GitHub Actions annotations (::error file=...,line=...::) for each problem
    Github,
}

/// A report file to write besides the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// JUnit XML at this path.
    Junit(PathBuf),
}

fn parse_report(text: &str) -> Result<Report, String> {
    match text.split_once('=') {
        Some(("junit", path)) if !path.trim().is_empty() => Ok(Report::Junit(PathBuf::from(path))),
        _ => Err(format!("{text:?}: expected junit=FILE")),
    }
}

/// ImpEx validation mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Validation {
    /// Strict
    Strict,
    /// Relaxed
    Relaxed,
}

/// Parses a size: bytes, or with `k`, `M`, `G` (binary multiples; `KiB`, `MB`... too).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size (examples: 64M, 1G, 500k)"))?;
    let factor: u64 = match unit
        .trim()
        .to_ascii_lowercase()
        .trim_end_matches(['b', 'i'])
    {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        other => return Err(format!("unknown size unit {other:?} (use k, M or G)")),
    };
    match n.checked_mul(factor) {
        Some(0) | None => Err(format!("{text:?}: the size must be above zero")),
        Some(bytes) => Ok(bytes),
    }
}

/// Parses `30`, `30s`, `500ms`, `5m`, `2h` (a bare number is seconds).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration (examples: 30, 30s, 500ms, 5m)"))?;
    let seconds = match unit.trim() {
        "" | "s" => value,
        "ms" => value / 1000.0,
        "m" | "min" => value * 60.0,
        "h" => value * 3600.0,
        other => {
            return Err(format!(
                "unknown duration unit {other:?} (use ms, s, m or h)"
            ));
        }
    };
    if !(seconds.is_finite() && seconds > 0.0 && seconds < 1e9) {
        return Err(format!("{text:?}: the duration must be greater than zero"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn max_rows() {
        assert_eq!(parse_max("50"), Ok(MaxRows::Rows(50)));
        assert_eq!(parse_max("ALL"), Ok(MaxRows::All));
        for bad in ["0", "-1", "x", ""] {
            assert!(parse_max(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1024").unwrap(), 1024);
        assert_eq!(parse_size("64M").unwrap(), 64 << 20);
        assert_eq!(parse_size("1GiB").unwrap(), 1 << 30);
        assert_eq!(parse_size("500kb").unwrap(), 500 << 10);
        for bad in ["", "0", "x", "5T", "-1"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("5m").unwrap(), Duration::from_secs(300));
        assert_eq!(parse_duration("2h").unwrap(), Duration::from_secs(7200));
        for bad in ["", "0", "-1", "abc", "5 parsecs", "1e999", "s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
