//! A hostile or broken server: resets after the request, wrong JSON, invalid UTF-8, lone
//! surrogates, secrets echoed in error pages, redirect loops, servers that are not HAC.
//! Each case once broke the client (see issue 11); each must give a typed error or the
//! right result, never a panic, a loop or a leaked secret.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use hac_client::{Error, GroovyScript};
use hac_fake::{FakeHac, Response};

#[test]
fn a_reset_after_the_request_was_sent_may_have_run() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    c.login().unwrap();
    hac.reset_stats();
    hac.push_override("/console/scripting/execute", Response::abort());
    let e = c
        .execute_groovy(GroovyScript::new("return 1").commit(true))
        .unwrap_err();
    assert!(matches!(e, Error::AnswerLost { .. }), "{e:?}");
    assert!(e.may_have_run());
    assert!(e.to_string().contains("may have run"), "{e}");
    assert!(!e.to_string().contains("cannot connect"), "{e}");
    // Sent once, never again by the client.
    assert_eq!(hac.stats().requests, 1);
    // A refused connection is "never reached".
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let e = common::build(common::config_for(url)).login().unwrap_err();
    assert!(matches!(e, Error::Connect { .. }), "{e:?}");
    assert!(!e.may_have_run());
}

#[test]
fn a_bad_byte_or_a_lone_surrogate_does_not_lose_the_result() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let mut body = br#"{"headers":["p_code","p_name"],"resultList":[["a","bad "#.to_vec();
    body.push(0xFF);
    body.extend_from_slice(
        br#" byte"],["b","cut \ud83d"],["c","ok \ud83d\ude00"]],"resultCount":3,"exception":null}"#,
    );
    hac.push_override("/console/flexsearch/execute", Response::json(body));
    let r = c.flexible_search("SELECT {code} FROM {Product}").unwrap();
    let names: Vec<Option<&str>> = r.rows().map(|row| row.get("name")).collect();
    assert_eq!(
        names,
        [
            Some("bad \u{fffd} byte"),
            Some("cut \u{fffd}"),
            Some("ok 😀")
        ]
    );
    let mut groovy = br#"{"outputText":"caf"#.to_vec();
    groovy.push(0xE9);
    groovy.extend_from_slice(br#"\n","executionResult":"\udead","stacktraceText":""}"#);
    hac.push_override("/console/scripting/execute", Response::json(groovy));
    let g = c.execute_groovy("return 1").unwrap();
    assert_eq!(g.output, "caf\u{fffd}\n");
    assert_eq!(g.result, "\u{fffd}");
}

#[test]
fn echoed_secrets_never_reach_an_error() {
    let password = "S3cret-Pa55-Echo";
    let hac = FakeHac::builder().user("ops", password).start();
    let c = common::client_as(&hac, "ops", password);
    c.login().unwrap();
    let home = hac.last_request("/").unwrap();
    let session = home.cookie("JSESSIONID").unwrap();
    let token = {
        c.execute_groovy("return 1")
            .unwrap()
            .error_for_failure_ref()
            .unwrap();
        hac.last_request("/console/scripting/execute")
            .unwrap()
            .header("X-CSRF-TOKEN")
            .unwrap()
            .to_owned()
    };
    // A 500 page as HAC renders it (its layout carries the live token), plus an echo of
    // the session id in its text.
    let page = hac_fake::pages::layout(
        "",
        &token,
        "ops",
        "Error",
        &format!("<p>Internal error for session {session} and token {token}</p>"),
    );
    hac.push_override(
        "/console/scripting/execute",
        Response::new(500, "text/html", page),
    );
    let e = c.execute_groovy("return 1").unwrap_err();
    // A WAF page echoing what it blocked, as JSON.
    hac.push_override(
        "/console/flexsearch/execute",
        Response::new(
            400,
            "application/json",
            format!(r#"{{"blocked":"Cookie: JSESSIONID={session}; X-CSRF-TOKEN: {token}"}}"#),
        ),
    );
    let e2 = c.flexible_search("SELECT {pk} FROM {Product}").unwrap_err();
    // The login form echoed back with an unexpected status.
    let fresh = common::client_as(&hac, "ops", password);
    hac.push_override(
        "/j_spring_security_check",
        Response::new(
            418,
            "text/plain",
            format!("rejected j_username=ops&j_password={password}&_csrf=zzzz-csrf-echo"),
        ),
    );
    let e3 = fresh.login().unwrap_err();
    for e in [&e, &e2, &e3] {
        let text = format!("{e} {e:?}");
        for secret in [password, session.as_str(), token.as_str(), "zzzz-csrf-echo"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert!(text.contains("[redacted]"), "{text}");
    }
    assert!(e.to_string().contains("Internal error for session"), "{e}");
}

#[test]
fn foreign_json_is_not_a_result() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    for (path, body) in [
        ("/console/scripting/execute", "{}"),
        ("/console/scripting/execute", r#"{"status":"ok"}"#),
        ("/console/flexsearch/execute", r#"{"status":"ok"}"#),
        ("/initlog/log", r#"{"status":"ok"}"#),
        ("/platform/init/pendingPatches", r#"{"status":"ok"}"#),
        ("/platform/init/execute", r#"{"status":"ok"}"#),
    ] {
        hac.push_override(path, Response::json(body));
        let r = match path {
            "/console/scripting/execute" => c.execute_groovy("return 1").map(drop),
            "/console/flexsearch/execute" => {
                c.flexible_search("SELECT {pk} FROM {Product}").map(drop)
            }
            "/initlog/log" => c.update_log().map(drop),
            "/platform/init/pendingPatches" => c.pending_patches().map(drop),
            _ => c
                .execute_update(&hac_client::UpdateRequest::new())
                .map(drop),
        };
        let e = r.unwrap_err();
        assert!(
            matches!(e, Error::InvalidResponse { .. }),
            "{path} {body}: {e:?}"
        );
    }
}

/// A plain HTTP server that answers every request with `answer(path)`.
fn serve(answer: fn(&str) -> String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
            }
            let _ = stream.write_all(answer(&path).as_bytes());
        }
    });
    url
}

#[test]
fn redirect_loops_stop_at_once() {
    let url = serve(|path| {
        format!(
            "HTTP/1.1 302 Found\r\nLocation: {path}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
    });
    let e = common::build(common::config_for(url.clone()).context_path("/hac"))
        .login()
        .unwrap_err();
    assert!(matches!(e, Error::RedirectLoop { .. }), "{e:?}");
    assert!(e.to_string().contains("/hac/login"), "{e}");
}

#[test]
fn a_server_that_is_not_hac_is_one_error_naming_every_page_tried() {
    let url = serve(|_| {
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 28\r\nConnection: close\r\n\r\n<html><h1>Welcome</h1></html>".into()
    });
    for configured in [None, Some("/hac"), Some("")] {
        let mut b = common::config_for(url.clone());
        if let Some(ctx) = configured {
            b = b.context_path(ctx);
        }
        let e = common::build(b).login().unwrap_err();
        match &e {
            Error::NotHac { tried, .. } => {
                assert!(!tried.is_empty(), "{configured:?}");
                assert!(tried.iter().all(|t| t.contains("/login")), "{tried:?}");
            }
            e => panic!("{configured:?}: {e:?}"),
        }
        assert!(e.to_string().contains("HAC"), "{e}");
    }
}

/// A script over HAC's 6 MiB form limit cannot be validated (validation has no upload
/// endpoint): a typed error that says so, never a panic, and nothing sent.
#[test]
fn validating_a_file_over_the_form_limit_is_an_error() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.impex");
    let mut text = String::from("INSERT_UPDATE Language;isocode[unique=true]\n");
    while text.len() < 7 << 20 {
        text.push_str(";de\n");
    }
    std::fs::write(&path, &text).unwrap();
    let e = c
        .validate_impex(hac_client::ImpexImport::from_file(&path))
        .unwrap_err();
    assert!(matches!(e, Error::FormTooLarge { .. }), "{e:?}");
    assert!(e.to_string().contains("no upload endpoint"), "{e}");
    assert_eq!(hac.stats().requests, 0);
}

/// A small zip that unpacks to gigabytes stops at a limit, the partial file removed, and
/// names from the server become safe file names.
#[test]
fn zip_limits_and_safe_names() {
    use std::io::Write as _;
    let zip_of = |entries: &[(&str, &[u8])]| {
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            out.start_file(*name, options).unwrap();
            out.write_all(data).unwrap();
        }
        out.finish().unwrap().into_inner()
    };
    let dir = tempfile::tempdir().unwrap();
    let zeros = vec![0u8; 32 << 20];
    let bomb = zip_of(&[("bomb.csv", &zeros)]);
    let e = hac_client::unpack_zip(&bomb, dir.path()).unwrap_err();
    assert!(matches!(e, Error::ArchiveTooLarge { .. }), "{e:?}");
    assert!(e.to_string().contains("times its compressed size"), "{e}");
    assert!(
        !dir.path().join("bomb.csv").exists(),
        "the partial file is removed"
    );
    // Plain data within the limits; a total limit stops the second file.
    let text = b"code;name\n1;a\n".repeat(1000);
    let limits = hac_client::ZipLimits::default().max_total_bytes(20_000);
    let two = zip_of(&[("a.csv", &text), ("b.csv", &text)]);
    let e = hac_client::unpack_zip_within(&two, dir.path(), &limits).unwrap_err();
    assert!(e.to_string().contains("limit in all"), "{e}");
    assert!(dir.path().join("a.csv").exists() && !dir.path().join("b.csv").exists());
    let limits = hac_client::ZipLimits::default().max_entries(1);
    let e = hac_client::unpack_zip_within(&two, dir.path(), &limits).unwrap_err();
    assert!(e.to_string().contains("2 files"), "{e}");
    // A per-file limit stops the one file over it, and says which limit it was.
    let per_file = tempfile::tempdir().unwrap();
    let big = b"code;name\n".repeat(3000);
    let mixed = zip_of(&[("small.csv", b"1;a\n"), ("big.csv", &big)]);
    let limits = hac_client::ZipLimits::default().max_entry_bytes(10_000);
    let e = hac_client::unpack_zip_within(&mixed, per_file.path(), &limits).unwrap_err();
    assert!(matches!(e, Error::ArchiveTooLarge { .. }), "{e:?}");
    assert!(e.to_string().contains("big.csv"), "{e}");
    assert!(
        !per_file.path().join("big.csv").exists(),
        "the partial file is removed"
    );
    let named = zip_of(&[("x\u{1b}[2J\u{202e}y:z.csv", b"1")]);
    let written = hac_client::unpack_zip(&named, dir.path()).unwrap();
    assert_eq!(written, [dir.path().join("x_[2J_y_z.csv")]);

    // A server that plants configuration: hidden names refused before anything is written.
    let fresh = tempfile::tempdir().unwrap();
    let planted = zip_of(&[
        ("data.csv", b"1"),
        (".git/config", b"[core]\n\tfsmonitor = touch /tmp/pwned\n"),
    ]);
    let e = hac_client::unpack_zip(&planted, fresh.path()).unwrap_err();
    assert!(matches!(e, Error::InvalidResponse { .. }), "{e:?}");
    assert!(e.to_string().contains("hidden"), "{e}");
    assert_eq!(
        std::fs::read_dir(fresh.path()).unwrap().count(),
        0,
        "nothing written"
    );
    // An existing file is never replaced.
    std::fs::write(fresh.path().join("data.csv"), "mine").unwrap();
    let e = hac_client::unpack_zip(&zip_of(&[("data.csv", b"theirs")]), fresh.path()).unwrap_err();
    assert!(
        matches!(e, Error::File { .. }) && e.to_string().contains("exists already"),
        "{e}"
    );
    assert_eq!(
        std::fs::read_to_string(fresh.path().join("data.csv")).unwrap(),
        "mine"
    );
    // Nor is a symbolic link on the way followed.
    #[cfg(unix)]
    {
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), fresh.path().join("sub")).unwrap();
        let e = hac_client::unpack_zip(&zip_of(&[("sub/x.csv", b"1")]), fresh.path()).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }
}
