//! `hac cluster`, `hac db`, `hac memory` and `hac threaddump`: what the answering node
//! knows about itself.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use hac_client::HacClient;

use crate::args::TextFormat;
use crate::failure::{Exit, usage};
use crate::output::Out;

pub fn cluster(hac: &HacClient, out: &mut Out, format: TextFormat) -> Result<Exit> {
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

pub fn db(hac: &HacClient, out: &mut Out, format: TextFormat) -> Result<Exit> {
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

pub fn memory(hac: &HacClient, out: &mut Out, format: TextFormat) -> Result<Exit> {
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

pub fn thread_dump(hac: &HacClient, out: &mut Out, file: Option<&Path>) -> Result<Exit> {
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
