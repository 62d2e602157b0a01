//! The one error type of the library. (Long because each variant's documentation, message
//! and classification live together, so that a new variant is documented, worded and
//! classified in one place.)

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Everything that can go wrong talking to HAC.
///
/// Each message is complete on its own (`{}` shows what the operating system, TLS library
/// or parser said); [`std::error::Error::source`] gives that underlying error too, for code
/// that inspects it (downcast to [`std::io::Error`] or [`rustls::Error`]). Variants are
/// `#[non_exhaustive]`: match them with `{ .. }`; build the ones an implementor of
/// [`SessionStore`](crate::SessionStore) or [`Credentials`](crate::Credentials) returns
/// with [`Error::persistence`] and [`Error::credentials`].
///
/// No variant ever carries a password, a session id or a CSRF token: the fields hold URLs
/// without credentials, paths, status codes, messages written by this library, and short
/// excerpts of server bodies, which are taken from a page's visible text only and have
/// every value the client knows to be secret, and every `password=`, `JSESSIONID=`,
/// `_csrf=`-like value, masked as `[redacted]`.
///
/// ```
/// use hac_client::Error;
/// fn explain(e: &Error) -> &'static str {
///     match e {
///         Error::BadCredentials { .. } => "check the password",
///         Error::Tls { .. } => "check the certificate settings",
///         Error::Timeout { .. } => "the server is slow; raise the timeout",
///         _ => "something else",
///     }
/// }
/// # let _ = explain;
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server could not be reached, nothing was sent: connection refused, unknown host,
    /// network unreachable.
    #[non_exhaustive]
    Connect {
        /// Scheme, host and port.
        url: String,
        /// What the operating system or resolver said.
        message: String,
        /// The underlying error (an I/O, TLS or HTTP error), for [`std::error::Error::source`].
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// The proxy the request goes through could not be reached, or refused to open the
    /// connection to the server (CONNECT answered with an error); nothing reached the
    /// server.
    #[non_exhaustive]
    Proxy {
        /// The proxy's scheme, host and port (never its credentials).
        proxy: String,
        /// The server the request was for: scheme, host and port.
        url: String,
        /// What the operating system or the proxy said.
        message: String,
        /// The underlying error (an I/O, TLS or HTTP error), for [`std::error::Error::source`].
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// The TLS handshake failed (untrusted or expired certificate, wrong host name...).
    #[non_exhaustive]
    Tls {
        /// Scheme, host and port.
        url: String,
        /// The rustls reason, e.g. `invalid peer certificate: UnknownIssuer`.
        reason: String,
        /// The underlying error (an I/O, TLS or HTTP error), for [`std::error::Error::source`].
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// The request was sent, then the connection broke (reset, closed) or the answer was
    /// not HTTP: the server may have run it. Never retried automatically.
    #[non_exhaustive]
    AnswerLost {
        /// The request path.
        path: String,
        /// What the operating system or the HTTP parser said.
        message: String,
        /// The underlying error (an I/O, TLS or HTTP error), for [`std::error::Error::source`].
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// No complete answer within the timeout. The server may still be running the request.
    #[non_exhaustive]
    Timeout {
        /// The request path.
        path: String,
        /// The timeout in force for this call.
        after: Duration,
    },
    /// Any other transport failure (protocol error, broken body, decompression).
    #[non_exhaustive]
    Transport {
        /// The request path.
        path: String,
        /// What went wrong.
        message: String,
        /// The underlying error (an I/O, TLS or HTTP error), for [`std::error::Error::source`].
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// The server refused the user name and password.
    #[non_exhaustive]
    BadCredentials {
        /// The user name that was tried.
        username: String,
    },
    /// Login did not complete for a reason other than the password (for example the server
    /// still shows the login page after a successful-looking login).
    #[non_exhaustive]
    LoginFailed {
        /// What happened.
        reason: String,
    },
    /// A CSRF token was missing from a page, or the server rejected ours.
    #[non_exhaustive]
    Csrf {
        /// What happened.
        reason: String,
    },
    /// A session imported from a browser (`import_session`) could not be used: the cookies
    /// are not a logged-in HAC session, or the session has ended. The client cannot log in
    /// again by itself: import a fresh one.
    #[non_exhaustive]
    ImportedSession {
        /// What happened.
        reason: String,
    },
    /// The server still treats us as logged out after a fresh login and one retry.
    #[non_exhaustive]
    SessionRejected {
        /// The request path.
        path: String,
    },
    /// The server refused the call (401, 403 or 405) even right after a fresh login: the
    /// user lacks the role for this console (HAC answers a missing role like a dead
    /// session, so only a second refusal tells).
    #[non_exhaustive]
    Forbidden {
        /// The request path.
        path: String,
        /// The status of the refusal.
        status: u16,
    },
    /// The server redirected to another origin (another host, or from HTTPS to HTTP).
    /// The client does not follow: cookies and credentials never leave for another host.
    #[non_exhaustive]
    ForeignRedirect {
        /// The request path.
        path: String,
        /// The origin redirected to (scheme, host, port; no path or query).
        target: String,
    },
    /// HAC rejected the form and showed its messages instead of running anything (for
    /// example "Script content should not be empty", "Encoding is required").
    #[non_exhaustive]
    FormRejected {
        /// The request path.
        path: String,
        /// The messages, as HAC shows them.
        messages: Vec<String>,
    },
    /// The request would be larger than the form limit of HAC's Tomcat (6 MiB), above
    /// which HAC silently ignores every parameter, and the endpoint has no upload form.
    #[non_exhaustive]
    FormTooLarge {
        /// The request path.
        path: String,
        /// The size of the form body in bytes.
        bytes: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// A local file to send (an ImpEx script) could not be read.
    #[non_exhaustive]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
        /// The underlying error (an I/O, TLS or HTTP error), for [`std::error::Error::source`].
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// An HTTP status the operation does not expect.
    #[non_exhaustive]
    HttpStatus {
        /// The status code.
        status: u16,
        /// The request path.
        path: String,
        /// The first characters of the body, whitespace collapsed.
        excerpt: String,
    },
    /// The body was not what the operation expects (garbage HTML, malformed JSON, ...).
    #[non_exhaustive]
    InvalidResponse {
        /// The request path.
        path: String,
        /// What the client expected to find.
        expected: String,
        /// Why it did not (parser message, a short excerpt).
        detail: String,
    },
    /// The response body was larger than the configured limit.
    #[non_exhaustive]
    ResponseTooLarge {
        /// The request path.
        path: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// A zip from the server would unpack beyond a [`crate::ZipLimits`] limit (a "zip
    /// bomb", or an export larger than allowed); nothing beyond the limit was written.
    #[non_exhaustive]
    ArchiveTooLarge {
        /// Which limit, and how far the zip went.
        reason: String,
    },
    /// The server answers, but not as HAC: no HAC login page at any path tried (the
    /// configured context path, or `/hac` and root when detecting).
    #[non_exhaustive]
    NotHac {
        /// The server's base URL.
        url: String,
        /// Each page tried, with what it answered.
        tried: Vec<String>,
    },
    /// Redirects that lead back where they started, or too many of them.
    #[non_exhaustive]
    RedirectLoop {
        /// The path the redirects started from.
        path: String,
    },
    /// The server ran the FlexibleSearch or SQL query and reported an error (HAC's
    /// `exception`): a typo in a type or attribute, a syntax error, a failed statement.
    /// From [`FlexibleSearchResult::deserialize`](crate::FlexibleSearchResult::deserialize) and
    /// [`FlexibleSearchResult::into_result`](crate::FlexibleSearchResult::into_result).
    #[non_exhaustive]
    Query {
        /// The server's message.
        message: String,
        /// The server's stack trace, when it sent one.
        stacktrace: Option<String>,
        /// The SQL the query was translated to, when the server got that far.
        translated_query: Option<String>,
    },
    /// The Groovy script ran and failed: it threw, or did not compile. From
    /// [`GroovyResult::into_result`](crate::GroovyResult::into_result).
    #[non_exhaustive]
    Script {
        /// The first line of what HAC reported.
        message: String,
        /// Everything HAC reported (`stacktraceText`).
        stacktrace: String,
        /// What the script printed before it failed.
        output: String,
    },
    /// An ImpEx import or validation reported problems. From
    /// [`ImpexResult::into_result`](crate::ImpexResult::into_result).
    #[non_exhaustive]
    Import {
        /// HAC's summary, e.g. `Import has encountered problems.`.
        summary: String,
        /// The lines HAC listed (unresolved lines with their messages).
        lines: Vec<crate::ImpexLine>,
    },
    /// The server answered an update request with failure. From
    /// [`UpdateOutcome::into_result`](crate::UpdateOutcome::into_result).
    #[non_exhaustive]
    Update {
        /// The update log as text: what HAC reported.
        log: String,
    },
    /// An ImpEx export reported problems. From
    /// [`ImpexExportResult::into_result`](crate::ImpexExportResult::into_result).
    #[non_exhaustive]
    Export {
        /// HAC's summary.
        summary: String,
    },
    /// The result was cut at HAC's default limit of 200 rows, which the query did not
    /// choose, and more rows may match: from
    /// [`FlexibleSearchResult::deserialize`](crate::FlexibleSearchResult::deserialize), so that a
    /// plain `&str` query never passes 200 rows off as all of them.
    #[non_exhaustive]
    Truncated {
        /// The limit the rows reached.
        limit: u32,
    },
    /// A row does not fit the type it was deserialized into: a missing or unknown field,
    /// text that is not a number... The query itself worked.
    #[non_exhaustive]
    Deserialize {
        /// The row's index (0-based).
        row: usize,
        /// The struct field (or the column) concerned, when known.
        field: Option<String>,
        /// The columns the result has.
        columns: Vec<String>,
        /// What serde said.
        message: String,
    },
    /// The pinned cluster node did not answer: the load balancer sent the request to
    /// another node (the node is down, was replaced, or the value is wrong). Nothing ran
    /// on the pinned node; the other node's answer was discarded.
    #[non_exhaustive]
    NodeUnavailable {
        /// The routing cookie value that was asked for.
        node: String,
        /// The value the balancer set instead.
        answered_by: String,
    },
    /// A value given to an operation is not one it takes (an unknown log level, a string
    /// that is no PK...). Nothing was changed.
    #[non_exhaustive]
    InvalidArgument {
        /// What is wrong.
        message: String,
    },
    /// The configuration is invalid (bad URL, unreadable PEM, ...).
    #[non_exhaustive]
    Config {
        /// What is wrong.
        message: String,
    },
    /// The credential provider could not supply a user name or password.
    #[non_exhaustive]
    Credentials {
        /// What went wrong (never the secret itself).
        message: String,
    },
    /// Reading or writing a stored session failed.
    #[non_exhaustive]
    Persistence {
        /// The file involved, if any.
        path: Option<PathBuf>,
        /// What went wrong.
        message: String,
        /// The underlying error (an I/O, TLS or HTTP error), for [`std::error::Error::source`].
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl Error {
    /// True for [`Error::Timeout`].
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Whether the operation may have run on the server: sending it again could run it
    /// twice. False only for failures known to happen before the operation's request left,
    /// or that the server refused before running anything: connect, proxy and TLS
    /// failures, a login that failed, a session or role the server refused, a form HAC
    /// rejected, local validation (arguments, configuration, files, the form limit).
    /// Everything else is true: a timeout, a lost or unreadable answer, an unexpected status,
    /// an answer too large, a failure the server reported (it ran), an answer from another
    /// node than the pinned one (it ran there).
    ///
    /// ```
    /// # fn f(e: hac_client::Error) {
    /// if e.may_have_run() {
    ///     eprintln!("check the server before running it again: {e}");
    /// }
    /// # }
    /// ```
    pub fn may_have_run(&self) -> bool {
        !matches!(
            self,
            Error::Connect { .. }
                | Error::Proxy { .. }
                | Error::Tls { .. }
                | Error::BadCredentials { .. }
                | Error::LoginFailed { .. }
                | Error::Csrf { .. }
                | Error::ImportedSession { .. }
                | Error::SessionRejected { .. }
                | Error::Forbidden { .. }
                | Error::FormRejected { .. }
                | Error::FormTooLarge { .. }
                | Error::File { .. }
                | Error::NotHac { .. }
                | Error::InvalidArgument { .. }
                | Error::Config { .. }
                | Error::Credentials { .. }
        )
    }

    /// Whether trying again later may work and is safe for any operation: the server was
    /// not reached (connect, proxy). Never true for what may have run ([`Error::may_have_run`]):
    /// a balancer's 502 or 503 can follow a request it passed on, so it is not retryable here.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Connect { .. } | Error::Proxy { .. })
    }

    /// True for failures of login or session: bad credentials, login failure, CSRF,
    /// rejected session.
    pub fn is_authentication(&self) -> bool {
        matches!(
            self,
            Error::BadCredentials { .. }
                | Error::LoginFailed { .. }
                | Error::Csrf { .. }
                | Error::SessionRejected { .. }
                | Error::ImportedSession { .. }
        )
    }

    pub(crate) fn invalid(path: &str, expected: &str, detail: impl Into<String>) -> Error {
        Error::InvalidResponse {
            path: path.to_owned(),
            expected: expected.to_owned(),
            detail: detail.into(),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::Config {
            message: message.into(),
        }
    }

    /// [`Error::Persistence`], for a [`SessionStore`](crate::SessionStore) of your own:
    /// `path` the file involved, if any, and the error that stopped it.
    ///
    /// ```
    /// use hac_client::Error;
    /// let e = Error::persistence(None, std::io::Error::other("database is locked"));
    /// assert!(e.to_string().contains("database is locked"));
    /// assert!(std::error::Error::source(&e).is_some());
    /// ```
    pub fn persistence(
        path: Option<PathBuf>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Error {
        let source = source.into();
        Error::Persistence {
            path,
            message: source.to_string(),
            source: Some(source),
        }
    }

    /// [`Error::Persistence`] with a message of ours and no underlying error.
    pub(crate) fn persistence_msg(path: Option<PathBuf>, message: impl fmt::Display) -> Error {
        Error::Persistence {
            path,
            message: message.to_string(),
            source: None,
        }
    }

    /// [`Error::Credentials`], for a [`Credentials`](crate::Credentials) provider of your
    /// own: what went wrong, never the secret.
    ///
    /// ```
    /// let e = hac_client::Error::credentials("the vault is sealed");
    /// assert_eq!(e.to_string(), "credentials unavailable: the vault is sealed");
    /// ```
    pub fn credentials(message: impl Into<String>) -> Error {
        Error::Credentials {
            message: message.into(),
        }
    }

    /// [`Error::InvalidArgument`]: a value an operation does not take.
    pub fn invalid_argument(message: impl Into<String>) -> Error {
        Error::InvalidArgument {
            message: message.into(),
        }
    }

    /// The request path the failure concerns, for the variants that have one.
    pub fn path(&self) -> Option<&str> {
        match self {
            Error::AnswerLost { path, .. }
            | Error::Timeout { path, .. }
            | Error::Transport { path, .. }
            | Error::SessionRejected { path }
            | Error::Forbidden { path, .. }
            | Error::ForeignRedirect { path, .. }
            | Error::FormRejected { path, .. }
            | Error::FormTooLarge { path, .. }
            | Error::HttpStatus { path, .. }
            | Error::InvalidResponse { path, .. }
            | Error::ResponseTooLarge { path, .. }
            | Error::RedirectLoop { path } => Some(path),
            _ => None,
        }
    }

    /// The HTTP status of [`Error::HttpStatus`] and [`Error::Forbidden`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::HttpStatus { status, .. } | Error::Forbidden { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// True when the server (or the proxy) could not be reached: nothing was sent.
    pub fn is_connect(&self) -> bool {
        matches!(self, Error::Connect { .. } | Error::Proxy { .. })
    }

    /// True for a failed TLS handshake.
    pub fn is_tls(&self) -> bool {
        matches!(self, Error::Tls { .. })
    }

    /// A failure the server reported about the operation itself (a script that threw, a
    /// query or import with errors, a failed update or export): it ran.
    pub fn is_operation_failure(&self) -> bool {
        matches!(
            self,
            Error::Query { .. }
                | Error::Script { .. }
                | Error::Import { .. }
                | Error::Update { .. }
                | Error::Export { .. }
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Connect { url, message, .. } => write!(f, "cannot connect to {url}: {message}"),
            Error::Proxy {
                proxy,
                url,
                message,
                ..
            } => write!(
                f,
                "cannot reach {url} through the proxy {proxy}: {message} (nothing reached the server)"
            ),
            Error::Tls { url, reason, .. } => {
                write!(f, "TLS handshake with {url} failed: {reason}")
            }
            Error::AnswerLost { path, message, .. } => write!(
                f,
                "{path}: the request was sent but the answer was lost ({message}); the server may have run it: check before sending it again"
            ),
            Error::Timeout { path, after } => write!(
                f,
                "{path}: no answer within {:.1} s; the server may still be running the request",
                after.as_secs_f64()
            ),
            Error::Transport { path, message, .. } => {
                write!(f, "{path}: transport error: {message}")
            }
            Error::BadCredentials { username } => {
                write!(f, "login as {username:?} failed: bad user name or password")
            }
            Error::LoginFailed { reason } => write!(f, "login failed: {reason}"),
            Error::Csrf { reason } => write!(f, "CSRF: {reason}"),
            Error::ImportedSession { reason } => write!(f, "imported session: {reason}"),
            Error::SessionRejected { path } => write!(
                f,
                "{path}: the server still treats the session as logged out after a fresh login"
            ),
            Error::Forbidden { path, status } => write!(
                f,
                "{path}: refused with HTTP {status} right after a fresh login: the user lacks the role for this console"
            ),
            Error::ForeignRedirect { path, target } => write!(
                f,
                "{path}: the server redirects to {target}, another origin; not following it (if that is the right server, use its URL)"
            ),
            Error::FormRejected { path, messages } => {
                write!(
                    f,
                    "{path}: the server rejected the form: {}",
                    messages.join("; ")
                )
            }
            Error::FormTooLarge { path, bytes, limit } => {
                write!(
                    f,
                    "{path}: the request would be {bytes} bytes, over the server's form limit of {limit} bytes, above which HAC ignores every parameter"
                )?;
                if path.ends_with("/validate") {
                    f.write_str(" (HAC's ImpEx validation has no upload endpoint: validate the script in parts, or import it, which uploads)")?;
                }
                Ok(())
            }
            Error::File { path, message, .. } => write!(f, "{}: {message}", path.display()),
            Error::HttpStatus {
                status,
                path,
                excerpt,
            } => {
                write!(f, "{path}: unexpected HTTP status {status}")?;
                if !excerpt.is_empty() {
                    write!(f, ": {excerpt}")?;
                }
                Ok(())
            }
            Error::InvalidResponse {
                path,
                expected,
                detail,
            } => write!(f, "{path}: expected {expected}: {detail}"),
            Error::ResponseTooLarge { path, limit } => {
                write!(
                    f,
                    "{path}: the answer is larger than the limit of {limit} bytes (nothing beyond it was read)"
                )
            }
            Error::ArchiveTooLarge { reason } => {
                write!(f, "unpacking stopped: {reason}")
            }
            Error::NotHac { url, tried } => write!(
                f,
                "no HAC login page at {url} (tried {}): is this HAC, and are the URL and the context path right?",
                tried.join(", ")
            ),
            Error::RedirectLoop { path } => {
                write!(f, "{path}: the server redirects in a loop")
            }
            Error::Query { message, .. } => {
                write!(f, "the query failed on the server: {message}")
            }
            Error::Script { message, .. } => {
                write!(f, "the script failed on the server: {message}")
            }
            Error::Import { summary, lines } => {
                write!(f, "{}", summary.trim_end_matches('.'))?;
                let mut problems = lines.iter().filter(|l| l.line.is_some());
                if let Some(first) = problems.next() {
                    write!(f, ": {}", first.message)?;
                    let more = problems.count();
                    if more > 0 {
                        write!(f, " (and {more} more)")?;
                    }
                }
                Ok(())
            }
            Error::Update { log } => {
                let last = log.lines().rev().find(|l| !l.trim().is_empty());
                match last {
                    Some(line) => write!(f, "the update failed on the server: {}", line.trim()),
                    None => f.write_str("the update failed on the server"),
                }
            }
            Error::Export { summary } => {
                write!(f, "the export failed on the server: {}", summary.trim())
            }
            Error::Truncated { limit } => write!(
                f,
                "the result stops at HAC's default limit of {limit} rows and more may match: set the number of rows wanted (FlexibleSearch::max_rows, or unlimited)"
            ),
            Error::Deserialize {
                row,
                field,
                columns,
                message,
            } => {
                write!(f, "row {row} does not fit the type: {message}")?;
                if let Some(field) = field {
                    write!(f, " (field `{field}`)")?;
                }
                write!(f, "; the columns are: {}", columns.join(", "))
            }
            Error::NodeUnavailable { node, answered_by } => write!(
                f,
                "node {node:?} did not answer: the load balancer sent the request to {answered_by:?} (the node may be down or replaced, or the routing value wrong)"
            ),
            Error::InvalidArgument { message } => f.write_str(message),
            Error::Config { message } => write!(f, "invalid configuration: {message}"),
            Error::Credentials { message } => write!(f, "credentials unavailable: {message}"),
            Error::Persistence { path, message, .. } => match path {
                Some(p) => write!(f, "session store {}: {message}", p.display()),
                None => write!(f, "session store: {message}"),
            },
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connect { source, .. }
            | Error::Proxy { source, .. }
            | Error::Tls { source, .. }
            | Error::AnswerLost { source, .. }
            | Error::Transport { source, .. }
            | Error::File { source, .. }
            | Error::Persistence { source, .. } => source
                .as_deref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
            _ => None,
        }
    }
}

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
