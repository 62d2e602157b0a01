//! The `hac` binary, run as a real process against the fake HAC: output of each command in
//! each format, the exit code of each failure class, the session cache across runs, and
//! the password kept out of argv, stdout and stderr.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::*;
use hac_fake::{FakeHac, TlsMode};
use tempfile::TempDir;

#[test]
fn groovy_text_json_and_failure() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let url = fake.url();

    let o = run(
        with_password(hac(&url, dir.path())).arg("groovy"),
        "println 'hello'\nreturn 42\n",
    );
    assert_exit(&o, 0);
    // What it printed, then what it returned, apart; a result alone is the whole stdout.
    assert_eq!(stdout(&o), "hello\n--- result ---\n42\n");
    assert!(stderr(&o).contains("groovy: done"));
    let o = run(
        with_password(hac(&url, dir.path())).arg("groovy"),
        "return 42",
    );
    assert_eq!(stdout(&o), "42\n");

    // From a file, committed, as JSON.
    let script = dir.path().join("s.groovy");
    std::fs::write(&script, "println 'x'\nreturn 7").unwrap();
    let o = run(
        hac(&url, dir.path())
            .args(["groovy", "--commit", "--format", "json"])
            .arg(&script),
        "",
    );
    assert_exit(&o, 0);
    let v = json(&o);
    assert_eq!(v["result"], "7");
    assert_eq!(v["output"], "x\n");
    let sent = last_request(&fake, "/console/scripting/execute");
    assert_eq!(sent.form_value("commit").as_deref(), Some("true"));
    assert_eq!(sent.form_value("scriptType").as_deref(), Some("groovy"));
    assert_eq!(v["success"], true);
    assert!(v["elapsed_ms"].as_f64().unwrap() >= 0.0);

    // A script that throws: stack trace on stderr, exit 1.
    let o = run(
        hac(&url, dir.path()).args(["groovy", "-"]),
        "throw new Exception('boom')",
    );
    assert_exit(&o, 1);
    assert!(
        stderr(&o).contains("java.lang.Exception: boom"),
        "{}",
        stderr(&o)
    );
    assert_one_error_line(&o, "script failed");

    // Another script language.
    let o = run(
        hac(&url, dir.path()).args(["groovy", "--type", "beanshell", "-"]),
        "return 1",
    );
    assert_exit(&o, 0);
    let sent = last_request(&fake, "/console/scripting/execute");
    assert_eq!(sent.form_value("scriptType").as_deref(), Some("beanshell"));

    // One output contract: data on stdout only when it worked; json-result keeps the
    // whole result, the failure included.
    let o = run(
        hac(&url, dir.path()).args(["groovy", "--format", "json"]),
        "throw new Exception('boom')",
    );
    assert_exit(&o, 1);
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    assert!(stderr(&o).contains("boom"), "{}", stderr(&o));
    let o = run(
        hac(&url, dir.path()).args(["groovy", "--output", "json-result"]),
        "throw new Exception('boom')",
    );
    assert_exit(&o, 1);
    assert_eq!(json(&o)["success"], false);
}

#[test]
fn flexsearch_in_every_format() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let url = fake.url();
    let q = "SELECT {pk}, {code}, {name}, {description} FROM {Product}";
    let flex = |format: &str| {
        let mut c = with_password(hac(&url, dir.path()));
        run(
            c.args(["flexsearch", q, "--max", "3", "--format", format]),
            "",
        )
    };

    let o = flex("table");
    assert_exit(&o, 0);
    let table = stdout(&o);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 5, "{table}");
    assert!(
        lines[0].starts_with("PK ") && lines[0].contains("| p_code"),
        "{table}"
    );
    assert!(lines[1].starts_with("---"));
    assert!(lines[2].contains("Camera") && lines[2].contains("NULL"));
    assert!(
        lines[4].contains("Lens \"50mm\" <pro>"),
        "unescaped: {table}"
    );
    assert!(stderr(&o).contains("3 rows"));

    let o = flex("csv");
    assert_exit(&o, 0);
    let csv = stdout(&o);
    assert!(csv.starts_with("PK,p_code,p_name,p_description\n"), "{csv}");
    assert!(csv.contains("\"Lens \"\"50mm\"\" <pro>\""), "{csv}");
    assert_eq!(csv.lines().count(), 4);

    // json: an array of row objects (jq: .[].p_code).
    let o = flex("json");
    assert_exit(&o, 0);
    let v = json(&o);
    assert_eq!(v.as_array().unwrap().len(), 3);
    assert_eq!(v[2]["p_name"], "Lens \"50mm\" <pro>");
    assert!(v[0]["p_description"].is_null());

    // json-result: the library's whole result, rows as arrays.
    let o = flex("json-result");
    assert_exit(&o, 0);
    let v = json(&o);
    assert_eq!(v["headers"][1], "p_code");
    assert_eq!(v["rows"].as_array().unwrap().len(), 3);
    assert_eq!(v["rows"][0][3], serde_json::Value::Null);
    assert_eq!(v["rows"][2][2], "Lens \"50mm\" <pro>");
    assert!(v["exception"].is_null());
    assert!(
        v["translated_query"]
            .as_str()
            .unwrap()
            .starts_with("SELECT item_t0.PK")
    );

    let o = flex("jsonl");
    assert_exit(&o, 0);
    let rows: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["p_code"], "0001");
    assert!(rows[1]["p_name"].is_null());

    // Escaped cells come out as the database has them, in every format.
    let non_ascii =
        "SELECT {code}, {name}, {description} FROM {Product} WHERE {pk} > 8796093120513";
    for format in ["table", "csv", "json", "jsonl"] {
        let o = run(
            hac(&url, dir.path()).args(["flexsearch", non_ascii, "--format", format]),
            "",
        );
        assert_exit(&o, 0);
        let out = stdout(&o);
        let text = if format.starts_with("json") {
            // JSON may escape nothing here, but read it back to be sure.
            out.lines()
                .map(|l| {
                    serde_json::from_str::<serde_json::Value>(l)
                        .map(|v| v.to_string())
                        .unwrap_or_default()
                })
                .collect::<String>()
                + &out
        } else {
            out.clone()
        };
        for expected in ["Café Müller & Co", "中文名称", "😀", "O'Brien’s € 9"] {
            assert!(text.contains(expected), "{format}: {expected} in {out}");
        }
        assert!(
            !out.contains("&amp;") && !out.contains("&#"),
            "{format}: {out}"
        );
    }

    // No limit in one answer: --max all sends -1; --all reads pages ordered by PK.
    let o = run(
        hac(&url, dir.path()).args(["flexsearch", "SELECT {pk} FROM {Product}", "--max", "all"]),
        "",
    );
    assert_exit(&o, 0);
    let sent = last_request(&fake, "/console/flexsearch/execute");
    assert_eq!(sent.form_value("maxCount").as_deref(), Some("-1"));
    let o = run(
        hac(&url, dir.path()).args(["flexsearch", "SELECT {pk} FROM {Product}", "--all"]),
        "",
    );
    assert_exit(&o, 0);
    let sent = last_request(&fake, "/console/flexsearch/execute");
    assert_eq!(sent.form_value("maxCount").as_deref(), Some("10000"));
    assert_eq!(
        sent.form_value("flexibleSearchQuery").as_deref(),
        Some("SELECT {pk} FROM {Product} ORDER BY {pk} ASC")
    );

    // SQL, locale and user reach the server; the query can come from stdin.
    let o = run(
        hac(&url, dir.path()).args([
            "flexsearch",
            "-",
            "--sql",
            "--locale",
            "de",
            "--as-user",
            "anonymous",
            "--format",
            "csv",
        ]),
        "select * from products",
    );
    assert_exit(&o, 0);
    let sent = last_request(&fake, "/console/flexsearch/execute");
    assert_eq!(
        sent.form_value("sqlQuery").as_deref(),
        Some("select * from products")
    );
    assert_eq!(sent.form_value("locale").as_deref(), Some("de"));
    assert_eq!(sent.form_value("user").as_deref(), Some("anonymous"));

    // SQL DML with --commit and a data source.
    let o = run(
        hac(&url, dir.path()).args([
            "flexsearch",
            "--sql",
            "UPDATE products SET p_name = 'x' WHERE p_code = '0002'",
            "--commit",
            "--data-source",
            "master",
        ]),
        "",
    );
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("1 row(s) affected."), "{}", stdout(&o));
    let sent = last_request(&fake, "/console/flexsearch/execute");
    assert_eq!(sent.form_value("commit").as_deref(), Some("true"));
    assert_eq!(sent.form_value("dataSource").as_deref(), Some("master"));

    // A query the server rejects: exit 1 with its message, in every format.
    for format in ["table", "json", "json-result"] {
        let o = run(
            hac(&url, dir.path()).args([
                "flexsearch",
                "SELECT {pk} FROM {Prodcut}",
                "--format",
                format,
            ]),
            "",
        );
        assert_exit(&o, 1);
        assert_one_error_line(&o, "type code 'Prodcut' invalid");
        if format == "json-result" {
            assert_eq!(json(&o)["exception"], "type code 'Prodcut' invalid");
        } else {
            assert!(stdout(&o).is_empty(), "{format}: {}", stdout(&o));
        }
    }
}

#[test]
fn impex_import_and_validate() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let url = fake.url();
    let good = "INSERT_UPDATE Language;isocode[unique=true]\n;de\n";
    let file = dir.path().join("good.impex");
    std::fs::write(&file, good).unwrap();

    let o = run(
        with_password(hac(&url, dir.path()))
            .args(["impex", "import", "--validation", "relaxed", "--legacy"])
            .args(["--code-execution", "--threads", "3", "--distributed"])
            .args(["--direct-persistence"])
            .arg(&file),
        "",
    );
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "Import finished successfully\n");
    let sent = last_request(&fake, "/console/impex/import");
    assert_eq!(
        sent.form_value("validationEnum").as_deref(),
        Some("import_relaxed")
    );
    assert_eq!(sent.form_value("maxThreads").as_deref(), Some("3"));
    assert_eq!(sent.form_value("distributedMode").as_deref(), Some("true"));
    assert_eq!(sent.form_value("sldEnabled").as_deref(), Some("true"));
    assert_eq!(sent.form_value("legacyMode").as_deref(), Some("true"));
    assert_eq!(
        sent.form_value("enableCodeExecution").as_deref(),
        Some("true")
    );

    let o = run(
        hac(&url, dir.path()).args(["impex", "validate", "--format", "json"]),
        good,
    );
    assert_exit(&o, 0);
    assert_eq!(json(&o)["success"], true);
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.path.ends_with("/console/impex/import/validate"))
    );

    let bad = "INSERT_UPDATE Product;code[unique=true];colour\n;x;red\n";
    let o = run(hac(&url, dir.path()).args(["impex", "import", "-"]), bad);
    assert_exit(&o, 1);
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains("Import has encountered problems"));
    assert!(stderr(&o).contains("unknown attributes"));
    assert_one_error_line(&o, "ImpEx import failed");

    let o = run(
        hac(&url, dir.path()).args(["impex", "import", "--format", "json"]),
        bad,
    );
    assert_exit(&o, 1);
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    let o = run(
        hac(&url, dir.path()).args(["impex", "import", "--format", "json-result"]),
        bad,
    );
    assert_exit(&o, 1);
    let v = json(&o);
    assert_eq!(v["success"], false);
    let lines = v["lines"].as_array().unwrap();
    assert!(!lines.is_empty());
    assert!(
        lines
            .iter()
            .any(|l| l["line"].is_u64() && l["message"].is_string()),
        "{v}"
    );

    // A script with text HAC's XSS filter strips goes as a file upload; --upload forces it.
    let xss = "INSERT Language;isocode\n# a comment with eval(x)\n;de\n";
    let o = run(hac(&url, dir.path()).args(["impex", "import", "-"]), xss);
    assert_exit(&o, 0);
    assert!(
        fake.requests()
            .last()
            .unwrap()
            .path
            .ends_with("/import/upload")
    );
    let o = run(
        hac(&url, dir.path())
            .args(["impex", "import", "--upload"])
            .arg(&file),
        "",
    );
    assert_exit(&o, 0);
    let sent = fake.requests().pop().unwrap();
    assert!(sent.path.ends_with("/import/upload"));
    let parts = sent.multipart();
    assert_eq!(
        parts.iter().find(|p| p.name == "file").unwrap().text(),
        good
    );

    // The server refusing the form is a usage problem, with its message.
    let o = run(
        hac(&url, dir.path()).args(["impex", "import", "-"]),
        "INSERT Language;isocode\n;x",
    );
    assert_exit(&o, 0);
    fake.push_override(
        "/console/impex/import",
        hac_fake::Response::html(hac_fake::pages::impex_import(
            "/hac",
            "t",
            "u",
            "",
            "1",
            &hac_fake::pages::ImpexOutcome::FormErrors {
                script: vec![],
                options: vec!["Encoding is required".into()],
            },
        )),
    );
    let o = run(
        hac(&url, dir.path()).args(["impex", "import", "-"]),
        "INSERT Language;isocode\n;x",
    );
    assert_exit(&o, 2);
    assert_one_error_line(&o, "Encoding is required");
}

#[test]
fn update_commands() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let url = fake.url();

    let o = run(
        with_password(hac(&url, dir.path())).args(["update", "data"]),
        "",
    );
    assert_exit(&o, 0);
    assert!(
        stdout(&o).contains("electronicsstore_importSampleData = [no] yes"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("acmeimport_batchSize = \"100\" (text)"),
        "{}",
        stdout(&o)
    );
    let o = run(
        hac(&url, dir.path()).args(["update", "data", "--format", "json"]),
        "",
    );
    assert_exit(&o, 0);
    let v = json(&o);
    assert_eq!(v["project_data"][0]["name"], "electronicsstore");
    assert_eq!(v["is_initializing"], false);

    let o = run(hac(&url, dir.path()).args(["update", "pending"]), "");
    assert_exit(&o, 0);
    assert!(
        stdout(&o).contains("electronicsstore\ta1b2c3d4\trequired\tALL"),
        "{}",
        stdout(&o)
    );
    let o = run(
        hac(&url, dir.path()).args(["update", "pending", "--format", "json"]),
        "",
    );
    assert_eq!(json(&o)["electronicsstore"][0]["hash"], "a1b2c3d4");

    // Before any update the log is empty.
    let o = run(hac(&url, dir.path()).args(["update", "log"]), "");
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "");

    // Run from the current selection and follow the log to the end.
    let o = run(
        hac(&url, dir.path()).args([
            "update",
            "run",
            "--current",
            "--project-data",
            "--param",
            "solrfacetsearch_sites=electronics,apparel-uk",
            "--patch",
            "core:ffee0011",
            "--follow",
            "--interval",
            "50ms",
        ]),
        "",
    );
    assert_exit(&o, 0);
    let text = stdout(&o);
    assert!(text.contains("Finished updating system"), "{text}");
    assert_eq!(
        text.matches("Starting update of extension").count(),
        1,
        "{text}"
    );
    let err = stderr(&o);
    assert!(err.contains("update: running"), "{err}");
    assert!(err.contains("update: finished"), "{err}");
    let sent = last_request(&fake, "/platform/init/execute");
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body["createProjectData"], true);
    assert_eq!(
        body["allParameters"]["solrfacetsearch_sites"],
        serde_json::json!(["electronics", "apparel-uk"])
    );
    assert_eq!(body["patches"]["core"], serde_json::json!(["ffee0011"]));
    assert_eq!(
        body["patches"]["electronicsstore"],
        serde_json::json!(["a1b2c3d4"])
    );

    let o = run(
        hac(&url, dir.path()).args(["update", "log", "--format", "json"]),
        "",
    );
    assert_exit(&o, 0);
    assert_eq!(json(&o)["finished"], true);

    // Without --follow, `update run` prints HAC's immediate answer.
    let o = run(
        hac(&url, dir.path()).args(["update", "run", "--format", "json"]),
        "",
    );
    assert_exit(&o, 0);
    let v = json(&o);
    assert_eq!(v["success"], true);
    assert!(
        v["log_text"]
            .as_str()
            .unwrap()
            .contains("Update of type system done")
    );

    // An update whose log ends with errors fails the command.
    let o = run(
        hac(&url, dir.path()).args([
            "update",
            "run",
            "--param",
            "x=broken",
            "--follow",
            "--interval",
            "50ms",
        ]),
        "",
    );
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("with errors"));
    let o = run(
        hac(&url, dir.path()).args(["update", "log", "--follow", "--interval", "50ms"]),
        "",
    );
    assert_exit(&o, 1);

    // Bad update options are usage errors.
    for bad in [["--param", "novalue"], ["--patch", "nohash"]] {
        let o = run(hac(&url, dir.path()).args(["update", "run"]).args(bad), "");
        assert_exit(&o, 2);
    }
}

#[test]
fn session_cache_is_reused_across_runs() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let url = fake.url();

    let o = run(
        with_password(hac(&url, dir.path())).arg("groovy"),
        "return 1",
    );
    assert_exit(&o, 0);
    // The second run has no password at all: it can only succeed by resuming.
    let o = run(hac(&url, dir.path()).arg("groovy"), "return 2");
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "2\n");
    assert_eq!(fake.stats().logins, 1);

    // Another environment tag is another session.
    let o = run(
        hac(&url, dir.path()).args(["--env", "staging", "groovy"]),
        "return 3",
    );
    assert_exit(&o, 3);

    let o = run(hac(&url, dir.path()).args(["sessions", "list"]), "");
    assert_exit(&o, 0);
    let list = stdout(&o);
    assert_eq!(list.lines().count(), 1, "{list}");
    assert!(list.contains(&url) && list.contains(USER) && list.contains("/hac"));
    let o = run(
        hac(&url, dir.path()).args(["sessions", "list", "--format", "json"]),
        "",
    );
    let v = json(&o);
    assert_eq!(v[0]["key"]["username"], USER);
    assert!(v[0]["last_used"].as_u64().unwrap() > 1_600_000_000_000);

    // The session file holds no password.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains(PASSWORD));
    }

    // `--no-session-cache` neither uses nor needs the cache.
    let o = run(
        with_password(hac(&url, dir.path())).args(["--no-session-cache", "groovy"]),
        "return 4",
    );
    assert_exit(&o, 0);
    assert_eq!(fake.stats().logins, 2);

    // The session died on the server: the next run logs in again.
    fake.expire_sessions();
    let o = run(
        with_password(hac(&url, dir.path())).arg("groovy"),
        "return 5",
    );
    assert_exit(&o, 0);
    assert_eq!(fake.stats().logins, 3);

    // logout ends it and removes the file; prune and clear report counts.
    let o = run(hac(&url, dir.path()).arg("logout"), "");
    assert_exit(&o, 0);
    assert!(
        stderr(&o).contains("cached session removed"),
        "{}",
        stderr(&o)
    );
    let o = run(hac(&url, dir.path()).args(["sessions", "list"]), "");
    assert_eq!(stdout(&o), "");
    let o = run(hac(&url, dir.path()).arg("logout"), "");
    assert_exit(&o, 0);
    assert!(stderr(&o).contains("nothing to log out"), "{}", stderr(&o));
    let o = run(with_password(hac(&url, dir.path())).arg("login"), "");
    assert_exit(&o, 0);
    assert!(stderr(&o).contains("logged in to"));
    let o = run(hac(&url, dir.path()).args(["sessions", "prune"]), "");
    assert_exit(&o, 0);
    assert!(stderr(&o).contains("removed 0"));
    let o = run(hac(&url, dir.path()).args(["sessions", "clear"]), "");
    assert_exit(&o, 0);
    assert!(stderr(&o).contains("removed 1"));
}

#[test]
fn password_sources() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let url = fake.url();
    let script = dir.path().join("s.groovy");
    std::fs::write(&script, "return 9").unwrap();

    // --password-stdin: first line of stdin, newline stripped.
    let o = run(
        hac(&url, dir.path())
            .args(["--no-session-cache", "--password-stdin", "groovy"])
            .arg(&script),
        &format!("{PASSWORD}\r\n"),
    );
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "9\n");

    // Script and password cannot share stdin.
    let o = run(
        hac(&url, dir.path()).args(["--no-session-cache", "--password-stdin", "groovy", "-"]),
        &format!("{PASSWORD}\nreturn 1\n"),
    );
    assert_exit(&o, 2);
    let o = run(
        hac(&url, dir.path())
            .args(["--no-session-cache", "--password-stdin", "groovy"])
            .arg(&script),
        "",
    );
    assert_exit(&o, 2);

    // There is no option that takes the password as an argument.
    for attempt in [
        vec!["--password", PASSWORD, "groovy"],
        vec!["-p", PASSWORD, "groovy"],
    ] {
        let o = run(hac(&url, dir.path()).args(attempt), "return 1");
        assert_exit(&o, 2);
    }

    // No password anywhere and no terminal to ask on: authentication failure, one line.
    let o = run(
        hac(&url, dir.path()).args(["--no-session-cache", "groovy"]),
        "return 1",
    );
    assert_exit(&o, 3);
    assert_one_error_line(&o, "no password");
}

#[test]
fn exit_codes_for_each_failure_class() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let url = fake.url();
    let d = dir.path();

    // 2: usage.
    let missing = d.join("missing.groovy");
    let missing = missing.to_str().expect("UTF-8 temp path");
    let usage: [(&[&str], &str); 10] = [
        (&["groovy", missing], "cannot read"),
        (&["groovy"], "empty"),
        (&["impex", "import", "-"], "empty"),
        (&["flexsearch", " "], "empty"),
        (&["--url", "ftp://x", "login"], "http"),
        (&["--ca-cert", "/nonexistent.pem", "login"], "--ca-cert"),
        (&["--timeout", "soon", "login"], "duration"),
        (&["flexsearch", "x", "--format", "xml"], "xml"),
        (&["impex", "import", "--threads", "0"], "threads"),
        (&["frobnicate"], "frobnicate"),
    ];
    for (args, needle) in usage {
        let o = run(hac(&url, d).args(args), "   \n");
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
    let mut no_url = hac(&url, d);
    let o = run(no_url.env_remove("HAC_URL").arg("login"), "");
    assert_exit(&o, 2);
    assert_one_error_line(&o, "HAC_URL");

    // 3: authentication.
    let mut wrong = hac(&url, d);
    wrong.env("HAC_PASSWORD", "not-the-password");
    let o = run(wrong.args(["--no-session-cache", "groovy"]), "return 1");
    assert_exit(&o, 3);
    assert_one_error_line(&o, "bad user name or password");
    // ... and the next step on the same line.
    assert_one_error_line(&o, "check --user and the password");

    // 4: connection refused, timeout.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let o = run(
        with_password(hac(&format!("http://127.0.0.1:{closed}"), d)).arg("login"),
        "",
    );
    assert_exit(&o, 4);
    assert_one_error_line(&o, "cannot connect");
    assert_one_error_line(&o, "`hac doctor`");

    fake.set_delay(Duration::from_secs(3));
    let o = run(
        with_password(hac(&url, d)).args(["--timeout", "300ms", "--no-session-cache", "login"]),
        "",
    );
    fake.set_delay(Duration::ZERO);
    assert_exit(&o, 4);
    assert_one_error_line(&o, "no answer within");
    assert_one_error_line(&o, "raise --timeout");
}

#[test]
fn tls_trust_options() {
    let fake = FakeHac::builder()
        .context_path("/hac")
        .user(USER, PASSWORD)
        .tls(TlsMode::CaSigned)
        .start();
    let dir = TempDir::new().unwrap();
    let url = fake.url();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &fake.certs().unwrap().ca_pem).unwrap();

    // Not trusted by default: exit 4 with the TLS reason.
    let o = run(with_password(hac(&url, dir.path())).arg("login"), "");
    assert_exit(&o, 4);
    assert_one_error_line(&o, "TLS");

    let o = run(
        with_password(hac(&url, dir.path()))
            .arg("--ca-cert")
            .arg(&ca)
            .arg("groovy"),
        "return 1",
    );
    assert_exit(&o, 0);

    // Every option from the environment instead of flags.
    let logins = fake.stats().logins;
    for _ in 0..2 {
        let mut c = with_password(hac(&url, dir.path()));
        c.env("HAC_CA_CERT", &ca)
            .env("HAC_ENV", "from-env")
            .env("HAC_TIMEOUT", "20s")
            .env("HAC_CONTEXT_PATH", "/hac")
            .env("HAC_NO_SESSION_CACHE", "true");
        let o = run(c.arg("groovy"), "return 1");
        assert_exit(&o, 0);
    }
    assert_eq!(
        fake.stats().logins,
        logins + 2,
        "no session cache: two logins"
    );
    let o = run(hac(&url, dir.path()).args(["sessions", "list"]), "");
    assert!(!stdout(&o).contains("from-env"), "{}", stdout(&o));
    let mut c = with_password(hac(&url, dir.path()));
    c.env("HAC_CA_CERT", &ca).env("HAC_ENV", "from-env");
    assert_exit(&run(c.arg("login"), ""), 0);
    let o = run(hac(&url, dir.path()).args(["sessions", "list"]), "");
    assert!(stdout(&o).contains("from-env"), "{}", stdout(&o));

    // --insecure works, and says so loudly even with --quiet.
    let o = run(
        with_password(hac(&url, dir.path())).args([
            "--insecure",
            "--quiet",
            "--env",
            "x",
            "groovy",
        ]),
        "return 1",
    );
    assert_exit(&o, 0);
    assert!(stderr(&o).contains("WARNING: --insecure"));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));

    // The same from the environment, where 1/0, yes/no and true/false all work.
    for (value, insecure) in [("1", true), ("yes", true), ("0", false), ("false", false)] {
        let mut c = with_password(hac(&url, dir.path()));
        c.env("HAC_INSECURE", value).env("HAC_QUIET", "1");
        let o = run(c.args(["--env", "y", "groovy"]), "return 1");
        assert_exit(&o, if insecure { 0 } else { 4 });
        assert_eq!(
            stderr(&o).contains("WARNING: --insecure"),
            insecure,
            "{value}: {}",
            stderr(&o)
        );
    }
}

/// What `openssl req -x509` makes and a local HAC's keystore holds: trusted with
/// `--ca-cert`, as `curl --cacert` does.
#[test]
fn ca_cert_trusts_a_self_signed_ca_certificate() {
    let fake = FakeHac::builder()
        .context_path("/hac")
        .user(USER, PASSWORD)
        .tls(TlsMode::SelfSignedCa)
        .start();
    let dir = TempDir::new().unwrap();
    let cert = dir.path().join("hac.pem");
    std::fs::write(&cert, &fake.certs().unwrap().leaf_pem).unwrap();
    let o = run(
        with_password(hac(&fake.url(), dir.path()))
            .arg("--ca-cert")
            .arg(&cert)
            .arg("groovy"),
        "return 1",
    );
    assert_exit(&o, 0);
    // Without it: exit 4, one line saying what to do.
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args(["--env", "other", "login"]),
        "",
    );
    assert_exit(&o, 4);
    assert_one_error_line(&o, "--ca-cert hac.pem");
}

#[test]
fn root_context_path_and_quiet() {
    let fake = FakeHac::builder()
        .user(USER, PASSWORD)
        .context_path("")
        .start();
    let dir = TempDir::new().unwrap();
    let url = fake.url();
    // Detected...
    let o = run(with_password(hac(&url, dir.path())).arg("login"), "");
    assert_exit(&o, 0);
    assert!(stderr(&o).contains("context path \"\""), "{}", stderr(&o));
    // ...or given; --quiet leaves stderr empty on success.
    let o = run(
        with_password(hac(&url, dir.path())).args([
            "--context-path",
            "/",
            "--env",
            "other",
            "-q",
            "flexsearch",
            "SELECT {pk} FROM {Product}",
        ]),
        "",
    );
    assert_exit(&o, 0);
    assert_eq!(stderr(&o), "");
    assert!(stdout(&o).starts_with("PK"));
}

#[test]
fn help_and_version() {
    let o = run(
        hac("http://unused", Path::new("/nonexistent")).arg("--help"),
        "",
    );
    assert_exit(&o, 0);
    let help = stdout(&o);
    for needle in [
        "groovy",
        "flexsearch",
        "impex",
        "update",
        "sessions",
        "Exit codes",
        "HAC_PASSWORD",
    ] {
        assert!(help.contains(needle), "{needle} missing from --help");
    }
    // Every exit code, 0 to 7, in the paragraph that lists them.
    let codes = help
        .split("Exit codes:")
        .nth(1)
        .and_then(|t| t.split("\n\n").next())
        .unwrap();
    for code in 0..=7 {
        assert!(
            codes.contains(&format!("{code} ")),
            "exit code {code}: {codes}"
        );
    }
    let o = run(
        hac("http://unused", Path::new("/nonexistent")).arg("--version"),
        "",
    );
    assert_exit(&o, 0);
    assert!(stdout(&o).starts_with("hac "));
}

/// With a terminal (a pty from util-linux `script`) and no other source, the tool prompts,
/// and the typed password is not echoed.
#[test]
fn prompts_on_a_terminal_without_echo() {
    if !have(
        Command::new("script").arg("--version").output().is_ok(),
        "util-linux `script` (a terminal)",
    ) {
        return;
    }
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let line = format!("{} --no-session-cache login", env!("CARGO_BIN_EXE_hac"));
    let mut script = with_clean_env("script", &fake.url(), dir.path());
    script.args(["-qec", &line, "/dev/null"]);
    script
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = script.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    // Collect the terminal output on a thread, so that we can wait for the prompt.
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let reader = {
        let seen = seen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 256];
            while let Ok(n) = std::io::Read::read(&mut stdout, &mut buf) {
                if n == 0 {
                    break;
                }
                seen.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        })
    };
    // Type only once the prompt is shown: echo is off from then on. Typed earlier, the
    // terminal would echo it, which is what this test must catch, not cause.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !String::from_utf8_lossy(&seen.lock().unwrap()).contains("HAC password for") {
        assert!(std::time::Instant::now() < deadline, "no prompt");
        std::thread::sleep(Duration::from_millis(20));
    }
    // rpassword turns echo off just after printing the prompt, and the pty's echo state
    // cannot be read from here. A margin, not a synchronisation the claim rests on: typed
    // too early, the password is echoed and this test fails; it cannot pass wrongly.
    std::thread::sleep(Duration::from_millis(200));
    stdin.write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    reader.join().unwrap();
    let all = String::from_utf8_lossy(&seen.lock().unwrap()).into_owned();
    assert!(status.success(), "{all}");
    assert!(all.contains(&format!("HAC password for {USER}")), "{all}");
    assert!(all.contains("logged in to"), "{all}");
    assert!(!all.contains(PASSWORD), "password echoed:\n{all}");
    assert_eq!(fake.stats().logins, 1);
}

/// `hac flexsearch ... | head`: the reader going away is not a failure.
#[test]
fn a_closed_stdout_is_not_an_error() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    for format in ["table", "csv", "json", "jsonl"] {
        let mut cmd = with_password(hac(&fake.url(), dir.path()));
        cmd.args([
            "flexsearch",
            "SELECT {pk} FROM {Generated}",
            "--max",
            "100000",
        ])
        .args(["--format", format])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 16];
        std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
        // Far more than a pipe buffer is still to come.
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        assert!(!stderr(&out).contains("hac:"), "{format}: {}", stderr(&out));
    }
}

/// The library's warnings reach stderr (and `-v` shows more), but never a session id or
/// CSRF token, and `--quiet` silences them.
#[test]
fn library_diagnostics_on_stderr() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let url = fake.url();

    let o = run(
        with_password(hac(&url, dir.path())).args(["-vv", "groovy"]),
        "return 1",
    );
    assert_exit(&o, 0);
    assert!(
        stderr(&o).contains("hac: info: logged in to"),
        "{}",
        stderr(&o)
    );
    let o = run(hac(&url, dir.path()).args(["-vv", "groovy"]), "return 1");
    assert_exit(&o, 0);
    let err = stderr(&o);
    assert!(err.contains("hac: debug: resumed stored session"), "{err}");
    let sent = last_request(&fake, "/console/scripting/execute");
    let token = sent.header("X-CSRF-TOKEN").expect("token sent");
    let cookies = sent.header("Cookie").expect("cookies sent");
    let session_id = cookies
        .split(';')
        .find_map(|c| c.trim().strip_prefix("JSESSIONID="))
        .expect("session cookie");
    assert!(!err.contains(token) && !err.contains(session_id), "{err}");

    // A damaged session file: a warning, a fresh login, success.
    damage_session_files(dir.path());
    let o = run(
        with_password(hac(&url, dir.path())).arg("groovy"),
        "return 1",
    );
    assert_exit(&o, 0);
    assert!(
        stderr(&o).contains("hac: warning: removed unusable session file"),
        "{}",
        stderr(&o)
    );
    assert_eq!(fake.stats().logins, 2);
    damage_session_files(dir.path());
    let o = run(
        with_password(hac(&url, dir.path())).args(["--quiet", "groovy"]),
        "return 1",
    );
    assert_exit(&o, 0);
    assert_eq!(stderr(&o), "");
}

#[test]
fn https_redirect_and_xss_warnings() {
    let fake = FakeHac::builder()
        .user(USER, PASSWORD)
        .tls(TlsMode::SelfSigned)
        .http_redirect(true)
        .start();
    let dir = TempDir::new().unwrap();
    let cert = dir.path().join("hac.pem");
    std::fs::write(&cert, &fake.certs().unwrap().leaf_pem).unwrap();
    let http = fake.http_url().unwrap();
    let o = run(
        with_password(hac(&http, dir.path()))
            .arg("--ca-cert")
            .arg(&cert)
            .arg("groovy"),
        "def src = 'x'\nreturn 1",
    );
    // The self-signed certificate is trusted as a CA here; the XSS filter changed the script.
    assert_exit(&o, 0);
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "hac: warning: {http} redirects to HTTPS; continuing at {}",
            fake.url()
        )),
        "{err}"
    );
    assert!(
        err.contains("line 1 of the Groovy script matches HAC's XSS filter rule \"src\""),
        "{err}"
    );
    // --quiet: neither.
    let o = run(
        with_password(hac(&http, dir.path()))
            .arg("--ca-cert")
            .arg(&cert)
            .args(["--quiet", "--no-session-cache", "groovy"]),
        "def src = 'x'\nreturn 1",
    );
    assert_exit(&o, 0);
    assert_eq!(stderr(&o), "");
}

#[test]
fn a_lost_answer_and_a_closed_stderr() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let url = fake.url();
    // The request went out and the connection broke: not "cannot connect".
    let o = run(with_password(hac(&url, dir.path())).arg("login"), "");
    assert_exit(&o, 0);
    fake.push_override("/console/scripting/execute", hac_fake::Response::abort());
    let o = run(
        hac(&url, dir.path()).args(["groovy", "--commit", "-"]),
        "return 1",
    );
    assert_exit(&o, 4);
    assert_one_error_line(&o, "may have run");
    assert!(!stderr(&o).contains("cannot connect"), "{}", stderr(&o));

    // Nobody reads stderr any more: no panic, and the exit code still says what happened.
    for (script, expected) in [("return 1", 0), ("throw new Exception('x')", 1)] {
        let mut cmd = hac(&url, dir.path());
        cmd.args(["-vv", "groovy", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        drop(child.stderr.take());
        child
            .stdin
            .take()
            .unwrap()
            .write_all(script.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(expected), "{script}");
    }
}

#[test]
fn duplicate_column_names_keep_every_value_in_jsonl() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let url = fake.url();
    fake.push_override(
        "/console/flexsearch/execute",
        hac_fake::Response::json(
            r#"{"headers":["p_code","p_code"],"resultList":[["a","b"]],"resultCount":1,"exception":null}"#,
        ),
    );
    let o = run(
        with_password(hac(&url, dir.path())).args(["flexsearch", "x", "--format", "jsonl"]),
        "",
    );
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "{\"p_code\":\"a\",\"p_code_2\":\"b\"}\n");
    assert!(stderr(&o).contains("renamed"), "{}", stderr(&o));
}

#[cfg(unix)]
#[test]
fn an_unsafe_cache_dir_is_a_local_error_and_left_alone() {
    use std::os::unix::fs::PermissionsExt;
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    for args in [&["groovy", "-"][..], &["sessions", "list"][..]] {
        let o = run(
            with_password(hac(&fake.url(), dir.path()))
                .arg("--cache-dir")
                .arg(&shared)
                .args(args),
            "return 1",
        );
        assert_exit(&o, 2);
        assert_one_error_line(&o, "chmod 700");
    }
    let mode = std::fs::metadata(&shared).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o1777, "never changed");
    assert_eq!(fake.stats().requests, 0, "refused before anything was sent");
}

#[cfg(target_os = "linux")]
#[test]
fn an_unusable_default_cache_is_a_warning_and_no_cache() {
    use std::os::unix::fs::PermissionsExt;
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let default = dir.path().join("hac-client");
    std::fs::create_dir(&default).unwrap();
    std::fs::set_permissions(&default, std::fs::Permissions::from_mode(0o777)).unwrap();
    let mut cmd = with_password(hac(&fake.url(), dir.path()));
    cmd.env_remove("HAC_CACHE_DIR")
        .env("XDG_CACHE_HOME", dir.path());
    let o = run(cmd.arg("groovy"), "return 1");
    assert_exit(&o, 0);
    assert!(
        stderr(&o).contains("hac: warning: session persistence disabled"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_dir(&default).unwrap().count(), 0);
}

#[cfg(target_os = "linux")]
#[test]
fn no_core_dumps_while_secrets_are_in_memory() {
    // hac starts with the soft limit raised as far as the hard limit allows, so that a 0
    // afterwards is hac's doing (many systems start at 0, which would prove nothing).
    const RAISE: &str = "ulimit -c unlimited 2>/dev/null || ulimit -c \"$(ulimit -H -c)\"";
    let start = Command::new("sh")
        .args(["-c", &format!("{RAISE}; ulimit -c")])
        .output()
        .unwrap();
    let start = String::from_utf8_lossy(&start.stdout).trim().to_owned();
    if !have(
        !start.is_empty() && start != "0",
        "a core file size limit above 0 to start from (the hard limit is 0)",
    ) {
        return;
    }
    let fake = fake();
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("s.groovy"), "Thread.sleep(1500)\nreturn 1").unwrap();
    let mut cmd = with_env_of(&with_password(hac(&fake.url(), dir.path())), "sh");
    cmd.args(["-c", &format!("{RAISE}; exec \"$0\" \"$@\"")])
        .arg(env!("CARGO_BIN_EXE_hac"))
        .args(["--password-stdin", "groovy"])
        .arg(dir.path().join("s.groovy"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    // The shell execs hac in place: the same pid. Polled until hac has set its limit (it
    // does so first thing), while the script keeps it running.
    let core_limit = || {
        let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).ok()?;
        let line = limits
            .lines()
            .find(|l| l.starts_with("Max core file size"))?;
        Some(
            line.split_whitespace()
                .skip(4)
                .take(2)
                .collect::<Vec<_>>()
                .join(" "),
        )
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let mut seen = core_limit();
    while seen.as_deref() != Some("0 0") && std::time::Instant::now() < deadline {
        std::thread::yield_now();
        seen = core_limit();
    }
    assert_eq!(seen.as_deref(), Some("0 0"), "started from {start}");
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_response_limit_is_an_option() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let o = run(
        with_password(hac(&fake.url(), dir.path())).args([
            "--max-response",
            "2k",
            "flexsearch",
            "SELECT {pk}, {code} FROM {Generated}",
            "--max",
            "500",
        ]),
        "",
    );
    assert_exit(&o, 2);
    assert_one_error_line(&o, "--max-response");
}

/// Starts `n` runs of `hac groovy` at once, sharing one cache directory, and waits for all.
fn burst(url: &str, cache: &Path, n: usize) -> Vec<Output> {
    let children: Vec<_> = (0..n)
        .map(|i| {
            let mut cmd = with_password(hac(url, cache));
            cmd.arg("groovy")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let mut child = cmd.spawn().expect("spawn hac");
            let mut input = child.stdin.take().expect("stdin");
            input.write_all(format!("return {i}").as_bytes()).unwrap();
            child
        })
        .collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().expect("wait"))
        .collect()
}

#[test]
fn processes_sharing_a_cache_log_in_once() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let url = fake.url();
    let check = |outs: Vec<Output>| {
        for (i, o) in outs.iter().enumerate() {
            assert_exit(o, 0);
            assert_eq!(stdout(o), format!("{i}\n"));
        }
    };

    // An empty cache: one process logs in, the others wait for its session.
    check(burst(&url, dir.path(), 20));
    let first = fake.stats().logins;
    assert_eq!(first, 1, "{first} logins for 20 processes");

    // After the server ended that session: again one login for all of them.
    fake.expire_sessions();
    check(burst(&url, dir.path(), 20));
    let again = fake.stats().logins - first;
    assert_eq!(again, 1, "{again} logins for 20 processes after an expiry");

    // The lock file beside the session is not a session.
    let o = run(hac(&url, dir.path()).args(["sessions", "list"]), "");
    assert_eq!(stdout(&o).lines().count(), 1, "{}", stdout(&o));
}

#[test]
fn a_truncated_result_is_warned_about() {
    let fake = FakeHac::builder()
        .context_path("/hac")
        .user(USER, PASSWORD)
        .generated_rows(250)
        .start();
    let dir = TempDir::new().unwrap();
    let url = fake.url();
    let query = "SELECT {pk} FROM {Generated}";
    let flex = |args: &[&str]| {
        let mut c = with_password(hac(&url, dir.path()));
        c.args(["flexsearch", query, "--format", "csv"]).args(args);
        run(&mut c, "")
    };
    // HAC's default limit, not chosen: warned about even with --quiet.
    for quiet in [false, true] {
        let o = flex(if quiet { &["--quiet"] } else { &[] });
        assert_exit(&o, 0);
        assert_eq!(stdout(&o).lines().count(), 201, "header + 200 rows");
        let err = stderr(&o);
        assert!(
            err.contains("limit of 200 rows") && err.contains("--max N") && err.contains("--all"),
            "{err}"
        );
    }
    // A limit the user chose: a note, which --quiet silences.
    let o = flex(&["--max", "10"]);
    assert!(stderr(&o).contains("limit of 10 rows"), "{}", stderr(&o));
    let o = flex(&["--max", "10", "--quiet"]);
    assert_eq!(stderr(&o), "");
    // Everything: no warning.
    for args in [&["--all"][..], &["--max", "all"], &["--max", "251"]] {
        let o = flex(args);
        assert_eq!(stdout(&o).lines().count(), 251);
        assert!(!stderr(&o).contains("limit"), "{}", stderr(&o));
    }
}

/// One output contract for every command: on failure stdout stays empty, whatever the
/// format, and the error is one line on stderr with its exit code.
#[test]
fn every_command_keeps_stdout_empty_on_failure() {
    let fake = fake();
    let dir = TempDir::new().unwrap();
    let commands: &[&[&str]] = &[
        &["about"],
        &["extensions"],
        &["log-level", "--list"],
        &["cache", "stats"],
        &["cronjobs"],
        &["config", "get", "build.version"],
        &["types", "Product"],
        &["type", "Product"],
        &["pk", "8796093054977"],
        &["cluster"],
        &["db"],
        &["memory"],
        &["update", "data"],
        &["flexsearch", "SELECT {pk} FROM {Product}"],
    ];
    for args in commands {
        let formats: &[&str] = if args[0] == "flexsearch" {
            &["json", "table", "csv", "jsonl"]
        } else {
            &["json", "text"]
        };
        for format in formats {
            let o = run(
                hac(&fake.url(), dir.path())
                    .env("HAC_PASSWORD", "wrong-password")
                    .args(*args)
                    .args(["-o", *format]),
                "",
            );
            assert_eq!(
                o.status.code(),
                Some(3),
                "{args:?} -o {format}: {}",
                stderr(&o)
            );
            assert_eq!(stdout(&o), "", "{args:?} -o {format}");
            assert_one_error_line(&o, "");
        }
    }
}
