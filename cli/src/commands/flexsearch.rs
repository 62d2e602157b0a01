//! `hac flexsearch`: run a FlexibleSearch or SQL query and print the rows.

use std::io::Write;

use anyhow::{Context, Result};
use hac_client::{FlexibleSearch, HacClient, PkPager, RowLimit};

use crate::args::{DEFAULT_MAX, FlexsearchArgs, MaxRows, TableFormat};
use crate::failure::{Exit, usage};
use crate::output::{self, Out};

pub fn run(hac: &HacClient, out: &mut Out, args: &FlexsearchArgs, query: &str) -> Result<Exit> {
    if args.all {
        return run_paged(hac, out, args, query);
    }
    let limit = match args.max.unwrap_or(DEFAULT_MAX) {
        MaxRows::All => RowLimit::Unlimited,
        MaxRows::Rows(n) => RowLimit::Rows(n),
    };
    let q = options(
        if args.sql {
            FlexibleSearch::sql(query)
        } else {
            FlexibleSearch::new(query)
        }
        .max_count(limit)
        .commit(args.commit),
        args,
    );
    let r = hac.flexible_search(q).context("running the query")?;
    if let Some(exception) = &r.exception {
        if matches!(args.format, TableFormat::Json | TableFormat::JsonResult) {
            out.json(&r)?;
        }
        out.problem(format_args!(
            "hac: the query failed on the server: {exception}"
        ));
        return Ok(Exit::OperationFailed);
    }
    match args.format {
        TableFormat::Table => {
            output::write_table(out.stdout(), &r, args.null.as_deref().unwrap_or("NULL"))?
        }
        TableFormat::Csv => output::write_csv(out.stdout(), &r, &csv_options(args))?,
        TableFormat::JsonResult => out.json(&r)?,
        TableFormat::Json | TableFormat::Jsonl => {
            let renamed = if args.format == TableFormat::Json {
                output::write_json_rows(out.stdout(), &r)?
            } else {
                output::write_jsonl(out.stdout(), &r)?
            };
            if renamed {
                out.note(format_args!(
                    "hac: columns with the same name were renamed for JSON: {}",
                    r.unique_headers().0.join(", ")
                ));
            }
        }
    }
    let more = if r.count > r.len() as u64 {
        format!(" of {}", r.count)
    } else {
        String::new()
    };
    out.note(format_args!(
        "{} row{}{more} in {:.0} ms",
        r.len(),
        if r.len() == 1 { "" } else { "s" },
        r.execution_time.as_secs_f64() * 1000.0
    ));
    if r.is_truncated() {
        let warning = format!(
            "hac: warning: the result stops at the limit of {} rows; more rows may match \
             (raise it with --max N, or lift it with --all)",
            r.len()
        );
        // A limit the user did not choose is shown even with --quiet: a script must not
        // take 200 rows for the whole table unawares.
        if args.max.is_none() {
            out.problem(warning);
        } else {
            out.note(warning);
        }
    }
    Ok(Exit::Success)
}

fn options(mut q: FlexibleSearch, args: &FlexsearchArgs) -> FlexibleSearch {
    if let Some(l) = &args.locale {
        q = q.locale(l.clone());
    }
    if let Some(u) = &args.as_user {
        q = q.user(u.clone());
    }
    if let Some(d) = &args.data_source {
        q = q.data_source(d.clone());
    }
    q
}

/// `--all`: the query in pages ordered by PK, each page written as it arrives, so that
/// memory stays at one page however many rows there are.
fn run_paged(hac: &HacClient, out: &mut Out, args: &FlexsearchArgs, query: &str) -> Result<Exit> {
    if args.format == TableFormat::JsonResult {
        return Err(usage(
            "--all writes rows as they arrive; json-result is one document: use -o json or jsonl",
        ));
    }
    let mut pager = PkPager::new(options(FlexibleSearch::new(query), args), args.page_size)
        .map_err(|e| usage(format!("--all: {e}")))?;
    let started = std::time::Instant::now();
    let null_table = args.null.as_deref().unwrap_or("NULL");
    let csv = csv_options(args);
    let mut widths: Option<Vec<usize>> = None;
    let mut first = true;
    let mut pages = 0u64;
    if args.format == TableFormat::Json {
        out.stdout().write_all(b"[")?;
    }
    loop {
        let page = match hac.flexible_search_page(&mut pager) {
            Ok(Some(page)) => page,
            Ok(None) => break,
            Err(hac_client::Error::Query { message, .. }) => {
                if args.format == TableFormat::Json {
                    out.stdout().write_all(b"]\n")?;
                }
                out.problem(format_args!(
                    "hac: the query failed on the server: {message}"
                ));
                return Ok(Exit::OperationFailed);
            }
            Err(e) => return Err(e).context("reading the next page"),
        };
        pages += 1;
        match args.format {
            TableFormat::Table => {
                let w = widths.get_or_insert_with(|| output::table_widths(&page, null_table));
                output::write_table_rows(out.stdout(), &page, w, null_table, first)?;
            }
            TableFormat::Csv => output::write_csv_rows(out.stdout(), &page, &csv, first)?,
            TableFormat::Jsonl => {
                output::write_jsonl(out.stdout(), &page)?;
            }
            TableFormat::Json => {
                output::write_json_row_items(out.stdout(), &page, first)?;
            }
            TableFormat::JsonResult => unreachable!("refused above"),
        }
        if !page.is_empty() {
            first = false;
        }
        out.stdout().flush()?;
        // Only where it is rewritten in place: a CI log gets the summary line alone.
        if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            out.progress(&format!("hac: {} rows so far", pager.rows_read()));
        }
    }
    if args.format == TableFormat::Json {
        out.stdout()
            .write_all(if first { b"]\n" } else { b"\n]\n" })?;
    }
    out.clear_progress();
    out.note(format_args!(
        "{} rows in {pages} page{} of up to {} in {:.1} s",
        pager.rows_read(),
        if pages == 1 { "" } else { "s" },
        args.page_size,
        started.elapsed().as_secs_f64()
    ));
    Ok(Exit::Success)
}

/// How `-o csv` writes: `--null`, `--csv-safe`.
fn csv_options(args: &FlexsearchArgs) -> output::Csv {
    output::Csv {
        null: args.null.clone().unwrap_or_default(),
        safe: args.csv_safe,
    }
}
