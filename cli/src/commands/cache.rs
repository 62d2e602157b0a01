//! `hac cache stats|clear`.

use std::io::Write;

use anyhow::{Context, Result};
use hac_client::{CacheStats, HacClient};

use crate::args::{CacheCommand, TextFormat};
use crate::failure::Exit;
use crate::output::Out;

pub fn run(hac: &HacClient, out: &mut Out, command: &CacheCommand) -> Result<Exit> {
    let (stats, format) = match command {
        CacheCommand::Stats { format } => (
            hac.cache_stats().context("reading the cache statistics")?,
            *format,
        ),
        CacheCommand::Clear { format } => {
            let stats = hac.clear_cache().context("clearing the caches")?;
            out.note("hac: cleared every cache region of the node that answered (HAC has no per-region clear)");
            (stats, *format)
        }
    };
    if format == TextFormat::Json {
        out.json(&stats)?;
    } else {
        write_stats(out, &stats)?;
    }
    Ok(Exit::Success)
}

fn write_stats(out: &mut Out, stats: &CacheStats) -> Result<()> {
    let width = stats
        .regions
        .iter()
        .map(|r| r.name.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let w = out.stdout();
    writeln!(
        w,
        "{:width$}  {:>12}  {:>10}  {:>10}  {:>10}  {:>13}",
        "region", "max entries", "hits", "misses", "evictions", "invalidations"
    )?;
    for r in &stats.regions {
        let c = &r.cache_statistics;
        writeln!(
            w,
            "{:width$}  {:>12}  {:>10}  {:>10}  {:>10}  {:>13}",
            r.name, r.max_entries, c.hits, c.misses, c.evictions, c.invalidations
        )?;
    }
    Ok(())
}
