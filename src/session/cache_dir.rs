//! The directory stored sessions live in, and the files in it besides the sessions: the
//! MAC key and the temp files of atomic writes.
//!
//! The directory is treated as OpenSSH treats `~/.ssh`: created owner-only (`0700`) when it
//! does not exist; when it exists it is never changed, and refused when it is a symbolic
//! link, not a directory, owned by another user, or writable by group or others (a shared
//! `/tmp` given as `--cache-dir` must not become private, nor hold sessions others can
//! replace). The refusal says what is wrong and how to fix it.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use crate::error::{Error, Result};

/// The MAC key's file name.
pub(crate) const KEY_FILE: &str = "session.key";
/// The key is stored as 64 hex digits.
const KEY_HEX_LEN: u64 = 64;
/// Temp files of writers that are gone, or older than this, are removed.
const STALE_TEMP: Duration = Duration::from_secs(60);

fn refuse(dir: &Path, why: &str) -> Error {
    Error::persistence_msg(Some(dir.to_path_buf()), why)
}

/// Creates `dir` owner-only if missing; checks it if it exists (never changes it).
pub(crate) fn ensure_private_dir(dir: &Path) -> Result<()> {
    let meta = match fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                fs::create_dir_all(parent).map_err(|e| refuse(dir, &e.to_string()))?;
            }
            #[cfg_attr(not(unix), allow(unused_mut))]
            let mut b = fs::DirBuilder::new();
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
            match b.create(dir) {
                Ok(()) => return Ok(()),
                // Another process made it meanwhile: check what it made.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(refuse(dir, &e.to_string())),
            }
            fs::symlink_metadata(dir).map_err(|e| refuse(dir, &e.to_string()))?
        }
        Err(e) => return Err(refuse(dir, &e.to_string())),
    };
    check_dir(dir, &meta)
}

fn check_dir(dir: &Path, meta: &fs::Metadata) -> Result<()> {
    if meta.file_type().is_symlink() {
        return Err(refuse(
            dir,
            "is a symbolic link; sessions need a real directory of your own (give its real path)",
        ));
    }
    if !meta.is_dir() {
        return Err(refuse(dir, "is not a directory"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let me = rustix::process::geteuid().as_raw();
        if meta.uid() != me {
            return Err(refuse(
                dir,
                &format!(
                    "belongs to another user (uid {}); use a directory of your own for sessions",
                    meta.uid()
                ),
            ));
        }
        let mode = meta.mode() & 0o777;
        if mode & 0o022 != 0 {
            return Err(refuse(
                dir,
                &format!(
                    "can be written by other users (mode {mode:03o}); make it private with `chmod 700 {}` or use another directory",
                    dir.display()
                ),
            ));
        }
    }
    Ok(())
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// `.{name}.{pid}.{n}.tmp` beside `dest`.
pub(crate) fn temp_path(dest: &Path) -> PathBuf {
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dest.with_file_name(format!(".{name}.{}.{n}.tmp", std::process::id()))
}

/// The writer's process id of a temp file name, if it is one of ours.
fn temp_writer(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    if !(rest.starts_with("session")) {
        return None;
    }
    let mut parts = rest.rsplitn(3, '.');
    let _counter: u64 = parts.next()?.parse().ok()?;
    parts.next()?.parse().ok()
}

#[cfg(unix)]
fn is_running(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    // EPERM: it exists, as another user's process.
    !matches!(
        rustix::process::test_kill_process(pid),
        Err(e) if e == rustix::io::Errno::SRCH
    )
}

#[cfg(not(unix))]
fn is_running(_pid: u32) -> bool {
    // Without a cheap check, age alone decides.
    true
}

/// Removes temp files of interrupted saves: their writer is gone, or they are older than
/// a minute. They can hold a live session id, and nothing else ever reads them.
pub(crate) fn remove_stale_temp_files(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.filter_map(|e| e.ok()) {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_writer) else {
            continue;
        };
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age > STALE_TEMP);
        let orphan = pid != std::process::id() && !is_running(pid);
        if (old || orphan) && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

pub(crate) fn create_private(path: &Path) -> io::Result<fs::File> {
    let mut o = fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)
}

/// Opens (creating, 0600) a lock file: never through a symbolic link and never blocking
/// on a FIFO, so a planted file cannot redirect or hang the client.
pub(crate) fn open_lock_file(path: &Path) -> io::Result<fs::File> {
    let mut o = fs::OpenOptions::new();
    o.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        std::os::unix::fs::OpenOptionsExt::custom_flags(
            &mut o,
            (OFlags::NOFOLLOW | OFlags::NONBLOCK).bits() as i32,
        );
    }
    #[cfg(not(unix))]
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(io::Error::other("the lock file is a symbolic link"));
    }
    let file = o.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::other("the lock file is not a regular file"));
    }
    Ok(file)
}

/// Replaces `dest` atomically: temp file in the same directory, then rename, so a reader
/// sees the old file or the new one, never a mix.
///
/// No fsync: this is a cache. After a crash the file may be old, empty or missing; an old
/// one is a session the server may have ended (the client logs in again), and an empty or
/// torn one fails the MAC and is removed. Either way the price is one login, while an fsync
/// would cost more than everything else a save does, on every save. The key file, which
/// every session depends on, is the one thing synced (see `load_or_create_key`).
pub(crate) fn write_atomic(dest: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = temp_path(dest);
    let result = (|| -> io::Result<()> {
        let mut f = create_private(&tmp)?;
        f.write_all(bytes)?;
        drop(f);
        fs::rename(&tmp, dest)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(|e| Error::persistence(Some(dest.to_path_buf()), e))
}

fn parse_key(text: &str) -> Option<[u8; 32]> {
    let hash = blake3::Hash::from_hex(text.trim().as_bytes()).ok()?;
    Some(*hash.as_bytes())
}

/// Opens the key file without following a link and without blocking (a FIFO there must
/// not hang the client), and reads it if it is what this library writes: a regular file of
/// 64 hex digits, the user's own, private. `Ok(None)`: absent; `Err(why)`: there, unusable.
fn read_key(path: &Path) -> io::Result<std::result::Result<[u8; 32], String>> {
    let mut o = fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        std::os::unix::fs::OpenOptionsExt::custom_flags(
            &mut o,
            (OFlags::NOFOLLOW | OFlags::NONBLOCK).bits() as i32,
        );
    }
    #[cfg(not(unix))]
    if fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Ok(Err("it is a symbolic link".into()));
    }
    let file = match o.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(e),
        // ELOOP: a symbolic link.
        Err(e) => return Ok(Err(format!("it cannot be opened as a file ({e})"))),
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(Err("it is not a regular file".into()));
    }
    if meta.len() != KEY_HEX_LEN {
        return Ok(Err(format!(
            "it has {} bytes, not {KEY_HEX_LEN}",
            meta.len()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.uid() != rustix::process::geteuid().as_raw() {
            return Ok(Err("it belongs to another user".into()));
        }
        if meta.mode() & 0o077 != 0 {
            return Ok(Err(format!(
                "other users can read or write it (mode {:03o})",
                meta.mode() & 0o777
            )));
        }
    }
    let mut text = String::new();
    file.take(KEY_HEX_LEN).read_to_string(&mut text)?;
    Ok(parse_key(&text).ok_or_else(|| "it is not a key".to_owned()))
}

/// Reads `dir/session.key`, or creates it (0600) with 32 random bytes. A key file that is
/// not what this library writes is replaced (every session it signed becomes unusable,
/// which costs one login). Two processes racing here agree on one key: the file is
/// published with a hard link, which fails if the other process got there first.
pub(crate) fn load_or_create_key(dir: &Path) -> Result<[u8; 32]> {
    let path = dir.join(KEY_FILE);
    let perr = |e: io::Error| Error::persistence(Some(path.clone()), e);
    for _ in 0..3 {
        match read_key(&path) {
            Ok(Ok(key)) => return Ok(key),
            Ok(Err(why)) => {
                log::warn!("replacing the session key {}: {why}", path.display());
                let _ = fs::remove_file(&path);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(perr(e)),
        }
        let mut key = [0u8; 32];
        getrandom::getrandom(&mut key).map_err(|e| {
            Error::persistence_msg(Some(path.clone()), format!("no randomness: {e}"))
        })?;
        let tmp = temp_path(&path);
        let hex = blake3::Hash::from_bytes(key).to_hex();
        let written = (|| -> io::Result<()> {
            let mut f = create_private(&tmp)?;
            f.write_all(hex.as_bytes())?;
            f.sync_all()
        })();
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(perr(e));
        }
        let linked = fs::hard_link(&tmp, &path);
        let _ = fs::remove_file(&tmp);
        match linked {
            Ok(()) => return Ok(key),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(perr(e)),
        }
    }
    Err(Error::persistence_msg(
        Some(path),
        "cannot create the session key",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_file_names() {
        let t = temp_path(Path::new("/x/session_ab.json"));
        let name = t.file_name().unwrap().to_str().unwrap();
        assert_eq!(temp_writer(name), Some(std::process::id()));
        assert_eq!(temp_writer(".session.key.12.3.tmp"), Some(12));
        assert_eq!(temp_writer(".other.12.3.tmp"), None);
        assert_eq!(temp_writer("session_ab.json"), None);
    }
}
