//! `hac cache stats|clear`.

use std::io::Write;

use anyhow::{Context, Result};
use clap::Subcommand;
use hac_client::{CacheStats, HacClient};

use super::TextOutput;
use crate::failure::Exit;
use crate::fanout::Shape;
use crate::output::Out;
use crate::safety::{Intent, Operation};

/// `hac cache ...`.
#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Sizes and counters of each region cache
    #[command(after_help = "Examples:\n  hac cache stats\n  hac --nodes a,b cache stats -o json")]
    Stats {
        #[command(flatten)]
        output: TextOutput,
    },
    /// Clear every region cache (HAC offers no per-region clear)
    #[command(
        after_help = "Examples:\n  hac cache clear\n  hac --profile prod --nodes a,b cache clear --yes"
    )]
    Clear {
        #[command(flatten)]
        output: TextOutput,
    },
}

impl CacheCommand {
    pub fn intent(&self) -> Intent {
        Intent::new(match self {
            CacheCommand::Stats { .. } => Operation::CacheStats,
            CacheCommand::Clear { .. } => Operation::CacheClear,
        })
    }

    pub fn shape(&self) -> Shape {
        match self {
            CacheCommand::Stats { output } | CacheCommand::Clear { output } => output.shape(),
        }
    }

    pub fn run(&self, hac: &HacClient, out: &mut Out) -> Result<Exit> {
        run(hac, out, self)
    }
}

fn run(hac: &HacClient, out: &mut Out, command: &CacheCommand) -> Result<Exit> {
    let (stats, output) = match command {
        CacheCommand::Stats { output } => (
            hac.cache_stats().context("reading the cache statistics")?,
            *output,
        ),
        CacheCommand::Clear { output } => {
            let stats = hac.clear_cache().context("clearing the caches")?;
            out.note(format_args!(
                "hac: cleared every cache region of {} (HAC has no per-region clear)",
                super::answering_node(hac)
            ));
            (stats, *output)
        }
    };
    if output.is_json() {
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
