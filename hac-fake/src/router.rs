//! What HAC does with a request before any console runs, in the order its filters run:
//! the XSS filter, `security="none"` paths, the https channel, the session (idle timeout,
//! ROUTE affinity), HTTP Basic, the CSRF filter, form login and logout, the access check
//! with its dead-session answers, and then the routes to the handlers (`console.rs`,
//! `ops.rs`, `platform.rs`). It only routes: what the fake holds is in `state.rs`.

use crate::http::{Part, Request, Response};
use crate::ops;
use crate::pages;
use crate::state::{Ctx, ExpiryAnswer, Params, State};
use crate::{console, platform, xss};

fn params(st: &State, req: &Request, parts: &[Part]) -> Params {
    let mut pairs = req.query_pairs();
    if req.content_type() == "application/x-www-form-urlencoded" {
        // Tomcat: a form body over maxPostSize is not parsed at all, silently.
        if req.body.len() <= st.settings.max_post_size {
            pairs.extend(req.form());
        }
    } else {
        pairs.extend(
            parts
                .iter()
                .filter(|p| p.filename.is_none())
                .map(|p| (p.name.clone(), p.text())),
        );
    }
    if st.settings.xss_filter {
        for (_, v) in &mut pairs {
            *v = xss::strip(v);
        }
    }
    Params { pairs }
}

fn cookie_path(st: &State) -> String {
    if st.settings.context_path.is_empty() {
        "/".into()
    } else {
        st.settings.context_path.clone()
    }
}

fn with_session_cookie(resp: Response, st: &State, id: &str, secure: bool) -> Response {
    let secure = if secure { "; Secure" } else { "" };
    resp.with_header(
        "Set-Cookie",
        &format!(
            "JSESSIONID={id}; Path={}; HttpOnly{secure}",
            cookie_path(st)
        ),
    )
}

fn login_url(st: &State) -> String {
    format!(
        "{}{}",
        st.settings.context_path,
        st.settings.profile.login_page()
    )
}

fn render_login(st: &mut State, token: &str, error: Option<&str>) -> String {
    st.stats.login_page_views += 1;
    pages::login(
        st.settings.login_page,
        &st.settings.context_path,
        token,
        error,
    )
}

/// The login page as an error page (`web.xml` maps 401 and 403 to it): rendered without a
/// session of its own, so its token is not one the client can use.
fn login_page_body(st: &mut State) -> String {
    let token = st.random.uuid();
    render_login(st, &token, Some("Login failed: "))
}

/// An error status that `web.xml` forwards to the login page. On 2211 the login page only
/// answers GET, so a POST ends as 405 there.
fn forwarded_to_login(st: &mut State, cx: &Ctx, status: u16) -> Response {
    if cx.req.method != "GET" && st.settings.profile.rejected_post_status() == 405 {
        return Response::new(
            405,
            "text/html;charset=UTF-8",
            pages::error_405(&st.settings.context_path),
        );
    }
    Response::new(status, "text/html;charset=UTF-8", login_page_body(st))
}

/// A request the server treats as "not logged in" (no session, a dead one, or a token
/// that belongs to none): HAC's answer, or what `expiry_answer` makes of it.
fn not_logged_in(st: &mut State, cx: &Ctx, sid: Option<String>, csrf_refused: bool) -> Response {
    st.stats.unauthenticated += 1;
    let ctx = st.settings.context_path.clone();
    match st.settings.expiry_answer {
        ExpiryAnswer::EmptyOk if cx.req.method == "POST" => {
            Response::new(200, "text/html;charset=UTF-8", "")
        }
        ExpiryAnswer::Realistic if csrf_refused => forwarded_to_login(st, cx, 403),
        ExpiryAnswer::Realistic | ExpiryAnswer::EmptyOk => {
            // Spring's entry point: save the request in the session (created if there is
            // none), redirect to the login page with an absolute URL.
            let (id, fresh) = match sid {
                Some(id) => (id, false),
                None => (st.new_session(&cx.node), true),
            };
            st.sessions.get_mut(&id).expect("live").saved_request = Some(cx.absolute_target());
            let to = format!("{}{}", cx.base(), login_url(st));
            let resp = Response::redirect(&to);
            if fresh {
                with_session_cookie(resp, st, &id, cx.secure)
            } else {
                resp
            }
        }
        ExpiryAnswer::RelativeRedirect => Response::redirect(&login_url(st)),
        ExpiryAnswer::LoginPage => {
            let id = st.new_session(&cx.node);
            let token = st.page_token(&id);
            let page = render_login(st, &token, None);
            with_session_cookie(Response::html(page), st, &id, cx.secure)
        }
        ExpiryAnswer::Unauthorized => {
            Response::new(401, "text/html;charset=UTF-8", login_page_body(st))
        }
        ExpiryAnswer::Forbidden => {
            Response::new(403, "text/html;charset=UTF-8", login_page_body(st))
        }
        ExpiryAnswer::MethodNotAllowed => {
            Response::new(405, "text/html;charset=UTF-8", pages::error_405(&ctx))
        }
    }
}

/// Paths with `security="none"` in HAC's security configuration: no session, no CSRF, no
/// channel requirement.
fn unsecured(rel: &str) -> bool {
    rel == "/initlog/log"
        || rel == "/monitoring/healthcheck"
        || rel == "/monitoring/healthcheck/"
        || rel.starts_with("/static/")
        || rel.starts_with("/webjars/")
}

/// The part of `path` below the context path, if the request is for HAC at all.
fn relative<'p>(ctx: &str, path: &'p str) -> Option<&'p str> {
    let rest = path.strip_prefix(ctx)?;
    if rest.is_empty() {
        Some("/")
    } else if rest.starts_with('/') {
        Some(rest)
    } else {
        None
    }
}

/// The main dispatcher. The ROUTE cookie is added by the caller.
pub(crate) fn handle(st: &mut State, req: &Request, secure: bool, host: String) -> Response {
    let ctx = st.settings.context_path.clone();
    let Some(rel) = relative(&ctx, &req.path).map(str::to_owned) else {
        // Another web application's path (HAC is not the root application here).
        return Response::new(404, "text/html", "<html><body>Not Found</body></html>");
    };
    let parts = req.multipart();
    let params = params(st, req, &parts);
    let files = parts.into_iter().filter(|p| p.filename.is_some()).collect();
    let mut cx = Ctx {
        req,
        secure,
        host,
        params,
        files,
        user: String::new(),
        sid: String::new(),
        node: st.route(req),
    };

    if unsecured(&rel) {
        return match (req.method.as_str(), rel.as_str()) {
            ("GET", "/initlog/log") => platform::init_log(st),
            ("GET", "/monitoring/healthcheck" | "/monitoring/healthcheck/") => ops::health(st, req),
            _ => Response::new(404, "text/html", pages::error_404(&ctx)),
        };
    }

    // requires-channel="https": with an HTTPS listener beside this one, plain HTTP is only
    // ever redirected there (port 9001 → 9002), whatever the method.
    if let (false, Some(port)) = (secure, st.https_port) {
        st.stats.channel_redirects += 1;
        let host = cx
            .host
            .rsplit_once(':')
            .map_or(cx.host.as_str(), |(h, _)| h);
        let mut to = format!("https://{host}:{port}{}", req.path);
        if !req.query.is_empty() {
            to.push('?');
            to.push_str(&req.query);
        }
        return Response::redirect(&to);
    }

    let mut sid = st.session_id(req);

    // <http-basic/>: good credentials authenticate the request, bad ones get 401.
    if let Some(basic) = basic_credentials(req) {
        match authenticate(st, &basic.0, &basic.1) {
            Some(roles) => {
                let id = sid.clone().unwrap_or_else(|| st.new_session(&cx.node));
                let session = st.sessions.get_mut(&id).expect("live");
                session.user = Some(basic.0.clone());
                session.roles = roles;
                sid = Some(id);
            }
            None => return Response::new(401, "text/html;charset=UTF-8", login_page_body(st)),
        }
    }

    let safe_method = matches!(req.method.as_str(), "GET" | "HEAD" | "TRACE" | "OPTIONS");
    if !safe_method {
        if rel == "/j_spring_security_check" {
            st.stats.login_attempts += 1;
        }
        let sent = req
            .header("X-CSRF-TOKEN")
            .or_else(|| cx.params.get("_csrf"))
            .unwrap_or("");
        let valid = sid
            .as_deref()
            .is_some_and(|id| !sent.is_empty() && st.token_valid(id, sent));
        if !valid {
            // Counted as a CSRF rejection when there is a live session whose token was
            // wrong (a client bug); without a live session it is a dead-session answer.
            if sid.is_some() {
                st.stats.csrf_rejections += 1;
            }
            // A live, authenticated session with a wrong token is a plain 403; without a
            // live session the answer is the dead-session one.
            let logged_in = sid
                .as_deref()
                .is_some_and(|id| st.sessions[id].user.is_some());
            if logged_in {
                return forwarded_to_login(st, &cx, 403);
            }
            return not_logged_in(st, &cx, sid, true);
        }
    }
    let login_page = st.settings.profile.login_page();

    match (req.method.as_str(), rel.as_str()) {
        ("POST", "/j_spring_security_check") => {
            return login_post(st, &cx, sid.expect("CSRF passed"));
        }
        ("POST", "/j_spring_security_logout") => {
            if let Some(id) = sid {
                st.sessions.remove(&id);
            }
            return Response::redirect(&login_url(st));
        }
        ("GET", page) if page == login_page => return login_get(st, &cx, sid),
        _ => {}
    }

    // Everything else needs a logged-in user.
    let Some(id) = sid.clone().filter(|id| st.sessions[id].user.is_some()) else {
        return not_logged_in(st, &cx, sid, false);
    };
    let session = &st.sessions[&id];
    cx.user = session.user.clone().unwrap_or_default();
    cx.sid = id.clone();
    let allowed = match (&session.roles, ops::required_roles(&rel)) {
        (None, _) | (_, None) => true,
        (Some(has), Some(needs)) => needs.iter().any(|n| has.iter().any(|h| h == n)),
    };
    if !allowed {
        // No role for the page: 403, forwarded to the login page like a dead session.
        return forwarded_to_login(st, &cx, 403);
    }
    let may_change_levels = session
        .roles
        .as_ref()
        .is_none_or(|r| r.iter().any(|r| r == "HAC_PLATFORM_LOGGING"));
    let resp = match (req.method.as_str(), rel.as_str()) {
        ("GET", "/") => {
            let token = st.page_token(&id);
            let page = if st.settings.large_dashboard {
                pages::home_large(&ctx, &token)
            } else {
                pages::home(&ctx, &token, &cx.user)
            };
            return Response::html(page);
        }
        ("POST", "/console/scripting/execute") => console::groovy(st, &cx),
        ("GET", "/console/scripting") => ops::scripting_page(st, &cx),
        ("POST", "/console/flexsearch/execute") => console::flexsearch(st, &cx),
        ("GET", "/console/impex/import") => console::impex_page(st, &cx),
        ("POST", "/console/impex/import") => console::impex(st, &cx, console::ImpexKind::Import),
        ("POST", "/console/impex/import/validate") => {
            console::impex(st, &cx, console::ImpexKind::Validate)
        }
        ("POST", "/console/impex/import/upload") => {
            console::impex(st, &cx, console::ImpexKind::Upload)
        }
        ("GET", "/platform/update") => {
            let token = st.page_token(&id);
            Response::html(pages::update(&ctx, &token, &cx.user))
        }
        ("GET", "/platform/init/data") => platform::init_data(st, &cx),
        ("GET", "/platform/init/pendingPatches") => platform::pending_patches(st, &cx),
        ("POST", "/platform/init/execute") => platform::execute(st, &cx),
        ("GET", "/platform/about") => ops::about(st, &cx),
        ("GET", "/platform/extensions") => ops::extensions(st, &cx),
        ("GET", "/platform/log4j") => ops::log4j_page(st, &cx, may_change_levels),
        ("POST", "/platform/log4j/changeLevel" | "/platform/log4j/changeLevel/") => {
            ops::change_level(st, &cx)
        }
        ("GET", "/monitoring/cache/regionCache/data") => ops::cache(st, &cx),
        ("POST", "/monitoring/cache/regionCache/clear") => ops::cache_clear(st, &cx),
        ("GET", "/monitoring/cronjobs/data") => ops::cron_jobs(st, &cx),
        ("POST", "/monitoring/cronjobs/abort") => ops::abort_cron_jobs(st, &cx),
        ("GET", "/monitoring/memory/data") => ops::memory(st, &cx),
        ("GET", "/monitoring/threaddump/download") => ops::thread_dump(st, &cx),
        ("GET", "/monitoring/database/allinfo") => ops::databases(st, &cx),
        ("GET", "/monitoring/database/tablesizes") => ops::table_sizes(st, &cx),
        ("GET", "/monitoring/cluster/data") => ops::cluster(st, &cx),
        ("GET", "/platform/config") => ops::config_page(st, &cx),
        ("POST", "/platform/configstore" | "/platform/configstore/") => ops::config_store(st, &cx),
        ("POST", "/console/impex/export") => ops::impex_export(st, &cx),
        ("POST", "/console/impex/allTypes") => ops::all_types(st, &cx),
        ("POST", "/console/impex/typeAndAttributes") => ops::type_attributes(st, &cx),
        ("POST", "/platform/pkanalyzer/analyze") => ops::analyze_pk(st, &cx),
        _ => return Response::new(404, "text/html;charset=UTF-8", pages::error_404(&ctx)),
    };
    if resp.status < 400 {
        st.stats.console_calls += 1;
    }
    resp
}

fn basic_credentials(req: &Request) -> Option<(String, String)> {
    use base64::Engine;
    let value = req.header("authorization")?;
    let (scheme, data) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, pass) = text.split_once(':')?;
    Some((user.to_owned(), pass.to_owned()))
}

/// `Some(roles)` for a user allowed to log in (`Some(None)`: the admin group).
fn authenticate(st: &State, user: &str, pass: &str) -> Option<Option<Vec<String>>> {
    let matches = |list: &[(String, String)]| list.iter().any(|(u, p)| u == user && p == pass);
    if matches(&st.settings.users) {
        Some(None)
    } else if matches(&st.settings.restricted_users) {
        Some(Some(Vec::new()))
    } else {
        st.settings
            .role_users
            .iter()
            .find(|(u, p, _)| u == user && p == pass)
            .map(|(_, _, roles)| Some(roles.clone()))
    }
}

fn login_get(st: &mut State, cx: &Ctx, sid: Option<String>) -> Response {
    if let Some(id) = &sid
        && st.sessions[id].user.is_some()
    {
        // login.jsp: `<sec:authorize access="isAuthenticated()"><c:redirect url="/"/>`.
        return Response::redirect(&format!("{}/", st.settings.context_path));
    }
    let error = cx
        .req
        .query_pairs()
        .iter()
        .any(|(k, _)| k == "login_error")
        .then_some("Login failed: Bad credentials");
    let (id, fresh) = match sid {
        Some(id) => (id, false),
        None => (st.new_session(&cx.node), true),
    };
    let token = st.page_token(&id);
    let page = Response::html(render_login(st, &token, error));
    if fresh {
        with_session_cookie(page, st, &id, cx.secure)
    } else {
        page
    }
}

fn login_post(st: &mut State, cx: &Ctx, id: String) -> Response {
    let user = cx.params.get("j_username").unwrap_or("").to_owned();
    let pass = cx.params.get("j_password").unwrap_or("");
    let Some(roles) = authenticate(st, &user, pass) else {
        return Response::redirect(&format!("{}?login_error=1", login_url(st)));
    };
    // Session fixation protection: a new id and a new token; of the old session's
    // attributes only Spring Security's own (the saved request) survive.
    let saved = st.sessions.remove(&id).and_then(|s| s.saved_request);
    let new_id = st.new_session(&cx.node);
    let session = st.sessions.get_mut(&new_id).expect("just inserted");
    session.user = Some(user);
    session.roles = roles;
    st.stats.logins += 1;
    let to = saved.unwrap_or_else(|| format!("{}/", st.settings.context_path));
    with_session_cookie(Response::redirect(&to), st, &new_id, cx.secure)
}

/// Adds the ROUTE cookie when the client does not have the current one.
pub(crate) fn add_route(st: &State, req: &Request, secure: bool, resp: Response) -> Response {
    if !st.settings.route_cookie {
        return resp;
    }
    let want = format!(".{}", st.routed);
    if req.cookie("ROUTE").as_deref() == Some(want.as_str()) {
        return resp;
    }
    let secure = if secure { "; Secure" } else { "" };
    resp.with_header(
        "Set-Cookie",
        &format!("ROUTE={want}; Path=/; HttpOnly{secure}"),
    )
}
