//! `hac mcp`: a Model Context Protocol server on stdio, so that coding agents can query and
//! script HAC within the profile's guard. Each tool family lives in its own file with its
//! own router; this file holds the server, the common path every call takes (the guard's
//! verdict, the byte cap, the audit line) and the entry point. Standard output carries the
//! protocol only; diagnostics go to stderr.

mod audit;
mod diff;
mod impex;
mod outputs;
mod policy;
mod query;
mod scripting;
mod update;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use hac_client::nonblocking::HacClient;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::ToolCallContext;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ServerCapabilities, ServerConfig, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{RoleServer, ServerHandler, ServiceExt, tool_handler};
use serde_json::Value;

use crate::config::settings::Settings;
use crate::connect::{self, Overrides};
use crate::failure::{Exit, usage};
use crate::global::Global;

pub use policy::Policy;

/// `hac mcp`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  HAC_PROFILE=prod-read hac mcp          # as an MCP host starts it (stdio)
  claude mcp add --transport stdio --env HAC_PROFILE=prod-read hac-prod -- hac mcp")]
pub struct McpArgs {
    /// Append one JSON line per tool call here [default: the platform's state directory,
    /// hac/mcp-audit.jsonl]
    #[arg(
        long,
        env = "HAC_MCP_AUDIT_LOG",
        value_name = "FILE",
        hide_env_values = true
    )]
    pub audit_log: Option<PathBuf>,
}

/// What a tool produced, before the common path turns it into an MCP result.
pub(crate) enum Answer {
    /// A result.
    Ok(Value),
    /// The server ran it and it failed (a script's exception, an import's errors): the
    /// details, as a tool error the agent can read.
    Failed(Value, String),
    /// It could not run: connection, login, a query exception.
    Error(String),
    /// The guard refused it; nothing was sent.
    Refused(String),
}

impl From<hac_client::Error> for Answer {
    fn from(e: hac_client::Error) -> Answer {
        Answer::Error(e.to_string())
    }
}

/// A tool's typed output as the JSON object MCP's structured content is.
pub(crate) fn object<T: serde::Serialize>(value: &T) -> Result<Value, String> {
    match serde_json::to_value(value) {
        Ok(Value::Object(o)) => Ok(Value::Object(o)),
        Ok(_) => Err("cannot represent the answer: not an object".into()),
        Err(e) => Err(format!("cannot represent the answer: {e}")),
    }
}

/// What each tool is to an MCP host, by the operation table: its annotations and its
/// output schema. Annotations say what the tool can do on *this* server (a query tool
/// that can only read here is read-only here).
fn describe_tools(router: &mut ToolRouter<HacMcp>, policy: &Policy) {
    use outputs::*;
    use rmcp::handler::server::common::schema_for_output;
    let read = ToolAnnotations::new()
        .read_only(true)
        .destructive(false)
        .idempotent(true)
        .open_world(false);
    let write = ToolAnnotations::new()
        .read_only(false)
        .destructive(true)
        .idempotent(false)
        .open_world(false);
    let tools = [
        (
            "flexible_search",
            if policy.writes_allowed() {
                write.clone()
            } else {
                read.clone()
            },
            schema_for_output::<QueryOutput>(),
        ),
        // Arbitrary code: it can reach anything the server reaches.
        (
            "execute_groovy",
            write.clone().open_world(true),
            schema_for_output::<GroovyOutput>(),
        ),
        (
            "validate_impex",
            read.clone(),
            schema_for_output::<ImpexOutput>(),
        ),
        ("import_impex", write, schema_for_output::<ImpexOutput>()),
        (
            "update_data",
            read.clone(),
            schema_for_output::<UpdateDataOutput>(),
        ),
        (
            "pending_patches",
            read.clone(),
            schema_for_output::<PendingPatchesOutput>(),
        ),
        (
            "update_log",
            read.clone(),
            schema_for_output::<UpdateLogOutput>(),
        ),
        (
            "type_info",
            read.clone(),
            schema_for_output::<TypeInfoOutput>(),
        ),
        ("diff", read, schema_for_output::<DiffOutput>()),
    ];
    for (name, annotations, schema) in tools {
        if let Some(route) = router.map.get_mut(name) {
            route.attr.annotations = Some(annotations);
            route.attr.output_schema = Some(schema);
        }
    }
    // A tool the profile can never run is not offered.
    if !policy.code_allowed() {
        router.remove_route("execute_groovy");
    }
    if !policy.writes_allowed() {
        router.remove_route("import_impex");
    }
}

/// The result as it goes on the wire: the structured content and its text copy (MCP asks
/// for both), together within `max` bytes: the value is cut (see [`policy::fit`]) until
/// the whole result fits. Nothing is cut when it fits.
fn within(value: Value, error: bool, max: usize) -> CallToolResult {
    let build = |v: Value| {
        if error {
            CallToolResult::structured_error(v)
        } else {
            CallToolResult::structured(v)
        }
    };
    let limit = format!("{max} bytes (the profile's mcp_max_result_bytes)");
    let wire = |r: &CallToolResult| serde_json::to_string(r).map_or(usize::MAX, |t| t.len());
    let whole = build(value.clone());
    if wire(&whole) <= max {
        return whole;
    }
    // Two copies, the text one escaped: start at under half, then tighten.
    let mut budget = max * 2 / 5;
    for _ in 0..16 {
        let mut v = value.clone();
        policy::fit(&mut v, budget, &limit);
        let result = build(v);
        let size = wire(&result);
        if size <= max {
            return result;
        }
        if budget < 256 {
            break;
        }
        budget = budget.saturating_sub((size - max) / 2 + 64);
    }
    // Nothing left to cut (many small fields): the cap holds, with a result that says so
    // (the smallest cap, 1,000 bytes, fits it).
    CallToolResult::structured_error(serde_json::json!({
        "cut_to_fit": true,
        "error": format!(
            "the result does not fit within {limit}, even cut; ask for less (fewer rows, a narrower query)"
        ),
    }))
}

/// The server: one client (one login, the session cache as for `hac`), the guard, the log.
#[derive(Clone)]
pub struct HacMcp {
    hac: HacClient,
    policy: Arc<Policy>,
    audit: Arc<audit::Audit>,
    /// The most one call may take: a few requests' timeouts (login, call, one retry); an
    /// import gets the long timeout.
    call_limit: Duration,
    import_limit: Duration,
    tool_router: ToolRouter<Self>,
    /// What `diff` needs to reach another profile's server.
    diff: Option<Arc<diff::Others>>,
}

impl HacMcp {
    fn new(hac: HacClient, policy: Policy, audit: audit::Audit, settings: &Settings) -> HacMcp {
        let mut tool_router = Self::query_router()
            + Self::scripting_router()
            + Self::impex_router()
            + Self::update_router()
            + Self::diff_router();
        describe_tools(&mut tool_router, &policy);
        HacMcp {
            hac,
            policy: Arc::new(policy),
            audit: Arc::new(audit),
            call_limit: settings.timeout.value * 3,
            import_limit: settings.long_timeout.value + settings.timeout.value * 2,
            tool_router,
            diff: None,
        }
    }

    /// Runs a tool's work and takes the common path: byte cap with a "cut here" note,
    /// the result or tool error, one audit line.
    async fn answer(
        &self,
        tool: &str,
        args: &impl serde::Serialize,
        work: impl Future<Output = Answer>,
    ) -> Result<CallToolResult, rmcp::ErrorData> {
        let args = serde_json::to_value(args).unwrap_or_default();
        let started = Instant::now();
        let limit = if tool == "import_impex" {
            self.import_limit
        } else {
            self.call_limit
        };
        let script_hash = audit::script_hash(&args);
        let answer = match tokio::time::timeout(limit, CatchUnwind(Box::pin(work))).await {
            Ok(Ok(answer)) => answer,
            // A bug in a tool: an error for this call, and the server goes on (without
            // this, the host would wait for an answer that never comes).
            Ok(Err(())) => Answer::Error(
                "internal error: the tool stopped (a bug; the server goes on); see the server's standard error".into(),
            ),
            Err(_) => Answer::Error(format!(
                "no answer within {}s (the per-call limit); the server may still be running it: check before sending it again",
                limit.as_secs()
            )),
        };
        let took = started.elapsed();
        let max = self.policy.max_bytes;
        let (outcome, message, result) = match answer {
            Answer::Ok(v) => ("ok", None, within(v, false, max)),
            Answer::Failed(v, why) => ("failed", Some(why), within(v, true, max)),
            Answer::Error(why) => (
                "error",
                Some(why.clone()),
                CallToolResult::error(vec![ContentBlock::text(why)]),
            ),
            Answer::Refused(why) => (
                "refused",
                Some(why.clone()),
                CallToolResult::error(vec![ContentBlock::text(why)]),
            ),
        };
        self.audit.record(audit::Line {
            tool,
            args: &args,
            script_hash: script_hash.as_deref(),
            outcome,
            message: message.as_deref(),
            took,
        });
        Ok(result)
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for HacMcp {
    fn get_info(&self) -> ServerConfig {
        let writes = if self.policy.writes_allowed() {
            "Writes are allowed: SQL with commit=true and import_impex change data for real."
        } else {
            "Writes are not allowed: FlexibleSearch and single SQL queries read, ImpEx can be validated; SQL that is not a plain query is refused."
        };
        let code = if self.policy.code_allowed() {
            " execute_groovy runs arbitrary code on the server: only its database transaction is rolled back (unless commit=true is allowed and asked for), not threads, files, mail, jobs or configuration it changes."
        } else {
            ""
        };
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("hac", env!("CARGO_PKG_VERSION")))
            .with_instructions(format!(
                "SAP Commerce (Hybris) Administration Console. Use type_info to learn a type's attributes before writing FlexibleSearch (SELECT {{pk}}, {{code}} FROM {{Product}} WHERE {{code}} LIKE 'A%'). Queries return {} rows unless max_rows asks for more (at most {}). {writes}{code}",
                policy::DEFAULT_ROWS.min(self.policy.max_rows),
                self.policy.max_rows
            ))
    }

    /// Every call goes through the router; a call the router itself turns away (unknown
    /// tool, arguments that do not fit the schema) is audited here, as the tools audit
    /// their own.
    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, rmcp::ErrorData> {
        let name = request.name.to_string();
        let args = request.arguments.clone().map_or(Value::Null, Value::Object);
        let known = self.tool_router.has_route(&name);
        let result = self
            .tool_router
            .call(ToolCallContext::new(self, request, context))
            .await;
        let malformed = match &result {
            Err(e) => Some(e.message.to_string()),
            Ok(CallToolResponse::Complete(r)) if r.is_error == Some(true) => r
                .content
                .first()
                .and_then(ContentBlock::as_text)
                .map(|t| t.text.clone())
                .filter(|t| t.starts_with("failed to deserialize parameters")),
            Ok(_) => None,
        };
        if let Some(why) = malformed {
            self.audit.record(audit::Line {
                tool: &name,
                args: &args,
                script_hash: audit::script_hash(&args).as_deref(),
                outcome: if known { "malformed" } else { "unknown_tool" },
                message: Some(&why),
                took: Duration::ZERO,
            });
        }
        result
    }
}

/// `hac mcp`: serves until the client closes standard input.
pub fn serve(settings: &Settings, global: &Global, audit_log: Option<PathBuf>) -> Result<Exit> {
    if global.password_stdin {
        return Err(usage(
            "hac mcp: standard input carries the protocol; give the password with HAC_PASSWORD or a profile password_command",
        ));
    }
    let url = connect::server_url(settings)?;
    let config = connect::config_with(settings, global, None, &Overrides::default(), None)?;
    let hac = HacClient::new(config.clone())?;
    // `diff` reads with the blocking readers `hac diff` uses, on a worker thread.
    let blocking = hac_client::blocking::HacClient::new(config)?;
    let audit_path = audit_log
        .or_else(audit::default_path)
        .ok_or_else(|| usage("hac mcp: no place for the audit log: give one with --audit-log"))?;
    let audit = audit::Audit::open(&audit_path, settings.profile_name().map(str::to_owned), url)?;
    let policy = Policy::from_settings(settings);
    crate::output::stderr_line(format_args!(
        "hac mcp: serving on stdio ({}, {}; at most {} rows, {} bytes per result); audit log {}",
        if policy.writes_allowed() {
            "writes allowed"
        } else {
            "no writes"
        },
        if policy.code_allowed() {
            "Groovy offered"
        } else {
            "no Groovy"
        },
        policy.max_rows,
        policy.max_bytes,
        audit.path.display()
    ));
    let mut server = HacMcp::new(hac, policy, audit, settings);
    server.diff = Some(Arc::new(diff::Others {
        here: blocking,
        global: global.clone(),
    }));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the MCP runtime")?;
    runtime.block_on(async move {
        let running = server
            .serve(rmcp::transport::stdio())
            .await
            .context("starting the MCP session")?;
        running.waiting().await.context("serving MCP")?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(Exit::Success)
}

/// A future whose panic becomes `Err(())` instead of taking its task down.
struct CatchUnwind<F>(std::pin::Pin<Box<F>>);

impl<F: std::future::Future> std::future::Future for CatchUnwind<F> {
    type Output = Result<F::Output, ()>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let fut = self.0.as_mut();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fut.poll(cx))) {
            Ok(std::task::Poll::Ready(v)) => std::task::Poll::Ready(Ok(v)),
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Err(_) => std::task::Poll::Ready(Err(())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cap holds when nothing can be cut: many small fields.
    #[test]
    fn a_result_that_cannot_be_cut_still_keeps_the_cap() {
        let many: serde_json::Map<String, Value> = (0..2_000)
            .map(|i| (format!("field_{i}"), Value::from(i)))
            .collect();
        for max in [1_000, 5_000, 20_000] {
            let r = within(Value::Object(many.clone()), false, max);
            let wire = serde_json::to_string(&r).unwrap();
            assert!(wire.len() <= max, "{max}: {}", wire.len());
            assert!(wire.contains("does not fit within"), "{wire}");
        }
        // What fits is left whole.
        let small = serde_json::json!({"rows": [[1, 2]], "row_count": 1});
        let r = within(small, false, 1_000);
        assert_eq!(r.structured_content.unwrap()["row_count"], 1);
    }
}
