//! `hac config get|set`: HAC's configuration view (values HAC masks stay masked) and its
//! node-local, in-memory property change.

use std::io::Write;

use anyhow::{Context, Result};
use clap::Subcommand;
use hac_client::{ConfigProperty, HacClient};

use super::TextOutput;
use crate::failure::{Exit, usage};
use crate::fanout::Shape;
use crate::output::Out;
use crate::safety::{Intent, Operation};

/// `hac config ...`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// A property's value, or every property whose key matches --grep
    #[command(
        after_help = "Examples:\n  hac config get build.version\n  hac config get --grep mail.smtp -o json\n  hac --profiles dev,prod config get build.version"
    )]
    Get {
        /// The key
        #[arg(required_unless_present = "grep", conflicts_with = "grep")]
        key: Option<String>,
        /// Keys containing this text (case-insensitive)
        #[arg(long, value_name = "PATTERN")]
        grep: Option<String>,
        #[command(flatten)]
        output: TextOutput,
    },
    /// Set a property on the answering node, in memory until restart
    #[command(
        after_help = "Examples:\n  hac config set log4j2.logger.sql.level DEBUG\n  hac --nodes a,b config set mail.smtp.server smtp.example.com"
    )]
    Set {
        /// The key
        key: String,
        /// The value
        value: String,
        #[command(flatten)]
        output: TextOutput,
    },
}

impl ConfigCommand {
    pub fn intent(&self) -> Intent {
        Intent::new(match self {
            ConfigCommand::Get { .. } => Operation::ConfigGet,
            ConfigCommand::Set { .. } => Operation::ConfigSet,
        })
    }

    pub fn shape(&self) -> Shape {
        match self {
            ConfigCommand::Get { output, .. } | ConfigCommand::Set { output, .. } => output.shape(),
        }
    }

    pub fn run(&self, hac: &HacClient, out: &mut Out) -> Result<Exit> {
        run(hac, out, self)
    }
}

fn run(hac: &HacClient, out: &mut Out, command: &ConfigCommand) -> Result<Exit> {
    match command {
        ConfigCommand::Get { key, grep, output } => {
            let props = hac
                .config_properties()
                .context("reading the configuration")?;
            let picked: Vec<&ConfigProperty> = match (key, grep) {
                (Some(k), _) => props.iter().filter(|p| p.key == *k).collect(),
                (None, Some(g)) => {
                    let g = g.to_lowercase();
                    props
                        .iter()
                        .filter(|p| p.key.to_lowercase().contains(&g))
                        .collect()
                }
                (None, None) => props.iter().collect(),
            };
            if let (Some(k), true) = (key, picked.is_empty()) {
                return Err(usage(format!(
                    "{k} is not a configuration property (search with hac config get --grep)"
                )));
            }
            out.note(
                "hac: note: HAC masks only the keys on its blacklist; many secrets show in clear: \
                 handle this output with care",
            );
            if output.is_json() {
                out.json(&picked)?;
                return Ok(Exit::Success);
            }
            let w = out.stdout();
            if key.is_some() {
                writeln!(w, "{}", picked[0].value)?;
            } else {
                for p in picked {
                    writeln!(w, "{}={}", p.key, p.value)?;
                }
            }
            Ok(Exit::Success)
        }
        ConfigCommand::Set { key, value, output } => {
            if key.trim().is_empty() || key.chars().any(char::is_whitespace) {
                return Err(usage(format!("{key:?} is not a property key (no spaces)")));
            }
            let change = hac.set_config(key, value).context("setting the property")?;
            if output.is_json() {
                out.json(&change)?;
            } else {
                writeln!(out.stdout(), "{key}: {}d", change.action)?;
            }
            out.note(format_args!(
                "hac: set on {} only, in memory until it restarts (use local.properties or \
                 the cloud portal to make it last)",
                super::answering_node(hac)
            ));
            Ok(Exit::Success)
        }
    }
}
