//! Login against the fake HAC: context paths, detection, session fixation, ROUTE,
//! CSRF handling and every failure.

mod common;

use fake_hac::{BadLoginAnswer, FakeHac, LoginPageVariant};
use hac_client::{BasicCredentials, Error, HacClient, HacConfig};

#[test]
fn explicit_hac_context() {
    let hac = FakeHac::start();
    let c = HacClient::new(common::config(&hac).context_path("/hac").build().unwrap()).unwrap();
    c.login().unwrap();
    assert!(c.is_logged_in());
    assert_eq!(hac.stats().logins, 1);
    assert_eq!(c.context_path().as_deref(), Some("/hac"));
}

#[test]
fn explicit_root_context() {
    let hac = FakeHac::builder().context_path("").start();
    let c = HacClient::new(common::config(&hac).context_path("/").build().unwrap()).unwrap();
    let r = c.execute_groovy("return 'root'", false).unwrap();
    assert_eq!(r.result, "root");
    assert_eq!(hac.stats().logins, 1);
    assert!(hac.requests().iter().all(|r| !r.path.starts_with("/hac")));
}

#[test]
fn detects_hac_context() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    assert_eq!(c.context_path(), None);
    c.login().unwrap();
    assert_eq!(c.context_path().as_deref(), Some("/hac"));
}

#[test]
fn detects_root_context_despite_hac_redirect_chain() {
    let hac = FakeHac::builder().context_path("").start();
    let c = common::client(&hac);
    c.execute_groovy("return 1", false).unwrap();
    assert_eq!(c.context_path().as_deref(), Some(""));
    assert_eq!(hac.stats().logins, 1);
}

#[test]
fn login_jsp_variant_with_absolute_redirects() {
    for ctx in ["/hac", ""] {
        let hac = FakeHac::builder()
            .context_path(ctx)
            .login_jsp(true)
            .absolute_redirects(true)
            .start();
        let c = common::client(&hac);
        c.execute_groovy("return 1", false).unwrap();
        assert_eq!(c.context_path().as_deref(), Some(ctx));
        assert_eq!(hac.stats().logins, 1);
    }
}

#[test]
fn wrong_context_path_is_a_clear_error() {
    let hac = FakeHac::builder().context_path("").start();
    let c = HacClient::new(common::config(&hac).context_path("/hac").build().unwrap()).unwrap();
    let e = c.login().unwrap_err();
    assert!(matches!(e, Error::LoginFailed { .. }), "{e:?}");
    assert!(e.to_string().contains("context path"), "{e}");
}

#[test]
fn no_hac_at_all_gives_context_not_found() {
    let hac = FakeHac::builder().context_path("/other").start();
    let c = common::client(&hac);
    let e = c.login().unwrap_err();
    match e {
        Error::ContextPathNotFound { tried } => assert_eq!(tried.len(), 2),
        e => panic!("{e:?}"),
    }
}

#[test]
fn session_fixation_new_id_and_token_are_used() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    c.execute_groovy("return 1", false).unwrap();
    let reqs = hac.requests();
    let login_page = reqs.iter().find(|r| r.path == "/hac/login").unwrap();
    assert!(login_page.cookie("JSESSIONID").is_none());
    let post = reqs
        .iter()
        .find(|r| r.path == "/hac/j_spring_security_check")
        .unwrap();
    let pre_login_id = post.cookie("JSESSIONID").expect("pre-login session sent");
    let pre_login_token = post.form_value("_csrf").unwrap();
    let call = reqs
        .iter()
        .find(|r| r.path == "/hac/console/scripting/execute")
        .unwrap();
    assert_ne!(call.cookie("JSESSIONID").unwrap(), pre_login_id);
    assert_ne!(call.header("X-CSRF-TOKEN").unwrap(), pre_login_token);
    assert_eq!(hac.stats().csrf_rejections, 0);
}

#[test]
fn sends_exactly_one_cookie_header_and_keeps_route() {
    let hac = FakeHac::builder().route_cookie(true).start();
    let c = common::client(&hac);
    c.execute_groovy("return 1", false).unwrap();
    c.flexible_search("SELECT {pk} FROM {Product}").unwrap();
    for r in hac.requests().iter().skip(1) {
        assert_eq!(
            r.headers_named("cookie").count(),
            1,
            "{} {}",
            r.method,
            r.path
        );
        assert!(r.cookie("ROUTE").is_some(), "{}", r.path);
    }
    assert_eq!(hac.stats().logins, 1);
}

#[test]
fn bare_hostname_localhost_keeps_cookies() {
    let hac = FakeHac::start();
    let config = HacConfig::builder(hac.url_with_host("localhost"))
        .credentials(BasicCredentials::new("admin", "nimda"))
        .session_persistence(false)
        .build()
        .unwrap();
    let c = HacClient::new(config).unwrap();
    c.execute_groovy("return 1", false).unwrap();
    c.execute_groovy("return 2", false).unwrap();
    assert_eq!(hac.stats().logins, 1);
}

#[test]
fn wrong_password_redirect_variant() {
    let hac = FakeHac::start();
    let c = common::client_as(&hac, "admin", "wrong-password-123");
    let e = c.execute_groovy("return 1", false).unwrap_err();
    assert!(
        matches!(&e, Error::BadCredentials { username } if username == "admin"),
        "{e:?}"
    );
    assert!(e.is_authentication());
    assert!(!e.to_string().contains("wrong-password-123"));
    assert!(!format!("{e:?}").contains("wrong-password-123"));
    assert_eq!(hac.stats().login_attempts, 1);
    assert_eq!(hac.stats().console_calls, 0);
    assert!(!c.is_logged_in());
}

#[test]
fn wrong_password_login_page_variant() {
    let hac = FakeHac::builder()
        .bad_login_answer(BadLoginAnswer::LoginPage)
        .start();
    let c = common::client_as(&hac, "admin", "nope");
    let e = c.login().unwrap_err();
    assert!(matches!(e, Error::BadCredentials { .. }), "{e:?}");
}

#[test]
fn login_page_without_csrf() {
    let hac = FakeHac::builder()
        .login_page(LoginPageVariant::NoCsrf)
        .start();
    let c = common::client(&hac);
    let e = c.login().unwrap_err();
    assert!(matches!(e, Error::Csrf { .. }), "{e:?}");
    assert_eq!(hac.stats().login_attempts, 0, "no POST without a token");
}

#[test]
fn awkward_login_page_attributes() {
    let hac = FakeHac::builder()
        .login_page(LoginPageVariant::Awkward)
        .start();
    let c = common::client(&hac);
    c.execute_groovy("return 1", false).unwrap();
    assert_eq!(hac.stats().csrf_rejections, 0);
}

#[test]
fn large_dashboard_after_login() {
    let hac = FakeHac::builder().large_dashboard(true).start();
    let c = common::client(&hac);
    c.execute_groovy("return 1", false).unwrap();
    assert_eq!(hac.stats().logins, 1);
}

#[test]
fn login_csrf_rejected_is_typed() {
    let hac = FakeHac::start();
    hac.push_override(
        "/j_spring_security_check",
        fake_hac::Response::new(403, "text/html", "<html>Invalid CSRF Token</html>"),
    );
    let c = common::client(&hac);
    let e = c.login().unwrap_err();
    assert!(matches!(e, Error::Csrf { .. }), "{e:?}");
}

#[test]
fn unexpected_login_status_and_landing_problems() {
    let hac = FakeHac::start();
    hac.push_override(
        "/j_spring_security_check",
        fake_hac::Response::new(500, "text/plain", "Internal failure"),
    );
    let c = common::client(&hac);
    match c.login().unwrap_err() {
        Error::HttpStatus {
            status: 500,
            excerpt,
            ..
        } => assert_eq!(excerpt, "Internal failure"),
        e => panic!("{e:?}"),
    }
    // Login "succeeds" but the landing page is the login page again.
    let hac = FakeHac::start();
    hac.push_override(
        "/",
        fake_hac::Response::html(include_str!("../fixtures/login.html").replace("{{CSRF}}", "x")),
    );
    let c = common::client(&hac);
    let e = c.login().unwrap_err();
    assert!(matches!(e, Error::LoginFailed { .. }), "{e:?}");
    // Landing page without any token.
    let hac = FakeHac::start();
    hac.push_override(
        "/",
        fake_hac::Response::html("<html><body>no token</body></html>"),
    );
    hac.push_override(
        "/",
        fake_hac::Response::html("<html><body>still none</body></html>"),
    );
    let c = common::client(&hac);
    let e = c.login().unwrap_err();
    assert!(matches!(e, Error::Csrf { .. }), "{e:?}");
}

#[test]
fn restricted_user_gets_forbidden_not_a_loop() {
    let hac = FakeHac::builder().restricted_user("viewer", "pw").start();
    let c = common::client_as(&hac, "viewer", "pw");
    // Fresh login, then 403: no second login.
    let e = c.execute_groovy("return 1", false).unwrap_err();
    assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");
    assert_eq!(hac.stats().logins, 1);
    // With a session already held: one re-login, one retry, then Forbidden.
    hac.reset_stats();
    let e = c.execute_groovy("return 1", false).unwrap_err();
    assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");
    assert_eq!(hac.stats().logins, 1);
    assert_eq!(
        hac.requests()
            .iter()
            .filter(|r| r.path.contains("scripting"))
            .count(),
        2
    );
}

#[test]
fn credentials_provider_errors_are_typed() {
    let hac = FakeHac::start();
    let c = HacClient::new(
        common::config(&hac)
            .credentials(hac_client::EnvCredentials::new(
                "HAC_TEST_NO_SUCH_USER",
                "HAC_TEST_NO_SUCH_PW",
            ))
            .build()
            .unwrap(),
    )
    .unwrap();
    let e = c.login().unwrap_err();
    assert!(matches!(e, Error::Credentials { .. }), "{e:?}");
}

#[test]
fn logout_ends_server_session() {
    let hac = FakeHac::start();
    let c = common::client(&hac);
    c.login().unwrap();
    assert_eq!(hac.session_count(), 1);
    c.logout().unwrap();
    assert!(!c.is_logged_in());
    assert_eq!(hac.session_count(), 0);
    // The next call logs in again.
    c.execute_groovy("return 1", false).unwrap();
    assert_eq!(hac.stats().logins, 2);
}
