//! The type system as the ImpEx editor's autocomplete reads it, and the PK analyzer.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::http::call::parse_json;
use crate::http::transport::HttpResponse;

#[derive(Deserialize)]
struct TypesWire {
    #[serde(default)]
    exists: bool,
    #[serde(default)]
    types: Vec<String>,
    #[serde(default)]
    attributes: Vec<String>,
}

/// Composed types whose code starts with the prefix (sorted); none: empty.
pub(crate) fn parse_types(resp: &HttpResponse) -> Result<Vec<String>> {
    let wire: TypesWire = parse_json("allTypes JSON (types, exists)", resp)?;
    let mut types = if wire.exists { wire.types } else { Vec::new() };
    types.sort();
    Ok(types)
}

/// A type's attribute qualifiers (sorted); `None` when there is no such type.
pub(crate) fn parse_attributes(resp: &HttpResponse) -> Result<Option<Vec<String>>> {
    let wire: TypesWire = parse_json("typeAndAttributes JSON (attributes, exists)", resp)?;
    Ok(wire.exists.then(|| {
        let mut a = wire.attributes;
        a.sort();
        a
    }))
}

/// What the PK analyzer reads from a PK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PkInfo {
    /// The PK as given.
    #[serde(alias = "pkString")]
    pub pk_string: String,
    /// The type code in the PK.
    #[serde(alias = "pkTypeCode", default)]
    pub pk_type_code: i64,
    /// The name of the type with that code, when the server knows it.
    #[serde(alias = "pkComposedTypeCode", default)]
    pub pk_composed_type_code: Option<String>,
    /// The cluster id in the PK.
    #[serde(alias = "pkClusterId", default)]
    pub pk_cluster_id: i64,
    /// When it was created (ms since the epoch; for time-based PKs).
    #[serde(alias = "pkCreationTime", default)]
    pub pk_creation_time: i64,
    /// The same as text.
    #[serde(alias = "pkCreationDate", default)]
    pub pk_creation_date: Option<String>,
    /// Counter-based rather than time-based.
    #[serde(alias = "counterBased", default)]
    pub counter_based: bool,
    /// Hexadecimal.
    #[serde(alias = "pkAsHex", default)]
    pub pk_as_hex: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PkWire {
    #[serde(flatten)]
    info: Option<PkInfo>,
    possible_exception: Option<serde_json::Value>,
}

pub(crate) fn parse_pk(resp: &HttpResponse, pk: &str) -> Result<PkInfo> {
    let wire: PkWire = parse_json("PK analyzer JSON (pkString, pkTypeCode, ...)", resp)?;
    if let Some(e) = wire.possible_exception.filter(|e| !e.is_null()) {
        let message = e["message"]
            .as_str()
            .unwrap_or("Provided PK string is not valid");
        return Err(Error::InvalidArgument {
            message: format!("PK {pk:?}: {message}"),
        });
    }
    wire.info
        .ok_or_else(|| Error::invalid(&resp.path, "PK analyzer JSON", "no pkString in the answer"))
}
