//! A stateful fake of the SAP Commerce Administration Console (HAC), for testing tools that
//! talk to HAC without an SAP Commerce server.
//!
//! It speaks real HTTP (and HTTPS with throwaway certificates) on loopback and behaves as
//! HAC does, as read from the platform's own HAC extension (its Spring configuration, JSPs,
//! JavaScript and controllers) for each version [`Profile`] (1811, 2211.1, 2211.38). What
//! it reproduces:
//!
//! * login: the login page with its `redirect_detection` marker and three CSRF metas, form
//!   login with session fixation, the saved-request redirect, `login_error` on a bad
//!   password, a logged-in login page redirecting home, POST-only logout;
//! * CSRF: raw tokens, or on 2211.38 masked ones (a different value on every page, all
//!   valid); required on every POST;
//! * dead sessions: 302 to the login page (absolute), a POST refused with 403 and the
//!   login page as body (1811) or 405 (2211); the same for a user without the console's
//!   role; 120 minutes idle timeout; ROUTE affinity;
//! * the https channel: with [`Builder::http_redirect`], plain HTTP is redirected to the
//!   HTTPS port as HAC's 9001 → 9002;
//! * the consoles with HAC's parameters and answers: Groovy (400 on a missing parameter,
//!   `{}` for a blank script), FlexibleSearch (HTML-escaped cells, translated SQL, `-1` for
//!   no limit, DML, exceptions with null headers), ImpEx import, validation and multipart
//!   upload (`notice`/`error` markers, form errors without a marker, 500 on a missing
//!   `validationEnum`), system update and its log (which needs no session);
//! * Tomcat's 6 MiB `maxPostSize` and HAC's XSS filter on request parameters;
//! * counters and a log of every request, scripted answers, delays.
//!
//! The Groovy engine, the database and the ImpEx importer are small stand-ins: they
//! understand `println`/`return`/`throw`, simple `SELECT`s and ImpEx headers, not the
//! languages.
//!
//! ```
//! let hac = hac_fake::FakeHac::start();
//! assert!(hac.url().starts_with("http://127.0.0.1:"));
//! assert_eq!(hac.profile(), hac_fake::Profile::V2211_38);
//! assert_eq!(hac.stats().logins, 0);
//! ```
//!
//! # Testing a tool
//!
//! Point the tool at [`FakeHac::url`] (user `admin`, password `nimda`, or
//! [`Builder::user`]), then check what it did and change what the server does:
//!
//! ```
//! use std::io::{Read, Write};
//! use std::time::Duration;
//! use hac_fake::{ExpiryAnswer, FakeHac, Profile, Response};
//!
//! let hac = FakeHac::builder().profile(Profile::V2211_1).context_path("/hac").start();
//!
//! // Any HTTP client works; here a bare GET of the login page.
//! let mut tcp = std::net::TcpStream::connect(hac.addr()).unwrap();
//! write!(tcp, "GET /hac/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
//! let mut page = String::new();
//! tcp.read_to_string(&mut page).unwrap();
//! assert!(page.starts_with("HTTP/1.1 200") && page.contains("j_username"));
//! assert_eq!(hac.requests().len(), 1);
//!
//! // Sessions die as 2211 reports it, answers slow down, one answer is canned.
//! hac.set_expiry_answer(ExpiryAnswer::MethodNotAllowed);
//! hac.expire_sessions();
//! hac.set_delay(Duration::from_millis(10));
//! hac.push_override("/console/flexsearch/execute", Response::json("{}"));
//! assert_eq!(hac.stats().logins, 0);
//! ```

// (Long because the crate documentation, the builder's settings and the server's public
// handle are the fake's whole public face; the behaviour is in the modules.)
#![deny(missing_docs)]

mod console;
mod db;
mod escape;
mod http;
mod ops;
mod ops_state;
/// HAC's pages and fixtures as the fake serves them (feature `unstable-internals`: for
/// hac-client's own parser tests, with no semver promise).
#[cfg(feature = "unstable-internals")]
pub mod pages;
// Fixtures the fake itself does not serve are there for hac-client's tests.
#[cfg(not(feature = "unstable-internals"))]
#[allow(dead_code)]
mod pages;
mod platform;
mod profile;
mod router;
mod state;
mod tls;
mod tokens;
mod xss;

use std::io::{BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

#[cfg(feature = "unstable-internals")]
pub use escape::escape_html;
pub use http::{Part, Request, Response};
pub use ops_state::HealthMode;
pub use pages::LoginPageVariant;
pub use profile::Profile;
use state::Settings;
pub use state::{ExpiryAnswer, Stats};
pub use tls::{ServerCerts, TlsMode};
/// HAC's XSS filter rules as the fake applies them (feature `unstable-internals`).
#[cfg(feature = "unstable-internals")]
pub use xss::RULES as XSS_RULES;

/// The default user and password the fake accepts.
pub const ADMIN: (&str, &str) = ("admin", "nimda");

/// Configures a [`FakeHac`] before it starts.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until start()"]
pub struct Builder {
    settings: Settings,
    tls: TlsMode,
    cert: tls::CertSpec,
    http_redirect: bool,
    keep_alive: Duration,
    generated_rows: u64,
    health: HealthMode,
    ready_after: Option<Duration>,
    cron_jobs: Vec<ops_state::RunningJob>,
    port: u16,
    bind: std::net::IpAddr,
    config: Vec<(String, String)>,
    extensions: Vec<(String, String, bool, String)>,
    types: Vec<db::TypeDef>,
}

impl Builder {
    /// The SAP Commerce version to behave like (2211.38 by default).
    pub fn profile(mut self, profile: Profile) -> Self {
        self.settings.profile = profile;
        self
    }
    /// The context path: `""` (root, HAC's default and the fake's) or e.g. `/hac`.
    pub fn context_path(mut self, ctx: &str) -> Self {
        self.settings.context_path = ctx.trim_end_matches('/').to_owned();
        self
    }
    /// Set a CCv2 `ROUTE` cookie and lose the session when it is not sent back.
    pub fn route_cookie(mut self, on: bool) -> Self {
        self.settings.route_cookie = on;
        self
    }
    /// How a dead session is answered.
    pub fn expiry_answer(mut self, a: ExpiryAnswer) -> Self {
        self.settings.expiry_answer = a;
        self
    }
    /// Which login page markup to serve.
    pub fn login_page(mut self, v: LoginPageVariant) -> Self {
        self.settings.login_page = v;
        self
    }
    /// Serve the 270 KB home page.
    pub fn large_dashboard(mut self, on: bool) -> Self {
        self.settings.large_dashboard = on;
        self
    }
    /// Idle timeout of sessions (120 minutes, as HAC's `web.xml`).
    pub fn idle_timeout(mut self, d: Duration) -> Self {
        self.settings.idle_timeout = d;
        self
    }
    /// Adds a user with every console role.
    pub fn user(mut self, name: &str, password: &str) -> Self {
        self.settings.users.push((name.into(), password.into()));
        self
    }
    /// Puts a gateway in front of HAC (an htaccess-style proxy) that answers 401 unless
    /// every request carries these HTTP Basic credentials, and strips them before HAC sees
    /// the request, as such proxies are set up to.
    pub fn gateway_basic_auth(mut self, user: &str, password: &str) -> Self {
        self.settings.gateway = Some((user.into(), password.into()));
        self
    }
    /// Adds a user who can log in but has no console role.
    pub fn restricted_user(mut self, name: &str, password: &str) -> Self {
        self.settings
            .restricted_users
            .push((name.into(), password.into()));
        self
    }
    /// HAC's XSS filter on request parameters (on by default, as in HAC).
    pub fn xss_filter(mut self, on: bool) -> Self {
        self.settings.xss_filter = on;
        self
    }
    /// Tomcat's `maxPostSize` (6 MiB): larger form bodies are not parsed.
    pub fn max_post_size(mut self, bytes: usize) -> Self {
        self.settings.max_post_size = bytes;
        self
    }
    /// Whether the system is initialized (pending patches are `{}` when not).
    pub fn initialized(mut self, on: bool) -> Self {
        self.settings.initialized = on;
        self
    }
    /// How long a system update takes (300 ms by default).
    pub fn update_duration(mut self, d: Duration) -> Self {
        self.settings.update_duration = d;
        self
    }
    /// Rows of the `{Generated}` type / `generated` table (1,000,000 by default).
    pub fn generated_rows(mut self, rows: u64) -> Self {
        self.generated_rows = rows;
        self
    }
    /// How long an idle keep-alive connection stays open (10 s by default); the server
    /// closes it after that, as Tomcat does.
    pub fn keep_alive(mut self, idle: Duration) -> Self {
        self.keep_alive = idle;
        self
    }
    /// Plain HTTP (default) or HTTPS.
    pub fn tls(mut self, mode: TlsMode) -> Self {
        self.tls = mode;
        self
    }
    /// With HTTPS: the host names and addresses the certificate names in its subject
    /// alternative names (`localhost` and `127.0.0.1` by default). None at all: no such
    /// extension, the name only in the common name (older `openssl req -x509` certificates).
    pub fn cert_names(mut self, names: &[&str]) -> Self {
        self.cert.names = names.iter().map(|n| (*n).to_owned()).collect();
        self
    }
    /// With HTTPS: the certificate's common name (`hac-fake localhost` by default).
    pub fn cert_common_name(mut self, name: &str) -> Self {
        self.cert.common_name = name.to_owned();
        self
    }
    /// With HTTPS: require a client certificate (mutual TLS, as a corporate gateway does);
    /// [`ServerCerts::client_cert_pem`] and [`ServerCerts::client_key_pem`] hold one the
    /// server accepts.
    pub fn require_client_cert(mut self, on: bool) -> Self {
        self.cert.client_auth = on;
        self
    }
    /// With HTTPS: a certificate that expired (valid in 2020 only).
    pub fn cert_expired(mut self, expired: bool) -> Self {
        self.cert.expired = expired;
        self
    }
    /// With HTTPS: also listen on plain HTTP and answer every request there with a
    /// redirect to the HTTPS port, as HAC's `requires-channel="https"` does for 9001 →
    /// 9002 (see [`FakeHac::http_url`]).
    pub fn http_redirect(mut self, on: bool) -> Self {
        self.http_redirect = on;
        self
    }
    /// A user outside the admin group with these HAC roles, named as in HAC's security
    /// configuration without `ROLE_` (`HAC_PLATFORM_LOGGING_LIMITED`, `HAC_CONSOLE_FLEXSEARCH`).
    pub fn user_with_roles(mut self, name: &str, password: &str, roles: &[&str]) -> Self {
        self.settings.role_users.push((
            name.into(),
            password.into(),
            roles.iter().map(|r| r.to_string()).collect(),
        ));
        self
    }
    /// The cluster nodes behind the load balancer, by ROUTE value (without the leading
    /// dot); turns the ROUTE cookie on. Requests without a known ROUTE go to the first.
    pub fn nodes(mut self, names: &[&str]) -> Self {
        self.settings.nodes = names.iter().map(|n| n.to_string()).collect();
        self.settings.route_cookie = true;
        self
    }
    /// Marks a node as down: requests pinned to it are sent to a live node with a new
    /// ROUTE cookie, as a sticky-session balancer does.
    pub fn node_down(mut self, name: &str) -> Self {
        self.settings.down_nodes.push(name.into());
        self
    }
    /// What the health check answers (healthy by default).
    pub fn health(mut self, mode: HealthMode) -> Self {
        self.health = mode;
        self
    }
    /// Answers every request with 503 until `d` after the start, as a server that is
    /// still starting behind a balancer.
    pub fn ready_after(mut self, d: Duration) -> Self {
        self.ready_after = Some(d);
        self
    }
    /// The server's clock runs this many seconds ahead (negative: behind) in its `Date`
    /// headers.
    pub fn clock_skew(mut self, seconds: i64) -> Self {
        self.settings.clock_skew = seconds;
        self
    }
    /// A configuration property every node starts with (added, or replacing a default's
    /// value): two fakes that differ for `hac diff`.
    pub fn config_property(mut self, key: &str, value: &str) -> Self {
        self.config.retain(|(k, _)| k != key);
        self.config.push((key.to_owned(), value.to_owned()));
        self
    }
    /// An extension the server lists, at `version` (replacing one of the same name).
    pub fn extension(mut self, name: &str, version: &str) -> Self {
        match self.extensions.iter_mut().find(|e| e.0 == name) {
            Some(e) => e.1 = version.to_owned(),
            None => {
                self.extensions
                    .push((name.to_owned(), version.to_owned(), false, String::new()))
            }
        }
        self
    }
    /// A composed type of the type system (a subtype of `Item`), with its attributes as
    /// `(qualifier, attribute type code)`: replaces a type of the same code, so that two
    /// fakes can differ in their type systems (read by FlexibleSearch on `ComposedType`,
    /// `Type` and `AttributeDescriptor`).
    pub fn composed_type(mut self, code: &str, attributes: &[(&str, &str)]) -> Self {
        let def = db::TypeDef {
            code: code.to_owned(),
            super_type: Some("Item".to_owned()),
            attributes: attributes
                .iter()
                .map(|(q, t)| ((*q).to_owned(), (*t).to_owned(), true, false))
                .collect(),
        };
        match self.types.iter_mut().find(|t| t.code == code) {
            Some(t) => *t = def,
            None => self.types.push(def),
        }
        self
    }
    /// A cron job reported as running; `abortable` is what an abort request answers.
    pub fn running_cron_job(mut self, code: &str, job: &str, abortable: bool) -> Self {
        self.cron_jobs.push(ops_state::RunningJob {
            code: code.into(),
            job: job.into(),
            abortable,
        });
        self
    }
    /// Listen on this loopback port (0, the default, picks a free one; tests want that).
    /// A fixed port is for running the fake by hand, e.g. `9002` as a local HAC uses.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }
    /// Listen on this address instead of 127.0.0.1: one of the machine's network
    /// addresses, to see what a client sends to a host that is not this machine's loopback
    /// (credentials over plain HTTP). URLs then name this address.
    pub fn bind_address(mut self, ip: std::net::IpAddr) -> Self {
        self.bind = ip;
        self
    }
    /// Binds 127.0.0.1 (or the [`Builder::bind_address`]) on free ports (or the
    /// [`Builder::port`]) and starts serving.
    ///
    /// # Panics
    /// When the port cannot be bound; [`Builder::try_start`] returns that error instead.
    pub fn start(self) -> FakeHac {
        self.try_start().expect("bind the fake HAC's loopback port")
    }
    /// As [`Builder::start`], with a port that cannot be bound (already in use, or below
    /// 1024 without the privilege) as an error.
    pub fn try_start(self) -> std::io::Result<FakeHac> {
        FakeHac::start_with(self)
    }
}

struct Shared {
    state: Mutex<state::State>,
    stop: AtomicBool,
    certs: Option<ServerCerts>,
    keep_alive: Duration,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, state::State> {
        // A panicking test thread must not wedge the server for the others.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running fake HAC. Stops when dropped.
#[must_use = "the server stops when the FakeHac is dropped"]
pub struct FakeHac {
    addr: SocketAddr,
    http_addr: Option<SocketAddr>,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for FakeHac {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeHac")
            .field("url", &self.url())
            .field("profile", &self.profile())
            .finish()
    }
}

impl FakeHac {
    /// A builder with the defaults: profile 2211.38, root context path, plain HTTP, user
    /// `admin`/`nimda`.
    pub fn builder() -> Builder {
        Builder {
            settings: Settings::default(),
            tls: TlsMode::Off,
            cert: tls::CertSpec::default(),
            http_redirect: false,
            keep_alive: Duration::from_secs(10),
            generated_rows: 1_000_000,
            health: HealthMode::Healthy,
            ready_after: None,
            cron_jobs: Vec::new(),
            config: Vec::new(),
            extensions: ops_state::default_extensions(),
            types: db::default_types(),
            port: 0,
            bind: std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        }
    }

    /// Starts a fake with the defaults.
    pub fn start() -> FakeHac {
        Self::builder().start()
    }

    fn start_with(b: Builder) -> std::io::Result<FakeHac> {
        let listener = TcpListener::bind((b.bind, b.port))?;
        let addr = listener.local_addr()?;
        let certs = (b.tls != TlsMode::Off).then(|| tls::make(b.tls, &b.cert));
        let mut state = state::State::new(b.settings);
        state.db.generated_rows = b.generated_rows;
        state.ops.health = b.health;
        state.ops.cron_jobs = b.cron_jobs;
        state.ops.base_config = b.config;
        state.ops.extensions = b.extensions;
        state.db.types = b.types;
        state.ready_at = b.ready_after.map(|d| std::time::Instant::now() + d);
        let http_listener = if b.http_redirect && certs.is_some() {
            state.https_port = Some(addr.port());
            Some(TcpListener::bind((b.bind, 0))?)
        } else {
            None
        };
        let http_addr = http_listener.as_ref().map(|l| l.local_addr()).transpose()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            stop: AtomicBool::new(false),
            certs,
            keep_alive: b.keep_alive,
        });
        let tls = shared.certs.is_some();
        spawn_accept(listener, shared.clone(), tls);
        if let Some(l) = http_listener {
            spawn_accept(l, shared.clone(), false);
        }
        Ok(FakeHac {
            addr,
            http_addr,
            shared,
        })
    }

    /// `http://127.0.0.1:PORT` or `https://localhost:PORT` (the certificate names
    /// `localhost` and `127.0.0.1`), without the context path.
    pub fn url(&self) -> String {
        match self.addr.ip() {
            ip if !ip.is_loopback() => self.url_with_host(&ip.to_string()),
            _ if self.is_tls() => self.url_with_host("localhost"),
            _ => self.url_with_host("127.0.0.1"),
        }
    }

    /// The base URL with another host name for the loopback address (e.g. `localhost`).
    pub fn url_with_host(&self, host: &str) -> String {
        let scheme = if self.is_tls() { "https" } else { "http" };
        format!("{scheme}://{host}:{}", self.addr.port())
    }

    /// With [`Builder::http_redirect`]: the plain-HTTP URL that redirects to [`Self::url`].
    pub fn http_url(&self) -> Option<String> {
        self.http_addr.map(|a| match a.ip() {
            ip if !ip.is_loopback() => format!("http://{ip}:{}", a.port()),
            _ => format!("http://localhost:{}", a.port()),
        })
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn is_tls(&self) -> bool {
        self.shared.certs.is_some()
    }

    /// The certificates of an HTTPS fake.
    pub fn certs(&self) -> Option<&ServerCerts> {
        self.shared.certs.as_ref()
    }

    /// The context path (`""` or e.g. `/hac`).
    pub fn context_path(&self) -> String {
        self.shared.lock().settings.context_path.clone()
    }

    /// The version profile.
    pub fn profile(&self) -> Profile {
        self.shared.lock().settings.profile
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        self.shared.lock().stats
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.shared.lock().log.clone()
    }

    /// The last request whose path ends with `suffix`, if any.
    pub fn last_request(&self, suffix: &str) -> Option<Request> {
        self.shared
            .lock()
            .log
            .iter()
            .rev()
            .find(|r| r.path.ends_with(suffix))
            .cloned()
    }

    /// Zeroes the counters and forgets the request log.
    pub fn reset_stats(&self) {
        let mut st = self.shared.lock();
        st.stats = Stats::default();
        st.log.clear();
    }

    /// Invalidates every session (as an admin or a timeout would).
    pub fn expire_sessions(&self) {
        self.shared.lock().expire_all();
    }

    /// Simulates a restart behind a load balancer: sessions are gone and ROUTE changes.
    pub fn restart(&self) {
        self.shared.lock().restart();
    }

    /// Whether a system update or initialization is running now: a test waits for this
    /// (polling) instead of sleeping and hoping its request has arrived.
    pub fn update_running(&self) -> bool {
        self.shared
            .lock()
            .update
            .running_until
            .is_some_and(|t| std::time::Instant::now() < t)
    }

    /// Number of live sessions (logged in or not).
    pub fn session_count(&self) -> usize {
        self.shared.lock().session_count()
    }

    /// Changes how dead sessions are answered.
    pub fn set_expiry_answer(&self, a: ExpiryAnswer) {
        self.shared.lock().settings.expiry_answer = a;
    }

    /// Changes the idle timeout.
    pub fn set_idle_timeout(&self, d: Duration) {
        self.shared.lock().settings.idle_timeout = d;
    }

    /// Changes the login page markup.
    pub fn set_login_page(&self, v: LoginPageVariant) {
        self.shared.lock().settings.login_page = v;
    }

    /// Changes what the health check answers.
    pub fn set_health(&self, mode: HealthMode) {
        self.shared.lock().ops.health = mode;
    }

    /// Takes a node down (`true`) or brings it back.
    pub fn set_node_down(&self, name: &str, down: bool) {
        let mut st = self.shared.lock();
        st.settings.down_nodes.retain(|n| n != name);
        if down {
            st.settings.down_nodes.push(name.to_owned());
        }
    }

    /// The level a logger has on `node` (`None`: not configured there).
    pub fn log_level(&self, node: &str, logger: &str) -> Option<String> {
        let st = self.shared.lock();
        st.ops
            .nodes
            .get(node)
            .and_then(|n| n.loggers.iter().find(|l| l.0 == logger))
            .map(|l| l.2.clone())
    }

    /// The running cron jobs' codes.
    pub fn running_cron_jobs(&self) -> Vec<String> {
        let st = self.shared.lock();
        st.ops.cron_jobs.iter().map(|j| j.code.clone()).collect()
    }

    /// Delays every response by `d` (for timeout tests).
    pub fn set_delay(&self, d: Duration) {
        self.shared.lock().delay = d;
    }

    /// Answers the next request whose path, after the context path, is `path` with `resp`
    /// instead of the real handler (malformed bodies, 500s, ...). Queued overrides apply
    /// in order, each once.
    pub fn push_override(&self, path: &str, resp: Response) {
        self.shared
            .lock()
            .overrides
            .push_back((path.to_owned(), resp));
    }
}

impl Drop for FakeHac {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loops.
        for addr in std::iter::once(self.addr).chain(self.http_addr) {
            let _ = TcpStream::connect_timeout(&addr, Duration::from_millis(200));
        }
    }
}

fn spawn_accept(listener: TcpListener, shared: Arc<Shared>, tls: bool) {
    std::thread::Builder::new()
        .name("hac-fake-accept".into())
        .spawn(move || accept_loop(listener, shared, tls))
        .expect("spawn accept thread");
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>, tls: bool) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let shared = shared.clone();
        let _ = std::thread::Builder::new()
            .name("hac-fake-conn".into())
            .spawn(move || serve_connection(stream, shared, tls));
    }
}

fn serve_connection(tcp: TcpStream, shared: Arc<Shared>, tls: bool) {
    let _ = tcp.set_read_timeout(Some(shared.keep_alive));
    let _ = tcp.set_nodelay(true);
    match shared
        .certs
        .as_ref()
        .filter(|_| tls)
        .map(|c| c.config.clone())
    {
        None => serve_stream(tcp, &shared, false),
        Some(config) => {
            let Ok(conn) = rustls::ServerConnection::new(config) else {
                return;
            };
            serve_stream(rustls::StreamOwned::new(conn, tcp), &shared, true);
        }
    }
}

fn serve_stream<S: std::io::Read + Write>(stream: S, shared: &Shared, secure: bool) {
    let mut reader = BufReader::new(stream);
    while !shared.stop.load(Ordering::SeqCst) {
        if http::not_a_method(&mut reader) {
            // A TLS handshake on the plain port: Tomcat answers 400 at once and closes.
            let _ = reader.get_mut().write_all(http::BAD_METHOD_ANSWER);
            return;
        }
        let req = match http::read_request(&mut reader) {
            Ok(Some(r)) => r,
            _ => return,
        };
        let resp = respond(shared, &req, secure);
        if resp.abort {
            return;
        }
        match http::write_response(reader.get_mut(), &req, &resp) {
            Ok(true) => {}
            _ => return,
        }
    }
}

fn respond(shared: &Shared, req: &Request, secure: bool) -> Response {
    {
        let mut st = shared.lock();
        st.stats.in_flight += 1;
        st.stats.max_in_flight = st.stats.max_in_flight.max(st.stats.in_flight);
    }
    let resp = respond_inner(shared, req, secure);
    {
        let mut st = shared.lock();
        st.stats.in_flight = st.stats.in_flight.saturating_sub(1);
    }
    // Tomcat dates every answer; a skewed clock is a setting (for `hac doctor`).
    let skew = shared.lock().settings.clock_skew;
    let now = std::time::SystemTime::now();
    let date = if skew >= 0 {
        now + Duration::from_secs(skew.unsigned_abs())
    } else {
        now - Duration::from_secs(skew.unsigned_abs())
    };
    resp.with_header("Date", &httpdate::fmt_http_date(date))
}

fn respond_inner(shared: &Shared, req: &Request, secure: bool) -> Response {
    let delay = {
        let mut st = shared.lock();
        st.stats.requests += 1;
        st.log.push(req.clone());
        st.delay
    };
    let delay = delay + console::groovy_sleep(req);
    if !delay.is_zero() {
        std::thread::sleep(delay);
    }
    let mut st = shared.lock();
    let stripped;
    // A gateway that moves plain HTTP to HTTPS does so before it asks for credentials (as
    // balancers in front of HAC do): only the TLS listener checks them.
    let gateway = st
        .settings
        .gateway
        .clone()
        .filter(|_| secure || st.https_port.is_none());
    let req = match &gateway {
        None => req,
        Some((user, password)) => {
            if !http::basic_auth_is(req, user, password) {
                st.stats.gateway_refusals += 1;
                return Response::new(
                    401,
                    "text/html",
                    "<html><body>Authorization Required</body></html>",
                )
                .with_header("WWW-Authenticate", "Basic realm=\"gateway\"");
            }
            stripped = http::without_header(req, "authorization");
            &stripped
        }
    };
    let host = req.header("host").unwrap_or("127.0.0.1").to_owned();
    let rel = req
        .path
        .strip_prefix(st.settings.context_path.as_str())
        .unwrap_or(&req.path)
        .to_owned();
    if let Some(pos) = st.overrides.iter().position(|(p, _)| *p == rel) {
        let (_, resp) = st.overrides.remove(pos).expect("position is valid");
        return resp;
    }
    if st.ready_at.is_some_and(|t| std::time::Instant::now() < t) {
        return Response::new(
            503,
            "text/html",
            "<html><body><h1>503 Service Unavailable</h1>No server is available to handle this request.</body></html>",
        );
    }
    if req.path.starts_with("/medias/") {
        // The media web module, beside HAC rather than under its context path.
        return ops::media(&st, &req.path);
    }
    let resp = router::handle(&mut st, req, secure, host);
    let resp = router::add_route(&st, req, secure, resp);
    let hold = st.hold_answer.take();
    drop(st);
    if let Some(d) = hold {
        // A long-running call (an update) answers when it is done, without holding the
        // lock meanwhile.
        std::thread::sleep(d);
    }
    resp
}

/// A FlexibleSearch answer as HAC sends it, of `rows` rows of five text columns: every
/// seventh `description` NULL, escaped characters in the names. For benches and memory
/// measurements that need a large body without a large query (feature
/// `unstable-internals`).
#[cfg(feature = "unstable-internals")]
pub fn flexsearch_body(rows: usize) -> String {
    let mut s = String::with_capacity(rows * 120 + 200);
    s.push_str(r#"{"exception":null,"headers":["PK","p_code","p_name","p_description","p_catalogversion"],"resultList":["#);
    for i in 0..rows {
        if i > 0 {
            s.push(',');
        }
        let description = if i % 7 == 0 {
            "null".to_owned()
        } else {
            format!("\"Description of product {i}\"")
        };
        s.push_str(&format!(
            r#"["{}","code-{i:06}","Product &quot;{i}&quot;",{description},"Online"]"#,
            8796093054977u64 + i as u64
        ));
    }
    s.push_str(&format!(
        r#"],"resultCount":{rows},"executionTime":42,"query":"SELECT item_t0.PK FROM products item_t0","exceptionStackTrace":"","dataSourceId":"master","rawExecution":false}}"#
    ));
    s
}
