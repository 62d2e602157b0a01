//! `update_data`, `pending_patches`, `update_log`: the system update, read only.

use rmcp::model::CallToolResult;
use rmcp::{tool, tool_router};
use serde_json::json;

use super::outputs::{PendingPatchesOutput, UpdateDataOutput, UpdateLogOutput};
use super::{Answer, HacMcp};

/// A typed output as the answer.
fn object<T: serde::Serialize>(value: &T) -> Answer {
    super::object(value).map_or_else(Answer::Error, Answer::Ok)
}

#[tool_router(router = update_router, vis = "pub(super)")]
impl HacMcp {
    /// What a system update would offer.
    #[tool(
        description = "Read what a SAP Commerce system update offers: extensions with project data and their parameters, and whether an update or initialization is running. Read-only; this server never runs an update."
    )]
    async fn update_data(&self) -> Result<CallToolResult, rmcp::ErrorData> {
        self.answer("update_data", &json!({}), async {
            match self.hac.update_data().await {
                Ok(d) => object(&UpdateDataOutput::from(&d)),
                Err(e) => e.into(),
            }
        })
        .await
    }

    /// Patches waiting to be applied.
    #[tool(
        description = "List the data patches waiting to be applied by the next system update, by category. Read-only."
    )]
    async fn pending_patches(&self) -> Result<CallToolResult, rmcp::ErrorData> {
        self.answer("pending_patches", &json!({}), async {
            match self.hac.pending_patches().await {
                Ok(p) => object(&PendingPatchesOutput::from(&p)),
                Err(e) => e.into(),
            }
        })
        .await
    }

    /// The log of the running or last update.
    #[tool(
        description = "Read the log of the running or last system update or initialization, and whether it has finished. Read-only."
    )]
    async fn update_log(&self) -> Result<CallToolResult, rmcp::ErrorData> {
        self.answer("update_log", &json!({}), async {
            match self.hac.update_log().await {
                Ok(l) => object(&UpdateLogOutput::from(&l)),
                Err(e) => e.into(),
            }
        })
        .await
    }
}
