//! `hac flexsearch`: run a FlexibleSearch or SQL query and print the rows.

use std::io::Write;

use anyhow::{Context, Result};
use clap::Args;
use hac_client::{FlexibleSearch, HacClient, PkPager, RowLimit};

use super::Input;
use crate::failure::{Exit, usage};
use crate::fanout::Shape;
use crate::output::format::TableFormat;
use crate::output::{self, Out};
use crate::safety::{Intent, Operation};

/// `--max` when not given: HAC's own default (`DEFAULT_MAX_ROWS`).
pub const DEFAULT_MAX: MaxRows = MaxRows::Rows(hac_client::DEFAULT_MAX_ROWS);

/// `--max`: a number of rows or `all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxRows {
    /// At most this many.
    Rows(u32),
    /// No limit.
    All,
}

fn parse_max(text: &str) -> Result<MaxRows, String> {
    if text.trim().eq_ignore_ascii_case("all") {
        return Ok(MaxRows::All);
    }
    match text.trim().parse::<u32>() {
        Ok(n) if n >= 1 => Ok(MaxRows::Rows(n)),
        _ => Err(format!(
            "{text:?}: expected a number of rows (1 or more) or \"all\""
        )),
    }
}

/// `hac flexsearch`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac flexsearch 'SELECT {pk}, {code} FROM {Product}' --max 50 -o csv
  hac flexsearch 'SELECT {pk}, {code} FROM {Product}' --all -o jsonl > products.jsonl
  hac flexsearch --sql 'SELECT p_code FROM products' -o json")]
pub struct FlexsearchArgs {
    /// The query, or "-" for standard input
    pub query: String,
    /// The query is SQL, not FlexibleSearch
    #[arg(long)]
    pub sql: bool,
    /// Maximum number of rows, or "all" for no limit [default: 200, HAC's own; a result cut
    /// there is warned about on stderr]
    #[arg(long, visible_aliases = ["limit", "max-rows"], value_name = "N|all", value_parser = parse_max)]
    pub max: Option<MaxRows>,
    /// Every row, however many, fetched in pages ordered by PK and written as they arrive
    /// (flat memory): for FlexibleSearch queries that select {pk}, without ORDER BY,
    /// GROUP BY or UNION
    #[arg(long, conflicts_with_all = ["max", "sql"])]
    pub all: bool,
    /// Rows per page with --all
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..), requires = "all")]
    pub page_size: u32,
    /// Commit the changes of SQL DML (UPDATE, INSERT, DELETE); rolled back by default
    #[arg(long)]
    pub commit: bool,
    /// Data source to query (e.g. a read-only replica); master by default
    #[arg(long, value_name = "ID")]
    pub data_source: Option<String>,
    /// Locale for localized attributes, e.g. en
    #[arg(long, value_name = "L")]
    pub locale: Option<String>,
    /// Run the query as this user
    #[arg(long, value_name = "U")]
    pub as_user: Option<String>,
    /// Output format
    #[arg(short = 'o', long = "format", visible_alias = "output", value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
    /// How NULL is shown in table and csv output [default: NULL in tables, empty in csv]
    #[arg(long, value_name = "STRING")]
    pub null: Option<String>,
    /// With -o csv: a cell a spreadsheet would run as a formula (starting with = + - @ TAB
    /// or CR) gets a leading ' (OWASP's advice; changes the data: -5 becomes '-5)
    #[arg(long)]
    pub csv_safe: bool,
}

impl FlexsearchArgs {
    pub fn read_input(&self, stdin_taken: bool) -> Result<Input> {
        Ok(Input::Text(if self.query == "-" {
            crate::input::read_input(None, "query", stdin_taken)?
        } else if self.query.trim().is_empty() {
            return Err(usage("the query is empty"));
        } else {
            self.query.clone()
        }))
    }

    /// A read only when the text cannot act (see `safety::sql`); `--commit` makes SQL a
    /// write and is a usage error without `--sql`.
    pub fn intent(&self, input: &Input) -> Result<Intent> {
        let text = input.text();
        Ok(match (self.sql, self.commit) {
            (false, true) => {
                return Err(usage(
                    "--commit commits SQL (with --sql); a FlexibleSearch query is sent without it",
                ));
            }
            (false, false) => match crate::safety::sql::classify_flexible_search(text) {
                Ok(()) => Intent::new(Operation::FlexibleSearch),
                Err(why) => Intent::with_detail(Operation::FlexibleSearchWrite, why.0),
            },
            (true, true) => {
                Intent::with_detail(Operation::SqlStatement, "--commit commits whatever it does")
            }
            (true, false) => match crate::safety::sql::classify(text) {
                Ok(()) => Intent::new(Operation::SqlQuery),
                Err(why) => Intent::with_detail(Operation::SqlStatement, why.0),
            },
        })
    }

    /// SQL with `--commit` runs once; everything else can be labelled per target.
    pub fn shape(&self) -> Option<Shape> {
        if self.commit {
            return None;
        }
        Some(match self.format {
            TableFormat::Table => Shape::Text,
            TableFormat::Csv => Shape::Csv,
            TableFormat::Json | TableFormat::JsonResult => Shape::Json,
            TableFormat::Jsonl => Shape::Jsonl,
        })
    }

    pub fn run(&self, hac: &HacClient, out: &mut Out, input: &Input) -> Result<Exit> {
        run(hac, out, self, input.text())
    }
}

fn run(hac: &HacClient, out: &mut Out, args: &FlexsearchArgs, query: &str) -> Result<Exit> {
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
        .max_rows(limit)
        .commit(args.commit),
        args,
    );
    let r = hac.flexible_search(q).context("running the query")?;
    if let Some(exception) = &r.exception {
        // Data on stdout only when it worked; json-result keeps the whole result.
        if args.format == TableFormat::JsonResult {
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
            "hac: warning: the result stops at the limit of {}; more rows may match \
             (raise it with --max N, or lift it with --all)",
            super::count(r.len(), "row")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_rows() {
        assert_eq!(parse_max("50"), Ok(MaxRows::Rows(50)));
        assert_eq!(parse_max("ALL"), Ok(MaxRows::All));
        for bad in ["0", "-1", "x", ""] {
            assert!(parse_max(bad).is_err(), "{bad}");
        }
    }
}
