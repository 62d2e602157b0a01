//! Configuration properties: read from `/platform/config` (HTML: there is no JSON list),
//! set with `/platform/configstore` (this node, in memory, until restart).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::http::transport::HttpResponse;

/// A property as HAC shows it. Values of blacklisted keys read `*****`; many other secrets
/// are shown as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ConfigProperty {
    /// The key.
    pub key: String,
    /// The value (`*****` when HAC masks it).
    pub value: String,
}

impl ConfigProperty {
    /// True when HAC masked the value.
    pub fn is_masked(&self) -> bool {
        self.value == "*****"
    }
}

/// Reads the `input.configValue` fields of `/platform/config`, sorted by key.
pub(crate) fn parse_page(resp: &HttpResponse) -> Result<Vec<ConfigProperty>> {
    crate::http::call::expect_ok(resp)?;
    let inputs = crate::page::html::elements(&resp.body, |name, attr| {
        name == "input"
            && attr("class").is_some_and(|c| c.split_whitespace().any(|c| c == "configValue"))
    });
    if inputs.is_empty() && !resp.body.contains("id=\"props\"") {
        return Err(Error::invalid(
            &resp.path,
            "the configuration page with table#props",
            resp.excerpt(),
        ));
    }
    let mut props: Vec<ConfigProperty> = inputs
        .iter()
        .filter_map(|i| {
            Some(ConfigProperty {
                key: i.attr("name")?.to_owned(),
                value: i.attr("value").unwrap_or_default().to_owned(),
            })
        })
        .collect();
    props.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(props)
}

/// What a set did: created a property or updated one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConfigChange {
    /// Created or updated.
    pub action: ConfigAction,
}

/// What [`HacClient::set_config`](crate::HacClient::set_config) did to the property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ConfigAction {
    /// The property did not exist.
    Create,
    /// The property had another value.
    Update,
}

impl ConfigAction {
    /// `create` or `update`, as HAC says it.
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigAction::Create => "create",
            ConfigAction::Update => "update",
        }
    }
}

impl std::fmt::Display for ConfigAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

pub(crate) fn parse_change(resp: &HttpResponse) -> Result<ConfigChange> {
    crate::http::call::parse_json("configstore JSON (action)", resp)
}
