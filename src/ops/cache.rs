//! Region caches: `/monitoring/cache/regionCache/data` and `.../clear` (all regions: HAC
//! has no per-region clear).

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::http::call::parse_json;
use crate::http::transport::HttpResponse;

/// The region caches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CacheStats {
    /// How many regions there are.
    #[serde(alias = "totalRegionCount", default)]
    pub total_region_count: u64,
    /// Each region.
    #[serde(default)]
    pub regions: Vec<CacheRegion>,
}

/// One region's size and counters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CacheRegion {
    /// Its name, e.g. `typesystemCacheRegion`.
    pub name: String,
    /// Its capacity.
    #[serde(alias = "maxEntries", default)]
    pub max_entries: u64,
    /// The largest it has been.
    #[serde(alias = "maxReachedSize", default)]
    pub max_reached_size: u64,
    /// Hits, misses, fetches, evictions, invalidations, instances.
    #[serde(alias = "cacheStatistics", default)]
    pub cache_statistics: CacheCounters,
}

/// A region's counters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CacheCounters {
    /// Hits.
    #[serde(default)]
    pub hits: u64,
    /// Fetches.
    #[serde(default)]
    pub fetches: u64,
    /// Misses.
    #[serde(default)]
    pub misses: u64,
    /// Evictions.
    #[serde(default)]
    pub evictions: u64,
    /// Invalidations.
    #[serde(default)]
    pub invalidations: u64,
    /// Entries now.
    #[serde(alias = "instanceCount", default)]
    pub instance_count: u64,
}

pub(crate) fn parse(resp: &HttpResponse) -> Result<CacheStats> {
    let stats: CacheStats = parse_json("region cache JSON (totalRegionCount, regions)", resp)?;
    if stats.total_region_count == 0 && stats.regions.is_empty() && !resp.body.contains("regions") {
        return Err(crate::error::Error::invalid(
            &resp.path,
            "region cache JSON (totalRegionCount, regions)",
            "none of these keys in the answer",
        ));
    }
    Ok(stats)
}
