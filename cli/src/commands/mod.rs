//! One module per command family: each defines its arguments (clap), says what it reads
//! and sends (its input and its intent, for the guard), and runs it on a client.

pub mod cache;
pub mod completions;
pub mod config;
pub mod cronjobs;
pub mod diff;
pub mod doctor;
pub mod flexsearch;
pub mod groovy;
pub mod health;
pub mod help;
pub mod impex;
pub mod logging;
pub mod man;
pub mod monitoring;
pub mod nodes;
pub mod platform;
pub mod profile_edit;
pub mod profiles;
pub mod sessions;
pub mod types;
pub mod update;

use clap::Args;

use crate::fanout::Shape;
use crate::output::format::TextFormat;

/// The script or query a command read before connecting.
pub enum Input {
    None,
    Text(String),
}

impl Input {
    /// The text, empty for none.
    pub fn text(&self) -> &str {
        match self {
            Input::Text(t) => t,
            Input::None => "",
        }
    }
}

/// `-o`/`--format` (alias `--output`) of a command whose result is text or JSON.
#[derive(Debug, Clone, Copy, Args)]
pub struct TextOutput {
    /// Output format
    #[arg(short = 'o', long = "format", visible_alias = "output", value_enum, default_value_t = TextFormat::Text)]
    pub format: TextFormat,
}

impl TextOutput {
    pub fn is_json(&self) -> bool {
        self.format == TextFormat::Json
    }

    /// How fan-out labels this output.
    pub fn shape(&self) -> Shape {
        match self.format {
            TextFormat::Text => Shape::Text,
            TextFormat::Json => Shape::Json,
        }
    }
}

/// The label of a script read from `file`: its path, or "stdin".
/// The node a node-local change reached, for its note: the routing cookie's value (what
/// `--node` takes), or why there is none.
pub fn answering_node(hac: &hac_client::HacClient) -> String {
    match hac.route() {
        Some(route) => format!("node {route} (--node {route} reaches it again)"),
        None => "the node that answered (no routing cookie: one node, or a balancer without one)"
            .to_owned(),
    }
}

/// `1 row`, `2 rows`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

pub fn label(file: Option<&str>) -> String {
    match file {
        None | Some("-") => "stdin".to_owned(),
        Some(path) => path.to_owned(),
    }
}
