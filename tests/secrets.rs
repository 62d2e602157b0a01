//! The password never shows up in Debug output or error messages.

mod common;

use hac_client::{BasicCredentials, HacClient, HacConfig, Password};
use hac_fake::{FakeHac, TlsMode};

const SECRET: &str = "S3cr3t-Pa55word!";

#[test]
fn debug_output_never_contains_the_password() {
    let creds = BasicCredentials::new("admin", SECRET);
    assert!(!format!("{creds:?}").contains(SECRET));
    assert!(!format!("{:?}", Password::new(SECRET)).contains(SECRET));
    let config = HacConfig::builder("http://localhost:9001")
        .credentials(creds)
        .session_persistence(false)
        .build()
        .unwrap();
    assert!(!format!("{config:?}").contains(SECRET));
    let client = HacClient::new(config).unwrap();
    assert!(!format!("{client:?}").contains(SECRET));
}

#[test]
fn no_error_contains_the_password_or_session_secrets() {
    let mut errors = Vec::new();
    // Wrong password.
    let hac = FakeHac::start();
    let c = common::client_as(&hac, "admin", SECRET);
    errors.push(c.login().unwrap_err());
    // Connect, TLS.
    let tls = FakeHac::builder().tls(TlsMode::SelfSigned).start();
    let c = common::build(
        common::config_for(tls.url()).credentials(BasicCredentials::new("admin", SECRET)),
    );
    errors.push(c.login().unwrap_err());
    drop(tls);
    // HTTP status on the login POST echoing the body.
    let hac = FakeHac::start();
    hac.push_override(
        "/j_spring_security_check",
        hac_fake::Response::new(500, "text/plain", "failure"),
    );
    let c = common::client_as(&hac, "admin", SECRET);
    errors.push(c.login().unwrap_err());
    // A session id or token must not appear either.
    let hac = FakeHac::start();
    let c = common::client(&hac);
    c.login().unwrap();
    hac.push_override(
        "/console/scripting/execute",
        hac_fake::Response::json("{broken"),
    );
    errors.push(c.execute_groovy("return 1").unwrap_err());
    let sent = hac.requests().pop().unwrap();
    let session = sent.cookie("JSESSIONID").unwrap();
    let token = sent.header("X-CSRF-TOKEN").unwrap().to_owned();
    for e in &errors {
        for text in [e.to_string(), format!("{e:?}")] {
            assert!(!text.contains(SECRET), "{text}");
            assert!(!text.contains(&session), "{text}");
            assert!(!text.contains(&token), "{text}");
        }
    }
    assert!(!format!("{c:?}").contains(&session));
}
