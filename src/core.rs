//! The client's state and every decision that needs no I/O: URLs, headers, cookies, CSRF,
//! what a response says about the session, and when to persist. Both the blocking and the
//! async client drive this same core. (Long, and one file on purpose: the session state
//! sits behind one lock, and every decision that reads or changes it is here, beside it.)

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use url::Url;
use zeroize::Zeroizing;

use crate::config::HacConfig;
use crate::error::{Error, Result};
use crate::http::call::{Body, Call};
use crate::http::cookies::{CookieJar, JSESSIONID};
use crate::http::multipart;
use crate::http::redirects::{Hop, next_hop};
use crate::http::transport::{HttpRequest, HttpResponse, Method, RequestBody};
use crate::page::html;
use crate::session::stored::{SESSION_FORMAT_VERSION, SessionKey, StoredSession, now_ms};

/// Spring Security's default CSRF header.
pub(crate) const DEFAULT_CSRF_HEADER: &str = "X-CSRF-TOKEN";
const FORM: &str = "application/x-www-form-urlencoded; charset=UTF-8";
const HTML_ACCEPT: &str = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";
/// Redirect hops followed by hand (GET only) before giving up.
pub(crate) const MAX_HOPS: usize = 5;
/// The stored session's last-used time is written at most this often.
const SAVE_INTERVAL: Duration = Duration::from_secs(1);

/// `base + ctx + path (+ ?query)`.
fn join_url(base: &Url, ctx: &str, path: &str, query: Option<&str>) -> Result<Url> {
    let mut s = format!("{}{ctx}{path}", base.as_str().trim_end_matches('/'));
    if let Some(q) = query {
        s.push('?');
        s.push_str(q);
    }
    Url::parse(&s).map_err(|e| Error::config(format!("cannot build URL for {path}: {e}")))
}

/// `application/x-www-form-urlencoded` body, in memory that is wiped on drop.
pub(crate) fn form_body(fields: &[(&str, &str)]) -> Zeroizing<Vec<u8>> {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        ser.append_pair(k, v);
    }
    Zeroizing::new(ser.finish().into_bytes())
}

struct State {
    /// The base URL requests go to: the configured one, or its HTTPS form once the server
    /// has redirected there.
    base: Url,
    jar: CookieJar,
    /// Resolved context path (configured or detected).
    ctx: Option<String>,
    csrf: Option<String>,
    csrf_header: Option<String>,
    logged_in: bool,
    /// The session came from `import_session`: no password login can replace it.
    imported: bool,
    restore_attempted: bool,
    created_ms: u64,
    last_used_ms: u64,
    /// `last_used_ms` as the store has it (from the last save or the restore), or `None`
    /// when nothing is stored. The throttle compares against this, not against when this
    /// process last saved: a short-lived process (one CLI call) that resumed a session
    /// must still record its use, or the session would look idle and be dropped although
    /// it is in use every minute.
    stored_last_used_ms: Option<u64>,
}

/// Whether the use at `now_ms` should be written: at most once per `SAVE_INTERVAL` of
/// wall-clock time, and again whenever the clock went backwards.
fn save_due(stored_ms: Option<u64>, now_ms: u64) -> bool {
    stored_ms.is_none_or(|t| now_ms < t || now_ms - t >= SAVE_INTERVAL.as_millis() as u64)
}

pub(crate) struct Core {
    pub config: HacConfig,
    state: Mutex<State>,
    /// The move to HTTPS has been reported.
    upgrade_reported: AtomicBool,
    /// Held by the one caller that is logging in; others wait for it (see `LoginTicket`).
    login_gate: AtomicBool,
    /// Bumped by every completed login, so a caller that saw a dead session can tell
    /// whether someone else has already replaced it.
    generation: AtomicU64,
}

/// Proof that the holder is the only caller logging in; releases the gate on drop.
/// An atomic flag rather than a mutex guard so that the async client's futures stay
/// `Send` while they hold it across `.await`.
pub(crate) struct LoginTicket<'a>(&'a AtomicBool);

impl Drop for LoginTicket<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

impl Core {
    pub fn new(config: HacConfig) -> Core {
        let state = State {
            base: config.base_url.clone(),
            jar: CookieJar::default(),
            ctx: config.context_path.clone(),
            csrf: None,
            csrf_header: None,
            logged_in: false,
            imported: false,
            restore_attempted: false,
            created_ms: 0,
            last_used_ms: 0,
            stored_last_used_ms: None,
        };
        Core {
            config,
            state: Mutex::new(state),
            upgrade_reported: AtomicBool::new(false),
            login_gate: AtomicBool::new(false),
            generation: AtomicU64::new(0),
        }
    }

    /// The gate for logging in, if no one else holds it.
    pub fn try_begin_login(&self) -> Option<LoginTicket<'_>> {
        self.login_gate
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
            // Lazily: a ticket built for a failed exchange would open the gate on drop.
            .then(|| LoginTicket(&self.login_gate))
    }

    /// How many logins (or resumes) have completed.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // State stays consistent across a panic elsewhere: every update is one assignment.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn context(&self) -> Option<String> {
        self.lock().ctx.clone()
    }

    pub fn is_logged_in(&self) -> bool {
        self.lock().logged_in
    }

    pub fn username(&self) -> Result<String> {
        self.config.credentials.username()
    }

    pub fn key(&self) -> Result<SessionKey> {
        Ok(SessionKey::new(
            self.config.base_url(),
            self.username()?,
            &self.config.environment,
        )
        .with_node(self.config.node().map(str::to_owned)))
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base(&self) -> String {
        self.lock().base.as_str().trim_end_matches('/').to_owned()
    }

    /// `base + ctx + path (+ ?query)`.
    pub fn url(&self, ctx: &str, path: &str, query: Option<&str>) -> Result<Url> {
        let base = self.lock().base.clone();
        join_url(&base, ctx, path, query)
    }

    /// Where a redirect from `current` to `location` leads, moving to HTTPS when the
    /// server sends a plain-HTTP request there; an error for another origin.
    pub fn follow(&self, current: &Url, location: &str) -> Result<Url> {
        let path = crate::http::transport::safe_path(current);
        match next_hop(current, location) {
            Err(e) => Err(Error::invalid(
                &path,
                "a valid redirect Location",
                e.to_string(),
            )),
            Ok(Hop::Follow(url)) => Ok(url),
            Ok(Hop::Upgrade(url)) => {
                self.upgrade(&url);
                Ok(url)
            }
            Ok(Hop::Refuse { target }) => Err(Error::ForeignRedirect { path, target }),
        }
    }

    /// Moves every further request to the HTTPS origin of `to` (the server's channel
    /// redirect), and says so once.
    pub fn upgrade(&self, to: &Url) {
        let origin = to.origin().ascii_serialization();
        let mut st = self.lock();
        let Ok(mut base) = Url::parse(&origin) else {
            return;
        };
        base.set_path(self.config.base_url.path());
        if st.base == base {
            return;
        }
        st.base = base;
        drop(st);
        if !self.upgrade_reported.swap(true, Ordering::Relaxed) {
            log::warn!(
                "{} redirects to HTTPS; continuing at {origin} (use that URL to skip the redirect)",
                self.config.base_url()
            );
        }
    }

    /// Adds the session's `Cookie` header; returns the session generation it belongs to
    /// (read under the same lock, so cookies and generation always match).
    pub fn attach_cookies(&self, req: &mut HttpRequest) -> u64 {
        let st = self.lock();
        if let Some(v) = st.jar.header_for(&req.url) {
            req.headers.push(("Cookie".into(), v));
        }
        self.generation()
    }

    /// Records the response's cookies, unless a login has replaced the session since the
    /// request went out (`sent_at`): a late answer for the old session, such as a fresh
    /// anonymous JSESSIONID, must not overwrite the new one.
    pub fn store_cookies(&self, sent_at: u64, url: &Url, resp: &HttpResponse) {
        if resp.set_cookies.is_empty() {
            return;
        }
        let mut st = self.lock();
        if self.generation() == sent_at {
            st.jar.store(&resp.set_cookies, url);
        }
    }

    /// A plain page GET (login page, landing page).
    /// A GET of a JSON endpoint outside a console call (the health check).
    pub fn json_request(&self, url: Url) -> HttpRequest {
        let mut req = HttpRequest::get(url, self.config.timeout);
        req.headers
            .push(("Accept".into(), "application/json".into()));
        req
    }

    pub fn page_request(&self, url: Url) -> HttpRequest {
        let mut req = HttpRequest::get(url, self.config.timeout);
        req.headers.push(("Accept".into(), HTML_ACCEPT.into()));
        req
    }

    /// Where the login form posts to: its `action`, resolved against the login page, if
    /// it stays on the same origin; else HAC's fixed `{ctx}/j_spring_security_check`.
    pub fn login_action(&self, ctx: &str, page: &Url, action: Option<&str>) -> Result<Url> {
        match action.and_then(|a| page.join(a).ok()) {
            Some(url) if url.origin() == page.origin() => Ok(url),
            Some(url) => Err(Error::ForeignRedirect {
                path: crate::http::transport::safe_path(page),
                target: url.origin().ascii_serialization(),
            }),
            None => self.url(ctx, "/j_spring_security_check", None),
        }
    }

    /// The context path a login form's `action` implies (`{ctx}/j_spring_security_check`
    /// below the base URL's path), if it says.
    pub fn context_from_action(&self, page: &Url, action: Option<&str>) -> Option<String> {
        let url = page.join(action?).ok()?;
        let ctx = url.path().strip_suffix("/j_spring_security_check")?;
        let ctx = ctx.split(';').next().unwrap_or(ctx);
        let base_path = self.config.base_url.path().trim_end_matches('/');
        let ctx = ctx.strip_prefix(base_path)?;
        (ctx.is_empty() || ctx.starts_with('/')).then(|| ctx.trim_end_matches('/').to_owned())
    }

    /// Logs a warning when HAC's XSS filter would change `text` as a form parameter.
    pub fn warn_if_filtered(&self, what: &str, text: &str) {
        if let Some(m) = crate::page::xss_filter::first_match(text) {
            log::warn!(
                "line {} of the {what} matches HAC's XSS filter rule \"{}\": HAC removes such text from request parameters before running it, so what runs differs from what was sent",
                m.line,
                m.rule
            );
        }
    }

    /// Logs a warning (without the password) when HAC's XSS filter would change it.
    pub fn warn_if_filtered_password(&self, password: &str) {
        if let Some(m) = crate::page::xss_filter::first_match(password) {
            log::warn!(
                "the password contains text that HAC's XSS filter rule \"{}\" removes from request parameters: HAC will not see it as typed",
                m.rule
            );
        }
    }

    /// With a pinned node, the request carries exactly the pinned routing cookie value,
    /// whatever the jar holds (a balancer may have set another one earlier).
    pub fn pin_route(&self, req: &mut HttpRequest) {
        let Some(route) = &self.config.node else {
            return;
        };
        let ours = format!("{}={}", route.cookie, route.value);
        let existing = req
            .headers
            .iter()
            .position(|(k, _)| k.eq_ignore_ascii_case("cookie"));
        match existing {
            Some(i) => {
                let kept: Vec<&str> = req.headers[i]
                    .1
                    .split(';')
                    .map(str::trim)
                    .filter(|p| !p.is_empty() && p.split('=').next() != Some(route.cookie.as_str()))
                    .collect();
                let mut value = kept.join("; ");
                if !value.is_empty() {
                    value.push_str("; ");
                }
                value.push_str(&ours);
                req.headers[i].1 = value;
            }
            None => req.headers.push(("Cookie".into(), ours)),
        }
    }

    /// With a pinned node, an answer that sets another routing cookie value came from
    /// another node.
    pub fn check_route(&self, resp: &HttpResponse) -> Result<()> {
        let Some(route) = &self.config.node else {
            return Ok(());
        };
        for raw in &resp.set_cookies {
            if let Some((name, value)) = crate::http::cookies::set_cookie_pair(raw)
                && name == route.cookie
                && value != route.value
            {
                return Err(Error::NodeUnavailable {
                    node: route.value.clone(),
                    answered_by: value.to_owned(),
                });
            }
        }
        Ok(())
    }

    /// The value of the load balancer's routing cookie the client holds: the node that
    /// answered (or that it is pinned to).
    pub fn route(&self) -> Option<String> {
        // A pinned request carries the pinned value whatever the jar holds (`pin_route`).
        if let Some(route) = &self.config.node {
            return Some(route.value.clone());
        }
        self.lock().jar.value_of(&self.config.route_cookie)
    }

    /// What must never appear in an error: the session's token and cookie values.
    pub fn secrets(&self) -> Vec<String> {
        let st = self.lock();
        let mut out = st.jar.values();
        out.extend(st.csrf.clone());
        // A gateway token in a default header is as secret as the session, and so is the
        // credential inside `Basic ...`/`Bearer ...` when echoed without its scheme.
        for (_, v) in &self.config.default_headers {
            out.push(v.clone());
            if let Some((_, credential)) = v.split_once(' ') {
                out.push(credential.trim().to_owned());
            }
        }
        out
    }

    /// The login form POST to `action`. The body holds the password and is wiped after
    /// sending.
    pub fn login_request(&self, action: Url, body: Zeroizing<Vec<u8>>) -> HttpRequest {
        HttpRequest {
            method: Method::Post,
            url: action,
            headers: vec![
                ("Content-Type".into(), FORM.into()),
                ("Accept".into(), HTML_ACCEPT.into()),
            ],
            body: Some(RequestBody::Bytes(body)),
            timeout: self.config.timeout,
            drop_textareas: false,
            binary: false,
        }
    }

    /// The HTTP request for a console call, with the session's cookies and CSRF token,
    /// and the session generation they belong to (all read under one lock).
    pub fn build(&self, call: &Call) -> Result<(HttpRequest, u64)> {
        let (url, token, header, cookie, generation) = {
            let st = self.lock();
            let ctx = st.ctx.clone().unwrap_or_default();
            let url = join_url(&st.base, &ctx, call.path, call.query.as_deref())?;
            let cookie = st.jar.header_for(&url);
            (
                url,
                st.csrf.clone(),
                st.csrf_header
                    .clone()
                    .unwrap_or_else(|| DEFAULT_CSRF_HEADER.into()),
                cookie,
                self.generation(),
            )
        };
        let mut headers: Vec<(String, String)> = Vec::with_capacity(7);
        if let Some(c) = cookie {
            headers.push(("Cookie".into(), c));
        }
        if call.json {
            headers.push(("X-Requested-With".into(), "XMLHttpRequest".into()));
            headers.push(("Accept".into(), "application/json".into()));
        } else {
            headers.push(("Accept".into(), HTML_ACCEPT.into()));
        }
        let body = match &call.body {
            Body::None => None,
            Body::Form(fields) => {
                headers.push(("Content-Type".into(), FORM.into()));
                let mut pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, &**v)).collect();
                // Spring accepts the token as header or field; send both, as the UI does.
                if let Some(t) = &token {
                    pairs.push(("_csrf", t));
                }
                Some(RequestBody::Bytes(form_body(&pairs)))
            }
            Body::Json(json) => {
                headers.push((
                    "Content-Type".into(),
                    "application/json; charset=UTF-8".into(),
                ));
                Some(RequestBody::Bytes(Zeroizing::new(
                    json.clone().into_bytes(),
                )))
            }
            Body::Multipart {
                fields,
                file_field,
                file_name,
                content,
            } => {
                let mut fields = fields.clone();
                if let Some(t) = &token {
                    fields.push(("_csrf", t.as_str().into()));
                }
                Some(RequestBody::Stream(multipart::body(
                    &fields, file_field, file_name, content,
                )))
            }
        };
        if let (Method::Post, Some(t)) = (call.method, token) {
            headers.push((header, t));
        }
        // A per-call timeout is capped where it becomes a deadline (`Duration::MAX` from a
        // caller would overflow the clock).
        let timeout = call
            .timeout
            .unwrap_or(if call.long {
                self.config.long_timeout
            } else {
                self.config.timeout
            })
            .min(crate::config::MAX_TIMEOUT);
        let req = HttpRequest {
            method: call.method,
            url,
            headers,
            body,
            timeout,
            drop_textareas: call.drop_textareas,
            binary: call.binary,
        };
        Ok((req, generation))
    }

    /// The jar a login runs in: a copy of the client's, without the session id. Other
    /// callers keep using the current session until the login completes, and cookies their
    /// requests receive meanwhile cannot disturb the login's own pre-login session.
    pub fn login_jar(&self) -> CookieJar {
        let mut jar = self.lock().jar.clone();
        jar.remove_named(JSESSIONID);
        jar
    }

    /// Installs the logged-in session (jar, context, token) in one step.
    pub fn finish_login(&self, jar: CookieJar, ctx: &str, token: String, header: Option<String>) {
        self.take_session(jar, ctx, token, header, false);
    }

    /// A session imported from a browser becomes the client's, as a login's would.
    pub fn finish_import(&self, jar: CookieJar, ctx: &str, token: String, header: Option<String>) {
        self.take_session(jar, ctx, token, header, true);
    }

    /// True when the current session was imported (see `finish_import`).
    pub fn is_imported(&self) -> bool {
        self.lock().imported
    }

    fn take_session(
        &self,
        jar: CookieJar,
        ctx: &str,
        token: String,
        header: Option<String>,
        imported: bool,
    ) {
        {
            let mut st = self.lock();
            st.imported = imported;
            st.jar = jar;
            st.ctx = Some(ctx.to_owned());
            st.csrf = Some(token);
            if header.is_some() {
                st.csrf_header = header;
            }
            st.logged_in = true;
            st.restore_attempted = true;
            let now = now_ms();
            st.created_ms = now;
            st.last_used_ms = now;
            // Under the lock, so that `store_cookies` sees jar and generation change together.
            self.generation.fetch_add(1, Ordering::AcqRel);
        }
        self.save(true);
    }

    /// A page after login can carry a fresh token; keep the newest.
    pub fn update_csrf(&self, info: &html::PageInfo) {
        if let Some(t) = &info.csrf {
            let mut st = self.lock();
            st.csrf = Some(t.clone());
            if info.csrf_header.is_some() {
                st.csrf_header = info.csrf_header.clone();
            }
        }
    }

    /// The server no longer knows the session that was current at `seen`; a newer one
    /// (another caller's re-login) is left alone.
    pub fn forget(&self, seen: u64) {
        let mut st = self.lock();
        if self.generation() == seen {
            st.logged_in = false;
            st.csrf = None;
        }
    }

    /// After logout or a failed re-login: nothing of the session is kept, here or stored.
    pub fn discard(&self) {
        {
            let mut st = self.lock();
            st.jar.remove_named(JSESSIONID);
            st.logged_in = false;
            st.csrf = None;
            st.restore_attempted = true;
        }
        if let (Some(store), Ok(key)) = (&self.config.store, self.key())
            && let Err(e) = store.remove(&key)
        {
            log::warn!("cannot remove stored session: {e}");
        }
    }

    /// True when a session is at hand, resuming a stored one if there is one (once per
    /// client). Resuming is optimistic: no request is made to check it.
    pub fn ensure_session(&self) -> Result<bool> {
        let mut st = self.lock();
        if st.logged_in {
            return Ok(true);
        }
        if st.restore_attempted {
            return Ok(false);
        }
        st.restore_attempted = true;
        let Some(store) = &self.config.store else {
            return Ok(false);
        };
        let key = self.key()?;
        let stored = match store.load(&key) {
            Ok(Some(s)) => s,
            Ok(None) => return Ok(false),
            Err(e) => {
                log::warn!("cannot read stored session, logging in: {e}");
                return Ok(false);
            }
        };
        if !self.usable(&stored, &key) {
            let _ = store.remove(&key);
            return Ok(false);
        }
        self.install(&mut st, stored);
        log::debug!("resumed stored session for {}", key.username);
        Ok(true)
    }

    /// Whether a stored session may be resumed by this client.
    fn usable(&self, stored: &StoredSession, key: &SessionKey) -> bool {
        stored.key() == *key
            && !stored.is_expired(
                SystemTime::now(),
                self.config.session_idle_limit,
                self.config.session_max_age,
            )
            && !stored.csrf_token.is_empty()
            && self
                .config
                .context_path
                .as_ref()
                .is_none_or(|c| *c == stored.context_path)
    }

    fn install(&self, st: &mut State, stored: StoredSession) {
        st.jar = CookieJar::from_vec(stored.cookies);
        if let Some(base) = stored
            .upgraded_to
            .as_deref()
            .and_then(|u| Url::parse(u).ok())
            .filter(|u| u.scheme() == "https" && u.host_str() == self.config.base_url.host_str())
        {
            st.base = base;
        }
        st.ctx = Some(stored.context_path);
        st.csrf = Some(stored.csrf_token);
        st.csrf_header = Some(stored.csrf_header).filter(|h| !h.is_empty());
        st.created_ms = stored.created_ms;
        st.last_used_ms = stored.last_used_ms;
        st.stored_last_used_ms = Some(stored.last_used_ms);
        st.logged_in = true;
        st.imported = stored.imported;
        st.restore_attempted = true;
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// After waiting for another process's login: takes the session it stored, if there is
    /// one newer than the session this client had (or than none), instead of logging in
    /// again.
    pub fn adopt_newer_stored(&self) -> bool {
        let (Some(store), Ok(key)) = (&self.config.store, self.key()) else {
            return false;
        };
        let Ok(Some(stored)) = store.load(&key) else {
            return false;
        };
        let mut st = self.lock();
        if stored.created_ms <= st.created_ms || !self.usable(&stored, &key) {
            return false;
        }
        self.install(&mut st, stored);
        log::info!("using the session another process logged in meanwhile");
        true
    }

    /// One attempt at the store's cross-process login lock for this client's key.
    pub fn try_lock_login(&self) -> crate::session::store::LockAttempt {
        match (&self.config.store, self.key()) {
            (Some(store), Ok(key)) => store.try_lock_login(&key).unwrap_or_else(|e| {
                log::warn!("cannot lock the session store, logging in without: {e}");
                crate::session::store::LockAttempt::NotSupported
            }),
            _ => crate::session::store::LockAttempt::NotSupported,
        }
    }

    /// After a successful call: note the use, and persist it at most once a second.
    pub fn touch(&self) {
        let due = {
            let mut st = self.lock();
            st.last_used_ms = now_ms();
            save_due(st.stored_last_used_ms, st.last_used_ms)
        };
        if due {
            self.save(false);
        }
    }

    fn save(&self, force: bool) {
        let Some(store) = &self.config.store else {
            return;
        };
        let Ok(username) = self.username() else {
            return;
        };
        let session = {
            let mut st = self.lock();
            if !st.logged_in {
                return;
            }
            if !force && !save_due(st.stored_last_used_ms, st.last_used_ms) {
                return;
            }
            st.stored_last_used_ms = Some(st.last_used_ms);
            StoredSession {
                version: SESSION_FORMAT_VERSION,
                base_url: self.config.base_url().to_owned(),
                context_path: st.ctx.clone().unwrap_or_default(),
                username,
                environment: self.config.environment.clone(),
                created_ms: st.created_ms,
                last_used_ms: st.last_used_ms,
                csrf_token: st.csrf.clone().unwrap_or_default(),
                csrf_header: st
                    .csrf_header
                    .clone()
                    .unwrap_or_else(|| DEFAULT_CSRF_HEADER.into()),
                cookies: st.jar.to_vec(),
                upgraded_to: (st.base != self.config.base_url)
                    .then(|| st.base.as_str().trim_end_matches('/').to_owned()),
                imported: st.imported,
                node: self.config.node().map(str::to_owned),
            }
        };
        // A store that cannot be written must not fail the call that just worked.
        if let Err(e) = store.save(&session) {
            log::warn!("cannot persist session: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding_escapes() {
        let b = form_body(&[("j_password", "p&=ss wörd"), ("x", "")]);
        assert_eq!(
            std::str::from_utf8(&b).unwrap(),
            "j_password=p%26%3Dss+w%C3%B6rd&x="
        );
    }
}
