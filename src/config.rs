//! Client configuration and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use ureq::tls::{Certificate, PemItem};

use crate::credentials::Credentials;
use crate::error::{Error, Result};
use crate::store::{FileStore, SessionStore};

/// Default timeout of one request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default timeout of ImpEx imports and system updates, which can take many minutes.
pub const DEFAULT_LONG_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// Default limit of a response body (FlexibleSearch results can be tens of MB).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 256 * 1024 * 1024;
/// Stored sessions idle longer than this are not resumed: a little under HAC's own idle
/// timeout of 120 minutes (`web.xml`), so that a session resumed from the store is very
/// likely still alive on the server.
pub const DEFAULT_SESSION_IDLE: Duration = Duration::from_secs(110 * 60);
/// Stored sessions older than this are not resumed, however active.
pub const DEFAULT_SESSION_MAX_AGE: Duration = Duration::from_secs(12 * 60 * 60);

/// Which certificates the client trusts.
#[derive(Clone, Default)]
pub(crate) struct TlsSettings {
    /// Added to the Mozilla roots.
    pub extra_roots: Vec<Certificate<'static>>,
    /// When non-empty, the only trust anchors.
    pub pinned: Vec<Certificate<'static>>,
    pub danger_accept_invalid_certs: bool,
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
    pub(crate) tls: TlsSettings,
    pub(crate) user_agent: String,
    pub(crate) max_response_bytes: u64,
    pub(crate) store: Option<Arc<dyn SessionStore>>,
    pub(crate) session_idle_limit: Duration,
    pub(crate) session_max_age: Duration,
}

impl fmt::Debug for HacConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HacConfig")
            .field("base_url", &self.base_url.as_str())
            .field("context_path", &self.context_path)
            .field("credentials", &"<provider>")
            .field("environment", &self.environment)
            .field("timeout", &self.timeout)
            .field("long_timeout", &self.long_timeout)
            .field("extra_roots", &self.tls.extra_roots.len())
            .field("pinned", &self.tls.pinned.len())
            .field(
                "danger_accept_invalid_certs",
                &self.tls.danger_accept_invalid_certs,
            )
            .field("user_agent", &self.user_agent)
            .field("session_persistence", &self.store.is_some())
            .finish()
    }
}

impl HacConfig {
    /// Starts a configuration for the server at `base_url`, e.g. `https://localhost:9002`.
    /// The HAC context path is not part of the URL: set it with
    /// [`HacConfigBuilder::context_path`] or let the client detect it.
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
        HacConfigBuilder {
            base_url: base_url.into(),
            context_path: None,
            credentials: None,
            environment: "local".into(),
            timeout: DEFAULT_TIMEOUT,
            long_timeout: DEFAULT_LONG_TIMEOUT,
            extra_roots_pem: Vec::new(),
            pinned_pem: Vec::new(),
            danger_accept_invalid_certs: false,
            user_agent: concat!("hac-client/", env!("CARGO_PKG_VERSION")).into(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            persistence: Persistence::Default,
            session_idle_limit: DEFAULT_SESSION_IDLE,
            session_max_age: DEFAULT_SESSION_MAX_AGE,
        }
    }

    /// The server's base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.base_url.as_str().trim_end_matches('/')
    }

    /// The context path if it was set, `None` when it will be detected.
    pub fn context_path(&self) -> Option<&str> {
        self.context_path.as_deref()
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

/// Builds a [`HacConfig`]. Every setter takes and returns the builder; problems are
/// reported once, by [`HacConfigBuilder::build`].
pub struct HacConfigBuilder {
    base_url: String,
    context_path: Option<String>,
    credentials: Option<Arc<dyn Credentials>>,
    environment: String,
    timeout: Duration,
    long_timeout: Duration,
    extra_roots_pem: Vec<Vec<u8>>,
    pinned_pem: Vec<Vec<u8>>,
    danger_accept_invalid_certs: bool,
    user_agent: String,
    max_response_bytes: u64,
    persistence: Persistence,
    session_idle_limit: Duration,
    session_max_age: Duration,
}

impl fmt::Debug for HacConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HacConfigBuilder")
            .field("base_url", &self.base_url)
            .field("context_path", &self.context_path)
            .field("environment", &self.environment)
            .finish_non_exhaustive()
    }
}

impl HacConfigBuilder {
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

    /// Timeout of one request (30 s by default).
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

    /// Trusts this CA (PEM) in addition to the usual public roots.
    pub fn add_root_certificate_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.extra_roots_pem.push(pem.as_ref().to_vec());
        self
    }

    /// Trusts only this certificate (PEM), typically the self-signed certificate of a
    /// local HAC. The public roots are not used.
    pub fn pin_certificate_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.pinned_pem.push(pem.as_ref().to_vec());
        self
    }

    /// **Dangerous:** accepts any certificate, so anyone on the network path can read the
    /// password and the session. Prefer [`HacConfigBuilder::pin_certificate_pem`].
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.danger_accept_invalid_certs = accept;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// Largest response body accepted (256 MiB by default).
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Turns session persistence on (the default, with a [`FileStore`] in the user's cache
    /// directory) or off.
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

    /// Persists sessions in a shared store.
    pub fn session_store_arc(mut self, store: Arc<dyn SessionStore>) -> Self {
        self.persistence = Persistence::Custom(store);
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

    /// Validates and builds the configuration.
    pub fn build(self) -> Result<HacConfig> {
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
        if self.timeout.is_zero() || self.long_timeout.is_zero() {
            return Err(Error::config("timeouts must be greater than zero"));
        }
        let store = match self.persistence {
            Persistence::Off => None,
            Persistence::Custom(s) => Some(s),
            Persistence::Default => match FileStore::default_location() {
                Ok(s) => Some(Arc::new(s) as Arc<dyn SessionStore>),
                Err(e) => {
                    log::warn!("session persistence disabled: {e}");
                    None
                }
            },
        };
        let tls = TlsSettings {
            extra_roots: parse_certs(&self.extra_roots_pem, "root certificate")?,
            pinned: parse_certs(&self.pinned_pem, "pinned certificate")?,
            danger_accept_invalid_certs: self.danger_accept_invalid_certs,
        };
        Ok(HacConfig {
            base_url,
            context_path: self.context_path.map(|c| normalize_context(&c)),
            credentials,
            environment: self.environment,
            timeout: self.timeout,
            long_timeout: self.long_timeout,
            tls,
            user_agent: self.user_agent,
            max_response_bytes: self.max_response_bytes,
            store,
            session_idle_limit: self.session_idle_limit,
            session_max_age: self.session_max_age,
        })
    }
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

fn parse_certs(pems: &[Vec<u8>], what: &str) -> Result<Vec<Certificate<'static>>> {
    let mut out = Vec::new();
    for pem in pems {
        let before = out.len();
        for item in ureq::tls::parse_pem(pem) {
            match item {
                Ok(PemItem::Certificate(c)) => out.push(c.to_owned()),
                Ok(_) => {}
                Err(e) => return Err(Error::config(format!("{what}: invalid PEM: {e}"))),
            }
        }
        if out.len() == before {
            return Err(Error::config(format!("{what}: no certificate in PEM")));
        }
    }
    Ok(out)
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
            .pin_certificate_pem("nope")
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("pinned certificate"), "{e}");
        let e = b("http://x").timeout(Duration::ZERO).build().unwrap_err();
        assert!(matches!(e, Error::Config { .. }));
    }

    #[test]
    fn debug_has_no_password() {
        let c = b("http://x").build().unwrap();
        assert!(!format!("{c:?}").contains("nimda"));
    }
}
