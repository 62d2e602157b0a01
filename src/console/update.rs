//! System update: the data HAC offers, pending patches, running the update and reading
//! its log. The request mirrors what HAC's update page (`static/js/platform/init.js`)
//! sends: parameters keyed `{extension}_{parameter}`, select values as arrays, text values
//! as strings, patches by extension.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::http::call::{Body, Call, Session, parse_json};
use crate::http::transport::{HttpResponse, Method};
use crate::page::html;

pub(crate) const DATA_PATH: &str = "/platform/init/data";
pub(crate) const PATCHES_PATH: &str = "/platform/init/pendingPatches";
pub(crate) const EXECUTE_PATH: &str = "/platform/init/execute";
pub(crate) const LOG_PATH: &str = "/initlog/log";

/// What the update page offers: per extension, its project-data parameters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct UpdateData {
    /// An initialization or update is running right now.
    #[serde(alias = "isInitializing", default)]
    pub is_initializing: bool,
    /// What HAC says about a running initialization or update (`initInfo`).
    #[serde(alias = "initInfo", default, deserialize_with = "null_as_default")]
    pub init_info: String,
    /// The tenant (`tenantID`, `master` for the master tenant).
    #[serde(default, alias = "tenantID")]
    pub tenant_id: Option<String>,
    /// Whether that is the master tenant.
    #[serde(default)]
    pub master: Option<bool>,
    /// Extensions with project data.
    #[serde(default, alias = "projectDatas")]
    pub project_data: Vec<ProjectData>,
}

fn null_as_default<'de, D, T>(d: D) -> std::result::Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
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
    #[serde(default, alias = "parameter")]
    pub parameters: Vec<UpdateParameter>,
}

/// One parameter and its choices: a select (`values`) or, without values, a text field
/// (`default`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct UpdateParameter {
    /// Parameter name within its extension, e.g. `importSampleData`. HAC expects it in a
    /// request as `{extension}_{name}` (see [`UpdateRequest::parameter`]).
    #[serde(default)]
    pub name: String,
    /// Label shown in HAC.
    #[serde(default)]
    pub label: Option<String>,
    /// Each possible value and whether it is selected; empty for a text parameter.
    #[serde(default, deserialize_with = "null_as_default")]
    pub values: BTreeMap<String, bool>,
    /// Legacy parameter.
    #[serde(default)]
    pub legacy: bool,
    /// Several values may be selected.
    #[serde(alias = "multiSelect", default)]
    pub multi_select: bool,
    /// The default value, if any.
    #[serde(default)]
    pub default: Option<String>,
}

impl UpdateParameter {
    /// True for a text parameter (no values to choose from).
    pub fn is_text(&self) -> bool {
        self.values.is_empty()
    }

    /// The values currently selected.
    pub fn selected(&self) -> Vec<String> {
        self.values
            .iter()
            .filter(|(_, on)| **on)
            .map(|(v, _)| v.clone())
            .collect()
    }
}

/// Pending patches by extension.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(transparent)]
pub struct PendingPatches(BTreeMap<String, Vec<Patch>>);

/// One patch.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Patch {
    /// The patch hash, which identifies it in an update request.
    #[serde(default)]
    pub hash: String,
    /// Name, if HAC sends one.
    #[serde(default)]
    pub name: Option<String>,
    /// Description, if any.
    #[serde(default)]
    pub description: Option<String>,
    /// When it runs.
    #[serde(default)]
    pub process: Option<PatchProcess>,
    /// Must be applied (HAC's page ticks it and does not let you untick it).
    #[serde(default)]
    pub required: bool,
    /// Every other field as sent (kept so that a patch reads back as it came; not part of
    /// the API: HAC may add or drop fields).
    #[serde(flatten)]
    pub(crate) extra: BTreeMap<String, Value>,
}

impl Patch {
    /// Whether the patch applies to an update (`process` is `ALL` or `UPDATE`, or absent).
    pub fn applies_to_update(&self) -> bool {
        matches!(
            self.process,
            None | Some(PatchProcess::All | PatchProcess::Update)
        )
    }
}

/// When a patch runs, as HAC names it (`ALL`, `INIT`, `UPDATE`); another name is kept as
/// it came.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PatchProcess {
    /// `ALL`: initialization and update.
    All,
    /// `INIT`: initialization only.
    Init,
    /// `UPDATE`: update only.
    Update,
    /// A name this crate does not know.
    Other(String),
}

impl PatchProcess {
    /// HAC's name: `ALL`, `INIT`, `UPDATE`, or the other name as it came.
    pub fn as_str(&self) -> &str {
        match self {
            PatchProcess::All => "ALL",
            PatchProcess::Init => "INIT",
            PatchProcess::Update => "UPDATE",
            PatchProcess::Other(s) => s,
        }
    }
}

impl From<&str> for PatchProcess {
    fn from(name: &str) -> Self {
        match name.to_ascii_uppercase().as_str() {
            "ALL" => PatchProcess::All,
            "INIT" => PatchProcess::Init,
            "UPDATE" => PatchProcess::Update,
            _ => PatchProcess::Other(name.to_owned()),
        }
    }
}

impl std::fmt::Display for PatchProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for PatchProcess {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PatchProcess {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Ok(PatchProcess::from(name.as_str()))
    }
}

impl PendingPatches {
    /// The patches of each extension, by extension name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[Patch])> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// The patches of one extension.
    pub fn get(&self, extension: &str) -> Option<&[Patch]> {
        self.0.get(extension).map(Vec::as_slice)
    }

    /// The patches by extension, as a map.
    pub fn into_inner(self) -> BTreeMap<String, Vec<Patch>> {
        self.0
    }

    /// Every patch marked required, by extension.
    pub fn required(&self) -> BTreeMap<String, Vec<String>> {
        self.select(|p| p.required)
    }

    /// Every patch HAC's update page would apply: those for updates, required or not (the
    /// page ticks them all).
    pub fn for_update(&self) -> BTreeMap<String, Vec<String>> {
        self.select(Patch::applies_to_update)
    }

    fn select(&self, keep: impl Fn(&Patch) -> bool) -> BTreeMap<String, Vec<String>> {
        self.0
            .iter()
            .map(|(ext, patches)| {
                let hashes = patches
                    .iter()
                    .filter(|p| keep(p))
                    .map(|p| p.hash.clone())
                    .collect::<Vec<_>>();
                (ext.clone(), hashes)
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

/// What the update does to the type system (`initMethod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum InitMethod {
    /// `UPDATE`: update the running system's type system (the default).
    #[default]
    Update,
    /// `NONE`: leave the type system; only the other options run.
    None,
    /// `null`: what HAC's page sends when "update running system" is unticked.
    Omitted,
}

/// The options of a system update (`POST /platform/init/execute`).
///
/// ```
/// use hac_client::UpdateRequest;
/// let req = UpdateRequest::new()
///     .project_data("electronicsstore")
///     .parameter("electronicsstore_importSampleData", ["yes"])
///     .parameter_text("acmeimport_batchSize", "500")
///     .patch("electronicsstore", "a1b2c3d4");
/// # let _ = req;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "a builder does nothing until it is used"]
pub struct UpdateRequest {
    drop_tables: bool,
    clear_hmc: bool,
    create_essential_data: bool,
    create_project_data: bool,
    localize_types: bool,
    init_method: InitMethod,
    parameters: BTreeMap<String, Value>,
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
            init_method: InitMethod::Update,
            parameters: BTreeMap::new(),
            patches: BTreeMap::new(),
            timeout: None,
        }
    }

    /// Starts from what HAC's update page selects: every parameter's selected values (a
    /// text parameter's default), every patch for updates, no project data.
    pub fn from_current(data: &UpdateData, patches: &PendingPatches) -> Self {
        let mut req = Self::new();
        for ext in &data.project_data {
            for p in &ext.parameters {
                let key = format!("{}_{}", ext.name, p.name);
                let value = if p.is_text() {
                    Value::from(p.default.clone().unwrap_or_default())
                } else {
                    Value::from(p.selected())
                };
                req.parameters.insert(key, value);
            }
        }
        req.patches = patches.for_update();
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
    /// Create project data (with the parameters) for every extension.
    pub fn create_project_data(mut self, on: bool) -> Self {
        self.create_project_data = on;
        self
    }
    /// Create project data for one extension (HAC's `{extension}_sample` box).
    pub fn project_data(mut self, extension: &str) -> Self {
        self.parameters
            .insert(format!("{extension}_sample"), Value::from("true"));
        self
    }
    /// Localize types.
    pub fn localize_types(mut self, on: bool) -> Self {
        self.localize_types = on;
        self
    }
    /// Update the running system's type system (`initMethod` `UPDATE`), or not (`null`,
    /// as HAC's page sends it when the box is unticked).
    pub fn update_running_system(mut self, on: bool) -> Self {
        self.init_method = if on {
            InitMethod::Update
        } else {
            InitMethod::Omitted
        };
        self
    }
    /// What happens to the type system (`initMethod`).
    pub fn init_method(mut self, method: InitMethod) -> Self {
        self.init_method = method;
        self
    }
    /// Sets a select parameter, keyed as HAC expects: `{extension}_{parameter}`.
    pub fn parameter<I, S>(mut self, key: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let values: Vec<String> = values.into_iter().map(Into::into).collect();
        self.parameters.insert(key.into(), Value::from(values));
        self
    }
    /// Sets a text parameter (one without values to choose from).
    pub fn parameter_text(mut self, key: impl Into<String>, text: impl Into<String>) -> Self {
        self.parameters.insert(key.into(), Value::from(text.into()));
        self
    }
    /// Adds a patch by extension and hash (once, however often it is added).
    pub fn patch(mut self, extension: impl Into<String>, hash: impl Into<String>) -> Self {
        let hash = hash.into();
        let list = self.patches.entry(extension.into()).or_default();
        if !list.contains(&hash) {
            list.push(hash);
        }
        self
    }
    /// Timeout of this update instead of the client's long timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The JSON this request posts to `/platform/init/execute`, as HAC's page sends it,
    /// pretty-printed: what a dry run shows.
    ///
    /// ```
    /// let json = hac_client::UpdateRequest::new().create_project_data(true).to_json();
    /// assert!(json.contains("\"createProjectData\": true"));
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.body()).unwrap_or_default()
    }

    /// The JSON HAC's page posts. (`parametersAsStringMap` is derived by the server.)
    pub(crate) fn body(&self) -> Value {
        let init_method = match self.init_method {
            InitMethod::Update => json!("UPDATE"),
            InitMethod::None => json!("NONE"),
            InitMethod::Omitted => Value::Null,
        };
        json!({
            "dropTables": self.drop_tables,
            "clearHMC": self.clear_hmc,
            "createEssentialData": self.create_essential_data,
            "createProjectData": self.create_project_data,
            "localizeTypes": self.localize_types,
            "initMethod": init_method,
            "allParameters": self.parameters,
            "patches": self.patches,
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
            session: Session::Required,
            drop_textareas: false,
            binary: false,
        }
    }
}

/// The immediate answer to an update request. HAC answers a failed update with 200 and
/// `success: false`: [`UpdateOutcome::into_result`] makes that an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[must_use = "the update may have failed: check it with into_result()"]
#[non_exhaustive]
pub struct UpdateOutcome {
    /// HAC's `success`.
    pub(crate) success: bool,
    /// The log as HTML.
    pub log_html: String,
    /// The log as text.
    pub log_text: String,
}

impl UpdateOutcome {
    /// True when the update started as asked (HAC's `success`).
    pub fn is_success(&self) -> bool {
        self.success
    }

    /// The outcome when HAC reported success, else [`Error::Update`](crate::Error::Update)
    /// with the log.
    pub fn into_result(self) -> crate::Result<UpdateOutcome> {
        if self.success {
            Ok(self)
        } else {
            Err(crate::Error::Update { log: self.log_text })
        }
    }

    /// As [`UpdateOutcome::into_result`], keeping the outcome.
    pub fn error_for_failure_ref(&self) -> crate::Result<&UpdateOutcome> {
        if self.success {
            Ok(self)
        } else {
            Err(crate::Error::Update {
                log: self.log_text.clone(),
            })
        }
    }
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
#[must_use = "the update may have ended with errors: check it with into_result()"]
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
    /// True when the log says the update finished without errors.
    pub fn is_success(&self) -> bool {
        self.finished && !self.has_errors
    }

    /// The log when it says the update finished without errors, else [`Error::Update`]
    /// with the log's text (a log of a run still going is not a success yet).
    ///
    /// [`Error::Update`]: crate::Error::Update
    pub fn into_result(self) -> crate::Result<UpdateLog> {
        if self.is_success() {
            Ok(self)
        } else {
            Err(crate::Error::Update { log: self.text })
        }
    }

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
    success: Option<bool>,
    #[serde(default)]
    log: Option<String>,
}

#[derive(Deserialize)]
struct LogWire {
    log: Option<Value>,
}

pub(crate) fn parse_data(resp: &HttpResponse) -> Result<UpdateData> {
    let expected = "update data JSON (isInitializing, projectDatas)";
    let value: Value = parse_json(expected, resp)?;
    if value.get("projectDatas").is_none() && value.get("isInitializing").is_none() {
        return Err(Error::invalid(
            &resp.path,
            expected,
            "neither key in the answer",
        ));
    }
    serde_json::from_value(value).map_err(|e| Error::invalid(&resp.path, expected, e.to_string()))
}

/// `{}` (nothing pending, or a system not initialized), or patches by extension. Other keys
/// (`isInitializing`, `initInfo` while an update runs) are not patches.
pub(crate) fn parse_patches(resp: &HttpResponse) -> Result<PendingPatches> {
    let expected = "pending patches JSON ({extension: [patch]})";
    let map: BTreeMap<String, Value> = parse_json(expected, resp)?;
    let mut out = BTreeMap::new();
    for (key, value) in map {
        match value {
            Value::Array(_) => {
                let patches: Vec<Patch> = serde_json::from_value(value)
                    .map_err(|e| Error::invalid(&resp.path, expected, e.to_string()))?;
                out.insert(key, patches);
            }
            // What HAC adds while an initialization or update runs.
            _ if key == "isInitializing" || key == "initInfo" => {}
            other => {
                return Err(Error::invalid(
                    &resp.path,
                    expected,
                    format!("\"{key}\" is {other}, not a list of patches"),
                ));
            }
        }
    }
    Ok(PendingPatches(out))
}

pub(crate) fn parse_outcome(resp: &HttpResponse) -> Result<UpdateOutcome> {
    let expected = "update JSON (success, log)";
    let w: ExecuteWire = parse_json(expected, resp)?;
    let Some(success) = w.success else {
        return Err(Error::invalid(
            &resp.path,
            expected,
            "no \"success\" in the answer",
        ));
    };
    let log_html = w.log.unwrap_or_default();
    Ok(UpdateOutcome {
        success,
        log_text: html::to_text(&log_html),
        log_html,
    })
}

pub(crate) fn parse_log(resp: &HttpResponse) -> Result<UpdateLog> {
    let expected = "update log JSON ({\"log\": html})";
    let w: LogWire = parse_json(expected, resp)?;
    match w.log {
        Some(Value::String(log)) => Ok(UpdateLog::from_html(log)),
        Some(Value::Null) => Ok(UpdateLog::from_html(String::new())),
        _ => Err(Error::invalid(
            &resp.path,
            expected,
            "no \"log\" text in the answer",
        )),
    }
}

/// `/initlog/log` needs no session (`security="none"`): it is read with whatever session
/// there is, so following a long update works even after the server ended the session.
pub(crate) fn log_call() -> Call {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let mut call = Call::get_json(LOG_PATH);
    call.query = Some(format!("_={millis}"));
    call.session = Session::Optional;
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
            .parameter("ext_p", ["a", "b"])
            .parameter_text("ext_t", "100")
            .project_data("ext")
            .patch("ext", "h1")
            .patch("ext", "h2")
            .body();
        assert_eq!(body["dropTables"], true);
        assert_eq!(body["clearHMC"], true);
        assert_eq!(body["createEssentialData"], false);
        assert_eq!(body["createProjectData"], true);
        assert_eq!(body["localizeTypes"], false);
        assert_eq!(body["initMethod"], "UPDATE");
        assert_eq!(body["allParameters"]["ext_p"], json!(["a", "b"]));
        assert_eq!(body["allParameters"]["ext_t"], "100");
        assert_eq!(body["allParameters"]["ext_sample"], "true");
        assert_eq!(body["patches"]["ext"], json!(["h1", "h2"]));
        assert!(
            body.get("parametersAsStringMap").is_none(),
            "derived by the server"
        );
        let unticked = UpdateRequest::new().update_running_system(false).body();
        assert_eq!(unticked["initMethod"], Value::Null);
        let none = UpdateRequest::new().init_method(InitMethod::None).body();
        assert_eq!(none["initMethod"], "NONE");
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
        let patches =
            parse_patches(&HttpResponse::ok(hac_fake::pages::PENDING_PATCHES.into())).unwrap();
        assert_eq!(patches.len(), 3);
        assert_eq!(
            patches.0["electronicsstore"][0]
                .process
                .as_ref()
                .map(PatchProcess::as_str),
            Some("ALL")
        );
        assert_eq!(
            patches.required(),
            BTreeMap::from([("electronicsstore".to_owned(), vec!["a1b2c3d4".to_owned()])])
        );
        let data = parse_data(&HttpResponse::ok(hac_fake::pages::UPDATE_DATA.into())).unwrap();
        assert_eq!(data.tenant_id.as_deref(), Some("master"));
        assert_eq!(data.master, Some(true));
        assert!(data.project_data[2].parameters[0].is_text());
        let body = UpdateRequest::from_current(&data, &patches).body();
        assert_eq!(
            body["allParameters"]["solrfacetsearch_sites"],
            json!(["electronics"])
        );
        assert_eq!(
            body["allParameters"]["electronicsstore_importSampleData"],
            json!(["no"])
        );
        assert_eq!(body["allParameters"]["acmeimport_batchSize"], "100");
        assert_eq!(
            body["patches"],
            json!({"core": ["ffee0011"], "electronicsstore": ["a1b2c3d4"]}),
            "every patch for updates, required or not; none only for INIT"
        );
        // While an update runs, the answer has other keys: not patches.
        let running = parse_patches(&HttpResponse::ok(
            r#"{"isInitializing":true,"initInfo":"x"}"#.into(),
        ))
        .unwrap();
        assert!(running.is_empty());
        assert!(
            parse_patches(&HttpResponse::ok("{}".into()))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn foreign_objects_are_not_results() {
        for body in ["{}", r#"{"status":"ok"}"#] {
            let r = HttpResponse::ok(body.into());
            assert!(parse_outcome(&r).is_err(), "{body}");
            assert!(parse_log(&r).is_err(), "{body}");
            assert!(parse_data(&r).is_err(), "{body}");
        }
        assert!(parse_patches(&HttpResponse::ok(r#"{"status":"ok"}"#.into())).is_err());
        assert_eq!(
            parse_log(&HttpResponse::ok(r#"{"log":""}"#.into()))
                .unwrap()
                .text,
            ""
        );
    }
}
