//! Keeping the password short-lived in this process: read from standard input without a
//! buffer that outlives the read, held once, and out of core dumps.

use std::io;

use hac_client::Password;
use zeroize::Zeroizing;

/// Longest password line read; more is refused rather than grown (a growing buffer would
/// leave copies behind in freed memory).
const MAX_LINE: usize = 4096;

/// Reads the first line of standard input (without its line end) into memory that is
/// wiped on drop. On Unix the bytes are read straight from the file descriptor, one at a
/// time, so nothing after the line is consumed and no copy stays in a stdin buffer.
pub fn read_password_line() -> io::Result<Zeroizing<String>> {
    let mut bytes: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::with_capacity(MAX_LINE));
    loop {
        let mut one = [0u8; 1];
        let n = read_byte(&mut one)?;
        if n == 0 || one[0] == b'\n' {
            break;
        }
        if bytes.len() == MAX_LINE {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the password line is too long",
            ));
        }
        bytes.push(one[0]);
    }
    if bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "the password is not UTF-8"))?;
    let mut out = Zeroizing::new(String::with_capacity(text.len()));
    out.push_str(text);
    Ok(out)
}

#[cfg(unix)]
fn read_byte(one: &mut [u8; 1]) -> io::Result<usize> {
    loop {
        match rustix::io::read(rustix::stdio::stdin(), &mut one[..]) {
            Ok(n) => return Ok(n),
            Err(e) if e == rustix::io::Errno::INTR => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

#[cfg(not(unix))]
fn read_byte(one: &mut [u8; 1]) -> io::Result<usize> {
    use std::io::Read;
    std::io::stdin().lock().read(&mut one[..])
}

/// No core dump of this process (it may hold a password and a session): the core size
/// limit set to zero, and on Linux the process marked not dumpable (which also keeps
/// other processes of the same user from reading its memory through `/proc`).
pub fn no_core_dumps() {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, setrlimit};
        let _ = setrlimit(
            Resource::Core,
            Rlimit {
                current: Some(0),
                maximum: Some(0),
            },
        );
    }
    #[cfg(target_os = "linux")]
    let _ = rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
}

/// How long a password command may take when the profile does not say
/// (`password_command_timeout`): long enough to type a passphrase into a pinentry.
pub const DEFAULT_COMMAND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Kills every process descended from `pid`, deepest first (Linux, read from `/proc`; a
/// process group would do it everywhere, but would also take a password command that asks
/// on the terminal, as `pass` and gpg do, out of the terminal's foreground group).
#[cfg(target_os = "linux")]
fn stop_descendants(pid: u32) {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for e in entries.flatten() {
            let Some(n) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
                continue;
            };
            // `pid (comm) state ppid …`, where comm may hold spaces and parentheses.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if let Some(ppid) = ppid {
                parents.push((n, ppid));
            }
        }
    }
    let mut found = vec![pid];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, pp)| *pp == parent)
                .map(|(p, _)| *p),
        );
        i += 1;
    }
    for p in found.into_iter().skip(1).rev() {
        if let Some(p) = rustix::process::Pid::from_raw(p as i32) {
            let _ = rustix::process::kill_process(p, rustix::process::Signal::KILL);
        }
    }
}

/// Elsewhere the command itself is stopped; what it started is left to the system.
#[cfg(not(target_os = "linux"))]
fn stop_descendants(_pid: u32) {}

/// Runs a password command (`password_command = "pass show hac/staging"`) through the
/// shell and takes the first line of its standard output. Its standard error goes to the
/// user as usual; its output never appears in a message. `what` names the setting and its
/// profile.
///
/// Reading stops at the first line: the rest is never read, so `yes pw` works (it ends on
/// the closed pipe), and a background process that keeps the pipe open does not hold `hac`
/// up. A command that prints no line within `timeout` is stopped and reported; one that
/// printed its line and lingers is stopped after a short grace. A command that exits with
/// a failure is a failure, whatever it printed.
pub fn run_password_command(
    command: &str,
    what: &str,
    timeout: std::time::Duration,
) -> hac_client::Result<Password> {
    use std::io::Read;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let fail = |why: String| hac_client::Error::credentials(format!("{what} `{command}` {why}"));
    let mut cmd = if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.args(["/C", command]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", command]);
        c
    };
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("could not be started: {e}")))?;
    let started = Instant::now();
    let Some(mut stdout) = child.stdout.take() else {
        return Err(fail("has no output to read".into()));
    };
    // The first line, read on a thread so that waiting for it can time out. Into wiped
    // memory, allocated once: a growing buffer would leave copies behind.
    let (tx, rx) = std::sync::mpsc::channel::<std::io::Result<Zeroizing<Vec<u8>>>>();
    std::thread::spawn(move || {
        let mut line: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::with_capacity(MAX_LINE));
        let mut byte = [0u8; 1];
        let result = loop {
            match stdout.read(&mut byte) {
                Ok(0) => break Ok(()),
                Ok(_) if byte[0] == b'\n' => break Ok(()),
                Ok(_) if line.len() == MAX_LINE => {
                    break Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "the first line is too long",
                    ));
                }
                Ok(_) => line.push(byte[0]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => break Err(e),
            }
        };
        // Dropping `stdout` here closes our end of the pipe: a command still writing ends.
        let _ = tx.send(result.map(|()| line));
    });
    let stop = |child: &mut std::process::Child| {
        // What the shell started (`sleep 100; echo pw`) would outlive it, holding our
        // stderr and running on after we gave up: stopped first, while still findable as
        // the shell's descendants.
        stop_descendants(child.id());
        let _ = child.kill();
        let _ = child.wait();
    };
    let line = match rx.recv_timeout(timeout) {
        Ok(Ok(line)) => line,
        Ok(Err(e)) => {
            stop(&mut child);
            return Err(fail(format!("could not be read: {e}")));
        }
        Err(_) => {
            stop(&mut child);
            return Err(fail(format!(
                "printed no line within {} (password_command_timeout); it was stopped",
                humantime::format_duration(timeout)
            )));
        }
    };
    // The command itself (not what it started in the background) should end now.
    let grace = timeout
        .saturating_sub(started.elapsed())
        .min(Duration::from_secs(2));
    let deadline = Instant::now() + grace;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Ok(None) => {
                stop(&mut child);
                break None;
            }
            Err(e) => return Err(fail(format!("could not be waited for: {e}"))),
        }
    };
    if let Some(status) = status
        && !status.success()
        && !ended_on_closed_pipe(&status)
    {
        return Err(fail(format!("failed ({status}); its output is not shown")));
    }
    let mut line = &line[..];
    if line.last() == Some(&b'\r') {
        line = &line[..line.len() - 1];
    }
    if line.is_empty() {
        return Err(fail("printed no password".into()));
    }
    let text = std::str::from_utf8(line).map_err(|_| fail("printed no UTF-8 text".into()))?;
    let mut password = String::with_capacity(text.len());
    password.push_str(text);
    Ok(Password::new(password))
}

/// A command that ended because we stopped reading (SIGPIPE, or a shell's 141 for it):
/// not a failure, its line was read.
fn ended_on_closed_pipe(status: &std::process::ExitStatus) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        status.signal() == Some(13) || status.code() == Some(141)
    }
    #[cfg(not(unix))]
    {
        let _ = status;
        false
    }
}

/// `Basic base64(user:password)` for a gateway's `Authorization` header.
pub fn basic_auth(user: &str, password: &Password) -> String {
    use base64::Engine;
    let mut pair = Zeroizing::new(String::with_capacity(
        user.len() + 1 + password.expose().len(),
    ));
    pair.push_str(user);
    pair.push(':');
    pair.push_str(password.expose());
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair.as_bytes())
    )
}

/// The keyring entry of a server and user.
#[derive(Debug, Clone)]
pub struct KeyringEntry {
    #[cfg_attr(not(feature = "keyring"), allow(dead_code))]
    service: String,
    #[cfg_attr(not(feature = "keyring"), allow(dead_code))]
    user: String,
}

impl KeyringEntry {
    /// The entry for `user` at `url` (service `hac:<url>`).
    pub fn new(url: &str, user: &str) -> KeyringEntry {
        KeyringEntry {
            service: format!("hac:{}", url.trim_end_matches('/')),
            user: user.to_owned(),
        }
    }

    /// The stored password: `Ok(None)` when the keyring has none, `Err` (why) when the
    /// keyring cannot be used at all.
    #[cfg(feature = "keyring")]
    pub fn get(&self) -> Result<Option<Password>, String> {
        let entry = keyring::Entry::new(&self.service, &self.user).map_err(|e| e.to_string())?;
        match entry.get_password() {
            Ok(p) => Ok(Some(Password::new(p))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Stores `password`.
    #[cfg(feature = "keyring")]
    pub fn set(&self, password: &Password) -> anyhow::Result<()> {
        let entry = keyring::Entry::new(&self.service, &self.user)
            .map_err(|e| crate::failure::usage(format!("the keyring: {e}")))?;
        entry.set_password(password.expose()).map_err(|e| {
            // A store can fail half-way (on Linux: added to the session keyring, then
            // refused by the persistent one): what was stored is taken back, so that a
            // password hac reports as not stored is not left behind.
            let _ = entry.delete_credential();
            crate::failure::usage(format!(
                "cannot store the password in the system keyring ({e}); use password_command \
                 instead"
            ))
        })
    }

    /// Without keyring support: the keyring cannot be used.
    #[cfg(not(feature = "keyring"))]
    pub fn get(&self) -> Result<Option<Password>, String> {
        Err("this hac was built without keyring support (feature `keyring`)".into())
    }

    /// Without keyring support: refused.
    #[cfg(not(feature = "keyring"))]
    pub fn set(&self, _password: &Password) -> anyhow::Result<()> {
        Err(crate::failure::usage(
            "this hac was built without keyring support (feature `keyring`); use \
             password_command instead",
        ))
    }
}
