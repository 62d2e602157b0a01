//! The fake HAC itself, driven with a bare HTTP client: it must reproduce what
//! shared/hac-protocol.md lists, or the client tests prove nothing.

use fake_hac::{FakeHac, TlsMode};
use ureq::Agent;

struct Raw {
    agent: Agent,
    base: String,
}

struct Answer {
    status: u16,
    location: Option<String>,
    cookies: Vec<String>,
    body: String,
}

impl Raw {
    fn new(hac: &FakeHac) -> Raw {
        let mut tls = ureq::tls::TlsConfig::builder();
        if hac.certs().is_some() {
            tls = tls.disable_verification(true);
        }
        let agent = Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .tls_config(tls.build())
            .build()
            .new_agent();
        Raw {
            agent,
            base: hac.url(),
        }
    }

    fn answer(mut resp: ureq::http::Response<ureq::Body>) -> Answer {
        let h = resp.headers();
        Answer {
            status: resp.status().as_u16(),
            location: h.get("location").map(|v| v.to_str().unwrap().to_owned()),
            cookies: h
                .get_all("set-cookie")
                .iter()
                .map(|v| v.to_str().unwrap().to_owned())
                .collect(),
            body: resp.body_mut().read_to_string().unwrap(),
        }
    }

    fn get(&self, path: &str, cookie: &str) -> Answer {
        let mut r = self.agent.get(format!("{}{path}", self.base));
        if !cookie.is_empty() {
            r = r.header("Cookie", cookie);
        }
        Self::answer(r.call().unwrap())
    }

    fn post(&self, path: &str, cookie: &str, headers: &[(&str, &str)], form: &str) -> Answer {
        let mut r = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Content-Type", "application/x-www-form-urlencoded");
        if !cookie.is_empty() {
            r = r.header("Cookie", cookie);
        }
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        Self::answer(r.send(form).unwrap())
    }
}

fn session_cookie(a: &Answer) -> String {
    let c = a
        .cookies
        .iter()
        .find(|c| c.starts_with("JSESSIONID="))
        .expect("JSESSIONID set");
    c.split(';').next().unwrap().to_owned()
}

fn token(body: &str) -> String {
    let start = body.find("name=\"_csrf\" content=\"").expect("meta token") + 22;
    body[start..start + 36].to_owned()
}

#[test]
fn login_flow_csrf_and_fixation() {
    let hac = FakeHac::start();
    let raw = Raw::new(&hac);
    let root = raw.get("/hac/", "");
    assert_eq!(
        (root.status, root.location.as_deref()),
        (302, Some("/hac/login"))
    );

    let page = raw.get("/hac/login", "");
    assert_eq!(page.status, 200);
    let cookie = session_cookie(&page);
    assert!(page.cookies[0].contains("Path=/hac") && page.cookies[0].contains("HttpOnly"));
    assert!(
        !page.cookies[0].contains("Secure"),
        "no Secure flag over plain http"
    );
    let t = token(&page.body);
    assert!(
        page.body.contains(&format!("name=\"_csrf\" value=\"{t}\"")),
        "both token forms"
    );
    assert!(
        page.body
            .contains("name=\"_csrf_header\" content=\"X-CSRF-TOKEN\"")
    );

    // Missing and wrong token: 403.
    let form = |t: &str, pw: &str| format!("j_username=admin&j_password={pw}&_csrf={t}");
    assert_eq!(
        raw.post(
            "/hac/j_spring_security_check",
            &cookie,
            &[],
            "j_username=admin&j_password=nimda"
        )
        .status,
        403
    );
    assert_eq!(
        raw.post(
            "/hac/j_spring_security_check",
            &cookie,
            &[],
            &form("wrong", "nimda")
        )
        .status,
        403
    );
    assert_eq!(
        raw.post("/hac/j_spring_security_check", "", &[], &form(&t, "nimda"))
            .status,
        403
    );
    // Bad password: redirect to the error page.
    let bad = raw.post(
        "/hac/j_spring_security_check",
        &cookie,
        &[],
        &form(&t, "nope"),
    );
    assert_eq!(
        (bad.status, bad.location.as_deref()),
        (302, Some("/hac/login?login_error=1"))
    );
    assert!(
        raw.get("/hac/login?login_error=1", &cookie)
            .body
            .contains("Login failed")
    );

    // Success: new session id, old one dead, new token.
    let ok = raw.post(
        "/hac/j_spring_security_check",
        &cookie,
        &[],
        &form(&t, "nimda"),
    );
    assert_eq!((ok.status, ok.location.as_deref()), (302, Some("/hac/")));
    let new_cookie = session_cookie(&ok);
    assert_ne!(new_cookie, cookie);
    assert_eq!(
        raw.get("/hac/", &cookie).status,
        302,
        "pre-login session is dead"
    );
    let dash = raw.get("/hac/", &new_cookie);
    assert_eq!(dash.status, 200);
    let new_token = token(&dash.body);
    assert_ne!(new_token, t);

    // Console POSTs need the current token.
    let script = "script=return+1&scriptType=groovy&commit=false";
    let path = "/hac/console/scripting/execute";
    assert_eq!(raw.post(path, &new_cookie, &[], script).status, 403);
    assert_eq!(
        raw.post(path, &new_cookie, &[("X-CSRF-TOKEN", &t)], script)
            .status,
        403
    );
    let good = raw.post(path, &new_cookie, &[("X-CSRF-TOKEN", &new_token)], script);
    assert_eq!(good.status, 200);
    assert!(good.body.contains("\"executionResult\":\"1\""));
    let stats = hac.stats();
    assert_eq!((stats.logins, stats.login_attempts), (1, 5));
    assert_eq!(stats.csrf_rejections, 5);
}

#[test]
fn https_cookies_are_secure_and_route_is_required() {
    let hac = FakeHac::builder()
        .tls(TlsMode::SelfSigned)
        .route_cookie(true)
        .start();
    let raw = Raw::new(&hac);
    let page = raw.get("/hac/login", "");
    assert!(
        page.cookies.iter().all(|c| c.contains("Secure")),
        "{:?}",
        page.cookies
    );
    let route = page
        .cookies
        .iter()
        .find(|c| c.starts_with("ROUTE="))
        .unwrap();
    let route = route.split(';').next().unwrap();
    let session = session_cookie(&page);
    let t = token(&page.body);
    let form = format!("j_username=admin&j_password=nimda&_csrf={t}");
    // Without ROUTE the request lands on a node that does not know the session.
    assert_eq!(
        raw.post("/hac/j_spring_security_check", &session, &[], &form)
            .status,
        403
    );
    let both = format!("{session}; {route}");
    assert_eq!(
        raw.post("/hac/j_spring_security_check", &both, &[], &form)
            .status,
        302
    );
}

#[test]
fn root_context_and_login_jsp() {
    let hac = FakeHac::builder().context_path("").login_jsp(true).start();
    let raw = Raw::new(&hac);
    assert_eq!(raw.get("/", "").location.as_deref(), Some("/login.jsp"));
    // `/login` is just another protected path there.
    assert_eq!(
        raw.get("/login", "").location.as_deref(),
        Some("/login.jsp")
    );
    assert_eq!(raw.get("/login.jsp", "").status, 200);
    // The old /hac paths redirect into themselves and never authenticate.
    let old = raw.get("/hac/login", "");
    assert_eq!(
        (old.status, old.location.as_deref()),
        (302, Some("/hac/login"))
    );
}

#[test]
fn counters_and_scripted_responses() {
    let hac = FakeHac::start();
    let raw = Raw::new(&hac);
    hac.push_override("/login", fake_hac::Response::new(500, "text/plain", "boom"));
    let a = raw.get("/hac/login", "");
    assert_eq!((a.status, a.body.as_str()), (500, "boom"));
    assert_eq!(
        raw.get("/hac/login", "").status,
        200,
        "an override applies once"
    );
    assert_eq!(hac.stats().requests, 2);
    assert_eq!(hac.requests().len(), 2);
    hac.reset_stats();
    assert_eq!(hac.stats().requests, 0);
}
