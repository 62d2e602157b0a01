//! `flexible_search` and `type_info`: reading data, and the type system an agent needs to
//! write correct FlexibleSearch.

use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use rmcp::{schemars, tool, tool_router};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use hac_client::{FlexibleSearch, RowLimit};

use super::{Answer, HacMcp, policy};

/// Arguments of `flexible_search`.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FlexibleSearchArgs {
    /// The query. FlexibleSearch by default, e.g. `SELECT {pk}, {code}, {name} FROM {Product} WHERE {code} LIKE 'A%'`; with `sql: true`, plain SQL on the database tables.
    pub query: String,
    /// Most rows to return. Capped by the server (the profile's mcp_max_rows, 500 by default); the answer says when more rows matched.
    pub max_rows: Option<u32>,
    /// The query is SQL, not FlexibleSearch. SQL that changes data (UPDATE, INSERT, DELETE, ...) is refused unless the profile allows writes.
    #[serde(default)]
    pub sql: bool,
    /// Locale for localized attributes such as {name}, e.g. `en`, `de`.
    pub locale: Option<String>,
    /// Run the query as this user (their search restrictions apply); the logged-in user by default.
    pub user: Option<String>,
    /// Commit SQL that changes data (only when the profile allows writes; rolled back otherwise).
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
        description = "Run a FlexibleSearch query (or SQL with sql=true) on SAP Commerce and get the rows as objects keyed by column name, with row_count, truncated (more rows matched than were returned) and translated_query (the SQL FlexibleSearch produced). Attributes in braces: SELECT {pk}, {code} FROM {Product} WHERE {catalogVersion} = 8796093153881. Use type_info to find attribute names. A query the server rejects comes back as an error with its message.",
        annotations(read_only_hint = false, open_world_hint = false)
    )]
    async fn flexible_search(
        &self,
        Parameters(args): Parameters<FlexibleSearchArgs>,
    ) -> Result<CallToolResult, rmcp::ErrorData> {
        self.answer("flexible_search", &args, async {
            if args.query.trim().is_empty() {
                return Answer::Error("the query is empty".into());
            }
            let dml = args.sql && policy::is_dml(&args.query);
            if dml && let Err(why) = self.policy.allow_write("SQL that changes data") {
                return Answer::Refused(why);
            }
            let (rows, capped) = self.policy.rows(args.max_rows);
            let mut q = if args.sql {
                FlexibleSearch::sql(args.query.clone())
            } else {
                FlexibleSearch::new(args.query.clone())
            }
            .max_count(RowLimit::Rows(rows))
            .commit(dml && args.commit);
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
            let objects: Vec<Value> = r
                .rows()
                .map(|row| {
                    let mut m = Map::new();
                    for (i, k) in keys.iter().enumerate() {
                        m.insert(k.clone(), row.get_index(i).map_or(Value::Null, Value::from));
                    }
                    Value::Object(m)
                })
                .collect();
            let mut out = json!({
                "headers": r.headers,
                "rows": objects,
                "row_count": r.len(),
                "truncated": r.is_truncated(),
                "translated_query": r.translated_query,
                "execution_time_ms": r.execution_time.as_millis() as u64,
            });
            if capped {
                out["note"] = Value::String(format!(
                    "max_rows was lowered to {rows}, the most this server returns"
                ));
            }
            if dml {
                out["committed"] = Value::Bool(args.commit);
            }
            Answer::Ok(out)
        })
        .await
    }

    /// A type's attribute names, from HAC's ImpEx editor.
    #[tool(
        description = "Look up a SAP Commerce item type: whether it exists and its attribute names (qualifiers, inherited ones included), to write correct FlexibleSearch or ImpEx. For an unknown type, similar type codes are suggested.",
        annotations(read_only_hint = true, open_world_hint = false)
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
            match self.hac.type_attributes(code).await {
                Ok(Some(attributes)) => Answer::Ok(json!({
                    "type": code, "exists": true, "attributes": attributes,
                })),
                Ok(None) => {
                    let prefix: String = code.chars().take(3).collect();
                    let similar = self.hac.types(&prefix).await.unwrap_or_default();
                    Answer::Ok(json!({
                        "type": code, "exists": false, "attributes": [], "similar_types": similar,
                    }))
                }
                Err(e) => e.into(),
            }
        })
        .await
    }
}
