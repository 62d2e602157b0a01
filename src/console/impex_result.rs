//! What HAC answers to an ImpEx import or validation, read into types: the level of its
//! result marker, its summary, and the lines of its result box, each split into the script
//! line it is about, the message and the raw text.

use serde::Serialize;

use crate::error::{Error, Result};

/// The `data-level` of HAC's result marker.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImpexLevel {
    /// `notice`: the import finished, or the script is valid.
    Notice,
    /// `error`: the import had problems, or the script is invalid.
    Error,
    /// Any other level, as sent (lower case).
    Other(String),
}

impl ImpexLevel {
    /// From the attribute's text, case-insensitively.
    pub fn parse(level: &str) -> ImpexLevel {
        let level = level.trim().to_ascii_lowercase();
        match level.as_str() {
            "notice" => ImpexLevel::Notice,
            "error" => ImpexLevel::Error,
            _ => ImpexLevel::Other(level),
        }
    }

    /// As HAC writes it: `notice`, `error`, ...
    pub fn as_str(&self) -> &str {
        match self {
            ImpexLevel::Notice => "notice",
            ImpexLevel::Error => "error",
            ImpexLevel::Other(s) => s,
        }
    }
}

/// Compares with the level's text: `result.level == "notice"`.
impl PartialEq<str> for ImpexLevel {
    fn eq(&self, other: &str) -> bool {
        self.as_str().eq_ignore_ascii_case(other)
    }
}

impl PartialEq<&str> for ImpexLevel {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

impl std::fmt::Display for ImpexLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ImpexLevel {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One line of HAC's result box: after a failed import an unresolved line (HAC puts the
/// problem in front of the script's values: `,,,,line 3 at main script: cannot resolve
/// value 'x' for attribute 'catalogVersion';p1;x`) or the header it belongs to, after a
/// successful one a line of the job log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ImpexLine {
    /// The script line the message is about, when HAC names one (`line 3 at ...`).
    pub line: Option<u32>,
    /// The message: the problem of an unresolved line, else the text itself.
    pub message: String,
    /// The line as HAC sent it (entities decoded, trimmed).
    pub raw: String,
}

impl ImpexLine {
    /// Splits one line of the result box.
    ///
    /// ```
    /// use hac_client::ImpexLine;
    /// let l = ImpexLine::parse(",,,,line 3 at main script: cannot resolve value 'x';p1;x");
    /// assert_eq!(l.line, Some(3));
    /// assert_eq!(l.message, "line 3 at main script: cannot resolve value 'x'");
    /// ```
    pub fn parse(raw: &str) -> ImpexLine {
        let raw = raw.trim();
        // An unresolved line: empty leading fields, the message, then the script's values.
        let message = match raw.strip_prefix(',') {
            Some(rest) => {
                let rest = rest.trim_start_matches(',');
                rest.split(';').next().unwrap_or(rest).trim()
            }
            None => raw,
        };
        let message = if message.is_empty() { raw } else { message };
        ImpexLine {
            line: line_number(message),
            message: message.to_owned(),
            raw: raw.to_owned(),
        }
    }
}

/// The number in `line N at ...`, as ImpEx names the script line of a problem.
fn line_number(text: &str) -> Option<u32> {
    let mut rest = text;
    while let Some(at) = rest.find("line ") {
        let after = &rest[at + 5..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 && after[digits..].starts_with(" at ") {
            return after[..digits].parse().ok();
        }
        rest = after;
    }
    None
}

/// What HAC said about an import or validation. HAC answers a failed import like a
/// successful one (200, a page); [`ImpexResult::into_result`] makes a failure an error:
///
/// ```no_run
/// # fn demo(hac: &hac_client::HacClient) -> hac_client::Result<()> {
/// let done = hac.import_impex("INSERT_UPDATE Language;isocode[unique=true]\n;de")?.into_result()?;
/// println!("{}", done.summary);
/// # Ok(()) }
/// ```
///
/// or inspect it:
///
/// ```
/// # use hac_client::ImpexResult;
/// fn report(r: &ImpexResult) {
///     for l in &r.lines {
///         eprintln!("script line {:?}: {}", l.line, l.message);
///     }
/// }
/// # let _ = report;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[must_use = "the import may have failed on the server: check it with into_result()"]
#[non_exhaustive]
pub struct ImpexResult {
    /// The level was `notice`.
    pub(crate) success: bool,
    /// The result marker's `data-level`.
    pub level: ImpexLevel,
    /// `data-result`, e.g. `Import finished successfully`, `Import script is valid`.
    pub summary: String,
    /// The non-empty lines of the result box (the unresolved lines after a failed import,
    /// the job log after a successful one).
    pub lines: Vec<ImpexLine>,
}

impl ImpexResult {
    /// True when the import or validation found no problem (HAC's `success`).
    pub fn is_success(&self) -> bool {
        self.success
    }

    /// A result from the marker's level and summary and the text of the result box.
    pub fn new(level: &str, summary: &str, details: &str) -> ImpexResult {
        let level = ImpexLevel::parse(level);
        ImpexResult {
            success: level == ImpexLevel::Notice,
            level,
            summary: summary.trim().to_owned(),
            lines: details
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(ImpexLine::parse)
                .collect(),
        }
    }

    /// Reads HAC's ImpEx import page (the answer of `/console/impex/import`, or of
    /// `/console/impex/import/validate` with `validation`), e.g. one saved earlier:
    /// its result marker and the lines of its result box. A page without a marker is
    /// [`Error::FormRejected`] (with HAC's form errors) or [`Error::InvalidResponse`].
    pub fn from_html(page: impl Into<String>, validation: bool) -> Result<ImpexResult> {
        crate::console::impex::parse(
            &crate::http::transport::HttpResponse::ok(page.into()),
            validation,
        )
    }

    /// The result when the import worked (or the script is valid), else
    /// [`Error::Import`] with the summary and the lines.
    pub fn into_result(self) -> Result<ImpexResult> {
        if self.success {
            Ok(self)
        } else {
            Err(self.failure())
        }
    }

    /// As [`ImpexResult::into_result`], keeping the result.
    pub fn error_for_failure_ref(&self) -> Result<&ImpexResult> {
        if self.success {
            Ok(self)
        } else {
            Err(self.clone().failure())
        }
    }

    fn failure(self) -> Error {
        Error::Import {
            summary: self.summary,
            lines: self.lines,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_split() {
        let r = ImpexResult::new(
            "ERROR",
            " Import has encountered problems. ",
            "INSERT_UPDATE Product;code[unique=true];catalogVersion\n\n\
             ,,,,line 3 at main script: cannot resolve value 'unknownCatalog' for attribute 'catalogVersion';p1;unknownCatalog\n\
             ,,,,line 12 at main script: no current header for value line;x\n",
        );
        assert!(!r.success);
        assert_eq!(r.level, ImpexLevel::Error);
        assert_eq!(r.lines.len(), 3);
        assert_eq!(r.lines[0].line, None);
        assert_eq!(r.lines[0].message, r.lines[0].raw);
        assert_eq!(r.lines[1].line, Some(3));
        assert_eq!(
            r.lines[1].message,
            "line 3 at main script: cannot resolve value 'unknownCatalog' for attribute 'catalogVersion'"
        );
        assert!(r.lines[1].raw.ends_with(";p1;unknownCatalog"));
        assert_eq!(r.lines[2].line, Some(12));
        let e = r.clone().into_result().unwrap_err();
        assert_eq!(
            e.to_string(),
            "Import has encountered problems: line 3 at main script: cannot resolve value \
             'unknownCatalog' for attribute 'catalogVersion' (and 1 more)"
        );
        assert!(matches!(
            r.error_for_failure_ref(),
            Err(Error::Import { .. })
        ));
    }

    #[test]
    fn levels() {
        assert_eq!(ImpexLevel::parse("notice"), ImpexLevel::Notice);
        assert_eq!(ImpexLevel::parse("warn").as_str(), "warn");
        let ok = ImpexResult::new("notice", "Import finished successfully", "");
        assert!(ok.clone().into_result().is_ok());
        assert_eq!(
            serde_json::to_value(&ok).unwrap()["level"],
            serde_json::json!("notice")
        );
        assert_eq!(line_number("see line 7 at main script"), Some(7));
        assert_eq!(line_number("line seven at"), None);
        assert_eq!(line_number("the line 4"), None);
    }
}
