//! ImpEx import and validation.

use std::time::Duration;

use crate::call::{Call, expect_ok};
use crate::error::{Error, Result};
use crate::html;
use crate::transport::HttpResponse;

pub(crate) const IMPORT_PATH: &str = "/console/impex/import";
pub(crate) const VALIDATE_PATH: &str = "/console/impex/import/validate";

/// How strictly HAC checks an import (`validationEnum`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ValidationMode {
    /// `IMPORT_STRICT`: every check (HAC's default).
    #[default]
    Strict,
    /// `IMPORT_RELAXED`: skips some checks (e.g. mandatory attributes).
    Relaxed,
}

impl ValidationMode {
    /// The value HAC expects.
    pub fn as_str(self) -> &'static str {
        match self {
            ValidationMode::Strict => "IMPORT_STRICT",
            ValidationMode::Relaxed => "IMPORT_RELAXED",
        }
    }
}

/// An ImpEx script and its import options.
///
/// ```
/// use hac_client::{ImpexImport, ValidationMode};
/// let import = ImpexImport::new("INSERT_UPDATE Language;isocode[unique=true]\n;de")
///     .validation(ValidationMode::Relaxed)
///     .max_threads(4)
///     .enable_code_execution(true);
/// # let _ = import;
/// ```
#[derive(Debug, Clone)]
pub struct ImpexImport {
    script: String,
    validation: ValidationMode,
    legacy_mode: bool,
    enable_code_execution: bool,
    max_threads: u32,
    encoding: String,
    timeout: Option<Duration>,
}

impl ImpexImport {
    /// An import of `script` with HAC's defaults: strict, one thread, no legacy mode, no
    /// code execution, UTF-8.
    pub fn new(script: impl Into<String>) -> Self {
        ImpexImport {
            script: script.into(),
            validation: ValidationMode::Strict,
            legacy_mode: false,
            enable_code_execution: false,
            max_threads: 1,
            encoding: "UTF-8".into(),
            timeout: None,
        }
    }
    /// Validation mode.
    pub fn validation(mut self, mode: ValidationMode) -> Self {
        self.validation = mode;
        self
    }
    /// Legacy (ServiceLayer-less) import mode.
    pub fn legacy_mode(mut self, on: bool) -> Self {
        self.legacy_mode = on;
        self
    }
    /// Allows BeanShell/Groovy code in the script.
    pub fn enable_code_execution(mut self, on: bool) -> Self {
        self.enable_code_execution = on;
        self
    }
    /// Worker threads (at least 1).
    pub fn max_threads(mut self, n: u32) -> Self {
        self.max_threads = n.max(1);
        self
    }
    /// Script encoding (`UTF-8` by default).
    pub fn encoding(mut self, encoding: impl Into<String>) -> Self {
        self.encoding = encoding.into();
        self
    }
    /// Timeout of this import, instead of the client's long timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    pub(crate) fn call(&self, validate: bool) -> Call {
        let mut fields = vec![
            ("scriptContent", self.script.clone()),
            ("validationEnum", self.validation.as_str().into()),
            ("encoding", self.encoding.clone()),
            ("maxThreads", self.max_threads.to_string()),
            // Spring's checkbox convention: `_name=on` says the box exists, `name=true`
            // that it is ticked.
            ("_legacyMode", "on".into()),
            ("_enableCodeExecution", "on".into()),
        ];
        if self.legacy_mode {
            fields.push(("legacyMode", "true".into()));
        }
        if self.enable_code_execution {
            fields.push(("enableCodeExecution", "true".into()));
        }
        let path = if validate { VALIDATE_PATH } else { IMPORT_PATH };
        let mut call = Call::post_form(path, fields, false);
        call.long = !validate;
        call.timeout = self.timeout;
        call
    }
}

/// What HAC said about an import or validation.
///
/// ```
/// # use hac_client::ImpexResult;
/// fn report(r: &ImpexResult) -> Result<(), String> {
///     if r.success {
///         Ok(())
///     } else {
///         Err(format!("{}\n{}", r.summary, r.details.join("\n")))
///     }
/// }
/// # let _ = report;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct ImpexResult {
    /// `data-level` was `success`.
    pub success: bool,
    /// `data-level` as sent (`success`, `error`, ...).
    pub level: String,
    /// `data-result`, e.g. `Import finished successfully`.
    pub summary: String,
    /// The non-empty lines of the error details (entities decoded).
    pub details: Vec<String>,
}

pub(crate) fn parse(resp: &HttpResponse) -> Result<ImpexResult> {
    expect_ok(resp)?;
    let markers = html::impex_markers(&resp.body).ok_or_else(|| {
        Error::invalid(
            &resp.path,
            "ImpEx result page with <span id=\"impexResult\">",
            "no result marker in the page",
        )
    })?;
    let level = markers.level.trim().to_ascii_lowercase();
    Ok(ImpexResult {
        success: level == "success",
        level,
        summary: markers.summary.trim().to_owned(),
        details: markers
            .details
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

impl From<&str> for ImpexImport {
    fn from(script: &str) -> Self {
        ImpexImport::new(script)
    }
}

impl From<String> for ImpexImport {
    fn from(script: String) -> Self {
        ImpexImport::new(script)
    }
}
