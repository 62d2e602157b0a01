//! `/platform/about` (version, build) and `/platform/extensions` (HTML table).

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::http::call::parse_json;
use crate::http::transport::HttpResponse;

/// What `/platform/about` says about the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct About {
    /// The platform version (`build.version`), e.g. `2211.38`.
    pub platform: String,
    /// Operating system, version and architecture.
    #[serde(default)]
    pub os: String,
    /// The server type (`deployed.server.type`), e.g. `tomcat`.
    #[serde(default)]
    pub server: String,
    /// CPUs, as HAC sends it (a string).
    #[serde(default, alias = "numCPU")]
    pub num_cpu: String,
    /// `modelt.environment.type`, when set.
    #[serde(default)]
    pub environment: Option<String>,
}

pub(crate) fn parse_about(resp: &HttpResponse) -> Result<About> {
    parse_json("about JSON (platform, os, server, numCPU)", resp)
}

/// An extension of the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Extension {
    /// Its name.
    pub name: String,
    /// Its version, or `n/a`.
    pub version: String,
    /// A core extension.
    pub core: bool,
    /// Its web root, if it has one.
    pub web_root: Option<String>,
}

/// Reads `table#extensions` of `/platform/extensions`.
pub(crate) fn parse_extensions(resp: &HttpResponse) -> Result<Vec<Extension>> {
    crate::http::call::expect_ok(resp)?;
    let rows = crate::page::html::table_rows(&resp.body, "extensions");
    Ok(rows
        .iter()
        .filter_map(|cells| {
            let first = cells.first()?;
            let name = first
                .attr("data-extensionname")
                .map(str::to_owned)
                .unwrap_or_else(|| first.text.trim_end_matches(" (deprecated)").to_owned());
            if name.is_empty() || first.name == "th" {
                return None;
            }
            Some(Extension {
                name,
                version: cells.get(1).map(|c| c.text.clone()).unwrap_or_default(),
                core: cells
                    .get(2)
                    .is_some_and(|c| c.text.eq_ignore_ascii_case("true")),
                web_root: cells
                    .get(3)
                    .map(|c| c.text.clone())
                    .filter(|t| t.starts_with('/')),
            })
        })
        .collect())
}
