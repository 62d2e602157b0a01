//! The consoles: Groovy (`/console/scripting/execute`), FlexibleSearch
//! (`/console/flexsearch/execute`) and ImpEx import (`/console/impex/import`, `/validate`,
//! `/upload`), with HAC's parameters, validation and answers, around small stand-ins for
//! the Groovy engine, the database and the ImpEx importer.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Value, json};

use crate::db::{Outcome, Query};
use crate::escape::escape_html;
use crate::http::accepts_json;
use crate::http::{Request, Response};
use crate::pages::{self, ImpexOutcome};
use crate::state::{Ctx, State};

fn not_acceptable() -> Response {
    Response::new(
        406,
        "text/html;charset=UTF-8",
        "<html><body>406 Not Acceptable</body></html>",
    )
}

fn bad_request() -> Response {
    Response::new(400, "text/html;charset=utf-8", pages::error_400())
}

fn server_error(st: &State, message: &str) -> Response {
    Response::new(
        500,
        "text/html;charset=UTF-8",
        pages::error_500(&st.settings.context_path, message),
    )
}

/// How long a Groovy script asks to sleep (`Thread.sleep(ms)` lines). The server sleeps
/// before taking its lock, so a slow script does not stall other connections.
pub(crate) fn groovy_sleep(req: &Request) -> Duration {
    if !req.path.ends_with("/console/scripting/execute") {
        return Duration::ZERO;
    }
    let script = req.form_value("script").unwrap_or_default();
    let ms: u64 = script
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Thread.sleep("))
        .filter_map(|r| r.split(')').next())
        .filter_map(|ms| ms.trim().parse::<u64>().ok())
        .sum();
    Duration::from_millis(ms)
}

/// A literal or a variable, as the stand-in understands them.
fn eval(expr: &str, vars: &HashMap<String, String>) -> Result<String, String> {
    let e = expr.trim().trim_end_matches(';').trim();
    let e = e
        .strip_prefix('(')
        .and_then(|e| e.strip_suffix(')'))
        .unwrap_or(e)
        .trim();
    for q in ['"', '\''] {
        if let Some(inner) = e.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return Ok(inner.to_owned());
        }
    }
    if e.is_empty() || e == "null" {
        return Ok(String::new());
    }
    if e.parse::<f64>().is_ok() || e == "true" || e == "false" {
        return Ok(e.to_owned());
    }
    if let Some(v) = vars.get(e) {
        return Ok(v.clone());
    }
    Err(format!(
        "groovy.lang.MissingPropertyException: No such property: {e} for class: Script1"
    ))
}

/// The statements of a script: its lines, each split at the semicolons outside quotes
/// (`println "hi"; return 42` is two statements, as in Groovy).
fn statements(script: &str) -> impl Iterator<Item = &str> {
    script.lines().flat_map(|line| {
        let mut parts = Vec::new();
        let mut quote = None;
        let mut start = 0;
        for (i, c) in line.char_indices() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, ';') => {
                    parts.push(&line[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        parts.push(&line[start..]);
        parts.into_iter().map(str::trim).filter(|s| !s.is_empty())
    })
}

/// A stand-in for HAC's Groovy engine: `def x = ...`, `println`, `print`, `return`,
/// `Thread.sleep(ms)` and `throw new Type('message')`, one statement per line or separated
/// by `;`. The script is what arrived after the XSS filter, so a stripped `def src = 'x'`
/// fails as it would on a real server.
fn run_groovy(script: &str) -> (String, String, String) {
    let mut vars = HashMap::new();
    let mut output = String::new();
    for line in statements(script) {
        let step = if let Some(rest) = line.strip_prefix("println") {
            eval(rest, &vars).map(|v| {
                output.push_str(&v);
                output.push('\n');
            })
        } else if let Some(rest) = line.strip_prefix("print ") {
            eval(rest, &vars).map(|v| output.push_str(&v))
        } else if let Some(rest) = line.strip_prefix("return") {
            return match eval(rest, &vars) {
                Ok(v) => (output, v, String::new()),
                Err(e) => (output, String::new(), e),
            };
        } else if let Some(rest) = line.strip_prefix("throw new ") {
            let (kind, args) = rest.split_once('(').unwrap_or((rest, ")"));
            let message =
                eval(args.trim_end_matches(';').trim_end_matches(')'), &vars).unwrap_or_default();
            let kind = if kind.contains('.') {
                kind.to_owned()
            } else {
                format!("java.lang.{kind}")
            };
            // The exception message, its lines joined with CR LF, as HAC reports it.
            let text = format!("{kind}: {message}")
                .lines()
                .collect::<Vec<_>>()
                .join("\r\n");
            return (output, String::new(), format!("{text}\r\n"));
        } else if let Some(rest) = line.strip_prefix("def ") {
            match rest.split_once('=') {
                Some((name, value)) => eval(value, &vars).map(|v| {
                    vars.insert(name.trim().to_owned(), v);
                }),
                None => Ok(()),
            }
        } else {
            Ok(())
        };
        if let Err(e) = step {
            return (output, String::new(), format!("{e}\r\n"));
        }
    }
    (output, String::new(), String::new())
}

/// `POST /console/scripting/execute`: `script`, `scriptType` and `commit` are all
/// required (400 otherwise); a blank script answers `{}`.
pub(crate) fn groovy(st: &mut State, cx: &Ctx) -> Response {
    if !accepts_json(cx.req) {
        return not_acceptable();
    }
    let p = &cx.params;
    let (Some(script), Some(kind), Some(commit)) =
        (p.get("script"), p.get("scriptType"), p.get("commit"))
    else {
        return bad_request();
    };
    if script.trim().is_empty() {
        return Response::json("{}");
    }
    let (output, result, stacktrace) = match kind {
        "groovy" | "beanshell" | "javascript" => run_groovy(script),
        other => (
            String::new(),
            String::new(),
            format!(
                "de.hybris.platform.scripting.engine.exception.ScriptingException: No script engine for type '{other}'\r\n"
            ),
        ),
    };
    if commit == "true" && stacktrace.is_empty() {
        st.stats.commits += 1;
    }
    Response::json(
        json!({"executionResult": result, "outputText": output, "stacktraceText": stacktrace})
            .to_string(),
    )
}

/// The serialized `java.lang.Exception` HAC puts into `exception`.
fn exception_json(message: &str) -> Value {
    json!({
        "cause": null,
        "stackTrace": [{
            "methodName": "translate",
            "fileName": "FlexibleSearch.java",
            "lineNumber": 412,
            "className": "de.hybris.platform.jalo.flexiblesearch.FlexibleSearch",
            "nativeMethod": false
        }],
        "message": message,
        "localizedMessage": message,
        "suppressed": []
    })
}

/// `POST /console/flexsearch/execute`.
pub(crate) fn flexsearch(st: &mut State, cx: &Ctx) -> Response {
    if !accepts_json(cx.req) {
        return not_acceptable();
    }
    let p = &cx.params;
    let fs = p.get("flexibleSearchQuery").unwrap_or("");
    let sql = p.get("sqlQuery").unwrap_or("");
    let (text, raw_sql) = if fs.trim().is_empty() {
        (sql, true)
    } else {
        (fs, false)
    };
    let max_count = match p.get("maxCount").map(str::trim) {
        None | Some("") => Some(200),
        Some(m) => match m.parse::<i64>() {
            Ok(n) if n < 0 => None,
            Ok(n) => Some(n as usize),
            Err(_) => return bad_request(),
        },
    };
    // `user`: a UID; blank or unknown means the logged-in user.
    let known = known_users(st);
    let user = p
        .get("user")
        .filter(|u| known.iter().any(|k| k == u))
        .unwrap_or(&cx.user)
        .to_owned();
    let locale = p.get("locale").unwrap_or("en");
    let data_source = p
        .get("dataSource")
        .filter(|d| !d.trim().is_empty())
        .unwrap_or("master")
        .to_owned();
    let commit = p.get("commit") == Some("true");
    let query = Query {
        text,
        sql: raw_sql,
        max_count,
        user: &user,
        locale,
        commit,
        known_users: &known,
    };
    let outcome = st.db.run(&query);
    let mut body = json!({
        "executionTime": 3,
        "catalogVersionsAsString": "",
        "parametersAsString": "",
        "rawExecution": raw_sql,
        "dataSourceId": data_source,
    });
    match outcome {
        Err(e) => {
            body["query"] = json!("");
            body["headers"] = Value::Null;
            body["resultList"] = Value::Null;
            body["resultCount"] = json!(0);
            body["exception"] = exception_json(&e.0);
            body["exceptionStackTrace"] = json!(format!(
                "de.hybris.platform.jalo.flexiblesearch.FlexibleSearchException: {}\r\n\tat de.hybris.platform.jalo.flexiblesearch.FlexibleSearch.translate(FlexibleSearch.java:412)\r\n\tat de.hybris.platform.hac.facade.HacFlexibleSearchFacade.executeFlexibleSearchQuery(HacFlexibleSearchFacade.java:98)\r\n",
                e.0
            ));
            Response::json(body.to_string())
        }
        Ok(Outcome::Affected(n)) => {
            if commit {
                st.stats.commits += 1;
            }
            body["query"] = json!(text);
            body["headers"] = json!(["Result"]);
            body["resultList"] = json!([[format!("{n} row(s) affected.")]]);
            body["resultCount"] = json!(1);
            body["exception"] = Value::Null;
            body["exceptionStackTrace"] = json!("");
            Response::json(body.to_string())
        }
        Ok(Outcome::Rows {
            headers,
            rows,
            translated,
        }) => {
            body["query"] = json!(translated);
            body["headers"] = json!(headers);
            body["resultCount"] = json!(rows.len());
            body["exception"] = Value::Null;
            body["exceptionStackTrace"] = json!("");
            // Built by hand: results can be a million rows.
            let mut out = body.to_string();
            out.pop();
            out.push_str(",\"resultList\":[");
            for (i, row) in rows.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('[');
                for (j, cell) in row.iter().enumerate() {
                    if j > 0 {
                        out.push(',');
                    }
                    match cell {
                        // HAC: `StringEscapeUtils.escapeHtml(value.toString())`.
                        Some(c) => out.push_str(&Value::from(escape_html(c)).to_string()),
                        None => out.push_str("null"),
                    }
                }
                out.push(']');
            }
            out.push_str("]}");
            Response::json(out)
        }
    }
}

fn known_users(st: &State) -> Vec<String> {
    let mut users: Vec<String> = st
        .settings
        .users
        .iter()
        .chain(&st.settings.restricted_users)
        .map(|(u, _)| u.clone())
        .collect();
    users.push("anonymous".into());
    users
}

/// Which ImpEx endpoint was called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ImpexKind {
    Import,
    Validate,
    Upload,
}

/// `GET /console/impex/import`: the empty page.
pub(crate) fn impex_page(st: &mut State, cx: &Ctx) -> Response {
    let token = st.page_token(&cx.sid);
    Response::html(pages::impex_import(
        &st.settings.context_path,
        &token,
        &cx.user,
        "",
        "1",
        &ImpexOutcome::FormErrors {
            script: Vec::new(),
            options: Vec::new(),
        },
    ))
}

const IMPEX_MODES: [&str; 2] = ["import_strict", "import_relaxed"];

/// The ImpEx endpoints: HAC's form validation (messages, no marker), the 500s of a missing
/// `validationEnum` or `maxThreads`, then the stand-in importer.
pub(crate) fn impex(st: &mut State, cx: &Ctx, kind: ImpexKind) -> Response {
    let p = &cx.params;
    let (script, file_missing) = if kind == ImpexKind::Upload {
        match cx.files.iter().find(|f| f.name == "file") {
            Some(f) => (f.text(), false),
            None => (String::new(), true),
        }
    } else {
        (p.get("scriptContent").unwrap_or("").to_owned(), false)
    };
    let mode = p.get("validationEnum").unwrap_or("");
    let max_threads = p.get("maxThreads").unwrap_or("");
    let mut script_errors = Vec::new();
    let mut option_errors = Vec::new();
    if kind == ImpexKind::Upload {
        if !file_missing && script.is_empty() {
            script_errors.push("Import file is required".to_owned());
        }
        if !IMPEX_MODES.contains(&mode) {
            option_errors.push(
                "Validation mode should be RELAXED or STRICT selected for import mode".to_owned(),
            );
        }
    } else if script.trim().is_empty() {
        script_errors.push("Script content should not be empty".to_owned());
    }
    if p.get("encoding").unwrap_or("").trim().is_empty() {
        option_errors.push("Encoding is required".to_owned());
    }
    match max_threads.trim().parse::<i64>() {
        Ok(n) if n < 1 => option_errors.push("Max threads has to be greater than 0".to_owned()),
        Err(_) if !max_threads.is_empty() => option_errors.push(format!(
            "Failed to convert property value of type 'java.lang.String' to required type 'java.lang.Integer' for property 'maxThreads'; For input string: \"{max_threads}\""
        )),
        _ => {}
    }
    let ctx = st.settings.context_path.clone();
    let token = st.page_token(&cx.sid);
    let outcome = if !script_errors.is_empty() || !option_errors.is_empty() {
        ImpexOutcome::FormErrors {
            script: script_errors,
            options: option_errors,
        }
    } else {
        // Past validation, the handler uses these without checking them.
        if file_missing {
            return server_error(st, "java.lang.NullPointerException");
        }
        if !IMPEX_MODES.contains(&mode) {
            return server_error(
                st,
                &format!("java.lang.IllegalArgumentException: unsupported validation mode {mode}"),
            );
        }
        if max_threads.is_empty() {
            return server_error(st, "java.lang.NullPointerException");
        }
        let code_execution = p.get("enableCodeExecution") == Some("true");
        let problems = check_impex(&script, code_execution);
        if kind == ImpexKind::Validate {
            ImpexOutcome::Validation {
                problem: problems.first().map(|(_, m)| m.clone()),
            }
        } else {
            let success = problems.is_empty();
            let text = if success {
                String::new()
            } else {
                unresolved(&script, &problems)
            };
            ImpexOutcome::Import { success, text }
        }
    };
    Response::html(pages::impex_import(
        &ctx,
        &token,
        &cx.user,
        &script,
        max_threads,
        &outcome,
    ))
}

/// What the stand-in importer finds wrong: `(line number, message)`. It knows a header
/// line, rejects the attribute `colour`, the catalog `unknownCatalog`, code lines without
/// code execution, and value lines before any header.
fn check_impex(script: &str, code_execution: bool) -> Vec<(usize, String)> {
    let mut problems = Vec::new();
    let mut header: Option<String> = None;
    for (i, line) in script.lines().enumerate() {
        let n = i + 1;
        let t = line.trim();
        if t.is_empty() || (t.starts_with('#') && !t.starts_with("#%")) || t.starts_with('$') {
            continue;
        }
        if t.starts_with("#%") {
            if !code_execution {
                problems.push((
                    n,
                    format!("line {n} at main script: code execution is not enabled"),
                ));
            }
            continue;
        }
        let upper = t.to_ascii_uppercase();
        if ["INSERT ", "INSERT_UPDATE ", "UPDATE ", "REMOVE "]
            .iter()
            .any(|h| upper.starts_with(h))
        {
            let kind = t
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .split(';')
                .next()
                .unwrap_or("");
            header = Some(kind.to_owned());
            if t.contains("colour") {
                problems.push((n, format!("line {n} at main script: unknown attributes [{kind}.colour] - cannot resolve")));
            }
            continue;
        }
        if header.is_none() {
            problems.push((
                n,
                format!("line {n} at main script: no current header for value line"),
            ));
        } else if let Some(at) = t.find("unknownCatalog") {
            let value: String = t[at..].split(';').next().unwrap_or("").to_owned();
            problems.push((n, format!("line {n} at main script: cannot resolve value '{value}' for attribute 'catalogVersion'")));
        }
    }
    problems
}

/// The unresolved lines as HAC lists them: the header, then each failed value line with
/// its message in front.
fn unresolved(script: &str, problems: &[(usize, String)]) -> String {
    let lines: Vec<&str> = script.lines().collect();
    let mut out = String::new();
    if let Some(h) = lines.iter().find(|l| {
        let u = l.trim_start().to_ascii_uppercase();
        u.starts_with("INSERT") || u.starts_with("UPDATE") || u.starts_with("REMOVE")
    }) {
        out.push_str(h.trim());
        out.push('\n');
    }
    for (n, message) in problems {
        let original = lines.get(n - 1).copied().unwrap_or("").trim();
        out.push_str(&format!(
            ",,,,{message};{}\n",
            original.trim_start_matches(';')
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groovy_stand_in() {
        assert_eq!(
            run_groovy("println 'a'\ndef x = 'b'\nprint x\nreturn 42"),
            ("a\nb".into(), "42".into(), String::new())
        );
        let (out, _, st) = run_groovy("println 'before'\nthrow new IllegalStateException('boom')");
        assert_eq!(out, "before\n");
        assert_eq!(st, "java.lang.IllegalStateException: boom\r\n");
        assert_eq!(
            run_groovy("println \"hi; there\"; def y = 'c;d'; print y;\nreturn 42;"),
            ("hi; there\nc;d".into(), "42".into(), String::new())
        );
        let (_, _, st) = run_groovy("def\nprintln src");
        assert!(
            st.starts_with("groovy.lang.MissingPropertyException: No such property: src"),
            "{st}"
        );
    }

    #[test]
    fn impex_stand_in() {
        assert!(check_impex("INSERT_UPDATE Language;isocode[unique=true]\n;de", false).is_empty());
        let p = check_impex(
            "INSERT_UPDATE Product;code[unique=true];catalogVersion\n;x;unknownCatalog:Staged",
            false,
        );
        assert_eq!(p.len(), 1);
        assert!(p[0].1.contains("line 2"), "{p:?}");
        assert_eq!(check_impex(";orphan", false).len(), 1);
        assert_eq!(check_impex("#% print 1", false).len(), 1);
        assert!(check_impex("#% print 1", true).is_empty());
    }
}
