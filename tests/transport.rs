//! Network failures and TLS: connection refused, timeouts, certificates.

mod common;

use std::net::TcpListener;
use std::time::Duration;

use hac_client::{Error, HacClient, HacConfigBuilder};
use hac_fake::{FakeHac, TlsMode};

fn https_config(hac: &FakeHac) -> HacConfigBuilder {
    common::config(hac).timeout(Duration::from_secs(10))
}

#[test]
fn connection_refused() {
    // Bind then drop: the port is very likely closed right after.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = common::build(common::config_for(format!("http://127.0.0.1:{port}")));
    let e = c.execute_groovy("return 1").unwrap_err();
    assert!(matches!(e, Error::Connect { .. }), "{e:?}");
    assert!(e.to_string().contains(&format!("127.0.0.1:{port}")), "{e}");
}

#[test]
fn unknown_host() {
    let c = common::build(
        common::config_for("http://no-such-host.invalid:9001").timeout(Duration::from_secs(10)),
    );
    let e = c.login().unwrap_err();
    assert!(
        matches!(e, Error::Connect { .. } | Error::Timeout { .. }),
        "{e:?}"
    );
}

#[test]
fn timeout_and_per_call_override() {
    let hac = FakeHac::start();
    let c = HacClient::new(
        common::config(&hac)
            .timeout(Duration::from_millis(1000))
            .long_timeout(Duration::from_secs(10))
            .build()
            .unwrap(),
    )
    .unwrap();
    c.login().unwrap();
    // Short calls use the short timeout.
    let e = c.execute_groovy("Thread.sleep(4000)").unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    // Sent once and never again: a call that timed out may have run (the fake logs a
    // request when it arrives, and a retry would have been sent before the error).
    let sent = hac
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/console/scripting/execute"))
        .count();
    assert_eq!(sent, 1, "a timed-out call is not retried");
    assert!(e.may_have_run() && !e.is_retryable());
    match &e {
        Error::Timeout { after, path, .. } => {
            assert_eq!(*after, Duration::from_millis(1000));
            assert!(path.ends_with("/console/scripting/execute"));
        }
        _ => unreachable!(),
    }
    // Imports use the long timeout (the whole server is slow now).
    hac.set_delay(Duration::from_millis(1500));
    let r = c.import_impex("INSERT Language;isocode\n;de").unwrap();
    assert!(r.is_success());
    // And a per-call timeout beats both.
    let e = c
        .import_impex(
            hac_client::ImpexImport::new("INSERT Language;isocode\n;de")
                .timeout(Duration::from_millis(500)),
        )
        .unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    hac.set_delay(Duration::ZERO);
    c.flexible_search(
        hac_client::FlexibleSearch::new("SELECT {pk} FROM {Product}")
            .timeout(Duration::from_secs(5)),
    )
    .unwrap()
    .error_for_failure_ref()
    .unwrap();
}

#[test]
fn tls_untrusted_certificate_refused_by_default() {
    for mode in [TlsMode::SelfSigned, TlsMode::CaSigned] {
        let hac = FakeHac::builder().tls(mode).start();
        let c = HacClient::new(https_config(&hac).build().unwrap()).unwrap();
        let e = c.login().unwrap_err();
        match &e {
            Error::Tls { reason, url, .. } => {
                assert!(reason.to_lowercase().contains("certificate"), "{reason}");
                assert!(url.starts_with("https://localhost:"), "{url}");
            }
            e => panic!("{mode:?}: {e:?}"),
        }
        assert_eq!(hac.stats().requests, 0);
    }
}

#[test]
fn tls_pinned_self_signed_certificate() {
    let hac = FakeHac::builder()
        .tls(TlsMode::SelfSigned)
        .route_cookie(true)
        .start();
    let pem = hac.certs().unwrap().leaf_pem.clone();
    let c = HacClient::new(
        https_config(&hac)
            .trust_only_certificate(pem)
            .build()
            .unwrap(),
    )
    .unwrap();
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(
        hac.stats().logins,
        1,
        "Secure cookies are sent back over https"
    );
}

#[test]
fn tls_extra_root_ca() {
    let hac = FakeHac::builder().tls(TlsMode::CaSigned).start();
    let ca = hac.certs().unwrap().ca_pem.clone();
    let c = HacClient::new(https_config(&hac).add_root_certificate(ca).build().unwrap()).unwrap();
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
}

#[test]
fn tls_pin_of_another_certificate_is_refused() {
    let hac = FakeHac::builder().tls(TlsMode::SelfSigned).start();
    let other = FakeHac::builder().tls(TlsMode::SelfSigned).start();
    let pem = other.certs().unwrap().leaf_pem.clone();
    let c = HacClient::new(
        https_config(&hac)
            .trust_only_certificate(pem)
            .build()
            .unwrap(),
    )
    .unwrap();
    let e = c.login().unwrap_err();
    assert!(matches!(e, Error::Tls { .. }), "{e:?}");
}

#[test]
fn tls_danger_accept_invalid_certs() {
    let hac = FakeHac::builder().tls(TlsMode::SelfSigned).start();
    let c = HacClient::new(
        https_config(&hac)
            .danger_accept_invalid_certs(true)
            .build()
            .unwrap(),
    )
    .unwrap();
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
}

#[test]
fn plain_http_client_against_https_server_fails_cleanly() {
    let hac = FakeHac::builder().tls(TlsMode::SelfSigned).start();
    let c = common::build(
        common::config_for(hac.url().replace("https://", "http://"))
            .timeout(Duration::from_secs(3)),
    );
    let e = c.login().unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    assert!(e.to_string().contains("use an https:// URL"), "{e}");
}

#[test]
fn server_closing_idle_connections_is_harmless() {
    for mode in [TlsMode::Off, TlsMode::SelfSigned] {
        let hac = FakeHac::builder()
            .tls(mode)
            .keep_alive(Duration::from_millis(150))
            .start();
        let mut b = https_config(&hac);
        if let Some(certs) = hac.certs() {
            b = b.trust_only_certificate(&certs.leaf_pem);
        }
        let c = HacClient::new(b.build().unwrap()).unwrap();
        c.execute_groovy("return 1")
            .unwrap()
            .error_for_failure_ref()
            .unwrap();
        std::thread::sleep(Duration::from_millis(400));
        // POST on a connection the server has closed meanwhile.
        c.execute_groovy("return 2")
            .unwrap()
            .error_for_failure_ref()
            .unwrap();
        c.import_impex("INSERT Language;isocode\n;de")
            .unwrap()
            .error_for_failure_ref()
            .unwrap();
        assert_eq!(hac.stats().logins, 1, "{mode:?}");
    }
}

/// The TLS error of logging in to `url` trusting `pem` (as a root, like `curl --cacert`).
fn tls_error(url: String, pem: Option<&str>) -> String {
    let mut config = common::config_for(url).timeout(Duration::from_secs(10));
    if let Some(pem) = pem {
        config = config.add_root_certificate(pem);
    }
    match common::build(config).login() {
        Err(Error::Tls { reason, .. }) => reason,
        other => panic!("expected a TLS error, got {other:?}"),
    }
}

/// `openssl req -x509` makes a self-signed certificate with `CA:TRUE`, what a local HAC's
/// keystore typically holds; webpki alone refuses it as a server's own ("CaUsedAsEndEntity").
#[test]
fn tls_a_trusted_self_signed_ca_certificate_works_like_curl_cacert() {
    let hac = FakeHac::builder().tls(TlsMode::SelfSignedCa).start();
    let pem = hac.certs().unwrap().leaf_pem.clone();
    for url in [hac.url(), hac.url_with_host("127.0.0.1")] {
        let c = common::build(
            common::config_for(url.clone())
                .timeout(Duration::from_secs(10))
                .add_root_certificate(&pem),
        );
        c.execute_groovy("return 1")
            .unwrap()
            .error_for_failure_ref()
            .unwrap();
        let c = common::build(
            common::config_for(url)
                .timeout(Duration::from_secs(10))
                .trust_only_certificate(&pem),
        );
        c.execute_groovy("return 1")
            .unwrap()
            .error_for_failure_ref()
            .unwrap();
    }
    // Not trusted: refused, and the message says what to do.
    let reason = tls_error(hac.url(), None);
    assert!(reason.contains("trust that exact certificate"), "{reason}");
    // The library's message names no tool's flags.
    assert!(!reason.contains("--ca-cert"), "{reason}");
    // Another certificate of the same kind is not this one.
    let other = FakeHac::builder().tls(TlsMode::SelfSignedCa).start();
    let reason = tls_error(hac.url(), Some(&other.certs().unwrap().leaf_pem));
    assert!(reason.contains("trust that exact certificate"), "{reason}");
}

#[test]
fn tls_a_trusted_certificate_must_still_name_the_host_and_be_valid() {
    // Issued for localhost only: 127.0.0.1 is another name.
    let hac = FakeHac::builder()
        .tls(TlsMode::SelfSignedCa)
        .cert_names(&["localhost"])
        .start();
    let pem = hac.certs().unwrap().leaf_pem.clone();
    let reason = tls_error(hac.url_with_host("127.0.0.1"), Some(&pem));
    assert!(
        reason.contains("not for 127.0.0.1") && reason.contains("localhost"),
        "{reason}"
    );

    // Expired.
    let hac = FakeHac::builder()
        .tls(TlsMode::SelfSignedCa)
        .cert_expired(true)
        .start();
    let pem = hac.certs().unwrap().leaf_pem.clone();
    let reason = tls_error(hac.url(), Some(&pem));
    assert!(
        reason.contains("expired") && reason.contains("2021-01-01"),
        "{reason}"
    );
    // Expired and only pinned: the same.
    let c = common::build(
        common::config_for(hac.url())
            .timeout(Duration::from_secs(10))
            .trust_only_certificate(&pem),
    );
    assert!(matches!(c.login(), Err(Error::Tls { .. })));

    // Expired, CA-signed: the chain check says so too.
    let hac = FakeHac::builder()
        .tls(TlsMode::CaSigned)
        .cert_expired(true)
        .start();
    let ca = hac.certs().unwrap().ca_pem.clone();
    let reason = tls_error(hac.url(), Some(&ca));
    assert!(reason.contains("expired"), "{reason}");
}

/// An older `openssl req -x509 -subj /CN=localhost` certificate has no subject alternative
/// names: trusted as it is, its common name is the host name, as OpenSSL has it.
#[test]
fn tls_a_trusted_certificate_without_alternative_names_uses_its_common_name() {
    let hac = FakeHac::builder()
        .tls(TlsMode::SelfSignedCa)
        .cert_names(&[])
        .cert_common_name("localhost")
        .start();
    let pem = hac.certs().unwrap().leaf_pem.clone();
    let c = common::build(
        common::config_for(hac.url())
            .timeout(Duration::from_secs(10))
            .add_root_certificate(&pem),
    );
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    let reason = tls_error(hac.url_with_host("127.0.0.1"), Some(&pem));
    assert!(reason.contains("not for 127.0.0.1"), "{reason}");
}

#[test]
fn tls_failures_say_what_to_do() {
    // An https URL for a plain-HTTP server.
    let hac = FakeHac::start();
    let reason = tls_error(hac.url().replace("http://", "https://"), None);
    assert!(reason.contains("use an http:// URL"), "{reason}");
    // The same where the server answers the handshake with HTTP, as Tomcat does.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        if let Ok((mut s, _)) = listener.accept() {
            let _ = s.read(&mut [0; 1024]);
            let _ = s.write_all(b"HTTP/1.1 400 \r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    let reason = tls_error(format!("https://127.0.0.1:{port}"), None);
    assert!(reason.contains("use an http:// URL"), "{reason}");
    // A server that closes the connection at the handshake: nothing was sent, so this is
    // a TLS failure, not an answer lost.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || drop(listener.accept()));
    let reason = tls_error(format!("https://127.0.0.1:{port}"), None);
    assert!(
        reason.contains("ended during the TLS handshake"),
        "{reason}"
    );
    // Untrusted CA.
    let hac = FakeHac::builder().tls(TlsMode::CaSigned).start();
    let reason = tls_error(hac.url(), None);
    assert!(
        reason.contains("not issued by a CA this client trusts") && reason.contains("trust its CA"),
        "{reason}"
    );
}
