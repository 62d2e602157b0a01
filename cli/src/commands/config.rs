//! `hac config get|set`: HAC's configuration view (values HAC masks stay masked) and its
//! node-local, in-memory property change.

use std::io::Write;

use anyhow::{Context, Result};
use hac_client::{ConfigProperty, HacClient};

use crate::args::{ConfigCommand, TextFormat};
use crate::failure::{Exit, usage};
use crate::output::Out;

pub fn run(hac: &HacClient, out: &mut Out, command: &ConfigCommand) -> Result<Exit> {
    match command {
        ConfigCommand::Get { key, grep, format } => {
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
            if *format == TextFormat::Json {
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
        ConfigCommand::Set { key, value, format } => {
            if key.trim().is_empty() || key.chars().any(char::is_whitespace) {
                return Err(usage(format!("{key:?} is not a property key (no spaces)")));
            }
            let change = hac.set_config(key, value).context("setting the property")?;
            if *format == TextFormat::Json {
                out.json(&change)?;
            } else {
                writeln!(out.stdout(), "{key}: {}d", change.action)?;
            }
            out.note(
                "hac: set on the node that answered only, in memory until it restarts (use \
                 local.properties or the cloud portal to make it last)",
            );
            Ok(Exit::Success)
        }
    }
}
