//! `hac help [COMMAND...|TOPIC]`: a command's help, or a topic that belongs to no single
//! command: `options` (the options every command takes) and `safety` (the operation
//! table and the guard).

use std::io::Write;

use anyhow::Result;
use clap::Args;

use crate::failure::{Exit, usage};
use crate::output::Out;

/// What `hac help safety` says around the table.
const SAFETY: &str = "\
Every operation has a class: read (cannot change the server), write, or code execution
(runs code whose effects hac cannot bound: a rolled-back Groovy script has only its database
transaction rolled back). What cannot be classified is a write. A read_only profile allows
reads only; a protected profile asks before writes and code execution (--yes, or the
profile's name typed on a terminal). The marks follow the server, however it is addressed.
The scope says where an operation acts: shared (one node), node-local (each node of a
profile's nodes list), once.
";

/// `hac help`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac help impex import
  hac help options
  hac help safety")]
pub struct HelpArgs {
    /// A command, or a topic: options, safety
    pub topic: Vec<String>,
}

impl HelpArgs {
    pub fn run(&self, out: &mut Out) -> Result<Exit> {
        run(out, &self.topic)
    }
}

fn run(out: &mut Out, topic: &[String]) -> Result<Exit> {
    let mut cmd = crate::cli::command();
    let w = out.stdout();
    match topic
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => write!(w, "{}", cmd.render_long_help())?,
        ["safety"] => {
            writeln!(w, "{SAFETY}")?;
            write!(w, "{}", crate::safety::operations::text())?;
        }
        ["options"] => {
            let help = cmd.render_long_help().to_string();
            let options = help
                .find("Global options:")
                .map_or(help.as_str(), |at| &help[at..]);
            write!(w, "{options}")?;
        }
        path => {
            cmd.build();
            let mut at = &mut cmd;
            for name in path {
                at = at.find_subcommand_mut(name).ok_or_else(|| {
                    usage(format!(
                        "no command or help topic {name:?} (topics: options, safety; `hac --help` lists the commands)"
                    ))
                })?;
            }
            write!(w, "{}", at.render_long_help())?;
        }
    }
    Ok(Exit::Success)
}
