//! ImpEx export (`/console/impex/export`): HAC answers with its page, whose result marker
//! links the export's zip, a media URL on the server's origin (not under the context path).

use std::io::{Cursor, Read};
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use crate::call::{Call, Text, expect_ok};
use crate::error::{Error, Result};
use crate::transport::HttpResponse;

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

/// The form HAC's export page posts.
pub(crate) fn call(script: &str, mode: ImpexExportMode) -> Call {
    let mut call = Call::post_form(
        PATH,
        vec![
            ("scriptContent", Text::from(script)),
            ("encoding", "UTF-8".into()),
            ("validationEnum", mode.code().into()),
        ],
        false,
    );
    call.long = true;
    call.drop_textareas = true;
    call
}

/// What an export produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ImpexExport {
    /// The marker's level was `notice`.
    pub success: bool,
    /// HAC's summary (`Export finished successfully`, ...).
    pub summary: String,
    /// Where the data zip is (a path on the server's origin, e.g. `/medias/...`).
    pub data_url: Option<String>,
    /// The data zip's file name.
    pub data_name: Option<String>,
    /// Where the media zip is, when there is one.
    pub media_url: Option<String>,
}

/// Reads the export page: the marker, then the links of `#downloadExportResultData`.
pub(crate) fn parse(resp: &HttpResponse) -> Result<ImpexExport> {
    expect_ok(resp)?;
    let page = crate::html::impex_page(&resp.body, "impexResult");
    let (level, summary) = crate::impex::result_marker(resp, &page, "impexResult")?;
    let links: Vec<(String, String)> = crate::html::elements(&resp.body, |name, _| name == "a")
        .into_iter()
        .filter_map(|a| Some((a.attr("href")?.to_owned(), a.text)))
        .filter(|(href, _)| !href.is_empty() && href.contains("/medias"))
        .collect();
    Ok(ImpexExport {
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

/// Unpacks a zip into `dir` (created if missing); returns the files written. Entries that
/// would land outside `dir` (`../`, absolute paths) are refused.
pub fn unpack(zip: &[u8], dir: &Path) -> Result<Vec<PathBuf>> {
    let file_error = |e: std::io::Error| Error::File {
        path: dir.to_owned(),
        message: e.to_string(),
    };
    let mut archive =
        zip::ZipArchive::new(Cursor::new(zip)).map_err(|e| Error::InvalidResponse {
            path: "(export zip)".into(),
            expected: "a zip file".into(),
            detail: e.to_string(),
        })?;
    std::fs::create_dir_all(dir).map_err(file_error)?;
    let mut written = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| Error::InvalidResponse {
            path: "(export zip)".into(),
            expected: "a readable zip entry".into(),
            detail: e.to_string(),
        })?;
        // `enclosed_name` is `None` for a name that would leave the directory.
        let name = entry
            .enclosed_name()
            .filter(|n| n.components().all(|c| matches!(c, Component::Normal(_))))
            .ok_or_else(|| Error::InvalidResponse {
                path: "(export zip)".into(),
                expected: "entries inside the target directory".into(),
                detail: format!("entry {i} points outside"),
            })?;
        let target = dir.join(&name);
        if entry.is_dir() {
            std::fs::create_dir_all(&target).map_err(file_error)?;
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(file_error)?;
        }
        let mut out = std::fs::File::create(&target).map_err(file_error)?;
        std::io::copy(&mut entry, &mut out).map_err(file_error)?;
        written.push(target);
    }
    Ok(written)
}

/// The text of the first file in a zip (the thread dump's `threaddump.txt`).
pub(crate) fn first_text(zip: &[u8]) -> Result<String> {
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
    let mut bytes = Vec::new();
    entry
        .read_to_end(&mut bytes)
        .map_err(|e| bad(e.to_string()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
