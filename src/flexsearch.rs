//! FlexibleSearch and raw SQL queries.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::call::{Call, parse_json};
use crate::error::{Error, Result};
use crate::row_de::RowDeserializer;
use crate::transport::HttpResponse;

pub(crate) const PATH: &str = "/console/flexsearch/execute";

/// A FlexibleSearch (or raw SQL) query and its options.
///
/// ```
/// use hac_client::FlexibleSearch;
/// let q = FlexibleSearch::new("SELECT {pk}, {code} FROM {Product}")
///     .max_count(50)
///     .locale("de")
///     .user("admin");
/// let sql = FlexibleSearch::sql("SELECT p_code FROM products");
/// # let _ = (q, sql);
/// ```
#[derive(Debug, Clone)]
pub struct FlexibleSearch {
    query: String,
    raw_sql: bool,
    max_count: u32,
    locale: String,
    user: String,
    timeout: Option<Duration>,
}

impl FlexibleSearch {
    /// A FlexibleSearch query, with HAC's defaults (200 rows, `en`, `admin`).
    pub fn new(query: impl Into<String>) -> Self {
        FlexibleSearch {
            query: query.into(),
            raw_sql: false,
            max_count: 200,
            locale: "en".into(),
            user: "admin".into(),
            timeout: None,
        }
    }
    /// A raw SQL query (HAC's `sqlQuery`).
    pub fn sql(query: impl Into<String>) -> Self {
        FlexibleSearch {
            raw_sql: true,
            ..FlexibleSearch::new(query)
        }
    }
    /// Most rows to return.
    pub fn max_count(mut self, n: u32) -> Self {
        self.max_count = n;
        self
    }
    /// Locale for localized attributes (`en`, `de`, ...).
    pub fn locale(mut self, locale: impl Into<String>) -> Self {
        self.locale = locale.into();
        self
    }
    /// The user the query runs as (restrictions apply to that user).
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = user.into();
        self
    }
    /// Timeout of this query instead of the client's default.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    pub(crate) fn call(&self) -> Call {
        let (fs, sql) = if self.raw_sql {
            (String::new(), self.query.clone())
        } else {
            (self.query.clone(), String::new())
        };
        let mut call = Call::post_form(
            PATH,
            vec![
                ("flexibleSearchQuery", fs),
                ("sqlQuery", sql),
                ("maxCount", self.max_count.to_string()),
                ("user", self.user.clone()),
                ("locale", self.locale.clone()),
                ("commit", "false".into()),
            ],
            true,
        );
        call.timeout = self.timeout;
        call
    }
}

/// The result of a query. Cells are text or `None` for SQL `NULL`.
///
/// ```
/// # use hac_client::FlexSearchResult;
/// fn print_table(r: &FlexSearchResult) {
///     if let Some(e) = &r.exception {
///         eprintln!("query failed: {e}");
///         return;
///     }
///     println!("{}", r.headers.join("\t"));
///     for row in r.rows() {
///         let cells: Vec<&str> = row.cells().iter().map(|c| c.as_deref().unwrap_or("NULL")).collect();
///         println!("{}", cells.join("\t"));
///     }
/// }
/// # let _ = print_table;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct FlexSearchResult {
    /// Column names.
    pub headers: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<Option<String>>>,
    /// `resultCount` as HAC reports it.
    pub count: u64,
    /// Server-side execution time (serialized as `execution_time_ms`).
    #[serde(
        rename = "execution_time_ms",
        serialize_with = "crate::json_out::duration_ms"
    )]
    pub execution_time: Duration,
    /// The error message when the query failed (`exception`), else `None`.
    pub exception: Option<String>,
    /// The query as HAC echoes it.
    pub query: String,
}

/// One row, with cells addressable by column name.
///
/// ```
/// # use hac_client::FlexSearchResult;
/// fn codes(r: &FlexSearchResult) -> Vec<String> {
///     r.rows().filter_map(|row| row.get("code")).map(str::to_owned).collect()
/// }
/// # let _ = codes;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    headers: &'a [String],
    cells: &'a [Option<String>],
}

impl<'a> Row<'a> {
    /// The cell of the column named `name` (ASCII case-insensitive), `None` for `NULL` or
    /// an unknown column.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        let i = column_index(self.headers, name)?;
        self.get_index(i)
    }
    /// The cell at `index`.
    pub fn get_index(&self, index: usize) -> Option<&'a str> {
        self.cells.get(index)?.as_deref()
    }
    /// All cells.
    pub fn cells(&self) -> &'a [Option<String>] {
        self.cells
    }
    /// Deserializes the row into `T`: a struct by column name, a tuple by position. Text
    /// cells become numbers or booleans where `T` asks for them; `NULL` fits `Option`.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T> {
        T::deserialize(RowDeserializer::new(self.headers, self.cells))
            .map_err(|e| Error::invalid(PATH, "rows that fit the requested type", e.to_string()))
    }
}

fn column_index(headers: &[String], name: &str) -> Option<usize> {
    headers
        .iter()
        .position(|h| h == name)
        .or_else(|| headers.iter().position(|h| h.eq_ignore_ascii_case(name)))
}

impl FlexSearchResult {
    /// True when HAC reported no exception.
    pub fn is_success(&self) -> bool {
        self.exception.is_none()
    }
    /// Index of a column (ASCII case-insensitive).
    pub fn column(&self, name: &str) -> Option<usize> {
        column_index(&self.headers, name)
    }
    /// The rows with column access.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = Row<'_>> + '_ {
        self.rows.iter().map(|cells| Row {
            headers: &self.headers,
            cells,
        })
    }
    /// Deserializes every row into `T` (see [`Row::deserialize`]).
    ///
    /// ```
    /// # fn demo(result: hac_client::FlexSearchResult) -> hac_client::Result<()> {
    /// #[derive(serde::Deserialize)]
    /// struct Product { #[serde(rename = "PK")] pk: u64, code: String, name: Option<String> }
    /// let products: Vec<Product> = result.deserialize()?;
    /// # Ok(()) }
    /// ```
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<Vec<T>> {
        self.rows().map(|r| r.deserialize()).collect()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    #[serde(default)]
    headers: Vec<String>,
    #[serde(default)]
    result_list: Vec<Vec<WireCell>>,
    #[serde(default)]
    result_count: Option<Value>,
    #[serde(default)]
    execution_time: Option<Value>,
    #[serde(default)]
    exception: Value,
    #[serde(default)]
    query: Option<String>,
}

/// One cell as HAC sends it: text, `null`, or (rarely) another JSON value, which is kept
/// as its JSON text. Read straight into `Option<String>`: no `serde_json::Value` tree in
/// between, which for a result of tens of MB would cost several times its size.
struct WireCell(Option<String>);

impl<'de> Deserialize<'de> for WireCell {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct CellVisitor;
        impl<'de> serde::de::Visitor<'de> for CellVisitor {
            type Value = WireCell;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a cell: string, null or any JSON value")
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<WireCell, E> {
                Ok(WireCell(Some(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> std::result::Result<WireCell, E> {
                Ok(WireCell(Some(v)))
            }
            fn visit_unit<E>(self) -> std::result::Result<WireCell, E> {
                Ok(WireCell(None))
            }
            fn visit_none<E>(self) -> std::result::Result<WireCell, E> {
                Ok(WireCell(None))
            }
            fn visit_bool<E>(self, v: bool) -> std::result::Result<WireCell, E> {
                Ok(WireCell(Some(v.to_string())))
            }
            fn visit_i64<E>(self, v: i64) -> std::result::Result<WireCell, E> {
                Ok(WireCell(Some(v.to_string())))
            }
            fn visit_u64<E>(self, v: u64) -> std::result::Result<WireCell, E> {
                Ok(WireCell(Some(v.to_string())))
            }
            fn visit_f64<E>(self, v: f64) -> std::result::Result<WireCell, E> {
                Ok(WireCell(Some(Value::from(v).to_string())))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> std::result::Result<WireCell, A::Error> {
                let v = Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
                Ok(WireCell(Some(v.to_string())))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<WireCell, A::Error> {
                let v = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(WireCell(Some(v.to_string())))
            }
        }
        d.deserialize_any(CellVisitor)
    }
}

fn number(v: &Option<Value>) -> Option<f64> {
    match v.as_ref()? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn exception_message(v: Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s),
        Value::Object(ref map) => ["message", "localizedMessage", "cause"]
            .iter()
            .find_map(|k| map.get(*k).and_then(Value::as_str).map(str::to_owned))
            .or_else(|| Some(v.to_string())),
        Value::Bool(false) => None,
        other => Some(other.to_string()),
    }
}

pub(crate) fn parse(resp: &HttpResponse) -> Result<FlexSearchResult> {
    let wire: Wire = parse_json(
        PATH,
        "FlexibleSearch JSON (headers, resultList, resultCount)",
        resp,
    )?;
    let rows: Vec<Vec<Option<String>>> = wire
        .result_list
        .into_iter()
        .map(|row| row.into_iter().map(|cell| cell.0).collect())
        .collect();
    let count = number(&wire.result_count)
        .map(|n| n.max(0.0) as u64)
        .unwrap_or(rows.len() as u64);
    let ms = number(&wire.execution_time).unwrap_or(0.0).max(0.0);
    Ok(FlexSearchResult {
        headers: wire.headers,
        rows,
        count,
        execution_time: Duration::from_secs_f64(ms.min(1e12) / 1000.0),
        exception: exception_message(wire.exception),
        query: wire.query.unwrap_or_default(),
    })
}

impl From<&str> for FlexibleSearch {
    fn from(query: &str) -> Self {
        FlexibleSearch::new(query)
    }
}

impl From<String> for FlexibleSearch {
    fn from(query: String) -> Self {
        FlexibleSearch::new(query)
    }
}
