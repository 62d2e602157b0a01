//! `hac health` and `hac wait`: is the server up, without (and then with) a login.

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;
use hac_client::{Error, HacClient, Health, HealthStatus};

use super::TextOutput;
use crate::failure::{Exit, classify};
use crate::global::parse_duration;
use crate::output::Out;
use crate::output::format::TextFormat;
use crate::safety::{Intent, Operation};

/// `hac health`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac health                 # exit 0 healthy, 1 unhealthy, 4 unreachable
  hac health -o json")]
pub struct HealthArgs {
    #[command(flatten)]
    pub output: TextOutput,
}

impl HealthArgs {
    pub fn intent() -> Intent {
        Intent::new(Operation::Health)
    }

    pub fn run(&self, hac: &HacClient, out: &mut Out) -> Result<Exit> {
        health(hac, out, self.output.format)
    }
}

/// `hac wait`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac wait --wait-timeout 15m          # after a deployment: healthy and a login works
  hac wait --interval 10s && hac impex import data.impex")]
pub struct WaitArgs {
    /// Wait until HAC is healthy and a login works (the only mode, and the default)
    #[arg(long)]
    pub ready: bool,
    /// Give up after this long (exit 4 when the server never answered, 1 when it answered
    /// unhealthy): 90s, 10m, 1h
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "10m")]
    pub wait_timeout: Duration,
    /// Time between attempts
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "5s")]
    pub interval: Duration,
}

impl WaitArgs {
    pub fn intent() -> Intent {
        Intent::new(Operation::Wait)
    }

    pub fn run(&self, hac: &HacClient, out: &mut Out) -> Result<Exit> {
        wait(hac, out, self)
    }
}

/// `hac health`: exit 0 healthy (or no checks registered), 1 unhealthy.
fn health(hac: &HacClient, out: &mut Out, format: TextFormat) -> Result<Exit> {
    let h = hac.health().context("reading the health check")?;
    match format {
        TextFormat::Json => out.json(&h)?,
        TextFormat::Text => write_health(out, &h)?,
    }
    Ok(match h.status {
        HealthStatus::Unhealthy => Exit::OperationFailed,
        _ => Exit::Success,
    })
}

fn write_health(out: &mut Out, h: &Health) -> Result<()> {
    let w = out.stdout();
    let verdict = match h.status {
        HealthStatus::Healthy => "healthy",
        HealthStatus::Unhealthy => "UNHEALTHY",
        HealthStatus::NoChecks => "no health checks registered",
        _ => "unknown",
    };
    match &h.system_status {
        Some(s) => writeln!(w, "{verdict} (system {s})")?,
        None => writeln!(w, "{verdict}")?,
    }
    for c in &h.checks {
        let mark = if c.healthy { "ok  " } else { "FAIL" };
        match &c.message {
            Some(m) => writeln!(w, "  {mark} {}: {m}", c.name)?,
            None => writeln!(w, "  {mark} {}", c.name)?,
        }
    }
    Ok(())
}

/// Where a wait stands.
enum State {
    Unreachable(String),
    Unhealthy(String),
    LoginFailing(String),
}

/// `hac wait --ready`: polls the health check, then a login, until both work or the wait
/// times out. A refused password ends the wait at once: it will not get better.
fn wait(hac: &HacClient, out: &mut Out, args: &WaitArgs) -> Result<Exit> {
    let started = Instant::now();
    let mut last_shown = String::new();
    loop {
        let state = match hac.health() {
            Ok(h) if h.status == HealthStatus::Unhealthy => {
                let failing: Vec<String> = h
                    .checks
                    .iter()
                    .filter(|c| !c.healthy)
                    .map(|c| c.name.clone())
                    .collect();
                State::Unhealthy(format!("unhealthy ({})", failing.join(", ")))
            }
            Ok(_) => match hac.login() {
                Ok(()) => {
                    out.clear_progress();
                    out.note(format_args!(
                        "hac: ready after {}s: healthy and logged in",
                        started.elapsed().as_secs()
                    ));
                    return Ok(Exit::Success);
                }
                Err(e) if gives_up(&e) => return Err(e).context("logging in"),
                Err(e) => State::LoginFailing(format!("healthy, but the login failed: {e}")),
            },
            Err(e @ (Error::Config { .. } | Error::Tls { .. })) => {
                // A setup problem, not a server that is still starting.
                return Err(e).context("reading the health check");
            }
            Err(e) => State::Unreachable(format!("not answering: {e}")),
        };
        let text = match &state {
            State::Unreachable(t) | State::Unhealthy(t) | State::LoginFailing(t) => t.clone(),
        };
        let elapsed = started.elapsed();
        if text != last_shown || std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            out.progress(&format!(
                "hac: waiting for HAC ({}s): {text}",
                elapsed.as_secs()
            ));
            last_shown = text.clone();
        }
        if elapsed + args.interval > args.wait_timeout {
            out.clear_progress();
            out.problem(format_args!(
                "hac: not ready after {}: {text} (wait longer with --wait-timeout)",
                humantime(args.wait_timeout)
            ));
            return Ok(match state {
                State::Unreachable(_) => Exit::Connection,
                State::Unhealthy(_) | State::LoginFailing(_) => Exit::OperationFailed,
            });
        }
        std::thread::sleep(args.interval);
    }
}

/// Login failures that waiting cannot fix.
fn gives_up(e: &Error) -> bool {
    matches!(classify(e), Exit::Authentication | Exit::Usage)
        && !matches!(e, Error::SessionRejected { .. })
}

fn humantime(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 && s.is_multiple_of(60) {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}
