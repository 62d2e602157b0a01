//! Reading each target (in parallel, one thread per target) into what `compare` compares:
//! a map of key to value per section, or for a query, rows in key order.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use hac_client::{FlexibleSearch, HacClient, LogLevel};

use super::compare::{self, Diff, Section};
use super::{DiffArgs, Outcome, Target, What};
use crate::failure::usage;
use crate::output::Out;

/// Compares every target with the first.
pub fn compare_all(
    targets: &[Target],
    what: &What,
    args: &DiffArgs,
    out: &mut Out,
) -> Result<Outcome> {
    let mut sections = BTreeMap::new();
    match what {
        What::Query(query) => {
            let keys = args.key.clone().unwrap_or_default();
            let section = super::key_pages::query_diff(
                &targets[0].client,
                &targets[1].client,
                query,
                &keys,
                args,
            )?;
            sections.insert(targets[1].label.clone(), section);
        }
        _ => {
            let maps = read_all(targets, what)?;
            let secret = matches!(what, What::Config(_));
            for (t, map) in targets.iter().zip(&maps).skip(1) {
                let section = compare::maps(&maps[0], map, |k| secret && compare::secret_key(k));
                sections.insert(t.label.clone(), section);
            }
        }
    }
    let equal = sections.values().all(Section::is_equal);
    let agree = (targets.len() > 2
        || matches!(what, What::LogLevels | What::Caches | What::Health))
    .then(|| {
        std::iter::once(targets[0].label.clone())
            .chain(
                targets[1..]
                    .iter()
                    .filter(|t| sections.get(&t.label).is_some_and(Section::is_equal))
                    .map(|t| t.label.clone()),
            )
            .collect()
    });
    out.note(format_args!(
        "hac: compared {} of {} with {}",
        what.name(),
        targets[0].label,
        targets[1..]
            .iter()
            .map(|t| t.label.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    Ok(Outcome {
        a: targets[0].label.clone(),
        b: targets[1..].iter().map(|t| t.label.clone()).collect(),
        what: what.name().to_owned(),
        equal,
        sections,
        agree,
    })
}

/// Every target's map, read at the same time.
fn read_all(targets: &[Target], what: &What) -> Result<Vec<BTreeMap<String, String>>> {
    std::thread::scope(|s| {
        let handles: Vec<_> = targets
            .iter()
            .map(|t| s.spawn(move || read_map(&t.client, what).with_context(|| t.label.clone())))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a reader stopped")))
            })
            .collect()
    })
}

/// One target's map for `what`.
pub fn read_map(hac: &HacClient, what: &What) -> Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    match what {
        What::Config(prefix) => {
            for p in hac
                .config_properties()
                .context("reading the configuration")?
            {
                if p.key.starts_with(prefix.as_str()) {
                    map.insert(p.key, p.value);
                }
            }
        }
        What::Types(prefix) => {
            for t in hac.type_system(prefix).context("reading the type system")? {
                map.insert(
                    t.code.clone(),
                    match &t.super_type {
                        Some(s) => format!("extends {s}"),
                        None => "(root type)".to_owned(),
                    },
                );
                for a in t.attributes {
                    let mut value = a.attribute_type.clone();
                    if a.optional == Some(false) {
                        value.push_str(", mandatory");
                    }
                    if a.unique == Some(true) {
                        value.push_str(", unique");
                    }
                    map.insert(format!("{}.{}", t.code, a.qualifier), value);
                }
            }
        }
        What::Extensions => {
            for e in hac.extensions().context("reading the extensions")? {
                map.insert(e.name, e.version);
            }
        }
        What::Patches => {
            let data = hac.update_data().context("reading the update data")?;
            for p in data.project_data {
                let params: Vec<String> = p
                    .parameters
                    .iter()
                    .map(|x| match &x.default {
                        Some(d) => format!("{}={d}", x.name),
                        None => format!("{}={}", x.name, x.selected().join("|")),
                    })
                    .collect();
                map.insert(format!("project data {}", p.name), params.join(", "));
            }
            let patches = hac
                .pending_patches()
                .context("reading the pending patches")?;
            for (ext, list) in patches.iter() {
                for p in list {
                    map.insert(
                        format!("patch {ext} {}", p.hash),
                        p.name
                            .clone()
                            .or_else(|| p.description.clone())
                            .unwrap_or_default(),
                    );
                }
            }
        }
        What::LogLevels => {
            for l in hac.loggers().context("reading the loggers")? {
                map.insert(
                    l.name,
                    l.level.map_or("(unknown)", LogLevel::as_str).to_owned(),
                );
            }
        }
        What::Caches => {
            for r in hac.cache_stats().context("reading the caches")?.regions {
                map.insert(r.name, format!("max entries {}", r.max_entries));
            }
        }
        What::Health => {
            let health = hac.health().context("reading the health checks")?;
            for c in health.checks {
                let state = if c.healthy { "healthy" } else { "unhealthy" };
                map.insert(c.name, state.to_owned());
            }
        }
        What::Query(_) => return Err(usage("a query is compared row by row")),
    }
    Ok(map)
}

/// A section from the differences a merge found, in the order found.
pub fn section_of(found: Vec<Diff>, columns: &[String]) -> Section {
    let mut s = Section::default();
    let row_value = |cells: &[Option<String>]| compare::cells_value(columns, cells, 0..cells.len());
    for d in found {
        match d {
            Diff::OnlyA((key, cells)) => s.only_a.push(compare::Item {
                key,
                value: row_value(&cells),
            }),
            Diff::OnlyB((key, cells)) => s.only_b.push(compare::Item {
                key,
                value: row_value(&cells),
            }),
            Diff::Changed(c) => s.changed.push(c),
        }
    }
    s
}

/// A query's column names and its rows by key (the key columns' values joined).
pub type KeyedRows = (Vec<String>, BTreeMap<String, Vec<Option<String>>>);

/// The rows of `query` keyed by `keys`, in memory, for several key columns (at most
/// `limit` rows, or a refusal that says why).
pub fn keyed_in_memory(
    hac: &HacClient,
    query: &str,
    keys: &[String],
    limit: usize,
) -> Result<KeyedRows> {
    let max = u32::try_from(limit.saturating_add(1)).unwrap_or(u32::MAX);
    let r = hac
        .flexible_search(FlexibleSearch::new(query).max_rows(max))
        .context("running the query")?
        .into_result()?;
    if r.len() > limit {
        return Err(usage(format!(
            "the query matches more than {limit} rows: with several key columns hac diff holds one side in memory; narrow the query, raise --max-rows, or compare by one unique key column (merged page by page)"
        )));
    }
    let columns = r.headers.clone();
    let key_cols: Vec<usize> = keys
        .iter()
        .map(|k| {
            r.column(k).ok_or_else(|| {
                usage(format!(
                    "--key {k}: the query has no such column (it has {})",
                    columns.join(", ")
                ))
            })
        })
        .collect::<Result<_>>()?;
    let mut map = BTreeMap::new();
    for row in r.rows() {
        let cells: Vec<Option<String>> = row.cells().map(|c| c.map(str::to_owned)).collect();
        let key: Vec<String> = key_cols
            .iter()
            .map(|&i| cells.get(i).cloned().flatten().unwrap_or_default())
            .collect();
        let key = key.join(" | ");
        if map.insert(key.clone(), cells).is_some() {
            return Err(usage(format!(
                "--key {}: the key {key:?} is not unique in the query's rows",
                keys.join(",")
            )));
        }
    }
    Ok((columns, map))
}
