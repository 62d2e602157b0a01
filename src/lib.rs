//! A client for the SAP Commerce (Hybris) Administration Console, **HAC**: run Groovy,
//! FlexibleSearch and SQL, import and validate ImpEx, and run system updates from Rust,
//! against local, dev, staging and production servers.
//!
//! It handles what HAC makes hard: the CSRF token (read from the page with a real HTML
//! parser, renewed after login, masked tokens on 2211), Spring Security's session fixation
//! (the client keeps its own cookie jar and follows the login redirect itself), the CCv2
//! `ROUTE` cookie, the context path (root, `/hac` or any other; detected when not set),
//! the redirect from plain HTTP to HTTPS, and sessions that die, however HAC reports it
//! (a redirect, the login page, 401, 403 or, on 2211, 405): the client logs in again once
//! and retries once. Sessions are persisted between runs (without the password) so that a
//! script run ten times logs in once. FlexibleSearch cells, which HAC sends HTML-escaped,
//! come back as they are in the database.
//!
//! # Quick start
//!
//! HAC answers a failed script, query or import like a successful one (200 with the
//! failure inside), so each result has `into_result()`, which turns a failure into an
//! [`Error`], and `deserialize()` refuses a failed query:
//!
//! ```no_run
//! use hac_client::{BasicCredentials, FlexibleSearch, GroovyScript, HacClient};
//!
//! #[derive(serde::Deserialize)]
//! struct Product { pk: u64, code: String, name: Option<String> }
//!
//! fn main() -> Result<(), hac_client::Error> {
//!     let hac = HacClient::builder("https://localhost:9002")
//!         .credentials(BasicCredentials::new("admin", "nimda"))
//!         .add_root_certificate(std::fs::read("hac.pem").expect("certificate")) // a local HAC's own
//!         .session_persistence(true) // the next run resumes this session
//!         .build()?;
//!     hac.connect()?; // resumes the last run's session without a request, or logs in
//!
//!     let out = hac.execute_groovy("println 'hello'\nreturn 42")?.into_result()?; // rolls back
//!     println!("{} -> {}", out.output, out.result);
//!     hac.execute_groovy(GroovyScript::new("modelService.saveAll()").commit(true))?.into_result()?;
//!
//!     let products: Vec<Product> = hac
//!         .flexible_search(FlexibleSearch::new("SELECT {pk}, {code}, {name} FROM {Product}").max_rows(100))?
//!         .deserialize()?; // Err(Error::Query) if the server reported an exception
//!
//!     hac.import_impex("INSERT_UPDATE Language;isocode[unique=true]\n;de")?.into_result()?;
//!     Ok(())
//! }
//! ```
//!
//! The full results stay available: `success`, `stacktrace`, `exception`, `lines` and the
//! rest are public, for code that inspects a failure instead of propagating it.
//!
//! # Features and defaults
//!
//! No feature is on by default: the blocking client only. `async` adds
//! `nonblocking::HacClient`. A client built with only a URL and credentials:
//!
//! * times out a request after 30 s, an ImpEx import or system update after 30 min
//!   ([`HacConfigBuilder::timeout`], [`HacConfigBuilder::long_timeout`], and per call);
//! * reads at most 256 MiB of an answer ([`HacConfigBuilder::max_response_bytes`]);
//! * verifies TLS with the Mozilla roots ([`HacConfigBuilder::add_root_certificate`] for
//!   a local HAC's own certificate);
//! * takes proxies from `HTTPS_PROXY`/`NO_PROXY` as curl does;
//! * keeps its session in memory only: nothing is written unless asked;
//! * returns at most 200 rows of a query ([`DEFAULT_MAX_ROWS`], HAC's own default;
//!   [`FlexibleSearch::max_rows`]).
//!
//! # Sessions on disk
//!
//! With [`HacConfigBuilder::session_persistence`]`(true)` a session (cookies, CSRF token,
//! metadata; never the password) is kept between runs in a [`FileStore`] in the user's
//! cache directory: one owner-only file per server, user and environment, written
//! atomically and authenticated with a keyed blake3 MAC (the key beside the files), so that
//! a program run ten times logs in once and a tampered or corrupt file is only a fresh
//! login. [`HacConfigBuilder::session_store`] takes any [`SessionStore`] ([`MemoryStore`],
//! or your own); [`SessionManager`] lists and prunes them.
//!
//! # Testing with `hac-fake`
//!
//! The `hac-fake` crate is a stateful fake HAC on loopback, per SAP Commerce version, that
//! counts and records requests: test code that uses this crate without a server.
//!
//! ```
//! let fake = hac_fake::FakeHac::start();
//! let hac = hac_client::HacClient::builder(fake.url())
//!     .credentials(hac_client::BasicCredentials::new("admin", "nimda"))
//!     .build()?;
//! let out = hac.execute_groovy("return 42")?.into_result()?;
//! assert_eq!(out.result, "42");
//! assert_eq!(fake.stats().logins, 1);
//! # Ok::<(), hac_client::Error>(())
//! ```
//!
//! # Versions
//!
//! The client follows HAC as SAP Commerce 1811, 2211.1 and 2211.38 implement it (login
//! page, token format, dead-session answers, console parameters and answers); the tests
//! run against a fake HAC with a profile of each (the `hac-fake` crate).
//!
//! # Blocking and async
//!
//! [`HacClient`] (also [`blocking::HacClient`]) blocks the calling thread. With the
//! `async` feature, `nonblocking::HacClient` has the same methods as `async fn`s; it is
//! generated from the same source and runs the same HTTP stack on a thread pool, so it
//! works under any executor.
//!
//! **Dropping an async call's future does not stop a request already sent**: the server
//! keeps running the script, import or update (and may commit it); only the answer is
//! lost. Use the call's own timeout rather than cancelling, and treat a call that timed out
//! as one that may have run ([`Error::may_have_run`]). **Each call in flight occupies one
//! thread** of the `blocking` crate's pool (up to 500, `BLOCKING_MAX_THREADS`) until the
//! server answers, however long an import or update takes.
//!
//! # Errors
//!
//! Every failure is an [`Error`] variant a caller can match: connect, TLS, timeout, bad
//! credentials, CSRF, a session the server keeps rejecting, permission, a form HAC
//! rejected, HTTP status, invalid response, persistence. None of them contains the password
//! or a session id.
//!
//! # Logging
//!
//! The crate logs through `log` and never logs the password, session ids or CSRF tokens.
//! Two dependencies do when a logger takes everything: html5ever at debug level and below
//! (the HTML it parses, tokens included) and ureq's protocol layer `ureq_proto` at trace level
//! (hex dumps of request heads and answers: the `Cookie` and `X-CSRF-TOKEN` headers; request
//! bodies, so the password, are not dumped). The client warns once when `ureq_proto` trace
//! records would be taken. Keep `html5ever=info,ureq_proto=debug` outside local debugging.

#![deny(missing_docs)]
#![forbid(unsafe_code)]
// docs.rs marks what a feature brings (the async client).
#![cfg_attr(docsrs, feature(doc_cfg))]

// The layers, top down (ARCHITECTURE.md has the map): `client.rs` (compiled twice, blocking
// and async) orchestrates; `core.rs` decides without I/O; `console/` and `ops/` describe
// each operation and read its answer with `page/`; `http/` makes one exchange; `tls/`,
// `session/` and `config/` sit below; `error.rs` and `json_out.rs` are leaves.
mod blocking_pages;
mod config;
mod console;
mod core;
mod error;
mod http;
mod json_out;
mod ops;
mod page;
mod session;
#[cfg(test)]
mod tests;
mod tls;

pub use blocking_pages::Pages;
pub use config::{
    BuildTarget, DEFAULT_LONG_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_SESSION_IDLE,
    DEFAULT_SESSION_MAX_AGE, DEFAULT_TIMEOUT, HacConfig, HacConfigBuilder,
};
pub use console::flexsearch::{
    DEFAULT_MAX_ROWS, FlexibleSearch, FlexibleSearchResult, Row, RowLimit,
};
pub use console::groovy::{GroovyResult, GroovyScript, ScriptType};
pub use console::impex::{
    ImpexImport, ImpexLevel, ImpexLine, ImpexResult, ImpexUpload, ValidationMode,
};
pub use console::pk_paging::PkPager;
pub use console::update::{
    InitMethod, Patch, PatchProcess, PendingPatches, ProjectData, UpdateData, UpdateLog,
    UpdateOutcome, UpdateParameter, UpdateRequest,
};
pub use error::{Error, Result};
pub use ops::export::{ZipLimits, unpack as unpack_zip, unpack_within as unpack_zip_within};
pub use ops::{
    About, AttributeInfo, CacheCounters, CacheRegion, CacheStats, ClusterInfo, ClusterNode,
    ComposedTypeInfo, ConfigAction, ConfigChange, ConfigProperty, CronJob, DataSourceInfo,
    Extension, Health, HealthCheck, HealthStatus, ImpexExport, ImpexExportMode, ImpexExportResult,
    LogLevel, Logger, MemoryInfo, PkInfo,
};
pub use page::xss_filter::xss_filtered;
/// The rustls this crate is built with, for [`HacConfigBuilder::tls_config`].
pub use rustls;
pub use session::credentials::{BasicCredentials, Credentials, EnvCredentials, Password};
pub use session::manager::SessionManager;
pub use session::store::{FileStore, LockAttempt, LoginLock, MemoryStore, SessionStore};
pub use session::stored::{SESSION_FORMAT_VERSION, SessionInfo, SessionKey, StoredSession};
pub use tls::material::public_key_pin;

/// The blocking client.
///
/// ```no_run
/// use hac_client::{blocking::HacClient, BasicCredentials};
/// let hac = HacClient::builder("http://localhost:9001")
///     .credentials(BasicCredentials::new("admin", "nimda"))
///     .build()?;
/// let r = hac.execute_groovy("return 1")?;
/// assert!(r.is_success());
/// # Ok::<(), hac_client::Error>(())
/// ```
#[path = "."]
pub mod blocking {
    pub(crate) use crate::http::transport::blocking::Transport;
    pub(crate) use maybe_async::must_be_sync as maybe;
    /// A client method's example as blocking code: `$call` is the call, as it is.
    macro_rules! call_doc {
        ($before:literal, $call:literal, $after:literal) => {
            concat!(
                "```no_run\n# #![allow(unused)]\n# use hac_client::*;\n",
                "# use hac_client::blocking::HacClient;\n",
                "# fn demo(hac: &HacClient) -> hac_client::Result<()> {\n",
                $before,
                $call,
                $after,
                "\n# Ok(())\n# }\n```"
            )
        };
    }
    /// An example without a request, for the blocking client.
    macro_rules! plain_doc {
        ($body:literal) => {
            call_doc!("", $body, "")
        };
    }
    mod client;
    pub use client::HacClient;
}

/// The async client (feature `async`): the same API with `async fn`s.
///
/// ```no_run
/// # async fn demo() -> hac_client::Result<()> {
/// use hac_client::{nonblocking::HacClient, BasicCredentials};
/// let hac = HacClient::builder("http://localhost:9001")
///     .credentials(BasicCredentials::new("admin", "nimda"))
///     .build()?;
/// let r = hac.flexible_search("SELECT {pk} FROM {Language}").await?;
/// println!("{} rows", r.len());
/// # Ok(()) }
/// ```
///
/// Dropping a call's future does not stop a request already sent: the server may still run
/// it (and commit). Each call in flight occupies one thread of the `blocking` crate's pool
/// until the server answers (see the crate documentation).
#[cfg(feature = "async")]
#[cfg_attr(docsrs, doc(cfg(feature = "async")))]
#[path = "."]
#[allow(clippy::duplicate_mod)] // the same file, compiled a second time as async code
pub mod nonblocking {
    pub(crate) use crate::http::transport::nonblocking::Transport;
    pub(crate) use maybe_async::must_be_async as maybe;
    /// A client method's example as async code: the call is awaited.
    macro_rules! call_doc {
        ($before:literal, $call:literal, $after:literal) => {
            concat!(
                "```no_run\n# #![allow(unused)]\n# use hac_client::*;\n",
                "# use hac_client::nonblocking::HacClient;\n",
                "# async fn demo(hac: &HacClient) -> hac_client::Result<()> {\n",
                $before,
                $call,
                ".await",
                $after,
                "\n# Ok(())\n# }\n```"
            )
        };
    }
    /// An example without a request, for the async client (nothing to await).
    macro_rules! plain_doc {
        ($body:literal) => {
            concat!(
                "```no_run\n# #![allow(unused)]\n# use hac_client::*;\n",
                "# use hac_client::nonblocking::HacClient;\n",
                "# async fn demo(hac: &HacClient) -> hac_client::Result<()> {\n",
                $body,
                "\n# Ok(())\n# }\n```"
            )
        };
    }
    mod client;
    pub use client::HacClient;
}

pub use blocking::HacClient;

/// The README's Rust examples, compiled as doctests so that they stay true (only when
/// doctests are built: not part of the API).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeExamples;
