//! The fake HAC itself, driven with a bare HTTP client: it must do what HAC does (as the
//! platform's own HAC extension has it: Spring configuration, JSPs, JavaScript,
//! controllers), per version profile, or the client tests prove nothing.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use hac_fake::{FakeHac, Profile, TlsMode};
use ureq::Agent;

/// A bare browser: a cookie map, no redirects followed, every status returned.
struct Browser {
    agent: Agent,
    base: String,
    cookies: BTreeMap<String, String>,
}

#[derive(Debug)]
struct Answer {
    status: u16,
    location: Option<String>,
    set_cookies: Vec<String>,
    body: String,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

impl Browser {
    fn new(hac: &FakeHac) -> Browser {
        Self::at(hac, hac.url())
    }

    fn at(hac: &FakeHac, base: String) -> Browser {
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
        Browser {
            agent,
            base: format!("{base}{}", hac.context_path()),
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> Option<String> {
        (!self.cookies.is_empty()).then(|| {
            self.cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    fn take(&mut self, mut resp: ureq::http::Response<ureq::Body>) -> Answer {
        let h = resp.headers();
        let set_cookies: Vec<String> = h
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        for c in &set_cookies {
            let pair = c.split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            self.cookies.insert(k.into(), v.into());
        }
        Answer {
            status: resp.status().as_u16(),
            location: h.get("location").map(|v| v.to_str().unwrap().to_owned()),
            set_cookies,
            body: resp
                .body_mut()
                .with_config()
                .limit(512 << 20)
                .read_to_string()
                .unwrap(),
        }
    }

    fn get(&mut self, path: &str) -> Answer {
        self.get_with(path, &[])
    }

    fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> Answer {
        let mut r = self.agent.get(format!("{}{path}", self.base));
        if let Some(c) = self.cookie_header() {
            r = r.header("Cookie", c);
        }
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        let resp = r.call().unwrap();
        self.take(resp)
    }

    fn post(&mut self, path: &str, token: Option<&str>, form: &[(&str, &str)]) -> Answer {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in form {
            ser.append_pair(k, v);
        }
        self.post_raw(
            path,
            token,
            "application/x-www-form-urlencoded",
            ser.finish().into_bytes(),
        )
    }

    fn post_raw(&mut self, path: &str, token: Option<&str>, ct: &str, body: Vec<u8>) -> Answer {
        let mut r = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Content-Type", ct)
            .header("Accept", "application/json");
        if let Some(c) = self.cookie_header() {
            r = r.header("Cookie", c);
        }
        if let Some(t) = token {
            r = r.header("X-CSRF-TOKEN", t);
        }
        let resp = r.send(&body[..]).unwrap();
        self.take(resp)
    }

    /// Logs in as the fake's admin; returns a token from the home page.
    fn login(&mut self, hac: &FakeHac) -> String {
        self.login_as(hac, "admin", "nimda")
    }

    fn login_as(&mut self, hac: &FakeHac, user: &str, password: &str) -> String {
        let page = self.get(hac.profile().login_page());
        assert_eq!(page.status, 200, "{}", page.body);
        let token = meta_token(&page.body);
        let ok = self.post(
            "/j_spring_security_check",
            None,
            &[
                ("j_username", user),
                ("j_password", password),
                ("_csrf", &token),
            ],
        );
        assert_eq!(ok.status, 302, "{}", ok.body);
        assert!(!ok.location.as_deref().unwrap().contains("login_error"));
        let home = self.get("/");
        assert_eq!(home.status, 200);
        meta_token(&home.body)
    }
}

fn attr_value<'a>(body: &'a str, marker: &str) -> &'a str {
    let start = body
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {body}"))
        + marker.len();
    let end = body[start..].find('"').unwrap() + start;
    &body[start..end]
}

fn meta_token(body: &str) -> String {
    attr_value(body, "<meta name=\"_csrf\" content=\"").to_owned()
}

fn input_token(body: &str) -> String {
    attr_value(body, "name=\"_csrf\" value=\"").to_owned()
}

fn groovy_form(script: &str) -> Vec<(&str, &str)> {
    vec![
        ("script", script),
        ("scriptType", "groovy"),
        ("commit", "false"),
    ]
}

#[test]
fn login_flow_per_profile() {
    for profile in Profile::ALL {
        for ctx in ["", "/hac"] {
            let hac = FakeHac::builder()
                .profile(profile)
                .context_path(ctx)
                .start();
            let mut b = Browser::new(&hac);
            let login = profile.login_page();
            // A protected page without a session: absolute redirect to the login page.
            let root = b.get("/");
            assert_eq!(root.status, 302, "{profile}");
            assert_eq!(
                root.location.as_deref(),
                Some(format!("{}{ctx}{login}", hac.url()).as_str())
            );
            let first_session = b.cookies["JSESSIONID"].clone();
            let page = b.get(login);
            assert_eq!(page.status, 200);
            assert!(
                page.body
                    .contains("<!-- redirect_detection - do not remove! -->")
            );
            assert!(
                page.body
                    .contains(r#"<meta name="_csrf_parameter" content="_csrf" />"#)
            );
            assert!(
                page.body
                    .contains(r#"<meta name="_csrf_header" content="X-CSRF-TOKEN" />"#)
            );
            assert!(
                page.body
                    .contains(&format!(r#"<form action="{ctx}/j_spring_security_check""#))
            );
            assert!(
                page.body.contains(r#"name="j_username""#)
                    && page.body.contains(r#"name="j_password""#)
            );
            let (meta, input) = (meta_token(&page.body), input_token(&page.body));
            let again = meta_token(&b.get(login).body);
            if profile.masked_tokens() {
                assert_eq!(meta.len(), 96, "{meta}");
                assert_ne!(meta, again, "masked: a new value on every page");
            } else {
                assert_eq!(meta.len(), 36, "{meta}");
                assert_eq!(
                    (meta.as_str(), input.as_str()),
                    (again.as_str(), meta.as_str())
                );
            }
            // Wrong token: the 403 is forwarded to the login page (405 on 2211).
            let wrong = b.post(
                "/j_spring_security_check",
                None,
                &[
                    ("j_username", "admin"),
                    ("j_password", "nimda"),
                    ("_csrf", "nope"),
                ],
            );
            if profile == Profile::V1811 {
                assert_eq!(wrong.status, 403);
                assert!(wrong.body.contains("redirect_detection"));
            } else {
                assert_eq!(wrong.status, 405);
            }
            // Bad password: relative redirect with login_error, and the message.
            let bad = b.post(
                "/j_spring_security_check",
                None,
                &[
                    ("j_username", "admin"),
                    ("j_password", "wrong"),
                    ("_csrf", &again),
                ],
            );
            assert_eq!(bad.status, 302);
            assert_eq!(
                bad.location.as_deref(),
                Some(format!("{ctx}{login}?login_error=1").as_str())
            );
            assert!(
                b.get(&format!("{login}?login_error=1"))
                    .body
                    .contains("Login failed: Bad credentials")
            );
            // Success: a new session id, and the saved request (absolute) as Location.
            let token = meta_token(&b.get(login).body);
            let ok = b.post(
                "/j_spring_security_check",
                None,
                &[
                    ("j_username", "admin"),
                    ("j_password", "nimda"),
                    ("_csrf", &token),
                ],
            );
            assert_eq!(ok.status, 302);
            assert_eq!(
                ok.location.as_deref(),
                Some(format!("{}{ctx}/", hac.url()).as_str())
            );
            assert_ne!(b.cookies["JSESSIONID"], first_session, "session fixation");
            assert!(
                ok.set_cookies[0]
                    .contains(&format!("Path={}", if ctx.is_empty() { "/" } else { ctx }))
            );
            // Logged in: the login page sends you home.
            let home_again = b.get(login);
            assert_eq!(
                (home_again.status, home_again.location.as_deref()),
                (302, Some(format!("{ctx}/").as_str()))
            );
            let home = b.get("/");
            assert_eq!(home.status, 200);
            let t1 = meta_token(&home.body);
            let t2 = input_token(&home.body);
            assert_eq!(t1, t2, "one value per render");
            // The pre-login token died with the pre-login session.
            let stale = b.post(
                "/console/scripting/execute",
                Some(&token),
                &groovy_form("return 1"),
            );
            assert_eq!(stale.status, profile.rejected_post_status(), "{profile}");
            let good = b.post(
                "/console/scripting/execute",
                Some(&t1),
                &groovy_form("return 1"),
            );
            assert_eq!(good.status, 200, "{profile}: {}", good.body);
            assert_eq!(good.json()["executionResult"], "1");
            // Every page's token is valid on 2211.38; a raw one is not.
            let t3 = meta_token(&b.get("/").body);
            assert_eq!(
                b.post(
                    "/console/scripting/execute",
                    Some(&t3),
                    &groovy_form("return 2")
                )
                .status,
                200
            );
            // Logout is POST with the token; a GET does not log out.
            assert_eq!(b.get("/j_spring_security_logout").status, 404);
            assert_eq!(b.get("/").status, 200, "still logged in");
            let out = b.post("/j_spring_security_logout", Some(&t3), &[]);
            assert_eq!(
                (out.status, out.location.as_deref()),
                (302, Some(format!("{ctx}{login}").as_str()))
            );
            assert_eq!(b.get("/").status, 302, "logged out");
            assert_eq!(hac.stats().logins, 1);
        }
    }
}

#[test]
fn masked_tokens_refuse_the_raw_token() {
    let hac = FakeHac::start();
    let mut b = Browser::new(&hac);
    let token = b.login(&hac);
    // Decode the masked token to the raw one the server keeps.
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&token)
        .unwrap();
    let (random, xored) = bytes.split_at(bytes.len() / 2);
    let raw: Vec<u8> = random.iter().zip(xored).map(|(r, x)| r ^ x).collect();
    let raw = String::from_utf8(raw).unwrap();
    assert_eq!(raw.len(), 36);
    let refused = b.post(
        "/console/scripting/execute",
        Some(&raw),
        &groovy_form("return 1"),
    );
    assert_eq!(refused.status, 405);
}

#[test]
fn saved_request_after_login_and_the_root_context() {
    // On a root HAC, /hac/... is just a protected unknown URL: it sends you to /login and
    // is saved; after login HAC sends you back to it, and it is a 404.
    let hac = FakeHac::start();
    let mut b = Browser::new(&hac);
    let probe = b.get("/hac/login");
    assert_eq!(probe.status, 302);
    assert_eq!(probe.location, Some(format!("{}/login", hac.url())));
    let token = meta_token(&b.get("/login").body);
    let ok = b.post(
        "/j_spring_security_check",
        None,
        &[
            ("j_username", "admin"),
            ("j_password", "nimda"),
            ("_csrf", &token),
        ],
    );
    assert_eq!(ok.location, Some(format!("{}/hac/login", hac.url())));
    assert_eq!(b.get("/hac/login").status, 404);
    assert_eq!(b.get("/").status, 200);
}

#[test]
fn dead_sessions_and_missing_roles() {
    for profile in Profile::ALL {
        let hac = FakeHac::builder()
            .profile(profile)
            .restricted_user("viewer", "pw")
            .start();
        let mut b = Browser::new(&hac);
        let token = b.login(&hac);
        hac.expire_sessions();
        let get = b.get_with(
            "/platform/init/pendingPatches",
            &[("Accept", "application/json")],
        );
        assert_eq!(get.status, 302);
        assert!(get.location.unwrap().starts_with("http://"), "absolute");
        let post = b.post(
            "/console/scripting/execute",
            Some(&token),
            &groovy_form("return 1"),
        );
        assert_eq!(post.status, profile.rejected_post_status(), "{profile}");
        if profile == Profile::V1811 {
            assert!(
                post.body.contains("redirect_detection"),
                "the login page as body"
            );
        }
        // A logged-in user without the console's role: the same answers, persistently.
        let mut v = Browser::new(&hac);
        let page = v.get(profile.login_page());
        let t = meta_token(&page.body);
        v.post(
            "/j_spring_security_check",
            None,
            &[
                ("j_username", "viewer"),
                ("j_password", "pw"),
                ("_csrf", &t),
            ],
        );
        let home = v.get("/");
        assert_eq!(home.status, 200);
        let t = meta_token(&home.body);
        let denied = v.get_with("/platform/init/data", &[("Accept", "application/json")]);
        assert_eq!(denied.status, 403);
        assert!(denied.body.contains("redirect_detection"));
        for _ in 0..2 {
            let denied = v.post(
                "/console/scripting/execute",
                Some(&t),
                &groovy_form("return 1"),
            );
            assert_eq!(denied.status, profile.rejected_post_status());
        }
    }
}

#[test]
fn https_channel_redirect_and_secure_cookies() {
    let hac = FakeHac::builder()
        .tls(TlsMode::SelfSigned)
        .http_redirect(true)
        .route_cookie(true)
        .start();
    let http = hac.http_url().unwrap();
    let mut plain = Browser::at(&hac, http.clone());
    let port = hac.addr().port();
    for path in ["/login", "/console/scripting/execute"] {
        let a = if path == "/login" {
            plain.get(path)
        } else {
            plain.post(path, None, &groovy_form("return 1"))
        };
        assert_eq!(a.status, 302, "{path}");
        assert_eq!(a.location, Some(format!("https://localhost:{port}{path}")));
        assert!(!a.set_cookies.iter().any(|c| c.starts_with("JSESSIONID")));
    }
    // /initlog/log has no channel requirement.
    assert_eq!(plain.get("/initlog/log").status, 200);
    let mut b = Browser::new(&hac);
    let page = b.get("/login");
    assert!(
        page.set_cookies.iter().all(|c| c.contains("; Secure")),
        "{:?}",
        page.set_cookies
    );
    assert!(b.cookies.contains_key("ROUTE"));
    // Without ROUTE the request lands on a node that does not know the session.
    let token = meta_token(&page.body);
    let route = b.cookies.remove("ROUTE").unwrap();
    let lost = b.post(
        "/j_spring_security_check",
        None,
        &[
            ("j_username", "admin"),
            ("j_password", "nimda"),
            ("_csrf", &token),
        ],
    );
    assert_eq!(lost.status, 405);
    b.cookies.insert("ROUTE".into(), route);
    let ok = b.post(
        "/j_spring_security_check",
        None,
        &[
            ("j_username", "admin"),
            ("j_password", "nimda"),
            ("_csrf", &token),
        ],
    );
    assert_eq!(ok.status, 302);
    assert_eq!(hac.stats().channel_redirects, 2);
}

#[test]
fn basic_auth_and_its_401() {
    use base64::Engine;
    let hac = FakeHac::start();
    let mut b = Browser::new(&hac);
    let good = base64::engine::general_purpose::STANDARD.encode("admin:nimda");
    let home = b.get_with("/", &[("Authorization", &format!("Basic {good}"))]);
    assert_eq!(home.status, 200);
    let bad = base64::engine::general_purpose::STANDARD.encode("admin:x");
    let refused = b.get_with("/", &[("Authorization", &format!("Basic {bad}"))]);
    assert_eq!(refused.status, 401);
    assert!(refused.body.contains("redirect_detection"));
}

#[test]
fn groovy_console() {
    let hac = FakeHac::start();
    let mut b = Browser::new(&hac);
    let t = b.login(&hac);
    let path = "/console/scripting/execute";
    for missing in ["script", "scriptType", "commit"] {
        let form: Vec<(&str, &str)> = groovy_form("return 1")
            .into_iter()
            .filter(|(k, _)| *k != missing)
            .collect();
        assert_eq!(b.post(path, Some(&t), &form).status, 400, "{missing}");
    }
    assert_eq!(b.post(path, Some(&t), &groovy_form("  \n")).body, "{}");
    let failed = b.post(
        path,
        Some(&t),
        &groovy_form("println 'a'\nthrow new IllegalStateException('boom')"),
    );
    let j = failed.json();
    assert_eq!(j["outputText"], "a\n");
    assert_eq!(
        j["stacktraceText"],
        "java.lang.IllegalStateException: boom\r\n"
    );
    // The XSS filter strips `src='...'` from the parameter: the script that runs differs.
    let stripped = b.post(path, Some(&t), &groovy_form("def src = 'x'\nprintln src"));
    let text = stripped.json()["stacktraceText"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(text.contains("No such property: src"), "{text}");
    // JSON only for clients that accept it.
    let mut html_only = Browser::new(&hac);
    html_only.cookies = b.cookies.clone();
    let r = html_only
        .agent
        .post(format!("{}{path}", html_only.base))
        .header("Cookie", html_only.cookie_header().unwrap())
        .header("X-CSRF-TOKEN", &t)
        .header("Accept", "text/html")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send("script=return+1&scriptType=groovy&commit=false")
        .unwrap();
    assert_eq!(r.status().as_u16(), 406);
}

#[test]
fn flexsearch_console() {
    let hac = FakeHac::builder()
        .user("ci", "pw")
        .generated_rows(5_000)
        .start();
    let mut b = Browser::new(&hac);
    let t = b.login(&hac);
    let path = "/console/flexsearch/execute";
    let fs = |q: &str, max: &str| -> Vec<(String, String)> {
        vec![
            ("flexibleSearchQuery".into(), q.into()),
            ("sqlQuery".into(), String::new()),
            ("maxCount".into(), max.into()),
        ]
    };
    let post = |b: &mut Browser, form: &[(String, String)]| {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        b.post(path, Some(&t), &form).json()
    };
    let j = post(
        &mut b,
        &fs(
            "SELECT {pk},{code},{name},{description} FROM {Product}",
            "200",
        ),
    );
    assert_eq!(
        j["headers"],
        serde_json::json!(["PK", "p_code", "p_name", "p_description"])
    );
    assert!(
        j["query"]
            .as_str()
            .unwrap()
            .starts_with("SELECT item_t0.PK"),
        "{}",
        j["query"]
    );
    let rows = j["resultList"].as_array().unwrap();
    assert_eq!(rows[1][2], serde_json::Value::Null);
    assert_eq!(rows[2][2], "Lens &quot;50mm&quot; &lt;pro&gt;");
    assert_eq!(rows[3][2], "Caf&eacute; M&uuml;ller &amp; Co");
    assert_eq!(rows[3][3], "O'Brien&rsquo;s &euro; 9");
    assert_eq!(rows[4][2], "&#20013;&#25991;&#21517;&#31216;");
    assert_eq!(
        rows[4][3],
        "na&iuml;ve &mdash; &#55357;&#56832; &lang;x&rang;"
    );
    assert_eq!(j["resultCount"], 6);
    assert_eq!(j["exceptionStackTrace"], "");
    assert_eq!(j["dataSourceId"], "master");
    assert_eq!(j["rawExecution"], false);
    // Limits: maxCount, and -1 for none.
    let j = post(&mut b, &fs("SELECT {pk} FROM {Generated}", "-1"));
    assert_eq!(j["resultCount"], 5_000);
    let j = post(&mut b, &fs("SELECT {pk} FROM {Product}", "2"));
    assert_eq!(j["resultList"].as_array().unwrap().len(), 2);
    // The user: the logged-in one unless another known UID is given.
    let who = "SELECT {uid} FROM {User} WHERE {uid} = ?session.user.uid";
    let mut form = fs(who, "10");
    assert_eq!(post(&mut b, &form)["resultList"][0][0], "admin");
    form.push(("user".into(), "ci".into()));
    assert_eq!(post(&mut b, &form)["resultList"][0][0], "ci");
    form.last_mut().unwrap().1 = "nobody".into();
    assert_eq!(post(&mut b, &form)["resultList"][0][0], "admin");
    // An exception: null headers and rows, the message, the server's stack trace.
    let j = post(&mut b, &fs("SELECT {pk} FROM {Prodcut}", "10"));
    assert_eq!(j["headers"], serde_json::Value::Null);
    assert_eq!(j["resultList"], serde_json::Value::Null);
    assert_eq!(j["exception"]["message"], "type code 'Prodcut' invalid");
    assert!(
        j["exceptionStackTrace"]
            .as_str()
            .unwrap()
            .contains("\r\n\tat ")
    );
    // SQL DML: rolled back unless commit.
    let sql = |q: &str, commit: &str| -> Vec<(String, String)> {
        vec![
            ("flexibleSearchQuery".into(), String::new()),
            ("sqlQuery".into(), q.into()),
            ("maxCount".into(), "200".into()),
            ("commit".into(), commit.into()),
            ("dataSource".into(), "readonly-replica".into()),
        ]
    };
    let update = "UPDATE products SET p_name = 'Renamed' WHERE p_code = '0001'";
    let j = post(&mut b, &sql(update, "false"));
    assert_eq!(j["headers"], serde_json::json!(["Result"]));
    assert_eq!(j["resultList"], serde_json::json!([["1 row(s) affected."]]));
    assert_eq!(j["rawExecution"], true);
    assert_eq!(j["dataSourceId"], "readonly-replica");
    let name = "SELECT p_name FROM products WHERE p_code = '0001'";
    assert_eq!(
        post(&mut b, &sql(name, "false"))["resultList"][0][0],
        "Camera"
    );
    post(&mut b, &sql(update, "true"));
    assert_eq!(
        post(&mut b, &sql(name, "false"))["resultList"][0][0],
        "Renamed"
    );
    assert_eq!(hac.stats().commits, 1);
}

fn impex_form<'a>(script: &'a str, mode: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("scriptContent", script),
        ("validationEnum", mode),
        ("encoding", "UTF-8"),
        ("maxThreads", "1"),
        ("_legacyMode", "on"),
    ]
}

#[test]
fn impex_console() {
    let hac = FakeHac::builder().max_post_size(64 * 1024).start();
    let mut b = Browser::new(&hac);
    let t = b.login(&hac);
    let ok = b.post(
        "/console/impex/import",
        Some(&t),
        &impex_form(
            "INSERT_UPDATE Language;isocode[unique=true]\n;de",
            "import_strict",
        ),
    );
    assert_eq!(ok.status, 200);
    assert!(
        ok.body.contains("id=\"impexResult\" data-level=\"notice\""),
        "{}",
        ok.body
    );
    assert!(
        ok.body
            .contains("data-result=\"Import finished successfully\"")
    );
    let failed = b.post(
        "/console/impex/import",
        Some(&t),
        &impex_form(
            "INSERT_UPDATE Product;code[unique=true];catalogVersion\n;x;unknownCatalog:Staged",
            "import_relaxed",
        ),
    );
    assert!(failed.body.contains("data-level=\"error\""));
    assert!(
        failed
            .body
            .contains("data-result=\"Import has encountered problems.\"")
    );
    assert!(
        failed
            .body
            .contains("cannot resolve value &#039;unknownCatalog:Staged&#039;")
    );
    // Form errors: messages, no marker.
    let empty = b.post(
        "/console/impex/import",
        Some(&t),
        &impex_form("  ", "import_strict"),
    );
    assert!(empty.body.contains("Script content should not be empty"));
    assert!(!empty.body.contains("impexResult\""));
    // A missing or upper-case validationEnum, or a missing maxThreads: 500.
    for mode in ["", "IMPORT_STRICT"] {
        let e = b.post(
            "/console/impex/import",
            Some(&t),
            &impex_form("INSERT Language;isocode\n;x", mode),
        );
        assert_eq!(e.status, 500, "{mode:?}");
    }
    let no_threads: Vec<(&str, &str)> = impex_form("INSERT Language;isocode\n;x", "import_strict")
        .into_iter()
        .filter(|(k, _)| *k != "maxThreads")
        .collect();
    assert_eq!(
        b.post("/console/impex/import", Some(&t), &no_threads)
            .status,
        500
    );
    // Validation has its own marker.
    let valid = b.post(
        "/console/impex/import/validate",
        Some(&t),
        &impex_form("INSERT Language;isocode\n;x", "import_strict"),
    );
    assert!(
        valid
            .body
            .contains(r#"<span id="validationResultMsg" data-level="notice""#)
    );
    assert!(valid.body.contains("Import script is valid"));
    let invalid = b.post(
        "/console/impex/import/validate",
        Some(&t),
        &impex_form(";orphan", "import_strict"),
    );
    assert!(invalid.body.contains("data-level=\"error\""));
    assert!(
        invalid
            .body
            .contains("Import script is invalid: line 1 at main script")
    );
    // Above maxPostSize the form is not parsed at all: the token must be in the header,
    // and the script is "empty".
    let big = format!("INSERT Language;isocode\n{}", ";x\n".repeat(40_000));
    let lost = b.post(
        "/console/impex/import",
        Some(&t),
        &impex_form(&big, "import_strict"),
    );
    assert!(lost.body.contains("Script content should not be empty"));
    let lost = b.post(
        "/console/scripting/execute",
        Some(&t),
        &groovy_form(&"x".repeat(70_000)),
    );
    assert_eq!(lost.status, 400);
    // The multipart upload takes the same big script, unfiltered.
    let boundary = "----fake-test";
    let mut body = Vec::new();
    for (name, value) in [
        ("encoding", "UTF-8"),
        ("validationEnum", "import_strict"),
        ("maxThreads", "2"),
    ] {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .bytes(),
        );
    }
    let script = format!("{big}#comment with eval(1) kept\n");
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.impex\"\r\nContent-Type: application/octet-stream\r\n\r\n").bytes());
    body.extend(script.bytes());
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    let up = b.post_raw(
        "/console/impex/import/upload",
        Some(&t),
        &format!("multipart/form-data; boundary={boundary}"),
        body,
    );
    assert_eq!(up.status, 200);
    assert!(up.body.contains("data-level=\"notice\""));
    assert!(
        up.body.contains("eval(1) kept"),
        "file content is not a parameter"
    );
    // The form parameter is filtered.
    let filtered = b.post(
        "/console/impex/import",
        Some(&t),
        &impex_form(
            "INSERT Language;isocode\n;x\n# eval(1) gone",
            "import_strict",
        ),
    );
    assert!(filtered.body.contains("#  gone"), "{}", filtered.body);
}

#[test]
fn system_update_and_its_log() {
    let hac = FakeHac::builder()
        .update_duration(Duration::from_millis(600))
        .start();
    let mut b = Browser::new(&hac);
    let t = b.login(&hac);
    let json = [("Accept", "application/json")];
    let data = b.get_with("/platform/init/data", &json).json();
    for key in [
        "isInitializing",
        "initInfo",
        "tenantID",
        "master",
        "projectDatas",
    ] {
        assert!(data.get(key).is_some(), "{key}");
    }
    let patches = b.get_with("/platform/init/pendingPatches", &json).json();
    let patch = &patches["electronicsstore"][0];
    for key in ["hash", "description", "process", "required", "name"] {
        assert!(patch.get(key).is_some(), "{key}");
    }
    // The log needs no session at all.
    let mut anonymous = Browser::new(&hac);
    assert_eq!(anonymous.get("/initlog/log").json()["log"], "");
    let runner = {
        let mut b2 = Browser::new(&hac);
        b2.cookies = b.cookies.clone();
        let t = t.clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            let body = r#"{"dropTables":false,"clearHMC":false,"createEssentialData":true,"createProjectData":false,"localizeTypes":true,"initMethod":"UPDATE","allParameters":{},"patches":{}}"#;
            let a = b2.post_raw(
                "/platform/init/execute",
                Some(&t),
                "application/json",
                body.as_bytes().to_vec(),
            );
            (a, started.elapsed())
        })
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while !hac.update_running() {
        assert!(Instant::now() < deadline, "the update never started");
        std::thread::yield_now();
    }
    hac.expire_sessions();
    let running = anonymous.get("/initlog/log").json();
    assert!(!running["log"].as_str().unwrap().contains("Finished"));
    let (answer, took) = runner.join().unwrap();
    assert!(
        took >= Duration::from_millis(550),
        "blocks for the update: {took:?}"
    );
    let j = answer.json();
    assert_eq!(j["success"], true);
    assert_eq!(
        j["initUpdateData"]["parametersAsStringMap"]["initmethod"][0],
        "update"
    );
    assert!(
        anonymous.get("/initlog/log").json()["log"]
            .as_str()
            .unwrap()
            .contains("Finished")
    );
    // Not initialized: no patches.
    let fresh = FakeHac::builder().initialized(false).start();
    let mut b = Browser::new(&fresh);
    b.login(&fresh);
    assert_eq!(
        b.get_with("/platform/init/pendingPatches", &json).body,
        "{}"
    );
}

#[test]
fn counters_and_scripted_responses() {
    let hac = FakeHac::start();
    let mut b = Browser::new(&hac);
    hac.push_override("/login", hac_fake::Response::new(500, "text/plain", "boom"));
    let a = b.get("/login");
    assert_eq!((a.status, a.body.as_str()), (500, "boom"));
    assert_eq!(b.get("/login").status, 200, "an override applies once");
    assert_eq!(hac.stats().requests, 2);
    assert_eq!(hac.requests().len(), 2);
    assert_eq!(hac.stats().login_page_views, 1);
    hac.reset_stats();
    assert_eq!(hac.stats().requests, 0);
}

#[test]
fn operations_endpoints_as_2211_serves_them() {
    let hac = FakeHac::builder()
        .user_with_roles("ops", "pw", &["HAC_MONITORING_CACHE_LIMITED"])
        .start();
    // The health check: no session, no cookie set, JSON only for clients that accept it.
    let mut anon = Browser::new(&hac);
    let h = anon.get("/monitoring/healthcheck");
    assert_eq!(h.status, 200);
    assert!(h.set_cookies.is_empty(), "security=\"none\": no session");
    assert_eq!(h.json()["systemStatus"], "RUNNING");
    let h = anon.get_with("/monitoring/healthcheck", &[("Accept", "text/html")]);
    assert_eq!(h.status, 406);

    let mut b = Browser::new(&hac);
    let t = b.login(&hac);
    let data = b.get("/monitoring/cache/regionCache/data");
    assert_eq!(data.json()["totalRegionCount"], 3);
    let html = b.get_with(
        "/monitoring/cache/regionCache/data",
        &[("Accept", "text/html")],
    );
    assert_eq!(html.status, 406);
    // Writes need the CSRF token; without one the 2211 answer for a live session.
    let no_token = b.post("/monitoring/cache/regionCache/clear", None, &[]);
    assert_eq!(no_token.status, 405);
    let cleared = b.post("/monitoring/cache/regionCache/clear", Some(&t), &[]);
    assert_eq!(cleared.json()["regions"][0]["cacheStatistics"]["hits"], 0);
    // Logging is HTML; a level change answers JSON with every logger.
    let page = b.get("/platform/log4j");
    assert!(
        page.body
            .contains("<select class=\"loggerLevels\" data-loggerName=\"root\">")
    );
    let changed = b.post(
        "/platform/log4j/changeLevel/",
        Some(&t),
        &[("loggerName", "de.hybris"), ("levelName", "debug")],
    );
    let loggers = changed.json()["loggers"].clone();
    assert!(
        loggers
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["name"] == "de.hybris" && l["effectiveLevel"]["standardLevel"] == "DEBUG")
    );
    // An unknown level: no error, the parent's level (what makes `hac` refuse it locally).
    let unknown = b.post(
        "/platform/log4j/changeLevel",
        Some(&t),
        &[("loggerName", "de.hybris"), ("levelName", "LOUD")],
    );
    assert_eq!(unknown.status, 200);
    assert_eq!(
        hac.log_level("node-a", "de.hybris").as_deref(),
        Some("INFO")
    );
    let missing = b.post(
        "/platform/log4j/changeLevel",
        Some(&t),
        &[("loggerName", "x")],
    );
    assert_eq!(missing.status, 400);

    // A _LIMITED role reads but does not clear; other monitoring is not its business.
    let mut ops = Browser::new(&hac);
    let t = ops.login_as(&hac, "ops", "pw");
    assert_eq!(ops.get("/monitoring/cache/regionCache/data").status, 200);
    assert_eq!(
        ops.post("/monitoring/cache/regionCache/clear", Some(&t), &[])
            .status,
        405
    );
    assert_eq!(ops.get("/monitoring/memory/data").status, 403);
    assert_eq!(ops.get("/platform/about").status, 200);
}
