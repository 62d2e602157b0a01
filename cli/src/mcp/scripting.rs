//! `execute_groovy`: scripts, rolled back unless the profile allows writes and the agent
//! asks for a commit.

use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use rmcp::{schemars, tool, tool_router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use hac_client::GroovyScript;

use super::{Answer, HacMcp};

/// Arguments of `execute_groovy`.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GroovyArgs {
    /// The Groovy script. Spring beans are variables (flexibleSearchService, modelService, ...); what it prints is `output`, what it returns is `result`.
    pub script: String,
    /// Commit the script's database changes. False by default: the transaction is rolled back. Only when the profile allows writes.
    #[serde(default)]
    pub commit: bool,
}

#[tool_router(router = scripting_router, vis = "pub(super)")]
impl HacMcp {
    /// Run a Groovy script in HAC's scripting console.
    #[tool(
        description = "Run a Groovy script on the SAP Commerce server (HAC scripting console) and get what it printed (output), what it returned (result) and, when it threw, the stack trace (as an error result). Its database changes are rolled back unless commit=true, which only a profile that allows writes accepts.",
        annotations(destructive_hint = true, open_world_hint = false)
    )]
    async fn execute_groovy(
        &self,
        Parameters(args): Parameters<GroovyArgs>,
    ) -> Result<CallToolResult, rmcp::ErrorData> {
        self.answer("execute_groovy", &args, async {
            if args.script.trim().is_empty() {
                return Answer::Error("the script is empty".into());
            }
            if args.commit
                && let Err(why) = self.policy.allow_write("a Groovy script with commit=true")
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
            let out = json!({
                "success": r.success,
                "output": r.output,
                "result": r.result,
                "stacktrace": r.stacktrace,
                "committed": args.commit,
                "execution_time_ms": r.elapsed.as_millis() as u64,
            });
            if r.success {
                Answer::Ok(out)
            } else {
                let first = r.stacktrace.lines().next().unwrap_or("").to_owned();
                Answer::Failed(out, format!("the script failed: {first}"))
            }
        })
        .await
    }
}
