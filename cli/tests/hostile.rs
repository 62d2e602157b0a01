//! A hostile server, as issue 21 attacked `hac`: pages that echo masked tokens and every
//! form of a password, server text with terminal escapes and bidirectional overrides,
//! `::stop-commands::` in CI output, spreadsheet formulas in cells, zip bombs, password
//! commands that hang or never stop, and the environment slips. `hac` runs as a real
//! process against the fake HAC's scripted answers; terminal cases run in a pseudo-terminal.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::Duration;
#[cfg(unix)]
use std::time::Instant;

use common::*;
use hac_fake::{FakeHac, Response};
use tempfile::TempDir;

/// Whether a test that needs a tool must fail instead of skipping (CI sets it).
fn strict() -> bool {
    std::env::var_os("HAC_TEST_STRICT").is_some()
}

/// `script` from util-linux, which runs a command in a pseudo-terminal.
fn have_script() -> bool {
    let ok = Command::new("script").arg("--version").output().is_ok();
    assert!(
        ok || !strict(),
        "HAC_TEST_STRICT: util-linux `script` is needed"
    );
    ok
}

/// Runs `args` of `hac` in a pseudo-terminal (stdout and stderr are the terminal).
fn in_terminal(url: &str, cache: &std::path::Path, args: &str) -> String {
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_hac"));
    let mut c = Command::new("script");
    c.args(["-qec", &command, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HAC_URL", url)
        .env("HAC_USER", USER)
        .env("HAC_PASSWORD", PASSWORD)
        .env("HAC_CACHE_DIR", cache)
        .env("HAC_CONFIG", "/dev/null");
    let o = run(&mut c, "");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn groovy_answer(output: &str, result: &str, stacktrace: &str) -> Response {
    Response::json(
        serde_json::json!({"executionResult": result, "outputText": output, "stacktraceText": stacktrace})
            .to_string(),
    )
}

/// Server text that would rewrite a terminal: a title (OSC), clearing the screen (CSI),
/// BEL, backspace, an 8-bit CSI, and a right-to-left override.
const HOSTILE: &str = "A\x1b]0;pwned\x07\x1b[2J\x08B\u{9b}31mC\u{202e}gpj.exe";

fn assert_no_raw_controls(text: &str, what: &str) {
    for bad in ['\x1b', '\x07', '\x08', '\u{9b}', '\u{202e}'] {
        assert!(
            !text.contains(bad),
            "{what}: {bad:?} reached the output: {text:?}"
        );
    }
}

/// Every secret of a page that echoes: the page's own masked token, the password raw
/// (SAP's five-letter default), URL-encoded in either case, HTML-escaped, and inside Basic
/// credentials.
#[test]
fn echoed_secrets_are_masked_in_every_output() {
    let password = "nimda";
    let fancy = "Pa$$/w0rd&<1";
    let fake = FakeHac::builder()
        .context_path("/hac")
        .user(USER, password)
        .start();
    let cache = TempDir::new().unwrap();
    let token = "bWFza2VkLXRva2VuLW9mLXRoaXMtcGFnZQ==";
    let basic = "Y2ktdXNlcjpuaW1kYQ=="; // base64 of ci-user:nimda
    // A console's page: labelled secrets are masked by their names, the page's own token
    // by its tag; the password itself is not in the client's hands after the login.
    let page = format!(
        "Internal error 500\n<meta name=\"_csrf\" content=\"{token}\"/>\n\
         echo: j_password={password}, Authorization: Basic {basic}, password: {password}"
    );
    let secrets = [token, password, basic];
    let check = |o: &Output, what: &str| {
        let all = format!("{}{}", stdout(o), stderr(o));
        for s in secrets {
            assert!(!all.contains(s), "{what}: {s} in {all}");
        }
    };
    let client = || {
        let mut c = hac(&fake.url(), cache.path());
        c.env("HAC_PASSWORD", password);
        c
    };
    // A console's error page, on stderr.
    fake.push_override(
        "/console/scripting/execute",
        Response::new(500, "text/plain", page.clone()),
    );
    let o = run(client().arg("groovy"), "return 1");
    assert_ne!(code(&o), 0);
    assert!(stderr(&o).contains("Internal error 500"), "{}", stderr(&o));
    check(&o, "groovy");
    // The login answer echoing the form (the password as the form sent it, and decoded).
    fake.expire_sessions();
    fake.push_override(
        "/j_spring_security_check",
        Response::new(500, "text/html", format!(
            "<html><body>Login failed: j_username={USER}&j_password={password}; you typed {password} ({password})</body></html>"
        )),
    );
    let o = run(client().arg("groovy"), "return 1");
    assert_ne!(code(&o), 0);
    assert!(stderr(&o).contains("Login failed"), "{}", stderr(&o));
    check(&o, "login echo");
    // The same for a password with characters that encode: every form of it.
    let encoded = FakeHac::builder()
        .context_path("/hac")
        .user(USER, fancy)
        .start();
    encoded.push_override(
        "/j_spring_security_check",
        Response::new(
            500,
            "text/plain",
            "Login failed: j_username=x Pa%24%24%2Fw0rd%26%3C1 Pa%24%24%2fw0rd%26%3c1 \
             Pa$$/w0rd&amp;&lt;1 \"Pa$$/w0rd&<1\" Pa$$%2Fw0rd&<1",
        ),
    );
    let mut c = hac(&encoded.url(), cache.path());
    c.env("HAC_PASSWORD", fancy).env("HAC_ENV", "encoded");
    let o = run(c.arg("groovy"), "return 1");
    assert_ne!(code(&o), 0);
    assert!(stderr(&o).contains("Login failed"), "{}", stderr(&o));
    for s in ["Pa%24", "Pa$$", "w0rd&amp;", "w0rd&<"] {
        assert!(!stderr(&o).contains(s), "{s} in {}", stderr(&o));
    }
    // A fan-out's JSON error objects.
    let setup = Setup::new(&format!(
        "[profiles.p]\nurl = \"{}\"\nuser = \"{USER}\"\npassword_command = \"echo {password}\"\n",
        fake.url()
    ));
    fake.push_override(
        "/console/flexsearch/execute",
        Response::new(500, "text/plain", page.clone()),
    );
    let o = run(
        setup.hac().args([
            "--profiles",
            "p",
            "flexsearch",
            "SELECT {pk} FROM {Product}",
            "-o",
            "json",
        ]),
        "",
    );
    assert!(stderr(&o).contains("hac: [p]"), "{}", stderr(&o));
    check(&o, "fan-out");
    // doctor, in text and JSON.
    for format in ["text", "json"] {
        fake.push_override(
            "/console/flexsearch/execute",
            Response::new(500, "text/plain", page.clone()),
        );
        let o = run(client().args(["doctor", "-o", format]), "");
        check(&o, "doctor");
    }
    // Basic credentials of a gateway, echoed by the gateway's error page.
    let gw = FakeHac::builder()
        .context_path("/hac")
        .user(USER, fancy)
        .gateway_basic_auth("gw", fancy)
        .start();
    let gw_basic = "Z3c6UGEkJC93MHJkJjwx"; // base64 of gw:Pa$$/w0rd&<1
    gw.push_override(
        "/console/scripting/execute",
        Response::new(
            500,
            "text/plain",
            format!("{page} {gw_basic} Basic {gw_basic} {fancy}"),
        ),
    );
    let mut c = hac(&gw.url(), cache.path());
    c.env("HAC_PASSWORD", fancy)
        .env("HAC_GATEWAY_USER", "gw")
        .env("HAC_GATEWAY_PASSWORD", fancy)
        .env("HAC_ENV", "gw");
    let o = run(c.arg("groovy"), "return 1");
    assert_ne!(code(&o), 0);
    let all = format!("{}{}", stdout(&o), stderr(&o));
    for s in [gw_basic, fancy, "Pa%24", "w0rd&amp;", token] {
        assert!(!all.contains(s), "gateway: {s} in {all}");
    }
}

/// Credentials in URLs are never printed: a profile's URL with user info, a proxy written
/// without a scheme, a routing cookie that would echo the session id.
#[test]
fn credentials_in_urls_are_never_printed() {
    let setup = Setup::new(
        "[profiles.p]\nurl = \"https://someone:Url-s3cret@hac.example.com\"\nproxy = \"http://u:Proxy-s3cret@127.0.0.1:1\"\n",
    );
    for args in [
        &["profiles", "list"][..],
        &["profiles", "list", "-o", "json"],
        &["profiles", "show", "p"],
        &["profiles", "show", "p", "-o", "json"],
        &["--profile", "p", "doctor", "-o", "json"],
        &[
            "--profile",
            "p",
            "--proxy",
            "u:Bare-s3cret@127.0.0.1:1",
            "doctor",
        ],
        &[
            "--profile",
            "p",
            "--proxy",
            "u:Bare-s3cret@127.0.0.1:1",
            "doctor",
            "-o",
            "json",
        ],
    ] {
        let o = run(setup.hac().args(args), "");
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert!(!all.contains("s3cret"), "{args:?}: {all}");
    }
    let fake = fake();
    let cache = TempDir::new().unwrap();
    let o = run(
        with_password(hac(&fake.url(), cache.path())).args([
            "--route-cookie",
            "JSESSIONID",
            "--node",
            "x",
            "about",
        ]),
        "",
    );
    assert_exit(&o, 2);
    assert_one_error_line(&o, "HAC's session cookie");
    assert_eq!(fake.stats().requests, 0);
}

/// Server text on a terminal, in a pipe, on stderr and in file names.
#[test]
fn server_text_cannot_rewrite_the_terminal() {
    let fake = fake();
    let cache = TempDir::new().unwrap();
    let client = || with_password(hac(&fake.url(), cache.path()));
    // Text output, piped: escaped (text formats are for reading).
    fake.push_override(
        "/console/scripting/execute",
        groovy_answer(HOSTILE, HOSTILE, ""),
    );
    let o = run(client().arg("groovy"), "return 1");
    assert_exit(&o, 0);
    assert_no_raw_controls(&stdout(&o), "groovy text");
    assert!(stdout(&o).contains("\\u{1b}]0;pwned"), "{}", stdout(&o));
    // JSON, piped: the data as it is (a program reads it).
    fake.push_override("/console/scripting/execute", groovy_answer(HOSTILE, "", ""));
    let o = run(client().args(["groovy", "-o", "json"]), "return 1");
    assert_eq!(json(&o)["output"], HOSTILE, "json keeps the data");
    // An error page's text, on stderr.
    fake.push_override(
        "/console/scripting/execute",
        Response::new(500, "text/plain", format!("boom {HOSTILE}")),
    );
    let o = run(client().arg("groovy"), "return 1");
    assert_no_raw_controls(&stderr(&o), "stderr");
    assert!(stderr(&o).contains("boom A\\u{1b}"), "{}", stderr(&o));
    // A property's value.
    fake.push_override(
        "/platform/config",
        Response::html(format!(
            "<html><body><table id=\"props\"><tbody><tr id=\"evil.key\"><td>evil.key</td><td><input class=\"configValue\" name=\"evil.key\" value=\"{HOSTILE}\"/></td></tr></tbody></table></body></html>"
        )),
    );
    let o = run(client().args(["config", "get", "evil.key"]), "");
    assert_no_raw_controls(&stdout(&o), "config get");
    // Exported file names: created and printed safely.
    let bad_name = "data\x1b]0;x\x07\u{202e}vsc.exe";
    fake.push_override(
        "/medias/dataexport_1.zip",
        Response::new(200, "application/zip", zip_of(&[(bad_name, b"x")])),
    );
    let dir = cache.path().join("export");
    let o = run(
        client().args(["impex", "export", "-", "-o", dir.to_str().unwrap()]),
        "INSERT_UPDATE Product;code[unique=true]\n",
    );
    assert_exit(&o, 0);
    assert_no_raw_controls(&stdout(&o), "export listing");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["data_]0;x__vsc.exe"], "a safe name on disk");
    // On a terminal: JSON escapes the same data, text escapes as above.
    if have_script() {
        let script = cache.path().join("s.groovy");
        std::fs::write(&script, "return 1").unwrap();
        fake.push_override("/console/scripting/execute", groovy_answer(HOSTILE, "", ""));
        let screen = in_terminal(
            &fake.url(),
            cache.path(),
            &format!("groovy -o json {}", script.display()),
        );
        assert_no_raw_controls(&screen, "json on a terminal");
        assert!(screen.contains("\\u202e"), "{screen:?}");
        fake.push_override("/console/scripting/execute", groovy_answer(HOSTILE, "", ""));
        let screen = in_terminal(
            &fake.url(),
            cache.path(),
            &format!("groovy {}", script.display()),
        );
        assert_no_raw_controls(&screen, "text on a terminal");
    }
}

/// What the GitHub runner would take for commands, simulated: lines starting with `::`
/// (after leading spaces) outside a `::stop-commands::TOKEN` ... `::TOKEN::` fence.
fn runner_commands(log: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut stopped: Option<String> = None;
    for line in log.lines() {
        let line = line.trim_start();
        if let Some(token) = &stopped {
            if line == format!("::{token}::") {
                stopped = None;
            }
            continue;
        }
        if let Some(token) = line.strip_prefix("::stop-commands::") {
            stopped = Some(token.to_owned());
            continue;
        }
        if line.starts_with("::") {
            commands.push(line.to_owned());
        }
    }
    commands
}

/// Server output cannot switch off or forge `-o github` annotations, on stdout or stderr.
#[test]
fn github_annotations_cannot_be_switched_off_by_the_server() {
    let fake = fake();
    let cache = TempDir::new().unwrap();
    let evil = "hello\n::stop-commands::pwn\n::error file=x.groovy,line=1::forged\n##[error]old";
    fake.push_override(
        "/console/scripting/execute",
        groovy_answer(
            evil,
            "",
            &format!("java.lang.Exception: boom\n{evil}\n\tat Script1.run(Script1.groovy:3)"),
        ),
    );
    let dir = TempDir::new().unwrap();
    let script = dir.path().join("s.groovy");
    std::fs::write(&script, "throw new Exception('boom')").unwrap();
    let o = run(
        with_password(hac(&fake.url(), cache.path())).args([
            "groovy",
            "-o",
            "github",
            script.to_str().unwrap(),
        ]),
        "",
    );
    assert_exit(&o, 1);
    let log = format!("{}{}", stdout(&o), stderr(&o));
    let commands = runner_commands(&log);
    assert_eq!(
        commands.len(),
        1,
        "only hac's own annotation: {commands:?}\n{log}"
    );
    assert!(commands[0].starts_with("::error file="), "{commands:?}");
    assert!(
        commands[0].contains("s.groovy") && commands[0].contains("line=3"),
        "{commands:?}"
    );
    assert!(!stderr(&o).contains("##[error]"), "{}", stderr(&o));
}

/// Text formats on stdout carry no workflow command of the server's either, on any CI
/// runner: GitHub's `::command::` (after any Unicode spaces) and `##[command]`, Azure
/// Pipelines' `##vso[command]` (anywhere in a line), on stdout and stderr.
#[test]
fn text_output_carries_no_workflow_command_of_the_server() {
    let fake = fake();
    let cache = TempDir::new().unwrap();
    let evil = "ok\n::add-mask::secret\n  ::error file=x::forged\n\u{a0}::warning::w\nx ##vso[task.setvariable variable=X]1\n##[error]old";
    fake.push_override(
        "/console/scripting/execute",
        groovy_answer(evil, "done", ""),
    );
    let o = run(
        with_password(hac(&fake.url(), cache.path())).args(["groovy", "-"]),
        "return 1",
    );
    assert_exit(&o, 0);
    let log = format!("{}{}", stdout(&o), stderr(&o));
    assert!(runner_commands(&log).is_empty(), "{log}");
    assert!(!log.to_ascii_lowercase().contains("##vso["), "{log}");
    assert!(!log.contains("##[error]"), "{log}");
    assert!(stdout(&o).contains(": :add-mask::secret"), "{}", stdout(&o));
    // The data formats keep the data (a program reads them, not a runner).
    fake.push_override(
        "/console/scripting/execute",
        groovy_answer(evil, "done", ""),
    );
    let o = run(
        with_password(hac(&fake.url(), cache.path())).args(["groovy", "-", "-o", "json"]),
        "return 1",
    );
    assert_eq!(json(&o)["output"], evil);
}

/// `--csv-safe` keeps spreadsheets from running cells; plain CSV keeps the data.
#[test]
fn csv_formulas_are_neutralized_on_request() {
    let fake = fake();
    let cache = TempDir::new().unwrap();
    let answer = || {
        Response::json(
            serde_json::json!({
                "exception": null, "headers": ["p_code"], "resultCount": 6,
                "resultList": [["=cmd|' /C calc'!A0"], ["+1"], ["-2"], ["@SUM(1)"], ["\tx"], ["plain"]],
                "executionTime": 1, "query": "q", "parametersAsString": ""
            })
            .to_string(),
        )
    };
    fake.push_override("/console/flexsearch/execute", answer());
    let o = run(
        with_password(hac(&fake.url(), cache.path())).args([
            "flexsearch",
            "SELECT {code} FROM {Product}",
            "-o",
            "csv",
        ]),
        "",
    );
    assert_exit(&o, 0);
    assert!(
        stdout(&o).contains("\n=cmd|' /C calc'!A0\n"),
        "{}",
        stdout(&o)
    );
    fake.push_override("/console/flexsearch/execute", answer());
    let o = run(
        with_password(hac(&fake.url(), cache.path())).args([
            "flexsearch",
            "SELECT {code} FROM {Product}",
            "-o",
            "csv",
            "--csv-safe",
        ]),
        "",
    );
    assert_exit(&o, 0);
    assert_eq!(
        stdout(&o),
        "p_code\n'=cmd|' /C calc'!A0\n'+1\n'-2\n'@SUM(1)\n'\tx\nplain\n"
    );
}

/// A zip of `(name, bytes)` entries, deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        out.start_file(*name, options).unwrap();
        out.write_all(data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Peak resident memory of a finished child, from /proc while it runs (Linux).
fn run_measured(cmd: &mut Command) -> (Output, Option<u64>) {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = cmd.spawn().unwrap();
    let pid = child.id();
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let seen = peak.clone();
    let watcher = std::thread::spawn(move || {
        while let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            if let Some(kib) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                seen.fetch_max(kib, std::sync::atomic::Ordering::Relaxed);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    });
    let out = child.wait_with_output().unwrap();
    let _ = watcher.join();
    let kib = peak.load(std::sync::atomic::Ordering::Relaxed);
    (out, (kib > 0).then_some(kib))
}

/// A small zip that unpacks to far more than any limit: stopped at the limit, in bounded
/// memory and disk, the limit named.
#[test]
fn zip_bombs_stop_at_a_limit() {
    let fake = fake();
    let cache = TempDir::new().unwrap();
    let zeros = vec![0u8; 64 << 20];
    let bomb = zip_of(&[("threaddump.txt", &zeros)]);
    assert!(bomb.len() < 200_000, "a bomb: {} bytes", bomb.len());
    fake.push_override(
        "/monitoring/threaddump/download",
        Response::new(200, "application/zip", bomb.clone()),
    );
    let (o, peak) =
        run_measured(with_password(hac(&fake.url(), cache.path())).args(["threaddump"]));
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("unpacking stopped") && err.contains("times its compressed size"),
        "{err}"
    );
    if let Some(kib) = peak {
        assert!(kib < 60 * 1024, "peak {kib} KiB for a 64 MiB bomb");
    }
    // An export: streamed to disk and stopped at --max-unpacked, the partial file removed.
    let spread = zip_of(&[("a.csv", &zeros[..6 << 20]), ("b.csv", &zeros[..6 << 20])]);
    fake.push_override(
        "/medias/dataexport_1.zip",
        Response::new(200, "application/zip", spread),
    );
    let dir = cache.path().join("export");
    let o = run(
        with_password(hac(&fake.url(), cache.path())).args([
            "impex",
            "export",
            "-",
            "-o",
            dir.to_str().unwrap(),
            "--max-unpacked",
            "8M",
        ]),
        "INSERT_UPDATE Product;code[unique=true]\n",
    );
    assert_exit(&o, 2);
    assert_one_error_line(&o, "unpacking stopped");
    let written: u64 = walk_size(&dir);
    assert!(written <= 8 << 20, "{written} bytes on disk");
}

fn walk_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
                .sum()
        })
        .unwrap_or(0)
}

/// Password commands that hang, leave a child holding the pipe, or never stop writing.
#[cfg(unix)]
#[test]
fn password_commands_that_hang_or_never_stop() {
    let fake = fake();
    let profile = |command: &str, timeout: &str| {
        Setup::new(&format!(
            "[profiles.p]\nurl = \"{}\"\nuser = \"{USER}\"\npassword_command = \"{command}\"\npassword_command_timeout = \"{timeout}\"\n",
            fake.url()
        ))
    };
    let timed = |setup: &Setup| {
        let started = Instant::now();
        let o = run(setup.hac().args(["--profile", "p", "about"]), "");
        (o, started.elapsed())
    };
    // Hangs before printing: stopped at the timeout, named.
    // (The sleepers' stderr goes elsewhere: a descendant that keeps hac's stderr keeps it
    // open, for hac as for any program, and this harness reads it to the end.)
    // What it started is stopped with it (a sleep of a length no other process has).
    let (o, took) = timed(&profile("sleep 97.31 2>/dev/null; echo x", "1s"));
    assert_exit(&o, 3);
    assert_one_error_line(
        &o,
        "the password_command of profile p `sleep 97.31 2>/dev/null; echo x` printed no line within 1s",
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
    #[cfg(target_os = "linux")]
    {
        let sleeping = || {
            std::fs::read_dir("/proc").unwrap().flatten().any(|e| {
                std::fs::read(e.path().join("cmdline")).is_ok_and(|c| c == b"sleep\097.31\0")
            })
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while sleeping() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!sleeping(), "the command's child outlived it");
    }
    // Prints, and leaves a child holding the pipe: the line is enough.
    let (o, took) = timed(&profile(
        &format!("(sleep 100 2>/dev/null &); echo {PASSWORD}"),
        "30s",
    ));
    assert_exit(&o, 0);
    assert!(took < Duration::from_secs(10), "{took:?}");
    // Never stops writing: the first line, and the command ends on the closed pipe.
    let setup = profile(&format!("yes {PASSWORD}"), "30s");
    let o = run(
        setup
            .hac()
            .args(["--profile", "p", "--env", "yes", "about"]),
        "",
    );
    assert_exit(&o, 0);
    // Prints and lingers: taken after a short grace.
    let (o, took) = timed(&profile(
        &format!("echo {PASSWORD}; sleep 100 2>/dev/null"),
        "30s",
    ));
    assert_exit(&o, 0);
    assert!(took < Duration::from_secs(10), "{took:?}");
}

/// Environment slips: empty variables are unset, exported selections do not block the
/// command line, a dead proxy is named, exit codes by class.
#[test]
fn environment_slips() {
    let fake = fake();
    let cache = TempDir::new().unwrap();
    // Empty variables are unset.
    let mut c = with_password(hac(&fake.url(), cache.path()));
    for v in [
        "HAC_PROFILE",
        "HAC_TIMEOUT",
        "HAC_NODES",
        "HAC_NODE",
        "HAC_CONTEXT_PATH",
        "HAC_MAX_RESPONSE",
        "HAC_PROXY",
        "HAC_ENV",
    ] {
        c.env(v, "");
    }
    let o = run(c.arg("about"), "");
    assert_exit(&o, 0);
    // An empty HAC_CACHE_DIR is the default cache directory (here one of the test's own).
    let xdg = cache.path().join("xdg");
    let o = run(
        with_password(hac(&fake.url(), cache.path()))
            .env("HAC_CACHE_DIR", "")
            .env("XDG_CACHE_HOME", &xdg)
            .arg("about"),
        "",
    );
    assert_exit(&o, 0);
    let saved = std::fs::read_dir(xdg.join("hac-client"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
        .count();
    assert_eq!(saved, 1, "the session went to the default cache directory");
    // An exported HAC_PROFILE or HAC_NODES does not block --profiles; the command line wins.
    let setup = Setup::new(&format!(
        "[profiles.a]\nurl = \"{0}\"\nuser = \"{USER}\"\npassword_command = \"echo {PASSWORD}\"\n\
         [profiles.b]\nurl = \"{0}\"\nuser = \"{USER}\"\npassword_command = \"echo {PASSWORD}\"\nenvironment = \"b\"\n",
        fake.url()
    ));
    let o = run(
        setup
            .hac()
            .env("HAC_PROFILE", "a")
            .env("HAC_NODES", "n1,n2")
            .args(["--profiles", "a,b", "about", "-o", "json"]),
        "",
    );
    assert_exit(&o, 0);
    assert_eq!(json(&o).as_array().unwrap().len(), 2);
    let o = run(
        setup
            .hac()
            .args(["--profiles", "a,b", "--profile", "a", "about"]),
        "",
    );
    assert_exit(&o, 2);
    assert_one_error_line(&o, "--profiles and --profile cannot be used together");
    // A dead proxy is what failed.
    let o = run(
        with_password(hac(&fake.url(), cache.path())).args([
            "--proxy",
            "http://127.0.0.1:1",
            "about",
        ]),
        "",
    );
    assert_exit(&o, 4);
    assert_one_error_line(&o, "through the proxy http://127.0.0.1:1");
    let o = run(
        with_password(hac(&fake.url(), cache.path())).args([
            "--proxy",
            "http://127.0.0.1:1",
            "doctor",
        ]),
        "",
    );
    assert_exit(&o, 4);
    assert!(
        stdout(&o).contains("cannot connect to the proxy at 127.0.0.1:1"),
        "{}",
        stdout(&o)
    );
    // A broken PK order under --all is the server's answer: 1.
    let page = |pks: [&str; 2]| {
        Response::json(
            serde_json::json!({"exception": null, "headers": ["PK"], "resultCount": 2,
                "resultList": [[pks[0]], [pks[1]]], "executionTime": 1, "query": "q", "parametersAsString": ""})
            .to_string(),
        )
    };
    fake.push_override("/console/flexsearch/execute", page(["9", "10"]));
    fake.push_override("/console/flexsearch/execute", page(["3", "4"]));
    let o = run(
        with_password(hac(&fake.url(), cache.path())).args([
            "flexsearch",
            "SELECT {pk} FROM {Product}",
            "--all",
            "--page-size",
            "2",
        ]),
        "",
    );
    assert_exit(&o, 1);
    assert_one_error_line(&o, "ordered by PK");
    // A keyring without the password: the next step, not a bare "no matching entry".
    let kr = Setup::new(&format!(
        "[profiles.k]\nurl = \"{}\"\nuser = \"nobody-{}\"\nkeyring = true\n",
        fake.url(),
        std::process::id()
    ));
    let o = run(kr.hac().args(["--profile", "k", "about"]), "");
    assert_exit(&o, 3);
    let err = stderr(&o);
    assert!(
        err.contains("hac login --save-password") || err.contains("system keyring cannot be used"),
        "{err}"
    );
}

/// A machine address that is not loopback, to play a server on the network.
fn network_address() -> Option<std::net::IpAddr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    // No packet is sent: connecting a UDP socket only picks the route.
    s.connect("192.0.2.1:9").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

/// A gateway's Basic credentials never go over plain HTTP to a host on the network.
#[test]
fn gateway_credentials_stay_off_plain_http_on_the_network() {
    let Some(ip) = network_address() else {
        assert!(
            !strict(),
            "HAC_TEST_STRICT: no network address to play a remote server on"
        );
        eprintln!("skipped: no network address");
        return;
    };
    let fake = FakeHac::builder()
        .context_path("/hac")
        .user(USER, PASSWORD)
        .gateway_basic_auth("gw", "Gw-pass-4711")
        .bind_address(ip)
        .start();
    let cache = TempDir::new().unwrap();
    let mut c = with_password(hac(&fake.url(), cache.path()));
    c.env("HAC_GATEWAY_USER", "gw")
        .env("HAC_GATEWAY_PASSWORD", "Gw-pass-4711");
    let o = run(c.arg("about"), "");
    assert_ne!(
        code(&o),
        0,
        "the gateway refuses a request without its credentials"
    );
    assert!(
        stderr(&o).contains("not sent over plain HTTP"),
        "{}",
        stderr(&o)
    );
    assert!(
        fake.requests()
            .iter()
            .all(|r| r.header("authorization").is_none()),
        "sent in clear"
    );
    assert!(fake.stats().gateway_refusals > 0);

    // Behind an http→https redirect: nothing before the move, the credentials after it.
    let ip_text = ip.to_string();
    let tls = FakeHac::builder()
        .context_path("/hac")
        .user(USER, PASSWORD)
        .gateway_basic_auth("gw", "Gw-pass-4711")
        .tls(hac_fake::TlsMode::SelfSigned)
        .cert_names(&[ip_text.as_str()])
        .http_redirect(true)
        .bind_address(ip)
        .start();
    let cert = cache.path().join("cert.pem");
    std::fs::write(&cert, &tls.certs().unwrap().leaf_pem).unwrap();
    let http = tls.http_url().unwrap();
    let mut c = with_password(hac(&format!("{http}/hac"), cache.path()));
    c.env("HAC_GATEWAY_USER", "gw")
        .env("HAC_GATEWAY_PASSWORD", "Gw-pass-4711")
        .env("HAC_CA_CERT", &cert)
        .env("HAC_ENV", "tls");
    let o = run(c.arg("about"), "");
    let port = |url: &str| url.rsplit(':').next().unwrap().to_owned();
    let requests = tls.requests();
    let plain: Vec<_> = requests
        .iter()
        .filter(|r| r.header("host").is_some_and(|h| h.ends_with(&port(&http))))
        .collect();
    assert!(
        !plain.is_empty(),
        "the first request went to the plain port"
    );
    assert!(
        plain.iter().all(|r| r.header("authorization").is_none()),
        "credentials before the upgrade"
    );
    assert_exit(&o, 0);
    assert!(
        requests.iter().any(|r| r.header("authorization").is_some()),
        "and after it"
    );
}
