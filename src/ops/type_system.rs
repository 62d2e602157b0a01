//! The type system as FlexibleSearch reads it: every composed type with its supertype and
//! the attributes it declares, each with its type. Read with three paged queries (types,
//! composed types, attribute descriptors) and joined here by PK, so that no Groovy is
//! needed: a read-only user reads it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Every type's PK and code (composed, atomic, collection, map, enumeration types).
pub(crate) const TYPES: &str = "SELECT {pk}, {code} FROM {Type}";
/// Composed types with their supertype's PK.
pub(crate) const COMPOSED: &str = "SELECT {pk}, {code}, {superType} FROM {ComposedType}";
/// Attribute descriptors with the PKs of their enclosing and attribute types.
pub(crate) const ATTRIBUTES: &str = "SELECT {pk}, {qualifier}, {enclosingType}, {attributeType}, {optional}, {unique} FROM {AttributeDescriptor}";

/// A composed type: its code, its supertype and the attributes it declares itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ComposedTypeInfo {
    /// The type's code, e.g. `Product`.
    pub code: String,
    /// The supertype's code (`None` for `Item`).
    #[serde(default)]
    pub super_type: Option<String>,
    /// The attributes declared on this type, by qualifier.
    #[serde(default)]
    pub attributes: Vec<AttributeInfo>,
}

/// An attribute of a composed type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AttributeInfo {
    /// The qualifier, e.g. `code`.
    pub qualifier: String,
    /// The attribute's type code (`java.lang.String`, `CatalogVersion`, ...), or its PK when
    /// the type could not be read.
    pub attribute_type: String,
    /// May be empty.
    #[serde(default)]
    pub optional: Option<bool>,
    /// Part of the type's unique key.
    #[serde(default)]
    pub unique: Option<bool>,
}

fn cell(row: &[Option<String>], i: usize) -> Option<&str> {
    row.get(i).and_then(|c| c.as_deref()).map(str::trim)
}

fn flag(text: Option<&str>) -> Option<bool> {
    match text?.to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// The composed types whose code starts with `prefix` (case-insensitive; empty: all),
/// sorted by code, each with its attributes sorted by qualifier.
pub(crate) fn assemble(
    prefix: &str,
    types: &[Vec<Option<String>>],
    composed: &[Vec<Option<String>>],
    attributes: &[Vec<Option<String>>],
) -> Vec<ComposedTypeInfo> {
    let code_of: HashMap<&str, &str> = types
        .iter()
        .chain(composed)
        .filter_map(|r| Some((cell(r, 0)?, cell(r, 1)?)))
        .collect();
    let prefix = prefix.to_ascii_lowercase();
    let mut out: HashMap<&str, ComposedTypeInfo> = composed
        .iter()
        .filter_map(|r| {
            let pk = cell(r, 0)?;
            let code = cell(r, 1)?;
            code.to_ascii_lowercase().starts_with(&prefix).then(|| {
                let super_type = cell(r, 2).and_then(|s| code_of.get(s).map(|c| (*c).to_owned()));
                (
                    pk,
                    ComposedTypeInfo {
                        code: code.to_owned(),
                        super_type,
                        attributes: Vec::new(),
                    },
                )
            })
        })
        .collect();
    for r in attributes {
        let (Some(qualifier), Some(enclosing)) = (cell(r, 1), cell(r, 2)) else {
            continue;
        };
        if let Some(t) = out.get_mut(enclosing) {
            let type_pk = cell(r, 3).unwrap_or_default();
            t.attributes.push(AttributeInfo {
                qualifier: qualifier.to_owned(),
                attribute_type: code_of.get(type_pk).map_or(type_pk, |c| c).to_owned(),
                optional: flag(cell(r, 4)),
                unique: flag(cell(r, 5)),
            });
        }
    }
    let mut list: Vec<ComposedTypeInfo> = out.into_values().collect();
    for t in &mut list {
        t.attributes.sort_by(|a, b| a.qualifier.cmp(&b.qualifier));
    }
    list.sort_by(|a, b| a.code.cmp(&b.code));
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<Option<String>> {
        cells
            .iter()
            .map(|c| (!c.is_empty()).then(|| (*c).to_owned()))
            .collect()
    }

    #[test]
    fn types_and_attributes_are_joined_by_pk() {
        let types = [
            row(&["10", "java.lang.String"]),
            row(&["11", "java.lang.Boolean"]),
        ];
        let composed = [
            row(&["1", "Item", ""]),
            row(&["2", "Product", "1"]),
            row(&["3", "Catalog", "1"]),
        ];
        let attributes = [
            row(&["100", "name", "2", "10", "true", "false"]),
            row(&["101", "code", "2", "10", "0", "1"]),
            row(&["102", "id", "3", "10", "false", "true"]),
            row(&["103", "odd", "2", "99", "", ""]),
        ];
        let all = assemble("", &types, &composed, &attributes);
        assert_eq!(
            all.iter().map(|t| t.code.as_str()).collect::<Vec<_>>(),
            ["Catalog", "Item", "Product"]
        );
        let product = &all[2];
        assert_eq!(product.super_type.as_deref(), Some("Item"));
        let quals: Vec<(&str, &str, Option<bool>)> = product
            .attributes
            .iter()
            .map(|a| (a.qualifier.as_str(), a.attribute_type.as_str(), a.unique))
            .collect();
        assert_eq!(
            quals,
            [
                ("code", "java.lang.String", Some(true)),
                ("name", "java.lang.String", Some(false)),
                ("odd", "99", None)
            ]
        );
        assert_eq!(assemble("prod", &types, &composed, &attributes).len(), 1);
    }
}
