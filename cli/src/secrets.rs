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

/// Runs a password command (`password_command = "pass show hac/staging"`) through the
/// shell and takes the first line of its standard output. Its standard error goes to the
/// user as usual; its output never appears in a message. `what` names the setting.
pub fn run_password_command(command: &str, what: &str) -> hac_client::Result<Password> {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let fail = |why: String| hac_client::Error::Credentials {
        message: format!("{what} `{command}` {why}"),
    };
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
    // Read into wiped memory, allocated once: a growing buffer would leave copies behind.
    let mut bytes: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::with_capacity(MAX_LINE * 4));
    let read = child
        .stdout
        .take()
        .map(|out| out.take(MAX_LINE as u64 * 4).read_to_end(&mut bytes));
    let status = child
        .wait()
        .map_err(|e| fail(format!("could not be waited for: {e}")))?;
    if !status.success() {
        return Err(fail(format!("failed ({status}); its output is not shown")));
    }
    if let Some(Err(e)) = read {
        return Err(fail(format!("could not be read: {e}")));
    }
    let line_end = bytes
        .iter()
        .position(|b| *b == b'\n')
        .unwrap_or(bytes.len());
    let mut line = &bytes[..line_end];
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
    service: String,
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

    /// The stored password; `None` when there is none or the keyring cannot be used
    /// (then a debug line says why).
    #[cfg(feature = "keyring")]
    pub fn get(&self) -> Option<Password> {
        let entry = keyring::Entry::new(&self.service, &self.user).ok()?;
        match entry.get_password() {
            Ok(p) => Some(Password::new(p)),
            Err(e) => {
                log::debug!("no password from the keyring: {e}");
                None
            }
        }
    }

    /// Stores `password`.
    #[cfg(feature = "keyring")]
    pub fn set(&self, password: &Password) -> anyhow::Result<()> {
        let entry = keyring::Entry::new(&self.service, &self.user)
            .map_err(|e| crate::failure::usage(format!("the keyring: {e}")))?;
        entry.set_password(password.expose()).map_err(|e| {
            crate::failure::usage(format!(
                "cannot store the password in the system keyring ({e}); use password_command \
                 instead"
            ))
        })
    }

    /// Without keyring support: nothing stored.
    #[cfg(not(feature = "keyring"))]
    pub fn get(&self) -> Option<Password> {
        None
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
