//! The bodies the fake serves, built from the templates in `fixtures/`: HAC's page layout
//! (the SiteMesh decorator every console page is wrapped in) around a page body, the login
//! page, the error pages, and the JSON samples. Public so that parser tests elsewhere can
//! use exactly what the fake sends.

use crate::escape::escape_html;

const LAYOUT: &str = include_str!("../fixtures/layout.html");
const HOME: &str = include_str!("../fixtures/home.html");
const UPDATE: &str = include_str!("../fixtures/update.html");
const IMPEX_IMPORT: &str = include_str!("../fixtures/impex_import.html");
const LOGIN: &str = include_str!("../fixtures/login.html");
const LOGIN_AWKWARD: &str = include_str!("../fixtures/login_awkward.html");
const LOGIN_NO_CSRF: &str = include_str!("../fixtures/login_no_csrf.html");
const DASHBOARD_LARGE: &str = include_str!("../fixtures/dashboard_large.html");
const ERROR_400: &str = include_str!("../fixtures/error_400.html");
const ERROR_404: &str = include_str!("../fixtures/error_404.html");
const ERROR_405: &str = include_str!("../fixtures/error_405.html");
const ERROR_500: &str = include_str!("../fixtures/error_500.html");

/// Groovy answer of a script that threw.
pub const GROOVY_STACKTRACE: &str = include_str!("../fixtures/groovy_stacktrace.json");
/// Groovy answer of a script that printed and returned.
pub const GROOVY_SUCCESS: &str = include_str!("../fixtures/groovy_success.json");
/// FlexibleSearch answer with escaped cells and `NULL`s.
pub const FLEXSEARCH_ESCAPED: &str = include_str!("../fixtures/flexsearch_escaped.json");
/// FlexibleSearch answer to a query that failed.
pub const FLEXSEARCH_EXCEPTION: &str = include_str!("../fixtures/flexsearch_exception.json");
/// FlexibleSearch answer to an SQL `UPDATE`.
pub const FLEXSEARCH_DML: &str = include_str!("../fixtures/flexsearch_dml.json");
/// `GET /platform/init/data`.
pub const UPDATE_DATA: &str = include_str!("../fixtures/update_data.json");
/// `GET /platform/init/pendingPatches` on an initialized system.
pub const PENDING_PATCHES: &str = include_str!("../fixtures/pending_patches.json");
/// `POST /platform/init/execute`.
pub const UPDATE_EXECUTE: &str = include_str!("../fixtures/update_execute.json");
/// `GET /initlog/log` while an update runs.
pub const UPDATE_LOG_RUNNING: &str = include_str!("../fixtures/update_log_running.json");
/// `GET /initlog/log` after an update.
pub const UPDATE_LOG_FINISHED: &str = include_str!("../fixtures/update_log_finished.json");
/// `GET /initlog/log` after an update with errors.
pub const UPDATE_LOG_ERRORS: &str = include_str!("../fixtures/update_log_errors.json");

/// Which login page markup to serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LoginPageVariant {
    /// HAC's login page (`fixtures/login.html`).
    #[default]
    Standard,
    /// Odd attribute order, quoting and case, a token in a comment and in a script
    /// (`fixtures/login_awkward.html`).
    Awkward,
    /// No token at all (`fixtures/login_no_csrf.html`).
    NoCsrf,
}

/// Fills `{{NAME}}` placeholders.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{{{name}}}}}"), value);
    }
    out
}

/// A console page: HAC's layout (three CSRF metas, the logout form with its hidden token)
/// around `body`.
pub fn layout(ctx: &str, csrf: &str, user: &str, title: &str, body: &str) -> String {
    let body = fill(body, &[("CTX", ctx), ("CSRF", csrf)]);
    // The body goes in last, so that placeholders inside user data (an echoed script) stay.
    fill(
        LAYOUT,
        &[
            ("CTX", ctx),
            ("CSRF", csrf),
            ("USER", &escape_html(user)),
            ("TITLE", title),
        ],
    )
    .replace("{{CONTENT}}", &body)
}

/// The home page (`{ctx}/`).
pub fn home(ctx: &str, csrf: &str, user: &str) -> String {
    layout(ctx, csrf, user, "Home", HOME)
}

/// A 270 KB home page with the token near the top, as a real dashboard with many
/// extensions is.
pub fn home_large(ctx: &str, csrf: &str) -> String {
    fill(DASHBOARD_LARGE, &[("CTX", ctx), ("CSRF", csrf)])
}

/// The update page (`{ctx}/platform/update`).
pub fn update(ctx: &str, csrf: &str, user: &str) -> String {
    layout(ctx, csrf, user, "Update", UPDATE)
}

/// The login page. `error` is the text of `#loginErrors` (HAC writes
/// `Login failed: <reason>` after a failed attempt).
pub fn login(variant: LoginPageVariant, ctx: &str, csrf: &str, error: Option<&str>) -> String {
    let template = match variant {
        LoginPageVariant::Standard => LOGIN,
        LoginPageVariant::Awkward => LOGIN_AWKWARD,
        LoginPageVariant::NoCsrf => LOGIN_NO_CSRF,
    };
    let error = error.map(escape_html).unwrap_or_default();
    fill(
        template,
        &[("CTX", ctx), ("CSRF", csrf), ("LOGIN_ERROR", &error)],
    )
}

/// What the ImpEx import page shows below the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImpexOutcome {
    /// The form was rejected: these messages, and no result marker at all.
    FormErrors {
        /// Messages about the script (`scriptContent` or the uploaded `file`).
        script: Vec<String>,
        /// Messages about the options (`encoding`, `maxThreads`, `validationEnum`).
        options: Vec<String>,
    },
    /// An import ran: `span#impexResult` with `data-level` `notice` or `error`, and the log
    /// or the unresolved lines in `div.impexResult pre` (shown when not empty).
    Import {
        /// It worked.
        success: bool,
        /// The job log (success) or the unresolved lines (failure).
        text: String,
    },
    /// A validation ran: `span#validationResultMsg`.
    Validation {
        /// `None` when valid, else the reason.
        problem: Option<String>,
    },
}

/// `c:out` escaping (JSTL): `&`, `<`, `>`, `"` and `'`.
fn c_out(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#034;")
        .replace('\'', "&#039;")
}

fn errors_html(messages: &[String], path: &str) -> String {
    messages
        .iter()
        .map(|m| {
            format!(
                "<span><span id=\"{path}.errors\" class=\"error\">{}</span></span>",
                c_out(m)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The ImpEx import page after a POST: the script echoed in the textarea as HAC does it
/// (unescaped: a script containing `</textarea>` breaks out of it), then the outcome.
pub fn impex_import(
    ctx: &str,
    csrf: &str,
    user: &str,
    script: &str,
    max_threads: &str,
    outcome: &ImpexOutcome,
) -> String {
    let (script_errors, option_errors, result) = match outcome {
        ImpexOutcome::FormErrors { script, options } => (
            errors_html(script, "scriptContent"),
            errors_html(options, "impexImport"),
            String::new(),
        ),
        ImpexOutcome::Import { success, text } => {
            let (level, message) = if *success {
                ("notice", "Import finished successfully")
            } else {
                ("error", "Import has encountered problems.")
            };
            let mut html = format!(
                "<span id=\"impexResult\" data-level=\"{level}\"\n\t\tdata-result=\"{message}\">\n</span>\n"
            );
            if !*success || !text.is_empty() {
                html.push_str(&format!(
                    "<div class=\"box impexResult quiet\">\n\t<pre>\n\t\t{}\n\t</pre>\n</div>\n",
                    c_out(text)
                ));
            }
            (String::new(), String::new(), html)
        }
        ImpexOutcome::Validation { problem } => {
            let (level, message) = match problem {
                None => ("notice", "Import script is valid".to_owned()),
                Some(p) => ("error", format!("Import script is invalid: {}", c_out(p))),
            };
            // As in the JSP: the span is never closed; the parser closes it with the div.
            let html = format!(
                "<div id=\"validationResult\" class=\"marginBottom\">\n\t<span id=\"validationResultMsg\" data-level=\"{level}\"\n\t\tdata-result=\"{message}\">\n</div>\n"
            );
            (String::new(), String::new(), html)
        }
    };
    let body = fill(
        IMPEX_IMPORT,
        &[
            ("SCRIPT_ERRORS", &script_errors),
            ("OPTION_ERRORS", &option_errors),
            ("MAX_THREADS", &c_out(max_threads)),
            ("RESULT", &result),
        ],
    );
    // The script last: its text is data, whatever it contains.
    let page = layout(ctx, csrf, user, "ImpEx Import", &body);
    page.replacen("{{SCRIPT}}", script, 1)
}

/// 400 as Tomcat answers a missing required parameter (HAC has no page of its own).
pub fn error_400() -> String {
    ERROR_400.to_owned()
}

/// HAC's 404 page.
pub fn error_404(ctx: &str) -> String {
    fill(ERROR_404, &[("CTX", ctx)])
}

/// HAC's 405 page.
pub fn error_405(ctx: &str) -> String {
    fill(ERROR_405, &[("CTX", ctx)])
}

/// HAC's 500 page.
pub fn error_500(ctx: &str, message: &str) -> String {
    fill(ERROR_500, &[("CTX", ctx), ("MESSAGE", &c_out(message))])
}
