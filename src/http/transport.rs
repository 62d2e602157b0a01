//! One HTTP exchange on ureq, with everything HAC needs switched off: no redirects
//! followed, no status turned into an error, no cookie handling of ureq's own.
//! The async client runs the very same exchange on a thread pool (`blocking::unblock`),
//! so both clients share one HTTP stack, one TLS setup and one error mapping.

use std::io;
use std::time::Duration;

use ureq::Agent;
use ureq::http::header::{LOCATION, SET_COOKIE};
use zeroize::Zeroizing;

use crate::config::{HacConfig, ProxySetting};
use crate::error::{Error, Result};
use crate::http::multipart::StreamBody;
use crate::http::textarea_filter::DropTextareas;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
}

/// What a request sends.
pub(crate) enum RequestBody {
    /// In memory, wiped after sending: the login body holds the password.
    Bytes(Zeroizing<Vec<u8>>),
    /// Streamed (a multipart upload), with its length known in advance.
    Stream(StreamBody),
}

/// A request as the client core builds it.
pub(crate) struct HttpRequest {
    pub method: Method,
    /// Full URL.
    pub url: url::Url,
    pub headers: Vec<(String, String)>,
    pub body: Option<RequestBody>,
    pub timeout: Duration,
    /// Read the answer without the content of its `textarea`s (see `echo.rs`).
    pub drop_textareas: bool,
    /// The answer may be binary (a zip): kept as bytes unless it is an HTML page.
    pub binary: bool,
}

impl HttpRequest {
    pub fn get(url: url::Url, timeout: Duration) -> Self {
        HttpRequest {
            method: Method::Get,
            url,
            headers: Vec::new(),
            body: None,
            timeout,
            drop_textareas: false,
            binary: false,
        }
    }

    /// The path for error messages (see [`safe_path`]).
    pub fn path(&self) -> String {
        safe_path(&self.url)
    }
}

/// A URL's path fit for errors and logs: never the query, credentials, or a servlet
/// `;jsessionid=` path parameter (URL rewriting puts the session id there).
pub(crate) fn safe_path(url: &url::Url) -> String {
    let path = url.path();
    path.split(';').next().unwrap_or(path).to_owned()
}

/// The parts of a response the client uses.
#[derive(Debug)]
pub(crate) struct HttpResponse {
    /// The request's path (context path included, no query or `;jsessionid`), for errors.
    pub path: String,
    pub status: u16,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub body: String,
    /// The raw body of a binary answer to a `binary` request (then `body` is empty).
    pub bytes: Option<Vec<u8>>,
    /// What the client knows that must not appear in an error (its token, its cookie
    /// values), attached by the client; the answer's own `Set-Cookie` values count too.
    pub secrets: Vec<String>,
}

impl HttpResponse {
    /// A 200 answer with `body` and nothing else: a body given to a parser directly (tests,
    /// `FlexibleSearchResult::from_json`, `ImpexResult::from_html`).
    pub(crate) fn ok(body: String) -> HttpResponse {
        HttpResponse {
            path: "(given text)".into(),
            status: 200,
            location: None,
            set_cookies: Vec::new(),
            body,
            bytes: None,
            secrets: Vec::new(),
        }
    }
}

/// Builds the agent from the configuration: ureq's proxy and TCP connectors, then the
/// client's own TLS (see `trust.rs`).
pub(crate) fn agent(config: &HacConfig) -> Result<Agent> {
    use ureq::unversioned::transport::{ConnectProxyConnector, Connector, TcpConnector};
    if config.tls.danger_accept_invalid_certs && config.tls.custom.is_none() {
        log::warn!(
            target: "hac_client::insecure",
            "TLS certificate verification is disabled (danger_accept_invalid_certs)"
        );
    }
    warn_if_wire_tracing();
    let tls =
        crate::tls::connector::TlsConnector::new(crate::tls::trust::client_config(&config.tls)?);
    let connector =
        ().chain(ConnectProxyConnector::default())
            .chain(TcpConnector::default())
            .chain(tls);
    let proxy = match &config.proxy {
        ProxySetting::FromEnv => ureq::Proxy::try_from_env(),
        ProxySetting::Off => None,
        ProxySetting::Explicit(p) => Some(p.clone()),
    };
    let agent_config = Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_global(Some(config.timeout))
        .timeout_connect(config.connect_timeout)
        .proxy(proxy)
        .user_agent(config.user_agent.as_str())
        .build();
    Ok(Agent::with_parts(
        agent_config,
        connector,
        crate::http::resolver::CachingResolver::default(),
    ))
}

/// ureq's protocol layer, at trace level, hex-dumps every request head and every answer:
/// the `Cookie` header (the session id), `X-CSRF-TOKEN` and pages with the token (request
/// bodies, the login form with the password among them, are not dumped). The library
/// cannot filter another crate's records; it can say so, once, when the application's
/// logger would take them.
fn warn_if_wire_tracing() {
    static WARNED: std::sync::Once = std::sync::Once::new();
    if log::log_enabled!(target: "ureq_proto::util", log::Level::Trace) {
        WARNED.call_once(|| {
            log::warn!(
                "trace logging of ureq_proto is on: it dumps the session cookie and CSRF token \
                 of every request; set ureq_proto to debug or lower outside local debugging"
            );
        });
    }
}

/// Runs one exchange and reads the whole body (up to `limit` bytes).
/// Whether credentials may go to `url`: HTTPS, or plain HTTP to a loopback address.
pub(crate) fn header_safe_for(url: &url::Url) -> bool {
    if url.scheme() == "https" {
        return true;
    }
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Says once per process that default headers were held back from a plain-HTTP request.
fn warn_held_back(url: &url::Url) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        log::warn!(
            "the default headers (a gateway's credentials) are not sent over plain HTTP to {}: they go over HTTPS only",
            url.host_str().unwrap_or("the server")
        );
    });
}

pub(crate) fn exchange(
    agent: &Agent,
    req: &HttpRequest,
    limit: u64,
    default_headers: &[(String, String)],
) -> Result<HttpResponse> {
    // Default headers carry a gateway's credentials: like the password, they go over HTTPS
    // only (or plain HTTP to this machine), never over plain HTTP on the network, so never
    // before the server's http→https redirect either.
    let defaults = if header_safe_for(&req.url) {
        default_headers
    } else {
        if !default_headers.is_empty() {
            warn_held_back(&req.url);
        }
        &[]
    };
    let headers = defaults.iter().chain(&req.headers);
    let result = match req.method {
        Method::Get => {
            let mut b = agent.get(req.url.as_str());
            for (k, v) in headers {
                b = b.header(k.as_str(), v.as_str());
            }
            b.config().timeout_global(Some(req.timeout)).build().call()
        }
        Method::Post => {
            let mut b = agent.post(req.url.as_str());
            for (k, v) in headers {
                b = b.header(k.as_str(), v.as_str());
            }
            match &req.body {
                Some(RequestBody::Stream(stream)) => b
                    .header("Content-Type", stream.content_type.as_str())
                    // Known in advance: no chunked encoding, as a browser's upload.
                    .header("Content-Length", stream.len.to_string())
                    .config()
                    .timeout_global(Some(req.timeout))
                    .build()
                    .send(ureq::SendBody::from_owned_reader(stream.reader())),
                other => {
                    let body: &[u8] = match other {
                        Some(RequestBody::Bytes(b)) => b.as_slice(),
                        _ => &[],
                    };
                    b.config()
                        .timeout_global(Some(req.timeout))
                        .build()
                        .send(body)
                }
            }
        }
    };
    let mut resp = result.map_err(|e| map_error(e, req, agent.config().proxy()))?;
    let headers = resp.headers();
    let set_cookies = headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .collect();
    let location = headers
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let status = resp.status().as_u16();
    let html = headers
        .get(ureq::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("text/html"));
    if req.binary && !html {
        let bytes = read_bytes(resp.body_mut(), limit, req)?;
        return Ok(HttpResponse {
            path: safe_path(&req.url),
            status,
            location,
            set_cookies,
            body: String::new(),
            bytes: Some(bytes),
            secrets: Vec::new(),
        });
    }
    let body = if req.drop_textareas {
        read_without_textareas(resp.body_mut(), limit, req)?
    } else {
        // Bytes, then text: one bad byte must not lose a whole result (ureq decodes lossily
        // only `text/*`, and HAC's JSON is `application/json`).
        lossy_text(read_bytes(resp.body_mut(), limit, req)?)
    };
    Ok(HttpResponse {
        path: safe_path(&req.url),
        status,
        location,
        set_cookies,
        body,
        bytes: None,
        secrets: Vec::new(),
    })
}

/// The whole body, at most `limit` bytes.
fn read_bytes(body: &mut ureq::Body, limit: u64, req: &HttpRequest) -> Result<Vec<u8>> {
    body.with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(|e| map_error(e, req, None))
}

/// Reads a body through [`DropTextareas`]; the limit applies to what is kept, which is
/// what takes memory.
fn read_without_textareas(body: &mut ureq::Body, limit: u64, req: &HttpRequest) -> Result<String> {
    use std::io::Read;
    let mut reader = body.with_config().limit(u64::MAX).reader();
    let mut filter = DropTextareas::default();
    let mut kept = Vec::new();
    let mut piece = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut piece) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(map_error(ureq::Error::Io(e), req, None)),
        };
        filter.feed(&piece[..n], &mut kept);
        if kept.len() as u64 > limit {
            return Err(Error::ResponseTooLarge {
                path: req.path(),
                limit,
            });
        }
    }
    filter.finish(&mut kept);
    Ok(lossy_text(kept))
}

/// Text from bytes that should be UTF-8: valid text is taken as it is (no copy), a stray
/// byte becomes U+FFFD instead of failing the whole answer.
fn lossy_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn origin(url: &url::Url) -> String {
    url.origin().ascii_serialization()
}

fn tls_reason(e: &io::Error) -> Option<String> {
    // Only failures marked during the handshake are TLS failures (nothing was sent yet): a
    // TLS error later, on a connection that carried the request, is an answer lost.
    let inner = e.get_ref()?;
    if let Some(r) = inner.downcast_ref::<crate::tls::connector::HandshakeRefused>() {
        return Some(crate::tls::trust::explain(&r.0));
    }
    if let Some(h) = inner.downcast_ref::<crate::tls::connector::HandshakeFailed>() {
        return Some(h.to_string());
    }
    // With TLS 1.3 the server judges the client's certificate after the client's side of the
    // handshake is done: its refusal (an alert about certificates or the handshake) arrives
    // with the first read, and the server ran nothing of the request.
    if let Some(r @ rustls::Error::AlertReceived(alert)) = inner.downcast_ref::<rustls::Error>() {
        use rustls::AlertDescription as A;
        if matches!(
            alert,
            A::HandshakeFailure
                | A::NoCertificate
                | A::BadCertificate
                | A::UnsupportedCertificate
                | A::CertificateRevoked
                | A::CertificateExpired
                | A::CertificateUnknown
                | A::UnknownCA
                | A::AccessDenied
                | A::ProtocolVersion
                | A::InsufficientSecurity
                | A::CertificateRequired
        ) {
            return Some(crate::tls::trust::explain(r));
        }
    }
    None
}

/// Maps ureq's error to ours: connect, TLS (with the rustls reason), timeout, the rest.
fn map_error(e: ureq::Error, req: &HttpRequest, proxy: Option<&ureq::Proxy>) -> Error {
    let path = req.path();
    // Behind a proxy, a connection that fails is the proxy's: name it, not the server.
    let proxy = proxy
        .filter(|p| !p.is_no_proxy(&req.url.as_str().parse().unwrap_or_default()))
        .map(|p| {
            let scheme = match p.protocol() {
                ureq::ProxyProtocol::Https => "https",
                ureq::ProxyProtocol::Http => "http",
                _ => "socks",
            };
            format!("{scheme}://{}:{}", p.host(), p.port())
        });
    type Source = Option<Box<dyn std::error::Error + Send + Sync>>;
    let connect = |message: String, source: Source| match &proxy {
        Some(p) => Error::Proxy {
            proxy: p.clone(),
            url: origin(&req.url),
            message,
            source,
        },
        None => Error::Connect {
            url: origin(&req.url),
            message,
            source,
        },
    };
    match e {
        ureq::Error::ConnectProxyFailed(why) => Error::Proxy {
            proxy: proxy.clone().unwrap_or_else(|| "(the proxy)".into()),
            url: origin(&req.url),
            message: format!("the proxy refused the tunnel: {why}"),
            source: None,
        },
        // Before anything was sent: a failure to connect, not a request that may have run.
        ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => connect(
            "timed out connecting (TCP connection or TLS handshake); nothing was sent".into(),
            None,
        ),
        ureq::Error::Timeout(_) => Error::Timeout {
            path,
            after: req.timeout,
        },
        ureq::Error::HostNotFound => connect("host not found".into(), None),
        ureq::Error::ConnectionFailed => connect("connection failed".into(), None),
        ureq::Error::Rustls(r) => Error::Tls {
            url: origin(&req.url),
            reason: crate::tls::trust::explain(&r),
            source: Some(Box::new(r)),
        },
        ureq::Error::Tls(r) => Error::Tls {
            url: origin(&req.url),
            reason: r.to_string(),
            source: None,
        },
        ureq::Error::BodyExceedsLimit(limit) => Error::ResponseTooLarge { path, limit },
        ureq::Error::Io(io) => {
            let message = io.to_string();
            if let Some(reason) = tls_reason(&io) {
                return Error::Tls {
                    url: origin(&req.url),
                    reason,
                    source: Some(Box::new(io)),
                };
            }
            match io.kind() {
                // Before anything was sent.
                io::ErrorKind::ConnectionRefused
                | io::ErrorKind::AddrNotAvailable
                | io::ErrorKind::HostUnreachable
                | io::ErrorKind::NetworkUnreachable => connect(message, Some(Box::new(io))),
                // On an open connection: the request (or part of it) went out.
                io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::NotConnected
                | io::ErrorKind::BrokenPipe
                | io::ErrorKind::UnexpectedEof => Error::AnswerLost {
                    path,
                    message,
                    source: Some(Box::new(io)),
                },
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Error::Timeout {
                    path,
                    after: req.timeout,
                },
                // The resolver's failure arrives as an uncategorized io::Error.
                _ if message.contains("lookup address") => connect(message, Some(Box::new(io))),
                _ => Error::Transport {
                    path,
                    message,
                    source: Some(Box::new(io)),
                },
            }
        }
        ureq::Error::Protocol(p) => Error::Transport {
            message: if req.url.scheme() == "http" {
                format!(
                    "the answer is not HTTP ({p}); if the server speaks HTTPS, use an https:// URL"
                )
            } else {
                format!("the answer is not HTTP ({p})")
            },
            path,
            source: Some(Box::new(ureq::Error::Protocol(p))),
        },
        other => Error::Transport {
            path,
            message: other.to_string(),
            source: Some(Box::new(other)),
        },
    }
}

/// The agent and body limit both transports run exchanges with.
#[derive(Clone)]
pub(crate) struct Exchanger {
    agent: Agent,
    limit: u64,
    default_headers: std::sync::Arc<[(String, String)]>,
}

impl Exchanger {
    pub fn new(config: &HacConfig) -> Result<Self> {
        Ok(Exchanger {
            agent: agent(config)?,
            limit: config.max_response_bytes,
            default_headers: config.default_headers.clone().into(),
        })
    }

    pub fn run(&self, req: &HttpRequest) -> Result<HttpResponse> {
        exchange(&self.agent, req, self.limit, &self.default_headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_path_hides_query_and_session_id() {
        let url = url::Url::parse("http://h/hac/;jsessionid=ABC123?_=1&x=y").unwrap();
        let req = HttpRequest::get(url, Duration::from_secs(1));
        assert_eq!(req.path(), "/hac/");
    }
}

/// The blocking transport.
pub(crate) mod blocking {
    use super::*;

    /// Sends requests on the calling thread.
    #[derive(Clone)]
    pub(crate) struct Transport(Exchanger);

    impl Transport {
        pub fn new(config: &HacConfig) -> Result<Self> {
            Exchanger::new(config).map(Transport)
        }

        pub fn exchange(&self, req: HttpRequest) -> Result<HttpResponse> {
            self.0.run(&req)
        }

        pub fn sleep(&self, d: Duration) {
            std::thread::sleep(d);
        }
    }
}

/// The async transport: the same exchange on the `blocking` crate's thread pool, so it
/// works under any executor.
#[cfg(feature = "async")]
pub(crate) mod nonblocking {
    use super::*;

    /// Sends requests on a pool thread and awaits the result.
    #[derive(Clone)]
    pub(crate) struct Transport(Exchanger);

    impl Transport {
        pub fn new(config: &HacConfig) -> Result<Self> {
            Exchanger::new(config).map(Transport)
        }

        pub async fn exchange(&self, req: HttpRequest) -> Result<HttpResponse> {
            let exchanger = self.0.clone();
            ::blocking::unblock(move || exchanger.run(&req)).await
        }

        pub async fn sleep(&self, d: Duration) {
            ::blocking::unblock(move || std::thread::sleep(d)).await
        }
    }
}
