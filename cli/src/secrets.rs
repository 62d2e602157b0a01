//! Keeping the password short-lived in this process: read from standard input without a
//! buffer that outlives the read, held once, and out of core dumps.

use std::io;

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
