//! Helpers shared by the integration tests.
#![allow(dead_code)]

use hac_client::{BasicCredentials, HacClient, HacConfig, HacConfigBuilder};
use hac_fake::{ADMIN, FakeHac};

/// A config for any URL as the fake's admin, without persistence.
pub fn config_for(url: impl Into<String>) -> HacConfigBuilder {
    HacConfig::builder(url)
        .credentials(BasicCredentials::new(ADMIN.0, ADMIN.1))
        .session_persistence(false)
}

/// A config for the fake with the default admin, no persistence.
pub fn config(hac: &FakeHac) -> HacConfigBuilder {
    config_for(hac.url())
}

/// A client built from a config.
pub fn build(config: HacConfigBuilder) -> HacClient {
    HacClient::new(config.build().expect("config")).expect("client")
}

/// A client for the fake.
pub fn client(hac: &FakeHac) -> HacClient {
    build(config(hac))
}

/// A client for the fake as another user.
pub fn client_as(hac: &FakeHac, user: &str, password: &str) -> HacClient {
    build(config(hac).credentials(BasicCredentials::new(user, password)))
}

/// A logger that keeps every record as `LEVEL target message`, for tests that check what
/// reaches the log (the logger is process-wide: one such test binary each).
pub struct Capture {
    pub lines: std::sync::Mutex<Vec<String>>,
}

impl Capture {
    pub const fn new() -> Capture {
        Capture {
            lines: std::sync::Mutex::new(Vec::new()),
        }
    }
}

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        let line = format!("{} {} {}", record.level(), record.target(), record.args());
        self.lines.lock().unwrap().push(line);
    }
    fn flush(&self) {}
}
