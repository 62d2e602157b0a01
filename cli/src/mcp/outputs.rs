//! What each tool returns, as typed structures: their JSON schemas are the tools'
//! `outputSchema`, and every result is built from them, so that the structured content
//! always matches the schema. The library's own types are not serialized here: this is the
//! MCP contract, kept stable on its own.

use rmcp::schemars::{self, JsonSchema};
use serde::Serialize;
use serde_json::{Map, Value};

/// Set by the byte cap when a result had to be shortened.
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct Cut {
    /// True when this result was shortened to fit the server's size limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut_to_fit: Option<bool>,
    /// What was shortened and how to ask for less.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut_here: Option<String>,
}

/// `flexible_search`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct QueryOutput {
    /// Column names as HAC returns them (FlexibleSearch attributes become SQL columns such as `p_code`).
    pub headers: Vec<String>,
    /// The rows, each an object keyed by column name; a cell is text (HTML entities decoded) or null.
    pub rows: Vec<Map<String, Value>>,
    /// How many rows are in `rows`.
    pub row_count: usize,
    /// True when more rows matched than `rows` holds (the row limit was reached).
    pub truncated: bool,
    /// The SQL that FlexibleSearch produced.
    pub translated_query: String,
    /// Time the query took on the server.
    pub execution_time_ms: u64,
    /// Whether the SQL's changes were committed (SQL only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub committed: Option<bool>,
    /// About the row limit: how many rows were asked for and how to ask for more.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(flatten)]
    pub cut: Cut,
}

/// `execute_groovy`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct GroovyOutput {
    /// Whether the script ran without throwing.
    pub success: bool,
    /// What the script printed.
    pub output: String,
    /// What the script returned, as text.
    pub result: String,
    /// The stack trace when it threw (empty otherwise).
    pub stacktrace: String,
    /// Whether its database transaction was committed.
    pub committed: bool,
    /// Time the script took on the server.
    pub execution_time_ms: u64,
    #[serde(flatten)]
    pub cut: Cut,
}

/// One problem line of an ImpEx run.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ImpexProblem {
    /// The script line it names, when HAC names one.
    pub line: Option<u32>,
    /// HAC's message.
    pub message: String,
}

/// `validate_impex` and `import_impex`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ImpexOutput {
    /// Whether the script validated (or imported) without problems.
    pub success: bool,
    /// HAC's summary line.
    pub summary: String,
    /// Each problem HAC reported.
    pub lines: Vec<ImpexProblem>,
    #[serde(flatten)]
    pub cut: Cut,
}

/// One parameter of an extension's project data.
#[derive(Debug, Serialize, JsonSchema)]
pub struct UpdateParameterOutput {
    pub name: String,
    pub label: Option<String>,
    /// Each value and whether it is selected.
    pub values: std::collections::BTreeMap<String, bool>,
    pub multi_select: bool,
}

/// An extension with project data.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProjectDataOutput {
    pub name: String,
    pub description: Option<String>,
    pub parameters: Vec<UpdateParameterOutput>,
}

/// `update_data`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct UpdateDataOutput {
    /// True while an initialization or update is running.
    pub is_initializing: bool,
    /// HAC's note about the running one.
    pub init_info: String,
    pub tenant_id: Option<String>,
    /// Extensions with project data and their parameters.
    pub project_data: Vec<ProjectDataOutput>,
    #[serde(flatten)]
    pub cut: Cut,
}

/// A patch waiting for the next update.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PatchOutput {
    pub hash: String,
    pub name: Option<String>,
    pub description: Option<String>,
    /// Whether HAC runs it in every update.
    pub required: bool,
}

/// `pending_patches`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PendingPatchesOutput {
    /// Pending patches by category.
    pub patches: std::collections::BTreeMap<String, Vec<PatchOutput>>,
    #[serde(flatten)]
    pub cut: Cut,
}

/// `update_log`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct UpdateLogOutput {
    /// The log as text.
    pub text: String,
    /// Whether the update or initialization has finished.
    pub finished: bool,
    /// Whether the log reports errors.
    pub has_errors: bool,
    #[serde(flatten)]
    pub cut: Cut,
}

/// `type_info`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TypeInfoOutput {
    /// The type code asked for.
    #[serde(rename = "type")]
    pub type_code: String,
    /// Whether the type exists.
    pub exists: bool,
    /// Its attribute qualifiers, inherited ones included.
    pub attributes: Vec<String>,
    /// For an unknown type: type codes that start the same way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similar_types: Option<Vec<String>>,
    #[serde(flatten)]
    pub cut: Cut,
}

impl From<&hac_client::ImpexResult> for ImpexOutput {
    fn from(r: &hac_client::ImpexResult) -> ImpexOutput {
        ImpexOutput {
            success: r.is_success(),
            summary: r.summary.clone(),
            lines: r
                .lines
                .iter()
                .map(|l| ImpexProblem {
                    line: l.line,
                    message: l.message.clone(),
                })
                .collect(),
            cut: Cut::default(),
        }
    }
}

impl From<&hac_client::UpdateData> for UpdateDataOutput {
    fn from(d: &hac_client::UpdateData) -> UpdateDataOutput {
        UpdateDataOutput {
            is_initializing: d.is_initializing,
            init_info: d.init_info.clone(),
            tenant_id: d.tenant_id.clone(),
            project_data: d
                .project_data
                .iter()
                .map(|p| ProjectDataOutput {
                    name: p.name.clone(),
                    description: p.description.clone(),
                    parameters: p
                        .parameters
                        .iter()
                        .map(|u| UpdateParameterOutput {
                            name: u.name.clone(),
                            label: u.label.clone(),
                            values: u.values.clone(),
                            multi_select: u.multi_select,
                        })
                        .collect(),
                })
                .collect(),
            cut: Cut::default(),
        }
    }
}

impl From<&hac_client::PendingPatches> for PendingPatchesOutput {
    fn from(p: &hac_client::PendingPatches) -> PendingPatchesOutput {
        PendingPatchesOutput {
            patches: p
                .iter()
                .map(|(category, patches)| {
                    let list = patches
                        .iter()
                        .map(|x| PatchOutput {
                            hash: x.hash.clone(),
                            name: x.name.clone(),
                            description: x.description.clone(),
                            required: x.required,
                        })
                        .collect();
                    (category.to_owned(), list)
                })
                .collect(),
            cut: Cut::default(),
        }
    }
}

impl From<&hac_client::UpdateLog> for UpdateLogOutput {
    fn from(l: &hac_client::UpdateLog) -> UpdateLogOutput {
        UpdateLogOutput {
            text: l.text.clone(),
            finished: l.finished,
            has_errors: l.has_errors,
            cut: Cut::default(),
        }
    }
}

/// `diff`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DiffOutput {
    /// What was compared: config, types, extensions or patches.
    pub what: String,
    /// The other profile.
    pub other: String,
    /// Nothing differs.
    pub equal: bool,
    /// Keys only this server has, with their values.
    pub only_here: Vec<DiffItem>,
    /// Keys only the other server has, with their values.
    pub only_other: Vec<DiffItem>,
    /// Keys both have with different values: `a` this server's, `b` the other's.
    pub changed: Vec<DiffChange>,
    #[serde(flatten)]
    pub cut: Cut,
}

/// A key and its value on one side (a secret-looking value is `(hidden: differs)`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct DiffItem {
    pub key: String,
    pub value: Value,
}

/// A key whose value differs: `a` this server's, `b` the other's.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DiffChange {
    pub key: String,
    pub a: Value,
    pub b: Value,
}

impl From<crate::commands::diff::compare::Item> for DiffItem {
    fn from(i: crate::commands::diff::compare::Item) -> DiffItem {
        DiffItem {
            key: i.key,
            value: i.value,
        }
    }
}

impl From<crate::commands::diff::compare::Change> for DiffChange {
    fn from(c: crate::commands::diff::compare::Change) -> DiffChange {
        DiffChange {
            key: c.key,
            a: c.a,
            b: c.b,
        }
    }
}
