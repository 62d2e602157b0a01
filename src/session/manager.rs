//! Listing, removing and pruning stored sessions.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::error::Result;
use crate::session::store::SessionStore;
use crate::session::stored::{SessionInfo, SessionKey};

/// Stored sessions idle longer than this are not resumed: a little under HAC's own idle
/// timeout of 120 minutes (`web.xml`), so that a session resumed from the store is very
/// likely still alive on the server.
pub const DEFAULT_SESSION_IDLE: Duration = Duration::from_secs(110 * 60);
/// Stored sessions older than this are not resumed, however active.
pub const DEFAULT_SESSION_MAX_AGE: Duration = Duration::from_secs(12 * 60 * 60);

/// Looks after the sessions in a store: list, remove, clear, prune.
///
/// ```
/// use std::sync::Arc;
/// use hac_client::{MemoryStore, SessionManager};
/// let manager = SessionManager::new(Arc::new(MemoryStore::new()));
/// assert!(manager.list()?.is_empty());
/// assert_eq!(manager.prune()?, 0);
/// # Ok::<(), hac_client::Error>(())
/// ```
#[derive(Clone)]
pub struct SessionManager {
    store: Arc<dyn SessionStore>,
    idle_limit: Duration,
    max_age: Duration,
}

impl std::fmt::Debug for SessionManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionManager")
            .field("idle_limit", &self.idle_limit)
            .field("max_age", &self.max_age)
            .finish_non_exhaustive()
    }
}

impl SessionManager {
    /// A manager with the default limits (110 min idle, 12 h age).
    pub fn new(store: Arc<dyn SessionStore>) -> Self {
        SessionManager {
            store,
            idle_limit: DEFAULT_SESSION_IDLE,
            max_age: DEFAULT_SESSION_MAX_AGE,
        }
    }

    /// Sets the idle limit used by [`SessionManager::prune`].
    #[must_use]
    pub fn idle_limit(mut self, limit: Duration) -> Self {
        self.idle_limit = limit;
        self
    }

    /// Sets the maximum age used by [`SessionManager::prune`].
    #[must_use]
    pub fn max_age(mut self, limit: Duration) -> Self {
        self.max_age = limit;
        self
    }

    /// Every stored session, oldest use first.
    pub fn list(&self) -> Result<Vec<SessionInfo>> {
        let now = SystemTime::now();
        let mut out: Vec<SessionInfo> = self.store.list()?.iter().map(|s| s.info(now)).collect();
        out.sort_by_key(|i| i.last_used);
        Ok(out)
    }

    /// Removes one session; true if it existed.
    pub fn remove(&self, key: &SessionKey) -> Result<bool> {
        self.store.remove(key)
    }

    /// Removes every session; returns how many.
    pub fn clear(&self) -> Result<usize> {
        self.store.clear()
    }

    /// Removes sessions idle or old beyond the limits; returns how many.
    pub fn prune(&self) -> Result<usize> {
        let now = SystemTime::now();
        let mut n = 0;
        for s in self.store.list()? {
            if s.is_expired(now, self.idle_limit, self.max_age) && self.store.remove(&s.key())? {
                n += 1;
            }
        }
        Ok(n)
    }
}
