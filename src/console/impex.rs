//! ImpEx import and validation: the content form (`/console/impex/import`, `/validate`)
//! and, for scripts the form cannot carry, the file upload (`/console/impex/import/upload`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub use crate::console::impex_result::{ImpexLevel, ImpexLine, ImpexResult};
use crate::error::{Error, Result};
use crate::http::call::{Body, Call, FileContent, MAX_FORM_BYTES, Text, expect_ok, form_len};
use crate::http::transport::HttpResponse;
use crate::page::html;
use crate::page::xss_filter;

pub(crate) const IMPORT_PATH: &str = "/console/impex/import";
pub(crate) const VALIDATE_PATH: &str = "/console/impex/import/validate";
pub(crate) const UPLOAD_PATH: &str = "/console/impex/import/upload";

/// How strictly HAC checks an import (`validationEnum`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ValidationMode {
    /// `import_strict`: every check (HAC's default).
    #[default]
    Strict,
    /// `import_relaxed`: skips some checks (e.g. mandatory attributes).
    Relaxed,
}

impl ValidationMode {
    /// The value HAC expects: the lower-case code of its `ImpExValidationModeEnum`, as the
    /// browser sends it (an unknown value is a server error).
    pub fn as_str(self) -> &'static str {
        match self {
            ValidationMode::Strict => "import_strict",
            ValidationMode::Relaxed => "import_relaxed",
        }
    }
}

/// Whether an import goes through HAC's file upload instead of its content form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ImpexUpload {
    /// The form, unless the script cannot go through it: a form body over HAC's 6 MiB
    /// limit (HAC would see no parameters at all), or text that HAC's XSS filter would
    /// strip from a form parameter (see [`ImpexImport`]).
    #[default]
    Auto,
    /// Always the upload endpoint.
    Always,
    /// Always the form.
    Never,
}

#[derive(Debug, Clone)]
enum Source {
    Text(Arc<String>),
    File(PathBuf),
}

/// An ImpEx script and its import options.
///
/// Scripts go through HAC's content form (`scriptContent`) when they can, and through the
/// multipart upload (`/console/impex/import/upload`) when they must: when the form body
/// would pass the 6 MiB HAC's Tomcat accepts, or when the script contains text that HAC's
/// XSS filter strips from form parameters (`<script>`, `eval(...)`, ` src='...'`,
/// `javascript:`, `onload...=`): the filter does not touch an uploaded file. A script
/// from [`ImpexImport::from_file`] is streamed from disk, never read whole into memory.
///
/// ```
/// use hac_client::{ImpexImport, ValidationMode};
/// let import = ImpexImport::new("INSERT_UPDATE Language;isocode[unique=true]\n;de")
///     .validation_mode(ValidationMode::Relaxed)
///     .max_threads(4)
///     .enable_code_execution(true);
/// let big = ImpexImport::from_file("products.impex").distributed_mode(true);
/// # let _ = (import, big);
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is used"]
pub struct ImpexImport {
    source: Source,
    validation: ValidationMode,
    legacy_mode: bool,
    enable_code_execution: bool,
    distributed_mode: bool,
    direct_persistence: bool,
    max_threads: u32,
    encoding: String,
    timeout: Option<Duration>,
    upload: ImpexUpload,
}

impl ImpexImport {
    /// An import of `script` with HAC's defaults: strict, one thread, UTF-8, every switch
    /// off.
    pub fn new(script: impl Into<String>) -> Self {
        Self::with_source(Source::Text(Arc::new(script.into())))
    }

    /// An import of the script in the file at `path`, read when the call is made.
    pub fn from_file(path: impl Into<PathBuf>) -> Self {
        Self::with_source(Source::File(path.into()))
    }

    fn with_source(source: Source) -> Self {
        ImpexImport {
            source,
            validation: ValidationMode::Strict,
            legacy_mode: false,
            enable_code_execution: false,
            distributed_mode: false,
            direct_persistence: false,
            max_threads: 1,
            encoding: "UTF-8".into(),
            timeout: None,
            upload: ImpexUpload::Auto,
        }
    }
    /// Validation mode.
    pub fn validation_mode(mut self, mode: ValidationMode) -> Self {
        self.validation = mode;
        self
    }
    /// Legacy mode: import through the Jalo layer instead of the ServiceLayer.
    pub fn legacy_mode(mut self, on: bool) -> Self {
        self.legacy_mode = on;
        self
    }
    /// Allows BeanShell/Groovy code in the script.
    pub fn enable_code_execution(mut self, on: bool) -> Self {
        self.enable_code_execution = on;
        self
    }
    /// Distributed mode (the import runs as a distributed process).
    pub fn distributed_mode(mut self, on: bool) -> Self {
        self.distributed_mode = on;
        self
    }
    /// Direct persistence (HAC's `sldEnabled`): writes bypass the ServiceLayer model.
    pub fn direct_persistence(mut self, on: bool) -> Self {
        self.direct_persistence = on;
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
    /// Form or upload ([`ImpexUpload::Auto`] by default).
    pub fn upload(mut self, upload: ImpexUpload) -> Self {
        self.upload = upload;
        self
    }

    /// The form fields besides the script, as the browser sends them (Spring's checkbox
    /// convention: `_name=on` says the box exists, `name=true` that it is ticked).
    fn option_fields(&self) -> Vec<(&'static str, Text)> {
        let mut fields: Vec<(&'static str, Text)> = vec![
            ("validationEnum", self.validation.as_str().into()),
            ("encoding", self.encoding.as_str().into()),
            ("maxThreads", self.max_threads.to_string().into()),
        ];
        for (name, marker, on) in [
            ("legacyMode", "_legacyMode", self.legacy_mode),
            (
                "enableCodeExecution",
                "_enableCodeExecution",
                self.enable_code_execution,
            ),
            ("distributedMode", "_distributedMode", self.distributed_mode),
            ("sldEnabled", "_sldEnabled", self.direct_persistence),
        ] {
            if on {
                fields.push((name, "true".into()));
            }
            fields.push((marker, "on".into()));
        }
        fields
    }

    /// The script as text in memory: the caller's, or a file small enough for the form.
    /// `None` for a file that only the upload can carry.
    fn text(&self, form_limit: u64) -> Result<Option<Arc<String>>> {
        match &self.source {
            Source::Text(t) => Ok(Some(t.clone())),
            Source::File(path) => {
                // Every byte encodes to at least one: larger files cannot fit the form.
                if file_len(path)? > form_limit {
                    return Ok(None);
                }
                let text = std::fs::read_to_string(path).map_err(|e| file_error(path, e))?;
                Ok(Some(Arc::new(text)))
            }
        }
    }

    fn file_name(&self) -> String {
        match &self.source {
            Source::Text(_) => "script.impex".into(),
            Source::File(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "script.impex".into()),
        }
    }

    /// The call for an import (`validate: false`) or a validation.
    pub(crate) fn call(&self, validate: bool) -> Result<Call> {
        let path = if validate { VALIDATE_PATH } else { IMPORT_PATH };
        let options = self.option_fields();
        let text = if validate || self.upload != ImpexUpload::Always {
            self.text(MAX_FORM_BYTES)?
        } else {
            None
        };
        let form = text.map(|t| {
            let mut fields = vec![("scriptContent", Text::from(&t))];
            fields.extend(options.iter().cloned());
            (t, fields)
        });
        let upload = !validate
            && match (&form, self.upload) {
                (_, ImpexUpload::Always) | (None, _) => true,
                (Some(_), ImpexUpload::Never) => false,
                (Some((text, fields)), ImpexUpload::Auto) => {
                    form_len(fields) > MAX_FORM_BYTES || self.filter_would_strip(text, false)
                }
            };
        let mut call = if upload {
            let content = match (&self.source, form) {
                (_, Some((text, _))) => FileContent::Text(text),
                (Source::File(p), None) => FileContent::File {
                    path: p.clone(),
                    len: file_len(p)?,
                },
                (Source::Text(t), None) => FileContent::Text(t.clone()),
            };
            let mut call = Call::post_form(UPLOAD_PATH, Vec::new(), false);
            call.body = Body::Multipart {
                fields: options,
                file_field: "file",
                file_name: self.file_name(),
                content,
            };
            call
        } else {
            let Some((text, fields)) = form else {
                // Only validation gets here without the text: a file too large for the form,
                // and HAC's validation has no upload endpoint.
                let bytes = match &self.source {
                    Source::File(p) => file_len(p)?,
                    Source::Text(t) => t.len() as u64,
                };
                return Err(Error::FormTooLarge {
                    path: path.into(),
                    bytes,
                    limit: MAX_FORM_BYTES,
                });
            };
            let bytes = form_len(&fields);
            if bytes > MAX_FORM_BYTES {
                // Only validation, or an import forced through the form, gets here.
                return Err(Error::FormTooLarge {
                    path: path.into(),
                    bytes,
                    limit: MAX_FORM_BYTES,
                });
            }
            self.filter_would_strip(&text, true);
            Call::post_form(path, fields, false)
        };
        call.long = !validate;
        call.timeout = self.timeout;
        // HAC echoes the script in the page: not needed, and as large as the script.
        call.drop_textareas = true;
        Ok(call)
    }

    /// Whether HAC's XSS filter would change the script as a form parameter; with `warn`,
    /// says so in the log (the form is going to be used anyway).
    fn filter_would_strip(&self, text: &str, warn: bool) -> bool {
        let Some(m) = xss_filter::first_match(text) else {
            return false;
        };
        if warn {
            log::warn!(
                "line {} of the ImpEx script matches HAC's XSS filter rule \"{}\": HAC removes such text from form parameters, so the script it runs differs{}",
                m.line,
                m.rule,
                if self.upload == ImpexUpload::Never {
                    " (the upload endpoint would keep it)"
                } else {
                    " (validation has no upload endpoint)"
                }
            );
        } else {
            log::info!(
                "line {} of the ImpEx script matches HAC's XSS filter rule \"{}\"; sending it as a file upload, which the filter does not alter",
                m.line,
                m.rule
            );
        }
        true
    }
}

fn file_len(path: &Path) -> Result<u64> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| file_error(path, e))
}

fn file_error(path: &Path, e: std::io::Error) -> Error {
    Error::File {
        path: path.to_owned(),
        message: e.to_string(),
        source: Some(Box::new(e)),
    }
}

/// Reads the page an import (`validation: false`) or validation answered with.
pub(crate) fn parse(resp: &HttpResponse, validation: bool) -> Result<ImpexResult> {
    expect_ok(resp)?;
    let marker_id = if validation {
        "validationResultMsg"
    } else {
        "impexResult"
    };
    let page = html::impex_page(&resp.body, marker_id);
    let (level, summary) = result_marker(resp, &page, marker_id)?;
    Ok(ImpexResult::new(level, summary.trim(), &page.details))
}

/// The result marker of an ImpEx page (import, validation or export): its level and text;
/// the form's errors as [`Error::FormRejected`] when HAC rejected the form instead.
pub(crate) fn result_marker<'p>(
    resp: &HttpResponse,
    page: &'p html::ImpexPage,
    marker_id: &str,
) -> Result<(&'p str, &'p str)> {
    match &page.marker {
        Some((level, summary)) => Ok((level, summary)),
        // HAC shows the form's errors instead of any result when it rejects the form.
        None if !page.form_errors.is_empty() => Err(Error::FormRejected {
            path: resp.path.clone(),
            messages: page.form_errors.clone(),
        }),
        None => Err(Error::invalid(
            &resp.path,
            &format!("ImpEx page with <span id=\"{marker_id}\">"),
            "no result marker and no form errors in the page",
        )),
    }
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

impl From<&String> for ImpexImport {
    fn from(script: &String) -> Self {
        ImpexImport::new(script.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(call: &Call) -> Vec<(String, String)> {
        match &call.body {
            Body::Form(f) | Body::Multipart { fields: f, .. } => f
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            _ => panic!("no fields"),
        }
    }

    #[test]
    fn every_option_as_the_browser_sends_it() {
        let call = ImpexImport::new("INSERT Language;isocode\n;de")
            .validation_mode(ValidationMode::Relaxed)
            .legacy_mode(true)
            .distributed_mode(true)
            .direct_persistence(true)
            .max_threads(3)
            .call(false)
            .unwrap();
        assert_eq!(call.path, IMPORT_PATH);
        let f = fields(&call);
        let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("validationEnum"), Some("import_relaxed"));
        assert_eq!(get("maxThreads"), Some("3"));
        assert_eq!(get("legacyMode"), Some("true"));
        assert_eq!(get("enableCodeExecution"), None);
        assert_eq!(get("_enableCodeExecution"), Some("on"));
        assert_eq!(get("distributedMode"), Some("true"));
        assert_eq!(get("sldEnabled"), Some("true"));
    }

    #[test]
    fn big_or_filtered_scripts_go_through_the_upload() {
        let xss = ImpexImport::new("INSERT Language;isocode\n# eval(x)\n;de");
        assert_eq!(xss.call(false).unwrap().path, UPLOAD_PATH);
        assert_eq!(
            xss.clone()
                .upload(ImpexUpload::Never)
                .call(false)
                .unwrap()
                .path,
            IMPORT_PATH
        );
        assert_eq!(
            xss.call(true).unwrap().path,
            VALIDATE_PATH,
            "no upload to validate"
        );
        // Worst case: every byte percent-encoded, 3x.
        let big = ImpexImport::new("ü".repeat(1_100_000));
        let call = big.call(false).unwrap();
        assert_eq!(call.path, UPLOAD_PATH);
        assert!(matches!(call.body, Body::Multipart { .. }));
        let e = big.call(true).unwrap_err();
        assert!(matches!(e, Error::FormTooLarge { .. }), "{e:?}");
        let small = ImpexImport::new("INSERT Language;isocode\n;de").upload(ImpexUpload::Always);
        assert_eq!(small.call(false).unwrap().path, UPLOAD_PATH);
        let missing = ImpexImport::from_file("/nonexistent/x.impex")
            .call(false)
            .unwrap_err();
        assert!(matches!(missing, Error::File { .. }), "{missing:?}");
    }
}
