//! `hac cluster`, `hac db`, `hac memory` and `hac threaddump`: what the answering node
//! knows about itself.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use hac_client::HacClient;

use super::TextOutput;
use crate::failure::{Exit, usage};
use crate::fanout::Shape;
use crate::output::Out;
use crate::output::format::TextFormat;
use crate::safety::{Intent, Operation};

macro_rules! text_command {
    ($name:ident, $op:ident, $run:ident, $doc:literal, $examples:literal) => {
        #[doc = $doc]
        #[derive(Debug, Args)]
        #[command(after_help = $examples)]
        pub struct $name {
            #[command(flatten)]
            pub output: TextOutput,
        }

        impl $name {
            pub fn intent() -> Intent {
                Intent::new(Operation::$op)
            }

            pub fn run(&self, hac: &HacClient, out: &mut Out) -> Result<Exit> {
                $run(hac, out, self.output.format)
            }
        }
    };
}

text_command!(
    ClusterArgs,
    Cluster,
    cluster,
    "`hac cluster`.",
    "Examples:\n  hac cluster\n  hac --nodes a,b cluster -o json"
);
text_command!(
    DbArgs,
    Database,
    db,
    "`hac db`.",
    "Examples:\n  hac db\n  hac db -o json"
);
text_command!(
    MemoryArgs,
    Memory,
    memory,
    "`hac memory`.",
    "Examples:\n  hac memory\n  hac --nodes a,b memory -o json"
);

/// `hac threaddump`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac threaddump -o dump.txt
  hac --nodes a,b threaddump")]
pub struct ThreaddumpArgs {
    /// Write it to FILE instead of standard output
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl ThreaddumpArgs {
    pub fn intent() -> Intent {
        Intent::new(Operation::ThreadDump)
    }

    /// On standard output, it can be labelled per node; to a file, it runs once.
    pub fn shape(&self) -> Option<Shape> {
        self.output.is_none().then_some(Shape::Text)
    }

    pub fn run(&self, hac: &HacClient, out: &mut Out) -> Result<Exit> {
        if let Some(path) = &self.output {
            crate::output::destination::prepare_file(path, &format!("-o {}", path.display()))?;
        }
        thread_dump(hac, out, self.output.as_deref())
    }
}

fn cluster(hac: &HacClient, out: &mut Out, format: TextFormat) -> Result<Exit> {
    let c = hac.cluster().context("reading the cluster")?;
    if format == TextFormat::Json {
        out.json(&c)?;
        return Ok(Exit::Success);
    }
    let w = out.stdout();
    writeln!(
        w,
        "clustering  {}",
        if c.cluster_enabled { "on" } else { "off" }
    )?;
    writeln!(
        w,
        "this node   {} (dynamic {})",
        c.cluster_node_id, c.dynamic_cluster_node_id
    )?;
    for n in &c.nodes {
        let me = if n.node_id == c.cluster_node_id {
            "  <- answered"
        } else {
            ""
        };
        writeln!(
            w,
            "node {:3}  {:15}  {}{me}",
            n.node_id, n.node_ip, n.method_name
        )?;
    }
    Ok(Exit::Success)
}

fn db(hac: &HacClient, out: &mut Out, format: TextFormat) -> Result<Exit> {
    let sources = hac.data_sources().context("reading the data sources")?;
    let sizes = hac.table_sizes().context("reading the table sizes")?;
    if format == TextFormat::Json {
        out.json(&serde_json::json!({"data_sources": sources, "table_sizes": sizes}))?;
        return Ok(Exit::Success);
    }
    let w = out.stdout();
    for (id, ds) in &sources {
        writeln!(
            w,
            "{id}: {} {} as {} ({} of {} connections in use) {}",
            ds.db_name, ds.db_version, ds.db_user, ds.num_in_use, ds.max_allowed_open, ds.url
        )?;
    }
    let mut by_size: Vec<(&String, &u64)> = sizes.iter().collect();
    by_size.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let width = by_size.iter().map(|(t, _)| t.len()).max().unwrap_or(0);
    writeln!(w)?;
    for (table, rows) in by_size {
        writeln!(w, "{table:width$}  {rows:>12}")?;
    }
    Ok(Exit::Success)
}

fn memory(hac: &HacClient, out: &mut Out, format: TextFormat) -> Result<Exit> {
    let m = hac.memory().context("reading the memory")?;
    if format == TextFormat::Json {
        out.json(&m)?;
        return Ok(Exit::Success);
    }
    let w = out.stdout();
    let max = if m.heap_max > 0 {
        format!("{} MiB", m.heap_max)
    } else {
        "unlimited".into()
    };
    writeln!(
        w,
        "heap      {} MiB used of {} MiB committed (max {max})",
        m.heap_used, m.heap_committed
    )?;
    writeln!(w, "non-heap  {} MiB used", m.nonheap_used)?;
    writeln!(
        w,
        "runtime   {} MiB used, {} MiB free of {} MiB",
        m.used_memory, m.free_memory, m.total_memory
    )?;
    Ok(Exit::Success)
}

fn thread_dump(hac: &HacClient, out: &mut Out, file: Option<&Path>) -> Result<Exit> {
    let dump = hac.thread_dump().context("taking the thread dump")?;
    match file {
        None => out.stdout().write_all(dump.as_bytes())?,
        Some(path) => {
            std::fs::write(path, dump.as_bytes())
                .map_err(|e| usage(format!("cannot write {}: {e}", path.display())))?;
            out.note(format_args!(
                "hac: thread dump written to {}",
                path.display()
            ));
        }
    }
    Ok(Exit::Success)
}
