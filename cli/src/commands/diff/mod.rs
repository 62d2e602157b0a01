//! `hac diff`: what differs between two environments (`hac diff A B WHAT`), or between the
//! nodes of one (`hac diff --nodes [LIST] WHAT`). Both sides are read in parallel with
//! operations classed as reads only, compared (`compare`, no I/O) and shown as a diff on a
//! terminal, `-o json` or `-o github`; the exit code says equal (0) or different (7).

pub mod compare;
mod key_pages;
pub mod read;
mod show;

use std::collections::BTreeMap;

use anyhow::Result;
use clap::{ArgMatches, Args, ValueEnum};
use hac_client::HacClient;
use serde::Serialize;

use crate::config::file::ConfigFile;
use crate::config::settings::{Settings, Targets};
use crate::connect::{self, Overrides};
use crate::failure::{Exit, usage};
use crate::global::Global;
use crate::output::Out;
use crate::safety::{Intent, Operation, guard};
use compare::Section;

/// `hac diff`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac diff staging prod config
  hac diff staging prod types Product -o json
  hac diff staging prod query 'SELECT {code}, {name} FROM {Language}' --key code
  hac --profile prod diff --nodes .node-a,.node-b config

WHAT is config [PREFIX], types [PREFIX], extensions, patches, or query 'FLEXIBLESEARCH'
--key COL[,COL]; with --nodes: config [PREFIX], log-levels, caches or health. Exit codes:
0 the targets agree, 7 they differ (the failure codes as for every command). Values of
secret-looking keys (password, secret, token, key...) are compared, never shown.")]
pub struct DiffArgs {
    /// Two profiles (or URLs) and what to compare: A B WHAT (ARG); with --nodes, WHAT (ARG)
    #[arg(value_name = "A B WHAT")]
    pub words: Vec<String>,
    /// With query: the columns that identify a row across environments (PKs differ)
    #[arg(long, value_delimiter = ',', value_name = "COL[,COL]")]
    pub key: Option<Vec<String>>,
    /// Output format
    #[arg(short = 'o', long = "format", visible_alias = "output", value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// With query: rows per page (a single key is merged page by page)
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    pub page_size: u32,
    /// With query and several key columns: the most rows held per side
    #[arg(long, default_value_t = 200_000, value_name = "N")]
    pub max_rows: usize,
}

/// How a diff is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// A readable diff (colour on a terminal unless NO_COLOR is set)
    Text,
    /// One JSON document: per section only_a, only_b, changed
    Json,
    /// GitHub Actions annotations, one per difference, for drift checks
    Github,
}

/// What to compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    Config(String),
    Types(String),
    Extensions,
    Patches,
    Query(String),
    LogLevels,
    Caches,
    Health,
}

impl What {
    /// The section's name, as headings and JSON name it.
    pub fn name(&self) -> &'static str {
        match self {
            What::Config(_) => "config",
            What::Types(_) => "types",
            What::Extensions => "extensions",
            What::Patches => "patches",
            What::Query(_) => "query",
            What::LogLevels => "log-levels",
            What::Caches => "caches",
            What::Health => "health",
        }
    }

    /// Reads the words after the targets.
    pub fn parse(words: &[String], nodes: bool) -> Result<What> {
        let arg = words.get(1).cloned().unwrap_or_default();
        let what = match words.first().map(String::as_str) {
            Some("config") => What::Config(arg),
            Some("types") if !nodes => What::Types(arg),
            Some("extensions") if !nodes => What::Extensions,
            Some("patches") if !nodes => What::Patches,
            Some("query") if !nodes => {
                if arg.trim().is_empty() {
                    return Err(usage(
                        "hac diff A B query 'FLEXIBLESEARCH' --key COL: the query is missing",
                    ));
                }
                What::Query(arg)
            }
            Some("log-levels") if nodes => What::LogLevels,
            Some("caches") if nodes => What::Caches,
            Some("health") if nodes => What::Health,
            Some(other) => {
                return Err(usage(if nodes {
                    format!(
                        "hac diff --nodes: {other:?} is not compared between nodes: use config, log-levels, caches or health"
                    )
                } else {
                    format!(
                        "hac diff A B WHAT: {other:?} is not compared: use config, types, extensions, patches or query (log-levels, caches and health with --nodes)"
                    )
                }));
            }
            None => {
                return Err(usage(
                    "hac diff A B WHAT: what to compare is missing (config, types, extensions, patches, query)",
                ));
            }
        };
        let most = if matches!(what, What::Config(_) | What::Types(_) | What::Query(_)) {
            2
        } else {
            1
        };
        if words.len() > most {
            return Err(usage(format!(
                "hac diff: {:?} after {} is not understood",
                words[most],
                what.name()
            )));
        }
        Ok(what)
    }
}

/// One target: a label (the profile, URL or node) and its client.
pub struct Target {
    pub label: String,
    pub client: HacClient,
}

/// The outcome, as `-o json` shows it.
#[derive(Debug, Serialize)]
pub struct Outcome {
    /// The first target (every other is compared with it).
    pub a: String,
    /// The others, in order.
    pub b: Vec<String>,
    /// What was compared.
    pub what: String,
    /// Nothing differs.
    pub equal: bool,
    /// Per other target, what differs from the first.
    pub sections: BTreeMap<String, Section>,
    /// With --nodes: the nodes that agree with the first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agree: Option<Vec<String>>,
}

/// The two targets named (profiles or URLs), each resolved, guarded and connected.
fn targets_of(
    global: &Global,
    matches: &ArgMatches,
    file: &ConfigFile,
    names: [&str; 2],
    intent: &Intent,
) -> Result<Vec<Target>> {
    let mut out = Vec::new();
    for name in names {
        let settings = if name.starts_with("http://") || name.starts_with("https://") {
            let mut g = global.clone();
            g.url = Some(name.to_owned());
            g.profile = None;
            Settings::resolve_for(&g, matches, file, None, Targets::Several)?
        } else {
            if !file.profiles.contains_key(name) {
                return Err(usage(format!(
                    "hac diff: {name:?} is neither a profile of the configuration file nor an http(s) URL"
                )));
            }
            Settings::resolve_for(global, matches, file, Some(name), Targets::Several)?
        };
        connect::server_url(&settings)?;
        guard::check(&settings, intent, global.yes)?;
        let client = connect::client_with(&settings, global, None, &Overrides::default(), None)?;
        out.push(Target {
            label: name.to_owned(),
            client,
        });
    }
    Ok(out)
}

/// The nodes of one profile, each pinned.
fn node_targets(
    settings: &Settings,
    global: &Global,
    nodes: &[String],
    intent: &Intent,
) -> Result<Vec<Target>> {
    guard::check(settings, intent, global.yes)?;
    // One server: one password for every node, read once.
    let from_stdin = if global.password_stdin {
        Some(connect::password_from_stdin()?)
    } else {
        None
    };
    let shared = connect::SharedPassword::new(std::sync::Mutex::new(None));
    nodes
        .iter()
        .map(|node| {
            let overrides = Overrides {
                node: Some(node.clone()),
                ..Overrides::default()
            };
            Ok(Target {
                label: node.clone(),
                client: connect::client_with(
                    settings,
                    global,
                    from_stdin.clone(),
                    &overrides,
                    Some(shared.clone()),
                )?,
            })
        })
        .collect()
}

/// The intent of comparing `what`: a read, unless its query is not one.
fn intent_of(what: &What) -> Intent {
    match what {
        What::Query(q) => match crate::safety::sql::classify_flexible_search(q) {
            Ok(()) => Intent::new(Operation::Diff),
            Err(why) => Intent::with_detail(Operation::FlexibleSearchWrite, why.0),
        },
        _ => Intent::new(Operation::Diff),
    }
}

/// `hac diff`.
pub fn run(
    global: &Global,
    matches: &ArgMatches,
    file: &ConfigFile,
    out: &mut Out,
    args: &DiffArgs,
) -> Result<Exit> {
    if global.profiles.is_some() {
        return Err(usage(
            "hac diff names its two targets itself: hac diff A B WHAT (not --profiles)",
        ));
    }
    if global.password_stdin && global.nodes.is_none() {
        return Err(usage(
            "--password-stdin gives one password, and hac diff A B reaches two servers: each \
             profile takes its own (password_command, keyring or a prompt), and a URL uses its \
             cached session (hac --url URL login) or a prompt",
        ));
    }
    let nodes_given = global.nodes.clone();
    let (targets, what) = match nodes_given {
        Some(list) => {
            // `hac diff --nodes config`: the option took the word; the profile's nodes.
            let (list, words) = if args.words.is_empty() {
                (None, list)
            } else {
                (Some(list), args.words.clone())
            };
            let what = What::parse(&words, true)?;
            // The word --nodes took is no node: the profile's nodes count, not the flag's.
            let mut g = global.clone();
            if list.is_none() {
                g.nodes = None;
            }
            let settings = Settings::resolve(&g, matches, file, None)?;
            connect::server_url(&settings)?;
            let nodes = match list {
                Some(l) => l,
                None => settings
                    .nodes
                    .as_ref()
                    .map(|n| n.value.clone())
                    .or_else(|| {
                        crate::commands::nodes::remembered(&settings, global)
                            .map(|m| m.into_iter().map(|n| n.route).collect())
                    })
                    .ok_or_else(|| {
                        usage("hac diff --nodes: no nodes named, none in the profile (nodes = [...]) and none found by hac nodes")
                    })?,
            };
            let nodes: Vec<String> = nodes
                .iter()
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty())
                .collect();
            if nodes.len() < 2 {
                return Err(usage("hac diff --nodes: name at least two nodes"));
            }
            (
                node_targets(&settings, global, &nodes, &intent_of(&what))?,
                what,
            )
        }
        None => {
            if args.words.len() < 3 {
                return Err(usage(
                    "hac diff A B WHAT: name two profiles (or URLs) and what to compare, e.g. hac diff staging prod config",
                ));
            }
            let what = What::parse(&args.words[2..], false)?;
            if matches!(what, What::Query(_)) && args.key.is_none() {
                return Err(usage(
                    "hac diff A B query: --key COL[,COL] names the columns that identify a row (PKs differ between environments)",
                ));
            }
            let names = [args.words[0].as_str(), args.words[1].as_str()];
            (
                targets_of(global, matches, file, names, &intent_of(&what))?,
                what,
            )
        }
    };
    let outcome = read::compare_all(&targets, &what, args, out)?;
    show::show(out, &outcome, args.format)?;
    Ok(if outcome.equal {
        Exit::Success
    } else {
        Exit::Different
    })
}
