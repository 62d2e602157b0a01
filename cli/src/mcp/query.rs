//! `flexible_search` and `type_info`: reading data, and the type system an agent needs to
//! write correct FlexibleSearch.

use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use rmcp::{schemars, tool, tool_router};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use hac_client::{FlexibleSearch, RowLimit};

use super::outputs::{Cut, QueryOutput, TypeInfoOutput};
use super::{Answer, HacMcp, object};
use crate::safety::{Intent, Operation};

/// Arguments of `flexible_search`.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FlexibleSearchArgs {
    /// The query. FlexibleSearch by default, e.g. `SELECT {pk}, {code}, {name} FROM {Product} WHERE {code} LIKE 'A%'`; with `sql: true`, plain SQL on the database tables.
    pub query: String,
    /// Most rows to return: 50 when not given, at most the server's cap (the profile's mcp_max_rows, 500 by default); the answer says when more rows matched.
    pub max_rows: Option<u32>,
    /// The query is SQL, not FlexibleSearch. Only a single plain query (SELECT without INTO, FOR UPDATE or functions that act) is a read; any other SQL is a write, refused unless this server allows writes.
    #[serde(default)]
    pub sql: bool,
    /// Locale for localized attributes such as {name}, e.g. `en`, `de`.
    pub locale: Option<String>,
    /// Run the query as this user (their search restrictions apply); the logged-in user by default.
    pub user: Option<String>,
    /// Commit the SQL's changes (SQL only; a write, refused unless this server allows writes). Without it DML is rolled back, but DDL may commit on its own on most databases.
    #[serde(default)]
    pub commit: bool,
}

/// Arguments of `type_info`.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TypeInfoArgs {
    /// The type's code, e.g. `Product`, `Order`, `CronJob` (case-insensitive).
    #[serde(rename = "type")]
    pub type_code: String,
}

#[tool_router(router = query_router, vis = "pub(super)")]
impl HacMcp {
    /// Run a FlexibleSearch (or SQL) query and get its rows as objects keyed by column.
    #[tool(
        description = "Run a FlexibleSearch query (or SQL with sql=true) on SAP Commerce and get the rows as objects keyed by column name, with row_count, truncated (more rows matched than were returned: ask with max_rows) and translated_query (the SQL FlexibleSearch produced). 50 rows unless max_rows says otherwise. Attributes in braces: SELECT {pk}, {code} FROM {Product} WHERE {catalogVersion} = 8796093153881. Use type_info to find attribute names. A query the server rejects comes back as an error with its message."
    )]
    async fn flexible_search(
        &self,
        Parameters(args): Parameters<FlexibleSearchArgs>,
    ) -> Result<CallToolResult, rmcp::ErrorData> {
        self.answer("flexible_search", &args, async {
            if args.query.trim().is_empty() {
                return Answer::Error("the query is empty".into());
            }
            let intent = match (args.sql, args.commit) {
                (false, _) => match crate::safety::sql::classify_flexible_search(&args.query) {
                    Ok(()) => Intent::new(Operation::FlexibleSearch),
                    Err(why) => Intent::with_detail(Operation::FlexibleSearchWrite, why.0),
                },
                (true, true) => Intent::with_detail(
                    Operation::SqlStatement,
                    "commit=true commits whatever it does",
                ),
                (true, false) => match crate::safety::sql::classify(&args.query) {
                    Ok(()) => Intent::new(Operation::SqlQuery),
                    Err(why) => Intent::with_detail(Operation::SqlStatement, why.0),
                },
            };
            if let Err(why) = self.policy.allow(&intent) {
                return Answer::Refused(why);
            }
            let commit = args.sql && args.commit;
            let (rows, capped) = self.policy.rows(args.max_rows);
            let mut q = if args.sql {
                FlexibleSearch::sql(args.query.clone())
            } else {
                FlexibleSearch::new(args.query.clone())
            }
            .max_rows(RowLimit::Rows(rows))
            .commit(commit);
            if let Some(l) = &args.locale {
                q = q.locale(l.clone());
            }
            if let Some(u) = &args.user {
                q = q.user(u.clone());
            }
            let r = match self.hac.flexible_search(q).await {
                Ok(r) => r,
                Err(e) => return e.into(),
            };
            if let Some(exception) = &r.exception {
                return Answer::Error(format!("the query failed on the server: {exception}"));
            }
            let (keys, _) = r.unique_headers();
            let objects: Vec<Map<String, Value>> = r
                .rows()
                .map(|row| {
                    let mut m = Map::new();
                    for (i, k) in keys.iter().enumerate() {
                        m.insert(k.clone(), row.get_index(i).map_or(Value::Null, Value::from));
                    }
                    m
                })
                .collect();
            let max = self.policy.max_rows;
            let note = if capped {
                Some(format!("max_rows was lowered to {rows}, the most this server returns"))
            } else if r.is_truncated() && args.max_rows.is_none() && rows < max {
                Some(format!(
                    "{rows} rows returned, the default; more rows matched: ask with max_rows (up to {max})"
                ))
            } else if r.is_truncated() && rows < max {
                Some(format!(
                    "the limit of {} was reached; more rows matched: ask with a higher max_rows (up to {max})",
                    crate::commands::count(rows as usize, "row")
                ))
            } else if r.is_truncated() {
                Some(format!(
                    "the limit of {} was reached, the most this server returns; more rows matched: narrow the query",
                    crate::commands::count(rows as usize, "row")
                ))
            } else {
                None
            };
            let out = QueryOutput {
                headers: r.headers.clone(),
                row_count: objects.len(),
                rows: objects,
                truncated: r.is_truncated(),
                translated_query: r.translated_query.clone(),
                execution_time_ms: r.execution_time.as_millis() as u64,
                committed: args.sql.then_some(commit),
                note,
                cut: Cut::default(),
            };
            object(&out).map_or_else(Answer::Error, Answer::Ok)
        })
        .await
    }

    /// A type's attribute names, from HAC's ImpEx editor.
    #[tool(
        description = "Look up a SAP Commerce item type: whether it exists and its attribute names (qualifiers, inherited ones included), to write correct FlexibleSearch or ImpEx. For an unknown type, similar type codes are suggested."
    )]
    async fn type_info(
        &self,
        Parameters(args): Parameters<TypeInfoArgs>,
    ) -> Result<CallToolResult, rmcp::ErrorData> {
        self.answer("type_info", &args, async {
            let code = args.type_code.trim();
            if code.is_empty() || code.contains(['%', '_']) {
                return Answer::Error("give a type code without wildcards, e.g. Product".into());
            }
            let out = match self.hac.type_attributes(code).await {
                Ok(Some(attributes)) => TypeInfoOutput {
                    type_code: code.to_owned(),
                    exists: true,
                    attributes,
                    similar_types: None,
                    cut: Cut::default(),
                },
                Ok(None) => {
                    let prefix: String = code.chars().take(3).collect();
                    let similar = self.hac.types(&prefix).await.unwrap_or_default();
                    TypeInfoOutput {
                        type_code: code.to_owned(),
                        exists: false,
                        attributes: Vec::new(),
                        similar_types: Some(similar),
                        cut: Cut::default(),
                    }
                }
                Err(e) => return e.into(),
            };
            object(&out).map_or_else(Answer::Error, Answer::Ok)
        })
        .await
    }
}
