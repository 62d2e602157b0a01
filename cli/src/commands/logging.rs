//! `hac log-level`: read the configured loggers, or set one logger's level through HAC's
//! `changeLevel` (in memory, on the node that answers, until restart).

use std::io::Write;

use anyhow::{Context, Result};
use clap::Args;
use hac_client::{HacClient, LogLevel, Logger};

use super::TextOutput;
use crate::failure::{Exit, usage};
use crate::output::Out;
use crate::output::format::TextFormat;
use crate::safety::{Intent, Operation};

/// `hac log-level`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac log-level --list hybris
  hac log-level de.hybris.platform.jalo DEBUG     # on the node that answers, until restart
  hac --nodes a,b log-level root WARN")]
pub struct LogLevelArgs {
    /// The logger, e.g. de.hybris.platform.jalo ("root" for the root logger)
    #[arg(required_unless_present = "list")]
    pub logger: Option<String>,
    /// The level to set: ALL, TRACE, DEBUG, INFO, WARN, ERROR, FATAL, OFF
    pub level: Option<String>,
    /// List the configured loggers (those whose name contains PATTERN)
    #[arg(long, value_name = "PATTERN", num_args = 0..=1, default_missing_value = "", conflicts_with_all = ["logger", "level"])]
    pub list: Option<String>,
    #[command(flatten)]
    pub output: TextOutput,
}

impl LogLevelArgs {
    pub fn intent(&self) -> Intent {
        Intent::new(if self.level.is_some() {
            Operation::LogLevelSet
        } else {
            Operation::LogLevelShow
        })
    }

    pub fn run(&self, hac: &HacClient, out: &mut Out) -> Result<Exit> {
        run(hac, out, self)
    }
}

fn run(hac: &HacClient, out: &mut Out, args: &LogLevelArgs) -> Result<Exit> {
    if let Some(pattern) = &args.list {
        let needle = pattern.to_lowercase();
        let loggers: Vec<Logger> = hac
            .loggers()
            .context("reading the loggers")?
            .into_iter()
            .filter(|l| l.name.to_lowercase().contains(&needle))
            .collect();
        return print(out, &loggers, args.output.format);
    }
    let logger = args.logger.as_deref().unwrap_or_default();
    let Some(level) = &args.level else {
        let loggers = hac.loggers().context("reading the loggers")?;
        return match loggers.into_iter().find(|l| l.name == logger) {
            Some(l) => print(out, &[l], args.output.format),
            None => Err(usage(format!(
                "{logger} is not a configured logger (it inherits its level from a parent); \
                 list them with hac log-level --list"
            ))),
        };
    };
    // HAC takes any level name and silently gives an unknown one the parent's level.
    let level: LogLevel = level.parse()?;
    let before = hac.loggers().context("reading the loggers")?;
    let old = before.iter().find(|l| l.name == logger).map(|l| l.level);
    if old.is_none() {
        out.note(format_args!(
            "hac: warning: {logger} is not a configured logger: HAC creates it with this level"
        ));
    }
    let after = hac
        .set_log_level(logger, level)
        .context("setting the level")?;
    let new = after
        .iter()
        .find(|l| l.name == logger)
        .and_then(|l| l.level)
        .map_or("(unknown)", LogLevel::as_str);
    if args.output.format == TextFormat::Json {
        let changed: Vec<&Logger> = after.iter().filter(|l| l.name == logger).collect();
        out.json(&changed)?;
    } else {
        writeln!(
            out.stdout(),
            "{logger}: {} -> {new}",
            old.flatten().map_or("(inherited)", LogLevel::as_str)
        )?;
    }
    out.note(format_args!(
        "hac: the level is set on {}, in memory until it restarts",
        super::answering_node(hac)
    ));
    Ok(Exit::Success)
}

fn print(out: &mut Out, loggers: &[Logger], format: TextFormat) -> Result<Exit> {
    if format == TextFormat::Json {
        out.json(&loggers)?;
        return Ok(Exit::Success);
    }
    let width = loggers.iter().map(|l| l.name.len()).max().unwrap_or(0);
    let w = out.stdout();
    for l in loggers {
        writeln!(
            w,
            "{:width$}  {:5}  {}",
            l.name,
            l.level.map_or("?", LogLevel::as_str),
            l.parent.as_deref().unwrap_or("")
        )?;
    }
    Ok(Exit::Success)
}
