//! What a caller can act on: for each class of failure, the typed error, whether the
//! request may have run (a caller retries only on `false`), whether a retry is safe, the
//! accessors (`status`, `path`, `is_connect` …) and the `source()` chain; and the failures
//! inside a 200 (`into_result`) as errors of their own.

mod common;

use std::error::Error as _;
use std::time::Duration;

use hac_client::{Error, FlexibleSearch, HacClient, UpdateRequest};
use hac_fake::{FakeHac, Response};

/// A header that would split the request is refused when the client is built, not by a
/// panic inside the HTTP library on the first request.
#[test]
fn a_user_agent_with_a_line_break_is_refused_at_build() {
    for ua in ["x\r\nX-Injected: 1", "x\n", "x\r", "x\0"] {
        let e = HacClient::builder("http://127.0.0.1:1")
            .user_agent(ua)
            .build()
            .unwrap_err();
        assert!(matches!(e, Error::Config { .. }), "{ua:?}: {e:?}");
        assert!(!e.may_have_run());
    }
}

/// Nothing left: not run, safe to retry, a connection error with its cause attached.
#[test]
fn a_refused_connection_never_ran() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = common::build(common::config_for(format!("http://127.0.0.1:{port}")));
    let e = c.execute_groovy("return 1").unwrap_err();
    assert!(matches!(e, Error::Connect { .. }), "{e:?}");
    assert!(e.is_connect() && !e.is_timeout() && !e.is_tls());
    assert!(!e.may_have_run() && e.is_retryable());
    assert_eq!(e.status(), None);
    let cause = e.source().expect("the operating system's error");
    assert!(!cause.to_string().is_empty());
}

/// A 5xx after the request arrived: it may have run, it is not retried, and the status
/// and path are there to read.
#[test]
fn a_server_error_may_have_run() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    c.login().unwrap();
    hac.push_override("/console/scripting/execute", Response::status(503));
    let e = c.execute_groovy("return 1").unwrap_err();
    assert_eq!(e.status(), Some(503), "{e:?}");
    assert!(
        e.path()
            .is_some_and(|p| p.ends_with("/console/scripting/execute")),
        "{e:?}"
    );
    assert!(e.may_have_run() && !e.is_retryable(), "{e:?}");
    assert!(!e.is_connect());
    let sent = hac
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/console/scripting/execute"))
        .count();
    assert_eq!(sent, 1, "not retried");
}

/// An answer over the size limit was computed by the server: it ran.
#[test]
fn an_answer_too_large_ran() {
    let hac = FakeHac::builder().generated_rows(20_000).start();
    let c = common::build(common::config(&hac).max_response_bytes(64 * 1024));
    let e = c
        .flexible_search(FlexibleSearch::new("SELECT * FROM {Generated}").max_rows(20_000))
        .unwrap_err();
    assert!(matches!(e, Error::ResponseTooLarge { .. }), "{e:?}");
    assert!(e.may_have_run() && !e.is_retryable(), "{e:?}");
}

/// HAC's "failure inside a 200" for an update and an export: `into_result` makes each an
/// error of its own kind, with what HAC said.
#[test]
fn failures_inside_a_200_become_errors() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    c.login().unwrap();
    hac.push_override(
        "/platform/init/execute",
        Response::json(r#"{"success":false,"log":"<p>update refused: locked</p>"}"#),
    );
    let outcome = c.execute_update(&UpdateRequest::new()).unwrap();
    assert!(!outcome.is_success());
    assert!(outcome.error_for_failure_ref().is_err());
    let e = outcome.into_result().unwrap_err();
    match &e {
        Error::Update { log, .. } => assert!(log.contains("update refused: locked"), "{log}"),
        other => panic!("{other:?}"),
    }
    assert!(e.is_operation_failure());

    let failed = c.export_impex("INSERT_UPDATE Nonsense;code").unwrap();
    assert!(!failed.is_success());
    let e = failed.into_result().unwrap_err();
    assert!(matches!(e, Error::Export { .. }), "{e:?}");
    assert!(e.is_operation_failure());

    // An update log with errors is an error too, once finished.
    let started = c
        .execute_update(&UpdateRequest::new().parameter("x_y", ["broken"]))
        .unwrap()
        .into_result()
        .unwrap();
    assert!(started.is_success());
    let log = c
        .wait_for_update(Duration::from_millis(5), Duration::from_secs(5))
        .unwrap();
    assert!(log.finished && log.has_errors);
    assert!(matches!(log.into_result(), Err(Error::Update { .. })));
}
