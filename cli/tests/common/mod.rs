//! Running `hac` as a real process in a clean environment, and checking its output.
#![allow(dead_code)] // each test binary uses its own share of these

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use hac_fake::FakeHac;

pub const USER: &str = "ci-user";
/// Distinctive, so that a leak anywhere in the output is unmistakable.
pub const PASSWORD: &str = "Pw-7f3a-CLI-never-shown";

pub fn fake() -> FakeHac {
    FakeHac::builder()
        .context_path("/hac")
        .user(USER, PASSWORD)
        .start()
}

/// An empty configuration file: the developer's own profiles must not leak in.
pub fn empty_config() -> &'static Path {
    static FILE: std::sync::OnceLock<tempfile::NamedTempFile> = std::sync::OnceLock::new();
    FILE.get_or_init(|| tempfile::NamedTempFile::new().unwrap())
        .path()
}

/// The tool with a clean environment: nothing from the developer's shell leaks in, and a
/// private session cache.
pub fn hac(url: &str, cache: &Path) -> Command {
    with_clean_env(env!("CARGO_BIN_EXE_hac"), url, cache)
}

/// `program` with the environment `hac` gets (for a wrapper that runs `hac` itself).
pub fn with_clean_env(program: &str, url: &str, cache: &Path) -> Command {
    let mut c = Command::new(program);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("HAC_") {
            c.env_remove(&k);
        }
    }
    c.env("HAC_URL", url)
        .env("HAC_USER", USER)
        .env("HAC_CACHE_DIR", cache)
        .env("HAC_CONFIG", empty_config())
        .env("RUST_BACKTRACE", "1") // a backtrace must not show up even when enabled
        .stdin(Stdio::null());
    c
}

/// Runs with `stdin` as standard input.
pub fn run(cmd: &mut Command, stdin: &str) -> Output {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn hac");
    let mut input = child.stdin.take().expect("stdin");
    // The tool may exit before reading (e.g. a usage error); a broken pipe is fine.
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    let out = child.wait_with_output().expect("wait");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains(PASSWORD), "password in the output:\n{all}");
    assert!(!all.contains("panicked"), "panic:\n{all}");
    assert!(!all.contains("stack backtrace"), "backtrace:\n{all}");
    out
}

pub fn with_password(mut cmd: Command) -> Command {
    cmd.env("HAC_PASSWORD", PASSWORD);
    cmd
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 stderr")
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited, not killed")
}

#[track_caller]
pub fn assert_exit(o: &Output, expected: i32) {
    assert_eq!(
        code(o),
        expected,
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

/// Each failure is reported as a single line on stderr.
#[track_caller]
pub fn assert_one_error_line(o: &Output, needle: &str) {
    let err = stderr(o);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("hac: ")).collect();
    assert_eq!(lines.len(), 1, "stderr:\n{err}");
    assert!(
        lines[0].contains(needle),
        "{needle:?} not in {:?}",
        lines[0]
    );
}

/// The last request the fake received for a path ending in `suffix`.
#[track_caller]
pub fn last_request(fake: &FakeHac, suffix: &str) -> hac_fake::Request {
    fake.last_request(suffix)
        .unwrap_or_else(|| panic!("no request to {suffix}"))
}

/// Overwrites every session file in `cache` with garbage.
pub fn damage_session_files(cache: &Path) {
    for entry in std::fs::read_dir(cache).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            std::fs::write(&path, "garbage").unwrap();
        }
    }
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).expect("stdout is JSON")
}

/// Writes a configuration file as a user would keep one: private (`hac` refuses a file
/// that others could change, and a CI machine's umask may make new files group-writable).
pub fn write_config(path: impl AsRef<Path>, text: impl AsRef<[u8]>) -> std::io::Result<()> {
    std::fs::write(path.as_ref(), text)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path.as_ref(), std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// A configuration file in `dir` and a `hac` that reads it (the environment's HAC_URL
/// removed, so that the profile's url counts).
pub struct Setup {
    pub dir: tempfile::TempDir,
    pub config: std::path::PathBuf,
}

impl Setup {
    pub fn new(toml: &str) -> Setup {
        let dir = tempfile::TempDir::new().unwrap();
        let config = dir.path().join("config.toml");
        write_config(&config, toml).unwrap();
        Setup { dir, config }
    }

    pub fn cache(&self) -> std::path::PathBuf {
        self.dir.path().join("cache")
    }

    /// `hac` with this configuration and no URL or user from the environment.
    pub fn hac(&self) -> Command {
        let mut c = hac("unused", &self.cache());
        c.env_remove("HAC_URL")
            .env_remove("HAC_USER")
            .env("HAC_CONFIG", &self.config);
        c
    }
}

/// Whether a test that needs `what` can run: true when `available`; when not, false (said
/// on stderr) in a normal run, and a failure under `HAC_TEST_STRICT` (CI), so that a test
/// never passes there without checking anything.
pub fn have(available: bool, what: &str) -> bool {
    if available {
        return true;
    }
    assert!(
        std::env::var_os("HAC_TEST_STRICT").is_none(),
        "HAC_TEST_STRICT: {what} is needed"
    );
    eprintln!("skipped: {what} is missing");
    false
}

/// `program` run with the environment `cmd` would give its child.
pub fn with_env_of(cmd: &Command, program: &str) -> Command {
    let mut c = Command::new(program);
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c
}
