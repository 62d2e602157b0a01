//! A session that dies is answered in several ways (per version, and by proxies in front of
//! HAC); each leads to exactly one re-login and one retry, and a session the server keeps
//! rejecting ends in a typed error, never a loop.

mod common;

use std::time::Duration;

use hac_client::Error;
use hac_fake::{ExpiryAnswer, FakeHac, LoginPageVariant, Profile, Response};

const ANSWERS: [ExpiryAnswer; 7] = [
    ExpiryAnswer::Realistic,
    ExpiryAnswer::RelativeRedirect,
    ExpiryAnswer::LoginPage,
    ExpiryAnswer::Unauthorized,
    ExpiryAnswer::Forbidden,
    ExpiryAnswer::MethodNotAllowed,
    ExpiryAnswer::EmptyOk,
];

fn console_calls(hac: &FakeHac, needle: &str) -> usize {
    hac.requests()
        .iter()
        .filter(|r| r.path.contains(needle))
        .count()
}

#[test]
fn relogin_once_after_forced_invalidation() {
    for profile in Profile::ALL {
        for answer in ANSWERS {
            let hac = FakeHac::builder()
                .profile(profile)
                .expiry_answer(answer)
                .start();
            let c = common::client(&hac);
            c.execute_groovy("return 1")
                .unwrap()
                .error_for_failure_ref()
                .unwrap();
            hac.expire_sessions();
            hac.reset_stats();
            // POST endpoint
            let r = c.execute_groovy("return 2").unwrap();
            assert_eq!(r.result, "2", "{profile} {answer:?}");
            assert_eq!(hac.stats().logins, 1, "{profile} {answer:?}");
            assert_eq!(
                console_calls(&hac, "scripting"),
                2,
                "{profile} {answer:?}: one call, one retry"
            );
            // GET endpoint
            hac.expire_sessions();
            hac.reset_stats();
            c.pending_patches().unwrap();
            assert_eq!(hac.stats().logins, 1, "{profile} {answer:?}");
            assert_eq!(
                console_calls(&hac, "pendingPatches"),
                2,
                "{profile} {answer:?}"
            );
        }
    }
}

#[test]
fn a_dead_post_on_2211_is_a_405_and_one_relogin() {
    let hac = FakeHac::builder().profile(Profile::V2211_38).start();
    let c = common::client(&hac);
    c.login().unwrap();
    hac.expire_sessions();
    hac.reset_stats();
    c.flexible_search("SELECT {pk} FROM {Product}")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    let paths: Vec<String> = hac.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths[0], "/console/flexsearch/execute");
    assert_eq!(hac.stats().logins, 1);
    assert_eq!(
        hac.stats().unauthenticated,
        1,
        "the dead POST was refused once"
    );
    assert_eq!(hac.stats().csrf_rejections, 0);
}

#[test]
fn relogin_after_idle_timeout() {
    // Long enough that a login on a loaded CI machine does not time out half-way.
    let hac = FakeHac::builder()
        .idle_timeout(Duration::from_millis(400))
        .start();
    let c = common::client(&hac);
    c.flexible_search("SELECT {pk} FROM {Product}")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    std::thread::sleep(Duration::from_millis(900));
    c.flexible_search("SELECT {pk} FROM {Product}")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(hac.stats().logins, 2);
}

#[test]
fn relogin_after_restart_behind_load_balancer() {
    let hac = FakeHac::builder().route_cookie(true).start();
    let c = common::client(&hac);
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    hac.restart(); // sessions gone, ROUTE now points elsewhere
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(hac.stats().logins, 2);
    // The new ROUTE is kept: no further logins.
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(hac.stats().logins, 2);
}

#[test]
fn persistent_rejection_is_a_typed_error_not_a_loop() {
    let login_page = || {
        Response::html(hac_fake::pages::login(
            LoginPageVariant::Standard,
            "",
            "t",
            None,
        ))
    };
    type Answer = Box<dyn Fn() -> Response>;
    let cases: Vec<(&str, Answer)> = vec![
        ("redirect", Box::new(|| Response::redirect("/login"))),
        (
            "absolute redirect",
            Box::new(|| Response::redirect("http://127.0.0.1:1/login")),
        ),
        ("login page", Box::new(login_page)),
        (
            "marker only",
            Box::new(|| {
                Response::html("<html><!-- redirect_detection - do not remove! --></html>")
            }),
        ),
    ];
    for (name, answer) in cases {
        let hac = FakeHac::start();
        let c = common::client(&hac);
        c.login().unwrap();
        hac.reset_stats();
        // The server drops the session on every console call.
        for _ in 0..2 {
            hac.push_override("/console/scripting/execute", answer());
        }
        let e = c.execute_groovy("return 1").unwrap_err();
        assert!(matches!(e, Error::SessionRejected { .. }), "{name}: {e:?}");
        assert_eq!(hac.stats().logins, 1, "{name}");
        assert_eq!(console_calls(&hac, "scripting"), 2, "{name}");
    }
    for status in [401, 403, 405] {
        let hac = FakeHac::start();
        let c = common::client(&hac);
        c.login().unwrap();
        hac.reset_stats();
        for _ in 0..2 {
            hac.push_override("/console/scripting/execute", Response::status(status));
        }
        let e = c.execute_groovy("return 1").unwrap_err();
        assert!(
            matches!(e, Error::Forbidden { status: s, .. } if s == status),
            "{status}: {e:?}"
        );
        assert_eq!(hac.stats().logins, 1, "{status}");
        assert_eq!(console_calls(&hac, "scripting"), 2, "{status}");
    }
}

#[test]
fn fresh_session_rejected_fails_without_second_login() {
    for status in [401, 405] {
        let hac = FakeHac::start();
        hac.push_override("/console/scripting/execute", Response::status(status));
        let c = common::client(&hac);
        let e = c.execute_groovy("return 1").unwrap_err();
        assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");
        assert_eq!(hac.stats().logins, 1);
    }
}

#[test]
fn validate_reports_without_logging_in() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    assert!(!c.check_session().unwrap());
    assert_eq!(hac.stats().requests, 0);
    c.login().unwrap();
    assert!(c.check_session().unwrap());
    hac.expire_sessions();
    assert!(!c.check_session().unwrap());
    assert_eq!(hac.stats().logins, 1);
}

/// SAP Commerce Cloud's gateway has answered a dead session's console POST with an empty
/// 200: the client checks the session with a page request, logs in once and retries once;
/// on a live session an empty answer is an error that may have run, sent once.
#[test]
fn an_empty_200_leads_to_a_session_check() {
    let hac = FakeHac::builder()
        .expiry_answer(ExpiryAnswer::EmptyOk)
        .start();
    let c = common::client(&hac);
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    hac.expire_sessions();
    hac.reset_stats();
    let r = c.flexible_search("SELECT {pk} FROM {Product}").unwrap();
    assert!(r.exception.is_none(), "{:?}", r.exception);
    assert_eq!(hac.stats().logins, 1, "one re-login");
    assert_eq!(
        console_calls(&hac, "flexsearch/execute"),
        2,
        "one call, one retry"
    );
    // Alive, and still nothing: the answer is lost, the call not repeated.
    hac.reset_stats();
    hac.push_override(
        "/console/scripting/execute",
        Response::new(200, "text/html", "  \n"),
    );
    let e = c
        .execute_groovy(hac_client::GroovyScript::new("return 3").commit(true))
        .unwrap_err();
    assert!(matches!(e, Error::InvalidResponse { .. }), "{e:?}");
    assert!(e.may_have_run(), "{e}");
    assert!(e.to_string().contains("may have run"), "{e}");
    assert_eq!(console_calls(&hac, "scripting/execute"), 1);
    assert_eq!(hac.stats().logins, 0);
}
