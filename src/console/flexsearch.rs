//! FlexibleSearch and raw SQL queries: the request, the result and its rows, and the
//! answer's streaming reader (long because HAC's JSON is read by hand, straight into the
//! compact table, without an intermediate copy of the rows).

use std::time::Duration;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::console::row_deserialize::match_rank;
use crate::console::row_table::{Cells, Table};
use crate::error::{Error, Result};
use crate::http::call::{Call, Text, parse_json};
use crate::http::transport::HttpResponse;
use crate::page::unescape::unescape_into;

pub(crate) const PATH: &str = "/console/flexsearch/execute";

/// HAC's default `maxCount`.
pub const DEFAULT_MAX_ROWS: u32 = 200;

/// How many rows a query may return (`maxCount`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RowLimit {
    /// At most this many rows.
    Rows(u32),
    /// No limit (`maxCount=-1`): every row, however many.
    Unlimited,
}

impl From<u32> for RowLimit {
    fn from(n: u32) -> Self {
        RowLimit::Rows(n)
    }
}

impl From<Option<u32>> for RowLimit {
    /// `None` is no limit.
    fn from(n: Option<u32>) -> Self {
        n.map_or(RowLimit::Unlimited, RowLimit::Rows)
    }
}

impl RowLimit {
    fn wire(self) -> String {
        match self {
            RowLimit::Rows(n) => n.to_string(),
            RowLimit::Unlimited => "-1".into(),
        }
    }
}

/// A FlexibleSearch (or raw SQL) query and its options.
///
/// Without options it returns at most 200 rows ([`DEFAULT_MAX_ROWS`], HAC's default), in
/// locale `en`, as the logged-in user, from the `master` data source, and rolls back.
///
/// ```
/// use hac_client::{FlexibleSearch, RowLimit};
/// let q = FlexibleSearch::new("SELECT {pk}, {code} FROM {Product}")
///     .max_rows(50)
///     .locale("de")
///     .user("anonymous");
/// let everything = FlexibleSearch::new("SELECT {pk} FROM {Language}").max_rows(RowLimit::Unlimited);
/// let dml = FlexibleSearch::sql("UPDATE products SET p_name = 'x' WHERE p_code = '1'").commit(true);
/// # let _ = (q, everything, dml);
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is used"]
pub struct FlexibleSearch {
    query: String,
    raw_sql: bool,
    max_count: RowLimit,
    locale: String,
    user: Option<String>,
    data_source: Option<String>,
    commit: bool,
    timeout: Option<Duration>,
    /// The caller chose the limit (`max_rows`, `unlimited`): a result cut there is what
    /// was asked for, not HAC's default quietly applied.
    limit_chosen: bool,
}

impl FlexibleSearch {
    /// A FlexibleSearch query with HAC's defaults.
    pub fn new(query: impl Into<String>) -> Self {
        FlexibleSearch {
            query: query.into(),
            raw_sql: false,
            max_count: RowLimit::Rows(DEFAULT_MAX_ROWS),
            locale: "en".into(),
            user: None,
            data_source: None,
            commit: false,
            timeout: None,
            limit_chosen: false,
        }
    }
    /// A raw SQL query (HAC's `sqlQuery`): a `SELECT`, or DML (`UPDATE`, `INSERT`,
    /// `DELETE`) that is rolled back unless [`FlexibleSearch::commit`] is set.
    pub fn sql(query: impl Into<String>) -> Self {
        FlexibleSearch {
            raw_sql: true,
            ..FlexibleSearch::new(query)
        }
    }
    /// Most rows to return: a number, or [`RowLimit::Unlimited`] (200 by default).
    pub fn max_rows(mut self, limit: impl Into<RowLimit>) -> Self {
        self.max_count = limit.into();
        self.limit_chosen = true;
        self
    }
    /// Every row, however many (`maxCount=-1`).
    pub fn unlimited(self) -> Self {
        self.max_rows(RowLimit::Unlimited)
    }
    /// Keeps HAC's default limit (200 rows) and accepts a result cut there: without it (or
    /// a limit of your own, [`FlexibleSearch::max_rows`]),
    /// [`FlexibleSearchResult::deserialize`] of a cut result is [`Error::Truncated`].
    ///
    /// ```
    /// use hac_client::FlexibleSearch;
    /// let first_rows = FlexibleSearch::new("SELECT {pk} FROM {Product}").allow_truncated();
    /// # let _ = first_rows;
    /// ```
    pub fn allow_truncated(mut self) -> Self {
        self.limit_chosen = true;
        self
    }
    /// Locale for localized attributes (`en`, `de`, ...).
    pub fn locale(mut self, locale: impl Into<String>) -> Self {
        self.locale = locale.into();
        self
    }
    /// The user the query runs as (restrictions apply to that user). By default HAC uses
    /// the logged-in user; an unknown user also falls back to it.
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }
    /// The data source (HAC's `dataSource`, e.g. a read-only replica); `master` by default.
    pub fn data_source(mut self, id: impl Into<String>) -> Self {
        self.data_source = Some(id.into());
        self
    }
    /// Commit the changes of SQL DML (rolled back by default).
    pub fn commit(mut self, on: bool) -> Self {
        self.commit = on;
        self
    }
    /// Timeout of this query instead of the client's default.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
    /// The row limit.
    pub fn row_limit(&self) -> RowLimit {
        self.max_count
    }
    /// The caller set the limit (not HAC's default).
    pub(crate) fn limit_is_chosen(&self) -> bool {
        self.limit_chosen
    }
    /// The query text.
    pub fn query(&self) -> &str {
        &self.query
    }
    /// Whether the query is raw SQL.
    pub fn is_sql(&self) -> bool {
        self.raw_sql
    }
    /// The same options with another query text.
    pub fn with_query(mut self, query: impl Into<String>) -> Self {
        self.query = query.into();
        self
    }

    pub(crate) fn call(&self) -> Call {
        let (fs, sql) = if self.raw_sql {
            (String::new(), self.query.clone())
        } else {
            (self.query.clone(), String::new())
        };
        let mut fields: Vec<(&'static str, Text)> = vec![
            ("flexibleSearchQuery", fs.into()),
            ("sqlQuery", sql.into()),
            ("maxCount", self.max_count.wire().into()),
            ("locale", self.locale.as_str().into()),
            ("commit", self.commit.to_string().into()),
        ];
        if let Some(u) = &self.user {
            fields.push(("user", u.as_str().into()));
        }
        if let Some(d) = &self.data_source {
            fields.push(("dataSource", d.as_str().into()));
        }
        let mut call = Call::post_form(PATH, fields, true);
        call.timeout = self.timeout;
        call
    }
}

/// The result of a query. Cells are text (unescaped: HAC sends them HTML-escaped) or
/// `None` for SQL `NULL`; column names are as HAC sends them (`PK`, `p_code`, ...).
///
/// ```
/// # use hac_client::FlexibleSearchResult;
/// fn print_table(r: &FlexibleSearchResult) {
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
#[must_use = "the query may have failed on the server: check it with into_result() or deserialize()"]
#[non_exhaustive]
pub struct FlexibleSearchResult {
    /// Column names.
    pub headers: Vec<String>,
    /// The cells, compactly (see [`FlexibleSearchResult::rows`]); serialized as an array of
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
    /// The server's stack trace of that error (`exceptionStackTrace`), if it sent one.
    pub exception_stacktrace: Option<String>,
    /// The SQL that ran (`query`: a FlexibleSearch query translated to SQL).
    pub translated_query: String,
    /// The data source the query ran on (`dataSourceId`, e.g. `master`).
    pub data_source_id: Option<String>,
    /// The row limit the query was sent with; `None` for none.
    #[serde(skip)]
    pub(crate) limit: Option<u32>,
    /// That limit was HAC's default, not the caller's choice.
    #[serde(skip)]
    pub(crate) default_limit: bool,
}

/// One row, with cells addressable by column name.
///
/// ```
/// # use hac_client::FlexibleSearchResult;
/// fn codes(r: &FlexibleSearchResult) -> Vec<String> {
///     r.rows().filter_map(|row| row.get("code")).map(str::to_owned).collect()
/// }
/// # let _ = codes;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    headers: &'a [String],
    cells: Cells<'a>,
    index: usize,
}

impl<'a> Row<'a> {
    /// The cell of the column named `name`, `None` for `NULL` or an unknown column.
    ///
    /// Names match as in [`FlexibleSearchResult::column`]: exactly, then ASCII
    /// case-insensitively, then with FlexibleSearch's `p_` prefix, so `code` finds `p_code`.
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
    /// The row's index in the result.
    pub fn index(&self) -> usize {
        self.index
    }
    /// Deserializes the row into `T`: a struct by column name, a tuple by position. Text
    /// cells become numbers or booleans where `T` asks for them; `NULL` fits `Option`.
    ///
    /// A field matches a column by name exactly, then ASCII case-insensitively, then as the
    /// SQL column FlexibleSearch makes of an attribute (`p_` + the name): the field `code`
    /// is filled from `p_code`, which `SELECT {code}` produces, and `pk` from `PK`. A row
    /// that does not fit is [`Error::Deserialize`], naming the row, the field and the
    /// columns there are.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T> {
        crate::console::row_deserialize::deserialize_row(self.headers, self.cells).map_err(
            |(message, field)| Error::Deserialize {
                row: self.index,
                field,
                columns: self.headers.to_vec(),
                message,
            },
        )
    }
}

/// The best-matching column for `name` (the first of equally good ones).
pub(crate) fn column_index(headers: &[String], name: &str) -> Option<usize> {
    headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| match_rank(h, name).map(|r| (r, i)))
        .min()
        .map(|(_, i)| i)
}

impl FlexibleSearchResult {
    /// True when HAC reported no exception.
    pub fn is_success(&self) -> bool {
        self.exception.is_none()
    }
    /// The column names made unique for keyed output (a JSON object per row): a name that
    /// occurs again gets `_2`, `_3`, ... (a join can return two `p_code` columns). The
    /// flag says whether any name was changed.
    ///
    /// ```
    /// use hac_client::FlexibleSearchResult;
    /// let r = FlexibleSearchResult::from_rows(vec!["p_code".into(), "p_code".into()], vec![])?;
    /// assert_eq!(r.unique_headers(), (vec!["p_code".to_owned(), "p_code_2".to_owned()], true));
    /// # Ok::<(), hac_client::Error>(())
    /// ```
    pub fn unique_headers(&self) -> (Vec<String>, bool) {
        let mut out: Vec<String> = Vec::with_capacity(self.headers.len());
        let mut renamed = false;
        for h in &self.headers {
            let mut name = h.clone();
            let mut n = 1;
            while out.contains(&name) {
                n += 1;
                name = format!("{h}_{n}");
                renamed = true;
            }
            out.push(name);
        }
        (out, renamed)
    }
    /// Index of a column: matched exactly, then ASCII case-insensitively, then as the SQL
    /// column of an attribute (`code` finds `p_code`, the name FlexibleSearch gives
    /// `{code}` in its SQL).
    pub fn column(&self, name: &str) -> Option<usize> {
        column_index(&self.headers, name)
    }
    /// A result built from rows of cells (`None` for `NULL`), e.g. to test code that
    /// consumes results.
    ///
    /// ```
    /// use hac_client::FlexibleSearchResult;
    /// let r = FlexibleSearchResult::from_rows(
    ///     vec!["code".into(), "name".into()],
    ///     vec![vec![Some("A1".into()), None]],
    /// )?;
    /// assert_eq!(r.len(), 1);
    /// assert_eq!(r.row(0).unwrap().get("code"), Some("A1"));
    /// # Ok::<(), hac_client::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when the cells hold more than 2 GiB of text (the
    /// compact table's limit).
    pub fn from_rows(
        headers: Vec<String>,
        rows: Vec<Vec<Option<String>>>,
    ) -> Result<FlexibleSearchResult> {
        let mut table = Table::from_rows(rows).map_err(|_| Error::InvalidArgument {
            message: "the cells hold more than 2 GiB of text".into(),
        })?;
        table.shrink_to_fit();
        Ok(FlexibleSearchResult {
            count: table.len() as u64,
            headers,
            rows: table,
            ..Default::default()
        })
    }
    /// Reads a FlexibleSearch answer as HAC sends it (the JSON of
    /// `/console/flexsearch/execute`), e.g. one recorded earlier or fetched with another
    /// HTTP client: cells unescaped, failures in `exception`, as from
    /// [`HacClient::flexible_search`](crate::HacClient::flexible_search). The limit the
    /// query was sent with is unknown here, so [`FlexibleSearchResult::is_truncated`] is false.
    ///
    /// ```
    /// use hac_client::FlexibleSearchResult;
    /// let r = FlexibleSearchResult::from_json(
    ///     r#"{"headers":["p_name"],"resultList":[["Caf&eacute;"]],"resultCount":1,"exception":null}"#,
    /// )?;
    /// assert_eq!(r.row(0).unwrap().get("name"), Some("Café"));
    /// # Ok::<(), hac_client::Error>(())
    /// ```
    pub fn from_json(json: impl Into<String>) -> Result<FlexibleSearchResult> {
        parse(&HttpResponse::ok(json.into()), RowLimit::Unlimited)
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
            index,
        })
    }
    /// The rows with column access.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = Row<'_>> + '_ {
        self.rows.rows().enumerate().map(|(index, cells)| Row {
            headers: &self.headers,
            cells,
            index,
        })
    }
    /// True when the rows returned reach the limit the query was sent with: there may be
    /// more. Never true for an unlimited query.
    pub fn is_truncated(&self) -> bool {
        self.limit
            .is_some_and(|limit| self.rows.len() as u64 >= u64::from(limit))
    }
    /// Deserializes every row into `T` (see [`Row::deserialize`] for how fields match
    /// columns). A query the server reported an error for is [`Error::Query`], never an
    /// empty list. A result cut at HAC's default limit of 200 rows, which the query did not
    /// choose (a plain `&str` query), is [`Error::Truncated`]: say how many rows you want
    /// with [`FlexibleSearch::max_rows`] (a result cut at a limit you chose is what you
    /// asked for) or [`FlexibleSearch::unlimited`], or read the rows with
    /// [`FlexibleSearchResult::rows`].
    ///
    /// ```no_run
    /// # fn demo(hac: &hac_client::HacClient) -> hac_client::Result<()> {
    /// #[derive(serde::Deserialize)]
    /// struct Product { pk: u64, code: String, name: Option<String> }
    /// let products: Vec<Product> = hac
    ///     .flexible_search("SELECT {pk}, {code}, {name} FROM {Product}")?
    ///     .deserialize()?;
    /// # Ok(()) }
    /// ```
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<Vec<T>> {
        self.error_for_failure_ref()?;
        if self.default_limit
            && self.is_truncated()
            && let Some(limit) = self.limit
        {
            return Err(Error::Truncated { limit });
        }
        self.rows().map(|r| r.deserialize()).collect()
    }
    /// The result when the query worked, else [`Error::Query`] with the server's message
    /// and stack trace.
    pub fn into_result(self) -> Result<FlexibleSearchResult> {
        self.error_for_failure_ref()?;
        Ok(self)
    }
    /// As [`FlexibleSearchResult::into_result`], keeping the result.
    pub fn error_for_failure_ref(&self) -> Result<&FlexibleSearchResult> {
        match &self.exception {
            None => Ok(self),
            Some(message) => Err(Error::Query {
                message: message.clone(),
                stacktrace: self.exception_stacktrace.clone(),
                translated_query: Some(self.translated_query.clone()).filter(|q| !q.is_empty()),
            }),
        }
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
    exception_stacktrace: Option<String>,
    query: Option<String>,
    data_source_id: Option<String>,
    /// Which of HAC's keys were present.
    known_keys: usize,
    /// `resultList` was among them (HAC always sends it, `null` or `[]` on a failure).
    has_result_list: bool,
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
                    w.known_keys += 1;
                    match &*key {
                        // `null` on an exception.
                        "headers" => w.headers = map.next_value::<Option<_>>()?.unwrap_or_default(),
                        "resultList" => {
                            w.has_result_list = true;
                            map.next_value_seed(RowsSeed(&mut w.result_list))?
                        }
                        "resultCount" => w.result_count = map.next_value()?,
                        "executionTime" => w.execution_time = map.next_value()?,
                        "exception" => w.exception = map.next_value()?,
                        "exceptionStackTrace" => w.exception_stacktrace = map.next_value()?,
                        "query" => w.query = map.next_value()?,
                        "dataSourceId" => w.data_source_id = map.next_value()?,
                        _ => {
                            w.known_keys -= 1;
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
        // HAC escapes every cell for HTML; most have nothing to undo.
        if memchr::memchr(b'&', v.as_bytes()).is_none() {
            return self.push(Some(v));
        }
        self.0
            .push_cell_with(|text| unescape_into(v, text))
            .map_err(E::custom)
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

pub(crate) fn parse(resp: &HttpResponse, limit: RowLimit) -> Result<FlexibleSearchResult> {
    let expected = "FlexibleSearch JSON (headers, resultList, resultCount)";
    let wire: Wire = parse_json(expected, resp)?;
    if wire.known_keys == 0 {
        return Err(Error::invalid(
            &resp.path,
            expected,
            "none of these keys in the answer",
        ));
    }
    // Rows nowhere and no failure: not an answer of HAC's (this crate's own serialization,
    // with `rows`, is one), and never a silent empty result.
    if !wire.has_result_list && wire.exception.is_null() {
        return Err(Error::invalid(
            &resp.path,
            expected,
            "no resultList and no exception in the answer",
        ));
    }
    let rows = wire.result_list;
    let count = number(&wire.result_count)
        .map(|n| n.max(0.0) as u64)
        .unwrap_or(rows.len() as u64);
    let ms = number(&wire.execution_time).unwrap_or(0.0).max(0.0);
    Ok(FlexibleSearchResult {
        headers: wire.headers,
        rows,
        count,
        execution_time: Duration::from_secs_f64(ms.min(1e12) / 1000.0),
        exception: exception_message(wire.exception),
        exception_stacktrace: wire.exception_stacktrace.filter(|s| !s.trim().is_empty()),
        translated_query: wire.query.unwrap_or_default(),
        data_source_id: wire.data_source_id.filter(|s| !s.is_empty()),
        limit: match limit {
            RowLimit::Rows(n) => Some(n),
            RowLimit::Unlimited => None,
        },
        default_limit: false,
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

impl From<&String> for FlexibleSearch {
    fn from(query: &String) -> Self {
        FlexibleSearch::new(query.as_str())
    }
}
