//! `execute_groovy`: arbitrary code on the server. Offered only where the policy allows
//! code execution (never on a protected or read-only profile); its description says
//! plainly what rolling back does and does not undo.

use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use rmcp::{schemars, tool, tool_router};
use serde::{Deserialize, Serialize};

use hac_client::GroovyScript;

use super::outputs::{Cut, GroovyOutput};
use super::{Answer, HacMcp, object};
use crate::safety::{Class, Intent, Operation};

/// Arguments of `execute_groovy`.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GroovyArgs {
    /// The Groovy script. Spring beans are variables (flexibleSearchService, modelService, ...); what it prints is `output`, what it returns is `result`.
    pub script: String,
    /// Commit the script's database transaction (a write: refused unless this server allows writes). False by default: the transaction is rolled back, which undoes database changes only.
    #[serde(default)]
    pub commit: bool,
}

#[tool_router(router = scripting_router, vis = "pub(super)")]
impl HacMcp {
    /// Run a Groovy script in HAC's scripting console.
    #[tool(
        description = "Run a Groovy script on the SAP Commerce server (HAC scripting console): arbitrary code with the server's full access. Returns what it printed (output), what it returned (result) and, when it threw, the stack trace (as an error result). Only the script's database transaction is rolled back (unless commit=true, which needs a server that allows writes); anything else it does (threads, files, mail, cron jobs, runtime configuration, calls to other systems) takes effect. Prefer flexible_search and type_info for reading."
    )]
    async fn execute_groovy(
        &self,
        Parameters(args): Parameters<GroovyArgs>,
    ) -> Result<CallToolResult, rmcp::ErrorData> {
        self.answer("execute_groovy", &args, async {
            if args.script.trim().is_empty() {
                return Answer::Error("the script is empty".into());
            }
            if let Err(why) = self.policy.allow(&Intent::new(Operation::GroovyScript)) {
                return Answer::Refused(why);
            }
            if args.commit
                && let Err(why) = self.policy.allow_class(
                    Class::Write,
                    "commit=true commits the script's database changes, a write",
                )
            {
                return Answer::Refused(why);
            }
            let r = match self
                .hac
                .execute_groovy(GroovyScript::new(args.script.clone()).commit(args.commit))
                .await
            {
                Ok(r) => r,
                Err(e) => return e.into(),
            };
            let out = GroovyOutput {
                success: r.is_success(),
                output: r.output.clone(),
                result: r.result.clone(),
                stacktrace: r.stacktrace.clone(),
                committed: args.commit,
                execution_time_ms: r.elapsed.as_millis() as u64,
                cut: Cut::default(),
            };
            match object(&out) {
                Ok(v) if r.is_success() => Answer::Ok(v),
                Ok(v) => {
                    let first = r.stacktrace.lines().next().unwrap_or("").to_owned();
                    Answer::Failed(v, format!("the script failed: {first}"))
                }
                Err(why) => Answer::Error(why),
            }
        })
        .await
    }
}
