//! What a stored session is, and which session belongs to whom.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cookie_store::Cookie;
use serde::{Deserialize, Serialize};

/// Version of the stored-session format this build reads and writes.
pub const SESSION_FORMAT_VERSION: u32 = 1;

/// Identifies a session: the same server, user and environment share one, anything else
/// never does.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct SessionKey {
    /// Base URL without trailing slash.
    pub(crate) base_url: String,
    /// HAC user name.
    pub(crate) username: String,
    /// Environment name.
    pub(crate) environment: String,
    /// The pinned cluster node (routing cookie value), if any: each node has its own
    /// sessions, since HAC does not replicate them.
    pub(crate) node: Option<String>,
}

impl SessionKey {
    /// Creates a key.
    pub fn new(
        base_url: impl Into<String>,
        username: impl Into<String>,
        environment: impl Into<String>,
    ) -> Self {
        SessionKey {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            username: username.into(),
            environment: environment.into(),
            node: None,
        }
    }

    /// The same key for one pinned cluster node.
    ///
    /// ```
    /// use hac_client::SessionKey;
    /// let any = SessionKey::new("https://h", "admin", "prod");
    /// let a = any.clone().with_node(Some(".node-a".into()));
    /// assert_ne!(any.id(), a.id());
    /// ```
    #[must_use]
    pub fn with_node(mut self, node: Option<String>) -> Self {
        self.node = node;
        self
    }

    /// The server's base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The HAC user.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The environment name (sessions of different environments are kept apart).
    pub fn environment(&self) -> &str {
        &self.environment
    }

    /// The pinned cluster node (the routing cookie's value), if any.
    pub fn node(&self) -> Option<&str> {
        self.node.as_deref()
    }

    /// A stable, file-name-safe id: the blake3 hex digest of the three fields,
    /// length-prefixed so that no two different keys can collide by concatenation.
    ///
    /// ```
    /// use hac_client::SessionKey;
    /// let a = SessionKey::new("https://h:9002", "admin", "dev");
    /// let b = SessionKey::new("https://h:9002", "admin", "prod");
    /// assert_ne!(a.id(), b.id());
    /// assert_eq!(a.id().len(), 64);
    /// ```
    pub fn id(&self) -> String {
        let mut h = blake3::Hasher::new();
        for part in [&self.base_url, &self.username, &self.environment] {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        // Without a node, the id is what it was before nodes existed.
        if let Some(node) = &self.node {
            h.update(b"node");
            h.update(&(node.len() as u64).to_le_bytes());
            h.update(node.as_bytes());
        }
        h.finalize().to_hex().to_string()
    }
}

/// A session as it is persisted: enough to resume without logging in. Never the password.
///
/// A [`SessionStore`](crate::SessionStore) keeps it as it is (it is `Serialize` and
/// `Deserialize`); the client makes it. What is in it (cookies, the CSRF token) is the
/// client's business: only the facts a store or a listing needs have getters, and a
/// token's or cookie's value never leaves the crate but through the serialized form, which
/// stores must keep private.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct StoredSession {
    /// Format version ([`SESSION_FORMAT_VERSION`]).
    pub(crate) version: u32,
    /// Base URL without trailing slash.
    pub(crate) base_url: String,
    /// Context path (`/hac` or empty).
    pub(crate) context_path: String,
    /// HAC user name.
    pub(crate) username: String,
    /// Environment name.
    pub(crate) environment: String,
    /// When the login happened (ms since the Unix epoch).
    pub(crate) created_ms: u64,
    /// When the session was last used successfully (ms since the Unix epoch).
    pub(crate) last_used_ms: u64,
    /// The current CSRF token.
    pub(crate) csrf_token: String,
    /// The header that carries it.
    pub(crate) csrf_header: String,
    /// Every cookie needed to resume, session cookies included.
    pub(crate) cookies: Vec<Cookie<'static>>,
    /// The HTTPS base URL the server redirected a plain-HTTP `base_url` to, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) upgraded_to: Option<String>,
    /// The session was imported from a browser (`HacClient::import_session`), not logged
    /// in with a password: when it ends, the client cannot log in again by itself.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) imported: bool,
    /// The pinned cluster node the session lives on, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) node: Option<String>,
}

impl fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredSession")
            .field("base_url", &self.base_url)
            .field("context_path", &self.context_path)
            .field("username", &self.username)
            .field("environment", &self.environment)
            .field("created_ms", &self.created_ms)
            .field("last_used_ms", &self.last_used_ms)
            .field("csrf_token", &"<redacted>")
            .field("upgraded_to", &self.upgraded_to)
            .field("imported", &self.imported)
            .field(
                "cookies",
                &self.cookies.iter().map(|c| c.name()).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl StoredSession {
    /// The version of the format it was written in ([`SESSION_FORMAT_VERSION`]).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The context path it was logged in on (`/hac`, or empty for root).
    pub fn context_path(&self) -> &str {
        &self.context_path
    }

    /// When the login happened.
    pub fn created(&self) -> SystemTime {
        from_ms(self.created_ms)
    }

    /// When the session was last used successfully.
    pub fn last_used(&self) -> SystemTime {
        from_ms(self.last_used_ms)
    }

    /// The session came from a browser (`HacClient::import_session`): when it ends, the
    /// client cannot log in again by itself.
    pub fn is_imported(&self) -> bool {
        self.imported
    }

    /// The key this session belongs to.
    pub fn key(&self) -> SessionKey {
        SessionKey::new(&self.base_url, &self.username, &self.environment)
            .with_node(self.node.clone())
    }

    /// Time since the last successful use.
    pub fn idle(&self, now: SystemTime) -> Duration {
        since(self.last_used_ms, now)
    }

    /// Time since login.
    pub fn age(&self, now: SystemTime) -> Duration {
        since(self.created_ms, now)
    }

    /// Idle longer than `idle_limit` or older than `max_age`.
    pub fn is_expired(&self, now: SystemTime, idle_limit: Duration, max_age: Duration) -> bool {
        self.idle(now) > idle_limit || self.age(now) > max_age
    }

    /// A summary without cookies or token.
    pub fn info(&self, now: SystemTime) -> SessionInfo {
        SessionInfo {
            key: self.key(),
            context_path: self.context_path.clone(),
            created: from_ms(self.created_ms),
            last_used: from_ms(self.last_used_ms),
            idle: self.idle(now),
            age: self.age(now),
        }
    }
}

/// What [`crate::SessionManager::list`] reports of a stored session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SessionInfo {
    /// Server, user and environment.
    pub key: SessionKey,
    /// Context path.
    pub context_path: String,
    /// When the login happened (serialized as Unix milliseconds).
    #[serde(serialize_with = "crate::json_out::unix_ms")]
    pub created: SystemTime,
    /// Last successful use (serialized as Unix milliseconds).
    #[serde(serialize_with = "crate::json_out::unix_ms")]
    pub last_used: SystemTime,
    /// Time since the last use (serialized as `idle_ms`).
    #[serde(rename = "idle_ms", serialize_with = "crate::json_out::duration_ms")]
    pub idle: Duration,
    /// Time since login (serialized as `age_ms`).
    #[serde(rename = "age_ms", serialize_with = "crate::json_out::duration_ms")]
    pub age: Duration,
}

pub(crate) fn now_ms() -> u64 {
    to_ms(SystemTime::now())
}

pub(crate) fn to_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis().min(u64::MAX as u128) as u64)
        .unwrap_or(0)
}

fn from_ms(ms: u64) -> SystemTime {
    // Checked: a store of someone else's may hold any number, and some platforms' clocks
    // end sooner than u64 milliseconds do.
    UNIX_EPOCH
        .checked_add(Duration::from_millis(ms))
        .unwrap_or(UNIX_EPOCH)
}

fn since(ms: u64, now: SystemTime) -> Duration {
    // A timestamp in the future (the clock moved back) counts as zero, never a panic.
    Duration::from_millis(to_ms(now).saturating_sub(ms))
}
