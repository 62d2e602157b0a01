//! `hac mcp` driven as MCP hosts drive it: a child process on stdio, an MCP client
//! (rmcp's), against the fake HAC. Tools and schemas, each tool's success and failure, the
//! guard's refusals, the caps, the audit log, a session that dies mid-conversation and
//! malformed requests (also as raw lines on stdin).
#![cfg(feature = "mcp")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;

use common::{PASSWORD, USER};
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
    let dir = TempDir::new().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.agent]\nurl = \"{}\"\nuser = \"{USER}\"\n{profile}\n",
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_have_schemas_an_agent_can_act_on() {
    let fake = fake();
    let s = start(&fake, "").await;
    let info = s.client.peer_info().expect("server info");
    assert_eq!(info.server_info.as_ref().unwrap().name, "hac");
    assert!(info.instructions.as_deref().unwrap().contains("read-only"));
    let tools = s.client.list_all_tools().await.unwrap();
    let mut names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "execute_groovy",
            "flexible_search",
            "import_impex",
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
    }
    let fs = tools.iter().find(|t| t.name == "flexible_search").unwrap();
    let props = fs.input_schema["properties"].as_object().unwrap();
    for p in ["query", "max_rows", "sql", "locale", "user"] {
        assert!(props.contains_key(p), "{p}");
    }
    assert_eq!(fs.input_schema["required"], json!(["query"]));
    let groovy = tools.iter().find(|t| t.name == "execute_groovy").unwrap();
    assert!(groovy.input_schema["properties"].get("commit").is_some());
    let ti = tools.iter().find(|t| t.name == "type_info").unwrap();
    assert_eq!(ti.input_schema["required"], json!(["type"]));
    s.client.cancel().await.unwrap();
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_unless_the_profile_allows_writes() {
    let fake = fake();
    let s = start(&fake, "").await;
    let before = fake.stats().requests;
    for (tool, args) in [
        (
            "execute_groovy",
            json!({"script": "println 1", "commit": true}),
        ),
        (
            "import_impex",
            json!({"script": "INSERT_UPDATE Product;code[unique=true]\n;x\n"}),
        ),
        (
            "flexible_search",
            json!({"query": "UPDATE products SET p_name = 'x'", "sql": true}),
        ),
    ] {
        let r = call(&s, tool, args).await;
        assert!(is_error(&r), "{tool}");
        assert!(text(&r).contains("refused"), "{tool}: {}", text(&r));
        assert!(
            text(&r).contains("mcp_allow_writes"),
            "{tool}: {}",
            text(&r)
        );
    }
    assert_eq!(fake.stats().requests, before, "nothing was sent");
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
    s.client.cancel().await.unwrap();

    // Protected or read-only profiles never allow them, whatever the flag.
    for guard in ["protected = true", "read_only = true"] {
        let s = start(&fake, &format!("mcp_allow_writes = true\n{guard}")).await;
        let r = call(
            &s,
            "execute_groovy",
            json!({"script": "println 1", "commit": true}),
        )
        .await;
        assert!(is_error(&r));
        let why = text(&r);
        assert!(
            why.contains("protected") || why.contains("read-only"),
            "{why}"
        );
        let r = call(&s, "execute_groovy", json!({"script": "return 1"})).await;
        assert!(!is_error(&r), "reads still work: {}", text(&r));
        s.client.cancel().await.unwrap();
    }
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
    assert!(serde_json::to_string(v).unwrap().len() <= 2000);
    assert_eq!(v["truncated"], true);
    assert!(v["cut_here"].as_str().unwrap().contains("rows:"), "{v}");
    let sent = fake.last_request("/console/flexsearch/execute").unwrap();
    assert_eq!(sent.form_value("maxCount").as_deref(), Some("50"));
    let script = "println 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'\n".repeat(400);
    let r = call(&s, "execute_groovy", json!({ "script": script })).await;
    let v = structured(&r);
    assert!(serde_json::to_string(v).unwrap().len() <= 2000);
    assert!(v["output"].as_str().unwrap().ends_with("[cut here]"));
    assert!(
        v["cut_here"]
            .as_str()
            .unwrap()
            .contains("mcp_max_result_bytes")
    );
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
    s.client.cancel().await.unwrap();
    let lines = audit_lines(&s.audit);
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines
            .iter()
            .map(|l| l["outcome"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["ok", "refused", "error"]
    );
    for l in &lines {
        assert_eq!(l["profile"], "agent");
        for k in ["time", "tool", "args", "duration_ms"] {
            assert!(l.get(k).is_some(), "{k} in {l}");
        }
    }
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
