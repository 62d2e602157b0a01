//! `hac doctor`: why a connection does not work, step by step, each with what was found
//! and the fix. Stops at the first step that fails (the later ones could only fail with
//! it) and exits with that step's code. Nothing it prints holds a secret: no password,
//! cookie or token, and proxy credentials are masked.

use std::io::Write;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, SystemTime};

use anyhow::Result;
use clap::Args;
use hac_client::{Error, FlexibleSearch, HacClient, HealthStatus, ImpexImport};
use serde::Serialize;

use super::profiles::hide_password;
use crate::config::settings::Settings;
use crate::connect::{self, Overrides};
use crate::failure::{Exit, classify};
use crate::global::Global;
use crate::output::Out;
use crate::output::format::TextFormat;
use crate::safety::{Intent, Operation};

/// `hac doctor`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hac doctor
  hac --profile staging doctor -o json > ticket.json   # no secret in it")]
pub struct DoctorArgs {
    /// Output format (json for a support ticket: no secret in it)
    #[arg(short = 'o', long = "format", visible_alias = "output", value_enum, default_value_t = TextFormat::Text)]
    pub format: TextFormat,
}

impl DoctorArgs {
    pub fn intent() -> Intent {
        Intent::new(Operation::Doctor)
    }
}

#[derive(Debug, Serialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Status {
    Ok,
    Warn,
    Fail,
    Info,
}

#[derive(Debug, Serialize)]
struct Step {
    step: &'static str,
    status: Status,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<String>,
}

#[derive(Default)]
struct Report {
    steps: Vec<Step>,
}

impl Report {
    fn ok(&mut self, step: &'static str, detail: impl Into<String>) {
        self.push(step, Status::Ok, detail, None);
    }
    fn info(&mut self, step: &'static str, detail: impl Into<String>) {
        self.push(step, Status::Info, detail, None);
    }
    fn warn(&mut self, step: &'static str, detail: impl Into<String>, fix: impl Into<String>) {
        self.push(step, Status::Warn, detail, Some(fix.into()));
    }
    fn fail(
        &mut self,
        step: &'static str,
        detail: impl Into<String>,
        fix: impl Into<String>,
        exit: Exit,
    ) -> Exit {
        self.push(step, Status::Fail, detail, Some(fix.into()));
        exit
    }
    fn push(
        &mut self,
        step: &'static str,
        status: Status,
        detail: impl Into<String>,
        fix: Option<String>,
    ) {
        self.steps.push(Step {
            step,
            status,
            detail: detail.into(),
            fix,
        });
    }
}

pub fn run(
    settings: &Settings,
    global: &Global,
    out: &mut Out,
    format: TextFormat,
) -> Result<Exit> {
    let mut report = Report::default();
    let exit = diagnose(settings, global, &mut report);
    if format == TextFormat::Json {
        out.json(&serde_json::json!({
            "url": settings.url.as_ref().map(|u| hide_password(&u.value)),
            "user": settings.user.value,
            "steps": report.steps,
            "exit_code": exit as u8,
        }))?;
    } else {
        let w = out.stdout();
        for s in &report.steps {
            let mark = match s.status {
                Status::Ok => "ok  ",
                Status::Warn => "warn",
                Status::Fail => "FAIL",
                Status::Info => "info",
            };
            writeln!(w, "{mark}  {:12} {}", s.step, s.detail)?;
            if let Some(fix) = &s.fix {
                writeln!(w, "      {:12} fix: {fix}", "")?;
            }
        }
    }
    Ok(exit)
}

fn diagnose(settings: &Settings, global: &Global, r: &mut Report) -> Exit {
    // 1. URL and scheme.
    let Some(raw) = settings.url.as_ref().map(|u| u.value.trim().to_owned()) else {
        return r.fail(
            "url",
            "no server URL",
            "pass --url, set HAC_URL, or choose a profile with a url (--profile)",
            Exit::Usage,
        );
    };
    if !raw.contains("://") {
        return r.fail(
            "url",
            format!("{:?} has no scheme", hide_password(&raw)),
            format!("use https://{raw} (HAC's HTTPS port is usually 9002)"),
            Exit::Usage,
        );
    }
    let url = match url::Url::parse(&raw) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => u,
        Ok(u) => {
            return r.fail(
                "url",
                format!("scheme {:?} is not http or https", u.scheme()),
                "use an https:// (or http://) URL",
                Exit::Usage,
            );
        }
        Err(e) => {
            return r.fail(
                "url",
                format!("{:?}: {e}", hide_password(&raw)),
                "check the URL",
                Exit::Usage,
            );
        }
    };
    let host = url.host_str().unwrap_or_default().to_owned();
    let port = url.port_or_known_default().unwrap_or(443);
    r.ok("url", format!("{}://{host}:{port}", url.scheme()));
    // Where the password would come from (never the password): the first source set.
    r.info(
        "password",
        format!(
            "for {} from {} (used only if no cached session is valid)",
            settings.user.value, settings.password_source
        ),
    );

    // Proxy settings in effect (informational; credentials masked).
    let proxy = settings
        .proxy
        .as_ref()
        .map(|p| format!("{} (from {})", hide_password(&p.value), p.source))
        .or_else(|| {
            // The variables in the order the transport reads them (ureq's
            // `Proxy::try_from_env`: the first whose value is a proxy URL wins), so that
            // the proxy named here is the one the requests below go through.
            [
                "ALL_PROXY",
                "all_proxy",
                "HTTPS_PROXY",
                "https_proxy",
                "HTTP_PROXY",
                "http_proxy",
            ]
            .iter()
            .find_map(|k| {
                std::env::var(k)
                    .ok()
                    .filter(|v| ureq::Proxy::new(v).is_ok())
                    .map(|v| format!("{} (from {k})", hide_password(&v)))
            })
        });
    // The proxy itself, as the transport builds it, so that the probe below goes the same
    // way as the requests (and a dead proxy is named as what failed).
    let proxy_in_use = match &settings.proxy {
        Some(p) => ureq::Proxy::new(&p.value).ok(),
        None => ureq::Proxy::try_from_env(),
    }
    .filter(|p| !p.is_no_proxy(&url.as_str().parse().unwrap_or_default()));
    let via_proxy = proxy.is_some() && proxy_in_use.is_some();
    match (&proxy, &proxy_in_use) {
        (Some(p), Some(used)) => {
            let no_proxy = std::env::var("NO_PROXY")
                .or_else(|_| std::env::var("no_proxy"))
                .unwrap_or_default();
            r.info(
                "proxy",
                format!("requests go through {p}; NO_PROXY={no_proxy:?}"),
            );
            let at = format!("{}:{}", used.host(), used.port());
            let reached = at.to_socket_addrs().ok().and_then(|mut addrs| {
                addrs.find_map(|a| {
                    std::net::TcpStream::connect_timeout(&a, Duration::from_secs(5)).ok()
                })
            });
            if reached.is_none() {
                return r.fail(
                    "proxy",
                    format!("cannot connect to the proxy at {at}"),
                    "is the proxy running there, and is it the one to use? (--proxy, HAC_PROXY, HTTPS_PROXY; NO_PROXY for hosts to reach directly)",
                    Exit::Connection,
                );
            }
            r.ok("proxy", format!("the proxy at {at} accepts connections"));
        }
        (Some(p), None) => r.info(
            "proxy",
            format!("{p} is set, but NO_PROXY exempts this server: requests go straight to it"),
        ),
        (None, _) => r.info("proxy", "none: requests go straight to the server"),
    }

    // 2. DNS and 3. TCP (straight to the server; behind a proxy only the proxy is reached).
    if !via_proxy {
        let addrs: Vec<_> = match (host.as_str(), port).to_socket_addrs() {
            Ok(a) => a.collect(),
            Err(e) => {
                return r.fail(
                    "dns",
                    format!("{host} does not resolve: {e}"),
                    "check the host name (VPN connected? typo?)",
                    Exit::Connection,
                );
            }
        };
        let shown: Vec<String> = addrs.iter().take(3).map(|a| a.ip().to_string()).collect();
        r.ok("dns", format!("{host} -> {}", shown.join(", ")));
        let timeout = settings.timeout.value.min(Duration::from_secs(10));
        let mut last = None;
        let connected = addrs
            .iter()
            .find_map(|a| match TcpStream::connect_timeout(a, timeout) {
                Ok(s) => Some((a, s)),
                Err(e) => {
                    last = Some(e);
                    None
                }
            });
        match connected {
            Some((a, _)) => r.ok("tcp", format!("port {port} open on {}", a.ip())),
            None => {
                let e = last.map(|e| e.to_string()).unwrap_or_default();
                return r.fail(
                    "tcp",
                    format!("cannot connect to {host}:{port}: {e}"),
                    "is the server running and is this its port? (HAC: 9002 for https, 9001 \
                     for http); a firewall may be in the way",
                    Exit::Connection,
                );
            }
        }
    }

    // 4. TLS, the http→https redirect and the clock: one bare request (no cookie, no
    // password) to the health check, certificate checks off: it only reads headers.
    if let Some(exit) = probe(&url, settings, proxy_in_use, r) {
        return exit;
    }

    // 5. Context path, 6. login page and login, 7. consoles.
    let shared = connect::SharedPassword::default();
    let client = |ctx: Option<String>, cache: bool| {
        connect::client_with(
            settings,
            global,
            None,
            &Overrides {
                context_path: ctx,
                no_session_cache: !cache,
                ..Overrides::default()
            },
            Some(shared.clone()),
        )
    };
    let candidates: Vec<String> = match &settings.context_path {
        Some(c) => vec![c.value.clone()],
        None => vec!["/hac".into(), String::new()],
    };
    let mut found = None;
    let mut tried = Vec::new();
    for ctx in &candidates {
        let hac = match client(Some(ctx.clone()), false) {
            Ok(h) => h,
            Err(e) => {
                return r.fail(
                    "context",
                    format!("{e:#}"),
                    "check the settings",
                    Exit::Usage,
                );
            }
        };
        match hac.health() {
            Ok(h) => {
                if url.scheme() == "https" && found.is_none() && tried.is_empty() {
                    r.ok(
                        "tls",
                        "the server's certificate is trusted, for this host name",
                    );
                }
                found = Some((ctx.clone(), h));
                break;
            }
            Err(Error::Tls { url, reason, .. }) => return tls_failure(r, &url, &reason),
            Err(e) => tried.push(format!("{}: {e}", shown_ctx(ctx))),
        }
    }
    let Some((ctx, health)) = found else {
        let mut fix = "give HAC's context path with --context-path (often /hac, or / when HAC is the root web app)".to_owned();
        if settings.context_path.is_some() {
            // Name what the usual places hold.
            for other in ["/hac", ""] {
                if let Ok(h) = client(Some(other.into()), false)
                    && h.health().is_ok()
                {
                    fix = format!(
                        "HAC answers at {}: use --context-path {}",
                        shown_ctx(other),
                        if other.is_empty() { "/" } else { other }
                    );
                    break;
                }
            }
        }
        return r.fail(
            "context",
            format!("no HAC found ({})", tried.join("; ")),
            fix,
            Exit::Connection,
        );
    };
    r.ok("context", format!("HAC answers at {}", shown_ctx(&ctx)));
    match health.status {
        HealthStatus::Healthy => r.ok("health", "every health check passes"),
        HealthStatus::NoChecks => r.info("health", "the server has no health checks registered"),
        _ => {
            let failing: Vec<String> = health
                .checks
                .iter()
                .filter(|c| !c.healthy)
                .map(|c| format!("{}: {}", c.name, c.message.as_deref().unwrap_or("failed")))
                .collect();
            r.warn(
                "health",
                format!("unhealthy: {}", failing.join("; ")),
                "look at the server's console log; hac wait --ready waits until it recovers",
            );
        }
    }

    let hac: HacClient = match client(Some(ctx), false) {
        Ok(h) => h,
        Err(e) => return r.fail("login", format!("{e:#}"), "check the settings", Exit::Usage),
    };
    let user = &settings.user.value;
    match hac.login() {
        Ok(()) => r.ok(
            "login",
            format!("logged in as {user} (login page, CSRF token and session all work)"),
        ),
        Err(e) => {
            let (detail, fix) = match &e {
                Error::BadCredentials { .. } => (
                    format!("the server refused user {user} with this password"),
                    "check the password (HAC_PASSWORD, --password-stdin, password_command); HAC refuses a locked account, and a user outside the admin group and every hac_* group, the same way".to_owned(),
                ),
                Error::Credentials { .. } => (
                    format!("{e}"),
                    "give a password: HAC_PASSWORD, --password-stdin or a profile password_command".to_owned(),
                ),
                Error::Csrf { .. } => (
                    format!("{e}"),
                    "a proxy or SSO page may stand in front of HAC; try hac login --cookie with a browser session".to_owned(),
                ),
                Error::Forbidden { .. } => (
                    format!("{user} may not use HAC: {e}"),
                    "the user needs the admin group or a HAC role (hac_* group)".to_owned(),
                ),
                _ => (format!("{e}"), "see the message; run with -vv for details".to_owned()),
            };
            return r.fail("login", detail, fix, classify(&e));
        }
    }

    // One read per console; none runs code (a rolled-back script is still code).
    let consoles: [(&str, &str, ConsoleProbe); 4] = [
        ("groovy", "HAC_CONSOLE_SCRIPTINGLANGUAGES", |h| {
            h.script_types().map(|_| ())
        }),
        ("flexsearch", "HAC_CONSOLE_FLEXSEARCH", |h| {
            h.flexible_search(FlexibleSearch::new("SELECT {pk} FROM {User}").max_rows(1u32))
                .map(|_| ())
        }),
        ("impex", "HAC_CONSOLE_IMPEXIMPORT", |h| {
            h.validate_impex(ImpexImport::new(
                "INSERT_UPDATE Language;isocode[unique=true]\n",
            ))
            .map(|_| ())
        }),
        ("update", "HAC_PLATFORM_UPDATE", |h| {
            h.update_data().map(|_| ())
        }),
    ];
    let mut allowed = 0;
    for (name, role, call) in consoles {
        match call(&hac) {
            Ok(()) => {
                allowed += 1;
                r.ok(name, "a read-only call works");
            }
            Err(Error::Forbidden { .. }) => {
                r.info(name, format!("not allowed for {user} (needs {role})"))
            }
            Err(e) => {
                let exit = classify(&e);
                return r.fail(
                    name,
                    format!("{e}"),
                    "see the message; the server's console log may say more",
                    exit,
                );
            }
        }
    }
    if allowed == 0 {
        return r.fail(
            "roles",
            format!("{user} can log in but may use none of the consoles"),
            "give the user the admin group or the HAC roles it needs (HAC_CONSOLE_*)",
            Exit::Authentication,
        );
    }
    Exit::Success
}

/// One read-only call of a console.
type ConsoleProbe = fn(&HacClient) -> hac_client::Result<()>;

fn shown_ctx(ctx: &str) -> String {
    if ctx.is_empty() {
        "/ (root)".into()
    } else {
        ctx.to_owned()
    }
}

fn tls_failure(r: &mut Report, url: &str, reason: &str) -> Exit {
    let fix = crate::failure::tls_next_step(url, reason).unwrap_or_else(|| {
        if reason.contains("expired") || reason.contains("not valid yet") {
            "renew the certificate on the server, or check this machine's clock".to_owned()
        } else {
            "check the server's certificate and --ca-cert".to_owned()
        }
    });
    r.fail("tls", reason.to_owned(), fix, Exit::Connection)
}

/// One bare GET of the health check: redirects not followed, certificates not checked
/// (nothing secret is sent), to see the TLS outcome with the real trust settings
/// separately (through the library), the http→https redirect, and the Date header.
fn probe(
    url: &url::Url,
    settings: &Settings,
    proxy: Option<ureq::Proxy>,
    r: &mut Report,
) -> Option<Exit> {
    let ctx = settings
        .context_path
        .as_ref()
        .map(|c| c.value.trim_end_matches('/').to_owned())
        .unwrap_or_default();
    // host[:port] as the URL gives it (an IPv6 literal keeps its brackets).
    let authority = url[url::Position::BeforeHost..url::Position::AfterPort].to_owned();
    let target = format!("{}://{authority}{ctx}/monitoring/healthcheck", url.scheme());
    let use_https = || format!("use https://{authority}");
    let tls = ureq::tls::TlsConfig::builder()
        .disable_verification(true)
        .build();
    let agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .proxy(proxy)
        .tls_config(tls)
        .timeout_global(Some(settings.timeout.value.min(Duration::from_secs(15))))
        .build()
        .new_agent();
    let answer = agent
        .get(&target)
        .header("Accept", "application/json")
        .call();
    let resp = match answer {
        Ok(resp) => resp,
        Err(e) => {
            let text = e.to_string();
            if url.scheme() == "http"
                && (text.contains("400") || text.to_lowercase().contains("parse"))
            {
                return Some(r.fail(
                    "scheme",
                    "this port speaks TLS, not plain HTTP",
                    use_https(),
                    Exit::Connection,
                ));
            }
            if url.scheme() == "https" {
                return Some(r.fail(
                    "tls",
                    format!("no TLS handshake: {text}"),
                    "the port may speak plain HTTP: try http://, or check the port",
                    Exit::Connection,
                ));
            }
            r.warn(
                "probe",
                format!("a plain request failed: {text}"),
                "see the next steps",
            );
            return None;
        }
    };
    let status = resp.status().as_u16();
    if status == 400 && url.scheme() == "http" {
        return Some(r.fail(
            "scheme",
            "the server answered 400 to plain HTTP: this port speaks TLS",
            use_https(),
            Exit::Connection,
        ));
    }
    let redirect = location(&resp);
    // HAC's health check is outside Spring Security (`security="none"`), so its channel
    // rule (`requires-channel="https"`) shows only on a secured page: ask for the login
    // page too (under `/hac` when the context path is not known: a root HAC redirects
    // that path as well, as every path it owns).
    let redirect = match redirect {
        None if url.scheme() == "http" => {
            let secured = if ctx.is_empty() && settings.context_path.is_none() {
                "/hac"
            } else {
                ctx.as_str()
            };
            agent
                .get(format!("http://{authority}{secured}/login"))
                .call()
                .ok()
                .and_then(|resp| location(&resp))
                .filter(|to| to.starts_with("https://"))
        }
        other => other,
    };
    if let Some(to) = redirect {
        if url.scheme() == "http" && to.starts_with("https://") {
            let origin = url::Url::parse(&to)
                .map(|u| u.origin().ascii_serialization())
                .unwrap_or_else(|_| "the https:// URL".into());
            r.warn(
                "redirect",
                format!("plain HTTP is redirected to {to}"),
                format!("use {origin} directly (hac follows this redirect, but the first request goes in clear)"),
            );
        } else {
            r.info("redirect", format!("the health check redirects to {to}"));
        }
    }
    // The clock: HAC's cookies and the session cache's idle limits assume it is right.
    if let Some(date) = resp
        .headers()
        .get("date")
        .and_then(|v| v.to_str().ok())
        .and_then(|d| httpdate::parse_http_date(d).ok())
    {
        let now = SystemTime::now();
        let skew = match now.duration_since(date) {
            Ok(d) => d.as_secs() as i64,
            Err(e) => -(e.duration().as_secs() as i64),
        };
        if skew.abs() > 120 {
            r.warn(
                "clock",
                format!(
                    "this machine's clock is {}s {} the server's",
                    skew.abs(),
                    if skew > 0 { "ahead of" } else { "behind" }
                ),
                "sync the clock (NTP); certificate checks and session expiry depend on it",
            );
        } else {
            r.ok(
                "clock",
                format!("within {}s of the server's", skew.abs().max(1)),
            );
        }
    } else {
        r.info("clock", "the server sent no Date header to compare with");
    }
    // The certificate is judged once, with the real trust settings, in the next step:
    // this probe does not check it, so it says nothing about it.
    None
}

/// Where a redirect answer points, if it is one.
fn location(resp: &ureq::http::Response<ureq::Body>) -> Option<String> {
    if !resp.status().is_redirection() {
        return None;
    }
    let to = resp.headers().get("location")?.to_str().ok()?;
    Some(to.to_owned())
}
