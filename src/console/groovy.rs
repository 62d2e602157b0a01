//! The scripting console (`/console/scripting/execute`): Groovy, and the other script types
//! HAC offers.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::http::call::{Call, MAX_FORM_BYTES, Text, form_len, parse_json};
use crate::http::transport::HttpResponse;

pub(crate) const PATH: &str = "/console/scripting/execute";

/// The script languages HAC's scripting console offers (`scriptType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ScriptType {
    /// Groovy (the default).
    #[default]
    Groovy,
    /// BeanShell.
    Beanshell,
    /// JavaScript (only where the server has a JavaScript engine).
    Javascript,
}

impl ScriptType {
    /// The value HAC expects.
    pub fn as_str(self) -> &'static str {
        match self {
            ScriptType::Groovy => "groovy",
            ScriptType::Beanshell => "beanshell",
            ScriptType::Javascript => "javascript",
        }
    }
}

/// A script for the scripting console and how to run it.
///
/// By default it runs as Groovy and **rolls back**: HAC marks the transaction
/// rollback-only unless `commit` is set.
///
/// ```
/// use std::time::Duration;
/// use hac_client::{GroovyScript, ScriptType};
/// let script = GroovyScript::new("modelService.save(thing)")
///     .commit(true)
///     .timeout(Duration::from_secs(300));
/// let bsh = GroovyScript::new("print(1);").script_type(ScriptType::Beanshell);
/// let quick: GroovyScript = "return 42".into(); // Groovy, rolled back
/// # let _ = (script, bsh, quick);
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is used"]
pub struct GroovyScript {
    script: Arc<String>,
    commit: bool,
    script_type: ScriptType,
    timeout: Option<Duration>,
}

impl GroovyScript {
    /// A Groovy script that rolls back.
    pub fn new(script: impl Into<String>) -> Self {
        GroovyScript {
            script: Arc::new(script.into()),
            commit: false,
            script_type: ScriptType::Groovy,
            timeout: None,
        }
    }
    /// Keep the script's database changes (HAC's "commit" switch).
    pub fn commit(mut self, on: bool) -> Self {
        self.commit = on;
        self
    }
    /// The language (`groovy` by default).
    pub fn script_type(mut self, t: ScriptType) -> Self {
        self.script_type = t;
        self
    }
    /// Timeout of this call instead of the client's default.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
    /// The script text.
    pub fn text(&self) -> &str {
        &self.script
    }
    /// Whether changes are committed.
    pub fn commits(&self) -> bool {
        self.commit
    }

    pub(crate) fn call(&self) -> Result<Call> {
        let fields = vec![
            ("script", Text::from(&self.script)),
            ("scriptType", self.script_type.as_str().into()),
            ("commit", self.commit.to_string().into()),
        ];
        let bytes = form_len(&fields);
        if bytes > MAX_FORM_BYTES {
            return Err(Error::FormTooLarge {
                path: PATH.into(),
                bytes,
                limit: MAX_FORM_BYTES,
            });
        }
        let mut call = Call::post_form(PATH, fields, true);
        call.timeout = self.timeout;
        Ok(call)
    }
}

impl From<&str> for GroovyScript {
    fn from(script: &str) -> Self {
        GroovyScript::new(script)
    }
}

impl From<String> for GroovyScript {
    fn from(script: String) -> Self {
        GroovyScript::new(script)
    }
}

impl From<&String> for GroovyScript {
    fn from(script: &String) -> Self {
        GroovyScript::new(script.as_str())
    }
}

/// The outcome of a script. HAC answers a script that threw like one that worked (200,
/// JSON); [`GroovyResult::into_result`] makes a failure an error:
///
/// ```no_run
/// # fn demo(hac: &hac_client::HacClient) -> hac_client::Result<()> {
/// let done = hac.execute_groovy("return 6 * 7")?.into_result()?;
/// assert_eq!(done.result, "42");
/// # Ok(()) }
/// ```
///
/// or inspect it:
///
/// ```
/// # use hac_client::GroovyResult;
/// fn show(r: &GroovyResult) {
///     if r.is_success() { print!("{}", r.output) } else { eprintln!("{}", r.stacktrace) }
/// }
/// # let _ = show;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[must_use = "the script may have failed on the server: check it with into_result()"]
#[non_exhaustive]
pub struct GroovyResult {
    /// What the script printed (`outputText`).
    pub output: String,
    /// The value the script returned, as text (`executionResult`).
    pub result: String,
    /// What HAC reports when the script failed (`stacktraceText`: the exception's message,
    /// lines joined with CR LF, not a Java stack trace), else empty.
    pub stacktrace: String,
    /// True when there is no stack trace.
    pub(crate) success: bool,
    /// Round-trip time measured by the client (serialized as `elapsed_ms`).
    #[serde(rename = "elapsed_ms", serialize_with = "crate::json_out::duration_ms")]
    pub elapsed: Duration,
}

impl GroovyResult {
    /// True when the script ran without an exception (HAC's `success`).
    pub fn is_success(&self) -> bool {
        self.success
    }

    /// The result when the script worked, else [`Error::Script`] with HAC's report and what
    /// the script printed.
    pub fn into_result(self) -> Result<GroovyResult> {
        if self.success {
            Ok(self)
        } else {
            Err(self.failure())
        }
    }

    /// As [`GroovyResult::into_result`], keeping the result.
    pub fn error_for_failure_ref(&self) -> Result<&GroovyResult> {
        if self.success {
            Ok(self)
        } else {
            Err(self.clone().failure())
        }
    }

    fn failure(self) -> Error {
        Error::Script {
            message: self
                .stacktrace
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("(no message)")
                .to_owned(),
            stacktrace: self.stacktrace,
            output: self.output,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    #[serde(default)]
    output_text: Option<String>,
    #[serde(default)]
    execution_result: Option<serde_json::Value>,
    #[serde(default)]
    stacktrace_text: Option<String>,
}

/// Reads HAC's answer. `{}` is the answer to a blank script and only to that: for any other
/// script an object without HAC's keys is not a result.
pub(crate) fn parse(
    resp: &HttpResponse,
    script: &GroovyScript,
    elapsed: Duration,
) -> Result<GroovyResult> {
    let expected = "scripting console JSON (outputText, executionResult, stacktraceText)";
    let wire: Wire = parse_json(expected, resp)?;
    let empty = wire.output_text.is_none()
        && wire.execution_result.is_none()
        && wire.stacktrace_text.is_none();
    if empty && !script.text().trim().is_empty() {
        return Err(Error::invalid(
            &resp.path,
            expected,
            "none of these keys in the answer",
        ));
    }
    let result = match wire.execution_result {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s,
        Some(other) => other.to_string(),
    };
    let stacktrace = wire.stacktrace_text.unwrap_or_default();
    Ok(GroovyResult {
        output: wire.output_text.unwrap_or_default(),
        result,
        success: stacktrace.trim().is_empty(),
        stacktrace,
        elapsed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_scripts_and_foreign_objects() {
        let blank = GroovyScript::new("  ");
        let r = parse(&HttpResponse::ok("{}".into()), &blank, Duration::ZERO).unwrap();
        assert!(r.success && r.output.is_empty() && r.result.is_empty());
        let real = GroovyScript::new("return 1");
        let e = parse(&HttpResponse::ok("{}".into()), &real, Duration::ZERO).unwrap_err();
        assert!(matches!(e, Error::InvalidResponse { .. }), "{e:?}");
        let e = parse(
            &HttpResponse::ok(r#"{"status":"ok"}"#.into()),
            &real,
            Duration::ZERO,
        )
        .unwrap_err();
        assert!(matches!(e, Error::InvalidResponse { .. }), "{e:?}");
    }

    #[test]
    fn request_fields() {
        let call = GroovyScript::new("x")
            .commit(true)
            .script_type(ScriptType::Beanshell)
            .call()
            .unwrap();
        let crate::http::call::Body::Form(fields) = call.body else {
            panic!()
        };
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, &**v)).collect();
        assert_eq!(
            fields,
            [
                ("script", "x"),
                ("scriptType", "beanshell"),
                ("commit", "true")
            ]
        );
        let huge = GroovyScript::new("x".repeat(7 << 20)).call().unwrap_err();
        assert!(matches!(huge, Error::FormTooLarge { .. }), "{huge:?}");
    }
}
