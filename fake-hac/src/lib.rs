//! A stateful fake of the SAP Commerce Administration Console (HAC) for hac-client's tests,
//! benches and examples.
//!
//! It speaks real HTTP (and HTTPS with throwaway certificates) on loopback and reproduces
//! what `shared/hac-protocol.md` lists under "What a faithful fake HAC must reproduce":
//! both context paths, `login.jsp`, CSRF bound to the session, 403 on a bad token, session
//! fixation, the bad-password redirect, ROUTE affinity, the four answers to a dead session,
//! the console endpoints with their failures, slow and scripted (malformed) responses, and
//! counters.
//!
//! ```
//! let hac = fake_hac::FakeHac::start();
//! assert!(hac.url().starts_with("http://127.0.0.1:"));
//! assert_eq!(hac.stats().logins, 0);
//! ```

#![deny(missing_docs)]

mod hac;
mod http;
mod pages;
mod tls;

use std::io::BufReader;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub use hac::{BadLoginAnswer, ExpiryAnswer, LoginPageVariant, Settings, Stats};
pub use http::{Request, Response};
pub use tls::{ServerCerts, TlsMode};

/// The default user and password the fake accepts.
pub const ADMIN: (&str, &str) = ("admin", "nimda");

/// Configures a [`FakeHac`] before it starts.
#[derive(Debug, Clone)]
pub struct Builder {
    settings: Settings,
    tls: TlsMode,
    keep_alive: Duration,
}

impl Builder {
    /// `/hac` (default) or `""` for a root context (2211 JDK21).
    pub fn context_path(mut self, ctx: &str) -> Self {
        self.settings.context_path = ctx.trim_end_matches('/').to_owned();
        self
    }
    /// Serve the login page at `login.jsp` (older versions).
    pub fn login_jsp(mut self, on: bool) -> Self {
        self.settings.login_jsp = on;
        self
    }
    /// Set a CCv2 `ROUTE` cookie and require it.
    pub fn route_cookie(mut self, on: bool) -> Self {
        self.settings.route_cookie = on;
        self
    }
    /// How a dead session is answered.
    pub fn expiry_answer(mut self, a: ExpiryAnswer) -> Self {
        self.settings.expiry_answer = a;
        self
    }
    /// How a wrong password is answered.
    pub fn bad_login_answer(mut self, a: BadLoginAnswer) -> Self {
        self.settings.bad_login_answer = a;
        self
    }
    /// Which login page fixture to serve.
    pub fn login_page(mut self, v: LoginPageVariant) -> Self {
        self.settings.login_page = v;
        self
    }
    /// Serve the 270 KB dashboard.
    pub fn large_dashboard(mut self, on: bool) -> Self {
        self.settings.large_dashboard = on;
        self
    }
    /// Use absolute URLs in `Location`.
    pub fn absolute_redirects(mut self, on: bool) -> Self {
        self.settings.absolute_redirects = on;
        self
    }
    /// Idle timeout of sessions.
    pub fn idle_timeout(mut self, d: Duration) -> Self {
        self.settings.idle_timeout = d;
        self
    }
    /// Adds a user with full access.
    pub fn user(mut self, name: &str, password: &str) -> Self {
        self.settings.users.push((name.into(), password.into()));
        self
    }
    /// Adds a user who can log in but is denied every console endpoint.
    pub fn restricted_user(mut self, name: &str, password: &str) -> Self {
        self.settings
            .restricted_users
            .push((name.into(), password.into()));
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
    /// Binds 127.0.0.1 on a free port and starts serving.
    pub fn start(self) -> FakeHac {
        FakeHac::start_with(self.settings, self.tls, self.keep_alive)
    }
}

struct Shared {
    state: Mutex<hac::State>,
    stop: AtomicBool,
    certs: Option<ServerCerts>,
    keep_alive: Duration,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, hac::State> {
        // A panicking test thread must not wedge the server for the others.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running fake HAC. Stops when dropped.
pub struct FakeHac {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for FakeHac {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeHac").field("url", &self.url()).finish()
    }
}

impl FakeHac {
    /// A builder with the defaults: `/hac`, plain HTTP, user `admin`/`nimda`.
    pub fn builder() -> Builder {
        Builder {
            settings: Settings::default(),
            tls: TlsMode::Off,
            keep_alive: Duration::from_secs(10),
        }
    }

    /// Starts a fake with the defaults.
    pub fn start() -> FakeHac {
        Self::builder().start()
    }

    fn start_with(settings: Settings, tls_mode: TlsMode, keep_alive: Duration) -> FakeHac {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let certs = (tls_mode != TlsMode::Off).then(|| tls::make(tls_mode));
        let shared = Arc::new(Shared {
            state: Mutex::new(hac::State::new(settings)),
            stop: AtomicBool::new(false),
            certs,
            keep_alive,
        });
        let accept_shared = shared.clone();
        std::thread::Builder::new()
            .name("fake-hac-accept".into())
            .spawn(move || accept_loop(listener, accept_shared))
            .expect("spawn accept thread");
        FakeHac { addr, shared }
    }

    /// `http://127.0.0.1:PORT` or `https://localhost:PORT` (the certificate names
    /// `localhost`), without the context path.
    pub fn url(&self) -> String {
        if self.is_tls() {
            self.url_with_host("localhost")
        } else {
            self.url_with_host("127.0.0.1")
        }
    }

    /// The base URL with another host name for the loopback address (e.g. `localhost`).
    pub fn url_with_host(&self, host: &str) -> String {
        let scheme = if self.is_tls() { "https" } else { "http" };
        format!("{scheme}://{host}:{}", self.addr.port())
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

    /// The configured context path (`/hac` or `""`).
    pub fn context_path(&self) -> String {
        self.shared.lock().settings.context_path.clone()
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        self.shared.lock().stats
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.shared.lock().log.clone()
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

    /// Number of live sessions (authenticated or not).
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

    /// Changes the login page fixture.
    pub fn set_login_page(&self, v: LoginPageVariant) {
        self.shared.lock().settings.login_page = v;
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
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let shared = shared.clone();
        let _ = std::thread::Builder::new()
            .name("fake-hac-conn".into())
            .spawn(move || serve_connection(stream, shared));
    }
}

fn serve_connection(tcp: TcpStream, shared: Arc<Shared>) {
    let _ = tcp.set_read_timeout(Some(shared.keep_alive));
    let _ = tcp.set_nodelay(true);
    match shared.certs.as_ref().map(|c| c.config.clone()) {
        None => serve_stream(tcp, &shared, false),
        Some(config) => {
            let Ok(conn) = rustls::ServerConnection::new(config) else {
                return;
            };
            serve_stream(rustls::StreamOwned::new(conn, tcp), &shared, true);
        }
    }
}

fn serve_stream<S: std::io::Read + std::io::Write>(stream: S, shared: &Shared, secure: bool) {
    let mut reader = BufReader::new(stream);
    while !shared.stop.load(Ordering::SeqCst) {
        let req = match http::read_request(&mut reader) {
            Ok(Some(r)) => r,
            _ => return,
        };
        let resp = respond(shared, &req, secure);
        match http::write_response(reader.get_mut(), &req, &resp) {
            Ok(true) => {}
            _ => return,
        }
    }
}

fn respond(shared: &Shared, req: &Request, secure: bool) -> Response {
    let delay = {
        let mut st = shared.lock();
        st.stats.requests += 1;
        st.log.push(req.clone());
        st.delay
    };
    let delay = delay + hac::groovy_sleep(req);
    if !delay.is_zero() {
        std::thread::sleep(delay);
    }
    let mut st = shared.lock();
    let host = req.header("host").unwrap_or("127.0.0.1").to_owned();
    let cx = hac::Ctx { req, secure, host };
    let rel = req
        .path
        .strip_prefix(st.settings.context_path.as_str())
        .unwrap_or(&req.path)
        .to_owned();
    if let Some(pos) = st.overrides.iter().position(|(p, _)| *p == rel) {
        let (_, resp) = st.overrides.remove(pos).expect("position is valid");
        return resp;
    }
    let resp = hac::handle(&mut st, &cx);
    hac::add_route(&st, &cx, resp)
}

/// A FlexibleSearch answer as HAC sends it: `rows` rows of five text columns, every
/// seventh `description` NULL, one escaped character in some names.
pub fn flexsearch_body(rows: usize) -> String {
    let mut s = String::with_capacity(rows * 120 + 200);
    s.push_str(r#"{"exception":null,"headers":["PK","code","name","description","catalogVersion"],"resultList":["#);
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
            r#"["{}","code-{i:06}","Product \"{i}\"",{description},"Online"]"#,
            8796093054977u64 + i as u64
        ));
    }
    s.push_str(&format!(
        r#"],"resultCount":{rows},"executionTime":42,"query":"SELECT {{pk}} FROM {{Product}}"}}"#
    ));
    s
}
