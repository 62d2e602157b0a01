//! `hac nodes`: the cluster nodes behind the load balancer, with the routing cookie value
//! (`ROUTE` on SAP Commerce Cloud) that `--node` pins each to. HAC's own cluster view names
//! node ids and addresses, not the balancer's values, so they are found by sampling: fresh
//! connections without a routing cookie (the balancer picks a node and sets one), then
//! one request pinned to each value found, asking that node which cluster node it is.
//!
//! The map is remembered per server (beside the session cache), so that `--node` also
//! takes a cluster node id or address, and a value that matches nothing gets a suggestion.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use serde::{Deserialize, Serialize};

use super::TextOutput;
use crate::config::settings::Settings;
use crate::connect::{self, Overrides};
use crate::failure::{Exit, usage};
use crate::global::Global;
use crate::output::Out;
use crate::safety::{Intent, Operation};

/// `hac nodes`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac --profile staging nodes           # ROUTE values, cluster node ids, addresses
  hac --profile staging --node 2 log-level root DEBUG   # a node id from the map works too")]
pub struct NodesArgs {
    /// Fresh connections to sample the balancer with (more find nodes a balancer rarely
    /// picks; sampling stops early once no new node turns up)
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=500))]
    pub samples: u32,
    #[command(flatten)]
    pub output: TextOutput,
}

impl NodesArgs {
    pub fn intent() -> Intent {
        Intent::new(Operation::Nodes)
    }
}

/// One node as the balancer and the cluster know it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Node {
    /// The routing cookie's value that reaches it.
    pub route: String,
    /// Its `cluster.id`.
    pub node_id: i64,
    /// Its address in the cluster.
    pub ip: Option<String>,
}

/// The remembered map of one server.
#[derive(Debug, Serialize, Deserialize)]
struct Map {
    url: String,
    nodes: Vec<Node>,
}

/// Where a server's map is kept: beside the session cache, one file per server.
fn map_path(settings: &Settings, global: &Global) -> Option<PathBuf> {
    let dir = match &global.cache_dir {
        Some(d) => d.clone(),
        None => hac_client::FileStore::default_dir().ok()?,
    };
    let url = settings
        .url
        .as_ref()?
        .value
        .trim_end_matches('/')
        .to_owned();
    let key = blake3::hash(url.as_bytes()).to_hex();
    Some(dir.join(format!("nodes-{}.json", &key[..16])))
}

/// The remembered nodes of this run's server, if `hac nodes` found them.
pub fn remembered(settings: &Settings, global: &Global) -> Option<Vec<Node>> {
    let text = std::fs::read_to_string(map_path(settings, global)?).ok()?;
    let map: Map = serde_json::from_str(&text).ok()?;
    Some(map.nodes)
}

/// Every remembered map in `dir`: the server's URL and its nodes (for completions, which
/// do not know the run's server yet). Unreadable files are skipped.
pub fn remembered_everywhere(dir: &std::path::Path) -> Vec<(String, Vec<Node>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut maps: Vec<(String, Vec<Node>)> = entries
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("nodes-") && name.ends_with(".json")
        })
        .filter_map(|e| {
            // Small files we wrote; anything large is not ours.
            if e.metadata().ok()?.len() > 1 << 20 {
                return None;
            }
            let map: Map = serde_json::from_str(&std::fs::read_to_string(e.path()).ok()?).ok()?;
            Some((map.url, map.nodes))
        })
        .collect();
    maps.sort_by(|a, b| a.0.cmp(&b.0));
    maps
}

/// The routing value for `given`: a routing value as it is, or a cluster node id or
/// address from the remembered map. `Err` with a suggestion when the map knows the nodes
/// and `given` is none of them.
pub fn resolve(given: &str, nodes: Option<&[Node]>) -> Result<String> {
    let Some(nodes) = nodes.filter(|n| !n.is_empty()) else {
        return Ok(given.to_owned());
    };
    if let Some(n) = nodes.iter().find(|n| {
        n.route == given || n.node_id.to_string() == given || n.ip.as_deref() == Some(given)
    }) {
        return Ok(n.route.clone());
    }
    let known: Vec<String> = nodes
        .iter()
        .map(|n| format!("{} (node {})", n.route, n.node_id))
        .collect();
    let near = nodes
        .iter()
        .map(|n| (distance(given, &n.route), &n.route))
        .min()
        .filter(|(d, route)| *d <= route.len().max(given.len()) / 2)
        .map(|(_, route)| format!("; did you mean {route}?"))
        .unwrap_or_default();
    Err(usage(format!(
        "--node {given:?} is none of the nodes `hac nodes` found: {}{near} (run hac nodes again if the cluster changed)",
        known.join(", ")
    )))
}

/// Levenshtein distance, for near misses (a handful of short values: no crate needed).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// Samples the balancer, asks each node found who it is, prints and remembers the map.
pub fn run(settings: &Settings, global: &Global, out: &mut Out, args: &NodesArgs) -> Result<Exit> {
    let mut routes: Vec<String> = Vec::new();
    let mut since_new = 0;
    for i in 0..args.samples {
        // A fresh client each time: a new connection, no routing cookie, no session.
        let hac = connect::client_with(
            settings,
            global,
            None,
            &Overrides {
                unpinned: true,
                no_session_cache: true,
                ..Overrides::default()
            },
            None,
        )?;
        hac.health().context("asking the balancer for a node")?;
        match hac.route() {
            Some(r) if !routes.contains(&r) => {
                routes.push(r);
                since_new = 0;
            }
            Some(_) => since_new += 1,
            None if i >= 2 && routes.is_empty() => {
                return Err(usage(format!(
                    "the server sets no {} cookie: there is no balancer routing by it (set its name with --route-cookie)",
                    settings
                        .route_cookie
                        .as_ref()
                        .map_or("ROUTE", |r| r.value.as_str())
                )));
            }
            None => since_new += 1,
        }
        if since_new >= (routes.len() * 3).max(6) {
            break;
        }
    }
    let shared = connect::SharedPassword::default();
    let mut nodes = Vec::new();
    for route in &routes {
        let hac = connect::client_with(
            settings,
            global,
            None,
            &Overrides {
                node: Some(route.clone()),
                ..Overrides::default()
            },
            Some(shared.clone()),
        )?;
        let cluster = hac
            .cluster()
            .with_context(|| format!("asking the node at {route} who it is"))?;
        let ip = cluster
            .nodes
            .iter()
            .find(|n| n.node_id == cluster.cluster_node_id)
            .map(|n| n.node_ip.clone());
        nodes.push(Node {
            route: route.clone(),
            node_id: cluster.cluster_node_id,
            ip,
        });
    }
    nodes.sort_by_key(|n| n.node_id);
    if let Some(path) = map_path(settings, global) {
        let map = Map {
            url: settings
                .url
                .as_ref()
                .map(|u| u.value.clone())
                .unwrap_or_default(),
            nodes: nodes.clone(),
        };
        // The cache directory is the session store's (owner-only); a map that cannot be
        // kept is said, and the listing stands.
        if let Err(e) = write_private(&path, &serde_json::to_vec_pretty(&map)?) {
            out.note(format_args!(
                "hac: the node map was not kept ({}): {e}",
                path.display()
            ));
        }
    }
    if args.output.is_json() {
        out.json(&nodes)?;
    } else {
        let width = nodes
            .iter()
            .map(|n| n.route.len())
            .max()
            .unwrap_or(5)
            .max(5);
        let w = out.stdout();
        writeln!(w, "{:width$}  {:>7}  address", "route", "node id")?;
        for n in &nodes {
            writeln!(
                w,
                "{:width$}  {:>7}  {}",
                n.route,
                n.node_id,
                n.ip.as_deref().unwrap_or("-")
            )?;
        }
    }
    out.note(format_args!(
        "hac: {} node(s) found in up to {} samples; --node takes a route, a node id or an address",
        nodes.len(),
        args.samples
    ));
    Ok(Exit::Success)
}

/// Writes `bytes` to `path` through a private temp file and a rename.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(&tmp)?;
    f.write_all(bytes)?;
    drop(f);
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> Vec<Node> {
        ["a", "b"]
            .iter()
            .enumerate()
            .map(|(i, n)| Node {
                route: format!(".hcs-api-7d9c5-{n}x2x4q"),
                node_id: i as i64,
                ip: Some(format!("10.0.0.{}", i + 5)),
            })
            .collect()
    }

    #[test]
    fn routes_ids_addresses_and_near_misses() {
        let m = map();
        assert_eq!(resolve("1", Some(&m)).unwrap(), ".hcs-api-7d9c5-bx2x4q");
        assert_eq!(
            resolve("10.0.0.5", Some(&m)).unwrap(),
            ".hcs-api-7d9c5-ax2x4q"
        );
        assert_eq!(
            resolve(".hcs-api-7d9c5-ax2x4q", Some(&m)).unwrap(),
            ".hcs-api-7d9c5-ax2x4q"
        );
        let e = resolve("hcs-api-7d9c5-ax2x4q", Some(&m))
            .unwrap_err()
            .to_string();
        assert!(e.contains("did you mean .hcs-api-7d9c5-ax2x4q?"), "{e}");
        assert!(
            resolve("node-a", Some(&m))
                .unwrap_err()
                .to_string()
                .contains("(node 0)")
        );
        assert_eq!(resolve("anything", None).unwrap(), "anything");
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
