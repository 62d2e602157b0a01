//! What an answer from HAC means for the session, decided without I/O.
//!
//! HAC has no API error format: a session that is gone shows up as a redirect to the login
//! page (GET), a 403 whose body is the login page (1811) or a 405 (2211: the 403 is
//! forwarded to the GET-only login controller), a 401 from a gateway, or the login page
//! itself with status 200 from a proxy that followed the redirect. A user without the
//! console's role gets the same 403/405, so those two cannot be told apart by the answer:
//! the client logs in again once and retries once, and a refusal that persists after a
//! fresh login is a permission problem.

use crate::http::redirects::is_redirect;
use crate::http::transport::HttpResponse;
use crate::page::html::{self, PageInfo};

/// What a console answer says about the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Liveness {
    /// The session was accepted (whatever the status).
    Alive,
    /// Sent to the login page: a redirect there, or the login page itself.
    LoggedOut,
    /// 401, 403 or 405: a dead session's token, or a user without the console's role.
    Refused,
}

/// A `Location` that points at the login page (`/login`, `/login.jsp`, `?login_error`),
/// relative or absolute.
pub(crate) fn is_login_location(location: &str) -> bool {
    let path = location.split(['?', '#']).next().unwrap_or("");
    let path = path.split(';').next().unwrap_or(path);
    path.ends_with("/login") || path.ends_with("/login.jsp") || location.contains("login_error")
}

/// Whether a 200 body is HAC's login page (its form, `j_username`, or the
/// `redirect_detection` marker).
pub(crate) fn is_login_page(body: &str) -> bool {
    html::may_be_login_page(body) && PageInfo::parse(body).is_login_page
}

/// A 200 with nothing in it (or only white space) to a call that expects an answer: on SAP
/// Commerce Cloud, a dead session's console POST has been seen answered so by the gateway.
/// It says nothing about the session: the session is checked with a page request.
pub(crate) fn is_blank_answer(resp: &HttpResponse) -> bool {
    resp.status == 200 && resp.bytes.is_none() && resp.body.trim().is_empty()
}

pub(crate) fn classify(resp: &HttpResponse) -> Liveness {
    match resp.status {
        401 | 403 | 405 => Liveness::Refused,
        s if is_redirect(s) => match &resp.location {
            Some(loc) if is_login_location(loc) => Liveness::LoggedOut,
            _ => Liveness::Alive,
        },
        200 if is_login_page(&resp.body) => Liveness::LoggedOut,
        _ => Liveness::Alive,
    }
}

/// What the answer to the login form says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LoginAnswer {
    /// Logged in; the `Location` to go on to, if any (the saved request or `{ctx}/`).
    LoggedIn { location: Option<String> },
    /// User name or password refused (redirect to `login?login_error=1`, or the login
    /// page again).
    BadCredentials,
    /// The form's CSRF token was refused (403; 405 on 2211).
    TokenRefused { status: u16 },
    /// A redirect without a `Location`.
    NoLocation { status: u16 },
    /// Any other status.
    Unexpected { status: u16 },
}

pub(crate) fn login_answer(resp: &HttpResponse) -> LoginAnswer {
    match resp.status {
        s if is_redirect(s) => match &resp.location {
            // Spring's failure URL is `/login?login_error=1` (`login.jsp?...` on 1811). A
            // success can also point at a login URL: the saved request of a probe.
            Some(loc) if loc.contains("login_error") => LoginAnswer::BadCredentials,
            Some(loc) => LoginAnswer::LoggedIn {
                location: Some(loc.clone()),
            },
            None => LoginAnswer::NoLocation { status: s },
        },
        200 if is_login_page(&resp.body) => LoginAnswer::BadCredentials,
        200 => LoginAnswer::LoggedIn { location: None },
        s @ (403 | 405) => LoginAnswer::TokenRefused { status: s },
        s => LoginAnswer::Unexpected { status: s },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hac_fake::pages::{self, LoginPageVariant};

    fn resp(status: u16, location: Option<&str>, body: &str) -> HttpResponse {
        HttpResponse {
            path: "/test".into(),
            status,
            location: location.map(str::to_owned),
            set_cookies: vec![],
            body: body.to_owned(),
            bytes: None,
            secrets: vec![],
        }
    }

    #[test]
    fn classifies_every_dead_session_answer() {
        let login = pages::login(LoginPageVariant::Standard, "", "t", None);
        assert_eq!(
            classify(&resp(302, Some("/hac/login"), "")),
            Liveness::LoggedOut
        );
        assert_eq!(
            classify(&resp(302, Some("https://h:9002/login"), "")),
            Liveness::LoggedOut
        );
        assert_eq!(
            classify(&resp(302, Some("http://h/hac/login.jsp;jsessionid=X"), "")),
            Liveness::LoggedOut
        );
        assert_eq!(classify(&resp(200, None, &login)), Liveness::LoggedOut);
        for status in [401, 403, 405] {
            assert_eq!(classify(&resp(status, None, &login)), Liveness::Refused);
        }
        assert_eq!(
            classify(&resp(200, None, "{\"j_username\":1}")),
            Liveness::Alive
        );
        assert_eq!(
            classify(&resp(302, Some("/hac/other"), "")),
            Liveness::Alive
        );
        assert_eq!(classify(&resp(500, None, "boom")), Liveness::Alive);
    }

    #[test]
    fn login_answers() {
        assert_eq!(
            login_answer(&resp(302, Some("/login?login_error=1"), "")),
            LoginAnswer::BadCredentials
        );
        // The saved request of a probe is a login URL, and still a success.
        assert_eq!(
            login_answer(&resp(302, Some("https://h/hac/login"), "")),
            LoginAnswer::LoggedIn {
                location: Some("https://h/hac/login".into())
            }
        );
        let login = pages::login(LoginPageVariant::Standard, "", "t", Some("Login failed: x"));
        assert_eq!(
            login_answer(&resp(200, None, &login)),
            LoginAnswer::BadCredentials
        );
        assert_eq!(
            login_answer(&resp(405, None, "")),
            LoginAnswer::TokenRefused { status: 405 }
        );
        assert_eq!(
            login_answer(&resp(302, None, "")),
            LoginAnswer::NoLocation { status: 302 }
        );
        assert_eq!(
            login_answer(&resp(500, None, "")),
            LoginAnswer::Unexpected { status: 500 }
        );
    }

    #[test]
    fn login_locations() {
        assert!(is_login_location("/hac/login?login_error=1"));
        assert!(is_login_location("https://x/login.jsp"));
        assert!(!is_login_location("/hac/"));
        assert!(!is_login_location("/hac/loginfoo"));
    }
}
