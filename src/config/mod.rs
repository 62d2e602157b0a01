//! Client configuration and its builder: one setter per setting, each documented, and the
//! checks `build()` makes (long for that reason; the TLS settings, proxy parsing and cookie
//! names it checks are in their own modules).

pub(crate) mod cookie_names;
pub(crate) mod proxy;

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::CertificateDer;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::session::credentials::Credentials;
use crate::session::store::{FileStore, SessionStore};
use crate::tls::material;
use crate::tls::settings::{ClientAuth, TlsSettings};

/// Default timeout of one request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default timeout of ImpEx imports and system updates, which can take many minutes.
pub const DEFAULT_LONG_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// Default limit of a response body (FlexibleSearch results can be tens of MB).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 256 * 1024 * 1024;
pub use crate::session::manager::{DEFAULT_SESSION_IDLE, DEFAULT_SESSION_MAX_AGE};

/// Where requests go through.
#[derive(Clone)]
pub(crate) enum ProxySetting {
    /// `ALL_PROXY`, `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`, as curl reads them.
    FromEnv,
    /// Straight to the server.
    Off,
    /// This proxy.
    Explicit(ureq::Proxy),
}

/// A pinned cluster node: the routing cookie's name and value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NodeRoute {
    pub cookie: String,
    pub value: String,
}

/// A complete, validated configuration. Build it with [`HacConfig::builder`].
#[derive(Clone)]
pub struct HacConfig {
    pub(crate) base_url: url::Url,
    pub(crate) context_path: Option<String>,
    pub(crate) credentials: Arc<dyn Credentials>,
    pub(crate) environment: String,
    pub(crate) timeout: Duration,
    pub(crate) long_timeout: Duration,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) tls: TlsSettings,
    pub(crate) proxy: ProxySetting,
    pub(crate) default_headers: Vec<(String, String)>,
    pub(crate) user_agent: String,
    pub(crate) max_response_bytes: u64,
    pub(crate) store: Option<Arc<dyn SessionStore>>,
    pub(crate) session_idle_limit: Duration,
    pub(crate) session_max_age: Duration,
    /// The cluster node to pin (its ROUTE cookie value) and the cookie's name.
    pub(crate) node: Option<NodeRoute>,
    /// The load balancer's routing cookie (`ROUTE`), pinned or not.
    pub(crate) route_cookie: String,
}

impl fmt::Debug for HacConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let proxy = match &self.proxy {
            ProxySetting::FromEnv => "from the environment".to_owned(),
            ProxySetting::Off => "none".to_owned(),
            // Host and port only: the URL may carry a password.
            ProxySetting::Explicit(p) => format!("{}:{}", p.host(), p.port()),
        };
        let header_names: Vec<&str> = self
            .default_headers
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        f.debug_struct("HacConfig")
            .field("base_url", &self.base_url.as_str())
            .field("context_path", &self.context_path)
            .field("credentials", &"<provider>")
            .field("environment", &self.environment)
            .field("timeout", &self.timeout)
            .field("long_timeout", &self.long_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("extra_roots", &self.tls.extra_roots.len())
            .field("trust_only", &self.tls.trust_only.len())
            .field("public_key_pins", &self.tls.public_key_pins.len())
            .field("client_certificate", &self.tls.client_auth.is_some())
            .field("custom_tls_config", &self.tls.custom.is_some())
            .field(
                "danger_accept_invalid_certs",
                &self.tls.danger_accept_invalid_certs,
            )
            .field("proxy", &proxy)
            .field("default_headers", &header_names)
            .field("user_agent", &self.user_agent)
            .field("session_persistence", &self.store.is_some())
            .finish()
    }
}

impl HacConfig {
    /// Starts a configuration for the server at `base_url`, e.g. `https://localhost:9002`.
    /// The HAC context path is not part of the URL: set it with
    /// [`HacConfigBuilder::context_path`] or let the client detect it.
    /// (`HacClient::builder(url)` takes the same settings and builds the client at once.)
    ///
    /// ```
    /// use hac_client::{BasicCredentials, HacConfig};
    /// let config = HacConfig::builder("https://localhost:9002")
    ///     .credentials(BasicCredentials::new("admin", "nimda"))
    ///     .context_path("/hac")
    ///     .environment("local")
    ///     .session_persistence(false)
    ///     .build()?;
    /// assert_eq!(config.base_url(), "https://localhost:9002");
    /// # Ok::<(), hac_client::Error>(())
    /// ```
    pub fn builder(base_url: impl Into<String>) -> HacConfigBuilder {
        HacConfigBuilder::new(base_url)
    }

    /// The server's base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.base_url.as_str().trim_end_matches('/')
    }

    /// The context path if it was set, `None` when it will be detected.
    pub fn context_path(&self) -> Option<&str> {
        self.context_path.as_deref()
    }

    /// The pinned cluster node (its routing cookie value), if any.
    pub fn node(&self) -> Option<&str> {
        self.node.as_ref().map(|n| n.value.as_str())
    }

    /// The environment name (`local`, `dev`, `prod`...).
    pub fn environment(&self) -> &str {
        &self.environment
    }
}

enum Persistence {
    Default,
    Off,
    Custom(Arc<dyn SessionStore>),
}

pub(crate) mod sealed {
    /// Keeps [`super::BuildTarget`] implemented by this crate only.
    pub trait Sealed {}
}

/// What a [`HacConfigBuilder`] builds: a [`HacConfig`] (from [`HacConfig::builder`]) or a
/// client right away (from `HacClient::builder`, blocking or async). Implemented by this
/// crate only.
pub trait BuildTarget: sealed::Sealed + Sized {
    #[doc(hidden)]
    fn from_config(config: HacConfig) -> Result<Self>;
}

impl sealed::Sealed for HacConfig {}

impl BuildTarget for HacConfig {
    fn from_config(config: HacConfig) -> Result<Self> {
        Ok(config)
    }
}

/// Builds a [`HacConfig`], or with `HacClient::builder` a client. Every setter takes and
/// returns the builder; problems are reported once, by [`HacConfigBuilder::build`].
///
/// ```no_run
/// use hac_client::{BasicCredentials, HacClient};
/// let hac = HacClient::builder("https://hac.example.com")
///     .credentials(BasicCredentials::new("admin", "nimda"))
///     .proxy("http://proxy.example.com:3128")
///     .connect_timeout(std::time::Duration::from_secs(5))
///     .build()?;
/// # Ok::<(), hac_client::Error>(())
/// ```
#[must_use = "a builder does nothing until it is used"]
pub struct HacConfigBuilder<T = HacConfig> {
    base_url: String,
    context_path: Option<String>,
    credentials: Option<Arc<dyn Credentials>>,
    environment: String,
    timeout: Duration,
    long_timeout: Duration,
    connect_timeout: Option<Duration>,
    extra_roots: Vec<Vec<u8>>,
    trust_only: Vec<Vec<u8>>,
    pins: Vec<String>,
    client_cert: Option<(Vec<u8>, Zeroizing<Vec<u8>>)>,
    custom_tls: Option<Arc<rustls::ClientConfig>>,
    danger_accept_invalid_certs: bool,
    /// May hold a password: wiped when dropped.
    proxy: Option<Zeroizing<String>>,
    proxy_from_env: bool,
    no_proxy: Vec<String>,
    default_headers: Vec<(String, String)>,
    user_agent: String,
    max_response_bytes: u64,
    persistence: Persistence,
    session_idle_limit: Duration,
    session_max_age: Duration,
    node: Option<String>,
    route_cookie: String,
    target: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for HacConfigBuilder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HacConfigBuilder")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// Headers the client manages itself; a default header must not replace them.
const MANAGED_HEADERS: &[&str] = &[
    "cookie",
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
    "x-csrf-token",
    "x-requested-with",
    "accept",
    "user-agent",
];

impl<T: BuildTarget> HacConfigBuilder<T> {
    pub(crate) fn new(base_url: impl Into<String>) -> Self {
        HacConfigBuilder {
            base_url: base_url.into(),
            context_path: None,
            credentials: None,
            environment: "local".into(),
            timeout: DEFAULT_TIMEOUT,
            long_timeout: DEFAULT_LONG_TIMEOUT,
            connect_timeout: None,
            extra_roots: Vec::new(),
            trust_only: Vec::new(),
            pins: Vec::new(),
            client_cert: None,
            custom_tls: None,
            danger_accept_invalid_certs: false,
            proxy: None,
            proxy_from_env: true,
            no_proxy: Vec::new(),
            default_headers: Vec::new(),
            user_agent: concat!("hac-client/", env!("CARGO_PKG_VERSION")).into(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            persistence: Persistence::Off,
            session_idle_limit: DEFAULT_SESSION_IDLE,
            session_max_age: DEFAULT_SESSION_MAX_AGE,
            node: None,
            route_cookie: "ROUTE".into(),
            target: PhantomData,
        }
    }

    /// Who logs in. Required.
    pub fn credentials(mut self, credentials: impl Credentials + 'static) -> Self {
        self.credentials = Some(Arc::new(credentials));
        self
    }

    /// The HAC context path: `""` or `/` for root (HAC's own default in every version),
    /// `/hac` where a project sets `hac.webroot=/hac` (common), or any other path. When not
    /// set, the client tries `/hac` and then root.
    pub fn context_path(mut self, path: impl Into<String>) -> Self {
        self.context_path = Some(path.into());
        self
    }

    /// A name for the environment (`local` by default); sessions of different
    /// environments are never shared.
    pub fn environment(mut self, name: impl Into<String>) -> Self {
        self.environment = name.into();
        self
    }

    /// How long one request may take, connecting included (30 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Timeout of ImpEx imports and system updates (30 min by default). Single calls can
    /// override it.
    pub fn long_timeout(mut self, timeout: Duration) -> Self {
        self.long_timeout = timeout;
        self
    }

    /// How long connecting (TCP, proxy, TLS handshake) may take, separately from the
    /// request's timeout; by default only the request's timeout limits it.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Trusts a CA, in addition to the usual public roots, or a server's own certificate
    /// (self-signed, `CA:TRUE` or not), which is then accepted as it is: host name and
    /// validity are still checked, as `curl --cacert` does. PEM (every certificate in it)
    /// or DER.
    pub fn add_root_certificate(mut self, certificate: impl AsRef<[u8]>) -> Self {
        self.extra_roots.push(certificate.as_ref().to_vec());
        self
    }

    /// Trusts only these certificates (PEM or DER; a server's own or a CA): the public
    /// roots are not used. For a local HAC whose certificate you have, and nothing else.
    pub fn trust_only_certificate(mut self, certificate: impl AsRef<[u8]>) -> Self {
        self.trust_only.push(certificate.as_ref().to_vec());
        self
    }

    /// Accepts the server only if its public key is one of these, as `curl --pinnedpubkey`
    /// does: `sha256//BASE64` (the SHA-256 of the DER SubjectPublicKeyInfo), several
    /// separated by `;`. The certificate is still verified as usual (CA-signed servers
    /// work), unless verification is switched off, when the pin alone decides. A pin
    /// survives certificate renewals that keep the key; [`crate::public_key_pin`] computes
    /// one from a certificate.
    pub fn pin_public_key_sha256(mut self, pins: impl Into<String>) -> Self {
        self.pins.push(pins.into());
        self
    }

    /// Presents this client certificate (mutual TLS, for gateways that require one):
    /// the certificate chain and its private key, each PEM (key: PKCS#8, PKCS#1 or SEC1)
    /// or DER (key: PKCS#8).
    pub fn client_certificate(mut self, chain: impl AsRef<[u8]>, key: impl AsRef<[u8]>) -> Self {
        self.client_cert = Some((
            chain.as_ref().to_vec(),
            Zeroizing::new(key.as_ref().to_vec()),
        ));
        self
    }

    /// Uses this rustls configuration as it is (an escape hatch: custom verifiers, key
    /// logging, other crypto providers). Every other TLS setting of this builder is then
    /// ignored. The crate re-exports the `rustls` it is built with as `hac_client::rustls`.
    pub fn tls_config(mut self, config: Arc<rustls::ClientConfig>) -> Self {
        self.custom_tls = Some(config);
        self
    }

    /// **Dangerous:** accepts any certificate, so anyone on the network path can read the
    /// password and the session. Prefer [`HacConfigBuilder::add_root_certificate`] with
    /// the server's certificate, or a public-key pin.
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.danger_accept_invalid_certs = accept;
        self
    }

    /// Sends every request through this proxy: `http://host:port` (HTTP CONNECT) or
    /// `https://host:port` (CONNECT over TLS), with `user:password@` for proxies that want
    /// credentials. Replaces the proxy from the environment.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(Zeroizing::new(url.into()));
        self
    }

    /// Hosts reached without the proxy given with [`HacConfigBuilder::proxy`], in
    /// `NO_PROXY` syntax: `localhost,127.0.0.1,.internal.example.com`.
    pub fn no_proxy(mut self, hosts: impl Into<String>) -> Self {
        self.no_proxy.push(hosts.into());
        self
    }

    /// Whether the proxy environment variables are used when no proxy is set (on by
    /// default, as curl does): `ALL_PROXY`, `HTTPS_PROXY`, `HTTP_PROXY`, with `NO_PROXY`'s
    /// exceptions. Off: straight to the server.
    pub fn proxy_from_env(mut self, on: bool) -> Self {
        self.proxy_from_env = on;
        self
    }

    /// A header sent with every request, e.g. the token a gateway in front of HAC wants.
    /// Headers the client manages (cookies, CSRF, content, `Accept`, `User-Agent`) cannot
    /// be set this way. Values stay out of `Debug` and error messages.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// The `User-Agent` header (visible ASCII and spaces; checked by `build()`).
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// Largest response body accepted (256 MiB by default).
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Keeps sessions between runs in a [`FileStore`] in the user's cache directory (on),
    /// or only in memory (off, the default: the client writes nothing unless asked). With
    /// it on, a program run ten times logs in once; `build()` creates the owner-only
    /// directory and its key file, and fails if it cannot. [`HacConfigBuilder::session_store`]
    /// picks another store.
    pub fn session_persistence(mut self, on: bool) -> Self {
        self.persistence = if on {
            Persistence::Default
        } else {
            Persistence::Off
        };
        self
    }

    /// Persists sessions in this store instead of the default file store.
    pub fn session_store(mut self, store: impl SessionStore + 'static) -> Self {
        self.persistence = Persistence::Custom(Arc::new(store));
        self
    }

    /// Stored sessions idle longer than this are not resumed (110 min; HAC itself ends
    /// sessions after 120 min idle).
    pub fn session_idle_limit(mut self, limit: Duration) -> Self {
        self.session_idle_limit = limit;
        self
    }

    /// Stored sessions older than this are not resumed (12 h by default).
    pub fn session_max_age(mut self, limit: Duration) -> Self {
        self.session_max_age = limit;
        self
    }

    /// Pins one node of a cluster (a CCv2 replica): every request carries this value in
    /// the load balancer's routing cookie (`ROUTE`, see [`route_cookie_name`]), sessions
    /// are stored per node, and an answer from another node (the balancer moved the
    /// request because the node is down or the value is wrong) fails with
    /// [`Error::NodeUnavailable`] instead of silently running elsewhere.
    ///
    /// [`route_cookie_name`]: HacConfigBuilder::route_cookie_name
    ///
    /// ```
    /// # use hac_client::{BasicCredentials, HacConfig};
    /// let config = HacConfig::builder("https://backoffice.example.com")
    ///     .credentials(BasicCredentials::new("admin", "nimda"))
    ///     .node(".hcs-backoffice-7d9c5b8f6-x2x4q")
    ///     .build()?;
    /// assert_eq!(config.node(), Some(".hcs-backoffice-7d9c5b8f6-x2x4q"));
    /// # Ok::<(), hac_client::Error>(())
    /// ```
    pub fn node(mut self, route: impl Into<String>) -> Self {
        self.node = Some(route.into());
        self
    }

    /// The name of the load balancer's routing cookie that [`node`](Self::node) sets
    /// (`ROUTE` by default, as on SAP Commerce Cloud).
    pub fn route_cookie_name(mut self, name: impl Into<String>) -> Self {
        self.route_cookie = name.into();
        self
    }

    /// Validates the settings and builds the configuration (or the client).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a URL that is no http(s) URL with a host, missing credentials,
    /// a timeout of zero or over 30 days, a header or user agent that is no header value,
    /// certificates, keys or pins that do not read, a bad proxy or node; and
    /// [`Error::Persistence`] when session persistence is on and its directory cannot be
    /// made private.
    pub fn build(self) -> Result<T> {
        T::from_config(self.into_config()?)
    }

    fn into_config(self) -> Result<HacConfig> {
        let mut base_url = url::Url::parse(self.base_url.trim())
            .map_err(|e| Error::config(format!("base URL: {e}")))?;
        if !matches!(base_url.scheme(), "http" | "https") {
            return Err(Error::config("base URL must be http or https"));
        }
        if !base_url.username().is_empty() || base_url.password().is_some() {
            return Err(Error::config(
                "base URL must not contain credentials; use .credentials()",
            ));
        }
        if base_url.host_str().is_none_or(str::is_empty) {
            return Err(Error::config("base URL has no host"));
        }
        base_url.set_query(None);
        base_url.set_fragment(None);
        let path = base_url.path().trim_end_matches('/').to_owned();
        base_url.set_path(&path);
        let credentials = self
            .credentials
            .ok_or_else(|| Error::config("credentials are required"))?;
        if self.timeout.is_zero()
            || self.long_timeout.is_zero()
            || self.connect_timeout.is_some_and(|t| t.is_zero())
        {
            return Err(Error::config("timeouts must be greater than zero"));
        }
        // Deadlines are `now + timeout`: a timeout that far out would overflow the clock.
        if [
            Some(self.timeout),
            Some(self.long_timeout),
            self.connect_timeout,
        ]
        .into_iter()
        .flatten()
        .any(|t| t > MAX_TIMEOUT)
        {
            return Err(Error::config(format!(
                "timeouts must be at most {} days",
                MAX_TIMEOUT.as_secs() / 86_400
            )));
        }
        if ureq::http::HeaderValue::from_str(&self.user_agent).is_err()
            || self
                .user_agent
                .bytes()
                .any(|b| b.is_ascii_control() && b != b'\t')
        {
            return Err(Error::config(
                "user agent: only visible characters and spaces (no line breaks)",
            ));
        }
        if self.session_idle_limit > MAX_TIMEOUT * 400 || self.session_max_age > MAX_TIMEOUT * 400 {
            return Err(Error::config("session limits must be at most 30 years"));
        }
        let default_headers = check_headers(self.default_headers)?;
        let proxy = match &self.proxy {
            Some(url) => {
                ProxySetting::Explicit(crate::config::proxy::explicit(url, &self.no_proxy)?)
            }
            None if self.proxy_from_env => ProxySetting::FromEnv,
            None => ProxySetting::Off,
        };
        let tls = TlsSettings {
            extra_roots: all_certificates(&self.extra_roots, "root certificate")?,
            trust_only: all_certificates(&self.trust_only, "trusted certificate")?,
            public_key_pins: self
                .pins
                .iter()
                .map(|p| material::pins(p))
                .collect::<Result<Vec<_>>>()?
                .concat(),
            client_auth: match &self.client_cert {
                None => None,
                Some((chain, key)) => Some(Arc::new(ClientAuth {
                    chain: material::certificates(chain, "client certificate")?,
                    key: material::private_key(key)?,
                })),
            },
            danger_accept_invalid_certs: self.danger_accept_invalid_certs,
            custom: self.custom_tls,
        };
        let node = match self.node {
            None => None,
            Some(value) => {
                let valid_value = |t: &str| {
                    !t.is_empty()
                        && t.bytes()
                            .all(|b| b.is_ascii_graphic() && !b"\",;\\".contains(&b))
                };
                if !cookie_names::is_cookie_name(&self.route_cookie) {
                    return Err(Error::config(format!(
                        "route cookie name {:?}: not a cookie name",
                        self.route_cookie
                    )));
                }
                // Its value is shown when another node answers: never the session id.
                if self
                    .route_cookie
                    .eq_ignore_ascii_case(cookie_names::JSESSIONID)
                {
                    return Err(Error::config(format!(
                        "route cookie name {:?}: that is HAC's session cookie, not the load \
                         balancer's routing cookie (ROUTE on SAP Commerce Cloud)",
                        self.route_cookie
                    )));
                }
                if !valid_value(value.trim()) {
                    return Err(Error::config(format!(
                        "node {value:?}: not a cookie value (no spaces, quotes, commas or semicolons)"
                    )));
                }
                Some(NodeRoute {
                    cookie: self.route_cookie.clone(),
                    value: value.trim().to_owned(),
                })
            }
        };
        let store = match self.persistence {
            Persistence::Off => None,
            Persistence::Custom(s) => Some(s),
            // Asked for: a directory that cannot be used is an error, not a silent "off".
            Persistence::Default => {
                Some(Arc::new(FileStore::default_location()?) as Arc<dyn SessionStore>)
            }
        };
        Ok(HacConfig {
            base_url,
            context_path: self.context_path.map(|c| normalize_context(&c)),
            credentials,
            environment: self.environment,
            timeout: self.timeout,
            long_timeout: self.long_timeout,
            connect_timeout: self.connect_timeout,
            tls,
            proxy,
            default_headers,
            user_agent: self.user_agent,
            max_response_bytes: self.max_response_bytes,
            store,
            session_idle_limit: self.session_idle_limit,
            session_max_age: self.session_max_age,
            node,
            route_cookie: self.route_cookie,
        })
    }
}

fn all_certificates(inputs: &[Vec<u8>], what: &str) -> Result<Vec<CertificateDer<'static>>> {
    let mut out = Vec::new();
    for bytes in inputs {
        out.extend(material::certificates(bytes, what)?);
    }
    Ok(out)
}

/// Valid names and values, none of them a header the client manages.
/// The longest timeout taken: 30 days (longer is a mistake, and `Instant + Duration::MAX`
/// would overflow). [`crate::HacClient::with_timeout`] caps at it.
pub(crate) const MAX_TIMEOUT: Duration = Duration::from_secs(30 * 86_400);

fn check_headers(headers: Vec<(String, String)>) -> Result<Vec<(String, String)>> {
    for (name, value) in &headers {
        let parsed = ureq::http::HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| Error::config(format!("default header {name:?}: not a header name")))?;
        if MANAGED_HEADERS.contains(&parsed.as_str()) {
            return Err(Error::config(format!(
                "default header {name:?}: the client sets this header itself"
            )));
        }
        // The value is not quoted: it may be a token.
        ureq::http::HeaderValue::from_str(value)
            .map_err(|_| Error::config(format!("default header {name:?}: invalid value")))?;
    }
    Ok(headers
        .into_iter()
        .map(|(k, v)| (k.trim().to_owned(), v))
        .collect())
}

/// `"hac"`, `"/hac/"` → `"/hac"`; `""`, `"/"` → `""`.
pub(crate) fn normalize_context(c: &str) -> String {
    let t = c.trim().trim_matches('/');
    if t.is_empty() {
        String::new()
    } else {
        format!("/{t}")
    }
}

// Here, not in `session/`: the session layer knows nothing of the configuration.
impl crate::SessionManager {
    /// The manager of a configuration's store and limits; `None` when persistence is off.
    pub fn from_config(config: &HacConfig) -> Option<Self> {
        let store = config.store.clone()?;
        Some(
            crate::SessionManager::new(store)
                .idle_limit(config.session_idle_limit)
                .max_age(config.session_max_age),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BasicCredentials;

    fn b(url: &str) -> HacConfigBuilder {
        HacConfig::builder(url)
            .credentials(BasicCredentials::new("admin", "nimda"))
            .session_persistence(false)
    }

    #[test]
    fn normalizes() {
        assert_eq!(normalize_context("hac/"), "/hac");
        assert_eq!(normalize_context("/"), "");
        let c = b("http://host:9001/?x=1#f")
            .context_path("/hac/")
            .build()
            .unwrap();
        assert_eq!(c.base_url(), "http://host:9001");
        assert_eq!(c.context_path(), Some("/hac"));
    }

    #[test]
    fn rejects_bad_input() {
        for url in ["ftp://x", "not a url", "http://user:pw@host/", "http://"] {
            let e = b(url).build().unwrap_err();
            assert!(matches!(e, Error::Config { .. }), "{url}: {e}");
            assert!(!e.to_string().contains("pw@"));
        }
        assert!(HacConfig::builder("http://x").build().is_err());
        let e = b("http://x")
            .trust_only_certificate("nope")
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("trusted certificate"), "{e}");
        let e = b("http://x").timeout(Duration::ZERO).build().unwrap_err();
        assert!(matches!(e, Error::Config { .. }));
    }

    #[test]
    fn debug_has_no_password() {
        let c = b("http://x").build().unwrap();
        assert!(!format!("{c:?}").contains("nimda"));
    }
}
