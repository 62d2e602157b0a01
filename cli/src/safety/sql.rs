//! Whether a SQL or FlexibleSearch text is a read: the one decision that lets
//! `flexsearch` (and the MCP `flexible_search` tool) run on a guarded profile. (Long, and
//! kept in one file on purpose: the lexical pass, the parse in every dialect and the word
//! checks are one decision, reviewed together; about half of it is its tests.)
//!
//! HAC rolls back DML when commit is off, but DDL and `TRUNCATE` commit implicitly on
//! MySQL, Oracle, SAP HANA and HSQLDB, and a `SELECT` can still write (`INTO`), lock
//! (`FOR UPDATE`, lock hints), change data through a `WITH` clause, or call a function
//! that acts (`pg_terminate_backend`, `nextval`). So a text is a read only when nothing in
//! it can act, and **everything else is a write, including what does not parse**.
//!
//! The server's database is not known before a request, and databases read the same text
//! differently: MySQL takes `#` for a comment and PostgreSQL for an operator, PostgreSQL
//! nests block comments and MySQL does not, a backslash escapes a quote in some string
//! literals and not in others, T-SQL needs no `;` between statements. A text whose meaning
//! depends on such rules is a write (see [`lexical`]); what is left is parsed with the
//! dialects of every database SAP Commerce runs on (SAP HANA, MySQL, Oracle, SQL Server,
//! PostgreSQL, HSQLDB; sqlparser has no HANA or HSQLDB dialect, whose syntax the generic
//! and ANSI ones cover), and it is a read only when **every** dialect parses it as one
//! query without side effects. Function calls are checked against a list of functions
//! known to compute only; any other function (a user-defined one included) makes the text
//! a write, because nothing here can tell what it does.
//!
//! FlexibleSearch passes its text to the database after replacing the `{...}` parts, so a
//! FlexibleSearch query is checked the same way, by its tokens (its own syntax does not
//! parse as SQL): see [`classify_flexible_search`].

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, ObjectName, Query, Select, Statement, TableFactor, Visit, Visitor};
use sqlparser::dialect::{
    AnsiDialect, Dialect, GenericDialect, MsSqlDialect, MySqlDialect, OracleDialect,
    PostgreSqlDialect,
};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

/// Why a text is not a read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotARead(pub String);

impl std::fmt::Display for NotARead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn no<T>(why: impl Into<String>) -> Result<T, NotARead> {
    Err(NotARead(why.into()))
}

/// Syntax that databases read differently, refused before any parser sees the text; and
/// the text with MySQL's backtick-quoted names in standard double quotes (they mean the
/// same on MySQL, and elsewhere a backtick is an error anyway).
pub fn lexical(sql: &str) -> Result<String, NotARead> {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let rest = &sql[at..];
        match c {
            '\'' | '"' => {
                // A string glued to a word is a prefixed string: `N'…'`, `X'…'`,
                // `DATE'…'` read alike everywhere; Oracle's `q'!…!'` (and `nq'…'`) takes
                // any delimiter, so its end is not where other readers see it.
                if c == '\'' {
                    let prefix: String = sql[..at]
                        .chars()
                        .rev()
                        .take_while(|p| p.is_alphanumeric() || *p == '_' || *p == '$')
                        .collect();
                    // (Reversed: `prefix` is the word's letters from the quote back.)
                    if prefix.to_ascii_lowercase().starts_with('q') {
                        return no(format!(
                            "it has a string with the prefix {}, which databases read differently (Oracle's q'…' quoting takes any delimiter)",
                            prefix.chars().rev().collect::<String>()
                        ));
                    }
                }
                // A quoted string or name: a doubled quote is one quote inside it.
                out.push(c);
                let mut closed = false;
                while let Some((_, d)) = chars.next() {
                    if d == '\\' {
                        return no(
                            "it has a backslash inside quotes, which some databases read as an escape and others do not",
                        );
                    }
                    out.push(d);
                    if d == c {
                        if chars.peek().is_some_and(|(_, n)| *n == c) {
                            out.push(c);
                            chars.next();
                        } else {
                            closed = true;
                            break;
                        }
                    }
                }
                if !closed {
                    return no("it has a quote that is never closed");
                }
            }
            '`' => {
                out.push('"');
                let mut closed = false;
                for (_, d) in chars.by_ref() {
                    if d == '`' {
                        closed = true;
                        break;
                    }
                    if d == '"' || d == '\\' {
                        return no("it has a backtick-quoted name with a quote or backslash in it");
                    }
                    out.push(d);
                }
                if !closed {
                    return no("it has a backtick that is never closed");
                }
                out.push('"');
            }
            '#' => return no("it has `#`, a comment on MySQL and an operator elsewhere"),
            '[' => {
                // SQL Server's quoted name, an array subscript elsewhere: harmless only when
                // it hides nothing that either reading would take differently.
                let Some(len) = rest.find(']') else {
                    return no("it has a `[` that is never closed");
                };
                let inside = &rest[1..len];
                // `]]` is a `]` inside SQL Server's name, which then goes on.
                if rest[len + 1..].starts_with(']') {
                    return no(
                        "it has `]]` in a bracketed name, which SQL Server reads as part of the name and other databases do not",
                    );
                }
                if inside.contains(['\'', '"', '`', ';', '#', '\\', '\n', '\r', '[', '$'])
                    || inside.contains("--")
                    || inside.contains("/*")
                    || inside.contains("*/")
                {
                    return no(
                        "it has a bracketed name with a comment, quote or `;` in it, which SQL Server reads as a name and other databases do not",
                    );
                }
                out.push_str(&rest[..=len]);
                for _ in 0..rest[1..=len].chars().count() {
                    chars.next();
                }
            }
            '$' if dollar_quote(rest) => {
                return no("it has dollar-quoted text, which only PostgreSQL reads as a string");
            }
            '$' | '0'..='9' if glued_number(sql, at) => {
                return no(
                    "it has a number glued to a word (`1DELETE`, `$1COMMIT`), which SQL Server reads as the number and then a word of its own",
                );
            }
            '-' if rest.starts_with("--") => {
                // MySQL starts a comment only at `--` and an ASCII space or control
                // character; a Unicode space there is a comment elsewhere and not on MySQL.
                if !rest[2..].starts_with(|n: char| n.is_ascii_whitespace() || n.is_ascii_control())
                    && rest.len() > 2
                {
                    return no(
                        "it has `--` without an ASCII space after it, a comment on some databases and not on MySQL",
                    );
                }
                let line = rest.split('\n').next().unwrap_or(rest);
                // HSQLDB ends a line comment at the first carriage return anywhere after
                // it, others at the line's end: only the line's own CR LF reads alike.
                if let Some(cr) = rest.find('\r')
                    && !(line.ends_with('\r') && cr == line.len() - 1)
                {
                    return no(
                        "it has a line comment followed by a carriage return that does not end its line, which databases read differently",
                    );
                }
                // The comment goes; its line break stays.
                for _ in 1..line.chars().count() {
                    chars.next();
                }
                out.push(' ');
            }
            '/' if rest.starts_with("/*") => {
                if rest.starts_with("/*!") || rest.starts_with("/*M!") {
                    return no(
                        "it has a MySQL or MariaDB executable comment (/*! ... */), which those databases run",
                    );
                }
                let Some(end) = rest[2..].find("*/") else {
                    return no("it has a comment that is never closed");
                };
                // A `/*` anywhere before the close, the close's own `*` included (`/*/`
                // opens a second level where comments nest: PostgreSQL, SQL Server).
                if rest[2..2 + end + 1].contains("/*") {
                    return no(
                        "it has a comment inside a comment, which PostgreSQL nests and MySQL does not",
                    );
                }
                let skip = rest[..2 + end + 2].chars().count();
                for _ in 1..skip {
                    chars.next();
                }
                out.push(' ');
            }
            c if !c.is_ascii() && (c.is_whitespace() || invisible(c)) => {
                return no(format!(
                    "it has the invisible or non-ASCII space character U+{:04X} outside quotes, which databases read differently",
                    u32::from(c)
                ));
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Whether a number (or SQL Server's money literal `$1`) starts at `at` and runs into a
/// letter: `1e5`, `0x1F` and `1.5` are numbers; `1DELETE` is a number and a statement on
/// SQL Server, one placeholder or one name to other readers.
fn glued_number(sql: &str, at: usize) -> bool {
    let starts_token = !sql[..at]
        .chars()
        .next_back()
        .is_some_and(|p| p.is_alphanumeric() || p == '_' || p == '$' || p == '@' || p == '.');
    if !starts_token {
        return false;
    }
    let rest = &sql[at..];
    let body = rest.strip_prefix('$').unwrap_or(rest);
    if !body.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let lower = body.to_ascii_lowercase();
    let tail = if let Some(hex) = lower.strip_prefix("0x") {
        hex.trim_start_matches(|c: char| c.is_ascii_hexdigit())
    } else {
        let t = lower.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
        match t.strip_prefix('e') {
            Some(exp)
                if exp
                    .trim_start_matches(['+', '-'])
                    .starts_with(|c: char| c.is_ascii_digit()) =>
            {
                exp.trim_start_matches(['+', '-'])
                    .trim_start_matches(|c: char| c.is_ascii_digit())
            }
            _ => t,
        }
    };
    tail.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$')
}

/// Characters that show nothing: zero-width spaces and joiners, bidirectional controls,
/// the soft hyphen and the byte-order mark.
fn invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Refuses text that HAC's XSS filter would change before the database sees it: a removal
/// can unbalance a quote or a comment and leave a statement that was never checked.
fn unfiltered(text: &str) -> Result<(), NotARead> {
    if hac_client::xss_filtered(text) != text {
        return no(
            "HAC's XSS filter would remove part of it before the database sees it (script tags, eval(...), src='...', onload...=), so what runs is not what was checked",
        );
    }
    Ok(())
}

/// Whether `rest` (starting at a `$`) opens PostgreSQL's dollar quoting: `$$` or `$tag$`
/// (`$1` is a parameter, not a quote).
fn dollar_quote(rest: &str) -> bool {
    let after = &rest[1..];
    match after.find('$') {
        Some(0) => true,
        Some(n) => {
            let tag = &after[..n];
            !tag.starts_with(|c: char| c.is_ascii_digit())
                // PostgreSQL takes any non-ASCII character in a tag (`$€$`).
                && tag.chars().all(|c| c.is_alphanumeric() || c == '_' || !c.is_ascii())
        }
        None => false,
    }
}

/// The text's tokens without whitespace, read once for every token check (as the generic
/// dialect reads them; the parse in every dialect comes on top).
fn tokens(text: &str) -> Result<Vec<Token>, NotARead> {
    let mut tokens = Tokenizer::new(&GenericDialect {}, text)
        .tokenize()
        .map_err(|_| {
            NotARead("it does not parse as SQL, and what cannot be classified is a write".into())
        })?;
    tokens.retain(|t| !matches!(t, Token::Whitespace(_)));
    Ok(tokens)
}

/// `Ok(())` when `sql` is one side-effect-free query; otherwise why it is a write.
pub fn classify(sql: &str) -> Result<(), NotARead> {
    unfiltered(sql)?;
    let text = lexical(sql)?;
    let tokens = tokens(&text)?;
    words(&tokens)?;
    let dialects: [(&str, &dyn Dialect); 6] = [
        ("generic", &GenericDialect {}),
        ("ANSI", &AnsiDialect {}),
        ("MySQL", &MySqlDialect {}),
        ("PostgreSQL", &PostgreSqlDialect {}),
        ("SQL Server", &MsSqlDialect {}),
        ("Oracle", &OracleDialect),
    ];
    for (name, dialect) in dialects {
        let Ok(statements) = Parser::parse_sql(dialect, &text) else {
            // A second statement is the likelier story, and the more useful reason.
            no_second_statement(&tokens)?;
            return no(format!(
                "it does not parse as {name} SQL, and what cannot be classified is a write"
            ));
        };
        match statements.as_slice() {
            [] => return no("it has no statement"),
            [one] => statement(one)?,
            more => {
                return no(format!(
                    "it is {} statements, and only a single query is a read",
                    more.len()
                ));
            }
        }
    }
    no_second_statement(&tokens)
}

/// `Ok(())` when a FlexibleSearch query can only read. Its `{...}` parts become plain
/// names, and the text is checked by its tokens: the syntax that databases read
/// differently ([`lexical`]), words no read has, any `;`, and every call of a function
/// not known to only compute.
pub fn classify_flexible_search(query: &str) -> Result<(), NotARead> {
    unfiltered(query)?;
    // One `;` at the very end ends the one statement, as it may in `--sql`.
    let query = query.trim_end();
    let query = query.strip_suffix(';').unwrap_or(query);
    let text = lexical(&without_attributes(query))?;
    let tokens = tokens(&text)?;
    words(&tokens)?;
    let meaningful = &tokens;
    // FlexibleSearch is a SELECT: anything else goes to the database as it is.
    match meaningful.first() {
        Some(Token::Word(w))
            if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("select") => {}
        _ => return no("it does not start with SELECT, and only a query is a read"),
    }
    for (i, t) in meaningful.iter().enumerate() {
        match t {
            Token::SemiColon => return no("it has `;`: a second statement, or a trick"),
            // A call whose name is not a plain word (`[dbo].[f]()`, `U&"f" UESCAPE '!'(…)`)
            // cannot be checked: `(` follows a word, an operator, `,` or `(` in a read.
            Token::LParen if i > 0 && !opens_a_group_after(&meaningful[i - 1]) => {
                return no(format!(
                    "it has `(` after {}, a call hac cannot read",
                    meaningful[i - 1]
                ));
            }
            // A quoted name called like a function is that function (`"setval"(...)`).
            Token::Word(w) if matches!(meaningful.get(i + 1), Some(Token::LParen)) => {
                let name = w.value.to_ascii_lowercase();
                let qualified = i > 0 && matches!(meaningful[i - 1], Token::Period);
                // A keyword is a keyword only unquoted: `"select"(1)` is a function.
                let keyword =
                    w.quote_style.is_none() && NOT_FUNCTIONS.binary_search(&name.as_str()).is_ok();
                if qualified
                    || !(COMPUTING_FUNCTIONS.binary_search(&name.as_str()).is_ok() || keyword)
                {
                    return no(format!(
                        "it calls {}, which hac cannot tell is free of side effects",
                        w.value
                    ));
                }
            }
            _ => {}
        }
    }
    no_second_statement(&tokens)
}

/// The query with each attribute reference (`{code}`, `{p.name[en]}`, `{Product!}`) as one
/// neutral name, since HAC replaces it with a column before the database sees the text
/// (an attribute may be called `set`); the other braces (`{Product AS p JOIN …}`,
/// `{{ subquery }}`) become spaces, their text checked as SQL.
fn without_attributes(query: &str) -> String {
    // What HAC writes for other braces (a table, a join) is not known here: `--` right
    // before one is kept visible, so that the lexical pass refuses it as `--` without a
    // space, rather than reading the rest of the line as a comment.
    let query = query.replace("--{", "--x{");
    let query = query.as_str();
    let mut out = String::with_capacity(query.len());
    let mut rest = query;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(['{', '}']) {
            Some(n)
                if after[n..].starts_with('}')
                    && n > 0
                    && after[..n].chars().all(|c| {
                        c.is_ascii_alphanumeric()
                            || matches!(c, '_' | '.' | ':' | '[' | ']' | '!' | '*')
                    }) =>
            {
                // Glued, as HAC writes the column it stands for (`--{pk}` is `--item_t0.PK`
                // to the database, no comment on MySQL).
                out.push_str("hac_attribute");
                rest = &after[n + 1..];
            }
            _ => {
                out.push(' ');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.replace('}', " ")
}

/// Whether a `(` after `t` opens a group or a call hac reads: after a word (a function,
/// checked by name, or a keyword), `,`, `(` or an operator.
fn opens_a_group_after(t: &Token) -> bool {
    matches!(
        t,
        Token::Word(_)
            | Token::Comma
            | Token::LParen
            | Token::Eq
            | Token::DoubleEq
            | Token::Neq
            | Token::Lt
            | Token::Gt
            | Token::LtEq
            | Token::GtEq
            | Token::Plus
            | Token::Minus
            | Token::Mul
            | Token::Div
            | Token::Mod
            | Token::StringConcat
    )
}

/// Words that come before `(` without being a function call: keywords and type names.
/// Sorted, for the binary search.
const NOT_FUNCTIONS: &[&str] = &[
    "all",
    "and",
    "any",
    "as",
    "between",
    "bigint",
    "binary",
    "bit",
    "by",
    "case",
    "char",
    "datetime",
    "datetime2",
    "decimal",
    "distinct",
    "else",
    "except",
    "exists",
    "filter",
    "float",
    "from",
    "having",
    "in",
    "index",
    "integer",
    "intersect",
    "interval",
    "is",
    "join",
    "key",
    "lateral",
    "like",
    "minus",
    "nchar",
    "not",
    "number",
    "numeric",
    "nvarchar",
    "on",
    "or",
    "over",
    "partition",
    "row",
    "select",
    "some",
    "then",
    "time",
    "timestamp",
    "top",
    "union",
    "using",
    "values",
    "varbinary",
    "varchar",
    "varchar2",
    "when",
    "where",
    "with",
    "within",
];

/// Words that begin a statement which acts (writes, changes a setting or a session,
/// grants, stops the server, runs code) and that a read never contains unquoted. SQL
/// Server needs no `;` between statements, and sqlparser reads `SELECT 1 FROM t SHUTDOWN`
/// as a table alias: the parse alone cannot see the second statement. (A column with such
/// a name must be quoted to be a read.) Sorted, for the binary search.
const STATEMENT_WORDS: &[&str] = &[
    "add",
    "alter",
    "backup",
    "begin",
    "bulk",
    "call",
    "checkpoint",
    "close",
    "comment",
    "commit",
    "connect",
    "create",
    "dbcc",
    "deallocate",
    "declare",
    "delete",
    "deny",
    "disable",
    "disconnect",
    "drop",
    "enable",
    "exec",
    "execute",
    "goto",
    "grant",
    "insert",
    "kill",
    "lock",
    "merge",
    "move",
    "open",
    "perform",
    "raiserror",
    "receive",
    "reconfigure",
    "release",
    "rename",
    "restore",
    "revert",
    "revoke",
    "rollback",
    "save",
    "savepoint",
    "script",
    "send",
    "set",
    "setuser",
    "shutdown",
    "start",
    "truncate",
    "update",
    "updatetext",
    "upsert",
    "use",
    "waitfor",
    "while",
    "writetext",
];

/// A statement word anywhere in a text that parsed as one query: on SQL Server, the start
/// of a second statement (see [`STATEMENT_WORDS`]).
fn no_second_statement(meaningful: &[Token]) -> Result<(), NotARead> {
    let plain = |t: Option<&Token>| match t {
        Some(Token::Word(w)) if w.quote_style.is_none() => Some(w.value.to_ascii_lowercase()),
        _ => None,
    };
    // Parentheses inside a bracketed name (`[a(]`) are part of the name.
    let (mut depth, mut brackets) = (0usize, 0usize);
    for (i, t) in meaningful.iter().enumerate() {
        match t {
            Token::LBracket => brackets += 1,
            Token::RBracket => brackets = brackets.saturating_sub(1),
            Token::LParen if brackets == 0 => depth += 1,
            Token::RParen if brackets == 0 => depth = depth.saturating_sub(1),
            _ => {}
        }
        let Some(w) = plain(Some(t)) else { continue };
        let before = i.checked_sub(1).and_then(|j| plain(meaningful.get(j)));
        let next = plain(meaningful.get(i + 1));
        let allowed = match w.as_str() {
            // "CHARACTER SET" names an encoding inside a cast's parentheses.
            "set" => depth > 0 && before.as_deref() == Some("character"),
            // MySQL's index hints: `USE INDEX (i)` picks an index for this query.
            "use" => {
                matches!(next.as_deref(), Some("index" | "key"))
                    && matches!(meaningful.get(i + 2), Some(Token::LParen))
            }
            // Oracle's hierarchical queries: `START WITH … CONNECT BY …`.
            "connect" => next.as_deref() == Some("by"),
            "start" => next.as_deref() == Some("with"),
            _ => false,
        };
        // `END` closes a `CASE`, except SQL Server's `END CONVERSATION` (Service Broker).
        let acts = STATEMENT_WORDS.binary_search(&w.as_str()).is_ok()
            || (matches!(w.as_str(), "end" | "get") && next.as_deref() == Some("conversation"));
        if !allowed && acts {
            return no(format!(
                "it has {} after its query: SQL Server runs that as a second statement, \
                 `;` or not",
                w.to_ascii_uppercase()
            ));
        }
    }
    Ok(())
}

/// Words no read has, found in the tokens (so never inside a string literal or a quoted
/// name): a belt under the syntax tree for dialect syntax a parser may not model.
fn words(tokens: &[Token]) -> Result<(), NotARead> {
    // A quoted name is a name (`"into"` is a column), except the sequence's pseudo-column:
    // `"S"."NEXTVAL"` still advances it on Oracle.
    if tokens.iter().any(|t| {
        matches!(t, Token::Word(w) if w.quote_style.is_some()
            && matches!(w.value.to_ascii_lowercase().as_str(), "nextval" | "currval"))
    }) {
        return no("NEXTVAL advances a sequence");
    }
    let plain: Vec<String> = tokens
        .iter()
        .filter_map(|t| match t {
            Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_lowercase()),
            _ => None,
        })
        .collect();
    for (i, w) in plain.iter().enumerate() {
        let next = |n: usize| plain.get(i + n).map(String::as_str);
        let why = match w.as_str() {
            "into" => "INTO writes its result somewhere (a table, a file or variables)",
            "outfile" | "dumpfile" => "it writes a file on the database server",
            "nextval" => "NEXTVAL advances a sequence",
            "updlock" | "xlock" | "holdlock" | "tablock" | "tablockx" | "rowlock" | "paglock"
            | "serializable" | "repeatableread" | "readcommittedlock" => {
                "a lock hint locks rows until the transaction ends"
            }
            "uescape" => {
                "UESCAPE changes how a name is spelled (PostgreSQL), so what it names cannot be read"
            }
            "for"
                if matches!(next(1), Some("update" | "share"))
                    || (next(1) == Some("no") && next(2) == Some("key"))
                    || (next(1) == Some("key") && next(2) == Some("share")) =>
            {
                "FOR UPDATE / FOR SHARE locks rows until the transaction ends"
            }
            "lock" if next(1) == Some("in") => "LOCK IN SHARE MODE locks rows",
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
    "add_days",
    "add_months",
    "add_seconds",
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
    "current_setting",
    "current_time",
    "current_timestamp",
    "current_utctimestamp",
    "curtime",
    "database",
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
    "db_name",
    "decode",
    "degrees",
    "dense_rank",
    "div",
    "eomonth",
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
    "newid",
    "now",
    "nth_value",
    "ntile",
    "nullif",
    "nvl",
    "nvl2",
    "object_name",
    "octet_length",
    "percent_rank",
    "percentile_cont",
    "percentile_disc",
    "pg_size_pretty",
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
    "schema_name",
    "second",
    "seconds_between",
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
    "sysdatetime",
    "systimestamp",
    "sysutcdatetime",
    "tan",
    "timestampadd",
    "timestampdiff",
    "to_char",
    "to_date",
    "to_number",
    "to_nvarchar",
    "to_timestamp",
    "to_varchar",
    "translate",
    "trim",
    "trunc",
    "try_cast",
    "try_convert",
    "try_parse",
    "ucase",
    "unix_timestamp",
    "upper",
    "utc_timestamp",
    "uuid",
    "var_pop",
    "var_samp",
    "variance",
    "version",
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
        assert!(NOT_FUNCTIONS.windows(2).all(|w| w[0] < w[1]));
        assert!(STATEMENT_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(
            COMPUTING_FUNCTIONS
                .iter()
                .all(|f| *f == f.to_ascii_lowercase())
        );
    }

    /// Reads: one query, with nothing that acts.
    const READS: &[&str] = &[
        "SELECT 1",
        "SELECT CASE WHEN p_code = 'a' THEN 1 ELSE 0 END AS flag FROM products",
        "SELECT p_code FROM products WHERE p_name = N'Kamera' OR p_code = X'41'",
        "SELECT version(), database(), uuid(), newid(), pg_size_pretty(1024)",
        "SELECT p_code FROM products WHERE p_price > 1.5e3 AND p_id = 0x1F AND p_date > DATE'2024-01-01' AND p_ts < TIMESTAMP'2024-01-01 00:00:00'",
        "SELECT TRY_CAST(p_code AS INT), TRY_CONVERT(INT, p_code) FROM products",
        "SELECT TO_VARCHAR(ADD_DAYS(CURRENT_UTCTIMESTAMP, 1)), SECONDS_BETWEEN(p_a, p_b), EOMONTH(p_d) FROM products",
        "SELECT p_code FROM products -- a comment\r\nWHERE p_code = 'a'",
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
        "SELECT `p_code` FROM `products`",
        "SELECT 'it''s' AS quoted, \"p_code\" FROM products -- a comment\n",
        "SELECT * FROM products WITH (NOLOCK)",
        "SELECT \"update\", \"open\" FROM products",
        "SELECT p_code FROM products WHERE p_price > $1",
    ];

    #[test]
    fn flexible_search_reads_and_writes() {
        for q in [
            "SELECT {pk}, {code}, {name[en]} FROM {Product} WHERE {code} LIKE 'A%'",
            "SELECT {p.pk} FROM {Product AS p JOIN Catalog AS c ON {p.catalog} = {c.pk}} WHERE {c.id} = ?id",
            "SELECT {pk} FROM {Product!} WHERE {pk} IN ({{ SELECT {item} FROM {StockLevel} }})",
            "SELECT COUNT({pk}), MAX({modifiedtime}) FROM {Order} GROUP BY {status}",
            "SELECT {pk} FROM {Product} WHERE LOWER({code}) = 'x' AND {creationtime} > ?date ORDER BY {pk}",
            "SELECT {pk} FROM {Product} WHERE CAST({code} AS VARCHAR(20)) IN ('a', 'b')",
            "SELECT {pk} FROM {Product} USE INDEX (code_idx) WHERE \"update\" = 1",
            // Attributes named like statements never reach the database as such.
            "SELECT {pk}, {set}, {p.update}, {name[en]} FROM {Product AS p} WHERE {p.delete} = N'x'",
            "SELECT TOP (10) {pk} FROM {Product} GROUP BY {pk} HAVING (COUNT(*) > 1);",
            "SELECT {pk} FROM {Category} START WITH {code} = 'a' CONNECT BY PRIOR {pk} = {parent}",
            "SELECT CONVERT({code} USING utf8mb4) FROM {Product} WHERE CAST({code} AS CHAR CHARACTER SET utf8mb4) = 'a'",
        ] {
            assert_eq!(classify_flexible_search(q), Ok(()), "{q}");
        }
        for (q, why) in [
            (
                "SELECT {pk} FROM {Product} WHERE {code}='x' INTO OUTFILE '/tmp/x'",
                "INTO",
            ),
            ("SELECT {pk} FROM {Product} FOR UPDATE", "FOR UPDATE"),
            (
                "SELECT {pk} FROM {Product} WHERE pg_terminate_backend(1) = 1",
                "pg_terminate_backend",
            ),
            ("SELECT {pk} FROM {Product} WHERE sleep(10) = 0", "sleep"),
            ("SELECT {pk} FROM {Product}; DELETE FROM products", ";"),
            ("SELECT {pk} FROM {Product} WHERE {code} = 'a' # x", "#"),
            ("SELECT {pk} FROM {Product} /* /* */ x */", "comment inside"),
            (
                "SELECT {pk} FROM {Product} WHERE my_schema.fn({code}) = 1",
                "fn",
            ),
            // Quoted function names are the functions; only a SELECT is a query.
            (
                "SELECT {pk} FROM {Product} WHERE \"setval\"('seq',1) > 0",
                "setval",
            ),
            ("SELECT {pk} FROM {Product} WHERE `sleep`(10) > 0", "sleep"),
            (
                "SELECT {pk} FROM {Product} WHERE \"myschema\".\"cleanup\"() > 0",
                "cleanup",
            ),
            ("DROP TABLE products", "SELECT"),
            ("TRUNCATE TABLE products", "SELECT"),
            // A second T-SQL statement needs no `;`.
            ("SELECT {pk} FROM {Product} DROP TABLE products", "DROP"),
            ("SELECT {pk} FROM {Product} DELETE FROM products", "DELETE"),
            ("SELECT {pk} FROM {Product} EXEC xp_cmdshell 'dir'", "EXEC"),
            (
                "SELECT {pk} FROM {Product} SHUTDOWN WITH NOWAIT",
                "SHUTDOWN",
            ),
            // From an adversarial pass: each ran as a write somewhere.
            (
                "SELECT {pk} FROM {Product} WHERE {code} = q'!' -- !' FOR UPDATE /*\nOR {code} = '!' -- */",
                "prefix q",
            ),
            (
                "SELECT {pk} FROM {Product} ADD SENSITIVITY CLASSIFICATION TO dbo.products.p_code WITH (LABEL='x')",
                "ADD",
            ),
            ("SELECT {pk} FROM {Product} WHILE 1=1 PRINT 'x'", "WHILE"),
            (
                "SELECT {pk} FROM {Product} WHERE {code} = $€$ -- $€$ OR pg_terminate_backend(1) /*\n$€$ -- */",
                "dollar",
            ),
            (
                "SELECT {pk} FROM {Product} WHERE U&\"pg_terminate_backend\" UESCAPE '!'(1234)",
                "UESCAPE",
            ),
            (
                "SELECT {pk} FROM {Product} WHERE [dbo].[purge]() = 1",
                "`(` after",
            ),
            (
                "SELECT {pk} FROM {Product} WHERE dbo.[purge]() = 1",
                "`(` after",
            ),
            (
                "SELECT {pk} -- x\n, 'a\r FROM {Product} FOR UPDATE --' FROM {Product}",
                "carriage return",
            ),
            ("SELECT {pk} FROM {Product} WITH (SERIALIZABLE)", "lock"),
            // A third pass.
            (
                "SELECT {pk} FROM {Product} ORDER BY {pk} + $1DELETE products",
                "glued",
            ),
            (
                "SELECT {pk} FROM {Product} ORDER BY (SELECT 1 [x]]']) DELETE FROM products COMMIT --'",
                "]]",
            ),
            (
                "SELECT {pk} FROM {Product} WHERE ARRAY[$€$] = ' [$€$] IS NULL OR pg_terminate_backend(pg_backend_pid()) OR ARRAY[$€$'[$€$] IS NULL",
                "bracketed",
            ),
            (
                "SELECT {pk} FROM {Product} WHERE {code} = 'x' --{pk} OR GET_LOCK('hac',0) = 1",
                "--",
            ),
            (
                "SELECT {pk} FROM {Product AS p} --{Product} FOR UPDATE",
                "--",
            ),
            (
                "SELECT {pk} AS character FROM {Product} ORDER BY character SET ROWCOUNT 1",
                "SET",
            ),
            ("SELECT {pk} FROM {Product} USE [index] DELETE", "USE"),
            (
                "SELECT {pk} FROM {Product} WHERE \"select\"(1) = 1",
                "select",
            ),
            ("SELECT {pk} FROM {Product} FOR KEY SHARE", "FOR"),
            // A fourth pass.
            (
                "SELECT {pk} FROM {Product} ORDER BY {pk} /* /*/ -- */ */ FOR UPDATE",
                "comment inside",
            ),
            (
                "SELECT {pk} FROM {Product} ORDER BY {pk} SCRIPT '/tmp/x.sql'",
                "SCRIPT",
            ),
            (
                "SELECT {pk} FROM {Product} WHERE {code} = 'a' ORDER BY {pk} COMMENT ON TABLE products IS 'x'",
                "COMMENT",
            ),
            (
                "SELECT {pk} FROM {Product} ORDER BY {pk} LOCK TABLE products WRITE",
                "LOCK",
            ),
            ("SELECT {pk} FROM {Product}; DELETE FROM products", ";"),
            // What HAC's XSS filter would change is not what was checked.
            (
                "SELECT {pk} FROM {Product} WHERE {code} = '<script>'",
                "XSS filter",
            ),
        ] {
            let e = classify_flexible_search(q).expect_err(q);
            assert!(e.0.contains(why), "{q}: {e}");
        }
    }

    /// Writes, of every kind the guard must see; each with a word its reason names.
    const WRITES: &[(&str, &str)] = &[
        // What HAC's XSS filter leaves is not what was typed: never a read.
        (
            "/*<script*/ SELECT '>*/ TRUNCATE TABLE products --' AS a",
            "XSS filter",
        ),
        (
            "SELECT 'eval(' AS a, upper('x') AS b, '; DROP TABLE products; SELECT 1 --' AS c",
            "XSS filter",
        ),
        // SQL Server's bracketed names hiding a batch from the other dialects.
        (
            "SELECT 1 [x-- ]; DELETE FROM products; COMMIT; SELECT 1 [y\n]",
            "bracketed",
        ),
        (
            "SELECT p_code [x/* ], p_code FROM products; DROP TABLE products; SELECT 1 [y */] FROM products",
            "bracketed",
        ),
        ("SELECT 1 [never closed", "never closed"),
        // Spaces that only some databases take for spaces.
        (
            "SELECT 1 --\u{a0} INTO OUTFILE '/tmp/x'\nFROM (SELECT 1 AS \"\u{a0}\") t",
            "ASCII space",
        ),
        ("SELECT\u{a0}1", "U+00A0"),
        ("SELECT 1\u{200b}", "U+200B"),
        ("SELECT \"S\".\"NEXTVAL\" FROM dual", "NEXTVAL"),
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
        // SQL Server runs what follows a complete statement as a second one, `;` or not.
        ("SELECT p_code FROM products SHUTDOWN", "SHUTDOWN"),
        ("SELECT 1 SHUTDOWN WITH NOWAIT", "SHUTDOWN"),
        ("SELECT p_code FROM products RECONFIGURE", "RECONFIGURE"),
        ("SELECT p_code FROM products CHECKPOINT", "CHECKPOINT"),
        ("SELECT p_code FROM products COMMIT", "COMMIT"),
        ("SELECT 1 DBCC FREEPROCCACHE", "DBCC"),
        ("SELECT 1 DENY SELECT ON products TO public", "DENY"),
        ("SELECT 1 SETUSER 'sa'", "SETUSER"),
        ("SELECT 1 EXEC xp_cmdshell 'dir'", "EXEC"),
        ("SELECT 1 DROP TABLE products", "DROP"),
        ("SELECT 1 WAITFOR DELAY '01:00:00'", "WAITFOR"),
        ("SELECT 1 SET LOCK_TIMEOUT 0", "SET"),
        ("SELECT 1 END CONVERSATION @h", "END"),
        ("SELECT 1 BEGIN TRAN", "BEGIN"),
        ("SELECT 1 KILL 52", "KILL"),
        (
            "SELECT p_code, q'!' -- !' AS a, purge_pkg.run() AS b FROM products /*\n, '!' AS c FROM products -- */",
            "prefix q",
        ),
        ("SELECT nq'[x]' FROM dual", "prefix nq"),
        (
            "SELECT p_code -- x\n, 'a\r FROM products FOR UPDATE --' AS b FROM products",
            "carriage return",
        ),
        ("SELECT * FROM products WITH (SERIALIZABLE)", "lock"),
        ("SELECT * FROM products WITH (REPEATABLEREAD)", "lock"),
        ("SELECT $1DELETE FROM products WHERE PK > $0COMMIT", "glued"),
        ("SELECT 1DELETE FROM products", "glued"),
        ("SELECT 0x1FDROP", "glued"),
        (
            "SELECT p_code FROM products /* /*/ -- */ */; COMMIT; DROP TABLE products",
            "comment inside",
        ),
        (
            "SELECT 1 AS a /* /*/ -- */ */, pg_terminate_backend(pid) FROM pg_stat_activity",
            "comment inside",
        ),
        ("SELECT 1 DISCONNECT", "DISCONNECT"),
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
