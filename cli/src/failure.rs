//! Exit codes, and which failure gets which. Scripts branch on these, so they are part of
//! the tool's interface and documented in `--help`.

use std::process::ExitCode;

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything worked.
    Success = 0,
    /// The server ran the operation and it failed (stack trace, query exception, import
    /// errors, update errors), or any failure that fits no other class.
    OperationFailed = 1,
    /// The command line, its input or the local setup is wrong: unreadable file, empty
    /// script, bad option, unusable cache directory, a form HAC rejected.
    Usage = 2,
    /// The server refused the login or the session, or no password was available.
    Authentication = 3,
    /// The server could not be reached: connection, TLS, timeout.
    Connection = 4,
    /// Refused locally by the profile: a write on a protected profile without
    /// confirmation, any write on a read-only one, `--drop-tables` without `--yes`.
    Refused = 5,
    /// Gave up waiting while the server still works: `--wait-timeout` expired and the
    /// update is still running.
    StillRunning = 6,
    /// `hac diff`: the targets differ (not a failure: equal is 0, as diff(1) has it).
    Different = 7,
}

impl Exit {
    /// The class of failure, as a CI report names it.
    pub fn class(self) -> &'static str {
        match self {
            Exit::Success => "success",
            Exit::OperationFailed => "failed on the server",
            Exit::Usage => "usage or local error",
            Exit::Authentication => "authentication",
            Exit::Connection => "connection, TLS or timeout",
            Exit::Refused => "refused by the profile",
            Exit::StillRunning => "still running",
            Exit::Different => "different",
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// A usage problem found by the tool itself (clap reports its own with code 2).
#[derive(Debug)]
pub struct Usage(pub String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// An operation the profile does not allow (or that needs `--yes`), refused before
/// anything was sent.
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// Shorthand for returning a refusal.
pub fn refused(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Refused(message.into()))
}

/// Gave up waiting while the server goes on (exit code 6).
#[derive(Debug)]
pub struct StillRunning(pub String);

impl std::fmt::Display for StillRunning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StillRunning {}

/// Shorthand for returning a "still running" error.
pub fn still_running(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(StillRunning(message.into()))
}

/// Shorthand for returning a usage error from a command.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Usage(message.into()))
}

/// The exit code for a library error.
pub fn classify(error: &hac_client::Error) -> Exit {
    use hac_client::Error as E;
    match error {
        E::Connect { .. }
        | E::Proxy { .. }
        | E::Tls { .. }
        | E::Timeout { .. }
        | E::Transport { .. }
        | E::AnswerLost { .. }
        | E::ForeignRedirect { .. }
        | E::RedirectLoop { .. }
        | E::NodeUnavailable { .. }
        | E::NotHac { .. } => Exit::Connection,
        E::BadCredentials { .. }
        | E::LoginFailed { .. }
        | E::Csrf { .. }
        | E::SessionRejected { .. }
        | E::Forbidden { .. }
        | E::Credentials { .. }
        | E::ImportedSession { .. } => Exit::Authentication,
        E::Config { .. }
        | E::FormRejected { .. }
        | E::FormTooLarge { .. }
        | E::File { .. }
        | E::InvalidArgument { .. }
        | E::Persistence { .. }
        | E::ResponseTooLarge { .. }
        | E::ArchiveTooLarge { .. } => Exit::Usage,
        _ => Exit::OperationFailed,
    }
}

/// The exit code for any error a command returned: the first library or usage error in
/// its chain decides.
pub fn exit_for(error: &anyhow::Error) -> Exit {
    for cause in error.chain() {
        if let Some(e) = cause.downcast_ref::<hac_client::Error>() {
            return classify(e);
        }
        if cause.downcast_ref::<Usage>().is_some() {
            return Exit::Usage;
        }
        if cause.downcast_ref::<Refused>().is_some() {
            return Exit::Refused;
        }
        if cause.downcast_ref::<StillRunning>().is_some() {
            return Exit::StillRunning;
        }
    }
    Exit::OperationFailed
}

/// An error as the one line `hac` prints for it (without the `hac: ` prefix): the whole
/// context chain, then the next step when there is one.
pub fn one_line(error: &anyhow::Error) -> String {
    // The contexts down to the library's error, whose message already says what its
    // source said (the source is there for code, not to be printed twice).
    let mut parts: Vec<String> = Vec::new();
    for cause in error.chain() {
        parts.push(cause.to_string());
        if cause.downcast_ref::<hac_client::Error>().is_some() {
            break;
        }
    }
    let text = parts.join(": ");
    match next_step(error) {
        Some(next) => format!("{text}; {next}"),
        None => text,
    }
}

/// The next step for a failure whose message does not already say what to do: appended
/// to the one error line, so a user (or a CI log reader) knows where to go from there.
/// The library's messages stay free of `hac` flags; this is where the tool adds them.
pub fn next_step(error: &anyhow::Error) -> Option<String> {
    use hac_client::Error as E;
    let e = error
        .chain()
        .find_map(|c| c.downcast_ref::<hac_client::Error>())?;
    Some(match e {
        E::Connect { .. } => {
            "is HAC running at that address and port? `hac doctor` checks step by step".into()
        }
        E::Proxy { .. } => "is the proxy running there, and is it the one to use (--proxy, HAC_PROXY, HTTPS_PROXY, NO_PROXY)? `hac doctor` checks step by step".into(),
        E::Tls { url, reason, .. } => tls_next_step(url, reason)?,
        E::Timeout { .. } => "raise --timeout (--long-timeout for imports and updates)".into(),
        E::BadCredentials { .. } => {
            "check --user and the password (HAC_PASSWORD, --password-stdin or the profile's password_command); only admin-group and hac_* users may log in".into()
        }
        E::Forbidden { .. } | E::SessionRejected { .. } => {
            "use a user in admingroup or with the console's hac_* role (--user)".into()
        }
        E::LoginFailed { .. } | E::Csrf { .. } | E::Transport { .. } | E::RedirectLoop { .. } => {
            "`hac doctor` checks the connection step by step".into()
        }
        E::ResponseTooLarge { .. } => {
            "raise --max-response (HAC_MAX_RESPONSE; 256M by default), or ask for less".into()
        }
        E::NodeUnavailable { .. } => {
            "`hac nodes` lists the nodes with the ROUTE values that reach them".into()
        }
        E::HttpStatus { status, .. } if *status >= 500 => {
            "the server failed: its console log has the cause".into()
        }
        E::HttpStatus { .. } => {
            "`hac doctor` checks the URL, context path and login step by step".into()
        }
        _ => return None,
    })
}

/// What to do about a failed handshake with `url` (scheme://host:port), with the real host
/// and port: the commands to run, not library names.
pub fn tls_next_step(url: &str, reason: &str) -> Option<String> {
    let authority = url.split("://").nth(1).unwrap_or(url).trim_end_matches('/');
    let authority = if authority.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:443")
    };
    if reason.contains("not issued by a CA") || reason.contains("CA certificate as its own") {
        Some(format!(
            "fetch the server's certificate with `openssl s_client -showcerts -connect {authority} </dev/null > hac.pem`, check it with the server's owner, then pass --ca-cert hac.pem"
        ))
    } else if reason.contains("does not name") || reason.contains("is not for") {
        Some(format!(
            "reach the server by a name its certificate names (`openssl s_client -connect {authority} </dev/null | openssl x509 -noout -ext subjectAltName` lists them)"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn library_errors_keep_their_class_under_context() {
        let e: Result<(), hac_client::Error> = Err(hac_client::Error::credentials("none"));
        let e = e.context("login").unwrap_err();
        assert_eq!(exit_for(&e), Exit::Authentication);
        assert_eq!(exit_for(&usage("empty script")), Exit::Usage);
        assert_eq!(exit_for(&anyhow::anyhow!("other")), Exit::OperationFailed);
        assert_eq!(exit_for(&refused("protected")), Exit::Refused);
    }

    #[test]
    fn next_steps_for_the_failures_that_need_one() {
        let step = tls_next_step(
            "https://10.0.0.5:9002",
            "the server's certificate is not issued by a CA this client trusts: x",
        )
        .unwrap();
        assert!(
            step.contains("-connect 10.0.0.5:9002") && step.contains("--ca-cert"),
            "{step}"
        );
        let script = usage("empty script");
        assert_eq!(next_step(&script), None);
        // The library's error ends the line: its source is not printed a second time.
        let io = hac_client::Error::persistence(None, std::io::Error::other("disk full"));
        let line = one_line(&anyhow::Error::new(io).context("saving the session"));
        assert_eq!(line.matches("disk full").count(), 1, "{line}");
    }
}
