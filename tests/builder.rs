//! The builder's network options against the fake HAC on loopback: one-step client,
//! certificates as PEM or DER, trust-only, public-key pins, client certificates, a ready
//! rustls configuration, proxies, default headers and the connect timeout.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use hac_client::{BasicCredentials, Error, HacClient, HacConfig};
use hac_fake::{FakeHac, TlsMode};

fn builder(url: &str) -> hac_client::HacConfigBuilder<HacClient> {
    HacClient::builder(url)
        .credentials(BasicCredentials::new("admin", "nimda"))
        .session_persistence(false)
        .timeout(Duration::from_secs(10))
}

fn tls_reason(result: hac_client::Result<()>) -> String {
    match result {
        Err(Error::Tls { reason, .. }) => reason,
        other => panic!("expected a TLS error, got {other:?}"),
    }
}

/// The DER of the first certificate in a PEM text.
fn der(pem: &str) -> Vec<u8> {
    let body: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

#[test]
fn one_step_client_and_certificates_as_pem_or_der() {
    let hac = FakeHac::builder().tls(TlsMode::SelfSignedCa).start();
    let pem = hac.certs().unwrap().leaf_pem.clone();
    let c = builder(&hac.url())
        .add_root_certificate(&pem)
        .build()
        .unwrap();
    assert_eq!(c.execute_groovy("return 1").unwrap().result, "1");
    let c = builder(&hac.url())
        .add_root_certificate(der(&pem))
        .build()
        .unwrap();
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    let c = builder(&hac.url())
        .trust_only_certificate(der(&pem))
        .build()
        .unwrap();
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    // The two-step form still works.
    let config = HacConfig::builder(hac.url())
        .credentials(BasicCredentials::new("admin", "nimda"))
        .session_persistence(false)
        .add_root_certificate(&pem)
        .build()
        .unwrap();
    HacClient::new(config).unwrap().login().unwrap();
    // Garbage is a configuration error, found by build.
    for bad in [
        &b"not a certificate"[..],
        b"-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n",
    ] {
        let e = builder(&hac.url())
            .add_root_certificate(bad)
            .build()
            .unwrap_err();
        assert!(matches!(e, Error::Config { .. }), "{e:?}");
    }
}

#[test]
fn public_key_pins_work_for_ca_signed_servers_too() {
    let hac = FakeHac::builder().tls(TlsMode::CaSigned).start();
    let certs = hac.certs().unwrap().clone();
    let pin = hac_client::public_key_pin(certs.leaf_pem.as_bytes()).unwrap();
    assert!(pin.starts_with("sha256//") && pin.len() == 8 + 44, "{pin}");
    // The same pin as `openssl x509 -pubkey | openssl pkey -pubin -outform der | sha256`.
    if let Some(expected) = openssl_pin(&certs.leaf_pem) {
        assert_eq!(pin, expected);
    }
    // A CA-signed server: the chain is verified and the key must match.
    let c = builder(&hac.url())
        .add_root_certificate(&certs.ca_pem)
        .pin_public_key_sha256(format!("sha256//{}; {pin}", "A".repeat(43) + "="))
        .build()
        .unwrap();
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    // Another key: refused, though the chain is fine.
    let other = FakeHac::builder().tls(TlsMode::SelfSigned).start();
    let other_pin = hac_client::public_key_pin(other.certs().unwrap().leaf_pem.as_bytes()).unwrap();
    let c = builder(&hac.url())
        .add_root_certificate(&certs.ca_pem)
        .pin_public_key_sha256(&other_pin)
        .build()
        .unwrap();
    let reason = tls_reason(c.login());
    assert!(reason.contains("not one of the pinned keys"), "{reason}");
    // The pin does not replace the chain check...
    let c = builder(&hac.url())
        .pin_public_key_sha256(&pin)
        .build()
        .unwrap();
    assert!(tls_reason(c.login()).contains("not issued by a CA"));
    // ...unless verification is off, where the pin alone decides.
    let c = builder(&hac.url())
        .danger_accept_invalid_certs(true)
        .pin_public_key_sha256(&pin)
        .build()
        .unwrap();
    c.login().unwrap();
    let c = builder(&hac.url())
        .danger_accept_invalid_certs(true)
        .pin_public_key_sha256(&other_pin)
        .build()
        .unwrap();
    assert!(tls_reason(c.login()).contains("pinned keys"));
    let e = builder(&hac.url())
        .pin_public_key_sha256("sha256//short")
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::Config { .. }), "{e:?}");
}

/// The pin computed by openssl, when it is installed.
fn openssl_pin(cert_pem: &str) -> Option<String> {
    use std::process::{Command, Stdio};
    let run = |args: &[&str], input: &[u8]| -> Option<Vec<u8>> {
        let mut child = Command::new("openssl")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        child.stdin.take()?.write_all(input).ok()?;
        let out = child.wait_with_output().ok()?;
        out.status.success().then_some(out.stdout)
    };
    let pubkey = run(&["x509", "-pubkey", "-noout"], cert_pem.as_bytes())?;
    let der = run(&["pkey", "-pubin", "-outform", "der"], &pubkey)?;
    let hash = run(&["dgst", "-sha256", "-binary"], &der)?;
    Some(format!(
        "sha256//{}",
        base64::engine::general_purpose::STANDARD.encode(hash)
    ))
}

#[test]
fn client_certificates_for_gateways_that_want_one() {
    let hac = FakeHac::builder()
        .tls(TlsMode::SelfSigned)
        .require_client_cert(true)
        .start();
    let certs = hac.certs().unwrap().clone();
    let without = builder(&hac.url())
        .add_root_certificate(&certs.leaf_pem)
        .build()
        .unwrap();
    let e = without.login().unwrap_err();
    assert!(
        matches!(&e, Error::Tls { reason, .. } if reason.contains("client certificate"))
            || matches!(e, Error::AnswerLost { .. }),
        "{e:?}"
    );
    let with = builder(&hac.url())
        .add_root_certificate(&certs.leaf_pem)
        .client_certificate(
            certs.client_cert_pem.as_ref().unwrap(),
            certs.client_key_pem.as_ref().unwrap(),
        )
        .build()
        .unwrap();
    assert_eq!(with.execute_groovy("return 2").unwrap().result, "2");
    let e = builder(&hac.url())
        .client_certificate(certs.client_cert_pem.as_ref().unwrap(), "no key here")
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::Config { .. }), "{e:?}");
}

#[test]
fn a_ready_rustls_configuration_is_used_as_it_is() {
    use hac_client::rustls;
    let hac = FakeHac::builder().tls(TlsMode::CaSigned).start();
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from(der(&hac
            .certs()
            .unwrap()
            .ca_pem)))
        .unwrap();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let c = builder(&hac.url())
        .tls_config(Arc::new(config))
        .build()
        .unwrap();
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
}

/// A minimal HTTP CONNECT proxy: records each CONNECT head, then relays bytes.
struct ConnectProxy {
    url: String,
    heads: Arc<Mutex<Vec<String>>>,
}

fn connect_proxy() -> ConnectProxy {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = heads.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let seen = seen.clone();
            std::thread::spawn(move || relay(client, &seen));
        }
    });
    ConnectProxy { url, heads }
}

fn relay(client: TcpStream, seen: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    seen.lock().unwrap().push(head.clone());
    let target = head
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let Ok(upstream) = TcpStream::connect(&target) else {
        return;
    };
    let mut client_w = client;
    client_w
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .unwrap();
    let mut up_r = upstream.try_clone().unwrap();
    let mut up_w = upstream;
    let mut down = client_w.try_clone().unwrap();
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut up_r, &mut down);
    });
    // What the reader buffered belongs upstream too.
    let buffered = reader.buffer().to_vec();
    let _ = up_w.write_all(&buffered);
    let mut rest = reader.into_inner();
    let mut buf = [0; 8192];
    while let Ok(n) = rest.read(&mut buf) {
        if n == 0 || up_w.write_all(&buf[..n]).is_err() {
            break;
        }
    }
}

#[test]
fn an_explicit_proxy_with_credentials_and_exceptions() {
    let hac = FakeHac::start();
    let proxy = connect_proxy();
    let with_creds = proxy.url.replace("http://", "http://alice:s%40cret@");
    let c = builder(&hac.url()).proxy(&with_creds).build().unwrap();
    assert_eq!(c.execute_groovy("return 3").unwrap().result, "3");
    let heads = proxy.heads.lock().unwrap().clone();
    assert!(!heads.is_empty());
    let port = url::Url::parse(&hac.url()).unwrap().port().unwrap();
    assert!(
        heads[0].starts_with(&format!("CONNECT 127.0.0.1:{port} ")),
        "{heads:?}"
    );
    let auth = base64::engine::general_purpose::STANDARD.encode("alice:s@cret");
    assert!(
        heads[0].contains(&format!("Basic {auth}")),
        "proxy credentials: {heads:?}"
    );
    // The proxy password is not in the configuration's Debug.
    let config = HacConfig::builder(hac.url())
        .credentials(BasicCredentials::new("admin", "nimda"))
        .proxy(&with_creds)
        .build()
        .unwrap();
    assert!(!format!("{config:?}").contains("cret"));

    // Hosts on the exception list go straight to the server.
    let before = proxy.heads.lock().unwrap().len();
    let c = builder(&hac.url())
        .proxy(&proxy.url)
        .no_proxy("localhost,127.0.0.1")
        .build()
        .unwrap();
    c.execute_groovy("return 4")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    assert_eq!(proxy.heads.lock().unwrap().len(), before);
    // A dead proxy is named as what failed, not a hang and not the server.
    let dead = TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://127.0.0.1:{}", dead.local_addr().unwrap().port());
    drop(dead);
    let c = builder(&hac.url()).proxy(&dead_url).build().unwrap();
    let e = c.login().unwrap_err();
    assert!(
        matches!(&e, Error::Proxy { proxy, .. } if *proxy == dead_url),
        "{e:?}"
    );
    assert!(!e.may_have_run());
    for bad in ["socks5://127.0.0.1:1", "::"] {
        let e = builder(&hac.url()).proxy(bad).build().unwrap_err();
        assert!(matches!(e, Error::Config { .. }), "{bad}: {e:?}");
    }
}

#[test]
fn default_headers_on_every_request_and_never_in_errors() {
    let hac = FakeHac::start();
    let token = "gw-token-5c1f9a";
    let c = builder(&hac.url())
        .default_header("X-Gateway-Token", token)
        .user_agent("my-tool/1.0")
        .build()
        .unwrap();
    c.execute_groovy("return 1")
        .unwrap()
        .error_for_failure_ref()
        .unwrap();
    let requests = hac.requests();
    assert!(requests.len() >= 3, "login and the call");
    for r in &requests {
        assert_eq!(r.header("x-gateway-token"), Some(token), "{}", r.path);
        assert_eq!(r.header("user-agent"), Some("my-tool/1.0"));
    }
    // A gateway page that echoes the header: the error does not.
    hac.push_override(
        "/console/scripting/execute",
        hac_fake::Response::new(
            502,
            "text/html",
            format!("<html><body>Bad gateway for token {token}</body></html>"),
        ),
    );
    let e = c.execute_groovy("return 1").unwrap_err();
    assert!(!e.to_string().contains(token), "{e}");
    assert!(!format!("{e:?}").contains(token));
    for (name, value) in [
        ("Cookie", "x"),
        ("X-CSRF-TOKEN", "x"),
        ("bad name", "x"),
        ("X-Ok", "line\nbreak"),
    ] {
        let e = builder(&hac.url())
            .default_header(name, value)
            .build()
            .unwrap_err();
        assert!(matches!(e, Error::Config { .. }), "{name}: {e:?}");
    }
}

#[test]
fn the_connect_timeout_covers_connecting_and_the_handshake() {
    // A server that accepts the connection and never answers the TLS handshake.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let held = Arc::new(Mutex::new(Vec::new()));
    let keep = held.clone();
    std::thread::spawn(move || {
        for s in silent.incoming().flatten() {
            keep.lock().unwrap().push(s);
        }
    });
    let c = builder(&format!("https://127.0.0.1:{port}"))
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let e = c.login().unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    // Nothing was sent: not a request that may have run.
    assert!(matches!(e, Error::Connect { .. }), "{e:?}");
    assert!(!e.may_have_run());
    let e = builder("http://127.0.0.1:1")
        .connect_timeout(Duration::ZERO)
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::Config { .. }));
}
