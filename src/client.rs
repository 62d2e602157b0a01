// The public operations, one method each with its example and errors (hence the length:
// no logic lives here). This file is compiled twice: as `crate::blocking` (every `async`/`.await` stripped by
// `maybe_async::must_be_sync`) and as `crate::nonblocking` (left async by
// `must_be_async`). Keep it to orchestration: every decision lives in `crate::core`,
// `crate::page::dead_session` and the console modules, every type outside this file, so both clients
// share them. `.await` must not sit inside a macro call (maybe-async cannot strip it there).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use url::Url;

use super::{Transport, maybe};

// Sending, redirects, login and the retry loop: the other half of the twice-compiled client.
mod session_flow;
use crate::config::{BuildTarget, HacConfig, HacConfigBuilder, sealed};
use crate::console::flexsearch::{self, FlexibleSearch, FlexibleSearchResult};
use crate::console::groovy::{self, GroovyResult, GroovyScript};
use crate::console::impex::{self, ImpexImport, ImpexResult};
use crate::console::update::{
    self, PendingPatches, UpdateData, UpdateLog, UpdateOutcome, UpdateRequest,
};
use crate::core::Core;
use crate::error::{Error, Result};
use crate::http::call::Call;
use crate::http::cookies::CookieJar;
use crate::http::redirects::is_channel_upgrade;
use crate::http::transport::safe_path;
use crate::ops::{
    self, About, CacheStats, ClusterInfo, ConfigChange, ConfigProperty, CronJob, DataSourceInfo,
    Extension, Health, ImpexExportResult, LogLevel, Logger, MemoryInfo, PkInfo,
};
use crate::page::dead_session::{Liveness, classify};
use crate::page::html::PageInfo;
use crate::session::manager::SessionManager;
use std::collections::BTreeMap;

/// A client of one HAC server as one user.
///
/// Cloning is cheap (the session, the connection pool and the configuration are shared),
/// so move clones into threads and tasks: logins are serialized, so many threads using one
/// client log in once.
///
/// Log-in happens on the first call, or up front with [`HacClient::connect`] (which
/// resumes a stored session without a request) or [`HacClient::login`] (always a fresh
/// session). If the server answers that the session is gone, the client logs in again once
/// and retries the call once.
#[derive(Clone)]
pub struct HacClient {
    core: Arc<Core>,
    transport: Transport,
    /// This handle's timeout, from [`HacClient::with_timeout`].
    timeout: Option<Duration>,
}

impl fmt::Debug for HacClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HacClient")
            .field("base_url", &self.core.base())
            .field("context_path", &self.core.context())
            .field("environment", &self.core.config.environment)
            .field("logged_in", &self.core.is_logged_in())
            .finish_non_exhaustive()
    }
}

impl sealed::Sealed for HacClient {}

impl BuildTarget for HacClient {
    fn from_config(config: HacConfig) -> Result<Self> {
        HacClient::new(config)
    }
}

#[maybe(AFIT)]
impl HacClient {
    /// Starts configuring a client for the server at `base_url`; `build()` returns the
    /// client. The same settings as [`HacConfig::builder`], in one step.
    ///
    #[doc = plain_doc!("let hac = HacClient::builder(\"https://localhost:9002\")\n    .credentials(BasicCredentials::new(\"admin\", \"nimda\"))\n    .add_root_certificate(std::fs::read(\"hac-cert.pem\").unwrap_or_default())\n    .build()?;")]
    pub fn builder(base_url: impl Into<String>) -> HacConfigBuilder<HacClient> {
        HacConfigBuilder::new(base_url)
    }

    /// Creates a client. No request is made until the first call.
    ///
    #[doc = plain_doc!("let config = HacConfig::builder(\"https://localhost:9002\")\n    .credentials(BasicCredentials::new(\"admin\", \"nimda\"))\n    .build()?;\nlet hac = HacClient::new(config)?;")]
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the TLS settings cannot be put together.
    pub fn new(config: HacConfig) -> Result<Self> {
        Ok(HacClient {
            transport: Transport::new(&config)?,
            core: Arc::new(Core::new(config)),
            timeout: None,
        })
    }

    /// A handle on the same client (same session) whose requests wait at most `timeout`
    /// for an answer instead of the configured timeouts, for operations without a
    /// per-call timeout of their own (`update_data`, `pending_patches`, `update_log`, ...);
    /// a per-call timeout (`FlexibleSearch::timeout`, `GroovyScript::timeout`, ...) still
    /// wins. Timeouts above 30 days are taken as 30 days.
    ///
    #[doc = call_doc!("let slow = hac.with_timeout(std::time::Duration::from_secs(120));\nlet data = ", "slow.update_data()", "?;")]
    #[must_use = "with_timeout returns a new handle; the client itself is unchanged"]
    pub fn with_timeout(&self, timeout: Duration) -> HacClient {
        HacClient {
            // Capped here: it replaces the configured timeouts, which are capped already.
            timeout: Some(timeout.min(crate::config::MAX_TIMEOUT)),
            ..self.clone()
        }
    }

    /// The configuration.
    ///
    #[doc = plain_doc!("println!(\"{}\", hac.config().base_url());")]
    pub fn config(&self) -> &HacConfig {
        &self.core.config
    }

    /// The context path in use: configured, detected, or resumed; `None` before the
    /// first login when it is to be detected.
    ///
    #[doc = plain_doc!("if let Some(ctx) = hac.context_path() {\n    println!(\"HAC is at {ctx:?}\");\n}")]
    pub fn context_path(&self) -> Option<String> {
        self.core.context()
    }

    /// The value of the load balancer's routing cookie (`ROUTE` on SAP Commerce Cloud, or
    /// [`route_cookie_name`](crate::HacConfigBuilder::route_cookie_name)) the client holds:
    /// the cluster node that answered its requests, as the balancer names it. `None`
    /// before any answer set one, or without a balancer. Takes no request.
    ///
    #[doc = plain_doc!("println!(\"answered by {:?}\", hac.route());")]
    pub fn route(&self) -> Option<String> {
        self.core.route()
    }

    /// The base URL requests go to: the configured one, or its HTTPS form after the server
    /// redirected plain HTTP there.
    ///
    #[doc = plain_doc!("println!(\"{}\", hac.base_url());")]
    pub fn base_url(&self) -> String {
        self.core.base()
    }

    /// True when the client holds a session it believes to be valid, taking a usable
    /// stored one from the session store if it has none yet. No request is made: the server
    /// may still have ended the session ([`HacClient::check_session`] asks it).
    ///
    #[doc = plain_doc!("if !hac.is_logged_in() {\n    println!(\"the first call logs in\");\n}")]
    pub fn is_logged_in(&self) -> bool {
        self.core.ensure_session().unwrap_or(false)
    }

    /// Makes sure the client has a session: resumes a stored one when there is one (no
    /// request), else logs in. Unlike [`HacClient::login`], which always starts a fresh
    /// session, this is the call to make up front.
    ///
    #[doc = call_doc!("", "hac.connect()", "?; // no request when the last run's session is stored")]
    ///
    /// # Errors
    ///
    /// Those of [`HacClient::login`], when there is no stored session to resume.
    pub async fn connect(&self) -> Result<()> {
        let seen = self.core.generation();
        if self.core.ensure_session()? {
            return Ok(());
        }
        self.login_unless_renewed(Some(seen)).await
    }

    /// The stored sessions of this client's store, if persistence is on.
    ///
    #[doc = plain_doc!("if let Some(sessions) = hac.sessions() {\n    println!(\"{} stored\", sessions.list()?.len());\n}")]
    pub fn sessions(&self) -> Option<SessionManager> {
        SessionManager::from_config(&self.core.config)
    }

    /// Takes a session logged in elsewhere, e.g. in a browser through single sign-on, from
    /// the `Cookie` header that browser sends to HAC (`JSESSIONID=...; ROUTE=...`, as the
    /// developer tools show it). The session is checked with one request to HAC's home
    /// page (which also gives the CSRF token), then used and stored like one from a login.
    ///
    /// When an imported session ends, the client does not log in with the credentials:
    /// calls fail with [`Error::ImportedSession`] until a fresh one is imported.
    ///
    #[doc = call_doc!("", "hac.import_session(\"JSESSIONID=8A3F...; ROUTE=.node1\")", "?;")]
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a header that is not cookies; [`Error::ImportedSession`]
    /// when the server does not take them for a logged-in session; [`Error::NotHac`] when no
    /// HAC answers at the URL; transport errors.
    pub async fn import_session(&self, cookie_header: &str) -> Result<()> {
        let base = Url::parse(&self.core.base()).map_err(|e| Error::config(e.to_string()))?;
        // What the caller gave is at fault here, not the server: an argument error.
        let mut jar = CookieJar::from_cookie_header(cookie_header, &base).map_err(|reason| {
            Error::InvalidArgument {
                message: format!("the cookie header: {reason}"),
            }
        })?;
        let configured = self.core.config.context_path.clone();
        let candidates = match &configured {
            Some(ctx) => vec![ctx.clone()],
            None => vec!["/hac".to_owned(), String::new()],
        };
        let mut tried = Vec::new();
        for ctx in candidates {
            let url = self.core.url(&ctx, "/", None)?;
            let (resp, _) = self.get_following(&mut jar, url.clone()).await?;
            let info = PageInfo::parse(&resp.body);
            if resp.status == 200 && info.is_login_page {
                return Err(Error::ImportedSession {
                    reason: "the server answers with its login page: these cookies are not a \
                             logged-in HAC session (log in in the browser, then copy them again)"
                        .into(),
                });
            }
            match (resp.status, info.csrf) {
                (200, Some(token)) => {
                    self.core.finish_import(jar, &ctx, token, info.csrf_header);
                    log::info!("imported a session for {}", self.core.base());
                    return Ok(());
                }
                (status, _) => tried.push(format!("{} ({status})", safe_path(&url))),
            }
        }
        Err(Error::NotHac {
            url: self.core.base(),
            tried,
        })
    }

    /// Logs in now: login page, form POST with the CSRF token, the redirect after it, and
    /// the fresh token from a page behind it. Replaces any session the client had.
    ///
    #[doc = call_doc!("", "hac.login()", "?;")]
    ///
    /// # Errors
    ///
    /// [`Error::BadCredentials`]; [`Error::LoginFailed`] and [`Error::Csrf`] when the login
    /// does not complete; [`Error::NotHac`] when no HAC login page answers;
    /// [`Error::Credentials`] when the credentials cannot be had; transport errors.
    pub async fn login(&self) -> Result<()> {
        self.login_unless_renewed(None).await
    }

    /// Checks with one request whether the server still accepts the session. Does not
    /// log in.
    ///
    #[doc = call_doc!("if !", "hac.check_session()", "? {\n    println!(\"the session is gone: the next call logs in\");\n}")]
    ///
    /// # Errors
    ///
    /// Transport errors; [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn check_session(&self) -> Result<bool> {
        if !self.core.ensure_session()? {
            return Ok(false);
        }
        let ctx = self.core.context().unwrap_or_default();
        let mut url = self.core.url(&ctx, "/", None)?;
        let mut resp = self.send(self.core.page_request(url.clone())).await?;
        if is_channel_upgrade(&url, resp.status, resp.location.as_deref()) {
            url = self
                .core
                .follow(&url, resp.location.as_deref().unwrap_or_default())?;
            resp = self.send(self.core.page_request(url)).await?;
        }
        let alive = resp.status == 200 && classify(&resp) == Liveness::Alive;
        if alive {
            self.core.update_csrf(&PageInfo::parse(&resp.body));
            self.core.touch();
        } else {
            self.core.forget(self.core.generation());
        }
        Ok(alive)
    }

    /// Ends the session on the server (a POST with the CSRF token, as HAC requires) and
    /// removes it from the store. The local session is gone even if the server cannot be
    /// reached.
    ///
    #[doc = call_doc!("", "hac.logout()", "?;")]
    ///
    /// # Errors
    ///
    /// Transport errors (the local session is gone anyway).
    pub async fn logout(&self) -> Result<()> {
        let had = self.core.ensure_session().unwrap_or(false);
        let result = if had {
            let call = Call::post_form("/j_spring_security_logout", Vec::new(), false);
            match self.core.build(&call) {
                Ok((req, sent_at)) => self.send_built(req, sent_at).await.map(|_| ()),
                Err(e) => Err(e),
            }
        } else {
            Ok(())
        };
        self.core.discard();
        result
    }

    /// Runs a script in the scripting console (a `&str` is Groovy that rolls back).
    ///
    #[doc = call_doc!("let out = ", "hac.execute_groovy(\"println 'hi'\\nreturn 42\")", "?.into_result()?;\nassert_eq!(out.result, \"42\");")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's. [`Error::FormTooLarge`] for a
    /// script over HAC's form limit. A script that threw is not an error here
    /// ([`GroovyResult::into_result`] makes it one).
    pub async fn execute_groovy(&self, script: impl Into<GroovyScript>) -> Result<GroovyResult> {
        let script = script.into();
        self.core.warn_if_filtered("Groovy script", script.text());
        let call = script.call()?;
        let started = Instant::now();
        let resp = self.call(&call).await?;
        groovy::parse(&resp, &script, started.elapsed())
    }

    /// Runs a FlexibleSearch or SQL query (a `&str` is a FlexibleSearch with HAC's
    /// defaults: at most 200 rows).
    ///
    #[doc = call_doc!("let r = ", "hac.flexible_search(FlexibleSearch::new(\"SELECT {pk}, {code} FROM {Product}\").max_rows(50))", "?.into_result()?;\nfor row in r.rows() {\n    println!(\"{:?}\", row.get(\"code\"));\n}")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's. A query the server rejected is
    /// not an error here ([`FlexibleSearchResult::into_result`] and
    /// [`FlexibleSearchResult::deserialize`] make it one).
    pub async fn flexible_search(
        &self,
        query: impl Into<FlexibleSearch>,
    ) -> Result<FlexibleSearchResult> {
        let query = query.into();
        let resp = self.call(&query.call()).await?;
        let mut result = flexsearch::parse(&resp, query.row_limit())?;
        result.default_limit = !query.limit_is_chosen();
        Ok(result)
    }

    /// The next page of a FlexibleSearch read by PK (see [`PkPager`]); `None` after the
    /// last. A server-side failure is [`Error::Query`].
    ///
    /// [`PkPager`]: crate::PkPager
    ///
    #[doc = call_doc!("let mut pager = PkPager::new(FlexibleSearch::new(\"SELECT {pk}, {code} FROM {Product}\"), 1000)?;\nwhile let Some(page) = ", "hac.flexible_search_page(&mut pager)", "? {\n    println!(\"{} rows\", page.len());\n}")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's. [`Error::Query`] when the
    /// server rejects a page's query; [`Error::InvalidResponse`] when the PKs do not ascend.
    pub async fn flexible_search_page(
        &self,
        pager: &mut crate::PkPager,
    ) -> Result<Option<FlexibleSearchResult>> {
        let Some(query) = pager.next_query() else {
            return Ok(None);
        };
        let page = self
            .flexible_search(query)
            .await
            .and_then(|r| r.into_result())
            .and_then(|page| pager.record(&page).map(|()| page));
        if page.is_err() {
            // No further page after a failure: the caller's loop ends with the error.
            pager.finish();
        }
        page.map(Some)
    }

    /// Imports an ImpEx script (a `&str` imports with defaults). Uses the long timeout.
    ///
    #[doc = call_doc!("let done = ", "hac.import_impex(\"INSERT_UPDATE Language;isocode[unique=true]\\n;de\")", "?.into_result()?;\nprintln!(\"{}\", done.summary);")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's. [`Error::File`] when a script
    /// file cannot be read; [`Error::FormRejected`] when HAC refuses the form. An import with
    /// problems is not an error here ([`ImpexResult::into_result`] makes it one).
    pub async fn import_impex(&self, import: impl Into<ImpexImport>) -> Result<ImpexResult> {
        let call = import.into().call(false)?;
        let resp = self.call(&call).await?;
        impex::parse(&resp, false)
    }

    /// Validates an ImpEx script without importing it.
    ///
    #[doc = call_doc!("let check = ", "hac.validate_impex(ImpexImport::from_file(\"data.impex\"))", "?;\nfor line in &check.lines {\n    println!(\"{:?}: {}\", line.line, line.message);\n}")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's. [`Error::File`];
    /// [`Error::FormTooLarge`] over HAC's form limit (validation has no upload endpoint).
    pub async fn validate_impex(&self, import: impl Into<ImpexImport>) -> Result<ImpexResult> {
        let call = import.into().call(true)?;
        let resp = self.call(&call).await?;
        impex::parse(&resp, true)
    }

    /// What a system update would offer: extensions with project data and their
    /// parameters.
    ///
    #[doc = call_doc!("let data = ", "hac.update_data()", "?;\nfor ext in &data.project_data {\n    println!(\"{}\", ext.name);\n}")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn update_data(&self) -> Result<UpdateData> {
        let resp = self.call(&Call::get_json(update::DATA_PATH)).await?;
        update::parse_data(&resp)
    }

    /// Patches waiting to be applied.
    ///
    #[doc = call_doc!("let patches = ", "hac.pending_patches()", "?;\nprintln!(\"{} extensions have patches\", patches.len());")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn pending_patches(&self) -> Result<PendingPatches> {
        let resp = self.call(&Call::get_json(update::PATCHES_PATH)).await?;
        update::parse_patches(&resp)
    }

    /// Runs a system update. Uses the long timeout; HAC answers when it is done.
    ///
    #[doc = call_doc!("let request = UpdateRequest::new().create_essential_data(true);\nlet started = ", "hac.execute_update(&request)", "?.into_result()?;\nprintln!(\"{}\", started.log_text);")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's. A failed update is not an error
    /// here ([`UpdateOutcome::into_result`] makes it one).
    pub async fn execute_update(&self, request: &UpdateRequest) -> Result<UpdateOutcome> {
        let resp = self.call(&request.call()).await?;
        update::parse_outcome(&resp)
    }

    /// Reads the update/initialization log once. It needs no session: a log followed
    /// through an update that ends the session keeps working without logging in.
    ///
    #[doc = call_doc!("let log = ", "hac.update_log()", "?;\nif log.finished {\n    println!(\"done\");\n}")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn update_log(&self) -> Result<UpdateLog> {
        let resp = self.call(&update::log_call()).await?;
        update::parse_log(&resp)
    }

    /// HAC's health checks (`/monitoring/healthcheck`): no login, no session, so it works
    /// while the server is still starting and before any password is at hand. With the
    /// context path unknown, `/hac` and then root are tried.
    ///
    #[doc = call_doc!("let health = ", "hac.health()", "?;\nprintln!(\"{:?}\", health.status);")]
    ///
    /// # Errors
    ///
    /// Transport errors; [`Error::HttpStatus`] for an answer that is no health verdict.
    pub async fn health(&self) -> Result<Health> {
        let candidates = match self.core.context() {
            Some(ctx) => vec![ctx],
            None => vec!["/hac".to_owned(), String::new()],
        };
        let mut tried = Vec::new();
        for ctx in candidates {
            let mut url = self.core.url(&ctx, "/monitoring/healthcheck", None)?;
            let mut resp = self.send(self.core.json_request(url.clone())).await?;
            if is_channel_upgrade(&url, resp.status, resp.location.as_deref()) {
                url = self
                    .core
                    .follow(&url, resp.location.as_deref().unwrap_or_default())?;
                resp = self.send(self.core.json_request(url.clone())).await?;
            }
            match ops::health::parse(&resp) {
                Some(health) => return health,
                None => tried.push(format!("{} ({})", safe_path(&url), resp.status)),
            }
        }
        Err(Error::NotHac {
            url: self.core.base(),
            tried,
        })
    }

    /// Version and build (`/platform/about`).
    ///
    #[doc = call_doc!("let about = ", "hac.about()", "?;\nprintln!(\"SAP Commerce {}\", about.platform);")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn about(&self) -> Result<About> {
        let resp = self.call(&Call::get_json("/platform/about")).await?;
        ops::platform::parse_about(&resp)
    }

    /// The tenant's extensions (`/platform/extensions`).
    ///
    #[doc = call_doc!("for ext in ", "hac.extensions()", "? {\n    println!(\"{} {}\", ext.name, ext.version);\n}")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn extensions(&self) -> Result<Vec<Extension>> {
        let resp = self.call(&Call::get_page("/platform/extensions")).await?;
        ops::platform::parse_extensions(&resp)
    }

    /// The script languages HAC's scripting console offers (`groovy`, `beanshell`, ...),
    /// read from the console's page: a call that needs the console's role and runs no
    /// code.
    ///
    #[doc = call_doc!("let languages = ", "hac.script_types()", "?;\nassert!(languages.iter().any(|l| l == \"groovy\"));")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn script_types(&self) -> Result<Vec<String>> {
        let resp = self.call(&Call::get_page("/console/scripting")).await?;
        crate::http::call::expect_ok(&resp)?;
        Ok(crate::page::html::elements(&resp.body, |name, attr| {
            name == "option" && attr("value").is_some()
        })
        .into_iter()
        .filter_map(|o| o.attr("value").map(str::to_owned))
        .filter(|v| !v.is_empty())
        .collect())
    }

    /// The configured loggers and their levels (`/platform/log4j`).
    ///
    #[doc = call_doc!("for logger in ", "hac.loggers()", "? {\n    println!(\"{} {:?}\", logger.name, logger.level);\n}")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn loggers(&self) -> Result<Vec<Logger>> {
        let resp = self.call(&Call::get_page("/platform/log4j")).await?;
        ops::logging::parse_page(&resp)
    }

    /// Sets a logger's level on the node that answers (in memory, until restart). A name
    /// HAC does not have yet creates that logger. Returns the loggers after the change.
    ///
    #[doc = call_doc!("", "hac.set_log_level(\"de.hybris.platform.jalo\", LogLevel::Debug)", "?;")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn set_log_level(&self, logger: &str, level: LogLevel) -> Result<Vec<Logger>> {
        let call = Call::post_form(
            "/platform/log4j/changeLevel",
            vec![
                ("loggerName", logger.into()),
                ("levelName", level.as_str().into()),
            ],
            true,
        );
        let resp = self.call(&call).await?;
        ops::logging::parse_change(&resp, logger)
    }

    /// The region caches' sizes and counters.
    ///
    #[doc = call_doc!("let stats = ", "hac.cache_stats()", "?;\nprintln!(\"{} regions\", stats.regions.len());")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn cache_stats(&self) -> Result<CacheStats> {
        let resp = self
            .call(&Call::get_json("/monitoring/cache/regionCache/data"))
            .await?;
        ops::cache::parse(&resp)
    }

    /// Clears every region cache (HAC has no per-region clear); returns the stats after.
    ///
    #[doc = call_doc!("", "hac.clear_cache()", "?;")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn clear_cache(&self) -> Result<CacheStats> {
        let call = Call::post_form("/monitoring/cache/regionCache/clear", Vec::new(), true);
        let resp = self.call(&call).await?;
        ops::cache::parse(&resp)
    }

    /// The cron jobs running (or restarted), as the answering node sees them.
    ///
    #[doc = call_doc!("for job in ", "hac.cron_jobs()", "? {\n    println!(\"{} {}\", job.cron_job_code, job.progress);\n}")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn cron_jobs(&self) -> Result<Vec<CronJob>> {
        let resp = self
            .call(&Call::get_json("/monitoring/cronjobs/data"))
            .await?;
        ops::cronjobs::parse_list(&resp)
    }

    /// Requests an abort of **every** running cron job (HAC has no per-job abort); per
    /// cron job code, whether it accepted.
    ///
    #[doc = call_doc!("for (job, aborted) in ", "hac.abort_cron_jobs()", "? {\n    println!(\"{job}: {aborted}\");\n}")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn abort_cron_jobs(&self) -> Result<BTreeMap<String, bool>> {
        let call = Call::post_form("/monitoring/cronjobs/abort", Vec::new(), true);
        let resp = self.call(&call).await?;
        ops::cronjobs::parse_abort(&resp)
    }

    /// The configuration properties as HAC shows them (blacklisted values masked),
    /// sorted by key.
    ///
    #[doc = call_doc!("let props = ", "hac.config_properties()", "?;\nlet version = props.iter().find(|p| p.key == \"build.version\");\nprintln!(\"{:?}\", version.map(|p| &p.value));")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn config_properties(&self) -> Result<Vec<ConfigProperty>> {
        let resp = self.call(&Call::get_page("/platform/config")).await?;
        ops::config::parse_page(&resp)
    }

    /// Sets a property on the node that answers, in memory until restart.
    ///
    #[doc = call_doc!("let change = ", "hac.set_config(\"my.flag\", \"true\")", "?;\nprintln!(\"{}\", change.action);")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn set_config(&self, key: &str, value: &str) -> Result<ConfigChange> {
        let call = Call::post_form(
            "/platform/configstore",
            vec![("key", key.into()), ("val", value.into())],
            true,
        );
        let resp = self.call(&call).await?;
        ops::config::parse_change(&resp)
    }

    /// Runs an ImpEx export; the result links the data zip ([`HacClient::download`]).
    ///
    #[doc = call_doc!("let script = std::fs::read_to_string(\"export.impex\").unwrap_or_default();\nlet export = ", "hac.export_impex(ImpexExport::new(script).mode(ImpexExportMode::ReimportStrict))", "?.into_result()?;\nprintln!(\"{:?}\", export.data_url);")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's. A failed export is not an error
    /// here ([`ImpexExportResult::into_result`] makes it one).
    pub async fn export_impex(
        &self,
        export: impl Into<ops::ImpexExport>,
    ) -> Result<ImpexExportResult> {
        let resp = self.call(&export.into().call()).await?;
        ops::export::parse(&resp)
    }

    /// Downloads a file HAC links to (an export's `/medias/...` URL, on the server's origin,
    /// not under the context path) in the client's session.
    ///
    #[doc = call_doc!("let zip = ", "hac.download(\"/medias/dataexport_1.zip\")", "?;\nprintln!(\"{} bytes\", zip.len());")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's. [`Error::InvalidArgument`] for a
    /// link that is no URL, [`Error::ForeignRedirect`] for a link to another server; [`Error::ResponseTooLarge`] over the response limit.
    pub async fn download(&self, href: &str) -> Result<Vec<u8>> {
        let base = Url::parse(&self.core.base()).map_err(|e| Error::config(e.to_string()))?;
        let url = base.join(href).map_err(|e| Error::InvalidArgument {
            message: format!("download link {href:?}: {e}"),
        })?;
        if url.origin() != base.origin() {
            return Err(Error::ForeignRedirect {
                path: safe_path(&base),
                target: url.origin().ascii_serialization(),
            });
        }
        let mut req = self.core.page_request(url);
        req.binary = true;
        let resp = self.send(req).await?;
        crate::http::call::expect_ok(&resp)?;
        resp.bytes.ok_or_else(|| Error::InvalidResponse {
            path: resp.path.clone(),
            expected: "a file".into(),
            detail: "an HTML page (the session may have no access to it)".into(),
        })
    }

    /// Composed types whose code starts with `prefix` (every one for `""`), sorted.
    ///
    #[doc = call_doc!("let types = ", "hac.types(\"Product\")", "?;\nprintln!(\"{}\", types.join(\", \"));")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn types(&self, prefix: &str) -> Result<Vec<String>> {
        let call = Call::post_form(
            "/console/impex/allTypes",
            vec![("start", prefix.into())],
            true,
        );
        let resp = self.call(&call).await?;
        ops::types::parse_types(&resp)
    }

    /// The type system: every composed type whose code starts with `prefix`
    /// (case-insensitive; empty for all), with its supertype and the attributes it
    /// declares (qualifier, attribute type, optional, unique). Read with FlexibleSearch on
    /// `Type`, `ComposedType` and `AttributeDescriptor` in pages by PK: no code runs, so a
    /// read-only user reads it.
    ///
    #[doc = call_doc!("for t in ", "hac.type_system(\"Product\")", "? {\n    println!(\"{} ({} attributes)\", t.code, t.attributes.len());\n}")]
    ///
    /// # Errors
    ///
    /// Those of [`HacClient::flexible_search_page`]: transport and login errors,
    /// [`Error::Query`] when the server rejects a query.
    pub async fn type_system(&self, prefix: &str) -> Result<Vec<ops::ComposedTypeInfo>> {
        use crate::ops::type_system::{ATTRIBUTES, COMPOSED, TYPES, assemble};
        let types = self.all_rows(TYPES).await?;
        let composed = self.all_rows(COMPOSED).await?;
        let attributes = self.all_rows(ATTRIBUTES).await?;
        Ok(assemble(prefix, &types, &composed, &attributes))
    }

    /// Every row of a FlexibleSearch query that selects `{pk}`, read in pages by PK.
    async fn all_rows(&self, query: &str) -> Result<Vec<Vec<Option<String>>>> {
        let mut pager = crate::PkPager::new(FlexibleSearch::new(query), 10_000)?;
        let mut rows = Vec::new();
        while let Some(page) = self.flexible_search_page(&mut pager).await? {
            rows.extend(
                page.rows()
                    .map(|r| r.cells().map(|c| c.map(str::to_owned)).collect()),
            );
        }
        Ok(rows)
    }

    /// A type's attribute qualifiers, sorted; `None` when there is no such type.
    ///
    #[doc = call_doc!("if let Some(attributes) = ", "hac.type_attributes(\"Product\")", "? {\n    println!(\"{}\", attributes.join(\", \"));\n}")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn type_attributes(&self, type_code: &str) -> Result<Option<Vec<String>>> {
        let call = Call::post_form(
            "/console/impex/typeAndAttributes",
            vec![("type", type_code.into())],
            true,
        );
        let resp = self.call(&call).await?;
        ops::types::parse_attributes(&resp)
    }

    /// What the PK analyzer reads from `pk`.
    ///
    #[doc = call_doc!("let pk = ", "hac.analyze_pk(\"8796093054977\")", "?;\nprintln!(\"{:?}\", pk.pk_composed_type_code);")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's. [`Error::InvalidArgument`] for
    /// text that is no PK.
    pub async fn analyze_pk(&self, pk: &str) -> Result<PkInfo> {
        let call = Call::post_form(
            "/platform/pkanalyzer/analyze",
            vec![("pkString", pk.into())],
            true,
        );
        let resp = self.call(&call).await?;
        ops::types::parse_pk(&resp, pk)
    }

    /// The cluster, as the answering node sees it.
    ///
    #[doc = call_doc!("let cluster = ", "hac.cluster()", "?;\nprintln!(\"node {}\", cluster.cluster_node_id);")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn cluster(&self) -> Result<ClusterInfo> {
        let resp = self
            .call(&Call::get_json("/monitoring/cluster/data"))
            .await?;
        ops::monitoring::parse_cluster(&resp)
    }

    /// The data sources, by id (`master` first in HAC's answer).
    ///
    #[doc = call_doc!("for (id, ds) in ", "hac.data_sources()", "? {\n    println!(\"{id}: {}\", ds.url);\n}")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn data_sources(&self) -> Result<BTreeMap<String, DataSourceInfo>> {
        let resp = self
            .call(&Call::get_json("/monitoring/database/allinfo"))
            .await?;
        ops::monitoring::parse_databases(&resp)
    }

    /// Rows per table.
    ///
    #[doc = call_doc!("let sizes = ", "hac.table_sizes()", "?;\nprintln!(\"{:?}\", sizes.get(\"products\"));")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn table_sizes(&self) -> Result<BTreeMap<String, u64>> {
        let resp = self
            .call(&Call::get_json("/monitoring/database/tablesizes"))
            .await?;
        ops::monitoring::parse_table_sizes(&resp)
    }

    /// Memory of the answering node, in MiB.
    ///
    #[doc = call_doc!("let memory = ", "hac.memory()", "?;\nprintln!(\"{} MiB used\", memory.used_memory);")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's.
    pub async fn memory(&self) -> Result<MemoryInfo> {
        let resp = self
            .call(&Call::get_json("/monitoring/memory/data"))
            .await?;
        ops::monitoring::parse_memory(&resp)
    }

    /// A thread dump of the answering node (from the zip HAC offers).
    ///
    #[doc = call_doc!("let dump = ", "hac.thread_dump()", "?;\nstd::fs::write(\"dump.txt\", dump).ok();")]
    ///
    /// # Errors
    ///
    /// Transport errors ([`Error::Connect`], [`Error::Tls`], [`Error::Timeout`],
    /// [`Error::AnswerLost`]); when a login is needed, its errors ([`Error::BadCredentials`],
    /// [`Error::LoginFailed`]); [`Error::Forbidden`] when the user lacks the console's role;
    /// [`Error::InvalidResponse`] when the answer is not HAC's. [`Error::ResponseTooLarge`]
    /// over the response limit.
    pub async fn thread_dump(&self) -> Result<String> {
        let mut call = Call::get_page("/monitoring/threaddump/download");
        call.binary = true;
        let resp = self.call(&call).await?;
        crate::http::call::expect_ok(&resp)?;
        match &resp.bytes {
            Some(zip) => ops::export::first_text(zip, self.core.config.max_response_bytes),
            None => Err(Error::invalid(&resp.path, "a zip", resp.excerpt())),
        }
    }

    /// Polls the update log every `interval` until it says finished; fails with
    /// [`Error::Timeout`] after `timeout`.
    ///
    #[doc = call_doc!("use std::time::Duration;\nlet log = ", "hac.wait_for_update(Duration::from_secs(5), Duration::from_secs(3600))", "?;\nprintln!(\"finished; errors: {}\", log.has_errors);")]
    ///
    /// # Errors
    ///
    /// [`Error::Timeout`] when the log does not say finished within `timeout`; those of
    /// [`HacClient::update_log`].
    pub async fn wait_for_update(
        &self,
        interval: Duration,
        timeout: Duration,
    ) -> Result<UpdateLog> {
        let started = Instant::now();
        loop {
            let log = self.update_log().await?;
            if log.finished {
                return Ok(log);
            }
            if started.elapsed().saturating_add(interval) > timeout {
                return Err(Error::Timeout {
                    path: update::LOG_PATH.into(),
                    after: timeout,
                });
            }
            self.transport.sleep(interval).await;
        }
    }
}
