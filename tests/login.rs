//! Login against the fake HAC: context paths, detection, the form's action, session
//! fixation, the saved request, ROUTE, CSRF handling and every failure, per profile where
//! versions differ.

mod common;

use hac_client::{BasicCredentials, Error, HacClient, HacConfig};
use hac_fake::{FakeHac, LoginPageVariant, Profile, Response};

#[test]
fn explicit_context_paths_per_profile() {
    for profile in Profile::ALL {
        for (server, configured) in [("/hac", "/hac"), ("", "/"), ("/admin", "admin/")] {
            let hac = FakeHac::builder()
                .profile(profile)
                .context_path(server)
                .start();
            let c = common::build(common::config(&hac).context_path(configured));
            let r = c.execute_groovy("return 'ok'").unwrap();
            assert_eq!(r.result, "ok");
            assert_eq!(hac.stats().logins, 1, "{profile} {server:?}");
            assert_eq!(c.context_path().as_deref(), Some(server));
            // No probing of other context paths.
            assert!(
                hac.requests().iter().all(|r| r.path.starts_with(server)),
                "{profile}"
            );
        }
    }
}

#[test]
fn detects_the_context_path_per_profile() {
    for profile in Profile::ALL {
        for server in ["/hac", ""] {
            let hac = FakeHac::builder()
                .profile(profile)
                .context_path(server)
                .start();
            let c = common::client(&hac);
            assert_eq!(c.context_path(), None);
            c.execute_groovy("return 1")
                .unwrap()
                .error_for_failure_ref()
                .unwrap();
            assert_eq!(c.context_path().as_deref(), Some(server), "{profile}");
            assert_eq!(hac.stats().logins, 1);
            assert_eq!(hac.stats().csrf_rejections, 0);
        }
    }
}

#[test]
fn the_saved_request_after_a_probe_is_followed_and_harmless() {
    // On a root HAC the probe of /hac/login is a protected unknown URL: HAC saves it and
    // sends the browser back there after login (a 404 page). Logging in still works.
    let hac = FakeHac::start();
    let c = common::client(&hac);
    c.login().unwrap();
    let reqs = hac.requests();
    let post = reqs
        .iter()
        .position(|r| r.path == "/j_spring_security_check")
        .unwrap();
    assert!(
        reqs[post + 1].path.starts_with("/hac/login"),
        "the saved request is followed: {}",
        reqs[post + 1].path
    );
    assert_eq!(
        reqs[post + 2].path,
        "/",
        "the token comes from the home page"
    );
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(hac.stats().csrf_rejections, 0);
}

#[test]
fn the_form_action_is_where_the_password_goes() {
    // A login page whose form posts elsewhere on the same server.
    let hac = FakeHac::start();
    let moved = hac_fake::pages::login(LoginPageVariant::Standard, "", "tok", None).replace(
        "action=\"/j_spring_security_check\"",
        "action=\"/elsewhere/j_spring_security_check\"",
    );
    hac.push_override("/hac/login", Response::status(404));
    hac.push_override("/hac/login.jsp", Response::status(404));
    hac.push_override("/login", Response::html(moved));
    let c = common::client(&hac);
    let _ = c.login();
    assert!(
        hac.requests()
            .iter()
            .any(|r| r.method == "POST" && r.path == "/elsewhere/j_spring_security_check")
    );
    // An action on another host is refused before the password is sent.
    let hac = FakeHac::start();
    let foreign = hac_fake::pages::login(LoginPageVariant::Standard, "", "tok", None).replace(
        "action=\"/j_spring_security_check\"",
        "action=\"https://evil.example/j_spring_security_check\"",
    );
    hac.push_override("/hac/login", Response::html(foreign));
    let e = common::client(&hac).login().unwrap_err();
    assert!(matches!(e, Error::ForeignRedirect { .. }), "{e:?}");
    assert!(e.to_string().contains("https://evil.example"), "{e}");
    assert_eq!(hac.stats().login_attempts, 0);
}

#[test]
fn wrong_context_path_is_a_clear_error() {
    let hac = FakeHac::start();
    let c = common::build(common::config(&hac).context_path("/hac"));
    let e = c.login().unwrap_err();
    assert!(matches!(e, Error::NotHac { .. }), "{e:?}");
    assert!(e.to_string().contains("context path"), "{e}");
}

#[test]
fn no_hac_at_all_gives_context_not_found() {
    let hac = FakeHac::builder().context_path("/other").start();
    let c = common::client(&hac);
    match c.login().unwrap_err() {
        Error::NotHac { tried, .. } => assert_eq!(tried.len(), 4, "{tried:?}"),
        e => panic!("{e:?}"),
    }
}

#[test]
fn session_fixation_new_id_and_token_are_used() {
    for profile in Profile::ALL {
        let hac = FakeHac::builder().profile(profile).start();
        let c = common::client(&hac);
        c.execute_groovy("return 1")
            .unwrap()
            .error_for_failure_ref()
            .unwrap();
        let reqs = hac.requests();
        let post = reqs
            .iter()
            .find(|r| r.path == "/j_spring_security_check")
            .unwrap();
        let pre_login_id = post.cookie("JSESSIONID").expect("pre-login session sent");
        let pre_login_token = post.form_value("_csrf").unwrap();
        let call = reqs
            .iter()
            .find(|r| r.path == "/console/scripting/execute")
            .unwrap();
        assert_ne!(call.cookie("JSESSIONID").unwrap(), pre_login_id);
        assert_ne!(call.header("X-CSRF-TOKEN").unwrap(), pre_login_token);
        if profile.masked_tokens() {
            assert_eq!(pre_login_token.len(), 96, "sent as the page had it");
        }
        assert_eq!(hac.stats().csrf_rejections, 0, "{profile}");
    }
}

#[test]
fn sends_exactly_one_cookie_header_and_keeps_route() {
    let hac = FakeHac::builder().route_cookie(true).start();
    let c = common::client(&hac);
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    c.flexible_search("SELECT {pk} FROM {Product}")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
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
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    c.execute_groovy("return 2")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(hac.stats().logins, 1);
}

#[test]
fn wrong_password_per_profile() {
    for profile in Profile::ALL {
        let hac = FakeHac::builder().profile(profile).start();
        let c = common::client_as(&hac, "admin", "wrong-password-123");
        let e = c.execute_groovy("return 1").unwrap_err();
        assert!(
            matches!(&e, Error::BadCredentials { username, .. } if username == "admin"),
            "{profile}: {e:?}"
        );
        assert!(e.is_authentication());
        assert!(!e.to_string().contains("wrong-password-123"));
        assert!(!format!("{e:?}").contains("wrong-password-123"));
        assert_eq!(hac.stats().login_attempts, 1);
        assert_eq!(hac.stats().console_calls, 0);
        assert!(!c.is_logged_in());
    }
}

#[test]
fn a_login_page_answer_to_the_form_is_a_bad_password() {
    // Not HAC itself, but a gateway in front of it may answer so.
    let hac = FakeHac::start();
    hac.push_override(
        "/j_spring_security_check",
        Response::html(hac_fake::pages::login(
            LoginPageVariant::Standard,
            "",
            "t",
            Some("Login failed: Bad credentials"),
        )),
    );
    let e = common::client_as(&hac, "admin", "nope")
        .login()
        .unwrap_err();
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
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(hac.stats().csrf_rejections, 0);
}

#[test]
fn large_dashboard_after_login() {
    let hac = FakeHac::builder().large_dashboard(true).start();
    let c = common::client(&hac);
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(hac.stats().logins, 1);
}

#[test]
fn refused_login_token_is_typed_per_profile() {
    for (profile, status) in [(Profile::V1811, 403), (Profile::V2211_38, 405)] {
        let hac = FakeHac::builder()
            .profile(profile)
            .context_path("/hac")
            .start();
        // The server forgets the pre-login session between page and form.
        hac.push_override("/j_spring_security_check", {
            let mut b = hac_fake::Response::new(status, "text/html", "<html>refused</html>");
            b.headers.clear();
            b
        });
        let c = common::client(&hac);
        let e = c.login().unwrap_err();
        assert!(matches!(e, Error::Csrf { .. }), "{profile}: {e:?}");
        assert!(e.to_string().contains(&status.to_string()), "{e}");
    }
}

#[test]
fn unexpected_login_status_and_landing_problems() {
    let hac = FakeHac::start();
    hac.push_override(
        "/j_spring_security_check",
        Response::new(500, "text/plain", "Internal failure"),
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
    // Login "succeeds" but the home page is the login page again.
    let hac = FakeHac::builder().context_path("/hac").start();
    for _ in 0..2 {
        hac.push_override(
            "/",
            Response::html(hac_fake::pages::login(
                LoginPageVariant::Standard,
                "/hac",
                "x",
                None,
            )),
        );
    }
    let c = common::client(&hac);
    let e = c.login().unwrap_err();
    assert!(matches!(e, Error::LoginFailed { .. }), "{e:?}");
    // Landing and home page without any token.
    let hac = FakeHac::builder().context_path("/hac").start();
    hac.push_override("/", Response::html("<html><body>no token</body></html>"));
    hac.push_override("/", Response::html("<html><body>still none</body></html>"));
    let c = common::client(&hac);
    let e = c.login().unwrap_err();
    assert!(matches!(e, Error::Csrf { .. }), "{e:?}");
}

#[test]
fn restricted_user_gets_forbidden_not_a_loop() {
    for profile in Profile::ALL {
        let hac = FakeHac::builder()
            .profile(profile)
            .restricted_user("viewer", "pw")
            .start();
        let c = common::client_as(&hac, "viewer", "pw");
        // Fresh login, then refused: no second login.
        let e = c.execute_groovy("return 1").unwrap_err();
        match &e {
            Error::Forbidden { status, .. } => {
                assert_eq!(*status, profile.rejected_post_status())
            }
            e => panic!("{profile}: {e:?}"),
        }
        assert!(e.to_string().contains("role"), "{e}");
        assert_eq!(hac.stats().logins, 1);
        // With a session already held: one re-login, one retry, then Forbidden.
        hac.reset_stats();
        let e = c.pending_patches().unwrap_err();
        assert!(matches!(e, Error::Forbidden { status: 403, .. }), "{e:?}");
        assert_eq!(hac.stats().logins, 1);
        assert_eq!(
            hac.requests()
                .iter()
                .filter(|r| r.path.contains("pendingPatches"))
                .count(),
            2
        );
    }
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
fn logout_is_a_post_with_the_token_and_ends_the_server_session() {
    for profile in Profile::ALL {
        let hac = FakeHac::builder().profile(profile).start();
        let c = common::client(&hac);
        c.login().unwrap();
        assert_eq!(hac.session_count(), 1);
        c.logout().unwrap();
        assert!(!c.is_logged_in());
        assert_eq!(hac.session_count(), 0, "{profile}");
        let logout = hac.last_request("/j_spring_security_logout").unwrap();
        assert_eq!(logout.method, "POST");
        assert!(logout.header("X-CSRF-TOKEN").is_some());
        // The next call logs in again.
        c.execute_groovy("return 1")
            .unwrap()
            .error_for_failure_ref()
            .unwrap();
        assert_eq!(hac.stats().logins, 2);
    }
}

#[test]
fn a_password_the_xss_filter_would_change_is_warned_about() {
    // The warning itself is checked in tests/logs.rs; here: the login fails as HAC would
    // make it fail, because the filter strips part of the password.
    let hac = FakeHac::builder().user("odd", "pw eval(1)").start();
    let e = common::client_as(&hac, "odd", "pw eval(1)")
        .login()
        .unwrap_err();
    assert!(matches!(e, Error::BadCredentials { .. }), "{e:?}");
    let no_filter = FakeHac::builder()
        .user("odd", "pw eval(1)")
        .xss_filter(false)
        .start();
    common::client_as(&no_filter, "odd", "pw eval(1)")
        .login()
        .unwrap();
}

#[test]
fn a_login_page_that_sends_a_logged_in_session_home_is_fine() {
    // As HAC's login page does for a logged-in session (here: a gateway that logged us in).
    let hac = FakeHac::builder().context_path("/hac").start();
    let home = hac_fake::pages::home("/hac", "home-token", "admin");
    hac.push_override("/login", Response::redirect("/hac/"));
    hac.push_override("/", Response::html(home));
    let c = common::build(common::config(&hac).context_path("/hac"));
    c.login().unwrap();
    assert!(c.is_logged_in());
    assert_eq!(hac.stats().login_attempts, 0, "no form was posted");
}
