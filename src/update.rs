//! System update: the data HAC offers, pending patches, running the update and reading
//! its log.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::call::{Body, Call, parse_json};
use crate::error::Result;
use crate::html;
use crate::transport::{HttpResponse, Method};

pub(crate) const PAGE_PATH: &str = "/platform/update";
pub(crate) const DATA_PATH: &str = "/platform/init/data";
pub(crate) const PATCHES_PATH: &str = "/platform/init/pendingPatches";
pub(crate) const EXECUTE_PATH: &str = "/platform/init/execute";
pub(crate) const LOG_PATH: &str = "/initlog/log";

/// What the update page offers: per extension, its project-data parameters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all(deserialize = "camelCase"))]
#[non_exhaustive]
pub struct UpdateData {
    /// An initialization or update is running right now.
    #[serde(default)]
    pub is_initializing: bool,
    /// Extensions with project data.
    #[serde(default, rename(deserialize = "projectDatas"))]
    pub project_data: Vec<ProjectData>,
}

/// One extension's project data.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ProjectData {
    /// Extension name.
    #[serde(default)]
    pub name: String,
    /// Description, if any.
    #[serde(default)]
    pub description: Option<String>,
    /// Parameters.
    #[serde(default, rename(deserialize = "parameter"))]
    pub parameters: Vec<UpdateParameter>,
}

/// One parameter and its choices.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all(deserialize = "camelCase"))]
#[non_exhaustive]
pub struct UpdateParameter {
    /// Parameter name, e.g. `electronicsstore_importSampleData`.
    #[serde(default)]
    pub name: String,
    /// Label shown in HAC.
    #[serde(default)]
    pub label: Option<String>,
    /// Each possible value and whether it is selected.
    #[serde(default)]
    pub values: BTreeMap<String, bool>,
    /// Legacy parameter.
    #[serde(default)]
    pub legacy: bool,
    /// Several values may be selected.
    #[serde(default)]
    pub multi_select: bool,
    /// The default value, if any.
    #[serde(default)]
    pub default: Option<String>,
}

impl UpdateParameter {
    /// The values currently selected.
    pub fn selected(&self) -> Vec<String> {
        self.values
            .iter()
            .filter(|(_, on)| **on)
            .map(|(v, _)| v.clone())
            .collect()
    }
}

/// Pending patches by category.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(transparent)]
pub struct PendingPatches(pub BTreeMap<String, Vec<Patch>>);

/// One patch.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Patch {
    /// The patch hash, which identifies it in an update request.
    #[serde(default)]
    pub hash: String,
    /// Must be applied.
    #[serde(default)]
    pub required: bool,
    /// Name, if HAC sends one.
    #[serde(default)]
    pub name: Option<String>,
    /// Every other field as sent.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl PendingPatches {
    /// Every patch marked required, by category, as an update request wants them.
    pub fn required(&self) -> BTreeMap<String, Vec<String>> {
        self.0
            .iter()
            .map(|(cat, patches)| {
                let hashes = patches
                    .iter()
                    .filter(|p| p.required)
                    .map(|p| p.hash.clone())
                    .collect::<Vec<_>>();
                (cat.clone(), hashes)
            })
            .filter(|(_, h)| !h.is_empty())
            .collect()
    }

    /// Number of patches.
    pub fn len(&self) -> usize {
        self.0.values().map(Vec::len).sum()
    }

    /// No patches pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The options of a system update (`POST /platform/init/execute`).
///
/// ```
/// use hac_client::UpdateRequest;
/// let req = UpdateRequest::new()
///     .create_project_data(true)
///     .parameter("electronicsstore_importSampleData", ["yes"])
///     .patch("electronicsstore", "a1b2c3d4");
/// # let _ = req;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateRequest {
    drop_tables: bool,
    clear_hmc: bool,
    create_essential_data: bool,
    create_project_data: bool,
    localize_types: bool,
    update_running_system: bool,
    parameters: BTreeMap<String, Vec<String>>,
    patches: BTreeMap<String, Vec<String>>,
    timeout: Option<Duration>,
}

impl Default for UpdateRequest {
    fn default() -> Self {
        Self::new()
    }
}

impl UpdateRequest {
    /// HAC's defaults: update the running system, essential data, localize types; no
    /// project data, nothing dropped.
    pub fn new() -> Self {
        UpdateRequest {
            drop_tables: false,
            clear_hmc: false,
            create_essential_data: true,
            create_project_data: false,
            localize_types: true,
            update_running_system: true,
            parameters: BTreeMap::new(),
            patches: BTreeMap::new(),
            timeout: None,
        }
    }

    /// Starts from what HAC currently selects: every parameter's selected values and
    /// every required patch.
    pub fn from_current(data: &UpdateData, patches: &PendingPatches) -> Self {
        let mut req = Self::new();
        for p in data.project_data.iter().flat_map(|d| &d.parameters) {
            req.parameters.insert(p.name.clone(), p.selected());
        }
        req.patches = patches.required();
        req
    }

    /// Drop tables (dangerous on a real system).
    pub fn drop_tables(mut self, on: bool) -> Self {
        self.drop_tables = on;
        self
    }
    /// Clear the HMC configuration.
    pub fn clear_hmc(mut self, on: bool) -> Self {
        self.clear_hmc = on;
        self
    }
    /// Create essential data.
    pub fn create_essential_data(mut self, on: bool) -> Self {
        self.create_essential_data = on;
        self
    }
    /// Create project data (with the parameters).
    pub fn create_project_data(mut self, on: bool) -> Self {
        self.create_project_data = on;
        self
    }
    /// Localize types.
    pub fn localize_types(mut self, on: bool) -> Self {
        self.localize_types = on;
        self
    }
    /// Run the type-system update (`initMethod = UPDATE`).
    pub fn update_running_system(mut self, on: bool) -> Self {
        self.update_running_system = on;
        self
    }
    /// Sets a project-data parameter.
    pub fn parameter<I, S>(mut self, name: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.parameters
            .insert(name.into(), values.into_iter().map(Into::into).collect());
        self
    }
    /// Adds a patch by category and hash.
    pub fn patch(mut self, category: impl Into<String>, hash: impl Into<String>) -> Self {
        self.patches
            .entry(category.into())
            .or_default()
            .push(hash.into());
        self
    }
    /// Timeout of this update instead of the client's long timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    pub(crate) fn body(&self) -> Value {
        // HAC derives this map from `allParameters` (plus `initmethod`); the UI sends it too.
        let mut as_strings: BTreeMap<String, Vec<String>> = self.parameters.clone();
        if self.update_running_system {
            as_strings.insert("initmethod".into(), vec!["update".into()]);
        }
        json!({
            "dropTables": self.drop_tables,
            "clearHMC": self.clear_hmc,
            "createEssentialData": self.create_essential_data,
            "createProjectData": self.create_project_data,
            "localizeTypes": self.localize_types,
            "initMethod": if self.update_running_system { json!("UPDATE") } else { Value::Null },
            "allParameters": self.parameters,
            "patches": self.patches,
            "parametersAsStringMap": as_strings,
        })
    }

    pub(crate) fn call(&self) -> Call {
        Call {
            method: Method::Post,
            path: EXECUTE_PATH,
            query: None,
            body: Body::Json(self.body().to_string()),
            json: true,
            long: true,
            timeout: self.timeout,
        }
    }
}

/// The immediate answer to an update request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct UpdateOutcome {
    /// HAC's `success`.
    pub success: bool,
    /// The log as HTML.
    pub log_html: String,
    /// The log as text.
    pub log_text: String,
}

/// A reading of the update log.
///
/// ```
/// # use hac_client::UpdateLog;
/// fn verdict(log: &UpdateLog) -> &'static str {
///     match (log.finished, log.has_errors) {
///         (false, _) => "running",
///         (true, false) => "done",
///         (true, true) => "done with errors",
///     }
/// }
/// # let _ = verdict;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct UpdateLog {
    /// The log as HTML.
    pub html: String,
    /// The log as text.
    pub text: String,
    /// The log says the update or initialization finished.
    pub finished: bool,
    /// The log mentions errors or exceptions.
    pub has_errors: bool,
}

impl UpdateLog {
    pub(crate) fn from_html(html_log: String) -> Self {
        let text = html::to_text(&html_log);
        let lower = text.to_lowercase();
        let finished = lower.contains("finished")
            && ["updat", "initializ", "initialis"]
                .iter()
                .any(|w| lower.contains(w));
        let has_errors = ["error", "exception", "failed"]
            .iter()
            .any(|w| lower.contains(w));
        UpdateLog {
            html: html_log,
            text,
            finished,
            has_errors,
        }
    }
}

#[derive(Deserialize)]
struct ExecuteWire {
    #[serde(default)]
    success: bool,
    #[serde(default)]
    log: Option<String>,
}

#[derive(Deserialize)]
struct LogWire {
    #[serde(default)]
    log: Option<String>,
}

pub(crate) fn parse_data(resp: &HttpResponse) -> Result<UpdateData> {
    parse_json("update data JSON (isInitializing, projectDatas)", resp)
}

pub(crate) fn parse_patches(resp: &HttpResponse) -> Result<PendingPatches> {
    parse_json("pending patches JSON ({category: [patch]})", resp)
}

pub(crate) fn parse_outcome(resp: &HttpResponse) -> Result<UpdateOutcome> {
    let w: ExecuteWire = parse_json("update JSON (success, log)", resp)?;
    let log_html = w.log.unwrap_or_default();
    Ok(UpdateOutcome {
        success: w.success,
        log_text: html::to_text(&log_html),
        log_html,
    })
}

pub(crate) fn parse_log(resp: &HttpResponse) -> Result<UpdateLog> {
    let w: LogWire = parse_json("update log JSON (log)", resp)?;
    Ok(UpdateLog::from_html(w.log.unwrap_or_default()))
}

pub(crate) fn log_call() -> Call {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let mut call = Call::get_json(LOG_PATH);
    call.query = Some(format!("_={millis}"));
    call
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_option_reaches_the_body() {
        let body = UpdateRequest::new()
            .drop_tables(true)
            .clear_hmc(true)
            .create_essential_data(false)
            .create_project_data(true)
            .localize_types(false)
            .parameter("p", ["a", "b"])
            .patch("cat", "h1")
            .patch("cat", "h2")
            .body();
        assert_eq!(body["dropTables"], true);
        assert_eq!(body["clearHMC"], true);
        assert_eq!(body["createEssentialData"], false);
        assert_eq!(body["createProjectData"], true);
        assert_eq!(body["localizeTypes"], false);
        assert_eq!(body["initMethod"], "UPDATE");
        assert_eq!(body["allParameters"]["p"], json!(["a", "b"]));
        assert_eq!(body["patches"]["cat"], json!(["h1", "h2"]));
        assert_eq!(
            body["parametersAsStringMap"],
            json!({"p": ["a", "b"], "initmethod": ["update"]})
        );
        let no_schema = UpdateRequest::new().update_running_system(false).body();
        assert_eq!(no_schema["initMethod"], Value::Null);
        assert_eq!(no_schema["parametersAsStringMap"], json!({}));
    }

    #[test]
    fn log_readings() {
        let running = UpdateLog::from_html("<div>Updating system...</div>".into());
        assert!(!running.finished && !running.has_errors);
        let done = UpdateLog::from_html("Finished updating system<br/>".into());
        assert!(done.finished && !done.has_errors);
        let init = UpdateLog::from_html("<b>FINISHED initialization</b>".into());
        assert!(init.finished);
        let failed = UpdateLog::from_html("Exception in thread<br/>Finished updating".into());
        assert!(failed.finished && failed.has_errors);
        assert_eq!(UpdateLog::from_html(String::new()).text, "");
    }

    #[test]
    fn patches_and_current_selection() {
        let patches: PendingPatches =
            serde_json::from_str(include_str!("../fixtures/pending_patches.json")).unwrap();
        assert_eq!(patches.len(), 2);
        assert!(!patches.is_empty());
        assert_eq!(patches.0["electronicsstore"][0].extra["rerunnable"], false);
        let data: UpdateData =
            serde_json::from_str(include_str!("../fixtures/update_data.json")).unwrap();
        let req = UpdateRequest::from_current(&data, &patches);
        let body = req.body();
        assert_eq!(
            body["allParameters"]["solrfacetsearch_sites"],
            json!(["electronics"])
        );
        assert_eq!(body["patches"], json!({"electronicsstore": ["a1b2c3d4"]}));
    }
}
