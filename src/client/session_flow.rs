//! The session flow of both clients (compiled twice with `client.rs`): sending a request
//! with the session's cookies and token, following the redirects HAC and Spring Security
//! send, finding the login page and logging in (once for all the threads and processes that
//! share a session), and the call loop that recognises a dead session, logs in again once
//! and retries once. Orchestration only: what an answer means is decided in `core.rs` and
//! `page::dead_session`.

use std::time::{Duration, Instant};

use url::Url;

use super::super::maybe;
use super::HacClient;
use crate::core::{MAX_HOPS, form_body};
use crate::error::{Error, Result};
use crate::http::call::{Call, Session};
use crate::http::cookies::CookieJar;
use crate::http::redirects::{is_channel_upgrade, is_redirect};
use crate::http::transport::{HttpRequest, HttpResponse, safe_path};
use crate::page::dead_session::{Liveness, LoginAnswer, classify, is_blank_answer, login_answer};
use crate::page::html::PageInfo;
use crate::session::store::LockAttempt;

/// How long a caller waits before looking again whether another caller's login is done.
const LOGIN_WAIT: Duration = Duration::from_millis(5);
/// How often, and how long at most, a client waits for another process's login.
const STORE_LOCK_POLL: Duration = Duration::from_millis(20);
const STORE_LOCK_WAIT: Duration = Duration::from_secs(120);

/// Where a login page was found.
struct LoginPage {
    info: PageInfo,
    url: Url,
    /// The login page redirected to a page of HAC with a token: the jar's session is
    /// already logged in (HAC's login page sends a logged-in user home).
    already_in: bool,
}

#[maybe(AFIT)]
impl HacClient {
    /// This handle's timeout, if it has one (see `with_timeout`).
    fn apply_timeout(&self, req: &mut HttpRequest) {
        if let Some(t) = self.timeout {
            req.timeout = t;
        }
    }

    /// Sends a page request in the client's session.
    pub(super) async fn send(&self, mut req: HttpRequest) -> Result<HttpResponse> {
        let sent_at = self.core.attach_cookies(&mut req);
        self.send_built(req, sent_at).await
    }

    /// Sends a request that already carries the cookies of session generation `sent_at`,
    /// and records every `Set-Cookie` of the answer.
    pub(super) async fn send_built(
        &self,
        mut req: HttpRequest,
        sent_at: u64,
    ) -> Result<HttpResponse> {
        self.apply_timeout(&mut req);
        let url = req.url.clone();
        let resp = self.exchange(req).await?;
        self.core.store_cookies(sent_at, &url, &resp);
        Ok(resp)
    }

    /// The one place requests leave: the pinned node's routing cookie, and the check that
    /// the pinned node is the one that answered.
    async fn exchange(&self, mut req: HttpRequest) -> Result<HttpResponse> {
        self.core.pin_route(&mut req);
        let resp = self.transport.exchange(req).await?;
        self.core.check_route(&resp)?;
        Ok(resp)
    }

    /// Sends one request of a login with the login's own jar.
    async fn send_in(&self, jar: &mut CookieJar, mut req: HttpRequest) -> Result<HttpResponse> {
        if let Some(cookie) = jar.header_for(&req.url) {
            req.headers.push(("Cookie".into(), cookie));
        }
        self.apply_timeout(&mut req);
        let url = req.url.clone();
        let resp = self.exchange(req).await?;
        jar.store(&resp.set_cookies, &url);
        Ok(resp)
    }

    /// GET, following redirects by hand (same origin, or the move to HTTPS) so that every
    /// hop's cookies are kept.
    pub(super) async fn get_following(
        &self,
        jar: &mut CookieJar,
        start: Url,
    ) -> Result<(HttpResponse, Url)> {
        let mut url = start;
        let mut seen: Vec<Url> = Vec::new();
        loop {
            let resp = self
                .send_in(jar, self.core.page_request(url.clone()))
                .await?;
            match resp.location.as_deref() {
                Some(loc) if is_redirect(resp.status) => {
                    let next = self.core.follow(&url, loc)?;
                    seen.push(url);
                    if seen.contains(&next) || seen.len() > MAX_HOPS {
                        return Err(Error::RedirectLoop {
                            path: safe_path(&seen[0]),
                        });
                    }
                    url = next;
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
    ) -> Result<std::result::Result<LoginPage, Vec<String>>> {
        let mut tried = Vec::new();
        for page in ["/login", "/login.jsp"] {
            let url = self.core.url(ctx, page, None)?;
            let (resp, final_url) = self.get_following(jar, url.clone()).await?;
            let prefix = format!(
                "{}/",
                self.core.url(ctx, "", None)?.path().trim_end_matches('/')
            );
            let inside = final_url.path().starts_with(&prefix);
            if resp.status == 200 && inside {
                let info = PageInfo::parse(&resp.body);
                let already_in = final_url != url && !info.is_login_page && info.csrf.is_some();
                if info.is_login_page || already_in {
                    return Ok(Ok(LoginPage {
                        info,
                        url: final_url,
                        already_in,
                    }));
                }
            }
            tried.push(format!("{} (HTTP {})", safe_path(&url), resp.status));
        }
        Ok(Err(tried))
    }

    /// Finds the context path: `/hac` first, then root. The login form's action names
    /// the real one (`{ctx}/j_spring_security_check`), which wins over the probe: a proxy
    /// may show the login page at any URL.
    async fn detect_login_page(&self, jar: &mut CookieJar) -> Result<(String, LoginPage)> {
        let mut tried = Vec::new();
        for probe in ["/hac", ""] {
            match self.find_login_page(jar, probe).await? {
                Ok(page) => {
                    let ctx = self
                        .core
                        .context_from_action(&page.url, page.info.login_action.as_deref())
                        .unwrap_or_else(|| probe.to_owned());
                    log::debug!("HAC context path detected: {ctx:?}");
                    return Ok((ctx, page));
                }
                Err(what) => tried.extend(what),
            }
        }
        Err(Error::NotHac {
            url: self.core.base(),
            tried,
        })
    }

    /// Logs in, one caller at a time. With `seen`, a caller that found the session of
    /// generation `seen` missing or dead skips the login when another caller has
    /// completed one in the meantime, and uses that session instead.
    pub(super) async fn login_unless_renewed(&self, seen: Option<u64>) -> Result<()> {
        let _ticket = loop {
            if let Some(ticket) = self.core.try_begin_login() {
                break ticket;
            }
            self.transport.sleep(LOGIN_WAIT).await;
        };
        if seen.is_some_and(|g| g != self.core.generation()) && self.core.is_logged_in() {
            return Ok(());
        }
        // Other processes sharing the session store: one logs in, the others wait for it
        // and take its session (without this, N processes after an expiry log in N times).
        let started = Instant::now();
        let _store_lock = loop {
            match self.core.try_lock_login() {
                LockAttempt::Locked(lock) => break Some(lock),
                LockAttempt::NotSupported => break None,
                LockAttempt::Busy if started.elapsed() > STORE_LOCK_WAIT => {
                    log::warn!(
                        "another process holds the session store's login lock; logging in anyway"
                    );
                    break None;
                }
                LockAttempt::Busy => self.transport.sleep(STORE_LOCK_POLL).await,
            }
        };
        if seen.is_some() && self.core.adopt_newer_stored() {
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
        // A context path detected earlier is tried first, detection again only if it fails.
        let known = configured.clone().or_else(|| self.core.context());
        let found = match &known {
            Some(ctx) => self.find_login_page(&mut jar, ctx).await?,
            None => Err(Vec::new()),
        };
        let (ctx, page) = match (found, known, configured) {
            (Ok(page), Some(ctx), _) => (ctx, page),
            (Err(tried), Some(_), Some(_)) => {
                return Err(Error::NotHac {
                    url: self.core.base(),
                    tried,
                });
            }
            _ => self.detect_login_page(&mut jar).await?,
        };
        let token = page.info.csrf.clone().ok_or_else(|| Error::Csrf {
            reason: format!("the login page {} has no _csrf token", safe_path(&page.url)),
        })?;
        if page.already_in {
            log::info!(
                "already logged in: the login page redirected to {}",
                safe_path(&page.url)
            );
            self.core
                .finish_login(jar, &ctx, token, page.info.csrf_header);
            return Ok(());
        }
        let action = self
            .core
            .login_action(&ctx, &page.url, page.info.login_action.as_deref())?;
        let password = self.core.config.credentials.password()?;
        self.core.warn_if_filtered_password(password.expose());
        let body = form_body(&[
            ("j_username", username.as_str()),
            ("j_password", password.expose()),
            ("_csrf", token.as_str()),
        ]);
        let req = self.core.login_request(action.clone(), body);
        let mut resp = self.send_in(&mut jar, req).await?;
        // An answer echoing the form must not carry the password or token into an error.
        resp.secrets = jar.values();
        resp.secrets.push(token.clone());
        let answer = login_answer(&resp);
        let excerpt = match answer {
            LoginAnswer::Unexpected { .. } => crate::page::redact::excerpt(
                &resp.body,
                &resp
                    .secrets
                    .iter()
                    .map(String::as_str)
                    .chain([password.expose()])
                    .collect::<Vec<_>>(),
            ),
            _ => String::new(),
        };
        drop(password);
        let location = match answer {
            LoginAnswer::LoggedIn { location } => location,
            LoginAnswer::BadCredentials => return Err(Error::BadCredentials { username }),
            LoginAnswer::TokenRefused { status } => {
                return Err(Error::Csrf {
                    reason: format!(
                        "the server refused the login form's CSRF token (HTTP {status})"
                    ),
                });
            }
            LoginAnswer::NoLocation { status } => {
                return Err(Error::LoginFailed {
                    reason: format!("HTTP {status} without a Location after the login form"),
                });
            }
            LoginAnswer::Unexpected { status } => {
                return Err(Error::HttpStatus {
                    status,
                    path: safe_path(&action),
                    excerpt,
                });
            }
        };
        // The token changed with the session: read it from the page HAC sends us to (the
        // saved request or the home page), else from the home page.
        let mut info = match location {
            Some(loc) => {
                let landing = self.core.follow(&action, &loc)?;
                let (page, _) = self.get_following(&mut jar, landing).await?;
                (page.status == 200).then(|| PageInfo::parse(&page.body))
            }
            None => Some(PageInfo::parse(&resp.body)),
        };
        if info
            .as_ref()
            .is_none_or(|i| i.csrf.is_none() || i.is_login_page)
        {
            let home = self.core.url(&ctx, "/", None)?;
            let (page, _) = self.get_following(&mut jar, home).await?;
            if page.status != 200 {
                return Err(Error::LoginFailed {
                    reason: format!("the home page answered HTTP {} after login", page.status),
                });
            }
            info = Some(PageInfo::parse(&page.body));
        }
        let info = info.expect("set above");
        if info.is_login_page {
            return Err(Error::LoginFailed {
                reason: "still on the login page after a successful-looking login".into(),
            });
        }
        let token = info.csrf.ok_or_else(|| Error::Csrf {
            reason: "no CSRF token on the page after login".into(),
        })?;
        let header = info.csrf_header.or(page.info.csrf_header);
        self.core.finish_login(jar, &ctx, token, header);
        log::info!("logged in to {} as {username}", self.core.base());
        Ok(())
    }

    /// Runs a console call: logs in first if needed; if the session turns out dead, logs
    /// in again once and retries once.
    pub(super) async fn call(&self, call: &Call) -> Result<HttpResponse> {
        let mut fresh = false;
        let seen = self.core.generation();
        let session_needed = call.session == Session::Required || self.core.context().is_none();
        if !self.core.ensure_session()? && session_needed {
            self.login_unless_renewed(Some(seen)).await?;
            fresh = true;
        }
        let mut upgraded = false;
        loop {
            let (mut req, seen) = self.core.build(call)?;
            if call.timeout.is_none() {
                self.apply_timeout(&mut req);
            }
            let path = req.path();
            let url = req.url.clone();
            let mut resp = self.exchange(req).await?;
            resp.secrets = self.core.secrets();
            let liveness = classify(&resp);
            if liveness == Liveness::Alive {
                // A "logged out" answer may set a new anonymous session; other callers must
                // not send that with the old token while the re-login runs.
                self.core.store_cookies(seen, &url, &resp);
            }
            if !upgraded && is_channel_upgrade(&url, resp.status, resp.location.as_deref()) {
                // The server only speaks HTTPS and processed nothing: the same call there.
                self.core
                    .follow(&url, resp.location.as_deref().unwrap_or_default())?;
                upgraded = true;
                continue;
            }
            if liveness == Liveness::Alive && is_blank_answer(&resp) {
                // Only a page request tells a dead session from a server that answered
                // nothing: dead, it is one re-login and one retry (the call never ran);
                // alive, the call may have run and its answer is lost.
                if !self.check_session().await? {
                    if fresh || self.core.is_imported() {
                        self.core.discard();
                        return Err(Error::SessionRejected { path });
                    }
                    log::info!("an empty answer at {path} from a dead session; logging in again");
                    self.login_unless_renewed(None).await?;
                    fresh = true;
                    continue;
                }
                return Err(Error::InvalidResponse {
                    path,
                    expected: call.expects().into(),
                    detail: "an empty answer (HTTP 200) while the session is alive: the call \
                             may have run"
                        .into(),
                });
            }
            match liveness {
                Liveness::Alive => {
                    self.core.touch();
                    return Ok(resp);
                }
                _ if self.core.is_imported() => {
                    // No password login can stand in for a single sign-on session.
                    self.core.discard();
                    return Err(Error::ImportedSession {
                        reason: format!(
                            "{path}: the imported session has ended; import a fresh one \
                             (a browser's cookies after logging in again)"
                        ),
                    });
                }
                _ if !fresh => {
                    // Spring rejected the call before any controller ran: retrying is safe.
                    log::info!(
                        "session not accepted at {path} (HTTP {}); logging in again",
                        resp.status
                    );
                    self.core.forget(seen);
                    self.login_unless_renewed(Some(seen)).await?;
                    fresh = true;
                }
                Liveness::LoggedOut => {
                    self.core.discard();
                    return Err(Error::SessionRejected { path });
                }
                Liveness::Refused => {
                    return Err(Error::Forbidden {
                        path,
                        status: resp.status,
                    });
                }
            }
        }
    }
}
