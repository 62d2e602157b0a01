//! What HAC does with a request: sessions, CSRF, login with session fixation, ROUTE
//! affinity, the four ways of answering a dead session, and the console endpoints.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::http::{Request, Response};
use crate::pages;

/// How the server answers a request that has no live session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryAnswer {
    /// GET: 302 to the login page; POST: 403 (the CSRF token died with the session).
    /// This is what a stock Spring Security setup does.
    Realistic,
    /// Always 302 to the login page.
    Redirect,
    /// Always 200 with the login page (a proxy that followed the redirect).
    LoginPage,
    /// Always 401.
    Unauthorized,
    /// Always 403.
    Forbidden,
}

/// How the server answers a wrong password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadLoginAnswer {
    /// 302 to `{ctx}/login?login_error=1` (most versions).
    Redirect,
    /// 200 with the login page showing the error (some versions).
    LoginPage,
}

/// Which login page the server renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginPageVariant {
    /// `fixtures/login.html`.
    Standard,
    /// `fixtures/login_awkward.html`: odd attribute order, quoting and case.
    Awkward,
    /// `fixtures/login_no_csrf.html`: no token at all.
    NoCsrf,
}

/// Everything a test may want to vary.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `/hac` or `""` (root, SAP Commerce 2211 JDK21).
    pub context_path: String,
    /// Old versions: the login page is `{ctx}/login.jsp`; `{ctx}/login` is then an
    /// ordinary protected path (redirecting to `login.jsp`).
    pub login_jsp: bool,
    /// Set a CCv2 `ROUTE` cookie and lose the session when it is not sent back.
    pub route_cookie: bool,
    /// How a dead session is answered.
    pub expiry_answer: ExpiryAnswer,
    /// How a wrong password is answered.
    pub bad_login_answer: BadLoginAnswer,
    /// Which login page to render.
    pub login_page: LoginPageVariant,
    /// Serve the 270 KB dashboard.
    pub large_dashboard: bool,
    /// Redirect with absolute URLs (`http://host/hac/login`) instead of paths.
    pub absolute_redirects: bool,
    /// Sessions idle longer than this are gone.
    pub idle_timeout: Duration,
    /// Users with full access.
    pub users: Vec<(String, String)>,
    /// Users that can log in but get 403 from every console endpoint.
    pub restricted_users: Vec<(String, String)>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            context_path: "/hac".into(),
            login_jsp: false,
            route_cookie: false,
            expiry_answer: ExpiryAnswer::Realistic,
            bad_login_answer: BadLoginAnswer::Redirect,
            login_page: LoginPageVariant::Standard,
            large_dashboard: false,
            absolute_redirects: false,
            idle_timeout: Duration::from_secs(30 * 60),
            users: vec![("admin".into(), "nimda".into())],
            restricted_users: Vec::new(),
        }
    }
}

/// Counters tests assert on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Every request that reached the server.
    pub requests: usize,
    /// POSTs to `j_spring_security_check`.
    pub login_attempts: usize,
    /// Successful logins.
    pub logins: usize,
    /// Login page renders.
    pub login_page_views: usize,
    /// Console/platform calls that ran (authenticated, CSRF valid).
    pub console_calls: usize,
    /// POSTs rejected for a missing or wrong CSRF token.
    pub csrf_rejections: usize,
    /// Requests answered as "no session" on a protected path.
    pub unauthenticated: usize,
}

struct Session {
    user: Option<String>,
    restricted: bool,
    csrf: String,
    last_access: Instant,
}

pub(crate) struct State {
    pub settings: Settings,
    sessions: HashMap<String, Session>,
    hasher: RandomState,
    counter: u64,
    node: String,
    pub stats: Stats,
    pub log: Vec<Request>,
    pub overrides: VecDeque<(String, Response)>,
    pub delay: Duration,
    update_polls_running: u32,
    update_ran: bool,
    update_errors: bool,
}

impl State {
    pub fn new(settings: Settings) -> Self {
        State {
            settings,
            sessions: HashMap::new(),
            hasher: RandomState::new(),
            counter: 0,
            node: "node-a".into(),
            stats: Stats::default(),
            log: Vec::new(),
            overrides: VecDeque::new(),
            delay: Duration::ZERO,
            update_polls_running: 0,
            update_ran: false,
            update_errors: false,
        }
    }

    fn random_hex(&mut self) -> String {
        self.counter += 1;
        let mut a = self.hasher.build_hasher();
        a.write_u64(self.counter);
        let mut b = self.hasher.build_hasher();
        b.write_u64(!self.counter);
        format!("{:016X}{:016X}", a.finish(), b.finish())
    }

    fn new_token(&mut self) -> String {
        let h = self.random_hex().to_lowercase();
        format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    }

    fn new_session(&mut self) -> (String, String) {
        let id = self.random_hex();
        let csrf = self.new_token();
        self.sessions.insert(
            id.clone(),
            Session {
                user: None,
                restricted: false,
                csrf: csrf.clone(),
                last_access: Instant::now(),
            },
        );
        (id, csrf)
    }

    /// Drops every session (forced invalidation).
    pub fn expire_all(&mut self) {
        self.sessions.clear();
    }

    /// A restart: sessions gone and the load balancer points at a new node.
    pub fn restart(&mut self) {
        self.sessions.clear();
        self.node = if self.node == "node-a" {
            "node-b"
        } else {
            "node-a"
        }
        .into();
    }

    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// The live session for this request, honouring idle timeout and ROUTE affinity.
    fn session_id(&mut self, req: &Request) -> Option<String> {
        let id = req.cookie("JSESSIONID")?;
        if self.settings.route_cookie
            && req.cookie("ROUTE").as_deref() != Some(&format!(".{}", self.node))
        {
            // Routed to a node that never saw this session.
            return None;
        }
        let timeout = self.settings.idle_timeout;
        let session = self.sessions.get_mut(&id)?;
        if session.last_access.elapsed() > timeout {
            self.sessions.remove(&id);
            return None;
        }
        session.last_access = Instant::now();
        Some(id)
    }
}

/// Per-request context the routes need.
pub(crate) struct Ctx<'a> {
    pub req: &'a Request,
    pub secure: bool,
    pub host: String,
}

impl Ctx<'_> {
    fn base(&self) -> String {
        format!(
            "{}://{}",
            if self.secure { "https" } else { "http" },
            self.host
        )
    }
}

fn set_session_cookie(resp: Response, st: &State, id: &str, secure: bool) -> Response {
    let path = if st.settings.context_path.is_empty() {
        "/"
    } else {
        &st.settings.context_path
    };
    let secure = if secure { "; Secure" } else { "" };
    resp.with_header(
        "Set-Cookie",
        &format!("JSESSIONID={id}; Path={path}; HttpOnly{secure}"),
    )
}

fn location(st: &State, cx: &Ctx, path: &str) -> String {
    if st.settings.absolute_redirects {
        format!("{}{}", cx.base(), path)
    } else {
        path.to_owned()
    }
}

fn login_path(st: &State) -> String {
    let page = if st.settings.login_jsp {
        "login.jsp"
    } else {
        "login"
    };
    format!("{}/{page}", st.settings.context_path)
}

fn login_page(st: &mut State, csrf: &str, error: bool) -> Response {
    st.stats.login_page_views += 1;
    let template = match (error, st.settings.login_page) {
        (true, _) => pages::LOGIN_ERROR,
        (false, LoginPageVariant::Standard) => pages::LOGIN,
        (false, LoginPageVariant::Awkward) => pages::LOGIN_AWKWARD,
        (false, LoginPageVariant::NoCsrf) => pages::LOGIN_NO_CSRF,
    };
    Response::html(pages::render(template, csrf, &st.settings.context_path))
}

/// The main dispatcher. Cookies for ROUTE are added by the caller.
pub(crate) fn handle(st: &mut State, cx: &Ctx) -> Response {
    let req = cx.req;
    let ctx = st.settings.context_path.clone();
    if ctx.is_empty() && (req.path == "/hac" || req.path.starts_with("/hac/")) {
        // 2211 JDK21: the old paths only ever redirect back into themselves.
        return Response::redirect(&location(st, cx, "/hac/login"));
    }
    let Some(rel) = req.path.strip_prefix(ctx.as_str()) else {
        return Response::status(404);
    };
    let rel = if rel.is_empty() { "/" } else { rel };
    let sid = st.session_id(req);

    match (req.method.as_str(), rel) {
        ("GET", "/login") if !st.settings.login_jsp => login_get(st, cx, sid),
        ("GET", "/login.jsp") if st.settings.login_jsp => login_get(st, cx, sid),
        ("POST", "/j_spring_security_check") => login_post(st, cx, sid),
        (_, "/j_spring_security_logout") => {
            if let Some(id) = sid {
                st.sessions.remove(&id);
            }
            Response::redirect(&location(st, cx, &login_path(st)))
        }
        _ => protected(st, cx, sid, rel),
    }
}

fn login_get(st: &mut State, cx: &Ctx, sid: Option<String>) -> Response {
    let error = cx.req.query.contains("login_error");
    match sid {
        Some(id) => {
            let csrf = st.sessions[&id].csrf.clone();
            login_page(st, &csrf, error)
        }
        None => {
            let (id, csrf) = st.new_session();
            let page = login_page(st, &csrf, error);
            set_session_cookie(page, st, &id, cx.secure)
        }
    }
}

fn login_post(st: &mut State, cx: &Ctx, sid: Option<String>) -> Response {
    st.stats.login_attempts += 1;
    let req = cx.req;
    let sent = req.form_value("_csrf");
    let Some(id) = sid.filter(|id| sent.as_deref() == Some(st.sessions[id].csrf.as_str())) else {
        st.stats.csrf_rejections += 1;
        return Response::new(
            403,
            "text/html",
            "<html><body>403 - Invalid CSRF Token</body></html>",
        );
    };
    let user = req.form_value("j_username").unwrap_or_default();
    let pass = req.form_value("j_password").unwrap_or_default();
    let matches = |list: &[(String, String)]| list.iter().any(|(u, p)| *u == user && *p == pass);
    let full = matches(&st.settings.users);
    let restricted = !full && matches(&st.settings.restricted_users);
    if !full && !restricted {
        return match st.settings.bad_login_answer {
            BadLoginAnswer::Redirect => {
                let to = format!("{}?login_error=1", login_path(st));
                Response::redirect(&location(st, cx, &to))
            }
            BadLoginAnswer::LoginPage => {
                let csrf = st.sessions[&id].csrf.clone();
                login_page(st, &csrf, true)
            }
        };
    }
    // Session fixation protection: the old id dies, a new id and a new token are issued.
    st.sessions.remove(&id);
    let (new_id, _) = st.new_session();
    let session = st.sessions.get_mut(&new_id).expect("just inserted");
    session.user = Some(user);
    session.restricted = restricted;
    st.stats.logins += 1;
    let to = format!("{}/", st.settings.context_path);
    let resp = Response::redirect(&location(st, cx, &to));
    set_session_cookie(resp, st, &new_id, cx.secure)
}

fn unauthenticated(st: &mut State, cx: &Ctx) -> Response {
    st.stats.unauthenticated += 1;
    let to_login = || Response::redirect(&location(st, cx, &login_path(st)));
    match st.settings.expiry_answer {
        ExpiryAnswer::Realistic if cx.req.method == "POST" => Response::new(
            403,
            "text/html",
            "<html><body>403 - Invalid CSRF Token</body></html>",
        ),
        ExpiryAnswer::Realistic | ExpiryAnswer::Redirect => to_login(),
        ExpiryAnswer::LoginPage => {
            let (id, csrf) = st.new_session();
            let page = login_page(st, &csrf, false);
            set_session_cookie(page, st, &id, cx.secure)
        }
        ExpiryAnswer::Unauthorized => Response::status(401),
        ExpiryAnswer::Forbidden => Response::status(403),
    }
}

fn protected(st: &mut State, cx: &Ctx, sid: Option<String>, rel: &str) -> Response {
    let req = cx.req;
    let Some(id) = sid.filter(|id| st.sessions[id].user.is_some()) else {
        return unauthenticated(st, cx);
    };
    let csrf = st.sessions[&id].csrf.clone();
    if req.method == "POST" {
        let header = req
            .header("X-CSRF-TOKEN")
            .or_else(|| req.header("X-XSRF-TOKEN"))
            .map(str::to_owned)
            .or_else(|| req.form_value("_csrf"));
        if header.as_deref() != Some(csrf.as_str()) {
            st.stats.csrf_rejections += 1;
            return Response::new(
                403,
                "text/html",
                "<html><body>403 - Invalid CSRF Token</body></html>",
            );
        }
    }
    let ctx = st.settings.context_path.clone();
    let console = rel.starts_with("/console/")
        || rel.starts_with("/platform/")
        || rel.starts_with("/initlog/");
    if console && st.sessions[&id].restricted {
        return Response::new(
            403,
            "text/html",
            "<html><body>403 - Access is denied</body></html>",
        );
    }
    let resp = match (req.method.as_str(), rel) {
        ("GET", "/") => {
            let page = if st.settings.large_dashboard {
                pages::DASHBOARD_LARGE
            } else {
                pages::DASHBOARD
            };
            return Response::html(pages::render(page, &csrf, &ctx));
        }
        ("POST", "/console/scripting/execute") => groovy(req),
        ("POST", "/console/flexsearch/execute") => flexsearch(req),
        ("POST", "/console/impex/import") => impex(req, false, &csrf, &ctx),
        ("POST", "/console/impex/import/validate") => impex(req, true, &csrf, &ctx),
        ("GET", "/platform/update") => {
            Response::html(pages::render(pages::UPDATE_PAGE, &csrf, &ctx))
        }
        ("GET", "/platform/init/data") => Response::json(pages::UPDATE_DATA),
        ("GET", "/platform/init/pendingPatches") => Response::json(pages::PENDING_PATCHES),
        ("POST", "/platform/init/execute") => match serde_json::from_slice::<Value>(&req.body) {
            Ok(body) => {
                st.update_ran = true;
                st.update_polls_running = 1;
                st.update_errors = body.to_string().contains("\"broken\"");
                Response::json(pages::UPDATE_EXECUTE)
            }
            Err(_) => Response::new(400, "text/plain", "bad JSON"),
        },
        ("GET", "/initlog/log") => {
            if !st.update_ran {
                Response::json(r#"{"log":""}"#)
            } else if st.update_polls_running > 0 {
                st.update_polls_running -= 1;
                Response::json(pages::UPDATE_LOG_RUNNING)
            } else if st.update_errors {
                Response::json(pages::UPDATE_LOG_ERRORS)
            } else {
                Response::json(pages::UPDATE_LOG_FINISHED)
            }
        }
        _ => return Response::status(404),
    };
    st.stats.console_calls += 1;
    resp
}

fn unquote(s: &str) -> String {
    let s = s.trim().trim_end_matches(';').trim();
    let s = s
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(s);
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return inner.to_owned();
        }
    }
    s.to_owned()
}

/// How long a Groovy script asks to sleep (`Thread.sleep(ms)` lines). The server sleeps
/// before taking its lock, so a slow script does not stall other connections.
pub(crate) fn groovy_sleep(req: &Request) -> Duration {
    if !req.path.ends_with("/console/scripting/execute") {
        return Duration::ZERO;
    }
    let script = req.form_value("script").unwrap_or_default();
    let ms: u64 = script
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Thread.sleep("))
        .filter_map(|r| r.split(')').next())
        .filter_map(|ms| ms.trim().parse::<u64>().ok())
        .sum();
    Duration::from_millis(ms)
}

/// A tiny stand-in for the Groovy engine: `println 'x'`, `print 'x'`, `return x`,
/// `Thread.sleep(ms)` (see [`groovy_sleep`]) and anything with `throw` (which yields the
/// stacktrace fixture).
fn groovy(req: &Request) -> Response {
    let script = req.form_value("script").unwrap_or_default();
    if script.contains("throw ") {
        return Response::json(pages::GROOVY_STACKTRACE);
    }
    let mut output = String::new();
    let mut result = String::new();
    for line in script.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("println") {
            output.push_str(&unquote(rest));
            output.push('\n');
        } else if let Some(rest) = line.strip_prefix("print ") {
            output.push_str(&unquote(rest));
        } else if let Some(rest) = line.strip_prefix("return ") {
            result = unquote(rest);
        }
    }
    let commit = req.form_value("commit").unwrap_or_default();
    if commit == "true" {
        output.push_str("(committed)\n");
    }
    Response::json(
        json!({"outputText": output, "executionResult": result, "stacktraceText": ""}).to_string(),
    )
}

fn flexsearch(req: &Request) -> Response {
    let fs = req.form_value("flexibleSearchQuery").unwrap_or_default();
    let sql = req.form_value("sqlQuery").unwrap_or_default();
    let query = if fs.trim().is_empty() { sql } else { fs };
    let max: usize = req
        .form_value("maxCount")
        .and_then(|m| m.parse().ok())
        .unwrap_or(200);
    let lower = query.to_lowercase();
    if lower.contains("{generated}") {
        let rows: Vec<Value> = (0..max)
            .map(|i| {
                let name = if i % 7 == 0 {
                    Value::Null
                } else {
                    json!(format!("Product name {i}"))
                };
                json!([
                    format!("{}", 8796093054977u64 + i as u64),
                    format!("code-{i:06}"),
                    name
                ])
            })
            .collect();
        return Response::json(
            json!({"exception": null, "headers": ["PK", "code", "name"], "resultList": rows,
                   "resultCount": max, "executionTime": 5, "query": query})
            .to_string(),
        );
    }
    if lower.trim_start().starts_with("select")
        && (lower.contains("{product}") || lower.contains(" products"))
    {
        let mut v: Value = serde_json::from_str(pages::FLEXSEARCH_NULLS).expect("fixture is JSON");
        if let Some(list) = v["resultList"].as_array_mut() {
            list.truncate(max);
            let n = list.len();
            v["resultCount"] = json!(n);
        }
        v["query"] = json!(query);
        return Response::json(v.to_string());
    }
    Response::json(pages::FLEXSEARCH_EXCEPTION)
}

fn impex(req: &Request, validate: bool, csrf: &str, ctx: &str) -> Response {
    let script = req.form_value("scriptContent").unwrap_or_default();
    let has_header = script.lines().any(|l| {
        let l = l.trim_start().to_ascii_uppercase();
        ["INSERT ", "INSERT_UPDATE ", "UPDATE ", "REMOVE "]
            .iter()
            .any(|h| l.starts_with(h))
    });
    let ok = has_header && !script.contains("unknownCatalog") && !script.contains("colour");
    let page = match (ok, validate) {
        (true, false) => pages::IMPEX_IMPORT_SUCCESS,
        (true, true) => pages::IMPEX_VALIDATE_SUCCESS,
        (false, _) => pages::IMPEX_ERROR,
    };
    Response::html(pages::render(page, csrf, ctx))
}

/// Adds the ROUTE cookie when the client does not have the current one.
pub(crate) fn add_route(st: &State, cx: &Ctx, resp: Response) -> Response {
    if !st.settings.route_cookie {
        return resp;
    }
    let want = format!(".{}", st.node);
    if cx.req.cookie("ROUTE").as_deref() == Some(want.as_str()) {
        return resp;
    }
    let secure = if cx.secure { "; Secure" } else { "" };
    resp.with_header(
        "Set-Cookie",
        &format!("ROUTE={want}; Path=/; HttpOnly{secure}"),
    )
}
