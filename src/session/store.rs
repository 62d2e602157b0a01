//! Where sessions live between runs: one trait, a file store and a memory store.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::session::cache_dir::{
    ensure_private_dir, load_or_create_key, remove_stale_temp_files, write_atomic,
};
use crate::session::stored::{SESSION_FORMAT_VERSION, SessionKey, StoredSession};

/// Persistence of sessions. Implementations must be safe to share between threads.
///
/// `load` must never hand back a session for another key; a store that finds something
/// unusable (corrupt, tampered, foreign) removes it and answers `Ok(None)`. The calls are
/// synchronous and short (one small file), also from the async client.
///
/// ```
/// use std::sync::Arc;
/// use hac_client::{BasicCredentials, HacConfig, MemoryStore, SessionStore};
/// let store: Arc<dyn SessionStore> = Arc::new(MemoryStore::new());
/// let config = HacConfig::builder("http://localhost:9001")
///     .credentials(BasicCredentials::new("admin", "nimda"))
///     .session_store(store.clone())
///     .build()?;
/// assert!(store.list()?.is_empty());
/// # let _ = config;
/// # Ok::<(), hac_client::Error>(())
/// ```
pub trait SessionStore: Send + Sync {
    /// The session for `key`, if one is stored and valid.
    fn load(&self, key: &SessionKey) -> Result<Option<StoredSession>>;
    /// Stores (or replaces) the session for its key.
    fn save(&self, session: &StoredSession) -> Result<()>;
    /// Removes the session for `key`; true if there was one.
    fn remove(&self, key: &SessionKey) -> Result<bool>;
    /// Every valid stored session.
    fn list(&self) -> Result<Vec<StoredSession>>;
    /// Removes every session; returns how many.
    fn clear(&self) -> Result<usize>;
    /// One attempt at a lock that serializes logins for `key` across the processes that
    /// share this store. The client holds it around "the stored session is gone or dead →
    /// log in → save", and after getting it takes a session another process stored
    /// meanwhile instead of logging in again. The default: no locking.
    fn try_lock_login(&self, key: &SessionKey) -> Result<LockAttempt> {
        let _ = key;
        Ok(LockAttempt::NotSupported)
    }
}

/// A shared store is a store: hand `Arc::clone(&store)` to several clients (or keep one
/// to look into) without naming `dyn SessionStore`.
///
/// ```
/// use std::sync::Arc;
/// use hac_client::{BasicCredentials, HacClient, MemoryStore, SessionStore};
/// let store = Arc::new(MemoryStore::new());
/// let hac = HacClient::builder("http://localhost:9001")
///     .credentials(BasicCredentials::new("admin", "nimda"))
///     .session_store(Arc::clone(&store))
///     .build()?;
/// assert!(store.list()?.is_empty());
/// # let _ = hac;
/// # Ok::<(), hac_client::Error>(())
/// ```
impl<S: SessionStore + ?Sized> SessionStore for Arc<S> {
    fn load(&self, key: &SessionKey) -> Result<Option<StoredSession>> {
        (**self).load(key)
    }
    fn save(&self, session: &StoredSession) -> Result<()> {
        (**self).save(session)
    }
    fn remove(&self, key: &SessionKey) -> Result<bool> {
        (**self).remove(key)
    }
    fn list(&self) -> Result<Vec<StoredSession>> {
        (**self).list()
    }
    fn clear(&self) -> Result<usize> {
        (**self).clear()
    }
    fn try_lock_login(&self, key: &SessionKey) -> Result<LockAttempt> {
        (**self).try_lock_login(key)
    }
}

/// The outcome of [`SessionStore::try_lock_login`].
#[derive(Debug)]
#[non_exhaustive]
pub enum LockAttempt {
    /// Locked until the guard is dropped.
    Locked(LoginLock),
    /// Another holder has it; try again later.
    Busy,
    /// The store does not lock.
    NotSupported,
}

/// Holds a store's login lock; dropping it releases the lock.
pub struct LoginLock(#[allow(dead_code)] Box<dyn Send + Sync>);

impl LoginLock {
    /// Wraps whatever keeps the lock held (a locked file, a guard...).
    pub fn new(guard: impl Send + Sync + 'static) -> Self {
        LoginLock(Box::new(guard))
    }
}

impl std::fmt::Debug for LoginLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginLock")
    }
}

/// Sessions in memory, for tests and for processes that only want reuse within one run.
///
/// ```
/// use hac_client::{MemoryStore, SessionKey, SessionStore};
/// let store = MemoryStore::new();
/// assert!(store.load(&SessionKey::new("http://h", "admin", "local"))?.is_none());
/// # Ok::<(), hac_client::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    sessions: Mutex<HashMap<SessionKey, StoredSession>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<SessionKey, StoredSession>> {
        self.sessions.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SessionStore for MemoryStore {
    fn load(&self, key: &SessionKey) -> Result<Option<StoredSession>> {
        Ok(self.map().get(key).cloned())
    }
    fn save(&self, session: &StoredSession) -> Result<()> {
        self.map().insert(session.key(), session.clone());
        Ok(())
    }
    fn remove(&self, key: &SessionKey) -> Result<bool> {
        Ok(self.map().remove(key).is_some())
    }
    fn list(&self) -> Result<Vec<StoredSession>> {
        Ok(self.map().values().cloned().collect())
    }
    fn clear(&self) -> Result<usize> {
        let mut m = self.map();
        let n = m.len();
        m.clear();
        Ok(n)
    }
}

const PREFIX: &str = "session_";
const SUFFIX: &str = ".json";
/// Files larger than this are not sessions; they are not even read.
const MAX_FILE: u64 = 4 * 1024 * 1024;

/// The on-disk envelope: the session JSON as a string plus a keyed blake3 MAC over it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    format: String,
    version: u32,
    mac: String,
    session: String,
}

const FORMAT: &str = "hac-client-session";

/// One JSON file per session in a private directory, each authenticated with a keyed
/// blake3 MAC whose key lives in `session.key` beside them.
///
/// * directory created `0700` when missing; an existing one is never changed, and refused
///   when it is a symbolic link, another user's, or writable by others (Unix);
/// * files `0600`; the key file is replaced when it is anything but this library's own;
/// * written atomically: temp file in the same directory, then rename;
/// * files that fail the MAC, belong to another key, have the wrong shape or an unknown
///   version are removed on sight and never used.
///
/// ```
/// use hac_client::FileStore;
/// let dir = std::env::temp_dir().join(format!("hac-client-doc-{}", std::process::id()));
/// let store = FileStore::new(&dir)?;
/// assert_eq!(store.dir(), dir.as_path());
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), hac_client::Error>(())
/// ```
pub struct FileStore {
    dir: PathBuf,
    key: [u8; 32],
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore")
            .field("dir", &self.dir)
            .field("key", &"<redacted>")
            .finish()
    }
}

impl FileStore {
    /// The default directory: the user's cache directory for `hac-client`
    /// (`~/.cache/hac-client` on Linux).
    pub fn default_dir() -> Result<PathBuf> {
        directories::ProjectDirs::from("", "", "hac-client")
            .map(|d| d.cache_dir().to_path_buf())
            .ok_or_else(|| Error::persistence_msg(None, "no home directory to put a cache in"))
    }

    /// A store in [`FileStore::default_dir`].
    pub fn default_location() -> Result<Self> {
        Self::new(Self::default_dir()?)
    }

    /// A store in `dir`, created `0700` if missing; an existing directory must be the
    /// user's own and not writable by others ([`Error::Persistence`] says why not). The MAC
    /// key is read from `dir/session.key`, created on first use. Temp files of interrupted
    /// saves are removed.
    pub fn new(dir: impl Into<PathBuf>) -> Result<Self> {
        let dir = dir.into();
        ensure_private_dir(&dir)?;
        remove_stale_temp_files(&dir);
        let key = load_or_create_key(&dir)?;
        Ok(FileStore { dir, key })
    }

    /// A store in `dir` with a MAC key supplied by the caller (from a secrets manager,
    /// say); no key file is written.
    pub fn with_key(dir: impl Into<PathBuf>, key: [u8; 32]) -> Result<Self> {
        let dir = dir.into();
        ensure_private_dir(&dir)?;
        Ok(FileStore { dir, key })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file that holds the session for `key`.
    pub fn path_for(&self, key: &SessionKey) -> PathBuf {
        self.dir.join(format!("{PREFIX}{}{SUFFIX}", key.id()))
    }

    fn mac(&self, payload: &str) -> String {
        blake3::keyed_hash(&self.key, payload.as_bytes())
            .to_hex()
            .to_string()
    }

    /// Reads and verifies one file. `Ok(None)`: not a usable session (the caller removes
    /// it); `Err`: the file could not be read at all.
    fn read_verified(&self, path: &Path) -> Result<Option<StoredSession>> {
        let meta = match fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::persistence(Some(path.into()), e)),
        };
        if !meta.is_file() || meta.len() > MAX_FILE {
            return Ok(None);
        }
        let bytes = match fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::persistence(Some(path.into()), e)),
        };
        let Ok(env) = serde_json::from_slice::<Envelope>(&bytes) else {
            return Ok(None);
        };
        if env.format != FORMAT || env.version != SESSION_FORMAT_VERSION {
            return Ok(None);
        }
        // Constant-time comparison: blake3::Hash's PartialEq is.
        let Ok(sent) = blake3::Hash::from_hex(env.mac.as_bytes()) else {
            return Ok(None);
        };
        if sent != blake3::keyed_hash(&self.key, env.session.as_bytes()) {
            return Ok(None);
        }
        let Ok(session) = serde_json::from_str::<StoredSession>(&env.session) else {
            return Ok(None);
        };
        if session.version != SESSION_FORMAT_VERSION {
            return Ok(None);
        }
        Ok(Some(session))
    }

    fn discard(&self, path: &Path) {
        match fs::remove_file(path) {
            Ok(()) => log::warn!("removed unusable session file {}", path.display()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => log::warn!(
                "cannot remove unusable session file {}: {e}",
                path.display()
            ),
        }
    }

    fn session_files(&self) -> Result<Vec<PathBuf>> {
        let entries =
            fs::read_dir(&self.dir).map_err(|e| Error::persistence(Some(self.dir.clone()), e))?;
        Ok(entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
            })
            .collect())
    }
}

impl SessionStore for FileStore {
    fn load(&self, key: &SessionKey) -> Result<Option<StoredSession>> {
        let path = self.path_for(key);
        match self.read_verified(&path)? {
            // A valid file under another key's name (copied or swapped) is not ours.
            Some(s) if s.key() == *key => Ok(Some(s)),
            _ => {
                if path.exists() {
                    self.discard(&path);
                }
                Ok(None)
            }
        }
    }

    fn save(&self, session: &StoredSession) -> Result<()> {
        let payload = serde_json::to_string(session)
            .map_err(|e| Error::persistence_msg(None, format!("cannot encode session: {e}")))?;
        let env = Envelope {
            format: FORMAT.into(),
            version: SESSION_FORMAT_VERSION,
            mac: self.mac(&payload),
            session: payload,
        };
        let bytes = serde_json::to_vec(&env)
            .map_err(|e| Error::persistence_msg(None, format!("cannot encode session: {e}")))?;
        ensure_private_dir(&self.dir)?;
        write_atomic(&self.path_for(&session.key()), &bytes)
    }

    fn remove(&self, key: &SessionKey) -> Result<bool> {
        let path = self.path_for(key);
        match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(Error::persistence(Some(path), e)),
        }
    }

    fn list(&self) -> Result<Vec<StoredSession>> {
        remove_stale_temp_files(&self.dir);
        let mut out = Vec::new();
        for path in self.session_files()? {
            match self.read_verified(&path)? {
                Some(s) if self.path_for(&s.key()) == path => out.push(s),
                _ => self.discard(&path),
            }
        }
        Ok(out)
    }

    /// An advisory lock on `session_<id>.lock` beside the session file (not on the file
    /// itself, which a save replaces by rename). Lock files are left in place: removing
    /// one another process has open would let two hold "the" lock.
    fn try_lock_login(&self, key: &SessionKey) -> Result<LockAttempt> {
        let path = self.dir.join(format!("{PREFIX}{}.lock", key.id()));
        let file = crate::session::cache_dir::open_lock_file(&path)
            .map_err(|e| Error::persistence(Some(path.clone()), e))?;
        match file.try_lock() {
            Ok(()) => Ok(LockAttempt::Locked(LoginLock::new(file))),
            Err(fs::TryLockError::WouldBlock) => Ok(LockAttempt::Busy),
            Err(fs::TryLockError::Error(e)) if e.kind() == io::ErrorKind::Unsupported => {
                Ok(LockAttempt::NotSupported)
            }
            Err(fs::TryLockError::Error(e)) => Err(Error::persistence(Some(path), e)),
        }
    }

    fn clear(&self) -> Result<usize> {
        remove_stale_temp_files(&self.dir);
        let mut n = 0;
        for path in self.session_files()? {
            match fs::remove_file(&path) {
                Ok(()) => n += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::persistence(Some(path), e)),
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_dir_is_the_cache_dir() {
        if let Ok(dir) = FileStore::default_dir() {
            assert!(dir.ends_with("hac-client"), "{}", dir.display());
            #[cfg(target_os = "linux")]
            if std::env::var_os("XDG_CACHE_HOME").is_none() {
                assert!(dir.ends_with(".cache/hac-client"), "{}", dir.display());
            }
        }
    }

    #[test]
    fn debug_hides_the_key() {
        let dir = std::env::temp_dir().join(format!("hac-store-debug-{}", std::process::id()));
        let s = FileStore::with_key(&dir, [7; 32]).unwrap();
        assert!(!format!("{s:?}").contains("0707"));
        let _ = fs::remove_dir_all(&dir);
    }
}
