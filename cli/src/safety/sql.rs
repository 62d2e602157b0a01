//! Whether a SQL text is a read: the one decision that lets `flexsearch --sql` (and the
//! MCP `flexible_search` tool with `sql: true`) run on a guarded profile.
//!
//! HAC rolls back DML when commit is off, but DDL and `TRUNCATE` commit implicitly on
//! MySQL, Oracle, SAP HANA and HSQLDB, and a `SELECT` can still write (`INTO`), lock
//! (`FOR UPDATE`), change data through a `WITH` clause, or call a function that acts
//! (`pg_terminate_backend`, `nextval`). So a text is a read only when a real SQL parser
//! sees exactly one statement that is a query without any of those, and **everything
//! else is a write, including what does not parse**.
//!
//! The server's database is not known before a request, so the text is parsed with
//! several dialects (SAP Commerce runs on SAP HANA, MySQL, Oracle, SQL Server, PostgreSQL
//! and HSQLDB; sqlparser has no HANA or HSQLDB dialect, whose syntax the generic and ANSI
//! ones cover): it is a read when at least one dialect parses it and every dialect that
//! parses it sees a read. Function calls are checked against a list of functions known to
//! compute only; any other function (a user-defined one included) makes the text a write,
//! because nothing here can tell what it does.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, ObjectName, Query, Select, Statement, TableFactor, Visit, Visitor};
use sqlparser::dialect::{
    AnsiDialect, Dialect, GenericDialect, MsSqlDialect, MySqlDialect, OracleDialect,
    PostgreSqlDialect,
};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

/// Why a SQL text is not a read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotARead(pub String);

impl std::fmt::Display for NotARead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `Ok(())` when `sql` is one side-effect-free query; otherwise why it is a write.
pub fn classify(sql: &str) -> Result<(), NotARead> {
    let no = |why: String| Err(NotARead(why));
    // MySQL runs the text of `/*! ... */` comments; every parser here skips it.
    if sql.contains("/*!") {
        return no("it has a MySQL executable comment (/*! ... */)".into());
    }
    words(sql)?;
    let dialects: [&dyn Dialect; 6] = [
        &GenericDialect {},
        &AnsiDialect {},
        &MySqlDialect {},
        &PostgreSqlDialect {},
        &MsSqlDialect {},
        &OracleDialect,
    ];
    let mut parsed = 0;
    for dialect in dialects {
        let Ok(statements) = Parser::parse_sql(dialect, sql) else {
            continue;
        };
        parsed += 1;
        match statements.as_slice() {
            [] => return no("it has no statement".into()),
            [one] => statement(one)?,
            more => {
                return no(format!(
                    "it is {} statements, and only a single query is a read",
                    more.len()
                ));
            }
        }
    }
    if parsed == 0 {
        return no("it does not parse as SQL, and what cannot be classified is a write".into());
    }
    Ok(())
}

/// Words no read has, found in the tokens (so never inside a string literal or a quoted
/// name): a belt under the syntax tree for dialect syntax a parser may not model.
fn words(sql: &str) -> Result<(), NotARead> {
    let tokens = Tokenizer::new(&GenericDialect {}, sql)
        .tokenize()
        .map_err(|_| {
            NotARead("it does not parse as SQL, and what cannot be classified is a write".into())
        })?;
    let plain: Vec<String> = tokens
        .iter()
        .filter_map(|t| match t {
            Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_lowercase()),
            _ => None,
        })
        .collect();
    for (i, w) in plain.iter().enumerate() {
        let why = match w.as_str() {
            "into" => "INTO writes its result somewhere (a table, a file or variables)",
            "outfile" | "dumpfile" => "it writes a file on the database server",
            "nextval" => "NEXTVAL advances a sequence",
            "next"
                if plain.get(i + 1).is_some_and(|v| v == "value")
                    && plain.get(i + 2).is_some_and(|v| v == "for") =>
            {
                "NEXT VALUE FOR advances a sequence"
            }
            _ => continue,
        };
        return Err(NotARead(why.into()));
    }
    Ok(())
}

/// One parsed statement: a query (or an EXPLAIN or DESCRIBE of one, or SHOW), with every
/// nested part checked.
fn statement(s: &Statement) -> Result<(), NotARead> {
    let mut check = Check;
    match s.visit(&mut check) {
        ControlFlow::Continue(()) => Ok(()),
        ControlFlow::Break(why) => Err(why),
    }
}

/// The syntax-tree walk: breaks at the first part that is not a read.
struct Check;

impl Visitor for Check {
    type Break = NotARead;

    fn pre_visit_statement(&mut self, s: &Statement) -> ControlFlow<NotARead> {
        match s {
            // EXPLAIN [ANALYZE] runs or plans the statement inside it, which is visited
            // next: it is a read exactly when that statement is.
            Statement::Query(_)
            | Statement::Explain { .. }
            | Statement::ExplainTable { .. }
            | Statement::ShowTables { .. }
            | Statement::ShowColumns { .. } => ControlFlow::Continue(()),
            other => ControlFlow::Break(NotARead(format!(
                "{} is not a query",
                statement_kind(other)
            ))),
        }
    }

    fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<NotARead> {
        if !q.locks.is_empty() {
            return ControlFlow::Break(NotARead(
                "FOR UPDATE / FOR SHARE locks rows until the transaction ends".into(),
            ));
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, s: &Select) -> ControlFlow<NotARead> {
        if s.into.is_some() {
            return ControlFlow::Break(NotARead("SELECT ... INTO creates or fills a table".into()));
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<NotARead> {
        match e {
            Expr::Function(f) => function(&f.name),
            _ => ControlFlow::Continue(()),
        }
    }

    fn pre_visit_table_factor(&mut self, t: &TableFactor) -> ControlFlow<NotARead> {
        match t {
            TableFactor::Table {
                name,
                args: Some(_),
                ..
            }
            | TableFactor::Function { name, .. } => function(name),
            _ => ControlFlow::Continue(()),
        }
    }
}

/// "DROP TABLE", "DELETE", "CREATE VIEW": the statement's first words, for messages.
fn statement_kind(s: &Statement) -> String {
    let text = s.to_string();
    let words: Vec<&str> = text
        .split_whitespace()
        .take_while(|w| w.chars().all(|c| c.is_ascii_alphabetic()))
        .take(2)
        .collect();
    if words.is_empty() {
        "the statement".into()
    } else {
        words.join(" ").to_ascii_uppercase()
    }
}

fn function(name: &ObjectName) -> ControlFlow<NotARead> {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| {
            p.to_string()
                .trim_matches(['"', '`', '[', ']'])
                .to_ascii_lowercase()
        })
        .collect();
    match parts.as_slice() {
        [one] if COMPUTING_FUNCTIONS.binary_search(&one.as_str()).is_ok() => {
            ControlFlow::Continue(())
        }
        _ => ControlFlow::Break(NotARead(format!(
            "it calls {}, which hac cannot tell is free of side effects",
            parts.join(".")
        ))),
    }
}

/// Functions of the usual SQL dialects that compute a value and change nothing (sorted,
/// for the binary search; a test checks the order). Anything else is treated as acting.
const COMPUTING_FUNCTIONS: &[&str] = &[
    "abs",
    "acos",
    "add_months",
    "array_agg",
    "ascii",
    "asin",
    "atan",
    "atan2",
    "avg",
    "bit_and",
    "bit_length",
    "bit_or",
    "bool_and",
    "bool_or",
    "btrim",
    "cardinality",
    "cast",
    "cbrt",
    "ceil",
    "ceiling",
    "char",
    "char_length",
    "character_length",
    "charindex",
    "chr",
    "coalesce",
    "concat",
    "concat_ws",
    "convert",
    "corr",
    "cos",
    "cot",
    "count",
    "count_big",
    "covar_pop",
    "covar_samp",
    "cume_dist",
    "curdate",
    "current_date",
    "current_time",
    "current_timestamp",
    "curtime",
    "date",
    "date_add",
    "date_format",
    "date_part",
    "date_sub",
    "date_trunc",
    "dateadd",
    "datediff",
    "datename",
    "datepart",
    "day",
    "dayname",
    "dayofmonth",
    "dayofweek",
    "dayofyear",
    "days_between",
    "decode",
    "degrees",
    "dense_rank",
    "div",
    "exp",
    "extract",
    "first_value",
    "floor",
    "format",
    "from_unixtime",
    "getdate",
    "getutcdate",
    "greatest",
    "group_concat",
    "hex",
    "hour",
    "if",
    "ifnull",
    "iif",
    "initcap",
    "instr",
    "isnull",
    "json_extract",
    "json_query",
    "json_value",
    "lag",
    "last_day",
    "last_value",
    "lcase",
    "lead",
    "least",
    "left",
    "len",
    "length",
    "listagg",
    "ln",
    "locate",
    "log",
    "log10",
    "log2",
    "lower",
    "lpad",
    "ltrim",
    "max",
    "md5",
    "median",
    "mid",
    "min",
    "minute",
    "mod",
    "month",
    "monthname",
    "months_between",
    "nanvl",
    "now",
    "nth_value",
    "ntile",
    "nullif",
    "nvl",
    "nvl2",
    "octet_length",
    "percent_rank",
    "percentile_cont",
    "percentile_disc",
    "pi",
    "position",
    "power",
    "quarter",
    "radians",
    "rank",
    "ratio_to_report",
    "regexp_instr",
    "regexp_like",
    "regexp_replace",
    "regexp_substr",
    "repeat",
    "replace",
    "replicate",
    "reverse",
    "right",
    "round",
    "row_number",
    "rpad",
    "rtrim",
    "second",
    "sha1",
    "sha2",
    "sign",
    "sin",
    "space",
    "sqrt",
    "stddev",
    "stddev_pop",
    "stddev_samp",
    "str_to_date",
    "string_agg",
    "strpos",
    "stuff",
    "substr",
    "substring",
    "substring_index",
    "sum",
    "sysdate",
    "systimestamp",
    "tan",
    "to_char",
    "to_date",
    "to_number",
    "to_timestamp",
    "translate",
    "trim",
    "trunc",
    "ucase",
    "unix_timestamp",
    "upper",
    "utc_timestamp",
    "var_pop",
    "var_samp",
    "variance",
    "week",
    "weekday",
    "year",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_function_list_is_sorted_and_lowercase() {
        assert!(COMPUTING_FUNCTIONS.windows(2).all(|w| w[0] < w[1]));
        assert!(
            COMPUTING_FUNCTIONS
                .iter()
                .all(|f| *f == f.to_ascii_lowercase())
        );
    }

    /// Reads: one query, with nothing that acts.
    const READS: &[&str] = &[
        "SELECT 1",
        "select p_code from products",
        "SELECT p_code, COUNT(*) FROM products GROUP BY p_code HAVING COUNT(*) > 1",
        "SELECT * FROM products WHERE p_code LIKE 'A%' ORDER BY p_code LIMIT 10",
        "SELECT TOP 10 * FROM products",
        "SELECT * FROM products FETCH FIRST 5 ROWS ONLY",
        "SELECT 1 FROM dual",
        "WITH x AS (SELECT 1 AS a) SELECT a FROM x",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT i FROM n",
        "SELECT a FROM t1 UNION SELECT b FROM t2",
        "(SELECT 1)",
        "VALUES (1), (2)",
        "SELECT * FROM products WHERE PK IN (SELECT p_product FROM stocklevels)",
        "SELECT 'DROP TABLE products; INSERT INTO x' AS text FROM dual",
        "SELECT \"into\" FROM t",
        "SELECT UPPER(p_code), SUBSTR(p_name, 1, 3), COALESCE(p_ean, '-') FROM products",
        "SELECT ROW_NUMBER() OVER (PARTITION BY p_catalog ORDER BY createdTS) FROM products",
        "SELECT CAST(p_code AS VARCHAR(20)) FROM products",
        "SELECT * FROM products -- a comment; DROP TABLE x\n",
        "SELECT /* a comment */ p_code FROM products",
        "SELECT /*+ INDEX(products idx) */ p_code FROM products",
        "EXPLAIN SELECT * FROM products",
        "EXPLAIN ANALYZE SELECT * FROM products",
        "SELECT NOW(), CURRENT_TIMESTAMP",
        "SELECT DATE_TRUNC('day', createdTS) FROM products",
    ];

    /// Writes, of every kind the guard must see; each with a word its reason names.
    const WRITES: &[(&str, &str)] = &[
        // DDL and DML of the usual dialects
        ("DROP TABLE products", "DROP TABLE"),
        ("drop table products", "DROP TABLE"),
        ("TRUNCATE TABLE products", "TRUNCATE"),
        ("TRUNCATE products", "TRUNCATE"),
        ("DELETE FROM products", "DELETE"),
        ("DELETE FROM products WHERE p_code = '1'", "DELETE"),
        ("UPDATE products SET p_name = 'x'", "UPDATE"),
        ("INSERT INTO products (p_code) VALUES ('x')", ""),
        (
            "MERGE INTO products p USING src s ON (p.pk = s.pk) WHEN MATCHED THEN UPDATE SET p.p_name = s.p_name",
            "",
        ),
        ("CREATE TABLE x (a INT)", "CREATE TABLE"),
        ("CREATE INDEX i ON products (p_code)", "CREATE INDEX"),
        ("CREATE VIEW v AS SELECT 1", "CREATE VIEW"),
        ("ALTER TABLE products ADD COLUMN x INT", "ALTER TABLE"),
        ("ALTER TABLE products DROP COLUMN p_name", "ALTER TABLE"),
        ("RENAME TABLE products TO old_products", ""),
        ("GRANT SELECT ON products TO public", "GRANT"),
        ("REVOKE SELECT ON products FROM public", "REVOKE"),
        ("COMMIT", "COMMIT"),
        ("SET autocommit = 1", "SET"),
        ("CALL my_procedure()", "CALL"),
        ("EXEC sp_who", ""),
        ("EXECUTE xp_cmdshell 'dir'", ""),
        ("BEGIN DBMS_STATS.GATHER_SCHEMA_STATS('HYBRIS'); END;", ""),
        ("UPSERT products (p_code) VALUES ('x') WITH PRIMARY KEY", ""),
        ("REPLACE INTO products (p_code) VALUES ('x')", ""),
        ("LOCK TABLE products IN EXCLUSIVE MODE", ""),
        ("SHUTDOWN", ""),
        ("CHECKPOINT", ""),
        ("VACUUM products", ""),
        // data-modifying CTEs and several statements
        ("WITH x AS (SELECT 1) DELETE FROM products", "DELETE"),
        (
            "WITH d AS (DELETE FROM products RETURNING pk) SELECT * FROM d",
            "DELETE",
        ),
        (
            "WITH u AS (UPDATE products SET p_name = 'x' RETURNING pk) SELECT count(*) FROM u",
            "UPDATE",
        ),
        ("SELECT 1; DROP TABLE products", "statements"),
        ("values(1); delete from products", "statements"),
        ("SELECT 1 -- hide\n; DROP TABLE products", "statements"),
        ("SELECT 1 /* hide */; DROP TABLE products", "statements"),
        (
            "SELECT 1 /*! ; DROP TABLE products */",
            "executable comment",
        ),
        // side-effect clauses
        ("SELECT * INTO new_products FROM products", "INTO"),
        ("SELECT * FROM products INTO OUTFILE '/tmp/p.csv'", "INTO"),
        ("SELECT p_code INTO @code FROM products LIMIT 1", "INTO"),
        ("SELECT * FROM products FOR UPDATE", "FOR UPDATE"),
        ("SELECT * FROM products FOR SHARE", "FOR UPDATE"),
        ("EXPLAIN ANALYZE DELETE FROM products", "DELETE"),
        ("EXPLAIN (ANALYZE) DELETE FROM products", "DELETE"),
        // functions that act
        ("SELECT pg_terminate_backend(1234)", "pg_terminate_backend"),
        (
            "SELECT pg_cancel_backend(pid) FROM pg_stat_activity",
            "pg_cancel_backend",
        ),
        ("SELECT nextval('seq')", "nextval"),
        ("SELECT seq.NEXTVAL FROM dual", "NEXTVAL"),
        ("SELECT NEXT VALUE FOR seq", "NEXT VALUE FOR"),
        ("SELECT set_config('x', 'y', false)", "set_config"),
        ("SELECT sys_exec('rm -rf /')", "sys_exec"),
        ("SELECT my_schema.cleanup() FROM dual", "my_schema.cleanup"),
        (
            "SELECT * FROM dblink('host=x', 'DELETE FROM t') AS t(a int)",
            "dblink",
        ),
        ("SELECT lo_export(1, '/tmp/x')", "lo_export"),
        (
            "SELECT 1 FROM products WHERE p_code = (SELECT pg_reload_conf())",
            "pg_reload_conf",
        ),
        // what does not parse
        ("SELEC * FROM products", "parse"),
        ("", "no statement"),
        ("this is not sql", "parse"),
        ("SELECT * FROM", "parse"),
    ];

    #[test]
    fn reads_are_reads() {
        for sql in READS {
            assert_eq!(classify(sql), Ok(()), "{sql}");
        }
    }

    #[test]
    fn writes_are_writes_and_say_why() {
        assert!(READS.len() + WRITES.len() >= 40);
        for (sql, why) in WRITES {
            let e = classify(sql).expect_err(sql);
            assert!(
                e.0.to_lowercase().contains(&why.to_lowercase()),
                "{sql}: {e}"
            );
        }
    }
}
