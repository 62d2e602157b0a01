//! What the fake keeps for HAC beyond the consoles: the health it answers, per-node log
//! levels and configuration, running cron jobs, exported zips. Part of the state
//! (`state.rs`), read and changed by the handlers in `ops.rs`.

use std::collections::{BTreeMap, HashMap};

/// What `/monitoring/healthcheck` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum HealthMode {
    /// 200, every check healthy.
    #[default]
    Healthy,
    /// 500, the database check failing.
    Unhealthy,
    /// 501 with an empty body: no checks registered.
    NoChecks,
}

/// A cron job the fake reports as running.
#[derive(Debug, Clone)]
pub(crate) struct RunningJob {
    pub code: String,
    pub job: String,
    pub abortable: bool,
}

/// What HAC keeps per cluster node.
#[derive(Debug, Clone)]
pub(crate) struct NodeState {
    /// `(name, parent, level)`, in configuration order.
    pub loggers: Vec<(String, Option<String>, String)>,
    pub config: BTreeMap<String, String>,
    /// The region caches' hit counter, which the other counters derive from (a cache
    /// lives in one node's memory: cleared on one node, the others keep theirs).
    pub cache_hits: u64,
}

impl NodeState {
    pub(crate) fn new() -> Self {
        let loggers = [
            ("root", None, "INFO"),
            ("de.hybris", Some("root"), "INFO"),
            ("de.hybris.platform.jalo", Some("de.hybris"), "WARN"),
            ("org.springframework", Some("root"), "WARN"),
        ];
        let config = [
            ("build.version", "2211.38"),
            ("db.url", "jdbc:hsqldb:file:/opt/hybris/data/hsqldb/mydb"),
            ("db.username", "sa"),
            ("db.password", "*****"),
            ("mail.smtp.password", "*****"),
            ("hac.webroot", "/hac"),
            ("cronjob.timertask.loadonstartup", "true"),
            (
                "website.electronics.http",
                "http://localhost:9001/<store>&co",
            ),
        ];
        NodeState {
            loggers: loggers
                .iter()
                .map(|(n, p, l)| (n.to_string(), p.map(str::to_owned), l.to_string()))
                .collect(),
            config: config
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            cache_hits: 1234,
        }
    }
}

/// The operations' state of one fake.
pub(crate) struct OpsState {
    pub health: HealthMode,
    pub nodes: HashMap<String, NodeState>,
    pub cron_jobs: Vec<RunningJob>,
    /// Exported zips by media path (`/medias/...`).
    pub medias: HashMap<String, Vec<u8>>,
    /// Properties every node starts with besides the defaults (`Builder::config_property`).
    pub base_config: Vec<(String, String)>,
    /// `(name, version, core, web root)`, in HAC's order.
    pub extensions: Vec<(String, String, bool, String)>,
}

/// The extensions every fake starts with.
pub(crate) fn default_extensions() -> Vec<(String, String, bool, String)> {
    [
        ("core", true, ""),
        ("hac", true, "/hac"),
        ("impex", true, ""),
        ("scripting", true, ""),
        ("backoffice", false, "/backoffice"),
        ("electronicsstore", false, ""),
    ]
    .iter()
    .map(|(n, c, w)| ((*n).to_owned(), "2211.38".to_owned(), *c, (*w).to_owned()))
    .collect()
}

impl OpsState {
    pub fn new() -> Self {
        OpsState {
            health: HealthMode::Healthy,
            nodes: HashMap::new(),
            cron_jobs: Vec::new(),
            medias: HashMap::new(),
            base_config: Vec::new(),
            extensions: default_extensions(),
        }
    }

    pub(crate) fn node(&mut self, name: &str) -> &mut NodeState {
        let base = &self.base_config;
        self.nodes.entry(name.to_owned()).or_insert_with(|| {
            let mut node = NodeState::new();
            for (k, v) in base {
                node.config.insert(k.clone(), v.clone());
            }
            node
        })
    }
}
