//! What the fake HAC holds between requests: its settings and counters, the sessions with
//! their CSRF tokens, the database, the update in progress and the operations' state, and
//! what a handler gets about one request (`Ctx`, with its parameters as the XSS filter
//! left them). The router (`router.rs`) and every handler (`console.rs`, `ops.rs`,
//! `platform.rs`) share these types; nothing here routes or answers.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::db::Db;
use crate::http::{Part, Request, Response};
use crate::ops_state::OpsState;
use crate::pages::LoginPageVariant;
use crate::profile::Profile;
use crate::tokens::{Random, unmasks_to};

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
    pub(crate) node: String,
    /// The raw token; pages show it masked on 2211.38.
    pub csrf: String,
    pub(crate) last_access: Instant,
    /// The protected URL that sent this session to the login page (absolute).
    pub(crate) saved_request: Option<String>,
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
    pub(crate) sessions: HashMap<String, Session>,
    pub random: Random,
    pub(crate) node: String,
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
    pub(crate) routed: String,
    /// Round-robin position of the balancer among live nodes.
    pub(crate) next_node: usize,
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

    pub(crate) fn new_session(&mut self, node: &str) -> String {
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
    pub(crate) fn route(&mut self, req: &Request) -> String {
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
    pub(crate) fn session_id(&mut self, req: &Request) -> Option<String> {
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

    pub(crate) fn token_valid(&self, id: &str, sent: &str) -> bool {
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
    pub(crate) pairs: Vec<(String, String)>,
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
    pub(crate) fn base(&self) -> String {
        format!(
            "{}://{}",
            if self.secure { "https" } else { "http" },
            self.host
        )
    }

    pub(crate) fn absolute_target(&self) -> String {
        let mut url = format!("{}{}", self.base(), self.req.path);
        if !self.req.query.is_empty() {
            url.push('?');
            url.push_str(&self.req.query);
        }
        url
    }
}

/// The node a session lives on when the fake has no nodes of its own.
pub(crate) fn settings_first_node() -> String {
    "node-a".into()
}
