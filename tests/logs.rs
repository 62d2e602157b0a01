//! With logging at debug level for every crate, the password never reaches the log, and
//! neither do the session id and CSRF token outside html5ever's own parse tracing
//! (cookie_store would log non-Secure Set-Cookie values if asked to store them its way).

mod common;

use common::Capture;

use hac_client::{BasicCredentials, HacClient};
use hac_fake::{ExpiryAnswer, FakeHac};

static LOGGER: Capture = Capture::new();

/// Installs the capturing logger once for every test in this binary, at debug level for
/// every crate (trace is parser internals: html5ever traces every token it reads).
fn capture() -> &'static Capture {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        log::set_logger(&LOGGER).unwrap();
        log::set_max_level(log::LevelFilter::Debug);
    });
    &LOGGER
}

fn warnings_containing(needle: &str) -> Vec<String> {
    capture()
        .lines
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("WARN ") && l.contains(needle))
        .cloned()
        .collect()
}

#[test]
fn warnings_for_what_hac_would_silently_change() {
    capture();
    let hac = FakeHac::builder().user("xss", "pw onload=1").start();
    let c = common::client(&hac);
    // The fake's stand-in for Groovy does not run `def`: only the warning matters here.
    let _ = c
        .execute_groovy("println 'a'\ndef src = 'x'\nprintln src")
        .unwrap();
    let w = warnings_containing("Groovy script");
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("line 2") && w[0].contains("\"src\""), "{w:?}");
    // Form-sent ImpEx that matches: warned; with the default, uploaded instead (no warning).
    c.import_impex("INSERT Language;isocode\n;de\n# vbscript:x")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert!(warnings_containing("ImpEx script").is_empty());
    c.import_impex(
        hac_client::ImpexImport::new("INSERT Language;isocode\n;de\n# vbscript:x")
            .upload(hac_client::ImpexUpload::Never),
    )
    .unwrap()
    .error_for_failure_ref()
    .unwrap();
    let w = warnings_containing("ImpEx script");
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("line 3") && w[0].contains("vbscript"),
        "{w:?}"
    );
    // The password: the rule, never the password.
    let _ = common::client_as(&hac, "xss", "pw onload=1").login();
    let w = warnings_containing("the password");
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(!w[0].contains("pw onload"), "{w:?}");
}

#[test]
fn the_move_to_https_is_reported_once() {
    capture();
    let hac = FakeHac::builder()
        .tls(hac_fake::TlsMode::SelfSigned)
        .http_redirect(true)
        .start();
    let http = hac.http_url().unwrap();
    let c = common::build(
        common::config_for(http.clone()).trust_only_certificate(&hac.certs().unwrap().leaf_pem),
    );
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    hac.expire_sessions();
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    let w = warnings_containing(&http);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains(&hac.url()), "{w:?}");
}

#[test]
fn trace_logs_hold_no_secrets() {
    capture();
    let password = "Tr4ce-Me-If-You-Can";
    let hac = FakeHac::builder()
        .user("ops", password)
        .route_cookie(true)
        .expiry_answer(ExpiryAnswer::LoginPage)
        .start();
    let dir = tempfile::tempdir().unwrap();
    let config = |pw: &str| {
        common::config(&hac)
            .credentials(BasicCredentials::new("ops", pw))
            .session_store(hac_client::FileStore::new(dir.path()).unwrap())
            .build()
            .unwrap()
    };
    assert!(HacClient::new(config("wrong")).unwrap().login().is_err());
    let client = HacClient::new(config(password)).unwrap();
    client
        .execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    hac.expire_sessions();
    client
        .execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    HacClient::new(config(password))
        .unwrap()
        .execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    let mut secrets = vec![password.to_owned()];
    for r in hac.requests() {
        secrets.extend(r.cookie("JSESSIONID"));
        secrets.extend(r.header("X-CSRF-TOKEN").map(str::to_owned));
    }
    assert!(secrets.len() > 3);
    let lines = LOGGER.lines.lock().unwrap();
    assert!(!lines.is_empty(), "something is logged at debug level");
    for line in lines.iter() {
        // The password is never in any log line of any crate.
        assert!(!line.contains(password), "{line}");
        // html5ever logs the pages it parses at debug level (tokens included); every other
        // crate, ours and the HTTP, TLS and cookie layers, must not show session secrets.
        if line.contains(" html5ever::") {
            continue;
        }
        for s in &secrets {
            assert!(!line.contains(s.as_str()), "{line}");
        }
    }
    assert!(
        lines.iter().any(|l| l.contains(" hac_client")),
        "our own log lines were checked"
    );
}
