//! Network failures and TLS: connection refused, timeouts, certificates.

mod common;

use std::net::TcpListener;
use std::time::Duration;

use fake_hac::{FakeHac, TlsMode};
use hac_client::{Error, HacClient, HacConfigBuilder};

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
    match &e {
        Error::Timeout { after, path } => {
            assert_eq!(*after, Duration::from_millis(1000));
            assert!(path.ends_with("/console/scripting/execute"));
        }
        _ => unreachable!(),
    }
    // Imports use the long timeout (the whole server is slow now).
    hac.set_delay(Duration::from_millis(1500));
    let r = c.import_impex("INSERT Language;isocode\n;de").unwrap();
    assert!(r.success);
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
    .unwrap();
}

#[test]
fn tls_untrusted_certificate_refused_by_default() {
    for mode in [TlsMode::SelfSigned, TlsMode::CaSigned] {
        let hac = FakeHac::builder().tls(mode).start();
        let c = HacClient::new(https_config(&hac).build().unwrap()).unwrap();
        let e = c.login().unwrap_err();
        match &e {
            Error::Tls { reason, url } => {
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
    let c = HacClient::new(https_config(&hac).pin_certificate_pem(pem).build().unwrap()).unwrap();
    c.execute_groovy("return 1").unwrap();
    c.execute_groovy("return 1").unwrap();
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
    let c = HacClient::new(
        https_config(&hac)
            .add_root_certificate_pem(ca)
            .build()
            .unwrap(),
    )
    .unwrap();
    c.execute_groovy("return 1").unwrap();
}

#[test]
fn tls_pin_of_another_certificate_is_refused() {
    let hac = FakeHac::builder().tls(TlsMode::SelfSigned).start();
    let other = FakeHac::builder().tls(TlsMode::SelfSigned).start();
    let pem = other.certs().unwrap().leaf_pem.clone();
    let c = HacClient::new(https_config(&hac).pin_certificate_pem(pem).build().unwrap()).unwrap();
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
    c.execute_groovy("return 1").unwrap();
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
            b = b.pin_certificate_pem(&certs.leaf_pem);
        }
        let c = HacClient::new(b.build().unwrap()).unwrap();
        c.execute_groovy("return 1").unwrap();
        std::thread::sleep(Duration::from_millis(400));
        // POST on a connection the server has closed meanwhile.
        c.execute_groovy("return 2").unwrap();
        c.import_impex("INSERT Language;isocode\n;de").unwrap();
        assert_eq!(hac.stats().logins, 1, "{mode:?}");
    }
}
