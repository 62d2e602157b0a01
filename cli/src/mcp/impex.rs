//! `validate_impex` (always) and `import_impex` (only when the profile allows writes).

use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use rmcp::{schemars, tool, tool_router};
use serde::{Deserialize, Serialize};

use hac_client::{ImpexImport, ImpexResult, ValidationMode};

use super::outputs::ImpexOutput;
use super::{Answer, HacMcp, object};
use crate::safety::{Intent, Operation};

/// Arguments of `validate_impex`.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ValidateArgs {
    /// The ImpEx script, e.g. `INSERT_UPDATE Product;code[unique=true];name[lang=en]\n;P-1;Camera`.
    pub script: String,
}

/// Arguments of `import_impex`.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ImportArgs {
    /// The ImpEx script to import.
    pub script: String,
    /// `strict` (default) or `relaxed` validation.
    pub validation: Option<Validation>,
    /// Legacy (Jalo) mode.
    #[serde(default)]
    pub legacy_mode: bool,
    /// Run BeanShell/Groovy code inside the ImpEx (code execution: needs a server that allows it).
    #[serde(default)]
    pub enable_code_execution: bool,
    /// Distributed mode.
    #[serde(default)]
    pub distributed_mode: bool,
    /// Worker threads on the server (1 or more).
    pub max_threads: Option<u32>,
}

/// ImpEx validation modes.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Validation {
    /// Strict validation.
    Strict,
    /// Relaxed validation.
    Relaxed,
}

fn answer(r: ImpexResult, what: &str) -> Answer {
    match object(&ImpexOutput::from(&r)) {
        Ok(value) if r.is_success() => Answer::Ok(value),
        Ok(value) => Answer::Failed(value, format!("{what}: {}", r.summary)),
        Err(why) => Answer::Error(why),
    }
}

#[tool_router(router = impex_router, vis = "pub(super)")]
impl HacMcp {
    /// Validate ImpEx without importing it.
    #[tool(
        description = "Validate an ImpEx script on the SAP Commerce server without importing anything (code in it is not run). Problems come back as an error result with HAC's summary and each problem line (line number, message)."
    )]
    async fn validate_impex(
        &self,
        Parameters(args): Parameters<ValidateArgs>,
    ) -> Result<CallToolResult, rmcp::ErrorData> {
        self.answer("validate_impex", &args, async {
            if args.script.trim().is_empty() {
                return Answer::Error("the script is empty".into());
            }
            match self
                .hac
                .validate_impex(ImpexImport::new(args.script.clone()))
                .await
            {
                Ok(r) => answer(r, "the ImpEx is not valid"),
                Err(e) => e.into(),
            }
        })
        .await
    }

    /// Import ImpEx (a write).
    #[tool(
        description = "Import an ImpEx script into SAP Commerce: this changes data. Failures come back as an error result with the problem lines; validate_impex checks a script first without importing it."
    )]
    async fn import_impex(
        &self,
        Parameters(args): Parameters<ImportArgs>,
    ) -> Result<CallToolResult, rmcp::ErrorData> {
        self.answer("import_impex", &args, async {
            let intent = Intent::new(if args.enable_code_execution {
                Operation::ImpexImportWithCode
            } else {
                Operation::ImpexImport
            });
            for check in [Intent::new(Operation::ImpexImport), intent] {
                if let Err(why) = self.policy.allow(&check) {
                    return Answer::Refused(why);
                }
            }
            if args.script.trim().is_empty() {
                return Answer::Error("the script is empty".into());
            }
            let mut import = ImpexImport::new(args.script.clone())
                .validation_mode(match args.validation.unwrap_or(Validation::Strict) {
                    Validation::Strict => ValidationMode::Strict,
                    Validation::Relaxed => ValidationMode::Relaxed,
                })
                .legacy_mode(args.legacy_mode)
                .enable_code_execution(args.enable_code_execution)
                .distributed_mode(args.distributed_mode);
            if let Some(n) = args.max_threads {
                import = import.max_threads(n.max(1));
            }
            match self.hac.import_impex(import).await {
                Ok(r) => answer(r, "the import failed"),
                Err(e) => e.into(),
            }
        })
        .await
    }
}
