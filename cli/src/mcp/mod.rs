//! `hac mcp`: a Model Context Protocol server on stdio, so that coding agents can query and
//! script HAC within the profile's guard. Each tool family lives in its own file with its
//! own router; this file holds the server, the common path every call takes (the guard's
//! verdict, the byte cap, the audit line) and the entry point. Standard output carries the
//! protocol only; diagnostics go to stderr.

mod audit;
mod impex;
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
use rmcp::model::{CallToolResult, ContentBlock, Implementation, ServerCapabilities, ServerConfig};
use rmcp::{ServerHandler, ServiceExt, tool_handler};
use serde_json::Value;

use crate::args::Global;
use crate::connect::{self, Overrides};
use crate::failure::{Exit, usage};
use crate::settings::Settings;

pub use policy::Policy;

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

/// A result as a JSON object, as MCP's structured content must be: an object as it is,
/// any other value under `key`.
pub(crate) fn object<T: serde::Serialize>(value: &T, key: &str) -> Result<Value, String> {
    match serde_json::to_value(value) {
        Ok(Value::Object(o)) => Ok(Value::Object(o)),
        Ok(other) => Ok(serde_json::json!({ key: other })),
        Err(e) => Err(format!("cannot represent the answer: {e}")),
    }
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
}

impl HacMcp {
    fn new(hac: HacClient, policy: Policy, audit: audit::Audit, settings: &Settings) -> HacMcp {
        HacMcp {
            hac,
            policy: Arc::new(policy),
            audit: Arc::new(audit),
            call_limit: settings.timeout.value * 3,
            import_limit: settings.long_timeout.value + settings.timeout.value * 2,
            tool_router: Self::query_router()
                + Self::scripting_router()
                + Self::impex_router()
                + Self::update_router(),
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
        let answer = match tokio::time::timeout(limit, work).await {
            Ok(answer) => answer,
            Err(_) => Answer::Error(format!(
                "no answer within {}s (the per-call limit); the server may still be running it: check before sending it again",
                limit.as_secs()
            )),
        };
        let took = started.elapsed();
        let max = self.policy.max_bytes;
        let capped = |mut v: Value| {
            let cuts = policy::cap(&mut v, max.saturating_sub(400));
            if !cuts.is_empty()
                && let Value::Object(o) = &mut v
            {
                o.insert("truncated".into(), Value::Bool(true));
                o.insert(
                    "cut_here".into(),
                    Value::String(format!(
                        "this result was cut to fit {max} bytes (the profile's mcp_max_result_bytes): {}; ask for less (fewer rows, a narrower query)",
                        cuts.join("; ")
                    )),
                );
            }
            v
        };
        let (outcome, message, result) = match answer {
            Answer::Ok(v) => ("ok", None, CallToolResult::structured(capped(v))),
            Answer::Failed(v, why) => (
                "failed",
                Some(why),
                CallToolResult::structured_error(capped(v)),
            ),
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
        self.audit
            .record(tool, &args, outcome, message.as_deref(), took);
        Ok(result)
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for HacMcp {
    fn get_info(&self) -> ServerConfig {
        let writes = if self.policy.writes_allowed() {
            "Writes are allowed on this profile: commit=true, import_impex and SQL DML run for real."
        } else {
            "This server is read-only: Groovy runs rolled back, FlexibleSearch and SQL queries read, ImpEx can be validated; commits, imports and DML are refused."
        };
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("hac", env!("CARGO_PKG_VERSION")))
            .with_instructions(format!(
                "SAP Commerce (Hybris) Administration Console. Use type_info to learn a type's attributes before writing FlexibleSearch (SELECT {{pk}}, {{code}} FROM {{Product}} WHERE {{code}} LIKE 'A%'). Queries return at most {} rows. {writes}",
                self.policy.max_rows
            ))
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
    let hac = HacClient::new(config)?;
    let audit_path = audit_log
        .or_else(audit::default_path)
        .ok_or_else(|| usage("hac mcp: no place for the audit log: give one with --audit-log"))?;
    let audit = audit::Audit::open(&audit_path, settings.profile_name().map(str::to_owned), url)?;
    let policy = Policy::from_settings(settings);
    crate::output::stderr_line(format_args!(
        "hac mcp: serving on stdio ({}; at most {} rows, {} bytes per result); audit log {}",
        if policy.writes_allowed() {
            "writes allowed"
        } else {
            "read-only"
        },
        policy.max_rows,
        policy.max_bytes,
        audit.path.display()
    ));
    let server = HacMcp::new(hac, policy, audit, settings);
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
