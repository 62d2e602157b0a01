//! `hac mcp` driven as MCP hosts drive it: a child process on stdio, an MCP client
//! (rmcp's), against the fake HAC. Tools and schemas, each tool's success and failure, the
//! guard's refusals, the caps, the audit log, a session that dies mid-conversation and
//! malformed requests (also as raw lines on stdin).
#![cfg(feature = "mcp")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;

use common::{PASSWORD, USER, write_config};
use hac_fake::FakeHac;
use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::RunningService;
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{Value, json};
use tempfile::TempDir;

struct Session {
    client: RunningService<RoleClient, ()>,
    audit: PathBuf,
    _dir: TempDir,
}

/// Starts `hac mcp` for `profile` (a TOML table body added to `[profiles.agent]`).
async fn start(fake: &FakeHac, profile: &str) -> Session {
    start_with(fake, profile, "").await
}

/// As [`start`], with more of the configuration file (other profiles).
async fn start_with(fake: &FakeHac, profile: &str, more: &str) -> Session {
    let dir = TempDir::new().unwrap();
    let config = dir.path().join("config.toml");
    write_config(
        &config,
        format!(
            "[profiles.agent]\nurl = \"{}\"\nuser = \"{USER}\"\n{profile}\n\n{more}",
            fake.url()
        ),
    )
    .unwrap();
    let audit = dir.path().join("state").join("audit.jsonl");
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_hac"));
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("HAC_") {
            cmd.env_remove(&k);
        }
    }
    cmd.env("HAC_CONFIG", &config)
        .env("HAC_PROFILE", "agent")
        .env("HAC_PASSWORD", PASSWORD)
        .env("HAC_CACHE_DIR", dir.path().join("cache"))
        .arg("mcp")
        .arg("--audit-log")
        .arg(&audit);
    let (transport, _) = TokioChildProcess::builder(cmd)
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn hac mcp");
    let client = ().serve(transport).await.expect("initialize");
    Session {
        client,
        audit,
        _dir: dir,
    }
}

fn fake() -> FakeHac {
    FakeHac::builder()
        .context_path("/hac")
        .user(USER, PASSWORD)
        .generated_rows(3_000)
        .start()
}

async fn call(s: &Session, tool: &str, args: Value) -> CallToolResult {
    let Value::Object(map) = args else {
        panic!("arguments must be an object")
    };
    s.client
        .call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(map))
        .await
        .unwrap_or_else(|e| panic!("{tool}: {e}"))
}

fn structured(r: &CallToolResult) -> &Value {
    r.structured_content.as_ref().expect("structured content")
}

fn text(r: &CallToolResult) -> String {
    serde_json::to_string(&r.content).unwrap()
}

fn is_error(r: &CallToolResult) -> bool {
    r.is_error == Some(true)
}

fn audit_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The tools a profile offers, sorted.
async fn tool_names(s: &Session) -> Vec<String> {
    let mut names: Vec<String> = s
        .client
        .list_all_tools()
        .await
        .unwrap()
        .iter()
        .map(|t| t.name.to_string())
        .collect();
    names.sort();
    names
}

const READ_TOOLS: [&str; 7] = [
    "diff",
    "flexible_search",
    "pending_patches",
    "type_info",
    "update_data",
    "update_log",
    "validate_impex",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_have_schemas_an_agent_can_act_on() {
    let fake = fake();
    let s = start(&fake, "").await;
    let info = s.client.peer_info().expect("server info");
    assert_eq!(info.server_info.as_ref().unwrap().name, "hac");
    let instructions = info.instructions.as_deref().unwrap();
    assert!(
        instructions.contains("Writes are not allowed"),
        "{instructions}"
    );
    assert!(instructions.contains("arbitrary code"), "{instructions}");
    let tools = s.client.list_all_tools().await.unwrap();
    assert_eq!(
        tool_names(&s).await,
        [
            "diff",
            "execute_groovy",
            "flexible_search",
            "pending_patches",
            "type_info",
            "update_data",
            "update_log",
            "validate_impex"
        ]
    );
    for t in &tools {
        assert!(
            t.description.as_deref().unwrap_or("").len() > 40,
            "{}",
            t.name
        );
        assert_eq!(
            t.input_schema.get("type"),
            Some(&json!("object")),
            "{}",
            t.name
        );
        let out = t
            .output_schema
            .as_ref()
            .unwrap_or_else(|| panic!("{}: no output schema", t.name));
        assert_eq!(out.get("type"), Some(&json!("object")), "{}", t.name);
        assert!(out.get("properties").is_some(), "{}", t.name);
        let a = t
            .annotations
            .as_ref()
            .unwrap_or_else(|| panic!("{}: no annotations", t.name));
        for hint in [
            a.read_only_hint,
            a.destructive_hint,
            a.idempotent_hint,
            a.open_world_hint,
        ] {
            assert!(hint.is_some(), "{}: every hint is set: {a:?}", t.name);
        }
        let read = t.name != "execute_groovy";
        assert_eq!(a.read_only_hint, Some(read), "{}", t.name);
        assert_eq!(a.destructive_hint, Some(!read), "{}", t.name);
    }
    let fs = tools.iter().find(|t| t.name == "flexible_search").unwrap();
    let props = fs.input_schema["properties"].as_object().unwrap();
    for p in ["query", "max_rows", "sql", "locale", "user"] {
        assert!(props.contains_key(p), "{p}");
    }
    assert_eq!(fs.input_schema["required"], json!(["query"]));
    let out = fs.output_schema.as_ref().unwrap();
    for p in ["rows", "row_count", "truncated", "headers"] {
        assert!(out["properties"].get(p).is_some(), "{p}");
    }
    let groovy = tools.iter().find(|t| t.name == "execute_groovy").unwrap();
    assert!(groovy.input_schema["properties"].get("commit").is_some());
    let description = groovy.description.as_deref().unwrap();
    assert!(
        description.contains("arbitrary code") && description.contains("database transaction"),
        "{description}"
    );
    assert_eq!(
        groovy.annotations.as_ref().unwrap().open_world_hint,
        Some(true)
    );
    let ti = tools.iter().find(|t| t.name == "type_info").unwrap();
    assert_eq!(ti.input_schema["required"], json!(["type"]));
    s.client.cancel().await.unwrap();
}

/// A tool the profile can never run is not listed; the annotations say what a tool can
/// do on this server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_profile_kind_lists_only_what_it_can_run() {
    let fake = fake();
    let mut all: Vec<&str> = READ_TOOLS.to_vec();
    all.extend(["execute_groovy", "import_impex"]);
    all.sort();
    let mut with_groovy: Vec<&str> = READ_TOOLS.to_vec();
    with_groovy.push("execute_groovy");
    with_groovy.sort();
    let mut with_import: Vec<&str> = READ_TOOLS.to_vec();
    with_import.push("import_impex");
    with_import.sort();
    for (profile, expected, writes) in [
        ("", with_groovy.clone(), false),
        ("mcp_allow_writes = true", all.clone(), true),
        ("mcp_allow_groovy = false", READ_TOOLS.to_vec(), false),
        (
            "mcp_allow_writes = true\nmcp_allow_groovy = false",
            with_import,
            true,
        ),
        ("protected = true", READ_TOOLS.to_vec(), false),
        ("read_only = true", READ_TOOLS.to_vec(), false),
        (
            "protected = true\nmcp_allow_writes = true",
            READ_TOOLS.to_vec(),
            false,
        ),
        (
            "read_only = true\nmcp_allow_writes = true\nmcp_allow_groovy = true",
            READ_TOOLS.to_vec(),
            false,
        ),
    ] {
        let s = start(&fake, profile).await;
        assert_eq!(tool_names(&s).await, expected, "{profile:?}");
        let tools = s.client.list_all_tools().await.unwrap();
        let fs = tools.iter().find(|t| t.name == "flexible_search").unwrap();
        let a = fs.annotations.as_ref().unwrap();
        assert_eq!(a.read_only_hint, Some(!writes), "{profile:?}");
        assert_eq!(a.destructive_hint, Some(writes), "{profile:?}");
        if let Some(import) = tools.iter().find(|t| t.name == "import_impex") {
            let a = import.annotations.as_ref().unwrap();
            assert_eq!(
                (a.read_only_hint, a.destructive_hint),
                (Some(false), Some(true))
            );
            // Importing twice is not importing once (INSERT lines), and it reaches only
            // this one server.
            assert_eq!(
                (a.idempotent_hint, a.open_world_hint),
                (Some(false), Some(false)),
                "{a:?}"
            );
            let out = import.output_schema.as_ref().expect("an output schema");
            assert!(out["properties"].get("success").is_some(), "{out:?}");
        }
        // Every tool the profile lists, whatever the profile, has an output schema.
        for t in &tools {
            assert!(t.output_schema.is_some(), "{profile:?}: {}", t.name);
        }
        s.client.cancel().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_tool_succeeds_and_fails_readably() {
    let fake = fake();
    let s = start(&fake, "").await;

    let r = call(
        &s,
        "flexible_search",
        json!({"query": "SELECT {pk}, {name} FROM {Product} WHERE {code} = '0004'"}),
    )
    .await;
    assert!(!is_error(&r), "{}", text(&r));
    let v = structured(&r);
    assert_eq!(
        v["rows"][0]["p_name"], "Café Müller & Co",
        "cells unescaped"
    );
    assert_eq!(v["row_count"], 1);
    assert_eq!(v["truncated"], false);
    assert!(v["translated_query"].as_str().unwrap().contains("products"));
    let r = call(
        &s,
        "flexible_search",
        json!({"query": "SELECT {pk} FROM {Prodcut}"}),
    )
    .await;
    assert!(is_error(&r));
    assert!(text(&r).contains("Prodcut"), "{}", text(&r));
    let r = call(
        &s,
        "flexible_search",
        json!({"query": "SELECT p_code FROM products", "sql": true, "max_rows": 2}),
    )
    .await;
    assert_eq!(structured(&r)["row_count"], 2);
    assert_eq!(structured(&r)["truncated"], true);

    let r = call(
        &s,
        "execute_groovy",
        json!({"script": "println 'hi'\nreturn 42"}),
    )
    .await;
    assert!(!is_error(&r));
    assert_eq!(structured(&r)["output"], "hi\n");
    assert_eq!(structured(&r)["result"], "42");
    assert_eq!(structured(&r)["committed"], false);
    let r = call(
        &s,
        "execute_groovy",
        json!({"script": "throw new IllegalStateException('boom')"}),
    )
    .await;
    assert!(is_error(&r));
    assert!(
        structured(&r)["stacktrace"]
            .as_str()
            .unwrap()
            .contains("boom")
    );

    let r = call(
        &s,
        "validate_impex",
        json!({"script": "INSERT_UPDATE Product;code[unique=true];name\n;P-1;Camera\n"}),
    )
    .await;
    assert!(!is_error(&r), "{}", text(&r));
    let r = call(
        &s,
        "validate_impex",
        json!({"script": "INSERT_UPDATE Product;code[unique=true];colour\n;x;red\n"}),
    )
    .await;
    assert!(is_error(&r), "{}", text(&r));
    assert!(text(&r).contains("unknown attributes"), "{}", text(&r));

    for tool in ["update_data", "pending_patches", "update_log"] {
        let r = call(&s, tool, json!({})).await;
        assert!(!is_error(&r), "{tool}: {}", text(&r));
        assert!(structured(&r).is_object());
    }

    let r = call(&s, "type_info", json!({"type": "product"})).await;
    assert_eq!(structured(&r)["exists"], true);
    assert!(
        structured(&r)["attributes"]
            .as_array()
            .unwrap()
            .contains(&json!("code"))
    );
    let r = call(&s, "type_info", json!({"type": "Prodcut"})).await;
    assert_eq!(structured(&r)["exists"], false);
    assert!(
        structured(&r)["similar_types"]
            .as_array()
            .unwrap()
            .contains(&json!("Product"))
    );
    s.client.cancel().await.unwrap();
}

/// A refusal names the policy and its owner, and never a way around it.
#[track_caller]
fn assert_refused_without_a_recipe(r: &CallToolResult) {
    let why = text(r);
    assert!(is_error(r), "{why}");
    assert!(why.contains("refused, nothing was sent"), "{why}");
    assert!(why.contains("owner sets it"), "{why}");
    for recipe in [
        "mcp_allow",
        "unless",
        "terminal",
        "run them",
        "--yes",
        "config",
    ] {
        assert!(!why.contains(recipe), "{recipe:?} in {why}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_only_where_the_profile_allows_them() {
    let fake = fake();
    let s = start(&fake, "").await;
    let before = fake.stats().requests;
    for (tool, args) in [
        (
            "execute_groovy",
            json!({"script": "println 1", "commit": true}),
        ),
        (
            "flexible_search",
            json!({"query": "UPDATE products SET p_name = 'x'", "sql": true}),
        ),
        (
            "flexible_search",
            json!({"query": "DROP TABLE products", "sql": true}),
        ),
        // A plain query with commit, and DML behind a query's first word: writes.
        (
            "flexible_search",
            json!({"query": "SELECT p_code FROM products", "sql": true, "commit": true}),
        ),
        (
            "flexible_search",
            json!({"query": "WITH x AS (SELECT 1) DELETE FROM products", "sql": true}),
        ),
        (
            "flexible_search",
            json!({"query": "WITH d AS (DELETE FROM products RETURNING pk) SELECT * FROM d", "sql": true, "commit": true}),
        ),
        (
            "flexible_search",
            json!({"query": "SELECT 1; DROP TABLE products", "sql": true}),
        ),
        (
            "flexible_search",
            json!({"query": "SELECT pg_terminate_backend(1)", "sql": true}),
        ),
    ] {
        let r = call(&s, tool, args.clone()).await;
        assert_refused_without_a_recipe(&r);
        assert!(text(&r).contains("no writes"), "{args}: {}", text(&r));
    }
    // Not offered, so not callable.
    let err = s
        .client
        .call_tool(
            CallToolRequestParams::new("import_impex").with_arguments(
                json!({"script": "INSERT_UPDATE Product;code[unique=true]\n;x\n"})
                    .as_object()
                    .unwrap()
                    .clone(),
            ),
        )
        .await;
    assert!(err.is_err() || err.as_ref().is_ok_and(is_error), "{err:?}");
    assert_eq!(fake.stats().requests, before, "nothing was sent");
    assert_eq!(fake.stats().commits, 0);
    // A SQL query that reads is a read.
    let r = call(
        &s,
        "flexible_search",
        json!({"query": "SELECT p_code FROM products", "sql": true}),
    )
    .await;
    assert!(!is_error(&r), "{}", text(&r));
    assert_eq!(structured(&r)["committed"], false);
    s.client.cancel().await.unwrap();

    // Allowed by the profile: the writes run.
    let s = start(&fake, "mcp_allow_writes = true").await;
    let r = call(
        &s,
        "execute_groovy",
        json!({"script": "println 1", "commit": true}),
    )
    .await;
    assert!(!is_error(&r), "{}", text(&r));
    assert_eq!(structured(&r)["committed"], true);
    assert_eq!(fake.stats().commits, 1);
    let r = call(
        &s,
        "import_impex",
        json!({"script": "INSERT_UPDATE Product;code[unique=true];name\n;P-9;Lens\n"}),
    )
    .await;
    assert!(!is_error(&r), "{}", text(&r));
    let r = call(&s, "flexible_search", json!({"query": "UPDATE products SET p_name = 'x' WHERE p_code = '0001'", "sql": true, "commit": true})).await;
    assert!(!is_error(&r), "{}", text(&r));
    assert_eq!(structured(&r)["committed"], true);
    // Code execution inside an import is allowed only where Groovy is.
    s.client.cancel().await.unwrap();
    let s = start(&fake, "mcp_allow_writes = true\nmcp_allow_groovy = false").await;
    let r = call(
        &s,
        "import_impex",
        json!({"script": "INSERT_UPDATE Product;code[unique=true]\n;x\n", "enable_code_execution": true}),
    )
    .await;
    assert_refused_without_a_recipe(&r);
    assert!(text(&r).contains("no code execution"), "{}", text(&r));
    s.client.cancel().await.unwrap();

    // Protected or read-only profiles: reads only, whatever the flags; Groovy is not
    // offered at all (rolled back or not, it runs code).
    for guard in ["protected = true", "read_only = true"] {
        let s = start(&fake, &format!("mcp_allow_writes = true\n{guard}")).await;
        let before = fake.stats().requests;
        let err = s
            .client
            .call_tool(
                CallToolRequestParams::new("execute_groovy")
                    .with_arguments(json!({"script": "return 1"}).as_object().unwrap().clone()),
            )
            .await;
        assert!(err.is_err() || err.as_ref().is_ok_and(is_error), "{err:?}");
        let r = call(
            &s,
            "flexible_search",
            json!({"query": "DELETE FROM products", "sql": true}),
        )
        .await;
        assert_refused_without_a_recipe(&r);
        assert!(text(&r).contains("reads only"), "{}", text(&r));
        assert_eq!(fake.stats().requests, before, "{guard}: nothing was sent");
        let r = call(
            &s,
            "flexible_search",
            json!({"query": "SELECT {pk} FROM {Product}"}),
        )
        .await;
        assert!(!is_error(&r), "reads still work: {}", text(&r));
        s.client.cancel().await.unwrap();
    }
    assert_eq!(fake.stats().commits, 2, "only the two allowed commits");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_and_bytes_are_capped() {
    let fake = fake();
    let s = start(&fake, "mcp_max_rows = 50\nmcp_max_result_bytes = 2000").await;
    let r = call(
        &s,
        "flexible_search",
        json!({"query": "SELECT {pk}, {code} FROM {Generated}", "max_rows": 100000}),
    )
    .await;
    assert!(!is_error(&r));
    let v = structured(&r);
    assert!(v["note"].as_str().unwrap().contains("lowered to 50"));
    // The whole result, text copy and structured content together, within the cap.
    assert!(
        serde_json::to_string(&r).unwrap().len() <= 2000,
        "{}",
        serde_json::to_string(&r).unwrap().len()
    );
    assert_eq!(v["truncated"], true);
    assert_eq!(v["cut_to_fit"], true);
    let kept = v["rows"].as_array().unwrap().len();
    assert_eq!(v["row_count"], kept, "the count matches what was kept");
    assert!(
        v["cut_here"]
            .as_str()
            .unwrap()
            .contains(&format!("rows: {kept} of 50 items kept")),
        "{v}"
    );
    let sent = fake.last_request("/console/flexsearch/execute").unwrap();
    assert_eq!(sent.form_value("maxCount").as_deref(), Some("50"));
    let script = "println 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'\n".repeat(400);
    let r = call(&s, "execute_groovy", json!({ "script": script })).await;
    let v = structured(&r);
    assert!(serde_json::to_string(&r).unwrap().len() <= 2000);
    assert!(v["output"].as_str().unwrap().ends_with("[cut here]"));
    assert!(
        v["cut_here"]
            .as_str()
            .unwrap()
            .contains("mcp_max_result_bytes")
    );
    // Under the cap nothing is cut, and the default row count is an agent's, not 500.
    let s2 = start(&fake, "").await;
    let r = call(
        &s2,
        "flexible_search",
        json!({"query": "SELECT {pk}, {code} FROM {Generated}"}),
    )
    .await;
    let v = structured(&r);
    assert_eq!(v["row_count"], 50);
    assert!(v.get("cut_to_fit").is_none(), "{v}");
    assert!(
        v["note"]
            .as_str()
            .unwrap()
            .contains("ask with max_rows (up to 500)"),
        "{v}"
    );
    let r = call(
        &s2,
        "flexible_search",
        json!({"query": "SELECT {pk}, {code} FROM {Generated}", "max_rows": 400}),
    )
    .await;
    assert_eq!(
        structured(&r)["row_count"],
        400,
        "100,000 bytes hold 400 short rows"
    );
    assert!(structured(&r).get("cut_to_fit").is_none());
    s2.client.cancel().await.unwrap();
    s.client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_leaves_an_audit_line_and_no_secret() {
    let fake = fake();
    let s = start(&fake, "").await;
    call(
        &s,
        "flexible_search",
        json!({"query": "SELECT {pk} FROM {Product}", "max_rows": 1}),
    )
    .await;
    call(
        &s,
        "execute_groovy",
        json!({"script": format!("// {}\nreturn 1", "y".repeat(5000)), "commit": true}),
    )
    .await;
    call(
        &s,
        "flexible_search",
        json!({"query": "SELECT {pk} FROM {Nope}"}),
    )
    .await;
    let _ = s
        .client
        .call_tool(
            CallToolRequestParams::new("flexible_search")
                .with_arguments(json!({"max_rows": "many"}).as_object().unwrap().clone()),
        )
        .await;
    let _ = s
        .client
        .call_tool(CallToolRequestParams::new("drop_database"))
        .await;
    s.client.cancel().await.unwrap();
    let lines = audit_lines(&s.audit);
    assert_eq!(
        lines
            .iter()
            .map(|l| l["outcome"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["ok", "refused", "error", "malformed", "unknown_tool"]
    );
    for l in &lines {
        assert_eq!(l["profile"], "agent");
        for k in ["time", "tool", "args", "duration_ms"] {
            assert!(l.get(k).is_some(), "{k} in {l}");
        }
        // ISO 8601 / RFC 3339, in UTC: 2026-12-07T10:11:12.345Z
        let time = l["time"].as_str().unwrap();
        assert!(
            time.len() == 24 && time.as_bytes()[10] == b'T' && time.ends_with('Z'),
            "{time}"
        );
    }
    assert_eq!(lines[4]["tool"], "drop_database");
    let script = format!("// {}\nreturn 1", "y".repeat(5000));
    assert_eq!(
        lines[1]["script_blake3"].as_str().unwrap(),
        blake3::hash(script.as_bytes()).to_hex().as_str(),
        "the whole script's hash beside the preview"
    );
    assert!(
        lines[1]["args"]["script"]
            .as_str()
            .unwrap()
            .ends_with("characters)")
    );
    let raw = std::fs::read_to_string(&s.audit).unwrap();
    assert!(!raw.contains(PASSWORD));
    assert!(!raw.contains("JSESSIONID"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&s.audit).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let dir = std::fs::metadata(s.audit.parent().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(dir & 0o777, 0o700);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_session_is_renewed_once_and_bad_requests_do_not_stop_the_server() {
    let fake = fake();
    let s = start(&fake, "").await;
    let r = call(&s, "execute_groovy", json!({"script": "return 1"})).await;
    assert!(!is_error(&r));
    assert_eq!(fake.stats().logins, 1);
    fake.expire_sessions();
    let r = call(&s, "execute_groovy", json!({"script": "return 2"})).await;
    assert!(!is_error(&r), "{}", text(&r));
    assert_eq!(structured(&r)["result"], "2");
    assert_eq!(fake.stats().logins, 2, "one re-login");

    // Arguments of the wrong shape and an unknown tool: MCP errors, and the server goes on.
    let Value::Object(bad) = json!({"max_rows": "many"}) else {
        unreachable!()
    };
    let err = s
        .client
        .call_tool(CallToolRequestParams::new("flexible_search").with_arguments(bad))
        .await;
    assert!(err.is_err() || err.as_ref().is_ok_and(is_error), "{err:?}");
    let err = s
        .client
        .call_tool(CallToolRequestParams::new("drop_database"))
        .await;
    assert!(err.is_err() || err.as_ref().is_ok_and(is_error), "{err:?}");
    let r = call(&s, "execute_groovy", json!({"script": "return 3"})).await;
    assert_eq!(structured(&r)["result"], "3");
    s.client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_failures_are_tool_errors_and_calls_are_bounded() {
    let fake = fake();
    let s = start(&fake, "timeout = \"1s\"").await;
    let broken =
        || hac_fake::Response::new(500, "text/html", "<html><body>Internal error</body></html>");
    for (tool, path) in [
        ("update_data", "/platform/init/data"),
        ("pending_patches", "/platform/init/pendingPatches"),
        ("type_info", "/console/impex/typeAndAttributes"),
    ] {
        // The login happens first; the override answers the tool's own request.
        let _ = call(&s, "execute_groovy", json!({"script": "return 0"})).await;
        fake.push_override(path, broken());
        let args = if tool == "type_info" {
            json!({"type": "Product"})
        } else {
            json!({})
        };
        let r = call(&s, tool, args).await;
        assert!(is_error(&r), "{tool}: {}", text(&r));
        assert!(text(&r).contains("500"), "{tool}: {}", text(&r));
    }
    fake.push_override(
        "/initlog/log",
        hac_fake::Response::new(200, "application/json", "{}"),
    );
    let r = call(&s, "update_log", json!({})).await;
    assert!(is_error(&r), "update_log: {}", text(&r));
    // A server that does not answer in time: an error, and the server goes on.
    let started = std::time::Instant::now();
    let r = call(
        &s,
        "execute_groovy",
        json!({"script": "Thread.sleep(5000)\nreturn 1"}),
    )
    .await;
    assert!(is_error(&r), "{}", text(&r));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let r = call(&s, "type_info", json!({"type": "User"})).await;
    assert!(!is_error(&r), "{}", text(&r));
    s.client.cancel().await.unwrap();
}

/// The per-call bound (three request timeouts) holds when every request is in time but
/// there are many: on a slow server, a dead session's call, re-login and retry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_call_bound_is_reached_by_many_requests_each_in_time() {
    let fake = fake();
    let s = start(&fake, "timeout = \"1s\"").await;
    let r = call(&s, "type_info", json!({"type": "User"})).await;
    assert!(!is_error(&r), "{}", text(&r));
    // Each request now takes 0.8 s of the 1 s timeout; the call, the login (page, form,
    // redirect) and the retry take 4 s in all: past the 3 s bound.
    fake.set_delay(std::time::Duration::from_millis(800));
    fake.expire_sessions();
    let started = std::time::Instant::now();
    let r = call(&s, "type_info", json!({"type": "User"})).await;
    let took = started.elapsed();
    assert!(is_error(&r), "{}", text(&r));
    assert!(
        text(&r).contains("no answer within 3s (the per-call limit)"),
        "{}",
        text(&r)
    );
    // Not before the bound (no single request timed out), and not much after it.
    assert!(took >= std::time::Duration::from_secs(3), "{took:?}");
    assert!(took < std::time::Duration::from_secs(8), "{took:?}");
    let last = audit_lines(&s.audit).pop().unwrap();
    assert_eq!(last["outcome"], "error", "{last}");
    fake.set_delay(std::time::Duration::ZERO);
    s.client.cancel().await.unwrap();
}

/// Lines that are not MCP, written straight to the server's stdin as a broken host might.
/// Well-formed JSON of the wrong shape gets a JSON-RPC "Invalid Request" error; a line that
/// is not JSON at all gets no answer (the MCP SDKs ignore unparsable input: there is no id
/// to answer to, and an answer could start an error storm with a peer that echoes). Either
/// way the server goes on answering.
#[test]
fn broken_json_rpc_lines_do_not_stop_the_server() {
    use std::io::{BufRead, BufReader, Write};
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_hac"));
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("HAC_") {
            cmd.env_remove(&k);
        }
    }
    let mut child = cmd
        .env("HAC_CONFIG", "/dev/null")
        .env("HAC_URL", fake.url())
        .env("HAC_PASSWORD", PASSWORD)
        .env("HAC_CACHE_DIR", dir.path().join("cache"))
        .args(["mcp", "--audit-log"])
        .arg(dir.path().join("audit.jsonl"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // A watchdog: a server that stops answering fails the test instead of hanging it.
    let pid = child.id().to_string();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(60));
        let _ = std::process::Command::new("kill").arg(&pid).status();
    });
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut answer = || -> Value { serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap() };
    let mut send = |line: &str| writeln!(stdin, "{line}").unwrap();

    send(
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#,
    );
    assert_eq!(answer()["id"], 1);
    send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
    send("this is not JSON");
    send(r#"{"jsonrpc":"2.0","id":7}"#);
    let e = answer();
    assert_eq!(e["error"]["code"], -32600, "{e}");
    send(r#"{"jsonrpc":"2.0","id":2,"method":"no/such/method"}"#);
    let e = answer();
    assert_eq!(
        (e["id"].clone(), e["error"]["code"].clone()),
        (json!(2), json!(-32601))
    );
    send(r#"{"jsonrpc":"2.0","id":3,"method":"tools/list"}"#);
    let list = answer();
    assert_eq!(list["id"], 3, "{list}");
    assert_eq!(list["result"]["tools"].as_array().unwrap().len(), 8);
    drop(stdin);
    assert!(
        child.wait().unwrap().success(),
        "stdin closed: a clean exit"
    );
}

/// The README's agent setups, each read from the README and started as that agent would:
/// the command, its arguments and its environment, against a read-only profile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_agent_setups_start_a_read_only_server() {
    let readme = include_str!("../../README.md");
    let block = |name: &str| -> &str {
        let marker = format!("<!-- agent-setup: {name} -->");
        let at = readme.find(&marker).unwrap_or_else(|| panic!("{marker}"));
        let rest = &readme[at..];
        let open = rest.find("```").unwrap();
        let body = &rest[open..];
        let start = body.find('\n').unwrap() + 1;
        let end = body[start..].find("```").unwrap();
        &body[start..start + end]
    };
    // (command, arguments, environment)
    type Setup = (String, Vec<String>, Vec<(String, String)>);
    let mut setups: Vec<Setup> = Vec::new();
    // Claude Code: `claude mcp add [--transport stdio] [--env K=V]... NAME -- COMMAND ARGS...`
    let line = block("claude-code").trim();
    let (flags, command) = line.split_once(" -- ").expect("a -- before the command");
    let words: Vec<&str> = flags.split_whitespace().collect();
    assert_eq!(&words[..3], ["claude", "mcp", "add"]);
    let env: Vec<(String, String)> = words
        .windows(2)
        .filter(|w| w[0] == "--env" || w[0] == "-e")
        .map(|w| {
            let (k, v) = w[1].split_once('=').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect();
    let mut command = command.split_whitespace().map(str::to_owned);
    setups.push((command.next().unwrap(), command.collect(), env));
    // VS Code (`servers`) and the `mcpServers` files.
    for (name, key) in [("vscode", "servers"), ("mcp-servers", "mcpServers")] {
        let v: Value = serde_json::from_str(block(name)).unwrap();
        let servers = v[key]
            .as_object()
            .unwrap_or_else(|| panic!("{name}: no {key}"));
        assert_eq!(v.as_object().unwrap().len(), 1, "{name}: one top-level key");
        for server in servers.values() {
            if name == "vscode" {
                assert_eq!(server["type"], "stdio");
            }
            let env = server["env"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect();
            let args = server["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_owned())
                .collect();
            setups.push((server["command"].as_str().unwrap().to_owned(), args, env));
        }
    }
    assert_eq!(setups.len(), 3);

    let fake = fake();
    for (command, args, env) in setups {
        assert_eq!(command, "hac");
        let dir = TempDir::new().unwrap();
        let config = dir.path().join("config.toml");
        let profile = env
            .iter()
            .find(|(k, _)| k == "HAC_PROFILE")
            .map(|(_, v)| v.clone())
            .expect("HAC_PROFILE");
        write_config(
            &config,
            format!(
                "[profiles.{profile}]\nurl = \"{}\"\nuser = \"{USER}\"\nread_only = true\npassword_command = \"echo {PASSWORD}\"\n",
                fake.url()
            ),
        )
        .unwrap();
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_hac"));
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("HAC_") {
                cmd.env_remove(&k);
            }
        }
        cmd.args(&args)
            .envs(env)
            .env("HAC_CONFIG", &config)
            .env("HAC_CACHE_DIR", dir.path().join("cache"))
            .env("HAC_MCP_AUDIT_LOG", dir.path().join("audit.jsonl"));
        let (transport, _) = TokioChildProcess::builder(cmd)
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let client = ().serve(transport).await.expect("initialize");
        let s = Session {
            client,
            audit: dir.path().join("audit.jsonl"),
            _dir: dir,
        };
        assert_eq!(tool_names(&s).await, READ_TOOLS, "{args:?}");
        let r = call(
            &s,
            "flexible_search",
            json!({"query": "SELECT {pk} FROM {Product}"}),
        )
        .await;
        assert!(!is_error(&r), "{}", text(&r));
        s.client.cancel().await.unwrap();
    }
}

/// An audit path that is a FIFO (or another non-regular file) is refused at start, without
/// hanging on the open.
#[cfg(unix)]
#[test]
fn a_fifo_audit_log_is_refused_without_hanging() {
    let dir = TempDir::new().unwrap();
    let fifo = dir.path().join("audit.fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for path in [
        fifo.as_path(),
        std::path::Path::new("/dev/null"),
        dir.path(),
    ] {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_hac"));
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("HAC_") {
                cmd.env_remove(&k);
            }
        }
        let mut child = cmd
            .env("HAC_CONFIG", "/dev/null")
            .env("HAC_URL", "http://127.0.0.1:1")
            .env("HAC_PASSWORD", PASSWORD)
            .env("HAC_CACHE_DIR", dir.path().join("cache"))
            .args(["mcp", "--audit-log"])
            .arg(path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > std::time::Duration::from_secs(20) {
                let _ = child.kill();
                panic!("{}: hac mcp hung on the audit path", path.display());
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let out = child.wait_with_output().unwrap();
        assert_eq!(status.code(), Some(2), "{}", path.display());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("not a regular file"),
            "{}: {err}",
            path.display()
        );
    }
}

/// A page's own masked token, echoed in an error page, reaches neither the agent nor the
/// audit log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_s_own_token_never_reaches_the_agent_or_the_audit_log() {
    let fake = fake();
    let s = start(&fake, "").await;
    let token = "cGFnZS1vd24tbWFza2VkLXRva2Vu";
    fake.push_override(
        "/console/flexsearch/execute",
        hac_fake::Response::new(
            500,
            "text/plain",
            format!("Error 500 <meta name=\"_csrf\" content=\"{token}\"/> j_password={PASSWORD}"),
        ),
    );
    let r = call(
        &s,
        "flexible_search",
        json!({"query": "SELECT {pk} FROM {Product}"}),
    )
    .await;
    assert!(is_error(&r));
    assert!(text(&r).contains("Error 500"), "{}", text(&r));
    s.client.cancel().await.unwrap();
    let audit = std::fs::read_to_string(&s.audit).unwrap();
    for secret in [token, PASSWORD] {
        assert!(!text(&r).contains(secret), "{}", text(&r));
        assert!(!audit.contains(secret), "{audit}");
    }
}

/// `diff`: this server against another profile's, read-only on both, secrets hidden.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diff_compares_this_server_with_another_profile() {
    let fake = fake();
    let other = FakeHac::builder()
        .context_path("/hac")
        .user(USER, PASSWORD)
        .config_property("my.flag", "on")
        .config_property("payment.secret", "other-side-secret")
        .extension("myextension", "1.0")
        .start();
    let s = start_with(
        &fake,
        "read_only = true",
        &format!(
            "[profiles.staging]\nurl = \"{}\"\nuser = \"{USER}\"\npassword_command = \"echo {PASSWORD}\"\nprotected = true\n",
            other.url()
        ),
    )
    .await;
    assert!(tool_names(&s).await.contains(&"diff".to_owned()));
    let r = call(&s, "diff", json!({"other": "staging", "what": "config"})).await;
    assert!(!is_error(&r), "{}", text(&r));
    let v = structured(&r);
    assert_eq!(v["equal"], false);
    let only: Vec<&str> = v["only_other"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap())
        .collect();
    assert_eq!(only, ["my.flag", "payment.secret"]);
    assert!(!text(&r).contains("other-side-secret"), "{}", text(&r));
    let r = call(
        &s,
        "diff",
        json!({"other": "staging", "what": "extensions"}),
    )
    .await;
    assert_eq!(structured(&r)["only_other"][0]["key"], "myextension");
    let r = call(&s, "diff", json!({"other": "nowhere", "what": "config"})).await;
    assert!(
        is_error(&r) && text(&r).contains("not a profile"),
        "{}",
        text(&r)
    );
    let r = call(&s, "diff", json!({"other": "staging", "what": "colours"})).await;
    assert!(is_error(&r), "{}", text(&r));
    s.client.cancel().await.unwrap();
}
