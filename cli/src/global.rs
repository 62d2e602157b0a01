//! The options every command takes (each also from an environment variable), and the
//! value parsers they share. There is deliberately no option that takes the password as an
//! argument: arguments are visible to every user of the machine through `ps`.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use clap::builder::BoolishValueParser;
use clap_complete::engine::ArgValueCompleter;

use crate::commands::completions;

/// Options every command accepts. Shown once, under their own heading in `hac --help` and
/// by `hac help options` (each command's help points there: [`crate::cli::command`]).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Profile from the configuration file [default: its default_profile]
    #[arg(long, env = "HAC_PROFILE", global = true, hide_env_values = true,
        add = ArgValueCompleter::new(completions::profile_names))]
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
        hide_env_values = true,
        add = ArgValueCompleter::new(completions::node_names)
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
        hide_env_values = true,
        add = ArgValueCompleter::new(completions::node_names)
    )]
    pub nodes: Option<Vec<String>>,

    /// Run the command against each of these profiles in parallel (comma-separated), to
    /// compare environments; results labelled by profile
    #[arg(long, value_name = "P1,P2,..", value_delimiter = ',', global = true,
        add = ArgValueCompleter::new(completions::profile_names))]
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
