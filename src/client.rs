// This file is compiled twice: as `crate::blocking` (every `async`/`.await` stripped by
// `maybe_async::must_be_sync`) and as `crate::nonblocking` (left async by
// `must_be_async`). Keep it to orchestration: every decision lives in `crate::core`, every
// type outside this file, so both clients share them. `.await` must not sit inside a
// macro call (maybe-async cannot strip it there).

use std::fmt;
use std::time::{Duration, Instant};

use url::Url;

use super::{Transport, maybe};
use crate::call::{Call, expect_ok};
use crate::config::HacConfig;
use crate::cookies::CookieJar;
use crate::core::{Core, Liveness, MAX_HOPS, classify, form_body, is_login_location, is_redirect};
use crate::error::{Error, Result, excerpt};
use crate::flexsearch::{self, FlexSearchResult, FlexibleSearch};
use crate::groovy::{self, GroovyResult};
use crate::html::PageInfo;
use crate::impex::{self, ImpexImport, ImpexResult};
use crate::manager::SessionManager;
use crate::transport::{HttpRequest, HttpResponse, safe_path};
use crate::update::{self, PendingPatches, UpdateData, UpdateLog, UpdateOutcome, UpdateRequest};

/// A client of one HAC server as one user. Share it between threads by reference or in
/// an `Arc`: logins are serialized, so many threads using one client log in once.
///
/// Log-in happens on the first call (or explicitly with `login`). A stored session is
/// resumed without a round-trip; if the server answers that the session is gone, the
/// client logs in again once and retries the call once.
pub struct HacClient {
    core: Core,
    transport: Transport,
}

impl fmt::Debug for HacClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HacClient")
            .field("base_url", &self.core.config.base_url())
            .field("context_path", &self.core.context())
            .field("environment", &self.core.config.environment)
            .field("logged_in", &self.core.is_logged_in())
            .finish_non_exhaustive()
    }
}

/// How long a caller waits before looking again whether another caller's login is done.
const LOGIN_WAIT: Duration = Duration::from_millis(5);

/// Where a login page was found.
struct LoginPage {
    info: PageInfo,
    path: String,
}

#[maybe(AFIT)]
impl HacClient {
    /// Creates a client. No request is made until the first call.
    pub fn new(config: HacConfig) -> Result<Self> {
        Ok(HacClient {
            transport: Transport::new(&config),
            core: Core::new(config),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &HacConfig {
        &self.core.config
    }

    /// The context path in use: configured, detected, or resumed; `None` before the
    /// first login when it is to be detected.
    pub fn context_path(&self) -> Option<String> {
        self.core.context()
    }

    /// True when the client holds a session it believes to be valid.
    pub fn is_logged_in(&self) -> bool {
        self.core.is_logged_in()
    }

    /// The stored sessions of this client's store, if persistence is on.
    pub fn sessions(&self) -> Option<SessionManager> {
        SessionManager::from_config(&self.core.config)
    }

    /// Sends a page request in the client's session.
    async fn send(&self, mut req: HttpRequest) -> Result<HttpResponse> {
        let sent_at = self.core.attach_cookies(&mut req);
        self.send_built(req, sent_at).await
    }

    /// Sends a request that already carries the cookies of session generation `sent_at`,
    /// and records every `Set-Cookie` of the answer.
    async fn send_built(&self, req: HttpRequest, sent_at: u64) -> Result<HttpResponse> {
        let url = req.url.clone();
        let resp = self.transport.exchange(req).await?;
        self.core.store_cookies(sent_at, &url, &resp);
        Ok(resp)
    }

    /// Sends one request of a login with the login's own jar.
    async fn send_in(&self, jar: &mut CookieJar, mut req: HttpRequest) -> Result<HttpResponse> {
        if let Some(cookie) = jar.header_for(&req.url) {
            req.headers.push(("Cookie".into(), cookie));
        }
        let url = req.url.clone();
        let resp = self.transport.exchange(req).await?;
        jar.store(&resp.set_cookies, &url);
        Ok(resp)
    }

    /// GET, following redirects by hand so that every hop's cookies are kept.
    async fn get_following(&self, jar: &mut CookieJar, start: Url) -> Result<(HttpResponse, Url)> {
        let mut url = start;
        let mut hops = 0;
        loop {
            let resp = self
                .send_in(jar, self.core.page_request(url.clone()))
                .await?;
            match resp.location.as_deref() {
                Some(loc) if is_redirect(resp.status) && hops < MAX_HOPS => {
                    url = self.core.resolve(&url, loc)?;
                    hops += 1;
                }
                _ => return Ok((resp, url)),
            }
        }
    }

    /// Looks for the login form at `{ctx}/login`, then `{ctx}/login.jsp`. A page counts
    /// only if it is reached without leaving the context path: on a root-context server
    /// `/hac/...` redirects elsewhere and never authenticates.
    async fn find_login_page(
        &self,
        jar: &mut CookieJar,
        ctx: &str,
    ) -> Result<std::result::Result<LoginPage, String>> {
        let prefix = format!(
            "{}{ctx}/",
            self.core.url("", "", None)?.path().trim_end_matches('/')
        );
        let mut last = String::new();
        for page in ["/login", "/login.jsp"] {
            let url = self.core.url(ctx, page, None)?;
            let (resp, final_url) = self.get_following(jar, url.clone()).await?;
            let inside = final_url.path().starts_with(&prefix);
            if resp.status == 200 && inside {
                let info = PageInfo::parse(&resp.body);
                if info.is_login_page {
                    return Ok(Ok(LoginPage {
                        info,
                        path: safe_path(&final_url),
                    }));
                }
            }
            last = format!("{} (HTTP {})", safe_path(&url), resp.status);
        }
        Ok(Err(last))
    }

    /// Finds the context path: `/hac` first, then root.
    async fn detect_login_page(&self, jar: &mut CookieJar) -> Result<(String, LoginPage)> {
        let mut tried = Vec::new();
        for ctx in ["/hac", ""] {
            match self.find_login_page(jar, ctx).await? {
                Ok(page) => {
                    log::debug!("HAC context path detected: {:?}", ctx);
                    return Ok((ctx.to_owned(), page));
                }
                Err(what) => tried.push(what),
            }
        }
        Err(Error::ContextPathNotFound { tried })
    }

    /// Logs in now: login page, form POST with the CSRF token, the redirect after it, and
    /// the fresh token from the page behind it. Replaces any session the client had.
    pub async fn login(&self) -> Result<()> {
        self.login_unless_renewed(None).await
    }

    /// Logs in, one caller at a time. With `seen`, a caller that found the session of
    /// generation `seen` missing or dead skips the login when another caller has
    /// completed one in the meantime, and uses that session instead.
    async fn login_unless_renewed(&self, seen: Option<u64>) -> Result<()> {
        let _ticket = loop {
            if let Some(ticket) = self.core.try_begin_login() {
                break ticket;
            }
            self.transport.sleep(LOGIN_WAIT).await;
        };
        if seen.is_some_and(|g| g != self.core.generation()) && self.core.is_logged_in() {
            return Ok(());
        }
        let result = self.login_inner().await;
        if result.is_err() {
            self.core.discard();
        }
        result
    }

    async fn login_inner(&self) -> Result<()> {
        let mut jar = self.core.login_jar();
        let username = self.core.username()?;
        let configured = self.core.config.context_path.clone();
        let (ctx, page) = match configured {
            Some(ctx) => match self.find_login_page(&mut jar, &ctx).await? {
                Ok(page) => (ctx, page),
                Err(what) => {
                    return Err(Error::LoginFailed {
                        reason: format!("no login form at {what}; is the context path right?"),
                    });
                }
            },
            None => self.detect_login_page(&mut jar).await?,
        };
        let token = page.info.csrf.clone().ok_or_else(|| Error::Csrf {
            reason: format!("the login page {} has no _csrf token", page.path),
        })?;
        let password = self.core.config.credentials.password()?;
        let body = form_body(&[
            ("j_username", username.as_str()),
            ("j_password", password.expose()),
            ("_csrf", token.as_str()),
        ]);
        drop(password);
        let req = self.core.login_request(&ctx, body)?;
        let post_url = req.url.clone();
        let resp = self.send_in(&mut jar, req).await?;
        let landing = match resp.status {
            s if is_redirect(s) => {
                let Some(loc) = resp.location.clone() else {
                    return Err(Error::LoginFailed {
                        reason: format!("HTTP {s} without a Location after the login form"),
                    });
                };
                if is_login_location(&loc) {
                    return Err(Error::BadCredentials { username });
                }
                let target = self.core.resolve(&post_url, &loc)?;
                self.get_following(&mut jar, target).await?.0
            }
            200 => {
                if PageInfo::parse(&resp.body).is_login_page {
                    return Err(Error::BadCredentials { username });
                }
                resp
            }
            403 => {
                return Err(Error::Csrf {
                    reason: "the server rejected the login form's CSRF token (403)".into(),
                });
            }
            status => {
                return Err(Error::HttpStatus {
                    status,
                    path: safe_path(&post_url),
                    excerpt: excerpt(&resp.body),
                });
            }
        };
        if landing.status != 200 {
            return Err(Error::LoginFailed {
                reason: format!("the page after login answered HTTP {}", landing.status),
            });
        }
        let mut info = PageInfo::parse(&landing.body);
        if info.is_login_page {
            return Err(Error::LoginFailed {
                reason: "still on the login page after a successful-looking login".into(),
            });
        }
        if info.csrf.is_none() {
            // Landed somewhere without a token (a saved request): the dashboard has one.
            let dashboard = self.core.url(&ctx, "/", None)?;
            let (dash, _) = self.get_following(&mut jar, dashboard).await?;
            info = PageInfo::parse(&dash.body);
        }
        // Spring issues a new token at login; the login page's one is dead now.
        let token = info.csrf.ok_or_else(|| Error::Csrf {
            reason: "no CSRF token on the page after login".into(),
        })?;
        let header = info.csrf_header.or(page.info.csrf_header);
        self.core.finish_login(jar, &ctx, token, header);
        log::info!("logged in to {} as {username}", self.core.config.base_url());
        Ok(())
    }

    /// Runs a console call: logs in first if needed; if the session turns out dead, logs
    /// in again once and retries once.
    async fn call(&self, call: &Call) -> Result<HttpResponse> {
        let mut fresh = false;
        let seen = self.core.generation();
        if !self.core.ensure_session()? {
            self.login_unless_renewed(Some(seen)).await?;
            fresh = true;
        }
        loop {
            let (req, seen) = self.core.build(call)?;
            let path = req.path();
            let resp = self.send_built(req, seen).await?;
            match classify(&resp) {
                Liveness::Alive => {
                    self.core.touch();
                    return Ok(resp);
                }
                _ if !fresh => {
                    // Spring rejected the call before any controller ran: retrying is safe.
                    log::info!("session not accepted at {path}; logging in again");
                    self.core.forget(seen);
                    self.login_unless_renewed(Some(seen)).await?;
                    fresh = true;
                }
                Liveness::Dead => {
                    self.core.discard();
                    return Err(Error::SessionRejected { path });
                }
                Liveness::Forbidden => return Err(Error::Forbidden { path }),
            }
        }
    }

    /// Checks with one request whether the server still accepts the session. Does not
    /// log in.
    pub async fn validate(&self) -> Result<bool> {
        if !self.core.ensure_session()? {
            return Ok(false);
        }
        let ctx = self.core.context().unwrap_or_default();
        let resp = self
            .send(self.core.page_request(self.core.url(&ctx, "/", None)?))
            .await?;
        let alive = resp.status == 200 && classify(&resp) == Liveness::Alive;
        if alive {
            self.core.update_csrf(&PageInfo::parse(&resp.body));
            self.core.touch();
        } else {
            self.core.forget(self.core.generation());
        }
        Ok(alive)
    }

    /// Ends the session on the server and removes it from the store. The local session
    /// is gone even if the server cannot be reached.
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

    /// Runs a Groovy script; `commit` makes its database changes stick.
    pub async fn execute_groovy(&self, script: &str, commit: bool) -> Result<GroovyResult> {
        let started = Instant::now();
        let resp = self.call(&groovy::call(script, commit)).await?;
        groovy::parse(&resp, started.elapsed())
    }

    /// Runs a FlexibleSearch or SQL query (a `&str` is a FlexibleSearch with defaults).
    pub async fn flexible_search(
        &self,
        query: impl Into<FlexibleSearch>,
    ) -> Result<FlexSearchResult> {
        let call = query.into().call();
        let resp = self.call(&call).await?;
        flexsearch::parse(&resp)
    }

    /// Imports an ImpEx script (a `&str` imports with defaults). Uses the long timeout.
    pub async fn import_impex(&self, import: impl Into<ImpexImport>) -> Result<ImpexResult> {
        let call = import.into().call(false);
        let resp = self.call(&call).await?;
        impex::parse(&resp)
    }

    /// Validates an ImpEx script without importing it.
    pub async fn validate_impex(&self, import: impl Into<ImpexImport>) -> Result<ImpexResult> {
        let call = import.into().call(true);
        let resp = self.call(&call).await?;
        impex::parse(&resp)
    }

    /// What a system update would offer: opens the update page (which makes HAC
    /// prepare the patch data), then reads the project data.
    pub async fn update_data(&self) -> Result<UpdateData> {
        let page = self.call(&Call::get_html(update::PAGE_PATH)).await?;
        expect_ok(&page)?;
        self.core.update_csrf(&PageInfo::parse(&page.body));
        let resp = self.call(&Call::get_json(update::DATA_PATH)).await?;
        update::parse_data(&resp)
    }

    /// Patches waiting to be applied.
    pub async fn pending_patches(&self) -> Result<PendingPatches> {
        let resp = self.call(&Call::get_json(update::PATCHES_PATH)).await?;
        update::parse_patches(&resp)
    }

    /// Runs a system update. Uses the long timeout; HAC answers when it is done.
    pub async fn execute_update(&self, request: &UpdateRequest) -> Result<UpdateOutcome> {
        let resp = self.call(&request.call()).await?;
        update::parse_outcome(&resp)
    }

    /// Reads the update/initialization log once.
    pub async fn update_log(&self) -> Result<UpdateLog> {
        let resp = self.call(&update::log_call()).await?;
        update::parse_log(&resp)
    }

    /// Polls the update log every `interval` until it says finished; fails with
    /// [`Error::Timeout`] after `timeout`.
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
            if started.elapsed() + interval > timeout {
                return Err(Error::Timeout {
                    path: update::LOG_PATH.into(),
                    after: timeout,
                });
            }
            self.transport.sleep(interval).await;
        }
    }
}
