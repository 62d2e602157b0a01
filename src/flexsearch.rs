//! FlexibleSearch and raw SQL queries.

use std::time::Duration;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::call::{Call, parse_json};
use crate::error::{Error, Result};
use crate::row_de::RowDeserializer;
use crate::table::{Cells, Table};
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
///         let cells: Vec<&str> = row.cells().map(|c| c.unwrap_or("NULL")).collect();
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
    /// The cells, compactly (see [`FlexSearchResult::rows`]); serialized as an array of
    /// rows, each an array of strings and `null`s.
    #[serde(serialize_with = "serialize_table")]
    rows: Table,
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
    cells: Cells<'a>,
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
        self.cells.get(index).flatten()
    }
    /// All cells in column order, `None` for `NULL`.
    pub fn cells(&self) -> impl ExactSizeIterator<Item = Option<&'a str>> + 'a {
        self.cells.iter()
    }
    /// The column names.
    pub fn headers(&self) -> &'a [String] {
        self.headers
    }
    /// Number of cells.
    pub fn len(&self) -> usize {
        self.cells.len()
    }
    /// True for a row without cells.
    pub fn is_empty(&self) -> bool {
        self.cells.len() == 0
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
    /// A result built from rows of cells (`None` for `NULL`), e.g. to test code that
    /// consumes results.
    ///
    /// ```
    /// use hac_client::FlexSearchResult;
    /// let r = FlexSearchResult::from_rows(
    ///     vec!["code".into(), "name".into()],
    ///     vec![vec![Some("A1".into()), None]],
    /// );
    /// assert_eq!(r.len(), 1);
    /// assert_eq!(r.row(0).unwrap().get("code"), Some("A1"));
    /// ```
    ///
    /// # Panics
    ///
    /// When the cells hold more than 2 GiB of text.
    pub fn from_rows(headers: Vec<String>, rows: Vec<Vec<Option<String>>>) -> Self {
        let mut table = Table::from_rows(rows).expect("under 2 GiB of cell text");
        table.shrink_to_fit();
        FlexSearchResult {
            count: table.len() as u64,
            headers,
            rows: table,
            ..Default::default()
        }
    }
    /// Number of rows received (`count` is what HAC says matched, which may be more).
    pub fn len(&self) -> usize {
        self.rows.len()
    }
    /// True when no rows were received.
    pub fn is_empty(&self) -> bool {
        self.rows.len() == 0
    }
    /// Row `index`, if there is one.
    pub fn row(&self, index: usize) -> Option<Row<'_>> {
        (index < self.rows.len()).then(|| Row {
            headers: &self.headers,
            cells: self.rows.row(index),
        })
    }
    /// The rows with column access.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = Row<'_>> + '_ {
        self.rows.rows().map(|cells| Row {
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

/// HAC's answer. Deserialized by hand so that `resultList` streams straight into a
/// [`Table`]: no `serde_json::Value` tree and no `String` per cell in between, which for a
/// result of tens of MB would cost several times its size.
#[derive(Default)]
struct Wire {
    headers: Vec<String>,
    result_list: Table,
    result_count: Option<Value>,
    execution_time: Option<Value>,
    exception: Value,
    query: Option<String>,
}

impl<'de> Deserialize<'de> for Wire {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct WireVisitor;
        impl<'de> Visitor<'de> for WireVisitor {
            type Value = Wire;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a FlexibleSearch result object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Wire, A::Error> {
                let mut w = Wire::default();
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match &*key {
                        "headers" => w.headers = map.next_value::<Option<_>>()?.unwrap_or_default(),
                        "resultList" => map.next_value_seed(RowsSeed(&mut w.result_list))?,
                        "resultCount" => w.result_count = map.next_value()?,
                        "executionTime" => w.execution_time = map.next_value()?,
                        "exception" => w.exception = map.next_value()?,
                        "query" => w.query = map.next_value()?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                w.result_list.shrink_to_fit();
                Ok(w)
            }
        }
        d.deserialize_map(WireVisitor)
    }
}

/// `resultList`: an array of rows (or `null`), appended to the table.
struct RowsSeed<'t>(&'t mut Table);

impl<'de> DeserializeSeed<'de> for RowsSeed<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RowsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of rows")
    }
    fn visit_unit<E>(self) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while seq.next_element_seed(RowSeed(&mut *self.0))?.is_some() {}
        Ok(())
    }
}

/// One row: an array of cells.
struct RowSeed<'t>(&'t mut Table);

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a row: an array of cells")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while seq.next_element_seed(CellSeed(&mut *self.0))?.is_some() {}
        self.0.end_row().map_err(de::Error::custom)
    }
}

/// One cell as HAC sends it: text, `null`, or (rarely) another JSON value, which is kept
/// as its JSON text.
struct CellSeed<'t>(&'t mut Table);

impl<'de> DeserializeSeed<'de> for CellSeed<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl CellSeed<'_> {
    fn push<E: de::Error>(self, cell: Option<&str>) -> std::result::Result<(), E> {
        self.0.push_cell(cell).map_err(E::custom)
    }
}

impl<'de> Visitor<'de> for CellSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a cell: string, null or any JSON value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<(), E> {
        self.push(Some(v))
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<(), E> {
        self.push(None)
    }
    fn visit_none<E: de::Error>(self) -> std::result::Result<(), E> {
        self.push(None)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<(), E> {
        self.push(Some(if v { "true" } else { "false" }))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<(), E> {
        self.push(Some(&v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<(), E> {
        self.push(Some(&v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<(), E> {
        self.push(Some(&Value::from(v).to_string()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<(), A::Error> {
        let v = Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        self.push(Some(&v.to_string()))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<(), A::Error> {
        let v = Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
        self.push(Some(&v.to_string()))
    }
}

fn serialize_table<S: serde::Serializer>(t: &Table, s: S) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    struct RowOut<'a>(Cells<'a>);
    impl Serialize for RowOut<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter())
        }
    }
    let mut seq = s.serialize_seq(Some(t.len()))?;
    for row in t.rows() {
        seq.serialize_element(&RowOut(row))?;
    }
    seq.end()
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
        "FlexibleSearch JSON (headers, resultList, resultCount)",
        resp,
    )?;
    let rows = wire.result_list;
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
