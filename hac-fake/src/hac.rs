//! What HAC does with a request before any console runs, in the order its filters run:
//! the XSS filter, `security="none"` paths, the https channel, the session (idle timeout,
//! ROUTE affinity), HTTP Basic, the CSRF filter, form login and logout, the access check
//! with its dead-session answers, and then the console endpoints (`console.rs`,
//! `platform.rs`).

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::db::Db;
use crate::http::{Part, Request, Response};
use crate::ops::{self, OpsState};
use crate::pages::{self, LoginPageVariant};
use crate::profile::Profile;
use crate::tokens::{Random, unmasks_to};
use crate::{console, platform, xss};

/// How a request without a live session is answered. HAC itself answers as its version
/// does (`Realistic`); the others are what a proxy or gateway in front of it may turn that
/// into, which a client must understand as well.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ExpiryAnswer {
    /// As HAC: GET → 302 to the login page (absolute URL); POST → 403 with the login page
    /// as body (1811) or 405 (2211).
    #[default]
    Realistic,
    /// 302 to the login page with a relative `Location`.
    RelativeRedirect,
    /// 200 with the login page (a proxy that followed the redirect).
    LoginPage,
    /// 401 with the login page as body.
    Unauthorized,
    /// 403 with the login page as body, for every method.
    Forbidden,
    /// 405 with HAC's 405 page, for every method.
    MethodNotAllowed,
    /// A POST gets 200 with an empty body, as SAP Commerce Cloud's gateway has been seen
    /// answering a dead session's console call; a GET is redirected to the login page as
    /// HAC does.
    EmptyOk,
}

/// Everything a test may vary.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The version to behave like.
    pub profile: Profile,
    /// `""` (root, HAC's own default) or e.g. `/hac`.
    pub context_path: String,
    /// Set a CCv2 `ROUTE` cookie and lose the session when it is not sent back.
    pub route_cookie: bool,
    /// How a dead session is answered.
    pub expiry_answer: ExpiryAnswer,
    /// Which login page markup to render.
    pub login_page: LoginPageVariant,
    /// Serve the 270 KB home page.
    pub large_dashboard: bool,
    /// Sessions idle longer than this are gone (HAC: 120 minutes).
    pub idle_timeout: Duration,
    /// Users allowed into HAC (admin group): every console.
    pub users: Vec<(String, String)>,
    /// Users that can log in (a `hac_*` group) but have no console role.
    pub restricted_users: Vec<(String, String)>,
    /// Users outside the admin group with these HAC roles (`HAC_PLATFORM_LOGGING_LIMITED`,
    /// ...; without the `ROLE_` prefix).
    pub role_users: Vec<(String, String, Vec<String>)>,
    /// The cluster nodes behind the load balancer (ROUTE values without the leading dot).
    /// The balancer sends requests without a known ROUTE to the first one.
    pub nodes: Vec<String>,
    /// Nodes that are down: requests pinned to one go to a live node instead, with a new
    /// ROUTE cookie, as a sticky-session balancer does.
    pub down_nodes: Vec<String>,
    /// Seconds the server's clock is ahead of the real time (negative: behind).
    pub clock_skew: i64,
    /// HAC's XSS filter on request parameters (on by default, as in HAC).
    pub xss_filter: bool,
    /// Tomcat's `maxPostSize`: larger form bodies are not parsed at all (6 MiB).
    pub max_post_size: usize,
    /// The system is initialized (pending patches are `{}` when it is not).
    pub initialized: bool,
    /// How long `POST /platform/init/execute` blocks, showing a running log meanwhile.
    pub update_duration: Duration,
    /// A gateway in front of HAC that wants these HTTP Basic credentials on every request
    /// (and removes the header before HAC sees it).
    pub gateway: Option<(String, String)>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            profile: Profile::default(),
            context_path: String::new(),
            route_cookie: false,
            expiry_answer: ExpiryAnswer::Realistic,
            login_page: LoginPageVariant::Standard,
            large_dashboard: false,
            idle_timeout: Duration::from_secs(120 * 60),
            users: vec![("admin".into(), "nimda".into())],
            restricted_users: Vec::new(),
            role_users: Vec::new(),
            nodes: vec!["node-a".into(), "node-b".into()],
            down_nodes: Vec::new(),
            clock_skew: 0,
            xss_filter: true,
            max_post_size: 6 * 1024 * 1024,
            initialized: true,
            update_duration: Duration::from_millis(300),
            gateway: None,
        }
    }
}

/// Counters tests assert on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Every request that reached the server.
    pub requests: usize,
    /// POSTs to `j_spring_security_check`.
    pub login_attempts: usize,
    /// Successful logins.
    pub logins: usize,
    /// Login page renders.
    pub login_page_views: usize,
    /// Console and platform calls that ran (authenticated, CSRF valid, role present).
    pub console_calls: usize,
    /// Requests of a live session refused by the CSRF filter (a wrong or stale token; a
    /// request without a live session counts as `unauthenticated`).
    pub csrf_rejections: usize,
    /// Requests answered as "not logged in".
    pub unauthenticated: usize,
    /// Requests answered with the https channel redirect.
    pub channel_redirects: usize,
    /// Groovy scripts and SQL statements run with `commit=true`.
    pub commits: usize,
    /// Requests the gateway refused for missing or wrong Basic credentials.
    pub gateway_refusals: usize,
    /// The most requests being answered at the same time (1 for a client that sends one
    /// after the other; more for one that works in parallel).
    pub max_in_flight: usize,
    /// Requests being answered now (what `max_in_flight` is the peak of).
    pub(crate) in_flight: usize,
}

pub(crate) struct Session {
    pub user: Option<String>,
    /// `None`: the admin group (every role); otherwise the HAC roles the user has.
    pub roles: Option<Vec<String>>,
    /// The node that created the session (sessions are not replicated).
    node: String,
    /// The raw token; pages show it masked on 2211.38.
    pub csrf: String,
    last_access: Instant,
    /// The protected URL that sent this session to the login page (absolute).
    saved_request: Option<String>,
}

/// The update the fake pretends to run.
#[derive(Default)]
pub(crate) struct UpdateRun {
    pub started: bool,
    pub running_until: Option<Instant>,
    pub errors: bool,
}

pub(crate) struct State {
    pub settings: Settings,
    sessions: HashMap<String, Session>,
    pub random: Random,
    node: String,
    pub stats: Stats,
    pub log: Vec<Request>,
    pub overrides: VecDeque<(String, Response)>,
    pub delay: Duration,
    /// Set by a handler that must hold its answer back (outside the lock).
    pub hold_answer: Option<Duration>,
    pub update: UpdateRun,
    /// The HTTPS port to redirect plain-HTTP requests to, when both listeners run.
    pub https_port: Option<u16>,
    pub db: Db,
    pub ops: OpsState,
    /// Until then every request is answered 503, as by a balancer in front of a server
    /// that is still starting.
    pub ready_at: Option<Instant>,
    /// The node serving the current request.
    routed: String,
    /// Round-robin position of the balancer among live nodes.
    next_node: usize,
}

impl State {
    pub fn new(settings: Settings) -> Self {
        let node = settings
            .nodes
            .first()
            .cloned()
            .unwrap_or_else(settings_first_node);
        State {
            settings,
            sessions: HashMap::new(),
            random: Random::new(),
            node,
            stats: Stats::default(),
            log: Vec::new(),
            overrides: VecDeque::new(),
            delay: Duration::ZERO,
            hold_answer: None,
            update: UpdateRun::default(),
            https_port: None,
            db: Db::new(),
            ops: OpsState::new(),
            ready_at: None,
            routed: String::new(),
            next_node: usize::MAX,
        }
    }

    fn new_session(&mut self, node: &str) -> String {
        let id = self.random.session_id();
        let csrf = self.random.uuid();
        self.sessions.insert(
            id.clone(),
            Session {
                user: None,
                roles: None,
                node: node.to_owned(),
                csrf,
                last_access: Instant::now(),
                saved_request: None,
            },
        );
        id
    }

    /// Drops every session (forced invalidation).
    pub fn expire_all(&mut self) {
        self.sessions.clear();
    }

    /// A restart: sessions gone and the load balancer points at the next node.
    pub fn restart(&mut self) {
        self.sessions.clear();
        let nodes = &self.settings.nodes;
        let at = nodes.iter().position(|n| *n == self.node).unwrap_or(0);
        self.node = nodes
            .get((at + 1) % nodes.len().max(1))
            .cloned()
            .unwrap_or_else(settings_first_node);
    }

    /// The nodes behind the balancer, in order.
    pub fn node_names(&self) -> Vec<String> {
        if self.settings.nodes.is_empty() {
            vec![self.node.clone()]
        } else {
            self.settings.nodes.clone()
        }
    }

    /// Picks the node for a request, as a sticky-session balancer does: the one its
    /// ROUTE cookie names when that node is known and up, otherwise the next live node in
    /// turn. Remembered for the rest of the request (`routed`).
    fn route(&mut self, req: &Request) -> String {
        let node = if !self.settings.route_cookie {
            self.node.clone()
        } else {
            let named = req
                .cookie("ROUTE")
                .map(|r| r.strip_prefix('.').unwrap_or(&r).to_owned());
            let live: Vec<String> = self
                .settings
                .nodes
                .iter()
                .filter(|n| !self.settings.down_nodes.contains(n))
                .cloned()
                .collect();
            match named {
                Some(n) if live.contains(&n) => n,
                _ if live.is_empty() => self.node.clone(),
                _ => {
                    self.next_node = self.next_node.wrapping_add(1) % live.len();
                    live[self.next_node].clone()
                }
            }
        };
        self.routed = node.clone();
        node
    }

    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// The live session for this request, honouring idle timeout and ROUTE affinity.
    fn session_id(&mut self, req: &Request) -> Option<String> {
        let id = req.cookie("JSESSIONID")?;
        let node = self.routed.clone();
        let timeout = self.settings.idle_timeout;
        let session = self.sessions.get_mut(&id)?;
        if session.node != node {
            // Routed to a node that never saw this session.
            return None;
        }
        if session.last_access.elapsed() > timeout {
            self.sessions.remove(&id);
            return None;
        }
        session.last_access = Instant::now();
        Some(id)
    }

    /// The token a page shows for the session `id`: raw, or masked afresh per render.
    pub fn page_token(&mut self, id: &str) -> String {
        let raw = self.sessions[id].csrf.clone();
        if self.settings.profile.masked_tokens() {
            self.random.mask(&raw)
        } else {
            raw
        }
    }

    fn token_valid(&self, id: &str, sent: &str) -> bool {
        let raw = &self.sessions[id].csrf;
        if self.settings.profile.masked_tokens() {
            unmasks_to(sent, raw)
        } else {
            sent == raw
        }
    }
}

/// Request parameters as the application sees them: query string, then the form body
/// (unless it is larger than `maxPostSize`) or the text parts of a multipart body, each
/// value through the XSS filter.
pub(crate) struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Everything a handler needs about the request.
pub(crate) struct Ctx<'a> {
    pub req: &'a Request,
    pub secure: bool,
    pub host: String,
    pub params: Params,
    /// The file parts of a multipart body (not parameters, so not filtered).
    pub files: Vec<Part>,
    /// The logged-in user of this request.
    pub user: String,
    /// The session of this request.
    pub sid: String,
    /// The cluster node that serves this request.
    pub node: String,
}

impl Ctx<'_> {
    fn base(&self) -> String {
        format!(
            "{}://{}",
            if self.secure { "https" } else { "http" },
            self.host
        )
    }

    fn absolute_target(&self) -> String {
        let mut url = format!("{}{}", self.base(), self.req.path);
        if !self.req.query.is_empty() {
            url.push('?');
            url.push_str(&self.req.query);
        }
        url
    }
}

fn params(st: &State, req: &Request, parts: &[Part]) -> Params {
    let mut pairs = req.query_pairs();
    if req.content_type() == "application/x-www-form-urlencoded" {
        // Tomcat: a form body over maxPostSize is not parsed at all, silently.
        if req.body.len() <= st.settings.max_post_size {
            pairs.extend(req.form());
        }
    } else {
        pairs.extend(
            parts
                .iter()
                .filter(|p| p.filename.is_none())
                .map(|p| (p.name.clone(), p.text())),
        );
    }
    if st.settings.xss_filter {
        for (_, v) in &mut pairs {
            *v = xss::strip(v);
        }
    }
    Params { pairs }
}

fn cookie_path(st: &State) -> String {
    if st.settings.context_path.is_empty() {
        "/".into()
    } else {
        st.settings.context_path.clone()
    }
}

fn with_session_cookie(resp: Response, st: &State, id: &str, secure: bool) -> Response {
    let secure = if secure { "; Secure" } else { "" };
    resp.with_header(
        "Set-Cookie",
        &format!(
            "JSESSIONID={id}; Path={}; HttpOnly{secure}",
            cookie_path(st)
        ),
    )
}

fn login_url(st: &State) -> String {
    format!(
        "{}{}",
        st.settings.context_path,
        st.settings.profile.login_page()
    )
}

fn render_login(st: &mut State, token: &str, error: Option<&str>) -> String {
    st.stats.login_page_views += 1;
    pages::login(
        st.settings.login_page,
        &st.settings.context_path,
        token,
        error,
    )
}

/// The login page as an error page (`web.xml` maps 401 and 403 to it): rendered without a
/// session of its own, so its token is not one the client can use.
fn login_page_body(st: &mut State) -> String {
    let token = st.random.uuid();
    render_login(st, &token, Some("Login failed: "))
}

/// An error status that `web.xml` forwards to the login page. On 2211 the login page only
/// answers GET, so a POST ends as 405 there.
fn forwarded_to_login(st: &mut State, cx: &Ctx, status: u16) -> Response {
    if cx.req.method != "GET" && st.settings.profile.rejected_post_status() == 405 {
        return Response::new(
            405,
            "text/html;charset=UTF-8",
            pages::error_405(&st.settings.context_path),
        );
    }
    Response::new(status, "text/html;charset=UTF-8", login_page_body(st))
}

/// A request the server treats as "not logged in" (no session, a dead one, or a token
/// that belongs to none): HAC's answer, or what `expiry_answer` makes of it.
fn not_logged_in(st: &mut State, cx: &Ctx, sid: Option<String>, csrf_refused: bool) -> Response {
    st.stats.unauthenticated += 1;
    let ctx = st.settings.context_path.clone();
    match st.settings.expiry_answer {
        ExpiryAnswer::EmptyOk if cx.req.method == "POST" => {
            Response::new(200, "text/html;charset=UTF-8", "")
        }
        ExpiryAnswer::Realistic if csrf_refused => forwarded_to_login(st, cx, 403),
        ExpiryAnswer::Realistic | ExpiryAnswer::EmptyOk => {
            // Spring's entry point: save the request in the session (created if there is
            // none), redirect to the login page with an absolute URL.
            let (id, fresh) = match sid {
                Some(id) => (id, false),
                None => (st.new_session(&cx.node), true),
            };
            st.sessions.get_mut(&id).expect("live").saved_request = Some(cx.absolute_target());
            let to = format!("{}{}", cx.base(), login_url(st));
            let resp = Response::redirect(&to);
            if fresh {
                with_session_cookie(resp, st, &id, cx.secure)
            } else {
                resp
            }
        }
        ExpiryAnswer::RelativeRedirect => Response::redirect(&login_url(st)),
        ExpiryAnswer::LoginPage => {
            let id = st.new_session(&cx.node);
            let token = st.page_token(&id);
            let page = render_login(st, &token, None);
            with_session_cookie(Response::html(page), st, &id, cx.secure)
        }
        ExpiryAnswer::Unauthorized => {
            Response::new(401, "text/html;charset=UTF-8", login_page_body(st))
        }
        ExpiryAnswer::Forbidden => {
            Response::new(403, "text/html;charset=UTF-8", login_page_body(st))
        }
        ExpiryAnswer::MethodNotAllowed => {
            Response::new(405, "text/html;charset=UTF-8", pages::error_405(&ctx))
        }
    }
}

/// Paths with `security="none"` in HAC's security configuration: no session, no CSRF, no
/// channel requirement.
fn unsecured(rel: &str) -> bool {
    rel == "/initlog/log"
        || rel == "/monitoring/healthcheck"
        || rel == "/monitoring/healthcheck/"
        || rel.starts_with("/static/")
        || rel.starts_with("/webjars/")
}

/// The part of `path` below the context path, if the request is for HAC at all.
fn relative<'p>(ctx: &str, path: &'p str) -> Option<&'p str> {
    let rest = path.strip_prefix(ctx)?;
    if rest.is_empty() {
        Some("/")
    } else if rest.starts_with('/') {
        Some(rest)
    } else {
        None
    }
}

/// The main dispatcher. The ROUTE cookie is added by the caller.
pub(crate) fn handle(st: &mut State, req: &Request, secure: bool, host: String) -> Response {
    let ctx = st.settings.context_path.clone();
    let Some(rel) = relative(&ctx, &req.path).map(str::to_owned) else {
        // Another web application's path (HAC is not the root application here).
        return Response::new(404, "text/html", "<html><body>Not Found</body></html>");
    };
    let parts = req.multipart();
    let params = params(st, req, &parts);
    let files = parts.into_iter().filter(|p| p.filename.is_some()).collect();
    let mut cx = Ctx {
        req,
        secure,
        host,
        params,
        files,
        user: String::new(),
        sid: String::new(),
        node: st.route(req),
    };

    if unsecured(&rel) {
        return match (req.method.as_str(), rel.as_str()) {
            ("GET", "/initlog/log") => platform::init_log(st),
            ("GET", "/monitoring/healthcheck" | "/monitoring/healthcheck/") => ops::health(st, req),
            _ => Response::new(404, "text/html", pages::error_404(&ctx)),
        };
    }

    // requires-channel="https": with an HTTPS listener beside this one, plain HTTP is only
    // ever redirected there (port 9001 → 9002), whatever the method.
    if let (false, Some(port)) = (secure, st.https_port) {
        st.stats.channel_redirects += 1;
        let host = cx
            .host
            .rsplit_once(':')
            .map_or(cx.host.as_str(), |(h, _)| h);
        let mut to = format!("https://{host}:{port}{}", req.path);
        if !req.query.is_empty() {
            to.push('?');
            to.push_str(&req.query);
        }
        return Response::redirect(&to);
    }

    let mut sid = st.session_id(req);

    // <http-basic/>: good credentials authenticate the request, bad ones get 401.
    if let Some(basic) = basic_credentials(req) {
        match authenticate(st, &basic.0, &basic.1) {
            Some(roles) => {
                let id = sid.clone().unwrap_or_else(|| st.new_session(&cx.node));
                let session = st.sessions.get_mut(&id).expect("live");
                session.user = Some(basic.0.clone());
                session.roles = roles;
                sid = Some(id);
            }
            None => return Response::new(401, "text/html;charset=UTF-8", login_page_body(st)),
        }
    }

    let safe_method = matches!(req.method.as_str(), "GET" | "HEAD" | "TRACE" | "OPTIONS");
    if !safe_method {
        if rel == "/j_spring_security_check" {
            st.stats.login_attempts += 1;
        }
        let sent = req
            .header("X-CSRF-TOKEN")
            .or_else(|| cx.params.get("_csrf"))
            .unwrap_or("");
        let valid = sid
            .as_deref()
            .is_some_and(|id| !sent.is_empty() && st.token_valid(id, sent));
        if !valid {
            // Counted as a CSRF rejection when there is a live session whose token was
            // wrong (a client bug); without a live session it is a dead-session answer.
            if sid.is_some() {
                st.stats.csrf_rejections += 1;
            }
            // A live, authenticated session with a wrong token is a plain 403; without a
            // live session the answer is the dead-session one.
            let logged_in = sid
                .as_deref()
                .is_some_and(|id| st.sessions[id].user.is_some());
            if logged_in {
                return forwarded_to_login(st, &cx, 403);
            }
            return not_logged_in(st, &cx, sid, true);
        }
    }
    let login_page = st.settings.profile.login_page();

    match (req.method.as_str(), rel.as_str()) {
        ("POST", "/j_spring_security_check") => {
            return login_post(st, &cx, sid.expect("CSRF passed"));
        }
        ("POST", "/j_spring_security_logout") => {
            if let Some(id) = sid {
                st.sessions.remove(&id);
            }
            return Response::redirect(&login_url(st));
        }
        ("GET", page) if page == login_page => return login_get(st, &cx, sid),
        _ => {}
    }

    // Everything else needs a logged-in user.
    let Some(id) = sid.clone().filter(|id| st.sessions[id].user.is_some()) else {
        return not_logged_in(st, &cx, sid, false);
    };
    let session = &st.sessions[&id];
    cx.user = session.user.clone().unwrap_or_default();
    cx.sid = id.clone();
    let allowed = match (&session.roles, ops::required_roles(&rel)) {
        (None, _) | (_, None) => true,
        (Some(has), Some(needs)) => needs.iter().any(|n| has.iter().any(|h| h == n)),
    };
    if !allowed {
        // No role for the page: 403, forwarded to the login page like a dead session.
        return forwarded_to_login(st, &cx, 403);
    }
    let may_change_levels = session
        .roles
        .as_ref()
        .is_none_or(|r| r.iter().any(|r| r == "HAC_PLATFORM_LOGGING"));
    let resp = match (req.method.as_str(), rel.as_str()) {
        ("GET", "/") => {
            let token = st.page_token(&id);
            let page = if st.settings.large_dashboard {
                pages::home_large(&ctx, &token)
            } else {
                pages::home(&ctx, &token, &cx.user)
            };
            return Response::html(page);
        }
        ("POST", "/console/scripting/execute") => console::groovy(st, &cx),
        ("GET", "/console/scripting") => ops::scripting_page(st, &cx),
        ("POST", "/console/flexsearch/execute") => console::flexsearch(st, &cx),
        ("GET", "/console/impex/import") => console::impex_page(st, &cx),
        ("POST", "/console/impex/import") => console::impex(st, &cx, console::ImpexKind::Import),
        ("POST", "/console/impex/import/validate") => {
            console::impex(st, &cx, console::ImpexKind::Validate)
        }
        ("POST", "/console/impex/import/upload") => {
            console::impex(st, &cx, console::ImpexKind::Upload)
        }
        ("GET", "/platform/update") => {
            let token = st.page_token(&id);
            Response::html(pages::update(&ctx, &token, &cx.user))
        }
        ("GET", "/platform/init/data") => platform::init_data(st, &cx),
        ("GET", "/platform/init/pendingPatches") => platform::pending_patches(st, &cx),
        ("POST", "/platform/init/execute") => platform::execute(st, &cx),
        ("GET", "/platform/about") => ops::about(st, &cx),
        ("GET", "/platform/extensions") => ops::extensions(st, &cx),
        ("GET", "/platform/log4j") => ops::log4j_page(st, &cx, may_change_levels),
        ("POST", "/platform/log4j/changeLevel" | "/platform/log4j/changeLevel/") => {
            ops::change_level(st, &cx)
        }
        ("GET", "/monitoring/cache/regionCache/data") => ops::cache(st, &cx),
        ("POST", "/monitoring/cache/regionCache/clear") => ops::cache_clear(st, &cx),
        ("GET", "/monitoring/cronjobs/data") => ops::cron_jobs(st, &cx),
        ("POST", "/monitoring/cronjobs/abort") => ops::abort_cron_jobs(st, &cx),
        ("GET", "/monitoring/memory/data") => ops::memory(st, &cx),
        ("GET", "/monitoring/threaddump/download") => ops::thread_dump(st, &cx),
        ("GET", "/monitoring/database/allinfo") => ops::databases(st, &cx),
        ("GET", "/monitoring/database/tablesizes") => ops::table_sizes(st, &cx),
        ("GET", "/monitoring/cluster/data") => ops::cluster(st, &cx),
        ("GET", "/platform/config") => ops::config_page(st, &cx),
        ("POST", "/platform/configstore" | "/platform/configstore/") => ops::config_store(st, &cx),
        ("POST", "/console/impex/export") => ops::impex_export(st, &cx),
        ("POST", "/console/impex/allTypes") => ops::all_types(st, &cx),
        ("POST", "/console/impex/typeAndAttributes") => ops::type_attributes(st, &cx),
        ("POST", "/platform/pkanalyzer/analyze") => ops::analyze_pk(st, &cx),
        _ => return Response::new(404, "text/html;charset=UTF-8", pages::error_404(&ctx)),
    };
    if resp.status < 400 {
        st.stats.console_calls += 1;
    }
    resp
}

fn basic_credentials(req: &Request) -> Option<(String, String)> {
    use base64::Engine;
    let value = req.header("authorization")?;
    let (scheme, data) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, pass) = text.split_once(':')?;
    Some((user.to_owned(), pass.to_owned()))
}

/// `Some(roles)` for a user allowed to log in (`Some(None)`: the admin group).
fn authenticate(st: &State, user: &str, pass: &str) -> Option<Option<Vec<String>>> {
    let matches = |list: &[(String, String)]| list.iter().any(|(u, p)| u == user && p == pass);
    if matches(&st.settings.users) {
        Some(None)
    } else if matches(&st.settings.restricted_users) {
        Some(Some(Vec::new()))
    } else {
        st.settings
            .role_users
            .iter()
            .find(|(u, p, _)| u == user && p == pass)
            .map(|(_, _, roles)| Some(roles.clone()))
    }
}

fn login_get(st: &mut State, cx: &Ctx, sid: Option<String>) -> Response {
    if let Some(id) = &sid
        && st.sessions[id].user.is_some()
    {
        // login.jsp: `<sec:authorize access="isAuthenticated()"><c:redirect url="/"/>`.
        return Response::redirect(&format!("{}/", st.settings.context_path));
    }
    let error = cx
        .req
        .query_pairs()
        .iter()
        .any(|(k, _)| k == "login_error")
        .then_some("Login failed: Bad credentials");
    let (id, fresh) = match sid {
        Some(id) => (id, false),
        None => (st.new_session(&cx.node), true),
    };
    let token = st.page_token(&id);
    let page = Response::html(render_login(st, &token, error));
    if fresh {
        with_session_cookie(page, st, &id, cx.secure)
    } else {
        page
    }
}

fn login_post(st: &mut State, cx: &Ctx, id: String) -> Response {
    let user = cx.params.get("j_username").unwrap_or("").to_owned();
    let pass = cx.params.get("j_password").unwrap_or("");
    let Some(roles) = authenticate(st, &user, pass) else {
        return Response::redirect(&format!("{}?login_error=1", login_url(st)));
    };
    // Session fixation protection: a new id and a new token; of the old session's
    // attributes only Spring Security's own (the saved request) survive.
    let saved = st.sessions.remove(&id).and_then(|s| s.saved_request);
    let new_id = st.new_session(&cx.node);
    let session = st.sessions.get_mut(&new_id).expect("just inserted");
    session.user = Some(user);
    session.roles = roles;
    st.stats.logins += 1;
    let to = saved.unwrap_or_else(|| format!("{}/", st.settings.context_path));
    with_session_cookie(Response::redirect(&to), st, &new_id, cx.secure)
}

/// Adds the ROUTE cookie when the client does not have the current one.
pub(crate) fn add_route(st: &State, req: &Request, secure: bool, resp: Response) -> Response {
    if !st.settings.route_cookie {
        return resp;
    }
    let want = format!(".{}", st.routed);
    if req.cookie("ROUTE").as_deref() == Some(want.as_str()) {
        return resp;
    }
    let secure = if secure { "; Secure" } else { "" };
    resp.with_header(
        "Set-Cookie",
        &format!("ROUTE={want}; Path=/; HttpOnly{secure}"),
    )
}

/// JSON handlers are mapped with `headers="Accept=application/json"`: an `Accept` header
/// that excludes JSON gets 406.
pub(crate) fn accepts_json(req: &Request) -> bool {
    req.header("accept").is_none_or(|a| {
        a.split(',').any(|m| {
            let m = m.split(';').next().unwrap_or("").trim();
            m == "application/json" || m == "*/*" || m == "application/*"
        })
    })
}

fn settings_first_node() -> String {
    "node-a".into()
}
