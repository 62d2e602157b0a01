//! The Groovy scripting console.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::call::{Call, parse_json};
use crate::error::Result;
use crate::transport::HttpResponse;

pub(crate) const PATH: &str = "/console/scripting/execute";

/// The outcome of a Groovy script.
///
/// ```
/// # use hac_client::GroovyResult;
/// fn show(r: &GroovyResult) {
///     if r.success { print!("{}", r.output) } else { eprintln!("{}", r.stacktrace) }
/// }
/// # let _ = show;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct GroovyResult {
    /// What the script printed (`outputText`).
    pub output: String,
    /// The value the script returned, as text (`executionResult`).
    pub result: String,
    /// The stack trace if the script threw (`stacktraceText`), else empty.
    pub stacktrace: String,
    /// True when there is no stack trace.
    pub success: bool,
    /// Round-trip time measured by the client (serialized as `elapsed_ms`).
    #[serde(rename = "elapsed_ms", serialize_with = "crate::json_out::duration_ms")]
    pub elapsed: Duration,
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

pub(crate) fn call(script: &str, commit: bool) -> Call {
    Call::post_form(
        PATH,
        vec![
            ("script", script.to_owned()),
            ("scriptType", "groovy".into()),
            ("commit", commit.to_string()),
        ],
        true,
    )
}

pub(crate) fn parse(resp: &HttpResponse, elapsed: Duration) -> Result<GroovyResult> {
    let wire: Wire = parse_json(
        "Groovy console JSON (outputText, executionResult, stacktraceText)",
        resp,
    )?;
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
