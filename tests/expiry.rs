//! A session that dies is answered in four ways; each leads to exactly one re-login and
//! one retry, and a session the server keeps rejecting ends in a typed error.

mod common;

use std::time::Duration;

use fake_hac::{ExpiryAnswer, FakeHac};
use hac_client::Error;

const ANSWERS: [ExpiryAnswer; 5] = [
    ExpiryAnswer::Realistic,
    ExpiryAnswer::Redirect,
    ExpiryAnswer::LoginPage,
    ExpiryAnswer::Unauthorized,
    ExpiryAnswer::Forbidden,
];

fn console_calls(hac: &FakeHac, needle: &str) -> usize {
    hac.requests()
        .iter()
        .filter(|r| r.path.contains(needle))
        .count()
}

#[test]
fn relogin_once_after_forced_invalidation() {
    for answer in ANSWERS {
        let hac = FakeHac::builder().expiry_answer(answer).start();
        let c = common::client(&hac);
        c.execute_groovy("return 1", false).unwrap();
        hac.expire_sessions();
        hac.reset_stats();
        // POST endpoint
        let r = c.execute_groovy("return 2", false).unwrap();
        assert_eq!(r.result, "2", "{answer:?}");
        assert_eq!(hac.stats().logins, 1, "{answer:?}");
        assert_eq!(
            console_calls(&hac, "scripting"),
            2,
            "{answer:?}: one call, one retry"
        );
        // GET endpoint
        hac.expire_sessions();
        hac.reset_stats();
        c.pending_patches().unwrap();
        assert_eq!(hac.stats().logins, 1, "{answer:?}");
        assert_eq!(console_calls(&hac, "pendingPatches"), 2, "{answer:?}");
    }
}

#[test]
fn relogin_after_idle_timeout() {
    // Long enough that a login on a loaded CI machine does not time out half-way.
    let hac = FakeHac::builder()
        .idle_timeout(Duration::from_millis(400))
        .start();
    let c = common::client(&hac);
    c.flexible_search("SELECT {pk} FROM {Product}").unwrap();
    std::thread::sleep(Duration::from_millis(900));
    c.flexible_search("SELECT {pk} FROM {Product}").unwrap();
    assert_eq!(hac.stats().logins, 2);
}

#[test]
fn relogin_after_restart_behind_load_balancer() {
    let hac = FakeHac::builder().route_cookie(true).start();
    let c = common::client(&hac);
    c.execute_groovy("return 1", false).unwrap();
    hac.restart(); // sessions gone, ROUTE now points elsewhere
    c.execute_groovy("return 1", false).unwrap();
    assert_eq!(hac.stats().logins, 2);
    // The new ROUTE is kept: no further logins.
    c.execute_groovy("return 1", false).unwrap();
    assert_eq!(hac.stats().logins, 2);
}

#[test]
fn persistent_rejection_is_a_typed_error_not_a_loop() {
    for answer in [
        ExpiryAnswer::Redirect,
        ExpiryAnswer::LoginPage,
        ExpiryAnswer::Unauthorized,
    ] {
        let hac = FakeHac::builder().expiry_answer(answer).start();
        let c = common::client(&hac);
        c.login().unwrap();
        hac.reset_stats();
        // The server drops the session on every console call.
        for _ in 0..2 {
            let resp = match answer {
                ExpiryAnswer::Redirect => fake_hac::Response::redirect("/hac/login"),
                ExpiryAnswer::LoginPage => fake_hac::Response::html(
                    include_str!("../fixtures/login.html").replace("{{CSRF}}", "t"),
                ),
                _ => fake_hac::Response::status(401),
            };
            hac.push_override("/console/scripting/execute", resp);
        }
        let e = c.execute_groovy("return 1", false).unwrap_err();
        assert!(
            matches!(e, Error::SessionRejected { .. }),
            "{answer:?}: {e:?}"
        );
        assert_eq!(hac.stats().logins, 1, "{answer:?}");
        assert_eq!(console_calls(&hac, "scripting"), 2, "{answer:?}");
    }
}

#[test]
fn fresh_session_rejected_fails_without_second_login() {
    let hac = FakeHac::start();
    hac.push_override(
        "/console/scripting/execute",
        fake_hac::Response::status(401),
    );
    let c = common::client(&hac);
    let e = c.execute_groovy("return 1", false).unwrap_err();
    assert!(matches!(e, Error::SessionRejected { .. }), "{e:?}");
    assert_eq!(hac.stats().logins, 1);
}

#[test]
fn validate_reports_without_logging_in() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    assert!(!c.validate().unwrap());
    assert_eq!(hac.stats().requests, 0);
    c.login().unwrap();
    assert!(c.validate().unwrap());
    hac.expire_sessions();
    assert!(!c.validate().unwrap());
    assert_eq!(hac.stats().logins, 1);
}
