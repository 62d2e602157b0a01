//! Cluster, database and memory monitoring (all JSON).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::http::call::parse_json;
use crate::http::transport::HttpResponse;

/// The cluster as the node that answered sees it (`/monitoring/cluster/data`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClusterInfo {
    /// Clustering is on.
    #[serde(alias = "clusterEnabled", default)]
    pub cluster_enabled: bool,
    /// The island id.
    #[serde(alias = "clusterIslandId", default)]
    pub cluster_island_id: i64,
    /// This node's `cluster.id`.
    #[serde(alias = "clusterNodeId", default)]
    pub cluster_node_id: i64,
    /// This node's dynamic id.
    #[serde(alias = "dynamicClusterNodeId", default)]
    pub dynamic_cluster_node_id: i64,
    /// The nodes that answered pings (this one included).
    #[serde(default)]
    pub nodes: Vec<ClusterNode>,
}

/// A node of the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClusterNode {
    /// Its IP address.
    #[serde(default, alias = "nodeIP")]
    pub node_ip: String,
    /// Its `cluster.id`.
    #[serde(default, alias = "nodeID")]
    pub node_id: i64,
    /// Its dynamic id.
    #[serde(default, alias = "dynamicNodeID")]
    pub dynamic_node_id: i64,
    /// The broadcast method (`jgroups`, ...).
    #[serde(alias = "methodName", default)]
    pub method_name: String,
}

pub(crate) fn parse_cluster(resp: &HttpResponse) -> Result<ClusterInfo> {
    parse_json("cluster JSON (clusterEnabled, clusterNodeId, nodes)", resp)
}

/// A data source's connection and pool facts (`/monitoring/database/allinfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DataSourceInfo {
    /// Its id (`master`, ...).
    #[serde(alias = "dsId", default)]
    pub ds_id: String,
    /// The JDBC URL.
    #[serde(default)]
    pub url: String,
    /// The database product.
    #[serde(alias = "dbName", default)]
    pub db_name: String,
    /// Its version.
    #[serde(alias = "dbVersion", default)]
    pub db_version: String,
    /// The database user.
    #[serde(alias = "dbUser", default)]
    pub db_user: String,
    /// Connections in use.
    #[serde(alias = "numInUse", default)]
    pub num_in_use: i64,
    /// Connections open.
    #[serde(alias = "numPhysicalOpen", default)]
    pub num_physical_open: i64,
    /// The pool's limit.
    #[serde(alias = "maxAllowedOpen", default)]
    pub max_allowed_open: i64,
}

pub(crate) fn parse_databases(resp: &HttpResponse) -> Result<BTreeMap<String, DataSourceInfo>> {
    parse_json("database JSON ({dataSourceId: {dsId, url, ...}})", resp)
}

pub(crate) fn parse_table_sizes(resp: &HttpResponse) -> Result<BTreeMap<String, u64>> {
    parse_json("table sizes JSON ({table: rows})", resp)
}

/// Memory, in MiB (`/monitoring/memory/data`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MemoryInfo {
    /// `Runtime.freeMemory`.
    #[serde(alias = "freeMemory", default)]
    pub free_memory: i64,
    /// `Runtime.totalMemory`.
    #[serde(alias = "totalMemory", default)]
    pub total_memory: i64,
    /// Used.
    #[serde(alias = "usedMemory", default)]
    pub used_memory: i64,
    /// Heap used.
    #[serde(default)]
    pub heap_used: i64,
    /// Heap committed (HAC spells it `heap_comitted`).
    #[serde(default, alias = "heap_comitted")]
    pub heap_committed: i64,
    /// Heap maximum (0 when undefined).
    #[serde(default)]
    pub heap_max: i64,
    /// Non-heap used.
    #[serde(default)]
    pub nonheap_used: i64,
}

pub(crate) fn parse_memory(resp: &HttpResponse) -> Result<MemoryInfo> {
    parse_json(
        "memory JSON (freeMemory, totalMemory, heap_used, ...)",
        resp,
    )
}
