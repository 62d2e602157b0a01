//! ImpEx export (`/console/impex/export`): HAC answers with its page, whose result marker
//! links the export's zip, a media URL on the server's origin (not under the context path).

use std::io::{Cursor, Read};
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::http::call::{Call, Text, expect_ok};
use crate::http::transport::HttpResponse;

pub(crate) const PATH: &str = "/console/impex/export";

/// How an export is validated: HAC's `validationEnum` for exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ImpexExportMode {
    /// `export_only`: export without checking re-import (HAC's default).
    #[default]
    ExportOnly,
    /// `export_reimport_relaxed`
    ReimportRelaxed,
    /// `export_reimport_strict`
    ReimportStrict,
}

impl ImpexExportMode {
    fn code(self) -> &'static str {
        match self {
            ImpexExportMode::ExportOnly => "export_only",
            ImpexExportMode::ReimportRelaxed => "export_reimport_relaxed",
            ImpexExportMode::ReimportStrict => "export_reimport_strict",
        }
    }
}

/// An ImpEx export to run: the export script and its options.
///
/// ```
/// use hac_client::{ImpexExport, ImpexExportMode};
/// let export = ImpexExport::new("INSERT_UPDATE Language;isocode[unique=true]")
///     .mode(ImpexExportMode::ReimportStrict)
///     .timeout(std::time::Duration::from_secs(600));
/// # let _ = export;
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is used"]
pub struct ImpexExport {
    script: String,
    mode: ImpexExportMode,
    timeout: Option<std::time::Duration>,
}

impl ImpexExport {
    /// An export of `script` (ImpEx headers and `#%` BeanShell that selects the items), with
    /// HAC's defaults.
    pub fn new(script: impl Into<String>) -> Self {
        ImpexExport {
            script: script.into(),
            mode: ImpexExportMode::default(),
            timeout: None,
        }
    }

    /// How the export is validated ([`ImpexExportMode::ExportOnly`] by default).
    pub fn mode(mut self, mode: ImpexExportMode) -> Self {
        self.mode = mode;
        self
    }

    /// Timeout of this export, instead of the client's long timeout.
    pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The script.
    pub fn script(&self) -> &str {
        &self.script
    }

    /// The form HAC's export page posts.
    pub(crate) fn call(&self) -> Call {
        let mut call = Call::post_form(
            PATH,
            vec![
                ("scriptContent", Text::from(self.script.as_str())),
                ("encoding", "UTF-8".into()),
                ("validationEnum", self.mode.code().into()),
            ],
            false,
        );
        call.long = true;
        call.drop_textareas = true;
        call.timeout = self.timeout;
        call
    }
}

impl From<&str> for ImpexExport {
    fn from(script: &str) -> Self {
        ImpexExport::new(script)
    }
}

impl From<String> for ImpexExport {
    fn from(script: String) -> Self {
        ImpexExport::new(script)
    }
}

impl From<&String> for ImpexExport {
    fn from(script: &String) -> Self {
        ImpexExport::new(script.as_str())
    }
}

/// What an export produced. HAC answers a failed export with 200 and an error marker:
/// [`ImpexExportResult::into_result`] makes that an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[must_use = "the export may have failed: check it with into_result()"]
#[non_exhaustive]
pub struct ImpexExportResult {
    /// The marker's level was `notice`.
    pub(crate) success: bool,
    /// HAC's summary (`Export finished successfully`, ...).
    pub summary: String,
    /// Where the data zip is (a path on the server's origin, e.g. `/medias/...`).
    pub data_url: Option<String>,
    /// The data zip's file name.
    pub data_name: Option<String>,
    /// Where the media zip is, when there is one.
    pub media_url: Option<String>,
}

impl ImpexExportResult {
    /// True when the export worked (HAC's `success`).
    pub fn is_success(&self) -> bool {
        self.success
    }

    /// The export when HAC reported success, else [`Error::Export`] with HAC's summary.
    pub fn into_result(self) -> Result<ImpexExportResult> {
        self.error_for_failure_ref()?;
        Ok(self)
    }

    /// As [`ImpexExportResult::into_result`], keeping the export.
    pub fn error_for_failure_ref(&self) -> Result<&ImpexExportResult> {
        if self.success {
            Ok(self)
        } else {
            Err(Error::Export {
                summary: self.summary.clone(),
            })
        }
    }
}

/// Reads the export page: the marker, then the links of `#downloadExportResultData`.
pub(crate) fn parse(resp: &HttpResponse) -> Result<ImpexExportResult> {
    expect_ok(resp)?;
    let page = crate::page::html::impex_page(&resp.body, "impexResult");
    let (level, summary) = crate::console::impex::result_marker(resp, &page, "impexResult")?;
    let links: Vec<(String, String)> =
        crate::page::html::elements(&resp.body, |name, _| name == "a")
            .into_iter()
            .filter_map(|a| Some((a.attr("href")?.to_owned(), a.text)))
            .filter(|(href, _)| !href.is_empty() && href.contains("/medias"))
            .collect();
    Ok(ImpexExportResult {
        success: level.trim().eq_ignore_ascii_case("notice"),
        summary: summary.trim().to_owned(),
        data_url: links.first().map(|(h, _)| h.clone()),
        data_name: links
            .first()
            .map(|(_, n)| n.clone())
            .filter(|n| !n.is_empty()),
        media_url: links.get(1).map(|(h, _)| h.clone()),
    })
}

/// Bounds on what a zip from the server may unpack to. A zip of a few hundred kilobytes
/// can hold gigabytes (a "zip bomb"); the sizes its headers state are not trusted: bytes are
/// counted as they are written, and unpacking stops at the first limit reached.
///
/// ```
/// use hac_client::ZipLimits;
/// let limits = ZipLimits::default().max_total_bytes(4 << 30).max_entry_bytes(1 << 30);
/// assert_eq!(limits.total(), 4 << 30);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipLimits {
    total: u64,
    entry: u64,
    ratio: u64,
    entries: usize,
}

impl Default for ZipLimits {
    /// 1 GiB in all, 512 MiB per file, 10,000 files, and no file above 1 MiB that unpacks
    /// to more than 200 times its compressed size (exports of repetitive CSV compress about
    /// 20 to 50 times; a bomb, thousands of times).
    fn default() -> ZipLimits {
        ZipLimits {
            total: 1 << 30,
            entry: 512 << 20,
            ratio: 200,
            entries: 10_000,
        }
    }
}

impl ZipLimits {
    /// The most bytes all files together may unpack to.
    #[must_use]
    pub fn max_total_bytes(mut self, bytes: u64) -> ZipLimits {
        self.total = bytes;
        self
    }

    /// The most bytes one file may unpack to.
    #[must_use]
    pub fn max_entry_bytes(mut self, bytes: u64) -> ZipLimits {
        self.entry = bytes;
        self
    }

    /// The largest ratio of unpacked to compressed size for a file above 1 MiB.
    #[must_use]
    pub fn max_ratio(mut self, ratio: u64) -> ZipLimits {
        self.ratio = ratio.max(1);
        self
    }

    /// The most files a zip may hold.
    #[must_use]
    pub fn max_entries(mut self, entries: usize) -> ZipLimits {
        self.entries = entries;
        self
    }

    /// The limit on all files together.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The limit on one file.
    pub fn entry(&self) -> u64 {
        self.entry
    }
}

/// Below this size a file's ratio is not checked: small files of repeated bytes compress
/// thousands of times and are harmless.
const RATIO_FLOOR: u64 = 1 << 20;

/// Copies one entry to `out`, counting, and stops at a limit: returns the bytes written.
fn copy_bounded(
    entry: &mut impl Read,
    out: &mut impl std::io::Write,
    compressed: u64,
    room: u64,
    limits: &ZipLimits,
    name: &str,
) -> std::result::Result<u64, CopyError> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut written: u64 = 0;
    loop {
        let n = entry.read(&mut buf).map_err(CopyError::Read)?;
        if n == 0 {
            return Ok(written);
        }
        written += n as u64;
        if written > limits.entry {
            return Err(CopyError::Limit(format!(
                "{name} unpacks to more than {} bytes, the limit per file",
                limits.entry
            )));
        }
        if written > room {
            return Err(CopyError::Limit(format!(
                "the zip unpacks to more than {} bytes, the limit in all",
                limits.total
            )));
        }
        if written > RATIO_FLOOR && written > compressed.saturating_mul(limits.ratio) {
            return Err(CopyError::Limit(format!(
                "{name} unpacks to more than {} times its compressed size of {compressed} bytes",
                limits.ratio
            )));
        }
        out.write_all(&buf[..n]).map_err(CopyError::Write)?;
    }
}

enum CopyError {
    Read(std::io::Error),
    Write(std::io::Error),
    Limit(String),
}

/// A file name from the server made safe to create and to print: each character that is
/// a control character, a bidirectional-text control or reserved in file names on Windows
/// becomes `_`.
fn safe_component(name: &std::ffi::OsStr) -> std::ffi::OsString {
    let text = name.to_string_lossy();
    let safe: String = text
        .chars()
        .map(|c| {
            if c.is_control()
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
                || matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*' | '\\')
            {
                '_'
            } else {
                c
            }
        })
        .collect();
    safe.into()
}

/// Refuses a symbolic link at any directory of `name` below `dir` that exists already: the
/// entry would be written wherever the link points.
fn refuse_links_on_the_way(dir: &Path, name: &Path) -> Result<()> {
    let mut at = dir.to_path_buf();
    let parts: Vec<_> = name.components().collect();
    for part in parts.iter().take(parts.len().saturating_sub(1)) {
        at.push(part.as_os_str());
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(Error::File {
                    path: at,
                    message: "is a symbolic link: an export is never written through one".into(),
                    source: None,
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// Unpacks a zip into `dir` (created if missing) within the default [`ZipLimits`]; returns
/// the files written. Entries that would land outside `dir` (`../`, absolute paths) are
/// refused, and names are made safe (see [`unpack_zip_within`](crate::unpack_zip_within)).
///
/// # Errors
///
/// Those of [`unpack_zip_within`](crate::unpack_zip_within).
pub fn unpack(zip: &[u8], dir: &Path) -> Result<Vec<PathBuf>> {
    unpack_within(zip, dir, &ZipLimits::default())
}

/// Unpacks a zip into `dir` (created if missing) within `limits`, streaming each file to
/// disk; returns the files written. The names are checked before anything is written:
/// entries that would land outside `dir`, or in a hidden file or directory (`.git/config`,
/// `.ssh/...`: a server could plant configuration that runs commands), are refused with
/// [`Error::InvalidResponse`]; a file that exists already, or a symbolic link on the way
/// to one, is never replaced or followed ([`Error::File`]). A character of a name that is a
/// control character, a bidirectional-text control or reserved on Windows becomes `_`. At a
/// limit, unpacking stops with [`Error::ArchiveTooLarge`] naming it, and the file being
/// written is removed.
///
/// # Errors
///
/// [`Error::InvalidResponse`] for data that is no zip or a name refused as above,
/// [`Error::File`] for a file that exists or cannot be written, [`Error::ArchiveTooLarge`]
/// at a limit.
pub fn unpack_within(zip: &[u8], dir: &Path, limits: &ZipLimits) -> Result<Vec<PathBuf>> {
    let file_error = |e: std::io::Error| Error::File {
        path: dir.to_owned(),
        message: e.to_string(),
        source: Some(Box::new(e)),
    };
    let mut archive =
        zip::ZipArchive::new(Cursor::new(zip)).map_err(|e| Error::InvalidResponse {
            path: "(export zip)".into(),
            expected: "a zip file".into(),
            detail: e.to_string(),
        })?;
    if archive.len() > limits.entries {
        return Err(Error::ArchiveTooLarge {
            reason: format!(
                "the zip holds {} files, more than the limit of {}",
                archive.len(),
                limits.entries
            ),
        });
    }
    // Every name first: nothing is written from a zip with one bad entry.
    let mut names = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| Error::InvalidResponse {
            path: "(export zip)".into(),
            expected: "a readable zip entry".into(),
            detail: e.to_string(),
        })?;
        // `enclosed_name` is `None` for a name that would leave the directory.
        let name: PathBuf = entry
            .enclosed_name()
            .filter(|n| n.components().all(|c| matches!(c, Component::Normal(_))))
            .ok_or_else(|| Error::InvalidResponse {
                path: "(export zip)".into(),
                expected: "entries inside the target directory".into(),
                detail: format!("entry {i} points outside"),
            })?
            .components()
            .map(|c| safe_component(c.as_os_str()))
            .collect();
        if name
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        {
            return Err(Error::InvalidResponse {
                path: "(export zip)".into(),
                expected: "entries without hidden names".into(),
                detail: format!(
                    "entry {i} ({}) is or is inside a hidden file or directory",
                    name.display()
                ),
            });
        }
        names.push(name);
    }
    std::fs::create_dir_all(dir).map_err(file_error)?;
    let mut written = Vec::new();
    let mut total: u64 = 0;
    for (i, name) in names.into_iter().enumerate() {
        let mut entry = archive.by_index(i).map_err(|e| Error::InvalidResponse {
            path: "(export zip)".into(),
            expected: "a readable zip entry".into(),
            detail: e.to_string(),
        })?;
        let target = dir.join(&name);
        refuse_links_on_the_way(dir, &name)?;
        if entry.is_dir() {
            std::fs::create_dir_all(&target).map_err(file_error)?;
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(file_error)?;
        }
        // Never over an existing file (`create_new` also refuses a link in its place).
        let mut out = std::fs::File::options()
            .write(true)
            .create_new(true)
            .open(&target)
            .map_err(|e| Error::File {
                path: target.clone(),
                message: if e.kind() == std::io::ErrorKind::AlreadyExists {
                    "exists already: an export never replaces a file (unpack into a new or empty directory)".into()
                } else {
                    e.to_string()
                },
                source: Some(Box::new(e)),
            })?;
        let compressed = entry.compressed_size();
        let shown = name.display().to_string();
        match copy_bounded(
            &mut entry,
            &mut out,
            compressed,
            limits.total - total,
            limits,
            &shown,
        ) {
            Ok(n) => total += n,
            Err(e) => {
                drop(out);
                let _ = std::fs::remove_file(&target);
                return Err(match e {
                    CopyError::Limit(reason) => Error::ArchiveTooLarge { reason },
                    CopyError::Write(e) => file_error(e),
                    CopyError::Read(e) => Error::InvalidResponse {
                        path: "(export zip)".into(),
                        expected: "a readable zip entry".into(),
                        detail: e.to_string(),
                    },
                });
            }
        }
        written.push(target);
    }
    Ok(written)
}

/// The text of the first file in a zip (the thread dump's `threaddump.txt`), at most
/// `limit` bytes unpacked.
pub(crate) fn first_text(zip: &[u8], limit: u64) -> Result<String> {
    let bad = |detail: String| Error::InvalidResponse {
        path: "(zip)".into(),
        expected: "a zip with one text file".into(),
        detail,
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).map_err(|e| bad(e.to_string()))?;
    if archive.is_empty() {
        return Err(bad("empty zip".into()));
    }
    let mut entry = archive.by_index(0).map_err(|e| bad(e.to_string()))?;
    let limits = ZipLimits::default()
        .max_entry_bytes(limit)
        .max_total_bytes(limit);
    let compressed = entry.compressed_size();
    let mut bytes = Vec::new();
    match copy_bounded(
        &mut entry,
        &mut bytes,
        compressed,
        limit,
        &limits,
        "the zipped text",
    ) {
        Ok(_) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Err(CopyError::Limit(reason)) => Err(Error::ArchiveTooLarge { reason }),
        Err(CopyError::Read(e) | CopyError::Write(e)) => Err(bad(e.to_string())),
    }
}
