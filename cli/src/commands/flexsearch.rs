//! `hac flexsearch`: run a FlexibleSearch or SQL query and print the rows.

use anyhow::{Context, Result};
use hac_client::{FlexibleSearch, HacClient, RowLimit};

use crate::args::{DEFAULT_MAX, FlexsearchArgs, MaxRows, TableFormat};
use crate::failure::Exit;
use crate::output::{self, Out};

pub fn run(hac: &HacClient, out: &mut Out, args: &FlexsearchArgs, query: &str) -> Result<Exit> {
    let limit = match (args.all, args.max.unwrap_or(DEFAULT_MAX)) {
        (true, _) | (_, MaxRows::All) => RowLimit::Unlimited,
        (false, MaxRows::Rows(n)) => RowLimit::Rows(n),
    };
    let mut q = if args.sql {
        FlexibleSearch::sql(query)
    } else {
        FlexibleSearch::new(query)
    }
    .max_count(limit)
    .commit(args.commit);
    if let Some(l) = &args.locale {
        q = q.locale(l.clone());
    }
    if let Some(u) = &args.as_user {
        q = q.user(u.clone());
    }
    if let Some(d) = &args.data_source {
        q = q.data_source(d.clone());
    }
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
        TableFormat::Csv => {
            output::write_csv(out.stdout(), &r, args.null.as_deref().unwrap_or(""))?
        }
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
        let warning = format_args!(
            "hac: warning: the result stops at the limit of {} rows; more rows may match \
             (raise it with --max N, or lift it with --all)",
            r.len()
        );
        // A limit the user did not choose is shown even with --quiet: a script must not
        // take 200 rows for the whole table unawares.
        if args.max.is_none() && !args.all {
            out.problem(warning);
        } else {
            out.note(warning);
        }
    }
    Ok(Exit::Success)
}
