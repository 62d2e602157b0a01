//! Session persistence: the store contract for both backends, resuming across clients
//! and processes, integrity of the files, expiry, and what ends up on disk.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hac_client::{
    BasicCredentials, FileStore, HacClient, HacConfigBuilder, LockAttempt, MemoryStore, Result,
    SessionKey, SessionManager, SessionStore, StoredSession,
};
use hac_fake::{ExpiryAnswer, FakeHac};

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// A session as a store receives one, made through its serialized form (the client is
/// what makes sessions; its fields are not public).
fn sample(user: &str, env: &str) -> StoredSession {
    serde_json::from_value(serde_json::json!({
        "version": hac_client::SESSION_FORMAT_VERSION,
        "base_url": "http://127.0.0.1:9001",
        "context_path": "/hac",
        "username": user,
        "environment": env,
        "created_ms": now_ms(),
        "last_used_ms": now_ms(),
        "csrf_token": format!("token-{user}-{env}"),
        "csrf_header": "X-CSRF-TOKEN",
        "cookies": [],
    }))
    .unwrap()
}

/// `s` with one field of its serialized form changed.
fn with(s: &StoredSession, field: &str, value: serde_json::Value) -> StoredSession {
    let mut v = serde_json::to_value(s).unwrap();
    v[field] = value;
    serde_json::from_value(v).unwrap()
}

/// One field of `s`'s serialized form.
fn field(s: &StoredSession, name: &str) -> serde_json::Value {
    serde_json::to_value(s).unwrap()[name].clone()
}

fn token(s: &StoredSession) -> String {
    field(s, "csrf_token").as_str().unwrap().to_owned()
}

fn last_used_ms(s: &StoredSession) -> u64 {
    field(s, "last_used_ms").as_u64().unwrap()
}

/// The contract every store must meet.
fn store_contract(store: &dyn SessionStore) {
    let a = sample("admin", "dev");
    let b = sample("admin", "prod");
    let c = sample("other", "dev");
    assert!(store.load(&a.key()).unwrap().is_none());
    for s in [&a, &b, &c] {
        store.save(s).unwrap();
    }
    assert_eq!(store.load(&a.key()).unwrap().unwrap(), a);
    assert_eq!(
        token(&store.load(&b.key()).unwrap().unwrap()),
        "token-admin-prod"
    );
    let a2 = with(&a, "csrf_token", "replaced".into());
    store.save(&a2).unwrap();
    assert_eq!(token(&store.load(&a.key()).unwrap().unwrap()), "replaced");
    assert_eq!(store.list().unwrap().len(), 3);
    assert!(store.remove(&c.key()).unwrap());
    assert!(!store.remove(&c.key()).unwrap());
    assert!(store.load(&c.key()).unwrap().is_none());
    assert_eq!(store.clear().unwrap(), 2);
    assert!(store.list().unwrap().is_empty());
    assert_eq!(store.clear().unwrap(), 0);
}

#[test]
fn memory_store_contract() {
    store_contract(&MemoryStore::new());
}

#[test]
fn file_store_contract() {
    let dir = tempfile::tempdir().unwrap();
    store_contract(&FileStore::new(dir.path().join("sessions")).unwrap());
}

fn file_config(hac: &FakeHac, dir: &Path) -> HacConfigBuilder {
    common::config(hac).session_store(FileStore::new(dir).unwrap())
}

fn file_client(hac: &FakeHac, dir: &Path) -> HacClient {
    HacClient::new(file_config(hac, dir).build().unwrap()).unwrap()
}

fn session_file(hac: &FakeHac, dir: &Path, user: &str) -> PathBuf {
    FileStore::new(dir)
        .unwrap()
        .path_for(&SessionKey::new(hac.url(), user, "local"))
}

#[test]
fn second_client_resumes_with_one_request() {
    let hac = FakeHac::builder()
        .context_path("/hac")
        .route_cookie(true)
        .start();
    let dir = tempfile::tempdir().unwrap();
    file_client(&hac, dir.path())
        .execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(hac.stats().logins, 1);
    hac.reset_stats();
    let second = file_client(&hac, dir.path());
    let r = second.execute_groovy("return 2").unwrap();
    assert_eq!(r.result, "2");
    let stats = hac.stats();
    assert_eq!(stats.logins, 0);
    assert_eq!(
        stats.requests, 1,
        "the cached call goes straight to the console"
    );
    let sent = hac.requests().pop().unwrap();
    assert!(sent.cookie("ROUTE").is_some(), "ROUTE survived the restart");
}

#[test]
fn clients_share_a_store_through_an_arc() {
    let hac = FakeHac::start();
    let store = Arc::new(MemoryStore::new());
    let client = || {
        HacClient::builder(hac.url())
            .credentials(BasicCredentials::new("admin", "nimda"))
            .session_store(Arc::clone(&store))
            .build()
            .unwrap()
    };
    client()
        .execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(
        store.list().unwrap().len(),
        1,
        "the caller's handle sees it"
    );
    hac.reset_stats();
    let second = client();
    assert!(second.is_logged_in());
    second.connect().unwrap();
    assert_eq!(hac.stats().requests, 0, "resumed from the shared store");
}

// --- the same across processes: the test binary re-runs itself as a child ---

const CHILD_URL: &str = "HAC_TEST_CHILD_URL";
const CHILD_DIR: &str = "HAC_TEST_CHILD_DIR";

#[test]
fn file_store_login_lock() {
    use hac_client::LockAttempt;
    let dir = tempfile::tempdir().unwrap();
    let a = FileStore::new(dir.path()).unwrap();
    let b = FileStore::new(dir.path()).unwrap();
    let key = SessionKey::new("http://127.0.0.1:9001", "admin", "local");
    let other = SessionKey::new("http://127.0.0.1:9001", "admin", "prod");
    let held = a.try_lock_login(&key).unwrap();
    assert!(matches!(held, LockAttempt::Locked(_)), "{held:?}");
    // Another holder (another process, or here another open file) must wait...
    assert!(matches!(b.try_lock_login(&key).unwrap(), LockAttempt::Busy));
    // ...but only for the same session.
    assert!(matches!(
        b.try_lock_login(&other).unwrap(),
        LockAttempt::Locked(_)
    ));
    drop(held);
    assert!(matches!(
        b.try_lock_login(&key).unwrap(),
        LockAttempt::Locked(_)
    ));
    // Lock files are not sessions.
    assert!(a.list().unwrap().is_empty());
    assert!(matches!(
        MemoryStore::new().try_lock_login(&key).unwrap(),
        LockAttempt::NotSupported
    ));
}

#[cfg(unix)]
#[test]
fn a_planted_lock_file_is_an_error_not_a_hang() {
    let hac = FakeHac::builder().context_path("/hac").start();
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::new(dir.path()).unwrap();
    let key = SessionKey::new(hac.url(), "admin", "local");
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "keep").unwrap();
    let lock = store.path_for(&key).with_extension("lock");
    std::os::unix::fs::symlink(&victim, &lock).unwrap();
    assert!(store.try_lock_login(&key).is_err());
    // The client logs in anyway, without the lock.
    file_client(&hac, dir.path())
        .execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");

    std::fs::remove_file(&lock).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(&lock)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(store.try_lock_login(&key).is_err());
    store.clear().unwrap();
    file_client(&hac, dir.path())
        .execute_groovy("return 2")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(hac.stats().logins, 2);
}

/// The other processes of the multi-process tests: not a test of its own (ignored in a
/// normal run), started by them with `--ignored --exact`.
#[test]
#[ignore = "the child-process entry point of the multi-process session tests"]
fn child_process_entry() {
    let (Ok(url), Ok(dir)) = (std::env::var(CHILD_URL), std::env::var(CHILD_DIR)) else {
        panic!("run by the multi-process session tests only");
    };
    let config = hac_client::HacConfig::builder(url)
        .credentials(BasicCredentials::new("admin", "nimda"))
        .session_store(FileStore::new(dir).unwrap())
        .build()
        .unwrap();
    let client = HacClient::new(config).unwrap();
    for _ in 0..5 {
        client
            .execute_groovy("return 1")
            .unwrap()
            .error_for_failure_ref()
            .unwrap();
    }
    println!("CHILD-OK");
}

fn run_child(hac: &FakeHac, dir: &Path) -> std::process::Child {
    std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_process_entry",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_URL, hac.url())
        .env(CHILD_DIR, dir)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

fn child_ok(child: std::process::Child) {
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("CHILD-OK"));
}

#[test]
fn separate_processes_log_in_once() {
    let hac = FakeHac::builder().context_path("/hac").start();
    let dir = tempfile::tempdir().unwrap();
    child_ok(run_child(&hac, dir.path()));
    child_ok(run_child(&hac, dir.path()));
    assert_eq!(hac.stats().logins, 1);
    // Two processes at once: both succeed and the file stays valid.
    let children = [run_child(&hac, dir.path()), run_child(&hac, dir.path())];
    for c in children {
        child_ok(c);
    }
    let store = FileStore::new(dir.path()).unwrap();
    let key = SessionKey::new(hac.url(), "admin", "local");
    assert!(store.load(&key).unwrap().is_some());
}

#[test]
fn logout_is_not_resurrected() {
    let hac = FakeHac::builder().context_path("/hac").start();
    let dir = tempfile::tempdir().unwrap();
    let first = file_client(&hac, dir.path());
    first.login().unwrap();
    let file = session_file(&hac, dir.path(), "admin");
    assert!(file.exists());
    first.logout().unwrap();
    assert!(!file.exists());
    assert_eq!(hac.session_count(), 0);
    file_client(&hac, dir.path())
        .execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(hac.stats().logins, 2);
}

#[test]
fn dead_stored_session_is_replaced() {
    let hac = FakeHac::builder()
        .context_path("/hac")
        .expiry_answer(ExpiryAnswer::RelativeRedirect)
        .start();
    let dir = tempfile::tempdir().unwrap();
    file_client(&hac, dir.path()).login().unwrap();
    hac.expire_sessions(); // server restart: the stored session is dead
    file_client(&hac, dir.path())
        .execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(hac.stats().logins, 2);
    hac.reset_stats();
    file_client(&hac, dir.path())
        .execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(hac.stats().logins, 0, "the re-login was stored");
    assert_eq!(hac.stats().requests, 1);
}

#[test]
fn expired_sessions_are_pruned_on_load_and_by_prune() {
    let hac = FakeHac::builder().context_path("/hac").start();
    let dir = tempfile::tempdir().unwrap();
    let short = |hac: &FakeHac| {
        HacClient::new(
            file_config(hac, dir.path())
                .session_idle_limit(Duration::from_millis(100))
                .build()
                .unwrap(),
        )
        .unwrap()
    };
    short(&hac).login().unwrap();
    std::thread::sleep(Duration::from_millis(250));
    hac.reset_stats();
    short(&hac)
        .execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(hac.stats().logins, 1, "idle session not resumed");
    // Max age.
    let aged = HacClient::new(
        file_config(&hac, dir.path())
            .session_max_age(Duration::ZERO)
            .build()
            .unwrap(),
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(5));
    aged.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(hac.stats().logins, 2, "over-age session not resumed");
    // prune()
    let store: Arc<dyn SessionStore> = Arc::new(FileStore::new(dir.path()).unwrap());
    let old = sample("old", "dev");
    // The default idle limit is 110 minutes, below HAC's own 120: a session idle for 115
    // minutes may already be gone on the server; one idle for 100 is kept.
    let old = with(
        &old,
        "last_used_ms",
        (last_used_ms(&old) - 115 * 60_000).into(),
    );
    store.save(&old).unwrap();
    let recent = sample("recent", "dev");
    let recent = with(
        &recent,
        "last_used_ms",
        (last_used_ms(&recent) - 100 * 60_000).into(),
    );
    store.save(&recent).unwrap();
    store.save(&sample("fresh", "dev")).unwrap();
    let manager = SessionManager::new(store.clone());
    assert_eq!(manager.prune().unwrap(), 1);
    assert!(store.load(&old.key()).unwrap().is_none());
    assert!(store.load(&recent.key()).unwrap().is_some());
    assert_eq!(manager.prune().unwrap(), 0);
}

#[cfg(unix)]
#[test]
fn permissions_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let hac = FakeHac::builder().context_path("/hac").start();
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("nested").join("hac-client");
    file_client(&hac, &dir).login().unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        assert_eq!(mode(&p), 0o600, "{}", p.display());
        files += 1;
    }
    assert_eq!(
        files, 3,
        "the key, one session and its login lock, no temp files left"
    );
}

/// An existing directory is never changed: unsafe ones are refused with the reason and the
/// fix, whoever calls (issue 11: `--cache-dir /tmp` as root used to make /tmp private).
#[cfg(unix)]
#[test]
fn unsafe_cache_directories_are_refused_and_left_alone() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    // World-writable (like /tmp, sticky bit and all).
    let open = parent.path().join("open");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let e = FileStore::new(&open).unwrap_err();
    assert!(matches!(e, hac_client::Error::Persistence { .. }), "{e:?}");
    assert!(e.to_string().contains("chmod 700"), "{e}");
    assert_eq!(
        std::fs::metadata(&open).unwrap().permissions().mode() & 0o7777,
        0o1777
    );
    assert_eq!(
        std::fs::read_dir(&open).unwrap().count(),
        0,
        "nothing written"
    );
    // Group-writable.
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o770)).unwrap();
    assert!(FileStore::new(&open).is_err());
    assert_eq!(mode(&open), 0o770);
    // Readable by others is fine (the files in it are 0600).
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
    FileStore::new(&open).unwrap();
    assert_eq!(mode(&open), 0o755);
    // A symbolic link, even to a good directory.
    let real = parent.path().join("real");
    std::fs::create_dir(&real).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o700)).unwrap();
    let link = parent.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let e = FileStore::new(&link).unwrap_err();
    assert!(e.to_string().contains("symbolic link"), "{e}");
    assert_eq!(std::fs::read_dir(&real).unwrap().count(), 0);
    // A file.
    let file = parent.path().join("file");
    std::fs::write(&file, "x").unwrap();
    assert!(FileStore::new(&file).is_err());
    // Another user's directory, where the test can make one (as root, as CI runs).
    if rustix_uid() == 0 {
        let foreign = parent.path().join("foreign");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::set_permissions(&foreign, std::fs::Permissions::from_mode(0o700)).unwrap();
        std::os::unix::fs::chown(&foreign, Some(65534), Some(65534)).unwrap();
        let e = FileStore::new(&foreign).unwrap_err();
        assert!(e.to_string().contains("another user"), "{e}");
        assert_eq!(mode(&foreign), 0o700);
    }
}

#[cfg(unix)]
fn rustix_uid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    // The owner of a file this process just made is its effective user.
    let f = tempfile::NamedTempFile::new().unwrap();
    f.as_file().metadata().unwrap().uid()
}

/// The key file is opened without following links or blocking, and replaced when it is
/// not a private regular file of the right size.
#[cfg(unix)]
#[test]
fn odd_key_files_are_replaced_without_hanging() {
    use std::os::unix::fs::PermissionsExt;
    let make = |setup: &dyn Fn(&Path)| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        setup(&dir.path().join("session.key"));
        let store = FileStore::new(dir.path()).unwrap();
        let key = dir.path().join("session.key");
        let meta = std::fs::symlink_metadata(&key).unwrap();
        assert!(meta.is_file(), "replaced by a regular file");
        assert_eq!(meta.len(), 64);
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        store.save(&sample("admin", "dev")).unwrap();
        assert!(store.load(&sample("admin", "dev").key()).unwrap().is_some());
    };
    // A FIFO: reading it would block forever.
    make(&|p| {
        let status = std::process::Command::new("mkfifo")
            .arg(p)
            .status()
            .unwrap();
        assert!(status.success());
    });
    // A link to /dev/zero: reading it would never end.
    make(&|p| std::os::unix::fs::symlink("/dev/zero", p).unwrap());
    // Readable by everyone.
    make(&|p| {
        std::fs::write(p, "a".repeat(64)).unwrap();
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o644)).unwrap();
    });
    // Too long, and garbage.
    make(&|p| std::fs::write(p, "b".repeat(100_000)).unwrap());
}

#[test]
fn stale_temp_files_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::new(dir.path()).unwrap();
    store.save(&sample("admin", "dev")).unwrap();
    // An interrupted save of a process that is gone, holding a session.
    let dead = dir.path().join(".session_abc.json.999999999.0.tmp");
    std::fs::write(&dead, "{\"JSESSIONID\":\"live\"}").unwrap();
    // One of this process, fresh: still being written, kept.
    let ours = dir
        .path()
        .join(format!(".session_def.json.{}.7.tmp", std::process::id()));
    std::fs::write(&ours, "x").unwrap();
    assert_eq!(store.list().unwrap().len(), 1);
    assert!(!dead.exists(), "removed by list (and prune)");
    assert!(ours.exists());
    std::fs::write(&dead, "x").unwrap();
    assert_eq!(store.clear().unwrap(), 1);
    assert!(!dead.exists(), "removed by clear");
    std::fs::write(&dead, "x").unwrap();
    FileStore::new(dir.path()).unwrap();
    assert!(!dead.exists(), "removed on open");
}

/// A save in progress in another process that is alive is never removed, by any of the
/// four cleanups (open, list, clear, prune); once it is a minute old it is, as an
/// interrupted save.
#[cfg(unix)]
#[test]
fn a_live_writers_temp_file_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(FileStore::new(dir.path()).unwrap());
    store.save(&sample("admin", "dev")).unwrap();
    // Another process, alive for the whole test (killed however the test ends; its output
    // is not the test's, which the harness would wait on).
    struct Alive(std::process::Child);
    impl Drop for Alive {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let other = Alive(
        std::process::Command::new("sleep")
            .arg("600")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let live = dir
        .path()
        .join(format!(".session_abc.json.{}.3.tmp", other.0.id()));
    std::fs::write(&live, "being written").unwrap();
    let manager = SessionManager::new(store.clone());
    let cleanups: [(&str, &dyn Fn()); 4] = [
        ("open", &|| drop(FileStore::new(dir.path()).unwrap())),
        ("list", &|| drop(store.list().unwrap())),
        ("clear", &|| {
            store.clear().unwrap();
        }),
        ("prune", &|| {
            manager.prune().unwrap();
        }),
    ];
    for (what, cleanup) in cleanups {
        cleanup();
        assert!(live.exists(), "{what} removed a live writer's temp file");
    }
    // A minute old: an interrupted save, whoever wrote it.
    let old = std::time::SystemTime::now() - Duration::from_secs(120);
    std::fs::File::options()
        .write(true)
        .open(&live)
        .unwrap()
        .set_modified(old)
        .unwrap();
    drop(store.list().unwrap());
    assert!(!live.exists(), "an old temp file is removed");
}

#[test]
fn password_never_on_disk() {
    let password = "Pa55-only-in-memory-9431";
    let hac = FakeHac::builder()
        .user("deployer", password)
        .route_cookie(true)
        .start();
    let dir = tempfile::tempdir().unwrap();
    let client = HacClient::new(
        file_config(&hac, dir.path())
            .credentials(BasicCredentials::new("deployer", password))
            .build()
            .unwrap(),
    )
    .unwrap();
    client
        .execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    client
        .flexible_search("SELECT {pk} FROM {Product}")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    let mut seen = 0;
    for entry in walk(dir.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(password),
            "{}",
            entry.display()
        );
        seen += 1;
    }
    assert!(seen >= 2);
    let stored = FileStore::new(dir.path())
        .unwrap()
        .load(&SessionKey::new(hac.url(), "deployer", "local"))
        .unwrap()
        .unwrap();
    assert!(!format!("{stored:?}").contains(&token(&stored)));
    let cookies = field(&stored, "cookies");
    let names: Vec<&str> = cookies
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["raw_cookie"].as_str().unwrap().split('=').next().unwrap())
        .collect();
    assert!(
        names.contains(&"JSESSIONID") && names.contains(&"ROUTE"),
        "{names:?}"
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Signs a payload the way the store does, with the key from the key file.
fn sign(dir: &Path, payload: &str) -> String {
    let hex = std::fs::read_to_string(dir.join("session.key")).unwrap();
    let key = blake3::Hash::from_hex(hex.trim()).unwrap();
    blake3::keyed_hash(key.as_bytes(), payload.as_bytes())
        .to_hex()
        .to_string()
}

fn envelope(dir: &Path, payload: &str, version: u32) -> String {
    serde_json::json!({
        "format": "hac-client-session",
        "version": version,
        "mac": sign(dir, payload),
        "session": payload,
    })
    .to_string()
}

/// The stored file `s` with the session's version set to `inner`, re-signed with the
/// real key inside an envelope of version `outer`.
fn resigned_with_version(dir: &Path, s: &str, inner: u32, outer: u32) -> String {
    let v: serde_json::Value = serde_json::from_str(s).unwrap();
    let payload = v["session"]
        .as_str()
        .unwrap()
        .replace("\"version\":1", &format!("\"version\":{inner}"));
    envelope(dir, &payload, outer)
}

#[test]
fn bad_files_lead_to_fresh_login_and_are_gone() {
    type Mutation = fn(&Path, &Path, String) -> String;
    let mutations: Vec<(&str, Mutation)> = vec![
        ("garbage", |_, _, _| "\u{0}\u{1}not json at all".into()),
        ("empty", |_, _, _| String::new()),
        ("wrong JSON type", |_, _, _| "[1, 2, 3]".into()),
        ("truncated", |_, _, s| s[..s.len() / 2].to_owned()),
        ("tampered payload", |_, _, s| {
            s.replacen("\\\"/hac\\\"", "\\\"/hax\\\"", 1)
        }),
        ("tampered MAC", |_, _, s| {
            let v: serde_json::Value = serde_json::from_str(&s).unwrap();
            let mac = v["mac"].as_str().unwrap();
            let flipped = if mac.starts_with('0') { "1" } else { "0" };
            s.replace(mac, &format!("{flipped}{}", &mac[1..]))
        }),
        ("unknown future version", |dir, _, s| {
            resigned_with_version(dir, &s, 99, 99)
        }),
        ("unknown version inside a valid envelope", |dir, _, s| {
            resigned_with_version(dir, &s, 2, 1)
        }),
        ("wrong shape inside a valid envelope", |dir, _, _| {
            envelope(dir, "{\"hello\":\"world\"}", 1)
        }),
        ("another user's file swapped in", |_, other, _| {
            std::fs::read_to_string(other).unwrap()
        }),
    ];
    for (what, mutate) in mutations {
        let hac = FakeHac::builder()
            .context_path("/hac")
            .user("other", "pw")
            .start();
        let dir = tempfile::tempdir().unwrap();
        file_client(&hac, dir.path()).login().unwrap();
        // A valid session of another user beside it.
        HacClient::new(
            file_config(&hac, dir.path())
                .credentials(BasicCredentials::new("other", "pw"))
                .build()
                .unwrap(),
        )
        .unwrap()
        .login()
        .unwrap();
        let file = session_file(&hac, dir.path(), "admin");
        let other = session_file(&hac, dir.path(), "other");
        let original = std::fs::read_to_string(&file).unwrap();
        let bad = mutate(dir.path(), &other, original.clone());
        assert_ne!(bad, original, "{what}: the mutation changed nothing");
        std::fs::write(&file, &bad).unwrap();
        hac.reset_stats();
        let r = file_client(&hac, dir.path()).execute_groovy("return 1");
        assert!(r.is_ok(), "{what}: {r:?}");
        assert_eq!(hac.stats().logins, 1, "{what}: fresh login");
        let now = std::fs::read_to_string(&file).unwrap();
        assert_ne!(now, bad, "{what}: the bad file is gone");
        assert!(
            FileStore::new(dir.path())
                .unwrap()
                .load(&SessionKey::new(hac.url(), "admin", "local"))
                .unwrap()
                .is_some(),
            "{what}: a valid session replaced it"
        );
        // The other user's session was not touched.
        assert!(other.exists(), "{what}");
    }
}

#[test]
fn bad_files_are_dropped_by_list_too() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::new(dir.path()).unwrap();
    store.save(&sample("a", "dev")).unwrap();
    std::fs::write(dir.path().join("session_deadbeef.json"), "garbage").unwrap();
    std::fs::write(dir.path().join("unrelated.txt"), "keep me").unwrap();
    assert_eq!(store.list().unwrap().len(), 1);
    assert!(!dir.path().join("session_deadbeef.json").exists());
    assert!(dir.path().join("unrelated.txt").exists());
    assert_eq!(store.clear().unwrap(), 1);
    assert!(dir.path().join("unrelated.txt").exists());
}

#[test]
fn foreign_key_files_are_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let a = FileStore::with_key(dir.path(), [1; 32]).unwrap();
    let b = FileStore::with_key(dir.path(), [2; 32]).unwrap();
    let s = sample("admin", "dev");
    a.save(&s).unwrap();
    assert!(b.load(&s.key()).unwrap().is_none());
    assert!(a.load(&s.key()).unwrap().is_none(), "b removed it");
    assert!(
        !dir.path().join("session.key").exists(),
        "supplied keys are not written"
    );
}

#[test]
fn corrupt_key_file_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("session.key"), "short").unwrap();
    let store = FileStore::new(dir.path()).unwrap();
    let s = sample("admin", "dev");
    store.save(&s).unwrap();
    assert!(
        FileStore::new(dir.path())
            .unwrap()
            .load(&s.key())
            .unwrap()
            .is_some()
    );
}

#[test]
fn concurrent_saves_leave_a_valid_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(FileStore::new(dir.path()).unwrap());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                for i in 0..40 {
                    let s = with(
                        &sample("admin", "dev"),
                        "csrf_token",
                        format!("t{t}-{i}-{}", "x".repeat(t * 500)).into(),
                    );
                    store.save(&s).unwrap();
                    assert!(store.load(&s.key()).unwrap().is_some());
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let loaded = store.load(&sample("admin", "dev").key()).unwrap().unwrap();
    let loaded = token(&loaded);
    assert!(loaded.ends_with('x') || loaded.starts_with("t0-"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    // Two stores racing to create the key agree on one.
    let fresh = tempfile::tempdir().unwrap();
    let path = fresh.path().to_path_buf();
    let racers: Vec<_> = (0..6)
        .map(|_| {
            let p = path.clone();
            std::thread::spawn(move || {
                let s = FileStore::new(&p).unwrap();
                s.save(&sample("admin", "dev")).unwrap();
                s
            })
        })
        .collect();
    let stores: Vec<FileStore> = racers.into_iter().map(|t| t.join().unwrap()).collect();
    for s in &stores {
        assert!(s.load(&sample("admin", "dev").key()).unwrap().is_some());
    }
}

#[test]
fn users_and_environments_never_share() {
    let hac = FakeHac::builder()
        .context_path("/hac")
        .user("other", "pw")
        .start();
    let dir = tempfile::tempdir().unwrap();
    for env in ["dev", "prod"] {
        HacClient::new(
            file_config(&hac, dir.path())
                .environment(env)
                .build()
                .unwrap(),
        )
        .unwrap()
        .login()
        .unwrap();
    }
    HacClient::new(
        file_config(&hac, dir.path())
            .credentials(BasicCredentials::new("other", "pw"))
            .build()
            .unwrap(),
    )
    .unwrap()
    .login()
    .unwrap();
    assert_eq!(hac.stats().logins, 3);
    let manager = file_client(&hac, dir.path()).sessions().unwrap();
    let list = manager.list().unwrap();
    assert_eq!(list.len(), 3);
    let mut envs: Vec<String> = list
        .iter()
        .map(|i| format!("{}/{}", i.key.username(), i.key.environment()))
        .collect();
    envs.sort();
    assert_eq!(envs, ["admin/dev", "admin/prod", "other/local"]);
    assert!(
        list.iter()
            .all(|i| i.key.base_url() == hac.url() && i.context_path == "/hac")
    );
    assert!(
        list.iter()
            .all(|i| i.idle < Duration::from_secs(60) && i.age < Duration::from_secs(60))
    );
    assert!(manager.remove(&list[0].key).unwrap());
    assert_eq!(manager.clear().unwrap(), 2);
}

#[test]
fn fixed_context_path_mismatch_is_not_resumed() {
    let hac = FakeHac::builder().context_path("/hac").start();
    let store: Arc<dyn SessionStore> = Arc::new(MemoryStore::new());
    let s = with(&sample("admin", "local"), "base_url", hac.url().into());
    let s = with(&s, "context_path", "".into());
    store.save(&s).unwrap();
    let c = HacClient::new(
        common::config(&hac)
            .session_store(store.clone())
            .context_path("/hac")
            .build()
            .unwrap(),
    )
    .unwrap();
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(hac.stats().logins, 1);
}

/// Counts saves to check the once-a-second throttle.
struct Counting {
    inner: MemoryStore,
    saves: AtomicUsize,
}

impl SessionStore for Counting {
    fn load(&self, key: &SessionKey) -> Result<Option<StoredSession>> {
        self.inner.load(key)
    }
    fn save(&self, s: &StoredSession) -> Result<()> {
        self.saves.fetch_add(1, Ordering::SeqCst);
        self.inner.save(s)
    }
    fn remove(&self, key: &SessionKey) -> Result<bool> {
        self.inner.remove(key)
    }
    fn list(&self) -> Result<Vec<StoredSession>> {
        self.inner.list()
    }
    fn clear(&self) -> Result<usize> {
        self.inner.clear()
    }
}

#[test]
fn last_used_is_written_at_most_once_a_second() {
    let hac = FakeHac::builder().context_path("/hac").start();
    let store = Arc::new(Counting {
        inner: MemoryStore::new(),
        saves: AtomicUsize::new(0),
    });
    let c = HacClient::new(
        common::config(&hac)
            .session_store(store.clone())
            .build()
            .unwrap(),
    )
    .unwrap();
    c.login().unwrap();
    let key = SessionKey::new(hac.url(), "admin", "local");
    let first = last_used_ms(&store.load(&key).unwrap().unwrap());
    assert_eq!(store.saves.load(Ordering::SeqCst), 1);
    let started = std::time::Instant::now();
    for _ in 0..10 {
        c.execute_groovy("return 1")
            .unwrap()
            .error_for_failure_ref()
            .unwrap();
    }
    // At most one save per elapsed second (plus the login's), however slow the machine.
    let allowed = 1 + started.elapsed().as_secs() as usize + 1;
    assert!(store.saves.load(Ordering::SeqCst) <= allowed);
    std::thread::sleep(Duration::from_millis(1100));
    let before = store.saves.load(Ordering::SeqCst);
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(store.saves.load(Ordering::SeqCst), before + 1);
    assert!(last_used_ms(&store.load(&key).unwrap().unwrap()) > first);
}

/// A script runs `hac` every minute: each run is a new process that resumes the session and
/// makes one call. Each must record its use, or the stored session would look idle after
/// 30 minutes and be dropped while it is in use.
#[test]
fn a_resumed_short_lived_client_records_its_use() {
    let hac = FakeHac::builder().context_path("/hac").start();
    let store = Arc::new(Counting {
        inner: MemoryStore::new(),
        saves: AtomicUsize::new(0),
    });
    let client = || {
        HacClient::new(
            common::config(&hac)
                .session_store(store.clone())
                .build()
                .unwrap(),
        )
        .unwrap()
    };
    client().login().unwrap();
    let key = SessionKey::new(hac.url(), "admin", "local");
    let at_login = last_used_ms(&store.load(&key).unwrap().unwrap());
    std::thread::sleep(Duration::from_millis(1100));
    let saves = store.saves.load(Ordering::SeqCst);
    let run = client();
    // The write happens after the first call, so no earlier than this.
    let before_calls = std::time::Instant::now();
    for _ in 0..3 {
        run.execute_groovy("return 1")
            .unwrap()
            .error_for_failure_ref()
            .unwrap();
    }
    // One write for the three calls, right away: not only after a second in this process.
    assert_eq!(store.saves.load(Ordering::SeqCst), saves + 1);
    assert!(last_used_ms(&store.load(&key).unwrap().unwrap()) >= at_login + 1000);
    assert_eq!(hac.stats().logins, 1);
    // Another run within the second does not write again (checked only if the machine
    // was quick enough for "within the second" to hold).
    client()
        .execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    if before_calls.elapsed() < Duration::from_millis(900) {
        assert_eq!(store.saves.load(Ordering::SeqCst), saves + 1);
    }
}

#[test]
fn persistence_off_writes_nothing() {
    let hac = FakeHac::builder().context_path("/hac").start();
    // The default, with no session_persistence call: no store at all.
    let c = HacClient::new(
        hac_client::HacConfig::builder(hac.url())
            .credentials(BasicCredentials::new("admin", "nimda"))
            .build()
            .unwrap(),
    )
    .unwrap();
    assert!(
        c.sessions().is_none(),
        "persistence is off unless asked for"
    );
    c.login().unwrap();
    let c = common::client(&hac);
    assert!(c.sessions().is_none());
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
}

#[test]
fn failed_relogin_removes_the_stored_session() {
    let hac = FakeHac::builder().context_path("/hac").start();
    let dir = tempfile::tempdir().unwrap();
    file_client(&hac, dir.path()).login().unwrap();
    let file = session_file(&hac, dir.path(), "admin");
    hac.expire_sessions();
    let c = HacClient::new(
        file_config(&hac, dir.path())
            .credentials(BasicCredentials::new("admin", "changed-password"))
            .build()
            .unwrap(),
    )
    .unwrap();
    let e = c.execute_groovy("return 1").unwrap_err();
    assert!(
        matches!(e, hac_client::Error::BadCredentials { .. }),
        "{e:?}"
    );
    assert!(!file.exists());
}

/// A store that delegates to `inner` and counts the login-lock attempts it found busy.
struct CountingStore {
    inner: Arc<FileStore>,
    busy: Arc<AtomicUsize>,
}

impl SessionStore for CountingStore {
    fn load(&self, key: &SessionKey) -> Result<Option<StoredSession>> {
        self.inner.load(key)
    }
    fn save(&self, session: &StoredSession) -> Result<()> {
        self.inner.save(session)
    }
    fn remove(&self, key: &SessionKey) -> Result<bool> {
        self.inner.remove(key)
    }
    fn list(&self) -> Result<Vec<StoredSession>> {
        self.inner.list()
    }
    fn clear(&self) -> Result<usize> {
        self.inner.clear()
    }
    fn try_lock_login(&self, key: &SessionKey) -> Result<LockAttempt> {
        let attempt = self.inner.try_lock_login(key)?;
        if matches!(attempt, LockAttempt::Busy) {
            self.busy.fetch_add(1, Ordering::SeqCst);
        }
        Ok(attempt)
    }
}

/// The same files without the lock: another process that logs in regardless.
struct UnlockedStore(Arc<FileStore>);

impl SessionStore for UnlockedStore {
    fn load(&self, key: &SessionKey) -> Result<Option<StoredSession>> {
        self.0.load(key)
    }
    fn save(&self, session: &StoredSession) -> Result<()> {
        self.0.save(session)
    }
    fn remove(&self, key: &SessionKey) -> Result<bool> {
        self.0.remove(key)
    }
    fn list(&self) -> Result<Vec<StoredSession>> {
        self.0.list()
    }
    fn clear(&self) -> Result<usize> {
        self.0.clear()
    }
}

/// The login lock, deterministically: while the test holds it, a client that needs a
/// session logs in nowhere and waits; another process's session stored meanwhile is the
/// one it then uses. One login in all.
#[test]
fn a_held_login_lock_makes_a_client_wait_and_take_the_stored_session() {
    let hac = FakeHac::start();
    let dir = tempfile::tempdir().unwrap();
    let files = Arc::new(FileStore::new(dir.path()).unwrap());
    let key = SessionKey::new(hac.url(), "admin", "local");
    let LockAttempt::Locked(held) = files.try_lock_login(&key).unwrap() else {
        panic!("the file store locks");
    };
    let busy = Arc::new(AtomicUsize::new(0));
    let waiting = common::build(common::config(&hac).session_store(CountingStore {
        inner: files.clone(),
        busy: busy.clone(),
    }));
    let waiter = std::thread::spawn(move || {
        waiting
            .execute_groovy("return 2")
            .and_then(|r| r.into_result())
            .map(|r| r.result)
    });
    // Until the client has found the lock taken (polled, not slept).
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while busy.load(Ordering::SeqCst) == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the client never tried the lock"
        );
        std::thread::yield_now();
    }
    assert_eq!(hac.stats().logins, 0, "no login while the lock is held");
    // Another process logs in and stores its session; then the lock is released.
    common::build(common::config(&hac).session_store(UnlockedStore(files.clone())))
        .login()
        .unwrap();
    assert_eq!(hac.stats().logins, 1);
    drop(held);
    assert_eq!(waiter.join().unwrap().unwrap(), "2");
    assert_eq!(
        hac.stats().logins,
        1,
        "the waiting client took the stored session"
    );
}
